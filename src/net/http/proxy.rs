//! Proxy URLs: checked once where they are given (`--proxy`, `proxy.urls`), and the
//! environment's proxy variables checked the same way, so that a mistyped proxy stops the run
//! instead of being bypassed.

use std::fmt;
use std::str::FromStr;

use reqwest::Url;

use super::setup;
use crate::error::Error;
use crate::net::redacted::Secret;

/// The proxy schemes reqwest really uses; any other is refused rather than silently bypassed.
pub const PROXY_SCHEMES: &[&str] = &["http", "https", "socks4", "socks4a", "socks5", "socks5h"];

/// A proxy URL of a scheme reqwest uses, with a host and a port. It is shown (`Display`,
/// `Debug`) with its password redacted.
#[derive(Clone)]
pub struct ProxyUrl {
    raw: Secret,
    proxy: reqwest::Proxy,
}

impl ProxyUrl {
    /// The proxy for a client builder.
    pub(super) fn proxy(&self) -> reqwest::Proxy {
        self.proxy.clone()
    }
}

impl FromStr for ProxyUrl {
    /// The reason, showing the URL with its password redacted.
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, String> {
        let proxy = check_proxy_url(raw)?;
        Ok(Self {
            raw: Secret::from(raw.to_owned()),
            proxy,
        })
    }
}

impl fmt::Display for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::net::redacted::proxy_url(self.raw.expose()))
    }
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProxyUrl({:?})", self.to_string())
    }
}

/// Checks a proxy URL and builds its proxy. The error shows the URL with its password redacted.
fn check_proxy_url(raw: &str) -> Result<reqwest::Proxy, String> {
    let shown = crate::net::redacted::proxy_url(raw);
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
    reqwest::Proxy::all(raw).map_err(|_| format!("{shown:?} is not a valid proxy URL"))
}

/// The proxy variables reqwest reads when no `--proxy` is given: their scheme is checked the same
/// way, so a mistyped one stops the run instead of going direct.
pub(super) fn check_env_proxies() -> Result<(), Error> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let p: ProxyUrl = "http://user:s3cretPW@127.0.0.1:9".parse().unwrap();
        assert!(!p.to_string().contains("s3cretPW") && !format!("{p:?}").contains("s3cretPW"));
    }
}
