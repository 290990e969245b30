//! Posts that answer 200 with TikTok's empty web-app shell (the real capture
//! `web_empty_shell_no_rehydration_2026-06.html`: no rehydration data at all), the failure yt-dlp
//! reports as "Unable to extract universal data for rehydration". Each shows one behaviour:
//!
//! | id | answer |
//! |---|---|
//! | [`SHELL_UNTIL_COOKIE`] | the shell, until the request carries a `tt_chain_token` this server issued; then the 1 MiB benchmark post's desktop page (media URLs without expiry) as this post |
//! | [`SHELL_FOR_DESKTOP`] | the shell for desktop User-Agents; for phones (`iPhone`, `Android`, `Mobile`) M2's mobile "reflow" page (as this post) |
//! | [`SHELL_ALWAYS`] | the shell, whatever is sent |
//!
//! Every answer sets the usual page cookies (`tt_chain_token`, `ttwid`): the router wraps it.

use crate::fixtures;

pub const SHELL_UNTIL_COOKIE: u64 = 7800000000000000001;
pub const SHELL_FOR_DESKTOP: u64 = 7800000000000000002;
pub const SHELL_ALWAYS: u64 = 7800000000000000003;

const M2_ID: u64 = 7600352599870557461;
const BENCH_1MIB: u64 = 7900000000000000001;

/// Whether `id` is one of these posts.
pub fn is_empty_shell_post(id: u64) -> bool {
    (SHELL_UNTIL_COOKIE..=SHELL_ALWAYS).contains(&id)
}

/// Phones as TikTok tells them apart (what the reflow captures were fetched with).
fn is_mobile(user_agent: Option<&str>) -> bool {
    user_agent.is_some_and(|ua| {
        ["iPhone", "Android", "Mobile"]
            .iter()
            .any(|m| ua.contains(m))
    })
}

/// The page for post `id`; `has_token` says the request carried an issued `tt_chain_token`.
pub fn page(id: u64, user_agent: Option<&str>, has_token: bool) -> String {
    let shell = || fixtures::post_page(fixtures::EMPTY_SHELL_ID);
    match id {
        // The 1 MiB benchmark post's page as this post (its media URLs carry no expiry, so
        // the result may be cached).
        SHELL_UNTIL_COOKIE if has_token => crate::families::bench::page(BENCH_1MIB)
            .unwrap_or_else(shell)
            .replace(&BENCH_1MIB.to_string(), &id.to_string()),
        SHELL_FOR_DESKTOP if is_mobile(user_agent) => {
            fixtures::post_page(M2_ID).replace(&M2_ID.to_string(), &id.to_string())
        }
        _ => shell(),
    }
}
