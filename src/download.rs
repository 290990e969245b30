//! The download engine: one media file from a list of mirror URLs to disk, never leaving a broken
//! file under its final name.
//!
//! Bytes stream into `NAME.part`; a dropped connection resumes with a Range request from the
//! byte reached; the result is checked against Content-Length / Content-Range and TikTok's
//! `DataSize`, flushed, fsynced and only then renamed to `NAME`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap, HeaderValue};
use tokio::fs::{File, OpenOptions};
use tokio::io::{AsyncWriteExt, BufWriter};

use crate::error::{ConnectionReason, Error, Operation, from_reqwest};
use crate::http::HttpClient;
use crate::retry::{is_retryable_status, retry_after_header};

/// What a file is expected to hold, so that an HTML error page is never saved as a video.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    Video,
    Audio,
    Image,
    Subtitle,
}

/// Receives (bytes on disk, total if known) as a file grows.
pub type ProgressFn = Arc<dyn Fn(u64, Option<u64>) + Send + Sync>;

/// One file to fetch.
#[derive(Debug, Clone)]
pub struct MediaRequest {
    /// The preferred URL first, then its mirrors.
    pub urls: Vec<String>,
    pub dest: PathBuf,
    /// TikTok's announced size (`DataSize`), checked when present.
    pub expected_size: Option<u64>,
    pub kind: MediaKind,
}

#[derive(Debug, Clone, Default)]
pub struct EngineOptions {
    /// Bytes per second; `None` = unlimited.
    pub rate_limit: Option<u64>,
    /// Download again even if the final file exists.
    pub force_overwrite: bool,
    /// On a 403, stop and let the caller refresh the page (new cookies and URLs) instead of
    /// moving on to the next mirror.
    pub stop_on_forbidden: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileStatus {
    Downloaded,
    AlreadyPresent,
}

#[derive(Debug, Clone)]
pub struct FileOutcome {
    pub path: PathBuf,
    pub bytes: u64,
    pub status: FileStatus,
    /// Index into `MediaRequest::urls` of the mirror that delivered.
    pub mirror: usize,
}

const WRITE_BUFFER: usize = 1 << 20;
/// Ask the kernel to write the file out every this many bytes, in the background, so that the
/// fsync before the rename only waits for the tail instead of the whole file.
const EARLY_SYNC_EVERY: u64 = 64 << 20;
/// No data for this long: flush the write buffer to the `.part`.
const IDLE_FLUSH: Duration = Duration::from_millis(200);
/// Attempts on one mirror that make no progress before moving on.
const STALLED_ATTEMPTS: u32 = 4;

/// `NAME.part`, shortened so that it still fits a 255-byte file name.
pub fn part_path(dest: &Path) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "download".into());
    let mut cut = name.len().min(255 - ".part".len());
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    dest.with_file_name(format!("{}.part", &name[..cut]))
}

/// Fetches `req` into `req.dest`, trying each mirror in turn.
pub async fn fetch(
    http: &HttpClient,
    req: &MediaRequest,
    opts: &EngineOptions,
    progress: Option<&ProgressFn>,
) -> Result<FileOutcome, Error> {
    // Two posts whose names render the same must not write one `.part` at once.
    let _claim = DestClaim::new(&req.dest)?;
    if !opts.force_overwrite
        && let Ok(meta) = tokio::fs::symlink_metadata(&req.dest).await
    {
        if meta.is_file() && req.expected_size.is_none_or(|n| n == meta.len()) {
            return Ok(FileOutcome {
                path: req.dest.clone(),
                bytes: meta.len(),
                status: FileStatus::AlreadyPresent,
                mirror: 0,
            });
        }
        if !meta.is_file() {
            return Err(Error::Config(format!(
                "{} exists and is not a regular file; refusing to replace it",
                req.dest.display()
            )));
        }
    }
    let part = part_path(&req.dest);
    refuse_symlink(&part).await?;
    refuse_symlink(&req.dest).await?;
    let mut last_err = None;
    for (i, url) in req.urls.iter().enumerate() {
        match fetch_one(http, url, &part, req, opts, progress).await {
            Ok(bytes) => {
                finish(&part, &req.dest).await?;
                return Ok(FileOutcome {
                    path: req.dest.clone(),
                    bytes,
                    status: FileStatus::Downloaded,
                    mirror: i,
                });
            }
            Err(e) => {
                let forbidden = matches!(
                    &e,
                    Error::Connection {
                        reason: ConnectionReason::Status(403),
                        ..
                    }
                );
                if forbidden && opts.stop_on_forbidden {
                    return Err(e);
                }
                if i + 1 < req.urls.len() {
                    tracing::warn!("{e}; trying the next mirror");
                }
                last_err = Some(e);
            }
        }
    }
    Err(last_err
        .unwrap_or_else(|| Error::Config(format!("no URL to download {}", req.dest.display()))))
}

/// Destinations being written in this process.
fn active() -> &'static Mutex<HashSet<PathBuf>> {
    static ACTIVE: OnceLock<Mutex<HashSet<PathBuf>>> = OnceLock::new();
    ACTIVE.get_or_init(Default::default)
}

/// Exclusive use of a destination for the duration of one download.
struct DestClaim(PathBuf);

impl DestClaim {
    fn new(dest: &Path) -> Result<Self, Error> {
        let mut set = active().lock().unwrap_or_else(|e| e.into_inner());
        if !set.insert(dest.to_owned()) {
            return Err(Error::Config(format!(
                "{} is already being written by another post in this run; make the output \
                 template unique, e.g. with %(id)s",
                dest.display()
            )));
        }
        Ok(Self(dest.to_owned()))
    }
}

impl Drop for DestClaim {
    fn drop(&mut self) {
        active()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.0);
    }
}

/// A `.part` or final path that is a symlink could write anywhere: never follow it.
async fn refuse_symlink(path: &Path) -> Result<(), Error> {
    match tokio::fs::symlink_metadata(path).await {
        Ok(m) if m.file_type().is_symlink() => Err(Error::Config(format!(
            "{} is a symbolic link; refusing to write through it",
            path.display()
        ))),
        _ => Ok(()),
    }
}

/// fsync the `.part`, rename it into place, fsync the folder so the rename survives a crash.
async fn finish(part: &Path, dest: &Path) -> Result<(), Error> {
    let io =
        |what: &str, e: std::io::Error| Error::Config(format!("{what} {}: {e}", dest.display()));
    let f = File::open(part)
        .await
        .map_err(|e| io("cannot reopen the download for", e))?;
    f.sync_all().await.map_err(|e| io("cannot flush", e))?;
    drop(f);
    tokio::fs::rename(part, dest)
        .await
        .map_err(|e| io("cannot rename the finished download to", e))?;
    if let Some(dir) = dest.parent()
        && let Ok(d) = File::open(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        })
        .await
    {
        // Best effort: some filesystems refuse to fsync a directory.
        let _ = d.sync_all().await;
    }
    Ok(())
}

/// Downloads from one URL into `part`, resuming as needed. Returns the final size.
async fn fetch_one(
    http: &HttpClient,
    url: &str,
    part: &Path,
    req: &MediaRequest,
    opts: &EngineOptions,
    progress: Option<&ProgressFn>,
) -> Result<u64, Error> {
    let op = Operation::Download;
    let parsed = reqwest::Url::parse(url).map_err(|_| {
        Error::connection(ConnectionReason::Other("invalid media URL".into()), op, url)
    })?;
    let policy = http.retry_policy();
    let mut failures = 0u32;
    let mut stalled = 0u32;
    loop {
        let have = file_len(part).await;
        let outcome = attempt(http, &parsed, part, have, req, opts, progress).await;
        match outcome {
            Ok(Attempt::Done(n)) => return Ok(n),
            Ok(Attempt::Restart) => {
                // The server could not continue the part (Range ignored or answered wrongly):
                // start over from zero rather than splice mismatched bytes.
                truncate(part).await?;
                failures += 1;
                if failures > policy.retries + 1 {
                    return Err(Error::connection(
                        ConnectionReason::Other(
                            "server keeps answering Range requests wrongly".into(),
                        ),
                        op,
                        url,
                    ));
                }
            }
            Err((err, retry_after)) => {
                let gained = file_len(part).await > have;
                if gained {
                    // Progress was made: a drop mid-body is not a strike against the mirror.
                    stalled = 0;
                } else {
                    stalled += 1;
                }
                if !err.is_transient() || stalled > policy.retries.clamp(1, STALLED_ATTEMPTS) {
                    return Err(err);
                }
                let pause = if gained {
                    Duration::ZERO
                } else {
                    policy.delay(stalled - 1, retry_after, rand::random::<f64>())
                };
                tracing::warn!("{err}; resuming in {:.1}s", pause.as_secs_f64());
                http.stats().retry();
                tokio::time::sleep(pause).await;
            }
        }
    }
}

enum Attempt {
    Done(u64),
    Restart,
}

type AttemptError = (Error, Option<Duration>);

async fn file_len(path: &Path) -> u64 {
    tokio::fs::metadata(path)
        .await
        .map(|m| m.len())
        .unwrap_or(0)
}

async fn truncate(path: &Path) -> Result<(), Error> {
    match File::create(path).await {
        Ok(_) => Ok(()),
        Err(e) => Err(Error::Config(format!(
            "cannot write {}: {e}",
            path.display()
        ))),
    }
}

/// Parses `Content-Range: bytes START-END/TOTAL`.
fn content_range(headers: &HeaderMap) -> Option<(u64, u64, Option<u64>)> {
    let v = headers.get(header::CONTENT_RANGE)?.to_str().ok()?;
    let rest = v.trim().strip_prefix("bytes ")?;
    let (span, total) = rest.split_once('/')?;
    let total = if total == "*" {
        None
    } else {
        Some(total.parse().ok()?)
    };
    if span == "*" {
        return total.map(|t| (t, t, Some(t)));
    }
    let (a, b) = span.split_once('-')?;
    Some((a.parse().ok()?, b.parse().ok()?, total))
}

/// Whether the first bytes look like an HTML page or a JSON document rather than media.
fn looks_like_text_page(first: &[u8]) -> bool {
    let s = first
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take(15)
        .copied()
        .collect::<Vec<u8>>();
    let lower = s.to_ascii_lowercase();
    lower.starts_with(b"<!doctype")
        || lower.starts_with(b"<html")
        || lower.starts_with(b"<?xml")
        || lower.starts_with(b"{")
        || lower.starts_with(b"[{")
        || lower.starts_with(b"<head")
}

async fn attempt(
    http: &HttpClient,
    url: &reqwest::Url,
    part: &Path,
    have: u64,
    req: &MediaRequest,
    opts: &EngineOptions,
    progress: Option<&ProgressFn>,
) -> Result<Attempt, AttemptError> {
    let op = Operation::Download;
    let u = url.as_str();
    let mut headers = HeaderMap::new();
    headers.insert(
        header::REFERER,
        HeaderValue::from_static("https://www.tiktok.com/"),
    );
    headers.insert(header::ACCEPT, HeaderValue::from_static("*/*"));
    // Media is already compressed; asking for identity keeps byte offsets meaningful for Range.
    headers.insert(
        header::ACCEPT_ENCODING,
        HeaderValue::from_static("identity"),
    );
    if have > 0 {
        let range = HeaderValue::from_str(&format!("bytes={have}-")).map_err(|_| {
            (
                Error::connection(ConnectionReason::Other("bad range".into()), op, u),
                None,
            )
        })?;
        headers.insert(header::RANGE, range);
    }
    tracing::debug!("GET {u} (from byte {have})");
    // media_request: counted in the stats, and through the post's proxy and User-Agent.
    let resp = http
        .media_request(url.clone())
        .headers(headers)
        .send()
        .await
        .map_err(|e| (from_reqwest(e, op, u), None))?;
    let status = resp.status();
    tracing::debug!("{status} {u}");
    if status.is_redirection() {
        return Err((
            Error::connection(
                ConnectionReason::Redirect("media URL redirected".into()),
                op,
                u,
            ),
            None,
        ));
    }
    if status == StatusCode::RANGE_NOT_SATISFIABLE && have > 0 {
        // Either the part is already complete or it is longer than the file: check.
        let total = content_range(resp.headers()).and_then(|(_, _, t)| t);
        if total == Some(have) && req.expected_size.is_none_or(|e| e == have) {
            return Ok(Attempt::Done(have));
        }
        return Ok(Attempt::Restart);
    }
    if !status.is_success() {
        let code = status.as_u16();
        let retry_after = retry_after_header(resp.headers());
        let reason = if code == 429 {
            ConnectionReason::RateLimited
        } else {
            ConnectionReason::Status(code)
        };
        let err = Error::connection(reason, op, u);
        return Err((
            err,
            if is_retryable_status(code) {
                retry_after
            } else {
                None
            },
        ));
    }
    let mut start = 0;
    let mut total = resp.content_length();
    if status == StatusCode::PARTIAL_CONTENT {
        match content_range(resp.headers()) {
            Some((a, _, t)) if a == have => {
                start = have;
                total = t.or(total.map(|n| n + have));
            }
            _ => {
                tracing::warn!("{u}: Content-Range does not match the requested range; restarting");
                return Ok(Attempt::Restart);
            }
        }
    } else if have > 0 {
        tracing::info!("{u}: server ignored the Range request; restarting from zero");
    }
    if let (Some(t), Some(e)) = (total, req.expected_size)
        && t != e
    {
        let msg = format!("server announces {t} bytes but TikTok said {e}");
        return Err((Error::connection(ConnectionReason::Other(msg), op, u), None));
    }
    let ctype = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if req.kind != MediaKind::Subtitle
        && (ctype.starts_with("text/html") || ctype.starts_with("application/json"))
    {
        let msg = format!("server sent {ctype} instead of media");
        return Err((Error::connection(ConnectionReason::Other(msg), op, u), None));
    }

    let file = if start == 0 {
        File::create(part).await
    } else {
        OpenOptions::new().append(true).open(part).await
    }
    .map_err(|e| {
        (
            Error::Config(format!("cannot write {}: {e}", part.display())),
            None,
        )
    })?;
    let early_sync = match file.try_clone().await {
        Ok(f) => Some(Arc::new(f.into_std().await)),
        Err(_) => None,
    };
    let mut next_sync = start + EARLY_SYNC_EVERY;
    let mut syncing: Option<tokio::task::JoinHandle<()>> = None;
    let mut out = BufWriter::with_capacity(WRITE_BUFFER, file);
    let mut written = start;
    let mut checked_magic = start > 0 || req.kind == MediaKind::Subtitle;
    let mut stream = resp.bytes_stream();
    let began = Instant::now();
    let mut paced: u64 = 0;
    // Set when what arrived is wrong (not merely short): the part must not be resumed.
    let mut poisoned = false;
    let write_err = |e: std::io::Error| {
        (
            Error::Config(format!("cannot write {}: {e}", part.display())),
            None,
        )
    };
    let result: Result<(), AttemptError> = async {
        loop {
            // A quiet connection gets what is buffered written out, so that a stalled download
            // interrupted now (Ctrl-C) keeps every byte received in its `.part`.
            let next = match tokio::time::timeout(IDLE_FLUSH, stream.next()).await {
                Ok(next) => next,
                Err(_) => {
                    out.flush().await.map_err(write_err)?;
                    stream.next().await
                }
            };
            let Some(chunk) = next else { break };
            let chunk = chunk.map_err(|e| (from_reqwest(e, op, u), None))?;
            if !checked_magic {
                checked_magic = true;
                if looks_like_text_page(&chunk) {
                    poisoned = true;
                    let msg = "server sent a web page instead of media".to_owned();
                    return Err((Error::connection(ConnectionReason::Other(msg), op, u), None));
                }
            }
            if total.is_some_and(|t| written + chunk.len() as u64 > t) {
                poisoned = true;
                let msg = "server sent more bytes than it announced".to_owned();
                return Err((Error::connection(ConnectionReason::Other(msg), op, u), None));
            }
            out.write_all(&chunk).await.map_err(write_err)?;
            written += chunk.len() as u64;
            if written >= next_sync
                && let Some(f) = &early_sync
                && syncing.as_ref().is_none_or(|h| h.is_finished())
            {
                next_sync = written + EARLY_SYNC_EVERY;
                let f = f.clone();
                // Durability is still ensured by the fsync in `finish`; this only starts it early.
                syncing = Some(tokio::task::spawn_blocking(move || {
                    let _ = f.sync_data();
                }));
            }
            if let Some(p) = progress {
                p(written, total);
            }
            if let Some(rate) = opts.rate_limit.filter(|r| *r > 0) {
                paced += chunk.len() as u64;
                let due = Duration::from_secs_f64(paced as f64 / rate as f64);
                let elapsed = began.elapsed();
                if due > elapsed {
                    tokio::time::sleep(due - elapsed).await;
                }
            }
        }
        Ok(())
    }
    .await;
    // Whatever happened, keep what arrived: it is a correct prefix to resume from.
    out.flush().await.map_err(write_err)?;
    drop(out);
    if let Some(h) = syncing {
        let _ = h.await;
    }
    if let Err((err, ra)) = result {
        if poisoned || written == 0 {
            let _ = tokio::fs::remove_file(part).await;
        }
        return Err((err, ra));
    }
    match total {
        Some(t) if written < t => {
            // The body ended early (dropped connection or a short body): resume from here.
            let msg = format!("connection closed after {written} of {t} bytes");
            Err((Error::connection(ConnectionReason::Other(msg), op, u), None))
        }
        _ => {
            if let Some(e) = req.expected_size
                && written != e
            {
                let msg = format!("got {written} bytes but TikTok announced {e}");
                let _ = tokio::fs::remove_file(part).await;
                return Err((Error::connection(ConnectionReason::Other(msg), op, u), None));
            }
            Ok(Attempt::Done(written))
        }
    }
}

/// Parses a rate such as `500K`, `2M`, `1.5M` or `1048576` (binary multiples, like yt-dlp).
pub fn parse_rate(s: &str) -> Option<u64> {
    let s = s.trim();
    let (num, mult) = match s.char_indices().last()? {
        (i, c) if c.is_ascii_alphabetic() => {
            let m: u64 = match c.to_ascii_uppercase() {
                'K' => 1 << 10,
                'M' => 1 << 20,
                'G' => 1 << 30,
                'B' => 1,
                _ => return None,
            };
            (&s[..i], m)
        }
        _ => (s, 1),
    };
    let n: f64 = num.trim().parse().ok()?;
    (n.is_finite() && n > 0.0).then_some((n * mult as f64) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_destination_one_writer() {
        let a = DestClaim::new(Path::new("claims/same.mp4")).unwrap();
        let err = DestClaim::new(Path::new("claims/same.mp4")).err().unwrap();
        assert!(err.to_string().contains("%(id)s"));
        drop(a);
        assert!(DestClaim::new(Path::new("claims/same.mp4")).is_ok());
    }

    #[test]
    fn rates() {
        assert_eq!(parse_rate("2M"), Some(2 << 20));
        assert_eq!(parse_rate("500k"), Some(500 << 10));
        assert_eq!(parse_rate("1.5M"), Some(1_572_864));
        assert_eq!(parse_rate("1000"), Some(1000));
        assert_eq!(parse_rate("fast"), None);
        assert_eq!(parse_rate("-1M"), None);
    }

    #[test]
    fn part_names_fit() {
        assert_eq!(
            part_path(Path::new("/d/a.mp4")),
            PathBuf::from("/d/a.mp4.part")
        );
        let long = "é".repeat(127) + ".m"; // 256 bytes
        let p = part_path(&Path::new("/d").join(&long));
        assert!(p.file_name().unwrap().len() <= 255);
        assert!(p.to_string_lossy().ends_with(".part"));
    }

    #[test]
    fn content_ranges() {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_RANGE,
            HeaderValue::from_static("bytes 100-199/1000"),
        );
        assert_eq!(content_range(&h), Some((100, 199, Some(1000))));
        h.insert(
            header::CONTENT_RANGE,
            HeaderValue::from_static("bytes */1000"),
        );
        assert_eq!(content_range(&h), Some((1000, 1000, Some(1000))));
        h.insert(header::CONTENT_RANGE, HeaderValue::from_static("garbage"));
        assert_eq!(content_range(&h), None);
    }

    #[test]
    fn text_pages_are_detected() {
        assert!(looks_like_text_page(b"<!DOCTYPE html><html>"));
        assert!(looks_like_text_page(b"  <html>"));
        assert!(looks_like_text_page(b"{\"statusCode\":0}"));
        assert!(!looks_like_text_page(b"\x00\x00\x00\x20ftypisom"));
        assert!(!looks_like_text_page(b"\xff\xd8\xff\xe0"));
        assert!(!looks_like_text_page(b"ID3\x03"));
    }
}
