//! The page extractor on arbitrary input: post pages (all three page shapes plus the WAF
//! challenge), list API answers and profile pages. Anything may be returned; nothing may panic,
//! hang or blow up memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tikdl::fetch::extract::{self, PageOutcome};

const URL: &str = "https://www.tiktok.com/@fuzz/video/7608826249200356630";
const FALLBACK_ID: &str = "7608826249200356630";
/// Keeps a fuzzed challenge cheap: at most this many SHA-256 rounds per input.
const CHALLENGE_MAX: u64 = 64;

/// The id the page is about: the first `"id":"<digits>"` in the input (the item's own id in
/// every capture), so seeds from real pages reach the item mapping; a fixed id otherwise.
fn post_id(text: &str) -> &str {
    const KEY: &str = "\"id\":\"";
    let mut rest = text;
    while let Some(at) = rest.find(KEY) {
        let after = &rest[at + KEY.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if (1..=32).contains(&digits) && after.as_bytes().get(digits) == Some(&b'"') {
            return &after[..digits];
        }
        rest = after;
    }
    FALLBACK_ID
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;
    let id = post_id(text);

    match extract::extract_post(text, id, URL) {
        Ok(PageOutcome::Info(info)) => {
            // The result must serialize (it is what `info --json` prints).
            let _ = serde_json::to_string(&*info).expect("VideoInfo serializes");
        }
        Ok(PageOutcome::Challenge(ch)) => {
            let _ = tikdl::fetch::challenge::solve(&ch, CHALLENGE_MAX);
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
    if let Ok(page) = extract::parse_list_page(text, URL) {
        for info in &page.items {
            let _ = serde_json::to_string(info).expect("VideoInfo serializes");
        }
    }
    let _ = extract::profile_sec_uid(text, URL).map_err(|e| e.to_string());
});
