//! The download archive: yt-dlp's format (`tiktok ID` per line), read at start, appended to only
//! after a post is complete, so a run killed at any point never marks an unfinished post done.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::Error;

const EXTRACTOR: &str = "tiktok";

#[derive(Debug)]
pub struct Archive {
    path: PathBuf,
    done: Mutex<HashSet<String>>,
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

    pub fn contains(&self, id: &str) -> bool {
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

    /// Marks `id` done: one `write` of a whole line, then fsync.
    pub fn record(&self, id: &str) -> Result<(), Error> {
        if !self
            .done
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id.to_owned())
        {
            return Ok(());
        }
        let line = format!("{EXTRACTOR} {id}\n");
        let mut f = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let written = f.write_all(line.as_bytes()).and_then(|()| f.sync_data());
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

/// Ids of `tiktok ID` lines; other extractors' lines and junk are ignored.
fn parse(text: &str) -> HashSet<String> {
    text.lines()
        .filter_map(|l| {
            let mut parts = l.split_whitespace();
            match (parts.next(), parts.next()) {
                (Some(ex), Some(id))
                    if ex.eq_ignore_ascii_case(EXTRACTOR)
                        && id.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    Some(id.to_owned())
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
            "tiktok 7608826249200356630\nyoutube abc\n\ngarbage\ntiktok 123",
        )
        .unwrap();
        let a = Archive::open(&path).unwrap();
        assert!(a.contains("7608826249200356630"));
        assert!(a.contains("123"));
        assert!(!a.contains("abc"));
        a.record("999").unwrap();
        a.record("999").unwrap(); // once only
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.ends_with("tiktok 123\ntiktok 999\n"), "{text:?}");
        assert!(Archive::open(&path).unwrap().contains("999"));
    }
}
