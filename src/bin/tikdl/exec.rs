//! `--exec CMD`: a command run with `sh -c` after each post is saved (yt-dlp's `ExecPP`, which
//! runs at `after_move` by default: `yt_dlp/postprocessor/exec.py`). As there, `{}` stands for
//! the saved file, and is appended when CMD has no `%(field)s` and no `{}`; `%(field)s` puts in
//! any field of the post (`%(filepath)s` the file). Unlike yt-dlp, where only `%(field)q` is
//! quoted, EVERY value put in is shell-quoted: they come from TikTok's JSON or a file name, and
//! a caption such as `$(rm -rf ~)` must reach the command as text. A command that fails is a
//! warning naming it and its exit status; the post stays saved but, as in yt-dlp (a failed
//! post-processor returns before the archive is written), is not archived, and the run exits 1.
//! Commands run one at a time, as yt-dlp's do. Never run under `--json` (yt-dlp's `-j`
//! simulates) or `batch --info-only` (nothing is saved).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::Result;
use tikdl::batch::hook::{AfterSave, HookRun};
use tikdl::save::DownloadResult;
use tikdl::save::template::Template;

/// The commands, and how many runs of them failed.
pub struct Exec {
    commands: Arc<Vec<(String, Template)>>,
    failed: Arc<AtomicU64>,
    /// Whether a download archive is kept (a failed post is then left out of it).
    archived: bool,
    /// One command at a time, whichever post finished first.
    one_at_a_time: Arc<Mutex<()>>,
}

impl Exec {
    /// The `--exec` commands (none: nothing runs). A bad `%(...)` placeholder is a usage error.
    pub fn new(commands: &[String], archived: bool) -> Result<Self> {
        let commands = commands
            .iter()
            .map(|c| {
                Template::parse(c)
                    .map(|t| (c.clone(), t))
                    .map_err(|e| anyhow::anyhow!("--exec {c:?}: {e}"))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            commands: Arc::new(commands),
            failed: Arc::new(AtomicU64::new(0)),
            archived,
            one_at_a_time: Arc::new(Mutex::new(())),
        })
    }

    /// Runs of a command that failed (the run then exits 1).
    pub fn failed(&self) -> u64 {
        self.failed.load(Ordering::Relaxed)
    }

    /// The hook the loop runs after each saved post (`None` without commands).
    pub fn hook(&self) -> Option<AfterSave> {
        if self.commands.is_empty() {
            return None;
        }
        let (commands, failed) = (self.commands.clone(), self.failed.clone());
        let (archived, lock) = (self.archived, self.one_at_a_time.clone());
        Some(AfterSave(Arc::new(move |r: &DownloadResult, info| {
            let lines = command_lines(&commands, r, info);
            let id = r.id.clone().unwrap_or_else(|| "?".to_owned());
            let (failed, lock) = (failed.clone(), lock.clone());
            let work: HookRun = Box::new(move || {
                let _turn = lock.lock().unwrap_or_else(|e| e.into_inner());
                let mut result = Ok(());
                for (raw, line) in lines {
                    if let Err(why) = run(&line) {
                        failed.fetch_add(1, Ordering::Relaxed);
                        let kept = if archived { ", not archived" } else { "" };
                        tracing::warn!(
                            "--exec {}: {why} (the post {id} is saved{kept})",
                            tikdl::terminal::safe(&raw)
                        );
                        result = Err(why);
                    }
                }
                result
            });
            Some(work)
        })))
    }
}

/// Each command's line for one saved post.
fn command_lines(
    commands: &[(String, Template)],
    r: &DownloadResult,
    info: Option<&tikdl::VideoInfo>,
) -> Vec<(String, String)> {
    let extra = crate::printer::saved_fields(r);
    let fields = info
        .and_then(|i| match serde_json::to_value(i) {
            Ok(serde_json::Value::Object(m)) => Some(m),
            _ => None,
        })
        .unwrap_or_default();
    let filepath = extra
        .iter()
        .find(|(k, _)| *k == "filepath")
        .and_then(|(_, v)| v.as_str().map(str::to_owned));
    commands
        .iter()
        .map(|(raw, t)| {
            let line = command_line(raw, t, &fields, &extra, filepath.as_deref());
            (raw.clone(), line)
        })
        .collect()
}

/// The shell command for one post: placeholders filled in quoted; else `{}` (appended when
/// absent) replaced by the quoted file path.
fn command_line(
    raw: &str,
    template: &Template,
    fields: &serde_json::Map<String, serde_json::Value>,
    extra: &[(&str, serde_json::Value)],
    filepath: Option<&str>,
) -> String {
    if template.has_fields() {
        return template.render_quoted(fields, extra, shell_quote);
    }
    let Some(path) = filepath else {
        return raw.to_owned();
    };
    let mut line = raw.to_owned();
    if !line.contains("{}") {
        line.push_str(" {}");
    }
    line.replace("{}", &shell_quote(path))
}

/// `s` as one word of `sh`: inside single quotes, where nothing is special but the quote itself
/// (written `'\''`).
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Runs `line` with `sh -c`, standard output and error inherited (as yt-dlp's
/// `Popen.run(shell=True)`), standard input empty.
fn run(line: &str) -> Result<(), String> {
    tracing::info!("--exec: running {}", tikdl::terminal::safe(line));
    // Standard input is not the command's: it may be the URL list (`batch -`, `-a -`), read
    // as the run goes, and a command that reads it (ffmpeg does) would take its lines.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(line)
        .stdin(std::process::Stdio::null())
        .status()
        .map_err(|e| format!("cannot start sh: {e}"))?;
    if status.success() {
        return Ok(());
    }
    match status.code() {
        Some(code) => Err(format!("the command exited with status {code}")),
        None => {
            use std::os::unix::process::ExitStatusExt;
            Err(format!(
                "the command was killed by signal {}",
                status.signal().unwrap_or(0)
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(cmd: &str, title: &str, path: &str) -> String {
        let t = Template::parse(cmd).unwrap();
        let fields = serde_json::json!({ "title": title, "id": "7000000000000000001" });
        let serde_json::Value::Object(fields) = fields else {
            unreachable!()
        };
        let extra = [("filepath", serde_json::Value::from(path))];
        command_line(cmd, &t, &fields, &extra, Some(path))
    }

    #[test]
    fn every_value_is_one_quoted_word() {
        assert_eq!(line("echo", "t", "a b.mp4"), "echo 'a b.mp4'");
        assert_eq!(
            line("mv {} done/", "t", "it's.mp4"),
            r"mv 'it'\''s.mp4' done/"
        );
        assert_eq!(
            line("echo %(title)s > %(id)s.txt", "$(rm -rf ~)'; x", "f"),
            r"echo '$(rm -rf ~)'\''; x' > '7000000000000000001'.txt"
        );
        // With a placeholder, `{}` is the command's own text (as in yt-dlp).
        assert_eq!(line("echo {} %(filepath)s", "t", "f"), "echo {} 'f'");
    }

    #[test]
    fn a_quoted_value_reaches_the_shell_as_text() {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("printf %s {}", shell_quote("$(echo no)`x`'\"\\")))
            .output()
            .unwrap();
        assert_eq!(out.stdout, b"$(echo no)`x`'\"\\");
    }
}
