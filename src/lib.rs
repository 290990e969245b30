//! tikdl: a fast, reliable TikTok downloader.
//!
//! The library does the work; the `tikdl` binary is a thin command line over it. A request flows
//! one way: URL -> [`PostRef`] -> the fetch stage (short links, cache, page, challenge) ->
//! [`VideoInfo`] -> format choice -> files on disk -> [`DownloadResult`]; many inputs go through
//! one concurrent loop that reports an [`Outcome`] per post.
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
//!
//! # What is public
//!
//! [`TikTokHandler`] is the one entry: metadata, one download, and the batch loop
//! ([`TikTokHandler::run_batch`], [`TikTokHandler::download_urls`]) all go through it. Beside it,
//! the modules whose types its methods take and give are public, because a caller builds or
//! reads those values:
//!
//! * [`model`]: what a post is ([`VideoInfo`], [`model::PostId`], formats, images, music);
//! * [`error`]: [`Error`], its kinds, codes and hints;
//! * [`batch`]: the batch loop's contract ([`BatchOptions`], [`BatchMode`], [`ArchiveState`],
//!   [`Outcome`], [`batch::Summary`], [`FailedFile`]);
//! * [`config`]: the config file and how it layers with flags ([`config::Settings`]);
//! * [`template`], [`select`], [`shard`]: values inside the options (output template, quality
//!   and codec, `--shard`);
//! * [`stats`]: the counters [`TikTokHandler::stats`] reports;
//! * [`terminal`]: neutralising TikTok's text before a terminal shows it (every program that
//!   prints titles or nicknames needs it).
//!
//! The stages under the facade are internal. Those that the `tikdl` binary, the integration
//! tests, the benches or the fuzz targets still reach directly, or whose types sit in a public
//! value (as [`HttpConfig`]'s pace and retry settings do), are `#[doc(hidden)]`: no API promise,
//! and the types a caller needs from them are re-exported here. The others are private to the
//! crate.

#![warn(missing_docs)]

pub mod batch;
pub mod config;
pub mod error;
pub mod model;
pub mod terminal;

#[doc(hidden)]
pub mod disk;
#[doc(hidden)]
pub mod fetch;
#[doc(hidden)]
pub mod json;
#[doc(hidden)]
pub mod net;
#[doc(hidden)]
pub mod save;
/// A stop asked for from outside (signals): downloads and batches end cleanly.
pub mod stop;
#[doc(hidden)]
pub mod url;

pub(crate) mod hosts;

pub use batch::shard;
pub use net::stats;
pub use save::{select, template};

pub use batch::{
    ArchiveState, BatchMode, BatchOptions, FailedFile, Outcome, StopReason, count_urls,
};
pub use error::{Error, ErrorKind, LocalReason};
pub use fetch::cache::{Cache, CacheConfig, CacheStats};
pub use fetch::lists::{ListEvent, ListOptions, ListStream};
pub use fetch::live::{LiveRoom, LiveStream};
pub use fetch::posts::Expansion;
pub use model::{Format, Image, Music, PostKind, Subtitle, Thumbnail, VideoInfo};
pub use net::http::HttpConfig;
pub use net::retry::RetryPolicy;
pub use save::download::{LowSpeed, ProgressFn};
pub use save::record::{RecordOptions, Recording, StopCause};
pub use save::{
    DownloadOptions, DownloadResult, FileLabel, FileRole, Progress, ProgressFactory, SavedFile,
    SidecarFailure, Status as DownloadStatus,
};
pub use stats::PerformanceStats;
pub use url::PostRef;

use fetch::posts::Posts;
use std::ops::ControlFlow;

/// Everything a [`TikTokHandler`] needs to know.
#[derive(Debug, Clone)]
pub struct Config {
    /// The HTTP client: proxies, TLS, identities, cookies, timeouts, retries, pace.
    pub http: HttpConfig,
    /// How many posts are worked on at once (`max_concurrent_operations` in the config file).
    pub max_concurrent_operations: usize,
    /// The metadata cache; `None` turns it off (`enable_caching = false`).
    pub cache: Option<CacheConfig>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            http: HttpConfig::default(),
            max_concurrent_operations: usize::from(DEFAULT_JOBS),
            cache: CacheConfig::default_dir().map(|dir| CacheConfig {
                dir,
                ttl: fetch::cache::DEFAULT_TTL,
                max_entries: fetch::cache::DEFAULT_MAX_ENTRIES,
            }),
        }
    }
}

/// What this handler can do.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Capabilities {
    /// Always `tiktok`.
    pub platform: &'static str,
    /// The kinds of post it saves (`video`, `slideshow`, `audio`).
    pub post_kinds: Vec<&'static str>,
    /// The kinds of URL it understands.
    pub url_kinds: Vec<&'static str>,
    /// Whether videos come without TikTok's watermark where TikTok offers such a rendition.
    pub watermark_free: bool,
    /// Whether subtitles can be saved.
    pub subtitles: bool,
    /// Posts worked on at once.
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

    /// Requests, cache use, retries, bytes and pace so far.
    pub fn stats(&self) -> PerformanceStats {
        self.posts.stats()
    }

    /// The configuration it was built with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// What this handler can do.
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
                "profile tab (posts, reposts, stories, likes, saved)",
                "avatar",
                "playlist",
                "profile by secUid (tiktokuser:)",
                "live",
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
    /// post: [`Self::expand`] turns it into its posts (no network).
    pub fn may_be_list(&self, url: &str) -> bool {
        Posts::is_list(url)
    }

    /// What `input` stands for, without waiting for a list: one post or short link as parsed
    /// (nothing fetched yet), or a list's posts as its pages come (each with its metadata).
    pub fn expand(&self, input: &str, list: &ListOptions) -> Result<Expansion, Error> {
        self.posts.expand_stream(input, list)
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

    /// Parses `input` and follows short links to what they lead to: a post, a list or a LIVE
    /// room (its [`PostRef::canonical_url`] is then the URL to work on).
    pub async fn resolve(&self, input: &str) -> Result<PostRef, Error> {
        let post = Posts::parse(input)?;
        self.posts.resolve(post, input.trim()).await
    }

    /// Works through a URL list read from `input` (one URL per line; blank lines and `#`
    /// comments skipped): lists expanded into their posts, `opts.jobs` posts in flight, each
    /// [`Outcome`] handed to `sink` as its post finishes. A [`ControlFlow::Break`] from `sink`
    /// (its output cannot be delivered) stops the run: no new post starts. Failed lines, and
    /// after a stop the lines not attempted, go to `failed_file`, which the caller commits, or
    /// abandons when [`batch::Summary::read_error`] says the list was not read to its end.
    /// Call [`BatchOptions::prepare_output`] first unless only metadata is printed.
    pub async fn run_batch<R>(
        &self,
        input: R,
        opts: &BatchOptions,
        failed_file: Option<&mut FailedFile>,
        progress: Option<ProgressFactory>,
        sink: impl FnMut(&Outcome) -> ControlFlow<StopReason>,
    ) -> batch::Summary
    where
        R: tokio::io::AsyncBufRead + Unpin,
    {
        batch::run(&self.posts, input, opts, failed_file, progress, sink).await
    }

    /// Works through the URLs of a command line as [`Self::run_batch`] works through a list's
    /// lines (each argument is a URL: no blank-line or comment rule, no `--failed-file`).
    pub async fn download_urls(
        &self,
        urls: Vec<String>,
        opts: &BatchOptions,
        progress: Option<ProgressFactory>,
        sink: impl FnMut(&Outcome) -> ControlFlow<StopReason>,
    ) -> batch::Summary {
        batch::run_urls(&self.posts, urls, opts, progress, sink).await
    }

    /// `download -a FILE URL...`: the list's lines (as [`Self::run_batch`] reads them), then the
    /// URLs, through the one loop, with the same `--failed-file` and archive rules.
    pub async fn download_inputs<R>(
        &self,
        list: Option<R>,
        urls: Vec<String>,
        opts: &BatchOptions,
        failed_file: Option<&mut FailedFile>,
        progress: Option<ProgressFactory>,
        sink: impl FnMut(&Outcome) -> ControlFlow<StopReason>,
    ) -> batch::Summary
    where
        R: tokio::io::AsyncBufRead + Unpin,
    {
        batch::run_inputs(&self.posts, list, urls, opts, failed_file, progress, sink).await
    }

    /// Downloads one post into `output_dir`: the chosen format, or a
    /// slideshow's images and audio, plus the sidecars `options` asks for. `progress` receives
    /// (bytes on disk, total if known) for each file as it grows.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), tikdl::Error> {
    /// use tikdl::DownloadOptions;
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
        progress: Option<ProgressFn>,
    ) -> save::DownloadResult {
        let factory: Option<save::ProgressFactory> = progress
            .map(|p| std::sync::Arc::new(move |_: &str| Some(p.clone())) as save::ProgressFactory);
        save::download_post(
            &self.posts,
            url,
            None,
            output_dir,
            options,
            1,
            factory,
            None,
        )
        .await
    }
    /// Whether `url` is a short link (`vm.tiktok.com/CODE`, `vt.tiktok.com/CODE`,
    /// `www.tiktok.com/t/CODE`; no network): what it stands for, a post, a list or a LIVE room,
    /// is known once [`Self::resolve`] has followed it.
    pub fn is_short_link(&self, url: &str) -> bool {
        url::parse(url.trim()).is_ok_and(|r| matches!(r, PostRef::ShortLink { .. }))
    }

    /// Whether `url` is a LIVE room URL (`/@user/live`, `/share/live/ID`; no network).
    pub fn is_live_url(&self, url: &str) -> bool {
        url::parse(url.trim()).is_ok_and(|r| matches!(r, PostRef::Live { .. }))
    }

    /// The LIVE room of `url`, live now; a room that is not live is
    /// [`error::ContentReason::NotLive`].
    pub async fn live_room(&self, url: &str) -> Result<LiveRoom, Error> {
        let (user, room) = live_target(url)?;
        fetch::live::lookup(self.posts.http(), user.as_deref(), room.as_ref()).await
    }

    /// Records the LIVE room of `url` under `output_dir` until it ends, a limit of `options`,
    /// or `stop` turns true (Ctrl-C); with `wait_for_live`, first waits for it to go live.
    /// `Ok(None)`: stopped while waiting, nothing recorded.
    pub async fn record_live(
        &self,
        url: &str,
        output_dir: &std::path::Path,
        options: &RecordOptions,
        mut stop: save::record::Stop,
    ) -> Result<Option<Recording>, Error> {
        let (user, room) = live_target(url)?;
        let http = self.posts.http();
        let wait = options.wait_for_live;
        let found =
            save::record::find_room(http, user.as_deref(), room.as_ref(), wait, &mut stop).await?;
        let Some(room) = found else {
            return Ok(None);
        };
        save::record::record(http, room, output_dir, options, stop)
            .await
            .map(Some)
    }
}

/// The account or room a LIVE URL names.
fn live_target(url: &str) -> Result<(Option<String>, Option<model::PostId>), Error> {
    let post = Posts::parse(url)?;
    fetch::live::live_target(&post).ok_or_else(|| {
        Error::content(
            error::ContentReason::Unsupported(format!(
                "{} is not a LIVE URL",
                post.canonical_url()
            )),
            error::Operation::ParseUrl,
            url.trim(),
        )
    })
}

/// Posts worked on at once when neither `--jobs` nor `max_concurrent_operations` says.
pub const DEFAULT_JOBS: u16 = 5;
