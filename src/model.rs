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
    /// Always `"tiktok"`.
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
    /// Unix seconds.
    pub timestamp: Option<i64>,
    /// `YYYYMMDD` in UTC.
    pub upload_date: Option<String>,
    /// Seconds.
    pub duration: Option<u64>,
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
    pub formats: Vec<Format>,
    /// Slideshow images in post order (empty for videos).
    pub images: Vec<Image>,
    /// Language code (as TikTok names it, e.g. `eng-US`) -> subtitle tracks.
    pub subtitles: BTreeMap<String, Vec<Subtitle>>,
}

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

/// One downloadable rendition of the video.
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
