//! The imitation's valid-media posts: what `tikdl download` saves from them is a real
//! MP4 / MP3 / JPEG, byte for byte what the CDN served, and the `@imitation45` profile can grow
//! new posts on top (for `--break-on-existing`).

mod support;

use std::path::Path;

use serde_json::Value;
use support::{Env, ndjson};
use tiktok_imitation::{new_profile_post_id, valid_file, valid_post_url};

/// `tikdl ARGS` (with `--json`): its NDJSON lines, after checking it succeeded.
fn run(env: &Env, args: &[&str]) -> Vec<Value> {
    let out = env.cmd().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?}: {stderr}");
    ndjson(&out.stdout)
}

/// `tikdl download --json ARGS URL` into `out/ID.EXT`: the one result line.
fn download(env: &Env, args: &[&str], url: &str) -> Value {
    let common = ["download", "--json", "-P", "out", "-o", "%(id)s.%(ext)s"];
    let mut lines = run(env, &[&common[..], args, &[url]].concat());
    assert_eq!(lines.len(), 1, "{lines:?}");
    lines.remove(0)
}

/// The bytes of the saved file with `role`.
fn saved(env: &Env, result: &Value, role: &str) -> Vec<u8> {
    let files = result["files"].as_array().unwrap();
    let file = files
        .iter()
        .find(|f| f["role"] == role)
        .unwrap_or_else(|| panic!("no {role} in {result}"));
    std::fs::read(env.dir.path().join(file["path"].as_str().unwrap())).unwrap()
}

/// ISO-BMFF boxes directly inside `b`, as (type, body); panics unless they tile `b` exactly.
fn boxes(b: &[u8]) -> Vec<([u8; 4], &[u8])> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < b.len() {
        let size = u32::from_be_bytes(b[pos..pos + 4].try_into().unwrap()) as usize;
        assert!(size >= 8 && pos + size <= b.len(), "box at {pos} overruns");
        out.push((
            b[pos + 4..pos + 8].try_into().unwrap(),
            &b[pos + 8..pos + size],
        ));
        pos += size;
    }
    out
}

fn kinds(list: &[([u8; 4], &[u8])]) -> Vec<String> {
    list.iter()
        .map(|(k, _)| String::from_utf8_lossy(k).into_owned())
        .collect()
}

#[test]
fn video_is_a_valid_mp4_equal_to_the_served_file() {
    let env = Env::new();
    let r = download(&env, &["--write-thumbnail"], &valid_post_url(1));
    let video = saved(&env, &r, "video");
    let want = valid_file(1, "1080.mp4").unwrap();
    assert!(
        video == want,
        "not the served 1080p file ({} bytes)",
        video.len()
    );

    // Box walk: ftyp, moov, mdat tile the file; moov has the movie header and two tracks, and
    // the first track's chunk offset points at the first byte of mdat's payload.
    let top = boxes(&video);
    assert_eq!(kinds(&top), ["ftyp", "moov", "mdat"]);
    assert_eq!(&top[0].1[..4], b"isom");
    let moov = boxes(top[1].1);
    assert_eq!(kinds(&moov), ["mvhd", "trak", "trak"]);
    let stco = video.windows(4).position(|w| w == b"stco").unwrap();
    let offset = u32::from_be_bytes(video[stco + 12..stco + 16].try_into().unwrap()) as usize;
    assert_eq!(offset, video.len() - top[2].1.len());

    // The cover is the served baseline JPEG, saved as .jpg.
    let cover = saved(&env, &r, "thumbnail");
    assert_eq!(cover, valid_file(1, "cover.jpeg").unwrap());
    assert!(cover.starts_with(&[0xff, 0xd8, 0xff]) && cover.ends_with(&[0xff, 0xd9]));
    let id = r["id"].as_str().unwrap();
    assert!(
        Path::new(env.dir.path())
            .join(format!("out/{id}.jpg"))
            .is_file()
    );
}

#[test]
fn audio_only_is_the_served_mp3() {
    let env = Env::new();
    let r = download(&env, &["-x"], &valid_post_url(2));
    let audio = saved(&env, &r, "audio");
    assert_eq!(audio, valid_file(2, "sound.mp3").unwrap());
    assert!(
        audio.starts_with(&[0xff, 0xfb]),
        "MPEG-1 Layer III frame sync"
    );
    let id = r["id"].as_str().unwrap();
    assert!(env.dir.path().join(format!("out/{id}.mp3")).is_file());
}

#[test]
fn new_profile_posts_are_listed_on_top_and_download() {
    let env = Env::new();
    env.tiktok.add_new_profile_posts(3);
    let profile = "https://www.tiktok.com/@imitation45";
    let ids: Vec<String> = run(&env, &["info", "--json", "--max", "4", profile])
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    let want = [
        new_profile_post_id(3).to_string(),
        new_profile_post_id(2).to_string(),
        new_profile_post_id(1).to_string(),
        "7300000000000000001".to_owned(),
    ];
    assert_eq!(ids, want);

    // A new post's page serves the same valid media.
    let url = format!("https://www.tiktok.com/@imitation45/video/{}", want[0]);
    let r = download(&env, &[], &url);
    let n = new_profile_post_id(3) - tiktok_imitation::VALID_BASE;
    assert!(saved(&env, &r, "video") == valid_file(n, "1080.mp4").unwrap());
}
