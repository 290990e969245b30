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
    EXIT_FAILED, EXIT_USAGE, Mode, Output, eprint_line, exit_code, print_json, print_templates,
    report, write_stdout,
};
use crate::printer::{Printer, Run};
use crate::progress::{Bars, Inputs};
use crate::summary;
use tikdl::config::Settings;
use tikdl::terminal::{safe, safe_text};
use tikdl::{Cache, CacheConfig, Outcome, StopReason, TikTokHandler};

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
    let opened = Cache::open(CacheConfig {
        dir,
        ttl: Duration::from_secs(settings.cache_ttl.value),
        max_entries: settings.cache_max_size.value,
    });
    let cache = crate::origin::late_other(settings, "cache_dir", opened)?;
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

/// One URL of the command line (or `--secuid`), its short link followed: whether it is a post,
/// a list or a LIVE room is its target's kind, as in yt-dlp (`yt_dlp/extractor/tiktok.py`:
/// `TikTokVMIE` resolves the link and hands the URL it leads to to whichever extractor takes it).
pub(crate) struct Arg {
    /// As given.
    pub(crate) input: String,
    /// The URL to work on: the input itself, or the URL its short link leads to; the error when
    /// the short link could not be followed.
    pub(crate) target: Result<String, tikdl::Error>,
}

impl Arg {
    /// Whether it leads to a LIVE room.
    pub(crate) fn is_live(&self, handler: &TikTokHandler) -> bool {
        self.target.as_ref().is_ok_and(|u| handler.is_live_url(u))
    }
}

/// `urls` with each short link followed (up to `jobs` at a time, in order), before anything
/// decides what an input is. Nothing else is fetched: other inputs are taken as given.
pub(crate) async fn follow_short_links(
    handler: &TikTokHandler,
    urls: Vec<String>,
    jobs: usize,
) -> Vec<Arg> {
    futures_util::stream::iter(urls)
        .map(|input| async move {
            let target = if handler.is_short_link(&input) {
                handler.resolve(&input).await.map(|t| t.canonical_url())
            } else {
                Ok(input.clone())
            };
            Arg { input, target }
        })
        .buffered(jobs.max(1))
        .collect()
        .await
}

/// `tikdl info URL...`: each post's metadata (a list's posts as it is paged), as `output` says;
/// `inputs` are `args`' URLs, short links followed ([`follow_short_links`]).
pub(crate) async fn info(
    handler: &TikTokHandler,
    args: InfoArgs,
    inputs: Vec<Arg>,
    jobs: usize,
    filter: &tikdl::batch::filter::MatchFilters,
    output: &Output,
) -> Result<ExitCode> {
    // LIVE rooms are not posts: shown first, by their own printer.
    let (live, inputs): (Vec<Arg>, Vec<Arg>) = inputs.into_iter().partition(|a| a.is_live(handler));
    let live_urls: Vec<String> = live.into_iter().filter_map(|a| a.target.ok()).collect();
    let mut failed = crate::live::info(handler, &live_urls, output).await?;
    let mut list_opts = options::list_options(&args.lists);
    // --max counts the posts --match-filter passes.
    list_opts.max_counts = filter.for_max();
    // Each URL yields its post, or a list's posts (which already carry their metadata) as they
    // are paged: a list is never held whole, so memory stays flat in its length.
    let mut results = futures_util::stream::iter(inputs)
        .map(|arg| {
            let handler = handler.clone();
            let list_opts = list_opts.clone();
            async move {
                match arg.target {
                    Ok(url) => info_lines(handler, url, &list_opts).await,
                    Err(e) => futures_util::stream::iter([(arg.input, Err(e))]).boxed(),
                }
            }
        })
        .buffered(jobs)
        .flatten();
    let mut first = live_urls.is_empty();
    while let Some((url, result)) = results.next().await {
        match (result, &output.mode) {
            // As `download` and `batch` skip it: a line saying so, no metadata.
            (Ok(info), mode) if !filter.accepts(&info) => {
                let (id, reason) = (info.id.to_string(), tikdl::batch::filter::SKIP_REASON);
                match mode {
                    // yt-dlp's -j prints nothing for a post its filter rejects.
                    Mode::Json if output.dump_json => tracing::info!("{id}: skipped ({reason})"),
                    Mode::Json => {
                        print_json(&summary::SkippedLine::new(&info.webpage_url, &id, reason))?
                    }
                    Mode::Human => eprint_line(&format!("{id}: skipped ({reason})")),
                    Mode::Print(_) => {}
                }
                // Nothing printed for it: the next post's summary needs no separator.
                continue;
            }
            (Ok(info), Mode::Print(templates)) => print_templates(templates, &info, &[])?,
            // JSON is written exactly as extracted; the human summary is neutralised.
            (Ok(info), Mode::Json) => print_json(&info)?,
            (Ok(info), Mode::Human) => {
                let text = summary::render(&info);
                let sep = if first { "" } else { "\n" };
                write_stdout(|o| write!(o, "{sep}{text}"))?;
            }
            (Err(err), mode) => {
                failed = true;
                if let Mode::Json = mode {
                    print_json(&summary::ErrorLine::new(&url, &err))?;
                }
                report(&err);
            }
        }
        first = false;
    }
    Ok(exit_code(failed))
}

/// The URLs with each `--secuid` as yt-dlp's `tiktokuser:SECUID` (checked where URLs are parsed).
pub(crate) fn with_sec_uids(mut urls: Vec<String>, sec_uids: &[String]) -> Vec<String> {
    urls.extend(sec_uids.iter().map(|s| format!("tiktokuser:{}", s.trim())));
    urls
}

pub(crate) type InfoLine = (String, Result<tikdl::VideoInfo, tikdl::Error>);

/// The posts of one `info` argument: its post, or a list's posts as the list is paged.
pub(crate) async fn info_lines(
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

/// The printer as the batch loop's sink: output that cannot be written stops the run.
fn until_undelivered(
    mut print: impl FnMut(&Outcome) -> Result<(), String>,
) -> impl FnMut(&Outcome) -> ControlFlow<StopReason> {
    move |o| match print(o) {
        Ok(()) => ControlFlow::Continue(()),
        Err(why) => ControlFlow::Break(StopReason::Undeliverable(why)),
    }
}

/// `tikdl download URL...`: every post in input order, as `output` says (with `-a FILE`, the
/// list's URLs first); `inputs` are `args`' URLs, short links followed ([`follow_short_links`]).
pub async fn download(
    handler: &TikTokHandler,
    args: DownloadArgs,
    inputs: Vec<Arg>,
    settings: &Settings,
    output: &Output,
) -> Result<ExitCode> {
    let mut opts = options::download_options(&args.save, &args.lists, settings)?;
    // yt-dlp's --max-filesize holds for every file; a recording stops before it, a post's file
    // larger than it is not downloaded.
    opts.download.max_filesize = args.live.max_filesize;
    if !args.save.simulate {
        crate::origin::late(settings, "download.paths", opts.prepare_output())?;
    }
    // LIVE rooms are recorded one after another, after the posts.
    let (live, inputs): (Vec<Arg>, Vec<Arg>) = inputs.into_iter().partition(|a| a.is_live(handler));
    let live_urls: Vec<String> = if args.save.simulate {
        // A recording is nothing but writing: -s records no room.
        for a in &live {
            eprint_line(&format!(
                "{}: a LIVE room, not recorded under -s",
                safe(&a.input)
            ));
        }
        Vec::new()
    } else {
        live.into_iter().filter_map(|a| a.target.ok()).collect()
    };
    // A short link that could not be followed goes to the loop as given: it is tried once more
    // there and fails as any input does (in its place among the results, in --failed-file).
    let urls: Vec<String> = inputs
        .into_iter()
        .map(|a| a.target.unwrap_or(a.input))
        .collect();
    let no_posts = urls.is_empty() && args.batch_file.is_none();
    if no_posts && args.save.simulate {
        return Ok(ExitCode::SUCCESS);
    }
    if no_posts {
        let save = opts.download.clone();
        return crate::live::record(handler, &live_urls, &opts.base, save, &args.live, output)
            .await;
    }
    let inputs = RunInputs {
        list: args.batch_file.as_deref(),
        urls,
        sharded: false,
        info_only: false,
    };
    let code = run_inputs(handler, inputs, &opts, settings, output, Run::Download).await?;
    if !live_urls.is_empty() {
        let save = opts.download.clone();
        let live =
            crate::live::record(handler, &live_urls, &opts.base, save, &args.live, output).await?;
        if code != ExitCode::SUCCESS && live == ExitCode::SUCCESS {
            return Ok(code);
        }
        return Ok(live);
    }
    Ok(code)
}

/// `tikdl batch FILE`: the list's posts as they finish, as `output` says; the failed lines to
/// `--failed-file`.
pub async fn batch(
    handler: &TikTokHandler,
    args: BatchArgs,
    settings: &Settings,
    output: &Output,
) -> Result<ExitCode> {
    let mut args = args;
    args.info_only |= args.save.dump_json;
    let mut opts = options::batch_options(&args, settings)?;
    if !args.info_only && !args.save.simulate {
        crate::origin::late(settings, "download.paths", opts.prepare_output())?;
    }
    let inputs = RunInputs {
        list: Some(&args.file),
        urls: Vec::new(),
        sharded: args.shard.is_some(),
        info_only: args.info_only,
    };
    run_inputs(handler, inputs, &opts, settings, output, Run::Batch).await
}

/// What one run of the loop reads: a URL list (`batch FILE`, `download -a FILE`; `-` is standard
/// input), then URLs given as arguments.
struct RunInputs<'a> {
    list: Option<&'a std::path::Path>,
    urls: Vec<String>,
    /// `--shard` is given: the other shards' posts never finish here.
    sharded: bool,
    info_only: bool,
}

/// The one run of `download` and `batch`: the list checked and opened, `--failed-file` made,
/// the loop run, and at its end the list's unread state, the failed file and the archive's
/// marks settled by the same rules whichever command it is.
async fn run_inputs(
    handler: &TikTokHandler,
    inputs: RunInputs<'_>,
    opts: &tikdl::BatchOptions,
    settings: &Settings,
    output: &Output,
    run: Run,
) -> Result<ExitCode> {
    // `-s` writes nothing: no failed file either.
    let failed_path = settings
        .failed_file
        .value
        .as_deref()
        .filter(|_| !opts.download.simulate);
    let list = inputs.list;
    let stdin = list.is_some_and(|l| l.as_os_str() == "-");
    // The total is only known for a regular file (counted without keeping it in memory), and not
    // with --shard: the other shards' posts never finish here.
    let urls_counted = Inputs::count(inputs.urls.iter().map(String::as_str), |u| {
        handler.may_be_list(u)
    });
    let bars = match list {
        Some(path) => Bars::new(output).with_overall(|| {
            (!stdin && !inputs.sharded)
                .then(|| Inputs::of_file(path, |u| handler.may_be_list(u)))
                .flatten()
                .map(|n| Inputs {
                    posts: n.posts + urls_counted.posts,
                    lists: n.lists + urls_counted.lists,
                })
        }),
        // A whole-run bar once there is more than one post to follow.
        None if urls_counted.posts + urls_counted.lists > 1 || urls_counted.lists > 0 => {
            Bars::new(output).with_overall(|| Some(urls_counted))
        }
        None => Bars::new(output),
    };
    let mut printer = Printer::new(output, run, bars);
    let progress = if inputs.info_only {
        printer.lists_only()
    } else {
        printer.files()
    };
    let input = match list {
        Some(path) => {
            let failed = failed_path.map(|p| {
                let name =
                    crate::origin::named(settings, "download.failed_file", "--failed-file", "");
                (p, name)
            });
            Some(open_list(path, stdin, failed, inputs.sharded).await?)
        }
        None => None,
    };
    let mut failed_file = match failed_path {
        Some(path) => Some(crate::origin::late(
            settings,
            "download.failed_file",
            tikdl::FailedFile::create(path),
        )?),
        None => None,
    };
    // Commands after each saved post; never when only metadata is printed or under --json.
    let exec_cmds = match output.mode {
        Mode::Json => {
            if !settings.exec.value.is_empty() {
                let exec = crate::origin::named(settings, "download.exec", "--exec", "");
                tracing::warn!(
                    "{exec} is not run with --json (nothing would tell its output apart)"
                );
            }
            &[][..]
        }
        _ if inputs.info_only => &[][..],
        _ => &settings.exec.value[..],
    };
    let exec = crate::exec::Exec::new(exec_cmds, opts.archive.is_some())?;
    let opts = &tikdl::BatchOptions {
        after_save: exec.hook(),
        ..opts.clone()
    };
    let sink = until_undelivered(|o: &Outcome| printer.outcome(o));
    let sum = handler
        .download_inputs(
            input,
            inputs.urls,
            opts,
            failed_file.as_mut(),
            progress,
            sink,
        )
        .await;
    printer.finish_bars();
    if let (Some(read_error), Some(path)) = (&sum.read_error, list) {
        return Ok(list_unread(path, output, &sum, read_error, failed_file));
    }
    if let (Some(f), Some(path)) = (failed_file.as_mut(), list)
        && !stdin
    {
        f.keep_appended(path, sum.list_bytes);
    }
    if let Some(e) = printer.write_error() {
        if let Some(f) = failed_file.take() {
            // The lines not attempted are in it: keep them for the retry.
            if let Err(lost) = f.commit() {
                report(&lost.error);
                print_not_kept(&lost);
            }
        }
        return Err(e);
    }
    let mut sum = sum;
    let mut code = commit(opts, &mut sum, failed_file);
    printer.finish(&sum);
    if exec.failed() > 0 {
        code = exit_code(true);
    }
    Ok(code)
}

/// The end of a batch whose list was read whole: a clean run marks its lists (they may be cut
/// at the first archived post next time), and `--failed-file` is replaced.
fn commit(
    opts: &tikdl::BatchOptions,
    sum: &mut tikdl::batch::Summary,
    failed_file: Option<tikdl::batch::FailedFile>,
) -> ExitCode {
    let mut code = exit_code(sum.failed > 0 || sum.stopped.is_some());
    if sum.failed == 0
        && !opts.download.simulate
        && sum.stopped.is_none()
        && let Some(archive) = &opts.archive
        && let Err(e) = archive.finish_clean()
    {
        report(&e);
    }
    if let Some(f) = failed_file
        && let Err(lost) = f.commit()
    {
        report(&lost.error);
        print_not_kept(&lost);
        sum.failed_file_lost = true;
        code = ExitCode::from(EXIT_FAILED);
    }
    code
}

/// The lines a `--failed-file` could not hold, on standard error after a header, so that a
/// person can still recover them.
fn print_not_kept(lost: &tikdl::batch::NotKept) {
    let lines = &lost.lines;
    if lines.is_empty() {
        return;
    }
    eprint_line(
        "the --failed-file could not be written; the lines it should hold (failed and not attempted) follow:",
    );
    for line in lines.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        eprint_line(&safe(&String::from_utf8_lossy(line)));
    }
    if lost.not_in_memory > 0 {
        eprint_line(&format!(
            "{} more lines could not be kept (only {} MiB of them are held in memory): rerun \
             with a --failed-file on a disk with room",
            lost.not_in_memory,
            tikdl::batch::MAX_KEPT_IN_MEMORY >> 20
        ));
    }
}

/// The URL list, checked before any work: a folder or a missing file is an input error (exit
/// 2), and so is `--failed-file` naming the list itself under `--shard`.
async fn open_list(
    list: &std::path::Path,
    stdin: bool,
    failed_file: Option<(&std::path::Path, String)>,
    sharded: bool,
) -> Result<tokio::io::BufReader<Box<dyn tokio::io::AsyncRead + Unpin>>> {
    let list_name = list.display().to_string();
    if !stdin && std::fs::metadata(list).is_ok_and(|m| m.is_dir()) {
        anyhow::bail!("the URL list {} is a folder, not a file", safe(&list_name));
    }
    let file = if stdin {
        None
    } else {
        Some(
            tokio::fs::File::open(list)
                .await
                .with_context(|| format!("cannot open the URL list {}", safe(&list_name)))?,
        )
    };
    // Retrying in place with --shard would replace the list with this shard's failures
    // alone: the other shards' lines would be gone.
    if let Some((path, name)) = failed_file
        && sharded
        && !stdin
        && let (Ok(a), Ok(b)) = (std::fs::metadata(path), std::fs::metadata(list))
        && tikdl::disk::folder::same_file(&a, &b)
    {
        anyhow::bail!(
            "{name} is the URL list itself and --shard is given: the other shards' lines would \
             be lost; give the failed file another name"
        );
    }
    let input: Box<dyn tokio::io::AsyncRead + Unpin> = match file {
        None => Box::new(tokio::io::stdin()),
        Some(file) => Box::new(file),
    };
    Ok(tokio::io::BufReader::new(input))
}

/// A list not read to its end: `--failed-file` is never rewritten from it (it may be the list
/// itself, retry in place, and the unread lines would be lost). Exit 2.
fn list_unread(
    list: &std::path::Path,
    output: &Output,
    sum: &tikdl::batch::Summary,
    read_error: &tikdl::batch::ReadError,
    failed_file: Option<tikdl::batch::FailedFile>,
) -> ExitCode {
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
    if !output.quiet {
        eprint_line(&summary::batch_summary(sum));
    }
    eprint_line(&format!(
        "error: cannot read the URL list {}: {}{kept}",
        safe(&list.display().to_string()),
        safe(&read_error.to_string())
    ));
    ExitCode::from(EXIT_USAGE)
}
