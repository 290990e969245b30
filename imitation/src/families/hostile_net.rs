//! Hostile network posts (`NET_BASE + n`): pages that point media at foreign hosts or plain
//! http, redirect where a client must not follow, trickle, or answer with oversized heads.
//! It builds `body::Reply` values.
//!
//! | n  | behaviour |
//! |----|-----------|
//! | 01 | D1, but its best rendition (1080p) lives on `https://attacker.example/` |
//! | 02 | D1 with every media, cover and subtitle URL on `https://attacker.example/` |
//! | 03 | D1 with every media URL on `http://127.0.0.1:9/` (plain http, a local address) |
//! | 04 | 302 to `http://www.tiktok.com/@u/video/<NET_BASE+1>` (https → http downgrade) |
//! | 05 | 302 to `file:///etc/passwd` |
//! | 06 | a page sent one byte per second |
//! | 07 | 10,000 response headers |
//! | 08 | one 1 MB response header |
//! | 09 | 431 Request Header Fields Too Large |
//! | 10 | D1 with every media URL on `https://wrongcert.tiktokcdn.com/`, whose certificate (see
//! |    | `tls.rs`) is for another name |

use std::time::Duration;

use serde_json::Value;

use crate::body::Reply;

/// `NET_BASE + 1` is the first post. The ids given to this family were 73000000000000000NN,
/// but `fixtures::GEN_BASE + 1..=45` (7300000000000000001..045) are the generated profile posts,
/// so the family uses NN = 91..=99.
pub const NET_BASE: u64 = 7300000000000000090;
pub const NET_POSTS: u64 = 10;

pub fn is_net(id: u64) -> bool {
    id.checked_sub(NET_BASE)
        .is_some_and(|n| (1..=NET_POSTS).contains(&n))
}

/// Every `https://HOST/` at the start of a string in `v` becomes `to` (which ends in `/`).
fn rehost(v: &mut Value, to: &str) {
    match v {
        Value::String(s) => {
            if let Some(rest) = s.strip_prefix("https://")
                && let Some(slash) = rest.find('/')
            {
                *s = format!("{to}{}", &rest[slash + 1..]);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| rehost(x, to)),
        Value::Object(o) => o.values_mut().for_each(|x| rehost(x, to)),
        _ => {}
    }
}

fn item(id: u64) -> Value {
    let mut item = crate::families::hostile_names::d1_item().clone();
    item["id"] = Value::from(id.to_string());
    item
}

/// Post `id`'s answer.
pub fn reply(id: u64) -> Reply {
    match id - NET_BASE {
        1 => {
            let mut item = item(id);
            if let Some(list) = item["video"]["bitrateInfo"].as_array_mut() {
                for b in list {
                    if b["GearName"] == "adapt_lowest_1080_1" {
                        rehost(b, "https://attacker.example/");
                    }
                }
            }
            Reply::html(200, crate::fixtures::item_page(&item))
        }
        2 => {
            let mut item = item(id);
            rehost(&mut item["video"], "https://attacker.example/");
            Reply::html(200, crate::fixtures::item_page(&item))
        }
        3 => {
            let mut item = item(id);
            for key in ["playAddr", "downloadAddr", "bitrateInfo", "PlayAddrStruct"] {
                rehost(&mut item["video"][key], "http://127.0.0.1:9/");
            }
            Reply::html(200, crate::fixtures::item_page(&item))
        }
        4 => Reply::redirect(
            302,
            &format!("http://www.tiktok.com/@u/video/{}", NET_BASE + 1),
        ),
        5 => Reply::redirect(302, "file:///etc/passwd"),
        6 => Reply::small_page(200, "A page that arrives one byte per second"),
        7 => {
            let mut r = Reply::small_page(200, "Many headers");
            for i in 0..10_000 {
                r = r.header("x-pad", format!("{i}"));
            }
            r
        }
        8 => Reply::small_page(200, "Huge header").header("x-huge", "a".repeat(1 << 20)),
        9 => Reply::small_page(431, "Request Header Fields Too Large"),
        _ => {
            let mut item = item(id);
            rehost(&mut item["video"], "https://wrongcert.tiktokcdn.com/");
            Reply::html(200, crate::fixtures::item_page(&item))
        }
    }
}

/// The pause between bytes for a post that trickles (by request path).
pub fn trickle(path: &str) -> Option<Duration> {
    path.ends_with(&format!("/video/{}", NET_BASE + 6))
        .then_some(Duration::from_secs(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn family() {
        assert!(!is_net(NET_BASE) && is_net(NET_BASE + 1) && is_net(NET_BASE + 10));
        assert!(!is_net(NET_BASE + 11));
        let mut v = serde_json::json!({"a": ["https://x.tiktok.com/p?q=1", "plain"]});
        rehost(&mut v, "https://attacker.example/");
        assert_eq!(v["a"][0], "https://attacker.example/p?q=1");
        assert_eq!(v["a"][1], "plain");
        assert!(trickle("/@u/video/7300000000000000096").is_some());
    }
}
