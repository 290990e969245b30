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
