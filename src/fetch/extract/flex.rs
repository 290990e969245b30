//! Lenient serde helpers for TikTok JSON.
//!
//! TikTok sends the same field as an int on one page and a string on the next (docs/tiktok-protocol.md, "Field types"), and
//! shapes drift. These visitors accept every form seen and turn anything unexpected into `None`
//! instead of failing the whole extraction, without buffering the input.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A number that may arrive as an int, a float or a decimal string.
pub fn u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    d.deserialize_any(U64Visitor)
}

/// Like [`u64`] for signed values (timestamps).
pub fn i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(u64(d)?.and_then(|v| i64::try_from(v).ok()))
}

/// A string; numbers become their decimal text (ids > 2^53 stay exact because serde_json hands
/// integers over as u64/i64, never through f64). Empty strings become `None`.
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_any(StringVisitor)
}

/// A boolean; anything else is `None`.
pub fn bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    d.deserialize_any(BoolVisitor)
}

/// A JSON object decoded as `T`; any other JSON type is `None`.
pub fn object<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Option<T>, D::Error> {
    d.deserialize_any(ObjectVisitor(PhantomData))
}

/// A JSON array of objects decoded as `T`; non-objects inside are skipped, a non-array is empty.
pub fn vec<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Vec<T>, D::Error> {
    vec_at_most(d, usize::MAX)
}

/// [`vec`], keeping at most `cap` elements: the rest are skipped unparsed, so a huge array costs
/// its bytes, never its items.
pub fn vec_at_most<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
    cap: usize,
) -> Result<Vec<T>, D::Error> {
    d.deserialize_any(VecVisitor(PhantomData, cap))
}

/// A JSON array of strings; other elements are skipped.
pub fn strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    d.deserialize_any(StringsVisitor)
}

/// Implements the "anything else" arms shared by the scalar visitors: consume and yield `None`.
macro_rules! ignore_rest {
    ($t:ty) => {
        fn visit_unit<E: de::Error>(self) -> Result<Option<$t>, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Option<$t>, E> {
            Ok(None)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<$t>, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(None)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<$t>, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(None)
        }
    };
}

struct U64Visitor;
impl<'de> Visitor<'de> for U64Visitor {
    type Value = Option<u64>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number or numeric string")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(u64::try_from(v).ok())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(((0.0..1.8e19).contains(&v)).then_some(v as u64))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let v = v.trim();
        Ok(v.parse::<u64>().ok().or_else(|| {
            v.parse::<f64>()
                .ok()
                .filter(|f| (0.0..1.8e19).contains(f))
                .map(|f| f as u64)
        }))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    ignore_rest!(u64);
}

struct StringVisitor;
impl<'de> Visitor<'de> for StringVisitor {
    type Value = Option<String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string or number")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok((!v.is_empty()).then(|| v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok((!v.is_empty()).then_some(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        // A float id would already have lost precision: refuse it rather than invent digits.
        Ok(None)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    ignore_rest!(String);
}

struct BoolVisitor;
impl<'de> Visitor<'de> for BoolVisitor {
    type Value = Option<bool>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a boolean")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v != 0))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v != 0))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(match v {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        })
    }
    ignore_rest!(bool);
}

struct ObjectVisitor<T>(PhantomData<T>);
impl<'de, T: DeserializeOwned> Visitor<'de> for ObjectVisitor<T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Some)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// One element of an array: an object as `T`, anything else skipped.
struct Lenient<T>(Option<T>);
impl<'de, T: DeserializeOwned> serde::Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        object(d).map(Lenient)
    }
}

/// The element type and how many to keep.
struct VecVisitor<T>(PhantomData<T>, usize);
impl<'de, T: DeserializeOwned> Visitor<'de> for VecVisitor<T> {
    type Value = Vec<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while out.len() < self.1 {
            match seq.next_element::<Lenient<T>>()? {
                Some(Lenient(item)) => out.extend(item),
                None => return Ok(out),
            }
        }
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(out)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Vec::new())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
}

struct FlexString(Option<String>);
impl<'de> serde::Deserialize<'de> for FlexString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        string(d).map(FlexString)
    }
}

struct StringsVisitor;
impl<'de> Visitor<'de> for StringsVisitor {
    type Value = Vec<String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of strings")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(FlexString(s)) = seq.next_element::<FlexString>()? {
            out.extend(s);
        }
        Ok(out)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Vec::new())
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        // A lone string where a list was expected is still one usable value.
        Ok(if v.is_empty() {
            Vec::new()
        } else {
            vec![v.to_owned()]
        })
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
}

/// Parses TikTok JSON into `T` the way Python's `json` (yt-dlp) reads it, so that one odd
/// token never fails a whole post: a key given twice keeps its last value, a number too large
/// for a double (`1e400`) and `NaN`, `Infinity`, `-Infinity` are null (so the lenient fields
/// above make them `None`). Every parse of TikTok's JSON goes through here.
///
/// Valid JSON takes the strict, streaming path at full speed; only a text it refuses is read
/// again, with those tokens replaced ([`tolerant_text`]) into a `serde_json::Value`, whose
/// objects keep the last of duplicate keys, and decoded from that. When even that fails, the
/// strict error (with its position in the real text) is returned.
pub fn from_str<T: DeserializeOwned>(json: &str) -> Result<T, serde_json::Error> {
    let strict = match serde_json::from_str(json) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    match serde_json::from_str::<serde_json::Value>(&tolerant_text(json)) {
        Ok(value) => T::deserialize(value).map_err(|_| strict),
        Err(_) => Err(strict),
    }
}

/// `json` with every `NaN`, `Infinity`, `-Infinity` and out-of-range number outside strings
/// replaced by `null`; everything else byte for byte.
pub(crate) fn tolerant_text(json: &str) -> std::borrow::Cow<'_, str> {
    let b = json.as_bytes();
    let mut out: Option<String> = None;
    // Bytes of `json` before `done` are already in `out` (when it exists).
    let mut done = 0;
    let mut i = 0;
    let replace = |out: &mut Option<String>, done: &mut usize, start: usize, end: usize| {
        let o = out.get_or_insert_with(|| String::with_capacity(json.len()));
        o.push_str(&json[*done..start]);
        o.push_str("null");
        *done = end;
    };
    while i < b.len() {
        match b[i] {
            b'"' => {
                // Skip the string: escapes hide quotes.
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] != b'\\' {
                        i += 1;
                        continue;
                    }
                    // A `\uD83D` with no partner is no character: serde refuses it (and the
                    // whole post with it); here it reads as U+FFFD.
                    match surrogate_escape(&b[i..]) {
                        Some(Surrogate::Pair) => i += 12,
                        Some(Surrogate::Lone) => {
                            let o = out.get_or_insert_with(|| String::with_capacity(json.len()));
                            o.push_str(&json[done..i]);
                            o.push_str("\\uFFFD");
                            done = i + 6;
                            i += 6;
                        }
                        None => i += 2,
                    }
                }
                i += 1;
            }
            b'N' if b[i..].starts_with(b"NaN") => {
                replace(&mut out, &mut done, i, i + 3);
                i += 3;
            }
            b'I' if b[i..].starts_with(b"Infinity") => {
                replace(&mut out, &mut done, i, i + 8);
                i += 8;
            }
            b'-' if b[i..].starts_with(b"-Infinity") => {
                replace(&mut out, &mut done, i, i + 9);
                i += 9;
            }
            b'-' | b'0'..=b'9' => {
                let end = i + b[i..]
                    .iter()
                    .position(|c| !matches!(c, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
                    .unwrap_or(b.len() - i);
                // Only exponents can overflow a double here (plain digits become a float
                // without error), so only those tokens are looked at.
                let token = &json[i..end];
                if token.bytes().any(|c| c == b'e' || c == b'E')
                    && token.parse::<f64>().is_ok_and(f64::is_infinite)
                {
                    replace(&mut out, &mut done, i, end);
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    match out {
        Some(mut o) => {
            o.push_str(&json[done.min(json.len())..]);
            std::borrow::Cow::Owned(o)
        }
        None => std::borrow::Cow::Borrowed(json),
    }
}

enum Surrogate {
    /// A high and a low surrogate escape: one character, 12 bytes.
    Pair,
    /// A surrogate escape without its partner: 6 bytes.
    Lone,
}

/// What the escape at the start of `b` (a backslash) is, when it is a surrogate's.
fn surrogate_escape(b: &[u8]) -> Option<Surrogate> {
    let unit = |b: &[u8]| -> Option<u16> {
        let hex = b.strip_prefix(b"\\u")?.get(..4)?;
        u16::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()
    };
    let first = unit(b)?;
    match first {
        0xD800..=0xDBFF => match b.get(6..).and_then(unit) {
            Some(0xDC00..=0xDFFF) => Some(Surrogate::Pair),
            _ => Some(Surrogate::Lone),
        },
        0xDC00..=0xDFFF => Some(Surrogate::Lone),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::{from_str, tolerant_text};

    #[test]
    fn tolerant_text_replaces_only_tokens_outside_strings() {
        let cases = [
            (
                r#"{"a":NaN,"b":[Infinity,-Infinity]}"#,
                r#"{"a":null,"b":[null,null]}"#,
            ),
            (
                r#"{"a":1e400,"b":-1E+999,"c":1e308,"d":1e-400}"#,
                r#"{"a":null,"b":null,"c":1e308,"d":1e-400}"#,
            ),
            (
                r#"{"s":"NaN 1e400 \" Infinity","n":12345678901234567890123}"#,
                r#"{"s":"NaN 1e400 \" Infinity","n":12345678901234567890123}"#,
            ),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(tolerant_text(input), want, "{input}");
        }
        assert!(matches!(
            tolerant_text(r#"{"a":1}"#),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn lone_surrogate_escapes_read_as_replacement_characters() {
        let p: Post =
            from_str(r#"{"desc":"a\ud83d b \ude00 \ud83d\ude00 \\ud83d","likes":3}"#).unwrap();
        assert_eq!(
            p.desc.as_deref(),
            Some("a\u{FFFD} b \u{FFFD} \u{1F600} \\ud83d")
        );
        assert_eq!(p.likes, Some(3));
        // At the very end of a string, and a high surrogate before a whole pair.
        let v: serde_json::Value = from_str(r#"["\ud83d","\ud83d\ud83d\ude00"]"#).unwrap();
        assert_eq!(v, serde_json::json!(["\u{FFFD}", "\u{FFFD}\u{1F600}"]));
    }

    #[derive(Debug, Deserialize)]
    struct Post {
        #[serde(default, deserialize_with = "super::string")]
        desc: Option<String>,
        #[serde(default, deserialize_with = "super::u64")]
        plays: Option<u64>,
        #[serde(default, deserialize_with = "super::u64")]
        likes: Option<u64>,
    }

    #[test]
    fn odd_json_is_read_as_python_reads_it() {
        // A duplicate key: the last wins (the strict parse refuses it).
        let p: Post = from_str(r#"{"desc":"old","plays":1,"desc":"new"}"#).unwrap();
        assert_eq!((p.desc.as_deref(), p.plays), (Some("new"), Some(1)));
        // Out of range and non-finite numbers are null, so None; the rest still parses.
        let p: Post =
            from_str(r#"{"desc":"d","plays":1e400,"likes":7,"x":[NaN,-Infinity]}"#).unwrap();
        assert_eq!(
            (p.desc.as_deref(), p.plays, p.likes),
            (Some("d"), None, Some(7))
        );
        // Broken JSON is still an error, the strict one (its position is in the real text).
        let e = from_str::<Post>(r#"{"desc":NaN,"#).unwrap_err();
        assert!(e.to_string().contains("column"), "{e}");
        assert!(from_str::<Post>("").is_err());
    }

    #[derive(Deserialize, Default)]
    struct T {
        #[serde(default, deserialize_with = "super::u64")]
        n: Option<u64>,
        #[serde(default, deserialize_with = "super::string")]
        s: Option<String>,
        #[serde(default, deserialize_with = "super::object")]
        o: Option<Inner>,
        #[serde(default, deserialize_with = "super::vec")]
        v: Vec<Inner>,
        #[serde(default, deserialize_with = "super::strings")]
        l: Vec<String>,
    }
    #[derive(Deserialize, Default, Debug, PartialEq)]
    struct Inner {
        #[serde(default, deserialize_with = "super::u64")]
        x: Option<u64>,
    }

    fn parse(s: &str) -> T {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn numbers_in_every_shape() {
        assert_eq!(parse(r#"{"n":5}"#).n, Some(5));
        assert_eq!(parse(r#"{"n":"124842"}"#).n, Some(124842));
        assert_eq!(parse(r#"{"n":" 7 "}"#).n, Some(7));
        assert_eq!(parse(r#"{"n":54.9}"#).n, Some(54));
        assert_eq!(parse(r#"{"n":"1.5"}"#).n, Some(1));
        assert_eq!(parse(r#"{"n":-3}"#).n, None);
        assert_eq!(parse(r#"{"n":null}"#).n, None);
        assert_eq!(parse(r#"{"n":"abc"}"#).n, None);
        assert_eq!(parse(r#"{"n":[1,2]}"#).n, None);
        assert_eq!(parse(r#"{"n":{"a":1}}"#).n, None);
        assert_eq!(parse(r#"{}"#).n, None);
    }

    #[test]
    fn big_ids_stay_exact() {
        assert_eq!(
            parse(r#"{"s":6968593956024092673}"#).s.as_deref(),
            Some("6968593956024092673")
        );
        assert_eq!(
            parse(r#"{"s":"7608826249200356630"}"#).s.as_deref(),
            Some("7608826249200356630")
        );
        assert_eq!(parse(r#"{"s":""}"#).s, None);
        assert_eq!(parse(r#"{"s":1.5}"#).s, None);
    }

    #[test]
    fn wrong_shapes_are_none_not_errors() {
        assert_eq!(parse(r#"{"o":"juan"}"#).o, None);
        assert_eq!(parse(r#"{"o":{"x":"3"}}"#).o, Some(Inner { x: Some(3) }));
        assert_eq!(
            parse(r#"{"v":[{"x":1},"junk",2,{"x":"2"}]}"#).v,
            vec![Inner { x: Some(1) }, Inner { x: Some(2) }]
        );
        assert!(parse(r#"{"v":{"x":1}}"#).v.is_empty());
        assert_eq!(parse(r#"{"l":["a",1,null,"b"]}"#).l, vec!["a", "1", "b"]);
        assert_eq!(parse(r#"{"l":"solo"}"#).l, vec!["solo"]);
    }
}
