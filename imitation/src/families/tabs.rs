//! Profile tabs, playlists (mixes), a profile reached by its secUid, and avatars.
//!
//! What a client sees, and where each name comes from (tikdl's docs/tiktok-protocol.md,
//! "Profile tabs and playlists"):
//! * `/@tabber`: `webapp.user-detail` with `userInfo.user.{id, uniqueId, nickname, secUid,
//!   avatarLarger, avatarMedium, avatarThumb}` (gallery-dl `gallery_dl/extractor/tiktok.py`
//!   `TiktokAvatarExtractor` and `_extract_author_id` read these; the 2026-02 user-detail
//!   capture has them at that place).
//! * `GET /api/repost/item_list/`, `/api/favorite/item_list/`, `/api/user/collect/item_list/`
//!   with `secUid`, `count`, `cursor` (gallery-dl `TiktokRepostItemListRequest`,
//!   `TiktokFavoriteItemListRequest`, `TiktokSavedPostItemListRequest`; TikTok-Api
//!   `TikTokApi/api/user.py` `liked()`): `itemList`, `cursor`, `hasMore`. Reposts page by offset
//!   (gallery-dl `TiktokItemCursor`).
//! * `GET /api/story/item_list/` with `authorId`, `loadBackward`, `count`, `cursor`: `itemList`,
//!   `MaxCursor`, `HasMoreAfter` (gallery-dl `TiktokStoryItemListRequest`,
//!   `TiktokStoryTimeCursor`).
//! * `GET /api/mix/item_list/` with `mixId`, `count` (at most 30), `cursor` (TikTok-Api
//!   `TikTokApi/api/playlist.py`): `itemList`, `cursor`, `hasMore`.
//!
//! Strictness (where the sources are silent, this imitation's choice): a parameter every source
//! sends is required (missing or non-numeric: 400 with a JSON error), names are case-sensitive,
//! a mix page of more than 30 is refused. `@tabber_private` hides its likes: the answer has no
//! `itemList` (the shape gallery-dl and TikTok-Api read as a hidden list). Saved lists answer
//! only a request carrying a `sessionid` cookie; without one the answer has no `itemList`.

use serde_json::{Value, json};

use crate::fixtures;

/// The account with every tab.
pub const TAB_USER: &str = "tabber";
/// The same account shape, its liked list hidden.
pub const PRIVATE_USER: &str = "tabber_private";
/// `userInfo.user.id` of `@tabber` (and the id its avatar is listed under).
pub const TAB_USER_ID: u64 = 7_800_000_000_000_000_001;
/// `userInfo.user.id` of `@tabber_private`.
pub const PRIVATE_USER_ID: u64 = 7_800_000_000_000_000_002;
/// The playlist `/@tabber/playlist/imitation-mix-{MIX_ID}`: the 33 collection items.
pub const MIX_ID: u64 = 7_800_000_000_000_000_077;
/// Stories of `@tabber`: the first 12 collection items.
pub const STORIES: usize = 12;
/// Saved posts of the logged-in session: the first 20 profile items.
pub const SAVED: usize = 20;

/// A full-length secUid (as TikTok's: the prefix and 64 more) whose posts are the 45 profile
/// items; it has no page by name, so only `tiktokuser:` or `/@SECUID` reach it.
pub fn sec_only() -> String {
    format!(
        "MS4wLjABAAAA{}",
        "SecOnly-_0123456789".repeat(4)[..64].to_owned()
    )
}

fn user_id(user: &str) -> Option<u64> {
    match user {
        TAB_USER => Some(TAB_USER_ID),
        PRIVATE_USER => Some(PRIVATE_USER_ID),
        _ => None,
    }
}

/// The avatar URLs of `user`, largest first (on a CDN host, so the CDN serves them).
pub fn avatar_urls(user: &str) -> [String; 3] {
    let base = "https://p16-sign-va.tiktokcdn.com/tos-maliva-avt-0068";
    ["1080x1080", "720x720", "100x100"]
        .map(|size| format!("{base}/{user}~c5_{size}.jpeg?imt=avatar"))
}

/// The profile page of `@tabber` or `@tabber_private`, `None` for any other name.
pub fn profile_page(user: &str) -> Option<String> {
    let id = user_id(user)?;
    let [large, medium, thumb] = avatar_urls(user);
    let scope = json!({
        "statusCode": 0,
        "statusMsg": "",
        "userInfo": {
            "user": {
                "id": id.to_string(),
                "uniqueId": user,
                "nickname": format!("Tab {user}"),
                "secUid": fixtures::sec_uid(user),
                "avatarLarger": large,
                "avatarMedium": medium,
                "avatarThumb": thumb,
            },
            "stats": {"videoCount": 0},
        },
    });
    let data = json!({"__DEFAULT_SCOPE__": {"webapp.user-detail": scope}});
    Some(format!(
        r#"<!DOCTYPE html><html><head><title>{user} | TikTok</title></head><body><script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">{}</script></body></html>"#,
        fixtures::script_safe(&data.to_string())
    ))
}

/// `(status, body)` for a tab or mix API path (`segs`: the path split on '/'); `session`: the
/// request carries a `sessionid` cookie.
pub fn answer(segs: &[&str], query: &str, session: bool) -> (u16, String) {
    let result = match segs {
        ["api", "repost", "item_list"] => by_sec_uid(query, Kind::Reposts, session),
        ["api", "favorite", "item_list"] => by_sec_uid(query, Kind::Likes, session),
        ["api", "user", "collect", "item_list"] => by_sec_uid(query, Kind::Saved, session),
        ["api", "story", "item_list"] => stories(query),
        ["api", "mix", "item_list"] => mix(query),
        _ => return (404, json!({"error": "no such API"}).to_string()),
    };
    match result {
        Ok(body) => (200, body),
        Err(msg) => (400, json!({"error": msg}).to_string()),
    }
}

/// `/api/post/item_list/` for [`sec_only`]'s secUid, `None` for any other.
pub fn post_list(sec: &str, cursor: u64, count: usize) -> Option<String> {
    (sec == sec_only()).then(|| {
        let items = profile_items();
        page(&items, cursor as usize, count, "cursor", "hasMore")
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Reposts,
    Likes,
    Saved,
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

fn count(query: &str, max: u64) -> Result<usize, String> {
    match number(query, "count")? {
        0 => Err("count is 0".into()),
        n if n > max => Err(format!("count above {max}")),
        n => Ok(n as usize),
    }
}

fn by_sec_uid(query: &str, kind: Kind, session: bool) -> Result<String, String> {
    let sec = param(query, "secUid").ok_or("missing secUid")?;
    let cursor = number(query, "cursor")? as usize;
    let count = count(query, 50)?;
    // The randomized campaign's profiles list their posts in these tabs too (offset cursors).
    if matches!(kind, Kind::Reposts | Kind::Likes)
        && let Some(body) = crate::families::campaign::post_list(&sec, cursor as u64, count)
    {
        return Ok(body);
    }
    let hidden = json!({"statusCode": 0, "status_code": 0, "status_msg": "", "hasMore": false});
    let tabber = sec == fixtures::sec_uid(TAB_USER);
    let private = sec == fixtures::sec_uid(PRIVATE_USER);
    let items = match kind {
        Kind::Reposts if tabber => profile_items(),
        Kind::Likes if tabber => collection_items(),
        Kind::Likes if private => return Ok(hidden.to_string()),
        // The session's own favourites, whatever secUid it names; none without a session.
        Kind::Saved if !session => return Ok(hidden.to_string()),
        Kind::Saved if tabber => profile_items().into_iter().take(SAVED).collect(),
        _ => Vec::new(),
    };
    Ok(page(&items, cursor, count, "cursor", "hasMore"))
}

fn stories(query: &str) -> Result<String, String> {
    let author = number(query, "authorId")?;
    match param(query, "loadBackward").as_deref() {
        Some("true" | "false") => {}
        _ => return Err("loadBackward must be true or false".into()),
    }
    let cursor = number(query, "cursor")? as usize;
    let count = count(query, 20)?;
    let items = if author == TAB_USER_ID {
        collection_items().into_iter().take(STORIES).collect()
    } else {
        Vec::new()
    };
    Ok(page(&items, cursor, count, "MaxCursor", "HasMoreAfter"))
}

fn mix(query: &str) -> Result<String, String> {
    let id = number(query, "mixId")?;
    let cursor = number(query, "cursor")? as usize;
    let count = count(query, 30)?;
    let items = if id == MIX_ID {
        collection_items()
    } else {
        Vec::new()
    };
    Ok(page(&items, cursor, count, "cursor", "hasMore"))
}

/// One page from `cursor` (an offset), with the next cursor and "more" under the names given.
fn page(all: &[Value], cursor: usize, count: usize, cursor_key: &str, more_key: &str) -> String {
    let first = cursor.min(all.len());
    let end = (first + count).min(all.len());
    let mut v = json!({
        "statusCode": 0,
        "status_code": 0,
        "status_msg": "",
        "itemList": &all[first..end],
    });
    v[cursor_key] = json!(end.to_string());
    v[more_key] = json!(end < all.len());
    v.to_string()
}

/// The 45 generated profile items (newest first), through the public list answer.
pub fn profile_items() -> Vec<Value> {
    let sec = fixtures::sec_uid("imitation45");
    super::lists::items_of(|c| fixtures::post_list(&sec, c, 50))
}

/// The 33 generated collection items.
pub fn collection_items() -> Vec<Value> {
    super::lists::items_of(|c| fixtures::collection_list(fixtures::LIST_COLLECTION_ID, c, 50))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_answer_as_the_sources_read_them() {
        let sec = fixtures::sec_uid(TAB_USER);
        let q = |rest: &str| format!("secUid={sec}&count=15&cursor={rest}");
        let (status, body) = answer(&["api", "repost", "item_list"], &q("0"), false);
        assert_eq!(status, 200);
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["itemList"].as_array().unwrap().len(), 15);
        assert_eq!(v["cursor"], "15");
        assert_eq!(v["hasMore"], true);
        let (_, body) = answer(&["api", "user", "collect", "item_list"], &q("0"), false);
        assert!(!body.contains("itemList"), "{body}");
        let (_, body) = answer(&["api", "user", "collect", "item_list"], &q("0"), true);
        assert!(body.contains("itemList"));
        let private = format!(
            "secUid={}&count=15&cursor=0",
            fixtures::sec_uid(PRIVATE_USER)
        );
        let (_, body) = answer(&["api", "favorite", "item_list"], &private, false);
        assert!(!body.contains("itemList"), "{body}");
        for bad in ["count=15&cursor=0", &format!("secUid={sec}&count=15")] {
            assert_eq!(answer(&["api", "repost", "item_list"], bad, false).0, 400);
        }
        let story = format!("authorId={TAB_USER_ID}&loadBackward=false&count=5&cursor=10");
        let v: Value =
            serde_json::from_str(&answer(&["api", "story", "item_list"], &story, false).1).unwrap();
        assert_eq!(v["itemList"].as_array().unwrap().len(), 2);
        assert_eq!(v["MaxCursor"], "12");
        assert_eq!(v["HasMoreAfter"], false);
        let no_backward = format!("authorId={TAB_USER_ID}&count=5&cursor=0");
        assert_eq!(
            answer(&["api", "story", "item_list"], &no_backward, false).0,
            400
        );
        let mix = format!("mixId={MIX_ID}&count=31&cursor=0");
        assert_eq!(answer(&["api", "mix", "item_list"], &mix, false).0, 400);
        assert_eq!(sec_only().len(), 12 + 64);
        assert!(profile_page(TAB_USER).unwrap().contains("avatarLarger"));
        assert!(profile_page("someone").is_none());
    }
}
