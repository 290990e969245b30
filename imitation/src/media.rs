//! Deterministic CDN media: which file a URL names, and its bytes at any offset.

use std::collections::HashMap;

use bytes::{Bytes, BytesMut};
use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Video,
    Audio,
    Image,
    Subtitle,
}

impl Kind {
    pub fn content_type(self) -> &'static str {
        match self {
            Kind::Video => "video/mp4",
            Kind::Audio => "audio/mpeg",
            Kind::Image => "image/jpeg",
            Kind::Subtitle => "text/vtt",
        }
    }
}

/// One served file. Mirrors of a fixture's URL list share one spec, so a client that resumes a
/// download on another mirror gets consistent bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileSpec {
    pub kind: Kind,
    pub size: u64,
    pub seed: u64,
}

/// FNV-1a: stable across runs and Rust versions, unlike std's hasher.
pub fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Guesses the kind from the URL, the way TikTok's URLs give it away.
pub fn classify(host: &str, path_query: &str) -> Kind {
    let pq = path_query.to_ascii_lowercase();
    let path = pq.split('?').next().unwrap_or("");
    let has = |s: &str| pq.contains(s);
    if has("format=webvtt") || has("/caption/") || has("/subtitle/") || path.ends_with(".vtt") {
        Kind::Subtitle
    } else if has("mime_type=audio_mpeg")
        || has("/music/")
        || path.ends_with(".mp3")
        || host.contains("ies-music")
        || has("ies-music")
    {
        Kind::Audio
    } else if has("mime_type=video_mp4")
        || has("/video/")
        || path.ends_with(".mp4")
        || path.starts_with("/aweme/v1/play/")
    {
        Kind::Video
    } else if has("/obj/")
        || has("photomode")
        || has("tos-")
        || [".jpeg", ".jpg", ".webp", ".image", ".png", ".heic"]
            .iter()
            .any(|e| path.ends_with(e) || pq.contains(&format!("{e}?")))
    {
        Kind::Image
    } else {
        Kind::Video
    }
}

/// Hosts the imitation answers pages on.
pub const PAGE_HOSTS: [&str; 4] = [
    "www.tiktok.com",
    "tiktok.com",
    "m.tiktok.com",
    "www.tiktokv.com",
];
pub const SHORT_HOSTS: [&str; 2] = ["vm.tiktok.com", "vt.tiktok.com"];
const CDN_DOMAINS: [&str; 8] = [
    "tiktok.com",
    "tiktokcdn.com",
    "tiktokcdn-us.com",
    "tiktokv.com",
    "ibyteimg.com",
    "byteoversea.com",
    "muscdn.com",
    "akamaized.net",
];

pub fn in_domain(host: &str, domain: &str) -> bool {
    host == domain
        || host
            .strip_suffix(domain)
            .is_some_and(|rest| rest.ends_with('.'))
}

/// A host the CDN side answers for (page and short-link hosts are routed before this).
pub fn is_cdn_host(host: &str) -> bool {
    !PAGE_HOSTS.contains(&host)
        && !SHORT_HOSTS.contains(&host)
        && CDN_DOMAINS.iter().any(|d| in_domain(host, d))
}

/// The file a generated CDN URL names (fixture media: `fixtures::media_file`). `path_query` is
/// the request target as sent.
pub fn resolve(host: &str, path_query: &str) -> FileSpec {
    let seed = fnv(path_query.as_bytes());
    let path = path_query.split('?').next().unwrap_or("");
    if let Some(n) = path
        .strip_prefix("/bench/")
        .and_then(|r| r.strip_suffix(".mp4"))
        .and_then(|n| n.parse::<u64>().ok())
    {
        return FileSpec {
            kind: Kind::Video,
            size: n,
            seed,
        };
    }
    let kind = classify(host, path_query);
    FileSpec {
        kind,
        size: default_size(kind, seed),
        seed,
    }
}

/// Small enough that many downloads stay fast in debug builds, big enough to cross chunk
/// boundaries and to be worth resuming.
pub fn default_size(kind: Kind, seed: u64) -> u64 {
    match kind {
        Kind::Subtitle => 600 + seed % 3_400,
        _ => 40_000 + seed % 360_001,
    }
}

/// What a response body is cut from.
#[derive(Clone)]
pub enum Source {
    Bytes(Bytes),
    Media(FileSpec),
    /// A LIVE room's FLV stream (`families/live.rs`), generated from the offset.
    Flv(FlvSpec),
}

impl Source {
    pub fn for_spec(spec: FileSpec) -> Source {
        match spec.kind {
            // Text must stay text throughout, so it is built whole (it is small).
            Kind::Subtitle => Source::Bytes(Bytes::from(webvtt(spec))),
            _ => Source::Media(spec),
        }
    }

    pub fn len(&self) -> u64 {
        match self {
            Source::Bytes(b) => b.len() as u64,
            Source::Media(s) => s.size,
            Source::Flv(s) => s.size(),
        }
    }

    /// `n` bytes from `offset`; the caller keeps within `len()`.
    pub fn read(&self, offset: u64, n: u64) -> Bytes {
        match self {
            Source::Bytes(b) => b.slice(offset as usize..(offset + n) as usize),
            Source::Media(spec) => {
                let mut buf = BytesMut::zeroed(n as usize);
                fill(spec, offset, &mut buf);
                buf.freeze()
            }
            Source::Flv(spec) => spec.read(offset, n),
        }
    }
}

/// The first bytes of each kind, enough for a content sniffer to see media.
fn prefix(spec: &FileSpec) -> Vec<u8> {
    match spec.kind {
        Kind::Video => {
            let mut p = b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41".to_vec();
            // An mdat box over the rest keeps the file structurally valid; size 0 means "to the
            // end of the file" when the length does not fit 32 bits.
            let rest = spec.size.saturating_sub(32);
            p.extend_from_slice(&u32::try_from(rest).unwrap_or(0).to_be_bytes());
            p.extend_from_slice(b"mdat");
            p
        }
        // ID3v2.3 header with an empty tag, then an MPEG-1 layer III frame header.
        Kind::Audio => b"ID3\x03\0\0\0\0\0\0\xff\xfb\x90\x64".to_vec(),
        Kind::Image => b"\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0".to_vec(),
        Kind::Subtitle => Vec::new(),
    }
}

/// Fills `buf` with the file's bytes from `offset`: one splitmix64 word per 8 bytes, so any
/// range is computed directly without generating what comes before it.
pub fn fill(spec: &FileSpec, offset: u64, buf: &mut [u8]) {
    let mut pos = offset;
    let mut i = 0;
    while i < buf.len() {
        let word = splitmix64(spec.seed ^ (pos / 8)).to_le_bytes();
        let b = (pos % 8) as usize;
        let n = (8 - b).min(buf.len() - i);
        buf[i..i + n].copy_from_slice(&word[b..b + n]);
        i += n;
        pos += n as u64;
    }
    let end = offset + buf.len() as u64;
    let overlay = |buf: &mut [u8], at: u64, bytes: &[u8]| {
        for (k, &byte) in bytes.iter().enumerate() {
            let p = at + k as u64;
            if p >= offset && p < end && p < spec.size {
                buf[(p - offset) as usize] = byte;
            }
        }
    };
    if offset < 64 {
        overlay(buf, 0, &prefix(spec));
    }
    if spec.kind == Kind::Image && spec.size >= 24 && end + 2 > spec.size {
        overlay(buf, spec.size - 2, b"\xff\xd9"); // JPEG end-of-image marker
    }
}

/// A WebVTT file of exactly `spec.size` bytes: whole cues, then blank lines as padding.
pub fn webvtt(spec: FileSpec) -> Vec<u8> {
    let size = spec.size as usize;
    let mut out = b"WEBVTT\n\n".to_vec();
    let mut k = 0u64;
    loop {
        let (a, b) = (k * 2, k * 2 + 2);
        let word = [
            "hello",
            "recipe",
            "today",
            "curry",
            "quick",
            "tiktok",
            "imitation",
        ][(splitmix64(spec.seed ^ k) % 7) as usize];
        let cue = format!(
            "{:02}:{:02}:{:02}.000 --> {:02}:{:02}:{:02}.000\n{word} line {}\n\n",
            a / 3600,
            a / 60 % 60,
            a % 60,
            b / 3600,
            b / 60 % 60,
            b % 60,
            k + 1
        );
        if out.len() + cue.len() > size {
            break;
        }
        out.extend_from_slice(cue.as_bytes());
        k += 1;
    }
    out.resize(size, b'\n');
    out
}

/// The path+query of an absolute URL: the key media is known by, whatever the mirror host.
pub fn path_query(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    Some(rest.find('/').map_or("/", |i| &rest[i..]))
}

/// Records every media URL list in a JSON document (fixture page data or a generated item).
/// With `resize`, `DataSize` is rewritten to a size of our choosing (for generated items).
pub fn scan(v: &mut Value, out: &mut HashMap<String, FileSpec>, resize: bool) {
    // Two passes: caption URL lists take their size from the subtitle entry of the same URL,
    // which may come later in the document.
    scan_pass(v, out, resize, false);
    scan_pass(v, out, resize, true);
}

fn as_u64(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn register(
    urls: &[&str],
    kind: Option<Kind>,
    size: Option<u64>,
    out: &mut HashMap<String, FileSpec>,
) {
    let Some(first) = urls.first().and_then(|u| path_query(u)) else {
        return;
    };
    let seed = fnv(first.as_bytes());
    let host = urls[0]
        .split("://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or("");
    let kind = kind.unwrap_or_else(|| classify(host, first));
    let size = size.unwrap_or_else(|| default_size(kind, seed));
    for url in urls {
        if let Some(pq) = path_query(url) {
            out.entry(pq.to_string())
                .or_insert(FileSpec { kind, size, seed });
        }
    }
}

fn strings(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn scan_pass(v: &mut Value, out: &mut HashMap<String, FileSpec>, resize: bool, captions: bool) {
    match v {
        Value::Object(m) => {
            if !captions {
                let urls = strings(m.get("UrlList"));
                if !urls.is_empty()
                    && let Some(ds) = m.get("DataSize")
                {
                    let size = if resize {
                        let pq = path_query(urls[0]).unwrap_or("");
                        default_size(Kind::Video, fnv(pq.as_bytes()))
                    } else {
                        as_u64(ds).unwrap_or(0)
                    };
                    register(&urls, Some(Kind::Video), Some(size), out);
                    if resize {
                        m.insert("DataSize".into(), Value::from(size));
                    }
                }
                if m.get("Format").and_then(Value::as_str) == Some("webvtt")
                    && let Some(url) = m.get("Url").and_then(Value::as_str)
                {
                    let size = m.get("Size").and_then(as_u64);
                    register(&[url], Some(Kind::Subtitle), size, out);
                }
            } else if m.contains_key("captionFormat") {
                let mut urls = Vec::new();
                if let Some(u) = m.get("url").and_then(Value::as_str) {
                    urls.push(u);
                }
                urls.extend(strings(m.get("urlList")));
                if !urls.is_empty() {
                    // Reuse the subtitle entry's spec so all caption mirrors agree with it.
                    let known = path_query(urls[0]).and_then(|pq| out.get(pq)).copied();
                    match known {
                        Some(spec) => {
                            for url in &urls {
                                if let Some(pq) = path_query(url) {
                                    out.entry(pq.to_string()).or_insert(spec);
                                }
                            }
                        }
                        None => register(&urls, Some(Kind::Subtitle), None, out),
                    }
                }
            }
            for child in m.values_mut() {
                scan_pass(child, out, resize, captions);
            }
        }
        Value::Array(a) => {
            for child in a {
                scan_pass(child, out, resize, captions);
            }
        }
        _ => {}
    }
}

/// Milliseconds between a LIVE stream's frames.
pub const FRAME_MS: u64 = 40;

const VIDEO_LEN: usize = 600;
const AUDIO_LEN: usize = 80;
const GROUP: u64 = (11 + VIDEO_LEN + 4 + 11 + AUDIO_LEN + 4) as u64;

/// One generated LIVE FLV stream (`families/live.rs`): header, onMetaData, AVC and AAC
/// sequence headers, then groups of a video and an audio tag, computed from the byte offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlvSpec {
    /// The first timestamp of this connection.
    pub base_ms: u32,
    /// Frame groups before a clean end (`None`: endless).
    pub groups: Option<u64>,
}

fn tag(kind: u8, ts: u32, data: &[u8], out: &mut Vec<u8>) {
    let len = data.len() as u32;
    out.push(kind);
    out.extend_from_slice(&len.to_be_bytes()[1..]);
    out.extend_from_slice(&ts.to_be_bytes()[1..]);
    out.push((ts >> 24) as u8);
    out.extend_from_slice(&[0, 0, 0]);
    out.extend_from_slice(data);
    out.extend_from_slice(&(11 + len).to_be_bytes());
}

impl FlvSpec {
    fn prefix(&self) -> Vec<u8> {
        let mut p = b"FLV\x01\x05\0\0\0\x09\0\0\0\0".to_vec();
        // AMF0: "onMetaData", then an ECMA array with no entries and its end marker.
        let script = b"\x02\x00\x0aonMetaData\x08\x00\x00\x00\x00\x00\x00\x09";
        tag(18, self.base_ms, script, &mut p);
        // AVCDecoderConfigurationRecord (version 1, High profile) behind the AVC packet head.
        let avc = [0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1f, 0xff, 0xe1, 0, 0];
        tag(9, self.base_ms, &avc, &mut p);
        // AudioSpecificConfig: AAC LC, 44.1 kHz, stereo.
        tag(8, self.base_ms, &[0xaf, 0, 0x12, 0x10], &mut p);
        p
    }

    fn group(&self, g: u64) -> Vec<u8> {
        let mut out = Vec::with_capacity(GROUP as usize);
        let ts = self.base_ms.wrapping_add((g * FRAME_MS) as u32);
        let mut video = vec![0u8; VIDEO_LEN];
        video[0] = if g.is_multiple_of(25) { 0x17 } else { 0x27 };
        video[1] = 1;
        for (i, b) in video.iter_mut().enumerate().skip(5) {
            *b = (g as usize).wrapping_mul(31).wrapping_add(i) as u8;
        }
        tag(9, ts, &video, &mut out);
        let mut audio = vec![0u8; AUDIO_LEN];
        audio[0] = 0xaf;
        audio[1] = 1;
        tag(8, ts.wrapping_add(20), &audio, &mut out);
        out
    }

    /// The stream's length (`u64::MAX`: endless).
    pub fn size(&self) -> u64 {
        match self.groups {
            Some(g) => self.prefix().len() as u64 + g * GROUP,
            None => u64::MAX,
        }
    }

    /// `n` bytes from `offset`.
    pub fn read(&self, offset: u64, n: u64) -> Bytes {
        let prefix = self.prefix();
        let mut out = BytesMut::with_capacity(n as usize);
        let mut pos = offset;
        let end = offset.saturating_add(n);
        while pos < end {
            if pos < prefix.len() as u64 {
                let stop = end.min(prefix.len() as u64);
                out.extend_from_slice(&prefix[pos as usize..stop as usize]);
                pos = stop;
                continue;
            }
            let rel = pos - prefix.len() as u64;
            let (g, within) = (rel / GROUP, rel % GROUP);
            let bytes = self.group(g);
            let take = (GROUP - within).min(end - pos);
            out.extend_from_slice(&bytes[within as usize..(within + take) as usize]);
            pos += take;
        }
        out.freeze()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_agree_with_whole() {
        let spec = FileSpec {
            kind: Kind::Image,
            size: 100_003,
            seed: 42,
        };
        let whole = Source::Media(spec).read(0, spec.size);
        assert_eq!(&whole[..4], b"\xff\xd8\xff\xe0");
        assert_eq!(&whole[whole.len() - 2..], b"\xff\xd9");
        for (a, n) in [(0, 5), (3, 17), (7, 9), (99_990, 13), (12_345, 65_536)] {
            assert_eq!(
                Source::Media(spec).read(a, n),
                whole.slice(a as usize..(a + n) as usize)
            );
        }
    }

    #[test]
    fn webvtt_exact_size() {
        for size in [10, 197, 1933, 4000] {
            let t = webvtt(FileSpec {
                kind: Kind::Subtitle,
                size,
                seed: 7,
            });
            assert_eq!(t.len() as u64, size);
            assert!(t.starts_with(b"WEBVTT"));
        }
    }

    #[test]
    fn kinds() {
        assert_eq!(
            classify(
                "v16-webapp-prime.us.tiktok.com",
                "/video/tos/x/?mime_type=video_mp4"
            ),
            Kind::Video
        );
        assert_eq!(
            classify("v19.tiktokcdn-us.com", "/video/tos/x/?mime_type=audio_mpeg"),
            Kind::Audio
        );
        assert_eq!(
            classify("sf9-ies-music-sg.tiktokcdn.com", "/obj/tos-alisg-ve-2774/o"),
            Kind::Audio
        );
        assert_eq!(
            classify(
                "p16-sign-sg.tiktokcdn.com",
                "/tos-alisg-p-0037/x~tplv-tiktokx-origin.image?dr=1"
            ),
            Kind::Image
        );
        assert_eq!(
            classify("www.tiktok.com", "/aweme/v1/play/?format=webvtt&x=1"),
            Kind::Subtitle
        );
    }
}
