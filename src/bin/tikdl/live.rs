//! LIVE rooms on the command line: `info` on a LIVE URL, and `download` recording one (one
//! after another), stopped cleanly by Ctrl-C or SIGTERM so the file is always finished.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use serde::Serialize;

use crate::cli::LiveArgs;
use crate::output::{
    EXIT_INTERRUPTED, Mode, Output, eprint_line, print_json, report, write_stdout,
};
use crate::summary;
use tikdl::terminal::safe;
use tikdl::{LiveRoom, RecordOptions, Recording, TikTokHandler};

/// The `info --json` object of a room (README, "JSON output").
#[derive(Serialize)]
struct RoomLine<'a> {
    #[serde(flatten)]
    room: &'a LiveRoom,
    webpage_url: String,
    url: &'a str,
}

/// `info` on LIVE URLs: each room, or why it is not live. Returns whether any failed.
pub async fn info(handler: &TikTokHandler, urls: &[String], output: &Output) -> Result<bool> {
    let mut failed = false;
    for url in urls {
        match handler.live_room(url).await {
            Ok(room) => match &output.mode {
                Mode::Json | Mode::Print(_) => print_json(&RoomLine {
                    room: &room,
                    webpage_url: room.webpage_url(),
                    url,
                })?,
                Mode::Human => {
                    let text = render(&room);
                    write_stdout(|o| write!(o, "{text}"))?;
                }
            },
            Err(err) => {
                failed = true;
                if let Mode::Json = output.mode {
                    print_json(&summary::ErrorLine::new(url, &err))?;
                }
                report(&err);
            }
        }
    }
    Ok(failed)
}

fn render(room: &LiveRoom) -> String {
    let who = room
        .uploader
        .as_deref()
        .map_or(String::new(), |u| format!("@{u} "));
    let mut s = format!("{}is LIVE now: room {}\n", safe(&who), room.id);
    s.push_str(&format!("  title:    {}\n", safe(&room.title)));
    if let Some(n) = room.concurrent_view_count {
        s.push_str(&format!("  viewers:  {n}\n"));
    }
    if let Some(t) = room.timestamp {
        let when = time::OffsetDateTime::from_unix_timestamp(t)
            .ok()
            .and_then(|d| {
                d.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .unwrap_or_else(|| t.to_string());
        s.push_str(&format!("  started:  {when}\n"));
    }
    let q: Vec<&str> = room.streams.iter().map(|s| s.quality.as_str()).collect();
    s.push_str(&format!("  streams:  {} (FLV)\n", safe(&q.join(", "))));
    s
}

/// The `download --json` line of a recording.
#[derive(Serialize)]
struct RecordingLine<'a> {
    #[serde(flatten)]
    rec: &'a Recording,
    status: &'static str,
    url: &'a str,
}

/// Records each LIVE URL in turn. Ctrl-C / SIGTERM finish the current file and stop.
pub async fn record(
    handler: &TikTokHandler,
    urls: &[String],
    base: &std::path::Path,
    save: tikdl::DownloadOptions,
    live: &LiveArgs,
    output: &Output,
) -> Result<ExitCode> {
    let opts = RecordOptions {
        save,
        live_duration: live.live_duration,
        max_filesize: live.max_filesize,
        wait_for_live: live.wait_for_live,
        reconnect_delay: None,
    };
    let (tx, stop) = tokio::sync::watch::channel(false);
    spawn_signals(tx)?;
    let mut failed = false;
    let mut recorded = false;
    for url in urls {
        if *stop.borrow() {
            break;
        }
        match handler.record_live(url, base, &opts, stop.clone()).await {
            Ok(Some(rec)) => {
                recorded = true;
                // Its warnings were said as they happened.
                failed |= rec.stopped.is_failure();
                match &output.mode {
                    Mode::Json | Mode::Print(_) => print_json(&RecordingLine {
                        rec: &rec,
                        status: "recorded",
                        url,
                    })?,
                    Mode::Human if !output.quiet => {
                        let line = format!(
                            "recorded LIVE room {}: {} ({:.1} s of media, {} bytes; {})\n",
                            rec.room.id,
                            safe(&rec.path.display().to_string()),
                            rec.duration_ms as f64 / 1000.0,
                            rec.bytes,
                            rec.stopped.as_str()
                        );
                        write_stdout(|o| o.write_all(line.as_bytes()))?;
                    }
                    Mode::Human => {}
                }
            }
            Ok(None) => {}
            Err(err) => {
                failed = true;
                if let Mode::Json = output.mode {
                    print_json(&summary::ErrorLine::new(url, &err))?;
                }
                report(&err);
            }
        }
    }
    if *stop.borrow() {
        eprint_line(if recorded {
            "interrupted: the recording so far is saved under its final name"
        } else {
            "interrupted before any recording began: nothing was written"
        });
        return Ok(ExitCode::from(EXIT_INTERRUPTED));
    }
    Ok(crate::output::exit_code(failed))
}

/// A stop signal (SIGINT, SIGTERM, SIGHUP: the process's stop flag, set by `signals`) ends the
/// recording with what arrived instead of ending the process.
fn spawn_signals(tx: tokio::sync::watch::Sender<bool>) -> Result<()> {
    tokio::spawn(async move {
        tikdl::stop::wait().await;
        let _ = tx.send(true);
    });
    Ok(())
}
