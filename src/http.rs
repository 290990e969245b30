//! The one HTTP client: proxy, TLS roots, `--connect-to`, cookies, headers, size caps, and
//! redirects followed by hand so that none can leave TikTok's domains.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use futures_util::StreamExt;
use reqwest::cookie::{CookieStore, Jar};
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use reqwest::{StatusCode, Url};

use crate::cookies;
use crate::error::{ConnectionReason, ContentReason, Error, Operation, from_reqwest};
use crate::hosts;
use crate::ratelimit::{PaceConfig, Pacer};
use crate::redacted::Secret;
use crate::retry::{Failure, RetryPolicy, is_retryable_status, retry_after_header};
use crate::stats::{RequestKind, Stats};
use crate::url::is_tiktok_host;

/// A current desktop Chrome: TikTok serves the full desktop page (with `bitrateInfo`) to it.
pub const DEFAULT_USER_AGENT: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
     (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36";
/// Current desktop browsers for `user_agent_rotation` (all get TikTok's full desktop page). The
/// default comes first, so rotation starts where a run without it would be.
pub const ROTATING_USER_AGENTS: &[&str] = &[
    DEFAULT_USER_AGENT,
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) \
     Chrome/142.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:145.0) Gecko/20100101 Firefox/145.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
     Chrome/142.0.0.0 Safari/537.36 Edg/142.0.0.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) \
     Version/26.1 Safari/605.1.15",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:145.0) Gecko/20100101 Firefox/145.0",
];
/// Pages are 250-800 KB; anything past this is not a TikTok page.
pub const MAX_PAGE_BYTES: u64 = 20 * 1024 * 1024;
const MAX_REDIRECTS: usize = 5;

/// Network settings (the global command-line options).
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// `http://`, `https://`, `socks4://`, `socks4a://`, `socks5://` or `socks5h://` URLs (any
    /// other scheme is refused, see [`check_proxy_url`]); none honours HTTPS_PROXY/ALL_PROXY/
    /// NO_PROXY (whose scheme is checked the same way).
    pub proxies: Vec<String>,
    /// With several proxies: spread posts across them, round-robin (otherwise only the first is
    /// used).
    pub proxy_rotation: bool,
    /// curl-style `HOST1:PORT1:HOST2:PORT2` rules.
    pub connect_to: Vec<String>,
    /// Extra PEM trust roots.
    pub ca_certs: Vec<PathBuf>,
    pub insecure: bool,
    /// Netscape cookies.txt to read (never written).
    pub cookies_file: Option<PathBuf>,
    pub user_agent: Option<String>,
    /// Change the User-Agent (among [`ROTATING_USER_AGENTS`]) every this many page requests;
    /// `None` keeps one. Ignored when `user_agent` is set.
    pub user_agent_rotation: Option<std::num::NonZeroU32>,
    /// `Name: value` headers for TikTok's page/API hosts (`*.tiktok.com`) only, or
    /// `HOST:Name: value` for requests to that one host (see `parse_header`).
    pub headers: Vec<String>,
    /// Idle timeout (connect, and between reads). A page or API answer must also arrive whole
    /// within [`page_deadline`] of this.
    pub timeout: Duration,
    pub retry: RetryPolicy,
    /// Pacing of page/API requests (not media).
    pub pace: PaceConfig,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            proxies: Vec::new(),
            proxy_rotation: true,
            connect_to: Vec::new(),
            ca_certs: Vec::new(),
            insecure: false,
            cookies_file: None,
            user_agent: None,
            user_agent_rotation: None,
            headers: Vec::new(),
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            pace: PaceConfig::default(),
        }
    }
}

/// A fetched page.
#[derive(Debug)]
pub struct Page {
    pub url: Url,
    pub status: u16,
    pub body: String,
    /// The `Set-Cookie` values of the responses (redirects included), kept with cached metadata
    /// because the CDN wants them back.
    pub set_cookies: Vec<Secret>,
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

/// One lane's client: its cookie jar, proxy, roots and resolver; `decode` turns on decoding of
/// compressed answers (pages), off for media.
fn lane_client(
    cfg: &HttpConfig,
    ua: &HeaderValue,
    jar: &Arc<Jar>,
    proxy: Option<&str>,
    roots: &[reqwest::Certificate],
    resolver: Option<&Arc<ConnectToResolver>>,
    decode: bool,
) -> Result<reqwest::Client, Error> {
    let mut b = reqwest::Client::builder()
        .user_agent(ua.clone())
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(cfg.timeout)
        .read_timeout(cfg.timeout)
        .gzip(decode)
        .brotli(decode)
        .deflate(decode)
        .http1_only();
    if let Some(p) = proxy {
        // Checked above; the URL may carry a password, so it is shown redacted.
        let proxy = reqwest::Proxy::all(p).map_err(|_| {
            setup(format!(
                "--proxy {:?} is not a valid proxy URL",
                crate::redacted::proxy_url(p)
            ))
        })?;
        b = b.proxy(proxy);
    }
    for c in roots {
        b = b.add_root_certificate(c.clone());
    }
    if cfg.insecure {
        b = b.danger_accept_invalid_certs(true);
    }
    if let Some(r) = resolver {
        b = b.dns_resolver(r.clone());
    }
    b.build().map_err(|e| {
        setup(format!(
            "cannot set up the HTTP client ({}): check --proxy, --ca-cert and --user-agent",
            crate::error::tidy_cause(&e)
        ))
    })
}

/// The `Content-Encoding` of a media answer, when it is not the identity tikdl asked for: such
/// bytes are not the file (their size and ranges are the encoding's), so they are refused.
pub fn unrequested_encoding(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::CONTENT_ENCODING)?;
    let v = String::from_utf8_lossy(v.as_bytes())
        .trim()
        .to_ascii_lowercase();
    (!v.is_empty() && v != "identity").then(|| shorten(&v.escape_debug().to_string(), 40))
}

fn setup(msg: String) -> Error {
    Error::Config(msg)
}

impl HttpClient {
    pub fn new(cfg: &HttpConfig) -> Result<Self, Error> {
        let headers = cfg
            .headers
            .iter()
            .map(|h| parse_header(h).map_err(|why| setup(format!("--header: {why}"))))
            .collect::<Result<Vec<_>, _>>()?;
        let mut roots = Vec::new();
        for path in &cfg.ca_certs {
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
        if cfg.insecure {
            tracing::warn!("TLS certificate verification is disabled (--no-check-certificate)");
        }
        let resolver = if cfg.connect_to.is_empty() {
            None
        } else {
            let rules = cfg
                .connect_to
                .iter()
                .map(|r| ConnectTo::parse(r))
                .collect::<Result<Vec<_>, _>>()?;
            Some(Arc::new(ConnectToResolver { rules }))
        };
        for p in &cfg.proxies {
            check_proxy_url(p).map_err(|why| setup(format!("--proxy: {why}")))?;
        }
        if cfg.proxies.is_empty() {
            check_env_proxies()?;
        }
        let mut proxies: Vec<Option<&str>> = cfg.proxies.iter().map(|p| Some(p.as_str())).collect();
        if proxies.len() > 1 && !cfg.proxy_rotation {
            tracing::warn!(
                "proxy rotation is off: only the first of {} proxies is used",
                proxies.len()
            );
            proxies.truncate(1);
        }
        if proxies.is_empty() {
            proxies.push(None);
        }
        let user_agent_rotation = cfg.user_agent_rotation.filter(|_| {
            if cfg.user_agent.is_some() {
                tracing::warn!("--user-agent is set: User-Agent rotation is off");
            }
            cfg.user_agent.is_none()
        });
        let ua = cfg.user_agent.as_deref().unwrap_or(DEFAULT_USER_AGENT);
        let ua = HeaderValue::from_str(ua).map_err(|_| {
            setup(format!(
                "--user-agent: {}",
                header_value_problem("the User-Agent", ua)
            ))
        })?;
        let cookies = match &cfg.cookies_file {
            Some(path) => read_cookies(path)?,
            None => Vec::new(),
        };
        let mut lanes = Vec::with_capacity(proxies.len());
        for proxy in proxies {
            let jar = Arc::new(Jar::default());
            add_cookies(&jar, &cookies);
            // Pages are decoded (gzip, brotli, deflate); media never is: tikdl asks for the
            // bytes as they are (identity), so that sizes and ranges are the file's, and an
            // encoded answer is refused (see `unrequested_encoding`) instead of inflated.
            let client = lane_client(cfg, &ua, &jar, proxy, &roots, resolver.as_ref(), true)?;
            let media = lane_client(cfg, &ua, &jar, proxy, &roots, resolver.as_ref(), false)?;
            lanes.push(Lane { client, media, jar });
        }
        let pacer = Pacer::new(cfg.pace).map(Arc::new);
        Ok(Self {
            lanes: lanes.into(),
            headers: headers.into(),
            page_deadline: page_deadline(cfg.timeout),
            rotation: Arc::default(),
            user_agent_rotation,
            retry: cfg.retry,
            pacer,
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
        let host = url.host_str().unwrap_or("");
        for c in self.headers.iter() {
            let applies = match &c.scope {
                Some(scope) => host.eq_ignore_ascii_case(scope),
                None => page && url.scheme() == "https" && hosts::is_page_host(host),
            };
            if applies {
                h.insert(c.name.clone(), c.value.clone());
            }
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
        let what = format!("{op} {url}");
        if url.port().is_some() {
            // Every request goes to port 443, which `--connect-to` rules rely on.
            return Err(Error::connection(
                ConnectionReason::Redirect(format!(
                    "tikdl only talks to TikTok on the https port, not port {}",
                    url.port().unwrap_or(0)
                )),
                op,
                url.as_str(),
            ));
        }
        if url.scheme() != "https" {
            // Cookies and custom headers never travel in clear text.
            return Err(Error::connection(
                ConnectionReason::Redirect(format!(
                    "tikdl only talks to TikTok over https, not {}://",
                    url.scheme()
                )),
                op,
                url.as_str(),
            ));
        }
        let identity = self.identity();
        let deadline = self.page_deadline;
        let kind = match op {
            Operation::FetchApi => RequestKind::Api,
            _ => RequestKind::Page,
        };
        self.retry
            .run(&what, |attempt| async move {
                if attempt > 0 {
                    self.stats.retry();
                }
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
                // The deadline covers the whole answer, body included (the body's reader gets
                // what is left of it): a server that trickles a page byte by byte never trips
                // the idle timeout, but it trips this.
                let began = Instant::now();
                let body = BoundedBody::until(MAX_PAGE_BYTES, began + deadline, deadline);
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
            })
            .await
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
    let shown = shorten(next.as_str(), 200);
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

/// At most `max` characters of `s`, with "…" when cut.
fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
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

/// The whole-answer deadline of one page/API request: twice the idle `--timeout`, so a server
/// that trickles a page slowly fails with "timed out" instead of holding a slot forever.
pub fn page_deadline(timeout: Duration) -> Duration {
    timeout.saturating_mul(2)
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

/// The low-speed limit (`--low-speed-limit`, `--low-speed-time`, like curl's
/// `--speed-limit/--speed-time`): a transfer that averages fewer than `bytes_per_sec` over
/// `window` is abandoned as too slow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LowSpeed {
    pub bytes_per_sec: u64,
    pub window: Duration,
}

/// Default low-speed limit: fewer than 1 KiB/s ...
pub const LOW_SPEED_LIMIT: u64 = 1024;
/// ... for 30 seconds.
pub const LOW_SPEED_TIME: Duration = Duration::from_secs(30);

impl Default for LowSpeed {
    fn default() -> Self {
        Self {
            bytes_per_sec: LOW_SPEED_LIMIT,
            window: LOW_SPEED_TIME,
        }
    }
}

/// Start of the message of a transfer stopped by the low-speed limit.
pub const TOO_SLOW: &str = "transfer too slow";

/// The low-speed check of one transfer: told the bytes as they come (and `0` when a wait for
/// them ran out), it says once the average over a whole window fell under the limit. One check
/// for every reader, so a slow sender is cut the same way wherever it is read.
#[derive(Debug)]
pub struct SpeedCheck {
    limit: Option<LowSpeed>,
    window_start: Instant,
    window_bytes: u64,
}

impl SpeedCheck {
    /// `None`, a zero rate or a zero window: no check.
    pub fn new(limit: Option<LowSpeed>) -> Self {
        Self {
            limit: limit.filter(|l| l.bytes_per_sec > 0 && !l.window.is_zero()),
            window_start: Instant::now(),
            window_bytes: 0,
        }
    }

    /// Adds `got` bytes; `Some(message)` (starting with [`TOO_SLOW`]) once a full window
    /// averaged under the limit.
    pub fn record(&mut self, got: u64) -> Option<String> {
        let l = self.limit?;
        self.window_bytes += got;
        let elapsed = self.window_start.elapsed();
        if elapsed < l.window {
            return None;
        }
        let want = (l.bytes_per_sec as f64 * elapsed.as_secs_f64()) as u64;
        if self.window_bytes < want {
            return Some(format!(
                "{TOO_SLOW}: {} bytes in {:.0} s, under the low-speed limit of {} bytes/s for \
                 {} s (--low-speed-limit, --low-speed-time)",
                self.window_bytes,
                elapsed.as_secs_f64(),
                l.bytes_per_sec,
                l.window.as_secs()
            ));
        }
        self.window_start = Instant::now();
        self.window_bytes = 0;
        None
    }
}

/// How often a reader waiting for bytes looks at the low-speed check, so a sender that goes
/// quiet is judged too.
const SPEED_POLL: Duration = Duration::from_secs(1);

/// The one reader of a small answer (a page, an API page, a cover) into memory, under three
/// bounds, each named in its error with the URL: a size cap (refused from `Content-Length`
/// before reading when it says so), an overall deadline for the whole answer, and the
/// low-speed limit. A server that trickles, never ends or sends too much is cut by one of them.
#[derive(Debug, Clone, Copy)]
pub struct BoundedBody {
    cap: u64,
    deadline: Instant,
    within: Duration,
    low_speed: Option<LowSpeed>,
}

impl BoundedBody {
    /// At most `cap` bytes, all of them within `within` from now.
    pub fn new(cap: u64, within: Duration) -> Self {
        Self::until(cap, Instant::now() + within, within)
    }

    /// At most `cap` bytes, all of them by `deadline` (`within` after the request began).
    fn until(cap: u64, deadline: Instant, within: Duration) -> Self {
        Self {
            cap,
            deadline,
            within,
            low_speed: None,
        }
    }

    /// Also cut at the low-speed limit.
    pub fn low_speed(mut self, limit: Option<LowSpeed>) -> Self {
        self.low_speed = limit;
        self
    }

    /// Sends `req`; its answer's head must come by the deadline too.
    pub async fn send(
        &self,
        req: reqwest::RequestBuilder,
        op: Operation,
        url: &str,
    ) -> Result<reqwest::Response, Error> {
        let deadline = tokio::time::Instant::from_std(self.deadline);
        match tokio::time::timeout_at(deadline, req.send()).await {
            Ok(sent) => sent.map_err(|e| from_reqwest(e, op, url)),
            Err(_) => Err(self.late(op, url)),
        }
    }

    fn late(&self, op: Operation, url: &str) -> Error {
        let secs = self.within.as_secs().max(1);
        Error::connection(ConnectionReason::Deadline(secs), op, url)
    }

    /// Reads the whole body of `resp` (which [`Self::send`] got) under the bounds.
    pub async fn read(
        self,
        resp: reqwest::Response,
        op: Operation,
        url: &str,
    ) -> Result<Vec<u8>, Error> {
        let too_large = || {
            let mut e = Error::connection(ConnectionReason::TooLarge(self.cap), op, url);
            if let Error::Connection { suggestions, .. } = &mut e {
                *suggestions = vec![format!(
                    "the server sent more than the {} KiB such an answer can be; check --proxy",
                    self.cap >> 10
                )];
            }
            e
        };
        if resp.content_length().is_some_and(|n| n > self.cap) {
            return Err(too_large());
        }
        let mut speed = SpeedCheck::new(self.low_speed);
        let deadline = tokio::time::Instant::from_std(self.deadline);
        let mut out =
            Vec::with_capacity(resp.content_length().unwrap_or(64 * 1024).min(self.cap) as usize);
        let mut stream = resp.bytes_stream();
        loop {
            let next = tokio::select! {
                biased;
                () = tokio::time::sleep_until(deadline) => return Err(self.late(op, url)),
                next = tokio::time::timeout(SPEED_POLL, stream.next()) => next,
            };
            let got = match next {
                Err(_quiet) => 0,
                Ok(None) => return Ok(out),
                Ok(Some(chunk)) => {
                    let chunk = chunk.map_err(|e| from_reqwest(e, op, url))?;
                    if out.len() as u64 + chunk.len() as u64 > self.cap {
                        return Err(too_large());
                    }
                    out.extend_from_slice(&chunk);
                    chunk.len() as u64
                }
            };
            if let Some(msg) = speed.record(got) {
                let mut e = Error::connection(ConnectionReason::Other(msg), op, url);
                if let Error::Connection { suggestions, .. } = &mut e {
                    *suggestions = vec![
                        "the server sends too slowly: retry later, check --proxy, or lower \
                         --low-speed-limit (0 turns the check off)"
                            .to_owned(),
                    ];
                }
                return Err(e);
            }
        }
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

/// A custom header and the requests it goes on.
#[derive(Clone)]
struct CustomHeader {
    /// `None`: page/API requests to `*.tiktok.com`; `Some(host)`: requests to that host only.
    scope: Option<String>,
    name: HeaderName,
    value: HeaderValue,
}

/// The host part of a scoped header (`HOST:Name: value`): whatever comes before the first ':'
/// when it holds a dot (a header name never needs one), followed directly (no space) by the
/// header name. Whether it is a usable host is checked by [`parse_header`].
fn split_scope(raw: &str) -> (Option<&str>, &str) {
    if let Some((head, rest)) = raw.split_once(':')
        && head.contains('.')
        && !head.contains(char::is_whitespace)
        && !rest.starts_with(char::is_whitespace)
        && rest.contains(':')
    {
        return (Some(head), rest);
    }
    (None, raw)
}

/// A scope must be a plain host name (`www.tiktok.com`; a trailing dot is dropped): no
/// wildcard, port, scheme or path, so that it matches exactly the hosts the user means.
fn check_scope(scope: &str) -> Result<String, String> {
    let host = scope
        .strip_suffix('.')
        .unwrap_or(scope)
        .to_ascii_lowercase();
    let plain = !host.is_empty()
        && !host.starts_with(['.', '-'])
        && !host.contains("..")
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    if plain {
        Ok(host)
    } else {
        Err(format!(
            "{:?} is not a host name a header can be scoped to: write HOST:Name: value with a \
             plain host such as www.tiktok.com (no wildcard, port or scheme)",
            shorten(&scope.escape_debug().to_string(), 60)
        ))
    }
}

/// What is wrong with a header value, without quoting it (it may be a token).
fn header_value_problem(what: &str, value: &str) -> String {
    match value
        .char_indices()
        .find(|(_, c)| c.is_control() && *c != '\t')
    {
        Some((i, c)) => format!(
            "{what} has a control character (U+{:04X}) at byte {i}, which a header cannot carry",
            u32::from(c)
        ),
        None => format!("{what} has characters a header cannot carry"),
    }
}

/// Checks a `--header` / `headers.custom_headers` entry: `Name: value`, or `HOST:Name: value`
/// to send it to that host only. The error never quotes the value (it is often a token).
pub fn check_header(raw: &str) -> Result<(), String> {
    parse_header(raw).map(|_| ())
}

/// `(scope, name, value)` of a header entry, trimmed, without checking them (for display).
pub fn header_parts(raw: &str) -> Option<(Option<&str>, &str, &str)> {
    let (scope, rest) = split_scope(raw);
    let (name, value) = rest.split_once(':')?;
    Some((scope, name.trim(), value.trim()))
}

fn parse_header(raw: &str) -> Result<CustomHeader, String> {
    let (scope, rest) = split_scope(raw);
    let Some((name, value)) = rest.split_once(':') else {
        return Err(format!(
            "a header must look like \"Name: value\" (or \"HOST:Name: value\" for one host); \
             got {} characters without a ':'",
            raw.chars().count()
        ));
    };
    let scope = scope.map(check_scope).transpose()?;
    let name_text = name.trim();
    // Real header names are letters, digits, '-' and '_', starting with a letter; anything else
    // (`*.tiktok.com`, `443`) is a mistyped scope that would otherwise go out as a header name.
    let usual = name_text.starts_with(|c: char| c.is_ascii_alphabetic())
        && name_text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !usual {
        return Err(format!(
            "{:?} is not a header name (letters, digits, '-' and '_'); to send a header to one \
             host only, write HOST:Name: value with a plain host such as www.tiktok.com",
            shorten(&name_text.escape_debug().to_string(), 60)
        ));
    }
    let name = HeaderName::from_bytes(name_text.as_bytes()).map_err(|_| {
        format!(
            "{:?} is not a valid header name",
            shorten(&name_text.escape_debug().to_string(), 60)
        )
    })?;
    let mut value = HeaderValue::from_str(value.trim())
        .map_err(|_| header_value_problem(&format!("the value of header {name}"), value))?;
    value.set_sensitive(true);
    Ok(CustomHeader { scope, name, value })
}

/// The proxy schemes reqwest really uses; any other is refused rather than silently bypassed.
pub const PROXY_SCHEMES: &[&str] = &["http", "https", "socks4", "socks4a", "socks5", "socks5h"];

/// Checks a proxy URL. The error shows the URL with its password redacted.
pub fn check_proxy_url(raw: &str) -> Result<(), String> {
    let shown = crate::redacted::proxy_url(raw);
    let url = Url::parse(raw).map_err(|e| format!("{shown:?} is not a valid proxy URL ({e})"))?;
    if !PROXY_SCHEMES.contains(&url.scheme()) {
        return Err(format!(
            "{shown:?}: proxy scheme {:?} is not supported (use {}); refusing rather than \
             connecting without the proxy",
            url.scheme(),
            PROXY_SCHEMES.join(", ")
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("{shown:?} names no proxy host"));
    }
    if url.port_or_known_default().is_none() {
        return Err(format!("{shown:?} names no proxy port"));
    }
    reqwest::Proxy::all(raw).map_err(|_| format!("{shown:?} is not a valid proxy URL"))?;
    Ok(())
}

/// The proxy variables reqwest reads when no `--proxy` is given: their scheme is checked the same
/// way, so a mistyped one stops the run instead of going direct.
fn check_env_proxies() -> Result<(), Error> {
    for var in ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        if let Ok(v) = std::env::var(var)
            && !v.trim().is_empty()
        {
            // reqwest reads a bare `host:port` as http://host:port.
            let v = if v.contains("://") {
                v
            } else {
                format!("http://{v}")
            };
            check_proxy_url(&v)
                .map_err(|why| setup(format!("environment variable {var}: {why}")))?;
        }
    }
    Ok(())
}

/// Largest cookies file read: a browser export is kilobytes; a video passed by mistake is not
/// read whole.
pub const MAX_COOKIES_FILE: u64 = 64 * 1024 * 1024;

fn read_cookies(path: &PathBuf) -> Result<Vec<cookies::Cookie>, Error> {
    use std::io::Read;
    let file = std::fs::File::open(path)
        .map_err(|e| setup(format!("cannot read --cookies {}: {e}", path.display())))?;
    let mut bytes = Vec::new();
    file.take(MAX_COOKIES_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| setup(format!("cannot read --cookies {}: {e}", path.display())))?;
    if bytes.len() as u64 > MAX_COOKIES_FILE {
        return Err(setup(format!(
            "--cookies {} is larger than {} MiB; that is not a cookies.txt export",
            path.display(),
            MAX_COOKIES_FILE >> 20
        )));
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        setup(format!(
            "--cookies {} is not UTF-8 text; export cookies in Netscape cookies.txt format",
            path.display()
        ))
    })?;
    let (list, warnings) = cookies::parse_netscape_checked(&text)
        .map_err(|e| setup(format!("--cookies {}: {e}", path.display())))?;
    for w in warnings {
        tracing::warn!("--cookies {}: {w}", path.display());
    }
    tracing::debug!("read {} cookies from {}", list.len(), path.display());
    Ok(list)
}

fn add_cookies(jar: &Jar, list: &[cookies::Cookie]) {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    for c in list {
        if c.expires.is_some_and(|e| e <= now) {
            continue;
        }
        let host = c.domain.trim_start_matches('.');
        let Ok(url) = Url::parse(&format!(
            "https://{host}{}",
            if c.path.starts_with('/') {
                &c.path
            } else {
                "/"
            }
        )) else {
            continue;
        };
        // Every cookie is marked Secure: tikdl only talks https, and a cookie must never go
        // out in clear text even if a plain-http request slipped through.
        let mut s = format!("{}={}; Path={}; Secure", c.name, c.value.expose(), c.path);
        if c.include_subdomains {
            s.push_str(&format!("; Domain={host}"));
        }
        jar.add_cookie_str(&s, &url);
    }
}

/// One `--connect-to HOST1:PORT1:HOST2:PORT2` rule (curl's syntax; empty parts mean "any" on the
/// left and "unchanged" on the right).
#[derive(Debug, Clone)]
struct ConnectTo {
    host1: Option<String>,
    /// 443 or 80; `None` matches both.
    port1: Option<u16>,
    host2: Option<String>,
    port2: Option<u16>,
}

impl ConnectTo {
    fn parse(raw: &str) -> Result<Self, Error> {
        let bad = |why: &str| {
            setup(format!(
                "--connect-to {raw:?}: {why} (expected HOST1:PORT1:HOST2:PORT2)"
            ))
        };
        // HOST2 may be a bracketed IPv6 address, so split from both ends.
        let mut head = raw.splitn(3, ':');
        let host1 = head.next().ok_or_else(|| bad("missing HOST1"))?;
        let port1 = head.next().ok_or_else(|| bad("missing PORT1"))?;
        let tail = head.next().ok_or_else(|| bad("missing HOST2:PORT2"))?;
        let (host2, port2) = tail.rsplit_once(':').ok_or_else(|| bad("missing PORT2"))?;
        // Every request tikdl makes is https on port 443 (plain http and other ports are
        // refused before any connection, see `HttpClient::send` and `hosts::check_media_url`),
        // so a resolver, which cannot see the port, can still honour PORT1: 443 (or empty)
        // matches every request, 80 none. Other ports could never match: refused.
        let port1 = match port1 {
            "" => None,
            "443" => Some(443),
            "80" => Some(80),
            _ => {
                return Err(bad(
                    "PORT1 must be empty, 443 or 80 (tikdl only makes https requests, on 443)",
                ));
            }
        };
        if port1 == Some(80) {
            tracing::warn!(
                "--connect-to {raw:?}: tikdl makes no plain-http (port 80) requests, so this \
                 rule never applies; use :443: or an empty PORT1"
            );
        }
        let port2 = if port2.is_empty() {
            None
        } else {
            Some(
                port2
                    .parse::<u16>()
                    .map_err(|_| bad("PORT2 is not a port number"))?,
            )
        };
        let host2 = host2.trim_start_matches('[').trim_end_matches(']');
        Ok(Self {
            host1: (!host1.is_empty()).then(|| host1.to_ascii_lowercase()),
            port1,
            host2: (!host2.is_empty()).then(|| host2.to_owned()),
            port2,
        })
    }
}

struct ConnectToResolver {
    rules: Vec<ConnectTo>,
}

impl reqwest::dns::Resolve for ConnectToResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_ascii_lowercase();
        let rule = self
            .rules
            .iter()
            // Requests are all https on 443 (see `ConnectTo::parse`).
            .find(|r| r.host1.as_deref().is_none_or(|h| h == host) && r.port1 != Some(80))
            .cloned();
        Box::pin(async move {
            let (target, port) = match &rule {
                Some(r) => (
                    r.host2.clone().unwrap_or_else(|| host.clone()),
                    r.port2.unwrap_or(0),
                ),
                None => (host.clone(), 0),
            };
            // Port 0 lets the connector use the URL's port; a non-zero port replaces it.
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((target.as_str(), port))
                .await?
                .collect();
            if let Some(r) = &rule {
                tracing::debug!(
                    "connect-to: {host} -> {target}:{}",
                    r.port2.map_or("(same)".into(), |p| p.to_string())
                );
            }
            let iter: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(iter)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_to_rules() {
        let r = ConnectTo::parse("::127.0.0.1:8443").unwrap();
        assert_eq!(
            (r.host1, r.host2.as_deref(), r.port2),
            (None, Some("127.0.0.1"), Some(8443))
        );
        let r = ConnectTo::parse("www.tiktok.com:443:[::1]:9000").unwrap();
        assert_eq!(
            (r.host1.as_deref(), r.host2.as_deref(), r.port2),
            (Some("www.tiktok.com"), Some("::1"), Some(9000))
        );
        let r = ConnectTo::parse("a.tiktok.com:::").unwrap();
        assert_eq!((r.host2, r.port2), (None, None));
        assert!(ConnectTo::parse("nonsense").is_err());
        assert!(ConnectTo::parse("a:8080:b:1").is_err());
        assert!(ConnectTo::parse("a::b:notaport").is_err());
        assert_eq!(ConnectTo::parse("a:80:b:1").unwrap().port1, Some(80));
    }

    #[test]
    fn headers() {
        let h = parse_header("X-Test:  hello ").unwrap();
        assert_eq!(
            (h.scope, h.name.as_str(), h.value.to_str().unwrap()),
            (None, "x-test", "hello")
        );
        let h = parse_header("v16-webapp.tiktok.com:Authorization: Bearer x:y").unwrap();
        assert_eq!(h.scope.as_deref(), Some("v16-webapp.tiktok.com"));
        assert_eq!(h.name.as_str(), "authorization");
        assert_eq!(h.value.to_str().unwrap(), "Bearer x:y");
        // A space after the first colon: a plain header whose value has a colon.
        let h = parse_header("X-Y: a:b").unwrap();
        assert_eq!(h.scope, None);
        // Mistyped scopes never go out as header names (second adversarial probe).
        for bad in [
            "*.tiktok.com:Authorization: A7",
            "www.tiktok.com:443:Authorization: A2",
            "X.Y: a",
        ] {
            let e = parse_header(bad).map(|_| ()).unwrap_err();
            assert!(!e.contains("A7") && !e.contains("A2"), "{e}");
        }
        // A trailing dot and capitals are the same host.
        let h = parse_header("WWW.TIKTOK.COM.:Authorization: A1").unwrap();
        assert_eq!(h.scope.as_deref(), Some("www.tiktok.com"));
        assert!(parse_header("no colon").is_err());
        assert!(parse_header("bad name: x").is_err());
        let e = check_header("Authorization: Bearer TOP\u{1}SECRET").unwrap_err();
        assert!(!e.contains("SECRET") && e.contains("U+0001"), "{e}");
        let e = check_header("BearerTOPSECRET").unwrap_err();
        assert!(!e.contains("SECRET"), "{e}");
    }

    #[test]
    fn proxies() {
        for ok in [
            "http://127.0.0.1:8080",
            "socks5h://127.0.0.1:9050",
            "socks4a://h:1",
        ] {
            check_proxy_url(ok).unwrap();
        }
        let e = check_proxy_url("sock5://u:s3cretPW@127.0.0.1:9").unwrap_err();
        assert!(e.contains("\"sock5\"") && !e.contains("s3cretPW"), "{e}");
        let e = check_proxy_url("http://user:s3cretPW@127.0.0.1:99999").unwrap_err();
        assert!(!e.contains("s3cretPW"), "{e}");
        assert!(check_proxy_url("ftp://h:1").is_err());
    }

    #[test]
    fn the_speed_check_judges_only_whole_windows_and_can_be_off() {
        let limit = |window| {
            Some(LowSpeed {
                bytes_per_sec: 1000,
                window,
            })
        };
        let mut off = SpeedCheck::new(None);
        let mut zero = SpeedCheck::new(Some(LowSpeed {
            bytes_per_sec: 0,
            window: Duration::ZERO,
        }));
        let mut long = SpeedCheck::new(limit(Duration::from_secs(3600)));
        let mut short = SpeedCheck::new(limit(Duration::from_millis(1)));
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(off.record(1), None);
        assert_eq!(zero.record(1), None);
        assert_eq!(long.record(1), None, "the window is not over");
        let msg = short.record(1).unwrap();
        assert!(
            msg.starts_with(TOO_SLOW) && msg.contains("1000 bytes/s"),
            "{msg}"
        );
    }

    #[test]
    fn cookie_domain() {
        assert_eq!(registrable_tiktok_domain("www.tiktok.com"), "tiktok.com");
        assert_eq!(
            registrable_tiktok_domain("v16-webapp-prime.us.tiktok.com"),
            "tiktok.com"
        );
        assert_eq!(registrable_tiktok_domain("tiktok.com"), "tiktok.com");
    }
}
