//! A folder held open: every file tikdl writes in it is created, opened, renamed and removed
//! relative to the open folder (`openat`, `renameat`, `unlinkat`), never by a path resolved
//! again later. The path is checked once (against `-P`, see [`crate::disk::safe_path`]) when the
//! folder is opened; a folder swapped for a symbolic link afterwards, or a parent renamed, can
//! then not redirect a write: the bytes go to the folder that was checked, and
//! [`Folder::still_at_path`] tells whether that folder is still where it was (a finished file
//! is only renamed into place if it is).
//!
//! Names are single components opened with `O_NOFOLLOW`: a symbolic link at a name is never
//! followed, and opens do not block on a FIFO (`O_NONBLOCK`).

use std::ffi::OsStr;
use std::fs::{File, Metadata};
use std::io;
use std::path::{Path, PathBuf};

/// How [`Folder::open`] opens a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Read only.
    Read,
    /// Write from the start: created if missing, emptied if present.
    Truncate,
    /// Append to an existing file.
    Append,
    /// Append, created if missing.
    AppendCreate,
    /// Read and write, created if missing, kept as it is.
    ReadWrite,
    /// Write a new file; fails if the name exists.
    CreateNew,
}

/// An open folder and the path it was opened by (for messages and [`Self::still_at_path`]).
#[derive(Debug)]
pub struct Folder {
    path: PathBuf,
    dir: File,
}

impl Folder {
    /// Opens the folder at `path` (`""` is the current folder). Symbolic links in `path` are
    /// followed now, once: the caller has checked where they lead.
    pub fn open(path: &Path) -> io::Result<Self> {
        let shown = if path.as_os_str().is_empty() {
            Path::new(".")
        } else {
            path
        };
        let dir = File::open(shown)?;
        if !dir.metadata()?.is_dir() {
            return Err(io::Error::from_raw_os_error(not_a_dir()));
        }
        Ok(Self {
            path: path.to_owned(),
            dir,
        })
    }

    /// The folder that holds `file` (its parent; the current folder for a bare name).
    pub fn of(file: &Path) -> io::Result<Self> {
        Self::open(file.parent().unwrap_or(Path::new("")))
    }

    /// The path the folder was opened by.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `name` in this folder, as a path (for messages and for code that needs a path).
    pub fn join(&self, name: &OsStr) -> PathBuf {
        self.path.join(name)
    }

    /// Whether the path still leads to this folder: false once it was moved, removed or
    /// replaced (by a symbolic link to another place, say).
    pub fn still_at_path(&self) -> bool {
        let shown = if self.path.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &self.path
        };
        match (self.dir.metadata(), std::fs::metadata(shown)) {
            (Ok(a), Ok(b)) => same_file(&a, &b),
            _ => false,
        }
    }

    /// Whether this folder is still at its path and that path, links resolved, lies within
    /// `canonical_base` (itself resolved already: resolving it again now would follow a link
    /// put in its place). Checked right after opening, so that a folder checked earlier (when
    /// its name was rendered) and swapped for a link since is never written to.
    pub fn is_within(&self, canonical_base: &Path) -> bool {
        let shown = if self.path.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &self.path
        };
        shown
            .canonicalize()
            .is_ok_and(|dir| dir.starts_with(canonical_base))
            && self.still_at_path()
    }

    /// fsync of the folder, so that a rename into it survives a crash. Best effort: some file
    /// systems refuse to sync a folder.
    pub fn sync(&self) {
        let _ = self.dir.sync_all();
    }

    /// The folder itself, for a lock shared by the processes using it.
    pub fn handle(&self) -> &File {
        &self.dir
    }
}

/// Whether two metadata describe one file (device and inode).
pub fn same_file(a: &Metadata, b: &Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        a.dev() == b.dev() && a.ino() == b.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = (a, b);
        true
    }
}

fn not_a_dir() -> i32 {
    #[cfg(unix)]
    {
        libc::ENOTDIR
    }
    #[cfg(not(unix))]
    {
        20
    }
}

#[cfg(unix)]
mod imp {
    use super::{Access, Folder};
    use std::ffi::{CString, OsStr};
    use std::fs::{File, Metadata};
    use std::io;
    use std::os::fd::{AsRawFd, FromRawFd};
    use std::os::unix::ffi::OsStrExt;

    /// One plain component: a name with a `/` (or `.`/`..`) would leave the folder.
    fn component(name: &OsStr) -> io::Result<CString> {
        let b = name.as_bytes();
        if b.is_empty() || b == b"." || b == b".." || b.contains(&b'/') {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a plain file name",
            ));
        }
        CString::new(b).map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "NUL in a name"))
    }

    fn check(r: libc::c_int) -> io::Result<libc::c_int> {
        if r < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(r)
        }
    }

    impl Folder {
        /// Opens `name` in this folder, never through a symbolic link. `mode` applies to a new
        /// file (the umask too); `None` is 0o666.
        pub fn open_file(
            &self,
            name: &OsStr,
            access: Access,
            mode: Option<u32>,
        ) -> io::Result<File> {
            let c = component(name)?;
            let flags = match access {
                Access::Read => libc::O_RDONLY,
                Access::Truncate => libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC,
                Access::Append => libc::O_WRONLY | libc::O_APPEND,
                Access::AppendCreate => libc::O_WRONLY | libc::O_APPEND | libc::O_CREAT,
                Access::ReadWrite => libc::O_RDWR | libc::O_CREAT,
                Access::CreateNew => libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL,
            } | libc::O_NOFOLLOW
                | libc::O_CLOEXEC
                | libc::O_NONBLOCK;
            let mode = mode.unwrap_or(0o666) as libc::c_uint;
            // SAFETY: `c` is a NUL-terminated name and the folder's descriptor is open.
            let fd = check(unsafe { libc::openat(self.dir.as_raw_fd(), c.as_ptr(), flags, mode) })?;
            // SAFETY: `fd` was just opened and is owned by nothing else.
            let file = unsafe { File::from_raw_fd(fd) };
            // Back to blocking I/O (it only mattered for opening a FIFO).
            // SAFETY: fcntl on a descriptor this function owns.
            let fl = check(unsafe { libc::fcntl(fd, libc::F_GETFL) })?;
            check(unsafe { libc::fcntl(fd, libc::F_SETFL, fl & !libc::O_NONBLOCK) })?;
            Ok(file)
        }

        /// What `name` is, without following a symbolic link.
        pub fn metadata(&self, name: &OsStr) -> io::Result<Metadata> {
            #[cfg(any(target_os = "linux", target_os = "android"))]
            {
                let c = component(name)?;
                let flags = libc::O_PATH | libc::O_NOFOLLOW | libc::O_CLOEXEC;
                // SAFETY: as in `open_file`.
                let fd = check(unsafe { libc::openat(self.dir.as_raw_fd(), c.as_ptr(), flags) })?;
                // SAFETY: as in `open_file`; an O_PATH descriptor supports fstat.
                let file = unsafe { File::from_raw_fd(fd) };
                file.metadata()
            }
            #[cfg(not(any(target_os = "linux", target_os = "android")))]
            {
                component(name)?;
                std::fs::symlink_metadata(self.join(name))
            }
        }

        /// Renames `from` to `to`, both in this folder (atomically replacing `to`).
        pub fn rename(&self, from: &OsStr, to: &OsStr) -> io::Result<()> {
            let (a, b) = (component(from)?, component(to)?);
            let fd = self.dir.as_raw_fd();
            // SAFETY: NUL-terminated names, an open folder descriptor.
            check(unsafe { libc::renameat(fd, a.as_ptr(), fd, b.as_ptr()) }).map(drop)
        }

        /// Removes the file `name` from this folder.
        pub fn remove(&self, name: &OsStr) -> io::Result<()> {
            let c = component(name)?;
            // SAFETY: as in `rename`.
            check(unsafe { libc::unlinkat(self.dir.as_raw_fd(), c.as_ptr(), 0) }).map(drop)
        }
    }
}

#[cfg(not(unix))]
mod imp {
    use super::{Access, Folder};
    use std::ffi::OsStr;
    use std::fs::{File, Metadata};
    use std::io;

    // Without `openat`, names are resolved by path (checked for symbolic links first).
    impl Folder {
        pub fn open_file(
            &self,
            name: &OsStr,
            access: Access,
            _mode: Option<u32>,
        ) -> io::Result<File> {
            let path = self.join(name);
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "a symbolic link",
                ));
            }
            let mut o = File::options();
            match access {
                Access::Read => o.read(true),
                Access::Truncate => o.write(true).create(true).truncate(true),
                Access::Append => o.append(true),
                Access::AppendCreate => o.append(true).create(true),
                Access::ReadWrite => o.read(true).write(true).create(true),
                Access::CreateNew => o.write(true).create_new(true),
            };
            o.open(path)
        }

        pub fn metadata(&self, name: &OsStr) -> io::Result<Metadata> {
            std::fs::symlink_metadata(self.join(name))
        }

        pub fn rename(&self, from: &OsStr, to: &OsStr) -> io::Result<()> {
            std::fs::rename(self.join(from), self.join(to))
        }

        pub fn remove(&self, name: &OsStr) -> io::Result<()> {
            std::fs::remove_file(self.join(name))
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn writes_stay_in_the_folder_opened_after_it_is_swapped_for_a_link() {
        let t = tempfile::tempdir().unwrap();
        let (inside, elsewhere) = (t.path().join("out"), t.path().join("elsewhere"));
        std::fs::create_dir_all(&inside).unwrap();
        std::fs::create_dir_all(&elsewhere).unwrap();
        let f = Folder::open(&inside).unwrap();
        assert!(f.still_at_path());
        std::fs::rename(&inside, t.path().join("moved")).unwrap();
        std::os::unix::fs::symlink(&elsewhere, &inside).unwrap();
        assert!(!f.still_at_path());
        drop(
            f.open_file(OsStr::new("a.part"), Access::Truncate, None)
                .unwrap(),
        );
        f.rename(OsStr::new("a.part"), OsStr::new("a")).unwrap();
        assert!(t.path().join("moved/a").exists());
        assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    }

    #[test]
    fn links_fifos_and_paths_are_refused_as_names() {
        let t = tempfile::tempdir().unwrap();
        let f = Folder::open(t.path()).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", t.path().join("l")).unwrap();
        assert!(f.open_file(OsStr::new("l"), Access::Read, None).is_err());
        assert!(
            f.metadata(OsStr::new("l"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(
            f.open_file(OsStr::new("../x"), Access::Truncate, None)
                .is_err()
        );
        assert!(f.open_file(OsStr::new(".."), Access::Read, None).is_err());
        let fifo = std::ffi::CString::new(t.path().join("p").to_str().unwrap()).unwrap();
        // SAFETY: a NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        // Opening a FIFO with no reader for writing must not block.
        assert!(f.open_file(OsStr::new("p"), Access::Append, None).is_err());
        f.remove(OsStr::new("l")).unwrap();
        assert!(std::fs::symlink_metadata(t.path().join("l")).is_err());
        assert!(std::path::Path::new("/etc/passwd").exists());
    }
}
