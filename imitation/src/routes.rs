//! Request routing: pages, short links, lists, CDN media and faults.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use hyper::body::Incoming;
use hyper::header::{HeaderName, HeaderValue};
use hyper::{HeaderMap, Request, Response, StatusCode};
use rand::Rng;
use rand::distr::Alphanumeric;

use crate::body::Kill;
use crate::body::{Cut, GenBody, Reply};
use crate::families::{Family, family_of, hostile_net};
use crate::fixtures;
use crate::media::{PAGE_HOSTS, SHORT_HOSTS, Source, in_domain, is_cdn_host};
use crate::{ConnInfo, Fault, RequestRecord, State, lock};

const DESKTOP_URL: &str =
    "https://www.tiktok.com/@emthenutritionist/video/7608826249200356630?_r=1&_t=x";
const PHOTO_URL: &str = "https://www.tiktok.com/@mu33.__/photo/7610426235671350549?_r=1";

/// What one request is about.
struct Ctx {
    state: Arc<State>,
    host: String,
    method: String,
    path: String,
    query: String,
    path_query: String,
    cookies: Vec<(String, String)>,
    range: Option<String>,
    user_agent: Option<String>,
}

impl Ctx {
    fn cookie(&self, name: &str) -> impl Iterator<Item = &str> {
        self.cookies
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn param(&self, name: &str) -> Option<String> {
        self.query.split('&').find_map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (k == name).then(|| crate::challenge::percent_decode(v))
        })
    }
}

/// Every request takes one path: routed (a family's own media, or a fault, or the normal
/// answer), then recorded for [`crate::Imitation::requests`].
pub async fn handle(
    state: Arc<State>,
    conn: Arc<ConnInfo>,
    kill: Arc<Kill>,
    req: Request<Incoming>,
) -> Response<GenBody> {
    let headers = req.headers();
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let host = text("host")
        .or_else(|| req.uri().host().map(str::to_owned))
        .or_else(|| conn.sni.clone())
        .unwrap_or_default();
    let host = strip_port(&host).to_ascii_lowercase();
    let ctx = Ctx {
        state: state.clone(),
        method: req.method().as_str().to_string(),
        path: req.uri().path().to_string(),
        query: req.uri().query().unwrap_or("").to_string(),
        path_query: req
            .uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_string(),
        cookies: parse_cookies(headers),
        range: text("range"),
        user_agent: text("user-agent"),
        host,
    };
    let resp = match own_media(&ctx, &kill) {
        Some(resp) => resp,
        None => faulted(&ctx, kill).await,
    };
    record(&state, &conn, &ctx, headers, resp.status().as_u16());
    resp
}

/// Media of the families that misbehave on their own (cut, endless, trickling, valid files):
/// served as they are, never through a [`Fault`] rule (a rule must not consume a use on them).
fn own_media(ctx: &Ctx, kill: &Arc<Kill>) -> Option<Response<GenBody>> {
    let range = ctx.range.as_deref();
    let families = crate::families::hostile_storage::respond(&ctx.host, &ctx.path, range, kill)
        .or_else(|| crate::families::campaign::respond(&ctx.host, &ctx.path, range, kill))
        .or_else(|| {
            crate::families::hostile_provenance::respond(&ctx.host, &ctx.path, range, kill)
        });
    families.or_else(|| {
        is_cdn_host(&ctx.host)
            .then(|| crate::families::valid_posts::respond(&ctx.path, range))
            .flatten()
    })
}

/// The first matching [`Fault`] rule applied, or the normal answer.
async fn faulted(ctx: &Ctx, kill: Arc<Kill>) -> Response<GenBody> {
    let state = &ctx.state;
    let fault = state.take_fault(&ctx.host, &ctx.path_query);
    if fault == Some(Fault::Hangup) {
        // The connection task drops the stream as soon as the kill fires; never answer.
        kill.fire(false);
        std::future::pending::<()>().await;
    }
    let reply = reply_for(ctx, fault.as_ref()).await;

    let mut reply = reply;
    if fault == Some(Fault::PartOfUnknownTotal) && matches!(reply.src, Source::Media(_)) {
        reply.end = (reply.start + (reply.end - reply.start) / 2).max(reply.start + 1);
        reply.status = 206;
        reply.headers.retain(|(n, _)| *n != "content-range");
        let range = format!("bytes {}-{}/*", reply.start, reply.end - 1);
        reply.headers.push(("content-range", range));
    }
    let len = reply.end - reply.start;
    let mut content_length = len;
    // Only generated media can go on past its end (a fixed body has nothing more to send).
    let endless = fault == Some(Fault::Endless) && matches!(reply.src, Source::Media(_));
    // A LIVE stream: chunked (no length), paced (families/live.rs).
    let flv = matches!(reply.src, Source::Flv(_));
    let mut body = if endless {
        GenBody::new(reply.src, reply.start, u64::MAX).with_cut(Cut::Clean(u64::MAX), kill.clone())
    } else {
        GenBody::new(reply.src, reply.start, reply.end)
    };
    match fault {
        Some(Fault::DropAfter(n)) => body = body.with_cut(Cut::Abort(n.min(len)), kill),
        Some(Fault::ShortBody(n)) => body = body.with_cut(Cut::Clean(n.min(len)), kill),
        Some(Fault::LongContentLength) => {
            content_length = len + (len / 2).max(1000);
            body = body.with_cut(Cut::Clean(len), kill);
        }
        Some(Fault::StallBody { after, dur }) => body = body.with_stall(after, dur),
        Some(Fault::OtherBytes) => body = body.flipped(),
        Some(Fault::Trickle(after)) => {
            body = body.with_trickle(after, Duration::from_millis(50));
        }
        _ => {}
    }
    if let Some(every) = hostile_net::trickle(&ctx.path) {
        body = body.with_trickle(0, every);
    }
    if flv {
        body = body.with_pace(4096, Duration::from_millis(10));
    }

    let mut resp = Response::new(body);
    *resp.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = resp.headers_mut();
    for (name, value) in reply.headers {
        // A bad value (it would come from a fault or odd input) is skipped, not fatal.
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.append(HeaderName::from_static(name), v);
        }
    }
    if endless || flv {
        // No Content-Length: hyper sends the never-ending body chunked.
        h.remove("content-length");
    } else {
        h.insert("content-length", HeaderValue::from(content_length));
    }

    resp
}

/// The answer a fault puts in place of the normal one (`None`: the normal answer, which a
/// Range fault still shapes).
async fn reply_for(ctx: &Ctx, fault: Option<&Fault>) -> Reply {
    match fault {
        Some(Fault::Status { code, retry_after }) => {
            let r = Reply::small_page(*code, "Please try again later");
            match retry_after {
                Some(s) => r.header("retry-after", s.to_string()),
                None => r,
            }
        }
        Some(Fault::HtmlInsteadOfMedia) => Reply::html(
            200,
            "<!DOCTYPE html><html><head><title>TikTok</title></head><body>Something went wrong</body></html>\n",
        ),
        Some(Fault::JsonInsteadOfMedia) => Reply::json(
            r#"{"statusCode":10000,"status_code":10000,"status_msg":"something went wrong"}"#
                .into(),
        ),
        Some(Fault::Redirect(location)) => Reply::redirect(302, location),
        Some(Fault::EmptyBody) => Reply::new(200, "video/mp4", Bytes::new()),
        Some(Fault::GzipEncodedMedia) => {
            let mut r = Reply::new(200, "video/mp4", Bytes::from_static(GZIP_BOMB));
            r.headers.push(("content-encoding", "gzip".into()));
            r
        }
        Some(Fault::Stall(d)) => {
            tokio::time::sleep(*d).await;
            route(ctx, None)
        }
        f => route(ctx, f),
    }
}

/// Keeps the request for [`crate::Imitation::requests`].
fn record(state: &State, conn: &ConnInfo, ctx: &Ctx, headers: &HeaderMap, status: u16) {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    lock(&state.records).push(RequestRecord {
        host: ctx.host.clone(),
        method: ctx.method.clone(),
        path: ctx.path_query.clone(),
        cookie_names: ctx.cookies.iter().map(|(n, _)| n.clone()).collect(),
        range: ctx.range.clone(),
        user_agent: text("user-agent"),
        referer: text("referer"),
        status,
        via_connect: conn.via_connect,
        authorization: headers.contains_key("authorization"),
        header_names: headers.keys().map(|k| k.as_str().to_string()).collect(),
        cookies: ctx.cookies.clone(),
    });
}

fn strip_port(host: &str) -> &str {
    match host.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) && !h.ends_with(':') => {
            h.trim_matches(['[', ']'])
        }
        _ => host,
    }
}

fn parse_cookies(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .get_all("cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            let k = k.trim();
            (!k.is_empty()).then(|| (k.to_string(), v.trim().to_string()))
        })
        .collect()
}

fn route(ctx: &Ctx, fault: Option<&Fault>) -> Reply {
    let host = ctx.host.as_str();
    if let Some(reply) = live(ctx) {
        return reply;
    }
    if PAGE_HOSTS.contains(&host) {
        if ctx.path.starts_with("/aweme/v1/play/") {
            return cdn(ctx, fault);
        }
        return page_host(ctx);
    }
    if SHORT_HOSTS.contains(&host) {
        let code = ctx.path.trim_matches('/');
        return short_link(code);
    }
    if is_cdn_host(host) {
        return cdn(ctx, fault);
    }
    Reply::small_page(404, &format!("{host} is not part of this TikTok imitation"))
}

fn page_host(ctx: &Ctx) -> Reply {
    let trimmed = ctx.path.trim_matches('/');
    let segs: Vec<&str> = trimmed.split('/').collect();
    let user = |s: &str| s.strip_prefix('@').map(|u| u.to_string());
    match segs.as_slice() {
        [""] => with_cookies(
            ctx,
            Reply::html(
                200,
                "<!DOCTYPE html><html><head><title>TikTok - Make Your Day</title></head><body></body></html>\n",
            ),
        ),
        ["login"] => Reply::html(
            200,
            "<!DOCTYPE html><html><head><title>Log in | TikTok</title></head><body><h1>Log in to TikTok</h1><form><input name=\"username\"><input name=\"password\" type=\"password\"></form></body></html>\n",
        ),
        ["t", code] => short_link(code),
        ["api", "post", "item_list"] => {
            let sec = ctx.param("secUid").unwrap_or_default();
            let (cursor, count) = paging(ctx);
            if let Some(list) = crate::families::lists::big_post_list(&sec, cursor) {
                return Reply::json(list);
            }
            let new = (ctx.state.new_profile_posts).load(std::sync::atomic::Ordering::SeqCst);
            Reply::json(
                crate::families::campaign::post_list(&sec, cursor, count)
                    .or_else(|| crate::families::valid_posts::post_list(&sec, cursor, count, new))
                    .or_else(|| crate::families::hostile_strings::post_list(&sec))
                    .or_else(|| crate::families::tabs::post_list(&sec, cursor, count))
                    .unwrap_or_else(|| fixtures::post_list(&sec, cursor, count)),
            )
        }
        ["api", "collection", "item_list"] => {
            let id = ctx
                .param("collectionId")
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            let (cursor, count) = paging(ctx);
            Reply::json(fixtures::collection_list(id, cursor, count))
        }
        [u, "video" | "photo", id] if u.starts_with('@') => post(ctx, id),
        ["share", "video", id] | ["embed", "v2", id] => post(ctx, id),
        ["v", file] if file.ends_with(".html") => post(ctx, file.trim_end_matches(".html")),
        [u] if u.len() > 1 && user(u).is_some_and(|u| plain_name(&u)) => {
            let name = user(u).unwrap_or_default();
            let page = crate::families::hostile_strings::profile_page(&name)
                .or_else(|| crate::families::lists::big_profile_page(&name))
                .or_else(|| crate::families::tabs::profile_page(&name))
                .unwrap_or_else(|| {
                    fixtures::profile_page(&name, crate::families::campaign::list_len(&name))
                });
            with_cookies(ctx, Reply::html(200, page))
        }
        [u, "collection", slug] if user(u).is_some_and(|u| plain_name(&u)) => {
            let name = user(u).unwrap_or_default();
            match slug.rsplit('-').next().and_then(|id| id.parse().ok()) {
                Some(id) => {
                    with_cookies(ctx, Reply::html(200, fixtures::collection_page(&name, id)))
                }
                None => Reply::small_page(404, "Page not found"),
            }
        }
        ["api", "repost" | "favorite" | "story" | "mix", "item_list"]
        | ["api", "user", "collect", "item_list"] => {
            let session = ctx.cookie("sessionid").any(|v| !v.is_empty());
            let (status, body) = crate::families::tabs::answer(&segs, &ctx.query, session);
            Reply::new(status, "application/json; charset=utf-8", body)
        }
        ["music", _] | ["tag", _] | ["api", "music" | "challenge", "item_list"] => {
            let (status, content_type, body) = crate::families::lists::answer(&segs, &ctx.query);
            with_cookies(ctx, Reply::new(status, content_type, body))
        }
        _ => Reply::small_page(404, "Page not found"),
    }
}

/// Names go into the page verbatim, so only what TikTok allows in a uniqueId passes.
fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_')
}

fn paging(ctx: &Ctx) -> (u64, usize) {
    let cursor = ctx
        .param("cursor")
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let count = ctx
        .param("count")
        .and_then(|s| s.parse().ok())
        .unwrap_or(30usize)
        .clamp(1, 50);
    (cursor, count)
}

fn short_link(code: &str) -> Reply {
    match code {
        "ZMdesk1" | "ZMhop2" => Reply::redirect(301, DESKTOP_URL),
        "ZMphoto1" => Reply::redirect(301, PHOTO_URL),
        // The app's "share profile" and "share LIVE" links: a list and a LIVE room, not posts.
        "ZMprof1" => Reply::redirect(301, "https://www.tiktok.com/@imitation45?_r=1&_t=x"),
        "ZMlive1" => Reply::redirect(301, "https://www.tiktok.com/@live_on/live?_r=1&_t=x"),
        "ZMlive2" => Reply::redirect(301, "https://www.tiktok.com/@live_ends/live?_r=1&_t=x"),
        "ZMhop1" => Reply::redirect(302, "https://vm.tiktok.com/ZMhop2/"),
        "ZMevil1" => Reply::redirect(301, "https://evil.example/steal"),
        "ZMloop1" => Reply::redirect(301, "https://vm.tiktok.com/ZMloop2/"),
        "ZMloop2" => Reply::redirect(301, "https://vm.tiktok.com/ZMloop1/"),
        "ZMgone1" => Reply::small_page(404, "Page not found"),
        c if c.starts_with("ZMfid") => match crate::families::lists::short_link_target(c) {
            Some(target) => Reply::redirect(301, &target),
            None => Reply::redirect(302, "https://www.tiktok.com/"),
        },
        _ => Reply::redirect(302, "https://www.tiktok.com/"),
    }
}

const GZIP_BOMB: &[u8] = include_bytes!("../../tests/fixtures/gzip_bomb_200MiB_zeros.gz");

fn post(ctx: &Ctx, id: &str) -> Reply {
    let Ok(id) = id.parse::<u64>() else {
        return Reply::small_page(404, "Page not found");
    };
    family_post(ctx, id).unwrap_or_else(|| single_post(ctx, id))
}

/// The page of post `id` from its family's module, if a family claims it (the registry keeps
/// the ranges disjoint, so no order among them matters).
fn family_post(ctx: &Ctx, id: u64) -> Option<Reply> {
    use crate::families::{
        campaign, empty_shell, hostile_names, hostile_output, hostile_provenance, hostile_storage,
        hostile_strings, valid_posts,
    };
    let page = |html: String| Some(with_cookies(ctx, Reply::html(200, html)));
    match family_of(id)? {
        Family::HostileNet => Some(with_cookies(ctx, hostile_net::reply(id))),
        Family::Challenge => {
            let max = ctx.state.opts.challenge_max;
            match crate::challenge::gate(&ctx.state.challenges, id, &ctx.cookies, max) {
                Some(challenge) => Some(Reply::html(200, challenge)),
                None => page(d1_as(id)),
            }
        }
        Family::EmptyShell => {
            let issued = lock(&ctx.state.tokens);
            let has_token = ctx.cookie("tt_chain_token").any(|v| issued.contains(v));
            drop(issued);
            page(empty_shell::page(id, ctx.user_agent.as_deref(), has_token))
        }
        Family::Campaign if campaign::is_campaign(id) => page(campaign::page(id)),
        Family::Valid if valid_posts::is_valid_post(id) => page(valid_posts::page(id)),
        Family::Provenance => page(hostile_provenance::page(id)),
        // Without cookies: these posts' media need no token.
        Family::HostileStorage => Some(Reply::html(200, hostile_storage::page(id))),
        Family::HostileStrings => page(hostile_strings::page(id)),
        Family::HostileOutput => page(hostile_output::page(id)),
        Family::HostileNames => page(hostile_names::page(id)),
        Family::Bench => crate::families::bench::page(id).and_then(page),
        // The generated pages (and ids a family's module refuses) are the default page's.
        Family::ListItems
        | Family::Batch
        | Family::Changing
        | Family::BigLists
        | Family::Campaign
        | Family::Valid => None,
    }
}

/// A post outside every family: a captured page, a status page, or a hostile server's answer.
fn single_post(ctx: &Ctx, id: u64) -> Reply {
    match id {
        fixtures::LOGIN_ID => {
            let original = format!("https://{}{}", ctx.host, ctx.path_query);
            let location = format!(
                "https://www.tiktok.com/login?redirect_url={}",
                pct_encode(&original)
            );
            Reply::redirect(302, &location)
        }
        fixtures::CHALLENGE_ID => {
            let solved = ctx
                .cookie("_wafchallengeid")
                .any(|v| ctx.state.challenges.verify(v));
            if solved {
                with_cookies(ctx, Reply::html(200, d1_as(id)))
            } else {
                let cs = ctx.state.challenges.issue(ctx.state.opts.challenge_max);
                Reply::html(200, fixtures::challenge_page(&cs))
            }
        }
        // Hostile servers: a 50 MiB "page" (a client must refuse it from Content-Length alone)
        // and a gzip bomb (200 MiB of zeros in 200 KB; a client must stop inflating it).
        fixtures::HUGE_PAGE_ID => Reply::html(200, vec![b' '; 50 << 20]),
        fixtures::GZIP_BOMB_ID => {
            let mut reply = Reply::html(200, Bytes::from_static(GZIP_BOMB));
            reply.headers.push(("content-encoding", "gzip".into()));
            reply
        }
        _ => with_cookies(ctx, Reply::html(200, fixtures::post_page(id))),
    }
}

/// D1's page holding D1's item under the id asked for (D1's media): a page always holds the
/// post it was asked for.
fn d1_as(id: u64) -> String {
    let mut item = crate::families::hostile_names::d1_item().clone();
    item["id"] = serde_json::Value::from(id.to_string());
    fixtures::item_page(&item)
}

fn random_text(n: usize) -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(n)
        .map(char::from)
        .collect()
}

/// The cookies TikTok sets on pages; the CDN later demands `tt_chain_token`.
fn with_cookies(ctx: &Ctx, reply: Reply) -> Reply {
    // A cookie for .tiktok.com set by www.tiktokv.com would be rejected by any cookie jar.
    let domain = if in_domain(&ctx.host, "tiktokv.com") {
        ".tiktokv.com"
    } else {
        ".tiktok.com"
    };
    let token = random_text(24);
    lock(&ctx.state.tokens).insert(token.clone());
    let ttwid = format!("1%7C{}%7C{}", random_text(43), random_text(64));
    reply
        .header(
            "set-cookie",
            format!("tt_chain_token={token}; Domain={domain}; Path=/; Secure; HttpOnly"),
        )
        .header(
            "set-cookie",
            format!("ttwid={ttwid}; Domain={domain}; Path=/; Secure; HttpOnly"),
        )
}

fn pct_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Media from the CDN: token check, then the file or a slice of it.
fn cdn(ctx: &Ctx, fault: Option<&Fault>) -> Reply {
    let needs_token = ctx.state.opts.require_token
        && in_domain(&ctx.host, "tiktok.com")
        && ctx.query.contains("tk=tt_chain_token")
        && !ctx.path.starts_with("/bench/");
    if needs_token {
        let tokens = lock(&ctx.state.tokens);
        if !ctx.cookie("tt_chain_token").any(|v| tokens.contains(v)) {
            return Reply::small_page(403, "Access Denied");
        }
    }
    let spec = fixtures::media_file(&ctx.host, &ctx.path_query);
    let src = Source::for_spec(spec);
    let total = src.len();
    let mut reply = Reply {
        status: 200,
        headers: vec![
            ("content-type", spec.kind.content_type().to_string()),
            ("accept-ranges", "bytes".to_string()),
            ("etag", format!("\"{:016x}-{total}\"", spec.seed)),
        ],
        src,
        start: 0,
        end: total,
    };
    let asked = match fault {
        Some(Fault::IgnoreRange) => None,
        _ => ctx.range.as_deref().and_then(|r| parse_range(r, total)),
    };
    let wrong = fault == Some(&Fault::WrongContentRange);
    let (start, last) = match asked {
        Some(Ok(r)) => r,
        Some(Err(())) => {
            reply.status = 416;
            reply.end = 0;
            return reply.header("content-range", format!("bytes */{total}"));
        }
        None if wrong && total > 0 => (0, total - 1),
        None => return reply,
    };
    let start = if !wrong {
        start
    } else if start < last {
        start + 1
    } else {
        start.saturating_sub(1)
    };
    reply.status = 206;
    reply.start = start;
    reply.end = last + 1;
    reply.header("content-range", format!("bytes {start}-{last}/{total}"))
}

/// `None`: no usable Range (serve everything); `Some(Err)`: unsatisfiable.
fn parse_range(header: &str, total: u64) -> Option<Result<(u64, u64), ()>> {
    let spec = header.trim().strip_prefix("bytes=")?.trim();
    if spec.contains(',') {
        return None; // multipart ranges are not something the tool should ask for
    }
    let (a, b) = spec.split_once('-')?;
    let (a, b) = (a.trim(), b.trim());
    if a.is_empty() {
        let n: u64 = b.parse().ok()?;
        if n == 0 || total == 0 {
            return Some(Err(()));
        }
        return Some(Ok((total.saturating_sub(n), total - 1)));
    }
    let a: u64 = a.parse().ok()?;
    if a >= total {
        return Some(Err(()));
    }
    let last = if b.is_empty() {
        total - 1
    } else {
        b.parse::<u64>().ok()?.min(total - 1)
    };
    if last < a {
        return None;
    }
    Some(Ok((a, last)))
}

/// The LIVE family's lookups and pull streams (`families/live.rs`).
fn live(ctx: &Ctx) -> Option<Reply> {
    use crate::families::live as l;
    let param = |name: &str| ctx.param(name);
    let pulls = |room: u64| {
        let needle = format!("/stage/stream-{room}");
        lock(&ctx.state.records)
            .iter()
            .filter(|r| r.host == l::PULL_HOST && r.path.starts_with(&needle))
            .count() as u64
    };
    match (ctx.host.as_str(), ctx.path.as_str()) {
        ("www.tiktok.com", "/api-live/user/room/" | "/api-live/user/room") => {
            Some(l::user_room(&param))
        }
        ("webcast.tiktok.com", "/webcast/room/info/" | "/webcast/room/info") => {
            Some(l::room_info(&param, &|room| pulls(room) > 0))
        }
        (host, path) => {
            let (room, garbage) = l::pull_room(host, path)?;
            Some(l::pull(room, garbage, pulls(room)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-9", 100), Some(Ok((0, 9))));
        assert_eq!(parse_range("bytes=90-", 100), Some(Ok((90, 99))));
        assert_eq!(parse_range("bytes=90-200", 100), Some(Ok((90, 99))));
        assert_eq!(parse_range("bytes=-10", 100), Some(Ok((90, 99))));
        assert_eq!(parse_range("bytes=100-", 100), Some(Err(())));
        assert_eq!(parse_range("bytes=5-2", 100), None);
        assert_eq!(parse_range("items=0-1", 100), None);
    }

    #[test]
    fn hosts() {
        assert!(is_cdn_host("v16-webapp-prime.us.tiktok.com"));
        assert!(is_cdn_host("p16-sign-sg.tiktokcdn.com"));
        assert!(!is_cdn_host("www.tiktok.com"));
        assert!(!is_cdn_host("vm.tiktok.com"));
        assert!(!is_cdn_host("eviltiktok.com"));
        assert_eq!(strip_port("www.tiktok.com:443"), "www.tiktok.com");
    }
}
