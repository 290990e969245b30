//! The typed result of extraction: what a post is, independent of the page shape it came from.
//!
//! Field names and meanings follow yt-dlp's conventions so that scripts written for
//! `yt-dlp -j` keep working. Serialization order is the declaration order (stable, documented).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The fewest and most digits a TikTok id has. TikTok's post ids are 19 digits (every capture in
/// `tests/fixtures` and every id the imitation serves); the range leaves room for older and
/// future ids, as the URL parser always has.
pub const MIN_ID_DIGITS: usize = 15;
/// See [`MIN_ID_DIGITS`].
pub const MAX_ID_DIGITS: usize = 20;

/// A TikTok post id: 15 to 20 ASCII decimal digits, nothing else.
///
/// Ids travel from TikTok's JSON into file names, the download archive, the cache's file names
/// and shard hashes, so an id is only ever made by parsing ([`std::str::FromStr`] /
/// [`TryFrom`]): a string that is not a plain id (a newline, a `/`, Unicode digits, a sign) can
/// never reach those places. Serialized as a JSON string, so `"id"` in the JSON output keeps
/// every digit; deserializing validates.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct PostId(String);

/// Why a string is not a [`PostId`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PostIdError {
    /// Nothing at all.
    #[error("the id is empty")]
    Empty,
    /// Something other than ASCII digits (quoted, cut).
    #[error("the id {0:?} is not numeric (TikTok ids are decimal digits only)")]
    NotNumeric(String),
    /// Digits, but too few or too many.
    #[error("the id {id:?} has {len} digits; TikTok ids have 15 to 20 digits")]
    Length {
        /// The id as given (quoted, cut).
        id: String,
        /// How many digits it has.
        len: usize,
    },
}

impl PostId {
    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// At most this much of a refused id is quoted in an error (a hostile one may be huge).
const QUOTED_ID_CHARS: usize = 40;

fn quoted(raw: &str) -> String {
    match raw.char_indices().nth(QUOTED_ID_CHARS) {
        Some((i, _)) => format!("{}...", &raw[..i]),
        None => raw.to_owned(),
    }
}

impl TryFrom<&str> for PostId {
    type Error = PostIdError;
    fn try_from(raw: &str) -> Result<Self, PostIdError> {
        if raw.is_empty() {
            return Err(PostIdError::Empty);
        }
        // Bytes, not `char::is_numeric` or `u64::from_str`: those take Unicode digits or a `+`.
        if !raw.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PostIdError::NotNumeric(quoted(raw)));
        }
        if !(MIN_ID_DIGITS..=MAX_ID_DIGITS).contains(&raw.len()) {
            return Err(PostIdError::Length {
                id: quoted(raw),
                len: raw.len(),
            });
        }
        Ok(PostId(raw.to_owned()))
    }
}

impl TryFrom<String> for PostId {
    type Error = PostIdError;
    fn try_from(raw: String) -> Result<Self, PostIdError> {
        PostId::try_from(raw.as_str())
    }
}

impl std::str::FromStr for PostId {
    type Err = PostIdError;
    fn from_str(raw: &str) -> Result<Self, PostIdError> {
        PostId::try_from(raw)
    }
}

impl From<PostId> for String {
    fn from(id: PostId) -> String {
        id.0
    }
}

impl std::fmt::Display for PostId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::ops::Deref for PostId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for PostId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for PostId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for PostId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for PostId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for PostId {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

/// Which allow-list of extensions a file's extension is taken from (see [`safe_ext`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtKind {
    /// A video rendition.
    Video,
    /// A post's sound.
    Audio,
    /// A subtitle track.
    Subtitle,
}

/// The extensions tikdl will put on a file of each kind; the first is the fallback. An
/// extension is a path suffix, so one taken from the page as given could be anything
/// (`webvtt/../../x`, `exe`). yt-dlp closed the same hole the same way: since 2024.07.01 it
/// refuses any extension outside `ALLOWED_EXTENSIONS` (built from `MEDIA_EXTENSIONS`;
/// `_UnsafeExtensionError.sanitize_extension` in `yt_dlp/utils/_utils.py`, advisory
/// GHSA-79w7-vh3h-8g4j).
const VIDEO_EXTS: &[&str] = &["mp4", "m4v", "mov", "webm", "mkv"];
const AUDIO_EXTS: &[&str] = &["mp3", "m4a", "aac", "opus", "ogg", "wav", "flac"];
const SUBTITLE_EXTS: &[&str] = &["vtt", "srt"];

/// `raw` (any case) when it is on `kind`'s allow-list, else that list's fallback (`mp4`, `mp3`,
/// `vtt`). TikTok names WebVTT `webvtt` (`subtitleInfos[].Format` in
/// `tests/fixtures/web_video_universal_desktop_2026-07_bitrateinfo_subtitles.html`), so that
/// spelling is `vtt` too. Never fails: whatever the page says, the result is a plain extension.
pub fn safe_ext(kind: ExtKind, raw: &str) -> &'static str {
    let list = match kind {
        ExtKind::Video => VIDEO_EXTS,
        ExtKind::Audio => AUDIO_EXTS,
        ExtKind::Subtitle => SUBTITLE_EXTS,
    };
    let raw = raw.trim();
    if kind == ExtKind::Subtitle && raw.eq_ignore_ascii_case("webvtt") {
        return "vtt";
    }
    list.iter()
        .find(|e| e.eq_ignore_ascii_case(raw))
        .copied()
        .unwrap_or(list[0])
}

/// What kind of post this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PostKind {
    /// A video (with its sound).
    Video,
    /// A photo slideshow: images and a sound.
    Slideshow,
}

/// Metadata of one TikTok post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VideoInfo {
    /// Always `"TikTok"`, as yt-dlp names its TikTok extractor (class `TikTokIE`, no IE_NAME).
    pub extractor: String,
    /// The post id: 19 digits, kept as a string so it never loses precision.
    pub id: PostId,
    /// A video or a slideshow.
    pub kind: PostKind,
    /// The description cut to 72 characters with `...`, or `TikTok video #ID` when empty.
    pub title: String,
    /// The post's text as written.
    pub description: String,
    /// The author's handle (`uniqueId`).
    pub uploader: Option<String>,
    /// The author's numeric id.
    pub uploader_id: Option<String>,
    /// The author's profile page.
    pub uploader_url: Option<String>,
    /// The author's display name (`nickname`).
    pub channel: Option<String>,
    /// The author's `secUid`.
    pub channel_id: Option<String>,
    /// The author's profile page by `secUid`.
    pub channel_url: Option<String>,
    /// The post's page.
    pub webpage_url: String,
    /// yt-dlp's `extractor_key`: `"TikTok"`.
    #[serde(default = "tiktok_key")]
    pub extractor_key: String,
    /// yt-dlp's `display_id`: the post id again.
    #[serde(default)]
    pub display_id: String,
    /// Unix seconds.
    pub timestamp: Option<i64>,
    /// `YYYYMMDD` in UTC.
    pub upload_date: Option<String>,
    /// Seconds.
    pub duration: Option<u64>,
    /// yt-dlp's top-level `ext`, `width`, `height`: the file a default download gives (`mp4`
    /// and the video's size; null for slideshows).
    #[serde(default)]
    pub ext: Option<String>,
    /// See [`Self::ext`].
    #[serde(default)]
    pub width: Option<u64>,
    /// See [`Self::ext`].
    #[serde(default)]
    pub height: Option<u64>,
    /// Plays.
    pub view_count: Option<u64>,
    /// Likes.
    pub like_count: Option<u64>,
    /// Comments.
    pub comment_count: Option<u64>,
    /// Shares.
    pub repost_count: Option<u64>,
    /// Saves (bookmarks).
    pub save_count: Option<u64>,
    /// The hashtags of the description, without `#`.
    pub hashtags: Vec<String>,
    /// The accounts the description mentions, without `@`.
    pub mentions: Vec<String>,
    /// The sound's title.
    pub track: Option<String>,
    /// The sound's authors.
    pub artists: Vec<String>,
    /// The sound's album, when TikTok names one.
    pub album: Option<String>,
    /// The sound.
    pub music: Option<Music>,
    /// The covers, each with its size when known.
    pub thumbnails: Vec<Thumbnail>,
    /// yt-dlp's `thumbnail`: the preferred cover's URL.
    #[serde(default)]
    pub thumbnail: Option<String>,
    /// The renditions, the audio-only one included.
    pub formats: Vec<Format>,
    /// Slideshow images in post order (empty for videos).
    pub images: Vec<Image>,
    /// Language code (as TikTok names it, e.g. `eng-US`) -> subtitle tracks.
    pub subtitles: BTreeMap<String, Vec<Subtitle>>,
    /// `true` when a profile's list marks the post pinned (`"isPinnedItem": true` of the list
    /// APIs); absent otherwise (a post's own page does not say). `--match-filter is_pinned`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_pinned: Option<bool>,
}

fn tiktok_key() -> String {
    EXTRACTOR.to_owned()
}

/// yt-dlp's name for its TikTok post extractor (`extractor` and `extractor_key`).
pub const EXTRACTOR: &str = "TikTok";

/// The sound of a post: the slideshow's audio, or the video's music.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Music {
    /// TikTok's id of the sound.
    pub id: Option<String>,
    /// Where the sound's file is.
    pub url: Option<String>,
    /// Seconds.
    pub duration: Option<u64>,
    /// Whether the sound is the post author's own ("original sound").
    pub original: Option<bool>,
}

/// One cover of a post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Thumbnail {
    /// Which cover (TikTok's name for it).
    pub id: String,
    /// Where it is.
    pub url: String,
    /// Pixels, when known.
    pub width: Option<u64>,
    /// Pixels, when known.
    pub height: Option<u64>,
}

/// One downloadable rendition: a video rendition, or the post's sound (`vcodec: "none"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Format {
    /// tikdl's name for the rendition (what `-o %(format_id)s` gives).
    pub format_id: String,
    /// The preferred URL; `mirrors` holds the others, in the order to try them.
    pub url: String,
    /// The other URLs of the same bytes.
    pub mirrors: Vec<String>,
    /// The file's extension as TikTok gives it (checked against an allow-list before use).
    pub ext: String,
    /// `h264`, `h265` or `bytevc2`.
    pub vcodec: String,
    /// The audio codec (`aac`, ...), or `none`.
    pub acodec: String,
    /// Pixels, when known.
    pub width: Option<u64>,
    /// Pixels, when known.
    pub height: Option<u64>,
    /// Total bitrate in kbit/s.
    pub tbr: Option<f64>,
    /// Bytes, as TikTok announces them (`DataSize`).
    pub filesize: Option<u64>,
    /// `downloadAddr` carries TikTok's watermark; every other source is clean.
    pub watermarked: bool,
    /// ByteDance's own codec (bytevc2) that ordinary players cannot decode: never chosen.
    pub unplayable: bool,
    /// yt-dlp's `format_note`: `watermarked`, `UNPLAYABLE` (bytevc2), or null.
    #[serde(default)]
    pub format_note: Option<String>,
    /// yt-dlp's `preference` (higher is better): -1 for clean renditions, -2 for the watermarked
    /// download, -100 for bytevc2, null for the audio-only rendition (as yt-dlp leaves it).
    #[serde(default)]
    pub preference: Option<i32>,
    /// Seconds: the sound's length on the audio-only rendition, null on video renditions.
    #[serde(default)]
    pub duration: Option<u64>,
}

/// The `format_id` of the audio-only rendition (yt-dlp's name for it).
pub const AUDIO_FORMAT_ID: &str = "audio";

impl Format {
    /// Whether this is the audio-only rendition (`vcodec: "none"`, as yt-dlp marks it).
    pub fn is_audio_only(&self) -> bool {
        self.vcodec == "none"
    }

    /// The audio-only rendition for a post's sound (`music.playUrl`), as yt-dlp 2026.10.26's
    /// `_extract_web_formats` lists it: `format_id` "audio", `vcodec` "none", `ext` from the URL's
    /// `mime_type` query value, `acodec` "aac" for m4a and the extension otherwise. Unlike
    /// yt-dlp (which assumes m4a), a URL that names no type keeps the `.mp3`/`.m4a` of its path,
    /// else mp3: every TikTok sound in the captures is MP3 (`mime_type=audio_mpeg` or `.mp3`).
    pub fn audio_only(url: &str, duration: Option<u64>) -> Format {
        let ext = audio_ext(url);
        Format {
            format_id: AUDIO_FORMAT_ID.to_owned(),
            url: url.to_owned(),
            mirrors: Vec::new(),
            ext: ext.to_owned(),
            vcodec: "none".to_owned(),
            acodec: if ext == "m4a" { "aac" } else { ext }.to_owned(),
            width: None,
            height: None,
            tbr: None,
            filesize: None,
            watermarked: false,
            unplayable: false,
            format_note: None,
            preference: None,
            duration: duration.filter(|d| *d > 0),
        }
    }
}

/// The file extension a sound URL names: its `mime_type` query value (`audio_mpeg`), else the
/// end of its path, else mp3.
fn audio_ext(url: &str) -> &'static str {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let mime = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .filter(|(k, _)| *k == "mime_type")
        .map(|(_, v)| v.to_ascii_lowercase().replace("%2f", "_").replace('/', "_"))
        .next_back();
    match mime.as_deref() {
        Some("audio_mpeg" | "audio_mp3") => return "mp3",
        Some("audio_mp4" | "audio_m4a" | "audio_x-m4a") => return "m4a",
        Some("audio_aac") => return "aac",
        _ => {}
    }
    let path = path.to_ascii_lowercase();
    if path.ends_with(".m4a") {
        "m4a"
    } else if path.ends_with(".aac") {
        "aac"
    } else {
        "mp3"
    }
}

impl VideoInfo {
    /// Fills what yt-dlp derives from the sound: the audio-only rendition (when the sound has a
    /// URL and no such rendition is listed yet) and, when the video states no length (photo
    /// slideshows have `video.duration` 0), `duration` = the sound's. Idempotent; also applied to
    /// metadata cached by earlier versions.
    pub fn complete_from_music(&mut self) {
        let Some(music) = &self.music else { return };
        if self.duration.is_none() {
            self.duration = music.duration.filter(|d| *d > 0);
        }
        if let Some(url) = &music.url
            && !self.formats.iter().any(Format::is_audio_only)
        {
            // Worst first, as `yt-dlp -F` lists them: an audio-only rendition sorts first.
            self.formats
                .insert(0, Format::audio_only(url, music.duration));
        }
    }
}

/// One image of a photo slideshow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Image {
    /// The preferred URL.
    pub url: String,
    /// The other URLs of the same image, in the order to try them.
    pub mirrors: Vec<String>,
    /// Pixels, when known.
    pub width: Option<u64>,
    /// Pixels, when known.
    pub height: Option<u64>,
}

/// One subtitle track of a post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subtitle {
    /// Where it is.
    pub url: String,
    /// `vtt` or `srt`.
    pub ext: String,
    /// `ASR` (speech recognition), `MT` (machine translation), or absent when unknown.
    pub source: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_ids_are_15_to_20_ascii_digits_only() {
        for ok in [
            "7608826249200356630",
            "123456789012345",
            "12345678901234567890",
            "0000000000000000005",
        ] {
            let id: PostId = ok.parse().unwrap();
            assert_eq!(id.as_str(), ok);
            assert_eq!(id.to_string(), ok);
            assert_eq!(PostId::try_from(ok.to_owned()).unwrap(), id);
        }
        let refused = [
            ("", PostIdError::Empty),
            (
                "12345678901234",
                PostIdError::Length {
                    id: "12345678901234".into(),
                    len: 14,
                },
            ),
            (
                "123456789012345678901",
                PostIdError::Length {
                    id: "123456789012345678901".into(),
                    len: 21,
                },
            ),
        ];
        for (raw, want) in refused {
            assert_eq!(PostId::try_from(raw).unwrap_err(), want, "{raw:?}");
        }
        for bad in [
            "7500000000000001777\ntiktok 7500000000000001234",
            "7608826249200356630\n",
            " 7608826249200356630",
            "+608826249200356630",
            "-608826249200356630",
            "760882624920035663x",
            // Arabic-Indic and full-width digits: numeric to Unicode, not to TikTok.
            "\u{661}\u{662}\u{663}\u{664}\u{665}\u{666}\u{667}\u{668}\u{669}\u{660}\u{661}\u{662}\u{663}\u{664}\u{665}",
            "１２３４５６７８９０１２３４５",
            "7608826249200356630/../x",
        ] {
            assert!(
                matches!(PostId::try_from(bad), Err(PostIdError::NotNumeric(_))),
                "{bad:?}"
            );
        }
        // A long hostile id is quoted cut short in the error.
        let long = "x".repeat(10_000);
        assert!(
            PostId::try_from(long.as_str())
                .unwrap_err()
                .to_string()
                .len()
                < 200
        );
    }

    #[test]
    fn post_ids_are_json_strings_and_validated_when_read() {
        let id: PostId = "7608826249200356630".parse().unwrap();
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            r#""7608826249200356630""#
        );
        let back: PostId = serde_json::from_str(r#""7608826249200356630""#).unwrap();
        assert_eq!(back, id);
        assert!(serde_json::from_str::<PostId>(r#""7608826249200356630\nx""#).is_err());
        assert!(serde_json::from_str::<PostId>("7608826249200356630").is_err());
    }

    #[test]
    fn extensions_come_from_a_fixed_list_per_kind() {
        use ExtKind::*;
        let cases = [
            (Subtitle, "webvtt", "vtt"),
            (Subtitle, "WebVTT", "vtt"),
            (Subtitle, "vtt", "vtt"),
            (Subtitle, "SRT", "srt"),
            (Subtitle, "", "vtt"),
            (Subtitle, "webvtt/../../x", "vtt"),
            (Subtitle, "exe", "vtt"),
            (Video, "mp4", "mp4"),
            (Video, "MKV", "mkv"),
            (Video, "../mp4", "mp4"),
            (Video, "mp4\n", "mp4"),
            (Audio, "m4a", "m4a"),
            (Audio, "mp3", "mp3"),
            (Audio, "sh", "mp3"),
            (Audio, "m4a/..", "mp3"),
        ];
        for (kind, raw, want) in cases {
            assert_eq!(safe_ext(kind, raw), want, "{kind:?} {raw:?}");
        }
    }

    #[test]
    fn audio_ext_from_the_sound_url() {
        // Real sound URLs from the captures (M1, D1: `mime_type=audio_mpeg`; S2: `.mp3`).
        assert_eq!(
            audio_ext("https://v16m.tiktokcdn.com/x/?a=1233&mime_type=audio_mpeg&qs=13"),
            "mp3"
        );
        assert_eq!(
            audio_ext(
                "https://sf16-ies-music-va.tiktokcdn.com/obj/ies-music-ttp-dup-us/7203022147239938858.mp3"
            ),
            "mp3"
        );
        assert_eq!(audio_ext("https://sf/obj/ies-music/abc.m4a"), "m4a");
        assert_eq!(audio_ext("https://x/?mime_type=audio_mp4"), "m4a");
        assert_eq!(
            audio_ext("https://sf9-ies-music-sg.tiktokcdn.com/obj/tos-alisg-ve-2774/oInPl"),
            "mp3"
        );
        let m4a = Format::audio_only("https://x/?mime_type=audio_mp4", Some(9));
        assert_eq!((m4a.ext.as_str(), m4a.acodec.as_str()), ("m4a", "aac"));
        let mp3 = Format::audio_only("https://x/a.mp3", Some(0));
        assert_eq!(
            (mp3.ext.as_str(), mp3.acodec.as_str(), mp3.vcodec.as_str()),
            ("mp3", "mp3", "none")
        );
        assert_eq!(mp3.duration, None);
        assert!(mp3.is_audio_only());
    }
}
