//! Test harness: a TikTok imitation per test plus a command wrapper that runs the real `tikdl`
//! binary against it exactly as a user would (`--proxy` + `--ca-cert`).

#![allow(dead_code, unused_imports)] // each test binary uses a different part of the harness

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
pub use tiktok_imitation::{Fault, FaultRule, Imitation};

pub const DESKTOP_ID: &str = "7608826249200356630";
pub const DESKTOP_URL: &str = "https://www.tiktok.com/@emthenutritionist/video/7608826249200356630";

pub struct Env {
    pub tiktok: Imitation,
    pub dir: tempfile::TempDir,
    pub ca: PathBuf,
    /// tikdl's own files (metadata cache, XDG folders), apart from `dir` so that tests listing
    /// downloaded files never see them.
    pub state: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Self {
        let tiktok = Imitation::start();
        let dir = tempfile::tempdir().expect("temp dir");
        let ca = tiktok.write_ca(dir.path());
        let state = tempfile::tempdir().expect("temp dir");
        Self {
            tiktok,
            dir,
            ca,
            state,
        }
    }

    /// The metadata cache folder every [`Env::cmd`] uses (one per test, never the user's).
    pub fn cache_dir(&self) -> PathBuf {
        self.state.path().join("cache")
    }

    /// `tikdl` with no network options at all. Even so it never sees the user's config file,
    /// cache or home: HOME and the XDG folders point into this test's own temp dir, and proxy
    /// variables are cleared.
    pub fn bare(&self) -> Command {
        let mut cmd = Command::from_std(self.std_bare());
        cmd.timeout(std::time::Duration::from_secs(60));
        cmd
    }

    /// [`Env::bare`] as a `std::process::Command`, for tests that spawn, signal or race
    /// processes.
    pub fn std_bare(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("tikdl"));
        cmd.current_dir(self.dir.path())
            .env("HOME", self.state.path().join("home"))
            .env("XDG_CONFIG_HOME", self.state.path().join("xdg-config"))
            .env("XDG_CACHE_HOME", self.state.path().join("xdg-cache"))
            .env_remove("RUST_LOG")
            .env_remove("HTTPS_PROXY")
            .env_remove("https_proxy")
            .env_remove("ALL_PROXY")
            .env_remove("all_proxy")
            .env_remove("HTTP_PROXY")
            .env_remove("http_proxy");
        cmd
    }

    /// [`Env::cmd`] as a `std::process::Command` (see [`Env::std_bare`]).
    pub fn std_cmd(&self) -> std::process::Command {
        let mut cmd = self.std_bare();
        cmd.args(self.network_args()).arg("--no-config");
        cmd
    }

    /// `tikdl` routed through the imitation as an HTTPS proxy, trusting its CA; quick retries;
    /// no config file; this test's own metadata cache.
    pub fn cmd(&self) -> Command {
        let mut cmd = self.networked();
        cmd.arg("--no-config");
        cmd
    }

    /// Like [`Env::cmd`], reading the config file `config` instead of none.
    pub fn cmd_with_config(&self, config: &Path) -> Command {
        let mut cmd = self.networked();
        cmd.arg("--config").arg(config);
        cmd
    }

    fn networked(&self) -> Command {
        let mut cmd = self.bare();
        cmd.args(self.network_args());
        cmd
    }

    /// Through the imitation as an HTTPS proxy, trusting its CA; quick retries; this test's own
    /// metadata cache.
    fn network_args(&self) -> Vec<std::ffi::OsString> {
        let mut args: Vec<std::ffi::OsString> = vec![
            "--proxy".into(),
            self.tiktok.proxy_url().into(),
            "--ca-cert".into(),
            self.ca.clone().into(),
        ];
        args.extend(["--retry-backoff".into(), "0.01".into()]);
        args.extend(["--cache-dir".into(), self.cache_dir().into()]);
        args
    }

    /// Runs `tikdl info --json URL` and returns the parsed line; panics if it failed.
    pub fn info_json(&self, url: &str) -> Value {
        let out = self
            .cmd()
            .args(["info", "--json", url])
            .output()
            .expect("run tikdl");
        assert!(
            out.status.success(),
            "tikdl info {url} failed: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        let stdout = String::from_utf8(out.stdout).expect("utf-8 output");
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines.len(), 1, "one NDJSON line expected: {stdout}");
        serde_json::from_str(lines[0]).expect("valid JSON")
    }

    /// Runs `tikdl info --json URL` expecting failure: (exit code, error object, stderr).
    pub fn info_error(&self, url: &str) -> (i32, Value, String) {
        let out = self
            .cmd()
            .args(["info", "--json", url])
            .output()
            .expect("run tikdl");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let line: Value =
            serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout:?}"));
        (
            out.status.code().unwrap_or(-1),
            line["error"].clone(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

/// The sizes of the formats, sorted, for comparing with what a capture announces.
pub fn sizes(info: &Value) -> Vec<u64> {
    let mut v: Vec<u64> = info["formats"]
        .as_array()
        .expect("formats")
        .iter()
        .filter_map(|f| f["filesize"].as_u64())
        .collect();
    v.sort_unstable();
    v
}

/// Parses NDJSON output.
pub fn ndjson(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Checks every downloaded video against the bytes the imitation serves for the chosen format,
/// using the info JSON written beside it. Returns the number of files checked.
pub fn verify_downloads(env: &Env, results: &[Value]) -> usize {
    let mut checked = 0;
    for r in results
        .iter()
        .filter(|r| r["status"] == "downloaded" || r["status"] == "already_downloaded")
    {
        let files = r["files"].as_array().unwrap();
        let video = files
            .iter()
            .find(|f| f["role"] == "video")
            .expect("a video file");
        let info_path = files
            .iter()
            .find(|f| f["role"] == "info_json")
            .expect("info json")["path"]
            .as_str()
            .unwrap();
        let info: Value =
            serde_json::from_slice(&std::fs::read(env.dir.path().join(info_path)).unwrap())
                .unwrap();
        let fmt = info["formats"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["format_id"] == r["format_id"])
            .unwrap();
        let want = env.tiktok.media_bytes(fmt["url"].as_str().unwrap());
        let got = std::fs::read(env.dir.path().join(video["path"].as_str().unwrap())).unwrap();
        assert_eq!(got.len(), want.len(), "{}", r["id"]);
        assert!(got == want, "{} differs from the served bytes", r["id"]);
        checked += 1;
    }
    checked
}

pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p)
            } else {
                out.push(p)
            }
        }
    }
    out
}
