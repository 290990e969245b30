//! Profiles and collections: expand a list URL into its posts through TikTok's list APIs,
//! paginated, with guards against pages that repeat or cursors that do not move.

use std::collections::HashSet;

use reqwest::Url;

use crate::error::{ContentReason, Error, Operation};
use crate::extract;
use crate::model::VideoInfo;
use crate::url::PostRef;

/// What to keep from a list.
#[derive(Debug, Clone, Default)]
pub struct ListOptions {
    /// Stop after this many posts.
    pub max: Option<usize>,
    /// Only posts uploaded on or after this date (`YYYYMMDD`, UTC).
    pub after: Option<String>,
    /// Only posts uploaded on or before this date (`YYYYMMDD`, UTC).
    pub before: Option<String>,
}

/// Posts per API page, as TikTok's own web app asks for.
const PAGE_SIZE: usize = 30;
/// Hard stop for any pagination, whatever the API says.
const MAX_PAGES: usize = 1000;
/// The web app's id, sent with list API calls.
const WEB_AID: &str = "1988";

impl ListOptions {
    fn keeps(&self, info: &VideoInfo) -> bool {
        let date = info.upload_date.as_deref().unwrap_or("");
        self.after.as_deref().is_none_or(|a| date >= a)
            && self.before.as_deref().is_none_or(|b| date <= b)
    }
}

/// Whether a date filter argument is a valid `YYYYMMDD`.
pub fn valid_date(s: &str) -> bool {
    s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The posts of a profile or collection, newest first as TikTok lists them.
pub async fn expand(
    handler: &crate::TikTokHandler,
    list: &PostRef,
    opts: &ListOptions,
) -> Result<Vec<VideoInfo>, Error> {
    let http = handler.http();
    let (label, api_base) = match list {
        PostRef::Profile { user } => {
            let page_url = list.canonical_url();
            let url = parse(&page_url)?;
            let page = http.get_page(&url, Operation::FetchPage).await?;
            let sec_uid = extract::profile_sec_uid(&page.body, &page_url)?;
            let mut api = parse("https://www.tiktok.com/api/post/item_list/")?;
            api.query_pairs_mut()
                .append_pair("aid", WEB_AID)
                .append_pair("secUid", &sec_uid);
            (format!("@{user}"), api)
        }
        PostRef::Collection { id, name, .. } => {
            let mut api = parse("https://www.tiktok.com/api/collection/item_list/")?;
            api.query_pairs_mut()
                .append_pair("aid", WEB_AID)
                .append_pair("collectionId", id)
                .append_pair("sourceType", "113");
            (format!("collection {name:?}"), api)
        }
        other => {
            let reason = ContentReason::Unsupported(format!(
                "{} is not a list tikdl can expand",
                other.canonical_url()
            ));
            return Err(Error::content(
                reason,
                Operation::FetchApi,
                &other.canonical_url(),
            ));
        }
    };

    let mut out = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut cursor = "0".to_owned();
    for page_no in 0..MAX_PAGES {
        let mut url = api_base.clone();
        url.query_pairs_mut()
            .append_pair("count", &PAGE_SIZE.to_string())
            .append_pair("cursor", &cursor);
        let page = http.get_page(&url, Operation::FetchApi).await?;
        if !(200..300).contains(&page.status) {
            let reason = crate::error::ConnectionReason::Status(page.status);
            return Err(Error::connection(reason, Operation::FetchApi, url.as_str()));
        }
        let page = extract::parse_list_page(&page.body, url.as_str())?;
        let total = page.items.len();
        let mut new = 0;
        for info in page.items {
            if !seen.insert(info.id.clone()) {
                continue;
            }
            new += 1;
            if opts.keeps(&info) {
                out.push(info);
                if opts.max.is_some_and(|m| out.len() >= m) {
                    return Ok(out);
                }
            }
        }
        tracing::info!(
            "{label}: page {} gave {total} posts ({new} new)",
            page_no + 1
        );
        if !page.has_more {
            return Ok(out);
        }
        if total > 0 && new == 0 {
            tracing::warn!(
                "{label}: TikTok returned a page of posts already seen; stopping (pagination loop)"
            );
            return Ok(out);
        }
        match page.cursor {
            Some(next) if next != cursor => cursor = next,
            _ => {
                tracing::warn!("{label}: the list cursor did not move; stopping (pagination loop)");
                return Ok(out);
            }
        }
    }
    tracing::warn!("{label}: stopped after {MAX_PAGES} pages");
    Ok(out)
}

fn parse(u: &str) -> Result<Url, Error> {
    Url::parse(u).map_err(|e| {
        Error::content(
            ContentReason::NotTikTok(e.to_string()),
            Operation::FetchApi,
            u,
        )
    })
}
