//! Posts with hostile names: D1's page with one dangerous value placed in the description, the
//! author's `uniqueId` and `nickname`, and the sound's title, so that every template field a file
//! name can be made from (`title`, `description`, `uploader`, `channel`, `track`) carries it.
//!
//! Post `HOSTILE_BASE + n` (n = 1..=[`HOSTILE_NAMES`]`.len()`) carries `HOSTILE_NAMES[n - 1]`. The
//! media URLs are D1's, so the CDN serves D1's bytes for them.

use std::sync::OnceLock;

use serde_json::Value;

use crate::fixtures::D1_HTML;

/// `HOSTILE_BASE + 1` is the first hostile post.
pub const HOSTILE_BASE: u64 = 7100000000000000000;

/// The values, in post order.
pub const HOSTILE_NAMES: &[&str] = &[
    "../..",
    "..",
    ".",
    "/etc/passwd",
    "a/b\\c",
    "CON",
    "con.txt",
    "NUL",
    "a\u{0}b\u{1f}c",
    "first line\nsecond line",
    // 300 bytes of ASCII.
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    // 300 bytes of 4-byte emoji.
    "🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵🎵",
    "...",
    "trailing dots and spaces. . .  ",
    "%(id)s",
    "     ",
    "..\\..\\windows",
    "evil\u{202E}4pm.exe",
    // Two captions that start alike in 4-byte "fancy font" letters, a creator's recurring intro
    // (the first 255 bytes are the same): only the id can tell their files apart.
    "𝓗𝓮𝓵𝓵𝓸 𝓗𝓮𝓵𝓵𝓸 𝓗𝓮𝓵𝓵𝓸 𝓗𝓮𝓵𝓵𝓸 𝓗𝓮𝓵𝓵𝓸 𝓗𝓮𝓵𝓵𝓸 𝓗𝓮𝓵𝓵𝓸 𝓗𝓮𝓵𝓵𝓸 𝓗𝓮𝓵𝓵𝓸 𝓗𝓮𝓵𝓵𝓸 𝓗𝓮𝓵𝓵𝓸 𝓗𝓮𝓵𝓵𝓸 𝓗𝓮𝓵𝓵𝓸 𝓗𝓮𝓵𝓵𝓸 Part 1",
    "𝓗𝓮𝓵𝓵𝓸 𝓗𝓮𝓵𝓵𝓸 𝓗𝓮𝓵𝓵𝓸 𝓗𝓮𝓵𝓵𝓸 𝓗𝓮𝓵𝓵𝓸 𝓗𝓮𝓵𝓵𝓸 𝓗𝓮𝓵𝓵𝓸 𝓗𝓮𝓵𝓵𝓸 𝓗𝓮𝓵𝓵𝓸 𝓗𝓮𝓵𝓵𝓸 𝓗𝓮𝓵𝓵𝓸 𝓗𝓮𝓵𝓵𝓸 𝓗𝓮𝓵𝓵𝓸 𝓗𝓮𝓵𝓵𝓸 Part 2",
];

/// Whether `id` is one of the hostile posts.
pub fn is_hostile(id: u64) -> bool {
    id.checked_sub(HOSTILE_BASE)
        .is_some_and(|n| n >= 1 && n <= HOSTILE_NAMES.len() as u64)
}

pub(crate) fn d1_item() -> &'static Value {
    static ITEM: OnceLock<Value> = OnceLock::new();
    ITEM.get_or_init(|| {
        let open = r#"<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">"#;
        let start = D1_HTML.find(open).expect("D1 rehydration script") + open.len();
        let len = D1_HTML[start..].find("</script>").expect("end of script");
        let mut v: Value =
            serde_json::from_str(&D1_HTML[start..start + len]).expect("D1 rehydration JSON");
        v["__DEFAULT_SCOPE__"]["webapp.video-detail"]["itemInfo"]["itemStruct"].take()
    })
}

/// The page of hostile post `id` (see [`is_hostile`]).
pub fn page(id: u64) -> String {
    let name = HOSTILE_NAMES
        .get(id.saturating_sub(HOSTILE_BASE).saturating_sub(1) as usize)
        .copied()
        .unwrap_or("");
    let mut item = d1_item().clone();
    item["id"] = Value::from(id.to_string());
    item["desc"] = Value::from(name);
    item["author"]["uniqueId"] = Value::from(name);
    item["author"]["nickname"] = Value::from(name);
    item["music"]["title"] = Value::from(name);
    crate::fixtures::item_page(&item)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn family() {
        assert!(!is_hostile(HOSTILE_BASE));
        assert!(is_hostile(HOSTILE_BASE + 1));
        assert!(is_hostile(HOSTILE_BASE + HOSTILE_NAMES.len() as u64));
        assert!(!is_hostile(HOSTILE_BASE + HOSTILE_NAMES.len() as u64 + 1));
        assert_eq!(HOSTILE_NAMES[10].len(), 300);
        assert_eq!(HOSTILE_NAMES[11].len(), 300);
        let p = page(HOSTILE_BASE + 4);
        assert!(p.contains(r#""uniqueId":"/etc/passwd""#));
        assert!(p.contains(r#""id":"7100000000000000004""#));
    }
}
