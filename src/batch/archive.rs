//! The download archive: yt-dlp's format (`tiktok ID` per line), read at start, appended to only
//! after a post is complete, so a run killed at any point never marks an unfinished post done.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::Error;
use crate::model::PostId;

const EXTRACTOR: &str = "tiktok";

#[derive(Debug)]
pub struct Archive {
    path: PathBuf,
    done: Mutex<HashSet<PostId>>,
    file: Mutex<Tail>,
    /// A regular file (fsynced after each line). `/dev/null` and other character devices are
    /// written in place and never synced (fsync of a device fails).
    regular: bool,
    /// Bytes this process appended (whole lines written without error).
    appended: std::sync::atomic::AtomicU64,
}

/// The archive open for reading and appending, and how far it has been read: other tikdl
/// processes sharing it append too, and their lines are taken in before each check.
#[derive(Debug)]
struct Tail {
    file: std::fs::File,
    read_to: u64,
}

/// The most read of the lines other processes appended, per look (a look that finds more
/// reads the rest next time).
const MAX_TAIL_READ: u64 = 16 << 20;

impl Archive {
    /// Opens (or creates) the archive and reads the ids already done. A FIFO, socket or folder
    /// at the name is refused; a character device such as `/dev/null` is an archive that
    /// forgets.
    pub fn open(path: &Path) -> Result<Self, Error> {
        let err = |e: std::io::Error| Error::local(e, "opening the download archive", path);
        let regular = match std::fs::metadata(path) {
            Ok(m) if m.is_file() => true,
            Ok(m) if is_char_device(&m) => false,
            Ok(m) => {
                return Err(Error::Setup(format!(
                    "the download archive {} is {}, not a file; give a file's name to \
                     --download-archive",
                    path.display(),
                    crate::disk::owned_file::describe(&m.file_type())
                )));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
            Err(e) => return Err(err(e)),
        };
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(path)
            .map_err(err)?;
        let mut tail = Tail { file, read_to: 0 };
        let mut done = HashSet::new();
        let ends_clean = tail.take_new(&mut done, true).map_err(err)?;
        file = tail.file;
        // A run cut off mid-line leaves a fragment: it is skipped, and our lines start on a
        // fresh one.
        if !ends_clean {
            file.write_all(b"\n").map_err(err)?;
        }
        let read_to = file.metadata().map_or(0, |m| m.len());
        Ok(Self {
            path: path.to_owned(),
            done: Mutex::new(done),
            file: Mutex::new(Tail { file, read_to }),
            regular,
            appended: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// Whether `id` is archived, by this process or (since its last look) by another.
    pub fn contains(&self, id: &PostId) -> bool {
        if lock(&self.done).contains(id) {
            return true;
        }
        let mut tail = lock(&self.file);
        let _ = tail.take_new(&mut lock(&self.done), false);
        lock(&self.done).contains(id)
    }

    pub fn len(&self) -> usize {
        lock(&self.done).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Marks `id` done: one `write(2)` of a whole line (`O_APPEND`), then fsync, under an
    /// exclusive `flock` on the archive so that runs sharing it never interleave. Under the
    /// lock the lines other runs appended are read first: an id one of them archived is not
    /// written again. A [`PostId`] is digits only, so the line is always exactly one
    /// `tiktok ID` line.
    /// Whether the archive is a regular file (not `/dev/null` or another device).
    pub fn is_regular(&self) -> bool {
        self.regular
    }

    /// Bytes this process appended so far.
    pub fn appended(&self) -> u64 {
        self.appended.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The archive's size on disk now (0 when it cannot be read).
    pub fn size_on_disk(&self) -> u64 {
        std::fs::metadata(&self.path).map_or(0, |m| m.len())
    }

    pub fn record(&self, id: &PostId) -> Result<(), Error> {
        if lock(&self.done).contains(id) {
            return Ok(());
        }
        let line = format!("{EXTRACTOR} {id}\n");
        let mut tail = lock(&self.file);
        // Where the file system has no locks, O_APPEND alone keeps a short line whole.
        let held = tail.file.lock().is_ok();
        let _ = tail.take_new(&mut lock(&self.done), false);
        if lock(&self.done).contains(id) {
            if held {
                let _ = tail.file.unlock();
            }
            return Ok(());
        }
        let regular = self.regular;
        let f = &mut tail.file;
        let written = f
            .write_all(line.as_bytes())
            .and_then(|()| if regular { f.sync_data() } else { Ok(()) });
        if held {
            let _ = tail.file.unlock();
        }
        if let Err(e) = written {
            // A disk-full or file-size-limit error here stops a batch (Error::is_fatal_for_run).
            return Err(Error::local(e, "writing the download archive", &self.path));
        }
        tail.read_to += line.len() as u64;
        self.appended
            .fetch_add(line.len() as u64, std::sync::atomic::Ordering::SeqCst);
        lock(&self.done).insert(id.clone());
        Ok(())
    }
}

impl Tail {
    /// Reads the whole lines appended since the last look into `done` (all at open, then at
    /// most [`MAX_TAIL_READ`] bytes a look).
    /// Returns whether the file ends at a line end (or is empty).
    fn take_new(&mut self, done: &mut HashSet<PostId>, at_open: bool) -> std::io::Result<bool> {
        use std::io::{Read, Seek, SeekFrom};
        let len = self.file.metadata()?.len();
        if len <= self.read_to {
            // Shrunk (rewritten by hand): nothing new to take; keep what is known.
            self.read_to = self.read_to.min(len);
            return Ok(true);
        }
        self.file.seek(SeekFrom::Start(self.read_to))?;
        let mut buf = Vec::new();
        let max = if at_open { u64::MAX } else { MAX_TAIL_READ };
        (&mut self.file).take(max).read_to_end(&mut buf)?;
        let whole = buf.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
        done.extend(parse(&String::from_utf8_lossy(&buf[..whole])));
        self.read_to += whole as u64;
        // A last line without its newline: at open it is read (a hand-edited file often ends
        // so, and tikdl's own lines go out in one write each); later it is left until whole,
        // as another process may be writing it.
        if at_open && whole < buf.len() {
            done.extend(parse(&String::from_utf8_lossy(&buf[whole..])));
            self.read_to = len;
        }
        Ok(whole == buf.len())
    }
}

fn is_char_device(m: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        m.file_type().is_char_device()
    }
    #[cfg(not(unix))]
    {
        let _ = m;
        false
    }
}

/// Ids of `tiktok ID` lines; other extractors' lines, ids that are not post ids and junk are
/// ignored.
fn parse(text: &str) -> HashSet<PostId> {
    text.lines()
        .filter_map(|l| {
            let mut parts = l.split_whitespace();
            match (parts.next(), parts.next()) {
                (Some(ex), Some(id)) if ex.eq_ignore_ascii_case(EXTRACTOR) => {
                    PostId::try_from(id).ok()
                }
                _ => None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ytdlp_lines_and_appends() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("archive.txt");
        std::fs::write(
            &path,
            "tiktok 7608826249200356630\nyoutube abc\n\ngarbage\ntiktok 123\n\
             tiktok 7500000000000000123",
        )
        .unwrap();
        let id = |s: &str| -> PostId { s.parse().unwrap() };
        let a = Archive::open(&path).unwrap();
        assert!(a.contains(&id("7608826249200356630")));
        assert!(a.contains(&id("7500000000000000123")));
        // Not a post id: never read as one.
        assert_eq!(a.len(), 2);
        a.record(&id("7500000000000000999")).unwrap();
        a.record(&id("7500000000000000999")).unwrap(); // once only
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.ends_with("tiktok 7500000000000000123\ntiktok 7500000000000000999\n"),
            "{text:?}"
        );
        assert!(
            Archive::open(&path)
                .unwrap()
                .contains(&id("7500000000000000999"))
        );
    }

    #[test]
    fn another_runs_lines_are_seen_and_not_written_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("archive.txt");
        let id = |s: &str| -> PostId { s.parse().unwrap() };
        let (a, b) = (Archive::open(&path).unwrap(), Archive::open(&path).unwrap());
        a.record(&id("7500000000000000001")).unwrap();
        assert!(
            b.contains(&id("7500000000000000001")),
            "b sees what a archived"
        );
        a.record(&id("7500000000000000002")).unwrap();
        b.record(&id("7500000000000000002")).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "tiktok 7500000000000000001\ntiktok 7500000000000000002\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn dev_null_is_an_archive_that_forgets_and_a_fifo_is_refused() {
        let a = Archive::open(Path::new("/dev/null")).unwrap();
        a.record(&"7500000000000000001".parse().unwrap()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = Archive::open(&fifo).unwrap_err().to_string();
        assert!(e.contains("a FIFO, not a file"), "{e}");
    }
}

/// Which list inputs a `--break-on-existing` run may cut short: those whose last run ended
/// clean (no failure, not interrupted), kept in `ARCHIVE.sync` beside the archive.
///
/// `--break-on-existing` stops at the first archived post, which is only safe when everything
/// older is archived too. After a failure or an interruption (posts finish out of order with
/// `--jobs`) there can be unarchived posts below archived ones, and cutting there would skip
/// them for good. So an input is cut short only when it is listed here; using it removes it
/// from the file at once, and a run that ends clean puts back every input it saw. Anything
/// else (a failure, Ctrl-C, a crash) leaves those inputs out, so the next run pages them whole
/// and retries what is missing.
///
/// The marks also hold only while nothing else wrote the archive: one list has many names (a
/// name, its secUid, a tab URL, another spelling), and a post belongs to several lists (a
/// profile's post is in someone's likes), so a run of another name, or of single posts, that
/// was killed can leave holes below an archived post of a marked list. The file therefore
/// records the archive's size when its marks were made (`size N`, first line); a run reads the
/// marks only if the archive still has that size, and a clean run marks again only if the
/// archive grew by exactly its own lines. A run that archived posts keeps no other run's marks
/// (its posts may be theirs too). Anything else pages lists whole once: slower, never a loss.
///
/// One rule decides a mark, whatever kept a post out (a `--match-filter`, a failed `--exec`, a
/// shard, `--simulate`): a list is marked only if every post this run listed of it is in the
/// archive when the run ends. A list not paged to its end (`--max`, dates, `-I`, a guard) is
/// [`SyncState::forget`]ed, since the posts below were never listed.
#[derive(Debug)]
pub struct SyncState {
    path: PathBuf,
    synced: std::sync::Mutex<std::collections::BTreeSet<String>>,
    /// The list inputs this run paged, each with the posts it listed.
    seen: std::sync::Mutex<std::collections::BTreeMap<String, Vec<crate::model::PostId>>>,
    /// The archive's size when this run opened it.
    size_at_open: u64,
}

impl SyncState {
    /// The state kept beside `archive` (`ARCHIVE.sync`); a missing file is an empty state.
    pub fn open(archive: &Path, size_at_open: u64) -> Result<Self, Error> {
        let mut name = archive.as_os_str().to_owned();
        name.push(".sync");
        let path = PathBuf::from(name);
        let marks = read_sync(&path).map_err(|e| Error::local(e, "reading", &path))?;
        let synced = match marks {
            Some(Marks {
                size: Some(size),
                inputs,
            }) if size == size_at_open => inputs,
            _ => Default::default(),
        };
        Ok(Self {
            path,
            synced: std::sync::Mutex::new(synced),
            seen: std::sync::Mutex::new(Default::default()),
            size_at_open,
        })
    }

    /// Whether `input`'s last run ended clean (so it may be cut at an archived post). Either
    /// way it leaves the file until this run ends clean.
    pub fn take(&self, input: &str) -> Result<bool, Error> {
        let input = input.trim().to_owned();
        lock(&self.seen).entry(input.clone()).or_default();
        let was = lock(&self.synced).remove(&input);
        if was {
            self.update(|marks| {
                marks.inputs.remove(&input);
            })?;
        }
        Ok(was)
    }

    /// `input` was not paged to its end this run (`--max`, a date filter, a pagination guard):
    /// a clean end of the run must not mark it, or the next run would stop at its newest
    /// archived post and never page the older ones.
    pub fn forget(&self, input: &str) {
        let input = input.trim();
        lock(&self.seen).remove(input);
    }

    /// `input` listed the post `id` this run (it is marked only if `id` is archived by the end).
    pub fn listed(&self, input: &str, id: &crate::model::PostId) {
        if let Some(ids) = lock(&self.seen).get_mut(input.trim()) {
            ids.push(id.clone());
        }
    }

    /// The run ended clean, having appended `appended` bytes to the archive, which is now
    /// `size_now` long: every input it saw whose listed posts are all `archived` may be cut short
    /// next time, unless another program wrote the archive meanwhile.
    pub fn finish_clean(
        &self,
        appended: u64,
        size_now: u64,
        archived: impl Fn(&crate::model::PostId) -> bool,
    ) -> Result<(), Error> {
        let seen: Vec<String> = std::mem::take(&mut *lock(&self.seen))
            .into_iter()
            .filter(|(_, ids)| ids.iter().all(&archived))
            .map(|(input, _)| input)
            .collect();
        let alone = self.size_at_open.checked_add(appended) == Some(size_now);
        self.update(|marks| {
            let kept_valid = marks.size == Some(size_now);
            if !alone {
                // Others wrote too: no mark can vouch for what is below an archived post.
                marks.inputs.clear();
                marks.size = None;
                return;
            }
            if appended > 0 || !kept_valid {
                marks.inputs.clear();
            }
            marks.inputs.extend(seen);
            marks.size = Some(size_now);
        })
    }

    /// Applies this run's change to the file as it is now, under the folder's lock: runs that
    /// share the archive each change only their own inputs, and none undoes another's.
    fn update(&self, change: impl FnOnce(&mut Marks)) -> Result<(), Error> {
        let done = crate::disk::owned_file::locked(&self.path, || {
            let mut marks = read_sync(&self.path)?.unwrap_or_default();
            change(&mut marks);
            let mut text = String::new();
            if let Some(size) = marks.size {
                text.push_str(&format!("{SIZE_PREFIX}{size}\n"));
            }
            for line in &marks.inputs {
                text.push_str(line);
                text.push('\n');
            }
            crate::disk::owned_file::write(
                &self.path,
                text.as_bytes(),
                crate::disk::owned_file::Options::DURABLE,
            )
        });
        done.and_then(|r| r)
            .map_err(|e| Error::local(e, "writing", &self.path))
    }
}

/// Largest `ARCHIVE.sync` read (one line per list input of a clean run).
const MAX_SYNC_BYTES: u64 = 64 << 20;

#[cfg(test)]
mod sync_tests {
    use super::*;

    fn sync_text(archive: &Path) -> String {
        std::fs::read_to_string(format!("{}.sync", archive.display())).unwrap_or_default()
    }

    #[test]
    fn marks_hold_only_while_nothing_else_wrote_the_archive() {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("a.txt");
        std::fs::write(&archive, "tiktok 7300000000000000001\n").unwrap();
        let size = std::fs::metadata(&archive).unwrap().len();
        // A clean run of @a that archived nothing marks it at this size.
        let run = SyncState::open(&archive, size).unwrap();
        assert!(!run.take("https://www.tiktok.com/@a").unwrap());
        run.finish_clean(0, size, |_| true).unwrap();
        assert_eq!(
            sync_text(&archive),
            format!("size {size}\nhttps://www.tiktok.com/@a\n")
        );
        // The same list under another name, or single posts, archived meanwhile (and that run
        // was killed): the archive grew, so the mark no longer holds.
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&archive)
            .unwrap();
        std::io::Write::write_all(&mut f, b"tiktok 7300000000000000009\n").unwrap();
        let grown = std::fs::metadata(&archive).unwrap().len();
        let next = SyncState::open(&archive, grown).unwrap();
        assert!(!next.take("https://www.tiktok.com/@a").unwrap());
    }

    #[test]
    fn a_run_that_archived_keeps_only_its_own_marks_and_others_void_them() {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("a.txt");
        std::fs::write(&archive, "").unwrap();
        std::fs::write(format!("{}.sync", archive.display()), "size 0\nB\n").unwrap();
        // This run pages A and archives one line (27 bytes), alone: B's mark goes (its posts
        // may be among A's), A's is made.
        let run = SyncState::open(&archive, 0).unwrap();
        assert!(!run.take("A").unwrap());
        run.finish_clean(27, 27, |_| true).unwrap();
        assert_eq!(sync_text(&archive), "size 27\nA\n");
        // A run that ends clean while another program also appended marks nothing.
        let run = SyncState::open(&archive, 27).unwrap();
        assert!(run.take("A").unwrap());
        run.finish_clean(27, 80, |_| true).unwrap();
        assert_eq!(sync_text(&archive), "");
        // An old file without its size line: no mark holds.
        std::fs::write(format!("{}.sync", archive.display()), "A\n").unwrap();
        assert!(!SyncState::open(&archive, 80).unwrap().take("A").unwrap());
    }

    #[test]
    fn a_list_is_marked_only_if_every_post_it_listed_is_archived() {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("a.txt");
        std::fs::write(&archive, "").unwrap();
        let (one, two): (crate::model::PostId, crate::model::PostId) = (
            "7300000000000000001".parse().unwrap(),
            "7300000000000000002".parse().unwrap(),
        );
        let run = SyncState::open(&archive, 0).unwrap();
        run.take("A").unwrap();
        run.take("B").unwrap();
        run.take("C").unwrap();
        run.listed("A", &one);
        run.listed("B", &one);
        run.listed("B", &two);
        // C listed nothing (an empty list): nothing of it is missing.
        run.finish_clean(0, 0, |id| *id == one).unwrap();
        assert_eq!(sync_text(&archive), "size 0\nA\nC\n");
    }
}

/// The first line of `ARCHIVE.sync`: the archive's size its marks were made at.
const SIZE_PREFIX: &str = "size ";

/// What `ARCHIVE.sync` holds.
#[derive(Debug, Default)]
struct Marks {
    /// The archive's size when the marks were made; `None` (an older file, or marks another
    /// program's writes voided): no mark holds.
    size: Option<u64>,
    inputs: std::collections::BTreeSet<String>,
}

/// `ARCHIVE.sync`; `None` when there is no such file.
fn read_sync(path: &Path) -> std::io::Result<Option<Marks>> {
    let body = crate::disk::owned_file::read_small(path, MAX_SYNC_BYTES)?;
    Ok(body.map(|b| {
        let text = String::from_utf8_lossy(&b);
        let mut marks = Marks::default();
        for line in text.lines() {
            match line.strip_prefix(SIZE_PREFIX).map(str::parse::<u64>) {
                Some(Ok(n)) if marks.size.is_none() && marks.inputs.is_empty() => {
                    marks.size = Some(n);
                }
                _ => {
                    marks.inputs.insert(line.to_owned());
                }
            }
        }
        marks
    }))
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
