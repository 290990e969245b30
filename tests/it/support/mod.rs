//! Test harness: a TikTok imitation per test plus a command wrapper that runs the real `tikdl`
//! binary against it exactly as a user would (`--proxy` + `--ca-cert`).
//!
//! Every test runs tikdl through here: [`Env::cmd`] (or [`Env::std_cmd`] to spawn, signal or race
//! processes) builds the command, [`Env::run`] / [`Env::json`] / [`download`] run it to the end
//! and give a [`Run`], whose checks ([`Run::code`], [`Run::success`], [`Run::ok`]) print the
//! whole run when they fail.

#![allow(dead_code)] // helpers for tests that may be filtered out

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;
pub use tiktok_imitation::families::{BATCH_BASE, BENCH_BASE, batch_url, bench_url};
pub use tiktok_imitation::{Fault, FaultRule, Imitation, RequestRecord};

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
        self.isolate(&mut cmd);
        cmd
    }

    /// [`Env::std_cmd`] started through `sh -c SCRIPT` (tikdl is `$0`, its arguments `$@`), for
    /// limits a test sets in the shell: `ulimit -f 1 && exec "$0" "$@"`.
    pub fn std_cmd_in_shell(&self, script: &str) -> std::process::Command {
        let mut cmd = std::process::Command::new("sh");
        self.isolate(&mut cmd);
        cmd.arg("-c")
            .arg(script)
            .arg(assert_cmd::cargo::cargo_bin("tikdl"))
            .args(self.network_args())
            .arg("--no-config");
        cmd
    }

    /// This test's folder as the working directory; HOME, XDG folders and proxy variables never
    /// the user's.
    fn isolate(&self, cmd: &mut std::process::Command) {
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

    /// Runs `tikdl ARGS` (as [`Env::cmd`]) to the end; stdout stays text.
    pub fn run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = self.cmd();
        cmd.args(args);
        Run::text_of(&mut cmd)
    }

    /// Runs `tikdl ARGS` (as [`Env::cmd`]) to the end; every stdout line must be JSON.
    pub fn json<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = self.cmd();
        cmd.args(args);
        Run::json_of(&mut cmd)
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

/// tikdl's record of whose files are in a folder (`src/save/provenance.rs`): one per folder it saves
/// into, not one of the saved files.
pub const MANIFEST: &str = ".tikdl-manifest";

pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p)
            } else if p.file_name() != Some(std::ffi::OsStr::new(MANIFEST)) {
                out.push(p)
            }
        }
    }
    out
}

/// A request for a web page (not an API call or media under `/aweme/`) on www.tiktok.com.
pub fn is_page_request(r: &tiktok_imitation::RequestRecord) -> bool {
    r.host == "www.tiktok.com" && !r.path.starts_with("/aweme/")
}

/// The page requests the imitation has seen so far whose path holds `id` (`""`: every one).
pub fn page_requests(env: &Env, id: &str) -> usize {
    env.tiktok
        .requests()
        .iter()
        .filter(|r| is_page_request(r) && r.path.contains(id))
        .count()
}

/// The requests the imitation has seen so far whose path (with query) holds `needle`.
pub fn requests_with(env: &Env, needle: &str) -> Vec<RequestRecord> {
    env.tiktok
        .requests()
        .into_iter()
        .filter(|r| r.path.contains(needle))
        .collect()
}

/// Standard output as text.
pub fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs `cmd`; panics with both streams unless it exited 0.
pub fn run_ok(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "exit {:?}\nstderr: {}\nstdout: {}",
        out.status.code(),
        stderr(&out),
        stdout(&out)
    );
    out
}

/// `tikdl download --json ARGS` in the test's folder, through the imitation.
pub fn download(env: &Env, args: &[&str]) -> Run {
    download_in(env, env.dir.path(), args)
}

/// [`download`] run in the folder `cwd`.
pub fn download_in(env: &Env, cwd: &Path, args: &[&str]) -> Run {
    let mut cmd = env.cmd();
    cmd.current_dir(cwd).args(["download", "--json"]).args(args);
    Run::json_of(&mut cmd)
}

/// [`download`] that must end within `limit` (a hang is a failure, not a stuck test).
pub fn download_within(env: &Env, args: &[&str], limit: Duration) -> Run {
    let mut cmd = env.cmd();
    cmd.args(["download", "--json"]).args(args).timeout(limit);
    Run::json_of(&mut cmd)
}

/// The media requests (anything but a page on www.tiktok.com) the imitation has seen so far.
pub fn media_requests(env: &Env) -> Vec<RequestRecord> {
    env.tiktok
        .requests()
        .into_iter()
        .filter(|r| !is_page_request(r))
        .collect()
}

/// `sh -c SCRIPT` in the test's folder, tikdl as `$0` (its network arguments in `$@`), ended
/// after `limit`; returns (stdout, stderr).
pub fn shell(env: &Env, script: &str, limit: Duration) -> (String, String) {
    let mut child = env
        .std_cmd_in_shell(script)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start sh");
    // Both pipes are read while the script runs, so a chatty one never blocks it.
    let pipe = |r: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut text);
            }
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let out = pipe(child.stdout.take().map(|p| Box::new(p) as _));
    let err = pipe(child.stderr.take().map(|p| Box::new(p) as _));
    let started = Instant::now();
    while child.try_wait().expect("wait for sh").is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("`{script}` still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let text = |t: std::thread::JoinHandle<String>| t.join().expect("pipe reader");
    (text(out), text(err))
}

/// The path as text (the tests' temp folders are UTF-8).
pub fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// `NAME.part` beside `p`.
pub fn part_of(p: &Path) -> PathBuf {
    let mut name = p.file_name().expect("file name").to_os_string();
    name.push(".part");
    p.with_file_name(name)
}

/// The names in `dir`, sorted, without tikdl's manifest (it is not one of the saved files).
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n != MANIFEST)
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// The paths of a result's files with `role`, in result order.
pub fn files(result: &Value, role: &str) -> Vec<PathBuf> {
    result["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter(|f| f["role"] == role)
        .map(|f| PathBuf::from(f["path"].as_str().expect("path")))
        .collect()
}

/// The URL of the format `id` in an info JSON.
pub fn format_url(info: &Value, id: &str) -> String {
    info["formats"]
        .as_array()
        .expect("formats")
        .iter()
        .find(|f| f["format_id"] == id)
        .unwrap_or_else(|| panic!("no format {id}"))["url"]
        .as_str()
        .expect("url")
        .to_owned()
}

/// What a finished `tikdl` run showed: exit code, both streams, and stdout's JSON lines.
pub struct Run {
    /// The command line, for failure messages.
    pub command: String,
    pub code: i32,
    pub stdout: String,
    /// Stdout parsed line by line (filled by [`Run::of`], which requires every line be JSON).
    pub lines: Vec<Value>,
    pub stderr: String,
}

impl std::fmt::Display for Run {
    /// The whole run, as a failed check shows it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "\n--- command\n{}\n--- exit code {}\n--- stdout\n{}\n--- stderr\n{}",
            self.command, self.code, self.stdout, self.stderr
        )
    }
}

impl Run {
    /// Runs `cmd` to the end; every stdout line must be JSON.
    pub fn json_of(cmd: &mut Command) -> Run {
        let command = format!("{:?}", cmd);
        Run {
            command,
            ..Run::of(cmd.output().expect("run tikdl"))
        }
    }

    /// Runs `cmd` to the end; stdout stays text.
    pub fn text_of(cmd: &mut Command) -> Run {
        let command = format!("{:?}", cmd);
        Run {
            command,
            ..Run::text(cmd.output().expect("run tikdl"))
        }
    }

    /// A run whose stdout is JSON lines (`--json`); panics on any other line.
    pub fn of(out: std::process::Output) -> Run {
        let stdout = String::from_utf8(out.stdout.clone()).expect("utf-8 stdout");
        Run {
            lines: stdout
                .lines()
                .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
                .collect(),
            ..Run::text(out)
        }
    }

    /// A run whose stdout is text (its `lines` stay empty).
    pub fn text(out: std::process::Output) -> Run {
        Run {
            command: String::new(),
            code: out.status.code().unwrap_or(-1),
            stdout: stdout(&out),
            lines: Vec::new(),
            stderr: stderr(&out),
        }
    }

    /// Exited with `code`; otherwise panics showing the whole run.
    pub fn code(self, code: i32) -> Self {
        assert_eq!(self.code, code, "unexpected exit code{self}");
        self
    }

    /// Exited 0.
    pub fn success(self) -> Self {
        self.code(0)
    }

    /// Stdout's JSON lines (parsed now if the run was read as text).
    pub fn json_lines(&self) -> Vec<Value> {
        if !self.lines.is_empty() {
            return self.lines.clone();
        }
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}{self}")))
            .collect()
    }

    /// The one result line (one URL was given).
    pub fn result(&self) -> &Value {
        assert_eq!(
            self.lines.len(),
            1,
            "one result line: {:?}\n{}",
            self.lines,
            self.stderr
        );
        &self.lines[0]
    }

    /// Exited 0 with the one result `downloaded`.
    pub fn ok(self) -> Self {
        assert_eq!(
            self.code, 0,
            "download failed: {}\n{:?}",
            self.stderr, self.lines
        );
        assert_eq!(self.result()["status"], "downloaded", "{:?}", self.lines);
        self
    }

    /// Both streams, stdout first.
    pub fn both(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// Neither stream holds `secret`.
    pub fn assert_hides(&self, secret: &str) {
        assert!(
            !self.both().contains(secret),
            "secret {secret:?} printed:\n{}",
            self.both()
        );
    }
}

/// Runs `cmd` to the end.
pub fn run(mut cmd: Command) -> Run {
    Run::text_of(&mut cmd)
}
pub mod walk;

/// Runs the test `module::name` (as `module_path!()` and the function's name give it) again, alone,
/// in a test process of its own, and returns true there: the caller returns at once. In that
/// process it returns false and the test runs.
///
/// For tests that measure a child's peak RSS: `wait4` reports the larger of the child's own peak
/// and this process's peak when the child was spawned (the kernel keeps the old address space's
/// high-water mark across `exec`), and this one process runs every other test's imitation too.
pub fn in_own_process(module: &str, name: &str) -> bool {
    const MARK: &str = "TIKDL_IT_OWN_PROCESS";
    if std::env::var_os(MARK).is_some() {
        return false;
    }
    let module = module.split_once("::").map_or("", |(_, rest)| rest);
    let test = format!("{module}::{name}");
    let mut child = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([
            test.as_str(),
            "--exact",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env(MARK, "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the test binary");
    // Line by line through print!/eprint!, so libtest shows them as this test's own output.
    let out = child.stdout.take().map(|p| forward(p, false));
    let err = child.stderr.take().map(|p| forward(p, true));
    let status = child.wait().expect("wait for the test binary");
    out.into_iter().chain(err).for_each(|t| {
        let _ = t.join();
    });
    assert!(
        status.success(),
        "{test} failed in its own process (its output is above)"
    );
    true
}

fn forward(
    pipe: impl std::io::Read + Send + 'static,
    to_stderr: bool,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(pipe).lines().map_while(Result::ok) {
            if to_stderr {
                eprintln!("{line}");
            } else {
                println!("{line}");
            }
        }
    })
}

/// The file holds exactly `expected`; otherwise says where they differ (without printing bytes).
pub fn assert_bytes(path: &Path, expected: &[u8]) {
    let got = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if got != expected {
        let at = got
            .iter()
            .zip(expected)
            .position(|(a, b)| a != b)
            .unwrap_or(got.len().min(expected.len()));
        panic!(
            "{}: {} bytes on disk, {} expected; first difference at byte {at}",
            path.display(),
            got.len(),
            expected.len()
        );
    }
}
