//! Whose bytes a finished file holds: the manifest `FOLDER/.tikdl-manifest`, one per output
//! folder, append-only, one line per file tikdl finished there:
//!
//! ```text
//! POST_ID <TAB> ROLE <TAB> RENDITION <TAB> SIZE <TAB> FILE_NAME <LF>
//! ```
//!
//! ROLE is `video`, `audio`, `image N`, `thumbnail`, `subtitle LANG` or `info_json`; RENDITION
//! the format id (or the role's own word); SIZE the final byte count. Every field is
//! percent-escaped (`%`, controls, tab and newline become `%XX`), so no file name can forge a
//! line. The last line for a name wins. A line is appended right after the rename that put the
//! file in place, in one `write(2)` with `O_APPEND` under an exclusive `flock` (tikdl processes
//! share folders), then fsynced. Each process keeps one index per folder, loaded once and then
//! only extended by the tail appended since (an archivist's folder holds 100k files).
//!
//! A symlink, FIFO or device at the manifest's name is refused, never followed or read. The
//! manifest is opened in the folder the download holds open ([`Folder`]), so it is always the
//! one beside the files it speaks of.

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use crate::disk::folder::{Access, Folder};
use crate::error::Error;

/// The manifest's name inside an output folder.
pub const MANIFEST_NAME: &str = crate::disk::safe_path::MANIFEST_NAME;

/// What the manifest says about one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub post_id: Box<str>,
    pub role: Box<str>,
    pub rendition: Box<str>,
    pub size: u64,
}

impl Entry {
    /// Whether this entry proves `file` (of `len` bytes) is `post_id`'s `role`. Any video
    /// rendition of the post counts for a video: the better one already saved is kept.
    pub fn proves(&self, post_id: &str, role: &str, len: u64) -> bool {
        &*self.post_id == post_id && &*self.role == role && self.size == len
    }
}

#[derive(Default)]
struct FolderIndex {
    /// Bytes of the manifest already parsed (at a line end, or inside an overlong line).
    offset: u64,
    /// Whether `offset` is inside a line longer than any manifest line: skipped to its end.
    skipping: bool,
    /// (device, inode) of the manifest parsed: a replaced manifest is read again whole.
    file_id: Option<(u64, u64)>,
    entries: HashMap<OsString, Entry>,
}

/// No line tikdl writes is longer (a name is at most 255 bytes, escaped at most 4 times over);
/// a longer one is not ours and is skipped, so memory and time stay linear in the file.
const MAX_LINE: usize = 64 * 1024;

/// How much of the manifest is read at a time.
const READ_CHUNK: usize = 1 << 20;

fn indexes() -> &'static Mutex<HashMap<PathBuf, FolderIndex>> {
    static INDEXES: OnceLock<Mutex<HashMap<PathBuf, FolderIndex>>> = OnceLock::new();
    INDEXES.get_or_init(Default::default)
}

/// The manifest of the folder `dest` is in.
#[cfg(test)]
pub fn manifest_path(dest: &Path) -> PathBuf {
    match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.join(MANIFEST_NAME),
        _ => PathBuf::from(MANIFEST_NAME),
    }
}

/// Opens without following a symlink and without blocking on a FIFO; anything but a regular
/// file is refused.
fn open(folder: &Folder, write: bool) -> Result<Option<std::fs::File>, Error> {
    let path = folder.join(MANIFEST_NAME.as_ref());
    let path = &path;
    let access = if write {
        Access::AppendCreate
    } else {
        Access::Read
    };
    let f = match folder.open_file(MANIFEST_NAME.as_ref(), access, None) {
        Ok(f) => f,
        Err(e) if !write && e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        #[cfg(unix)]
        Err(e) if matches!(e.raw_os_error(), Some(libc::ELOOP | libc::ENXIO)) => {
            return Err(refused(path));
        }
        Err(e) => {
            return Err(Error::local(
                e,
                if write { "writing" } else { "reading" },
                path,
            ));
        }
    };
    match f.metadata() {
        Ok(m) if m.is_file() => Ok(Some(f)),
        Ok(_) => Err(refused(path)),
        Err(e) => Err(Error::local(e, "checking", path)),
    }
}

fn refused(path: &Path) -> Error {
    Error::refused(
        crate::error::LocalReason::NotRegularFile,
        path,
        format!(
            "{} is not a regular file (a symbolic link, folder, FIFO or device); tikdl keeps \
             its record of whose files are in this folder there and refuses to use it (remove \
             it)",
            path.display()
        ),
    )
}

fn file_id(m: &std::fs::Metadata) -> (u64, u64) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        (m.dev(), m.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = m;
        (0, 0)
    }
}

/// The manifest's last entry for `dest`'s file name, reading only what was appended since the
/// last look. `Ok(None)`: no manifest, or nothing recorded for that name.
pub fn lookup(folder: &Folder, name: &std::ffi::OsStr) -> Result<Option<Entry>, Error> {
    let path = folder.join(MANIFEST_NAME.as_ref());
    let file = open(folder, false)?;
    let mut all = indexes().lock().unwrap_or_else(|e| e.into_inner());
    let index = all.entry(folder.path().to_owned()).or_default();
    if let Some(mut f) = file {
        let meta = f
            .metadata()
            .map_err(|e| Error::local(e, "checking", &path))?;
        let id = file_id(&meta);
        if index.file_id != Some(id) || meta.len() < index.offset {
            *index = FolderIndex {
                file_id: Some(id),
                ..FolderIndex::default()
            };
        }
        if meta.len() > index.offset {
            // Read in pieces, so a manifest of a million lines costs its index, not its size
            // again in one buffer.
            f.seek(SeekFrom::Start(index.offset))
                .map_err(|e| Error::local(e, "reading", &path))?;
            let mut chunk = vec![0u8; READ_CHUNK];
            let mut carry: Vec<u8> = Vec::new();
            loop {
                let n = f
                    .read(&mut chunk)
                    .map_err(|e| Error::local(e, "reading", &path))?;
                if n == 0 {
                    break;
                }
                let mut new = &chunk[..n];
                if index.skipping {
                    let Some(p) = new.iter().position(|b| *b == b'\n') else {
                        index.offset += n as u64;
                        continue;
                    };
                    index.offset += (p + 1) as u64;
                    index.skipping = false;
                    new = &new[p + 1..];
                }
                // Only whole lines: a writer may be between its write and the next look. Only
                // the new bytes are searched, so a line without an end costs no rescans.
                if let Some(p) = new.iter().rposition(|b| *b == b'\n') {
                    carry.extend_from_slice(&new[..=p]);
                    for line in carry.split(|b| *b == b'\n') {
                        if let Some((name, entry)) = parse_line(line) {
                            index.entries.insert(name, entry);
                        }
                    }
                    index.offset += carry.len() as u64;
                    carry.clear();
                    new = &new[p + 1..];
                }
                carry.extend_from_slice(new);
                if carry.len() > MAX_LINE {
                    index.offset += carry.len() as u64;
                    carry.clear();
                    index.skipping = true;
                }
            }
        }
    } else {
        *index = FolderIndex::default();
    }
    Ok(index.entries.get(name).cloned())
}

/// Appends the line saying `dest` (of `size` bytes) is `post_id`'s `role` written by
/// `rendition`: one write under an exclusive lock, then fsynced.
pub fn record(
    folder: &Folder,
    name: &std::ffi::OsStr,
    post_id: &str,
    role: &str,
    rendition: &str,
    size: u64,
) -> Result<(), Error> {
    // A line the manifest already ends with for this name says nothing new (an info JSON
    // rewritten alike, a file found proven): the manifest grows only with changes.
    let same = Entry {
        post_id: post_id.into(),
        role: role.into(),
        rendition: rendition.into(),
        size,
    };
    if lookup(folder, name)?.is_some_and(|e| e == same) {
        return Ok(());
    }
    let path = folder.join(MANIFEST_NAME.as_ref());
    let Some(mut f) = open(folder, true)? else {
        return Ok(());
    };
    let line = format_line(name, post_id, role, rendition, size);
    let io = |e| Error::local(e, "writing", &path);
    // Some network file systems have no locks: O_APPEND alone keeps one write whole there.
    let locked = f.lock().is_ok();
    let out = f.write_all(line.as_bytes()).and_then(|()| f.sync_data());
    if locked {
        let _ = f.unlock();
    }
    out.map_err(io)
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '%' || c.is_control() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn unescape(s: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%' {
            let hex = std::str::from_utf8(s.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    Some(out)
}

fn name_text(name: &std::ffi::OsStr) -> String {
    #[cfg(unix)]
    {
        // Bytes that are not UTF-8 are kept exactly, escaped.
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in name.as_bytes().utf8_chunks() {
            out.push_str(&escape(chunk.valid()));
            for b in chunk.invalid() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        escape(&name.to_string_lossy())
    }
}

fn format_line(
    name: &std::ffi::OsStr,
    post_id: &str,
    role: &str,
    rendition: &str,
    size: u64,
) -> String {
    format!(
        "{}\t{}\t{}\t{size}\t{}\n",
        escape(post_id),
        escape(role),
        escape(rendition),
        name_text(name)
    )
}

fn parse_line(line: &[u8]) -> Option<(OsString, Entry)> {
    let mut fields = line.split(|b| *b == b'\t');
    let text = |f: Option<&[u8]>| -> Option<Box<str>> {
        String::from_utf8(unescape(f?)?)
            .ok()
            .map(String::into_boxed_str)
    };
    let post_id = text(fields.next())?;
    let role = text(fields.next())?;
    let rendition = text(fields.next())?;
    let size = std::str::from_utf8(fields.next()?).ok()?.parse().ok()?;
    let name = unescape(fields.next()?)?;
    if fields.next().is_some() || name.is_empty() {
        return None;
    }
    #[cfg(unix)]
    let name = {
        use std::os::unix::ffi::OsStringExt;
        OsString::from_vec(name)
    };
    #[cfg(not(unix))]
    let name = OsString::from(String::from_utf8(name).ok()?);
    Some((
        name,
        Entry {
            post_id,
            role,
            rendition,
            size,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn look(dest: &Path) -> Result<Option<Entry>, Error> {
        lookup(&Folder::of(dest).unwrap(), dest.file_name().unwrap())
    }

    fn rec(dest: &Path, post: &str, role: &str, rendition: &str, size: u64) -> Result<(), Error> {
        let name = dest.file_name().unwrap();
        record(
            &Folder::of(dest).unwrap(),
            name,
            post,
            role,
            rendition,
            size,
        )
    }

    #[test]
    fn a_name_cannot_forge_a_line() {
        let name = std::ffi::OsStr::new("a\tb\n7500000000000000001\tvideo\tx\t1\tc%41.mp4");
        let line = format_line(name, "7500000000000000002", "image 1", "image", 42);
        assert_eq!(line.matches('\n').count(), 1);
        assert_eq!(line.matches('\t').count(), 4);
        let (n, e) = parse_line(line.trim_end_matches('\n').as_bytes()).unwrap();
        assert_eq!(n, name);
        assert_eq!(&*e.post_id, "7500000000000000002");
        assert_eq!(&*e.role, "image 1");
        assert_eq!(e.size, 42);
        assert!(parse_line(b"1\t2\t3\tnot a size\tname").is_none());
        assert!(parse_line(b"1\t2\t3\t4").is_none());
    }

    #[test]
    fn the_last_line_for_a_name_wins_and_only_the_tail_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("s - 01.jpg");
        assert_eq!(look(&dest).unwrap(), None);
        rec(&dest, "1", "image 1", "image", 10).unwrap();
        assert!(look(&dest).unwrap().unwrap().proves("1", "image 1", 10));
        rec(&dest, "2", "image 1", "image", 11).unwrap();
        let e = look(&dest).unwrap().unwrap();
        assert!(e.proves("2", "image 1", 11) && !e.proves("1", "image 1", 10));
        // A half-written line (another process mid-write) is not taken until it is whole.
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(manifest_path(&dest))
            .unwrap();
        f.write_all(b"3\timage 1\timage\t12\ts - 0").unwrap();
        assert!(look(&dest).unwrap().unwrap().proves("2", "image 1", 11));
        f.write_all(b"1.jpg\n").unwrap();
        assert!(look(&dest).unwrap().unwrap().proves("3", "image 1", 12));
    }

    #[cfg(unix)]
    #[test]
    fn a_line_without_an_end_is_skipped_in_bounded_memory() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("a.mp4");
        // 3 MiB of one unended line, then a real record after a newline.
        let junk = vec![b'x'; 3 << 20];
        std::fs::write(manifest_path(&dest), &junk).unwrap();
        assert!(look(&dest).unwrap().is_none());
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(manifest_path(&dest))
            .unwrap();
        f.write_all(b"\n").unwrap();
        drop(f);
        rec(&dest, "7300000000000000001", "video", "h264_720p", 5).unwrap();
        let e = look(&dest)
            .unwrap()
            .expect("the record after the junk is read");
        assert!(e.proves("7300000000000000001", "video", 5));
    }

    #[test]
    fn a_symlink_at_the_manifest_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere");
        std::fs::write(&target, b"").unwrap();
        std::os::unix::fs::symlink(&target, dir.path().join(MANIFEST_NAME)).unwrap();
        let dest = dir.path().join("a.mp4");
        assert!(look(&dest).is_err());
        assert!(rec(&dest, "1", "video", "f", 1).is_err());
        assert_eq!(std::fs::read(&target).unwrap(), b"");
    }
}
