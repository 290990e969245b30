//! The `tikdl` command: parse arguments, build the handler, run the command, map the outcome to
//! an exit code: 0 all fine; 1 some URL failed (a post that could not be saved included: a batch
//! stopped early on a full disk); 2 the run could not be done at all: usage or configuration
//! error, an input that cannot be read (a folder as the URL list), an output that cannot be used
//! (`-P` not a writable folder, standard output unwritable); 130 interrupted; 141 standard output
//! was closed early (`tikdl info ... | head -1`): quiet, as when a tool dies of SIGPIPE.
//!
//! Everything printed for a person goes through [`tikdl::terminal`] (titles, nicknames and echoed
//! input never reach the terminal with control characters); JSON output is written as is.

mod cli;
mod exit;
mod generation;

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Parser;
use futures_util::StreamExt;

use cli::{
    BatchArgs, CacheCommand, Cli, Command, ConfigCommand, DownloadArgs, GlobalArgs, InfoArgs,
    ListArgs, SaveArgs,
};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use tikdl::archive::Archive;
use tikdl::batch::{BatchOptions, Outcome};
use tikdl::cache::{Cache, CacheConfig};
use tikdl::config::{FileConfig, Layer, Settings};
use tikdl::download::ProgressFn;
use tikdl::lists::ListOptions;
use tikdl::save::{self, DownloadOptions, ProgressFactory};
use tikdl::terminal::{safe, safe_text};
use tikdl::{Config, Error, HttpConfig, TikTokHandler, VideoInfo, summary};

/// How errors name standard output.
const STDOUT_NAME: &str = "standard output";

fn main() -> ExitCode {
    tikdl::download::ignore_sigxfsz();
    let cli = Cli::parse();
    init_logging(cli.global.verbose);
    if let Command::Generate(what) = &cli.command {
        // Needs neither the network nor the configuration.
        return match generation::generate(what) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {}", safe_text(&format!("{e:#}")));
                exit::setup()
            }
        };
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return exit::setup();
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => exit_for(&e),
    }
}

/// The exit code (and message) for an error that ended the whole run.
fn exit_for(e: &anyhow::Error) -> ExitCode {
    if is_broken_pipe(e) {
        // The reader has what it wanted (`| head -1`): nothing to say.
        return ExitCode::from(exit::BROKEN_PIPE);
    }
    if let Some(err) = e.downcast_ref::<Error>()
        && matches!(err, Error::Local { .. })
    {
        // The run's own output cannot be used (-P, standard output): exit 2 like any setup
        // failure, with the local error's words and hints.
        if matches!(err, Error::Local { path, .. } if path == STDOUT_NAME) {
            // The -P hints do not apply to where standard output was sent.
            eprintln!(
                "error: {}\n  hint: check where standard output is redirected (that disk may be full)",
                safe(&err.to_string())
            );
        } else {
            report(err);
        }
        return exit::setup();
    }
    eprintln!("error: {}", safe_text(&format!("{e:#}")));
    exit::setup()
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// A failed write to standard output: a closed pipe ends the run quietly, anything else is a
/// local write error (`info --json > /dev/full`).
fn stdout_error(e: std::io::Error) -> anyhow::Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        anyhow::Error::new(e)
    } else {
        anyhow::Error::new(Error::local(e, "writing", Path::new(STDOUT_NAME)))
    }
}

/// Writes to standard output (locked, flushed), mapping failures with [`stdout_error`].
fn write_stdout(
    f: impl FnOnce(&mut std::io::StdoutLock<'static>) -> std::io::Result<()>,
) -> Result<()> {
    let mut out = std::io::stdout().lock();
    f(&mut out).and_then(|()| out.flush()).map_err(stdout_error)
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "tikdl=info,warn",
        _ => "tikdl=debug,info",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        // Log lines can quote titles and input: neutralised like every other human output.
        .with_writer(|| tikdl::terminal::SafeStderr)
        .with_target(false)
        .init();
}

/// What the command line sets, as a configuration layer (unset flags are `None`, so the config
/// file and then the defaults fill them in).
fn flag_layer(cli: &Cli) -> Layer {
    let g = &cli.global;
    let save = match &cli.command {
        Command::Download(a) => Some(&a.save),
        Command::Batch(a) => Some(&a.save),
        _ => None,
    };
    let jobs = match &cli.command {
        Command::Info(a) => a.jobs,
        _ => save.and_then(|s| s.jobs),
    };
    Layer {
        enable_caching: g.no_cache.then_some(false),
        cache_dir: g.cache_dir.clone(),
        cache_ttl: g.cache_ttl,
        cache_max_size: None,
        max_concurrent_operations: jobs,
        request_timeout: g.timeout,
        retry_attempts: g.retries,
        retry_backoff: g.retry_backoff,
        requests_per_minute: g.rate_limit,
        burst_limit: g.burst,
        cooldown_period: g.cooldown,
        adaptive_limiting: g.no_adaptive_rate.then_some(false),
        proxy_urls: (!g.proxy.is_empty()).then(|| g.proxy.clone()),
        proxy_rotation: None,
        user_agent: g.user_agent.clone(),
        user_agent_rotation: None,
        rotation_interval: None,
        custom_headers: (!g.headers.is_empty()).then(|| g.headers.clone()),
        cookies_file: g.cookies.clone(),
        output: save.and_then(|s| s.output.clone()),
        quality: save.and_then(|s| s.quality),
        codec: save.and_then(|s| s.codec),
    }
}

/// The config file this run reads: `--config`, else the default location (if it exists).
fn config_file(g: &GlobalArgs) -> Result<Option<FileConfig>> {
    if g.no_config {
        return Ok(None);
    }
    let file = match (&g.config, tikdl::config::default_path()) {
        (Some(path), _) => FileConfig::load(path, true)?,
        (None, Some(path)) => FileConfig::load(&path, false)?,
        (None, None) => None,
    };
    if let Some(f) = &file {
        for u in &f.unknown_keys {
            eprintln!("warning: {}", safe(&u.to_string()));
        }
    }
    Ok(file)
}

fn handler_config(g: &GlobalArgs, settings: &Settings) -> Result<Config> {
    // What has no config key comes straight from the flags.
    let base = HttpConfig {
        connect_to: g.connect_to.clone(),
        ca_certs: g.ca_cert.clone(),
        insecure: g.no_check_certificate,
        ..HttpConfig::default()
    };
    Ok(Config {
        http: settings.http_config(base)?,
        max_concurrent_operations: usize::from(settings.max_concurrent_operations.value),
        cache: settings.cache_config(),
    })
}

async fn run(cli: Cli) -> Result<ExitCode> {
    let file = config_file(&cli.global)?;
    let settings = Settings::resolve(file.as_ref(), &flag_layer(&cli));
    match &cli.command {
        Command::Config(ConfigCommand::Show) => {
            let text = settings.render();
            write_stdout(|o| o.write_all(text.as_bytes()))?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::Config(ConfigCommand::Path) => {
            let path = cli
                .global
                .config
                .clone()
                .or_else(tikdl::config::default_path);
            let path =
                path.context("this system has no configuration folder; use --config FILE")?;
            write_stdout(|o| writeln!(o, "{}", path.display()))?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::Cache(what) => return cache_command(what, &settings),
        _ => {}
    }
    let handler = TikTokHandler::new(handler_config(&cli.global, &settings)?)?;
    let jobs = usize::from(settings.max_concurrent_operations.value);
    let work = async {
        match cli.command {
            Command::Info(args) => info(&handler, args, jobs).await,
            Command::Download(args) => download(&handler, args, &settings).await,
            Command::Batch(args) => batch(&handler, args, &settings).await,
            Command::Cache(_) | Command::Config(_) | Command::Generate(_) => Ok(ExitCode::SUCCESS),
        }
    };
    // Ctrl-C stops cleanly: in-flight `.part` files stay on disk for the next run to resume.
    let code = tokio::select! {
        code = work => code,
        _ = tokio::signal::ctrl_c() => {
            eprintln!("\ninterrupted: partial downloads are kept as .part files; run the same command again to resume");
            Ok(ExitCode::from(exit::INTERRUPTED))
        }
    };
    if cli.global.stats {
        eprintln!("{}", safe_text(&handler.stats().to_string()));
    }
    code
}

/// `tikdl cache stats|clear|path`: the folder even when caching is off for this run.
fn cache_command(what: &CacheCommand, settings: &Settings) -> Result<ExitCode> {
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

async fn info(handler: &TikTokHandler, args: InfoArgs, jobs: usize) -> Result<ExitCode> {
    let list_opts = list_options(&args.lists);
    // Each URL yields its post, or a list's posts (which already carry their metadata).
    let mut results = futures_util::stream::iter(args.urls.iter().cloned())
        .map(|url| {
            let handler = handler.clone();
            let list_opts = list_opts.clone();
            async move {
                match tikdl::url::parse(&url) {
                    Ok(list) if list.is_list() => {
                        match tikdl::lists::expand(&handler, &list, &list_opts).await {
                            Ok(items) => items.into_iter().map(|i| (url.clone(), Ok(i))).collect(),
                            Err(e) => vec![(url, Err(e))],
                        }
                    }
                    _ => {
                        let result = handler.video_info(&url).await;
                        vec![(url, result)]
                    }
                }
            }
        })
        .buffered(jobs)
        .flat_map(futures_util::stream::iter);
    let mut failed = false;
    let mut first = true;
    while let Some((url, result)) = results.next().await {
        match result {
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
    Ok(exit::failures(failed))
}

/// An error for a person: what happened, to which URL, and what to try next.
fn report(err: &Error) {
    let mut text = format!("error: {}", safe(&err.to_string()));
    for s in err.suggestions() {
        text.push_str("\n  hint: ");
        text.push_str(&safe(s));
    }
    eprintln!("{text}");
}

fn save_options(a: &SaveArgs, settings: &Settings) -> DownloadOptions {
    DownloadOptions {
        template: settings.output.value.clone(),
        quality: settings.quality.value,
        codec: settings.codec.value,
        audio_only: a.audio_only,
        no_audio: a.no_audio,
        write_info_json: a.write_info_json,
        write_thumbnail: a.write_thumbnail,
        write_subs: a.write_subs,
        sub_langs: a.sub_langs.clone(),
        force_overwrites: a.force_overwrites,
        rate_limit: a.limit_rate,
        low_speed: a.low_speed(),
    }
}

fn list_options(a: &ListArgs) -> ListOptions {
    ListOptions {
        max: a.max,
        after: a.after.clone(),
        before: a.before.clone(),
    }
}

/// Progress bars only for a person watching a terminal.
fn bars(a: &SaveArgs) -> Option<MultiProgress> {
    (!a.quiet && !a.no_progress && std::io::stderr().is_terminal()).then(MultiProgress::new)
}

/// Prints a line above the progress bars (or plainly when there are none).
fn note(bars: &Option<MultiProgress>, line: String) {
    let line = safe_text(&line);
    match bars {
        Some(mp) => {
            let _ = mp.println(line);
        }
        None => eprintln!("{line}"),
    }
}

async fn download(
    handler: &TikTokHandler,
    args: DownloadArgs,
    settings: &Settings,
) -> Result<ExitCode> {
    let opts = save_options(&args.save, settings);
    let base = args.save.paths.clone();
    tikdl::save::prepare_output_dir(&base)?;
    let bars = bars(&args.save);
    let progress: Option<ProgressFactory> = bars.clone().map(progress_factory);
    let mut failed = false;

    // Profiles and collections expand into their posts (which already carry their metadata).
    let mut posts: Vec<(String, Option<VideoInfo>)> = Vec::new();
    for url in &args.urls {
        match tikdl::url::parse(url) {
            Ok(list) if list.is_list() => {
                match tikdl::lists::expand(handler, &list, &list_options(&args.lists)).await {
                    Ok(items) => {
                        posts.extend(items.into_iter().map(|i| (i.webpage_url.clone(), Some(i))))
                    }
                    Err(err) => {
                        failed = true;
                        if args.save.json {
                            print_json(&summary::error_json(url, &err))?;
                        }
                        report(&err);
                    }
                }
            }
            _ => posts.push((url.clone(), None)),
        }
    }

    let total = posts.len();
    let mut finished = 0usize;
    let mut results = futures_util::stream::iter(posts.into_iter().enumerate())
        .map(|(i, (url, info))| {
            let handler = handler.clone();
            let opts = opts.clone();
            let base = base.clone();
            let progress = progress.clone();
            async move {
                save::download_post(&handler, &url, info, &base, &opts, i as u64 + 1, progress)
                    .await
            }
        })
        .buffered(usize::from(settings.max_concurrent_operations.value));
    while let Some(result) = results.next().await {
        if args.save.json {
            print_json(&summary::result_json(&result))?;
        }
        finished += 1;
        match &result.error {
            Some(err) => {
                failed = true;
                report(err);
                if err.is_fatal_for_run() && finished < total {
                    // Disk full, read-only, file size limit: every later post would fail alike.
                    // Posts in flight are dropped (their .part files stay for a rerun).
                    eprintln!(
                        "stopped: {}; {} of {total} posts not attempted",
                        safe(&err.to_string()),
                        total - finished
                    );
                    break;
                }
            }
            None if !args.save.quiet && !args.save.json => {
                note(&bars, summary::result_line(&result))
            }
            None => {}
        }
    }
    Ok(exit::failures(failed))
}

fn print_json(v: &impl serde::Serialize) -> Result<()> {
    write_stdout(|o| {
        serde_json::to_writer(&mut *o, v)?;
        writeln!(o)
    })
}

/// Creates the output folder `-P`; a failure is a local error (exit 2: nothing can be saved), and
/// a file in the way is said to be one.
async fn batch(handler: &TikTokHandler, args: BatchArgs, settings: &Settings) -> Result<ExitCode> {
    let archive = match &args.download_archive {
        Some(path) => Some(Arc::new(Archive::open(path)?)),
        None => None,
    };
    if let Some(a) = &archive {
        tracing::info!("download archive: {} posts already done", a.len());
    }
    let base = args.save.paths.clone();
    if !args.info_only {
        tikdl::save::prepare_output_dir(&base)?;
    }
    let opts = BatchOptions {
        download: save_options(&args.save, settings),
        base,
        info_only: args.info_only,
        jobs: usize::from(settings.max_concurrent_operations.value),
        list: list_options(&args.lists),
        archive,
    };
    let bars = bars(&args.save);
    let overall = bars.as_ref().map(|mp| {
        // The total is only known for a regular file (counted without keeping it in memory).
        let total = if args.file.as_os_str() == "-" {
            None
        } else {
            count_urls(&args.file)
        };
        let bar = mp.add(ProgressBar::new(total.unwrap_or(0)));
        bar.set_style(
            ProgressStyle::with_template(
                "{prefix} [{bar:40.green/white}] {pos}/{len} posts {per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    });
    let progress: Option<ProgressFactory> = if args.info_only {
        None
    } else {
        bars.clone().map(progress_factory)
    };
    let (mut done, mut skipped, mut failed) = (0u64, 0u64, 0u64);
    let json = args.save.json || args.info_only;
    let quiet = args.save.quiet;
    let mut write_error: Option<anyhow::Error> = None;
    let mut on_outcome = |o: &Outcome| -> Result<(), String> {
        match o {
            Outcome::Downloaded(_) | Outcome::Info(_) => done += 1,
            Outcome::Skipped { .. } => skipped += 1,
            Outcome::Failed { .. } => failed += 1,
        }
        if let Some(bar) = &overall {
            bar.set_prefix(format!("done {done} skipped {skipped} failed {failed}"));
            if bar.length().is_some_and(|l| bar.position() + 1 > l) {
                bar.set_length(bar.position() + 1);
            }
            bar.inc(1);
        }
        let line = match o {
            Outcome::Info(info) => serde_json::to_value(info).ok(),
            Outcome::Downloaded(r) if args.save.json => Some(summary::result_json(r)),
            Outcome::Skipped { url, id, reason } if json => Some(
                serde_json::json!({"url": url, "id": id, "status": "skipped", "reason": reason}),
            ),
            Outcome::Failed { url, error, .. } if json => Some(summary::error_json(url, error)),
            _ => None,
        };
        if !quiet && !json {
            match o {
                Outcome::Downloaded(r) => note(&bars, summary::result_line(r)),
                Outcome::Skipped { id, reason, .. } => {
                    note(&bars, format!("{id}: skipped ({reason})"))
                }
                _ => {}
            }
        }
        if let Outcome::Failed { error, .. } = o {
            let text = error.to_string();
            note(
                &bars,
                format!("error: {}", tikdl::terminal::clip(&text, 800)),
            );
        }
        // Output nobody can receive: stop starting posts (the rest go to --failed-file).
        if let Some(line) = line
            && write_error.is_none()
            && let Err(e) = print_json(&line)
        {
            let why = format!("{e:#}");
            write_error = Some(e);
            return Err(why);
        }
        Ok(())
    };
    // The list first: a folder or a missing file is an input error (exit 2) before any work.
    let list_name = args.file.display().to_string();
    let stdin = args.file.as_os_str() == "-";
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
    let mut failed_file = match &args.failed_file {
        Some(path) => Some(tikdl::batch::FailedFile::create(path)?),
        None => None,
    };
    let sum = match file {
        None => {
            let input = tokio::io::BufReader::new(tokio::io::stdin());
            tikdl::batch::run(
                handler,
                input,
                &opts,
                failed_file.as_mut(),
                progress,
                &mut on_outcome,
            )
            .await
        }
        Some(file) => {
            tikdl::batch::run(
                handler,
                tokio::io::BufReader::new(file),
                &opts,
                failed_file.as_mut(),
                progress,
                &mut on_outcome,
            )
            .await
        }
    };
    if let Some(bar) = &overall {
        bar.finish_and_clear();
    }
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
            eprintln!("{}", summary::batch_summary(&sum));
        }
        eprintln!(
            "error: cannot read the URL list {}: {}{kept}",
            safe(&list_name),
            safe(&read_error.to_string())
        );
        return Ok(exit::setup());
    }
    if let Some(e) = write_error {
        if let Some(f) = failed_file.take() {
            // The lines not attempted are in it: keep them for the retry.
            let _ = f.commit();
        }
        return Err(e);
    }
    let mut code = exit::failures(sum.failed > 0 || sum.stopped.is_some());
    if let Some(f) = failed_file
        && let Err(e) = f.commit()
    {
        report(&e);
        code = exit::failures(true);
    }
    if !quiet || sum.stopped.is_some() {
        eprintln!("{}", summary::batch_summary(&sum));
    }
    Ok(code)
}

/// URLs in a list file (non-blank, non-comment lines), counted in one pass over its bytes without
/// keeping them; only for a regular file (a device or a pipe may never end).
fn count_urls(path: &std::path::Path) -> Option<u64> {
    use std::io::Read;
    let mut f = std::fs::File::open(path).ok()?;
    if !f.metadata().ok()?.is_file() {
        return None;
    }
    let (mut n, mut buf) = (0, vec![0u8; 64 * 1024]);
    // At the start of a line: None; after its first non-blank byte: whether it counts.
    let mut state: Option<bool> = None;
    loop {
        let read = f.read(&mut buf).ok()?;
        if read == 0 {
            break;
        }
        for &b in &buf[..read] {
            match (b, state) {
                (b'\n', _) => state = None,
                (b' ' | b'\t' | b'\r', None) => {}
                (_, None) => {
                    let counts = b != b'#';
                    n += u64::from(counts);
                    state = Some(counts);
                }
                _ => {}
            }
        }
    }
    Some(n)
}

/// One bar per file: bytes, speed, ETA; drawn on stderr only (the caller checked it is a terminal).
fn progress_factory(mp: MultiProgress) -> ProgressFactory {
    let style = ProgressStyle::with_template(
        "{msg:30!} {bar:30.cyan/blue} {bytes:>10}/{total_bytes:<10} {bytes_per_sec:>12} eta {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    Arc::new(move |name: &str| {
        let bar = mp.add(
            ProgressBar::new(0)
                .with_style(style.clone())
                .with_message(safe(name).into_owned()),
        );
        let cb: ProgressFn = Arc::new(move |done, total| {
            if let Some(t) = total {
                bar.set_length(t);
            }
            bar.set_position(done);
            if total.is_some_and(|t| done >= t) {
                bar.finish_and_clear();
            }
        });
        Some(cb)
    })
}
