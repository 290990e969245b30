//! `tikdl download` against the local TikTok imitation: format choice, slideshows, audio,
//! sidecars, output templates, resuming, faults, Ctrl-C, and hostile names. Every test compares
//! the bytes on disk with exactly what the imitation's CDN served for the chosen URL.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::support;
use crate::support::{
    DESKTOP_ID, DESKTOP_URL, Env, Fault, FaultRule, RequestRecord, Run, download, download_in,
    files, format_url, media_requests, page_requests, part_of, s,
};
use serde_json::Value;
use tiktok_imitation::{
    HOSTILE_BASE, HOSTILE_NAMES, new_profile_post_id, valid_file, valid_post_url,
};

const PHOTO_URL: &str = "https://www.tiktok.com/@mu33.__/photo/7610426235671350549";
const D2_URL: &str = "https://www.tiktok.com/@dangthuhaf/video/7526770564367748360";
pub(crate) const BEST: &str = "adapt_lowest_1080_1";
/// A template whose file name is known in advance (for tests that prepare `.part` files).
pub(crate) const BY_ID: &str = "%(id)s.%(ext)s";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A fresh output folder under the env's temp dir.
pub(crate) fn out_dir(env: &Env, name: &str) -> PathBuf {
    env.dir.path().join(name)
}

pub(crate) fn format<'a>(info: &'a Value, id: &str) -> &'a Value {
    info["formats"]
        .as_array()
        .expect("formats")
        .iter()
        .find(|f| f["format_id"] == id)
        .unwrap_or_else(|| panic!("no format {id}"))
}

fn the_file(result: &Value, role: &str) -> PathBuf {
    let f = files(result, role);
    assert_eq!(f.len(), 1, "one {role} file expected: {result}");
    f[0].clone()
}

/// Relative result paths are relative to the folder tikdl ran in.
fn on_disk(env: &Env, p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_owned()
    } else {
        env.dir.path().join(p)
    }
}

fn assert_served(env: &Env, path: &Path, url: &str) {
    support::assert_bytes(path, &env.tiktok.media_bytes(url));
}

/// Host and a substring that identifies `url` among the requests (its path, or for the shared
/// `/aweme/v1/play/` path its `file_id`).
pub(crate) fn target(url: &str) -> (String, String) {
    let rest = url.split_once("://").expect("absolute URL").1;
    let (host, pq) = rest.split_at(rest.find('/').expect("path"));
    let path = pq.split('?').next().unwrap_or(pq);
    let needle = if path.starts_with("/aweme/v1/play/") {
        let q = pq.split_once('?').expect("query").1;
        q.split('&')
            .find(|kv| kv.starts_with("file_id="))
            .expect("file_id")
            .to_owned()
    } else {
        path.to_owned()
    };
    (host.to_owned(), needle)
}

pub(crate) fn fault(url: &str, fault: Fault, times: u32) -> FaultRule {
    let (host, needle) = target(url);
    FaultRule {
        host: Some(host),
        path_contains: needle,
        fault,
        times,
    }
}

/// The requests made for `url` (on its own host).
pub(crate) fn requests_for(env: &Env, url: &str) -> Vec<RequestRecord> {
    let (host, needle) = target(url);
    env.tiktok
        .requests()
        .into_iter()
        .filter(|r| r.host == host && r.path.contains(&needle))
        .collect()
}

/// (host, range, status) of each request, for failure messages.
fn brief(reqs: &[RequestRecord]) -> Vec<(&str, Option<&str>, u16)> {
    reqs.iter()
        .map(|r| (r.host.as_str(), r.range.as_deref(), r.status))
        .collect()
}

/// Every file (not folder) under `dir`, recursively; symlinks are listed, not followed.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries {
            let e = e.expect("dir entry");
            let ft = e.file_type().expect("file type");
            if ft.is_dir() {
                stack.push(e.path());
            } else if e.file_name() != support::MANIFEST {
                // tikdl's record of whose files these are is not one of them.
                out.push(e.path());
            }
        }
    }
    out.sort();
    out
}

/// Plants `bytes` as the `.part` of `video`, with the record saying rendition `format_id` of
/// `info` wrote it (a `.part` is resumed only by the rendition that wrote it).
pub(crate) fn plant_part(video: &Path, bytes: &[u8], info: &Value, format_id: &str) {
    std::fs::write(part_of(video), bytes).unwrap();
    let size = format(info, format_id)["filesize"]
        .as_u64()
        .expect("filesize");
    let mut name = video.file_name().expect("file name").to_os_string();
    name.push(".part.meta");
    std::fs::write(
        video.with_file_name(name),
        format!(
            "tikdl partial download\npost: {}\nrole: video\nrendition: {format_id}\nsize: {size}\n",
            info["id"].as_str().expect("id")
        ),
    )
    .unwrap();
}

// ---------------------------------------------------------------------------------------------
// Format choice
// ---------------------------------------------------------------------------------------------

/// Downloads D1 with `args` into a fresh folder and checks the chosen format and its bytes, and
/// that no other rendition was fetched.
fn check_choice(env: &Env, info: &Value, case: usize, args: &[&str], want: &str) {
    let out = out_dir(env, &format!("q{case}"));
    env.tiktok.clear_requests();
    let mut all = vec!["-P", s(&out)];
    all.extend_from_slice(args);
    all.push(DESKTOP_URL);
    let run = download(env, &all).ok();
    let r = run.result();
    assert_eq!(r["format_id"], want, "{args:?}");
    assert_eq!(r["watermarked"], false);
    assert_eq!(r["id"], DESKTOP_ID);
    let url = format_url(info, want);
    let path = on_disk(env, &the_file(r, "video"));
    assert!(path.starts_with(&out), "{}", path.display());
    assert_eq!(path.extension().and_then(|e| e.to_str()), Some("mp4"));
    assert_served(env, &path, &url);
    let size = format(info, want)["filesize"].as_u64().expect("filesize");
    assert_eq!(r["bytes"], size);
    assert_eq!(r["files"][0]["bytes"], size);
    let (_, needle) = target(&url);
    let media = media_requests(env);
    assert!(!media.is_empty());
    assert!(
        media.iter().all(|m| m.path.contains(&needle)),
        "{args:?}: only {want} should be fetched: {media:?}"
    );
}

#[test]
fn best_worst_and_named_qualities() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    let cases: &[(&[&str], &str)] = &[
        (&[], BEST),
        (&["-f", "best"], BEST),
        (&["-f", "worst"], "lower_540_0"),
        (&["-f", "worst", "--codec", "h265"], "adapt_540_1"),
        (&["-f", "hd"], BEST),
        (&["-f", "1080p"], BEST),
        (&["-f", "sd"], "adapt_lower_720_1"),
        (&["-f", "720p"], "adapt_lower_720_1"),
    ];
    for (i, (args, want)) in cases.iter().enumerate() {
        check_choice(&env, &info, i, args, want);
    }
}

#[test]
fn quality_540_and_codec_choice() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    // Three 540 renditions: h264 (the default) takes the better h264, h265 the h265 one.
    let cases: &[(&[&str], &str)] = &[
        (&["-f", "540p"], "normal_540_0"),
        (&["-f", "576p"], "normal_540_0"),
        (&["-f", "540p", "--codec", "h264"], "normal_540_0"),
        (&["-f", "540p", "--codec", "h265"], "adapt_540_1"),
        (&["-f", "540p", "--codec", "hevc"], "adapt_540_1"),
        // A codec preference never drops the class: 720 has only h265, and h264 asked still
        // gets the 720 rendition.
        (&["-f", "720p", "--codec", "h264"], "adapt_lower_720_1"),
    ];
    for (i, (args, want)) in cases.iter().enumerate() {
        check_choice(&env, &info, i, args, want);
    }
}

#[test]
fn missing_quality_falls_back_to_the_lowest_above() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    // D1 has nothing at or below 480 or 360: the lowest class above (540) is taken.
    let cases: &[(&[&str], &str)] = &[
        (&["-f", "ld"], "normal_540_0"),
        (&["-f", "480p"], "normal_540_0"),
        (&["-f", "mobile"], "normal_540_0"),
        (&["-f", "360p"], "normal_540_0"),
        (&["-f", "360p", "--codec", "h265"], "adapt_540_1"),
    ];
    for (i, (args, want)) in cases.iter().enumerate() {
        check_choice(&env, &info, i, args, want);
    }
}

#[test]
fn bad_quality_or_codec_is_a_usage_error() {
    let env = Env::new();
    for args in [["-f", "4k"], ["--codec", "vp9"]] {
        let run = download(&env, &[args[0], args[1], DESKTOP_URL]);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.lines.is_empty());
    }
    assert!(
        env.tiktok.requests().is_empty(),
        "nothing fetched on bad usage"
    );
}

// ---------------------------------------------------------------------------------------------
// Audio, slideshows, sidecars, templates
// ---------------------------------------------------------------------------------------------

#[test]
fn audio_only_saves_the_sound_as_mp3() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    let music = info["music"]["url"].as_str().expect("music url");
    for (i, flag) in [["-x", ""], ["--audio-only", ""], ["-f", "audio"]]
        .iter()
        .enumerate()
    {
        let out = out_dir(&env, &format!("a{i}"));
        env.tiktok.clear_requests();
        let mut args = vec!["-P", s(&out), flag[0]];
        if !flag[1].is_empty() {
            args.push(flag[1]);
        }
        args.push(DESKTOP_URL);
        let run = download(&env, &args).ok();
        let r = run.result();
        assert_eq!(r["files"].as_array().unwrap().len(), 1, "{r}");
        let path = on_disk(&env, &the_file(r, "audio"));
        assert_eq!(path.extension().and_then(|e| e.to_str()), Some("mp3"));
        assert_served(&env, &path, music);
        assert!(std::fs::read(&path).unwrap().starts_with(b"ID3"));
        assert_eq!(r["format_id"], Value::Null, "no video format taken");
        // No video was fetched.
        let (_, needle) = target(music);
        assert!(
            media_requests(&env)
                .iter()
                .all(|m| m.path.contains(&needle)),
            "{:?}",
            media_requests(&env)
        );
    }
}

#[test]
fn slideshow_saves_every_image_in_order_and_the_audio() {
    let env = Env::new();
    let info = env.info_json(PHOTO_URL);
    let images = info["images"].as_array().expect("images");
    assert_eq!(images.len(), 4);
    let out = out_dir(&env, "photo");
    let run = download(&env, &["-P", s(&out), PHOTO_URL]).ok();
    let r = run.result();
    let saved = files(r, "image");
    assert_eq!(saved.len(), 4, "{r}");
    for (img, path) in images.iter().zip(&saved) {
        let path = on_disk(&env, path);
        assert!(path.starts_with(&out));
        assert_served(&env, &path, img["url"].as_str().unwrap());
    }
    // File names sort in post order.
    let mut sorted = saved.clone();
    sorted.sort();
    assert_eq!(sorted, saved);
    let audio = on_disk(&env, &the_file(r, "audio"));
    assert_eq!(audio.extension().and_then(|e| e.to_str()), Some("mp3"));
    assert_served(&env, &audio, info["music"]["url"].as_str().unwrap());
    let total: u64 = walk(&out)
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().len())
        .sum();
    assert_eq!(r["bytes"], total);
    assert_eq!(walk(&out).len(), 5, "4 images + audio, nothing else");
}

#[test]
fn slideshow_no_audio_skips_the_sound() {
    let env = Env::new();
    let info = env.info_json(PHOTO_URL);
    let music = info["music"]["url"].as_str().unwrap();
    let out = out_dir(&env, "photo");
    env.tiktok.clear_requests();
    let run = download(&env, &["-P", s(&out), "--no-audio", PHOTO_URL]).ok();
    let r = run.result();
    assert!(files(r, "audio").is_empty(), "{r}");
    let saved = files(r, "image");
    assert_eq!(saved.len(), 4);
    for (img, path) in info["images"].as_array().unwrap().iter().zip(&saved) {
        assert_served(&env, &on_disk(&env, path), img["url"].as_str().unwrap());
    }
    assert!(
        requests_for(&env, music).is_empty(),
        "the sound was fetched"
    );
    assert_eq!(walk(&out).len(), 4);
}

#[test]
fn slideshow_with_index_template() {
    let env = Env::new();
    let info = env.info_json(PHOTO_URL);
    let out = out_dir(&env, "photo");
    let run = download(
        &env,
        &[
            "-P",
            s(&out),
            "--no-audio",
            "-o",
            "%(id)s/%(index)02d.%(ext)s",
            PHOTO_URL,
        ],
    )
    .ok();
    let saved = files(run.result(), "image");
    let names: Vec<String> = saved
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["01.jpg", "02.jpg", "03.jpg", "04.jpg"]);
    for (img, path) in info["images"].as_array().unwrap().iter().zip(&saved) {
        assert_eq!(
            on_disk(&env, path),
            out.join("7610426235671350549")
                .join(path.file_name().unwrap())
        );
        assert_served(&env, &on_disk(&env, path), img["url"].as_str().unwrap());
    }
}

#[test]
fn subtitles_are_saved_next_to_the_video() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    let out = out_dir(&env, "subs");
    let run = download(&env, &["-P", s(&out), "--write-subs", DESKTOP_URL]).ok();
    let r = run.result();
    let video = on_disk(&env, &the_file(r, "video"));
    let sub = on_disk(&env, &the_file(r, "subtitle"));
    let stem = video.file_stem().unwrap().to_str().unwrap();
    assert_eq!(sub, video.with_file_name(format!("{stem}.eng-US.vtt")));
    let sub_url = info["subtitles"]["eng-US"][0]["url"].as_str().unwrap();
    assert_served(&env, &sub, sub_url);
    assert!(std::fs::read(&sub).unwrap().starts_with(b"WEBVTT"));
    assert_served(&env, &video, &format_url(&info, BEST));
}

#[test]
fn sub_langs_selects_languages_by_prefix() {
    let env = Env::new();
    let info = env.info_json(D2_URL);
    let cases: &[(&str, &[&str])] = &[
        ("vie", &["vie-VN"]),
        ("en", &["eng-US"]),
        ("en,vi", &["eng-US", "vie-VN"]),
        ("all", &["eng-US", "vie-VN"]),
        ("fr", &[]),
    ];
    for (i, (langs, want)) in cases.iter().enumerate() {
        let out = out_dir(&env, &format!("s{i}"));
        let run = download(
            &env,
            &[
                "-P",
                s(&out),
                "-f",
                "worst",
                "--write-subs",
                "--sub-langs",
                langs,
                D2_URL,
            ],
        )
        .ok();
        let subs = files(run.result(), "subtitle");
        let got: Vec<String> = subs
            .iter()
            .map(|p| {
                let name = p.file_name().unwrap().to_str().unwrap();
                name.trim_end_matches(".vtt")
                    .rsplit('.')
                    .next()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        let mut got_sorted = got.clone();
        got_sorted.sort();
        assert_eq!(got_sorted, *want, "--sub-langs {langs}");
        for (lang, path) in got.iter().zip(&subs) {
            let url = info["subtitles"][lang.as_str()][0]["url"].as_str().unwrap();
            assert_served(&env, &on_disk(&env, path), url);
        }
    }
}

#[test]
fn thumbnail_is_saved_next_to_the_video() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    let out = out_dir(&env, "thumb");
    let run = download(&env, &["-P", s(&out), "--write-thumbnail", DESKTOP_URL]).ok();
    let r = run.result();
    let video = on_disk(&env, &the_file(r, "video"));
    let thumb = on_disk(&env, &the_file(r, "thumbnail"));
    assert_eq!(thumb, video.with_extension("jpg"));
    assert_served(&env, &thumb, info["thumbnails"][0]["url"].as_str().unwrap());
    assert!(std::fs::read(&thumb).unwrap().starts_with(&[0xff, 0xd8]));
}

#[test]
fn info_json_equals_info_output() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    let out = out_dir(&env, "meta");
    let run = download(&env, &["-P", s(&out), "--write-info-json", DESKTOP_URL]).ok();
    let r = run.result();
    let video = on_disk(&env, &the_file(r, "video"));
    let meta = on_disk(&env, &the_file(r, "info_json"));
    let stem = video.file_stem().unwrap().to_str().unwrap();
    assert_eq!(meta, video.with_file_name(format!("{stem}.info.json")));
    let written: Value = serde_json::from_slice(&std::fs::read(&meta).unwrap()).unwrap();
    assert_eq!(written, info);
    assert!(walk(&out).iter().all(|p| !s(p).ends_with(".part")));
}

#[test]
fn template_folders_under_the_base() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    let base = out_dir(&env, "base");
    let run = download(
        &env,
        &[
            "-o",
            "%(uploader)s/%(id)s.%(ext)s",
            "-P",
            s(&base),
            DESKTOP_URL,
        ],
    )
    .ok();
    let video = on_disk(&env, &the_file(run.result(), "video"));
    assert_eq!(
        video,
        base.join("emthenutritionist")
            .join(format!("{DESKTOP_ID}.mp4"))
    );
    assert_served(&env, &video, &format_url(&info, BEST));
    assert_eq!(walk(&env.dir.path().join("base")), [video]);
}

#[test]
fn relative_base_is_relative_to_the_working_folder() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    let run = download(&env, &["-o", BY_ID, "-P", "rel/out", DESKTOP_URL]).ok();
    let video = on_disk(&env, &the_file(run.result(), "video"));
    assert_eq!(
        video,
        env.dir
            .path()
            .join("rel/out")
            .join(format!("{DESKTOP_ID}.mp4"))
    );
    assert_served(&env, &video, &format_url(&info, BEST));
}

#[test]
fn second_run_is_already_downloaded_without_fetching_media() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    let out = out_dir(&env, "again");
    let first = download(&env, &["-P", s(&out), DESKTOP_URL]).ok();
    let video = on_disk(&env, &the_file(first.result(), "video"));
    let before = std::fs::metadata(&video).unwrap().modified().unwrap();
    env.tiktok.clear_requests();
    let second = download(&env, &["-P", s(&out), DESKTOP_URL]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    let r = second.result();
    assert_eq!(r["status"], "already_downloaded", "{r}");
    assert_eq!(r["files"][0]["downloaded"], false);
    assert_eq!(on_disk(&env, &the_file(r, "video")), video);
    assert_eq!(r["bytes"], format(&info, BEST)["filesize"]);
    assert!(
        media_requests(&env).is_empty(),
        "no media request: {:?}",
        media_requests(&env)
    );
    assert_eq!(
        std::fs::metadata(&video).unwrap().modified().unwrap(),
        before
    );
    assert_served(&env, &video, &format_url(&info, BEST));
}

#[test]
fn force_overwrites_downloads_again() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    let url = format_url(&info, BEST);
    let out = out_dir(&env, "force");
    let first = download(&env, &["-P", s(&out), DESKTOP_URL]).ok();
    let video = on_disk(&env, &the_file(first.result(), "video"));
    // Same size, wrong content: only --force-overwrites notices nothing and replaces it.
    let size = std::fs::metadata(&video).unwrap().len() as usize;
    std::fs::write(&video, vec![0x5a; size]).unwrap();
    let kept = download(&env, &["-P", s(&out), DESKTOP_URL]);
    assert_eq!(kept.result()["status"], "already_downloaded");
    env.tiktok.clear_requests();
    let run = download(&env, &["-P", s(&out), "--force-overwrites", DESKTOP_URL]).ok();
    assert_eq!(run.result()["files"][0]["downloaded"], true);
    assert_served(&env, &video, &url);
    let reqs = requests_for(&env, &url);
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    assert_eq!(reqs[0].range, None, "a forced download starts from zero");
    assert_eq!(walk(&out), [video]);
}

/// A file at the final name was never written by tikdl (it renames only complete files there):
/// it is another rendition, another post with the same rendered name, or the user's own file.
/// It is kept (the post fails, saying why) unless --force-overwrites asks to replace it (a silent
/// replacement would lose data).
#[test]
fn a_different_file_at_the_name_is_kept_unless_forced() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    let out = out_dir(&env, "wrong");
    std::fs::create_dir_all(&out).unwrap();
    let video = out.join(format!("{DESKTOP_ID}.mp4"));
    std::fs::write(&video, b"my own file").unwrap();
    let run = download(&env, &["-P", s(&out), "-o", BY_ID, DESKTOP_URL]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(std::fs::read(&video).unwrap(), b"my own file");
    // Whose file it is nobody knows: the hint never suggests destroying it.
    let err = &run.lines[0]["error"]["message"];
    let err = err.as_str().unwrap();
    assert!(
        err.contains("move that file away") && err.contains("%(id)s"),
        "{err}"
    );
    assert!(!err.contains("force-overwrites"), "{err}");
    let run = download(
        &env,
        &[
            "--force-overwrites",
            "-P",
            s(&out),
            "-o",
            BY_ID,
            DESKTOP_URL,
        ],
    )
    .ok();
    assert_eq!(on_disk(&env, &the_file(run.result(), "video")), video);
    assert_served(&env, &video, &format_url(&info, BEST));
}

#[test]
fn several_urls_one_line_each_in_order() {
    let env = Env::new();
    let out = out_dir(&env, "many");
    let run = download(
        &env,
        &[
            "-P",
            s(&out),
            "-f",
            "worst",
            "--no-audio",
            DESKTOP_URL,
            PHOTO_URL,
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.lines.len(), 2);
    assert_eq!(run.lines[0]["id"], DESKTOP_ID);
    assert_eq!(run.lines[1]["id"], "7610426235671350549");
    assert_eq!(walk(&out).len(), 5);
}

#[test]
fn a_failing_url_does_not_stop_the_others() {
    let env = Env::new();
    let out = out_dir(&env, "mixed");
    let gone = "https://www.tiktok.com/@x/video/7000000000000010204";
    let run = download(&env, &["-P", s(&out), "-f", "worst", gone, DESKTOP_URL]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.lines.len(), 2);
    assert_eq!(run.lines[0]["status"], "failed");
    assert_eq!(run.lines[0]["error"]["code"], "removed");
    assert_eq!(run.lines[1]["status"], "downloaded");
    assert_eq!(walk(&out).len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Faults: resume, retries, refresh, mirrors, wrong answers
// ---------------------------------------------------------------------------------------------

#[test]
fn dropped_connection_resumes_with_a_range_request() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    let url = format_url(&info, BEST);
    let size = format(&info, BEST)["filesize"].as_u64().unwrap();
    let cut = size * 2 / 5;
    env.tiktok.add_fault(fault(&url, Fault::DropAfter(cut), 1));
    env.tiktok.clear_requests();
    let out = out_dir(&env, "drop");
    let run = download(&env, &["-P", s(&out), DESKTOP_URL]).ok();
    let video = on_disk(&env, &the_file(run.result(), "video"));
    assert_served(&env, &video, &url);
    let reqs = requests_for(&env, &url);
    assert_eq!(
        reqs.len(),
        2,
        "resumed on the same mirror; media requests: {:?}",
        brief(&media_requests(&env))
    );
    assert_eq!(reqs[0].range, None);
    let resumed_at: u64 = reqs[1]
        .range
        .as_deref()
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("second request without `Range: bytes=N-`: {reqs:?}"));
    assert!(
        resumed_at > 0 && resumed_at <= cut,
        "resumed at {resumed_at}, cut at {cut}"
    );
    assert_eq!(reqs[1].status, 206);
    // Same mirror, nothing else fetched.
    assert_eq!(media_requests(&env).len(), 2);
    assert!(walk(&out).iter().all(|p| !s(p).ends_with(".part")));
}

#[test]
fn dropped_connection_resumes_without_mirrors() {
    // The sound has a single URL: a drop must be resumed on it, not end the download.
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    let music = info["music"]["url"].as_str().unwrap().to_owned();
    let size = env.tiktok.media_bytes(&music).len() as u64;
    env.tiktok
        .add_fault(fault(&music, Fault::DropAfter(size / 2), 1));
    env.tiktok.clear_requests();
    let out = out_dir(&env, "dropaudio");
    let run = download(&env, &["-P", s(&out), "-x", DESKTOP_URL]).ok();
    let audio = on_disk(&env, &the_file(run.result(), "audio"));
    assert_served(&env, &audio, &music);
    let reqs = requests_for(&env, &music);
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    let range = reqs[1].range.clone().unwrap_or_default();
    assert!(
        range.starts_with("bytes=") && range != "bytes=0-",
        "{range}"
    );
}

#[test]
fn short_body_and_long_content_length_resume() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    let url = format_url(&info, BEST);
    for (i, f) in [Fault::ShortBody(1_000_000), Fault::LongContentLength]
        .into_iter()
        .enumerate()
    {
        env.tiktok.add_fault(fault(&url, f.clone(), 1));
        let out = out_dir(&env, &format!("short{i}"));
        let run = download(&env, &["-P", s(&out), DESKTOP_URL]);
        assert_eq!(run.code, 0, "{f:?}: {}", run.stderr);
        let video = on_disk(&env, &the_file(run.result(), "video"));
        assert_served(&env, &video, &url);
    }
}

#[test]
fn rate_limited_with_retry_after_then_success() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    let url = format_url(&info, BEST);
    env.tiktok.add_fault(fault(
        &url,
        Fault::Status {
            code: 429,
            retry_after: Some(1),
        },
        1,
    ));
    env.tiktok.clear_requests();
    let out = out_dir(&env, "429");
    let run = download(&env, &["-P", s(&out), DESKTOP_URL]).ok();
    assert_eq!(run.result()["format_id"], BEST);
    let video = on_disk(&env, &the_file(run.result(), "video"));
    assert_served(&env, &video, &url);
    let statuses: Vec<u16> = requests_for(&env, &url).iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 200], "retried on the same URL");
}

#[test]
fn forbidden_media_refreshes_the_page_then_succeeds() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    let url = format_url(&info, BEST);
    env.tiktok.add_fault(fault(
        &url,
        Fault::Status {
            code: 403,
            retry_after: None,
        },
        1,
    ));
    env.tiktok.clear_requests();
    let out = out_dir(&env, "403");
    let run = download(&env, &["-P", s(&out), DESKTOP_URL]).ok();
    assert_eq!(run.result()["format_id"], BEST, "same format after refresh");
    let video = on_disk(&env, &the_file(run.result(), "video"));
    assert_served(&env, &video, &url);
    assert_eq!(
        page_requests(&env, DESKTOP_ID),
        2,
        "the page is fetched again"
    );
    let statuses: Vec<u16> = requests_for(&env, &url).iter().map(|r| r.status).collect();
    assert_eq!(statuses, [403, 200]);
}

#[test]
fn forbidden_after_the_refresh_moves_to_the_next_mirror() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    let url = format_url(&info, BEST);
    let mirror = format(&info, BEST)["mirrors"][0]
        .as_str()
        .unwrap()
        .to_owned();
    env.tiktok.add_fault(fault(
        &url,
        Fault::Status {
            code: 403,
            retry_after: None,
        },
        0,
    ));
    env.tiktok.clear_requests();
    let out = out_dir(&env, "403mirror");
    let run = download(&env, &["-P", s(&out), DESKTOP_URL]).ok();
    assert_eq!(run.result()["format_id"], BEST);
    let video = on_disk(&env, &the_file(run.result(), "video"));
    assert_served(&env, &video, &mirror);
    assert_eq!(
        page_requests(&env, DESKTOP_ID),
        2,
        "refreshed once, not more"
    );
    let statuses: Vec<u16> = requests_for(&env, &url).iter().map(|r| r.status).collect();
    assert_eq!(statuses, [403, 403], "once before, once after the refresh");
    let on_mirror: Vec<u16> = requests_for(&env, &mirror)
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(on_mirror, [200]);
}

#[test]
fn mirror_fallback_when_the_first_host_keeps_failing() {
    for code in [500, 404] {
        let env = Env::new();
        let info = env.info_json(DESKTOP_URL);
        let f = format(&info, BEST);
        let url = format_url(&info, BEST);
        let mirror = f["mirrors"][0].as_str().unwrap().to_owned();
        let (first_host, _) = target(&url);
        let (mirror_host, _) = target(&mirror);
        assert_ne!(first_host, mirror_host);
        env.tiktok.add_fault(FaultRule {
            host: Some(first_host.clone()),
            path_contains: String::new(),
            fault: Fault::Status {
                code,
                retry_after: None,
            },
            times: 0,
        });
        env.tiktok.clear_requests();
        let out = out_dir(&env, "mirror");
        let run = download(&env, &["-P", s(&out), DESKTOP_URL]).ok();
        assert_eq!(run.result()["format_id"], BEST, "{code}: same format");
        let video = on_disk(&env, &the_file(run.result(), "video"));
        assert_served(&env, &video, &mirror);
        assert_served(&env, &video, &url);
        let on_mirror = requests_for(&env, &mirror);
        assert_eq!(
            on_mirror.iter().map(|r| r.status).collect::<Vec<_>>(),
            [200],
            "{code}: {on_mirror:?}"
        );
        let on_first = requests_for(&env, &url);
        assert!(!on_first.is_empty() && on_first.iter().all(|r| r.status == code));
        if code == 404 {
            assert_eq!(on_first.len(), 1, "a 404 is not retried on the same host");
        }
    }
}

#[test]
fn server_ignoring_range_restarts_from_zero() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    let url = format_url(&info, BEST);
    let out = out_dir(&env, "ignore");
    std::fs::create_dir_all(&out).unwrap();
    let video = out.join(format!("{DESKTOP_ID}.mp4"));
    // A stale part whose bytes are not even right: a 200 answer must replace it, not extend it.
    plant_part(&video, &[0xee; 100_000], &info, BEST);
    env.tiktok.add_fault(fault(&url, Fault::IgnoreRange, 0));
    env.tiktok.clear_requests();
    let run = download(&env, &["-P", s(&out), "-o", BY_ID, DESKTOP_URL]).ok();
    assert_eq!(on_disk(&env, &the_file(run.result(), "video")), video);
    assert_served(&env, &video, &url);
    let reqs = requests_for(&env, &url);
    assert_eq!(
        reqs[0].range.as_deref(),
        Some(resume_range(100_000).as_str())
    );
    assert_eq!(reqs[0].status, 200);
    assert_eq!(reqs.len(), 1, "the full answer is used as is: {reqs:?}");
    assert_eq!(walk(&out), [video]);
}

#[test]
fn wrong_content_range_is_not_spliced() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    let url = format_url(&info, BEST);
    let bytes = env.tiktok.media_bytes(&url);
    let out = out_dir(&env, "wrongrange");
    std::fs::create_dir_all(&out).unwrap();
    let video = out.join(format!("{DESKTOP_ID}.mp4"));
    plant_part(&video, &bytes[..500_000], &info, BEST);
    env.tiktok
        .add_fault(fault(&url, Fault::WrongContentRange, 1));
    let run = download(&env, &["-P", s(&out), "-o", BY_ID, DESKTOP_URL]).ok();
    assert_eq!(on_disk(&env, &the_file(run.result(), "video")), video);
    support::assert_bytes(&video, &bytes);
}

#[test]
fn html_instead_of_video_everywhere_fails_cleanly() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    // Every URL of every rendition, on every mirror.
    for f in info["formats"].as_array().unwrap() {
        let mut urls = vec![f["url"].as_str().unwrap().to_owned()];
        for m in f["mirrors"].as_array().unwrap() {
            urls.push(m.as_str().unwrap().to_owned());
        }
        for u in urls {
            env.tiktok
                .add_fault(fault(&u, Fault::HtmlInsteadOfMedia, 0));
        }
    }
    let out = out_dir(&env, "html");
    let run = download(&env, &["-P", s(&out), DESKTOP_URL]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let r = run.result();
    assert_eq!(r["status"], "failed");
    assert!(r["files"].as_array().unwrap().is_empty());
    assert_eq!(r["error"]["kind"], "connection", "{r}");
    let left = walk(&out);
    assert!(left.is_empty(), "nothing may be left behind: {left:?}");
}

#[test]
fn html_instead_of_video_once_recovers() {
    for f in [Fault::HtmlInsteadOfMedia, Fault::JsonInsteadOfMedia] {
        let env = Env::new();
        let info = env.info_json(DESKTOP_URL);
        let url = format_url(&info, BEST);
        env.tiktok.add_fault(fault(&url, f.clone(), 1));
        let out = out_dir(&env, "html1");
        let run = download(&env, &["-P", s(&out), DESKTOP_URL]).ok();
        assert_eq!(run.result()["format_id"], BEST, "{f:?}");
        let video = on_disk(&env, &the_file(run.result(), "video"));
        assert_served(&env, &video, &url);
        assert_eq!(walk(&out), [video]);
    }
}

#[test]
fn existing_part_is_resumed_from_its_end() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    let url = format_url(&info, BEST);
    let bytes = env.tiktok.media_bytes(&url);
    let k = 1_234_567;
    let out = out_dir(&env, "part");
    std::fs::create_dir_all(&out).unwrap();
    let video = out.join(format!("{DESKTOP_ID}.mp4"));
    plant_part(&video, &bytes[..k], &info, BEST);
    env.tiktok.clear_requests();
    let run = download(&env, &["-P", s(&out), "-o", BY_ID, DESKTOP_URL]).ok();
    assert_eq!(on_disk(&env, &the_file(run.result(), "video")), video);
    support::assert_bytes(&video, &bytes);
    let reqs = requests_for(&env, &url);
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    assert_eq!(reqs[0].range, Some(resume_range(k as u64)));
    assert_eq!(reqs[0].status, 206);
    assert_eq!(media_requests(&env).len(), 1);
    assert_eq!(walk(&out), [video]);
}

/// The Range header of a resume from byte `have`: the last 64 KiB already on disk are asked
/// for again and compared, so that a server now serving other bytes is caught.
fn resume_range(have: u64) -> String {
    format!("bytes={}-", have - have.min(64 << 10))
}

#[test]
fn a_resume_whose_bytes_changed_on_the_server_starts_over_and_the_file_is_whole() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    let url = format_url(&info, BEST);
    let bytes = env.tiktok.media_bytes(&url);
    let k = 1_234_567;
    let out = out_dir(&env, "changed");
    std::fs::create_dir_all(&out).unwrap();
    let video = out.join(format!("{DESKTOP_ID}.mp4"));
    plant_part(&video, &bytes[..k], &info, BEST);
    // The resume answer is a proper 206 of the right length and total, but of other bytes.
    env.tiktok.add_fault(fault(&url, Fault::OtherBytes, 1));
    env.tiktok.clear_requests();
    let run = download(&env, &["-P", s(&out), "-o", BY_ID, DESKTOP_URL]).ok();
    assert_eq!(on_disk(&env, &the_file(run.result(), "video")), video);
    support::assert_bytes(&video, &bytes);
    let reqs = requests_for(&env, &url);
    assert_eq!(
        reqs.len(),
        2,
        "the resume, then the whole file again: {reqs:?}"
    );
    assert_eq!(reqs[0].range, Some(resume_range(k as u64)));
    assert!(
        reqs[1].range.is_none() || reqs[1].range.as_deref() == Some("bytes=0-"),
        "{reqs:?}"
    );
    assert!(
        run.both().contains("differ from the ones received before"),
        "{}",
        run.both()
    );
    assert_eq!(walk(&out), [video]);
}

#[test]
fn complete_part_is_finished_once_its_tail_is_confirmed() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    let url = format_url(&info, BEST);
    let bytes = env.tiktok.media_bytes(&url);
    let out = out_dir(&env, "fullpart");
    std::fs::create_dir_all(&out).unwrap();
    let video = out.join(format!("{DESKTOP_ID}.mp4"));
    plant_part(&video, &bytes, &info, BEST);
    env.tiktok.clear_requests();
    let run = download(&env, &["-P", s(&out), "-o", BY_ID, DESKTOP_URL]).ok();
    assert_eq!(on_disk(&env, &the_file(run.result(), "video")), video);
    support::assert_bytes(&video, &bytes);
    let reqs = requests_for(&env, &url);
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    // Only the last bytes, asked for again to confirm the server still serves this file.
    assert_eq!(reqs[0].range, Some(resume_range(bytes.len() as u64)));
    assert_eq!(reqs[0].status, 206);
}

#[cfg(unix)]
#[test]
fn part_symlink_pointing_outside_is_refused() {
    let env = Env::new();
    let out = out_dir(&env, "link");
    std::fs::create_dir_all(&out).unwrap();
    let outside = env.dir.path().join("outside.txt");
    std::fs::write(&outside, b"precious").unwrap();
    let dangling = env.dir.path().join("created-through-a-link");
    let video = out.join(format!("{DESKTOP_ID}.mp4"));
    for target in [&outside, &dangling] {
        let part = part_of(&video);
        let _ = std::fs::remove_file(&part);
        std::os::unix::fs::symlink(target, &part).unwrap();
        let run = download(&env, &["-P", s(&out), "-o", BY_ID, DESKTOP_URL]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert_eq!(run.result()["status"], "failed");
        assert!(
            run.stderr.contains("symbolic link"),
            "the reason is given: {}",
            run.stderr
        );
        assert_eq!(std::fs::read(&outside).unwrap(), b"precious");
        assert!(!dangling.exists(), "nothing created through the link");
        assert!(!video.exists());
        assert!(
            std::fs::symlink_metadata(&part)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
}

#[cfg(unix)]
#[test]
fn final_name_symlink_pointing_outside_is_refused() {
    let env = Env::new();
    let out = out_dir(&env, "link");
    std::fs::create_dir_all(&out).unwrap();
    let outside = env.dir.path().join("outside.mp4");
    std::fs::write(&outside, b"precious").unwrap();
    let video = out.join(format!("{DESKTOP_ID}.mp4"));
    std::os::unix::fs::symlink(&outside, &video).unwrap();
    for extra in [None, Some("--force-overwrites")] {
        let mut args = vec!["-P", s(&out), "-o", BY_ID];
        args.extend(extra);
        args.push(DESKTOP_URL);
        let run = download(&env, &args);
        assert_eq!(run.code, 1, "{extra:?}: {}", run.stderr);
        assert_eq!(std::fs::read(&outside).unwrap(), b"precious", "{extra:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Ctrl-C
// ---------------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn ctrl_c_keeps_the_part_and_the_next_run_resumes() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    let url = format_url(&info, BEST);
    let bytes = env.tiktok.media_bytes(&url);
    let stall_at = 3_000_000u64;
    env.tiktok.add_fault(fault(
        &url,
        Fault::StallBody {
            after: stall_at,
            dur: Duration::from_secs(30),
        },
        1,
    ));
    let out = out_dir(&env, "ctrlc");
    let video = out.join(format!("{DESKTOP_ID}.mp4"));
    let part = part_of(&video);

    let mut child = env
        .std_cmd()
        .args(["download", "--quiet", "-o", BY_ID])
        .arg("-P")
        .arg(&out)
        .arg(DESKTOP_URL)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn tikdl");

    // Wait (bounded) until everything before the stall is on disk.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let len = std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
        if len >= stall_at {
            break;
        }
        if Instant::now() > deadline || child.try_wait().unwrap().is_some() {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the .part never reached {stall_at} bytes (it has {len})");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let killed = std::process::Command::new("kill")
        .arg("-INT")
        .arg(child.id().to_string())
        .status()
        .expect("run kill");
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("tikdl did not stop after SIGINT");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(130), "{status:?}");
    assert!(
        !video.exists(),
        "no final file after an interrupted download"
    );
    let kept = std::fs::read(&part).expect("the .part is kept");
    assert_eq!(kept.len() as u64, stall_at);
    assert!(bytes.starts_with(&kept), "the .part is a correct prefix");

    env.tiktok.clear_requests();
    let run = download(&env, &["-P", s(&out), "-o", BY_ID, DESKTOP_URL]).ok();
    assert_eq!(on_disk(&env, &the_file(run.result(), "video")), video);
    support::assert_bytes(&video, &bytes);
    let reqs = requests_for(&env, &url);
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    assert_eq!(reqs[0].range, Some(resume_range(stall_at)));
    assert!(!part.exists());
}

// ---------------------------------------------------------------------------------------------
// Hostile names
// ---------------------------------------------------------------------------------------------

const HOSTILE_TEMPLATES: [&str; 4] = [
    "", // the default
    "%(uploader)s/%(title)s.%(ext)s",
    "%(channel)s/%(track)s/%(description)s.%(ext)s",
    "%(uploader)s%(title)s%(channel)s.%(ext)s",
];

/// Args that save a post's smallest video and every sidecar under `base`.
fn every_file(base: &Path) -> Vec<&str> {
    vec![
        "-P",
        s(base),
        "-f",
        "worst",
        "--write-info-json",
        "--write-thumbnail",
        "--write-subs",
    ]
}

/// Every hostile post with `template`: exit 0, nothing outside the base, sane components,
/// correct bytes (video and sidecars), and `%(id)s` in a value kept literally.
fn hostile(template_index: usize, half: usize) {
    let template = HOSTILE_TEMPLATES[template_index];
    let mid = HOSTILE_NAMES.len() / 2;
    let range = if half == 0 {
        0..mid
    } else {
        mid..HOSTILE_NAMES.len()
    };
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    let cases = env.dir.path().join("cases");
    // D1's media, whichever hostile page refers to it (computed once: it is the same each time).
    let want_video = env.tiktok.media_bytes(&format_url(&info, "lower_540_0"));
    let want_thumb = env
        .tiktok
        .media_bytes(info["thumbnails"][0]["url"].as_str().unwrap());
    let want_sub = env
        .tiktok
        .media_bytes(info["subtitles"]["eng-US"][0]["url"].as_str().unwrap());
    for (i, name) in HOSTILE_NAMES.iter().enumerate() {
        if !range.contains(&i) {
            continue;
        }
        let id = HOSTILE_BASE + i as u64 + 1;
        let url = format!("https://www.tiktok.com/@x/video/{id}");
        let tmp = cases.join(format!("t{i}"));
        let base = tmp.join("base");
        std::fs::create_dir_all(&tmp).unwrap();
        let mut args = every_file(&base);
        if !template.is_empty() {
            args.extend(["-o", template]);
        }
        args.push(&url);
        let run = download_in(&env, &tmp, &args);
        let what = format!("template {template:?}, name {name:?}");
        assert_eq!(run.code, 0, "{what}: {}\n{:?}", run.stderr, run.lines);
        let r = run.result();
        assert_eq!(r["status"], "downloaded", "{what}: {r}");
        assert_eq!(r["id"], id.to_string());

        // (b) nothing outside the base, (c) sane components.
        let created = walk(&tmp);
        assert_eq!(
            created.len(),
            4,
            "{what}: video + info + thumbnail + subs: {created:?}"
        );
        for p in &created {
            let rel = p
                .strip_prefix(&base)
                .unwrap_or_else(|_| panic!("{what}: {} is outside the base", p.display()));
            for c in rel.components() {
                let std::path::Component::Normal(c) = c else {
                    panic!("{what}: odd component in {}", p.display());
                };
                let c = c.to_str().expect("utf-8 name");
                assert!(c.len() <= 255, "{what}: {} bytes: {c}", c.len());
                assert!(c != ".." && c != "." && !c.is_empty(), "{what}: {c:?}");
                assert!(!c.starts_with('.'), "{what}: hidden name {c:?}");
                assert!(!c.ends_with(['.', ' ']), "{what}: {c:?}");
                assert!(
                    !c.chars()
                        .any(|ch| ch.is_control() || ch == '\\' || ch == '\u{202E}'),
                    "{what}: {c:?}"
                );
                let stem = c.split('.').next().unwrap().to_ascii_uppercase();
                assert!(
                    !["CON", "NUL", "PRN", "AUX"].contains(&stem.as_str()),
                    "{what}: device name {c:?}"
                );
            }
            assert!(
                !s(p).ends_with(".part"),
                "{what}: left over {}",
                p.display()
            );
        }
        // Every reported file is one of those.
        for f in r["files"].as_array().unwrap() {
            let p = on_disk(&env, Path::new(f["path"].as_str().unwrap()));
            assert!(created.contains(&p), "{what}: {} not on disk", p.display());
        }

        // (d) the bytes.
        let format_id = r["format_id"].as_str().expect("format_id");
        assert_eq!(format_id, "lower_540_0");
        let video = on_disk(&env, &the_file(r, "video"));
        support::assert_bytes(&video, &want_video);
        support::assert_bytes(&on_disk(&env, &the_file(r, "thumbnail")), &want_thumb);
        support::assert_bytes(&on_disk(&env, &the_file(r, "subtitle")), &want_sub);
        let meta: Value = serde_json::from_slice(
            &std::fs::read(on_disk(&env, &the_file(r, "info_json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(meta["id"], id.to_string());
        assert_eq!(
            meta["uploader"].as_str(),
            Some(*name),
            "{what}: metadata keeps the value"
        );

        // Template injection: the value comes out literally.
        if *name == "%(id)s" {
            let rel = video.strip_prefix(&base).unwrap().to_str().unwrap();
            assert!(rel.contains("%(id)s"), "{what}: {rel}");
        }
    }
    // Nothing was written next to the cases either.
    let mut top: Vec<String> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    top.sort();
    assert_eq!(top, ["ca.pem", "cases"]);
}

/// Two posts whose captions start with the same 294 bytes of 4-byte letters: with the default
/// template every file of each (video, info JSON, cover, subtitles) keeps `[ID]` whole, so no
/// file of one is ever taken for the other's.
#[test]
fn captions_in_four_byte_letters_keep_the_id_in_every_file_name() {
    let env = Env::new();
    let base = out_dir(&env, "out");
    let n = HOSTILE_NAMES.len() as u64;
    let ids = [HOSTILE_BASE + n - 1, HOSTILE_BASE + n];
    assert!(HOSTILE_NAMES[HOSTILE_NAMES.len() - 1].starts_with("𝓗𝓮𝓵𝓵𝓸"));
    let urls = ids.map(|id| format!("https://www.tiktok.com/@x/video/{id}"));
    let mut args = every_file(&base);
    args.extend(urls.iter().map(String::as_str));
    let run = download(&env, &args);
    assert_eq!(run.code, 0, "{}\n{:?}", run.stderr, run.lines);
    assert_eq!(run.lines.len(), 2, "{:?}", run.lines);
    for (line, id) in run.lines.iter().zip(ids) {
        assert_eq!(line["id"], id.to_string(), "{line}");
        assert_eq!(line["status"], "downloaded", "{line}");
        let files = line["files"].as_array().unwrap();
        assert_eq!(files.len(), 4, "{line}");
        for f in files {
            let name = Path::new(f["path"].as_str().unwrap())
                .file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned();
            assert!(name.len() <= 255, "{} bytes: {name}", name.len());
            assert!(name.contains(&format!("[{id}]")), "{name}");
        }
    }
    let created = walk(&base);
    assert_eq!(created.len(), 8, "{created:?}");
}

#[test]
fn hostile_names_default_template_1() {
    hostile(0, 0);
}

#[test]
fn hostile_names_default_template_2() {
    hostile(0, 1);
}

#[test]
fn hostile_names_uploader_title_template_1() {
    hostile(1, 0);
}

#[test]
fn hostile_names_uploader_title_template_2() {
    hostile(1, 1);
}

#[test]
fn hostile_names_channel_track_description_template_1() {
    hostile(2, 0);
}

#[test]
fn hostile_names_channel_track_description_template_2() {
    hostile(2, 1);
}

#[test]
fn hostile_names_glued_template_1() {
    hostile(3, 0);
}

#[test]
fn hostile_names_glued_template_2() {
    hostile(3, 1);
}

// ---------------------------------------------------------------------------------------------
// answers that are not a whole file
// ---------------------------------------------------------------------------------------------

/// Every final file under `out` (not a `.part`, its record or the manifest) is byte for byte
/// one of `served`.
fn only_served_files(out: &Path, served: &[Vec<u8>]) {
    for p in walk(out) {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".part") || name.ends_with(".part.meta") || name == support::MANIFEST {
            continue;
        }
        let body = std::fs::read(&p).unwrap();
        assert!(
            served.contains(&body),
            "{} ({} bytes) is none of the files served",
            p.display(),
            body.len()
        );
    }
}

#[test]
fn a_part_of_unknown_total_or_an_empty_body_is_never_a_complete_file() {
    let env = Env::new();
    let info = env.info_json(PHOTO_URL);
    let images = info["images"].as_array().expect("images");
    let urls: Vec<String> = images
        .iter()
        .map(|i| i["url"].as_str().unwrap().to_owned())
        .collect();
    env.tiktok
        .add_fault(fault(&urls[0], Fault::PartOfUnknownTotal, 0));
    env.tiktok.add_fault(fault(&urls[1], Fault::EmptyBody, 0));
    env.tiktok.add_fault(fault(
        &urls[2],
        Fault::Status {
            code: 204,
            retry_after: None,
        },
        0,
    ));
    let out = out_dir(&env, "parts");
    let run = download(&env, &["-P", s(&out), "-o", BY_ID, PHOTO_URL]);
    assert!(
        run.stderr.contains("unknown size") && run.stderr.contains("empty body"),
        "{}",
        run.stderr
    );
    // Each image's mirrors too (a mirror serves the image whole).
    let mut served: Vec<Vec<u8>> = images
        .iter()
        .flat_map(|i| {
            let mirrors = i["mirrors"].as_array().cloned().unwrap_or_default();
            std::iter::once(i["url"].clone()).chain(mirrors)
        })
        .filter_map(|u| u.as_str().map(|u| env.tiktok.media_bytes(u)))
        .collect();
    served.push(
        env.tiktok
            .media_bytes(info["music"]["url"].as_str().unwrap()),
    );
    only_served_files(&out, &served);
}

#[test]
fn a_media_retry_after_longer_than_tikdl_waits_moves_on_at_once() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    let url = format_url(&info, BEST);
    env.tiktok.add_fault(fault(
        &url,
        Fault::Status {
            code: 503,
            retry_after: Some(100_000),
        },
        0,
    ));
    let out = out_dir(&env, "wait");
    let done = env
        .cmd()
        .args([
            "download",
            "--json",
            "-f",
            "1080p",
            "-o",
            BY_ID,
            "-P",
            s(&out),
            DESKTOP_URL,
        ])
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .expect("run tikdl");
    let run = Run::of(done);
    assert!(!run.stderr.contains("resuming in 300"), "{}", run.stderr);
    assert_eq!(
        requests_for(&env, &url).len(),
        1,
        "asked once, not waited on"
    );
    let served: Vec<Vec<u8>> = info["formats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| env.tiktok.media_bytes(f["url"].as_str().unwrap()))
        .collect();
    only_served_files(&out, &served);
}

#[test]
fn a_web_page_served_as_subtitles_is_not_saved() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    let sub_url = info["subtitles"]["eng-US"][0]["url"].as_str().unwrap();
    env.tiktok
        .add_fault(fault(sub_url, Fault::HtmlInsteadOfMedia, 0));
    let out = out_dir(&env, "subs");
    let run = download(
        &env,
        &["-P", s(&out), "--write-subs", "-o", BY_ID, DESKTOP_URL],
    );
    let r = run.result();
    assert!(files(r, "subtitle").is_empty(), "{r}");
    assert_eq!(r["sidecars_failed"][0]["kind"], "subtitle", "{r}");
    assert!(
        !walk(&out)
            .iter()
            .any(|p| p.to_string_lossy().ends_with(".vtt"))
    );
}

#[test]
fn a_rerun_with_info_json_is_already_downloaded_and_adds_no_manifest_line() {
    let env = Env::new();
    let out = out_dir(&env, "again");
    let args = ["-P", s(&out), "--write-info-json", "-o", BY_ID, DESKTOP_URL];
    let first = download(&env, &args).ok();
    assert_eq!(first.result()["status"], "downloaded");
    let manifest = || std::fs::read_to_string(out.join(support::MANIFEST)).unwrap();
    let lines = manifest().lines().count();
    let again = download(&env, &args);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(
        again.result()["status"],
        "already_downloaded",
        "{}",
        again.result()
    );
    assert_eq!(manifest().lines().count(), lines, "{}", manifest());
}

// ---------------------------------------------------------------------------------------------
// the valid-media posts: real MP4 / MP3 / JPEG files, byte for byte
// ---------------------------------------------------------------------------------------------

/// Into `out/ID.EXT`.
const INTO_OUT: [&str; 4] = ["-P", "out", "-o", BY_ID];

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
    let run = download(
        &env,
        &[&INTO_OUT[..], &["--write-thumbnail", &valid_post_url(1)]].concat(),
    )
    .success();
    let r = run.result();
    let video = saved(&env, r, "video");
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
    let cover = saved(&env, r, "thumbnail");
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
    let run = download(&env, &[&INTO_OUT[..], &["-x", &valid_post_url(2)]].concat()).success();
    let r = run.result();
    let audio = saved(&env, r, "audio");
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
    let ids: Vec<String> = env
        .json(["info", "--json", "--max", "4", profile])
        .success()
        .lines
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
    let run = download(&env, &[&INTO_OUT[..], &[&url]].concat()).success();
    let r = run.result();
    let n = new_profile_post_id(3) - tiktok_imitation::VALID_BASE;
    assert!(saved(&env, r, "video") == valid_file(n, "1080.mp4").unwrap());
}

/// `--force-overwrites` saves this post's file again, never over a file the folder's manifest
/// gives to another post: that post may be archived, and would be lost for good.
#[test]
fn force_overwrites_keeps_a_file_that_is_another_posts() {
    let env = Env::new();
    let dir = env.state.path().join("force");
    let archive = env.state.path().join("arch.txt");
    let first = download(
        &env,
        &[
            "-o",
            "same.%(ext)s",
            "-P",
            s(&dir),
            "--download-archive",
            s(&archive),
            DESKTOP_URL,
        ],
    )
    .success();
    let saved = dir.join("same.mp4");
    let before = std::fs::read(&saved).unwrap();
    let second = download(
        &env,
        &[
            "-o",
            "same.%(ext)s",
            "-P",
            s(&dir),
            "--download-archive",
            s(&archive),
            "--force-overwrites",
            "--write-info-json",
            D2_URL,
        ],
    )
    .code(1);
    assert!(
        second
            .stderr
            .contains("already holds post 7608826249200356630"),
        "{second}"
    );
    assert_eq!(std::fs::read(&saved).unwrap(), before, "{first}");
    let archived = std::fs::read_to_string(&archive).unwrap();
    assert!(!archived.contains("7526770564367748360"), "{archived}");
}
