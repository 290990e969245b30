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

    /// More logging on stderr: -v info, -vv debug (RUST_LOG overrides).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the metadata of one or more posts.
    #[command(after_long_help = INFO_EXAMPLES)]
    Info(InfoArgs),
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
