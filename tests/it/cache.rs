//! The metadata cache, end to end: hits make no request at all (the imitation's request log
//! proves it), the TTL and expired media URLs force a fetch, downloads from a cached entry still
//! work, and whatever is found in the cache folder never crashes a run.
//!
//! Benchmark posts (`@bench`, 7900...) are used where an entry must be served: their media URLs
//! carry no expiry. The captured pages' URLs (D1 and friends) expired in 2026, so those posts
//! show the "expired media is not served" rule.

use std::path::PathBuf;

use crate::support;
use crate::support::{DESKTOP_ID, DESKTOP_URL, Env, FaultRule, ndjson, run_ok, stderr};
use serde_json::Value;

/// 1 MiB benchmark posts: `BENCH + n` is n MiB.
const BENCH_1: &str = "https://www.tiktok.com/@bench/video/7900000000000000001";
const BENCH_1_ID: &str = "7900000000000000001";
const BENCH_2: &str = "https://www.tiktok.com/@bench/video/7900000000000000002";

fn entry(env: &Env, id: &str) -> PathBuf {
    env.cache_dir().join(format!("{id}.json"))
}

#[test]
fn second_info_within_the_ttl_makes_no_request() {
    let env = Env::new();
    let first = env.info_json(BENCH_1);
    assert_eq!(support::page_requests(&env, ""), 1);
    assert!(entry(&env, BENCH_1_ID).is_file());
    env.tiktok.clear_requests();

    let second = env.info_json(BENCH_1);
    assert_eq!(env.tiktok.requests(), [], "a cache hit asks nothing");
    assert_eq!(first, second, "the cached metadata is the fetched metadata");

    // Any URL form of the same post is the same entry.
    env.info_json("https://www.tiktok.com/embed/v2/7900000000000000001");
    assert_eq!(env.tiktok.requests(), []);
}

#[cfg(unix)]
#[test]
fn entries_are_private_files() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    env.info_json(BENCH_1);
    let mode = std::fs::metadata(entry(&env, BENCH_1_ID))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "entries hold cookies");
    let dir_mode = std::fs::metadata(env.cache_dir())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(dir_mode & 0o077, 0, "the folder is the user's alone");
}

#[test]
fn after_the_ttl_it_fetches_again() {
    let env = Env::new();
    run_ok(
        env.cmd()
            .args(["--cache-ttl", "1", "info", "--json", BENCH_1]),
    );
    env.tiktok.clear_requests();
    run_ok(
        env.cmd()
            .args(["--cache-ttl", "1", "info", "--json", BENCH_1]),
    );
    assert_eq!(support::page_requests(&env, ""), 0, "still within the TTL");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    run_ok(
        env.cmd()
            .args(["--cache-ttl", "1", "info", "--json", BENCH_1]),
    );
    assert_eq!(support::page_requests(&env, ""), 1, "past the TTL");

    // A TTL of 0 never serves.
    env.tiktok.clear_requests();
    run_ok(
        env.cmd()
            .args(["--cache-ttl", "0", "info", "--json", BENCH_1]),
    );
    assert_eq!(support::page_requests(&env, ""), 1);
}

#[test]
fn expired_media_urls_are_not_served() {
    let env = Env::new();
    // The captured page's CDN URLs carry `expire=`/`x-expires=` values of July 2026.
    env.info_json(DESKTOP_URL);
    env.info_json(DESKTOP_URL);
    assert_eq!(
        support::page_requests(&env, ""),
        2,
        "an entry with dead media URLs is useless"
    );
    assert!(
        !entry(&env, DESKTOP_ID).exists(),
        "so it is not even written"
    );

    // The same for an entry that was fine until its URLs expired: make one expire.
    env.info_json(BENCH_1);
    let path = entry(&env, BENCH_1_ID);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(".mp4?tk=tt_chain_token"), "{text}");
    let past = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        - 60;
    std::fs::write(
        &path,
        text.replace(
            ".mp4?tk=tt_chain_token",
            &format!(".mp4?x-expires={past}&tk=tt_chain_token"),
        ),
    )
    .unwrap();
    env.tiktok.clear_requests();
    env.info_json(BENCH_1);
    assert_eq!(support::page_requests(&env, ""), 1);
}

#[test]
fn no_cache_always_fetches_and_writes_nothing() {
    let env = Env::new();
    for _ in 0..2 {
        run_ok(env.cmd().args(["--no-cache", "info", "--json", BENCH_1]));
    }
    assert_eq!(support::page_requests(&env, ""), 2);
    assert!(!entry(&env, BENCH_1_ID).exists());

    // With an entry present, --no-cache still fetches.
    env.info_json(BENCH_1);
    env.tiktok.clear_requests();
    run_ok(env.cmd().args(["--no-cache", "info", "--json", BENCH_1]));
    assert_eq!(support::page_requests(&env, ""), 1);
}

#[test]
fn download_from_a_cached_entry_sends_the_kept_cookie() {
    let env = Env::new();
    env.info_json(BENCH_1);
    env.tiktok.clear_requests();
    let out = run_ok(env.cmd().args(["download", "--json", BENCH_1]));
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(result["status"], "downloaded", "{result}");
    let reqs = env.tiktok.requests();
    assert_eq!(
        support::page_requests(&env, ""),
        0,
        "metadata came from the cache: {reqs:?}"
    );
    let media = reqs
        .iter()
        .find(|r| r.path.starts_with("/bench/"))
        .expect("the media request");
    assert_eq!(media.status, 200);
    assert!(
        media.cookie_names.iter().any(|c| c == "tt_chain_token"),
        "the page's cookie was kept with the entry: {:?}",
        media.cookie_names
    );
    let path = result["files"][0]["path"].as_str().unwrap();
    assert_eq!(
        std::fs::metadata(env.dir.path().join(path)).unwrap().len(),
        1 << 20
    );
}

#[test]
fn download_from_a_cached_entry_refetches_the_page_when_media_is_refused() {
    let env = Env::new();
    env.info_json(BENCH_1);
    env.tiktok.clear_requests();
    env.tiktok.add_fault(FaultRule {
        host: Some("v16-webapp-prime.tiktok.com".into()),
        path_contains: "/bench/".into(),
        fault: support::Fault::Status {
            code: 403,
            retry_after: None,
        },
        times: 1,
    });
    let out = run_ok(env.cmd().args(["download", "--json", BENCH_1]));
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(result["status"], "downloaded", "{result}");
    let trail: Vec<(String, u16)> = env
        .tiktok
        .requests()
        .iter()
        .map(|r| (r.host.clone(), r.status))
        .collect();
    assert_eq!(
        trail,
        [
            ("v16-webapp-prime.tiktok.com".to_owned(), 403),
            ("www.tiktok.com".to_owned(), 200), // the refetch went past the cache
            ("v16-webapp-prime.tiktok.com".to_owned(), 200),
        ]
    );
}

#[test]
fn corrupt_files_in_the_cache_are_survived_and_replaced() {
    let env = Env::new();
    env.info_json(BENCH_1);
    let good = std::fs::read(entry(&env, BENCH_1_ID)).unwrap();
    type Corrupt<'a> = Box<dyn Fn(&std::path::Path) + 'a>;
    // (A directory at the entry's name is never replaced: see `a_folder_at_an_entry_name_is_never_deleted`.)
    let corruptions: [(&str, Corrupt); 4] = [
        (
            "truncated JSON",
            Box::new(|p| std::fs::write(p, &good[..good.len() / 2]).unwrap()),
        ),
        (
            "binary junk",
            Box::new(|p| std::fs::write(p, [0u8, 0xff, 0xfe, 0x80, 0x00, 0x1b, 0x5b]).unwrap()),
        ),
        ("empty file", Box::new(|p| std::fs::write(p, b"").unwrap())),
        (
            "foreign JSON",
            Box::new(|p| std::fs::write(p, br#"{"id":"7900000000000000001","x":1}"#).unwrap()),
        ),
    ];
    for (what, corrupt) in corruptions {
        let path = entry(&env, BENCH_1_ID);
        if path.is_dir() {
            std::fs::remove_dir_all(&path).unwrap();
        } else {
            std::fs::remove_file(&path).unwrap();
        }
        corrupt(&path);
        env.tiktok.clear_requests();
        let out = run_ok(env.cmd().args(["info", "--json", BENCH_1]));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["id"], BENCH_1_ID, "{what}");
        assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
        assert_eq!(support::page_requests(&env, ""), 1, "{what}: a miss");
        assert!(path.is_file(), "{what}: replaced by a real entry");
        env.tiktok.clear_requests();
        env.info_json(BENCH_1);
        assert_eq!(
            support::page_requests(&env, ""),
            0,
            "{what}: the replacement is served"
        );
    }
}

#[test]
fn an_unusable_cache_folder_only_turns_the_cache_off() {
    let env = Env::new();
    let file = env.state.path().join("not-a-folder");
    std::fs::write(&file, b"x").unwrap();
    // Not env.cmd(): it brings its own --cache-dir.
    let out = env
        .bare()
        .args([
            "--no-config",
            "--proxy",
            &env.tiktok.proxy_url(),
            "--ca-cert",
        ])
        .arg(&env.ca)
        .arg("--cache-dir")
        .arg(&file)
        .args(["info", "--json", BENCH_1])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("without the metadata cache"), "{stderr}");
}

#[test]
fn concurrent_runs_never_corrupt_entries() {
    let env = Env::new();
    // Six processes racing on two entries (each writes its entry; the last rename wins).
    let children: Vec<_> = (0..6)
        .map(|i| {
            let url = if i % 2 == 0 { BENCH_1 } else { BENCH_2 };
            env.std_cmd()
                .args(["info", "--json", url])
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let out = run_ok(env.cmd().args(["cache", "stats"]));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("2 fresh, 0 stale, 0 unreadable"), "{text}");
    let leftovers: Vec<_> = std::fs::read_dir(env.cache_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert_eq!(leftovers, Vec::<String>::new());
}

#[test]
fn cache_stats_and_clear() {
    let env = Env::new();
    env.info_json(BENCH_1);
    env.info_json(BENCH_2);
    env.info_json(DESKTOP_URL); // not stored: its media URLs are already expired
    std::fs::write(env.cache_dir().join("notes.txt"), b"not ours").unwrap();
    std::fs::write(env.cache_dir().join("7500000000000000123.json"), b"junk").unwrap();
    let out = run_ok(env.cmd().args(["--cache-ttl", "0", "cache", "stats"]));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("entries:      3 of at most 1000 (0 fresh, 2 stale, 1 unreadable)"),
        "{text}"
    );
    let out = run_ok(env.cmd().args(["cache", "stats"]));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("entries:      3 of at most 1000 (2 fresh, 0 stale, 1 unreadable)"),
        "{text}"
    );
    assert!(
        text.contains(&env.cache_dir().display().to_string()),
        "{text}"
    );

    let out = run_ok(env.cmd().args(["cache", "clear"]));
    // Only tikdl's own entries go: a junk `7500000000000000123.json` may be someone else's file.
    assert!(String::from_utf8_lossy(&out.stdout).contains("removed 2 entries"));
    assert!(
        env.cache_dir().join("notes.txt").exists(),
        "only entries are removed"
    );
    assert!(
        env.cache_dir().join("7500000000000000123.json").exists(),
        "not a tikdl entry"
    );
    let out = run_ok(env.cmd().args(["cache", "stats"]));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("entries:      1 of at most 1000 (0 fresh, 0 stale, 1 unreadable)")
    );
    env.tiktok.clear_requests();
    env.info_json(BENCH_1);
    assert_eq!(
        support::page_requests(&env, ""),
        1,
        "cleared means fetched again"
    );

    let out = run_ok(env.cmd().args(["cache", "path"]));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        env.cache_dir().display().to_string()
    );
}

#[test]
fn least_recently_used_entries_are_evicted() {
    let env = Env::new();
    let config = env.state.path().join("small-cache.toml");
    std::fs::write(&config, "cache_max_size = 2\n").unwrap();
    for n in 1..=3 {
        let url = format!("https://www.tiktok.com/@bench/video/790000000000000000{n}");
        run_ok(env.cmd_with_config(&config).args(["info", "--json", &url]));
        // Modification times order eviction; keep them apart on coarse file systems.
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let mut names: Vec<String> = std::fs::read_dir(env.cache_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["7900000000000000002.json", "7900000000000000003.json"]
    );
}

#[test]
fn stats_report_requests_cache_and_bytes() {
    let env = Env::new();
    env.tiktok.add_fault(FaultRule {
        host: Some("www.tiktok.com".into()),
        path_contains: BENCH_1_ID.into(),
        fault: support::Fault::Status {
            code: 429,
            retry_after: Some(0),
        },
        times: 1,
    });
    let out = run_ok(env.cmd().args(["--stats", "download", "--quiet", BENCH_1]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("requests:   3 (page 2, API 0, media 1)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("cache:      0 hits, 1 misses (0% hit rate)"),
        "{stderr}"
    );
    assert!(stderr.contains("retries:    1"), "{stderr}");
    assert!(stderr.contains("(1048576 bytes)"), "{stderr}");
    assert!(stderr.contains("posts:      1 in"), "{stderr}");

    let out = run_ok(env.cmd().args(["--stats", "info", "--json", BENCH_1]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("requests:   0 (page 0, API 0, media 0)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("cache:      1 hits, 0 misses (100% hit rate)"),
        "{stderr}"
    );
    // Without --stats, nothing of the kind.
    let out = run_ok(env.cmd().args(["info", "--json", BENCH_1]));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("requests:"));
}

// ---------------------------------------------------------------------------------------------
// cache housekeeping touches only tikdl's own files
// ---------------------------------------------------------------------------------------------

#[test]
fn a_folder_at_an_entry_name_is_never_deleted() {
    let env = Env::new();
    let folder = env.cache_dir().join(format!("{BENCH_1_ID}.json"));
    std::fs::create_dir_all(folder.join("sub")).unwrap();
    std::fs::write(folder.join("sub").join("file.txt"), "important").unwrap();
    let out = env
        .cmd()
        .args(["info", "--json", BENCH_1])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert_eq!(ndjson(&out.stdout)[0]["id"], BENCH_1_ID);
    assert!(err.contains("is a folder, not a cache entry"), "{err}");
    assert_eq!(
        std::fs::read_to_string(folder.join("sub").join("file.txt")).unwrap(),
        "important"
    );
}

#[test]
fn cache_clear_removes_only_tikdl_entries() {
    let env = Env::new();
    env.info_json(BENCH_1);
    let dir = env.cache_dir();
    assert!(dir.join(format!("{BENCH_1_ID}.json")).is_file());
    let foreign = [
        ("123.json", "{\"not\":\"tikdl\"}"),
        ("456.json", "[]"),
        ("notes.txt", "mine"),
    ];
    for (name, body) in foreign {
        std::fs::write(dir.join(name), body).unwrap();
    }
    std::fs::create_dir(dir.join("789.json")).unwrap();
    let out = env.cmd().args(["cache", "clear"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(text.contains("removed 1 entries"), "{text}");
    assert!(!dir.join(format!("{BENCH_1_ID}.json")).exists());
    for (name, body) in foreign {
        assert_eq!(
            std::fs::read_to_string(dir.join(name)).unwrap(),
            body,
            "{name}"
        );
    }
    assert!(dir.join("789.json").is_dir());
}
