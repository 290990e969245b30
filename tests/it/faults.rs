//! Fault-injection suite: hundreds of downloads through the imitation with faults drawn from a
//! fixed seed (so a failure replays). Every download must end with a file byte-identical to the
//! served bytes, or with no final file and a clear error; never a wrong file under a final name.
//!
//! `TIKDL_FAULT_RUNS=2000 TIKDL_FAULT_SEED=7 cargo test --release --test it faults::` runs a larger
//! suite; the tally is printed to stderr even when the test passes.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Duration;

use crate::support::{Env, Fault, FaultRule, files_under, ndjson, verify_downloads};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The imitation's batch family; this suite uses its own slice of it.
const FIRST_ID: u64 = 7300000000000102001;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Scenario {
    Clean,
    DropMidBody,
    RateLimitedRetryAfter,
    RateLimitedBare,
    ServerError,
    StallBeforeHeaders,
    StallMidBody,
    LongContentLength,
    ShortBody,
    DropThenRangeIgnored,
    DropThenWrongContentRange,
    HtmlOnce,
    JsonOnce,
    MirrorDown,
    HtmlForever,
    NotFoundForever,
    // Hostile behaviours a CDN has shown.
    /// No Content-Length and no end.
    EndlessOnce,
    /// The body slows to one byte every 50 ms.
    TrickleOnce,
    /// D1: the body is cut, then every Range (and the next few answers) is refused with 403.
    CutThen403s,
    /// A media answer redirects to `file://`, plain http or a foreign host.
    RedirectOnce,
}

impl Scenario {
    const ALL: [Scenario; 20] = [
        Self::Clean,
        Self::DropMidBody,
        Self::RateLimitedRetryAfter,
        Self::RateLimitedBare,
        Self::ServerError,
        Self::StallBeforeHeaders,
        Self::StallMidBody,
        Self::LongContentLength,
        Self::ShortBody,
        Self::DropThenRangeIgnored,
        Self::DropThenWrongContentRange,
        Self::HtmlOnce,
        Self::JsonOnce,
        Self::MirrorDown,
        Self::HtmlForever,
        Self::NotFoundForever,
        Self::EndlessOnce,
        Self::TrickleOnce,
        Self::CutThen403s,
        Self::RedirectOnce,
    ];

    /// Whether a correct client must finish this download (the others must fail cleanly).
    fn recoverable(self) -> bool {
        !matches!(self, Self::HtmlForever | Self::NotFoundForever)
    }

    /// The fault rules for one post's media (`imt=ID` marks its URLs).
    fn rules(self, id: u64, rng: &mut StdRng) -> Vec<FaultRule> {
        let media = format!("imt={id}");
        let rule = |fault: Fault, times: u32| FaultRule {
            host: None,
            path_contains: media.clone(),
            fault,
            times,
        };
        // Generated media are 40-400 KB: every offset below 40,000 falls inside the body.
        let offset = rng.random_range(1..40_000u64);
        match self {
            Self::Clean => vec![],
            Self::DropMidBody => vec![rule(Fault::DropAfter(offset), rng.random_range(1..=3))],
            Self::RateLimitedRetryAfter => {
                vec![rule(
                    Fault::Status {
                        code: 429,
                        retry_after: Some(rng.random_range(0..=1)),
                    },
                    rng.random_range(1..=2),
                )]
            }
            Self::RateLimitedBare => vec![rule(
                Fault::Status {
                    code: 429,
                    retry_after: None,
                },
                1,
            )],
            Self::ServerError => {
                let code = [500, 502, 503][rng.random_range(0..3)];
                vec![rule(
                    Fault::Status {
                        code,
                        retry_after: None,
                    },
                    rng.random_range(1..=3),
                )]
            }
            Self::StallBeforeHeaders => vec![rule(Fault::Stall(Duration::from_millis(1500)), 1)],
            Self::StallMidBody => {
                vec![rule(
                    Fault::StallBody {
                        after: offset,
                        dur: Duration::from_millis(1500),
                    },
                    1,
                )]
            }
            Self::LongContentLength => vec![rule(Fault::LongContentLength, 1)],
            Self::ShortBody => vec![rule(Fault::ShortBody(offset), 1)],
            Self::DropThenRangeIgnored => vec![
                rule(Fault::DropAfter(offset), 1),
                rule(Fault::IgnoreRange, 1),
            ],
            Self::DropThenWrongContentRange => {
                vec![
                    rule(Fault::DropAfter(offset), 1),
                    rule(Fault::WrongContentRange, 1),
                ]
            }
            Self::HtmlOnce => vec![rule(Fault::HtmlInsteadOfMedia, 1)],
            Self::JsonOnce => vec![rule(Fault::JsonInsteadOfMedia, 1)],
            Self::MirrorDown => vec![FaultRule {
                host: Some("v16-webapp-prime.us.tiktok.com".into()),
                path_contains: media,
                fault: Fault::Status {
                    code: 503,
                    retry_after: None,
                },
                times: 0,
            }],
            Self::EndlessOnce => vec![rule(Fault::Endless, 1)],
            Self::TrickleOnce => vec![rule(Fault::Trickle(offset), 1)],
            Self::CutThen403s => vec![
                rule(Fault::DropAfter(offset), 1),
                rule(
                    Fault::Status {
                        code: 403,
                        retry_after: None,
                    },
                    rng.random_range(2..=6),
                ),
            ],
            Self::RedirectOnce => {
                let to = [
                    "file:///etc/passwd",
                    "http://127.0.0.1:9/m.mp4",
                    "https://attacker.example/m.mp4",
                ][rng.random_range(0..3)];
                vec![rule(Fault::Redirect(to.into()), 1)]
            }
            Self::HtmlForever => vec![rule(Fault::HtmlInsteadOfMedia, 0)],
            Self::NotFoundForever => vec![rule(
                Fault::Status {
                    code: 404,
                    retry_after: None,
                },
                0,
            )],
        }
    }
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn random_faults_never_leave_a_wrong_file() {
    let runs = env_u64("TIKDL_FAULT_RUNS", 200);
    let seed = env_u64("TIKDL_FAULT_SEED", 0x7d1d1);
    let mut rng = StdRng::seed_from_u64(seed);
    let env = Env::new();

    let mut plan: BTreeMap<u64, Scenario> = BTreeMap::new();
    for i in 0..runs {
        let id = FIRST_ID + i;
        let scenario = Scenario::ALL[rng.random_range(0..Scenario::ALL.len())];
        for rule in scenario.rules(id, &mut rng) {
            env.tiktok.add_fault(rule);
        }
        plan.insert(id, scenario);
    }
    let urls: Vec<String> = plan
        .keys()
        .map(|id| format!("https://www.tiktok.com/@faults/video/{id}"))
        .collect();
    let list = env.dir.path().join("urls.txt");
    std::fs::write(&list, urls.join("\n")).unwrap();
    // Secrets that must never show up in any output or file.
    let cookies = env.dir.path().join("cookies.txt");
    std::fs::write(
        &cookies,
        format!(".tiktok.com\tTRUE\t/\tTRUE\t4102444800\tsessionid\t{COOKIE_SECRET}\n"),
    )
    .unwrap();

    let out = env
        .cmd()
        .args([
            "--rate-limit",
            "0",
            "--timeout",
            "1",
            "--retries",
            "3",
            "-v",
        ])
        .arg("--cookies")
        .arg(&cookies)
        .args([
            "--header",
            &format!("Authorization: Bearer {HEADER_SECRET}"),
        ])
        .args([
            "batch",
            // Trickling media is abandoned after a second below 4 KiB/s, then resumed.
            "--low-speed-limit",
            "4096",
            "--low-speed-time",
            "1",
            "--jobs",
            "8",
            "--json",
            "--write-info-json",
            "-f",
            "best",
            "-P",
            "out",
        ])
        .arg(&list)
        .timeout(Duration::from_secs(600))
        .output()
        .unwrap();
    let results = ndjson(&out.stdout);
    assert_eq!(
        results.len() as u64,
        runs,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Every success is byte-identical to what was served.
    let ok = verify_downloads(&env, &results);

    // Every failure left no final file: only .part leftovers (to resume) may exist for it.
    let files = files_under(&env.dir.path().join("out"));
    let mut tally: BTreeMap<Scenario, (u32, u32, BTreeMap<String, u32>)> = BTreeMap::new();
    let mut corrupted = 0;
    for r in &results {
        let url = r["url"].as_str().unwrap();
        let id: u64 = url.rsplit('/').next().and_then(|s| s.parse().ok()).unwrap();
        let scenario = plan[&id];
        let entry = tally.entry(scenario).or_default();
        if r["status"] == "downloaded" {
            entry.0 += 1;
            continue;
        }
        let code = r["error"]["code"].as_str().unwrap_or("?").to_owned();
        assert!(
            !r["error"]["message"].as_str().unwrap_or("").is_empty(),
            "a failure says why: {r}"
        );
        *entry.2.entry(code).or_default() += 1;
        entry.1 += 1;
        let tag = format!("[{id}]");
        for f in &files {
            let name = f.file_name().unwrap().to_string_lossy();
            if name.contains(&tag) && !name.ends_with(".part") {
                corrupted += 1;
                eprintln!("failed post left a final file: {}", f.display());
            }
        }
        assert!(
            !scenario.recoverable(),
            "{scenario:?} should have recovered: {}",
            r["error"]
        );
    }

    let mut report = format!("fault suite (seed {seed:#x}, {runs} downloads):\n");
    for (scenario, (done, failed, reasons)) in &tally {
        let reasons: Vec<String> = reasons.iter().map(|(k, v)| format!("{k} x{v}")).collect();
        let label = if *scenario == Scenario::Clean {
            "done"
        } else {
            "recovered"
        };
        let name = format!("{scenario:?}");
        report.push_str(&format!(
            "  {name:<26} {label} {done:>3}  failed {failed:>3}  {}\n",
            reasons.join(", ")
        ));
    }
    let failed = results.len() - ok;
    let outside = files_outside_output(
        env.dir.path(),
        &["out", "urls.txt", "cookies.txt", "ca.pem"],
    );
    let leaks = secrets_in(&[&out.stdout, &out.stderr], &files);
    report.push_str(&format!(
        "  total: {ok} byte-identical, {failed} failed cleanly, {corrupted} corrupted final files, \
         {} files outside -P, {leaks} secrets in any output\n",
        outside.len()
    ));
    // Written straight to stderr so CI shows it even though the harness captures print!.
    let _ = std::io::stderr().write_all(report.as_bytes());
    assert_eq!(corrupted, 0);
    assert!(outside.is_empty(), "written outside -P: {outside:?}");
    assert_eq!(leaks, 0, "a secret reached stdout, stderr or a file");
}

const COOKIE_SECRET: &str = "FAULTSUITECOOKIESECRET";
const HEADER_SECRET: &str = "FAULTSUITEHEADERSECRET";

/// Paths directly in `dir` other than the expected ones.
fn files_outside_output(dir: &std::path::Path, expected: &[&str]) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| !expected.contains(&name.as_str()))
        .collect()
}

/// How many of the outputs and files contain either secret.
fn secrets_in(outputs: &[&[u8]], files: &[std::path::PathBuf]) -> usize {
    let has = |bytes: &[u8]| {
        [COOKIE_SECRET, HEADER_SECRET]
            .iter()
            .any(|s| bytes.windows(s.len()).any(|w| w == s.as_bytes()))
    };
    let in_outputs = outputs.iter().filter(|o| has(o)).count();
    let in_files = files
        .iter()
        .filter(|f| std::fs::read(f).is_ok_and(|b| has(&b)))
        .count();
    in_outputs + in_files
}

/// Whether every final video of post `id` under `out` is byte-identical to one of the post's
/// served renditions (read from its info JSON). `None` when the post has no final video.
fn final_video_is_a_rendition(env: &Env, files: &[std::path::PathBuf], id: u64) -> Option<bool> {
    let tag = format!("[{id}]");
    let named = |ext: &str| {
        files.iter().find(|f| {
            let n = f.file_name().unwrap().to_string_lossy();
            n.contains(&tag) && n.ends_with(ext)
        })
    };
    let video = named(".mp4")?;
    let info: serde_json::Value =
        serde_json::from_slice(&std::fs::read(named(".info.json")?).unwrap()).unwrap();
    let got = std::fs::read(video).unwrap();
    Some(info["formats"].as_array().unwrap().iter().any(|f| {
        f["url"]
            .as_str()
            .is_some_and(|u| env.tiktok.media_bytes(u) == got)
    }))
}

/// Several tikdl processes on one list, one output folder and one archive (two at
/// once, a third killed mid-run, then a last run): every final file is one rendition's exact
/// bytes, and every post ends downloaded.
#[test]
fn two_processes_on_one_list_never_leave_a_wrong_file() {
    const POSTS: u64 = 24;
    let first = FIRST_ID; // its own imitation, so the same ids as the suite above are fine
    let mut rng = StdRng::seed_from_u64(0xd2);
    let env = Env::new();
    let mut urls = Vec::new();
    for i in 0..POSTS {
        let id = first + i;
        // Recoverable faults only, so that every post must end downloaded.
        let scenario = loop {
            let s = Scenario::ALL[rng.random_range(0..Scenario::ALL.len())];
            if s.recoverable() && s != Scenario::TrickleOnce {
                break s;
            }
        };
        for rule in scenario.rules(id, &mut rng) {
            env.tiktok.add_fault(rule);
        }
        urls.push(format!("https://www.tiktok.com/@race/video/{id}"));
    }
    let list = env.dir.path().join("urls.txt");
    std::fs::write(&list, urls.join("\n")).unwrap();
    let logs = tempfile::tempdir().unwrap();
    let run = |name: &str| {
        let log = std::fs::File::create(logs.path().join(name)).unwrap();
        env.std_cmd()
            .args(["--rate-limit", "0", "--timeout", "1", "--retries", "3"])
            .args(["batch", "--jobs", "3", "--write-info-json", "-f", "best"])
            .args([
                "--limit-rate",
                "4M",
                "-P",
                "out",
                "--download-archive",
                "arch.txt",
            ])
            .arg(&list)
            .stdout(std::process::Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap()
    };
    let log = |name: &str| std::fs::read_to_string(logs.path().join(name)).unwrap_or_default();
    let mut a = run("a");
    let mut b = run("b");
    let mut c = run("c");
    std::thread::sleep(Duration::from_millis(300));
    let _ = c.kill(); // SIGKILL mid-run: it leaves .part files and locks behind
    let _ = c.wait();
    assert!(a.wait().unwrap().success(), "{}", log("a"));
    assert!(b.wait().unwrap().success(), "{}", log("b"));
    // A last run finishes whatever is left and must find nothing wrong.
    let mut d = run("d");
    assert!(d.wait().unwrap().success(), "{}", log("d"));

    let files = files_under(&env.dir.path().join("out"));
    let mut wrong = 0;
    for i in 0..POSTS {
        match final_video_is_a_rendition(&env, &files, first + i) {
            Some(true) => {}
            Some(false) => wrong += 1,
            None => panic!("post {} has no final video: {files:?}", first + i),
        }
    }
    let archive = std::fs::read_to_string(env.dir.path().join("arch.txt")).unwrap();
    let archived: std::collections::BTreeSet<&str> = archive.lines().collect();
    let _ = writeln!(
        std::io::stderr(),
        "race suite: {POSTS} posts, 4 processes (one killed): {wrong} wrong final files, {} archived",
        archived.len()
    );
    assert_eq!(wrong, 0);
    assert_eq!(archived.len() as u64, POSTS);
}
