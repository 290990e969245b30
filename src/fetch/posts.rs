//! The fetch stage: an input URL -> the post(s) it stands for, with their metadata. Resolves
//! short links, reads and fills the metadata cache, fetches post pages (solving TikTok's bot
//! challenge, recovering from empty pages) and expands lists ([`crate::fetch::lists`]) into their posts.
//! `save` and `batch` work on top of it; `TikTokHandler` (lib.rs) is the facade.

use std::sync::Arc;

use futures_util::StreamExt;

use crate::error::{ConnectionReason, ContentReason, Error, Operation, PlatformReason};
use crate::fetch::cache::{Cache, CacheConfig};
use crate::fetch::challenge;
use crate::fetch::extract::{self, PageOutcome};
use crate::fetch::lists::{self, ListEvent, ListOptions, ListStream};
use crate::model::{PostId, VideoInfo};
use crate::net::http::{HttpClient, HttpConfig, UserAgent};
use crate::net::{redacted, stats};
use crate::terminal;
use crate::url::{self, PostRef};

/// Highest answer the WAF challenge asks for (docs/tiktok-protocol.md, "The WAF challenge").
const CHALLENGE_MAX: u64 = 1_000_000;
/// Short links may chain (vm -> vm -> www); more hops than this is a loop.
const MAX_SHORT_LINK_HOPS: usize = 5;

/// What one input stands for (see [`crate::TikTokHandler::expand`]).
pub enum Expansion {
    /// One post or short link, parsed (nothing fetched yet): `url` is the input as given.
    One {
        /// The input as given.
        url: String,
        /// What it parsed to: [`PostRef::Post`] or [`PostRef::ShortLink`].
        post: PostRef,
    },
    /// A list's posts, as its pages come.
    List(ListStream),
}

/// `events`, saying at its end how many posts the list gave, and warning when it gave none
/// (unless it stopped early or failed: the failure says why already): that TikTok listed none,
/// or that `-I` / the date filters picked none of the `listed` posts it did list.
fn counted(
    line: String,
    events: ListStream,
    listed: lists::ListedCount,
    opts: &ListOptions,
) -> ListStream {
    let picks = picks_named(opts);
    let state = (events, line, 0usize, false);
    futures_util::stream::unfold(state, move |(mut events, line, n, quiet)| {
        let (listed, picks) = (listed.clone(), picks.clone());
        async move {
            match events.next().await {
                Some(event) => {
                    let n = n + usize::from(matches!(event, Ok(ListEvent::Post(_))));
                    let quiet = quiet || matches!(event, Ok(ListEvent::Stopped(_)) | Err(_));
                    Some((event, (events, line, n, quiet)))
                }
                None => {
                    tracing::info!("{line}: {n} posts");
                    let line = crate::terminal::safe(&line);
                    match (n == 0 && !quiet, listed.get(), picks) {
                        (false, ..) => {}
                        // Said at the default level: an empty list is usually a mistyped name.
                        (true, 0, _) => tracing::warn!(
                            "{line}: TikTok lists no posts here (check the name or id)"
                        ),
                        (true, total, Some(picks)) => tracing::warn!(
                            "{line}: {picks} none of the {total} posts read from the list"
                        ),
                        (true, ..) => {}
                    }
                    None
                }
            }
        }
    })
    .boxed()
}

/// What of `opts` picks posts from a list, as the subject of "... keeps none of the N posts".
fn picks_named(opts: &ListOptions) -> Option<String> {
    let dates = opts.after.is_some() || opts.before.is_some();
    match (&opts.items, dates) {
        (Some(items), false) => Some(format!("-I {} selects", terminal::safe(&items.to_string()))),
        (Some(items), true) => Some(format!(
            "-I {} with --after/--before keeps",
            terminal::safe(&items.to_string())
        )),
        (None, true) => Some("--after/--before keeps".to_owned()),
        (None, false) => None,
    }
}

/// The fetch stage: one per program, shared by all tasks (`Clone` and cheap to clone).
#[derive(Debug, Clone)]
pub(crate) struct Posts {
    http: HttpClient,
    /// Kept to build the phone's client of the empty-page recovery.
    http_config: HttpConfig,
    cache: Option<Arc<Cache>>,
    /// A phone's client for the empty-page recovery, built on first need (see
    /// [`Self::fetch_post_or_recover`]).
    mobile: Arc<std::sync::OnceLock<Option<HttpClient>>>,
    /// The WAF answer travels as cookies in the one shared jar: while one task sends its answer,
    /// no other post page may go out (it would carry, and spend, that answer; two answers would
    /// overwrite each other). Page requests share it; an answered request holds it alone.
    challenge_gate: Arc<tokio::sync::RwLock<()>>,
}

impl Posts {
    /// Builds the HTTP client (proxy, TLS roots, cookies). A cache folder that cannot be created
    /// only turns the cache off (with a warning): it is never worth failing for.
    pub fn new(http_config: &HttpConfig, cache: Option<CacheConfig>) -> Result<Self, Error> {
        // The browser is read once, for this client and the mobile one alike.
        let mut http_config = http_config.clone();
        http_config.read_browser_cookies()?;
        let http_config = &http_config;
        let http = HttpClient::new(http_config)?;
        let cache = cache.and_then(|c| match Cache::open(c) {
            Ok(cache) => Some(Arc::new(cache)),
            Err(e) => {
                tracing::warn!("{e}; continuing without the metadata cache");
                None
            }
        });
        Ok(Self {
            http,
            http_config: http_config.clone(),
            cache,
            mobile: Arc::default(),
            challenge_gate: Arc::default(),
        })
    }

    /// The shared HTTP client (the page's cookies, the pace, the counters), for the stages that
    /// download media or list pages.
    pub(crate) fn http(&self) -> &HttpClient {
        &self.http
    }

    /// Requests, cache use, retries, bytes and pace so far.
    pub fn stats(&self) -> crate::PerformanceStats {
        self.http.stats().snapshot()
    }

    /// Whether `input` names a list of posts (profile, collection, sound, hashtag), no network.
    pub fn is_list(input: &str) -> bool {
        url::parse(input.trim()).is_ok_and(|r| r.is_list())
    }

    /// `input` (trimmed) as a [`PostRef`], or the error that says it is no TikTok URL tikdl
    /// can use.
    pub fn parse(input: &str) -> Result<PostRef, Error> {
        let input = input.trim();
        url::parse(input).map_err(|e| Error::not_tiktok(e, Operation::ParseUrl, input))
    }

    /// What `input` stands for, without waiting for a list: a post or short link as parsed, or
    /// a list's posts as its pages come ([`lists::stream`]). An input that is no TikTok URL is
    /// an error (echoed cut: a 60 KB junk line is not repeated in full).
    pub fn expand_stream(&self, input: &str, list: &ListOptions) -> Result<Expansion, Error> {
        let line = input.trim();
        match url::parse(line) {
            Ok(r) if r.is_list() => Ok(Expansion::List(self.list(line, r, list))),
            Ok(post) => Ok(Expansion::One {
                url: input.to_owned(),
                post,
            }),
            Err(e) => Err(not_a_tiktok_url(&e, line)),
        }
    }

    /// The posts of `list` (parsed from `line`), as its pages come.
    pub fn list(&self, line: &str, list: PostRef, opts: &ListOptions) -> ListStream {
        let listed = lists::ListedCount::default();
        let events = lists::stream_listed(self.http.clone(), list, opts.clone(), listed.clone());
        counted(line.to_owned(), events, listed, opts)
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

    async fn info(&self, input: &str, use_cache: bool) -> Result<VideoInfo, Error> {
        let post = self.resolve(Self::parse(input)?, input.trim()).await?;
        if let PostRef::Live { .. } = &post {
            // A recording runs until the LIVE ends: it has no place among a list's posts.
            return Err(Error::content(
                ContentReason::Unsupported(format!(
                    "{} is a LIVE room, not a post: `tikdl info URL` shows it and `tikdl \
                     download URL` records it; `batch` does not record LIVE rooms",
                    post.canonical_url()
                )),
                Operation::ParseUrl,
                input.trim(),
            ));
        }
        let PostRef::Post { id, .. } = &post else {
            return Err(Error::content(
                ContentReason::Unsupported(format!(
                    "{} is a list of posts, not one post: expand it into its posts first \
                     (`tikdl info`, `download` and `batch` take list URLs and do)",
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
                // An entry holds only the post it is named for (see `requested_item`).
                Ok(entry) if entry.info.id == *id => {
                    stats.cache_hit();
                    tracing::debug!("{id}: metadata from the cache");
                    self.http.restore_cookies(&entry.page_url, &entry.cookies);
                    stats.post_done(id);
                    // Entries written before the audio-only rendition was listed get it now.
                    let mut info = entry.info;
                    info.complete_from_music();
                    return Ok(info);
                }
                Ok(_) => {
                    stats.cache_miss();
                    tracing::debug!("{id}: cache entry for another post; fetching the page");
                }
                Err(miss) => {
                    stats.cache_miss();
                    tracing::debug!("{id}: cache miss ({miss:?})");
                }
            }
        }
        let (info, page_url, cookies) = self.fetch_post_or_recover(&post, id).await?;
        requested_item(&info, id, &page_url)?;
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
        id: &PostId,
    ) -> Result<(VideoInfo, String, Vec<redacted::Secret>), Error> {
        let page_url = post.canonical_url();
        let url = reqwest::Url::parse(&page_url)
            .map_err(|e| Error::not_tiktok(e, Operation::ParseUrl, &page_url))?;
        let mut solved = false;
        let mut answered: Vec<String> = Vec::new();
        // Held from setting this post's answer until it is cleared again (see `challenge_gate`).
        let mut answering: Option<tokio::sync::OwnedRwLockWriteGuard<()>> = None;
        let mut cookies = Vec::new();
        loop {
            let page = match &answering {
                Some(_) => self.http.get_page(&url, Operation::FetchPage).await,
                None => {
                    let _shared = self.challenge_gate.read().await;
                    self.http.get_page(&url, Operation::FetchPage).await
                }
            };
            // The answer is for this one page request: yt-dlp clears the challenge cookies right
            // after it (TikTok's script gives them Max-Age=1), so expire them here too.
            for name in answered.drain(..) {
                self.http.set_cookie(&url, &name, "; Max-Age=0");
            }
            drop(answering.take());
            let page = page?;
            page.check_status(Operation::FetchPage, &page_url, true)?;
            cookies.extend(page.set_cookies);
            match extract::extract_post(&page.body, id, &page_url)? {
                PageOutcome::Info(info) => return Ok((*info, page_url, cookies)),
                PageOutcome::Challenge(_) if solved => {
                    // Reported once, as this post's error. A challenge that survives its answer
                    // is TikTok pushing back: halve the pace, but impose no pause (a
                    // multi-minute cooldown would only make one `info` wait for no gain).
                    self.http.throttled(Some(std::time::Duration::ZERO));
                    let reason = PlatformReason::Challenge(
                        "TikTok answered with its bot challenge again after tikdl solved it once"
                            .into(),
                    );
                    return Err(Error::platform(reason, Operation::FetchPage, &page_url));
                }
                PageOutcome::Challenge(ch) => {
                    // Answering is what TikTok asks for, as a browser does: no slowdown for a
                    // challenge that the answer passes (only one that persists, above).
                    tracing::info!("solving TikTok's bot challenge for {page_url}");
                    let failed = |e: &dyn std::fmt::Display| {
                        let reason = PlatformReason::Challenge(e.to_string());
                        Error::platform(reason, Operation::FetchPage, &page_url)
                    };
                    let cookies =
                        tokio::task::spawn_blocking(move || challenge::solve(&ch, CHALLENGE_MAX))
                            .await
                            .map_err(|e| failed(&e))?
                            .map_err(|e| failed(&e))?;
                    answering = Some(self.challenge_gate.clone().write_owned().await);
                    for (name, value) in cookies {
                        self.http.set_cookie(&url, &name, &value);
                        answered.push(name);
                    }
                    solved = true;
                }
            }
        }
    }

    /// Follows short links to what they lead to, a post, a list or a LIVE room (`input`, the
    /// text `post` was parsed from, names it in errors); any other [`PostRef`] is returned as it
    /// is. The one place a short link is followed: the batch loop and the command line (through
    /// [`crate::TikTokHandler::resolve`]) then treat the input as its target.
    pub async fn resolve(&self, mut post: PostRef, input: &str) -> Result<PostRef, Error> {
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
    ///    set it: docs/tiktok-protocol.md, "The post page"; the shell is a page like any other);
    /// 2. the mobile page `m.tiktok.com/v/{id}.html` with a phone's User-Agent, which TikTok
    ///    answers with the "reflow" page (`webapp.reflow.video.detail`, captures
    ///    `web_video_reflow_mobile_*`): cong99x/downDouiyn's `apiproxy/tiktok/tiktokapi.py`
    ///    (`_try_ssr_fallback`) asks exactly that after a desktop page without data, with an
    ///    iPhone Safari User-Agent, and saved the answer as capture M2 (SOURCES.md row 4);
    /// 3. a plain error (`empty_page`, kind platform) saying how many empty pages came.
    async fn fetch_post_or_recover(
        &self,
        post: &PostRef,
        id: &PostId,
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
        id: &PostId,
    ) -> Result<(VideoInfo, String, Vec<redacted::Secret>), Error> {
        let page_url = format!("https://m.tiktok.com/v/{id}.html");
        let op = Operation::FetchPage;
        let url =
            reqwest::Url::parse(&page_url).map_err(|e| Error::not_tiktok(e, op, &page_url))?;
        let client = self.mobile.get_or_init(|| {
            let cfg = HttpConfig {
                user_agent: Some(UserAgent::builtin(crate::net::http::MOBILE_USER_AGENT)),
                user_agent_rotation: None,
                ..self.http_config.clone()
            };
            HttpClient::new(&cfg)
                .map_err(|e| tracing::warn!("cannot build the mobile client: {e}"))
                .ok()
        });
        let Some(client) = client else {
            return Err(Error::Setup(
                "no mobile client (see the warning above)".into(),
            ));
        };
        self.http.stats().request(stats::RequestKind::Page);
        let page = client.get_page(&url, op).await?;
        page.check_status(op, &page_url, true)?;
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

/// An input line that is no TikTok URL: the error, with the line and the reason cut (a 60 KB
/// junk line is not repeated in full).
pub(crate) fn not_a_tiktok_url(e: &url::UrlError, line: &str) -> Error {
    let line = line.trim();
    Error::not_tiktok(
        terminal::clip(&e.to_string(), 2 * terminal::ECHO_CHARS),
        Operation::ParseUrl,
        &terminal::clip(line, terminal::ECHO_CHARS),
    )
}

/// The page's item must be the post asked for (the URL's id, or the short link's target): a
/// page holding another post's item is an error, before anything is cached, saved or archived.
fn requested_item(info: &VideoInfo, id: &PostId, page_url: &str) -> Result<(), Error> {
    if info.id == *id {
        return Ok(());
    }
    // TikTok did not serve the post asked for: as far as this page goes, it is not there.
    Err(Error::content(
        ContentReason::Removed(Some(format!(
            "its page holds another post, {}, instead of post {id}; nothing was saved, \
             cached or archived",
            terminal::clip(&info.id, terminal::ECHO_CHARS)
        ))),
        Operation::Extract,
        page_url,
    ))
}

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
