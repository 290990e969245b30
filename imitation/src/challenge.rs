//! The WAF JS challenge: a proof of work the client must solve before it gets the page.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use rand::Rng;
use rand::distr::Alphanumeric;
use sha2::{Digest, Sha256};

use crate::lock;

/// The real challenge page (`tests/fixtures`, SOURCES.md row 6); fresh values are put into it.
const WAF_HTML: &str =
    include_str!("../../tests/fixtures/web_waf_js_challenge_cs_wci_rci_rs_2026-03.html");

/// An answer older than this is stale. TikTok's script gives the cookie `Max-Age=1`; yt-dlp keeps
/// it for 120 s plus its request pause and clears it after the one page request
/// (yt-dlp 2026.10.26, `tiktok.py`, `_solve_challenge_and_set_cookies` and
/// `_extract_web_data_and_status`).
const STALE_AFTER: Duration = Duration::from_secs(120);

/// Post ids whose challenge behaves in a particular way (the `77000000000000000NN` range).
/// Always a challenge, whatever the cookie says: a block that solving does not lift.
pub const PERSISTENT_CHALLENGE_ID: u64 = 7700000000000000001;
/// The capture's page with a non-empty `rs`: the answer needs both `_wafchallengeid` and
/// `waforiginalreid` = that `rs` value.
pub const RCI_CHALLENGE_ID: u64 = 7700000000000000002;

/// One challenge handed out.
struct Issued {
    /// `v.b` (the issue time), `v.c` (decoded) and `s`, as sent: an answer must echo them.
    b: u64,
    c: Vec<u8>,
    s: String,
    /// The `rs` value the page carried, when it carried one.
    rs: Option<String>,
    at: Instant,
    used: bool,
}

/// Remembers every challenge handed out (keyed by `a`), so only our own, fresh, unanswered ones
/// can be answered.
#[derive(Default)]
pub struct Issuer {
    issued: Mutex<HashMap<Vec<u8>, Issued>>,
}

impl Issuer {
    /// A fresh `cs` value: unpadded base64 of the challenge JSON, exactly as the capture has it.
    pub fn issue(&self, max: u64) -> String {
        self.issue_with(max, None)
    }

    fn issue_with(&self, max: u64, rs: Option<String>) -> String {
        let mut rng = rand::rng();
        let mut a = [0u8; 16];
        rng.fill(&mut a);
        let mut s = [0u8; 32];
        rng.fill(&mut s);
        let n: u64 = rng.random_range(0..=max);
        let c = Sha256::new()
            .chain_update(a)
            .chain_update(n.to_string())
            .finalize()
            .to_vec();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let s = STANDARD.encode(s);
        // Written by hand to keep the capture's key order (v before s; a, b, c).
        let json = format!(
            r#"{{"v":{{"a":"{}","b":{now},"c":"{}"}},"s":"{s}"}}"#,
            STANDARD.encode(a),
            STANDARD.encode(&c),
        );
        lock(&self.issued).insert(
            a.to_vec(),
            Issued {
                b: now,
                c,
                s,
                rs,
                at: Instant::now(),
                used: false,
            },
        );
        STANDARD_NO_PAD.encode(json)
    }

    /// Whether a `_wafchallengeid` cookie value answers one of our challenges (one that needs
    /// no `rs`). See [`Issuer::check`] for what is refused.
    pub fn verify(&self, cookie: &str) -> bool {
        self.check(cookie, None).is_ok()
    }

    /// Checks an answer the way yt-dlp 2026.10.26 builds it (`tiktok.py`,
    /// `_solve_challenge_and_set_cookies`): the cookie is base64 of the compact JSON of the
    /// page's `cs` object with `"d": base64(ascii(n))` added at its TOP LEVEL, beside `v` and
    /// `s`. Refused: the old shape (`d` inside `v`), a wrong or missing `d`, a changed `v`/`s`,
    /// a challenge this server never issued, one already answered, one older than 120 s, and
    /// (for a page that carried `rs`) a `waforiginalreid` cookie other than that `rs`.
    pub fn check(&self, cookie: &str, rci: Option<&str>) -> Result<(), &'static str> {
        let raw = percent_decode(cookie.trim().trim_matches('"'));
        let json = b64(&raw).ok_or("cookie is not base64")?;
        let top: serde_json::Value =
            serde_json::from_slice(&json).map_err(|_| "cookie is not base64 JSON")?;
        let top = top.as_object().ok_or("answer is not a JSON object")?;
        let v = top
            .get("v")
            .and_then(|v| v.as_object())
            .ok_or("answer has no v")?;
        if v.contains_key("d") {
            return Err("d inside v (old answer shape)");
        }
        if v.len() != 3 {
            return Err("v changed");
        }
        let d = top
            .get("d")
            .and_then(|d| d.as_str())
            .ok_or("answer has no top-level d")?;
        let a = b64(v.get("a").and_then(|a| a.as_str()).ok_or("v.a missing")?).ok_or("v.a")?;
        let c = b64(v.get("c").and_then(|c| c.as_str()).ok_or("v.c missing")?).ok_or("v.c")?;
        let b = v.get("b").and_then(|b| b.as_u64()).ok_or("v.b missing")?;
        let s = top.get("s").and_then(|s| s.as_str()).ok_or("s missing")?;
        let mut issued = lock(&self.issued);
        let entry = issued.get_mut(&a).ok_or("unknown challenge")?;
        if entry.c != c || entry.b != b || entry.s != s {
            return Err("challenge data changed");
        }
        if entry.used {
            return Err("challenge already answered (stale)");
        }
        if entry.at.elapsed() > STALE_AFTER {
            return Err("challenge too old (stale)");
        }
        // str(n) for n in 0..=1_000_000: plain ASCII digits, no sign, no leading zero.
        let digits = b64(d).ok_or("d is not base64")?;
        let canonical = std::str::from_utf8(&digits)
            .ok()
            .and_then(|t| t.parse::<u64>().ok().filter(|n| n.to_string() == t));
        if canonical.is_none() {
            return Err("d is not base64 of a decimal number");
        }
        let h = Sha256::new()
            .chain_update(&a)
            .chain_update(&digits)
            .finalize();
        if h.as_slice() != c.as_slice() {
            return Err("wrong d");
        }
        if let Some(want) = &entry.rs
            && rci != Some(want.as_str())
        {
            return Err("waforiginalreid does not carry rs");
        }
        entry.used = true;
        Ok(())
    }
}

/// The capture's challenge page with a fresh `cs` and, when given, `rs` (the real page's
/// structure: slardar config, `wci`, `cs`, `rci`, `rs`, `place_hold`, the WAF script).
pub fn capture_page(cs: &str, rs: Option<&str>) -> String {
    let with_class = |html: &str, id: &str, value: &str| {
        let open = format!(r#"<p id="{id}" class=""#);
        match html.find(&open) {
            Some(i) => {
                let start = i + open.len();
                let end = start + html[start..].find('"').unwrap_or(0);
                format!("{}{}{}", &html[..start], value, &html[end..])
            }
            None => html.to_string(),
        }
    };
    let page = with_class(WAF_HTML, "cs", cs);
    match rs {
        Some(rs) => with_class(&page, "rs", rs),
        None => page,
    }
}

/// This file's posts: `Some(challenge page)` while the request does not pass, `None` when the
/// real page may be served.
pub fn gate(issuer: &Issuer, id: u64, cookies: &[(String, String)], max: u64) -> Option<String> {
    fn cookie<'a>(cookies: &'a [(String, String)], name: &'a str) -> impl Iterator<Item = &'a str> {
        cookies
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
    match id {
        RCI_CHALLENGE_ID => {
            let rci = cookie(cookies, "waforiginalreid").next();
            if cookie(cookies, "_wafchallengeid").any(|v| issuer.check(v, rci).is_ok()) {
                return None;
            }
            let rs: String = rand::rng()
                .sample_iter(Alphanumeric)
                .take(32)
                .map(char::from)
                .collect();
            let cs = issuer.issue_with(max, Some(rs.clone()));
            Some(capture_page(&cs, Some(&rs)))
        }
        // PERSISTENT_CHALLENGE_ID: a correct answer is still recorded as used, then refused.
        _ => {
            for v in cookie(cookies, "_wafchallengeid") {
                let _ = issuer.check(v, None);
            }
            Some(capture_page(&issuer.issue(max), None))
        }
    }
}

/// Standard base64 with or without padding (URL-safe accepted too, clients vary).
/// Solves a `cs` the way a client must (top-level `d` beside `v` and `s`, as yt-dlp 2026.10.26
/// answers in `tiktok.py`), trying `n` up to `max`; returns the `_wafchallengeid` cookie value.
/// `None` when `cs` is not a challenge or no `n` up to `max` solves it.
pub fn solve(cs: &str, max: u64) -> Option<String> {
    let mut v: serde_json::Value = serde_json::from_slice(&b64(cs)?).ok()?;
    let a = b64(v["v"]["a"].as_str()?)?;
    let c = b64(v["v"]["c"].as_str()?)?;
    let n = (0..=max).find(|n| {
        Sha256::new()
            .chain_update(&a)
            .chain_update(n.to_string())
            .finalize()
            .as_slice()
            == c
    })?;
    v["d"] = STANDARD.encode(n.to_string()).into();
    Some(STANDARD.encode(v.to_string()))
}

fn b64(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    STANDARD_NO_PAD
        .decode(s)
        .or_else(|_| URL_SAFE_NO_PAD.decode(s))
        .ok()
}

/// Some clients percent-encode `+`, `/` and `=` in cookie values.
pub fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b[i], hex) {
            (b'%', Some(x)) => {
                out.push(x);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn solve(cs: &str) -> String {
        super::solve(cs, u64::MAX).unwrap()
    }

    #[test]
    fn round_trip() {
        let iss = Issuer::default();
        let cs = iss.issue(1000);
        assert!(!cs.contains('='));
        let answer = solve(&cs);
        assert!(
            !Issuer::default().verify(&answer),
            "foreign challenge accepted"
        );
        assert!(iss.verify(answer.trim_end_matches('=')));
        assert_eq!(
            iss.check(&answer, None),
            Err("challenge already answered (stale)")
        );
        assert!(!iss.verify("garbage"));
        // The old shape: d inside v.
        let cs = iss.issue(1000);
        let new: serde_json::Value = serde_json::from_slice(&b64(&solve(&cs)).unwrap()).unwrap();
        let mut old = new.clone();
        let d = old.as_object_mut().unwrap().remove("d").unwrap();
        old["v"]["d"] = d;
        let old = STANDARD.encode(old.to_string());
        assert_eq!(iss.check(&old, None), Err("d inside v (old answer shape)"));
        let mut wrong = new.clone();
        wrong["d"] = STANDARD.encode("1000001").into();
        let wrong = STANDARD.encode(wrong.to_string());
        assert_eq!(iss.check(&wrong, None), Err("wrong d"));
        assert!(iss.verify(&STANDARD.encode(new.to_string())));
    }
}
