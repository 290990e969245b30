//! The one list of TikTok's domains, and what may be fetched from them.
//!
//! * **Page/API hosts** — `tiktok.com` and its subdomains (`www.`, `m.`, `vm.`, `vt.`): the post
//!   pages, short links and `/api/...` lists. yt-dlp's `tiktok.py` (2026.10.26) fetches pages and
//!   short links from `www.tiktok.com`, `m.tiktok.com`, `vm.tiktok.com` and `vt.tiktok.com`; the
//!   captures' `rootApi`/`mTApi` are `https://www.tiktok.com` / `https://m.tiktok.com`
//!   (tiktok-captures/web_video_sigi_state_itemmodule_2023-06.json). Custom headers (`--header`,
//!   `headers.custom_headers`) go to these hosts only, unless scoped to another host.
//! * **CDN suffixes** — where media, covers and subtitles live. Each is seen in the captures
//!   (tiktok-captures, the hosts of `playAddr`, `downloadAddr`, `bitrateInfo[].PlayAddr.UrlList`,
//!   covers, avatars and subtitle URLs):
//!   - `tiktok.com`: `v16-webapp-prime.tiktok.com`, `v19-webapp-prime.us.tiktok.com`
//!     (web_video_universal_desktop_2026-07_bitrateinfo_subtitles.html);
//!   - `tiktokcdn.com`: `p16-sign-sg.tiktokcdn.com`, `v19.tiktokcdn.com`, `v45-eu.tiktokcdn.com`;
//!   - `tiktokcdn-us.com`: `p16-sign.tiktokcdn-us.com`, `v16m-webapp.tiktokcdn-us.com`;
//!   - `tiktokcdn-eu.com`: `p16-pu-sign-no.tiktokcdn-eu.com` (app_aweme_list_16items_2025-06.json);
//!   - `tiktokv.com`: `api16-normal-c-useast1a.tiktokv.com` (also yt-dlp's app API host), and the
//!     app API's `/aweme/v1/play/` media URLs;
//!   - `muscdn.com`: `p16.muscdn.com` (avatars, web_video_universal_desktop_2025-07_subtitles2.html);
//!   - `byteoversea.com`: `sf16-tcc-tos-va.byteoversea.com`
//!     (web_video_sigi_state_itemmodule_2023-06.json);
//!   - `akamaized.net`: `v16m-default.akamaized.net`, `p16-sg-default.akamaized.net`
//!     (app_multi_aweme_detail_aweme_details_2022-05.json). This is Akamai's shared domain, so
//!     only its `*-default` hosts (TikTok's naming there) are accepted.
//!
//!   `ibyteimg.com`, which the imitation also serves, appears in none of the captures, nor in
//!   yt-dlp's `tiktok.py`, so it is not accepted.
//!
//! LIVE: the room info comes from `webcast.tiktok.com` (a page/API host under `tiktok.com`;
//! yt-dlp `tiktok.py` TikTokLiveIE), and its FLV pull URLs from `pull-*` hosts such as
//! `pull-f5-tt04.tiktokcdn-eu.com` and `pull-f5-tt03.fcdn.eu.tiktokcdn.com`
//! (Michele0303/tiktok-live-recorder issue 210; yt-dlp PR 16783's captured answer): already
//! inside the CDN suffixes above, so no new domain is needed.
//!
//! Media is only ever fetched over https (port 443) from these suffixes; every other host or
//! scheme is refused before any connection is made (see [`check_media_url`]).

use reqwest::Url;

/// Page and API domain: `tiktok.com` and any subdomain.
pub const PAGE_DOMAINS: &[&str] = &["tiktok.com"];

/// Domains whose hosts may serve media, covers and subtitles (see the module docs for where
/// each one is seen).
pub const CDN_DOMAINS: &[&str] = &[
    "tiktok.com",
    "tiktokcdn.com",
    "tiktokcdn-us.com",
    "tiktokcdn-eu.com",
    "tiktokv.com",
    "muscdn.com",
    "byteoversea.com",
    "akamaized.net",
];

/// `host` is `domain` or one of its subdomains (case-insensitive, one trailing dot allowed).
/// Strict, as it vets redirect targets too: every label must be a plausible DNS label.
pub fn in_domain(host: &str, domain: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
    let domain = domain.to_ascii_lowercase();
    if host == domain {
        return true;
    }
    let Some(sub) = host
        .strip_suffix(domain.as_str())
        .and_then(|s| s.strip_suffix('.'))
    else {
        return false;
    };
    // ".tiktok.com" and "a..tiktok.com" have empty labels: not real hosts.
    sub.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    })
}

/// A TikTok page/API host (`tiktok.com`, `www.tiktok.com`, ...): where unscoped custom headers go.
pub fn is_page_host(host: &str) -> bool {
    PAGE_DOMAINS.iter().any(|d| in_domain(host, d))
}

/// A host of TikTok's CDN (see [`CDN_DOMAINS`]).
pub fn is_cdn_host(host: &str) -> bool {
    CDN_DOMAINS.iter().any(|d| {
        in_domain(host, d)
            && (*d != "akamaized.net" || {
                // Only TikTok's `*-default.akamaized.net` names, not every Akamai customer.
                let first = host.split('.').next().unwrap_or("");
                first.ends_with("-default") && host.matches('.').count() == 2
            })
    })
}

/// Why a media URL is refused, in words for the user (the URL itself is shown beside it).
pub fn check_media_url(url: &Url) -> Result<(), String> {
    let host = url.host_str().unwrap_or("");
    if url.scheme() != "https" {
        return Err(format!(
            "media URL uses {}:// instead of https (host {host:?}); refusing",
            url.scheme()
        ));
    }
    if !is_cdn_host(host) {
        return Err(format!(
            "media URL on a host that is not TikTok's CDN: {host}; refusing"
        ));
    }
    if url.port().is_some_and(|p| p != 443) {
        return Err(format!(
            "media URL names port {} on {host}; TikTok's CDN uses 443; refusing",
            url.port().unwrap_or(0)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_hosts() {
        assert!(is_page_host("www.tiktok.com"));
        assert!(is_page_host("tiktok.com"));
        assert!(is_page_host("WWW.TikTok.com."));
        assert!(!is_page_host("eviltiktok.com"));
        assert!(!is_page_host("tiktok.com.evil.example"));
        assert!(!is_page_host("p16-sign.tiktokcdn.com"));
    }

    #[test]
    fn cdn_hosts() {
        for h in [
            "v16-webapp-prime.tiktok.com",
            "v19-webapp-prime.us.tiktok.com",
            "p16-sign-sg.tiktokcdn.com",
            "p16-sign.tiktokcdn-us.com",
            "p16-pu-sign-no.tiktokcdn-eu.com",
            "api16-normal-c-useast1a.tiktokv.com",
            "p16.muscdn.com",
            "sf16-tcc-tos-va.byteoversea.com",
            "v16m-default.akamaized.net",
        ] {
            assert!(is_cdn_host(h), "{h}");
        }
        for h in [
            "attacker.example",
            "127.0.0.1",
            "eviltiktokcdn.com",
            "tiktokcdn.com.attacker.example",
            "someone.akamaized.net",
            "a.b-default.akamaized.net",
            "x..tiktokcdn.com",
            "p16.ibyteimg.com",
        ] {
            assert!(!is_cdn_host(h), "{h}");
        }
    }

    #[test]
    fn media_urls() {
        let ok = |s: &str| check_media_url(&Url::parse(s).unwrap());
        assert!(ok("https://v16-webapp-prime.tiktok.com/video/x?a=1").is_ok());
        assert!(ok("https://v16-webapp-prime.tiktok.com:443/video/x").is_ok());
        let e = ok("https://attacker.example/m").unwrap_err();
        assert!(e.contains("not TikTok's CDN: attacker.example"), "{e}");
        let e = ok("http://127.0.0.1:8080/m").unwrap_err();
        assert!(e.contains("http:// instead of https"), "{e}");
        assert!(ok("http://v16-webapp-prime.tiktok.com/x").is_err());
        assert!(ok("https://v16-webapp-prime.tiktok.com:8443/x").is_err());
        assert!(ok("file:///etc/passwd").is_err());
    }
}
