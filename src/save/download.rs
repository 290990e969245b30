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
//! folder, held open from the start of the download ([`crate::disk::folder`]): a folder swapped for a
//! link meanwhile never receives a byte, and the `.part` renamed into place is the very file
//! this download wrote (same device and inode), or nothing is renamed.
//!
//! A final file counts as already downloaded only with a proof that it is this post's (see
//! `provenance.rs` and ARCHITECTURE.md's Promises): the folder's manifest says so, tikdl's
//! own tags name the post, or its bytes equal what the post's URL serves.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap, HeaderValue};
use tokio::fs::File;
use tokio::io::{AsyncWriteExt, BufWriter};

use crate::disk::folder::Access;
use crate::disk::safe_fs::{
    DestClaim, PartLock, Place, ensure_regular, not_this_posts, open_error,
};
use crate::error::{ConnectionReason, Error, Operation, from_reqwest};
use crate::net::http::HttpClient;
use crate::net::retry::{Failure, is_retryable_status, retry_after_header};
use crate::save::provenance;
use crate::save::tags::{self, EmbedOutcome, TagData, TagFormat};

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
pub use crate::net::http::{LOW_SPEED_LIMIT, LOW_SPEED_TIME, LowSpeed};

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
    /// `--max-filesize`: a file announced larger (by TikTok, else by the answer) is refused.
    pub max_filesize: Option<u64>,
    /// Awaited before a file is fetched over the network (not for one already on disk): the
    /// caller's pause between downloads (`--sleep-interval`).
    pub(crate) pace: Option<DownloadTurn>,
}

/// A wait the caller puts before each download (see [`EngineOptions::pace`]).
#[derive(Clone)]
pub(crate) struct DownloadTurn(
    pub(crate) Arc<dyn Fn() -> futures_util::future::BoxFuture<'static, ()> + Send + Sync>,
);

impl std::fmt::Debug for DownloadTurn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DownloadTurn(..)")
    }
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
/// How much of a growing `.part` [`Writeback`] hands to the kernel at a time: small enough
/// that little is left for the fsync before the rename and dirty memory stays a few steps,
/// large enough that the calls cost nothing.
#[cfg(target_os = "linux")]
const WRITEBACK_STEP: u64 = 8 << 20;
/// Elsewhere an `fdatasync` of the whole file every this many bytes.
#[cfg(not(target_os = "linux"))]
const WRITEBACK_STEP: u64 = 64 << 20;
/// Whether a step waits for the previous one's writeback (Linux, where it is a range) or is
/// skipped while it runs (a whole-file `fdatasync`).
const WAIT_FOR_WRITEBACK: bool = cfg!(target_os = "linux");
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

/// Ignore SIGXFSZ, so that a write beyond the file size limit (`ulimit -f`) fails with EFBIG,
/// reported as a clear error, instead of killing the process without a word. Call once at start.
pub fn ignore_sigxfsz() {
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to SIG_IGN installs no handler code.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

/// Whether an error ends the whole file (and the post): another mirror or rendition would
/// write to the same place and fail the same way, or a stop was asked for (another rendition
/// would start a `.part` over the bytes kept to resume).
pub fn is_local(e: &Error) -> bool {
    matches!(
        e,
        Error::Local { .. }
            | Error::Setup(_)
            | Error::Connection {
                reason: ConnectionReason::Interrupted | ConnectionReason::OverMaxFilesize { .. },
                ..
            }
    )
}

/// Fetches `req` into `req.dest`, trying each mirror in turn.
pub async fn fetch(
    http: &HttpClient,
    req: &MediaRequest,
    opts: &EngineOptions,
    progress: Option<&ProgressFn>,
) -> Result<FileOutcome, Error> {
    if req.dest.file_name() == Some(std::ffi::OsStr::new(provenance::MANIFEST_NAME)) {
        return Err(Error::Setup(format!(
            "{} is the name of tikdl's record of whose files are in that folder; choose \
             another output template (-o)",
            req.dest.display()
        )));
    }
    // Two posts whose names render the same must not write one `.part` at once; the same post
    // given twice waits for the first, then finds its file proven.
    let _claim = DestClaim::new(&req.dest, &req.post_id).await?;
    let place = Place::new(&req.dest, req.within.as_deref())?;
    // A finished file recorded under this download's `.part` or record name (an older run's
    // name) is never truncated or renamed as a working file.
    for name in [&place.part_name, &place.meta_name] {
        if provenance::lookup(&place.folder, name)?.is_some() {
            return Err(Error::Setup(format!(
                "{} is a finished file in tikdl's record of that folder, not the working file \
                 of {}; rename it, or choose another output template (-o)",
                place.folder.join(name).display(),
                req.dest.display()
            )));
        }
    }
    place.refuse_symlink(&place.part_name, &place.part)?;
    place.refuse_symlink(&place.dest_name, &req.dest)?;
    // A proven complete file needs no lock (nor a writable folder): the final name only ever
    // gets a complete file, by rename.
    if let Existing::Proven(done) = existing(req, opts, &place).await? {
        return Ok(done);
    }
    if let Some(DownloadTurn(pace)) = &opts.pace {
        pace().await;
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
        // --force-overwrites downloads THIS post's file again; a file the manifest gives to
        // another post is that post's (it may be archived), and is kept all the same.
        if let Some(e) = &entry
            && *e.post_id != *req.post_id
        {
            return Err(not_this_posts(
                &req.dest,
                &format!("post {}'s {}", e.post_id, e.role),
            ));
        }
        return Ok(Existing::Absent);
    }
    let Ok(meta) = place.folder.metadata(&place.dest_name) else {
        return Ok(Existing::Absent);
    };
    if !meta.is_file() {
        return Err(Error::Setup(format!(
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
    // TikTok's announced size: no request for a file it says is too large.
    if let (Some(size), Some(u)) = (req.expected_size, req.urls.first()) {
        check_max_filesize(size, opts, u)?;
    }
    let rec = claim_part(req, place, lock)?;
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
                return complete(req, &state, bytes, i).await;
            }
            Err(e) => {
                if ends_the_file(&e, opts) {
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
        .unwrap_or_else(|| Error::Setup(format!("no URL to download {}", req.dest.display()))))
}

/// Makes the `.part` this request's: one left by another post, role or rendition (or one being
/// tagged) is removed, since its bytes would splice two files into one; the record is written.
fn claim_part(req: &MediaRequest, place: &Place, lock: &PartLock) -> Result<PartRecord, Error> {
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
    Ok(rec)
}

/// `--max-filesize`: `size` (announced) must not pass it.
fn check_max_filesize(size: u64, opts: &EngineOptions, u: &str) -> Result<(), Error> {
    match opts.max_filesize {
        Some(max) if size > max => Err(Error::connection(
            ConnectionReason::OverMaxFilesize {
                size,
                max,
                announced: true,
            },
            Operation::Download,
            u,
        )),
        _ => Ok(()),
    }
}

/// A mirror's failure that no other mirror can help with: a local failure (disk full,
/// read-only, a symlink) would meet every mirror, and a 403 goes back to the caller for fresh
/// URLs when it asked for that.
fn ends_the_file(e: &Error, opts: &EngineOptions) -> bool {
    let forbidden = matches!(
        e,
        Error::Connection {
            reason: ConnectionReason::Status(403),
            ..
        }
    );
    (forbidden && opts.stop_on_forbidden) || is_local(e)
}

/// Tags (when asked), fsyncs and renames the complete `.part`, `bytes` long, delivered by
/// mirror `mirror`, and records it in the manifest.
async fn complete(
    req: &MediaRequest,
    state: &PartState<'_>,
    bytes: u64,
    mirror: usize,
) -> Result<FileOutcome, Error> {
    let place = state.place;
    let (bytes, tags) = match &req.tag {
        Some(job) => tag_part(place, job, state.lock, &state.record.text()).await?,
        None => (bytes, None),
    };
    finish(place, bytes).await?;
    record(req, place, bytes);
    Ok(FileOutcome {
        path: req.dest.clone(),
        bytes,
        status: FileStatus::Downloaded,
        mirror,
        tags,
        other_rendition: None,
    })
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

/// Checks that the `.part` is the file this download wrote (same inode) and holds the bytes
/// downloaded (fstat), fsyncs it, checks that its folder is still where it was, renames it into
/// place within that folder and fsyncs the folder so the rename survives a crash.
pub(super) async fn finish(place: &Place, bytes: u64) -> Result<(), Error> {
    let part = &place.part;
    let f = place.own_part()?;
    let meta = f.metadata();
    let on_disk = meta.as_ref().map_or(0, |m| m.len());
    ensure_regular(meta, part)?;
    if on_disk != bytes {
        // Something else wrote to the file (an older tikdl, another program): never rename it.
        let _ = place.remove_part();
        return Err(Error::Setup(format!(
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
    Err(Error::Setup(format!(
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
            Err(Failure {
                error: err,
                retry_after,
            }) => {
                let too_slow = matches!(
                    &err,
                    Error::Connection { reason: ConnectionReason::Other(m), .. } if m.starts_with(crate::net::http::TOO_SLOW)
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
                let too_long =
                    retry_after.is_some_and(|ra| ra > crate::net::retry::MAX_RETRY_AFTER);
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

#[derive(Debug, PartialEq)]
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

/// One request of an attempt: to `url`, a `.part` of `have` bytes is continued from `from`,
/// the last `overlap` bytes asked again (see [`RESUME_OVERLAP`]).
#[derive(Debug, Clone, Copy)]
struct Ask<'a> {
    url: &'a str,
    have: u64,
    from: u64,
    overlap: u64,
}

impl<'a> Ask<'a> {
    fn new(url: &'a str, have: u64) -> Self {
        let overlap = have.min(RESUME_OVERLAP);
        Self {
            url,
            have,
            from: have - overlap,
            overlap,
        }
    }
}

/// What the checks read of an answer: its status and headers, and the body's announced length.
struct Head<'a> {
    status: StatusCode,
    headers: &'a HeaderMap,
    content_length: Option<u64>,
    /// The URL, for messages.
    url: &'a str,
}

impl Head<'_> {
    /// A refusal of this answer's media.
    fn bad(&self, msg: String) -> Error {
        Error::connection(
            ConnectionReason::BadMedia(msg),
            Operation::Download,
            self.url,
        )
    }

    /// The wait the server asks for before another try, heeded only where its status says to
    /// try again (a 429, a 503, ...): no other refusal of an answer has one.
    fn retry_after(&self) -> Option<Duration> {
        retry_after_header(self.headers).filter(|_| is_retryable_status(self.status.as_u16()))
    }
}

/// What an answer lets an attempt do.
#[derive(Debug, PartialEq)]
enum Verdict {
    /// Write its body from byte `start` of the file, which is `total` bytes when it says so.
    Write { start: u64, total: Option<u64> },
    /// Nothing to write: the `.part`, this many bytes, is already the whole file.
    Done(u64),
    /// The answer cannot continue the `.part`: empty it and ask again from zero.
    Restart,
}

/// How an attempt writes a body the checks accepted.
#[derive(Debug, PartialEq)]
struct Plan {
    /// Where in the file the body's new bytes go (0, or the `.part`'s length).
    start: u64,
    /// The file's size, as the answer announces it.
    total: Option<u64>,
    /// No byte beyond this: the announced size, or the kind's cap when nobody announced one.
    limit: u64,
    /// `limit` is `--max-filesize`: nobody announced a size and the user's limit is the lower.
    limit_is_max_filesize: bool,
}

/// One try at the file from one URL: the request, the checks of its answer, then its body.
async fn attempt(
    http: &HttpClient,
    url: &reqwest::Url,
    have: u64,
    req: &MediaRequest,
    opts: &EngineOptions,
    progress: Option<&ProgressFn>,
    state: &PartState<'_>,
) -> Result<Attempt, Failure> {
    let ask = Ask::new(url.as_str(), have);
    let resp = range_request(http, url, &ask).await?;
    let head = Head {
        status: resp.status(),
        headers: resp.headers(),
        content_length: resp.content_length(),
        url: url.as_str(),
    };
    let failed = |error| Failure {
        error,
        retry_after: head.retry_after(),
    };
    let checked = check_response(&head, &ask, req, state.record.total()).map_err(failed)?;
    let (start, total) = match checked {
        Verdict::Write { start, total } => (start, total),
        Verdict::Done(n) => return Ok(Attempt::Done(n)),
        Verdict::Restart => return Ok(Attempt::Restart),
    };
    if start == 0 {
        state.first_total(total)?;
    }
    let mut plan = check_content(&head, req, start, total).map_err(failed)?;
    // As yt-dlp's HTTP downloader: the size the answer announces, checked before its body.
    if let Some(size) = plan.total.or(req.expected_size) {
        check_max_filesize(size, opts, url.as_str()).map_err(failed)?;
    } else if let Some(max) = opts.max_filesize.filter(|m| *m < plan.limit) {
        // Nobody said the size: the user's limit holds as the bytes come.
        plan.limit = max;
        plan.limit_is_max_filesize = true;
    }
    write_body(resp, &plan, &ask, req, opts, progress, state).await
}

/// Sends the GET for `ask`: a Range request for a resume, bytes as they are (identity).
async fn range_request(
    http: &HttpClient,
    url: &reqwest::Url,
    ask: &Ask<'_>,
) -> Result<reqwest::Response, Failure> {
    let (op, u) = (Operation::Download, ask.url);
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
    if ask.have > 0 {
        let range = HeaderValue::from_str(&format!("bytes={}-", ask.from))
            .map_err(|_| Error::connection(ConnectionReason::Other("bad range".into()), op, u))?;
        headers.insert(header::RANGE, range);
    }
    tracing::debug!("GET {u} (from byte {})", ask.have);
    // media_request: counted in the stats, and through the post's proxy and User-Agent.
    let resp = http
        .media_request(url.clone())
        .headers(headers)
        .send()
        .await
        .map_err(|e| from_reqwest(e, op, u))?;
    tracing::debug!("{} {u}", resp.status());
    Ok(resp)
}

/// The status and the range of an answer: whether it continues the `.part` (or starts the
/// file), and what total it announces, checked against TikTok's size and the first answer's
/// (`known_total`). A refusal starts with one of the [`settled`] prefixes where another try at
/// this mirror would meet the same answer.
fn check_response(
    head: &Head,
    ask: &Ask<'_>,
    req: &MediaRequest,
    known_total: Option<u64>,
) -> Result<Verdict, Error> {
    let (status, u, have) = (head.status, head.url, ask.have);
    if status.is_redirection() {
        let reason = ConnectionReason::Redirect("media URL redirected".into());
        return Err(Error::connection(reason, Operation::Download, u));
    }
    if status == StatusCode::RANGE_NOT_SATISFIABLE && have > 0 {
        // Either the part is already complete or it is longer than the file: check.
        let total = content_range(head.headers).and_then(|(_, _, t)| t);
        if total == Some(have)
            && req.expected_size.is_none_or(|e| e == have)
            && known_total.is_none_or(|k| k == have)
        {
            return Ok(Verdict::Done(have));
        }
        return Ok(Verdict::Restart);
    }
    check_status(head)?;
    if status == StatusCode::NO_CONTENT {
        return Err(head.bad(format!("{EMPTY} (204 No Content)")));
    }
    if let Some(e) = req.expected_size
        && e > req.kind.size_cap()
    {
        return Err(head.bad(format!(
            "{ANNOUNCES} nothing yet, but TikTok says {e} bytes, more than the {}-byte limit \
             for {}",
            req.kind.size_cap(),
            req.kind.noun()
        )));
    }
    let (start, total) = match answered_range(head, ask, known_total)? {
        Some(range) => range,
        None => return Ok(Verdict::Restart),
    };
    check_total(head, req, start, total, known_total)
}

/// Refuses an answer that is not a success, or one encoded although identity was asked for.
fn check_status(head: &Head) -> Result<(), Error> {
    let (op, u) = (Operation::Download, head.url);
    if !head.status.is_success() {
        let code = head.status.as_u16();
        let reason = if code == 429 {
            ConnectionReason::RateLimited
        } else {
            ConnectionReason::Status(code)
        };
        return Err(Error::connection(reason, op, u));
    }
    if let Some(enc) = crate::net::http::unrequested_encoding(head.headers) {
        let msg = format!(
            "server sent the media {enc}-encoded although only the bytes as they are \
             (identity) were asked for"
        );
        return Err(head.bad(msg));
    }
    Ok(())
}

/// Where the answer's body starts in the file and the total it announces; `None`: a part that
/// is not the one asked for (start over).
fn answered_range(
    head: &Head,
    ask: &Ask<'_>,
    known_total: Option<u64>,
) -> Result<Option<(u64, Option<u64>)>, Error> {
    let u = head.url;
    let total = head.content_length;
    if head.status == StatusCode::PARTIAL_CONTENT {
        return match content_range(head.headers) {
            // A part whose total is not said (`bytes A-B/*`) cannot tell when the file is
            // complete: its end is not the file's.
            Some((a, _, None)) if a == ask.from => Err(head.bad(format!(
                "{UNKNOWN_TOTAL} of a file of unknown size (Content-Range without a total)"
            ))),
            Some((a, _, t)) if a == ask.from => Ok(Some((ask.have, t))),
            _ => {
                tracing::warn!("{u}: Content-Range does not match the requested range; restarting");
                Ok(None)
            }
        };
    }
    if ask.have > 0 {
        // A whole-file answer must be the whole file: not a part of it (a Content-Range), nor
        // of another length than the first answer announced.
        let partial = content_range(head.headers)
            .is_some_and(|(a, b, t)| a != 0 || t.is_none_or(|t| b + 1 != t));
        if partial || known_total.is_some_and(|t| total != Some(t)) {
            let shown = |n: Option<u64>| n.map_or_else(|| "unknown".to_owned(), |n| n.to_string());
            return Err(head.bad(format!(
                "{ANNOUNCES} a whole file of {} bytes in answer to a resume, but its first \
                 answer said {}",
                shown(total),
                shown(known_total)
            )));
        }
        tracing::info!("{u}: server ignored the Range request; restarting from zero");
    }
    Ok(Some((0, total)))
}

/// Checks the total an answer announces: the body must be framed when nobody else says the
/// size, agree with TikTok's size, and (for a resume) with the first answer's total.
fn check_total(
    head: &Head,
    req: &MediaRequest,
    start: u64,
    total: Option<u64>,
    known_total: Option<u64>,
) -> Result<Verdict, Error> {
    let u = head.url;
    // With no size from anyone and no framing (neither Content-Length nor chunked: the body
    // ends when the connection closes), a cut body cannot be told from a whole one.
    let chunked = head
        .headers
        .get(header::TRANSFER_ENCODING)
        .is_some_and(|v| {
            String::from_utf8_lossy(v.as_bytes())
                .to_ascii_lowercase()
                .contains("chunked")
        });
    if total.is_none() && req.expected_size.is_none() && !chunked {
        return Err(head.bad(format!(
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
            return Ok(Verdict::Restart);
        }
        return Err(head.bad(format!("{ANNOUNCES} {t} bytes but TikTok said {e}")));
    }
    // Never the resume answer's word over the first answer's: a total that changed means
    // another file (or another encode) is being served now.
    if start > 0
        && let (Some(first), Some(t)) = (known_total, total)
        && first != t
    {
        tracing::warn!(
            "{u}: the resume answer announces {t} bytes but the first answer announced \
             {first}; starting over"
        );
        return Ok(Verdict::Restart);
    }
    Ok(Verdict::Write { start, total })
}

/// The last checks before a body is written: its size within the kind's cap when only the
/// server announces one, and no web page or JSON in place of media.
fn check_content(
    head: &Head,
    req: &MediaRequest,
    start: u64,
    total: Option<u64>,
) -> Result<Plan, Error> {
    let cap = req.kind.size_cap();
    if let Some(t) = total.filter(|t| *t > cap)
        && req.expected_size.is_none()
    {
        return Err(head.bad(format!(
            "{ANNOUNCES} {t} bytes, more than the {cap}-byte limit for {} of unknown size",
            req.kind.noun()
        )));
    }
    let ctype = head
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if req.kind != MediaKind::Subtitle
        && (ctype.starts_with("text/html") || ctype.starts_with("application/json"))
    {
        return Err(head.bad(format!("server sent {ctype} instead of media")));
    }
    Ok(Plan {
        start,
        total,
        limit: total.or(req.expected_size).unwrap_or(cap),
        limit_is_max_filesize: false,
    })
}

/// The message for a body that went past `plan.limit`.
fn over_limit(plan: &Plan, req: &MediaRequest) -> String {
    match (plan.total, req.expected_size) {
        (Some(_), _) => format!("{SENT_MORE} bytes than it announced"),
        (None, Some(e)) => format!("{SENT_MORE} than the {e} bytes TikTok announced"),
        (None, None) => format!(
            "{SENT_MORE} than the {}-byte limit for {} of unknown size",
            req.kind.size_cap(),
            req.kind.noun()
        ),
    }
}

/// How the write loop ended without an error.
enum Flow {
    /// The body ended.
    End,
    /// The resume answer's repeated bytes differ from the `.part`'s: start over.
    Changed,
}

/// How the write loop failed; `poisoned`: what arrived is wrong (not merely short), so the
/// `.part` must not be resumed.
struct Cut {
    error: Error,
    poisoned: bool,
}

impl From<Error> for Cut {
    fn from(error: Error) -> Self {
        Self {
            error,
            poisoned: false,
        }
    }
}

/// Writes the body of an accepted answer into the `.part` as `plan` says, then judges what
/// arrived: the whole file, a prefix to resume from, or bytes to throw away.
async fn write_body(
    resp: reqwest::Response,
    plan: &Plan,
    ask: &Ask<'_>,
    req: &MediaRequest,
    opts: &EngineOptions,
    progress: Option<&ProgressFn>,
    state: &PartState<'_>,
) -> Result<Attempt, Failure> {
    let (place, part) = (state.place, &state.place.part);
    // Only into the folder that was checked, and only while it is still there.
    place.still_in_place()?;
    let access = if plan.start == 0 {
        Access::Truncate
    } else {
        Access::Append
    };
    let mut out = PartWriter::new(place.open_part(access)?, plan.start, part);
    // The bytes the resume answer must repeat before it may add any (see RESUME_OVERLAP).
    let again = if plan.start > 0 {
        read_tail(place, ask.from, ask.overlap)
            .await
            .map_err(|e| Error::local(e, "reading", part))?
    } else {
        Vec::new()
    };
    let mut screen = Screen::new(again, plan);
    let mut pace = Pace {
        watch: LowSpeedWatch::new(opts),
        rate: ByteRate::new(opts.rate_limit),
        progress,
        total: plan.total,
    };
    // Where this answer starts: what is on disk already is not this answer's speed.
    if let Some(p) = progress {
        p(plan.start, plan.total);
    }
    let flow = pump(resp, &mut out, &mut screen, &mut pace, plan, req, ask.url).await;
    // Whatever happened, keep what arrived: it is a correct prefix to resume from.
    let written = out
        .close()
        .await
        .map_err(|e| Error::local(e, "writing", part))?;
    Ok(judge(flow, written, plan, req, place, ask.url)?)
}

/// What arrived, judged: the whole file, a prefix to resume from, or bytes to throw away.
fn judge(
    flow: Result<Flow, Cut>,
    written: u64,
    plan: &Plan,
    req: &MediaRequest,
    place: &Place,
    u: &str,
) -> Result<Attempt, Error> {
    let bad =
        |msg: String| Error::connection(ConnectionReason::BadMedia(msg), Operation::Download, u);
    match flow {
        Ok(Flow::Changed) => {
            tracing::warn!(
                "{u}: the resume answer's bytes differ from the ones received before (the file \
                 changed on the server); starting over"
            );
            return Ok(Attempt::Restart);
        }
        Err(cut) => {
            if cut.poisoned || written == 0 {
                let _ = place.remove_part();
            }
            return Err(cut.error);
        }
        Ok(Flow::End) => {}
    }
    if let Some(t) = plan.total.filter(|t| written < *t) {
        // The body ended early (dropped connection or a short body): resume from here.
        let msg = format!("connection closed after {written} of {t} bytes");
        let reason = ConnectionReason::Other(msg);
        return Err(Error::connection(reason, Operation::Download, u));
    }
    if let Some(e) = req.expected_size
        && written != e
    {
        let _ = place.remove_part();
        return Err(bad(format!("got {written} bytes but TikTok announced {e}")));
    }
    if written == 0 {
        let _ = place.remove_part();
        return Err(bad(EMPTY.to_owned()));
    }
    Ok(Attempt::Done(written))
}

/// What the write loop does besides writing: progress, the low-speed watch, `--limit-rate`.
struct Pace<'a> {
    watch: LowSpeedWatch,
    rate: ByteRate,
    progress: Option<&'a ProgressFn>,
    total: Option<u64>,
}

/// Streams the body into `out`, each chunk screened first.
async fn pump(
    resp: reqwest::Response,
    out: &mut PartWriter,
    screen: &mut Screen,
    pace: &mut Pace<'_>,
    plan: &Plan,
    req: &MediaRequest,
    u: &str,
) -> Result<Flow, Cut> {
    let op = Operation::Download;
    let poisoned = |msg: String| Cut {
        error: Error::connection(ConnectionReason::BadMedia(msg), op, u),
        poisoned: true,
    };
    let mut stream = resp.bytes_stream();
    loop {
        // A quiet connection gets what is buffered written out, so that a stalled download
        // interrupted now (Ctrl-C) keeps every byte received in its `.part`.
        let mut flushed = false;
        let next = loop {
            // A stop (Ctrl-C, SIGTERM) ends the body here; the caller flushes what arrived.
            let next = tokio::select! {
                next = tokio::time::timeout(IDLE_FLUSH, stream.next()) => next,
                () = crate::stop::wait() => {
                    let reason = ConnectionReason::Interrupted;
                    return Err(Error::connection(reason, op, u).into());
                }
            };
            match next {
                Ok(next) => break next,
                Err(_) => {
                    if !flushed {
                        flushed = true;
                        out.flush().await.map_err(|e| out.error(e))?;
                    }
                    pace.watch.record(0, u)?;
                }
            }
        };
        let Some(chunk) = next else {
            return Ok(Flow::End);
        };
        let chunk = chunk.map_err(|e| from_reqwest(e, op, u))?;
        let received = chunk.len();
        let chunk = match screen.chunk(&chunk, out.written) {
            Screened::Write(c) => c,
            // Bytes a resume repeats are received all the same: every meter counts them.
            Screened::Skip => {
                pace.received(received as u64, u).await?;
                continue;
            }
            Screened::Changed => return Ok(Flow::Changed),
            Screened::WebPage => {
                return Err(poisoned(
                    "server sent a web page instead of media".to_owned(),
                ));
            }
            Screened::OverLimit if plan.limit_is_max_filesize => {
                let reason = ConnectionReason::OverMaxFilesize {
                    size: out.written + received as u64,
                    max: plan.limit,
                    announced: false,
                };
                return Err(Cut {
                    error: Error::connection(reason, op, u),
                    poisoned: true,
                });
            }
            Screened::OverLimit => return Err(poisoned(over_limit(plan, req))),
        };
        // Under --limit-rate a chunk waits for its turn before it is written or shown, in
        // slices: the client may read far ahead (its buffers, the socket's), but no byte is
        // taken in sooner than the rate allows, the first ones included.
        pace.received((received - chunk.len()) as u64, u).await?;
        for piece in chunk.chunks(pace.rate.slice(chunk.len())) {
            pace.received(piece.len() as u64, u).await?;
            out.write(piece).await.map_err(|e| out.error(e))?;
            if let Some(p) = pace.progress {
                p(out.written, pace.total);
            }
        }
    }
}

impl Pace<'_> {
    /// `n` more bytes received (written or not: a resume's repeated overlap is transfer too),
    /// the one count both `--limit-rate` and the low-speed watch are fed.
    async fn received(&mut self, n: u64, u: &str) -> Result<(), Error> {
        self.rate.pace(n).await;
        self.watch.record(n, u)
    }
}

/// What each chunk of a body is checked against before it is written: the bytes a resume
/// answer must repeat, the first bytes (no web page), and the limit.
struct Screen {
    again: Vec<u8>,
    repeated: usize,
    magic_checked: bool,
    limit: u64,
}

/// What to do with one chunk.
#[derive(Debug, PartialEq)]
enum Screened<'c> {
    /// Write these bytes (the chunk less what it repeated).
    Write(&'c [u8]),
    /// All of it repeated bytes already on disk.
    Skip,
    /// It differs from the bytes it should repeat.
    Changed,
    /// The body's first bytes are a web page or JSON document.
    WebPage,
    /// It would take the file past its limit.
    OverLimit,
}

impl Screen {
    /// The screen of a body written as `plan` says, which must first repeat `again`. A resume's
    /// first bytes are not the file's, so only a body from byte 0 is looked at for a web page.
    fn new(again: Vec<u8>, plan: &Plan) -> Self {
        Self {
            again,
            repeated: 0,
            magic_checked: plan.start > 0,
            limit: plan.limit,
        }
    }

    /// Screens `chunk`, arriving when the file holds `written` bytes.
    fn chunk<'c>(&mut self, chunk: &'c [u8], written: u64) -> Screened<'c> {
        let mut chunk = chunk;
        if self.repeated < self.again.len() {
            let n = (self.again.len() - self.repeated).min(chunk.len());
            if chunk[..n] != self.again[self.repeated..self.repeated + n] {
                return Screened::Changed;
            }
            self.repeated += n;
            chunk = &chunk[n..];
            if chunk.is_empty() {
                return Screened::Skip;
            }
        }
        if !self.magic_checked {
            self.magic_checked = true;
            if looks_like_text_page(chunk) {
                return Screened::WebPage;
            }
        }
        if written + chunk.len() as u64 > self.limit {
            return Screened::OverLimit;
        }
        Screened::Write(chunk)
    }
}

/// The low-speed check of a download (`http::SpeedCheck`, as every other reader's), off when a
/// `--limit-rate` below the low-speed limit would trip it.
struct LowSpeedWatch(crate::net::http::SpeedCheck);

impl LowSpeedWatch {
    fn new(opts: &EngineOptions) -> Self {
        let low_speed = opts
            .low_speed
            .filter(|l| l.bytes_per_sec > 0 && !l.window.is_zero())
            .filter(|l| {
                opts.rate_limit
                    .is_none_or(|r| r == 0 || r > l.bytes_per_sec)
            });
        Self(crate::net::http::SpeedCheck::new(low_speed))
    }

    /// Adds `got` bytes (0: a quiet moment); an error once a window averaged under the limit.
    fn record(&mut self, got: u64, url: &str) -> Result<(), Error> {
        match self.0.record(got) {
            Some(msg) => Err(Error::connection(
                ConnectionReason::Other(msg),
                Operation::Download,
                url,
            )),
            None => Ok(()),
        }
    }
}

/// `--limit-rate`: the bytes received since the start, paced to at most `rate` a second.
struct ByteRate {
    rate: Option<u64>,
    began: Instant,
    paced: u64,
}

impl ByteRate {
    fn new(rate: Option<u64>) -> Self {
        Self {
            rate: rate.filter(|r| *r > 0),
            began: Instant::now(),
            paced: 0,
        }
    }

    /// How long to wait, `elapsed` after the start, once `n` more bytes arrived.
    fn wait(&mut self, n: u64, elapsed: Duration) -> Duration {
        let Some(rate) = self.rate else {
            return Duration::ZERO;
        };
        self.paced += n;
        let due = Duration::from_secs_f64(self.paced as f64 / rate as f64);
        due.saturating_sub(elapsed)
    }

    /// The most bytes taken in at once: a whole chunk without a limit, else about a tenth of a
    /// second's worth (at least 1 KiB, at most 64 KiB).
    fn slice(&self, chunk: usize) -> usize {
        match self.rate {
            None => chunk.max(1),
            Some(rate) => usize::try_from(rate / 10)
                .unwrap_or(usize::MAX)
                .clamp(1 << 10, 64 << 10),
        }
    }

    /// Sleeps until `n` more bytes are due at the rate (before they are taken in).
    async fn pace(&mut self, n: u64) {
        let wait = self.wait(n, self.began.elapsed());
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}

/// The `.part` being written: a write buffer, the count of bytes in the file, and its
/// writeback.
struct PartWriter {
    out: BufWriter<File>,
    /// The file's length once the buffer is written out.
    written: u64,
    writeback: Writeback,
    path: PathBuf,
}

impl PartWriter {
    /// Writes into `file` (the `.part` at `path`), which holds `start` bytes already.
    fn new(file: std::fs::File, start: u64, path: &Path) -> Self {
        let writeback = Writeback::new(file.try_clone().ok(), start);
        Self {
            out: BufWriter::with_capacity(WRITE_BUFFER, File::from_std(file)),
            written: start,
            writeback,
            path: path.to_owned(),
        }
    }

    /// Appends `chunk`, and lets the writeback follow what reached the file.
    async fn write(&mut self, chunk: &[u8]) -> std::io::Result<()> {
        self.out.write_all(chunk).await?;
        self.written += chunk.len() as u64;
        let on_disk = self.written - self.out.buffer().len() as u64;
        self.writeback.reached(on_disk).await;
        Ok(())
    }

    async fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush().await
    }

    /// A failed write or flush, as the download's error.
    fn error(&self, e: std::io::Error) -> Error {
        Error::local(e, "writing", &self.path)
    }

    /// Flushes the buffer, waits for the writeback under way and returns the file's length.
    async fn close(mut self) -> std::io::Result<u64> {
        self.out.flush().await?;
        drop(self.out);
        self.writeback.finish().await;
        Ok(self.written)
    }
}

/// Writes a growing `.part` out to disk while it downloads, so that the fsync before the rename
/// finds little left to write and dirty pages stay bounded. On Linux, each finished step of
/// [`WRITEBACK_STEP`] bytes is handed to the kernel to write (`SYNC_FILE_RANGE_WRITE`) and the
/// steps before it are waited for (`WAIT_BEFORE|WRITE|WAIT_AFTER`), one call at a time: a
/// download outrunning the disk waits for it here rather than piling up dirty memory.
/// Elsewhere, an `fdatasync` starts in the background every step, skipped while one runs.
/// Durability stays the fsync's in `finish`; failures here change nothing and are ignored.
struct Writeback {
    file: Option<Arc<std::fs::File>>,
    steps: Steps,
    running: Option<tokio::task::JoinHandle<()>>,
}

impl Writeback {
    fn new(file: Option<std::fs::File>, start: u64) -> Self {
        Self {
            file: file.map(Arc::new),
            steps: Steps::new(start, WRITEBACK_STEP),
            running: None,
        }
    }

    /// The file now holds `on_disk` bytes (written to the kernel, not only buffered).
    async fn reached(&mut self, on_disk: u64) {
        let Some(file) = &self.file else { return };
        if !self.steps.due(on_disk) {
            return;
        }
        if let Some(h) = self
            .running
            .take_if(|h| WAIT_FOR_WRITEBACK || h.is_finished())
        {
            let _ = h.await;
        }
        if self.running.is_some() {
            return;
        }
        let Some((write, wait)) = self.steps.take(on_disk) else {
            return;
        };
        let file = file.clone();
        self.running = Some(tokio::task::spawn_blocking(move || {
            write_out(&file, write, wait)
        }));
    }

    /// Waits for the call under way, if any.
    async fn finish(&mut self) {
        if let Some(h) = self.running.take() {
            let _ = h.await;
        }
    }
}

/// Step arithmetic of [`Writeback`]: byte ranges of a file growing from `start`, in whole steps.
#[derive(Debug, PartialEq)]
struct Steps {
    step: u64,
    /// Handed to the kernel up to here.
    issued: u64,
    /// Waited for up to here.
    waited: u64,
}

impl Steps {
    fn new(start: u64, step: u64) -> Self {
        let at = start / step * step;
        Self {
            step,
            issued: at,
            waited: at,
        }
    }

    /// Whether a step has finished since the last [`Self::take`].
    fn due(&self, on_disk: u64) -> bool {
        on_disk / self.step * self.step > self.issued
    }

    /// Once `on_disk` bytes are in the file: the range to start writing (the steps finished
    /// since the last call) and the range to wait for (everything before the last finished
    /// step, not waited for yet); `None` when no step finished.
    fn take(&mut self, on_disk: u64) -> Option<(Range<u64>, Range<u64>)> {
        let end = on_disk / self.step * self.step;
        if end <= self.issued {
            return None;
        }
        let write = self.issued..end;
        let wait = self.waited..(end - self.step).max(self.waited);
        self.issued = end;
        self.waited = wait.end;
        Some((write, wait))
    }
}

/// Starts writing `write` out and waits for `wait` to be on disk.
#[cfg(target_os = "linux")]
fn write_out(file: &std::fs::File, write: Range<u64>, wait: Range<u64>) {
    use std::os::fd::AsRawFd;
    let call = |r: &Range<u64>, flags| {
        let (Ok(at), Ok(len)) = (i64::try_from(r.start), i64::try_from(r.end - r.start)) else {
            return;
        };
        if len > 0 {
            // SAFETY: sync_file_range on a descriptor this process holds open; it reads no memory.
            unsafe { libc::sync_file_range(file.as_raw_fd(), at, len, flags) };
        }
    };
    call(&write, libc::SYNC_FILE_RANGE_WRITE);
    call(
        &wait,
        libc::SYNC_FILE_RANGE_WAIT_BEFORE
            | libc::SYNC_FILE_RANGE_WRITE
            | libc::SYNC_FILE_RANGE_WAIT_AFTER,
    );
}

/// Starts writing the file out (its data so far).
#[cfg(not(target_os = "linux"))]
fn write_out(file: &std::fs::File, _write: Range<u64>, _wait: Range<u64>) {
    let _ = file.sync_data();
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

    fn request(expected_size: Option<u64>, kind: MediaKind) -> MediaRequest {
        MediaRequest {
            urls: vec![],
            dest: PathBuf::from("a.mp4"),
            expected_size,
            kind,
            rendition: "r".into(),
            role: "video".into(),
            tag: None,
            post_id: "7500000000000000001".into(),
            within: None,
        }
    }

    fn headers(pairs: &[(header::HeaderName, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(k.clone(), HeaderValue::from_static(v));
        }
        h
    }

    /// One row of the response table: what was asked and what came back.
    struct Case {
        have: u64,
        expected: Option<u64>,
        known: Option<u64>,
        status: u16,
        length: Option<u64>,
        headers: Vec<(header::HeaderName, &'static str)>,
    }

    fn case(have: u64, status: u16, length: Option<u64>) -> Case {
        Case {
            have,
            expected: None,
            known: None,
            status,
            length,
            headers: vec![],
        }
    }

    impl Case {
        fn with(mut self, k: header::HeaderName, v: &'static str) -> Self {
            self.headers.push((k, v));
            self
        }

        fn check(&self) -> Result<Verdict, Error> {
            let h = headers(&self.headers);
            let head = Head {
                status: StatusCode::from_u16(self.status).unwrap(),
                headers: &h,
                content_length: self.length,
                url: "https://v16-webapp-prime.tiktok.com/v.mp4",
            };
            let req = request(self.expected, MediaKind::Video);
            check_response(&head, &Ask::new(head.url, self.have), &req, self.known)
        }

        /// The refusal's message.
        fn refused(&self) -> String {
            match self.check() {
                Err(e) => e.to_string(),
                Ok(v) => panic!("accepted: {v:?}"),
            }
        }
    }

    #[test]
    fn answers_are_judged_by_status_range_and_total() {
        use header::{CONTENT_ENCODING, CONTENT_RANGE, RETRY_AFTER, TRANSFER_ENCODING};
        let write = |start, total| Some(Verdict::Write { start, total });
        // A first answer, and a resume answered from the overlap (100000 - 65536 = 34464).
        assert_eq!(case(0, 200, Some(1000)).check().ok(), write(0, Some(1000)));
        let resume =
            case(100_000, 206, Some(965_536)).with(CONTENT_RANGE, "bytes 34464-999999/1000000");
        assert_eq!(resume.check().ok(), write(100_000, Some(1_000_000)));
        let elsewhere = case(100_000, 206, None).with(CONTENT_RANGE, "bytes 0-999999/1000000");
        assert_eq!(elsewhere.check().ok(), Some(Verdict::Restart));
        let starless = case(100_000, 206, None).with(CONTENT_RANGE, "bytes 34464-99999/*");
        assert!(
            starless.refused().contains(UNKNOWN_TOTAL),
            "{}",
            starless.refused()
        );
        // 416: complete when the total is the `.part`'s length, else start over.
        let whole = case(100_000, 416, None).with(CONTENT_RANGE, "bytes */100000");
        assert_eq!(whole.check().ok(), Some(Verdict::Done(100_000)));
        let longer = case(100_000, 416, None).with(CONTENT_RANGE, "bytes */90000");
        assert_eq!(longer.check().ok(), Some(Verdict::Restart));
        // Statuses: a redirect, a rate limit with its Retry-After, a 404 without one.
        assert!(case(0, 302, None).refused().contains("redirect"));
        let h = headers(&[(RETRY_AFTER, "5")]);
        let head = |code| Head {
            status: StatusCode::from_u16(code).unwrap(),
            headers: &h,
            content_length: None,
            url: "u",
        };
        assert!(case(0, 429, None).check().is_err());
        assert_eq!(head(429).retry_after(), Some(Duration::from_secs(5)));
        assert_eq!(head(404).retry_after(), None);
        assert_eq!(head(200).retry_after(), None);
        assert!(
            case(0, 200, Some(9))
                .with(CONTENT_ENCODING, "gzip")
                .refused()
                .contains("gzip-encoded")
        );
        assert!(case(0, 204, None).refused().contains(EMPTY));
        // Sizes: against TikTok's, against the first answer's, and unframed.
        let mut short = case(0, 200, Some(900));
        short.expected = Some(1000);
        assert!(
            short
                .refused()
                .contains(&format!("{ANNOUNCES} 900 bytes but TikTok said 1000"))
        );
        let mut other_whole = case(100_000, 200, Some(1000));
        other_whole.known = Some(2000);
        assert!(other_whole.refused().contains("in answer to a resume"));
        assert!(
            case(0, 200, None)
                .refused()
                .contains("no Content-Length, not chunked")
        );
        assert_eq!(
            case(0, 200, None)
                .with(TRANSFER_ENCODING, "chunked")
                .check()
                .ok(),
            write(0, None)
        );
        let mut resized = case(100_000, 206, None).with(CONTENT_RANGE, "bytes 34464-99999/200000");
        resized.expected = Some(300_000);
        assert_eq!(resized.check().ok(), Some(Verdict::Restart));
        resized.expected = None;
        resized.known = Some(300_000);
        assert_eq!(resized.check().ok(), Some(Verdict::Restart));
    }

    #[test]
    fn content_is_checked_for_its_cap_and_type() {
        use header::CONTENT_TYPE;
        let h = headers(&[(CONTENT_TYPE, "text/html; charset=utf-8")]);
        let head = |h| Head {
            status: StatusCode::OK,
            headers: h,
            content_length: None,
            url: "u",
        };
        let image = request(None, MediaKind::Image);
        let e = check_content(&head(&h), &image, 0, Some(10)).err().unwrap();
        assert!(
            e.to_string()
                .contains("text/html; charset=utf-8 instead of media")
        );
        // Subtitles may come as text.
        let sub = request(None, MediaKind::Subtitle);
        assert!(check_content(&head(&h), &sub, 0, Some(10)).is_ok());
        let plain = HeaderMap::new();
        let too_big = check_content(&head(&plain), &image, 0, Some(60 << 20))
            .err()
            .unwrap();
        assert!(settled(&too_big), "{too_big}");
        // The limit: the answer's total, else TikTok's, else the kind's cap.
        let plan = check_content(&head(&plain), &image, 0, None).unwrap();
        assert_eq!(plan.limit, MediaKind::Image.size_cap());
        let sized = request(Some(77), MediaKind::Image);
        assert_eq!(
            check_content(&head(&plain), &sized, 0, None).unwrap().limit,
            77
        );
        assert_eq!(
            check_content(&head(&plain), &sized, 5, Some(70)).unwrap(),
            Plan {
                start: 5,
                total: Some(70),
                limit: 70,
                limit_is_max_filesize: false,
            }
        );
        assert!(over_limit(&plan, &image).starts_with(SENT_MORE));
    }

    #[test]
    fn chunks_are_screened_for_the_overlap_a_web_page_and_the_limit() {
        let plan = |start, limit| Plan {
            start,
            total: None,
            limit,
            limit_is_max_filesize: false,
        };
        let mut s = Screen::new(b"abcdef".to_vec(), &plan(4, 10));
        assert_eq!(s.chunk(b"abc", 4), Screened::Skip);
        assert_eq!(s.chunk(b"defgh", 4), Screened::Write(b"gh"));
        assert_eq!(s.chunk(b"12345", 6), Screened::OverLimit);
        let mut other = Screen::new(b"abc".to_vec(), &plan(4, 10));
        assert_eq!(other.chunk(b"abX", 0), Screened::Changed);
        let mut first = Screen::new(vec![], &plan(0, 100));
        assert_eq!(first.chunk(b"<!DOCTYPE html>", 0), Screened::WebPage);
        assert_eq!(
            first.chunk(b"<!DOCTYPE html>", 15),
            Screened::Write(b"<!DOCTYPE html>")
        );
    }

    #[test]
    fn writeback_steps_write_the_last_step_and_wait_for_the_ones_before() {
        let mut s = Steps::new(0, 8);
        assert!(!s.due(7));
        assert_eq!(s.take(7), None);
        assert!(s.due(9));
        assert_eq!(s.take(9), Some((0..8, 0..0)));
        assert_eq!(s.take(15), None);
        assert_eq!(s.take(17), Some((8..16, 0..8)));
        // Several steps at once: all written, all but the last waited for.
        assert_eq!(s.take(41), Some((16..40, 8..32)));
        // A resume starts at the step its `.part` is in.
        let mut r = Steps::new(20, 8);
        assert_eq!(r.take(23), None);
        assert_eq!(r.take(24), Some((16..24, 16..16)));
    }

    #[test]
    fn the_byte_rate_paces_to_the_limit() {
        let mut r = ByteRate::new(Some(1000));
        assert_eq!(r.wait(500, Duration::ZERO), Duration::from_millis(500));
        assert_eq!(r.wait(500, Duration::from_millis(1500)), Duration::ZERO);
        let mut free = ByteRate::new(None);
        assert_eq!(free.wait(1 << 30, Duration::ZERO), Duration::ZERO);
        // The first bytes wait their turn too: no burst at the start.
        let mut first = ByteRate::new(Some(150 << 10));
        assert_eq!(
            first.wait(15 << 10, Duration::ZERO),
            Duration::from_millis(100)
        );
        assert_eq!(first.slice(1 << 20), 15 << 10);
        assert_eq!(ByteRate::new(Some(100)).slice(1 << 20), 1 << 10);
        assert_eq!(ByteRate::new(Some(1 << 30)).slice(1 << 20), 64 << 10);
        assert_eq!(free.slice(1 << 20), 1 << 20);
        assert!(ByteRate::new(Some(0)).rate.is_none());
    }

    #[test]
    fn the_low_speed_watch_trips_on_a_slow_window_unless_the_rate_limit_is_lower() {
        let slow = LowSpeed {
            bytes_per_sec: 1 << 20,
            window: Duration::from_millis(30),
        };
        let opts = |rate_limit| EngineOptions {
            low_speed: Some(slow),
            rate_limit,
            ..EngineOptions::default()
        };
        let mut watch = LowSpeedWatch::new(&opts(None));
        assert!(watch.record(10, "u").is_ok());
        std::thread::sleep(Duration::from_millis(40));
        let e = watch.record(10, "u").err().unwrap();
        assert!(e.to_string().contains(crate::net::http::TOO_SLOW), "{e}");
        let mut limited = LowSpeedWatch::new(&opts(Some(1000)));
        std::thread::sleep(Duration::from_millis(40));
        assert!(limited.record(10, "u").is_ok());
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
