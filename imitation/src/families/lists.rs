//! Music (sound) and hashtag (challenge) lists, plus the short links of odd post URLs.
//!
//! What a client sees, and where each name comes from:
//! * `/music/{name}-{id}`: a page whose `__UNIVERSAL_DATA_FOR_REHYDRATION__` has the scope
//!   `webapp.music-detail` = `{statusCode, statusMsg, musicInfo: {music: {id, title, authorName,
//!   playUrl, coverLarge, duration, original}, author, stats: {videoCount}}}`. Public scrapers read
//!   `__DEFAULT_SCOPE__['webapp.music-detail'].musicInfo.music.id` (and `.title`, `.authorName`,
//!   `musicInfo.stats.videoCount`); davidteather/TikTok-Api `TikTokApi/api/sound.py` reads the same
//!   `musicInfo.music.{id,title,original,playUrl,coverLarge,duration}` and `musicInfo.author`.
//! * `/tag/{name}`: scope `webapp.challenge-detail` = `{statusCode, statusMsg, challengeInfo:
//!   {challenge: {id, title, desc, ...}, stats: {videoCount, viewCount}}}`; TikTok-Api
//!   `TikTokApi/api/hashtag.py` reads `challengeInfo.challenge` (id, title), public scrapers read
//!   `['webapp.challenge-detail'].challengeInfo.challenge.id` and `challengeInfo.stats`.
//! * `GET /api/music/item_list/?musicID=&cursor=&count=` (sound.py sends exactly these three and
//!   reads `itemList`, `hasMore`, `cursor`) and `GET /api/challenge/item_list/?challengeID=&cursor=
//!   &count=` (hashtag.py, with `aid=1988`; it reads the same keys and `int(cursor)`). Answers
//!   have the post-list shape (`statusCode`, `itemList`, `cursor`, `hasMore`); the cursor is an
//!   offset (hashtag.py documents it as "the offset of videos from 0").
//!
//! Strictness (this imitation's choice where the sources are silent): parameter names are
//! case-sensitive as the sources spell them (`musicID`, `challengeID`); a missing or non-numeric
//! id, cursor or count is answered 400 with a JSON error; an id the imitation does not know gets
//! an empty list with `hasMore: false`, like unknown `secUid`s on `/api/post/item_list/`; an
//! unknown music or tag page is the real empty web-app shell (no data).

use serde_json::{Value, json};

use crate::fixtures;

/// `/music/imitation-sound-7700000000000000090`: 33 posts (the generated collection items).
pub const MUSIC_ID: u64 = 7700000000000000090;
pub const MUSIC_NAME: &str = "imitation-sound";
/// `/tag/imitationtag` has challenge id 7700000000000000091: 45 posts (the generated profile items).
pub const TAG_ID: u64 = 7700000000000000091;
pub const TAG_NAME: &str = "imitationtag";

const EMPTY_SHELL: &str =
    include_str!("../../../tests/fixtures/web_empty_shell_no_rehydration_2026-06.html");

/// `(status, content type, body)` for a music or tag page or list API path (`segs` is the path
/// split on '/', `query` the raw query string).
pub fn answer(segs: &[&str], query: &str) -> (u16, &'static str, String) {
    const HTML: &str = "text/html; charset=utf-8";
    match segs {
        ["music", slug] => {
            let id = slug.rsplit('-').next().and_then(|s| s.parse::<u64>().ok());
            match id {
                Some(MUSIC_ID) => (200, HTML, music_page()),
                _ => (200, HTML, EMPTY_SHELL.to_string()),
            }
        }
        ["tag", name] => {
            let name = crate::challenge::percent_decode(name);
            if name.eq_ignore_ascii_case(TAG_NAME) {
                (200, HTML, tag_page())
            } else {
                (200, HTML, EMPTY_SHELL.to_string())
            }
        }
        ["api", kind @ ("music" | "challenge"), "item_list"] => {
            let id_param = if *kind == "music" {
                "musicID"
            } else {
                "challengeID"
            };
            match list(query, id_param) {
                Ok(body) => (200, "application/json; charset=utf-8", body),
                Err(msg) => (
                    400,
                    "application/json; charset=utf-8",
                    json!({"error": msg}).to_string(),
                ),
            }
        }
        _ => (404, HTML, "<html><body>Page not found</body></html>".into()),
    }
}

fn param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        (k == name).then(|| crate::challenge::percent_decode(v))
    })
}

fn number(query: &str, name: &str) -> Result<u64, String> {
    let v = param(query, name).ok_or_else(|| format!("missing {name}"))?;
    v.parse().map_err(|_| format!("{name} is not a number"))
}

fn list(query: &str, id_param: &str) -> Result<String, String> {
    let id = number(query, id_param)?;
    let cursor = number(query, "cursor")? as usize;
    let count = (number(query, "count")? as usize).clamp(1, 50);
    let all = match (id_param, id) {
        ("musicID", MUSIC_ID) => music_items(),
        ("challengeID", TAG_ID) => tag_items(),
        _ => Vec::new(),
    };
    let first = cursor.min(all.len());
    let end = (first + count).min(all.len());
    Ok(json!({
        "statusCode": 0,
        "status_code": 0,
        "status_msg": "",
        "itemList": &all[first..end],
        "cursor": end.to_string(),
        "hasMore": end < all.len(),
    })
    .to_string())
}

/// The items of a generated list (all pages of it, through the public list answers).
pub(crate) fn items_of(page: impl Fn(u64) -> String) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor = 0;
    for _ in 0..10 {
        let v: Value = serde_json::from_str(&page(cursor)).unwrap_or(Value::Null);
        out.extend(v["itemList"].as_array().cloned().unwrap_or_default());
        if v["hasMore"] != Value::Bool(true) {
            break;
        }
        cursor = v["cursor"]
            .as_str()
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
    }
    out
}

/// The collection's 33 items, with this sound as their `music.id`.
fn music_items() -> Vec<Value> {
    let mut items = items_of(|c| fixtures::collection_list(fixtures::LIST_COLLECTION_ID, c, 50));
    for item in &mut items {
        item["music"]["id"] = Value::String(MUSIC_ID.to_string());
    }
    items
}

/// The profile's 45 items, each tagged with this challenge.
fn tag_items() -> Vec<Value> {
    let sec = fixtures::sec_uid("imitation45");
    let mut items = items_of(|c| fixtures::post_list(&sec, c, 50));
    for item in &mut items {
        item["challenges"] = json!([{"id": TAG_ID.to_string(), "title": TAG_NAME, "desc": ""}]);
    }
    items
}

fn page_with_scope(title: &str, key: &str, scope: Value) -> String {
    let data = json!({"__DEFAULT_SCOPE__": {key: scope}});
    format!(
        r#"<!DOCTYPE html><html><head><title>{title}</title></head><body><script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">{}</script></body></html>"#,
        fixtures::script_safe(&data.to_string())
    )
}

fn music_page() -> String {
    let items = music_items();
    let m = items.first().map_or(Value::Null, |i| i["music"].clone());
    let scope = json!({
        "statusCode": 0,
        "statusMsg": "",
        "musicInfo": {
            "music": {
                "id": MUSIC_ID.to_string(),
                "title": m["title"],
                "authorName": m["authorName"],
                "playUrl": m["playUrl"],
                "coverLarge": m["coverLarge"],
                "duration": m["duration"],
                "original": m["original"],
            },
            "author": items.first().map_or(Value::Null, |i| i["author"].clone()),
            "stats": {"videoCount": items.len()},
        },
    });
    page_with_scope(
        &format!("{MUSIC_NAME} | TikTok"),
        "webapp.music-detail",
        scope,
    )
}

fn tag_page() -> String {
    let scope = json!({
        "statusCode": 0,
        "statusMsg": "",
        "challengeInfo": {
            "challenge": {
                "id": TAG_ID.to_string(),
                "title": TAG_NAME,
                "desc": "",
                "isCommerce": false,
            },
            "stats": {"videoCount": tag_items().len(), "viewCount": 1000},
        },
    });
    page_with_scope("#imitationtag | TikTok", "webapp.challenge-detail", scope)
}

/// Short links (`vm.tiktok.com/ZMfid...`) to post URLs whose user part is odd, and one whose
/// target is not a post URL at all.
pub fn short_link_target(code: &str) -> Option<String> {
    let d1 = "7608826249200356630";
    Some(match code {
        "ZMfidodd1" => format!("https://www.tiktok.com/@..%2F..%2Fetc%2Fpasswd/video/{d1}"),
        "ZMfidodd2" => format!("https://www.tiktok.com/@{}/video/{d1}", "x".repeat(300)),
        "ZMfidodd3" => format!("https://www.tiktok.com/@/video/{d1}?_r=1"),
        "ZMfidodd4" => format!("https://www.tiktok.com/@%E6%97%A5%E6%9C%AC.-x/video/{d1}"),
        "ZMfidbad1" => "https://www.tiktok.com/@someone/video/12ab34".to_string(),
        _ => return None,
    })
}

/// Profiles for the memory and streaming bounds of list expansion, by name:
///
/// | name | pages |
/// |------|-------|
/// | `@many_N` | N posts, 35 per page (about what TikTok sends), newest first, the cursor an offset |
/// | `@fat_N` | N fresh posts on every page, `hasMore` forever |
/// | `@fat_N_P` | the same, P pages only |
/// | `@empty_forever` | empty pages, `hasMore` true and a cursor that moves, forever |
///
/// Items are minimal post items (id, desc, createTime, author, a duration): what a list page
/// needs for `--info-only`, and small enough that a long list is cheap to serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BigProfile {
    Many(u64),
    Fat { per_page: u64, pages: Option<u64> },
    EmptyForever,
}

/// Posts of `@many_N` per page.
pub const MANY_PAGE: u64 = 35;
/// Ids of the big profiles' posts: `BIG_BASE + page * 1_000_000 + n` for fat pages, `BIG_BASE + n`
/// for `@many_N` (N below a million).
pub const BIG_BASE: u64 = 7_600_000_000_000_000_000;
/// createTime of the newest post; each older one is a minute before.
const BIG_NEWEST: u64 = 1_767_225_600;

impl BigProfile {
    pub fn of(user: &str) -> Option<Self> {
        if user == "empty_forever" {
            return Some(Self::EmptyForever);
        }
        if let Some(n) = user.strip_prefix("many_") {
            return n.parse().ok().filter(|n| *n < 1_000_000).map(Self::Many);
        }
        let rest = user.strip_prefix("fat_")?;
        let (per_page, pages) = match rest.split_once('_') {
            Some((n, p)) => (n, Some(p.parse().ok()?)),
            None => (rest, None),
        };
        let per_page = per_page.parse().ok().filter(|n| *n < 1_000_000)?;
        Some(Self::Fat { per_page, pages })
    }
}

/// The profile page of a big profile: just the `webapp.user-detail` scope with its secUid.
pub fn big_profile_page(user: &str) -> Option<String> {
    BigProfile::of(user)?;
    let scope = json!({
        "statusCode": 0,
        "statusMsg": "",
        "userInfo": {
            "user": {"uniqueId": user, "secUid": fixtures::sec_uid(user), "nickname": user},
            "stats": {"videoCount": 0},
        },
    });
    Some(page_with_scope(
        &format!("{user} | TikTok"),
        "webapp.user-detail",
        scope,
    ))
}

/// `/api/post/item_list/` for a big profile's secUid (`None` for any other). Built as text:
/// a fat page has tens of thousands of items.
pub fn big_post_list(sec: &str, cursor: u64) -> Option<String> {
    let user = sec.strip_prefix(&fixtures::sec_uid(""))?;
    let profile = BigProfile::of(user)?;
    let (ids, next, has_more) = match profile {
        BigProfile::Many(n) => {
            let first = cursor.min(n);
            let end = (first + MANY_PAGE).min(n);
            ((first..end).map(|i| BIG_BASE + i).collect(), end, end < n)
        }
        BigProfile::Fat { per_page, pages } => {
            let ids = (0..per_page)
                .map(|i| BIG_BASE + cursor * 1_000_000 + i)
                .collect();
            let more = pages.is_none_or(|p| cursor + 1 < p);
            (ids, cursor + 1, more)
        }
        BigProfile::EmptyForever => (Vec::new(), cursor + 1, true),
    };
    let mut items = String::new();
    for id in ids {
        if !items.is_empty() {
            items.push(',');
        }
        let n = id - BIG_BASE;
        let created = BIG_NEWEST - (n % 1_000_000 + n / 1_000_000 * 1000) * 60;
        items.push_str(&format!(
            r#"{{"id":"{id}","desc":"post {n}","createTime":{created},"author":{{"uniqueId":"{user}","secUid":"{sec}"}},"video":{{"duration":10}}}}"#
        ));
    }
    Some(format!(
        r#"{{"statusCode":0,"status_code":0,"status_msg":"","itemList":[{items}],"cursor":"{next}","hasMore":{has_more}}}"#
    ))
}

#[cfg(test)]
mod big_tests {
    use super::*;

    #[test]
    fn big_profiles_by_name() {
        assert_eq!(
            BigProfile::of("many_100000"),
            Some(BigProfile::Many(100_000))
        );
        assert_eq!(
            BigProfile::of("fat_20000"),
            Some(BigProfile::Fat {
                per_page: 20_000,
                pages: None
            })
        );
        assert_eq!(
            BigProfile::of("fat_20000_8"),
            Some(BigProfile::Fat {
                per_page: 20_000,
                pages: Some(8)
            })
        );
        assert_eq!(BigProfile::of("many_x"), None);
        assert_eq!(BigProfile::of("imitation45"), None);
        let sec = fixtures::sec_uid("many_70");
        let page: Value = serde_json::from_str(&big_post_list(&sec, 35).unwrap()).unwrap();
        assert_eq!(page["itemList"].as_array().unwrap().len(), 35);
        assert_eq!(page["hasMore"], false);
        assert_eq!(page["cursor"], "70");
        let sec = fixtures::sec_uid("fat_3_2");
        let page: Value = serde_json::from_str(&big_post_list(&sec, 1).unwrap()).unwrap();
        assert_eq!(page["itemList"][2]["id"], "7600000000001000002");
        assert_eq!(page["hasMore"], false);
        assert!(
            big_profile_page("empty_forever")
                .unwrap()
                .contains(&fixtures::sec_uid("empty_forever"))
        );
    }
}
