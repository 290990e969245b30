//! On-disk metadata cache: one JSON file per post, keyed by post id, so that asking twice for the
//! same post within the TTL costs no request at all.
//!
//! * Each entry is written to a temporary file and renamed into place, so a concurrent run (or a
//!   crash) can never leave a half-written entry under a real name; readers see the old entry
//!   or the new one.
//! * An entry is served only while it is younger than the TTL *and* every media URL in it is
//!   still valid (TikTok signs CDN URLs with an `x-expires`/`expire` time): an entry whose URLs
//!   died would only produce failed downloads.
//! * The entry keeps the cookies the page set (`tt_chain_token` and friends), which the CDN
//!   demands for the media; files are created with mode 0600 because of them.
//! * At most `max_entries` entries: the least recently used go first (a hit refreshes the file's
//!   modification time, which is what eviction sorts by).
//! * Anything unexpected in the folder (truncated JSON, binary junk, another program's file) is a
//!   miss and gets replaced, never an error. A directory where an entry should be is never
//!   deleted (the cache folder may be shared by mistake): that post is not cached, with a warning.
//! * Housekeeping (`cache clear`, eviction) removes only regular files that carry the entry
//!   marker (`{"tikdl_cache":N,"id":"ID"` at the start, where ID is the file's name) and tikdl's
//!   own temporary files (`.ID.PID.NANOS.tmp`); any other `<digits>.json` is left alone.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::model::{PostId, VideoInfo};
use crate::net::redacted::Secret;

/// The seed's defaults.
pub const DEFAULT_TTL: Duration = Duration::from_secs(1800);
pub const DEFAULT_MAX_ENTRIES: usize = 1000;

/// A hit must leave the download that usually follows this long before the media URLs expire.
const EXPIRY_MARGIN: Duration = Duration::from_secs(120);
/// Temporary files older than this were left by a run that died; eviction removes them.
const STALE_TEMP: Duration = Duration::from_secs(600);
/// Bumped whenever the stored shape changes; other versions are misses.
const VERSION: u32 = 1;

/// Where and how long to keep entries.
#[derive(Debug, Clone, PartialEq)]
pub struct CacheConfig {
    /// The folder of the entries.
    pub dir: PathBuf,
    /// How long an entry is served.
    pub ttl: Duration,
    /// Entries kept at most (the oldest are evicted first).
    pub max_entries: usize,
}

impl CacheConfig {
    /// `tikdl` in the user's cache folder (`~/.cache/tikdl` on Linux), if the system has one.
    pub fn default_dir() -> Option<PathBuf> {
        directories::ProjectDirs::from("", "", "tikdl").map(|d| d.cache_dir().to_path_buf())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("cannot create the cache folder {}: {source}", path.display())]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read the cache folder {}: {source}", path.display())]
    ReadDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the cache entry {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot remove {}: {source}", path.display())]
    Remove {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A served entry.
#[derive(Debug, Clone)]
pub struct Entry {
    pub info: VideoInfo,
    /// The page the cookies came from (where to put them back).
    pub page_url: String,
    /// `Set-Cookie` values the page sent.
    pub cookies: Vec<Secret>,
}

/// Why an entry was not served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Miss {
    Absent,
    /// Older than the TTL.
    Stale,
    /// A media URL in it has expired (or is about to).
    MediaExpired,
    /// Not an entry this version wrote: unreadable, corrupt, foreign, or not a file.
    Unreadable,
}

/// The cookies a cache entry keeps of those its page set: only the anonymous tokens its media
/// URLs need again (`tt_chain_token`, see docs/tiktok-protocol.md; `ttwid` beside it). A login
/// or session cookie TikTok sends (`sessionid`, `sid_guard`, ...) is never written to disk,
/// where another run or user of the same cache folder would replay it.
const CACHED_COOKIES: &[&str] = &["tt_chain_token", "ttwid"];

fn is_cacheable_cookie(set_cookie: &str) -> bool {
    let name = set_cookie.split_once('=').map_or("", |(n, _)| n.trim());
    CACHED_COOKIES.iter().any(|c| c.eq_ignore_ascii_case(name))
}

/// The file's shape. The marker field tells our entries from any other JSON in the folder.
#[derive(Serialize, Deserialize)]
struct Stored {
    tikdl_cache: u32,
    id: PostId,
    /// Unix milliseconds (seconds would make a 1-second TTL flaky).
    stored_at_ms: u64,
    page_url: String,
    set_cookies: Vec<String>,
    info: VideoInfo,
}

/// The metadata cache on disk: one file per post, written whole.
#[derive(Debug)]
pub struct Cache {
    cfg: CacheConfig,
    /// Entries in the folder as this process believes (`None` until first counted), so that a
    /// put scans the folder only when eviction is due rather than every time. Other processes'
    /// entries make it approximate, which only shifts when the next real count happens.
    count: Mutex<Option<usize>>,
}

/// What `tikdl cache stats` reports.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CacheStats {
    /// The cache's folder.
    pub dir: PathBuf,
    /// Entries in it.
    pub entries: u64,
    /// Entries that would be served now.
    pub fresh: u64,
    /// Entries past the TTL or with expired media URLs (kept until evicted or replaced).
    pub stale: u64,
    /// Files named like entries that are not valid entries.
    pub unreadable: u64,
    /// Bytes of the entries.
    pub bytes: u64,
    /// [`CacheConfig::max_entries`].
    pub max_entries: usize,
    /// [`CacheConfig::ttl`] in seconds.
    pub ttl_seconds: u64,
}

impl std::fmt::Display for CacheStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "cache folder: {}", self.dir.display())?;
        writeln!(
            f,
            "entries:      {} of at most {} ({} fresh, {} stale, {} unreadable)",
            self.entries, self.max_entries, self.fresh, self.stale, self.unreadable
        )?;
        writeln!(f, "size:         {} bytes", self.bytes)?;
        write!(f, "ttl:          {} s", self.ttl_seconds)
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// `ID` for a file named `ID.json`, for files that can be entries. Entries are keyed by
/// [`PostId`], so nothing but a plain id is ever a file name here (no path tricks possible).
fn entry_id(name: &str) -> Option<PostId> {
    name.strip_suffix(".json")
        .and_then(|id| PostId::try_from(id).ok())
}

/// tikdl's temporary entry files: `.ID.json.PID.HEX16.tmp` ([`crate::disk::owned_file`]), or
/// `.ID.PID.NANOS.tmp` (all three parts digits) left by an older tikdl.
fn is_temp(name: &str) -> bool {
    let Some(inner) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) else {
        return false;
    };
    if let Some((id, _)) = inner.split_once(".json.")
        && PostId::try_from(id).is_ok()
    {
        return crate::disk::owned_file::is_temp_for(name, &format!("{id}.json"));
    }
    let parts: Vec<&str> = inner.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether the regular file at `path` starts as an entry for `id` written by tikdl (any
/// version): `{"tikdl_cache":N,"id":"ID"`. Only the first bytes are read.
fn is_our_entry(path: &Path, id: &str) -> bool {
    use std::io::Read;
    let mut head = [0u8; 96];
    let Ok(mut f) = fs::File::open(path) else {
        return false;
    };
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(_) => return false,
        }
    }
    let Some(rest) = head[..n].strip_prefix(br#"{"tikdl_cache":"#) else {
        return false;
    };
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    digits > 0 && rest[digits..].starts_with(format!(r#","id":"{id}""#).as_bytes())
}

/// Whether a scanned file is one tikdl may delete: its own entry or temporary file, never a
/// directory, a link or a stranger's `<digits>.json`.
fn is_ours(name: &str, path: &Path, meta: &fs::Metadata) -> bool {
    if !meta.is_file() {
        return false;
    }
    if is_temp(name) {
        return true;
    }
    entry_id(name).is_some_and(|id| is_our_entry(path, &id))
}

/// The earliest expiry (Unix seconds) among the post's media URLs, from their `x-expires` or
/// `expire` query values; `None` when no URL carries one.
pub fn media_expiry(info: &VideoInfo) -> Option<u64> {
    let mut urls: Vec<&str> = Vec::new();
    for f in &info.formats {
        urls.push(&f.url);
        urls.extend(f.mirrors.iter().map(String::as_str));
    }
    for i in &info.images {
        urls.push(&i.url);
        urls.extend(i.mirrors.iter().map(String::as_str));
    }
    urls.extend(info.music.as_ref().and_then(|m| m.url.as_deref()));
    urls.extend(info.thumbnails.iter().map(|t| t.url.as_str()));
    urls.extend(info.subtitles.values().flatten().map(|s| s.url.as_str()));
    urls.into_iter().filter_map(url_expiry).min()
}

fn url_expiry(url: &str) -> Option<u64> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .filter(|(k, _)| k.eq_ignore_ascii_case("x-expires") || k.eq_ignore_ascii_case("expire"))
        .filter_map(|(_, v)| v.parse::<u64>().ok())
        .min()
}

/// Largest cache entry read.
pub const MAX_ENTRY_BYTES: u64 = 16 << 20;

impl Cache {
    /// Creates the folder (private to the user) if needed.
    pub fn open(cfg: CacheConfig) -> Result<Self, CacheError> {
        create_private_dir(&cfg.dir).map_err(|source| CacheError::CreateDir {
            path: cfg.dir.clone(),
            source,
        })?;
        Ok(Self {
            cfg,
            count: Mutex::new(None),
        })
    }

    /// Where and how long it keeps entries.
    pub fn config(&self) -> &CacheConfig {
        &self.cfg
    }

    fn path(&self, id: &PostId) -> PathBuf {
        self.cfg.dir.join(format!("{id}.json"))
    }

    /// The entry for post `id`, if one is fresh and its media URLs are still good (an entry
    /// is a post's metadata: kilobytes; anything over [`MAX_ENTRY_BYTES`] is not one).
    pub fn get(&self, id: &PostId) -> Result<Entry, Miss> {
        let path = self.path(id);
        let bytes = match crate::disk::owned_file::read_small(&path, MAX_ENTRY_BYTES) {
            Ok(Some(b)) => b,
            Ok(None) => return Err(Miss::Absent),
            // A directory, a FIFO, a dangling link, no permission: not usable, replaced on the
            // next put.
            Err(_) => return Err(Miss::Unreadable),
        };
        let stored = parse(&bytes, id).ok_or(Miss::Unreadable)?;
        check_fresh(&stored, self.cfg.ttl, now_ms())?;
        // LRU bookkeeping; failing to record the use only makes eviction less accurate.
        let _ = touch(&path);
        Ok(Entry {
            info: stored.info,
            page_url: stored.page_url,
            cookies: stored.set_cookies.into_iter().map(Secret::from).collect(),
        })
    }

    /// Stores (or replaces) the entry for `info.id`, then evicts past `max_entries`. An entry
    /// whose media URLs have already expired could never be served, so it is not written.
    pub fn put(
        &self,
        info: &VideoInfo,
        page_url: &str,
        cookies: &[Secret],
    ) -> Result<(), CacheError> {
        if self.cfg.max_entries == 0 {
            return Ok(());
        }
        if media_expiry(info).is_some_and(|e| {
            Duration::from_secs(e) <= Duration::from_millis(now_ms()) + EXPIRY_MARGIN
        }) {
            tracing::debug!("{}: media URLs already expired; not cached", info.id);
            return Ok(());
        }
        let stored = Stored {
            tikdl_cache: VERSION,
            id: info.id.clone(),
            stored_at_ms: now_ms(),
            page_url: page_url.to_owned(),
            set_cookies: cookies
                .iter()
                .map(|c| c.expose())
                .filter(|c| is_cacheable_cookie(c))
                .map(str::to_owned)
                .collect(),
            info: info.clone(),
        };
        let path = self.path(&info.id);
        if fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            // Someone's folder (the cache folder may be shared by mistake): never deleted.
            tracing::warn!(
                "{} is a folder, not a cache entry: post {} is not cached (move the folder away \
                 or choose another --cache-dir)",
                path.display(),
                info.id
            );
            return Ok(());
        }
        let write_err = |source| CacheError::Write {
            path: path.clone(),
            source,
        };
        let body = serde_json::to_vec(&stored).map_err(|e| write_err(std::io::Error::other(e)))?;
        // The folder may have been removed since `open` (`cache clear` in another terminal).
        create_private_dir(&self.cfg.dir).map_err(|source| CacheError::CreateDir {
            path: self.cfg.dir.clone(),
            source,
        })?;
        let existed = fs::symlink_metadata(&path).is_ok_and(|m| m.is_file());
        // No fsync: after a power cut a torn entry reads as corrupt, which is only a miss.
        let opts = crate::disk::owned_file::Options {
            mode: Some(0o600),
            durable: false,
        };
        crate::disk::owned_file::Temp::create(&path, opts)
            .and_then(|mut t| {
                t.file()?.write_all(&body)?;
                t.commit()
            })
            .map_err(write_err)?;
        let due = {
            let mut count = self.count.lock().unwrap_or_else(|e| e.into_inner());
            match count.as_mut() {
                Some(n) => {
                    *n += usize::from(!existed);
                    *n > self.cfg.max_entries
                }
                // First write of this process: count for real.
                None => true,
            }
        };
        if due { self.evict() } else { Ok(()) }
    }

    /// Removes the least recently used entries beyond `max_entries`, and temporary files that a
    /// dead run left behind.
    fn evict(&self) -> Result<(), CacheError> {
        let mut entries: Vec<(SystemTime, PathBuf)> = Vec::new();
        for (name, path, meta) in self.scan()? {
            let modified = meta.modified().unwrap_or(UNIX_EPOCH);
            if is_temp(&name) {
                let old = SystemTime::now()
                    .duration_since(modified)
                    .is_ok_and(|age| age > STALE_TEMP);
                if old && meta.is_file() {
                    let _ = fs::remove_file(&path);
                }
            } else if entry_id(&name).is_some() && is_ours(&name, &path, &meta) {
                entries.push((modified, path));
            }
        }
        let remaining = entries.len().min(self.cfg.max_entries);
        *self.count.lock().unwrap_or_else(|e| e.into_inner()) = Some(remaining);
        if entries.len() <= self.cfg.max_entries {
            return Ok(());
        }
        entries.sort();
        let excess = entries.len() - self.cfg.max_entries;
        for (_, path) in entries.into_iter().take(excess) {
            // Another run may have evicted it first.
            match fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => return Err(CacheError::Remove { path, source }),
            }
        }
        Ok(())
    }

    /// (file name, path, metadata without following links) of everything in the folder.
    fn scan(&self) -> Result<Vec<(String, PathBuf, fs::Metadata)>, CacheError> {
        let dir = &self.cfg.dir;
        let rd = match fs::read_dir(dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(CacheError::ReadDir {
                    path: dir.clone(),
                    source,
                });
            }
        };
        let mut out = Vec::new();
        for item in rd.flatten() {
            let name = item.file_name().to_string_lossy().into_owned();
            if let Ok(meta) = fs::symlink_metadata(item.path()) {
                out.push((name, item.path(), meta));
            }
        }
        Ok(out)
    }

    /// Counts entries by state (reads each one).
    pub fn stats(&self) -> Result<CacheStats, CacheError> {
        let mut s = CacheStats {
            dir: self.cfg.dir.clone(),
            max_entries: self.cfg.max_entries,
            ttl_seconds: self.cfg.ttl.as_secs(),
            ..CacheStats::default()
        };
        let now = now_ms();
        for (name, path, meta) in self.scan()? {
            let Some(id) = entry_id(&name) else { continue };
            s.entries += 1;
            s.bytes += meta.len();
            let stored = meta
                .is_file()
                .then(|| fs::read(&path).ok())
                .flatten()
                .and_then(|b| parse(&b, &id));
            match stored {
                None => s.unreadable += 1,
                Some(st) if check_fresh(&st, self.cfg.ttl, now).is_ok() => s.fresh += 1,
                Some(_) => s.stale += 1,
            }
        }
        Ok(s)
    }

    /// Removes every entry (and leftover temporary file) tikdl wrote; other files, folders and
    /// links are left alone, whatever their names.
    pub fn clear(&self) -> Result<u64, CacheError> {
        let mut removed = 0;
        for (name, path, meta) in self.scan()? {
            if !is_ours(&name, &path, &meta) {
                continue;
            }
            match fs::remove_file(&path) {
                Ok(()) => removed += 1,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => return Err(CacheError::Remove { path, source }),
            }
        }
        Ok(removed)
    }
}

fn parse(bytes: &[u8], id: &PostId) -> Option<Stored> {
    let stored: Stored = serde_json::from_slice(bytes).ok()?;
    (stored.tikdl_cache == VERSION && stored.id == *id && stored.info.id == *id).then_some(stored)
}

fn check_fresh(stored: &Stored, ttl: Duration, now_ms: u64) -> Result<(), Miss> {
    let age = Duration::from_millis(now_ms.saturating_sub(stored.stored_at_ms));
    if age >= ttl {
        return Err(Miss::Stale);
    }
    if let Some(expiry) = media_expiry(&stored.info) {
        let now = Duration::from_millis(now_ms);
        if Duration::from_secs(expiry) <= now + EXPIRY_MARGIN {
            return Err(Miss::MediaExpired);
        }
    }
    Ok(())
}

fn touch(path: &Path) -> std::io::Result<()> {
    fs::File::options()
        .append(true)
        .open(path)?
        .set_modified(SystemTime::now())
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

#[cfg(test)]
mod cookie_tests {
    use super::is_cacheable_cookie;

    #[test]
    fn only_anonymous_media_tokens_are_cached() {
        assert!(is_cacheable_cookie(
            "tt_chain_token=abc; Domain=.tiktok.com; Path=/"
        ));
        assert!(is_cacheable_cookie("ttwid=1%7Cabc; Path=/"));
        for secret in [
            "sessionid=SECRET; Domain=.tiktok.com",
            "sessionid_ss=SECRET",
            "sid_guard=SECRET",
            "msToken=TOKEN",
            "tt_chain_token_x=1",
            "garbage",
        ] {
            assert!(!is_cacheable_cookie(secret), "{secret}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Format, PostKind};

    fn pid(id: &str) -> PostId {
        id.parse().unwrap()
    }

    fn info(id: &str, url: &str) -> VideoInfo {
        VideoInfo {
            extractor: "TikTok".into(),
            extractor_key: "TikTok".into(),
            display_id: id.into(),
            thumbnail: None,
            ext: None,
            width: None,
            height: None,
            id: pid(id),
            kind: PostKind::Video,
            title: "t".into(),
            description: String::new(),
            uploader: None,
            uploader_id: None,
            uploader_url: None,
            channel: None,
            channel_id: None,
            channel_url: None,
            webpage_url: format!("https://www.tiktok.com/@_/video/{id}"),
            timestamp: None,
            upload_date: None,
            duration: None,
            view_count: None,
            like_count: None,
            comment_count: None,
            repost_count: None,
            save_count: None,
            hashtags: vec![],
            mentions: vec![],
            track: None,
            artists: vec![],
            album: None,
            music: None,
            thumbnails: vec![],
            formats: vec![Format {
                format_id: "f".into(),
                url: url.into(),
                mirrors: vec![],
                ext: "mp4".into(),
                vcodec: "h264".into(),
                acodec: "aac".into(),
                width: None,
                height: None,
                tbr: None,
                filesize: None,
                watermarked: false,
                unplayable: false,
                format_note: None,
                preference: None,
                duration: None,
            }],
            images: vec![],
            subtitles: Default::default(),
            is_pinned: None,
        }
    }

    fn cache(dir: &Path, ttl: u64, max: usize) -> Cache {
        Cache::open(CacheConfig {
            dir: dir.to_path_buf(),
            ttl: Duration::from_secs(ttl),
            max_entries: max,
        })
        .unwrap()
    }

    #[test]
    fn round_trip_with_cookies_and_private_mode() {
        let d = tempfile::tempdir().unwrap();
        let c = cache(d.path(), 60, 10);
        let cookie = Secret::from("tt_chain_token=abc; Domain=.tiktok.com; Path=/".to_owned());
        c.put(
            &info("7500000000000000123", "https://cdn/x"),
            "https://www.tiktok.com/@_/video/7500000000000000123",
            std::slice::from_ref(&cookie),
        )
        .unwrap();
        let e = c.get(&pid("7500000000000000123")).unwrap();
        assert_eq!(e.info.id, "7500000000000000123");
        assert_eq!(e.cookies, [cookie]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(d.path().join("7500000000000000123.json"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(
            c.get(&pid("7500000000000000456")).unwrap_err(),
            Miss::Absent
        );
    }

    #[test]
    fn ttl_and_media_expiry() {
        let d = tempfile::tempdir().unwrap();
        cache(d.path(), 0, 10)
            .put(&info("7500000000000000001", "https://cdn/x"), "", &[])
            .unwrap();
        assert_eq!(
            cache(d.path(), 0, 10)
                .get(&pid("7500000000000000001"))
                .unwrap_err(),
            Miss::Stale
        );
        assert!(
            cache(d.path(), 60, 10)
                .get(&pid("7500000000000000001"))
                .is_ok()
        );

        let c = cache(d.path(), 60, 10);
        let soon = now_ms() / 1000 + 30;
        let later = now_ms() / 1000 + 3600;
        // Already (nearly) expired: never written.
        let expiring = info(
            "7500000000000000002",
            &format!("https://cdn/x?a=1&expire={soon}"),
        );
        c.put(&expiring, "", &[]).unwrap();
        assert_eq!(
            c.get(&pid("7500000000000000002")).unwrap_err(),
            Miss::Absent
        );
        // Written while good, served while good, refused once expired.
        c.put(
            &info(
                "7500000000000000003",
                &format!("https://cdn/x?x-expires={later}&b"),
            ),
            "",
            &[],
        )
        .unwrap();
        assert!(c.get(&pid("7500000000000000003")).is_ok());
        let path = d.path().join("7500000000000000003.json");
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, text.replace(&later.to_string(), &soon.to_string())).unwrap();
        assert_eq!(
            c.get(&pid("7500000000000000003")).unwrap_err(),
            Miss::MediaExpired
        );
    }

    #[test]
    fn expiry_is_the_earliest_of_all_urls() {
        let mut i = info("7500000000000000001", "https://cdn/a?expire=300");
        i.formats[0]
            .mirrors
            .push("https://cdn/b?x-expires=200".into());
        assert_eq!(media_expiry(&i), Some(200));
        assert_eq!(
            media_expiry(&info("7500000000000000001", "https://cdn/a?x=1")),
            None
        );
        assert_eq!(url_expiry("https://cdn/a?expire=abc"), None);
    }

    #[test]
    fn least_recently_used_is_evicted() {
        let d = tempfile::tempdir().unwrap();
        let c = cache(d.path(), 60, 2);
        let old = SystemTime::now() - Duration::from_secs(100);
        c.put(&info("7500000000000000001", "u"), "", &[]).unwrap();
        c.put(&info("7500000000000000002", "u"), "", &[]).unwrap();
        for id in ["7500000000000000001", "7500000000000000002"] {
            let f = fs::File::options()
                .append(true)
                .open(d.path().join(format!("{id}.json")))
                .unwrap();
            f.set_modified(old).unwrap();
        }
        assert!(c.get(&pid("7500000000000000001")).is_ok()); // now 1 is the most recently used
        c.put(&info("7500000000000000003", "u"), "", &[]).unwrap();
        assert!(c.get(&pid("7500000000000000001")).is_ok());
        assert_eq!(
            c.get(&pid("7500000000000000002")).unwrap_err(),
            Miss::Absent
        );
        assert!(c.get(&pid("7500000000000000003")).is_ok());
    }

    #[test]
    fn corrupt_and_foreign_files_are_misses_then_replaced() {
        let d = tempfile::tempdir().unwrap();
        let c = cache(d.path(), 60, 10);
        fs::write(
            d.path().join("7500000000000000001.json"),
            b"{\"tikdl_cache\":1,\"id\":\"7500000000000000001\",\"stor",
        )
        .unwrap();
        fs::write(
            d.path().join("7500000000000000002.json"),
            [0u8, 159, 146, 150, 255, 0],
        )
        .unwrap();
        fs::create_dir(d.path().join("7500000000000000003.json")).unwrap();
        fs::write(
            d.path().join("7500000000000000003.json").join("inner"),
            b"x",
        )
        .unwrap();
        fs::write(
            d.path().join("7500000000000000004.json"),
            br#"{"name":"someone else's"}"#,
        )
        .unwrap();
        fs::write(d.path().join("notes.txt"), b"mine").unwrap();
        for id in [
            "7500000000000000001",
            "7500000000000000002",
            "7500000000000000003",
            "7500000000000000004",
        ] {
            assert_eq!(c.get(&pid(id)).unwrap_err(), Miss::Unreadable, "{id}");
        }
        let s = c.stats().unwrap();
        assert_eq!((s.entries, s.unreadable, s.fresh), (4, 4, 0));
        for id in [
            "7500000000000000001",
            "7500000000000000002",
            "7500000000000000004",
        ] {
            c.put(&info(id, "u"), "", &[]).unwrap();
            assert!(c.get(&pid(id)).is_ok(), "{id}");
        }
        // A folder at an entry's name is someone's: kept, with its contents; the post is not cached.
        c.put(&info("7500000000000000003", "u"), "", &[]).unwrap();
        assert_eq!(
            c.get(&pid("7500000000000000003")).unwrap_err(),
            Miss::Unreadable
        );
        assert_eq!(
            fs::read(d.path().join("7500000000000000003.json").join("inner")).unwrap(),
            b"x"
        );
        assert_eq!(c.clear().unwrap(), 3);
        assert!(
            d.path().join("notes.txt").exists(),
            "foreign files are left alone"
        );
        assert!(
            d.path()
                .join("7500000000000000003.json")
                .join("inner")
                .exists()
        );
        assert_eq!(
            fs::read_dir(d.path()).unwrap().count(),
            2,
            "no temporary file left"
        );
    }

    #[test]
    fn housekeeping_removes_only_its_own_files() {
        let d = tempfile::tempdir().unwrap();
        let c = cache(d.path(), 60, 1);
        let foreign: [(&str, &[u8]); 5] = [
            ("7500000000000000123.json", b"{\"mine\":true}"),
            (
                "7500000000000000456.json",
                b"{\"tikdl_cache\":1,\"id\":\"7500000000000000999\"}",
            ),
            ("7500000000000000789.json", b""),
            (".notes.tmp", b"draft"),
            (".1.2.x.tmp", b"draft"),
        ];
        for (name, body) in foreign {
            fs::write(d.path().join(name), body).unwrap();
        }
        // Eviction (at most 1 entry) and clear both leave them alone.
        c.put(&info("7500000000000000001", "u"), "", &[]).unwrap();
        c.put(&info("7500000000000000002", "u"), "", &[]).unwrap();
        assert_eq!(
            c.get(&pid("7500000000000000001")).unwrap_err(),
            Miss::Absent,
            "evicted"
        );
        assert_eq!(c.clear().unwrap(), 1);
        for (name, body) in foreign {
            assert_eq!(fs::read(d.path().join(name)).unwrap(), body, "{name}");
        }
        assert!(is_temp(".123.456.789.tmp"));
        assert!(is_temp(
            ".7500000000000000123.json.456.0123456789abcdef.tmp"
        ));
        assert!(!is_temp(".123.json.456.0123456789abcdef.tmp"), "not an id");
        assert!(!is_temp(".123.json.456.tmp"));
        assert!(!is_temp(".123.456.tmp"));
    }

    #[test]
    fn an_entry_for_another_id_is_not_served() {
        let d = tempfile::tempdir().unwrap();
        let c = cache(d.path(), 60, 10);
        c.put(&info("7500000000000000001", "u"), "", &[]).unwrap();
        fs::copy(
            d.path().join("7500000000000000001.json"),
            d.path().join("7500000000000000002.json"),
        )
        .unwrap();
        assert_eq!(
            c.get(&pid("7500000000000000002")).unwrap_err(),
            Miss::Unreadable
        );
    }
}
