//! The download engine: one media file from a list of mirror URLs to disk, never leaving a broken
//! file under its final name.
//!
//! Bytes stream into `NAME.part`; a dropped connection resumes with a Range request from the
//! byte reached; the result is checked against Content-Length / Content-Range and TikTok's
//! `DataSize`, flushed, fsynced and only then renamed to `NAME`.
//!
//! Beside the `.part`, `NAME.part.meta` records which rendition (format id and announced size)
//! wrote it, so that no other rendition ever resumes it, and is the lock (`flock`) that keeps two
//! tikdl processes from writing the same file at once. Files are opened with `O_NOFOLLOW`: a
//! symlink at the `.part`, the record or the final name is refused, never written through.

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
use crate::safe_path::{meta_path, part_path};
use crate::tags::{self, EmbedOutcome, TagData, TagFormat};

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

impl MediaKind {
    /// The most bytes accepted for a file of this kind when neither TikTok (`DataSize`) nor the
    /// server (Content-Length) announced its size; see [`MAX_UNKNOWN_VIDEO`] and the others.
    pub fn size_cap(self) -> u64 {
        match self {
            Self::Video => MAX_UNKNOWN_VIDEO,
            Self::Audio => MAX_UNKNOWN_AUDIO,
            Self::Image => MAX_UNKNOWN_IMAGE,
            Self::Subtitle => MAX_UNKNOWN_SUBTITLE,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Self::Video => "a video",
            Self::Audio => "an audio file",
            Self::Image => "an image",
            Self::Subtitle => "a subtitle file",
        }
    }
}

// Size limits for files whose size nobody announced (a server can otherwise stream without end
// and fill the disk). A download that reaches its limit fails with "more than the N-byte limit";
// the README's troubleshooting section lists them. When the size is announced (TikTok's
// `DataSize` or Content-Length), the limit is that size exactly.
/// Videos of unknown size: 4 GiB (TikTok's longest uploads are far below it).
pub const MAX_UNKNOWN_VIDEO: u64 = 4 << 30;
/// Audio tracks of unknown size: 4 GiB.
pub const MAX_UNKNOWN_AUDIO: u64 = 4 << 30;
/// Images (slideshow pictures, thumbnails) of unknown size: 50 MiB.
pub const MAX_UNKNOWN_IMAGE: u64 = 50 << 20;
/// Subtitle files of unknown size: 10 MiB.
pub const MAX_UNKNOWN_SUBTITLE: u64 = 10 << 20;

/// curl's `--speed-limit`/`--speed-time` idea: an attempt that receives fewer than
/// `bytes_per_sec` on average over `window` is abandoned as too slow (then resumed, by the usual
/// retry policy). `--timeout` alone cannot catch a server that sends one byte a second. Defined
/// beside the bounded reader, which cuts small fetches at the same limit.
pub use crate::http::{LOW_SPEED_LIMIT, LOW_SPEED_TIME, LowSpeed};

/// Start of the message of an attempt stopped by the low-speed limit.
const TOO_SLOW: &str = "transfer too slow";

/// One file to fetch.
#[derive(Debug, Clone)]
pub struct MediaRequest {
    /// The preferred URL first, then its mirrors.
    pub urls: Vec<String>,
    pub dest: PathBuf,
    /// TikTok's announced size (`DataSize`), checked when present.
    pub expected_size: Option<u64>,
    pub kind: MediaKind,
    /// What writes the file (a format id, or `thumbnail`, `audio`, ...): a `.part` is resumed
    /// only by the same rendition with the same announced size.
    pub rendition: String,
    /// Sizes of the post's other renditions: a final file of one of these sizes is this post's
    /// own (saved by an earlier run or another tikdl) and counts as already downloaded.
    pub sibling_sizes: Vec<u64>,
    /// Tags to write into the file once it is complete (`--embed-metadata`/`--embed-thumbnail`).
    pub tag: Option<TagJob>,
    /// The post this file belongs to: a final file tikdl tagged names it (see
    /// [`tags::tagged_for_post`]), which is how a tagged copy is told from another post's file.
    pub post_id: Option<String>,
}

/// What [`tags::embed`] writes into a finished download, on its `.part` before the rename.
#[derive(Debug, Clone)]
pub struct TagJob {
    pub format: TagFormat,
    pub meta: Option<TagData>,
    /// The cover image (JPEG or PNG) for `--embed-thumbnail`.
    pub cover: Option<Vec<u8>>,
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
    /// Abandon an attempt slower than this (`None`: never).
    pub low_speed: Option<LowSpeed>,
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
    /// What tagging did, for a file downloaded with a [`TagJob`] (`None` otherwise, and for a
    /// file already present).
    pub tags: Option<EmbedOutcome>,
}

const WRITE_BUFFER: usize = 1 << 20;
/// Ask the kernel to write the file out every this many bytes, in the background, so that the
/// fsync before the rename only waits for the tail instead of the whole file.
const EARLY_SYNC_EVERY: u64 = 64 << 20;
/// No data for this long: flush the write buffer to the `.part`.
const IDLE_FLUSH: Duration = Duration::from_millis(200);
/// Attempts on one mirror that make no progress before moving on.
const STALLED_ATTEMPTS: u32 = 4;
/// How often a process waiting for another tikdl's lock on a file tries again.
const LOCK_POLL: Duration = Duration::from_millis(250);

/// Ignore SIGXFSZ, so that a write beyond the file size limit (`ulimit -f`) fails with EFBIG,
/// reported as a clear error, instead of killing the process without a word. Call once at start.
pub fn ignore_sigxfsz() {
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to SIG_IGN installs no handler code.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

/// Options that never follow a symlink at the file itself (`O_NOFOLLOW`): opening one fails
/// with ELOOP, reported by [`open_error`] as a refusal.
pub fn nofollow() -> std::fs::OpenOptions {
    let mut o = std::fs::OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK: a FIFO planted at the name must not hang the open (write-only fails with
        // ENXIO, read-write succeeds and `ensure_regular` refuses it); no effect on regular files.
        o.custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC | libc::O_NONBLOCK);
    }
    o
}

/// The error for a failed open of a file tikdl writes: a symlink is refused by name, anything
/// else is a local error (disk full, read-only, permission, not a folder).
pub fn open_error(e: std::io::Error, what: &str, path: &Path) -> Error {
    #[cfg(unix)]
    if e.raw_os_error() == Some(libc::ELOOP) {
        return symlink_refused(path);
    }
    #[cfg(unix)]
    if e.raw_os_error() == Some(libc::ENXIO) || e.kind() == std::io::ErrorKind::IsADirectory {
        return not_regular(path);
    }
    Error::local(e, what, path)
}

/// Refuses anything but a regular file at a name tikdl writes: a FIFO would block for ever, a
/// device would swallow the bytes, a folder is someone's data.
pub fn ensure_regular(meta: std::io::Result<std::fs::Metadata>, path: &Path) -> Result<(), Error> {
    match meta {
        Ok(m) if m.is_file() => Ok(()),
        Ok(_) => Err(not_regular(path)),
        Err(e) => Err(Error::local(e, "checking", path)),
    }
}

fn not_regular(path: &Path) -> Error {
    Error::Config(format!(
        "{} exists and is not a regular file (a folder, FIFO or device); refusing to use it \
         (remove it or choose another name)",
        path.display()
    ))
}

pub(crate) fn symlink_refused(path: &Path) -> Error {
    Error::Config(format!(
        "{} is a symbolic link; refusing to write through it (remove it or choose another name)",
        path.display()
    ))
}

/// Whether an error ends the whole file (and the post): another mirror or rendition would
/// write to the same place and fail the same way.
pub fn is_local(e: &Error) -> bool {
    matches!(e, Error::Local { .. } | Error::Config(_))
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
    let part = part_path(&req.dest);
    refuse_symlink(&part).await?;
    refuse_symlink(&req.dest).await?;
    // A complete file needs no lock (nor a writable folder): the final name only ever gets a
    // complete file, by rename.
    if let Some(done) = existing(req, opts).await? {
        return Ok(done);
    }
    // ... nor two tikdl processes.
    let lock = PartLock::acquire(&req.dest).await?;
    let out = fetch_locked(http, req, opts, progress, &part, &lock).await;
    if tokio::fs::symlink_metadata(&part).await.is_err() {
        // Nothing left to resume: the record goes too.
        lock.remove();
    }
    out
}

/// The final file, when it is already there and complete (and overwriting was not asked for).
async fn existing(req: &MediaRequest, opts: &EngineOptions) -> Result<Option<FileOutcome>, Error> {
    if opts.force_overwrite {
        return Ok(None);
    }
    let Ok(meta) = tokio::fs::symlink_metadata(&req.dest).await else {
        return Ok(None);
    };
    if !meta.is_file() {
        return Err(Error::Config(format!(
            "{} exists and is not a regular file; refusing to replace it",
            req.dest.display()
        )));
    }
    if let Some(want) = req.expected_size
        && want != meta.len()
        && !req.sibling_sizes.contains(&meta.len())
        && !tagged_copy(req, meta.len()).await
    {
        // Another file lives at this name: another rendition, another post whose name renders
        // the same, or the user's own file. Replacing it silently would lose data.
        return Err(Error::Config(format!(
            "{} already exists with {} bytes, but this rendition has {want}: it is another \
             rendition or another file, so it is kept; use --force-overwrites to replace it, or \
             put %(id)s in -o so posts get names of their own",
            req.dest.display(),
            meta.len()
        )));
    }
    Ok(Some(FileOutcome {
        path: req.dest.clone(),
        bytes: meta.len(),
        status: FileStatus::AlreadyPresent,
        mirror: 0,
        tags: None,
    }))
}

/// Whether the final file, `len` bytes where the rendition announced fewer, is this post's file
/// as an earlier tagging run left it: tags only ever grow a file, and the file must carry
/// tikdl's own tags naming this post (encoder mark and post URL). Another post's tagged file,
/// or a user's file, is still refused.
async fn tagged_copy(req: &MediaRequest, len: u64) -> bool {
    let (Some(post_id), Some(want)) = (req.post_id.clone(), req.expected_size) else {
        return false;
    };
    // Whether or not this run tags: a file an earlier run tagged is this post's file either way.
    let format = req.tag.as_ref().map(|j| j.format).or_else(|| {
        req.dest
            .extension()
            .and_then(|e| e.to_str())
            .and_then(tags::TagFormat::from_ext)
    });
    let Some(format) = format else {
        return false;
    };
    if len <= want {
        return false;
    }
    let path = req.dest.clone();
    tokio::task::spawn_blocking(move || tags::tagged_for_post(&path, format, &post_id))
        .await
        .unwrap_or(false)
}

async fn fetch_locked(
    http: &HttpClient,
    req: &MediaRequest,
    opts: &EngineOptions,
    progress: Option<&ProgressFn>,
    part: &Path,
    lock: &PartLock,
) -> Result<FileOutcome, Error> {
    // Again under the lock: another tikdl may have finished the file while this one waited.
    if let Some(done) = existing(req, opts).await? {
        return Ok(done);
    }
    // A `.part` is resumed only by the rendition that wrote it (D1): another one's bytes
    // would splice two encodes into one file.
    let record = part_record(req);
    let previous = lock.read();
    // A `.part` marked as being tagged is not raw bytes any more (and may be half rewritten):
    // `previous` differs from `record` by that mark, so it is started over below.
    if tokio::fs::symlink_metadata(part).await.is_ok() && previous != record {
        tracing::info!(
            "{} was left by {}; starting over",
            part.display(),
            record_owner(&previous)
        );
        tokio::fs::remove_file(part)
            .await
            .map_err(|e| Error::local(e, "removing", part))?;
    }
    lock.write(&record)?;
    let mut last_err = None;
    for (i, url) in req.urls.iter().enumerate() {
        match fetch_one(http, url, part, req, opts, progress).await {
            Ok(bytes) => {
                let (bytes, tags) = match &req.tag {
                    Some(job) => tag_part(part, job, lock, &record).await?,
                    None => (bytes, None),
                };
                finish(part, &req.dest, bytes).await?;
                return Ok(FileOutcome {
                    path: req.dest.clone(),
                    bytes,
                    status: FileStatus::Downloaded,
                    mirror: i,
                    tags,
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
                if (forbidden && opts.stop_on_forbidden) || is_local(&e) {
                    // A local failure (disk full, read-only, a symlink) would meet every mirror.
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

/// Tags the complete `.part` in place (before `finish` fsyncs and renames it) and returns its
/// new length, which `finish` checks instead of the downloaded count. The record is marked first:
/// a crash from here to the rename leaves a `.part` that is started over, never resumed.
async fn tag_part(
    part: &Path,
    job: &TagJob,
    lock: &PartLock,
    record: &str,
) -> Result<(u64, Option<EmbedOutcome>), Error> {
    lock.write(&format!("{record}{TAGGING_MARK}"))?;
    let (path, job) = (part.to_owned(), job.clone());
    let outcome = tokio::task::spawn_blocking(move || {
        tags::embed(&path, job.format, job.meta.as_ref(), job.cover.as_deref())
    })
    .await
    .map_err(|e| Error::local(std::io::Error::other(e.to_string()), "tagging", part))?
    .map_err(|e| {
        let (source, action, path) = e.into_parts();
        Error::local(source, action, &path)
    })?;
    let len = tokio::fs::symlink_metadata(part)
        .await
        .map_err(|e| Error::local(e, "checking", part))?
        .len();
    Ok((len, Some(outcome)))
}

/// Appended to a `.part`'s record while it is being tagged.
const TAGGING_MARK: &str = "tagging: started\n";

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

/// What `NAME.part.meta` holds: the rendition and announced size that wrote `NAME.part`.
fn part_record(req: &MediaRequest) -> String {
    let rendition: String = req
        .rendition
        .chars()
        .map(|c| if c.is_control() { '_' } else { c })
        .collect();
    let size = req
        .expected_size
        .map_or_else(|| "unknown".to_owned(), |n| n.to_string());
    format!("tikdl partial download\nrendition: {rendition}\nsize: {size}\n")
}

fn record_owner(record: &str) -> String {
    let field = |k: &str| {
        record
            .lines()
            .find_map(|l| l.strip_prefix(k))
            .map(str::trim)
            .unwrap_or("?")
            .to_owned()
    };
    if record.starts_with("tikdl partial download") {
        format!(
            "another rendition ({}, {} bytes)",
            field("rendition:"),
            field("size:")
        )
    } else {
        "an unknown download (no record of its rendition)".to_owned()
    }
}

/// The exclusive `flock` on `NAME.part.meta`, held from the check of the final name to the
/// rename, so that two tikdl processes never append to one `.part` (D2). A second process waits
/// for the first, then finds the file complete.
struct PartLock {
    file: Option<std::fs::File>,
    path: PathBuf,
}

impl PartLock {
    async fn acquire(dest: &Path) -> Result<Self, Error> {
        let path = meta_path(dest);
        let mut warned = false;
        loop {
            let file = nofollow()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| open_error(e, "creating", &path))?;
            ensure_regular(file.metadata(), &path)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    if !warned {
                        warned = true;
                        tracing::warn!(
                            "{} is being downloaded by another tikdl; waiting for it to finish",
                            dest.display()
                        );
                    }
                    drop(file);
                    tokio::time::sleep(LOCK_POLL).await;
                    continue;
                }
                Err(std::fs::TryLockError::Error(e)) if lock_unsupported(&e) => {
                    // Some network file systems have no locks: go on without one.
                    tracing::debug!("no file lock on {}: {e}", path.display());
                    return Ok(Self {
                        file: Some(file),
                        path,
                    });
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(Error::local(e, "locking", &path));
                }
            }
            // The previous holder removes the record when done: the lock must be on the file
            // now at the path, not on the removed one.
            if same_file(&file, &path) {
                return Ok(Self {
                    file: Some(file),
                    path,
                });
            }
        }
    }

    fn read(&self) -> String {
        use std::io::{Read, Seek};
        let mut s = String::new();
        if let Some(mut f) = self.file.as_ref() {
            let _ = f.seek(std::io::SeekFrom::Start(0));
            let _ = f.take(4096).read_to_string(&mut s);
        }
        s
    }

    fn write(&self, record: &str) -> Result<(), Error> {
        use std::io::{Seek, Write};
        let Some(mut f) = self.file.as_ref() else {
            return Ok(());
        };
        let io = |e| Error::local(e, "writing", &self.path);
        f.set_len(0).map_err(io)?;
        f.seek(std::io::SeekFrom::Start(0)).map_err(io)?;
        f.write_all(record.as_bytes()).map_err(io)
    }

    /// Removes the record while still holding the lock, then releases it.
    fn remove(mut self) {
        let _ = std::fs::remove_file(&self.path);
        self.file = None;
    }
}

fn lock_unsupported(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        matches!(
            e.raw_os_error(),
            Some(libc::ENOLCK | libc::EOPNOTSUPP | libc::ENOSYS)
        )
    }
    #[cfg(not(unix))]
    {
        e.kind() == std::io::ErrorKind::Unsupported
    }
}

fn same_file(file: &std::fs::File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::symlink_metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}

/// A `.part` or final path that is a symlink could write anywhere: never follow it.
async fn refuse_symlink(path: &Path) -> Result<(), Error> {
    match tokio::fs::symlink_metadata(path).await {
        Ok(m) if m.file_type().is_symlink() => Err(symlink_refused(path)),
        _ => Ok(()),
    }
}

/// Checks the `.part` file's own size (fstat) against what was downloaded, fsyncs it, renames
/// it into place, fsyncs the folder so the rename survives a crash.
async fn finish(part: &Path, dest: &Path, bytes: u64) -> Result<(), Error> {
    let f = nofollow()
        .read(true)
        .open(part)
        .map_err(|e| open_error(e, "reopening", part))?;
    let meta = f.metadata();
    let on_disk = meta.as_ref().map_or(0, |m| m.len());
    ensure_regular(meta, part)?;
    if on_disk != bytes {
        // Something else wrote to the file (an older tikdl, another program): never rename it.
        let _ = tokio::fs::remove_file(part).await;
        return Err(Error::Config(format!(
            "{} holds {on_disk} bytes but {bytes} were downloaded: another program wrote to it; \
             it was removed, run tikdl again",
            part.display()
        )));
    }
    let f = File::from_std(f);
    f.sync_all()
        .await
        .map_err(|e| Error::local(e, "flushing", part))?;
    drop(f);
    tokio::fs::rename(part, dest)
        .await
        .map_err(|e| Error::local(e, "renaming the finished download to", dest))?;
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
                let too_slow = matches!(
                    &err,
                    Error::Connection { reason: ConnectionReason::Other(m), .. } if m.starts_with(TOO_SLOW)
                );
                // Bytes trickling in must not keep a mirror alive forever.
                let gained = file_len(part).await > have && !too_slow;
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
    nofollow()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
        .map_err(|e| open_error(e, "writing", path))
        .and_then(|f| ensure_regular(f.metadata(), path))
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
        return Err((
            Error::connection(ConnectionReason::BadMedia(msg), op, u),
            None,
        ));
    }
    // No byte beyond the announced size, or beyond the kind's cap when nobody announced one (D3).
    let cap = req.kind.size_cap();
    let limit = total.or(req.expected_size).unwrap_or(cap);
    let over_limit = || match (total, req.expected_size) {
        (Some(_), _) => "server sent more bytes than it announced".to_owned(),
        (None, Some(e)) => format!("server sent more than the {e} bytes TikTok announced"),
        (None, None) => format!(
            "server sent more than the {cap}-byte limit for {} of unknown size",
            req.kind.noun()
        ),
    };
    if total.is_some_and(|t| t > cap) && req.expected_size.is_none() {
        let msg = format!(
            "server announces {} bytes, more than the {cap}-byte limit for {} of unknown size",
            total.unwrap_or(0),
            req.kind.noun()
        );
        return Err((
            Error::connection(ConnectionReason::BadMedia(msg), op, u),
            None,
        ));
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
        return Err((
            Error::connection(ConnectionReason::BadMedia(msg), op, u),
            None,
        ));
    }

    let mut oo = nofollow();
    if start == 0 {
        oo.write(true).create(true).truncate(true);
    } else {
        oo.append(true);
    }
    let file = OpenOptions::from(oo)
        .open(part)
        .await
        .map_err(|e| (open_error(e, "writing", part), None))?;
    ensure_regular(file.metadata().await, part).map_err(|e| (e, None))?;
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
    let write_err = |e: std::io::Error| (Error::local(e, "writing", part), None);
    // A --limit-rate below the low-speed limit must not trip it.
    let low_speed = opts
        .low_speed
        .filter(|l| l.bytes_per_sec > 0 && !l.window.is_zero())
        .filter(|l| {
            opts.rate_limit
                .is_none_or(|r| r == 0 || r > l.bytes_per_sec)
        });
    let mut window_start = Instant::now();
    let mut window_bytes: u64 = 0;
    // Some(message) once the average over the window falls under the limit.
    let mut too_slow = |got: u64| -> Option<String> {
        let l = low_speed?;
        window_bytes += got;
        let elapsed = window_start.elapsed();
        if elapsed < l.window {
            return None;
        }
        let want = (l.bytes_per_sec as f64 * elapsed.as_secs_f64()) as u64;
        if window_bytes < want {
            let msg = format!(
                "{TOO_SLOW}: {window_bytes} bytes in {:.0} s, under the low-speed limit of {} bytes/s \
                 for {} s (--low-speed-limit, --low-speed-time)",
                elapsed.as_secs_f64(),
                l.bytes_per_sec,
                l.window.as_secs()
            );
            return Some(msg);
        }
        window_start = Instant::now();
        window_bytes = 0;
        None
    };
    let slow_err = |msg: String| (Error::connection(ConnectionReason::Other(msg), op, u), None);
    let result: Result<(), AttemptError> = async {
        loop {
            // A quiet connection gets what is buffered written out, so that a stalled download
            // interrupted now (Ctrl-C) keeps every byte received in its `.part`.
            let mut flushed = false;
            let next = loop {
                match tokio::time::timeout(IDLE_FLUSH, stream.next()).await {
                    Ok(next) => break next,
                    Err(_) => {
                        if !flushed {
                            flushed = true;
                            out.flush().await.map_err(write_err)?;
                        }
                        if let Some(msg) = too_slow(0) {
                            return Err(slow_err(msg));
                        }
                    }
                }
            };
            let Some(chunk) = next else { break };
            let chunk = chunk.map_err(|e| (from_reqwest(e, op, u), None))?;
            if !checked_magic {
                checked_magic = true;
                if looks_like_text_page(&chunk) {
                    poisoned = true;
                    let msg = "server sent a web page instead of media".to_owned();
                    return Err((
                        Error::connection(ConnectionReason::BadMedia(msg), op, u),
                        None,
                    ));
                }
            }
            if written + chunk.len() as u64 > limit {
                poisoned = true;
                return Err((
                    Error::connection(ConnectionReason::BadMedia(over_limit()), op, u),
                    None,
                ));
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
            if let Some(msg) = too_slow(chunk.len() as u64) {
                return Err(slow_err(msg));
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
                return Err((
                    Error::connection(ConnectionReason::BadMedia(msg), op, u),
                    None,
                ));
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
    fn part_records_name_rendition_and_size() {
        let mut req = MediaRequest {
            urls: vec![],
            dest: PathBuf::from("a.mp4"),
            expected_size: Some(200_000),
            kind: MediaKind::Video,
            rendition: "adapt_lowest_1080_1".into(),
            sibling_sizes: vec![],
            tag: None,
            post_id: None,
        };
        let a = part_record(&req);
        assert!(
            a.contains("rendition: adapt_lowest_1080_1\nsize: 200000\n"),
            "{a}"
        );
        assert_eq!(
            record_owner(&a),
            "another rendition (adapt_lowest_1080_1, 200000 bytes)"
        );
        req.rendition = "adapt_lower_720_1".into();
        assert_ne!(part_record(&req), a);
        req.rendition = "a\nsize: 1".into();
        assert!(!part_record(&req).contains("\nsize: 1\n"));
        assert!(record_owner("").starts_with("an unknown download"));
    }

    #[test]
    fn size_caps_per_kind() {
        assert_eq!(MediaKind::Video.size_cap(), 4 << 30);
        assert_eq!(MediaKind::Image.size_cap(), 50 << 20);
        assert_eq!(MediaKind::Subtitle.size_cap(), 10 << 20);
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
