//! Small files tikdl owns (info JSON, cache entries, `--failed-file`, the archive's sync state),
//! written one way: the whole body goes to a temporary name of this process's own beside the
//! destination (`.NAME.PID.RANDOM.tmp`, created with `O_CREAT|O_EXCL`, never through a link),
//! then is renamed over the destination. A reader or a crash sees the old file or the new one,
//! never a mix, and two processes writing one name leave one of the two bodies whole: the last
//! rename wins (yt-dlp's `write_json_file` does the same with a `NamedTemporaryFile`).
//!
//! Only a regular file (or a missing name) is ever replaced: a symbolic link, a folder, a FIFO,
//! a device or a socket at the destination is refused, so a rename never destroys what a name
//! leads to. Read-modify-write of one file by several processes goes through [`locked`].
//! The temporary file is created and renamed within the destination's folder held open
//! ([`Folder`]): a folder swapped for a link in between never gets the body.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::disk::folder::{Access, Folder};

/// How a file is written.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Unix permission bits for a new file (the umask applies); `None`: 0o666 as usual.
    pub mode: Option<u32>,
    /// fsync the file before the rename and its folder after, so the new body survives a power
    /// cut. Off only where a torn file is harmless (a cache entry reads as a miss).
    pub durable: bool,
}

impl Options {
    pub const DURABLE: Self = Self {
        mode: None,
        durable: true,
    };
}

/// A temporary file beside its destination; removed when dropped unless [`Temp::commit`]ted.
#[derive(Debug)]
pub struct Temp {
    folder: Folder,
    /// The temporary name in `folder`; empty once renamed.
    name: OsString,
    dest_name: OsString,
    dest: PathBuf,
    file: Option<File>,
    durable: bool,
}

impl Temp {
    /// Checks that `dest` may be replaced and creates a fresh temporary name beside it.
    pub fn create(dest: &Path, opts: Options) -> io::Result<Self> {
        check_replaceable(dest)?;
        let folder = Folder::of(dest)?;
        let dest_name = dest.file_name().map(ToOwned::to_owned).unwrap_or_default();
        let name = dest_name.to_string_lossy().into_owned();
        // The temporary name stays within NAME_MAX (255 bytes) however long the name is.
        let mut keep = name.len().min(200);
        while !name.is_char_boundary(keep) {
            keep -= 1;
        }
        // A clash (another process's name, a leftover) only means: draw again.
        let mut tries = 0;
        loop {
            let tmp = format!(
                ".{}.{}.{:016x}.tmp",
                &name[..keep],
                std::process::id(),
                rand::random::<u64>()
            );
            match folder.open_file(tmp.as_ref(), Access::CreateNew, opts.mode) {
                Ok(file) => {
                    return Ok(Self {
                        folder,
                        name: tmp.into(),
                        dest_name,
                        dest: dest.to_owned(),
                        file: Some(file),
                        durable: opts.durable,
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && tries < 8 => tries += 1,
                Err(e) => return Err(e),
            }
        }
    }

    /// The open temporary file.
    pub fn file(&mut self) -> io::Result<&mut File> {
        self.file
            .as_mut()
            .ok_or_else(|| io::Error::other("the temporary file is already closed"))
    }

    /// Where the body goes in the end.
    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Puts the body in place: fsync (when durable), a last check of the destination, the
    /// rename, fsync of the folder (when durable). On error the temporary file is removed.
    pub fn commit(mut self) -> io::Result<()> {
        if let Some(file) = self.file.take() {
            if self.durable {
                file.sync_all()?;
            }
            drop(file);
        }
        // Something may have appeared at the name since `create` (a FIFO, a link).
        check_kind(self.folder.metadata(&self.dest_name))?;
        if !self.folder.still_at_path() {
            return Err(io::Error::other(format!(
                "the folder {} was moved or replaced meanwhile; nothing was written",
                self.folder.path().display()
            )));
        }
        self.folder.rename(&self.name, &self.dest_name)?;
        // Renamed: nothing left to remove.
        self.name = OsString::new();
        if self.durable {
            self.folder.sync();
        }
        Ok(())
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.name.is_empty() {
            let _ = self.folder.remove(&self.name);
        }
    }
}

/// Writes `body` as the whole new content of `dest` (see the module documentation).
pub fn write(dest: &Path, body: &[u8], opts: Options) -> io::Result<()> {
    let mut temp = Temp::create(dest, opts)?;
    temp.file()?.write_all(body)?;
    temp.commit()
}

/// The whole of a small file tikdl owns (at most `cap` bytes), `Ok(None)` when there is none.
/// Opened without blocking (a FIFO planted at the name never hangs the run) and read only when
/// it is a regular file; anything else, or a file over `cap`, is an error.
pub fn read_small(path: &Path, cap: u64) -> io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let mut o = File::options();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC);
    }
    let f = match o.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let meta = f.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("it is {}, not a file", describe(&meta.file_type())),
        ));
    }
    let mut body = Vec::new();
    f.take(cap + 1).read_to_end(&mut body)?;
    if body.len() as u64 > cap {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("it is larger than {cap} bytes"),
        ));
    }
    Ok(Some(body))
}

/// Whether `dest` may be replaced by a rename: it is missing or a regular file. Anything else
/// is an error that says what is there.
pub fn check_replaceable(dest: &Path) -> io::Result<()> {
    check_kind(std::fs::symlink_metadata(dest))
}

fn check_kind(meta: io::Result<std::fs::Metadata>) -> io::Result<()> {
    match meta {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
        Ok(m) if m.is_file() => Ok(()),
        Ok(m) if m.file_type().is_symlink() => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "it is a symbolic link; refusing to write through it (remove it or choose another name)",
        )),
        Ok(m) => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "it is {} and not a regular file; refusing to replace it (remove it or choose \
                 another name)",
                describe(&m.file_type())
            ),
        )),
    }
}

/// "a folder", "a FIFO", ... for an error message.
pub fn describe(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a folder"
    } else if t.is_symlink() {
        "a symbolic link"
    } else {
        "a special file"
    }
}

/// Runs `f` holding an exclusive lock (`flock`) on the folder of `path`, so that processes
/// doing read-modify-write of one file there take turns. Where the file system has no locks,
/// `f` runs unlocked (as before there were any).
pub fn locked<T>(path: &Path, f: impl FnOnce() -> T) -> io::Result<T> {
    let dir = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(d) => d.to_owned(),
        None => PathBuf::from("."),
    };
    let handle = File::open(&dir)?;
    let held = match handle.lock() {
        Ok(()) => true,
        Err(e) if crate::disk::safe_fs::lock_unsupported(&e) => false,
        Err(e) => return Err(e),
    };
    let out = f();
    if held {
        let _ = handle.unlock();
    }
    Ok(out)
}

/// Whether `name` is one of this module's temporary names for a destination named `dest_name`
/// (`.DEST.PID.HEX16.tmp`), left behind only by a process that was killed.
pub fn is_temp_for(name: &str, dest_name: &str) -> bool {
    let Some(rest) = name
        .strip_prefix('.')
        .and_then(|n| n.strip_suffix(".tmp"))
        .and_then(|n| n.strip_prefix(dest_name))
        .and_then(|n| n.strip_prefix('.'))
    else {
        return false;
    };
    match rest.split_once('.') {
        Some((pid, hex)) => {
            !pid.is_empty()
                && pid.bytes().all(|b| b.is_ascii_digit())
                && hex.len() == 16
                && hex.bytes().all(|b| b.is_ascii_hexdigit())
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_write_replaces_a_regular_file_and_leaves_no_temporary() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.json");
        std::fs::write(&p, b"old, and longer than the new body").unwrap();
        write(&p, b"new", Options::DURABLE).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
        assert_eq!(names(d.path()), ["a.json"]);
    }

    #[test]
    fn a_link_or_a_fifo_at_the_name_is_refused_and_left_alone() {
        let d = tempfile::tempdir().unwrap();
        let victim = d.path().join("victim");
        std::fs::write(&victim, b"precious").unwrap();
        let link = d.path().join("link.json");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        let e = write(&link, b"x", Options::DURABLE).unwrap_err();
        assert!(e.to_string().contains("symbolic link"), "{e}");
        assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        let dir = d.path().join("dir.json");
        std::fs::create_dir(&dir).unwrap();
        let e = write(&dir, b"x", Options::DURABLE).unwrap_err();
        assert!(e.to_string().contains("a folder"), "{e}");
        assert_eq!(names(d.path()), ["dir.json", "link.json", "victim"]);
    }

    #[test]
    fn an_uncommitted_temporary_is_removed() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a");
        let mut t = Temp::create(&p, Options::default()).unwrap();
        t.file().unwrap().write_all(b"half").unwrap();
        let name = names(d.path()).remove(0);
        assert!(is_temp_for(&name, "a"), "{name}");
        drop(t);
        assert!(names(d.path()).is_empty());
    }

    #[test]
    fn a_very_long_name_still_gets_a_temporary_name() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("é".repeat(120));
        write(&p, b"x", Options::default()).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"x");
    }

    #[test]
    fn temporary_names_are_recognised_only_in_their_form() {
        assert!(is_temp_for(".1.json.42.0123456789abcdef.tmp", "1.json"));
        assert!(!is_temp_for(".1.json.42.tmp", "1.json"));
        assert!(!is_temp_for(".2.json.42.0123456789abcdef.tmp", "1.json"));
        assert!(!is_temp_for("1.json.42.0123456789abcdef.tmp", "1.json"));
    }
}
