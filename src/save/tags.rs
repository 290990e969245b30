//! `--embed-metadata` / `--embed-thumbnail`: tags written into the downloaded file itself, without
//! ffmpeg, so media libraries (Plex, Jellyfin, a phone's gallery) know what a file is.
//!
//! | field          | MP4 / M4A atom             | MP3 (ID3v2.4) frame        |
//! |----------------|----------------------------|----------------------------|
//! | title          | `©nam`                     | `TIT2`                     |
//! | artist         | `©ART` (uploader)          | `TPE1`                     |
//! | album artist   | `aART` (channel)           | `TPE2`                     |
//! | date           | `©day` (YYYY-MM-DD)        | `TDRC`                     |
//! | post URL       | `©cmt`                     | `COMM` (no description), `WOAS` |
//! | description    | `desc` (<= 255 bytes), `ldes` (full, when longer) | `COMM` "description" |
//! | encoder        | `©too` = `tikdl VERSION`   | `TSSE`                     |
//! | cover          | `covr` (JPEG or PNG)       | `APIC` front cover         |
//!
//! [`embed`] works in place on the `.part` file, before the fsync and rename, so a crash never
//! leaves a half-tagged final file. lofty rewrites only the tag: `mdat` (MP4) and the audio
//! frames (MP3) keep their bytes; lofty fixes the `stco`/`co64` chunk offsets when `moov` grows
//! in front of `mdat`, and nothing else: a layout holding other offsets (fragmented MP4s) is
//! refused before lofty sees it. A file refused or that lofty cannot parse is left as it is and
//! reported as skipped.

use std::borrow::Cow;
use std::fs::OpenOptions;
use std::io::Seek;
use std::path::{Path, PathBuf};

use lofty::TextEncoding;
use lofty::config::{ParseOptions, WriteOptions};
use lofty::file::AudioFile;
use lofty::id3::v2::{
    AttachedPictureFrame, CommentFrame, Frame, FrameId, Id3v2Tag, TextInformationFrame,
    TimestampFrame, UrlLinkFrame,
};
use lofty::mp4::{Atom, AtomData, AtomIdent, Ilst, Mp4File};
use lofty::mpeg::MpegFile;
use lofty::picture::{MimeType, Picture, PictureType};
use lofty::tag::TagExt;
use lofty::tag::items::Timestamp;

use crate::disk::safe_path::cut_bytes;
use crate::model::VideoInfo;

/// The container to tag, from the saved file's extension (`mp4`, `m4a`, `mp3`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagFormat {
    Mp4,
    M4a,
    Mp3,
}

impl TagFormat {
    /// `None` for files tikdl does not tag (images, subtitles, `.aac`).
    pub fn from_ext(ext: &str) -> Option<Self> {
        match ext.to_ascii_lowercase().as_str() {
            "mp4" | "m4v" => Some(Self::Mp4),
            "m4a" => Some(Self::M4a),
            "mp3" => Some(Self::Mp3),
            _ => None,
        }
    }
}

impl std::fmt::Display for TagFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Mp4 => "MP4",
            Self::M4a => "M4A",
            Self::Mp3 => "MP3",
        })
    }
}

/// What goes into the tags, taken from a post's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagData {
    pub title: String,
    /// The uploader's handle (yt-dlp's `uploader`, the field its metadata step uses for artist).
    pub artist: Option<String>,
    /// The channel: the uploader's display name.
    pub album_artist: Option<String>,
    /// `YYYY-MM-DD` (UTC).
    pub date: Option<String>,
    pub description: String,
    /// The canonical post URL.
    pub url: String,
    /// `tikdl VERSION`.
    pub encoder: String,
    /// Only the encoder mark and the post URL (`--embed-thumbnail` without `--embed-metadata`):
    /// enough for a later run to know the file as this post's, nothing the user did not ask for.
    pub identity_only: bool,
}

impl TagData {
    pub fn from_info(info: &VideoInfo) -> Self {
        let nonempty = |s: &Option<String>| s.as_ref().filter(|s| !s.trim().is_empty()).cloned();
        let date = info.upload_date.as_deref().and_then(iso_date);
        Self {
            title: info.title.clone(),
            artist: nonempty(&info.uploader).or_else(|| nonempty(&info.channel)),
            album_artist: nonempty(&info.channel).or_else(|| nonempty(&info.uploader)),
            date,
            description: info.description.clone(),
            url: info.webpage_url.clone(),
            encoder: format!("tikdl {}", env!("CARGO_PKG_VERSION")),
            identity_only: false,
        }
    }

    /// The encoder mark and the post URL only (see [`TagData::identity_only`]).
    pub fn identity(info: &VideoInfo) -> Self {
        Self {
            title: String::new(),
            artist: None,
            album_artist: None,
            date: None,
            description: String::new(),
            identity_only: true,
            ..Self::from_info(info)
        }
    }
}

/// `YYYYMMDD` -> `YYYY-MM-DD`; anything else -> `None`.
fn iso_date(d: &str) -> Option<String> {
    if d.len() != 8 || !d.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..]))
}

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmbedOutcome {
    /// The tags were written (`metadata` false when only a cover was asked for); the cover as
    /// said.
    Tagged { metadata: bool, cover: CoverOutcome },
    /// Nothing was written: the file is kept as downloaded, for this reason (one warning).
    Skipped { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoverOutcome {
    Embedded,
    /// No cover was passed (`--embed-thumbnail` off, or the post has none).
    NotRequested,
    /// The metadata went in but the cover did not, for this reason.
    Skipped {
        reason: String,
    },
}

impl EmbedOutcome {
    /// The `metadata_embedded` field of `--json` results.
    pub fn metadata_embedded(&self) -> bool {
        matches!(self, Self::Tagged { metadata: true, .. })
    }

    /// The `thumbnail_embedded` field of `--json` results.
    pub fn thumbnail_embedded(&self) -> bool {
        matches!(
            self,
            Self::Tagged {
                cover: CoverOutcome::Embedded,
                ..
            }
        )
    }

    /// Why something asked for was not embedded, for the one warning the caller prints.
    pub fn skip_reason(&self) -> Option<&str> {
        match self {
            Self::Skipped { reason }
            | Self::Tagged {
                cover: CoverOutcome::Skipped { reason },
                ..
            } => Some(reason),
            Self::Tagged { .. } => None,
        }
    }
}

/// A local failure while tagging (the disk, not the file's contents): the caller fails the
/// download as for any write error (`Error::local(source, action, path)`).
#[derive(Debug, thiserror::Error)]
pub enum TagError {
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl TagError {
    /// The parts `crate::Error::local` takes.
    pub fn into_parts(self) -> (std::io::Error, &'static str, PathBuf) {
        match self {
            Self::Io {
                action,
                path,
                source,
            } => (source, action, path),
        }
    }
}

/// Tags `path` in place. Blocking, and lofty holds an MP4 in memory while it rewrites it: run it
/// on a blocking thread. `meta` is `None` without `--embed-metadata`; `cover` is the image for
/// `--embed-thumbnail` (JPEG or PNG; another type is skipped with a reason). With nothing to
/// write the file is not opened. Does not fsync: the caller's fsync before the rename covers it.
pub fn embed(
    path: &Path,
    format: TagFormat,
    meta: Option<&TagData>,
    cover: Option<&[u8]>,
) -> Result<EmbedOutcome, TagError> {
    embed_with(path, format, meta, cover, || {
        OpenOptions::new().read(true).write(true).open(path)
    })
}

/// [`embed`] on a file the caller opened (read and write): the engine opens its `.part`
/// through the folder it holds, never by a path that could lead elsewhere now. `path` only
/// names it in errors.
pub fn embed_file(
    file: std::fs::File,
    path: &Path,
    format: TagFormat,
    meta: Option<&TagData>,
    cover: Option<&[u8]>,
) -> Result<EmbedOutcome, TagError> {
    embed_with(path, format, meta, cover, || Ok(file))
}

fn embed_with(
    path: &Path,
    format: TagFormat,
    meta: Option<&TagData>,
    cover: Option<&[u8]>,
    open: impl FnOnce() -> std::io::Result<std::fs::File>,
) -> Result<EmbedOutcome, TagError> {
    let io = |action: &'static str| {
        move |source| TagError::Io {
            action,
            path: path.to_owned(),
            source,
        }
    };
    let picture = cover.map(picture).transpose();
    let to_embed = picture.as_ref().ok().and_then(Option::as_ref);
    let cover = match (cover, &picture) {
        (None, _) => CoverOutcome::NotRequested,
        (Some(_), Ok(_)) => CoverOutcome::Embedded,
        (Some(_), Err(reason)) => CoverOutcome::Skipped {
            reason: reason.clone(),
        },
    };
    let metadata = meta.is_some_and(|m| !m.identity_only);
    if meta.is_none() && to_embed.is_none() {
        return Ok(EmbedOutcome::Tagged { metadata, cover });
    }
    let mut file = open().map_err(io("open for tagging"))?;
    // Parse first: a file lofty cannot read is kept untouched. Writing re-checks the structure
    // before it changes a byte, so a later failure is the disk's.
    let written = match format {
        TagFormat::Mp4 | TagFormat::M4a => {
            if let Some(why) = mp4_layout_refusal(&mut file).map_err(io("read"))? {
                return Ok(EmbedOutcome::Skipped { reason: why });
            }
            file.rewind().map_err(io("read"))?;
            // No audio properties: lofty refuses MP4s without an audio track when asked for them,
            // and a silent TikTok video is still a video to tag.
            let opts = ParseOptions::new().read_properties(false);
            let parsed = match Mp4File::read_from(&mut file, opts) {
                Ok(f) => f,
                Err(e) => return Ok(skipped(format, &e)),
            };
            let mut ilst = parsed.ilst().cloned().unwrap_or_default();
            fill_ilst(&mut ilst, meta, to_embed);
            file.rewind().map_err(io("read"))?;
            ilst.save_to(&mut file, WriteOptions::default())
        }
        TagFormat::Mp3 => {
            // With properties: they need a valid first MPEG frame, so an HTML error page or
            // random bytes are recognised as "not an MP3" instead of getting a tag prepended.
            let parsed = match MpegFile::read_from(&mut file, ParseOptions::new()) {
                Ok(f) => f,
                Err(e) => return Ok(skipped(format, &e)),
            };
            let mut tag = parsed.id3v2().cloned().unwrap_or_default();
            fill_id3(&mut tag, meta, to_embed);
            file.rewind().map_err(io("read"))?;
            tag.save_to(&mut file, WriteOptions::default())
        }
    };
    if let Err(e) = written {
        // An io::Error anywhere in the chain is the disk's; anything else is lofty refusing the
        // structure, which it checks before writing.
        return match io_source(&e) {
            Some(kind) if kind != std::io::ErrorKind::UnexpectedEof => {
                let disk = std::io::Error::new(kind, e.to_string());
                Err(io("write tags to")(disk))
            }
            _ => Ok(skipped(format, &e)),
        };
    }
    Ok(EmbedOutcome::Tagged { metadata, cover })
}

/// Whether `path` parses as `format` and carries the tags tikdl writes for post `post_id`: the
/// encoder `tikdl ...` (`©too` / `TSSE`) and the post's URL (`©cmt` / `WOAS`) naming that id.
/// The download engine uses it to recognise a final file an earlier run tagged (bigger than the
/// announced size because of the tags) without taking another post's tagged file for it.
pub fn tagged_for_post(path: &Path, format: TagFormat, post_id: &str) -> bool {
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    let ours = |s: &str| s.starts_with("tikdl ");
    // The canonical URL ends with `/ID`; a longer id that merely starts the same does not count.
    let names_post = |s: &str| {
        s.trim_end_matches('/')
            .rsplit('/')
            .next()
            .is_some_and(|last| last == post_id)
    };
    match format {
        TagFormat::Mp4 | TagFormat::M4a => {
            // A cut copy (its `mdat` running past the end) keeps its tags but is not the file.
            if !mp4_boxes_fit(&mut file) {
                return false;
            }
            let opts = ParseOptions::new().read_properties(false);
            let Some(ilst) = Mp4File::read_from(&mut file, opts)
                .ok()
                .and_then(|f| f.ilst().cloned())
            else {
                return false;
            };
            let text_of = |fourcc: &[u8; 4], test: &dyn Fn(&str) -> bool| {
                ilst.get(&AtomIdent::Fourcc(*fourcc))
                    .is_some_and(|a| a.data().any(|d| matches!(d, AtomData::UTF8(s) if test(s))))
            };
            text_of(b"\xa9too", &ours) && text_of(b"\xa9cmt", &names_post)
        }
        TagFormat::Mp3 => {
            let Some(tag) = MpegFile::read_from(&mut file, ParseOptions::new())
                .ok()
                .and_then(|f| f.id3v2().cloned())
            else {
                return false;
            };
            let id = |s: &'static str| FrameId::Valid(Cow::Borrowed(s));
            let url = match tag.get(&id("WOAS")) {
                Some(Frame::Url(u)) => names_post(u.url()),
                _ => false,
            };
            tag.get_text(&id("TSSE")).is_some_and(ours) && url
        }
    }
}

/// Why an MP4 must not be rewritten, from its box headers alone (`None`: lofty may tag it).
///
/// lofty grows `moov` and moves what follows it, fixing `stco`/`co64`. It fixes nothing else
/// that holds a file offset, so these layouts are refused:
/// * fragmented files (a `moof` or `mfra` box, or `mvex` in `moov`): every `tfhd`
///   base_data_offset (and `tfra` entry) would keep the old position and each `trun` would point
///   at the wrong bytes (ffmpeg's `frag_keyframe+empty_moov` output is such a file);
/// * a box whose size is 0 ("to the end of the file") before `moov`, and a 64-bit size on
///   `moov` or a box in it (the boxes lofty resizes): layouts whose rewrite was never checked.
///
/// Sizes that do not add up are left to lofty, which refuses such a file as not parsing.
fn mp4_layout_refusal(file: &mut std::fs::File) -> std::io::Result<Option<String>> {
    let end = file.metadata()?.len();
    let fragmented = |what: &str| {
        Some(format!(
            "it is a fragmented MP4 ({what}), whose fragment offsets tagging would break"
        ))
    };
    let mut at = 0;
    let mut seen_moov = false;
    while at < end {
        // Sizes that do not add up are lofty's to refuse ("does not parse").
        let Some(b) = read_box(file, at, end)? else {
            return Ok(None);
        };
        match &b.kind {
            b"moof" => return Ok(fragmented("a `moof` box")),
            b"mfra" => return Ok(fragmented("an `mfra` box")),
            b"moov" => {
                seen_moov = true;
                if b.large {
                    return Ok(Some("its `moov` box has a 64-bit size".into()));
                }
                let mut child = b.body;
                while child < b.end {
                    let Some(c) = read_box(file, child, b.end)? else {
                        return Ok(None);
                    };
                    if &c.kind == b"mvex" {
                        return Ok(fragmented("`mvex` in `moov`"));
                    }
                    if c.large {
                        return Ok(Some("a box in its `moov` has a 64-bit size".into()));
                    }
                    child = c.end;
                }
            }
            _ if b.to_eof && !seen_moov => {
                return Ok(Some(
                    "a box before its `moov` runs to the end of the file (size 0)".into(),
                ));
            }
            _ => {}
        }
        at = b.end;
    }
    Ok(None)
}

/// Whether every top-level box of an MP4 ends within the file: a file cut short (an interrupted
/// copy) has a box, usually `mdat`, that announces more bytes than remain.
fn mp4_boxes_fit(file: &mut std::fs::File) -> bool {
    let Ok(end) = file.metadata().map(|m| m.len()) else {
        return false;
    };
    let mut at = 0;
    while at < end {
        match read_box(file, at, end) {
            Ok(Some(b)) => at = b.end,
            _ => return false,
        }
    }
    true
}

/// One ISO-BMFF box header.
struct BoxHeader {
    kind: [u8; 4],
    /// Where the body starts and the box ends (absolute offsets).
    body: u64,
    end: u64,
    /// A 64-bit size (size field 1).
    large: bool,
    /// Size field 0: the box runs to the end of its container.
    to_eof: bool,
}

/// The box at `at` inside a container ending at `limit`; `None` when its size is impossible
/// (smaller than its header, or past `limit`).
fn read_box(file: &mut std::fs::File, at: u64, limit: u64) -> std::io::Result<Option<BoxHeader>> {
    use std::io::{Read, SeekFrom};
    if limit - at < 8 {
        return Ok(None);
    }
    let mut head = [0u8; 16];
    file.seek(SeekFrom::Start(at))?;
    let n = usize::try_from((limit - at).min(16)).unwrap_or(16);
    file.read_exact(&mut head[..n])?;
    let size32 = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
    let kind = [head[4], head[5], head[6], head[7]];
    let (size, header, large, to_eof) = match size32 {
        0 => (limit - at, 8, false, true),
        1 if n == 16 => {
            let mut s = [0u8; 8];
            s.copy_from_slice(&head[8..16]);
            (u64::from_be_bytes(s), 16, true, false)
        }
        1 => return Ok(None),
        s => (u64::from(s), 8, false, false),
    };
    if size < header || size > limit - at {
        return Ok(None);
    }
    Ok(Some(BoxHeader {
        kind,
        body: at + header,
        end: at + size,
        large,
        to_eof,
    }))
}

fn skipped(format: TagFormat, e: &dyn std::error::Error) -> EmbedOutcome {
    let mut reason = format!("it does not parse as {format}: {e}");
    let mut source = e.source();
    while let Some(s) = source {
        reason.push_str(&format!(": {s}"));
        source = s.source();
    }
    EmbedOutcome::Skipped { reason }
}

fn io_source(e: &(dyn std::error::Error + 'static)) -> Option<std::io::ErrorKind> {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        cur = err.source();
    }
    None
}

/// The cover as a lofty picture, or why it cannot be embedded. Only JPEG and PNG: the two types
/// `covr` defines (data types 13 and 14) and that every player shows in `APIC`.
fn picture(bytes: &[u8]) -> Result<Picture, String> {
    let mime = if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        MimeType::Jpeg
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        MimeType::Png
    } else {
        let kind = if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            "WebP"
        } else if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
            "HEIC/AVIF"
        } else {
            "not an image tikdl recognises"
        };
        return Err(format!(
            "the cover was not embedded: it is {kind}, and only JPEG or PNG can be embedded"
        ));
    };
    Ok(Picture::unchecked(bytes.to_vec())
        .mime_type(mime)
        .pic_type(PictureType::CoverFront)
        .build())
}

/// iTunes `desc` holds at most 255 bytes (AtomicParsley, Mutagen); longer goes to `ldes` too.
const DESC_MAX: usize = 255;

fn fill_ilst(ilst: &mut Ilst, meta: Option<&TagData>, cover: Option<&Picture>) {
    if let Some(p) = cover {
        ilst.remove_pictures();
        ilst.insert_picture(p.clone());
    }
    let Some(meta) = meta else { return };
    if meta.identity_only {
        ilst.replace_atom(Atom::new(
            AtomIdent::Fourcc(*b"\xa9cmt"),
            AtomData::UTF8(meta.url.clone()),
        ));
        ilst.replace_atom(Atom::new(
            AtomIdent::Fourcc(*b"\xa9too"),
            AtomData::UTF8(meta.encoder.clone()),
        ));
        return;
    }
    let mut set = |fourcc: &[u8; 4], value: &str| {
        let ident = AtomIdent::Fourcc(*fourcc);
        if value.is_empty() {
            ilst.remove(&ident).for_each(drop);
        } else {
            ilst.replace_atom(Atom::new(ident, AtomData::UTF8(value.to_owned())));
        }
    };
    set(b"\xa9nam", &meta.title);
    set(b"\xa9ART", meta.artist.as_deref().unwrap_or(""));
    set(b"aART", meta.album_artist.as_deref().unwrap_or(""));
    set(b"\xa9day", meta.date.as_deref().unwrap_or(""));
    set(b"\xa9cmt", &meta.url);
    set(b"desc", cut_bytes(&meta.description, DESC_MAX));
    let long = if meta.description.len() > DESC_MAX {
        meta.description.as_str()
    } else {
        ""
    };
    set(b"ldes", long);
    set(b"\xa9too", &meta.encoder);
}

fn fill_id3(tag: &mut Id3v2Tag, meta: Option<&TagData>, cover: Option<&Picture>) {
    let id = |s: &'static str| FrameId::Valid(Cow::Borrowed(s));
    if let Some(p) = cover {
        tag.remove(&id("APIC")).for_each(drop);
        tag.insert(Frame::Picture(AttachedPictureFrame::new(
            TextEncoding::UTF8,
            p.clone(),
        )));
    }
    let Some(meta) = meta else { return };
    if meta.identity_only {
        for frame in ["TSSE", "WOAS"] {
            tag.remove(&id(frame)).for_each(drop);
        }
        tag.insert(Frame::Text(TextInformationFrame::new(
            id("TSSE"),
            TextEncoding::UTF8,
            meta.encoder.clone(),
        )));
        if meta.url.is_ascii() {
            tag.insert(Frame::Url(UrlLinkFrame::new(id("WOAS"), meta.url.clone())));
        }
        return;
    }
    // Ours replace whatever the file had under these ids; other frames stay.
    for frame in ["TIT2", "TPE1", "TPE2", "TDRC", "TSSE", "COMM", "WOAS"] {
        tag.remove(&id(frame)).for_each(drop);
    }
    let text = |frame: &'static str, value: &str| {
        Frame::Text(TextInformationFrame::new(
            id(frame),
            TextEncoding::UTF8,
            value.to_owned(),
        ))
    };
    let comment = |description: &str, value: &str| {
        // "XXX": the ID3v2.4 spec's language code for "unknown".
        Frame::Comment(CommentFrame::new(
            TextEncoding::UTF8,
            *b"XXX",
            description.to_owned(),
            value.to_owned(),
        ))
    };
    let mut frames = vec![text("TIT2", &meta.title), text("TSSE", &meta.encoder)];
    if let Some(a) = &meta.artist {
        frames.push(text("TPE1", a));
    }
    if let Some(a) = &meta.album_artist {
        frames.push(text("TPE2", a));
    }
    if let Some(ts) = meta
        .date
        .as_deref()
        .and_then(|d| d.parse::<Timestamp>().ok())
    {
        frames.push(Frame::Timestamp(TimestampFrame::new(
            id("TDRC"),
            TextEncoding::UTF8,
            ts,
        )));
    }
    frames.push(comment("", &meta.url));
    if !meta.description.is_empty() {
        frames.push(comment("description", &meta.description));
    }
    // WOAS (official audio source webpage) is Latin-1 only: a canonical TikTok URL is ASCII.
    if meta.url.is_ascii() {
        frames.push(Frame::Url(UrlLinkFrame::new(id("WOAS"), meta.url.clone())));
    }
    for f in frames {
        tag.insert(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_truncation() {
        assert_eq!(iso_date("20260131").as_deref(), Some("2026-01-31"));
        assert_eq!(iso_date("2026013"), None);
        assert_eq!(iso_date("2026-1-31"), None);
        let s = "é".repeat(200); // 400 bytes
        let cut = cut_bytes(&s, DESC_MAX);
        assert_eq!(cut.len(), 254);
        assert!(s.starts_with(cut));
    }

    #[test]
    fn a_cut_mp4_is_not_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.mp4");
        let mut bytes = b"\0\0\0\x10ftypisom\0\0\0\0".to_vec();
        bytes.extend_from_slice(b"\0\0\0\x18mdat");
        bytes.extend_from_slice(&[7; 16]);
        std::fs::write(&path, &bytes).unwrap();
        let fits = || mp4_boxes_fit(&mut std::fs::File::open(&path).unwrap());
        assert!(fits());
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        assert!(!fits(), "an mdat running past the end is a cut file");
    }

    #[test]
    fn cover_types() {
        assert!(picture(&[0xff, 0xd8, 0xff, 0xe0, 0, 0]).is_ok());
        assert!(picture(b"\x89PNG\r\n\x1a\nrest").is_ok());
        let webp = picture(b"RIFF\0\0\0\0WEBPVP8 ").unwrap_err();
        assert!(webp.contains("WebP"), "{webp}");
    }

    #[test]
    fn formats_from_extensions() {
        assert_eq!(TagFormat::from_ext("MP4"), Some(TagFormat::Mp4));
        assert_eq!(TagFormat::from_ext("m4a"), Some(TagFormat::M4a));
        assert_eq!(TagFormat::from_ext("mp3"), Some(TagFormat::Mp3));
        assert_eq!(TagFormat::from_ext("jpeg"), None);
    }
}
