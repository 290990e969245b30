//! Talks to the imitation the way the tool does: a real TLS client trusting only the test CA,
//! through a proxy CONNECT or directly.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use tiktok_imitation::{Fault, FaultRule, Imitation};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const D1_PAGE: &str = "https://www.tiktok.com/@emthenutritionist/video/7608826249200356630";
/// D2's smallest video (1719376 bytes, `tk=tt_chain_token`).
const D2_SMALL: &str = "https://v16-webapp-prime.tiktok.com/video/tos/alisg/tos-alisg-pve-0037c001/o0BiAVEt1oB51dYAQIHs1Y9tPinARSEBc0aEi/?a=1988&bti=ODszNWYuMDE6&ch=0&cr=3&dr=0&lr=all&cd=0%7C0%7C0%7C&cv=1&br=788&bt=394&cs=2&ds=6&ft=I~da4oTzD12NvFlm2WIxR3TNWlBF-UjNSfopiX&mime_type=video_mp4&qs=11&rc=NDRoNmg2MzVoOWQ4aTlnZEBpM2dlOW85cm86NDMzODczNEA1LTBfYzU1XmMxYTFfMzBjYSNiZzEvMmQ0X25hLS1kMTFzcw%3D%3D&btag=e00088000&expire=1753379896&l=20250723015742FC3B8D97F9967CCF6C54&ply_type=2&policy=2&signature=b08bd3a5bdecd82e64fd3f731a6a835f&tk=tt_chain_token";

#[derive(Clone, Copy, PartialEq)]
enum Via {
    Connect,
    Direct,
}

struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// The stream ended with a TLS close_notify (not an abort).
    clean_eof: bool,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// `name=value` pairs from Set-Cookie, ready for a Cookie header.
    fn cookies(&self) -> String {
        self.all("set-cookie")
            .iter()
            .map(|c| c.split(';').next().unwrap())
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn client_config(ca_pem: &str) -> Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(ca_pem.as_bytes()).unwrap())
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Arc::new(config)
}

async fn fetch(im: &Imitation, via: Via, url: &str, headers: &[(&str, &str)]) -> Resp {
    let rest = url.strip_prefix("https://").unwrap();
    let i = rest.find('/').unwrap_or(rest.len());
    let (host, pq) = (&rest[..i], if i < rest.len() { &rest[i..] } else { "/" });
    let mut tcp = TcpStream::connect(("127.0.0.1", im.port())).await.unwrap();
    if via == Via::Connect {
        let req = format!("CONNECT {host}:443 HTTP/1.1\r\nHost: {host}:443\r\n\r\n");
        tcp.write_all(req.as_bytes()).await.unwrap();
        let mut head = Vec::new();
        while !head.ends_with(b"\r\n\r\n") {
            let mut b = [0u8; 1];
            assert_eq!(tcp.read(&mut b).await.unwrap(), 1, "proxy closed");
            head.push(b[0]);
        }
        assert!(
            head.starts_with(b"HTTP/1.1 200"),
            "{}",
            String::from_utf8_lossy(&head)
        );
    }
    let connector = tokio_rustls::TlsConnector::from(client_config(&im.ca_pem()));
    let name = ServerName::try_from(host.to_string()).unwrap();
    let mut tls = connector.connect(name, tcp).await.expect("TLS handshake");
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"http/1.1"[..]));
    let mut req =
        format!("GET {pq} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nUser-Agent: test\r\n");
    for (n, v) in headers {
        req.push_str(&format!("{n}: {v}\r\n"));
    }
    req.push_str("\r\n");
    tls.write_all(req.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    let clean_eof = loop {
        match tls.read(&mut buf).await {
            Ok(0) => break true,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            Err(_) => break false,
        }
    };
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("response head")
        + 4;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Resp {
        status,
        headers,
        body: raw[split..].to_vec(),
        clean_eof,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_both_ways_sets_cookies() {
    let started = Instant::now();
    let im = Imitation::start();
    for via in [Via::Connect, Via::Direct] {
        let r = fetch(&im, via, &format!("{D1_PAGE}?is_from_webapp=1"), &[]).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
        let cookies = r.all("set-cookie");
        assert!(
            cookies
                .iter()
                .any(|c| c.starts_with("tt_chain_token=") && c.contains("Domain=.tiktok.com"))
        );
        assert!(cookies.iter().any(|c| c.starts_with("ttwid=")));
        assert!(r.text().contains("__UNIVERSAL_DATA_FOR_REHYDRATION__"));
        assert_eq!(
            r.body.len(),
            r.header("content-length")
                .unwrap()
                .parse::<usize>()
                .unwrap()
        );
    }
    let recs = im.requests();
    assert_eq!(recs.len(), 2);
    assert!(recs[0].via_connect && !recs[1].via_connect);
    assert_eq!(recs[0].host, "www.tiktok.com");
    assert_eq!(
        recs[0].path,
        "/@emthenutritionist/video/7608826249200356630?is_from_webapp=1"
    );
    assert_eq!(recs[0].user_agent.as_deref(), Some("test"));

    // Other page kinds.
    let r = fetch(
        &im,
        Via::Direct,
        "https://www.tiktok.com/@x/video/7243914257526541573",
        &[],
    )
    .await;
    assert!(
        r.text()
            .contains(r#"<script id="SIGI_STATE" type="application/json">{"AppContext""#)
    );
    let r = fetch(
        &im,
        Via::Direct,
        "https://m.tiktok.com/v/7175983749526523141.html",
        &[],
    )
    .await;
    assert!(
        r.text()
            .contains(r#"{"props":{"pageProps":{"statusCode":0,"itemInfo":{"itemStruct":{"#)
    );
    let r = fetch(
        &im,
        Via::Direct,
        "https://www.tiktok.com/@_/video/1234",
        &[],
    )
    .await;
    assert!(r.text().contains(r#""statusCode":10204"#));
    let r = fetch(
        &im,
        Via::Direct,
        "https://www.tiktok.com/@_/video/7000000000000000401",
        &[],
    )
    .await;
    assert_eq!(r.status, 302);
    assert!(
        r.header("location")
            .unwrap()
            .starts_with("https://www.tiktok.com/login?redirect_url=https%3A%2F%2F")
    );
    let r = fetch(&im, Via::Connect, "https://vm.tiktok.com/ZMhop1/", &[]).await;
    assert_eq!(
        (r.status, r.header("location")),
        (302, Some("https://vm.tiktok.com/ZMhop2/"))
    );
    let r = fetch(&im, Via::Connect, "https://www.tiktok.com/t/ZMnope/", &[]).await;
    assert_eq!(
        (r.status, r.header("location")),
        (302, Some("https://www.tiktok.com/"))
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cdn_needs_issued_token_and_serves_ranges() {
    let im = Imitation::start();
    let r = fetch(&im, Via::Connect, D2_SMALL, &[]).await;
    assert_eq!(r.status, 403);
    let r = fetch(
        &im,
        Via::Connect,
        D2_SMALL,
        &[("Cookie", "tt_chain_token=madeup")],
    )
    .await;
    assert_eq!(r.status, 403);

    let page = fetch(
        &im,
        Via::Connect,
        "https://www.tiktok.com/@dangthuhaf/video/7526770564367748360",
        &[],
    )
    .await;
    let cookie = page.cookies();
    let whole = im.media_bytes(D2_SMALL);
    assert_eq!(whole.len(), 1719376);
    assert_eq!(&whole[4..8], b"ftyp");
    let r = fetch(&im, Via::Connect, D2_SMALL, &[("Cookie", &cookie)]).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("video/mp4"));
    assert_eq!(r.header("accept-ranges"), Some("bytes"));
    assert!(r.body == whole, "full body differs from media_bytes");

    // The v19 mirror serves the same file.
    let v19 = D2_SMALL.replace("v16-webapp-prime", "v19-webapp-prime");
    let r = fetch(
        &im,
        Via::Direct,
        &v19,
        &[("Cookie", &cookie), ("Range", "bytes=1000-2999")],
    )
    .await;
    assert_eq!(r.status, 206);
    assert_eq!(r.header("content-range"), Some("bytes 1000-2999/1719376"));
    assert!(r.body == whole[1000..3000]);
    let r = fetch(
        &im,
        Via::Direct,
        &v19,
        &[("Cookie", &cookie), ("Range", "bytes=1719000-")],
    )
    .await;
    assert!(r.body == whole[1719000..]);
    let r = fetch(
        &im,
        Via::Direct,
        &v19,
        &[("Cookie", &cookie), ("Range", "bytes=1719376-")],
    )
    .await;
    assert_eq!(r.status, 416);
    assert_eq!(r.header("content-range"), Some("bytes */1719376"));

    // Unlisted URLs: deterministic, sized from the hash, no token needed without tk=.
    let cover =
        "https://p16-sign-sg.tiktokcdn.com/tos-alisg-p-0037/abc~tplv-tiktokx-origin.image?x=1";
    let r = fetch(&im, Via::Direct, cover, &[]).await;
    assert_eq!(
        (r.status, r.header("content-type")),
        (200, Some("image/jpeg"))
    );
    assert!(r.body == im.media_bytes(cover));
    assert!((40_000..=400_000).contains(&r.body.len()));
    let bench = "https://v16-webapp-prime.tiktok.com/bench/123457.mp4?tk=tt_chain_token";
    let r = fetch(&im, Via::Direct, bench, &[]).await;
    assert_eq!((r.status, r.body.len()), (200, 123457));
}

/// Finds the `cs` in a challenge page, solves it and builds the answer cookie.
fn solve_challenge(page: &str) -> String {
    let open = r#"<p id="cs" class=""#;
    let start = page.find(open).unwrap() + open.len();
    let cs = &page[start..start + page[start..].find('"').unwrap()];
    tiktok_imitation::solve_challenge(cs, 100_000).expect("n within challenge_max")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waf_challenge_round_trip() {
    let im = Imitation::start_with(tiktok_imitation::Options {
        challenge_max: 2_000,
        ..Default::default()
    });
    let url = "https://www.tiktok.com/@emthenutritionist/video/7000000000000000403";
    let r = fetch(&im, Via::Connect, url, &[]).await;
    assert_eq!(r.status, 200);
    let page = r.text();
    assert!(page.contains(r#"<p id="wci" class="_wafchallengeid"></p>"#));
    assert!(!page.contains("__UNIVERSAL_DATA_FOR_REHYDRATION__"));
    let answer = solve_challenge(&page);
    let cookie = format!("_wafchallengeid={answer}; waforiginalreid=");
    let r = fetch(&im, Via::Connect, url, &[("Cookie", &cookie)]).await;
    assert!(r.text().contains("7608826249200356630"));
    assert!(r.text().contains("__UNIVERSAL_DATA_FOR_REHYDRATION__"));
    // A made-up answer still gets the challenge.
    let r = fetch(
        &im,
        Via::Connect,
        url,
        &[("Cookie", "_wafchallengeid=eyJ2Ijp7fX0")],
    )
    .await;
    assert!(r.text().contains(r#"<p id="cs" class=""#));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_fire_exactly_times() {
    let im = Imitation::start();
    im.add_fault(FaultRule {
        host: Some("vm.tiktok.com".into()),
        path_contains: "ZMdesk1".into(),
        fault: Fault::Status {
            code: 429,
            retry_after: Some(2),
        },
        times: 2,
    });
    let url = "https://vm.tiktok.com/ZMdesk1";
    for want in [429, 429, 301, 301] {
        let r = fetch(&im, Via::Connect, url, &[]).await;
        assert_eq!(r.status, want);
        if want == 429 {
            assert_eq!(r.header("retry-after"), Some("2"));
        }
    }
    let statuses: Vec<u16> = im.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 429, 301, 301]);
    im.clear_requests();
    assert!(im.requests().is_empty());

    // Transfer faults on media.
    let bench = "https://v16-webapp-prime.tiktok.com/bench/500000.mp4";
    let whole = im.media_bytes(bench);
    let add = |fault: Fault| {
        im.add_fault(FaultRule {
            host: None,
            path_contains: "/bench/".into(),
            fault,
            times: 1,
        })
    };
    add(Fault::DropAfter(100_000));
    let r = fetch(&im, Via::Direct, bench, &[]).await;
    assert_eq!(
        (r.status, r.header("content-length")),
        (200, Some("500000"))
    );
    assert!(r.body == whole[..100_000] && !r.clean_eof);

    // A cut deep into a body bigger than the socket buffers still delivers exactly N bytes.
    let big = "https://v16-webapp-prime.tiktok.com/bench/4000000.mp4";
    add(Fault::DropAfter(3_000_001));
    let r = fetch(&im, Via::Direct, big, &[]).await;
    assert!(r.body.len() == 3_000_001 && !r.clean_eof);
    assert!(r.body == im.media_bytes(big)[..3_000_001]);

    add(Fault::StallBody {
        after: 1000,
        dur: Duration::from_millis(200),
    });
    let t = Instant::now();
    let r = fetch(&im, Via::Direct, bench, &[]).await;
    assert!(t.elapsed() >= Duration::from_millis(200) && r.body == whole);

    add(Fault::ShortBody(70_000));
    let r = fetch(&im, Via::Direct, bench, &[]).await;
    assert_eq!(r.header("content-length"), Some("500000"));
    assert!(r.body == whole[..70_000] && r.clean_eof);

    add(Fault::LongContentLength);
    let r = fetch(&im, Via::Direct, bench, &[]).await;
    assert!(r.header("content-length").unwrap().parse::<u64>().unwrap() > 500_000);
    assert!(r.body == whole && r.clean_eof);

    add(Fault::IgnoreRange);
    let r = fetch(&im, Via::Direct, bench, &[("Range", "bytes=10-19")]).await;
    assert_eq!((r.status, r.body.len()), (200, 500_000));

    add(Fault::WrongContentRange);
    let r = fetch(&im, Via::Direct, bench, &[("Range", "bytes=10-19")]).await;
    assert_eq!(r.status, 206);
    assert_eq!(r.header("content-range"), Some("bytes 11-19/500000"));
    assert!(r.body == whole[11..20]);

    add(Fault::Stall(Duration::from_millis(300)));
    let t = Instant::now();
    let r = fetch(&im, Via::Direct, bench, &[("Range", "bytes=0-9")]).await;
    assert!(t.elapsed() >= Duration::from_millis(300) && r.status == 206);

    add(Fault::JsonInsteadOfMedia);
    let r = fetch(&im, Via::Direct, bench, &[]).await;
    assert_eq!(
        r.header("content-type"),
        Some("application/json; charset=utf-8")
    );

    // All rules are used up: normal again.
    let r = fetch(&im, Via::Direct, bench, &[]).await;
    assert!(r.status == 200 && r.body == whole);
}

#[test]
fn plain_requests_get_405_and_ca_file() {
    use std::io::{Read, Write};
    let im = Imitation::start();
    let mut s = std::net::TcpStream::connect(("127.0.0.1", im.port())).unwrap();
    s.write_all(b"GET http://www.tiktok.com/ HTTP/1.1\r\nHost: www.tiktok.com\r\n\r\n")
        .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert!(out.starts_with("HTTP/1.1 405"));
    let dir = std::env::temp_dir().join(format!("imitation-ca-{}", im.port()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = im.write_ca(&dir);
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("BEGIN CERTIFICATE")
    );
    assert_eq!(im.proxy_url(), format!("http://127.0.0.1:{}", im.port()));
    let _ = std::fs::remove_dir_all(dir);
}

/// Every request is in the log, the media of the families that misbehave on their own included,
/// and a fault rule never takes a use on them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_is_logged_and_own_media_take_no_fault() {
    let im = Imitation::start();
    im.add_fault(FaultRule {
        host: None,
        path_contains: "/vp79/".into(),
        fault: Fault::Status {
            code: 503,
            retry_after: None,
        },
        times: 1,
    });
    let storage = tiktok_imitation::storage_media_url("range");
    let valid = "https://v16-webapp-prime.tiktok.com/vp79/1/1080.mp4";
    for url in [storage.as_str(), valid] {
        let r = fetch(&im, Via::Connect, url, &[]).await;
        assert_eq!(r.status, 200, "{url}");
    }
    let log = im.requests();
    assert!(
        log.iter().any(|r| r.path.contains("/hs72/range/")),
        "{log:?}"
    );
    assert!(log.iter().any(|r| r.path == "/vp79/1/1080.mp4"), "{log:?}");
}
