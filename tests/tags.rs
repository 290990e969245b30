//! `tikdl::tags::embed` on real, valid files from the imitation (`valid_media`), read back with
//! a reader written here (an ISO-BMFF box walker and an ID3v2.4 frame walker), not with lofty,
//! which wrote them.

mod support;

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};
use support::walk::*;
use tikdl::VideoInfo;
use tikdl::tags::{CoverOutcome, EmbedOutcome, TagData, TagFormat, embed};
use tiktok_imitation::valid_media;

/// Over 255 bytes, with characters of 2 to 4 bytes, so the `desc` cut must respect them.
fn long_description() -> String {
    "Ünïcødé caption 🎵 #fyp ".repeat(12)
}

fn info(description: &str) -> VideoInfo {
    serde_json::from_value(serde_json::json!({
        "extractor": "tiktok",
        "id": "7608826249200356630",
        "kind": "video",
        "title": "Ünïcødé caption 🎵 #fyp...",
        "description": description,
        "uploader": "some.creator",
        "uploader_id": "6712345678901234567",
        "uploader_url": "https://www.tiktok.com/@some.creator",
        "channel": "Some Créator ✨",
        "channel_id": "MS4wLjABAAAA",
        "channel_url": "https://www.tiktok.com/@some.creator",
        "webpage_url": "https://www.tiktok.com/@some.creator/video/7608826249200356630",
        "timestamp": 1769817600,
        "upload_date": "20260131",
        "duration": 1,
        "view_count": null, "like_count": null, "comment_count": null,
        "repost_count": null, "save_count": null,
        "hashtags": [], "mentions": [], "track": null, "artists": [], "album": null,
        "music": null, "thumbnails": [], "formats": [], "images": [], "subtitles": {}
    }))
    .unwrap()
}

fn sha(b: &[u8]) -> [u8; 32] {
    Sha256::digest(b).into()
}

fn write_part(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Tags `part` (which holds `bytes`), expecting a skip that leaves it byte for byte: the reason.
fn skipped_untouched(
    part: &Path,
    format: TagFormat,
    meta: Option<&TagData>,
    cover: Option<&[u8]>,
    bytes: &[u8],
) -> String {
    let outcome = embed(part, format, meta, cover).unwrap();
    let EmbedOutcome::Skipped { reason } = &outcome else {
        panic!("{}: {outcome:?}", part.display());
    };
    assert!(!outcome.metadata_embedded() && !outcome.thumbnail_embedded());
    assert_eq!(
        std::fs::read(part).unwrap(),
        bytes,
        "{} untouched",
        part.display()
    );
    reason.clone()
}

#[test]
fn mp4_video_gets_every_atom_and_keeps_its_samples() {
    let dir = tempfile::tempdir().unwrap();
    let original = valid_media::mp4(12, 576, 1024);
    let cover = valid_media::png(5);
    let part = write_part(dir.path(), "v.mp4.part", &original);
    let description = long_description();
    let meta = TagData::from_info(&info(&description));

    let outcome = embed(&part, TagFormat::Mp4, Some(&meta), Some(&cover)).unwrap();
    assert_eq!(
        outcome,
        EmbedOutcome::Tagged {
            metadata: true,
            cover: CoverOutcome::Embedded
        }
    );
    assert!(outcome.metadata_embedded() && outcome.thumbnail_embedded());

    let tagged = std::fs::read(&part).unwrap();
    let items = ilst_items(&tagged);
    let get = |k: &[u8; 4]| utf8_item(&items, k);
    assert_eq!(get(b"\xa9nam").unwrap(), "Ünïcødé caption 🎵 #fyp...");
    assert_eq!(get(b"\xa9ART").unwrap(), "some.creator");
    assert_eq!(get(b"aART").unwrap(), "Some Créator ✨");
    assert_eq!(get(b"\xa9day").unwrap(), "2026-01-31");
    assert_eq!(
        get(b"\xa9cmt").unwrap(),
        "https://www.tiktok.com/@some.creator/video/7608826249200356630"
    );
    let desc = get(b"desc").unwrap();
    assert!(desc.len() <= 255 && desc.len() > 250, "{}", desc.len());
    assert!(description.starts_with(&desc));
    assert_eq!(get(b"ldes").unwrap(), description);
    assert_eq!(
        get(b"\xa9too").unwrap(),
        format!("tikdl {}", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(
        items[b"covr"],
        vec![(14, cover.clone())],
        "one PNG (type 14)"
    );

    // The media: the same samples, and the chunk offsets still point at them.
    let (before, after) = (mdat(&original), mdat(&tagged));
    assert_eq!(
        sha(&original[before.0..before.1]),
        sha(&tagged[after.0..after.1])
    );
    let shift = after.0 as i64 - before.0 as i64;
    assert!(shift > 0, "moov grew in front of mdat");
    let moved: Vec<u64> = chunk_offsets(&original)
        .iter()
        .map(|o| (*o as i64 + shift) as u64)
        .collect();
    assert_eq!(chunk_offsets(&tagged), moved);
    assert_eq!(moved[0], after.0 as u64);
}

#[test]
fn retagging_replaces_instead_of_duplicating() {
    let dir = tempfile::tempdir().unwrap();
    let part = write_part(dir.path(), "a.m4a.part", &valid_media::m4a(3));
    let meta = TagData::from_info(&info("short"));
    embed(
        &part,
        TagFormat::M4a,
        Some(&meta),
        Some(&valid_media::png(1)),
    )
    .unwrap();
    let outcome = embed(&part, TagFormat::M4a, Some(&meta), None).unwrap();
    assert!(outcome.metadata_embedded() && !outcome.thumbnail_embedded());
    let tagged = std::fs::read(&part).unwrap();
    let items = ilst_items(&tagged);
    assert_eq!(utf8_item(&items, b"desc").unwrap(), "short");
    assert!(
        !items.contains_key(b"ldes"),
        "no ldes for a short description"
    );
    assert_eq!(items[b"covr"].len(), 1, "the first run's cover, once");
    assert_eq!(utf8_item(&items, b"\xa9nam").unwrap(), meta.title);
}

#[test]
fn mp3_gets_id3v24_frames_and_keeps_its_audio_frames() {
    let dir = tempfile::tempdir().unwrap();
    let original = valid_media::mp3(9, 40);
    let cover = valid_media::png(6);
    let part = write_part(dir.path(), "s.mp3.part", &original);
    let description = long_description();
    let meta = TagData::from_info(&info(&description));

    let outcome = embed(&part, TagFormat::Mp3, Some(&meta), Some(&cover)).unwrap();
    assert!(outcome.metadata_embedded() && outcome.thumbnail_embedded());

    let tagged = std::fs::read(&part).unwrap();
    let (tag_len, frames) = id3_frames(&tagged);
    // The audio frames: byte for byte what was downloaded, right after the tag.
    assert_eq!(sha(&tagged[tag_len..]), sha(&original));
    assert!(tagged[tag_len..].starts_with(&valid_media::MP3_FRAME_HEADER));

    let one = |id: &str| {
        let found: Vec<&Vec<u8>> = frames.iter().filter(|f| f.0 == id).map(|f| &f.1).collect();
        assert_eq!(found.len(), 1, "one {id}");
        found[0].clone()
    };
    assert_eq!(id3_text(&one("TIT2")), "Ünïcødé caption 🎵 #fyp...");
    assert_eq!(id3_text(&one("TPE1")), "some.creator");
    assert_eq!(id3_text(&one("TPE2")), "Some Créator ✨");
    assert_eq!(id3_text(&one("TDRC")), "2026-01-31");
    assert_eq!(
        id3_text(&one("TSSE")),
        format!("tikdl {}", env!("CARGO_PKG_VERSION"))
    );
    let url = "https://www.tiktok.com/@some.creator/video/7608826249200356630";
    assert_eq!(one("WOAS"), url.as_bytes());

    let mut comments = BTreeMap::new();
    for (_, body) in frames.iter().filter(|f| f.0 == "COMM") {
        assert_eq!(body[0], 3, "UTF-8");
        assert_eq!(&body[1..4], b"XXX");
        let (desc, text) = cut_nul(&body[4..]);
        let text = std::str::from_utf8(text).unwrap().trim_end_matches('\0');
        comments.insert(String::from_utf8(desc.to_vec()).unwrap(), text.to_owned());
    }
    assert_eq!(comments.len(), 2);
    assert_eq!(comments[""], url);
    assert_eq!(comments["description"], description);

    let apic = one("APIC");
    let (mime, rest) = cut_nul(&apic[1..]);
    assert_eq!(mime, b"image/png");
    assert_eq!(rest[0], 3, "front cover");
    let (desc, data) = cut_nul(&rest[1..]);
    assert!(desc.is_empty());
    assert_eq!(data, cover.as_slice());
}

#[test]
fn a_file_that_does_not_parse_is_kept_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let meta = TagData::from_info(&info("d"));
    let html = b"<!DOCTYPE html><html><body>Access denied</body></html>".to_vec();
    let mut truncated = valid_media::mp4(4, 320, 240);
    truncated.truncate(300); // inside moov
    let cases = [
        ("page.mp4.part", TagFormat::Mp4, html.clone()),
        ("page.mp3.part", TagFormat::Mp3, html),
        ("cut.mp4.part", TagFormat::Mp4, truncated),
        ("mp3-as.m4a.part", TagFormat::M4a, valid_media::mp3(1, 5)),
    ];
    for (name, format, bytes) in cases {
        let part = write_part(dir.path(), name, &bytes);
        let png = valid_media::png(2);
        let reason = skipped_untouched(&part, format, Some(&meta), Some(&png), &bytes);
        assert!(
            reason.starts_with("it does not parse as"),
            "{name}: {reason}"
        );
    }
}

#[test]
fn a_cover_that_is_not_jpeg_or_png_is_skipped_but_the_tags_go_in() {
    let dir = tempfile::tempdir().unwrap();
    let part = write_part(dir.path(), "v.mp4.part", &valid_media::mp4(8, 320, 240));
    let webp = b"RIFF\x10\0\0\0WEBPVP8 \x04\0\0\0abcd";
    let outcome = embed(
        &part,
        TagFormat::Mp4,
        Some(&TagData::from_info(&info("d"))),
        Some(webp),
    )
    .unwrap();
    assert!(outcome.metadata_embedded() && !outcome.thumbnail_embedded());
    assert!(outcome.skip_reason().unwrap().contains("WebP"));
    let items = ilst_items(&std::fs::read(&part).unwrap());
    assert!(!items.contains_key(b"covr"));
    assert!(items.contains_key(b"\xa9nam"));
}

/// The generated files are what a media parser expects: lofty reads their audio properties
/// from the sample entries and sample tables (`esds`, `stts`, `mdhd`) and from the MP3 frames.
#[test]
fn generated_media_has_the_properties_it_announces() {
    use lofty::file::AudioFile;
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes, ms) in [
        ("v.mp4", valid_media::mp4(1, 576, 1024), 998),
        ("a.m4a", valid_media::m4a(1), 998),
        ("s.mp3", valid_media::mp3(1, 40), 1044),
    ] {
        let p = write_part(dir.path(), name, &bytes);
        let file = lofty::read_from_path(&p).unwrap();
        let props = file.properties();
        assert_eq!(props.sample_rate(), Some(44100), "{name}");
        assert_eq!(props.channels(), Some(1), "{name}");
        let got = props.duration().as_millis() as i64;
        assert!((got - ms).abs() <= 30, "{name}: {got} ms");
    }
}

/// `--embed-thumbnail` without `--embed-metadata`: the cover alone.
#[test]
fn a_cover_alone_goes_in_without_the_text_frames() {
    let dir = tempfile::tempdir().unwrap();
    let original = valid_media::mp3(2, 12);
    let cover = valid_media::png(3);
    let part = write_part(dir.path(), "s.mp3.part", &original);
    let outcome = embed(&part, TagFormat::Mp3, None, Some(&cover)).unwrap();
    assert!(!outcome.metadata_embedded() && outcome.thumbnail_embedded());
    let tagged = std::fs::read(&part).unwrap();
    let (tag_len, frames) = id3_frames(&tagged);
    let ids: Vec<&str> = frames.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(ids, ["APIC"]);
    assert_eq!(&tagged[tag_len..], original.as_slice());

    // Nothing asked for: the file is not even opened for writing.
    let untouched = write_part(dir.path(), "v.mp4.part", b"not looked at");
    let outcome = embed(&untouched, TagFormat::Mp4, None, None).unwrap();
    assert!(!outcome.metadata_embedded() && !outcome.thumbnail_embedded());
    assert_eq!(std::fs::read(&untouched).unwrap(), b"not looked at");
}

#[test]
fn a_fragmented_mp4_is_kept_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let meta = TagData::from_info(&info("d"));
    let fragmented = valid_media::fragmented_mp4(1);
    // The same file without its fragments (`moov` with `mvex` alone): still refused.
    let moov_end = path(&fragmented, &[b"moov"]).unwrap().1;
    let empty_moov = fragmented[..moov_end].to_vec();
    // Fragments behind a `moov` that does not announce them (its `mvex` made a `free` box).
    let mut unannounced = fragmented.clone();
    let mvex = path(&fragmented, &[b"moov", b"mvex"]).unwrap().0;
    unannounced[mvex - 4..mvex].copy_from_slice(b"free");
    let cases = [
        (
            "frag.mp4.part",
            TagFormat::Mp4,
            fragmented.clone(),
            "`mvex`",
        ),
        ("frag.m4a.part", TagFormat::M4a, fragmented, "`mvex`"),
        ("empty.mp4.part", TagFormat::Mp4, empty_moov, "`mvex`"),
        ("moof.mp4.part", TagFormat::Mp4, unannounced, "`moof`"),
    ];
    for (name, format, bytes, why) in cases {
        let part = write_part(dir.path(), name, &bytes);
        for cover in [None, Some(valid_media::png(2))] {
            for m in [Some(&meta), None] {
                if m.is_none() && cover.is_none() {
                    continue;
                }
                let reason = skipped_untouched(&part, format, m, cover.as_deref(), &bytes);
                assert!(
                    reason.contains("fragmented MP4") && reason.contains(why),
                    "{name}: {reason}"
                );
            }
        }
    }
}

#[test]
fn an_mp4_whose_layout_was_never_checked_is_kept_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let meta = TagData::from_info(&info("d"));
    let original = valid_media::mp4(4, 320, 240);
    let top = boxes(&original, 0, original.len());
    let moov = top.iter().find(|b| &b.0 == b"moov").unwrap();
    // Where the `moov` box (its 8-byte header) starts, and ends.
    let (start, end) = (moov.1 - 8, moov.2);
    // A `free` box of size 0 before `moov`: all that follows is inside it.
    let to_eof = [
        &original[..start],
        &[0, 0, 0, 0],
        b"free",
        &original[start..],
    ]
    .concat();
    // `moov` with a 64-bit size.
    let large_size = ((end - start + 8) as u64).to_be_bytes();
    let large = [
        &original[..start],
        &1u32.to_be_bytes(),
        b"moov",
        &large_size,
        &original[start + 8..],
    ]
    .concat();
    for (name, bytes, why) in [
        ("large.mp4.part", large, "64-bit"),
        ("eof.mp4.part", to_eof, "size 0"),
    ] {
        let part = write_part(dir.path(), name, &bytes);
        let reason = skipped_untouched(&part, TagFormat::Mp4, Some(&meta), None, &bytes);
        assert!(reason.contains(why), "{name}: {reason}");
    }
}
