//! `tikdl batch` against the local TikTok imitation: hundreds of posts, failures in the middle,
//! the archive, a run killed with SIGKILL and resumed, list expansion and its loop guard.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support;
use crate::support::{
    BATCH_BASE, DESKTOP_ID, DESKTOP_URL, Env, batch_url, files_under, ndjson, shell, stderr,
    verify_downloads,
};
use serde_json::Value;
use tiktok_imitation::{OUTPUT_BASE, OUTPUT_TEXTS};

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
    if support::in_own_process(
        module_path!(),
        "a_list_with_fat_pages_keeps_memory_flat_and_drops_what_is_past_the_cap",
    ) {
        return;
    }
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
    if support::in_own_process(
        module_path!(),
        "info_on_a_list_with_fat_pages_keeps_memory_flat_too",
    ) {
        return;
    }
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

// ---------------------------------------------------------------------------------------------
// lists that cannot be read, exit codes, bounded lines, terminal escapes, closed pipes
// ---------------------------------------------------------------------------------------------

/// A post the imitation says was removed.
const GONE: &str = "https://www.tiktok.com/@gone/video/7000000000000010204";

fn output_url(n: u64) -> String {
    format!("https://www.tiktok.com/@u/video/{}", OUTPUT_BASE + n)
}

/// Bytes that must never reach a terminal raw: ESC, BEL, CR, BS, NUL, VT, DEL, C1 controls and
/// bidi overrides/isolates (as UTF-8).
fn raw_controls(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    text.chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        })
        .map(|c| format!("U+{:04X}", u32::from(c)))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// a URL list that cannot be read

/// `batch --info-only --failed-file LIST LIST`: the failed lines replace the list.
fn retry_in_place(env: &Env, list: &Path, extra: &[&str]) -> std::process::Output {
    env.cmd()
        .args(["--rate-limit", "0", "batch", "--info-only"])
        .args(extra)
        .arg("--failed-file")
        .arg(list)
        .arg(list)
        .output()
        .unwrap()
}

#[test]
fn non_utf8_line_fails_alone_and_retry_in_place_keeps_the_rest() {
    let env = Env::new();
    let list = env.dir.path().join("retry.txt");
    let mut text = b"bad-url\n\xe9t\xe9 list\n".to_vec();
    text.extend(format!("{}\n{GONE}\n{}\n", batch_url(1), batch_url(2)).as_bytes());
    std::fs::write(&list, &text).unwrap();

    // The retry-in-place pattern: the failed lines replace the list.
    let out = retry_in_place(&env, &list, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    // Every valid URL after the bad line was processed.
    let ids: Vec<String> = ndjson(&out.stdout)
        .iter()
        .filter_map(|v| v["id"].as_str().map(str::to_owned))
        .collect();
    assert!(ids.contains(&(BATCH_BASE + 1).to_string()), "{ids:?}");
    assert!(ids.contains(&(BATCH_BASE + 2).to_string()), "{ids:?}");
    assert!(err.contains("line 2 is not UTF-8"), "{err}");
    assert!(err.contains("3 failed"), "{err}");
    // The list now holds exactly the three failed lines, the Latin-1 one byte for byte.
    let after = std::fs::read(&list).unwrap();
    assert_eq!(
        after,
        [
            &b"bad-url\n\xe9t\xe9 list\n"[..],
            format!("{GONE}\n").as_bytes()
        ]
        .concat(),
        "{}",
        String::from_utf8_lossy(&after)
    );
}

#[test]
fn a_list_that_cannot_be_read_exits_2_and_keeps_the_failed_file() {
    let env = Env::new();
    let failed = env.dir.path().join("failed.txt");
    std::fs::write(&failed, "https://keep.me/1\n").unwrap();
    let folder = env.dir.path().join("a-folder");
    std::fs::create_dir(&folder).unwrap();
    let out = env
        .cmd()
        .args(["batch", "--info-only", "--failed-file"])
        .arg(&failed)
        .arg(&folder)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("a-folder"), "names the list: {err}");
    assert_eq!(
        std::fs::read_to_string(&failed).unwrap(),
        "https://keep.me/1\n"
    );
}

// ---------------------------------------------------------------------------------------------
// exit codes

#[test]
fn batch_dir_exits_2() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["batch", "--info-only"])
        .arg(env.dir.path())
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("is a folder"), "{err}");
}

#[test]
fn info_piped_into_head_exits_quietly() {
    let env = Env::new();
    // Far more output than a pipe buffer holds, so tikdl is still writing when the reader goes.
    let mut cmd = env.std_cmd();
    cmd.args(["--rate-limit", "0", "info"]);
    cmd.args((1..=80).map(batch_url));
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // `head -1` has its line and exits: the pipe's reading end is closed here.
    assert!(!first.is_empty());
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert!(
        matches!(out.status.code(), Some(0 | 141)),
        "status {:?}: {err}",
        out.status
    );
    assert!(!err.contains("Broken pipe"), "{err}");
    assert!(!err.contains("error"), "{err}");
}

#[test]
fn info_json_to_a_full_disk_is_a_local_error() {
    let env = Env::new();
    if !Path::new("/dev/full").exists() {
        eprintln!("skipped: this platform has no /dev/full");
        return;
    }
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = env
        .std_cmd()
        .args(["info", "--json", &batch_url(1)])
        .stdout(full)
        .output()
        .unwrap();
    let err = stderr(&out);
    // As for an output folder that cannot be used: the run's output is unusable, exit 2.
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("writing standard output: no space left on the device"),
        "{err}"
    );
}

#[test]
fn a_failed_file_that_cannot_be_written_leaves_its_lines_on_stderr() {
    let env = Env::new();
    if !Path::new("/dev/full").exists() {
        eprintln!("skipped: this platform has no /dev/full");
        return;
    }
    let list = env.dir.path().join("list.txt");
    std::fs::write(&list, "not-a-url-at-all\n").unwrap();
    let out = env
        .cmd()
        .args([
            "batch",
            "--failed-file",
            "/dev/full",
            list.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_ne!(out.status.code(), Some(0), "{err}");
    let (_, after) = err
        .split_once("the lines it should hold (failed and not attempted) follow:")
        .unwrap_or_else(|| panic!("no header: {err}"));
    assert!(after.contains("not-a-url-at-all"), "{err}");
}

#[test]
fn output_folder_under_a_file_is_one_local_error_one_exit_code() {
    let env = Env::new();
    std::fs::write(env.dir.path().join("afile"), b"x").unwrap();
    for p in ["afile", "afile/sub"] {
        let out = env
            .cmd()
            .args(["download", "-P", p, &batch_url(1)])
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "-P {p}: {err}");
        assert!(err.contains("not a folder"), "-P {p}: {err}");
    }
}

// ---------------------------------------------------------------------------------------------
// unbounded URL-list lines

#[test]
fn dev_zero_as_the_list_ends_with_a_bounded_error() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["batch", "--info-only", "/dev/zero"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("/dev/zero"), "{err}");
    assert!(err.contains("not a list of URLs"), "{err}");
    assert!(
        err.len() < 4096,
        "a bounded message, got {} bytes",
        err.len()
    );
}

#[test]
fn a_line_longer_than_64_kib_fails_alone() {
    let env = Env::new();
    let list = env.dir.path().join("list.txt");
    let mut text = format!("{}\n", batch_url(1)).into_bytes();
    text.extend(std::iter::repeat_n(b'z', 1 << 20));
    text.extend(format!("\n{}\n", batch_url(2)).as_bytes());
    std::fs::write(&list, &text).unwrap();
    let out = env
        .cmd()
        .args(["--rate-limit", "0", "batch", "--info-only"])
        .arg(&list)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(ndjson(&out.stdout).len(), 3, "2 posts and 1 error line");
    assert!(err.contains("line 2 is longer than 64 KiB"), "{err}");
    assert!(err.contains("2 done, 0 skipped, 1 failed"), "{err}");
    assert!(
        err.len() < 4096,
        "the line is not echoed: {} bytes",
        err.len()
    );
}

// ---------------------------------------------------------------------------------------------
// volume

#[test]
fn five_thousand_bad_lines_give_a_bounded_summary() {
    let env = Env::new();
    let list = env.dir.path().join("junk.txt");
    let junk: String = (0..5000)
        .map(|i| format!("junk-{i}-{}\n", "j".repeat(1000)))
        .collect();
    std::fs::write(&list, junk).unwrap();
    let failed = env.dir.path().join("failed.txt");
    let out = env
        .cmd()
        .args(["batch", "--info-only", "--failed-file"])
        .arg(&failed)
        .arg(&list)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    // One line per failure as it happens, then a summary of at most 20 of them.
    let lines = err.lines().count();
    assert!(lines <= 5000 + 2 + 2 * 20 + 2, "{lines} stderr lines");
    assert!(
        err.contains("... and 4980 more (see --failed-file)"),
        "{}",
        &err[err.len() - 2000..]
    );
    // Each echo is cut: far less than the 5 MB of input.
    assert!(err.len() < 5000 * 700, "{} bytes of stderr", err.len());
    // Nothing is lost for the retry.
    let kept = std::fs::read_to_string(&failed).unwrap();
    assert_eq!(kept.lines().count(), 5000);
}

// ---------------------------------------------------------------------------------------------
// a batch stops when every later post would fail the same way

/// Runs `tikdl ARGS` under `ulimit -f 1` with SIGXFSZ ignored (inherited through exec), so that
/// writing past 512 bytes into any file fails with EFBIG: the "file size limit" local error.
fn under_file_size_limit(env: &Env, args: &[String]) -> std::process::Output {
    env.std_cmd_in_shell("trap '' XFSZ; ulimit -f 1 || exit 99; exec \"$0\" \"$@\"")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn batch_stops_when_the_archive_hits_the_file_size_limit() {
    let env = Env::new();
    let urls: Vec<String> = (11..=14).map(batch_url).collect();
    let list = env.dir.path().join("list.txt");
    std::fs::write(&list, urls.join("\n") + "\n").unwrap();
    // First run: the posts are saved.
    let out = env
        .cmd()
        .args(["--rate-limit", "0", "batch", "-P", "out"])
        .arg(&list)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // An archive already past the limit: recording the first post fails with EFBIG.
    let archive = env.dir.path().join("archive.txt");
    let old: String = (0..200)
        .map(|i| format!("tiktok {}\n", 7100000000000001000u64 + i))
        .collect();
    std::fs::write(&archive, &old).unwrap();
    let failed = env.dir.path().join("failed.txt");
    let args: Vec<String> = [
        "--no-cache",
        "--rate-limit",
        "0",
        "batch",
        "--jobs",
        "1",
        "-P",
        "out",
        "--download-archive",
        &archive.display().to_string(),
        "--failed-file",
        &failed.display().to_string(),
        &list.display().to_string(),
    ]
    .map(str::to_owned)
    .to_vec();
    let out = under_file_size_limit(&env, &args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("stopped: writing the download archive"),
        "{err}"
    );
    assert!(err.contains("3 not attempted"), "{err}");
    assert_eq!(
        err.matches("error:").count(),
        1,
        "one failure, not four: {err}"
    );
    // Nothing is lost: the failed post and the three never attempted are in the failed file.
    assert_eq!(
        std::fs::read_to_string(&failed).unwrap(),
        urls.join("\n") + "\n"
    );
    assert_eq!(std::fs::read_to_string(&archive).unwrap(), old);
}

#[test]
fn batch_stops_when_media_hits_the_file_size_limit() {
    let env = Env::new();
    let urls: Vec<String> = (21..=24).map(batch_url).collect();
    let list = env.dir.path().join("list.txt");
    std::fs::write(&list, urls.join("\n") + "\n").unwrap();
    let failed = env.dir.path().join("failed.txt");
    let args: Vec<String> = [
        "--no-cache",
        "--rate-limit",
        "0",
        "batch",
        "--jobs",
        "1",
        "-P",
        "out",
        "--failed-file",
        &failed.display().to_string(),
        &list.display().to_string(),
    ]
    .map(str::to_owned)
    .to_vec();
    let out = under_file_size_limit(&env, &args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("stopped:"), "{err}");
    assert!(err.contains("file size limit"), "{err}");
    assert!(err.contains("3 not attempted"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&failed).unwrap(),
        urls.join("\n") + "\n"
    );
}

#[test]
fn download_of_several_urls_stops_when_media_hits_the_file_size_limit() {
    let env = Env::new();
    let mut args: Vec<String> = ["--no-cache", "--rate-limit", "0", "download", "--jobs", "1"]
        .map(str::to_owned)
        .to_vec();
    args.extend((31..=34).map(batch_url));
    let out = under_file_size_limit(&env, &args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("stopped:"), "{err}");
    assert!(err.contains("3 of 4 posts not attempted"), "{err}");
    assert_eq!(
        err.matches("error:").count(),
        1,
        "one failure, not four: {err}"
    );
}

// ---------------------------------------------------------------------------------------------
// terminal escapes

#[test]
fn info_neutralises_escapes_for_people_and_keeps_json_exact() {
    let env = Env::new();
    let urls: Vec<String> = (1..=OUTPUT_TEXTS.len() as u64).map(output_url).collect();
    let out = env
        .cmd()
        .args(["--rate-limit", "0", "info"])
        .args(&urls)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let human = String::from_utf8_lossy(&out.stdout);
    assert_eq!(raw_controls(&out.stdout), Vec::<String>::new(), "{human}");
    assert_eq!(raw_controls(&out.stderr), Vec::<String>::new());
    // Shown, escaped: the reader can see something is there.
    assert!(human.contains("\\u{1b}]0;PWNED-TITLE\\u{7}"), "{human}");
    assert!(human.contains("nick\\u{1b}]0;PWNED-TITLE"), "{human}");
    assert!(human.contains("sound\\u{1b}]0;PWNED-TITLE"), "{human}");
    assert!(human.contains("\\u{9b}2J"), "{human}");
    assert!(human.contains("\\u{202e}"), "{human}");

    let out = env
        .cmd()
        .args(["--rate-limit", "0", "info", "--json"])
        .args(&urls)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let infos: Vec<Value> = ndjson(&out.stdout);
    assert_eq!(infos.len(), OUTPUT_TEXTS.len());
    for (info, text) in infos.iter().zip(OUTPUT_TEXTS) {
        assert_eq!(info["title"], *text);
        assert_eq!(info["description"], *text);
        assert_eq!(info["channel"], format!("nick{text}"));
        assert_eq!(info["track"], format!("sound{text}"));
    }
}

/// `batch --info-only` over a list of `lines`, which must exit 1 (some lines fail): its output
/// and its stderr.
fn failing_info_batch(env: &Env, lines: &str) -> (std::process::Output, String) {
    let list = env.dir.path().join("list.txt");
    std::fs::write(&list, lines).unwrap();
    let out = env
        .cmd()
        .args(["batch", "--info-only"])
        .arg(&list)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    (out, err)
}

#[test]
fn batch_errors_do_not_echo_control_bytes_from_the_list() {
    let env = Env::new();
    let (out, err) = failing_info_batch(
        &env,
        "https://www.tiktok.com/@u/video/\u{1b}]0;EVIL\u{7}\n\
         junk\u{1b}[2J\u{9b}6n\u{202e}\0\r\n\
         https://evil\u{1b}]52;c;cm0K\u{7}.example/x\n",
    );
    assert!(err.contains("3 failed"), "{err}");
    assert_eq!(raw_controls(&out.stderr), Vec::<String>::new(), "{err}");
    assert!(err.contains("\\u{1b}]0;EVIL"), "{err}");
}

/// Invisible characters in a list line are shown in its error, so the line no longer looks
/// right while it fails; a byte order mark at the start of a joined-on file is no part of a URL.
#[test]
fn invisible_characters_in_a_list_line_are_shown_in_its_error() {
    let env = Env::new();
    let (_, err) = failing_info_batch(
        &env,
        &format!(
            "{DESKTOP_URL}\n\u{feff}https://www.tiktok.com/@dangthuhaf/video/7526770564367748360\n\
             https://www.tiktok.com/@u/video/76\u{200b}08826249200356630\n\
             \u{2060}https://evil.example/\u{feff}x\n"
        ),
    );
    assert!(err.contains("2 failed"), "{err}");
    assert!(err.contains("76\\u{200b}08826249200356630"), "{err}");
    assert!(
        err.contains("\\u{2060}https://evil.example/\\u{feff}x"),
        "{err}"
    );
    for c in ['\u{feff}', '\u{200b}', '\u{2060}'] {
        assert!(!err.contains(c), "{c:?} raw in {err}");
    }
}

#[test]
fn download_lines_and_warnings_are_neutralised() {
    let env = Env::new();
    let out = env
        .cmd()
        .args([
            "-v",
            "download",
            "-P",
            "out",
            &output_url(1),
            &output_url(4),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        raw_controls(&out.stderr),
        Vec::<String>::new(),
        "{}",
        stderr(&out)
    );
}

/// `--failed-file` naming the archive would replace the archive with the failed URLs: refused before anything runs.
#[test]
fn failed_file_that_is_the_archive_is_refused() {
    let env = Env::new();
    let list = env.dir.path().join("l.txt");
    std::fs::write(&list, "bad-url\n").unwrap();
    let arch = env.dir.path().join("arch.txt");
    std::fs::write(&arch, "tiktok 7608826249200356630\n").unwrap();
    let out = env
        .cmd()
        .args(["batch", "--info-only", "--download-archive"])
        .arg(&arch)
        .arg("--failed-file")
        .arg(env.dir.path().join(".").join("arch.txt"))
        .arg(&list)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&arch).unwrap(),
        "tiktok 7608826249200356630\n"
    );
}

// ---------------------------------------------------------------------------------------------
// Output pipelines that lose nothing

#[test]
fn info_only_into_a_pipe_closed_early_with_retry_in_place_loses_no_line() {
    const POSTS: u64 = 40;
    let env = Env::new();
    let list: String = (100..100 + POSTS).map(|n| batch_url(n) + "\n").collect();
    std::fs::write(env.dir.path().join("urls.txt"), list).unwrap();
    let (out, err) = shell(
        &env,
        // One post at a time, and the reader closes the pipe as soon as it has its three lines.
        // A line the kernel took from tikdl before the reader left is delivered as far as any
        // writer can know (the reader may have dropped it unread): the loop records every line
        // tikdl's writes handed over before passing it on (tee writes its standard output first
        // and dies of SIGPIPE before recording), so only lines tikdl itself dropped could be
        // missing.
        r#"{ "$0" "$@" --rate-limit 0 batch --jobs 1 --info-only --failed-file urls.txt urls.txt; echo "$?" > rc; } \
             | while IFS= read -r l; do printf '%s\n' "$l" >> written.ndjson; printf '%s\n' "$l" || exit 1; done \
             | { read -r a; read -r b; read -r c; exec <&-; printf '%s\n%s\n%s\n' "$a" "$b" "$c"; }"#,
        Duration::from_secs(120),
    );
    let rc = std::fs::read_to_string(env.dir.path().join("rc")).unwrap();
    assert_eq!(rc.trim(), "141", "{err}");
    let printed: Vec<String> = ndjson(out.as_bytes())
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(printed.len(), 3, "{out}");
    let kept = std::fs::read_to_string(env.dir.path().join("urls.txt")).unwrap();
    let kept: Vec<&str> = kept.lines().collect();
    let written = std::fs::read(env.dir.path().join("written.ndjson")).unwrap();
    let written: Vec<String> = ndjson(&written)
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(printed.iter().all(|id| written.contains(id)), "{out}");
    let mut all: Vec<String> = kept
        .iter()
        .map(|l| l.rsplit('/').next().unwrap().to_owned())
        .chain(written)
        .collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len() as u64, POSTS, "kept {kept:?}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_closed_stderr_is_not_a_panic() {
    let env = Env::new();
    let mut list = String::new();
    for n in 1..=20 {
        list.push_str(&format!("bad-url-{n}\n{}\n", batch_url(200 + n)));
    }
    std::fs::write(env.dir.path().join("l.txt"), list).unwrap();
    let (out, _) = shell(
        &env,
        r#"{ "$0" "$@" --rate-limit 0 batch -o '%(id)s.%(ext)s' -P out l.txt 2>&1; echo "$?" > rc; } | head -2"#,
        Duration::from_secs(120),
    );
    let rc = std::fs::read_to_string(env.dir.path().join("rc")).unwrap();
    assert!(!out.contains("panicked"), "{out}");
    // Failures on the list (1) or a broken pipe (141); never a panic (101).
    assert!(matches!(rc.trim(), "1" | "141"), "exit {rc}");
}

#[test]
fn ndjson_lines_appended_by_three_runs_are_whole() {
    let env = Env::new();
    let list: String = (300..400).map(|n| batch_url(n) + "\n").collect();
    std::fs::write(env.dir.path().join("l.txt"), list).unwrap();
    shell(
        &env,
        r#"for k in 1 2 3; do "$0" "$@" --rate-limit 0 batch --info-only --jobs 8 l.txt >> all.ndjson & done; wait"#,
        Duration::from_secs(120),
    );
    let text = std::fs::read_to_string(env.dir.path().join("all.ndjson")).unwrap();
    let bad = text
        .lines()
        .filter(|l| serde_json::from_str::<Value>(l).is_err())
        .count();
    assert_eq!(text.lines().count(), 300);
    assert_eq!(bad, 0, "{bad} of 300 lines are not whole");
}

#[test]
fn quiet_prints_no_warning() {
    let env = Env::new();
    // Every cover of this post answers 404: saving its thumbnail warns.
    let url = format!(
        "https://www.tiktok.com/@u/video/{}",
        tiktok_imitation::STORAGE_BASE + 4
    );
    let run = |quiet: bool| {
        let mut cmd = env.cmd();
        cmd.args(["download", "--write-thumbnail", "-o", "%(id)s.%(ext)s"]);
        if quiet {
            cmd.arg("--quiet");
        }
        cmd.arg(&url).output().unwrap()
    };
    let loud = run(false);
    assert!(stderr(&loud).contains("warning: "), "{}", stderr(&loud));
    let quiet = run(true);
    assert!(!stderr(&quiet).contains("warning"), "{}", stderr(&quiet));
    assert!(quiet.status.success(), "{}", stderr(&quiet));
}

#[cfg(unix)]
#[test]
fn dev_null_as_the_archive_downloads_every_post() {
    let env = Env::new();
    let list = env.dir.path().join("list.txt");
    std::fs::write(&list, format!("{DESKTOP_URL}\n")).unwrap();
    let out = env
        .cmd()
        .args(["batch", "--info-only", "--download-archive", "/dev/null"])
        .arg(&list)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("error"), "{err}");
    let out = env
        .cmd()
        .args([
            "batch",
            "-o",
            "%(id)s.%(ext)s",
            "--download-archive",
            "/dev/null",
        ])
        .arg(&list)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("error") && !err.contains("warning"), "{err}");
    assert!(env.dir.path().join("7608826249200356630.mp4").exists());
    // No state file beside a device: that would be a file written into /dev.
    let beside = std::path::Path::new("/dev/null.sync");
    assert!(
        !beside.exists(),
        "tikdl wrote {} (delete it: an older tikdl made it)",
        beside.display()
    );
}

#[test]
fn a_list_whose_api_fails_is_not_called_empty() {
    let env = Env::new();
    env.tiktok.add_fault(support::FaultRule {
        host: None,
        path_contains: "/api/post/item_list".into(),
        fault: support::Fault::Status {
            code: 500,
            retry_after: None,
        },
        times: 0,
    });
    let out = env
        .cmd()
        .args([
            "--retries",
            "0",
            "info",
            "--json",
            "https://www.tiktok.com/@imitation45",
        ])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("500") || String::from_utf8_lossy(&out.stdout).contains("500"),
        "{err}"
    );
    assert!(
        !err.contains("lists no posts"),
        "the failure is not an empty list: {err}"
    );
}

#[test]
fn retry_in_place_keeps_an_over_long_line_and_reads_cr_line_ends() {
    let env = Env::new();
    let list = env.dir.path().join("retry.txt");
    let long = format!("https://www.tiktok.com/@u/video/{}", "9".repeat(70_000));
    // Old Mac line ends: three lines, not one long one.
    std::fs::write(&list, format!("{}\r{long}\rbad-url\r", batch_url(1))).unwrap();
    let out = retry_in_place(&env, &list, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("line 2 is longer than"), "{err}");
    let ids: Vec<String> = ndjson(&out.stdout)
        .iter()
        .filter_map(|v| v["id"].as_str().map(str::to_owned))
        .collect();
    assert!(ids.contains(&(BATCH_BASE + 1).to_string()), "{ids:?} {err}");
    // Both failed lines are kept, the long one whole.
    let after = std::fs::read_to_string(&list).unwrap();
    assert_eq!(after, format!("{long}\nbad-url\n"));
}

#[test]
fn retry_in_place_keeps_lines_appended_while_the_batch_runs() {
    let env = Env::new();
    // The one post's page takes two seconds: the list is appended to meanwhile.
    env.tiktok.add_fault(support::FaultRule {
        host: Some("www.tiktok.com".into()),
        path_contains: (BATCH_BASE + 1).to_string(),
        fault: support::Fault::Stall(std::time::Duration::from_secs(2)),
        times: 1,
    });
    let list = env.dir.path().join("queue.txt");
    std::fs::write(&list, format!("{}\n", batch_url(1))).unwrap();
    let child = env
        .std_cmd()
        .args(["--rate-limit", "0", "batch", "--info-only", "--failed-file"])
        .arg(&list)
        .arg(&list)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    let appended = batch_url(2);
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&list)
        .unwrap();
    std::io::Write::write_all(&mut f, format!("{appended}\n").as_bytes()).unwrap();
    drop(f);
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(
        std::fs::read_to_string(&list).unwrap(),
        format!("{appended}\n"),
        "the line added during the run waits for the next one"
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_beside_the_archive_never_hangs_the_batch() {
    let env = Env::new();
    let list = env.dir.path().join("list.txt");
    std::fs::write(&list, format!("{}\n", batch_url(1))).unwrap();
    let fifo = env.dir.path().join("arch.txt.sync");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let out = env
        .cmd()
        .args([
            "--rate-limit",
            "0",
            "batch",
            "--info-only",
            "--download-archive",
        ])
        .arg(env.dir.path().join("arch.txt"))
        .arg(&list)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("a FIFO"), "{err}");
}

#[test]
fn retry_in_place_with_a_shard_is_refused_before_any_line_is_lost() {
    let env = Env::new();
    let list = env.dir.path().join("shards.txt");
    let text: String = (1..=6).map(|i| format!("{}\n", batch_url(i))).collect();
    std::fs::write(&list, &text).unwrap();
    let out = retry_in_place(&env, &list, &["--shard", "1/2"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("other shards' lines"), "{err}");
    assert_eq!(std::fs::read_to_string(&list).unwrap(), text);
}

/// Two runs given one `--failed-file` would each replace it whole, the later dropping the
/// other's failures: while one holds it (its lock), another is refused and leaves it alone.
#[test]
fn a_failed_file_another_run_holds_is_refused_and_left_alone() {
    let env = Env::new();
    let dir = env.dir.path();
    let failed = dir.join("ff.txt");
    std::fs::write(
        &failed,
        "https://www.tiktok.com/@n/video/7399999999999999991\n",
    )
    .unwrap();
    std::fs::write(dir.join("list.txt"), format!("{}\n", batch_url(30))).unwrap();
    let run = || {
        let mut cmd = env.cmd();
        cmd.args(["--rate-limit", "0", "batch", "-P", "out"]).args([
            "--failed-file",
            "ff.txt",
            "list.txt",
        ]);
        support::Run::text_of(&mut cmd)
    };
    let holder = std::fs::File::open(&failed).unwrap();
    holder.lock().unwrap();
    let refused = run().code(2);
    assert!(
        refused.stderr.contains("in use by another tikdl run"),
        "{refused}"
    );
    assert_eq!(
        std::fs::read_to_string(&failed).unwrap(),
        "https://www.tiktok.com/@n/video/7399999999999999991\n"
    );
    drop(holder);
    run().success();
    assert_eq!(std::fs::read_to_string(&failed).unwrap(), "");
}

/// The archive is appended to, the failed file replaced: neither may be the URL list (the
/// failed file may: retry in place) nor each other, however the names are spelt.
#[test]
fn an_archive_naming_the_url_list_or_the_failed_file_is_refused() {
    let env = Env::new();
    let dir = env.dir.path();
    let url = format!("{}\n", batch_url(31));
    std::fs::write(dir.join("list.txt"), &url).unwrap();
    std::fs::create_dir(dir.join("sub")).unwrap();
    std::fs::hard_link(dir.join("list.txt"), dir.join("hard.txt")).unwrap();
    std::os::unix::fs::symlink(dir.join("list.txt"), dir.join("link.txt")).unwrap();
    let run = |args: &[&str]| {
        let mut cmd = env.cmd();
        cmd.args(["--rate-limit", "0"]).args(args);
        support::Run::text_of(&mut cmd)
    };
    for args in [
        &["batch", "--download-archive", "list.txt", "list.txt"][..],
        &["batch", "--download-archive", "sub/../hard.txt", "list.txt"],
        &[
            "download",
            "--download-archive",
            "link.txt",
            "-a",
            "list.txt",
        ],
    ] {
        let refused = run(args).code(2);
        assert!(
            refused.stderr.contains("names the URL list itself"),
            "{refused}"
        );
    }
    assert_eq!(std::fs::read_to_string(dir.join("list.txt")).unwrap(), url);
    // The failed file and the archive through a link, and one not made yet in two spellings.
    for (failed, archive) in [("link.txt", "list.txt"), ("new.txt", "sub/../new.txt")] {
        let refused = run(&[
            "batch",
            "--failed-file",
            failed,
            "--download-archive",
            archive,
            "-",
        ])
        .code(2);
        assert!(refused.stderr.contains("name the same file"), "{refused}");
    }
    assert_eq!(std::fs::read_to_string(dir.join("list.txt")).unwrap(), url);
    // Retry in place stays allowed.
    run(&[
        "batch",
        "-P",
        "out",
        "--download-archive",
        "arch.txt",
        "--failed-file",
        "list.txt",
        "list.txt",
    ])
    .success();
}

/// The summary's byte count is what this run received: files already on disk add nothing.
#[test]
fn the_summary_counts_only_bytes_received_in_this_run() {
    let env = Env::new();
    let dir = env.dir.path();
    std::fs::write(
        dir.join("list.txt"),
        format!("{}\n{}\n", batch_url(32), batch_url(33)),
    )
    .unwrap();
    let run = || {
        let mut cmd = env.cmd();
        cmd.args(["--rate-limit", "0", "batch", "-P", "out", "list.txt"]);
        support::Run::text_of(&mut cmd).success()
    };
    let first = run();
    assert!(
        first.stderr.contains("2 done, 0 skipped, 0 failed; "),
        "{first}"
    );
    assert!(!first.stderr.contains("failed; 0 B in"), "{first}");
    let again = run();
    assert!(again.stderr.contains("already downloaded"), "{again}");
    assert!(
        again.stderr.contains("2 done, 0 skipped, 0 failed; 0 B in"),
        "{again}"
    );
}

/// `batch --info-only` prints each post's object byte for byte as `info --json` does (one
/// serializer: the same keys in the same order).
#[test]
fn batch_info_only_lines_are_info_json_lines() {
    let env = Env::new();
    let url = batch_url(34);
    let mut info = env.cmd();
    info.args(["info", "--json", &url]);
    let single = support::Run::text_of(&mut info).success();
    let mut batch = env.cmd();
    batch
        .args(["batch", "--info-only", "-"])
        .write_stdin(format!("{url}\n"));
    let listed = support::Run::text_of(&mut batch).success();
    assert!(single.stdout.starts_with('{'), "{single}");
    assert_eq!(listed.stdout, single.stdout);
}

/// `-j` (yt-dlp's `--dump-json`) prints the metadata of the posts taken and nothing for a post
/// `--match-filter` rejects; `--json` still gives it a `skipped` record.
#[test]
fn dump_json_prints_nothing_for_a_post_the_filter_rejects() {
    let env = Env::new();
    let (taken, rejected) = (batch_url(35), batch_url(36));
    let filter = format!("id!={}", rejected.rsplit('/').next().unwrap());
    let run = |flag: &str| {
        let mut cmd = env.cmd();
        cmd.args([
            "download",
            flag,
            "--match-filter",
            &filter,
            &taken,
            &rejected,
        ]);
        support::Run::text_of(&mut cmd).success()
    };
    let dumped = run("-j");
    let lines = ndjson(dumped.stdout.as_bytes());
    assert_eq!(lines.len(), 1, "{dumped}");
    assert_eq!(
        lines[0]["id"],
        taken.rsplit('/').next().unwrap(),
        "{dumped}"
    );
    let json = ndjson(run("--json").stdout.as_bytes());
    assert!(json.iter().any(|r| r["status"] == "skipped"), "{json:?}");
}
