//! Posts whose text would drive a terminal: D1's page with terminal escape sequences (OSC window
//! title, clear screen, C1 CSI, OSC 52 clipboard write, OSC 8 link, bidi overrides, CR/BS/NUL) in
//! the description (so the title), the author's `uniqueId` and `nickname`, and the sound's title
//! and author. Human output must show them neutralised; JSON must carry them exactly.
//!
//! Post `OUTPUT_BASE + n` (n = 1..=[`OUTPUT_TEXTS`]`.len()`) carries `OUTPUT_TEXTS[n - 1]`: the
//! description is the text itself, the nickname `nick` + text, the sound title `sound` + text,
//! the sound author `artist` + text. The media URLs are D1's.

use serde_json::Value;

/// `OUTPUT_BASE + 1` is the first post of the family.
pub const OUTPUT_BASE: u64 = 7400000000000000000;

/// The hostile texts, in post order (each under TikTok's 72-character title cut).
pub const OUTPUT_TEXTS: &[&str] = &[
    // Window title, clear screen, colour.
    "\u{1b}]0;PWNED-TITLE\u{7}\u{1b}[2J\u{1b}[31mRED\u{1b}[0m evil",
    // C1 controls: CSI (0x9b) clear screen, OSC (0x9d) window title ended by ST (0x9c).
    "c1 \u{9b}2J \u{9d}0;C1-TITLE\u{9c} end",
    // OSC 52: write to the clipboard.
    "clip \u{1b}]52;c;cm0gLXJmIH4K\u{7} end",
    // OSC 8 link and bidi overrides / isolates.
    "\u{1b}]8;;https://evil.example\u{1b}\\link\u{1b}]8;;\u{1b}\\ gnp.\u{202e}exe \u{2066}iso\u{2069}",
    // Line tricks: carriage return, backspaces, NUL, vertical tab, DEL.
    "safe\rFAKE\u{8}\u{8} \u{0}nul\u{b}vt\u{7f}del",
];

/// Whether `id` is one of these posts.
pub fn is_hostile_output(id: u64) -> bool {
    id.checked_sub(OUTPUT_BASE)
        .is_some_and(|n| n >= 1 && n <= OUTPUT_TEXTS.len() as u64)
}

/// The page of post `id` (see [`is_hostile_output`]).
pub fn page(id: u64) -> String {
    let text = OUTPUT_TEXTS
        .get(id.saturating_sub(OUTPUT_BASE).saturating_sub(1) as usize)
        .copied()
        .unwrap_or("");
    let mut item = crate::fixtures::d1_item().clone();
    item["id"] = Value::from(id.to_string());
    item["desc"] = Value::from(text);
    item["author"]["uniqueId"] = Value::from(format!("u{text}"));
    item["author"]["nickname"] = Value::from(format!("nick{text}"));
    item["music"]["title"] = Value::from(format!("sound{text}"));
    item["music"]["authorName"] = Value::from(format!("artist{text}"));
    crate::fixtures::item_page(&item)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn family() {
        assert!(!is_hostile_output(OUTPUT_BASE));
        assert!(is_hostile_output(OUTPUT_BASE + 1));
        assert!(is_hostile_output(OUTPUT_BASE + OUTPUT_TEXTS.len() as u64));
        assert!(!is_hostile_output(
            OUTPUT_BASE + OUTPUT_TEXTS.len() as u64 + 1
        ));
        let p = page(OUTPUT_BASE + 1);
        assert!(p.contains("PWNED-TITLE"));
        assert!(p.contains(r#""id":"7400000000000000001""#));
        assert!(OUTPUT_TEXTS.iter().all(|t| t.chars().count() <= 72));
    }
}
