//! `download` with what `batch` has: `-a/--batch-file`, `--download-archive`,
//! `--failed-file` (through the same loop and the same rules), and the pacing and hooks both
//! take: `--sleep-interval` / `--max-sleep-interval`, `--exec`.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::support::{Env, Run, batch_url, ndjson, stderr};

const GONE: &str = "https://www.tiktok.com/@gone/video/7000000000000010204";

fn archive_ids(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| l.strip_prefix("tiktok ").unwrap().to_owned())
        .collect()
}

fn id_of(n: u64) -> String {
    batch_url(n).rsplit('/').next().unwrap().to_owned()
}

#[test]
fn download_reads_a_batch_file_and_keeps_an_archive_and_a_failed_file_as_batch_does() {
    let env = Env::new();
    let list = env.dir.path().join("list.txt");
    std::fs::write(
        &list,
        format!("# mine\n{}\n\n{GONE}\n{}\n", batch_url(1), batch_url(2)),
    )
    .unwrap();
    let archive = env.dir.path().join("arch.txt");
    let failed = env.dir.path().join("failed.txt");
    let run = |extra: &[&str]| {
        let mut cmd = env.cmd();
        cmd.args(["--rate-limit", "0", "download", "--json", "-P", "out"])
            .arg("--download-archive")
            .arg(&archive)
            .arg("--failed-file")
            .arg(&failed)
            .args(extra);
        Run::json_of(&mut cmd)
    };
    let first = run(&["-a", list.to_str().unwrap(), &batch_url(3)]).code(1);
    // The list's lines first (comments and blank lines skipped), then the arguments, in order.
    let urls: Vec<&str> = first
        .lines
        .iter()
        .map(|l| l["url"].as_str().unwrap())
        .collect();
    assert_eq!(
        urls,
        [batch_url(1).as_str(), GONE, &batch_url(2), &batch_url(3)],
        "{first}"
    );
    let mut ids = archive_ids(&archive);
    ids.sort();
    assert_eq!(ids, [id_of(1), id_of(2), id_of(3)], "{first}");
    assert_eq!(
        std::fs::read_to_string(&failed).unwrap(),
        format!("{GONE}\n")
    );

    // Again: the archived posts are skipped without a page request; the failed file, given as
    // the list (retry in place), keeps the line that still fails.
    env.tiktok.clear_requests();
    let again = run(&["-a", failed.to_str().unwrap(), &batch_url(1)]).code(1);
    let statuses: Vec<&str> = again
        .lines
        .iter()
        .map(|l| l["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["failed", "skipped"], "{again}");
    assert_eq!(
        std::fs::read_to_string(&failed).unwrap(),
        format!("{GONE}\n")
    );
    assert_eq!(archive_ids(&archive).len(), 3);
}

#[test]
fn download_reads_its_batch_file_from_standard_input() {
    let env = Env::new();
    let out = env
        .cmd()
        .args([
            "--rate-limit",
            "0",
            "download",
            "--json",
            "-P",
            "out",
            "-a",
            "-",
        ])
        .write_stdin(format!("{}\n{}\n", batch_url(4), batch_url(5)))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let ids: Vec<String> = ndjson(&out.stdout)
        .iter()
        .map(|l| l["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, [id_of(4), id_of(5)]);
}

#[test]
fn download_refuses_what_batch_refuses_for_its_failed_file_and_list() {
    let env = Env::new();
    let target = env.dir.path().join("target.txt");
    std::fs::write(&target, "keep me\n").unwrap();
    let link = env.dir.path().join("link.txt");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let out = env
        .cmd()
        .args(["download", "-P", "out", "--failed-file"])
        .arg(&link)
        .arg(GONE)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me\n");

    // A folder as the list: exit 2 before any request, as for `batch`.
    let out = env
        .cmd()
        .args(["download", "-P", "out", "-a"])
        .arg(env.dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("is a folder"), "{}", stderr(&out));
    // The failed file may not be the archive, on `download` too.
    let same = env.dir.path().join("same.txt");
    let out = env
        .cmd()
        .args(["download", "-P", "out", "--download-archive"])
        .arg(&same)
        .arg("--failed-file")
        .arg(&same)
        .arg(GONE)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("name the same file"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn break_on_existing_needs_an_archive_from_the_flag_or_the_config_file() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["download", "--break-on-existing", GONE])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("needs --download-archive"),
        "{}",
        stderr(&out)
    );

    // With the archive in the config file, the flag is taken and the archived post skipped.
    let archive = env.dir.path().join("arch.txt");
    std::fs::write(&archive, format!("tiktok {}\n", id_of(6))).unwrap();
    let config = env.state.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[download]\ndownload_archive = {:?}\n",
            archive.to_str().unwrap()
        ),
    )
    .unwrap();
    let mut cmd = env.cmd_with_config(&config);
    cmd.args(["download", "--json", "--break-on-existing", &batch_url(6)]);
    let run = Run::json_of(&mut cmd).success();
    assert_eq!(run.result()["status"], "skipped", "{run}");
}

#[test]
fn download_keeps_a_profile_in_sync_with_break_on_existing_as_batch_does() {
    let env = Env::new();
    let archive = env.dir.path().join("arch.txt");
    let run = || {
        let mut cmd = env.cmd();
        cmd.args([
            "--rate-limit",
            "0",
            "download",
            "--json",
            "--jobs",
            "8",
            "-P",
            "out",
        ])
        .arg("--download-archive")
        .arg(&archive)
        .args(["--break-on-existing", "https://www.tiktok.com/@imitation45"])
        .timeout(Duration::from_secs(300));
        Run::json_of(&mut cmd).success()
    };
    let first = run();
    let saved = |r: &Run| {
        r.lines
            .iter()
            .filter(|l| l["status"] == "downloaded")
            .count()
    };
    assert_eq!(saved(&first), 45, "{first}");
    assert_eq!(archive_ids(&archive).len(), 45);
    // The run ended clean, so the next one stops at the newest post, after one list page.
    env.tiktok.clear_requests();
    let second = run();
    assert_eq!(saved(&second), 0, "{second}");
    let list_pages = env
        .tiktok
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/api/post/item_list/"))
        .count();
    assert_eq!(list_pages, 1, "{second}");
}

#[test]
fn sleep_interval_waits_between_posts_not_before_the_first() {
    let env = Env::new();
    let mut cmd = env.cmd();
    cmd.args([
        "-v",
        "--rate-limit",
        "0",
        "download",
        "--json",
        "--jobs",
        "1",
    ])
    .args([
        "-P",
        "out",
        "--sleep-interval",
        "0.01",
        "--max-sleep-interval",
        "0.02",
    ])
    .args([batch_url(7), batch_url(8), batch_url(9)]);
    let run = Run::json_of(&mut cmd).success();
    assert_eq!(run.lines.len(), 3);
    // Announced once per wait: before the second and the third post only.
    let sleeps = run.stderr.matches("sleeping ").count();
    assert_eq!(sleeps, 2, "{run}");
}

#[test]
fn a_maximum_sleep_without_a_minimum_or_below_it_is_a_usage_error() {
    let env = Env::new();
    for (args, says) in [
        (&["--max-sleep-interval", "2"][..], "needs --sleep-interval"),
        (
            &["--sleep-interval", "3", "--max-sleep-interval", "1"][..],
            "is below --sleep-interval",
        ),
    ] {
        let out = env
            .cmd()
            .arg("download")
            .args(args)
            .arg(batch_url(1))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains(says), "{}", stderr(&out));
        assert!(
            env.tiktok.requests().is_empty(),
            "no request before the check"
        );
    }
}

#[test]
fn ctrl_c_during_a_sleep_exits_130_at_once() {
    let env = Env::new();
    let stdout = env.dir.path().join("stdout.ndjson");
    let mut child = env
        .std_cmd()
        .args([
            "--rate-limit",
            "0",
            "download",
            "--json",
            "--jobs",
            "1",
            "-P",
            "out",
        ])
        .args(["--sleep-interval", "600"])
        .args([batch_url(10), batch_url(11)])
        .stdout(std::fs::File::create(&stdout).unwrap())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The first post is saved (its line printed): the run now sleeps 600 s.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !std::fs::read_to_string(&stdout)
        .unwrap_or_default()
        .ends_with('\n')
    {
        assert!(Instant::now() < deadline, "the first post never finished");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    // SAFETY: a signal to the child this test started.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("tikdl kept sleeping after SIGINT");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(130));
    assert_eq!(ndjson(&std::fs::read(&stdout).unwrap()).len(), 1);
}

fn strings_url(n: u64) -> String {
    format!(
        "https://www.tiktok.com/@u/video/{}",
        tiktok_imitation::STRINGS_BASE + n
    )
}

#[test]
fn exec_gets_the_saved_file_and_fields_as_literal_text() {
    let env = Env::new();
    let mut cmd = env.cmd();
    cmd.args([
        "--rate-limit",
        "0",
        "download",
        "-P",
        "out",
        "-o",
        "%(id)s.%(ext)s",
    ])
    .args(["--exec", "printf '%%s\\n' %(description)s >> desc.log"])
    .args(["--exec", "printf '%s\\n' >> paths.log"])
    .args(["--exec", "test -s {} && echo {} >> brace.log"])
    .arg(strings_url(8));
    let run = Run::text_of(&mut cmd).success();
    let dir = env.dir.path();
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap_or_default();
    // The caption arrives as one word of text: none of its commands ran.
    assert_eq!(
        read("desc.log"),
        format!("{}\n", tiktok_imitation::SHELL_DESC),
        "{run}"
    );
    assert!(
        !dir.join("PWNED").exists(),
        "a caption ran as a command{run}"
    );
    // A relative path is handed as `./...`, so it never reads as an option.
    let file = format!("./out/{}.mp4", tiktok_imitation::STRINGS_BASE + 8);
    // No placeholder: the path is appended; `{}` is replaced.
    assert_eq!(read("paths.log"), format!("{file}\n"));
    assert_eq!(read("brace.log"), format!("{file}\n"));
}

#[test]
fn a_failing_exec_fails_its_post_and_the_post_stays_saved_but_unarchived() {
    let env = Env::new();
    let archive = env.dir.path().join("arch.txt");
    let run = |cmds: &[&str]| {
        let mut cmd = env.cmd();
        cmd.args([
            "--rate-limit",
            "0",
            "download",
            "-P",
            "out",
            "-o",
            "%(id)s.%(ext)s",
        ])
        .arg("--download-archive")
        .arg(&archive);
        for c in cmds {
            cmd.args(["--exec", c]);
        }
        cmd.arg(batch_url(12));
        Run::text_of(&mut cmd)
    };
    let failing = run(&["exit 3", "test -s {} && echo ran >> after.log"]).code(1);
    assert!(
        failing.stderr.contains("--exec exit 3") && failing.stderr.contains("status 3"),
        "{failing}"
    );
    assert!(failing.stderr.contains("not archived"), "{failing}");
    assert!(
        env.dir
            .path()
            .join(format!("out/{}.mp4", id_of(12)))
            .is_file()
    );
    // The next command still runs; the post is not archived (as in yt-dlp), so the next run
    // runs the commands again, and archives it once they succeed.
    assert!(env.dir.path().join("after.log").is_file());
    assert!(archive_ids(&archive).is_empty(), "{failing}");
    run(&["test -s {} && echo again >> after.log"]).success();
    assert_eq!(archive_ids(&archive), [id_of(12)]);
    let log = std::fs::read_to_string(env.dir.path().join("after.log")).unwrap();
    assert_eq!(log, "ran\nagain\n");

    // Not run under --json (yt-dlp's -j only simulates).
    let mut cmd = env.cmd();
    cmd.args(["--rate-limit", "0", "download", "--json", "-P", "out"])
        .args(["--exec", "touch json-ran"])
        .arg(batch_url(13));
    Run::json_of(&mut cmd).ok();
    assert!(!env.dir.path().join("json-ran").exists());
}

/// A post whose command failed is a failed post: counted so in the summary, its line in
/// `--failed-file` (the retry-in-place list keeps it), its error shown even under `-q`.
#[test]
fn a_failing_exec_is_a_failed_post_in_the_summary_and_the_failed_file() {
    let env = Env::new();
    let list = env.dir.path().join("list.txt");
    let archive = env.dir.path().join("arch.txt");
    std::fs::write(&list, format!("{}\n{}\n", batch_url(16), batch_url(17))).unwrap();
    let failing = format!("test %(id)s != {}", id_of(17));
    let run = |extra: &[&str], exec: &str| {
        let mut cmd = env.cmd();
        cmd.args(["--rate-limit", "0", "batch"])
            .args(extra)
            .args(["-P", "out", "-o", "%(id)s.%(ext)s"])
            .arg("--download-archive")
            .arg(&archive)
            .arg("--failed-file")
            .arg(&list)
            .args(["--exec", exec])
            .arg(&list);
        Run::text_of(&mut cmd)
    };
    let first = run(&[], &failing).code(1);
    assert!(
        first.stderr.contains("1 done, 0 skipped, 1 failed"),
        "{first}"
    );
    assert!(
        first.stderr.contains("the command after saving failed"),
        "{first}"
    );
    assert_eq!(
        std::fs::read_to_string(&list).unwrap(),
        format!("{}\n", batch_url(17)),
        "{first}"
    );
    assert_eq!(archive_ids(&archive), [id_of(16)]);
    assert!(
        env.dir
            .path()
            .join(format!("out/{}.mp4", id_of(17)))
            .is_file()
    );
    // Under -q the error is still told.
    let quiet = run(&["-q"], "false").code(1);
    assert!(quiet.stderr.contains("--exec false"), "{quiet}");
    assert_eq!(
        std::fs::read_to_string(&list).unwrap(),
        format!("{}\n", batch_url(17))
    );
    // The retry runs the command again and archives the post.
    run(&[], "true").success();
    assert_eq!(archive_ids(&archive), [id_of(16), id_of(17)]);
    assert_eq!(std::fs::read_to_string(&list).unwrap(), "");
}

#[test]
fn batch_runs_exec_after_each_saved_post_one_at_a_time() {
    let env = Env::new();
    let list = env.dir.path().join("list.txt");
    std::fs::write(
        &list,
        format!("{}\n{}\n{}\n", batch_url(14), batch_url(15), GONE),
    )
    .unwrap();
    let mut cmd = env.cmd();
    cmd.args(["--rate-limit", "0", "batch", "--jobs", "3", "-P", "out"])
        .args(["--exec", "echo %(id)s >> ids.log"])
        .arg(&list);
    Run::text_of(&mut cmd).code(1);
    let log = std::fs::read_to_string(env.dir.path().join("ids.log")).unwrap();
    let mut ids: Vec<&str> = log.lines().collect();
    ids.sort();
    assert_eq!(ids, [id_of(14), id_of(15)]);
}
