//! Music and hashtag lists, list options, and post, profile and collection URLs whose user part
//! is odd, against the imitation (yt-dlp 2026.10.26's `tiktok.py` and davidteather/TikTok-Api
//! for the list APIs).

use crate::challenge::{client, get};
use crate::support;
use crate::support::{DESKTOP_ID, Env};
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// Post URLs whose user part is odd.

/// User parts a post URL may carry; only host, kind and id decide.
fn odd_users() -> Vec<String> {
    vec![
        String::new(),
        "_".into(),
        "..%2F..%2Fetc%2Fpasswd".into(),
        "日本語ユーザー".into(),
        "%E6%97%A5%E6%9C%AC".into(),
        "a.b-c_d".into(),
        "...".into(),
        "x".repeat(300),
        "%00%0A%22%3C".into(),
    ]
}

/// The user part tikdl put in its page request for `id`.
fn requested_users(env: &Env, id: &str) -> Vec<String> {
    support::requests_with(env, id)
        .into_iter()
        .filter(|r| r.host == "www.tiktok.com")
        .filter_map(|r| {
            let rest = r.path.strip_prefix("/@")?;
            Some(rest.split('/').next()?.to_owned())
        })
        .collect()
}

#[test]
fn odd_user_segments_info_fine() {
    let env = Env::new();
    for user in odd_users() {
        let url = format!("https://www.tiktok.com/@{user}/video/{DESKTOP_ID}");
        let i = env.info_json(&url);
        assert_eq!(i["id"], DESKTOP_ID, "{url}");
        assert_eq!(i["uploader"], "emthenutritionist", "{url}");
    }
    // The page requests carried only `_` or a plain name, never the odd text.
    let users = requested_users(&env, DESKTOP_ID);
    assert_eq!(users.len(), odd_users().len(), "{users:?}");
    for u in &users {
        assert!(u == "_" || u == "a.b-c_d", "requested @{u}");
    }
    // A photo URL too.
    let photo = env.info_json("https://www.tiktok.com/@..%2F..%2Fx/photo/7610426235671350549");
    assert_eq!(photo["kind"], "slideshow");
}

#[test]
fn odd_user_segment_downloads_inside_the_folder() {
    let env = Env::new();
    let out = env.dir.path().join("out");
    let url = format!("https://www.tiktok.com/@..%2F..%2Fetc%2Fpasswd/video/{DESKTOP_ID}");
    let out_arg = out.to_string_lossy().into_owned();
    let results = env
        .json([
            "download",
            "--json",
            "--write-info-json",
            "-P",
            &out_arg,
            &url,
        ])
        .success()
        .lines;
    assert_eq!(results[0]["status"], "downloaded", "{results:?}");
    assert_eq!(support::verify_downloads(&env, &results), 1);
    let files: Vec<_> = support::files_under(env.dir.path())
        .into_iter()
        .filter(|f| f != &env.ca)
        .collect();
    assert!(!files.is_empty());
    for f in files {
        assert!(
            f.starts_with(&out),
            "{} outside the output folder",
            f.display()
        );
        assert!(!f.to_string_lossy().contains("passwd"), "{}", f.display());
    }
}

#[test]
fn short_link_to_odd_user_post_works() {
    let env = Env::new();
    for code in ["ZMfidodd1", "ZMfidodd2", "ZMfidodd3", "ZMfidodd4"] {
        let i = env.info_json(&format!("https://vm.tiktok.com/{code}/"));
        assert_eq!(i["id"], DESKTOP_ID, "{code}");
    }
    for u in requested_users(&env, DESKTOP_ID) {
        assert_eq!(u, "_");
    }
}

#[test]
fn short_link_to_a_non_post_url_says_so() {
    let env = Env::new();
    let (code, err, stderr) = env.info_error("https://vm.tiktok.com/ZMfidbad1/");
    assert_eq!(code, 1);
    assert_eq!(err["code"], "redirect");
    let msg = err["message"].as_str().unwrap();
    assert!(
        msg.contains("https://www.tiktok.com/@someone/video/12ab34"),
        "{msg}"
    );
    assert!(msg.contains("not numeric"), "{msg}");
    assert!(!msg.contains("removed"), "{msg}");
    assert!(!stderr.contains("blocking this IP"), "{stderr}");
}

#[test]
fn profile_and_collection_need_a_real_user_name() {
    let env = Env::new();
    for url in [
        "https://www.tiktok.com/@..%2F..%2Fetc%2Fpasswd".to_owned(),
        "https://www.tiktok.com/@_".to_owned(),
        "https://www.tiktok.com/@%E6%97%A5/collection/x-7400000000000000033".to_owned(),
    ] {
        let (code, err, _) = env.info_error(&url);
        assert_eq!(code, 1, "{url}");
        let msg = err["message"].as_str().unwrap();
        assert!(
            msg.contains("looked up through its account"),
            "{url}: {msg}"
        );
    }
    // No request was made for them.
    assert!(env.tiktok.requests().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Music and hashtag lists.

const MUSIC_URL: &str = "https://www.tiktok.com/music/imitation-sound-7700000000000000090";
const MUSIC_ID: &str = "7700000000000000090";
const TAG_URL: &str = "https://www.tiktok.com/tag/imitationtag";
const TAG_ID: &str = "7700000000000000091";

fn api_calls(env: &Env, path: &str) -> Vec<String> {
    env.tiktok
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with(path))
        .map(|r| r.path)
        .collect()
}

#[test]
fn music_list_info_with_max() {
    let env = Env::new();
    let infos = env
        .json(["info", "--json", "--max", "31", MUSIC_URL])
        .success()
        .lines;
    assert_eq!(infos.len(), 31);
    assert_eq!(infos[0]["id"], "7300000000000001001");
    assert_eq!(infos[30]["id"], "7300000000000001031");
    assert!(infos.iter().all(|i| i["music"]["id"] == MUSIC_ID));
    // The page, then two pages of the music list API.
    assert_eq!(api_calls(&env, "/music/").len(), 1);
    let calls = api_calls(&env, "/api/music/item_list/");
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert!(
        calls[0].contains(&format!("musicID={MUSIC_ID}")),
        "{calls:?}"
    );
    assert!(
        calls[0].contains("cursor=0") && calls[1].contains("cursor=30"),
        "{calls:?}"
    );

    // All of it without --max: 33 posts.
    assert_eq!(
        env.json(["info", "--json", MUSIC_URL])
            .success()
            .lines
            .len(),
        33
    );
}

#[test]
fn tag_list_batch_info_only() {
    let env = Env::new();
    let list = env.dir.path().join("tags.txt");
    std::fs::write(&list, format!("{TAG_URL}\n")).unwrap();
    let list = list.to_string_lossy().into_owned();
    let infos = env
        .json([
            "--rate-limit",
            "0",
            "batch",
            "--info-only",
            "--max",
            "40",
            &list,
        ])
        .success()
        .lines;
    assert_eq!(infos.len(), 40);
    assert_eq!(infos[0]["id"], "7300000000000000001");
    assert_eq!(infos[39]["id"], "7300000000000000040");
    let calls = api_calls(&env, "/api/challenge/item_list/");
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert!(
        calls
            .iter()
            .all(|c| c.contains(&format!("challengeID={TAG_ID}")))
    );
}

#[test]
fn tag_list_date_filters() {
    let env = Env::new();
    let args = [
        "info", "--json", "--after", "20251225", "--before", "20251230", TAG_URL,
    ];
    let infos = env.json(args).success().lines;
    assert!(!infos.is_empty());
    assert!(infos.len() < 45);
    for i in &infos {
        let d = i["upload_date"].as_str().unwrap();
        assert!(("20251225".."20251231").contains(&d), "{d}");
    }
}

#[test]
fn unknown_tag_is_a_plain_error() {
    let env = Env::new();
    let (code, err, _) = env.info_error("https://www.tiktok.com/tag/nosuchtagatall");
    assert_eq!(code, 1);
    assert_eq!(err["code"], "no_data");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("webapp.challenge-detail")
    );
}

/// Contradictory or empty list options and unknown accounts are said, never a silent exit 0.
#[test]
fn bad_list_options_and_unknown_accounts_are_said() {
    let env = Env::new();
    let profile = "https://www.tiktok.com/@imitation45";
    for args in [
        vec!["info", "--max", "0", profile],
        vec![
            "info", "--after", "20270101", "--before", "20260101", profile,
        ],
    ] {
        let out = env.cmd().args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("--max 0") || stderr.contains("later than --before"),
            "{stderr}"
        );
        assert!(
            env.tiktok.requests().is_empty(),
            "no request for a usage error"
        );
    }
    // An account TikTok does not have: its page says 10221 "user not exist".
    let out = env
        .cmd()
        .args(["info", "--json", "https://www.tiktok.com/@nosuchuser_zz"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["code"], "account_not_found", "{v}");
    // A sound with no posts is not an error, but it is said.
    let out = env
        .cmd()
        .args(["info", "https://www.tiktok.com/music/x-7700000000000000099"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("lists no posts"));
}

/// The imitation's pages and APIs have the structure the cited sources read, and the APIs refuse
/// missing or misspelt parameters.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_and_api_structure_matches_sources() {
    let env = Env::new();
    let http = client(&env);
    let scope = |page: &str| -> Value {
        let open = r#"<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">"#;
        let start = page.find(open).unwrap() + open.len();
        let end = start + page[start..].find("</script>").unwrap();
        serde_json::from_str::<Value>(&page[start..end]).unwrap()["__DEFAULT_SCOPE__"].clone()
    };
    let music = scope(&get(&http, MUSIC_URL, None).await);
    let m = &music["webapp.music-detail"];
    assert_eq!(m["statusCode"], 0);
    assert_eq!(m["musicInfo"]["music"]["id"], MUSIC_ID);
    for key in [
        "title",
        "authorName",
        "playUrl",
        "coverLarge",
        "duration",
        "original",
    ] {
        assert!(!m["musicInfo"]["music"][key].is_null(), "music.{key}");
    }
    assert_eq!(m["musicInfo"]["stats"]["videoCount"], 33);
    let tag = scope(&get(&http, TAG_URL, None).await);
    let t = &tag["webapp.challenge-detail"];
    assert_eq!(t["statusCode"], 0);
    assert_eq!(t["challengeInfo"]["challenge"]["id"], TAG_ID);
    assert_eq!(t["challengeInfo"]["challenge"]["title"], "imitationtag");

    let api = |q: &str| format!("https://www.tiktok.com/api/{q}");
    for (q, status) in [
        (
            format!("music/item_list/?musicID={MUSIC_ID}&cursor=0&count=30"),
            200,
        ),
        (
            format!("music/item_list/?musicId={MUSIC_ID}&cursor=0&count=30"),
            400,
        ),
        ("music/item_list/?cursor=0&count=30".to_owned(), 400),
        (format!("music/item_list/?musicID={MUSIC_ID}&count=30"), 400),
        (
            format!("challenge/item_list/?aid=1988&challengeID={TAG_ID}&cursor=0&count=30"),
            200,
        ),
        (
            format!("challenge/item_list/?challengeId={TAG_ID}&cursor=0&count=30"),
            400,
        ),
        (
            "challenge/item_list/?challengeID=abc&cursor=0&count=30".to_owned(),
            400,
        ),
    ] {
        let r = http.get(api(&q)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), status, "{q}");
        if status == 200 {
            let v: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
            assert_eq!(v["itemList"].as_array().unwrap().len(), 30, "{q}");
            assert_eq!(v["hasMore"], true);
            assert_eq!(v["cursor"], "30");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Short links that lead to a list (the app's "share profile" link), not to a post.

const PROFILE: &str = "https://www.tiktok.com/@imitation45";
const PROFILE_SHORT: &str = "https://vm.tiktok.com/ZMprof1/";

/// The ids of `info --json ARGS`' lines (it must succeed).
fn info_ids(env: &Env, args: &[&str]) -> Vec<String> {
    let run = env.json([&["info", "--json"], args].concat()).success();
    run.lines
        .iter()
        .map(|l| l["id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn a_short_link_to_a_profile_is_the_profile_for_info_and_download() {
    let env = Env::new();
    let want = info_ids(&env, &["--max", "2", PROFILE]);
    assert_eq!(want.len(), 2, "{want:?}");
    for short in [
        PROFILE_SHORT,
        "https://vt.tiktok.com/ZMprof1",
        "https://www.tiktok.com/t/ZMprof1/",
    ] {
        assert_eq!(info_ids(&env, &["--max", "2", short]), want, "{short}");
    }
    // -I picks among the profile's posts as it does for the profile's URL.
    assert_eq!(
        info_ids(&env, &["-I", "2", PROFILE_SHORT]),
        info_ids(&env, &["-I", "2", PROFILE])
    );
    // For people too: no "not a post" advice.
    let human = env.run(["info", "--max", "1", PROFILE_SHORT]).success();
    assert!(!human.stderr.contains("not a post"), "{human}");
    assert!(human.stdout.contains("imitation45"), "{human}");

    let dir = env.dir.path().join("out");
    let sim = env
        .json([
            "download",
            "-s",
            "--json",
            "--max",
            "2",
            "-P",
            support::s(&dir),
            PROFILE_SHORT,
        ])
        .success();
    let ids: Vec<&str> = sim.lines.iter().filter_map(|l| l["id"].as_str()).collect();
    assert_eq!(ids, want, "{sim}");
    assert!(
        sim.lines.iter().all(|l| l["status"] == "simulated"),
        "{sim}"
    );

    // -J: one playlist document, the link as its original URL (yt-dlp's original_url).
    let doc = env
        .json(["download", "-J", "--max", "2", PROFILE_SHORT])
        .success();
    let doc = doc.result();
    assert_eq!(doc["_type"], "playlist");
    assert_eq!(doc["webpage_url"], PROFILE);
    assert_eq!(doc["original_url"], PROFILE_SHORT);
    let entries: Vec<&str> = doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["id"].as_str())
        .collect();
    assert_eq!(entries, want);
}

#[test]
fn a_short_link_to_a_profile_in_a_list_expands_archives_and_keeps_failures() {
    let env = Env::new();
    let want = info_ids(&env, &["--max", "2", PROFILE]);
    let list = env.dir.path().join("list.txt");
    let archive = env.dir.path().join("archive.txt");
    let failed = env.dir.path().join("failed.txt");
    let gone = "https://vm.tiktok.com/ZMgone1/";
    std::fs::write(&list, format!("{PROFILE_SHORT}\n{gone}\n")).unwrap();
    let mut cmd = env.cmd();
    cmd.args(["--rate-limit", "0", "batch", "--json", "--max", "2", "-P"])
        .arg(env.dir.path().join("out"))
        .arg("--download-archive")
        .arg(&archive)
        .arg("--failed-file")
        .arg(&failed)
        .arg(&list);
    let run = support::Run::json_of(&mut cmd).code(1);
    let saved: Vec<&str> = run
        .lines
        .iter()
        .filter(|l| l["status"] == "downloaded")
        .filter_map(|l| l["id"].as_str())
        .collect();
    let mut sorted = saved.clone();
    sorted.sort();
    let mut want_sorted = want.clone();
    want_sorted.sort();
    assert_eq!(sorted, want_sorted, "{run}");
    assert!(!run.both().contains("short link leads to"), "{run}");
    let archived = std::fs::read_to_string(&archive).unwrap();
    let mut archived: Vec<&str> = archived
        .lines()
        .map(|l| l.trim_start_matches("tiktok "))
        .collect();
    archived.sort();
    assert_eq!(archived, want_sorted);
    // The link that led nowhere is kept as given, so a retry asks for it again.
    assert_eq!(
        std::fs::read_to_string(&failed).unwrap(),
        format!("{gone}\n")
    );
    // A second run skips the archived posts, as for the profile's own URL.
    let mut again = env.cmd();
    again
        .args(["--rate-limit", "0", "batch", "--json", "--max", "2", "-P"])
        .arg(env.dir.path().join("out"))
        .arg("--download-archive")
        .arg(&archive)
        .arg("-")
        .write_stdin(format!("{PROFILE_SHORT}\n"));
    let again = support::Run::json_of(&mut again).success();
    assert!(
        again.lines.iter().all(|l| l["status"] == "skipped"),
        "{again}"
    );
}
