//! Text for a person's terminal: values that came from TikTok (titles, nicknames, sound titles)
//! or from the user's input (URL-list lines) must not drive the terminal. An ESC, BEL or C1 byte
//! can set the window title, clear the screen, or write the clipboard (OSC 52); bidi overrides
//! make text read in another order than it is. Everything printed for humans goes through
//! [`safe`] (one line) or [`safe_text`] (keeps line breaks); JSON output is never changed.

use std::borrow::Cow;
use std::fmt::Write;

/// Echoed input longer than this many characters is cut (see [`clip`]).
pub const ECHO_CHARS: usize = 200;

/// Whether `c` must not reach a terminal raw: C0 controls, DEL, C1 controls, the bidi
/// embedding/override/isolate characters (U+202A..U+202E, U+2066..U+2069), and the other
/// invisible format characters (see [`is_invisible_format`]).
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_invisible_format(c)
}

/// The format characters (Unicode general category Cf, from Unicode 16's
/// `DerivedGeneralCategory.txt`) that show nothing: a byte order mark or a zero-width space in
/// echoed input makes `https://…` look right while it is not. Kept out: the joiners
/// U+200C/U+200D and the tag characters U+E0020..U+E007F, which build visible emoji and words,
/// and the prepended concatenation marks (U+0600..U+0605 and the like), which are visible.
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{AD}'
            | '\u{61C}'
            | '\u{180E}'
            | '\u{200B}'
            | '\u{200E}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
    )
}

/// `s` with every unsafe character (line breaks and tabs included) shown escaped, as `\u{1b}`.
pub fn safe(s: &str) -> Cow<'_, str> {
    neutralise(s, false)
}

/// Like [`safe`], but `\n` and `\t` stay (for multi-line text such as a description or a
/// message tikdl itself wrapped).
pub fn safe_text(s: &str) -> Cow<'_, str> {
    neutralise(s, true)
}

fn neutralise(s: &str, keep_breaks: bool) -> Cow<'_, str> {
    let bad = |c: char| is_unsafe(c) && !(keep_breaks && matches!(c, '\n' | '\t'));
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `s` cut to `max` characters followed by "…" when longer (echoed input: a 1 MB junk line must
/// not become 1 MB of stderr).
pub fn clip(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some((end, _)) => Cow::Owned(format!("{}…", &s[..end])),
    }
}

/// Echoed input for a person: cut to [`ECHO_CHARS`] and neutralised.
pub fn echo(s: &str) -> String {
    safe(&clip(s, ECHO_CHARS)).into_owned()
}

/// A writer for log lines (stderr) that neutralises what `tracing`'s own escaping leaves
/// through (CR, NUL and other C0 controls, bidi overrides). ESC is kept: `tracing` already
/// escapes it inside messages, so a raw ESC here is its own colouring.
#[derive(Debug, Clone, Copy, Default)]
pub struct SafeStderr;

impl std::io::Write for SafeStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let keep = |c: char| matches!(c, '\n' | '\t' | '\u{1b}');
        let clean: Cow<'_, str> = if text.chars().any(|c| is_unsafe(c) && !keep(c)) {
            let mut out = String::with_capacity(text.len() + 8);
            for c in text.chars() {
                if is_unsafe(c) && !keep(c) {
                    let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
                } else {
                    out.push(c);
                }
            }
            Cow::Owned(out)
        } else {
            text
        };
        std::io::stderr().write_all(clean.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

/// Bytes in binary units (`512 B`, `8.38 MiB`): indicatif's format, so the progress bars, the
/// result lines and `--stats` all print sizes alike.
pub fn human_bytes(n: u64) -> String {
    indicatif::HumanBytes(n).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_and_bidi() {
        assert_eq!(safe("plain café 🎵"), "plain café 🎵");
        assert!(matches!(safe("plain"), Cow::Borrowed(_)));
        assert_eq!(
            safe("\u{1b}]0;T\u{7}\u{1b}[2J"),
            "\\u{1b}]0;T\\u{7}\\u{1b}[2J"
        );
        assert_eq!(safe("a\u{9b}2Jb"), "a\\u{9b}2Jb");
        assert_eq!(safe("x\u{202e}y\u{2066}z"), "x\\u{202e}y\\u{2066}z");
        assert_eq!(safe("a\nb\r\0"), "a\\u{a}b\\u{d}\\u{0}");
        assert_eq!(safe_text("a\nb\tc\r"), "a\nb\tc\\u{d}");
        assert_eq!(safe("\u{7f}"), "\\u{7f}");
    }

    #[test]
    fn invisible_format_characters_are_shown() {
        assert_eq!(
            echo("\u{feff}https://www.tiktok.com/@u/video/1\u{200b}2"),
            "\\u{feff}https://www.tiktok.com/@u/video/1\\u{200b}2"
        );
        assert_eq!(
            safe("a\u{2060}b\u{ad}c\u{200f}"),
            "a\\u{2060}b\\u{ad}c\\u{200f}"
        );
        // Joiners and tags build visible emoji: they stay.
        let family = "👩\u{200d}👩\u{200d}👧";
        assert_eq!(safe(family), family);
        let england = "🏴\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f}";
        assert_eq!(safe(england), england);
    }

    #[test]
    fn clips_by_characters() {
        assert_eq!(clip("abc", 3), "abc");
        assert_eq!(clip("abcd", 3), "abc…");
        assert_eq!(clip("ééééé", 2), "éé…");
        let long = "x".repeat(1_000_000);
        assert_eq!(echo(&long).chars().count(), ECHO_CHARS + 1);
    }
}
