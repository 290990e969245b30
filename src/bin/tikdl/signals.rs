//! The signals that stop a run: Ctrl-C (SIGINT), SIGTERM (`kill`, `timeout`, systemd, `docker
//! stop`) and SIGHUP (the terminal went away) all take the same path, for every command.

use std::time::Duration;

use anyhow::Result;

/// Exit status of a run a stop signal ended (128 + SIGINT, as shells report it).
const EXIT_INTERRUPTED: i32 = 130;

/// Listens for the stop signals on the runtime's worker threads, so that a stop is seen even
/// while the main thread is blocked in a read no async code can interrupt (a FIFO with no
/// writer given as `--cookies` or `--ca-cert`, a terminal or pipe that sends nothing). The first
/// signal sets the process's stop flag ([`tikdl::stop`]): every command stops at its next step
/// and writes its bookkeeping. A second signal, or `grace` passing without the run ending,
/// ends the process at once with exit 130: no read can hold a stopped run.
pub fn watch(grace: Duration) -> Result<()> {
    let mut signals = StopSignals::install()?;
    tokio::spawn(async move {
        signals.recv().await;
        tikdl::stop::request();
        let message = tokio::select! {
            () = signals.recv() => None,
            () = tokio::time::sleep(grace) => Some(format!(
                "stopped: the run had not ended {} s after the stop signal (waiting on a read \
                 that gives no data?); ending now",
                grace.as_secs()
            )),
        };
        if let Some(message) = message {
            // Straight to stderr (a closed one is no reason to stay): the process ends here.
            let _ = std::io::Write::write_all(
                &mut std::io::stderr(),
                format!("{message}\n").as_bytes(),
            );
        }
        std::process::exit(EXIT_INTERRUPTED);
    });
    Ok(())
}

/// A listener for the stop signals, installed at once (a signal before the first poll counts).
struct StopSignals {
    #[cfg(unix)]
    kinds: Vec<tokio::signal::unix::Signal>,
}

impl StopSignals {
    fn install() -> Result<Self> {
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
    async fn recv(&mut self) {
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
