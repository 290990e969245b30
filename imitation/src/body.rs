//! Response bodies streamed in chunks, with the transfer faults built in.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll, Waker, ready};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use tokio::sync::Notify;

use crate::lock;
use crate::media::Source;

const CHUNK: u64 = 64 * 1024;
/// A cut waits for the bytes before it to be flushed, but not forever (a client that stops
/// reading would otherwise keep the connection).
const FLUSH_WAIT: Duration = Duration::from_secs(2);

/// Lets a response body end its connection (faults that cut a transfer), and tells it when
/// everything written so far has reached the socket.
#[derive(Default)]
pub struct Kill {
    notify: Notify,
    clean: AtomicBool,
    flushes: AtomicU64,
    flush_waker: Mutex<Option<Waker>>,
}

impl Kill {
    /// How many successful flushes the connection has seen.
    pub fn flushes(&self) -> u64 {
        self.flushes.load(Ordering::SeqCst)
    }

    /// Wakes `cx` at the next successful flush.
    pub fn wake_on_flush(&self, cx: &Context<'_>) {
        *lock(&self.flush_waker) = Some(cx.waker().clone());
    }

    pub(crate) fn flushed(&self) {
        self.flushes.fetch_add(1, Ordering::SeqCst);
        if let Some(w) = lock(&self.flush_waker).take() {
            w.wake();
        }
    }

    /// `clean`: TLS close_notify + FIN; otherwise drop the stream abruptly.
    pub fn fire(&self, clean: bool) {
        self.clean.store(clean, Ordering::SeqCst);
        // notify_one keeps a permit if nobody waits yet, so the signal cannot be lost.
        self.notify.notify_one();
    }

    pub(crate) async fn wait(&self) -> bool {
        self.notify.notified().await;
        self.clean.load(Ordering::SeqCst)
    }
}

/// A response before the transfer faults and framing are applied.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub src: Source,
    pub start: u64,
    pub end: u64,
}

impl Reply {
    pub fn new(status: u16, content_type: &str, body: impl Into<Bytes>) -> Reply {
        let body: Bytes = body.into();
        Reply {
            status,
            headers: vec![("content-type", content_type.to_string())],
            end: body.len() as u64,
            src: Source::Bytes(body),
            start: 0,
        }
    }

    pub fn html(status: u16, body: impl Into<Bytes>) -> Reply {
        Reply::new(status, "text/html; charset=utf-8", body)
    }

    pub fn small_page(status: u16, title: &str) -> Reply {
        Reply::html(
            status,
            format!(
                "<!DOCTYPE html><html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>\n"
            ),
        )
    }

    pub fn redirect(status: u16, location: &str) -> Reply {
        Reply::small_page(status, "Redirecting").header("location", location)
    }

    pub fn json(body: String) -> Reply {
        Reply::new(200, "application/json; charset=utf-8", body)
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }
}

/// How a body ends early on purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cut {
    None,
    /// After this many bytes, drop the connection (no close_notify).
    Abort(u64),
    /// After this many bytes, close the connection cleanly (close_notify, FIN).
    Clean(u64),
}

pub struct GenBody {
    src: Source,
    pos: u64,
    end: u64,
    sent: u64,
    cut: Cut,
    stall: Option<(u64, Duration)>,
    /// After this many bytes, one byte per interval.
    trickle: Option<(u64, Duration)>,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    /// Flush count when the cut was reached; a later flush means our bytes are out.
    cut_at_flush: Option<u64>,
    flush_timer: Option<Pin<Box<tokio::time::Sleep>>>,
    kill: Option<Arc<Kill>>,
    /// Every byte flipped ([`crate::Fault::OtherBytes`]).
    flipped: bool,
    /// At most this many bytes, then a pause of this long (a paced LIVE stream).
    pace: Option<(u64, Duration)>,
}

impl GenBody {
    /// Bytes `start..end` of `src`.
    pub fn new(src: Source, start: u64, end: u64) -> GenBody {
        GenBody {
            src,
            pos: start,
            end,
            sent: 0,
            cut: Cut::None,
            stall: None,
            trickle: None,
            sleep: None,
            cut_at_flush: None,
            flush_timer: None,
            kill: None,
            flipped: false,
            pace: None,
        }
    }

    /// The same length of other bytes: each one flipped.
    pub fn flipped(mut self) -> GenBody {
        self.flipped = true;
        self
    }

    pub fn with_cut(mut self, cut: Cut, kill: Arc<Kill>) -> GenBody {
        self.cut = cut;
        self.kill = Some(kill);
        self
    }

    pub fn with_stall(mut self, after: u64, dur: Duration) -> GenBody {
        self.stall = Some((after, dur));
        self
    }

    /// `bytes` at a time, `every` apart.
    pub fn with_pace(mut self, bytes: u64, every: Duration) -> GenBody {
        self.pace = Some((bytes.max(1), every));
        self
    }

    /// After `after` bytes, send one byte per `every` (a slow sender that never goes quiet).
    pub fn with_trickle(mut self, after: u64, every: Duration) -> GenBody {
        self.trickle = Some((after, every));
        self
    }
}

impl Body for GenBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        loop {
            if let Some(sleep) = this.sleep.as_mut() {
                ready!(sleep.as_mut().poll(cx));
                this.sleep = None;
            }
            if let Some((after, dur)) = this.stall
                && this.sent >= after
            {
                this.stall = None;
                this.sleep = Some(Box::pin(tokio::time::sleep(dur)));
                continue;
            }
            let (limit, clean) = match this.cut {
                Cut::None => (u64::MAX, false),
                Cut::Abort(n) => (n, false),
                Cut::Clean(n) => (n, true),
            };
            if this.sent >= limit {
                let Some(kill) = this.kill.clone() else {
                    return Poll::Pending; // already fired: the connection is going away
                };
                // hyper queued our last chunk before polling us again, and flushes its queue
                // while we are pending: the first flush after this point carries our bytes.
                kill.wake_on_flush(cx);
                let at = *this.cut_at_flush.get_or_insert_with(|| kill.flushes());
                if kill.flushes() == at {
                    let timer = this
                        .flush_timer
                        .get_or_insert_with(|| Box::pin(tokio::time::sleep(FLUSH_WAIT)));
                    ready!(timer.as_mut().poll(cx));
                }
                this.kill = None;
                kill.fire(clean);
                // Never finishes: the connection task drops the whole connection.
                return Poll::Pending;
            }
            if this.pos >= this.end {
                return Poll::Ready(None);
            }
            let mut n = CHUNK.min(this.end - this.pos).min(limit - this.sent);
            if let Some((after, _)) = this.stall {
                n = n.min(after - this.sent);
            }
            if let Some((after, every)) = this.trickle {
                if this.sent >= after {
                    n = 1;
                    this.sleep = Some(Box::pin(tokio::time::sleep(every)));
                } else {
                    n = n.min(after - this.sent);
                }
            }
            if let Some((bytes, every)) = this.pace {
                n = n.min(bytes);
                this.sleep = Some(Box::pin(tokio::time::sleep(every)));
            }
            let mut chunk = this.src.read(this.pos, n);
            if this.flipped {
                chunk = chunk.iter().map(|b| !b).collect::<Vec<u8>>().into();
            }
            this.pos += n;
            this.sent += n;
            return Poll::Ready(Some(Ok(Frame::data(chunk))));
        }
    }

    fn is_end_stream(&self) -> bool {
        self.cut == Cut::None
            && self.stall.is_none()
            && self.pace.is_none()
            && self.trickle.is_none()
            && self.pos >= self.end
    }

    fn size_hint(&self) -> SizeHint {
        if self.cut == Cut::None && self.pace.is_none() {
            SizeHint::with_exact(self.end - self.pos)
        } else {
            SizeHint::default()
        }
    }
}
