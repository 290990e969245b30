//! Command-line definitions (clap derive types only).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use tikdl::fetch::lists::Date;
use tikdl::net::http::{CustomHeader, ProxyUrl, UserAgent};

const ABOUT: &str =
    "Fast, reliable TikTok downloader: videos, photo slideshows, audio and clean JSON metadata";

const INFO_EXAMPLES: &str = "\
Examples:
  tikdl info https://www.tiktok.com/@user/video/7608826249200356630
  tikdl info --json https://vm.tiktok.com/ZMabc123/ | jq -r .title
  tikdl info --json --jobs 8 URL1 URL2 URL3 > meta.ndjson
  tikdl info --no-cache URL        # fetch even when a fresh cached copy exists
  tikdl info -O $'%(id)s\\t%(view_count)d\\t%(title)s' URL1 URL2   # TAB-separated
  tikdl info --json --max 10 https://www.tiktok.com/@user   # 10 newest posts
  tikdl --cookies cookies.txt info URL   # a post only logged-in users see";

const MAIN_EXAMPLES: &str = "\
Examples:
  tikdl info https://www.tiktok.com/@user/video/7608826249200356630
  tikdl info --json URL | jq .view_count
  tikdl download -f 720p URL
  tikdl batch --download-archive done.txt urls.txt
  tikdl --proxy socks5h://127.0.0.1:9050 info URL
  tikdl --stats --no-cache info URL
  tikdl config show

Configuration: flags override the config file (`tikdl config path` shows where it is), which
overrides the defaults; `tikdl config show` prints the result and where each value came from.

Exit codes: 0 success; 1 some URL failed (a post that could not be saved included); 2 usage or
configuration error, an unreadable URL list, or an unusable output (-P, standard output);
130 interrupted (Ctrl-C, SIGTERM, SIGHUP; partial downloads are kept); 141 standard output closed early (| head).";

#[derive(Debug, Parser)]
#[command(name = "tikdl", version, about = ABOUT, after_long_help = MAIN_EXAMPLES)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Network, cache, configuration and logging options, accepted before or after the subcommand.
/// Options without a built-in default here take theirs from the config file, then from tikdl
/// (the defaults are named in each help line).
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Read this config file instead of the default one (see `tikdl config path`).
    #[arg(value_parser = path_parser(), long, global = true, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Read no config file: built-in defaults and flags only.
    #[arg(long = "no-config", global = true)]
    pub no_config: bool,

    /// Metadata cache folder [default: tikdl in the user's cache folder] (config: cache_dir).
    #[arg(value_parser = path_parser(), long = "cache-dir", global = true, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Neither read nor write the metadata cache (config: enable_caching = false).
    #[arg(long = "no-cache", global = true)]
    pub no_cache: bool,

    /// Seconds a cached post's metadata stays usable [default: 1800] (config: cache_ttl).
    #[arg(long = "cache-ttl", global = true, value_name = "SECS")]
    pub cache_ttl: Option<u64>,

    /// Print request, cache, retry and speed statistics on stderr at the end.
    #[arg(long, global = true)]
    pub stats: bool,

    /// Proxy: http://, https://, socks4://, socks4a://, socks5:// or socks5h:// URL (any other
    /// scheme is an error). Repeatable: posts are spread across several proxies in turn, one
    /// post's requests all through the same one (config: proxy.urls). Without it, HTTPS_PROXY,
    /// ALL_PROXY and NO_PROXY are honoured (their scheme is checked the same way).
    #[arg(long, global = true, value_name = "URL", value_parser = Unquoted::<ProxyUrl>::new("--proxy:"))]
    pub proxy: Vec<ProxyUrl>,

    /// Connect to HOST2:PORT2 when a request is for HOST1:PORT1 (curl's syntax; empty HOST1
    /// matches every host, empty HOST2/PORT2 keep the original). PORT1 is empty, 443 or 80;
    /// tikdl only makes https requests (port 443), so a :80: rule never applies. Repeatable.
    #[arg(
        long = "connect-to",
        global = true,
        value_name = "HOST1:PORT1:HOST2:PORT2"
    )]
    pub connect_to: Vec<String>,

    /// Trust this PEM certificate (or bundle) in addition to the built-in roots. Repeatable.
    #[arg(value_parser = path_parser(), long = "ca-cert", global = true, value_name = "FILE")]
    pub ca_cert: Vec<PathBuf>,

    /// Do not verify TLS certificates (unsafe: anyone on the path can read and alter traffic).
    #[arg(
        long = "no-check-certificate",
        alias = "no-check-certificates",
        global = true
    )]
    pub no_check_certificate: bool,

    /// Netscape cookies.txt (as browser extensions and yt-dlp export it); read only (config:
    /// session.cookies_file).
    #[arg(value_parser = path_parser(), long, global = true, value_name = "FILE")]
    pub cookies: Option<PathBuf>,

    /// Read TikTok's cookies from a browser's own cookie database: firefox, chrome, chromium,
    /// brave, edge or vivaldi (Linux), optionally with a profile name or folder
    /// (firefox:default-release, chrome:"Profile 1", firefox:~/path/to/profile) and a Firefox
    /// container (firefox::Work). Only cookies of tiktok.com and its subdomains are read. With
    /// --cookies too, both are used and the file's cookie wins where both have one (config:
    /// session.cookies_from_browser).
    #[arg(
        long = "cookies-from-browser",
        global = true,
        value_name = "BROWSER[+KEYRING][:PROFILE][::CONTAINER]",
        value_parser = Unquoted::<tikdl::net::browser_cookies::BrowserSpec>::new("--cookies-from-browser:")
    )]
    pub cookies_from_browser: Option<tikdl::net::browser_cookies::BrowserSpec>,

    /// User-Agent to send instead of the built-in desktop browser one (config:
    /// headers.user_agent).
    #[arg(long = "user-agent", global = true, value_name = "UA", value_parser = Unquoted::<UserAgent>::new("--user-agent: the User-Agent"))]
    pub user_agent: Option<UserAgent>,

    /// Extra request header, "Name: value", sent on page/API requests to *.tiktok.com only;
    /// "HOST:Name: value" sends it to that one host instead (e.g. a CDN host). Repeatable;
    /// added to the config file's headers.custom_headers.
    #[arg(long = "header", alias = "add-header", global = true, value_name = "HEADER", value_parser = Unquoted::<CustomHeader>::new("--header:"))]
    pub headers: Vec<CustomHeader>,

    /// Seconds to wait for a connection or for data before giving up [default: 30] (config:
    /// request_timeout). A page or API answer must also arrive whole within twice this.
    #[arg(long, alias = "socket-timeout", global = true, value_name = "SECS", value_parser = parse_timeout)]
    pub timeout: Option<f64>,

    /// Retries after a failed request (connect errors, timeouts, 408, 429, 5xx) [default: 3]
    /// (config: retry_attempts).
    #[arg(long, short = 'R', global = true, value_name = "N")]
    pub retries: Option<u32>,

    /// Base of the exponential backoff between retries, in seconds (full jitter; Retry-After
    /// wins) [default: 1.0] (config: retry_backoff).
    #[arg(long = "retry-backoff", global = true, value_name = "SECS")]
    pub retry_backoff: Option<f64>,

    /// Page/API requests per minute to tiktok.com (0 = no pacing); media downloads are not
    /// paced [default: 60] (config: rate_limit.requests_per_minute).
    #[arg(long = "rate-limit", global = true, value_name = "N")]
    pub rate_limit: Option<u32>,

    /// Requests allowed at once before pacing starts [default: 10] (config:
    /// rate_limit.burst_limit).
    #[arg(long = "burst", global = true, value_name = "N")]
    pub burst: Option<u32>,

    /// Pause after TikTok throttles (429, challenge, block) when it gives no Retry-After
    /// [default: 300] (config: rate_limit.cooldown_period).
    #[arg(long = "cooldown", global = true, value_name = "SECS")]
    pub cooldown: Option<u64>,

    /// Keep the pace fixed instead of halving it when TikTok throttles (config:
    /// rate_limit.adaptive_limiting = false).
    #[arg(long = "no-adaptive-rate", global = true)]
    pub no_adaptive_rate: bool,

    /// More logging on stderr: -v info, -vv debug (RUST_LOG overrides).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// yt-dlp's --no-warnings: no warnings on stderr (errors are still reported).
    #[arg(long = "no-warnings", global = true, hide = true)]
    pub no_warnings: bool,
}

const DOWNLOAD_EXAMPLES: &str = "\
Examples:
  tikdl download https://www.tiktok.com/@user/video/7608826249200356630
  tikdl download -f 720p -S vcodec:h265 URL
  tikdl download --audio-only URL
  tikdl download -P ~/TikTok -o '%(uploader)s/%(title).60s [%(id)s].%(ext)s' URL
  tikdl download --write-info-json --write-subs --sub-langs en URL
  tikdl download --json URL1 URL2 | jq -r .files[].path
  tikdl download -O '%(filepath)s' URL | xargs -d '\\n' ls -l
  tikdl download --wait-for-live=120 --live-duration 3600 LIVE_URL";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the metadata of one or more posts.
    #[command(after_long_help = INFO_EXAMPLES)]
    Info(InfoArgs),
    /// Download posts: videos without watermark, slideshows (images + audio), or audio only.
    #[command(after_long_help = DOWNLOAD_EXAMPLES)]
    Download(DownloadArgs),
    /// Download (or list with --info-only) every post of a URL list, politely and resumably.
    #[command(after_long_help = BATCH_EXAMPLES)]
    Batch(BatchArgs),
    /// Inspect or empty the metadata cache.
    #[command(subcommand, after_long_help = CACHE_EXAMPLES)]
    Cache(CacheCommand),
    /// Show the effective configuration, or where the config file is.
    #[command(subcommand, after_long_help = CONFIG_EXAMPLES)]
    Config(ConfigCommand),
    /// Write shell completions or the man page (for packagers; the repository keeps both).
    #[command(subcommand, hide = true)]
    Generate(GenerateCommand),
}

const CACHE_EXAMPLES: &str = "\
Examples:
  tikdl cache stats
  tikdl cache clear
  tikdl --cache-dir ~/tikdl-cache cache stats

Entries live in the user's cache folder (or --cache-dir), one file per post, for --cache-ttl
seconds (default 1800), at most cache_max_size of them (default 1000, least recently used
evicted). An entry whose media URLs have expired is never served.";

#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Count the entries (fresh, stale, unreadable) and their size.
    #[command(
        after_long_help = "Examples:\n  tikdl cache stats\n  tikdl --cache-ttl 60 cache stats"
    )]
    Stats,
    /// Remove every entry tikdl wrote (other files and folders are left alone, whatever their names).
    #[command(
        after_long_help = "Examples:\n  tikdl cache clear\n  tikdl --cache-dir ~/tikdl-cache cache clear"
    )]
    Clear,
    /// Print the cache folder.
    #[command(after_long_help = "Examples:\n  tikdl cache path\n  du -sh \"$(tikdl cache path)\"")]
    Path,
}

const CONFIG_EXAMPLES: &str = "\
Examples:
  tikdl config show
  tikdl --config ./tikdl.toml --timeout 10 config show
  $EDITOR \"$(tikdl config path)\"

A value on the command line overrides the config file, which overrides the built-in default.
Unknown keys are reported and ignored; a bad value is an error naming the key and its line.";

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the effective configuration as TOML, each value marked default, file or flag.
    #[command(
        after_long_help = "Examples:\n  tikdl config show\n  tikdl --no-config --rate-limit 30 config show\n  tikdl config show > ~/.config/tikdl/config.toml"
    )]
    Show,
    /// Print where the config file is read from (whether or not it exists).
    #[command(
        after_long_help = "Examples:\n  tikdl config path\n  $EDITOR \"$(tikdl config path)\""
    )]
    Path,
}

#[derive(Debug, Subcommand)]
pub enum GenerateCommand {
    /// Completion scripts for bash, zsh, fish, PowerShell and elvish, written into DIR.
    Completions {
        #[arg(value_parser = path_parser(), value_name = "DIR")]
        dir: PathBuf,
    },
    /// The man pages, written to DIR: tikdl.1 and one per command (tikdl-download.1, ...).
    Man {
        #[arg(value_parser = path_parser(), value_name = "DIR")]
        dir: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct DownloadArgs {
    /// Post URLs (video, photo, short, share and embed links), or profile and collection URLs.
    #[arg(required_unless_present_any = ["secuid", "batch_file"], value_name = "URL")]
    pub urls: Vec<String>,

    /// A profile by its secUid (`MS4wLjABAAAA...`), as `tiktokuser:SECUID` would name it: its
    /// posts, without the profile page; repeatable.
    #[arg(long = "secuid", value_name = "SECUID")]
    pub secuid: Vec<String>,

    /// Also download the URLs of FILE, one a line (`-` for standard input), read as `batch`
    /// reads its list; they come before the URLs given as arguments (as in yt-dlp).
    #[arg(value_parser = path_parser(), short = 'a', long = "batch-file", value_name = "FILE")]
    pub batch_file: Option<PathBuf>,

    #[command(flatten)]
    pub archive: ArchiveArgs,

    #[command(flatten)]
    pub save: SaveArgs,

    #[command(flatten)]
    pub lists: ListArgs,

    #[command(flatten)]
    pub live: LiveArgs,

    /// One JSON document per URL and download nothing (yt-dlp's -J): a post's object, or for a
    /// list a playlist object with its posts in `entries`.
    #[arg(short = 'J', long = "dump-single-json", conflicts_with_all = ["json", "print", "dump_json"])]
    pub dump_single_json: bool,
}

/// How a LIVE room (`/@user/live`, `/share/live/ID`) is recorded.
#[derive(Debug, Args)]
pub struct LiveArgs {
    /// LIVE: stop after SECS seconds of recorded media (by the stream's timestamps).
    #[arg(long = "live-duration", value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    pub live_duration: Option<u64>,

    /// Stop a LIVE recording before it passes SIZE (e.g. 500M, 2G); a post's file announced
    /// larger is not downloaded.
    #[arg(long = "max-filesize", value_name = "SIZE", value_parser = parse_size)]
    pub max_filesize: Option<u64>,

    /// LIVE: when the account is not live, ask again every INTERVAL seconds (at least 10)
    /// until it is, then record [default interval: 60].
    #[arg(long = "wait-for-live", value_name = "INTERVAL", num_args = 0..=1,
          require_equals = true, default_missing_value = "60",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub wait_for_live: Option<u64>,
}

fn parse_size(s: &str) -> Result<u64, String> {
    tikdl::save::download::parse_rate(s)
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("{s:?} is not a size (examples: 500K, 2M, 1G)"))
}

/// How posts are saved (shared by `download` and `batch`).
#[derive(Debug, Args)]
pub struct SaveArgs {
    /// Output file name template (yt-dlp syntax: %(field)s, %(field).50s, %(field|default)s, %(index)02d;
    /// `/` makes folders) [default: "%(uploader)s - %(title).80s [%(id)s].%(ext)s"] (config:
    /// download.output). yt-dlp's `default:` prefix is taken off; its other TYPES: are refused.
    #[arg(value_parser = parse_output, short = 'o', long = "output", value_name = "TEMPLATE")]
    pub output: Option<tikdl::save::template::Template>,

    /// Base folder for the output (created if missing) [default: .] (config: download.paths).
    /// yt-dlp's `home:` prefix is taken off; `temp:` and its file TYPES: are refused.
    #[arg(value_parser = paths_parser(), short = 'P', long = "paths", value_name = "DIR")]
    pub paths: Option<PathBuf>,

    /// Old name of -f with one quality name: best, worst, hd, sd, ld, mobile, audio, 1080p, 720p,
    /// 576p, 540p, 480p or 360p: the best rendition at or below it, else the lowest above
    /// [default: best] (config: download.quality).
    #[arg(long, value_name = "QUALITY", hide = true)]
    pub quality: Option<tikdl::save::select::Quality>,

    /// Preferred codec at equal height: h264 (plays everywhere), h265 or any; -S vcodec:... goes
    /// first [default: h264] (config: download.codec).
    #[arg(long, value_name = "CODEC")]
    pub codec: Option<tikdl::save::select::CodecPref>,

    /// Save only the sound (with its real extension).
    #[arg(long = "audio-only", short = 'x', alias = "extract-audio")]
    pub audio_only: bool,

    /// Slideshows: skip the audio track.
    #[arg(long = "no-audio", hide_short_help = true)]
    pub no_audio: bool,

    /// Also write NAME.info.json (the object `info --json` prints).
    #[arg(long = "write-info-json")]
    pub write_info_json: bool,

    /// Also save the cover image.
    #[arg(long = "write-thumbnail")]
    pub write_thumbnail: bool,

    /// Write the post's metadata (title, uploader, date, description, URL) into the MP4 / M4A /
    /// MP3 file itself, no ffmpeg needed [default: false] (config: download.embed_metadata).
    #[arg(long = "embed-metadata", alias = "add-metadata")]
    pub embed_metadata: bool,

    /// Write the post's cover (JPEG or PNG) into the MP4 / M4A / MP3 file itself
    /// [default: false] (config: download.embed_thumbnail).
    #[arg(long = "embed-thumbnail", hide_short_help = true)]
    pub embed_thumbnail: bool,

    /// Also save subtitles (WebVTT as served).
    #[arg(long = "write-subs")]
    pub write_subs: bool,

    /// Subtitle languages, comma-separated codes or prefixes (en matches eng-US); default all.
    #[arg(long = "sub-langs", value_delimiter = ',', value_name = "LANGS")]
    pub sub_langs: Vec<String>,

    /// Download again even when the file already exists.
    #[arg(long = "force-overwrites")]
    pub force_overwrites: bool,

    /// Maximum download rate per file, e.g. 500K or 2M (bytes per second).
    #[arg(long = "limit-rate", short = 'r', value_name = "RATE", value_parser = parse_rate)]
    pub limit_rate: Option<u64>,

    /// Abandon (then resume) a media transfer that averages fewer than BYTES per second over
    /// --low-speed-time seconds, like curl's --speed-limit; 0 turns the check off [default: 1024].
    #[arg(long = "low-speed-limit", value_name = "BYTES")]
    pub low_speed_limit: Option<u64>,

    /// The window for --low-speed-limit, in seconds [default: 30].
    #[arg(long = "low-speed-time", hide_short_help = true, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    pub low_speed_time: Option<u64>,

    /// Print nothing but errors: no result lines, no summary, no warnings (yt-dlp's
    /// --no-warnings is part of it).
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// No progress bars (they are only drawn on a terminal anyway).
    #[arg(long = "no-progress")]
    pub no_progress: bool,

    /// One JSON result object per post per line on stdout, after it is saved.
    #[arg(long)]
    pub json: bool,

    /// After each post is saved, print TEMPLATE rendered for it on stdout (the -o language, not
    /// sanitized, NA for a missing field; %(filepath)s is the saved file); repeatable, one line
    /// per template. Replaces the other stdout output; the files are still downloaded.
    #[arg(short = 'O', long = "print", value_name = "TEMPLATE", value_parser = parse_print, conflicts_with = "json")]
    pub print: Vec<tikdl::save::template::Template>,

    /// How many posts to work on at once [default: 5] (config: max_concurrent_operations).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: Option<u16>,

    /// Seconds to wait before each post's download but the first (with --max-sleep-interval, the
    /// least of a random wait) (config: download.sleep_interval).
    #[arg(long = "sleep-interval", value_name = "SECS", value_parser = parse_secs)]
    pub sleep_interval: Option<f64>,

    /// The most of the random wait before each download; needs --sleep-interval (config:
    /// download.max_sleep_interval).
    #[arg(long = "max-sleep-interval", hide_short_help = true, value_name = "SECS", value_parser = parse_secs)]
    pub max_sleep_interval: Option<f64>,

    /// Run CMD with `sh -c` after each post is saved: `{}` or %(filepath)s is the saved file,
    /// appended when CMD names neither; other %(field)s too (with one, `{}` stays as it is, as in
    /// yt-dlp). Values go in as shell parameters, never as code; a relative path as `./...`.
    /// yt-dlp's `after_move:` prefix is taken off; its other WHEN: prefixes are refused.
    /// A failing CMD is a warning and exit 1, and leaves the post out of the archive. Not run
    /// with --json. Repeatable (config: download.exec).
    #[arg(long = "exec", value_name = "CMD", value_parser = parse_exec)]
    pub exec: Vec<String>,

    /// File names from field values in ASCII only, without spaces, `&` and other characters
    /// shells treat specially (as yt-dlp's): accented letters lose their accents, look-alike
    /// letters become plain ones, anything else becomes `_`. The template's own text is kept.
    #[arg(long = "restrict-filenames", overrides_with = "no_restrict_filenames")]
    pub restrict_filenames: bool,

    // The `--no-` forms, --windows-filenames and --trim-filenames are left to `--help`, so that
    // `-h` still fits a screen.
    /// Undo `restrict_filenames = true` of the config file for this run (yt-dlp's
    /// `--no-restrict-filenames`).
    #[arg(
        long = "no-restrict-filenames",
        overrides_with = "restrict_filenames",
        hide_short_help = true
    )]
    pub no_restrict_filenames: bool,

    /// Windows-safe file names on any system: also the template's own text loses
    /// `<>:"\|?*` (each becomes `#`, as in yt-dlp). Field values and Windows device names
    /// (CON, NUL, COM1...) are always made safe.
    #[arg(
        long = "windows-filenames",
        overrides_with = "no_windows_filenames",
        hide_short_help = true
    )]
    pub windows_filenames: bool,

    /// Undo `windows_filenames = true` of the config file for this run (yt-dlp's
    /// `--no-windows-filenames`).
    #[arg(
        long = "no-windows-filenames",
        overrides_with = "windows_filenames",
        hide_short_help = true
    )]
    pub no_windows_filenames: bool,

    /// At most N characters (not bytes, as yt-dlp counts) in each file name before its
    /// extension; text fields are shortened first, so the id stays when it can. 0: no limit.
    #[arg(
        long = "trim-filenames",
        alias = "trim-file-names",
        value_name = "N",
        hide_short_help = true
    )]
    pub trim_filenames: Option<usize>,
    /// Which format (yt-dlp's -f): best (b), worst (w), bestvideo (bv; TikTok's videos carry
    /// their sound), bestaudio (ba: the post's sound), a quality name (hd, sd, ld, mobile, audio,
    /// 1080p, 720p, 576p, 540p, 480p, 360p: the best at or below it, else the lowest above), an
    /// extension (mp4: the best video, or a photo post's images; mp3, m4a: the post's sound when
    /// it is one), or a format id as `info --json` lists it; `A/B` takes the first one a post
    /// has [default: best] (config: download.format).
    #[arg(
        short = 'f',
        long = "format",
        value_name = "FORMAT",
        conflicts_with = "quality"
    )]
    pub format: Option<tikdl::save::select::FormatSelector>,

    /// Preferences among the formats (yt-dlp's -S), the first deciding first, comma-separated:
    /// vcodec:h264, vcodec:h265, res (largest), res:N (largest at or below N lines, else the
    /// smallest above), size / +size (largest / smallest file), br / +br (bitrate)
    /// (config: download.format_sort).
    #[arg(short = 'S', long = "format-sort", value_name = "SORT")]
    pub format_sort: Option<tikdl::save::select::FormatSort>,

    /// Print each post's metadata (the object `info --json` prints, one a line) and download
    /// nothing (yt-dlp's -j).
    #[arg(short = 'j', long = "dump-json", conflicts_with_all = ["json", "print"])]
    pub dump_json: bool,

    /// Do everything but write: no files, no archive lines; print what would be saved.
    #[arg(short = 's', long = "simulate")]
    pub simulate: bool,
}

/// A number of seconds: finite, not negative.
fn parse_secs(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(n) if n.is_finite() && n >= 0.0 => Ok(n),
        _ => Err(format!("{s:?} is not a number of seconds (0 or more)")),
    }
}

/// Which posts of a profile or collection to take.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// At most N posts (N >= 1) from each profile, collection, sound or hashtag.
    #[arg(long, value_name = "N", value_parser = parse_max)]
    pub max: Option<u64>,

    /// Only posts uploaded on or after this date (UTC): YYYYMMDD, today, yesterday, now, or one
    /// of them +/- N day(s), week(s), month(s) or year(s), e.g. today-2weeks (yt-dlp's DATE);
    /// also --dateafter.
    #[arg(long, value_name = "DATE", alias = "dateafter")]
    pub after: Option<Date>,

    /// Only posts uploaded on or before this date (UTC; DATE as for --after); also --datebefore.
    #[arg(long, value_name = "DATE", alias = "datebefore")]
    pub before: Option<Date>,

    /// Only posts whose metadata passes FILTER (yt-dlp's syntax): `view_count>=1k`,
    /// `duration<60`, `like_count>?100` (`?`: or no like count), `uploader=NAME`,
    /// `title*=TEXT` (contains), `^=` / `$=` (starts / ends with), `!=`, `is_pinned`,
    /// `!has_subtitles`, several joined by `&`. Repeatable: a post passing any one is taken.
    /// The others are skipped (`skipped` in JSON) and never archived.
    #[arg(long = "match-filter", alias = "match-filters", value_name = "FILTER")]
    pub match_filter: Vec<tikdl::batch::filter::MatchFilter>,
    /// Only these positions of each list (1 = its newest post, as TikTok lists them), yt-dlp's
    /// syntax: N, N-M, START:STOP[:STEP], comma-separated; negative counts from the end (then the
    /// whole list is paged first). Picked before --after/--before and --max apply.
    #[arg(
        short = 'I',
        long = "playlist-items",
        value_name = "SPEC",
        allow_hyphen_values = true
    )]
    pub playlist_items: Option<tikdl::fetch::pick::Items>,
}

const BATCH_EXAMPLES: &str = "\
Examples:
  tikdl batch urls.txt
  tikdl batch --download-archive done.txt --failed-file failed.txt urls.txt
  tikdl batch --info-only --rate-limit 0 urls.txt > meta.ndjson
  grep -h tiktok.com notes/*.md | tikdl batch -
  echo https://www.tiktok.com/@user | tikdl batch --max 20 --after 20260101 -
  tikdl batch --download-archive done.txt --break-on-existing creators.txt
  tikdl batch --download-archive done --break-on-existing --break-per-input list
  tikdl batch --shard 2/3 --download-archive arch-2.txt list.txt
  tikdl batch --info-only -O '%(id)s %(uploader)s' list.txt";

#[derive(Debug, Args)]
pub struct BatchArgs {
    /// File with one URL per line (`-` for standard input); blank lines and `#` comments are
    /// skipped. Profile and collection URLs expand into their posts. A line that is not UTF-8 or
    /// is longer than 64 KiB fails alone; a list that cannot be read (a folder) is exit 2.
    #[arg(value_parser = path_parser(), value_name = "FILE")]
    pub file: PathBuf,

    /// Print each post's metadata (NDJSON, as `info --json`) instead of downloading.
    #[arg(long = "info-only")]
    pub info_only: bool,

    /// Do only shard K of N (1 <= K <= N): each post goes to exactly one shard by a hash of
    /// its id, so N runs over the same list (other machines, other --proxy) never do the same
    /// post and together do all. Posts of other shards are only counted.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<tikdl::batch::shard::Shard>,

    #[command(flatten)]
    pub archive: ArchiveArgs,

    #[command(flatten)]
    pub save: SaveArgs,

    #[command(flatten)]
    pub lists: ListArgs,
}

/// The download archive and the failed-lines file (shared by `download` and `batch`).
#[derive(Debug, Args)]
pub struct ArchiveArgs {
    /// Record finished posts in FILE (`tiktok ID` lines, yt-dlp's format) and skip those already there.
    #[arg(value_parser = path_parser(), long = "download-archive", value_name = "FILE")]
    pub download_archive: Option<PathBuf>,

    /// With --download-archive: stop paging a profile, collection, sound or tag list at its first
    /// post already in the archive (lists come newest first; pinned posts never stop it), and
    /// stop the whole run there unless --break-per-input (config:
    /// download.break_on_existing = true).
    #[arg(long = "break-on-existing")]
    pub break_on_existing: bool,

    /// With --break-on-existing: the stop ends that input only; the run goes on with the next.
    #[arg(long = "break-per-input", hide_short_help = true)]
    pub break_per_input: bool,

    /// Write the lines that failed (and, after an early stop, those not attempted or whose result
    /// could not be printed) to FILE, one per line, for a retry run. FILE may be the list itself;
    /// a regular file is replaced only once the list was read to its end. /dev/stdout,
    /// /dev/stderr, a FIFO or a character device (/dev/null) is written in place, line by line;
    /// a symbolic link, a folder or a block device is refused.
    #[arg(value_parser = path_parser(), long = "failed-file", value_name = "FILE")]
    pub failed_file: Option<PathBuf>,
}

fn parse_max(s: &str) -> Result<u64, String> {
    match s.parse::<u64>() {
        Ok(0) => Err("--max 0 would take no post at all; give 1 or more".to_owned()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("{s:?} is not a whole number of posts")),
    }
}

/// A flag value read with its `FromStr`, whose error is shown as `PREFIX why` without the
/// value: clap's own message would quote it, and with it a proxy's password or a header's token.
#[derive(Clone)]
struct Unquoted<T> {
    prefix: &'static str,
    parsed: std::marker::PhantomData<fn() -> T>,
}

impl<T> Unquoted<T> {
    fn new(prefix: &'static str) -> Self {
        Self {
            prefix,
            parsed: std::marker::PhantomData,
        }
    }
}

impl<T> clap::builder::TypedValueParser for Unquoted<T>
where
    T: std::str::FromStr<Err = String> + Clone + Send + Sync + 'static,
{
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        let refuse = |why: &str| {
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!("{} {why}\n", self.prefix),
            )
            .with_cmd(cmd)
        };
        value
            .to_str()
            .ok_or_else(|| refuse("is not UTF-8 text"))?
            .parse()
            .map_err(|why: String| refuse(&why))
    }
}

/// A path flag's value with a leading `~` expanded (see [`tikdl::config::expand_home`]). Any
/// bytes are a path: a value that is not UTF-8 is taken as it is.
fn path_parser() -> impl clap::builder::TypedValueParser<Value = PathBuf> {
    use clap::builder::TypedValueParser;
    clap::builder::OsStringValueParser::new().try_map(|os| match os.to_str() {
        Some(s) => tikdl::config::expand_home(s),
        None => Ok(PathBuf::from(os)),
    })
}

/// `-P`: yt-dlp's `home:` taken off (its other `TYPES:` refused), then a path.
fn paths_parser() -> impl clap::builder::TypedValueParser<Value = PathBuf> {
    use clap::builder::TypedValueParser;
    clap::builder::OsStringValueParser::new().try_map(|os| match os.to_str() {
        Some(s) => {
            let s = tikdl::save::prefix::paths(s).map_err(|e| e.to_string())?;
            tikdl::config::expand_home(s).map_err(|e| e.to_string())
        }
        None => Ok(PathBuf::from(os)),
    })
}

/// `--exec`: yt-dlp's `after_move:` / `after_video:` taken off, its other `WHEN:` refused.
fn parse_exec(s: &str) -> Result<String, String> {
    tikdl::save::prefix::exec(s).map(str::to_owned)
}

/// `-o`, yt-dlp's `default:` taken off (its other `TYPES:` refused), with a leading `~`
/// expanded as in a path.
fn parse_output(s: &str) -> Result<tikdl::save::template::Template, String> {
    let s = tikdl::save::prefix::output(s)?;
    let s = tikdl::config::expand_home_template(s).map_err(|e| e.to_string())?;
    tikdl::save::template::Template::parse(&s).map_err(|e| e.to_string())
}

fn parse_print(s: &str) -> Result<tikdl::save::template::Template, String> {
    tikdl::save::template::Template::parse_print(s).map_err(|e| e.to_string())
}

/// `--timeout`: a number of seconds above 0 (0 would time every request out at once).
fn parse_timeout(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(n) if n > 0.0 && std::time::Duration::try_from_secs_f64(n).is_ok() => Ok(n),
        _ => Err(format!(
            "{s:?} is not a number of seconds above 0 (example: 30)"
        )),
    }
}

fn parse_rate(s: &str) -> Result<u64, String> {
    tikdl::save::download::parse_rate(s)
        .ok_or_else(|| format!("{s:?} is not a rate (examples: 500K, 2M, 1048576)"))
}

#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Post URLs (video, photo, short, share and embed links), or profile and collection URLs
    /// (each of their posts is printed).
    #[arg(required_unless_present = "secuid", value_name = "URL")]
    pub urls: Vec<String>,

    /// A profile by its secUid (`MS4wLjABAAAA...`), as `tiktokuser:SECUID` would name it: its
    /// posts, without the profile page; repeatable.
    #[arg(long = "secuid", value_name = "SECUID")]
    pub secuid: Vec<String>,

    #[command(flatten)]
    pub lists: ListArgs,

    /// One compact JSON object per URL per line (NDJSON) on stdout.
    #[arg(long, short = 'j')]
    pub json: bool,

    /// Print TEMPLATE rendered for each post instead of the summary (the -o language, not
    /// sanitized, NA for a missing field; `-O id,title` = one field per line); repeatable.
    #[arg(short = 'O', long = "print", value_name = "TEMPLATE", value_parser = parse_print, conflicts_with = "json")]
    pub print: Vec<tikdl::save::template::Template>,

    /// How many URLs to fetch at once; output stays in input order [default: 5] (config:
    /// max_concurrent_operations).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: Option<u16>,

    /// No warnings on stderr (errors are still reported).
    #[arg(long, short = 'q')]
    pub quiet: bool,
}
