//! Profiles, collections, sounds (music) and hashtags (tags), and the profile tabs, playlists
//! and avatars of `tabs.rs`: expand a list URL into its posts through TikTok's web list APIs,
//! paginated by the one pager here, with guards against pages that repeat or cursors that do
//! not move.
//!
//! Music and tag lists, and where each name comes from:
//! * the music page `/music/{name}-{id}` holds the scope `webapp.music-detail` with
//!   `musicInfo.music.id`, the tag page `/tag/{name}` the scope `webapp.challenge-detail` with
//!   `challengeInfo.challenge.id` (public scrapers read exactly these paths; davidteather/TikTok-Api
//!   `TikTokApi/api/sound.py` reads `musicInfo.music.id` and `hashtag.py` reads
//!   `challengeInfo.challenge` from `/api/challenge/detail/`). yt-dlp 2026.10.26's `TikTokTagIE`
//!   also finds a tag's id in the page as `snssdk…://challenge/detail/{id}`: used as a fallback.
//! * the posts: `GET /api/music/item_list/?musicID=&cursor=&count=` (TikTok-Api `sound.py`) and
//!   `GET /api/challenge/item_list/?aid=1988&challengeID=&cursor=&count=` (TikTok-Api
//!   `hashtag.py`); both answer `itemList`, `hasMore` and the next `cursor`, like post lists.

use std::collections::HashSet;
use std::sync::Arc;

use futures_util::StreamExt;
use reqwest::Url;

use crate::error::{ContentReason, Error, Operation, PlatformReason};
use crate::fetch::break_existing::{self, Listed};
use crate::fetch::extract;
use crate::fetch::tabs::{self, ListApi, Source};
use crate::model::{PostId, VideoInfo};
use crate::net::http::HttpClient;
use crate::url::PostRef;

/// What to keep from a list.
#[derive(Debug, Clone, Default)]
pub struct ListOptions {
    /// Stop after this many posts.
    pub max: Option<usize>,
    /// Only posts uploaded on or after this date (UTC).
    pub after: Option<Date>,
    /// Only posts uploaded on or before this date (UTC).
    pub before: Option<Date>,
    /// `-I/--playlist-items`: only these positions (see [`crate::fetch::pick`]).
    pub items: Option<crate::fetch::pick::Items>,
    /// `--break-on-existing`: stop paging at the first post (not pinned) this says is done.
    /// Set by the batch loop, list by list, from its download archive.
    pub(crate) break_on: Option<BreakOn>,
    /// `--match-filter` as `--max` sees it: only the posts it passes count toward `--max` (as
    /// yt-dlp's `--max-downloads` counts after its filters). The others are still handed on,
    /// for the caller to skip and say so.
    pub max_counts: Option<MaxCounts>,
}

/// Which posts count toward `--max` (see [`ListOptions::max_counts`]).
#[derive(Clone)]
pub struct MaxCounts(pub Arc<dyn Fn(&VideoInfo) -> bool + Send + Sync>);

impl std::fmt::Debug for MaxCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MaxCounts(..)")
    }
}

/// Whether a post id is already done (the download archive), for `--break-on-existing`.
#[derive(Clone)]
pub(crate) struct BreakOn(pub(crate) Arc<dyn Fn(&PostId) -> bool + Send + Sync>);

impl std::fmt::Debug for BreakOn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BreakOn(..)")
    }
}

/// What a list hands on, page by page (see [`stream`]).
#[derive(Debug)]
pub enum ListEvent {
    /// The next post kept (new, inside the date filters).
    Post(Box<VideoInfo>),
    /// `--break-on-existing` stopped the list at this archived post; nothing follows.
    Stopped(PostId),
    /// A guard ended the list before TikTok said it ended (pages without new posts, a cursor
    /// that does not move, the page bound): its posts were handed on, but it was not seen whole.
    Cut,
}

/// A list's posts as they come: the first page's posts are handed on before the second page
/// is asked for. An error ends it (the posts before it were handed on).
pub type ListStream = futures_util::stream::BoxStream<'static, Result<ListEvent, Error>>;

/// Posts per API page, as TikTok's own web app asks for (yt-dlp's `TikTokUserIE`
/// `_build_web_query` in `yt_dlp/extractor/tiktok.py` asks for `count=15`; TikTok sends up to
/// about 35 whatever is asked).
const PAGE_SIZE: usize = 30;
/// Items kept from one page (the page is parsed only that far, see [`extract::MAX_LIST_ITEMS`]).
const MAX_ITEMS_PER_PAGE: usize = extract::MAX_LIST_ITEMS;
/// Hard stop for any pagination, whatever the API says.
const MAX_PAGES: usize = 1000;
/// Pages in a row that bring no new post (all already seen, or empty while `hasMore` says
/// more) before the list is taken to loop and ends.
const STALE_PAGES: usize = 2;
/// Posts waiting between the pager and the consumer: a slow consumer stops the paging here.
const HANDED_ON: usize = 64;
/// The web app's id, sent with list API calls.
const WEB_AID: &str = "1988";

impl ListOptions {
    /// Whether a post kept counts toward `--max`.
    fn counts(&self, info: &VideoInfo) -> bool {
        self.max_counts.as_ref().is_none_or(|MaxCounts(c)| c(info))
    }

    pub(crate) fn keeps(&self, info: &VideoInfo) -> bool {
        let date = info.upload_date.as_deref().unwrap_or("");
        self.after.as_ref().is_none_or(|a| date >= a.as_str())
            && self.before.as_ref().is_none_or(|b| date <= b.as_str())
    }
}

/// A date filter (`--after`, `--before`): `YYYYMMDD`, eight digits, so that text order is date
/// order (as `upload_date` is written).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(String);

impl Date {
    /// The `YYYYMMDD` text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for Date {
    /// Quotes the value (a date is no secret).
    type Err = String;

    /// yt-dlp's DATE (`YYYYMMDD`, `today-1week`, ...: [`crate::fetch::pick::parse_date`]); a
    /// day the calendar lacks (20251310, 20250231) is refused, never compared as text.
    fn from_str(s: &str) -> Result<Self, String> {
        let day = crate::fetch::pick::parse_date(s)?;
        Ok(Self(format!(
            "{:04}{:02}{:02}",
            day.year(),
            u8::from(day.month()),
            day.day()
        )))
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// How many distinct posts a list gave before `-I`, the date filters and `--max` picked from
/// them: shared between the pager that counts and whoever reports the list's end.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListedCount(Arc<std::sync::atomic::AtomicU64>);

impl ListedCount {
    fn add(&self) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// The posts counted so far.
    pub(crate) fn get(&self) -> u64 {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// The posts of a list (newest first, as TikTok lists them) as they come, page by page, through
/// a bounded hand-over: the pager runs at most `HANDED_ON` posts (plus the page it holds) ahead
/// of the consumer, so memory stays flat however long the list is, and dropping the stream stops
/// the paging. With `ListOptions::break_on`, no page is asked for after the one holding the
/// first done post.
pub fn stream(http: HttpClient, list: PostRef, opts: ListOptions) -> ListStream {
    stream_listed(http, list, opts, ListedCount::default())
}

/// [`stream`], counting into `listed` the posts the list gave before anything was picked.
pub(crate) fn stream_listed(
    http: HttpClient,
    list: PostRef,
    opts: ListOptions,
    listed: ListedCount,
) -> ListStream {
    if let Some(items) = opts.items.clone() {
        // Positions count the list as TikTok lists it: the pager filters nothing then.
        let unfiltered = ListOptions {
            max: items.bound(),
            after: None,
            before: None,
            items: None,
            break_on: opts.break_on.clone(),
            max_counts: None,
        };
        let inner = stream_listed(http.clone(), list.clone(), unfiltered.clone(), listed);
        // Only for a spec whose picks only the list's length settles: the list once more
        // (counted apart, not twice).
        let again = move || stream(http, list, unfiltered);
        return pick_items(inner, again, items, opts);
    }
    let (tx, rx) = tokio::sync::mpsc::channel(HANDED_ON);
    tokio::spawn(async move {
        let out = tx.clone();
        if let Err(e) = page_through(&http, &list, &opts, &tx, &listed).await {
            // A closed channel: the consumer went away, nobody is left to tell.
            let _ = out.send(Err(e)).await;
        }
    });
    futures_util::stream::unfold(rx, |mut rx| async move {
        let event = rx.recv().await?;
        Some((event, rx))
    })
    .boxed()
}

/// Where the list's posts come from: its API URL (without `count` and `cursor`), its name for
/// messages and how to page it (the tabs, playlists and avatar: `tabs.rs`).
async fn list_source(http: &HttpClient, list: &PostRef) -> Result<Source, Error> {
    if let Some(source) = tabs::source(http, list).await? {
        return Ok(source);
    }
    let (label, base) = list_api(http, list).await?;
    Ok(Source::Api(ListApi {
        label,
        base,
        page_size: PAGE_SIZE,
        offset_cursor: false,
        hidden: None,
    }))
}

/// The list's API URL (without `count` and `cursor`) and its name for messages.
async fn list_api(http: &HttpClient, list: &PostRef) -> Result<(String, Url), Error> {
    Ok(match list {
        PostRef::Profile { user } => {
            let page_url = list.canonical_url();
            let url = parse(&page_url)?;
            let page = http.get_page(&url, Operation::FetchPage).await?;
            let sec_uid = extract::profile_sec_uid(&page.body, &page_url)?;
            let mut api = parse("https://www.tiktok.com/api/post/item_list/")?;
            api.query_pairs_mut()
                .append_pair("aid", WEB_AID)
                .append_pair("secUid", &sec_uid);
            (format!("@{user}"), api)
        }
        PostRef::Collection { id, name, .. } => {
            let mut api = parse("https://www.tiktok.com/api/collection/item_list/")?;
            api.query_pairs_mut()
                .append_pair("aid", WEB_AID)
                .append_pair("collectionId", id)
                .append_pair("sourceType", "113");
            (format!("collection {name:?}"), api)
        }
        PostRef::Music { name, id } => {
            let page_url = list.canonical_url();
            let music_id = detail_id(http, &page_url, MUSIC_SCOPE)
                .await?
                .unwrap_or_else(|_| {
                    // The URL ends in the sound's id, which is what yt-dlp's TikTokSoundIE uses.
                    tracing::debug!(
                        "{page_url}: no {} on the page; using the URL's id",
                        MUSIC_SCOPE.0
                    );
                    id.clone()
                });
            let mut api = parse("https://www.tiktok.com/api/music/item_list/")?;
            api.query_pairs_mut()
                .append_pair("aid", WEB_AID)
                .append_pair("musicID", &music_id);
            (format!("sound {name:?}"), api)
        }
        PostRef::Tag { name } => {
            let page_url = list.canonical_url();
            let challenge_id = detail_id(http, &page_url, TAG_SCOPE)
                .await?
                .map_err(|size| no_tag_data(size, &page_url))?;
            let mut api = parse("https://www.tiktok.com/api/challenge/item_list/")?;
            api.query_pairs_mut()
                .append_pair("aid", WEB_AID)
                .append_pair("challengeID", &challenge_id);
            (format!("#{name}"), api)
        }
        other => {
            let reason = ContentReason::Unsupported(format!(
                "{} is not a list tikdl can expand",
                other.canonical_url()
            ));
            return Err(Error::content(
                reason,
                Operation::FetchApi,
                &other.canonical_url(),
            ));
        }
    })
}

/// Pages through a list, handing each kept post on as soon as its page is read. Returns when
/// the list ends, a bound stops it, or the consumer is gone.
async fn page_through(
    http: &HttpClient,
    list: &PostRef,
    opts: &ListOptions,
    tx: &tokio::sync::mpsc::Sender<Result<ListEvent, Error>>,
    listed: &ListedCount,
) -> Result<(), Error> {
    let api = match list_source(http, list).await? {
        Source::Api(api) => api,
        Source::Page { label, json, url } => {
            let mut page = extract::parse_list_page(&json, &url)?;
            // Its items are not posts with pages of their own: the page they came from is
            // what shows them again (and what a --failed-file line must retry).
            for item in &mut page.items {
                item.webpage_url = url.clone();
            }
            let mut pager = Pager {
                label: &label,
                opts,
                tx,
                listed,
                seen: HashSet::new(),
                kept: 0,
                cut_warned: false,
            };
            pager.hand_on(page.items).await;
            return Ok(());
        }
    };
    let ListApi {
        label,
        base: api_base,
        page_size,
        offset_cursor,
        hidden,
    } = api;
    let mut pager = Pager {
        label: &label,
        opts,
        tx,
        listed,
        seen: HashSet::new(),
        kept: 0,
        cut_warned: false,
    };
    let mut stale = 0usize;
    let mut cursor = "0".to_owned();
    for page_no in 1..=MAX_PAGES {
        let mut url = api_base.clone();
        url.query_pairs_mut()
            .append_pair("count", &page_size.to_string())
            .append_pair("cursor", &cursor);
        let page = http.get_page(&url, Operation::FetchApi).await?;
        page.check_status(Operation::FetchApi, url.as_str(), false)?;
        let mut page = extract::parse_list_page(&page.body, url.as_str())?;
        if page_no == 1
            && !page.listed
            && !page.has_more
            && let Some(reason) = &hidden
        {
            // A list its owner hides answers without `itemList` (`tabs.rs`).
            return Err(Error::content(
                reason.clone(),
                Operation::FetchApi,
                &list.canonical_url(),
            ));
        }
        let total = page.items.len();
        if offset_cursor {
            // Reposts page by offset (`tabs.rs`): the answer's own cursor is not used.
            let at: u64 = cursor.parse().unwrap_or(0);
            page.cursor = Some((at + total as u64).to_string());
        }
        pager.cap(&mut page, page_no);
        let stopped_at = pager.break_cut(&mut page);
        let Some(new) = pager.hand_on(std::mem::take(&mut page.items)).await else {
            return Ok(());
        };
        tracing::info!("{label}: page {page_no} gave {total} posts ({new} new)");
        if let Some(id) = stopped_at {
            tracing::info!(
                "{label}: stopped at post {id}, already in the download archive (--break-on-existing)"
            );
            // Nobody left to tell when the consumer is gone.
            let _ = tx.send(Ok(ListEvent::Stopped(id))).await;
            return Ok(());
        }
        if !page.has_more {
            return Ok(());
        }
        stale = if new == 0 { stale + 1 } else { 0 };
        if stale >= STALE_PAGES {
            tracing::warn!(
                "{label}: TikTok returned {stale} pages in a row without a new post; stopping \
                 (pagination loop)"
            );
            let _ = tx.send(Ok(ListEvent::Cut)).await;
            return Ok(());
        }
        match page.cursor {
            Some(next) if next != cursor => cursor = next,
            _ => {
                tracing::warn!("{label}: the list cursor did not move; stopping (pagination loop)");
                let _ = tx.send(Ok(ListEvent::Cut)).await;
                return Ok(());
            }
        }
    }
    tracing::warn!("{label}: stopped after {MAX_PAGES} pages");
    let _ = tx.send(Ok(ListEvent::Cut)).await;
    Ok(())
}

/// One list's paging state: the posts seen and kept so far.
struct Pager<'a> {
    /// The list's name for messages.
    label: &'a str,
    opts: &'a ListOptions,
    tx: &'a tokio::sync::mpsc::Sender<Result<ListEvent, Error>>,
    /// Every new post counted, kept or not.
    listed: &'a ListedCount,
    seen: HashSet<PostId>,
    kept: usize,
    /// Whether an oversized page was warned about (once per list).
    cut_warned: bool,
}

impl Pager<'_> {
    /// Keeps at most [`MAX_ITEMS_PER_PAGE`] of page `page_no`'s posts.
    fn cap(&mut self, page: &mut extract::ListPage, page_no: usize) {
        if page.items.len() <= MAX_ITEMS_PER_PAGE {
            return;
        }
        let msg = format!(
            "{}: page {page_no} lists more than the {MAX_ITEMS_PER_PAGE} posts a list page can \
             hold; keeping the first {MAX_ITEMS_PER_PAGE}",
            self.label
        );
        if self.cut_warned {
            tracing::debug!("{msg}");
        } else {
            tracing::warn!("{msg} (said once per list)");
            self.cut_warned = true;
        }
        page.items.truncate(MAX_ITEMS_PER_PAGE);
    }

    /// With `--break-on-existing`: the page cut before its first archived post (pinned ones
    /// aside), and that post's id.
    fn break_cut(&self, page: &mut extract::ListPage) -> Option<PostId> {
        let BreakOn(archived) = self.opts.break_on.as_ref()?;
        // A set: a hostile page may mark each of its items pinned.
        let pinned: HashSet<&PostId> = page.pinned.iter().collect();
        let listed: Vec<Listed> = page
            .items
            .iter()
            .map(|i| Listed {
                id: &i.id,
                pinned: pinned.contains(&i.id),
            })
            .collect();
        let cut = break_existing::cut_page(&listed, |id| archived(id));
        let stopped_at = cut.stopped_at.cloned();
        page.items.truncate(cut.keep);
        stopped_at
    }

    /// Hands on a page's posts not seen before and within the filters; how many were new, or
    /// `None` when the list is done (the consumer is gone, or `--max` is reached).
    async fn hand_on(&mut self, items: Vec<VideoInfo>) -> Option<usize> {
        let mut new = 0;
        for info in items {
            if !self.seen.insert(info.id.clone()) {
                continue;
            }
            new += 1;
            self.listed.add();
            if self.opts.keeps(&info) {
                let counts = self.opts.counts(&info);
                if self
                    .tx
                    .send(Ok(ListEvent::Post(Box::new(info))))
                    .await
                    .is_err()
                {
                    return None;
                }
                self.kept += usize::from(counts);
                if self.opts.max.is_some_and(|m| self.kept >= m) {
                    return None;
                }
            }
        }
        Some(new)
    }
}

/// A hashtag page without its data (`size` bytes). Most often a hashtag TikTok does not have,
/// or its empty web-app shell (served at times): not a layout change, so the hints say so.
fn no_tag_data(size: usize, page_url: &str) -> Error {
    let mut e = Error::platform(
        PlatformReason::NoData {
            markers: format!(
                "__UNIVERSAL_DATA_FOR_REHYDRATION__ ({}), snssdk://challenge/detail/",
                TAG_SCOPE.0
            ),
            size,
            title: String::new(),
        },
        Operation::Extract,
        page_url,
    );
    if let Error::Platform { suggestions, .. } = &mut e {
        *suggestions = vec![
            "check the hashtag's spelling (open it in a browser)".to_owned(),
            "TikTok serves empty pages at times: retry later, or pass --cookies".to_owned(),
        ];
    }
    e
}

/// The scope holding a music page's data and the path to its id inside it.
const MUSIC_SCOPE: (&str, &[&str]) = ("webapp.music-detail", &["musicInfo", "music", "id"]);
/// The scope holding a tag page's data and the path to its challenge id inside it.
const TAG_SCOPE: (&str, &[&str]) = (
    "webapp.challenge-detail",
    &["challengeInfo", "challenge", "id"],
);

/// Fetches a music or tag page and reads the list's id from its `__UNIVERSAL_DATA_FOR_REHYDRATION__`
/// scope; `Err(page size)` when the page has no such data. A non-zero `statusCode` in the scope
/// is the same typed error a post page gives.
async fn detail_id(
    http: &crate::net::http::HttpClient,
    page_url: &str,
    (scope, path): (&str, &[&str]),
) -> Result<Result<String, usize>, Error> {
    let url = parse(page_url)?;
    let page = http.get_page(&url, Operation::FetchPage).await?;
    page.check_status(Operation::FetchPage, page_url, false)?;
    if let Some(json) = extract::script_by_id(&page.body, "__UNIVERSAL_DATA_FOR_REHYDRATION__") {
        let data: serde_json::Value = extract::flex::from_str(json).map_err(|e| {
            Error::platform(
                PlatformReason::BadJson(e.to_string()),
                Operation::Extract,
                page_url,
            )
        })?;
        let detail = &data["__DEFAULT_SCOPE__"][scope];
        let status = detail["statusCode"].as_u64().unwrap_or(0);
        let message = detail["statusMsg"].as_str().map(str::to_owned);
        if let Some(reason) = extract::status_reason(status, message) {
            return Err(Error::content(reason, Operation::Extract, page_url));
        }
        let id = path.iter().fold(detail, |v, key| &v[*key]);
        let id = match id {
            serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        if let Some(id) = id.filter(|i| i.bytes().all(|b| b.is_ascii_digit())) {
            return Ok(Ok(id));
        }
    }
    // yt-dlp's TikTokTagIE: the id also appears in the page's app link.
    Ok(app_link_id(&page.body).ok_or(page.body.len()))
}

/// The id in a `snssdk{digits}://challenge/detail/{id}` app link, if the page has one.
fn app_link_id(html: &str) -> Option<String> {
    let marker = "://challenge/detail/";
    let mut from = 0;
    while let Some(i) = html[from..].find(marker) {
        let at = from + i;
        let scheme_ok = html[..at]
            .rsplit_once("snssdk")
            .is_some_and(|(_, digits)| digits.bytes().all(|b| b.is_ascii_digit()));
        let id: String = html[at + marker.len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if scheme_ok && !id.is_empty() {
            return Some(id);
        }
        from = at + marker.len();
    }
    None
}

fn parse(u: &str) -> Result<Url, Error> {
    Url::parse(u).map_err(|e| Error::not_tiktok(e, Operation::FetchApi, u))
}

/// The list's posts at the `items` positions (counted in the list's order, before the date
/// filters), then filtered by date and capped by `--max` as `opts` says. `inner` must be the
/// list unfiltered, `again` the same list from its start. Without negative positions the list
/// is paged only as far as the last position; with them it is paged whole (within the pager's
/// own bounds), holding only the posts the spec can still pick (see [`from_end`]).
fn pick_items(
    inner: ListStream,
    again: impl FnOnce() -> ListStream + Send + 'static,
    items: crate::fetch::pick::Items,
    opts: ListOptions,
) -> ListStream {
    if items.needs_length() {
        return match items.lag() {
            Some(lag) => from_end(inner, items, opts, lag),
            None => by_length(inner, again, items, opts),
        };
    }
    let last = items.last();
    let state = (inner, 0u64, 0usize, false);
    futures_util::stream::unfold(state, move |(mut inner, mut pos, mut kept, done)| {
        let items = items.clone();
        let opts = opts.clone();
        async move {
            if done || last.is_some_and(|l| pos >= l) || opts.max.is_some_and(|m| kept >= m) {
                return None;
            }
            loop {
                match inner.next().await? {
                    Ok(ListEvent::Post(info)) => {
                        pos += 1;
                        if items.contains(pos, None) && opts.keeps(&info) {
                            kept += usize::from(opts.counts(&info));
                            return Some((Ok(ListEvent::Post(info)), (inner, pos, kept, false)));
                        }
                        if last.is_some_and(|l| pos >= l) {
                            return None;
                        }
                    }
                    Err(e) => return Some((Err(e), (inner, pos, kept, true))),
                    Ok(other) => return Some((Ok(other), (inner, pos, kept, false))),
                }
            }
        }
    })
    .boxed()
}

/// The posts a spec from the end holds back: a post is settled once `lag` later posts were
/// seen (whatever the length then, [`crate::fetch::pick::Items::lag`]), so at most `lag` posts
/// wait, however long the list: a post the spec picks goes on then, any other is dropped.
struct Window<T> {
    items: crate::fetch::pick::Items,
    lag: usize,
    waiting: std::collections::VecDeque<T>,
    /// The position of the first waiting post (from 1).
    front: u64,
}

impl<T> Window<T> {
    fn new(items: crate::fetch::pick::Items, lag: u64) -> Self {
        Self {
            items,
            lag: usize::try_from(lag).unwrap_or(usize::MAX),
            waiting: std::collections::VecDeque::new(),
            front: 1,
        }
    }

    /// Takes the next post of the list; gives back the post it settled as picked, if one.
    fn push(&mut self, info: T) -> Option<T> {
        self.waiting.push_back(info);
        if self.waiting.len() <= self.lag {
            return None;
        }
        let pos = self.front;
        self.front += 1;
        let seen = pos + self.lag as u64;
        let info = self.waiting.pop_front()?;
        self.items.contains(pos, Some(seen)).then_some(info)
    }

    /// The list ended: the waiting posts the spec picks, in the list's order.
    fn finish(self) -> impl Iterator<Item = T> {
        let len = self.front - 1 + self.waiting.len() as u64;
        let (items, front) = (self.items, self.front);
        self.waiting
            .into_iter()
            .zip(front..)
            .filter(move |(_, pos)| items.contains(*pos, Some(len)))
            .map(|(info, _)| info)
    }
}

/// [`pick_items`] for positions from the end that `lag` later posts settle: the list streams
/// through a [`Window`] (an error ends it, the posts settled before it handed on).
fn from_end(
    inner: ListStream,
    items: crate::fetch::pick::Items,
    opts: ListOptions,
    lag: u64,
) -> ListStream {
    let picked = futures_util::stream::unfold(
        (Some(inner), Some(Window::new(items, lag)), Vec::new()),
        |(inner, window, mut tail)| async move {
            let mut inner = inner?;
            let mut window = window?;
            loop {
                match inner.next().await {
                    Some(Ok(ListEvent::Post(info))) => {
                        if let Some(info) = window.push(info) {
                            let out = vec![Ok(ListEvent::Post(info))];
                            return Some((out, (Some(inner), Some(window), tail)));
                        }
                    }
                    // The length is unknown: the waiting posts are unsettled, so dropped.
                    Some(Err(e)) => return Some((vec![Err(e)], (None, None, tail))),
                    Some(Ok(other)) => tail.push(Ok(other)),
                    None => {
                        let mut out: Vec<_> =
                            window.finish().map(|i| Ok(ListEvent::Post(i))).collect();
                        out.append(&mut tail);
                        return Some((out, (None, None, Vec::new())));
                    }
                }
            }
        },
    );
    cap(picked.flat_map(futures_util::stream::iter).boxed(), opts)
}

/// [`pick_items`] for a spec only the list's length settles (`::-2`): the list is paged once
/// for its ids alone, then again for the posts at the picked positions (a post gone by then is
/// missed, one listed since is not picked).
fn by_length(
    inner: ListStream,
    again: impl FnOnce() -> ListStream + Send + 'static,
    items: crate::fetch::pick::Items,
    opts: ListOptions,
) -> ListStream {
    let first = futures_util::stream::once(async move {
        let mut ids = Vec::new();
        let mut tail = Vec::new();
        let mut inner = inner;
        while let Some(event) = inner.next().await {
            match event {
                Ok(ListEvent::Post(info)) => ids.push(info.id),
                Err(e) => return Err(vec![Err(e)]),
                Ok(other) => tail.push(Ok(other)),
            }
        }
        let len = ids.len() as u64;
        let picked: HashSet<PostId> = ids
            .into_iter()
            .zip(1u64..)
            .filter(|(_, pos)| items.contains(*pos, Some(len)))
            .map(|(id, _)| id)
            .collect();
        Ok((picked, tail))
    });
    let mut again = Some(again);
    let picked = first
        .flat_map(move |first| match (first, again.take()) {
            (Err(error), _) => futures_util::stream::iter(error).boxed(),
            (Ok(_), None) => futures_util::stream::empty().boxed(),
            (Ok((mut picked, tail)), Some(again)) => {
                let second = again().filter_map(move |event| {
                    let keep = match &event {
                        Ok(ListEvent::Post(info)) => picked.remove(&info.id),
                        Ok(_) => false,
                        Err(_) => true,
                    };
                    futures_util::future::ready(keep.then_some(event))
                });
                second.chain(futures_util::stream::iter(tail)).boxed()
            }
        })
        .boxed();
    cap(picked, opts)
}

/// The picked posts filtered by date and capped by `--max`, the other events kept.
fn cap(picked: ListStream, opts: ListOptions) -> ListStream {
    let max = opts.max.unwrap_or(usize::MAX);
    futures_util::stream::unfold((picked, 0usize), move |(mut picked, mut kept)| {
        let opts = opts.clone();
        async move {
            loop {
                if kept >= max {
                    return None;
                }
                match picked.next().await? {
                    Ok(ListEvent::Post(info)) => {
                        if opts.keeps(&info) {
                            kept += usize::from(opts.counts(&info));
                            return Some((Ok(ListEvent::Post(info)), (picked, kept)));
                        }
                    }
                    other => return Some((other, (picked, kept))),
                }
            }
        }
    })
    .boxed()
}

#[cfg(test)]
mod date_tests {
    use super::Date;

    #[test]
    fn only_days_of_the_calendar_are_dates() {
        for ok in ["20240229", "20251231", "20260101"] {
            assert!(ok.parse::<Date>().is_ok(), "{ok}");
        }
        for bad in [
            "20251310",
            "20250231",
            "20250229",
            "20250100",
            "2025011",
            "2025-01-01",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The posts a window picks from a list of `len`, and the most it held at once.
    fn through_window(spec: &str, len: u64) -> (Vec<u64>, usize) {
        let items: crate::fetch::pick::Items = spec.parse().unwrap();
        let mut window = Window::new(items.clone(), items.lag().unwrap());
        let (mut out, mut most) = (Vec::new(), 0);
        for pos in 1..=len {
            out.extend(window.push(pos));
            most = most.max(window.waiting.len());
        }
        out.extend(window.finish());
        (out, most)
    }

    #[test]
    fn a_spec_from_the_end_holds_only_the_posts_it_can_still_pick() {
        for spec in [
            "-1", "-3:", "2:-5", "-1,1", "-6:-4", "::-1", "-1:-4:-2", "3:-2:2",
        ] {
            let items: crate::fetch::pick::Items = spec.parse().unwrap();
            let lag = usize::try_from(items.lag().unwrap()).unwrap();
            for len in [0u64, 1, 2, 5, 9, 40, 10_000] {
                let (got, most) = through_window(spec, len);
                let want: Vec<u64> = (1..=len)
                    .filter(|p| items.contains(*p, Some(len)))
                    .collect();
                assert_eq!(got, want, "{spec} of {len}");
                // Memory is bounded by the spec, not by the list's length.
                assert!(most <= lag, "{spec} of {len}: held {most}, lag {lag}");
            }
        }
        assert_eq!(through_window("-1", 100_000).1, 1);
        assert_eq!(
            through_window("-3:", 100_000),
            (vec![99_998, 99_999, 100_000], 3)
        );
    }

    #[test]
    fn app_link_ids() {
        let page = r#"<meta content="snssdk1233://challenge/detail/46294678?x=1">"#;
        assert_eq!(app_link_id(page).as_deref(), Some("46294678"));
        assert_eq!(
            app_link_id("snssdk://challenge/detail/7").as_deref(),
            Some("7")
        );
        assert_eq!(app_link_id("https://example/challenge/detail/5"), None);
        assert_eq!(app_link_id("snssdk1233://challenge/detail/"), None);
        assert_eq!(app_link_id(""), None);
    }
}
