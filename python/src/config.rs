//! The handler's `config` and `auth_info` dictionaries -> [`tikdl::Config`].
//!
//! Every key maps onto a setting the `tikdl` binary also has (the config file's table in
//! `src/config.rs`): the values go into a [`Layer`] and through [`Settings`], so the same
//! checks and defaults apply. An unknown key is a `ValueError` naming it (a typo must never be
//! ignored). No error message quotes a value that could be a secret (a cookie, a header value,
//! a proxy password).

use std::path::PathBuf;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

use tikdl::config::{Layer, Settings};
use tikdl::net::cookies::Cookie;
use tikdl::net::http::{CustomHeader, HttpConfig, ProxyUrl, UserAgent};

/// The top-level keys, then each section's.
const TOP: &[&str] = &[
    "enable_caching",
    "cache_ttl",
    "cache_max_size",
    "cache_dir",
    "enable_concurrent_processing",
    "max_concurrent_operations",
    "request_timeout",
    "retry_attempts",
    "retry_backoff",
    "download_rate_limit",
    "ca_cert",
    "session_config",
    "headers_config",
    "proxy_config",
    "rate_limit_config",
    // Keys of the handler document that have nothing to set in tikdl: accepted so that its
    // examples run, and documented as such (python/README.md).
    "enable_authentication",
    "connection_pool_size",
];
const SESSION: &[&str] = &["cookies_file", "session_timeout", "auto_refresh"];
const HEADERS: &[&str] = &[
    "user_agent",
    "user_agent_rotation",
    "rotation_interval",
    "custom_headers",
];
const PROXY: &[&str] = &["enabled", "proxy_url", "rotation_enabled", "proxy_urls"];
const RATE: &[&str] = &[
    "enabled",
    "requests_per_minute",
    "burst_limit",
    "cooldown_period",
    "adaptive_limiting",
];
const AUTH: &[&str] = &["cookies_file", "session_token", "api_key"];

/// What a handler is built from, plus what is not part of [`tikdl::Config`].
pub struct Built {
    pub config: tikdl::Config,
    /// `download_rate_limit`: bytes per second per file.
    pub rate_limit: Option<u64>,
    /// The effective settings as `tikdl config show` prints them (secrets redacted).
    pub shown: String,
    /// Which credential `auth_info` gave (never its value).
    pub auth: Option<&'static str>,
}

fn bad(key: &str, what: &str) -> PyErr {
    PyValueError::new_err(format!("config key '{key}': {what}"))
}

/// `ValueError` for a key not in `known`, with the closest known key when one is close.
fn unknown(key: &str, section: &str, known: &[&str]) -> PyErr {
    let full = if section.is_empty() {
        key.to_owned()
    } else {
        format!("{section}.{key}")
    };
    let near = known
        .iter()
        .map(|k| (distance(k, key), *k))
        .min()
        .filter(|(d, _)| *d <= 3)
        .map(|(_, k)| format!(" (did you mean '{k}'?)"))
        .unwrap_or_default();
    PyValueError::new_err(format!(
        "unknown config key '{full}'{near}; known keys: {}",
        known.join(", ")
    ))
}

/// Levenshtein distance (short keys only).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// The (key, value) pairs of a dict whose keys are all strings in `known`.
fn entries<'py>(
    v: &Bound<'py, PyAny>,
    section: &str,
    known: &[&str],
) -> PyResult<Vec<(String, Bound<'py, PyAny>)>> {
    let what = if section.is_empty() {
        "config"
    } else {
        section
    };
    let dict = v
        .cast::<PyDict>()
        .map_err(|_| PyValueError::new_err(format!("{what} must be a dict")))?;
    let mut out = Vec::with_capacity(dict.len());
    for (k, val) in dict.iter() {
        let key: String = k
            .extract()
            .map_err(|_| PyValueError::new_err(format!("{what}: keys must be strings")))?;
        if !known.contains(&key.as_str()) {
            return Err(unknown(&key, section, known));
        }
        out.push((key, val));
    }
    Ok(out)
}

fn boolean(key: &str, v: &Bound<PyAny>) -> PyResult<bool> {
    v.extract::<bool>()
        .map_err(|_| bad(key, "must be True or False"))
}

/// A whole number (a bool is refused, though Python counts it as an int).
fn int<T: TryFrom<i128>>(key: &str, v: &Bound<PyAny>) -> PyResult<T> {
    if v.is_instance_of::<pyo3::types::PyBool>() {
        return Err(bad(key, "must be a whole number, not a bool"));
    }
    let n: i128 = v
        .extract()
        .map_err(|_| bad(key, "must be a whole number"))?;
    T::try_from(n).map_err(|_| bad(key, &format!("is out of range ({n})")))
}

/// Seconds: a finite, non-negative int or float.
fn secs(key: &str, v: &Bound<PyAny>) -> PyResult<f64> {
    if v.is_instance_of::<pyo3::types::PyBool>() {
        return Err(bad(key, "must be a number of seconds, not a bool"));
    }
    let n: f64 = v
        .extract()
        .map_err(|_| bad(key, "must be a number of seconds"))?;
    if n.is_finite() && n >= 0.0 && std::time::Duration::try_from_secs_f64(n).is_ok() {
        Ok(n)
    } else {
        Err(bad(key, "must be a non-negative number of seconds"))
    }
}

fn string(key: &str, v: &Bound<PyAny>) -> PyResult<String> {
    v.extract::<String>().map_err(|_| bad(key, "must be a str"))
}

/// A `str` or `os.PathLike`, `~` expanded.
fn path(key: &str, v: &Bound<PyAny>) -> PyResult<PathBuf> {
    let p: PathBuf = v
        .extract()
        .map_err(|_| bad(key, "must be a path (str or os.PathLike)"))?;
    if p.as_os_str().is_empty() {
        return Err(bad(key, "must not be empty"));
    }
    match p.to_str() {
        Some(s) => tikdl::config::expand_home(s).map_err(|e| bad(key, &e.to_string())),
        None => Ok(p),
    }
}

/// One path or a list of them.
fn paths(key: &str, v: &Bound<PyAny>) -> PyResult<Vec<PathBuf>> {
    if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
        v.try_iter()?.map(|p| path(key, &p?)).collect()
    } else {
        Ok(vec![path(key, v)?])
    }
}

fn proxy(key: &str, v: &Bound<PyAny>) -> PyResult<ProxyUrl> {
    // The parser's reason shows the URL with its password redacted.
    string(key, v)?
        .parse::<ProxyUrl>()
        .map_err(|why| bad(key, &why))
}

/// `bytes/s` as an int, or `"500K"`, `"8M"`, `"1.5G"`.
pub fn rate(key: &str, v: &Bound<PyAny>) -> PyResult<u64> {
    if v.is_instance_of::<PyString>() {
        let s = string(key, v)?;
        return tikdl::save::download::parse_rate(&s).ok_or_else(|| {
            bad(
                key,
                &format!("{s:?} is not a rate (bytes per second: 1048576, \"500K\", \"8M\")"),
            )
        });
    }
    let n: u64 = int(key, v)?;
    if n == 0 {
        return Err(bad(key, "must be at least 1 byte per second (or None)"));
    }
    Ok(n)
}

/// Reads `config` and `auth_info`.
pub fn build(config: Option<&Bound<PyAny>>, auth: Option<&Bound<PyAny>>) -> PyResult<Built> {
    let mut layer = Layer::default();
    let mut base = HttpConfig::default();
    let mut rate_limit = None;
    let mut sequential = false;
    let mut proxy_enabled: Option<bool> = None;
    let mut proxy_urls: Vec<ProxyUrl> = Vec::new();
    let mut pacing: Option<bool> = None;
    let mut auth_kind = None;

    if let Some(config) = config.filter(|c| !c.is_none()) {
        for (key, v) in entries(config, "", TOP)? {
            let k = key.as_str();
            match k {
                "enable_caching" => layer.enable_caching = Some(boolean(k, &v)?),
                "cache_ttl" => layer.cache_ttl = Some(int(k, &v)?),
                "cache_max_size" => layer.cache_max_size = Some(int(k, &v)?),
                "cache_dir" => layer.cache_dir = Some(path(k, &v)?),
                "enable_concurrent_processing" => sequential = !boolean(k, &v)?,
                "max_concurrent_operations" => {
                    let n: u16 = int(k, &v)?;
                    if !(1..=64).contains(&n) {
                        return Err(bad(k, "must be between 1 and 64"));
                    }
                    layer.max_concurrent_operations = Some(n);
                }
                "request_timeout" => {
                    let t = secs(k, &v)?;
                    if t == 0.0 {
                        return Err(bad(k, "must be more than 0 seconds"));
                    }
                    layer.request_timeout = Some(t);
                }
                "retry_attempts" => layer.retry_attempts = Some(int(k, &v)?),
                "retry_backoff" => layer.retry_backoff = Some(secs(k, &v)?),
                "download_rate_limit" if v.is_none() => rate_limit = None,
                "download_rate_limit" => rate_limit = Some(rate(k, &v)?),
                "ca_cert" if v.is_none() => base.ca_certs.clear(),
                "ca_cert" => base.ca_certs = paths(k, &v)?,
                "session_config" => {
                    for (name, v) in entries(&v, k, SESSION)? {
                        let key = format!("{k}.{name}");
                        match name.as_str() {
                            "cookies_file" if v.is_none() => layer.cookies_file = None,
                            "cookies_file" => layer.cookies_file = Some(path(&key, &v)?),
                            // tikdl reads the cookies once per handler and never writes them:
                            // there is no session to time out or refresh.
                            "session_timeout" => drop(secs(&key, &v)?),
                            _ => drop(boolean(&key, &v)?),
                        }
                    }
                }
                "headers_config" => {
                    for (name, v) in entries(&v, k, HEADERS)? {
                        let key = format!("{k}.{name}");
                        match name.as_str() {
                            "user_agent" => {
                                let ua = string(&key, &v)?
                                    .parse::<UserAgent>()
                                    .map_err(|why| bad(&key, &why))?;
                                layer.user_agent = Some(ua);
                            }
                            "user_agent_rotation" => {
                                layer.user_agent_rotation = Some(boolean(&key, &v)?)
                            }
                            "rotation_interval" => {
                                let n: u32 = int(&key, &v)?;
                                if n == 0 {
                                    return Err(bad(&key, "must be at least 1"));
                                }
                                layer.rotation_interval = Some(n);
                            }
                            _ => layer.custom_headers = Some(headers(&key, &v)?),
                        }
                    }
                }
                "proxy_config" => {
                    for (name, v) in entries(&v, k, PROXY)? {
                        let key = format!("{k}.{name}");
                        match name.as_str() {
                            "enabled" => proxy_enabled = Some(boolean(&key, &v)?),
                            "rotation_enabled" => layer.proxy_rotation = Some(boolean(&key, &v)?),
                            "proxy_url" if v.is_none() => {}
                            "proxy_url" => proxy_urls.insert(0, proxy(&key, &v)?),
                            _ => {
                                // One URL given bare would be iterated as its characters.
                                if v.is_instance_of::<pyo3::types::PyString>() {
                                    return Err(bad(
                                        &key,
                                        "must be a list of proxy URLs, not one str",
                                    ));
                                }
                                let list = v
                                    .try_iter()
                                    .map_err(|_| bad(&key, "must be a list of proxy URLs"))?;
                                for item in list {
                                    proxy_urls.push(proxy(&key, &item?)?);
                                }
                            }
                        }
                    }
                }
                "rate_limit_config" => {
                    for (name, v) in entries(&v, k, RATE)? {
                        let key = format!("{k}.{name}");
                        match name.as_str() {
                            "enabled" => pacing = Some(boolean(&key, &v)?),
                            "requests_per_minute" => {
                                layer.requests_per_minute = Some(int(&key, &v)?)
                            }
                            "burst_limit" => layer.burst_limit = Some(int(&key, &v)?),
                            "cooldown_period" => layer.cooldown_period = Some(int(&key, &v)?),
                            _ => layer.adaptive_limiting = Some(boolean(&key, &v)?),
                        }
                    }
                }
                "enable_authentication" => drop(boolean(k, &v)?),
                _ => drop(int::<u32>(k, &v)?),
            }
        }
    }

    if let Some(auth) = auth.filter(|a| !a.is_none()) {
        for (name, v) in entries(auth, "auth_info", AUTH)? {
            let key = format!("auth_info.{name}");
            match name.as_str() {
                "cookies_file" => {
                    layer.cookies_file = Some(path(&key, &v)?);
                    auth_kind = Some("cookies_file");
                }
                "session_token" => {
                    let token = v.extract::<String>().map_err(|_| {
                        PyValueError::new_err("auth_info.session_token must be a str")
                    })?;
                    if token.is_empty() || token.chars().any(|c| c.is_control() || c == ';') {
                        return Err(PyValueError::new_err(
                            "auth_info.session_token is not a cookie value (empty, or has a ';' \
                             or a control character)",
                        ));
                    }
                    base.cookies.extend(session_cookies(&token));
                    auth_kind = Some("session_token");
                }
                // TikTok's web pages take no API key: nothing to send it to.
                _ => drop(string(&key, &v)?),
            }
        }
    }

    // A proxy URL given is used unless `enabled` says otherwise: traffic meant for a proxy must
    // not leave directly because a flag was left out.
    if proxy_enabled.unwrap_or(!proxy_urls.is_empty()) {
        if proxy_urls.is_empty() {
            return Err(bad(
                "proxy_config.enabled",
                "is True but no proxy_url or proxy_urls is given",
            ));
        }
        layer.proxy_urls = Some(proxy_urls);
    }
    if pacing == Some(false) {
        layer.requests_per_minute = Some(0);
    }
    if sequential {
        layer.max_concurrent_operations = Some(1);
    }

    let settings = Settings::resolve(None, &layer);
    let http = settings
        .http_config(base)
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok(Built {
        config: tikdl::Config {
            http,
            max_concurrent_operations: usize::from(settings.max_concurrent_operations.value),
            cache: settings.cache_config(),
        },
        rate_limit,
        shown: format!(
            "{}\n[python]\ndownload_rate_limit = {}\n",
            settings.render(),
            rate_limit.map_or("none".to_owned(), |r| r.to_string())
        ),
        auth: auth_kind,
    })
}

/// `{"Name": "value"}` -> headers. The reason never quotes the value.
fn headers(key: &str, v: &Bound<PyAny>) -> PyResult<Vec<CustomHeader>> {
    let mut list = Vec::new();
    for (name, value) in entries_any(key, v)? {
        let hkey = format!("{key}.{name}");
        let value = string(&hkey, &value)?;
        let header = format!("{name}: {value}")
            .parse::<CustomHeader>()
            .map_err(|why| bad(&hkey, &format!("is not a valid HTTP header: {why}")))?;
        list.push(header);
    }
    Ok(list)
}

/// A dict's (str key, value) pairs, any key.
fn entries_any<'py>(
    key: &str,
    v: &Bound<'py, PyAny>,
) -> PyResult<Vec<(String, Bound<'py, PyAny>)>> {
    let dict = v
        .cast::<PyDict>()
        .map_err(|_| bad(key, "must be a dict of header name -> value"))?;
    dict.iter()
        .map(|(k, v)| {
            let k: String = k
                .extract()
                .map_err(|_| bad(key, "header names must be str"))?;
            Ok((k, v))
        })
        .collect()
}

/// TikTok's login cookies for a session token: `sessionid` and its twin `sessionid_ss`, both on
/// `.tiktok.com` (TikTokLive `TikTokLive/client/web/web_base.py` `set_session` sets exactly these
/// two from one session id).
fn session_cookies(token: &str) -> [Cookie; 2] {
    ["sessionid", "sessionid_ss"].map(|name| Cookie {
        domain: ".tiktok.com".to_owned(),
        include_subdomains: true,
        path: "/".to_owned(),
        secure: true,
        expires: None,
        name: name.to_owned(),
        value: token.to_owned().into(),
        http_only: true,
    })
}
