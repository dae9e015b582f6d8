//! An HTTP forward proxy on 127.0.0.1 that sends `http://NAME.example.test:PORT/…` to
//! `127.0.0.1:PORT`, for browsers that cannot be told how to resolve a name (WebKitGTK has no
//! host-resolver option, but it takes a proxy). Anything else gets 502, so a browser set to
//! use it never reaches the network.
//!
//! One request per client connection: the request line is turned into origin form, the
//! request goes upstream with `Connection: close`, and the answer comes back with
//! `Connection: close`, so no connection is ever shared between two hosts. The proxy stops
//! when dropped, and by itself after [`LIFETIME`](super::http_server::LIFETIME).

use super::http_server::LIFETIME;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// The host names the proxy forwards end with this.
const DOMAIN: &str = ".example.test";

pub struct LoopbackProxy {
    pub port: u16,
    stop: Arc<AtomicBool>,
}

impl LoopbackProxy {
    pub fn start() -> LoopbackProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = listener.local_addr().expect("local addr").port();
        listener.set_nonblocking(true).expect("nonblocking");
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        thread::spawn(move || {
            let deadline = Instant::now() + LIFETIME;
            while !flag.load(Ordering::SeqCst) && Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => {
                        thread::spawn(move || {
                            let _ = forward(stream);
                        });
                    }
                    Err(_) => thread::sleep(Duration::from_millis(2)),
                }
            }
        });
        LoopbackProxy { port, stop }
    }

    /// The proxy's URL, as a browser's proxy setting takes it.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for LoopbackProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// The loopback port for an absolute `http://` URI on [`DOMAIN`], and the URI's origin-form
/// path.
fn route(target: &str) -> Option<(u16, String)> {
    let rest = target.strip_prefix("http://")?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let (host, port) = authority.rsplit_once(':')?;
    if !host.to_ascii_lowercase().ends_with(DOMAIN) {
        return None;
    }
    Some((port.parse().ok()?, path.to_string()))
}

fn refuse(mut client: TcpStream) -> std::io::Result<()> {
    client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
}

fn forward(client: TcpStream) -> std::io::Result<()> {
    client.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut from_client = BufReader::new(client.try_clone()?);
    let mut line = String::new();
    from_client.read_line(&mut line)?;
    let mut parts = line.trim_end().splitn(3, ' ');
    let (method, target, version) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or("HTTP/1.1"),
    );
    let Some((port, path)) = route(target) else {
        return refuse(client);
    };
    let mut head = format!("{method} {path} {version}\r\n");
    let mut body_len = 0u64;
    loop {
        let mut h = String::new();
        if from_client.read_line(&mut h)? == 0 {
            return Ok(());
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let name = h
            .split(':')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if name == "content-length" {
            body_len = h[h.find(':').unwrap_or(0) + 1..]
                .trim()
                .parse()
                .unwrap_or(0);
        }
        if name == "connection" || name == "proxy-connection" || name == "keep-alive" {
            continue;
        }
        head.push_str(h);
        head.push_str("\r\n");
    }
    head.push_str("Connection: close\r\n\r\n");
    let mut body = Vec::new();
    (&mut from_client).take(body_len).read_to_end(&mut body)?;

    let mut upstream = TcpStream::connect(("127.0.0.1", port))?;
    upstream.set_read_timeout(Some(Duration::from_secs(30)))?;
    upstream.write_all(head.as_bytes())?;
    upstream.write_all(&body)?;
    let mut from_upstream = BufReader::new(upstream);
    let mut answer = Vec::new();
    loop {
        let mut h = String::new();
        if from_upstream.read_line(&mut h)? == 0 {
            return Ok(());
        }
        let end = h.trim_end().is_empty();
        let name = h
            .split(':')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if end {
            answer.extend_from_slice(b"Connection: close\r\n\r\n");
            break;
        }
        if name != "connection" && name != "keep-alive" {
            answer.extend_from_slice(h.as_bytes());
        }
    }
    from_upstream.read_to_end(&mut answer)?;
    let mut client = client;
    client.write_all(&answer)?;
    client.flush()
}
