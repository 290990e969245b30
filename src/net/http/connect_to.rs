//! `--connect-to HOST1:PORT1:HOST2:PORT2` (curl's syntax): the rules, and the resolver that
//! applies them.

use std::net::SocketAddr;

use super::setup;
use crate::error::Error;

/// One `--connect-to HOST1:PORT1:HOST2:PORT2` rule (curl's syntax; empty parts mean "any" on the
/// left and "unchanged" on the right).
#[derive(Debug, Clone)]
pub(super) struct ConnectTo {
    host1: Option<String>,
    /// 443 or 80; `None` matches both.
    port1: Option<u16>,
    host2: Option<String>,
    port2: Option<u16>,
}

/// Whether `raw` is a `--connect-to` rule tikdl takes (the reason when it is not), for a config
/// file's value to be refused at its line rather than when the client is built.
pub fn check(raw: &str) -> Result<(), String> {
    ConnectTo::parse(raw).map(|_| ()).map_err(|e| e.to_string())
}

impl ConnectTo {
    pub(super) fn parse(raw: &str) -> Result<Self, Error> {
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

/// Resolves each host through the first rule that matches it.
pub(super) struct ConnectToResolver {
    pub(super) rules: Vec<ConnectTo>,
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
}
