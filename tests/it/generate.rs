//! Completions and the man page are generated from the CLI definitions and checked in; these
//! tests fail when the checked-in copies are stale. Every command's long help has examples.

use std::path::Path;

use crate::support::Env;

const REGENERATE: &str = "regenerate with: cargo run -- generate completions completions && cargo run -- generate man doc";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}; {REGENERATE}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn completions_are_up_to_date() {
    let env = Env::new();
    let out_dir = env.state.path().join("completions");
    let out = env
        .bare()
        .arg("generate")
        .arg("completions")
        .arg(&out_dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let generated = files(&out_dir);
    assert_eq!(
        generated,
        [
            "_tikdl",
            "_tikdl.ps1",
            "tikdl.bash",
            "tikdl.elv",
            "tikdl.fish"
        ],
        "one script per shell"
    );
    let checked_in = repo().join("completions");
    assert_eq!(files(&checked_in), generated, "{REGENERATE}");
    for name in generated {
        let fresh = std::fs::read_to_string(out_dir.join(&name)).unwrap();
        let kept = std::fs::read_to_string(checked_in.join(&name)).unwrap();
        assert!(fresh == kept, "completions/{name} is stale; {REGENERATE}");
        // The scripts know the new commands and options.
        for word in ["cache", "config", "no-cache", "stats"] {
            assert!(fresh.contains(word), "{name} lacks {word}");
        }
    }
}

#[test]
fn man_page_is_up_to_date() {
    let env = Env::new();
    let out_dir = env.state.path().join("doc");
    let out = env
        .bare()
        .arg("generate")
        .arg("man")
        .arg(&out_dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The top page and one page per command it names (the hidden generator has none).
    let generated = files(&out_dir);
    assert_eq!(
        generated,
        [
            "tikdl-batch.1",
            "tikdl-cache-clear.1",
            "tikdl-cache-path.1",
            "tikdl-cache-stats.1",
            "tikdl-cache.1",
            "tikdl-config-path.1",
            "tikdl-config-show.1",
            "tikdl-config.1",
            "tikdl-download.1",
            "tikdl-info.1",
            "tikdl.1",
        ],
        "one page per command"
    );
    let top = std::fs::read_to_string(out_dir.join("tikdl.1")).unwrap();
    assert!(
        top.starts_with(".ie"),
        "roff: {}",
        &top[..40.min(top.len())]
    );
    assert!(top.contains("\\-\\-cache\\-ttl"), "documents the options");
    // The top page names the sub-pages it promises.
    for page in ["tikdl\\-download(1)", "tikdl\\-info(1)", "tikdl\\-batch(1)"] {
        assert!(top.contains(page), "tikdl.1 does not name {page}");
    }
    let download = std::fs::read_to_string(out_dir.join("tikdl-download.1")).unwrap();
    assert!(download.contains("\\-\\-write\\-info\\-json"), "{download}");
    assert!(download.contains("xargs"), "the examples are in the page");
    assert_eq!(files(&repo().join("doc")), generated, "{REGENERATE}");
    for name in generated {
        let fresh = std::fs::read_to_string(out_dir.join(&name)).unwrap();
        let kept = std::fs::read_to_string(repo().join("doc").join(&name))
            .unwrap_or_else(|e| panic!("doc/{name}: {e}; {REGENERATE}"));
        assert!(fresh == kept, "doc/{name} is stale; {REGENERATE}");
    }
}

#[test]
fn every_command_has_examples_in_its_help() {
    let env = Env::new();
    for args in [
        vec![],
        vec!["info"],
        vec!["download"],
        vec!["batch"],
        vec!["cache"],
        vec!["cache", "stats"],
        vec!["cache", "clear"],
        vec!["cache", "path"],
        vec!["config"],
        vec!["config", "show"],
        vec!["config", "path"],
    ] {
        let out = env.bare().args(&args).arg("--help").output().unwrap();
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("Examples:\n  tikdl "),
            "tikdl {args:?} --help:\n{text}"
        );
    }
    // The generator is for packagers: not in the help.
    let out = env.bare().arg("--help").output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("generate"));
}

/// The flags in the first column of the README's option tables under the headings that start
/// with one of `headings` (a table ends at the next heading).
/// Rows that say "`download` only" are left out for `batch` (`only_download`).
fn readme_flags(headings: &[&str], only_download: bool) -> std::collections::BTreeSet<String> {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let mut flags = std::collections::BTreeSet::new();
    let mut inside = false;
    for line in readme.lines() {
        if line.starts_with('#') {
            inside = headings.iter().any(|h| line.starts_with(h));
            continue;
        }
        let Some(cell) = line.strip_prefix('|').and_then(|l| l.split(" | ").next()) else {
            continue;
        };
        if !inside || only_download && line.contains("`download` only") {
            continue;
        }
        // Code spans are the odd pieces between backticks.
        for code in cell.split('`').skip(1).step_by(2) {
            for word in code.split([' ', ',', '/']) {
                let word = word.split(['=', '[']).next().unwrap_or("");
                if word.starts_with('-') && word.len() > 1 && !word.starts_with("---") {
                    flags.insert(word.to_owned());
                }
            }
        }
    }
    flags
}

/// The options `tikdl ARGS --help` shows: (own, global), each as its flags (`-x`, `--long`).
fn help_flags(args: &[&str]) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    let env = Env::new();
    let out = env.bare().args(args).arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let (mut own, mut global, mut in_global) = (Vec::new(), Vec::new(), false);
    for line in text.lines() {
        if line.is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            in_global = line.starts_with("Global options");
            continue;
        }
        let spec = line.trim_start();
        // An option line starts with its flags, then two spaces or the end of the line.
        if !spec.starts_with('-') || line.len() - spec.len() > 6 {
            continue;
        }
        let spec = spec.split("  ").next().unwrap_or("");
        let flags: Vec<String> = spec
            .split(", ")
            .map(|f| {
                let f = f.split([' ', '=', '[']).next().unwrap_or("");
                f.trim_end_matches('.').to_owned()
            })
            .filter(|f| {
                f.starts_with('-') && !matches!(f.as_str(), "-h" | "--help" | "-V" | "--version")
            })
            .collect();
        if flags.is_empty() {
            continue;
        }
        if in_global {
            global.push(flags)
        } else {
            own.push(flags)
        }
    }
    (own, global)
}

/// Every option `--help` shows is in the README's table for its command (the global ones in the
/// global table), and every flag those tables name is one `--help` shows.
#[test]
fn the_readmes_option_tables_match_the_help() {
    let mut wrong = Vec::new();
    let global_heading = ["### Global options"];
    let global_readme = readme_flags(&global_heading, false);
    let mut all_help_global = std::collections::BTreeSet::new();
    for (args, headings) in [
        (&["info"][..], &["### `info` options"][..]),
        (
            &["download"][..],
            &["### `download` options", "### LIVE rooms"][..],
        ),
        (
            &["batch"][..],
            &["### `batch` options", "### `download` options"][..],
        ),
    ] {
        let readme = readme_flags(headings, args[0] == "batch");
        let (own, global) = help_flags(args);
        let shown: std::collections::BTreeSet<String> =
            own.iter().chain(&global).flatten().cloned().collect();
        for flags in &own {
            for f in flags {
                if !(readme.contains(f)) {
                    wrong.push(format!(
                        "tikdl {} --help shows {f}; README {headings:?} lacks it",
                        args[0]
                    ));
                }
            }
        }
        for f in &readme {
            if !(shown.contains(f)) {
                wrong.push(format!(
                    "README {headings:?} names {f}; tikdl {} --help has no such option",
                    args[0]
                ));
            }
        }
        all_help_global.extend(global.into_iter().flatten());
    }
    for f in &all_help_global {
        if !(global_readme.contains(f)) {
            wrong.push(format!("global option {f} is not in README's global table",));
        }
    }
    for f in &global_readme {
        if !(all_help_global.contains(f)) {
            wrong.push(format!(
                "README's global table names {f}; no command's --help shows it",
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "README option tables vs --help:\n{}",
        wrong.join("\n")
    );
}
