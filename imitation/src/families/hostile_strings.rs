//! Posts and a list whose JSON carries strings and tokens that must never reach a path, a line
//! of a tikdl-owned file, or fail a post: a subtitle `Format` with `../`, a list item id with a newline, and odd JSON
//! tokens, as a hostile server sends them.
//!
//! Post `STRINGS_BASE + n` is D1's page (D1's media, so the CDN serves D1's bytes) with:
//!
//! | n | what |
//! |---|---|
//! | 1 | the `eng-US` subtitle's `Format` (and the caption's `captionFormat`) is [`TRAVERSAL_FORMAT`] |
//! | 2 | `desc` twice in the itemStruct: first [`EARLIER_DESC`], then the real one (Python's `json` keeps the last) |
//! | 3 | `stats.playCount` is `1e400` (out of range for a double) |
//! | 4 | `NaN`, `Infinity` and `-Infinity` in fields tikdl ignores |
//! | 5 | the `webapp.video-detail` scope key twice: first a stale 10204 answer, then the post |
//! | 6 | a plain post (the valid item of [`INJECT_USER`]'s list) |
//! | 7 | `desc` is [`LINE_BREAKING_DESC`]: U+2028, U+2029 and U+0085, where readers of NDJSON cut lines |
//! | 8 | `desc` is [`SHELL_DESC`]: command substitution, quotes and `;` that a shell would run |
//!
//! The profile `@`[`INJECT_USER`] lists two posts: first one whose id is [`INJECTED_ID`] (an id,
//! a newline and an archive line naming D1), then post `STRINGS_BASE + 6`.
//!
//! The profile `@`[`PINNED_USER`] lists posts `STRINGS_BASE + 6` and `+ 7`, the first marked
//! pinned (`"isPinnedItem": true`, as in
//! ../shared/tiktok-captures/api_post_item_list_1item_cursor_via_proxy_2025-10.json).

use serde_json::{Value, json};

/// `STRINGS_BASE + 1` is the first of these posts.
pub const STRINGS_BASE: u64 = 7_250_000_000_000_000_000;
/// How many there are.
pub const STRINGS_POSTS: u64 = 8;
/// The subtitle format of post 1: from the output folder `P`, `P/NAME.eng-US.webvtt/../../x`
/// is `P/../x`, a file beside `P`.
pub const TRAVERSAL_FORMAT: &str = "webvtt/../../escaped-by-tikdl";
/// The first of post 2's two descriptions.
pub const EARLIER_DESC: &str = "an earlier description that a later key replaces";
/// Post 7's caption: JSON allows these raw, but JavaScript and Python's `splitlines()` end a
/// line at each.
pub const LINE_BREAKING_DESC: &str = "one\u{2028}two\u{2029}three\u{85}four";
/// Post 8's caption: each part would run a command if put into a shell line unquoted (the
/// commands only make a file named `PWNED` in the current folder).
pub const SHELL_DESC: &str =
    "$(touch PWNED) `touch PWNED` '; touch PWNED; ' \"; touch PWNED; \" & touch PWNED";
/// The profile whose list injects an archive line.
pub const INJECT_USER: &str = "inject_archive";
/// The id of the first item in [`INJECT_USER`]'s list: it names D1 on a line of its own.
pub const INJECTED_ID: &str = "7500000000000001777\ntiktok 7608826249200356630";

/// The profile whose list has a pinned post first.
pub const PINNED_USER: &str = "pinned_first";

/// Whether `id` is one of these posts.
pub fn is_strings_post(id: u64) -> bool {
    id.checked_sub(STRINGS_BASE)
        .is_some_and(|n| (1..=STRINGS_POSTS).contains(&n))
}

fn item(id: &str) -> Value {
    let mut item = crate::families::hostile_names::d1_item().clone();
    item["id"] = json!(id);
    item
}

/// The page of post `id` (see [`is_strings_post`]).
pub fn page(id: u64) -> String {
    let n = id.saturating_sub(STRINGS_BASE);
    let mut item = item(&id.to_string());
    item["desc"] = json!(format!("hostile strings post {n}"));
    if n == 7 {
        item["desc"] = json!(LINE_BREAKING_DESC);
    }
    if n == 8 {
        item["desc"] = json!(SHELL_DESC);
    }
    if n == 1 {
        let v = &mut item["video"];
        if let Some(subs) = v["subtitleInfos"].as_array_mut() {
            for s in subs {
                s["Format"] = json!(TRAVERSAL_FORMAT);
            }
        }
        if let Some(caps) = v["claInfo"]["captionInfos"].as_array_mut() {
            for c in caps {
                c["captionFormat"] = json!(TRAVERSAL_FORMAT);
            }
        }
    }
    // Tokens serde_json cannot write are put into the text.
    let mut text = item.to_string();
    match n {
        2 => text = format!(r#"{{"desc":{},{}"#, json!(EARLIER_DESC), &text[1..]),
        3 => {
            if let Some(at) = text.find(r#""stats":{"#) {
                let from = at + r#""stats":{"#.len();
                let key = r#""playCount":"#;
                if let Some(k) = text[from..].find(key) {
                    let start = from + k + key.len();
                    let len = text[start..]
                        .find(|c: char| !c.is_ascii_digit())
                        .unwrap_or(0);
                    text.replace_range(start..start + len, "1e400");
                }
            }
        }
        4 => {
            text = format!(
                r#"{{"imitationNaN":NaN,"imitationInf":[Infinity,-Infinity],{}"#,
                &text[1..]
            )
        }
        _ => {}
    }
    let desc = item["desc"].as_str().unwrap_or("").to_owned();
    let scope = format!(
        r#"{{"itemInfo":{{"itemStruct":{text}}},"shareMeta":{},"statusCode":0,"statusMsg":""}}"#,
        json!({"title": "TikTok", "desc": desc})
    );
    let page = crate::fixtures::replace_scope(
        crate::fixtures::D1_HTML,
        "webapp.video-detail",
        &crate::fixtures::script_safe(&scope),
    );
    if n == 5 {
        let key = r#""webapp.video-detail":"#;
        let stale = r#"{"statusCode":10204,"statusMsg":"stale copy"}"#;
        return page.replacen(key, &format!("{key}{stale},{key}"), 1);
    }
    page
}

/// The profile page of [`INJECT_USER`], else `None`.
pub fn profile_page(user: &str) -> Option<String> {
    (user == INJECT_USER || user == PINNED_USER).then(|| {
        let data = json!({"__DEFAULT_SCOPE__": {"webapp.user-detail": {
            "statusCode": 0,
            "statusMsg": "",
            "userInfo": {"user": {
                "id": "6800000000000000001",
                "uniqueId": user,
                "nickname": user,
                "secUid": crate::fixtures::sec_uid(user),
            }},
        }}});
        format!(
            "<!DOCTYPE html><html><head><title>TikTok</title></head><body>\
             <script id=\"__UNIVERSAL_DATA_FOR_REHYDRATION__\" type=\"application/json\">{}</script>\
             </body></html>",
            crate::fixtures::script_safe(&data.to_string())
        )
    })
}

/// `/api/post/item_list/` for [`INJECT_USER`]'s `secUid`, else `None`: one page, two items.
pub fn post_list(sec: &str) -> Option<String> {
    let items = if sec == crate::fixtures::sec_uid(INJECT_USER) {
        [item(INJECTED_ID), item(&(STRINGS_BASE + 6).to_string())]
    } else if sec == crate::fixtures::sec_uid(PINNED_USER) {
        let mut pinned = item(&(STRINGS_BASE + 6).to_string());
        pinned["isPinnedItem"] = json!(true);
        [pinned, item(&(STRINGS_BASE + 7).to_string())]
    } else {
        return None;
    };
    Some(
        json!({
            "statusCode": 0,
            "status_code": 0,
            "itemList": items,
            "cursor": "0",
            "hasMore": false,
        })
        .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn family() {
        assert!(!is_strings_post(STRINGS_BASE));
        assert!(is_strings_post(STRINGS_BASE + 1));
        assert!(is_strings_post(STRINGS_BASE + STRINGS_POSTS));
        assert!(!is_strings_post(STRINGS_BASE + STRINGS_POSTS + 1));
        assert!(page(STRINGS_BASE + 1).contains("webvtt/../../escaped-by-tikdl"));
        assert_eq!(page(STRINGS_BASE + 2).matches(EARLIER_DESC).count(), 1);
        assert!(page(STRINGS_BASE + 3).contains(r#""playCount":1e400"#));
        assert!(page(STRINGS_BASE + 4).contains(r#""imitationNaN":NaN"#));
        assert_eq!(
            page(STRINGS_BASE + 5)
                .matches(r#""webapp.video-detail":"#)
                .count(),
            2
        );
        let list: Value =
            serde_json::from_str(&post_list(&crate::fixtures::sec_uid(INJECT_USER)).unwrap())
                .unwrap();
        assert_eq!(list["itemList"][0]["id"], INJECTED_ID);
        let list: Value =
            serde_json::from_str(&post_list(&crate::fixtures::sec_uid(PINNED_USER)).unwrap())
                .unwrap();
        assert_eq!(list["itemList"][0]["isPinnedItem"], true);
        assert!(list["itemList"][1].get("isPinnedItem").is_none());
        assert!(profile_page("someone").is_none());
        assert!(page(STRINGS_BASE + 7).contains('\u{2028}'));
    }
}
