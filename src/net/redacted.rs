//! Secrets kept out of logs, messages and `config show`: [`Secret`] for values (cookie values,
//! Cookie headers, tokens), [`proxy_url`] for a proxy URL's password, and
//! [`is_secret_header`] for header values that carry credentials.

use std::fmt;

/// Debug and Display print `(redacted)`; only [`Secret::expose`] reads the text.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// The secret text. Call it only where the value is actually sent.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

/// A proxy URL without its credentials, for messages: the whole userinfo becomes
/// `(redacted)`, since the user name alone may be the key (`http://APIKEY:@host:port`). Works
/// on the text, so that a URL too broken to parse (a bad port, say) still loses it.
pub fn proxy_url(proxy: &str) -> String {
    let start = proxy.find("://").map_or(0, |i| i + 3);
    // Up to the last `@`, wherever it is: a password typed with `/`, `?` or `#` in it (not
    // percent-encoded) must not end the userinfo early and be shown. A path holding an `@`
    // loses a little more than needed, which is the safe side.
    let authority = &proxy[start..];
    match authority.rfind('@') {
        Some(at) => format!("{}(redacted){}", &proxy[..start], &authority[at..]),
        None => proxy.to_owned(),
    }
}

/// Headers whose value is a credential and is shown as `(redacted)`.
pub fn is_secret_header(name: &str) -> bool {
    ["cookie", "authorization", "proxy-authorization"]
        .iter()
        .any(|s| name.eq_ignore_ascii_case(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_the_value() {
        let s = Secret::from("sessionid=abc123".to_owned());
        assert_eq!(format!("{s:?}"), "(redacted)");
        assert_eq!(format!("{s}"), "(redacted)");
        assert_eq!(format!("{:?}", Some(s.clone())), "Some((redacted))");
        assert_eq!(s.expose(), "sessionid=abc123");
        assert_eq!(s, Secret::from("sessionid=abc123".to_owned()));
    }

    #[test]
    fn proxy_passwords_and_secret_headers() {
        assert_eq!(
            proxy_url("http://user:pw@proxy:8080/x"),
            "http://(redacted)@proxy:8080/x"
        );
        assert_eq!(
            proxy_url("http://APIKEY123:@proxy:8080"),
            "http://(redacted)@proxy:8080"
        );
        assert_eq!(proxy_url("socks5://token@h:1"), "socks5://(redacted)@h:1");
        assert_eq!(proxy_url("http://proxy:8080"), "http://proxy:8080");
        for pw in ["p/w", "p#w", "p?w", "p@w", "a/b?c#d"] {
            let shown = proxy_url(&format!("http://user:{pw}@proxy:8080"));
            assert_eq!(shown, "http://(redacted)@proxy:8080", "{pw}");
        }
        assert_eq!(proxy_url("tok/en@h:1"), "(redacted)@h:1");
        assert!(is_secret_header("Authorization") && is_secret_header("COOKIE"));
        assert!(!is_secret_header("Referer"));
    }
}
