//! The `tikdl` command: parse arguments, build the handler, run the command, map the outcome to
//! an exit code (0 all fine, 1 some URL failed, 2 usage or configuration error).

mod cli;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Parser;
use futures_util::StreamExt;

use cli::{BatchArgs, Cli, Command, DownloadArgs, GlobalArgs, InfoArgs, ListArgs, SaveArgs};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use tikdl::archive::Archive;
use tikdl::batch::{BatchOptions, Outcome};
use tikdl::download::ProgressFn;
use tikdl::lists::ListOptions;
use tikdl::ratelimit::PaceConfig;
use tikdl::save::{self, DownloadOptions, ProgressFactory};
use tikdl::url::PostRef;
use tikdl::{Config, Error, HttpConfig, RetryPolicy, TikTokHandler, VideoInfo, summary};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.global.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
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
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}

fn secs(value: f64, flag: &str) -> Result<Duration> {
    Duration::try_from_secs_f64(value)
        .with_context(|| format!("{flag} must be a non-negative number of seconds"))
}

fn config(g: &GlobalArgs) -> Result<Config> {
    let http = HttpConfig {
        proxy: g.proxy.clone(),
        connect_to: g.connect_to.clone(),
        ca_certs: g.ca_cert.clone(),
        insecure: g.no_check_certificate,
        cookies_file: g.cookies.clone(),
        user_agent: g.user_agent.clone(),
        headers: g.headers.clone(),
        timeout: secs(g.timeout, "--timeout")?,
        retry: RetryPolicy {
            retries: g.retries,
            backoff: secs(g.retry_backoff, "--retry-backoff")?,
        },
        pace: PaceConfig {
            per_minute: g.rate_limit,
            burst: g.burst,
            cooldown: Duration::from_secs(g.cooldown),
            adaptive: !g.no_adaptive_rate,
        },
    };
    Ok(Config {
        http,
        ..Config::default()
    })
}

async fn run(cli: Cli) -> Result<ExitCode> {
    let handler = TikTokHandler::new(config(&cli.global)?)?;
    let work = async {
        match cli.command {
            Command::Info(args) => info(&handler, args).await,
            Command::Download(args) => download(&handler, args).await,
            Command::Batch(args) => batch(&handler, args).await,
        }
    };
    // Ctrl-C stops cleanly: in-flight `.part` files stay on disk for the next run to resume.
    tokio::select! {
        code = work => code,
        _ = tokio::signal::ctrl_c() => {
            eprintln!("\ninterrupted: partial downloads are kept as .part files; run the same command again to resume");
            Ok(ExitCode::from(130))
        }
    }
}

async fn info(handler: &TikTokHandler, args: InfoArgs) -> Result<ExitCode> {
    let mut results = futures_util::stream::iter(args.urls.iter().cloned())
        .map(|url| {
            let handler = handler.clone();
            async move {
                let result = handler.video_info(&url).await;
                (url, result)
            }
        })
        .buffered(usize::from(args.jobs));
    let mut failed = false;
    let stdout = std::io::stdout();
    let mut first = true;
    while let Some((url, result)) = results.next().await {
        let mut out = stdout.lock();
        match result {
            Ok(info) if args.json => {
                serde_json::to_writer(&mut out, &info)?;
                writeln!(out)?;
            }
            Ok(info) => {
                if !first {
                    writeln!(out)?;
                }
                write!(out, "{}", summary::render(&info))?;
            }
            Err(err) => {
                failed = true;
                if args.json {
                    serde_json::to_writer(&mut out, &summary::error_json(&url, &err))?;
                    writeln!(out)?;
                }
                report(&err);
            }
        }
        out.flush()?;
        first = false;
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// An error for a person: what happened, to which URL, and what to try next.
fn report(err: &Error) {
    let mut text = format!("error: {err}");
    for s in err.suggestions() {
        text.push_str("\n  hint: ");
        text.push_str(s);
    }
    eprintln!("{text}");
}

fn save_options(a: &SaveArgs) -> DownloadOptions {
    DownloadOptions {
        template: a.output.clone(),
        quality: a.quality,
        codec: a.codec,
        audio_only: a.audio_only,
        no_audio: a.no_audio,
        write_info_json: a.write_info_json,
        write_thumbnail: a.write_thumbnail,
        write_subs: a.write_subs,
        sub_langs: a.sub_langs.clone(),
        force_overwrites: a.force_overwrites,
        rate_limit: a.limit_rate,
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
    match bars {
        Some(mp) => {
            let _ = mp.println(line);
        }
        None => eprintln!("{line}"),
    }
}

async fn download(handler: &TikTokHandler, args: DownloadArgs) -> Result<ExitCode> {
    let opts = save_options(&args.save);
    let base = args.save.paths.clone();
    std::fs::create_dir_all(&base).with_context(|| format!("cannot create {}", base.display()))?;
    let bars = bars(&args.save);
    let progress: Option<ProgressFactory> = bars.clone().map(progress_factory);
    let mut failed = false;

    // Profiles and collections expand into their posts (which already carry their metadata).
    let mut posts: Vec<(String, Option<VideoInfo>)> = Vec::new();
    for url in &args.urls {
        match tikdl::url::parse(url) {
            Ok(list @ (PostRef::Profile { .. } | PostRef::Collection { .. })) => {
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
        .buffered(usize::from(args.save.jobs));
    while let Some(result) = results.next().await {
        if args.save.json {
            print_json(&summary::result_json(&result))?;
        }
        match &result.error {
            Some(err) => {
                failed = true;
                report(err);
            }
            None if !args.save.quiet && !args.save.json => {
                note(&bars, summary::result_line(&result))
            }
            None => {}
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_json(v: &impl serde::Serialize) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, v)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

async fn batch(handler: &TikTokHandler, args: BatchArgs) -> Result<ExitCode> {
    let archive = match &args.download_archive {
        Some(path) => Some(Arc::new(Archive::open(path)?)),
        None => None,
    };
    if let Some(a) = &archive {
        tracing::info!("download archive: {} posts already done", a.len());
    }
    let base = args.save.paths.clone();
    if !args.info_only {
        std::fs::create_dir_all(&base)
            .with_context(|| format!("cannot create {}", base.display()))?;
    }
    let opts = BatchOptions {
        download: save_options(&args.save),
        base,
        info_only: args.info_only,
        jobs: usize::from(args.save.jobs),
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
    let mut write_error: Option<std::io::Error> = None;
    let mut on_outcome = |o: &Outcome| {
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
        if let Some(line) = line
            && let Err(e) = print_json(&line)
        {
            write_error.get_or_insert(std::io::Error::other(e.to_string()));
        }
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
            let text = format!("error: {error}");
            note(&bars, text);
        }
    };
    let sum = if args.file.as_os_str() == "-" {
        let input = tokio::io::BufReader::new(tokio::io::stdin());
        tikdl::batch::run(handler, input, &opts, progress, &mut on_outcome).await
    } else {
        let file = tokio::fs::File::open(&args.file)
            .await
            .with_context(|| format!("cannot open the URL list {}", args.file.display()))?;
        tikdl::batch::run(
            handler,
            tokio::io::BufReader::new(file),
            &opts,
            progress,
            &mut on_outcome,
        )
        .await
    };
    if let Some(bar) = &overall {
        bar.finish_and_clear();
    }
    if let Some(e) = write_error {
        return Err(e.into());
    }
    if let Some(path) = &args.failed_file {
        let mut text = String::new();
        for (url, _) in &sum.failures {
            text.push_str(url);
            text.push('\n');
        }
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    if !quiet {
        eprintln!("{}", summary::batch_summary(&sum));
    }
    Ok(if sum.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// URLs in a list file (non-blank, non-comment lines), read in one pass without keeping them.
fn count_urls(path: &std::path::Path) -> Option<u64> {
    use std::io::BufRead;
    let f = std::fs::File::open(path).ok()?;
    let mut n = 0;
    for line in std::io::BufReader::new(f).lines() {
        let line = line.ok()?;
        let t = line.trim();
        if !t.is_empty() && !t.starts_with('#') {
            n += 1;
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
                .with_message(name.to_owned()),
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
