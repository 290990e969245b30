//! A local imitation of TikTok, served over real TLS, for tikdl's integration tests, manual
//! trials and benchmarks.
//!
//! One TCP port on 127.0.0.1 takes both ways a client can reach it:
//! * as an HTTP proxy (`--proxy http://127.0.0.1:PORT`): the client sends
//!   `CONNECT www.tiktok.com:443`, gets `200 Connection Established`, then does TLS in the tunnel;
//! * directly (`--connect-to ::127.0.0.1:PORT`): the first byte is a TLS ClientHello.
//!
//! Either way the server presents a certificate for the SNI host name, signed by a test CA made at
//! start ([`Imitation::ca_pem`], CN "tikdl test CA"), and speaks HTTP/1.1 (ALPN `http/1.1` only).
//! A plain, non-CONNECT request on the port gets 405. Requests are routed by `Host` (then SNI).
//!
//! # Page hosts: `www.tiktok.com`, `tiktok.com`, `m.tiktok.com`, `www.tiktokv.com`
//!
//! Post pages: `/@{user}/video/{id}`, `/@{user}/photo/{id}` (user may be empty or `_`),
//! `/share/video/{id}`, `/embed/v2/{id}`, `/v/{id}.html`; a trailing slash and any query are
//! ignored. They answer 200 `text/html; charset=utf-8` and set two cookies,
//! `tt_chain_token` (24 random characters, remembered: the CDN checks it) and `ttwid`, with
//! `Domain=.tiktok.com` (`.tiktokv.com` on `www.tiktokv.com`, or a browser would drop them).
//!
//! Every family of ids below is a row of [`families::FAMILIES`] (a test keeps them disjoint).
//!
//! | id | page |
//! |---|---|
//! | 7608826249200356630 | D1, desktop `__UNIVERSAL_DATA_FOR_REHYDRATION__`, 5 `bitrateInfo`, subtitles (2026-07) |
//! | 7526770564367748360 | D2, desktop, 4 `bitrateInfo`, 2 subtitles (2025-07) |
//! | 7610426235671350549 | M1, mobile reflow photo post (`imagePost`, 4 images) |
//! | 7600352599870557461 | M2, mobile reflow video (no `bitrateInfo`) |
//! | 7243914257526541573 | HTML page built around the 2023-06 `SIGI_STATE` JSON (`ItemModule`) |
//! | 7175983749526523141 | `__NEXT_DATA__` page built from the 2022-12 `/api/item/detail/` itemStruct |
//! | 7000000000000010204 and any other numeric id | real "item doesn't exist" page, `statusCode` 10204 |
//! | 7000000000000010216 | the 10204 page with `webapp.video-detail` = 10216 "item is private" |
//! | 7000000000000010222 | ... = 10222 "ErrBizUserSecret" (private account) |
//! | 7000000000000010221 | ... = 10221 "user not exist" (account does not exist) |
//! | 7000000000000010202 | ... = 10202 "user banned" |
//! | 7000000000000209002 | ... = 209002 "item is restricted" (audience-restricted) |
//! | 7000000000000000777 | ... = statusCode 0, itemStruct with `isContentClassified: true` and no `video` |
//! | 7000000000000000000 | the real empty webapp shell (no rehydration data at all) |
//! | 7800000000000000001..=03 | empty shell until a `tt_chain_token` is sent / for desktop User-Agents only (phones get the reflow page) / always (see `families/empty_shell.rs`) |
//! | 7000000000000000401 | 302 to `https://www.tiktok.com/login?redirect_url=...` (`/login` is a small 200 page) |
//! | 7000000000000000403 | the D1 page, but only with a valid `_wafchallengeid` cookie; else a WAF JS challenge page |
//! | 7300000000000000001..=45, 7300000000000001001..=1033 | the generated list items (see below), as D1-shaped pages |
//! | 7400000000000000001..=7400000000000000005 | terminal escapes (OSC, C1, OSC 52, OSC 8, bidi, CR/BS/NUL) in `desc`, `uniqueId`, `nickname`, `music.title`/`authorName`: [`OUTPUT_TEXTS`] (D1's media) |
//! | 7100000000000000001..=7100000000000000020 | hostile names: D1's page with one of [`HOSTILE_NAMES`] as `desc`, `author.uniqueId`, `author.nickname` and `music.title` (D1's media) |
//! | 7200000000000000001..=7200000000000000005 | hostile storage posts (cut-then-403 renditions, endless or 1 byte per 100 ms media, a 404 thumbnail, an endless subtitle): see `families/hostile_storage.rs` |
//! | 7820000000000000001..=7820000000000000005 | provenance posts: slideshows that render alike, images cut mid-body whose resume is refused or answers another total, a page holding another post's item: see `families/hostile_provenance.rs` |
//! | 7910000000000000001..=03, 7910000000000000101..=200 | posts whose renditions are valid MP4s (03: fragmented), sound a valid MP3 and cover a valid JPEG, on `/vp79/` (see `families/valid_posts.rs`) |
//! | 7000000000000000050 | a 50 MiB page (Content-Length announced) |
//! | 7000000000000000052 | a gzip bomb: 200 MiB of zeros compressed to 200 KB, `Content-Encoding: gzip` |
//! | 7300000000000100001..=7300000000000105000 | batch posts: D1-shaped pages with small media of their own, built on first request |
//! | 7650000000000000000..=7650103999999999999 (`7650 BB S NN R`) | campaign posts, generated from their id: behaviour, shape, name group (see `families/campaign.rs`); profiles `@cl{M}_{first}_{n}` list them |
//! | 7900000000000000001..=7900000000001048576 (`7900000000000000000` + size in MiB; `@bench`) | benchmark posts: a small desktop page whose only format (h264 1080x1920, `DataSize` = size) is `https://v16-webapp-prime.tiktok.com/bench/{bytes}.mp4?tk=tt_chain_token` (see `families/bench.rs`) |
//!
//! WAF challenge: shaped like the real capture; `cs` = unpadded standard base64 of
//! `{"v":{"a":b64(16 random bytes),"b":unix_now,"c":b64(sha256(a ++ ascii(n)))},"s":b64(random)}`
//! with `n` random in `0..=challenge_max`. The answer is the cookie `_wafchallengeid` = base64
//! (padded or not) of the same JSON with `"d":b64(ascii(n))` added at the TOP LEVEL, beside `v`
//! and `s` (yt-dlp 2026.10.26's `_solve_challenge_and_set_cookies`). Refused with a fresh
//! challenge: `d` inside `v` (the old shape), a wrong `d`, a changed `v`/`s`, a challenge this
//! server never issued, one already answered once, one older than 120 s (see `challenge.rs`).
//!
//! | id | challenge |
//! |---|---|
//! | 7700000000000000001 | always a challenge, whatever the answer (a block solving does not lift) |
//! | 7700000000000000002 | the capture's page with a fresh non-empty `rs`: the answer also needs the cookie `waforiginalreid` = that `rs`; then D1 |
//!
//! Short links, on `vm.tiktok.com/{code}` and `vt.tiktok.com/{code}` (trailing slash optional) and
//! `www.tiktok.com/t/{code}`:
//!
//! | code | answer |
//! |---|---|
//! | `ZMdesk1` | 301 to `https://www.tiktok.com/@emthenutritionist/video/7608826249200356630?_r=1&_t=x` |
//! | `ZMphoto1` | 301 to `https://www.tiktok.com/@mu33.__/photo/7610426235671350549?_r=1` |
//! | `ZMprof1` | 301 to the profile `https://www.tiktok.com/@imitation45?_r=1&_t=x` (a list: the app's "share profile") |
//! | `ZMlive1` | 301 to the LIVE room `https://www.tiktok.com/@live_on/live?_r=1&_t=x` |
//! | `ZMlive2` | 301 to the LIVE room `https://www.tiktok.com/@live_ends/live?_r=1&_t=x` |
//! | `ZMhop1` | 302 to `https://vm.tiktok.com/ZMhop2/`, which 301s to the `ZMdesk1` target |
//! | `ZMevil1` | 301 to `https://evil.example/steal` |
//! | `ZMloop1` | 301 to `https://vm.tiktok.com/ZMloop2/`, which 301s back to `ZMloop1`, forever |
//! | `ZMgone1` | 404 page |
//! | anything else | 302 to `https://www.tiktok.com/` (what TikTok does for bad codes) |
//!
//! Other page-host paths: `/` (a small home page), `/login`, profile `/@{user}` (the real profile
//! page with `uniqueId`/`secUid` replaced; secUid is `MS4wLjABAAAA_{user}`), collection
//! `/@{user}/collection/{name}-{id}` (the real collection page with the id replaced), and the lists
//! `GET /api/post/item_list/?secUid=&cursor=&count=` and
//! `GET /api/collection/item_list/?collectionId=&cursor=&count=`, returning
//! `{"statusCode":0,"status_code":0,"status_msg":"","itemList":[..],"cursor":"..","hasMore":..,"extra":{..},"log_pb":{..}}`:
//!
//! | list | items |
//! |---|---|
//! | secUid `MS4wLjABAAAA_imitation45` (`@imitation45`) | 45 posts, ids 7300000000000000001..=45, newest first; cursor = createTime in ms of the last item; after [`Imitation::add_new_profile_posts`]`(n)`, n newer posts with valid media on top |
//! | collectionId `7400000000000000033` | 33 posts, ids 7300000000000001001..=1033; cursor = offset |
//! | secUid `MS4wLjABAAAA_loopy` (`@loopy`) | the same 10 items on every page, `hasMore` true forever (the cursor keeps moving) |
//! | anything else | an empty list, `hasMore` false |
//!
//! Music and hashtag lists (see `families/lists.rs` for the sources of every name):
//! `/music/imitation-sound-7700000000000000090` (scope `webapp.music-detail`, 33 posts) and
//! `/tag/imitationtag` (scope `webapp.challenge-detail`, challenge id 7700000000000000091, 45
//! posts); `GET /api/music/item_list/?musicID=&cursor=&count=` and
//! `GET /api/challenge/item_list/?challengeID=&cursor=&count=` (cursor = offset; a missing or
//! non-numeric parameter is a 400). Short links `ZMfidodd1..4` lead to D1 through post URLs with
//! odd user parts (`..%2F..%2Fetc%2Fpasswd`, 300 characters, empty, percent-encoded unicode);
//! `ZMfidbad1` leads to `/@someone/video/12ab34`, not a post URL.
//!
//! List items are D1's itemStruct with the ids, `createTime` and CDN URLs changed (an `imt={id}`
//! query parameter is added), so each has its own media, 40-400 KB per file.
//!
//! # CDN hosts
//!
//! Any other host under `tiktok.com`, `tiktokcdn.com`, `tiktokcdn-us.com`, `tiktokv.com`,
//! `ibyteimg.com`, `byteoversea.com`, `muscdn.com` or `akamaized.net`, and `/aweme/v1/play/` on a
//! page host. Every URL has deterministic content (see [`Imitation::media_bytes`]): URLs listed in
//! a fixture (`bitrateInfo[].PlayAddr`, `PlayAddrStruct`, `subtitleInfos`, `claInfo.captionInfos`)
//! get exactly the listed size and the same bytes on every mirror of the list; other URLs get
//! 40-400 KB (subtitles 0.6-4 KB). The kind comes from the URL: subtitles (`format=webvtt`,
//! `/caption/`, `.vtt`, or listed as one) are WebVTT text; audio (`mime_type=audio_mpeg`,
//! `/music/`, `.mp3`, `ies-music`) starts with `ID3`; video (`mime_type=video_mp4`, `/video/`,
//! `.mp4`) with an MP4 `ftyp` box; images (`/obj/`, `photomode`, `tos-`, `.jpeg`, `.webp`,
//! `.image`) with a JPEG header. `Range: bytes=a-b`, `a-` and `-n` get 206, unsatisfiable ones 416.
//! Under `tiktok.com`, a URL with `tk=tt_chain_token` needs a `tt_chain_token` cookie that a page
//! issued, else 403. `/bench/{bytes}.mp4` (e.g. on `v16-webapp-prime.tiktok.com`) serves exactly
//! that many bytes and needs no cookie.
//!
//! # Faults
//!
//! [`Imitation::add_fault`] rules are checked in order before normal handling; see [`Fault`].

mod body;
mod challenge;
pub mod families;
mod fixtures;
mod media;
mod routes;
mod server;
mod tls;
pub mod tour;
pub mod valid_media;

pub use challenge::solve as solve_challenge;
pub use families::campaign;
pub use families::hostile_names::{HOSTILE_BASE, HOSTILE_NAMES};
pub use families::hostile_output::{OUTPUT_BASE, OUTPUT_TEXTS};
pub use families::hostile_provenance::{
    PROV_BASE, PROV_IMAGES, PROV_POSTS, prov_image_url, prov_media_bytes,
};
pub use families::hostile_storage::{
    STORAGE_BASE, STORAGE_MEDIA_SIZE, storage_media_bytes, storage_media_url,
};
pub use families::hostile_strings::{
    EARLIER_DESC, INJECT_USER, INJECTED_ID, LINE_BREAKING_DESC, PINNED_USER, SHELL_DESC,
    STRINGS_BASE, TRAVERSAL_FORMAT,
};
pub use families::valid_posts::{
    MAX_NEW_PROFILE_POSTS, VALID_BASE, new_profile_post_id, valid_file, valid_post_url,
};
pub use fixtures::CHANGING_BASE;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// How to start an [`Imitation`].
#[derive(Clone, Debug)]
pub struct Options {
    /// Where to listen; port 0 picks a free one.
    pub bind: SocketAddr,
    /// The WAF challenge's secret number is drawn from `0..=challenge_max`.
    pub challenge_max: u64,
    /// Tokio worker threads for the server (benchmarks may want more).
    pub worker_threads: usize,
    /// Whether the CDN demands an issued `tt_chain_token` cookie for `tk=tt_chain_token` URLs.
    pub require_token: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            challenge_max: 100_000,
            worker_threads: 2,
            require_token: true,
        }
    }
}

/// One request the imitation answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestRecord {
    pub host: String,
    pub method: String,
    /// Path with the query string.
    pub path: String,
    pub cookie_names: Vec<String>,
    pub range: Option<String>,
    pub user_agent: Option<String>,
    pub referer: Option<String>,
    /// The status code sent.
    pub status: u16,
    /// Whether the connection came through a proxy CONNECT (rather than direct TLS).
    pub via_connect: bool,
    /// Whether the request carried an `Authorization` header (its value is never kept).
    pub authorization: bool,
    /// The names (lowercase) of every request header, so tests can see which custom header
    /// reached which host.
    pub header_names: Vec<String>,
    /// Each cookie sent, name and value (tests make the values up), so that a test can check
    /// that a value arrived as it was stored, e.g. one decrypted from a browser's database.
    pub cookies: Vec<(String, String)>,
}

/// A misbehaviour to inject into matching requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultRule {
    /// Only requests to this host (exact, case-insensitive); `None` matches every host.
    pub host: Option<String>,
    /// The request's path+query must contain this (an empty string matches everything).
    pub path_contains: String,
    pub fault: Fault,
    /// How many requests it applies to; 0 = forever.
    pub times: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status, a small HTML body and `Retry-After` if given.
    Status { code: u16, retry_after: Option<u64> },
    /// Normal headers (full Content-Length), then this many body bytes, then the connection is
    /// dropped without a TLS close_notify.
    DropAfter(u64),
    /// Wait this long before sending the response headers.
    Stall(Duration),
    /// Send `after` body bytes, then pause for `dur`, then go on.
    StallBody { after: u64, dur: Duration },
    /// Answer 200 with the whole body even when a Range was asked.
    IgnoreRange,
    /// Answer 206 with a Content-Range (and body) starting elsewhere than asked.
    WrongContentRange,
    /// Content-Length promises the full body; send only this many bytes, then close cleanly.
    ShortBody(u64),
    /// Content-Length larger than the body; the body ends early and the connection closes cleanly.
    LongContentLength,
    /// 200 `text/html` page instead of the normal answer.
    HtmlInsteadOfMedia,
    /// 200 `application/json` instead of the normal answer.
    JsonInsteadOfMedia,
    /// 200 with no Content-Length (chunked) and a body that never ends: the real bytes, then
    /// more of the same generator forever. Media answers only.
    Endless,
    /// Normal headers; after this many body bytes, one byte every 50 ms.
    Trickle(u64),
    /// A 302 to this location instead of the answer.
    Redirect(String),
    /// Normal status and headers, but every body byte is flipped: the same length of other
    /// bytes, as a CDN serves after the file changed under the same URL.
    OtherBytes,
    /// Read the request, then drop the connection without any answer (no close_notify): what
    /// curl calls "Empty reply from server".
    Hangup,
    /// 200 `video/mp4` whose body is the gzip bomb (200 MiB of zeros in 200 KB) sent with
    /// `Content-Encoding: gzip`, although the client asked for identity.
    GzipEncodedMedia,
    /// 206 with `Content-Range: bytes 0-(N-1)/*` and the first half of the body, to a request
    /// with or without Range: a part of a file whose total is not said.
    PartOfUnknownTotal,
    /// 200 with `Content-Length: 0` and no body.
    EmptyBody,
}

/// Shared by the server tasks and the [`Imitation`] handle.
pub(crate) struct State {
    pub opts: Options,
    pub records: Mutex<Vec<RequestRecord>>,
    pub faults: Mutex<Vec<(FaultRule, Option<u32>)>>,
    pub tokens: Mutex<std::collections::HashSet<String>>,
    pub challenges: challenge::Issuer,
    /// New posts listed on top of `@imitation45` (see `families/valid_posts.rs`).
    pub new_profile_posts: std::sync::atomic::AtomicU64,
}

/// Locks even after a panic elsewhere: the data here stays usable and the server must not die.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl State {
    /// The first matching rule with uses left; its count goes down by one.
    pub fn take_fault(&self, host: &str, path_query: &str) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        for (rule, left) in faults.iter_mut() {
            if let Some(h) = &rule.host
                && !h.eq_ignore_ascii_case(host)
            {
                continue;
            }
            if !path_query.contains(&rule.path_contains) || *left == Some(0) {
                continue;
            }
            if let Some(n) = left {
                *n -= 1;
            }
            return Some(rule.fault.clone());
        }
        None
    }
}

/// A running imitation; dropping it stops the server.
pub struct Imitation {
    port: u16,
    ca_pem: String,
    state: Arc<State>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Imitation {
    /// Starts on 127.0.0.1 with a free port and default options.
    pub fn start() -> Imitation {
        Imitation::start_with(Options::default())
    }

    /// Starts with `opts`. The server runs on its own tokio runtime in a background thread, so
    /// this works from plain `#[test]`s as well as from inside another runtime.
    pub fn start_with(opts: Options) -> Imitation {
        let ca = tls::Ca::new();
        let ca_pem = ca.pem();
        let tls_config = tls::server_config(ca);
        // Bound here, synchronously, so the port is known (and listening) when this returns.
        let listener = std::net::TcpListener::bind(opts.bind).expect("bind the imitation's port");
        listener
            .set_nonblocking(true)
            .expect("nonblocking listener");
        let port = listener.local_addr().expect("local addr").port();
        let workers = opts.worker_threads.max(1);
        let state = Arc::new(State {
            opts,
            records: Mutex::default(),
            faults: Mutex::default(),
            tokens: Mutex::default(),
            challenges: challenge::Issuer::default(),
            new_profile_posts: Default::default(),
        });
        let (tx, rx) = tokio::sync::oneshot::channel();
        let st = state.clone();
        let thread = std::thread::Builder::new()
            .name(format!("tiktok-imitation-{port}"))
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(workers)
                    .enable_all()
                    .build()
                    .expect("tokio runtime");
                // Parsed once per process, before the first request needs it.
                fixtures::warm_up();
                rt.block_on(server::serve(listener, tls_config, st, rx));
                // Dropping the runtime here cancels the connection tasks still running.
            })
            .expect("spawn the imitation thread");
        Imitation {
            port,
            ca_pem,
            state,
            shutdown: Some(tx),
            thread: Some(thread),
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT`, for `--proxy`.
    pub fn proxy_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The test CA's certificate, PEM.
    pub fn ca_pem(&self) -> String {
        self.ca_pem.clone()
    }

    /// Writes the CA certificate to `dir/ca.pem` and returns that path.
    pub fn write_ca(&self, dir: &Path) -> PathBuf {
        let path = dir.join("ca.pem");
        std::fs::write(&path, &self.ca_pem).expect("write ca.pem");
        path
    }

    /// Every request answered so far, in order.
    pub fn requests(&self) -> Vec<RequestRecord> {
        lock(&self.state.records).clone()
    }

    pub fn clear_requests(&self) {
        lock(&self.state.records).clear();
    }

    /// Adds a rule after those already there; the first matching rule with uses left applies.
    pub fn add_fault(&self, rule: FaultRule) {
        let left = (rule.times > 0).then_some(rule.times);
        lock(&self.state.faults).push((rule, left));
    }

    /// Lists `n` more new posts (with real media) on top of `@imitation45`'s 45, newest first,
    /// as a creator posting between two runs would; at most [`MAX_NEW_PROFILE_POSTS`] in all.
    /// Their ids are [`new_profile_post_id`]`(1..)`, the highest one on top.
    pub fn add_new_profile_posts(&self, n: u64) {
        use std::sync::atomic::Ordering;
        let new = &self.state.new_profile_posts;
        let _ = new.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |old| {
            Some(old.saturating_add(n).min(MAX_NEW_PROFILE_POSTS))
        });
    }

    /// Exactly the bytes the CDN serves for `url` (the full body, as with no Range).
    pub fn media_bytes(&self, url: &str) -> Vec<u8> {
        let rest = url.split_once("://").map_or(url, |(_, r)| r);
        let (host, pq) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
        let spec = fixtures::media_file(&host.to_ascii_lowercase(), pq);
        media::Source::for_spec(spec).read(0, spec.size).to_vec()
    }
}

impl Drop for Imitation {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Everything a handler needs to know about the connection a request came on.
pub(crate) struct ConnInfo {
    pub via_connect: bool,
    /// SNI, or the CONNECT target host when there was no SNI.
    pub sni: Option<String>,
}
