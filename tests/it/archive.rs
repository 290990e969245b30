//! For archivists: `--break-on-existing` / `--break-per-input` (keep a creator in sync),
//! `-O/--print`, and `batch --shard K/N`, run as a user would against the imitation.

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use crate::support;
use crate::support::{
    BATCH_BASE, DESKTOP_ID, DESKTOP_URL, Env, batch_url, files_under, ndjson, stderr, stdout,
};
use tiktok_imitation::{new_profile_post_id, valid_post_url};

const PROFILE: &str = "https://www.tiktok.com/@imitation45";
const COLLECTION: &str =
    "https://www.tiktok.com/@recipe.pocket/collection/%E6%96%99%E7%90%86-7400000000000000033";

fn list_api_requests(env: &Env) -> usize {
    env.tiktok
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/api/post/item_list/"))
        .count()
}

fn archive_ids(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| l.strip_prefix("tiktok ").unwrap().to_owned())
        .collect()
}

/// `batch --json --download-archive ARCH [extra] -` with `input` on stdin.
fn sync(env: &Env, archive: &Path, extra: &[&str], input: &str) -> std::process::Output {
    env.cmd()
        .args([
            "--rate-limit",
            "0",
            "batch",
            "--json",
            "--jobs",
            "8",
            "-P",
            "out",
        ])
        .arg("--download-archive")
        .arg(archive)
        .args(extra)
        .arg("-")
        .write_stdin(input)
        .timeout(Duration::from_secs(300))
        .output()
        .unwrap()
}

fn downloaded(out: &std::process::Output) -> Vec<String> {
    ndjson(&out.stdout)
        .iter()
        .filter(|r| r["status"] == "downloaded")
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn break_on_existing_keeps_a_profile_in_sync_with_one_list_request() {
    let env = Env::new();
    let archive = env.dir.path().join("arch.txt");
    let input = format!("{PROFILE}\n");

    // First run: the whole profile (two list pages of 30).
    let first = sync(&env, &archive, &["--break-on-existing"], &input);
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(downloaded(&first).len(), 45);
    assert_eq!(archive_ids(&archive).len(), 45);
    assert!(list_api_requests(&env) >= 2, "the first run pages");

    // Second run: nothing new; it stops at the newest post (7300000000000000001 is listed
    // first) after one list request.
    env.tiktok.clear_requests();
    let second = sync(&env, &archive, &["--break-on-existing"], &input);
    assert!(second.status.success(), "{}", stderr(&second));
    let list_requests = list_api_requests(&env);
    eprintln!("second run: {list_requests} list API request(s)");
    assert!(list_requests <= 1, "{list_requests} list API requests");
    assert!(downloaded(&second).is_empty(), "{}", stdout(&second));
    assert!(ndjson(&second.stdout).is_empty(), "{}", stdout(&second));
    let err = stderr(&second);
    assert!(
        err.contains(&format!(
            "break on existing: {PROFILE} stopped at post 7300000000000000001, already in the download archive"
        )),
        "{err}"
    );
    assert!(err.contains("0 done, 0 skipped, 0 failed"), "{err}");

    // Three new posts on top: exactly those, still one list request.
    env.tiktok.add_new_profile_posts(3);
    env.tiktok.clear_requests();
    let third = sync(&env, &archive, &["--break-on-existing"], &input);
    assert!(third.status.success(), "{}", stderr(&third));
    let got: HashSet<String> = downloaded(&third).into_iter().collect();
    let want: HashSet<String> = (1..=3)
        .map(|k| new_profile_post_id(k).to_string())
        .collect();
    assert_eq!(got, want);
    assert_eq!(list_api_requests(&env), 1);
    assert_eq!(archive_ids(&archive).len(), 48);
    assert!(stderr(&third).contains("stopped at post 7300000000000000001"));

    // Without the flag, the archive only skips: the whole profile is paged again.
    env.tiktok.clear_requests();
    let plain = sync(&env, &archive, &[], &input);
    assert!(plain.status.success(), "{}", stderr(&plain));
    assert!(downloaded(&plain).is_empty());
    assert!(list_api_requests(&env) >= 2);
}

#[test]
fn break_per_input_goes_on_with_the_next_input_and_without_it_the_run_stops() {
    let env = Env::new();
    // The whole profile already archived (as a first run leaves it).
    let archive = env.dir.path().join("arch.txt");
    let lines: String = (1..=45)
        .map(|n| format!("tiktok {}\n", 7300000000000000000u64 + n))
        .collect();
    std::fs::write(&archive, &lines).unwrap();
    // ... and a clean first run marks its list as one that may be cut short next time.
    // (It records the archive's size then: marks hold only while nothing else wrote it.)
    std::fs::write(
        env.dir.path().join("arch.txt.sync"),
        format!("size {}\n{PROFILE}\n", lines.len()),
    )
    .unwrap();
    let input = format!("{PROFILE}\n{COLLECTION}\n");
    let run = |extra: &[&str]| {
        env.cmd()
            .args(["--rate-limit", "0", "batch", "--info-only"])
            .arg("--download-archive")
            .arg(&archive)
            .args(extra)
            .arg("-")
            .write_stdin(input.clone())
            .output()
            .unwrap()
    };

    let per_input = run(&["--break-on-existing", "--break-per-input"]);
    assert!(per_input.status.success(), "{}", stderr(&per_input));
    let infos = ndjson(&per_input.stdout);
    assert_eq!(infos.len(), 33, "the collection's posts");
    assert!(infos.iter().all(|i| i["uploader"] != "imitation45"));
    let err = stderr(&per_input);
    assert!(err.contains("went on with the next input"), "{err}");

    env.tiktok.clear_requests();
    let whole_run = run(&["--break-on-existing"]);
    assert!(whole_run.status.success(), "{}", stderr(&whole_run));
    assert!(ndjson(&whole_run.stdout).is_empty());
    let err = stderr(&whole_run);
    assert!(err.contains("later inputs not processed"), "{err}");
    assert!(
        !env.tiktok
            .requests()
            .iter()
            .any(|r| r.path.starts_with("/api/collection/item_list/")),
        "the collection was never asked for"
    );

    // The config key does what the flag does.
    let config = env.dir.path().join("config.toml");
    std::fs::write(&config, "[download]\nbreak_on_existing = true\n").unwrap();
    let out = env
        .cmd_with_config(&config)
        .args(["--rate-limit", "0", "batch", "--info-only"])
        .arg("--download-archive")
        .arg(&archive)
        .arg("-")
        .write_stdin(input.clone())
        .output()
        .unwrap();
    assert!(ndjson(&out.stdout).is_empty(), "{}", stderr(&out));
    assert!(stderr(&out).contains("later inputs not processed"));

    // The flags need an archive (and --break-per-input needs --break-on-existing): exit 2.
    for args in [
        &["batch", "--break-on-existing", "-"][..],
        &[
            "batch",
            "--download-archive",
            "a.txt",
            "--break-per-input",
            "-",
        ][..],
    ] {
        let out = env.cmd().args(args).write_stdin("").output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
}

/// The lines of a successful run's stdout, `n` of them.
fn stdout_lines(out: &std::process::Output, n: usize) -> Vec<String> {
    assert!(out.status.success(), "{}", stderr(out));
    let text = stdout(out);
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), n, "{text}");
    lines
}

#[test]
fn print_renders_one_line_per_post_in_input_order() {
    let env = Env::new();
    let urls = [batch_url(7), DESKTOP_URL.to_owned(), batch_url(3)];
    let out = env
        .cmd()
        .args([
            "info",
            "--jobs",
            "3",
            "-O",
            r"%(id)s\t%(view_count)d\t%(title)s",
        ])
        .args(["-O", "%(nope)s|%(id)s"])
        .args(&urls)
        .output()
        .unwrap();
    let lines = stdout_lines(&out, 6);
    let ids = [
        (BATCH_BASE + 7).to_string(),
        DESKTOP_ID.to_owned(),
        (BATCH_BASE + 3).to_string(),
    ];
    for (i, id) in ids.iter().enumerate() {
        let info = env.info_json(&urls[i]);
        // yt-dlp does not turn `\t` into a tab: the backslash and the t are printed.
        let want = format!(
            r"{id}\t{}\t{}",
            info["view_count"].as_u64().unwrap(),
            info["title"].as_str().unwrap()
        );
        assert_eq!(lines[2 * i], want);
        assert_eq!(lines[2 * i + 1], format!("NA|{id}"));
    }

    // A real tab from the shell ($'\t') is printed as it is.
    let out = env
        .cmd()
        .args(["info", "-O", "%(id)s\t%(uploader)s", DESKTOP_URL])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), format!("{DESKTOP_ID}\temthenutritionist\n"));

    // Into a pipe the values are written as they are (what a script reads), as yt-dlp does;
    // only a terminal gets them neutralised.
    let hostile = tiktok_imitation::OUTPUT_BASE + 1;
    let out = env
        .cmd()
        .args(["info", "-O", "%(description)s"])
        .arg(format!("https://www.tiktok.com/@u/video/{hostile}"))
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out),
        format!("{}\n", tiktok_imitation::OUTPUT_TEXTS[0])
    );

    // -O and --json would mix two formats on stdout: a usage error.
    let out = env
        .cmd()
        .args(["info", "--json", "-O", "%(id)s", DESKTOP_URL])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn download_print_gives_the_real_path_of_each_saved_file() {
    let env = Env::new();
    let urls = [valid_post_url(2), batch_url(11)];
    let out = env
        .cmd()
        .args([
            "--rate-limit",
            "0",
            "download",
            "-P",
            "saved",
            "-o",
            "%(id)s/%(title).20s.%(ext)s",
        ])
        .args(["-O", "%(filepath)s", "-O", "%(id)s %(ext)s %(format_id)s"])
        .args(&urls)
        .output()
        .unwrap();
    let lines = stdout_lines(&out, 4);
    let saved = files_under(&env.dir.path().join("saved"));
    assert_eq!(saved.len(), 2, "{saved:?}");
    let ids = [tiktok_imitation::VALID_BASE + 2, BATCH_BASE + 11];
    for (i, id) in ids.iter().enumerate() {
        let printed = &lines[2 * i];
        let path = env.dir.path().join(printed);
        assert!(path.is_file(), "{printed}");
        assert!(printed.contains(&format!("saved/{id}/")), "{printed}");
        let relative = printed.trim_start_matches("./");
        assert!(saved.iter().any(|s| s.ends_with(relative)), "{printed}");
        // The rendition taken, as `-o` knows it (it once rendered NA).
        let second = &lines[2 * i + 1];
        assert!(second.starts_with(&format!("{id} mp4 ")), "{second}");
        assert!(!second.ends_with(" NA"), "{second}");
        assert!(path.metadata().unwrap().len() > 1000);
    }
    // The human result lines are not printed (as yt-dlp's -O implies --quiet).
    assert!(!stderr(&out).contains("saved"), "{}", stderr(&out));
}

/// `-O` implies `--quiet`, so no progress bars either, also on a terminal: run under a
/// pseudo-terminal (`script`), where bars are otherwise drawn on standard error.
#[test]
fn print_draws_no_progress_bars_on_a_terminal() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: no `script` to give tikdl a terminal");
        return;
    }
    let env = Env::new();
    // Big enough to take several bar refreshes.
    let url = "https://www.tiktok.com/@bench/video/7900000000000000032";
    let run = |extra: &[&str]| {
        let mut tikdl = env.std_cmd();
        tikdl.args(["download", "-P", "saved"]).args(extra).arg(url);
        let quote =
            |s: &std::ffi::OsStr| format!("'{}'", s.to_string_lossy().replace('\'', r"'\''"));
        let line: Vec<String> = std::iter::once(tikdl.get_program())
            .chain(tikdl.get_args())
            .map(quote)
            .collect();
        let mut script = std::process::Command::new("script");
        script.current_dir(env.dir.path());
        for (k, v) in tikdl.get_envs() {
            match v {
                Some(v) => script.env(k, v),
                None => script.env_remove(k),
            };
        }
        let out = script
            .args(["-qec", &line.join(" "), "/dev/null"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stdout(&out));
        std::fs::remove_dir_all(env.dir.path().join("saved")).unwrap();
        stdout(&out)
    };
    // The terminal shows bars without -O (so the check below can see them) ...
    let plain = run(&[]);
    assert!(plain.contains(" eta "), "no bars drawn at all: {plain:?}");
    // ... and only the printed line with it.
    let printed = run(&["-O", "%(id)s"]);
    assert!(!printed.contains(" eta "), "{printed:?}");
    assert_eq!(printed.trim(), "7900000000000000032", "{printed:?}");
}

#[test]
fn shards_split_one_list_disjointly_and_their_archives_concatenate() {
    let env = Env::new();
    let urls: Vec<String> = (2001..=2100).map(batch_url).collect();
    let list = env.dir.path().join("list.txt");
    std::fs::write(&list, urls.join("\n") + "\n").unwrap();
    let all: HashSet<String> = (2001..=2100)
        .map(|n| (BATCH_BASE + n).to_string())
        .collect();

    let mut seen: Vec<HashSet<String>> = Vec::new();
    for k in 1..=3 {
        env.tiktok.clear_requests();
        let arch = env.dir.path().join(format!("arch-{k}.txt"));
        let out = env
            .cmd()
            .args(["--rate-limit", "0", "batch", "--jobs", "8", "-P", "out"])
            .args(["--shard", &format!("{k}/3")])
            .arg("--download-archive")
            .arg(&arch)
            .arg(&list)
            .timeout(Duration::from_secs(300))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let ids: HashSet<String> = archive_ids(&arch).into_iter().collect();
        assert!(
            !ids.is_empty() && ids.len() < 100,
            "shard {k}: {}",
            ids.len()
        );
        let err = stderr(&out);
        assert!(
            err.contains(&format!("{} done", ids.len()))
                && err.contains(&format!("other shards: {}", 100 - ids.len())),
            "{err}"
        );
        // A post URL has its id: no page of another shard's post is asked for.
        let asked: HashSet<String> = env
            .tiktok
            .requests()
            .iter()
            .filter(|r| support::is_page_request(r))
            .filter_map(|r| r.path.rsplit('/').next().map(str::to_owned))
            .collect();
        assert!(asked.is_subset(&ids), "shard {k} fetched {asked:?}");
        seen.push(ids);
    }
    for a in 0..3 {
        for b in a + 1..3 {
            assert!(seen[a].is_disjoint(&seen[b]), "shards {a} and {b} overlap");
        }
    }
    let union: HashSet<String> = seen.iter().flatten().cloned().collect();
    assert_eq!(union, all);
    let joined: Vec<String> = (1..=3)
        .flat_map(|k| archive_ids(&env.dir.path().join(format!("arch-{k}.txt"))))
        .collect();
    assert_eq!(joined.len(), 100);
    assert_eq!(joined.iter().collect::<HashSet<_>>().len(), 100);
    assert_eq!(files_under(&env.dir.path().join("out")).len(), 100);
}

#[test]
fn shard_values_outside_the_rule_are_usage_errors() {
    let env = Env::new();
    for bad in ["0/3", "4/3", "x"] {
        let out = env
            .cmd()
            .args(["batch", "--shard", bad, "-"])
            .write_stdin("")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = stderr(&out);
        assert!(err.contains("K/N with 1 <= K <= N"), "{bad}: {err}");
        assert!(err.contains(&format!("`{bad}`")), "{bad}: {err}");
    }
}

/// An archive with holes (an interrupted `--jobs`
/// run finishes posts out of order; a post that failed) must not make `--break-on-existing`
/// skip the missing posts for good. A list whose last run did not end clean is paged whole.
#[test]
fn break_on_existing_never_skips_posts_an_unclean_run_left_out() {
    let env = Env::new();
    let archive = env.dir.path().join("arch.txt");
    let input = format!("{PROFILE}\n");
    // As an interrupted run leaves it: the newest posts done, with holes, no clean mark.
    let holes = [16u64, 18, 20];
    let lines: String = (1..=22)
        .filter(|n| !holes.contains(n))
        .map(|n| format!("tiktok {}\n", 7300000000000000000u64 + n))
        .collect();
    std::fs::write(&archive, lines).unwrap();
    let rerun = sync(&env, &archive, &["--break-on-existing"], &input);
    assert!(rerun.status.success(), "{}", stderr(&rerun));
    let got: HashSet<String> = downloaded(&rerun).into_iter().collect();
    for n in holes.iter().copied().chain(23..=45) {
        let id = (7300000000000000000u64 + n).to_string();
        assert!(
            got.contains(&id),
            "post {n} was skipped: {}",
            stderr(&rerun)
        );
    }
    assert_eq!(archive_ids(&archive).len(), 45);
    // That run ended clean: the next one may stop at the first archived post.
    env.tiktok.clear_requests();
    let next = sync(&env, &archive, &["--break-on-existing"], &input);
    assert!(next.status.success(), "{}", stderr(&next));
    assert!(downloaded(&next).is_empty());
    assert_eq!(list_api_requests(&env), 1);

    // A post that fails leaves the list unmarked, so the next run retries it.
    env.tiktok.add_new_profile_posts(2);
    let blocker_id = new_profile_post_id(1).to_string();
    let out = env.dir.path().join("out");
    std::fs::create_dir_all(out.join(&blocker_id)).unwrap();
    let failing = sync(
        &env,
        &archive,
        &["--break-on-existing", "-o", "%(id)s"],
        &input,
    );
    assert_eq!(failing.status.code(), Some(1), "{}", stderr(&failing));
    std::fs::remove_dir_all(out.join(&blocker_id)).unwrap();
    let retry = sync(
        &env,
        &archive,
        &["--break-on-existing", "-o", "%(id)s"],
        &input,
    );
    assert!(retry.status.success(), "{}", stderr(&retry));
    assert!(
        archive_ids(&archive).contains(&blocker_id),
        "{}",
        stderr(&retry)
    );
}

#[test]
fn a_list_cut_by_max_is_not_marked_clean_and_the_next_run_pages_it_whole() {
    let env = Env::new();
    let archive = env.dir.path().join("arch.txt");
    let input = format!("{PROFILE}\n");
    let first = sync(
        &env,
        &archive,
        &["--break-on-existing", "--max", "5"],
        &input,
    );
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(archive_ids(&archive).len(), 5);
    let marked = std::fs::read_to_string(env.dir.path().join("arch.txt.sync")).unwrap_or_default();
    assert!(!marked.contains("imitation45"), "{marked}");
    // Without --max the next run pages the profile whole and gets every post.
    let second = sync(&env, &archive, &["--break-on-existing"], &input);
    assert!(second.status.success(), "{}", stderr(&second));
    assert_eq!(archive_ids(&archive).len(), 45);
}

#[test]
fn a_mark_no_longer_holds_once_something_else_archived_posts_of_the_list() {
    let env = Env::new();
    let archive = env.dir.path().join("arch.txt");
    let input = format!("{PROFILE}\n");
    let first = sync(&env, &archive, &["--break-on-existing"], &input);
    assert!(first.status.success(), "{}", stderr(&first));
    // Three new posts; a run of the same list under another name (or of single posts) was
    // killed after archiving the first and the last of them: a hole below an archived post.
    env.tiktok.add_new_profile_posts(3);
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&archive)
        .unwrap();
    for k in [1, 3] {
        std::io::Write::write_fmt(&mut f, format_args!("tiktok {}\n", new_profile_post_id(k)))
            .unwrap();
    }
    drop(f);
    let next = sync(&env, &archive, &["--break-on-existing"], &input);
    assert!(next.status.success(), "{}", stderr(&next));
    assert_eq!(
        downloaded(&next),
        vec![new_profile_post_id(2).to_string()],
        "the post in the hole is fetched"
    );
    assert_eq!(archive_ids(&archive).len(), 48);
}

/// A list run that left some of its posts out of the archive, whatever the reason (a
/// `--match-filter`, a failed `--exec`), must not mark the list: the next `--break-on-existing`
/// run would stop at the newest archived post and never fetch the ones left out.
#[test]
fn a_list_run_that_left_posts_unarchived_does_not_mark_the_list() {
    let left_out = "7300000000000000044";
    let input = format!("{PROFILE}\n");
    let filtered = format!("id!={left_out}");
    let failing_exec = format!("test %(id)s != {left_out}");
    let runs: [&[&str]; 2] = [&["--match-filter", &filtered], &["--exec", &failing_exec]];
    for extra in runs {
        let env = Env::new();
        let archive = env.dir.path().join("arch.txt");
        let mut cmd = env.cmd();
        cmd.args(["--rate-limit", "0", "batch", "--jobs", "8", "-P", "out"])
            .arg("--download-archive")
            .arg(&archive)
            .args(extra)
            .arg("-")
            .write_stdin(input.as_str())
            .timeout(Duration::from_secs(300));
        let first = cmd.output().unwrap();
        assert_eq!(
            archive_ids(&archive).len(),
            44,
            "{extra:?}: {}",
            stderr(&first)
        );
        let marked =
            std::fs::read_to_string(env.dir.path().join("arch.txt.sync")).unwrap_or_default();
        assert!(!marked.contains("imitation45"), "{extra:?}: {marked}");
        let next = sync(&env, &archive, &["--break-on-existing"], &input);
        assert!(next.status.success(), "{}", stderr(&next));
        if extra[0] == "--match-filter" {
            assert_eq!(downloaded(&next), vec![left_out.to_owned()]);
        }
        // (The post the command failed on is on disk already: now archived.)
        let ids = archive_ids(&archive);
        assert!(
            ids.contains(&left_out.to_owned()),
            "{extra:?}: {}",
            stderr(&next)
        );
        assert_eq!(ids.len(), 45);
    }
}
