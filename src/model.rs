//! The typed result of extraction: what a post is, independent of the page shape it came from.
//!
//! Field names and meanings follow yt-dlp's conventions so that scripts written for
//! `yt-dlp -j` keep working. Serialization order is the declaration order (stable, documented).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What kind of post this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PostKind {
    Video,
    Slideshow,
}

/// Metadata of one TikTok post (the seed's `PlatformVideoInfo`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VideoInfo {
    /// Always `"TikTok"`, as yt-dlp names its TikTok extractor (class `TikTokIE`, no IE_NAME).
    pub extractor: String,
    /// The post id: 19 digits, kept as a string so it never loses precision.
    pub id: String,
    pub kind: PostKind,
    /// The description cut to 72 characters with `...`, or `TikTok video #ID` when empty.
    pub title: String,
    pub description: String,
    /// The author's handle (`uniqueId`).
    pub uploader: Option<String>,
    /// The author's numeric id.
    pub uploader_id: Option<String>,
    pub uploader_url: Option<String>,
    /// The author's display name (`nickname`).
    pub channel: Option<String>,
    /// The author's `secUid`.
    pub channel_id: Option<String>,
    pub channel_url: Option<String>,
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
    #[serde(default)]
    pub width: Option<u64>,
    #[serde(default)]
    pub height: Option<u64>,
    pub view_count: Option<u64>,
    pub like_count: Option<u64>,
    pub comment_count: Option<u64>,
    pub repost_count: Option<u64>,
    pub save_count: Option<u64>,
    pub hashtags: Vec<String>,
    pub mentions: Vec<String>,
    pub track: Option<String>,
    pub artists: Vec<String>,
    pub album: Option<String>,
    pub music: Option<Music>,
    pub thumbnails: Vec<Thumbnail>,
    /// yt-dlp's `thumbnail`: the preferred cover's URL.
    #[serde(default)]
    pub thumbnail: Option<String>,
    pub formats: Vec<Format>,
    /// Slideshow images in post order (empty for videos).
    pub images: Vec<Image>,
    /// Language code (as TikTok names it, e.g. `eng-US`) -> subtitle tracks.
    pub subtitles: BTreeMap<String, Vec<Subtitle>>,
}

fn tiktok_key() -> String {
    EXTRACTOR.to_owned()
}

/// yt-dlp's name for its TikTok post extractor (`extractor` and `extractor_key`).
pub const EXTRACTOR: &str = "TikTok";

/// The sound of a post: the slideshow's audio, or the video's music.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Music {
    pub id: Option<String>,
    pub url: Option<String>,
    pub duration: Option<u64>,
    pub original: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Thumbnail {
    pub id: String,
    pub url: String,
    pub width: Option<u64>,
    pub height: Option<u64>,
}

/// One downloadable rendition: a video rendition, or the post's sound (`vcodec: "none"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Format {
    pub format_id: String,
    /// The preferred URL; `mirrors` holds the others, in the order to try them.
    pub url: String,
    pub mirrors: Vec<String>,
    pub ext: String,
    /// `h264`, `h265` or `bytevc2`.
    pub vcodec: String,
    pub acodec: String,
    pub width: Option<u64>,
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
    pub url: String,
    pub mirrors: Vec<String>,
    pub width: Option<u64>,
    pub height: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subtitle {
    pub url: String,
    pub ext: String,
    /// `ASR` (speech recognition), `MT` (machine translation), or absent when unknown.
    pub source: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

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
