//! `--match-filter` through the binary: posts of lists and single URLs, for `info`, `download`
//! and `batch`; skipped posts get a `skipped` line, are never saved nor archived; a filter that
//! cannot be read is a usage error before any request.

use serde_json::Value;
use tiktok_imitation::{PINNED_USER, STRINGS_BASE};

use crate::support::{DESKTOP_ID, DESKTOP_URL, Env, download, files_under, ndjson, s, stderr};

const SKIPPED: &str = "does not pass --match-filter";

fn pinned_list() -> String {
    format!("https://www.tiktok.com/@{PINNED_USER}")
}

/// `info --json ARGS`: (exit code, lines, stderr).
fn info(env: &Env, args: &[&str]) -> (i32, Vec<Value>, String) {
    let out = env
        .cmd()
        .args(["info", "--json"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        ndjson(&out.stdout),
        stderr(&out),
    )
}

fn statuses(lines: &[Value]) -> Vec<(String, String)> {
    lines
        .iter()
        .map(|l| {
            let status = l["status"].as_str().unwrap_or("info").to_owned();
            (l["id"].as_str().unwrap_or_default().to_owned(), status)
        })
        .collect()
}

#[test]
fn is_pinned_picks_the_pinned_post_of_a_list_and_skips_the_other() {
    let env = Env::new();
    let (pinned, other) = (
        (STRINGS_BASE + 6).to_string(),
        (STRINGS_BASE + 7).to_string(),
    );
    let (code, lines, err) = info(&env, &["--match-filter", "is_pinned", &pinned_list()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        statuses(&lines),
        [
            (pinned.clone(), "info".into()),
            (other.clone(), "skipped".into())
        ]
    );
    assert_eq!(lines[0]["is_pinned"], true);
    assert_eq!(lines[1]["reason"], SKIPPED);
    assert!(lines[1]["url"].as_str().unwrap().ends_with(&other));

    let (code, lines, err) = info(&env, &["--match-filter", "!is_pinned", &pinned_list()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        statuses(&lines),
        [(pinned, "skipped".into()), (other, "info".into())]
    );
    // A post that is not pinned has no `is_pinned` key (as before there was a filter).
    assert!(lines[1].get("is_pinned").is_none(), "{}", lines[1]);
}

#[test]
fn numeric_comparisons_with_suffixes_and_missing_fields_on_a_profile() {
    let env = Env::new();
    let list = "https://www.tiktok.com/@imitation45";
    // Every generated post has a view count; none has a count of a million billion.
    let (code, lines, err) = info(
        &env,
        &["--max", "3", "--match-filter", "view_count>=1", list],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(lines.len(), 3);
    assert!(lines.iter().all(|l| l.get("status").is_none()), "{lines:?}");
    let (_, lines, _) = info(
        &env,
        &["--max", "3", "--match-filter", "view_count>2.5M", list],
    );
    let views: Vec<u64> = info(&env, &["--max", "3", list])
        .1
        .iter()
        .map(|l| l["view_count"].as_u64().unwrap())
        .collect();
    for (line, views) in lines.iter().zip(views) {
        let expected = if views > 2_500_000 {
            None
        } else {
            Some("skipped")
        };
        assert_eq!(line["status"].as_str(), expected, "{views}: {line}");
    }
    // `?` takes the posts that lack the field; without it they are skipped.
    let (_, lines, _) = info(
        &env,
        &["--max", "2", "--match-filter", "no_such_count>?5", list],
    );
    assert!(lines.iter().all(|l| l.get("status").is_none()), "{lines:?}");
    let (_, lines, _) = info(
        &env,
        &["--max", "2", "--match-filter", "no_such_count>5", list],
    );
    assert!(lines.iter().all(|l| l["status"] == "skipped"), "{lines:?}");
}

#[test]
fn text_conditions_joined_by_and_several_filters_are_an_or() {
    let env = Env::new();
    let list = "https://www.tiktok.com/@imitation45";
    let (code, lines, err) = info(
        &env,
        &[
            "--max",
            "6",
            "--match-filter",
            "title*=number 2 # & title^=Imitation",
            "--match-filter",
            "title$=number 5 #imitation #tikdl",
            list,
        ],
    );
    assert_eq!(code, 0, "{err}");
    let kept: Vec<&str> = lines
        .iter()
        .filter(|l| l.get("status").is_none())
        .map(|l| l["title"].as_str().unwrap())
        .collect();
    assert_eq!(kept.len(), 2, "{lines:?}");
    assert!(kept.iter().any(|t| t.contains("number 2 #")), "{kept:?}");
    assert!(kept.iter().any(|t| t.contains("number 5 #")), "{kept:?}");
    // --max 6 counts only the posts that pass: two do, so the whole list was read.
    assert!(lines.len() > 6, "{lines:?}");
}

#[test]
fn download_skips_a_post_that_fails_and_saves_one_that_passes() {
    let env = Env::new();
    let info = env.info_json(DESKTOP_URL);
    let uploader = info["uploader"].as_str().unwrap();
    let out = env.dir.path().join("out");
    let run = download(
        &env,
        &[
            "-P",
            s(&out),
            "--match-filter",
            "has_subtitles & duration>100000",
            DESKTOP_URL,
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let line = run.result();
    assert_eq!(line["status"], "skipped", "{line}");
    assert_eq!(line["id"], DESKTOP_ID);
    assert_eq!(line["reason"], SKIPPED);
    assert!(files_under(&out).is_empty(), "{:?}", files_under(&out));

    // An OR: the second filter holds.
    let by_uploader = format!("uploader={uploader}");
    let run = download(
        &env,
        &[
            "-P",
            s(&out),
            "--match-filter",
            "duration>100000",
            "--match-filter",
            &by_uploader,
            DESKTOP_URL,
        ],
    )
    .ok();
    assert_eq!(run.result()["id"], DESKTOP_ID);
    assert_eq!(files_under(&out).len(), 1);
}

#[test]
fn batch_never_archives_a_skipped_post_and_prints_a_reason() {
    let env = Env::new();
    let out = env.dir.path().join("out");
    let archive = env.dir.path().join("archive.txt");
    let list = env.dir.path().join("list.txt");
    std::fs::write(&list, format!("{DESKTOP_URL}\n")).unwrap();
    let batch = |filter: &str| {
        env.cmd()
            .args([
                "batch",
                "--json",
                "-P",
                s(&out),
                "--download-archive",
                s(&archive),
            ])
            .args(["--match-filter", filter, s(&list)])
            .output()
            .unwrap()
    };
    let run = batch("!has_subtitles");
    assert!(run.status.success(), "{}", stderr(&run));
    let lines = ndjson(&run.stdout);
    assert_eq!(statuses(&lines), [(DESKTOP_ID.into(), "skipped".into())]);
    assert_eq!(lines[0]["reason"], SKIPPED);
    let archived = std::fs::read_to_string(&archive).unwrap_or_default();
    assert!(!archived.contains(DESKTOP_ID), "{archived:?}");
    assert!(files_under(&out).is_empty());

    // Passing the filter, it is saved and archived.
    let run = batch("has_subtitles");
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(
        statuses(&ndjson(&run.stdout)),
        [(DESKTOP_ID.into(), "downloaded".into())]
    );
    assert!(
        std::fs::read_to_string(&archive)
            .unwrap()
            .contains(DESKTOP_ID)
    );
}

#[test]
fn human_output_says_why_a_post_is_skipped() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["info", "--match-filter", "like_count<0", DESKTOP_URL])
        .output();
    let out = out.unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        stderr(&out).contains(&format!("{DESKTOP_ID}: skipped ({SKIPPED})")),
        "{}",
        stderr(&out)
    );
}

#[test]
fn unreadable_filters_are_usage_errors_before_any_request() {
    let env = Env::new();
    for (filter, says) in [
        ("title~=cat", "not supported"),
        ("view_count>lots", "not a number"),
        ("view_count*=1", "is a number"),
        ("Title=x", "field name"),
        ("duration>=", "no value"),
        ("a & & b", "empty condition"),
    ] {
        for command in ["info", "download"] {
            let out = env
                .cmd()
                .args([command, "--match-filter", filter, DESKTOP_URL])
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2), "{filter}: {}", stderr(&out));
            assert!(stderr(&out).contains(says), "{filter}: {}", stderr(&out));
        }
    }
    assert!(
        env.tiktok.requests().is_empty(),
        "{:?}",
        env.tiktok.requests()
    );
}

#[test]
fn the_config_file_sets_a_filter_and_the_flag_replaces_it() {
    let env = Env::new();
    let config = env.dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[download]\nmatch_filter = [\"duration>100000\", \"view_count>1e99\"]\n",
    )
    .unwrap_or_default();
    // `1e99` is no number yt-dlp reads: the file's error names the key.
    let out = env
        .cmd_with_config(&config)
        .args(["info", DESKTOP_URL])
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("match_filter"), "{}", stderr(&out));

    std::fs::write(&config, "[download]\nmatch_filter = \"duration>100000\"\n").unwrap();
    let out = env
        .cmd_with_config(&config)
        .args(["info", "--json", DESKTOP_URL])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(ndjson(&out.stdout)[0]["status"], "skipped");
    let out = env
        .cmd_with_config(&config)
        .args([
            "info",
            "--json",
            "--match-filter",
            "duration>0",
            DESKTOP_URL,
        ])
        .output()
        .unwrap();
    assert_eq!(ndjson(&out.stdout)[0]["id"], DESKTOP_ID);
    assert!(ndjson(&out.stdout)[0].get("status").is_none());
    let shown = env
        .cmd_with_config(&config)
        .args(["config", "show"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&shown.stdout).contains("match_filter = [\"duration>100000\"]"),
        "{}",
        String::from_utf8_lossy(&shown.stdout)
    );
}
