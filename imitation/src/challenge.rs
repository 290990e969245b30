//! The WAF JS challenge: a proof of work the client must solve before it gets the page.

use std::collections::HashMap;
use std::sync::Mutex;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use rand::Rng;
use sha2::{Digest, Sha256};

use crate::lock;

/// Remembers every challenge handed out (`a` -> expected `c`), so only our own can be answered.
#[derive(Default)]
pub struct Issuer {
    issued: Mutex<HashMap<Vec<u8>, Vec<u8>>>,
}

impl Issuer {
    /// A fresh `cs` value: unpadded base64 of the challenge JSON, exactly as the capture has it.
    pub fn issue(&self, max: u64) -> String {
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
        // Written by hand to keep the capture's key order (v before s; a, b, c).
        let json = format!(
            r#"{{"v":{{"a":"{}","b":{now},"c":"{}"}},"s":"{}"}}"#,
            STANDARD.encode(a),
            STANDARD.encode(&c),
            STANDARD.encode(s)
        );
        lock(&self.issued).insert(a.to_vec(), c);
        STANDARD_NO_PAD.encode(json)
    }

    /// Whether a `_wafchallengeid` cookie value answers one of our challenges.
    pub fn verify(&self, cookie: &str) -> bool {
        self.check(cookie).unwrap_or(false)
    }

    fn check(&self, cookie: &str) -> Option<bool> {
        let raw = percent_decode(cookie.trim().trim_matches('"'));
        let json = b64(&raw)?;
        let v: serde_json::Value = serde_json::from_slice(&json).ok()?;
        let v = &v["v"];
        let a = b64(v["a"].as_str()?)?;
        let c = b64(v["c"].as_str()?)?;
        let d = b64(v["d"].as_str()?)?;
        if lock(&self.issued).get(&a) != Some(&c) {
            return Some(false);
        }
        let h = Sha256::new().chain_update(&a).chain_update(&d).finalize();
        Some(h.as_slice() == c.as_slice())
    }
}

/// Standard base64 with or without padding (URL-safe accepted too, clients vary).
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

    /// Solves a `cs` the way a client must; returns the cookie value.
    pub fn solve(cs: &str) -> String {
        let json = b64(cs).unwrap();
        let mut v: serde_json::Value = serde_json::from_slice(&json).unwrap();
        let a = b64(v["v"]["a"].as_str().unwrap()).unwrap();
        let c = b64(v["v"]["c"].as_str().unwrap()).unwrap();
        let n = (0u64..)
            .find(|n| {
                Sha256::new()
                    .chain_update(&a)
                    .chain_update(n.to_string())
                    .finalize()
                    .as_slice()
                    == c
            })
            .unwrap();
        v["v"]["d"] = STANDARD.encode(n.to_string()).into();
        STANDARD.encode(v.to_string())
    }

    #[test]
    fn round_trip() {
        let iss = Issuer::default();
        let cs = iss.issue(1000);
        assert!(!cs.contains('='));
        let answer = solve(&cs);
        assert!(iss.verify(&answer));
        assert!(iss.verify(answer.trim_end_matches('=')));
        assert!(
            !Issuer::default().verify(&answer),
            "foreign challenge accepted"
        );
        assert!(!iss.verify("garbage"));
    }
}
