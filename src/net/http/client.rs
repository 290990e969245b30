//! The client: one lane per proxy (its clients and cookie jar), the identity a post's requests
//! share, and the requests themselves (pages with their redirects, API calls, media).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use reqwest::cookie::{CookieStore, Jar};
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{StatusCode, Url};

use super::connect_to::{ConnectTo, ConnectToResolver};
use super::{
    BoundedBody, CustomHeader, DEFAULT_USER_AGENT, HttpConfig, MAX_PAGE_BYTES, ProxyUrl,
    ROTATING_USER_AGENTS, page_deadline, proxy, setup,
};
use crate::error::{ConnectionReason, ContentReason, Error, Operation};
use crate::hosts;
use crate::net::cookies;
use crate::net::ratelimit::Pacer;
use crate::net::redacted::Secret;
use crate::net::retry::{Failure, RetryPolicy, is_retryable_status, retry_after_header};
use crate::net::stats::{RequestKind, Stats};
use crate::terminal::clip;
use crate::url::is_tiktok_host;

const MAX_REDIRECTS: usize = 5;

/// A fetched page.
#[derive(Debug)]
pub struct Page {
    /// Where the page was in the end (after redirects).
    pub url: Url,
    /// The final answer's HTTP status.
    pub status: u16,
    /// The body, as text (invalid UTF-8 replaced).
    pub body: String,
    /// The `Set-Cookie` values of the responses (redirects included), kept with cached metadata
    /// because the CDN wants them back.
    pub set_cookies: Vec<Secret>,
}

impl Page {
    /// `Ok` for a 2xx answer; otherwise what its status means, for `url` (the page asked for):
    /// 403 is TikTok's block, and on a post's page (`post`) 404 and 410 say the post is gone.
    pub fn check_status(&self, op: Operation, url: &str, post: bool) -> Result<(), Error> {
        Err(match self.status {
            200..=299 => return Ok(()),
            404 | 410 if post => {
                let reason = ContentReason::Removed(Some(format!("HTTP {}", self.status)));
                Error::content(reason, op, url)
            }
            403 => Error::connection(ConnectionReason::Blocked, op, url),
            s => Error::connection(ConnectionReason::Status(s), op, url),
        })
    }
}

/// One way out: a client (with its proxy) and the cookies it has collected. Each proxy gets its
/// own jar so that every exit looks like one consistent browser.
struct Lane {
    /// Pages and API calls (compressed answers decoded).
    client: reqwest::Client,
    /// Media and covers: bytes as sent, never decoded.
    media: reqwest::Client,
    jar: Arc<Jar>,
}

/// Which lane and User-Agent a post's requests use; fixed for the whole post (page, media).
#[derive(Debug, Clone, Copy)]
struct Identity {
    lane: usize,
    /// Index into [`ROTATING_USER_AGENTS`] when rotating.
    user_agent: usize,
}

tokio::task_local! {
    /// The identity of the post the current task is working on (see [`HttpClient::post_scope`]).
    static IDENTITY: Identity;
}

#[derive(Default)]
struct Rotation {
    next_lane: AtomicUsize,
    page_requests: AtomicU64,
}

/// The shared client. Cheap to clone.
#[derive(Clone)]
pub struct HttpClient {
    lanes: Arc<[Lane]>,
    /// `--header` / `headers.custom_headers`, with their scope.
    headers: Arc<[CustomHeader]>,
    /// Whole-answer deadline for one page/API request (see [`page_deadline`]).
    page_deadline: Duration,
    rotation: Arc<Rotation>,
    user_agent_rotation: Option<std::num::NonZeroU32>,
    retry: RetryPolicy,
    pacer: Option<Arc<Pacer>>,
    stats: Arc<Stats>,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The jars hold cookie values and proxy URLs may hold passwords: never print them.
        f.debug_struct("HttpClient")
            .field("lanes", &self.lanes.len())
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// What every lane's clients share: the settings, the User-Agent, the trust roots and the
/// `--connect-to` resolver.
struct LaneParts<'a> {
    cfg: &'a HttpConfig,
    ua: HeaderValue,
    roots: Vec<reqwest::Certificate>,
    resolver: Option<Arc<ConnectToResolver>>,
    cookies: Vec<cookies::Cookie>,
}

impl LaneParts<'_> {
    /// One way out through `proxy` (or direct): its page client, its media client and its jar,
    /// filled with the cookies file's cookies. Pages are decoded (gzip, brotli, deflate); media
    /// never is: tikdl asks for the bytes as they are (identity), so that sizes and ranges are
    /// the file's, and an encoded answer is refused (see `unrequested_encoding`) instead of
    /// inflated.
    fn lane(&self, proxy: Option<&ProxyUrl>) -> Result<Lane, Error> {
        let jar = Arc::new(Jar::default());
        cookies::add_cookies(&jar, &self.cookies);
        Ok(Lane {
            client: self.client(&jar, proxy, true)?,
            media: self.client(&jar, proxy, false)?,
            jar,
        })
    }

    /// One client of a lane; `decode` turns on decoding of compressed answers (pages).
    fn client(
        &self,
        jar: &Arc<Jar>,
        proxy: Option<&ProxyUrl>,
        decode: bool,
    ) -> Result<reqwest::Client, Error> {
        let mut b = reqwest::Client::builder()
            .user_agent(self.ua.clone())
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.cfg.timeout)
            .read_timeout(self.cfg.timeout)
            .gzip(decode)
            .brotli(decode)
            .deflate(decode)
            .http1_only();
        if let Some(p) = proxy {
            b = b.proxy(p.proxy());
        }
        for c in &self.roots {
            b = b.add_root_certificate(c.clone());
        }
        if self.cfg.insecure {
            b = b.danger_accept_invalid_certs(true);
        }
        if let Some(r) = &self.resolver {
            b = b.dns_resolver(r.clone());
        }
        b.build().map_err(|e| {
            setup(format!(
                "cannot set up the HTTP client ({}): check --proxy, --ca-cert and --user-agent",
                crate::error::tidy_cause(&e)
            ))
        })
    }
}

/// The trust roots: the built-in ones plus each `--ca-cert` bundle.
fn load_roots(paths: &[std::path::PathBuf]) -> Result<Vec<reqwest::Certificate>, Error> {
    let mut roots = Vec::new();
    for path in paths {
        let pem = std::fs::read(path)
            .map_err(|e| setup(format!("cannot read --ca-cert {}: {e}", path.display())))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
            setup(format!(
                "--ca-cert {} is not a PEM certificate: {e}",
                path.display()
            ))
        })?;
        if certs.is_empty() {
            return Err(setup(format!(
                "--ca-cert {} holds no PEM certificate",
                path.display()
            )));
        }
        roots.extend(certs);
    }
    Ok(roots)
}

/// The `--connect-to` resolver, when there are rules.
fn connect_to(rules: &[String]) -> Result<Option<Arc<ConnectToResolver>>, Error> {
    if rules.is_empty() {
        return Ok(None);
    }
    let rules = rules
        .iter()
        .map(|r| ConnectTo::parse(r))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(Arc::new(ConnectToResolver { rules })))
}

/// The proxies lanes go through: each of them with rotation, only the first without, none
/// (direct, or the environment's checked proxy) when there are none.
fn lane_proxies(cfg: &HttpConfig) -> Result<Vec<Option<&ProxyUrl>>, Error> {
    if cfg.proxies.is_empty() {
        proxy::check_env_proxies()?;
        return Ok(vec![None]);
    }
    let mut proxies: Vec<Option<&ProxyUrl>> = cfg.proxies.iter().map(Some).collect();
    if proxies.len() > 1 && !cfg.proxy_rotation {
        tracing::warn!(
            "proxy rotation is off: only the first of {} proxies is used",
            proxies.len()
        );
        proxies.truncate(1);
    }
    Ok(proxies)
}

impl HttpClient {
    /// A client for `cfg`. It fails only on what is read or checked here: a `--ca-cert` or
    /// `--cookies` file, a `--connect-to` rule, a proxy variable of the environment.
    pub fn new(cfg: &HttpConfig) -> Result<Self, Error> {
        let roots = load_roots(&cfg.ca_certs)?;
        if cfg.insecure {
            tracing::warn!("TLS certificate verification is disabled (--no-check-certificate)");
        }
        let resolver = connect_to(&cfg.connect_to)?;
        let proxies = lane_proxies(cfg)?;
        let user_agent_rotation = cfg.user_agent_rotation.filter(|_| {
            if cfg.user_agent.is_some() {
                tracing::warn!("--user-agent is set: User-Agent rotation is off");
            }
            cfg.user_agent.is_none()
        });
        let parts = LaneParts {
            cfg,
            ua: cfg.user_agent.as_ref().map_or_else(
                || HeaderValue::from_static(DEFAULT_USER_AGENT),
                |ua| ua.header().clone(),
            ),
            roots,
            resolver,
            cookies: match &cfg.cookies_from_browser {
                Some(spec) => crate::net::browser_cookies::read_browser_cookies(spec)?,
                None => cfg.browser_cookies.clone(),
            }
            .into_iter()
            .chain(match &cfg.cookies_file {
                Some(path) => cookies::read_cookies(path)?,
                None => Vec::new(),
            })
            .chain(cfg.cookies.iter().cloned())
            .collect(),
        };
        let lanes = proxies
            .into_iter()
            .map(|proxy| parts.lane(proxy))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            lanes: lanes.into(),
            headers: cfg.headers.clone().into(),
            page_deadline: page_deadline(cfg.timeout),
            rotation: Arc::default(),
            user_agent_rotation,
            retry: cfg.retry,
            pacer: Pacer::new(cfg.pace).map(Arc::new),
            stats: Arc::default(),
        })
    }

    /// The headers every request starts with: the browser-like defaults, then the custom headers
    /// that apply to `url` (unscoped ones on page/API requests to `*.tiktok.com` only, scoped
    /// ones to their host only). Built per request, never as client-wide default headers, so no
    /// custom header can reach a CDN or a foreign host by accident.
    fn request_headers(&self, url: &Url, page: bool) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("en-US,en;q=0.9"),
        );
        h.insert(
            header::ACCEPT,
            HeaderValue::from_static(
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            ),
        );
        for c in self.headers.iter().filter(|c| c.applies(url, page)) {
            let (name, value) = c.pair();
            h.insert(name, value);
        }
        h
    }

    /// The live counters every request updates.
    pub fn stats(&self) -> &Arc<Stats> {
        &self.stats
    }

    /// Runs `work` (everything done for one post) with one identity: the next proxy in turn and
    /// the current User-Agent, so the post's page and media requests look like one browser.
    /// Nested scopes keep the outer identity.
    pub async fn post_scope<F: Future>(&self, work: F) -> F::Output {
        if IDENTITY.try_with(|_| ()).is_ok() {
            return work.await;
        }
        let lane = self.rotation.next_lane.fetch_add(1, Ordering::Relaxed) % self.lanes.len();
        let identity = Identity {
            lane,
            user_agent: self.rotating_user_agent(),
        };
        IDENTITY.scope(identity, work).await
    }

    /// The User-Agent index rotation is at: it moves on every `interval` page requests.
    fn rotating_user_agent(&self) -> usize {
        match self.user_agent_rotation {
            Some(n) => {
                let pages = self.rotation.page_requests.load(Ordering::Relaxed);
                (pages / u64::from(n.get()) % ROTATING_USER_AGENTS.len() as u64) as usize
            }
            None => 0,
        }
    }

    /// The current post's identity; outside any post, the first lane and the current User-Agent.
    fn identity(&self) -> Identity {
        IDENTITY.try_with(|i| *i).unwrap_or_else(|_| Identity {
            lane: 0,
            user_agent: self.rotating_user_agent(),
        })
    }

    fn lane(&self, identity: Identity) -> &Lane {
        // Modulo: an identity set by another handler in the same task must not index past ours.
        &self.lanes[identity.lane % self.lanes.len()]
    }

    /// The User-Agent header to send explicitly (only when rotating; otherwise the client's).
    fn user_agent_header(&self, identity: Identity) -> Option<HeaderValue> {
        self.user_agent_rotation?;
        ROTATING_USER_AGENTS
            .get(identity.user_agent)
            .map(|ua| HeaderValue::from_static(ua))
    }

    /// A GET for a media file (video, cover, subtitle), through the current post's proxy and
    /// with its User-Agent. Every media GET goes through here, so this is where a URL that the
    /// page names is vetted: https on TikTok's CDN only ([`hosts::check_media_url`]). A refused
    /// URL gives a request that fails at `send()` without any connection, with an error that is
    /// not retried, so the caller moves on to the next mirror or format.
    pub fn media_request(&self, url: Url) -> reqwest::RequestBuilder {
        let identity = self.identity();
        let client = &self.lane(identity).media;
        if let Err(why) = hosts::check_media_url(&url) {
            tracing::debug!("{why}: {url}");
            return client.get(url).query(&Refusal(why));
        }
        self.stats.request(RequestKind::Media);
        // Media is already compressed; identity keeps byte offsets meaningful for Range.
        let req = client
            .get(url.clone())
            .headers(self.request_headers(&url, false))
            .header(header::ACCEPT_ENCODING, "identity");
        match self.user_agent_header(identity) {
            Some(ua) => req.header(header::USER_AGENT, ua),
            None => req,
        }
    }

    /// The bounds of a small fetch that is not a page (a cover): at most `cap` bytes, within
    /// the page deadline from now.
    pub fn small_body(&self, cap: u64) -> BoundedBody {
        BoundedBody::new(cap, self.page_deadline)
    }

    /// Puts back cookies a page set earlier (`Set-Cookie` values, from a cache entry).
    pub fn restore_cookies(&self, page_url: &str, cookies: &[Secret]) {
        let Ok(url) = Url::parse(page_url) else {
            return;
        };
        let jar = &self.lane(self.identity()).jar;
        for c in cookies {
            jar.add_cookie_str(c.expose(), &url);
        }
    }

    /// Tells the pacer TikTok pushed back (a challenge page or a block seen by the caller).
    pub fn throttled(&self, retry_after: Option<Duration>) {
        if let Some(p) = &self.pacer {
            p.throttled(retry_after);
        }
    }

    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }

    /// Stores a cookie as if `url` had set it (used for the bot challenge's answer).
    pub fn set_cookie(&self, url: &Url, name: &str, value: &str) {
        let host = url.host_str().unwrap_or("www.tiktok.com");
        let domain = registrable_tiktok_domain(host);
        self.lane(self.identity()).jar.add_cookie_str(
            &format!("{name}={value}; Domain={domain}; Path=/; Secure"),
            url,
        );
    }

    /// The names (never the values) of cookies that would go to `url`, for logs and tests.
    pub fn cookie_names(&self, url: &Url) -> Vec<String> {
        self.lane(self.identity())
            .jar
            .cookies(url)
            .and_then(|h| h.to_str().ok().map(str::to_owned))
            .map(|s| {
                s.split(';')
                    .filter_map(|kv| kv.split('=').next())
                    .map(|k| k.trim().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// One request with the retry policy; statuses other than the retryable ones come back as is.
    async fn send(
        &self,
        url: &Url,
        op: Operation,
        extra: &HeaderMap,
    ) -> Result<(reqwest::Response, BoundedBody), Error> {
        https_only(url, op)?;
        let what = format!("{op} {url}");
        let identity = self.identity();
        let kind = match op {
            Operation::FetchApi => RequestKind::Api,
            _ => RequestKind::Page,
        };
        self.retry
            .run(&what, |attempt| async move {
                if attempt > 0 {
                    self.stats.retry();
                }
                self.try_once(url, op, extra, identity, kind).await
            })
            .await
    }

    /// One try of [`Self::send`]: paced, counted, and its status sorted (431 is final; 408, 429
    /// and 5xx are worth another try).
    async fn try_once(
        &self,
        url: &Url,
        op: Operation,
        extra: &HeaderMap,
        identity: Identity,
        kind: RequestKind,
    ) -> Result<(reqwest::Response, BoundedBody), Failure> {
        if let Some(p) = &self.pacer {
            let start = Instant::now();
            p.acquire().await;
            self.stats.rate_limit_wait(start.elapsed());
        }
        self.stats.request(kind);
        if kind == RequestKind::Page {
            self.rotation.page_requests.fetch_add(1, Ordering::Relaxed);
        }
        tracing::debug!("GET {url}");
        // The deadline covers the whole answer, body included (the body's reader gets what is
        // left of it): a server that trickles a page byte by byte never trips the idle timeout,
        // but it trips this.
        let deadline = self.page_deadline;
        let body = BoundedBody::until(MAX_PAGE_BYTES, Instant::now() + deadline, deadline);
        let mut req = self
            .lane(identity)
            .client
            .get(url.clone())
            .headers(self.request_headers(url, true))
            .headers(extra.clone());
        if let Some(ua) = self.user_agent_header(identity) {
            req = req.header(header::USER_AGENT, ua);
        }
        let resp = body.send(req, op, url.as_str()).await?;
        let status = resp.status().as_u16();
        tracing::debug!("{status} {url}");
        if status == 431 {
            return Err(Failure::from(headers_too_large(op, url.as_str())));
        }
        if is_retryable_status(status) {
            let retry_after = retry_after_header(resp.headers());
            let reason = if status == 429 {
                self.throttled(retry_after);
                ConnectionReason::RateLimited
            } else {
                ConnectionReason::Status(status)
            };
            return Err(Failure {
                error: Error::connection(reason, op, url.as_str()),
                retry_after,
            });
        }
        Ok((resp, body))
    }

    /// GETs a page, following at most 5 redirects that stay on TikTok's domains. A redirect to
    /// `/login` means the content needs a session.
    pub async fn get_page(&self, url: &Url, op: Operation) -> Result<Page, Error> {
        let mut current = url.clone();
        let mut set_cookies = Vec::new();
        for _ in 0..=MAX_REDIRECTS {
            let (resp, body) = self.send(&current, op, &HeaderMap::new()).await?;
            set_cookies.extend(
                resp.headers()
                    .get_all(header::SET_COOKIE)
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .map(|v| Secret::from(v.to_owned())),
            );
            if resp.status().is_redirection() {
                let next = redirect_target(&resp, &current, op)?;
                if next.path().starts_with("/login") {
                    return Err(Error::content(
                        ContentReason::LoginRequired(None),
                        op,
                        url.as_str(),
                    ));
                }
                current = next;
                continue;
            }
            let status = resp.status().as_u16();
            let body = body.read(resp, op, current.as_str()).await?;
            let body = String::from_utf8_lossy(&body).into_owned();
            return Ok(Page {
                url: current,
                status,
                body,
                set_cookies,
            });
        }
        Err(Error::connection(
            ConnectionReason::Redirect(format!("more than {MAX_REDIRECTS} redirects")),
            op,
            url.as_str(),
        ))
    }

    /// One request without following: the `Location` of a redirect (vetted), or `None` when the
    /// server answered directly. Used to resolve short links hop by hop.
    pub async fn redirect_location(
        &self,
        url: &Url,
        op: Operation,
    ) -> Result<Result<Url, StatusCode>, Error> {
        let (resp, _) = self.send(url, op, &HeaderMap::new()).await?;
        if resp.status().is_redirection() {
            return redirect_target(&resp, url, op).map(Ok);
        }
        Ok(Err(resp.status()))
    }
}

/// Page and API requests go over https on its port only: cookies and custom headers never
/// travel in clear text, and `--connect-to` rules rely on port 443.
fn https_only(url: &Url, op: Operation) -> Result<(), Error> {
    let why = if let Some(port) = url.port() {
        format!("tikdl only talks to TikTok on the https port, not port {port}")
    } else if url.scheme() != "https" {
        format!(
            "tikdl only talks to TikTok over https, not {}://",
            url.scheme()
        )
    } else {
        return Ok(());
    };
    Err(Error::connection(
        ConnectionReason::Redirect(why),
        op,
        url.as_str(),
    ))
}

/// The vetted target of a redirect response.
fn redirect_target(resp: &reqwest::Response, from: &Url, op: Operation) -> Result<Url, Error> {
    let loc = resp
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            Error::connection(
                ConnectionReason::Redirect("redirect without a Location".into()),
                op,
                from.as_str(),
            )
        })?;
    let next = from.join(loc).map_err(|_| {
        Error::connection(
            ConnectionReason::Redirect(format!("invalid Location {loc:?}")),
            op,
            from.as_str(),
        )
    })?;
    let host = next.host_str().unwrap_or("");
    let refuse = |why: String| {
        Err(Error::connection(
            ConnectionReason::Redirect(why),
            op,
            from.as_str(),
        ))
    };
    let shown = clip(next.as_str(), 200);
    if !matches!(next.scheme(), "https" | "http") {
        return refuse(format!(
            "to {shown:?}: a {}: URL, not a TikTok web page",
            next.scheme()
        ));
    }
    if !is_tiktok_host(host) {
        return refuse(format!("to {shown:?}: {host} is not a TikTok domain"));
    }
    if next.scheme() == "http" {
        // A downgrade would send the session cookies in clear text.
        return refuse(format!(
            "to {shown:?}: from https to plain http (cookies would travel unencrypted)"
        ));
    }
    Ok(next)
}

/// The 431 answer: a retry cannot help, the request itself is too big.
fn headers_too_large(op: Operation, url: &str) -> Error {
    let mut e = Error::connection(ConnectionReason::Status(431), op, url);
    if let Error::Connection { suggestions, .. } = &mut e {
        *suggestions = vec![
            "the server refused the request's headers as too large (HTTP 431): the cookies \
             (--cookies) or --header values are too big; export fewer cookies"
                .to_owned(),
        ];
    }
    e
}

/// A query that cannot be serialized: the only way to give a `reqwest::RequestBuilder` that
/// fails at `send()` (before connecting) with our own words. `error::from_reqwest` knows it by
/// its `; refusing` ending and makes a non-retryable error of it.
struct Refusal(String);

impl serde::Serialize for Refusal {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom(&self.0))
    }
}

/// `tiktok.com` for any `*.tiktok.com` host, so a cookie set for a page reaches its CDN too.
fn registrable_tiktok_domain(host: &str) -> String {
    let parts: Vec<&str> = host.trim_end_matches('.').rsplitn(3, '.').collect();
    match parts.as_slice() {
        [tld, name, ..] => format!("{name}.{tld}"),
        _ => host.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_domain() {
        assert_eq!(registrable_tiktok_domain("www.tiktok.com"), "tiktok.com");
        assert_eq!(
            registrable_tiktok_domain("v16-webapp-prime.us.tiktok.com"),
            "tiktok.com"
        );
        assert_eq!(registrable_tiktok_domain("tiktok.com"), "tiktok.com");
    }

    #[test]
    fn handed_over_cookies_reach_tiktok_only() {
        let cfg = HttpConfig {
            cookies: vec![cookies::Cookie {
                domain: ".tiktok.com".into(),
                include_subdomains: true,
                path: "/".into(),
                secure: true,
                expires: None,
                name: "sessionid".into(),
                value: "token".to_owned().into(),
                http_only: true,
            }],
            ..HttpConfig::default()
        };
        let client = HttpClient::new(&cfg).unwrap();
        let page = Url::parse("https://www.tiktok.com/@a/video/7608826249200356630").unwrap();
        assert_eq!(client.cookie_names(&page), ["sessionid"]);
        let other = Url::parse("https://example.com/").unwrap();
        assert!(client.cookie_names(&other).is_empty());
    }
}
