//! Response bodies streamed in chunks, with the transfer faults built in.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};

use crate::media::Source;
use crate::server::Kill;

const CHUNK: u64 = 64 * 1024;
/// A cut waits for the bytes before it to be flushed, but not forever (a client that stops
/// reading would otherwise keep the connection).
const FLUSH_WAIT: Duration = Duration::from_secs(2);

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
        }
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
            let chunk = this.src.read(this.pos, n);
            this.pos += n;
            this.sent += n;
            return Poll::Ready(Some(Ok(Frame::data(chunk))));
        }
    }

    fn is_end_stream(&self) -> bool {
        self.cut == Cut::None
            && self.stall.is_none()
            && self.trickle.is_none()
            && self.pos >= self.end
    }

    fn size_hint(&self) -> SizeHint {
        if self.cut == Cut::None {
            SizeHint::with_exact(self.end - self.pos)
        } else {
            SizeHint::default()
        }
    }
}
