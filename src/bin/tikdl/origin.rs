//! Errors about a config file's value found after the file was read (a cookies file that does
//! not exist, an archive that cannot be opened, an output folder that cannot be made): they name
//! the file, the line and the key, as errors found while reading it do, instead of the flag the
//! value stands in for.

use std::fmt;

use tikdl::config::Settings;

/// An error about the value of `key`, set in the config file (`origin` says where).
#[derive(Debug)]
pub struct FromConfig {
    /// `FILE: line N: `key``.
    pub origin: String,
    /// What went wrong with the value.
    pub error: tikdl::Error,
}

impl fmt::Display for FromConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.error)
    }
}

impl std::error::Error for FromConfig {}

/// `result`, its error named after the config file's line when `key`'s value came from there.
pub fn late<T>(
    settings: &Settings,
    key: &str,
    result: Result<T, tikdl::Error>,
) -> anyhow::Result<T> {
    result.map_err(|error| match settings.from_file(key) {
        Some(origin) => anyhow::Error::new(FromConfig { origin, error }),
        None => anyhow::Error::new(error),
    })
}

/// An option as an error about two options names it: the flag (`--sleep-interval 5`), or, when
/// its value came from the config file, that file's line and key (never a flag nobody gave).
/// `value` is the value as given (empty: not shown).
pub fn named(settings: &Settings, key: &str, flag: &str, value: &str) -> String {
    let Some(origin) = settings.from_file(key) else {
        let sep = if value.is_empty() { "" } else { " " };
        return format!("{flag}{sep}{value}");
    };
    // `FILE: line N: `key`` -> `key = value` (FILE: line N).
    let place = origin
        .strip_suffix(&format!(": `{key}`"))
        .unwrap_or(&origin);
    match value {
        "" => format!("`{key}` ({place})"),
        v => format!("`{key} = {v}` ({place})"),
    }
}

/// [`late`] for an error that is not the library's [`tikdl::Error`] (the cache's).
pub fn late_other<T, E>(settings: &Settings, key: &str, result: Result<T, E>) -> anyhow::Result<T>
where
    E: std::error::Error + Send + Sync + 'static,
{
    result.map_err(|error| match settings.from_file(key) {
        Some(origin) => anyhow::anyhow!("{origin}: {error}"),
        None => anyhow::Error::new(error),
    })
}

/// The files the handler reads when it is made (`session.cookies_file`, `ca_cert`), checked
/// first when the config file names them: the handler's own error would name the flag.
pub fn check_files(settings: &Settings) -> anyhow::Result<()> {
    let readable = |path: &std::path::Path, what: &str| -> Result<(), tikdl::Error> {
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => Err(tikdl::Error::Setup(format!(
                "{} is a folder, not {what}",
                path.display()
            ))),
            Ok(_) => std::fs::File::open(path)
                .map(drop)
                .map_err(|e| tikdl::Error::Setup(format!("cannot read {}: {e}", path.display()))),
            Err(e) => Err(tikdl::Error::Setup(format!(
                "cannot read {}: {e}",
                path.display()
            ))),
        }
    };
    // A flag's value is left to the handler, whose error names the flag.
    if let Some(path) = &settings.cookies_file.value
        && settings.from_file("session.cookies_file").is_some()
    {
        late(
            settings,
            "session.cookies_file",
            readable(path, "a cookies.txt file"),
        )?;
    }
    for path in &settings.ca_cert.value {
        if settings.from_file("ca_cert").is_none() {
            break;
        }
        late(settings, "ca_cert", readable(path, "a PEM certificate"))?;
    }
    Ok(())
}

/// The network settings of this run that the config file set, in words for the hint after a
/// network error (`None`: the file set none of them). Proxy passwords are redacted.
pub fn network_origin(settings: &Settings) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(at) = settings.from_file("proxy.urls") {
        let urls: Vec<String> = settings
            .proxy_urls
            .value
            .iter()
            .map(ToString::to_string)
            .collect();
        parts.push(format!("the proxy {} is {at}", urls.join(", ")));
    }
    for key in ["connect_to", "ca_cert", "no_check_certificate"] {
        if let Some(at) = settings.from_file(key) {
            parts.push(format!("{at} is set"));
        }
    }
    (!parts.is_empty()).then(|| {
        format!(
            "from the config file: {} (a flag overrides it)",
            parts.join("; ")
        )
    })
}

/// How `main` reports it (exit 2, like every other configuration error).
pub fn report(e: &FromConfig) {
    let mut text = format!("error: {}", tikdl::terminal::safe(&e.to_string()));
    for s in e.error.suggestions() {
        text.push_str("\n  hint: ");
        text.push_str(&tikdl::terminal::safe(s));
    }
    text.push_str("\n  hint: change that line of the config file, or give the flag to override it");
    crate::output::eprint_line(&text);
}
