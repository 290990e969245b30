//! Campaign posts: generated on demand for the randomized campaign (`tests/it/campaign.rs`). A post's
//! id says everything about it, so the test can draw any number of fresh posts, and every byte
//! the CDN serves for a post's role is a pure function of (id, role) ([`object`]): the oracle
//! recomputes what each file should hold without sharing any code with tikdl.
//!
//! An id is `7650 BB S NN RRRRRRRRRR` (19 digits, [`campaign_id`]):
//! * `BB` the behaviour of its CDN ([`Behaviour`]; applied to most of its roles, see
//!   [`affected`]),
//! * `S` the shape: bit 0 a slideshow (images + the sound, no announced sizes), bit 1 an
//!   `eng-US` subtitle,
//! * `NN` its name group: uploader `cgNN` and, for `NN < 50`, the caption `campaign group NN`
//!   (posts of a group render alike under a template without `%(id)s`); for `NN >= 50` a long
//!   caption in 4-byte "fancy font" characters (where the default template's 255-byte cut
//!   drops the id, a group's posts collide even with it),
//! * `R` a free number (the test draws it; it seeds nothing by itself but makes the id unique).
//!
//! Media live on TikTok CDN host names under `/cmp65/{id}/{role}` and need no cookie. Pages are
//! D1's desktop page around an item built from D1's itemStruct, like `hostile_storage.rs`.
//! Profiles `@cl{M}_{first id}_{n}` list campaign posts through `/api/post/item_list/`
//! ([`post_list`], modes in [`ListMode`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use hyper::Response;
use serde_json::{Value, json};

use crate::body::{Cut, GenBody, Kill};
use crate::families::hostile_storage::{eng_subtitle, range_start, response};
use crate::media::{FileSpec, Kind, Source, fnv, webvtt};

/// The smallest campaign id.
pub const CAMPAIGN_BASE: u64 = 7_650_000_000_000_000_000;
const R_SPAN: u64 = 10_000_000_000;
/// How many ids the family spans from [`CAMPAIGN_BASE`] (100 behaviours of 10^13 ids each).
pub const CAMPAIGN_SPAN: u64 = 100 * 10_000_000_000_000;
const PREFIX: &str = "/cmp65/";
const VIDEO_HOST: &str = "v16-webapp-prime.us.tiktok.com";
const AUDIO_HOST: &str = "v16m.tiktokcdn-us.com";
const IMAGE_HOST: &str = "p16-sign-sg.tiktokcdn.com";
const SUB_HOST: &str = "v16m-webapp.tiktokcdn-us.com";
/// The pause in the middle of a stalling body.
const STALL: Duration = Duration::from_millis(1500);

/// What a campaign post's CDN does. "First answer" = a request without `Range`, "resume" = one
/// with `Range: bytes=N-`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behaviour {
    /// Serves every role exactly, honours Range.
    Honest = 0,
    /// The first answer's Content-Length is a quarter larger than the body, which then ends
    /// cleanly; resumes are honest.
    LongContentLength = 1,
    /// The page's `DataSize` of the video differs from what the CDN serves (which is honest).
    DataSizeLies = 2,
    /// The first answer is cut (no close_notify) at half; a resume announces a total of three
    /// quarters of the first answer's (an on-the-fly image renderer answering two edges
    /// differently).
    TotalChanges = 3,
    /// The first answer is cut at half; a resume gets 200 with the whole body.
    No206 = 4,
    /// The first answer is cut at half; a resume gets 206 with other bytes of the same length
    /// (and another ETag): the file changed on the CDN in between.
    BytesChange = 5,
    /// The first answer is cut somewhere between 10% and 80%; resumes are honest.
    CutOnce = 6,
    /// Every answer pauses 1.5 s halfway through its body.
    Stall = 7,
    /// The video (whose size the page announces), the subtitle and the cover never end (200,
    /// chunked, no Content-Length). The sound is spared: tikdl takes up to 4 GiB of audio of
    /// unknown size, more than a test may write ([`Behaviour::EndlessAudio`] is that case).
    Endless = 8,
    /// The page's item is another post ([`other_post`]), which is honest.
    ItemIsOther = 9,
    /// The first answer is cut at half; every resume is refused with 403 (a `.part` is left).
    CutThen403 = 10,
    /// The sound never ends (200, chunked, no Content-Length), so only a full disk stops it: a
    /// test must run every process given such a post under a file size limit or a small tmpfs.
    EndlessAudio = 11,
}

/// Every behaviour, in id order.
pub const BEHAVIOURS: [Behaviour; 12] = [
    Behaviour::Honest,
    Behaviour::LongContentLength,
    Behaviour::DataSizeLies,
    Behaviour::TotalChanges,
    Behaviour::No206,
    Behaviour::BytesChange,
    Behaviour::CutOnce,
    Behaviour::Stall,
    Behaviour::Endless,
    Behaviour::ItemIsOther,
    Behaviour::CutThen403,
    Behaviour::EndlessAudio,
];

/// One file of a post.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Video,
    Audio,
    /// Slideshow image, 1-based.
    Image(u8),
    Cover,
    /// The `eng-US` subtitle.
    Subtitle,
}

impl Role {
    fn key(self) -> String {
        match self {
            Role::Video => "video".into(),
            Role::Audio => "audio".into(),
            Role::Image(n) => format!("img{n}"),
            Role::Cover => "cover".into(),
            Role::Subtitle => "sub".into(),
        }
    }

    fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "video" => Role::Video,
            "audio" => Role::Audio,
            "cover" => Role::Cover,
            "sub" => Role::Subtitle,
            _ => Role::Image(s.strip_prefix("img")?.parse().ok()?),
        })
    }

    fn kind(self) -> Kind {
        match self {
            Role::Video => Kind::Video,
            Role::Audio => Kind::Audio,
            Role::Image(_) | Role::Cover => Kind::Image,
            Role::Subtitle => Kind::Subtitle,
        }
    }
}

/// A campaign id's parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CampaignPost {
    pub id: u64,
    pub behaviour: Behaviour,
    pub slideshow: bool,
    pub subtitles: bool,
    pub group: u8,
    pub r: u64,
}

/// The id of a post (`behaviour`, shape bits, name group < 100, `r` < 10^10).
pub fn campaign_id(
    behaviour: Behaviour,
    slideshow: bool,
    subtitles: bool,
    group: u8,
    r: u64,
) -> u64 {
    let shape = u64::from(slideshow) | (u64::from(subtitles) << 1);
    CAMPAIGN_BASE
        + behaviour as u64 * 10_000_000_000_000
        + shape * 1_000_000_000_000
        + u64::from(group % 100) * R_SPAN
        + r % R_SPAN
}

/// The parts of campaign id `id`, or `None` for any other id.
pub fn decode(id: u64) -> Option<CampaignPost> {
    let rest = id.checked_sub(CAMPAIGN_BASE)?;
    if rest >= CAMPAIGN_SPAN {
        return None;
    }
    let behaviour = *BEHAVIOURS.get((rest / 10_000_000_000_000) as usize)?;
    let shape = rest / 1_000_000_000_000 % 10;
    if shape > 3 {
        return None;
    }
    Some(CampaignPost {
        id,
        behaviour,
        slideshow: shape & 1 == 1,
        subtitles: shape & 2 == 2,
        group: (rest / R_SPAN % 100) as u8,
        r: rest % R_SPAN,
    })
}

pub fn is_campaign(id: u64) -> bool {
    decode(id).is_some()
}

/// The honest post whose item the page of an [`Behaviour::ItemIsOther`] post holds.
pub fn other_post(id: u64) -> Option<u64> {
    let p = decode(id)?;
    Some(campaign_id(
        Behaviour::Honest,
        p.slideshow,
        p.subtitles,
        p.group,
        (p.r + R_SPAN / 2) % R_SPAN,
    ))
}

/// The author's `uniqueId` (the template's `uploader`).
pub fn uploader(id: u64) -> String {
    decode(id).map_or_else(String::new, |p| format!("cg{:02}", p.group))
}

/// The caption (`desc`).
pub fn caption(id: u64) -> String {
    match decode(id) {
        Some(p) if p.group >= 50 => format!("{}part {}", "𝓗𝓮𝓵𝓵𝓸 ".repeat(14), p.r),
        Some(p) => format!("campaign group {:02}", p.group),
        None => String::new(),
    }
}

fn image_count(p: &CampaignPost) -> u8 {
    2 + (p.r % 3) as u8
}

/// The roles the post has, in no particular order.
pub fn roles(id: u64) -> Vec<Role> {
    let Some(p) = decode(id) else {
        return Vec::new();
    };
    let mut out = vec![Role::Audio, Role::Cover];
    if p.slideshow {
        out.extend((1..=image_count(&p)).map(Role::Image));
    } else {
        out.push(Role::Video);
    }
    if p.subtitles {
        out.push(Role::Subtitle);
    }
    out
}

fn seed(id: u64, role: Role) -> u64 {
    fnv(format!("campaign/{id}/{}", role.key()).as_bytes())
}

fn spec(id: u64, role: Role) -> FileSpec {
    let h = seed(id, role);
    let size = match role {
        Role::Video => 30_000 + h % 90_000,
        Role::Audio => 20_000 + h % 60_000,
        Role::Image(_) => 10_000 + h % 50_000,
        Role::Cover => 3_000 + h % 10_000,
        Role::Subtitle => 600 + h % 3_000,
    };
    FileSpec {
        kind: role.kind(),
        size,
        seed: h,
    }
}

/// Whether the post's behaviour applies to `role` (three roles in four; page-level behaviours
/// are not about roles).
pub fn affected(id: u64, role: Role) -> bool {
    !seed(id, role).is_multiple_of(4)
}

/// The bytes of `role` of post `id`: what a file claiming to be it must hold.
pub fn object(id: u64, role: Role) -> Vec<u8> {
    let s = spec(id, role);
    Source::for_spec(s).read(0, s.size).to_vec()
}

/// The length of [`object`], without making it (the oracle's disk bound over long lists).
pub fn object_len(id: u64, role: Role) -> u64 {
    spec(id, role).size
}

/// Other bytes of the same length (a [`Behaviour::BytesChange`] resume).
fn changed_source(id: u64, role: Role) -> Source {
    let mut s = spec(id, role);
    s.seed ^= 0x5a5a_5a5a_5a5a_5a5a;
    Source::for_spec(s)
}

/// The URL of `role` of post `id`.
pub fn url(id: u64, role: Role) -> String {
    let key = role.key();
    match role {
        Role::Video => format!("https://{VIDEO_HOST}{PREFIX}{id}/{key}.mp4?mime_type=video_mp4"),
        Role::Audio => format!("https://{AUDIO_HOST}{PREFIX}{id}/{key}.mp3?mime_type=audio_mpeg"),
        Role::Image(_) | Role::Cover => {
            format!("https://{IMAGE_HOST}{PREFIX}{id}/{key}~tplv-photomode-image.jpeg?dr=1")
        }
        Role::Subtitle => {
            format!("https://{SUB_HOST}{PREFIX}{id}/{key}.vtt?format=webvtt")
        }
    }
}

/// The post's itemStruct (as the page and the list API give it).
pub fn item(id: u64) -> Value {
    let Some(p) = decode(id) else {
        return Value::Null;
    };
    let mut item = crate::families::hostile_names::d1_item().clone();
    item["id"] = json!(id.to_string());
    item["desc"] = json!(caption(id));
    item["createTime"] = json!((1_700_000_000 + p.r % 60_000_000).to_string());
    item["author"]["uniqueId"] = json!(uploader(id));
    item["author"]["nickname"] = json!(uploader(id));
    item["author"]["secUid"] = json!(format!("MS4wLjABAAAA_{}", uploader(id)));
    item["music"]["title"] = json!("original sound");
    item["music"]["playUrl"] = json!(url(id, Role::Audio));
    item["music"]["id"] = json!((7_650_000_000_000_000_000 + p.r).to_string());
    for k in ["textExtra", "contents", "challenges"] {
        item[k] = json!([]);
    }
    let cover = url(id, Role::Cover);
    let v = &mut item["video"];
    if p.slideshow {
        v["bitrateInfo"] = json!([]);
        v["playAddr"] = json!("");
    } else {
        let size = spec(id, Role::Video).size;
        let announced = match p.behaviour {
            // Bigger or smaller, by a number of bytes the id picks.
            Behaviour::DataSizeLies if p.r.is_multiple_of(2) => size + 1 + p.r % 5_000,
            Behaviour::DataSizeLies => size - 1 - p.r % 5_000,
            _ => size,
        };
        let mut br = v["bitrateInfo"][0].clone();
        br["GearName"] = json!("adapt_lowest_1080_1");
        br["QualityType"] = json!(1);
        let video_url = url(id, Role::Video);
        br["PlayAddr"]["UrlList"] = json!([video_url]);
        br["PlayAddr"]["DataSize"] = json!(announced.to_string());
        br["PlayAddr"]["Uri"] = json!(format!("v0cmp65{id}"));
        br["PlayAddr"]["UrlKey"] = json!(format!("v0cmp65{id}_h264_1080p"));
        v["bitrateInfo"] = json!([br]);
        v["playAddr"] = json!(video_url);
        v["size"] = json!(announced);
    }
    v["downloadAddr"] = json!("");
    v["subtitleInfos"] = if p.subtitles {
        json!([eng_subtitle(
            &url(id, Role::Subtitle),
            spec(id, Role::Subtitle).size
        )])
    } else {
        json!([])
    };
    v["claInfo"] = json!({});
    if let Some(o) = v.as_object_mut() {
        o.remove("PlayAddrStruct");
        o.remove("zoomCover");
    }
    for k in ["cover", "originCover", "dynamicCover", "reflowCover"] {
        v[k] = json!(cover);
    }
    v["shareCover"] = json!([cover]);
    if p.slideshow {
        // The reflow capture's `imagePost` shape (web_video_reflow_mobile_photo_imagepost_2026-02).
        let images: Vec<Value> = (1..=image_count(&p))
            .map(|n| {
                json!({
                    "imageURL": {"urlList": [url(id, Role::Image(n))]},
                    "imageWidth": 1080,
                    "imageHeight": 1440,
                })
            })
            .collect();
        item["imagePost"] = json!({
            "images": images,
            "cover": {"imageURL": {"urlList": [cover]}, "imageWidth": 1080, "imageHeight": 1440},
            "title": "",
        });
    }
    item
}

/// Page and list answers served so far (all campaign posts): the play count they show.
static VIEWS: AtomicU64 = AtomicU64::new(0);

/// The post's itemStruct as one answer shows it: like [`item`], with a play count that changes
/// on every answer, and by its number of digits (a live counter; two runs writing one post's
/// info JSON at once then write bodies of different lengths).
fn served_item(id: u64) -> Value {
    let n = VIEWS.fetch_add(1, Ordering::Relaxed);
    let views = 10u64.pow((n % 9) as u32) + n % 10;
    let mut it = item(id);
    it["stats"]["playCount"] = json!(views);
    it["statsV2"]["playCount"] = json!(views.to_string());
    it
}

/// The page of post `id`.
pub fn page(id: u64) -> String {
    let shown = match decode(id) {
        Some(p) if p.behaviour == Behaviour::ItemIsOther => other_post(id).unwrap_or(id),
        _ => id,
    };
    crate::fixtures::item_page(&served_item(shown))
}

/// How a campaign profile (`@cl{M}_{first}_{n}`) pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListMode {
    /// `n` posts (`first`, `first + 1`, ...), then `hasMore: false`.
    Finite = 0,
    /// The first page again and again, `hasMore: true` for ever (the cursor keeps moving).
    Repeats = 1,
    /// Fresh posts on every page, for ever.
    Endless = 2,
    /// Each page starts halfway into the previous one; ends after `n` posts.
    Overlaps = 3,
    /// Like `Finite`, but the first item's id is `"{first}\ntiktok {first + 1}"`: an id that
    /// would write a second line into a download archive.
    InjectsId = 4,
}

/// The profile name of a list of `n` posts from `first` (ids `first + k`).
pub fn list_user(mode: ListMode, first: u64, n: u64) -> String {
    format!("cl{}_{first}_{n}", mode as u8)
}

/// The ids a list can name, in its first `pages` pages of `count` (the oracle's candidates).
pub fn list_ids(mode: ListMode, first: u64, n: u64, max: u64) -> Vec<u64> {
    let n = match mode {
        ListMode::Endless => max,
        ListMode::Repeats => n.min(max),
        _ => n,
    };
    (0..n).map(|k| first + k).collect()
}

/// How many posts campaign profile `user` says it has (`None`: not a campaign profile).
pub fn list_len(user: &str) -> Option<u64> {
    parse_list_user(&format!("MS4wLjABAAAA_{user}")).map(|(_, _, n)| n)
}

fn parse_list_user(sec: &str) -> Option<(ListMode, u64, u64)> {
    let user = sec.strip_prefix("MS4wLjABAAAA_cl")?;
    let mut parts = user.split('_');
    let mode = match parts.next()? {
        "0" => ListMode::Finite,
        "1" => ListMode::Repeats,
        "2" => ListMode::Endless,
        "3" => ListMode::Overlaps,
        "4" => ListMode::InjectsId,
        _ => return None,
    };
    let first: u64 = parts.next()?.parse().ok()?;
    let n: u64 = parts.next()?.parse().ok()?;
    is_campaign(first).then_some((mode, first, n))
}

/// `/api/post/item_list/` for a campaign profile; `None` for any other `secUid`. The cursor is
/// an offset here (the collection list's way).
pub fn post_list(sec: &str, cursor: u64, count: usize) -> Option<String> {
    let (mode, first, n) = parse_list_user(sec)?;
    let count = count as u64;
    let (from, len, more) = match mode {
        ListMode::Finite | ListMode::InjectsId => {
            let from = cursor.min(n);
            let len = count.min(n - from);
            (from, len, from + len < n)
        }
        ListMode::Repeats => (0, count.min(n), true),
        ListMode::Endless => (cursor, count, true),
        ListMode::Overlaps => {
            let from = (cursor / 2).min(n);
            let len = count.min(n - from);
            (from, len, from + len < n)
        }
    };
    let items: Vec<Value> = (from..from + len)
        .map(|k| {
            let mut it = served_item(first + k);
            if mode == ListMode::InjectsId && k == 0 {
                it["id"] = json!(format!("{first}\ntiktok {}", first + 1));
            }
            // The APIs carry createTime as a number, the pages as a string.
            it["createTime"] = json!(
                it["createTime"]
                    .as_str()
                    .and_then(|s| s.parse::<u64>().ok())
            );
            it
        })
        .collect();
    let next = cursor + count.max(1);
    Some(
        json!({
            "statusCode": 0,
            "status_code": 0,
            "status_msg": "",
            "itemList": items,
            "cursor": next.to_string(),
            "hasMore": more,
            "extra": {"fatal_item_ids": [], "logid": "2026120200000000CAMPAIGN", "now": 0},
            "log_pb": {"impr_id": "2026120200000000CAMPAIGN"},
        })
        .to_string(),
    )
}

/// The CDN answer for a campaign media path, else `None`.
pub fn respond(
    host: &str,
    path: &str,
    range: Option<&str>,
    kill: &Arc<Kill>,
) -> Option<Response<GenBody>> {
    let rest = path.strip_prefix(PREFIX)?;
    if !crate::media::is_cdn_host(host) {
        return None;
    }
    let (id, file) = rest.split_once('/')?;
    let id: u64 = id.parse().ok()?;
    let p = decode(id)?;
    let key = file.split(['.', '~']).next().unwrap_or("");
    let role = Role::parse(key).filter(|r| roles(id).contains(r))?;
    let s = spec(id, role);
    let total = s.size;
    let start = range_start(range);
    let behaviour = if affected(id, role) {
        p.behaviour
    } else {
        Behaviour::Honest
    };
    let ct = role.kind().content_type().to_string();
    let etag = |seed: u64, len: u64| format!("\"{seed:016x}-{len}\"");
    let whole = |src: Source, tag: String| {
        (
            200,
            vec![
                ("content-type", ct.clone()),
                ("accept-ranges", "bytes".to_string()),
                ("etag", tag),
                ("content-length", total.to_string()),
            ],
            GenBody::new(src, 0, total),
        )
    };
    // 206 for bytes `from..end` of `src`, announcing `of` as the total.
    let part = |src: Source, from: u64, end: u64, of: u64, tag: String| {
        (
            206,
            vec![
                ("content-type", ct.clone()),
                ("accept-ranges", "bytes".to_string()),
                ("etag", tag),
                ("content-length", (end - from).to_string()),
                ("content-range", format!("bytes {from}-{}/{of}", end - 1)),
            ],
            GenBody::new(src, from, end),
        )
    };
    let unsatisfiable = |of: u64| {
        (
            416,
            vec![
                ("content-type", "text/plain".to_string()),
                ("content-range", format!("bytes */{of}")),
                ("content-length", "0".to_string()),
            ],
            GenBody::new(Source::Bytes(Bytes::new()), 0, 0),
        )
    };
    let src = || Source::for_spec(s);
    let tag = etag(s.seed, total);
    let honest = |start: Option<u64>| match start {
        Some(a) if a >= total => unsatisfiable(total),
        Some(a) if a > 0 => part(src(), a, total, total, tag.clone()),
        _ => whole(src(), tag.clone()),
    };
    let cut_first = |at: u64| {
        let (st, h, b) = whole(src(), tag.clone());
        (st, h, b.with_cut(Cut::Abort(at.max(1)), kill.clone()))
    };
    let (status, headers, body) = match (behaviour, start.filter(|a| *a > 0)) {
        (Behaviour::LongContentLength, None) => {
            let (st, mut h, b) = whole(src(), tag.clone());
            h.retain(|(n, _)| *n != "content-length");
            h.push(("content-length", (total + total / 4 + 1).to_string()));
            (st, h, b.with_cut(Cut::Clean(total), kill.clone()))
        }
        (
            Behaviour::TotalChanges
            | Behaviour::No206
            | Behaviour::BytesChange
            | Behaviour::CutThen403,
            None,
        ) => cut_first(total / 2),
        (Behaviour::CutOnce, None) => cut_first(total * (1 + s.seed % 8) / 10),
        (Behaviour::TotalChanges, Some(a)) => {
            let shrunk = total * 3 / 4;
            if a >= shrunk {
                unsatisfiable(shrunk)
            } else {
                part(src(), a, shrunk, shrunk, etag(s.seed, shrunk))
            }
        }
        (Behaviour::No206, Some(_)) => whole(src(), tag.clone()),
        (Behaviour::BytesChange, Some(a)) if a < total => part(
            changed_source(id, role),
            a,
            total,
            total,
            etag(!s.seed, total),
        ),
        (Behaviour::CutThen403, Some(_)) => (
            403,
            vec![
                ("content-type", "text/plain".to_string()),
                ("content-length", "9".to_string()),
            ],
            GenBody::new(Source::Bytes(Bytes::from_static(b"Forbidden")), 0, 9),
        ),
        (Behaviour::Stall, a) => {
            let (st, h, b) = honest(a);
            (st, h, b.with_stall(total / 4, STALL))
        }
        (Behaviour::Endless, _) | (Behaviour::EndlessAudio, _)
            if match behaviour {
                Behaviour::Endless => matches!(role, Role::Video | Role::Subtitle | Role::Cover),
                _ => role == Role::Audio,
            } =>
        {
            let endless = FileSpec {
                size: u64::MAX,
                ..s
            };
            (
                200,
                vec![("content-type", ct.clone())],
                GenBody::new(Source::Media(endless), 0, u64::MAX)
                    .with_cut(Cut::Clean(u64::MAX), kill.clone()),
            )
        }
        (_, a) => honest(a),
    };
    Some(response(status, &headers, body))
}

/// The subtitle text a campaign post serves (for tests that want to look at it).
pub fn subtitle_text(id: u64) -> Vec<u8> {
    webvtt(spec(id, Role::Subtitle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        let id = campaign_id(Behaviour::BytesChange, true, true, 57, 1234567890);
        let p = decode(id).unwrap();
        assert_eq!(p.behaviour, Behaviour::BytesChange);
        assert!(p.slideshow && p.subtitles);
        assert_eq!((p.group, p.r), (57, 1234567890));
        assert_eq!(id.to_string().len(), 19);
        assert!(!is_campaign(7608826249200356630));
        assert!(!is_campaign(7600352599870557461));
        let o = other_post(id).unwrap();
        assert_ne!(o, id);
        assert_eq!(decode(o).unwrap().behaviour, Behaviour::Honest);
    }

    #[test]
    fn objects_are_pure() {
        let id = campaign_id(Behaviour::Honest, false, true, 3, 42);
        assert_eq!(object(id, Role::Video), object(id, Role::Video));
        assert_eq!(
            object(id, Role::Audio).len() as u64,
            object_len(id, Role::Audio)
        );
        assert_ne!(object(id, Role::Video), object(id, Role::Audio));
        assert_eq!(object(id, Role::Subtitle), subtitle_text(id));
        assert!(object(id, Role::Subtitle).starts_with(b"WEBVTT"));
        let page = page(id);
        assert!(page.contains(&format!("/cmp65/{id}/video.mp4")));
        let list = post_list(
            &format!("MS4wLjABAAAA_{}", list_user(ListMode::Finite, id, 3)),
            0,
            2,
        )
        .unwrap();
        let v: Value = serde_json::from_str(&list).unwrap();
        assert_eq!(v["itemList"].as_array().unwrap().len(), 2);
        assert_eq!(v["hasMore"], true);
    }
}
