//! Fidelity to TikTok's real protocol, against the imitation:
//! the WAF challenge's answer shape, post URLs whose user part is odd, and music / tag lists.
//! Each protocol fact is grounded where the product code states it (yt-dlp 2026.10.26's
//! `tiktok.py`, the captures, davidteather/TikTok-Api).

mod support;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use support::{DESKTOP_ID, Env, ndjson};

const CHALLENGE_POST: &str = "https://www.tiktok.com/@emthenutritionist/video/7000000000000000403";
/// The imitation's post whose challenge page carries a non-empty `rs` (imitation/src/challenge.rs).
const RCI_CHALLENGE_POST: &str = "https://www.tiktok.com/@_/video/7700000000000000002";
/// The imitation's post that answers with a challenge whatever the answer.
const PERSISTENT_CHALLENGE_POST: &str = "https://www.tiktok.com/@_/video/7700000000000000001";
const WAF_CAPTURE: &str = include_str!("fixtures/web_waf_js_challenge_cs_wci_rci_rs_2026-03.html");

/// A plain HTTPS client through the imitation (as a proxy), trusting its CA; no cookie jar.
fn client(env: &Env) -> reqwest::Client {
    reqwest::Client::builder()
        .proxy(reqwest::Proxy::all(env.tiktok.proxy_url()).unwrap())
        .add_root_certificate(
            reqwest::Certificate::from_pem(env.tiktok.ca_pem().as_bytes()).unwrap(),
        )
        .build()
        .unwrap()
}

async fn get(client: &reqwest::Client, url: &str, cookie: Option<&str>) -> String {
    let mut req = client.get(url);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    req.send().await.unwrap().text().await.unwrap()
}

/// Runs `tikdl ARGS` (through the imitation) expecting success; its NDJSON lines.
/// `tikdl ARGS` (must exit 0), its JSON lines.
fn run_ok<S: AsRef<std::ffi::OsStr>>(env: &Env, args: &[S]) -> Vec<Value> {
    ndjson(&support::run_ok(env.cmd().args(args)).stdout)
}

fn is_challenge(page: &str) -> bool {
    page.contains(r#"<p id="cs" class=""#) && !page.contains("__UNIVERSAL_DATA_FOR_REHYDRATION__")
}

/// The page with the values of `cs` and `rs` blanked: what is left is the page's structure.
fn structure(page: &str) -> String {
    let mut out = page.to_owned();
    for id in ["cs", "rs"] {
        let open = format!(r#"<p id="{id}" class=""#);
        if let Some(i) = out.find(&open) {
            let start = i + open.len();
            let end = start + out[start..].find('"').unwrap();
            out.replace_range(start..end, "");
        }
    }
    out
}

fn pages_of(env: &Env, id: &str) -> Vec<tiktok_imitation::RequestRecord> {
    env.tiktok
        .requests()
        .into_iter()
        .filter(|r| r.path.contains(id))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Part 1: the WAF challenge.

/// tikdl answers the challenge the way yt-dlp does (`d` beside `v` and `s`) and gets the post.
#[test]
fn challenge_answer_has_d_beside_v() {
    let env = Env::new();
    let i = env.info_json(CHALLENGE_POST);
    assert_eq!(i["uploader"], "emthenutritionist");
    let pages = pages_of(&env, "7000000000000000403");
    assert_eq!(pages.len(), 2, "challenge, then the page: {pages:?}");
    assert!(!pages[0].cookie_names.iter().any(|c| c == "_wafchallengeid"));
    assert!(pages[1].cookie_names.iter().any(|c| c == "_wafchallengeid"));

    // Downloading: the answer goes with that one page request only (yt-dlp clears it after),
    // never with the media requests that follow.
    let env = Env::new();
    let out = env.dir.path().join("out").to_string_lossy().into_owned();
    let results = run_ok(&env, &["download", "--json", "-P", &out, CHALLENGE_POST]);
    assert_eq!(results[0]["status"], "downloaded", "{results:?}");
    let log = env.tiktok.requests();
    let answer_at = log
        .iter()
        .position(|r| r.cookie_names.iter().any(|c| c == "_wafchallengeid"))
        .expect("the answered page request");
    assert!(log.len() > answer_at + 1, "media requests follow");
    for r in &log[answer_at + 1..] {
        assert!(
            !r.cookie_names.iter().any(|c| c == "_wafchallengeid"),
            "{r:?}"
        );
    }
}

/// The imitation is strict: the old shape (`d` inside `v`), a wrong `d`, an unknown challenge
/// and an answer used twice all get a fresh challenge; exactly yt-dlp's shape gets the page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imitation_rejects_old_answer_shape() {
    let env = Env::new();
    let http = client(&env);
    let page = get(&http, CHALLENGE_POST, None).await;
    assert!(is_challenge(&page));
    let ch = tikdl::challenge::detect(&page).expect("challenge page");
    let cookies = tikdl::challenge::solve(&ch, 1_000_000).unwrap();
    let (name, good) = &cookies[0];
    assert_eq!(name, "_wafchallengeid");
    let answer: Value = serde_json::from_slice(&STANDARD.decode(good).unwrap()).unwrap();
    // yt-dlp's shape: the page's object plus a top-level d, compact, d last.
    let keys: Vec<&str> = answer
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 3, "{answer}");
    assert!(answer["v"].get("d").is_none());
    let text = String::from_utf8(STANDARD.decode(good).unwrap()).unwrap();
    assert!(text.starts_with(r#"{"v":{"a":"#) && text.contains(r#""},"s":""#));
    assert!(
        text.ends_with(&format!(r#","d":{}}}"#, answer["d"])),
        "{text}"
    );

    let encode = |v: &Value| format!("_wafchallengeid={}", STANDARD.encode(v.to_string()));
    // The old shape: d moved inside v.
    let mut old = answer.clone();
    let d = old.as_object_mut().unwrap().remove("d").unwrap();
    old["v"]["d"] = d;
    assert!(is_challenge(
        &get(&http, CHALLENGE_POST, Some(&encode(&old))).await
    ));
    // A wrong d.
    let mut wrong = answer.clone();
    let n: u64 = String::from_utf8(STANDARD.decode(answer["d"].as_str().unwrap()).unwrap())
        .unwrap()
        .parse()
        .unwrap();
    wrong["d"] = STANDARD.encode((n + 1).to_string()).into();
    assert!(is_challenge(
        &get(&http, CHALLENGE_POST, Some(&encode(&wrong))).await
    ));
    // A challenge this server never issued (a made-up `a`, with a correct hash for it).
    let mut unknown = answer.clone();
    let a = b"not issued by this server";
    let c = <sha2::Sha256 as sha2::Digest>::digest([&a[..], b"7"].concat());
    unknown["v"]["a"] = STANDARD.encode(a).into();
    unknown["v"]["c"] = STANDARD.encode(c).into();
    unknown["d"] = STANDARD.encode("7").into();
    assert!(is_challenge(
        &get(&http, CHALLENGE_POST, Some(&encode(&unknown))).await
    ));
    // The right answer, in yt-dlp's exact bytes: the page.
    let cookie = format!("_wafchallengeid={good}");
    let page = get(&http, CHALLENGE_POST, Some(&cookie)).await;
    assert!(page.contains("__UNIVERSAL_DATA_FOR_REHYDRATION__"));
    assert!(page.contains(DESKTOP_ID));
    // The same answer again is stale (TikTok's cookie lives one second).
    assert!(is_challenge(
        &get(&http, CHALLENGE_POST, Some(&cookie)).await
    ));
}

/// The imitation serves the real capture's structure with fresh values; with a non-empty `rs`,
/// tikdl sends the `rci` cookie too (yt-dlp: only when both `rci` and `rs` are non-empty).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn challenge_page_replays_the_capture_shape() {
    let env = Env::new();
    let http = client(&env);
    let first = get(&http, RCI_CHALLENGE_POST, None).await;
    let second = get(&http, RCI_CHALLENGE_POST, None).await;
    assert!(is_challenge(&first));
    assert_eq!(structure(&first), structure(WAF_CAPTURE));
    let a = tikdl::challenge::detect(&first).unwrap();
    let b = tikdl::challenge::detect(&second).unwrap();
    assert_ne!(a.cs, b.cs, "fresh values each time");
    assert_eq!(a.cookie_name, "_wafchallengeid");
    let (rci, rs) = a.rci.clone().expect("rs is non-empty here");
    assert_eq!(rs.len(), 32);
    assert_eq!(rci, "waforiginalreid");
    // Without the rci cookie the right answer is not enough.
    let cookies = tikdl::challenge::solve(&a, 1_000_000).unwrap();
    let wci_only = format!("_wafchallengeid={}", cookies[0].1);
    assert!(is_challenge(
        &get(&http, RCI_CHALLENGE_POST, Some(&wci_only)).await
    ));

    let env = Env::new();
    let i = env.info_json(RCI_CHALLENGE_POST);
    // The page behind the challenge is the post asked for (with D1's content).
    assert_eq!(i["id"], "7700000000000000002");
    assert_eq!(i["uploader"], "emthenutritionist");
    let pages = pages_of(&env, "7700000000000000002");
    assert_eq!(pages.len(), 2, "{pages:?}");
    for c in ["_wafchallengeid", "waforiginalreid"] {
        assert!(
            pages[1].cookie_names.iter().any(|n| n == c),
            "{c}: {pages:?}"
        );
    }
}

/// A challenge that comes back after solving is one plain error, kind platform, code
/// challenge; it imposes no cooldown (a batch goes on at once with the next post).
#[test]
fn persistent_challenge_reported_once() {
    let env = Env::new();
    let (code, err, stderr) = env.info_error(PERSISTENT_CHALLENGE_POST);
    assert_eq!(code, 1);
    assert_eq!(err["kind"], "platform");
    assert_eq!(err["code"], "challenge");
    let msg = err["message"].as_str().unwrap();
    assert!(msg.contains("challenge"), "{msg}");
    assert_eq!(stderr.matches("challenge again").count(), 1, "{stderr}");
    assert!(
        !stderr.contains("pausing page requests for 300"),
        "{stderr}"
    );
    assert!(!stderr.contains("page layout"), "{stderr}");
    assert_eq!(pages_of(&env, "7700000000000000001").len(), 2);

    // In a batch, the next post does not wait out a 300 s cooldown (the harness's 60 s
    // timeout would stop it).
    let list = env.dir.path().join("urls.txt");
    std::fs::write(
        &list,
        format!("{PERSISTENT_CHALLENGE_POST}\n{}\n", support::DESKTOP_URL),
    )
    .unwrap();
    let out = env
        .cmd()
        .args(["batch", "--info-only", "--jobs", "1"])
        .arg(&list)
        .output()
        .unwrap();
    let lines = ndjson(&out.stdout);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        lines.iter().any(|l| l["id"] == DESKTOP_ID
            || l["info"]["id"] == DESKTOP_ID
            || text.contains(DESKTOP_ID)),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

// ---------------------------------------------------------------------------------------------
// Part 2: post URLs whose user part is odd.

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
    pages_of(env, id)
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
    let results = run_ok(
        &env,
        &[
            "download",
            "--json",
            "--write-info-json",
            "-P",
            &out_arg,
            &url,
        ],
    );
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
// Part 5: music and hashtag lists.

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
    let infos = run_ok(&env, &["info", "--json", "--max", "31", MUSIC_URL]);
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
    assert_eq!(run_ok(&env, &["info", "--json", MUSIC_URL]).len(), 33);
}

#[test]
fn tag_list_batch_info_only() {
    let env = Env::new();
    let list = env.dir.path().join("tags.txt");
    std::fs::write(&list, format!("{TAG_URL}\n")).unwrap();
    let list = list.to_string_lossy().into_owned();
    let infos = run_ok(
        &env,
        &[
            "--rate-limit",
            "0",
            "batch",
            "--info-only",
            "--max",
            "40",
            &list,
        ],
    );
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
    let infos = run_ok(&env, &args);
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

/// Several jobs answering challenges at once share one cookie jar: each answer must reach its
/// own request (found by an adversarial probe: half the posts failed, blamed on the
/// network, after a minute). A passed challenge does not slow the run down either.
#[test]
fn concurrent_challenges_all_pass_without_slowing_the_run() {
    let env = Env::new();
    let a = "https://www.tiktok.com/@x/video/7000000000000000403";
    let b = "https://www.tiktok.com/@x/video/7700000000000000002";
    let out = env
        .cmd()
        .args(["--no-cache", "-v", "info", "--json", "--jobs", "4"])
        .args([a, b, a, b, a, b, a, b])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 8);
    assert!(lines.iter().all(|l| l["error"].is_null()), "{lines:?}");
    assert!(!stderr.contains("pushed back"), "{stderr}");
}

/// Found by an adversarial probe: contradictory or empty list options and unknown
/// accounts used to exit 0 silently.
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
