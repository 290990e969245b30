//! The by-hand tour the imitation prints at startup: each command, pasted after its shell
//! function exactly as printed, works (the error case fails as it says), and leaves nothing
//! outside the folder it names.

use crate::support::{Env, stderr, stdout};
use tiktok_imitation::tour;

/// Runs `line` in `sh` after the tour's function, with this build's `tikdl` first on PATH and
/// the test's HOME, XDG folders and working directory (so its cache is the test's own).
fn pasted(env: &Env, line: &str) -> std::process::Output {
    let function = tour::function(env.tiktok.port(), &env.ca.to_string_lossy());
    let script = format!("PATH=\"$(dirname \"$0\"):$PATH\"\n{function}\n{line}\n");
    env.std_cmd_in_shell(&script).output().unwrap()
}

#[test]
fn every_command_the_imitation_prints_works_when_pasted() {
    let env = Env::new();
    for step in tour::STEPS {
        let line = tour::command(step);
        let out = pasted(&env, &line);
        let (text, err) = (stdout(&out), stderr(&out));
        let code = out.status.code();
        if step.succeeds {
            assert_eq!(code, Some(0), "{line}: {err}\n{text}");
            // The video is playable and taggable: no warning about its container.
            assert!(!err.contains("warning"), "{line}: {err}");
        } else {
            assert_eq!(code, Some(1), "{line}: {err}\n{text}");
            assert!(err.contains("private"), "{line}: {err}");
        }
        if step.args == ["cache", "stats"] {
            // The video's metadata was cached: its media URLs have not expired.
            let entries = text
                .lines()
                .find_map(|l| l.strip_prefix("entries:"))
                .and_then(|l| l.split_whitespace().next())
                .and_then(|n| n.parse::<u64>().ok());
            assert!(entries.is_some_and(|n| n >= 1), "{text}");
        }
    }
    // Everything saved went into the folder the commands name (beside the test's own CA).
    let names: Vec<String> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| *p != env.ca)
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["tour"], "{names:?}");
    let video = tour::VIDEO.rsplit('/').next().unwrap();
    let saved = walk(&env.dir.path().join("tour"));
    assert!(
        saved
            .iter()
            .any(|p| p.ends_with(".mp4") && p.contains(video)),
        "{saved:#?}"
    );
}

/// Every file under `dir`, as text.
fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path.to_string_lossy().into_owned());
        }
    }
    out
}
