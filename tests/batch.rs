//! `tikdl batch` against the local TikTok imitation: hundreds of posts, failures in the middle,
//! the archive, a run killed with SIGKILL and resumed, list expansion and its loop guard.

mod support;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::{DESKTOP_ID, DESKTOP_URL, Env, files_under, ndjson, verify_downloads};

/// First id of the imitation's batch family (7300000000000100001..=7300000000000105000).
const BATCH_BASE: u64 = 7300000000000100000;

fn batch_url(n: u64) -> String {
    format!("https://www.tiktok.com/@imitation/video/{}", BATCH_BASE + n)
}

fn write_list(env: &Env, name: &str, lines: &[String]) -> PathBuf {
    let path = env.dir.path().join(name);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

#[test]
fn five_hundred_posts_with_failures_then_archive_rerun() {
    let env = Env::new();
    let mut lines: Vec<String> = (1..=250).map(batch_url).collect();
    lines.push("https://www.youtube.com/watch?v=dQw4w9WgXcQ".into());
    lines.push("# a comment, then a blank line".into());
    lines.push(String::new());
    lines.push("https://www.tiktok.com/@someone/video/notanumber".into());
    lines.push("https://www.tiktok.com/@gone/video/7000000000000010204".into());
    lines.extend((251..=500).map(|n| format!("  {}  ", batch_url(n))));
    let list = write_list(&env, "urls.txt", &lines);
    let archive = env.dir.path().join("archive.txt");
    let failed = env.dir.path().join("failed.txt");

    let out = env
        .cmd()
        .args([
            "--rate-limit",
            "0",
            "batch",
            "--jobs",
            "8",
            "--json",
            "--write-info-json",
            "-P",
            "out",
        ])
        .arg("--download-archive")
        .arg(&archive)
        .arg("--failed-file")
        .arg(&failed)
        .arg(&list)
        .timeout(Duration::from_secs(300))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results = ndjson(&out.stdout);
    assert_eq!(results.len(), 503);
    let ok: Vec<&Value> = results
        .iter()
        .filter(|r| r["status"] == "downloaded")
        .collect();
    assert_eq!(ok.len(), 500);
    let failures: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("error").is_some_and(|e| e.is_object()))
        .collect();
    let codes: HashSet<&str> = failures
        .iter()
        .map(|f| f["error"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(failures.len(), 3);
    assert_eq!(codes, HashSet::from(["not_tiktok", "removed"]));
    assert_eq!(verify_downloads(&env, &results), 500);

    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("500 done, 0 skipped, 3 failed"), "{stderr}");
    assert!(
        stderr.contains("7000000000000010204") && stderr.contains("notanumber"),
        "{stderr}"
    );
    let failed_text = std::fs::read_to_string(&failed).unwrap();
    assert_eq!(failed_text.lines().count(), 3, "{failed_text}");
    let archived = std::fs::read_to_string(&archive).unwrap();
    assert_eq!(archived.lines().count(), 500);
    assert!(
        archived
            .lines()
            .all(|l| l.starts_with("tiktok 73000000000001"))
    );
    assert!(
        !files_under(env.dir.path())
            .iter()
            .any(|p| p.to_string_lossy().ends_with(".part"))
    );

    // A rerun with the archive downloads nothing and asks TikTok nothing about those posts.
    env.tiktok.clear_requests();
    let out = env
        .cmd()
        .args([
            "--rate-limit",
            "0",
            "batch",
            "--jobs",
            "8",
            "--json",
            "-P",
            "out",
            "--download-archive",
        ])
        .arg(&archive)
        .arg(&list)
        .output()
        .unwrap();
    let results = ndjson(&out.stdout);
    assert_eq!(
        results.iter().filter(|r| r["status"] == "skipped").count(),
        500
    );
    let asked: Vec<String> = env.tiktok.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        asked,
        ["/@gone/video/7000000000000010204"],
        "only the failed post is tried again"
    );
}

#[test]
fn killed_batch_resumes_without_downloading_a_post_twice() {
    let env = Env::new();
    let lines: Vec<String> = (1001..=1060).map(batch_url).collect();
    let list = write_list(&env, "urls.txt", &lines);
    let archive = env.dir.path().join("archive.txt");
    // Slow the media down so the kill lands mid-run with downloads in flight.
    env.tiktok.add_fault(support::FaultRule {
        host: None,
        path_contains: "imt=".into(),
        fault: support::Fault::StallBody {
            after: 20_000,
            dur: Duration::from_millis(150),
        },
        times: 0,
    });
    let mut child = env
        .std_cmd()
        .args([
            "--rate-limit",
            "0",
            "batch",
            "--jobs",
            "4",
            "--quiet",
            "-P",
            "out",
            "--download-archive",
        ])
        .arg(&archive)
        .arg(&list)
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let done = std::fs::read_to_string(&archive)
            .map(|t| t.lines().count())
            .unwrap_or(0);
        if done >= 8 || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    let archived_before: HashSet<String> = std::fs::read_to_string(&archive)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("tiktok ").map(str::to_owned))
        .collect();
    assert!(
        archived_before.len() >= 8 && archived_before.len() < 60,
        "{}",
        archived_before.len()
    );
    let finals_before: HashSet<PathBuf> = files_under(env.dir.path())
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "mp4"))
        .collect();

    env.tiktok.clear_requests();
    let out = env
        .cmd()
        .args([
            "--rate-limit",
            "0",
            "batch",
            "--jobs",
            "4",
            "--json",
            "--write-info-json",
            "-P",
            "out",
        ])
        .arg("--download-archive")
        .arg(&archive)
        .arg(&list)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results = ndjson(&out.stdout);
    assert_eq!(
        results.iter().filter(|r| r["status"] == "skipped").count(),
        archived_before.len()
    );
    // Nothing about an archived post was requested again.
    for r in env.tiktok.requests() {
        assert!(
            !archived_before
                .iter()
                .any(|id| r.path.contains(id.as_str())),
            "{} requested again",
            r.path
        );
    }
    // A file that was complete under its final name was not fetched again either.
    let media_paths: HashMap<String, usize> = env
        .tiktok
        .requests()
        .into_iter()
        .filter(|r| r.path.contains("imt="))
        .fold(HashMap::new(), |mut m, r| {
            *m.entry(r.path).or_default() += 1;
            m
        });
    assert!(!media_paths.is_empty());
    let done_again: Vec<&Value> = results
        .iter()
        .filter(|r| r["status"] == "already_downloaded")
        .collect();
    for r in &done_again {
        let path = env.dir.path().join(r["files"][0]["path"].as_str().unwrap());
        assert!(finals_before.contains(&path));
    }
    // Every post is now complete and byte-identical (the info JSON exists for the rerun's posts;
    // the archived ones were verified as complete by the first run's rename).
    assert_eq!(verify_downloads(&env, &results), 60 - archived_before.len());
    let archived = std::fs::read_to_string(&archive).unwrap();
    let ids: Vec<&str> = archived
        .lines()
        .filter_map(|l| l.strip_prefix("tiktok "))
        .collect();
    assert_eq!(ids.len(), 60, "each post archived exactly once");
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 60);
    assert!(
        !files_under(env.dir.path())
            .iter()
            .any(|p| p.to_string_lossy().ends_with(".part"))
    );
}

#[test]
fn profile_and_collection_expand_over_several_pages() {
    let env = Env::new();
    let list = write_list(&env, "lists.txt", &[
        "https://www.tiktok.com/@imitation45".into(),
        "https://www.tiktok.com/@recipe.pocket/collection/%E6%96%99%E7%90%86-7400000000000000033".into(),
    ]);
    let out = env
        .cmd()
        .args(["--rate-limit", "0", "batch", "--info-only"])
        .arg(&list)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let infos = ndjson(&out.stdout);
    let ids: HashSet<&str> = infos.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(infos.len(), 78);
    assert_eq!(ids.len(), 78);
    assert_eq!(
        infos
            .iter()
            .filter(|i| i["uploader"] == "imitation45")
            .count(),
        45
    );
    let reqs = env.tiktok.requests();
    let pages = |p: &str| reqs.iter().filter(|r| r.path.starts_with(p)).count();
    assert!(pages("/api/post/item_list/") >= 2, "profile paginated");
    assert!(
        pages("/api/collection/item_list/") >= 2,
        "collection paginated"
    );
    // List items carry full metadata: no post page was fetched.
    assert!(!reqs.iter().any(|r| r.path.contains("/video/")));
}

#[test]
fn pagination_loop_is_stopped_with_a_warning() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["--rate-limit", "0", "batch", "--info-only", "-"])
        .write_stdin("https://www.tiktok.com/@loopy\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(ndjson(&out.stdout).len(), 10);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("pagination loop"), "{stderr}");
    let api = profile_pages(&env);
    assert!(
        api <= 3,
        "stopped quickly, not after the page cap ({api} pages)"
    );
}

#[test]
fn list_filters_max_after_before() {
    let env = Env::new();
    let out = env
        .cmd()
        .args([
            "--rate-limit",
            "0",
            "batch",
            "--info-only",
            "--max",
            "7",
            "-",
        ])
        .write_stdin("https://www.tiktok.com/@imitation45\n")
        .output()
        .unwrap();
    assert_eq!(ndjson(&out.stdout).len(), 7);

    let all = {
        let out = env
            .cmd()
            .args(["--rate-limit", "0", "batch", "--info-only", "-"])
            .write_stdin("https://www.tiktok.com/@imitation45\n")
            .output()
            .unwrap();
        ndjson(&out.stdout)
    };
    let mut dates: Vec<String> = all
        .iter()
        .map(|i| i["upload_date"].as_str().unwrap().to_owned())
        .collect();
    dates.sort();
    let (lo, hi) = (dates[10].clone(), dates[30].clone());
    let out = env
        .cmd()
        .args([
            "--rate-limit",
            "0",
            "batch",
            "--info-only",
            "--after",
            &lo,
            "--before",
            &hi,
            "-",
        ])
        .write_stdin("https://www.tiktok.com/@imitation45\n")
        .output()
        .unwrap();
    let kept = ndjson(&out.stdout);
    let expected = dates.iter().filter(|d| **d >= lo && **d <= hi).count();
    assert_eq!(kept.len(), expected);
    assert!(kept.iter().all(|i| {
        let d = i["upload_date"].as_str().unwrap();
        d >= lo.as_str() && d <= hi.as_str()
    }));
    let bad = env
        .cmd()
        .args(["batch", "--after", "2026-01-01", "-"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn the_same_post_in_any_url_form_is_done_once() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["--rate-limit", "0", "batch", "--info-only", "-"])
        .write_stdin(format!(
            "{DESKTOP_URL}\nhttps://vm.tiktok.com/ZMdesk1/\nhttps://www.tiktok.com/embed/v2/{DESKTOP_ID}\n\n# done\n"
        ))
        .output()
        .unwrap();
    assert!(out.status.success());
    let lines = ndjson(&out.stdout);
    assert_eq!(
        lines
            .iter()
            .filter(|l| l["id"] == DESKTOP_ID && l.get("status").is_none())
            .count(),
        1
    );
    assert_eq!(lines.iter().filter(|l| l["status"] == "skipped").count(), 2);
    let pages = env
        .tiktok
        .requests()
        .iter()
        .filter(|r| r.path.contains(DESKTOP_ID))
        .count();
    assert_eq!(pages, 1);
}

/// `tikdl batch --info-only -` started with `input` on stdin, its output piped.
fn spawn_info_only(env: &Env, input: &str) -> std::process::Child {
    spawn_with(env, &["batch", "--info-only", "-"], input)
}

/// `tikdl --rate-limit 0 ARGS` with `input` on its standard input.
fn spawn_with(env: &Env, args: &[&str], input: &str) -> std::process::Child {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = env
        .std_cmd()
        .args(["--rate-limit", "0"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input.as_bytes()).unwrap();
    child
}

/// [`spawn_info_only`] run to its end: (stdout, stderr, the child's own peak RSS in KiB).
// Reaped by wait4 rather than `wait`: it gives this child's own rusage, so no other process
// (another test's) is counted.
#[allow(clippy::zombie_processes)]
fn info_only_measured(env: &Env, input: &str) -> (String, String, i64) {
    measured(spawn_info_only(env, input))
}

/// Runs `child` to its end: (stdout, stderr, its own peak RSS in KiB).
#[allow(clippy::zombie_processes)]
fn measured(mut child: std::process::Child) -> (String, String, i64) {
    use std::io::Read;
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        out.read_to_string(&mut s).unwrap();
        s
    });
    let mut stderr = String::new();
    err.read_to_string(&mut stderr).unwrap();
    let stdout = reader.join().unwrap();
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value; wait4 fills it for this child only.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    // SAFETY: `pid` is our own child, not yet waited for; both pointers are to live locals.
    let got = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(got, pid, "wait4: {}", std::io::Error::last_os_error());
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{stderr}"
    );
    (stdout, stderr, usage.ru_maxrss)
}

#[test]
fn a_list_with_fat_pages_keeps_memory_flat_and_drops_what_is_past_the_cap() {
    let env = Env::new();
    // 8 pages of 20,000 fresh posts each.
    let (stdout, stderr, peak_kib) =
        info_only_measured(&env, "https://www.tiktok.com/@fat_20000_8\n");
    let posts = ndjson(stdout.as_bytes());
    assert_eq!(posts.len(), 8 * 100, "100 posts kept per page: {stderr}");
    assert_eq!(
        stderr
            .matches("more than the 100 posts a list page can hold")
            .count(),
        1,
        "one warning for the list: {stderr}"
    );
    assert!(
        peak_kib < 64 * 1024,
        "peak RSS {} MiB for 8 pages of 20,000 posts",
        peak_kib / 1024
    );
}

#[test]
fn info_on_a_list_with_fat_pages_keeps_memory_flat_too() {
    let env = Env::new();
    let child = spawn_with(
        &env,
        &["info", "--json", "https://www.tiktok.com/@fat_20000_8"],
        "",
    );
    let (stdout, stderr, peak_kib) = measured(child);
    assert_eq!(ndjson(stdout.as_bytes()).len(), 8 * 100, "{stderr}");
    assert!(
        peak_kib < 64 * 1024,
        "peak RSS {} MiB for 8 pages of 20,000 posts",
        peak_kib / 1024
    );
}

#[test]
fn the_first_post_is_printed_before_the_last_page_is_requested() {
    first_post_before_the_last_page(&["batch", "--info-only", "-"]);
}

#[test]
fn info_prints_a_lists_first_post_before_its_last_page_is_requested() {
    first_post_before_the_last_page(&["info", "--json", "https://www.tiktok.com/@many_1000"]);
}

/// `tikdl ARGS` on the list `@many_1000` (also given on standard input).
fn first_post_before_the_last_page(args: &[&str]) {
    use std::io::BufRead;
    let env = Env::new();
    // 1000 posts in 35-post pages: the last page starts at offset 980.
    let mut child = spawn_with(&env, args, "https://www.tiktok.com/@many_1000\n");
    let mut err = child.stderr.take().unwrap();
    let err = std::thread::spawn(move || std::io::copy(&mut err, &mut std::io::sink()));
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    assert!(first.contains("\"id\""), "{first}");
    // While this test reads no further, the pipe fills and tikdl waits: the pages asked for so
    // far are what it needed for the first line and the few after it.
    let last_page = |reqs: &[tiktok_imitation::RequestRecord]| {
        reqs.iter()
            .any(|r| r.path.starts_with("/api/post/item_list/") && r.path.contains("cursor=980"))
    };
    assert!(
        !last_page(&env.tiktok.requests()),
        "the whole list was paged before the first post was printed"
    );
    let rest = out.lines().map_while(Result::ok).count();
    assert!(child.wait().unwrap().success());
    err.join().unwrap().unwrap();
    assert_eq!(1 + rest, 1000);
    assert!(last_page(&env.tiktok.requests()));
}

#[test]
fn a_list_of_empty_pages_that_never_ends_stops_after_a_few() {
    let env = Env::new();
    let (stdout, stderr, _) = info_only_measured(&env, "https://www.tiktok.com/@empty_forever\n");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("pagination loop"), "{stderr}");
    let pages = profile_pages(&env);
    assert!(pages <= 4, "stopped after a few pages, not {pages}");
}

/// Profile list pages the imitation was asked for.
fn profile_pages(env: &Env) -> usize {
    env.tiktok
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/api/post/item_list/"))
        .count()
}
