//! `download -j` and `download -J`: yt-dlp's "print the metadata, download nothing". `-j` is
//! exactly `info --json` (one object a post, a list's posts as it is paged); `-J` prints one
//! document per URL: a post's object, or for a list a playlist object holding its posts in
//! `entries` (the shape yt-dlp gives a playlist: `_type: "playlist"`, `entries`).

use std::process::ExitCode;

use anyhow::Result;
use futures_util::StreamExt;
use serde_json::{Value, json};

use crate::cli::{DownloadArgs, InfoArgs};
use crate::commands::{info, with_sec_uids};
use crate::options;
use crate::output::{Output, exit_code, print_json, report};
use tikdl::batch::filter::MatchFilters;
use tikdl::{Expansion, ListEvent, TikTokHandler};

/// Runs `download -j` or `download -J`: nothing is downloaded, no file is written.
pub async fn download(
    handler: &TikTokHandler,
    args: DownloadArgs,
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
        return info(handler, as_info, jobs, filter, output).await;
    }
    let (live_urls, urls): (Vec<String>, Vec<String>) = with_sec_uids(args.urls, &args.secuid)
        .into_iter()
        .partition(|u| handler.is_live_url(u));
    let mut failed = crate::live::info(handler, &live_urls, output).await?;
    let mut list_opts = options::list_options(&args.lists);
    // --max counts the posts --match-filter passes.
    list_opts.max_counts = filter.for_max();
    for url in urls {
        let post = if handler.may_be_list(&url) {
            match handler.expand(&url, &list_opts) {
                Ok(Expansion::List(events)) => {
                    failed |= playlist(&url, events, filter).await?;
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

/// A list as one playlist document; `true` when the list failed part way (the posts before the
/// failure are still printed, the error told on standard error).
async fn playlist(url: &str, mut events: tikdl::ListStream, filter: &MatchFilters) -> Result<bool> {
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
        "original_url": url,
        "playlist_count": entries.len(),
        "entries": entries,
    });
    print_json(&doc)?;
    Ok(failed)
}
