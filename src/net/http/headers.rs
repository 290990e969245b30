//! `--header` / `headers.custom_headers` entries (`Name: value`, or `HOST:Name: value` for one
//! host) and the User-Agent: parsed once, where they are given; errors never quote a value.

use std::fmt;
use std::str::FromStr;

use reqwest::Url;
use reqwest::header::{HeaderName, HeaderValue};

use crate::hosts;
use crate::terminal::clip;

/// A custom header and the requests it goes on. Its value is never shown (it is often a token).
#[derive(Clone)]
pub struct CustomHeader {
    /// `None`: page/API requests to `*.tiktok.com`; `Some(host)`: requests to that host only.
    scope: Option<String>,
    /// `HOST:Name` or `Name` as written (for `config show`); `scope` and `name` are their
    /// normalised forms.
    written: String,
    name: HeaderName,
    value: HeaderValue,
}

impl CustomHeader {
    /// The one host it goes to (lowercase, no trailing dot), or `None` for `*.tiktok.com`.
    pub fn scope(&self) -> Option<&str> {
        self.scope.as_deref()
    }

    /// `HOST:Name` (scoped) or `Name`, as written: what `config show` names it by.
    pub fn key(&self) -> &str {
        &self.written
    }

    /// Whether it goes on a request to `url`: a scoped header to its host only, an unscoped one
    /// on page/API requests (`page`) to TikTok's page hosts over https only.
    pub(super) fn applies(&self, url: &Url, page: bool) -> bool {
        let host = url.host_str().unwrap_or("");
        match &self.scope {
            Some(scope) => host.eq_ignore_ascii_case(scope),
            None => page && url.scheme() == "https" && hosts::is_page_host(host),
        }
    }

    /// The name and (sensitive) value to send.
    pub(super) fn pair(&self) -> (HeaderName, HeaderValue) {
        (self.name.clone(), self.value.clone())
    }
}

impl fmt::Debug for CustomHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CustomHeader")
            .field("scope", &self.scope)
            .field("key", &self.written)
            .finish_non_exhaustive()
    }
}

impl FromStr for CustomHeader {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, String> {
        parse_header(raw)
    }
}

/// The host part of a scoped header (`HOST:Name: value`): whatever comes before the first ':'
/// when it holds a dot (a header name never needs one), followed directly (no space) by the
/// header name. Whether it is a usable host is checked by [`parse_header`].
fn split_scope(raw: &str) -> (Option<&str>, &str) {
    if let Some((head, rest)) = raw.split_once(':')
        && head.contains('.')
        && !head.contains(char::is_whitespace)
        && !rest.starts_with(char::is_whitespace)
        && rest.contains(':')
    {
        return (Some(head), rest);
    }
    (None, raw)
}

/// A scope must be a plain host name (`www.tiktok.com`; a trailing dot is dropped): no
/// wildcard, port, scheme or path, so that it matches exactly the hosts the user means.
fn check_scope(scope: &str) -> Result<String, String> {
    let host = scope
        .strip_suffix('.')
        .unwrap_or(scope)
        .to_ascii_lowercase();
    let plain = !host.is_empty()
        && !host.starts_with(['.', '-'])
        && !host.contains("..")
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    if plain {
        Ok(host)
    } else {
        Err(format!(
            "{:?} is not a host name a header can be scoped to: write HOST:Name: value with a \
             plain host such as www.tiktok.com (no wildcard, port or scheme)",
            clip(&scope.escape_debug().to_string(), 60)
        ))
    }
}

/// What is wrong with a header value, without quoting it (it may be a token).
fn header_value_problem(what: &str, value: &str) -> String {
    match value
        .char_indices()
        .find(|(_, c)| c.is_control() && *c != '\t')
    {
        Some((i, c)) => format!(
            "{what} has a control character (U+{:04X}) at byte {i}, which a header cannot carry",
            u32::from(c)
        ),
        None => format!("{what} has characters a header cannot carry"),
    }
}

/// Reads a header entry: `Name: value`, or `HOST:Name: value` to send it to that host only.
/// The error never quotes the value.
fn parse_header(raw: &str) -> Result<CustomHeader, String> {
    let (scope, rest) = split_scope(raw);
    let Some((name, value)) = rest.split_once(':') else {
        return Err(format!(
            "a header must look like \"Name: value\" (or \"HOST:Name: value\" for one host); \
             got {} characters without a ':'",
            raw.chars().count()
        ));
    };
    let written = match scope {
        Some(host) => format!("{host}:{}", name.trim()),
        None => name.trim().to_owned(),
    };
    let scope = scope.map(check_scope).transpose()?;
    let name_text = name.trim();
    // Real header names are letters, digits, '-' and '_', starting with a letter; anything else
    // (`*.tiktok.com`, `443`) is a mistyped scope that would otherwise go out as a header name.
    let usual = name_text.starts_with(|c: char| c.is_ascii_alphabetic())
        && name_text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !usual {
        return Err(format!(
            "{:?} is not a header name (letters, digits, '-' and '_'); to send a header to one \
             host only, write HOST:Name: value with a plain host such as www.tiktok.com",
            clip(&name_text.escape_debug().to_string(), 60)
        ));
    }
    let name = HeaderName::from_bytes(name_text.as_bytes()).map_err(|_| {
        format!(
            "{:?} is not a valid header name",
            clip(&name_text.escape_debug().to_string(), 60)
        )
    })?;
    let mut value = HeaderValue::from_str(value.trim())
        .map_err(|_| header_value_problem(&format!("the value of header {name}"), value))?;
    value.set_sensitive(true);
    Ok(CustomHeader {
        scope,
        written,
        name,
        value,
    })
}

/// A User-Agent a header can carry (`--user-agent`, `headers.user_agent`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserAgent(HeaderValue);

impl UserAgent {
    /// One of tikdl's own (a constant known to be a valid header).
    pub fn builtin(ua: &'static str) -> Self {
        Self(HeaderValue::from_static(ua))
    }

    /// As a header value.
    pub(super) fn header(&self) -> &HeaderValue {
        &self.0
    }
}

impl FromStr for UserAgent {
    /// Says what is wrong without naming the setting: "has characters ...".
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        HeaderValue::from_str(s)
            .map(Self)
            .map_err(|_| "has characters a header cannot carry (a control character?)".to_owned())
    }
}

impl fmt::Display for UserAgent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only ever built from a `&str`, so it is text.
        f.write_str(&String::from_utf8_lossy(self.0.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        let h = parse_header("X-Test:  hello ").unwrap();
        assert_eq!(
            (h.scope, h.name.as_str(), h.value.to_str().unwrap()),
            (None, "x-test", "hello")
        );
        let h = parse_header("v16-webapp.tiktok.com:Authorization: Bearer x:y").unwrap();
        assert_eq!(h.scope.as_deref(), Some("v16-webapp.tiktok.com"));
        assert_eq!(h.name.as_str(), "authorization");
        assert_eq!(h.value.to_str().unwrap(), "Bearer x:y");
        // A space after the first colon: a plain header whose value has a colon.
        let h = parse_header("X-Y: a:b").unwrap();
        assert_eq!(h.scope, None);
        // Mistyped scopes never go out as header names.
        for bad in [
            "*.tiktok.com:Authorization: A7",
            "www.tiktok.com:443:Authorization: A2",
            "X.Y: a",
        ] {
            let e = parse_header(bad).map(|_| ()).unwrap_err();
            assert!(!e.contains("A7") && !e.contains("A2"), "{e}");
        }
        // A trailing dot and capitals are the same host.
        let h = parse_header("WWW.TIKTOK.COM.:Authorization: A1").unwrap();
        assert_eq!(h.scope.as_deref(), Some("www.tiktok.com"));
        assert!(parse_header("no colon").is_err());
        assert!(parse_header("bad name: x").is_err());
        let e = "Authorization: Bearer TOP\u{1}SECRET"
            .parse::<CustomHeader>()
            .unwrap_err();
        assert!(!e.contains("SECRET") && e.contains("U+0001"), "{e}");
        let e = "BearerTOPSECRET".parse::<CustomHeader>().unwrap_err();
        assert!(!e.contains("SECRET"), "{e}");
        let h: CustomHeader = "Authorization: Bearer TOPSECRET".parse().unwrap();
        assert!(!format!("{h:?}").contains("SECRET"), "{h:?}");
    }

    #[test]
    fn user_agents() {
        let ua: UserAgent = "Mozilla/5.0 test".parse().unwrap();
        assert_eq!(ua.to_string(), "Mozilla/5.0 test");
        assert!("a\u{1}b".parse::<UserAgent>().is_err());
    }
}
