//! Accepting connections: CONNECT or direct TLS on one port, then hyper over TLS.

use std::convert::Infallible;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use crate::body::Kill;
use crate::{ConnInfo, State, lock};

const HEAD_LIMIT: usize = 8 * 1024;
/// A client that connects and then says nothing must not hold a task forever.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(30);

pub async fn serve(
    listener: std::net::TcpListener,
    tls: Arc<rustls::ServerConfig>,
    state: Arc<State>,
    mut shutdown: tokio::sync::oneshot::Receiver<()>,
) {
    let listener = match tokio::net::TcpListener::from_std(listener) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("tiktok-imitation: cannot listen: {e}");
            return;
        }
    };
    let acceptor = TlsAcceptor::from(tls);
    loop {
        tokio::select! {
            _ = &mut shutdown => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(handle_conn(stream, acceptor.clone(), state.clone()));
                }
                // E.g. out of file descriptors: wait a little instead of spinning or dying.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
        }
    }
}

async fn handle_conn(mut stream: TcpStream, acceptor: TlsAcceptor, state: Arc<State>) {
    let _ = stream.set_nodelay(true);
    let mut first = [0u8; 1];
    match tokio::time::timeout(HANDSHAKE_TIMEOUT, stream.peek(&mut first)).await {
        Ok(Ok(1)) => {}
        _ => return,
    }
    let mut connect_host = None;
    let via_connect = first[0] != 0x16;
    if via_connect {
        match tokio::time::timeout(HANDSHAKE_TIMEOUT, proxy_handshake(&mut stream)).await {
            Ok(Ok(Some(host))) => connect_host = Some(host),
            _ => return,
        }
    }
    let tls = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
        Ok(Ok(tls)) => tls,
        _ => return,
    };
    let sni = tls.get_ref().1.server_name().map(str::to_owned);
    let conn = Arc::new(ConnInfo {
        via_connect,
        sni: sni.or(connect_host),
    });
    let kill = Arc::new(Kill::default());
    let io = SharedIo(Arc::new(Mutex::new(tls)), kill.clone());

    let svc_kill = kill.clone();
    let svc = service_fn(move |req| {
        let (state, conn, kill) = (state.clone(), conn.clone(), svc_kill.clone());
        async move { Ok::<_, Infallible>(crate::routes::handle(state, conn, kill, req).await) }
    });
    let mut serving = Box::pin(
        http1::Builder::new()
            .keep_alive(true)
            .serve_connection(TokioIo::new(io.clone()), svc),
    );
    let clean = tokio::select! {
        _ = &mut serving => return,
        clean = kill.wait() => clean,
    };
    // A body asked to end the connection mid-response (a fault). hyper must let go of the
    // stream first so we can decide how it ends.
    drop(serving);
    if clean && let Ok(m) = Arc::try_unwrap(io.0) {
        let mut tls = m.into_inner().unwrap_or_else(|p| p.into_inner());
        // close_notify then FIN: the client sees a tidy end of stream, only too early.
        let _ = tokio::time::timeout(Duration::from_secs(5), tls.shutdown()).await;
    }
    // Otherwise the stream is just dropped: FIN without close_notify, an abort to TLS clients.
}

/// Reads a proxy request head. For CONNECT, answers 200 and returns the target host; anything
/// else gets 405 and `None`.
async fn proxy_handshake(stream: &mut TcpStream) -> io::Result<Option<String>> {
    // One byte at a time so nothing past the head (the client's TLS bytes) is consumed; heads
    // are ~100 bytes, so this costs nothing worth measuring.
    let mut head = Vec::with_capacity(256);
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() >= HEAD_LIMIT || stream.read(&mut byte).await? == 0 {
            return Ok(None);
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head);
    let mut parts = head.lines().next().unwrap_or("").split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if !method.eq_ignore_ascii_case("CONNECT") {
        let body = "only CONNECT is supported by this proxy\n";
        let resp = format!(
            "HTTP/1.1 405 Method Not Allowed\r\nAllow: CONNECT\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(resp.as_bytes()).await?;
        let _ = stream.shutdown().await;
        return Ok(None);
    }
    stream
        .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        .await?;
    let host = target.rsplit_once(':').map_or(target, |(h, _)| h);
    Ok(Some(host.trim_matches(['[', ']']).to_ascii_lowercase()))
}

/// The TLS stream shared between hyper and the connection task, so the task can still close it
/// itself after taking it away from hyper. Each poll locks briefly; there is no contention.
/// Successful flushes are reported to the [`Kill`], so a cut happens only after the bytes before
/// it are really sent.
#[derive(Clone)]
struct SharedIo(Arc<Mutex<TlsStream<TcpStream>>>, Arc<Kill>);

impl AsyncRead for SharedIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut *lock(&self.0)).poll_read(cx, buf)
    }
}

impl AsyncWrite for SharedIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut *lock(&self.0)).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut *lock(&self.0)).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        lock(&self.0).is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let r = Pin::new(&mut *lock(&self.0)).poll_flush(cx);
        if let Poll::Ready(Ok(())) = r {
            self.1.flushed();
        }
        r
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *lock(&self.0)).poll_shutdown(cx)
    }
}
