//! Hostile servers and secrets: oversized pages, gzip bombs, cookies and tokens in logs.

use std::time::{Duration, Instant};

use crate::support;
use crate::support::{DESKTOP_URL, Env};

#[test]
fn a_50_mib_page_is_refused_from_its_content_length() {
    let env = Env::new();
    let t = Instant::now();
    let (code, err, _) = env.info_error("https://www.tiktok.com/@x/video/7000000000000000050");
    assert_eq!(code, 1);
    assert_eq!(err["code"], "too_large", "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("20971520"),
        "{err}"
    );
    // Refused up front, not after streaming 50 MiB through a debug build.
    assert!(t.elapsed() < Duration::from_secs(20));
}

#[test]
fn a_gzip_bomb_is_bounded() {
    let env = Env::new();
    let (code, err, stderr) = env.info_error("https://www.tiktok.com/@x/video/7000000000000000052");
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(err["code"], "too_large", "{err}");
}

#[test]
fn cookies_and_tokens_never_reach_output_even_at_debug_level() {
    let env = Env::new();
    let jar = env.dir.path().join("cookies.txt");
    std::fs::write(
        &jar,
        "# Netscape HTTP Cookie File\n\
         .tiktok.com\tTRUE\t/\tTRUE\t0\tsessionid\tSESSION-SECRET-4242\n\
         #HttpOnly_.tiktok.com\tTRUE\t/\tTRUE\t0\tsid_tt\tSIDTT-SECRET-4343\n",
    )
    .unwrap();
    for args in [
        vec!["-vv", "info", "--json", DESKTOP_URL],
        vec![
            "-vv",
            "download",
            "--json",
            "--write-info-json",
            "-P",
            "out",
            DESKTOP_URL,
        ],
        vec![
            "-vv",
            "info",
            "--json",
            "https://www.tiktok.com/@x/video/7000000000000000403",
        ], // challenge
    ] {
        let out = env
            .cmd()
            .arg("--cookies")
            .arg(&jar)
            .args(&args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut all = String::from_utf8_lossy(&out.stdout).into_owned();
        all.push_str(&String::from_utf8_lossy(&out.stderr));
        assert!(all.contains("DEBUG"), "debug logging was on");
        for secret in [
            "SESSION-SECRET-4242",
            "SIDTT-SECRET-4343",
            "tt_chain_token=",
            "ttwid=",
            "_wafchallengeid=",
        ] {
            assert!(!all.contains(secret), "{secret} leaked with {args:?}");
        }
    }
    // The cookies were really sent, so the test above means something.
    let page = env
        .tiktok
        .requests()
        .into_iter()
        .find(|r| r.path.contains("7608826249200356630"))
        .unwrap();
    assert!(
        page.cookie_names.iter().any(|c| c == "sessionid")
            && page.cookie_names.iter().any(|c| c == "sid_tt")
    );
    // And nothing written to disk holds them either.
    for entry in std::fs::read_dir(env.dir.path().join("out")).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("SESSION-SECRET-4242") && !text.contains("tt_chain_token="));
    }
}

#[test]
fn tls_is_verified_unless_the_user_says_otherwise() {
    let env = Env::new();
    let out = env
        .bare()
        .args([
            "--proxy",
            &env.tiktok.proxy_url(),
            "--retries",
            "0",
            "info",
            "--json",
            DESKTOP_URL,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = env
        .bare()
        .args([
            "--proxy",
            &env.tiktok.proxy_url(),
            "--no-check-certificate",
            "info",
            "--json",
            DESKTOP_URL,
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("verification is disabled"));
}

fn strings_post_url(n: u64) -> String {
    format!(
        "https://www.tiktok.com/@u/video/{}",
        tiktok_imitation::STRINGS_BASE + n
    )
}

#[test]
fn a_subtitle_format_with_dot_dots_writes_nothing_outside_the_output_folder() {
    let env = Env::new();
    let root = env.dir.path().join("subs");
    let out = root.join("out");
    std::fs::create_dir_all(&out).unwrap();
    // The page's Format is `webvtt/../../escaped-by-tikdl`: as given, the subtitle would land
    // in `root`, beside the output folder.
    let run = support::Run::of(
        env.cmd()
            .args(["download", "--json", "--write-subs", "-P"])
            .arg(&out)
            .arg(strings_post_url(1))
            .output()
            .unwrap(),
    )
    .ok();
    let outside: Vec<_> = support::files_under(&root)
        .into_iter()
        .filter(|p| !p.starts_with(&out))
        .collect();
    assert!(outside.is_empty(), "written outside -P: {outside:?}");
    let files = run.result()["files"].as_array().unwrap().clone();
    let path_of = |role: &str| {
        let f = files.iter().find(|f| f["role"] == role);
        let f = f.unwrap_or_else(|| panic!("no {role} in {files:?}"));
        env.dir.path().join(f["path"].as_str().unwrap())
    };
    let video = path_of("video");
    let sub = path_of("subtitle");
    let stem = video.file_stem().unwrap().to_str().unwrap();
    assert_eq!(sub, video.with_file_name(format!("{stem}.eng-US.vtt")));
    assert!(std::fs::read(&sub).unwrap().starts_with(b"WEBVTT"));
    // Nothing but files: no folder named after the format either.
    let folders: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.path())
        .collect();
    assert!(folders.is_empty(), "{folders:?}");
}

#[test]
fn a_list_item_id_with_a_newline_injects_no_archive_line() {
    let env = Env::new();
    let archive = env.dir.path().join("arch.txt");
    let batch = |input: &str| {
        support::Run::of(
            env.cmd()
                .args(["batch", "--json", "-P", "out", "--download-archive"])
                .arg(&archive)
                .arg("-")
                .write_stdin(input)
                .timeout(Duration::from_secs(120))
                .output()
                .unwrap(),
        )
    };
    let first = batch(&format!(
        "https://www.tiktok.com/@{}\n",
        tiktok_imitation::INJECT_USER
    ));
    assert_eq!(first.code, 0, "{}", first.stderr);
    let lines: Vec<String> = std::fs::read_to_string(&archive)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let valid = tiktok_imitation::STRINGS_BASE + 6;
    assert_eq!(
        lines,
        [format!("tiktok {valid}")],
        "the archive holds only the valid post"
    );
    assert!(
        first.stderr.contains("id is unusable"),
        "the dropped item is reported: {}",
        first.stderr
    );
    let ids: Vec<&str> = first
        .lines
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(ids, [valid.to_string()]);
    // The post the injected line named is still downloaded by a later run.
    batch(&format!("{DESKTOP_URL}\n")).ok();
}
