//! The bounded reader of small answers, and the low-speed check every reader shares.

use std::time::{Duration, Instant};

use futures_util::StreamExt;

use crate::error::{ConnectionReason, Error, Operation, from_reqwest};

/// The low-speed limit (`--low-speed-limit`, `--low-speed-time`, like curl's
/// `--speed-limit/--speed-time`): a transfer that averages fewer than `bytes_per_sec` over
/// `window` is abandoned as too slow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LowSpeed {
    pub bytes_per_sec: u64,
    pub window: Duration,
}

/// Default low-speed limit: fewer than 1 KiB/s ...
pub const LOW_SPEED_LIMIT: u64 = 1024;
/// ... for 30 seconds.
pub const LOW_SPEED_TIME: Duration = Duration::from_secs(30);

impl Default for LowSpeed {
    fn default() -> Self {
        Self {
            bytes_per_sec: LOW_SPEED_LIMIT,
            window: LOW_SPEED_TIME,
        }
    }
}

/// Start of the message of a transfer stopped by the low-speed limit.
pub const TOO_SLOW: &str = "transfer too slow";

/// The low-speed check of one transfer: told the bytes as they come (and `0` when a wait for
/// them ran out), it says once the average over a whole window fell under the limit. One check
/// for every reader, so a slow sender is cut the same way wherever it is read.
#[derive(Debug)]
pub struct SpeedCheck {
    limit: Option<LowSpeed>,
    window_start: Instant,
    window_bytes: u64,
}

impl SpeedCheck {
    /// `None`, a zero rate or a zero window: no check.
    pub fn new(limit: Option<LowSpeed>) -> Self {
        Self {
            limit: limit.filter(|l| l.bytes_per_sec > 0 && !l.window.is_zero()),
            window_start: Instant::now(),
            window_bytes: 0,
        }
    }

    /// Adds `got` bytes; `Some(message)` (starting with [`TOO_SLOW`]) once a full window
    /// averaged under the limit.
    pub fn record(&mut self, got: u64) -> Option<String> {
        let l = self.limit?;
        self.window_bytes += got;
        let elapsed = self.window_start.elapsed();
        if elapsed < l.window {
            return None;
        }
        let want = (l.bytes_per_sec as f64 * elapsed.as_secs_f64()) as u64;
        if self.window_bytes < want {
            return Some(format!(
                "{TOO_SLOW}: {} bytes in {:.0} s, under the low-speed limit of {} bytes/s for \
                 {} s (--low-speed-limit, --low-speed-time)",
                self.window_bytes,
                elapsed.as_secs_f64(),
                l.bytes_per_sec,
                l.window.as_secs()
            ));
        }
        self.window_start = Instant::now();
        self.window_bytes = 0;
        None
    }
}

/// How often a reader waiting for bytes looks at the low-speed check, so a sender that goes
/// quiet is judged too.
const SPEED_POLL: Duration = Duration::from_secs(1);

/// The one reader of a small answer (a page, an API page, a cover) into memory, under three
/// bounds, each named in its error with the URL: a size cap (refused from `Content-Length`
/// before reading when it says so), an overall deadline for the whole answer, and the
/// low-speed limit. A server that trickles, never ends or sends too much is cut by one of them.
#[derive(Debug, Clone, Copy)]
pub struct BoundedBody {
    cap: u64,
    deadline: Instant,
    within: Duration,
    low_speed: Option<LowSpeed>,
}

impl BoundedBody {
    /// At most `cap` bytes, all of them within `within` from now.
    pub fn new(cap: u64, within: Duration) -> Self {
        Self::until(cap, Instant::now() + within, within)
    }

    /// At most `cap` bytes, all of them by `deadline` (`within` after the request began).
    pub(super) fn until(cap: u64, deadline: Instant, within: Duration) -> Self {
        Self {
            cap,
            deadline,
            within,
            low_speed: None,
        }
    }

    /// Also cut at the low-speed limit.
    pub fn low_speed(mut self, limit: Option<LowSpeed>) -> Self {
        self.low_speed = limit;
        self
    }

    /// Sends `req`; its answer's head must come by the deadline too.
    pub async fn send(
        &self,
        req: reqwest::RequestBuilder,
        op: Operation,
        url: &str,
    ) -> Result<reqwest::Response, Error> {
        let deadline = tokio::time::Instant::from_std(self.deadline);
        match tokio::time::timeout_at(deadline, req.send()).await {
            Ok(sent) => sent.map_err(|e| from_reqwest(e, op, url)),
            Err(_) => Err(self.late(op, url)),
        }
    }

    fn late(&self, op: Operation, url: &str) -> Error {
        let secs = self.within.as_secs().max(1);
        Error::connection(ConnectionReason::Deadline(secs), op, url)
    }

    /// Reads the whole body of `resp` (which [`Self::send`] got) under the bounds.
    pub async fn read(
        self,
        resp: reqwest::Response,
        op: Operation,
        url: &str,
    ) -> Result<Vec<u8>, Error> {
        let too_large = || {
            let mut e = Error::connection(ConnectionReason::TooLarge(self.cap), op, url);
            if let Error::Connection { suggestions, .. } = &mut e {
                *suggestions = vec![format!(
                    "the server sent more than the {} KiB such an answer can be; check --proxy",
                    self.cap >> 10
                )];
            }
            e
        };
        if resp.content_length().is_some_and(|n| n > self.cap) {
            return Err(too_large());
        }
        let mut speed = SpeedCheck::new(self.low_speed);
        let deadline = tokio::time::Instant::from_std(self.deadline);
        let mut out =
            Vec::with_capacity(resp.content_length().unwrap_or(64 * 1024).min(self.cap) as usize);
        let mut stream = resp.bytes_stream();
        loop {
            let next = tokio::select! {
                biased;
                () = tokio::time::sleep_until(deadline) => return Err(self.late(op, url)),
                next = tokio::time::timeout(SPEED_POLL, stream.next()) => next,
            };
            let got = match next {
                Err(_quiet) => 0,
                Ok(None) => return Ok(out),
                Ok(Some(chunk)) => {
                    let chunk = chunk.map_err(|e| from_reqwest(e, op, url))?;
                    if out.len() as u64 + chunk.len() as u64 > self.cap {
                        return Err(too_large());
                    }
                    out.extend_from_slice(&chunk);
                    chunk.len() as u64
                }
            };
            if let Some(msg) = speed.record(got) {
                let mut e = Error::connection(ConnectionReason::Other(msg), op, url);
                if let Error::Connection { suggestions, .. } = &mut e {
                    *suggestions = vec![
                        "the server sends too slowly: retry later, check --proxy, or lower \
                         --low-speed-limit (0 turns the check off)"
                            .to_owned(),
                    ];
                }
                return Err(e);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_speed_check_judges_only_whole_windows_and_can_be_off() {
        let limit = |window| {
            Some(LowSpeed {
                bytes_per_sec: 1000,
                window,
            })
        };
        let mut off = SpeedCheck::new(None);
        let mut zero = SpeedCheck::new(Some(LowSpeed {
            bytes_per_sec: 0,
            window: Duration::ZERO,
        }));
        let mut long = SpeedCheck::new(limit(Duration::from_secs(3600)));
        let mut short = SpeedCheck::new(limit(Duration::from_millis(1)));
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(off.record(1), None);
        assert_eq!(zero.record(1), None);
        assert_eq!(long.record(1), None, "the window is not over");
        let msg = short.record(1).unwrap();
        assert!(
            msg.starts_with(TOO_SLOW) && msg.contains("1000 bytes/s"),
            "{msg}"
        );
    }
}
