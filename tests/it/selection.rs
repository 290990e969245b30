//! Which posts of a list a run takes and how it paces them: `-I` from the end streamed through
//! a window of what it can still pick, specs that select nothing said truthfully, `--max` after
//! `--match-filter`, and `--sleep-interval` between downloads whatever `--jobs` is.

use crate::support::{Env, s};

/// The imitation's sound with 33 posts, ids 7300000000000001001..=7300000000000001033.
const MUSIC_URL: &str = "https://www.tiktok.com/music/imitation-sound-7700000000000000090";

/// The last two digits of each post id `info --json` prints for the sound (skipped ones aside).
fn music_ids(env: &Env, args: &[&str]) -> Vec<String> {
    let mut all = vec!["info", "--json"];
    all.extend_from_slice(args);
    all.push(MUSIC_URL);
    env.json(all)
        .success()
        .lines
        .iter()
        .filter(|l| l["status"] != "skipped")
        .map(|l| l["id"].as_str().unwrap()[17..].to_owned())
        .collect()
}

#[test]
fn positions_from_the_end_pick_what_the_whole_list_would() {
    let env = Env::new();
    for (spec, want) in [
        ("-3:", &["31", "32", "33"][..]),
        ("3:-29", &["03", "04", "05"]),
        ("-5:-3", &["29", "30", "31"]),
        ("-1:-6:-2", &["29", "31", "33"]),
        ("1,-33,-1", &["01", "33"]),
        ("::-15", &["03", "18", "33"]),
    ] {
        assert_eq!(music_ids(&env, &["-I", spec]), want, "-I {spec}");
    }
    // --max caps the picks, in the list's order.
    assert_eq!(music_ids(&env, &["-I", "-4:", "--max", "2"]), ["30", "31"]);
}

#[test]
fn a_spec_that_selects_nothing_says_so() {
    let env = Env::new();
    // Known without the list: a usage error, no request.
    for (bad, says) in [
        ("5-2", "selects no position"),
        ("-1:-3", "selects no position"),
        ("2:5:-1", "selects no position"),
        ("1:10:0", "step of 0"),
    ] {
        let run = env.run(["info", "-I", bad, MUSIC_URL]).code(2);
        assert!(run.stderr.contains(says), "{bad}{run}");
        assert!(!run.stderr.contains("position 0"), "{bad}{run}");
    }
    assert!(
        env.tiktok.requests().is_empty(),
        "no request for a usage error"
    );
    // Known only with the list: TikTok listed posts, the spec picked none of them.
    for bad in ["-99999999", "40-50"] {
        let run = env.run(["info", "-I", bad, MUSIC_URL]).success();
        assert!(!run.stderr.contains("lists no posts"), "{bad}{run}");
        assert!(
            run.stderr
                .contains(&format!("-I {bad} selects none of the 33 posts")),
            "{bad}{run}"
        );
    }
    let run = env
        .run(["info", "-I", "1:3", "--after", "20990101", MUSIC_URL])
        .success();
    assert!(!run.stderr.contains("lists no posts"), "{run}");
    assert!(run.stderr.contains("none of the 3 posts"), "{run}");
}

/// How many times a run said it paused for `--sleep-interval`.
fn pauses(run: &crate::support::Run) -> usize {
    run.stderr
        .matches("before the next download (--sleep-interval)")
        .count()
}

#[test]
fn sleep_interval_pauses_between_real_downloads_only() {
    let env = Env::new();
    let dir = env.dir.path().join("paced");
    let args = |extra: &[&'static str]| {
        let mut a = vec!["-v", "download", "-P", s(&dir), "--jobs", "3", "--max", "3"];
        a.extend_from_slice(&["--sleep-interval", "0.2"]);
        a.extend_from_slice(extra);
        a.push(MUSIC_URL);
        a
    };
    // Three downloads, one run-wide pacer: a pause before each but the first, whatever --jobs.
    let first = env.run(args(&[])).success();
    assert_eq!(pauses(&first), 2, "{first}");
    // Already on disk, or only simulated: nothing is downloaded, so nothing waits.
    env.tiktok.clear_requests();
    let again = env.run(args(&[])).success();
    let media = env
        .tiktok
        .requests()
        .iter()
        .filter(|r| r.host != "www.tiktok.com")
        .count();
    assert_eq!(media, 0, "nothing downloaded again");
    assert!(
        again.stdout.contains("already") || again.stderr.contains("already"),
        "{again}"
    );
    assert_eq!(pauses(&again), 0, "{again}");
    let simulated = env.run(args(&["-s"])).success();
    assert_eq!(pauses(&simulated), 0, "{simulated}");
}

#[test]
fn max_counts_the_posts_the_match_filter_passes() {
    let env = Env::new();
    // Ids ending in 3 are posts 03, 13, 23 and 33: the first two listed posts pass nothing.
    let filter = ["--match-filter", "id$=3", "--max", "2"];
    let ids = music_ids(&env, &filter);
    assert_eq!(ids, ["03", "13"]);
    let list = env.dir.path().join("music.txt");
    std::fs::write(&list, format!("{MUSIC_URL}\n")).unwrap();
    let mut args = vec!["batch", "-j"];
    args.extend_from_slice(&filter);
    args.push(s(&list));
    let b = env.json(args).success();
    let got: Vec<&str> = b
        .lines
        .iter()
        .filter(|l| l["status"] != "skipped")
        .map(|l| &l["id"].as_str().unwrap()[17..])
        .collect();
    assert_eq!(got, ["03", "13"], "{b}");
    // -J: one playlist document of the two.
    let mut args = vec!["download", "-J"];
    args.extend_from_slice(&filter);
    args.push(MUSIC_URL);
    let j = env.json(args).success();
    assert_eq!(j.lines[0]["playlist_count"], 2, "{j}");
}
