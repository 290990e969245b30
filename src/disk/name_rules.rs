//! The file-name options of yt-dlp: `--restrict-filenames`, `--windows-filenames`,
//! `--trim-filenames N`. The template applies them where it makes names
//! ([`crate::save::template::Template::render_with`]); every name still goes through
//! [`sanitize_component`] and the length limits of [`crate::disk::safe_path`], so none of them
//! can let a name leave the output folder.

use std::num::NonZeroUsize;

use icu_properties::props::{GeneralCategory, GeneralCategoryGroup};
use icu_properties::{CodePointMapData, CodePointMapDataBorrowed};

use crate::disk::safe_path::sanitize_component;

/// How strict file names are made, beyond the rules every name follows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NameRules {
    /// `--restrict-filenames`: field values in ASCII only, without spaces, `&` and the other
    /// characters shells treat specially (yt-dlp's `sanitize_filename(restricted=True)`).
    pub restrict: bool,
    /// `--windows-filenames`: the template's own text is made Windows-safe too (values always
    /// are): `<>:"\|?*` and control characters become `#`, as yt-dlp's `sanitize_path` does.
    pub windows: bool,
    /// `--trim-filenames N`: a file name has at most N characters before its extension
    /// (characters, not bytes, as yt-dlp counts them).
    pub trim: Option<NonZeroUsize>,
}

/// yt-dlp's transliterations for `--restrict-filenames` (`ACCENT_CHARS` in
/// `yt_dlp/utils/_utils.py`): each of these letters becomes the ASCII text beside it.
const ACCENTS: [(char, &str); 68] = [
    ('Â', "A"),
    ('Ã', "A"),
    ('Ä', "A"),
    ('À', "A"),
    ('Á', "A"),
    ('Å', "A"),
    ('Æ', "AE"),
    ('Ç', "C"),
    ('È', "E"),
    ('É', "E"),
    ('Ê', "E"),
    ('Ë', "E"),
    ('Ì', "I"),
    ('Í', "I"),
    ('Î', "I"),
    ('Ï', "I"),
    ('Ð', "D"),
    ('Ñ', "N"),
    ('Ò', "O"),
    ('Ó', "O"),
    ('Ô', "O"),
    ('Õ', "O"),
    ('Ö', "O"),
    ('Ő', "O"),
    ('Ø', "O"),
    ('Œ', "OE"),
    ('Ù', "U"),
    ('Ú', "U"),
    ('Û', "U"),
    ('Ü', "U"),
    ('Ű', "U"),
    ('Ý', "Y"),
    ('Þ', "TH"),
    ('ß', "ss"),
    ('à', "a"),
    ('á', "a"),
    ('â', "a"),
    ('ã', "a"),
    ('ä', "a"),
    ('å', "a"),
    ('æ', "ae"),
    ('ç', "c"),
    ('è', "e"),
    ('é', "e"),
    ('ê', "e"),
    ('ë', "e"),
    ('ì', "i"),
    ('í', "i"),
    ('î', "i"),
    ('ï', "i"),
    ('ð', "o"),
    ('ñ', "n"),
    ('ò', "o"),
    ('ó', "o"),
    ('ô', "o"),
    ('õ', "o"),
    ('ö', "o"),
    ('ő', "o"),
    ('ø', "o"),
    ('œ', "oe"),
    ('ù', "u"),
    ('ú', "u"),
    ('û', "u"),
    ('ü', "u"),
    ('ű', "u"),
    ('ý', "y"),
    ('þ', "th"),
    ('ÿ', "y"),
];

/// One field value made safe as part of a file name under `rules`.
pub(crate) fn sanitize_value(s: &str, rules: &NameRules) -> String {
    if rules.restrict {
        sanitize_component(&restricted(s))
    } else {
        sanitize_component(s)
    }
}

/// A piece of a restricted name: a character kept, or one put in place of another (yt-dlp
/// marks these with a NUL so that runs of them collapse and they vanish at the ends).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Piece {
    Kept(char),
    Put(char),
}

/// The ASCII letters of a letter yt-dlp's accent table lacks, when it is only those and marks
/// (NFKD: `İ` -> `I` + a dot above, `č` -> `c` + a caron): beyond yt-dlp, which puts `_` for
/// it, so that an accented letter keeps its base letter as the README promises. `None` for
/// anything else (`ł`, `日`: no ASCII letter inside).
fn base_letters(
    c: char,
    category: &CodePointMapDataBorrowed<'_, GeneralCategory>,
) -> Option<String> {
    if c.is_ascii() {
        return None;
    }
    let mut buf = [0u8; 4];
    let parts = icu_normalizer::DecomposingNormalizerBorrowed::new_nfkd()
        .normalize(c.encode_utf8(&mut buf));
    let mut base = String::new();
    for p in parts.chars() {
        if p.is_ascii_alphabetic() {
            base.push(p);
        } else if !GeneralCategoryGroup::Mark.contains(category.get(p)) {
            return None;
        }
    }
    (!base.is_empty()).then_some(base)
}

/// yt-dlp's `sanitize_filename(s, restricted=True)` with its default (new) rules: compatibility
/// normalization (NFKC: look-alike letters become plain ones), `12:30` -> `12_30`, accented
/// letters transliterated, `?`, `"` and control characters dropped, `:` -> `_-`, separators and
/// `|*<>` -> `_`, spaces, `!&'()[]{}$;`^,#` and other non-ASCII characters -> `_` (marks and
/// invisible characters dropped); runs of one substitute collapse, and substitutes (with
/// spaces, `_` and `-` beside them) vanish at the ends.
fn restricted(s: &str) -> String {
    if s.is_empty() {
        return String::new();
    }
    let s: String = icu_normalizer::ComposingNormalizerBorrowed::new_nfkc()
        .normalize(s)
        .into_owned();
    let chars: Vec<char> = s.chars().collect();
    let category = CodePointMapData::<GeneralCategory>::new();
    let mut pieces: Vec<Piece> = Vec::with_capacity(chars.len());
    for (i, &c) in chars.iter().enumerate() {
        // A colon between digits (a time) is a plain `_`.
        let in_time = c == ':'
            && i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(char::is_ascii_digit);
        if in_time {
            pieces.push(Piece::Kept('_'));
            continue;
        }
        if let Some((_, to)) = ACCENTS.iter().find(|(from, _)| *from == c) {
            pieces.extend(to.chars().map(Piece::Kept));
            continue;
        }
        if let Some(base) = base_letters(c, &category) {
            pieces.extend(base.chars().map(Piece::Kept));
            continue;
        }
        match c {
            '?' | '"' => {}
            c if (c as u32) < 32 || c as u32 == 127 => {}
            ':' => pieces.extend([Piece::Put('_'), Piece::Put('-')]),
            '\\' | '/' | '|' | '*' | '<' | '>' => pieces.push(Piece::Put('_')),
            c if "!&'()[]{}$;`^,#".contains(c) || c.is_whitespace() || !c.is_ascii() => {
                let gc = category.get(c);
                if !(GeneralCategoryGroup::Other.contains(gc)
                    || GeneralCategoryGroup::Mark.contains(gc))
                {
                    pieces.push(Piece::Put('_'));
                }
            }
            c => pieces.push(Piece::Kept(c)),
        }
    }
    pieces.dedup_by(|b, a| matches!(a, Piece::Put(_)) && a == b);
    let fringe = |p: &Piece| matches!(p, Piece::Put(_) | Piece::Kept(' ' | '_' | '-'));
    if matches!(pieces.first(), Some(Piece::Put(_))) {
        let n = pieces.iter().take_while(|p| fringe(p)).count();
        pieces.drain(..n);
    }
    if matches!(pieces.last(), Some(Piece::Put(_))) {
        let n = pieces.iter().rev().take_while(|p| fringe(p)).count();
        pieces.truncate(pieces.len() - n);
    }
    let out: String = pieces
        .into_iter()
        .map(|p| match p {
            Piece::Kept(c) | Piece::Put(c) => c,
        })
        .collect();
    if out.is_empty() { "_".into() } else { out }
}

/// The template's own text under `--windows-filenames`: what Windows refuses in a name becomes
/// `#` (yt-dlp's `_sanitize_path_parts`). Separators are left to split folders.
pub(crate) fn windows_literal(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '<' | '>' | ':' | '"' | '|' | '?' | '*' => '#',
            '\\' if !std::path::is_separator('\\') => '#',
            c if c.is_control() => '#',
            c => c,
        })
        .collect()
}

/// Splits a file name into the text `--trim-filenames` counts and its extension (the last
/// `.ext`, when it is short and plain: `.mp4`, `.info.json` counts only `.json`).
pub(crate) fn split_extension(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(dot)
            if dot > 0
                && name.len() - dot <= 9
                && name[dot + 1..].chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            name.split_at(dot)
        }
        _ => (name, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values are what yt-dlp's `sanitize_filename(s, restricted=True)` gives.
    #[test]
    fn restricted_as_yt_dlp() {
        assert_eq!(restricted("Cats: the movie?"), "Cats_-_the_movie");
        assert_eq!(restricted("Crème brûlée & Ça"), "Creme_brulee_Ca");
        assert_eq!(restricted("Straße Æsir"), "Strasse_AEsir");
        assert_eq!(restricted("at 12:30:05 now"), "at_12_30_05_now");
        assert_eq!(restricted("“quoted” 🐱 cat"), "quoted_cat");
        assert_eq!(restricted("a  b"), "a_b");
        assert_eq!(restricted("#tag (x)"), "tag_x");
        assert_eq!(restricted("ｆｕｌｌ"), "full");
        assert_eq!(restricted("𝓗𝓮𝓵𝓵𝓸"), "Hello");
        assert_eq!(restricted("日本語"), "_");
        assert_eq!(restricted("e\u{301}t\u{e9}"), "ete");
        assert_eq!(restricted("a\u{200b}b"), "ab");
        assert_eq!(restricted("-x-"), "-x-");
    }

    /// Letters yt-dlp's accent table lacks keep their base letter (yt-dlp puts `_`).
    #[test]
    fn restricted_keeps_the_base_letter_of_any_accented_letter() {
        assert_eq!(restricted("İstanbul"), "Istanbul");
        assert_eq!(restricted("Čeština ğüş"), "Cestina_gus");
        assert_eq!(restricted("ǅemal"), "Dzemal");
        assert_eq!(restricted("ḱ ṓ"), "k_o");
        // No ASCII letter inside: a substitute, as before.
        assert_eq!(restricted("włódź"), "w_odz");
        assert_eq!(restricted("a日本b"), "a_b");
        assert_eq!(restricted(""), "");
    }

    #[test]
    fn restricted_values_are_ascii_without_spaces() {
        let rules = NameRules {
            restrict: true,
            ..NameRules::default()
        };
        for s in [
            "a/b\\c",
            "..",
            "CON",
            "\u{202e}evil",
            "  .hidden",
            "x&y",
            "اختبار #وسم",
            "line\u{2028}break",
            "tab\tx",
        ] {
            let v = sanitize_value(s, &rules);
            assert!(v.is_ascii(), "{s:?} -> {v:?}");
            assert!(!v.contains([' ', '&', '/', '\\']), "{s:?} -> {v:?}");
            assert!(!v.is_empty() && v != ".." && v != ".", "{s:?} -> {v:?}");
        }
        assert_eq!(sanitize_value("CON", &rules), "_CON");
    }

    #[test]
    fn windows_literal_text() {
        assert_eq!(windows_literal("a:b<c>|d?*\"e"), "a#b#c##d###e");
        assert_eq!(windows_literal("ok name"), "ok name");
    }

    #[test]
    fn extensions() {
        assert_eq!(split_extension("title [1].mp4"), ("title [1]", ".mp4"));
        assert_eq!(split_extension("a.info.json"), ("a.info", ".json"));
        assert_eq!(split_extension("no extension"), ("no extension", ""));
        assert_eq!(split_extension("a. long tail"), ("a. long tail", ""));
        assert_eq!(split_extension(".hidden"), (".hidden", ""));
    }
}
