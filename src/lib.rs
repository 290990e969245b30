//! tikdl: a fast, reliable TikTok downloader.
//!
//! The library does the work; the `tikdl` binary is a thin command line over it. Data flows one
//! way: URL -> [`url::PostRef`] -> page fetch ([`http`]) -> [`extract`] -> [`model::VideoInfo`].
//!
//! ```no_run
//! use tikdl::{Config, TikTokHandler};
//!
//! # async fn demo() -> Result<(), tikdl::Error> {
//! let handler = TikTokHandler::new(Config::default())?;
//! assert!(handler.is_valid_url("https://www.tiktok.com/@user/video/7608826249200356630"));
//! let info = handler.video_info("https://vm.tiktok.com/ZMabc123/").await?;
//! println!("{} by {:?}: {} formats", info.title, info.uploader, info.formats.len());
//! # Ok(())
//! # }
//! ```

pub mod archive;
pub mod batch;
pub mod break_existing;
pub mod cache;
pub mod challenge;
pub mod config;
pub mod cookies;
pub mod download;
pub mod error;
pub mod extract;
pub mod hosts;
pub mod http;
pub mod lists;
pub mod model;
pub mod ratelimit;
pub mod redacted;
pub mod retry;
pub mod safe_path;
pub mod save;
pub mod select;
pub mod shard;
pub mod stats;
pub mod summary;
pub mod tags;
pub mod template;
pub mod terminal;
pub mod url;

pub use error::{Error, ErrorKind, LocalReason};
pub use http::HttpConfig;
pub use model::{Format, Image, Music, PostKind, Subtitle, Thumbnail, VideoInfo};
pub use retry::RetryPolicy;
pub use stats::PerformanceStats;

use std::sync::Arc;

use cache::{Cache, CacheConfig};

use error::{ConnectionReason, ContentReason, Operation, PlatformReason};
use extract::PageOutcome;
use http::HttpClient;
use url::PostRef;

/// Highest answer the WAF challenge asks for (tiktok-web.md).
const CHALLENGE_MAX: u64 = 1_000_000;
/// Short links may chain (vm -> vm -> www); more hops than this is a loop.
const MAX_SHORT_LINK_HOPS: usize = 5;

/// Everything a [`TikTokHandler`] needs to know.
#[derive(Debug, Clone)]
pub struct Config {
    pub http: HttpConfig,
    /// How many posts are worked on at once (the seed's `max_concurrent_operations`).
    pub max_concurrent_operations: usize,
    /// The metadata cache; `None` turns it off (the seed's `enable_caching`).
    pub cache: Option<CacheConfig>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            http: HttpConfig::default(),
            max_concurrent_operations: usize::from(DEFAULT_JOBS),
            cache: CacheConfig::default_dir().map(|dir| CacheConfig {
                dir,
                ttl: cache::DEFAULT_TTL,
                max_entries: cache::DEFAULT_MAX_ENTRIES,
            }),
        }
    }
}

/// What this handler can do (the seed's `capabilities()`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Capabilities {
    pub platform: &'static str,
    pub post_kinds: Vec<&'static str>,
    pub url_kinds: Vec<&'static str>,
    pub watermark_free: bool,
    pub subtitles: bool,
    pub max_concurrent_operations: usize,
}

/// The entry point: one per program, shared by all tasks (it is `Clone` and cheap to clone).
#[derive(Debug, Clone)]
pub struct TikTokHandler {
    http: HttpClient,
    config: Config,
    cache: Option<Arc<Cache>>,
    /// A phone's client for the empty-page recovery, built on first need (see
    /// [`Self::fetch_post_or_recover`]).
    mobile: Arc<std::sync::OnceLock<Option<HttpClient>>>,
}

impl TikTokHandler {
    /// Builds the HTTP client (proxy, TLS roots, cookies) from `config`. A cache folder that
    /// cannot be created only turns the cache off (with a warning): it is never worth failing for.
    pub fn new(config: Config) -> Result<Self, Error> {
        let http = HttpClient::new(&config.http)?;
        let cache = config.cache.clone().and_then(|c| match Cache::open(c) {
            Ok(cache) => Some(Arc::new(cache)),
            Err(e) => {
                tracing::warn!("{e}; continuing without the metadata cache");
                None
            }
        });
        Ok(Self {
            http,
            config,
            cache,
            mobile: Arc::default(),
        })
    }

    /// Requests, cache use, retries, bytes and pace so far (the seed's `get_performance_stats`).
    pub fn stats(&self) -> PerformanceStats {
        self.http.stats().snapshot()
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The shared HTTP client, for downloads that must reuse the page's cookies.
    pub fn http(&self) -> &HttpClient {
        &self.http
    }

    pub fn capabilities(&self) -> Capabilities {
        Capabilities {
            platform: "tiktok",
            post_kinds: vec!["video", "slideshow", "audio"],
            url_kinds: vec![
                "video",
                "photo",
                "short link (vm/vt//t/)",
                "share",
                "embed",
                "profile",
                "collection",
                "music",
                "tag",
            ],
            watermark_free: true,
            subtitles: true,
            max_concurrent_operations: self.config.max_concurrent_operations,
        }
    }

    /// Whether `url` is a TikTok URL this handler understands (no network).
    pub fn is_valid_url(&self, url: &str) -> bool {
        url::parse(url).is_ok()
    }

    /// The metadata of one post: from the cache when a fresh entry is there, else fetched and
    /// extracted (and cached). Short links are resolved first.
    pub async fn video_info(&self, input: &str) -> Result<VideoInfo, Error> {
        self.http.post_scope(self.info(input, true)).await
    }

    /// Like [`Self::video_info`] but always fetches the page (the cache entry is replaced): for
    /// when cached media URLs or cookies were refused.
    pub async fn video_info_fresh(&self, input: &str) -> Result<VideoInfo, Error> {
        self.http.post_scope(self.info(input, false)).await
    }

    /// Downloads one post into `output_dir` (the seed's `download`): the chosen format, or a
    /// slideshow's images and audio, plus the sidecars `options` asks for. `progress` receives
    /// (bytes on disk, total if known) for each file as it grows.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), tikdl::Error> {
    /// use tikdl::save::DownloadOptions;
    /// let handler = tikdl::TikTokHandler::new(tikdl::Config::default())?;
    /// let result = handler
    ///     .download("https://vm.tiktok.com/ZMabc123/", std::path::Path::new("out"), &DownloadOptions::default(), None)
    ///     .await;
    /// println!("{}: {} bytes in {:.1}s", result.status(), result.filesize, result.seconds);
    /// # Ok(()) }
    /// ```
    pub async fn download(
        &self,
        url: &str,
        output_dir: &std::path::Path,
        options: &save::DownloadOptions,
        progress: Option<download::ProgressFn>,
    ) -> save::DownloadResult {
        let factory: Option<save::ProgressFactory> = progress
            .map(|p| std::sync::Arc::new(move |_: &str| Some(p.clone())) as save::ProgressFactory);
        save::download(self, url, output_dir, options, 1, factory).await
    }

    async fn info(&self, input: &str, use_cache: bool) -> Result<VideoInfo, Error> {
        let post = self.resolve(input).await?;
        let PostRef::Post { id, .. } = &post else {
            return Err(Error::content(
                ContentReason::Unsupported(format!(
                    "{} is a list of posts, not a post; `tikdl batch` expands lists",
                    post.canonical_url()
                )),
                Operation::ParseUrl,
                input.trim(),
            ));
        };
        let stats = self.http.stats();
        // Small synchronous file reads: cheaper than a hop to the blocking pool.
        if use_cache && let Some(cache) = &self.cache {
            match cache.get(id) {
                Ok(entry) => {
                    stats.cache_hit();
                    tracing::debug!("{id}: metadata from the cache");
                    self.http.restore_cookies(&entry.page_url, &entry.cookies);
                    stats.post_done(id);
                    // Entries written before the audio-only rendition was listed get it now.
                    let mut info = entry.info;
                    info.complete_from_music();
                    return Ok(info);
                }
                Err(miss) => {
                    stats.cache_miss();
                    tracing::debug!("{id}: cache miss ({miss:?})");
                }
            }
        }
        let (info, page_url, cookies) = self.fetch_post_or_recover(&post, id).await?;
        // Empty pages end in an error above and are never cached; a recovered post is cached
        // with the page (desktop or mobile) and the cookies that gave it.
        if let Some(cache) = &self.cache
            && let Err(e) = cache.put(&info, &page_url, &cookies)
        {
            tracing::warn!("{e}");
        }
        stats.post_done(&info.id);
        Ok(info)
    }

    /// Fetches a post's page (solving a challenge if asked): the metadata, the page URL and the
    /// cookies the page set.
    async fn fetch_post(
        &self,
        post: &PostRef,
        id: &str,
    ) -> Result<(VideoInfo, String, Vec<redacted::Secret>), Error> {
        let page_url = post.canonical_url();
        let url = reqwest::Url::parse(&page_url)
            .map_err(|e| Error::not_tiktok(e, Operation::ParseUrl, &page_url))?;
        let mut solved = false;
        let mut answered: Vec<String> = Vec::new();
        let mut cookies = Vec::new();
        loop {
            let page = self.http.get_page(&url, Operation::FetchPage).await;
            // The answer is for this one page request: yt-dlp clears the challenge cookies right
            // after it (TikTok's script gives them Max-Age=1), so expire them here too.
            for name in answered.drain(..) {
                self.http.set_cookie(&url, &name, "; Max-Age=0");
            }
            let page = page?;
            cookies.extend(page.set_cookies);
            match page.status {
                200..=299 => {}
                404 | 410 => {
                    let reason = ContentReason::Removed(Some(format!("HTTP {}", page.status)));
                    return Err(Error::content(reason, Operation::FetchPage, &page_url));
                }
                403 => {
                    return Err(Error::connection(
                        ConnectionReason::Blocked,
                        Operation::FetchPage,
                        &page_url,
                    ));
                }
                s => {
                    return Err(Error::connection(
                        ConnectionReason::Status(s),
                        Operation::FetchPage,
                        &page_url,
                    ));
                }
            }
            match extract::extract_post(&page.body, id, &page_url)? {
                PageOutcome::Info(info) => return Ok((*info, page_url, cookies)),
                PageOutcome::Challenge(_) if solved => {
                    // Reported once, as this post's error. No pacer cooldown here: the first
                    // challenge already halved the pace, and a multi-minute pause would only make
                    // the rest of a run (or nothing, for one `info`) wait for no gain.
                    let reason = PlatformReason::Challenge(
                        "TikTok answered with its bot challenge again after tikdl solved it once"
                            .into(),
                    );
                    return Err(Error::platform(reason, Operation::FetchPage, &page_url));
                }
                PageOutcome::Challenge(ch) => {
                    // A challenge is TikTok saying "slow down": halve the pace. No pause, since
                    // solving it is the answer TikTok asks for; a challenge that persists fails
                    // below and is a real block.
                    self.http.throttled(Some(std::time::Duration::ZERO));
                    tracing::info!("solving TikTok's bot challenge for {page_url}");
                    let cookies =
                        tokio::task::spawn_blocking(move || challenge::solve(&ch, CHALLENGE_MAX))
                            .await
                            .map_err(|e| {
                                Error::platform(
                                    PlatformReason::Challenge(e.to_string()),
                                    Operation::FetchPage,
                                    &page_url,
                                )
                            })?
                            .map_err(|e| {
                                Error::platform(
                                    PlatformReason::Challenge(e.to_string()),
                                    Operation::FetchPage,
                                    &page_url,
                                )
                            })?;
                    for (name, value) in cookies {
                        self.http.set_cookie(&url, &name, &value);
                        answered.push(name);
                    }
                    solved = true;
                }
            }
        }
    }

    /// Parses `input` and follows short links to the post they name.
    pub async fn resolve(&self, input: &str) -> Result<PostRef, Error> {
        let input = input.trim();
        let mut post =
            url::parse(input).map_err(|e| Error::not_tiktok(e, Operation::ParseUrl, input))?;
        let mut hops = 0;
        while let PostRef::ShortLink { url } = &post {
            if hops == MAX_SHORT_LINK_HOPS {
                let reason = ConnectionReason::Redirect(format!(
                    "more than {MAX_SHORT_LINK_HOPS} hops (a loop?)"
                ));
                return Err(Error::connection(
                    reason,
                    Operation::ResolveShortLink,
                    input,
                ));
            }
            hops += 1;
            let next = match self
                .http
                .redirect_location(url, Operation::ResolveShortLink)
                .await?
            {
                Ok(next) => next,
                Err(status) => {
                    let reason =
                        ContentReason::Removed(Some(format!("short link answered HTTP {status}")));
                    return Err(Error::content(reason, Operation::ResolveShortLink, input));
                }
            };
            tracing::debug!("short link {url} -> {next}");
            post = url::parse(next.as_str()).map_err(|e| {
                if next.path().trim_matches('/').is_empty() {
                    // TikTok sends unknown or expired codes to its home page.
                    let reason = ContentReason::Removed(Some(format!(
                        "the short link leads to TikTok's home page {next}"
                    )));
                    return Error::content(reason, Operation::ResolveShortLink, input);
                }
                // A URL-shape problem, not a removed post: say what the link pointed to.
                let reason = ConnectionReason::Redirect(format!(
                    "the short link leads to {next}, which is not a TikTok URL tikdl can use: {e}"
                ));
                Error::connection(reason, Operation::ResolveShortLink, input)
            })?;
        }
        Ok(post)
    }

    /// The post page, recovering when TikTok answers 200 with an empty web-app shell (no
    /// `__UNIVERSAL_DATA_FOR_REHYDRATION__`, SIGI_STATE or `__NEXT_DATA__`: capture
    /// `web_empty_shell_no_rehydration_2026-06.html`). That is yt-dlp's most reported TikTok
    /// failure, "Unable to extract universal data for rehydration" (yt-dlp issues #17332 and
    /// #17393: intermittent, "fail multiple times, but then suddenly work"); yt-dlp 2026.10.26
    /// gives up at once unless the page was a challenge. tikdl tries, logging each step at `-v`:
    /// 1. the same page again, once, when the jar now holds a `tt_chain_token` (TikTok's pages
    ///    set it: tiktok-web.md; the shell is a page like any other);
    /// 2. the mobile page `m.tiktok.com/v/{id}.html` with a phone's User-Agent, which TikTok
    ///    answers with the "reflow" page (`webapp.reflow.video.detail`, captures
    ///    `web_video_reflow_mobile_*`): cong99x/downDouiyn's `apiproxy/tiktok/tiktokapi.py`
    ///    (`_try_ssr_fallback`) asks exactly that after a desktop page without data, with an
    ///    iPhone Safari User-Agent, and saved the answer as capture M2 (SOURCES.md row 4);
    /// 3. a plain error (`empty_page`, kind platform) saying how many empty pages came.
    async fn fetch_post_or_recover(
        &self,
        post: &PostRef,
        id: &str,
    ) -> Result<(VideoInfo, String, Vec<redacted::Secret>), Error> {
        let mut last = match self.fetch_post(post, id).await {
            Err(e) if is_empty_page(&e) => e,
            other => return other,
        };
        let page_url = post.canonical_url();
        let mut desktop = 1;
        let jar_names = reqwest::Url::parse(&page_url)
            .map(|u| self.http.cookie_names(&u))
            .unwrap_or_default();
        if jar_names.iter().any(|n| n == "tt_chain_token") {
            tracing::info!(
                "{id}: TikTok served an empty page (no post data); asking again with the \
                 cookies it set ({})",
                jar_names.join(", ")
            );
            match self.fetch_post(post, id).await {
                Err(e) if is_empty_page(&e) => {
                    desktop += 1;
                    last = e;
                }
                other => return other,
            }
        } else {
            tracing::info!(
                "{id}: TikTok served an empty page and set no tt_chain_token cookie; not asking \
                 again with cookies"
            );
        }
        tracing::info!(
            "{id}: the desktop page was empty {desktop} time(s); asking for the mobile page \
             with a phone's User-Agent"
        );
        let mut mobile = 0;
        match self.fetch_mobile_post(id).await {
            Ok(found) => {
                tracing::info!("{id}: the mobile page had the post");
                return Ok(found);
            }
            Err(e) if is_empty_page(&e) => {
                mobile += 1;
                last = e;
            }
            // TikTok's own verdict (removed, private...) is the answer.
            Err(e @ Error::Content { .. }) => return Err(e),
            Err(e) => tracing::info!("{id}: the mobile page failed too: {e}"),
        }
        tracing::info!("{id}: giving up after {} empty pages", desktop + mobile);
        Err(empty_page_error(desktop, mobile, &last, &page_url))
    }

    /// Step 2 of the recovery: the mobile page, through a client that announces a phone. The
    /// cookies it sets go into the shared jar too: the media URLs it lists want them.
    async fn fetch_mobile_post(
        &self,
        id: &str,
    ) -> Result<(VideoInfo, String, Vec<redacted::Secret>), Error> {
        let page_url = format!("https://m.tiktok.com/v/{id}.html");
        let op = Operation::FetchPage;
        let url =
            reqwest::Url::parse(&page_url).map_err(|e| Error::not_tiktok(e, op, &page_url))?;
        let client = self.mobile.get_or_init(|| {
            let cfg = HttpConfig {
                user_agent: Some(MOBILE_USER_AGENT.to_owned()),
                user_agent_rotation: None,
                ..self.config.http.clone()
            };
            HttpClient::new(&cfg)
                .map_err(|e| tracing::warn!("cannot build the mobile client: {e}"))
                .ok()
        });
        let Some(client) = client else {
            return Err(Error::Config(
                "no mobile client (see the warning above)".into(),
            ));
        };
        self.http.stats().request(stats::RequestKind::Page);
        let page = client.get_page(&url, op).await?;
        match page.status {
            200..=299 => {}
            404 | 410 => {
                let reason = ContentReason::Removed(Some(format!("HTTP {}", page.status)));
                return Err(Error::content(reason, op, &page_url));
            }
            s => {
                return Err(Error::connection(
                    ConnectionReason::Status(s),
                    op,
                    &page_url,
                ));
            }
        }
        match extract::extract_post(&page.body, id, &page_url)? {
            PageOutcome::Info(info) => {
                self.http
                    .restore_cookies(page.url.as_str(), &page.set_cookies);
                Ok((*info, page.url.to_string(), page.set_cookies))
            }
            PageOutcome::Challenge(_) => {
                let reason = PlatformReason::Challenge("the mobile page was a challenge".into());
                Err(Error::platform(reason, op, &page_url))
            }
        }
    }
}

/// A current iPhone Safari: TikTok answers phones with the mobile "reflow" page (see
/// [`TikTokHandler::fetch_post_or_recover`] for the source).
const MOBILE_USER_AGENT: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) \
     AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1";

/// A 200 page without any post data (the empty web-app shell).
fn is_empty_page(e: &Error) -> bool {
    matches!(
        e,
        Error::Platform {
            reason: PlatformReason::NoData { .. },
            ..
        }
    )
}

/// Step 3 of the recovery: what the user reads when every page was empty.
fn empty_page_error(desktop: usize, mobile: usize, last: &Error, url: &str) -> Error {
    let times = |n: usize| match n {
        1 => "once".to_owned(),
        2 => "twice".to_owned(),
        n => format!("{n} times"),
    };
    let mut detail = format!("the desktop page {}", times(desktop));
    if desktop > 1 {
        detail.push_str(" (again with the cookies it set)");
    }
    if mobile > 0 {
        detail.push_str(&format!(", the mobile page {}", times(mobile)));
    }
    if let Error::Platform { reason, .. } = last {
        detail.push_str(&format!("; last: {reason}"));
    }
    Error::Platform {
        reason: PlatformReason::EmptyPage {
            times: desktop + mobile,
            tried: if mobile > 0 {
                "desktop, mobile"
            } else {
                "desktop"
            }
            .to_owned(),
            detail,
        },
        operation: Operation::FetchPage,
        url: url.to_owned(),
        suggestions: vec![
            "TikTok serves empty pages for a while at times: retry later".to_owned(),
            "pass --cookies exported from a browser where the post plays".to_owned(),
            "try another network with --proxy".to_owned(),
        ],
    }
}

/// Posts worked on at once when neither `--jobs` nor `max_concurrent_operations` says (the seed's
/// default).
pub const DEFAULT_JOBS: u16 = 5;
