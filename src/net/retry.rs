//! The one retry policy every request goes through: exponential backoff with full jitter,
//! `Retry-After` honoured, only for failures that another try can fix.

use std::future::Future;
use std::time::{Duration, SystemTime};

use crate::error::Error;

/// Longest pause a `Retry-After` header can impose; beyond it we fail and say so instead of
/// hanging for hours.
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(300);
/// Cap on one computed backoff pause.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// How often and how patiently a failed request is tried again.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (so `retries + 1` attempts in all).
    pub retries: u32,
    /// Base pause; attempt `n` waits a random time in `[0, base * 2^n]`.
    pub backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            retries: 3,
            backoff: Duration::from_secs(1),
        }
    }
}

/// One failed attempt: the error plus the server's `Retry-After`, if it sent one.
#[derive(Debug)]
pub struct Failure {
    pub error: Error,
    pub retry_after: Option<Duration>,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Self {
            error,
            retry_after: None,
        }
    }
}

impl RetryPolicy {
    /// The pause before retry number `attempt` (0-based). `unit` is a uniform sample in [0, 1),
    /// passed in so the computation stays pure and testable.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>, unit: f64) -> Duration {
        let ceiling = self
            .backoff
            .saturating_mul(1u32.checked_shl(attempt.min(16)).unwrap_or(u32::MAX))
            .min(MAX_BACKOFF);
        let jittered = ceiling.mul_f64(unit.clamp(0.0, 1.0));
        match retry_after {
            Some(ra) => ra.min(MAX_RETRY_AFTER).max(jittered),
            None => jittered,
        }
    }

    /// Runs `op` until it succeeds, fails for good, or retries run out.
    pub async fn run<T, F, Fut>(&self, what: &str, mut op: F) -> Result<T, Error>
    where
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = Result<T, Failure>>,
    {
        let mut attempt = 0;
        loop {
            match op(attempt).await {
                Ok(v) => return Ok(v),
                Err(f) if attempt < self.retries && f.error.is_transient() => {
                    if f.retry_after.is_some_and(|ra| ra > MAX_RETRY_AFTER) {
                        return Err(f.error);
                    }
                    let pause = self.delay(attempt, f.retry_after, rand::random::<f64>());
                    tracing::warn!(
                        "{} (retry {}/{} in {:.1}s)",
                        with_context(what, &f.error),
                        attempt + 1,
                        self.retries,
                        pause.as_secs_f64()
                    );
                    tokio::time::sleep(pause).await;
                    attempt += 1;
                }
                Err(f) => return Err(f.error),
            }
        }
    }
}

/// `what: error`, unless the error already starts with `what` (errors name their operation and
/// URL themselves: "fetching page URL: fetching page URL: ..." helps no one).
fn with_context(what: &str, error: &Error) -> String {
    let text = error.to_string();
    if what.is_empty() || text.starts_with(what) {
        text
    } else {
        format!("{what}: {text}")
    }
}

/// `Retry-After` as seconds or an HTTP date.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let when = time::PrimitiveDateTime::parse(value, &format)
        .ok()?
        .assume_utc();
    let when =
        SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(when.unix_timestamp()).ok()?);
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The `Retry-After` of a response, if it sent a readable one.
pub fn retry_after_header(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, SystemTime::now()))
}

/// Statuses worth another try: request timeout, rate limit, server errors.
pub fn is_retryable_status(code: u16) -> bool {
    code == 408 || code == 429 || (500..=599).contains(&code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ConnectionReason, Operation};

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy {
            retries: 5,
            backoff: Duration::from_secs(1),
        };
        assert_eq!(p.delay(0, None, 1.0), Duration::from_secs(1));
        assert_eq!(p.delay(3, None, 1.0), Duration::from_secs(8));
        assert_eq!(p.delay(3, None, 0.5), Duration::from_secs(4));
        assert_eq!(p.delay(0, None, 0.0), Duration::ZERO);
        assert_eq!(p.delay(30, None, 1.0), MAX_BACKOFF);
    }

    #[test]
    fn retry_after_wins_over_jitter() {
        let p = RetryPolicy {
            retries: 5,
            backoff: Duration::from_millis(10),
        };
        assert_eq!(
            p.delay(0, Some(Duration::from_secs(2)), 1.0),
            Duration::from_secs(2)
        );
        assert_eq!(
            p.delay(0, Some(Duration::from_secs(9999)), 1.0),
            MAX_RETRY_AFTER
        );
    }

    #[test]
    fn retry_after_formats() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        // Wed, 21 Oct 2015 07:28:00 GMT = 1445412480
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:29:00 GMT", now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn context_is_not_doubled() {
        let e = Error::connection(
            ConnectionReason::Timeout,
            Operation::FetchPage,
            "https://x/",
        );
        assert_eq!(
            with_context("fetching page https://x/", &e),
            "fetching page https://x/: timed out"
        );
        assert_eq!(
            with_context("probe", &e),
            "probe: fetching page https://x/: timed out"
        );
    }

    #[test]
    fn statuses() {
        assert!(is_retryable_status(429) && is_retryable_status(503) && is_retryable_status(408));
        assert!(
            !is_retryable_status(404) && !is_retryable_status(403) && !is_retryable_status(200)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn retries_transient_then_succeeds_and_stops_on_permanent() {
        let p = RetryPolicy {
            retries: 3,
            backoff: Duration::from_secs(1),
        };
        let mut calls = 0;
        let r: Result<u32, Error> = p
            .run("t", |n| {
                calls += 1;
                async move {
                    if n < 2 {
                        Err(
                            Error::connection(ConnectionReason::Timeout, Operation::FetchPage, "u")
                                .into(),
                        )
                    } else {
                        Ok(n)
                    }
                }
            })
            .await;
        assert_eq!(r.unwrap(), 2);
        assert_eq!(calls, 3);

        let mut calls = 0;
        let r: Result<u32, Error> = p
            .run("t", |_| {
                calls += 1;
                async {
                    Err(
                        Error::connection(ConnectionReason::Status(404), Operation::FetchPage, "u")
                            .into(),
                    )
                }
            })
            .await;
        assert!(r.is_err());
        assert_eq!(calls, 1);

        let mut calls = 0;
        let r: Result<u32, Error> = p
            .run("t", |_| {
                calls += 1;
                async {
                    Err(
                        Error::connection(ConnectionReason::Status(503), Operation::FetchPage, "u")
                            .into(),
                    )
                }
            })
            .await;
        assert!(r.is_err());
        assert_eq!(calls, 4);
    }
}
