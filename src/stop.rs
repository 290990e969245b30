//! A stop asked for from outside (Ctrl-C, SIGTERM, SIGHUP): process-wide, like the signals
//! that ask for it. Downloads end at their next chunk with what arrived written to the `.part`,
//! and a batch starts no new post (the rest goes to `--failed-file`), so that the caller can
//! finish the run's bookkeeping before it exits.

use std::sync::LazyLock;

use tokio::sync::watch;

/// One stop flag; the process has one ([`request`], [`requested`], [`wait`]).
struct Flag(watch::Sender<bool>);

impl Flag {
    fn new() -> Self {
        Self(watch::channel(false).0)
    }

    fn request(&self) {
        self.0.send_replace(true);
    }

    fn requested(&self) -> bool {
        *self.0.borrow()
    }

    async fn wait(&self) {
        let mut rx = self.0.subscribe();
        // The sender is `self`, alive while this waits: `Err` cannot happen.
        let _ = rx.wait_for(|stop| *stop).await;
    }
}

static STOP: LazyLock<Flag> = LazyLock::new(Flag::new);

/// What a download or a batch stopped this way says.
pub const STOPPED: &str = "interrupted (Ctrl-C or a stop signal)";

/// Asks every download and batch of this process to stop.
pub fn request() {
    STOP.request();
}

/// Whether a stop was asked for.
pub fn requested() -> bool {
    STOP.requested()
}

/// Resolves once a stop is asked for.
pub async fn wait() {
    STOP.wait().await;
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    // On a flag of its own: the process's stops every download of the other tests.
    #[tokio::test]
    async fn a_stop_wakes_a_waiter_and_stays_asked() {
        let flag = Arc::new(Flag::new());
        assert!(!flag.requested());
        let waiting = flag.clone();
        let waiter = tokio::spawn(async move { waiting.wait().await });
        tokio::task::yield_now().await;
        flag.request();
        waiter.await.unwrap();
        assert!(flag.requested());
        // A waiter that starts after the stop returns at once.
        flag.wait().await;
    }
}
