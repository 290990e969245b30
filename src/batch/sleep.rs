//! `--sleep-interval` / `--max-sleep-interval`: a pause before each post's download but the
//! first, of a random length in `[min, max]` (yt-dlp's `FileDownloader.download` draws it with
//! `random.uniform(min, max or min)`; it also waits before the first, tikdl only between posts).

use std::time::Duration;

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

    /// Waits before the `n`th post's download (1 = the first, which does not wait).
    pub(crate) async fn before(&self, n: u64) {
        if n <= 1 {
            return;
        }
        let pause = self.pick();
        if pause.is_zero() {
            return;
        }
        tracing::info!(
            "sleeping {:.2} seconds before the next download (--sleep-interval)",
            pause.as_secs_f64()
        );
        tokio::time::sleep(pause).await;
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

    #[tokio::test(start_paused = true)]
    async fn the_first_download_does_not_wait() {
        let s = SleepInterval::new(60.0, None).unwrap();
        let start = tokio::time::Instant::now();
        s.before(1).await;
        assert_eq!(start.elapsed(), Duration::ZERO);
        s.before(2).await;
        assert_eq!(start.elapsed(), Duration::from_secs(60));
    }
}
