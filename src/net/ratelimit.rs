//! Pacing of page and API requests to tiktok.com (media downloads from CDNs are not paced).
//!
//! A governor token bucket sets the rate and burst. Adaptively, a 429, a challenge page or a
//! block halves the rate and pauses everything for `Retry-After` (or the cooldown); afterwards
//! the rate climbs back step by step as requests succeed. Time comes from tokio's clock, so the
//! logic is testable with a paused clock.

use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::clock::Clock;
use governor::middleware::NoOpMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};
use tokio::time::Instant;

/// Successful requests needed before the rate climbs one step after a slowdown.
const RECOVERY_SUCCESSES: u32 = 10;
/// Each recovery step adds this fraction of the configured rate.
const RECOVERY_STEP: f64 = 0.25;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PaceConfig {
    /// Requests per minute; 0 turns pacing off.
    pub per_minute: u32,
    pub burst: u32,
    /// Pause after a throttling signal that carried no `Retry-After`.
    pub cooldown: Duration,
    pub adaptive: bool,
}

impl Default for PaceConfig {
    fn default() -> Self {
        Self {
            per_minute: 60,
            burst: 10,
            cooldown: Duration::from_secs(300),
            adaptive: true,
        }
    }
}

/// governor's clock, read from tokio (so `tokio::time::pause` drives it in tests).
#[derive(Debug, Clone)]
struct TokioClock {
    start: Instant,
}

impl Clock for TokioClock {
    type Instant = Duration;
    fn now(&self) -> Duration {
        self.start.elapsed()
    }
}

type Limiter = RateLimiter<NotKeyed, InMemoryState, TokioClock, NoOpMiddleware<Duration>>;

struct State {
    limiter: Arc<Limiter>,
    /// Current requests per minute (the configured rate, or less after a slowdown).
    current: u32,
    paused_until: Option<Instant>,
    successes: u32,
}

/// Shared by every request of a run.
pub struct Pacer {
    config: PaceConfig,
    clock: TokioClock,
    state: Mutex<State>,
}

impl std::fmt::Debug for Pacer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pacer")
            .field("config", &self.config)
            .field("current", &self.current_rate())
            .finish()
    }
}

fn limiter(per_minute: u32, burst: u32, clock: &TokioClock) -> Arc<Limiter> {
    let rate = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
    Arc::new(RateLimiter::direct_with_clock(
        Quota::per_minute(rate).allow_burst(burst),
        clock.clone(),
    ))
}

impl Pacer {
    /// `None` when pacing is off (`per_minute == 0`).
    pub fn new(config: PaceConfig) -> Option<Self> {
        if config.per_minute == 0 {
            return None;
        }
        let clock = TokioClock {
            start: Instant::now(),
        };
        let state = State {
            limiter: limiter(config.per_minute, config.burst, &clock),
            current: config.per_minute,
            paused_until: None,
            successes: 0,
        };
        Some(Self {
            config,
            clock,
            state: Mutex::new(state),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic elsewhere cannot leave this state inconsistent: keep using it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The current rate in requests per minute.
    pub fn current_rate(&self) -> u32 {
        self.lock().current
    }

    /// Waits until one more request may go out.
    pub async fn acquire(&self) {
        loop {
            let (limiter, paused_until) = {
                let s = self.lock();
                (s.limiter.clone(), s.paused_until)
            };
            if let Some(until) = paused_until
                && until > Instant::now()
            {
                tokio::time::sleep_until(until).await;
                continue;
            }
            match limiter.check() {
                Ok(()) => return,
                Err(not_until) => {
                    let wait = not_until.wait_time_from(self.clock.now());
                    tokio::time::sleep(wait.max(Duration::from_millis(1))).await;
                }
            }
        }
    }

    /// TikTok pushed back (429, challenge, block): halve the rate and pause.
    pub fn throttled(&self, retry_after: Option<Duration>) {
        if !self.config.adaptive {
            if let Some(ra) = retry_after {
                self.lock().paused_until = Some(Instant::now() + ra);
            }
            return;
        }
        let mut s = self.lock();
        s.current = (s.current / 2).max(1);
        let burst = scaled_burst(&self.config, s.current);
        s.limiter = limiter(s.current, burst, &self.clock);
        let pause = retry_after.unwrap_or(self.config.cooldown);
        s.paused_until = Some(Instant::now() + pause);
        s.successes = 0;
        if pause.is_zero() {
            // A solved challenge: nothing for the user to act on, so not a warning.
            tracing::info!(
                "TikTok pushed back: {} page requests per minute from now on",
                s.current
            );
        } else {
            tracing::warn!(
                "TikTok is throttling: pausing page requests for {}s, then {} per minute",
                pause.as_secs(),
                s.current
            );
        }
    }

    /// A page or API request went through: after enough of them, climb back one step.
    pub fn succeeded(&self) {
        let mut s = self.lock();
        if s.current >= self.config.per_minute {
            return;
        }
        s.successes += 1;
        if s.successes >= RECOVERY_SUCCESSES {
            let step = ((self.config.per_minute as f64 * RECOVERY_STEP).ceil() as u32).max(1);
            s.current = (s.current + step).min(self.config.per_minute);
            let burst = scaled_burst(&self.config, s.current);
            s.limiter = limiter(s.current, burst, &self.clock);
            s.successes = 0;
            tracing::info!("page requests back up to {} per minute", s.current);
        }
    }
}

/// The burst shrinks with the rate, so a slowed-down run cannot fire a full burst at once.
fn scaled_burst(config: &PaceConfig, current: u32) -> u32 {
    ((config.burst as u64 * current as u64) / config.per_minute.max(1) as u64).max(1) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pacer(per_minute: u32, burst: u32) -> Pacer {
        Pacer::new(PaceConfig {
            per_minute,
            burst,
            cooldown: Duration::from_secs(300),
            adaptive: true,
        })
        .unwrap()
    }

    /// How long (in tokio's clock) `n` acquisitions take.
    async fn time_for(p: &Pacer, n: u32) -> Duration {
        let t = Instant::now();
        for _ in 0..n {
            p.acquire().await;
        }
        t.elapsed()
    }

    #[test]
    fn zero_turns_pacing_off() {
        assert!(
            Pacer::new(PaceConfig {
                per_minute: 0,
                ..PaceConfig::default()
            })
            .is_none()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn burst_then_steady_rate() {
        let p = pacer(60, 10);
        // The burst goes out at once.
        assert!(time_for(&p, 10).await < Duration::from_millis(5));
        // Then one per second: 30 more take ~30 s.
        let t = time_for(&p, 30).await;
        assert!(
            t >= Duration::from_secs(29) && t <= Duration::from_secs(31),
            "{t:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_halves_the_rate_and_pauses() {
        let p = pacer(60, 10);
        time_for(&p, 10).await;
        p.throttled(Some(Duration::from_secs(20)));
        assert_eq!(p.current_rate(), 30);
        let t = Instant::now();
        p.acquire().await;
        assert!(
            t.elapsed() >= Duration::from_secs(20),
            "paused for Retry-After"
        );
        // At 30 per minute with a burst of 5, 20 requests after the burst take ~40 s.
        time_for(&p, 4).await;
        let t = time_for(&p, 20).await;
        assert!(
            t >= Duration::from_secs(39) && t <= Duration::from_secs(41),
            "{t:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn cooldown_without_retry_after() {
        let p = pacer(60, 10);
        p.throttled(None);
        let t = Instant::now();
        p.acquire().await;
        assert!(t.elapsed() >= Duration::from_secs(300));
    }

    #[tokio::test(start_paused = true)]
    async fn recovers_step_by_step() {
        let p = pacer(60, 10);
        p.throttled(Some(Duration::ZERO));
        p.throttled(Some(Duration::ZERO));
        assert_eq!(p.current_rate(), 15);
        let mut seen = vec![p.current_rate()];
        for _ in 0..60 {
            p.acquire().await;
            p.succeeded();
            if *seen.last().unwrap() != p.current_rate() {
                seen.push(p.current_rate());
            }
        }
        assert_eq!(seen, [15, 30, 45, 60]);
        // Never above the configured rate.
        for _ in 0..20 {
            p.succeeded();
        }
        assert_eq!(p.current_rate(), 60);
    }

    #[tokio::test(start_paused = true)]
    async fn non_adaptive_only_honours_retry_after() {
        let p = Pacer::new(PaceConfig {
            adaptive: false,
            ..PaceConfig::default()
        })
        .unwrap();
        p.throttled(Some(Duration::from_secs(5)));
        assert_eq!(p.current_rate(), 60);
    }
}
