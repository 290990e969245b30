//! `--embed-metadata` / `--embed-thumbnail`: `tikdl::save::tags::embed` on real, valid files from the
//! imitation (`valid_media`), and the same through the binary on the imitation's valid posts. Both
//! read the tags back with `support::walk` (an ISO-BMFF box walker and an ID3v2.4 frame walker
//! written here), not with lofty, which wrote them; the cover and the media payload byte-exact.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::support;
use crate::support::walk::*;
use crate::support::{Env, ndjson, part_of, stderr};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tikdl::VideoInfo;
use tikdl::save::tags::{CoverOutcome, EmbedOutcome, TagData, TagFormat, embed};
use tiktok_imitation::{valid_file, valid_media, valid_post_url};

// ---------------------------------------------------------------------------------------------
// the library on files
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// through the binary
// ---------------------------------------------------------------------------------------------

const BY_ID: &str = "%(id)s.%(ext)s";
/// A generated post whose media is random bytes: nothing a tag library can parse.
const RANDOM_BYTES_URL: &str = "https://www.tiktok.com/@any/video/7300000000000102001";

/// `tikdl download --json -P out -o ID.EXT ARGS URL`: (exit code, result line, stderr).
fn download(env: &Env, args: &[&str], url: &str) -> (i32, Value, String) {
    let run = support::download(env, &[&["-P", "out", "-o", BY_ID], args, &[url]].concat());
    (run.code, run.result().clone(), run.stderr)
}

/// The one file with `role` in a result: its JSON entry and its path on disk.
fn file<'a>(env: &Env, result: &'a Value, role: &str) -> (&'a Value, PathBuf) {
    let f = result["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["role"] == role)
        .unwrap_or_else(|| panic!("no {role} in {result}"));
    (f, env.dir.path().join(f["path"].as_str().unwrap()))
}

/// `YYYYMMDD` -> `YYYY-MM-DD`.
fn iso(d: &str) -> String {
    format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..])
}

fn encoder() -> String {
    format!("tikdl {}", env!("CARGO_PKG_VERSION"))
}

/// The tagged MP4 against the served one and the post's metadata: every atom, the cover, and
/// the samples (mdat bytes and their offsets relative to mdat) unchanged.
fn check_mp4(tagged: &[u8], served: &[u8], info: &Value, cover: &[u8]) {
    let items = ilst_items(tagged);
    let s = |k: &str| info[k].as_str().unwrap().to_owned();
    assert_eq!(utf8_item(&items, b"\xa9nam"), Some(s("title")));
    assert_eq!(utf8_item(&items, b"\xa9ART"), Some(s("uploader")));
    assert_eq!(utf8_item(&items, b"aART"), Some(s("channel")));
    assert_eq!(utf8_item(&items, b"\xa9day"), Some(iso(&s("upload_date"))));
    assert_eq!(utf8_item(&items, b"\xa9cmt"), Some(s("webpage_url")));
    assert_eq!(utf8_item(&items, b"\xa9too"), Some(encoder()));
    let description = s("description");
    let desc = utf8_item(&items, b"desc").unwrap();
    assert!(
        description.starts_with(&desc) && desc.len() <= 255,
        "{desc}"
    );
    if description.len() > 255 {
        assert!(desc.len() > 251, "cut at the last character boundary");
        assert_eq!(utf8_item(&items, b"ldes"), Some(description));
    } else {
        assert_eq!(desc, description);
        assert!(!items.contains_key(b"ldes"));
    }
    assert_eq!(items[b"covr"], vec![(13, cover.to_vec())], "covr: one JPEG");

    let (ts, te) = mdat(tagged);
    let (os, oe) = mdat(served);
    assert_eq!(sha(&tagged[ts..te]), sha(&served[os..oe]), "mdat payload");
    let rel = |file: &[u8], start: usize| -> Vec<i64> {
        chunk_offsets(file)
            .iter()
            .map(|o| *o as i64 - start as i64)
            .collect()
    };
    assert_eq!(
        rel(tagged, ts),
        rel(served, os),
        "chunk offsets follow mdat"
    );
}

#[test]
fn a_video_gets_every_atom_the_cover_and_keeps_its_samples() {
    let env = Env::new();
    let url = valid_post_url(1);
    let info = env.info_json(&url);
    let (code, result, err) = download(&env, &["--embed-metadata", "--embed-thumbnail"], &url);
    assert_eq!(code, 0, "{err}");
    let (entry, path) = file(&env, &result, "video");
    assert_eq!(entry["metadata_embedded"], true, "{result}");
    assert_eq!(entry["thumbnail_embedded"], true, "{result}");
    let tagged = std::fs::read(&path).unwrap();
    assert_eq!(entry["bytes"], tagged.len() as u64);
    let served = valid_file(1, "1080.mp4").unwrap();
    assert!(tagged.len() > served.len());
    check_mp4(
        &tagged,
        &served,
        &info,
        &valid_file(1, "cover.jpeg").unwrap(),
    );
    assert!(!err.contains("tagging skipped"), "{err}");

    // Again: the tagged file (bigger than the announced size) is recognised as this download.
    let (code, again, err) = download(&env, &["--embed-metadata", "--embed-thumbnail"], &url);
    assert_eq!(code, 0, "{err}");
    assert_eq!(again["status"], "already_downloaded", "{again}");
    let (entry, _) = file(&env, &again, "video");
    assert_eq!(entry["metadata_embedded"], Value::Null);
    assert_eq!(std::fs::read(&path).unwrap(), tagged);
}

#[test]
fn audio_gets_id3v24_frames_the_cover_and_keeps_its_frames() {
    let env = Env::new();
    let url = valid_post_url(2);
    let info = env.info_json(&url);
    let (code, result, err) =
        download(&env, &["-x", "--embed-metadata", "--embed-thumbnail"], &url);
    assert_eq!(code, 0, "{err}");
    let (entry, path) = file(&env, &result, "audio");
    assert_eq!(entry["metadata_embedded"], true, "{result}");
    assert_eq!(entry["thumbnail_embedded"], true, "{result}");
    assert_eq!(path.extension().unwrap(), "mp3");
    let tagged = std::fs::read(&path).unwrap();
    let served = valid_file(2, "sound.mp3").unwrap();
    let (tag_len, frames) = id3_frames(&tagged);
    assert_eq!(
        sha(&tagged[tag_len..]),
        sha(&served),
        "MP3 frames untouched"
    );

    let s = |k: &str| info[k].as_str().unwrap().to_owned();
    let text = |id: &str| {
        let all: Vec<_> = frames.iter().filter(|f| f.0 == id).collect();
        assert_eq!(all.len(), 1, "one {id}");
        id3_text(&all[0].1)
    };
    assert_eq!(text("TIT2"), s("title"));
    assert_eq!(text("TPE1"), s("uploader"));
    assert_eq!(text("TPE2"), s("channel"));
    assert_eq!(text("TDRC"), iso(&s("upload_date")));
    assert_eq!(text("TSSE"), encoder());
    // COMM: encoding, language, description NUL text.
    let comments: Vec<(String, String)> = frames
        .iter()
        .filter(|f| f.0 == "COMM")
        .map(|(_, b)| {
            assert_eq!(b[0], 3, "UTF-8");
            let (d, t) = cut_nul(&b[4..]);
            (
                String::from_utf8(d.to_vec()).unwrap(),
                String::from_utf8(t.to_vec()).unwrap(),
            )
        })
        .collect();
    assert!(
        comments.contains(&(String::new(), s("webpage_url"))),
        "{comments:?}"
    );
    assert!(
        comments.contains(&("description".into(), s("description"))),
        "{comments:?}"
    );
    let woas = &frames.iter().find(|f| f.0 == "WOAS").unwrap().1;
    assert_eq!(woas.as_slice(), s("webpage_url").as_bytes());
    // APIC: encoding, MIME NUL, picture type 3 (front cover), description NUL, data.
    let apic = &frames.iter().find(|f| f.0 == "APIC").unwrap().1;
    let (mime, rest) = cut_nul(&apic[1..]);
    assert_eq!(mime, b"image/jpeg");
    assert_eq!(rest[0], 3);
    let (_, data) = cut_nul(&rest[1..]);
    assert_eq!(data, valid_file(2, "cover.jpeg").unwrap().as_slice());
}

#[test]
fn without_the_flags_nothing_is_embedded_and_json_says_so() {
    let env = Env::new();
    let url = valid_post_url(2);
    let (code, result, _) = download(&env, &[], &url);
    assert_eq!(code, 0);
    let (entry, path) = file(&env, &result, "video");
    assert_eq!(entry["metadata_embedded"], false);
    assert_eq!(entry["thumbnail_embedded"], false);
    assert_eq!(
        std::fs::read(path).unwrap(),
        valid_file(2, "1080.mp4").unwrap()
    );
}

/// The config keys turn it on as the flags do.
#[test]
fn config_keys_turn_embedding_on() {
    let env = Env::new();
    let config = env.dir.path().join("tikdl.toml");
    std::fs::write(
        &config,
        "[download]\nembed_metadata = true\nembed_thumbnail = false\n",
    )
    .unwrap();
    let out = env
        .cmd_with_config(&config)
        .args(["download", "--json", "-P", "out", "-o", BY_ID])
        .arg(valid_post_url(2))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let result = ndjson(&out.stdout).remove(0);
    let (entry, path) = file(&env, &result, "video");
    assert_eq!(entry["metadata_embedded"], true);
    assert_eq!(entry["thumbnail_embedded"], false);
    let items = ilst_items(&std::fs::read(path).unwrap());
    assert!(items.contains_key(b"\xa9nam") && !items.contains_key(b"covr"));
}

#[test]
fn a_file_that_does_not_parse_is_kept_warned_about_once_and_archived() {
    let env = Env::new();
    let info = env.info_json(RANDOM_BYTES_URL);
    let served = env
        .tiktok
        .media_bytes(info["formats"][0]["url"].as_str().unwrap());
    std::fs::write(env.dir.path().join("urls.txt"), RANDOM_BYTES_URL).unwrap();
    let out = env
        .cmd()
        .args(["batch", "--json", "-P", "out", "-o", BY_ID])
        .args(["--embed-metadata", "--embed-thumbnail"])
        .args(["--download-archive", "done.txt", "urls.txt"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(err.matches("tagging skipped").count(), 1, "{err}");
    assert!(err.contains("does not parse as MP4"), "{err}");
    assert!(err.contains("kept as downloaded"), "{err}");
    let result = ndjson(&out.stdout)
        .into_iter()
        .find(|l| l["files"].is_array())
        .unwrap();
    let (entry, path) = file(&env, &result, "video");
    assert_eq!(entry["metadata_embedded"], false, "{result}");
    assert_eq!(entry["thumbnail_embedded"], false, "{result}");
    let kept = std::fs::read(path).unwrap();
    let format = info["formats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["format_id"] == result["format_id"])
        .unwrap();
    let served = if format["url"] == info["formats"][0]["url"] {
        served
    } else {
        env.tiktok.media_bytes(format["url"].as_str().unwrap())
    };
    assert!(kept == served, "the file is byte for byte what was served");
    let archive = std::fs::read_to_string(env.dir.path().join("done.txt")).unwrap();
    assert!(archive.contains("7300000000000102001"), "{archive}");
}

/// A fragmented MP4 is not tagged (its fragment offsets would break): it is kept byte for byte as
/// served, one warning says why, and the post succeeds.
#[test]
fn a_fragmented_mp4_is_kept_as_served_with_one_warning() {
    let env = Env::new();
    for flags in [
        &["--embed-metadata"][..],
        &["--embed-thumbnail"],
        &["--embed-metadata", "--embed-thumbnail"],
    ] {
        let (code, result, err) = download(&env, flags, &valid_post_url(3));
        assert_eq!(code, 0, "{flags:?}: {err}");
        assert_eq!(
            err.matches("tagging skipped").count(),
            1,
            "{flags:?}: {err}"
        );
        assert!(err.contains("fragmented MP4"), "{err}");
        assert!(err.contains("kept as downloaded"), "{err}");
        let (entry, path) = file(&env, &result, "video");
        assert_eq!(entry["metadata_embedded"], false, "{result}");
        assert_eq!(entry["thumbnail_embedded"], false, "{result}");
        let rendition = result["format_id"].as_str().unwrap();
        let served = if rendition.contains("720") {
            valid_file(3, "720.mp4")
        } else {
            valid_file(3, "1080.mp4")
        };
        assert!(
            std::fs::read(&path).ok() == served,
            "{flags:?}: not as served"
        );
        std::fs::remove_dir_all(env.dir.path().join("out")).unwrap();
    }
}

/// A crash after tagging began and before the rename (simulated: the `.part` holds a half
/// rewritten tagged file and its record says tagging started): the next run starts the file
/// over instead of resuming it, and the final name gets a complete, valid file.
#[test]
fn a_part_left_while_tagging_is_started_over() {
    let env = Env::new();
    let url = valid_post_url(2);
    let info = env.info_json(&url);
    let args = ["--embed-metadata", "--embed-thumbnail"];
    let (_, first, _) = download(&env, &args, &url);
    let (_, video) = file(&env, &first, "video");
    let tagged = std::fs::read(&video).unwrap();
    std::fs::remove_file(&video).unwrap();
    let part = part_of(&video);
    std::fs::write(&part, &tagged[..tagged.len() / 2]).unwrap();
    let size = valid_file(2, "1080.mp4").unwrap().len();
    let fid = first["format_id"].as_str().unwrap();
    let mut meta = part.as_os_str().to_owned();
    meta.push(".meta");
    std::fs::write(
        &meta,
        format!("tikdl partial download\nrendition: {fid}\nsize: {size}\ntagging: started\n"),
    )
    .unwrap();
    let (code, again, err) = download(&env, &args, &url);
    assert_eq!(code, 0, "{err}");
    assert_eq!(again["status"], "downloaded");
    // Resumed, the tagged half plus the served tail would be no valid file: it was restarted
    // (the imitation does not log requests for these posts' media, so the file is the proof).
    let saved = std::fs::read(&video).unwrap();
    check_mp4(
        &saved,
        &valid_file(2, "1080.mp4").unwrap(),
        &info,
        &valid_file(2, "cover.jpeg").unwrap(),
    );
    assert!(!part.exists());
}

/// SIGINT at the moment the `.part` is complete (tagging, or the rename, is what runs then):
/// the final name holds nothing or a complete, valid tagged file; a second run finishes.
#[test]
fn ctrl_c_while_tagging_leaves_no_broken_final_file() {
    let env = Env::new();
    let url = valid_post_url(1);
    let info = env.info_json(&url);
    let served = valid_file(1, "1080.mp4").unwrap();
    let cover = valid_file(1, "cover.jpeg").unwrap();
    let out = env.dir.path().join("out");
    let video = out.join(format!("{}.mp4", info["id"].as_str().unwrap()));
    let part = part_of(&video);
    let mut child = env
        .std_cmd()
        .args(["download", "--quiet", "-o", BY_ID, "--embed-metadata"])
        .arg("--embed-thumbnail")
        .arg("-P")
        .arg(&out)
        .arg(&url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    // As soon as all the bytes are in the `.part` (or the file is already done).
    loop {
        let len = std::fs::metadata(&part).map_or(0, |m| m.len());
        if len >= served.len() as u64 || video.exists() || child.try_wait().unwrap().is_some() {
            break;
        }
        assert!(Instant::now() < deadline, "the .part never filled");
        std::thread::sleep(Duration::from_micros(200));
    }
    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = child.wait().unwrap();
    assert!(matches!(status.code(), Some(0 | 130)), "{status:?}");
    // A `.part` left behind is either raw bytes (a prefix of the served file, resumable) or
    // marked in its record as being tagged (so the next run starts it over). In practice the
    // signal lands after tagging began most of the time: the `.part` is bigger than served.
    if part.exists() {
        let kept = std::fs::read(&part).unwrap();
        let mut record = part.as_os_str().to_owned();
        record.push(".meta");
        let record = std::fs::read_to_string(PathBuf::from(record)).unwrap_or_default();
        assert!(
            served.starts_with(&kept) || record.contains("tagging: started"),
            "{} bytes left, record {record:?}",
            kept.len()
        );
    }
    if video.exists() {
        check_mp4(&std::fs::read(&video).unwrap(), &served, &info, &cover);
    }
    let (code, result, err) = download(&env, &["--embed-metadata", "--embed-thumbnail"], &url);
    assert_eq!(code, 0, "{err}");
    let (_, path) = file(&env, &result, "video");
    assert_eq!(path, video);
    check_mp4(&std::fs::read(&video).unwrap(), &served, &info, &cover);
    assert!(!part.exists());
}

/// A tagged file is only this post's when its tags
/// name this post. Another post whose name renders the same is refused (not archived as
/// "already downloaded"), and a run without the flags still knows its own tagged file.
#[test]
fn a_tagged_file_counts_only_for_the_post_it_names() {
    let env = Env::new();
    let (one, two) = (valid_post_url(1), valid_post_url(2));
    let run = |args: &[&str], url: &str| {
        let out = env
            .cmd()
            .args(["download", "--json", "-P", "out", "-o", "same.%(ext)s"])
            .args(args)
            .arg(url)
            .output()
            .unwrap();
        let mut lines = ndjson(&out.stdout);
        assert_eq!(lines.len(), 1, "{lines:?} {}", stderr(&out));
        (out.status.code().unwrap(), lines.remove(0), stderr(&out))
    };
    let (code, first, err) = run(&["--embed-metadata"], &one);
    assert_eq!(code, 0, "{err}");
    let (_, path) = file(&env, &first, "video");
    let tagged = std::fs::read(&path).unwrap();
    // Post 2 renders the same name: its download must not take post 1's file for its own.
    let (code, second, err) = run(&["--embed-metadata"], &two);
    assert_eq!(code, 1, "{second}\n{err}");
    assert_eq!(second["status"], "failed", "{second}");
    assert_eq!(std::fs::read(&path).unwrap(), tagged);
    // Post 1 again, now without the flags: its own tagged file is already downloaded.
    let (code, again, err) = run(&[], &one);
    assert_eq!(code, 0, "{again}\n{err}");
    assert_eq!(again["status"], "already_downloaded", "{again}");
    assert_eq!(std::fs::read(&path).unwrap(), tagged);
}

/// `--embed-thumbnail` alone: the cover goes in, no metadata is reported as embedded, and a
/// rerun knows the bigger file as this post's (tikdl's mark and the post URL are written with
/// the cover for that).
#[test]
fn a_cover_alone_is_still_recognised_on_a_rerun() {
    let env = Env::new();
    let url = valid_post_url(1);
    let (code, first, err) = download(&env, &["--embed-thumbnail"], &url);
    assert_eq!(code, 0, "{err}");
    let (entry, path) = file(&env, &first, "video");
    assert_eq!(entry["thumbnail_embedded"], true, "{first}");
    assert_eq!(entry["metadata_embedded"], false, "{first}");
    let tagged = std::fs::read(&path).unwrap();
    let (code, again, err) = download(&env, &["--embed-thumbnail"], &url);
    assert_eq!(code, 0, "{again}\n{err}");
    assert_eq!(again["status"], "already_downloaded", "{again}");
    assert_eq!(std::fs::read(&path).unwrap(), tagged);
}

/// A cover that arrives a byte at a time is cut at the low-speed limit: the post goes on and is
/// saved without it, instead of waiting hours for the cover before its video starts.
#[test]
fn a_cover_that_trickles_ends_at_the_low_speed_limit() {
    let env = Env::new();
    let url = support::DESKTOP_URL;
    let info = env.info_json(url);
    let covers: Vec<&str> = info["thumbnails"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["url"].as_str())
        .collect();
    assert!(!covers.is_empty(), "{info}");
    for cover in &covers {
        let cover = reqwest::Url::parse(cover).unwrap();
        env.tiktok.add_fault(support::FaultRule {
            host: cover.host_str().map(str::to_owned),
            path_contains: cover.path().to_owned(),
            // One byte every 50 ms: 20 bytes/s, for as long as the cover lasts.
            fault: support::Fault::Trickle(0),
            times: 0,
        });
    }
    let out = env
        .cmd()
        .timeout(Duration::from_secs(40))
        .args([
            "download",
            "--json",
            "-P",
            "out",
            "-o",
            BY_ID,
            "--embed-thumbnail",
        ])
        .args(["--low-speed-limit", "1000", "--low-speed-time", "1"])
        .arg(url)
        .output()
        .unwrap();
    let err = stderr(&out);
    let lines = ndjson(&out.stdout);
    assert_eq!(lines.len(), 1, "the post was not reported: {err}");
    assert_eq!(lines[0]["status"], "downloaded", "{}\n{err}", lines[0]);
    let (entry, path) = file(&env, &lines[0], "video");
    assert!(path.is_file(), "{}", lines[0]);
    assert_ne!(entry["thumbnail_embedded"], true, "{}", lines[0]);
    assert!(
        err.contains("cover not embedded") && err.contains("transfer too slow"),
        "{err}"
    );
}
