//! A keep-alive HTTP/1.1 client on one [`TcpStream`], for `http://` targets: what `corsc verify`
//! sends its probes with unless TLS or a proxy is involved ([`super::live`] keeps ureq for those).
//!
//! Why not ureq here too: per request it checks that its pooled connection is still open (set
//! non-blocking, read, set blocking: twice) and sets each read's timeout to the time left, ten
//! system calls where a request needs two. Against a local server each is a wait on the same
//! cores, and they held one-probe-at-a-time verify well below a plain sequential client.
//!
//! What this client does instead:
//! - the request head goes out in one write, with Nagle off;
//! - a connection's read timeout is set when it opens; it is tightened only when the deadline of
//!   the exchange is nearer than it by more than [`SLACK`] (a slow answer), so the timeout still
//!   covers the whole exchange;
//! - a kept-alive connection is not probed before use: an idempotent request that fails on it
//!   before any byte of an answer (the server closed it meanwhile) is sent once more on a new
//!   connection; any other is reported, never repeated;
//! - the response head is parsed by `httparse`, capped at [`MAX_HEAD`] bytes and
//!   [`MAX_HEADERS`] lines, each line kept raw and in order; the body (length-delimited, chunked
//!   or up to the close) is read and dropped, at most [`MAX_BODY`] bytes, and never for `HEAD`,
//!   1xx, 204 and 304;
//! - the connection is kept only when the answer says it may be and ended exactly where its
//!   body ended.
//!
//! Errors read as ureq's did (`io: Peer disconnected`, `protocol: http parse fail: …`,
//! `timed out (global)`), so `corsc verify` reports the same whichever client sent the probe.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

/// The most bytes of a response head (status line and header lines) read before giving up.
pub const MAX_HEAD: usize = 64 * 1024;
/// The most header lines in a response.
pub const MAX_HEADERS: usize = 128;
/// The most body bytes read (and dropped) before the connection is abandoned instead.
pub const MAX_BODY: u64 = 1 << 20;
/// How far past the deadline a read may wait before its timeout is tightened to the time left.
pub const SLACK: Duration = Duration::from_millis(10);
/// A kept-alive connection idle longer than this is not reused: servers close (and some first
/// answer 408) around their keep-alive timeout, and a probe run never pauses this long.
pub const MAX_IDLE: Duration = Duration::from_secs(1);

/// Why an exchange failed; [`std::fmt::Display`] gives the words the user reads.
#[derive(Debug)]
pub enum Failure {
    /// The host name did not resolve.
    HostNotFound,
    /// The deadline passed, while connecting (`connect`) or later (`global`).
    Timeout(&'static str),
    /// A socket error, or the server closing without an answer.
    Io(io::Error),
    /// An answer that is not HTTP/1.x.
    Protocol(String),
    /// A response head larger than [`MAX_HEAD`]: (bytes received, the cap).
    HeadTooBig(usize, usize),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Io(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
                f.write_str("connection refused (is the server running on that port?)")
            }
            Failure::HostNotFound => f.write_str("host not found"),
            Failure::Timeout(phase) => write!(f, "timed out ({phase})"),
            Failure::Io(e) => write!(f, "io: {e}"),
            Failure::Protocol(m) => write!(f, "protocol: {m}"),
            Failure::HeadTooBig(got, cap) => {
                write!(f, "response header is too big: {got} > {cap}")
            }
        }
    }
}

fn peer_disconnected() -> Failure {
    Failure::Io(io::Error::new(
        io::ErrorKind::UnexpectedEof,
        "Peer disconnected",
    ))
}

fn parse_fail(m: impl std::fmt::Display) -> Failure {
    Failure::Protocol(format!("http parse fail: {m}"))
}

/// An answer: the final status and every header line, name lowercased, value as text.
#[derive(Debug)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The header lines in the order received, duplicates kept.
    pub headers: Vec<(String, String)>,
}

/// The host to connect to: a name resolved on first use, or an address.
#[derive(Debug)]
pub enum Host {
    /// A DNS name.
    Name(String),
    /// An IP address.
    Ip(std::net::IpAddr),
}

/// One server's client: its address (resolved once), and at most one open connection.
#[derive(Debug)]
pub struct Client {
    host: Host,
    port: u16,
    addrs: Option<Vec<SocketAddr>>,
    timeout: Duration,
    conn: Option<Conn>,
}

#[derive(Debug)]
struct Conn {
    stream: TcpStream,
    /// Bytes read and not yet used; its allocation is reused from one answer to the next.
    buf: Vec<u8>,
    /// The read timeout the socket has now.
    read_timeout: Duration,
    /// When the last answer ended.
    idle_since: Instant,
}

/// How an exchange on one connection failed.
enum Broken {
    /// Before any byte of an answer, on a connection the server may have closed meanwhile.
    BeforeAnswer(Failure),
    /// Anything else.
    Failed(Failure),
}

impl Client {
    /// A client for `host:port`; every exchange (connecting included) must end within
    /// `timeout`. Nothing is resolved or connected yet.
    #[must_use]
    pub fn new(host: Host, port: u16, timeout: Duration) -> Self {
        Self {
            host,
            port,
            addrs: None,
            timeout,
            conn: None,
        }
    }

    /// Sends `head` (a complete request without body) and reads the answer. `idempotent`: the
    /// request may go out once more when a reused connection turns out closed (RFC 9110
    /// §9.2.2); any other request (`POST`, `PATCH`, …) is not repeated, since the server may
    /// have acted on it before closing, and the failure is reported instead.
    ///
    /// # Errors
    /// No connection, a timeout, the server closing without an answer, or an answer that is
    /// not HTTP/1.x.
    pub fn send(
        &mut self,
        head: &[u8],
        head_method: bool,
        idempotent: bool,
    ) -> Result<Answer, Failure> {
        let deadline = Instant::now() + self.timeout;
        if let Some(conn) = self.conn.take() {
            if conn.idle_since.elapsed() < MAX_IDLE {
                match self.exchange(conn, head, head_method, deadline) {
                    Ok(a) => return Ok(a),
                    // The server closed the kept-alive connection: once more, on a new one.
                    Err(Broken::BeforeAnswer(_)) if idempotent => {}
                    Err(Broken::BeforeAnswer(f) | Broken::Failed(f)) => return Err(f),
                }
            }
        }
        let conn = self.connect(deadline)?;
        self.exchange(conn, head, head_method, deadline)
            .map_err(|(Broken::BeforeAnswer(f) | Broken::Failed(f))| f)
    }

    fn resolve(&mut self) -> Result<Vec<SocketAddr>, Failure> {
        if let Some(a) = &self.addrs {
            return Ok(a.clone());
        }
        let addrs: Vec<SocketAddr> = match &self.host {
            Host::Ip(ip) => vec![SocketAddr::new(*ip, self.port)],
            Host::Name(name) => (name.as_str(), self.port)
                .to_socket_addrs()
                .map_err(|_| Failure::HostNotFound)?
                .collect(),
        };
        if addrs.is_empty() {
            return Err(Failure::HostNotFound);
        }
        self.addrs = Some(addrs.clone());
        Ok(addrs)
    }

    fn connect(&mut self, deadline: Instant) -> Result<Conn, Failure> {
        let mut last = None;
        for addr in self.resolve()? {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Failure::Timeout("connect"));
            }
            match TcpStream::connect_timeout(&addr, left) {
                Ok(stream) => return self.opened(stream),
                // This address said no or cannot be reached: the next one may do.
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::ConnectionRefused
                            | io::ErrorKind::HostUnreachable
                            | io::ErrorKind::NetworkUnreachable
                            | io::ErrorKind::AddrNotAvailable
                    ) =>
                {
                    last = Some(e);
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
                    ) =>
                {
                    return Err(Failure::Timeout("connect"));
                }
                Err(e) => return Err(Failure::Io(e)),
            }
        }
        Err(Failure::Io(last.unwrap_or_else(|| {
            io::Error::new(io::ErrorKind::ConnectionRefused, "Connection refused")
        })))
    }

    /// The socket options a connection keeps for its life: set once here, not per request.
    fn opened(&self, stream: TcpStream) -> Result<Conn, Failure> {
        stream.set_nodelay(true).map_err(Failure::Io)?;
        stream
            .set_read_timeout(Some(self.timeout))
            .map_err(Failure::Io)?;
        stream
            .set_write_timeout(Some(self.timeout))
            .map_err(Failure::Io)?;
        Ok(Conn {
            stream,
            buf: Vec::with_capacity(8 * 1024),
            read_timeout: self.timeout,
            idle_since: Instant::now(),
        })
    }

    fn exchange(
        &mut self,
        mut conn: Conn,
        head: &[u8],
        head_method: bool,
        deadline: Instant,
    ) -> Result<Answer, Broken> {
        conn.buf.clear();
        if let Err(e) = (&conn.stream).write_all(head) {
            let f = io_failure(e);
            return Err(if is_early_close(&f) {
                Broken::BeforeAnswer(f)
            } else {
                Broken::Failed(f)
            });
        }
        let mut input = Input {
            conn: &mut conn,
            pos: 0,
            deadline,
        };
        let (answer, framing) = match input.head(head_method) {
            Ok(v) => v,
            Err(f) if input.conn.buf.is_empty() && is_early_close(&f) => {
                return Err(Broken::BeforeAnswer(f))
            }
            Err(f) => return Err(Broken::Failed(f)),
        };
        // A body that cannot be read whole (too long, too slow, malformed) costs the connection,
        // not the answer: the head is what a probe judges.
        let ended = match framing.body {
            Body::None => true,
            Body::Length(n) => input.skip(n).is_ok(),
            Body::Chunked => input.chunks().is_ok(),
            Body::ToClose => {
                let _ = input.skip(MAX_BODY);
                false
            }
        };
        let leftover = input.pos < input.conn.buf.len();
        if framing.keep && ended && !leftover {
            conn.idle_since = Instant::now();
            self.conn = Some(conn);
        }
        Ok(answer)
    }
}

/// Whether a failure before any answer byte is the server having closed the connection.
fn is_early_close(f: &Failure) -> bool {
    matches!(f, Failure::Io(e) if matches!(
        e.kind(),
        io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
    ))
}

fn io_failure(e: io::Error) -> Failure {
    if matches!(
        e.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    ) {
        Failure::Timeout("global")
    } else {
        Failure::Io(e)
    }
}

/// How the body of an answer is delimited, and whether the connection may carry another.
struct Framing {
    body: Body,
    keep: bool,
}

enum Body {
    None,
    Length(u64),
    Chunked,
    ToClose,
}

/// The read side of one exchange: the connection's buffer, how far it is used, the deadline.
struct Input<'c> {
    conn: &'c mut Conn,
    pos: usize,
    deadline: Instant,
}

impl Input<'_> {
    fn unread(&self) -> &[u8] {
        &self.conn.buf[self.pos..]
    }

    /// Reads more bytes onto the buffer; `Ok(0)` at the end of the stream.
    fn fill(&mut self) -> Result<usize, Failure> {
        // What is used goes, so the buffer holds at most one unparsed head (or chunk-size line)
        // plus one read, however many interim answers or body bytes stream through it.
        if self.pos > 0 {
            self.conn.buf.drain(..self.pos);
            self.pos = 0;
        }
        let mut chunk = [0u8; 16 * 1024];
        loop {
            let left = self.deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Failure::Timeout("global"));
            }
            // Only a slow answer gets here with the deadline well inside the socket's timeout,
            // or (after one) with the timeout well short of a fresh deadline.
            let set = self.conn.read_timeout;
            if set > left + SLACK || set + SLACK < left {
                self.conn
                    .stream
                    .set_read_timeout(Some(left))
                    .map_err(Failure::Io)?;
                self.conn.read_timeout = left;
            }
            match (&self.conn.stream).read(&mut chunk) {
                Ok(n) => {
                    self.conn.buf.extend_from_slice(&chunk[..n]);
                    return Ok(n);
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::Interrupted
                            | io::ErrorKind::WouldBlock
                            | io::ErrorKind::TimedOut
                    ) => {}
                Err(e) => return Err(Failure::Io(e)),
            }
        }
    }

    /// Reads and parses the final response head (interim 1xx answers are skipped).
    fn head(&mut self, head_method: bool) -> Result<(Answer, Framing), Failure> {
        loop {
            let mut lines = [httparse::EMPTY_HEADER; MAX_HEADERS];
            let mut res = httparse::Response::new(&mut lines);
            let parsed = match res.parse(&self.conn.buf[self.pos..]) {
                Ok(p) => p,
                Err(httparse::Error::TooManyHeaders) => {
                    return Err(Failure::Protocol(
                        "http parse resulted in too many headers".to_string(),
                    ))
                }
                Err(e) => return Err(parse_fail(e)),
            };
            let httparse::Status::Complete(used) = parsed else {
                let got = self.conn.buf.len() - self.pos;
                if got >= MAX_HEAD {
                    return Err(Failure::HeadTooBig(got, MAX_HEAD));
                }
                if self.fill()? == 0 {
                    return Err(peer_disconnected());
                }
                continue;
            };
            let status = res.code.unwrap_or(0);
            if status < 100 {
                return Err(parse_fail(format_args!("invalid status code: {status:03}")));
            }
            let http10 = res.version == Some(0);
            let headers: Vec<(String, String)> = res
                .headers
                .iter()
                .map(|h| {
                    (
                        h.name.to_ascii_lowercase(),
                        String::from_utf8_lossy(h.value).trim().to_string(),
                    )
                })
                .collect();
            self.pos += used;
            // RFC 9110 §15.2: 1xx answers are interim; 101 ends HTTP on this connection.
            if (100..200).contains(&status) && status != 101 {
                continue;
            }
            let framing = framing(status, http10, head_method, &headers)?;
            return Ok((Answer { status, headers }, framing));
        }
    }

    /// Consumes `n` body bytes, reading as needed; fails past [`MAX_BODY`].
    fn skip(&mut self, mut n: u64) -> Result<(), Failure> {
        if n > MAX_BODY {
            return Err(Failure::Protocol("body too long".to_string()));
        }
        loop {
            let have = (self.conn.buf.len() - self.pos) as u64;
            let take = have.min(n);
            // `take` is at most what the buffer holds, so it fits a usize.
            self.pos += usize::try_from(take).unwrap_or(usize::MAX);
            n -= take;
            if n == 0 {
                return Ok(());
            }
            if self.fill()? == 0 {
                return Err(peer_disconnected());
            }
        }
    }

    /// Consumes a chunked body and its trailer lines.
    fn chunks(&mut self) -> Result<(), Failure> {
        let mut total: u64 = 0;
        loop {
            match httparse::parse_chunk_size(self.unread()) {
                Ok(httparse::Status::Complete((used, 0))) => {
                    self.pos += used;
                    return self.trailer();
                }
                Ok(httparse::Status::Complete((used, size))) => {
                    self.pos += used;
                    total = total.saturating_add(size);
                    if total > MAX_BODY {
                        return Err(Failure::Protocol("body too long".to_string()));
                    }
                    self.skip(size)?;
                    self.crlf()?;
                }
                Ok(httparse::Status::Partial) => {
                    if self.unread().len() > 1024 {
                        return Err(Failure::Protocol("chunk size line too long".to_string()));
                    }
                    if self.fill()? == 0 {
                        return Err(peer_disconnected());
                    }
                }
                Err(_) => {
                    return Err(Failure::Protocol(
                        "chunk length cannot be read as a number".to_string(),
                    ))
                }
            }
        }
    }

    fn crlf(&mut self) -> Result<(), Failure> {
        while self.unread().len() < 2 {
            if self.fill()? == 0 {
                return Err(peer_disconnected());
            }
        }
        if self.unread().starts_with(b"\r\n") {
            self.pos += 2;
            Ok(())
        } else {
            Err(Failure::Protocol(
                "chunk expected crlf as next character".to_string(),
            ))
        }
    }

    /// Consumes trailer lines up to the empty line that ends a chunked body.
    fn trailer(&mut self) -> Result<(), Failure> {
        loop {
            if let Some(end) = self.unread().windows(2).position(|w| w == b"\r\n") {
                self.pos += end + 2;
                if end == 0 {
                    return Ok(());
                }
                continue;
            }
            if self.unread().len() > MAX_HEAD {
                return Err(Failure::HeadTooBig(self.unread().len(), MAX_HEAD));
            }
            if self.fill()? == 0 {
                return Err(peer_disconnected());
            }
        }
    }
}

/// Whether a comma-separated header holds `token` (ASCII case aside).
fn has_token(headers: &[(String, String)], name: &str, token: &str) -> bool {
    headers
        .iter()
        .filter(|(n, _)| n == name)
        .flat_map(|(_, v)| v.split(','))
        .any(|t| t.trim().eq_ignore_ascii_case(token))
}

/// The body's delimitation (RFC 9112 §6.3) and whether the connection may be kept.
fn framing(
    status: u16,
    http10: bool,
    head_method: bool,
    headers: &[(String, String)],
) -> Result<Framing, Failure> {
    let mut length: Option<u64> = None;
    for (_, v) in headers.iter().filter(|(n, _)| n == "content-length") {
        for part in v.split(',') {
            let part = part.trim_matches([' ', '\t']);
            let n = if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) {
                part.parse::<u64>().ok()
            } else {
                None
            }
            .ok_or_else(|| Failure::Protocol("content-length header not a number".to_string()))?;
            if length.is_some_and(|l| l != n) {
                return Err(Failure::Protocol(
                    "conflicting content-length headers".to_string(),
                ));
            }
            length = Some(n);
        }
    }
    let chunked = !http10 && has_token(headers, "transfer-encoding", "chunked");
    let no_body = head_method || (100..200).contains(&status) || matches!(status, 204 | 304);
    let body = if no_body {
        Body::None
    } else if chunked {
        Body::Chunked
    } else if let Some(n) = length {
        Body::Length(n)
    } else {
        Body::ToClose
    };
    let close = has_token(headers, "connection", "close")
        || (http10 && !has_token(headers, "connection", "keep-alive"))
        || status == 101;
    Ok(Framing { body, keep: !close })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(lines: &[(&str, &str)]) -> Vec<(String, String)> {
        lines
            .iter()
            .map(|(n, v)| ((*n).to_string(), (*v).to_string()))
            .collect()
    }

    #[test]
    fn framing_follows_rfc_9112() {
        let f = framing(200, false, false, &h(&[("content-length", "5")])).unwrap();
        assert!(matches!(f.body, Body::Length(5)) && f.keep);
        let f = framing(
            200,
            false,
            false,
            &h(&[
                ("transfer-encoding", "gzip, Chunked"),
                ("content-length", "5"),
            ]),
        )
        .unwrap();
        assert!(matches!(f.body, Body::Chunked));
        let f = framing(200, true, false, &h(&[("transfer-encoding", "chunked")])).unwrap();
        assert!(matches!(f.body, Body::ToClose) && !f.keep);
        let f = framing(200, true, false, &h(&[("connection", "Keep-Alive")])).unwrap();
        assert!(f.keep);
        let f = framing(200, false, false, &h(&[("connection", "foo, close")])).unwrap();
        assert!(!f.keep);
        let f = framing(200, false, false, &h(&[("content-length", "7, 7")])).unwrap();
        assert!(matches!(f.body, Body::Length(7)));
        for s in [204, 304] {
            let f = framing(s, false, false, &h(&[("content-length", "9")])).unwrap();
            assert!(matches!(f.body, Body::None) && f.keep);
        }
        let f = framing(200, false, true, &h(&[("content-length", "9")])).unwrap();
        assert!(matches!(f.body, Body::None));
        assert!(!framing(101, false, false, &[]).unwrap().keep);
        for bad in ["+5", "5 5", "", "0x10", "99999999999999999999999"] {
            assert!(
                framing(200, false, false, &h(&[("content-length", bad)])).is_err(),
                "{bad}"
            );
        }
    }
}
