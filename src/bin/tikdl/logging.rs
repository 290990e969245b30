//! Log events (tracing) on standard error. Without `-v` a warning reads as an error does,
//! `warning: TEXT`: no timestamp, no level column. With `-v` (or `RUST_LOG`) each line carries
//! the time and level, for a diagnosis. Either way every line, and every other line for a person
//! ([`crate::output::eprint_line`]), is printed above the progress bars ([`above_bars`]): the
//! bars are cleared, the line written, the bars drawn again, so no bar redraw cuts a line.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;

use indicatif::MultiProgress;
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// The bars being drawn, if any: set by `progress.rs` when it starts them.
static BARS: Mutex<Option<MultiProgress>> = Mutex::new(None);

/// From now on, lines for standard error go above these bars.
pub fn draw_above(bars: &MultiProgress) {
    if let Ok(mut slot) = BARS.lock() {
        *slot = Some(bars.clone());
    }
}

/// Runs `write` (a write to standard error) with the bars cleared for it, when bars are drawn.
pub fn above_bars(write: impl FnOnce()) {
    let bars = BARS.lock().ok().and_then(|slot| slot.clone());
    match bars {
        Some(mp) => mp.suspend(write),
        None => write(),
    }
}

/// Starts logging. `quiet`: errors only, so no warnings either (`--quiet` holds yt-dlp's
/// `--no-warnings`).
pub fn init(verbose: u8, quiet: bool) {
    let default = match verbose {
        0 if quiet => "error,lofty=off",
        // lofty (tagging) warns about MP3 details that concern no user (a duration estimate).
        0 => "warn,lofty=error",
        1 => "tikdl=info,warn,lofty=error",
        _ => "tikdl=debug,info",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let diagnosis = verbose > 0 || std::env::var_os("RUST_LOG").is_some();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        // A closed standard error is ignored (see `output::eprint_line`), never reported there.
        .log_internal_errors(false);
    if diagnosis {
        let ansi = std::io::stderr().is_terminal();
        builder
            .with_ansi(ansi)
            .with_writer(move || LogLine { ansi })
            .init();
    } else {
        builder
            .with_ansi(false)
            .event_format(Plain)
            .with_writer(|| LogLine { ansi: false })
            .init();
    }
}

/// `LEVEL: message key=value ...`, the level in the words the error lines use.
struct Plain;

impl<S, N> FormatEvent<S, N> for Plain
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> std::fmt::Result {
        let label = match *event.metadata().level() {
            Level::ERROR => "error",
            Level::WARN => "warning",
            Level::INFO => "info",
            Level::DEBUG => "debug",
            Level::TRACE => "trace",
        };
        write!(writer, "{label}: ")?;
        ctx.field_format().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

/// One formatted event (tracing writes it whole, in one call), neutralised as all text for a
/// person is, then written above the bars. `ansi`: the escapes of tracing's own colours stay.
struct LogLine {
    ansi: bool,
}

impl Write for LogLine {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        above_bars(|| {
            let _ = if self.ansi {
                tikdl::terminal::SafeStderr.write_all(text.as_bytes())
            } else {
                std::io::stderr()
                    .lock()
                    .write_all(tikdl::terminal::safe_text(&text).as_bytes())
            };
        });
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
