//! Choosing which rendition of a video to download, and what to fall back to.
//!
//! A format's *class* is the short side of its frame (portrait 576x1024 and landscape 1024x576
//! are both "576"), with 576 counted as the 540 class because TikTok labels those renditions
//! `540`. Formats without both dimensions are treated as the lowest class.
//!
//! Rules, in order:
//! * `unplayable` (bytevc2) formats are never offered;
//! * the audio-only rendition is offered only for `audio` (and the sound's extension, `mp3`;
//!   see [`MediaExt`]), and only it;
//! * watermarked formats are offered only when no clean playable format exists;
//! * classes are ordered by the request (see [`rank`]);
//! * within a class: the preferred codec first, then higher bitrate. A codec preference never
//!   drops formats: `h265` on a post with only h264 still downloads h264.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::model::Format;

/// What the user asked for (`--quality`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Quality {
    /// The highest class.
    #[default]
    Best,
    /// The lowest class.
    Worst,
    /// 1080p.
    Hd,
    /// 720p.
    Sd,
    /// 480p.
    Ld,
    /// 360p.
    Mobile,
    /// No video: the audio-only rendition (the post's sound).
    Audio,
    /// At most this many lines (short side); 576 and 540 are the same class.
    Height(u32),
}

const QUALITY_VALUES: &str =
    "best, worst, hd, sd, ld, mobile, audio, 1080p, 720p, 576p, 540p, 480p, 360p";
const CODEC_VALUES: &str = "h264 (or avc), h265 (or hevc), any";

/// An unrecognized `--quality` or `--codec` value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{input}` (valid: {valid})")]
pub struct ParseChoiceError {
    what: &'static str,
    input: String,
    valid: &'static str,
}

impl FromStr for Quality {
    type Err = ParseChoiceError;

    /// Case-insensitive; heights may omit the `p` (`1080`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        let height = lower.strip_suffix('p').unwrap_or(&lower);
        Ok(match lower.as_str() {
            "best" => Quality::Best,
            "worst" => Quality::Worst,
            "hd" => Quality::Hd,
            "sd" => Quality::Sd,
            "ld" => Quality::Ld,
            "mobile" => Quality::Mobile,
            "audio" => Quality::Audio,
            _ => match height {
                "1080" => Quality::Height(1080),
                "720" => Quality::Height(720),
                "576" => Quality::Height(576),
                "540" => Quality::Height(540),
                "480" => Quality::Height(480),
                "360" => Quality::Height(360),
                _ => {
                    return Err(ParseChoiceError {
                        what: "quality",
                        input: s.to_owned(),
                        valid: QUALITY_VALUES,
                    });
                }
            },
        })
    }
}

impl fmt::Display for Quality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Quality::Best => f.write_str("best"),
            Quality::Worst => f.write_str("worst"),
            Quality::Hd => f.write_str("hd"),
            Quality::Sd => f.write_str("sd"),
            Quality::Ld => f.write_str("ld"),
            Quality::Mobile => f.write_str("mobile"),
            Quality::Audio => f.write_str("audio"),
            Quality::Height(h) => write!(f, "{h}p"),
        }
    }
}

/// Which video codec to prefer among renditions of the same class (`--codec`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CodecPref {
    /// Plays everywhere, so the default.
    #[default]
    H264,
    /// Smaller files at the same quality, where the player can decode it.
    H265,
    /// No codec preference: the higher bitrate wins.
    Any,
}

impl FromStr for CodecPref {
    type Err = ParseChoiceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "h264" | "avc" => Ok(CodecPref::H264),
            "h265" | "hevc" => Ok(CodecPref::H265),
            "any" => Ok(CodecPref::Any),
            _ => Err(ParseChoiceError {
                what: "codec",
                input: s.to_owned(),
                valid: CODEC_VALUES,
            }),
        }
    }
}

impl fmt::Display for CodecPref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CodecPref::H264 => "h264",
            CodecPref::H265 => "h265",
            CodecPref::Any => "any",
        })
    }
}

/// The rendition class of a format: the short side of the frame, 576 counted as 540.
/// `None` when a dimension is unknown.
pub fn rendition_class(format: &Format) -> Option<u32> {
    let short = format.width?.min(format.height?);
    let short = u32::try_from(short).unwrap_or(u32::MAX);
    (short > 0).then_some(normalize_class(short))
}

/// TikTok's "540p" renditions are 576 lines tall; treat both numbers as one class.
fn normalize_class(h: u32) -> u32 {
    if h == 576 { 540 } else { h }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CodecFamily {
    H264,
    H265,
    Other,
}

fn codec_family(vcodec: &str) -> CodecFamily {
    let v = vcodec.to_ascii_lowercase();
    if v.starts_with("h264") || v.starts_with("avc") {
        CodecFamily::H264
    } else if v.starts_with("h265")
        || v.starts_with("hevc")
        || v.starts_with("hvc1")
        || v.starts_with("hev1")
        // ByteDance's name for its HEVC encoder.
        || v == "bytevc1"
    {
        CodecFamily::H265
    } else {
        CodecFamily::Other
    }
}

/// Lower is better.
fn codec_rank(format: &Format, pref: CodecPref) -> u8 {
    match (pref, codec_family(&format.vcodec)) {
        (CodecPref::Any, _) => 0,
        (CodecPref::H264, CodecFamily::H264) | (CodecPref::H265, CodecFamily::H265) => 0,
        (CodecPref::H264, CodecFamily::H265) | (CodecPref::H265, CodecFamily::H264) => 1,
        (_, CodecFamily::Other) => 2,
    }
}

#[derive(Debug, Clone, Copy)]
enum Target {
    Highest,
    Lowest,
    AtMost(u32),
}

struct Candidate<'a> {
    format: &'a Format,
    index: usize,
    /// 0 when unknown, so unknown sizes sort as the lowest.
    class: u32,
    codec: u8,
    tbr: f64,
}

/// Formats ordered best-first for the request: the first is the choice, the rest are the
/// fallbacks to try when a download fails.
///
/// * `Best`: classes from highest to lowest. `Worst`: lowest to highest, and within a class the
///   lower bitrate first (the point of `worst` is a small file).
/// * A height (`Hd`, `Sd`, `Ld`, `Mobile`, `Height`): the classes at or below it, highest first,
///   then the classes above it, lowest first (so the best rendition not above the request wins,
///   and the smallest one above it when nothing is that small).
/// * `Audio` (`-f audio`, `-f ba`, `-x`): the audio-only renditions (`vcodec: "none"`, format_id
///   `audio`), in input order; every other quality never offers them.
///
/// Ties keep the input order.
pub fn rank(formats: &[Format], quality: Quality, codec: CodecPref) -> Vec<&Format> {
    rank_sorted(formats, quality, codec, &FormatSort::default())
}

/// [`rank`] with `-S` preferences: for a height, the classes as [`rank`] orders them come
/// first; then the `sort` keys in their order; then [`rank`]'s own order. For `worst` the keys
/// count backwards (the last of what `best` would order), as in yt-dlp.
pub fn rank_sorted<'a>(
    formats: &'a [Format],
    quality: Quality,
    codec: CodecPref,
    sort: &FormatSort,
) -> Vec<&'a Format> {
    let target = match quality {
        Quality::Audio => return formats.iter().filter(|f| f.is_audio_only()).collect(),
        Quality::Best => Target::Highest,
        Quality::Worst => Target::Lowest,
        Quality::Hd => Target::AtMost(1080),
        Quality::Sd => Target::AtMost(720),
        Quality::Ld => Target::AtMost(480),
        Quality::Mobile => Target::AtMost(360),
        Quality::Height(h) => Target::AtMost(normalize_class(h)),
    };
    let any_clean = formats
        .iter()
        .filter(|f| playable(f))
        .any(|f| !f.watermarked);
    let mut candidates: Vec<Candidate> = formats
        .iter()
        .enumerate()
        .filter(|(_, f)| playable(f) && !(any_clean && f.watermarked))
        .map(|(index, format)| Candidate {
            format,
            index,
            class: rendition_class(format).unwrap_or(0),
            codec: codec_rank(format, codec),
            tbr: format.tbr.filter(|t| t.is_finite()).unwrap_or(0.0),
        })
        .collect();
    candidates.sort_by(|a, b| {
        let asked = match target {
            Target::AtMost(_) => by_class(a.class, b.class, target),
            _ => Ordering::Equal,
        };
        let keys = sort.keys.iter().fold(Ordering::Equal, |o, key| {
            o.then_with(|| {
                let k = key.compare(a, b);
                if matches!(target, Target::Lowest) {
                    k.reverse()
                } else {
                    k
                }
            })
        });
        asked.then(keys).then_with(|| compare(a, b, target))
    });
    candidates.into_iter().map(|c| c.format).collect()
}

/// A video rendition an ordinary player can show.
fn playable(f: &Format) -> bool {
    !f.unplayable && !f.vcodec.eq_ignore_ascii_case("bytevc2") && !f.is_audio_only()
}

fn by_class(a: u32, b: u32, target: Target) -> Ordering {
    match target {
        Target::Highest => b.cmp(&a),
        Target::Lowest => a.cmp(&b),
        Target::AtMost(t) => {
            let (a_above, b_above) = (a > t, b > t);
            a_above
                .cmp(&b_above)
                .then_with(|| if a_above { a.cmp(&b) } else { b.cmp(&a) })
        }
    }
}

fn compare(a: &Candidate, b: &Candidate, target: Target) -> Ordering {
    let by_tbr = match target {
        Target::Lowest => a.tbr.total_cmp(&b.tbr),
        _ => b.tbr.total_cmp(&a.tbr),
    };
    by_class(a.class, b.class, target)
        .then(a.codec.cmp(&b.codec))
        .then(by_tbr)
        .then(a.index.cmp(&b.index))
}

/// One alternative of a `-f` selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// A quality name (`best`, `720p`, ...; yt-dlp's `b`, `w`, `bv`, `ba` map here).
    Quality(Quality),
    /// A media extension (`mp4`, `m4a`, `mp3`, ...): the best format of that extension (see
    /// [`MediaExt`]).
    Ext(MediaExt),
    /// A format id, as `info --json` lists it in `formats[].format_id`.
    Id(String),
}

/// An extension used as a selector, with yt-dlp's meaning. yt-dlp's
/// `YoutubeDL.build_format_selector` (`_build_selector_function`, yt_dlp/YoutubeDL.py at
/// 81ecd58, 2026-08) reads a selector word that is in `YoutubeDL._format_selection_exts` (built
/// from `MEDIA_EXTENSIONS` in yt_dlp/utils/_utils.py) as "the best format with that
/// extension", before it would read it as a format id:
///
/// * a video extension (`MEDIA_EXTENSIONS.common_video` and `3gp`: avi, flv, mkv, mov, mp4,
///   webm, 3gp): `ext == spec and acodec != 'none' and vcodec != 'none'`, a format with both
///   picture and sound; only when the post has no such format at all (`has_merged_format`
///   false) a video-only format of that extension;
/// * an audio extension (`MEDIA_EXTENSIONS.common_audio`: aiff, alac, flac, m4a, mka, mp3, ogg,
///   opus, wav): `ext == spec and acodec != 'none'`, any format with sound;
/// * a storyboard extension (mhtml): a format with neither.
///
/// tikdl also takes `aac` as an audio extension: TikTok may name its sound `audio/aac`
/// (`model::Format::audio_only`), and no TikTok format id is `aac`.
///
/// In tikdl's model TikTok serves `mp4` video renditions that carry their sound and one sound
/// (`audio`, mp3, m4a or aac), so `mp4` is the best video, `mp3`/`m4a`/`aac` the sound when it
/// has that extension, and every other extension never matches anything (see
/// [`MediaExt::served`]). On a photo post `mp4` takes its images and sound, as `best` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MediaExt {
    name: &'static str,
    kind: ExtClass,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ExtClass {
    Video,
    Audio,
    Storyboard,
}

/// yt-dlp's `_format_selection_exts['video']`, then `['audio']` (plus `aac`), then
/// `['storyboards']`.
const SELECTION_EXTS: &[(&str, ExtClass)] = &[
    ("avi", ExtClass::Video),
    ("flv", ExtClass::Video),
    ("mkv", ExtClass::Video),
    ("mov", ExtClass::Video),
    ("mp4", ExtClass::Video),
    ("webm", ExtClass::Video),
    ("3gp", ExtClass::Video),
    ("aiff", ExtClass::Audio),
    ("alac", ExtClass::Audio),
    ("flac", ExtClass::Audio),
    ("m4a", ExtClass::Audio),
    ("mka", ExtClass::Audio),
    ("mp3", ExtClass::Audio),
    ("ogg", ExtClass::Audio),
    ("opus", ExtClass::Audio),
    ("wav", ExtClass::Audio),
    ("aac", ExtClass::Audio),
    ("mhtml", ExtClass::Storyboard),
];

/// The extensions tikdl's formats can have: every video rendition is `mp4`
/// (`fetch::extract::item`), the sound `mp3`, `m4a` or `aac` (`model::Format::audio_only`).
const SERVED_EXTS: &[&str] = &["mp4", "mp3", "m4a", "aac"];

impl MediaExt {
    /// `word` (any case) as an extension selector, when it is one.
    pub fn parse(word: &str) -> Option<Self> {
        SELECTION_EXTS
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(word))
            .map(|&(name, kind)| Self { name, kind })
    }

    /// The extension, lowercase.
    pub fn as_str(self) -> &'static str {
        self.name
    }

    /// Whether TikTok serves anything of this extension (else it never matches).
    pub fn served(self) -> bool {
        SERVED_EXTS.contains(&self.name)
    }

    /// Whether it asks for a video (`mp4`, `webm`, ...) rather than a sound.
    pub fn is_video(self) -> bool {
        self.kind == ExtClass::Video
    }

    fn of(self, f: &Format) -> bool {
        f.ext.trim().eq_ignore_ascii_case(self.name)
    }

    /// yt-dlp's filter for this extension over the formats tikdl offers, best-first.
    fn rank<'a>(
        self,
        formats: &'a [Format],
        codec: CodecPref,
        sort: &FormatSort,
    ) -> Vec<&'a Format> {
        let has_sound = |f: &Format| !f.acodec.eq_ignore_ascii_case("none");
        let videos = || rank_sorted(formats, Quality::Best, codec, sort).into_iter();
        match self.kind {
            ExtClass::Video => {
                let merged: Vec<_> = videos().filter(|f| self.of(f) && has_sound(f)).collect();
                // yt-dlp's `seperate_fallback`: video-only formats of the extension only when
                // the post has no format with both picture and sound.
                if merged.is_empty() && !videos().any(has_sound) {
                    videos().filter(|f| self.of(f)).collect()
                } else {
                    merged
                }
            }
            ExtClass::Audio => {
                // Any format with sound; one with picture too ranks first (yt-dlp's default
                // sort starts with `hasvid`). TikTok's videos are mp4, so in practice the sound.
                let with_video: Vec<_> = videos().filter(|f| self.of(f) && has_sound(f)).collect();
                if with_video.is_empty() {
                    rank(formats, Quality::Audio, codec)
                        .into_iter()
                        .filter(|f| self.of(f))
                        .collect()
                } else {
                    with_video
                }
            }
            // TikTok serves no storyboards.
            ExtClass::Storyboard => Vec::new(),
        }
    }
}

impl fmt::Display for MediaExt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// `-f/--format`: alternatives separated by `/`, the first one a post has wins (yt-dlp's
/// fallback syntax). Parsed once; a post that has none of them fails with the formats it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatSelector {
    choices: Vec<Choice>,
}

impl Default for FormatSelector {
    fn default() -> Self {
        Self::from(Quality::Best)
    }
}

impl From<Quality> for FormatSelector {
    fn from(q: Quality) -> Self {
        Self {
            choices: vec![Choice::Quality(q)],
        }
    }
}

/// What `-f` accepts, for error messages.
pub const FORMAT_VALUES: &str = "best (b), worst (w), bestvideo (bv), bestaudio (ba), hd, sd, \
     ld, mobile, audio, 1080p, 720p, 576p, 540p, 480p, 360p, an extension (mp4: the best video; \
     mp3, m4a: the sound, when it is one), a format id (`tikdl info --json` lists them), or \
     several joined by / (the first a post has)";

/// An `-f` or `-S` value tikdl cannot do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseSelectorError(String);

impl FormatSelector {
    /// The alternatives, in order.
    pub fn choices(&self) -> &[Choice] {
        &self.choices
    }

    /// Whether the selector can match anything TikTok serves: `false` when every alternative
    /// is an extension TikTok never serves (`webm`, `flac`, `webm/ogg`), so every post would
    /// fail. Format ids are TikTok's own words (`normal_540_0`, `bytevc1_1080p_123`), so an
    /// unknown word could always be one: only extensions are known never to match.
    pub fn can_match(&self) -> bool {
        self.choices
            .iter()
            .any(|c| !matches!(c, Choice::Ext(e) if !e.served()))
    }

    /// The first alternative `formats` has, ranked best-first with its fallbacks (an id has
    /// none), and whether it is the sound rather than a video. `Err`: what the post has instead.
    pub fn choose<'a>(
        &self,
        formats: &'a [Format],
        codec: CodecPref,
        sort: &FormatSort,
    ) -> Result<Picked<'a>, String> {
        for choice in &self.choices {
            let ranked = match choice {
                Choice::Quality(q) => rank_sorted(formats, *q, codec, sort),
                Choice::Ext(e) => e.rank(formats, codec, sort),
                Choice::Id(id) => formats
                    .iter()
                    .find(|f| f.format_id == *id && (f.is_audio_only() || playable(f)))
                    .into_iter()
                    .collect(),
            };
            if let Some(first) = ranked.first() {
                return Ok(Picked {
                    audio: first.is_audio_only(),
                    ranked,
                });
            }
        }
        let has: Vec<&str> = formats
            .iter()
            .filter(|f| f.is_audio_only() || playable(f))
            .map(|f| f.format_id.as_str())
            .collect();
        Err(if has.is_empty() {
            format!("no format matches -f {self}: this post has no playable format")
        } else {
            format!(
                "no format matches -f {self}; this post has: {} ({}; best, worst and the quality \
                 names always match a video)",
                has.join(", "),
                exts_of(formats)
            )
        })
    }

    /// What a photo post (images and a sound, no video renditions) gives: `Ok(true)` its sound
    /// alone, `Ok(false)` its images and sound. The first alternative the post has decides:
    /// `ba`/`audio`, the sound's extension (`mp3`, `m4a`) or its id (`audio`) take the sound
    /// when there is one; a quality name (`best`, `720p`, ...) or `mp4` take the images, the
    /// photo post's counterpart of a video; another id or extension is not there.
    pub fn choose_for_photos(&self, formats: &[Format]) -> Result<bool, String> {
        let sound = formats.iter().find(|f| f.is_audio_only());
        for choice in &self.choices {
            let audio = match choice {
                Choice::Quality(Quality::Audio) => sound.is_some(),
                Choice::Quality(_) => return Ok(false),
                Choice::Ext(e) if e.is_video() => {
                    if e.served() {
                        return Ok(false);
                    }
                    false
                }
                Choice::Ext(e) => sound.is_some_and(|s| e.of(s)),
                Choice::Id(id) => sound.is_some_and(|s| s.format_id == *id),
            };
            if audio {
                return Ok(true);
            }
        }
        Err(match sound {
            Some(s) => format!(
                "no format matches -f {self}; this photo post has its images (-f best or mp4) \
                 and its sound: {} ({}, -f ba)",
                s.format_id,
                s.ext.trim().to_ascii_lowercase()
            ),
            None => format!(
                "no format matches -f {self}; this photo post has its images (-f best or mp4) \
                 and no sound"
            ),
        })
    }
}

/// "videos: mp4; sound: mp3": the extensions of the formats tikdl offers, for errors.
fn exts_of(formats: &[Format]) -> String {
    let mut videos: Vec<String> = Vec::new();
    let mut sounds: Vec<String> = Vec::new();
    for f in formats {
        let (list, offered) = if f.is_audio_only() {
            (&mut sounds, true)
        } else {
            (&mut videos, playable(f))
        };
        let ext = f.ext.trim().to_ascii_lowercase();
        if offered && !list.contains(&ext) {
            list.push(ext);
        }
    }
    let mut parts = Vec::new();
    if !videos.is_empty() {
        parts.push(format!("videos: {}", videos.join(", ")));
    }
    if !sounds.is_empty() {
        parts.push(format!("sound: {}", sounds.join(", ")));
    }
    parts.join("; ")
}

/// The formats [`FormatSelector::choose`] picked.
#[derive(Debug)]
pub struct Picked<'a> {
    /// The sound (audio-only rendition), not a video.
    pub audio: bool,
    /// Best-first: the first is the choice, the rest the fallbacks after a failed download.
    pub ranked: Vec<&'a Format>,
}

impl FromStr for FormatSelector {
    type Err = ParseSelectorError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let refuse = |why: String| ParseSelectorError(format!("{why} (valid: {FORMAT_VALUES})"));
        let choices = s
            .split('/')
            .map(|part| {
                let part = part.trim();
                let lower = part.to_ascii_lowercase();
                match lower.as_str() {
                    "b" | "bv" | "bestvideo" | "bv*" | "b*" => Ok(Choice::Quality(Quality::Best)),
                    "w" | "wv" | "worstvideo" => Ok(Choice::Quality(Quality::Worst)),
                    "ba" | "bestaudio" => Ok(Choice::Quality(Quality::Audio)),
                    _ if part.contains('+') => Err(refuse(format!(
                        "`{part}`: tikdl merges no formats (TikTok's videos carry their sound); \
                         give one of them"
                    ))),
                    _ => match (part.parse::<Quality>(), MediaExt::parse(part)) {
                        (Ok(q), _) => Ok(Choice::Quality(q)),
                        // yt-dlp reads an extension as one before it would read a format id.
                        (Err(_), Some(e)) => Ok(Choice::Ext(e)),
                        // A height tikdl has no name for (4k, 2160p) is no format id either.
                        (Err(_), None) if looks_like_height(&lower) => {
                            Err(refuse(format!("`{part}` is not one of tikdl's heights")))
                        }
                        (Err(_), None) if is_format_id(part) => Ok(Choice::Id(part.to_owned())),
                        (Err(_), None) => Err(refuse(format!("unknown format selector `{part}`"))),
                    },
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        let selector = Self { choices };
        if !selector.can_match() {
            return Err(ParseSelectorError(format!(
                "`{selector}` never matches: TikTok serves no such file (its videos are mp4 with \
                 their sound, a post's sound mp3 or m4a); give mp4, mp3, m4a, best or ba, or a \
                 fallback such as {selector}/best"
            )));
        }
        Ok(selector)
    }
}

/// `2160p`, `1440`, `4k`: digits with an optional `p` or `k`.
fn looks_like_height(s: &str) -> bool {
    let digits = s.trim_end_matches(['p', 'k']);
    !digits.is_empty() && s.len() - digits.len() <= 1 && digits.bytes().all(|b| b.is_ascii_digit())
}

/// TikTok's format ids are words of letters, digits, `_` and `-` (`adapt_lower_720_1`,
/// `bytevc1_720p_1154741`); anything else (`[`, `*`, spaces) is a selector tikdl lacks.
fn is_format_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 200
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
}

impl fmt::Display for FormatSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, c) in self.choices.iter().enumerate() {
            if i > 0 {
                f.write_str("/")?;
            }
            match c {
                Choice::Quality(q) => write!(f, "{q}")?,
                Choice::Ext(e) => write!(f, "{e}")?,
                Choice::Id(id) => f.write_str(id)?,
            }
        }
        Ok(())
    }
}

/// One `-S` preference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SortKey {
    /// `vcodec:h264`, `vcodec:h265`: that codec first.
    Codec(CodecPref),
    /// `res`: the largest first; `res:N`: the largest at or below N lines first, then the
    /// smallest above (yt-dlp's limit semantics).
    Res(Option<u32>),
    /// `size` (largest first) or `+size` (smallest first); unknown sizes last.
    Size { smallest: bool },
    /// `br` (highest bitrate first) or `+br`.
    Bitrate { lowest: bool },
}

/// What `-S` accepts, for error messages.
pub const SORT_VALUES: &str =
    "vcodec:h264, vcodec:h265, res, res:N, size, +size, br, +br (comma-separated, in order)";

impl SortKey {
    fn compare(&self, a: &Candidate, b: &Candidate) -> Ordering {
        match *self {
            SortKey::Codec(p) => codec_rank(a.format, p).cmp(&codec_rank(b.format, p)),
            SortKey::Res(None) => b.class.cmp(&a.class),
            SortKey::Res(Some(n)) => by_class(a.class, b.class, Target::AtMost(normalize_class(n))),
            SortKey::Size { smallest } => match (a.format.filesize, b.format.filesize) {
                (Some(x), Some(y)) if smallest => x.cmp(&y),
                (Some(x), Some(y)) => y.cmp(&x),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
            SortKey::Bitrate { lowest: true } => a.tbr.total_cmp(&b.tbr),
            SortKey::Bitrate { lowest: false } => b.tbr.total_cmp(&a.tbr),
        }
    }
}

/// `-S/--format-sort`: preferences, the first deciding first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FormatSort {
    keys: Vec<SortKey>,
}

impl FormatSort {
    /// The preferences, in order.
    pub fn keys(&self) -> &[SortKey] {
        &self.keys
    }
}

impl FromStr for FormatSort {
    type Err = ParseSelectorError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let keys = s
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(|k| {
                let lower = k.to_ascii_lowercase();
                let (name, value) = match lower.split_once(':') {
                    Some((n, v)) => (n, Some(v)),
                    None => (lower.as_str(), None),
                };
                let key = match (name, value) {
                    ("vcodec" | "codec", Some(v)) => match v.parse::<CodecPref>() {
                        Ok(CodecPref::Any) | Err(_) => None,
                        Ok(p) => Some(SortKey::Codec(p)),
                    },
                    ("res" | "height", None) => Some(SortKey::Res(None)),
                    ("res" | "height", Some(v)) => v
                        .strip_suffix('p')
                        .unwrap_or(v)
                        .parse::<u32>()
                        .ok()
                        .filter(|n| *n > 0)
                        .map(|n| SortKey::Res(Some(n))),
                    ("size" | "filesize", None) => Some(SortKey::Size { smallest: false }),
                    ("+size" | "+filesize", None) => Some(SortKey::Size { smallest: true }),
                    ("br" | "tbr", None) => Some(SortKey::Bitrate { lowest: false }),
                    ("+br" | "+tbr", None) => Some(SortKey::Bitrate { lowest: true }),
                    _ => None,
                };
                key.ok_or_else(|| {
                    ParseSelectorError(format!("unknown sort key `{k}` (valid: {SORT_VALUES})"))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { keys })
    }
}

impl fmt::Display for FormatSort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, k) in self.keys.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            match k {
                SortKey::Codec(p) => write!(f, "vcodec:{p}")?,
                SortKey::Res(None) => f.write_str("res")?,
                SortKey::Res(Some(n)) => write!(f, "res:{n}")?,
                SortKey::Size { smallest } => {
                    f.write_str(if *smallest { "+size" } else { "size" })?
                }
                SortKey::Bitrate { lowest } => f.write_str(if *lowest { "+br" } else { "br" })?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(id: &str, vcodec: &str, w: u64, h: u64, tbr: f64) -> Format {
        Format {
            format_id: id.to_owned(),
            url: format!("https://example.invalid/{id}"),
            mirrors: Vec::new(),
            ext: "mp4".to_owned(),
            vcodec: vcodec.to_owned(),
            acodec: "aac".to_owned(),
            width: Some(w),
            height: Some(h),
            tbr: Some(tbr),
            filesize: None,
            watermarked: false,
            unplayable: false,
            format_note: None,
            preference: Some(-1),
            duration: None,
        }
    }

    /// The five renditions of a real capture, in page order.
    fn capture() -> Vec<Format> {
        vec![
            fmt("adapt_540_1", "h265", 576, 1024, 615.0),
            fmt("lower_540_0", "h264", 576, 1024, 738.0),
            fmt("normal_540_0", "h264", 576, 1024, 1297.0),
            fmt("adapt_lower_720_1", "h265", 720, 1280, 750.0),
            fmt("adapt_lowest_1080_1", "h265", 1080, 1920, 1148.0),
        ]
    }

    fn ids(formats: &[Format], q: Quality, c: CodecPref) -> Vec<String> {
        rank(formats, q, c)
            .into_iter()
            .map(|f| f.format_id.clone())
            .collect()
    }

    fn first(formats: &[Format], q: Quality, c: CodecPref) -> String {
        ids(formats, q, c).into_iter().next().unwrap_or_default()
    }

    const ALL_CODECS: [CodecPref; 3] = [CodecPref::H264, CodecPref::H265, CodecPref::Any];

    #[test]
    fn parse_quality() {
        for (s, q) in [
            ("best", Quality::Best),
            ("BEST", Quality::Best),
            (" worst ", Quality::Worst),
            ("hd", Quality::Hd),
            ("Sd", Quality::Sd),
            ("ld", Quality::Ld),
            ("mobile", Quality::Mobile),
            ("audio", Quality::Audio),
            ("1080p", Quality::Height(1080)),
            ("1080", Quality::Height(1080)),
            ("720P", Quality::Height(720)),
            ("576p", Quality::Height(576)),
            ("540", Quality::Height(540)),
            ("480p", Quality::Height(480)),
            ("360p", Quality::Height(360)),
        ] {
            assert_eq!(s.parse::<Quality>(), Ok(q), "{s}");
        }
        for bad in ["", "p", "4k", "2160p", "1080pp", "best1", "-1"] {
            let e = bad.parse::<Quality>().unwrap_err().to_string();
            assert!(e.contains("best, worst, hd") && e.contains("360p"), "{e}");
        }
    }

    #[test]
    fn quality_display_round_trips() {
        for q in [
            Quality::Best,
            Quality::Worst,
            Quality::Hd,
            Quality::Sd,
            Quality::Ld,
            Quality::Mobile,
            Quality::Audio,
            Quality::Height(576),
        ] {
            assert_eq!(q.to_string().parse::<Quality>(), Ok(q));
        }
    }

    #[test]
    fn parse_codec() {
        for (s, c) in [
            ("h264", CodecPref::H264),
            ("AVC", CodecPref::H264),
            ("h265", CodecPref::H265),
            ("hevc", CodecPref::H265),
            ("Any", CodecPref::Any),
        ] {
            assert_eq!(s.parse::<CodecPref>(), Ok(c), "{s}");
            assert_eq!(c.to_string().parse::<CodecPref>(), Ok(c));
        }
        let e = "vp9".parse::<CodecPref>().unwrap_err().to_string();
        assert!(
            e.contains("`vp9`") && e.contains("h264") && e.contains("any"),
            "{e}"
        );
    }

    #[test]
    fn classes() {
        let c = capture();
        let classes: Vec<_> = c.iter().map(rendition_class).collect();
        assert_eq!(
            classes,
            [Some(540), Some(540), Some(540), Some(720), Some(1080)]
        );
        assert_eq!(
            rendition_class(&fmt("landscape", "h264", 1024, 576, 1.0)),
            Some(540)
        );
        let mut unknown = fmt("u", "h264", 1, 1, 1.0);
        unknown.width = None;
        assert_eq!(rendition_class(&unknown), None);
    }

    #[test]
    fn best_and_worst() {
        let c = capture();
        for codec in ALL_CODECS {
            assert_eq!(first(&c, Quality::Best, codec), "adapt_lowest_1080_1");
        }
        assert_eq!(first(&c, Quality::Worst, CodecPref::H264), "lower_540_0");
        assert_eq!(first(&c, Quality::Worst, CodecPref::H265), "adapt_540_1");
        assert_eq!(first(&c, Quality::Worst, CodecPref::Any), "adapt_540_1");
    }

    #[test]
    fn named_heights() {
        let c = capture();
        for codec in ALL_CODECS {
            assert_eq!(first(&c, Quality::Hd, codec), "adapt_lowest_1080_1");
            assert_eq!(
                first(&c, Quality::Height(1080), codec),
                "adapt_lowest_1080_1"
            );
            assert_eq!(first(&c, Quality::Sd, codec), "adapt_lower_720_1");
            assert_eq!(first(&c, Quality::Height(720), codec), "adapt_lower_720_1");
        }
        // 540 class: the codec preference decides among the three 540 renditions.
        for q in [
            Quality::Height(540),
            Quality::Height(576),
            Quality::Ld,
            Quality::Height(480),
            Quality::Mobile,
            Quality::Height(360),
        ] {
            assert_eq!(first(&c, q, CodecPref::H264), "normal_540_0", "{q}");
            assert_eq!(first(&c, q, CodecPref::H265), "adapt_540_1", "{q}");
            assert_eq!(first(&c, q, CodecPref::Any), "normal_540_0", "{q}");
        }
    }

    #[test]
    fn fallback_order() {
        let c = capture();
        assert_eq!(
            ids(&c, Quality::Best, CodecPref::H264),
            [
                "adapt_lowest_1080_1",
                "adapt_lower_720_1",
                "normal_540_0",
                "lower_540_0",
                "adapt_540_1"
            ]
        );
        assert_eq!(
            ids(&c, Quality::Sd, CodecPref::H265),
            [
                "adapt_lower_720_1",
                "adapt_540_1",
                "normal_540_0",
                "lower_540_0",
                "adapt_lowest_1080_1"
            ]
        );
        // Below the request descending, then above it ascending.
        assert_eq!(
            ids(&c, Quality::Height(576), CodecPref::Any),
            [
                "normal_540_0",
                "lower_540_0",
                "adapt_540_1",
                "adapt_lower_720_1",
                "adapt_lowest_1080_1"
            ]
        );
        assert_eq!(
            ids(&c, Quality::Worst, CodecPref::H264),
            [
                "lower_540_0",
                "normal_540_0",
                "adapt_540_1",
                "adapt_lower_720_1",
                "adapt_lowest_1080_1"
            ]
        );
    }

    #[test]
    fn codec_preference_within_a_class() {
        let same = vec![
            fmt("hevc_fast", "h265", 720, 1280, 2000.0),
            fmt("avc_slow", "h264", 720, 1280, 900.0),
        ];
        assert_eq!(first(&same, Quality::Best, CodecPref::H264), "avc_slow");
        assert_eq!(first(&same, Quality::Best, CodecPref::H265), "hevc_fast");
        assert_eq!(first(&same, Quality::Best, CodecPref::Any), "hevc_fast");
        // A preference never drops the other codec.
        assert_eq!(ids(&same, Quality::Best, CodecPref::H264).len(), 2);
        let only_avc = vec![fmt("avc", "h264", 720, 1280, 900.0)];
        assert_eq!(ids(&only_avc, Quality::Best, CodecPref::H265), ["avc"]);
    }

    #[test]
    fn unplayable_formats_are_never_offered() {
        let mut c = capture();
        let mut v2 = fmt("bytevc2_1080", "bytevc2", 1080, 1920, 3000.0);
        v2.unplayable = true;
        c.push(v2);
        // Even an unflagged bytevc2 is refused.
        c.push(fmt("bytevc2_unflagged", "bytevc2", 1080, 1920, 3100.0));
        for q in [Quality::Best, Quality::Worst, Quality::Hd, Quality::Mobile] {
            for codec in ALL_CODECS {
                let r = ids(&c, q, codec);
                assert_eq!(r.len(), 5);
                assert!(r.iter().all(|id| !id.starts_with("bytevc2")), "{r:?}");
            }
        }
        let mut only = fmt("v2", "bytevc2", 1080, 1920, 3000.0);
        only.unplayable = true;
        assert!(rank(&[only], Quality::Best, CodecPref::Any).is_empty());
    }

    #[test]
    fn watermarked_only_when_nothing_else() {
        let mut wm = fmt("download_addr", "h264", 1080, 1920, 5000.0);
        wm.watermarked = true;
        let mut c = capture();
        c.insert(0, wm.clone());
        for q in [Quality::Best, Quality::Worst, Quality::Hd] {
            let r = ids(&c, q, CodecPref::H264);
            assert!(!r.contains(&"download_addr".to_owned()), "{r:?}");
        }
        let mut v2 = fmt("v2", "bytevc2", 1080, 1920, 3000.0);
        v2.unplayable = true;
        assert_eq!(
            ids(&[v2, wm], Quality::Best, CodecPref::H264),
            ["download_addr"]
        );
    }

    #[test]
    fn unknown_dimensions_rank_lowest() {
        let mut unknown = fmt("unknown", "h264", 0, 0, 9999.0);
        unknown.width = None;
        unknown.height = None;
        let mut c = capture();
        c.insert(0, unknown);
        let best = ids(&c, Quality::Best, CodecPref::H264);
        assert_eq!(best.last().map(String::as_str), Some("unknown"));
        assert_eq!(first(&c, Quality::Worst, CodecPref::H264), "unknown");
        // It counts as below every request: the only fit for mobile, the last resort for hd...
        let mobile = ids(&c, Quality::Mobile, CodecPref::H264);
        assert_eq!(mobile[0], "unknown");
        let hd = ids(&c, Quality::Hd, CodecPref::H264);
        assert_eq!(hd.last().map(String::as_str), Some("unknown"));
        // ...and alone it is still chosen.
        let mut alone = fmt("alone", "h264", 0, 0, 1.0);
        alone.height = None;
        assert_eq!(ids(&[alone], Quality::Hd, CodecPref::H265), ["alone"]);
    }

    #[test]
    fn missing_bitrate_ranks_after_known() {
        let mut no_tbr = fmt("no_tbr", "h264", 720, 1280, 0.0);
        no_tbr.tbr = None;
        let c = vec![no_tbr, fmt("tbr", "h264", 720, 1280, 500.0)];
        assert_eq!(ids(&c, Quality::Best, CodecPref::H264), ["tbr", "no_tbr"]);
    }

    #[test]
    fn audio_takes_only_the_audio_only_rendition() {
        let mut c = capture();
        assert!(rank(&c, Quality::Audio, CodecPref::H264).is_empty());
        c.insert(0, Format::audio_only("https://x/a.mp3", Some(30)));
        for codec in ALL_CODECS {
            assert_eq!(ids(&c, Quality::Audio, codec), ["audio"]);
            for q in [Quality::Best, Quality::Worst, Quality::Mobile, Quality::Hd] {
                let r = ids(&c, q, codec);
                assert_eq!(r.len(), 5, "{q}: {r:?}");
                assert!(!r.contains(&"audio".to_owned()), "{q}: {r:?}");
            }
        }
        // A post with only its sound has no video to offer.
        let only = [Format::audio_only("https://x/a.mp3", None)];
        assert!(rank(&only, Quality::Best, CodecPref::Any).is_empty());
    }

    #[test]
    fn parse_selectors() {
        let sel = |s: &str| s.parse::<FormatSelector>().map(|f| f.choices().to_vec());
        assert_eq!(sel("b"), Ok(vec![Choice::Quality(Quality::Best)]));
        assert_eq!(sel("bv"), Ok(vec![Choice::Quality(Quality::Best)]));
        assert_eq!(sel("W"), Ok(vec![Choice::Quality(Quality::Worst)]));
        assert_eq!(sel("ba"), Ok(vec![Choice::Quality(Quality::Audio)]));
        assert_eq!(
            sel("adapt_540_1/720p/best"),
            Ok(vec![
                Choice::Id("adapt_540_1".into()),
                Choice::Quality(Quality::Height(720)),
                Choice::Quality(Quality::Best),
            ])
        );
        for bad in [
            "",
            "best/",
            "bv+ba",
            "best[height<=720]",
            "a b",
            "*",
            "4k",
            "2160p",
            "1440",
        ] {
            let e = bad.parse::<FormatSelector>().unwrap_err().to_string();
            assert!(e.contains("best (b)"), "{bad}: {e}");
        }
        let round = "nosuch/720p/worst".parse::<FormatSelector>().unwrap();
        assert_eq!(round.to_string().parse::<FormatSelector>(), Ok(round));
        let sort = "vcodec:h265, res:720 ,+size,br"
            .parse::<FormatSort>()
            .unwrap();
        assert_eq!(sort.to_string(), "vcodec:h265,res:720,+size,br");
        assert_eq!(sort.to_string().parse::<FormatSort>(), Ok(sort));
        for bad in [
            "fps",
            "vcodec:vp9",
            "vcodec:any",
            "res:x",
            "res:0",
            "size:3",
        ] {
            let e = bad.parse::<FormatSort>().unwrap_err().to_string();
            assert!(e.contains("vcodec:h264"), "{bad}: {e}");
        }
    }

    fn chosen(sel: &str, sort: &str, formats: &[Format]) -> Result<(bool, Vec<String>), String> {
        let sel: FormatSelector = sel.parse().unwrap();
        let sort: FormatSort = sort.parse().unwrap();
        sel.choose(formats, CodecPref::H264, &sort).map(|p| {
            (
                p.audio,
                p.ranked.iter().map(|f| f.format_id.clone()).collect(),
            )
        })
    }

    #[test]
    fn choose_with_fallbacks_and_sort() {
        let mut c = capture();
        c[0].filesize = Some(10);
        c[4].filesize = Some(5);
        c.push(Format::audio_only("https://x/a.mp3", None));
        let first = |sel: &str, sort: &str| chosen(sel, sort, &c).unwrap().1[0].clone();
        assert_eq!(first("best", ""), "adapt_lowest_1080_1");
        assert_eq!(first("best", "vcodec:h264"), "normal_540_0");
        assert_eq!(first("best", "res:720"), "adapt_lower_720_1");
        assert_eq!(first("best", "+size"), "adapt_lowest_1080_1");
        assert_eq!(first("best", "size"), "adapt_540_1");
        assert_eq!(first("best", "br"), "normal_540_0");
        assert_eq!(first("best", "+br"), "adapt_540_1");
        // worst is the far end of the same order: sizes unknown (last for best) come first...
        assert_eq!(first("worst", "+size"), "lower_540_0");
        // ...and among known sizes, the largest for +size.
        let mut sized = c.clone();
        for (f, n) in sized.iter_mut().zip([10, 20, 30, 40, 5]) {
            f.filesize = Some(n);
        }
        assert_eq!(
            chosen("worst", "+size", &sized).unwrap().1[0],
            "adapt_lower_720_1"
        );
        assert_eq!(first("720p", "vcodec:h264"), "adapt_lower_720_1");
        assert_eq!(first("nosuch/lower_540_0", ""), "lower_540_0");
        // An id has no fallbacks.
        assert_eq!(chosen("lower_540_0", "", &c).unwrap().1, ["lower_540_0"]);
        assert_eq!(chosen("ba", "", &c), Ok((true, vec!["audio".into()])));
        assert_eq!(chosen("audio", "", &c), Ok((true, vec!["audio".into()])));
        let e = chosen("nosuch/other", "", &c).unwrap_err();
        assert!(
            e.contains("nosuch/other") && e.contains("adapt_540_1, "),
            "{e}"
        );
        // No sound in the post: `ba/best` falls back to the video.
        let video_only = capture();
        assert_eq!(
            chosen("ba/best", "", &video_only).unwrap(),
            (
                false,
                vec![
                    "adapt_lowest_1080_1".into(),
                    "adapt_lower_720_1".into(),
                    "normal_540_0".into(),
                    "lower_540_0".into(),
                    "adapt_540_1".into()
                ]
            )
        );
        // A bytevc2 id is never taken.
        let mut v2 = fmt("v2", "bytevc2", 1080, 1920, 1.0);
        v2.unplayable = true;
        assert!(chosen("v2", "", &[v2]).is_err());
    }

    #[test]
    fn extensions_are_selectors_as_in_yt_dlp() {
        let sel = |s: &str| s.parse::<FormatSelector>().map(|f| f.choices().to_vec());
        let ext = |s: &str| Choice::Ext(MediaExt::parse(s).unwrap());
        assert_eq!(sel("mp4"), Ok(vec![ext("mp4")]));
        assert_eq!(sel("MP4"), Ok(vec![ext("mp4")]));
        assert_eq!(
            sel("m4a/mp3/best"),
            Ok(vec![ext("m4a"), ext("mp3"), Choice::Quality(Quality::Best)])
        );
        assert_eq!(sel("aac"), Ok(vec![ext("aac")]));
        // An extension TikTok never serves is a dead alternative, as in yt-dlp...
        assert_eq!(
            sel("webm/best"),
            Ok(vec![ext("webm"), Choice::Quality(Quality::Best)])
        );
        assert_eq!(sel("3gp/mp4"), Ok(vec![ext("3gp"), ext("mp4")]));
        // ...and alone, or with only others like it, a usage error: every post would fail.
        for never in ["webm", "flac", "webm/ogg", "mhtml", "3gp", "MKV"] {
            let e = never.parse::<FormatSelector>().unwrap_err().to_string();
            assert!(
                e.contains("never matches") && e.contains("mp4") && e.contains("/best"),
                "{never}: {e}"
            );
        }
        // Words that are no extension stay format ids: TikTok names its renditions freely.
        for id in [
            "mp4_540",
            "normal_540_0",
            "bytevc1_1080p_123",
            "jpg",
            "h264",
        ] {
            assert_eq!(sel(id), Ok(vec![Choice::Id(id.into())]), "{id}");
        }
        let round = "mp4/m4a/nosuch/720p".parse::<FormatSelector>().unwrap();
        assert_eq!(round.to_string(), "mp4/m4a/nosuch/720p");
        assert_eq!(round.to_string().parse::<FormatSelector>(), Ok(round));
        // What tikdl's model can hold is what `served` says.
        for url in [
            "https://x/a.mp3",
            "https://x/a.m4a",
            "https://x/?mime_type=audio_aac",
            "https://x/?mime_type=audio_mp4",
            "https://x/o",
        ] {
            let f = Format::audio_only(url, None);
            assert!(
                MediaExt::parse(&f.ext).is_some_and(MediaExt::served),
                "{url}"
            );
        }
        assert!(MediaExt::parse("mp4").is_some_and(MediaExt::served));
    }

    #[test]
    fn an_extension_takes_the_best_format_of_it() {
        let mut c = capture();
        c.push(Format::audio_only("https://x/a.mp3", None));
        // mp4: the best video with sound, its fallbacks the other mp4 renditions.
        let (audio, ranked) = chosen("mp4", "", &c).unwrap();
        assert!(!audio);
        assert_eq!(ranked, ids(&c, Quality::Best, CodecPref::H264));
        assert_eq!(
            chosen("mp4", "res:720", &c).unwrap().1[0],
            "adapt_lower_720_1"
        );
        // mp3: the sound, which is an mp3.
        assert_eq!(chosen("mp3", "", &c), Ok((true, vec!["audio".into()])));
        assert_eq!(chosen("MP3", "", &c), Ok((true, vec!["audio".into()])));
        // m4a: no format is one; the error names what there is.
        let e = chosen("m4a", "", &c).unwrap_err();
        assert!(
            e.contains("-f m4a") && e.contains("videos: mp4") && e.contains("sound: mp3"),
            "{e}"
        );
        // Inside fallbacks, like any alternative.
        assert_eq!(chosen("m4a/mp3", "", &c), Ok((true, vec!["audio".into()])));
        assert!(!chosen("m4a/best", "", &c).unwrap().0);
        assert_eq!(
            chosen("webm/mp4", "", &c).unwrap().1[0],
            "adapt_lowest_1080_1"
        );
        // An m4a sound is m4a's.
        let mut m4a = capture();
        m4a.push(Format::audio_only("https://x/a.m4a", None));
        assert_eq!(chosen("m4a", "", &m4a), Ok((true, vec!["audio".into()])));
        assert!(chosen("mp3", "", &m4a).is_err());
        // A video ext never takes the sound, an audio ext never a silent video.
        let only_sound = [Format::audio_only("https://x/a.mp3", None)];
        assert!(chosen("mp4", "", &only_sound).is_err());
        // Video-only renditions (no sound) only when no rendition has sound (yt-dlp's
        // `seperate_fallback`).
        let mut silent = fmt("silent_1080", "h264", 1080, 1920, 3000.0);
        silent.acodec = "none".into();
        let mut mixed = capture();
        mixed.push(silent.clone());
        assert!(
            !chosen("mp4", "", &mixed)
                .unwrap()
                .1
                .contains(&"silent_1080".to_owned())
        );
        assert_eq!(
            chosen("mp4", "", std::slice::from_ref(&silent)).unwrap().1,
            ["silent_1080"]
        );
        assert!(chosen("mp3", "", &[silent]).is_err());
    }

    fn photos(sel: &str, formats: &[Format]) -> Result<bool, String> {
        sel.parse::<FormatSelector>()
            .unwrap()
            .choose_for_photos(formats)
    }

    #[test]
    fn a_photo_post_takes_its_images_or_its_sound() {
        let mp3 = [Format::audio_only("https://x/a.mp3", None)];
        // Its images (and sound): what best, a quality name or mp4 take.
        for sel in [
            "best",
            "720p",
            "worst",
            "mp4",
            "webm/mp4",
            "nosuch/best",
            "m4a/best",
        ] {
            assert_eq!(photos(sel, &mp3), Ok(false), "{sel}");
        }
        // Its sound alone: ba, its extension, its id.
        for sel in [
            "ba",
            "audio",
            "mp3",
            "m4a/mp3",
            "webm/ba",
            "nosuch/mp3/best",
        ] {
            assert_eq!(photos(sel, &mp3), Ok(true), "{sel}");
        }
        // Nothing it has: the error says what it has.
        let e = photos("m4a", &mp3).unwrap_err();
        assert!(
            e.contains("-f m4a") && e.contains("images") && e.contains("mp3"),
            "{e}"
        );
        assert!(photos("normal_540_0", &mp3).is_err());
        // No sound: ba falls back, or fails saying so.
        assert_eq!(photos("ba/best", &[]), Ok(false));
        let e = photos("ba", &[]).unwrap_err();
        assert!(e.contains("no sound"), "{e}");
        assert!(photos("mp3", &[]).is_err());
    }

    #[test]
    fn empty_input() {
        assert!(rank(&[], Quality::Best, CodecPref::H264).is_empty());
    }
}
