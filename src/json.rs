//! JSON text as tikdl writes it for others to read (the `--json` lines, `NAME.info.json`): as
//! serde_json writes it, except that U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR are
//! escaped as `\u2028` and `\u2029`, and U+0085 NEXT LINE as `\u0085`. JSON allows them raw,
//! but JavaScript before ES2019 does not in string literals, and Python's `str.splitlines()` and
//! many editors break lines at all three, so one caption holding one would cut an NDJSON record
//! in two (Go's `encoding/json` escapes the first two for the same reason; serde_json already
//! escapes every other control). Every JSON output path serializes through [`to_line`],
//! [`to_text`] or [`to_pretty`].

use std::io;

use serde::Serialize;
use serde_json::ser::{CharEscape, CompactFormatter, Formatter, PrettyFormatter};

/// `v` as one line of compact JSON, ending in `\n`, ready for a single `write(2)`.
pub fn to_line<T: Serialize + ?Sized>(v: &T) -> serde_json::Result<Vec<u8>> {
    let mut out = compact(v)?;
    out.push(b'\n');
    Ok(out)
}

/// `v` as compact JSON text, without a newline (a JSON value inside other text: `-O`'s
/// `%(music)s`).
pub fn to_text<T: Serialize + ?Sized>(v: &T) -> serde_json::Result<String> {
    // The serializer writes UTF-8 only (it takes `&str`s and escapes nothing into bytes).
    compact(v).map(|b| String::from_utf8_lossy(&b).into_owned())
}

fn compact<T: Serialize + ?Sized>(v: &T) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(256);
    v.serialize(&mut serde_json::Serializer::with_formatter(
        &mut out,
        LineSafe(CompactFormatter),
    ))?;
    Ok(out)
}

/// `v` as indented JSON (two spaces, as `serde_json::to_vec_pretty`; no final newline).
pub fn to_pretty<T: Serialize + ?Sized>(v: &T) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(1024);
    v.serialize(&mut serde_json::Serializer::with_formatter(
        &mut out,
        LineSafe(PrettyFormatter::new()),
    ))?;
    Ok(out)
}

/// A formatter writing as `F` does, with the line breaks serde_json leaves raw escaped in every
/// string (keys included). serde_json hands a string's text between its own escapes to
/// `write_string_fragment` as whole `&str` runs, so a separator never straddles two calls.
struct LineSafe<F>(F);

/// Methods `LineSafe` hands to the inner formatter unchanged.
macro_rules! delegate {
    ($($name:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            #[inline]
            fn $name<W: ?Sized + io::Write>(&mut self, w: &mut W $(, $arg: $ty)*) -> io::Result<()> {
                self.0.$name(w $(, $arg)*)
            }
        )*
    };
}

impl<F: Formatter> Formatter for LineSafe<F> {
    delegate! {
        write_null();
        write_bool(v: bool);
        write_i8(v: i8);
        write_i16(v: i16);
        write_i32(v: i32);
        write_i64(v: i64);
        write_i128(v: i128);
        write_u8(v: u8);
        write_u16(v: u16);
        write_u32(v: u32);
        write_u64(v: u64);
        write_u128(v: u128);
        write_f32(v: f32);
        write_f64(v: f64);
        write_number_str(v: &str);
        begin_string();
        end_string();
        write_char_escape(v: CharEscape);
        write_byte_array(v: &[u8]);
        begin_array();
        end_array();
        begin_array_value(first: bool);
        end_array_value();
        begin_object();
        end_object();
        begin_object_key(first: bool);
        end_object_key();
        begin_object_value();
        end_object_value();
        write_raw_fragment(v: &str);
    }

    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut rest = fragment;
        while let Some(at) = rest.find(['\u{85}', '\u{2028}', '\u{2029}']) {
            self.0.write_string_fragment(w, &rest[..at])?;
            let c = rest[at..].chars().next().unwrap_or('\u{2028}');
            write!(w, "\\u{:04x}", u32::from(c))?;
            rest = &rest[at + c.len_utf8()..];
        }
        self.0.write_string_fragment(w, rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn separators_are_escaped_in_values_and_keys() {
        let v = json!({"a\u{2028}": "x\u{2028}y\u{2029}z\n\"\u{85}", "n": [1, 2.5, null, true]});
        let line = to_line(&v).unwrap();
        let text = std::str::from_utf8(&line).unwrap();
        assert_eq!(
            text,
            "{\"a\\u2028\":\"x\\u2028y\\u2029z\\n\\\"\\u0085\",\"n\":[1,2.5,null,true]}\n"
        );
        assert!(!text.contains('\u{2028}') && !text.contains('\u{2029}'));
        // The same value back.
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&line).unwrap(),
            v
        );
        assert_eq!(text.lines().count(), 1);
        assert_eq!(to_text(&v).unwrap(), text.trim_end_matches('\n'));
    }

    #[test]
    fn otherwise_as_serde_json_writes() {
        let v = json!({"title": "héllo 🐱 \u{2027}\u{202a}", "k": {"x": [1, {"y": "z"}]}, "e": []});
        let mut compact = serde_json::to_vec(&v).unwrap();
        compact.push(b'\n');
        assert_eq!(to_line(&v).unwrap(), compact);
        assert_eq!(
            to_pretty(&v).unwrap(),
            serde_json::to_vec_pretty(&v).unwrap()
        );
        let sep = json!({"d": "a\u{2029}\u{2029}b"});
        let text = String::from_utf8(to_pretty(&sep).unwrap()).unwrap();
        assert!(text.contains(r#""a\u2029\u2029b""#), "{text}");
    }
}
