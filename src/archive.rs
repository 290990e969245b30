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
    file: Mutex<std::fs::File>,
}

impl Archive {
    /// Opens (or creates) the archive and reads the ids already done.
    pub fn open(path: &Path) -> Result<Self, Error> {
        let err = |e: std::io::Error| Error::local(e, "opening the download archive", path);
        let text = match std::fs::read(path) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(err(e)),
        };
        let done = parse(&text);
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(err)?;
        // A previous run killed mid-line leaves a fragment: start our lines on a fresh one.
        if !text.is_empty() && !text.ends_with('\n') {
            file.write_all(b"\n").map_err(err)?;
        }
        Ok(Self {
            path: path.to_owned(),
            done: Mutex::new(done),
            file: Mutex::new(file),
        })
    }

    pub fn contains(&self, id: &PostId) -> bool {
        self.done
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(id)
    }

    pub fn len(&self) -> usize {
        self.done.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Marks `id` done: one `write(2)` of a whole line (`O_APPEND`), then fsync, under an
    /// exclusive `flock` on the archive so that runs sharing it never interleave. A [`PostId`]
    /// is digits only, so the line is always exactly one `tiktok ID` line.
    pub fn record(&self, id: &PostId) -> Result<(), Error> {
        if !self
            .done
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id.clone())
        {
            return Ok(());
        }
        let line = format!("{EXTRACTOR} {id}\n");
        let mut f = self.file.lock().unwrap_or_else(|e| e.into_inner());
        // Where the file system has no locks, O_APPEND alone keeps a short line whole.
        let held = f.lock().is_ok();
        let written = f.write_all(line.as_bytes()).and_then(|()| f.sync_data());
        if held {
            let _ = f.unlock();
        }
        if let Err(e) = written {
            // Not recorded after all: a later try (or run) must not believe it was.
            self.done
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(id);
            // A disk-full or file-size-limit error here stops a batch (Error::is_fatal_for_run).
            return Err(Error::local(e, "writing the download archive", &self.path));
        }
        Ok(())
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
        let synced = match std::fs::read_to_string(&path) {
            Ok(text) => text.lines().map(str::to_owned).collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Default::default(),
            Err(e) => return Err(Error::local(e, "reading", &path)),
        };
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
        let done = crate::owned_file::locked(&self.path, || {
            let mut set: std::collections::BTreeSet<String> =
                match std::fs::read_to_string(&self.path) {
                    Ok(text) => text.lines().map(str::to_owned).collect(),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Default::default(),
                    Err(e) => return Err(e),
                };
            change(&mut set);
            let mut text = String::new();
            for line in &set {
                text.push_str(line);
                text.push('\n');
            }
            crate::owned_file::write(
                &self.path,
                text.as_bytes(),
                crate::owned_file::Options::DURABLE,
            )
        });
        done.and_then(|r| r)
            .map_err(|e| Error::local(e, "writing", &self.path))
    }
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
