//! yt-dlp's flags through the real binary: format choice (`-f`, `-S`, the `download.format`
//! keys), `-q` quiet, `-j`/`-J`/`-s`, yt-dlp's DATE for `--after`/`--before` and their
//! `--dateafter`/`--datebefore` names, `-I` list positions, and the yt-dlp flags tikdl lacks.

use std::path::PathBuf;

use crate::support::{DESKTOP_ID, DESKTOP_URL, Env, download, files_under, s};
use serde_json::Value;

const BEST: &str = "adapt_lowest_1080_1";
const MUSIC_URL: &str = "https://www.tiktok.com/music/imitation-sound-7700000000000000090";
const EMPTY_MUSIC_URL: &str = "https://www.tiktok.com/music/x-7700000000000000099";
/// A photo post: four images and an mp3 sound.
const PHOTO_URL: &str = "https://www.tiktok.com/@mu33.__/photo/7610426235671350549";

fn out(env: &Env, name: &str) -> PathBuf {
    env.dir.path().join(name)
}

/// The format `download ARGS DESKTOP_URL` took.
fn taken(env: &Env, name: &str, args: &[&str]) -> String {
    let dir = out(env, name);
    let mut all = vec!["-P", s(&dir)];
    all.extend_from_slice(args);
    all.push(DESKTOP_URL);
    let run = download(env, &all).ok();
    run.result()["format_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no format_id{run}"))
        .to_owned()
}

/// The playable video formats of the desktop post, as `info --json` lists them.
fn videos(env: &Env) -> Vec<Value> {
    let info = env.info_json(DESKTOP_URL);
    info["formats"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["vcodec"] != "none" && f["vcodec"] != "bytevc2")
        .cloned()
        .collect()
}

#[test]
fn format_selectors_pick_the_rendition() {
    let env = Env::new();
    for (i, (args, want)) in [
        (&["-f", "best"][..], BEST),
        (&["-f", "b"], BEST),
        (&["-f", "bv"], BEST),
        (&["--format", "bestvideo"], BEST),
        (&["-f", "w"], "lower_540_0"),
        (&["-f", "worst"], "lower_540_0"),
        (&["-f", "720p"], "adapt_lower_720_1"),
        (&["-f", "sd"], "adapt_lower_720_1"),
        // A format id as `info --json` lists it.
        (&["-f", "adapt_540_1"], "adapt_540_1"),
        // Fallbacks: the first alternative the post has.
        (&["-f", "nosuch_id/adapt_540_1/best"], "adapt_540_1"),
        (&["-f", "nosuch_id/720p"], "adapt_lower_720_1"),
        // An extension, as in yt-dlp: the best format of it (TikTok's videos are mp4).
        (&["-f", "mp4"], BEST),
        (&["-f", "webm/mp4"], BEST),
        (&["-f", "m4a/720p"], "adapt_lower_720_1"),
        // The old names still work.
        (&["--quality", "worst"], "lower_540_0"),
        (&["--quality", "540p", "--codec", "h265"], "adapt_540_1"),
    ]
    .into_iter()
    .enumerate()
    {
        assert_eq!(taken(&env, &format!("f{i}"), args), want, "{args:?}");
    }
}

#[test]
fn bestaudio_saves_the_sound() {
    let env = Env::new();
    let dir = out(&env, "ba");
    let run = download(&env, &["-P", s(&dir), "-f", "ba", DESKTOP_URL]).ok();
    let r = run.result();
    assert_eq!(r["format_id"], Value::Null, "no video: {r}");
    let names: Vec<_> = files_under(&dir);
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(s(&names[0]).ends_with(".mp3"), "{names:?}");
}

#[test]
fn an_audio_extension_takes_the_sound_when_it_is_one() {
    let env = Env::new();
    let dir = out(&env, "mp3");
    let run = download(&env, &["-P", s(&dir), "-f", "mp3", DESKTOP_URL]).ok();
    assert_eq!(run.result()["format_id"], Value::Null, "no video{run}");
    let names = files_under(&dir);
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(s(&names[0]).ends_with(".mp3"), "{names:?}");
    // The post's sound is an mp3: m4a is not there, and the failure is about formats.
    let dir = out(&env, "m4a");
    let run = download(&env, &["-P", s(&dir), "-f", "m4a", DESKTOP_URL]).code(1);
    let error = &run.result()["error"];
    assert_eq!(error["code"], "no_format", "{run}");
    let message = error["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("no format matches -f m4a") && message.contains("sound: mp3"),
        "{run}"
    );
    let hints = error["suggestions"].to_string();
    assert!(hints.contains("tikdl info URL"), "{run}");
    assert!(!hints.contains("short-link"), "a hint about URL kinds{run}");
    assert!(files_under(&dir).is_empty());
}

#[test]
fn a_photo_post_takes_its_images_for_mp4_and_its_sound_for_mp3() {
    let env = Env::new();
    let dir = out(&env, "photo_mp4");
    download(&env, &["-P", s(&dir), "-f", "mp4", PHOTO_URL]).ok();
    let names = files_under(&dir);
    assert_eq!(names.len(), 5, "four images and the sound: {names:?}");
    let dir = out(&env, "photo_mp3");
    download(&env, &["-P", s(&dir), "-f", "mp3", PHOTO_URL]).ok();
    let names = files_under(&dir);
    assert_eq!(names.len(), 1, "the sound alone: {names:?}");
    assert!(s(&names[0]).ends_with(".mp3"), "{names:?}");
    let run = download(&env, &["-P", s(&dir), "-f", "m4a", PHOTO_URL]).code(1);
    assert_eq!(run.result()["error"]["code"], "no_format", "{run}");
}

#[test]
fn format_sort_orders_the_choice() {
    let env = Env::new();
    let vids = videos(&env);
    let by = |key: &str, smallest: bool| -> String {
        let mut v: Vec<&Value> = vids.iter().filter(|f| f[key].is_number()).collect();
        v.sort_by(|a, b| {
            let (x, y) = (a[key].as_f64().unwrap(), b[key].as_f64().unwrap());
            if smallest {
                x.total_cmp(&y)
            } else {
                y.total_cmp(&x)
            }
        });
        v[0]["format_id"].as_str().unwrap().to_owned()
    };
    // h264 first: the two 540 h264 renditions, the higher bitrate of them.
    assert_eq!(taken(&env, "s1", &["-S", "vcodec:h264"]), "normal_540_0");
    assert_eq!(taken(&env, "s2", &["-S", "res:720"]), "adapt_lower_720_1");
    assert_eq!(
        taken(&env, "s3", &["-S", "res:720,vcodec:h264"]),
        "adapt_lower_720_1"
    );
    assert_eq!(taken(&env, "s4", &["-S", "+size"]), by("filesize", true));
    assert_eq!(taken(&env, "s5", &["-S", "size"]), by("filesize", false));
    assert_eq!(taken(&env, "s6", &["-S", "br"]), by("tbr", false));
    // A height asked decides before -S; -S decides within it.
    assert_eq!(
        taken(&env, "s7", &["-f", "540p", "-S", "vcodec:h265"]),
        "adapt_540_1"
    );
}

#[test]
fn impossible_selectors_are_usage_errors() {
    let env = Env::new();
    for (args, says) in [
        (["-f", "bv+ba"], "merges no formats"),
        (["-f", "best[height<=720]"], "best (b), worst (w)"),
        // An extension TikTok never serves: every post would fail.
        (["-f", "webm"], "never matches"),
        (["-f", "flac/ogg"], "never matches"),
        (["-S", "fps"], "vcodec:h264"),
    ] {
        let run = env.run(["download", args[0], args[1], DESKTOP_URL]).code(2);
        assert!(run.stderr.contains(says), "{args:?}{run}");
        assert!(run.stderr.contains(args[1]), "{args:?}{run}");
    }
    assert!(
        env.tiktok.requests().is_empty(),
        "no request for a usage error"
    );
}

#[test]
fn a_selector_the_post_cannot_meet_names_its_formats() {
    let env = Env::new();
    let dir = out(&env, "none");
    let run = env
        .run(["download", "-P", s(&dir), "-f", "nosuch_id", DESKTOP_URL])
        .code(1);
    for id in ["adapt_540_1", "lower_540_0", BEST] {
        assert!(run.stderr.contains(id), "{id}{run}");
    }
    assert!(run.stderr.contains("nosuch_id"), "{run}");
    // The hint is about formats, never about the kinds of URL tikdl takes.
    assert!(run.stderr.contains("tikdl info URL"), "{run}");
    assert!(!run.stderr.contains("short-link"), "{run}");
    assert!(files_under(&dir).is_empty());
}

#[test]
fn format_config_keys() {
    let env = Env::new();
    let config = env.dir.path().join("c.toml");
    std::fs::write(
        &config,
        "[download]\nformat = \"best\"\nformat_sort = \"vcodec:h264\"\nquality = \"worst\"\n",
    )
    .unwrap();
    let show = crate::support::run({
        let mut c = env.cmd_with_config(&config);
        c.args(["config", "show"]);
        c
    })
    .success();
    assert!(show.stdout.contains("format = \"best\""), "{show}");
    assert!(
        show.stdout.contains("format_sort = \"vcodec:h264\""),
        "{show}"
    );
    let run = |args: &[&str]| -> String {
        let dir = out(&env, &format!("c{}", args.len()));
        let mut c = env.cmd_with_config(&config);
        c.args(["download", "--json", "-P", s(&dir)])
            .args(args)
            .arg(DESKTOP_URL);
        let r = crate::support::Run::json_of(&mut c).ok();
        r.result()["format_id"].as_str().unwrap().to_owned()
    };
    // The file's format (best) with its sort (h264 first) beats its quality (worst).
    assert_eq!(run(&[]), "normal_540_0");
    // A flag beats the file, --quality as much as -f.
    assert_eq!(run(&["--quality", "720p"]), "adapt_lower_720_1");
    assert_eq!(run(&["-f", "best", "-S", "res"]), BEST);
    // A bad value names the key and its line.
    std::fs::write(&config, "[download]\nformat = \"best[x]\"\n").unwrap();
    let bad = crate::support::run({
        let mut c = env.cmd_with_config(&config);
        c.args(["config", "show"]);
        c
    })
    .code(2);
    assert!(bad.stderr.contains("download.format"), "{bad}");
}

#[test]
fn dash_q_is_quiet() {
    let env = Env::new();
    let dir = out(&env, "q");
    let run = env
        .run(["download", "-q", "-P", s(&dir), DESKTOP_URL])
        .success();
    assert_eq!(run.stdout, "", "{run}");
    assert_eq!(run.stderr, "", "{run}");
    assert_eq!(files_under(&dir).len(), 1);
    // info -q: no warnings (a sound without posts says so otherwise); --no-warnings alike.
    let loud = env.run(["info", EMPTY_MUSIC_URL]);
    assert!(loud.stderr.contains("lists no posts"), "{loud}");
    for flag in ["-q", "--quiet", "--no-warnings"] {
        let quiet = env.run(["info", flag, EMPTY_MUSIC_URL]);
        assert!(!quiet.stderr.contains("lists no posts"), "{flag}{quiet}");
    }
}

#[test]
fn dump_json_prints_info_and_downloads_nothing() {
    let env = Env::new();
    let info = env.run(["info", "--json", DESKTOP_URL]).success();
    let dir = out(&env, "j");
    for flag in ["-j", "--dump-json"] {
        let run = env
            .run(["download", flag, "-P", s(&dir), DESKTOP_URL])
            .success();
        assert_eq!(run.stdout, info.stdout, "{flag}{run}");
    }
    assert!(!dir.exists(), "nothing written");
    // A list: one line per post, as `info --json`.
    let lines = env
        .json(["download", "-j", "--max", "3", MUSIC_URL])
        .success()
        .lines;
    assert_eq!(lines.len(), 3);
    // --json (long only now) still downloads and prints results.
    let r = download(&env, &["-P", s(&dir), DESKTOP_URL]).ok();
    assert_eq!(r.result()["status"], "downloaded");
    // batch -j is --info-only.
    let list = env.dir.path().join("l.txt");
    std::fs::write(&list, format!("{DESKTOP_URL}\n")).unwrap();
    let b = env.json(["batch", "-j", s(&list)]).success();
    assert_eq!(b.result()["id"], DESKTOP_ID);
    assert!(b.result()["formats"].is_array(), "{b}");
}

#[test]
fn dump_single_json_is_one_document() {
    let env = Env::new();
    let dir = out(&env, "J");
    let run = env
        .json(["download", "-J", "-P", s(&dir), "-I", "2:4", MUSIC_URL])
        .success();
    let doc = run.result();
    assert_eq!(doc["_type"], "playlist", "{run}");
    let ids: Vec<&str> = doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "7300000000000001002",
            "7300000000000001003",
            "7300000000000001004"
        ]
    );
    assert_eq!(doc["playlist_count"], 3);
    let post = env
        .json(["download", "--dump-single-json", DESKTOP_URL])
        .success();
    assert_eq!(post.result()["id"], DESKTOP_ID);
    assert!(post.result()["formats"].is_array());
    assert!(!dir.exists(), "nothing written");
}

#[test]
fn simulate_creates_no_archive_and_no_failed_file() {
    let env = Env::new();
    let dir = out(&env, "sim-state");
    let (archive, failed) = (
        env.state.path().join("a.txt"),
        env.state.path().join("f.txt"),
    );
    env.run([
        "download",
        "-s",
        "--download-archive",
        s(&archive),
        "--failed-file",
        s(&failed),
        "-P",
        s(&dir),
        DESKTOP_URL,
        "https://www.tiktok.com/@nobody/video/7399999999999999999",
    ])
    .code(1);
    assert!(!archive.exists(), "-s made the archive");
    assert!(!failed.exists(), "-s wrote the failed file");
    assert!(!dir.exists());
}

#[test]
fn simulate_writes_nothing() {
    let env = Env::new();
    let dir = out(&env, "sim");
    let run = env
        .run([
            "download",
            "-s",
            "--write-info-json",
            "-o",
            "%(id)s.%(ext)s",
            "-P",
            s(&dir),
            DESKTOP_URL,
        ])
        .success();
    assert!(
        run.stderr.contains(&format!(
            "would save {}",
            s(&dir.join(format!("{DESKTOP_ID}.mp4")))
        )),
        "{run}"
    );
    assert!(run.stderr.contains(".info.json"), "{run}");
    assert!(!dir.exists(), "nothing written{run}");
    // No media was fetched.
    assert!(
        env.tiktok
            .requests()
            .iter()
            .all(|r| r.host == "www.tiktok.com"),
        "{:?}",
        env.tiktok.requests()
    );
    // With --json the result says so and names the file.
    let json = download(
        &env,
        &["-s", "-o", "%(id)s.%(ext)s", "-P", s(&dir), DESKTOP_URL],
    )
    .success();
    let r = json.result();
    assert_eq!(r["status"], "simulated", "{json}");
    assert_eq!(
        r["files"][0]["path"],
        s(&dir.join(format!("{DESKTOP_ID}.mp4"))),
        "{json}"
    );
    assert_eq!(r["files"][0]["downloaded"], false, "{json}");
    assert!(!dir.exists());
    // A LIVE room is not recorded.
    let live = env
        .run([
            "download",
            "-s",
            "-P",
            s(&dir),
            "https://www.tiktok.com/@live_on/live",
        ])
        .success();
    assert!(live.stderr.contains("not recorded under -s"), "{live}");
    assert!(!dir.exists());
    // batch -s: no archive line either.
    let list = env.dir.path().join("l.txt");
    let archive = env.dir.path().join("archive.txt");
    std::fs::write(&list, format!("{DESKTOP_URL}\n")).unwrap();
    env.run([
        "batch",
        "--simulate",
        "--download-archive",
        s(&archive),
        "-P",
        s(&dir),
        s(&list),
    ])
    .success();
    let kept = std::fs::read_to_string(&archive).unwrap_or_default();
    assert!(!kept.contains(DESKTOP_ID), "{kept}");
    assert!(!dir.exists());
}

/// `YYYYMMDD` of `days` days from today (UTC).
fn day(days: i64) -> String {
    let d = time::OffsetDateTime::now_utc().date() + time::Duration::days(days);
    format!("{:04}{:02}{:02}", d.year(), u8::from(d.month()), d.day())
}

#[test]
fn yt_dlp_dates() {
    let env = Env::new();
    // The contradiction message shows both dates as resolved.
    for (after, before, a, b) in [
        ("today", "yesterday", day(0), day(-1)),
        ("now", "today-1day", day(0), day(-1)),
        ("today-1week", "now-8days", day(-7), day(-8)),
        ("yesterday+2days", "today", day(1), day(0)),
        (
            "20240131+1month",
            "20240228",
            "20240229".into(),
            "20240228".into(),
        ),
        ("20250101", "20241231", "20250101".into(), "20241231".into()),
    ] {
        for (fa, fb) in [("--after", "--before"), ("--dateafter", "--datebefore")] {
            let run = env
                .run(["info", fa, after, fb, before, DESKTOP_URL])
                .code(2);
            let said = format!("--after {a} is later than --before {b}");
            assert!(
                run.stderr.contains(&said),
                "{fa} {after} {fb} {before}: {said}{run}"
            );
        }
    }
    for bad in [
        "20251331",
        "20250231",
        "tomorrow",
        "today-1fortnight",
        "2025",
    ] {
        let run = env.run(["info", "--dateafter", bad, DESKTOP_URL]).code(2);
        assert!(run.stderr.contains(bad), "{run}");
    }
    assert!(env.tiktok.requests().is_empty());
    // The aliases filter as the names do.
    let tag = "https://www.tiktok.com/tag/imitationtag";
    let a = env
        .json([
            "info", "--json", "--after", "20251225", "--before", "20251230", tag,
        ])
        .success();
    let b = env
        .json([
            "info",
            "--json",
            "--dateafter",
            "20251225",
            "--datebefore",
            "20251230",
            tag,
        ])
        .success();
    assert!(!a.lines.is_empty());
    assert_eq!(a.stdout, b.stdout);
}

fn music_ids(env: &Env, args: &[&str]) -> Vec<String> {
    let mut all = vec!["info", "--json"];
    all.extend_from_slice(args);
    all.push(MUSIC_URL);
    env.json(all)
        .success()
        .lines
        .iter()
        .map(|l| {
            let id = l["id"].as_str().unwrap();
            id.strip_prefix("73000000000000010")
                .unwrap_or(id)
                .to_owned()
        })
        .collect()
}

fn api_pages(env: &Env) -> usize {
    env.tiktok
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/api/music/item_list/"))
        .count()
}

#[test]
fn playlist_items_pick_positions() {
    let env = Env::new();
    for (spec, want) in [
        ("1,3,5-6", &["01", "03", "05", "06"][..]),
        ("2:10:3", &["02", "05", "08"]),
        ("-2:", &["32", "33"]),
        ("-1,1", &["01", "33"]),
        ("::-16", &["01", "17", "33"]),
        ("31-inf", &["31", "32", "33"]),
    ] {
        assert_eq!(music_ids(&env, &["-I", spec]), want, "-I {spec}");
    }
    // --max caps what -I picked.
    assert_eq!(
        music_ids(&env, &["--playlist-items", "3:", "--max", "2"]),
        ["03", "04"]
    );
    // Positions within the first page need only it; one from the end pages the whole list.
    env.tiktok.clear_requests();
    // (A fresh imitation: a run cut short may have its next page still in flight.)
    let env = Env::new();
    music_ids(&env, &["-I", "1:3"]);
    assert_eq!(api_pages(&env), 1);
    env.tiktok.clear_requests();
    music_ids(&env, &["-I", "-1"]);
    assert_eq!(api_pages(&env), 2);
    // batch takes it per list too.
    let list = env.dir.path().join("music.txt");
    std::fs::write(&list, format!("{MUSIC_URL}\n")).unwrap();
    let b = env
        .json(["batch", "-j", "-I", "-1,2", s(&list)])
        .success()
        .lines;
    let ids: Vec<&str> = b.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["7300000000000001002", "7300000000000001033"]);
    for bad in ["0", "1,,2", "a-b", "1:5:0"] {
        let run = env.run(["info", "-I", bad, MUSIC_URL]).code(2);
        assert!(run.stderr.contains("START:STOP"), "{bad}{run}");
    }
}

#[test]
fn yt_dlp_flags_tikdl_lacks_say_what_to_do() {
    let env = Env::new();
    for (args, says) in [
        (&["download", "-F", DESKTOP_URL][..], "tikdl info URL"),
        (
            &["download", "--list-formats", DESKTOP_URL],
            "tikdl info URL",
        ),
        (&["download", "--continue", DESKTOP_URL], "always resumes"),
        (&["download", "--no-part", DESKTOP_URL], "NAME.part"),
        (
            &["download", "--merge-output-format", "mp4", DESKTOP_URL],
            "merges",
        ),
        (
            &["download", "--merge-output-format=mp4", DESKTOP_URL],
            "merges",
        ),
        (&["download", "--embed-subs", DESKTOP_URL], "--write-subs"),
        (
            &["download", "--write-auto-subs", DESKTOP_URL],
            "automatic captions",
        ),
        (
            &["download", "--impersonate", "chrome", DESKTOP_URL],
            "--user-agent",
        ),
        (&["download", "--referer", "x", DESKTOP_URL], "Referer"),
        (&["download", "--newline", DESKTOP_URL], "--no-progress"),
        (&["info", "-F", DESKTOP_URL], "tikdl info URL"),
    ] {
        let run = env.run(args).code(2);
        let flag = args[1].split('=').next().unwrap();
        assert!(
            run.stderr
                .contains(&format!("tikdl has no {flag} (a yt-dlp option)")),
            "{args:?}{run}"
        );
        assert!(run.stderr.contains(says), "{args:?}{run}");
        assert!(!run.stderr.contains("similar argument"), "{args:?}{run}");
    }
    assert!(env.tiktok.requests().is_empty());
    // A typo of a tikdl flag still gets clap's suggestion.
    let typo = env
        .run(["download", "--write-info-jsn", DESKTOP_URL])
        .code(2);
    assert!(typo.stderr.contains("--write-info-json"), "{typo}");
    assert!(!typo.stderr.contains("yt-dlp option"), "{typo}");
}

#[test]
fn same_meaning_yt_dlp_names_are_accepted() {
    let env = Env::new();
    let dir = out(&env, "alias");
    let run = env
        .json([
            "-R",
            "2",
            "--add-header",
            "X-Test: 1",
            "--socket-timeout",
            "20",
            "download",
            "--json",
            "--no-warnings",
            "--extract-audio",
            "-P",
            s(&dir),
            DESKTOP_URL,
        ])
        .ok();
    // Accepted with their tikdl meaning: -x by its yt-dlp name saved the sound only.
    assert_eq!(run.result()["format_id"], Value::Null, "audio only{run}");
    assert!(s(&files_under(&dir)[0]).ends_with(".mp3"));
}
