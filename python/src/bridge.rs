//! Rust futures as asyncio futures, and every entry into Python from tikdl's threads counted.
//!
//! A thread of the runtime that holds the GIL can lose it to the event loop's thread in the
//! middle of `loop.call_soon_threadsafe` (Python switches threads inside Python code). When the
//! loop's thread then ends the program, CPython finalizes while that thread still has Python
//! objects in hand: taking the GIL back then exits the thread with a forced unwind through Rust
//! frames that release those objects without the GIL, and the process crashes at exit. So every
//! entry into Python from here goes through [`attach`], which counts it, and an `atexit` hook
//! ([`drain`]) lets those threads finish before finalizing starts, and refuses new entries.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;

/// Threads of tikdl's inside [`attach`] (or about to enter it).
static INSIDE: AtomicUsize = AtomicUsize::new(0);
/// Set by [`drain`]: the interpreter is exiting, Python is not to be entered any more.
static CLOSING: AtomicBool = AtomicBool::new(false);

/// The longest [`drain`] waits for threads inside Python (they only hand a result over).
const DRAIN_LIMIT: Duration = Duration::from_secs(2);

/// Runs `f` with the GIL on one of tikdl's threads; `None` once the interpreter is exiting
/// (nobody is left to tell; Python objects held are released later by pyo3's pool).
pub fn attach<R>(f: impl FnOnce(Python<'_>) -> R) -> Option<R> {
    struct Leave;
    impl Drop for Leave {
        fn drop(&mut self) {
            INSIDE.fetch_sub(1, Ordering::SeqCst);
        }
    }
    INSIDE.fetch_add(1, Ordering::SeqCst);
    let _leave = Leave;
    if CLOSING.load(Ordering::SeqCst) {
        return None;
    }
    Some(Python::attach(f))
}

/// The `atexit` hook: no new entries into Python, and the ones under way finish (the GIL is
/// released meanwhile so that they can).
#[pyfunction]
pub fn drain(py: Python<'_>) {
    CLOSING.store(true, Ordering::SeqCst);
    py.detach(|| {
        let deadline = Instant::now() + DRAIN_LIMIT;
        while INSIDE.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
    });
}

/// Cancelling the asyncio future drops the Rust future (which stops its transfer).
#[pyclass(frozen, module = "tikdl._native")]
struct Canceller(tokio::task::AbortHandle);

#[pymethods]
impl Canceller {
    fn __call__(&self, fut: &Bound<'_, PyAny>) -> PyResult<()> {
        if fut.call_method0("cancelled")?.is_truthy()? {
            self.0.abort();
        }
        Ok(())
    }
}

/// Sets the future's outcome on the loop's thread, unless it was cancelled meanwhile.
#[pyfunction]
fn set_outcome(fut: &Bound<'_, PyAny>, ok: bool, value: Bound<'_, PyAny>) -> PyResult<()> {
    if fut.call_method0("done")?.is_truthy()? {
        return Ok(());
    }
    let method = if ok { "set_result" } else { "set_exception" };
    fut.call_method1(method, (value,))?;
    Ok(())
}

/// `fut` on `rt` as an asyncio future of the running loop.
pub fn spawn<'py, F, T>(
    py: Python<'py>,
    rt: &tokio::runtime::Runtime,
    fut: F,
) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = PyResult<T>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    let event_loop = pyo3_async_runtimes::tokio::get_current_loop(py)?;
    let py_fut = event_loop.call_method0("create_future")?;
    let target = (event_loop.unbind(), py_fut.clone().unbind());
    let task = rt.spawn(async move {
        let outcome = fut.await;
        // The GIL is taken on a blocking thread, never on a runtime worker.
        let _ = tokio::task::spawn_blocking(move || {
            attach(|py| {
                let (event_loop, py_fut) = target;
                let (ok, value) = match outcome.and_then(|v| v.into_bound_py_any(py)) {
                    Ok(v) => (true, v),
                    Err(e) => (false, e.into_value(py).into_bound(py).into_any()),
                };
                // A closed loop (the caller gave up) has nobody left to tell.
                if let Ok(setter) = wrap_pyfunction!(set_outcome, py) {
                    let _ = event_loop.call_method1(
                        py,
                        "call_soon_threadsafe",
                        (setter, py_fut, ok, value),
                    );
                }
            })
        })
        .await;
    });
    py_fut.call_method1("add_done_callback", (Canceller(task.abort_handle()),))?;
    Ok(py_fut)
}
