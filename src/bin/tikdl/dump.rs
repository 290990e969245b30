//! `download -j` and `download -J`: yt-dlp's "print the metadata, download nothing". `-j` is
//! exactly `info --json` (one object a post, a list's posts as it is paged); `-J` prints one
//! document per URL: a post's object, or for a list a playlist object holding its posts in
//! `entries` (the shape yt-dlp gives a playlist: `_type: "playlist"`, `entries`).

use std::process::ExitCode;

use anyhow::Result;
use futures_util::StreamExt;
use serde_json::{Value, json};

use crate::cli::{DownloadArgs, InfoArgs};
use crate::commands::{Arg, info};
use crate::options;
use crate::output::{Output, exit_code, print_json, report};
use tikdl::batch::filter::MatchFilters;
use tikdl::{Expansion, ListEvent, TikTokHandler};

/// Runs `download -j` or `download -J`: nothing is downloaded, no file is written.
pub async fn download(
    handler: &TikTokHandler,
    args: DownloadArgs,
    inputs: Vec<Arg>,
    jobs: usize,
    filter: &MatchFilters,
    output: &Output,
) -> Result<ExitCode> {
    if !args.dump_single_json {
        let as_info = InfoArgs {
            urls: args.urls,
            secuid: args.secuid,
            lists: args.lists,
            json: true,
            print: Vec::new(),
            jobs: None,
            quiet: args.save.quiet,
        };
        return info(handler, as_info, inputs, jobs, filter, output).await;
    }
    let (live, inputs): (Vec<Arg>, Vec<Arg>) = inputs.into_iter().partition(|a| a.is_live(handler));
    let live_urls: Vec<String> = live.into_iter().filter_map(|a| a.target.ok()).collect();
    let mut failed = crate::live::info(handler, &live_urls, output).await?;
    let mut list_opts = options::list_options(&args.lists);
    // --max counts the posts --match-filter passes.
    list_opts.max_counts = filter.for_max();
    for Arg { input, target } in inputs {
        let url = match target {
            Ok(url) => url,
            Err(e) => {
                report(&e);
                failed = true;
                continue;
            }
        };
        let post = if handler.may_be_list(&url) {
            match handler.expand(&url, &list_opts) {
                Ok(Expansion::List(events)) => {
                    failed |= playlist(&url, &input, events, filter).await?;
                    continue;
                }
                Ok(Expansion::One { url: input, .. }) => input,
                Err(e) => {
                    report(&e);
                    failed = true;
                    continue;
                }
            }
        } else {
            url
        };
        match handler.video_info(&post).await {
            // As yt-dlp's -J: a post the filter rejects is left out, said on standard error.
            Ok(info) if !filter.accepts(&info) => crate::output::eprint_line(&format!(
                "{}: skipped ({})",
                info.id,
                tikdl::batch::filter::SKIP_REASON
            )),
            Ok(info) => print_json(&info)?,
            Err(e) => {
                report(&e);
                failed = true;
            }
        }
    }
    Ok(exit_code(failed))
}

/// A list as one playlist document (`url` the list's, `original` the input that led to it, as
/// yt-dlp's `webpage_url` and `original_url`); `true` when the list failed part way (the posts
/// before the failure are still printed, the error told on standard error).
async fn playlist(
    url: &str,
    original: &str,
    mut events: tikdl::ListStream,
    filter: &MatchFilters,
) -> Result<bool> {
    let mut entries = Vec::new();
    let mut failed = false;
    while let Some(event) = events.next().await {
        match event {
            Ok(ListEvent::Post(info)) if filter.accepts(&info) => {
                entries.push(serde_json::to_value(&*info)?)
            }
            Ok(_) => {}
            Err(e) => {
                report(&e);
                failed = true;
                break;
            }
        }
    }
    let doc: Value = json!({
        "_type": "playlist",
        "webpage_url": url,
        "original_url": original,
        "playlist_count": entries.len(),
        "entries": entries,
    });
    print_json(&doc)?;
    Ok(failed)
}
