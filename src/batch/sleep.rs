//! `--sleep-interval` / `--max-sleep-interval`: a pause between downloads, of a random length in
//! `[min, max]` (yt-dlp's `FileDownloader.download` draws it with `random.uniform(min, max or
//! min)`; it also waits before the first, tikdl only between posts). yt-dlp downloads one post
//! at a time, so its pauses space the downloads out; with `--jobs` one [`Pacer`] for the whole
//! run keeps that: each download starts at least a pause after the one before it started. Like
//! yt-dlp's, the pause is taken only before a real download (the engine asks for it once a file
//! must come over the network): never for a post archived, filtered out, simulated or already
//! on disk.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::time::Instant;

/// The bounds of the pause; `max >= min`, both finite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SleepInterval {
    min: Duration,
    max: Duration,
}

impl SleepInterval {
    /// `min` seconds, or a random time between `min` and `max` seconds. An error (in words, for a
    /// usage message) when a bound is negative or not a number, or `max` is below `min`.
    pub fn new(min: f64, max: Option<f64>) -> Result<Self, String> {
        Self::named(
            min,
            max,
            [
                &format!("--sleep-interval {min}"),
                &format!("--max-sleep-interval {}", max.unwrap_or(min)),
            ],
        )
    }

    /// [`SleepInterval::new`] with each bound named as the caller's error should name it
    /// (`--sleep-interval 5`, or the config file's line that set it).
    pub fn named(min: f64, max: Option<f64>, names: [&str; 2]) -> Result<Self, String> {
        let secs = |name: &str, v: f64| {
            Duration::try_from_secs_f64(v)
                .map_err(|_| format!("{name} is not a number of seconds (0 or more)"))
        };
        let min_d = secs(names[0], min)?;
        let max_d = match max {
            Some(m) => secs(names[1], m)?,
            None => min_d,
        };
        if max_d < min_d {
            return Err(format!(
                "{} is below {}: give a maximum at least as large as the minimum",
                names[1], names[0]
            ));
        }
        Ok(Self {
            min: min_d,
            max: max_d,
        })
    }

    /// One pause, drawn afresh.
    pub fn pick(&self) -> Duration {
        if self.max <= self.min {
            return self.min;
        }
        let span = (self.max - self.min).as_secs_f64();
        self.min + Duration::from_secs_f64(span * rand::random::<f64>())
    }
}

/// The run's one pacer: the start of the last download, and the pauses drawn between starts.
#[derive(Debug)]
pub(crate) struct Pacer {
    interval: SleepInterval,
    /// When the last download started (`None`: none yet). Held while a download waits its turn,
    /// so the downloads of all jobs wait one after another.
    last: tokio::sync::Mutex<Option<Instant>>,
}

/// When a download asking at `now` starts: at once when it is the first, else `pause` after the
/// previous start (at once when that is past).
fn next_start(last: Option<Instant>, now: Instant, pause: Duration) -> Instant {
    match last {
        None => now,
        Some(last) => (last + pause).max(now),
    }
}

impl Pacer {
    pub(crate) fn new(interval: SleepInterval) -> Arc<Self> {
        Arc::new(Self {
            interval,
            last: tokio::sync::Mutex::new(None),
        })
    }

    /// Waits for this download's turn.
    pub(crate) async fn wait(&self) {
        let mut last = self.last.lock().await;
        let now = Instant::now();
        let start = next_start(*last, now, self.interval.pick());
        if last.is_some() {
            tracing::info!(
                "sleeping {:.2} seconds before the next download (--sleep-interval)",
                (start - now).as_secs_f64()
            );
        }
        tokio::time::sleep_until(start).await;
        *last = Some(start);
    }

    /// A post's wait for the engine: its first file over the network waits its turn, the post's
    /// other files (its cover, subtitles) do not.
    pub(crate) fn for_post(self: &Arc<Self>) -> crate::save::download::DownloadTurn {
        let (pacer, spent) = (Arc::clone(self), Arc::new(AtomicBool::new(false)));
        crate::save::download::DownloadTurn(Arc::new(move || {
            let (pacer, spent) = (Arc::clone(&pacer), Arc::clone(&spent));
            Box::pin(async move {
                if !spent.swap(true, Ordering::Relaxed) {
                    pacer.wait().await;
                }
            })
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_checked_and_picks_stay_within_them() {
        assert!(SleepInterval::new(2.0, Some(1.0)).is_err());
        assert!(SleepInterval::new(-1.0, None).is_err());
        assert!(SleepInterval::new(f64::NAN, None).is_err());
        let fixed = SleepInterval::new(0.5, None).unwrap();
        assert_eq!(fixed.pick(), Duration::from_millis(500));
        let range = SleepInterval::new(1.0, Some(3.0)).unwrap();
        for _ in 0..100 {
            let p = range.pick();
            assert!(
                p >= Duration::from_secs(1) && p <= Duration::from_secs(3),
                "{p:?}"
            );
        }
    }

    #[test]
    fn each_start_is_a_pause_after_the_one_before() {
        let t0 = Instant::now();
        let pause = Duration::from_secs(2);
        assert_eq!(next_start(None, t0, pause), t0);
        // Asked together: two seconds after the previous start.
        assert_eq!(next_start(Some(t0), t0, pause), t0 + pause);
        // Asked long after: at once.
        let late = t0 + Duration::from_secs(10);
        assert_eq!(next_start(Some(t0), late, pause), late);
        // Asked within the pause: the rest of it.
        let soon = t0 + Duration::from_secs(1);
        assert_eq!(next_start(Some(t0), soon, pause), t0 + pause);
    }

    /// On tokio's paused clock: five jobs asking at once start two seconds apart, and a post's
    /// second file does not wait again.
    #[tokio::test(start_paused = true)]
    async fn jobs_asking_together_start_one_pause_apart() {
        let pacer = Pacer::new(SleepInterval::new(2.0, None).unwrap());
        let t0 = Instant::now();
        let starts = futures_util::future::join_all((0..5).map(|_| {
            let pace = pacer.for_post();
            async move {
                (pace.0)().await;
                let started = Instant::now();
                (pace.0)().await;
                assert_eq!(Instant::now(), started, "a post waits once");
                started - t0
            }
        }))
        .await;
        let mut starts: Vec<u64> = starts.iter().map(Duration::as_secs).collect();
        starts.sort_unstable();
        assert_eq!(starts, [0, 2, 4, 6, 8]);
    }
}
