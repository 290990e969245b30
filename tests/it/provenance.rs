//! Whose bytes a file holds: a file under `-P` counts as a post's only with a proof (the
//! folder's manifest, tikdl's own tags, or the same bytes), never by its name or size; a `.part`
//! is resumed only by the same post and role, and never with a resume answer of another total;
//! a page holding another post's item saves, caches and archives nothing. Against the
//! imitation's provenance posts (`imitation/src/families/hostile_provenance.rs`) and D1 with faults.

use std::path::Path;

use crate::support::*;
use serde_json::Value;
use tiktok_imitation::{PROV_BASE, prov_image_url, prov_media_bytes};

const SLIDES: &str = "slides.%(ext)s";

fn prov_url(n: u64) -> String {
    format!("https://www.tiktok.com/@u/photo/{}", PROV_BASE + n)
}

fn prov_id(n: u64) -> String {
    (PROV_BASE + n).to_string()
}

fn path(env: &Env, name: &str) -> std::path::PathBuf {
    env.dir.path().join(name)
}

fn read(env: &Env, name: &str) -> Vec<u8> {
    std::fs::read(path(env, name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn no_part_left(env: &Env) {
    let names = names_in(env.dir.path());
    assert!(
        !names.iter().any(|n| n.ends_with(".part")),
        "a .part was left: {names:?}"
    );
}

/// Field `key` of every object in the array `list`.
fn strings<'a>(list: &'a Value, key: &str) -> Vec<&'a str> {
    list.as_array()
        .expect("an array")
        .iter()
        .filter_map(|f| f[key].as_str())
        .collect()
}

/// The error text of a failed result line.
fn error_text(r: &Value) -> String {
    r["error"].to_string()
}

/// A failed result (`download` says `"status":"failed"`; `batch` prints the error alone).
fn failed(r: &Value) {
    assert!(r["status"] == "failed" || r["status"].is_null(), "{r}");
    assert!(r["error"].is_object(), "{r}");
}

fn the_hint_protects_the_other_file(r: &Value, stderr: &str) {
    failed(r);
    let text = format!("{}{stderr}", error_text(r));
    assert!(text.contains("%(id)s"), "{text}");
    assert!(!text.contains("force-overwrites"), "{text}");
}

#[test]
fn another_posts_audio_and_images_at_the_same_names_are_never_counted_nor_archived() {
    let env = Env::new();
    let first = download(&env, &["-o", SLIDES, &prov_url(1)]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let before: Vec<(String, Vec<u8>)> = names_in(env.dir.path())
        .into_iter()
        .filter(|n| !n.starts_with('.') && !n.ends_with(".pem"))
        .map(|n| {
            let b = read(&env, &n);
            (n, b)
        })
        .collect();
    assert!(before.iter().any(|(n, _)| n == "slides.mp3"), "{before:?}");
    assert_eq!(
        read(&env, "slides - 01.jpg"),
        env.tiktok.media_bytes(&prov_image_url(PROV_BASE + 1, 1))
    );
    let archive = path(&env, "archive.txt");
    std::fs::write(path(&env, "list.txt"), format!("{}\n", prov_url(2))).unwrap();
    for no_audio in [false, true] {
        let mut args = vec!["-o", SLIDES, "--download-archive", "archive.txt"];
        if no_audio {
            // Past the sound: the images collide too.
            args.push("--no-audio");
        }
        let run = env.json(
            [
                &["batch", "--json"][..],
                &[&args[..], &["list.txt"]].concat(),
            ]
            .concat(),
        );
        assert_ne!(run.code, 0, "{}", run.stdout);
        let r = &run.lines[0];
        the_hint_protects_the_other_file(r, &run.stderr);
        assert!(error_text(r).contains(&prov_id(1)), "names the owner: {r}");
        let role = if no_audio { "image 1" } else { "audio" };
        assert!(error_text(r).contains(role), "{r}");
        let archived = std::fs::read_to_string(&archive).unwrap_or_default();
        assert!(!archived.contains(&prov_id(2)), "{archived}");
    }
    for (n, b) in &before {
        assert_eq!(&read(&env, n), b, "{n} was changed");
    }
    no_part_left(&env);
}

#[test]
fn another_posts_cover_and_subtitle_at_the_same_names_are_never_counted() {
    let env = Env::new();
    let args = [
        "-o",
        SLIDES,
        "--no-audio",
        "--write-thumbnail",
        "--write-subs",
    ];
    let mut a = args.to_vec();
    let url1 = prov_url(1);
    a.push(&url1);
    let first = download(&env, &a);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let roles = strings(&first.result()["files"], "role");
    assert!(
        roles.contains(&"thumbnail") && roles.contains(&"subtitle"),
        "{roles:?}"
    );
    let cover = read(&env, "slides.jpg");
    let subs: Vec<String> = names_in(env.dir.path())
        .into_iter()
        .filter(|n| n.ends_with(".vtt") || n.ends_with(".webvtt") || n.ends_with(".srt"))
        .collect();
    assert!(!subs.is_empty(), "{:?}", names_in(env.dir.path()));
    let sub_bytes: Vec<Vec<u8>> = subs.iter().map(|n| read(&env, n)).collect();
    // Post 1's images moved away: post 2's images get saved, its cover and subtitles meet
    // post 1's at their names.
    let away = path(&env, "away");
    std::fs::create_dir(&away).unwrap();
    for k in 1..=3 {
        let n = format!("slides - 0{k}.jpg");
        std::fs::rename(path(&env, &n), away.join(&n)).unwrap();
    }
    let mut b = args.to_vec();
    let url2 = prov_url(2);
    b.push(&url2);
    let second = download(&env, &b);
    let r = second.result();
    let files = r["files"].as_array().unwrap();
    assert!(
        files
            .iter()
            .all(|f| f["role"] != "thumbnail" && f["role"] != "subtitle"),
        "another post's cover or subtitle counted: {r}"
    );
    let failed = strings(&r["sidecars_failed"], "kind");
    assert!(
        failed.contains(&"thumbnail") && failed.contains(&"subtitle"),
        "{r}"
    );
    assert!(!r.to_string().contains("force-overwrites"), "{r}");
    assert_eq!(read(&env, "slides.jpg"), cover);
    for (n, b) in subs.iter().zip(&sub_bytes) {
        assert_eq!(&read(&env, n), b, "{n} was changed");
    }
    assert_eq!(
        read(&env, "slides - 01.jpg"),
        env.tiktok.media_bytes(&prov_image_url(PROV_BASE + 2, 1))
    );
}

#[test]
fn another_posts_video_at_the_name_fails_with_a_hint_that_keeps_it() {
    let env = Env::new();
    let first = download(&env, &["-o", "v.%(ext)s", DESKTOP_URL]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let kept = read(&env, "v.mp4");
    let second = download(
        &env,
        &[
            "-o",
            "v.%(ext)s",
            "https://www.tiktok.com/@x/video/7526770564367748360",
        ],
    );
    the_hint_protects_the_other_file(second.result(), &second.stderr);
    assert!(error_text(second.result()).contains(DESKTOP_ID));
    assert_eq!(read(&env, "v.mp4"), kept);
}

#[test]
fn a_part_of_one_posts_image_is_never_finished_with_another_posts_bytes() {
    let env = Env::new();
    let cut = download(
        &env,
        &["--retries", "0", "-o", SLIDES, "--no-audio", &prov_url(3)],
    );
    assert_ne!(cut.code, 0, "{}", cut.stdout);
    assert!(
        path(&env, "slides - 01.jpg.part").exists(),
        "{:?}",
        names_in(env.dir.path())
    );
    let other = download(&env, &["-o", SLIDES, "--no-audio", &prov_url(1)]);
    assert_eq!(other.code, 0, "{}", other.stderr);
    assert_bytes(
        &path(&env, "slides - 01.jpg"),
        &env.tiktok.media_bytes(&prov_image_url(PROV_BASE + 1, 1)),
    );
    no_part_left(&env);
}

#[test]
fn a_resume_answer_with_another_total_starts_over_and_the_file_is_whole() {
    let env = Env::new();
    let run = download(&env, &["-o", "p.%(ext)s", "--no-audio", &prov_url(4)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let url = prov_image_url(PROV_BASE + 4, 1);
    let whole = prov_media_bytes(&url).expect("a /hp82/ image");
    assert_eq!(whole.len(), 100_001);
    assert_bytes(&path(&env, "p - 01.jpg"), &whole);
}

#[test]
fn a_page_whose_item_is_another_post_fails_and_caches_and_archives_nothing() {
    let env = Env::new();
    std::fs::write(path(&env, "list.txt"), format!("{}\n", prov_url(5))).unwrap();
    let run = env.json(
        [
            &["batch", "--json"][..],
            &[
                "--download-archive",
                "archive.txt",
                "-o",
                "%(id)s.%(ext)s",
                "list.txt",
            ],
        ]
        .concat(),
    );
    assert_ne!(run.code, 0, "{}", run.stdout);
    let r = &run.lines[0];
    failed(r);
    let text = error_text(r);
    assert!(
        text.contains(&prov_id(5)) && text.contains(&prov_id(1)),
        "names both posts: {text}"
    );
    let archived = std::fs::read_to_string(path(&env, "archive.txt")).unwrap_or_default();
    assert!(archived.trim().is_empty(), "{archived}");
    let saved: Vec<String> = names_in(env.dir.path())
        .into_iter()
        .filter(|n| n.starts_with("78"))
        .collect();
    assert!(saved.is_empty(), "{saved:?}");
    let cached: Vec<String> = names_in(&env.cache_dir())
        .into_iter()
        .filter(|p| p.contains(&prov_id(1)) || p.contains(&prov_id(5)))
        .collect();
    assert!(cached.is_empty(), "{cached:?}");
}

#[test]
fn one_post_given_twice_is_saved_once_with_exit_zero() {
    let env = Env::new();
    let other_form = format!("https://www.tiktok.com/@other/video/{DESKTOP_ID}?x=1");
    let run = download(&env, &["-o", "%(id)s.%(ext)s", DESKTOP_URL, &other_form]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let mut statuses: Vec<&str> = run
        .lines
        .iter()
        .map(|l| l["status"].as_str().unwrap())
        .collect();
    statuses.sort();
    assert_eq!(
        statuses,
        ["already_downloaded", "downloaded"],
        "{}",
        run.stdout
    );
    let videos: Vec<String> = names_in(env.dir.path())
        .into_iter()
        .filter(|n| n.ends_with(".mp4"))
        .collect();
    assert_eq!(videos, [format!("{DESKTOP_ID}.mp4")]);
    no_part_left(&env);
}

#[test]
fn a_slideshow_without_audio_saves_its_cover_under_the_posts_own_name() {
    let env = Env::new();
    let run = download(
        &env,
        &[
            "--no-audio",
            "--write-thumbnail",
            "--write-info-json",
            "-o",
            "s.%(ext)s",
            &prov_url(1),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = run.result();
    let files: Vec<(String, String)> = r["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = f["path"].as_str().unwrap();
            let name = Path::new(p)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (name, f["role"].as_str().unwrap().to_owned())
        })
        .collect();
    let mut paths: Vec<&String> = files.iter().map(|(n, _)| n).collect();
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len(), files.len(), "a file listed twice: {files:?}");
    assert!(
        files.contains(&("s.jpg".to_owned(), "thumbnail".to_owned())),
        "{files:?}"
    );
    assert!(
        files.contains(&("s.info.json".to_owned(), "info_json".to_owned())),
        "{files:?}"
    );
    let info: Value = serde_json::from_slice(&read(&env, "s.info.json")).unwrap();
    let cover_url = info["thumbnails"][0]["url"].as_str().unwrap();
    assert_eq!(read(&env, "s.jpg"), env.tiktok.media_bytes(cover_url));
    assert_ne!(read(&env, "s.jpg"), read(&env, "s - 01.jpg"));
}

#[test]
fn a_size_the_server_announces_against_tiktoks_is_requested_once_per_url() {
    let env = Env::new();
    // Every video rendition's server announces more than TikTok's DataSize.
    env.tiktok.add_fault(FaultRule {
        host: None,
        path_contains: "mime_type=video_mp4".to_owned(),
        fault: Fault::LongContentLength,
        times: 0,
    });
    let run = download(&env, &["-o", "%(id)s.%(ext)s", DESKTOP_URL]);
    assert!(
        run.stderr.contains("server announces"),
        "the mismatch was met: {}",
        run.stderr
    );
    let mut asked: Vec<String> = env
        .tiktok
        .requests()
        .into_iter()
        .filter(|r| r.path.contains("mime_type=video_mp4"))
        .map(|r| format!("{}{}", r.host, r.path))
        .collect();
    assert!(asked.len() > 1, "{asked:?}");
    let all = asked.len();
    asked.sort();
    asked.dedup();
    assert_eq!(asked.len(), all, "a URL asked again");
}

#[test]
fn an_older_tikdls_file_is_adopted_when_identical_and_kept_when_different() {
    let env = Env::new();
    let args = ["-o", "%(id)s.%(ext)s", DESKTOP_URL];
    let first = download(&env, &args);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let name = format!("{DESKTOP_ID}.mp4");
    let good = read(&env, &name);
    // As an older tikdl left it: the file, no manifest.
    let _ = std::fs::remove_file(path(&env, MANIFEST));
    let again = download(&env, &args);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(again.result()["status"], "already_downloaded");
    let manifest = std::fs::read_to_string(path(&env, MANIFEST)).unwrap();
    assert!(manifest.contains(&name) && manifest.contains(DESKTOP_ID));
    // Same size, other bytes: someone else's file. Kept, and the post fails.
    let _ = std::fs::remove_file(path(&env, MANIFEST));
    let mut other = good.clone();
    let mid = other.len() / 2;
    other[mid] ^= 0xff;
    std::fs::write(path(&env, &name), &other).unwrap();
    let third = download(&env, &args);
    assert_ne!(third.code, 0, "{}", third.stdout);
    the_hint_protects_the_other_file(third.result(), &third.stderr);
    assert_eq!(read(&env, &name), other);
    no_part_left(&env);
}

#[test]
fn two_processes_on_one_folder_leave_a_consistent_manifest() {
    let env = Env::new();
    let ids: Vec<String> = (1..=4)
        .map(|n| (7300000000000100000u64 + n).to_string())
        .collect();
    let urls: Vec<String> = ids
        .iter()
        .map(|id| format!("https://www.tiktok.com/@u/video/{id}"))
        .collect();
    let spawn = || {
        let mut cmd = env.std_cmd();
        cmd.args(["download", "--json", "-o", "%(id)s.%(ext)s"])
            .args(&urls)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        cmd.spawn().expect("spawn tikdl")
    };
    let (a, b) = (spawn(), spawn());
    for child in [a, b] {
        let out = child.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let manifest = std::fs::read_to_string(path(&env, MANIFEST)).unwrap();
    let mut last: std::collections::HashMap<&str, (&str, u64)> = Default::default();
    for line in manifest.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 5, "a torn line: {line:?}");
        last.insert(f[4], (f[0], f[3].parse().expect("a size")));
    }
    for id in &ids {
        let name = format!("{id}.mp4");
        let (post, size) = last.get(name.as_str()).copied().expect("recorded");
        assert_eq!(post, id);
        assert_eq!(std::fs::metadata(path(&env, &name)).unwrap().len(), size);
    }
    no_part_left(&env);
}

#[test]
fn a_rendition_kept_from_an_earlier_run_is_reported_as_itself() {
    // Post STORAGE_BASE + 1: 1080p sends half then refuses Range, so 720p is what gets saved,
    // under the same name. Both announce 200,000 bytes: the size cannot tell them apart.
    let env = Env::new();
    let url = format!(
        "https://www.tiktok.com/@u/video/{}",
        tiktok_imitation::STORAGE_BASE + 1
    );
    let args = [
        "--retries",
        "1",
        "-f",
        "1080p",
        "-o",
        "%(id)s.%(ext)s",
        &url,
    ];
    let first = download(&env, &args);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(first.result()["format_id"], "adapt_lower_720_1");
    let again = download(&env, &args);
    assert_eq!(again.code, 0, "{}", again.stderr);
    let r = again.result();
    assert_eq!(r["status"], "already_downloaded", "{r}");
    assert_eq!(r["format_id"], "adapt_lower_720_1", "{r}");
}

#[test]
fn one_post_listed_twice_in_a_batch_is_saved_once_with_exit_zero() {
    let env = Env::new();
    let other_form = format!("https://www.tiktok.com/@other/video/{DESKTOP_ID}?x=1");
    std::fs::write(
        path(&env, "list.txt"),
        format!("{DESKTOP_URL}\n{other_form}\n"),
    )
    .unwrap();
    let run = env.json(
        [
            &["batch", "--json"][..],
            &[
                "--jobs",
                "2",
                "--download-archive",
                "archive.txt",
                "-o",
                "%(id)s.%(ext)s",
                "list.txt",
            ],
        ]
        .concat(),
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.lines.iter().all(|l| l["error"].is_null()),
        "{}",
        run.stdout
    );
    let archived = std::fs::read_to_string(path(&env, "archive.txt")).unwrap();
    assert_eq!(archived.matches(DESKTOP_ID).count(), 1, "{archived}");
    no_part_left(&env);
}

#[test]
fn an_info_json_at_the_name_that_is_not_this_posts_is_kept() {
    let env = Env::new();
    let args = ["-o", "%(id)s.%(ext)s", "--write-info-json", DESKTOP_URL];
    let name = format!("{DESKTOP_ID}.info.json");
    // The user's own file, never written by tikdl (no manifest line): kept, a warning.
    std::fs::write(path(&env, &name), b"my notes\n").unwrap();
    let run = download(&env, &args);
    assert_eq!(run.code, 0, "the media is saved: {}", run.stderr);
    assert_eq!(read(&env, &name), b"my notes\n");
    let failed: Vec<&str> = run.result()["sidecars_failed"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["kind"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(failed, ["info_json"], "{}", run.result());
    // Another post's info JSON as an older tikdl left it: kept too.
    let other = r#"{"id":"7500000000000000001","title":"another post"}"#;
    std::fs::write(path(&env, &name), other).unwrap();
    let run = download(&env, &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(read(&env, &name), other.as_bytes());
    // This post's own, as an older tikdl left it: rewritten with today's metadata.
    let own = format!(r#"{{"id":"{DESKTOP_ID}","title":"old"}}"#);
    std::fs::write(path(&env, &name), &own).unwrap();
    let run = download(&env, &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let now: Value = serde_json::from_slice(&read(&env, &name)).unwrap();
    assert_eq!(now["id"], DESKTOP_ID);
    assert_ne!(now["title"], "old");
    no_part_left(&env);
}
