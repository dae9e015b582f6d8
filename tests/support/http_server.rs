//! A tiny HTTP/1.1 server for tests: 127.0.0.1, an ephemeral port, keep-alive, answers chosen
//! by a handler. It stops when dropped, and by itself after `LIFETIME` in any case, so a failed
//! test never leaves it running.
//!
//! [`reflect_any_origin`] is the handler of the misconfiguration `corsc verify` exists to catch:
//! every `Origin` echoed back with credentials.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// The longest a test server lives.
pub const LIFETIME: Duration = Duration::from_secs(120);

/// What the server saw.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<String> {
        let v: Vec<&str> = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect();
        if v.is_empty() {
            None
        } else {
            Some(v.join(", "))
        }
    }
}

/// The answer: status, header lines (duplicates allowed), body.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// The classic misconfiguration: every request's `Origin` echoed in
/// `Access-Control-Allow-Origin` with `Access-Control-Allow-Credentials: true`, and every
/// preflight granted whatever it asks for. Without `Origin` it sends no CORS headers.
pub fn reflect_any_origin(seen: &Seen) -> Answer {
    let mut headers = Vec::new();
    let Some(origin) = seen.header("origin") else {
        return Answer {
            status: 200,
            headers,
            body: b"ok".to_vec(),
        };
    };
    headers.push(("Access-Control-Allow-Origin".to_string(), origin));
    headers.push((
        "Access-Control-Allow-Credentials".to_string(),
        "true".to_string(),
    ));
    headers.push(("Vary".to_string(), "Origin".to_string()));
    let preflight = seen.method == "OPTIONS";
    if preflight {
        for (ask, grant) in [
            (
                "access-control-request-method",
                "Access-Control-Allow-Methods",
            ),
            (
                "access-control-request-headers",
                "Access-Control-Allow-Headers",
            ),
        ] {
            if let Some(v) = seen.header(ask) {
                headers.push((grant.to_string(), v));
            }
        }
    }
    Answer {
        status: if preflight { 204 } else { 200 },
        headers,
        body: if preflight {
            Vec::new()
        } else {
            b"ok".to_vec()
        },
    }
}

pub type Handler = dyn Fn(&Seen) -> Answer + Send + Sync + 'static;

pub struct Server {
    pub port: u16,
    stop: Arc<AtomicBool>,
}

impl Server {
    pub fn start(handler: impl Fn(&Seen) -> Answer + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = listener.local_addr().expect("local addr").port();
        listener.set_nonblocking(true).expect("nonblocking");
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handler: Arc<Handler> = Arc::new(handler);
        thread::spawn(move || {
            let deadline = Instant::now() + LIFETIME;
            while !flag.load(Ordering::SeqCst) && Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let h = handler.clone();
                        let f = flag.clone();
                        thread::spawn(move || serve(stream, &*h, &f));
                    }
                    Err(_) => thread::sleep(Duration::from_millis(2)),
                }
            }
        });
        Server { port, stop }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn serve(stream: TcpStream, handler: &Handler, stop: &AtomicBool) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut writer = match stream.try_clone() {
        Ok(w) => w,
        Err(_) => return,
    };
    let mut reader = BufReader::new(stream);
    while !stop.load(Ordering::SeqCst) {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let mut parts = line.trim_end().splitn(3, ' ');
        let method = parts.next().unwrap_or("").to_string();
        let path = parts.next().unwrap_or("/").to_string();
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            match reader.read_line(&mut h) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((n, v)) = h.split_once(':') {
                headers.push((n.trim().to_string(), v.trim().to_string()));
            }
        }
        let seen = Seen {
            method,
            path,
            headers,
        };
        if let Some(len) = seen
            .header("content-length")
            .and_then(|l| l.parse::<u64>().ok())
        {
            let mut body = Vec::new();
            let _ = (&mut reader).take(len).read_to_end(&mut body);
        }
        if seen
            .header("transfer-encoding")
            .is_some_and(|t| t.eq_ignore_ascii_case("chunked"))
        {
            // Skip a chunked body: size lines and data until the last (zero) chunk.
            loop {
                let mut size = String::new();
                if reader.read_line(&mut size).unwrap_or(0) == 0 {
                    return;
                }
                let n = usize::from_str_radix(size.trim().split(';').next().unwrap_or(""), 16)
                    .unwrap_or(0);
                let mut skip = vec![0u8; n + 2];
                if reader.read_exact(&mut skip).is_err() {
                    return;
                }
                if n == 0 {
                    break;
                }
            }
        }
        let answer = handler(&seen);
        let mut out = format!("HTTP/1.1 {} X\r\n", answer.status);
        for (n, v) in &answer.headers {
            out.push_str(&format!("{n}: {v}\r\n"));
        }
        out.push_str(&format!("Content-Length: {}\r\n\r\n", answer.body.len()));
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(&answer.body);
        if writer.write_all(&bytes).is_err() || writer.flush().is_err() {
            return;
        }
        if seen
            .header("connection")
            .is_some_and(|c| c.eq_ignore_ascii_case("close"))
        {
            return;
        }
    }
}
