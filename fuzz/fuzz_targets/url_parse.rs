//! The URL parser: never panics, and what it accepts round-trips through its canonical URL
//! (parse -> canonical_url -> parse gives the same PostRef, and the canonical URL is stable).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tikdl::url::{self, PostRef};

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let parsed = match url::parse(&input) {
        Ok(p) => p,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    let canonical = parsed.canonical_url();
    let again = url::parse(&canonical).unwrap_or_else(|e| {
        panic!("{input:?} -> {parsed:?} -> canonical {canonical:?} does not parse: {e}")
    });
    assert_eq!(
        again, parsed,
        "{input:?}: canonical {canonical:?} parses to a different PostRef"
    );
    assert_eq!(
        again.canonical_url(),
        canonical,
        "{input:?}: canonical URL is not stable"
    );
    assert!(
        canonical.starts_with("https://"),
        "{input:?}: canonical {canonical:?} is not https"
    );
    if let PostRef::Post { id, .. } = &parsed {
        assert!(
            id.bytes().all(|b| b.is_ascii_digit()),
            "{input:?}: id {id:?}"
        );
    }
    let host = canonical["https://".len()..]
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    assert!(
        url::is_tiktok_host(host),
        "{input:?}: canonical host {host:?}"
    );
});
