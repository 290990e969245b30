//! The commands that need the handler or the settings: each turns its arguments into the
//! library's options ([`crate::options`]), runs the library, and prints outcomes as they come.
//! `download` and `batch` both run through [`tikdl::batch`]'s one concurrent loop.

use std::io::Write;
use std::ops::ControlFlow;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use futures_util::StreamExt;

use crate::cli::{BatchArgs, CacheCommand, DownloadArgs, InfoArgs};
use crate::options;
use crate::output::{
    EXIT_FAILED, EXIT_USAGE, eprint_line, exit_code, print_json, print_templates, report,
    write_stdout,
};
use crate::progress::Bars;
use tikdl::config::Settings;
use tikdl::terminal::{safe, safe_text};
use tikdl::{Cache, CacheConfig, Outcome, StopReason, TikTokHandler, summary};

/// `tikdl cache stats|clear|path`: the folder even when caching is off for this run.
pub fn cache(what: &CacheCommand, settings: &Settings) -> Result<ExitCode> {
    let dir = settings
        .cache_dir
        .value
        .clone()
        .context("this system has no cache folder; use --cache-dir DIR")?;
    if let CacheCommand::Path = what {
        write_stdout(|o| writeln!(o, "{}", dir.display()))?;
        return Ok(ExitCode::SUCCESS);
    }
    let cache = Cache::open(CacheConfig {
        dir,
        ttl: Duration::from_secs(settings.cache_ttl.value),
        max_entries: settings.cache_max_size.value,
    })?;
    match what {
        CacheCommand::Stats => {
            let stats = cache.stats()?;
            write_stdout(|o| writeln!(o, "{}", safe_text(&stats.to_string())))?;
        }
        CacheCommand::Clear => {
            let n = cache.clear()?;
            let dir = cache.config().dir.display().to_string();
            write_stdout(|o| writeln!(o, "removed {n} entries from {}", safe(&dir)))?;
        }
        CacheCommand::Path => {}
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn info(handler: &TikTokHandler, args: InfoArgs, jobs: usize) -> Result<ExitCode> {
    let list_opts = options::list_options(&args.lists);
    // Each URL yields its post, or a list's posts (which already carry their metadata) as they
    // are paged: a list is never held whole, so memory stays flat in its length.
    let mut results = futures_util::stream::iter(args.urls.iter().cloned())
        .map(|url| {
            let handler = handler.clone();
            let list_opts = list_opts.clone();
            async move { info_lines(handler, url, &list_opts).await }
        })
        .buffered(jobs)
        .flatten();
    let mut failed = false;
    let mut first = true;
    while let Some((url, result)) = results.next().await {
        match result {
            Ok(info) if !args.print.is_empty() => print_templates(&args.print, &info, &[])?,
            // JSON is written exactly as extracted; the human summary is neutralised.
            Ok(info) if args.json => print_json(&info)?,
            Ok(info) => {
                let text = summary::render(&info);
                let sep = if first { "" } else { "\n" };
                write_stdout(|o| write!(o, "{sep}{text}"))?;
            }
            Err(err) => {
                failed = true;
                if args.json {
                    print_json(&summary::error_json(&url, &err))?;
                }
                report(&err);
            }
        }
        first = false;
    }
    Ok(exit_code(failed))
}

type InfoLine = (String, Result<tikdl::VideoInfo, tikdl::Error>);

/// The posts of one `info` argument: its post, or a list's posts as the list is paged.
async fn info_lines(
    handler: TikTokHandler,
    url: String,
    list_opts: &tikdl::ListOptions,
) -> futures_util::stream::BoxStream<'static, InfoLine> {
    use tikdl::{Expansion, ListEvent};
    let one = |line: InfoLine| futures_util::stream::iter([line]).boxed();
    if !handler.may_be_list(&url) {
        let result = handler.video_info(&url).await;
        return one((url, result));
    }
    match handler.expand(&url, list_opts) {
        Ok(Expansion::List(events)) => events
            .filter_map(move |event| {
                let url = url.clone();
                async move {
                    match event {
                        Ok(ListEvent::Post(info)) => Some((url, Ok(*info))),
                        Ok(ListEvent::Stopped(_) | ListEvent::Cut) => None,
                        Err(e) => Some((url, Err(e))),
                    }
                }
            })
            .boxed(),
        Ok(Expansion::One { url: input, .. }) => {
            let result = handler.video_info(&input).await;
            one((url, result))
        }
        Err(e) => one((url, Err(e))),
    }
}

/// Prints each outcome's JSON line; the first line nobody can receive stops the run (the error
/// is kept for the exit code).
struct Emitter {
    write_error: Option<anyhow::Error>,
}

impl Emitter {
    fn emit(&mut self, line: Option<serde_json::Value>) -> Result<(), String> {
        if let Some(line) = line
            && self.write_error.is_none()
            && let Err(e) = print_json(&line)
        {
            let why = format!("{e:#}");
            self.write_error = Some(e);
            return Err(why);
        }
        Ok(())
    }

    /// `-O/--print` after a save: `%(filepath)s` is the post's main file (the video, the
    /// sound with -x, a slideshow's first file), `%(ext)s` its extension.
    fn print(
        &mut self,
        templates: &[tikdl::template::Template],
        r: &tikdl::DownloadResult,
        info: Option<&tikdl::VideoInfo>,
    ) -> Result<(), String> {
        use tikdl::save::FileRole;
        let Some(info) = info else {
            return Ok(());
        };
        let main = r
            .files
            .iter()
            .find(|f| matches!(f.role, FileRole::Video | FileRole::Audio | FileRole::Image));
        let mut extra = Vec::new();
        if let Some(f) = main {
            let path = f.path.to_string_lossy().into_owned();
            extra.push(("filepath", serde_json::Value::from(path)));
            if let Some(ext) = f.path.extension() {
                extra.push(("ext", ext.to_string_lossy().into_owned().into()));
            }
        }
        // The rendition taken (after any fallback), as `-o` knows it.
        if let Some(id) = &r.format_id {
            extra.push(("format_id", serde_json::Value::from(id.clone())));
        }
        if self.write_error.is_none()
            && let Err(e) = print_templates(templates, info, &extra)
        {
            let why = format!("{e:#}");
            self.write_error = Some(e);
            return Err(why);
        }
        Ok(())
    }
}

/// An outcome printer as the batch loop's sink: output that cannot be written stops the run.
fn until_undelivered(
    mut print: impl FnMut(&Outcome) -> Result<(), String>,
) -> impl FnMut(&Outcome) -> ControlFlow<StopReason> {
    move |o| match print(o) {
        Ok(()) => ControlFlow::Continue(()),
        Err(why) => ControlFlow::Break(StopReason::Undeliverable(why)),
    }
}

pub async fn download(
    handler: &TikTokHandler,
    args: DownloadArgs,
    settings: &Settings,
) -> Result<ExitCode> {
    let mut opts = options::download_options(&args.save, &args.lists, settings);
    opts.prepare_output()?;
    let bars = Bars::new(&args.save);
    let (json, quiet) = (
        args.save.json,
        args.save.quiet || !args.save.print.is_empty(),
    );
    let mut out = Emitter { write_error: None };
    let print = args.save.print.clone();
    let on_outcome = |o: &Outcome| {
        if let Outcome::Downloaded(r, info) = o
            && !print.is_empty()
        {
            return out.print(&print, r, info.as_deref());
        }
        let line = match o {
            Outcome::Downloaded(r, _) if json => Some(summary::result_json(r)),
            Outcome::Failed {
                url, error, result, ..
            } if json => Some(summary::failure_json(url, error, result.as_deref())),
            _ => None,
        };
        let sent = out.emit(line);
        match o {
            Outcome::Failed { error, .. } => report(error),
            Outcome::Downloaded(r, _) if !quiet && !json => bars.note(summary::result_line(r)),
            _ => {}
        }
        sent
    };
    let sink = until_undelivered(on_outcome);
    let sum = handler
        .download_urls(args.urls, &opts, bars.files(), sink)
        .await;
    if let Some(e) = out.write_error {
        return Err(e);
    }
    if let Some(why) = &sum.stopped
        && sum.unattempted > 0
    {
        // Disk full, read-only, file size limit: every later post would fail alike.
        let total = sum.done + sum.skipped + sum.failed + sum.unattempted;
        eprint_line(&format!(
            "stopped: {}; {} of {total} posts not attempted",
            safe(why),
            sum.unattempted
        ));
    }
    Ok(exit_code(sum.failed > 0))
}

pub async fn batch(
    handler: &TikTokHandler,
    args: BatchArgs,
    settings: &Settings,
) -> Result<ExitCode> {
    let mut opts = options::batch_options(&args, settings)?;
    if !args.info_only {
        opts.prepare_output()?;
    }
    let stdin = args.file.as_os_str() == "-";
    // The total is only known for a regular file (counted without keeping it in memory), and not
    // with --shard: the other shards' posts never finish here.
    let mut bars = Bars::new(&args.save).with_overall(|| {
        (!stdin && args.shard.is_none())
            .then(|| tikdl::count_urls(&args.file))
            .flatten()
    });
    let progress = if args.info_only { None } else { bars.files() };
    let print = args.save.print.clone();
    let json = (args.save.json || args.info_only) && print.is_empty();
    let quiet = args.save.quiet || !print.is_empty();
    let mut out = Emitter { write_error: None };
    let mut on_outcome = |o: &Outcome| -> Result<(), String> {
        bars.post_done(o);
        match o {
            Outcome::Downloaded(r, info) if !print.is_empty() => {
                return out.print(&print, r, info.as_deref());
            }
            Outcome::Info(info) if !print.is_empty() => {
                if out.write_error.is_none()
                    && let Err(e) = print_templates(&print, info, &[])
                {
                    let why = format!("{e:#}");
                    out.write_error = Some(e);
                    return Err(why);
                }
                return Ok(());
            }
            _ => {}
        }
        let line = match o {
            Outcome::Info(info) => serde_json::to_value(info).ok(),
            Outcome::Downloaded(r, _) if args.save.json => Some(summary::result_json(r)),
            Outcome::Skipped { url, id, reason } if json => Some(
                serde_json::json!({"url": url, "id": id, "status": "skipped", "reason": reason}),
            ),
            Outcome::Failed {
                url, error, result, ..
            } if json => Some(summary::failure_json(url, error, result.as_deref())),
            _ => None,
        };
        if !quiet && !json {
            match o {
                Outcome::Downloaded(r, _) => bars.note(summary::result_line(r)),
                Outcome::Skipped { id, reason, .. } => {
                    bars.note(format!("{id}: skipped ({reason})"))
                }
                _ => {}
            }
        }
        if let Outcome::Failed { error, .. } = o {
            let text = error.to_string();
            bars.note(format!("error: {}", tikdl::terminal::clip(&text, 800)));
        }
        // Output nobody can receive: stop starting posts (the rest go to --failed-file).
        out.emit(line)
    };
    // The list first: a folder or a missing file is an input error (exit 2) before any work.
    let list_name = args.file.display().to_string();
    if !stdin && std::fs::metadata(&args.file).is_ok_and(|m| m.is_dir()) {
        anyhow::bail!("the URL list {} is a folder, not a file", safe(&list_name));
    }
    let file = if stdin {
        None
    } else {
        Some(
            tokio::fs::File::open(&args.file)
                .await
                .with_context(|| format!("cannot open the URL list {}", safe(&list_name)))?,
        )
    };
    // Retrying in place with --shard would replace the list with this shard's failures
    // alone: the other shards' lines would be gone.
    if let Some(path) = &args.failed_file
        && args.shard.is_some()
        && !stdin
        && let (Ok(a), Ok(b)) = (std::fs::metadata(path), std::fs::metadata(&args.file))
        && tikdl::folder::same_file(&a, &b)
    {
        eprint_line(
            "error: --failed-file is the URL list itself and --shard is given: the other \
             shards' lines would be lost; give --failed-file another name",
        );
        return Ok(ExitCode::from(EXIT_USAGE));
    }
    let mut failed_file = match &args.failed_file {
        Some(path) => Some(tikdl::FailedFile::create(path)?),
        None => None,
    };
    let input: Box<dyn tokio::io::AsyncRead + Unpin> = match file {
        None => Box::new(tokio::io::stdin()),
        Some(file) => Box::new(file),
    };
    let input = tokio::io::BufReader::new(input);
    let sink = until_undelivered(&mut on_outcome);
    let sum = handler
        .run_batch(input, &opts, failed_file.as_mut(), progress, sink)
        .await;
    bars.finish();
    if let Some(read_error) = &sum.read_error {
        // Never rewrite --failed-file from a list that was not read to its end: it may be the
        // list itself (retry in place), and the unread lines would be lost.
        let kept = match failed_file {
            Some(f) => {
                let kept = format!(
                    "; {} was left unchanged",
                    safe(&f.path().display().to_string())
                );
                f.abandon();
                kept
            }
            None => String::new(),
        };
        if !quiet {
            eprint_line(&summary::batch_summary(&sum).to_string());
        }
        eprint_line(&format!(
            "error: cannot read the URL list {}: {}{kept}",
            safe(&list_name),
            safe(&read_error.to_string())
        ));
        return Ok(ExitCode::from(EXIT_USAGE));
    }
    if let Some(f) = failed_file.as_mut()
        && !stdin
    {
        f.keep_appended(&args.file, sum.list_bytes);
    }
    if let Some(e) = out.write_error {
        if let Some(f) = failed_file.take() {
            // The lines not attempted are in it: keep them for the retry.
            let _ = f.commit();
        }
        return Err(e);
    }
    let mut code = exit_code(sum.failed > 0 || sum.stopped.is_some());
    // A clean run: its lists may be cut at the first archived post next time.
    if sum.failed == 0
        && sum.stopped.is_none()
        && let Some(archive) = &opts.archive
        && let Err(e) = archive.finish_clean()
    {
        report(&e);
    }
    if let Some(f) = failed_file
        && let Err(e) = f.commit()
    {
        report(&e);
        code = ExitCode::from(EXIT_FAILED);
    }
    if !quiet || sum.stopped.is_some() {
        eprint_line(&summary::batch_summary(&sum).to_string());
    }
    Ok(code)
}
