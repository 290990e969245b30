//! Many posts from a URL list: streamed input, lists expanded, duplicates and archived posts
//! skipped, `jobs` posts in flight, one outcome reported per post as it finishes.
//!
//! The list is read as bytes, one bounded line at a time: a line that is not UTF-8 or is longer
//! than [`MAX_LINE`] fails as that one line and the rest go on; any other read error (a folder
//! given as the list, an I/O error) ends the batch with [`Summary::read_error`] set, and then the
//! `--failed-file` is left as it was ([`FailedFile::abandon`]), since a list not read to its end
//! must never replace one (the retry-in-place pattern `--failed-file LIST LIST`).
//!
//! A failure every later post would meet too (disk full, read-only, file size limit:
//! [`Error::is_fatal_for_run`]) stops the batch: no new post is started, and the lines not
//! attempted go to the `--failed-file` so that nothing is lost.

pub(crate) mod archive;
pub mod hook;
pub mod shard;
pub mod sleep;

pub mod filter;

use std::collections::HashSet;
use std::io::Write as _;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use futures_util::StreamExt;
use tokio::io::{AsyncBufRead, AsyncBufReadExt};

use crate::batch::archive::{Archive, SyncState};
use crate::batch::shard::Shard;
use crate::error::{ContentReason, Error, Operation};
use crate::fetch::lists::{BreakOn, ListEvent, ListOptions};
use crate::fetch::posts::Posts;
use crate::model::{PostId, VideoInfo};
use crate::save::{self, DownloadOptions, DownloadResult, ProgressFactory, Status};
use crate::terminal;
use crate::url::PostRef;

/// Failures named in the summary; past that they are only counted (memory stays flat however
/// many lines fail; `--failed-file` has them all).
pub const LISTED_FAILURES: usize = 20;

/// How the loop works through its inputs: the one choice that tells `download` from `batch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchMode {
    /// `download URL...`: outcomes reported in input order, and every post done as often as it
    /// is listed (the user said what to do).
    Download,
    /// `batch FILE`: outcomes reported as posts finish, and a post listed twice (in any URL
    /// form) done once.
    Batch,
}

impl BatchMode {
    /// Whether outcomes are reported in input order rather than as posts finish.
    fn keeps_order(self) -> bool {
        self == Self::Download
    }

    /// Whether a post listed twice is done once.
    fn skips_repeats(self) -> bool {
        self == Self::Batch
    }
}

/// `--download-archive` with what goes along with it, opened once: the ids already done, which
/// list inputs last ended clean (`ARCHIVE.sync` beside it), and whether `--break-on-existing`
/// stops a list at its first archived post.
#[derive(Debug, Clone)]
pub struct ArchiveState {
    archive: Arc<Archive>,
    /// Without it (it could not be read), `--break-on-existing` pages every list whole, which
    /// is slower but never skips a post.
    sync: Option<Arc<SyncState>>,
    /// `--break-on-existing` (or `break_on_existing = true` in the config file).
    break_on: Option<BreakOn>,
}

impl ArchiveState {
    /// Opens the archive at `path` and the sync state beside it; `break_on_existing` asks that
    /// lists stop at their first archived post (when their last run ended clean).
    pub fn open(path: &Path, break_on_existing: bool) -> Result<Self, Error> {
        let archive = Arc::new(Archive::open(path)?);
        tracing::info!("download archive: {} posts already done", archive.len());
        let break_on = break_on_existing.then(|| {
            let a = archive.clone();
            BreakOn(Arc::new(move |id| a.contains(id)))
        });
        // Beside a device (`--download-archive /dev/null`) there is no place for a state file:
        // `/dev/null.sync` would be a file written into /dev. Lists are then paged whole.
        let sync = archive
            .is_regular()
            .then(|| {
                SyncState::open(path, archive.size_on_disk())
                    .map(Arc::new)
                    .map_err(|e| {
                        tracing::warn!("{e}; --break-on-existing will page every list whole")
                    })
                    .ok()
            })
            .flatten();
        Ok(Self {
            archive,
            sync,
            break_on,
        })
    }

    /// Posts in the archive.
    pub fn len(&self) -> usize {
        self.archive.len()
    }

    /// Whether the archive holds no post.
    pub fn is_empty(&self) -> bool {
        self.archive.is_empty()
    }

    /// After a run that ended clean: every list it paged may be cut at its first archived post
    /// next time (a no-op without a sync state).
    pub fn finish_clean(&self) -> Result<(), Error> {
        match &self.sync {
            Some(sync) => {
                sync.finish_clean(self.archive.appended(), self.archive.size_on_disk(), |id| {
                    self.archive.contains(id)
                })
            }
            None => Ok(()),
        }
    }
}

/// What the batch loop is asked to do.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// How each post is saved.
    pub download: DownloadOptions,
    /// The output folder (`-P`).
    pub base: PathBuf,
    /// Print metadata instead of downloading.
    pub info_only: bool,
    /// Posts in flight at once.
    pub jobs: usize,
    /// What to keep from each list.
    pub list: ListOptions,
    /// `download` or `batch`.
    pub mode: BatchMode,
    /// `--download-archive`: archived posts are skipped, done ones recorded.
    pub archive: Option<ArchiveState>,
    /// With `--break-on-existing`: a list stopped at an archived post ends only that input
    /// (`--break-per-input`), not the whole run.
    pub break_per_input: bool,
    /// `--shard K/N`: only the posts of this shard; the others are counted, nothing more.
    pub shard: Option<Shard>,
    /// Hand each downloaded post's metadata to the caller (`--print`), fetched before the save
    /// when the input did not carry it.
    pub keep_info: bool,
    /// `--sleep-interval`: a pause before each post's download but the first.
    pub sleep: Option<sleep::SleepInterval>,
    /// Run after each post is saved, before it is archived (`--exec`); a post whose run failed
    /// is not archived.
    pub after_save: Option<hook::AfterSave>,
    /// `--match-filter`: a post that passes none is skipped (never saved nor archived).
    pub filter: filter::MatchFilters,
}

impl BatchOptions {
    /// Whether each post's id is needed before its work starts (to skip repeats or archived
    /// posts, or to report metadata); else a post goes straight to [`save::download_post`], which
    /// resolves it and reports every failure in its [`DownloadResult`].
    fn needs_id(&self) -> bool {
        self.mode.skips_repeats()
            || self.archive.is_some()
            || self.info_only
            || self.shard.is_some()
            || !self.filter.is_empty()
    }

    /// Makes the output folder ready (created, checked writable) and settles the folder every
    /// file must lie within: called once, before the run, unless only metadata is printed.
    pub fn prepare_output(&mut self) -> Result<(), Error> {
        save::prepare_output_dir(&self.base)?;
        save::settle_confinement(&mut self.download, &self.base);
        Ok(())
    }
}

/// Why a batch run's outcome sink stops the run ([`crate::TikTokHandler::run_batch`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopReason {
    /// Outcomes can no longer be delivered (standard output closed, ...): the text says why.
    /// No new post starts; the posts not attempted go to the `--failed-file`.
    Undeliverable(String),
}

impl std::fmt::Display for StopReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Undeliverable(why) => f.write_str(why),
        }
    }
}

/// What happened to one post (or one input line that could not become a post).
#[derive(Debug)]
pub enum Outcome {
    /// The result, and the post's metadata when [`BatchOptions::keep_info`] asked for it.
    Downloaded(Box<DownloadResult>, Option<Box<VideoInfo>>),
    /// The post's metadata ([`BatchOptions::info_only`]).
    Info(Box<VideoInfo>),
    /// Not done: archived already, or listed before.
    Skipped {
        /// The input as given (or the listed post's page).
        url: String,
        /// The post.
        id: PostId,
        /// Why, in words (`in the download archive`, `listed more than once`).
        reason: &'static str,
    },
    /// A post that failed outside its save: its line, its short link, the archive.
    Failed {
        /// The input as given (or the listed post's page).
        url: String,
        /// The post, when known before it failed.
        id: Option<PostId>,
        /// What went wrong.
        error: Error,
    },
    /// A post whose save failed: the download's own report, its status holding the error.
    SaveFailed(Box<DownloadResult>),
}

impl Outcome {
    /// The input the outcome is for.
    pub fn url(&self) -> &str {
        match self {
            Self::Downloaded(r, _) | Self::SaveFailed(r) => &r.url,
            Self::Info(i) => &i.webpage_url,
            Self::Skipped { url, .. } | Self::Failed { url, .. } => url,
        }
    }

    /// Why the post failed (`None`: it did not).
    pub fn error(&self) -> Option<&Error> {
        match self {
            Self::Failed { error, .. } => Some(error),
            Self::SaveFailed(r) => r.status.error(),
            Self::Downloaded(..) | Self::Info(_) | Self::Skipped { .. } => None,
        }
    }

    /// The outcome of a save: downloaded (or already there), else failed.
    fn of_save(result: DownloadResult, info: Option<Box<VideoInfo>>) -> Self {
        if result.is_saved() {
            Self::Downloaded(Box::new(result), info)
        } else {
            Self::SaveFailed(Box::new(result))
        }
    }
}

/// Totals for the end-of-run summary.
#[derive(Debug, Default)]
pub struct Summary {
    /// Posts saved (or their metadata printed).
    pub done: u64,
    /// Posts skipped (archived, listed before).
    pub skipped: u64,
    /// Posts and lines that failed.
    pub failed: u64,
    /// Media bytes received in this run (as [`crate::PerformanceStats::bytes`] counts them): a
    /// file already on disk adds nothing, a resumed one only what was fetched.
    pub bytes: u64,
    /// How long the run took.
    pub seconds: f64,
    /// (URL, reason) of the first [`LISTED_FAILURES`] failures, in the order they happened,
    /// already cut and neutralised for a terminal.
    pub failures: Vec<(String, String)>,
    /// The error that stopped the batch before the end of the list (disk full, ...).
    pub stopped: Option<String>,
    /// Lines (or a list's posts) not attempted because the batch stopped early.
    pub unattempted: u64,
    /// Posts done whose result could not be delivered (standard output closed): they are in
    /// `--failed-file` like the posts not attempted.
    pub undelivered: u64,
    /// Why the list could not be read to its end (not a bad line: a folder, an I/O error).
    pub read_error: Option<ReadError>,
    /// Bytes of the list read when it ended: lines appended after them were never seen (see
    /// [`FailedFile::keep_appended`]).
    pub list_bytes: u64,
    /// Where `--break-on-existing` stopped lists, in the order it happened.
    pub breaks: Vec<Break>,
    /// Posts left to the other shards of `--shard`.
    pub other_shards: u64,
    /// The `--failed-file` could not be written: its lines went to standard error instead.
    pub failed_file_lost: bool,
}

/// A list `--break-on-existing` stopped: the input, the archived post it reached, and whether
/// that ended the whole run (no `--break-per-input`: later inputs were not processed).
#[derive(Debug, Clone)]
pub struct Break {
    /// The list's input line, cut and neutralised for a terminal.
    pub input: String,
    /// The archived post where the list stopped.
    pub at: PostId,
    /// Whether the stop ended the whole run (no `--break-per-input`).
    pub whole_run: bool,
}

/// The URL list could not be read past `line` lines.
#[derive(Debug)]
pub struct ReadError {
    /// Lines read before the error.
    pub line: u64,
    /// The error.
    pub error: std::io::Error,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.error)
        } else {
            write!(f, "after line {}: {}", self.line, self.error)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// `--failed-file` (the loop below uses `FailedFile::line`, and the caller the public methods).

/// `--failed-file`: the failed and unattempted lines. A regular file (or a new name) is replaced
/// whole: the lines stream to a temporary file beside it that
/// [`FailedFile::commit`] renames over it, so the list itself may be the failed file. Anything
/// else a name can be is never replaced: tikdl's own standard output or error (`/dev/stdout`,
/// `/dev/stderr`), a pipe it was handed (`>(cmd)`), a FIFO, a character device (`/dev/null`) or
/// a socket is written in place, each line as it comes (as `tee` and `sort -o` do); a symbolic
/// link, a folder or a block device is refused.
#[derive(Debug)]
pub struct FailedFile {
    dest: PathBuf,
    sink: Sink,
    /// The replaced file's lock, held until it is replaced (see [`hold`]).
    held: Option<Held>,
    lines: u64,
    error: Option<std::io::Error>,
    /// The lines given, so that none is lost silently when the file cannot be written: up to
    /// [`MAX_KEPT_IN_MEMORY`] bytes (memory stays bounded), then only counted.
    all: Vec<u8>,
    /// Lines given beyond that bound.
    not_in_memory: u64,
}

/// How many bytes of `--failed-file` lines are also kept in memory, to be shown when the file
/// cannot be written (about 150,000 URLs).
pub const MAX_KEPT_IN_MEMORY: usize = 16 << 20;

/// A `--failed-file` that could not be written, with the lines it should have held.
#[derive(Debug)]
pub struct NotKept {
    /// Why it could not be written.
    pub error: Error,
    /// Its lines, each ending in a newline, for the caller to show elsewhere.
    pub lines: Vec<u8>,
    /// How many more lines there were than [`MAX_KEPT_IN_MEMORY`] let it keep.
    pub not_in_memory: u64,
}

#[derive(Debug)]
enum Sink {
    Replace {
        temp: crate::disk::owned_file::Temp,
        out: std::io::BufWriter<std::fs::File>,
    },
    InPlace(std::fs::File),
}

impl FailedFile {
    /// Opens the destination in place, or starts the temporary file that will replace it (the
    /// destination is then untouched until [`Self::commit`]).
    pub fn create(path: &Path) -> Result<Self, Error> {
        let io = |e: std::io::Error| Error::local(e, "opening the --failed-file", path);
        let mut held = None;
        let sink = match own_stream(path) {
            Some(file) => Sink::InPlace(file.map_err(io)?),
            None => match std::fs::symlink_metadata(path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    held = Some(hold(path)?);
                    replace(path, None)?
                }
                Err(e) => return Err(io(e)),
                Ok(m) if m.is_file() => {
                    held = Some(hold(path)?);
                    replace(path, Some(m.permissions()))?
                }
                Ok(m) if in_place(&m.file_type()) => Sink::InPlace(open_in_place(path, false)?),
                // `>(cmd)` (bash's /dev/fd/63): a descriptor tikdl was handed, to a pipe.
                Ok(m)
                    if m.file_type().is_symlink()
                        && is_fd_alias(path)
                        && std::fs::metadata(path).is_ok_and(|t| in_place(&t.file_type())) =>
                {
                    Sink::InPlace(open_in_place(path, true)?)
                }
                Ok(m) => {
                    let what = crate::disk::owned_file::describe(&m.file_type());
                    let hint = if m.file_type().is_symlink() {
                        match std::fs::canonicalize(path) {
                            Ok(t) => format!("give the file it leads to ({}) ", t.display()),
                            Err(_) => String::new(),
                        }
                    } else {
                        String::new()
                    };
                    return Err(Error::Setup(format!(
                        "--failed-file {} is {what}: tikdl neither writes through nor replaces \
                         one ({hint}or choose another name)",
                        path.display()
                    )));
                }
            },
        };
        Ok(Self {
            dest: path.to_owned(),
            sink,
            held,
            lines: 0,
            error: None,
            all: Vec::new(),
            not_in_memory: 0,
        })
    }

    /// Where it will be written.
    pub fn path(&self) -> &Path {
        &self.dest
    }

    /// Adds one line (the first write error is kept for [`Self::commit`]).
    pub(crate) fn line(&mut self, bytes: &[u8]) {
        if self.all.len() + bytes.len() < MAX_KEPT_IN_MEMORY {
            self.all.extend_from_slice(bytes);
            self.all.push(b'\n');
        } else {
            self.not_in_memory += 1;
        }
        if self.error.is_some() {
            return;
        }
        let written = match &mut self.sink {
            Sink::Replace { out, .. } => out.write_all(bytes).and_then(|()| out.write_all(b"\n")),
            Sink::InPlace(f) => {
                // One write per line, so lines sharing a pipe or a terminal stay whole.
                let mut line = Vec::with_capacity(bytes.len() + 1);
                line.extend_from_slice(bytes);
                line.push(b'\n');
                f.write_all(&line)
            }
        };
        match written {
            Ok(()) => self.lines += 1,
            Err(e) => self.error = Some(e),
        }
    }

    /// Replaces a regular destination with the lines written (flushed and synced first, so a
    /// crash never leaves a truncated list); an in-place destination already has them. Returns
    /// how many lines it holds; when it cannot be written, every line given comes back.
    pub fn commit(mut self) -> Result<u64, Box<NotKept>> {
        let result = match (self.error.take(), self.sink) {
            (Some(e), _) => Err(e),
            (None, Sink::Replace { temp, mut out }) => out.flush().and_then(|()| {
                drop(out);
                temp.commit()
            }),
            (None, Sink::InPlace(_)) => Ok(()),
        };
        result.map(|()| self.lines).map_err(|e| {
            Box::new(NotKept {
                error: Error::local(e, "writing the --failed-file", &self.dest),
                lines: self.all,
                not_in_memory: self.not_in_memory,
            })
        })
    }

    /// Leaves a regular destination as it was (the temporary file is removed, and so is the
    /// empty file [`hold`] made in place of a missing one).
    pub fn abandon(self) {
        if let Some(Held {
            file,
            made_empty: true,
        }) = &self.held
            && let (Ok(now), Ok(ours)) = (std::fs::symlink_metadata(&self.dest), file.metadata())
            && crate::disk::folder::same_file(&now, &ours)
            && now.len() == 0
        {
            let _ = std::fs::remove_file(&self.dest);
        }
    }

    /// Retry in place (`--failed-file LIST LIST`): lines appended to the list after the run
    /// read its first `read` bytes (a queue another program adds to) were never attempted, so
    /// they go to the failed file as they are, before it replaces the list.
    pub fn keep_appended(&mut self, list: &Path, read: u64) {
        use std::io::{Read, Seek, SeekFrom};
        let same = match (std::fs::metadata(list), std::fs::metadata(&self.dest)) {
            (Ok(a), Ok(b)) => crate::disk::folder::same_file(&a, &b),
            _ => false,
        };
        let Ok(mut f) = std::fs::File::open(list) else {
            return;
        };
        let grown = f.metadata().is_ok_and(|m| m.len() > read);
        if !same || !grown || f.seek(SeekFrom::Start(read)).is_err() {
            return;
        }
        let mut tail = Vec::new();
        if let Err(e) = f.take(MAX_SKIP).read_to_end(&mut tail) {
            self.error = Some(e);
            return;
        }
        for line in tail.split(|b| *b == b'\n' || *b == b'\r') {
            if !line.trim_ascii().is_empty() {
                self.line(line);
            }
        }
    }
}

/// A `--failed-file` this run will replace, locked (`flock`) so that a second tikdl given the
/// same name is refused: each replaces the file whole with its own lines, so the later of two
/// runs would drop the other's failures. The lock is on the file the name holds now (a missing
/// one is made, empty, to lock it) and goes with the replacement.
#[derive(Debug)]
struct Held {
    file: std::fs::File,
    /// The name held nothing: this run made the empty file.
    made_empty: bool,
}

fn hold(path: &Path) -> Result<Held, Error> {
    let io = |e: std::io::Error| Error::local(e, "locking the --failed-file", path);
    // The name may be replaced (by a run that just ended) between opening and locking: then
    // the lock is on a file no longer there, and the new one is locked instead.
    for _ in 0..8 {
        let (file, made_empty) = match std::fs::OpenOptions::new().read(true).open(path) {
            Ok(f) => (f, false),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                match std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(path)
                {
                    Ok(f) => (f, true),
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                    Err(e) => return Err(io(e)),
                }
            }
            Err(e) => return Err(io(e)),
        };
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Error::Setup(format!(
                    "--failed-file {} is in use by another tikdl run, which replaces it when it \
                     ends: wait for that run, or give each run its own --failed-file",
                    path.display()
                )));
            }
            // No locks on this file system: as before there were any.
            Err(std::fs::TryLockError::Error(e)) if crate::disk::safe_fs::lock_unsupported(&e) => {
                return Ok(Held { file, made_empty });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
        }
        let still = match (std::fs::symlink_metadata(path), file.metadata()) {
            (Ok(now), Ok(ours)) => crate::disk::folder::same_file(&now, &ours),
            _ => false,
        };
        if still {
            return Ok(Held { file, made_empty });
        }
    }
    Err(Error::Setup(format!(
        "--failed-file {} keeps being replaced by another program: give this run another name",
        path.display()
    )))
}

/// The temporary file that will replace `path` (keeping its permissions).
fn replace(path: &Path, perms: Option<std::fs::Permissions>) -> Result<Sink, Error> {
    let created =
        crate::disk::owned_file::Temp::create(path, crate::disk::owned_file::Options::DURABLE)
            .and_then(|mut temp| {
                let file = temp.file()?;
                if let Some(p) = perms {
                    let _ = file.set_permissions(p);
                }
                let out = std::io::BufWriter::new(file.try_clone()?);
                Ok(Sink::Replace { temp, out })
            });
    created.map_err(|e| Error::local(e, "creating the --failed-file beside", path))
}

/// `/dev/stdout`, `/dev/stderr` (and their `/dev/fd/N`, `/proc/self/fd/N` names): tikdl's own
/// stream, whatever it is redirected to (a log opened with `>>` keeps its content).
fn own_stream(path: &Path) -> Option<std::io::Result<std::fs::File>> {
    use std::os::fd::AsFd;
    let fd = match path.to_str()? {
        "/dev/stdout" | "/dev/fd/1" | "/proc/self/fd/1" => 1,
        "/dev/stderr" | "/dev/fd/2" | "/proc/self/fd/2" => 2,
        _ => return None,
    };
    let owned = if fd == 1 {
        std::io::stdout().as_fd().try_clone_to_owned()
    } else {
        std::io::stderr().as_fd().try_clone_to_owned()
    };
    Some(owned.map(std::fs::File::from))
}

/// `/dev/fd/N` or `/proc/self/fd/N`: a descriptor of this process, not a file someone keeps.
fn is_fd_alias(path: &Path) -> bool {
    let Some(text) = path.to_str() else {
        return false;
    };
    ["/dev/fd/", "/proc/self/fd/"].iter().any(|prefix| {
        text.strip_prefix(prefix)
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// What is written in place rather than replaced: a FIFO, a character device, a socket.
fn in_place(t: &std::fs::FileType) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        t.is_fifo() || t.is_char_device() || t.is_socket()
    }
    #[cfg(not(unix))]
    {
        let _ = t;
        false
    }
}

/// How many times (50 ms apart) a FIFO with no reader is asked again: 2 s in all.
const FIFO_READER_GRACE_TRIES: u32 = 40;

/// Opens a FIFO or device for appending without creating or blocking (and without following a
/// link unless `follow`): a FIFO that no program reads within 2 s is an error, never a hang.
fn open_in_place(path: &Path, follow: bool) -> Result<std::fs::File, Error> {
    let mut o = std::fs::OpenOptions::new();
    o.append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let nofollow = if follow { 0 } else { libc::O_NOFOLLOW };
        o.custom_flags(nofollow | libc::O_CLOEXEC | libc::O_NONBLOCK);
    }
    // A reader started just before tikdl (`cat fifo & tikdl ...`) may not have opened its end
    // yet: a FIFO without one is asked again for a moment before it counts as unread.
    let mut opened = o.open(path);
    for _ in 0..FIFO_READER_GRACE_TRIES {
        match &opened {
            #[cfg(unix)]
            Err(e) if e.raw_os_error() == Some(libc::ENXIO) => {
                std::thread::sleep(std::time::Duration::from_millis(50));
                opened = o.open(path);
            }
            _ => break,
        }
    }
    let file = opened.map_err(|e| {
        #[cfg(unix)]
        if e.raw_os_error() == Some(libc::ENXIO) {
            return Error::Setup(format!(
                "--failed-file {} is a FIFO that no program reads (start its reader first, or \
                 choose another name)",
                path.display()
            ));
        }
        Error::local(e, "opening the --failed-file", path)
    })?;
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        // Blocking from now on: a slow reader slows the lines down instead of losing them.
        // SAFETY: fcntl on a descriptor this function owns, with integer arguments only.
        unsafe {
            let fd = file.as_raw_fd();
            let flags = libc::fcntl(fd, libc::F_GETFL);
            if flags >= 0 {
                libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK);
            }
        }
    }
    Ok(file)
}

// ---------------------------------------------------------------------------------------------
// The list's lines: read as bytes, one bounded line at a time (the loop below uses `LineReader`,
// `Line`, `count_urls` and the two limits, nothing else).

/// The longest URL-list line kept (bytes); a longer line fails as one line, without being read
/// into memory whole.
pub const MAX_LINE: usize = 64 * 1024;
/// A line still without its end after this many bytes means the input is not a URL list at all
/// (`/dev/zero`, a video): reading it stops with an error instead of running forever.
pub const MAX_SKIP: u64 = 16 * 1024 * 1024;

/// One line of the list that is not blank and not a comment.
#[derive(Debug, PartialEq)]
pub(crate) enum Line {
    /// A line of UTF-8 text, trimmed.
    Text { text: String },
    /// Not UTF-8 (a Latin-1 comment, binary junk): kept as bytes for `--failed-file`.
    NotUtf8 {
        /// The line's number in the list (1 for the first).
        number: u64,
        raw: Vec<u8>,
        /// Where the first byte that is not UTF-8 is.
        at: usize,
    },
    /// Longer than [`MAX_LINE`]: not used, but kept whole (up to [`MAX_SKIP`]) for
    /// `--failed-file`, so that retrying in place never loses it.
    TooLong { number: u64, raw: Vec<u8> },
}

/// Reads the list one bounded line at a time.
pub(crate) struct LineReader<R> {
    input: R,
    number: u64,
    buf: Vec<u8>,
    /// The last line ended with CR: a LF right after it belongs to that line end.
    after_cr: bool,
    /// Bytes read from the input.
    consumed: u64,
}

/// How one raw line ended up in [`LineReader::buf`].
enum Raw {
    /// The input has ended: no line.
    End,
    /// A line within [`MAX_LINE`].
    Line,
    /// An over-long line, whether it is a comment (kept whole up to [`MAX_SKIP`]).
    TooLong { comment: bool },
}

impl<R: AsyncBufRead + Unpin> LineReader<R> {
    pub(crate) fn new(input: R) -> Self {
        Self {
            input,
            number: 0,
            buf: Vec::new(),
            after_cr: false,
            consumed: 0,
        }
    }

    /// Lines read so far (blank lines and comments included).
    pub(crate) fn number(&self) -> u64 {
        self.number
    }

    /// Bytes read from the input so far.
    pub(crate) fn consumed(&self) -> u64 {
        self.consumed
    }

    /// The next line that is not blank or a comment; `None` at the end of the list.
    pub(crate) async fn next(&mut self) -> std::io::Result<Option<Line>> {
        loop {
            let comment = match self.raw_line().await? {
                Raw::End => return Ok(None),
                Raw::Line => None,
                Raw::TooLong { comment } => Some(comment),
            };
            self.number += 1;
            if let Some(comment) = comment {
                if comment {
                    continue;
                }
                let raw = self.buf.trim_ascii_end().to_vec();
                return Ok(Some(Line::TooLong {
                    number: self.number,
                    raw,
                }));
            }
            // Notepad and other Windows editors start a UTF-8 file with a byte order mark: it
            // is not part of the first URL, nor of the first URL of a file joined on with `cat`
            // (a mark is never part of a URL, and is invisible where it is echoed).
            if self.buf.starts_with(b"\xEF\xBB\xBF") {
                self.buf.drain(..3);
            }
            let bytes = self.buf.trim_ascii();
            if bytes.first().is_none_or(|&b| starts_comment(b)) {
                continue;
            }
            let bytes = without_trailing_comment(bytes);
            match std::str::from_utf8(bytes) {
                Ok(text) => {
                    let text = text.trim();
                    if text.is_empty() {
                        continue;
                    }
                    return Ok(Some(Line::Text {
                        text: text.to_owned(),
                    }));
                }
                Err(e) => {
                    return Ok(Some(Line::NotUtf8 {
                        number: self.number,
                        raw: bytes.to_vec(),
                        at: e.valid_up_to(),
                    }));
                }
            }
        }
    }

    /// Reads one line, its end included, into `buf`: `\n`, `\r` and `\r\n` end a line (the
    /// `\n` of a `\r\n` may come in the next read). An over-long line is read on to its end
    /// (kept for `--failed-file`) unless it goes past [`MAX_SKIP`]: then the input is no list.
    async fn raw_line(&mut self) -> std::io::Result<Raw> {
        self.buf.clear();
        let mut any = false;
        // Bytes of an over-long line seen so far (kept for --failed-file, not used).
        let mut too_long: Option<u64> = None;
        let mut comment = false;
        loop {
            let mut chunk = self.input.fill_buf().await?;
            if std::mem::take(&mut self.after_cr) && chunk.first() == Some(&b'\n') {
                self.input.consume(1);
                self.consumed += 1;
                chunk = self.input.fill_buf().await?;
            }
            if chunk.is_empty() {
                break;
            }
            any = true;
            // `\r` ends a line too (Python's universal newlines, which yt-dlp reads lists
            // with): a list saved with old Mac line ends is a list, not one long line.
            let (take, end) = match chunk.iter().position(|&b| b == b'\n' || b == b'\r') {
                Some(i) => {
                    self.after_cr = chunk[i] == b'\r';
                    (i + 1, true)
                }
                None => (chunk.len(), false),
            };
            match too_long.as_mut() {
                Some(seen) => *seen += take as u64,
                None if self.buf.len() + take > MAX_LINE + 2 => {
                    comment = self
                        .buf
                        .trim_ascii_start()
                        .first()
                        .is_some_and(|&b| starts_comment(b));
                    too_long = Some((self.buf.len() + take) as u64);
                }
                None => {}
            }
            self.buf.extend_from_slice(&chunk[..take]);
            self.input.consume(take);
            self.consumed += take as u64;
            if end {
                break;
            }
            if too_long.is_some_and(|seen| seen > MAX_SKIP) {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!(
                        "line {} goes on for more than {} MiB without a line break: \
                         this is not a list of URLs",
                        self.number + 1,
                        MAX_SKIP >> 20
                    ),
                ));
            }
        }
        Ok(match (any, too_long) {
            (false, _) => Raw::End,
            (true, None) => Raw::Line,
            (true, Some(_)) => Raw::TooLong { comment },
        })
    }
}

/// Whether a line whose first non-blank byte is `b` is a comment: `#`, `;` or `]`, as in
/// yt-dlp's batch-file reader (yt-dlp `yt_dlp/utils/_utils.py` `read_batch_urls`).
fn starts_comment(b: u8) -> bool {
    matches!(b, b'#' | b';' | b']')
}

/// `line` without a ` #...` comment: a `#` right after a blank starts one (yt-dlp's
/// `read_batch_urls` splits on `\s#`); a `#` inside a URL (its fragment) has no blank before it.
fn without_trailing_comment(line: &[u8]) -> &[u8] {
    match line
        .windows(2)
        .position(|w| w[0].is_ascii_whitespace() && w[1] == b'#')
    {
        Some(i) => line[..i].trim_ascii_end(),
        None => line,
    }
}

/// URLs in a list file (non-blank, non-comment lines), counted in one pass over its bytes without
/// keeping them; only for a regular file (a device or a pipe may never end).
pub fn count_urls(path: &Path) -> Option<u64> {
    use std::io::Read;
    let mut f = std::fs::File::open(path).ok()?;
    if !f.metadata().ok()?.is_file() {
        return None;
    }
    let (mut n, mut buf) = (0, vec![0u8; 64 * 1024]);
    // At the start of a line: None; after its first non-blank byte: whether it counts.
    let mut state: Option<bool> = None;
    loop {
        let read = f.read(&mut buf).ok()?;
        if read == 0 {
            break;
        }
        for &b in &buf[..read] {
            match (b, state) {
                (b'\n', _) => state = None,
                (b' ' | b'\t' | b'\r', None) => {}
                (_, None) => {
                    let counts = !starts_comment(b);
                    n += u64::from(counts);
                    state = Some(counts);
                }
                _ => {}
            }
        }
    }
    Some(n)
}

// ---------------------------------------------------------------------------------------------
// The loop: lines -> tasks -> posts in flight -> outcomes, tallied.

/// What the reader hands on: a line, or (once the batch has stopped) a line only to keep.
enum Input {
    Line(Line),
    Unattempted(Vec<u8>),
}

/// One unit of work, made from an input line (a list line makes one per post).
enum Task {
    /// A post (or a LIVE room, refused), parsed once: `url` is the line as given, or for a short
    /// link the URL it leads to, reported as it is.
    Post {
        url: String,
        post: PostRef,
    },
    /// A list's post, which carries its metadata.
    Listed(Box<VideoInfo>),
    /// A line that is no TikTok URL, where no id is needed first (`download`): the save reports
    /// it, as it reports every failure, with its result.
    Unparsed {
        url: String,
    },
    Failed {
        url: String,
        error: Error,
    },
    /// A line that cannot be a URL (not UTF-8, too long); `raw` goes to `--failed-file`.
    BadLine {
        raw: Option<Vec<u8>>,
        error: Error,
    },
    /// Not attempted because the batch stopped; goes to `--failed-file`.
    Unattempted(Vec<u8>),
    /// `--break-on-existing` stopped this input's list (after its new posts).
    Break(Break),
}

impl Task {
    /// For a post's task, the input kept for `--failed-file` when it is not attempted.
    fn unattempted(&self) -> Option<Vec<u8>> {
        match self {
            Self::Post { url, .. } | Self::Unparsed { url } => Some(url.clone().into_bytes()),
            Self::Listed(info) => Some(info.webpage_url.clone().into_bytes()),
            _ => None,
        }
    }
}

/// What `process` made of a task.
enum Done {
    Break(Break),
    /// In another `--shard`.
    OtherShard,
    /// `failed_input` is the line for `--failed-file` when it is not the outcome's URL.
    Outcome {
        outcome: Outcome,
        failed_input: Option<Option<Vec<u8>>>,
    },
    Unattempted(Vec<u8>),
}

/// Claimed post ids, so a post listed twice (in any URL form) is done once.
#[derive(Default)]
struct Claims(Mutex<HashSet<PostId>>);

impl Claims {
    fn claim(&self, id: &PostId) -> bool {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id.clone())
    }
}

/// State shared between the list reader and the loop collecting outcomes.
#[derive(Default)]
struct Shared {
    stop: AtomicBool,
    /// `--break-on-existing` without `--break-per-input` reached an archived post: no further
    /// input is read (not a failure: nothing goes to `--failed-file`).
    broken: AtomicBool,
    read_error: Mutex<Option<ReadError>>,
    /// Bytes of the list consumed so far.
    read_bytes: std::sync::atomic::AtomicU64,
}

impl Shared {
    /// Whether no new post may start: the batch stopped itself, or a stop was asked for
    /// (Ctrl-C, SIGTERM: [`crate::stop`]).
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed) || crate::stop::requested()
    }
}

/// The end-of-run bookkeeping: counts, the first failures, the stop rule, `--failed-file`.
struct Tally<'a> {
    summary: Summary,
    failed_file: Option<&'a mut FailedFile>,
}

impl Tally<'_> {
    /// Records one finished task; returns whether the batch must stop starting new posts.
    /// `delivered` is false once a result could not be handed on (the reader of standard
    /// output is gone): from then on a post's result is kept only in `--failed-file`.
    fn record(&mut self, done: &Done, delivered: bool) -> bool {
        let outcome = match done {
            Done::Break(b) => {
                self.summary.breaks.push(b.clone());
                return false;
            }
            Done::OtherShard => {
                self.summary.other_shards += 1;
                return false;
            }
            Done::Unattempted(raw) => {
                self.summary.unattempted += 1;
                if let Some(f) = self.failed_file.as_deref_mut() {
                    f.line(raw);
                }
                return false;
            }
            Done::Outcome { outcome, .. } => outcome,
        };
        match outcome {
            Outcome::Downloaded(..) | Outcome::Info(_) if !delivered => {
                self.summary.undelivered += 1;
                if let Some(f) = self.failed_file.as_deref_mut() {
                    f.line(outcome.url().as_bytes());
                }
            }
            Outcome::Downloaded(..) => self.summary.done += 1,
            Outcome::Info(_) => self.summary.done += 1,
            Outcome::Skipped { .. } => self.summary.skipped += 1,
            Outcome::Failed { .. } | Outcome::SaveFailed(_) => {
                self.summary.failed += 1;
                let url = outcome.url();
                // Both hold their error (a failed save in its status).
                let Some(error) = outcome.error() else {
                    return false;
                };
                if self.summary.failures.len() < LISTED_FAILURES {
                    let reason =
                        terminal::clip(&error.to_string(), 4 * terminal::ECHO_CHARS).into_owned();
                    self.summary
                        .failures
                        .push((terminal::echo(url), terminal::safe(&reason).into_owned()));
                }
                if let Some(f) = self.failed_file.as_deref_mut() {
                    match done {
                        Done::Outcome {
                            failed_input: Some(Some(raw)),
                            ..
                        } => f.line(raw),
                        Done::Outcome {
                            failed_input: Some(None),
                            ..
                        } => {}
                        _ => f.line(url.as_bytes()),
                    }
                }
                if error.is_fatal_for_run() && self.summary.stopped.is_none() {
                    self.summary.stopped = Some(error.to_string());
                    return true;
                }
            }
        }
        false
    }
}

/// Reads URLs from `input` (one per line; blank lines and `#` comments skipped) and works through
/// them, handing each outcome to `sink` as its post finishes (a [`ControlFlow::Break`] from it
/// stops the batch as a fatal error would: the output cannot be delivered). Failed lines (and,
/// after a stop, the lines not attempted) are written to `failed_file`; the caller commits or
/// abandons it depending on [`Summary::read_error`].
pub(crate) async fn run<R>(
    posts: &Posts,
    input: R,
    opts: &BatchOptions,
    failed_file: Option<&mut FailedFile>,
    progress: Option<ProgressFactory>,
    sink: impl FnMut(&Outcome) -> ControlFlow<StopReason>,
) -> Summary
where
    R: AsyncBufRead + Unpin,
{
    run_inputs(
        posts,
        Some(input),
        Vec::new(),
        opts,
        failed_file,
        progress,
        sink,
    )
    .await
}

/// The lines of a list, read lazily: only the lines in flight are in memory, whatever its size.
fn list_lines<R: AsyncBufRead + Unpin>(
    input: R,
    shared: Arc<Shared>,
) -> impl futures_util::Stream<Item = Input> {
    let reader = (LineReader::new(input), shared);
    futures_util::stream::unfold(reader, |(mut lines, shared)| async move {
        if shared.broken.load(Ordering::Relaxed) {
            return None;
        }
        match next_after_stop(lines.next()).await {
            Err(waited) => {
                let line = lines.number();
                let error = std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!(
                        "stopped while waiting for its next line (none came within {} ms of \
                         the stop)",
                        waited.as_millis()
                    ),
                );
                *shared.read_error.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some(ReadError { line, error });
                None
            }
            Ok(Ok(Some(line))) => {
                let input = match line {
                    // Stopped: the rest is only kept for --failed-file, never expanded.
                    Line::Text { text } if shared.stopped() => {
                        Input::Unattempted(text.into_bytes())
                    }
                    Line::NotUtf8 { raw, .. } if shared.stopped() => Input::Unattempted(raw),
                    line => Input::Line(line),
                };
                Some((input, (lines, shared)))
            }
            Ok(Ok(None)) => {
                shared.read_bytes.store(lines.consumed(), Ordering::Relaxed);
                None
            }
            Ok(Err(error)) => {
                let line = lines.number();
                *shared.read_error.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some(ReadError { line, error });
                None
            }
        }
    })
}

/// How long, once a stop is asked for, a read of the list may wait for its next line. The rest
/// of a file is still read after a stop (its lines go to `--failed-file`), but a pipe or a FIFO
/// whose writer sends nothing more (`tail -f urls | tikdl batch -`) would hold the stopped run.
const READ_AFTER_STOP: std::time::Duration = std::time::Duration::from_secs(1);

/// `read`, given at most [`READ_AFTER_STOP`] once a stop is asked for (also when the stop comes
/// while it waits); `Err` with that time when it did not end within it.
async fn next_after_stop<T>(
    read: impl std::future::Future<Output = T>,
) -> Result<T, std::time::Duration> {
    let mut read = std::pin::pin!(read);
    if !crate::stop::requested() {
        tokio::select! {
            done = &mut read => return Ok(done),
            () = crate::stop::wait() => {}
        }
    }
    tokio::time::timeout(READ_AFTER_STOP, read)
        .await
        .map_err(|_| READ_AFTER_STOP)
}

/// The URLs of a command line, each one input (no blank-line or comment rule).
fn url_lines(urls: Vec<String>, shared: Arc<Shared>) -> impl futures_util::Stream<Item = Input> {
    let stop = shared.clone();
    futures_util::stream::iter(urls)
        .take_while(move |_| std::future::ready(!shared.broken.load(Ordering::Relaxed)))
        .map(move |text| {
            if stop.stopped() {
                Input::Unattempted(text.into_bytes())
            } else {
                Input::Line(Line::Text { text })
            }
        })
}

/// The URLs of a command line (`tikdl download URL...`), worked through as a list's lines are
/// (no blank-line or comment rule: each argument is a URL).
pub(crate) async fn run_urls(
    posts: &Posts,
    urls: Vec<String>,
    opts: &BatchOptions,
    progress: Option<ProgressFactory>,
    sink: impl FnMut(&Outcome) -> ControlFlow<StopReason>,
) -> Summary {
    let none: Option<tokio::io::Empty> = None;
    run_inputs(posts, none, urls, opts, None, progress, sink).await
}

/// A list's lines (`download -a FILE`, `batch FILE`), then the URLs of the command line (the
/// order yt-dlp takes them in), through the one loop: what [`run`] guarantees for a list
/// (`--failed-file`, the archive, the read error) holds for both.
pub(crate) async fn run_inputs<R>(
    posts: &Posts,
    list: Option<R>,
    urls: Vec<String>,
    opts: &BatchOptions,
    failed_file: Option<&mut FailedFile>,
    progress: Option<ProgressFactory>,
    sink: impl FnMut(&Outcome) -> ControlFlow<StopReason>,
) -> Summary
where
    R: AsyncBufRead + Unpin,
{
    let shared = Arc::new(Shared::default());
    let from_list = match list {
        Some(input) => list_lines(input, shared.clone()).left_stream(),
        None => futures_util::stream::empty().right_stream(),
    };
    let lines = from_list.chain(url_lines(urls, shared.clone()));
    work(posts, lines, shared, opts, failed_file, progress, sink).await
}

/// The one concurrent loop under [`run`] and [`run_urls`]: lines -> tasks -> `jobs` posts in
/// flight -> outcomes, tallied and handed to `sink`.
async fn work(
    posts: &Posts,
    lines: impl futures_util::Stream<Item = Input>,
    shared: Arc<Shared>,
    opts: &BatchOptions,
    failed_file: Option<&mut FailedFile>,
    progress: Option<ProgressFactory>,
    mut sink: impl FnMut(&Outcome) -> ControlFlow<StopReason>,
) -> Summary {
    let started = Instant::now();
    let bytes_at_start = posts.stats().bytes;
    let worker = Worker {
        posts,
        opts,
        claims: Claims::default(),
        counter: AtomicU64::new(0),
        progress,
        pacer: opts.sleep.map(sleep::Pacer::new),
    };
    // A list's posts come as its pages do: the first post starts before the last page is read.
    let paging = worker.progress.clone();
    let tasks = lines
        .map(|input| expand_input(posts, input, opts, &shared, paging.clone()))
        .flatten();
    let outcomes = tasks.map(|task| {
        let (worker, shared) = (&worker, &shared);
        async move {
            // A list's posts queued before the stop.
            if shared.stopped()
                && let Some(raw) = task.unattempted()
            {
                return Done::Unattempted(raw);
            }
            worker.process(task).await
        }
    });
    let jobs = opts.jobs.max(1);
    let outcomes = if opts.mode.keeps_order() {
        futures_util::future::Either::Left(outcomes.buffered(jobs))
    } else {
        futures_util::future::Either::Right(outcomes.buffer_unordered(jobs))
    };
    let mut outcomes = std::pin::pin!(outcomes);

    let mut tally = Tally {
        summary: Summary::default(),
        failed_file,
    };
    // Whether results still reach the caller's output; the first that cannot ends it.
    let mut delivered = true;
    while let Some(done) = outcomes.next().await {
        if delivered
            && let Done::Outcome { outcome, .. } = &done
            && let ControlFlow::Break(reason) = sink(outcome)
        {
            delivered = false;
            if tally.summary.stopped.is_none() {
                tally.summary.stopped = Some(reason.to_string());
            }
            shared.stop.store(true, Ordering::Relaxed);
        }
        if tally.record(&done, delivered) {
            shared.stop.store(true, Ordering::Relaxed);
        }
    }
    let mut summary = tally.summary;
    if crate::stop::requested() && summary.stopped.is_none() {
        summary.stopped = Some(crate::stop::STOPPED.to_owned());
    }
    summary.read_error = shared
        .read_error
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take();
    summary.list_bytes = shared.read_bytes.load(Ordering::Relaxed);
    summary.seconds = started.elapsed().as_secs_f64();
    summary.bytes = posts.stats().bytes.saturating_sub(bytes_at_start);
    summary
}

/// The tasks of one input, as they come.
type Tasks<'a> = futures_util::stream::BoxStream<'a, Task>;

fn tasks<'a>(list: Vec<Task>) -> Tasks<'a> {
    futures_util::stream::iter(list).boxed()
}

/// A line from the reader -> its tasks (see [`expand_line`]).
fn expand_input<'a>(
    posts: &Posts,
    input: Input,
    opts: &'a BatchOptions,
    shared: &'a Shared,
    progress: Option<ProgressFactory>,
) -> Tasks<'a> {
    let line = match input {
        Input::Unattempted(raw) => return tasks(vec![Task::Unattempted(raw)]),
        Input::Line(line) => line,
    };
    tasks(match line {
        Line::Text { text } => return expand_line(posts, text, opts, shared, progress),
        Line::NotUtf8 { number, raw, at } => {
            let shown = String::from_utf8_lossy(&raw).into_owned();
            let byte = raw.get(at).copied().unwrap_or(0);
            let reason = ContentReason::NotTikTok(format!(
                "line {number} is not UTF-8 text (byte 0x{byte:02x} at position {}); \
                 save the list as UTF-8",
                at + 1
            ));
            vec![Task::BadLine {
                error: Error::content(reason, Operation::ParseUrl, &terminal::echo(&shown)),
                raw: Some(raw),
            }]
        }
        Line::TooLong { number, raw } => {
            let reason = ContentReason::NotTikTok(format!(
                "line {number} is longer than {} KiB",
                MAX_LINE >> 10
            ));
            vec![Task::BadLine {
                error: Error::content(reason, Operation::ParseUrl, &format!("(line {number})")),
                raw: Some(raw),
            }]
        }
    })
}

/// One input line, parsed once -> the tasks it stands for (a list expands to its posts).
///
/// A short link is followed first, and the line is then what its target is: a list expands
/// (its `--max`, `-I`, filters, archive and `--break-on-existing` as for the target's URL, which
/// stands for the line from here on: reported, kept in `--failed-file`, marked clean), a post or
/// a LIVE room is one task. yt-dlp does the same: its `TikTokVMIE` (`yt_dlp/extractor/tiktok.py`)
/// resolves the link and hands the URL it leads to to whichever extractor takes it. The link is
/// followed when the loop reaches its line, as a list's first page is asked for.
fn expand_line<'a>(
    posts: &Posts,
    line: String,
    opts: &'a BatchOptions,
    shared: &'a Shared,
    progress: Option<ProgressFactory>,
) -> Tasks<'a> {
    match crate::url::parse(line.trim()) {
        Ok(short @ PostRef::ShortLink { .. }) => {
            let posts = posts.clone();
            futures_util::stream::once(async move {
                let target = posts.resolve(short, line.trim()).await;
                (posts, line, target)
            })
            .flat_map(move |(posts, line, target)| match target {
                Ok(target) => {
                    let url = target.canonical_url();
                    expand_target(&posts, url, target, opts, shared, progress.clone())
                }
                Err(error) => tasks(vec![Task::Failed { url: line, error }]),
            })
            .boxed()
        }
        Ok(target) => expand_target(posts, line, target, opts, shared, progress),
        // Reported by the download, which resolves every post it is given.
        Err(_) if !opts.needs_id() => tasks(vec![Task::Unparsed { url: line }]),
        Err(e) => {
            let error = crate::fetch::posts::not_a_tiktok_url(&e, &line);
            tasks(vec![Task::Failed { url: line, error }])
        }
    }
}

/// The tasks of `target`, what `line` stands for (no short link): a list's posts as its pages
/// come, else one post (a LIVE room is refused when the task is worked on).
fn expand_target<'a>(
    posts: &Posts,
    line: String,
    target: PostRef,
    opts: &'a BatchOptions,
    shared: &'a Shared,
    progress: Option<ProgressFactory>,
) -> Tasks<'a> {
    if !target.is_list() {
        return tasks(vec![Task::Post {
            url: line,
            post: target,
        }]);
    }
    let events = posts.list(line.trim(), target, &list_options(opts, &line));
    list_tasks(line, events, opts, shared, Paging::open(progress))
}

/// The list options for one list input. `--break-on-existing` cuts a list short only when its
/// last run ended clean; otherwise the whole list is paged (archived posts are skipped all the
/// same) to find what is missing.
fn list_options(opts: &BatchOptions, line: &str) -> ListOptions {
    ListOptions {
        max_counts: opts.filter.for_max(),
        ..archive_cut(opts, line)
    }
}

/// [`list_options`] before `--match-filter`: where `--break-on-existing` may cut the list.
fn archive_cut(opts: &BatchOptions, line: &str) -> ListOptions {
    let Some(archive) = &opts.archive else {
        return opts.list.clone();
    };
    let may_cut = match &archive.sync {
        Some(sync) => {
            let was = sync.take(line).unwrap_or_else(|e| {
                tracing::warn!("{e}; paging this list whole");
                false
            });
            // A list cut by --max, -I or a date filter is not listed whole, whatever the run's
            // end. (Posts listed but not archived, as those of other shards, keep the mark away
            // at the end: see `SyncState`.)
            let l = &opts.list;
            if l.max.is_some() || l.after.is_some() || l.before.is_some() || l.items.is_some() {
                sync.forget(line);
            }
            was
        }
        None => false,
    };
    match &archive.break_on {
        Some(break_on) if may_cut => ListOptions {
            break_on: Some(break_on.clone()),
            ..opts.list.clone()
        },
        Some(_) => {
            tracing::info!(
                "{}: its last run did not end clean (or this is its first): paging it whole \
                 instead of stopping at the first archived post",
                terminal::clip(line, terminal::ECHO_CHARS)
            );
            opts.list.clone()
        }
        None => opts.list.clone(),
    }
}

/// A list's events -> its posts' tasks, as its pages come.
fn list_tasks<'a>(
    line: String,
    events: crate::fetch::lists::ListStream,
    opts: &'a BatchOptions,
    shared: &'a Shared,
    paging: Paging,
) -> Tasks<'a> {
    let whole_run = !opts.break_per_input;
    // `None` once the list ended (or the batch stopped, which ends it with its line kept for
    // --failed-file, so a retry pages it again).
    let sync = opts.archive.as_ref().and_then(|a| a.sync.clone());
    futures_util::stream::unfold(Some((events, paging)), move |state| {
        let line = line.clone();
        let sync = sync.clone();
        async move {
            let (mut events, paging) = state?;
            if shared.stopped() {
                return Some((Task::Unattempted(line.into_bytes()), None));
            }
            let mut next = events.next().await?;
            if matches!(next, Ok(ListEvent::Cut)) {
                if let Some(s) = &sync {
                    s.forget(&line);
                }
                next = events.next().await?;
            }
            let task = match next {
                Ok(ListEvent::Cut) => return None,
                Ok(ListEvent::Post(info)) => {
                    paging.listed();
                    if let Some(s) = &sync {
                        s.listed(&line, &info.id);
                    }
                    Task::Listed(info)
                }
                Ok(ListEvent::Stopped(at)) => {
                    if whole_run {
                        // Set before the next line is read, so the reader takes no further one.
                        shared.broken.store(true, Ordering::Relaxed);
                    }
                    Task::Break(Break {
                        input: terminal::clip(&line, terminal::ECHO_CHARS).into_owned(),
                        at,
                        whole_run,
                    })
                }
                Err(error) => Task::Failed { url: line, error },
            };
            Some((task, Some((events, paging))))
        }
    })
    .boxed()
}

/// A list being paged, as the run's progress is told: open until dropped (the list's stream
/// ended, or was dropped with the run).
struct Paging(Option<ProgressFactory>);

impl Paging {
    fn open(progress: Option<ProgressFactory>) -> Self {
        if let Some(p) = &progress {
            p.list_opened();
        }
        Self(progress)
    }

    fn listed(&self) {
        if let Some(p) = &self.0 {
            p.listed();
        }
    }
}

impl Drop for Paging {
    fn drop(&mut self) {
        if let Some(p) = &self.0 {
            p.list_closed();
        }
    }
}

/// What the work on every post shares.
struct Worker<'a> {
    posts: &'a Posts,
    opts: &'a BatchOptions,
    claims: Claims,
    /// Posts handed to the save so far (`%(autonumber)s`).
    counter: AtomicU64,
    progress: Option<ProgressFactory>,
    /// `--sleep-interval`: one for the run, whatever `--jobs` is.
    pacer: Option<std::sync::Arc<sleep::Pacer>>,
}

impl Worker<'_> {
    async fn process(&self, task: Task) -> Done {
        let mut failed_input = None;
        let outcome = match task {
            Task::Unattempted(raw) => return Done::Unattempted(raw),
            Task::Break(b) => return Done::Break(b),
            Task::BadLine { raw, error } => {
                failed_input = Some(raw);
                Outcome::Failed {
                    url: error.url().unwrap_or_default().to_owned(),
                    id: None,
                    error,
                }
            }
            Task::Failed { url, error } => Outcome::Failed {
                url,
                id: None,
                error,
            },
            Task::Unparsed { url } => self.save(url, None).await,
            Task::Post { url, .. } if !self.opts.needs_id() => self.save(url, None).await,
            Task::Post { url, post } => {
                let id = match post {
                    PostRef::Post { id, .. } => id,
                    other => {
                        return Done::Outcome {
                            outcome: not_a_post(other, &url),
                            failed_input: None,
                        };
                    }
                };
                if !self.in_shard(&id) {
                    return Done::OtherShard;
                }
                self.checked(url, id, None).await
            }
            Task::Listed(info) if !self.in_shard(&info.id) => return Done::OtherShard,
            Task::Listed(info) if !self.opts.needs_id() => {
                self.save(info.webpage_url.clone(), Some(*info)).await
            }
            Task::Listed(info) => {
                let (url, id) = (info.webpage_url.clone(), info.id.clone());
                self.checked(url, id, Some(*info)).await
            }
        };
        Done::Outcome {
            outcome,
            failed_input,
        }
    }

    fn in_shard(&self, id: &PostId) -> bool {
        self.opts.shard.is_none_or(|s| s.contains(id))
    }

    /// A post whose id is not needed first: straight to the save, which resolves it and
    /// reports every failure in its result.
    async fn save(&self, url: String, info: Option<VideoInfo>) -> Outcome {
        let n = self.counter.fetch_add(1, Ordering::Relaxed) + 1;
        match self.save_post(&url, info, n).await {
            Some((mut result, kept)) => {
                self.after_save(&mut result, kept.as_deref()).await;
                Outcome::of_save(result, kept)
            }
            // A filter makes every post's id needed first (`needs_id`): not reached.
            None => Outcome::Failed {
                error: Error::content_hinted(
                    ContentReason::Unsupported(filter::SKIP_REASON.into()),
                    Operation::ParseUrl,
                    &url,
                    &["`tikdl info --json URL` shows the fields --match-filter reads"],
                ),
                url,
                id: None,
            },
        }
    }

    /// The caller's hook for a saved post. When it fails, so does the post: its status becomes
    /// that error (its files stay listed, and kept), so it is counted failed, goes to
    /// `--failed-file`, and is not archived, as a post whose save failed.
    async fn after_save(&self, result: &mut DownloadResult, info: Option<&VideoInfo>) {
        match &self.opts.after_save {
            // A simulated post was not saved: its command is not run (yt-dlp runs none under -s).
            Some(hook) if result.is_saved() && !self.opts.download.simulate => {
                if let Err(why) = hook.run(result, info).await {
                    result.status = Status::Failed(Error::after_save(&result.url, why));
                }
            }
            _ => {}
        }
    }

    /// One post of known id: checked against the archive and the claims, then fetched or saved.
    async fn checked(&self, url: String, id: PostId, info: Option<VideoInfo>) -> Outcome {
        let opts = self.opts;
        if opts
            .archive
            .as_ref()
            .is_some_and(|a| a.archive.contains(&id))
        {
            return Outcome::Skipped {
                url,
                id,
                reason: "in the download archive",
            };
        }
        if opts.mode.skips_repeats() && !self.claims.claim(&id) {
            return Outcome::Skipped {
                url,
                id,
                reason: "listed more than once",
            };
        }
        if opts.info_only {
            let info = match info {
                Some(info) => Ok(info),
                None => self.posts.video_info(&url).await,
            };
            return match info {
                Ok(info) if !opts.filter.accepts(&info) => Outcome::Skipped {
                    url,
                    id,
                    reason: filter::SKIP_REASON,
                },
                Ok(info) => Outcome::Info(Box::new(info)),
                Err(error) => Outcome::Failed {
                    url,
                    id: Some(id),
                    error,
                },
            };
        }
        let n = self.counter.fetch_add(1, Ordering::Relaxed) + 1;
        let (mut result, kept) = match self.save_post(&url, info, n).await {
            Some(saved) => saved,
            None => {
                return Outcome::Skipped {
                    url,
                    id,
                    reason: filter::SKIP_REASON,
                };
            }
        };
        self.after_save(&mut result, kept.as_deref()).await;
        // Only once the post is complete on disk (and its hook ran well) is it recorded.
        if result.is_saved()
            && !opts.download.simulate
            && let Some(archive) = &opts.archive
            && let Err(e) = archive.archive.record(&id)
        {
            return Outcome::Failed {
                url,
                id: Some(id),
                error: e,
            };
        }
        Outcome::of_save(result, kept)
    }

    /// Saves one post; with [`BatchOptions::keep_info`], its metadata comes back too (fetched
    /// first when the input did not carry it, in the same post scope: one identity, one page
    /// request). `None`: the post passes no `--match-filter` (checked on that same metadata),
    /// and nothing was saved.
    async fn save_post(
        &self,
        url: &str,
        info: Option<VideoInfo>,
        n: u64,
    ) -> Option<(DownloadResult, Option<Box<VideoInfo>>)> {
        let (posts, progress) = (self.posts, self.progress.clone());
        let (base, dl) = (&self.opts.base, &self.opts.download);
        let filter = &self.opts.filter;
        // Taken by the engine before the post's first file that must come over the network.
        let pace = self.pacer.as_ref().map(sleep::Pacer::for_post);
        if !self.opts.keep_info && filter.is_empty() {
            let r = save::download_post(posts, url, info, base, dl, n, progress, pace).await;
            return Some((r, None));
        }
        posts
            .http()
            .post_scope(async {
                let info = match info {
                    Some(info) => Some(info),
                    // A failure here is met again, and reported, by the save itself.
                    None => posts.video_info(url).await.ok(),
                };
                if info.as_ref().is_some_and(|i| !filter.accepts(i)) {
                    return None;
                }
                let kept = info.clone().filter(|_| self.opts.keep_info).map(Box::new);
                let r = save::download_post(posts, url, info, base, dl, n, progress, pace).await;
                Some((r, kept))
            })
            .await
    }
}

/// The failure of a post's task that is no post: a LIVE room (short links were followed when
/// the line was expanded, lists expanded into their posts).
fn not_a_post(post: PostRef, url: &str) -> Outcome {
    let reason = match post {
        // A recording lasts as long as the LIVE: never one of a list's jobs.
        live @ PostRef::Live { .. } => ContentReason::Unsupported(format!(
            "{} is a LIVE room: batch does not record LIVE rooms; record it with \
             `tikdl download URL`",
            live.canonical_url()
        )),
        other => ContentReason::Unsupported(format!("{} is not a post", other.canonical_url())),
    };
    Outcome::Failed {
        error: Error::content(reason, Operation::ParseUrl, url),
        url: url.to_owned(),
        id: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::pin::Pin;
    use std::task::{Context, Poll};
    use tokio::io::{AsyncRead, AsyncReadExt, ReadBuf};

    /// Fails every read, as a folder or a dying disk does.
    struct Broken;

    impl AsyncRead for Broken {
        fn poll_read(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            _: &mut ReadBuf<'_>,
        ) -> Poll<std::io::Result<()>> {
            Poll::Ready(Err(std::io::Error::other("disk on fire")))
        }
    }

    async fn all<R: AsyncBufRead + Unpin>(r: R) -> (Vec<Line>, Option<std::io::Error>) {
        let mut lines = LineReader::new(r);
        let mut out = Vec::new();
        loop {
            match lines.next().await {
                Ok(Some(l)) => out.push(l),
                Ok(None) => return (out, None),
                Err(e) => return (out, Some(e)),
            }
        }
    }

    fn text(s: &str) -> Line {
        Line::Text { text: s.into() }
    }

    #[tokio::test]
    async fn comments_are_yt_dlp_s() {
        let input: &[u8] = b"; semi\n ] bracket\n#hash\na # note\nb\t#x\nc#frag\nd ; e\n";
        let (lines, err) = all(tokio::io::BufReader::new(input)).await;
        assert!(err.is_none());
        assert_eq!(lines, [text("a"), text("b"), text("c#frag"), text("d ; e")]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.txt");
        std::fs::write(&path, input).unwrap();
        assert_eq!(count_urls(&path), Some(4));
    }

    #[tokio::test]
    async fn a_byte_order_mark_is_not_part_of_any_url() {
        let input: &[u8] =
            b"\xEF\xBB\xBFhttps://vm.tiktok.com/a/\r\n\xEF\xBB\xBFb\n\xEF\xBB\xBF# c\nx\xEF\xBB\xBFy\n";
        let (lines, err) = all(tokio::io::BufReader::new(input)).await;
        assert!(err.is_none());
        // Files joined with `cat` carry a mark at each one's start: a comment stays a comment;
        // a mark inside a line is the line's own.
        assert_eq!(
            lines,
            [
                text("https://vm.tiktok.com/a/"),
                text("b"),
                text("x\u{feff}y")
            ]
        );
    }

    #[tokio::test]
    async fn lines_are_bytes_and_a_bad_line_is_one_line() {
        let input: &[u8] = b"a\n\n  # comment\n# \xe9t\xe9 comment\n\xe9t\xe9 list\r\nb \r\n  c";
        let (lines, err) = all(tokio::io::BufReader::new(input)).await;
        assert!(err.is_none());
        assert_eq!(
            lines,
            [
                text("a"),
                Line::NotUtf8 {
                    number: 5,
                    raw: b"\xe9t\xe9 list".to_vec(),
                    at: 0
                },
                text("b"),
                text("c"),
            ]
        );
    }

    #[tokio::test]
    async fn a_long_line_fails_alone_and_an_endless_one_ends_the_read() {
        let mut input = b"a\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', MAX_LINE + 10));
        input.extend(b"\n#");
        input.extend(std::iter::repeat_n(b'y', MAX_LINE + 10));
        input.extend(b"\nb\n");
        // A small buffer: the long line arrives in many pieces.
        let (lines, err) = all(tokio::io::BufReader::with_capacity(1000, &input[..])).await;
        assert!(err.is_none());
        let long = Line::TooLong {
            number: 2,
            raw: vec![b'x'; MAX_LINE + 10],
        };
        assert_eq!(lines, [text("a"), long, text("b")]);
        // Old Mac line ends (a lone CR) end lines too; CR LF is one line end, also when the
        // LF comes in the next read.
        let (lines, err) = all(tokio::io::BufReader::with_capacity(2, &b"a\rb\r\nc"[..])).await;
        assert!(err.is_none());
        assert_eq!(lines, [text("a"), text("b"), text("c")]);
        let mut r = LineReader::new(tokio::io::BufReader::with_capacity(
            2,
            &b"a\r\n\r\nb\r\n"[..],
        ));
        r.next().await.unwrap();
        assert_eq!(r.next().await.unwrap(), Some(text("b")));
        assert_eq!(r.number, 3, "CR LF counts as one line end");

        let endless = tokio::io::repeat(0).take(MAX_SKIP * 4);
        let (lines, err) = all(tokio::io::BufReader::new(endless)).await;
        assert!(lines.is_empty());
        let err = err.expect("an error");
        assert!(err.to_string().contains("not a list of URLs"), "{err}");
    }

    #[tokio::test]
    async fn a_read_error_is_an_error_not_the_end() {
        let input = (&b"a\nb\n"[..]).chain(Broken);
        let mut lines = LineReader::new(tokio::io::BufReader::new(input));
        assert_eq!(lines.next().await.unwrap(), Some(text("a")));
        assert_eq!(lines.next().await.unwrap(), Some(text("b")));
        assert!(lines.next().await.is_err());
        assert_eq!(lines.number, 2);
    }

    fn failed(error: Error) -> Done {
        Done::Outcome {
            outcome: Outcome::Failed {
                url: "https://www.tiktok.com/@u/video/1".into(),
                id: None,
                error,
            },
            failed_input: None,
        }
    }

    #[test]
    fn a_fatal_local_error_stops_and_the_rest_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("failed.txt");
        std::fs::write(&path, "old\n").unwrap();
        let mut file = FailedFile::create(&path).unwrap();
        let mut tally = Tally {
            summary: Summary::default(),
            failed_file: Some(&mut file),
        };
        let not_found = Error::content(
            ContentReason::Removed(None),
            Operation::FetchPage,
            "https://www.tiktok.com/@u/video/1",
        );
        assert!(
            !tally.record(&failed(not_found), true),
            "an ordinary failure"
        );
        let not_a_folder = Error::local(
            std::io::ErrorKind::NotADirectory.into(),
            "writing",
            Path::new("x"),
        );
        assert!(
            !tally.record(&failed(not_a_folder), true),
            "not fatal for the run"
        );
        let full = Error::local(
            std::io::ErrorKind::StorageFull.into(),
            "writing",
            Path::new("x"),
        );
        assert!(
            tally.record(&failed(full), true),
            "disk full stops the batch"
        );
        assert!(!tally.record(&Done::Unattempted(b"https://u/2".to_vec()), true));
        let s = tally.summary;
        assert_eq!((s.failed, s.unattempted), (3, 1));
        assert!(s.stopped.unwrap().contains("no space left"));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\n", "not yet");
        assert_eq!(file.commit().unwrap(), 4);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 4);
        assert!(text.ends_with("https://u/2\n"));
    }

    #[test]
    fn failures_listed_are_bounded() {
        let mut tally = Tally {
            summary: Summary::default(),
            failed_file: None,
        };
        let long = "x".repeat(100_000);
        for _ in 0..1000 {
            let e = Error::content(ContentReason::Removed(None), Operation::FetchPage, &long);
            tally.record(
                &Done::Outcome {
                    outcome: Outcome::Failed {
                        url: long.clone(),
                        id: None,
                        error: e,
                    },
                    failed_input: None,
                },
                true,
            );
        }
        let s = tally.summary;
        assert_eq!(s.failed, 1000);
        assert_eq!(s.failures.len(), LISTED_FAILURES);
        assert!(
            s.failures
                .iter()
                .all(|(u, r)| u.len() < 1000 && r.len() < 4000)
        );
    }

    fn options(archive: Option<ArchiveState>) -> BatchOptions {
        BatchOptions {
            download: DownloadOptions::default(),
            base: PathBuf::from("."),
            info_only: false,
            jobs: 1,
            list: ListOptions::default(),
            mode: BatchMode::Batch,
            archive,
            break_per_input: false,
            shard: None,
            keep_info: false,
            sleep: None,
            after_save: None,
            filter: Default::default(),
        }
    }

    #[test]
    fn break_on_existing_cuts_only_a_list_whose_last_run_ended_clean() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("archive.txt");
        let clean = "https://www.tiktok.com/@clean";
        // Marks made when the (new, empty) archive was 0 bytes long.
        std::fs::write(
            dir.path().join("archive.txt.sync"),
            format!("size 0\n{clean}\n"),
        )
        .unwrap();
        let opts = options(Some(ArchiveState::open(&path, true).unwrap()));
        assert!(list_options(&opts, clean).break_on.is_some());
        assert!(
            list_options(&opts, "https://www.tiktok.com/@new")
                .break_on
                .is_none(),
            "a list never seen whole is paged whole"
        );
        assert!(
            list_options(&opts, clean).break_on.is_none(),
            "taken: until this run ends clean, the next one pages it whole"
        );
        let without = options(Some(ArchiveState::open(&path, false).unwrap()));
        assert!(list_options(&without, clean).break_on.is_none());
        assert!(list_options(&options(None), clean).break_on.is_none());
        assert!(!BatchMode::Batch.keeps_order() && BatchMode::Batch.skips_repeats());
        assert!(BatchMode::Download.keeps_order() && !BatchMode::Download.skips_repeats());
    }

    #[test]
    fn a_shard_run_does_not_mark_a_list_whose_other_shard_posts_it_listed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("archive.txt");
        let list = "https://www.tiktok.com/@a";
        let mut opts = options(Some(ArchiveState::open(&path, true).unwrap()));
        opts.shard = Some("1/2".parse().unwrap());
        list_options(&opts, list);
        // A post of the other shard was listed, and (not this run's) is not archived.
        let archive = opts.archive.as_ref().unwrap();
        let other: PostId = "7300000000000000001".parse().unwrap();
        archive.sync.as_ref().unwrap().listed(list, &other);
        archive.finish_clean().unwrap();
        let sync = std::fs::read_to_string(dir.path().join("archive.txt.sync")).unwrap();
        assert!(!sync.contains(list), "only half of it was seen: {sync:?}");
    }

    #[test]
    fn an_abandoned_failed_file_leaves_the_list_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("list.txt");
        std::fs::write(&path, "a\nb\n").unwrap();
        let mut file = FailedFile::create(&path).unwrap();
        file.line(b"a");
        file.abandon();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a\nb\n");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp left"
        );
    }
}
