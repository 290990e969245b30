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

use cli::{Cli, Command, DownloadArgs, GlobalArgs, InfoArgs};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use tikdl::download::ProgressFn;
use tikdl::save::{self, DownloadOptions, ProgressFactory};
use tikdl::{Config, Error, HttpConfig, RetryPolicy, TikTokHandler, summary};

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
    };
    Ok(Config {
        http,
        ..Config::default()
    })
}

async fn run(cli: Cli) -> Result<ExitCode> {
    let handler = TikTokHandler::new(config(&cli.global)?)?;
    match cli.command {
        Command::Info(args) => info(&handler, args).await,
        Command::Download(args) => {
            // Ctrl-C stops cleanly: in-flight `.part` files stay on disk for the next run to resume.
            tokio::select! {
                code = download(&handler, args) => code,
                _ = tokio::signal::ctrl_c() => {
                    eprintln!("\ninterrupted: partial downloads are kept as .part files; run the same command again to resume");
                    Ok(ExitCode::from(130))
                }
            }
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

async fn download(handler: &TikTokHandler, args: DownloadArgs) -> Result<ExitCode> {
    let opts = DownloadOptions {
        template: args.output.clone(),
        quality: args.quality,
        codec: args.codec,
        audio_only: args.audio_only,
        no_audio: args.no_audio,
        write_info_json: args.write_info_json,
        write_thumbnail: args.write_thumbnail,
        write_subs: args.write_subs,
        sub_langs: args.sub_langs.clone(),
        force_overwrites: args.force_overwrites,
        rate_limit: args.limit_rate,
    };
    std::fs::create_dir_all(&args.paths)
        .with_context(|| format!("cannot create {}", args.paths.display()))?;
    let bars = (!args.quiet && !args.no_progress && std::io::stderr().is_terminal())
        .then(MultiProgress::new);
    let progress: Option<ProgressFactory> = bars.clone().map(|mp| progress_factory(mp));
    let mut results = futures_util::stream::iter(args.urls.iter().cloned().enumerate())
        .map(|(i, url)| {
            let handler = handler.clone();
            let opts = opts.clone();
            let base = args.paths.clone();
            let progress = progress.clone();
            async move { save::download(&handler, &url, &base, &opts, i as u64 + 1, progress).await }
        })
        .buffered(usize::from(args.jobs));
    let mut failed = false;
    while let Some(result) = results.next().await {
        if args.json {
            let mut out = std::io::stdout().lock();
            serde_json::to_writer(&mut out, &summary::result_json(&result))?;
            writeln!(out)?;
            out.flush()?;
        }
        match &result.error {
            Some(err) => {
                failed = true;
                report(err);
            }
            None if !args.quiet && !args.json => {
                let line = summary::result_line(&result);
                match &bars {
                    Some(mp) => mp.println(line)?,
                    None => eprintln!("{line}"),
                }
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
