//! Progress reports from the engine to a Python callback on the caller's event loop.
//!
//! The engine calls its [`ProgressFn`] on a runtime thread for every chunk. Here those calls are
//! thinned out at the source (at most one per [`INTERVAL`] per file, plus the one at 100 %) and
//! queued; one delivery loop per download puts each report in a pending list and, when no call
//! is waiting on the loop already, schedules one with `loop.call_soon_threadsafe` (from a
//! blocking thread, never a runtime worker). That call hands every pending report to the
//! callback on the loop's own thread, in order. A report still waiting is replaced by a newer
//! one of the same file (a final one never is): a slow callback sees fresh figures instead of a
//! backlog that holds the loop up. A file whose size the server did not say gets its 100 %
//! report (total = bytes received) when the next file starts or the download ends well.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pyo3::prelude::*;
use tikdl::ProgressFn;
use tokio::sync::mpsc;

/// The shortest gap between two reports of one file (~10 a second).
const INTERVAL: Duration = Duration::from_millis(100);

/// One report: bytes on disk, the total if known, bytes/s in this run, seconds left.
#[derive(Clone, Copy)]
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

impl FileState {
    fn report(&self, now: Instant, done: u64, total: Option<u64>) -> Report {
        let secs = now.duration_since(self.started).as_secs_f64();
        let speed = if secs > 0.001 {
            done.saturating_sub(self.start_done) as f64 / secs
        } else {
            0.0
        };
        let eta = match total {
            Some(t) if t == done => Some(0.0),
            Some(t) if speed > 0.0 => Some(t.saturating_sub(done) as f64 / speed),
            _ => None,
        };
        Report {
            done,
            total,
            speed,
            eta,
        }
    }

    /// The 100 % report of a file whose size was never said (its total: the bytes received).
    fn unsized_final(&self, now: Instant) -> Option<Report> {
        (self.total.is_none() && !self.final_sent && self.last_done > 0)
            .then(|| self.report(now, self.last_done, Some(self.last_done)))
    }
}

/// Reports not yet handed to the callback, and whether a call to hand them is on the loop.
#[derive(Default)]
struct Pending {
    reports: VecDeque<Report>,
    scheduled: bool,
}

impl Pending {
    /// Adds `r`; a waiting report that is not final gives way to it.
    fn push(&mut self, r: Report) {
        if let Some(last) = self.reports.back_mut()
            && last.total != Some(last.done)
            && last.total == r.total
            && r.done >= last.done
        {
            *last = r;
            return;
        }
        self.reports.push_back(r);
    }
}

/// What the loop calls: every pending report to the callback, in order.
#[pyclass(frozen, module = "tikdl._native")]
struct Deliver {
    pending: Arc<Mutex<Pending>>,
    callback: Py<PyAny>,
}

#[pymethods]
impl Deliver {
    fn __call__(&self, py: Python<'_>) -> PyResult<()> {
        let reports: Vec<Report> = {
            let mut p = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            p.scheduled = false;
            p.reports.drain(..).collect()
        };
        for r in reports {
            self.callback.call1(py, (r.done, r.total, r.speed, r.eta))?;
        }
        Ok(())
    }
}

/// A callback and the loop it must run on.
pub struct Sink {
    target: Arc<(Py<PyAny>, Py<PyAny>)>,
}

/// Said by the download once it ended well: a file of unsaid size gets its 100 % report.
pub struct Finish {
    state: Arc<Mutex<Option<FileState>>>,
    tx: mpsc::UnboundedSender<Report>,
}

impl Finish {
    pub fn succeeded(self) {
        let mut guard = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = guard.as_mut()
            && let Some(r) = s.unsized_final(Instant::now())
        {
            s.final_sent = true;
            let _ = self.tx.send(r);
        }
    }
}

impl Sink {
    pub fn new(event_loop: Py<PyAny>, callback: Py<PyAny>) -> Self {
        Self {
            target: Arc::new((event_loop, callback)),
        }
    }

    /// The engine's callback, the download's [`Finish`], and the delivery loop (which ends once
    /// both are dropped and every report is handed over).
    pub fn start(self) -> (ProgressFn, Finish, impl Future<Output = ()> + Send) {
        let (tx, mut rx) = mpsc::unbounded_channel::<Report>();
        let state: Arc<Mutex<Option<FileState>>> = Arc::new(Mutex::new(None));
        let finish = Finish {
            state: state.clone(),
            tx: tx.clone(),
        };
        let callback: ProgressFn = Arc::new(move |done: u64, total: Option<u64>| {
            let now = Instant::now();
            let mut guard = state.lock().unwrap_or_else(|e| e.into_inner());
            let new_file = match &*guard {
                Some(s) => done < s.last_done || total != s.total,
                None => true,
            };
            if new_file {
                // The file before ended (a new one starts only then).
                if let Some(r) = guard.as_ref().and_then(|s| s.unsized_final(now)) {
                    let _ = tx.send(r);
                }
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
            let _ = tx.send(s.report(now, done, total));
        });
        let target = self.target;
        let delivery = async move {
            let pending = Arc::new(Mutex::new(Pending::default()));
            while let Some(r) = rx.recv().await {
                let schedule = {
                    let mut p = pending.lock().unwrap_or_else(|e| e.into_inner());
                    p.push(r);
                    !std::mem::replace(&mut p.scheduled, true)
                };
                if !schedule {
                    continue;
                }
                let target = target.clone();
                let pending = pending.clone();
                let handed = tokio::task::spawn_blocking(move || {
                    crate::bridge::attach(|py| {
                        let (event_loop, cb) = &*target;
                        let deliver = Deliver {
                            pending,
                            callback: cb.clone_ref(py),
                        };
                        // A closed loop (the caller gave up) has nobody left to tell.
                        let _ = event_loop.call_method1(py, "call_soon_threadsafe", (deliver,));
                    })
                })
                .await;
                if handed.is_err() {
                    break;
                }
            }
        };
        (callback, finish, delivery)
    }
}
