//! The signals that stop a run: Ctrl-C (SIGINT), SIGTERM (`kill`, `timeout`, systemd, `docker
//! stop`) and SIGHUP (the terminal went away) all take the same path, for every command.

use anyhow::Result;

/// A listener for the stop signals, installed at once (a signal before the first poll counts).
pub struct StopSignals {
    #[cfg(unix)]
    kinds: Vec<tokio::signal::unix::Signal>,
}

impl StopSignals {
    pub fn install() -> Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let kinds = [
                SignalKind::interrupt(),
                SignalKind::terminate(),
                SignalKind::hangup(),
            ]
            .into_iter()
            .map(signal)
            .collect::<std::io::Result<Vec<_>>>()?;
            Ok(Self { kinds })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    /// Resolves at the first stop signal.
    pub async fn recv(&mut self) {
        #[cfg(unix)]
        {
            let waits = self.kinds.iter_mut().map(|s| Box::pin(s.recv()));
            let _ = futures_util::future::select_all(waits).await;
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}
