//! The `itemStruct` as TikTok serves it, and its conversion into [`VideoInfo`].
//!
//! Every field is optional and lenient (see `flex`): a page that lacks a field, or sends it with
//! another type, still yields the rest of the metadata.

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;

use super::flex;
use crate::model::{
    ExtKind, Format, Image, Music, PostId, PostIdError, PostKind, Subtitle, Thumbnail, VideoInfo,
    safe_ext,
};

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawItem {
    #[serde(default, deserialize_with = "flex::string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "flex::string")]
    desc: Option<String>,
    #[serde(default, deserialize_with = "flex::i64")]
    create_time: Option<i64>,
    /// An object on current pages, the uniqueId string in SIGI_STATE items.
    #[serde(default)]
    author: Option<AuthorField>,
    // SIGI_STATE keeps these beside the string `author`.
    #[serde(default, deserialize_with = "flex::string")]
    author_id: Option<String>,
    #[serde(default, deserialize_with = "flex::string")]
    author_sec_id: Option<String>,
    #[serde(default, deserialize_with = "flex::string")]
    nickname: Option<String>,
    #[serde(default, deserialize_with = "flex::object")]
    stats: Option<Stats>,
    #[serde(default, rename = "statsV2", deserialize_with = "flex::object")]
    stats_v2: Option<Stats>,
    #[serde(default, deserialize_with = "flex::object")]
    music: Option<RawMusic>,
    #[serde(default, deserialize_with = "flex::object")]
    pub video: Option<RawVideo>,
    #[serde(default, deserialize_with = "flex::object")]
    image_post: Option<ImagePost>,
    #[serde(default, deserialize_with = "flex::vec")]
    text_extra: Vec<TextExtra>,
    #[serde(default, deserialize_with = "flex::vec")]
    contents: Vec<Content>,
    #[serde(default, deserialize_with = "flex::vec")]
    challenges: Vec<Challenge>,
    #[serde(default, deserialize_with = "flex::bool")]
    pub is_content_classified: Option<bool>,
    /// A profile's pinned post (list APIs only: `"isPinnedItem": true` in
    /// ../shared/tiktok-captures/api_post_item_list_1item_cursor_via_proxy_2025-10.json).
    #[serde(default, deserialize_with = "flex::bool")]
    pub is_pinned_item: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum AuthorField {
    Object(Author),
    Name(String),
    Other(serde::de::IgnoredAny),
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Author {
    #[serde(default, deserialize_with = "flex::string")]
    pub unique_id: Option<String>,
    #[serde(default, deserialize_with = "flex::string")]
    pub nickname: Option<String>,
    #[serde(default, deserialize_with = "flex::string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "flex::string")]
    pub sec_uid: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Stats {
    #[serde(default, deserialize_with = "flex::u64")]
    play_count: Option<u64>,
    #[serde(default, deserialize_with = "flex::u64")]
    digg_count: Option<u64>,
    #[serde(default, deserialize_with = "flex::u64")]
    comment_count: Option<u64>,
    #[serde(default, deserialize_with = "flex::u64")]
    share_count: Option<u64>,
    #[serde(default, deserialize_with = "flex::u64")]
    collect_count: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMusic {
    #[serde(default, deserialize_with = "flex::string")]
    id: Option<String>,
    #[serde(default, deserialize_with = "flex::string")]
    title: Option<String>,
    #[serde(default, deserialize_with = "flex::string")]
    author_name: Option<String>,
    #[serde(default, deserialize_with = "flex::string")]
    album: Option<String>,
    #[serde(default, deserialize_with = "flex::u64")]
    duration: Option<u64>,
    #[serde(default, deserialize_with = "flex::string")]
    play_url: Option<String>,
    #[serde(default, deserialize_with = "flex::bool")]
    original: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawVideo {
    #[serde(default, deserialize_with = "flex::u64")]
    duration: Option<u64>,
    #[serde(default, deserialize_with = "flex::u64")]
    width: Option<u64>,
    #[serde(default, deserialize_with = "flex::u64")]
    height: Option<u64>,
    #[serde(default, deserialize_with = "flex::string")]
    cover: Option<String>,
    #[serde(default, deserialize_with = "flex::string")]
    origin_cover: Option<String>,
    #[serde(default, deserialize_with = "flex::string")]
    dynamic_cover: Option<String>,
    #[serde(default, deserialize_with = "flex::string")]
    play_addr: Option<String>,
    #[serde(default, deserialize_with = "flex::string")]
    download_addr: Option<String>,
    #[serde(default, deserialize_with = "flex::string")]
    codec_type: Option<String>,
    #[serde(default, deserialize_with = "flex::u64")]
    bitrate: Option<u64>,
    #[serde(default, deserialize_with = "flex::u64")]
    size: Option<u64>,
    #[serde(default, deserialize_with = "flex::vec")]
    bitrate_info: Vec<BitrateInfo>,
    #[serde(default, rename = "PlayAddrStruct", deserialize_with = "flex::object")]
    play_addr_struct: Option<PlayAddr>,
    #[serde(default, deserialize_with = "flex::vec")]
    subtitle_infos: Vec<SubtitleInfo>,
    #[serde(default, deserialize_with = "flex::object")]
    cla_info: Option<ClaInfo>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct BitrateInfo {
    #[serde(default, deserialize_with = "flex::string")]
    gear_name: Option<String>,
    #[serde(default, deserialize_with = "flex::u64")]
    bitrate: Option<u64>,
    #[serde(default, deserialize_with = "flex::string")]
    codec_type: Option<String>,
    #[serde(default, deserialize_with = "flex::object")]
    play_addr: Option<PlayAddr>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PlayAddr {
    #[serde(default, deserialize_with = "flex::strings")]
    url_list: Vec<String>,
    #[serde(default, deserialize_with = "flex::string")]
    url_key: Option<String>,
    #[serde(default, deserialize_with = "flex::u64")]
    data_size: Option<u64>,
    #[serde(default, deserialize_with = "flex::u64")]
    width: Option<u64>,
    #[serde(default, deserialize_with = "flex::u64")]
    height: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SubtitleInfo {
    #[serde(default, deserialize_with = "flex::string")]
    language_code_name: Option<String>,
    #[serde(default, deserialize_with = "flex::string")]
    url: Option<String>,
    #[serde(default, deserialize_with = "flex::string")]
    format: Option<String>,
    #[serde(default, deserialize_with = "flex::string")]
    source: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ClaInfo {
    #[serde(default, deserialize_with = "flex::vec")]
    caption_infos: Vec<CaptionInfo>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CaptionInfo {
    #[serde(default, deserialize_with = "flex::string")]
    language: Option<String>,
    #[serde(default, deserialize_with = "flex::string")]
    url: Option<String>,
    #[serde(default, deserialize_with = "flex::strings")]
    url_list: Vec<String>,
    #[serde(default, deserialize_with = "flex::string")]
    caption_format: Option<String>,
    #[serde(default, deserialize_with = "flex::bool")]
    is_auto_gen: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ImagePost {
    #[serde(default, deserialize_with = "flex::vec")]
    images: Vec<RawImage>,
    #[serde(default, deserialize_with = "flex::object")]
    cover: Option<RawImage>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawImage {
    #[serde(default, rename = "imageURL", deserialize_with = "flex::object")]
    image_url: Option<UrlList>,
    #[serde(default, deserialize_with = "flex::u64")]
    image_width: Option<u64>,
    #[serde(default, deserialize_with = "flex::u64")]
    image_height: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UrlList {
    #[serde(default, deserialize_with = "flex::strings")]
    url_list: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TextExtra {
    #[serde(default, rename = "type", deserialize_with = "flex::u64")]
    kind: Option<u64>,
    #[serde(default, deserialize_with = "flex::string")]
    hashtag_name: Option<String>,
    #[serde(default, deserialize_with = "flex::string")]
    user_unique_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Content {
    #[serde(default, deserialize_with = "flex::vec")]
    text_extra: Vec<TextExtra>,
}

#[derive(Debug, Default, Deserialize)]
struct Challenge {
    #[serde(default, deserialize_with = "flex::string")]
    title: Option<String>,
}

const TITLE_MAX_CHARS: usize = 72;

impl RawItem {
    /// The author, wherever this page shape keeps it. `users` is SIGI_STATE's `UserModule.users`,
    /// consulted when `author` is only a name.
    fn author(&self, sigi_user: Option<&Author>) -> Author {
        match &self.author {
            Some(AuthorField::Object(a)) => a.clone(),
            Some(AuthorField::Name(name)) => {
                let mut a = sigi_user.cloned().unwrap_or_default();
                a.unique_id.get_or_insert_with(|| name.clone());
                fill(&mut a.id, &self.author_id);
                fill(&mut a.sec_uid, &self.author_sec_id);
                fill(&mut a.nickname, &self.nickname);
                a
            }
            _ => Author {
                id: self.author_id.clone(),
                sec_uid: self.author_sec_id.clone(),
                nickname: self.nickname.clone(),
                unique_id: None,
            },
        }
    }

    pub(crate) fn author_name(&self) -> Option<&str> {
        match &self.author {
            Some(AuthorField::Name(name)) => Some(name),
            _ => None,
        }
    }

    /// The item's post id: its own `id`, or `requested` when it has none. The one place an id
    /// from TikTok's JSON becomes a [`PostId`]: anything else is refused here.
    pub(crate) fn post_id(&self, requested: &str) -> Result<PostId, PostIdError> {
        PostId::try_from(self.id.as_deref().unwrap_or(requested))
    }

    /// Builds the public model for post `id` (see [`RawItem::post_id`]).
    pub(crate) fn into_info(self, id: PostId, sigi_user: Option<&Author>) -> VideoInfo {
        let author = self.author(sigi_user);
        let description = self.desc.clone().unwrap_or_default();
        let title = make_title(&description, &id);
        let kind = self.kind();
        let slideshow = kind == PostKind::Slideshow;
        let urls = PostUrls::new(&author, &id, slideshow);
        let (hashtags, mentions) = self.hashtags_and_mentions();
        // statsV2 holds exact strings ("2900000"); stats may be rounded or missing fields.
        let v2 = self.stats_v2.unwrap_or_default();
        let v1 = self.stats.unwrap_or_default();
        let music = self.music.unwrap_or_default();
        let video = self.video.unwrap_or_default();

        let artists = music
            .author_name
            .as_deref()
            .map(split_artists)
            .unwrap_or_default();
        let images = slides(self.image_post.as_ref());
        let thumbnails = thumbnails(self.image_post.as_ref(), &video);
        let formats = if slideshow {
            Vec::new()
        } else {
            formats(&video)
        };
        let subtitles = subtitles(&video);
        let thumbnail = best_thumbnail(&thumbnails);
        // A slideshow has no file of its own: no extension or size.
        let (ext, width, height) = match slideshow {
            true => (None, None, None),
            false => (Some("mp4".to_owned()), video.width, video.height),
        };
        let mut info = VideoInfo {
            extractor: crate::model::EXTRACTOR.into(),
            extractor_key: crate::model::EXTRACTOR.into(),
            display_id: id.to_string(),
            thumbnail,
            ext,
            width: width.filter(|w| *w > 0),
            height: height.filter(|h| *h > 0),
            id,
            kind,
            title,
            description,
            uploader: author.unique_id,
            uploader_id: author.id,
            uploader_url: urls.uploader,
            channel: author.nickname,
            channel_id: author.sec_uid,
            channel_url: urls.channel,
            webpage_url: urls.webpage,
            timestamp: self.create_time.filter(|t| *t > 0),
            upload_date: self.create_time.filter(|t| *t > 0).and_then(upload_date),
            // yt-dlp reads the video's length and falls back to the sound's (a slideshow's
            // `video.duration` is 0): `complete_from_music` below.
            duration: video.duration.filter(|d| *d > 0),
            view_count: v2.play_count.or(v1.play_count),
            like_count: v2.digg_count.or(v1.digg_count),
            comment_count: v2.comment_count.or(v1.comment_count),
            repost_count: v2.share_count.or(v1.share_count),
            save_count: v2.collect_count.or(v1.collect_count),
            hashtags,
            mentions,
            track: music.title.clone(),
            artists,
            album: music.album.clone(),
            music: sound(&music),
            thumbnails,
            formats,
            images,
            subtitles,
            is_pinned: self.is_pinned_item.filter(|&pinned| pinned),
        };
        // The audio-only rendition (every post with a sound URL, slideshows included) and the
        // sound's length for posts whose video states none.
        info.complete_from_music();
        info
    }
}

/// The URLs a post's metadata names.
struct PostUrls {
    webpage: String,
    uploader: Option<String>,
    channel: Option<String>,
}

impl PostUrls {
    fn new(author: &Author, id: &PostId, slideshow: bool) -> Self {
        // The page's uniqueId is untrusted: only a plain account name goes into a URL, as
        // yt-dlp's `_create_url` puts `_` where it has no user (tiktok.py, 2026.10.26).
        let plain_user = author
            .unique_id
            .as_deref()
            .filter(|u| crate::url::is_plain_account_name(u));
        let path_user = plain_user.unwrap_or("_");
        Self {
            webpage: format!(
                "https://www.tiktok.com/@{path_user}/{}/{id}",
                if slideshow { "photo" } else { "video" }
            ),
            uploader: plain_user.map(|u| format!("https://www.tiktok.com/@{u}")),
            channel: author
                .sec_uid
                .as_ref()
                .map(|s| format!("https://www.tiktok.com/@{s}")),
        }
    }
}

impl RawItem {
    /// A slideshow when the item has images, else a video.
    fn kind(&self) -> PostKind {
        match &self.image_post {
            Some(p) if !p.images.is_empty() => PostKind::Slideshow,
            _ => PostKind::Video,
        }
    }

    /// The post's hashtags and mentioned accounts, each once, in order: from the text extras
    /// (the description's and its contents'), the hashtags else from the challenges.
    fn hashtags_and_mentions(&self) -> (Vec<String>, Vec<String>) {
        let mut hashtags = Distinct::default();
        let mut mentions = Distinct::default();
        let extras = self
            .text_extra
            .iter()
            .chain(self.contents.iter().flat_map(|c| c.text_extra.iter()));
        for t in extras {
            match (t.kind, &t.hashtag_name, &t.user_unique_id) {
                (Some(1), Some(tag), _) => hashtags.push(tag),
                (Some(0), _, Some(user)) => mentions.push(user),
                _ => {}
            }
        }
        if hashtags.list.is_empty() {
            for c in &self.challenges {
                if let Some(t) = &c.title {
                    hashtags.push(t);
                }
            }
        }
        (hashtags.list, mentions.list)
    }
}

/// A slideshow's images, in order (those without a URL left out).
fn slides(image_post: Option<&ImagePost>) -> Vec<Image> {
    image_post
        .map(|p| p.images.iter().filter_map(to_image).collect())
        .unwrap_or_default()
}

/// The covers: a slideshow's own, then the video's plain, original and animated ones.
fn thumbnails(image_post: Option<&ImagePost>, video: &RawVideo) -> Vec<Thumbnail> {
    let mut thumbnails = Vec::new();
    if let Some(cover) = image_post.and_then(|p| p.cover.as_ref()).and_then(to_image) {
        thumbnails.push(Thumbnail {
            id: "image_cover".into(),
            url: cover.url,
            width: cover.width,
            height: cover.height,
        });
    }
    for (tid, url) in [
        ("cover", &video.cover),
        ("origin_cover", &video.origin_cover),
        ("dynamic_cover", &video.dynamic_cover),
    ] {
        if let Some(url) = url {
            thumbnails.push(Thumbnail {
                id: tid.into(),
                url: url.clone(),
                width: video.width.filter(|w| *w > 0),
                height: video.height.filter(|h| *h > 0),
            });
        }
    }
    thumbnails
}

/// The `thumbnail` field: yt-dlp prefers the plain covers (preference -1) over the animated
/// one (-2).
fn best_thumbnail(thumbnails: &[Thumbnail]) -> Option<String> {
    ["origin_cover", "cover", "image_cover", "dynamic_cover"]
        .iter()
        .find_map(|want| thumbnails.iter().find(|t| t.id == *want))
        .map(|t| t.url.clone())
}

/// The post's sound, when the page names one.
fn sound(music: &RawMusic) -> Option<Music> {
    (music.play_url.is_some() || music.id.is_some()).then(|| Music {
        id: music.id.clone(),
        url: music.play_url.clone(),
        duration: music.duration.filter(|d| *d > 0),
        original: music.original,
    })
}

fn fill(slot: &mut Option<String>, from: &Option<String>) {
    if slot.is_none() {
        slot.clone_from(from);
    }
}

/// Non-empty texts, each once, in the order first seen. A set finds the ones seen: a hostile
/// page lists hundreds of thousands of distinct hashtags, and a search of the list for each
/// would cost their square.
#[derive(Default)]
struct Distinct {
    list: Vec<String>,
    seen: HashSet<String>,
}

impl Distinct {
    fn push(&mut self, value: &str) {
        if !value.is_empty() && self.seen.insert(value.to_owned()) {
            self.list.push(value.to_owned());
        }
    }
}

/// yt-dlp's rule: the description cut to 72 characters (ending in `...`), or a stand-in.
pub(crate) fn make_title(desc: &str, id: &str) -> String {
    // yt-dlp cuts `desc` to 72 characters without trimming it (`truncate_string(left=72)`), and
    // falls back to "TikTok video #ID" only when there is no text at all.
    if desc.trim().is_empty() {
        return format!("TikTok video #{id}");
    }
    if desc.chars().count() <= TITLE_MAX_CHARS {
        return desc.to_owned();
    }
    let mut out: String = desc.chars().take(TITLE_MAX_CHARS - 3).collect();
    out.push_str("...");
    out
}

/// "A, B & C" -> ["A", "B", "C"], as yt-dlp splits `authorName`.
pub(crate) fn split_artists(name: &str) -> Vec<String> {
    name.split(", ")
        .flat_map(|part| part.split(" & "))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Unix seconds -> `YYYYMMDD` in UTC.
pub(crate) fn upload_date(ts: i64) -> Option<String> {
    let dt = time::OffsetDateTime::from_unix_timestamp(ts).ok()?;
    Some(format!(
        "{:04}{:02}{:02}",
        dt.year(),
        u8::from(dt.month()),
        dt.day()
    ))
}

fn to_image(img: &RawImage) -> Option<Image> {
    let mut urls = img.image_url.as_ref()?.url_list.clone();
    if urls.is_empty() {
        return None;
    }
    let url = urls.remove(0);
    Some(Image {
        url,
        mirrors: urls,
        width: img.image_width,
        height: img.image_height,
    })
}

/// Normalized codec name from TikTok's `CodecType`/`UrlKey` spellings.
fn codec_name(raw: &str) -> &'static str {
    let raw = raw.to_ascii_lowercase();
    if raw.contains("bytevc2") {
        "bytevc2"
    } else if raw.contains("bytevc1")
        || raw.contains("265")
        || raw.contains("hevc")
        || raw.contains("hvc1")
    {
        "h265"
    } else {
        "h264"
    }
}

/// `UrlKey` = `{uri}_{codec}_{res}p_{bitrate}`: the codec and the short side in pixels.
fn parse_url_key(key: &str) -> (Option<&'static str>, Option<u64>) {
    let mut parts = key.rsplitn(4, '_');
    let _bitrate = parts.next();
    let res = parts
        .next()
        .and_then(|r| r.strip_suffix('p'))
        .and_then(|r| r.parse::<u64>().ok());
    let codec = parts.next().map(codec_name);
    (codec, res)
}

/// Mirrors in the order to try them: TikTok's own `/aweme/v1/play/` endpoint is the least
/// reliable, so it goes last.
fn order_mirrors(mut urls: Vec<String>) -> Vec<String> {
    urls.sort_by_key(|u| u.contains("/aweme/v1/play"));
    urls.dedup();
    urls
}

/// The renditions of a video, as yt-dlp lists them: each `bitrateInfo` entry, `playAddr`'s
/// struct and plain URL (unless already listed), and the watermarked `downloadAddr`.
fn formats(video: &RawVideo) -> Vec<Format> {
    let portrait = match (video.width, video.height) {
        (Some(w), Some(h)) if w > 0 && h > 0 => Some((w, h)),
        _ => None,
    };
    let mut list = FormatList {
        out: Vec::new(),
        seen_keys: HashSet::new(),
        seen_urls: HashSet::new(),
        portrait,
    };
    for (i, b) in video.bitrate_info.iter().enumerate() {
        if let Some(addr) = &b.play_addr {
            let id = b
                .gear_name
                .clone()
                .unwrap_or_else(|| format!("bitrate_{i}"));
            list.push(id, addr, b.codec_type.as_deref(), b.bitrate);
        }
    }
    if let Some(addr) = &video.play_addr_struct {
        list.push("play_addr_struct".into(), addr, None, None);
    }
    if let Some(url) = &video.play_addr
        && !list
            .out
            .iter()
            .any(|f| &f.url == url || f.mirrors.contains(url))
    {
        // yt-dlp's `play` format takes the video's width and height: they describe it.
        let addr = PlayAddr {
            url_list: vec![url.clone()],
            url_key: None,
            data_size: video.size,
            width: portrait.map(|(w, _)| w),
            height: portrait.map(|(_, h)| h),
        };
        let codec = video.codec_type.as_deref().or(Some("h264"));
        list.push("play_addr".into(), &addr, codec, video.bitrate);
    }
    let mut out = list.out;
    // The watermarked `downloadAddr` is always listed when the page has one, even when its URL
    // is also a clean rendition's (2023 SIGI pages give playAddr = downloadAddr), as yt-dlp
    // 2026.10.26's `_extract_web_formats` lists `downloadAddr` (format_note "watermarked",
    // preference -2).
    if let Some(url) = &video.download_addr {
        out.push(watermarked(url));
    }
    // Worst first, best last, as `yt-dlp -F` lists them: the watermarked download (lowest
    // preference) first, then clean renditions by height and bitrate.
    out.sort_by(|a, b| {
        (!a.watermarked, a.height.unwrap_or(0), a.tbr.unwrap_or(0.0))
            .partial_cmp(&(!b.watermarked, b.height.unwrap_or(0), b.tbr.unwrap_or(0.0)))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    out
}

/// The clean renditions found so far; a rendition whose `UrlKey` or first URL is already
/// listed is left out.
struct FormatList {
    out: Vec<Format>,
    /// Sets, not searches of `out`: a hostile page may list thousands of renditions.
    seen_keys: HashSet<String>,
    seen_urls: HashSet<String>,
    /// The video's own width and height, when the page states both.
    portrait: Option<(u64, u64)>,
}

impl FormatList {
    fn push(
        &mut self,
        id: String,
        addr: &PlayAddr,
        codec_hint: Option<&str>,
        bitrate: Option<u64>,
    ) {
        let urls = order_mirrors(addr.url_list.clone());
        let Some((first, rest)) = urls.split_first() else {
            return;
        };
        if let Some(key) = &addr.url_key
            && !self.seen_keys.insert(key.clone())
        {
            return;
        }
        if !self.seen_urls.insert(first.clone()) {
            return;
        }
        let (key_codec, res) = addr
            .url_key
            .as_deref()
            .map(parse_url_key)
            .unwrap_or((None, None));
        let vcodec = codec_hint.map(codec_name).or(key_codec).unwrap_or("h264");
        let (width, height) = match (
            addr.width.filter(|w| *w > 0),
            addr.height.filter(|h| *h > 0),
        ) {
            (Some(w), Some(h)) => (Some(w), Some(h)),
            _ => dims_from_res(res, self.portrait),
        };
        self.out.push(Format {
            format_id: id,
            url: first.clone(),
            mirrors: rest.to_vec(),
            ext: "mp4".into(),
            vcodec: vcodec.into(),
            acodec: "aac".into(),
            width,
            height,
            tbr: bitrate.map(|b| b as f64 / 1000.0),
            filesize: addr.data_size.filter(|s| *s > 0),
            watermarked: false,
            unplayable: vcodec == "bytevc2",
            // yt-dlp: bytevc2 gets preference -100 and the note "UNPLAYABLE", others -1.
            format_note: (vcodec == "bytevc2").then(|| "UNPLAYABLE".to_owned()),
            preference: Some(if vcodec == "bytevc2" { -100 } else { -1 }),
            duration: None,
        });
    }
}

/// The watermarked `downloadAddr` rendition. The page states no size, codec or bitrate for it
/// (a bare string), so none is copied from the video: yt-dlp leaves them out too and assumes
/// h264/aac.
fn watermarked(url: &str) -> Format {
    Format {
        format_id: "download_addr".into(),
        url: url.to_owned(),
        mirrors: Vec::new(),
        ext: "mp4".into(),
        vcodec: "h264".into(),
        acodec: "aac".into(),
        width: None,
        height: None,
        tbr: None,
        filesize: None,
        watermarked: true,
        unplayable: false,
        format_note: Some("watermarked".into()),
        preference: Some(-2),
        duration: None,
    }
}

/// Width and height from a `UrlKey` resolution: the number names the short side, except that
/// TikTok's "540p" is really 576 pixels wide.
fn dims_from_res(res: Option<u64>, frame: Option<(u64, u64)>) -> (Option<u64>, Option<u64>) {
    let Some(res) = res else { return (None, None) };
    let short = if res == 540 { 576 } else { res };
    match frame {
        Some((w, h)) if h >= w => (Some(short), Some(even(short * h / w))),
        Some((w, h)) => (Some(even(short * w / h)), Some(short)),
        None => (None, Some(res)),
    }
}

fn even(v: u64) -> u64 {
    v + (v & 1)
}

fn subtitles(video: &RawVideo) -> BTreeMap<String, Vec<Subtitle>> {
    let mut out: BTreeMap<String, Vec<Subtitle>> = BTreeMap::new();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    let mut add =
        |lang: Option<&String>, url: &str, format: Option<&str>, source: Option<String>| {
            let lang = lang.cloned().unwrap_or_else(|| "und".into());
            // The format names the file's extension, so it comes from the allow-list only.
            let ext = safe_ext(ExtKind::Subtitle, format.unwrap_or("")).to_owned();
            let list = out.entry(lang.clone()).or_default();
            // A set of those listed: a hostile page may list thousands.
            if seen.insert((lang, url.to_owned())) {
                list.push(Subtitle {
                    url: url.to_owned(),
                    ext,
                    source,
                });
            }
        };
    for s in &video.subtitle_infos {
        if let Some(url) = &s.url {
            add(
                s.language_code_name.as_ref(),
                url,
                s.format.as_deref(),
                s.source.clone(),
            );
        }
    }
    for c in video.cla_info.iter().flat_map(|c| c.caption_infos.iter()) {
        let url = c.url.as_ref().or_else(|| c.url_list.first());
        if let Some(url) = url {
            let source = c.is_auto_gen.map(|auto| {
                if auto {
                    "ASR".to_owned()
                } else {
                    "CREATOR".to_owned()
                }
            });
            add(
                c.language.as_ref(),
                url,
                c.caption_format.as_deref(),
                source,
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_follow_ytdlp() {
        assert_eq!(make_title("", "123"), "TikTok video #123");
        // yt-dlp keeps the description's spaces (utils.truncate_string does no strip).
        assert_eq!(make_title("  short ", "1"), "  short ");
        assert_eq!(make_title(" \n ", "1"), "TikTok video #1");
        let long = "x".repeat(100);
        let t = make_title(&long, "1");
        assert_eq!(t.chars().count(), 72);
        assert!(t.ends_with("..."));
        // Cut on characters, not bytes.
        let t = make_title(&"é".repeat(80), "1");
        assert_eq!(t.chars().count(), 72);
    }

    #[test]
    fn artists_split() {
        assert_eq!(split_artists("A, B & C"), vec!["A", "B", "C"]);
        assert_eq!(split_artists("Emily English"), vec!["Emily English"]);
    }

    #[test]
    fn dates_are_utc() {
        assert_eq!(upload_date(1771567930).as_deref(), Some("20260220"));
        assert_eq!(upload_date(0).as_deref(), Some("19700101"));
    }

    #[test]
    fn url_keys() {
        assert_eq!(
            parse_url_key("v24044gl0000d6bvlevog65nb1b6n2a0_bytevc1_1080p_1148519"),
            (Some("h265"), Some(1080))
        );
        assert_eq!(
            parse_url_key("abc_h264_540p_738085"),
            (Some("h264"), Some(540))
        );
        assert_eq!(
            parse_url_key("abc_bytevc2_720p_1"),
            (Some("bytevc2"), Some(720))
        );
        assert_eq!(parse_url_key("garbage"), (None, None));
        assert_eq!(
            dims_from_res(Some(540), Some((576, 1024))),
            (Some(576), Some(1024))
        );
        assert_eq!(
            dims_from_res(Some(720), Some((576, 1024))),
            (Some(720), Some(1280))
        );
    }

    #[test]
    fn mirrors_put_aweme_play_last() {
        let v = order_mirrors(vec![
            "https://www.tiktok.com/aweme/v1/play/?x".into(),
            "https://v16/a".into(),
        ]);
        assert_eq!(v[0], "https://v16/a");
    }
}
