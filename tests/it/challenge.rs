//! TikTok's WAF challenge as tikdl meets it (the answer's shape, a challenge that never lifts,
//! several at once), and the pages and list APIs of the imitation against the sources they copy.
//! Each protocol fact is grounded where the product code states it (yt-dlp 2026.10.26's
//! `tiktok.py`, the captures, davidteather/TikTok-Api).

use crate::support;
use crate::support::{DESKTOP_ID, Env, ndjson};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

const CHALLENGE_POST: &str = "https://www.tiktok.com/@emthenutritionist/video/7000000000000000403";
/// The imitation's post whose challenge page carries a non-empty `rs` (imitation/src/challenge.rs).
const RCI_CHALLENGE_POST: &str = "https://www.tiktok.com/@_/video/7700000000000000002";
/// The imitation's post that answers with a challenge whatever the answer.
const PERSISTENT_CHALLENGE_POST: &str = "https://www.tiktok.com/@_/video/7700000000000000001";
const WAF_CAPTURE: &str =
    include_str!("../fixtures/web_waf_js_challenge_cs_wci_rci_rs_2026-03.html");

/// A plain HTTPS client through the imitation (as a proxy), trusting its CA; no cookie jar.
pub(crate) fn client(env: &Env) -> reqwest::Client {
    reqwest::Client::builder()
        .proxy(reqwest::Proxy::all(env.tiktok.proxy_url()).unwrap())
        .add_root_certificate(
            reqwest::Certificate::from_pem(env.tiktok.ca_pem().as_bytes()).unwrap(),
        )
        .build()
        .unwrap()
}

/// The body of `GET url`, with `cookie` as the Cookie header if given.
pub(crate) async fn get(client: &reqwest::Client, url: &str, cookie: Option<&str>) -> String {
    let mut req = client.get(url);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    req.send().await.unwrap().text().await.unwrap()
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

// ---------------------------------------------------------------------------------------------
// The WAF challenge.

/// tikdl answers the challenge the way yt-dlp does (`d` beside `v` and `s`) and gets the post.
#[test]
fn challenge_answer_has_d_beside_v() {
    let env = Env::new();
    let i = env.info_json(CHALLENGE_POST);
    assert_eq!(i["uploader"], "emthenutritionist");
    let pages = support::requests_with(&env, "7000000000000000403");
    assert_eq!(pages.len(), 2, "challenge, then the page: {pages:?}");
    assert!(!pages[0].cookie_names.iter().any(|c| c == "_wafchallengeid"));
    assert!(pages[1].cookie_names.iter().any(|c| c == "_wafchallengeid"));

    // Downloading: the answer goes with that one page request only (yt-dlp clears it after),
    // never with the media requests that follow.
    let env = Env::new();
    let out = env.dir.path().join("out").to_string_lossy().into_owned();
    let results = env
        .json(["download", "--json", "-P", &out, CHALLENGE_POST])
        .success()
        .lines;
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
    let ch = tikdl::fetch::challenge::detect(&page).expect("challenge page");
    let cookies = tikdl::fetch::challenge::solve(&ch, 1_000_000).unwrap();
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
    let a = tikdl::fetch::challenge::detect(&first).unwrap();
    let b = tikdl::fetch::challenge::detect(&second).unwrap();
    assert_ne!(a.cs, b.cs, "fresh values each time");
    assert_eq!(a.cookie_name, "_wafchallengeid");
    let (rci, rs) = a.rci.clone().expect("rs is non-empty here");
    assert_eq!(rs.len(), 32);
    assert_eq!(rci, "waforiginalreid");
    // Without the rci cookie the right answer is not enough.
    let cookies = tikdl::fetch::challenge::solve(&a, 1_000_000).unwrap();
    let wci_only = format!("_wafchallengeid={}", cookies[0].1);
    assert!(is_challenge(
        &get(&http, RCI_CHALLENGE_POST, Some(&wci_only)).await
    ));

    let env = Env::new();
    let i = env.info_json(RCI_CHALLENGE_POST);
    // The page behind the challenge is the post asked for (with D1's content).
    assert_eq!(i["id"], "7700000000000000002");
    assert_eq!(i["uploader"], "emthenutritionist");
    let pages = support::requests_with(&env, "7700000000000000002");
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
    assert_eq!(support::requests_with(&env, "7700000000000000001").len(), 2);

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

/// Several jobs answering challenges at once share one cookie jar: each answer must reach its
/// own request (else half the posts fail after a minute, blamed on the
/// network). A passed challenge does not slow the run down either.
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
