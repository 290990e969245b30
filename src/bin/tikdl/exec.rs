//! `--exec CMD`: a command run with `sh -c` after each post is saved (yt-dlp's `ExecPP`, which
//! runs at `after_move` by default: `yt_dlp/postprocessor/exec.py`). As there, `{}` stands for
//! the saved file, and is appended when CMD has no `%(field)s` and no `{}`; `%(field)s` puts in
//! any field of the post (`%(filepath)s` the file). Unlike yt-dlp, where only `%(field)q` is
//! quoted, EVERY value is a positional parameter of `sh -c`: they come from TikTok's JSON or a file name, and
//! a caption such as `$(rm -rf ~)` must reach the command as text. A command that fails makes
//! its post fail (an error naming the command and its exit status, counted in the summary, in
//! `--failed-file`); the files stay but, as in yt-dlp (a failed post-processor returns before
//! the archive is written), the post is not archived, and the run exits 1.
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
        for (raw, t) in &commands {
            // yt-dlp's rule, kept: with a `%(field)s` in the command, `{}` is its own text.
            if t.has_fields() && raw.contains("{}") {
                tracing::warn!(
                    "--exec {}: `{{}}` stays as it is in a command with a %(field)s (as in \
                     yt-dlp); use %(filepath)s for the saved file",
                    tikdl::terminal::safe(raw)
                );
            }
        }
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
            let (failed, lock) = (failed.clone(), lock.clone());
            let work: HookRun = Box::new(move || {
                let _turn = lock.lock().unwrap_or_else(|e| e.into_inner());
                // Every command runs (as yt-dlp's do); the post's error names each that failed.
                let mut why_all = Vec::new();
                for (raw, line) in lines {
                    if let Err(why) = run(&line) {
                        failed.fetch_add(1, Ordering::Relaxed);
                        why_all.push(format!("--exec {}: {why}", tikdl::terminal::safe(&raw)));
                    }
                }
                if why_all.is_empty() {
                    return Ok(());
                }
                let kept = if archived { ", not archived" } else { "" };
                Err(format!("{} (its files are kept{kept})", why_all.join("; ")))
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
) -> Vec<(String, CommandLine)> {
    let mut extra = crate::printer::saved_fields(r);
    // The saved file as a program's argument: `./` before a relative path, so a name that
    // starts with `-` (an account called `-rf`, with `-P ''`) is never read as an option.
    for (k, v) in &mut extra {
        if *k == "filepath"
            && let Some(path) = v.as_str()
        {
            *v = serde_json::Value::from(as_argument(path));
        }
    }
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

/// `path` as an argument no program reads as an option: a relative path gets `./` in front
/// (an absolute one starts with `/`; one already starting with `./` or `../` is kept).
fn as_argument(path: &str) -> String {
    if path.starts_with('/') || path.starts_with("./") || path.starts_with("../") {
        path.to_owned()
    } else {
        format!("./{path}")
    }
}

/// One run of a command: the shell line, whose placeholders became references to positional
/// parameters (`${1}`, `${2}`, ...), and those parameters' values.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CommandLine {
    line: String,
    values: Vec<String>,
}

/// The shell command for one post: each placeholder (else `{}`, appended when absent) becomes a
/// reference to a positional parameter holding its value. A value is thus never shell source,
/// whatever the command wraps it in (quotes, `$(...)`, backticks, a here-document): the shell
/// expands a parameter but never reads its text as code.
fn command_line(
    raw: &str,
    template: &Template,
    fields: &serde_json::Map<String, serde_json::Value>,
    extra: &[(&str, serde_json::Value)],
    filepath: Option<&str>,
) -> CommandLine {
    let mut values = Vec::new();
    let mut reference = |line: &str, value: &str| {
        // A NUL cannot be passed in an argument; no file name or caption needs it.
        values.push(value.replace('\0', ""));
        quote_at(line, values.len())
    };
    if template.has_fields() {
        let line = template.render_quoted(fields, extra, &mut reference);
        return CommandLine { line, values };
    }
    let Some(path) = filepath else {
        return CommandLine {
            line: raw.to_owned(),
            values,
        };
    };
    let mut raw = raw.to_owned();
    if !raw.contains("{}") {
        raw.push_str(" {}");
    }
    let mut line = String::new();
    for (i, part) in raw.split("{}").enumerate() {
        if i > 0 {
            let value = reference(&line, path);
            line.push_str(&value);
        }
        line.push_str(part);
    }
    CommandLine { line, values }
}

/// Where in a shell line the text written so far leaves the next character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ShellPlace {
    /// Outside quotes (`escaped`: right after a backslash).
    Bare { escaped: bool },
    /// Inside `'...'`.
    Single,
    /// Inside `"..."` (`escaped`: right after a backslash).
    Double { escaped: bool },
    /// Inside bash's `$'...'`, where backslashes are escapes (dash has no such quotes).
    AnsiC { escaped: bool },
    /// In a `#` comment, to the end of the line.
    Comment,
    /// In a here-document's body (`escaped`: right after a backslash). With an unquoted
    /// delimiter the shell expands parameters there, as inside "..." but with quotes as text;
    /// a quoted one (`<<'EOF'`) expands nothing, so no value can be handed there: the reference
    /// stays text, never the value as source (a line of it could end the document).
    HereDoc { escaped: bool },
}

/// A here-document whose delimiter has been read (`<<EOF`, `<<-EOF`, `<<'EOF'`): its body
/// starts at the next newline outside quotes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct HereDoc {
    delimiter: String,
    /// `<<-`: leading tabs are stripped from the body's lines, the delimiter line's too.
    strip_tabs: bool,
}

/// The shell's reading of a here-document operator and its body, beside [`ShellPlace`].
#[derive(Debug, Default)]
struct HereDocs {
    /// The delimiter word being read after `<<`: its text, and whether `<<-` was written.
    word: Option<(String, bool)>,
    /// Operators read on this line, whose bodies follow it in order.
    pending: std::collections::VecDeque<HereDoc>,
    /// The body being read, and its current line so far.
    body: Option<(HereDoc, String)>,
}

/// The place `sh` is in after reading `line` (quotes, backslashes, comments; enough to quote a
/// value for the spot a user's command puts it, whether bare, in '...' or in "...").
fn shell_place(line: &str) -> ShellPlace {
    let mut place = ShellPlace::Bare { escaped: false };
    let mut docs = HereDocs::default();
    // The places `$(...)` and backticks were opened in: inside them quoting starts afresh.
    let mut outer: Vec<(ShellPlace, char)> = Vec::new();
    let mut word_start = true;
    let mut prev = '\0';
    for c in line.chars() {
        // A here-document's body: text up to the line that is its delimiter.
        if let Some((doc, text)) = &mut docs.body {
            if c != '\n' {
                text.push(c);
                place = ShellPlace::HereDoc {
                    escaped: c == '\\' && !matches!(place, ShellPlace::HereDoc { escaped: true }),
                };
                continue;
            }
            let end = if doc.strip_tabs {
                text.trim_start_matches('\t')
            } else {
                text.as_str()
            };
            if end == doc.delimiter {
                docs.body = docs.pending.pop_front().map(|d| (d, String::new()));
                if docs.body.is_none() {
                    place = ShellPlace::Bare { escaped: false };
                    word_start = true;
                    prev = c;
                }
            } else {
                text.clear();
                place = ShellPlace::HereDoc { escaped: false };
            }
            continue;
        }
        // The delimiter word after `<<` (its quotes are taken off): read beside the usual
        // quoting below, which still follows the word's quotes.
        if let Some((word, strip)) = &mut docs.word {
            let bare = matches!(place, ShellPlace::Bare { escaped: false });
            let ends_word =
                bare && (c.is_whitespace() || matches!(c, ';' | '&' | '|' | '(' | ')' | '<' | '>'));
            if word.is_empty() && c == '<' && prev == '<' {
                // `<<<`: a here-string, no body.
                docs.word = None;
            } else if word.is_empty() && c == '-' && prev == '<' {
                *strip = true;
            } else if ends_word && !word.is_empty() {
                docs.pending.push_back(HereDoc {
                    delimiter: word.replace(['\'', '"', '\\'], ""),
                    strip_tabs: *strip,
                });
                docs.word = None;
            } else if !ends_word {
                word.push(c);
            }
        }
        if c == '\n'
            && matches!(
                place,
                ShellPlace::Bare { escaped: false } | ShellPlace::Comment
            )
            && outer.is_empty()
            && let Some(doc) = docs.pending.pop_front()
        {
            docs.body = Some((doc, String::new()));
            place = ShellPlace::HereDoc { escaped: false };
            prev = c;
            continue;
        }
        if c == '<'
            && prev == '<'
            && matches!(place, ShellPlace::Bare { escaped: false })
            && docs.word.is_none()
        {
            docs.word = Some((String::new(), false));
            prev = c;
            continue;
        }
        let open = matches!(
            place,
            ShellPlace::Bare { escaped: false } | ShellPlace::Double { escaped: false }
        );
        if open && (c == '(' && prev == '$' || c == '`' && outer.last().is_none_or(|o| o.1 != '`'))
        {
            outer.push((place, if c == '(' { ')' } else { '`' }));
            place = ShellPlace::Bare { escaped: false };
            word_start = true;
            prev = c;
            continue;
        }
        if matches!(place, ShellPlace::Bare { escaped: false })
            && outer.last().is_some_and(|o| o.1 == c)
            && let Some((back, _)) = outer.pop()
        {
            place = back;
            word_start = false;
            prev = c;
            continue;
        }
        place = match place {
            ShellPlace::Bare { escaped: true } => ShellPlace::Bare { escaped: false },
            ShellPlace::Bare { escaped: false } => match c {
                '\\' => ShellPlace::Bare { escaped: true },
                '\'' if prev == '$' => ShellPlace::AnsiC { escaped: false },
                '\'' => ShellPlace::Single,
                '"' => ShellPlace::Double { escaped: false },
                '#' if word_start => ShellPlace::Comment,
                _ => ShellPlace::Bare { escaped: false },
            },
            ShellPlace::Single => match c {
                '\'' => ShellPlace::Bare { escaped: false },
                _ => ShellPlace::Single,
            },
            ShellPlace::Double { escaped: true } => ShellPlace::Double { escaped: false },
            ShellPlace::Double { escaped: false } => match c {
                '\\' => ShellPlace::Double { escaped: true },
                '"' => ShellPlace::Bare { escaped: false },
                _ => ShellPlace::Double { escaped: false },
            },
            ShellPlace::AnsiC { escaped: true } => ShellPlace::AnsiC { escaped: false },
            ShellPlace::AnsiC { escaped: false } => match c {
                '\\' => ShellPlace::AnsiC { escaped: true },
                '\'' => ShellPlace::Bare { escaped: false },
                _ => ShellPlace::AnsiC { escaped: false },
            },
            ShellPlace::Comment => match c {
                '\n' => ShellPlace::Bare { escaped: false },
                _ => ShellPlace::Comment,
            },
            // A body is read above, to its end, before this match.
            ShellPlace::HereDoc { .. } => ShellPlace::Bare { escaped: false },
        };
        word_start = matches!(place, ShellPlace::Bare { escaped: false })
            && (c.is_whitespace() || matches!(c, ';' | '&' | '|' | '(' | ')' | '<' | '>'));
        prev = c;
    }
    place
}

/// The reference to positional parameter `n` for the end of `line`, written so that it expands
/// to exactly the value as one word wherever the user's command has it: `"${n}"` when bare,
/// `'"${n}"'` inside `'...'` (the quote closed around it), `${n}` inside `"..."` and in a
/// here-document's body (where quotes are text). A backslash just
/// before it is first ended by a backslash-newline (which the shell drops); in bash's `$'...'` the
/// quote is closed around it; in a comment it is inert.
fn quote_at(line: &str, n: usize) -> String {
    match shell_place(line) {
        ShellPlace::Bare { escaped } => {
            let lead = if escaped { "\n" } else { "" };
            format!("{lead}\"${{{n}}}\"")
        }
        ShellPlace::Single => format!("'\"${{{n}}}\"'"),
        ShellPlace::Double { escaped } => {
            let lead = if escaped { "\n" } else { "" };
            format!("{lead}${{{n}}}")
        }
        ShellPlace::AnsiC { escaped } => {
            let lead = if escaped { "\\" } else { "" };
            format!("{lead}'\"${{{n}}}\"$'")
        }
        ShellPlace::Comment => format!("${{{n}}}"),
        ShellPlace::HereDoc { escaped } => {
            let lead = if escaped { "\n" } else { "" };
            format!("{lead}${{{n}}}")
        }
    }
}

/// Runs `line` with `sh -c`, standard output and error inherited (as yt-dlp's
/// `Popen.run(shell=True)`), standard input empty.
fn run(command: &CommandLine) -> Result<(), String> {
    let line = &command.line;
    tracing::info!("--exec: running {}", tikdl::terminal::safe(line));
    // Standard input is not the command's: it may be the URL list (`batch -`, `-a -`), read
    // as the run goes, and a command that reads it (ffmpeg does) would take its lines.
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg(line)
        // `$0`, then the values as `$1`, `$2`, ...: never parsed as shell source.
        .arg("sh")
        .args(&command.values)
        .stdin(std::process::Stdio::null());
    // Its own process group, so that a stop reaches the command and all it started (a signal
    // to tikdl alone, from systemd or `kill`, would leave them running).
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let child = cmd.spawn().map_err(|e| format!("cannot start sh: {e}"))?;
    let status = wait_or_stop(child)?;
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

/// How often a running command is looked at, and how long it has to end after a stop before
/// its group is killed.
const POLL: std::time::Duration = std::time::Duration::from_millis(50);
const STOP_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// Waits for `child`; on a stop (Ctrl-C, SIGTERM, SIGHUP) its process group gets SIGTERM, then
/// SIGKILL if it is still there after [`STOP_WAIT`].
fn wait_or_stop(mut child: std::process::Child) -> Result<std::process::ExitStatus, String> {
    let waiting = |e: std::io::Error| format!("waiting for the command: {e}");
    let mut stopped: Option<std::time::Instant> = None;
    loop {
        if let Some(status) = child.try_wait().map_err(waiting)? {
            return match stopped {
                Some(_) => Err("stopped: tikdl was interrupted while it ran".to_owned()),
                None => Ok(status),
            };
        }
        match stopped {
            None if tikdl::stop::requested() => {
                signal_group(&child, libc::SIGTERM);
                stopped = Some(std::time::Instant::now());
            }
            Some(at) if at.elapsed() > STOP_WAIT => {
                signal_group(&child, libc::SIGKILL);
                let _ = child.wait();
                return Err("killed: it did not end after tikdl was interrupted".to_owned());
            }
            _ => {}
        }
        std::thread::sleep(POLL);
    }
}

/// Sends `signal` to the group `child` leads (see `process_group(0)` above).
fn signal_group(child: &std::process::Child, signal: libc::c_int) {
    #[cfg(unix)]
    if let Ok(pid) = libc::pid_t::try_from(child.id()) {
        // SAFETY: kill(2) takes plain integers; a group already gone is only an error code.
        unsafe {
            libc::kill(-pid, signal);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(cmd: &str, title: &str, path: &str) -> CommandLine {
        let t = Template::parse(cmd).unwrap();
        let fields = serde_json::json!({ "title": title, "id": "7000000000000000001" });
        let serde_json::Value::Object(fields) = fields else {
            unreachable!()
        };
        let extra = [("filepath", serde_json::Value::from(path))];
        command_line(cmd, &t, &fields, &extra, Some(path))
    }

    fn output(c: &CommandLine) -> std::process::Output {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(&c.line)
            .arg("sh")
            .args(&c.values)
            .output()
            .unwrap()
    }

    #[test]
    fn a_relative_path_never_reads_as_an_option() {
        assert_eq!(as_argument("-rf x.mp4"), "./-rf x.mp4");
        assert_eq!(as_argument("out/a.mp4"), "./out/a.mp4");
        assert_eq!(as_argument("./a.mp4"), "./a.mp4");
        assert_eq!(as_argument("../a.mp4"), "../a.mp4");
        assert_eq!(as_argument("/out/-a.mp4"), "/out/-a.mp4");
    }

    #[test]
    fn every_value_is_a_positional_parameter() {
        let c = line("echo", "t", "a b.mp4");
        assert_eq!(
            (c.line.as_str(), c.values),
            ("echo \"${1}\"", vec!["a b.mp4".to_owned()])
        );
        let c = line("mv {} done/", "t", "it's.mp4");
        assert_eq!(c.line, "mv \"${1}\" done/");
        let c = line("echo %(title)s > '%(id)s'.txt", "$(x)", "f");
        assert_eq!(c.line, "echo \"${1}\" > ''\"${2}\"''.txt");
        assert_eq!(c.values, ["$(x)", "7000000000000000001"]);
        // With a placeholder, `{}` is the command's own text (as in yt-dlp).
        assert_eq!(
            line("echo {} %(filepath)s", "t", "f").line,
            "echo {} \"${1}\""
        );
    }

    /// Each command runs under the real `sh` with a hostile title placed bare, in '...', in
    /// "...", after a backslash, in `$(...)` with its own quotes, in backticks, in a
    /// here-document and in a comment: the title arrives as text and nothing of it runs.
    #[test]
    fn a_value_stays_text_wherever_the_command_puts_it() {
        let dir = tempfile::tempdir().unwrap();
        let pwned = dir.path().join("PWNED");
        let title = format!(
            "a'b\"c $(touch {p}) `touch {p}` \\ ;touch {p}\ntouch {p} # $'x\\'",
            p = pwned.display()
        );
        for cmd in [
            "printf %s %(title)s",
            "printf %s '%(title)s'",
            "printf %s \"%(title)s\"",
            "printf %s \"x\\%(title)s\"",
            "printf %s x\\%(title)s",
            "printf %s 'pre %(title)s post'",
            "printf %s \"pre '%(title)s' post\"",
            "printf %s \"$(printf %s \"%(title)s\")\"",
            "printf %s \"`printf %s %(title)s`\"",
            "cat <<EOF\n%(title)s\nEOF",
            "cat <<-EOF\n\t%(title)s\n\tEOF",
            "cat <<EOF; cat <<X # two\nfirst\nEOF\n%(title)s\nX",
            "true # %(title)s",
        ] {
            let c = line(cmd, &title, "f");
            let out = output(&c);
            assert!(!pwned.exists(), "{cmd:?} ran part of the title: {c:?}");
            let printed = String::from_utf8_lossy(&out.stdout);
            if !cmd.starts_with("true") && !cmd.contains('`') {
                assert!(printed.contains(&title), "{cmd:?}: {printed:?} from {c:?}");
            }
            // Nothing added around it either (quotes are text in a here-document's body).
            if cmd.contains("<<") {
                let body = printed.trim_start_matches("first\n");
                assert_eq!(body, format!("{title}\n"), "{cmd:?} from {c:?}");
            }
        }
    }

    /// A here-document's delimiter is found wherever it is written, so the body's references
    /// are bare: after the body, quoting is as before it.
    #[test]
    fn here_documents_are_read_to_their_delimiter() {
        assert_eq!(
            shell_place("cat <<EOF\nx"),
            ShellPlace::HereDoc { escaped: false }
        );
        assert_eq!(
            shell_place("cat <<'E O'\nx\nE O\necho "),
            ShellPlace::Bare { escaped: false }
        );
        assert_eq!(
            shell_place("cat <<\"EOF\"\nx\\"),
            ShellPlace::HereDoc { escaped: true }
        );
        assert_eq!(
            shell_place("cat <<<x "),
            ShellPlace::Bare { escaped: false }
        );
        assert_eq!(shell_place("cat <<EOF\nEOF\necho '"), ShellPlace::Single);
    }
}
