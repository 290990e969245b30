//! The `tikdl` command: parse arguments, build the handler, run the command, map the outcome to
//! an exit code (0 all fine, 1 some URL failed, 2 usage or configuration error).

mod cli;

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Parser;
use futures_util::StreamExt;

use cli::{Cli, Command, GlobalArgs, InfoArgs};
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
