//! Safe file names: one path component from untrusted text (sanitizing, Windows device names),
//! the 255-byte name limit, the names derived from a file's name (sidecars, `.part`,
//! `.part.meta`), and joining a relative path under a base folder without leaving it.
//!
//! The template language lives in [`crate::save::template`]; it calls these rules.

use std::path::{Component, Path, PathBuf};

/// The longest file or folder name common file systems accept (ext4, APFS, NTFS in UTF-16 units
/// is larger, so bytes is the binding limit). Every name tikdl writes is fitted to it here.
pub const MAX_COMPONENT_BYTES: usize = 255;

/// The longest suffix tikdl puts after the stem of a rendered name: an image number
/// (` - 001.heic`), `.info.json`, a subtitle (`.cmn-Hans-CN.vtt`), the cover (`.webp`). A
/// longer suffix (a hostile language code) is cut by [`sidecar`], never the stem.
pub const MAX_SIDECAR_SUFFIX: usize = 24;

/// The longest temporary suffix after a final name: `.part.meta` (`.part` for small files).
const MAX_TEMP_SUFFIX: usize = ".part.meta".len();

/// Bytes the template leaves free in every file name it renders, so that no sidecar or
/// temporary name derived from it ever has to cut the name (which could cut the id off).
pub const NAME_RESERVE: usize = MAX_SIDECAR_SUFFIX + MAX_TEMP_SUFFIX;

/// The longest file name the template renders: [`MAX_COMPONENT_BYTES`] less [`NAME_RESERVE`].
pub const MAX_RENDERED_NAME_BYTES: usize = MAX_COMPONENT_BYTES - NAME_RESERVE;

/// The name of the record of whose files are in a folder (see [`crate::save::provenance`]): no file
/// tikdl saves ever gets it.
pub const MANIFEST_NAME: &str = ".tikdl-manifest";

/// A path that [`resolve_in_base`] refuses, or could not check.
#[derive(Debug, thiserror::Error)]
pub enum PathError {
    #[error("`{}` is outside the output folder `{}`", path.display(), base.display())]
    EscapesBase { base: PathBuf, path: PathBuf },
    #[error(
        "`{}` is a symbolic link leading outside the output folder `{}`; tikdl never writes \
         through one (remove it, or choose another name with -o)",
        link.display(),
        base.display()
    )]
    LinkOutside { base: PathBuf, link: PathBuf },
    #[error("checking `{}`: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// True when `s` is exactly one normal path component (no root, drive prefix or `..`).
pub(crate) fn is_plain_component(s: &str) -> bool {
    let mut it = Path::new(s).components();
    matches!((it.next(), it.next()), (Some(Component::Normal(_)), None))
}

pub(crate) fn trim_end_dots_spaces(s: &str) -> &str {
    s.trim_end_matches(|c: char| c == '.' || c.is_whitespace())
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
pub fn cut_bytes(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Makes one substituted value safe as (part of) a path component:
///
/// * `/` `\` and the characters Windows forbids (`<>:"|?*`) become `_` (one portable rule for
///   every system, so files can be copied to any disk);
/// * tab, newline and other line breaks become a space; other control characters are removed;
/// * invisible characters are removed: bidirectional overrides/isolates/marks (they can disguise
///   an extension, as in `evil\u{202E}4pm.exe`), zero-width spaces, byte order marks and the
///   other invisible format characters (`terminal::is_invisible_format`), so that two names
///   that look alike never differ only by them;
/// * leading and trailing dots and spaces are removed (no hidden files, no `..`, nothing Windows
///   would silently drop);
/// * an empty result becomes `_`, and Windows device names (`CON`, `nul.txt`, `COM1`...) get a
///   `_` prefix.
///
/// Idempotent: sanitizing twice gives the same result. Length is not limited here (see
/// [`Template::render`](crate::save::template::Template::render)).
pub fn sanitize_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\t' | '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                out.push(' ')
            }
            '/' | '\\' | '<' | '>' | ':' | '"' | '|' | '?' | '*' => out.push('_'),
            // Invisible characters (bidi controls, zero-width spaces, a BOM) are dropped, so no
            // two names that look alike differ only by them.
            c if crate::terminal::is_unsafe(c) => {}
            c => out.push(c),
        }
    }
    let trimmed =
        trim_end_dots_spaces(out.trim_start_matches(|c: char| c == '.' || c.is_whitespace()));
    if trimmed.is_empty() {
        "_".to_owned()
    } else {
        guard_reserved(trimmed)
    }
}

/// A final file name that could be taken for one of tikdl's own bookkeeping files gets a `_`
/// appended: a name ending in `.part` or `.part.meta` (any case) would be another download's
/// working file or its record, and the manifest's name or a temporary name (`.NAME.tmp`) would
/// be overwritten or removed by tikdl. Every final name goes through this, so a finished file
/// is never mistaken for any of them.
pub fn guard_bookkeeping(name: String) -> String {
    let lower = name.to_lowercase();
    let ours = lower.ends_with(".part")
        || lower.ends_with(".part.meta")
        || lower == MANIFEST_NAME
        || (lower.starts_with('.') && lower.ends_with(".tmp"));
    if ours { format!("{name}_") } else { name }
}

pub(crate) fn guard_reserved(name: &str) -> String {
    if is_windows_reserved(name) {
        format!("_{name}")
    } else {
        name.to_owned()
    }
}

/// Windows device names, also with any extension (`con.txt`) and trailing spaces, any case.
pub(crate) fn is_windows_reserved(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).trim_end_matches(' ');
    let upper = stem.to_ascii_uppercase();
    match upper.as_str() {
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$" => true,
        s => {
            let Some(rest) = s.strip_prefix("COM").or_else(|| s.strip_prefix("LPT")) else {
                return false;
            };
            let mut chars = rest.chars();
            matches!(
                (chars.next(), chars.next()),
                (Some('0'..='9' | '¹' | '²' | '³'), None)
            )
        }
    }
}

/// `base.join(relative)`, refused when it would end up outside `base`.
///
/// Checked lexically first (`..` may not climb above `base`; absolute paths are refused). When
/// `base` exists, the deepest existing part of the joined path (a dangling symlink counts) is
/// canonicalized and must still lie under the canonical `base`, so a symlink inside `base` that
/// points elsewhere is refused too. Returns the lexically normalized joined path.
pub fn resolve_in_base(base: &Path, relative: &Path) -> Result<PathBuf, PathError> {
    let escapes = || PathError::EscapesBase {
        base: base.to_owned(),
        path: base.join(relative),
    };
    let mut normal: Vec<&std::ffi::OsStr> = Vec::new();
    for c in relative.components() {
        match c {
            Component::Normal(s) => normal.push(s),
            Component::CurDir => {}
            Component::ParentDir => {
                normal.pop().ok_or_else(escapes)?;
            }
            Component::RootDir | Component::Prefix(_) => return Err(escapes()),
        }
    }
    let joined: PathBuf = normal.iter().fold(base.to_owned(), |p, c| p.join(c));

    if std::fs::symlink_metadata(base).is_err() {
        // Nothing on disk yet that could redirect the path; the lexical check is all there is.
        return Ok(joined);
    }
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| PathError::Io { path, source }
    };
    let canonical_base = base.canonicalize().map_err(io(base))?;
    let existing = joined
        .ancestors()
        .find(|p| std::fs::symlink_metadata(p).is_ok())
        .unwrap_or(base);
    // A dangling or looping symlink cannot be canonicalized; writing through it could create a
    // file anywhere, so it is refused like any other escape.
    let outside = || {
        // Name the link itself when one is what leads out: that is what the user must fix.
        let link = existing.ancestors().find(|p| {
            p.starts_with(base)
                && std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink())
        });
        match link {
            Some(link) => PathError::LinkOutside {
                base: base.to_owned(),
                link: link.to_owned(),
            },
            None => escapes(),
        }
    };
    let canonical = existing.canonicalize().map_err(|_| outside())?;
    if canonical.starts_with(&canonical_base) {
        Ok(joined)
    } else {
        Err(outside())
    }
}

/// `NAME.ext` -> `NAME{suffix}` (for sidecars: `.info.json`, `.eng-US.vtt`, `.jpg`, ` - 01.jpg`).
///
/// A name the template rendered leaves [`NAME_RESERVE`] bytes free, so `NAME` is kept whole and
/// the sidecar's own `.part`/`.part.meta` still fit. A suffix over [`MAX_SIDECAR_SUFFIX`] is cut
/// instead (keeping its short extension). Only a name that did not come from the template can
/// be too long for that; it is cut at its end.
pub fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let suffix = fit_suffix(suffix);
    let room = MAX_COMPONENT_BYTES - MAX_TEMP_SUFFIX - suffix.len();
    let name = format!("{}{suffix}", cut_bytes(&stem, room));
    path.with_file_name(guard_bookkeeping(name))
}

/// `suffix` cut to [`MAX_SIDECAR_SUFFIX`] bytes, keeping a final `.ext` of up to 8 bytes.
fn fit_suffix(suffix: &str) -> String {
    if suffix.len() <= MAX_SIDECAR_SUFFIX {
        return suffix.to_owned();
    }
    let ext = suffix
        .rfind('.')
        .map(|dot| &suffix[dot..])
        .filter(|ext| ext.len() <= 8)
        .unwrap_or("");
    let head = &suffix[..suffix.len() - ext.len()];
    format!("{}{ext}", cut_bytes(head, MAX_SIDECAR_SUFFIX - ext.len()))
}

/// `NAME.part`, shortened so that it still fits [`MAX_COMPONENT_BYTES`].
pub fn part_path(dest: &Path) -> PathBuf {
    suffixed(dest, ".part")
}

/// `NAME.part.meta`: the record of who wrote `NAME.part`, and the cross-process lock.
pub fn meta_path(dest: &Path) -> PathBuf {
    suffixed(dest, ".part.meta")
}

fn suffixed(dest: &Path, suffix: &str) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "download".into());
    with_suffix(dest, &name, suffix)
}

/// `path` with its file name replaced by `name` (cut to fit) followed by `suffix`.
fn with_suffix(path: &Path, name: &str, suffix: &str) -> PathBuf {
    let cut = cut_bytes(name, MAX_COMPONENT_BYTES.saturating_sub(suffix.len()));
    path.with_file_name(format!("{cut}{suffix}"))
}

#[cfg(test)]
pub(crate) mod tests {
    #[test]
    fn invisible_characters_never_reach_a_name() {
        assert_eq!(
            super::sanitize_component("a\u{200b}b\u{feff}c\u{2060}d\u{ad}e"),
            "abcde"
        );
        // Joiners build visible emoji: they stay.
        let family = "👩\u{200d}👩\u{200d}👧";
        assert_eq!(super::sanitize_component(family), family);
    }

    use super::*;

    /// A fresh folder under the system temp dir (removed by `TempDir` on drop).
    pub(crate) fn tmp() -> tempfile::TempDir {
        tempfile::Builder::new()
            .prefix("tikdl-safe-path-")
            .tempdir_in(std::env::temp_dir())
            .unwrap()
    }

    #[test]
    fn windows_reserved_names() {
        for name in [
            "CON",
            "con",
            "Prn.txt",
            "aux.tar.gz",
            "NUL ",
            "com1",
            "LPT9.x",
            "COM²",
            "conout$",
        ] {
            assert!(is_windows_reserved(name), "{name}");
        }
        for name in ["CONS", "con_", "COM10", "LPT", "xcon", "_CON"] {
            assert!(!is_windows_reserved(name), "{name}");
        }
    }

    #[test]
    fn resolve_in_base_joins_and_normalizes() {
        let base = tmp();
        let p = resolve_in_base(base.path(), Path::new("a/./b/../c.mp4")).unwrap();
        assert_eq!(p, base.path().join("a").join("c.mp4"));
    }

    #[test]
    fn resolve_in_base_refuses_lexical_escapes() {
        let base = tmp();
        for rel in ["../x", "a/../../x", "a/b/../../../x", "/etc/passwd"] {
            let e = resolve_in_base(base.path(), Path::new(rel)).unwrap_err();
            assert!(matches!(e, PathError::EscapesBase { .. }), "{rel}: {e}");
        }
        // The lexical check also applies when the base does not exist yet.
        let missing = base.path().join("not-yet");
        assert!(resolve_in_base(&missing, Path::new("../../x")).is_err());
        assert!(resolve_in_base(&missing, Path::new("a/b")).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn resolve_in_base_refuses_symlinks_pointing_outside() {
        let base = tmp();
        let outside = tmp();
        std::os::unix::fs::symlink(outside.path(), base.path().join("link")).unwrap();
        let e = resolve_in_base(base.path(), Path::new("link/file.mp4")).unwrap_err();
        assert!(matches!(e, PathError::LinkOutside { .. }), "{e}");
        assert!(e.to_string().contains("symbolic link"), "{e}");
        assert!(resolve_in_base(base.path(), Path::new("link")).is_err());

        // A dangling link would create its target outside when written through.
        std::os::unix::fs::symlink(outside.path().join("new"), base.path().join("dangling"))
            .unwrap();
        assert!(resolve_in_base(base.path(), Path::new("dangling")).is_err());

        // A link that stays inside is fine.
        std::fs::create_dir(base.path().join("real")).unwrap();
        std::os::unix::fs::symlink(base.path().join("real"), base.path().join("inner")).unwrap();
        assert!(resolve_in_base(base.path(), Path::new("inner/x/y.mp4")).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn resolve_in_base_accepts_a_symlinked_base() {
        let real = tmp();
        let holder = tmp();
        let base = holder.path().join("base");
        std::os::unix::fs::symlink(real.path(), &base).unwrap();
        let p = resolve_in_base(&base, Path::new("a/b.mp4")).unwrap();
        assert_eq!(p, base.join("a").join("b.mp4"));
    }

    #[test]
    fn part_names_fit() {
        assert_eq!(
            part_path(Path::new("/d/a.mp4")),
            PathBuf::from("/d/a.mp4.part")
        );
        let long = "é".repeat(127) + ".m"; // 256 bytes
        let p = part_path(&Path::new("/d").join(&long));
        assert!(p.file_name().unwrap().len() <= 255);
        assert!(p.to_string_lossy().ends_with(".part"));
        let m = meta_path(&Path::new("/d").join(&long));
        assert!(m.file_name().unwrap().len() <= 255);
        assert!(m.to_string_lossy().ends_with(".part.meta"));
    }

    #[test]
    fn sidecar_names() {
        assert_eq!(
            sidecar(Path::new("/d/a [1].mp4"), ".info.json"),
            PathBuf::from("/d/a [1].info.json")
        );
        assert_eq!(
            sidecar(Path::new("/d/a.b.mp4"), ".eng-US.vtt"),
            PathBuf::from("/d/a.b.eng-US.vtt")
        );
        // A name the template could not have rendered is cut at its end, leaving room for the
        // sidecar's temporary name.
        let long = format!("{}.mp4", "é".repeat(125)); // 254 bytes
        let side = sidecar(&Path::new("/d").join(&long), ".info.json");
        let name = side.file_name().unwrap().to_str().unwrap();
        assert!(name.len() <= 245 && name.ends_with("é.info.json"), "{name}");
    }

    #[test]
    fn a_rendered_name_is_never_cut_for_a_sidecar() {
        let stem = format!("u - {} [7500000000000005001]", "𝓗".repeat(47));
        let name = format!("{stem}.mp4");
        assert!(name.len() <= MAX_RENDERED_NAME_BYTES, "{}", name.len());
        let main = Path::new("/d").join(&name);
        for suffix in [" - 100.heic", ".info.json", ".cmn-Hans-CN.vtt", ".webp"] {
            let side = sidecar(&main, suffix);
            assert_eq!(side, Path::new("/d").join(format!("{stem}{suffix}")));
            for tmp in [part_path(&side), meta_path(&side)] {
                let n = tmp.file_name().unwrap().to_str().unwrap();
                assert!(
                    n.len() <= MAX_COMPONENT_BYTES && n.starts_with(&stem),
                    "{n}"
                );
            }
        }
        // A hostile language code is cut, not the name.
        let side = sidecar(&main, &format!(".{}.vtt", "x".repeat(300)));
        let n = side.file_name().unwrap().to_str().unwrap();
        assert_eq!(n, format!("{stem}.{}.vtt", "x".repeat(19)));
    }
}
