//! Seen from outside: `info --json` that yt-dlp users' scripts read
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
fn audio_rendition_listed_for_a_video_and_a_slideshow() {
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
fn watermarked_download_always_listed_without_a_borrowed_size() {
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
fn slideshow_duration_is_the_sounds() {
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
fn yt_dlp_keys_and_tikdl_extras_are_there() {
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
fn audio_is_chosen_by_selection_and_never_as_a_video() {
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

// ---- Part 4: recovery when TikTok serves a page without data ----

const SHELL_UNTIL_COOKIE: &str = "7800000000000000001";
const SHELL_FOR_DESKTOP: &str = "7800000000000000002";
const SHELL_ALWAYS: &str = "7800000000000000003";

fn post_url(id: &str) -> String {
    format!("https://www.tiktok.com/@someone/video/{id}")
}

/// One page request as the imitation logged it: host, path, phone or desktop, cookie names.
#[derive(Debug, PartialEq)]
struct Asked {
    host: String,
    path: String,
    phone: bool,
    tt_chain_token: bool,
}

/// The page requests for post `id`, printed as a table (run with `--nocapture` to see it).
fn asked_about(env: &Env, id: &str, label: &str) -> Vec<Asked> {
    let asked: Vec<Asked> = env
        .tiktok
        .requests()
        .into_iter()
        .filter(|r| r.path.contains(id))
        .map(|r| Asked {
            phone: r
                .user_agent
                .as_deref()
                .is_some_and(|ua| ua.contains("iPhone")),
            tt_chain_token: r.cookie_names.iter().any(|c| c == "tt_chain_token"),
            host: r.host,
            path: r.path,
        })
        .collect();
    for (n, a) in asked.iter().enumerate() {
        eprintln!(
            "{label} | {} | {}{} | {} | cookie tt_chain_token: {}",
            n + 1,
            a.host,
            a.path,
            if a.phone { "iPhone UA" } else { "desktop UA" },
            a.tt_chain_token
        );
    }
    asked
}

fn run_info(env: &Env, id: &str) -> (std::process::Output, Value) {
    let out = env
        .cmd()
        .args(["-v", "info", "--json", &post_url(id)])
        .output()
        .expect("run tikdl");
    let line = String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .map(str::to_owned);
    let json = serde_json::from_str(&line.unwrap_or_default()).expect("one JSON line");
    (out, json)
}

#[test]
fn shell_until_cookie_is_asked_again_with_the_cookies_it_set() {
    let env = Env::new();
    let (out, info) = run_info(&env, SHELL_UNTIL_COOKIE);
    assert!(out.status.success(), "{info}");
    assert_eq!(info["id"], SHELL_UNTIL_COOKIE);
    assert_eq!(info["uploader"], "bench");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("empty page") && stderr.contains("asking again with the cookies"),
        "the step is visible at -v: {stderr}"
    );
    let asked = asked_about(&env, SHELL_UNTIL_COOKIE, "shell until cookie");
    assert_eq!(asked.len(), 2, "{asked:?}");
    assert!(asked.iter().all(|a| a.host == "www.tiktok.com" && !a.phone));
    assert!(
        !asked[0].tt_chain_token && asked[1].tt_chain_token,
        "{asked:?}"
    );
}

#[test]
fn shell_for_desktop_is_recovered_from_the_mobile_page() {
    let env = Env::new();
    let (out, info) = run_info(&env, SHELL_FOR_DESKTOP);
    assert!(out.status.success(), "{info}");
    assert_eq!(info["id"], SHELL_FOR_DESKTOP);
    assert_eq!(info["uploader"], "sammy.becool"); // M2's reflow item
    assert_eq!(audio_only_ids(&info), ["\"audio\""]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("mobile page"), "{stderr}");
    let asked = asked_about(&env, SHELL_FOR_DESKTOP, "desktop shell");
    assert_eq!(asked.len(), 3, "{asked:?}");
    assert!(!asked[0].phone && !asked[1].phone && asked[1].tt_chain_token);
    assert_eq!(asked[2].host, "m.tiktok.com");
    assert_eq!(asked[2].path, format!("/v/{SHELL_FOR_DESKTOP}.html"));
    assert!(asked[2].phone, "{asked:?}");

    // The media want the cookie the mobile page set: a download (no cache) gets them.
    let out_dir = env.dir.path().join("m");
    let o = env
        .cmd()
        .args(["--no-cache", "download", "--json", "-P"])
        .arg(&out_dir)
        .arg(post_url(SHELL_FOR_DESKTOP))
        .output()
        .expect("run tikdl");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let r: Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    let video = saved(&r, "video");
    assert_eq!(video.len(), 1, "{r}");
    let bytes = std::fs::read(env.dir.path().join(&video[0])).expect("video on disk");
    assert_eq!(&bytes[4..8], b"ftyp");
}

#[test]
fn always_shell_gives_up_plainly() {
    let env = Env::new();
    let (out, line) = run_info(&env, SHELL_ALWAYS);
    assert_eq!(out.status.code(), Some(1));
    let err = &line["error"];
    assert_eq!(err["kind"], "platform");
    assert_eq!(err["code"], "empty_page");
    let msg = err["message"].as_str().unwrap();
    assert!(
        msg.contains("TikTok served an empty page 3 times (desktop, mobile)"),
        "{msg}"
    );
    assert!(msg.contains(&post_url(SHELL_ALWAYS)), "{msg}");
    let hints = err["suggestions"].to_string();
    for hint in ["retry later", "--cookies", "--proxy"] {
        assert!(hints.contains(hint), "{hints}");
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("giving up after 3 empty pages"), "{stderr}");
    let asked = asked_about(&env, SHELL_ALWAYS, "always shell");
    let hosts: Vec<(&str, bool)> = asked.iter().map(|a| (a.host.as_str(), a.phone)).collect();
    assert_eq!(
        hosts,
        [
            ("www.tiktok.com", false),
            ("www.tiktok.com", false),
            ("m.tiktok.com", true)
        ]
    );
}

#[test]
fn cache_never_keeps_an_empty_shell() {
    let env = Env::new();
    let cached = |id: &str| env.cache_dir().join(format!("{id}.json")).exists();
    for _ in 0..2 {
        env.tiktok.clear_requests();
        let (out, _) = run_info(&env, SHELL_ALWAYS);
        assert_eq!(out.status.code(), Some(1));
        // Asked again in full every time: nothing was kept from the empty pages.
        assert_eq!(
            asked_about(&env, SHELL_ALWAYS, "always shell, cached run").len(),
            3
        );
        assert!(!cached(SHELL_ALWAYS));
    }
    // A recovered post is kept, and the next run costs no request.
    let (out, _) = run_info(&env, SHELL_UNTIL_COOKIE);
    assert!(out.status.success());
    assert!(cached(SHELL_UNTIL_COOKIE));
    env.tiktok.clear_requests();
    let (out, info) = run_info(&env, SHELL_UNTIL_COOKIE);
    assert!(out.status.success());
    assert_eq!(info["uploader"], "bench");
    assert!(asked_about(&env, SHELL_UNTIL_COOKIE, "cached").is_empty());
}

/// The page's uniqueId is untrusted: a URL built from it must stay a valid post URL that tikdl
/// (and yt-dlp) accept back, whatever the account name holds.
#[test]
fn webpage_url_from_an_odd_unique_id_is_still_a_post_url() {
    let env = Env::new();
    for n in [1u64, 4, 5, 10, 14] {
        let id = tiktok_imitation::HOSTILE_BASE + n;
        let info = env.info_json(&format!("https://www.tiktok.com/@x/video/{id}"));
        let url = info["webpage_url"].as_str().unwrap().to_owned();
        assert_eq!(
            url,
            format!("https://www.tiktok.com/@_/video/{id}"),
            "{info}"
        );
        assert!(info["uploader_url"].is_null(), "{info}");
        // Fed back, it is the same post.
        assert_eq!(env.info_json(&url)["id"], id.to_string());
    }
}

/// The post JSON as Python's `json` (yt-dlp) reads it: a later duplicate key wins, `1e400` is
/// a number too large to keep, `NaN` and `Infinity` are numbers; none of them fails the post.
#[test]
fn odd_json_tokens_in_the_post_still_give_the_post() {
    let env = Env::new();
    let url = |n: u64| {
        format!(
            "https://www.tiktok.com/@u/video/{}",
            tiktok_imitation::STRINGS_BASE + n
        )
    };
    let d1 = env.info_json(DESKTOP_URL);
    // `desc` twice: the later one.
    let dup = env.info_json(&url(2));
    assert_eq!(dup["description"], "hostile strings post 2", "{dup}");
    assert!(!dup.to_string().contains(tiktok_imitation::EARLIER_DESC));
    // `stats.playCount: 1e400`: the exact `statsV2` count is still read, the rest as D1's.
    let big = env.info_json(&url(3));
    assert_eq!(big["view_count"], d1["view_count"], "{big}");
    assert_eq!(big["like_count"], d1["like_count"]);
    // NaN and Infinity in fields tikdl ignores.
    let nan = env.info_json(&url(4));
    assert_eq!(nan["formats"], d1["formats"]);
    // The scope key twice: the later (the post), not the stale "removed" answer before it.
    let scope = env.info_json(&url(5));
    assert_eq!(scope["description"], "hostile strings post 5", "{scope}");
    for info in [&dup, &big, &nan, &scope] {
        assert_eq!(info["duration"], d1["duration"]);
        assert_eq!(info["uploader"], d1["uploader"]);
    }
}
