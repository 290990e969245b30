//! The `tikdl` process: parse arguments, start logging and the async runtime, run the command
//! (Ctrl-C stops it cleanly), and map the outcome to an exit code:
//! 0 all fine; 1 some URL failed (a post that could not be saved included: a run stopped early on
//! a full disk); 2 the run could not be done at all: usage or configuration error, an input that
//! cannot be read (a folder as the URL list), an output that cannot be used (`-P` not a writable
//! folder, standard output unwritable); 130 interrupted (Ctrl-C); 141 standard output was closed
//! early (`tikdl info ... | head -1`): quiet, as when a tool dies of SIGPIPE.
//!
//! The work is elsewhere: [`options`] turns flags and the config file into the library's
//! options, [`commands`] runs them, [`progress`] draws the bars, [`output`] writes. Everything
//! printed for a person goes through [`tikdl::terminal`] (titles, nicknames and echoed input never
//! reach the terminal with control characters); JSON output is written as is.

mod cli;
mod commands;
mod dump;
mod exec;
mod foreign;
mod generation;
mod help;
mod live;
mod logging;
mod options;
mod origin;
mod output;
mod printer;
mod progress;
mod signals;
mod summary;

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};

use cli::{Cli, Command, ConfigCommand};
use output::{EXIT_BROKEN_PIPE, EXIT_INTERRUPTED, EXIT_USAGE, STDOUT_NAME, report, write_stdout};
use tikdl::terminal::{safe, safe_text};
use tikdl::{Error, TikTokHandler};

fn main() -> ExitCode {
    tikdl::save::download::ignore_sigxfsz();
    let cli = help::parse();
    if let Command::Generate(what) = &cli.command {
        // Needs neither the network nor the configuration.
        return match generation::generate(what) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                output::eprint_line(&format!("error: {}", safe_text(&format!("{e:#}"))));
                ExitCode::from(EXIT_USAGE)
            }
        };
    }
    // The config file first: `quiet` and `no_progress` in it decide what the run prints.
    let settings = match options::settings(&cli) {
        Ok(s) => s,
        Err(e) => return exit_for(&e),
    };
    let mut output = options::output(&cli.command, &settings);
    if cli.global.no_warnings {
        output.warnings = false;
    }
    logging::init(cli.global.verbose, !output.warnings);
    if let Err(msg) = ensure_open_file_headroom() {
        output::eprint_line(&format!("error: {msg}"));
        return ExitCode::from(EXIT_USAGE);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            output::eprint_line(&format!("error: cannot start the async runtime: {e}"));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let code = match runtime.block_on(run(cli, settings, &output)) {
        Ok(code) => code,
        Err(e) => exit_for(&e),
    };
    // The run's own work is done and written; what may still run is a read of standard input
    // on the blocking pool that a stop left waiting for a line (`sleep 60 | tikdl batch -`).
    // Dropping the runtime would wait for it.
    runtime.shutdown_timeout(std::time::Duration::from_millis(500));
    code
}

/// How many files a run must be able to open besides what it inherited: the runtime and its
/// signal pipe take about seven, one download about six more. Below that, parts of the runtime
/// fail in ways that cannot be reported (a panic), so the run is refused up front.
const OPEN_FILES_NEEDED: usize = 16;

/// Raises the soft limit of open files to the hard one (as Go programs do: batches with many
/// jobs need more than the usual 1024), then checks that enough can still be opened.
fn ensure_open_file_headroom() -> Result<(), String> {
    #[cfg(unix)]
    // SAFETY: getrlimit/setrlimit only read and write the struct passed.
    unsafe {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 && lim.rlim_cur < lim.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: lim.rlim_max.min(1 << 16),
                rlim_max: lim.rlim_max,
            };
            if raised.rlim_cur > lim.rlim_cur {
                libc::setrlimit(libc::RLIMIT_NOFILE, &raised);
            }
        }
    }
    let mut probe = Vec::with_capacity(OPEN_FILES_NEEDED);
    for _ in 0..OPEN_FILES_NEEDED {
        match std::fs::File::open(if cfg!(unix) { "/dev/null" } else { "NUL" }) {
            Ok(f) => probe.push(f),
            Err(e) if e.raw_os_error() == Some(libc::EMFILE) => {
                return Err(format!(
                    "too many open files: only {} more can be opened, tikdl needs at least \
                     {OPEN_FILES_NEEDED}\n  hint: raise the limit of open files (ulimit -n 1024)",
                    probe.len()
                ));
            }
            // No /dev/null (a bare container): nothing to measure with, go on.
            Err(_) => break,
        }
    }
    Ok(())
}

/// The exit code (and message) for an error that ended the whole run.
fn exit_for(e: &anyhow::Error) -> ExitCode {
    if is_broken_pipe(e) {
        // The reader has what it wanted (`| head -1`): nothing to say.
        return ExitCode::from(EXIT_BROKEN_PIPE);
    }
    if let Some(err) = e.downcast_ref::<origin::FromConfig>() {
        origin::report(err);
        return ExitCode::from(EXIT_USAGE);
    }
    if let Some(err) = e.downcast_ref::<Error>()
        && matches!(err, Error::Local { .. })
    {
        // The run's own output cannot be used (-P, standard output): exit 2 like any setup
        // failure, with the local error's words and hints.
        if matches!(err, Error::Local { path, .. } if path == STDOUT_NAME) {
            // The -P hints do not apply to where standard output was sent.
            output::eprint_line(&format!(
                "error: {}\n  hint: check where standard output is redirected (that disk may be full)",
                safe(&err.to_string())
            ));
        } else {
            report(err);
        }
        return ExitCode::from(EXIT_USAGE);
    }
    output::eprint_line(&format!("error: {}", safe_text(&format!("{e:#}"))));
    ExitCode::from(EXIT_USAGE)
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// How long a stopped run may take to end on its own (downloads flushed, a running `--exec`
/// command given its few seconds, the summary and `--failed-file` written).
const STOP_GRACE: std::time::Duration = std::time::Duration::from_secs(8);

/// Dispatches the command; the network commands race Ctrl-C.
async fn run(
    cli: Cli,
    settings: tikdl::config::Settings,
    output: &output::Output,
) -> Result<ExitCode> {
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
        Command::Cache(what) => return commands::cache(what, &settings),
        _ => {}
    }
    options::check(&cli.command, &settings)?;
    origin::check_files(&settings)?;
    if let Some(from) = origin::network_origin(&settings) {
        let _ = output::NETWORK_FROM_CONFIG.set(from);
    }
    // From here a stop signal is caught, not fatal: the handler may be reading a copy of a
    // browser's cookie database, which must not be left behind.
    signals::watch(STOP_GRACE)?;
    let handler = TikTokHandler::new(options::handler_config(&cli.global, &settings)?)?;
    let jobs = options::jobs(&settings);
    // Short links are followed first: what an input is (a post, a list, a LIVE room) is what
    // it leads to.
    let urls = match &cli.command {
        Command::Info(a) => commands::with_sec_uids(a.urls.clone(), &a.secuid),
        Command::Download(a) => commands::with_sec_uids(a.urls.clone(), &a.secuid),
        _ => Vec::new(),
    };
    let inputs = tokio::select! {
        inputs = commands::follow_short_links(&handler, urls, jobs) => inputs,
        () = tikdl::stop::wait() => {
            output::eprint_line("\ninterrupted while following short links: nothing was written");
            return Ok(ExitCode::from(EXIT_INTERRUPTED));
        }
    };
    let records_live =
        matches!(&cli.command, Command::Download(_)) && inputs.iter().any(|a| a.is_live(&handler));
    let work = async {
        match cli.command {
            Command::Info(args) => {
                let filter = &settings.match_filter.value;
                commands::info(&handler, args, inputs, jobs, filter, output).await
            }
            // yt-dlp's -j / -J: metadata only, nothing downloaded.
            Command::Download(args) if args.save.dump_json || args.dump_single_json => {
                let filter = &settings.match_filter.value;
                dump::download(&handler, args, inputs, jobs, filter, output).await
            }
            Command::Download(args) => {
                commands::download(&handler, args, inputs, &settings, output).await
            }
            Command::Batch(args) => commands::batch(&handler, args, &settings, output).await,
            Command::Cache(_) | Command::Config(_) | Command::Generate(_) => Ok(ExitCode::SUCCESS),
        }
    };
    // A LIVE recording handles the stop signals itself: it finishes its file first.
    let code = if records_live {
        work.await
    } else {
        // A stop signal stops cleanly: downloads end with what arrived in their `.part` (to
        // resume), a batch starts no new post, and the run gets a moment to write its summary
        // and `--failed-file`; a second signal, or the moment passing, ends it at once.
        let mut work = std::pin::pin!(work);
        let interrupted = || {
            output::eprint_line(
                "\ninterrupted: partial downloads are kept as .part files; run the same command again to resume",
            );
        };
        tokio::select! {
        // The watcher sets the flag: the work may see it and end before this select does.
        code = &mut work => if tikdl::stop::requested() {
            interrupted();
            Ok(ExitCode::from(EXIT_INTERRUPTED))
        } else {
            code
        },
        () = tikdl::stop::wait() => {
            interrupted();
            // The watcher ends the process if this takes longer than STOP_GRACE, or at a
            // second signal.
            let _ = (&mut work).await;
            Ok(ExitCode::from(EXIT_INTERRUPTED))
        }
        }
    };
    if cli.global.stats {
        output::eprint_line(&safe_text(&handler.stats().to_string()));
    }
    code
}
