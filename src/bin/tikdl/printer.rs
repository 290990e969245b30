//! One printer for the outcomes of `download` and `batch`, in the run's output mode
//! ([`Output`]): a line for people above the bars, a JSON line, or the `-O` templates, as each
//! post finishes; then the end of the run.

use crate::summary::{self, ErrorLine, ResultLine, SkippedLine};
use anyhow::Result;
use tikdl::batch::{Outcome, Summary};
use tikdl::save::FileRole;
use tikdl::terminal::safe;
use tikdl::{DownloadResult, ProgressFactory, VideoInfo};

use crate::output::{Mode, Output, eprint_line, print_json, print_templates, report};
use crate::progress::Bars;

/// Which command prints: how it tells a failure and how it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Run {
    /// A failure is the whole report, hints included.
    Download,
    /// A failure is one short line (the summary lists them again); the run ends in a summary.
    Batch,
}

/// Prints each outcome as it comes. The first line standard output cannot take stops the run:
/// its error is kept for the exit code ([`Printer::write_error`]).
pub struct Printer<'a> {
    output: &'a Output,
    run: Run,
    bars: Bars,
    write_error: Option<anyhow::Error>,
}

impl<'a> Printer<'a> {
    /// A printer drawing `bars` (made from the same `output`).
    pub fn new(output: &'a Output, run: Run, bars: Bars) -> Self {
        Self {
            output,
            run,
            bars,
            write_error: None,
        }
    }

    /// One bar per file, when bars are drawn.
    pub fn files(&self) -> Option<ProgressFactory> {
        self.bars.files()
    }

    /// The list counts of the whole-run bar alone (no file is downloaded).
    pub fn lists_only(&self) -> Option<ProgressFactory> {
        self.bars.lists_only()
    }

    /// One post's outcome: its line on standard output (JSON or templates), its line for people
    /// on standard error. `Err` (the reason) once standard output is gone: the run stops
    /// starting posts.
    pub fn outcome(&mut self, o: &Outcome) -> Result<(), String> {
        self.bars.post_done(o);
        self.tell(o);
        if self.write_error.is_some() {
            return Ok(());
        }
        let written = match &self.output.mode {
            Mode::Json
                if self.output.dump_json
                    && matches!(o, Outcome::Skipped { reason, .. }
                        if *reason == tikdl::batch::filter::SKIP_REASON) =>
            {
                tracing::info!(
                    "{}: skipped ({})",
                    tikdl::terminal::safe(o.url()),
                    tikdl::batch::filter::SKIP_REASON
                );
                Ok(())
            }
            Mode::Json => json_line(o),
            Mode::Print(templates) => match o {
                Outcome::Downloaded(r, info) => print_saved(templates, r, info.as_deref()),
                Outcome::Info(info) => print_templates(templates, info, &[]),
                _ => Ok(()),
            },
            Mode::Human => Ok(()),
        };
        written.map_err(|e| {
            let why = format!("{e:#}");
            self.write_error = Some(e);
            why
        })
    }

    /// The line for people on standard error: the result or why the post was skipped (unless
    /// quiet or another mode has standard output), and every failure.
    fn tell(&self, o: &Outcome) {
        if let Some(error) = o.error() {
            match self.run {
                Run::Download => report(error),
                Run::Batch => {
                    let text = error.to_string();
                    self.bars
                        .note(format!("error: {}", tikdl::terminal::clip(&text, 800)));
                }
            }
            return;
        }
        if self.output.quiet || !matches!(self.output.mode, Mode::Human) {
            return;
        }
        match o {
            Outcome::Downloaded(r, _) if self.output.simulate => {
                let id = r.id.as_deref().unwrap_or("?");
                for f in &r.files {
                    let path = f.path.display().to_string();
                    let path = tikdl::terminal::safe(&path);
                    self.bars.note(format!("{id}: would save {path}"));
                }
            }
            Outcome::Downloaded(r, _) => self.bars.note(summary::result_line(r)),
            Outcome::Skipped { id, reason, .. } => {
                self.bars.note(format!("{id}: skipped ({reason})"))
            }
            _ => {}
        }
    }

    /// The error of the line standard output refused, if one was.
    pub fn write_error(&mut self) -> Option<anyhow::Error> {
        self.write_error.take()
    }

    /// Takes the whole-list bar away, once the run is over.
    pub fn finish_bars(&self) {
        self.bars.finish();
    }

    /// The end of the run on standard error: `batch`'s summary (unless quiet, but always when it
    /// stopped early), or why `download` stopped early.
    pub fn finish(&self, sum: &Summary) {
        match self.run {
            Run::Batch if !self.output.quiet || sum.stopped.is_some() => {
                eprint_line(&summary::batch_summary(sum));
            }
            Run::Batch => {}
            Run::Download => {
                if let Some(why) = &sum.stopped
                    && sum.unattempted > 0
                {
                    // Disk full, read-only, file size limit: every later post would fail alike.
                    let total = sum.done + sum.skipped + sum.failed + sum.unattempted;
                    eprint_line(&format!(
                        "stopped: {}; {} of {total} posts not attempted",
                        safe(why),
                        sum.unattempted
                    ));
                }
            }
        }
    }
}

/// The outcome's JSON line: the result of a save, the error of a post that failed before
/// saving, a skipped post, or the metadata (`--info-only`, exactly as `info --json`'s values).
fn json_line(o: &Outcome) -> Result<()> {
    match o {
        Outcome::Downloaded(r, _) | Outcome::SaveFailed(r) => print_json(&ResultLine::new(r)),
        Outcome::Failed { url, error, .. } => print_json(&ErrorLine::new(url, error)),
        Outcome::Skipped { url, id, reason } => print_json(&SkippedLine::new(url, id, reason)),
        // The one serializer of `VideoInfo`, so the keys come in `info --json`'s order.
        Outcome::Info(info) => print_json(info.as_ref()),
    }
}

/// `-O/--print` after a save: `%(filepath)s` is the post's main file (the video, the sound with
/// -x, a slideshow's first file), `%(ext)s` its extension, `%(format_id)s` the rendition taken
/// (after any fallback), as `-o` knows it.
fn print_saved(
    templates: &[tikdl::save::template::Template],
    r: &DownloadResult,
    info: Option<&VideoInfo>,
) -> Result<()> {
    let Some(info) = info else {
        return Ok(());
    };
    print_templates(templates, info, &saved_fields(r))
}

/// What a saved post adds to its metadata's fields: `filepath` (its main file), `ext`,
/// `format_id`.
pub fn saved_fields(r: &DownloadResult) -> Vec<(&'static str, serde_json::Value)> {
    let main = r
        .files
        .iter()
        .find(|f| matches!(f.role, FileRole::Video | FileRole::Audio | FileRole::Image));
    let mut extra = Vec::new();
    if let Some(f) = main {
        let path = f.path.to_string_lossy().into_owned();
        extra.push(("filepath", serde_json::Value::from(path)));
        if let Some(ext) = f.path.extension() {
            extra.push(("ext", ext.to_string_lossy().into_owned().into()));
        }
    }
    if let Some(id) = &r.format_id {
        extra.push(("format_id", serde_json::Value::from(id.clone())));
    }
    extra
}
