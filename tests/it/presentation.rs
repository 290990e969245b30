//! How tikdl's output reads, for programs and for people: JSON lines any NDJSON reader cuts where
//! tikdl does (line separators escaped), warnings on a terminal that read like the errors and sit
//! above the progress bars, `-h`/`--help` laid out with a command's own options first and
//! examples that work when pasted.

use std::process::Output;

use serde_json::Value;

use crate::support::{Env, files_under, ndjson, stderr, stdout};

/// The post whose caption holds U+2028, U+2029 and U+0085.
fn line_breaking_post() -> (String, String) {
    let id = (tiktok_imitation::STRINGS_BASE + 7).to_string();
    (format!("https://www.tiktok.com/@u/video/{id}"), id)
}

/// Where JavaScript or Python's `str.splitlines()` would end a line, besides `\n`.
const LINE_ENDS: [char; 9] = [
    '\r', '\u{b}', '\u{c}', '\u{1c}', '\u{1d}', '\u{1e}', '\u{85}', '\u{2028}', '\u{2029}',
];

/// `out`'s standard output as lines that every NDJSON reader sees alike: nothing but `\n` ends
/// one, and each parses alone.
fn strict_lines(out: &Output) -> Vec<Value> {
    let text = String::from_utf8(out.stdout.clone()).expect("UTF-8 output");
    assert!(text.ends_with('\n'), "{text:?}");
    if let Some(c) = text.chars().find(|c| LINE_ENDS.contains(c)) {
        panic!("raw {c:?} in a JSON line: {text:?}");
    }
    ndjson(&out.stdout)
}

#[test]
fn json_lines_escape_the_characters_that_end_lines_elsewhere() {
    let env = Env::new();
    let (url, id) = line_breaking_post();
    // info --json: the caption arrives whole, escaped.
    let out = env.cmd().args(["info", "--json", &url]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(r"one\u2028two\u2029three\u0085four"),
        "{text}"
    );
    let lines = strict_lines(&out);
    assert_eq!(lines.len(), 1);
    assert_eq!(
        lines[0]["description"],
        tiktok_imitation::LINE_BREAKING_DESC
    );
    assert_eq!(lines[0]["id"], id.as_str());

    // batch --info-only: the same line.
    let list = env.dir.path().join("list.txt");
    std::fs::write(&list, format!("{url}\n")).unwrap();
    let out = env
        .cmd()
        .args(["batch", "--info-only"])
        .arg(&list)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let batch = strict_lines(&out);
    assert_eq!(batch, lines);

    // download --json: the file name holds the caption's characters, its JSON line does not;
    // the info.json sidecar (indented) escapes them too.
    let out = env
        .cmd()
        .args(["download", "--json", "--write-info-json", "-P", "saved"])
        .args(["-o", "%(description)s [%(id)s].%(ext)s", &url])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let results = strict_lines(&out);
    assert_eq!(results.len(), 1, "{}", stdout(&out));
    let saved: Vec<String> = results[0]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_owned())
        .collect();
    // (The file name has them as spaces: the sanitizer's business, not JSON's.)
    assert!(saved.iter().all(|p| p.contains(&id)), "{saved:?}");
    let on_disk = files_under(&env.dir.path().join("saved"));
    let info_json = on_disk
        .iter()
        .find(|p| p.to_string_lossy().ends_with(".info.json"))
        .unwrap_or_else(|| panic!("{on_disk:?}"));
    let body = std::fs::read_to_string(info_json).unwrap();
    assert!(
        !body.contains('\u{2028}') && !body.contains('\u{2029}'),
        "{body}"
    );
    assert!(body.contains(r"one\u2028two"), "{body}");
    let parsed: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(parsed["description"], tiktok_imitation::LINE_BREAKING_DESC);
}

/// Whether `script` (util-linux) can give tikdl a pseudo-terminal here.
fn have_script() -> bool {
    std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs `tikdl` (as [`Env::std_cmd`]) with `args` under `script`, so that standard error is a
/// terminal; returns everything the terminal received.
fn on_a_terminal(env: &Env, args: &[&str]) -> String {
    let mut tikdl = env.std_cmd();
    tikdl.args(args);
    let quote = |s: &std::ffi::OsStr| format!("'{}'", s.to_string_lossy().replace('\'', r"'\''"));
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
    let text = stdout(&out);
    assert!(out.status.success(), "{text:?}");
    text
}

/// A warning while bars are drawn: `warning: ...` as the errors read, no timestamp or level
/// column, and written above the bars (they are cleared for it and drawn again below it, so
/// the next redraw does not move the cursor up over it).
#[test]
fn a_warning_on_a_terminal_reads_like_an_error_and_sits_above_the_bars() {
    if !have_script() {
        eprintln!("skipped: no `script` to give tikdl a terminal");
        return;
    }
    let env = Env::new();
    // A big post keeps a bar on screen while the other post warns about its subtitles.
    let big = "https://www.tiktok.com/@bench/video/7900000000000000032";
    let url = crate::support::DESKTOP_URL;
    let args = [
        "download",
        "-P",
        "saved",
        "--write-subs",
        "--sub-langs",
        "fr",
    ];
    let screen = on_a_terminal(&env, &[&args[..], &["-r", "4M", big, url]].concat());
    assert!(screen.contains(" eta "), "no bars drawn at all: {screen:?}");
    let id = crate::support::DESKTOP_ID;
    let warning = format!("warning: {id}: no subtitles in the requested languages (available: ");
    let at = screen
        .find(&warning)
        .unwrap_or_else(|| panic!("no {warning:?} in {screen:?}"));
    // The whole line, as one piece: no bar drawn into it.
    let line_end = screen[at..].find('\n').map_or(screen.len(), |n| at + n);
    let line = &screen[at..line_end];
    assert!(
        !line.contains('\u{1b}') && line.trim_end_matches('\r').ends_with(')'),
        "{line:?}"
    );
    // The bars were cleared before it: a redraw over the line would start by moving up.
    let after = &screen[line_end + 1..];
    let next: String = after.chars().take(300).collect();
    assert!(
        !moves_up(after),
        "the next draw moves over the warning: {next:?}"
    );
    // Nothing of tracing's own format.
    assert!(!screen.contains("WARN"), "{screen:?}");
    assert!(!has_timestamp(&screen), "{screen:?}");

    // -v keeps the timestamps and levels, for a diagnosis.
    std::fs::remove_dir_all(env.dir.path().join("saved")).unwrap();
    let verbose = on_a_terminal(&env, &[&["-v"], &args[..], &[url]].concat());
    assert!(verbose.contains("WARN"), "{verbose:?}");
    assert!(has_timestamp(&verbose), "{verbose:?}");
}

/// Whether `s` starts with a cursor-up escape (`ESC [ n A`), after any carriage return.
fn moves_up(s: &str) -> bool {
    let s = s.trim_start_matches('\r');
    let Some(rest) = s.strip_prefix("\u{1b}[") else {
        return false;
    };
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    rest[digits..].starts_with('A')
}

/// Whether `s` holds a log timestamp such as `2026-12-02T08:08:14`.
fn has_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(19).any(|w| {
        let digit = |i: usize| w[i].is_ascii_digit();
        (0..4).all(digit)
            && w[4] == b'-'
            && digit(5)
            && digit(6)
            && w[7] == b'-'
            && w[10] == b'T'
            && w[13] == b':'
    })
}

/// Without bars (standard error a pipe) a warning reads the same.
#[test]
fn a_warning_in_a_pipe_reads_like_an_error() {
    let env = Env::new();
    let out = env
        .cmd()
        .args([
            "download",
            "-P",
            "saved",
            "--write-subs",
            "--sub-langs",
            "fr",
        ])
        .arg(crate::support::DESKTOP_URL)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    let line = err
        .lines()
        .find(|l| l.contains("no subtitles in the requested languages"))
        .unwrap_or_else(|| panic!("{err}"));
    let id = crate::support::DESKTOP_ID;
    assert!(line.starts_with(&format!("warning: {id}: ")), "{line:?}");
    assert!(!has_timestamp(&err), "{err}");
}

/// `cmd` followed by `flag`.
fn with<'a>(cmd: &[&'a str], flag: &'a str) -> Vec<&'a str> {
    let mut args = cmd.to_vec();
    args.push(flag);
    args
}

/// `tikdl ARGS` (no network) with the terminal `columns` wide.
fn help(env: &Env, args: &[&str], columns: u16) -> String {
    let out = env
        .bare()
        .args(args)
        .env("COLUMNS", columns.to_string())
        .env("LINES", "50")
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

const COMMANDS: [&[&str]; 6] = [
    &[],
    &["info"],
    &["download"],
    &["batch"],
    &["cache"],
    &["config"],
];

#[test]
fn a_commands_help_shows_its_own_options_before_the_global_ones() {
    let env = Env::new();
    for cmd in &COMMANDS[1..4] {
        let text = help(&env, &with(cmd, "--help"), 100);
        let own = text.find("\nOptions:\n").expect("an Options heading");
        let global = text
            .find("\nGlobal options:\n")
            .unwrap_or_else(|| panic!("{cmd:?}: no Global options heading:\n{text}"));
        assert!(own < global, "{cmd:?}:\n{text}");
        let (mine, theirs) = text.split_at(global);
        // The options' own entries (their names at the start of a line), not mentions in a text.
        for global in [
            "      --proxy <URL>",
            "      --cache-ttl <SECS>",
            "  -v, --verbose",
        ] {
            assert!(
                !mine.contains(global) && theirs.contains(global),
                "{cmd:?}:\n{text}"
            );
        }
    }
    let download = help(&env, &["download", "--help"], 100);
    let (mine, _) = download.split_at(download.find("\nGlobal options:\n").unwrap());
    for flag in ["--output", "--write-info-json", "--limit-rate", "--max"] {
        assert!(
            mine.contains(flag),
            "{flag} not among download's own options"
        );
    }
}

/// `-h` is a summary: one line per option (no text wrapped onto a second line at 80 columns),
/// the global options left to `--help`.
#[test]
fn short_help_fits_a_screen() {
    let env = Env::new();
    for cmd in COMMANDS {
        let text = help(&env, &with(cmd, "-h"), 80);
        assert!(!text.contains("--proxy"), "{cmd:?} -h:\n{text}");
        assert!(text.contains("--help"), "{text}");
        let mut in_options = false;
        for line in text.lines() {
            if line == "Options:" || line == "Arguments:" {
                in_options = true;
                continue;
            }
            if line.is_empty() {
                in_options = false;
                continue;
            }
            if in_options {
                // Each entry starts with its flag or `<VALUE>`; a wrapped line would not.
                let entry = line.trim_start();
                assert!(
                    entry.starts_with('-') || entry.starts_with('<') || entry.starts_with('['),
                    "{cmd:?} -h wraps: {line:?}\n{text}"
                );
            }
        }
        let lines = text.lines().count();
        assert!(lines <= 50, "{cmd:?} -h is {lines} lines:\n{text}");
    }
}

/// Every example in every help works when pasted: one line each (none wrapped at 80 columns),
/// no raw TAB or newline inside a quote, each a valid shell command.
#[test]
fn every_help_example_is_one_pasteable_shell_line() {
    let env = Env::new();
    let mut checked = 0;
    for cmd in [
        &[][..],
        &["info"],
        &["download"],
        &["batch"],
        &["cache"],
        &["cache", "stats"],
        &["cache", "clear"],
        &["cache", "path"],
        &["config"],
        &["config", "show"],
        &["config", "path"],
    ] {
        let narrow = help(&env, &with(cmd, "--help"), 80);
        let wide = help(&env, &with(cmd, "--help"), 100);
        assert_eq!(examples(&narrow), examples(&wide), "{cmd:?}: wrapped at 80");
        let lines = examples(&narrow);
        assert!(!lines.is_empty(), "{cmd:?} has no examples");
        for line in lines {
            assert!(!line.contains('\t'), "{cmd:?}: a raw TAB in {line:?}");
            let first = line.split_whitespace().next().unwrap_or("");
            assert!(
                ["tikdl", "echo", "grep", "du", "$EDITOR"].contains(&first),
                "{cmd:?}: {line:?} is not a command (a wrapped line?)"
            );
            let syntax = std::process::Command::new("bash")
                .args(["-n", "-c", &line])
                .output()
                .unwrap();
            assert!(
                syntax.status.success(),
                "{cmd:?}: {line:?}: {}",
                stderr(&syntax)
            );
            checked += 1;
        }
    }
    assert!(checked > 30, "{checked}");
    // The two that once printed a raw newline and raw TABs.
    let download = help(&env, &["download", "--help"], 100);
    assert!(download.contains(r"xargs -d '\n' ls -l"), "{download}");
    let info = help(&env, &["info", "--help"], 100);
    assert!(
        info.contains(r"$'%(id)s\t%(view_count)d\t%(title)s'"),
        "{info}"
    );
}

/// The lines of the `Examples:` block, without their indent.
fn examples(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| *l != "Examples:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(|l| l.trim().to_owned())
        .collect()
}
