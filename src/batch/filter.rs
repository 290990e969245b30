//! `--match-filter FILTER`: which posts to take, by their metadata, in yt-dlp's filter
//! language (`match_filter_func`, `match_str` and `_match_one` in `yt_dlp/utils/_utils.py`).
//!
//! A filter is conditions joined by `&` (`\&` is a literal `&`); every one must hold. Several
//! `--match-filter`s: a post is taken when any one of them holds. A condition is
//!
//! * `FIELD OP VALUE`, `OP` one of `<` `<=` `>` `>=` `=` (numbers or text), `*=` (contains;
//!   for a list such as `hashtags`: is one of them), `^=` (starts with), `$=` (ends with); `!`
//!   before `OP` negates it (`!=`, `!*=`); `?` after it also takes posts without the field
//!   (`like_count>?100`). A missing field fails the condition otherwise. `VALUE` may be quoted
//!   (`'...'` or `"..."`, `\'` inside). Compared with a number field, `VALUE` is a number as
//!   yt-dlp reads one: an integer, else a size with a unit (`2.5MB`), else the same with `B`
//!   added (`1k` is `1kB`, 1024; `1K` is 1000; `2.5M` is 2,500,000), else a duration (`1:30`,
//!   `2h`);
//! * `FIELD`: the field is true (a boolean) or present (anything else); `!FIELD`: false or
//!   missing.
//!
//! The fields are those of `info --json`, and `has_subtitles` (whether the post has any
//! subtitle track). `is_pinned` is true for the posts a profile's list marks pinned
//! (`isPinnedItem`); a post fetched alone is never marked. yt-dlp's `~=` (a regular expression)
//! is refused: tikdl has no regex engine.

use serde_json::{Map, Value};

use crate::model::VideoInfo;

/// The reason a post that passes no filter is skipped with.
pub const SKIP_REASON: &str = "does not pass --match-filter";

/// Fields that are numbers: a text operator on them is refused when the filter is read (yt-dlp
/// fails there too, when it meets the first post).
const NUMBER_FIELDS: [&str; 9] = [
    "view_count",
    "like_count",
    "comment_count",
    "repost_count",
    "save_count",
    "duration",
    "timestamp",
    "width",
    "height",
];

/// The `--match-filter`s of a run: a post is taken when any one of them holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MatchFilters(Vec<MatchFilter>);

impl MatchFilters {
    /// The filters, each one `--match-filter`.
    pub fn new(filters: Vec<MatchFilter>) -> Self {
        Self(filters)
    }

    /// Each filter as written.
    pub fn sources(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|m| m.source.as_str())
    }

    /// No filter: every post is taken.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The filters as `--max` counts posts (`None` without a filter): a list's `--max N` stops
    /// once N posts passed them.
    pub fn for_max(&self) -> Option<crate::fetch::lists::MaxCounts> {
        if self.is_empty() {
            return None;
        }
        let filters = self.clone();
        Some(crate::fetch::lists::MaxCounts(std::sync::Arc::new(
            move |info: &VideoInfo| filters.accepts(info),
        )))
    }

    /// Whether `info` is taken: no filters, or one that holds.
    pub fn accepts(&self, info: &VideoInfo) -> bool {
        if self.0.is_empty() {
            return true;
        }
        let fields = fields_of(info);
        self.0.iter().any(|f| f.holds(&fields))
    }
}

impl std::fmt::Display for MatchFilters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let all: Vec<&str> = self.0.iter().map(|m| m.source.as_str()).collect();
        f.write_str(&all.join(" | "))
    }
}

/// The fields a filter sees: the post's `info --json` object and `has_subtitles`.
fn fields_of(info: &VideoInfo) -> Map<String, Value> {
    let mut m = match serde_json::to_value(info) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    m.insert(
        "has_subtitles".into(),
        Value::Bool(!info.subtitles.is_empty()),
    );
    m
}

/// One `--match-filter`: conditions that must all hold.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchFilter {
    source: String,
    conditions: Vec<Condition>,
}

impl MatchFilter {
    /// Whether every condition holds for `fields`.
    fn holds(&self, fields: &Map<String, Value>) -> bool {
        self.conditions.iter().all(|c| c.holds(fields))
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Condition {
    /// `FIELD` (`negate: false`) or `!FIELD`.
    Present { key: String, negate: bool },
    Compare {
        key: String,
        op: Op,
        negate: bool,
        /// `?`: a missing field passes.
        missing_passes: bool,
        text: String,
        /// `text` as a number, when it reads as one.
        number: Option<f64>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Contains,
    StartsWith,
    EndsWith,
}

impl Op {
    fn is_text(self) -> bool {
        matches!(self, Op::Contains | Op::StartsWith | Op::EndsWith)
    }

    fn order(self, o: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Op::Lt => o == Less,
            Op::Le => o != Greater,
            Op::Gt => o == Greater,
            Op::Ge => o != Less,
            Op::Eq => o == Equal,
            _ => false,
        }
    }
}

/// Longest first, so `<=` is not read as `<`.
const OPERATORS: [(&str, Op); 9] = [
    ("*=", Op::Contains),
    ("^=", Op::StartsWith),
    ("$=", Op::EndsWith),
    ("~=", Op::Eq),
    ("<=", Op::Le),
    (">=", Op::Ge),
    ("<", Op::Lt),
    (">", Op::Gt),
    ("=", Op::Eq),
];

impl Condition {
    fn holds(&self, fields: &Map<String, Value>) -> bool {
        match self {
            Condition::Present { key, negate } => {
                let v = fields.get(key).filter(|v| !v.is_null());
                match (v, negate) {
                    (Some(Value::Bool(b)), false) => *b,
                    (Some(Value::Bool(b)), true) => !*b,
                    (v, false) => v.is_some(),
                    (v, true) => v.is_none(),
                }
            }
            Condition::Compare {
                key,
                op,
                negate,
                missing_passes,
                text,
                number,
            } => {
                let Some(actual) = fields.get(key).filter(|v| !v.is_null()) else {
                    return *missing_passes;
                };
                compare(actual, *op, text, *number) != *negate
            }
        }
    }
}

/// `actual OP value`, as Python compares them in yt-dlp: numbers with the value as a number
/// (a value that is none never matches), text with text; `*=` on a list is membership.
fn compare(actual: &Value, op: Op, text: &str, number: Option<f64>) -> bool {
    match actual {
        Value::Number(n) => match (n.as_f64(), number) {
            (Some(a), Some(b)) if !op.is_text() => a.partial_cmp(&b).is_some_and(|o| op.order(o)),
            _ => false,
        },
        Value::Bool(b) => match number {
            Some(n) if !op.is_text() => f64::from(u8::from(*b))
                .partial_cmp(&n)
                .is_some_and(|o| op.order(o)),
            _ => false,
        },
        Value::String(s) => match op {
            Op::Contains => s.contains(text),
            Op::StartsWith => s.starts_with(text),
            Op::EndsWith => s.ends_with(text),
            _ => op.order(s.as_str().cmp(text)),
        },
        Value::Array(items) => op == Op::Contains && items.iter().any(|i| i.as_str() == Some(text)),
        _ => false,
    }
}

/// Why a filter cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{why}")]
pub struct FilterError {
    /// The filter as given.
    pub filter: String,
    why: String,
}

impl std::str::FromStr for MatchFilter {
    type Err = FilterError;

    fn from_str(s: &str) -> Result<Self, FilterError> {
        let err = |why: String| FilterError {
            filter: s.to_owned(),
            why,
        };
        if s.trim() == "-" {
            return Err(err(
                "`-` (asking about each post) is not supported: tikdl does not prompt".into(),
            ));
        }
        let conditions = split_and(s)
            .iter()
            .map(|part| condition(part.trim()).map_err(&err))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(MatchFilter {
            source: s.trim().to_owned(),
            conditions,
        })
    }
}

/// The filter split at each `&` not escaped, `\&` made a plain `&`.
fn split_and(s: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'&') => {
                chars.next();
                if let Some(p) = parts.last_mut() {
                    p.push('&');
                }
            }
            '&' => parts.push(String::new()),
            c => {
                if let Some(p) = parts.last_mut() {
                    p.push(c);
                }
            }
        }
    }
    parts
}

/// yt-dlp's field names: lower-case letters and `_`.
fn is_key_char(c: char) -> bool {
    c.is_ascii_lowercase() || c == '_'
}

fn condition(part: &str) -> Result<Condition, String> {
    if part.is_empty() {
        return Err("an empty condition (two `&` in a row, or one at an end)".into());
    }
    let key_len = part.find(|c| !is_key_char(c)).unwrap_or(part.len());
    if key_len == 0 {
        // `!FIELD`.
        if let Some(rest) = part.strip_prefix('!') {
            let key = rest.trim_start();
            if !key.is_empty() && key.chars().all(is_key_char) {
                return Ok(Condition::Present {
                    key: key.to_owned(),
                    negate: true,
                });
            }
        }
        return Err(format!(
            "`{part}` does not start with a field name (lower-case letters and `_`)"
        ));
    }
    let key = &part[..key_len];
    let rest = part[key_len..].trim_start();
    if rest.is_empty() {
        return Ok(Condition::Present {
            key: key.to_owned(),
            negate: false,
        });
    }
    let (negate, rest) = match rest.strip_prefix('!') {
        Some(r) => (true, r.trim_start()),
        None => (false, rest),
    };
    let Some(&(sym, op)) = OPERATORS.iter().find(|(sym, _)| rest.starts_with(sym)) else {
        return Err(format!(
            "no operator after `{key}` (use < <= > >= = != *= ^= $=, `?` after one to take posts without the field)"
        ));
    };
    if sym == "~=" {
        return Err("`~=` (a regular expression) is not supported; use `*=` (contains), `^=` (starts with) or `$=` (ends with)".into());
    }
    let rest = rest[sym.len()..].trim_start();
    let (missing_passes, rest) = match rest.strip_prefix('?') {
        Some(r) => (true, r.trim_start()),
        None => (false, rest),
    };
    let text = value_text(rest)?;
    let number = parse_number(&text);
    if op.is_text() && NUMBER_FIELDS.contains(&key) {
        return Err(format!(
            "`{sym}` compares text, but {key} is a number (use < <= > >= =)"
        ));
    }
    if !op.is_text() && NUMBER_FIELDS.contains(&key) && number.is_none() {
        return Err(format!("`{text}` is not a number to compare {key} with"));
    }
    Ok(Condition::Compare {
        key: key.to_owned(),
        op,
        negate,
        missing_passes,
        text,
        number,
    })
}

/// The value after the operator: quoted (`\` before the quote keeps it), or the rest as is.
fn value_text(rest: &str) -> Result<String, String> {
    if rest.is_empty() {
        return Err("no value after the operator".into());
    }
    for q in ['\'', '"'] {
        if let Some(inner) = rest.strip_prefix(q) {
            let Some(body) = inner.strip_suffix(q).filter(|b| !b.is_empty()) else {
                return Err(format!("the quoted value `{rest}` has no closing {q}"));
            };
            return Ok(body.replace(&format!("\\{q}"), &q.to_string()));
        }
    }
    Ok(rest.to_owned())
}

/// A value as yt-dlp reads a number to compare with: `int()`, else `parse_filesize(v)`, else
/// `parse_filesize(v + 'B')`, else `parse_duration(v)`.
fn parse_number(s: &str) -> Option<f64> {
    let t = s.trim();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t).replace('_', "");
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return t.replace('_', "").parse::<f64>().ok();
    }
    filesize(s)
        .or_else(|| filesize(&format!("{s}B")))
        .or_else(|| duration(s))
}

/// yt-dlp's `parse_filesize`: digits (`,` or `.` before decimals), spaces, a unit from its
/// table, then the end of a word; rounded half to even as Python's `round`.
fn filesize(s: &str) -> Option<f64> {
    let num_len = number_prefix(s)?;
    let num: f64 = s[..num_len].replace(',', ".").parse().ok()?;
    let rest = s[num_len..].trim_start();
    let mult = unit(rest)?;
    Some((num * mult).round_ties_even())
}

/// Length of `\d+(?:[,.]\d+)?` at the start of `s`.
fn number_prefix(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let int = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if int == 0 {
        return None;
    }
    if matches!(b.get(int), Some(b',' | b'.')) {
        let frac = b[int + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if frac > 0 {
            return Some(int + 1 + frac);
        }
    }
    Some(int)
}

/// The multiplier of the unit `rest` starts with (followed by the end of a word).
fn unit(rest: &str) -> Option<f64> {
    const PREFIXES: [(char, &str, &str); 8] = [
        ('K', "kilo", "kibi"),
        ('M', "mega", "mebi"),
        ('G', "giga", "gibi"),
        ('T', "tera", "tebi"),
        ('P', "peta", "pebi"),
        ('E', "exa", "exbi"),
        ('Z', "zetta", "zebi"),
        ('Y', "yotta", "yobi"),
    ];
    let word_end = |n: usize| {
        rest[n..]
            .chars()
            .next()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
    };
    let mut table: Vec<(String, f64)> =
        vec![("bytes".into(), 1.0), ("B".into(), 1.0), ("b".into(), 1.0)];
    for (i, (p, dec, bin)) in PREFIXES.iter().enumerate() {
        let e = i32::try_from(i + 1).unwrap_or(8);
        let (k, ki) = (1000f64.powi(e), 1024f64.powi(e));
        let lower = p.to_ascii_lowercase();
        table.extend([
            (format!("{p}iB"), ki),
            (format!("{p}B"), k),
            (format!("{lower}B"), ki),
            (format!("{p}b"), k),
            (format!("{lower}b"), k),
            (format!("{dec}bytes"), k),
            (format!("{bin}bytes"), ki),
        ]);
    }
    table
        .into_iter()
        .find(|(u, _)| rest.starts_with(u.as_str()) && word_end(u.len()))
        .map(|(_, m)| m)
}

/// yt-dlp's `parse_duration`, its common forms: `[[[D:]H:]M:]S[.MS]`, and `1h30m`, `90s`,
/// `2 mins`, `1d 2h` (day, hour, minute, second words).
fn duration(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let clock: Vec<&str> = s.trim_end_matches('Z').split(':').collect();
    if clock.len() <= 4 && clock.iter().all(|p| is_decimal(p)) {
        let mults = [86400.0, 3600.0, 60.0, 1.0];
        let start = 4 - clock.len();
        let mut total = 0.0;
        for (p, m) in clock.iter().zip(&mults[start..]) {
            total += p.parse::<f64>().ok()? * m;
        }
        return Some(total);
    }
    let lower = s.to_ascii_lowercase();
    let mut rest = lower.as_str();
    let mut total = 0.0;
    let units: [(&[&str], f64); 4] = [
        (&["days", "day", "d"], 86400.0),
        (&["hours", "hour", "hrs", "hr", "h"], 3600.0),
        (&["minutes", "minute", "mins", "min", "m"], 60.0),
        (&["seconds", "second", "secs", "sec", "s"], 1.0),
    ];
    let mut next_unit = 0;
    while !rest.is_empty() {
        let n = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        if n == 0 {
            return None;
        }
        let value: f64 = rest[..n].parse().ok()?;
        rest = rest[n..].trim_start();
        let (i, word, mult) =
            units
                .iter()
                .enumerate()
                .skip(next_unit)
                .find_map(|(i, (words, m))| {
                    words
                        .iter()
                        .find(|w| rest.starts_with(**w))
                        .map(|w| (i, *w, *m))
                })?;
        total += value * mult;
        next_unit = i + 1;
        rest = rest[word.len()..].trim_start_matches([',', ' ']);
    }
    Some(total)
}

fn is_decimal(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && s.bytes().filter(|&b| b == b'.').count() <= 1
        && !s.starts_with('.')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn f(s: &str) -> MatchFilter {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn post() -> Map<String, Value> {
        match json!({
            "id": "7500000000000000001", "title": "my cat video", "uploader": "foo",
            "view_count": 1500, "like_count": null, "duration": 45, "is_pinned": true,
            "hashtags": ["cat", "fyp"], "has_subtitles": false, "description": "",
        }) {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    fn holds(s: &str) -> bool {
        f(s).holds(&post())
    }

    #[test]
    fn numeric_comparisons() {
        assert!(holds("view_count>=1000"));
        assert!(holds("view_count >= 1500"));
        assert!(!holds("view_count>1500"));
        assert!(holds("duration<60"));
        assert!(!holds("duration<45"));
        assert!(holds("duration<=45 & duration=45"));
        assert!(holds("duration!=30"));
        // `1k` reads as yt-dlp reads it: `1kB`, 1024; `1K` is 1000, `1.5K` 1500.
        assert!(holds("view_count>1k"));
        assert!(holds("view_count=1.5K"));
        assert!(!holds("view_count>=2.5M"));
        assert!(holds("duration<1:00"));
        assert!(holds("duration>30s"));
    }

    #[test]
    fn missing_fields_and_question_mark() {
        assert!(!holds("like_count>100"));
        assert!(holds("like_count>?100"));
        assert!(!holds("comment_count<5"));
        assert!(holds("comment_count<?5"));
    }

    #[test]
    fn strings_and_lists() {
        assert!(holds("uploader=foo"));
        assert!(!holds("uploader=foobar"));
        assert!(holds("uploader!=bar"));
        assert!(holds("title*=cat"));
        assert!(holds("title^=my & title$=video"));
        assert!(holds("title!*=dog"));
        assert!(holds("title='my cat video'"));
        assert!(holds("hashtags*=fyp"));
        assert!(!holds("hashtags*=fy"));
        assert!(!holds(r"title*=cat \& dog"));
        assert_eq!(split_and(r"title*=a \& b&x"), ["title*=a & b", "x"]);
    }

    #[test]
    fn booleans_and_presence() {
        assert!(holds("is_pinned"));
        assert!(!holds("!is_pinned"));
        assert!(!holds("has_subtitles"));
        assert!(holds("!has_subtitles"));
        assert!(holds("uploader"));
        assert!(!holds("like_count"));
        assert!(holds("!like_count"));
        assert!(holds("!missing_field"));
        assert!(holds("is_pinned & view_count>1000 & !has_subtitles"));
    }

    #[test]
    fn several_filters_are_an_or() {
        let info: VideoInfo = serde_json::from_value(json!({
            "extractor": "TikTok", "id": "7500000000000000001", "kind": "video",
            "title": "t", "description": "", "uploader": "foo", "uploader_id": null,
            "uploader_url": null, "channel": null, "channel_id": null, "channel_url": null,
            "webpage_url": "https://www.tiktok.com/@foo/video/7500000000000000001",
            "timestamp": null, "upload_date": null, "duration": 10, "view_count": 5,
            "like_count": null, "comment_count": null, "repost_count": null,
            "save_count": null, "hashtags": [], "mentions": [], "track": null, "artists": [],
            "album": null, "music": null, "thumbnails": [], "formats": [], "images": [],
            "subtitles": {}
        }))
        .unwrap();
        let both = |a: &str, b: &str| MatchFilters::new(vec![f(a), f(b)]);
        assert!(both("view_count>100", "duration<60").accepts(&info));
        assert!(!both("view_count>100", "duration>60").accepts(&info));
        assert!(MatchFilters::default().accepts(&info));
        assert!(!MatchFilters::new(vec![f("has_subtitles")]).accepts(&info));
        assert_eq!(both("a", "b").to_string(), "a | b");
    }

    #[test]
    fn unreadable_filters_are_errors() {
        for bad in [
            "",
            "view_count>=",
            "&view_count>1",
            "View_count>1",
            "title~=cat",
            "view_count*=1",
            "view_count>lots",
            "title='open",
            "1>2",
            "-",
            "title ?? x",
        ] {
            let e = bad.parse::<MatchFilter>();
            assert!(e.is_err(), "{bad:?} parsed: {e:?}");
        }
        let e = "title~=cat".parse::<MatchFilter>().unwrap_err().to_string();
        assert!(e.contains("not supported") && e.contains("*="), "{e}");
    }

    #[test]
    fn numbers_as_yt_dlp_reads_them() {
        assert_eq!(parse_number("1000"), Some(1000.0));
        assert_eq!(parse_number("1k"), Some(1024.0));
        assert_eq!(parse_number("1K"), Some(1000.0));
        assert_eq!(parse_number("2.5M"), Some(2_500_000.0));
        assert_eq!(parse_number("1.5"), Some(2.0));
        assert_eq!(parse_number("10MiB"), Some(10.0 * 1024.0 * 1024.0));
        assert_eq!(parse_number("1:30"), Some(90.0));
        assert_eq!(parse_number("1:02:03"), Some(3723.0));
        assert_eq!(parse_number("1h30m"), Some(5400.0));
        assert_eq!(parse_number("90s"), Some(90.0));
        assert_eq!(parse_number("2 mins"), Some(120.0));
        assert_eq!(parse_number("lots"), None);
    }
}
