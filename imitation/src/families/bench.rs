//! Benchmark posts: `https://www.tiktok.com/@bench/video/{id}` with
//! `id` = [`BENCH_BASE`] + size in MiB (so `7900000000000001024` is a 1 GiB video).
//!
//! The page is a small synthetic desktop page, shaped like the real ones
//! (`__UNIVERSAL_DATA_FOR_REHYDRATION__` > `__DEFAULT_SCOPE__` > `webapp.video-detail` >
//! `itemInfo.itemStruct`), whose only video rendition is one h264 `bitrateInfo` entry
//! (1080x1920) pointing at the CDN's `/bench/{bytes}.mp4` file, with `DataSize` = bytes. The
//! item's `playAddr` is the same URL, so every format the tool can pick is the bench file, which
//! is served at full speed with no cookie check.

use serde_json::{Value, json};

use crate::fixtures::script_safe;

/// Post ids `BENCH_BASE + 1 ..= BENCH_BASE + MAX_MIB` are benchmark posts.
pub const BENCH_BASE: u64 = 7_900_000_000_000_000_000;
/// Largest benchmark post: 1 TiB.
pub const MAX_MIB: u64 = 1 << 20;
const MIB: u64 = 1 << 20;
/// Claimed duration, only used to derive a plausible bitrate.
const DURATION_SECS: u64 = 60;

/// The size in bytes of benchmark post `id`, or `None` if `id` is not one.
pub fn size_of(id: u64) -> Option<u64> {
    let mib = id.checked_sub(BENCH_BASE)?;
    // Lazy: for ids far above the family the product would overflow.
    (1..=MAX_MIB).contains(&mib).then(|| mib * MIB)
}

/// The CDN URL of a benchmark file of `bytes` bytes (the same one `curl` can fetch directly).
pub fn media_url(bytes: u64) -> String {
    format!("https://v16-webapp-prime.tiktok.com/bench/{bytes}.mp4?tk=tt_chain_token")
}

/// The itemStruct of benchmark post `id`, if it is one.
pub fn item(id: u64) -> Option<Value> {
    let bytes = size_of(id)?;
    let mib = bytes / MIB;
    let url = media_url(bytes);
    let bitrate = bytes * 8 / DURATION_SECS;
    let vid = format!("v0bench{mib:012}");
    let cover = format!(
        "https://p16-common-sign.tiktokcdn-us.com/tos-no1a-p-0037-no/bench{mib}~tplv-tiktokx-origin.image?dr=9636"
    );
    Some(json!({
        "id": id.to_string(),
        "desc": format!("Benchmark video, {mib} MiB #tikdl #bench"),
        "createTime": "1767225600",
        "scheduleTime": 0,
        "video": {
            "id": vid,
            "height": 1920,
            "width": 1080,
            "duration": DURATION_SECS,
            "ratio": "1080p",
            "cover": cover,
            "originCover": cover,
            "playAddr": url,
            "downloadAddr": "",
            "bitrate": bitrate,
            "encodedType": "normal",
            "format": "mp4",
            "videoQuality": "normal",
            "codecType": "h264",
            "definition": "1080p",
            "size": bytes.to_string(),
            "bitrateInfo": [{
                "Bitrate": bitrate,
                "QualityType": 1,
                "BitrateFPS": 30,
                "GearName": "normal_1080_0",
                "PlayAddr": {
                    "DataSize": bytes.to_string(),
                    "Width": 1080,
                    "Height": 1920,
                    "Uri": vid,
                    "UrlList": [url],
                    "UrlKey": format!("{vid}_h264_1080p_{bitrate}"),
                },
                "CodecType": "h264",
                "Format": "mp4",
            }],
            "subtitleInfos": [],
            "videoID": vid,
        },
        "author": {
            "id": "7900000000000000001",
            "uniqueId": "bench",
            "nickname": "tikdl bench",
            "secUid": crate::fixtures::sec_uid("bench"),
            "verified": false,
            "privateAccount": false,
        },
        "stats": {"diggCount": 0, "shareCount": 0, "commentCount": 0, "playCount": 0, "collectCount": "0"},
        "statsV2": {"diggCount": "0", "shareCount": "0", "commentCount": "0", "playCount": "0", "collectCount": "0", "repostCount": "0"},
        "textExtra": [],
        "secret": false,
        "privateItem": false,
        "isAd": false,
    }))
}

/// The page of benchmark post `id`, if it is one.
pub fn page(id: u64) -> Option<String> {
    let item = item(id)?;
    let desc = item["desc"].clone();
    let data = json!({
        "__DEFAULT_SCOPE__": {
            "webapp.app-context": {"language": "en", "region": "US"},
            "webapp.video-detail": {
                "itemInfo": {"itemStruct": item},
                "shareMeta": {"title": "TikTok", "desc": desc},
                "statusCode": 0,
                "statusMsg": "",
            },
        },
    });
    Some(format!(
        concat!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
            "<title>Benchmark video | TikTok</title></head><body><div id=\"app\"></div>",
            "<script id=\"__UNIVERSAL_DATA_FOR_REHYDRATION__\" type=\"application/json\">{}</script>",
            "</body></html>\n"
        ),
        script_safe(&data.to_string())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rehydration(html: &str) -> Value {
        let open = r#"<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">"#;
        let start = html.find(open).unwrap() + open.len();
        let len = html[start..].find("</script>").unwrap();
        serde_json::from_str(&html[start..start + len]).unwrap()
    }

    #[test]
    fn ids() {
        assert_eq!(size_of(7900000000000001024), Some(1 << 30));
        assert_eq!(size_of(BENCH_BASE + 1), Some(MIB));
        assert_eq!(size_of(BENCH_BASE), None);
        assert_eq!(size_of(BENCH_BASE + MAX_MIB + 1), None);
        assert_eq!(size_of(7608826249200356630), None);
        assert_eq!(size_of(u64::MAX), None);
        assert_eq!(page(BENCH_BASE), None);
    }

    #[test]
    fn page_points_at_the_bench_file() {
        let html = page(BENCH_BASE + 64).unwrap();
        let v = rehydration(&html);
        let detail = &v["__DEFAULT_SCOPE__"]["webapp.video-detail"];
        assert_eq!(detail["statusCode"], 0);
        let item = &detail["itemInfo"]["itemStruct"];
        assert_eq!(item["id"], "7900000000000000064");
        let video = &item["video"];
        let url = "https://v16-webapp-prime.tiktok.com/bench/67108864.mp4?tk=tt_chain_token";
        assert_eq!(video["playAddr"], url);
        let rates = video["bitrateInfo"].as_array().unwrap();
        assert_eq!(rates.len(), 1);
        assert_eq!(rates[0]["CodecType"], "h264");
        let addr = &rates[0]["PlayAddr"];
        assert_eq!(addr["DataSize"], "67108864");
        assert_eq!(addr["UrlList"], json!([url]));
        assert_eq!(
            (addr["Width"].as_u64(), addr["Height"].as_u64()),
            (Some(1080), Some(1920))
        );
        // The CDN serves exactly that many bytes for the URL.
        let spec = crate::fixtures::media_file(
            "v16-webapp-prime.tiktok.com",
            &url[url.find("/bench").unwrap()..],
        );
        assert_eq!(spec.size, 64 * MIB);
    }
}
