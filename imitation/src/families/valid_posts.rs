//! Posts whose media are real, valid files ([`crate::valid_media`]), for tests that parse what
//! tikdl saved (`--embed-metadata`, `--embed-thumbnail`, `--print`,
//! `--break-on-existing`). Ids are `VALID_BASE + n` (the `7900000000000000000` block belongs to
//! the benchmark posts up to `+ 1048576`, so this family starts at `7910000000000000000`):
//!
//! | n | post |
//! |---|---|
//! | 1 | D1's page (author `@emthenutritionist`) with a description over 255 bytes (multi-byte characters) |
//! | 2 | the same with a short description |
//! | 3 | the same, its renditions fragmented MP4s ([`valid_media::fragmented_mp4`], as ffmpeg's `frag_keyframe+empty_moov` writes) |
//! | 101..=200 | new posts of `@imitation45`, listed on top of its 45 after [`crate::Imitation::add_new_profile_posts`] (n = 101 is the oldest of them) |
//!
//! Every one has two renditions, `1080.mp4` (1080x1920) and `720.mp4` (720x1280), each an MP4
//! with H.264 and AAC tracks whose `DataSize` is its exact length; its sound `sound.mp3` (MPEG-1
//! Layer III frames, `music.playUrl`, so `-x` gets it); and its cover `cover.jpeg` (a baseline
//! JPEG, in `cover`, `originCover`, `dynamicCover`, `shareCover` and `zoomCover`). They are served
//! on `https://{cdn host}/vp79/{n}/{file}`, honour `Range: bytes=a-` and need no cookie.
//! [`valid_file`] gives the bytes, to compare with a saved file.

use bytes::Bytes;
use hyper::Response;
use serde_json::{Value, json};

use crate::body::GenBody;
use crate::families::hostile_storage::response;
use crate::media::Source;
use crate::valid_media;

/// `VALID_BASE + n` is post n.
pub const VALID_BASE: u64 = 7_910_000_000_000_000_000;
/// Posts 1..=VALID_POSTS are standalone.
pub const VALID_POSTS: u64 = 3;
/// The post whose renditions are fragmented MP4s.
const FRAGMENTED_POST: u64 = 3;
/// New profile post k (1-based, oldest first) is `VALID_BASE + NEW_PROFILE_FIRST - 1 + k`.
pub const NEW_PROFILE_FIRST: u64 = 101;
/// How many new profile posts there can be.
pub const MAX_NEW_PROFILE_POSTS: u64 = 100;
/// The profile the new posts belong to (see `fixtures::post_list`).
const PROFILE_USER: &str = "imitation45";
/// 2026-01-01T00:00:00Z, the newest of the profile's 45 generated posts: new ones come after.
const PROFILE_NEWEST: u64 = 1_767_225_600;
const PREFIX: &str = "/vp79/";
const VIDEO_HOST: &str = "v16-webapp-prime.us.tiktok.com";
const SOUND_HOST: &str = "v16m.tiktokcdn-us.com";
const COVER_HOST: &str = "p16-common-sign.tiktokcdn-us.com";
/// MP3 frames in `sound.mp3`: 40 x 26 ms, about 1 s like the video.
const SOUND_FRAMES: usize = 40;
/// Renditions: file name, width, height, GearName, QualityType (as D1's entries).
const RENDITIONS: [(&str, u16, u16, &str, u64); 2] = [
    ("1080.mp4", 1080, 1920, "adapt_lowest_1080_1", 1),
    ("720.mp4", 720, 1280, "adapt_lower_720_1", 20),
];

/// Whether `id` is one of these posts (standalone, or a new profile post whatever how many are
/// listed: a page for an unlisted one does no harm).
pub fn is_valid_post(id: u64) -> bool {
    id.checked_sub(VALID_BASE).is_some_and(is_family)
}

fn is_family(n: u64) -> bool {
    (1..=VALID_POSTS).contains(&n)
        || (NEW_PROFILE_FIRST..NEW_PROFILE_FIRST + MAX_NEW_PROFILE_POSTS).contains(&n)
}

/// The page URL of post `n`.
pub fn valid_post_url(n: u64) -> String {
    format!(
        "https://www.tiktok.com/@emthenutritionist/video/{}",
        VALID_BASE + n
    )
}

/// The id of new profile post `k` (1 = the oldest new one).
pub fn new_profile_post_id(k: u64) -> u64 {
    VALID_BASE + NEW_PROFILE_FIRST - 1 + k
}

/// The bytes served for `file` (`1080.mp4`, `720.mp4`, `sound.mp3`, `cover.jpeg`) of post
/// `n`; `None` for anything else.
pub fn valid_file(n: u64, file: &str) -> Option<Vec<u8>> {
    if !is_family(n) {
        return None;
    }
    let seed = n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    if let Some(&(_, w, h, _, _)) = RENDITIONS.iter().find(|r| r.0 == file) {
        return Some(if n == FRAGMENTED_POST {
            valid_media::fragmented_mp4(seed ^ u64::from(h))
        } else {
            valid_media::mp4(seed ^ u64::from(h), w, h)
        });
    }
    match file {
        "sound.mp3" => Some(valid_media::mp3(seed ^ 3, SOUND_FRAMES)),
        "cover.jpeg" => Some(valid_media::jpeg(seed ^ 4)),
        _ => None,
    }
}

fn url(host: &str, n: u64, file: &str, query: &str) -> String {
    format!("https://{host}{PREFIX}{n}/{file}?{query}&expire=4102444800")
}

/// The itemStruct of post `n` (D1's, with ids, text, media and for profile posts the author
/// replaced). `createTime` is a number, as the list APIs give it.
fn item(n: u64) -> Value {
    let id = VALID_BASE + n;
    let mut item = crate::families::hostile_names::d1_item().clone();
    item["id"] = json!(id.to_string());
    item["desc"] = json!(match n {
        1 => format!(
            "Valid media post 1: {} #tikdl",
            "Ünïcødé caption with a cat 🐱 and a sound 🎵 ".repeat(8)
        ),
        _ => format!("Valid media post {n} #tikdl"),
    });
    if n >= NEW_PROFILE_FIRST {
        let k = n - NEW_PROFILE_FIRST + 1;
        item["createTime"] = json!(PROFILE_NEWEST + k * 3600);
        item["author"]["uniqueId"] = json!(PROFILE_USER);
        item["author"]["secUid"] = json!(crate::fixtures::sec_uid(PROFILE_USER));
    } else {
        item["createTime"] = json!(
            item["createTime"]
                .as_str()
                .and_then(|s| s.parse::<u64>().ok())
        );
    }
    let v = &mut item["video"];
    let first = v["bitrateInfo"][0].clone();
    let formats: Vec<Value> = RENDITIONS
        .iter()
        .map(|&(file, w, h, gear, quality)| {
            let size = valid_file(n, file).map_or(0, |b| b.len());
            let mut br = first.clone();
            br["GearName"] = json!(gear);
            br["QualityType"] = json!(quality);
            let pa = &mut br["PlayAddr"];
            pa["UrlList"] = json!([url(VIDEO_HOST, n, file, "mime_type=video_mp4")]);
            pa["DataSize"] = json!(size.to_string());
            pa["Width"] = json!(w);
            pa["Height"] = json!(h);
            pa["Uri"] = json!(format!("v0vp79{n}"));
            pa["UrlKey"] = json!(format!("v0vp79{n}_h264_{h}p"));
            br
        })
        .collect();
    v["playAddr"] = formats[0]["PlayAddr"]["UrlList"][0].clone();
    v["size"] = formats[0]["PlayAddr"]["DataSize"].clone();
    v["bitrateInfo"] = Value::Array(formats);
    v["downloadAddr"] = json!("");
    v["duration"] = json!(1);
    v["width"] = json!(1080);
    v["height"] = json!(1920);
    v["subtitleInfos"] = json!([]);
    v["claInfo"] = json!({});
    if let Some(o) = v.as_object_mut() {
        o.remove("PlayAddrStruct");
    }
    let cover = url(COVER_HOST, n, "cover.jpeg", "x-expires=4102444800");
    for k in ["cover", "originCover", "dynamicCover"] {
        v[k] = json!(cover);
    }
    v["shareCover"] = json!([cover]);
    if let Some(zoom) = v["zoomCover"].as_object_mut() {
        zoom.values_mut().for_each(|u| *u = json!(cover));
    }
    item["music"]["playUrl"] = json!(url(SOUND_HOST, n, "sound.mp3", "mime_type=audio_mpeg"));
    item["music"]["title"] = json!(format!("valid sound {n}"));
    item["music"]["duration"] = json!(1);
    item
}

/// The page of post `id` (see [`is_valid_post`]).
pub fn page(id: u64) -> String {
    let mut item = item(id.saturating_sub(VALID_BASE));
    // Pages carry createTime as a string, the APIs as a number.
    item["createTime"] = Value::String(item["createTime"].to_string());
    crate::fixtures::item_page(&item)
}

/// `/api/post/item_list/` of `@imitation45` with `new` new posts on top of its 45, paged by the
/// same rule as the fixture (cursor = createTime in ms of the last item returned); `None` when
/// there is nothing to add, so the fixture answers as before.
pub fn post_list(sec: &str, cursor: u64, count: usize, new: u64) -> Option<String> {
    if new == 0 || sec != crate::fixtures::sec_uid(PROFILE_USER) {
        return None;
    }
    let all_old = crate::fixtures::post_list(sec, 0, crate::fixtures::PROFILE_POSTS as usize);
    let mut answer: Value = serde_json::from_str(&all_old).ok()?;
    let old = answer["itemList"].as_array().cloned().unwrap_or_default();
    let new = new.min(MAX_NEW_PROFILE_POSTS);
    let mut all: Vec<Value> = (1..=new)
        .rev()
        .map(|k| item(NEW_PROFILE_FIRST - 1 + k))
        .collect();
    all.extend(old);
    let ms = |v: &Value| v["createTime"].as_u64().unwrap_or(0) * 1000;
    let first = all
        .iter()
        .position(|v| cursor == 0 || ms(v) < cursor)
        .unwrap_or(all.len());
    let end = (first + count).min(all.len());
    let page = &all[first..end];
    answer["cursor"] = json!(page.last().map_or(cursor, ms).to_string());
    answer["hasMore"] = json!(end < all.len());
    answer["itemList"] = Value::Array(page.to_vec());
    Some(answer.to_string())
}

/// The CDN answer for `path` (on a CDN host) when it is one of these posts' files, else `None`.
pub fn respond(path: &str, range: Option<&str>) -> Option<Response<GenBody>> {
    let rest = path.strip_prefix(PREFIX)?;
    let (n, file) = rest.split_once('/')?;
    let bytes = n.parse().ok().and_then(|n| valid_file(n, file));
    let Some(bytes) = bytes else {
        let body = Bytes::from_static(b"Not Found");
        let headers = [("content-type", "text/plain".to_owned())];
        return Some(response(
            404,
            &headers,
            GenBody::new(Source::Bytes(body), 0, 9),
        ));
    };
    let content_type = match file.rsplit('.').next() {
        Some("mp3") => "audio/mpeg",
        Some("jpeg") => "image/jpeg",
        _ => "video/mp4",
    };
    let total = bytes.len() as u64;
    // `bytes=a-` and `bytes=a-b`: what a resuming client sends.
    let asked = range
        .and_then(|r| r.trim().strip_prefix("bytes="))
        .and_then(|r| r.split_once('-'))
        .and_then(|(a, b)| {
            let a: u64 = a.trim().parse().ok()?;
            let b = b
                .trim()
                .parse::<u64>()
                .map_or(total - 1, |b| b.min(total - 1));
            (a <= b).then_some((a, b))
        });
    let mut headers = vec![
        ("content-type", content_type.to_owned()),
        ("accept-ranges", "bytes".to_owned()),
    ];
    let src = Source::Bytes(Bytes::from(bytes));
    Some(match asked {
        Some((a, b)) => {
            headers.push(("content-length", (b + 1 - a).to_string()));
            headers.push(("content-range", format!("bytes {a}-{b}/{total}")));
            response(206, &headers, GenBody::new(src, a, b + 1))
        }
        None => {
            headers.push(("content-length", total.to_string()));
            response(200, &headers, GenBody::new(src, 0, total))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn family_and_files() {
        assert!(!is_valid_post(VALID_BASE));
        assert!(is_valid_post(VALID_BASE + 1) && is_valid_post(VALID_BASE + VALID_POSTS));
        assert!(!is_valid_post(VALID_BASE + VALID_POSTS + 1));
        assert!(is_valid_post(new_profile_post_id(1)));
        assert!(is_valid_post(new_profile_post_id(MAX_NEW_PROFILE_POSTS)));
        assert!(!is_valid_post(new_profile_post_id(
            MAX_NEW_PROFILE_POSTS + 1
        )));
        let mp4 = valid_file(1, "1080.mp4").unwrap();
        assert!(valid_media::mdat_payload(&mp4).is_some());
        assert_ne!(mp4, valid_file(2, "1080.mp4").unwrap());
        assert_ne!(mp4, valid_file(1, "720.mp4").unwrap());
        assert!(
            valid_file(1, "sound.mp3")
                .unwrap()
                .starts_with(&valid_media::MP3_FRAME_HEADER)
        );
        assert!(
            valid_file(1, "cover.jpeg")
                .unwrap()
                .starts_with(&[0xff, 0xd8])
        );
        assert_eq!(valid_file(1, "x.mp4"), None);
        assert_eq!(valid_file(VALID_POSTS + 1, "1080.mp4"), None);
    }

    #[test]
    fn page_lists_the_valid_files_with_their_sizes() {
        let p = page(VALID_BASE + 1);
        let size = valid_file(1, "1080.mp4").unwrap().len();
        assert!(p.contains(&format!("\"DataSize\":\"{size}\"")), "{size}");
        assert!(p.contains("/vp79/1/sound.mp3") && p.contains("/vp79/1/cover.jpeg"));
        assert!(!p.contains("PlayAddrStruct"));
    }

    fn ids(new: u64, count: usize) -> Vec<String> {
        let sec = crate::fixtures::sec_uid(PROFILE_USER);
        let mut cursor = 0;
        let mut ids = Vec::new();
        loop {
            let page: Value =
                serde_json::from_str(&post_list(&sec, cursor, count, new).unwrap()).unwrap();
            for it in page["itemList"].as_array().unwrap() {
                ids.push(it["id"].as_str().unwrap().to_owned());
            }
            cursor = page["cursor"].as_str().unwrap().parse().unwrap();
            if !page["hasMore"].as_bool().unwrap() {
                return ids;
            }
        }
    }

    #[test]
    fn new_posts_come_first_then_the_45() {
        assert_eq!(
            post_list(&crate::fixtures::sec_uid(PROFILE_USER), 0, 30, 0),
            None
        );
        assert_eq!(post_list("MS4wLjABAAAA_other", 0, 30, 3), None);
        for count in [30, 7] {
            let ids = ids(3, count);
            assert_eq!(ids.len(), 48);
            let want: Vec<String> = (1..=3)
                .rev()
                .map(|k| new_profile_post_id(k).to_string())
                .collect();
            assert_eq!(ids[..3], want[..]);
            assert_eq!(ids[3], "7300000000000000001");
            let unique: std::collections::HashSet<_> = ids.iter().collect();
            assert_eq!(unique.len(), 48);
        }
    }
}
