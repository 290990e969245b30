//! Posts whose CDN misbehaves the way a hostile server does (cut-then-403
//! renditions, endless and trickling bodies, a missing cover, an endless subtitle).
//!
//! Post `STORAGE_BASE + n` is D1's page with its formats replaced by the renditions below (each
//! `DataSize` 200,000 unless said otherwise, media on `v16-webapp-prime.us.tiktok.com/hs72/...`,
//! no cookie needed):
//!
//! | n | behaviour |
//! |---|---|
//! | 1 | two renditions (D1 within a run): 1080p `cut403` announces 200,000 bytes, sends half and drops the connection, then answers 403 to every Range request; 720p `range` serves its own bytes and honours Range |
//! | 2 | one rendition `endless`: 200 without Content-Length, chunked, never ends |
//! | 3 | one rendition `trickle`: the first 64 bytes, then one byte every 100 ms |
//! | 4 | one rendition `range` (normal), but every cover (thumbnail) URL answers 404 |
//! | 5 | one rendition `range`, and an `eng-US` subtitle (no size TikTok would check) served like `endless` (unknown size) |
//! | 6 | one rendition `chunked`: 200 without Content-Length, chunked, the whole body, then a clean end |
//!
//! [`storage_media_bytes`] gives the bytes a rendition serves, for comparing with a saved file.

use std::sync::Arc;
use std::time::Duration;

use hyper::Response;
use hyper::header::{HeaderName, HeaderValue};
use serde_json::{Value, json};

use crate::body::Kill;
use crate::body::{Cut, GenBody};
use crate::media::{FileSpec, Kind, Source, fnv};

/// `STORAGE_BASE + 1` is the first of these posts.
pub const STORAGE_BASE: u64 = 7200000000000000000;
/// How many there are.
pub const STORAGE_POSTS: u64 = 6;
/// The announced (and, where the server is honest, served) size of every rendition.
pub const STORAGE_MEDIA_SIZE: u64 = 200_000;
const CDN_HOST: &str = "v16-webapp-prime.us.tiktok.com";
const PREFIX: &str = "/hs72/";
/// One byte per this interval in `trickle`.
const TRICKLE_EVERY: Duration = Duration::from_millis(100);

/// Whether `id` is one of these posts.
pub fn is_storage_post(id: u64) -> bool {
    id.checked_sub(STORAGE_BASE)
        .is_some_and(|n| (1..=STORAGE_POSTS).contains(&n))
}

/// The media URL of rendition `mode` (`cut403`, `range`, `endless`, `trickle`).
pub fn storage_media_url(mode: &str) -> String {
    format!("https://{CDN_HOST}{PREFIX}{mode}/video.mp4?mime_type=video_mp4&expire=4102444800")
}

fn spec(mode: &str, size: u64) -> FileSpec {
    FileSpec {
        kind: Kind::Video,
        size,
        seed: fnv(mode.as_bytes()),
    }
}

/// The full bytes rendition `mode` serves (200,000 of them).
pub fn storage_media_bytes(mode: &str) -> Vec<u8> {
    Source::Media(spec(mode, STORAGE_MEDIA_SIZE))
        .read(0, STORAGE_MEDIA_SIZE)
        .to_vec()
}

fn rendition(template: &Value, mode: &str, gear: &str, w: u64, h: u64) -> Value {
    let mut br = template.clone();
    br["GearName"] = json!(gear);
    br["QualityType"] = json!(if h >= 1920 { 1 } else { 20 });
    let pa = &mut br["PlayAddr"];
    pa["UrlList"] = json!([storage_media_url(mode)]);
    pa["DataSize"] = json!(STORAGE_MEDIA_SIZE.to_string());
    pa["Width"] = json!(w);
    pa["Height"] = json!(h);
    pa["Uri"] = json!(format!("v0hs72{mode}"));
    pa["UrlKey"] = json!(format!("v0hs72{mode}_h264_{h}p"));
    br
}

/// The page of post `id` (see [`is_storage_post`]).
pub fn page(id: u64) -> String {
    let n = id.saturating_sub(STORAGE_BASE);
    let mut item = crate::families::hostile_names::d1_item().clone();
    item["id"] = json!(id.to_string());
    item["desc"] = json!(format!("hostile storage post {n}"));
    let v = &mut item["video"];
    let first = v["bitrateInfo"][0].clone();
    let formats = match n {
        1 => vec![
            rendition(&first, "cut403", "adapt_lowest_1080_1", 1080, 1920),
            rendition(&first, "range", "adapt_lower_720_1", 720, 1280),
        ],
        2 => vec![rendition(
            &first,
            "endless",
            "adapt_lowest_1080_1",
            1080,
            1920,
        )],
        6 => vec![rendition(
            &first,
            "chunked",
            "adapt_lowest_1080_1",
            1080,
            1920,
        )],
        3 => vec![rendition(
            &first,
            "trickle",
            "adapt_lowest_1080_1",
            1080,
            1920,
        )],
        _ => vec![rendition(
            &first,
            "range",
            "adapt_lowest_1080_1",
            1080,
            1920,
        )],
    };
    v["playAddr"] = formats[0]["PlayAddr"]["UrlList"][0].clone();
    v["bitrateInfo"] = Value::Array(formats);
    v["downloadAddr"] = json!("");
    v["size"] = json!(STORAGE_MEDIA_SIZE);
    v["subtitleInfos"] = if n == 5 {
        json!([eng_subtitle(
            &format!("https://v16m-webapp.tiktokcdn-us.com{PREFIX}endless/sub.vtt?format=webvtt"),
            1933
        )])
    } else {
        json!([])
    };
    v["claInfo"] = json!({});
    if let Some(o) = v.as_object_mut() {
        o.remove("PlayAddrStruct");
    }
    let cover = format!(
        "https://p16-sign.tiktokcdn.com{PREFIX}{}/cover.jpeg?x-expires=4102444800",
        if n == 4 { "missing" } else { "cover" }
    );
    for k in [
        "cover",
        "originCover",
        "dynamicCover",
        "shareCover",
        "reflowCover",
    ] {
        if v.get(k).is_some() {
            v[k] = if k == "shareCover" {
                json!([cover])
            } else {
                json!(cover)
            };
        }
    }
    crate::fixtures::item_page(&item)
}

/// A `subtitleInfos` entry in D1's shape: an `eng-US` WebVTT subtitle at `url`.
pub(crate) fn eng_subtitle(url: &str, size: u64) -> Value {
    json!({
        "UrlExpire": "4102444800",
        "Size": size.to_string(),
        "LanguageID": "2",
        "LanguageCodeName": "eng-US",
        "Url": url,
        "Format": "webvtt",
        "Version": "1:big_caption",
        "Source": "ASR",
    })
}

pub(crate) fn response(
    status: u16,
    headers: &[(&'static str, String)],
    body: GenBody,
) -> Response<GenBody> {
    let mut resp = Response::new(body);
    *resp.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::OK);
    for (name, value) in headers {
        if let Ok(v) = HeaderValue::from_str(value) {
            resp.headers_mut().append(HeaderName::from_static(name), v);
        }
    }
    resp
}

fn small(status: u16, text: &str) -> Response<GenBody> {
    let body = bytes::Bytes::from(text.to_owned());
    let len = body.len() as u64;
    response(
        status,
        &[
            ("content-type", "text/plain".into()),
            ("content-length", len.to_string()),
        ],
        GenBody::new(Source::Bytes(body), 0, len),
    )
}

/// The first byte a `Range: bytes=N-` header asks for.
pub(crate) fn range_start(range: Option<&str>) -> Option<u64> {
    range?
        .trim()
        .strip_prefix("bytes=")?
        .split('-')
        .next()?
        .trim()
        .parse()
        .ok()
}

/// The CDN answer for `path` on `host` when it is one of these posts' media, else `None`.
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
    let mode = rest.split('/').next().unwrap_or("");
    let size = STORAGE_MEDIA_SIZE;
    let video = |status: u16, extra: Vec<(&'static str, String)>, body: GenBody| {
        let mut h = vec![("content-type", "video/mp4".to_owned())];
        h.extend(extra);
        response(status, &h, body)
    };
    let start = range_start(range);
    Some(match mode {
        "cover" => {
            let spec = FileSpec {
                kind: Kind::Image,
                size: 5_000,
                seed: 72,
            };
            response(
                200,
                &[
                    ("content-type", "image/jpeg".into()),
                    ("content-length", "5000".into()),
                ],
                GenBody::new(Source::Media(spec), 0, 5_000),
            )
        }
        "missing" => small(404, "Not Found"),
        "cut403" if start.is_some() => small(403, "Forbidden"),
        "cut403" => video(
            200,
            vec![("content-length", size.to_string())],
            GenBody::new(Source::Media(spec(mode, size)), 0, size)
                .with_cut(Cut::Abort(size / 2), kill.clone()),
        ),
        "range" => match start.filter(|s| *s > 0 && *s < size) {
            Some(s) => video(
                206,
                vec![
                    ("content-length", (size - s).to_string()),
                    ("content-range", format!("bytes {s}-{}/{size}", size - 1)),
                ],
                GenBody::new(Source::Media(spec(mode, size)), s, size),
            ),
            None => video(
                200,
                vec![("content-length", size.to_string())],
                GenBody::new(Source::Media(spec(mode, size)), 0, size),
            ),
        },
        // No Content-Length (a cut body has no exact size, so hyper sends it chunked), no end.
        "endless" => video(
            200,
            Vec::new(),
            GenBody::new(Source::Media(spec(mode, u64::MAX)), 0, u64::MAX)
                .with_cut(Cut::Clean(u64::MAX), kill.clone()),
        ),
        // The whole body, chunked (a paced body has no exact size for hyper to announce).
        "chunked" => video(
            200,
            Vec::new(),
            GenBody::new(Source::Media(spec(mode, size)), 0, size)
                .with_pace(64 * 1024, Duration::from_millis(1)),
        ),
        "trickle" => {
            let s = start.filter(|s| *s < size).unwrap_or(0);
            video(
                if s > 0 { 206 } else { 200 },
                vec![
                    ("content-length", (size - s).to_string()),
                    ("content-range", format!("bytes {s}-{}/{size}", size - 1)),
                ],
                GenBody::new(Source::Media(spec(mode, size)), s, size)
                    .with_trickle(64, TRICKLE_EVERY),
            )
        }
        _ => small(404, "Not Found"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn family() {
        assert!(!is_storage_post(STORAGE_BASE));
        assert!(is_storage_post(STORAGE_BASE + 1));
        assert!(is_storage_post(STORAGE_BASE + STORAGE_POSTS));
        assert!(!is_storage_post(STORAGE_BASE + STORAGE_POSTS + 1));
        let p = page(STORAGE_BASE + 1);
        assert!(p.contains("/hs72/cut403/") && p.contains("/hs72/range/"));
        assert_eq!(storage_media_bytes("range").len(), 200_000);
        assert_ne!(storage_media_bytes("range"), storage_media_bytes("cut403"));
        assert_eq!(range_start(Some("bytes=100-")), Some(100));
    }
}
