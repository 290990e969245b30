
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'tikdl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'tikdl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'tikdl' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this config file instead of the default one (see `tikdl config path`)')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Metadata cache folder [default: tikdl in the user''s cache folder] (config: cache_dir)')
            [CompletionResult]::new('--cache-ttl', '--cache-ttl', [CompletionResultType]::ParameterName, 'Seconds a cached post''s metadata stays usable [default: 1800] (config: cache_ttl)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Proxy: http://, https://, socks4://, socks4a://, socks5:// or socks5h:// URL (any other scheme is an error). Repeatable: posts are spread across several proxies in turn, one post''s requests all through the same one (config: proxy.urls). Without it, HTTPS_PROXY, ALL_PROXY and NO_PROXY are honoured (their scheme is checked the same way)')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to HOST2:PORT2 when a request is for HOST1:PORT1 (curl''s syntax; empty HOST1 matches every host, empty HOST2/PORT2 keep the original). PORT1 is empty, 443 or 80; tikdl only makes https requests (port 443), so a :80: rule never applies. Repeatable')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM certificate (or bundle) in addition to the built-in roots. Repeatable')
            [CompletionResult]::new('--cookies', '--cookies', [CompletionResultType]::ParameterName, 'Netscape cookies.txt (as browser extensions and yt-dlp export it); read only (config: session.cookies_file)')
            [CompletionResult]::new('--cookies-from-browser', '--cookies-from-browser', [CompletionResultType]::ParameterName, 'Read TikTok''s cookies from a browser''s own cookie database: firefox, chrome, chromium, brave, edge or vivaldi (Linux), optionally with a profile name or folder (firefox:default-release, chrome:"Profile 1", firefox:~/path/to/profile) and a Firefox container (firefox::Work). Only cookies of tiktok.com and its subdomains are read. With --cookies too, both are used and the file''s cookie wins where both have one (config: session.cookies_from_browser)')
            [CompletionResult]::new('--user-agent', '--user-agent', [CompletionResultType]::ParameterName, 'User-Agent to send instead of the built-in desktop browser one (config: headers.user_agent)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header, "Name: value", sent on page/API requests to *.tiktok.com only; "HOST:Name: value" sends it to that one host instead (e.g. a CDN host). Repeatable; added to the config file''s headers.custom_headers')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection or for data before giving up [default: 30] (config: request_timeout). A page or API answer must also arrive whole within twice this')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)')
            [CompletionResult]::new('--retry-backoff', '--retry-backoff', [CompletionResultType]::ParameterName, 'Base of the exponential backoff between retries, in seconds (full jitter; Retry-After wins) [default: 1.0] (config: retry_backoff)')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Page/API requests per minute to tiktok.com (0 = no pacing); media downloads are not paced [default: 60] (config: rate_limit.requests_per_minute)')
            [CompletionResult]::new('--burst', '--burst', [CompletionResultType]::ParameterName, 'Requests allowed at once before pacing starts [default: 10] (config: rate_limit.burst_limit)')
            [CompletionResult]::new('--cooldown', '--cooldown', [CompletionResultType]::ParameterName, 'Pause after TikTok throttles (429, challenge, block) when it gives no Retry-After [default: 300] (config: rate_limit.cooldown_period)')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file: built-in defaults and flags only')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the metadata cache (config: enable_caching = false)')
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'Print request, cache, retry and speed statistics on stderr at the end')
            [CompletionResult]::new('--no-check-certificate', '--no-check-certificate', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (unsafe: anyone on the path can read and alter traffic)')
            [CompletionResult]::new('--no-adaptive-rate', '--no-adaptive-rate', [CompletionResultType]::ParameterName, 'Keep the pace fixed instead of halving it when TikTok throttles (config: rate_limit.adaptive_limiting = false)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)')
            [CompletionResult]::new('--no-warnings', '--no-warnings', [CompletionResultType]::ParameterName, 'yt-dlp''s --no-warnings: no warnings on stderr (errors are still reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Print the metadata of one or more posts')
            [CompletionResult]::new('download', 'download', [CompletionResultType]::ParameterValue, 'Download posts: videos without watermark, slideshows (images + audio), or audio only')
            [CompletionResult]::new('batch', 'batch', [CompletionResultType]::ParameterValue, 'Download (or list with --info-only) every post of a URL list, politely and resumably')
            [CompletionResult]::new('cache', 'cache', [CompletionResultType]::ParameterValue, 'Inspect or empty the metadata cache')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the effective configuration, or where the config file is')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write shell completions or the man page (for packagers; the repository keeps both)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tikdl;info' {
            [CompletionResult]::new('--secuid', '--secuid', [CompletionResultType]::ParameterName, 'A profile by its secUid (repeatable)')
            [CompletionResult]::new('--max', '--max', [CompletionResultType]::ParameterName, 'At most N posts from each list')
            [CompletionResult]::new('--after', '--after', [CompletionResultType]::ParameterName, 'Only posts uploaded on or after this date')
            [CompletionResult]::new('--before', '--before', [CompletionResultType]::ParameterName, 'Only posts uploaded on or before this date')
            [CompletionResult]::new('--match-filter', '--match-filter', [CompletionResultType]::ParameterName, 'Only posts passing FILTER (yt-dlp''s syntax)')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Only these list positions: 1,3,5-9,-2:')
            [CompletionResult]::new('--playlist-items', '--playlist-items', [CompletionResultType]::ParameterName, 'Only these list positions: 1,3,5-9,-2:')
            [CompletionResult]::new('-O', '-O ', [CompletionResultType]::ParameterName, 'Print TEMPLATE for each post (repeatable)')
            [CompletionResult]::new('--print', '--print', [CompletionResultType]::ParameterName, 'Print TEMPLATE for each post (repeatable)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'URLs fetched at once [5]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this config file instead of the default one (see `tikdl config path`)')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Metadata cache folder [default: tikdl in the user''s cache folder] (config: cache_dir)')
            [CompletionResult]::new('--cache-ttl', '--cache-ttl', [CompletionResultType]::ParameterName, 'Seconds a cached post''s metadata stays usable [default: 1800] (config: cache_ttl)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Proxy: http://, https://, socks4://, socks4a://, socks5:// or socks5h:// URL (any other scheme is an error). Repeatable: posts are spread across several proxies in turn, one post''s requests all through the same one (config: proxy.urls). Without it, HTTPS_PROXY, ALL_PROXY and NO_PROXY are honoured (their scheme is checked the same way)')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to HOST2:PORT2 when a request is for HOST1:PORT1 (curl''s syntax; empty HOST1 matches every host, empty HOST2/PORT2 keep the original). PORT1 is empty, 443 or 80; tikdl only makes https requests (port 443), so a :80: rule never applies. Repeatable')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM certificate (or bundle) in addition to the built-in roots. Repeatable')
            [CompletionResult]::new('--cookies', '--cookies', [CompletionResultType]::ParameterName, 'Netscape cookies.txt (as browser extensions and yt-dlp export it); read only (config: session.cookies_file)')
            [CompletionResult]::new('--cookies-from-browser', '--cookies-from-browser', [CompletionResultType]::ParameterName, 'Read TikTok''s cookies from a browser''s own cookie database: firefox, chrome, chromium, brave, edge or vivaldi (Linux), optionally with a profile name or folder (firefox:default-release, chrome:"Profile 1", firefox:~/path/to/profile) and a Firefox container (firefox::Work). Only cookies of tiktok.com and its subdomains are read. With --cookies too, both are used and the file''s cookie wins where both have one (config: session.cookies_from_browser)')
            [CompletionResult]::new('--user-agent', '--user-agent', [CompletionResultType]::ParameterName, 'User-Agent to send instead of the built-in desktop browser one (config: headers.user_agent)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header, "Name: value", sent on page/API requests to *.tiktok.com only; "HOST:Name: value" sends it to that one host instead (e.g. a CDN host). Repeatable; added to the config file''s headers.custom_headers')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection or for data before giving up [default: 30] (config: request_timeout). A page or API answer must also arrive whole within twice this')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)')
            [CompletionResult]::new('--retry-backoff', '--retry-backoff', [CompletionResultType]::ParameterName, 'Base of the exponential backoff between retries, in seconds (full jitter; Retry-After wins) [default: 1.0] (config: retry_backoff)')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Page/API requests per minute to tiktok.com (0 = no pacing); media downloads are not paced [default: 60] (config: rate_limit.requests_per_minute)')
            [CompletionResult]::new('--burst', '--burst', [CompletionResultType]::ParameterName, 'Requests allowed at once before pacing starts [default: 10] (config: rate_limit.burst_limit)')
            [CompletionResult]::new('--cooldown', '--cooldown', [CompletionResultType]::ParameterName, 'Pause after TikTok throttles (429, challenge, block) when it gives no Retry-After [default: 300] (config: rate_limit.cooldown_period)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'One JSON object per post a line (NDJSON)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per post a line (NDJSON)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No warnings on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No warnings on stderr')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file: built-in defaults and flags only')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the metadata cache (config: enable_caching = false)')
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'Print request, cache, retry and speed statistics on stderr at the end')
            [CompletionResult]::new('--no-check-certificate', '--no-check-certificate', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (unsafe: anyone on the path can read and alter traffic)')
            [CompletionResult]::new('--no-adaptive-rate', '--no-adaptive-rate', [CompletionResultType]::ParameterName, 'Keep the pace fixed instead of halving it when TikTok throttles (config: rate_limit.adaptive_limiting = false)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)')
            [CompletionResult]::new('--no-warnings', '--no-warnings', [CompletionResultType]::ParameterName, 'yt-dlp''s --no-warnings: no warnings on stderr (errors are still reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tikdl;download' {
            [CompletionResult]::new('--secuid', '--secuid', [CompletionResultType]::ParameterName, 'A profile by its secUid (repeatable)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Also download the URLs of FILE (- = stdin)')
            [CompletionResult]::new('--batch-file', '--batch-file', [CompletionResultType]::ParameterName, 'Also download the URLs of FILE (- = stdin)')
            [CompletionResult]::new('--download-archive', '--download-archive', [CompletionResultType]::ParameterName, 'Skip the posts in FILE, record new ones')
            [CompletionResult]::new('--failed-file', '--failed-file', [CompletionResultType]::ParameterName, 'Write the lines that failed to FILE')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output file name template (yt-dlp''s syntax)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output file name template (yt-dlp''s syntax)')
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Base folder for the output')
            [CompletionResult]::new('--paths', '--paths', [CompletionResultType]::ParameterName, 'Base folder for the output')
            [CompletionResult]::new('--quality', '--quality', [CompletionResultType]::ParameterName, 'best, worst, hd, sd, 1080p, 720p, ... [best]')
            [CompletionResult]::new('--codec', '--codec', [CompletionResultType]::ParameterName, 'Preferred codec: h264, h265 or any [h264]')
            [CompletionResult]::new('--sub-langs', '--sub-langs', [CompletionResultType]::ParameterName, 'Subtitle languages (en matches eng-US) [all]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Maximum rate per file, e.g. 500K or 2M')
            [CompletionResult]::new('--limit-rate', '--limit-rate', [CompletionResultType]::ParameterName, 'Maximum rate per file, e.g. 500K or 2M')
            [CompletionResult]::new('--low-speed-limit', '--low-speed-limit', [CompletionResultType]::ParameterName, 'Restart a transfer slower than this [1024]')
            [CompletionResult]::new('--low-speed-time', '--low-speed-time', [CompletionResultType]::ParameterName, 'The window for --low-speed-limit [30]')
            [CompletionResult]::new('-O', '-O ', [CompletionResultType]::ParameterName, 'Print TEMPLATE after each post (repeatable)')
            [CompletionResult]::new('--print', '--print', [CompletionResultType]::ParameterName, 'Print TEMPLATE after each post (repeatable)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Posts worked on at once [5]')
            [CompletionResult]::new('--sleep-interval', '--sleep-interval', [CompletionResultType]::ParameterName, 'Wait SECS before each download but the first')
            [CompletionResult]::new('--max-sleep-interval', '--max-sleep-interval', [CompletionResultType]::ParameterName, '...or a random time up to SECS')
            [CompletionResult]::new('--exec', '--exec', [CompletionResultType]::ParameterName, 'Run CMD after each saved post ({} = file)')
            [CompletionResult]::new('--trim-filenames', '--trim-filenames', [CompletionResultType]::ParameterName, 'At most N characters per file name')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'best, worst, ba, 720p, an id; A/B [best]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'best, worst, ba, 720p, an id; A/B [best]')
            [CompletionResult]::new('-S', '-S ', [CompletionResultType]::ParameterName, 'Prefer vcodec:h264, res:720, +size, br')
            [CompletionResult]::new('--format-sort', '--format-sort', [CompletionResultType]::ParameterName, 'Prefer vcodec:h264, res:720, +size, br')
            [CompletionResult]::new('--max', '--max', [CompletionResultType]::ParameterName, 'At most N posts from each list')
            [CompletionResult]::new('--after', '--after', [CompletionResultType]::ParameterName, 'Only posts uploaded on or after this date')
            [CompletionResult]::new('--before', '--before', [CompletionResultType]::ParameterName, 'Only posts uploaded on or before this date')
            [CompletionResult]::new('--match-filter', '--match-filter', [CompletionResultType]::ParameterName, 'Only posts passing FILTER (yt-dlp''s syntax)')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Only these list positions: 1,3,5-9,-2:')
            [CompletionResult]::new('--playlist-items', '--playlist-items', [CompletionResultType]::ParameterName, 'Only these list positions: 1,3,5-9,-2:')
            [CompletionResult]::new('--live-duration', '--live-duration', [CompletionResultType]::ParameterName, 'LIVE: stop after SECS of recorded media')
            [CompletionResult]::new('--max-filesize', '--max-filesize', [CompletionResultType]::ParameterName, 'LIVE: stop the recording at SIZE (e.g. 2G)')
            [CompletionResult]::new('--wait-for-live', '--wait-for-live', [CompletionResultType]::ParameterName, 'LIVE: poll every INTERVAL s until live [60]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this config file instead of the default one (see `tikdl config path`)')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Metadata cache folder [default: tikdl in the user''s cache folder] (config: cache_dir)')
            [CompletionResult]::new('--cache-ttl', '--cache-ttl', [CompletionResultType]::ParameterName, 'Seconds a cached post''s metadata stays usable [default: 1800] (config: cache_ttl)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Proxy: http://, https://, socks4://, socks4a://, socks5:// or socks5h:// URL (any other scheme is an error). Repeatable: posts are spread across several proxies in turn, one post''s requests all through the same one (config: proxy.urls). Without it, HTTPS_PROXY, ALL_PROXY and NO_PROXY are honoured (their scheme is checked the same way)')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to HOST2:PORT2 when a request is for HOST1:PORT1 (curl''s syntax; empty HOST1 matches every host, empty HOST2/PORT2 keep the original). PORT1 is empty, 443 or 80; tikdl only makes https requests (port 443), so a :80: rule never applies. Repeatable')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM certificate (or bundle) in addition to the built-in roots. Repeatable')
            [CompletionResult]::new('--cookies', '--cookies', [CompletionResultType]::ParameterName, 'Netscape cookies.txt (as browser extensions and yt-dlp export it); read only (config: session.cookies_file)')
            [CompletionResult]::new('--cookies-from-browser', '--cookies-from-browser', [CompletionResultType]::ParameterName, 'Read TikTok''s cookies from a browser''s own cookie database: firefox, chrome, chromium, brave, edge or vivaldi (Linux), optionally with a profile name or folder (firefox:default-release, chrome:"Profile 1", firefox:~/path/to/profile) and a Firefox container (firefox::Work). Only cookies of tiktok.com and its subdomains are read. With --cookies too, both are used and the file''s cookie wins where both have one (config: session.cookies_from_browser)')
            [CompletionResult]::new('--user-agent', '--user-agent', [CompletionResultType]::ParameterName, 'User-Agent to send instead of the built-in desktop browser one (config: headers.user_agent)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header, "Name: value", sent on page/API requests to *.tiktok.com only; "HOST:Name: value" sends it to that one host instead (e.g. a CDN host). Repeatable; added to the config file''s headers.custom_headers')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection or for data before giving up [default: 30] (config: request_timeout). A page or API answer must also arrive whole within twice this')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)')
            [CompletionResult]::new('--retry-backoff', '--retry-backoff', [CompletionResultType]::ParameterName, 'Base of the exponential backoff between retries, in seconds (full jitter; Retry-After wins) [default: 1.0] (config: retry_backoff)')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Page/API requests per minute to tiktok.com (0 = no pacing); media downloads are not paced [default: 60] (config: rate_limit.requests_per_minute)')
            [CompletionResult]::new('--burst', '--burst', [CompletionResultType]::ParameterName, 'Requests allowed at once before pacing starts [default: 10] (config: rate_limit.burst_limit)')
            [CompletionResult]::new('--cooldown', '--cooldown', [CompletionResultType]::ParameterName, 'Pause after TikTok throttles (429, challenge, block) when it gives no Retry-After [default: 300] (config: rate_limit.cooldown_period)')
            [CompletionResult]::new('--break-on-existing', '--break-on-existing', [CompletionResultType]::ParameterName, 'Stop a list at its first archived post')
            [CompletionResult]::new('--break-per-input', '--break-per-input', [CompletionResultType]::ParameterName, '...and go on with the next input')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Save only the sound')
            [CompletionResult]::new('--audio-only', '--audio-only', [CompletionResultType]::ParameterName, 'Save only the sound')
            [CompletionResult]::new('--no-audio', '--no-audio', [CompletionResultType]::ParameterName, 'Slideshows: skip the audio track')
            [CompletionResult]::new('--write-info-json', '--write-info-json', [CompletionResultType]::ParameterName, 'Also write NAME.info.json')
            [CompletionResult]::new('--write-thumbnail', '--write-thumbnail', [CompletionResultType]::ParameterName, 'Also save the cover image')
            [CompletionResult]::new('--embed-metadata', '--embed-metadata', [CompletionResultType]::ParameterName, 'Write title, uploader, date... into the file')
            [CompletionResult]::new('--embed-thumbnail', '--embed-thumbnail', [CompletionResultType]::ParameterName, 'Write the cover into the file')
            [CompletionResult]::new('--write-subs', '--write-subs', [CompletionResultType]::ParameterName, 'Also save subtitles (WebVTT)')
            [CompletionResult]::new('--force-overwrites', '--force-overwrites', [CompletionResultType]::ParameterName, 'Download again even when the file exists')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON result per post a line on stdout')
            [CompletionResult]::new('--restrict-filenames', '--restrict-filenames', [CompletionResultType]::ParameterName, 'ASCII file names, no spaces or &')
            [CompletionResult]::new('--no-restrict-filenames', '--no-restrict-filenames', [CompletionResultType]::ParameterName, 'Undo the config''s restrict_filenames')
            [CompletionResult]::new('--windows-filenames', '--windows-filenames', [CompletionResultType]::ParameterName, 'Windows-safe file names on any system')
            [CompletionResult]::new('--no-windows-filenames', '--no-windows-filenames', [CompletionResultType]::ParameterName, 'Undo the config''s windows_filenames')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Print each post''s JSON, download nothing')
            [CompletionResult]::new('--dump-json', '--dump-json', [CompletionResultType]::ParameterName, 'Print each post''s JSON, download nothing')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Do everything but write files')
            [CompletionResult]::new('--simulate', '--simulate', [CompletionResultType]::ParameterName, 'Do everything but write files')
            [CompletionResult]::new('-J', '-J ', [CompletionResultType]::ParameterName, 'One JSON document per URL, no download')
            [CompletionResult]::new('--dump-single-json', '--dump-single-json', [CompletionResultType]::ParameterName, 'One JSON document per URL, no download')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file: built-in defaults and flags only')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the metadata cache (config: enable_caching = false)')
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'Print request, cache, retry and speed statistics on stderr at the end')
            [CompletionResult]::new('--no-check-certificate', '--no-check-certificate', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (unsafe: anyone on the path can read and alter traffic)')
            [CompletionResult]::new('--no-adaptive-rate', '--no-adaptive-rate', [CompletionResultType]::ParameterName, 'Keep the pace fixed instead of halving it when TikTok throttles (config: rate_limit.adaptive_limiting = false)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)')
            [CompletionResult]::new('--no-warnings', '--no-warnings', [CompletionResultType]::ParameterName, 'yt-dlp''s --no-warnings: no warnings on stderr (errors are still reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tikdl;batch' {
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Do only shard K of N of the posts')
            [CompletionResult]::new('--download-archive', '--download-archive', [CompletionResultType]::ParameterName, 'Skip the posts in FILE, record new ones')
            [CompletionResult]::new('--failed-file', '--failed-file', [CompletionResultType]::ParameterName, 'Write the lines that failed to FILE')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output file name template (yt-dlp''s syntax)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output file name template (yt-dlp''s syntax)')
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Base folder for the output')
            [CompletionResult]::new('--paths', '--paths', [CompletionResultType]::ParameterName, 'Base folder for the output')
            [CompletionResult]::new('--quality', '--quality', [CompletionResultType]::ParameterName, 'best, worst, hd, sd, 1080p, 720p, ... [best]')
            [CompletionResult]::new('--codec', '--codec', [CompletionResultType]::ParameterName, 'Preferred codec: h264, h265 or any [h264]')
            [CompletionResult]::new('--sub-langs', '--sub-langs', [CompletionResultType]::ParameterName, 'Subtitle languages (en matches eng-US) [all]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Maximum rate per file, e.g. 500K or 2M')
            [CompletionResult]::new('--limit-rate', '--limit-rate', [CompletionResultType]::ParameterName, 'Maximum rate per file, e.g. 500K or 2M')
            [CompletionResult]::new('--low-speed-limit', '--low-speed-limit', [CompletionResultType]::ParameterName, 'Restart a transfer slower than this [1024]')
            [CompletionResult]::new('--low-speed-time', '--low-speed-time', [CompletionResultType]::ParameterName, 'The window for --low-speed-limit [30]')
            [CompletionResult]::new('-O', '-O ', [CompletionResultType]::ParameterName, 'Print TEMPLATE after each post (repeatable)')
            [CompletionResult]::new('--print', '--print', [CompletionResultType]::ParameterName, 'Print TEMPLATE after each post (repeatable)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Posts worked on at once [5]')
            [CompletionResult]::new('--sleep-interval', '--sleep-interval', [CompletionResultType]::ParameterName, 'Wait SECS before each download but the first')
            [CompletionResult]::new('--max-sleep-interval', '--max-sleep-interval', [CompletionResultType]::ParameterName, '...or a random time up to SECS')
            [CompletionResult]::new('--exec', '--exec', [CompletionResultType]::ParameterName, 'Run CMD after each saved post ({} = file)')
            [CompletionResult]::new('--trim-filenames', '--trim-filenames', [CompletionResultType]::ParameterName, 'At most N characters per file name')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'best, worst, ba, 720p, an id; A/B [best]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'best, worst, ba, 720p, an id; A/B [best]')
            [CompletionResult]::new('-S', '-S ', [CompletionResultType]::ParameterName, 'Prefer vcodec:h264, res:720, +size, br')
            [CompletionResult]::new('--format-sort', '--format-sort', [CompletionResultType]::ParameterName, 'Prefer vcodec:h264, res:720, +size, br')
            [CompletionResult]::new('--max', '--max', [CompletionResultType]::ParameterName, 'At most N posts from each list')
            [CompletionResult]::new('--after', '--after', [CompletionResultType]::ParameterName, 'Only posts uploaded on or after this date')
            [CompletionResult]::new('--before', '--before', [CompletionResultType]::ParameterName, 'Only posts uploaded on or before this date')
            [CompletionResult]::new('--match-filter', '--match-filter', [CompletionResultType]::ParameterName, 'Only posts passing FILTER (yt-dlp''s syntax)')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Only these list positions: 1,3,5-9,-2:')
            [CompletionResult]::new('--playlist-items', '--playlist-items', [CompletionResultType]::ParameterName, 'Only these list positions: 1,3,5-9,-2:')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this config file instead of the default one (see `tikdl config path`)')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Metadata cache folder [default: tikdl in the user''s cache folder] (config: cache_dir)')
            [CompletionResult]::new('--cache-ttl', '--cache-ttl', [CompletionResultType]::ParameterName, 'Seconds a cached post''s metadata stays usable [default: 1800] (config: cache_ttl)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Proxy: http://, https://, socks4://, socks4a://, socks5:// or socks5h:// URL (any other scheme is an error). Repeatable: posts are spread across several proxies in turn, one post''s requests all through the same one (config: proxy.urls). Without it, HTTPS_PROXY, ALL_PROXY and NO_PROXY are honoured (their scheme is checked the same way)')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to HOST2:PORT2 when a request is for HOST1:PORT1 (curl''s syntax; empty HOST1 matches every host, empty HOST2/PORT2 keep the original). PORT1 is empty, 443 or 80; tikdl only makes https requests (port 443), so a :80: rule never applies. Repeatable')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM certificate (or bundle) in addition to the built-in roots. Repeatable')
            [CompletionResult]::new('--cookies', '--cookies', [CompletionResultType]::ParameterName, 'Netscape cookies.txt (as browser extensions and yt-dlp export it); read only (config: session.cookies_file)')
            [CompletionResult]::new('--cookies-from-browser', '--cookies-from-browser', [CompletionResultType]::ParameterName, 'Read TikTok''s cookies from a browser''s own cookie database: firefox, chrome, chromium, brave, edge or vivaldi (Linux), optionally with a profile name or folder (firefox:default-release, chrome:"Profile 1", firefox:~/path/to/profile) and a Firefox container (firefox::Work). Only cookies of tiktok.com and its subdomains are read. With --cookies too, both are used and the file''s cookie wins where both have one (config: session.cookies_from_browser)')
            [CompletionResult]::new('--user-agent', '--user-agent', [CompletionResultType]::ParameterName, 'User-Agent to send instead of the built-in desktop browser one (config: headers.user_agent)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header, "Name: value", sent on page/API requests to *.tiktok.com only; "HOST:Name: value" sends it to that one host instead (e.g. a CDN host). Repeatable; added to the config file''s headers.custom_headers')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection or for data before giving up [default: 30] (config: request_timeout). A page or API answer must also arrive whole within twice this')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)')
            [CompletionResult]::new('--retry-backoff', '--retry-backoff', [CompletionResultType]::ParameterName, 'Base of the exponential backoff between retries, in seconds (full jitter; Retry-After wins) [default: 1.0] (config: retry_backoff)')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Page/API requests per minute to tiktok.com (0 = no pacing); media downloads are not paced [default: 60] (config: rate_limit.requests_per_minute)')
            [CompletionResult]::new('--burst', '--burst', [CompletionResultType]::ParameterName, 'Requests allowed at once before pacing starts [default: 10] (config: rate_limit.burst_limit)')
            [CompletionResult]::new('--cooldown', '--cooldown', [CompletionResultType]::ParameterName, 'Pause after TikTok throttles (429, challenge, block) when it gives no Retry-After [default: 300] (config: rate_limit.cooldown_period)')
            [CompletionResult]::new('--info-only', '--info-only', [CompletionResultType]::ParameterName, 'Print each post''s metadata (NDJSON) instead')
            [CompletionResult]::new('--break-on-existing', '--break-on-existing', [CompletionResultType]::ParameterName, 'Stop a list at its first archived post')
            [CompletionResult]::new('--break-per-input', '--break-per-input', [CompletionResultType]::ParameterName, '...and go on with the next input')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Save only the sound')
            [CompletionResult]::new('--audio-only', '--audio-only', [CompletionResultType]::ParameterName, 'Save only the sound')
            [CompletionResult]::new('--no-audio', '--no-audio', [CompletionResultType]::ParameterName, 'Slideshows: skip the audio track')
            [CompletionResult]::new('--write-info-json', '--write-info-json', [CompletionResultType]::ParameterName, 'Also write NAME.info.json')
            [CompletionResult]::new('--write-thumbnail', '--write-thumbnail', [CompletionResultType]::ParameterName, 'Also save the cover image')
            [CompletionResult]::new('--embed-metadata', '--embed-metadata', [CompletionResultType]::ParameterName, 'Write title, uploader, date... into the file')
            [CompletionResult]::new('--embed-thumbnail', '--embed-thumbnail', [CompletionResultType]::ParameterName, 'Write the cover into the file')
            [CompletionResult]::new('--write-subs', '--write-subs', [CompletionResultType]::ParameterName, 'Also save subtitles (WebVTT)')
            [CompletionResult]::new('--force-overwrites', '--force-overwrites', [CompletionResultType]::ParameterName, 'Download again even when the file exists')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON result per post a line on stdout')
            [CompletionResult]::new('--restrict-filenames', '--restrict-filenames', [CompletionResultType]::ParameterName, 'ASCII file names, no spaces or &')
            [CompletionResult]::new('--no-restrict-filenames', '--no-restrict-filenames', [CompletionResultType]::ParameterName, 'Undo the config''s restrict_filenames')
            [CompletionResult]::new('--windows-filenames', '--windows-filenames', [CompletionResultType]::ParameterName, 'Windows-safe file names on any system')
            [CompletionResult]::new('--no-windows-filenames', '--no-windows-filenames', [CompletionResultType]::ParameterName, 'Undo the config''s windows_filenames')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Print each post''s JSON, download nothing')
            [CompletionResult]::new('--dump-json', '--dump-json', [CompletionResultType]::ParameterName, 'Print each post''s JSON, download nothing')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Do everything but write files')
            [CompletionResult]::new('--simulate', '--simulate', [CompletionResultType]::ParameterName, 'Do everything but write files')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file: built-in defaults and flags only')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the metadata cache (config: enable_caching = false)')
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'Print request, cache, retry and speed statistics on stderr at the end')
            [CompletionResult]::new('--no-check-certificate', '--no-check-certificate', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (unsafe: anyone on the path can read and alter traffic)')
            [CompletionResult]::new('--no-adaptive-rate', '--no-adaptive-rate', [CompletionResultType]::ParameterName, 'Keep the pace fixed instead of halving it when TikTok throttles (config: rate_limit.adaptive_limiting = false)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)')
            [CompletionResult]::new('--no-warnings', '--no-warnings', [CompletionResultType]::ParameterName, 'yt-dlp''s --no-warnings: no warnings on stderr (errors are still reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tikdl;cache' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this config file instead of the default one (see `tikdl config path`)')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Metadata cache folder [default: tikdl in the user''s cache folder] (config: cache_dir)')
            [CompletionResult]::new('--cache-ttl', '--cache-ttl', [CompletionResultType]::ParameterName, 'Seconds a cached post''s metadata stays usable [default: 1800] (config: cache_ttl)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Proxy: http://, https://, socks4://, socks4a://, socks5:// or socks5h:// URL (any other scheme is an error). Repeatable: posts are spread across several proxies in turn, one post''s requests all through the same one (config: proxy.urls). Without it, HTTPS_PROXY, ALL_PROXY and NO_PROXY are honoured (their scheme is checked the same way)')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to HOST2:PORT2 when a request is for HOST1:PORT1 (curl''s syntax; empty HOST1 matches every host, empty HOST2/PORT2 keep the original). PORT1 is empty, 443 or 80; tikdl only makes https requests (port 443), so a :80: rule never applies. Repeatable')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM certificate (or bundle) in addition to the built-in roots. Repeatable')
            [CompletionResult]::new('--cookies', '--cookies', [CompletionResultType]::ParameterName, 'Netscape cookies.txt (as browser extensions and yt-dlp export it); read only (config: session.cookies_file)')
            [CompletionResult]::new('--cookies-from-browser', '--cookies-from-browser', [CompletionResultType]::ParameterName, 'Read TikTok''s cookies from a browser''s own cookie database: firefox, chrome, chromium, brave, edge or vivaldi (Linux), optionally with a profile name or folder (firefox:default-release, chrome:"Profile 1", firefox:~/path/to/profile) and a Firefox container (firefox::Work). Only cookies of tiktok.com and its subdomains are read. With --cookies too, both are used and the file''s cookie wins where both have one (config: session.cookies_from_browser)')
            [CompletionResult]::new('--user-agent', '--user-agent', [CompletionResultType]::ParameterName, 'User-Agent to send instead of the built-in desktop browser one (config: headers.user_agent)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header, "Name: value", sent on page/API requests to *.tiktok.com only; "HOST:Name: value" sends it to that one host instead (e.g. a CDN host). Repeatable; added to the config file''s headers.custom_headers')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection or for data before giving up [default: 30] (config: request_timeout). A page or API answer must also arrive whole within twice this')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)')
            [CompletionResult]::new('--retry-backoff', '--retry-backoff', [CompletionResultType]::ParameterName, 'Base of the exponential backoff between retries, in seconds (full jitter; Retry-After wins) [default: 1.0] (config: retry_backoff)')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Page/API requests per minute to tiktok.com (0 = no pacing); media downloads are not paced [default: 60] (config: rate_limit.requests_per_minute)')
            [CompletionResult]::new('--burst', '--burst', [CompletionResultType]::ParameterName, 'Requests allowed at once before pacing starts [default: 10] (config: rate_limit.burst_limit)')
            [CompletionResult]::new('--cooldown', '--cooldown', [CompletionResultType]::ParameterName, 'Pause after TikTok throttles (429, challenge, block) when it gives no Retry-After [default: 300] (config: rate_limit.cooldown_period)')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file: built-in defaults and flags only')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the metadata cache (config: enable_caching = false)')
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'Print request, cache, retry and speed statistics on stderr at the end')
            [CompletionResult]::new('--no-check-certificate', '--no-check-certificate', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (unsafe: anyone on the path can read and alter traffic)')
            [CompletionResult]::new('--no-adaptive-rate', '--no-adaptive-rate', [CompletionResultType]::ParameterName, 'Keep the pace fixed instead of halving it when TikTok throttles (config: rate_limit.adaptive_limiting = false)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)')
            [CompletionResult]::new('--no-warnings', '--no-warnings', [CompletionResultType]::ParameterName, 'yt-dlp''s --no-warnings: no warnings on stderr (errors are still reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Count the entries (fresh, stale, unreadable) and their size')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Remove every entry tikdl wrote (other files and folders are left alone, whatever their names)')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the cache folder')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tikdl;cache;stats' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this config file instead of the default one (see `tikdl config path`)')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Metadata cache folder [default: tikdl in the user''s cache folder] (config: cache_dir)')
            [CompletionResult]::new('--cache-ttl', '--cache-ttl', [CompletionResultType]::ParameterName, 'Seconds a cached post''s metadata stays usable [default: 1800] (config: cache_ttl)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Proxy: http://, https://, socks4://, socks4a://, socks5:// or socks5h:// URL (any other scheme is an error). Repeatable: posts are spread across several proxies in turn, one post''s requests all through the same one (config: proxy.urls). Without it, HTTPS_PROXY, ALL_PROXY and NO_PROXY are honoured (their scheme is checked the same way)')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to HOST2:PORT2 when a request is for HOST1:PORT1 (curl''s syntax; empty HOST1 matches every host, empty HOST2/PORT2 keep the original). PORT1 is empty, 443 or 80; tikdl only makes https requests (port 443), so a :80: rule never applies. Repeatable')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM certificate (or bundle) in addition to the built-in roots. Repeatable')
            [CompletionResult]::new('--cookies', '--cookies', [CompletionResultType]::ParameterName, 'Netscape cookies.txt (as browser extensions and yt-dlp export it); read only (config: session.cookies_file)')
            [CompletionResult]::new('--cookies-from-browser', '--cookies-from-browser', [CompletionResultType]::ParameterName, 'Read TikTok''s cookies from a browser''s own cookie database: firefox, chrome, chromium, brave, edge or vivaldi (Linux), optionally with a profile name or folder (firefox:default-release, chrome:"Profile 1", firefox:~/path/to/profile) and a Firefox container (firefox::Work). Only cookies of tiktok.com and its subdomains are read. With --cookies too, both are used and the file''s cookie wins where both have one (config: session.cookies_from_browser)')
            [CompletionResult]::new('--user-agent', '--user-agent', [CompletionResultType]::ParameterName, 'User-Agent to send instead of the built-in desktop browser one (config: headers.user_agent)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header, "Name: value", sent on page/API requests to *.tiktok.com only; "HOST:Name: value" sends it to that one host instead (e.g. a CDN host). Repeatable; added to the config file''s headers.custom_headers')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection or for data before giving up [default: 30] (config: request_timeout). A page or API answer must also arrive whole within twice this')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)')
            [CompletionResult]::new('--retry-backoff', '--retry-backoff', [CompletionResultType]::ParameterName, 'Base of the exponential backoff between retries, in seconds (full jitter; Retry-After wins) [default: 1.0] (config: retry_backoff)')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Page/API requests per minute to tiktok.com (0 = no pacing); media downloads are not paced [default: 60] (config: rate_limit.requests_per_minute)')
            [CompletionResult]::new('--burst', '--burst', [CompletionResultType]::ParameterName, 'Requests allowed at once before pacing starts [default: 10] (config: rate_limit.burst_limit)')
            [CompletionResult]::new('--cooldown', '--cooldown', [CompletionResultType]::ParameterName, 'Pause after TikTok throttles (429, challenge, block) when it gives no Retry-After [default: 300] (config: rate_limit.cooldown_period)')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file: built-in defaults and flags only')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the metadata cache (config: enable_caching = false)')
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'Print request, cache, retry and speed statistics on stderr at the end')
            [CompletionResult]::new('--no-check-certificate', '--no-check-certificate', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (unsafe: anyone on the path can read and alter traffic)')
            [CompletionResult]::new('--no-adaptive-rate', '--no-adaptive-rate', [CompletionResultType]::ParameterName, 'Keep the pace fixed instead of halving it when TikTok throttles (config: rate_limit.adaptive_limiting = false)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)')
            [CompletionResult]::new('--no-warnings', '--no-warnings', [CompletionResultType]::ParameterName, 'yt-dlp''s --no-warnings: no warnings on stderr (errors are still reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tikdl;cache;clear' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this config file instead of the default one (see `tikdl config path`)')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Metadata cache folder [default: tikdl in the user''s cache folder] (config: cache_dir)')
            [CompletionResult]::new('--cache-ttl', '--cache-ttl', [CompletionResultType]::ParameterName, 'Seconds a cached post''s metadata stays usable [default: 1800] (config: cache_ttl)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Proxy: http://, https://, socks4://, socks4a://, socks5:// or socks5h:// URL (any other scheme is an error). Repeatable: posts are spread across several proxies in turn, one post''s requests all through the same one (config: proxy.urls). Without it, HTTPS_PROXY, ALL_PROXY and NO_PROXY are honoured (their scheme is checked the same way)')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to HOST2:PORT2 when a request is for HOST1:PORT1 (curl''s syntax; empty HOST1 matches every host, empty HOST2/PORT2 keep the original). PORT1 is empty, 443 or 80; tikdl only makes https requests (port 443), so a :80: rule never applies. Repeatable')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM certificate (or bundle) in addition to the built-in roots. Repeatable')
            [CompletionResult]::new('--cookies', '--cookies', [CompletionResultType]::ParameterName, 'Netscape cookies.txt (as browser extensions and yt-dlp export it); read only (config: session.cookies_file)')
            [CompletionResult]::new('--cookies-from-browser', '--cookies-from-browser', [CompletionResultType]::ParameterName, 'Read TikTok''s cookies from a browser''s own cookie database: firefox, chrome, chromium, brave, edge or vivaldi (Linux), optionally with a profile name or folder (firefox:default-release, chrome:"Profile 1", firefox:~/path/to/profile) and a Firefox container (firefox::Work). Only cookies of tiktok.com and its subdomains are read. With --cookies too, both are used and the file''s cookie wins where both have one (config: session.cookies_from_browser)')
            [CompletionResult]::new('--user-agent', '--user-agent', [CompletionResultType]::ParameterName, 'User-Agent to send instead of the built-in desktop browser one (config: headers.user_agent)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header, "Name: value", sent on page/API requests to *.tiktok.com only; "HOST:Name: value" sends it to that one host instead (e.g. a CDN host). Repeatable; added to the config file''s headers.custom_headers')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection or for data before giving up [default: 30] (config: request_timeout). A page or API answer must also arrive whole within twice this')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)')
            [CompletionResult]::new('--retry-backoff', '--retry-backoff', [CompletionResultType]::ParameterName, 'Base of the exponential backoff between retries, in seconds (full jitter; Retry-After wins) [default: 1.0] (config: retry_backoff)')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Page/API requests per minute to tiktok.com (0 = no pacing); media downloads are not paced [default: 60] (config: rate_limit.requests_per_minute)')
            [CompletionResult]::new('--burst', '--burst', [CompletionResultType]::ParameterName, 'Requests allowed at once before pacing starts [default: 10] (config: rate_limit.burst_limit)')
            [CompletionResult]::new('--cooldown', '--cooldown', [CompletionResultType]::ParameterName, 'Pause after TikTok throttles (429, challenge, block) when it gives no Retry-After [default: 300] (config: rate_limit.cooldown_period)')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file: built-in defaults and flags only')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the metadata cache (config: enable_caching = false)')
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'Print request, cache, retry and speed statistics on stderr at the end')
            [CompletionResult]::new('--no-check-certificate', '--no-check-certificate', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (unsafe: anyone on the path can read and alter traffic)')
            [CompletionResult]::new('--no-adaptive-rate', '--no-adaptive-rate', [CompletionResultType]::ParameterName, 'Keep the pace fixed instead of halving it when TikTok throttles (config: rate_limit.adaptive_limiting = false)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)')
            [CompletionResult]::new('--no-warnings', '--no-warnings', [CompletionResultType]::ParameterName, 'yt-dlp''s --no-warnings: no warnings on stderr (errors are still reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tikdl;cache;path' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this config file instead of the default one (see `tikdl config path`)')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Metadata cache folder [default: tikdl in the user''s cache folder] (config: cache_dir)')
            [CompletionResult]::new('--cache-ttl', '--cache-ttl', [CompletionResultType]::ParameterName, 'Seconds a cached post''s metadata stays usable [default: 1800] (config: cache_ttl)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Proxy: http://, https://, socks4://, socks4a://, socks5:// or socks5h:// URL (any other scheme is an error). Repeatable: posts are spread across several proxies in turn, one post''s requests all through the same one (config: proxy.urls). Without it, HTTPS_PROXY, ALL_PROXY and NO_PROXY are honoured (their scheme is checked the same way)')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to HOST2:PORT2 when a request is for HOST1:PORT1 (curl''s syntax; empty HOST1 matches every host, empty HOST2/PORT2 keep the original). PORT1 is empty, 443 or 80; tikdl only makes https requests (port 443), so a :80: rule never applies. Repeatable')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM certificate (or bundle) in addition to the built-in roots. Repeatable')
            [CompletionResult]::new('--cookies', '--cookies', [CompletionResultType]::ParameterName, 'Netscape cookies.txt (as browser extensions and yt-dlp export it); read only (config: session.cookies_file)')
            [CompletionResult]::new('--cookies-from-browser', '--cookies-from-browser', [CompletionResultType]::ParameterName, 'Read TikTok''s cookies from a browser''s own cookie database: firefox, chrome, chromium, brave, edge or vivaldi (Linux), optionally with a profile name or folder (firefox:default-release, chrome:"Profile 1", firefox:~/path/to/profile) and a Firefox container (firefox::Work). Only cookies of tiktok.com and its subdomains are read. With --cookies too, both are used and the file''s cookie wins where both have one (config: session.cookies_from_browser)')
            [CompletionResult]::new('--user-agent', '--user-agent', [CompletionResultType]::ParameterName, 'User-Agent to send instead of the built-in desktop browser one (config: headers.user_agent)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header, "Name: value", sent on page/API requests to *.tiktok.com only; "HOST:Name: value" sends it to that one host instead (e.g. a CDN host). Repeatable; added to the config file''s headers.custom_headers')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection or for data before giving up [default: 30] (config: request_timeout). A page or API answer must also arrive whole within twice this')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)')
            [CompletionResult]::new('--retry-backoff', '--retry-backoff', [CompletionResultType]::ParameterName, 'Base of the exponential backoff between retries, in seconds (full jitter; Retry-After wins) [default: 1.0] (config: retry_backoff)')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Page/API requests per minute to tiktok.com (0 = no pacing); media downloads are not paced [default: 60] (config: rate_limit.requests_per_minute)')
            [CompletionResult]::new('--burst', '--burst', [CompletionResultType]::ParameterName, 'Requests allowed at once before pacing starts [default: 10] (config: rate_limit.burst_limit)')
            [CompletionResult]::new('--cooldown', '--cooldown', [CompletionResultType]::ParameterName, 'Pause after TikTok throttles (429, challenge, block) when it gives no Retry-After [default: 300] (config: rate_limit.cooldown_period)')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file: built-in defaults and flags only')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the metadata cache (config: enable_caching = false)')
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'Print request, cache, retry and speed statistics on stderr at the end')
            [CompletionResult]::new('--no-check-certificate', '--no-check-certificate', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (unsafe: anyone on the path can read and alter traffic)')
            [CompletionResult]::new('--no-adaptive-rate', '--no-adaptive-rate', [CompletionResultType]::ParameterName, 'Keep the pace fixed instead of halving it when TikTok throttles (config: rate_limit.adaptive_limiting = false)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)')
            [CompletionResult]::new('--no-warnings', '--no-warnings', [CompletionResultType]::ParameterName, 'yt-dlp''s --no-warnings: no warnings on stderr (errors are still reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tikdl;cache;help' {
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Count the entries (fresh, stale, unreadable) and their size')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Remove every entry tikdl wrote (other files and folders are left alone, whatever their names)')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the cache folder')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tikdl;cache;help;stats' {
            break
        }
        'tikdl;cache;help;clear' {
            break
        }
        'tikdl;cache;help;path' {
            break
        }
        'tikdl;cache;help;help' {
            break
        }
        'tikdl;config' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this config file instead of the default one (see `tikdl config path`)')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Metadata cache folder [default: tikdl in the user''s cache folder] (config: cache_dir)')
            [CompletionResult]::new('--cache-ttl', '--cache-ttl', [CompletionResultType]::ParameterName, 'Seconds a cached post''s metadata stays usable [default: 1800] (config: cache_ttl)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Proxy: http://, https://, socks4://, socks4a://, socks5:// or socks5h:// URL (any other scheme is an error). Repeatable: posts are spread across several proxies in turn, one post''s requests all through the same one (config: proxy.urls). Without it, HTTPS_PROXY, ALL_PROXY and NO_PROXY are honoured (their scheme is checked the same way)')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to HOST2:PORT2 when a request is for HOST1:PORT1 (curl''s syntax; empty HOST1 matches every host, empty HOST2/PORT2 keep the original). PORT1 is empty, 443 or 80; tikdl only makes https requests (port 443), so a :80: rule never applies. Repeatable')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM certificate (or bundle) in addition to the built-in roots. Repeatable')
            [CompletionResult]::new('--cookies', '--cookies', [CompletionResultType]::ParameterName, 'Netscape cookies.txt (as browser extensions and yt-dlp export it); read only (config: session.cookies_file)')
            [CompletionResult]::new('--cookies-from-browser', '--cookies-from-browser', [CompletionResultType]::ParameterName, 'Read TikTok''s cookies from a browser''s own cookie database: firefox, chrome, chromium, brave, edge or vivaldi (Linux), optionally with a profile name or folder (firefox:default-release, chrome:"Profile 1", firefox:~/path/to/profile) and a Firefox container (firefox::Work). Only cookies of tiktok.com and its subdomains are read. With --cookies too, both are used and the file''s cookie wins where both have one (config: session.cookies_from_browser)')
            [CompletionResult]::new('--user-agent', '--user-agent', [CompletionResultType]::ParameterName, 'User-Agent to send instead of the built-in desktop browser one (config: headers.user_agent)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header, "Name: value", sent on page/API requests to *.tiktok.com only; "HOST:Name: value" sends it to that one host instead (e.g. a CDN host). Repeatable; added to the config file''s headers.custom_headers')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection or for data before giving up [default: 30] (config: request_timeout). A page or API answer must also arrive whole within twice this')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)')
            [CompletionResult]::new('--retry-backoff', '--retry-backoff', [CompletionResultType]::ParameterName, 'Base of the exponential backoff between retries, in seconds (full jitter; Retry-After wins) [default: 1.0] (config: retry_backoff)')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Page/API requests per minute to tiktok.com (0 = no pacing); media downloads are not paced [default: 60] (config: rate_limit.requests_per_minute)')
            [CompletionResult]::new('--burst', '--burst', [CompletionResultType]::ParameterName, 'Requests allowed at once before pacing starts [default: 10] (config: rate_limit.burst_limit)')
            [CompletionResult]::new('--cooldown', '--cooldown', [CompletionResultType]::ParameterName, 'Pause after TikTok throttles (429, challenge, block) when it gives no Retry-After [default: 300] (config: rate_limit.cooldown_period)')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file: built-in defaults and flags only')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the metadata cache (config: enable_caching = false)')
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'Print request, cache, retry and speed statistics on stderr at the end')
            [CompletionResult]::new('--no-check-certificate', '--no-check-certificate', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (unsafe: anyone on the path can read and alter traffic)')
            [CompletionResult]::new('--no-adaptive-rate', '--no-adaptive-rate', [CompletionResultType]::ParameterName, 'Keep the pace fixed instead of halving it when TikTok throttles (config: rate_limit.adaptive_limiting = false)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)')
            [CompletionResult]::new('--no-warnings', '--no-warnings', [CompletionResultType]::ParameterName, 'yt-dlp''s --no-warnings: no warnings on stderr (errors are still reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the effective configuration as TOML, each value marked default, file or flag')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print where the config file is read from (whether or not it exists)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tikdl;config;show' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this config file instead of the default one (see `tikdl config path`)')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Metadata cache folder [default: tikdl in the user''s cache folder] (config: cache_dir)')
            [CompletionResult]::new('--cache-ttl', '--cache-ttl', [CompletionResultType]::ParameterName, 'Seconds a cached post''s metadata stays usable [default: 1800] (config: cache_ttl)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Proxy: http://, https://, socks4://, socks4a://, socks5:// or socks5h:// URL (any other scheme is an error). Repeatable: posts are spread across several proxies in turn, one post''s requests all through the same one (config: proxy.urls). Without it, HTTPS_PROXY, ALL_PROXY and NO_PROXY are honoured (their scheme is checked the same way)')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to HOST2:PORT2 when a request is for HOST1:PORT1 (curl''s syntax; empty HOST1 matches every host, empty HOST2/PORT2 keep the original). PORT1 is empty, 443 or 80; tikdl only makes https requests (port 443), so a :80: rule never applies. Repeatable')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM certificate (or bundle) in addition to the built-in roots. Repeatable')
            [CompletionResult]::new('--cookies', '--cookies', [CompletionResultType]::ParameterName, 'Netscape cookies.txt (as browser extensions and yt-dlp export it); read only (config: session.cookies_file)')
            [CompletionResult]::new('--cookies-from-browser', '--cookies-from-browser', [CompletionResultType]::ParameterName, 'Read TikTok''s cookies from a browser''s own cookie database: firefox, chrome, chromium, brave, edge or vivaldi (Linux), optionally with a profile name or folder (firefox:default-release, chrome:"Profile 1", firefox:~/path/to/profile) and a Firefox container (firefox::Work). Only cookies of tiktok.com and its subdomains are read. With --cookies too, both are used and the file''s cookie wins where both have one (config: session.cookies_from_browser)')
            [CompletionResult]::new('--user-agent', '--user-agent', [CompletionResultType]::ParameterName, 'User-Agent to send instead of the built-in desktop browser one (config: headers.user_agent)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header, "Name: value", sent on page/API requests to *.tiktok.com only; "HOST:Name: value" sends it to that one host instead (e.g. a CDN host). Repeatable; added to the config file''s headers.custom_headers')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection or for data before giving up [default: 30] (config: request_timeout). A page or API answer must also arrive whole within twice this')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)')
            [CompletionResult]::new('--retry-backoff', '--retry-backoff', [CompletionResultType]::ParameterName, 'Base of the exponential backoff between retries, in seconds (full jitter; Retry-After wins) [default: 1.0] (config: retry_backoff)')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Page/API requests per minute to tiktok.com (0 = no pacing); media downloads are not paced [default: 60] (config: rate_limit.requests_per_minute)')
            [CompletionResult]::new('--burst', '--burst', [CompletionResultType]::ParameterName, 'Requests allowed at once before pacing starts [default: 10] (config: rate_limit.burst_limit)')
            [CompletionResult]::new('--cooldown', '--cooldown', [CompletionResultType]::ParameterName, 'Pause after TikTok throttles (429, challenge, block) when it gives no Retry-After [default: 300] (config: rate_limit.cooldown_period)')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file: built-in defaults and flags only')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the metadata cache (config: enable_caching = false)')
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'Print request, cache, retry and speed statistics on stderr at the end')
            [CompletionResult]::new('--no-check-certificate', '--no-check-certificate', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (unsafe: anyone on the path can read and alter traffic)')
            [CompletionResult]::new('--no-adaptive-rate', '--no-adaptive-rate', [CompletionResultType]::ParameterName, 'Keep the pace fixed instead of halving it when TikTok throttles (config: rate_limit.adaptive_limiting = false)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)')
            [CompletionResult]::new('--no-warnings', '--no-warnings', [CompletionResultType]::ParameterName, 'yt-dlp''s --no-warnings: no warnings on stderr (errors are still reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tikdl;config;path' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this config file instead of the default one (see `tikdl config path`)')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Metadata cache folder [default: tikdl in the user''s cache folder] (config: cache_dir)')
            [CompletionResult]::new('--cache-ttl', '--cache-ttl', [CompletionResultType]::ParameterName, 'Seconds a cached post''s metadata stays usable [default: 1800] (config: cache_ttl)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Proxy: http://, https://, socks4://, socks4a://, socks5:// or socks5h:// URL (any other scheme is an error). Repeatable: posts are spread across several proxies in turn, one post''s requests all through the same one (config: proxy.urls). Without it, HTTPS_PROXY, ALL_PROXY and NO_PROXY are honoured (their scheme is checked the same way)')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to HOST2:PORT2 when a request is for HOST1:PORT1 (curl''s syntax; empty HOST1 matches every host, empty HOST2/PORT2 keep the original). PORT1 is empty, 443 or 80; tikdl only makes https requests (port 443), so a :80: rule never applies. Repeatable')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM certificate (or bundle) in addition to the built-in roots. Repeatable')
            [CompletionResult]::new('--cookies', '--cookies', [CompletionResultType]::ParameterName, 'Netscape cookies.txt (as browser extensions and yt-dlp export it); read only (config: session.cookies_file)')
            [CompletionResult]::new('--cookies-from-browser', '--cookies-from-browser', [CompletionResultType]::ParameterName, 'Read TikTok''s cookies from a browser''s own cookie database: firefox, chrome, chromium, brave, edge or vivaldi (Linux), optionally with a profile name or folder (firefox:default-release, chrome:"Profile 1", firefox:~/path/to/profile) and a Firefox container (firefox::Work). Only cookies of tiktok.com and its subdomains are read. With --cookies too, both are used and the file''s cookie wins where both have one (config: session.cookies_from_browser)')
            [CompletionResult]::new('--user-agent', '--user-agent', [CompletionResultType]::ParameterName, 'User-Agent to send instead of the built-in desktop browser one (config: headers.user_agent)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header, "Name: value", sent on page/API requests to *.tiktok.com only; "HOST:Name: value" sends it to that one host instead (e.g. a CDN host). Repeatable; added to the config file''s headers.custom_headers')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection or for data before giving up [default: 30] (config: request_timeout). A page or API answer must also arrive whole within twice this')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)')
            [CompletionResult]::new('--retry-backoff', '--retry-backoff', [CompletionResultType]::ParameterName, 'Base of the exponential backoff between retries, in seconds (full jitter; Retry-After wins) [default: 1.0] (config: retry_backoff)')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Page/API requests per minute to tiktok.com (0 = no pacing); media downloads are not paced [default: 60] (config: rate_limit.requests_per_minute)')
            [CompletionResult]::new('--burst', '--burst', [CompletionResultType]::ParameterName, 'Requests allowed at once before pacing starts [default: 10] (config: rate_limit.burst_limit)')
            [CompletionResult]::new('--cooldown', '--cooldown', [CompletionResultType]::ParameterName, 'Pause after TikTok throttles (429, challenge, block) when it gives no Retry-After [default: 300] (config: rate_limit.cooldown_period)')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file: built-in defaults and flags only')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the metadata cache (config: enable_caching = false)')
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'Print request, cache, retry and speed statistics on stderr at the end')
            [CompletionResult]::new('--no-check-certificate', '--no-check-certificate', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (unsafe: anyone on the path can read and alter traffic)')
            [CompletionResult]::new('--no-adaptive-rate', '--no-adaptive-rate', [CompletionResultType]::ParameterName, 'Keep the pace fixed instead of halving it when TikTok throttles (config: rate_limit.adaptive_limiting = false)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)')
            [CompletionResult]::new('--no-warnings', '--no-warnings', [CompletionResultType]::ParameterName, 'yt-dlp''s --no-warnings: no warnings on stderr (errors are still reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tikdl;config;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the effective configuration as TOML, each value marked default, file or flag')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print where the config file is read from (whether or not it exists)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tikdl;config;help;show' {
            break
        }
        'tikdl;config;help;path' {
            break
        }
        'tikdl;config;help;help' {
            break
        }
        'tikdl;generate' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this config file instead of the default one (see `tikdl config path`)')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Metadata cache folder [default: tikdl in the user''s cache folder] (config: cache_dir)')
            [CompletionResult]::new('--cache-ttl', '--cache-ttl', [CompletionResultType]::ParameterName, 'Seconds a cached post''s metadata stays usable [default: 1800] (config: cache_ttl)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Proxy: http://, https://, socks4://, socks4a://, socks5:// or socks5h:// URL (any other scheme is an error). Repeatable: posts are spread across several proxies in turn, one post''s requests all through the same one (config: proxy.urls). Without it, HTTPS_PROXY, ALL_PROXY and NO_PROXY are honoured (their scheme is checked the same way)')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to HOST2:PORT2 when a request is for HOST1:PORT1 (curl''s syntax; empty HOST1 matches every host, empty HOST2/PORT2 keep the original). PORT1 is empty, 443 or 80; tikdl only makes https requests (port 443), so a :80: rule never applies. Repeatable')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM certificate (or bundle) in addition to the built-in roots. Repeatable')
            [CompletionResult]::new('--cookies', '--cookies', [CompletionResultType]::ParameterName, 'Netscape cookies.txt (as browser extensions and yt-dlp export it); read only (config: session.cookies_file)')
            [CompletionResult]::new('--cookies-from-browser', '--cookies-from-browser', [CompletionResultType]::ParameterName, 'Read TikTok''s cookies from a browser''s own cookie database: firefox, chrome, chromium, brave, edge or vivaldi (Linux), optionally with a profile name or folder (firefox:default-release, chrome:"Profile 1", firefox:~/path/to/profile) and a Firefox container (firefox::Work). Only cookies of tiktok.com and its subdomains are read. With --cookies too, both are used and the file''s cookie wins where both have one (config: session.cookies_from_browser)')
            [CompletionResult]::new('--user-agent', '--user-agent', [CompletionResultType]::ParameterName, 'User-Agent to send instead of the built-in desktop browser one (config: headers.user_agent)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header, "Name: value", sent on page/API requests to *.tiktok.com only; "HOST:Name: value" sends it to that one host instead (e.g. a CDN host). Repeatable; added to the config file''s headers.custom_headers')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection or for data before giving up [default: 30] (config: request_timeout). A page or API answer must also arrive whole within twice this')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)')
            [CompletionResult]::new('--retry-backoff', '--retry-backoff', [CompletionResultType]::ParameterName, 'Base of the exponential backoff between retries, in seconds (full jitter; Retry-After wins) [default: 1.0] (config: retry_backoff)')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Page/API requests per minute to tiktok.com (0 = no pacing); media downloads are not paced [default: 60] (config: rate_limit.requests_per_minute)')
            [CompletionResult]::new('--burst', '--burst', [CompletionResultType]::ParameterName, 'Requests allowed at once before pacing starts [default: 10] (config: rate_limit.burst_limit)')
            [CompletionResult]::new('--cooldown', '--cooldown', [CompletionResultType]::ParameterName, 'Pause after TikTok throttles (429, challenge, block) when it gives no Retry-After [default: 300] (config: rate_limit.cooldown_period)')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file: built-in defaults and flags only')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the metadata cache (config: enable_caching = false)')
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'Print request, cache, retry and speed statistics on stderr at the end')
            [CompletionResult]::new('--no-check-certificate', '--no-check-certificate', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (unsafe: anyone on the path can read and alter traffic)')
            [CompletionResult]::new('--no-adaptive-rate', '--no-adaptive-rate', [CompletionResultType]::ParameterName, 'Keep the pace fixed instead of halving it when TikTok throttles (config: rate_limit.adaptive_limiting = false)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)')
            [CompletionResult]::new('--no-warnings', '--no-warnings', [CompletionResultType]::ParameterName, 'yt-dlp''s --no-warnings: no warnings on stderr (errors are still reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Completion scripts for bash, zsh, fish, PowerShell and elvish, written into DIR')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'The man pages, written to DIR: tikdl.1 and one per command (tikdl-download.1, ...)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tikdl;generate;completions' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this config file instead of the default one (see `tikdl config path`)')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Metadata cache folder [default: tikdl in the user''s cache folder] (config: cache_dir)')
            [CompletionResult]::new('--cache-ttl', '--cache-ttl', [CompletionResultType]::ParameterName, 'Seconds a cached post''s metadata stays usable [default: 1800] (config: cache_ttl)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Proxy: http://, https://, socks4://, socks4a://, socks5:// or socks5h:// URL (any other scheme is an error). Repeatable: posts are spread across several proxies in turn, one post''s requests all through the same one (config: proxy.urls). Without it, HTTPS_PROXY, ALL_PROXY and NO_PROXY are honoured (their scheme is checked the same way)')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to HOST2:PORT2 when a request is for HOST1:PORT1 (curl''s syntax; empty HOST1 matches every host, empty HOST2/PORT2 keep the original). PORT1 is empty, 443 or 80; tikdl only makes https requests (port 443), so a :80: rule never applies. Repeatable')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM certificate (or bundle) in addition to the built-in roots. Repeatable')
            [CompletionResult]::new('--cookies', '--cookies', [CompletionResultType]::ParameterName, 'Netscape cookies.txt (as browser extensions and yt-dlp export it); read only (config: session.cookies_file)')
            [CompletionResult]::new('--cookies-from-browser', '--cookies-from-browser', [CompletionResultType]::ParameterName, 'Read TikTok''s cookies from a browser''s own cookie database: firefox, chrome, chromium, brave, edge or vivaldi (Linux), optionally with a profile name or folder (firefox:default-release, chrome:"Profile 1", firefox:~/path/to/profile) and a Firefox container (firefox::Work). Only cookies of tiktok.com and its subdomains are read. With --cookies too, both are used and the file''s cookie wins where both have one (config: session.cookies_from_browser)')
            [CompletionResult]::new('--user-agent', '--user-agent', [CompletionResultType]::ParameterName, 'User-Agent to send instead of the built-in desktop browser one (config: headers.user_agent)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header, "Name: value", sent on page/API requests to *.tiktok.com only; "HOST:Name: value" sends it to that one host instead (e.g. a CDN host). Repeatable; added to the config file''s headers.custom_headers')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection or for data before giving up [default: 30] (config: request_timeout). A page or API answer must also arrive whole within twice this')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)')
            [CompletionResult]::new('--retry-backoff', '--retry-backoff', [CompletionResultType]::ParameterName, 'Base of the exponential backoff between retries, in seconds (full jitter; Retry-After wins) [default: 1.0] (config: retry_backoff)')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Page/API requests per minute to tiktok.com (0 = no pacing); media downloads are not paced [default: 60] (config: rate_limit.requests_per_minute)')
            [CompletionResult]::new('--burst', '--burst', [CompletionResultType]::ParameterName, 'Requests allowed at once before pacing starts [default: 10] (config: rate_limit.burst_limit)')
            [CompletionResult]::new('--cooldown', '--cooldown', [CompletionResultType]::ParameterName, 'Pause after TikTok throttles (429, challenge, block) when it gives no Retry-After [default: 300] (config: rate_limit.cooldown_period)')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file: built-in defaults and flags only')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the metadata cache (config: enable_caching = false)')
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'Print request, cache, retry and speed statistics on stderr at the end')
            [CompletionResult]::new('--no-check-certificate', '--no-check-certificate', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (unsafe: anyone on the path can read and alter traffic)')
            [CompletionResult]::new('--no-adaptive-rate', '--no-adaptive-rate', [CompletionResultType]::ParameterName, 'Keep the pace fixed instead of halving it when TikTok throttles (config: rate_limit.adaptive_limiting = false)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)')
            [CompletionResult]::new('--no-warnings', '--no-warnings', [CompletionResultType]::ParameterName, 'yt-dlp''s --no-warnings: no warnings on stderr (errors are still reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tikdl;generate;man' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this config file instead of the default one (see `tikdl config path`)')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Metadata cache folder [default: tikdl in the user''s cache folder] (config: cache_dir)')
            [CompletionResult]::new('--cache-ttl', '--cache-ttl', [CompletionResultType]::ParameterName, 'Seconds a cached post''s metadata stays usable [default: 1800] (config: cache_ttl)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Proxy: http://, https://, socks4://, socks4a://, socks5:// or socks5h:// URL (any other scheme is an error). Repeatable: posts are spread across several proxies in turn, one post''s requests all through the same one (config: proxy.urls). Without it, HTTPS_PROXY, ALL_PROXY and NO_PROXY are honoured (their scheme is checked the same way)')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to HOST2:PORT2 when a request is for HOST1:PORT1 (curl''s syntax; empty HOST1 matches every host, empty HOST2/PORT2 keep the original). PORT1 is empty, 443 or 80; tikdl only makes https requests (port 443), so a :80: rule never applies. Repeatable')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM certificate (or bundle) in addition to the built-in roots. Repeatable')
            [CompletionResult]::new('--cookies', '--cookies', [CompletionResultType]::ParameterName, 'Netscape cookies.txt (as browser extensions and yt-dlp export it); read only (config: session.cookies_file)')
            [CompletionResult]::new('--cookies-from-browser', '--cookies-from-browser', [CompletionResultType]::ParameterName, 'Read TikTok''s cookies from a browser''s own cookie database: firefox, chrome, chromium, brave, edge or vivaldi (Linux), optionally with a profile name or folder (firefox:default-release, chrome:"Profile 1", firefox:~/path/to/profile) and a Firefox container (firefox::Work). Only cookies of tiktok.com and its subdomains are read. With --cookies too, both are used and the file''s cookie wins where both have one (config: session.cookies_from_browser)')
            [CompletionResult]::new('--user-agent', '--user-agent', [CompletionResultType]::ParameterName, 'User-Agent to send instead of the built-in desktop browser one (config: headers.user_agent)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header, "Name: value", sent on page/API requests to *.tiktok.com only; "HOST:Name: value" sends it to that one host instead (e.g. a CDN host). Repeatable; added to the config file''s headers.custom_headers')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection or for data before giving up [default: 30] (config: request_timeout). A page or API answer must also arrive whole within twice this')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)')
            [CompletionResult]::new('--retry-backoff', '--retry-backoff', [CompletionResultType]::ParameterName, 'Base of the exponential backoff between retries, in seconds (full jitter; Retry-After wins) [default: 1.0] (config: retry_backoff)')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Page/API requests per minute to tiktok.com (0 = no pacing); media downloads are not paced [default: 60] (config: rate_limit.requests_per_minute)')
            [CompletionResult]::new('--burst', '--burst', [CompletionResultType]::ParameterName, 'Requests allowed at once before pacing starts [default: 10] (config: rate_limit.burst_limit)')
            [CompletionResult]::new('--cooldown', '--cooldown', [CompletionResultType]::ParameterName, 'Pause after TikTok throttles (429, challenge, block) when it gives no Retry-After [default: 300] (config: rate_limit.cooldown_period)')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file: built-in defaults and flags only')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the metadata cache (config: enable_caching = false)')
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'Print request, cache, retry and speed statistics on stderr at the end')
            [CompletionResult]::new('--no-check-certificate', '--no-check-certificate', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (unsafe: anyone on the path can read and alter traffic)')
            [CompletionResult]::new('--no-adaptive-rate', '--no-adaptive-rate', [CompletionResultType]::ParameterName, 'Keep the pace fixed instead of halving it when TikTok throttles (config: rate_limit.adaptive_limiting = false)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)')
            [CompletionResult]::new('--no-warnings', '--no-warnings', [CompletionResultType]::ParameterName, 'yt-dlp''s --no-warnings: no warnings on stderr (errors are still reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tikdl;generate;help' {
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Completion scripts for bash, zsh, fish, PowerShell and elvish, written into DIR')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'The man pages, written to DIR: tikdl.1 and one per command (tikdl-download.1, ...)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tikdl;generate;help;completions' {
            break
        }
        'tikdl;generate;help;man' {
            break
        }
        'tikdl;generate;help;help' {
            break
        }
        'tikdl;help' {
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Print the metadata of one or more posts')
            [CompletionResult]::new('download', 'download', [CompletionResultType]::ParameterValue, 'Download posts: videos without watermark, slideshows (images + audio), or audio only')
            [CompletionResult]::new('batch', 'batch', [CompletionResultType]::ParameterValue, 'Download (or list with --info-only) every post of a URL list, politely and resumably')
            [CompletionResult]::new('cache', 'cache', [CompletionResultType]::ParameterValue, 'Inspect or empty the metadata cache')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the effective configuration, or where the config file is')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write shell completions or the man page (for packagers; the repository keeps both)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tikdl;help;info' {
            break
        }
        'tikdl;help;download' {
            break
        }
        'tikdl;help;batch' {
            break
        }
        'tikdl;help;cache' {
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Count the entries (fresh, stale, unreadable) and their size')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Remove every entry tikdl wrote (other files and folders are left alone, whatever their names)')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the cache folder')
            break
        }
        'tikdl;help;cache;stats' {
            break
        }
        'tikdl;help;cache;clear' {
            break
        }
        'tikdl;help;cache;path' {
            break
        }
        'tikdl;help;config' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the effective configuration as TOML, each value marked default, file or flag')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print where the config file is read from (whether or not it exists)')
            break
        }
        'tikdl;help;config;show' {
            break
        }
        'tikdl;help;config;path' {
            break
        }
        'tikdl;help;generate' {
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Completion scripts for bash, zsh, fish, PowerShell and elvish, written into DIR')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'The man pages, written to DIR: tikdl.1 and one per command (tikdl-download.1, ...)')
            break
        }
        'tikdl;help;generate;completions' {
            break
        }
        'tikdl;help;generate;man' {
            break
        }
        'tikdl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
