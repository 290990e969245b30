//! Progress reports from the engine to a Python callback on the caller's event loop.
//!
//! The engine calls its [`ProgressFn`] on a runtime thread for every chunk. Here those calls are
//! thinned out at the source (at most one per [`INTERVAL`] per file, plus the one at 100 %) and
//! queued; one delivery loop per download takes each report to a blocking thread, which takes
//! the GIL there (never on a runtime worker) and hands it to the loop with
//! `loop.call_soon_threadsafe`, so the callback runs on the loop's own thread, in order.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pyo3::prelude::*;
use tikdl::ProgressFn;
use tokio::sync::mpsc;

/// The shortest gap between two reports of one file (~10 a second).
const INTERVAL: Duration = Duration::from_millis(100);

/// One report: bytes on disk, the total if known, bytes/s in this run, seconds left.
struct Report {
    done: u64,
    total: Option<u64>,
    speed: f64,
    eta: Option<f64>,
}

/// Where a file stands, for thinning and speed.
struct FileState {
    total: Option<u64>,
    last_done: u64,
    /// Bytes on disk when this run started the file (a resumed `.part` starts above 0).
    start_done: u64,
    started: Instant,
    last_sent: Option<Instant>,
    final_sent: bool,
}

/// A callback and the loop it must run on.
pub struct Sink {
    target: Arc<(Py<PyAny>, Py<PyAny>)>,
}

impl Sink {
    pub fn new(event_loop: Py<PyAny>, callback: Py<PyAny>) -> Self {
        Self {
            target: Arc::new((event_loop, callback)),
        }
    }

    /// The engine's callback and the delivery loop (which ends once the callback is dropped and
    /// every report is handed over).
    pub fn start(self) -> (ProgressFn, impl Future<Output = ()> + Send) {
        let (tx, mut rx) = mpsc::unbounded_channel::<Report>();
        let state: Mutex<Option<FileState>> = Mutex::new(None);
        let callback: ProgressFn = Arc::new(move |done: u64, total: Option<u64>| {
            let now = Instant::now();
            let mut guard = state.lock().unwrap_or_else(|e| e.into_inner());
            let new_file = match &*guard {
                Some(s) => done < s.last_done || total != s.total,
                None => true,
            };
            if new_file {
                *guard = Some(FileState {
                    total,
                    last_done: done,
                    start_done: done,
                    started: now,
                    last_sent: None,
                    final_sent: false,
                });
            }
            let Some(s) = guard.as_mut() else { return };
            s.last_done = done;
            let is_final = total == Some(done);
            let due = s
                .last_sent
                .is_none_or(|t| now.duration_since(t) >= INTERVAL);
            if (is_final && s.final_sent) || (!is_final && !due) {
                return;
            }
            s.last_sent = Some(now);
            s.final_sent |= is_final;
            let secs = now.duration_since(s.started).as_secs_f64();
            let speed = if secs > 0.001 {
                (done - s.start_done) as f64 / secs
            } else {
                0.0
            };
            let eta = match total {
                Some(t) if speed > 0.0 => Some(t.saturating_sub(done) as f64 / speed),
                Some(t) if t == done => Some(0.0),
                _ => None,
            };
            let _ = tx.send(Report {
                done,
                total,
                speed,
                eta,
            });
        });
        let target = self.target;
        let delivery = async move {
            while let Some(r) = rx.recv().await {
                let target = target.clone();
                let handed = tokio::task::spawn_blocking(move || {
                    crate::bridge::attach(|py| {
                        let (event_loop, cb) = &*target;
                        // A closed loop (the caller gave up) has nobody left to tell.
                        let _ = event_loop.call_method1(
                            py,
                            "call_soon_threadsafe",
                            (cb, r.done, r.total, r.speed, r.eta),
                        );
                    })
                })
                .await;
                if handed.is_err() {
                    break;
                }
            }
        };
        (callback, delivery)
    }
}
