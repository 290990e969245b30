//! The command line as it is parsed and shown: `cli`'s definitions, with the global options under
//! their own heading after a command's own, and a short help for `-h` that fits a screen (one
//! line per option, the global options left to `--help`). `--help`, the man pages and the config
//! checks read each option's full text, unchanged.

use clap::{CommandFactory, FromArgMatches};

use crate::cli::Cli;

/// The heading of the options every command takes.
pub const GLOBAL_HEADING: &str = "Global options";

/// What `-h` says instead of listing the global options.
const SHORT_FOOTER: &str =
    "Global options (network, cache, config file, logging) and examples: --help";

/// `-h` text per option: (command or `*` for any, option id, text). An option missing here shows
/// its full text in `-h` too.
const SHORT: &[(&str, &str, &str)] = &[
    (
        "info",
        "urls",
        "Post, profile (any tab), playlist, ... URLs",
    ),
    (
        "download",
        "urls",
        "Post, profile (any tab), playlist, ... URLs",
    ),
    (
        "batch",
        "file",
        "File of URLs, one a line (- for standard input)",
    ),
    ("*", "output", "Output file name template (yt-dlp's syntax)"),
    ("*", "paths", "Base folder for the output"),
    (
        "*",
        "quality",
        "best, worst, hd, sd, 1080p, 720p, ... [best]",
    ),
    ("*", "codec", "Preferred codec: h264, h265 or any [h264]"),
    ("*", "audio_only", "Save only the sound"),
    ("*", "no_audio", "Slideshows: skip the audio track"),
    ("*", "write_info_json", "Also write NAME.info.json"),
    ("*", "write_thumbnail", "Also save the cover image"),
    (
        "*",
        "embed_metadata",
        "Write title, uploader, date... into the file",
    ),
    ("*", "embed_thumbnail", "Write the cover into the file"),
    ("*", "write_subs", "Also save subtitles (WebVTT)"),
    (
        "*",
        "sub_langs",
        "Subtitle languages (en matches eng-US) [all]",
    ),
    (
        "*",
        "force_overwrites",
        "Download again even when the file exists",
    ),
    ("*", "limit_rate", "Maximum rate per file, e.g. 500K or 2M"),
    (
        "*",
        "low_speed_limit",
        "Restart a transfer slower than this [1024]",
    ),
    (
        "*",
        "low_speed_time",
        "The window for --low-speed-limit [30]",
    ),
    ("info", "quiet", "No warnings on stderr"),
    ("*", "quiet", "Print nothing but errors"),
    ("*", "no_progress", "No progress bars"),
    ("info", "json", "One JSON object per post a line (NDJSON)"),
    ("*", "json", "One JSON result per post a line on stdout"),
    ("info", "print", "Print TEMPLATE for each post (repeatable)"),
    ("*", "print", "Print TEMPLATE after each post (repeatable)"),
    ("info", "jobs", "URLs fetched at once [5]"),
    ("*", "jobs", "Posts worked on at once [5]"),
    ("*", "max", "At most N posts from each list"),
    ("*", "after", "Only posts uploaded on or after this date"),
    ("*", "before", "Only posts uploaded on or before this date"),
    (
        "*",
        "info_only",
        "Print each post's metadata (NDJSON) instead",
    ),
    (
        "*",
        "download_archive",
        "Skip the posts in FILE, record new ones",
    ),
    (
        "*",
        "break_on_existing",
        "Stop a list at its first archived post",
    ),
    ("*", "break_per_input", "...and go on with the next input"),
    ("*", "shard", "Do only shard K of N of the posts"),
    ("*", "failed_file", "Write the lines that failed to FILE"),
    ("*", "secuid", "A profile by its secUid (repeatable)"),
    (
        "*",
        "live_duration",
        "LIVE: stop after SECS of recorded media",
    ),
    (
        "*",
        "max_filesize",
        "LIVE: stop the recording at SIZE (e.g. 2G)",
    ),
    (
        "*",
        "wait_for_live",
        "LIVE: poll every INTERVAL s until live [60]",
    ),
    (
        "*",
        "batch_file",
        "Also download the URLs of FILE (- = stdin)",
    ),
    (
        "*",
        "sleep_interval",
        "Wait SECS before each download but the first",
    ),
    ("*", "max_sleep_interval", "...or a random time up to SECS"),
    ("*", "exec", "Run CMD after each saved post ({} = file)"),
    (
        "*",
        "restrict_filenames",
        "ASCII file names, no spaces or &",
    ),
    (
        "*",
        "windows_filenames",
        "Windows-safe file names on any system",
    ),
    (
        "*",
        "no_restrict_filenames",
        "Undo the config's restrict_filenames",
    ),
    (
        "*",
        "no_windows_filenames",
        "Undo the config's windows_filenames",
    ),
    ("*", "trim_filenames", "At most N characters per file name"),
    (
        "*",
        "match_filter",
        "Only posts passing FILTER (yt-dlp's syntax)",
    ),
    ("*", "format", "best, worst, ba, 720p, an id; A/B [best]"),
    ("*", "format_sort", "Prefer vcodec:h264, res:720, +size, br"),
    ("*", "dump_json", "Print each post's JSON, download nothing"),
    (
        "*",
        "dump_single_json",
        "One JSON document per URL, no download",
    ),
    ("*", "simulate", "Do everything but write files"),
    (
        "*",
        "playlist_items",
        "Only these list positions: 1,3,5-9,-2:",
    ),
];

/// The command line tikdl parses, documents and completes.
pub fn command() -> clap::Command {
    let cmd = Cli::command().mut_args(|a| {
        if a.is_global_set() {
            a.help_heading(GLOBAL_HEADING).hide_short_help(true)
        } else {
            a
        }
    });
    with_short_help(cmd, "")
}

/// Parses the process's arguments (exits on a usage error or `--help`, as clap does).
pub fn parse() -> Cli {
    let mut cmd = command();
    let mut matches = cmd.clone().try_get_matches().unwrap_or_else(|e| {
        // A yt-dlp flag tikdl lacks: what to do instead, not clap's guess at a tikdl flag.
        // The text is the table's and the flag one of its names: nothing to neutralise.
        if let Some(text) = crate::foreign::explain(&e) {
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "{text}");
            // A usage error, as clap's own.
            std::process::exit(2);
        }
        e.exit()
    });
    Cli::from_arg_matches_mut(&mut matches)
        .map_err(|e| e.format(&mut cmd))
        .unwrap_or_else(|e| e.exit())
}

fn with_short_help(cmd: clap::Command, parent: &str) -> clap::Command {
    let name = cmd.get_name().to_owned();
    let path = if parent.is_empty() {
        name.clone()
    } else {
        format!("{parent} {name}")
    };
    let mut cmd = cmd.mut_args(|a| {
        let id = a.get_id().as_str();
        let short = SHORT
            .iter()
            .find(|(c, i, _)| *i == id && (*c == name || *c == "*"))
            .map(|(_, _, s)| *s);
        match short {
            Some(short) if !a.is_global_set() => {
                match a.get_long_help().or(a.get_help()).cloned() {
                    Some(long) => a.help(short).long_help(long),
                    None => a.help(short),
                }
            }
            _ => a,
        }
    });
    // An option given again replaces its value, as in yt-dlp (argparse): aliases and wrappers
    // rely on it. Repeatable options (--exec, --match-filter, ...) still gather every value.
    cmd = cmd.args_override_self(true);
    if cmd.get_after_help().is_none() && !cmd.is_hide_set() {
        cmd = cmd.after_help(SHORT_FOOTER);
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for sub in subs {
        cmd = cmd.mut_subcommand(sub, |s| with_short_help(s, &path));
    }
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_short_help_names_a_real_option() {
        let cmd = command();
        let mut ids = Vec::new();
        for sub in cmd.get_subcommands() {
            for a in sub.get_arguments() {
                ids.push((sub.get_name().to_owned(), a.get_id().to_string()));
            }
        }
        for (c, id, text) in SHORT {
            assert!(
                ids.iter().any(|(n, i)| i == id && (c == n || *c == "*")),
                "no option {id} in {c}"
            );
            // One line of `-h` at 80 columns beside the longest option name.
            assert!(text.chars().count() <= 50, "{id}: {text}");
        }
    }

    #[test]
    fn the_full_text_stays_for_help_and_man_pages() {
        let cmd = command();
        let download = cmd.find_subcommand("download").unwrap();
        let output = download
            .get_arguments()
            .find(|a| a.get_id() == "output")
            .unwrap();
        assert_eq!(
            output.get_help().unwrap().to_string(),
            "Output file name template (yt-dlp's syntax)"
        );
        assert!(
            output
                .get_long_help()
                .unwrap()
                .to_string()
                .contains("(config: download.output)")
        );
    }
}
