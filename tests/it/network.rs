//! Network trust: proxies, custom headers, media hosts, redirects, deadlines and the messages
//! about them. Each test runs the real binary
//! against the imitation's hostile network posts (imitation/src/families/hostile_net.rs).

use std::path::PathBuf;
use std::time::Duration;

use crate::support;
use crate::support::{
    BATCH_BASE, BENCH_BASE, DESKTOP_URL, Env, Fault, FaultRule, Imitation, batch_url, bench_url,
    run,
};
use serde_json::Value;

/// The imitation's hostile network post `n` (1..=10).
fn net_url(n: u64) -> String {
    format!(
        "https://www.tiktok.com/@u/video/{}",
        7300000000000000090 + n
    )
}

fn write(env: &Env, name: &str, text: &str) -> PathBuf {
    let p = env.dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// tikdl reaching the imitation directly (no proxy), as `--connect-to` does.
fn direct(env: &Env) -> assert_cmd::Command {
    let mut cmd = env.bare();
    cmd.arg("--no-config")
        .arg("--connect-to")
        .arg(format!("::127.0.0.1:{}", env.tiktok.port()))
        .arg("--ca-cert")
        .arg(&env.ca)
        .args(["--retry-backoff", "0.01", "--no-cache"]);
    cmd
}

#[test]
fn unknown_proxy_scheme_is_refused_from_flag_config_and_env() {
    let env = Env::new();
    for scheme in ["sock5", "socks", "ftp", "gopher"] {
        let mut cmd = direct(&env);
        cmd.args(["--proxy", &format!("{scheme}://127.0.0.1:9")])
            .args(["info", "--json", DESKTOP_URL]);
        let r = run(cmd);
        assert_eq!(r.code, 2, "{scheme}: {}", r.both());
        assert!(
            r.stderr.contains(&format!("\"{scheme}\"")) && r.stderr.contains("--proxy"),
            "{}",
            r.stderr
        );
    }
    // From the config file: the file, key and line are named; the password is not shown.
    let cfg = write(
        &env,
        "p.toml",
        "[proxy]\nurls = [\"sock5://user:s3cretPW@127.0.0.1:9\"]\n",
    );
    let mut cmd = env.bare();
    cmd.arg("--config")
        .arg(&cfg)
        .args([
            "--connect-to",
            &format!("::127.0.0.1:{}", env.tiktok.port()),
        ])
        .arg("--ca-cert")
        .arg(&env.ca)
        .args(["info", DESKTOP_URL]);
    let r = run(cmd);
    assert_eq!(r.code, 2, "{}", r.both());
    assert!(
        r.stderr.contains("p.toml")
            && r.stderr.contains("line 2")
            && r.stderr.contains("proxy.urls")
            && r.stderr.contains("\"sock5\""),
        "{}",
        r.stderr
    );
    r.assert_hides("s3cretPW");
    // From the environment.
    let mut cmd = direct(&env);
    cmd.env("HTTPS_PROXY", "socks://u:envPW@127.0.0.1:9")
        .args(["info", DESKTOP_URL]);
    let r = run(cmd);
    assert_eq!(r.code, 2, "{}", r.both());
    assert!(
        r.stderr.contains("HTTPS_PROXY") && r.stderr.contains("\"socks\""),
        "{}",
        r.stderr
    );
    r.assert_hides("envPW");
    assert!(env.tiktok.requests().is_empty(), "nothing may go direct");
}

#[test]
fn custom_headers_reach_only_tiktok_page_hosts() {
    let env = Env::new();
    let mut cmd = env.cmd();
    cmd.args(["--header", "Authorization: Bearer TOPSECRET"])
        .args(["--header", "X-Page-Only: 1"])
        .args([
            "--header",
            "v16-webapp-prime.us.tiktok.com:X-Cdn-Scoped: SCOPEDSECRET",
        ])
        .args(["download", "--json", &net_url(1)]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.both());
    r.assert_hides("TOPSECRET");
    r.assert_hides("SCOPEDSECRET");
    let reqs = env.tiktok.requests();
    let has = |r: &tiktok_imitation::RequestRecord, h: &str| r.header_names.iter().any(|n| n == h);
    let page = reqs
        .iter()
        .find(|r| r.host == "www.tiktok.com")
        .expect("page request");
    assert!(page.authorization && has(page, "x-page-only"));
    assert!(!has(page, "x-cdn-scoped"));
    let mut scoped_seen = false;
    for r in reqs.iter().filter(|r| r.host != "www.tiktok.com") {
        assert!(
            !r.authorization && !has(r, "x-page-only"),
            "custom header reached {}",
            r.host
        );
        assert_ne!(r.host, "attacker.example");
        if r.host == "v16-webapp-prime.us.tiktok.com" {
            scoped_seen |= has(r, "x-cdn-scoped");
        } else {
            assert!(!has(r, "x-cdn-scoped"), "scoped header reached {}", r.host);
        }
    }
    assert!(scoped_seen, "the scoped header goes to its host: {reqs:#?}");
}

#[test]
fn config_headers_can_be_scoped_to_one_host_and_stay_redacted() {
    let env = Env::new();
    let cfg = write(
        &env,
        "h.toml",
        "[headers]\ncustom_headers = { \"X-Page\" = \"1\", \
         \"v16-webapp-prime.us.tiktok.com:Authorization\" = \"Bearer CFGSECRET\" }\n",
    );
    let mut cmd = env.cmd_with_config(&cfg);
    cmd.args(["config", "show"]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.both());
    assert!(
        r.stdout
            .contains("\"v16-webapp-prime.us.tiktok.com:Authorization\" = \"(redacted)\""),
        "{}",
        r.stdout
    );
    r.assert_hides("CFGSECRET");
    let mut cmd = env.cmd_with_config(&cfg);
    cmd.args(["--no-cache", "download", &net_url(1)]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.both());
    r.assert_hides("CFGSECRET");
    let reqs = env.tiktok.requests();
    for q in &reqs {
        let page = q.header_names.iter().any(|n| n == "x-page");
        assert_eq!(page, q.host == "www.tiktok.com", "X-Page at {}", q.host);
        assert_eq!(
            q.authorization,
            q.host == "v16-webapp-prime.us.tiktok.com",
            "Authorization at {}",
            q.host
        );
    }
    assert!(reqs.iter().any(|q| q.authorization), "{reqs:#?}");
}

#[test]
fn media_on_a_foreign_host_is_refused_and_the_next_format_used() {
    let env = Env::new();
    let mut cmd = env.cmd();
    cmd.args(["download", "--json", &net_url(1)]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.both());
    assert!(
        r.stderr
            .contains("media URL on a host that is not TikTok's CDN: attacker.example; refusing"),
        "{}",
        r.stderr
    );
    let line: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_ne!(line["format_id"], "adapt_lowest_1080_1", "{line}");
    assert!(
        env.tiktok
            .requests()
            .iter()
            .all(|q| q.host != "attacker.example")
    );
}

#[test]
fn media_only_on_foreign_hosts_fails_without_contacting_them() {
    let env = Env::new();
    let mut cmd = env.cmd();
    cmd.args(["download", "--write-thumbnail", &net_url(2)]);
    let r = run(cmd);
    assert_eq!(r.code, 1, "{}", r.both());
    assert!(
        r.stderr.contains("not TikTok's CDN: attacker.example"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("retry"), "{}", r.stderr);
    assert!(
        env.tiktok
            .requests()
            .iter()
            .all(|q| q.host != "attacker.example")
    );
}

#[test]
fn plain_http_media_on_a_local_address_is_refused() {
    let env = Env::new();
    let mut cmd = env.cmd();
    cmd.args(["download", &net_url(3)]);
    let r = run(cmd);
    assert_eq!(r.code, 1, "{}", r.both());
    assert!(
        r.stderr.contains("media URL uses http:// instead of https"),
        "{}",
        r.stderr
    );
    let reqs = env.tiktok.requests();
    assert!(reqs.iter().all(|q| q.host != "127.0.0.1"), "{reqs:#?}");
    // Refused before any request: only the page was fetched.
    assert_eq!(reqs.len(), 1, "{reqs:#?}");
}

#[test]
fn invalid_proxy_and_header_messages_hide_secrets_and_name_the_source() {
    let env = Env::new();
    // --proxy with a bad port.
    let mut cmd = direct(&env);
    cmd.args([
        "--proxy",
        "http://user:s3cretPW@127.0.0.1:99999",
        "info",
        DESKTOP_URL,
    ]);
    let r = run(cmd);
    assert_eq!(r.code, 2, "{}", r.both());
    assert!(r.stderr.contains("--proxy"), "{}", r.stderr);
    assert!(!r.stderr.contains("builder error"), "{}", r.stderr);
    r.assert_hides("s3cretPW");
    // The same from the config file: says the file, not --proxy.
    let cfg = write(
        &env,
        "bad.toml",
        "[proxy]\nurls = [\"http://user:s3cretPW@127.0.0.1:99999\"]\n",
    );
    let mut cmd = env.bare();
    cmd.arg("--config").arg(&cfg).args(["info", DESKTOP_URL]);
    let r = run(cmd);
    assert_eq!(r.code, 2, "{}", r.both());
    assert!(
        r.stderr.contains("bad.toml") && r.stderr.contains("proxy.urls"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("--proxy"), "{}", r.stderr);
    r.assert_hides("s3cretPW");
    // A header value with a control character.
    let mut cmd = direct(&env);
    cmd.args([
        "--header",
        "Authorization: Bearer TOP\u{1}SECRET",
        "info",
        DESKTOP_URL,
    ]);
    let r = run(cmd);
    assert_eq!(r.code, 2, "{}", r.both());
    assert!(
        r.stderr.contains("--header") && r.stderr.contains("U+0001"),
        "{}",
        r.stderr
    );
    r.assert_hides("SECRET");
    // A header with no colon at all (a pasted token).
    let mut cmd = direct(&env);
    cmd.args(["--header", "BearerTOPSECRET", "info", DESKTOP_URL]);
    let r = run(cmd);
    assert_eq!(r.code, 2, "{}", r.both());
    r.assert_hides("SECRET");
    // From the config file.
    let cfg = write(
        &env,
        "h.toml",
        "[headers]\ncustom_headers = { Authorization = \"Bearer TOP\\u0001SECRET\" }\n",
    );
    let mut cmd = env.bare();
    cmd.arg("--config").arg(&cfg).args(["info", DESKTOP_URL]);
    let r = run(cmd);
    assert_eq!(r.code, 2, "{}", r.both());
    assert!(
        r.stderr.contains("h.toml") && r.stderr.contains("headers.custom_headers.Authorization"),
        "{}",
        r.stderr
    );
    r.assert_hides("SECRET");
}

#[test]
fn a_proxy_password_with_url_delimiters_is_never_echoed() {
    let env = Env::new();
    // Passwords typed with `/`, `#`, `?` or `@` unescaped make the URL unparsable (or parsed
    // wrongly): the message must still hide every character of them.
    for pw in ["se/cretPW", "se#cretPW", "se?cretPW", "se@cretPW"] {
        let proxy = format!("http://user:{pw}@127.0.0.1:99999");
        let mut cmd = direct(&env);
        cmd.args(["--proxy", &proxy, "info", DESKTOP_URL]);
        let r = run(cmd);
        assert_eq!(r.code, 2, "{}", r.both());
        r.assert_hides("cretPW");
        let mut cmd = direct(&env);
        cmd.env("HTTPS_PROXY", &proxy).args(["info", DESKTOP_URL]);
        let r = run(cmd);
        assert_eq!(r.code, 2, "{}", r.both());
        assert!(r.stderr.contains("HTTPS_PROXY"), "{}", r.stderr);
        r.assert_hides("cretPW");
        let cfg = write(&env, "pw.toml", &format!("[proxy]\nurls = [\"{proxy}\"]\n"));
        let mut cmd = env.bare();
        cmd.arg("--config").arg(&cfg).args(["info", DESKTOP_URL]);
        let r = run(cmd);
        assert_eq!(r.code, 2, "{}", r.both());
        r.assert_hides("cretPW");
    }
}

#[test]
fn https_to_http_redirect_is_refused_and_names_the_target() {
    let env = Env::new();
    let cookies = write(
        &env,
        "insecure.txt",
        ".tiktok.com\tTRUE\t/\tFALSE\t2000000000\tsessionid\tPLAINLEAK\n",
    );
    let mut cmd = env.cmd();
    cmd.arg("--cookies")
        .arg(&cookies)
        .args(["--no-cache", "info", "--json", &net_url(4)]);
    let r = run(cmd);
    assert_eq!(r.code, 1, "{}", r.both());
    let line: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(line["error"]["code"], "redirect", "{line}");
    let msg = line["error"]["message"].as_str().unwrap_or("");
    assert!(
        msg.contains("http://www.tiktok.com/@u/video/7300000000000000091")
            && msg.contains("plain http"),
        "{msg}"
    );
    r.assert_hides("PLAINLEAK");
    // Only the https page was asked for: nothing went out in clear text.
    let reqs = env.tiktok.requests();
    assert_eq!(reqs.len(), 1, "{reqs:#?}");
    assert!(reqs[0].via_connect);
}

#[test]
fn redirect_to_a_file_url_names_the_target() {
    let env = Env::new();
    let (code, err, _) = env.info_error(&net_url(5));
    assert_eq!(code, 1);
    assert_eq!(err["code"], "redirect", "{err}");
    let msg = err["message"].as_str().unwrap_or("");
    assert!(msg.contains("file:///etc/passwd"), "{msg}");
    assert!(!msg.contains("to \"\""), "{msg}");
}

#[test]
fn a_page_trickling_one_byte_a_second_times_out() {
    let env = Env::new();
    let mut cmd = env.cmd();
    cmd.args(["--timeout", "2", "--retries", "0", "--no-cache"])
        .args(["info", "--json", &net_url(6)])
        .timeout(Duration::from_secs(30));
    let r = run(cmd);
    assert_eq!(r.code, 1, "{}", r.both());
    let line: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(line["error"]["code"], "timeout", "{line}");
}

#[test]
fn connect_to_port1_80_does_not_catch_https() {
    let env = Env::new();
    let mut cmd = env.bare();
    cmd.arg("--no-config")
        .args(["--connect-to", "www.tiktok.com:80:127.0.0.1:1"])
        .args([
            "--connect-to",
            &format!("www.tiktok.com:443:127.0.0.1:{}", env.tiktok.port()),
        ])
        .arg("--ca-cert")
        .arg(&env.ca)
        .args(["--no-cache", "info", "--json", DESKTOP_URL]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.both());
    assert!(r.stderr.contains("never applies"), "{}", r.stderr);
    // Other ports are refused outright.
    let mut cmd = env.bare();
    cmd.arg("--no-config")
        .args(["--connect-to", "www.tiktok.com:8443:127.0.0.1:1"])
        .args(["info", DESKTOP_URL]);
    let r = run(cmd);
    assert_eq!(r.code, 2, "{}", r.both());
    assert!(r.stderr.contains("PORT1"), "{}", r.stderr);
}

#[test]
fn config_over_1_mib_and_cookies_over_64_mib_are_refused() {
    let env = Env::new();
    let cfg = env.dir.path().join("huge.toml");
    std::fs::File::create(&cfg)
        .unwrap()
        .set_len((1 << 20) + 1)
        .unwrap();
    let mut cmd = env.bare();
    cmd.arg("--config").arg(&cfg).args(["config", "show"]);
    let r = run(cmd);
    assert_eq!(r.code, 2, "{}", r.both());
    assert!(
        r.stderr.contains("huge.toml") && r.stderr.contains("1 MiB"),
        "{}",
        r.stderr
    );
    let cookies = env.dir.path().join("video.mp4");
    std::fs::File::create(&cookies)
        .unwrap()
        .set_len((64 << 20) + 1)
        .unwrap();
    let mut cmd = env.cmd();
    cmd.arg("--cookies")
        .arg(&cookies)
        .args(["info", DESKTOP_URL]);
    let r = run(cmd);
    assert_eq!(r.code, 2, "{}", r.both());
    assert!(
        r.stderr.contains("video.mp4") && r.stderr.contains("64 MiB"),
        "{}",
        r.stderr
    );
}

#[test]
fn oversized_response_headers_are_not_retried() {
    let env = Env::new();
    for n in [7, 8] {
        let mut cmd = env.cmd();
        cmd.args([
            "--retries",
            "3",
            "--no-cache",
            "info",
            "--json",
            &net_url(n),
        ]);
        let r = run(cmd);
        assert_eq!(r.code, 1, "{}", r.both());
        let line: Value = serde_json::from_str(r.stdout.trim()).unwrap();
        let err = &line["error"];
        assert_eq!(err["code"], "bad_response", "{line}");
        assert!(
            err["message"]
                .as_str()
                .unwrap_or("")
                .contains("oversized response headers"),
            "{err}"
        );
        let hint = err["suggestions"].to_string();
        assert!(
            hint.contains("oversized") && !hint.contains("network connection"),
            "{hint}"
        );
        assert!(!r.stderr.contains("retry 1/3"), "{}", r.stderr);
        let id = (7300000000000000090 + n).to_string();
        let tries = env
            .tiktok
            .requests()
            .iter()
            .filter(|q| q.path.contains(&id))
            .count();
        assert_eq!(tries, 1, "post {n} asked {tries} times");
    }
}

#[test]
fn status_431_says_the_cookies_or_headers_are_too_large() {
    let env = Env::new();
    let (code, err, _) = env.info_error(&net_url(9));
    assert_eq!(code, 1);
    let hint = err["suggestions"].to_string();
    assert!(
        hint.contains("too large") && hint.contains("--cookies"),
        "{err}"
    );
    assert!(!hint.contains("retry later"), "{err}");
}

#[test]
fn retry_warning_does_not_repeat_the_url() {
    let env = Env::new();
    env.tiktok.add_fault(FaultRule {
        host: Some("www.tiktok.com".into()),
        path_contains: support::DESKTOP_ID.into(),
        fault: Fault::Status {
            code: 503,
            retry_after: None,
        },
        times: 1,
    });
    let mut cmd = env.cmd();
    cmd.args(["--no-cache", "info", "--json", DESKTOP_URL]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.both());
    let warn = r
        .stderr
        .lines()
        .find(|l| l.contains("retry 1/"))
        .unwrap_or_else(|| panic!("a retry warning: {}", r.stderr));
    assert_eq!(warn.matches("fetching page").count(), 1, "{warn}");
}

#[test]
fn bad_user_agent_is_named_instead_of_builder_error() {
    let env = Env::new();
    let mut cmd = direct(&env);
    cmd.args(["--user-agent", "a\u{1}b", "info", DESKTOP_URL]);
    let r = run(cmd);
    assert_eq!(r.code, 2, "{}", r.both());
    assert!(r.stderr.contains("--user-agent"), "{}", r.stderr);
    assert!(!r.stderr.contains("builder error"), "{}", r.stderr);
}

#[test]
fn wrong_host_certificate_says_the_name_does_not_match() {
    let env = Env::new();
    let mut cmd = env.cmd();
    cmd.args(["download", "--json", &net_url(10)]);
    let r = run(cmd);
    assert_eq!(r.code, 1, "{}", r.both());
    let line: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    let msg = line["error"]["message"].as_str().unwrap_or("");
    assert!(
        msg.contains("does not match the host name wrongcert.tiktokcdn.com"),
        "{line}"
    );
    assert!(!msg.contains("not trusted"), "{line}");
    let hint = line["error"]["suggestions"].to_string();
    assert!(!hint.contains("--ca-cert"), "{hint}");
}

#[test]
fn odd_cookie_lines_are_warned_about_with_their_line() {
    let env = Env::new();
    let cookies = write(
        &env,
        "c.txt",
        "# Netscape HTTP Cookie File\n\
         .tiktok.com\tTRUE\t/\tTRUE\t2000000000\tgood\tv\n\
         \t\t\t\t\t\t\n\
         .tiktok.com\tTRUE\t/\tTRUE\t2000000000\t\tNONAMESECRET\n\
         .tiktok.com\tTRUE\t/\tTRUE\t2000000000\tna me\tSPACESECRET\n\
         .tiktok.com\tTRUE\t/\tTRUE\t2000000000\tctl\tCTL\u{1}SECRET\n",
    );
    let mut cmd = env.cmd();
    cmd.arg("--cookies")
        .arg(&cookies)
        .args(["--no-cache", "info", "--json", DESKTOP_URL]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.both());
    for line in 3..=6 {
        assert!(
            r.stderr.contains(&format!("line {line}:")),
            "line {line}: {}",
            r.stderr
        );
    }
    r.assert_hides("SECRET");
}

#[test]
fn early_tls_close_is_said_plainly_without_a_docs_link() {
    let env = Env::new();
    env.tiktok.add_fault(FaultRule {
        host: Some("www.tiktok.com".into()),
        path_contains: support::DESKTOP_ID.into(),
        fault: Fault::DropAfter(1000),
        times: 0,
    });
    let mut cmd = env.cmd();
    cmd.args(["--retries", "0", "--no-cache", "info", DESKTOP_URL]);
    let r = run(cmd);
    assert_eq!(r.code, 1, "{}", r.both());
    assert!(
        r.stderr.contains("closed the connection before the end"),
        "{}",
        r.stderr
    );
    assert!(!r.both().contains("docs.rs"), "{}", r.both());
}

/// A server that reads the request and hangs up without answering (curl: "Empty reply from
/// server") is a connection problem, not a certificate one: the hint must never suggest turning
/// verification off.
#[test]
fn server_hangup_is_not_called_a_certificate_failure() {
    let env = Env::new();
    env.tiktok.add_fault(FaultRule {
        host: Some("www.tiktok.com".into()),
        path_contains: support::DESKTOP_ID.into(),
        fault: Fault::Hangup,
        times: 0,
    });
    let r = run({
        let mut c = env.cmd();
        c.args([
            "--no-cache",
            "--retries",
            "1",
            "info",
            "--json",
            DESKTOP_URL,
        ]);
        c
    });
    assert_eq!(r.code, 1, "{}", r.both());
    let err: Value = serde_json::from_str(r.stdout.trim()).expect("one JSON line");
    assert_eq!(err["error"]["kind"], "connection", "{err}");
    assert_ne!(err["error"]["code"], "tls", "{err}");
    assert!(!r.stderr.contains("no-check-certificate"), "{}", r.stderr);
    assert!(
        !r.stderr.to_lowercase().contains("certificate"),
        "{}",
        r.stderr
    );
}

/// `config show` names the custom headers but never prints a value: any of them may be a token
/// (X-Tt-Token, msToken, an API key), scoped or not. Mistyped scopes are refused, not sent.
#[test]
fn config_show_hides_every_header_value_and_refuses_mistyped_scopes() {
    let env = Env::new();
    let r = run({
        let mut c = env.cmd();
        c.args(["--header", "X-Tt-Token: TTSECRET1"])
            .args(["--header", "www.tiktok.com:msToken: TTSECRET2"])
            .args(["config", "show"]);
        c
    });
    assert_eq!(r.code, 0, "{}", r.both());
    assert!(
        r.stdout.contains("X-Tt-Token") && r.stdout.contains("msToken"),
        "{}",
        r.stdout
    );
    r.assert_hides("TTSECRET");
    for bad in [
        "*.tiktok.com:Authorization: TTSECRET3",
        "www.tiktok.com:443:Authorization: TTSECRET4",
    ] {
        let r = run({
            let mut c = env.cmd();
            c.args(["--header", bad, "info", DESKTOP_URL]);
            c
        });
        assert_eq!(r.code, 2, "{bad}: {}", r.both());
        r.assert_hides("TTSECRET");
    }
}

// ---------------------------------------------------------------------------------------------
// rotation of proxies and User-Agents
// ---------------------------------------------------------------------------------------------

/// Ids of the posts (by their page requests) an imitation served, in order.
fn posts_served(i: &Imitation) -> Vec<u64> {
    i.requests()
        .iter()
        .filter(|r| r.host == "www.tiktok.com")
        .filter_map(|r| r.path.rsplit('/').next()?.split('?').next()?.parse().ok())
        .collect()
}

#[test]
fn proxies_take_posts_in_turn_with_page_and_media_on_the_same_one() {
    let env = Env::new();
    let other = Imitation::start();
    let other_ca = env.state.path().join("other-ca.pem");
    std::fs::write(&other_ca, other.ca_pem()).unwrap();
    let urls: Vec<String> = (1..=4).map(batch_url).collect();
    // Each imitation is a CONNECT proxy that is also "TikTok", with its own CA and its own
    // record of the cookies it issued: media fetched through the other proxy than its page
    // would be refused (403), so success itself proves the pairing.
    let out = env
        .bare()
        .args(["--no-config", "--no-cache", "--retry-backoff", "0.01"])
        .args([
            "--proxy",
            &env.tiktok.proxy_url(),
            "--proxy",
            &other.proxy_url(),
        ])
        .arg("--ca-cert")
        .arg(&env.ca)
        .arg("--ca-cert")
        .arg(&other_ca)
        .args(["download", "--json", "--jobs", "1"])
        .args(&urls)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    let first: Vec<u64> = posts_served(&env.tiktok);
    let second: Vec<u64> = posts_served(&other);
    assert_eq!(
        first,
        [BATCH_BASE + 1, BATCH_BASE + 3],
        "round-robin, one post each"
    );
    assert_eq!(second, [BATCH_BASE + 2, BATCH_BASE + 4]);
    for (imitation, ids) in [(&env.tiktok, &first), (&other, &second)] {
        let reqs = imitation.requests();
        let media: Vec<_> = reqs.iter().filter(|r| r.host != "www.tiktok.com").collect();
        assert!(!media.is_empty());
        for m in media {
            assert_eq!(m.status, 200, "{m:?}");
            assert!(
                ids.iter().any(|id| m.path.contains(&format!("imt={id}"))),
                "media of a post served elsewhere went through this proxy: {m:?}"
            );
            assert!(
                m.cookie_names.iter().any(|c| c == "tt_chain_token"),
                "{m:?}"
            );
        }
    }
}

#[test]
fn without_rotation_only_the_first_proxy_is_used() {
    let env = Env::new();
    let other = Imitation::start();
    let config = env.state.path().join("config.toml");
    std::fs::write(&config, "[proxy]\nrotation_enabled = false\n").unwrap();
    let out = env
        .bare()
        .arg("--config")
        .arg(&config)
        .args([
            "--no-cache",
            "--proxy",
            &env.tiktok.proxy_url(),
            "--proxy",
            &other.proxy_url(),
        ])
        .arg("--ca-cert")
        .arg(&env.ca)
        .args([
            "info",
            "--json",
            "--jobs",
            "1",
            &bench_url(1),
            &bench_url(2),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(posts_served(&env.tiktok).len(), 2);
    assert!(other.requests().is_empty());
}

#[test]
fn proxies_from_the_config_file_rotate_too() {
    let env = Env::new();
    let other = Imitation::start();
    let other_ca = env.state.path().join("other-ca.pem");
    std::fs::write(&other_ca, other.ca_pem()).unwrap();
    let config = env.state.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "enable_caching = false\n[proxy]\nurls = [\"{}\", \"{}\"]\n",
            env.tiktok.proxy_url(),
            other.proxy_url()
        ),
    )
    .unwrap();
    let urls: Vec<String> = (1..=4).map(bench_url).collect();
    let out = env
        .bare()
        .arg("--config")
        .arg(&config)
        .arg("--ca-cert")
        .arg(&env.ca)
        .arg("--ca-cert")
        .arg(&other_ca)
        .args(["info", "--json", "--jobs", "1"])
        .args(&urls)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(posts_served(&env.tiktok), [BENCH_BASE + 1, BENCH_BASE + 3]);
    assert_eq!(posts_served(&other), [BENCH_BASE + 2, BENCH_BASE + 4]);
}

fn rotating(env: &Env, interval: u32) -> std::path::PathBuf {
    let config = env.state.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[headers]\nuser_agent_rotation = true\nrotation_interval = {interval}\n"),
    )
    .unwrap();
    config
}

#[test]
fn user_agent_changes_every_n_page_requests() {
    let env = Env::new();
    let config = rotating(&env, 2);
    let urls: Vec<String> = (1..=6).map(bench_url).collect();
    let out = env
        .cmd_with_config(&config)
        .args(["info", "--json", "--jobs", "1"])
        .args(&urls)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let agents: Vec<String> = env
        .tiktok
        .requests()
        .iter()
        .map(|r| r.user_agent.clone().unwrap_or_default())
        .collect();
    assert_eq!(agents.len(), 6);
    assert_eq!(agents[0], agents[1]);
    assert_eq!(agents[2], agents[3]);
    assert_eq!(agents[4], agents[5]);
    assert!(
        agents[0] != agents[2] && agents[2] != agents[4] && agents[0] != agents[4],
        "{agents:#?}"
    );
    assert!(
        agents[0].contains("Chrome/"),
        "starts from the default: {}",
        agents[0]
    );
    for a in &agents {
        assert!(a.starts_with("Mozilla/5.0 ("), "a desktop browser: {a}");
    }

    // Without rotation every request has the same one.
    env.tiktok.clear_requests();
    let out = env
        .cmd()
        .args(["--no-cache", "info", "--json", "--jobs", "1"])
        .args(&urls)
        .output()
        .unwrap();
    assert!(out.status.success());
    let agents: std::collections::HashSet<_> = env
        .tiktok
        .requests()
        .into_iter()
        .map(|r| r.user_agent)
        .collect();
    assert_eq!(agents.len(), 1);
}

#[test]
fn a_post_keeps_its_user_agent_for_its_media() {
    let env = Env::new();
    let config = rotating(&env, 1);
    let urls: Vec<String> = (1..=3).map(batch_url).collect();
    let out = env
        .cmd_with_config(&config)
        .args(["download", "--json", "--jobs", "1"])
        .args(&urls)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reqs = env.tiktok.requests();
    let mut page_agents = Vec::new();
    for n in 1..=3 {
        let id = (BATCH_BASE + n).to_string();
        let page = reqs
            .iter()
            .find(|r| r.host == "www.tiktok.com" && r.path.contains(&id))
            .unwrap();
        let media: Vec<_> = reqs
            .iter()
            .filter(|r| r.host != "www.tiktok.com" && r.path.contains(&format!("imt={id}")))
            .collect();
        assert!(!media.is_empty());
        for m in media {
            assert_eq!(m.user_agent, page.user_agent, "post {n}: {m:?}");
        }
        page_agents.push(page.user_agent.clone());
    }
    assert!(
        page_agents[0] != page_agents[1] && page_agents[1] != page_agents[2],
        "interval 1: every post a new one: {page_agents:#?}"
    );
}
