//! What the caller runs after each post is saved, before the post is archived (the binary's
//! `--exec`). As in yt-dlp, where a failing post-processor (`ExecPP`) leaves the download out of
//! the archive (`YoutubeDL.process_info` returns before `__write_download_archive` is set), a
//! post whose hook failed is saved but not archived: the next run does it again.

use std::sync::Arc;

use crate::model::VideoInfo;
use crate::save::DownloadResult;

/// The blocking work of one hook run; `Err` (in words) when it failed.
pub type HookRun = Box<dyn FnOnce() -> Result<(), String> + Send>;

/// What a hook makes of one saved post: the work to run for it, if any.
pub type HookFn = dyn Fn(&DownloadResult, Option<&VideoInfo>) -> Option<HookRun> + Send + Sync;

/// Given a saved post, what to run for it (`None`: nothing); run on a blocking thread.
#[derive(Clone)]
pub struct AfterSave(pub Arc<HookFn>);

impl std::fmt::Debug for AfterSave {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AfterSave(..)")
    }
}

impl AfterSave {
    /// Runs the hook for a saved post; `Err` (in words) when it failed (no hook: it did not).
    pub(crate) async fn run(
        &self,
        result: &DownloadResult,
        info: Option<&VideoInfo>,
    ) -> Result<(), String> {
        let Some(work) = (self.0)(result, info) else {
            return Ok(());
        };
        match tokio::task::spawn_blocking(work).await {
            Ok(done) => done,
            Err(e) => Err(format!("it did not finish: {e}")),
        }
    }
}
