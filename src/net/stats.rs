//! Performance statistics of one handler (`get_performance_stats` in the handler API): what was asked of
//! TikTok and its CDNs, what the cache spared, and how fast posts went through.
//!
//! Counters are atomics bumped where the work happens (the HTTP client, the cache lookup, the
//! post saver); [`Stats::snapshot`] reads them all into a plain, serializable struct.

use std::collections::HashSet;
use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

/// What a request was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestKind {
    /// Post, profile and collection pages, short-link hops.
    Page,
    /// TikTok's JSON list APIs.
    Api,
    /// Video, audio, image and subtitle files from the CDNs.
    Media,
}

/// Live counters, shared by every clone of a handler.
#[derive(Debug)]
pub struct Stats {
    started: Instant,
    page: AtomicU64,
    api: AtomicU64,
    media: AtomicU64,
    cache_hits: AtomicU64,
    cache_misses: AtomicU64,
    retries: AtomicU64,
    rate_limit_waits: AtomicU64,
    rate_limit_wait_micros: AtomicU64,
    bytes: AtomicU64,
    /// Ids, so a post whose metadata and files are both counted is still one post.
    posts: Mutex<HashSet<String>>,
}

impl Default for Stats {
    fn default() -> Self {
        Self {
            started: Instant::now(),
            page: AtomicU64::new(0),
            api: AtomicU64::new(0),
            media: AtomicU64::new(0),
            cache_hits: AtomicU64::new(0),
            cache_misses: AtomicU64::new(0),
            retries: AtomicU64::new(0),
            rate_limit_waits: AtomicU64::new(0),
            rate_limit_wait_micros: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            posts: Mutex::default(),
        }
    }
}

/// Pauses shorter than this are the pacer's bookkeeping, not a wait worth reporting.
const NOTICEABLE_WAIT: Duration = Duration::from_millis(1);

impl Stats {
    /// Counts one request of `kind`.
    pub fn request(&self, kind: RequestKind) {
        let counter = match kind {
            RequestKind::Page => &self.page,
            RequestKind::Api => &self.api,
            RequestKind::Media => &self.media,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a metadata cache hit.
    pub fn cache_hit(&self) {
        self.cache_hits.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a metadata cache miss.
    pub fn cache_miss(&self) {
        self.cache_misses.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a retried request.
    pub fn retry(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
    }

    /// Records a pause imposed by the rate limiter (ignored when it was too short to matter).
    pub fn rate_limit_wait(&self, waited: Duration) {
        if waited >= NOTICEABLE_WAIT {
            self.rate_limit_waits.fetch_add(1, Ordering::Relaxed);
            let micros = u64::try_from(waited.as_micros()).unwrap_or(u64::MAX);
            self.rate_limit_wait_micros
                .fetch_add(micros, Ordering::Relaxed);
        }
    }

    /// Media bytes written to disk.
    pub fn bytes(&self, n: u64) {
        self.bytes.fetch_add(n, Ordering::Relaxed);
    }

    /// A post whose metadata or files were obtained.
    pub fn post_done(&self, id: &str) {
        self.posts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id.to_owned());
    }

    /// The counters as they are now.
    pub fn snapshot(&self) -> PerformanceStats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let elapsed = self.started.elapsed().as_secs_f64();
        let posts = self.posts.lock().unwrap_or_else(|e| e.into_inner()).len() as u64;
        let (hits, misses) = (get(&self.cache_hits), get(&self.cache_misses));
        PerformanceStats {
            page_requests: get(&self.page),
            api_requests: get(&self.api),
            media_requests: get(&self.media),
            cache_hits: hits,
            cache_misses: misses,
            cache_hit_rate: if hits + misses == 0 {
                0.0
            } else {
                hits as f64 / (hits + misses) as f64
            },
            retries: get(&self.retries),
            rate_limit_waits: get(&self.rate_limit_waits),
            rate_limit_wait_seconds: get(&self.rate_limit_wait_micros) as f64 / 1e6,
            bytes: get(&self.bytes),
            posts,
            posts_per_second: if elapsed > 0.0 {
                posts as f64 / elapsed
            } else {
                0.0
            },
            elapsed_seconds: elapsed,
        }
    }
}

/// A point-in-time copy of [`Stats`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PerformanceStats {
    /// Post, profile and collection pages, short-link hops.
    pub page_requests: u64,
    /// Pages of TikTok's JSON list APIs.
    pub api_requests: u64,
    /// Video, audio, image and subtitle files from the CDNs.
    pub media_requests: u64,
    /// Posts whose metadata came from the cache.
    pub cache_hits: u64,
    /// Posts the cache could not give.
    pub cache_misses: u64,
    /// hits / (hits + misses), 0 when the cache was never asked.
    pub cache_hit_rate: f64,
    /// Requests sent again after a failure.
    pub retries: u64,
    /// Pauses the pacer imposed.
    pub rate_limit_waits: u64,
    /// Their total length.
    pub rate_limit_wait_seconds: f64,
    /// Media bytes written to disk.
    pub bytes: u64,
    /// Posts whose metadata or files were obtained.
    pub posts: u64,
    /// `posts` over `elapsed_seconds`.
    pub posts_per_second: f64,
    /// Since the handler was built.
    pub elapsed_seconds: f64,
}

impl PerformanceStats {
    /// Requests of every kind.
    pub fn requests(&self) -> u64 {
        self.page_requests + self.api_requests + self.media_requests
    }
}

impl fmt::Display for PerformanceStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "requests:   {} (page {}, API {}, media {})",
            self.requests(),
            self.page_requests,
            self.api_requests,
            self.media_requests
        )?;
        writeln!(
            f,
            "cache:      {} hits, {} misses ({:.0}% hit rate)",
            self.cache_hits,
            self.cache_misses,
            self.cache_hit_rate * 100.0
        )?;
        writeln!(f, "retries:    {}", self.retries)?;
        writeln!(
            f,
            "rate limit: {} waits ({:.1} s)",
            self.rate_limit_waits, self.rate_limit_wait_seconds
        )?;
        writeln!(
            f,
            "bytes:      {} ({} bytes)",
            crate::terminal::human_bytes(self.bytes),
            self.bytes
        )?;
        write!(
            f,
            "posts:      {} in {:.2} s ({:.2} posts/s)",
            self.posts, self.elapsed_seconds, self.posts_per_second
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_rates() {
        let s = Stats::default();
        s.request(RequestKind::Page);
        s.request(RequestKind::Media);
        s.request(RequestKind::Media);
        s.cache_hit();
        s.cache_hit();
        s.cache_hit();
        s.cache_miss();
        s.post_done("1");
        s.post_done("1");
        s.post_done("2");
        s.rate_limit_wait(Duration::from_micros(10)); // too short to count
        s.rate_limit_wait(Duration::from_millis(250));
        s.bytes(2048);
        let p = s.snapshot();
        assert_eq!(
            (p.page_requests, p.api_requests, p.media_requests),
            (1, 0, 2)
        );
        assert_eq!(p.requests(), 3);
        assert!((p.cache_hit_rate - 0.75).abs() < 1e-9);
        assert_eq!(p.posts, 2);
        assert_eq!(p.rate_limit_waits, 1);
        assert!((p.rate_limit_wait_seconds - 0.25).abs() < 1e-6);
        let text = p.to_string();
        assert!(text.contains("page 1, API 0, media 2"), "{text}");
        assert!(text.contains("75% hit rate"), "{text}");
        assert!(text.contains("2.00 KiB (2048 bytes)"), "{text}");
    }

    #[test]
    fn empty_is_all_zero() {
        let p = Stats::default().snapshot();
        assert_eq!(p.cache_hit_rate, 0.0);
        assert_eq!(p.requests(), 0);
    }
}
