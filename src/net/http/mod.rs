//! The one HTTP client: proxy, TLS roots, `--connect-to`, cookies, headers, size caps, and
//! redirects followed by hand so that none can leave TikTok's domains.
//!
//! `client` holds the lanes, identities and the requests; `headers` the `--header` grammar and
//! its scoping, and the User-Agent; `proxy` the proxy URL checks (the environment's too);
//! `connect_to` the `--connect-to` rules and their resolver; `body` the bounded reader of
//! small answers and the low-speed check.

use std::path::PathBuf;
use std::time::Duration;

use reqwest::header::{self, HeaderMap};

use crate::error::Error;
use crate::net::retry::RetryPolicy;

mod body;
mod client;
mod connect_to;
mod headers;
mod proxy;

pub use body::{BoundedBody, LOW_SPEED_LIMIT, LOW_SPEED_TIME, LowSpeed, SpeedCheck, TOO_SLOW};
pub use client::{HttpClient, Page};
pub use connect_to::check as check_connect_to;
pub use headers::{CustomHeader, UserAgent};
pub use proxy::{PROXY_SCHEMES, ProxyUrl};

use crate::net::ratelimit::PaceConfig;

/// A current desktop Chrome: TikTok serves the full desktop page (with `bitrateInfo`) to it.
pub const DEFAULT_USER_AGENT: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
     (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36";
/// Current desktop browsers for `user_agent_rotation` (all get TikTok's full desktop page). The
/// default comes first, so rotation starts where a run without it would be.
pub const ROTATING_USER_AGENTS: &[&str] = &[
    DEFAULT_USER_AGENT,
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) \
     Chrome/142.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:145.0) Gecko/20100101 Firefox/145.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
     Chrome/142.0.0.0 Safari/537.36 Edg/142.0.0.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) \
     Version/26.1 Safari/605.1.15",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:145.0) Gecko/20100101 Firefox/145.0",
];
/// A current iPhone Safari: TikTok answers phones with the mobile "reflow" page (the empty-page
/// recovery's last step asks for it).
pub const MOBILE_USER_AGENT: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) \
     AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1";
/// Pages are 250-800 KB; anything past this is not a TikTok page.
pub const MAX_PAGE_BYTES: u64 = 20 * 1024 * 1024;

/// Network settings (the global command-line options). The proxies, headers and User-Agent
/// are checked values: a client cannot be refused for them.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// `http://`, `https://`, `socks4://`, `socks4a://`, `socks5://` or `socks5h://` URLs (any
    /// other scheme is refused, see [`ProxyUrl`]); none honours HTTPS_PROXY/ALL_PROXY/
    /// NO_PROXY (whose scheme is checked the same way).
    pub proxies: Vec<ProxyUrl>,
    /// With several proxies: spread posts across them, round-robin (otherwise only the first is
    /// used).
    pub proxy_rotation: bool,
    /// curl-style `HOST1:PORT1:HOST2:PORT2` rules.
    pub connect_to: Vec<String>,
    /// Extra PEM trust roots.
    pub ca_certs: Vec<PathBuf>,
    /// Accept any certificate (`--no-check-certificate`).
    pub insecure: bool,
    /// Netscape cookies.txt to read (never written).
    pub cookies_file: Option<PathBuf>,
    /// Sent instead of [`DEFAULT_USER_AGENT`].
    pub user_agent: Option<UserAgent>,
    /// Change the User-Agent (among [`ROTATING_USER_AGENTS`]) every this many page requests;
    /// `None` keeps one. Ignored when `user_agent` is set.
    pub user_agent_rotation: Option<std::num::NonZeroU32>,
    /// `Name: value` headers for TikTok's page/API hosts (`*.tiktok.com`) only, or
    /// `HOST:Name: value` for requests to that one host (see [`CustomHeader`]).
    pub headers: Vec<CustomHeader>,
    /// Idle timeout (connect, and between reads). A page or API answer must also arrive whole
    /// within [`page_deadline`] of this.
    pub timeout: Duration,
    /// Retries of a failed page/API request.
    pub retry: RetryPolicy,
    /// Pacing of page/API requests (not media).
    pub pace: PaceConfig,
    /// Cookies handed over by an embedding program (the Python package's `session_token`),
    /// put in the jar beside the `cookies_file` ones. Values are [`crate::net::redacted::Secret`]s.
    pub cookies: Vec<crate::net::cookies::Cookie>,
    /// `--cookies-from-browser`: the browser whose TikTok cookies to read (when a client is
    /// built, unless [`HttpConfig::read_browser_cookies`] already did).
    pub cookies_from_browser: Option<crate::net::browser_cookies::BrowserSpec>,
    /// The cookies read from that browser. They go into the jar first, so that a cookie the
    /// `cookies_file` also has is the file's (yt-dlp loads both, the file after the browser).
    pub browser_cookies: Vec<crate::net::cookies::Cookie>,
}

impl HttpConfig {
    /// Reads the browser's cookies into [`HttpConfig::browser_cookies`] once, so that every
    /// client built from this configuration has them without opening the browser again.
    pub fn read_browser_cookies(&mut self) -> Result<(), Error> {
        if let Some(spec) = self.cookies_from_browser.take() {
            self.browser_cookies = crate::net::browser_cookies::read_browser_cookies(&spec)?;
        }
        Ok(())
    }
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            proxies: Vec::new(),
            proxy_rotation: true,
            connect_to: Vec::new(),
            ca_certs: Vec::new(),
            insecure: false,
            cookies_file: None,
            user_agent: None,
            user_agent_rotation: None,
            headers: Vec::new(),
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            pace: PaceConfig::default(),
            cookies: Vec::new(),
            cookies_from_browser: None,
            browser_cookies: Vec::new(),
        }
    }
}

/// The `Content-Encoding` of a media answer, when it is not the identity tikdl asked for: such
/// bytes are not the file (their size and ranges are the encoding's), so they are refused.
pub fn unrequested_encoding(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::CONTENT_ENCODING)?;
    let v = String::from_utf8_lossy(v.as_bytes())
        .trim()
        .to_ascii_lowercase();
    (!v.is_empty() && v != "identity")
        .then(|| crate::terminal::clip(&v.escape_debug().to_string(), 40).into_owned())
}

/// The whole-answer deadline of one page/API request: twice the idle `--timeout`, so a server
/// that trickles a page slowly fails with "timed out" instead of holding a slot forever.
pub fn page_deadline(timeout: Duration) -> Duration {
    timeout.saturating_mul(2)
}

/// A client that cannot be set up (a certificate or cookies file, the environment's proxy).
fn setup(msg: String) -> Error {
    Error::Setup(msg)
}
