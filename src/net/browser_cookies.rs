//! `--cookies-from-browser`: TikTok's cookies read out of a browser's own cookie database
//! (Firefox's `cookies.sqlite`, the `Cookies` database of Chromium and its kin on Linux), handed
//! on as [`Cookie`]s to the same jar the `--cookies` file fills.
//!
//! Only cookies of `tiktok.com` and its subdomains leave the database (the query asks for no
//! others, and each row is checked again); expired ones are dropped. Values are [`Secret`]s and
//! never appear in logs or errors. The database is copied into a private temporary folder first,
//! as a running browser holds it locked (yt-dlp `yt_dlp/cookies.py` `_open_database_copy`).

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use rusqlite::types::ValueRef;

use crate::error::Error;
use crate::net::cookies::Cookie;
use crate::net::redacted::Secret;

/// The browsers whose cookies tikdl reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Browser {
    Firefox,
    Chrome,
    Chromium,
    Brave,
    Edge,
    Vivaldi,
}

impl Browser {
    const ALL: [Browser; 6] = [
        Browser::Brave,
        Browser::Chrome,
        Browser::Chromium,
        Browser::Edge,
        Browser::Firefox,
        Browser::Vivaldi,
    ];

    /// The name as typed (yt-dlp's names).
    pub fn name(self) -> &'static str {
        match self {
            Browser::Firefox => "firefox",
            Browser::Chrome => "chrome",
            Browser::Chromium => "chromium",
            Browser::Brave => "brave",
            Browser::Edge => "edge",
            Browser::Vivaldi => "vivaldi",
        }
    }

    /// The supported names, for messages.
    pub fn supported() -> String {
        Self::ALL.map(Browser::name).join(", ")
    }

    /// A Chromium browser's folder under the config home on Linux (yt-dlp `cookies.py`
    /// `_get_chromium_based_browser_settings`); `None` for Firefox.
    fn chromium_dir(self) -> Option<&'static str> {
        Some(match self {
            Browser::Firefox => return None,
            Browser::Chrome => "google-chrome",
            Browser::Chromium => "chromium",
            Browser::Brave => "BraveSoftware/Brave-Browser",
            Browser::Edge => "microsoft-edge",
            Browser::Vivaldi => "vivaldi",
        })
    }
}

/// Where Chromium on Linux keeps the password of its v11 cookies (yt-dlp `cookies.py`
/// `_LinuxKeyring`, after Chromium's `SelectedLinuxBackend`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyring {
    Kwallet,
    Kwallet5,
    Kwallet6,
    GnomeKeyring,
    BasicText,
}

impl Keyring {
    const ALL: [Keyring; 5] = [
        Keyring::BasicText,
        Keyring::GnomeKeyring,
        Keyring::Kwallet,
        Keyring::Kwallet5,
        Keyring::Kwallet6,
    ];

    fn name(self) -> &'static str {
        match self {
            Keyring::Kwallet => "kwallet",
            Keyring::Kwallet5 => "kwallet5",
            Keyring::Kwallet6 => "kwallet6",
            Keyring::GnomeKeyring => "gnomekeyring",
            Keyring::BasicText => "basictext",
        }
    }
}

/// `BROWSER[+KEYRING][:PROFILE][::CONTAINER]`, yt-dlp's syntax (`yt_dlp/__init__.py`, the
/// `cookiesfrombrowser` pattern): PROFILE is a name or a path (it holds a `/`), CONTAINER a
/// Firefox container's name (`none`: only cookies outside every container).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserSpec {
    pub browser: Browser,
    pub keyring: Option<Keyring>,
    pub profile: Option<String>,
    pub container: Option<String>,
}

impl FromStr for BrowserSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let end = s.find(['+', ':']).unwrap_or(s.len());
        let name = s[..end].trim();
        let mut rest = &s[end..];
        let browser = Browser::ALL
            .into_iter()
            .find(|b| b.name().eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                if name.eq_ignore_ascii_case("safari") || name.eq_ignore_ascii_case("opera") {
                    format!(
                        "cookies from {name} are not supported; supported browsers: {}",
                        Browser::supported()
                    )
                } else {
                    format!(
                        "unknown browser {name:?}; supported browsers: {}",
                        Browser::supported()
                    )
                }
            })?;
        let keyring = match rest.strip_prefix('+') {
            Some(after) => {
                let end = after.find(':').unwrap_or(after.len());
                let k = after[..end].trim();
                rest = &after[end..];
                Some(
                    Keyring::ALL
                        .into_iter()
                        .find(|x| x.name().eq_ignore_ascii_case(k))
                        .ok_or_else(|| {
                            format!(
                                "unknown keyring {k:?}; supported keyrings: {}",
                                Keyring::ALL.map(Keyring::name).join(", ")
                            )
                        })?,
                )
            }
            None => None,
        };
        let (profile, container) = if let Some(c) = rest.strip_prefix("::") {
            (None, Some(c))
        } else if let Some(p) = rest.strip_prefix(':') {
            // The profile is everything up to the first `::` after at least one character.
            match p.get(1..).and_then(|t| t.find("::")) {
                Some(i) => (Some(&p[..i + 1]), Some(&p[i + 3..])),
                None => (Some(p), None),
            }
        } else {
            (None, None)
        };
        let part = |v: Option<&str>, what: &str| -> Result<Option<String>, String> {
            match v.map(str::trim) {
                Some("") => Err(format!("the {what} after ':' is empty")),
                v => Ok(v.map(str::to_owned)),
            }
        };
        let spec = BrowserSpec {
            browser,
            keyring,
            profile: part(profile, "profile")?,
            container: part(container, "container")?,
        };
        if spec.container.is_some() && browser != Browser::Firefox {
            return Err(format!(
                "containers (::CONTAINER) are Firefox's; {} has none",
                browser.name()
            ));
        }
        if spec.keyring.is_some() && browser == Browser::Firefox {
            return Err("a keyring (+KEYRING) is for Chromium browsers; Firefox has none".into());
        }
        Ok(spec)
    }
}

impl fmt::Display for BrowserSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.browser.name())?;
        if let Some(k) = self.keyring {
            write!(f, "+{}", k.name())?;
        }
        if let Some(p) = &self.profile {
            write!(f, ":{p}")?;
        }
        if let Some(c) = &self.container {
            write!(f, "::{c}")?;
        }
        Ok(())
    }
}

/// The user's folders, as the browsers find them.
#[derive(Debug, Clone)]
pub struct Home {
    pub home: PathBuf,
    /// `$XDG_CONFIG_HOME`, else `~/.config`.
    pub config: PathBuf,
}

impl Home {
    /// From the environment (`HOME`, `XDG_CONFIG_HOME`).
    pub fn from_env() -> Result<Self, Error> {
        let home = std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(PathBuf::from)
            .ok_or_else(|| {
                Error::Setup(
                    "--cookies-from-browser: HOME is not set, so no browser profile can be found; \
                     give the profile's folder as BROWSER:PATH"
                        .into(),
                )
            })?;
        let config = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|c| !c.is_empty())
            .map_or_else(|| home.join(".config"), PathBuf::from);
        Ok(Home { home, config })
    }

    fn expand(&self, p: &str) -> PathBuf {
        match p.strip_prefix("~/") {
            Some(rest) => self.home.join(rest),
            None if p == "~" => self.home.clone(),
            None => PathBuf::from(p),
        }
    }
}

/// The TikTok cookies of the browser `spec` names, unexpired.
pub fn read_browser_cookies(spec: &BrowserSpec) -> Result<Vec<Cookie>, Error> {
    read_with_home(spec, &Home::from_env()?)
}

/// [`read_browser_cookies`] with the user's folders given.
pub fn read_with_home(spec: &BrowserSpec, home: &Home) -> Result<Vec<Cookie>, Error> {
    let what = format!("--cookies-from-browser {spec}");
    let db = match spec.browser {
        Browser::Firefox => find_firefox_db(spec, home, &what)?,
        b => find_chromium_db(b, spec, home, &what)?,
    };
    tracing::debug!("{what}: reading {}", db.display());
    let copy = TempCopy::new(&db, &what)?;
    let conn = rusqlite::Connection::open_with_flags(
        copy.db(),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| db_error(&what, &db, &e))?;
    let now = now_secs();
    let cookies = match spec.browser {
        Browser::Firefox => firefox_rows(&conn, spec, &db, &what, now)?,
        _ => chromium_rows(&conn, spec, &db, &what, now)?,
    };
    tracing::debug!(
        "{what}: {} TikTok cookies from {}",
        cookies.len(),
        db.display()
    );
    Ok(cookies)
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The host of a row is TikTok's: `tiktok.com` or a subdomain, with or without the leading
/// dot of a domain cookie.
fn is_tiktok_host(host: &str) -> bool {
    crate::hosts::in_domain(host.strip_prefix('.').unwrap_or(host), "tiktok.com")
}

/// The SQL condition that keeps a browser's other cookies in the database.
fn tiktok_where(column: &str) -> String {
    format!("({column} = 'tiktok.com' OR {column} = '.tiktok.com' OR {column} LIKE '%.tiktok.com')")
}

// ---------------------------------------------------------------------------------------------
// Finding the database

/// Firefox's profile folders on Linux (yt-dlp `cookies.py` `_firefox_browser_dirs`): the XDG
/// place of Firefox 147+, the classic `~/.mozilla/firefox`, Flatpak's two and Snap's.
fn firefox_roots(home: &Home) -> Vec<PathBuf> {
    vec![
        home.config.join("mozilla/firefox"),
        home.home.join(".mozilla/firefox"),
        home.home
            .join(".var/app/org.mozilla.firefox/config/mozilla/firefox"),
        home.home
            .join(".var/app/org.mozilla.firefox/.mozilla/firefox"),
        home.home.join("snap/firefox/common/.mozilla/firefox"),
    ]
}

fn find_firefox_db(spec: &BrowserSpec, home: &Home, what: &str) -> Result<PathBuf, Error> {
    let roots = match spec.profile.as_deref() {
        None => firefox_roots(home),
        Some(p) if is_path(p) => {
            let p = home.expand(p);
            // A cookies.sqlite given itself is taken as it is.
            if p.is_file() {
                return Ok(p);
            }
            vec![p]
        }
        Some(name) => firefox_roots(home)
            .into_iter()
            .flat_map(|root| {
                let mut dirs = profile_ini_paths(&root, name);
                dirs.push(root.join(name));
                dirs
            })
            .collect(),
    };
    // yt-dlp `_firefox_cookie_dbs`: ROOT/cookies.sqlite, ROOT/*/cookies.sqlite and
    // ROOT/Profiles/*/cookies.sqlite; with several, the most recently written one
    // (`_newest`): the profile in use.
    let mut found = Vec::new();
    for root in &roots {
        found.push(root.join("cookies.sqlite"));
        for sub in [root.clone(), root.join("Profiles")] {
            for dir in subdirs(&sub) {
                found.push(dir.join("cookies.sqlite"));
            }
        }
    }
    newest(found).ok_or_else(|| not_found(what, "cookies.sqlite", &roots))
}

/// The folders `profiles.ini` in `root` gives for the profile named `name` (its `Name=`), so
/// that `firefox:default-release` finds `xxxxxxxx.default-release`.
fn profile_ini_paths(root: &Path, name: &str) -> Vec<PathBuf> {
    let Ok(text) = read_small(&root.join("profiles.ini"), 1 << 20) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut section: Vec<(String, String)> = Vec::new();
    let mut flush = |section: &mut Vec<(String, String)>| {
        let get = |k: &str| {
            section
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(k))
                .map(|(_, v)| v.as_str())
        };
        if get("Name") == Some(name)
            && let Some(path) = get("Path")
        {
            let relative = get("IsRelative") != Some("0");
            out.push(if relative {
                root.join(path)
            } else {
                PathBuf::from(path)
            });
        }
        section.clear();
    };
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            flush(&mut section);
        } else if let Some((k, v)) = line.split_once('=') {
            section.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    flush(&mut section);
    out
}

fn find_chromium_db(
    browser: Browser,
    spec: &BrowserSpec,
    home: &Home,
    what: &str,
) -> Result<PathBuf, Error> {
    let dir = home.config.join(browser.chromium_dir().unwrap_or_default());
    let root = match spec.profile.as_deref() {
        None => dir,
        Some(p) if is_path(p) => {
            let p = home.expand(p);
            if p.is_file() {
                return Ok(p);
            }
            p
        }
        Some(name) => dir.join(name),
    };
    // yt-dlp `_find_files` walks the folder for files named `Cookies` (`Default/Cookies`, or
    // `Default/Network/Cookies` since Chromium 96) and takes the newest. The walk here is
    // bounded in depth: a profile's database is never deeper than PROFILE/Network/Cookies.
    let mut found = Vec::new();
    walk_for(&root, "Cookies", 3, &mut found);
    newest(found).ok_or_else(|| not_found(what, "Cookies", std::slice::from_ref(&root)))
}

fn not_found(what: &str, file: &str, roots: &[PathBuf]) -> Error {
    let places: Vec<String> = roots.iter().map(|r| r.display().to_string()).collect();
    Error::Setup(format!(
        "{what}: no {file} found (looked in {}); is the browser installed for this user? Give \
         the profile as BROWSER:NAME or BROWSER:/path/to/profile",
        places.join(", ")
    ))
}

/// Yt-dlp's test for a path rather than a name: it holds a separator.
fn is_path(p: &str) -> bool {
    p.contains('/') || p == "~"
}

fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    rd.filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect()
}

fn walk_for(dir: &Path, name: &str, depth: u32, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.filter_map(Result::ok) {
        let Ok(t) = e.file_type() else { continue };
        if t.is_dir() && depth > 0 {
            walk_for(&e.path(), name, depth - 1, out);
        } else if t.is_file() && e.file_name() == name {
            out.push(e.path());
        }
    }
}

/// The most recently modified of `files` that is a regular file (yt-dlp `_newest`).
fn newest(files: Vec<PathBuf>) -> Option<PathBuf> {
    files
        .into_iter()
        .filter_map(|p| {
            let m = std::fs::metadata(&p).ok().filter(|m| m.is_file())?;
            Some((m.modified().ok()?, p))
        })
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, p)| p)
}

fn read_small(path: &Path, cap: u64) -> std::io::Result<String> {
    use std::io::Read;
    let mut s = String::new();
    std::fs::File::open(path)?
        .take(cap)
        .read_to_string(&mut s)?;
    Ok(s)
}

// ---------------------------------------------------------------------------------------------
// The copy

/// The database (and its write-ahead log, where the latest writes may still be) copied into a
/// fresh 0700 folder (files 0600), removed on drop. The folder's name holds the process id, so
/// that a copy left by a run that was killed (SIGKILL, a crash) is removed by the next run.
struct TempCopy {
    dir: PathBuf,
}

/// The start of a copy's folder name: `tikdl-cookies-PID-RANDOM`.
const COPY_PREFIX: &str = "tikdl-cookies-";

impl TempCopy {
    fn new(db: &Path, what: &str) -> Result<Self, Error> {
        use std::os::unix::fs::DirBuilderExt;
        let base = std::env::temp_dir();
        sweep_stale_copies(&base);
        let mut last = None;
        for _ in 0..8 {
            let name = format!(
                "{COPY_PREFIX}{}-{:016x}",
                std::process::id(),
                rand::random::<u64>()
            );
            let dir = base.join(name);
            match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
                Ok(()) => {
                    let copy = TempCopy { dir };
                    copy.fill(db, what)?;
                    return Ok(copy);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
                Err(e) => {
                    last = Some(e);
                    break;
                }
            }
        }
        Err(Error::Setup(format!(
            "{what}: cannot make a temporary folder in {} to copy the cookies database into: {}",
            base.display(),
            last.map_or_else(String::new, |e| e.to_string())
        )))
    }

    fn db(&self) -> PathBuf {
        self.dir.join("cookies.sqlite")
    }

    fn fill(&self, db: &Path, what: &str) -> Result<(), Error> {
        let meta = std::fs::metadata(db)
            .map_err(|e| Error::Setup(format!("{what}: cannot read {}: {e}", db.display())))?;
        if !meta.is_file() {
            return Err(Error::Setup(format!(
                "{what}: {} is not a regular file, so not a cookies database",
                db.display()
            )));
        }
        private_copy(db, &self.db()).map_err(|e| {
            Error::Setup(format!(
                "{what}: cannot copy {}: {e}; check that this user may read it",
                db.display()
            ))
        })?;
        let mut wal = db.as_os_str().to_owned();
        wal.push("-wal");
        let wal = PathBuf::from(wal);
        if std::fs::metadata(&wal).is_ok_and(|m| m.is_file()) {
            let mut to = self.db().into_os_string();
            to.push("-wal");
            // Without its log the copy is still a consistent (older) database.
            if let Err(e) = private_copy(&wal, Path::new(&to)) {
                tracing::warn!(
                    "{what}: cannot copy {}: {e}; the newest cookies may be missing",
                    wal.display()
                );
            }
        }
        Ok(())
    }
}

impl Drop for TempCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Copies `from` into a new file `to` readable by this user only (`std::fs::copy` would give
/// it the browser file's mode, often 0644).
fn private_copy(from: &Path, to: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut src = std::fs::File::open(from)?;
    let mut dst = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(to)?;
    std::io::copy(&mut src, &mut dst)?;
    Ok(())
}

/// Removes the copies in `base` that runs of this user left behind when they were killed: a
/// folder named for a process that no longer exists.
fn sweep_stale_copies(base: &Path) {
    use std::os::unix::fs::MetadataExt;
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    // SAFETY: getuid(2) cannot fail.
    let me = unsafe { libc::getuid() };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(copy_pid) else {
            continue;
        };
        let path = entry.path();
        let ours = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir() && m.uid() == me);
        if ours && pid != std::process::id() && !process_exists(pid) {
            tracing::debug!(
                "removing a cookies copy a killed run left: {}",
                path.display()
            );
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// The process id in a copy's folder name (`tikdl-cookies-PID-RANDOM`).
fn copy_pid(name: &str) -> Option<u32> {
    let (pid, random) = name.strip_prefix(COPY_PREFIX)?.split_once('-')?;
    let hex = random.len() == 16 && random.bytes().all(|b| b.is_ascii_hexdigit());
    hex.then(|| pid.parse().ok()).flatten()
}

/// Whether a process `pid` exists (one of another user's counts: kill(2) says EPERM).
fn process_exists(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    if pid <= 0 {
        return true;
    }
    // SAFETY: signal 0 only checks that the process exists.
    let gone = unsafe { libc::kill(pid, 0) } == -1
        && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
    !gone
}

/// An SQLite failure in words: locked, not a database, or what SQLite says.
fn db_error(what: &str, db: &Path, e: &rusqlite::Error) -> Error {
    use rusqlite::ErrorCode;
    let shown = db.display();
    let msg = match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => format!(
            "{what}: {shown} is not an SQLite database, so not a browser's cookies database"
        ),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            format!("{what}: {shown} is locked; close the browser and try again")
        }
        Some(ErrorCode::DatabaseCorrupt) => {
            format!("{what}: {shown} is damaged; try again after the browser has been closed")
        }
        _ => format!("{what}: cannot read {shown}: {e}"),
    };
    Error::Setup(msg)
}

fn has_table(conn: &rusqlite::Connection, table: &str) -> Result<bool, rusqlite::Error> {
    conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [table],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n > 0)
}

fn columns(conn: &rusqlite::Connection, table: &str) -> Result<Vec<String>, rusqlite::Error> {
    let mut st = conn.prepare(&format!("PRAGMA table_info({table})"))?;
    let rows = st.query_map([], |r| r.get::<_, String>(1))?;
    rows.collect()
}

fn not_cookies_db(what: &str, db: &Path, browser: &str, table: &str) -> Error {
    Error::Setup(format!(
        "{what}: {} has no `{table}` table, so it is not {browser}'s cookies database",
        db.display()
    ))
}

/// Text of a column that may be stored as TEXT or BLOB (Chromium declares some as BLOB).
fn text(v: ValueRef<'_>) -> Option<String> {
    match v {
        ValueRef::Text(b) | ValueRef::Blob(b) => String::from_utf8(b.to_vec()).ok(),
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Null => Some(String::new()),
        ValueRef::Real(_) => None,
    }
}

fn int(v: ValueRef<'_>) -> i64 {
    match v {
        ValueRef::Integer(i) => i,
        ValueRef::Real(f) => f as i64,
        ValueRef::Text(t) => std::str::from_utf8(t)
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0),
        _ => 0,
    }
}

// ---------------------------------------------------------------------------------------------
// Firefox

fn firefox_rows(
    conn: &rusqlite::Connection,
    spec: &BrowserSpec,
    db: &Path,
    what: &str,
    now: u64,
) -> Result<Vec<Cookie>, Error> {
    let sql_err = |e: rusqlite::Error| db_error(what, db, &e);
    if !has_table(conn, "moz_cookies").map_err(sql_err)? {
        return Err(not_cookies_db(what, db, "Firefox", "moz_cookies"));
    }
    // Firefox 142 moved to schema 16 and to expiry in milliseconds (yt-dlp `cookies.py`
    // `_extract_firefox_cookies`, after Firefox commit 5869af85).
    let schema: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(sql_err)?;
    let container = match spec.container.as_deref() {
        None => String::new(),
        // Cookies outside every container have no userContextId in originAttributes.
        Some(c) if c.eq_ignore_ascii_case("none") => {
            " AND NOT instr(originAttributes, 'userContextId=')".to_owned()
        }
        Some(c) => {
            let id = container_id(db, c, what)?;
            format!(
                " AND (originAttributes LIKE '%userContextId={id}' \
                 OR originAttributes LIKE '%userContextId={id}&%')"
            )
        }
    };
    let sql = format!(
        "SELECT host, name, value, path, expiry, isSecure FROM moz_cookies WHERE {}{container}",
        tiktok_where("host")
    );
    let mut st = conn.prepare(&sql).map_err(sql_err)?;
    let mut rows = st.query([]).map_err(sql_err)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(sql_err)? {
        let (Some(host), Some(name), Some(value), Some(path)) = (
            r.get_ref(0).ok().and_then(text),
            r.get_ref(1).ok().and_then(text),
            r.get_ref(2).ok().and_then(text),
            r.get_ref(3).ok().and_then(text),
        ) else {
            continue;
        };
        let mut expiry = r.get_ref(4).map(int).unwrap_or(0);
        if schema >= 16 {
            expiry /= 1000;
        }
        let secure = r.get_ref(5).map(int).unwrap_or(0) != 0;
        push_cookie(&mut out, host, name, value, path, expiry, secure, now);
    }
    Ok(out)
}

/// The `userContextId` of the Firefox container named `name` in the profile's
/// `containers.json` (its `name`, or the label id of a built-in one such as `Personal`).
fn container_id(db: &Path, name: &str, what: &str) -> Result<i64, Error> {
    let path = db.with_file_name("containers.json");
    let text = read_small(&path, 16 << 20).map_err(|e| {
        Error::Setup(format!(
            "{what}: cannot read {} to find the container: {e}",
            path.display()
        ))
    })?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|_| Error::Setup(format!("{what}: {} is not JSON", path.display())))?;
    let ids = json
        .get("identities")
        .and_then(|v| v.as_array())
        .cloned()
        .unwrap_or_default();
    ids.iter()
        .find(|c| {
            c.get("name").and_then(|n| n.as_str()) == Some(name)
                || c.get("l10nID").and_then(|n| n.as_str()).is_some_and(|l| {
                    l.strip_prefix("userContext")
                        .and_then(|l| l.strip_suffix(".label"))
                        == Some(name)
                })
        })
        .and_then(|c| c.get("userContextId").and_then(|i| i.as_i64()))
        .ok_or_else(|| {
            Error::Setup(format!(
                "{what}: no container named {name:?} in {}",
                path.display()
            ))
        })
}

#[allow(clippy::too_many_arguments)]
fn push_cookie(
    out: &mut Vec<Cookie>,
    host: String,
    name: String,
    value: String,
    path: String,
    expires: i64,
    secure: bool,
    now: u64,
) {
    if !is_tiktok_host(&host) || name.is_empty() {
        return;
    }
    let expires = u64::try_from(expires).ok().filter(|e| *e > 0);
    // A row that is not a session cookie but has a time in the past (or before 1970) is gone.
    if expires.is_some_and(|e| e <= now) {
        return;
    }
    let cookie = Cookie {
        include_subdomains: host.starts_with('.'),
        domain: host,
        path: if path.is_empty() { "/".into() } else { path },
        secure,
        expires,
        name,
        value: Secret::from(value),
        http_only: false,
    };
    // The same rule as a cookies.txt line: one cookie a browser would never send (a control
    // character in its value) is left out, not the whole Cookie header with it.
    if crate::net::cookies::suspicious(&cookie).is_some() {
        tracing::warn!(
            "--cookies-from-browser: the cookie {:?} of {} is skipped: its name or value has a \
             character no browser sends",
            crate::terminal::safe(&cookie.name),
            crate::terminal::safe(&cookie.domain)
        );
        return;
    }
    out.push(cookie);
}

// ---------------------------------------------------------------------------------------------
// Chromium

/// Chromium's fixed v10 key on Linux: PBKDF2-HMAC-SHA1 of `peanuts` (or, where that fails,
/// of the empty password), salt `saltysalt`, one iteration, 16 bytes (yt-dlp `cookies.py`
/// `LinuxChromeCookieDecryptor.derive_key`, after Chromium's `os_crypt_linux.cc`).
fn v10_key(password: &[u8]) -> [u8; 16] {
    let mut key = [0u8; 16];
    pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password, b"saltysalt", 1, &mut key);
    key
}

/// AES-128-CBC with an IV of 16 spaces, PKCS#7 padding (yt-dlp `_decrypt_aes_cbc_multi`).
fn aes_cbc_decrypt(key: &[u8; 16], data: &[u8]) -> Option<Vec<u8>> {
    use aes::cipher::{BlockDecryptMut, KeyIvInit, block_padding::Pkcs7};
    let mut buf = data.to_vec();
    let dec = cbc::Decryptor::<aes::Aes128>::new(key.into(), &[b' '; 16].into());
    let n = dec.decrypt_padded_mut::<Pkcs7>(&mut buf).ok()?.len();
    buf.truncate(n);
    Some(buf)
}

/// A v10 value's plaintext: the database's `meta.version` 24 and later put the SHA-256 of the
/// host (32 bytes) before it (yt-dlp, after Chromium's `sqlite_persistent_cookie_store.cc`).
fn decrypt_v10(data: &[u8], hash_prefix: bool) -> Option<String> {
    [v10_key(b"peanuts"), v10_key(b"")].iter().find_map(|key| {
        let plain = aes_cbc_decrypt(key, data)?;
        let plain = if hash_prefix {
            plain.get(32..)?.to_vec()
        } else {
            plain
        };
        String::from_utf8(plain).ok()
    })
}

/// Microseconds since 1601-01-01 (Chromium's `base::Time`; e.g. suvayan1111/sweet-cookie
/// `packages/core/src/util/expire.ts`) to unix seconds; 0 is a session cookie.
fn chromium_expiry(us: i64) -> i64 {
    if us == 0 {
        return 0;
    }
    // Past 1601 but before 1970: expired, kept as a time in the past.
    (us / 1_000_000 - 11_644_473_600).max(1)
}

fn chromium_rows(
    conn: &rusqlite::Connection,
    spec: &BrowserSpec,
    db: &Path,
    what: &str,
    now: u64,
) -> Result<Vec<Cookie>, Error> {
    let sql_err = |e: rusqlite::Error| db_error(what, db, &e);
    let browser = spec.browser.name();
    if !has_table(conn, "cookies").map_err(sql_err)? || !has_table(conn, "meta").map_err(sql_err)? {
        return Err(not_cookies_db(what, db, browser, "cookies"));
    }
    let version = conn
        .query_row("SELECT value FROM meta WHERE key = 'version'", [], |r| {
            Ok(int(r.get_ref(0)?))
        })
        .unwrap_or(0);
    // Older databases name the column `secure` (yt-dlp `_extract_chrome_cookies`).
    let cols = columns(conn, "cookies").map_err(sql_err)?;
    let secure = if cols.iter().any(|c| c == "is_secure") {
        "is_secure"
    } else {
        "secure"
    };
    let sql = format!(
        "SELECT host_key, name, value, encrypted_value, path, expires_utc, {secure} \
         FROM cookies WHERE {}",
        tiktok_where("host_key")
    );
    let mut st = conn.prepare(&sql).map_err(sql_err)?;
    let mut rows = st.query([]).map_err(sql_err)?;
    let mut out = Vec::new();
    let (mut keyring_only, mut undecryptable) = (0usize, 0usize);
    while let Some(r) = rows.next().map_err(sql_err)? {
        let (Some(host), Some(name), Some(plain), Some(path)) = (
            r.get_ref(0).ok().and_then(text),
            r.get_ref(1).ok().and_then(text),
            r.get_ref(2).ok().and_then(text),
            r.get_ref(4).ok().and_then(text),
        ) else {
            continue;
        };
        let encrypted = match r.get_ref(3) {
            Ok(ValueRef::Blob(b) | ValueRef::Text(b)) => b.to_vec(),
            _ => Vec::new(),
        };
        // A row has its value in clear in `value`, or encrypted in `encrypted_value`.
        let value = if !plain.is_empty() || encrypted.is_empty() {
            plain
        } else if let Some(data) = encrypted.strip_prefix(b"v10") {
            match decrypt_v10(data, version >= 24) {
                Some(v) => v,
                None => {
                    undecryptable += 1;
                    continue;
                }
            }
        } else {
            // v11: the key is a password in the desktop's keyring (GNOME's secret service or
            // KWallet), which tikdl does not read.
            keyring_only += 1;
            continue;
        };
        let expires = chromium_expiry(r.get_ref(5).map(int).unwrap_or(0));
        let secure = r.get_ref(6).map(int).unwrap_or(0) != 0;
        push_cookie(&mut out, host, name, value, path, expires, secure, now);
    }
    if undecryptable > 0 {
        tracing::warn!(
            "{what}: {undecryptable} TikTok cookies could not be decrypted (v10, wrong key?); \
             skipped"
        );
    }
    if keyring_only > 0 {
        let why = format!(
            "{what}: {keyring_only} TikTok cookies are encrypted with the desktop keyring's \
             password (v11: GNOME keyring or KWallet), which tikdl cannot read; export cookies \
             in Netscape cookies.txt format with a browser extension and pass --cookies FILE, \
             or start {browser} with --password-store=basic"
        );
        if out.is_empty() {
            return Err(Error::Setup(why));
        }
        tracing::warn!("{why}; the others are used");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_cookie_with_a_control_character_is_left_out_alone() {
        let mut out = Vec::new();
        for (name, value) in [
            ("sessionid", "S1"),
            ("bad", "a\u{7f}b"),
            ("crlf", "x\r\nY: 1"),
        ] {
            let (host, path) = (".tiktok.com".to_owned(), "/".to_owned());
            push_cookie(&mut out, host, name.into(), value.into(), path, 0, true, 1);
        }
        let names: Vec<&str> = out.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["sessionid"]);
    }

    use super::*;

    fn spec(s: &str) -> BrowserSpec {
        s.parse().unwrap()
    }

    #[test]
    fn the_spec_reads_as_yt_dlp_reads_it() {
        let s = spec("firefox");
        assert_eq!(s.browser, Browser::Firefox);
        assert_eq!((s.profile, s.container), (None, None));
        let s = spec("Chrome+basictext:Profile 1");
        assert_eq!(s.browser, Browser::Chrome);
        assert_eq!(s.keyring, Some(Keyring::BasicText));
        assert_eq!(s.profile.as_deref(), Some("Profile 1"));
        let s = spec("firefox:~/ff/abc.default::Work");
        assert_eq!(s.profile.as_deref(), Some("~/ff/abc.default"));
        assert_eq!(s.container.as_deref(), Some("Work"));
        let s = spec("firefox::none");
        assert_eq!((s.profile, s.container.as_deref()), (None, Some("none")));
        assert_eq!(
            spec("chromium:/p/x").to_string(),
            "chromium:/p/x",
            "Display round-trips"
        );
        assert_eq!(
            spec("firefox:a::b").to_string().parse::<BrowserSpec>(),
            Ok(spec("firefox:a::b"))
        );
    }

    #[test]
    fn bad_specs_say_what_is_supported() {
        let e = "netscape".parse::<BrowserSpec>().unwrap_err();
        assert!(
            e.contains("unknown browser") && e.contains("firefox, vivaldi"),
            "{e}"
        );
        let e = "safari".parse::<BrowserSpec>().unwrap_err();
        assert!(e.contains("not supported"), "{e}");
        let e = "chrome+wallet".parse::<BrowserSpec>().unwrap_err();
        assert!(e.contains("gnomekeyring"), "{e}");
        assert!("chrome::work".parse::<BrowserSpec>().is_err());
        assert!("firefox+kwallet".parse::<BrowserSpec>().is_err());
        assert!("firefox:".parse::<BrowserSpec>().is_err());
    }

    #[test]
    fn only_tiktok_hosts() {
        for h in [
            ".tiktok.com",
            "tiktok.com",
            "www.tiktok.com",
            ".m.tiktok.com",
        ] {
            assert!(is_tiktok_host(h), "{h}");
        }
        for h in [
            ".tiktokcdn.com",
            "eviltiktok.com",
            ".tiktok.com.evil",
            "",
            "..",
        ] {
            assert!(!is_tiktok_host(h), "{h}");
        }
    }

    #[test]
    fn v10_round_trip_with_and_without_the_host_hash() {
        use aes::cipher::{BlockEncryptMut, KeyIvInit, block_padding::Pkcs7};
        let key = v10_key(b"peanuts");
        let encrypt = |plain: &[u8]| {
            let mut buf = vec![0u8; plain.len() + 16];
            buf[..plain.len()].copy_from_slice(plain);
            let enc = cbc::Encryptor::<aes::Aes128>::new(&key.into(), &[b' '; 16].into());
            enc.encrypt_padded_mut::<Pkcs7>(&mut buf, plain.len())
                .unwrap()
                .to_vec()
        };
        assert_eq!(decrypt_v10(&encrypt(b"abc"), false).as_deref(), Some("abc"));
        let mut hashed = vec![7u8; 32];
        hashed.extend_from_slice(b"sess");
        assert_eq!(
            decrypt_v10(&encrypt(&hashed), true).as_deref(),
            Some("sess")
        );
        assert_eq!(decrypt_v10(b"not sixteen", false), None);
    }

    #[test]
    fn chromium_times() {
        assert_eq!(chromium_expiry(0), 0);
        // 2030-01-01T00:00:00Z.
        assert_eq!(
            chromium_expiry((1_893_456_000 + 11_644_473_600) * 1_000_000),
            1_893_456_000
        );
        assert_eq!(chromium_expiry(5), 1);
    }

    #[test]
    fn profiles_ini_names_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("profiles.ini"),
            "[Install4F96D1932A9F858E]\nDefault=abcd.default-release\n\n\
             [Profile1]\nName=default\nIsRelative=1\nPath=wxyz.default\n\n\
             [Profile0]\nName=default-release\nIsRelative=1\nPath=abcd.default-release\n",
        )
        .unwrap();
        assert_eq!(
            profile_ini_paths(dir.path(), "default-release"),
            [dir.path().join("abcd.default-release")]
        );
        assert!(profile_ini_paths(dir.path(), "nope").is_empty());
    }

    #[test]
    fn a_copy_left_by_a_dead_run_is_swept_and_a_live_one_kept() {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(copy_pid("tikdl-cookies-42-00000000000000ff"), Some(42));
        assert_eq!(copy_pid("tikdl-cookies-00000000000000ff"), None);
        assert_eq!(copy_pid("tikdl-cookies-42-notes"), None);
        // A process that ran and was reaped: its id names no process now.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let base = tempfile::tempdir().unwrap();
        let stale = base
            .path()
            .join(format!("{COPY_PREFIX}{dead}-00000000000000ff"));
        let live = base.path().join(format!(
            "{COPY_PREFIX}{}-00000000000000ff",
            std::process::id()
        ));
        let other = base.path().join("tikdl-cookies-notes");
        for d in [&stale, &live, &other] {
            std::fs::create_dir(d).unwrap();
            std::fs::write(d.join("cookies.sqlite"), b"x").unwrap();
        }
        sweep_stale_copies(base.path());
        assert!(!stale.exists(), "a dead run's copy is removed");
        assert!(live.exists() && other.exists());

        let to = base.path().join("copy");
        private_copy(&live.join("cookies.sqlite"), &to).unwrap();
        let mode = std::fs::metadata(&to).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
