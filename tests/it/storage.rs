//! Storage and download-engine trust: resumes, concurrent writers, size bounds, symlinks and
//! special files, local write failures, files tikdl owns: each test does what a hostile server or
//! disk would, against the imitation's hostile storage posts (`imitation/src/families/hostile_storage.rs`)
//! or the desktop post with faults, and checks what a user sees.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::*;
use serde_json::Value;
use tiktok_imitation::{STORAGE_BASE, storage_media_bytes};

const BEST: &str = "adapt_lowest_1080_1";
const P720: &str = "adapt_lower_720_1";
const BY_ID: &str = "%(id)s.%(ext)s";

fn hostile_url(n: u64) -> String {
    format!("https://www.tiktok.com/@u/video/{}", STORAGE_BASE + n)
}

/// `tikdl` as a plain process (for `ulimit` and for two at once), set up like `Env::cmd`.
fn tikdl(env: &Env, fsize_blocks: Option<u64>) -> Command {
    match fsize_blocks {
        Some(n) => env.std_cmd_in_shell(&format!("ulimit -f {n} && exec \"$0\" \"$@\"")),
        None => env.std_cmd(),
    }
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

// ---------------------------------------------------------------------------------------------
// a `.part` is resumed only by the rendition that wrote it
// ---------------------------------------------------------------------------------------------

#[test]
fn part_of_other_rendition_restarts_within_a_run() {
    // 1080p sends half then answers 403 to Range; the fallback 720p must not append to its part.
    let env = Env::new();
    let out = env.dir.path().join("d1");
    let run = download_within(
        &env,
        &[
            "--retries",
            "1",
            "-f",
            "1080p",
            "-P",
            s(&out),
            "-o",
            BY_ID,
            &hostile_url(1),
        ],
        Duration::from_secs(60),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = run.result();
    assert_eq!(r["format_id"], P720, "{r}");
    let file = out.join(format!("{}.mp4", STORAGE_BASE + 1));
    assert_bytes(&file, &storage_media_bytes("range"));
    assert_eq!(
        names_in(&out),
        vec![format!("{}.mp4", STORAGE_BASE + 1)],
        "no part or record left"
    );
}

#[test]
fn part_of_other_rendition_restarts_across_runs() {
    // Run 1 (1080p) stops at the file size limit and leaves a 1 MiB `.part`; run 2 asks for 720p.
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    let args = ["download", "--json", "-o", BY_ID];
    let first = tikdl(&env, Some(2048))
        .args(args)
        .args(["-f", "1080p", DESKTOP_URL])
        .output()
        .expect("run tikdl");
    assert_ne!(first.status.code(), Some(0), "run 1 must fail at the limit");
    let part = env.dir.path().join(format!("{DESKTOP_ID}.mp4.part"));
    let left = std::fs::metadata(&part).expect("run 1 left a .part").len();
    assert!(left > 0, "run 1 left an empty .part");

    let second = Run::of(
        tikdl(&env, None)
            .args(args)
            .args(["-f", "720p", DESKTOP_URL])
            .output()
            .expect("run tikdl"),
    );
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(second.result()["format_id"], P720);
    let file = env.dir.path().join(format!("{DESKTOP_ID}.mp4"));
    assert_bytes(&file, &env.tiktok.media_bytes(&format_url(&info, P720)));
    assert!(!part.exists(), "the .part was renamed or removed");
}

// ---------------------------------------------------------------------------------------------
// two tikdl processes on one destination
// ---------------------------------------------------------------------------------------------

#[test]
fn two_processes_one_destination_one_correct_file() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    let args = [
        "download",
        "--json",
        "--limit-rate",
        "3M",
        "-f",
        "1080p",
        "-o",
        "x.mp4",
        DESKTOP_URL,
    ];
    let spawn = || {
        tikdl(&env, None)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn tikdl")
    };
    let a = spawn();
    let part = env.dir.path().join("x.mp4.part");
    let started = Instant::now();
    while std::fs::metadata(&part).map_or(0, |m| m.len()) == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "A never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let b = spawn();
    let a = Run::of(a.wait_with_output().expect("wait A"));
    let b = Run::of(b.wait_with_output().expect("wait B"));
    assert_eq!(a.code, 0, "A: {}", a.stderr);
    assert_eq!(b.code, 0, "B: {}", b.stderr);
    assert!(
        b.stderr.contains("being downloaded by another tikdl"),
        "B says why it waits: {}",
        b.stderr
    );
    assert_eq!(b.result()["status"], "already_downloaded", "{:?}", b.lines);
    assert_eq!(b.result()["format_id"], BEST);
    assert_bytes(
        &env.dir.path().join("x.mp4"),
        &env.tiktok.media_bytes(&format_url(&info, BEST)),
    );
    assert!(!part.exists());
    assert!(!env.dir.path().join("x.mp4.part.meta").exists());
}

#[test]
fn races_and_kills_never_leave_a_corrupt_file() {
    // Rounds of two processes on one destination, started a few milliseconds apart; in odd
    // rounds one of them is killed (SIGKILL) mid-way and a third run finishes the job. Every
    // round must end with exactly the served bytes under the final name.
    let env = Env::new();
    let mut corrupt = 0;
    for round in 0..4u64 {
        // Benchmark posts: one 2 MiB rendition (7900000000000000000 + size in MiB).
        let url = "https://www.tiktok.com/@bench/video/7900000000000000002";
        let info = env.info_json(url);
        let want = env
            .tiktok
            .media_bytes(info["formats"][0]["url"].as_str().unwrap());
        let name = format!("race{round}.mp4");
        let args = ["download", "--json", "--limit-rate", "1M", "-o", &name, url];
        let spawn = || {
            tikdl(&env, None)
                .args(args)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn tikdl")
        };
        let a = spawn();
        std::thread::sleep(Duration::from_millis(300 + 50 * round));
        let mut b = spawn();
        if round % 2 == 1 {
            std::thread::sleep(Duration::from_millis(500));
            let _ = b.kill();
        }
        let a = Run::of(a.wait_with_output().expect("wait A"));
        let b = b.wait_with_output().expect("wait B");
        assert_eq!(a.code, 0, "round {round} A: {}", a.stderr);
        if round % 2 == 0 {
            assert_eq!(b.status.code(), Some(0), "round {round} B");
        }
        let again = Run::of(
            tikdl(&env, None)
                .args(&args[..2])
                .args(&args[4..])
                .output()
                .expect("run tikdl"),
        );
        assert_eq!(again.code, 0, "round {round} rerun: {}", again.stderr);
        let got = std::fs::read(env.dir.path().join(&name)).expect("final file");
        if got != want {
            corrupt += 1;
        }
    }
    assert_eq!(corrupt, 0, "corrupt final files");
}

// ---------------------------------------------------------------------------------------------
// no byte beyond the announced size
// ---------------------------------------------------------------------------------------------

#[test]
fn endless_media_stops_at_the_announced_size() {
    let env = Env::new();
    let out = env.dir.path().join("d3");
    let run = download_within(
        &env,
        &[
            "--retries",
            "0",
            "-P",
            s(&out),
            "-o",
            BY_ID,
            &hostile_url(2),
        ],
        Duration::from_secs(30),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let err = &run.result()["error"];
    assert!(
        err["message"]
            .as_str()
            .unwrap_or("")
            .contains("more than the 200000 bytes TikTok announced"),
        "{err}"
    );
    // The CDN misbehaved; the network is fine, so the hint must not send the user there.
    assert_eq!(err["code"], "bad_media", "{err}");
    assert!(!run.stderr.contains("check your network"), "{}", run.stderr);
    for name in names_in(&out) {
        let len = std::fs::metadata(out.join(&name)).unwrap().len();
        assert!(len <= 200_000, "{name}: {len} bytes written");
    }
}

#[test]
fn endless_subtitle_of_unknown_size_stops_at_its_cap() {
    // Nobody announces a subtitle's size: the subtitle cap (10 MiB) applies, and the post, whose
    // video is saved, succeeds with the subtitle listed as failed.
    let env = Env::new();
    let out = env.dir.path().join("d3sub");
    let run = download_within(
        &env,
        &[
            "--retries",
            "0",
            "--write-subs",
            "-P",
            s(&out),
            "-o",
            BY_ID,
            &hostile_url(5),
        ],
        Duration::from_secs(60),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = run.result();
    let failed = r["sidecars_failed"].as_array().expect("sidecars_failed");
    assert_eq!(failed.len(), 1, "{r}");
    assert_eq!(failed[0]["kind"], "subtitle");
    assert!(
        failed[0]["error"]
            .as_str()
            .unwrap()
            .contains("more than the 10485760-byte limit for a subtitle file"),
        "{failed:?}"
    );
    for name in names_in(&out) {
        let len = std::fs::metadata(out.join(&name)).unwrap().len();
        assert!(len <= 10 << 20, "{name}: {len} bytes written");
    }
    assert_bytes(
        &out.join(format!("{}.mp4", STORAGE_BASE + 5)),
        &storage_media_bytes("range"),
    );
}

// ---------------------------------------------------------------------------------------------
// a trickling sender is abandoned
// ---------------------------------------------------------------------------------------------

#[test]
fn trickling_media_is_abandoned_as_too_slow() {
    let env = Env::new();
    let out = env.dir.path().join("w2");
    let run = download_within(
        &env,
        &[
            "--retries",
            "0",
            "--low-speed-limit",
            "1000",
            "--low-speed-time",
            "1",
            "-P",
            s(&out),
            "-o",
            BY_ID,
            &hostile_url(3),
        ],
        Duration::from_secs(40),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let msg = run.result()["error"]["message"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    assert!(msg.contains("too slow"), "{msg}");
    assert!(msg.contains("--low-speed-limit"), "{msg}");
}

// ---------------------------------------------------------------------------------------------
// local write failures stop the post at once, with a clear message
// ---------------------------------------------------------------------------------------------

#[test]
fn file_size_limit_stops_the_post_at_once() {
    // `ulimit -f 1024` (512 KiB): tikdl ignores SIGXFSZ, so the write fails with EFBIG.
    let env = Env::new();
    env.tiktok.clear_requests();
    let run = Run::of(
        tikdl(&env, Some(1024))
            .args(["download", "--json", "-o", BY_ID, DESKTOP_URL])
            .output()
            .expect("run tikdl"),
    );
    assert_eq!(run.code, 1, "not killed by SIGXFSZ: {}", run.stderr);
    let err = &run.result()["error"];
    assert_eq!(err["kind"], "local", "{err}");
    assert_eq!(err["code"], "file_too_large", "{err}");
    assert!(run.stderr.contains("file size limit"), "{}", run.stderr);
    assert_eq!(
        media_requests(&env).len(),
        1,
        "no other mirror or rendition after a local failure: {}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("trying the next"),
        "no fallback: {}",
        run.stderr
    );
}

#[test]
fn file_where_a_folder_must_be_stops_the_post() {
    let env = Env::new();
    std::fs::write(env.dir.path().join("afile"), b"keep me").unwrap();
    env.tiktok.clear_requests();
    let run = download_within(
        &env,
        &["-o", "afile/%(id)s.%(ext)s", DESKTOP_URL],
        Duration::from_secs(60),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let err = &run.result()["error"];
    assert_eq!(err["code"], "not_a_folder", "{err}");
    assert!(run.stderr.contains("not a folder"), "{}", run.stderr);
    assert_eq!(media_requests(&env).len(), 0);
    assert_eq!(
        std::fs::read(env.dir.path().join("afile")).unwrap(),
        b"keep me"
    );
}

#[test]
fn output_folder_that_is_a_file_is_not_a_folder() {
    let env = Env::new();
    std::fs::write(env.dir.path().join("afile"), b"keep me").unwrap();
    for p in ["afile", "afile/sub"] {
        let out = env
            .cmd()
            .args(["download", "-P", p, DESKTOP_URL])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "-P {p}: {err}");
        assert!(err.contains("not a folder"), "-P {p}: {err}");
    }
}

#[test]
fn read_only_folder_same_exit_code_for_it_and_below_it() {
    if is_root() {
        eprintln!(
            "skipped: running as root, which writes into a read-only (chmod 555) folder anyway"
        );
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    let ro = env.dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    let mut codes = Vec::new();
    for p in [ro.clone(), ro.join("sub")] {
        let out = env
            .cmd()
            .args(["download", "-P", s(&p), DESKTOP_URL])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(err.contains("permission denied"), "{}: {err}", p.display());
        codes.push(out.status.code());
    }
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(codes[0], codes[1], "one exit code for one problem");
    assert_eq!(codes[0], Some(2));
}

// ---------------------------------------------------------------------------------------------
// sidecars never write through a symlink
// ---------------------------------------------------------------------------------------------

#[test]
fn info_json_through_a_symlinked_part_is_refused() {
    let env = Env::new();
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.txt");
    std::fs::write(&victim, b"precious").unwrap();
    // The temporary name is the process's own (never `.part`): a link at the final name is
    // what could be written through.
    {
        let name = format!("{DESKTOP_ID}.info.json");
        let link = env.dir.path().join(&name);
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        let run = download_within(
            &env,
            &["--write-info-json", "-o", BY_ID, DESKTOP_URL],
            Duration::from_secs(60),
        );
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious", "{name}");
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink(),
            "{name}: the link itself is left alone"
        );
        assert!(
            run.stderr
                .contains("symbolic link; refusing to write through it"),
            "{name}: {}",
            run.stderr
        );
        let failed = &run.result()["sidecars_failed"];
        assert_eq!(failed[0]["kind"], "info_json", "{failed}");
        std::fs::remove_file(&link).unwrap();
    }
}

#[test]
fn media_part_record_symlink_is_refused() {
    let env = Env::new();
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.txt");
    std::fs::write(&victim, b"precious").unwrap();
    let link = env.dir.path().join(format!("{DESKTOP_ID}.mp4.part.meta"));
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    let run = download_within(&env, &["-o", BY_ID, DESKTOP_URL], Duration::from_secs(60));
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
}

// ---------------------------------------------------------------------------------------------
// absolute output templates
// ---------------------------------------------------------------------------------------------

#[test]
fn absolute_template_is_honoured() {
    let env = Env::new();
    let abs = tempfile::tempdir().unwrap();
    let base = env.dir.path().join("base");
    let template = format!("{}/x/%(id)s.%(ext)s", s(abs.path()));
    let run = download_within(
        &env,
        &["-P", s(&base), "-o", &template, DESKTOP_URL],
        Duration::from_secs(60),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let want = abs.path().join("x").join(format!("{DESKTOP_ID}.mp4"));
    assert!(want.is_file(), "{}: {:?}", want.display(), run.lines);
    assert!(names_in(&base).is_empty(), "-P not prefixed");

    // A folder made from a field (not typed by the user) that is a symlink leading out of the
    // named folder is still refused.
    let uploader = env.info_json(DESKTOP_URL)["uploader"]
        .as_str()
        .unwrap()
        .to_owned();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), abs.path().join(&uploader)).unwrap();
    let template = format!("{}/%(uploader)s/%(id)s.%(ext)s", s(abs.path()));
    let run = download_within(
        &env,
        &["-o", &template, DESKTOP_URL],
        Duration::from_secs(60),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("outside"), "{}", run.stderr);
    assert!(names_in(outside.path()).is_empty());
}

// ---------------------------------------------------------------------------------------------
// a failed sidecar does not fail a saved post
// ---------------------------------------------------------------------------------------------

#[test]
fn thumbnail_404_does_not_fail_a_saved_post() {
    let env = Env::new();
    let url = hostile_url(4);
    let list = env.dir.path().join("urls.txt");
    std::fs::write(&list, format!("{url}\n")).unwrap();
    let archive = env.dir.path().join("archive.txt");
    let out = env
        .cmd()
        .args(["batch", "--json", "--write-thumbnail", "-o", BY_ID])
        .arg("--download-archive")
        .arg(&archive)
        .arg(&list)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let run = Run::of(out);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = run.result();
    assert_eq!(r["status"], "downloaded", "{r}");
    let failed = r["sidecars_failed"].as_array().expect("sidecars_failed");
    assert_eq!(failed.len(), 1, "{r}");
    assert_eq!(failed[0]["kind"], "thumbnail");
    assert!(
        failed[0]["error"].as_str().unwrap().contains("404"),
        "{failed:?}"
    );
    assert!(run.stderr.contains("thumbnail not saved"), "{}", run.stderr);
    assert!(!run.stderr.contains("retry later"), "{}", run.stderr);
    assert_bytes(
        &env.dir.path().join(format!("{}.mp4", STORAGE_BASE + 4)),
        &storage_media_bytes("range"),
    );
    let archived = std::fs::read_to_string(&archive).unwrap_or_default();
    assert!(
        archived.contains(&(STORAGE_BASE + 4).to_string()),
        "archived: {archived:?}"
    );
}

/// A complete 1080p file is never replaced by a run that asks for 720p (no --force-overwrites):
/// it is this post's own file, so the post counts as already downloaded.
#[test]
fn complete_file_is_not_replaced_by_another_rendition() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    let out = env.dir.path().join("keep");
    let first = download_within(
        &env,
        &["-P", s(&out), "-o", "x.mp4", DESKTOP_URL],
        Duration::from_secs(60),
    );
    assert_eq!(first.code, 0, "{}", first.stderr);
    let best = env.tiktok.media_bytes(&format_url(&info, BEST));
    assert_bytes(&out.join("x.mp4"), &best);
    let second = download_within(
        &env,
        &["-f", "720p", "-P", s(&out), "-o", "x.mp4", DESKTOP_URL],
        Duration::from_secs(60),
    );
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(
        second.result()["status"],
        "already_downloaded",
        "{}",
        second.stderr
    );
    assert_bytes(&out.join("x.mp4"), &best);
}

/// Three posts whose names render the same, one after another: the first is saved, the other
/// two fail (and so are not archived) instead of overwriting it and counting as done.
#[test]
fn template_collision_fails_the_later_posts_instead_of_overwriting() {
    let env = Env::new();
    let ids = [
        7300000000000102001u64,
        7300000000000102002,
        7300000000000102003,
    ];
    let list = env.dir.path().join("l.txt");
    let urls: Vec<String> = ids
        .iter()
        .map(|id| format!("https://www.tiktok.com/@same/video/{id}"))
        .collect();
    std::fs::write(&list, urls.join("\n")).unwrap();
    let out = env
        .cmd()
        .args(["batch", "--jobs", "1", "-o", "same.%(ext)s", "-P", "o"])
        .args(["--no-audio", "--download-archive", "a.txt"])
        .arg(&list)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let archive = std::fs::read_to_string(env.dir.path().join("a.txt")).unwrap_or_default();
    assert_eq!(
        archive.lines().count(),
        1,
        "only the saved post is archived: {archive}"
    );
    let saved = std::fs::read(env.dir.path().join("o/same.mp4")).unwrap();
    let first: Value = env.info_json(&urls[0]);
    let is_first_posts = first["formats"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| env.tiktok.media_bytes(f["url"].as_str().unwrap()) == saved);
    assert!(
        is_first_posts,
        "same.mp4 is not one of the first post's renditions"
    );
}

/// A FIFO planted where tikdl writes (`.part`, `.part.meta`, an info JSON) never blocks the
/// run: it is refused as "not a regular file", or (an unrecorded `.part`) removed and the
/// download started over, which then gives the right bytes.
#[test]
fn fifo_at_a_working_file_is_refused_without_hanging() {
    for name in ["x.mp4.part.meta", "x.mp4.part", "x.info.json"] {
        let env = Env::new();
        let info = env.info_json(DESKTOP_URL);
        let out = env.dir.path().join("fifo");
        std::fs::create_dir_all(&out).unwrap();
        let status = Command::new("mkfifo").arg(out.join(name)).status().unwrap();
        assert!(status.success());
        // A hang would hit this limit and fail the test.
        let run = download_within(
            &env,
            &[
                "--write-info-json",
                "-P",
                s(&out),
                "-o",
                "x.%(ext)s",
                DESKTOP_URL,
            ],
            Duration::from_secs(30),
        );
        let text = format!("{:?}\n{}", run.lines, run.stderr);
        let still_fifo =
            std::fs::symlink_metadata(out.join(name)).is_ok_and(|m| m.file_type().is_fifo_like());
        if still_fifo {
            assert!(text.contains("not a regular file"), "{name}: {text}");
        } else {
            assert_eq!(run.code, 0, "{name}: {text}");
            assert_bytes(
                &out.join("x.mp4"),
                &env.tiktok.media_bytes(&format_url(&info, BEST)),
            );
        }
    }
}

trait FifoLike {
    fn is_fifo_like(&self) -> bool;
}

impl FifoLike for std::fs::FileType {
    fn is_fifo_like(&self) -> bool {
        use std::os::unix::fs::FileTypeExt;
        self.is_fifo()
    }
}

// ---------------------------------------------------------------------------------------------
// Files tikdl owns: written one way, never through what a name leads to

#[test]
fn failed_file_onto_stderr_appended_to_a_log_keeps_the_log() {
    let env = Env::new();
    std::fs::write(env.dir.path().join("batch.log"), "precious log line\n").unwrap();
    std::fs::write(env.dir.path().join("l.txt"), "bad-url\n").unwrap();
    shell(
        &env,
        r#""$0" "$@" batch --info-only --failed-file /dev/stderr l.txt 2>>batch.log; echo "rc=$?""#,
        Duration::from_secs(30),
    );
    let log = std::fs::read_to_string(env.dir.path().join("batch.log")).unwrap();
    assert!(log.starts_with("precious log line\n"), "{log}");
    assert!(
        log.lines().any(|l| l == "bad-url"),
        "the failed line is in the log: {log}"
    );
    assert!(
        log.contains("error: "),
        "tikdl's own messages stay too: {log}"
    );
}

#[test]
fn failed_file_that_is_a_fifo_is_written_in_place_without_hanging() {
    let env = Env::new();
    std::fs::write(env.dir.path().join("l.txt"), "bad-url\n").unwrap();
    let fifo = env.dir.path().join("fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    // With a reader: the line reaches it.
    let (out, err) = shell(
        &env,
        r#"timeout 20 cat fifo > got & "$0" "$@" batch --info-only --failed-file fifo l.txt; echo "rc=$?"; wait"#,
        Duration::from_secs(40),
    );
    use std::os::unix::fs::FileTypeExt;
    let is_fifo = || {
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    };
    assert!(is_fifo(), "the FIFO is still a FIFO: {out} {err}");
    let got = std::fs::read_to_string(env.dir.path().join("got")).unwrap();
    assert_eq!(got, "bad-url\n", "{out} {err}");
    assert!(out.contains("rc=1"), "{out} {err}");
    // Without a reader: refused within a moment (never a hang), the FIFO left alone.
    let (out, err) = shell(
        &env,
        r#""$0" "$@" batch --info-only --failed-file fifo l.txt; echo "rc=$?""#,
        Duration::from_secs(20),
    );
    assert!(out.contains("rc=2"), "{out} {err}");
    assert!(err.contains("FIFO"), "{err}");
    assert!(is_fifo());
}

#[test]
fn failed_file_onto_a_process_substitution_reaches_its_reader() {
    let env = Env::new();
    std::fs::write(env.dir.path().join("l.txt"), "bad-url\n").unwrap();
    if !Command::new("bash")
        .arg("-c")
        .arg("true")
        .status()
        .is_ok_and(|s| s.success())
    {
        eprintln!("skipped: no bash for >(...)");
        return;
    }
    let mut cmd = env.std_cmd_in_shell(
        r#"exec bash -c '"$0" "$@" batch --info-only --failed-file >(cat > got) l.txt; sleep 0.5' "$0" "$@""#,
    );
    let out = cmd.stdin(Stdio::null()).output().unwrap();
    let got = std::fs::read_to_string(env.dir.path().join("got")).unwrap_or_default();
    assert_eq!(got, "bad-url\n", "{}", stderr(&out));
}

#[test]
fn a_symlinked_failed_file_is_not_followed() {
    let env = Env::new();
    let target = env.dir.path().join("mine.txt");
    std::fs::write(&target, "precious\n").unwrap();
    let link = env.dir.path().join("failed.txt");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    std::fs::write(env.dir.path().join("l.txt"), "bad-url\n").unwrap();
    let out = env
        .cmd()
        .args(["batch", "--info-only", "--failed-file"])
        .arg(&link)
        .arg("l.txt")
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("symbolic link"), "{err}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious\n");
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
}

/// As root, in a private mount namespace with its own `/dev` (the host's `/dev/null` is never
/// touched): `--failed-file /dev/null` leaves the device a device.
#[test]
fn failed_file_onto_dev_null_leaves_the_device() {
    let env = Env::new();
    std::fs::write(env.dir.path().join("l.txt"), "bad-url\n").unwrap();
    let probe = Command::new("unshare")
        .args([
            "-m",
            "sh",
            "-c",
            "mount -t tmpfs none /dev && mknod -m 666 /dev/null c 1 3",
        ])
        .status();
    if !probe.is_ok_and(|s| s.success()) {
        eprintln!("skipped: no private mount namespace here (needs root and unshare -m)");
        return;
    }
    let cmd = env.std_cmd_in_shell(
        r#"mount -t tmpfs none /dev && mknod -m 666 /dev/null c 1 3 &&
           { "$0" "$@" batch --info-only --failed-file /dev/null l.txt; echo "rc=$?";
             stat -c %F /dev/null; }"#,
    );
    // The same script, run by `unshare -m sh -c SCRIPT tikdl ARGS...`.
    let args: Vec<std::ffi::OsString> = cmd.get_args().map(ToOwned::to_owned).collect();
    let out = Command::new("unshare")
        .arg("-m")
        .arg("sh")
        .args(&args)
        .current_dir(env.dir.path())
        .envs(cmd.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("rc=1"), "{text} {}", stderr(&out));
    assert!(text.contains("character special file"), "{text}");
}

const CHANGING_POSTS: u64 = 30;

#[test]
fn concurrent_writers_of_one_info_json_never_leave_invalid_json() {
    let env = Env::new();
    let list: String = (1..=CHANGING_POSTS)
        .map(|n| {
            format!(
                "https://www.tiktok.com/@imitation/video/{}\n",
                tiktok_imitation::CHANGING_BASE + n
            )
        })
        .collect();
    std::fs::write(env.dir.path().join("l.txt"), list).unwrap();
    let (out, err) = shell(
        &env,
        r#"for k in 1 2 3 4; do "$0" "$@" --no-cache --rate-limit 0 batch --jobs 8 \
             --write-info-json -o '%(id)s.%(ext)s' -P out l.txt 2>"err$k" & done; wait;
           cat err1 err2 err3 err4 >&2"#,
        Duration::from_secs(120),
    );
    let mut checked = 0;
    for f in std::fs::read_dir(env.dir.path().join("out")).unwrap() {
        let f = f.unwrap().path();
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        assert!(!name.ends_with(".tmp"), "a temporary file is left: {name}");
        if name.ends_with(".info.json") {
            let body = std::fs::read(&f).unwrap();
            let v: Result<Value, _> = serde_json::from_slice(&body);
            assert!(v.is_ok(), "{name} is not valid JSON: {v:?}");
            checked += 1;
        }
    }
    assert_eq!(checked, CHANGING_POSTS, "{out} {err}");
    assert!(!err.contains("info JSON not saved"), "{err}");
}

#[test]
fn two_break_on_existing_batches_on_one_archive_warn_no_io_error() {
    let env = Env::new();
    let list = "https://www.tiktok.com/@imitation45\n\
        https://www.tiktok.com/@recipe.pocket/collection/%E6%96%99%E7%90%86-7400000000000000033\n";
    std::fs::write(env.dir.path().join("l.txt"), list).unwrap();
    let run = r#""$0" "$@" --rate-limit 0 batch --quiet --jobs 8 -P out --download-archive arch.txt \
        --break-on-existing --break-per-input l.txt"#;
    // A first clean run marks both lists in sync; then rounds of four at once.
    let (_, first) = shell(&env, run, Duration::from_secs(120));
    assert!(!first.contains("warning"), "{first}");
    let racing = format!(
        "for r in 1 2 3 4 5; do for k in 1 2 3 4; do {run} 2>>errs & done; wait; done; cat errs >&2"
    );
    let (_, err) = shell(&env, &racing, Duration::from_secs(120));
    assert!(!err.contains("sync"), "{err}");
    assert!(!err.contains("input/output error"), "{err}");
    let sync = std::fs::read_to_string(env.dir.path().join("arch.txt.sync")).unwrap();
    // Nothing new was archived by the racing runs, so the marks still hold, at that size.
    assert!(sync.starts_with("size "), "{sync}");
    assert_eq!(
        sync.lines().filter(|l| !l.starts_with("size ")).count(),
        2,
        "both lists end in sync: {sync}"
    );
}

#[test]
fn too_few_open_files_is_named_as_such() {
    // Limits below what the runtime needs, around what one download needs, and enough: each run
    // ends (no wait on a file that cannot be opened), and a failure says why. How many files
    // the test harness leaks into the child varies, so the outcome of each limit may too.
    for limit in [6, 12, 16, 18, 20, 24, 64] {
        let env = Env::new();
        let (_, err) = shell(
            &env,
            &format!(
                r#"ulimit -n {limit} && exec "$0" "$@" download -o '%(id)s.%(ext)s' {DESKTOP_URL}"#
            ),
            Duration::from_secs(60),
        );
        assert!(!err.contains("panicked"), "limit {limit}: {err}");
        assert!(!err.contains("check the disk"), "limit {limit}: {err}");
        if err.contains("error") {
            assert!(err.contains("too many open files"), "limit {limit}: {err}");
        }
        if limit <= 12 {
            assert!(err.contains("ulimit -n"), "limit {limit}: {err}");
        }
    }
}

#[test]
fn a_folder_name_too_long_is_named_as_such() {
    let env = Env::new();
    let long = env.dir.path().join("d".repeat(5000));
    let out = env
        .cmd()
        .args(["download", "-o", BY_ID, "-P"])
        .arg(&long)
        .arg(DESKTOP_URL)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(err.contains("name too long"), "{err}");
    assert!(!err.contains("check the disk"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// a path swapped while a download runs
// ---------------------------------------------------------------------------------------------

/// Starts a `--json` download of the desktop post's best video into `out` with template
/// `template`, stalled for three seconds after 3 MB, and returns it once its `.part` (at
/// `part`) holds those bytes.
fn stalled_download(env: &Env, out: &Path, template: &str, part: &Path) -> std::process::Child {
    let info = env.info_json(DESKTOP_URL);
    let url = format_url(&info, BEST);
    let stall_at = 3_000_000u64;
    let after_host = url.splitn(4, '/').nth(3).unwrap_or("");
    env.tiktok.add_fault(FaultRule {
        host: None,
        path_contains: after_host.split('?').next().unwrap_or("").to_owned(),
        fault: Fault::StallBody {
            after: stall_at,
            dur: Duration::from_secs(3),
        },
        times: 1,
    });
    let mut child = tikdl(env, None)
        .args(["download", "--json", "-f", "1080p", "-o", template, "-P"])
        .arg(out)
        .arg(DESKTOP_URL)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tikdl");
    let started = Instant::now();
    while std::fs::metadata(part).map_or(0, |m| m.len()) < stall_at {
        if started.elapsed() > Duration::from_secs(30) || child.try_wait().unwrap().is_some() {
            let _ = child.kill();
            panic!("the download never reached its stall");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child
}

#[test]
fn a_part_replaced_by_another_program_is_never_saved_as_the_post() {
    let env = Env::new();
    let out = env.dir.path().join("out");
    let video = out.join(format!("{DESKTOP_ID}.mp4"));
    let part = out.join(format!("{DESKTOP_ID}.mp4.part"));
    let child = stalled_download(&env, &out, BY_ID, &part);
    // Another program puts a file of the full size at the `.part`'s name.
    let size = env
        .tiktok
        .media_bytes(&format_url(&env.info_json(DESKTOP_URL), BEST))
        .len();
    let forged = vec![b'X'; size];
    let tmp = out.join("forged");
    std::fs::write(&tmp, &forged).unwrap();
    std::fs::rename(&tmp, &part).unwrap();
    let run = Run::of(child.wait_with_output().expect("wait"));
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("no longer the file this download wrote"),
        "{}",
        run.stderr
    );
    assert!(!video.exists(), "the forged file must not become the video");
    assert_eq!(
        std::fs::read(&part).unwrap(),
        forged,
        "the other file is left as it is"
    );
    let manifest = std::fs::read_to_string(out.join(".tikdl-manifest")).unwrap_or_default();
    assert!(!manifest.contains(DESKTOP_ID), "{manifest}");
}

#[cfg(unix)]
#[test]
fn a_folder_swapped_for_a_link_mid_download_gets_nothing_written_outside() {
    let env = Env::new();
    let out = env.dir.path().join("out");
    let outside = env.dir.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    let sub = out.join("sub");
    let part = sub.join(format!("{DESKTOP_ID}.mp4.part"));
    let child = stalled_download(&env, &out, "sub/%(id)s.%(ext)s", &part);
    std::fs::rename(&sub, out.join("sub.moved")).unwrap();
    std::os::unix::fs::symlink(&outside, &sub).unwrap();
    let run = Run::of(child.wait_with_output().expect("wait"));
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("was moved or replaced"),
        "{}",
        run.stderr
    );
    assert_eq!(
        names_in(&outside),
        Vec::<String>::new(),
        "nothing may be written through the link"
    );
    assert!(
        !out.join("sub.moved")
            .join(format!("{DESKTOP_ID}.mp4"))
            .exists()
    );
}

#[test]
fn gzip_encoded_media_is_refused_never_inflated() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    assert!(format_url(&info, BEST).contains("mime_type=video_mp4"));
    // Every video answer: 200 KB of gzip that inflates to 200 MiB of zeros.
    env.tiktok.add_fault(FaultRule {
        host: None,
        path_contains: "mime_type=video_mp4".into(),
        fault: Fault::GzipEncodedMedia,
        times: 0,
    });
    let out = env.dir.path().join("out");
    let run = download_within(
        &env,
        &["-f", "1080p", "-o", BY_ID, "-P", s(&out), DESKTOP_URL],
        Duration::from_secs(120),
    );
    assert!(
        run.stderr.contains("gzip-encoded") || run.stdout.contains("gzip-encoded"),
        "{}",
        run.both()
    );
    // Whatever another mirror then delivered, no file is the inflated body.
    for name in names_in(&out) {
        let body = std::fs::read(out.join(&name)).unwrap_or_default();
        let zeros = body.iter().take(1 << 20).all(|b| *b == 0);
        assert!(
            body.is_empty() || !zeros,
            "{name} holds the inflated gzip body"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_link_at_the_final_name_is_named_as_a_link_without_a_url_hint() {
    let env = Env::new();
    let out = env.dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let outside = env.dir.path().join("elsewhere.mp4");
    std::os::unix::fs::symlink(&outside, out.join(format!("{DESKTOP_ID}.mp4"))).unwrap();
    let run = download_within(
        &env,
        &["-o", BY_ID, "-P", s(&out), DESKTOP_URL],
        Duration::from_secs(60),
    );
    assert_eq!(run.code, 1, "{}", run.both());
    assert!(run.both().contains("symbolic link"), "{}", run.both());
    assert!(
        !run.both().contains("tikdl supports post"),
        "{}",
        run.both()
    );
    assert!(!outside.exists(), "nothing written through the link");
}
