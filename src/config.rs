//! The configuration file (`config.toml`) and how it layers with flags: a flag beats the file,
//! the file beats the built-in default, and [`Settings`] remembers which one won for each key
//! (`tikdl config show`).
//!
//! Keys mirror the handler's configuration dictionary:
//!
//! ```toml
//! enable_caching = true
//! cache_ttl = 1800                  # seconds
//! cache_max_size = 1000             # entries
//! max_concurrent_operations = 5
//! request_timeout = 30.0            # seconds
//! retry_attempts = 3
//! retry_backoff = 1.0               # seconds
//!
//! [rate_limit]
//! requests_per_minute = 60
//! burst_limit = 10
//! cooldown_period = 300             # seconds
//! adaptive_limiting = true
//!
//! [proxy]
//! urls = ["socks5h://127.0.0.1:9050"]
//! rotation_enabled = true
//!
//! [headers]
//! user_agent_rotation = false
//! rotation_interval = 10            # page requests
//! custom_headers = { "Accept-Language" = "fr-FR" }   # page/API requests to *.tiktok.com only
//! # "HOST:Name" = "value" sends a header to that one host instead (see README, Network safety)
//!
//! [session]
//! cookies_file = "cookies.txt"      # relative to this file's folder
//! cookies_from_browser = "firefox"  # BROWSER[+KEYRING][:PROFILE][::CONTAINER]
//!
//! [download]
//! break_on_existing = true          # batch with --download-archive: see --break-on-existing
//! output = "%(uploader)s/%(id)s.%(ext)s"
//! quality = "720p"
//! codec = "h264"
//! ```
//!
//! The file is read by walking toml's spanned tree rather than through serde, so that an
//! unknown key is a warning (with its line) and a bad value an error naming the key and line.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::batch::filter::MatchFilters;
use crate::fetch::cache::{self, CacheConfig};
use crate::net::browser_cookies::BrowserSpec;
use crate::net::http::{CustomHeader, HttpConfig, ProxyUrl, UserAgent};
use crate::net::ratelimit::PaceConfig;
use crate::net::retry::RetryPolicy;
use crate::save::select::{CodecPref, FormatSelector, FormatSort, Quality};
use crate::save::template::Template;

/// `tikdl/config.toml` in the user's config folder (`~/.config/tikdl/config.toml` on Linux).
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "tikdl").map(|d| d.config_dir().join("config.toml"))
}

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    // Not a `source` (the cause is already in the message): `{:#}` would print it twice.
    #[error("cannot read the config file {}: {error}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// The file is not TOML.
    #[error("{}: line {line}: not valid TOML: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// Where.
        line: usize,
        /// What the TOML reader says.
        message: String,
    },
    /// A key's value is not what the key takes.
    #[error("{}: line {line}: `{key}` {message}", path.display())]
    Value {
        /// The file.
        path: PathBuf,
        /// The key (`section.name`).
        key: String,
        /// Where.
        line: usize,
        /// What is wrong with the value.
        message: String,
    },
    /// A flag (or flag + file combination) that makes no sense, e.g. a negative timeout.
    #[error("{0}")]
    Invalid(String),
}

/// A key the file has that tikdl does not know (a typo, usually): reported, not fatal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownKey {
    /// The file.
    pub path: PathBuf,
    /// The key (`section.name`).
    pub key: String,
    /// Where.
    pub line: usize,
}

impl fmt::Display for UnknownKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: line {}: unknown key `{}` (ignored)",
            self.path.display(),
            self.line,
            self.key
        )
    }
}

/// The config keys, one row each: the field (in [`Layer`] and [`Settings`]; `opt` when unset is
/// a value of its own), its type and built-in default, its place in the file (section, name), how
/// the file's value is read (a [`Parser`] method, which checks it and names the line), and how
/// `config show` prints it (a [`show`] function). Layering, the file reader, `config show` and
/// the help text's defaults ([`default_text`], checked by a test of the binary) all come from
/// here: adding a key is one row (plus its flag in the binary's `options.rs`, if it has one).
macro_rules! config_keys {
    ($(
        $(#[$doc:meta])*
        $field:ident: $mode:ident $ty:ty = $default:expr;
            $section:literal $name:literal, read $read:ident, show $show:ident;
    )*) => {
        /// Values set in one place (the file, or the flags); `None` = not set there.
        #[derive(Debug, Clone, Default)]
        pub struct Layer {
            $( $(#[$doc])* #[doc = key_doc!($section $name)] pub $field: Option<$ty>, )*
        }

        /// The effective configuration: every key with its value and where the value came from.
        #[derive(Debug, Clone)]
        pub struct Settings {
            /// The file that was read, if any.
            pub file: Option<PathBuf>,
            /// The line of each key the file set (`section.name`), for errors found later.
            file_lines: Vec<(String, usize)>,
            $( $(#[$doc])* #[doc = key_doc!($section $name)] pub $field: Setting<setting_ty!($mode $ty)>, )*
        }

        impl Settings {
            /// Each key: the flag if given, else the file's value, else the default.
            fn pick_all(flags: &Layer, file: &Layer) -> Self {
                Settings {
                    file: None,
                    file_lines: Vec::new(),
                    $( $field: pick(
                        &lift!($mode, flags.$field),
                        &lift!($mode, file.$field),
                        $default,
                    ), )*
                }
            }

            /// (section, name, value as TOML or `None` when unset, source), in table order.
            fn rows(&self) -> Vec<(&'static str, &'static str, Option<String>, Source)> {
                vec![$( ($section, $name, show::$show(&self.$field.value), self.$field.source), )*]
            }
        }

        /// The file's sections (`""` is the top level).
        const SECTIONS: &[&str] = &[$($section),*];

        impl Parser<'_> {
            /// Reads the known key `section.name` (`key` is how errors name it); `false` when
            /// there is no such key.
            fn key(&mut self, section: &str, name: &str, key: &str, v: &Val) -> Result<bool, ConfigError> {
                match (section, name) {
                    $( ($section, $name) => self.layer.$field = Some(self.$read(key, v)?), )*
                    _ => return Ok(false),
                }
                self.lines.push((key.to_owned(), line_of(self.text, v.span().start)));
                Ok(true)
            }
        }
    };
}

/// A key's value type in [`Settings`]: `opt` keys keep "unset" as a value.
macro_rules! setting_ty {
    (val $ty:ty) => { $ty };
    (opt $ty:ty) => { Option<$ty> };
}

/// A [`Layer`] value as a [`Settings`] value.
/// Where a key is in the config file, as its fields' docs say it.
macro_rules! key_doc {
    ("" $name:literal) => {
        concat!("`", $name, "` in the config file.")
    };
    ($section:literal $name:literal) => {
        concat!(
            "`",
            $name,
            "` in the config file's `[",
            $section,
            "]` section."
        )
    };
}

macro_rules! lift {
    (val, $v:expr) => {
        $v.clone()
    };
    (opt, $v:expr) => {
        $v.clone().map(Some)
    };
}

config_keys! {
    enable_caching: val bool = true;
        "" "enable_caching", read boolean, show plain;
    cache_dir: opt PathBuf = CacheConfig::default_dir();
        "" "cache_dir", read path_value, show path;
    cache_ttl: val u64 = cache::DEFAULT_TTL.as_secs();
        "" "cache_ttl", read int, show plain;
    cache_max_size: val usize = cache::DEFAULT_MAX_ENTRIES;
        "" "cache_max_size", read int, show plain;
    max_concurrent_operations: val u16 = crate::DEFAULT_JOBS;
        "" "max_concurrent_operations", read jobs, show plain;
    request_timeout: val f64 = HttpConfig::default().timeout.as_secs_f64();
        "" "request_timeout", read timeout_secs, show float;
    retry_attempts: val u32 = HttpConfig::default().retry.retries;
        "" "retry_attempts", read int, show plain;
    retry_backoff: val f64 = HttpConfig::default().retry.backoff.as_secs_f64();
        "" "retry_backoff", read secs, show float;
    requests_per_minute: val u32 = PaceConfig::default().per_minute;
        "rate_limit" "requests_per_minute", read int, show plain;
    burst_limit: val u32 = PaceConfig::default().burst;
        "rate_limit" "burst_limit", read int, show plain;
    cooldown_period: val u64 = PaceConfig::default().cooldown.as_secs();
        "rate_limit" "cooldown_period", read int, show plain;
    adaptive_limiting: val bool = PaceConfig::default().adaptive;
        "rate_limit" "adaptive_limiting", read boolean, show plain;
    proxy_urls: val Vec<ProxyUrl> = Vec::new();
        "proxy" "urls", read proxy_urls, show proxy_urls;
    proxy_rotation: val bool = HttpConfig::default().proxy_rotation;
        "proxy" "rotation_enabled", read boolean, show plain;
    user_agent: opt UserAgent = None;
        "headers" "user_agent", read user_agent, show text;
    user_agent_rotation: val bool = false;
        "headers" "user_agent_rotation", read boolean, show plain;
    rotation_interval: val u32 = DEFAULT_ROTATION_INTERVAL;
        "headers" "rotation_interval", read interval, show plain;
    /// Flags add to the file's headers rather than replace them.
    custom_headers: val Vec<CustomHeader> = Vec::new();
        "headers" "custom_headers", read custom_headers, show headers;
    cookies_file: opt PathBuf = None;
        "session" "cookies_file", read path_value, show path;
    /// `batch --break-on-existing` (takes effect with `--download-archive`).
    break_on_existing: val bool = false;
        "download" "break_on_existing", read boolean, show plain;
    output: val Template = Template::default();
        "download" "output", read output_template, show quoted;
    quality: val Quality = Quality::default();
        "download" "quality", read parsed, show quoted;
    codec: val CodecPref = CodecPref::default();
        "download" "codec", read parsed, show quoted;
    embed_metadata: val bool = false;
        "download" "embed_metadata", read boolean, show plain;
    embed_thumbnail: val bool = false;
        "download" "embed_thumbnail", read boolean, show plain;
    /// `-P`: the base folder.
    paths: val PathBuf = PathBuf::from(".");
        "download" "paths", read paths_value, show dir;
    /// `--limit-rate`, bytes per second (a number, or text such as "500K").
    limit_rate: opt u64 = None;
        "download" "limit_rate", read rate, show maybe;
    low_speed_limit: val u64 = crate::net::http::LOW_SPEED_LIMIT;
        "download" "low_speed_limit", read int, show plain;
    low_speed_time: val u64 = crate::net::http::LOW_SPEED_TIME.as_secs();
        "download" "low_speed_time", read interval_u64, show plain;
    write_subs: val bool = false;
        "download" "write_subs", read boolean, show plain;
    /// `--sub-langs`: an array of codes or prefixes (or one comma-separated string).
    sub_langs: val Vec<String> = Vec::new();
        "download" "sub_langs", read list, show strings;
    write_info_json: val bool = false;
        "download" "write_info_json", read boolean, show plain;
    write_thumbnail: val bool = false;
        "download" "write_thumbnail", read boolean, show plain;
    audio_only: val bool = false;
        "download" "audio_only", read boolean, show plain;
    no_audio: val bool = false;
        "download" "no_audio", read boolean, show plain;
    force_overwrites: val bool = false;
        "download" "force_overwrites", read boolean, show plain;
    no_progress: val bool = false;
        "download" "no_progress", read boolean, show plain;
    quiet: val bool = false;
        "download" "quiet", read boolean, show plain;
    download_archive: opt PathBuf = None;
        "download" "download_archive", read path_value, show path;
    failed_file: opt PathBuf = None;
        "download" "failed_file", read path_value, show path;
    break_per_input: val bool = false;
        "download" "break_per_input", read boolean, show plain;
    /// `--ca-cert`: PEM bundles trusted besides the built-in roots.
    ca_cert: val Vec<PathBuf> = Vec::new();
        "" "ca_cert", read path_list, show paths;
    connect_to: val Vec<String> = Vec::new();
        "" "connect_to", read connect_rules, show strings;
    /// `--no-check-certificate` (`config show` marks it unsafe when on).
    no_check_certificate: val bool = false;
        "" "no_check_certificate", read boolean, show plain;
    sleep_interval: opt f64 = None;
        "download" "sleep_interval", read secs, show maybe_float;
    max_sleep_interval: opt f64 = None;
        "download" "max_sleep_interval", read secs, show maybe_float;
    /// `--exec`: commands run after each post is saved.
    exec: val Vec<String> = Vec::new();
        "download" "exec", read exec_list, show strings;
    /// `--cookies-from-browser BROWSER[+KEYRING][:PROFILE][::CONTAINER]`.
    cookies_from_browser: opt BrowserSpec = None;
        "session" "cookies_from_browser", read parsed, show text;
    restrict_filenames: val bool = false;
        "download" "restrict_filenames", read boolean, show plain;
    windows_filenames: val bool = false;
        "download" "windows_filenames", read boolean, show plain;
    /// 0: no limit.
    trim_filenames: val usize = 0;
        "download" "trim_filenames", read int, show plain;
    /// A string, or an array of them (a post passing any one is taken).
    match_filter: val MatchFilters = MatchFilters::default();
        "download" "match_filter", read match_filters, show match_filters;
    /// `-f`; unset, `quality` decides.
    format: val FormatSelector = FormatSelector::default();
        "download" "format", read parsed, show quoted;
    format_sort: val FormatSort = FormatSort::default();
        "download" "format_sort", read parsed, show quoted;
}

/// The built-in default of `key` (`name` or `section.name`) as `config show` prints it (strings
/// without their quotes): what the help text names as `[default: ...]`.
pub fn default_text(key: &str) -> Option<String> {
    let (section, name) = key.rsplit_once('.').unwrap_or(("", key));
    Settings::resolve(None, &Layer::default())
        .rows()
        .into_iter()
        .find(|(s, n, ..)| *s == section && *n == name)
        .and_then(|(_, _, v, _)| v)
        .map(|v| v.trim_matches('"').to_owned())
}

/// Largest config file read (a real one is a few hundred bytes).
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// A parsed config file.
#[derive(Debug, Clone)]
pub struct FileConfig {
    /// The file.
    pub path: PathBuf,
    /// The values it sets.
    pub layer: Layer,
    /// The keys it has that tikdl does not know (reported, not fatal).
    pub unknown_keys: Vec<UnknownKey>,
    /// The line of each known key it sets (`section.name`).
    pub lines: Vec<(String, usize)>,
}

impl FileConfig {
    /// Reads `path`. With `required` false (the default location), a missing file is `None`.
    pub fn load(path: &Path, required: bool) -> Result<Option<Self>, ConfigError> {
        use std::io::Read;
        let read_err = |error| ConfigError::Read {
            path: path.to_owned(),
            error,
        };
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(read_err(source)),
        };
        // Capped: `--config /dev/zero` or a video passed by mistake must not be read whole.
        let mut bytes = Vec::new();
        file.take(MAX_CONFIG_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(read_err)?;
        if bytes.len() as u64 > MAX_CONFIG_BYTES {
            return Err(ConfigError::Invalid(format!(
                "the config file {} is larger than {} MiB; that is not a tikdl config",
                path.display(),
                MAX_CONFIG_BYTES >> 20
            )));
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            ConfigError::Invalid(format!(
                "the config file {} is not UTF-8 text (invalid byte at offset {})",
                path.display(),
                e.utf8_error().valid_up_to()
            ))
        })?;
        Self::parse(&text, path).map(Some)
    }

    /// Parses the text of the file at `path` (relative paths in it are taken from its folder).
    pub fn parse(text: &str, path: &Path) -> Result<Self, ConfigError> {
        let root = DeTable::parse(text).map_err(|e| ConfigError::Syntax {
            path: path.to_owned(),
            line: e.span().map_or(1, |s| line_of(text, s.start)),
            message: e.message().trim().to_owned(),
        })?;
        let mut p = Parser {
            text,
            path,
            base: path.parent().unwrap_or(Path::new(".")),
            layer: Layer::default(),
            unknown: Vec::new(),
            lines: Vec::new(),
        };
        p.root(root.get_ref())?;
        // Tables iterate in key order; report in file order.
        p.unknown.sort_by_key(|u| u.line);
        Ok(Self {
            path: path.to_owned(),
            layer: p.layer,
            unknown_keys: p.unknown,
            lines: p.lines,
        })
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

type Val<'a> = Spanned<DeValue<'a>>;

struct Parser<'t> {
    text: &'t str,
    path: &'t Path,
    base: &'t Path,
    layer: Layer,
    unknown: Vec<UnknownKey>,
    lines: Vec<(String, usize)>,
}

fn kind(v: &DeValue) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

impl<'t> Parser<'t> {
    fn bad(&self, key: &str, v: &Val, message: String) -> ConfigError {
        ConfigError::Value {
            path: self.path.to_owned(),
            key: key.to_owned(),
            line: line_of(self.text, v.span().start),
            message,
        }
    }

    fn expected(&self, key: &str, v: &Val, what: &str) -> ConfigError {
        let found = kind(v.get_ref());
        self.bad(key, v, format!("must be {what}, not {found}"))
    }

    fn unknown(&mut self, key: String, k: &Spanned<Cow<str>>) {
        self.unknown.push(UnknownKey {
            path: self.path.to_owned(),
            key,
            line: line_of(self.text, k.span().start),
        });
    }

    fn boolean(&self, key: &str, v: &Val) -> Result<bool, ConfigError> {
        match v.get_ref() {
            DeValue::Boolean(b) => Ok(*b),
            _ => Err(self.expected(key, v, "true or false")),
        }
    }

    /// A whole number in `T`'s range (which rules out negatives for unsigned `T`).
    fn int<T: TryFrom<i64>>(&self, key: &str, v: &Val) -> Result<T, ConfigError> {
        let DeValue::Integer(i) = v.get_ref() else {
            return Err(self.expected(key, v, "a whole number"));
        };
        i64::from_str_radix(i.as_str(), i.radix())
            .ok()
            .and_then(|n| T::try_from(n).ok())
            .ok_or_else(|| self.bad(key, v, format!("is out of range ({i})")))
    }

    /// A number of seconds (integer or float), finite and not negative.
    fn secs(&self, key: &str, v: &Val) -> Result<f64, ConfigError> {
        let n = match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                .ok()
                .map(|n| n as f64),
            DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
            _ => return Err(self.expected(key, v, "a number of seconds")),
        };
        match n {
            Some(n) if n.is_finite() && n >= 0.0 && Duration::try_from_secs_f64(n).is_ok() => Ok(n),
            _ => Err(self.bad(key, v, "must be a non-negative number of seconds".into())),
        }
    }

    /// A request timeout: 0 would time every request out at once.
    fn timeout_secs(&self, key: &str, v: &Val) -> Result<f64, ConfigError> {
        match self.secs(key, v)? {
            0.0 => Err(self.bad(key, v, "must be more than 0 seconds".into())),
            n => Ok(n),
        }
    }

    fn string(&self, key: &str, v: &Val) -> Result<String, ConfigError> {
        match v.get_ref() {
            DeValue::String(s) => Ok(s.to_string()),
            _ => Err(self.expected(key, v, "a string")),
        }
    }

    fn path_value(&self, key: &str, v: &Val) -> Result<PathBuf, ConfigError> {
        let s = self.string(key, v)?;
        if s.is_empty() {
            return Err(self.bad(key, v, "must not be empty".into()));
        }
        resolve_path(&s, self.base).map_err(|e| self.bad(key, v, e.to_string()))
    }

    /// `--match-filter`s: one string, or an array of strings.
    fn match_filters(&self, key: &str, v: &Val) -> Result<MatchFilters, ConfigError> {
        let items: Vec<&Val> = match v.get_ref() {
            DeValue::Array(items) => items.iter().collect(),
            _ => vec![v],
        };
        items
            .into_iter()
            .map(|i| self.parsed::<crate::batch::filter::MatchFilter>(key, i))
            .collect::<Result<Vec<_>, _>>()
            .map(MatchFilters::new)
    }

    /// `download.output`, yt-dlp's `default:` taken off (its other `TYPES:` refused).
    fn output_template(&self, key: &str, v: &Val) -> Result<Template, ConfigError> {
        let s = self.string(key, v)?;
        let s = crate::save::prefix::output(&s).map_err(|e| self.bad(key, v, e))?;
        expand_home_template(s)
            .map_err(|e| self.bad(key, v, e.to_string()))?
            .parse::<Template>()
            .map_err(|e| self.bad(key, v, format!("is not valid: {e}")))
    }

    /// `download.paths`, yt-dlp's `home:` taken off (its other `TYPES:` refused).
    fn paths_value(&self, key: &str, v: &Val) -> Result<PathBuf, ConfigError> {
        let s = self.string(key, v)?;
        let s = crate::save::prefix::paths(&s).map_err(|e| self.bad(key, v, e))?;
        if s.is_empty() {
            return Err(self.bad(key, v, "must not be empty".into()));
        }
        resolve_path(s, self.base).map_err(|e| self.bad(key, v, e.to_string()))
    }

    /// `download.exec`, yt-dlp's `after_move:` taken off (its other `WHEN:` refused).
    fn exec_list(&self, key: &str, v: &Val) -> Result<Vec<String>, ConfigError> {
        let items: Vec<&Val> = match v.get_ref() {
            DeValue::Array(items) => items.iter().collect(),
            _ => vec![v],
        };
        items
            .into_iter()
            .map(|i| {
                let s = self.string(key, i)?;
                crate::save::prefix::exec(&s)
                    .map(str::to_owned)
                    .map_err(|e| self.bad(key, i, e))
            })
            .collect()
    }

    fn parsed<T: std::str::FromStr>(&self, key: &str, v: &Val) -> Result<T, ConfigError>
    where
        T::Err: fmt::Display,
    {
        let s = self.string(key, v)?;
        s.parse::<T>()
            .map_err(|e| self.bad(key, v, format!("is not valid: {e}")))
    }

    fn table<'a, 'v>(&self, key: &str, v: &'a Val<'v>) -> Result<&'a DeTable<'v>, ConfigError> {
        match v.get_ref() {
            DeValue::Table(t) => Ok(t),
            _ => Err(self.expected(key, v, "a table")),
        }
    }

    fn root(&mut self, root: &DeTable) -> Result<(), ConfigError> {
        for (k, v) in root.iter() {
            let key = k.get_ref().as_ref();
            if !key.is_empty() && SECTIONS.contains(&key) {
                for (nk, nv) in self.table(key, v)?.iter() {
                    let name = nk.get_ref().as_ref();
                    let full = format!("{key}.{name}");
                    if !self.key(key, name, &full, nv)? {
                        self.unknown(full, nk);
                    }
                }
            } else if !self.key("", key, key, v)? {
                self.unknown(key.to_owned(), k);
            }
        }
        Ok(())
    }

    fn jobs(&self, key: &str, v: &Val) -> Result<u16, ConfigError> {
        let n: u16 = self.int(key, v)?;
        if !(1..=64).contains(&n) {
            return Err(self.bad(key, v, "must be between 1 and 64".into()));
        }
        Ok(n)
    }

    fn proxy_urls(&self, key: &str, v: &Val) -> Result<Vec<ProxyUrl>, ConfigError> {
        let DeValue::Array(items) = v.get_ref() else {
            return Err(self.expected(key, v, "an array of proxy URLs"));
        };
        // The message shows the URL with its password redacted.
        items
            .iter()
            .map(|i| {
                self.string(key, i)?
                    .parse()
                    .map_err(|why| self.bad(key, i, why))
            })
            .collect()
    }

    fn user_agent(&self, key: &str, v: &Val) -> Result<UserAgent, ConfigError> {
        self.string(key, v)?
            .parse()
            .map_err(|why| self.bad(key, v, why))
    }

    fn interval(&self, key: &str, v: &Val) -> Result<u32, ConfigError> {
        let n: u32 = self.int(key, v)?;
        if n == 0 {
            return Err(self.bad(key, v, "must be at least 1".into()));
        }
        Ok(n)
    }

    fn interval_u64(&self, key: &str, v: &Val) -> Result<u64, ConfigError> {
        let n: u64 = self.int(key, v)?;
        if n == 0 {
            return Err(self.bad(key, v, "must be at least 1".into()));
        }
        Ok(n)
    }

    /// Bytes per second: a whole number, or text with a K/M/G suffix as `--limit-rate` takes.
    fn rate(&self, key: &str, v: &Val) -> Result<u64, ConfigError> {
        match v.get_ref() {
            DeValue::Integer(_) => self.int(key, v),
            DeValue::String(s) => crate::save::download::parse_rate(s).ok_or_else(|| {
                self.bad(
                    key,
                    v,
                    format!("{s:?} is not a rate (examples: 500K, 2M, 1048576)"),
                )
            }),
            _ => Err(self.expected(key, v, "a rate such as \"500K\" or a number")),
        }
    }

    /// An array of strings, or one string split at its commas (as the flag takes it).
    fn list(&self, key: &str, v: &Val) -> Result<Vec<String>, ConfigError> {
        if let DeValue::String(s) = v.get_ref() {
            return Ok(s
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect());
        }
        self.list_whole(key, v)
    }

    /// An array of strings, each taken whole (or one string).
    fn list_whole(&self, key: &str, v: &Val) -> Result<Vec<String>, ConfigError> {
        match v.get_ref() {
            DeValue::String(s) => Ok(vec![s.to_string()]),
            DeValue::Array(items) => items.iter().map(|i| self.string(key, i)).collect(),
            _ => Err(self.expected(key, v, "an array of strings")),
        }
    }

    /// An array of paths (or one), each relative to the file's folder.
    fn path_list(&self, key: &str, v: &Val) -> Result<Vec<PathBuf>, ConfigError> {
        match v.get_ref() {
            DeValue::Array(items) => items.iter().map(|i| self.path_value(key, i)).collect(),
            _ => Ok(vec![self.path_value(key, v)?]),
        }
    }

    /// `--connect-to` rules, each checked here so that a bad one names its line.
    fn connect_rules(&self, key: &str, v: &Val) -> Result<Vec<String>, ConfigError> {
        let rules = self.list_whole(key, v)?;
        for rule in &rules {
            crate::net::http::check_connect_to(rule).map_err(|why| self.bad(key, v, why))?;
        }
        Ok(rules)
    }

    fn custom_headers(&self, key: &str, v: &Val) -> Result<Vec<CustomHeader>, ConfigError> {
        let mut list = Vec::new();
        for (hk, hv) in self.table(key, v)?.iter() {
            let hkey = format!("{key}.{}", hk.get_ref());
            let value = self.string(&hkey, hv)?;
            // A key `HOST:Name` scopes the header to that host (see README). The reason never
            // quotes the value.
            let header = format!("{}: {value}", hk.get_ref())
                .parse()
                .map_err(|why| self.bad(&hkey, hv, format!("is not a valid HTTP header: {why}")))?;
            list.push(header);
        }
        Ok(list)
    }
}

/// `~/x` from the home folder; other relative paths from `base` (the config file's folder).
fn resolve_path(s: &str, base: &Path) -> Result<PathBuf, HomeError> {
    let p = expand_home(s)?;
    Ok(if p.is_absolute() { p } else { base.join(p) })
}

/// A `~` at the start of a path that cannot be put in.
#[derive(Debug, thiserror::Error)]
pub enum HomeError {
    /// `~name`: another user's home is not looked up.
    #[error(
        "`{0}`: only `~` and `~/...` are expanded (to the home folder), not `~name`; write the folder out in full"
    )]
    OtherUser(String),
    /// No home folder is known.
    #[error("`{0}` starts with `~`, but no home folder is known (set HOME)")]
    NoHome(String),
}

/// For `s` = `~` or `~/rest` (`~\rest` on Windows): the home folder and `rest`. `None` for a
/// path without a leading `~`.
fn split_home(s: &str) -> Result<Option<(String, &str)>, HomeError> {
    let Some(rest) = s.strip_prefix('~') else {
        return Ok(None);
    };
    let rest = match rest.chars().next() {
        None => rest,
        Some(c) if std::path::is_separator(c) => rest.trim_start_matches(std::path::is_separator),
        // `~user` would otherwise be a folder named `~user` (yt-dlp's `os.path.expanduser`
        // looks the user up; refusing is as safe and needs no user database).
        Some(_) => return Err(HomeError::OtherUser(s.to_owned())),
    };
    let home = directories::BaseDirs::new()
        .and_then(|b| b.home_dir().to_str().map(str::to_owned))
        .filter(|h| !h.is_empty())
        .ok_or_else(|| HomeError::NoHome(s.to_owned()))?;
    Ok(Some((home, rest)))
}

/// `~` and `~/rest` with the home folder put in, as yt-dlp does for its paths, `-o`, `-P` and
/// its config (`expand_path`: `os.path.expanduser`). A shell expands an unquoted `~` itself;
/// a quoted one (cron lines, config files) would otherwise become a folder named `~`.
pub fn expand_home(s: &str) -> Result<PathBuf, HomeError> {
    Ok(match split_home(s)? {
        Some((home, rest)) => Path::new(&home).join(rest),
        None => PathBuf::from(s),
    })
}

/// [`expand_home`] for an output template: the home folder's own `%` are escaped so they stay
/// text.
pub fn expand_home_template(s: &str) -> Result<Cow<'_, str>, HomeError> {
    Ok(match split_home(s)? {
        Some((home, rest)) => {
            let home = PathBuf::from(home.replace('%', "%%")).join(rest);
            Cow::Owned(home.to_string_lossy().into_owned())
        }
        None => Cow::Borrowed(s),
    })
}

/// Where a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// tikdl's built-in default.
    Default,
    /// The config file.
    File,
    /// A command-line flag.
    Flag,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Source::Default => "default",
            Source::File => "file",
            Source::Flag => "flag",
        })
    }
}

/// One key's effective value.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting<T> {
    /// The value.
    pub value: T,
    /// Where it came from.
    pub source: Source,
}

/// The flag if given, else the file's value, else the default.
fn pick<T: Clone>(flag: &Option<T>, file: &Option<T>, default: T) -> Setting<T> {
    match (flag, file) {
        (Some(v), _) => Setting {
            value: v.clone(),
            source: Source::Flag,
        },
        (None, Some(v)) => Setting {
            value: v.clone(),
            source: Source::File,
        },
        (None, None) => Setting {
            value: default,
            source: Source::Default,
        },
    }
}

/// Page requests between User-Agent changes when rotating and no interval is configured.
pub const DEFAULT_ROTATION_INTERVAL: u32 = 10;

impl Settings {
    /// Layers `flags` over `file` over the defaults.
    pub fn resolve(file: Option<&FileConfig>, flags: &Layer) -> Self {
        let empty = Layer::default();
        let f = file.map_or(&empty, |c| &c.layer);
        let mut settings = Self::pick_all(flags, f);
        settings.file = file.map(|c| c.path.clone());
        settings.file_lines = file.map(|c| c.lines.clone()).unwrap_or_default();
        // Flags add headers to the file's; the flag's source wins the label.
        if let (Some(fl), Some(fi)) = (&flags.custom_headers, &f.custom_headers) {
            settings.custom_headers = Setting {
                value: fi.iter().chain(fl).cloned().collect(),
                source: Source::Flag,
            };
        }
        settings
    }

    fn duration(&self, key: &str, s: &Setting<f64>) -> Result<Duration, ConfigError> {
        Duration::try_from_secs_f64(s.value).map_err(|_| {
            ConfigError::Invalid(format!(
                "{key} ({} {}) must be a non-negative number of seconds",
                s.source, s.value
            ))
        })
    }

    /// The network part, for the handler. `base` carries what has no config key
    /// (`--connect-to`, `--ca-cert`, `--no-check-certificate`). Proxies, headers and the
    /// User-Agent were checked where they were read (flag or file line).
    pub fn http_config(&self, base: HttpConfig) -> Result<HttpConfig, ConfigError> {
        Ok(HttpConfig {
            proxies: self.proxy_urls.value.clone(),
            proxy_rotation: self.proxy_rotation.value,
            cookies_file: self.cookies_file.value.clone(),
            cookies_from_browser: self.cookies_from_browser.value.clone(),
            user_agent: self.user_agent.value.clone(),
            user_agent_rotation: if self.user_agent_rotation.value {
                std::num::NonZeroU32::new(self.rotation_interval.value)
            } else {
                None
            },
            headers: self.custom_headers.value.clone(),
            timeout: self.duration("request_timeout", &self.request_timeout)?,
            retry: RetryPolicy {
                retries: self.retry_attempts.value,
                backoff: self.duration("retry_backoff", &self.retry_backoff)?,
            },
            pace: PaceConfig {
                per_minute: self.requests_per_minute.value,
                burst: self.burst_limit.value,
                cooldown: Duration::from_secs(self.cooldown_period.value),
                adaptive: self.adaptive_limiting.value,
            },
            ..base
        })
    }

    /// The cache, or `None` when it is off (or the system has no cache folder).
    pub fn cache_config(&self) -> Option<CacheConfig> {
        if !self.enable_caching.value {
            return None;
        }
        Some(CacheConfig {
            dir: self.cache_dir.value.clone()?,
            ttl: Duration::from_secs(self.cache_ttl.value),
            max_entries: self.cache_max_size.value,
        })
    }

    /// Where the value of `key` (`name` or `section.name`) came from, when that is the config
    /// file: `FILE: line N: `key``, the start of an error about it found after the file was
    /// read (a file that does not exist, a folder that cannot be made). `None` for a flag's or
    /// a default value.
    pub fn from_file(&self, key: &str) -> Option<String> {
        let (section, name) = key.rsplit_once('.').unwrap_or(("", key));
        let (_, _, _, source) = self
            .rows()
            .into_iter()
            .find(|(s, n, ..)| *s == section && *n == name)?;
        if source != Source::File {
            return None;
        }
        let file = self.file.as_ref()?;
        let line = self
            .file_lines
            .iter()
            .find(|(k, _)| k == key)
            .map_or(0, |(_, l)| *l);
        Some(format!("{}: line {line}: `{key}`", file.display()))
    }

    /// The effective configuration as TOML, each value commented with its source. Secrets (a
    /// proxy's password, Cookie/Authorization header values) are redacted. Each section's keys
    /// are printed together (the top level first), whatever their order in the table.
    pub fn render(&self) -> String {
        let s = self;
        let rows = s.rows();
        let mut out = match &s.file {
            Some(p) => format!("# config file: {}\n", p.display()),
            None => "# config file: none\n".to_owned(),
        };
        let mut sections: Vec<&str> = vec![""];
        for (sec, ..) in &rows {
            if !sections.contains(sec) {
                sections.push(sec);
            }
        }
        for section in sections {
            if !section.is_empty() {
                out.push_str(&format!("\n[{section}]\n"));
            }
            for (_, key, value, source) in rows.iter().filter(|r| r.0 == section) {
                let text = match value {
                    Some(v) => format!("{key} = {v}"),
                    None => format!("# {key} is not set"),
                };
                // A key that turns TLS checks off is never shown as just another setting.
                let mark = if *key == "no_check_certificate" && s.no_check_certificate.value {
                    "  UNSAFE: TLS certificates are not checked"
                } else {
                    ""
                };
                out.push_str(&format!("{text:<48} # {source}{mark}\n"));
            }
        }
        out
    }
}

/// A TOML basic string.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML float (always with a decimal point).
fn float(v: f64) -> String {
    let s = v.to_string();
    if s.contains(['.', 'e', 'E']) {
        s
    } else {
        format!("{s}.0")
    }
}

/// How `config show` prints each kind of value (as TOML; `None` = unset).
mod show {
    use std::fmt;
    use std::path::PathBuf;

    use super::{float as toml_float, quote};
    use crate::net::http::{CustomHeader, ProxyUrl};

    pub fn plain(v: &impl fmt::Display) -> Option<String> {
        Some(v.to_string())
    }

    pub fn float(v: &f64) -> Option<String> {
        Some(toml_float(*v))
    }

    pub fn quoted(v: &impl fmt::Display) -> Option<String> {
        Some(quote(&v.to_string()))
    }

    pub fn text(v: &Option<impl fmt::Display>) -> Option<String> {
        v.as_ref().map(|v| quote(&v.to_string()))
    }

    pub fn path(p: &Option<PathBuf>) -> Option<String> {
        p.as_ref().map(|p| quote(&p.to_string_lossy()))
    }

    pub fn dir(p: &std::path::Path) -> Option<String> {
        Some(quote(&p.to_string_lossy()))
    }

    pub fn paths(list: &[PathBuf]) -> Option<String> {
        let items: Vec<String> = list.iter().map(|p| quote(&p.to_string_lossy())).collect();
        Some(format!("[{}]", items.join(", ")))
    }

    pub fn strings(list: &[String]) -> Option<String> {
        let items: Vec<String> = list.iter().map(|s| quote(s)).collect();
        Some(format!("[{}]", items.join(", ")))
    }

    pub fn maybe(v: &Option<impl fmt::Display>) -> Option<String> {
        v.as_ref().map(|v| v.to_string())
    }

    pub fn maybe_float(v: &Option<f64>) -> Option<String> {
        v.map(toml_float)
    }

    pub fn match_filters(f: &crate::batch::filter::MatchFilters) -> Option<String> {
        let all: Vec<String> = f.sources().map(quote).collect();
        Some(format!("[{}]", all.join(", ")))
    }

    /// Passwords redacted.
    pub fn proxy_urls(urls: &[ProxyUrl]) -> Option<String> {
        let urls: Vec<String> = urls.iter().map(|u| quote(&u.to_string())).collect();
        Some(format!("[{}]", urls.join(", ")))
    }

    /// Every value redacted (any header may carry a token).
    pub fn headers(list: &[CustomHeader]) -> Option<String> {
        let headers: Vec<String> = list
            .iter()
            .map(|h| {
                // Any custom header may carry a token (X-Tt-Token, msToken, an API key): show
                // which headers are set, never their values.
                let v = "(redacted)";
                let key = h.key();
                format!("{} = {}", quote(key), quote(v))
            })
            .collect();
        Some(if headers.is_empty() {
            "{}".to_owned()
        } else {
            format!("{{ {} }}", headers.join(", "))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::save::template;

    fn parse(text: &str) -> Result<FileConfig, ConfigError> {
        FileConfig::parse(text, Path::new("/etc/tikdl/config.toml"))
    }

    #[test]
    fn every_key_is_read() {
        let c = parse(
            r#"
enable_caching = false
cache_dir = "cache"
cache_ttl = 1_000
cache_max_size = 0x10
max_concurrent_operations = 8
request_timeout = 12
retry_attempts = 5
retry_backoff = 0.5

[rate_limit]
requests_per_minute = 30
burst_limit = 2
cooldown_period = 60
adaptive_limiting = false

[proxy]
urls = ["http://a:1", "socks5h://b:2"]
rotation_enabled = false

[headers]
user_agent_rotation = true
rotation_interval = 3
custom_headers = { "X-One" = "1", "Accept-Language" = "fr" }

[session]
cookies_file = "~/cookies.txt"

[download]
output = "%(id)s.%(ext)s"
quality = "720p"
codec = "h265"
"#,
        )
        .unwrap();
        assert!(c.unknown_keys.is_empty(), "{:?}", c.unknown_keys);
        let l = &c.layer;
        assert_eq!(l.enable_caching, Some(false));
        assert_eq!(l.cache_dir.as_deref(), Some(Path::new("/etc/tikdl/cache")));
        assert_eq!((l.cache_ttl, l.cache_max_size), (Some(1000), Some(16)));
        assert_eq!(l.max_concurrent_operations, Some(8));
        assert_eq!(
            (l.request_timeout, l.retry_backoff),
            (Some(12.0), Some(0.5))
        );
        assert_eq!(l.retry_attempts, Some(5));
        assert_eq!((l.requests_per_minute, l.burst_limit), (Some(30), Some(2)));
        assert_eq!(
            (l.cooldown_period, l.adaptive_limiting),
            (Some(60), Some(false))
        );
        assert_eq!(l.proxy_urls.as_ref().unwrap().len(), 2);
        assert_eq!(l.proxy_rotation, Some(false));
        assert_eq!(
            (l.user_agent_rotation, l.rotation_interval),
            (Some(true), Some(3))
        );
        let headers = l.custom_headers.as_ref().unwrap();
        assert!(headers.iter().any(|h| h.key() == "X-One"), "{headers:?}");
        assert!(l.cookies_file.as_ref().unwrap().ends_with("cookies.txt"));
        assert_eq!(l.quality, Some(Quality::Height(720)));
        assert_eq!(l.codec, Some(CodecPref::H265));
        assert_eq!(l.output.as_ref().unwrap().as_str(), "%(id)s.%(ext)s");
    }

    #[test]
    fn unknown_keys_are_named_with_their_line() {
        let c = parse("cache_ttl = 5\ncache_tll = 6\n\n[rate_limit]\nburst = 3\n[nope]\n").unwrap();
        let keys: Vec<(&str, usize)> = c
            .unknown_keys
            .iter()
            .map(|u| (u.key.as_str(), u.line))
            .collect();
        assert_eq!(
            keys,
            [("cache_tll", 2), ("rate_limit.burst", 5), ("nope", 6)]
        );
        assert!(
            c.unknown_keys[0]
                .to_string()
                .contains("line 2: unknown key `cache_tll`")
        );
    }

    #[test]
    fn bad_values_name_key_and_line() {
        for (text, key, line) in [
            ("cache_ttl = \"soon\"", "cache_ttl", 1),
            ("\n\ncache_ttl = -5", "cache_ttl", 3),
            (
                "[rate_limit]\nrequests_per_minute = 1.5",
                "rate_limit.requests_per_minute",
                2,
            ),
            ("request_timeout = -1.0", "request_timeout", 1),
            ("request_timeout = 0", "request_timeout", 1),
            ("request_timeout = 0.0", "request_timeout", 1),
            ("enable_caching = \"yes\"", "enable_caching", 1),
            ("[download]\nquality = \"4k\"", "download.quality", 2),
            ("[download]\noutput = \"%(id\"", "download.output", 2),
            (
                "[headers]\nrotation_interval = 0",
                "headers.rotation_interval",
                2,
            ),
            (
                "[headers]\ncustom_headers = { \"bad name\" = \"x\" }",
                "headers.custom_headers.bad name",
                2,
            ),
            (
                "max_concurrent_operations = 0",
                "max_concurrent_operations",
                1,
            ),
            ("proxy = 3", "proxy", 1),
            ("[download]\npaths = \"temp:/tmp\"", "download.paths", 2),
            ("[download]\noutput = \"thumbnail:x\"", "download.output", 2),
            (
                "[download]\nexec = [\"true\", \"before_dl:x\"]",
                "download.exec",
                2,
            ),
        ] {
            match parse(text) {
                Err(ConfigError::Value {
                    key: k, line: l, ..
                }) => {
                    assert_eq!((k.as_str(), l), (key, line), "{text}")
                }
                other => panic!("{text}: {other:?}"),
            }
        }
        let e = parse("cache_ttl = \"soon\"").unwrap_err().to_string();
        assert!(
            e.contains("line 1") && e.contains("`cache_ttl`") && e.contains("a string"),
            "{e}"
        );
    }

    #[test]
    fn yt_dlp_prefixes_in_the_file_are_taken_off() {
        let text = "[download]\npaths = \"home:dl\"\noutput = \"default:%(id)s.%(ext)s\"\n\
                    exec = \"after_move:echo {}\"";
        let c = parse(text).unwrap();
        let l = &c.layer;
        assert_eq!(l.paths.as_deref(), Some(Path::new("/etc/tikdl/dl")));
        assert_eq!(l.output.as_ref().unwrap().as_str(), "%(id)s.%(ext)s");
        assert_eq!(l.exec.as_deref(), Some(&["echo {}".to_owned()][..]));
    }

    #[test]
    fn syntax_errors_give_the_line() {
        match parse("cache_ttl = 5\n[rate_limit\n") {
            Err(ConfigError::Syntax { line, .. }) => assert_eq!(line, 2),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn flag_beats_file_beats_default() {
        let file =
            parse("cache_ttl = 60\nretry_attempts = 7\n[headers]\ncustom_headers = { A = \"1\" }")
                .unwrap();
        let flags = Layer {
            cache_ttl: Some(5),
            custom_headers: Some(vec!["B: 2".parse().unwrap()]),
            ..Layer::default()
        };
        let s = Settings::resolve(Some(&file), &flags);
        assert_eq!((s.cache_ttl.value, s.cache_ttl.source), (5, Source::Flag));
        assert_eq!(
            (s.retry_attempts.value, s.retry_attempts.source),
            (7, Source::File)
        );
        assert_eq!(
            (s.burst_limit.value, s.burst_limit.source),
            (10, Source::Default)
        );
        let names: Vec<&str> = s.custom_headers.value.iter().map(|h| h.key()).collect();
        assert_eq!(names, ["A", "B"]);
        let shown = s.render();
        assert!(shown.contains("cache_ttl = 5"), "{shown}");
        assert!(
            shown
                .lines()
                .any(|l| l.starts_with("retry_attempts = 7") && l.ends_with("# file")),
            "{shown}"
        );
        assert!(
            shown.contains("[rate_limit]") && shown.contains("[download]"),
            "{shown}"
        );
    }

    #[test]
    fn a_files_value_knows_its_line_and_a_flags_does_not() {
        let file = parse("cache_ttl = 5\n\n[session]\ncookies_file = \"c.txt\"\n").unwrap();
        let flags = Layer {
            cache_ttl: Some(9),
            ..Layer::default()
        };
        let s = Settings::resolve(Some(&file), &flags);
        assert_eq!(
            s.from_file("session.cookies_file").as_deref(),
            Some("/etc/tikdl/config.toml: line 4: `session.cookies_file`")
        );
        // The flag won: the file's line is not where the value came from.
        assert_eq!(s.from_file("cache_ttl"), None);
        assert_eq!(s.from_file("download.paths"), None);
    }

    #[test]
    fn sections_render_whole_whatever_the_table_order() {
        let text = Settings::resolve(None, &Layer::default()).render();
        let headers: Vec<&str> = text.lines().filter(|l| l.starts_with('[')).collect();
        let unique: std::collections::HashSet<&&str> = headers.iter().collect();
        assert_eq!(headers.len(), unique.len(), "{text}");
        let first = text.find("\n[").unwrap();
        assert!(
            text.find("no_check_certificate = ").unwrap() < first,
            "{text}"
        );
    }

    #[test]
    fn default_template_parses() {
        assert_eq!(Template::default().as_str(), template::DEFAULT_TEMPLATE);
    }

    #[test]
    fn rendered_config_is_valid_toml_and_reads_back() {
        let s = Settings::resolve(
            None,
            &Layer {
                proxy_urls: Some(vec!["http://u:secret@h:1".parse().unwrap()]),
                custom_headers: Some(vec![
                    "Cookie: a=b".parse().unwrap(),
                    "X-Y: \"q\"".parse().unwrap(),
                ]),
                ..Layer::default()
            },
        );
        let text = s.render();
        assert!(!text.contains("secret") && !text.contains("a=b"), "{text}");
        let back = parse(&text).unwrap();
        assert!(back.unknown_keys.is_empty(), "{:?}", back.unknown_keys);
        assert_eq!(back.layer.cache_ttl, Some(1800));
    }
}
