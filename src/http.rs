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
    /// `http://`, `https://`, `socks5://` or `socks5h://` URLs; none honours
    /// HTTPS_PROXY/ALL_PROXY/NO_PROXY.
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
    /// `Name: value` headers sent on every request.
    pub headers: Vec<String>,
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
    client: reqwest::Client,
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

fn setup(msg: String) -> Error {
    Error::Config(msg)
}

impl HttpClient {
    pub fn new(cfg: &HttpConfig) -> Result<Self, Error> {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("en-US,en;q=0.9"),
        );
        headers.insert(
            header::ACCEPT,
            HeaderValue::from_static(
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            ),
        );
        for h in &cfg.headers {
            let (name, value) = parse_header(h)?;
            headers.insert(name, value);
        }
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
        let mut lanes = Vec::with_capacity(proxies.len());
        for proxy in proxies {
            let jar = Arc::new(Jar::default());
            if let Some(path) = &cfg.cookies_file {
                load_cookies(&jar, path)?;
            }
            let mut b = reqwest::Client::builder()
                .user_agent(ua)
                .default_headers(headers.clone())
                .cookie_provider(jar.clone())
                .redirect(reqwest::redirect::Policy::none())
                .connect_timeout(cfg.timeout)
                .read_timeout(cfg.timeout)
                .gzip(true)
                .brotli(true)
                .deflate(true)
                .http1_only();
            if let Some(p) = proxy {
                // The URL may carry a password: it is shown redacted.
                let proxy = reqwest::Proxy::all(p).map_err(|e| {
                    setup(format!(
                        "--proxy {:?} is not a valid proxy URL: {e}",
                        redact_userinfo(p)
                    ))
                })?;
                b = b.proxy(proxy);
            }
            for c in &roots {
                b = b.add_root_certificate(c.clone());
            }
            if cfg.insecure {
                b = b.danger_accept_invalid_certs(true);
            }
            if let Some(r) = &resolver {
                b = b.dns_resolver(r.clone());
            }
            let client = b
                .build()
                .map_err(|e| setup(format!("cannot build the HTTP client: {e}")))?;
            lanes.push(Lane { client, jar });
        }
        let pacer = Pacer::new(cfg.pace).map(Arc::new);
        Ok(Self {
            lanes: lanes.into(),
            rotation: Arc::default(),
            user_agent_rotation,
            retry: cfg.retry,
            pacer,
            stats: Arc::default(),
        })
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

    /// A GET for a media file, through the current post's proxy and with its User-Agent.
    pub fn media_request(&self, url: Url) -> reqwest::RequestBuilder {
        self.stats.request(RequestKind::Media);
        let identity = self.identity();
        let req = self.lane(identity).client.get(url);
        match self.user_agent_header(identity) {
            Some(ua) => req.header(header::USER_AGENT, ua),
            None => req,
        }
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

    /// The raw client of the current post's lane (prefer [`Self::media_request`], which counts).
    pub fn inner(&self) -> &reqwest::Client {
        &self.lane(self.identity()).client
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
    ) -> Result<reqwest::Response, Error> {
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
                let mut req = self
                    .lane(identity)
                    .client
                    .get(url.clone())
                    .headers(extra.clone());
                if let Some(ua) = self.user_agent_header(identity) {
                    req = req.header(header::USER_AGENT, ua);
                }
                let resp = req
                    .send()
                    .await
                    .map_err(|e| Failure::from(from_reqwest(e, op, url.as_str())))?;
                let status = resp.status().as_u16();
                tracing::debug!("{status} {url}");
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
                Ok(resp)
            })
            .await
    }

    /// GETs a page, following at most 5 redirects that stay on TikTok's domains. A redirect to
    /// `/login` means the content needs a session.
    pub async fn get_page(&self, url: &Url, op: Operation) -> Result<Page, Error> {
        let mut current = url.clone();
        let mut set_cookies = Vec::new();
        for _ in 0..=MAX_REDIRECTS {
            let resp = self.send(&current, op, &HeaderMap::new()).await?;
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
            let body = read_capped(resp, MAX_PAGE_BYTES, op, current.as_str()).await?;
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
        let resp = self.send(url, op, &HeaderMap::new()).await?;
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
    if !matches!(next.scheme(), "https" | "http") || !is_tiktok_host(host) {
        return Err(Error::connection(
            ConnectionReason::Redirect(format!("to {host:?}, which is not a TikTok domain")),
            op,
            from.as_str(),
        ));
    }
    Ok(next)
}

/// Reads a body, refusing (without reading it all) one larger than `cap`.
pub(crate) async fn read_capped(
    resp: reqwest::Response,
    cap: u64,
    op: Operation,
    url: &str,
) -> Result<Vec<u8>, Error> {
    if resp.content_length().is_some_and(|n| n > cap) {
        return Err(Error::connection(ConnectionReason::TooLarge(cap), op, url));
    }
    let mut out = Vec::with_capacity(resp.content_length().unwrap_or(512 * 1024).min(cap) as usize);
    let mut stream = resp.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| from_reqwest(e, op, url))?;
        if out.len() as u64 + chunk.len() as u64 > cap {
            return Err(Error::connection(ConnectionReason::TooLarge(cap), op, url));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// A proxy URL without its password, for messages.
fn redact_userinfo(proxy: &str) -> String {
    match Url::parse(proxy) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("(redacted)"));
            u.to_string()
        }
        _ => proxy.to_owned(),
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

fn parse_header(raw: &str) -> Result<(HeaderName, HeaderValue), Error> {
    let (name, value) = raw
        .split_once(':')
        .ok_or_else(|| setup(format!("--header {raw:?} must look like \"Name: value\"")))?;
    let name = HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| {
        setup(format!(
            "--header {raw:?}: {:?} is not a valid header name",
            name.trim()
        ))
    })?;
    let value = HeaderValue::from_str(value.trim()).map_err(|_| {
        setup(format!(
            "--header {raw:?}: the value has characters a header cannot carry"
        ))
    })?;
    Ok((name, value))
}

fn load_cookies(jar: &Jar, path: &PathBuf) -> Result<(), Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| setup(format!("cannot read --cookies {}: {e}", path.display())))?;
    let list = cookies::parse_netscape(&text)
        .map_err(|e| setup(format!("--cookies {}: {e}", path.display())))?;
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut loaded = 0;
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
        let mut s = format!("{}={}; Path={}", c.name, c.value.expose(), c.path);
        if c.include_subdomains {
            s.push_str(&format!("; Domain={host}"));
        }
        if c.secure {
            s.push_str("; Secure");
        }
        jar.add_cookie_str(&s, &url);
        loaded += 1;
    }
    tracing::debug!("loaded {loaded} cookies from {}", path.display());
    Ok(())
}

/// One `--connect-to HOST1:PORT1:HOST2:PORT2` rule (curl's syntax; empty parts mean "any" on the
/// left and "unchanged" on the right).
#[derive(Debug, Clone)]
struct ConnectTo {
    host1: Option<String>,
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
        // Our requests use the scheme's default port, which a resolver cannot see; a rule for
        // another port would never apply, so say so rather than silently ignore it.
        if !port1.is_empty() && port1 != "443" && port1 != "80" {
            return Err(bad("PORT1 must be empty, 443 or 80"));
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
            .find(|r| r.host1.as_deref().is_none_or(|h| h == host))
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
    }

    #[test]
    fn headers() {
        let (n, v) = parse_header("X-Test:  hello ").unwrap();
        assert_eq!((n.as_str(), v.to_str().unwrap()), ("x-test", "hello"));
        assert!(parse_header("no colon").is_err());
        assert!(parse_header("bad name: x").is_err());
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
