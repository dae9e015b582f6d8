//! A tiny HTTP/1.1 client over `std::net::TcpStream`, for talking to engines on 127.0.0.1.
//!
//! One request per connection (`Connection: close`), bounded by a timeout, headers kept in
//! order and with repeats, so a test can see a doubled header.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of the support code"
)]

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::Duration;

/// A parsed response: status and headers (the body is not kept).
#[derive(Debug)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Header lines in order, names as sent.
    pub headers: Vec<(String, String)>,
}

impl Response {
    /// Every value of a header, case-insensitively by name.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The value of a header sent exactly once; panics with the response when it was sent
    /// several times, because a doubled CORS header fails the browser's check.
    pub fn one(&self, name: &str) -> Option<&str> {
        let all = self.all(name);
        assert!(
            all.len() <= 1,
            "`{name}` sent {} times: {self:#?}",
            all.len()
        );
        all.first().copied()
    }

    /// Every member of every `Vary` line, lower-cased.
    pub fn vary(&self) -> Vec<String> {
        self.all("vary")
            .iter()
            .flat_map(|v| v.split(','))
            .map(|s| s.trim().to_ascii_lowercase())
            .filter(|s| !s.is_empty())
            .collect()
    }
}

/// Sends one request to `addr` (`127.0.0.1:PORT`) and reads the response head.
pub fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> std::io::Result<Response> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    s.set_write_timeout(Some(Duration::from_secs(5)))?;
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    for (n, v) in headers {
        req.push_str(&format!("{n}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes())?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)?;
    let text = String::from_utf8_lossy(&buf);
    let head = text.split("\r\n\r\n").next().unwrap_or("");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("bad status line `{status_line}`"),
            )
        })?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Ok(Response { status, headers })
}
