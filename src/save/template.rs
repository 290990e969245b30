//! Output file names from yt-dlp-style templates, kept safe and inside the output folder.
//!
//! Supported placeholders (a subset of yt-dlp's `-o` syntax):
//!
//! * `%(field)s` text, `%(field)r` its Python `repr`, `%(field)B` text whose precision counts
//!   UTF-8 bytes (`%(title).20B`); numbers as Python's `%` writes them: `d` `i` `u` `o` `x` `X`
//!   `f` `F` `e` `E` `g` `G` (`save/format.rs`);
//! * flags `-` (left-align), `0` (zero-pad numbers), `+` and ` ` (signs), `#` (alternate form),
//!   a width, and a precision: `%(index)03d`, `%(title).80s` (at most 80 characters),
//!   `%(n)+.3d` (a sign and at least 3 digits), `%(duration).2f`;
//! * `%(upload_date>%Y-%m-%d)s`, `%(timestamp>%Y-%m-%d %H-%M)s`: a date formatted with
//!   `strftime` directives, from a Unix timestamp or a `YYYYMMDD` date (UTC);
//! * `%(field&TEXT)s`: `TEXT` instead of a present value (`{}` in it is the value);
//! * `%(field|default)s`: the default is used when the field is missing or null (an empty default
//!   makes the placeholder vanish); without a default a missing field renders as `NA`;
//! * `%(a,b)s`: the first of `a`, `b` that is present (each may have its own `>FORMAT`);
//! * `%(music.duration)s`, `%(hashtags.0)s`: nested keys and array indexes (negative from the end);
//! * `%%` is a literal `%`; a `%` that starts no placeholder is kept as is (as yt-dlp does).
//!
//! The template's own text is kept as written, so its `/` makes folders. Substituted values go
//! through [`sanitize_component`](crate::disk::safe_path::sanitize_component) and can never add a folder or climb out of one. The rendered
//! path is then cleaned per component (see [`Template::render`]).

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::disk::name_rules::{NameRules, sanitize_value, split_extension, windows_literal};
use crate::disk::safe_path::{
    MAX_COMPONENT_BYTES, MAX_RENDERED_NAME_BYTES, NAME_RESERVE, cut_bytes, guard_reserved,
    is_plain_component, trim_end_dots_spaces,
};
use crate::save::format::{self, CONVERSIONS, Conversion, DateFormat, Spec};

/// The output template when `-o` and the config file say nothing.
pub const DEFAULT_TEMPLATE: &str = "%(uploader)s - %(title).80s [%(id)s].%(ext)s";

/// What yt-dlp prints for a missing field without a default.
const MISSING: &str = "NA";
/// Bounds widths and precisions so a typo cannot allocate gigabytes.
const MAX_WIDTH: usize = 1024;

/// Why an output template cannot be used, or a name cannot be made from it.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// `position` is the 1-based character position in the template.
    #[error("output template: {message} at character {position}")]
    Syntax {
        /// Where (1-based, in characters).
        position: usize,
        /// What is wrong there.
        message: String,
    },
    /// A `%(field)X` whose `X` is no conversion tikdl knows.
    #[error(
        "output template: unknown conversion `{conversion}` at character {position} (supported: {CONVERSIONS})"
    )]
    UnknownConversion {
        /// Where (1-based, in characters).
        position: usize,
        /// The conversion given.
        conversion: char,
    },
    /// A `..` folder (from the template's own text) would leave the output folder.
    #[error("output template: folder `{component}` would leave the output folder")]
    ParentComponent {
        /// The folder named.
        component: String,
    },
    /// Nothing was left of the name.
    #[error("output template rendered an empty file name")]
    Empty,
    /// The template's own text alone is too long for a file name.
    #[error(
        "output template: `{name}` is {bytes} bytes even with its text fields emptied, over the {limit}-byte limit for {what} (file systems allow {MAX_COMPONENT_BYTES}; tikdl keeps {NAME_RESERVE} free in file names for the suffixes it adds); shorten the template's literal text"
    )]
    TooLong {
        /// The name, with its text fields emptied.
        name: String,
        /// Its length in bytes.
        bytes: usize,
        /// The limit it is over.
        limit: usize,
        /// Which name (a file name, a folder name).
        what: &'static str,
    },
}

/// Fields never shortened to make a name fit: they tell posts and their files apart.
const KEPT_WHOLE: [&str; 5] = ["id", "display_id", "ext", "index", "autonumber"];

/// A parsed output template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    source: String,
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Literal(String),
    Field(Field),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Field {
    /// Alternatives (`a,b`): the first present one is used.
    alts: Vec<Alt>,
    /// `&TEXT`: written instead of a present value (`{}` in it is the value).
    replacement: Option<String>,
    default: Option<String>,
    spec: Spec,
}

/// One alternative of a placeholder: a key path (`music.duration` -> ["music", "duration"]) and
/// its `>FORMAT` date format.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Alt {
    path: Vec<String>,
    date: Option<DateFormat>,
}

impl Field {
    /// Whether the field may be shortened to make its name fit: text, and none of the fields
    /// that tell posts and their files apart.
    fn shortenable(&self) -> bool {
        self.spec.conversion.is_text()
            && !self
                .alts
                .iter()
                .any(|a| KEPT_WHOLE.contains(&a.path[0].as_str()))
    }
}

impl Template {
    /// Parses an output template (`-o`), yt-dlp's `%(field)s` language.
    pub fn parse(s: &str) -> Result<Template, TemplateError> {
        let chars: Vec<char> = s.chars().collect();
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c != '%' {
                literal.push(c);
                i += 1;
                continue;
            }
            match chars.get(i + 1) {
                Some('%') => {
                    literal.push('%');
                    i += 2;
                }
                Some('(') => {
                    if !literal.is_empty() {
                        pieces.push(Piece::Literal(std::mem::take(&mut literal)));
                    }
                    let (field, next) = parse_field(&chars, i)?;
                    pieces.push(Piece::Field(field));
                    i = next;
                }
                _ => {
                    literal.push('%');
                    i += 1;
                }
            }
        }
        if !literal.is_empty() {
            pieces.push(Piece::Literal(literal));
        }
        Ok(Template {
            source: s.to_owned(),
            pieces,
        })
    }

    /// The template as the user wrote it.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// For a template that starts with an absolute folder (`/videos/%(uploader)s/%(id)s.%(ext)s`):
    /// that folder (the literal text up to its last separator before the first field) and the
    /// rest as a template of its own. yt-dlp honours absolute templates (`-P` is then not
    /// prefixed); the folder named here plays the part of `-P`, so field values still cannot
    /// climb out of it or follow a symlink out of it. Only text the user typed can make a
    /// template absolute: a field value starting with `/` never does.
    pub fn absolute_split(&self) -> Option<(PathBuf, Template)> {
        let Some(Piece::Literal(first)) = self.pieces.first() else {
            return None;
        };
        let cut = first.rfind(std::path::is_separator)?;
        let root = &first[..=cut];
        if !Path::new(root).is_absolute() {
            return None;
        }
        let mut pieces = Vec::with_capacity(self.pieces.len());
        if cut + 1 < first.len() {
            pieces.push(Piece::Literal(first[cut + 1..].to_owned()));
        }
        pieces.extend(self.pieces.iter().skip(1).cloned());
        let source = self
            .source
            .strip_prefix(root)
            .unwrap_or(&self.source)
            .to_owned();
        Some((PathBuf::from(root), Template { source, pieces }))
    }

    /// Fills the template from `fields` (the post's `info --json` object plus extra keys such as
    /// `ext`, `format_id`, `resolution`, `index`, `autonumber`) and returns a relative path.
    ///
    /// The rendered text is split on `/` (and `\` on Windows) of the template's own text. Each
    /// component: empty and `.` components are dropped (so a leading `/` cannot make the path
    /// absolute); `..` is an error; trailing dots and spaces are trimmed (Windows drops them
    /// silently, which could merge names); Windows device names get a `_` prefix. A folder may
    /// have [`MAX_COMPONENT_BYTES`] bytes, the file name [`MAX_RENDERED_NAME_BYTES`]; see
    /// `fit_component` for how a longer one is shortened.
    pub fn render(&self, fields: &Map<String, Value>) -> Result<PathBuf, TemplateError> {
        self.render_with(fields, &NameRules::default())
    }

    /// [`Template::render`] under the file-name options `rules` (`--restrict-filenames`,
    /// `--windows-filenames`, `--trim-filenames`): they make names stricter or shorter, never
    /// laxer, so every rule of `render` still holds.
    pub fn render_with(
        &self,
        fields: &Map<String, Value>,
        rules: &NameRules,
    ) -> Result<PathBuf, TemplateError> {
        let mut components: Vec<Vec<Part>> = vec![Vec::new()];
        for piece in &self.pieces {
            match piece {
                Piece::Literal(s) => {
                    let windows;
                    let s = if rules.windows {
                        windows = windows_literal(s);
                        windows.as_str()
                    } else {
                        s
                    };
                    let mut split = s.split(std::path::is_separator);
                    if let (Some(first), Some(last)) = (split.next(), components.last_mut()) {
                        last.push(Part::literal(first));
                    }
                    components.extend(split.map(|rest| vec![Part::literal(rest)]));
                }
                Piece::Field(f) => {
                    let part = Part {
                        text: render_field(f, fields, rules),
                        shortenable: f.shortenable(),
                    };
                    if let Some(last) = components.last_mut() {
                        last.push(part);
                    }
                }
            }
        }
        finish_path(components, rules)
    }
}

/// [`DEFAULT_TEMPLATE`], parsed.
impl Default for Template {
    fn default() -> Self {
        // The default is a constant that parses (a unit test checks); the fallback only keeps
        // this free of panics.
        Template::parse(DEFAULT_TEMPLATE)
            .or_else(|_| Template::parse("%(id)s.%(ext)s"))
            .unwrap_or_else(|_| unreachable!("a literal template parses"))
    }
}

impl std::str::FromStr for Template {
    type Err = TemplateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Template::parse(s)
    }
}

impl std::fmt::Display for Template {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.source)
    }
}

/// A syntax error at the 0-based index `at`.
fn syntax(at: usize, message: String) -> TemplateError {
    TemplateError::Syntax {
        position: at + 1,
        message,
    }
}

/// Parses the placeholder whose `%` is at `start`; returns it and the index after it.
///
/// Inside the parentheses, in yt-dlp's order (`INTERNAL_FORMAT_RE` in `yt_dlp/YoutubeDL.py`):
/// the field, its `>FORMAT`, `,` alternatives (each with its own `>FORMAT`), `&REPLACEMENT`,
/// `|DEFAULT`. After them: flags `#0- +`, width, precision, an ignored length modifier
/// (`h`, `l`, `L`), the conversion.
fn parse_field(chars: &[char], start: usize) -> Result<(Field, usize), TemplateError> {
    let open = start + 1;
    let close = chars[open..]
        .iter()
        .position(|&c| c == ')')
        .map(|p| open + p)
        .ok_or_else(|| syntax(start, "`%(` is never closed by `)`".into()))?;

    let at = open + 1;
    let inner = &chars[at..close];
    let bar = inner.iter().position(|&c| c == '|');
    let (head, default) = match bar {
        Some(b) => (&inner[..b], Some(inner[b + 1..].iter().collect::<String>())),
        None => (inner, None),
    };
    let amp = head.iter().position(|&c| c == '&');
    let (head, replacement) = match amp {
        Some(a) => (&head[..a], Some(head[a + 1..].iter().collect::<String>())),
        None => (head, None),
    };
    let keys: String = head.iter().collect();
    let alts = parse_alts(head, at, start, &keys)?;
    let mut i = close + 1;
    let (mut left, mut zero, mut plus, mut space, mut alt) = (false, false, false, false, false);
    while let Some(&c) = chars.get(i) {
        match c {
            '-' => left = true,
            '0' => zero = true,
            '+' => plus = true,
            ' ' => space = true,
            '#' => alt = true,
            _ => break,
        }
        i += 1;
    }
    let width = parse_number(chars, &mut i).map_err(|at| syntax(at, "width too large".into()))?;
    let precision = if chars.get(i) == Some(&'.') {
        i += 1;
        // Like printf, `.` without digits means precision 0.
        Some(
            parse_number(chars, &mut i)
                .map_err(|at| syntax(at, "precision too large".into()))?
                .unwrap_or(0),
        )
    } else {
        None
    };
    // A length modifier only when a conversion follows it: `%(tags)l` is the `l` conversion.
    if matches!(chars.get(i), Some('h' | 'l' | 'L'))
        && chars
            .get(i + 1)
            .is_some_and(|&c| Conversion::from_char(c).is_some())
    {
        i += 1;
    }
    let conversion = match chars.get(i) {
        Some(&c) => Conversion::from_char(c).ok_or(TemplateError::UnknownConversion {
            position: i + 1,
            conversion: c,
        })?,
        None => {
            return Err(syntax(
                i,
                format!("missing conversion (such as `s` or `d`) after `%({keys})`"),
            ));
        }
    };
    let spec = Spec {
        left,
        zero,
        plus,
        space,
        alt,
        width,
        precision,
        conversion,
    };
    let field = Field {
        alts,
        replacement,
        default,
        spec,
    };
    Ok((field, i + 1))
}

/// The alternatives of a placeholder (`head`, which starts at index `at`; the placeholder's `%`
/// is at `start`): `,`-separated, each a `.`-separated key path and an optional `>FORMAT`
/// (`\,` is a comma inside a format).
fn parse_alts(
    head: &[char],
    at: usize,
    start: usize,
    keys: &str,
) -> Result<Vec<Alt>, TemplateError> {
    let mut alts = Vec::new();
    let mut from = 0;
    for end in (0..=head.len())
        .filter(|&e| e == head.len() || (head[e] == ',' && (e == 0 || head[e - 1] != '\\')))
    {
        let seg = &head[from..end];
        let gt = seg.iter().position(|&c| c == '>');
        let names = &seg[..gt.unwrap_or(seg.len())];
        if let Some(k) = names
            .iter()
            .position(|&c| !(c.is_alphanumeric() || matches!(c, '_' | '.' | '-')))
        {
            return Err(syntax(
                at + from + k,
                format!(
                    "unsupported character `{}` in field name (use letters, digits, `_`, `.` for nesting, `,` for alternatives, `>` for a date format, `&` for a replacement, `|` for a default)",
                    names[k]
                ),
            ));
        }
        let name: String = names.iter().collect();
        let path: Vec<String> = name.split('.').map(str::to_owned).collect();
        if path.iter().any(String::is_empty) {
            return Err(syntax(start, format!("empty field name in `%({keys})`")));
        }
        // `-` only as a negative array index (`hashtags.-1`); yt-dlp's arithmetic is unsupported.
        if let Some(bad) = path
            .iter()
            .find(|seg| seg.contains('-') && seg.parse::<i64>().is_err())
        {
            return Err(syntax(
                start,
                format!("unsupported `-` in field name `{bad}` (arithmetic is not supported)"),
            ));
        }
        let date = match gt {
            Some(g) => {
                let fmt: String = seg[g + 1..].iter().collect::<String>().replace("\\,", ",");
                Some(DateFormat::parse(&fmt).map_err(|e| syntax(at + from + g, e))?)
            }
            None => None,
        };
        alts.push(Alt { path, date });
        from = end + 1;
    }
    Ok(alts)
}

/// Reads decimal digits at `*i`; `Err(position)` when the number exceeds [`MAX_WIDTH`].
fn parse_number(chars: &[char], i: &mut usize) -> Result<Option<usize>, usize> {
    let start = *i;
    let mut n: usize = 0;
    while let Some(d) = chars.get(*i).and_then(|c| c.to_digit(10)) {
        n = n * 10 + d as usize;
        if n > MAX_WIDTH {
            return Err(start);
        }
        *i += 1;
    }
    Ok((*i > start).then_some(n))
}

fn render_field(f: &Field, fields: &Map<String, Value>, rules: &NameRules) -> String {
    let value = evaluate(f, |path| lookup(fields, path).cloned());
    // The default (sanitized like a value; empty stays empty), or `NA`.
    let fallback = || match f.default.as_deref() {
        Some("") => String::new(),
        Some(d) => sanitize_value(d, rules),
        None => MISSING.to_owned(),
    };
    write_value(f, value, fallback, |text| sanitize_value(&text, rules))
}

/// The placeholder's value: the first alternative present (after its date format), then its
/// replacement. `None` when every alternative is missing or null.
fn evaluate(f: &Field, find: impl Fn(&[String]) -> Option<Value>) -> Option<Value> {
    let value = f.alts.iter().find_map(|alt| {
        let v = find(&alt.path).filter(|v| !v.is_null())?;
        match &alt.date {
            Some(date) => date.apply(&v).map(Value::String),
            None => Some(v),
        }
    })?;
    match &f.replacement {
        Some(r) => replace(r, &stringify(&value)).map(Value::String),
        None => Some(value),
    }
}

/// yt-dlp's `&REPLACEMENT` (Python's `str.format(REPLACEMENT, value)`): `{}` and `{0}` are the
/// value, `{{` and `}}` braces; any other `{...}` makes the value missing, as there.
fn replace(template: &str, value: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let (text, len) = if tail.starts_with("{{") {
            ("{", 2)
        } else if tail.starts_with("}}") {
            ("}", 2)
        } else if tail.starts_with("{}") {
            (value, 2)
        } else if tail.starts_with("{0}") {
            (value, 3)
        } else {
            return None;
        };
        out.push_str(text);
        rest = &tail[len..];
    }
    out.push_str(rest);
    Some(out)
}

/// Writes a placeholder's value by its conversion: numbers as numbers (a value that is not one
/// falls back, as in yt-dlp), text through `clean` (the file-name sanitizing, or nothing).
fn write_value(
    f: &Field,
    value: Option<Value>,
    fallback: impl Fn() -> String,
    clean: impl Fn(String) -> String,
) -> String {
    let spec = &f.spec;
    let conv = spec.conversion;
    if conv.is_integer() {
        return match value.as_ref().and_then(as_integer) {
            Some(n) => format::integer(n, spec),
            None => format::text(fallback(), spec),
        };
    }
    if !conv.is_text() {
        return match value.as_ref().and_then(format::as_float) {
            Some(x) => format::float(x, spec),
            None => format::text(fallback(), spec),
        };
    }
    let Some(v) = value else {
        return match conv {
            Conversion::Bytes => format::bytes(&fallback(), spec),
            _ => format::text(fallback(), spec),
        };
    };
    match conv {
        Conversion::Repr => format::text(clean(format::repr(&v)), spec),
        Conversion::Bytes => format::bytes(&clean(stringify(&v)), spec),
        _ => format::text(clean(converted(&v, spec)), spec),
    }
}

/// A value as text by yt-dlp's text conversions (`prepare_outtmpl` in `yt_dlp/YoutubeDL.py`:
/// `l` joins a list, `j` is JSON, `q` shell-quotes, `U` normalizes, `S` sanitizes as a file
/// name); `s` and the rest as plain text.
fn converted(v: &Value, spec: &Spec) -> String {
    let items = || match v {
        Value::Array(a) => a.iter().map(stringify).collect::<Vec<_>>(),
        v => vec![stringify(v)],
    };
    match spec.conversion {
        Conversion::List => items().join(if spec.alt { "\n" } else { ", " }),
        Conversion::Json => {
            let text = if spec.alt {
                serde_json::to_string_pretty(v)
            } else {
                serde_json::to_string(v)
            }
            .unwrap_or_default();
            if spec.plus { text } else { json_ascii(&text) }
        }
        Conversion::Quoted if spec.alt => items()
            .iter()
            .map(|s| format::shell_quote(s))
            .collect::<Vec<_>>()
            .join(" "),
        Conversion::Quoted => format::shell_quote(&stringify(v)),
        Conversion::Normalized => {
            let s = stringify(v);
            let s = s.as_str();
            match (spec.plus, spec.alt) {
                (false, false) => icu_normalizer::ComposingNormalizerBorrowed::new_nfc()
                    .normalize(s)
                    .into_owned(),
                (true, false) => icu_normalizer::ComposingNormalizerBorrowed::new_nfkc()
                    .normalize(s)
                    .into_owned(),
                (false, true) => icu_normalizer::DecomposingNormalizerBorrowed::new_nfd()
                    .normalize(s)
                    .into_owned(),
                (true, true) => icu_normalizer::DecomposingNormalizerBorrowed::new_nfkd()
                    .normalize(s)
                    .into_owned(),
            }
        }
        Conversion::Sanitized => {
            let rules = NameRules {
                restrict: spec.alt,
                ..NameRules::default()
            };
            sanitize_value(&stringify(v), &rules)
        }
        _ => stringify(v),
    }
}

/// JSON text with every non-ASCII character escaped (`\uXXXX`, surrogate pairs beyond the
/// BMP), as Python's `json.dumps` writes it by default.
fn json_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
    out
}

fn lookup<'a>(fields: &'a Map<String, Value>, path: &[String]) -> Option<&'a Value> {
    let (first, rest) = path.split_first()?;
    let mut cur = fields.get(first)?;
    for key in rest {
        cur = match cur {
            Value::Object(m) => m.get(key)?,
            Value::Array(a) => {
                let i: i64 = key.parse().ok()?;
                let i = if i < 0 {
                    a.len()
                        .checked_sub(usize::try_from(i.unsigned_abs()).ok()?)?
                } else {
                    usize::try_from(i).ok()?
                };
                a.get(i)?
            }
            _ => return None,
        };
    }
    Some(cur)
}

fn stringify(v: &Value) -> String {
    match v {
        Value::Null => MISSING.to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(stringify).collect::<Vec<_>>().join(", "),
        // As the JSON lines write it (line separators escaped).
        Value::Object(_) => crate::json::to_text(v).unwrap_or_else(|_| v.to_string()),
    }
}

fn as_integer(v: &Value) -> Option<i128> {
    let from_float = |f: f64| f.is_finite().then(|| f.trunc() as i128);
    match v {
        Value::Bool(b) => Some(i128::from(*b)),
        Value::Number(n) => n
            .as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
            .or_else(|| n.as_f64().and_then(from_float)),
        Value::String(s) => {
            let s = s.trim();
            s.parse::<i128>()
                .ok()
                .or_else(|| s.parse::<f64>().ok().and_then(from_float))
        }
        _ => None,
    }
}

// ---- `-O/--print`: the same language, rendered as text for stdout instead of as a path ----
//
// What yt-dlp 2026.10.26 does, and so tikdl: `YoutubeDL._forceprint` evaluates the template with
// `evaluate_outtmpl` without sanitizing (so `/`, `:` and line breaks in values stay as they are)
// and prints one line per template and post; a missing field is `NA` (`outtmpl_na_placeholder`);
// a template that is only field names (`-O id`, `-O id,title`) means `%(id)s`, one per line
// (`format_tmpl`). It does not interpret backslash escapes: `-O '%(id)s\t%(title)s'` prints a
// backslash and a `t` (checked by running its `evaluate_outtmpl`); a real tab comes from the shell
// (`$'%(id)s\t%(title)s'`). README "OUTPUT TEMPLATE" lists `filepath` as available to --print
// only after the download.

/// yt-dlp's `-O` stages that happen once per post (`POSTPROCESS_WHEN` in its utils, less
/// `playlist`).
const POST_STAGES: [&str; 7] = [
    "pre_process",
    "after_filter",
    "video",
    "before_dl",
    "post_process",
    "after_move",
    "after_video",
];

impl Template {
    /// Parses a `-O/--print` argument: a template, or bare field names separated by `,` (each
    /// becomes `%(name)s` on a line of its own, as in yt-dlp). yt-dlp's `WHEN:` prefixes of a
    /// post's stages (`after_move:filepath`) are accepted and dropped: tikdl prints once per post,
    /// when the command has it (extracted for `info`, saved for `download`).
    pub fn parse_print(s: &str) -> Result<Template, TemplateError> {
        let when = s
            .split_once(':')
            .map(|(w, _)| w.to_ascii_lowercase())
            .filter(|w| POST_STAGES.contains(&w.as_str()) || w == "playlist");
        let s = match when.as_deref() {
            Some("playlist") => {
                return Err(TemplateError::Syntax {
                    position: 1,
                    message:
                        "`playlist:` (once per list) is not supported: tikdl prints once per post"
                            .into(),
                });
            }
            Some(w) => &s[w.len() + 1..],
            None => s,
        };
        let bare = !s.is_empty()
            && s.char_indices().all(|(i, c)| {
                c.is_alphanumeric()
                    || matches!(c, '_' | '.' | ',')
                    || (c == '-' && s[i + 1..].starts_with(|d: char| d.is_ascii_digit()))
            });
        if !bare {
            return Template::parse(s);
        }
        let expanded: Vec<String> = s.split(',').map(|name| format!("%({name})s")).collect();
        let mut t = Template::parse(&expanded.join("\n"))?;
        t.source = s.to_owned();
        Ok(t)
    }

    /// The text `-O/--print` shows for one post: `fields` is the post's `info --json` object,
    /// `extra` what is known beyond it (`filepath` after a download, `ext`...); an `extra` key
    /// hides the field of the same name. No sanitizing and no path rules; `NA` for what is
    /// missing (or the placeholder's `|default`). The caller adds the line break.
    pub fn render_print(&self, fields: &Map<String, Value>, extra: &[(&str, Value)]) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Literal(s) => out.push_str(s),
                Piece::Field(f) => out.push_str(&print_field(f, fields, extra)),
            }
        }
        out
    }

    /// Whether the template has any `%(field)` placeholder.
    pub fn has_fields(&self) -> bool {
        self.pieces.iter().any(|p| matches!(p, Piece::Field(_)))
    }

    /// [`Self::render_print`] with each placeholder's text passed through `quote` together with
    /// the text rendered before it (so a quoter can tell where in the line the value lands), the
    /// template's own text left as written: `--exec`, where every value put into the command
    /// line is shell-quoted.
    pub fn render_quoted(
        &self,
        fields: &Map<String, Value>,
        extra: &[(&str, Value)],
        mut quote: impl FnMut(&str, &str) -> String,
    ) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Literal(s) => out.push_str(s),
                Piece::Field(f) => {
                    // Every value is already one shell word (a positional parameter): `q`
                    // would put its quotes into the value.
                    let text = if f.spec.conversion == Conversion::Quoted {
                        let mut plain = f.clone();
                        plain.spec.conversion = Conversion::Str;
                        print_field(&plain, fields, extra)
                    } else {
                        print_field(f, fields, extra)
                    };
                    let value = quote(&out, &text);
                    out.push_str(&value);
                }
            }
        }
        out
    }
}

/// [`render_field`] without the file-name sanitizing.
fn print_field(f: &Field, fields: &Map<String, Value>, extra: &[(&str, Value)]) -> String {
    let find = |path: &[String]| {
        let first = path.first()?;
        match extra.iter().find(|(k, _)| k == first) {
            Some((k, v)) => lookup(&Map::from_iter([((*k).to_owned(), v.clone())]), path).cloned(),
            None => lookup(fields, path).cloned(),
        }
    };
    let value = evaluate(f, find);
    // As yt-dlp: `%(title)d` of a non-number is the default (or NA), not an error.
    let missing = || f.default.clone().unwrap_or_else(|| MISSING.to_owned());
    write_value(f, value, missing, |text| text)
}

#[cfg(test)]
mod print_tests {
    use super::*;
    use serde_json::json;

    fn info() -> Map<String, Value> {
        let info: crate::model::VideoInfo = serde_json::from_value(json!({
            "extractor": "tiktok", "id": "7608826249200356630", "kind": "video",
            "title": "AC/DC: live?", "description": "line one\nline two",
            "uploader": "someone", "uploader_id": null, "uploader_url": null,
            "channel": "Some One", "channel_id": null, "channel_url": null,
            "webpage_url": "https://www.tiktok.com/@someone/video/7608826249200356630",
            "timestamp": 1769817600, "upload_date": "20260131", "duration": 15,
            "view_count": 12345, "like_count": null, "comment_count": null,
            "repost_count": null, "save_count": null, "hashtags": ["cat"], "mentions": [],
            "track": null, "artists": [], "album": null, "music": null, "thumbnails": [],
            "formats": [], "images": [], "subtitles": {}
        }))
        .unwrap();
        match serde_json::to_value(info).unwrap() {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    fn p(t: &str) -> String {
        Template::parse_print(t).unwrap().render_print(&info(), &[])
    }

    /// yt-dlp's text conversions, as its `prepare_outtmpl` writes them.
    #[test]
    fn yt_dlp_text_conversions() {
        let extra = [("tags", json!(["a b", "c'd", "é"]))];
        let q = |t: &str| {
            Template::parse_print(t)
                .unwrap()
                .render_print(&info(), &extra)
        };
        assert_eq!(q("%(tags)l"), "a b, c'd, é");
        assert_eq!(q("%(tags)#l"), "a b\nc'd\né");
        assert_eq!(q("%(tags)j"), r#"["a b","c'd","\u00e9"]"#);
        assert_eq!(q("%(tags)+j"), r#"["a b","c'd","é"]"#);
        assert_eq!(q("%(title)q"), "'AC/DC: live?'");
        assert_eq!(q("%(id)q"), "7608826249200356630");
        assert_eq!(q("%(tags)#q"), r#"'a b' 'c'"'"'d' 'é'"#);
        // As tikdl's own file names have it.
        assert_eq!(q("%(title)S"), "AC_DC_ live_");
        assert_eq!(q("%(title)#S"), "AC_DC_-_live");
        let decomposed = [("t", json!("e\u{301}"))];
        let u = |t: &str| {
            Template::parse_print(t)
                .unwrap()
                .render_print(&info(), &decomposed)
        };
        assert_eq!(u("%(t)U"), "\u{e9}");
        assert_eq!(u("%(t)#U"), "e\u{301}");
        assert_eq!(p("%(hashtags)l"), "cat");
        // In --exec the value is already one shell word: `q` adds no quotes of its own.
        let t = Template::parse("echo %(title)q").unwrap();
        let mut seen = Vec::new();
        t.render_quoted(&info(), &[], |_, v| {
            seen.push(v.to_owned());
            "X".into()
        });
        assert_eq!(seen, ["AC/DC: live?"]);
    }

    #[test]
    fn tab_separated_line_from_a_video_info() {
        assert_eq!(
            p("%(id)s\t%(view_count)d\t%(title)s"),
            "7608826249200356630\t12345\tAC/DC: live?"
        );
    }

    #[test]
    fn values_are_not_sanitized() {
        assert_eq!(p("%(title)s"), "AC/DC: live?");
        assert_eq!(p("%(description)s"), "line one\nline two");
        // A `/` in the template text stays too: this is not a path.
        assert_eq!(p("../%(uploader)s/"), "../someone/");
    }

    #[test]
    fn missing_and_null_fields_print_na() {
        assert_eq!(
            p("%(nope)s|%(like_count)s|%(like_count)d|%(music.id)s"),
            "NA|NA|NA|NA"
        );
        assert_eq!(p("%(nope|none)s %(like_count|0)d %(nope|)s."), "none 0 .");
        assert_eq!(p("%(title)d"), "NA");
    }

    #[test]
    fn numbers_and_widths() {
        assert_eq!(
            p("%(view_count)d %(view_count)08d %(duration)s"),
            "12345 00012345 15"
        );
        assert_eq!(p("%(uploader)-8s|%(title).5s"), "someone |AC/DC");
    }

    #[test]
    fn backslash_escapes_stay_literal_as_in_ytdlp() {
        assert_eq!(p(r"%(id)s\t%(uploader)s"), r"7608826249200356630\tsomeone");
    }

    #[test]
    fn extra_fields_such_as_filepath() {
        let t = Template::parse_print("%(filepath)s").unwrap();
        let extra = [("filepath", json!("/videos/a: b/x.mp4"))];
        assert_eq!(t.render_print(&info(), &extra), "/videos/a: b/x.mp4");
        assert_eq!(t.render_print(&info(), &[]), "NA");
        // An extra hides the post's field of the same name.
        let t = Template::parse_print("%(title)s").unwrap();
        assert_eq!(t.render_print(&info(), &[("title", json!("X"))]), "X");
    }

    #[test]
    fn bare_field_names_print_one_per_line() {
        assert_eq!(p("id"), "7608826249200356630");
        assert_eq!(
            p("id,uploader,hashtags.-1"),
            "7608826249200356630\nsomeone\ncat"
        );
        assert_eq!(
            Template::parse_print("id,title").unwrap().as_str(),
            "id,title"
        );
        // Anything else is a template, literal text included.
        assert_eq!(p("id: %(id)s"), "id: 7608826249200356630");
        // yt-dlp's per-post stages are dropped; once per list is refused.
        assert_eq!(p("after_move:id"), "7608826249200356630");
        assert_eq!(p("Video:%(uploader)s:x"), "someone:x");
        assert!(Template::parse_print("playlist:%(title)s").is_err());
        assert_eq!(p(""), "");
    }
}

/// A run of one path component's text: the template's own, or one field's value.
struct Part {
    text: String,
    /// A text field that may be shortened to make its component fit.
    shortenable: bool,
}

impl Part {
    fn literal(s: &str) -> Part {
        Part {
            text: s.to_owned(),
            shortenable: false,
        }
    }
}

fn finish_path(components: Vec<Vec<Part>>, rules: &NameRules) -> Result<PathBuf, TemplateError> {
    let mut kept = Vec::new();
    for parts in components {
        let raw: String = parts.iter().map(|p| p.text.as_str()).collect();
        if raw.is_empty() || raw == "." {
            continue;
        }
        if raw == ".." || !is_plain_component(&raw) {
            return Err(TemplateError::ParentComponent { component: raw });
        }
        if trim_end_dots_spaces(&raw).is_empty() {
            continue;
        }
        kept.push(parts);
    }
    let last = kept.len().checked_sub(1).ok_or(TemplateError::Empty)?;
    kept.into_iter()
        .enumerate()
        .map(|(i, parts)| fit_component(parts, i == last, rules))
        .collect()
}

/// One component's parts joined and cleaned: trailing dots and spaces trimmed, device names
/// guarded.
fn assemble(parts: &[Part]) -> String {
    let joined: String = parts.iter().map(|p| p.text.as_str()).collect();
    guard_reserved(trim_end_dots_spaces(&joined))
}

/// Joins a component's parts within its byte limit. A component that is too long has its text
/// fields shortened, the longest first (all of the longest down to the next one's length, and so
/// on), at character boundaries; the template's own text and the fields that tell posts and
/// files apart ([`KEPT_WHOLE`], numbers) are kept whole, so the default template's `[%(id)s]`
/// survives any caption. A name that does not fit even with every text field emptied is an
/// error. yt-dlp never shortens a name silently either: without `--trim-filenames` it hands the
/// name to the OS, which refuses it ("unable to open for writing: [Errno 36] File name too
/// long").
fn fit_component(
    mut parts: Vec<Part>,
    is_file: bool,
    rules: &NameRules,
) -> Result<String, TemplateError> {
    if is_file && let Some(n) = rules.trim {
        parts = trim_file_name(parts, n.get());
    }
    let (limit, what) = if is_file {
        (MAX_RENDERED_NAME_BYTES, "a file name")
    } else {
        (MAX_COMPONENT_BYTES, "a folder name")
    };
    loop {
        let name = assemble(&parts);
        let name = if is_file {
            crate::disk::safe_path::guard_bookkeeping(name)
        } else {
            name
        };
        if name.len() <= limit {
            return Ok(name);
        }
        let excess = name.len() - limit;
        let lengths: Vec<usize> = parts
            .iter()
            .filter(|p| p.shortenable)
            .map(|p| p.text.len())
            .collect();
        if lengths.iter().all(|&n| n == 0) {
            let bytes = name.len();
            let shown: String = name.chars().take(60).collect();
            let name = if shown.len() < name.len() {
                format!("{shown}…")
            } else {
                shown
            };
            return Err(TemplateError::TooLong {
                name,
                bytes,
                limit,
                what,
            });
        }
        let level = water_level(&lengths, excess);
        for p in parts.iter_mut().filter(|p| p.shortenable) {
            if p.text.len() > level {
                // Never end on a joiner or variation selector (half an emoji sequence reads as
                // a different one), nor on a space (`title  [ID]` would read as two spaces).
                let cut = cut_bytes(&p.text, level)
                    .trim_end_matches(['\u{200d}', '\u{fe0f}'])
                    .trim_end();
                p.text = cut.to_owned();
            }
        }
    }
}

/// `--trim-filenames N`: the file name's parts shortened until the name has at most `n`
/// characters before its extension. Text fields are cut first, the longest first, as
/// [`fit_component`] does for bytes, so the id survives when it can; when they are empty and the
/// name is still longer, it is cut at `n` characters, the extension kept (yt-dlp cuts there
/// plainly: `filename.rsplit('.', 2)` in `YoutubeDL._prepare_filename`).
fn trim_file_name(parts: Vec<Part>, n: usize) -> Vec<Part> {
    let original = assemble(&parts);
    let mut parts = parts;
    loop {
        let name = assemble(&parts);
        let (stem, _) = split_extension(&name);
        let count = stem.chars().count();
        if count <= n {
            return parts;
        }
        let lengths: Vec<usize> = parts
            .iter()
            .filter(|p| p.shortenable)
            .map(|p| p.text.chars().count())
            .collect();
        if lengths.iter().all(|&l| l == 0) {
            let (stem, ext) = split_extension(&original);
            let cut: String = stem.chars().take(n).collect();
            let cut = trim_end_dots_spaces(cut.trim_end_matches(['\u{200d}', '\u{fe0f}']));
            return vec![Part::literal(&format!("{cut}{ext}"))];
        }
        let level = water_level(&lengths, count - n);
        for p in parts.iter_mut().filter(|p| p.shortenable) {
            if p.text.chars().count() > level {
                let cut: String = p.text.chars().take(level).collect();
                p.text = cut
                    .trim_end_matches(['\u{200d}', '\u{fe0f}'])
                    .trim_end()
                    .to_owned();
            }
        }
    }
}

/// The highest length `L` such that cutting every length above `L` down to `L` removes at least
/// `excess` bytes (0 when even that is not enough).
fn water_level(lengths: &[usize], excess: usize) -> usize {
    let removed =
        |level: usize| -> usize { lengths.iter().map(|&n| n.saturating_sub(level)).sum() };
    let (mut lo, mut hi) = (0, lengths.iter().copied().max().unwrap_or(0));
    // Invariant: removed(lo) >= excess (or lo == 0); removed(hi + 1) < excess.
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if removed(mid) >= excess {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    lo
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::disk::safe_path::tests::tmp;
    use crate::disk::safe_path::{
        MAX_COMPONENT_BYTES, MAX_RENDERED_NAME_BYTES, is_windows_reserved, resolve_in_base,
        sanitize_component,
    };
    use serde_json::json;
    use std::path::Component;

    fn fields(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => panic!("test fields must be an object"),
        }
    }

    fn post() -> Map<String, Value> {
        fields(json!({
            "id": "7608826249200356630",
            "title": "Cats: the movie?",
            "uploader": "someone",
            "ext": "mp4",
            "view_count": 12345,
            "count_text": "42",
            "not_a_number": "many",
            "duration": 15.7,
            "negative": -7,
            "index": 7,
            "flag": true,
            "nothing": null,
            "hashtags": ["cat", "funny"],
            "music": { "duration": 30, "title": "orig/sound" },
            "empty": "",
        }))
    }

    fn render(t: &str, f: &Map<String, Value>) -> String {
        let p = Template::parse(t).unwrap().render(f).unwrap();
        p.to_str().unwrap().to_owned()
    }

    fn r(t: &str) -> String {
        render(t, &post())
    }

    fn components(p: &Path) -> Vec<String> {
        p.components()
            .map(|c| match c {
                Component::Normal(s) => s.to_str().unwrap().to_owned(),
                other => panic!("unexpected component {other:?}"),
            })
            .collect()
    }

    #[test]
    fn default_template() {
        assert_eq!(
            r(DEFAULT_TEMPLATE),
            "someone - Cats_ the movie_ [7608826249200356630].mp4"
        );
    }

    #[test]
    fn string_and_number_fields() {
        assert_eq!(r("%(id)s"), "7608826249200356630");
        assert_eq!(r("%(view_count)s"), "12345");
        assert_eq!(r("%(view_count)d"), "12345");
        assert_eq!(r("%(view_count)i"), "12345");
        assert_eq!(r("%(duration)s"), "15.7");
        assert_eq!(r("%(duration)d"), "15");
        assert_eq!(r("%(negative)d"), "-7");
    }

    #[test]
    fn integer_from_string_and_non_numbers() {
        assert_eq!(r("%(count_text)05d"), "00042");
        assert_eq!(r("%(not_a_number)d"), "NA");
        assert_eq!(r("%(not_a_number|0)d"), "0");
        assert_eq!(r("%(flag)d"), "1");
    }

    #[test]
    fn flags_width_precision() {
        assert_eq!(r("%(index)03d"), "007");
        assert_eq!(r("%(index)3d-x"), "  7-x");
        assert_eq!(r("%(index)-3d-x"), "7  -x");
        assert_eq!(r("%(negative)05d"), "-0007");
        assert_eq!(r("%(index).3d"), "007");
        assert_eq!(r("%(uploader)10s"), "   someone");
        assert_eq!(r("%(uploader)-10s|"), "someone   |");
        assert_eq!(r("%(uploader).4s"), "some");
        assert_eq!(r("x%(uploader).0sy"), "xy");
        assert_eq!(r("x%(uploader).sy"), "xy");
    }

    #[test]
    fn precision_counts_characters_not_bytes() {
        let f = fields(json!({ "title": "héllo wörld 🐱🐶", "ext": "mp4" }));
        assert_eq!(render("%(title).5s", &f), "héllo");
        assert_eq!(render("%(title).13s.%(ext)s", &f), "héllo wörld 🐱.mp4");
    }

    #[test]
    fn defaults_and_missing() {
        assert_eq!(r("%(missing)s"), "NA");
        assert_eq!(r("%(nothing)s"), "NA");
        assert_eq!(r("%(missing|unknown)s"), "unknown");
        assert_eq!(r("%(nothing|unknown)s"), "unknown");
        assert_eq!(r("%(uploader|unknown)s"), "someone");
        assert_eq!(r("%(missing|a b)s"), "a b");
        assert_eq!(r("%(missing|)s-%(id)s"), "-7608826249200356630");
        assert_eq!(r("%(missing|)s/%(id)s"), "7608826249200356630");
        assert_eq!(r("%(missing|x/y)s"), "x_y");
        assert_eq!(r("%(missing|7)03d"), "  7");
        // An empty string value is a value, not a missing one.
        assert_eq!(r("%(empty|x)s"), "_");
    }

    #[test]
    fn alternatives_and_nested_keys() {
        assert_eq!(r("%(missing,uploader)s"), "someone");
        assert_eq!(r("%(nothing,missing|none)s"), "none");
        assert_eq!(r("%(music.duration)s"), "30");
        assert_eq!(r("%(music.title)s"), "orig_sound");
        assert_eq!(r("%(music.missing)s"), "NA");
        assert_eq!(r("%(hashtags.0)s"), "cat");
        assert_eq!(r("%(hashtags.-1)s"), "funny");
        assert_eq!(r("%(hashtags.5)s"), "NA");
        assert_eq!(r("%(id.x)s"), "NA");
    }

    #[test]
    fn booleans_arrays_objects() {
        assert_eq!(r("%(flag)s"), "true");
        assert_eq!(r("%(hashtags)s"), "cat, funny");
        // Objects print as compact JSON, sanitized (the `:` and `"` become `_`).
        assert_eq!(r("%(music)s"), "{_duration__30,_title___orig_sound_}");
    }

    #[test]
    fn percent_escapes() {
        assert_eq!(r("100%%-%(id)s"), "100%-7608826249200356630");
        assert_eq!(r("%%(id)s"), "%(id)s");
        // A `%` that starts no placeholder is kept (yt-dlp does the same).
        assert_eq!(r("50% %s %d"), "50% %s %d");
        assert_eq!(r("end%"), "end%");
    }

    #[test]
    fn folders_from_the_template() {
        let p = Template::parse("%(uploader)s/%(id)s/%(title)s.%(ext)s")
            .unwrap()
            .render(&post())
            .unwrap();
        assert_eq!(
            components(&p),
            ["someone", "7608826249200356630", "Cats_ the movie_.mp4"]
        );
        assert!(p.is_relative());
    }

    #[test]
    fn empty_dot_and_absolute_components_are_dropped() {
        assert_eq!(r("/abs//./%(id)s"), "abs/7608826249200356630");
        assert_eq!(r("a/. ./%(id)s/"), "a/7608826249200356630");
    }

    #[test]
    fn trailing_dots_and_spaces_are_trimmed() {
        assert_eq!(r("folder. /%(id)s.. "), "folder/7608826249200356630");
    }

    #[test]
    fn parent_component_in_template_is_an_error() {
        let t = Template::parse("../%(id)s").unwrap();
        let e = t.render(&post()).unwrap_err();
        assert!(matches!(e, TemplateError::ParentComponent { .. }), "{e}");
        let t = Template::parse("a/../../%(id)s").unwrap();
        assert!(t.render(&post()).is_err());
        // Built from literal dots around an explicitly empty default: still refused.
        let t = Template::parse(".%(missing|)s./x").unwrap();
        assert!(matches!(
            t.render(&post()),
            Err(TemplateError::ParentComponent { .. })
        ));
    }

    #[test]
    fn empty_result_is_an_error() {
        for t in ["", "/", "./.", "%(missing|)s", " . /"] {
            let e = Template::parse(t).unwrap().render(&post()).unwrap_err();
            assert!(matches!(e, TemplateError::Empty), "{t}: {e}");
        }
    }

    #[test]
    fn reserved_names_in_template_text_are_guarded() {
        assert_eq!(r("con/%(id)s"), "_con/7608826249200356630");
    }

    #[test]
    fn a_file_name_never_looks_like_a_bookkeeping_name() {
        let f = |title: &str| fields(json!({ "title": title, "id": "1", "ext": "mp4" }));
        assert_eq!(render("%(title)s", &f("foo.mp4.part")), "foo.mp4.part_");
        assert_eq!(
            render("%(title)s", &f("foo.MP4.Part.Meta")),
            "foo.MP4.Part.Meta_"
        );
        assert_eq!(render("%(id)s.mp4.part", &f("x")), "1.mp4.part_");
        assert_eq!(render(".tikdl-manifest", &f("x")), ".tikdl-manifest_");
        assert_eq!(render(".a.1.x.tmp", &f("x")), ".a.1.x.tmp_");
        // Only the file: a folder of that name is no bookkeeping name.
        assert_eq!(render("a.part/%(id)s", &f("x")), "a.part/1");
        assert_eq!(render("%(title)s.%(ext)s", &f("foo.part")), "foo.part.mp4");
    }

    #[test]
    fn long_components_keep_the_extension() {
        let title = "x".repeat(400);
        let f = fields(json!({ "title": title, "ext": "mp4" }));
        let p = Template::parse("%(title)s/%(title)s.%(ext)s")
            .unwrap()
            .render(&f)
            .unwrap();
        let c = components(&p);
        assert_eq!(c[0].len(), MAX_COMPONENT_BYTES);
        assert_eq!(c[1].len(), MAX_RENDERED_NAME_BYTES);
        assert!(c[1].ends_with("x.mp4"));
        // A dot inside a value is not an extension: the value is cut at its end.
        let f = fields(json!({ "title": format!("{}.{}", "a".repeat(200), "b".repeat(100)) }));
        let p = render("%(title)s", &f);
        assert_eq!(p.len(), MAX_RENDERED_NAME_BYTES);
        assert!(p.ends_with('b'));
    }

    #[test]
    fn a_long_name_is_cut_from_its_longest_text_field() {
        let id = "7500000000000005001";
        let fancy = "𝓗𝓮𝓵𝓵𝓸 ".repeat(20);
        let f = fields(json!({ "id": id, "uploader": "u", "title": fancy, "ext": "mp3" }));
        let name = render(DEFAULT_TEMPLATE, &f);
        assert!(name.len() <= MAX_RENDERED_NAME_BYTES, "{}", name.len());
        assert!(name.starts_with("u - 𝓗𝓮𝓵𝓵𝓸"), "{name}");
        assert!(name.ends_with(&format!(" [{id}].mp3")), "{name}");
        // A cut for length never leaves a space before what follows (a `.80s` precision is
        // yt-dlp's plain slice and stays one).
        for k in 150..170 {
            let f =
                fields(json!({ "id": id, "uploader": "u", "title": "w ".repeat(k), "ext": "mp4" }));
            let name = render("%(uploader)s - %(title)s [%(id)s].%(ext)s", &f);
            assert!(
                !name.contains("  ["),
                "a cut never leaves its space: {name}"
            );
        }
        // Two long fields are cut towards the same length, the shorter one untouched until
        // the longer has come down to it.
        let f = fields(json!({ "a": "x".repeat(300), "b": "y".repeat(150), "c": "z".repeat(10) }));
        let name = render("%(a)s-%(b)s-%(c)s", &f);
        assert!((MAX_RENDERED_NAME_BYTES - 1..=MAX_RENDERED_NAME_BYTES).contains(&name.len()));
        let runs: Vec<usize> = name.split('-').map(str::len).collect();
        assert_eq!(runs[2], 10);
        assert!(runs[0].abs_diff(runs[1]) <= 1, "{runs:?}");
        // Numbers, the index and the extension are kept whole too.
        let f = fields(json!({ "title": "t".repeat(400), "index": 3, "n": 12345, "ext": "jpg" }));
        let name = render("%(title)s %(index)s %(n)d.%(ext)s", &f);
        assert!(name.ends_with(" 3 12345.jpg"), "{name}");
        // An emoji sequence is not left ending on its joiner.
        let f = fields(json!({ "title": "👩‍👩‍👧‍👦".repeat(20), "ext": "mp4" }));
        let name = render("%(title)s.%(ext)s", &f);
        assert!(
            !name.trim_end_matches(".mp4").ends_with('\u{200d}'),
            "{name}"
        );
    }

    #[test]
    fn a_name_that_cannot_fit_is_an_error_naming_the_limit() {
        let t = Template::parse(&format!("{}%(title)s [%(id)s].%(ext)s", "L".repeat(230))).unwrap();
        let e = t.render(&post()).unwrap_err();
        assert!(
            matches!(e, TemplateError::TooLong { limit, .. } if limit == MAX_RENDERED_NAME_BYTES),
            "{e}"
        );
        let msg = e.to_string();
        assert!(
            msg.contains(&format!("{MAX_RENDERED_NAME_BYTES}-byte limit")),
            "{msg}"
        );
        assert!(msg.contains("shorten the template"), "{msg}");
        // A folder has the whole 255 bytes.
        let t = Template::parse(&format!("{}/%(id)s", "F".repeat(240))).unwrap();
        assert!(t.render(&post()).is_ok());
        let t = Template::parse(&format!("{}/%(id)s", "F".repeat(256))).unwrap();
        assert!(matches!(
            t.render(&post()),
            Err(TemplateError::TooLong {
                what: "a folder name",
                ..
            })
        ));
    }

    #[test]
    fn syntax_errors_say_where() {
        let cases: [(&str, usize); 7] = [
            ("ab%(title", 3),
            ("%(title)", 9),
            ("%()s", 1),
            ("%(a,)s", 1),
            ("x%(a>%Q)s", 5),
            ("%(title)999999s", 9),
            ("%(a-1)s", 1),
        ];
        for (t, at) in cases {
            match Template::parse(t) {
                Err(TemplateError::Syntax { position, message }) => {
                    assert_eq!(position, at, "{t}: {message}")
                }
                other => panic!("{t}: {other:?}"),
            }
        }
        let e = Template::parse("%(title)y").unwrap_err();
        assert!(matches!(
            e,
            TemplateError::UnknownConversion {
                position: 9,
                conversion: 'y'
            }
        ));
        assert!(e.to_string().contains("character 9"), "{e}");
        // Flags are read before the conversion: `+` is one, `c` (yt-dlp's first character) is
        // not known; after a length modifier the conversion is named, never the next text.
        let e = Template::parse("%(title)+c").unwrap_err();
        assert!(matches!(
            e,
            TemplateError::UnknownConversion {
                conversion: 'c',
                ..
            }
        ));
        let e = Template::parse("%(x)hz").unwrap_err();
        assert!(e.to_string().contains("`h` at character 5"), "{e}");
        assert!(e.to_string().contains("supported: s, r, B, d"), "{e}");
    }

    #[test]
    fn dates_numbers_and_bytes_as_yt_dlp() {
        let f = fields(json!({
            "id": "7608826249200356630", "ext": "mp4", "title": "héllo wörld",
            "timestamp": 1769866205, "upload_date": "20260131", "view_count": 42,
            "duration": 15.5, "bad_date": "soon",
        }));
        let r = |t: &str| render(t, &f);
        assert_eq!(r("%(upload_date>%Y-%m-%d)s"), "2026-01-31");
        assert_eq!(r("%(timestamp>%Y-%m-%d %H-%M)s"), "2026-01-31 13-30");
        // A `:` from the format is sanitized like any value's.
        assert_eq!(r("%(timestamp>%H:%M)s"), "13_30");
        assert_eq!(r("%(bad_date>%Y)s"), "NA");
        assert_eq!(r("%(bad_date>%Y,upload_date>%d %b)s"), "31 Jan");
        assert_eq!(r("%(missing>%Y|undated)s"), "undated");
        assert_eq!(r("%(view_count)+.3d"), "+042");
        assert_eq!(r("%(view_count)05d"), "00042");
        assert_eq!(
            r("%(view_count)x|%(view_count)#X|%(view_count)o"),
            "2a|0X2A|52"
        );
        assert_eq!(r("%(duration).2f"), "15.50");
        assert_eq!(r("%(duration)e"), "1.550000e+01");
        assert_eq!(r("%(duration)g"), "15.5");
        assert_eq!(r("%(title)r"), "'héllo wörld'");
        // `B` counts bytes: `é` is two, and a cut inside it drops it.
        assert_eq!(r("%(title).2B"), "h");
        assert_eq!(r("%(title).3B"), "hé");
        assert_eq!(r("%(title).20B"), "héllo wörld");
        assert_eq!(r("%(title)s"), "héllo wörld");
        // `&`: the replacement for a present value (`{}` is the value).
        assert_eq!(r("%(view_count&[{}]-)s%(id)s"), "[42]-7608826249200356630");
        assert_eq!(r("%(missing&yes|no)s"), "no");
        assert_eq!(r("%(view_count&a/b)s"), "a_b");
        // Numbers that are not numbers fall back, as `%d` always did.
        assert_eq!(r("%(title).2f"), "NA");
        assert_eq!(r("%(title|0)x"), "0");
        // The `%d` of a 19-digit id keeps every digit.
        assert_eq!(r("%(id)d"), "7608826249200356630");
    }

    #[test]
    fn print_formats_the_same_without_sanitizing() {
        let f = fields(json!({ "timestamp": 1769866205, "title": "a/b: c", "n": 3 }));
        let p = |t: &str| Template::parse_print(t).unwrap().render_print(&f, &[]);
        assert_eq!(p("%(timestamp>%H:%M)s"), "13:30");
        assert_eq!(p("%(n)03d %(n).1f %(title).4B"), "003 3.0 a/b:");
        assert_eq!(p("%(title&<{}>)s"), "<a/b: c>");
    }

    fn with(rules: NameRules, t: &str, f: &Map<String, Value>) -> String {
        let p = Template::parse(t).unwrap().render_with(f, &rules).unwrap();
        p.to_str().unwrap().to_owned()
    }

    #[test]
    fn restricted_names() {
        let rules = NameRules {
            restrict: true,
            ..NameRules::default()
        };
        let f = fields(json!({
            "uploader": "Zoë & co", "title": "Crème brûlée: #recipe 🍮 (easy)",
            "id": "1", "ext": "mp4",
        }));
        assert_eq!(
            with(rules, DEFAULT_TEMPLATE, &f),
            "Zoe_co - Creme_brulee_-_recipe_easy [1].mp4"
        );
    }

    #[test]
    fn windows_names_clean_the_template_text() {
        let rules = NameRules {
            windows: true,
            ..NameRules::default()
        };
        let f = fields(json!({ "id": "1", "ext": "mp4", "title": "t" }));
        assert_eq!(with(rules, "a:b?/%(id)s*.%(ext)s", &f), "a#b#/1#.mp4");
        assert_eq!(r("a:b?/%(id)s"), "a:b?/7608826249200356630");
        assert_eq!(with(rules, "nul/%(title)s.", &f), "_nul/t");
    }

    #[test]
    fn trimmed_names_count_characters_and_keep_the_extension() {
        let trim = |n: usize| NameRules {
            trim: std::num::NonZeroUsize::new(n),
            ..NameRules::default()
        };
        let f = fields(json!({
            "uploader": "u", "title": "é".repeat(100), "id": "7608826249200356630", "ext": "mp4",
        }));
        // The title is cut first, so the id survives.
        let name = with(trim(40), DEFAULT_TEMPLATE, &f);
        assert_eq!(name.trim_end_matches(".mp4").chars().count(), 40, "{name}");
        assert!(name.ends_with(" [7608826249200356630].mp4"), "{name}");
        // Shorter than what the template's text and the id need: a plain cut, as yt-dlp's.
        assert_eq!(with(trim(6), DEFAULT_TEMPLATE, &f), "u - éé.mp4");
        // Folders are not trimmed.
        assert_eq!(
            with(
                trim(3),
                "%(uploader)s%(uploader)s%(uploader)s%(uploader)s/%(id)s.%(ext)s",
                &f
            ),
            "uuuu/760.mp4"
        );
        // A name within the limit is left alone.
        assert_eq!(
            with(trim(100), "%(id)s.%(ext)s", &f),
            "7608826249200356630.mp4"
        );
    }

    #[test]
    fn hostile_values_stay_inside_base_under_every_rule() {
        let base = tmp();
        let all = [
            NameRules {
                restrict: true,
                ..NameRules::default()
            },
            NameRules {
                windows: true,
                ..NameRules::default()
            },
            NameRules {
                trim: std::num::NonZeroUsize::new(5),
                ..NameRules::default()
            },
            NameRules {
                restrict: true,
                windows: true,
                trim: std::num::NonZeroUsize::new(1),
            },
        ];
        let t = Template::parse("%(uploader)s/%(title)s.%(ext)s").unwrap();
        for rules in all {
            for (title, _) in hostile() {
                let f = fields(json!({ "uploader": title, "title": title, "ext": "mp4" }));
                let rel = t.render_with(&f, &rules).unwrap();
                let c = components(&rel);
                assert_eq!(c.len(), 2, "{rules:?} {title:?} -> {rel:?}");
                for part in &c {
                    assert!(part != ".." && part != "." && !part.is_empty(), "{part:?}");
                    assert!(part.len() <= MAX_COMPONENT_BYTES);
                    assert!(!part.ends_with(['.', ' ']), "{part:?}");
                    assert!(!is_windows_reserved(part), "{part:?}");
                    if rules.restrict {
                        assert!(part.is_ascii() && !part.contains([' ', '&']), "{part:?}");
                    }
                }
                assert!(c[1].len() <= MAX_RENDERED_NAME_BYTES);
                let full = resolve_in_base(base.path(), &rel).unwrap();
                assert!(full.starts_with(base.path()), "{full:?}");
            }
        }
    }

    #[test]
    fn template_round_trips_its_source() {
        let t: Template = DEFAULT_TEMPLATE.parse().unwrap();
        assert_eq!(t.as_str(), DEFAULT_TEMPLATE);
        assert_eq!(t.to_string(), DEFAULT_TEMPLATE);
    }

    /// Hostile titles, with the expected file name (`None`: only the invariants are checked).
    fn hostile() -> Vec<(String, Option<&'static str>)> {
        vec![
            ("../..".into(), Some("_.mp4")),
            ("..".into(), Some("_.mp4")),
            (".".into(), Some("_.mp4")),
            ("".into(), Some("_.mp4")),
            ("/etc/passwd".into(), Some("_etc_passwd.mp4")),
            ("a/b\\c".into(), Some("a_b_c.mp4")),
            ("CON".into(), Some("_CON.mp4")),
            ("con.txt".into(), Some("_con.txt.mp4")),
            ("nul".into(), Some("_nul.mp4")),
            ("COM1".into(), Some("_COM1.mp4")),
            ("lpt9 ".into(), Some("_lpt9.mp4")),
            ("a\x00b\x1fc\x7f".into(), Some("abc.mp4")),
            ("\n".into(), Some("_.mp4")),
            ("line1\nline2\r\n".into(), Some("line1 line2.mp4")),
            ("...".into(), Some("_.mp4")),
            ("title . . ".into(), Some("title.mp4")),
            ("  .hidden".into(), Some("hidden.mp4")),
            ("evil\u{202E}4pm.exe".into(), Some("evil4pm.exe.mp4")),
            ("\u{2067}x\u{2069}".into(), Some("x.mp4")),
            ("a<b>c:d\"e|f?g*h".into(), Some("a_b_c_d_e_f_g_h.mp4")),
            ("x".repeat(300), None),
            ("🐱".repeat(75), None),
            ("é".repeat(200), None),
            (format!("{}/../..", "a".repeat(300)), None),
            ("..\\..\\windows".into(), Some("_.._windows.mp4")),
            ("C:\\Windows".into(), Some("C__Windows.mp4")),
        ]
    }

    #[test]
    fn hostile_values_stay_one_component_inside_base() {
        let base = tmp();
        let t = Template::parse("%(uploader)s/%(title)s.%(ext)s").unwrap();
        for (title, expected) in hostile() {
            let f = fields(json!({ "uploader": "someone", "title": title, "ext": "mp4" }));
            let rel = t.render(&f).unwrap();
            let c = components(&rel);
            assert_eq!(c.len(), 2, "{title:?} -> {rel:?}");
            assert_eq!(c[0], "someone");
            for part in &c {
                assert_ne!(part, "..");
                assert!(
                    part.len() <= MAX_COMPONENT_BYTES,
                    "{title:?}: {}",
                    part.len()
                );
                assert!(!part.ends_with(['.', ' ']), "{part:?}");
            }
            assert!(c[1].ends_with(".mp4"), "{title:?} -> {}", c[1]);
            assert!(c[1].len() > ".mp4".len());
            if let Some(expected) = expected {
                assert_eq!(c[1], expected, "{title:?}");
            }
            let full = resolve_in_base(base.path(), &rel).unwrap();
            assert!(full.starts_with(base.path()), "{full:?}");
        }
    }

    #[test]
    fn long_multibyte_values_are_cut_on_a_char_boundary() {
        let f = fields(json!({ "title": "🐱".repeat(75), "ext": "mp4" }));
        let name = render("%(title)s.%(ext)s", &f);
        // 4-byte chars: 217 bytes of title would split one, so 54 cats (216 bytes) remain.
        assert_eq!(name, format!("{}.mp4", "🐱".repeat(54)));
        assert_eq!(name.len(), 220);
    }

    #[test]
    fn sanitize_component_is_idempotent_on_the_corpus() {
        let extra = ["_", "NA", "_CON", "con .txt", "COM¹", "a. b", " \u{3000} "];
        for s in hostile()
            .into_iter()
            .map(|(s, _)| s)
            .chain(extra.map(str::to_owned))
        {
            let once = sanitize_component(&s);
            assert_eq!(sanitize_component(&once), once, "{s:?}");
            assert!(!once.is_empty());
            assert!(!once.contains(['/', '\\', '\0']));
            assert!(!once.starts_with(['.', ' ']) && !once.ends_with(['.', ' ']));
            assert!(!is_windows_reserved(&once), "{once:?}");
        }
    }

    #[test]
    fn absolute_templates_split_at_the_typed_folder() {
        let t = Template::parse("/videos/x/%(id)s.%(ext)s").unwrap();
        let (root, rest) = t.absolute_split().unwrap();
        assert_eq!(root, PathBuf::from("/videos/x/"));
        assert_eq!(
            rest.render(&post()).unwrap(),
            PathBuf::from("7608826249200356630.mp4")
        );
        let t = Template::parse("/%(id)s-%%.%(ext)s").unwrap();
        let (root, rest) = t.absolute_split().unwrap();
        assert_eq!(root, PathBuf::from("/"));
        assert_eq!(
            rest.render(&post()).unwrap(),
            PathBuf::from("7608826249200356630-%.mp4")
        );
        // Relative templates, and a field whose value starts with `/`, are not absolute.
        assert!(
            Template::parse("a/%(id)s")
                .unwrap()
                .absolute_split()
                .is_none()
        );
        assert!(
            Template::parse("%(title)s")
                .unwrap()
                .absolute_split()
                .is_none()
        );
    }
}
