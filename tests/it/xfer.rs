//! Transfers under stress and stops: a resume's repeated overlap counts as received bytes, and
//! every stop signal (SIGINT, SIGTERM, SIGHUP) ends a run the same clean way: what arrived is
//! in the `.part`, a batch writes its summary and `--failed-file`, a running `--exec` command
//! is stopped with it.

use std::process::{Child, ExitStatus};
use std::time::{Duration, Instant};

use crate::download::{BEST, BY_ID, fault, out_dir, plant_part, requests_for};
use crate::support::{self, DESKTOP_ID, DESKTOP_URL, Env, Fault, download, format_url, part_of, s};

/// Bytes sent at full speed before the CDN trickles (one byte per 50 ms, never quiet long
/// enough for the idle flush): less than the 1 MiB write buffer.
const BEFORE_TRICKLE: u64 = 200_000;

#[test]
fn a_resume_overlap_counts_as_received_for_the_low_speed_check() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    let url = format_url(&info, BEST);
    let bytes = env.tiktok.media_bytes(&url);
    // All but the last 1000 bytes on disk: the resume re-reads 64 KiB of them first.
    let have = bytes.len() - 1000;
    let out = out_dir(&env, "overlap");
    std::fs::create_dir_all(&out).unwrap();
    let video = out.join(format!("{DESKTOP_ID}.mp4"));
    plant_part(&video, &bytes[..have], &info, BEST);
    env.tiktok.clear_requests();
    // 32 KiB/s is twice the low-speed limit; the overlap alone takes two of its windows.
    let args = [
        "-R",
        "0",
        "--limit-rate",
        "32K",
        "--low-speed-limit",
        "16384",
        "--low-speed-time",
        "1",
        "-P",
        s(&out),
        "-o",
        BY_ID,
        DESKTOP_URL,
    ];
    download(&env, &args).ok();
    support::assert_bytes(&video, &bytes);
    let reqs = requests_for(&env, &url);
    assert_eq!(reqs.len(), 1, "one resume, never cut as too slow: {reqs:?}");
}

/// Starts `tikdl ARGS` quietly.
fn spawn(env: &Env, args: &[&str]) -> Child {
    env.std_cmd()
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn tikdl")
}

/// Waits (bounded) until `ready` holds, or panics.
fn wait_until(child: &mut Child, what: &str, ready: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !ready() {
        if Instant::now() > deadline || child.try_wait().unwrap().is_some() {
            let _ = child.kill();
            panic!("{what} never happened");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Sends `signal` (`TERM`, `INT`, `HUP`) to tikdl and waits (bounded) for it to end.
fn stop(child: &mut Child, signal: &str) -> (ExitStatus, String) {
    let sent = std::process::Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .expect("run kill");
    assert!(sent.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("tikdl did not end after SIG{signal}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut e, &mut err);
    }
    (status, err)
}

/// The trickling media's fault, and the bytes it serves.
fn trickle(env: &Env) -> Vec<u8> {
    let info = env.info_json(DESKTOP_URL);
    let url = format_url(&info, BEST);
    env.tiktok
        .add_fault(fault(&url, Fault::Trickle(BEFORE_TRICKLE), 1));
    env.tiktok.media_bytes(&url)
}

/// Whether the imitation has served the trickling media's first bytes (the request is logged).
fn media_asked(env: &Env) -> bool {
    !support::media_requests(env).is_empty()
}

#[cfg(unix)]
#[test]
fn every_stop_signal_keeps_the_bytes_received_below_the_write_buffer() {
    for signal in ["TERM", "INT", "HUP"] {
        let env = Env::new();
        let bytes = trickle(&env);
        let out = out_dir(&env, "sig");
        let video = out.join(format!("{DESKTOP_ID}.mp4"));
        let mut child = spawn(&env, &["download", "-o", BY_ID, "-P", s(&out), DESKTOP_URL]);
        wait_until(&mut child, "the media request", || media_asked(&env));
        // The fast bytes arrive within moments; then it trickles on.
        std::thread::sleep(Duration::from_secs(2));
        let (status, err) = stop(&mut child, signal);
        assert_eq!(status.code(), Some(130), "SIG{signal}: {status:?} {err}");
        assert!(err.contains("interrupted"), "SIG{signal}: {err}");
        let kept = std::fs::read(part_of(&video)).expect("the .part is kept");
        assert!(
            kept.len() as u64 >= BEFORE_TRICKLE,
            "SIG{signal}: the .part holds {} bytes",
            kept.len()
        );
        assert!(bytes.starts_with(&kept), "the .part is a correct prefix");
        assert!(!video.exists());
    }
}

#[cfg(unix)]
#[test]
fn sigterm_ends_a_batch_with_its_summary_and_failed_file() {
    let env = Env::new();
    trickle(&env);
    let other = "https://www.tiktok.com/@mu33.__/photo/7610426235671350549";
    let list = env.dir.path().join("list.txt");
    std::fs::write(&list, format!("{DESKTOP_URL}\n{other}\n")).unwrap();
    let failed = env.dir.path().join("failed.txt");
    let out = out_dir(&env, "batch");
    let mut child = spawn(
        &env,
        &[
            "batch",
            "--jobs",
            "1",
            "--failed-file",
            s(&failed),
            "-P",
            s(&out),
            s(&list),
        ],
    );
    wait_until(&mut child, "the media request", || media_asked(&env));
    let (status, err) = stop(&mut child, "TERM");
    assert_eq!(status.code(), Some(130), "{status:?} {err}");
    let lines = std::fs::read_to_string(&failed).expect("the --failed-file is written");
    let lines: Vec<&str> = lines.lines().collect();
    // The post cut by the stop, then the one never attempted.
    assert_eq!(lines, [DESKTOP_URL, other], "{err}");
    assert!(err.contains("failed"), "the summary is printed: {err}");
}

#[cfg(unix)]
#[test]
fn sigterm_stops_a_running_exec_command_and_all_it_started() {
    let env = Env::new();
    let out = out_dir(&env, "exec");
    let pid_file = env.dir.path().join("pid");
    // The shell's child `sleep` writes its own id: it must not outlive tikdl.
    let exec = format!("sh -c 'echo $$ > {}; exec sleep 300'; : {{}}", s(&pid_file));
    let mut child = spawn(
        &env,
        &["download", "--exec", &exec, "-P", s(&out), DESKTOP_URL],
    );
    wait_until(&mut child, "the command's start", || {
        std::fs::read_to_string(&pid_file).is_ok_and(|p| p.ends_with('\n'))
    });
    let (status, err) = stop(&mut child, "TERM");
    assert_eq!(status.code(), Some(130), "{status:?} {err}");
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    let gone = |pid: &str| {
        let alive = std::process::Command::new("kill")
            .args(["-0", pid.trim()])
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        !alive.success()
    };
    // The signal reached it: give it a moment to be reaped by init.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !gone(&pid) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    if !gone(&pid) {
        let _ = std::process::Command::new("kill")
            .args(["-9", pid.trim()])
            .status();
        panic!("the --exec command outlived tikdl: {err}");
    }
}

#[test]
fn a_post_larger_than_max_filesize_is_not_downloaded_nor_archived() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    let url = format_url(&info, BEST);
    let size = env.tiktok.media_bytes(&url).len();
    let out = out_dir(&env, "max");
    let archive = env.dir.path().join("archive.txt");
    env.tiktok.clear_requests();
    let run = download(
        &env,
        &[
            "--max-filesize",
            "1K",
            "--download-archive",
            s(&archive),
            "-P",
            s(&out),
            DESKTOP_URL,
        ],
    )
    .code(1);
    let err = run.both();
    assert!(
        err.contains("larger than --max-filesize (1024 bytes)"),
        "{err}"
    );
    assert!(
        err.contains(&size.to_string()),
        "names the file's size: {err}"
    );
    assert!(support::media_requests(&env).is_empty(), "no media request");
    let left: Vec<_> = support::files_under(&out)
        .into_iter()
        .filter(|p| !p.to_string_lossy().contains(".tikdl-manifest"))
        .collect();
    assert!(left.is_empty(), "nothing left on disk: {left:?}");
    let archived = std::fs::read_to_string(&archive).unwrap_or_default();
    assert!(!archived.contains(DESKTOP_ID), "not archived: {archived}");
}

/// A slideshow whose sound never ends and whose size nobody announces (200, chunked): only
/// `--max-filesize`, counted as the bytes come, stops it.
#[cfg(unix)]
#[test]
fn a_body_of_unannounced_size_is_cut_at_max_filesize() {
    use tiktok_imitation::campaign::{self, Behaviour, Role};
    let env = Env::new();
    // A post whose sound the behaviour applies to (three roles in four).
    let id = (0..64)
        .map(|r| campaign::campaign_id(Behaviour::EndlessAudio, true, false, 3, r))
        .find(|id| campaign::affected(*id, Role::Audio))
        .unwrap();
    let url = format!(
        "https://www.tiktok.com/@{}/photo/{id}",
        campaign::uploader(id)
    );
    let out = out_dir(&env, "cut");
    let archive = env.dir.path().join("archive.txt");
    // Under a 10 MiB file size limit: without the cut, the sound would grow to its 4 GiB cap.
    let run = env
        .std_cmd_in_shell("trap '' XFSZ; ulimit -f 20480 || exit 99; exec \"$0\" \"$@\"")
        .args(["--rate-limit", "0", "download", "--max-filesize", "100K"])
        .args(["--download-archive", s(&archive), "-P", s(&out), &url])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains("passed --max-filesize (102400 bytes) while downloading"),
        "{err}"
    );
    let parts: Vec<_> = support::files_under(&out)
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".part"))
        .collect();
    assert!(parts.is_empty(), "no .part kept: {parts:?}");
    let archived = std::fs::read_to_string(&archive).unwrap_or_default();
    assert!(
        !archived.contains(&id.to_string()),
        "not archived: {archived}"
    );
}

#[cfg(unix)]
#[test]
fn a_stop_ends_a_batch_whose_standard_input_sends_nothing_more() {
    let env = Env::new();
    let mut child = env
        .std_cmd()
        .args(["batch", "-s", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn tikdl");
    // One line, then the writer stays, silent (`tail -f urls.txt | tikdl batch -`).
    let mut input = child.stdin.take().unwrap();
    std::io::Write::write_all(&mut input, format!("{DESKTOP_URL}\n").as_bytes()).unwrap();
    wait_until(&mut child, "the post's page request", || {
        support::page_requests(&env, DESKTOP_ID) > 0
    });
    let (status, err) = stop(&mut child, "INT");
    assert_eq!(status.code(), Some(130), "{status:?} {err}");
    assert!(
        err.contains("stopped while waiting for its next line"),
        "{err}"
    );
    drop(input);
}

#[cfg(unix)]
#[test]
fn a_second_stop_signal_ends_a_run_blocked_opening_a_fifo() {
    let env = Env::new();
    // A FIFO nobody writes: opening it as the cookies file blocks in the kernel, where no
    // async stop reaches.
    let fifo = env.dir.path().join("cookies.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("run mkfifo");
    assert!(made.success());
    let mut child = spawn(&env, &["--cookies", s(&fifo), "info", DESKTOP_URL]);
    // No observable sign that the signal handlers are in place: give the start its moment.
    std::thread::sleep(Duration::from_secs(1));
    let first = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(first.success());
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the first stop waits for the run"
    );
    let (status, err) = stop(&mut child, "INT");
    assert_eq!(status.code(), Some(130), "{status:?} {err}");
}
