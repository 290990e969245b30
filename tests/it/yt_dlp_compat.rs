//! Command lines written for yt-dlp: an option given twice (the last wins), yt-dlp's `TYPES:` /
//! `WHEN:` prefixes on `-P`, `-o` and `--exec`, its batch-file comments, and the saved file
//! handed to `--exec` so that it never reads as an option.

use crate::support::{Env, Run, batch_url};

fn id_of(n: u64) -> String {
    batch_url(n).rsplit('/').next().unwrap().to_owned()
}

#[test]
fn a_path_handed_to_exec_never_starts_with_a_dash() {
    let env = Env::new();
    let mut cmd = env.cmd();
    cmd.args(["--rate-limit", "0", "download", "-P", ""])
        .arg("--output=-rf %(id)s.%(ext)s")
        .args(["--exec", "printf '[%s]\\n' {} >> brace.log"])
        .args(["--exec", "printf '[%s]\\n' >> appended.log"])
        .args(["--exec", "printf '[%s]\\n' %(filepath)s >> field.log"])
        .arg(batch_url(40));
    let run = Run::text_of(&mut cmd).success();
    let want = format!("[./-rf {}.mp4]\n", id_of(40));
    for log in ["brace.log", "appended.log", "field.log"] {
        let got = std::fs::read_to_string(env.dir.path().join(log)).unwrap_or_default();
        assert_eq!(got, want, "{log}{run}");
    }
}

#[test]
fn an_option_given_again_replaces_its_value_as_in_yt_dlp() {
    let env = Env::new();
    let mut cmd = env.cmd();
    // Global options before the subcommand too (a wrapper's own `--rate-limit 0`).
    cmd.args([
        "--rate-limit",
        "1",
        "--rate-limit",
        "0",
        "download",
        "--json",
    ])
    .args(["-P", "a", "-P", "b", "-f", "worst", "-f", "best"])
    .args(["-o", "x-%(id)s.%(ext)s", "-o", "%(id)s.%(ext)s"])
    .arg(batch_url(41));
    let run = Run::json_of(&mut cmd).ok();
    let path = env.dir.path().join(format!("b/{}.mp4", id_of(41)));
    assert!(path.is_file(), "{run}");
    assert!(!env.dir.path().join("a").exists(), "{run}");
    // Repeatable options still gather every value.
    let mut cmd = env.cmd();
    cmd.args([
        "--rate-limit",
        "0",
        "download",
        "-P",
        "c",
        "-o",
        "%(id)s.%(ext)s",
    ])
    .args(["--exec", "test -s {} && echo one >> hooks.log"])
    .args(["--exec", "test -s {} && echo two >> hooks.log"])
    .arg(batch_url(41));
    let run = Run::text_of(&mut cmd).success();
    let log = std::fs::read_to_string(env.dir.path().join("hooks.log")).unwrap_or_default();
    assert_eq!(log, "one\ntwo\n", "{run}");
}

#[test]
fn yt_dlp_prefixes_are_understood_or_refused_never_taken_as_names() {
    let env = Env::new();
    let mut cmd = env.cmd();
    cmd.args(["--rate-limit", "0", "download", "-P", "home:dl"])
        .args(["-o", "default:%(id)s.%(ext)s"])
        .args(["--exec", "after_move:echo moved {} >> moved.log"])
        .arg(batch_url(42));
    let run = Run::text_of(&mut cmd).success();
    let dir = env.dir.path();
    assert!(dir.join(format!("dl/{}.mp4", id_of(42))).is_file(), "{run}");
    assert!(!dir.join("home:dl").exists(), "{run}");
    let log = std::fs::read_to_string(dir.join("moved.log")).unwrap_or_default();
    assert_eq!(log, format!("moved ./dl/{}.mp4\n", id_of(42)), "{run}");

    // The prefixes tikdl cannot honour are usage errors with the reason, before any download.
    for (flag, value, says) in [
        ("-P", "temp:tmp", "temporary folder"),
        ("-o", "thumbnail:%(id)s.%(ext)s", "thumbnail:"),
        ("--exec", "before_dl:echo {}", "before_dl:"),
    ] {
        let mut cmd = env.cmd();
        cmd.args(["download", flag, value]).arg(batch_url(43));
        let run = Run::text_of(&mut cmd).code(2);
        assert!(run.stderr.contains(says), "{flag} {value}{run}");
    }
    assert!(!dir.join(format!("{}.mp4", id_of(43))).exists());
    assert!(!dir.join("thumbnail:").exists());

    // A colon with no known prefix before it is part of the folder's name.
    let mut cmd = env.cmd();
    cmd.args([
        "--rate-limit",
        "0",
        "download",
        "-P",
        "a:b",
        "-o",
        "%(id)s.%(ext)s",
    ])
    .arg(batch_url(43));
    let run = Run::text_of(&mut cmd).success();
    assert!(
        dir.join(format!("a:b/{}.mp4", id_of(43))).is_file(),
        "{run}"
    );
}

#[test]
fn batch_files_take_yt_dlp_s_comments() {
    let env = Env::new();
    let list = env.dir.path().join("list.txt");
    std::fs::write(
        &list,
        format!(
            "{} # trailing comment\n;{}\n]{}\n  ; indented\n{}\t#tab\n",
            batch_url(44),
            batch_url(45),
            batch_url(46),
            batch_url(47)
        ),
    )
    .unwrap();
    let mut cmd = env.cmd();
    cmd.args(["--rate-limit", "0", "download", "--json", "-P", "out", "-a"])
        .arg(&list);
    let run = Run::json_of(&mut cmd).success();
    let urls: Vec<&str> = run
        .lines
        .iter()
        .map(|l| l["url"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(urls, [batch_url(44), batch_url(47)], "{run}");
}

#[test]
fn exec_keeps_yt_dlp_s_rule_for_braces_beside_a_field_and_says_so() {
    let env = Env::new();
    let mut cmd = env.cmd();
    cmd.args([
        "--rate-limit",
        "0",
        "download",
        "-P",
        "out",
        "-o",
        "%(id)s.%(ext)s",
    ])
    .args(["--exec", "echo {} %(id)s >> mixed.log"])
    .arg(batch_url(48));
    let run = Run::text_of(&mut cmd).success();
    let log = std::fs::read_to_string(env.dir.path().join("mixed.log")).unwrap_or_default();
    assert_eq!(log, format!("{{}} {}\n", id_of(48)), "{run}");
    assert!(run.stderr.contains("stays as it is"), "{run}");
    assert!(run.stderr.contains("%(filepath)s"), "{run}");
}

#[test]
fn restrict_filenames_keeps_the_base_letter_of_accented_letters() {
    let env = Env::new();
    let mut cmd = env.cmd();
    // A `|default` stands in for a field value: it is made safe the same way.
    cmd.args(["--rate-limit", "0", "download", "--json", "-P", "out"])
        .arg("--restrict-filenames")
        .args(["-o", "%(no_such_field|İstanbul Čeština)s-%(id)s.%(ext)s"])
        .arg(batch_url(49));
    let run = Run::json_of(&mut cmd).ok();
    let want = format!("out/Istanbul_Cestina-{}.mp4", id_of(49));
    assert!(env.dir.path().join(&want).is_file(), "{want}{run}");
}

#[test]
fn yt_dlp_s_text_conversions_work_in_print_and_exec() {
    let env = Env::new();
    let mut cmd = env.cmd();
    cmd.args([
        "info",
        "-O",
        "%(hashtags)l",
        "-O",
        "%(id)j",
        "-O",
        "%(title)q",
    ])
    .arg(batch_url(50));
    let run = Run::text_of(&mut cmd).success();
    let id = id_of(50);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{run}");
    let tags: Vec<String> = env.info_json(&batch_url(50))["hashtags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_owned())
        .collect();
    assert!(tags.len() > 1, "{tags:?}");
    assert_eq!(lines[0], tags.join(", "), "{run}");
    assert_eq!(lines[1], format!("\"{id}\""), "{run}");
    assert!(
        lines[2].starts_with("'Imitation post number 50") && lines[2].ends_with('\''),
        "{run}"
    );
    // In --exec the value is one shell word already: `q` adds no quotes to it.
    let mut cmd = env.cmd();
    cmd.args([
        "--rate-limit",
        "0",
        "download",
        "-P",
        "out",
        "-o",
        "%(id)s.%(ext)s",
    ])
    .args(["--exec", "printf '%s\\n' %(title)q > title.txt"])
    .arg(batch_url(50));
    let run = Run::text_of(&mut cmd).success();
    let title = std::fs::read_to_string(env.dir.path().join("title.txt")).unwrap_or_default();
    assert!(
        title.starts_with("Imitation post number 50"),
        "{title:?}{run}"
    );
}
