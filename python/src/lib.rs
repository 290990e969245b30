//! `tikdl._native`: the Rust side of the `tikdl` Python package.
//!
//! A thin layer over [`tikdl::TikTokHandler`]: every call runs on the one shared tokio runtime of
//! `pyo3-async-runtimes` with the GIL released, and hands back an asyncio future (cancelling it
//! drops the Rust future, which stops the transfer and leaves the resumable `.part`). Results
//! cross as JSON text (the same JSON `tikdl info --json` prints); the pure-Python package
//! (`python/tikdl/`) turns them into its classes and maps [`NativeError`] onto its exceptions.

mod bridge;
mod config;
mod progress;

use std::io::Cursor;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use serde_json::{Value, json};
use tokio::sync::{Semaphore, mpsc};

use tikdl::error::Operation;
use tikdl::save::select::{CodecPref, Quality};
use tikdl::save::template::Template;
use tikdl::{
    ArchiveState, BatchMode, BatchOptions, DownloadOptions, DownloadResult, Error, FailedFile,
    ListOptions, Outcome, TikTokHandler,
};

// Named by its real module path, so that it pickles (the Python package never lets it out).
pyo3::create_exception!(
    tikdl._native,
    NativeError,
    pyo3::exceptions::PyException,
    "A tikdl error: args are (kind, code, message, operation, url, hints)."
);

/// The process that started the runtime: a forked child has none of its threads.
static RUNTIME_PID: OnceLock<u32> = OnceLock::new();

fn forked_error() -> PyErr {
    NativeError::new_err((
        "config",
        "forked",
        "this process was forked after tikdl started working in its parent: the child has \
         none of tikdl's threads. Start worker processes with multiprocessing's 'spawn' or \
         'forkserver' method, or fork before the first tikdl call",
        "setup",
        Option::<String>::None,
        Vec::<String>::new(),
    ))
}

/// The shared runtime, checked to belong to this process.
fn runtime() -> PyResult<&'static tokio::runtime::Runtime> {
    let pid = *RUNTIME_PID.get_or_init(std::process::id);
    if pid != std::process::id() {
        return Err(forked_error());
    }
    Ok(pyo3_async_runtimes::tokio::get_runtime())
}

fn operation_name(op: Operation) -> &'static str {
    match op {
        Operation::ParseUrl => "parse_url",
        Operation::ResolveShortLink => "resolve_short_link",
        Operation::FetchPage => "fetch_page",
        Operation::Extract => "extract",
        Operation::FetchApi => "fetch_api",
        Operation::Download => "download",
        Operation::Setup => "setup",
    }
}

/// `(kind, code, message, operation, url, hints)`; the message is tikdl's own (it never holds a
/// cookie or token).
fn error_parts(e: &Error) -> (String, String, String, String, Option<String>, Vec<String>) {
    let op = match e {
        Error::Content { operation, .. }
        | Error::Connection { operation, .. }
        | Error::Platform { operation, .. } => operation_name(*operation),
        Error::Local { .. } => "write",
        Error::Setup(_) => "setup",
        Error::AfterSave { .. } => "after_save",
    };
    let kind = match e {
        Error::Setup(_) => "config",
        _ => e.kind().as_str(),
    };
    (
        kind.to_owned(),
        e.code().to_owned(),
        e.to_string(),
        op.to_owned(),
        e.url().map(str::to_owned),
        e.suggestions().to_vec(),
    )
}

fn native_error(e: &Error) -> PyErr {
    NativeError::new_err(error_parts(e))
}

fn error_json(e: &Error) -> Value {
    let (kind, code, message, operation, url, hints) = error_parts(e);
    json!({"kind": kind, "code": code, "message": message, "operation": operation,
           "url": url, "hints": hints})
}

fn result_json(r: &DownloadResult) -> Value {
    let files: Vec<Value> = r
        .files
        .iter()
        .map(|f| json!({"path": f.path, "bytes": f.bytes, "role": f.role, "downloaded": f.downloaded}))
        .collect();
    json!({
        "url": r.url,
        "id": r.id,
        "status": r.status.as_str(),
        "files": files,
        "filesize": r.filesize,
        "seconds": r.seconds,
        "format_id": r.format_id,
        "error": r.status.error().map(error_json),
    })
}

fn outcome_json(o: &Outcome) -> Value {
    match o {
        Outcome::Downloaded(r, _) | Outcome::SaveFailed(r) => result_json(r),
        Outcome::Info(i) => json!({"url": i.webpage_url, "id": i.id, "status": "info",
                                    "files": [], "filesize": 0, "seconds": 0.0}),
        Outcome::Skipped { url, id, reason } => json!({"url": url, "id": id, "status": "skipped",
            "skip_reason": reason, "files": [], "filesize": 0, "seconds": 0.0}),
        Outcome::Failed { url, id, error } => json!({"url": url, "id": id, "status": "failed",
            "files": [], "filesize": 0, "seconds": 0.0, "error": error_json(error)}),
    }
}

/// What a download is asked to do, read from Python arguments.
fn download_options(
    template: &str,
    quality: Option<&str>,
    codec: Option<&str>,
    audio_only: bool,
    rate_limit: Option<u64>,
) -> PyResult<DownloadOptions> {
    let template = Template::parse(template)
        .map_err(|e| PyValueError::new_err(format!("output template: {e}")))?;
    let quality = match quality {
        Some(q) => q
            .parse::<Quality>()
            .map_err(|e| PyValueError::new_err(e.to_string()))?,
        None => Quality::Best,
    };
    let codec = match codec {
        Some(c) => c
            .parse::<CodecPref>()
            .map_err(|e| PyValueError::new_err(e.to_string()))?,
        None => CodecPref::default(),
    };
    Ok(DownloadOptions {
        template,
        quality,
        codec,
        audio_only,
        rate_limit,
        ..DownloadOptions::default()
    })
}

/// The native handler: one per Python handler, shared by all its calls.
#[pyclass(frozen, module = "tikdl._native")]
struct Handler {
    inner: TikTokHandler,
    /// `max_concurrent_operations`: calls beyond it wait their turn.
    permits: Arc<Semaphore>,
    rate_limit: Option<u64>,
    shown: String,
    auth: Option<&'static str>,
    pid: u32,
}

impl Handler {
    fn check_process(&self) -> PyResult<&'static tokio::runtime::Runtime> {
        if self.pid != std::process::id() {
            return Err(forked_error());
        }
        runtime()
    }
}

#[pymethods]
impl Handler {
    #[new]
    #[pyo3(signature = (config=None, auth_info=None))]
    fn new(
        py: Python<'_>,
        config: Option<Bound<'_, PyAny>>,
        auth_info: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let built = config::build(config.as_ref(), auth_info.as_ref())?;
        let rt = runtime()?;
        let jobs = built.config.max_concurrent_operations.max(1);
        // Reads the CA and cookies files: without the GIL, inside the runtime.
        let inner = py
            .detach(|| {
                let _guard = rt.enter();
                TikTokHandler::new(built.config)
            })
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(Self {
            inner,
            permits: Arc::new(Semaphore::new(jobs)),
            rate_limit: built.rate_limit,
            shown: built.shown,
            auth: built.auth,
            pid: std::process::id(),
        })
    }

    /// The effective settings (`tikdl config show`'s text, secrets redacted).
    fn settings_text(&self) -> String {
        self.shown.clone()
    }

    /// Which credential was given (`cookies_file`, `session_token`), never its value.
    fn auth_kind(&self) -> Option<&'static str> {
        self.auth
    }

    fn max_concurrent_operations(&self) -> usize {
        self.inner.config().max_concurrent_operations
    }

    fn url_kinds(&self) -> Vec<&'static str> {
        self.inner.capabilities().url_kinds
    }

    fn is_valid_url(&self, url: &str) -> bool {
        self.inner.is_valid_url(url) && !self.inner.may_be_list(url)
    }

    fn stats_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.inner.stats())
            .map_err(|e| PyRuntimeError::new_err(e.to_string()))
    }

    /// The post's metadata as `tikdl info --json` prints it.
    fn video_info<'py>(&self, py: Python<'py>, url: String) -> PyResult<Bound<'py, PyAny>> {
        let rt = self.check_process()?;
        let inner = self.inner.clone();
        let permits = self.permits.clone();
        bridge::spawn(py, rt, async move {
            let _permit = permits.acquire_owned().await;
            let info = inner.video_info(&url).await.map_err(|e| native_error(&e))?;
            serde_json::to_string(&info).map_err(|e| PyRuntimeError::new_err(e.to_string()))
        })
    }

    /// One post into `base` named by `template`; the result as JSON. `progress(done, total,
    /// speed, eta)` is called on the caller's event loop (see `progress.rs`).
    #[pyo3(signature = (url, base, template, quality=None, codec=None, audio_only=false, rate_limit=None, progress=None))]
    #[allow(clippy::too_many_arguments)]
    fn download<'py>(
        &self,
        py: Python<'py>,
        url: String,
        base: PathBuf,
        template: &str,
        quality: Option<&str>,
        codec: Option<&str>,
        audio_only: bool,
        rate_limit: Option<u64>,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let rt = self.check_process()?;
        let mut opts = download_options(
            template,
            quality,
            codec,
            audio_only,
            rate_limit.or(self.rate_limit),
        )?;
        let sink = match progress {
            Some(cb) => {
                let event_loop = pyo3_async_runtimes::tokio::get_current_loop(py)?.unbind();
                Some(progress::Sink::new(event_loop, cb))
            }
            None => None,
        };
        let inner = self.inner.clone();
        let permits = self.permits.clone();
        bridge::spawn(py, rt, async move {
            let _permit = permits.acquire_owned().await;
            if let Err(e) = tikdl::save::prepare_output_dir(&base) {
                let failed = json!({"url": url, "id": null, "status": "failed", "files": [],
                    "filesize": 0, "seconds": 0.0, "format_id": null, "error": error_json(&e)});
                return Ok(failed.to_string());
            }
            tikdl::save::settle_confinement(&mut opts, &base);
            let result = match sink {
                Some(sink) => {
                    let (callback, finish, delivery) = sink.start();
                    // The delivery ends when the engine drops the callback and the finish is
                    // said, after the last report: the 100 % call is queued on the loop before
                    // the result.
                    let work = async {
                        let r = inner.download(&url, &base, &opts, Some(callback)).await;
                        if r.status.error().is_none() {
                            finish.succeeded();
                        }
                        r
                    };
                    let (r, ()) = tokio::join!(work, delivery);
                    r
                }
                None => inner.download(&url, &base, &opts, None).await,
            };
            Ok(result_json(&result).to_string())
        })
    }

    /// Many URLs through tikdl's batch loop; outcomes as they finish (see [`BatchRun`]).
    #[pyo3(signature = (urls, base, template, quality=None, codec=None, audio_only=false, rate_limit=None, archive=None, failed_file=None, jobs=None))]
    #[allow(clippy::too_many_arguments)]
    fn batch(
        &self,
        urls: Vec<String>,
        base: PathBuf,
        template: &str,
        quality: Option<&str>,
        codec: Option<&str>,
        audio_only: bool,
        rate_limit: Option<u64>,
        archive: Option<PathBuf>,
        failed_file: Option<PathBuf>,
        jobs: Option<usize>,
    ) -> PyResult<BatchRun> {
        let rt = self.check_process()?;
        if let Some(bad) = urls.iter().find(|u| u.contains(['\n', '\r'])) {
            return Err(PyValueError::new_err(format!(
                "a URL holds a line break: {:?}",
                bad.chars().take(80).collect::<String>()
            )));
        }
        let download = download_options(
            template,
            quality,
            codec,
            audio_only,
            rate_limit.or(self.rate_limit),
        )?;
        let jobs = jobs.unwrap_or(self.inner.config().max_concurrent_operations);
        if !(1..=64).contains(&jobs) {
            return Err(PyValueError::new_err(
                "max_concurrent must be between 1 and 64",
            ));
        }
        let archive = match archive {
            Some(p) => Some(ArchiveState::open(&p, false).map_err(|e| native_error(&e))?),
            None => None,
        };
        let mut failed = match failed_file {
            Some(p) => Some(FailedFile::create(&p).map_err(|e| native_error(&e))?),
            None => None,
        };
        let mut opts = BatchOptions {
            download,
            base,
            info_only: false,
            jobs,
            list: ListOptions::default(),
            mode: BatchMode::Batch,
            archive,
            break_per_input: false,
            shard: None,
            keep_info: false,
            sleep: None,
            after_save: None,
            filter: Default::default(),
        };
        opts.prepare_output().map_err(|e| native_error(&e))?;
        let (tx, rx) = mpsc::unbounded_channel::<String>();
        let inner = self.inner.clone();
        let task = rt.spawn(async move {
            let input = Cursor::new(urls.join("\n").into_bytes());
            let out = tx.clone();
            let sum = inner
                .run_batch(input, &opts, failed.as_mut(), None, move |o: &Outcome| {
                    let _ = out.send(outcome_json(o).to_string());
                    std::ops::ControlFlow::Continue(())
                })
                .await;
            let mut failed_file_lost = false;
            // A clean run marks the archive as the binary's does; failing to only loses the
            // next run's `--break-on-existing` shortcut, nothing to report.
            if sum.failed == 0
                && sum.stopped.is_none()
                && let Some(a) = &opts.archive
            {
                let _ = a.finish_clean();
            }
            if let Some(f) = failed
                && f.commit().is_err()
            {
                failed_file_lost = true;
            }
            let summary = json!({"summary": {"done": sum.done, "skipped": sum.skipped,
                "failed": sum.failed, "bytes": sum.bytes, "seconds": sum.seconds,
                "stopped": sum.stopped, "failed_file_lost": failed_file_lost}});
            let _ = tx.send(summary.to_string());
        });
        Ok(BatchRun {
            rx: Arc::new(tokio::sync::Mutex::new(rx)),
            task: Mutex::new(Some(task)),
        })
    }
}

/// A running batch: [`BatchRun::next`] gives each outcome's JSON as its post finishes, then a
/// `{"summary": ...}` line, then `None`. Dropping or cancelling it stops the batch.
#[pyclass(frozen, module = "tikdl._native")]
struct BatchRun {
    rx: Arc<tokio::sync::Mutex<mpsc::UnboundedReceiver<String>>>,
    task: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

#[pymethods]
impl BatchRun {
    fn next<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let rt = runtime()?;
        let rx = self.rx.clone();
        bridge::spawn(py, rt, async move { Ok(rx.lock().await.recv().await) })
    }

    /// Stops the batch: posts in flight are dropped (their `.part` files stay, resumable).
    fn cancel(&self) {
        if let Some(t) = self.task.lock().unwrap_or_else(|e| e.into_inner()).take() {
            t.abort();
        }
    }
}

impl Drop for BatchRun {
    fn drop(&mut self) {
        if let Some(t) = self
            .task
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            t.abort();
        }
    }
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Handler>()?;
    m.add_class::<BatchRun>()?;
    m.add("NativeError", m.py().get_type::<NativeError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    // Threads handing results over finish before the interpreter finalizes (see bridge.rs).
    let drain = wrap_pyfunction!(bridge::drain, m)?;
    m.py()
        .import("atexit")?
        .call_method1("register", (drain,))?;
    Ok(())
}
