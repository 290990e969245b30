//! Command-line definitions (clap derive types only).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

const ABOUT: &str =
    "Fast, reliable TikTok downloader: videos, photo slideshows, audio and clean JSON metadata";

const INFO_EXAMPLES: &str = "\
Examples:
  tikdl info https://www.tiktok.com/@user/video/7608826249200356630
  tikdl info --json https://vm.tiktok.com/ZMabc123/ | jq -r .title
  tikdl info --json --jobs 8 URL1 URL2 URL3 > meta.ndjson
  tikdl --cookies cookies.txt info https://www.tiktok.com/@private/video/7608826249200356630";

const MAIN_EXAMPLES: &str = "\
Examples:
  tikdl info https://www.tiktok.com/@user/video/7608826249200356630
  tikdl info --json URL | jq .view_count
  tikdl --proxy socks5h://127.0.0.1:9050 info URL

Exit codes: 0 success, 1 some URL failed, 2 usage or configuration error.";

#[derive(Debug, Parser)]
#[command(name = "tikdl", version, about = ABOUT, after_long_help = MAIN_EXAMPLES)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Network and logging options, accepted before or after the subcommand.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Proxy for all requests: http://, https://, socks5:// or socks5h:// URL.
    /// Without it, HTTPS_PROXY, ALL_PROXY and NO_PROXY are honoured.
    #[arg(long, global = true, value_name = "URL")]
    pub proxy: Option<String>,

    /// Connect to HOST2:PORT2 when a request is for HOST1:PORT1 (curl's syntax; empty HOST1
    /// matches every host, empty HOST2/PORT2 keep the original). Repeatable.
    #[arg(
        long = "connect-to",
        global = true,
        value_name = "HOST1:PORT1:HOST2:PORT2"
    )]
    pub connect_to: Vec<String>,

    /// Trust this PEM certificate (or bundle) in addition to the built-in roots. Repeatable.
    #[arg(long = "ca-cert", global = true, value_name = "FILE")]
    pub ca_cert: Vec<PathBuf>,

    /// Do not verify TLS certificates (unsafe: anyone on the path can read and alter traffic).
    #[arg(long = "no-check-certificate", global = true)]
    pub no_check_certificate: bool,

    /// Netscape cookies.txt (as browser extensions and yt-dlp export it); read only.
    #[arg(long, global = true, value_name = "FILE")]
    pub cookies: Option<PathBuf>,

    /// User-Agent to send instead of the built-in desktop browser one.
    #[arg(long = "user-agent", global = true, value_name = "UA")]
    pub user_agent: Option<String>,

    /// Extra request header, "Name: value". Repeatable.
    #[arg(long = "header", global = true, value_name = "HEADER")]
    pub headers: Vec<String>,

    /// Seconds to wait for a connection or for data before giving up.
    #[arg(long, global = true, default_value_t = 30.0, value_name = "SECS")]
    pub timeout: f64,

    /// Retries after a failed request (connect errors, timeouts, 408, 429, 5xx).
    #[arg(long, global = true, default_value_t = 3, value_name = "N")]
    pub retries: u32,

    /// Base of the exponential backoff between retries, in seconds (full jitter; Retry-After wins).
    #[arg(
        long = "retry-backoff",
        global = true,
        default_value_t = 1.0,
        value_name = "SECS"
    )]
    pub retry_backoff: f64,

    /// Page/API requests per minute to tiktok.com (0 = no pacing). Media downloads are not paced.
    #[arg(
        long = "rate-limit",
        global = true,
        default_value_t = 60,
        value_name = "N"
    )]
    pub rate_limit: u32,

    /// Requests allowed at once before pacing starts.
    #[arg(long = "burst", global = true, default_value_t = 10, value_name = "N")]
    pub burst: u32,

    /// Pause after TikTok throttles (429, challenge, block) when it gives no Retry-After.
    #[arg(
        long = "cooldown",
        global = true,
        default_value_t = 300,
        value_name = "SECS"
    )]
    pub cooldown: u64,

    /// Keep the pace fixed instead of halving it when TikTok throttles.
    #[arg(long = "no-adaptive-rate", global = true)]
    pub no_adaptive_rate: bool,

    /// More logging on stderr: -v info, -vv debug (RUST_LOG overrides).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

const DOWNLOAD_EXAMPLES: &str = "\
Examples:
  tikdl download https://www.tiktok.com/@user/video/7608826249200356630
  tikdl download -q 720p --codec h265 URL
  tikdl download --audio-only URL
  tikdl download -P ~/TikTok -o '%(uploader)s/%(upload_date)s - %(title).60s [%(id)s].%(ext)s' URL
  tikdl download --write-info-json --write-subs --sub-langs en URL
  tikdl download --json URL1 URL2 | jq -r .files[].path";

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
}

#[derive(Debug, Args)]
pub struct DownloadArgs {
    /// Post URLs (video, photo, short, share and embed links), or profile and collection URLs.
    #[arg(required = true, value_name = "URL")]
    pub urls: Vec<String>,

    #[command(flatten)]
    pub save: SaveArgs,

    #[command(flatten)]
    pub lists: ListArgs,
}

/// How posts are saved (shared by `download` and `batch`).
#[derive(Debug, Args)]
pub struct SaveArgs {
    /// Output file name template (yt-dlp syntax: %(field)s, %(field).50s, %(field|default)s, %(index)02d;
    /// `/` makes folders).
    #[arg(short = 'o', long = "output", value_name = "TEMPLATE", default_value = tikdl::template::DEFAULT_TEMPLATE)]
    pub output: tikdl::template::Template,

    /// Base folder for the output (created if missing).
    #[arg(short = 'P', long = "paths", value_name = "DIR", default_value = ".")]
    pub paths: PathBuf,

    /// best, worst, hd, sd, ld, mobile, audio, 1080p, 720p, 576p, 540p, 480p or 360p: the best
    /// rendition at or below it, else the lowest above.
    #[arg(short = 'q', long, default_value = "best", value_name = "QUALITY")]
    pub quality: tikdl::select::Quality,

    /// Preferred codec at equal height: h264 (plays everywhere), h265 or any.
    #[arg(long, default_value = "h264", value_name = "CODEC")]
    pub codec: tikdl::select::CodecPref,

    /// Save only the sound (with its real extension).
    #[arg(long = "audio-only", short = 'x')]
    pub audio_only: bool,

    /// Slideshows: skip the audio track.
    #[arg(long = "no-audio")]
    pub no_audio: bool,

    /// Also write NAME.info.json (the object `info --json` prints).
    #[arg(long = "write-info-json")]
    pub write_info_json: bool,

    /// Also save the cover image.
    #[arg(long = "write-thumbnail")]
    pub write_thumbnail: bool,

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

    /// Print nothing but errors.
    #[arg(long)]
    pub quiet: bool,

    /// No progress bars (they are only drawn on a terminal anyway).
    #[arg(long = "no-progress")]
    pub no_progress: bool,

    /// One JSON result object per post per line on stdout.
    #[arg(long, short = 'j')]
    pub json: bool,

    /// How many posts to work on at once (the seed's max_concurrent_operations).
    #[arg(long, default_value_t = 5, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: u16,
}

/// Which posts of a profile or collection to take.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// At most N posts from each profile or collection.
    #[arg(long, value_name = "N")]
    pub max: Option<usize>,

    /// Only posts uploaded on or after this date (YYYYMMDD, UTC).
    #[arg(long, value_name = "YYYYMMDD", value_parser = parse_date)]
    pub after: Option<String>,

    /// Only posts uploaded on or before this date (YYYYMMDD, UTC).
    #[arg(long, value_name = "YYYYMMDD", value_parser = parse_date)]
    pub before: Option<String>,
}

const BATCH_EXAMPLES: &str = "\
Examples:
  tikdl batch urls.txt
  tikdl batch --download-archive done.txt --failed-file failed.txt -P archive urls.txt
  tikdl batch --info-only --rate-limit 0 urls.txt > meta.ndjson
  grep -h tiktok.com notes/*.md | tikdl batch -
  echo https://www.tiktok.com/@user | tikdl batch --max 20 --after 20260101 -";

#[derive(Debug, Args)]
pub struct BatchArgs {
    /// File with one URL per line (`-` for standard input); blank lines and `#` comments are
    /// skipped. Profile and collection URLs expand into their posts.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Print each post's metadata (NDJSON, as `info --json`) instead of downloading.
    #[arg(long = "info-only")]
    pub info_only: bool,

    /// Record finished posts in FILE (`tiktok ID` lines, yt-dlp's format) and skip those already there.
    #[arg(long = "download-archive", value_name = "FILE")]
    pub download_archive: Option<PathBuf>,

    /// Write the URLs that failed to FILE, one per line, for a retry run.
    #[arg(long = "failed-file", value_name = "FILE")]
    pub failed_file: Option<PathBuf>,

    #[command(flatten)]
    pub save: SaveArgs,

    #[command(flatten)]
    pub lists: ListArgs,
}

fn parse_date(s: &str) -> Result<String, String> {
    if tikdl::lists::valid_date(s) {
        Ok(s.to_owned())
    } else {
        Err(format!("{s:?} is not a date in YYYYMMDD form"))
    }
}

fn parse_rate(s: &str) -> Result<u64, String> {
    tikdl::download::parse_rate(s)
        .ok_or_else(|| format!("{s:?} is not a rate (examples: 500K, 2M, 1048576)"))
}

#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Post URLs: video, photo, short links (vm/vt/t), share and embed links.
    #[arg(required = true, value_name = "URL")]
    pub urls: Vec<String>,

    /// One compact JSON object per URL per line (NDJSON) on stdout.
    #[arg(long, short = 'j')]
    pub json: bool,

    /// How many URLs to fetch at once; output stays in input order.
    #[arg(long, default_value_t = 5, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: u16,
}
