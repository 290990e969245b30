//! Issue 10, parts 3 and 4, seen from outside: `info --json` that yt-dlp users' scripts read
//! unchanged, and the recovery when TikTok serves a page without data.

mod support;

use std::path::{Path, PathBuf};

use serde_json::Value;
use support::{DESKTOP_URL, Env};

const REFLOW_VIDEO_URL: &str = "https://m.tiktok.com/v/7600352599870557461.html";
const SLIDESHOW_URL: &str = "https://www.tiktok.com/@mu33.__/photo/7610426235671350549";
const SIGI_URL: &str = "https://www.tiktok.com/@juan_and_lonely/video/7243914257526541573";

fn formats(info: &Value) -> &Vec<Value> {
    info["formats"].as_array().expect("formats")
}

/// What `jq '.formats[] | select(.vcodec=="none") | .format_id'` prints.
fn audio_only_ids(info: &Value) -> Vec<String> {
    formats(info)
        .iter()
        .filter(|f| f["vcodec"] == "none")
        .map(|f| f["format_id"].to_string())
        .collect()
}

#[test]
fn f3_audio_rendition_listed_for_a_video_and_a_slideshow() {
    let env = Env::new();
    for url in [DESKTOP_URL, REFLOW_VIDEO_URL, SIGI_URL, SLIDESHOW_URL] {
        let info = env.info_json(url);
        assert_eq!(audio_only_ids(&info), ["\"audio\""], "{url}");
        let audio = formats(&info)
            .iter()
            .find(|f| f["vcodec"] == "none")
            .unwrap();
        assert_eq!(audio["ext"], "mp3", "{url}");
        assert_eq!(audio["acodec"], "mp3", "{url}");
        assert_eq!(audio["url"], info["music"]["url"], "{url}");
        assert_eq!(audio["duration"], info["music"]["duration"], "{url}");
        assert!(audio["duration"].as_u64().unwrap() > 0, "{url}");
        assert_eq!(audio["width"], Value::Null);
    }
}

#[test]
fn f3_watermarked_download_always_listed_without_a_borrowed_size() {
    let env = Env::new();
    // The mobile reflow page and the 2023 SIGI page both carry a `downloadAddr`.
    for url in [REFLOW_VIDEO_URL, SIGI_URL] {
        let info = env.info_json(url);
        let wm: Vec<&Value> = formats(&info)
            .iter()
            .filter(|f| f["watermarked"] == true)
            .collect();
        assert_eq!(wm.len(), 1, "{url}: {info}");
        let d = wm[0];
        assert_eq!(d["format_id"], "download_addr");
        assert_eq!(d["format_note"], "watermarked");
        assert_eq!(d["preference"], -2);
        // The page states no size for that rendition: none is copied from the video.
        assert_eq!(
            (&d["width"], &d["height"]),
            (&Value::Null, &Value::Null),
            "{url}"
        );
        assert_eq!(d["filesize"], Value::Null);
        // Lowest preference: every clean video rendition ranks above it.
        let video: Vec<&Value> = formats(&info)
            .iter()
            .filter(|f| f["vcodec"] != "none")
            .collect();
        assert_eq!(video[0]["format_id"], "download_addr", "worst first: {url}");
        assert!(
            video[1..]
                .iter()
                .all(|f| f["preference"].as_i64() > Some(-2))
        );
    }
    // A desktop page whose downloadAddr is "" lists none.
    let info = env.info_json(DESKTOP_URL);
    assert!(formats(&info).iter().all(|f| f["watermarked"] == false));
}

#[test]
fn f3_slideshow_duration_is_the_sounds() {
    let env = Env::new();
    let info = env.info_json(SLIDESHOW_URL);
    assert_eq!(info["kind"], "slideshow");
    assert_eq!(info["duration"], 31);
    assert_eq!(info["duration"], info["music"]["duration"]);
    // A video keeps its own length even when its sound is longer (M2: 79 s video, 364 s sound).
    let info = env.info_json(REFLOW_VIDEO_URL);
    assert_eq!(info["duration"], 79);
    assert_eq!(info["music"]["duration"], 364);
}

#[test]
fn f3_yt_dlp_keys_and_tikdl_extras_are_there() {
    let env = Env::new();
    let info = env.info_json(REFLOW_VIDEO_URL);
    for key in [
        "id",
        "title",
        "description",
        "uploader",
        "uploader_id",
        "channel",
        "channel_id",
        "timestamp",
        "upload_date",
        "duration",
        "view_count",
        "like_count",
        "comment_count",
        "repost_count",
        "save_count",
        "track",
        "artists",
        "thumbnails",
        "formats",
        "subtitles",
        "webpage_url",
        // tikdl's own
        "kind",
        "images",
        "music",
    ] {
        assert!(info.get(key).is_some(), "missing {key}: {info}");
    }
    for f in formats(&info) {
        for key in [
            "format_id",
            "url",
            "ext",
            "vcodec",
            "acodec",
            "width",
            "height",
            "tbr",
            "filesize",
            "format_note",
            "preference",
            "watermarked",
            "mirrors",
        ] {
            assert!(f.get(key).is_some(), "format lacks {key}: {f}");
        }
    }
}

fn download(env: &Env, out: &Path, args: &[&str]) -> Value {
    let o = env
        .cmd()
        .args(["download", "--json", "-P"])
        .arg(out)
        .args(args)
        .output()
        .expect("run tikdl");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_str(stdout.lines().next().expect("a result line")).expect("JSON")
}

fn saved(result: &Value, role: &str) -> Vec<PathBuf> {
    result["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter(|f| f["role"] == role)
        .map(|f| PathBuf::from(f["path"].as_str().unwrap()))
        .collect()
}

#[test]
fn f3_audio_is_chosen_by_selection_and_never_as_a_video() {
    let env = Env::new();
    // `-q audio` on a slideshow: only its sound, named with the rendition's ext.
    let out = env.dir.path().join("a");
    let r = download(&env, &out, &["-q", "audio", SLIDESHOW_URL]);
    let audio = saved(&r, "audio");
    assert_eq!(audio.len(), 1, "{r}");
    assert!(saved(&r, "image").is_empty(), "{r}");
    assert_eq!(audio[0].extension().and_then(|e| e.to_str()), Some("mp3"));
    // Result paths are relative to the folder tikdl ran in.
    let bytes = std::fs::read(env.dir.path().join(&audio[0])).expect("the sound on disk");
    assert!(bytes.starts_with(b"ID3"));
    // `-q worst` wants the smallest *video*: the audio-only rendition (no size) is never it.
    let out = env.dir.path().join("w");
    let r = download(&env, &out, &["-q", "worst", REFLOW_VIDEO_URL]);
    assert_eq!(r["format_id"], "play_addr", "{r}");
    assert_eq!(saved(&r, "video").len(), 1, "{r}");
    assert!(saved(&r, "audio").is_empty(), "{r}");
}
