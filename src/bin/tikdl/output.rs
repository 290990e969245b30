//! What the binary writes: standard output (locked, flushed; a closed pipe or a full disk mapped
//! to errors `main.rs` turns into exit codes) and errors for a person on standard error.

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use tikdl::Error;
use tikdl::terminal::safe;

/// How a run prints, decided once from the flags and the terminal (`options::output`), and
/// read by everything that prints.
#[derive(Debug, Clone)]
pub struct Output {
    /// What goes to standard output.
    pub mode: Mode,
    /// No status lines and no end-of-run summary for people (`--quiet`, or `-O`); errors are
    /// still told.
    pub quiet: bool,
    /// Progress bars on standard error: only for a person at a terminal, and never when quiet.
    pub bars: bool,
    /// Warnings in the log: `--quiet` silences them, `-O` does not.
    pub warnings: bool,
    /// `-s/--simulate`: result lines say what would be saved.
    pub simulate: bool,
    /// `-j/--dump-json`: only the metadata of posts taken is printed; a post `--match-filter`
    /// rejects prints nothing (as yt-dlp's `-j`), a note under `-v`.
    pub dump_json: bool,
}

impl Default for Output {
    /// A command that prints no posts (`config`, `cache`): plain text, warnings on.
    fn default() -> Self {
        Self {
            mode: Mode::Human,
            quiet: false,
            bars: false,
            warnings: true,
            simulate: false,
            dump_json: false,
        }
    }
}

/// What goes to standard output.
#[derive(Debug, Clone, Default)]
pub enum Mode {
    /// The `info` summary; nothing for `download` and `batch` (their lines go to standard error).
    #[default]
    Human,
    /// One JSON object per post, a line each (`--json`, `batch --info-only`).
    Json,
    /// `-O/--print`: these templates rendered for each post.
    Print(Vec<tikdl::save::template::Template>),
}

/// Exit code when some URL failed (see `--help` and the module documentation of `main.rs`).
pub const EXIT_FAILED: u8 = 1;
/// Exit code when the run could not be done at all.
pub const EXIT_USAGE: u8 = 2;
/// Exit code after Ctrl-C (128 + SIGINT, as the shell reports it).
pub const EXIT_INTERRUPTED: u8 = 130;
/// Exit code when standard output was closed by the reader (128 + SIGPIPE, as the shell reports
/// a tool killed by it).
pub const EXIT_BROKEN_PIPE: u8 = 141;

/// 1 when something failed, else 0.
pub fn exit_code(failed: bool) -> std::process::ExitCode {
    if failed {
        std::process::ExitCode::from(EXIT_FAILED)
    } else {
        std::process::ExitCode::SUCCESS
    }
}

/// How errors name standard output.
pub const STDOUT_NAME: &str = "standard output";

/// A failed write to standard output: a closed pipe ends the run quietly, anything else is a
/// local write error (`info --json > /dev/full`).
fn stdout_error(e: std::io::Error) -> anyhow::Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        anyhow::Error::new(e)
    } else {
        anyhow::Error::new(Error::local(e, "writing", Path::new(STDOUT_NAME)))
    }
}

/// Writes to standard output (locked, flushed), mapping failures with [`stdout_error`].
pub fn write_stdout(
    f: impl FnOnce(&mut std::io::StdoutLock<'static>) -> std::io::Result<()>,
) -> Result<()> {
    let mut out = std::io::stdout().lock();
    f(&mut out).and_then(|()| out.flush()).map_err(stdout_error)
}

/// One JSON value, one line, in one `write(2)`: runs appending to one file (`>> all.ndjson`,
/// `O_APPEND`) never interleave inside a line. U+2028/U+2029 come out escaped
/// ([`tikdl::json`]), so every NDJSON reader cuts the line where tikdl does.
pub fn print_json(v: &impl serde::Serialize) -> Result<()> {
    let line = tikdl::json::to_line(v).map_err(|e| anyhow::Error::new(std::io::Error::other(e)))?;
    write_stdout(|o| o.write_all(&line))
}

/// A line for a person on standard error. Standard error that is closed (`2>&1 | head -2`) or
/// full is ignored: the run goes on, and its results still reach standard output, the
/// `--failed-file` and the archive.
pub fn eprint_line(text: &str) {
    let mut line = String::with_capacity(text.len() + 1);
    line.push_str(text);
    line.push('\n');
    crate::logging::above_bars(|| {
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    });
}

/// Where the network settings of this run came from when that is the config file (its proxies,
/// `--connect-to` rules, CA bundles: file, line and key), said after a network error's hints.
pub static NETWORK_FROM_CONFIG: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// An error for a person: what happened, to which URL, and what to try next.
pub fn report(err: &Error) {
    let mut text = format!("error: {}", safe(&err.to_string()));
    for s in err.suggestions() {
        text.push_str("\n  hint: ");
        text.push_str(&safe(s));
    }
    if err.kind() == tikdl::ErrorKind::Connection
        && let Some(from) = NETWORK_FROM_CONFIG.get()
    {
        text.push_str("\n  hint: ");
        text.push_str(&safe(from));
    }
    eprint_line(&text);
}

/// `-O/--print`: each template rendered for one post, a line each. On a terminal the text is
/// neutralised like all human output (an escape sequence in a title must not drive it; line
/// breaks and tabs stay); into a pipe or a file it is written exactly as rendered, as yt-dlp
/// does, so scripts get the real values.
pub fn print_templates(
    templates: &[tikdl::save::template::Template],
    info: &tikdl::VideoInfo,
    extra: &[(&str, serde_json::Value)],
) -> Result<()> {
    use std::io::IsTerminal;
    let fields = match serde_json::to_value(info) {
        Ok(serde_json::Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    let tty = std::io::stdout().is_terminal();
    let mut text = String::new();
    for t in templates {
        let line = t.render_print(&fields, extra);
        if tty {
            text.push_str(&tikdl::terminal::safe_text(&line));
        } else {
            text.push_str(&line);
        }
        text.push('\n');
    }
    write_stdout(|o| o.write_all(text.as_bytes()))
}
