//! The config file: flag > file > default (shown by `config show` and seen in behaviour),
//! unknown keys warned about, bad values refused with key and line, the default location.

use std::path::PathBuf;

use crate::support::{Env, stderr, stdout};

const BENCH_1: &str = "https://www.tiktok.com/@bench/video/7900000000000000001";

fn write_config(env: &Env, text: &str) -> PathBuf {
    let path = env.state.path().join("config.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// The `config show` line for `key` (it starts the line), as (value, source).
fn shown(text: &str, key: &str) -> (String, String) {
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{key} = ")))
        .unwrap_or_else(|| panic!("no {key} in:\n{text}"));
    let (assign, source) = line.rsplit_once('#').unwrap();
    let value = assign.split_once('=').unwrap().1.trim().to_owned();
    (value, source.trim().to_owned())
}

#[test]
fn show_marks_each_value_default_file_or_flag() {
    let env = Env::new();
    let config = write_config(
        &env,
        "cache_ttl = 60\nretry_attempts = 7\n\n[rate_limit]\nburst_limit = 4\n\n[download]\nquality = \"720p\"\n",
    );
    let out = env
        .cmd_with_config(&config)
        .args(["--cache-ttl", "5", "--burst", "2", "config", "show"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(&format!("# config file: {}", config.display())),
        "{text}"
    );
    assert_eq!(shown(&text, "cache_ttl"), ("5".into(), "flag".into()));
    assert_eq!(shown(&text, "retry_attempts"), ("7".into(), "file".into()));
    assert_eq!(shown(&text, "burst_limit"), ("2".into(), "flag".into()));
    assert_eq!(shown(&text, "quality"), ("\"720p\"".into(), "file".into()));
    assert_eq!(
        shown(&text, "requests_per_minute"),
        ("60".into(), "default".into())
    );
    assert_eq!(
        shown(&text, "cache_max_size"),
        ("1000".into(), "default".into())
    );
    // env.cmd_with_config passes --retry-backoff 0.01: a flag.
    assert_eq!(
        shown(&text, "retry_backoff"),
        ("0.01".into(), "flag".into())
    );
}

#[test]
fn precedence_is_seen_in_behaviour_too() {
    let env = Env::new();
    let ua_of_last_page = |env: &Env| {
        env.tiktok
            .requests()
            .iter()
            .rev()
            .find(|r| r.host == "www.tiktok.com")
            .and_then(|r| r.user_agent.clone())
            .unwrap_or_default()
    };
    // Default: the built-in Chrome.
    assert!(
        env.cmd()
            .args(["--no-cache", "info", BENCH_1])
            .output()
            .unwrap()
            .status
            .success()
    );
    assert!(ua_of_last_page(&env).contains("Chrome/"));
    // File.
    let config = write_config(
        &env,
        "enable_caching = false\n[headers]\nuser_agent = \"FileAgent/1.0\"\n",
    );
    assert!(
        env.cmd_with_config(&config)
            .args(["info", BENCH_1])
            .output()
            .unwrap()
            .status
            .success()
    );
    assert_eq!(ua_of_last_page(&env), "FileAgent/1.0");
    // Flag beats file.
    let out = env
        .cmd_with_config(&config)
        .args(["--user-agent", "FlagAgent/2.0", "info", BENCH_1])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(ua_of_last_page(&env), "FlagAgent/2.0");

    // The cache TTL: the file says never serve, the flag says serve.
    let config = write_config(&env, "cache_ttl = 0\n");
    env.cmd_with_config(&config)
        .args(["info", BENCH_1])
        .output()
        .unwrap();
    env.tiktok.clear_requests();
    env.cmd_with_config(&config)
        .args(["info", BENCH_1])
        .output()
        .unwrap();
    assert_eq!(env.tiktok.requests().len(), 1, "file: TTL 0, fetched");
    env.tiktok.clear_requests();
    env.cmd_with_config(&config)
        .args(["--cache-ttl", "600", "info", BENCH_1])
        .output()
        .unwrap();
    assert_eq!(env.tiktok.requests().len(), 0, "flag: TTL 600, served");
}

#[test]
fn download_defaults_come_from_the_file() {
    let env = Env::new();
    let config = write_config(&env, "[download]\noutput = \"from-file/%(id)s.%(ext)s\"\n");
    let out = env
        .cmd_with_config(&config)
        .args(["download", "--quiet", BENCH_1])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        env.dir
            .path()
            .join("from-file/7900000000000000001.mp4")
            .is_file()
    );
    let out = env
        .cmd_with_config(&config)
        .args(["download", "--quiet", "-o", "from-flag.%(ext)s", BENCH_1])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(env.dir.path().join("from-flag.mp4").is_file());
}

/// A quoted `~` (cron lines, config files) is the home folder, as in yt-dlp, in `-o`, `-P`,
/// the config's `download.output` and path flags; `~name` is refused, never a folder named so.
#[test]
fn a_leading_tilde_is_the_home_folder() {
    let env = Env::new();
    let home = env.state.path().join("home");
    let id = "7900000000000000001";
    let config = write_config(&env, "[download]\noutput = \"~/tl3/%(id)s.%(ext)s\"\n");
    let runs: [(&[&str], PathBuf); 4] = [
        (
            &["-o", "~/tl/%(id)s.%(ext)s"],
            home.join(format!("tl/{id}.mp4")),
        ),
        (
            &["-P", "~/tl2", "-o", "%(id)s.%(ext)s"],
            home.join(format!("tl2/{id}.mp4")),
        ),
        (
            &["-P", "~", "-o", "%(id)s.%(ext)s"],
            home.join(format!("{id}.mp4")),
        ),
        (&[], home.join(format!("tl3/{id}.mp4"))),
    ];
    for (args, want) in runs {
        let mut cmd = if args.is_empty() {
            env.cmd_with_config(&config)
        } else {
            env.cmd()
        };
        let out = cmd
            .args(["download", "--quiet"])
            .args(args)
            .arg(BENCH_1)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert!(want.is_file(), "{args:?}: no {}", want.display());
    }
    assert!(!env.dir.path().join("~").exists());
    // A `%` in the home folder's name stays text, not the start of a field.
    let odd_home = env.state.path().join("50%(id)s home");
    let out = env
        .cmd()
        .env("HOME", &odd_home)
        .args(["download", "--quiet", "-o", "~/x/%(id)s.%(ext)s", BENCH_1])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(odd_home.join(format!("x/{id}.mp4")).is_file());

    for args in [
        ["-o", "~nobody/x/%(id)s.%(ext)s"],
        ["-P", "~nobody/x"],
        ["--cookies", "~nobody/c.txt"],
    ] {
        let out = env
            .cmd()
            .args(["download", "--quiet"])
            .args(args)
            .arg(BENCH_1)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("not `~name`"), "{}", stderr(&out));
    }
    let config = write_config(&env, "[download]\noutput = \"~nobody/%(id)s.%(ext)s\"\n");
    let out = env
        .cmd_with_config(&config)
        .args(["download", "--quiet", BENCH_1])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("download.output"), "{}", stderr(&out));
    let made: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        !made.iter().any(|n| n.to_string_lossy().starts_with('~')),
        "{made:?}"
    );
}

#[test]
fn unknown_keys_are_warnings_that_name_the_key_and_line() {
    let env = Env::new();
    let config = write_config(
        &env,
        "cache_ttl = 60\ncache_tll = 5\n\n[rate_limit]\nburst = 3\n",
    );
    let out = env
        .cmd_with_config(&config)
        .args(["config", "show"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("line 2: unknown key `cache_tll` (ignored)"),
        "{err}"
    );
    assert!(
        err.contains("line 5: unknown key `rate_limit.burst` (ignored)"),
        "{err}"
    );
    assert!(err.starts_with("warning: "), "{err}");
    assert_eq!(
        shown(&stdout(&out), "cache_ttl"),
        ("60".into(), "file".into())
    );
}

#[test]
fn bad_values_are_errors_that_name_the_key_and_line() {
    let env = Env::new();
    for (text, key, line) in [
        ("cache_ttl = \"soon\"\n", "`cache_ttl`", "line 1"),
        (
            "# comment\n[rate_limit]\nrequests_per_minute = -3\n",
            "`rate_limit.requests_per_minute`",
            "line 3",
        ),
        (
            "\n[download]\ncodec = \"vp9\"\n",
            "`download.codec`",
            "line 3",
        ),
        ("request_timeout = true\n", "`request_timeout`", "line 1"),
        ("\nrequest_timeout = 0\n", "`request_timeout`", "line 2"),
    ] {
        let config = write_config(&env, text);
        let out = env
            .cmd_with_config(&config)
            .args(["info", BENCH_1])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{text}");
        let err = stderr(&out);
        assert!(err.contains(key) && err.contains(line), "{text}: {err}");
        assert!(err.contains("config.toml"), "names the file: {err}");
    }
    assert!(
        env.tiktok.requests().is_empty(),
        "nothing is fetched with a bad config"
    );

    let config = write_config(&env, "[rate_limit\nburst_limit = 1\n");
    let out = env
        .cmd_with_config(&config)
        .args(["config", "show"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("line 1: not valid TOML"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_missing_explicit_config_is_an_error() {
    let env = Env::new();
    let out = env
        .cmd_with_config(&env.state.path().join("nope.toml"))
        .args(["config", "show"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nope.toml"));
    let out = env
        .bare()
        .args(["--config", "x.toml", "--no-config", "config", "show"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "--config and --no-config conflict"
    );
}

#[test]
fn the_default_location_is_read_unless_no_config() {
    let env = Env::new();
    // Env::bare points XDG_CONFIG_HOME into the test's temp dir.
    let dir = env.state.path().join("xdg-config/tikdl");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.toml");
    std::fs::write(&path, "retry_attempts = 9\n").unwrap();

    let out = env.bare().args(["config", "path"]).output().unwrap();
    assert_eq!(stdout(&out).trim(), path.display().to_string());

    let out = env.bare().args(["config", "show"]).output().unwrap();
    assert_eq!(
        shown(&stdout(&out), "retry_attempts"),
        ("9".into(), "file".into())
    );
    let out = env
        .bare()
        .args(["--no-config", "config", "show"])
        .output()
        .unwrap();
    assert_eq!(
        shown(&stdout(&out), "retry_attempts"),
        ("3".into(), "default".into())
    );
    assert!(stdout(&out).contains("# config file: none"));
}

#[test]
fn secrets_are_not_shown() {
    let env = Env::new();
    let config = write_config(
        &env,
        "[proxy]\nurls = [\"http://user:hunter2@127.0.0.1:9\"]\n[headers]\ncustom_headers = { Cookie = \"sessionid=TOPSECRET\" }\n",
    );
    let out = env
        .bare()
        .arg("--config")
        .arg(&config)
        .args(["config", "show"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        !text.contains("hunter2") && !text.contains("TOPSECRET"),
        "{text}"
    );
    assert!(text.contains("(redacted)"), "{text}");
}

/// Every download and batch option has a key, shown with where its value came from.
#[test]
fn every_download_option_has_a_key_shown_with_its_source() {
    let env = Env::new();
    let config = write_config(
        &env,
        "no_check_certificate = true\nconnect_to = [\"::127.0.0.1:\"]\n\n[download]\npaths = \"media\"\nlimit_rate = \"2M\"\nwrite_subs = true\nsub_langs = \"en,fr\"\nquiet = true\nsleep_interval = 1.5\nexec = [\"echo {}\"]\nfailed_file = \"failed.txt\"\n",
    );
    let out = env
        .cmd_with_config(&config)
        .args(["config", "show"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let dir = env.state.path().display();
    for (key, value, source) in [
        ("paths", format!("\"{dir}/media\""), "file"),
        ("limit_rate", "2097152".into(), "file"),
        ("low_speed_limit", "1024".into(), "default"),
        ("low_speed_time", "30".into(), "default"),
        ("write_subs", "true".into(), "file"),
        ("sub_langs", "[\"en\", \"fr\"]".into(), "file"),
        ("write_info_json", "false".into(), "default"),
        ("write_thumbnail", "false".into(), "default"),
        ("audio_only", "false".into(), "default"),
        ("no_audio", "false".into(), "default"),
        ("force_overwrites", "false".into(), "default"),
        ("no_progress", "false".into(), "default"),
        ("quiet", "true".into(), "file"),
        ("break_per_input", "false".into(), "default"),
        ("failed_file", format!("\"{dir}/failed.txt\""), "file"),
        ("sleep_interval", "1.5".into(), "file"),
        ("exec", "[\"echo {}\"]".into(), "file"),
        ("connect_to", "[\"::127.0.0.1:\"]".into(), "file"),
    ] {
        assert_eq!(
            shown(&text, key),
            (value, source.to_owned()),
            "{key}:\n{text}"
        );
    }
    // Unset optional keys are named too; the TLS switch is marked.
    assert!(text.contains("# download_archive is not set"), "{text}");
    let tls = text
        .lines()
        .find(|l| l.starts_with("no_check_certificate = true"))
        .unwrap();
    assert!(tls.contains("# file") && tls.contains("UNSAFE"), "{tls}");
    // Global keys stay above the first section: the output reads back as the same TOML.
    let first_section = text.find("\n[").unwrap();
    assert!(text.find("ca_cert = ").unwrap() < first_section, "{text}");
    let back = write_config(&env, &text);
    let again = env
        .cmd_with_config(&back)
        .args(["config", "show"])
        .output()
        .unwrap();
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        !stderr(&again).contains("unknown key"),
        "{}",
        stderr(&again)
    );
}

/// Keys from the file take effect: where files go, which sidecars, what is printed.
#[test]
fn download_keys_from_the_file_take_effect() {
    let env = Env::new();
    let config = write_config(
        &env,
        "[download]\npaths = \"media\"\noutput = \"%(id)s.%(ext)s\"\nwrite_info_json = true\nquiet = true\n",
    );
    let out = env
        .cmd_with_config(&config)
        .args(["download", BENCH_1])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // `paths` is relative to the config file's folder, as every path in it.
    let media = env.state.path().join("media");
    assert!(media.join("7900000000000000001.mp4").is_file());
    assert!(media.join("7900000000000000001.info.json").is_file());
    // quiet: no result line on standard error.
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

/// A value the file sets that fails later than the file's reading names the file, key and line.
#[test]
fn late_errors_about_file_values_name_the_file_key_and_line() {
    let env = Env::new();
    let folder = env.dir.path().join("a-folder");
    std::fs::create_dir(&folder).unwrap();
    for (text, key, line) in [
        (
            "\n[session]\ncookies_file = \"missing-cookies.txt\"\n".to_owned(),
            "session.cookies_file",
            3,
        ),
        (
            format!(
                "[download]\n\ndownload_archive = {:?}\n",
                folder.to_str().unwrap()
            ),
            "download.download_archive",
            3,
        ),
        (
            format!("[download]\nfailed_file = {:?}\n", folder.to_str().unwrap()),
            "download.failed_file",
            2,
        ),
    ] {
        let config = write_config(&env, &text);
        let out = env
            .cmd_with_config(&config)
            .args(["download", "-P", "out", BENCH_1])
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{text}: {err}");
        let want = format!("{}: line {line}: `{key}`", config.display());
        assert!(err.contains(&want), "{text}: want {want:?} in {err}");
    }
    // `cache_dir` where no folder can be made, for `cache stats`.
    let config = write_config(&env, "\n\ncache_dir = \"/proc/no-such-process/cache\"\n");
    let out = env
        .bare()
        .arg("--config")
        .arg(&config)
        .args(["cache", "stats"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let want = format!("{}: line 3: `cache_dir`", config.display());
    assert!(stderr(&out).contains(&want), "{}", stderr(&out));
    // `ca_cert` in the file (the test's own --ca-cert flag would replace it: run without it).
    let config = write_config(&env, "ca_cert = [\"nope.pem\"]\n");
    let out = env
        .bare()
        .arg("--config")
        .arg(&config)
        .args(["download", "-P", "out", BENCH_1])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let want = format!("{}: line 1: `ca_cert`", config.display());
    assert!(stderr(&out).contains(&want), "{}", stderr(&out));
    // A bad `--connect-to` rule in the file is refused at its line, before any request.
    let config = write_config(&env, "connect_to = [\"nonsense\"]\n");
    let out = env
        .cmd_with_config(&config)
        .args(["config", "show"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("line 1: `connect_to`"),
        "{}",
        stderr(&out)
    );
    // The same value given as a flag is reported as the flag's.
    let out = env
        .cmd()
        .args([
            "--cookies",
            "missing-cookies.txt",
            "download",
            "-P",
            "out",
            BENCH_1,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--cookies"), "{}", stderr(&out));
}

/// A network error through a proxy the config file set says so, with the file, line and key
/// (and never the proxy's password).
#[test]
fn a_network_error_through_the_files_proxy_names_the_file_line_and_key() {
    let env = Env::new();
    // A port nothing listens on: the connection is refused at once.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = write_config(
        &env,
        &format!("\n[proxy]\nurls = [\"http://user:hunter2@127.0.0.1:{port}\"]\n"),
    );
    let out = env
        .bare()
        .arg("--config")
        .arg(&config)
        .args(["--retries", "0", "download", "-P", "out", BENCH_1])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let want = format!("{}: line 3: `proxy.urls`", config.display());
    assert!(
        err.contains(&want) && err.contains("from the config file"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
}

#[test]
fn a_zero_timeout_is_a_usage_error() {
    let env = Env::new();
    for t in ["0", "0.0", "-1"] {
        let out = env
            .cmd()
            .args([&format!("--timeout={t}"), "info", BENCH_1])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "--timeout {t}: {}",
            stderr(&out)
        );
        assert!(stderr(&out).contains("--timeout"), "{}", stderr(&out));
    }
    assert!(env.tiktok.requests().is_empty(), "nothing is fetched");
}

/// Two options checked against each other name the config file's lines and keys when their
/// values came from it, never a flag nobody gave.
#[test]
fn options_checked_together_name_the_config_lines_they_came_from() {
    let env = Env::new();
    let cases = [
        (
            "[download]\nsleep_interval = 5\nmax_sleep_interval = 1\n",
            vec![
                "`download.max_sleep_interval = 1` (",
                ": line 3) is below `download.sleep_interval = 5` (",
                ": line 2)",
            ],
        ),
        (
            "[download]\nmax_sleep_interval = 1\n",
            vec!["`download.max_sleep_interval = 1` (", ": line 2) needs"],
        ),
        (
            "[download]\ndownload_archive = \"a.txt\"\nfailed_file = \"a.txt\"\n",
            vec![
                "`download.failed_file` (",
                "line 3) and `download.download_archive` (",
            ],
        ),
    ];
    for (text, says) in cases {
        let config = write_config(&env, text);
        let out = env
            .cmd_with_config(&config)
            .args(["download", BENCH_1])
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{text}: {err}");
        for s in says {
            assert!(err.contains(s), "{text}: {s:?} not in {err}");
        }
        assert!(!err.contains("--max-sleep-interval 1"), "{err}");
    }
}
