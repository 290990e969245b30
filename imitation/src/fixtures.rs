//! The real captures, and the pages, items and lists made from them.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::{Value, json};

use crate::media::{self, FileSpec};

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("../../tests/fixtures/", $name))
    };
}

pub const D1_HTML: &str =
    fixture!("web_video_universal_desktop_2026-07_bitrateinfo_subtitles.html");
const D2_HTML: &str = fixture!("web_video_universal_desktop_2025-07_subtitles2.html");
const M1_HTML: &str = fixture!("web_video_reflow_mobile_photo_imagepost_2026-02.html");
const M2_HTML: &str = fixture!("web_video_reflow_mobile_video_2026-01.html");
const NOT_EXIST_HTML: &str = fixture!("web_video_universal_status10204_not_exist_2025-07.html");
const EMPTY_SHELL_HTML: &str = fixture!("web_empty_shell_no_rehydration_2026-06.html");
const WAF_HTML: &str = fixture!("web_waf_js_challenge_cs_wci_rci_rs_2026-03.html");
const PROFILE_HTML: &str = fixture!("web_user_profile_universal_user_detail_2026-02.html");
const COLLECTION_HTML: &str = fixture!("web_collection_share_page_2026-02.html");
const SIGI_JSON: &str = fixture!("web_video_sigi_state_itemmodule_2023-06.json");
const ITEM_DETAIL_JSON: &str = fixture!("api_item_detail_itemstruct_2022-12.json");

pub const D1_ID: u64 = 7608826249200356630;
const D2_ID: u64 = 7526770564367748360;
const M1_ID: u64 = 7610426235671350549;
const M2_ID: u64 = 7600352599870557461;
const SIGI_ID: u64 = 7243914257526541573;
const NEXT_ID: u64 = 7175983749526523141;
pub const EMPTY_SHELL_ID: u64 = 7000000000000000000;
pub const LOGIN_ID: u64 = 7000000000000000401;
pub const CHALLENGE_ID: u64 = 7000000000000000403;
/// Post ids of the hostile-server pages (see `routes::single_post`).
pub const HUGE_PAGE_ID: u64 = 7000000000000000050;
pub const GZIP_BOMB_ID: u64 = 7000000000000000052;
const CLASSIFIED_ID: u64 = 7000000000000000777;

const D1_AUTHOR: &str = "emthenutritionist";
const D1_SEC_UID: &str =
    "MS4wLjABAAAAf-SIwwe7Qj5TfGXVax4GjJDMCil_y-_tndpQCrpjgLbdag0keJSZSqNIB4rnxmhB";
const PROFILE_USER: &str = "novix.ht";
const PROFILE_SEC_UID: &str =
    "MS4wLjABAAAA_gQLuckMz_jnojThJgQk_QCaalX95isZ6QsFHvxVcLdCI_azAcQqWdv28yKBQx5E";
const COLLECTION_ID: &str = "7223156686599572226";

/// Generated list items: profile posts are `GEN_BASE + n` (n = 1..=45), collection posts
/// `GEN_BASE + 1000 + n` (n = 1..=33).
pub const GEN_BASE: u64 = 7300000000000000000;
pub const PROFILE_POSTS: u64 = 45;
pub const COLLECTION_POSTS: u64 = 33;
pub const LIST_COLLECTION_ID: u64 = 7400000000000000033;
pub const LOOPY_PAGE: usize = 10;
/// 2026-01-01T00:00:00Z: the newest generated post.
const GEN_NEWEST: i64 = 1767225600;

pub fn sec_uid(user: &str) -> String {
    format!("MS4wLjABAAAA_{user}")
}

/// Escapes what would end a `<script>` element early, as TikTok does.
pub fn script_safe(json: &str) -> String {
    json.replace("</", "<\\/")
}

fn rehydration(html: &str) -> Option<Value> {
    let open = r#"<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">"#;
    let start = html.find(open)? + open.len();
    let len = html[start..].find("</script>")?;
    serde_json::from_str(&html[start..start + len]).ok()
}

struct Fixtures {
    media: HashMap<String, FileSpec>,
    d1_item: Value,
    next_item: Value,
}

/// Parsed once per process: several imitations (parallel tests) share it.
fn fixtures() -> &'static Fixtures {
    static F: OnceLock<Fixtures> = OnceLock::new();
    F.get_or_init(|| {
        let mut media = HashMap::new();
        let mut d1 = rehydration(D1_HTML).expect("D1 rehydration JSON");
        media::scan(&mut d1, &mut media, false);
        for html in [D2_HTML, M1_HTML, M2_HTML] {
            let mut v = rehydration(html).expect("rehydration JSON");
            media::scan(&mut v, &mut media, false);
        }
        let mut sigi: Value = serde_json::from_str(SIGI_JSON).expect("SIGI JSON");
        media::scan(&mut sigi, &mut media, false);
        let mut detail: Value = serde_json::from_str(ITEM_DETAIL_JSON).expect("item detail JSON");
        media::scan(&mut detail, &mut media, false);
        let d1_item =
            d1["__DEFAULT_SCOPE__"]["webapp.video-detail"]["itemInfo"]["itemStruct"].take();
        let next_item = detail["itemInfo"]["itemStruct"].take();
        Fixtures {
            media,
            d1_item,
            next_item,
        }
    })
}

/// Forces the fixture parse (so the first request does not pay for it).
pub fn warm_up() {
    fixtures();
}

/// A media URL listed in a fixture or a generated item, by path+query.
/// The file a CDN URL names: a fixture's media, else the generated file the URL describes.
pub fn media_file(host: &str, path_query: &str) -> FileSpec {
    known_media(path_query).unwrap_or_else(|| media::resolve(host, path_query))
}

pub fn known_media(path_query: &str) -> Option<FileSpec> {
    if let Some(spec) = fixtures().media.get(path_query) {
        return Some(*spec);
    }
    // Only generated items' URLs carry `imt=`; other misses need not build them.
    if path_query.contains("imt=") {
        if let Some(spec) = generated().media.get(path_query) {
            return Some(*spec);
        }
        return batch_media(path_query);
    }
    None
}

/// First id of the batch family: `BATCH_BASE + n` for n in 1..=BATCH_POSTS are D1-shaped posts
/// with their own small media, built on first request (a 500-URL batch test should not make
/// every other test pay for 5,000 items).
pub const BATCH_BASE: u64 = GEN_BASE + 100_000;
pub const BATCH_POSTS: u64 = 5000;
/// `CHANGING_BASE + n` (n in 1..=BATCH_POSTS): batch post n's twin (its own id) whose caption
/// grows or shrinks on every page request, as a live post's caption or view count changes
/// between two fetches: two fetches give bodies of different
/// lengths.
pub const CHANGING_BASE: u64 = GEN_BASE + 200_000;

struct BatchCache {
    items: HashMap<u64, Value>,
    media: HashMap<String, FileSpec>,
}

fn batch_cache() -> &'static std::sync::Mutex<BatchCache> {
    static C: OnceLock<std::sync::Mutex<BatchCache>> = OnceLock::new();
    C.get_or_init(|| {
        std::sync::Mutex::new(BatchCache {
            items: HashMap::new(),
            media: HashMap::new(),
        })
    })
}

fn batch_item(id: u64) -> Option<Value> {
    let n = [BATCH_BASE, CHANGING_BASE]
        .into_iter()
        .filter_map(|base| id.checked_sub(base))
        .find(|n| (1..=BATCH_POSTS).contains(n))?;
    let mut cache = batch_cache().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(v) = cache.items.get(&id) {
        return Some(v.clone());
    }
    let base = serde_json::to_string(&fixtures().d1_item).ok()?;
    let ct = GEN_NEWEST - 900 * 3600 - n as i64 * 60;
    let item = make_item(&base, id, n, ct, None, &mut cache.media);
    cache.items.insert(id, item.clone());
    Some(item)
}

fn batch_media(path_query: &str) -> Option<FileSpec> {
    let cache = batch_cache().lock().unwrap_or_else(|e| e.into_inner());
    cache.media.get(path_query).copied()
}

/// Replaces the JSON value of `"key":` (an object or array) in `page`.
pub fn replace_scope(page: &str, key: &str, value: &str) -> String {
    let needle = format!("\"{key}\":");
    let Some(i) = page.find(&needle) else {
        return page.to_string();
    };
    let start = i + needle.len();
    let end = start + json_value_len(&page[start..]);
    format!("{}{}{}", &page[..start], value, &page[end..])
}

/// Length of the object or array that starts `s`, skipping brackets inside strings.
fn json_value_len(s: &str) -> usize {
    let (mut depth, mut in_str, mut esc) = (0i32, false, false);
    for (i, c) in s.bytes().enumerate() {
        if in_str {
            match c {
                _ if esc => esc = false,
                b'\\' => esc = true,
                b'"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            b'"' => in_str = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
    }
    s.len()
}

fn status_page(code: u64, msg: &str) -> String {
    let scope = json!({"statusCode": code, "statusMsg": msg}).to_string();
    replace_scope(NOT_EXIST_HTML, "webapp.video-detail", &script_safe(&scope))
}

/// A desktop page (D1's) holding `item` as its post.
pub(crate) fn item_page(item: &Value) -> String {
    let desc = item["desc"].as_str().unwrap_or("");
    let scope = json!({
        "itemInfo": {"itemStruct": item},
        "shareMeta": {"title": "TikTok", "desc": desc},
        "statusCode": 0,
        "statusMsg": "",
    });
    replace_scope(
        D1_HTML,
        "webapp.video-detail",
        &script_safe(&scope.to_string()),
    )
}

/// The page HTML for a post id; the login (401) and challenge (403) ids are handled by the
/// router before this.
pub fn post_page(id: u64) -> String {
    match id {
        D1_ID => D1_HTML.to_string(),
        D2_ID => D2_HTML.to_string(),
        M1_ID => M1_HTML.to_string(),
        M2_ID => M2_HTML.to_string(),
        SIGI_ID => format!(
            r#"<!DOCTYPE html><html><head><title>TikTok</title></head><body><script id="SIGI_STATE" type="application/json">{}</script></body></html>"#,
            script_safe(SIGI_JSON.trim())
        ),
        NEXT_ID => {
            let item = script_safe(&fixtures().next_item.to_string());
            format!(
                r#"<!DOCTYPE html><html><head><title>TikTok</title></head><body><script id="__NEXT_DATA__" type="application/json">{{"props":{{"pageProps":{{"statusCode":0,"itemInfo":{{"itemStruct":{item}}}}}}},"page":"/@[uniqueId]/video/[id]"}}</script></body></html>"#
            )
        }
        EMPTY_SHELL_ID => EMPTY_SHELL_HTML.to_string(),
        7000000000000010216 => status_page(10216, "item is private"),
        7000000000000010222 => status_page(10222, "ErrBizUserSecret"),
        7000000000000010221 => status_page(10221, "user not exist"),
        7000000000000010202 => status_page(10202, "user banned"),
        7000000000000209002 => status_page(209002, "item is restricted"),
        CLASSIFIED_ID => {
            let d1 = &fixtures().d1_item;
            let item = json!({
                "id": CLASSIFIED_ID.to_string(),
                "desc": d1["desc"],
                "createTime": d1["createTime"],
                "author": d1["author"],
                "stats": d1["stats"],
                "isContentClassified": true,
            });
            item_page(&item)
        }
        _ => match generated_item(id).cloned().or_else(|| batch_item(id)) {
            Some(item) => {
                let mut item = item;
                // Pages carry createTime as a string, the APIs as a number.
                item["createTime"] = Value::String(item["createTime"].to_string());
                if id > CHANGING_BASE {
                    static FETCHES: std::sync::atomic::AtomicUsize =
                        std::sync::atomic::AtomicUsize::new(0);
                    let k = FETCHES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    item["desc"] = Value::String(format!("changing {}", "x".repeat(k % 13 * 97)));
                }
                item_page(&item)
            }
            None => NOT_EXIST_HTML.to_string(),
        },
    }
}

/// The real WAF page with our own `cs`.
pub fn challenge_page(cs: &str) -> String {
    let open = r#"<p id="cs" class=""#;
    let Some(i) = WAF_HTML.find(open) else {
        return WAF_HTML.to_string();
    };
    let start = i + open.len();
    let end = start + WAF_HTML[start..].find('"').unwrap_or(0);
    format!("{}{}{}", &WAF_HTML[..start], cs, &WAF_HTML[end..])
}

fn user_post_count(user: &str, listed: Option<u64>) -> u64 {
    match user {
        "imitation45" => PROFILE_POSTS,
        "loopy" => LOOPY_PAGE as u64,
        _ => listed.unwrap_or(0),
    }
}

/// Accounts the imitation has; any other name gets TikTok's "user not exist" profile page.
const KNOWN_USERS: &[&str] = &[
    "imitation45",
    "loopy",
    "dylanlemay",
    "recipe.pocket",
    PROFILE_USER,
];

/// The profile page of `user`: the real capture made to be theirs, or, for an account the
/// imitation does not have, `webapp.user-detail` with statusCode 10221 "user not exist" and no
/// user (the shape tests/fixtures/SOURCES.md records for 10222, with the code docs/tiktok-protocol.md gives for a
/// missing account). `listed`: the post count of an account another module generates (the
/// campaign's lists), which the imitation then has too.
pub fn profile_page(user: &str, listed: Option<u64>) -> String {
    if !KNOWN_USERS.contains(&user) && listed.is_none() {
        let data = r#"{"__DEFAULT_SCOPE__":{"webapp.user-detail":{"statusCode":10221,"statusMsg":"user not exist","userInfo":{}}}}"#;
        return format!(
            "<!DOCTYPE html><html><head><title>TikTok</title></head><body>\
             <script id=\"__UNIVERSAL_DATA_FOR_REHYDRATION__\" type=\"application/json\">{data}</script>\
             </body></html>"
        );
    }
    let n = user_post_count(user, listed);
    PROFILE_HTML
        .replace(PROFILE_SEC_UID, &sec_uid(user))
        .replace(PROFILE_USER, user)
        .replace("\"videoCount\":27", &format!("\"videoCount\":{n}"))
        .replace("\"videoCount\":\"27\"", &format!("\"videoCount\":\"{n}\""))
}

pub fn collection_page(user: &str, id: u64) -> String {
    let total = if id == LIST_COLLECTION_ID {
        COLLECTION_POSTS
    } else {
        0
    };
    COLLECTION_HTML
        .replace(COLLECTION_ID, &id.to_string())
        .replace("\"total\":\"29\"", &format!("\"total\":\"{total}\""))
        .replace("recipe.pocket", user)
}

struct Generated {
    profile: Vec<Value>,
    collection: Vec<Value>,
    media: HashMap<String, FileSpec>,
}

/// Built on first use: most tests never list anything.
fn generated() -> &'static Generated {
    static G: OnceLock<Generated> = OnceLock::new();
    G.get_or_init(|| {
        let base = serde_json::to_string(&fixtures().d1_item).expect("serialize D1 item");
        let mut media = HashMap::new();
        let profile = (1..=PROFILE_POSTS)
            .map(|n| {
                let author = ("imitation45", sec_uid("imitation45"));
                let ct = GEN_NEWEST - n as i64 * 7 * 3600;
                make_item(&base, GEN_BASE + n, n, ct, Some(author), &mut media)
            })
            .collect();
        let collection = (1..=COLLECTION_POSTS)
            .map(|n| {
                let ct = GEN_NEWEST - 400 * 3600 - n as i64 * 5 * 3600;
                make_item(&base, GEN_BASE + 1000 + n, n, ct, None, &mut media)
            })
            .collect();
        Generated {
            profile,
            collection,
            media,
        }
    })
}

fn make_item(
    base: &str,
    id: u64,
    n: u64,
    create_time: i64,
    author: Option<(&str, String)>,
    media: &mut HashMap<String, FileSpec>,
) -> Value {
    let mut s = base.replace(&D1_ID.to_string(), &id.to_string());
    if let Some((user, sec)) = author {
        s = s.replace(D1_SEC_UID, &sec).replace(D1_AUTHOR, user);
    }
    let mut item: Value = serde_json::from_str(&s).expect("generated item");
    item["createTime"] = Value::from(create_time);
    item["desc"] = Value::from(format!("Imitation post number {n} #imitation #tikdl"));
    tag_media_urls(&mut item, id);
    media::scan(&mut item, media, true);
    item
}

/// Gives every CDN URL of a generated item its own identity (and so its own bytes and size).
pub(crate) fn tag_media_urls(v: &mut Value, id: u64) {
    match v {
        Value::String(s) => {
            let Some(rest) = s.strip_prefix("https://") else {
                return;
            };
            let host = rest.split('/').next().unwrap_or("");
            let path = &rest[host.len()..];
            if crate::media::is_cdn_host(host) || path.starts_with("/aweme/v1/play/") {
                let sep = if s.contains('?') { '&' } else { '?' };
                s.push_str(&format!("{sep}imt={id}"));
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|c| tag_media_urls(c, id)),
        Value::Object(m) => m.values_mut().for_each(|c| tag_media_urls(c, id)),
        _ => {}
    }
}

fn generated_item(id: u64) -> Option<&'static Value> {
    let n = id.checked_sub(GEN_BASE)?;
    if (1..=PROFILE_POSTS).contains(&n) {
        generated().profile.get(n as usize - 1)
    } else if (1001..=1000 + COLLECTION_POSTS).contains(&n) {
        generated().collection.get(n as usize - 1001)
    } else {
        None
    }
}

fn list_json(items: &[Value], cursor: String, has_more: bool) -> String {
    let logid = format!("2026010100000000IMITATION{:05}", items.len());
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    json!({
        "statusCode": 0,
        "status_code": 0,
        "status_msg": "",
        "itemList": items,
        "cursor": cursor,
        "hasMore": has_more,
        "extra": {"fatal_item_ids": [], "logid": logid, "now": now_ms},
        "log_pb": {"impr_id": logid},
    })
    .to_string()
}

/// `/api/post/item_list/`: newest first; the cursor is the createTime (ms) of the last item
/// returned, and the next page holds older items.
pub fn post_list(sec: &str, cursor: u64, count: usize) -> String {
    if sec == sec_uid("loopy") {
        // The same page forever, with a cursor that still moves: only a client that notices the
        // repeated ids stops.
        let next = if cursor == 0 {
            GEN_NEWEST as u64 * 1000
        } else {
            cursor.saturating_sub(1000)
        };
        let page = &generated().profile[..LOOPY_PAGE];
        return list_json(page, next.to_string(), true);
    }
    if sec != sec_uid("imitation45") {
        return list_json(&[], cursor.to_string(), false);
    }
    let all = &generated().profile;
    let ms = |v: &Value| v["createTime"].as_u64().unwrap_or(0) * 1000;
    let first = all
        .iter()
        .position(|v| cursor == 0 || ms(v) < cursor)
        .unwrap_or(all.len());
    let page = &all[first..(first + count).min(all.len())];
    let next = page.last().map_or(cursor, ms);
    list_json(page, next.to_string(), first + page.len() < all.len())
}

/// `/api/collection/item_list/`: the cursor is an offset.
pub fn collection_list(id: u64, cursor: u64, count: usize) -> String {
    if id != LIST_COLLECTION_ID {
        return list_json(&[], cursor.to_string(), false);
    }
    let all = &generated().collection;
    let first = (cursor as usize).min(all.len());
    let end = (first + count).min(all.len());
    list_json(&all[first..end], end.to_string(), end < all.len())
}

/// D1's post item (as served), for families of posts built from it.
pub(crate) fn d1_item() -> &'static Value {
    &fixtures().d1_item
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_pages_replace_scope() {
        let p = post_page(7000000000000010222);
        assert!(p.contains(
            r#""webapp.video-detail":{"statusCode":10222,"statusMsg":"ErrBizUserSecret"}"#
        ));
        assert!(!p.contains("10204"));
        let p = post_page(7000000000000000777);
        assert!(p.contains(r#""isContentClassified":true"#));
    }

    #[test]
    fn d1_sizes_known() {
        let pq = "/video/tos/useast2a/tos-useast2a-ve-68c810-euttp/o0vKALDgwITQF0XqdIfDjs7i2uEaefIzAELotQ/?a=1988&bti=ODszNWYuMDE6&&bt=1267&ft=4KJMyMzm8Zmo0t8JJa4jV-z.QpWrKsd.&mime_type=video_mp4&rc=Omc1ZzpkNDdlaGkzaGczOUBpMzU5NHE5cmh5OTMzbzczNUBjY2AwYS01XzAxLTZeMGNeYSNea19fMmRzaV9hLS1kMTFzcw%3D%3D&expire=1784355633&l=20260716061939267AC1A1D97A4203D6EA&ply_type=2&policy=2&signature=2babc72f01261d964acc4a7f0db5691e&tk=tt_chain_token&btag=e00088000";
        assert_eq!(known_media(pq).unwrap().size, 8788538);
    }

    #[test]
    fn lists_page_through() {
        let mut cursor = 0;
        let mut ids = Vec::new();
        loop {
            let v: Value =
                serde_json::from_str(&post_list(&sec_uid("imitation45"), cursor, 30)).unwrap();
            for it in v["itemList"].as_array().unwrap() {
                ids.push(it["id"].as_str().unwrap().to_string());
            }
            cursor = v["cursor"].as_str().unwrap().parse().unwrap();
            if !v["hasMore"].as_bool().unwrap() {
                break;
            }
        }
        assert_eq!(ids.len(), 45);
        assert_eq!(ids[0], "7300000000000000001");
        let v: Value = serde_json::from_str(&collection_list(LIST_COLLECTION_ID, 30, 30)).unwrap();
        assert_eq!(v["itemList"].as_array().unwrap().len(), 3);
        assert_eq!(v["hasMore"], false);
        // Generated media: DataSize matches what the CDN serves.
        let item = &v["itemList"][0];
        let b = &item["video"]["bitrateInfo"][0]["PlayAddr"];
        let url = b["UrlList"][0].as_str().unwrap();
        let spec = known_media(media::path_query(url).unwrap()).unwrap();
        assert_eq!(Some(spec.size), b["DataSize"].as_u64());
    }
}
