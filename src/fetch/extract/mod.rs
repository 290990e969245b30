//! Page -> embedded JSON -> typed item.
//!
//! TikTok has shipped three page shapes over the years; each keeps the post in a `<script>`
//! element holding JSON. We find that element by substring search (pages are 250-800 KB and only
//! the script matters), decode just the parts we use, and map TikTok's status codes to errors.

pub(crate) mod flex;
pub(crate) mod item;

use std::borrow::Cow;
use std::collections::HashMap;

use memchr::memmem;
use serde::Deserialize;

use crate::error::{ContentReason, Error, Operation, PlatformReason};
use crate::fetch::challenge::{self, Challenge};
use crate::model::{PostId, VideoInfo};
use item::{Author, RawItem};

/// What a fetched post page turned out to be.
#[derive(Debug)]
pub enum PageOutcome {
    Info(Box<VideoInfo>),
    /// TikTok's bot check; solve it and fetch again.
    Challenge(Challenge),
}

const UNIVERSAL_ID: &str = "__UNIVERSAL_DATA_FOR_REHYDRATION__";
const SIGI_ID: &str = "SIGI_STATE";
const NEXT_ID: &str = "__NEXT_DATA__";

/// Extracts the post `id` from a page. `url` is only used in errors.
pub fn extract_post(html: &str, id: &str, url: &str) -> Result<PageOutcome, Error> {
    // Early-2023 pages carry a thin universal script (no detail scope) beside SIGI_STATE, so a
    // universal script without the post falls through to the older shapes.
    if let Some(json) = script_by_id(html, UNIVERSAL_ID)
        && let Some(outcome) = from_universal(json, id, url)?
    {
        return Ok(PageOutcome::Info(Box::new(outcome)));
    }
    if let Some(json) = script_by_id(html, SIGI_ID)
        .map(Cow::Borrowed)
        .or_else(|| sigi_assignment(html))
    {
        return from_sigi(&json, id, url).map(|i| PageOutcome::Info(Box::new(i)));
    }
    if let Some(json) = script_by_id(html, NEXT_ID) {
        return from_next_data(json, id, url).map(|i| PageOutcome::Info(Box::new(i)));
    }
    if let Some(ch) = challenge::detect(html) {
        return Ok(PageOutcome::Challenge(ch));
    }
    Err(Error::platform(
        PlatformReason::NoData {
            markers: format!("{UNIVERSAL_ID} (webapp.video-detail), {SIGI_ID}, {NEXT_ID}"),
            size: html.len(),
            title: page_title(html),
        },
        Operation::Extract,
        url,
    ))
}

/// The text content of `<script id="{id}" ...>...</script>`.
pub(crate) fn script_by_id<'a>(html: &'a str, id: &str) -> Option<&'a str> {
    let needle = format!("id=\"{id}\"");
    let bytes = html.as_bytes();
    let mut from = 0;
    while let Some(pos) = memmem::find(&bytes[from..], needle.as_bytes()) {
        let at = from + pos;
        from = at + needle.len();
        // The id must sit inside a <script ...> start tag.
        let tag_start = match memchr::memrchr(b'<', &bytes[..at]) {
            Some(p) => p,
            None => continue,
        };
        if !html[tag_start..at]
            .to_ascii_lowercase()
            .starts_with("<script")
        {
            continue;
        }
        let body_start = at + memchr::memchr(b'>', &bytes[at..])? + 1;
        let body_len = memmem::find(&bytes[body_start..], b"</script>")?;
        return Some(html[body_start..body_start + body_len].trim());
    }
    None
}

/// `window['SIGI_STATE']={...};` as in the `sigi-persisted-data` variant.
fn sigi_assignment(html: &str) -> Option<Cow<'_, str>> {
    let start =
        memmem::find(html.as_bytes(), b"window['SIGI_STATE']=")? + "window['SIGI_STATE']=".len();
    let rest = &html[start..];
    if let Some(end) = first_value_end(rest) {
        return Some(Cow::Borrowed(&rest[..end]));
    }
    // A token strict JSON refuses (`NaN`, `1e400`) ends the streaming parse early: find the end
    // in the tolerant text of the script instead (see `flex::from_str`).
    let script = &rest[..memmem::find(rest.as_bytes(), b"</script>")?];
    let tolerant = flex::tolerant_text(script);
    let end = first_value_end(&tolerant)?;
    Some(Cow::Owned(tolerant[..end].to_owned()))
}

/// Where the first JSON value of `text` ends: where a streaming parse of one value ends.
fn first_value_end(text: &str) -> Option<usize> {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<serde::de::IgnoredAny>();
    match stream.next() {
        Some(Ok(_)) => Some(stream.byte_offset()),
        _ => None,
    }
}

fn page_title(html: &str) -> String {
    let lower_find = |needle: &[u8]| memmem::find(html.as_bytes(), needle);
    let Some(start) = lower_find(b"<title") else {
        return String::new();
    };
    let Some(gt) = memchr::memchr(b'>', &html.as_bytes()[start..]) else {
        return String::new();
    };
    let body = start + gt + 1;
    let end = memmem::find(&html.as_bytes()[body..], b"</title>").map_or(html.len(), |e| body + e);
    html[body..end].trim().chars().take(120).collect()
}

fn bad_json(err: serde_json::Error, url: &str) -> Error {
    Error::platform(
        PlatformReason::BadJson(err.to_string()),
        Operation::Extract,
        url,
    )
}

#[derive(Deserialize)]
struct Universal {
    #[serde(
        rename = "__DEFAULT_SCOPE__",
        default,
        deserialize_with = "flex::object"
    )]
    scope: Option<Scope>,
}

#[derive(Deserialize)]
struct Scope {
    #[serde(
        rename = "webapp.video-detail",
        default,
        deserialize_with = "flex::object"
    )]
    desktop: Option<Detail>,
    #[serde(
        rename = "webapp.reflow.video.detail",
        default,
        deserialize_with = "flex::object"
    )]
    reflow: Option<Detail>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Detail {
    #[serde(default, deserialize_with = "flex::u64")]
    status_code: Option<u64>,
    #[serde(default, deserialize_with = "flex::string")]
    status_msg: Option<String>,
    /// The reflow scope spells it `statusMessage`.
    #[serde(default, deserialize_with = "flex::string")]
    status_message: Option<String>,
    #[serde(default, deserialize_with = "flex::object")]
    item_info: Option<ItemInfo>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ItemInfo {
    #[serde(default, deserialize_with = "flex::object")]
    item_struct: Option<RawItem>,
}

/// `Ok(None)` when the universal script has no detail scope (older transitional pages).
fn from_universal(json: &str, id: &str, url: &str) -> Result<Option<VideoInfo>, Error> {
    let data: Universal = flex::from_str(json).map_err(|e| bad_json(e, url))?;
    let Some(scope) = data.scope else {
        return Ok(None);
    };
    let Some(detail) = scope.desktop.or(scope.reflow) else {
        return Ok(None);
    };
    let message = detail.status_msg.or(detail.status_message);
    let item = detail.item_info.and_then(|i| i.item_struct);
    finish(
        detail.status_code.unwrap_or(0),
        message,
        item,
        None,
        id,
        url,
    )
    .map(Some)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Sigi {
    #[serde(default)]
    item_module: HashMap<String, RawItem>,
    #[serde(default, deserialize_with = "flex::object")]
    user_module: Option<UserModule>,
    #[serde(default, deserialize_with = "flex::object")]
    video_page: Option<StatusOnly>,
}

#[derive(Deserialize)]
struct UserModule {
    #[serde(default)]
    users: HashMap<String, Author>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StatusOnly {
    #[serde(default, deserialize_with = "flex::u64")]
    status_code: Option<u64>,
    #[serde(default, deserialize_with = "flex::string")]
    status_msg: Option<String>,
}

fn from_sigi(json: &str, id: &str, url: &str) -> Result<VideoInfo, Error> {
    let mut data: Sigi = flex::from_str(json).map_err(|e| bad_json(e, url))?;
    let status = data
        .video_page
        .as_ref()
        .and_then(|p| p.status_code)
        .unwrap_or(0);
    let message = data.video_page.and_then(|p| p.status_msg);
    let item = data.item_module.remove(id);
    let users = data.user_module.map(|m| m.users).unwrap_or_default();
    let user = item
        .as_ref()
        .and_then(|i| i.author_name())
        .and_then(|name| users.get(name));
    finish(status, message, item, user, id, url)
}

#[derive(Deserialize)]
struct NextData {
    #[serde(default, deserialize_with = "flex::object")]
    props: Option<NextProps>,
}
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NextProps {
    #[serde(default, deserialize_with = "flex::object")]
    page_props: Option<PageProps>,
}
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageProps {
    #[serde(default, deserialize_with = "flex::u64")]
    status_code: Option<u64>,
    #[serde(default, deserialize_with = "flex::object")]
    item_info: Option<ItemInfo>,
}

fn from_next_data(json: &str, id: &str, url: &str) -> Result<VideoInfo, Error> {
    let data: NextData = flex::from_str(json).map_err(|e| bad_json(e, url))?;
    let props = data.props.and_then(|p| p.page_props);
    let status = props.as_ref().and_then(|p| p.status_code).unwrap_or(0);
    let item = props.and_then(|p| p.item_info).and_then(|i| i.item_struct);
    finish(status, None, item, None, id, url)
}

/// One page of a list API (`/api/post/item_list/`, `/api/collection/item_list/`).
#[derive(Debug)]
pub struct ListPage {
    pub items: Vec<VideoInfo>,
    pub cursor: Option<String>,
    pub has_more: bool,
    /// Ids of the items marked `isPinnedItem` (shown first whatever their age).
    pub pinned: Vec<PostId>,
    /// Whether the answer had an `itemList` at all: a liked list TikTok hides comes without one
    /// (see `fetch/tabs.rs`).
    pub listed: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawListPage {
    #[serde(default, deserialize_with = "flex::u64")]
    status_code: Option<u64>,
    #[serde(default, deserialize_with = "flex::string")]
    status_msg: Option<String>,
    #[serde(default, deserialize_with = "listed_items")]
    item_list: Option<Vec<RawItem>>,
    #[serde(default, deserialize_with = "flex::string")]
    cursor: Option<String>,
    #[serde(default, deserialize_with = "flex::bool")]
    has_more: Option<bool>,
    /// The story list's names for `cursor` and `hasMore` (gallery-dl
    /// `gallery_dl/extractor/tiktok.py`, `TiktokStoryTimeCursor`).
    #[serde(rename = "MaxCursor", default, deserialize_with = "flex::string")]
    max_cursor: Option<String>,
    #[serde(rename = "HasMoreAfter", default, deserialize_with = "flex::bool")]
    has_more_after: Option<bool>,
    /// Some proxies wrap the API answer in `{"data": {...}}`.
    #[serde(default, deserialize_with = "flex::object")]
    data: Option<Box<RawListPage>>,
}

/// Items a list page may hold: well above what TikTok sends (about 35), so only a broken or
/// hostile answer is cut.
pub const MAX_LIST_ITEMS: usize = 100;

/// A page's items, one more than [`MAX_LIST_ITEMS`] (so a page with too many is known as such);
/// the rest are skipped unparsed.
fn list_items<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<RawItem>, D::Error> {
    flex::vec_at_most(d, MAX_LIST_ITEMS + 1)
}

/// [`list_items`], remembering that the key was there (absent: `None`, via `default`).
fn listed_items<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<RawItem>>, D::Error> {
    list_items(d).map(Some)
}

/// Parses a list API answer; the items are full itemStructs, so no page fetch per post.
pub fn parse_list_page(json: &str, url: &str) -> Result<ListPage, Error> {
    let mut raw: RawListPage = flex::from_str(json).map_err(|e| bad_json(e, url))?;
    if let Some(inner) = raw.data.take()
        && raw.item_list.as_ref().is_none_or(Vec::is_empty)
    {
        raw = *inner;
    }
    if let Some(reason) = status_reason(raw.status_code.unwrap_or(0), raw.status_msg) {
        return Err(Error::content(reason, Operation::FetchApi, url));
    }
    let listed = raw.item_list.is_some();
    let raw_items = raw.item_list.unwrap_or_default();
    let mut pinned = Vec::new();
    let mut items = Vec::with_capacity(raw_items.len());
    for item in raw_items {
        // A list item has no requested id to fall back on; one without an id is skipped.
        let Some(raw_id) = item.id.as_deref() else {
            continue;
        };
        let id = match PostId::try_from(raw_id) {
            Ok(id) => id,
            Err(e) => {
                // Never archived, cached or named: the id would become a line or a file name.
                tracing::warn!("{url}: skipping a listed post whose id is unusable ({e})");
                continue;
            }
        };
        if item.is_pinned_item == Some(true) {
            pinned.push(id.clone());
        }
        items.push(item.into_info(id, None));
    }
    Ok(ListPage {
        items,
        cursor: raw.cursor.or(raw.max_cursor),
        has_more: raw.has_more.or(raw.has_more_after).unwrap_or(false),
        pinned,
        listed,
    })
}

#[derive(Deserialize)]
struct UserScope {
    #[serde(
        rename = "webapp.user-detail",
        default,
        deserialize_with = "flex::object"
    )]
    user_detail: Option<UserDetail>,
}

#[derive(Deserialize)]
struct UniversalUser {
    #[serde(
        rename = "__DEFAULT_SCOPE__",
        default,
        deserialize_with = "flex::object"
    )]
    scope: Option<UserScope>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UserDetail {
    #[serde(default, deserialize_with = "flex::u64")]
    status_code: Option<u64>,
    #[serde(default, deserialize_with = "flex::string")]
    status_msg: Option<String>,
    #[serde(default, deserialize_with = "flex::object")]
    user_info: Option<UserInfo>,
}

#[derive(Deserialize)]
struct UserInfo {
    #[serde(default, deserialize_with = "flex::object")]
    user: Option<Author>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SigiUser {
    #[serde(default, deserialize_with = "flex::object")]
    user_page: Option<SigiUserPage>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SigiUserPage {
    #[serde(default, deserialize_with = "flex::string")]
    sec_uid: Option<String>,
    #[serde(default, deserialize_with = "flex::u64")]
    status_code: Option<u64>,
}

/// The `secUid` of a profile page (needed by the post list API).
pub fn profile_sec_uid(html: &str, url: &str) -> Result<String, Error> {
    if let Some(json) = script_by_id(html, UNIVERSAL_ID) {
        let data: UniversalUser = flex::from_str(json).map_err(|e| bad_json(e, url))?;
        if let Some(detail) = data.scope.and_then(|s| s.user_detail) {
            if let Some(reason) = status_reason(detail.status_code.unwrap_or(0), detail.status_msg)
            {
                return Err(Error::content(reason, Operation::Extract, url));
            }
            if let Some(sec) = detail
                .user_info
                .and_then(|u| u.user)
                .and_then(|u| u.sec_uid)
            {
                return Ok(sec);
            }
        }
    }
    if let Some(json) = script_by_id(html, SIGI_ID) {
        let data: SigiUser = flex::from_str(json).map_err(|e| bad_json(e, url))?;
        if let Some(page) = data.user_page {
            if let Some(reason) = status_reason(page.status_code.unwrap_or(0), None) {
                return Err(Error::content(reason, Operation::Extract, url));
            }
            if let Some(sec) = page.sec_uid {
                return Ok(sec);
            }
        }
    }
    Err(Error::platform(
        PlatformReason::NoData {
            markers: format!("{UNIVERSAL_ID} (webapp.user-detail), {SIGI_ID} (UserPage)"),
            size: html.len(),
            title: page_title(html),
        },
        Operation::Extract,
        url,
    ))
}

/// Turns a status code and an optional item into the result every page shape shares.
fn finish(
    status: u64,
    message: Option<String>,
    item: Option<RawItem>,
    sigi_user: Option<&Author>,
    id: &str,
    url: &str,
) -> Result<VideoInfo, Error> {
    if let Some(reason) = status_reason(status, message) {
        return Err(Error::content(reason, Operation::Extract, url));
    }
    let Some(item) = item else {
        return Err(Error::platform(
            PlatformReason::NoItem,
            Operation::Extract,
            url,
        ));
    };
    if item.is_content_classified == Some(true) && item.video.is_none() {
        return Err(Error::content(
            ContentReason::LoginRequired(Some("content classified as sensitive".into())),
            Operation::Extract,
            url,
        ));
    }
    let id = item.post_id(id).map_err(|e| {
        let why = format!(
            "TikTok's page names the post by an unusable id ({e}); the page is damaged or was \
             altered on the way (a proxy?): try again later, or without the proxy"
        );
        Error::content_hinted(
            ContentReason::Unsupported(why),
            Operation::Extract,
            url,
            &["retry later; if it persists, report it with the output of -vv"],
        )
    })?;
    Ok(item.into_info(id, sigi_user))
}

/// TikTok's `statusCode` values (docs/tiktok-protocol.md, "Status codes"); 0 is success.
pub(crate) fn status_reason(code: u64, message: Option<String>) -> Option<ContentReason> {
    Some(match code {
        0 => return None,
        10204 => ContentReason::Removed(message),
        10216 => ContentReason::PrivatePost,
        10222 => ContentReason::PrivateAccount,
        10221 => ContentReason::AccountNotFound,
        10202 => ContentReason::AccountBanned,
        209002 => ContentReason::LoginRequired(Some("audience-restricted".into())),
        code => ContentReason::OtherStatus { code, message },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_pages_give_the_sec_uid() {
        let html = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/web_user_profile_universal_user_detail_2026-02.html"
        ));
        let sec = profile_sec_uid(html, "u").unwrap();
        assert!(sec.starts_with("MS4wLjABAAAA"), "{sec}");
        let html = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/web_user_profile_sigi_state_itemmodule_2023-02.html"
        ));
        assert!(
            profile_sec_uid(html, "u")
                .unwrap()
                .starts_with("MS4wLjABAAAA")
        );
        let private = r#"<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">{"__DEFAULT_SCOPE__":{"webapp.user-detail":{"statusCode":10222,"statusMsg":"ErrBizUserSecret","userInfo":{"user":{"secUid":"x"}}}}}</script>"#;
        assert_eq!(
            profile_sec_uid(private, "u").unwrap_err().code(),
            "private_account"
        );
    }

    #[test]
    fn story_pages_and_hidden_lists() {
        let story = r#"{"statusCode":0,"itemList":[{"id":"7300000000000001001"}],"MaxCursor":"5","HasMoreAfter":true}"#;
        let page = parse_list_page(story, "u").unwrap();
        assert_eq!(page.cursor.as_deref(), Some("5"));
        assert!(page.has_more && page.listed);
        let hidden = parse_list_page(r#"{"statusCode":0,"hasMore":false}"#, "u").unwrap();
        assert!(!hidden.listed && !hidden.has_more && hidden.items.is_empty());
        let empty = parse_list_page(r#"{"itemList":[],"hasMore":false}"#, "u").unwrap();
        assert!(empty.listed);
    }

    #[test]
    fn list_pages_from_captures() {
        let json = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/api_post_item_list_1item_cursor_via_proxy_2025-10.json"
        ));
        let page = parse_list_page(json, "u").unwrap();
        assert_eq!(page.items.len(), 1);
        assert_eq!(page.items[0].id, "7513039993741397256");
        assert_eq!(page.items[0].uploader.as_deref(), Some("zg.520"));
        assert_eq!(page.cursor.as_deref(), Some("1758331327601"));
        assert!(page.has_more);
        assert_eq!(page.pinned, ["7513039993741397256"], "isPinnedItem");
        let json = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/api_recommend_item_list_12items_2025-01.json"
        ));
        let page = parse_list_page(json, "u").unwrap();
        assert_eq!(page.items.len(), 12);
        assert!(
            page.items
                .iter()
                .all(|i| !i.formats.is_empty() && i.timestamp.is_some())
        );
        assert!(page.pinned.is_empty());
    }

    #[test]
    fn a_list_item_whose_id_is_not_a_post_id_is_dropped() {
        let json = r#"{"statusCode":0,"hasMore":false,"itemList":[
            {"id":"7500000000000001777\ntiktok 7500000000000001234","desc":"a","isPinnedItem":true},
            {"id":"../../x","desc":"b"},
            {"id":7500000000000001778,"desc":"c","isPinnedItem":true},
            {"desc":"no id"}
        ]}"#;
        let page = parse_list_page(json, "u").unwrap();
        let ids: Vec<&str> = page.items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["7500000000000001778"]);
        assert_eq!(page.pinned, [page.items[0].id.clone()]);
    }

    #[test]
    fn a_page_item_whose_id_is_not_a_post_id_is_a_content_error() {
        let page = |id: &str| {
            format!(
                r#"<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">{{"__DEFAULT_SCOPE__":{{"webapp.video-detail":{{"statusCode":0,"itemInfo":{{"itemStruct":{{"id":{id},"desc":"d"}}}}}}}}}}</script>"#
            )
        };
        let err = extract_post(&page(r#""1/../../x""#), "7608826249200356631", "u").unwrap_err();
        assert_eq!(err.code(), "unsupported", "{err}");
        assert!(err.to_string().contains("unusable id"), "{err}");
        // No id in the item: the requested one, which must be a post id too.
        let none = page("null");
        assert!(extract_post(&none, "7608826249200356631", "u").is_ok());
        assert!(extract_post(&none, "1\n2", "u").is_err());
    }

    #[test]
    fn subtitle_formats_map_to_vtt_or_srt() {
        let page = |format: &str| {
            format!(
                r#"<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">{{"__DEFAULT_SCOPE__":{{"webapp.video-detail":{{"statusCode":0,"itemInfo":{{"itemStruct":{{"id":"7608826249200356631","video":{{"subtitleInfos":[{{"LanguageCodeName":"eng-US","Url":"https://s/1","Format":{format}}}],"claInfo":{{"captionInfos":[{{"language":"fra-FR","url":"https://s/2","captionFormat":{format}}}]}}}}}}}}}}}}}}</script>"#
            )
        };
        for (format, want) in [
            (r#""webvtt""#, "vtt"),
            (r#""srt""#, "srt"),
            (r#""webvtt/../../x""#, "vtt"),
            (r#""ttml""#, "vtt"),
            ("null", "vtt"),
        ] {
            let PageOutcome::Info(info) =
                extract_post(&page(format), "7608826249200356631", "u").unwrap()
            else {
                panic!()
            };
            for lang in ["eng-US", "fra-FR"] {
                assert_eq!(info.subtitles[lang][0].ext, want, "{format} {lang}");
            }
        }
    }

    #[test]
    fn finds_script_by_id_only_in_script_tags() {
        let html = r#"<div id="SIGI_STATE">no</div><script id="SIGI_STATE" type="application/json">{"a":1}</script>"#;
        assert_eq!(script_by_id(html, "SIGI_STATE"), Some(r#"{"a":1}"#));
        assert_eq!(script_by_id("<p>nothing</p>", "SIGI_STATE"), None);
        assert_eq!(
            script_by_id(r#"<script id="SIGI_STATE">{"unterminated""#, "SIGI_STATE"),
            None
        );
    }

    #[test]
    fn sigi_assignment_variant() {
        let html = r#"<script>window['SIGI_STATE']={"VideoPage":{"statusCode":10204}};window['SIGI_RETRY']={}</script>"#;
        assert_eq!(
            sigi_assignment(html).as_deref(),
            Some(r#"{"VideoPage":{"statusCode":10204}}"#)
        );
        // A token strict JSON refuses still ends the value where it ends.
        let html = r#"<script>window['SIGI_STATE']={"VideoPage":{"statusCode":10204,"x":NaN}};window['SIGI_RETRY']={}</script>"#;
        assert_eq!(
            sigi_assignment(html).as_deref(),
            Some(r#"{"VideoPage":{"statusCode":10204,"x":null}}"#)
        );
    }

    #[test]
    fn status_codes_map_to_reasons() {
        assert_eq!(status_reason(0, None), None);
        assert_eq!(status_reason(10216, None), Some(ContentReason::PrivatePost));
        assert_eq!(
            status_reason(10222, None),
            Some(ContentReason::PrivateAccount)
        );
        assert_eq!(
            status_reason(10221, None),
            Some(ContentReason::AccountNotFound)
        );
        assert_eq!(
            status_reason(10202, None),
            Some(ContentReason::AccountBanned)
        );
        assert!(matches!(
            status_reason(10204, None),
            Some(ContentReason::Removed(_))
        ));
        assert!(matches!(
            status_reason(209002, None),
            Some(ContentReason::LoginRequired(_))
        ));
        assert!(matches!(
            status_reason(1, None),
            Some(ContentReason::OtherStatus { code: 1, .. })
        ));
    }

    #[test]
    fn no_data_error_names_markers_size_and_title() {
        let err = extract_post("<html><title>Oops</title></html>", "1", "https://x").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("__UNIVERSAL_DATA_FOR_REHYDRATION__"),
            "{text}"
        );
        assert!(text.contains("\"Oops\""), "{text}");
        assert!(text.contains("32 bytes"), "{text}");
    }

    #[test]
    fn numbers_as_strings_and_missing_fields() {
        let html = r#"<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">{"__DEFAULT_SCOPE__":{"webapp.video-detail":{"statusCode":"0","itemInfo":{"itemStruct":{"id":"7608826249200356631","createTime":"1700000000","stats":{"playCount":"12"},"video":"weird"}}}}}</script>"#;
        let PageOutcome::Info(info) = extract_post(html, "7608826249200356631", "u").unwrap()
        else {
            panic!()
        };
        assert_eq!(info.id, "7608826249200356631");
        assert_eq!(info.timestamp, Some(1700000000));
        assert_eq!(info.view_count, Some(12));
        assert!(info.formats.is_empty());
        assert_eq!(info.title, "TikTok video #7608826249200356631");
    }

    /// Per capture: what `info --json` lists for each real page shape.
    /// (capture, post id, whether its `downloadAddr` is non-empty, the sound's duration).
    fn yt_dlp_formats(html: &str, id: &str, download_addr: bool, sound_secs: u64) -> VideoInfo {
        let PageOutcome::Info(info) = extract_post(html, id, "u").unwrap() else {
            panic!("{id}: a challenge?")
        };
        let audio: Vec<_> = info.formats.iter().filter(|f| f.vcodec == "none").collect();
        assert_eq!(audio.len(), 1, "{id}: one audio-only rendition");
        let a = audio[0];
        assert_eq!(
            (a.format_id.as_str(), a.ext.as_str(), a.acodec.as_str()),
            ("audio", "mp3", "mp3"),
            "{id}"
        );
        assert_eq!(a.duration, Some(sound_secs), "{id}");
        assert_eq!(
            Some(&a.url),
            info.music.as_ref().and_then(|m| m.url.as_ref())
        );
        let wm: Vec<_> = info.formats.iter().filter(|f| f.watermarked).collect();
        assert_eq!(wm.len(), usize::from(download_addr), "{id}: {wm:?}");
        for f in wm {
            assert_eq!(f.format_id, "download_addr");
            assert_eq!((f.width, f.height, f.filesize), (None, None, None), "{id}");
            assert_eq!(f.preference, Some(-2));
            assert_eq!(f.format_note.as_deref(), Some("watermarked"));
        }
        // Lowest preference: nothing but the audio-only rendition sorts before it.
        if let Some(first_video) = info.formats.iter().find(|f| f.vcodec != "none") {
            assert_eq!(first_video.watermarked, download_addr, "{id}");
        }
        *info
    }

    #[test]
    fn capture_d1_desktop_2026() {
        let html = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/web_video_universal_desktop_2026-07_bitrateinfo_subtitles.html"
        ));
        let i = yt_dlp_formats(html, "7608826249200356630", false, 54);
        assert_eq!(i.duration, Some(54));
        assert_eq!(i.formats.len(), 6);
    }

    #[test]
    fn capture_d2_desktop_2025() {
        let html = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/web_video_universal_desktop_2025-07_subtitles2.html"
        ));
        let i = yt_dlp_formats(html, "7526770564367748360", false, 5);
        assert_eq!(i.duration, Some(34));
    }

    #[test]
    fn capture_m1_reflow_slideshow() {
        let html = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/web_video_reflow_mobile_photo_imagepost_2026-02.html"
        ));
        let i = yt_dlp_formats(html, "7610426235671350549", false, 31);
        assert_eq!(i.kind, crate::model::PostKind::Slideshow);
        // video.duration is 0 on photo posts: yt-dlp reports the sound's length.
        assert_eq!(i.duration, Some(31));
        assert_eq!(i.formats.len(), 1);
    }

    #[test]
    fn capture_m2_reflow_video_lists_the_watermarked_download() {
        let html = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/web_video_reflow_mobile_video_2026-01.html"
        ));
        let i = yt_dlp_formats(html, "7600352599870557461", true, 364);
        assert_eq!(i.duration, Some(79), "the video's length, not the sound's");
        let ids: Vec<_> = i.formats.iter().map(|f| f.format_id.as_str()).collect();
        assert_eq!(ids, ["audio", "download_addr", "play_addr"]);
        // play_addr is the video itself, so it keeps the video's size.
        assert_eq!(
            (i.formats[2].width, i.formats[2].height),
            (Some(576), Some(1024))
        );
    }

    #[test]
    fn capture_sigi_2023_video_page() {
        let json = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/web_video_sigi_state_itemmodule_2023-06.json"
        ));
        let html = format!(r#"<script id="SIGI_STATE" type="application/json">{json}</script>"#);
        yt_dlp_formats(&html, "7243914257526541573", true, 29);
    }

    #[test]
    fn capture_sigi_2023_profile_items_where_download_equals_play() {
        let html = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/web_user_profile_sigi_state_itemmodule_2023-02.html"
        ));
        // Its first item's downloadAddr is the same URL as playAddr and the 720p rendition:
        // still listed once as the watermarked download.
        let i = yt_dlp_formats(html, "7203022122757803307", true, 34);
        let wm = i.formats.iter().find(|f| f.watermarked).unwrap();
        assert!(i.formats.iter().any(|f| !f.watermarked && f.url == wm.url));
    }

    #[test]
    fn capture_item_detail_as_next_data() {
        let json = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/api_item_detail_itemstruct_2022-12.json"
        ));
        let v: serde_json::Value = flex::from_str(json).unwrap();
        let item = &v["itemInfo"]["itemStruct"];
        let html = format!(
            r#"<script id="__NEXT_DATA__" type="application/json">{{"props":{{"pageProps":{{"statusCode":0,"itemInfo":{{"itemStruct":{item}}}}}}}}}</script>"#
        );
        let has_dl = item["video"]["downloadAddr"]
            .as_str()
            .is_some_and(|s| !s.is_empty());
        let secs = item["music"]["duration"].as_u64().unwrap();
        yt_dlp_formats(&html, "7175983749526523141", has_dl, secs);
    }
}
