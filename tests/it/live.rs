//! LIVE rooms: `info` on each LIVE URL form, and recordings of the imitation's endless FLV
//! stream stopped every way (Ctrl-C, SIGTERM, its end, --live-duration, --max-filesize, a full
//! file size limit), each checked with this file's own FLV parser.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tiktok_imitation::families::live::{ENDS_AFTER_MS, FRAME_MS, PULL_HOST, room_of};
use tiktok_imitation::{Fault, FaultRule};

use crate::support::{Env, names_in};

/// What a whole FLV file holds.
#[derive(Debug)]
pub struct Flv {
    pub tags: usize,
    /// Kinds of the first tags (18 script, 9 video, 8 audio).
    pub first: Vec<u8>,
    /// The last timestamp of audio and video tags.
    pub last_media_ts: u32,
}

/// Parses `bytes` as FLV end to end: header, then every tag whole with its PreviousTagSize,
/// timestamps never going back within a stream. Shares no code with tikdl.
pub fn parse_flv(bytes: &[u8]) -> Result<Flv, String> {
    if bytes.len() < 13 || &bytes[..4] != b"FLV\x01" {
        return Err("no FLV header".into());
    }
    let offset = u32::from_be_bytes(bytes[5..9].try_into().unwrap()) as usize;
    if offset < 9 || bytes.len() < offset + 4 || bytes[offset..offset + 4] != [0; 4] {
        return Err("bad header or PreviousTagSize0".into());
    }
    let mut at = offset + 4;
    let mut flv = Flv {
        tags: 0,
        first: Vec::new(),
        last_media_ts: 0,
    };
    let mut last = [None::<u32>; 32];
    while at < bytes.len() {
        let rest = &bytes[at..];
        if rest.len() < 11 {
            return Err(format!("partial tag header at {at}"));
        }
        let kind = rest[0];
        if !matches!(kind, 8 | 9 | 18) {
            return Err(format!("tag type {kind} at {at}"));
        }
        let size = u32::from_be_bytes([0, rest[1], rest[2], rest[3]]) as usize;
        let ts = u32::from_be_bytes([rest[7], rest[4], rest[5], rest[6]]);
        if rest.len() < 11 + size + 4 {
            return Err(format!("partial tag at {at} ({size} bytes)"));
        }
        let prev = u32::from_be_bytes(rest[11 + size..15 + size].try_into().unwrap());
        if prev as usize != 11 + size {
            return Err(format!(
                "PreviousTagSize {prev} at {at}, tag is {}",
                11 + size
            ));
        }
        if let Some(l) = last[kind as usize]
            && ts < l
        {
            return Err(format!(
                "timestamp of type {kind} went back: {l} -> {ts} at {at}"
            ));
        }
        last[kind as usize] = Some(ts);
        if kind != 18 {
            flv.last_media_ts = flv.last_media_ts.max(ts);
        }
        if flv.first.len() < 3 {
            flv.first.push(kind);
        }
        flv.tags += 1;
        at += 11 + size + 4;
    }
    Ok(flv)
}

fn flvs_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    v.retain(|p| p.extension().is_some_and(|e| e == "flv"));
    v
}

/// The one recording in `dir`, parsed; no `.part` left beside it.
fn the_recording(dir: &Path) -> (PathBuf, Flv) {
    let names = names_in(dir);
    assert!(
        !names.iter().any(|n| n.ends_with(".part")),
        "a .part is left: {names:?}"
    );
    let flvs = flvs_in(dir);
    assert_eq!(flvs.len(), 1, "one recording expected: {names:?}");
    let bytes = std::fs::read(&flvs[0]).unwrap();
    let flv = parse_flv(&bytes).unwrap_or_else(|e| panic!("{}: {e}", flvs[0].display()));
    assert_eq!(flv.first[0], 18, "onMetaData first: {:?}", flv.first);
    (flvs[0].clone(), flv)
}

fn room(user: &str) -> String {
    room_of(user).unwrap().to_string()
}

#[test]
fn info_on_each_live_url_form() {
    let env = Env::new();
    let id = room("live_on");
    for url in [
        "https://www.tiktok.com/@live_on/live".to_owned(),
        "tiktok.com/@live_on/live/?lang=en".to_owned(),
        format!("https://m.tiktok.com/share/live/{id}/?language=en"),
    ] {
        let info = env.info_json(&url);
        assert_eq!(info["id"], id.as_str(), "{url}");
        assert_eq!(info["is_live"], true);
        assert_eq!(info["uploader"], "live_on");
        assert_eq!(info["title"], "live_on is live");
        assert_eq!(info["concurrent_view_count"], 1234);
        assert_eq!(info["timestamp"], 1_767_225_600);
        assert_eq!(info["streams"][0]["quality"], "origin");
        assert!(
            info["streams"][0]["flv_url"]
                .as_str()
                .unwrap()
                .contains(PULL_HOST)
        );
    }
    let human = env
        .run(["info", "https://www.tiktok.com/@live_on/live"])
        .success();
    assert!(human.stdout.contains("is LIVE now"), "{human}");
    assert!(human.stdout.contains("origin, hd, ld"), "{human}");
}

#[test]
fn a_user_not_live_is_exit_1_with_its_code_and_hint() {
    let env = Env::new();
    for user in ["live_off", "live_never"] {
        let url = format!("https://www.tiktok.com/@{user}/live");
        let (code, error, stderr) = env.info_error(&url);
        assert_eq!(code, 1, "{stderr}");
        assert_eq!(error["code"], "not_live", "{error}");
        assert!(
            stderr.contains(&format!("@{user} is not live now")),
            "{stderr}"
        );
        assert!(stderr.contains("--wait-for-live"), "{stderr}");
        let run = env.run(["download", &url]).code(1);
        assert!(run.stderr.contains("not live"), "{run}");
        assert!(flvs_in(env.dir.path()).is_empty());
    }
    let (_, error, _) = env.info_error("https://www.tiktok.com/@live_age/live");
    assert_eq!(error["code"], "live_restricted", "{error}");
    let (_, error, _) = env.info_error("https://www.tiktok.com/@nobody_here/live");
    assert_eq!(error["code"], "account_not_found", "{error}");
}

#[test]
fn live_duration_stops_at_that_much_media() {
    let env = Env::new();
    let run = env
        .json([
            "download",
            "https://www.tiktok.com/@live_on/live",
            "--live-duration",
            "5",
            "--write-info-json",
            "--json",
        ])
        .success();
    let line = run.result();
    assert_eq!(line["stopped"], "duration", "{run}");
    let (path, flv) = the_recording(env.dir.path());
    let last = u64::from(flv.last_media_ts);
    assert!(
        (5000 - FRAME_MS..=5000).contains(&last),
        "last timestamp {last}"
    );
    assert_eq!(line["duration_ms"], last);
    assert_eq!(line["bytes"], std::fs::metadata(&path).unwrap().len());
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.contains(&room("live_on")) && name.starts_with("live_on - "),
        "{name}"
    );
    let sidecar = path.with_extension("info.json");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&sidecar).unwrap()).unwrap();
    assert_eq!(json["is_live"], true);
    assert_eq!(json["id"], room("live_on").as_str());
}

#[test]
fn templates_name_a_recording_by_room_title_and_start() {
    let env = Env::new();
    env.run([
        "download",
        "https://www.tiktok.com/@live_on/live",
        "--live-duration",
        "1",
        "-o",
        "%(uploader)s/%(upload_date)s %(title)s [%(id)s].%(ext)s",
    ])
    .success();
    let dir = env.dir.path().join("live_on");
    let (path, _) = the_recording(&dir);
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(
        name,
        format!("20260101 live_on is live [{}].flv", room("live_on"))
    );
}

/// Waits until `path` grows past `bytes` (the recording is under way).
fn wait_for_size(path: &Path, bytes: u64) {
    let start = Instant::now();
    while std::fs::metadata(path).map_or(0, |m| m.len()) < bytes {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no recording at {}",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn signalled(env: &Env, signal: i32, extra: &[&str]) -> (std::process::Output, PathBuf, Flv) {
    let mut cmd = env.std_cmd();
    cmd.args([
        "download",
        "https://www.tiktok.com/@live_on/live",
        "-o",
        "rec.%(ext)s",
    ])
    .args(extra)
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped());
    let child = cmd.spawn().unwrap();
    wait_for_size(&env.dir.path().join("rec.flv.part"), 200_000);
    // SAFETY: kill(2) on our own child's pid.
    unsafe {
        libc::kill(child.id() as i32, signal);
    }
    let out = child.wait_with_output().unwrap();
    let (path, flv) = the_recording(env.dir.path());
    (out, path, flv)
}

#[test]
fn a_cut_mid_tag_reconnects_into_the_same_file_and_ctrl_c_finishes_it() {
    let env = Env::new();
    // The first connection breaks after 100_001 bytes: inside a tag.
    env.tiktok.add_fault(FaultRule {
        host: Some(PULL_HOST.into()),
        path_contains: format!("/stage/stream-{}", room("live_on")),
        fault: Fault::DropAfter(100_001),
        times: 1,
    });
    let (out, path, flv) = signalled(&env, libc::SIGINT, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("saved under its final name"), "{stderr}");
    let pulls = crate::support::requests_with(&env, "/stage/stream-");
    assert!(pulls.len() >= 2, "a reconnection: {pulls:?}");
    // Past the cut: the second connection's tags follow, rebased (its own clock starts 100 s
    // later, which the parser would see as a jump if they were not).
    assert!(std::fs::metadata(&path).unwrap().len() > 200_000);
    assert!(flv.last_media_ts < 60_000, "rebased: {flv:?}");
}

#[test]
fn sigterm_finishes_the_file_too() {
    let env = Env::new();
    let (out, _, flv) = signalled(&env, libc::SIGTERM, &["--json"]);
    assert_eq!(out.status.code(), Some(130));
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["stopped"], "interrupted");
    assert_eq!(line["duration_ms"], flv.last_media_ts);
}

#[test]
fn the_end_of_the_live_ends_the_recording() {
    let env = Env::new();
    let run = env
        .json([
            "download",
            "https://www.tiktok.com/@live_ends/live",
            "--json",
        ])
        .success();
    assert_eq!(run.result()["stopped"], "ended", "{run}");
    let (_, flv) = the_recording(env.dir.path());
    let last = u64::from(flv.last_media_ts);
    assert!(
        (ENDS_AFTER_MS - FRAME_MS..=ENDS_AFTER_MS + 40).contains(&last),
        "{last}"
    );
}

#[test]
fn max_filesize_stops_before_the_limit() {
    let env = Env::new();
    let run = env
        .json([
            "download",
            "https://www.tiktok.com/@live_on/live",
            "--max-filesize",
            "300K",
            "--json",
        ])
        .success();
    assert_eq!(run.result()["stopped"], "max_filesize", "{run}");
    let (path, _) = the_recording(env.dir.path());
    let len = std::fs::metadata(&path).unwrap().len();
    assert!(len <= 300 * 1024 && len > 290 * 1024, "{len}");
}

#[test]
fn a_full_file_size_limit_leaves_a_whole_file() {
    let env = Env::new();
    // 400 blocks: the shell's file size limit, which tikdl meets as EFBIG (SIGXFSZ ignored).
    let out = env
        .std_cmd_in_shell("ulimit -f 400 && exec \"$0\" \"$@\"")
        .args(["download", "https://www.tiktok.com/@live_on/live", "--json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    // Short of what was asked (the LIVE goes on): exit 1, and the file is whole.
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout.contains("\"stopped\":\"file_size_limit\""),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    the_recording(env.dir.path());
}

#[test]
fn a_cut_before_the_flv_header_is_retried() {
    let env = Env::new();
    env.tiktok.add_fault(FaultRule {
        host: Some(PULL_HOST.into()),
        path_contains: format!("/stage/stream-{}", room("live_on")),
        fault: Fault::DropAfter(5),
        times: 2,
    });
    let run = env
        .json([
            "download",
            "https://www.tiktok.com/@live_on/live",
            "--live-duration",
            "1",
            "--json",
        ])
        .success();
    assert_eq!(run.result()["reconnects"], 2, "{run}");
    the_recording(env.dir.path());
}

#[test]
fn a_garbage_stream_is_a_named_error_and_no_file() {
    let env = Env::new();
    let run = env
        .run(["download", "https://www.tiktok.com/@live_garbage/live"])
        .code(1);
    assert!(run.stderr.contains("not an FLV stream"), "{run}");
    assert!(run.stderr.contains(PULL_HOST), "{run}");
    let names = names_in(env.dir.path());
    assert!(
        !names.iter().any(|n| n.contains(".flv")),
        "no recording, no .part: {names:?}"
    );
}

#[test]
fn batch_refuses_a_live_url_with_a_reason() {
    let env = Env::new();
    let list = env.dir.path().join("list.txt");
    std::fs::write(&list, "https://www.tiktok.com/@live_on/live\n").unwrap();
    let run = env.run(["batch", list.to_str().unwrap()]);
    assert_ne!(run.code, 0, "{run}");
    assert!(run.both().contains("is a LIVE room"), "{run}");
}

#[test]
fn ctrl_c_while_waiting_for_live_exits_cleanly() {
    let env = Env::new();
    let mut child = env
        .std_cmd()
        .args([
            "download",
            "https://www.tiktok.com/@live_off/live",
            "--wait-for-live=10",
        ])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while crate::support::requests_with(&env, "/webcast/room/info/").is_empty() {
        assert!(start.elapsed() < Duration::from_secs(60), "no room lookup");
        std::thread::sleep(Duration::from_millis(50));
    }
    // SAFETY: kill(2) on our own child's pid.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert!(names_in(env.dir.path()).iter().all(|n| !n.contains(".flv")));
}

#[test]
fn a_stalled_stream_reconnects_and_the_file_stays_whole() {
    let env = Env::new();
    env.tiktok.add_fault(FaultRule {
        host: Some(PULL_HOST.into()),
        path_contains: format!("/stage/stream-{}", room("live_on")),
        fault: Fault::StallBody {
            after: 30_003,
            dur: Duration::from_secs(30),
        },
        times: 1,
    });
    let run = env
        .json([
            "--timeout",
            "1",
            "download",
            "https://www.tiktok.com/@live_on/live",
            "--live-duration",
            "4",
            "--json",
        ])
        .success();
    let line = run.result();
    assert_eq!(line["stopped"], "duration", "{run}");
    assert!(line["reconnects"].as_u64().unwrap() >= 1, "{run}");
    let (_, flv) = the_recording(env.dir.path());
    assert!(flv.last_media_ts >= 4000 - FRAME_MS as u32);
}

/// splitmix64: this file's own seeded generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The randomized campaign's LIVE part: per seed (`TIKDL_CAMPAIGN_SEED`, as the campaign
/// replays), random cuts and stalls of the pull stream, and a random way to stop (SIGINT or
/// SIGTERM at a random size, `--live-duration`, `--max-filesize`, a file size limit, the LIVE's
/// end). The oracle is this file's FLV parser: one whole FLV under its final name, no `.part`,
/// every limit kept.
#[test]
fn campaign_of_live_recordings_keeps_every_file_whole() {
    let seed = std::env::var("TIKDL_CAMPAIGN_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| u64::from(std::process::id()) ^ 0x5eed);
    let n: u64 = std::env::var("TIKDL_CAMPAIGN_SCENARIOS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(4);
    eprintln!("live campaign seed {seed}");
    let mut rng = Rng(seed);
    for i in 0..n {
        let env = Env::new();
        let ends = rng.below(4) == 0;
        let user = if ends { "live_ends" } else { "live_on" };
        let path = format!("/stage/stream-{}", room(user));
        let fault = match rng.below(3) {
            0 => Some(Fault::DropAfter(1 + rng.below(300_000))),
            1 => Some(Fault::StallBody {
                after: 1 + rng.below(200_000),
                dur: Duration::from_secs(30),
            }),
            _ => None,
        };
        if let Some(f) = &fault {
            env.tiktok.add_fault(FaultRule {
                host: Some(PULL_HOST.into()),
                path_contains: path.clone(),
                fault: f.clone(),
                times: 1 + rng.below(2) as u32,
            });
        }
        let url = format!("https://www.tiktok.com/@{user}/live");
        let stop = if ends { 5 } else { rng.below(5) };
        let what = format!("scenario {i} of seed {seed}: {user}, {fault:?}, stop {stop}");
        eprintln!("{what}");
        let mut limit = None;
        let mut max_size = None;
        let mut cmd = match stop {
            3 => {
                let blocks = 200 + rng.below(600);
                env.std_cmd_in_shell(&format!("ulimit -f {blocks} && exec \"$0\" \"$@\""))
            }
            _ => env.std_cmd(),
        };
        cmd.args(["--timeout", "1", "download", &url, "-o", "rec.%(ext)s"]);
        match stop {
            2 => {
                let secs = 1 + rng.below(6);
                limit = Some(secs * 1000);
                cmd.args(["--live-duration", &secs.to_string()]);
            }
            4 => {
                let size = 20_000 + rng.below(400_000);
                max_size = Some(size);
                cmd.args(["--max-filesize", &size.to_string()]);
            }
            _ => {}
        }
        cmd.stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
        let child = cmd.spawn().unwrap();
        if stop <= 1 {
            let at = 14_000 + rng.below(300_000);
            wait_for_size(&env.dir.path().join("rec.flv.part"), at);
            let sig = if stop == 0 {
                libc::SIGINT
            } else {
                libc::SIGTERM
            };
            // SAFETY: kill(2) on our own child's pid.
            unsafe {
                libc::kill(child.id() as i32, sig);
            }
        }
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        // A file size limit ends the recording short of what was asked: exit 1, file whole.
        let expected: &[i32] = if stop == 3 { &[0, 1, 130] } else { &[0, 130] };
        assert!(
            out.status.code().is_some_and(|c| expected.contains(&c)),
            "{what}: exit {:?}\n{stderr}",
            out.status
        );
        let (file, flv) = the_recording(env.dir.path());
        let len = std::fs::metadata(&file).unwrap().len();
        if let Some(l) = limit {
            assert!(u64::from(flv.last_media_ts) <= l, "{what}: {flv:?}");
        }
        if let Some(m) = max_size {
            assert!(len <= m, "{what}: {len} > {m}");
        }
    }
}

#[test]
fn a_killed_recordings_part_is_never_emptied() {
    let env = Env::new();
    let url = "https://www.tiktok.com/@live_on/live";
    env.run(["download", url, "--live-duration", "1"]).success();
    let (path, _) = the_recording(env.dir.path());
    // What a recording killed with SIGKILL leaves: its tags under the `.part` name.
    let mut part = path.clone().into_os_string();
    part.push(".part");
    let part = PathBuf::from(part);
    std::fs::rename(&path, &part).unwrap();
    let before = std::fs::read(&part).unwrap();
    for extra in [&[][..], &["--force-overwrites"][..]] {
        let mut args = vec!["download", url, "--live-duration", "1", "--json"];
        args.extend_from_slice(extra);
        let run = env.run(args).code(1);
        assert!(run.both().contains("name_taken"), "{run}");
        assert!(run.both().contains("did not finish"), "{run}");
        assert_eq!(std::fs::read(&part).unwrap(), before, "{extra:?}");
        assert!(!path.exists(), "{extra:?}");
    }
}

#[test]
fn a_second_recording_never_replaces_the_file_the_first_finished() {
    let env = Env::new();
    let url = "https://www.tiktok.com/@live_on/live";
    let first = env
        .std_cmd()
        .args([
            "download",
            url,
            "--live-duration",
            "20",
            "-o",
            "rec.%(ext)s",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_for_size(&env.dir.path().join("rec.flv.part"), 1);
    // The second waits for the first's lock, then finds its finished file: kept, even though
    // the second asks to overwrite.
    let second = env
        .run([
            "download",
            url,
            "--live-duration",
            "2",
            "-o",
            "rec.%(ext)s",
            "--force-overwrites",
            "--json",
        ])
        .code(1);
    let out = first.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(second.both().contains("name_taken"), "{second}");
    let flv = parse_flv(&std::fs::read(env.dir.path().join("rec.flv")).unwrap()).unwrap();
    assert!(
        flv.last_media_ts > 10_000,
        "the first's 20 s are there: {flv:?}"
    );
}

#[test]
fn a_stream_without_audio_or_video_leaves_no_file() {
    let env = Env::new();
    // Every connection ends after the 13-byte FLV header.
    env.tiktok.add_fault(FaultRule {
        host: Some(PULL_HOST.into()),
        path_contains: format!("/stage/stream-{}", room("live_on")),
        fault: Fault::DropAfter(13),
        times: 100,
    });
    let run = env
        .run(["download", "https://www.tiktok.com/@live_on/live"])
        .code(1);
    assert!(run.stderr.contains("no audio or video"), "{run}");
    let names = names_in(env.dir.path());
    assert!(!names.iter().any(|n| n.contains(".flv")), "{names:?}");
}

#[test]
fn a_trickling_stream_is_cut_by_the_low_speed_limit_and_reconnected() {
    let env = Env::new();
    env.tiktok.add_fault(FaultRule {
        host: Some(PULL_HOST.into()),
        path_contains: format!("/stage/stream-{}", room("live_on")),
        fault: Fault::Trickle(20_000),
        times: 1,
    });
    let run = env
        .json([
            "download",
            "https://www.tiktok.com/@live_on/live",
            "--live-duration",
            "3",
            "--low-speed-limit",
            "1000",
            "--low-speed-time",
            "1",
            "--json",
        ])
        .success();
    let line = run.result();
    assert!(line["reconnects"].as_u64().unwrap() >= 1, "{run}");
    assert!(run.stderr.contains("low-speed limit"), "{run}");
    let (_, flv) = the_recording(env.dir.path());
    assert!(flv.last_media_ts >= 2_900, "{flv:?}");
}

#[test]
fn a_short_link_to_a_live_room_is_that_room() {
    let env = Env::new();
    // `info`: the room, as for its own URL.
    let short = "https://vm.tiktok.com/ZMlive1/";
    let info = env.info_json(short);
    assert_eq!(info["id"], room("live_on").as_str());
    assert_eq!(info["is_live"], true);
    assert_eq!(info["uploader"], "live_on");
    let human = env.run(["info", short]).success();
    assert!(human.stdout.contains("is LIVE now"), "{human}");
    assert!(!human.both().contains("not a post"), "{human}");
    // `download -s` records no room, and says so.
    let sim = env.run(["download", "-s", short]).success();
    assert!(
        sim.stderr.contains("a LIVE room, not recorded under -s"),
        "{sim}"
    );
    // `batch`: refused as the room's own URL is.
    let list = env.dir.path().join("list.txt");
    std::fs::write(&list, format!("{short}\n")).unwrap();
    let run = env.run(["batch", list.to_str().unwrap()]);
    assert_ne!(run.code, 0, "{run}");
    assert!(run.both().contains("is a LIVE room"), "{run}");
    assert!(!run.both().contains("short link leads to"), "{run}");
    // `download`: recorded until the LIVE ends.
    let rec = env
        .json(["download", "https://vt.tiktok.com/ZMlive2", "--json"])
        .success();
    assert_eq!(rec.result()["stopped"], "ended", "{rec}");
    assert_eq!(
        rec.result()["room"]["id"],
        room("live_ends").as_str(),
        "{rec}"
    );
    the_recording(env.dir.path());
}
