//! The id families: ranges of post ids, each answered by one module of this folder (or by the
//! generated pages of `fixtures.rs`). [`FAMILIES`] is the one registry of the ranges; a test
//! proves them disjoint and apart from every captured post, so `routes::post` can dispatch on
//! [`family_of`] in any order. Tests take the bases and URLs from here instead of redefining them.

use std::ops::RangeInclusive;

pub mod bench;
pub mod campaign;
pub mod empty_shell;
pub mod hostile_names;
pub mod hostile_net;
pub mod hostile_output;
pub mod hostile_provenance;
pub mod hostile_storage;
pub mod hostile_strings;
pub mod lists;
pub mod live;
pub mod tabs;
pub mod valid_posts;

pub use crate::fixtures::{BATCH_BASE, BATCH_POSTS, CHANGING_BASE, GEN_BASE};
pub use bench::BENCH_BASE;

/// Who answers the post pages of a family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// `fixtures.rs`: the generated profile and collection items (D1-shaped pages).
    ListItems,
    /// `fixtures.rs`: batch posts, built on first request.
    Batch,
    /// `fixtures.rs`: batch posts' twins whose caption changes on every fetch.
    Changing,
    /// `hostile_names.rs`: D1 with a hostile name as caption, user, nickname and sound title.
    HostileNames,
    /// `hostile_storage.rs`: renditions cut, endless, trickling; a 404 cover; an endless subtitle.
    HostileStorage,
    /// `hostile_strings.rs`: odd ids, formats and captions inside TikTok's JSON.
    HostileStrings,
    /// `hostile_net.rs`: foreign or plain-http media, redirects, trickles, oversized heads.
    HostileNet,
    /// `hostile_output.rs`: terminal escapes in the texts tikdl prints.
    HostileOutput,
    /// `lists.rs`: items of the big profiles (`@many_N`, `@fat_N`), listed but not served.
    BigLists,
    /// `campaign.rs`: the randomized campaign's posts, generated from their id.
    Campaign,
    /// `challenge.rs`: posts behind a WAF challenge that never lifts, or needs `rs`.
    Challenge,
    /// `empty_shell.rs`: pages without data, until a cookie, for desktops, or always.
    EmptyShell,
    /// `hostile_provenance.rs`: posts whose files render alike or whose page holds another post.
    Provenance,
    /// `bench.rs`: benchmark posts, `BENCH_BASE` + size in MiB.
    Bench,
    /// `valid_posts.rs`: posts whose media are valid MP4 / MP3 / JPEG files.
    Valid,
}

/// One registered range of post ids.
#[derive(Clone, Debug)]
pub struct Range {
    /// The family answering these ids.
    pub family: Family,
    /// The ids (a family's module may still refuse some inside, e.g. campaign ids it cannot
    /// decode; those get the default page).
    pub ids: RangeInclusive<u64>,
}

const fn range(family: Family, first: u64, last: u64) -> Range {
    Range {
        family,
        ids: first..=last,
    }
}

/// Every family's ids. New families add their row here; the test below keeps them apart.
pub const FAMILIES: &[Range] = &[
    range(Family::ListItems, GEN_BASE + 1, GEN_BASE + 45),
    range(Family::ListItems, GEN_BASE + 1001, GEN_BASE + 1033),
    range(
        Family::HostileNet,
        hostile_net::NET_BASE + 1,
        hostile_net::NET_BASE + hostile_net::NET_POSTS,
    ),
    range(Family::Batch, BATCH_BASE + 1, BATCH_BASE + BATCH_POSTS),
    range(
        Family::Changing,
        CHANGING_BASE + 1,
        CHANGING_BASE + BATCH_POSTS,
    ),
    range(
        Family::HostileNames,
        hostile_names::HOSTILE_BASE + 1,
        hostile_names::HOSTILE_BASE + hostile_names::HOSTILE_NAMES.len() as u64,
    ),
    range(
        Family::HostileStorage,
        hostile_storage::STORAGE_BASE + 1,
        hostile_storage::STORAGE_BASE + hostile_storage::STORAGE_POSTS,
    ),
    range(
        Family::HostileStrings,
        hostile_strings::STRINGS_BASE + 1,
        hostile_strings::STRINGS_BASE + hostile_strings::STRINGS_POSTS,
    ),
    range(
        Family::HostileOutput,
        hostile_output::OUTPUT_BASE + 1,
        hostile_output::OUTPUT_BASE + hostile_output::OUTPUT_TEXTS.len() as u64,
    ),
    range(
        Family::BigLists,
        lists::BIG_BASE + 1,
        lists::BIG_BASE + 999_999 * 1_000_000 + 999_999,
    ),
    range(
        Family::Campaign,
        campaign::CAMPAIGN_BASE,
        campaign::CAMPAIGN_BASE + campaign::CAMPAIGN_SPAN - 1,
    ),
    range(
        Family::Challenge,
        crate::challenge::PERSISTENT_CHALLENGE_ID,
        crate::challenge::RCI_CHALLENGE_ID,
    ),
    range(
        Family::EmptyShell,
        empty_shell::SHELL_UNTIL_COOKIE,
        empty_shell::SHELL_ALWAYS,
    ),
    range(
        Family::Provenance,
        hostile_provenance::PROV_BASE + 1,
        hostile_provenance::PROV_BASE + hostile_provenance::PROV_POSTS,
    ),
    range(Family::Bench, BENCH_BASE + 1, BENCH_BASE + bench::MAX_MIB),
    range(
        Family::Valid,
        valid_posts::VALID_BASE + 1,
        valid_posts::VALID_BASE + valid_posts::VALID_POSTS,
    ),
    range(
        Family::Valid,
        valid_posts::VALID_BASE + valid_posts::NEW_PROFILE_FIRST,
        valid_posts::VALID_BASE
            + valid_posts::NEW_PROFILE_FIRST
            + valid_posts::MAX_NEW_PROFILE_POSTS
            - 1,
    ),
];

/// The family whose range holds `id`, if any.
pub fn family_of(id: u64) -> Option<Family> {
    FAMILIES
        .iter()
        .find(|r| r.ids.contains(&id))
        .map(|r| r.family)
}

/// `https://www.tiktok.com/@imitation/video/{BATCH_BASE + n}`: batch post `n` (1..=5000).
pub fn batch_url(n: u64) -> String {
    format!("https://www.tiktok.com/@imitation/video/{}", BATCH_BASE + n)
}

/// `https://www.tiktok.com/@bench/video/{BENCH_BASE + mib}`: the benchmark post of `mib` MiB.
pub fn bench_url(mib: u64) -> String {
    format!("https://www.tiktok.com/@bench/video/{}", BENCH_BASE + mib)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_disjoint() {
        for (i, a) in FAMILIES.iter().enumerate() {
            assert!(a.ids.start() <= a.ids.end(), "{a:?} is empty");
            for b in &FAMILIES[i + 1..] {
                let apart = a.ids.end() < b.ids.start() || b.ids.end() < a.ids.start();
                assert!(apart, "{a:?} and {b:?} overlap");
            }
        }
    }

    #[test]
    fn captured_and_single_posts_are_in_no_family() {
        let singles = [
            crate::fixtures::D1_ID,
            7526770564367748360, // D2
            7610426235671350549, // M1
            7600352599870557461, // M2
            7243914257526541573, // the SIGI_STATE page
            7175983749526523141, // the __NEXT_DATA__ page
            crate::fixtures::EMPTY_SHELL_ID,
            crate::fixtures::LOGIN_ID,
            crate::fixtures::CHALLENGE_ID,
            crate::fixtures::HUGE_PAGE_ID,
            crate::fixtures::GZIP_BOMB_ID,
            7000000000000010204,
            7000000000000000777,
            lists::MUSIC_ID,
            lists::TAG_ID,
            crate::fixtures::LIST_COLLECTION_ID,
        ];
        for id in singles {
            assert_eq!(family_of(id), None, "{id}");
        }
    }

    #[test]
    fn every_family_claims_its_first_id() {
        for r in FAMILIES {
            assert_eq!(family_of(*r.ids.start()), Some(r.family), "{r:?}");
        }
        assert_eq!(
            batch_url(7),
            "https://www.tiktok.com/@imitation/video/7300000000000100007"
        );
        assert_eq!(
            bench_url(1),
            "https://www.tiktok.com/@bench/video/7900000000000000001"
        );
    }
}
