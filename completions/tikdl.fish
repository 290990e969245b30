# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_tikdl_global_optspecs
    string join \n config= no-config cache-dir= no-cache cache-ttl= stats proxy= connect-to= ca-cert= no-check-certificate cookies= user-agent= header= timeout= R/retries= retry-backoff= rate-limit= burst= cooldown= no-adaptive-rate v/verbose no-warnings h/help V/version
end

function __fish_tikdl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_tikdl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_tikdl_using_subcommand
    set -l cmd (__fish_tikdl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c tikdl -n "__fish_tikdl_needs_command" -l config -d 'Read this config file instead of the default one (see `tikdl config path`)' -r -F
complete -c tikdl -n "__fish_tikdl_needs_command" -l cache-dir -d 'Metadata cache folder [default: tikdl in the user\'s cache folder] (config: cache_dir)' -r -F
complete -c tikdl -n "__fish_tikdl_needs_command" -l cache-ttl -d 'Seconds a cached post\'s metadata stays usable [default: 1800] (config: cache_ttl)' -r
complete -c tikdl -n "__fish_tikdl_needs_command" -l proxy -d 'Proxy: http://, https://, socks4://, socks4a://, socks5:// or socks5h:// URL (any other scheme is an error). Repeatable: posts are spread across several proxies in turn, one post\'s requests all through the same one (config: proxy.urls). Without it, HTTPS_PROXY, ALL_PROXY and NO_PROXY are honoured (their scheme is checked the same way)' -r
complete -c tikdl -n "__fish_tikdl_needs_command" -l connect-to -d 'Connect to HOST2:PORT2 when a request is for HOST1:PORT1 (curl\'s syntax; empty HOST1 matches every host, empty HOST2/PORT2 keep the original). PORT1 is empty, 443 or 80; tikdl only makes https requests (port 443), so a :80: rule never applies. Repeatable' -r
complete -c tikdl -n "__fish_tikdl_needs_command" -l ca-cert -d 'Trust this PEM certificate (or bundle) in addition to the built-in roots. Repeatable' -r -F
complete -c tikdl -n "__fish_tikdl_needs_command" -l cookies -d 'Netscape cookies.txt (as browser extensions and yt-dlp export it); read only (config: session.cookies_file)' -r -F
complete -c tikdl -n "__fish_tikdl_needs_command" -l user-agent -d 'User-Agent to send instead of the built-in desktop browser one (config: headers.user_agent)' -r
complete -c tikdl -n "__fish_tikdl_needs_command" -l header -d 'Extra request header, "Name: value", sent on page/API requests to *.tiktok.com only; "HOST:Name: value" sends it to that one host instead (e.g. a CDN host). Repeatable; added to the config file\'s headers.custom_headers' -r
complete -c tikdl -n "__fish_tikdl_needs_command" -l timeout -d 'Seconds to wait for a connection or for data before giving up [default: 30] (config: request_timeout). A page or API answer must also arrive whole within twice this' -r
complete -c tikdl -n "__fish_tikdl_needs_command" -s R -l retries -d 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)' -r
complete -c tikdl -n "__fish_tikdl_needs_command" -l retry-backoff -d 'Base of the exponential backoff between retries, in seconds (full jitter; Retry-After wins) [default: 1.0] (config: retry_backoff)' -r
complete -c tikdl -n "__fish_tikdl_needs_command" -l rate-limit -d 'Page/API requests per minute to tiktok.com (0 = no pacing); media downloads are not paced [default: 60] (config: rate_limit.requests_per_minute)' -r
complete -c tikdl -n "__fish_tikdl_needs_command" -l burst -d 'Requests allowed at once before pacing starts [default: 10] (config: rate_limit.burst_limit)' -r
complete -c tikdl -n "__fish_tikdl_needs_command" -l cooldown -d 'Pause after TikTok throttles (429, challenge, block) when it gives no Retry-After [default: 300] (config: rate_limit.cooldown_period)' -r
complete -c tikdl -n "__fish_tikdl_needs_command" -l no-config -d 'Read no config file: built-in defaults and flags only'
complete -c tikdl -n "__fish_tikdl_needs_command" -l no-cache -d 'Neither read nor write the metadata cache (config: enable_caching = false)'
complete -c tikdl -n "__fish_tikdl_needs_command" -l stats -d 'Print request, cache, retry and speed statistics on stderr at the end'
complete -c tikdl -n "__fish_tikdl_needs_command" -l no-check-certificate -d 'Do not verify TLS certificates (unsafe: anyone on the path can read and alter traffic)'
complete -c tikdl -n "__fish_tikdl_needs_command" -l no-adaptive-rate -d 'Keep the pace fixed instead of halving it when TikTok throttles (config: rate_limit.adaptive_limiting = false)'
complete -c tikdl -n "__fish_tikdl_needs_command" -s v -l verbose -d 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)'
complete -c tikdl -n "__fish_tikdl_needs_command" -l no-warnings -d 'yt-dlp\'s --no-warnings: no warnings on stderr (errors are still reported)'
complete -c tikdl -n "__fish_tikdl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tikdl -n "__fish_tikdl_needs_command" -s V -l version -d 'Print version'
complete -c tikdl -n "__fish_tikdl_needs_command" -f -a "info" -d 'Print the metadata of one or more posts'
complete -c tikdl -n "__fish_tikdl_needs_command" -f -a "download" -d 'Download posts: videos without watermark, slideshows (images + audio), or audio only'
complete -c tikdl -n "__fish_tikdl_needs_command" -f -a "batch" -d 'Download (or list with --info-only) every post of a URL list, politely and resumably'
complete -c tikdl -n "__fish_tikdl_needs_command" -f -a "cache" -d 'Inspect or empty the metadata cache'
complete -c tikdl -n "__fish_tikdl_needs_command" -f -a "config" -d 'Show the effective configuration, or where the config file is'
complete -c tikdl -n "__fish_tikdl_needs_command" -f -a "generate" -d 'Write shell completions or the man page (for packagers; the repository keeps both)'
complete -c tikdl -n "__fish_tikdl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -l secuid -d 'A profile by its secUid (repeatable)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -l max -d 'At most N posts from each list' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -l after -d 'Only posts uploaded on or after this date' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -l before -d 'Only posts uploaded on or before this date' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -s I -l playlist-items -d 'Only these list positions: 1,3,5-9,-2:' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -s O -l print -d 'Print TEMPLATE for each post (repeatable)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -l jobs -d 'URLs fetched at once [5]' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -l config -d 'Read this config file instead of the default one (see `tikdl config path`)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -l cache-dir -d 'Metadata cache folder [default: tikdl in the user\'s cache folder] (config: cache_dir)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -l cache-ttl -d 'Seconds a cached post\'s metadata stays usable [default: 1800] (config: cache_ttl)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -l proxy -d 'Proxy: http://, https://, socks4://, socks4a://, socks5:// or socks5h:// URL (any other scheme is an error). Repeatable: posts are spread across several proxies in turn, one post\'s requests all through the same one (config: proxy.urls). Without it, HTTPS_PROXY, ALL_PROXY and NO_PROXY are honoured (their scheme is checked the same way)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -l connect-to -d 'Connect to HOST2:PORT2 when a request is for HOST1:PORT1 (curl\'s syntax; empty HOST1 matches every host, empty HOST2/PORT2 keep the original). PORT1 is empty, 443 or 80; tikdl only makes https requests (port 443), so a :80: rule never applies. Repeatable' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -l ca-cert -d 'Trust this PEM certificate (or bundle) in addition to the built-in roots. Repeatable' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -l cookies -d 'Netscape cookies.txt (as browser extensions and yt-dlp export it); read only (config: session.cookies_file)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -l user-agent -d 'User-Agent to send instead of the built-in desktop browser one (config: headers.user_agent)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -l header -d 'Extra request header, "Name: value", sent on page/API requests to *.tiktok.com only; "HOST:Name: value" sends it to that one host instead (e.g. a CDN host). Repeatable; added to the config file\'s headers.custom_headers' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -l timeout -d 'Seconds to wait for a connection or for data before giving up [default: 30] (config: request_timeout). A page or API answer must also arrive whole within twice this' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -s R -l retries -d 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -l retry-backoff -d 'Base of the exponential backoff between retries, in seconds (full jitter; Retry-After wins) [default: 1.0] (config: retry_backoff)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -l rate-limit -d 'Page/API requests per minute to tiktok.com (0 = no pacing); media downloads are not paced [default: 60] (config: rate_limit.requests_per_minute)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -l burst -d 'Requests allowed at once before pacing starts [default: 10] (config: rate_limit.burst_limit)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -l cooldown -d 'Pause after TikTok throttles (429, challenge, block) when it gives no Retry-After [default: 300] (config: rate_limit.cooldown_period)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -s j -l json -d 'One JSON object per post a line (NDJSON)'
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -s q -l quiet -d 'No warnings on stderr'
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -l no-config -d 'Read no config file: built-in defaults and flags only'
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -l no-cache -d 'Neither read nor write the metadata cache (config: enable_caching = false)'
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -l stats -d 'Print request, cache, retry and speed statistics on stderr at the end'
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -l no-check-certificate -d 'Do not verify TLS certificates (unsafe: anyone on the path can read and alter traffic)'
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -l no-adaptive-rate -d 'Keep the pace fixed instead of halving it when TikTok throttles (config: rate_limit.adaptive_limiting = false)'
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -s v -l verbose -d 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)'
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -l no-warnings -d 'yt-dlp\'s --no-warnings: no warnings on stderr (errors are still reported)'
complete -c tikdl -n "__fish_tikdl_using_subcommand info" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l secuid -d 'A profile by its secUid (repeatable)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -s o -l output -d 'Output file name template (yt-dlp\'s syntax)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -s P -l paths -d 'Base folder for the output' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l quality -d 'best, worst, hd, sd, 1080p, 720p, ... [best]' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l codec -d 'Preferred codec: h264, h265 or any [h264]' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l sub-langs -d 'Subtitle languages (en matches eng-US) [all]' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -s r -l limit-rate -d 'Maximum rate per file, e.g. 500K or 2M' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l low-speed-limit -d 'Restart a transfer slower than this [1024]' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l low-speed-time -d 'The window for --low-speed-limit [30]' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -s O -l print -d 'Print TEMPLATE after each post (repeatable)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l jobs -d 'Posts worked on at once [5]' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -s f -l format -d 'best, worst, ba, 720p, an id; A/B [best]' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -s S -l format-sort -d 'Prefer vcodec:h264, res:720, +size, br' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l max -d 'At most N posts from each list' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l after -d 'Only posts uploaded on or after this date' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l before -d 'Only posts uploaded on or before this date' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -s I -l playlist-items -d 'Only these list positions: 1,3,5-9,-2:' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l live-duration -d 'LIVE: stop after SECS of recorded media' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l max-filesize -d 'LIVE: stop the recording at SIZE (e.g. 2G)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l wait-for-live -d 'LIVE: poll every INTERVAL s until live [60]' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l config -d 'Read this config file instead of the default one (see `tikdl config path`)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l cache-dir -d 'Metadata cache folder [default: tikdl in the user\'s cache folder] (config: cache_dir)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l cache-ttl -d 'Seconds a cached post\'s metadata stays usable [default: 1800] (config: cache_ttl)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l proxy -d 'Proxy: http://, https://, socks4://, socks4a://, socks5:// or socks5h:// URL (any other scheme is an error). Repeatable: posts are spread across several proxies in turn, one post\'s requests all through the same one (config: proxy.urls). Without it, HTTPS_PROXY, ALL_PROXY and NO_PROXY are honoured (their scheme is checked the same way)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l connect-to -d 'Connect to HOST2:PORT2 when a request is for HOST1:PORT1 (curl\'s syntax; empty HOST1 matches every host, empty HOST2/PORT2 keep the original). PORT1 is empty, 443 or 80; tikdl only makes https requests (port 443), so a :80: rule never applies. Repeatable' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l ca-cert -d 'Trust this PEM certificate (or bundle) in addition to the built-in roots. Repeatable' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l cookies -d 'Netscape cookies.txt (as browser extensions and yt-dlp export it); read only (config: session.cookies_file)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l user-agent -d 'User-Agent to send instead of the built-in desktop browser one (config: headers.user_agent)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l header -d 'Extra request header, "Name: value", sent on page/API requests to *.tiktok.com only; "HOST:Name: value" sends it to that one host instead (e.g. a CDN host). Repeatable; added to the config file\'s headers.custom_headers' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l timeout -d 'Seconds to wait for a connection or for data before giving up [default: 30] (config: request_timeout). A page or API answer must also arrive whole within twice this' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -s R -l retries -d 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l retry-backoff -d 'Base of the exponential backoff between retries, in seconds (full jitter; Retry-After wins) [default: 1.0] (config: retry_backoff)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l rate-limit -d 'Page/API requests per minute to tiktok.com (0 = no pacing); media downloads are not paced [default: 60] (config: rate_limit.requests_per_minute)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l burst -d 'Requests allowed at once before pacing starts [default: 10] (config: rate_limit.burst_limit)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l cooldown -d 'Pause after TikTok throttles (429, challenge, block) when it gives no Retry-After [default: 300] (config: rate_limit.cooldown_period)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -s x -l audio-only -d 'Save only the sound'
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l no-audio -d 'Slideshows: skip the audio track'
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l write-info-json -d 'Also write NAME.info.json'
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l write-thumbnail -d 'Also save the cover image'
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l embed-metadata -d 'Write title, uploader, date... into the file'
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l embed-thumbnail -d 'Write the cover into the file'
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l write-subs -d 'Also save subtitles (WebVTT)'
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l force-overwrites -d 'Download again even when the file exists'
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -s q -l quiet -d 'Print nothing but errors'
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l no-progress -d 'No progress bars'
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l json -d 'One JSON result per post a line on stdout'
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -s j -l dump-json -d 'Print each post\'s JSON, download nothing'
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -s s -l simulate -d 'Do everything but write files'
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -s J -l dump-single-json -d 'One JSON document per URL, no download'
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l no-config -d 'Read no config file: built-in defaults and flags only'
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l no-cache -d 'Neither read nor write the metadata cache (config: enable_caching = false)'
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l stats -d 'Print request, cache, retry and speed statistics on stderr at the end'
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l no-check-certificate -d 'Do not verify TLS certificates (unsafe: anyone on the path can read and alter traffic)'
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l no-adaptive-rate -d 'Keep the pace fixed instead of halving it when TikTok throttles (config: rate_limit.adaptive_limiting = false)'
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -s v -l verbose -d 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)'
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -l no-warnings -d 'yt-dlp\'s --no-warnings: no warnings on stderr (errors are still reported)'
complete -c tikdl -n "__fish_tikdl_using_subcommand download" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l download-archive -d 'Skip the posts in FILE, record new ones' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l shard -d 'Do only shard K of N of the posts' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l failed-file -d 'Write the lines that failed to FILE' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -s o -l output -d 'Output file name template (yt-dlp\'s syntax)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -s P -l paths -d 'Base folder for the output' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l quality -d 'best, worst, hd, sd, 1080p, 720p, ... [best]' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l codec -d 'Preferred codec: h264, h265 or any [h264]' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l sub-langs -d 'Subtitle languages (en matches eng-US) [all]' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -s r -l limit-rate -d 'Maximum rate per file, e.g. 500K or 2M' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l low-speed-limit -d 'Restart a transfer slower than this [1024]' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l low-speed-time -d 'The window for --low-speed-limit [30]' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -s O -l print -d 'Print TEMPLATE after each post (repeatable)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l jobs -d 'Posts worked on at once [5]' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -s f -l format -d 'best, worst, ba, 720p, an id; A/B [best]' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -s S -l format-sort -d 'Prefer vcodec:h264, res:720, +size, br' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l max -d 'At most N posts from each list' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l after -d 'Only posts uploaded on or after this date' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l before -d 'Only posts uploaded on or before this date' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -s I -l playlist-items -d 'Only these list positions: 1,3,5-9,-2:' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l config -d 'Read this config file instead of the default one (see `tikdl config path`)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l cache-dir -d 'Metadata cache folder [default: tikdl in the user\'s cache folder] (config: cache_dir)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l cache-ttl -d 'Seconds a cached post\'s metadata stays usable [default: 1800] (config: cache_ttl)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l proxy -d 'Proxy: http://, https://, socks4://, socks4a://, socks5:// or socks5h:// URL (any other scheme is an error). Repeatable: posts are spread across several proxies in turn, one post\'s requests all through the same one (config: proxy.urls). Without it, HTTPS_PROXY, ALL_PROXY and NO_PROXY are honoured (their scheme is checked the same way)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l connect-to -d 'Connect to HOST2:PORT2 when a request is for HOST1:PORT1 (curl\'s syntax; empty HOST1 matches every host, empty HOST2/PORT2 keep the original). PORT1 is empty, 443 or 80; tikdl only makes https requests (port 443), so a :80: rule never applies. Repeatable' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l ca-cert -d 'Trust this PEM certificate (or bundle) in addition to the built-in roots. Repeatable' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l cookies -d 'Netscape cookies.txt (as browser extensions and yt-dlp export it); read only (config: session.cookies_file)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l user-agent -d 'User-Agent to send instead of the built-in desktop browser one (config: headers.user_agent)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l header -d 'Extra request header, "Name: value", sent on page/API requests to *.tiktok.com only; "HOST:Name: value" sends it to that one host instead (e.g. a CDN host). Repeatable; added to the config file\'s headers.custom_headers' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l timeout -d 'Seconds to wait for a connection or for data before giving up [default: 30] (config: request_timeout). A page or API answer must also arrive whole within twice this' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -s R -l retries -d 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l retry-backoff -d 'Base of the exponential backoff between retries, in seconds (full jitter; Retry-After wins) [default: 1.0] (config: retry_backoff)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l rate-limit -d 'Page/API requests per minute to tiktok.com (0 = no pacing); media downloads are not paced [default: 60] (config: rate_limit.requests_per_minute)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l burst -d 'Requests allowed at once before pacing starts [default: 10] (config: rate_limit.burst_limit)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l cooldown -d 'Pause after TikTok throttles (429, challenge, block) when it gives no Retry-After [default: 300] (config: rate_limit.cooldown_period)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l info-only -d 'Print each post\'s metadata (NDJSON) instead'
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l break-on-existing -d 'Stop a list at its first archived post'
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l break-per-input -d '...and go on with the next input'
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -s x -l audio-only -d 'Save only the sound'
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l no-audio -d 'Slideshows: skip the audio track'
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l write-info-json -d 'Also write NAME.info.json'
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l write-thumbnail -d 'Also save the cover image'
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l embed-metadata -d 'Write title, uploader, date... into the file'
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l embed-thumbnail -d 'Write the cover into the file'
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l write-subs -d 'Also save subtitles (WebVTT)'
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l force-overwrites -d 'Download again even when the file exists'
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -s q -l quiet -d 'Print nothing but errors'
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l no-progress -d 'No progress bars'
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l json -d 'One JSON result per post a line on stdout'
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -s j -l dump-json -d 'Print each post\'s JSON, download nothing'
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -s s -l simulate -d 'Do everything but write files'
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l no-config -d 'Read no config file: built-in defaults and flags only'
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l no-cache -d 'Neither read nor write the metadata cache (config: enable_caching = false)'
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l stats -d 'Print request, cache, retry and speed statistics on stderr at the end'
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l no-check-certificate -d 'Do not verify TLS certificates (unsafe: anyone on the path can read and alter traffic)'
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l no-adaptive-rate -d 'Keep the pace fixed instead of halving it when TikTok throttles (config: rate_limit.adaptive_limiting = false)'
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -s v -l verbose -d 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)'
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -l no-warnings -d 'yt-dlp\'s --no-warnings: no warnings on stderr (errors are still reported)'
complete -c tikdl -n "__fish_tikdl_using_subcommand batch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and not __fish_seen_subcommand_from stats clear path help" -l config -d 'Read this config file instead of the default one (see `tikdl config path`)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and not __fish_seen_subcommand_from stats clear path help" -l cache-dir -d 'Metadata cache folder [default: tikdl in the user\'s cache folder] (config: cache_dir)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and not __fish_seen_subcommand_from stats clear path help" -l cache-ttl -d 'Seconds a cached post\'s metadata stays usable [default: 1800] (config: cache_ttl)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and not __fish_seen_subcommand_from stats clear path help" -l proxy -d 'Proxy: http://, https://, socks4://, socks4a://, socks5:// or socks5h:// URL (any other scheme is an error). Repeatable: posts are spread across several proxies in turn, one post\'s requests all through the same one (config: proxy.urls). Without it, HTTPS_PROXY, ALL_PROXY and NO_PROXY are honoured (their scheme is checked the same way)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and not __fish_seen_subcommand_from stats clear path help" -l connect-to -d 'Connect to HOST2:PORT2 when a request is for HOST1:PORT1 (curl\'s syntax; empty HOST1 matches every host, empty HOST2/PORT2 keep the original). PORT1 is empty, 443 or 80; tikdl only makes https requests (port 443), so a :80: rule never applies. Repeatable' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and not __fish_seen_subcommand_from stats clear path help" -l ca-cert -d 'Trust this PEM certificate (or bundle) in addition to the built-in roots. Repeatable' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and not __fish_seen_subcommand_from stats clear path help" -l cookies -d 'Netscape cookies.txt (as browser extensions and yt-dlp export it); read only (config: session.cookies_file)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and not __fish_seen_subcommand_from stats clear path help" -l user-agent -d 'User-Agent to send instead of the built-in desktop browser one (config: headers.user_agent)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and not __fish_seen_subcommand_from stats clear path help" -l header -d 'Extra request header, "Name: value", sent on page/API requests to *.tiktok.com only; "HOST:Name: value" sends it to that one host instead (e.g. a CDN host). Repeatable; added to the config file\'s headers.custom_headers' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and not __fish_seen_subcommand_from stats clear path help" -l timeout -d 'Seconds to wait for a connection or for data before giving up [default: 30] (config: request_timeout). A page or API answer must also arrive whole within twice this' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and not __fish_seen_subcommand_from stats clear path help" -s R -l retries -d 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and not __fish_seen_subcommand_from stats clear path help" -l retry-backoff -d 'Base of the exponential backoff between retries, in seconds (full jitter; Retry-After wins) [default: 1.0] (config: retry_backoff)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and not __fish_seen_subcommand_from stats clear path help" -l rate-limit -d 'Page/API requests per minute to tiktok.com (0 = no pacing); media downloads are not paced [default: 60] (config: rate_limit.requests_per_minute)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and not __fish_seen_subcommand_from stats clear path help" -l burst -d 'Requests allowed at once before pacing starts [default: 10] (config: rate_limit.burst_limit)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and not __fish_seen_subcommand_from stats clear path help" -l cooldown -d 'Pause after TikTok throttles (429, challenge, block) when it gives no Retry-After [default: 300] (config: rate_limit.cooldown_period)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and not __fish_seen_subcommand_from stats clear path help" -l no-config -d 'Read no config file: built-in defaults and flags only'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and not __fish_seen_subcommand_from stats clear path help" -l no-cache -d 'Neither read nor write the metadata cache (config: enable_caching = false)'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and not __fish_seen_subcommand_from stats clear path help" -l stats -d 'Print request, cache, retry and speed statistics on stderr at the end'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and not __fish_seen_subcommand_from stats clear path help" -l no-check-certificate -d 'Do not verify TLS certificates (unsafe: anyone on the path can read and alter traffic)'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and not __fish_seen_subcommand_from stats clear path help" -l no-adaptive-rate -d 'Keep the pace fixed instead of halving it when TikTok throttles (config: rate_limit.adaptive_limiting = false)'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and not __fish_seen_subcommand_from stats clear path help" -s v -l verbose -d 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and not __fish_seen_subcommand_from stats clear path help" -l no-warnings -d 'yt-dlp\'s --no-warnings: no warnings on stderr (errors are still reported)'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and not __fish_seen_subcommand_from stats clear path help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and not __fish_seen_subcommand_from stats clear path help" -f -a "stats" -d 'Count the entries (fresh, stale, unreadable) and their size'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and not __fish_seen_subcommand_from stats clear path help" -f -a "clear" -d 'Remove every entry tikdl wrote (other files and folders are left alone, whatever their names)'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and not __fish_seen_subcommand_from stats clear path help" -f -a "path" -d 'Print the cache folder'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and not __fish_seen_subcommand_from stats clear path help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from stats" -l config -d 'Read this config file instead of the default one (see `tikdl config path`)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from stats" -l cache-dir -d 'Metadata cache folder [default: tikdl in the user\'s cache folder] (config: cache_dir)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from stats" -l cache-ttl -d 'Seconds a cached post\'s metadata stays usable [default: 1800] (config: cache_ttl)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from stats" -l proxy -d 'Proxy: http://, https://, socks4://, socks4a://, socks5:// or socks5h:// URL (any other scheme is an error). Repeatable: posts are spread across several proxies in turn, one post\'s requests all through the same one (config: proxy.urls). Without it, HTTPS_PROXY, ALL_PROXY and NO_PROXY are honoured (their scheme is checked the same way)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from stats" -l connect-to -d 'Connect to HOST2:PORT2 when a request is for HOST1:PORT1 (curl\'s syntax; empty HOST1 matches every host, empty HOST2/PORT2 keep the original). PORT1 is empty, 443 or 80; tikdl only makes https requests (port 443), so a :80: rule never applies. Repeatable' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from stats" -l ca-cert -d 'Trust this PEM certificate (or bundle) in addition to the built-in roots. Repeatable' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from stats" -l cookies -d 'Netscape cookies.txt (as browser extensions and yt-dlp export it); read only (config: session.cookies_file)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from stats" -l user-agent -d 'User-Agent to send instead of the built-in desktop browser one (config: headers.user_agent)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from stats" -l header -d 'Extra request header, "Name: value", sent on page/API requests to *.tiktok.com only; "HOST:Name: value" sends it to that one host instead (e.g. a CDN host). Repeatable; added to the config file\'s headers.custom_headers' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from stats" -l timeout -d 'Seconds to wait for a connection or for data before giving up [default: 30] (config: request_timeout). A page or API answer must also arrive whole within twice this' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from stats" -s R -l retries -d 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from stats" -l retry-backoff -d 'Base of the exponential backoff between retries, in seconds (full jitter; Retry-After wins) [default: 1.0] (config: retry_backoff)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from stats" -l rate-limit -d 'Page/API requests per minute to tiktok.com (0 = no pacing); media downloads are not paced [default: 60] (config: rate_limit.requests_per_minute)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from stats" -l burst -d 'Requests allowed at once before pacing starts [default: 10] (config: rate_limit.burst_limit)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from stats" -l cooldown -d 'Pause after TikTok throttles (429, challenge, block) when it gives no Retry-After [default: 300] (config: rate_limit.cooldown_period)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from stats" -l no-config -d 'Read no config file: built-in defaults and flags only'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from stats" -l no-cache -d 'Neither read nor write the metadata cache (config: enable_caching = false)'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from stats" -l stats -d 'Print request, cache, retry and speed statistics on stderr at the end'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from stats" -l no-check-certificate -d 'Do not verify TLS certificates (unsafe: anyone on the path can read and alter traffic)'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from stats" -l no-adaptive-rate -d 'Keep the pace fixed instead of halving it when TikTok throttles (config: rate_limit.adaptive_limiting = false)'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from stats" -s v -l verbose -d 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from stats" -l no-warnings -d 'yt-dlp\'s --no-warnings: no warnings on stderr (errors are still reported)'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from stats" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from clear" -l config -d 'Read this config file instead of the default one (see `tikdl config path`)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from clear" -l cache-dir -d 'Metadata cache folder [default: tikdl in the user\'s cache folder] (config: cache_dir)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from clear" -l cache-ttl -d 'Seconds a cached post\'s metadata stays usable [default: 1800] (config: cache_ttl)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from clear" -l proxy -d 'Proxy: http://, https://, socks4://, socks4a://, socks5:// or socks5h:// URL (any other scheme is an error). Repeatable: posts are spread across several proxies in turn, one post\'s requests all through the same one (config: proxy.urls). Without it, HTTPS_PROXY, ALL_PROXY and NO_PROXY are honoured (their scheme is checked the same way)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from clear" -l connect-to -d 'Connect to HOST2:PORT2 when a request is for HOST1:PORT1 (curl\'s syntax; empty HOST1 matches every host, empty HOST2/PORT2 keep the original). PORT1 is empty, 443 or 80; tikdl only makes https requests (port 443), so a :80: rule never applies. Repeatable' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from clear" -l ca-cert -d 'Trust this PEM certificate (or bundle) in addition to the built-in roots. Repeatable' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from clear" -l cookies -d 'Netscape cookies.txt (as browser extensions and yt-dlp export it); read only (config: session.cookies_file)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from clear" -l user-agent -d 'User-Agent to send instead of the built-in desktop browser one (config: headers.user_agent)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from clear" -l header -d 'Extra request header, "Name: value", sent on page/API requests to *.tiktok.com only; "HOST:Name: value" sends it to that one host instead (e.g. a CDN host). Repeatable; added to the config file\'s headers.custom_headers' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from clear" -l timeout -d 'Seconds to wait for a connection or for data before giving up [default: 30] (config: request_timeout). A page or API answer must also arrive whole within twice this' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from clear" -s R -l retries -d 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from clear" -l retry-backoff -d 'Base of the exponential backoff between retries, in seconds (full jitter; Retry-After wins) [default: 1.0] (config: retry_backoff)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from clear" -l rate-limit -d 'Page/API requests per minute to tiktok.com (0 = no pacing); media downloads are not paced [default: 60] (config: rate_limit.requests_per_minute)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from clear" -l burst -d 'Requests allowed at once before pacing starts [default: 10] (config: rate_limit.burst_limit)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from clear" -l cooldown -d 'Pause after TikTok throttles (429, challenge, block) when it gives no Retry-After [default: 300] (config: rate_limit.cooldown_period)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from clear" -l no-config -d 'Read no config file: built-in defaults and flags only'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from clear" -l no-cache -d 'Neither read nor write the metadata cache (config: enable_caching = false)'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from clear" -l stats -d 'Print request, cache, retry and speed statistics on stderr at the end'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from clear" -l no-check-certificate -d 'Do not verify TLS certificates (unsafe: anyone on the path can read and alter traffic)'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from clear" -l no-adaptive-rate -d 'Keep the pace fixed instead of halving it when TikTok throttles (config: rate_limit.adaptive_limiting = false)'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from clear" -s v -l verbose -d 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from clear" -l no-warnings -d 'yt-dlp\'s --no-warnings: no warnings on stderr (errors are still reported)'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from clear" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from path" -l config -d 'Read this config file instead of the default one (see `tikdl config path`)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from path" -l cache-dir -d 'Metadata cache folder [default: tikdl in the user\'s cache folder] (config: cache_dir)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from path" -l cache-ttl -d 'Seconds a cached post\'s metadata stays usable [default: 1800] (config: cache_ttl)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from path" -l proxy -d 'Proxy: http://, https://, socks4://, socks4a://, socks5:// or socks5h:// URL (any other scheme is an error). Repeatable: posts are spread across several proxies in turn, one post\'s requests all through the same one (config: proxy.urls). Without it, HTTPS_PROXY, ALL_PROXY and NO_PROXY are honoured (their scheme is checked the same way)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from path" -l connect-to -d 'Connect to HOST2:PORT2 when a request is for HOST1:PORT1 (curl\'s syntax; empty HOST1 matches every host, empty HOST2/PORT2 keep the original). PORT1 is empty, 443 or 80; tikdl only makes https requests (port 443), so a :80: rule never applies. Repeatable' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from path" -l ca-cert -d 'Trust this PEM certificate (or bundle) in addition to the built-in roots. Repeatable' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from path" -l cookies -d 'Netscape cookies.txt (as browser extensions and yt-dlp export it); read only (config: session.cookies_file)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from path" -l user-agent -d 'User-Agent to send instead of the built-in desktop browser one (config: headers.user_agent)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from path" -l header -d 'Extra request header, "Name: value", sent on page/API requests to *.tiktok.com only; "HOST:Name: value" sends it to that one host instead (e.g. a CDN host). Repeatable; added to the config file\'s headers.custom_headers' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from path" -l timeout -d 'Seconds to wait for a connection or for data before giving up [default: 30] (config: request_timeout). A page or API answer must also arrive whole within twice this' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from path" -s R -l retries -d 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from path" -l retry-backoff -d 'Base of the exponential backoff between retries, in seconds (full jitter; Retry-After wins) [default: 1.0] (config: retry_backoff)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from path" -l rate-limit -d 'Page/API requests per minute to tiktok.com (0 = no pacing); media downloads are not paced [default: 60] (config: rate_limit.requests_per_minute)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from path" -l burst -d 'Requests allowed at once before pacing starts [default: 10] (config: rate_limit.burst_limit)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from path" -l cooldown -d 'Pause after TikTok throttles (429, challenge, block) when it gives no Retry-After [default: 300] (config: rate_limit.cooldown_period)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from path" -l no-config -d 'Read no config file: built-in defaults and flags only'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from path" -l no-cache -d 'Neither read nor write the metadata cache (config: enable_caching = false)'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from path" -l stats -d 'Print request, cache, retry and speed statistics on stderr at the end'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from path" -l no-check-certificate -d 'Do not verify TLS certificates (unsafe: anyone on the path can read and alter traffic)'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from path" -l no-adaptive-rate -d 'Keep the pace fixed instead of halving it when TikTok throttles (config: rate_limit.adaptive_limiting = false)'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from path" -s v -l verbose -d 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from path" -l no-warnings -d 'yt-dlp\'s --no-warnings: no warnings on stderr (errors are still reported)'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "stats" -d 'Count the entries (fresh, stale, unreadable) and their size'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "clear" -d 'Remove every entry tikdl wrote (other files and folders are left alone, whatever their names)'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "path" -d 'Print the cache folder'
complete -c tikdl -n "__fish_tikdl_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l config -d 'Read this config file instead of the default one (see `tikdl config path`)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l cache-dir -d 'Metadata cache folder [default: tikdl in the user\'s cache folder] (config: cache_dir)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l cache-ttl -d 'Seconds a cached post\'s metadata stays usable [default: 1800] (config: cache_ttl)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l proxy -d 'Proxy: http://, https://, socks4://, socks4a://, socks5:// or socks5h:// URL (any other scheme is an error). Repeatable: posts are spread across several proxies in turn, one post\'s requests all through the same one (config: proxy.urls). Without it, HTTPS_PROXY, ALL_PROXY and NO_PROXY are honoured (their scheme is checked the same way)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l connect-to -d 'Connect to HOST2:PORT2 when a request is for HOST1:PORT1 (curl\'s syntax; empty HOST1 matches every host, empty HOST2/PORT2 keep the original). PORT1 is empty, 443 or 80; tikdl only makes https requests (port 443), so a :80: rule never applies. Repeatable' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l ca-cert -d 'Trust this PEM certificate (or bundle) in addition to the built-in roots. Repeatable' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l cookies -d 'Netscape cookies.txt (as browser extensions and yt-dlp export it); read only (config: session.cookies_file)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l user-agent -d 'User-Agent to send instead of the built-in desktop browser one (config: headers.user_agent)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l header -d 'Extra request header, "Name: value", sent on page/API requests to *.tiktok.com only; "HOST:Name: value" sends it to that one host instead (e.g. a CDN host). Repeatable; added to the config file\'s headers.custom_headers' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l timeout -d 'Seconds to wait for a connection or for data before giving up [default: 30] (config: request_timeout). A page or API answer must also arrive whole within twice this' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -s R -l retries -d 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l retry-backoff -d 'Base of the exponential backoff between retries, in seconds (full jitter; Retry-After wins) [default: 1.0] (config: retry_backoff)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l rate-limit -d 'Page/API requests per minute to tiktok.com (0 = no pacing); media downloads are not paced [default: 60] (config: rate_limit.requests_per_minute)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l burst -d 'Requests allowed at once before pacing starts [default: 10] (config: rate_limit.burst_limit)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l cooldown -d 'Pause after TikTok throttles (429, challenge, block) when it gives no Retry-After [default: 300] (config: rate_limit.cooldown_period)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l no-config -d 'Read no config file: built-in defaults and flags only'
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l no-cache -d 'Neither read nor write the metadata cache (config: enable_caching = false)'
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l stats -d 'Print request, cache, retry and speed statistics on stderr at the end'
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l no-check-certificate -d 'Do not verify TLS certificates (unsafe: anyone on the path can read and alter traffic)'
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l no-adaptive-rate -d 'Keep the pace fixed instead of halving it when TikTok throttles (config: rate_limit.adaptive_limiting = false)'
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -s v -l verbose -d 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)'
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l no-warnings -d 'yt-dlp\'s --no-warnings: no warnings on stderr (errors are still reported)'
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -f -a "show" -d 'Print the effective configuration as TOML, each value marked default, file or flag'
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -f -a "path" -d 'Print where the config file is read from (whether or not it exists)'
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from show" -l config -d 'Read this config file instead of the default one (see `tikdl config path`)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from show" -l cache-dir -d 'Metadata cache folder [default: tikdl in the user\'s cache folder] (config: cache_dir)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from show" -l cache-ttl -d 'Seconds a cached post\'s metadata stays usable [default: 1800] (config: cache_ttl)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from show" -l proxy -d 'Proxy: http://, https://, socks4://, socks4a://, socks5:// or socks5h:// URL (any other scheme is an error). Repeatable: posts are spread across several proxies in turn, one post\'s requests all through the same one (config: proxy.urls). Without it, HTTPS_PROXY, ALL_PROXY and NO_PROXY are honoured (their scheme is checked the same way)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from show" -l connect-to -d 'Connect to HOST2:PORT2 when a request is for HOST1:PORT1 (curl\'s syntax; empty HOST1 matches every host, empty HOST2/PORT2 keep the original). PORT1 is empty, 443 or 80; tikdl only makes https requests (port 443), so a :80: rule never applies. Repeatable' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from show" -l ca-cert -d 'Trust this PEM certificate (or bundle) in addition to the built-in roots. Repeatable' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from show" -l cookies -d 'Netscape cookies.txt (as browser extensions and yt-dlp export it); read only (config: session.cookies_file)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from show" -l user-agent -d 'User-Agent to send instead of the built-in desktop browser one (config: headers.user_agent)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from show" -l header -d 'Extra request header, "Name: value", sent on page/API requests to *.tiktok.com only; "HOST:Name: value" sends it to that one host instead (e.g. a CDN host). Repeatable; added to the config file\'s headers.custom_headers' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from show" -l timeout -d 'Seconds to wait for a connection or for data before giving up [default: 30] (config: request_timeout). A page or API answer must also arrive whole within twice this' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from show" -s R -l retries -d 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from show" -l retry-backoff -d 'Base of the exponential backoff between retries, in seconds (full jitter; Retry-After wins) [default: 1.0] (config: retry_backoff)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from show" -l rate-limit -d 'Page/API requests per minute to tiktok.com (0 = no pacing); media downloads are not paced [default: 60] (config: rate_limit.requests_per_minute)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from show" -l burst -d 'Requests allowed at once before pacing starts [default: 10] (config: rate_limit.burst_limit)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from show" -l cooldown -d 'Pause after TikTok throttles (429, challenge, block) when it gives no Retry-After [default: 300] (config: rate_limit.cooldown_period)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from show" -l no-config -d 'Read no config file: built-in defaults and flags only'
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from show" -l no-cache -d 'Neither read nor write the metadata cache (config: enable_caching = false)'
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from show" -l stats -d 'Print request, cache, retry and speed statistics on stderr at the end'
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from show" -l no-check-certificate -d 'Do not verify TLS certificates (unsafe: anyone on the path can read and alter traffic)'
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from show" -l no-adaptive-rate -d 'Keep the pace fixed instead of halving it when TikTok throttles (config: rate_limit.adaptive_limiting = false)'
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)'
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from show" -l no-warnings -d 'yt-dlp\'s --no-warnings: no warnings on stderr (errors are still reported)'
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from path" -l config -d 'Read this config file instead of the default one (see `tikdl config path`)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from path" -l cache-dir -d 'Metadata cache folder [default: tikdl in the user\'s cache folder] (config: cache_dir)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from path" -l cache-ttl -d 'Seconds a cached post\'s metadata stays usable [default: 1800] (config: cache_ttl)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from path" -l proxy -d 'Proxy: http://, https://, socks4://, socks4a://, socks5:// or socks5h:// URL (any other scheme is an error). Repeatable: posts are spread across several proxies in turn, one post\'s requests all through the same one (config: proxy.urls). Without it, HTTPS_PROXY, ALL_PROXY and NO_PROXY are honoured (their scheme is checked the same way)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from path" -l connect-to -d 'Connect to HOST2:PORT2 when a request is for HOST1:PORT1 (curl\'s syntax; empty HOST1 matches every host, empty HOST2/PORT2 keep the original). PORT1 is empty, 443 or 80; tikdl only makes https requests (port 443), so a :80: rule never applies. Repeatable' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from path" -l ca-cert -d 'Trust this PEM certificate (or bundle) in addition to the built-in roots. Repeatable' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from path" -l cookies -d 'Netscape cookies.txt (as browser extensions and yt-dlp export it); read only (config: session.cookies_file)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from path" -l user-agent -d 'User-Agent to send instead of the built-in desktop browser one (config: headers.user_agent)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from path" -l header -d 'Extra request header, "Name: value", sent on page/API requests to *.tiktok.com only; "HOST:Name: value" sends it to that one host instead (e.g. a CDN host). Repeatable; added to the config file\'s headers.custom_headers' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from path" -l timeout -d 'Seconds to wait for a connection or for data before giving up [default: 30] (config: request_timeout). A page or API answer must also arrive whole within twice this' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from path" -s R -l retries -d 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from path" -l retry-backoff -d 'Base of the exponential backoff between retries, in seconds (full jitter; Retry-After wins) [default: 1.0] (config: retry_backoff)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from path" -l rate-limit -d 'Page/API requests per minute to tiktok.com (0 = no pacing); media downloads are not paced [default: 60] (config: rate_limit.requests_per_minute)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from path" -l burst -d 'Requests allowed at once before pacing starts [default: 10] (config: rate_limit.burst_limit)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from path" -l cooldown -d 'Pause after TikTok throttles (429, challenge, block) when it gives no Retry-After [default: 300] (config: rate_limit.cooldown_period)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from path" -l no-config -d 'Read no config file: built-in defaults and flags only'
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from path" -l no-cache -d 'Neither read nor write the metadata cache (config: enable_caching = false)'
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from path" -l stats -d 'Print request, cache, retry and speed statistics on stderr at the end'
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from path" -l no-check-certificate -d 'Do not verify TLS certificates (unsafe: anyone on the path can read and alter traffic)'
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from path" -l no-adaptive-rate -d 'Keep the pace fixed instead of halving it when TikTok throttles (config: rate_limit.adaptive_limiting = false)'
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from path" -s v -l verbose -d 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)'
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from path" -l no-warnings -d 'yt-dlp\'s --no-warnings: no warnings on stderr (errors are still reported)'
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print the effective configuration as TOML, each value marked default, file or flag'
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "path" -d 'Print where the config file is read from (whether or not it exists)'
complete -c tikdl -n "__fish_tikdl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l config -d 'Read this config file instead of the default one (see `tikdl config path`)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l cache-dir -d 'Metadata cache folder [default: tikdl in the user\'s cache folder] (config: cache_dir)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l cache-ttl -d 'Seconds a cached post\'s metadata stays usable [default: 1800] (config: cache_ttl)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l proxy -d 'Proxy: http://, https://, socks4://, socks4a://, socks5:// or socks5h:// URL (any other scheme is an error). Repeatable: posts are spread across several proxies in turn, one post\'s requests all through the same one (config: proxy.urls). Without it, HTTPS_PROXY, ALL_PROXY and NO_PROXY are honoured (their scheme is checked the same way)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l connect-to -d 'Connect to HOST2:PORT2 when a request is for HOST1:PORT1 (curl\'s syntax; empty HOST1 matches every host, empty HOST2/PORT2 keep the original). PORT1 is empty, 443 or 80; tikdl only makes https requests (port 443), so a :80: rule never applies. Repeatable' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l ca-cert -d 'Trust this PEM certificate (or bundle) in addition to the built-in roots. Repeatable' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l cookies -d 'Netscape cookies.txt (as browser extensions and yt-dlp export it); read only (config: session.cookies_file)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l user-agent -d 'User-Agent to send instead of the built-in desktop browser one (config: headers.user_agent)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l header -d 'Extra request header, "Name: value", sent on page/API requests to *.tiktok.com only; "HOST:Name: value" sends it to that one host instead (e.g. a CDN host). Repeatable; added to the config file\'s headers.custom_headers' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l timeout -d 'Seconds to wait for a connection or for data before giving up [default: 30] (config: request_timeout). A page or API answer must also arrive whole within twice this' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s R -l retries -d 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l retry-backoff -d 'Base of the exponential backoff between retries, in seconds (full jitter; Retry-After wins) [default: 1.0] (config: retry_backoff)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l rate-limit -d 'Page/API requests per minute to tiktok.com (0 = no pacing); media downloads are not paced [default: 60] (config: rate_limit.requests_per_minute)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l burst -d 'Requests allowed at once before pacing starts [default: 10] (config: rate_limit.burst_limit)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l cooldown -d 'Pause after TikTok throttles (429, challenge, block) when it gives no Retry-After [default: 300] (config: rate_limit.cooldown_period)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l no-config -d 'Read no config file: built-in defaults and flags only'
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l no-cache -d 'Neither read nor write the metadata cache (config: enable_caching = false)'
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l stats -d 'Print request, cache, retry and speed statistics on stderr at the end'
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l no-check-certificate -d 'Do not verify TLS certificates (unsafe: anyone on the path can read and alter traffic)'
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l no-adaptive-rate -d 'Keep the pace fixed instead of halving it when TikTok throttles (config: rate_limit.adaptive_limiting = false)'
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s v -l verbose -d 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)'
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l no-warnings -d 'yt-dlp\'s --no-warnings: no warnings on stderr (errors are still reported)'
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -f -a "completions" -d 'Completion scripts for bash, zsh, fish, PowerShell and elvish, written into DIR'
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -f -a "man" -d 'The man pages, written to DIR: tikdl.1 and one per command (tikdl-download.1, ...)'
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l config -d 'Read this config file instead of the default one (see `tikdl config path`)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l cache-dir -d 'Metadata cache folder [default: tikdl in the user\'s cache folder] (config: cache_dir)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l cache-ttl -d 'Seconds a cached post\'s metadata stays usable [default: 1800] (config: cache_ttl)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l proxy -d 'Proxy: http://, https://, socks4://, socks4a://, socks5:// or socks5h:// URL (any other scheme is an error). Repeatable: posts are spread across several proxies in turn, one post\'s requests all through the same one (config: proxy.urls). Without it, HTTPS_PROXY, ALL_PROXY and NO_PROXY are honoured (their scheme is checked the same way)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l connect-to -d 'Connect to HOST2:PORT2 when a request is for HOST1:PORT1 (curl\'s syntax; empty HOST1 matches every host, empty HOST2/PORT2 keep the original). PORT1 is empty, 443 or 80; tikdl only makes https requests (port 443), so a :80: rule never applies. Repeatable' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l ca-cert -d 'Trust this PEM certificate (or bundle) in addition to the built-in roots. Repeatable' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l cookies -d 'Netscape cookies.txt (as browser extensions and yt-dlp export it); read only (config: session.cookies_file)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l user-agent -d 'User-Agent to send instead of the built-in desktop browser one (config: headers.user_agent)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l header -d 'Extra request header, "Name: value", sent on page/API requests to *.tiktok.com only; "HOST:Name: value" sends it to that one host instead (e.g. a CDN host). Repeatable; added to the config file\'s headers.custom_headers' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l timeout -d 'Seconds to wait for a connection or for data before giving up [default: 30] (config: request_timeout). A page or API answer must also arrive whole within twice this' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from completions" -s R -l retries -d 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l retry-backoff -d 'Base of the exponential backoff between retries, in seconds (full jitter; Retry-After wins) [default: 1.0] (config: retry_backoff)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l rate-limit -d 'Page/API requests per minute to tiktok.com (0 = no pacing); media downloads are not paced [default: 60] (config: rate_limit.requests_per_minute)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l burst -d 'Requests allowed at once before pacing starts [default: 10] (config: rate_limit.burst_limit)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l cooldown -d 'Pause after TikTok throttles (429, challenge, block) when it gives no Retry-After [default: 300] (config: rate_limit.cooldown_period)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l no-config -d 'Read no config file: built-in defaults and flags only'
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l no-cache -d 'Neither read nor write the metadata cache (config: enable_caching = false)'
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l stats -d 'Print request, cache, retry and speed statistics on stderr at the end'
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l no-check-certificate -d 'Do not verify TLS certificates (unsafe: anyone on the path can read and alter traffic)'
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l no-adaptive-rate -d 'Keep the pace fixed instead of halving it when TikTok throttles (config: rate_limit.adaptive_limiting = false)'
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from completions" -s v -l verbose -d 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)'
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l no-warnings -d 'yt-dlp\'s --no-warnings: no warnings on stderr (errors are still reported)'
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from man" -l config -d 'Read this config file instead of the default one (see `tikdl config path`)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from man" -l cache-dir -d 'Metadata cache folder [default: tikdl in the user\'s cache folder] (config: cache_dir)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from man" -l cache-ttl -d 'Seconds a cached post\'s metadata stays usable [default: 1800] (config: cache_ttl)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from man" -l proxy -d 'Proxy: http://, https://, socks4://, socks4a://, socks5:// or socks5h:// URL (any other scheme is an error). Repeatable: posts are spread across several proxies in turn, one post\'s requests all through the same one (config: proxy.urls). Without it, HTTPS_PROXY, ALL_PROXY and NO_PROXY are honoured (their scheme is checked the same way)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from man" -l connect-to -d 'Connect to HOST2:PORT2 when a request is for HOST1:PORT1 (curl\'s syntax; empty HOST1 matches every host, empty HOST2/PORT2 keep the original). PORT1 is empty, 443 or 80; tikdl only makes https requests (port 443), so a :80: rule never applies. Repeatable' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from man" -l ca-cert -d 'Trust this PEM certificate (or bundle) in addition to the built-in roots. Repeatable' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from man" -l cookies -d 'Netscape cookies.txt (as browser extensions and yt-dlp export it); read only (config: session.cookies_file)' -r -F
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from man" -l user-agent -d 'User-Agent to send instead of the built-in desktop browser one (config: headers.user_agent)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from man" -l header -d 'Extra request header, "Name: value", sent on page/API requests to *.tiktok.com only; "HOST:Name: value" sends it to that one host instead (e.g. a CDN host). Repeatable; added to the config file\'s headers.custom_headers' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from man" -l timeout -d 'Seconds to wait for a connection or for data before giving up [default: 30] (config: request_timeout). A page or API answer must also arrive whole within twice this' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from man" -s R -l retries -d 'Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3] (config: retry_attempts)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from man" -l retry-backoff -d 'Base of the exponential backoff between retries, in seconds (full jitter; Retry-After wins) [default: 1.0] (config: retry_backoff)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from man" -l rate-limit -d 'Page/API requests per minute to tiktok.com (0 = no pacing); media downloads are not paced [default: 60] (config: rate_limit.requests_per_minute)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from man" -l burst -d 'Requests allowed at once before pacing starts [default: 10] (config: rate_limit.burst_limit)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from man" -l cooldown -d 'Pause after TikTok throttles (429, challenge, block) when it gives no Retry-After [default: 300] (config: rate_limit.cooldown_period)' -r
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from man" -l no-config -d 'Read no config file: built-in defaults and flags only'
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from man" -l no-cache -d 'Neither read nor write the metadata cache (config: enable_caching = false)'
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from man" -l stats -d 'Print request, cache, retry and speed statistics on stderr at the end'
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from man" -l no-check-certificate -d 'Do not verify TLS certificates (unsafe: anyone on the path can read and alter traffic)'
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from man" -l no-adaptive-rate -d 'Keep the pace fixed instead of halving it when TikTok throttles (config: rate_limit.adaptive_limiting = false)'
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from man" -s v -l verbose -d 'More logging on stderr: -v info, -vv debug (RUST_LOG overrides)'
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from man" -l no-warnings -d 'yt-dlp\'s --no-warnings: no warnings on stderr (errors are still reported)'
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "completions" -d 'Completion scripts for bash, zsh, fish, PowerShell and elvish, written into DIR'
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "man" -d 'The man pages, written to DIR: tikdl.1 and one per command (tikdl-download.1, ...)'
complete -c tikdl -n "__fish_tikdl_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tikdl -n "__fish_tikdl_using_subcommand help; and not __fish_seen_subcommand_from info download batch cache config generate help" -f -a "info" -d 'Print the metadata of one or more posts'
complete -c tikdl -n "__fish_tikdl_using_subcommand help; and not __fish_seen_subcommand_from info download batch cache config generate help" -f -a "download" -d 'Download posts: videos without watermark, slideshows (images + audio), or audio only'
complete -c tikdl -n "__fish_tikdl_using_subcommand help; and not __fish_seen_subcommand_from info download batch cache config generate help" -f -a "batch" -d 'Download (or list with --info-only) every post of a URL list, politely and resumably'
complete -c tikdl -n "__fish_tikdl_using_subcommand help; and not __fish_seen_subcommand_from info download batch cache config generate help" -f -a "cache" -d 'Inspect or empty the metadata cache'
complete -c tikdl -n "__fish_tikdl_using_subcommand help; and not __fish_seen_subcommand_from info download batch cache config generate help" -f -a "config" -d 'Show the effective configuration, or where the config file is'
complete -c tikdl -n "__fish_tikdl_using_subcommand help; and not __fish_seen_subcommand_from info download batch cache config generate help" -f -a "generate" -d 'Write shell completions or the man page (for packagers; the repository keeps both)'
complete -c tikdl -n "__fish_tikdl_using_subcommand help; and not __fish_seen_subcommand_from info download batch cache config generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tikdl -n "__fish_tikdl_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "stats" -d 'Count the entries (fresh, stale, unreadable) and their size'
complete -c tikdl -n "__fish_tikdl_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "clear" -d 'Remove every entry tikdl wrote (other files and folders are left alone, whatever their names)'
complete -c tikdl -n "__fish_tikdl_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "path" -d 'Print the cache folder'
complete -c tikdl -n "__fish_tikdl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Print the effective configuration as TOML, each value marked default, file or flag'
complete -c tikdl -n "__fish_tikdl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "path" -d 'Print where the config file is read from (whether or not it exists)'
complete -c tikdl -n "__fish_tikdl_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "completions" -d 'Completion scripts for bash, zsh, fish, PowerShell and elvish, written into DIR'
complete -c tikdl -n "__fish_tikdl_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "man" -d 'The man pages, written to DIR: tikdl.1 and one per command (tikdl-download.1, ...)'
