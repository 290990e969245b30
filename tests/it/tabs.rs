//! Profile tabs (reposts, stories, likes, saved), avatars, playlists and profiles by secUid
//! against the imitation (`imitation/src/families/tabs.rs`; the sources are in
//! docs/tiktok-protocol.md, "Profile tabs and playlists"), and the pages tikdl refuses by name.

use std::time::Duration;

use serde_json::Value;
use tiktok_imitation::families::tabs;

use crate::support::{self, Env, ndjson, stderr};

const REPOSTS: &str = "https://www.tiktok.com/@tabber/reposts";
const LIKES: &str = "https://www.tiktok.com/@tabber/likes";
const STORIES: &str = "https://www.tiktok.com/@tabber/stories";
const SAVED: &str = "https://www.tiktok.com/@tabber/saved";
const AVATAR: &str = "https://www.tiktok.com/@tabber/avatar";
const PRIVATE_LIKES: &str = "https://www.tiktok.com/@tabber_private/liked";

fn playlist() -> String {
    format!(
        "https://www.tiktok.com/@tabber/playlist/imitation-mix-{}",
        tabs::MIX_ID
    )
}

/// Profile item `n` (1..=45, newest first) and collection item `n` (1..=33).
fn profile_id(n: u64) -> String {
    (7_300_000_000_000_000_000u64 + n).to_string()
}
fn collection_id(n: u64) -> String {
    (7_300_000_000_000_001_000u64 + n).to_string()
}

fn ids(lines: &[Value]) -> Vec<String> {
    lines
        .iter()
        .map(|l| l["id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn api_calls(env: &Env, path: &str) -> Vec<String> {
    env.tiktok
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with(path))
        .map(|r| r.path)
        .collect()
}

fn info(env: &Env, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["info", "--json"];
    all.extend_from_slice(args);
    env.json(all).success().lines
}

#[test]
fn every_tab_lists_its_posts_in_order_page_by_page() {
    let env = Env::new();
    // Reposts: the 45 profile items, 15 a page, the cursor an offset.
    let got = info(&env, &[REPOSTS]);
    assert_eq!(ids(&got), (1..=45).map(profile_id).collect::<Vec<_>>());
    let calls = api_calls(&env, "/api/repost/item_list/");
    assert_eq!(calls.len(), 3, "{calls:?}");
    for (call, cursor) in calls.iter().zip(["0", "15", "30"]) {
        assert!(
            call.contains(&format!("cursor={cursor}&"))
                || call.ends_with(&format!("cursor={cursor}")),
            "{call}"
        );
        assert!(call.contains("secUid=MS4wLjABAAAA_tabber"), "{call}");
        assert!(call.contains("count=15"), "{call}");
    }
    // Likes: the 33 collection items.
    let got = info(&env, &[LIKES]);
    assert_eq!(ids(&got), (1..=33).map(collection_id).collect::<Vec<_>>());
    assert_eq!(api_calls(&env, "/api/favorite/item_list/").len(), 3);
    // Stories: 12, five a page, paged by MaxCursor / HasMoreAfter.
    let got = info(&env, &[STORIES]);
    assert_eq!(ids(&got), (1..=12).map(collection_id).collect::<Vec<_>>());
    let calls = api_calls(&env, "/api/story/item_list/");
    assert_eq!(calls.len(), 3, "{calls:?}");
    assert!(
        calls
            .iter()
            .all(|c| c.contains(&format!("authorId={}", tabs::TAB_USER_ID)))
    );
    assert!(calls[2].contains("cursor=10"), "{calls:?}");
    // The playlist: 33 over two pages of 30.
    let got = info(&env, &[&playlist()]);
    assert_eq!(ids(&got), (1..=33).map(collection_id).collect::<Vec<_>>());
    let calls = api_calls(&env, "/api/mix/item_list/");
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert!(calls[0].contains(&format!("mixId={}", tabs::MIX_ID)));
    // `/@user/posts` is the profile.
    let got = info(&env, &["https://www.tiktok.com/@imitation45/posts"]);
    assert_eq!(got.len(), 45);
}

#[test]
fn a_profile_by_sec_uid_needs_no_page() {
    let env = Env::new();
    let sec = tabs::sec_only();
    for url in [
        format!("tiktokuser:{sec}"),
        format!("https://www.tiktok.com/@{sec}"),
    ] {
        env.tiktok.clear_requests();
        let got = info(&env, &[&url]);
        assert_eq!(
            ids(&got),
            (1..=45).map(profile_id).collect::<Vec<_>>(),
            "{url}"
        );
        let reqs = env.tiktok.requests();
        assert!(
            reqs.iter()
                .all(|r| r.path.starts_with("/api/post/item_list/")),
            "{url}: only the list API: {:?}",
            reqs.iter().map(|r| &r.path).collect::<Vec<_>>()
        );
        assert!(
            reqs.iter()
                .all(|r| r.path.contains(&format!("secUid={sec}")))
        );
    }
}

#[test]
fn the_secuid_flag_names_a_profile() {
    let env = Env::new();
    let sec = tabs::sec_only();
    let got = info(&env, &["--secuid", &sec]);
    assert_eq!(ids(&got), (1..=45).map(profile_id).collect::<Vec<_>>());
    let (code, err, _) = {
        let out = env
            .cmd()
            .args(["info", "--json", "--secuid", "scout2015"])
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code(), v["error"].clone(), ())
    };
    assert_eq!(code, Some(1));
    assert!(
        err["message"].as_str().unwrap().contains("is not a secUid"),
        "{err}"
    );
}

#[test]
fn avatar_info_and_download_are_one_image() {
    let env = Env::new();
    let i = env.info_json(AVATAR);
    assert_eq!(i["id"], tabs::TAB_USER_ID.to_string());
    assert_eq!(i["kind"], "slideshow");
    assert_eq!(i["uploader"], "tabber");
    // What shows it again, and what a --failed-file line retries.
    assert_eq!(i["webpage_url"], AVATAR);
    let images = i["images"].as_array().unwrap();
    assert_eq!(images.len(), 1, "{i}");
    assert!(
        images[0]["url"].as_str().unwrap().contains("1080x1080"),
        "{i}"
    );

    let out = env.dir.path().join("out");
    let results = env
        .json(["download", "--json", "-P", support::s(&out), AVATAR])
        .success()
        .lines;
    assert_eq!(results.len(), 1, "{results:?}");
    assert_eq!(results[0]["status"], "downloaded", "{results:?}");
    let files: Vec<_> = support::names_in(&out)
        .into_iter()
        .filter(|n| n != support::MANIFEST)
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(
        files[0].contains(&tabs::TAB_USER_ID.to_string()),
        "{files:?}"
    );
    let media = support::media_requests(&env);
    assert!(
        media.iter().all(|r| r.path.contains("1080x1080")),
        "largest first"
    );
}

#[test]
fn batch_on_tabs_with_max_and_dates() {
    let env = Env::new();
    let list = env.dir.path().join("tabs.txt");
    std::fs::write(&list, format!("{REPOSTS}\n{}\n", playlist())).unwrap();
    let lines = env
        .json([
            "--rate-limit",
            "0",
            "batch",
            "--info-only",
            "--max",
            "20",
            support::s(&list),
        ])
        .success()
        .lines;
    let mut want: Vec<String> = (1..=20).map(profile_id).collect();
    want.extend((1..=20).map(collection_id));
    assert_eq!(ids(&lines), want);
    // 20 reposts need two pages of 15; 20 of the playlist one page of 30.
    assert_eq!(api_calls(&env, "/api/repost/item_list/").len(), 2);
    assert_eq!(api_calls(&env, "/api/mix/item_list/").len(), 1);

    // Dates: the playlist's items are five hours apart.
    let all = info(&env, &[&playlist()]);
    let dates: Vec<&str> = all
        .iter()
        .map(|i| i["upload_date"].as_str().unwrap())
        .collect();
    let (after, before) = (dates[25], dates[5]);
    let got = info(&env, &["--after", after, "--before", before, &playlist()]);
    assert!(!got.is_empty() && got.len() < 33);
    let want: Vec<String> = all
        .iter()
        .filter(|i| {
            let d = i["upload_date"].as_str().unwrap();
            d >= after && d <= before
        })
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids(&got), want);
}

fn sync(env: &Env, archive: &std::path::Path, url: &str) -> std::process::Output {
    let folder = format!("{}.out", archive.display());
    env.cmd()
        .current_dir(env.dir.path())
        .args([
            "batch",
            "--json",
            "--jobs",
            "8",
            "--break-on-existing",
            "-P",
            &folder,
        ])
        .arg("--download-archive")
        .arg(archive)
        .arg("-")
        .write_stdin(format!("{url}\n"))
        .timeout(Duration::from_secs(300))
        .output()
        .unwrap()
}

#[test]
fn break_on_existing_stops_a_tab_and_a_playlist_at_the_first_page() {
    let env = Env::new();
    for (url, api, n, pages) in [
        (STORIES.to_owned(), "/api/story/item_list/", 12, 3),
        (playlist(), "/api/mix/item_list/", 33, 2),
    ] {
        let archive = env.dir.path().join(format!("arch{n}.txt"));
        env.tiktok.clear_requests();
        let first = sync(&env, &archive, &url);
        assert!(first.status.success(), "{}", stderr(&first));
        let done = ndjson(&first.stdout)
            .iter()
            .filter(|r| r["status"] == "downloaded")
            .count();
        assert_eq!(done, n, "{url}");
        assert_eq!(api_calls(&env, api).len(), pages, "{url}");
        env.tiktok.clear_requests();
        let second = sync(&env, &archive, &url);
        assert!(second.status.success(), "{}", stderr(&second));
        assert!(ndjson(&second.stdout).is_empty(), "{url}");
        assert_eq!(
            api_calls(&env, api).len(),
            1,
            "{url}: one page, then the break"
        );
        assert!(
            stderr(&second).contains("already in the download archive"),
            "{url}"
        );
    }
}

#[test]
fn a_private_liked_list_has_its_own_code_and_hint() {
    let env = Env::new();
    let (code, err, stderr) = env.info_error(PRIVATE_LIKES);
    assert_eq!(code, 1);
    assert_eq!(err["code"], "private_list", "{err}");
    let msg = err["message"].as_str().unwrap();
    assert!(
        msg.contains("the liked list of @tabber_private is private"),
        "{msg}"
    );
    assert!(
        stderr.contains("hint: only its owner can list it"),
        "{stderr}"
    );
}

#[test]
fn saved_needs_a_logged_in_session() {
    let env = Env::new();
    let (code, err, stderr) = env.info_error(SAVED);
    assert_eq!(code, 1);
    assert_eq!(err["code"], "login_required", "{err}");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("the saved list of @tabber"),
        "{err}"
    );
    assert!(stderr.contains("--cookies FILE"), "{stderr}");
    assert!(
        api_calls(&env, "/api/user/collect/").is_empty(),
        "nothing asked without a session"
    );

    let secret = "sessionsecret0123456789";
    let cookies = env.dir.path().join("cookies.txt");
    std::fs::write(
        &cookies,
        format!(
            "# Netscape HTTP Cookie File\n.tiktok.com\tTRUE\t/\tTRUE\t0\tsessionid\t{secret}\n"
        ),
    )
    .unwrap();
    let run = env.json(["--cookies", support::s(&cookies), "info", "--json", SAVED]);
    run.assert_hides(secret);
    let lines = run.success().lines;
    assert_eq!(ids(&lines), (1..=20).map(profile_id).collect::<Vec<_>>());
    let calls = api_calls(&env, "/api/user/collect/item_list/");
    assert_eq!(calls.len(), 2, "{calls:?}");
}

#[test]
fn other_sites_and_pages_are_refused_by_name() {
    let env = Env::new();
    for (url, words) in [
        ("https://www.douyin.com/video/6961737553342991651", "Douyin"),
        ("https://v.douyin.com/iRNBho6u/", "Douyin"),
        (
            "https://www.tiktok.com/sticker/cat-ears-7000000000000000001",
            "effect and sticker pages",
        ),
        (
            "https://www.tiktok.com/effect/glow-7000000000000000001",
            "effect and sticker pages",
        ),
        (
            "https://www.tiktok.com/@tabber/following",
            "they list accounts, not posts",
        ),
        (
            "https://www.tiktok.com/@tabber/followers",
            "they list accounts, not posts",
        ),
    ] {
        let (code, err, _) = env.info_error(url);
        assert_eq!(code, 1, "{url}");
        assert_eq!(err["code"], "not_tiktok", "{url}");
        let msg = err["message"].as_str().unwrap();
        assert!(msg.contains(words), "{url}: {msg}");
    }
    assert!(
        env.tiktok.requests().is_empty(),
        "no request for a refused URL"
    );
}
