//! The download engine: one media file from a list of mirror URLs to disk, never leaving a broken
//! file under its final name.
//!
//! Bytes stream into `NAME.part`; a dropped connection resumes with a Range request from the
//! byte reached; the result is checked against Content-Length / Content-Range and TikTok's
//! `DataSize`, flushed, fsynced and only then renamed to `NAME`.
//!
//! Beside the `.part`, `NAME.part.meta` records which post, role and rendition (format id and
//! announced size) wrote it, and the total the first answer announced, so that no other file
//! ever resumes it and no resume answer with another total is believed; it is also the lock
//! (`flock`) that keeps two tikdl processes from writing the same file at once. Files are opened
//! with `O_NOFOLLOW`: a symlink at the `.part`, the record or the final name is refused, never
//! written through. All of them are opened, renamed and removed relative to the destination's
//! folder, held open from the start of the download ([`crate::folder`]): a folder swapped for a
//! link meanwhile never receives a byte, and the `.part` renamed into place is the very file
//! this download wrote (same device and inode), or nothing is renamed.
//!
//! A final file counts as already downloaded only with a proof that it is this post's (see
//! `provenance.rs` and ARCHITECTURE.md's Promises): the folder's manifest says so, tikdl's
//! own tags name the post, or its bytes equal what the post's URL serves.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap, HeaderValue};
use tokio::fs::File;
use tokio::io::{AsyncWriteExt, BufWriter};

use crate::error::{ConnectionReason, Error, Operation, from_reqwest};
use crate::folder::{Access, Folder};
use crate::http::HttpClient;
use crate::provenance;
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
    /// only by the same post, role and rendition with the same announced size.
    pub rendition: String,
    /// Which of the post's files this is (`video`, `audio`, `image N`, `thumbnail`,
    /// `subtitle LANG`), as the manifest records it.
    pub role: String,
    /// Tags to write into the file once it is complete (`--embed-metadata`/`--embed-thumbnail`).
    pub tag: Option<TagJob>,
    /// The post this file belongs to: recorded in the manifest and the `.part` record, and named
    /// by the tags tikdl writes (see [`tags::tagged_for_post`]).
    pub post_id: String,
    /// The folder nothing may be written outside of (`-P`), links resolved (canonical): the
    /// destination's folder is checked to lie within it again when it is opened for this file.
    pub within: Option<PathBuf>,
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
    /// The rendition the file is, when the manifest knows it as another rendition of this post
    /// than the one asked for (a better video kept from an earlier run).
    pub other_rendition: Option<String>,
}

const WRITE_BUFFER: usize = 1 << 20;
/// Ask the kernel to write the file out every this many bytes, in the background, so that the
/// fsync before the rename only waits for the tail instead of the whole file.
const EARLY_SYNC_EVERY: u64 = 64 << 20;
/// No data for this long: flush the write buffer to the `.part`.
const IDLE_FLUSH: Duration = Duration::from_millis(200);
/// Attempts on one mirror that make no progress before moving on.
const STALLED_ATTEMPTS: u32 = 4;
/// A resume asks again for this many bytes before the end of the `.part` and compares them with
/// what is on disk: a server now serving other bytes (the file changed on the CDN, another
/// encode, a lying cache) is caught there and the file starts over instead of splicing two
/// objects into one. No validator (ETag, If-Range) is needed, so it holds for servers that send
/// none or lie about it.
const RESUME_OVERLAP: u64 = 64 << 10;
/// How long a process waits for another tikdl's lock on a file while that one writes
/// nothing: longer than any pause a working download takes (a server's longest honoured
/// Retry-After, 5 minutes, plus the low-speed window), so only a stopped or hung holder
/// meets it.
const LOCK_STALL: Duration = Duration::from_secs(10 * 60);
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
    Error::refused(
        crate::error::LocalReason::NotRegularFile,
        path,
        format!(
            "{} exists and is not a regular file (a folder, FIFO or device); refusing to use it \
             (remove it or choose another name)",
            path.display()
        ),
    )
}

pub(crate) fn symlink_refused(path: &Path) -> Error {
    Error::refused(
        crate::error::LocalReason::SymlinkRefused,
        path,
        format!(
            "{} is a symbolic link; refusing to write through it (remove it or choose another \
             name)",
            path.display()
        ),
    )
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
    if req.dest.file_name() == Some(std::ffi::OsStr::new(provenance::MANIFEST_NAME)) {
        return Err(Error::Config(format!(
            "{} is the name of tikdl's record of whose files are in that folder; choose \
             another output template (-o)",
            req.dest.display()
        )));
    }
    // Two posts whose names render the same must not write one `.part` at once; the same post
    // given twice waits for the first, then finds its file proven.
    let _claim = DestClaim::new(&req.dest, &req.post_id).await?;
    let place = Place::new(&req.dest, req.within.as_deref())?;
    place.refuse_symlink(&place.part_name, &place.part)?;
    place.refuse_symlink(&place.dest_name, &req.dest)?;
    // A proven complete file needs no lock (nor a writable folder): the final name only ever
    // gets a complete file, by rename.
    if let Existing::Proven(done) = existing(req, opts, &place).await? {
        return Ok(done);
    }
    // ... nor two tikdl processes.
    let lock = PartLock::acquire(&place, &req.dest).await?;
    let out = fetch_locked(http, req, opts, progress, &place, &lock).await;
    if place.part_len().is_none() {
        // Nothing left to resume: the record goes too.
        lock.remove(&place);
    }
    out
}

/// Opens the folder of `dest`, checked to lie within `within` now that it is open: its name was
/// checked when rendered, but a link may have been put in its path since.
pub(crate) fn open_folder_within(dest: &Path, within: Option<&Path>) -> Result<Folder, Error> {
    let dir = dest.parent().unwrap_or(Path::new("."));
    let folder = Folder::of(dest).map_err(|e| open_error(e, "opening the folder", dir))?;
    match within {
        Some(base) if !folder.is_within(base) => Err(Error::Config(format!(
            "the folder {} no longer lies within the output folder {} (a link was put in its \
             path); nothing was written there",
            dir.display(),
            base.display()
        ))),
        _ => Ok(folder),
    }
}

/// Where one file is written: its folder, held open, and the names in it. The `.part` this
/// download opened last is remembered by identity, so that only that very file is renamed.
struct Place {
    folder: Folder,
    /// The final file, the `.part` and its record, as paths for messages.
    part: PathBuf,
    dest_name: std::ffi::OsString,
    part_name: std::ffi::OsString,
    meta_name: std::ffi::OsString,
    written: Mutex<Option<std::fs::Metadata>>,
}

impl Place {
    fn new(dest: &Path, within: Option<&Path>) -> Result<Self, Error> {
        let name = |p: &Path| p.file_name().map(ToOwned::to_owned).unwrap_or_default();
        let (part, meta) = (part_path(dest), meta_path(dest));
        let folder = open_folder_within(dest, within)?;
        Ok(Self {
            folder,
            dest_name: name(dest),
            part_name: name(&part),
            meta_name: name(&meta),
            part,
            written: Mutex::new(None),
        })
    }

    /// A `.part` or final name that is a symlink could write anywhere: never follow it. A
    /// folder, FIFO or device at the `.part` is someone's too: refused before anything (its
    /// lock record included) is made beside it.
    fn refuse_symlink(&self, name: &std::ffi::OsStr, shown: &Path) -> Result<(), Error> {
        match self.folder.metadata(name) {
            Ok(m) if m.file_type().is_symlink() => Err(symlink_refused(shown)),
            Ok(m) if !m.is_file() && name == self.part_name => Err(not_regular(shown)),
            _ => Ok(()),
        }
    }

    /// The `.part`'s length, `None` when there is none.
    fn part_len(&self) -> Option<u64> {
        self.folder.metadata(&self.part_name).ok().map(|m| m.len())
    }

    /// Opens the `.part` for writing (from the start, or appending) and remembers which file it is.
    fn open_part(&self, access: Access) -> Result<std::fs::File, Error> {
        let f = self
            .folder
            .open_file(&self.part_name, access, None)
            .map_err(|e| open_error(e, "writing", &self.part))?;
        let meta = f.metadata();
        if let Ok(m) = &meta {
            *self.written.lock().unwrap_or_else(|e| e.into_inner()) = Some(m.clone());
        }
        ensure_regular(meta, &self.part)?;
        Ok(f)
    }

    fn remove_part(&self) -> Result<(), Error> {
        match self.folder.remove(&self.part_name) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(Error::local(e, "removing", &self.part))
            }
            _ => Ok(()),
        }
    }

    /// Opens the `.part` for reading, refused unless it is the file this download wrote (the
    /// same device and inode): another program may have put another file at its name.
    fn own_part(&self) -> Result<std::fs::File, Error> {
        self.own_part_with(Access::Read)
    }

    fn own_part_with(&self, access: Access) -> Result<std::fs::File, Error> {
        let f = self
            .folder
            .open_file(&self.part_name, access, None)
            .map_err(|e| open_error(e, "reopening", &self.part))?;
        if f.metadata().is_ok_and(|m| self.wrote(&m)) {
            return Ok(f);
        }
        Err(Error::Config(format!(
            "{} is no longer the file this download wrote (another program replaced it); \
                 it is left as it is and nothing was saved; run tikdl again",
            self.part.display()
        )))
    }

    /// Whether `m` describes the file this download last opened for writing.
    fn wrote(&self, m: &std::fs::Metadata) -> bool {
        let ours = self.written.lock().unwrap_or_else(|e| e.into_inner());
        ours.as_ref()
            .is_some_and(|w| crate::folder::same_file(m, w))
    }

    /// The folder must still be where it was checked before anything is renamed into it.
    fn still_in_place(&self) -> Result<(), Error> {
        if self.folder.still_at_path() {
            return Ok(());
        }
        Err(Error::Config(format!(
            "the folder {} was moved or replaced while downloading, so nothing was saved in \
             it; its `.part` stays in the folder's new place; run tikdl again",
            self.folder.path().display()
        )))
    }
}

/// What is at the final name before a download.
enum Existing {
    /// Nothing (or `--force-overwrites`): download and rename.
    Absent,
    /// A file proven to be this post's (manifest, tikdl's tags): already downloaded.
    Proven(FileOutcome),
    /// A file that proves nothing (an older tikdl's, the user's): download to the `.part`, then
    /// adopt it only if its bytes are the same.
    Unproven(u64),
}

/// What the final name holds, and whether it is proven to be this post's file.
async fn existing(
    req: &MediaRequest,
    opts: &EngineOptions,
    place: &Place,
) -> Result<Existing, Error> {
    // Looked at even with --force-overwrites: a symlink at the manifest is refused either way.
    let entry = provenance::lookup(&place.folder, &place.dest_name)?;
    if opts.force_overwrite {
        return Ok(Existing::Absent);
    }
    let Ok(meta) = place.folder.metadata(&place.dest_name) else {
        return Ok(Existing::Absent);
    };
    if !meta.is_file() {
        return Err(Error::Config(format!(
            "{} exists and is not a regular file; refusing to replace it",
            req.dest.display()
        )));
    }
    let len = meta.len();
    let proven = |other_rendition: Option<String>| {
        Existing::Proven(FileOutcome {
            path: req.dest.clone(),
            bytes: len,
            status: FileStatus::AlreadyPresent,
            mirror: 0,
            tags: None,
            other_rendition,
        })
    };
    match entry {
        Some(e) if e.proves(&req.post_id, &req.role, len) => {
            let other = (*e.rendition != *req.rendition).then(|| e.rendition.to_string());
            return Ok(proven(other));
        }
        Some(e) if *e.post_id != *req.post_id => {
            return Err(not_this_posts(
                &req.dest,
                &format!("post {}'s {}", e.post_id, e.role),
            ));
        }
        Some(e) if *e.role != *req.role => {
            return Err(not_this_posts(
                &req.dest,
                &format!("this post's {}", e.role),
            ));
        }
        // This post's file, changed since it was recorded: it proves nothing any more.
        _ => {}
    }
    // Tags are bytes a CDN can forge: they prove the post only where the name, which tikdl
    // made, names it too. Under a template without the id, the bytes are compared instead.
    let named = place
        .dest_name
        .to_string_lossy()
        .contains(req.post_id.as_str());
    if named && tagged_copy(req).await {
        record(req, place, len);
        return Ok(proven(None));
    }
    Ok(Existing::Unproven(len))
}

/// The failure for a final name that holds another file tikdl knows of. Never a hint to
/// overwrite: that would destroy the other file.
pub(crate) fn not_this_posts(dest: &Path, whose: &str) -> Error {
    Error::refused(
        crate::error::LocalReason::NameTaken,
        dest,
        format!(
            "{} already holds {whose}, so it is kept and this file is not saved; put %(id)s in \
             -o so that every post's files get names of their own, or move that file away",
            dest.display()
        ),
    )
}

/// Appends the manifest line for a file now complete at `req.dest`. A record that cannot be
/// written loses only the proof (a later run compares bytes instead), so it is a warning.
fn record(req: &MediaRequest, place: &Place, len: u64) {
    let done = provenance::record(
        &place.folder,
        &place.dest_name,
        &req.post_id,
        &req.role,
        &req.rendition,
        len,
    );
    if let Err(e) = done {
        tracing::warn!("{e}; a later run will compare this file's bytes instead");
    }
}

/// Whether the final file carries tikdl's own tags naming this post (encoder mark and post
/// URL): an earlier tagging run's file. Another post's tagged file, or a user's file, does not.
async fn tagged_copy(req: &MediaRequest) -> bool {
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
    let (path, post_id) = (req.dest.clone(), req.post_id.clone());
    tokio::task::spawn_blocking(move || tags::tagged_for_post(&path, format, &post_id))
        .await
        .unwrap_or(false)
}

async fn fetch_locked(
    http: &HttpClient,
    req: &MediaRequest,
    opts: &EngineOptions,
    progress: Option<&ProgressFn>,
    place: &Place,
    lock: &PartLock,
) -> Result<FileOutcome, Error> {
    // Again under the lock: another tikdl may have finished the file while this one waited.
    let unproven = match existing(req, opts, place).await? {
        Existing::Proven(done) => return Ok(done),
        // A size TikTok announced and the file does not have: not this file, no need to look.
        Existing::Unproven(len) if req.expected_size.is_some_and(|e| e != len) => {
            return Err(differs(req, len));
        }
        Existing::Unproven(len) => Some(len),
        Existing::Absent => None,
    };
    // A `.part` is resumed only by the post, role and rendition that wrote it: another one's
    // bytes would splice two files into one.
    let rec = PartRecord::new(req);
    let previous = lock.read();
    // A `.part` marked as being tagged is not raw bytes any more (and may be half rewritten):
    // `previous` differs from `record` by that mark, so it is started over below.
    let resumable = rec.resumes(&previous);
    if place.part_len().is_some() && resumable.is_none() {
        tracing::info!(
            "{} was left by {}; starting over",
            place.part.display(),
            record_owner(&previous)
        );
        place.remove_part()?;
    }
    if resumable.is_some() && place.part_len().is_some() {
        // The `.part` this download resumes is the one at its name now.
        drop(place.open_part(Access::Append)?);
    }
    rec.set_total(resumable.flatten());
    lock.write(&rec.text())?;
    let state = PartState {
        lock,
        record: &rec,
        place,
    };
    let mut last_err = None;
    for (i, url) in req.urls.iter().enumerate() {
        match fetch_one(http, url, req, opts, progress, &state).await {
            Ok(bytes) => {
                if let Some(len) = unproven {
                    return adopt_or_refuse(req, place, bytes, len);
                }
                let (bytes, tags) = match &req.tag {
                    Some(job) => tag_part(place, job, lock, &rec.text()).await?,
                    None => (bytes, None),
                };
                finish(place, bytes).await?;
                record(req, place, bytes);
                return Ok(FileOutcome {
                    path: req.dest.clone(),
                    bytes,
                    status: FileStatus::Downloaded,
                    mirror: i,
                    tags,
                    other_rendition: None,
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

/// The end of a download over a final file that proved nothing: identical bytes mean it is this
/// post's file after all (adopted, and recorded as such); different bytes are someone else's
/// file, kept untouched while this post fails. The `.part` goes either way.
fn adopt_or_refuse(
    req: &MediaRequest,
    place: &Place,
    bytes: u64,
    len: u64,
) -> Result<FileOutcome, Error> {
    let same = bytes == len && {
        let part = place.own_part()?;
        let dest = place
            .folder
            .open_file(&place.dest_name, Access::Read, None)
            .map_err(|e| open_error(e, "comparing", &req.dest))?;
        same_bytes(part, dest).map_err(|e| Error::local(e, "comparing", &req.dest))?
    };
    place.remove_part()?;
    if !same {
        return Err(differs(req, len));
    }
    tracing::info!(
        "{}: already holds this post's {}, byte for byte; keeping it",
        req.dest.display(),
        req.role
    );
    record(req, place, len);
    Ok(FileOutcome {
        path: req.dest.clone(),
        bytes: len,
        status: FileStatus::AlreadyPresent,
        mirror: 0,
        tags: None,
        other_rendition: None,
    })
}

/// The failure for a final file, `len` bytes, that is not this post's file and proves nothing.
fn differs(req: &MediaRequest, len: u64) -> Error {
    Error::refused(
        crate::error::LocalReason::NameTaken,
        &req.dest,
        format!(
            "{} already exists ({len} bytes) and differs from this post's {}: it is another \
             file (the user's own, or another post's), so it is kept and this file is not saved; \
             put %(id)s in -o so that every post's files get names of their own, or move that \
             file away",
            req.dest.display(),
            req.role
        ),
    )
}

/// Whether two files hold the same bytes.
fn same_bytes(mut fa: std::fs::File, mut fb: std::fs::File) -> std::io::Result<bool> {
    let (mut ba, mut bb) = (vec![0u8; 1 << 16], vec![0u8; 1 << 16]);
    loop {
        let n = read_full(&mut fa, &mut ba)?;
        let m = read_full(&mut fb, &mut bb)?;
        if n != m || ba[..n] != bb[..m] {
            return Ok(false);
        }
        if n == 0 {
            return Ok(true);
        }
    }
}

/// Fills `buf` as far as the file goes; the count read.
fn read_full(f: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    use std::io::Read;
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Tags the complete `.part` in place (before `finish` fsyncs and renames it) and returns its
/// new length, which `finish` checks instead of the downloaded count. The record is marked first:
/// a crash from here to the rename leaves a `.part` that is started over, never resumed.
async fn tag_part(
    place: &Place,
    job: &TagJob,
    lock: &PartLock,
    record: &str,
) -> Result<(u64, Option<EmbedOutcome>), Error> {
    let part = &place.part;
    lock.write(&format!("{record}{TAGGING_MARK}"))?;
    // Tagged through the folder held open, and only while the `.part` is this download's file.
    let file = place.own_part_with(Access::ReadWrite)?;
    place.still_in_place()?;
    let (path, job) = (part.to_owned(), job.clone());
    let outcome = tokio::task::spawn_blocking(move || {
        tags::embed_file(
            file,
            &path,
            job.format,
            job.meta.as_ref(),
            job.cover.as_deref(),
        )
    })
    .await
    .map_err(|e| Error::local(std::io::Error::other(e.to_string()), "tagging", part))?
    .map_err(|e| {
        let (source, action, path) = e.into_parts();
        Error::local(source, action, &path)
    })?;
    let len = place
        .own_part()?
        .metadata()
        .map_err(|e| Error::local(e, "checking", part))?
        .len();
    Ok((len, Some(outcome)))
}

/// Appended to a `.part`'s record while it is being tagged.
const TAGGING_MARK: &str = "tagging: started\n";

/// Destinations being written in this process, with the post writing each.
fn active() -> &'static Mutex<HashMap<PathBuf, String>> {
    static ACTIVE: OnceLock<Mutex<HashMap<PathBuf, String>>> = OnceLock::new();
    ACTIVE.get_or_init(Default::default)
}

/// Exclusive use of a destination for the duration of one download.
struct DestClaim(PathBuf);

impl DestClaim {
    /// Claims `dest` for `post_id`. The same post given twice (two URL forms) waits for the
    /// first to finish, then finds its file proven; another post is refused.
    async fn new(dest: &Path, post_id: &str) -> Result<Self, Error> {
        loop {
            {
                let mut map = active().lock().unwrap_or_else(|e| e.into_inner());
                match map.get(dest) {
                    None => {
                        map.insert(dest.to_owned(), post_id.to_owned());
                        return Ok(Self(dest.to_owned()));
                    }
                    Some(other) if other != post_id => {
                        return Err(not_this_posts(
                            dest,
                            &format!("a file of post {other}, being written in this run"),
                        ));
                    }
                    Some(_) => {}
                }
            }
            tokio::time::sleep(CLAIM_POLL).await;
        }
    }
}

/// How often the same post given twice looks whether its first copy is done.
const CLAIM_POLL: Duration = Duration::from_millis(20);

impl Drop for DestClaim {
    fn drop(&mut self) {
        active()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.0);
    }
}

/// What `NAME.part.meta` holds: the post, role, rendition and announced size that write
/// `NAME.part`, and the total the first answer announced once it is known. A `.part` is resumed
/// only under the same first lines; a resume answer with another total starts over.
struct PartRecord {
    /// Everything but the total.
    head: String,
    total: Mutex<Option<u64>>,
}

const TOTAL_KEY: &str = "total: ";

impl PartRecord {
    fn new(req: &MediaRequest) -> Self {
        let clean = |s: &str| -> String {
            s.chars()
                .map(|c| if c.is_control() { '_' } else { c })
                .collect()
        };
        let size = req
            .expected_size
            .map_or_else(|| "unknown".to_owned(), |n| n.to_string());
        let head = format!(
            "tikdl partial download\npost: {}\nrole: {}\nrendition: {}\nsize: {size}\n",
            clean(&req.post_id),
            clean(&req.role),
            clean(&req.rendition)
        );
        Self {
            head,
            total: Mutex::new(None),
        }
    }

    /// `Some(total recorded)` when `previous` was written for this same file (so its `.part`
    /// may be resumed), `None` when it was another's (or was being tagged).
    fn resumes(&self, previous: &str) -> Option<Option<u64>> {
        let rest = previous.strip_prefix(&self.head)?;
        if rest.is_empty() {
            return Some(None);
        }
        let n = rest.strip_prefix(TOTAL_KEY)?.strip_suffix('\n')?;
        n.parse().ok().map(Some)
    }

    fn total(&self) -> Option<u64> {
        *self.total.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn set_total(&self, t: Option<u64>) {
        *self.total.lock().unwrap_or_else(|e| e.into_inner()) = t;
    }

    fn text(&self) -> String {
        match self.total() {
            Some(t) => format!("{}{TOTAL_KEY}{t}\n", self.head),
            None => self.head.clone(),
        }
    }
}

/// The `.part`'s record and lock, for the attempts that write it.
struct PartState<'a> {
    lock: &'a PartLock,
    record: &'a PartRecord,
    place: &'a Place,
}

impl PartState<'_> {
    /// Remembers the total announced by an answer from byte 0.
    fn first_total(&self, t: Option<u64>) -> Result<(), Error> {
        if self.record.total() != t {
            self.record.set_total(t);
            self.lock.write(&self.record.text())?;
        }
        Ok(())
    }
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
            "another download (post {}, {}, rendition {}, {} bytes)",
            field("post:"),
            field("role:"),
            field("rendition:"),
            field("size:")
        )
    } else {
        "an unknown download (no record of its post and rendition)".to_owned()
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
    async fn acquire(place: &Place, dest: &Path) -> Result<Self, Error> {
        let path = meta_path(dest);
        let mut warned = false;
        // The holder's progress: its `.part` growing (or changing) now and then.
        let mut seen = (place.part_len(), Instant::now());
        loop {
            let file = place
                .folder
                .open_file(&place.meta_name, Access::ReadWrite, None)
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
                    let now = place.part_len();
                    if now != seen.0 {
                        seen = (now, Instant::now());
                    } else if seen.1.elapsed() > LOCK_STALL {
                        return Err(Error::Config(format!(
                            "{} is held by another tikdl that has written nothing for {} \
                             minutes (stopped, or hung); run tikdl again once it is gone",
                            dest.display(),
                            LOCK_STALL.as_secs() / 60
                        )));
                    }
                    tokio::time::sleep(LOCK_POLL).await;
                    continue;
                }
                Err(std::fs::TryLockError::Error(e)) if crate::owned_file::lock_unsupported(&e) => {
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
            // now at the path, not on the removed one. Only "gone" or "another file" means
            // look again; any other failure (too many open files) ends here, never loops.
            let held = file
                .metadata()
                .map_err(|e| open_error(e, "checking", &path))?;
            match place.folder.metadata(&place.meta_name) {
                Ok(now) if crate::folder::same_file(&held, &now) => {
                    return Ok(Self {
                        file: Some(file),
                        path,
                    });
                }
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(open_error(e, "checking", &path)),
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
    fn remove(mut self, place: &Place) {
        let _ = place.folder.remove(&place.meta_name);
        self.file = None;
    }
}

/// Checks that the `.part` is the file this download wrote (same inode) and holds the bytes
/// downloaded (fstat), fsyncs it, checks that its folder is still where it was, renames it into
/// place within that folder and fsyncs the folder so the rename survives a crash.
async fn finish(place: &Place, bytes: u64) -> Result<(), Error> {
    let part = &place.part;
    let f = place.own_part()?;
    let meta = f.metadata();
    let on_disk = meta.as_ref().map_or(0, |m| m.len());
    ensure_regular(meta, part)?;
    if on_disk != bytes {
        // Something else wrote to the file (an older tikdl, another program): never rename it.
        let _ = place.remove_part();
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
    place.still_in_place()?;
    let dest = place.folder.join(&place.dest_name);
    place
        .folder
        .rename(&place.part_name, &place.dest_name)
        .map_err(|e| Error::local(e, "renaming the finished download to", &dest))?;
    place.folder.sync();
    // The rename moves whatever is at the `.part`'s name at that instant: what arrived under
    // the final name must be this download's file, or nothing is recorded or archived.
    if place
        .folder
        .metadata(&place.dest_name)
        .is_ok_and(|m| place.wrote(&m))
    {
        return Ok(());
    }
    Err(Error::Config(format!(
        "{} is not the file this download wrote (another program swapped the `.part` as it \
             was renamed); it is not recorded as this post's; move it away and run tikdl again",
        dest.display()
    )))
}

/// Downloads from one URL into `part`, resuming as needed. Returns the final size.
async fn fetch_one(
    http: &HttpClient,
    url: &str,
    req: &MediaRequest,
    opts: &EngineOptions,
    progress: Option<&ProgressFn>,
    state: &PartState<'_>,
) -> Result<u64, Error> {
    let place = state.place;
    let op = Operation::Download;
    let parsed = reqwest::Url::parse(url).map_err(|_| {
        Error::connection(ConnectionReason::Other("invalid media URL".into()), op, url)
    })?;
    let policy = http.retry_policy();
    let mut failures = 0u32;
    let mut stalled = 0u32;
    loop {
        let have = place.part_len().unwrap_or(0);
        let outcome = attempt(http, &parsed, have, req, opts, progress, state).await;
        match outcome {
            Ok(Attempt::Done(n)) => return Ok(n),
            Ok(Attempt::Restart) => {
                // The server could not continue the part (Range ignored or answered wrongly):
                // start over from zero rather than splice mismatched bytes.
                drop(place.open_part(Access::Truncate)?);
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
                    Error::Connection { reason: ConnectionReason::Other(m), .. } if m.starts_with(crate::http::TOO_SLOW)
                );
                // Bytes trickling in must not keep a mirror alive forever.
                let gained = place.part_len().unwrap_or(0) > have && !too_slow;
                if gained {
                    // Progress was made: a drop mid-body is not a strike against the mirror.
                    stalled = 0;
                } else {
                    stalled += 1;
                }
                // A size the server announces against TikTok's will be announced again: the next
                // mirror or rendition, at once.
                // A server asking to wait longer than tikdl ever waits: this mirror is done, as
                // for pages.
                let too_long = retry_after.is_some_and(|ra| ra > crate::retry::MAX_RETRY_AFTER);
                if !err.is_transient()
                    || settled(&err)
                    || too_long
                    || stalled > policy.retries.clamp(1, STALLED_ATTEMPTS)
                {
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

/// Start of the message of an answer whose announced size cannot be the file's.
const ANNOUNCES: &str = "server announces";
/// Start of the message of a body that went past its limit.
const SENT_MORE: &str = "server sent more";
/// Start of the message of an answer with no body at all.
const EMPTY: &str = "server sent an empty body";
/// Start of the message of a part of a file whose total the server does not say.
const UNKNOWN_TOTAL: &str = "server answered with a part";

/// Whether an answer's fault will be the same on the next attempt at this mirror (a size it
/// announces, a body past its limit, an empty body, a part of unknown total): the next mirror
/// or rendition is tried at once instead.
fn settled(e: &Error) -> bool {
    matches!(
        e,
        Error::Connection { reason: ConnectionReason::BadMedia(m), .. }
            if [ANNOUNCES, SENT_MORE, EMPTY, UNKNOWN_TOTAL].iter().any(|p| m.starts_with(p))
    )
}

type AttemptError = (Error, Option<Duration>);

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

#[allow(clippy::too_many_arguments)]
async fn attempt(
    http: &HttpClient,
    url: &reqwest::Url,
    have: u64,
    req: &MediaRequest,
    opts: &EngineOptions,
    progress: Option<&ProgressFn>,
    state: &PartState<'_>,
) -> Result<Attempt, AttemptError> {
    let (place, part) = (state.place, &state.place.part);
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
    let overlap = have.min(RESUME_OVERLAP);
    let from = have - overlap;
    if have > 0 {
        let range = HeaderValue::from_str(&format!("bytes={from}-")).map_err(|_| {
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
        if total == Some(have)
            && req.expected_size.is_none_or(|e| e == have)
            && state.record.total().is_none_or(|k| k == have)
        {
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
    if let Some(enc) = crate::http::unrequested_encoding(resp.headers()) {
        let msg = format!(
            "server sent the media {enc}-encoded although only the bytes as they are \
             (identity) were asked for"
        );
        return Err((
            Error::connection(ConnectionReason::BadMedia(msg), op, u),
            None,
        ));
    }
    let bad = |msg: String| {
        (
            Error::connection(ConnectionReason::BadMedia(msg), op, u),
            None,
        )
    };
    if status == StatusCode::NO_CONTENT {
        return Err(bad(format!("{EMPTY} (204 No Content)")));
    }
    if let Some(e) = req.expected_size
        && e > req.kind.size_cap()
    {
        return Err(bad(format!(
            "{ANNOUNCES} nothing yet, but TikTok says {e} bytes, more than the {}-byte limit \
             for {}",
            req.kind.size_cap(),
            req.kind.noun()
        )));
    }
    let mut start = 0;
    let mut total = resp.content_length();
    if status == StatusCode::PARTIAL_CONTENT {
        match content_range(resp.headers()) {
            // A part whose total is not said (`bytes A-B/*`) cannot tell when the file is
            // complete: its end is not the file's.
            Some((a, _, None)) if a == from => {
                return Err(bad(format!(
                    "{UNKNOWN_TOTAL} of a file of unknown size (Content-Range without a total)"
                )));
            }
            Some((a, _, t)) if a == from => {
                start = have;
                total = t;
            }
            _ => {
                tracing::warn!("{u}: Content-Range does not match the requested range; restarting");
                return Ok(Attempt::Restart);
            }
        }
    } else if have > 0 {
        // A whole-file answer must be the whole file: not a part of it (a Content-Range), nor
        // of another length than the first answer announced.
        let partial = content_range(resp.headers())
            .is_some_and(|(a, b, t)| a != 0 || t.is_none_or(|t| b + 1 != t));
        if partial || state.record.total().is_some_and(|t| total != Some(t)) {
            return Err(bad(format!(
                "{ANNOUNCES} a whole file of {} bytes in answer to a resume, but its first \
                 answer said {}",
                total.map_or_else(|| "unknown".to_owned(), |n| n.to_string()),
                state
                    .record
                    .total()
                    .map_or_else(|| "unknown".to_owned(), |n| n.to_string())
            )));
        }
        tracing::info!("{u}: server ignored the Range request; restarting from zero");
    }
    // With no size from anyone and no framing (neither Content-Length nor chunked: the body
    // ends when the connection closes), a cut body cannot be told from a whole one.
    let chunked = resp
        .headers()
        .get(header::TRANSFER_ENCODING)
        .is_some_and(|v| {
            String::from_utf8_lossy(v.as_bytes())
                .to_ascii_lowercase()
                .contains("chunked")
        });
    if total.is_none() && req.expected_size.is_none() && !chunked {
        return Err(bad(format!(
            "{UNKNOWN_TOTAL} whose end only the connection's close would tell (no \
             Content-Length, not chunked), so a cut could not be told from the end"
        )));
    }
    if let (Some(t), Some(e)) = (total, req.expected_size)
        && t != e
    {
        if start > 0 {
            // Only the resume answer says so: a plain request may yet serve the right file.
            tracing::warn!(
                "{u}: the resume answer announces {t} bytes but TikTok said {e}; starting over"
            );
            return Ok(Attempt::Restart);
        }
        return Err(bad(format!("{ANNOUNCES} {t} bytes but TikTok said {e}")));
    }
    if start > 0 {
        // Never the resume answer's word over the first answer's: a total that changed means
        // another file (or another encode) is being served now.
        if let (Some(first), Some(t)) = (state.record.total(), total)
            && first != t
        {
            tracing::warn!(
                "{u}: the resume answer announces {t} bytes but the first answer announced \
                 {first}; starting over"
            );
            return Ok(Attempt::Restart);
        }
    } else {
        state.first_total(total).map_err(|e| (e, None))?;
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
            "{ANNOUNCES} {} bytes, more than the {cap}-byte limit for {} of unknown size",
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

    // Only into the folder that was checked, and only while it is still there.
    place.still_in_place().map_err(|e| (e, None))?;
    let file = File::from_std(
        place
            .open_part(if start == 0 {
                Access::Truncate
            } else {
                Access::Append
            })
            .map_err(|e| (e, None))?,
    );
    let early_sync = match file.try_clone().await {
        Ok(f) => Some(Arc::new(f.into_std().await)),
        Err(_) => None,
    };
    let mut next_sync = start + EARLY_SYNC_EVERY;
    let mut syncing: Option<tokio::task::JoinHandle<()>> = None;
    let mut out = BufWriter::with_capacity(WRITE_BUFFER, file);
    let mut written = start;
    // The bytes the resume answer must repeat before it may add any (see RESUME_OVERLAP).
    let again = if start > 0 {
        read_tail(place, from, overlap)
            .await
            .map_err(|e| (Error::local(e, "reading", part), None))?
    } else {
        Vec::new()
    };
    let mut repeated = 0usize;
    let mut changed = false;
    let mut checked_magic = start > 0;
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
    // The same check as every other reader's (`http::SpeedCheck`).
    let mut speed = crate::http::SpeedCheck::new(low_speed);
    let mut too_slow = |got: u64| speed.record(got);
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
            let mut chunk = &chunk[..];
            if repeated < again.len() {
                let n = (again.len() - repeated).min(chunk.len());
                if chunk[..n] != again[repeated..repeated + n] {
                    changed = true;
                    return Ok(());
                }
                repeated += n;
                chunk = &chunk[n..];
                if chunk.is_empty() {
                    continue;
                }
            }
            if !checked_magic {
                checked_magic = true;
                if looks_like_text_page(chunk) {
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
            out.write_all(chunk).await.map_err(write_err)?;
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
    if changed {
        tracing::warn!(
            "{u}: the resume answer's bytes differ from the ones received before (the file \
             changed on the server); starting over"
        );
        return Ok(Attempt::Restart);
    }
    if let Err((err, ra)) = result {
        if poisoned || written == 0 {
            let _ = place.remove_part();
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
                let _ = place.remove_part();
                return Err((
                    Error::connection(ConnectionReason::BadMedia(msg), op, u),
                    None,
                ));
            }
            if written == 0 {
                let _ = place.remove_part();
                return Err(bad(EMPTY.to_owned()));
            }
            Ok(Attempt::Done(written))
        }
    }
}

/// `len` bytes of `path` from byte `from`: the tail a resume answer must repeat.
async fn read_tail(place: &Place, from: u64, len: u64) -> std::io::Result<Vec<u8>> {
    use tokio::io::{AsyncReadExt, AsyncSeekExt};
    let mut f = File::from_std(
        place
            .folder
            .open_file(&place.part_name, Access::Read, None)?,
    );
    f.seek(std::io::SeekFrom::Start(from)).await?;
    let mut buf = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    f.take(len).read_to_end(&mut buf).await?;
    if (buf.len() as u64) < len {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "the partial file shrank while resuming",
        ));
    }
    Ok(buf)
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

    #[cfg(unix)]
    #[test]
    fn a_folder_that_became_a_link_out_of_the_output_folder_is_not_opened() {
        let t = tempfile::tempdir().unwrap();
        let (base, outside) = (t.path().join("out"), t.path().join("outside"));
        std::fs::create_dir_all(base.join("sub")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        let dest = base.join("sub").join("a.jpg");
        let base = base.canonicalize().unwrap();
        assert!(open_folder_within(&dest, Some(&base)).is_ok());
        std::fs::rename(base.join("sub"), base.join("old")).unwrap();
        std::os::unix::fs::symlink(&outside, base.join("sub")).unwrap();
        let e = open_folder_within(&dest, Some(&base))
            .unwrap_err()
            .to_string();
        assert!(e.contains("no longer lies within the output folder"), "{e}");
        // A link that stays inside is fine.
        std::fs::remove_file(base.join("sub")).unwrap();
        std::os::unix::fs::symlink(base.join("old"), base.join("sub")).unwrap();
        assert!(open_folder_within(&dest, Some(&base)).is_ok());
    }

    #[tokio::test]
    async fn one_destination_one_post() {
        let a = DestClaim::new(Path::new("claims/same.mp4"), "1")
            .await
            .unwrap();
        let err = DestClaim::new(Path::new("claims/same.mp4"), "2")
            .await
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("%(id)s") && err.contains("post 1"), "{err}");
        assert!(!err.contains("force-overwrites"), "{err}");
        // The same post waits for the first claim instead of failing.
        let waiter = tokio::spawn(DestClaim::new(Path::new("claims/same.mp4"), "1"));
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        drop(a);
        assert!(waiter.await.unwrap().is_ok());
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
    fn part_records_name_post_role_rendition_and_total() {
        let mut req = MediaRequest {
            urls: vec![],
            dest: PathBuf::from("a.mp4"),
            expected_size: Some(200_000),
            kind: MediaKind::Video,
            rendition: "adapt_lowest_1080_1".into(),
            role: "video".into(),
            tag: None,
            post_id: "7500000000000000001".into(),
            within: None,
        };
        let a = PartRecord::new(&req);
        assert!(
            a.text()
                .contains("post: 7500000000000000001\nrole: video\nrendition: adapt_lowest_1080_1\nsize: 200000\n"),
            "{}",
            a.text()
        );
        assert_eq!(a.resumes(&a.text()), Some(None));
        a.set_total(Some(200_000));
        assert_eq!(a.resumes(&a.text()), Some(Some(200_000)));
        assert!(record_owner(&a.text()).contains("post 7500000000000000001"));
        req.rendition = "adapt_lower_720_1".into();
        assert_eq!(PartRecord::new(&req).resumes(&a.text()), None);
        // Another post's image, same name, same "size unknown": never resumed.
        let image = |post: &str| {
            PartRecord::new(&MediaRequest {
                expected_size: None,
                rendition: "image".into(),
                role: "image 1".into(),
                post_id: post.into(),
                within: None,
                ..req.clone()
            })
        };
        assert_eq!(image("1").resumes(&image("2").text()), None);
        req.rendition = "a\nsize: 1".into();
        assert!(!PartRecord::new(&req).text().contains("\nsize: 1\n"));
        assert!(record_owner("").starts_with("an unknown download"));
        assert_eq!(a.resumes(&format!("{}{TAGGING_MARK}", a.text())), None);
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
