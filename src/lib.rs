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
#[doc(hidden)]
pub mod challenge;
pub mod config;
#[doc(hidden)]
pub mod cookies;
pub mod download;
pub mod error;
#[doc(hidden)]
pub mod extract;
pub mod folder;
pub mod hosts;
pub mod http;
pub mod lists;
pub mod model;
pub mod owned_file;
pub mod posts;
pub mod provenance;
pub mod ratelimit;
pub mod redacted;
pub mod retry;
pub mod safe_fs;
pub mod safe_path;
pub mod save;
pub mod select;
pub mod shard;
pub mod stats;
pub mod summary;
pub mod tags;
pub mod template;
pub mod terminal;
#[doc(hidden)]
pub mod url;

pub use batch::{BatchOptions, Outcome};
pub use download::ProgressFn;
pub use error::{Error, ErrorKind, LocalReason};
pub use http::HttpConfig;
pub use lists::ListOptions;
pub use model::{Format, Image, Music, PostKind, Subtitle, Thumbnail, VideoInfo};
pub use posts::{Item, Posts};
pub use retry::RetryPolicy;
pub use save::{DownloadOptions, DownloadResult, ProgressFactory};
pub use stats::PerformanceStats;
pub use url::PostRef;

use cache::CacheConfig;

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
    posts: Posts,
    config: Config,
}

impl TikTokHandler {
    /// Builds the HTTP client (proxy, TLS roots, cookies) from `config`. A cache folder that
    /// cannot be created only turns the cache off (with a warning): it is never worth failing for.
    pub fn new(config: Config) -> Result<Self, Error> {
        let posts = Posts::new(&config.http, config.cache.clone())?;
        Ok(Self { posts, config })
    }

    /// Requests, cache use, retries, bytes and pace so far (the seed's `get_performance_stats`).
    pub fn stats(&self) -> PerformanceStats {
        self.posts.stats()
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The fetch stage under this facade (for [`batch::run`] and list expansion).
    pub fn posts(&self) -> &Posts {
        &self.posts
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

    /// Whether `url` names a list of posts (profile, collection, sound, hashtag) rather than one
    /// post: [`Posts::expand`] turns it into its posts (no network).
    pub fn may_be_list(&self, url: &str) -> bool {
        Posts::is_list(url)
    }

    /// The metadata of one post: from the cache when a fresh entry is there, else fetched and
    /// extracted (and cached). Short links are resolved first.
    pub async fn video_info(&self, input: &str) -> Result<VideoInfo, Error> {
        self.posts.video_info(input).await
    }

    /// Like [`Self::video_info`] but always fetches the page (the cache entry is replaced): for
    /// when cached media URLs or cookies were refused.
    pub async fn video_info_fresh(&self, input: &str) -> Result<VideoInfo, Error> {
        self.posts.video_info_fresh(input).await
    }

    /// Parses `input` and follows short links to the post they name.
    pub async fn resolve(&self, input: &str) -> Result<PostRef, Error> {
        self.posts.resolve(input).await
    }

    /// Downloads one post into `output_dir`: the chosen format, or a
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
    /// println!("{}: {} bytes in {:.1}s", result.status.as_str(), result.filesize, result.seconds);
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
        save::download_post(&self.posts, url, None, output_dir, options, 1, factory).await
    }
}

/// Posts worked on at once when neither `--jobs` nor `max_concurrent_operations` says (the seed's
/// default).
pub const DEFAULT_JOBS: u16 = 5;
