//! `tikdl info` against the local TikTok imitation: every capture's shape, short links, the bot
//! challenge, status pages, and TLS/proxy handling. Expected values were read from the captures.

use std::path::Path;

use crate::support;
use crate::support::{DESKTOP_ID, DESKTOP_URL, Env, files, sizes};
use serde_json::Value;

fn strs(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn desktop_page_2026() {
    let env = Env::new();
    let i = env.info_json(DESKTOP_URL);
    assert_eq!(i["extractor"], "TikTok");
    assert_eq!(i["extractor_key"], "TikTok");
    assert_eq!(i["display_id"], i["id"]);
    assert_eq!(i["ext"], "mp4");
    assert!(
        i["thumbnail"]
            .as_str()
            .is_some_and(|t| t.starts_with("https://")),
        "{i}"
    );
    assert_eq!(i["id"], DESKTOP_ID);
    assert_eq!(i["kind"], "video");
    assert_eq!(i["uploader"], "emthenutritionist");
    assert_eq!(i["uploader_id"], "6813808072638399493");
    assert_eq!(i["channel"], "Emily English");
    assert_eq!(
        i["channel_id"],
        "MS4wLjABAAAAf-SIwwe7Qj5TfGXVax4GjJDMCil_y-_tndpQCrpjgLbdag0keJSZSqNIB4rnxmhB"
    );
    assert_eq!(i["timestamp"], 1771567930);
    assert_eq!(i["upload_date"], "20260220");
    assert_eq!(i["duration"], 54);
    assert_eq!(i["view_count"], 2900000);
    assert_eq!(i["like_count"], 105200);
    assert_eq!(i["comment_count"], 499);
    assert_eq!(i["repost_count"], 42400);
    assert_eq!(i["save_count"], 124842); // a string in `stats`, exact in `statsV2`
    assert_eq!(strs(&i["hashtags"]), ["healthyrecipes", "quickrecipes"]);
    assert_eq!(i["track"], "original sound");
    assert_eq!(strs(&i["artists"]), ["Emily English"]);
    // Five renditions plus the audio-only one.
    assert_eq!(i["formats"].as_array().unwrap().len(), 6);
    assert_eq!(sizes(&i), [4170749, 4997854, 5084196, 7777340, 8788538]);
    let best = i["formats"].as_array().unwrap().last().unwrap();
    assert_eq!(
        (best["width"].as_u64(), best["height"].as_u64()),
        (Some(1080), Some(1920))
    );
    assert_eq!(best["vcodec"], "h265");
    assert_eq!(keys(&i["subtitles"]), ["eng-US"]);
    assert_eq!(i["subtitles"]["eng-US"][0]["source"], "ASR");
    assert_eq!(i["subtitles"]["eng-US"][0]["ext"], "vtt");
    assert!(
        i["title"]
            .as_str()
            .unwrap()
            .starts_with("15 MINUTE CREAMY THAI COCONUT COD CURRY")
    );
    assert_eq!(i["title"].as_str().unwrap().chars().count(), 72);
    assert_eq!(i["webpage_url"], DESKTOP_URL);
}

#[test]
fn json_keys_are_stable_and_ordered() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["info", "--json", DESKTOP_URL])
        .output()
        .unwrap();
    let line = String::from_utf8(out.stdout).unwrap();
    let first_keys: Vec<&str> = line.trim_start_matches('{').split(',').take(3).collect();
    assert_eq!(
        first_keys,
        [
            r#""extractor":"TikTok""#,
            r#""id":"7608826249200356630""#,
            r#""kind":"video""#
        ]
    );
    let v: Value = serde_json::from_str(&line).unwrap();
    let expected = [
        "extractor",
        "id",
        "kind",
        "title",
        "description",
        "uploader",
        "uploader_id",
        "uploader_url",
        "channel",
        "channel_id",
        "channel_url",
        "webpage_url",
        "extractor_key",
        "display_id",
        "timestamp",
        "upload_date",
        "duration",
        "ext",
        "width",
        "height",
        "view_count",
        "like_count",
        "comment_count",
        "repost_count",
        "save_count",
        "hashtags",
        "mentions",
        "track",
        "artists",
        "album",
        "music",
        "thumbnails",
        "thumbnail",
        "formats",
        "images",
        "subtitles",
    ];
    let mut sorted = expected.to_vec();
    sorted.sort_unstable();
    assert_eq!(keys(&v), sorted, "exactly these keys");
    // Top-level keys come before any nested key of the same name, so first occurrences give the order.
    let positions: Vec<usize> = expected
        .iter()
        .map(|k| line.find(&format!("\"{k}\":")).unwrap())
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "keys out of order: {positions:?}"
    );
}

#[test]
fn desktop_page_2025_two_subtitle_languages() {
    let env = Env::new();
    let i = env
        .info_json("https://www.tiktok.com/@dangthuhaf/video/7526770564367748360?is_from_webapp=1");
    assert_eq!(i["id"], "7526770564367748360");
    assert_eq!(i["uploader"], "dangthuhaf");
    assert_eq!(i["uploader_id"], "26960383");
    assert_eq!(i["timestamp"], 1752462842);
    assert_eq!(i["upload_date"], "20250714");
    assert_eq!(i["duration"], 34);
    assert_eq!(
        [
            &i["view_count"],
            &i["like_count"],
            &i["comment_count"],
            &i["repost_count"],
            &i["save_count"]
        ],
        [18500000, 844400, 2182, 25600, 16630]
    );
    assert_eq!(sizes(&i), [1719376, 2083965, 3656008, 5271519]);
    assert_eq!(keys(&i["subtitles"]), ["eng-US", "vie-VN"]);
    assert_eq!(i["subtitles"]["eng-US"][0]["source"], "MT");
    assert_eq!(i["subtitles"]["vie-VN"][0]["source"], "ASR");
}

#[test]
fn mobile_reflow_video_without_bitrate_info() {
    let env = Env::new();
    let i = env.info_json("https://m.tiktok.com/v/7600352599870557461.html");
    assert_eq!(i["id"], "7600352599870557461");
    assert_eq!(i["uploader"], "sammy.becool");
    assert_eq!(i["uploader_id"], "6627359296702414849");
    assert_eq!(i["timestamp"], 1769594997);
    assert_eq!(i["duration"], 79);
    assert_eq!(i["view_count"], 192800);
    assert_eq!(i["save_count"], 2700);
    let formats = i["formats"].as_array().unwrap();
    let ids: Vec<&str> = formats
        .iter()
        .map(|f| f["format_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["audio", "download_addr", "play_addr"]);
    assert_eq!(formats[1]["watermarked"], true);
    assert_eq!(formats[2]["watermarked"], false);
    assert_eq!(keys(&i["subtitles"]), ["eng-US", "vie-VN"]);
    assert_eq!(strs(&i["artists"]), ["TAKANORI ONDA"]);
}

#[test]
fn mobile_photo_slideshow() {
    let env = Env::new();
    let i = env.info_json("https://www.tiktok.com/@mu33.__/photo/7610426235671350549");
    assert_eq!(i["id"], "7610426235671350549");
    assert_eq!(i["kind"], "slideshow");
    assert_eq!(i["uploader"], "mu33.__");
    assert_eq!(i["uploader_id"], "7076878307794568197");
    assert_eq!(i["timestamp"], 1771940448);
    assert_eq!(i["duration"], 31); // the sound's, as yt-dlp reports it
    assert_eq!(i["view_count"], 174);
    assert_eq!(i["formats"].as_array().unwrap().len(), 1); // the audio-only rendition
    let images = i["images"].as_array().unwrap();
    let dims: Vec<(u64, u64)> = images
        .iter()
        .map(|m| (m["width"].as_u64().unwrap(), m["height"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        dims,
        [(1080, 1679), (1080, 1650), (1080, 1717), (1080, 1681)]
    );
    assert!(
        images
            .iter()
            .all(|m| m["mirrors"].as_array().unwrap().len() == 1)
    );
    assert_eq!(i["music"]["duration"], 31);
    assert!(
        i["music"]["url"]
            .as_str()
            .unwrap()
            .contains("mime_type=audio_mpeg")
    );
    assert_eq!(
        i["webpage_url"],
        "https://www.tiktok.com/@mu33.__/photo/7610426235671350549"
    );
}

#[test]
fn sigi_state_page_2023() {
    let env = Env::new();
    let i = env.info_json("https://www.tiktok.com/@juan_and_lonely/video/7243914257526541573");
    assert_eq!(i["id"], "7243914257526541573");
    assert_eq!(i["uploader"], "juan_and_lonely"); // `author` is a bare string here
    assert_eq!(i["uploader_id"], "6873133835833066497");
    assert_eq!(i["channel"], "Juan and Lonely on IG");
    assert_eq!(i["timestamp"], 1686605224);
    assert_eq!(i["duration"], 29);
    assert_eq!(
        [&i["view_count"], &i["like_count"], &i["save_count"]],
        [9100000, 758300, 112206]
    );
    assert_eq!(sizes(&i), [1674126, 2264139, 4477607]);
    assert_eq!(strs(&i["hashtags"])[..3], ["sogo", "hotelsogo", "motel"]);
}

#[test]
fn next_data_page_with_int_numbers() {
    let env = Env::new();
    let i = env.info_json("https://www.tiktok.com/@3ichenglish/video/7175983749526523141");
    assert_eq!(i["id"], "7175983749526523141");
    assert_eq!(i["uploader"], "3ichenglish");
    assert_eq!(i["uploader_id"], "6645695007679692805");
    assert_eq!(i["timestamp"], 1670788918); // an int in API JSON
    assert_eq!(i["duration"], 134);
    assert_eq!(sizes(&i), [16657094]); // DataSize as an int
    assert_eq!(i["view_count"], 163800);
}

#[test]
fn short_links_on_every_host() {
    let env = Env::new();
    for url in [
        "https://vm.tiktok.com/ZMdesk1/",
        "https://vt.tiktok.com/ZMdesk1",
        "https://www.tiktok.com/t/ZMdesk1/",
        "https://vm.tiktok.com/ZMhop1/", // two hops
    ] {
        assert_eq!(env.info_json(url)["id"], DESKTOP_ID, "{url}");
    }
    assert_eq!(
        env.info_json("https://vm.tiktok.com/ZMphoto1/")["kind"],
        "slideshow"
    );
    // The redirect is read, not followed blindly: the short link host got exactly one request each.
    let vm_hits = env
        .tiktok
        .requests()
        .iter()
        .filter(|r| r.host == "vm.tiktok.com")
        .count();
    assert_eq!(vm_hits, 4); // desk1, hop1, hop2, photo1
}

#[test]
fn short_link_leaving_tiktok_or_looping_is_refused() {
    let env = Env::new();
    let (code, err, stderr) = env.info_error("https://vm.tiktok.com/ZMevil1/");
    assert_eq!(code, 1);
    assert_eq!(err["code"], "redirect");
    assert!(stderr.contains("evil.example"), "{stderr}");
    assert!(
        !env.tiktok
            .requests()
            .iter()
            .any(|r| r.host.contains("evil"))
    );

    let (code, err, _) = env.info_error("https://vm.tiktok.com/ZMloop1/");
    assert_eq!(code, 1);
    assert_eq!(err["code"], "redirect");
    assert!(err["message"].as_str().unwrap().contains("hops"));
}

#[test]
fn waf_challenge_is_solved() {
    let env = Env::new();
    let i = env.info_json("https://www.tiktok.com/@emthenutritionist/video/7000000000000000403");
    assert_eq!(i["uploader"], "emthenutritionist");
    let pages: Vec<_> = env
        .tiktok
        .requests()
        .into_iter()
        .filter(|r| r.path.contains("7000000000000000403"))
        .collect();
    assert_eq!(pages.len(), 2, "challenge, then the page");
    assert!(!pages[0].cookie_names.iter().any(|c| c == "_wafchallengeid"));
    assert!(pages[1].cookie_names.iter().any(|c| c == "_wafchallengeid"));
}

#[test]
fn login_redirect_needs_cookies() {
    let env = Env::new();
    let (code, err, stderr) = env.info_error("https://www.tiktok.com/@x/video/7000000000000000401");
    assert_eq!(code, 1);
    assert_eq!(err["kind"], "content");
    assert_eq!(err["code"], "login_required");
    assert!(stderr.contains("--cookies"), "{stderr}");
}

#[test]
fn status_pages_map_to_distinct_errors() {
    let env = Env::new();
    for (id, kind, code) in [
        ("7000000000000010204", "content", "removed"),
        ("7000000000000010216", "content", "private_post"),
        ("7000000000000010222", "content", "private_account"),
        ("7000000000000010221", "content", "account_not_found"),
        ("7000000000000010202", "content", "account_banned"),
        ("7000000000000209002", "content", "login_required"),
        ("7000000000000000777", "content", "login_required"),
        // The empty shell, after the recovery found nothing either.
        ("7000000000000000000", "platform", "empty_page"),
    ] {
        let url = format!("https://www.tiktok.com/@someone/video/{id}");
        let (exit, err, stderr) = env.info_error(&url);
        assert_eq!(exit, 1, "{id}");
        assert_eq!(
            (err["kind"].as_str(), err["code"].as_str()),
            (Some(kind), Some(code)),
            "{id}: {err}"
        );
        assert!(
            err["message"].as_str().unwrap().contains(&url),
            "the error names the URL: {err}"
        );
        assert!(!err["suggestions"].as_array().unwrap().is_empty(), "{id}");
        assert!(stderr.contains("hint:"), "{stderr}");
    }
}

#[test]
fn empty_shell_error_says_what_was_missing() {
    let env = Env::new();
    let (_, err, _) = env.info_error("https://www.tiktok.com/@someone/video/7000000000000000000");
    let msg = err["message"].as_str().unwrap();
    assert!(
        msg.contains("__UNIVERSAL_DATA_FOR_REHYDRATION__") && msg.contains("11181 bytes"),
        "{msg}"
    );
}

#[test]
fn not_tiktok_urls_fail_without_network() {
    let env = Env::new();
    for url in [
        "https://www.youtube.com/watch?v=abc",
        "https://tiktok.com.evil.example/@a/video/7608826249200356630",
    ] {
        let (code, err, _) = env.info_error(url);
        assert_eq!(code, 1);
        assert_eq!(err["code"], "not_tiktok", "{url}");
    }
    assert!(env.tiktok.requests().is_empty());
}

#[test]
fn several_urls_keep_input_order_and_failures_do_not_stop_others() {
    let env = Env::new();
    let out = env
        .cmd()
        .args([
            "info",
            "--json",
            "--jobs",
            "3",
            DESKTOP_URL,
            "https://www.tiktok.com/@a/video/7000000000000010204",
        ])
        .args([
            "https://www.tiktok.com/@mu33.__/photo/7610426235671350549",
            "https://vm.tiktok.com/ZMdesk1/",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["id"], DESKTOP_ID);
    assert_eq!(lines[1]["error"]["code"], "removed");
    assert_eq!(
        lines[1]["url"],
        "https://www.tiktok.com/@a/video/7000000000000010204"
    );
    assert_eq!(lines[2]["id"], "7610426235671350549");
    assert_eq!(lines[3]["id"], DESKTOP_ID);
}

#[test]
fn human_summary() {
    let env = Env::new();
    let out = env.cmd().args(["info", DESKTOP_URL]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Emily English (@emthenutritionist)"),
        "{text}"
    );
    assert!(text.contains("2026-02-20"), "{text}");
    assert!(text.contains("0:54"), "{text}");
    assert!(text.contains("2,900,000"), "{text}");
    assert!(text.contains("#healthyrecipes #quickrecipes"), "{text}");
    assert!(
        text.contains("adapt_lowest_1080_1") && text.contains("1080x1920"),
        "{text}"
    );
}

#[test]
fn connect_to_over_tls_with_ca_cert() {
    let env = Env::new();
    let rule = format!("::127.0.0.1:{}", env.tiktok.port());
    let out = env
        .bare()
        .args(["--connect-to", &rule, "--ca-cert"])
        .arg(&env.ca)
        .args(["info", "--json", DESKTOP_URL])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["id"], DESKTOP_ID);
    assert!(env.tiktok.requests().iter().all(|r| !r.via_connect));
}

#[test]
fn without_the_ca_cert_tls_fails_cleanly() {
    let env = Env::new();
    let rule = format!("::127.0.0.1:{}", env.tiktok.port());
    for args in [
        vec!["--connect-to", &rule],
        vec!["--proxy", &env.tiktok.proxy_url()],
    ] {
        let out = env
            .bare()
            .args(&args)
            .args(["--retries", "0", "info", "--json", DESKTOP_URL])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["error"]["code"], "tls", "{v}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("--ca-cert"), "{stderr}");
        assert!(!stderr.contains("panicked"));
    }
}

#[test]
fn proxy_is_used_for_every_request() {
    let env = Env::new();
    env.info_json(DESKTOP_URL);
    let reqs = env.tiktok.requests();
    assert!(!reqs.is_empty());
    assert!(reqs.iter().all(|r| r.via_connect));
    let ua = reqs[0].user_agent.clone().unwrap_or_default();
    assert!(ua.contains("Chrome/"), "{ua}");
}

#[test]
fn retries_a_429_then_succeeds() {
    let env = Env::new();
    env.tiktok.add_fault(support::FaultRule {
        host: Some("www.tiktok.com".into()),
        path_contains: DESKTOP_ID.into(),
        fault: support::Fault::Status {
            code: 429,
            retry_after: Some(0),
        },
        times: 2,
    });
    assert_eq!(env.info_json(DESKTOP_URL)["id"], DESKTOP_ID);
    let statuses: Vec<u16> = env.tiktok.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 429, 200]);
}

#[test]
fn cookies_file_is_sent_and_never_printed() {
    let env = Env::new();
    let jar = env.dir.path().join("cookies.txt");
    std::fs::write(
        &jar,
        "# Netscape HTTP Cookie File\n.tiktok.com\tTRUE\t/\tTRUE\t0\tsessionid\tSEKRET-VALUE-123\n",
    )
    .unwrap();
    let out = env
        .cmd()
        .arg("--cookies")
        .arg(&jar)
        .args(["-vv", "info", "--json", DESKTOP_URL])
        .output()
        .unwrap();
    assert!(out.status.success());
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains("SEKRET-VALUE-123"));
    let page = env
        .tiktok
        .requests()
        .into_iter()
        .find(|r| r.path.contains(DESKTOP_ID))
        .unwrap();
    assert!(
        page.cookie_names.iter().any(|c| c == "sessionid"),
        "{:?}",
        page.cookie_names
    );
}

#[test]
fn usage_errors_exit_2() {
    let env = Env::new();
    assert_eq!(
        env.bare().args(["info"]).output().unwrap().status.code(),
        Some(2)
    );
    assert_eq!(
        env.bare()
            .args(["frobnicate"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(2)
    );
    let out = env
        .bare()
        .args(["--ca-cert", "/nonexistent/ca.pem", "info", DESKTOP_URL])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--ca-cert"));
}

#[test]
fn profile_urls_print_each_post() {
    let env = Env::new();
    let out = env
        .cmd()
        .args([
            "--rate-limit",
            "0",
            "info",
            "--json",
            "--max",
            "3",
            "https://www.tiktok.com/@imitation45",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert!(lines.iter().all(|l| l["uploader"] == "imitation45"));
}

// ---------------------------------------------------------------------------------------------
// the JSON that yt-dlp users' scripts read, and pages without data
// ---------------------------------------------------------------------------------------------

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
    let run = support::download(env, &[&["-P", support::s(out)], args].concat()).success();
    run.lines.into_iter().next().expect("a result line")
}

#[test]
fn audio_is_chosen_by_selection_and_never_as_a_video() {
    let env = Env::new();
    // `-f audio` on a slideshow: only its sound, named with the rendition's ext.
    let out = env.dir.path().join("a");
    let r = download(&env, &out, &["-f", "audio", SLIDESHOW_URL]);
    let audio = files(&r, "audio");
    assert_eq!(audio.len(), 1, "{r}");
    assert!(files(&r, "image").is_empty(), "{r}");
    assert_eq!(audio[0].extension().and_then(|e| e.to_str()), Some("mp3"));
    // Result paths are relative to the folder tikdl ran in.
    let bytes = std::fs::read(env.dir.path().join(&audio[0])).expect("the sound on disk");
    assert!(bytes.starts_with(b"ID3"));
    // `-f worst` wants the smallest *video*: the audio-only rendition (no size) is never it.
    let out = env.dir.path().join("w");
    let r = download(&env, &out, &["-f", "worst", REFLOW_VIDEO_URL]);
    assert_eq!(r["format_id"], "play_addr", "{r}");
    assert_eq!(files(&r, "video").len(), 1, "{r}");
    assert!(files(&r, "audio").is_empty(), "{r}");
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
    let video = files(&r, "video");
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
