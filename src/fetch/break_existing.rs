//! `--break-on-existing`: keep a creator in sync without paging through everything again.
//!
//! Lists come newest first, so once a post already in the download archive is reached,
//! everything after it was seen by an earlier run: paging stops there. This is yt-dlp's meaning
//! (2026.10.26, `YoutubeDL._match_entry`: an entry in the archive raises `ExistingVideoReached`
//! when `break_on_existing` is set, and the archive is checked before any other filter, so a post
//! that a date filter would drop still stops the list when it is archived). `--break-per-input`
//! (yt-dlp's `break_per_url`) only decides whether the stop ends this input or the whole run;
//! that is the caller's business.
//!
//! One difference from yt-dlp (which does not look at it): pinned posts. A profile shows its
//! pinned posts first whatever their age, and `/api/post/item_list/` marks them
//! (`"isPinnedItem": true` in ../shared/tiktok-captures/api_post_item_list_1item_cursor_via_proxy_2025-10.json),
//! so an old, archived pinned post would stop every sync before any new post. Pinned posts never
//! stop the list; an archived one is merely skipped like any archived post.

use crate::model::PostId;

/// One list item as the check sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listed<'a> {
    pub id: &'a PostId,
    /// `isPinnedItem` (profiles only).
    pub pinned: bool,
}

/// What to do with one page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageCut<'a> {
    /// Keep the first `keep` items of the page (archived pinned ones among them are skipped by
    /// the usual archive check).
    pub keep: usize,
    /// The archived post where the list stops (it is item `keep`), or `None`: page on.
    pub stopped_at: Option<&'a PostId>,
}

/// Cuts `page` (in list order, newest first) at its first archived post that is not pinned.
pub fn cut_page<'a>(page: &[Listed<'a>], archived: impl Fn(&PostId) -> bool) -> PageCut<'a> {
    match page.iter().position(|it| !it.pinned && archived(it.id)) {
        Some(i) => PageCut {
            keep: i,
            stopped_at: Some(page[i].id),
        },
        None => PageCut {
            keep: page.len(),
            stopped_at: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// Post `n` of a test list: `n` padded to a 19-digit id.
    fn id(n: &str) -> &'static PostId {
        let id: PostId = format!("{n:0>19}").parse().unwrap();
        Box::leak(Box::new(id))
    }

    fn listed(ids: &[&'static str]) -> Vec<Listed<'static>> {
        ids.iter()
            .map(|n| Listed {
                id: id(n.trim_start_matches('*')),
                pinned: n.starts_with('*'),
            })
            .collect()
    }

    fn cut(ids: &[&'static str], archive: &[&str]) -> PageCut<'static> {
        let archive: HashSet<&PostId> = archive.iter().map(|n| id(n)).collect();
        cut_page(&listed(ids), |id| archive.contains(id))
    }

    #[test]
    fn nothing_archived_keeps_the_page_and_pages_on() {
        assert_eq!(
            cut(&["5", "4", "3"], &["9"]),
            PageCut {
                keep: 3,
                stopped_at: None
            }
        );
        assert_eq!(
            cut(&[], &["9"]),
            PageCut {
                keep: 0,
                stopped_at: None
            }
        );
    }

    #[test]
    fn stops_at_the_first_archived_post() {
        // Three new posts on top of an archived profile: exactly those three.
        assert_eq!(
            cut(&["8", "7", "6", "5", "4"], &["5", "4", "3"]),
            PageCut {
                keep: 3,
                stopped_at: Some(id("5"))
            }
        );
        // Newest already archived: nothing to do.
        assert_eq!(
            cut(&["5", "4"], &["5", "4"]),
            PageCut {
                keep: 0,
                stopped_at: Some(id("5"))
            }
        );
        // A gap below the first archived post is not looked at (yt-dlp stops there too).
        assert_eq!(cut(&["6", "5", "4"], &["5"]).keep, 1);
    }

    #[test]
    fn pinned_posts_never_stop_the_list() {
        // Two archived pinned posts on top, then one new post, then the archived ones.
        assert_eq!(
            cut(&["*2", "*1", "9", "8", "7"], &["1", "2", "8", "7"]),
            PageCut {
                keep: 3,
                stopped_at: Some(id("8"))
            }
        );
        // A list of pinned posts only, all archived: page on.
        assert_eq!(cut(&["*2", "*1"], &["1", "2"]).stopped_at, None);
    }
}
