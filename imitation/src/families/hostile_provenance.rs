//! Posts that test whose bytes a file holds: slideshows whose files get the same names under a
//! template without `%(id)s` (every post here renders alike with `-o 'slides.%(ext)s'`), images
//! cut mid-body whose resume is refused or answers another total, and a page holding another
//! post's item, as a hostile server serves them.
//!
//! Post `PROV_BASE + n` is D1's item with its own id, every CDN URL given `imt={id}` (so each post
//! has media of its own, and the sound, cover and subtitles differ per post) and an `imagePost`
//! of [`PROV_IMAGES`] images on `p16-sign-va.tiktokcdn.com` (the shape of M1's `imagePost`,
//! capture `web_video_reflow_mobile_photo_imagepost_2026-02.html`):
//!
//! | n | behaviour |
//! |---|---|
//! | 1, 2 | plain slideshows: generated media of their own, Range honoured |
//! | 3 | image 1 is `/hp82/cut403/`: 200 with Content-Length 100,000, cut after 50,000 bytes; every Range request answers 403 |
//! | 4 | image 1 is `/hp82/shrink/`: the first full answer announces 100,001 bytes and is cut after 50,000; a resume answers `206 bytes 50000-74999/75000`; later full answers are whole |
//! | 5 | the page holds post `PROV_BASE + 1`'s item |
//!
//! `/hp82/` media is answered here; the rest by the ordinary CDN.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, OnceLock};

use hyper::Response;
use serde_json::{Value, json};

use crate::body::{Cut, GenBody, Kill};
use crate::families::hostile_storage::{range_start, response};
use crate::media::{FileSpec, Kind, Source, fnv};

/// `PROV_BASE + 1` is the first of these posts.
pub const PROV_BASE: u64 = 7820000000000000000;
/// How many there are.
pub const PROV_POSTS: u64 = 5;
/// Images per slideshow.
pub const PROV_IMAGES: u64 = 3;
const IMAGE_HOST: &str = "p16-sign-va.tiktokcdn.com";
const PREFIX: &str = "/hp82/";
/// The size a cut image really has (`cut403`: 100,000; `shrink`: 100,001).
const CUT403_SIZE: u64 = 100_000;
const SHRINK_SIZE: u64 = 100_001;
/// What the shrinking resume claims the whole file is.
const SHRUNK_TOTAL: u64 = 75_000;
const CUT_AT: u64 = 50_000;

/// Whether `id` is one of these posts.
pub fn is_prov_post(id: u64) -> bool {
    id.checked_sub(PROV_BASE)
        .is_some_and(|n| (1..=PROV_POSTS).contains(&n))
}

/// The URL of image `k` (1-based) of post `id`.
pub fn prov_image_url(id: u64, k: u64) -> String {
    let n = id.saturating_sub(PROV_BASE);
    let special = match (n, k) {
        (3, 1) => Some("cut403"),
        (4, 1) => Some("shrink"),
        _ => None,
    };
    match special {
        Some(mode) => format!("https://{IMAGE_HOST}{PREFIX}{mode}/{id}/{k}.jpeg"),
        None => {
            format!("https://{IMAGE_HOST}/obj/tos-hp82/{id}/{k}~tplv-photomode-image.jpeg?imt={id}")
        }
    }
}

/// The whole bytes a `/hp82/` image serves (`None`: not one of them).
pub fn prov_media_bytes(url: &str) -> Option<Vec<u8>> {
    let path = url.split_once(IMAGE_HOST)?.1.split('?').next()?;
    let (spec, _) = spec_of(path)?;
    Some(Source::Media(spec).read(0, spec.size).to_vec())
}

fn spec_of(path: &str) -> Option<(FileSpec, &str)> {
    let mode = path.strip_prefix(PREFIX)?.split('/').next()?;
    let size = match mode {
        "cut403" => CUT403_SIZE,
        "shrink" => SHRINK_SIZE,
        _ => return None,
    };
    let spec = FileSpec {
        kind: Kind::Image,
        size,
        seed: fnv(path.as_bytes()),
    };
    Some((spec, mode))
}

/// The page of post `id` (see [`is_prov_post`]).
pub fn page(id: u64) -> String {
    let n = id.saturating_sub(PROV_BASE);
    let shown = if n == 5 { PROV_BASE + 1 } else { id };
    crate::fixtures::item_page(&item(shown))
}

fn item(id: u64) -> Value {
    let mut item = crate::families::hostile_names::d1_item().clone();
    item["id"] = json!(id.to_string());
    item["desc"] = json!(format!("provenance slideshow {}", id - PROV_BASE));
    crate::fixtures::tag_media_urls(&mut item, id);
    let images: Vec<Value> = (1..=PROV_IMAGES)
        .map(|k| {
            json!({
                "imageURL": {"urlList": [prov_image_url(id, k)]},
                "imageWidth": 1080,
                "imageHeight": 1440,
            })
        })
        .collect();
    item["imagePost"] = json!({ "images": images, "title": "" });
    item
}

/// Full answers of `shrink` images already cut once (the second is whole).
fn cut_once() -> &'static Mutex<HashSet<String>> {
    static CUT: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    CUT.get_or_init(Default::default)
}

/// The answer for `/hp82/` media on the image host, else `None`.
pub fn respond(
    host: &str,
    path: &str,
    range: Option<&str>,
    kill: &Arc<Kill>,
) -> Option<Response<GenBody>> {
    if host != IMAGE_HOST {
        return None;
    }
    let (spec, mode) = spec_of(path)?;
    let start = range_start(range);
    let image = |status: u16, len: u64, extra: Option<String>, body: GenBody| {
        let mut h = vec![
            ("content-type", "image/jpeg".to_owned()),
            ("content-length", len.to_string()),
        ];
        if let Some(cr) = extra {
            h.push(("content-range", cr));
        }
        response(status, &h, body)
    };
    let src = || Source::Media(spec);
    Some(match (mode, start) {
        ("cut403", Some(_)) => response(403, &[("content-type", "text/plain".into())], {
            GenBody::new(Source::Bytes(bytes::Bytes::from_static(b"Forbidden")), 0, 9)
        }),
        ("shrink", Some(s)) if s > 0 && s < SHRUNK_TOTAL => image(
            206,
            SHRUNK_TOTAL - s,
            Some(format!("bytes {s}-{}/{SHRUNK_TOTAL}", SHRUNK_TOTAL - 1)),
            GenBody::new(src(), s, SHRUNK_TOTAL),
        ),
        ("shrink", _)
            if !cut_once()
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(path.to_owned()) =>
        {
            image(200, spec.size, None, GenBody::new(src(), 0, spec.size))
        }
        _ => image(
            200,
            spec.size,
            None,
            GenBody::new(src(), 0, spec.size).with_cut(Cut::Abort(CUT_AT), kill.clone()),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn family() {
        assert!(!is_prov_post(PROV_BASE));
        assert!(is_prov_post(PROV_BASE + 1) && is_prov_post(PROV_BASE + PROV_POSTS));
        assert!(!is_prov_post(PROV_BASE + PROV_POSTS + 1));
        let p = page(PROV_BASE + 3);
        assert!(p.contains("/hp82/cut403/") && p.contains("imagePost"));
        assert!(page(PROV_BASE + 5).contains("\"id\":\"7820000000000000001\""));
        let url = prov_image_url(PROV_BASE + 4, 1);
        assert_eq!(prov_media_bytes(&url).map(|b| b.len()), Some(100_001));
        assert_eq!(prov_media_bytes(&prov_image_url(PROV_BASE + 1, 1)), None);
    }
}
