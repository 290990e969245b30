//! Many posts from a URL list: streamed input, lists expanded, duplicates and archived posts
//! skipped, `jobs` posts in flight, one outcome reported per post as it finishes.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use futures_util::StreamExt;
use tokio::io::{AsyncBufRead, AsyncBufReadExt};

use crate::archive::Archive;
use crate::error::{ContentReason, Error, Operation};
use crate::lists::{self, ListOptions};
use crate::model::VideoInfo;
use crate::save::{self, DownloadOptions, DownloadResult, ProgressFactory};
use crate::url::{self, PostRef};

#[derive(Debug, Clone)]
pub struct BatchOptions {
    pub download: DownloadOptions,
    pub base: PathBuf,
    /// Print metadata instead of downloading.
    pub info_only: bool,
    pub jobs: usize,
    pub list: ListOptions,
    pub archive: Option<Arc<Archive>>,
}

/// What happened to one post (or one input line that could not become a post).
#[derive(Debug)]
pub enum Outcome {
    Downloaded(Box<DownloadResult>),
    Info(Box<VideoInfo>),
    Skipped {
        url: String,
        id: String,
        reason: &'static str,
    },
    Failed {
        url: String,
        id: Option<String>,
        error: Error,
    },
}

impl Outcome {
    pub fn url(&self) -> &str {
        match self {
            Self::Downloaded(r) => &r.url,
            Self::Info(i) => &i.webpage_url,
            Self::Skipped { url, .. } | Self::Failed { url, .. } => url,
        }
    }
}

/// Totals for the end-of-run summary.
#[derive(Debug, Default)]
pub struct Summary {
    pub done: u64,
    pub skipped: u64,
    pub failed: u64,
    pub bytes: u64,
    pub seconds: f64,
    /// (URL, reason) of every failure, in the order they happened.
    pub failures: Vec<(String, String)>,
}

enum Task {
    Url { url: String, id: Option<String> },
    Item(Box<VideoInfo>),
    Failed { url: String, error: Error },
}

/// Claimed post ids, so a post listed twice (in any URL form) is done once.
#[derive(Default)]
struct Claims(Mutex<HashSet<String>>);

impl Claims {
    fn claim(&self, id: &str) -> bool {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id.to_owned())
    }
}

/// Reads URLs from `input` (one per line; blank lines and `#` comments skipped) and works through
/// them, calling `on_outcome` as each post finishes.
pub async fn run<R>(
    handler: &crate::TikTokHandler,
    input: R,
    opts: &BatchOptions,
    progress: Option<ProgressFactory>,
    mut on_outcome: impl FnMut(&Outcome),
) -> Summary
where
    R: AsyncBufRead + Unpin,
{
    let started = Instant::now();
    let claims = Arc::new(Claims::default());
    let counter = Arc::new(AtomicU64::new(0));
    let lines = input.lines();
    // Input is read lazily: only the lines in flight are in memory, whatever the list's size.
    let tasks = futures_util::stream::unfold(lines, |mut lines| async move {
        loop {
            match lines.next_line().await {
                Ok(Some(line)) => {
                    let line = line.trim();
                    if line.is_empty() || line.starts_with('#') {
                        continue;
                    }
                    return Some((line.to_owned(), lines));
                }
                Ok(None) => return None,
                Err(e) => {
                    tracing::error!("cannot read the URL list: {e}");
                    return None;
                }
            }
        }
    })
    .then(|line| expand_line(handler, line, &opts.list))
    .flat_map(futures_util::stream::iter);

    let outcomes = tasks
        .map(|task| {
            let claims = claims.clone();
            let counter = counter.clone();
            let progress = progress.clone();
            async move { process(handler, task, opts, &claims, &counter, progress).await }
        })
        .buffer_unordered(opts.jobs.max(1));
    let mut outcomes = std::pin::pin!(outcomes);

    let mut summary = Summary::default();
    while let Some(outcome) = outcomes.next().await {
        match &outcome {
            Outcome::Downloaded(r) => {
                summary.done += 1;
                summary.bytes += r.filesize;
            }
            Outcome::Info(_) => summary.done += 1,
            Outcome::Skipped { .. } => summary.skipped += 1,
            Outcome::Failed { url, error, .. } => {
                summary.failed += 1;
                summary.failures.push((url.clone(), error.to_string()));
            }
        }
        on_outcome(&outcome);
    }
    summary.seconds = started.elapsed().as_secs_f64();
    summary
}

/// One input line -> the tasks it stands for (a list expands to its posts).
async fn expand_line(
    handler: &crate::TikTokHandler,
    line: String,
    list: &ListOptions,
) -> Vec<Task> {
    match url::parse(&line) {
        Ok(PostRef::Post { id, .. }) => vec![Task::Url {
            url: line,
            id: Some(id),
        }],
        Ok(PostRef::ShortLink { .. }) => vec![Task::Url {
            url: line,
            id: None,
        }],
        Ok(r) if r.is_list() => match lists::expand(handler, &r, list).await {
            Ok(items) => {
                tracing::info!("{line}: {} posts", items.len());
                items.into_iter().map(|i| Task::Item(Box::new(i))).collect()
            }
            Err(error) => vec![Task::Failed { url: line, error }],
        },
        Ok(other) => {
            let reason = ContentReason::Unsupported(format!(
                "{} lists are not supported yet",
                kind_name(&other)
            ));
            vec![Task::Failed {
                error: Error::content(reason, Operation::ParseUrl, &line),
                url: line,
            }]
        }
        Err(e) => {
            let error = Error::content(
                ContentReason::NotTikTok(e.to_string()),
                Operation::ParseUrl,
                &line,
            );
            vec![Task::Failed { url: line, error }]
        }
    }
}

fn kind_name(r: &PostRef) -> &'static str {
    match r {
        PostRef::Music { .. } => "music",
        PostRef::Tag { .. } => "hashtag",
        _ => "such",
    }
}

async fn process(
    handler: &crate::TikTokHandler,
    task: Task,
    opts: &BatchOptions,
    claims: &Claims,
    counter: &AtomicU64,
    progress: Option<ProgressFactory>,
) -> Outcome {
    let (url, id, info) = match task {
        Task::Failed { url, error } => {
            return Outcome::Failed {
                url,
                id: None,
                error,
            };
        }
        Task::Item(info) => (info.webpage_url.clone(), info.id.clone(), Some(*info)),
        Task::Url { url, id: Some(id) } => (url, id, None),
        Task::Url { url, id: None } => match handler.resolve(&url).await {
            Ok(PostRef::Post { id, .. }) => (url, id, None),
            Ok(other) => {
                let reason = ContentReason::Unsupported(format!(
                    "short link leads to {}",
                    other.canonical_url()
                ));
                return Outcome::Failed {
                    error: Error::content(reason, Operation::ResolveShortLink, &url),
                    url,
                    id: None,
                };
            }
            Err(error) => {
                return Outcome::Failed {
                    url,
                    id: None,
                    error,
                };
            }
        },
    };
    if opts.archive.as_ref().is_some_and(|a| a.contains(&id)) {
        return Outcome::Skipped {
            url,
            id,
            reason: "in the download archive",
        };
    }
    if !claims.claim(&id) {
        return Outcome::Skipped {
            url,
            id,
            reason: "listed more than once",
        };
    }
    if opts.info_only {
        let info = match info {
            Some(info) => Ok(info),
            None => handler.video_info(&url).await,
        };
        return match info {
            Ok(info) => Outcome::Info(Box::new(info)),
            Err(error) => Outcome::Failed {
                url,
                id: Some(id),
                error,
            },
        };
    }
    let n = counter.fetch_add(1, Ordering::Relaxed) + 1;
    let mut result =
        save::download_post(handler, &url, info, &opts.base, &opts.download, n, progress).await;
    match result.error.take() {
        Some(error) => Outcome::Failed {
            url,
            id: Some(id),
            error,
        },
        None => {
            // Only now is the post complete on disk: record it.
            if let Some(archive) = &opts.archive
                && let Err(e) = archive.record(&id)
            {
                return Outcome::Failed {
                    url,
                    id: Some(id),
                    error: e,
                };
            }
            Outcome::Downloaded(Box::new(result))
        }
    }
}
