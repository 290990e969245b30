//! The Netscape cookies.txt parser.
//!
//! 1. The input as given: no panic; an error names a line.
//! 2. The same input, leading whitespace of each line removed, with every value field (the
//!    7th TAB-separated field and any after it) replaced by a unique canary: neither an error
//!    (Display or Debug) nor the Debug form of the parsed cookies may contain a canary.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tikdl::net::cookies::parse_netscape;

const CANARY: &str = "CaNaRyV4LuE";

fn with_canaries(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let (line, cr) = match line.strip_suffix('\r') {
            Some(l) => (l, "\r"),
            None => (line, ""),
        };
        // The parser trims leading whitespace (a TAB too) before splitting `#HttpOnly_` lines,
        // so count fields on the trimmed line; otherwise the canary could land in the name.
        let line = line.trim_start();
        for (j, field) in line.split('\t').enumerate() {
            if j > 0 {
                out.push('\t');
            }
            if j >= 6 {
                out.push_str(&format!("{CANARY}{i}x{j}"));
            } else {
                out.push_str(field);
            }
        }
        out.push_str(cr);
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);

    if let Err(e) = parse_netscape(&text) {
        assert!(e.line >= 1);
        let _ = e.to_string();
    }

    // Canary inputs may hide the original values, but never leak the substituted ones.
    if text.contains(CANARY) {
        return;
    }
    let canaried = with_canaries(&text);
    match parse_netscape(&canaried) {
        Ok(cookies) => {
            let debug = format!("{cookies:?}");
            assert!(!debug.contains(CANARY), "Debug leaks a value: {debug}");
        }
        Err(e) => {
            let shown = format!("{e} {e:?}");
            assert!(!shown.contains(CANARY), "error leaks a value: {shown}");
        }
    }
});
