//! `--exec CMD`: a command run with `sh -c` after each post is saved (yt-dlp's `ExecPP`, which
//! runs at `after_move` by default: `yt_dlp/postprocessor/exec.py`). As there, `{}` stands for
//! the saved file, and is appended when CMD has no `%(field)s` and no `{}`; `%(field)s` puts in
//! any field of the post (`%(filepath)s` the file). Unlike yt-dlp, where only `%(field)q` is
//! quoted, EVERY value put in is shell-quoted: they come from TikTok's JSON or a file name, and
//! a caption such as `$(rm -rf ~)` must reach the command as text. A command that fails is a
//! warning naming it and its exit status; the post stays saved, and the run exits 1 (yt-dlp
//! reports the post's post-processing as an error and exits 1). Never run under `--json`
//! (yt-dlp's `-j` simulates) or `batch --info-only` (nothing is saved).

use anyhow::Result;
use tikdl::Outcome;
use tikdl::save::template::Template;

/// The commands, and how many runs of them failed.
pub struct Exec {
    commands: Vec<(String, Template)>,
    failed: u64,
}

impl Exec {
    /// The `--exec` commands (none: nothing runs). A bad `%(...)` placeholder is a usage error.
    pub fn new(commands: &[String]) -> Result<Self> {
        let commands = commands
            .iter()
            .map(|c| {
                Template::parse(c)
                    .map(|t| (c.clone(), t))
                    .map_err(|e| anyhow::anyhow!("--exec {c:?}: {e}"))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            commands,
            failed: 0,
        })
    }

    /// Runs of a command that failed (the run then exits 1).
    pub fn failed(&self) -> u64 {
        self.failed
    }

    /// After one outcome: the commands, for a post that was saved.
    pub fn after(&mut self, o: &Outcome) {
        let Outcome::Downloaded(r, info) = o else {
            return;
        };
        if self.commands.is_empty() {
            return;
        }
        let extra = crate::printer::saved_fields(r);
        let fields = info
            .as_deref()
            .and_then(|i| match serde_json::to_value(i) {
                Ok(serde_json::Value::Object(m)) => Some(m),
                _ => None,
            })
            .unwrap_or_default();
        let filepath = extra
            .iter()
            .find(|(k, _)| *k == "filepath")
            .and_then(|(_, v)| v.as_str().map(str::to_owned));
        for (raw, template) in &self.commands {
            let line = command_line(raw, template, &fields, &extra, filepath.as_deref());
            if let Err(why) = run(&line) {
                self.failed += 1;
                tracing::warn!(
                    "--exec {}: {why} (the post {} is saved)",
                    tikdl::terminal::safe(raw),
                    r.id.as_deref().unwrap_or("?")
                );
            }
        }
    }
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

/// Runs `line` with `sh -c`, standard streams inherited (as yt-dlp's `Popen.run(shell=True)`).
fn run(line: &str) -> Result<(), String> {
    tracing::info!("--exec: running {}", tikdl::terminal::safe(line));
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(line)
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
