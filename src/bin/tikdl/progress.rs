//! The progress bars (indicatif), drawn on standard error only when a person watches a terminal:
//! one bar per file (bytes, speed, ETA) and, for `batch`, one for the whole list. Lines printed
//! while bars are drawn go above them ([`Bars::note`]).

use std::sync::Arc;

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use tikdl::batch::Outcome;
use tikdl::terminal::{safe, safe_text};
use tikdl::{ProgressFactory, ProgressFn};

use crate::output::Output;

/// The bars of one run (none unless [`Output::bars`]).
pub struct Bars {
    multi: Option<MultiProgress>,
    overall: Option<ProgressBar>,
    tally: (u64, u64, u64),
}

impl Bars {
    /// The bars `output` asks for.
    pub fn new(output: &Output) -> Self {
        let multi = output.bars.then(MultiProgress::new);
        if let Some(mp) = &multi {
            // Warnings and other lines on standard error go above these bars.
            crate::logging::draw_above(mp);
        }
        Self {
            multi,
            overall: None,
            tally: (0, 0, 0),
        }
    }

    /// Adds the whole-list bar (`total` posts when known).
    pub fn with_overall(mut self, total: impl FnOnce() -> Option<u64>) -> Self {
        self.overall = self.multi.as_ref().map(|mp| {
            let bar = mp.add(ProgressBar::new(total().unwrap_or(0)));
            bar.set_style(
                ProgressStyle::with_template(
                    "{prefix} [{bar:40.green/white}] {pos}/{len} posts {per_sec} eta {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        });
        self
    }

    /// One bar per file: bytes, speed, ETA.
    pub fn files(&self) -> Option<ProgressFactory> {
        let mp = self.multi.clone()?;
        let style = ProgressStyle::with_template(
            "{msg:30!} {bar:30.cyan/blue} {bytes:>10}/{total_bytes:<10} {bytes_per_sec:>12} eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        Some(Arc::new(move |name: &str| {
            let bar = mp.add(
                ProgressBar::new(0)
                    .with_style(style.clone())
                    .with_message(safe(name).into_owned()),
            );
            let cb: ProgressFn = Arc::new(move |done, total| {
                if let Some(t) = total {
                    bar.set_length(t);
                }
                bar.set_position(done);
                if total.is_some_and(|t| done >= t) {
                    bar.finish_and_clear();
                }
            });
            Some(cb)
        }))
    }

    /// Counts one finished post on the whole-list bar.
    pub fn post_done(&mut self, o: &Outcome) {
        let (done, skipped, failed) = &mut self.tally;
        match o {
            Outcome::Downloaded(..) | Outcome::Info(_) => *done += 1,
            Outcome::Skipped { .. } => *skipped += 1,
            Outcome::Failed { .. } | Outcome::SaveFailed(_) => *failed += 1,
        }
        if let Some(bar) = &self.overall {
            bar.set_prefix(format!("done {done} skipped {skipped} failed {failed}"));
            if bar.length().is_some_and(|l| bar.position() + 1 > l) {
                bar.set_length(bar.position() + 1);
            }
            bar.inc(1);
        }
    }

    /// Prints a line above the bars (or plainly when there are none).
    pub fn note(&self, line: String) {
        let line = safe_text(&line);
        match &self.multi {
            Some(mp) => {
                let _ = mp.println(line);
            }
            None => crate::output::eprint_line(&line),
        }
    }

    /// Takes the whole-list bar away.
    pub fn finish(&self) {
        if let Some(bar) = &self.overall {
            bar.finish_and_clear();
        }
    }
}
