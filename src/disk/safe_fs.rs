//! File safety for the files the engine writes: refusals of what must never be written through
//! (a symbolic link, a FIFO, a device, a folder), the folder of a download held open and checked
//! to lie within `-P` ([`Place`]), the `.part`'s lock shared with other tikdl processes
//! ([`PartLock`]) and the claim of a destination within this process ([`DestClaim`]).
//!
//! Below it, [`crate::disk::folder`] opens, renames and removes names relative to an open folder;
//! above it, [`crate::disk::owned_file`] writes tikdl's small files (a temporary name, then a rename).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::disk::folder::{Access, Folder};
use crate::disk::safe_path::{meta_path, part_path};
use crate::error::Error;

/// How long a process waits for another tikdl's lock on a file while that one writes
/// nothing: longer than any pause a working download takes (a server's longest honoured
/// Retry-After, 5 minutes, plus the low-speed window), so only a stopped or hung holder
/// meets it.
const LOCK_STALL: Duration = Duration::from_secs(10 * 60);
/// How often a process waiting for another tikdl's lock on a file tries again.
const LOCK_POLL: Duration = Duration::from_millis(250);

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

/// The refusal of a symbolic link at a name tikdl writes.
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

/// Opens the folder of `dest`, checked to lie within `within` now that it is open: its name was
/// checked when rendered, but a link may have been put in its path since.
pub(crate) fn open_folder_within(dest: &Path, within: Option<&Path>) -> Result<Folder, Error> {
    let dir = dest.parent().unwrap_or(Path::new("."));
    let folder = Folder::of(dest).map_err(|e| open_error(e, "opening the folder", dir))?;
    match within {
        Some(base) if !folder.is_within(base) => Err(Error::Setup(format!(
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
pub(crate) struct Place {
    /// The destination's folder, held open.
    pub(crate) folder: Folder,
    /// The `.part`, as a path for messages.
    pub(crate) part: PathBuf,
    /// The final file, the `.part` and its record: names in `folder`.
    pub(crate) dest_name: std::ffi::OsString,
    pub(crate) part_name: std::ffi::OsString,
    pub(crate) meta_name: std::ffi::OsString,
    written: Mutex<Option<std::fs::Metadata>>,
}

impl Place {
    /// Opens the folder of `dest` (checked to lie within `within`) and names its files.
    pub(crate) fn new(dest: &Path, within: Option<&Path>) -> Result<Self, Error> {
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
    pub(crate) fn refuse_symlink(&self, name: &std::ffi::OsStr, shown: &Path) -> Result<(), Error> {
        match self.folder.metadata(name) {
            Ok(m) if m.file_type().is_symlink() => Err(symlink_refused(shown)),
            Ok(m) if !m.is_file() && name == self.part_name => Err(not_regular(shown)),
            _ => Ok(()),
        }
    }

    /// The `.part`'s length, `None` when there is none.
    pub(crate) fn part_len(&self) -> Option<u64> {
        self.folder.metadata(&self.part_name).ok().map(|m| m.len())
    }

    /// Opens the `.part` for writing (from the start, or appending) and remembers which file it is.
    pub(crate) fn open_part(&self, access: Access) -> Result<std::fs::File, Error> {
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

    /// Removes the `.part`; one already gone is fine.
    pub(crate) fn remove_part(&self) -> Result<(), Error> {
        match self.folder.remove(&self.part_name) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(Error::local(e, "removing", &self.part))
            }
            _ => Ok(()),
        }
    }

    /// Opens the `.part` for reading, refused unless it is the file this download wrote (the
    /// same device and inode): another program may have put another file at its name.
    pub(crate) fn own_part(&self) -> Result<std::fs::File, Error> {
        self.own_part_with(Access::Read)
    }

    /// [`Self::own_part`], opened for `access`.
    pub(crate) fn own_part_with(&self, access: Access) -> Result<std::fs::File, Error> {
        let f = self
            .folder
            .open_file(&self.part_name, access, None)
            .map_err(|e| open_error(e, "reopening", &self.part))?;
        if f.metadata().is_ok_and(|m| self.wrote(&m)) {
            return Ok(f);
        }
        Err(Error::Setup(format!(
            "{} is no longer the file this download wrote (another program replaced it); \
                 it is left as it is and nothing was saved; run tikdl again",
            self.part.display()
        )))
    }

    /// Whether `m` describes the file this download last opened for writing.
    pub(crate) fn wrote(&self, m: &std::fs::Metadata) -> bool {
        let ours = self.written.lock().unwrap_or_else(|e| e.into_inner());
        ours.as_ref()
            .is_some_and(|w| crate::disk::folder::same_file(m, w))
    }

    /// The folder must still be where it was checked before anything is renamed into it.
    pub(crate) fn still_in_place(&self) -> Result<(), Error> {
        if self.folder.still_at_path() {
            return Ok(());
        }
        Err(Error::Setup(format!(
            "the folder {} was moved or replaced while downloading, so nothing was saved in \
             it; its `.part` stays in the folder's new place; run tikdl again",
            self.folder.path().display()
        )))
    }
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

/// Destinations being written in this process, with the post writing each.
fn active() -> &'static Mutex<HashMap<PathBuf, String>> {
    static ACTIVE: OnceLock<Mutex<HashMap<PathBuf, String>>> = OnceLock::new();
    ACTIVE.get_or_init(Default::default)
}

/// Exclusive use of a destination for the duration of one download.
pub(crate) struct DestClaim(PathBuf);

impl DestClaim {
    /// Claims `dest` for `post_id`. The same post given twice (two URL forms) waits for the
    /// first to finish, then finds its file proven; another post is refused.
    pub(crate) async fn new(dest: &Path, post_id: &str) -> Result<Self, Error> {
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

/// The exclusive `flock` on `NAME.part.meta`, held from the check of the final name to the
/// rename, so that two tikdl processes never append to one `.part`. A second process waits
/// for the first, then finds the file complete.
pub(crate) struct PartLock {
    file: Option<std::fs::File>,
    path: PathBuf,
}

impl PartLock {
    /// Takes the lock on `dest`'s record, waiting while another tikdl holds it and writes.
    pub(crate) async fn acquire(place: &Place, dest: &Path) -> Result<Self, Error> {
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
                        return Err(Error::Setup(format!(
                            "{} is held by another tikdl that has written nothing for {} \
                             minutes (stopped, or hung); run tikdl again once it is gone",
                            dest.display(),
                            LOCK_STALL.as_secs() / 60
                        )));
                    }
                    tokio::time::sleep(LOCK_POLL).await;
                    continue;
                }
                Err(std::fs::TryLockError::Error(e)) if lock_unsupported(&e) => {
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
                Ok(now) if crate::disk::folder::same_file(&held, &now) => {
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

    /// The record's text (at most 4 KiB; empty when there is none).
    pub(crate) fn read(&self) -> String {
        use std::io::{Read, Seek};
        let mut s = String::new();
        if let Some(mut f) = self.file.as_ref() {
            let _ = f.seek(std::io::SeekFrom::Start(0));
            let _ = f.take(4096).read_to_string(&mut s);
        }
        s
    }

    /// Replaces the record's text.
    pub(crate) fn write(&self, record: &str) -> Result<(), Error> {
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
    pub(crate) fn remove(mut self, place: &Place) {
        let _ = place.folder.remove(&place.meta_name);
        self.file = None;
    }
}

/// Whether a lock failed only because the file system has none (some network file systems).
pub(crate) fn lock_unsupported(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        matches!(
            e.raw_os_error(),
            Some(libc::ENOLCK | libc::EOPNOTSUPP | libc::ENOSYS)
        )
    }
    #[cfg(not(unix))]
    {
        e.kind() == std::io::ErrorKind::Unsupported
    }
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
}
