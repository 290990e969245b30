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
#[derive(Debug)]
pub struct SyncState {
    path: PathBuf,
    synced: std::sync::Mutex<std::collections::BTreeSet<String>>,
    seen: std::sync::Mutex<Vec<String>>,
}

impl SyncState {
    /// The state kept beside `archive` (`ARCHIVE.sync`); a missing file is an empty state.
    pub fn open(archive: &Path) -> Result<Self, Error> {
        let mut name = archive.as_os_str().to_owned();
        name.push(".sync");
        let path = PathBuf::from(name);
        let synced = read_sync(&path)
            .map_err(|e| Error::local(e, "reading", &path))?
            .unwrap_or_default();
        Ok(Self {
            path,
            synced: std::sync::Mutex::new(synced),
            seen: std::sync::Mutex::new(Vec::new()),
        })
    }

    /// Whether `input`'s last run ended clean (so it may be cut at an archived post). Either
    /// way it leaves the file until this run ends clean.
    pub fn take(&self, input: &str) -> Result<bool, Error> {
        let input = input.trim().to_owned();
        lock(&self.seen).push(input.clone());
        let was = lock(&self.synced).remove(&input);
        if was {
            self.update(|set| {
                set.remove(&input);
            })?;
        }
        Ok(was)
    }

    /// `input` was not paged to its end this run (`--max`, a date filter, a pagination guard):
    /// a clean end of the run must not mark it, or the next run would stop at its newest
    /// archived post and never page the older ones.
    pub fn forget(&self, input: &str) {
        let input = input.trim();
        lock(&self.seen).retain(|s| s != input);
    }

    /// The run ended clean: every input it saw may be cut short next time.
    pub fn finish_clean(&self) -> Result<(), Error> {
        let seen = std::mem::take(&mut *lock(&self.seen));
        lock(&self.synced).extend(seen.iter().cloned());
        self.update(|set| set.extend(seen))
    }

    /// Applies this run's change to the file as it is now, under the folder's lock: runs that
    /// share the archive each change only their own inputs, and none undoes another's.
    fn update(
        &self,
        change: impl FnOnce(&mut std::collections::BTreeSet<String>),
    ) -> Result<(), Error> {
        let done = crate::disk::owned_file::locked(&self.path, || {
            let mut set = read_sync(&self.path)?.unwrap_or_default();
            change(&mut set);
            let mut text = String::new();
            for line in &set {
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

/// The inputs `ARCHIVE.sync` lists; `None` when there is no such file.
fn read_sync(path: &Path) -> std::io::Result<Option<std::collections::BTreeSet<String>>> {
    let body = crate::disk::owned_file::read_small(path, MAX_SYNC_BYTES)?;
    Ok(body.map(|b| {
        String::from_utf8_lossy(&b)
            .lines()
            .map(str::to_owned)
            .collect()
    }))
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
