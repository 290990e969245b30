//! Netscape `cookies.txt` files, as written by browser extensions, curl and
//! yt-dlp, and the `Cookie` request header built from them.
//!
//! Cookie values are session credentials: they live in [`Secret`] and never
//! appear in errors.

use std::path::Path;

use crate::error::Error;
use crate::net::redacted::Secret;

/// One line of a cookies.txt file.
#[derive(Debug, Clone, PartialEq)]
pub struct Cookie {
    /// As written, `#HttpOnly_` removed (a leading '.' is kept).
    pub domain: String,
    pub include_subdomains: bool,
    pub path: String,
    pub secure: bool,
    /// Unix seconds; `None` for a session cookie (written as 0 or empty).
    pub expires: Option<u64>,
    pub name: String,
    pub value: Secret,
    pub http_only: bool,
}

/// A malformed line. Never carries the cookie value.
#[derive(Debug, thiserror::Error)]
#[error("cookies file, line {line}: {problem}")]
pub struct CookieFileError {
    /// 1-based.
    pub line: usize,
    pub problem: CookieLineProblem,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CookieLineProblem {
    #[error(
        "expected 7 TAB-separated fields (domain, subdomains flag, path, secure, expiration, \
         name, value), found {found}{hint}",
        hint = if *found == 1 { "; are the fields separated by spaces instead of TABs?" } else { "" }
    )]
    FieldCount { found: usize },
    #[error("the domain (field 1) is empty")]
    EmptyDomain,
    #[error("the {field} flag (field {index}) must be TRUE or FALSE")]
    BadFlag { field: &'static str, index: u8 },
    #[error("the expiration (field 5) must be a unix timestamp in seconds")]
    BadExpiration,
    #[error(
        "this looks like a JSON cookie export; export cookies in Netscape cookies.txt format \
         (the format yt-dlp and curl use)"
    )]
    LooksLikeJson,
}

const HTTP_ONLY_PREFIX: &str = "#HttpOnly_";

/// Parses the text of a Netscape cookies.txt file.
pub fn parse_netscape(text: &str) -> Result<Vec<Cookie>, CookieFileError> {
    parse_lines(text).map(|v| v.into_iter().map(|(_, c)| c).collect())
}

/// Like [`parse_netscape`], and also returns warnings (with line numbers, never values) for
/// cookies that a browser would not send as written: an empty name, a name with a space or
/// `=`/`;`, or a value with a control character. Those lines are skipped.
pub fn parse_netscape_checked(text: &str) -> Result<(Vec<Cookie>, Vec<String>), CookieFileError> {
    let mut warnings = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        if raw.contains('\t') && raw.trim().is_empty() {
            warnings.push(format!("line {}: only TABs, no cookie; skipped", i + 1));
        }
    }
    let cookies = parse_lines(text)?
        .into_iter()
        .filter_map(|(line, c)| match suspicious(&c) {
            Some(why) => {
                warnings.push(format!("line {line}: {why}; skipped"));
                None
            }
            None => Some(c),
        })
        .collect();
    Ok((cookies, warnings))
}

/// What would make a browser refuse this cookie (RFC 6265 cookie-name / cookie-value).
pub(crate) fn suspicious(c: &Cookie) -> Option<&'static str> {
    if c.name.is_empty() {
        return Some("the cookie name (field 6) is empty");
    }
    if c.name
        .chars()
        .any(|ch| ch.is_whitespace() || ch.is_control() || matches!(ch, '=' | ';' | ','))
    {
        return Some("the cookie name (field 6) has a space, '=', ';', ',' or control character");
    }
    if c.value.expose().chars().any(|ch| ch.is_control()) {
        return Some("the cookie value (field 7) has a control character");
    }
    None
}

fn parse_lines(text: &str) -> Result<Vec<(usize, Cookie)>, CookieFileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut cookies = Vec::new();
    for (index, raw) in text.split('\n').enumerate() {
        let line_no = index + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let err = |problem| CookieFileError {
            line: line_no,
            problem,
        };
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            continue;
        }
        // A common mistake: the browser extension was set to JSON output.
        if cookies.is_empty() && (trimmed.starts_with('[') || trimmed.starts_with('{')) {
            return Err(err(CookieLineProblem::LooksLikeJson));
        }
        let (line, http_only) = match strip_prefix_ignore_case(trimmed, HTTP_ONLY_PREFIX) {
            Some(rest) => (rest, true),
            None if trimmed.starts_with('#') => continue,
            None => (line, false),
        };
        cookies.push((line_no, parse_line(line, http_only).map_err(err)?));
    }
    Ok(cookies)
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

fn parse_line(line: &str, http_only: bool) -> Result<Cookie, CookieLineProblem> {
    let fields: Vec<&str> = line.split('\t').collect();
    // yt-dlp and Python's cookiejar read 6 fields as a cookie with an empty value.
    let (domain, flag, path, secure, expires, name, value) = match fields.as_slice() {
        [d, f, p, s, e, n, v] => (*d, *f, *p, *s, *e, *n, *v),
        [d, f, p, s, e, n] => (*d, *f, *p, *s, *e, *n, ""),
        _ => {
            return Err(CookieLineProblem::FieldCount {
                found: fields.len(),
            });
        }
    };
    let domain = domain.trim();
    if domain.is_empty() {
        return Err(CookieLineProblem::EmptyDomain);
    }
    let include_subdomains = parse_bool(flag).ok_or(CookieLineProblem::BadFlag {
        field: "include-subdomains",
        index: 2,
    })?;
    let secure = parse_bool(secure).ok_or(CookieLineProblem::BadFlag {
        field: "secure",
        index: 4,
    })?;
    let path = match path.trim() {
        "" => "/",
        p => p,
    };
    Ok(Cookie {
        domain: domain.to_owned(),
        include_subdomains,
        path: path.to_owned(),
        secure,
        expires: parse_expiration(expires.trim()).ok_or(CookieLineProblem::BadExpiration)?,
        name: name.to_owned(),
        value: Secret::from(value.to_owned()),
        http_only,
    })
}

fn parse_bool(s: &str) -> Option<bool> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("TRUE") {
        Some(true)
    } else if s.eq_ignore_ascii_case("FALSE") {
        Some(false)
    } else {
        None
    }
}

/// Integer or decimal seconds (some exporters write `1700000000.5`); the
/// fraction is dropped. 0 or empty means a session cookie. Outer `None` is an error.
fn parse_expiration(s: &str) -> Option<Option<u64>> {
    if s.is_empty() {
        return Some(None);
    }
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) {
        return None;
    }
    // Absurdly far-future dates saturate rather than fail: they mean "never expires".
    let secs = int.parse::<u64>().unwrap_or(u64::MAX);
    Some((secs != 0).then_some(secs))
}

/// Largest cookies file read: a browser export is kilobytes; a video passed by mistake is not
/// read whole.
pub const MAX_COOKIES_FILE: u64 = 64 * 1024 * 1024;

/// Reads the cookies.txt at `path` (`--cookies`, `session.cookies_file`): at most
/// [`MAX_COOKIES_FILE`] bytes of UTF-8 text; suspicious lines are warned about.
pub fn read_cookies(path: &Path) -> Result<Vec<Cookie>, Error> {
    use std::io::Read;
    let file = std::fs::File::open(path)
        .map_err(|e| Error::Setup(format!("cannot read --cookies {}: {e}", path.display())))?;
    let mut bytes = Vec::new();
    file.take(MAX_COOKIES_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::Setup(format!("cannot read --cookies {}: {e}", path.display())))?;
    if bytes.len() as u64 > MAX_COOKIES_FILE {
        return Err(Error::Setup(format!(
            "--cookies {} is larger than {} MiB; that is not a cookies.txt export",
            path.display(),
            MAX_COOKIES_FILE >> 20
        )));
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        Error::Setup(format!(
            "--cookies {} is not UTF-8 text; export cookies in Netscape cookies.txt format",
            path.display()
        ))
    })?;
    let (list, warnings) = parse_netscape_checked(&text)
        .map_err(|e| Error::Setup(format!("--cookies {}: {e}", path.display())))?;
    for w in warnings {
        tracing::warn!("--cookies {}: {w}", path.display());
    }
    tracing::debug!("read {} cookies from {}", list.len(), path.display());
    Ok(list)
}

/// Puts the cookies of a cookies.txt (`list`) into a client's jar, expired ones left out.
pub fn add_cookies(jar: &reqwest::cookie::Jar, list: &[Cookie]) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    for c in list {
        if c.expires.is_some_and(|e| e <= now) {
            continue;
        }
        let host = c.domain.trim_start_matches('.');
        let Ok(url) = reqwest::Url::parse(&format!(
            "https://{host}{}",
            if c.path.starts_with('/') {
                &c.path
            } else {
                "/"
            }
        )) else {
            continue;
        };
        // Every cookie is marked Secure: tikdl only talks https, and a cookie must never go
        // out in clear text even if a plain-http request slipped through.
        let mut s = format!("{}={}; Path={}; Secure", c.name, c.value.expose(), c.path);
        if c.include_subdomains {
            s.push_str(&format!("; Domain={host}"));
        }
        jar.add_cookie_str(&s, &url);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FUTURE: u64 = 1_900_000_000;

    // A server's Set-Cookie reaches the jar as a header value: the HTTP parser refuses control
    // characters other than TAB in one, and the jar leaves out alone a value it cannot read
    // as text; neither may cost the run its other cookies (the whole Cookie header).
    #[test]
    fn an_odd_set_cookie_value_costs_only_itself() {
        use reqwest::cookie::CookieStore;
        use reqwest::header::HeaderValue;
        let url = reqwest::Url::parse("https://www.tiktok.com/").unwrap();
        for bad in [&b"ctl=a\x7fb"[..], b"nul=a\x00b", b"cr=a\rb"] {
            assert!(HeaderValue::from_bytes(bad).is_err(), "refused on the wire");
        }
        let jar = reqwest::cookie::Jar::default();
        let values = [
            HeaderValue::from_static("good=1"),
            HeaderValue::from_bytes(b"tab=a\tb").unwrap(),
            HeaderValue::from_bytes(b"high=a\xffb").unwrap(),
            HeaderValue::from_static("late=2"),
        ];
        jar.set_cookies(&mut values.iter(), &url);
        let sent = jar.cookies(&url).expect("a Cookie header is still sent");
        let sent = sent.to_str().unwrap();
        assert!(sent.contains("good=1") && sent.contains("late=2"), "{sent}");
        assert!(!sent.contains("high"), "{sent}");
    }

    #[test]
    fn yt_dlp_written_file() {
        let text = "# Netscape HTTP Cookie File\n\
# This file is generated by yt-dlp.  Do not edit.\n\
\n\
.tiktok.com\tTRUE\t/\tTRUE\t1900000000\ttt_chain_token\tAbCdEf123==\n\
#HttpOnly_.tiktok.com\tTRUE\t/\tTRUE\t1900000000\tsessionid\t0123456789abcdef\n\
#HttpOnly_.tiktok.com\tTRUE\t/\tTRUE\t1900000000\tsid_guard\t0123%7C1700%7C5184000\n\
www.tiktok.com\tFALSE\t/\tFALSE\t0\ttt_csrf_token\tx-Yz_1\n\
.tiktok.com\tTRUE\t/\tTRUE\t1900000000\tttwid\t1%7Cabc%7C1700000000%7Cdef\n\
.youtube.com\tTRUE\t/\tTRUE\t1900000000\tPREF\tf6=40000000\n";
        let cookies = parse_netscape(text).unwrap();
        assert_eq!(cookies.len(), 6);
        let session = &cookies[1];
        assert_eq!(session.domain, ".tiktok.com");
        assert!(session.http_only && session.include_subdomains && session.secure);
        assert_eq!(session.expires, Some(FUTURE));
        assert_eq!(session.name, "sessionid");
        assert_eq!(session.value.expose(), "0123456789abcdef");
        assert!(!cookies[0].http_only);
        assert_eq!(cookies[3].expires, None);
        assert!(!cookies[3].include_subdomains);
    }

    #[test]
    fn format_variants() {
        let text = "\u{feff}# HTTP Cookie File\r\n\
\r\n\
   \r\n\
tiktok.com\ttrue\t/\tFalse\t1700000000.5\ta\t1\r\n\
tiktok.com\tTRUE\t/\tFALSE\t1800000000.\tempty7\t\r\n\
tiktok.com\tTRUE\t/\tFALSE\t0\tempty6\r\n\
#HTTPONLY_tiktok.com\tTRUE\t/api\tFALSE\t\tb\tx\ty\r\n";
        // The last line has 8 fields: an error (checked below); parse the rest.
        let good: String = text.lines().take(6).map(|l| format!("{l}\n")).collect();
        let c = parse_netscape(&good).unwrap();
        assert_eq!(c.len(), 3);
        assert!(c[0].include_subdomains && !c[0].secure);
        assert_eq!(c[0].expires, Some(1_700_000_000));
        assert_eq!(c[1].expires, Some(1_800_000_000));
        assert_eq!(c[1].value.expose(), "");
        assert_eq!(c[2].name, "empty6");
        assert_eq!(c[2].value.expose(), "");

        let e = parse_netscape(text).unwrap_err();
        assert_eq!(e.line, 7);
        assert_eq!(e.problem, CookieLineProblem::FieldCount { found: 8 });

        let hidden = parse_netscape("#HttpOnly_.tiktok.com\tTRUE\t/api\tFALSE\t\tb\tx\n").unwrap();
        assert!(hidden[0].http_only);
        assert_eq!(hidden[0].domain, ".tiktok.com");
        assert_eq!(hidden[0].path, "/api");
        assert_eq!(hidden[0].expires, None);

        assert!(parse_netscape("").unwrap().is_empty());
        assert!(
            parse_netscape("# Netscape HTTP Cookie File\n")
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn errors_name_the_line_and_hide_the_value() {
        let secret = "s3cr3t-SESSION-value";
        let cases = [
            (
                format!("# c\n\n.tiktok.com TRUE / TRUE 0 sessionid {secret}\n"),
                3,
                "spaces instead of TABs",
            ),
            (
                format!(".tiktok.com\tYES\t/\tTRUE\t0\tsessionid\t{secret}\n"),
                1,
                "include-subdomains flag",
            ),
            (
                format!("x\n.tiktok.com\tTRUE\t/\t1\t0\tsessionid\t{secret}\n"),
                1,
                "found 1",
            ),
            (
                format!("\n.tiktok.com\tTRUE\t/\tTRUE\tsoon\tsessionid\t{secret}\n"),
                2,
                "expiration",
            ),
            (
                format!(".tiktok.com\tTRUE\t/\tTRUE\t-5\tsessionid\t{secret}\n"),
                1,
                "expiration",
            ),
            (
                format!("\t\tTRUE\t/\tTRUE\t0\tsessionid\t{secret}\n"),
                1,
                "found 8",
            ),
            (
                format!("\tTRUE\t/\tTRUE\t0\tsessionid\t{secret}\n"),
                1,
                "domain",
            ),
            (
                format!("[{{\"name\":\"sessionid\",\"value\":\"{secret}\"}}]"),
                1,
                "JSON",
            ),
        ];
        for (text, line, what) in cases {
            let e = parse_netscape(&text).unwrap_err();
            let msg = e.to_string();
            assert_eq!(e.line, line, "{msg}");
            assert!(msg.contains(&format!("line {line}:")), "{msg}");
            assert!(msg.contains(what), "{msg} lacks {what}");
            assert!(!msg.contains(secret), "{msg} leaks the value");
            assert!(!format!("{e:?}").contains(secret), "{e:?} leaks the value");
        }
    }

    #[test]
    fn debug_output_hides_values() {
        let c = parse_netscape(".tiktok.com\tTRUE\t/\tTRUE\t0\tsessionid\ttopsecret\n").unwrap();
        let dbg = format!("{c:?}");
        assert!(dbg.contains("sessionid") && dbg.contains("(redacted)"));
        assert!(!dbg.contains("topsecret"));
    }
}

#[cfg(test)]
mod checked_tests {
    use super::*;

    #[test]
    fn odd_lines_are_warned_about_by_number() {
        let text = ".tiktok.com\tTRUE\t/\tTRUE\t0\tgood\tv1\n\
                    \t\t\t\t\t\t\n\
                    .tiktok.com\tTRUE\t/\tTRUE\t0\t\tSECRETA\n\
                    .tiktok.com\tTRUE\t/\tTRUE\t0\tna me\tSECRETB\n\
                    .tiktok.com\tTRUE\t/\tTRUE\t0\tctl\tSEC\u{1}RETC\n";
        let (list, warnings) = parse_netscape_checked(text).unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(warnings.len(), 4, "{warnings:?}");
        for (w, line) in warnings.iter().zip(2..) {
            assert!(w.starts_with(&format!("line {line}:")), "{w}");
            assert!(!w.contains("SECRET") && !w.contains("SEC"), "{w}");
        }
    }
}
