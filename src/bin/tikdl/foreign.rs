//! yt-dlp's flags that tikdl lacks: what tikdl does instead, said when clap finds no such flag.
//! One table, consulted only on clap's "unexpected argument" error, so that a yt-dlp user
//! never gets clap's guess at an unrelated tikdl flag, while a typo of a real tikdl flag (one
//! missing here) still gets clap's own suggestion. Flags with the same meaning in both are
//! hidden aliases in `cli` instead. The names are yt-dlp's (`yt_dlp/options.py`).

/// (yt-dlp's spellings, what tikdl does instead).
const FOREIGN: &[(&[&str], &str)] = &[
    (
        &["-F", "--list-formats"],
        "`tikdl info URL` lists a post's formats; `tikdl info --json URL` gives each one's \
         format_id for -f",
    ),
    (
        &["--list-subs"],
        "`tikdl info URL` lists the subtitle languages; --write-subs --sub-langs LANGS saves them",
    ),
    (
        &[
            "--merge-output-format",
            "--remux-video",
            "--recode-video",
            "-k",
            "--keep-video",
        ],
        "tikdl merges and converts nothing: a TikTok video is one MP4 with its sound; choose \
         it with -f",
    ),
    (
        &["--audio-format", "--audio-quality"],
        "tikdl converts nothing: -x saves the sound as TikTok serves it (M4A or MP3)",
    ),
    (
        &["-c", "--continue", "--no-continue"],
        "tikdl always resumes a partial download (its .part file); --force-overwrites downloads \
         again from the start",
    ),
    (
        &["--no-part"],
        "tikdl always writes NAME.part and renames it once complete, so that a cut download is \
         never taken for a whole one",
    ),
    (
        &["-w", "--no-overwrites"],
        "tikdl never replaces a complete file unless --force-overwrites is given",
    ),
    (
        &["--embed-subs"],
        "tikdl embeds no subtitles: --write-subs saves them beside the video (WebVTT)",
    ),
    (
        &["--write-auto-subs", "--write-automatic-subs"],
        "--write-subs saves every subtitle TikTok serves, its automatic captions included",
    ),
    (
        &["--sub-format", "--convert-subs"],
        "subtitles are saved as TikTok serves them (WebVTT)",
    ),
    (
        &["--impersonate", "--list-impersonate-targets"],
        "tikdl already speaks as a desktop browser; --user-agent changes what it says it is",
    ),
    (&["--referer"], "--header 'Referer: URL' sends one"),
    (
        &["--newline", "--progress-template", "--console-title"],
        "without a terminal tikdl draws no bars and prints one line per post; --no-progress \
         turns the bars off, -O TEMPLATE prints what you choose per post",
    ),
    (
        &["--skip-download", "--no-download"],
        "-s (--simulate) does everything but write files; -j (--dump-json) prints the metadata \
         and downloads nothing",
    ),
    (
        &["-i", "--ignore-errors", "--no-abort-on-error"],
        "tikdl always goes on after a post fails (and exits 1 at the end)",
    ),
    (
        &["--abort-on-error", "--no-ignore-errors"],
        "tikdl goes on after a failed post; --failed-file on batch keeps the failed lines for a \
         retry",
    ),
    (
        &["--output-na-placeholder"],
        "in -o templates, %(field|default)s gives a missing field a default",
    ),
    (
        &["--write-description", "--write-comments", "--get-comments"],
        "--write-info-json saves the description with the rest of the metadata; tikdl fetches \
         no comments",
    ),
    (
        &["--sleep-requests"],
        "--rate-limit N paces page and API requests to N a minute",
    ),
    (
        &["-N", "--concurrent-fragments"],
        "--jobs N works on N posts at once (a TikTok video is one file, not fragments)",
    ),
    (
        &["--fragment-retries", "--extractor-retries"],
        "--retries N covers every request",
    ),
    (
        &["--retry-sleep"],
        "--retry-backoff SECS sets the base of the backoff between retries",
    ),
    (
        &["-U", "--update", "--update-to"],
        "tikdl does not update itself: install the new version with `cargo install --locked \
         --path .` in its source folder",
    ),
    (
        &["-g", "--get-url"],
        "`tikdl info --json URL | jq -r '.formats[].url'` prints the media URLs",
    ),
    (
        &["-e", "--get-title"],
        "`tikdl info -O '%(title)s' URL` prints the title",
    ),
    (&["--get-id"], "`tikdl info -O '%(id)s' URL` prints the id"),
    (
        &["--get-filename"],
        "`tikdl download -s URL` prints the names that would be saved; -O '%(filepath)s' \
         prints each saved file",
    ),
    (
        &[
            "-u",
            "--username",
            "-p",
            "--password",
            "-n",
            "--netrc",
            "--netrc-location",
        ],
        "TikTok logs in through a browser: export its cookies (cookies.txt) and give \
         --cookies FILE",
    ),
    (
        &["--playlist-start", "--playlist-end"],
        "-I START:END (--playlist-items) picks positions of a list",
    ),
    (
        &["--playlist-reverse", "--playlist-random", "--lazy-playlist"],
        "tikdl saves a list in TikTok's order (newest first) as its pages come; -I picks \
         positions",
    ),
    (
        &["--flat-playlist"],
        "`tikdl info -O '%(webpage_url)s' LIST_URL` prints a list's post URLs",
    ),
    (
        &["--date"],
        "--after DATE --before DATE (the same DATE twice) keeps the posts of one day",
    ),
    (
        &["--geo-bypass", "--xff", "--geo-bypass-country"],
        "tikdl fakes no location; --proxy URL goes through a proxy in another country",
    ),
    (
        &["--config-location", "--config-locations"],
        "--config FILE reads that tikdl config file (TOML; `tikdl config show` prints one)",
    ),
    (&["--ignore-config"], "--no-config reads no config file"),
    (
        &["--rm-cache-dir"],
        "`tikdl cache clear` empties the metadata cache",
    ),
    (
        &["--no-cache-dir"],
        "--no-cache neither reads nor writes the metadata cache",
    ),
    (
        &[
            "--write-all-thumbnails",
            "--list-thumbnails",
            "--convert-thumbnails",
        ],
        "--write-thumbnail saves the post's cover as TikTok serves it",
    ),
    (
        &["--dump-pages", "--print-traffic"],
        "-vv logs every request tikdl makes",
    ),
    (
        &["--download-sections", "--split-chapters"],
        "tikdl saves whole posts",
    ),
    (
        &["--wait-for-video"],
        "--wait-for-live=INTERVAL waits for a LIVE room to start",
    ),
    (
        &["--max-downloads"],
        "--max N takes at most N posts from each list (counting only posts --match-filter \
         passes); tikdl has no cap on a whole run",
    ),
    (
        &["--live-from-start"],
        "a LIVE room is recorded from when tikdl joins it; TikTok keeps no earlier part",
    ),
];

/// What to say for clap's error `e` instead of clap's own message, when it is about a yt-dlp
/// flag tikdl lacks.
pub fn explain(e: &clap::Error) -> Option<String> {
    if e.kind() != clap::error::ErrorKind::UnknownArgument {
        return None;
    }
    let arg = match e.get(clap::error::ContextKind::InvalidArg)? {
        clap::error::ContextValue::String(s) => s.as_str(),
        _ => return None,
    };
    let flag = arg.split_once('=').map_or(arg, |(f, _)| f);
    let (_, instead) = FOREIGN.iter().find(|(names, _)| names.contains(&flag))?;
    Some(format!(
        "error: tikdl has no {flag} (a yt-dlp option): {instead}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A flag tikdl has must never be answered from the table.
    #[test]
    fn no_entry_is_a_tikdl_flag() {
        let cmd = <crate::cli::Cli as clap::CommandFactory>::command();
        let mut known = Vec::new();
        fn walk(cmd: &clap::Command, known: &mut Vec<String>) {
            for a in cmd.get_arguments() {
                if let Some(s) = a.get_short() {
                    known.push(format!("-{s}"));
                }
                for l in a.get_long_and_visible_aliases().into_iter().flatten() {
                    known.push(format!("--{l}"));
                }
                for l in a.get_all_aliases().into_iter().flatten() {
                    known.push(format!("--{l}"));
                }
            }
            for s in cmd.get_subcommands() {
                walk(s, known);
            }
        }
        walk(&cmd, &mut known);
        for (names, text) in FOREIGN {
            for n in *names {
                assert!(!known.contains(&(*n).to_owned()), "{n} is a tikdl flag");
                assert!(n.starts_with('-'), "{n}");
            }
            assert!(!text.is_empty());
        }
    }
}
