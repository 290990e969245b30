//! How one template value is written: Python's `%`-formatting as yt-dlp's output templates use
//! it (`%(view_count)05d`, `%(duration).2f`, `%(id)x`, `%(title).20B`), and the `>` date
//! formatting of `%(upload_date>%Y-%m-%d)s`.
//!
//! What yt-dlp does, and so tikdl (yt-dlp `yt_dlp/YoutubeDL.py` `prepare_outtmpl`, its format
//! regex `STR_FORMAT_RE_TMPL` in `yt_dlp/utils/_utils.py`): flags `#0- +`, a width, a precision,
//! then one conversion. Numeric conversions take the value as a number (a numeric string counts;
//! anything else falls back to the default); `B` cuts the text to at most `precision` UTF-8
//! bytes and drops a character split by the cut; `r` is Python's `repr`. A `>FORMAT` is
//! `strftime` of a Unix timestamp (UTC) or of a `YYYYMMDD` date (`strftime_or_none`).

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::OwnedFormatItem;

/// A conversion (the letter ending a placeholder).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Conversion {
    /// `s`: the value as text.
    Str,
    /// `r`: Python's `repr` of the value.
    Repr,
    /// `B`: text whose precision counts UTF-8 bytes.
    Bytes,
    /// `d`, `i`, `u`: a whole number.
    Int,
    /// `o`.
    Octal,
    /// `x`, `X`.
    Hex { upper: bool },
    /// `f`, `F`.
    Fixed { upper: bool },
    /// `e`, `E`.
    Exp { upper: bool },
    /// `g`, `G`.
    General { upper: bool },
    /// `l`: a list joined by `, ` (`#`: by line breaks).
    List,
    /// `j`: the value as JSON (`#`: indented; `+`: non-ASCII kept as it is).
    Json,
    /// `q`: the text quoted for a POSIX shell (`#`: each item of a list quoted on its own).
    Quoted,
    /// `U`: the text Unicode-normalized (NFC; `+`: NFKC; `#`: NFD; both: NFKD).
    Normalized,
    /// `S`: the text made safe as a file name (`#`: as --restrict-filenames).
    Sanitized,
}

/// The conversions tikdl knows, for error messages.
pub(crate) const CONVERSIONS: &str = "s, r, B, d, i, u, o, x, X, f, F, e, E, g, G, l, j, q, U, S";

impl Conversion {
    pub(crate) fn from_char(c: char) -> Option<Self> {
        Some(match c {
            's' => Self::Str,
            'r' => Self::Repr,
            'B' => Self::Bytes,
            'd' | 'i' | 'u' => Self::Int,
            'o' => Self::Octal,
            'x' | 'X' => Self::Hex { upper: c == 'X' },
            'f' | 'F' => Self::Fixed { upper: c == 'F' },
            'e' | 'E' => Self::Exp { upper: c == 'E' },
            'g' | 'G' => Self::General { upper: c == 'G' },
            'l' => Self::List,
            'j' => Self::Json,
            'q' => Self::Quoted,
            'U' => Self::Normalized,
            'S' => Self::Sanitized,
            _ => return None,
        })
    }

    /// Text conversions (`s`, `r`, `B`, and yt-dlp's `l j q U S`): their value is sanitized in
    /// a file name.
    pub(crate) fn is_text(self) -> bool {
        !matches!(
            self,
            Self::Int
                | Self::Octal
                | Self::Hex { .. }
                | Self::Fixed { .. }
                | Self::Exp { .. }
                | Self::General { .. }
        )
    }

    /// Conversions of whole numbers (`d`, `o`, `x`).
    pub(crate) fn is_integer(self) -> bool {
        matches!(self, Self::Int | Self::Octal | Self::Hex { .. })
    }
}

/// Flags, width, precision and conversion of one placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Spec {
    /// `-`: pad on the right.
    pub left: bool,
    /// `0`: pad numbers with zeros.
    pub zero: bool,
    /// `+`: a sign on positive numbers too.
    pub plus: bool,
    /// ` `: a space before positive numbers.
    pub space: bool,
    /// `#`: the alternate form (`0x`, `0o`, a decimal point kept).
    pub alt: bool,
    pub width: Option<usize>,
    pub precision: Option<usize>,
    pub conversion: Conversion,
}

/// `s` quoted for a POSIX shell as Python's `shlex.quote` does (yt-dlp's `q` uses it): kept
/// when it is only ASCII letters, digits and `@%+=:,./-_`, else in `'...'` with each `'`
/// written `'"'"'`.
pub(crate) fn shell_quote(s: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "@%+=:,./-_".contains(c);
    if !s.is_empty() && s.chars().all(safe) {
        return s.to_owned();
    }
    format!("'{}'", s.replace('\'', "'\"'\"'"))
}

/// `n` as `d`, `o`, `x` or `X` write it.
pub(crate) fn integer(n: i128, spec: &Spec) -> String {
    let magnitude = n.unsigned_abs();
    let (mut digits, prefix) = match spec.conversion {
        Conversion::Octal => (format!("{magnitude:o}"), "0o"),
        Conversion::Hex { upper: false } => (format!("{magnitude:x}"), "0x"),
        Conversion::Hex { upper: true } => (format!("{magnitude:X}"), "0X"),
        _ => (magnitude.to_string(), ""),
    };
    if let Some(p) = spec.precision
        && digits.len() < p
    {
        digits = "0".repeat(p - digits.len()) + &digits;
    }
    let prefix = if spec.alt { prefix } else { "" };
    numeric(n < 0, prefix, digits, spec, true)
}

/// `x` as `f`, `e` or `g` (and their upper-case forms) write it.
pub(crate) fn float(x: f64, spec: &Spec) -> String {
    let upper = matches!(
        spec.conversion,
        Conversion::Fixed { upper: true }
            | Conversion::Exp { upper: true }
            | Conversion::General { upper: true }
    );
    if !x.is_finite() {
        let word = if x.is_nan() { "nan" } else { "inf" };
        let word = if upper {
            word.to_ascii_uppercase()
        } else {
            word.to_owned()
        };
        return numeric(x.is_sign_negative() && !x.is_nan(), "", word, spec, false);
    }
    let p = spec.precision.unwrap_or(6);
    let a = x.abs();
    let body = match spec.conversion {
        Conversion::Exp { .. } => exponential(a, p, spec.alt),
        Conversion::General { .. } => general(a, p, spec.alt),
        _ => {
            let s = format!("{a:.p$}");
            if spec.alt && p == 0 { s + "." } else { s }
        }
    };
    let body = if upper {
        body.to_ascii_uppercase()
    } else {
        body
    };
    numeric(x.is_sign_negative(), "", body, spec, true)
}

/// `a` (not negative) as `%.{p}e`: a mantissa, `e`, a sign and at least two exponent digits.
fn exponential(a: f64, p: usize, alt: bool) -> String {
    let s = format!("{a:.p$e}");
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let point = if alt && p == 0 { "." } else { "" };
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}{point}e{sign}{:02}", exp.unsigned_abs())
}

/// `a` (not negative) as `%.{p}g`: fixed or exponential by the exponent, trailing zeros
/// dropped unless `alt`.
fn general(a: f64, p: usize, alt: bool) -> String {
    let p = p.max(1);
    let probe = format!("{a:.prec$e}", prec = p - 1);
    let exp: i64 = probe
        .split_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .unwrap_or(0);
    let p_i = i64::try_from(p).unwrap_or(i64::MAX);
    let s = if (-4..p_i).contains(&exp) {
        let prec = usize::try_from(p_i - 1 - exp).unwrap_or(0);
        format!("{a:.prec$}")
    } else {
        exponential(a, p - 1, alt)
    };
    if alt {
        if s.contains('.') { s } else { s + "." }
    } else {
        strip_zeros(&s)
    }
}

/// `1.2300e+05` -> `1.23e+05`, `100.000` -> `100`.
fn strip_zeros(s: &str) -> String {
    let (mantissa, exp) = match s.find('e') {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    };
    let mantissa = if mantissa.contains('.') {
        mantissa.trim_end_matches('0').trim_end_matches('.')
    } else {
        mantissa
    };
    format!("{mantissa}{exp}")
}

/// Sign, prefix and digits, padded to the width: zeros between sign and digits with `0` (and
/// `zero_ok`), else spaces on the left (or the right with `-`).
fn numeric(negative: bool, prefix: &str, digits: String, spec: &Spec, zero_ok: bool) -> String {
    let sign = match () {
        () if negative => "-",
        () if spec.plus => "+",
        () if spec.space => " ",
        () => "",
    };
    let len = sign.len() + prefix.len() + digits.chars().count();
    match spec.width {
        Some(w) if w > len && spec.zero && zero_ok && !spec.left => {
            format!("{sign}{prefix}{}{digits}", "0".repeat(w - len))
        }
        _ => pad(format!("{sign}{prefix}{digits}"), spec),
    }
}

/// Text as `s` or `r` write it: at most `precision` characters, padded to the width.
pub(crate) fn text(s: String, spec: &Spec) -> String {
    let s = match spec.precision {
        Some(p) => s.chars().take(p).collect(),
        None => s,
    };
    pad(s, spec)
}

/// Text as `B` writes it: at most `precision` UTF-8 bytes (a character the cut would split is
/// dropped, as yt-dlp's `decode('utf-8', 'ignore')` does), padded to `width` bytes.
pub(crate) fn bytes(s: &str, spec: &Spec) -> String {
    let cut = match spec.precision {
        Some(p) => crate::disk::safe_path::cut_bytes(s, p),
        None => s,
    };
    let fill = spec.width.unwrap_or(0).saturating_sub(cut.len());
    let fill = " ".repeat(fill);
    if spec.left {
        format!("{cut}{fill}")
    } else {
        format!("{fill}{cut}")
    }
}

/// Pads with spaces to the width in characters (`0` pads text with spaces too, as Python does).
fn pad(s: String, spec: &Spec) -> String {
    let len = s.chars().count();
    match spec.width {
        Some(w) if w > len => {
            let fill = " ".repeat(w - len);
            if spec.left { s + &fill } else { fill + &s }
        }
        _ => s,
    }
}

/// The value as a number for `f`, `e`, `g` (yt-dlp's `float_or_none`).
pub(crate) fn as_float(v: &Value) -> Option<f64> {
    match v {
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Python's `repr` of a JSON value: strings quoted, `True`/`False`/`None`, lists and dicts.
pub(crate) fn repr(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => repr_str(s),
        Value::Array(a) => format!("[{}]", a.iter().map(repr).collect::<Vec<_>>().join(", ")),
        Value::Object(m) => {
            let items: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}: {}", repr_str(k), repr(v)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
    }
}

/// Python's `repr` of a string: single quotes unless it holds one and no double quote.
fn repr_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// The `>FORMAT` of a placeholder: a `strftime` format, parsed once.
#[derive(Debug, Clone)]
pub(crate) struct DateFormat {
    source: String,
    items: OwnedFormatItem,
}

impl PartialEq for DateFormat {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl Eq for DateFormat {}

impl DateFormat {
    /// Parses a `strftime` format (`%Y-%m-%d`, `%d %B %Y`, `%H-%M`...). The `time` crate's
    /// `strftime` reader is used: tikdl already depends on it for dates, and it knows every
    /// directive yt-dlp users write (`%Y %m %d %H %M %S %j %y %b %B %a %A %e %I %p %%`...).
    pub(crate) fn parse(s: &str) -> Result<Self, String> {
        if s.is_empty() {
            return Err("empty date format after `>`".into());
        }
        let items = time::format_description::parse_strftime_owned(s)
            .map_err(|e| format!("date format `{s}`: {e}"))?;
        Ok(Self {
            source: s.to_owned(),
            items,
        })
    }

    /// The value formatted: a number is a Unix timestamp (UTC), a string a `YYYYMMDD` date
    /// (midnight UTC). `None` for anything else, as yt-dlp's `strftime_or_none`.
    pub(crate) fn apply(&self, v: &Value) -> Option<String> {
        let when = match v {
            Value::Number(n) => {
                let secs = n.as_i64().or_else(|| {
                    n.as_f64()
                        .filter(|f| f.is_finite() && f.abs() < 1e15)
                        .map(|f| f.floor() as i64)
                })?;
                OffsetDateTime::from_unix_timestamp(secs).ok()?
            }
            Value::String(s) => {
                let s = s.trim();
                if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let year: i32 = s[..4].parse().ok()?;
                let month = time::Month::try_from(s[4..6].parse::<u8>().ok()?).ok()?;
                let day: u8 = s[6..].parse().ok()?;
                time::Date::from_calendar_date(year, month, day)
                    .ok()?
                    .midnight()
                    .assume_utc()
            }
            _ => return None,
        };
        when.format(&self.items).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(flags: &str, width: Option<usize>, precision: Option<usize>, conv: char) -> Spec {
        Spec {
            left: flags.contains('-'),
            zero: flags.contains('0'),
            plus: flags.contains('+'),
            space: flags.contains(' '),
            alt: flags.contains('#'),
            width,
            precision,
            conversion: Conversion::from_char(conv).unwrap(),
        }
    }

    // Expected values are what Python's `%` operator gives.
    #[test]
    fn integers_as_python_writes_them() {
        assert_eq!(integer(7, &spec("", None, None, 'd')), "7");
        assert_eq!(integer(7, &spec("+", None, Some(3), 'd')), "+007");
        assert_eq!(integer(-7, &spec("0", Some(5), None, 'd')), "-0007");
        assert_eq!(integer(7, &spec("+0", Some(5), None, 'd')), "+0007");
        assert_eq!(integer(7, &spec(" ", None, None, 'd')), " 7");
        assert_eq!(integer(7, &spec("-0", Some(4), None, 'd')), "7   ");
        assert_eq!(integer(255, &spec("", None, None, 'x')), "ff");
        assert_eq!(integer(255, &spec("#", None, None, 'X')), "0XFF");
        assert_eq!(integer(255, &spec("#0", Some(6), None, 'x')), "0x00ff");
        assert_eq!(integer(-255, &spec("#", None, None, 'x')), "-0xff");
        assert_eq!(integer(8, &spec("#", None, None, 'o')), "0o10");
        assert_eq!(integer(10, &spec("", None, Some(3), 'x')), "00a");
        assert_eq!(integer(12345, &spec("", Some(8), None, 'd')), "   12345");
    }

    #[test]
    fn floats_as_python_writes_them() {
        let f = |x: f64, flags: &str, w: Option<usize>, p: Option<usize>, c: char| {
            float(x, &spec(flags, w, p, c))
        };
        assert_eq!(f(15.7, "", None, Some(2), 'f'), "15.70");
        assert_eq!(f(15.0, "", None, None, 'f'), "15.000000");
        assert_eq!(f(-4.256, "0", Some(8), Some(2), 'f'), "-0004.26");
        assert_eq!(f(2.5, "", None, Some(0), 'f'), "2");
        assert_eq!(f(3.0, "#", None, Some(0), 'f'), "3.");
        assert_eq!(f(12345.0, "+", None, Some(1), 'e'), "+1.2e+04");
        assert_eq!(f(0.000123, "", None, None, 'e'), "1.230000e-04");
        assert_eq!(f(12345.0, "", None, Some(0), 'E'), "1E+04");
        assert_eq!(f(1234567.0, "", None, None, 'g'), "1.23457e+06");
        assert_eq!(f(0.0001, "", None, None, 'g'), "0.0001");
        assert_eq!(f(0.00001, "", None, None, 'g'), "1e-05");
        assert_eq!(f(100000.0, "", None, None, 'g'), "100000");
        assert_eq!(f(15.5, "", None, None, 'g'), "15.5");
        assert_eq!(f(0.0, "", None, None, 'g'), "0");
        assert_eq!(f(1.0, "#", None, None, 'g'), "1.00000");
        assert_eq!(f(1e300, "", None, Some(2), 'G'), "1E+300");
        assert_eq!(f(f64::INFINITY, "", None, None, 'f'), "inf");
        assert_eq!(f(f64::NEG_INFINITY, "", None, None, 'F'), "-INF");
    }

    #[test]
    fn text_and_bytes() {
        assert_eq!(text("héllo".into(), &spec("", None, Some(2), 's')), "hé");
        assert_eq!(text("ab".into(), &spec("0", Some(4), None, 's')), "  ab");
        // `é` is two bytes: a cut inside it drops it.
        assert_eq!(bytes("héllo", &spec("", None, Some(2), 'B')), "h");
        assert_eq!(bytes("héllo", &spec("", None, Some(3), 'B')), "hé");
        assert_eq!(bytes("🐱🐶", &spec("", None, Some(7), 'B')), "🐱");
        assert_eq!(bytes("ab", &spec("-", Some(4), None, 'B')), "ab  ");
    }

    #[test]
    fn repr_as_python() {
        assert_eq!(repr(&json!("it's")), "\"it's\"");
        assert_eq!(repr(&json!("a\nb")), "'a\\nb'");
        assert_eq!(repr(&json!(["a", 1, true, null])), "['a', 1, True, None]");
        assert_eq!(repr(&json!({"k": 2.5})), "{'k': 2.5}");
    }

    #[test]
    fn dates_from_timestamps_and_days() {
        let d = DateFormat::parse("%Y-%m-%d %H-%M").unwrap();
        // 2026-01-31 00:00:00 UTC.
        assert_eq!(d.apply(&json!(1769817600)).unwrap(), "2026-01-31 00-00");
        assert_eq!(d.apply(&json!(1769817600.9)).unwrap(), "2026-01-31 00-00");
        assert_eq!(d.apply(&json!("20260131")).unwrap(), "2026-01-31 00-00");
        assert_eq!(d.apply(&json!("2026-01-31")), None);
        assert_eq!(d.apply(&json!("20261331")), None);
        assert_eq!(d.apply(&json!(true)), None);
        let all = DateFormat::parse("%j %y %b %B %a %A %e %I %p %S %%").unwrap();
        assert_eq!(
            all.apply(&json!(1769866205)).unwrap(),
            "031 26 Jan January Sat Saturday 31 01 PM 05 %"
        );
        assert!(DateFormat::parse("").is_err());
        assert!(DateFormat::parse("%Q").is_err());
    }
}
