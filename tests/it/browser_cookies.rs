//! `--cookies-from-browser`: real Firefox and Chromium cookie databases built under the test's
//! HOME, read by the binary, their TikTok cookies sent to TikTok's hosts only, never printed.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, params};

use crate::support::{DESKTOP_URL, Env, RequestRecord, Run, run};

const FAR: i64 = 2_000_000_000; // 2033, unix seconds
const PAST: i64 = 1_500_000_000; // 2017

fn home(env: &Env) -> PathBuf {
    env.state.path().join("home")
}

fn xdg_config(env: &Env) -> PathBuf {
    env.state.path().join("xdg-config")
}

/// A Firefox `cookies.sqlite` as Firefox 142+ writes it (schema 17, expiry in milliseconds).
fn firefox_db(path: &Path, rows: &[(&str, &str, &str, i64)]) -> Connection {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(
        "PRAGMA user_version = 17;
         CREATE TABLE moz_cookies (id INTEGER PRIMARY KEY, originAttributes TEXT NOT NULL DEFAULT '',
           name TEXT, value TEXT, host TEXT, path TEXT, expiry INTEGER, lastAccessed INTEGER,
           creationTime INTEGER, isSecure INTEGER, isHttpOnly INTEGER, inBrowserElement INTEGER
           DEFAULT 0, sameSite INTEGER DEFAULT 0, schemeMap INTEGER DEFAULT 0,
           isPartitionedAttributeSet INTEGER DEFAULT 0);",
    )
    .unwrap();
    for (host, name, value, expiry) in rows {
        insert_firefox(&conn, host, name, value, *expiry, "");
    }
    conn
}

fn insert_firefox(conn: &Connection, host: &str, name: &str, value: &str, expiry: i64, oa: &str) {
    conn.execute(
        "INSERT INTO moz_cookies (originAttributes, name, value, host, path, expiry, isSecure, \
         isHttpOnly) VALUES (?1, ?2, ?3, ?4, '/', ?5, 1, 1)",
        params![oa, name, value, host, expiry * 1000],
    )
    .unwrap();
}

/// Chromium's v10 encryption on Linux: AES-128-CBC, key PBKDF2-HMAC-SHA1("peanuts",
/// "saltysalt", 1), IV of 16 spaces; from database version 24 the plaintext starts with the
/// SHA-256 of the host.
fn v10(host: &str, value: &str, hash_prefix: bool) -> Vec<u8> {
    use aes::cipher::{BlockEncryptMut, KeyIvInit, block_padding::Pkcs7};
    use sha2::Digest;
    let mut key = [0u8; 16];
    pbkdf2::pbkdf2_hmac::<sha1::Sha1>(b"peanuts", b"saltysalt", 1, &mut key);
    let mut plain = Vec::new();
    if hash_prefix {
        plain.extend_from_slice(&sha2::Sha256::digest(host.as_bytes()));
    }
    plain.extend_from_slice(value.as_bytes());
    let n = plain.len();
    plain.resize(n + 16, 0);
    let enc = cbc::Encryptor::<aes::Aes128>::new(&key.into(), &[b' '; 16].into());
    let mut out = b"v10".to_vec();
    out.extend_from_slice(enc.encrypt_padded_mut::<Pkcs7>(&mut plain, n).unwrap());
    out
}

/// Unix seconds as Chromium's microseconds since 1601.
fn chrome_time(unix: i64) -> i64 {
    (unix + 11_644_473_600) * 1_000_000
}

enum Val<'a> {
    Plain(&'a str),
    V10(&'a str),
    V11,
}

/// A Chromium `Cookies` database of `version` (24 hashes the host into v10 values).
fn chromium_db(path: &Path, version: i64, rows: &[(&str, &str, Val<'_>, i64)]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(
        "CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR);
         CREATE TABLE cookies(creation_utc INTEGER NOT NULL, host_key TEXT NOT NULL,
           top_frame_site_key TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
           encrypted_value BLOB NOT NULL, path TEXT NOT NULL, expires_utc INTEGER NOT NULL,
           is_secure INTEGER NOT NULL, is_httponly INTEGER NOT NULL);",
    )
    .unwrap();
    conn.execute(
        "INSERT INTO meta VALUES ('version', ?1)",
        [version.to_string()],
    )
    .unwrap();
    for (host, name, val, expiry) in rows {
        let (value, enc) = match val {
            Val::Plain(v) => (v.to_string(), Vec::new()),
            Val::V10(v) => (String::new(), v10(host, v, version >= 24)),
            Val::V11 => (
                String::new(),
                b"v11\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10".to_vec(),
            ),
        };
        let expires = if *expiry == 0 {
            0
        } else {
            chrome_time(*expiry)
        };
        conn.execute(
            "INSERT INTO cookies VALUES (0, ?1, '', ?2, ?3, ?4, '/', ?5, 1, 1)",
            params![host, name, value, enc, expires],
        )
        .unwrap();
    }
}

/// The value of cookie `name` each request to `host` carried.
fn sent(env: &Env, name: &str) -> Vec<(String, String)> {
    env.tiktok
        .requests()
        .into_iter()
        .flat_map(|r: RequestRecord| {
            let host = r.host.clone();
            r.cookies
                .into_iter()
                .filter(|(n, _)| n == name)
                .map(move |(_, v)| (host.clone(), v))
        })
        .collect()
}

fn page_cookie(env: &Env, name: &str) -> Option<String> {
    sent(env, name)
        .into_iter()
        .find(|(h, _)| h == "www.tiktok.com")
        .map(|(_, v)| v)
}

fn assert_never_sent(env: &Env, names: &[&str]) {
    for r in env.tiktok.requests() {
        for n in names {
            assert!(
                !r.cookies.iter().any(|(c, _)| c == n),
                "{n} went to {} {}",
                r.host,
                r.path
            );
        }
    }
}

fn with_browser(env: &Env, spec: &str, args: &[&str]) -> Run {
    let mut cmd = env.cmd();
    cmd.args(["--cookies-from-browser", spec]).args(args);
    run(cmd)
}

#[test]
fn firefox_profile_cookies_reach_tiktok_and_nothing_else() {
    let env = Env::new();
    let root = home(&env).join(".mozilla/firefox");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("profiles.ini"),
        "[Profile0]\nName=default-release\nIsRelative=1\nPath=abcd.default-release\nDefault=1\n",
    )
    .unwrap();
    // An older profile whose cookies must not be the ones chosen.
    let old = root.join("zzzz.old/cookies.sqlite");
    drop(firefox_db(
        &old,
        &[(".tiktok.com", "sessionid", "OLD-PROFILE-VALUE", FAR)],
    ));
    std::fs::File::options()
        .write(true)
        .open(&old)
        .unwrap()
        .set_modified(
            std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(PAST as u64),
        )
        .unwrap();
    // The browser is running: the database is open, in WAL mode, its newest row still in the
    // write-ahead log only.
    let conn = firefox_db(
        &root.join("abcd.default-release/cookies.sqlite"),
        &[
            (".tiktok.com", "sessionid", "FF-SESSION-7781", FAR),
            ("www.tiktok.com", "tt_csrf_token", "FF-CSRF-7782", FAR),
            (".tiktok.com", "stale_one", "FF-STALE-7783", PAST),
            (".tiktokcdn.com", "cdn_one", "FF-CDN-7784", FAR),
            (".youtube.com", "PREF", "FF-YT-7785", FAR),
            (".eviltiktok.com", "evil_one", "FF-EVIL-7786", FAR),
        ],
    );
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;")
        .unwrap();
    insert_firefox(&conn, ".tiktok.com", "sid_tt", "FF-WAL-7787", FAR, "");
    assert!(
        root.join("abcd.default-release/cookies.sqlite-wal")
            .exists()
    );

    let r = with_browser(
        &env,
        "firefox",
        &[
            "-vv",
            "download",
            "--json",
            "--write-thumbnail",
            "-P",
            "out",
            DESKTOP_URL,
        ],
    )
    .success();
    assert_eq!(
        page_cookie(&env, "sessionid").as_deref(),
        Some("FF-SESSION-7781"),
        "{}",
        r.both()
    );
    assert_eq!(page_cookie(&env, "sid_tt").as_deref(), Some("FF-WAL-7787"));
    assert_eq!(
        page_cookie(&env, "tt_csrf_token").as_deref(),
        Some("FF-CSRF-7782")
    );
    assert_never_sent(&env, &["stale_one", "cdn_one", "PREF", "evil_one"]);
    // A host-only cookie stays on its host; no cookie of the browser leaves tiktok.com.
    let media: Vec<_> = env
        .tiktok
        .requests()
        .into_iter()
        .filter(|r| r.host != "www.tiktok.com")
        .collect();
    assert!(
        media.iter().any(|m| !m.host.ends_with(".tiktok.com")),
        "the download fetched from a CDN outside tiktok.com: {:?}",
        media.iter().map(|m| &m.host).collect::<Vec<_>>()
    );
    for m in &media {
        assert!(
            !m.cookies.iter().any(|(n, _)| n == "tt_csrf_token"),
            "host-only cookie went to {}",
            m.host
        );
        if !m.host.ends_with(".tiktok.com") {
            for n in ["sessionid", "sid_tt"] {
                assert!(
                    !m.cookies.iter().any(|(c, _)| c == n),
                    "{n} went to {}",
                    m.host
                );
            }
        }
    }
    assert!(r.stderr.contains("DEBUG"), "debug logging was on");
    for v in [
        "FF-SESSION",
        "FF-CSRF",
        "FF-WAL",
        "FF-STALE",
        "FF-CDN",
        "FF-YT",
        "OLD-PROFILE",
    ] {
        r.assert_hides(v);
    }
    drop(conn);
}

#[test]
fn firefox_profile_by_name_by_path_and_container() {
    let env = Env::new();
    // Firefox 147+'s XDG place.
    let root = xdg_config(&env).join("mozilla/firefox");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("profiles.ini"),
        "[Install4F96D1932A9F858E]\nDefault=work.profile\n\n\
         [Profile1]\nName=work\nIsRelative=1\nPath=work.profile\n\n\
         [Profile0]\nName=default-release\nIsRelative=1\nPath=abcd.default-release\n",
    )
    .unwrap();
    drop(firefox_db(
        &root.join("abcd.default-release/cookies.sqlite"),
        &[(".tiktok.com", "sessionid", "DEFAULT-PROFILE", FAR)],
    ));
    let work = firefox_db(
        &root.join("work.profile/cookies.sqlite"),
        &[(".tiktok.com", "sessionid", "WORK-PROFILE", FAR)],
    );
    insert_firefox(
        &work,
        ".tiktok.com",
        "in_container",
        "CONTAINER-VALUE",
        FAR,
        "^userContextId=2",
    );
    drop(work);
    std::fs::write(
        root.join("work.profile/containers.json"),
        r#"{"version":5,"identities":[{"userContextId":1,"public":true,"l10nID":"userContextPersonal.label"},{"userContextId":2,"public":true,"name":"Shopping"}]}"#,
    )
    .unwrap();

    with_browser(
        &env,
        "firefox:default-release",
        &["info", "--json", DESKTOP_URL],
    )
    .success();
    assert_eq!(
        page_cookie(&env, "sessionid").as_deref(),
        Some("DEFAULT-PROFILE")
    );

    env.tiktok.clear_requests();
    let path = root.join("work.profile");
    with_browser(
        &env,
        &format!("firefox:{}", path.display()),
        &["info", "--json", DESKTOP_URL],
    )
    .success();
    assert_eq!(
        page_cookie(&env, "sessionid").as_deref(),
        Some("WORK-PROFILE")
    );
    assert_eq!(
        page_cookie(&env, "in_container").as_deref(),
        Some("CONTAINER-VALUE"),
        "no container given: all of them"
    );

    env.tiktok.clear_requests();
    with_browser(
        &env,
        "firefox:work::Shopping",
        &["info", "--json", DESKTOP_URL],
    )
    .success();
    assert_eq!(
        page_cookie(&env, "in_container").as_deref(),
        Some("CONTAINER-VALUE")
    );
    assert_eq!(
        page_cookie(&env, "sessionid"),
        None,
        "outside the container"
    );

    env.tiktok.clear_requests();
    with_browser(&env, "firefox:work::none", &["info", "--json", DESKTOP_URL]).success();
    assert_eq!(
        page_cookie(&env, "sessionid").as_deref(),
        Some("WORK-PROFILE")
    );
    assert_eq!(page_cookie(&env, "in_container"), None);

    let r = with_browser(&env, "firefox:work::Banking", &["info", DESKTOP_URL]).code(2);
    assert!(
        r.stderr.contains("no container named \"Banking\""),
        "{}",
        r.both()
    );
}

#[test]
fn chromium_v10_and_plain_values_are_read_v11_is_named() {
    let env = Env::new();
    chromium_db(
        &xdg_config(&env).join("chromium/Default/Network/Cookies"),
        24,
        &[
            (".tiktok.com", "sessionid", Val::V10("CR-SESSION-5501"), FAR),
            (".tiktok.com", "ttwid", Val::Plain("CR-PLAIN-5502"), 0),
            (".tiktok.com", "msToken", Val::V11, FAR),
            (".tiktok.com", "old_one", Val::V10("CR-OLD-5503"), PAST),
            (".tiktokcdn.com", "cdn_one", Val::V10("CR-CDN-5504"), FAR),
            (".google.com", "NID", Val::V10("CR-G-5505"), FAR),
        ],
    );
    let r = with_browser(&env, "chromium", &["-vv", "info", "--json", DESKTOP_URL]).success();
    assert_eq!(
        page_cookie(&env, "sessionid").as_deref(),
        Some("CR-SESSION-5501"),
        "{}",
        r.both()
    );
    assert_eq!(page_cookie(&env, "ttwid").as_deref(), Some("CR-PLAIN-5502"));
    assert_never_sent(&env, &["msToken", "old_one", "cdn_one", "NID"]);
    assert!(
        r.stderr.contains("v11") && r.stderr.contains("--cookies FILE"),
        "the keyring limit is named: {}",
        r.stderr
    );
    for v in ["CR-SESSION", "CR-PLAIN", "CR-OLD", "CR-CDN", "CR-G-"] {
        r.assert_hides(v);
    }
}

#[test]
fn chrome_profile_by_name_older_database() {
    let env = Env::new();
    // Version 23: no host hash before the value; the older Default/Cookies place.
    chromium_db(
        &xdg_config(&env).join("google-chrome/Profile 1/Cookies"),
        23,
        &[(".tiktok.com", "sessionid", Val::V10("CHROME-P1"), FAR)],
    );
    chromium_db(
        &xdg_config(&env).join("google-chrome/Default/Cookies"),
        23,
        &[(".tiktok.com", "sessionid", Val::V10("CHROME-DEFAULT"), FAR)],
    );
    with_browser(&env, "chrome:Profile 1", &["info", "--json", DESKTOP_URL]).success();
    assert_eq!(page_cookie(&env, "sessionid").as_deref(), Some("CHROME-P1"));
}

#[test]
fn only_keyring_cookies_is_an_error_naming_the_workaround() {
    let env = Env::new();
    chromium_db(
        &xdg_config(&env).join("BraveSoftware/Brave-Browser/Default/Cookies"),
        24,
        &[(".tiktok.com", "sessionid", Val::V11, FAR)],
    );
    let r = with_browser(&env, "brave", &["info", DESKTOP_URL]).code(2);
    assert!(
        r.stderr.contains("keyring")
            && r.stderr.contains("--cookies FILE")
            && r.stderr.contains("cookies.txt"),
        "{}",
        r.both()
    );
    assert!(env.tiktok.requests().is_empty(), "nothing fetched");
}

#[test]
fn the_cookies_file_wins_over_the_browser_and_both_are_used() {
    let env = Env::new();
    drop(firefox_db(
        &home(&env).join(".mozilla/firefox/p.default/cookies.sqlite"),
        &[
            (".tiktok.com", "sessionid", "FROM-BROWSER", FAR),
            (".tiktok.com", "browser_only", "B-ONLY", FAR),
        ],
    ));
    let jar = env.dir.path().join("cookies.txt");
    std::fs::write(
        &jar,
        "# Netscape HTTP Cookie File\n\
         .tiktok.com\tTRUE\t/\tTRUE\t0\tsessionid\tFROM-FILE\n\
         .tiktok.com\tTRUE\t/\tTRUE\t0\tfile_only\tF-ONLY\n",
    )
    .unwrap();
    let mut cmd = env.cmd();
    cmd.arg("--cookies").arg(&jar).args([
        "--cookies-from-browser",
        "firefox",
        "info",
        "--json",
        DESKTOP_URL,
    ]);
    run(cmd).success();
    assert_eq!(page_cookie(&env, "sessionid").as_deref(), Some("FROM-FILE"));
    assert_eq!(page_cookie(&env, "browser_only").as_deref(), Some("B-ONLY"));
    assert_eq!(page_cookie(&env, "file_only").as_deref(), Some("F-ONLY"));
}

#[test]
fn the_config_key_reads_the_browser_and_config_show_names_it() {
    let env = Env::new();
    drop(firefox_db(
        &home(&env).join(".mozilla/firefox/p.default/cookies.sqlite"),
        &[(".tiktok.com", "sessionid", "FROM-CONFIG", FAR)],
    ));
    let cfg = env.dir.path().join("config.toml");
    std::fs::write(&cfg, "[session]\ncookies_from_browser = \"firefox\"\n").unwrap();
    let mut cmd = env.cmd_with_config(&cfg);
    cmd.args(["info", "--json", DESKTOP_URL]);
    run(cmd).success();
    assert_eq!(
        page_cookie(&env, "sessionid").as_deref(),
        Some("FROM-CONFIG")
    );

    let mut cmd = env.bare();
    cmd.arg("--config").arg(&cfg).args(["config", "show"]);
    let r = run(cmd).success();
    assert!(
        r.stdout.contains("cookies_from_browser = \"firefox\""),
        "{}",
        r.stdout
    );

    std::fs::write(&cfg, "[session]\ncookies_from_browser = \"netscape\"\n").unwrap();
    let mut cmd = env.bare();
    cmd.arg("--config").arg(&cfg).args(["config", "show"]);
    let r = run(cmd).code(2);
    assert!(
        r.stderr.contains("line 2") && r.stderr.contains("supported browsers"),
        "{}",
        r.stderr
    );
}

#[test]
fn errors_name_the_browser_the_places_and_the_file() {
    let env = Env::new();
    let r = with_browser(&env, "netscape", &["info", DESKTOP_URL]).code(2);
    assert!(
        r.stderr.contains("unknown browser") && r.stderr.contains("chrome, chromium"),
        "{}",
        r.stderr
    );

    let r = with_browser(&env, "firefox", &["info", DESKTOP_URL]).code(2);
    assert!(
        r.stderr.contains("no cookies.sqlite found") && r.stderr.contains(".mozilla/firefox"),
        "{}",
        r.stderr
    );
    let r = with_browser(&env, "edge", &["info", DESKTOP_URL]).code(2);
    assert!(r.stderr.contains("microsoft-edge"), "{}", r.stderr);

    let junk = env.dir.path().join("junk/cookies.sqlite");
    std::fs::create_dir_all(junk.parent().unwrap()).unwrap();
    std::fs::write(&junk, vec![b'x'; 4096]).unwrap();
    let r = with_browser(
        &env,
        &format!("firefox:{}", junk.display()),
        &["info", DESKTOP_URL],
    )
    .code(2);
    assert!(
        r.stderr.contains("not an SQLite database") && r.stderr.contains("junk/cookies.sqlite"),
        "{}",
        r.stderr
    );

    let other = env.dir.path().join("other/Cookies");
    std::fs::create_dir_all(other.parent().unwrap()).unwrap();
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE notes(x TEXT);")
        .unwrap();
    let r = with_browser(
        &env,
        &format!("chrome:{}", other.display()),
        &["info", DESKTOP_URL],
    )
    .code(2);
    assert!(
        r.stderr.contains("not chrome's cookies database"),
        "{}",
        r.stderr
    );
    assert!(env.tiktok.requests().is_empty(), "nothing fetched");
}

#[test]
fn a_saved_tab_with_the_browsers_session_and_the_hint_without_it() {
    let env = Env::new();
    let saved = "https://www.tiktok.com/@tabber/saved";
    let (_, err, stderr) = env.info_error(saved);
    assert_eq!(err["code"], "login_required", "{err}");
    assert!(stderr.contains("--cookies-from-browser"), "{stderr}");

    drop(firefox_db(
        &home(&env).join(".mozilla/firefox/p.default/cookies.sqlite"),
        &[(".tiktok.com", "sessionid", "SAVED-SESSION-1", FAR)],
    ));
    let r = with_browser(&env, "firefox", &["info", "--json", "--max", "1", saved]).success();
    r.assert_hides("SAVED-SESSION-1");
    assert!(
        sent(&env, "sessionid")
            .iter()
            .any(|(h, v)| h == "www.tiktok.com" && v == "SAVED-SESSION-1"),
        "{}",
        r.both()
    );
}
