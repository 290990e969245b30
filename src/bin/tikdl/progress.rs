//! The progress bars (indicatif), drawn on standard error only when a person watches a terminal:
//! one bar per file (its post's id and title, bytes, speed, ETA) and, for a run over several
//! inputs or a list, one for the whole run. Lines printed while bars are drawn go above them
//! ([`Bars::note`]).
//!
//! Every bar fits the terminal's width on one line. Speed and ETA are this run's: bytes a file
//! already held on disk (a resume) are not counted as speed. The whole-run bar counts a list's
//! posts as they are found: its total reads `12/12+` (no ETA) until every list is paged.
//! A finished file's bar stays, as one `done` line per post, until the post's result line is
//! printed (`download` prints those in input order).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use tikdl::batch::Outcome;
use tikdl::terminal::{safe, safe_text};
use tikdl::{FileLabel, Progress, ProgressFactory, ProgressFn};

use crate::output::Output;

/// The narrowest bar drawn: below this the label is cut instead.
const MIN_BAR: usize = 8;
/// The widest label.
const MAX_LABEL: usize = 48;
/// The narrowest label (at the narrowest terminals).
const MIN_LABEL: usize = 12;

/// The bars of one run (none unless [`Output::bars`]).
pub struct Bars {
    multi: Option<MultiProgress>,
    overall: Option<Arc<Overall>>,
    /// Finished files' bars, by post id, until the post's result is printed.
    kept: Kept,
    tally: (u64, u64, u64),
}

type Kept = Arc<Mutex<HashMap<String, ProgressBar>>>;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
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
            kept: Arc::default(),
            tally: (0, 0, 0),
        }
    }

    /// Adds the whole-run bar. `inputs` counts the run's inputs when they are known: the posts,
    /// and the lists (each is paged for its posts).
    pub fn with_overall(mut self, inputs: impl FnOnce() -> Option<Inputs>) -> Self {
        self.overall = self.multi.as_ref().map(|mp| {
            // Drawn nowhere until added (below), once it reads whole.
            let bar = ProgressBar::hidden();
            bar.set_style(
                ProgressStyle::with_template("{prefix} {wide_bar:.green/white} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.set_prefix("done 0");
            let overall = Arc::new(Overall::new(bar, inputs()));
            overall.draw(0);
            mp.add(overall.bar.clone()).tick();
            overall
        });
        self
    }

    /// One bar per file: bytes, speed, ETA; and the list counts for the whole-run bar.
    pub fn files(&self) -> Option<ProgressFactory> {
        let mp = self.multi.clone()?;
        Some(Arc::new(FileBars {
            mp,
            overall: self.overall.clone(),
            kept: self.kept.clone(),
        }))
    }

    /// Only the list counts (`batch --info-only` downloads no file).
    pub fn lists_only(&self) -> Option<ProgressFactory> {
        let overall = self.overall.clone()?;
        Some(Arc::new(ListsOnly(overall)))
    }

    /// Counts one finished post on the whole-run bar, and takes its finished bars away (its
    /// result line is printed next).
    pub fn post_done(&mut self, o: &Outcome) {
        let (done, skipped, failed) = &mut self.tally;
        match o {
            Outcome::Downloaded(..) | Outcome::Info(_) => *done += 1,
            Outcome::Skipped { .. } => *skipped += 1,
            Outcome::Failed { .. } | Outcome::SaveFailed(_) => *failed += 1,
        }
        let id = match o {
            Outcome::Downloaded(r, _) | Outcome::SaveFailed(r) => r.id.clone(),
            Outcome::Skipped { id, .. } => Some(id.to_string()),
            Outcome::Failed { id, .. } => id.as_ref().map(ToString::to_string),
            Outcome::Info(_) => None,
        };
        if let Some(bar) = id.and_then(|id| lock(&self.kept).remove(&id)) {
            bar.finish_and_clear();
        }
        if let Some(overall) = &self.overall {
            let mut prefix = format!("done {done}");
            if *skipped > 0 {
                prefix.push_str(&format!(" skipped {skipped}"));
            }
            if *failed > 0 {
                prefix.push_str(&format!(" failed {failed}"));
            }
            overall.bar.set_prefix(prefix);
            overall.draw(*done + *skipped + *failed);
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

    /// Takes the whole-run bar and any finished file's bar away.
    pub fn finish(&self) {
        for (_, bar) in lock(&self.kept).drain() {
            bar.finish_and_clear();
        }
        if let Some(overall) = &self.overall {
            overall.bar.finish_and_clear();
        }
    }
}

/// A run's inputs, counted before it starts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Inputs {
    /// Inputs that are one post each.
    pub posts: u64,
    /// Inputs that are lists (profiles, collections, ...): their posts are found as they are paged.
    pub lists: u64,
}

impl Inputs {
    /// Counts `urls`: `is_list` tells a list input from a post.
    pub fn count<'a>(
        urls: impl IntoIterator<Item = &'a str>,
        is_list: impl Fn(&str) -> bool,
    ) -> Self {
        let mut n = Self::default();
        for url in urls {
            if is_list(url) {
                n.lists += 1;
            } else {
                n.posts += 1;
            }
        }
        n
    }

    /// Counts the URL lines of the list file at `path` (non-blank, non-`#` lines), one line in
    /// memory at a time; `None` unless it is a regular file.
    pub fn of_file(path: &std::path::Path, is_list: impl Fn(&str) -> bool) -> Option<Self> {
        use std::io::BufRead;
        let file = std::fs::File::open(path).ok()?;
        if !file.metadata().ok()?.is_file() {
            return None;
        }
        let mut reader = std::io::BufReader::new(file);
        let (mut n, mut line) = (Self::default(), Vec::new());
        loop {
            line.clear();
            // A line longer than a URL can be is one post (it fails as one).
            let read = std::io::Read::take(&mut reader, 64 << 10)
                .read_until(b'\n', &mut line)
                .ok()?;
            if read == 0 {
                break;
            }
            if line.last() != Some(&b'\n') && read == 64 << 10 {
                reader.skip_until(b'\n').ok()?;
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim();
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            if is_list(text) {
                n.lists += 1;
            } else {
                n.posts += 1;
            }
        }
        Some(n)
    }
}

/// The whole-run bar and what it counts.
struct Overall {
    bar: ProgressBar,
    started: Instant,
    counts: Mutex<Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    /// `None`: the inputs are not known before the run (standard input, a shard).
    inputs: Option<Inputs>,
    /// Posts the lists have shown so far.
    found: u64,
    /// Lists paging now.
    open: u64,
    /// Lists closed.
    closed: u64,
    finished: u64,
}

impl Counts {
    /// The posts due so far, and whether more may come.
    fn total(&self) -> (u64, bool) {
        let more = match self.inputs {
            None => true,
            Some(i) => self.open > 0 || self.closed < i.lists,
        };
        let posts = self.inputs.map_or(0, |i| i.posts);
        (posts + self.found, more)
    }
}

impl Overall {
    fn new(bar: ProgressBar, inputs: Option<Inputs>) -> Self {
        Self {
            bar,
            started: Instant::now(),
            counts: Mutex::new(Counts {
                inputs,
                ..Counts::default()
            }),
        }
    }

    /// Redraws with `finished` posts done (`None`: as before).
    fn draw(&self, finished: u64) {
        let mut c = lock(&self.counts);
        c.finished = c.finished.max(finished);
        let (total, more) = c.total();
        let total = total.max(c.finished);
        let done = c.finished;
        drop(c);
        self.bar.set_length(total.max(1));
        self.bar.set_position(done);
        let msg = if more {
            // Not knowing the total, there is no honest ETA.
            format!("{done}/{total}+ posts")
        } else {
            let eta = eta(done, total, self.started.elapsed());
            format!("{done}/{total} posts eta {eta}")
        };
        self.bar.set_message(msg);
    }

    fn update(&self, f: impl FnOnce(&mut Counts)) {
        let finished = {
            let mut c = lock(&self.counts);
            f(&mut c);
            c.finished
        };
        self.draw(finished);
    }

    fn list_opened(&self) {
        self.update(|c| c.open += 1);
    }

    fn listed(&self) {
        self.update(|c| c.found += 1);
    }

    fn list_closed(&self) {
        self.update(|c| {
            c.open = c.open.saturating_sub(1);
            c.closed += 1;
        });
    }
}

/// The time left for `total - done` at the pace so far, as `1m05s`; `?` before the first.
fn eta(done: u64, total: u64, elapsed: Duration) -> String {
    if done == 0 {
        return "?".into();
    }
    let left = total.saturating_sub(done) as f64 * elapsed.as_secs_f64() / done as f64;
    duration(left)
}

/// `45s`, `3m05s`, `2h07m`.
fn duration(secs: f64) -> String {
    let s = secs.round() as u64;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
    }
}

/// `812 B`, `63.8 KiB`, `199.0 MiB`.
fn size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut v = bytes as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

/// The file bars of a run, and the list counts for its whole-run bar.
struct FileBars {
    mp: MultiProgress,
    overall: Option<Arc<Overall>>,
    kept: Kept,
}

/// The list counts alone.
struct ListsOnly(Arc<Overall>);

impl Progress for ListsOnly {
    fn file(&self, _: &str) -> Option<ProgressFn> {
        None
    }
    fn list_opened(&self) {
        self.0.list_opened();
    }
    fn listed(&self) {
        self.0.listed();
    }
    fn list_closed(&self) {
        self.0.list_closed();
    }
}

impl Progress for FileBars {
    fn file(&self, name: &str) -> Option<ProgressFn> {
        self.bar(safe(name).into_owned(), None)
    }

    fn media(&self, label: &FileLabel<'_>) -> Option<ProgressFn> {
        let mut text = label.post_id.to_owned();
        if label.part != "video" {
            text.push(' ');
            text.push_str(label.part);
        }
        // The title's words on one line, without its hashtags (the words that tell posts apart
        // come first).
        let title = label
            .title
            .split_whitespace()
            .filter(|w| !w.starts_with('#'))
            .collect::<Vec<_>>()
            .join(" ");
        if !title.is_empty() {
            text.push(' ');
            text.push_str(&title);
        }
        self.bar(safe(&text).into_owned(), Some(label.post_id.to_owned()))
    }

    fn list_opened(&self) {
        if let Some(o) = &self.overall {
            o.list_opened();
        }
    }

    fn listed(&self) {
        if let Some(o) = &self.overall {
            o.listed();
        }
    }

    fn list_closed(&self) {
        if let Some(o) = &self.overall {
            o.list_closed();
        }
    }
}

/// How wide a file bar's parts are at a terminal `columns` wide: the label, and whether the
/// bytes are shown in full (`63.8 KiB/390.1 KiB`) or as a percentage.
fn layout(columns: usize) -> (usize, bool) {
    // The full tail: `390.1 KiB/390.1 KiB 576.4 KiB/s eta 1m23s`, at most 41 columns.
    let full = columns >= 110;
    let tail = if full { 41 } else { 27 };
    let label = columns
        .saturating_sub(tail + MIN_BAR + 2)
        .clamp(MIN_LABEL, MAX_LABEL);
    (label, full)
}

/// The terminal's width (80 when it cannot be told).
fn columns() -> usize {
    match console::Term::stderr().size_checked() {
        Some((_, cols)) if cols > 0 => usize::from(cols),
        _ => 80,
    }
}

impl FileBars {
    fn bar(&self, label: String, post: Option<String>) -> Option<ProgressFn> {
        let (width, full) = layout(columns());
        let label =
            console::pad_str(&label, width, console::Alignment::Left, Some("…")).into_owned();
        let style = ProgressStyle::with_template("{prefix} {wide_bar:.cyan/blue} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        // Drawn nowhere until added (below), once it reads whole.
        let bar = ProgressBar::hidden().with_style(style).with_prefix(label);
        let file = Arc::new(FileBar {
            bar,
            full,
            post,
            kept: self.kept.clone(),
            state: Mutex::new(Speed::default()),
        });
        file.bar.set_message(file.message(0, None, None));
        self.mp.add(file.bar.clone()).tick();
        Some(Arc::new(move |done, total| file.report(done, total)))
    }
}

/// One file's bar.
struct FileBar {
    bar: ProgressBar,
    full: bool,
    /// The post it is of (its finished bar is kept until its result prints).
    post: Option<String>,
    kept: Kept,
    state: Mutex<Speed>,
}

/// This run's bytes of a file: from the first report on (what was on disk before is not speed).
#[derive(Debug, Default)]
struct Speed {
    /// When the first report came and the bytes on disk then.
    since: Option<(Instant, u64)>,
    finished: bool,
}

impl Speed {
    /// Bytes a second since the first report.
    fn rate(&self, done: u64, now: Instant) -> Option<f64> {
        let (at, base) = self.since?;
        let secs = now.duration_since(at).as_secs_f64();
        (secs > 0.0).then(|| done.saturating_sub(base) as f64 / secs)
    }
}

impl FileBar {
    fn report(&self, done: u64, total: Option<u64>) {
        let now = Instant::now();
        let mut s = lock(&self.state);
        if s.finished {
            return;
        }
        match s.since {
            // Started over (the server sent other bytes): this run's bytes count from here.
            Some((_, base)) if done < base => s.since = Some((now, done)),
            None => s.since = Some((now, done)),
            Some(_) => {}
        }
        let rate = s.rate(done, now);
        if let Some(t) = total.filter(|t| done >= *t && *t > 0) {
            s.finished = true;
            let secs = s
                .since
                .map_or(0.0, |(at, _)| now.duration_since(at).as_secs_f64());
            drop(s);
            self.finish(t, rate, secs);
            return;
        }
        drop(s);
        if let Some(t) = total {
            self.bar.set_length(t.max(1));
        }
        self.bar.set_position(done);
        self.bar.set_message(self.message(done, total, rate));
    }

    /// Bytes, speed and ETA.
    fn message(&self, done: u64, total: Option<u64>, rate: Option<f64>) -> String {
        let speed = match rate {
            Some(r) if r >= 1.0 => format!("{}/s", size(r as u64)),
            _ => "-".into(),
        };
        let eta = match (total, rate) {
            (Some(t), Some(r)) if r >= 1.0 => duration(t.saturating_sub(done) as f64 / r),
            _ => "?".into(),
        };
        match (total, self.full) {
            (Some(t), true) => format!("{:>9}/{:<9} {speed:>11} eta {eta}", size(done), size(t)),
            (Some(t), false) => {
                let pct = (done.saturating_mul(100) / t.max(1)).min(100);
                format!("{pct:>3}% {speed:>11} eta {eta}")
            }
            (None, _) => format!("{:>9} {speed:>11} eta ?", size(done)),
        }
    }

    /// The file is whole: its bar becomes one `done` line of its post (kept until the post's
    /// result prints), or goes away when that post already shows one.
    fn finish(&self, total: u64, rate: Option<f64>, secs: f64) {
        let Some(post) = &self.post else {
            self.bar.finish_and_clear();
            return;
        };
        let mut kept = lock(&self.kept);
        if let Some(line) = kept.get(post) {
            line.set_message(format!("{} (more files)", line.message()));
            self.bar.finish_and_clear();
            return;
        }
        let speed = rate.map_or(String::new(), |r| format!(", {}/s", size(r as u64)));
        let style = ProgressStyle::with_template("{prefix} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        self.bar.set_style(style);
        self.bar.finish_with_message(format!(
            "done: {} in {}{speed}",
            size(total),
            duration(secs)
        ));
        kept.insert(post.clone(), self.bar.clone());
    }
}

impl Drop for FileBar {
    /// A file that needed no download (already on disk) or failed leaves no bar behind.
    fn drop(&mut self) {
        if !lock(&self.state).finished {
            self.bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_durations_read_short() {
        assert_eq!(size(812), "812 B");
        assert_eq!(size(65_380), "63.8 KiB");
        assert_eq!(size(200 << 20), "200.0 MiB");
        assert_eq!(duration(45.2), "45s");
        assert_eq!(duration(185.0), "3m05s");
        assert_eq!(duration(7620.0), "2h07m");
        assert_eq!(eta(0, 10, Duration::from_secs(3)), "?");
        assert_eq!(eta(5, 10, Duration::from_secs(10)), "10s");
    }

    #[test]
    fn a_bar_fits_its_terminal() {
        for columns in [40, 80, 100, 120, 200] {
            let (label, full) = layout(columns);
            let tail = if full { 41 } else { 27 };
            assert!(
                label + tail + MIN_BAR + 2 <= columns.max(MIN_LABEL + tail + MIN_BAR + 2),
                "{columns}"
            );
        }
        assert_eq!(layout(80), (43, false));
        assert!(layout(120).1);
    }

    #[test]
    fn resumed_bytes_are_not_speed() {
        let t0 = Instant::now();
        let s = Speed {
            since: Some((t0, 100 << 20)),
            finished: false,
        };
        let rate = s.rate((100 << 20) + 1000, t0 + Duration::from_secs(1));
        assert_eq!(rate, Some(1000.0));
    }

    #[test]
    fn the_total_is_open_while_a_list_pages() {
        let mut c = Counts {
            inputs: Some(Inputs { posts: 2, lists: 1 }),
            ..Counts::default()
        };
        assert_eq!(c.total(), (2, true), "the list is not paged yet");
        c.open = 1;
        c.found = 10;
        assert_eq!(c.total(), (12, true));
        c.open = 0;
        c.closed = 1;
        assert_eq!(c.total(), (12, false));
        let unknown = Counts::default();
        assert!(unknown.total().1);
    }
}
