//! The HTTP client `corsc verify` probes with ([`corsc::eval::live::Target`]), against small
//! servers on 127.0.0.1 that answer canned bytes: duplicate header lines, chunked and
//! length-delimited bodies, responses that have no body whatever their headers say, a server
//! that closes a kept-alive connection, one that never answers, one that sends without end, and
//! malformed answers. Each error must read as the command has always printed it.

mod support;

use corsc::eval::live::Target;
use corsc::eval::WireRequest;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// A server on an ephemeral port of 127.0.0.1 that hands each accepted connection, with its
/// number (0, 1, …), to `serve` on a thread of its own. It counts the connections.
struct Canned {
    port: u16,
    connections: Arc<AtomicUsize>,
}

impl Canned {
    fn start(serve: impl Fn(TcpStream, usize) + Send + Sync + 'static) -> Self {
        Self::start_on("127.0.0.1:0", serve)
    }

    fn start_on(addr: &str, serve: impl Fn(TcpStream, usize) + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind(addr).unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let count = Arc::clone(&connections);
        let serve = Arc::new(serve);
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { break };
                let n = count.fetch_add(1, Ordering::SeqCst);
                let serve = Arc::clone(&serve);
                thread::spawn(move || serve(stream, n));
            }
        });
        Self { port, connections }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    fn target(&self, timeout: Duration) -> Target {
        Target::new(&self.url(), timeout).unwrap()
    }
}

/// Reads one request head (up to the blank line); `None` when the client closed first.
fn read_head(s: &mut TcpStream) -> Option<Vec<u8>> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match s.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return None,
        }
    }
    Some(head)
}

/// Answers every request on every connection with `answer`, for as long as the client sends.
fn keep_alive(answer: &'static [u8]) -> Canned {
    Canned::start(move |mut s, _| {
        while read_head(&mut s).is_some() {
            if s.write_all(answer).is_err() {
                return;
            }
        }
    })
}

fn get(path: &str) -> WireRequest {
    WireRequest::new("GET", path)
}

fn preflight() -> WireRequest {
    let mut w = WireRequest::new("OPTIONS", "/api/x");
    w.headers
        .push(("Origin".to_string(), "https://a.example".to_string()));
    w.headers.push((
        "Access-Control-Request-Method".to_string(),
        "PUT".to_string(),
    ));
    w
}

const SECOND: Duration = Duration::from_secs(1);

#[test]
fn duplicate_header_lines_stay_separate_in_the_order_sent() {
    let server = keep_alive(
        b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: https://a.example\r\nVary: Origin\r\n\
          Access-Control-Allow-Origin: *\r\nContent-Length: 0\r\n\r\n",
    );
    let mut t = server.target(5 * SECOND);
    let r = t.send(&preflight()).unwrap();
    assert_eq!(r.status, 200);
    let lines: Vec<(&str, &str)> = r
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        lines,
        [
            ("access-control-allow-origin", "https://a.example"),
            ("vary", "Origin"),
            ("access-control-allow-origin", "*"),
            ("content-length", "0"),
        ]
    );
}

#[test]
fn values_are_trimmed_and_bytes_that_are_not_utf8_become_replacement_characters() {
    let server = keep_alive(b"HTTP/1.1 204 No Content\r\nX-Odd: \xff\xfeok  \r\nX-Empty:\r\n\r\n");
    let r = server.target(5 * SECOND).send(&get("/")).unwrap();
    assert_eq!(
        r.headers,
        [
            ("x-odd".to_string(), "\u{fffd}\u{fffd}ok".to_string()),
            ("x-empty".to_string(), String::new()),
        ]
    );
}

#[test]
fn the_request_goes_out_as_the_same_header_lines_as_before() {
    let (tx, rx) = std::sync::mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let server = Canned::start(move |mut s, _| {
        while let Some(head) = read_head(&mut s) {
            let _ = tx.lock().unwrap().send(head);
            let _ = s.write_all(b"HTTP/1.1 204 No Content\r\n\r\n");
        }
    });
    let mut t = server.target(5 * SECOND);
    t.send(&preflight()).unwrap();
    let head = String::from_utf8(rx.recv_timeout(5 * SECOND).unwrap()).unwrap();
    assert_eq!(
        head,
        format!(
            "OPTIONS /api/x HTTP/1.1\r\naccept-encoding: gzip\r\ncontent-length: 0\r\n\
             user-agent: corsc-verify\r\naccept: */*\r\nhost: 127.0.0.1:{}\r\n\
             origin: https://a.example\r\naccess-control-request-method: PUT\r\n\r\n",
            server.port
        )
    );
    assert_eq!(t.requests, 1);
}

#[test]
fn a_header_value_that_would_split_the_request_is_refused_before_sending() {
    let server = keep_alive(b"HTTP/1.1 204 No Content\r\n\r\n");
    let mut w = get("/");
    w.headers.push((
        "Origin".to_string(),
        "https://a.example\r\nX-Injected: 1".to_string(),
    ));
    let err = server.target(5 * SECOND).send(&w).unwrap_err();
    assert!(err.contains("cannot build the request"), "{err}");
    assert_eq!(server.connections(), 0);
}

#[test]
fn length_delimited_and_chunked_bodies_are_read_whole_and_the_connection_kept() {
    let server = Canned::start(|mut s, _| {
        let answers: [&[u8]; 3] = [
            b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\nX-N: 1\r\n\r\nhello world",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-N: 2\r\n\r\n\
              5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-N: 3\r\n\r\n",
        ];
        for a in answers {
            if read_head(&mut s).is_none() {
                return;
            }
            s.write_all(a).unwrap();
        }
    });
    let mut t = server.target(2 * SECOND);
    for n in ["1", "2", "3"] {
        let r = t.send(&get("/")).unwrap();
        assert_eq!(r.header("x-n").as_deref(), Some(n));
    }
    assert_eq!(server.connections(), 1);
}

#[test]
fn head_204_304_and_1xx_have_no_body_whatever_their_headers_say() {
    let server = Canned::start(|mut s, _| {
        let answers: [&[u8]; 4] = [
            b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-N: head\r\n\r\n",
            b"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\nX-N: 204\r\n\r\n",
            b"HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\nX-N: 304\r\n\r\n",
            b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n\
              HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-N: after-1xx\r\n\r\nok",
        ];
        for a in answers {
            if read_head(&mut s).is_none() {
                return;
            }
            s.write_all(a).unwrap();
        }
    });
    let mut t = server.target(2 * SECOND);
    let start = Instant::now();
    let head = t.send(&WireRequest::new("HEAD", "/")).unwrap();
    assert_eq!(head.header("x-n").as_deref(), Some("head"));
    for n in ["204", "304"] {
        let r = t.send(&get("/")).unwrap();
        assert_eq!(r.header("x-n").as_deref(), Some(n));
    }
    let r = t.send(&get("/")).unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-n").as_deref(), Some("after-1xx"));
    assert!(
        start.elapsed() < SECOND,
        "waited for a body: {:?}",
        start.elapsed()
    );
    assert_eq!(server.connections(), 1);
}

#[test]
fn connection_close_is_honoured_even_when_the_server_keeps_the_socket_open() {
    let server = Canned::start(|mut s, _| {
        if read_head(&mut s).is_some() {
            s.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
                .unwrap();
            // Neither reads nor closes: a client that reused the connection would wait.
            thread::sleep(10 * SECOND);
        }
    });
    let mut t = server.target(2 * SECOND);
    let start = Instant::now();
    t.send(&get("/")).unwrap();
    t.send(&get("/")).unwrap();
    assert!(start.elapsed() < SECOND, "{:?}", start.elapsed());
    assert_eq!(server.connections(), 2);
}

#[test]
fn an_http_1_0_answer_without_length_ends_at_close_and_is_not_reused() {
    let server = Canned::start(|mut s, _| {
        if read_head(&mut s).is_some() {
            s.write_all(b"HTTP/1.0 200 OK\r\nX-N: 1\r\n\r\nbody until close")
                .unwrap();
        }
    });
    let mut t = server.target(2 * SECOND);
    for _ in 0..2 {
        assert_eq!(t.send(&get("/")).unwrap().status, 200);
    }
    assert_eq!(server.connections(), 2);
}

#[test]
fn bytes_past_the_response_are_not_taken_for_the_next_one() {
    let server = Canned::start(|mut s, n| {
        if read_head(&mut s).is_some() {
            let answer: &[u8] = if n == 0 {
                b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 418 I'm a teapot\r\n\r\n"
            } else {
                b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
            };
            s.write_all(answer).unwrap();
            let _ = read_head(&mut s);
        }
    });
    let mut t = server.target(2 * SECOND);
    assert_eq!(t.send(&get("/")).unwrap().status, 200);
    assert_eq!(t.send(&get("/")).unwrap().status, 200);
}

#[test]
fn a_kept_alive_connection_the_server_closed_while_idle_is_replaced() {
    let server = Canned::start(|mut s, _| {
        if read_head(&mut s).is_some() {
            s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                .unwrap();
        }
        // Closes without saying so, as a server does at its keep-alive timeout.
    });
    let mut t = server.target(2 * SECOND);
    assert_eq!(t.send(&get("/")).unwrap().status, 200);
    thread::sleep(Duration::from_millis(50));
    assert_eq!(t.send(&get("/")).unwrap().status, 200);
    assert_eq!(t.requests, 2);
    assert_eq!(server.connections(), 2);
}

#[test]
fn a_request_the_server_drops_on_a_reused_connection_is_sent_once_more_on_a_new_one() {
    // The server closes each connection after reading its second request, unanswered: the
    // race every keep-alive client meets when a server closes as the request goes out.
    let server = Canned::start(|mut s, _| {
        if read_head(&mut s).is_some() {
            s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                .unwrap();
        }
        let _ = read_head(&mut s);
    });
    let mut t = server.target(2 * SECOND);
    for _ in 0..3 {
        assert_eq!(t.send(&get("/")).unwrap().status, 200);
    }
    assert_eq!(t.requests, 3);
}

/// RFC 9110 §9.2.2: a request that is not idempotent is not sent again on its own, since the
/// server may have acted on it before it closed. A POST dropped on a reused connection is
/// reported, and reaches the server once.
#[test]
fn a_post_the_server_drops_on_a_reused_connection_is_not_sent_again() {
    let posts = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&posts);
    let server = Canned::start(move |mut s, _| {
        while let Some(head) = read_head(&mut s) {
            if head.starts_with(b"POST") {
                seen.fetch_add(1, Ordering::SeqCst);
                return;
            }
            if s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                .is_err()
            {
                return;
            }
        }
    });
    let mut t = server.target(2 * SECOND);
    assert_eq!(t.send(&get("/")).unwrap().status, 200);
    let err = t.send(&WireRequest::new("POST", "/p")).unwrap_err();
    assert!(err.starts_with("POST http://127.0.0.1:"), "{err}");
    assert_eq!(posts.load(Ordering::SeqCst), 1);
    assert_eq!(server.connections(), 1);
    // An idempotent request after it goes out on a new connection as before.
    assert_eq!(t.send(&get("/")).unwrap().status, 200);
}

#[test]
fn a_new_connection_closed_without_an_answer_is_an_error_and_is_not_retried() {
    let server = Canned::start(|mut s, _| {
        let _ = read_head(&mut s);
    });
    let mut t = server.target(2 * SECOND);
    let err = t.send(&get("/p")).unwrap_err();
    assert_eq!(
        err,
        format!(
            "GET http://127.0.0.1:{}/p: io: Peer disconnected",
            server.port
        )
    );
    assert_eq!(server.connections(), 1);
}

#[test]
fn a_server_that_never_answers_times_out() {
    let server = Canned::start(|mut s, _| {
        let _ = read_head(&mut s);
        thread::sleep(10 * SECOND);
    });
    let mut t = server.target(Duration::from_millis(300));
    let start = Instant::now();
    let err = t.send(&get("/")).unwrap_err();
    assert!(err.ends_with(": timed out (global)"), "{err}");
    assert!(start.elapsed() < SECOND, "{:?}", start.elapsed());
}

#[test]
fn the_timeout_covers_the_whole_head_even_when_bytes_keep_coming() {
    let server = Canned::start(|mut s, _| {
        let _ = read_head(&mut s);
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\n");
        loop {
            thread::sleep(Duration::from_millis(50));
            if s.write_all(b"X: y\r\n").is_err() {
                return;
            }
        }
    });
    let mut t = server.target(Duration::from_millis(400));
    let start = Instant::now();
    let err = t.send(&get("/")).unwrap_err();
    assert!(err.ends_with(": timed out (global)"), "{err}");
    assert!(start.elapsed() < SECOND, "{:?}", start.elapsed());
}

#[test]
fn a_body_that_never_ends_is_cut_at_the_timeout_and_the_answer_kept() {
    let server = Canned::start(|mut s, _| {
        let _ = read_head(&mut s);
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nX-N: 1\r\n\r\n");
        loop {
            thread::sleep(Duration::from_millis(50));
            if s.write_all(b"x").is_err() {
                return;
            }
        }
    });
    let mut t = server.target(Duration::from_millis(400));
    let start = Instant::now();
    let r = t.send(&get("/")).unwrap();
    assert_eq!(r.header("x-n").as_deref(), Some("1"));
    assert!(start.elapsed() < SECOND, "{:?}", start.elapsed());
}

#[test]
fn a_huge_body_is_read_no_further_than_a_mebibyte_and_the_connection_dropped() {
    let sent = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&sent);
    let server = Canned::start(move |mut s, n| {
        if read_head(&mut s).is_none() {
            return;
        }
        if n > 0 {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-N: 2\r\n\r\n");
            return;
        }
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-N: 1\r\n\r\n");
        let chunk = [b'x'; 65536];
        loop {
            if s.write_all(b"10000\r\n").is_err()
                || s.write_all(&chunk).is_err()
                || s.write_all(b"\r\n").is_err()
            {
                return;
            }
            counted.fetch_add(chunk.len(), Ordering::SeqCst);
        }
    });
    let mut t = server.target(5 * SECOND);
    let start = Instant::now();
    assert_eq!(
        t.send(&get("/")).unwrap().header("x-n").as_deref(),
        Some("1")
    );
    assert!(start.elapsed() < 2 * SECOND, "{:?}", start.elapsed());
    assert_eq!(
        t.send(&get("/")).unwrap().header("x-n").as_deref(),
        Some("2")
    );
    assert_eq!(server.connections(), 2);
    // What the server got out before the client stopped reading: the mebibyte, plus what the
    // two sockets' buffers hold.
    thread::sleep(Duration::from_millis(200));
    assert!(sent.load(Ordering::SeqCst) < 16 << 20);
}

#[test]
fn an_oversized_head_is_a_clear_error() {
    let server = Canned::start(|mut s, _| {
        let _ = read_head(&mut s);
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nX-Big: ");
        let filler = [b'a'; 4096];
        for _ in 0..64 {
            if s.write_all(&filler).is_err() {
                return;
            }
        }
        thread::sleep(5 * SECOND);
    });
    let mut t = server.target(3 * SECOND);
    let start = Instant::now();
    let err = t.send(&get("/")).unwrap_err();
    assert!(err.contains(": response header is too big: "), "{err}");
    assert!(err.ends_with(" > 65536"), "{err}");
    assert!(start.elapsed() < SECOND, "{:?}", start.elapsed());
}

#[test]
fn malformed_answers_are_protocol_errors_worded_as_before() {
    for (answer, words) in [
        (
            &b"garbage\r\n\r\n"[..],
            "protocol: http parse fail: invalid HTTP version",
        ),
        (
            b"HTTP/2 200 OK\r\n\r\n",
            "protocol: http parse fail: invalid HTTP version",
        ),
        (
            b"HTTP/1.1 abc OK\r\n\r\n",
            "protocol: http parse fail: invalid response status",
        ),
        (
            b"HTTP/1.1 099 Low\r\n\r\n",
            "protocol: http parse fail: invalid status code: 099",
        ),
        (
            b"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
            "protocol: http parse fail: invalid header name",
        ),
        (
            b"HTTP/1.1 200 OK\r\nX: a\x01b\r\n\r\n",
            "protocol: http parse fail: invalid header value",
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
            "protocol: conflicting content-length headers",
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
            "protocol: content-length header not a number",
        ),
    ] {
        let server = keep_alive(answer);
        let err = server.target(2 * SECOND).send(&get("/")).unwrap_err();
        assert_eq!(
            err,
            format!("GET http://127.0.0.1:{}/: {words}", server.port),
            "{}",
            String::from_utf8_lossy(answer)
        );
    }
}

#[test]
fn more_than_128_header_lines_are_refused() {
    let mut answer = b"HTTP/1.1 200 OK\r\n".to_vec();
    for i in 0..200 {
        answer.extend_from_slice(format!("X-{i}: v\r\n").as_bytes());
    }
    answer.extend_from_slice(b"\r\n");
    let server = keep_alive(Box::leak(answer.into_boxed_slice()));
    let err = server.target(2 * SECOND).send(&get("/")).unwrap_err();
    assert!(
        err.ends_with(": protocol: http parse resulted in too many headers"),
        "{err}"
    );
}

#[test]
fn a_refused_connection_says_so() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut t = Target::new(&format!("http://127.0.0.1:{port}"), 2 * SECOND).unwrap();
    let err = t.send(&get("/x")).unwrap_err();
    assert_eq!(
        err,
        format!(
            "GET http://127.0.0.1:{port}/x: connection refused (is the server running on that port?)"
        )
    );
}

#[test]
fn a_connection_idle_past_a_second_is_not_reused_so_a_late_408_is_not_taken_for_an_answer() {
    let server = Canned::start(|mut s, n| {
        if read_head(&mut s).is_none() {
            return;
        }
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        if n == 0 {
            // What some servers send as they close an idle kept-alive connection.
            thread::sleep(Duration::from_millis(300));
            let _ = s.write_all(b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n");
            thread::sleep(5 * SECOND);
        }
    });
    let mut t = server.target(2 * SECOND);
    assert_eq!(t.send(&get("/")).unwrap().status, 200);
    thread::sleep(Duration::from_millis(1200));
    assert_eq!(t.send(&get("/")).unwrap().status, 200);
    assert_eq!(server.connections(), 2);
}

/// The command, as a separate process so that its environment is its own.
fn corsc_verify(url: &str, env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = support::cli::command();
    cmd.args([
        "verify",
        "policies/spa-with-cookies.cors",
        "--url",
        url,
        "--max-probes",
        "1",
        "--timeout",
        "2",
    ]);
    for var in [
        "ALL_PROXY",
        "all_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    cmd.output().unwrap()
}

#[test]
fn a_proxy_from_the_environment_is_still_used() {
    let (tx, rx) = std::sync::mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let proxy = Canned::start(move |mut s, _| {
        if let Some(head) = read_head(&mut s) {
            let _ = tx.lock().unwrap().send(head);
            let _ = s.write_all(b"HTTP/1.1 204 No Content\r\n\r\n");
        }
    });
    let out = corsc_verify("http://127.0.0.1:9/", &[("http_proxy", &proxy.url())]);
    let head = String::from_utf8(rx.recv_timeout(5 * SECOND).unwrap()).unwrap();
    // ureq tunnels through the proxy.
    assert!(
        head.starts_with("CONNECT 127.0.0.1:9 HTTP/1.1\r\n"),
        "{head}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // NO_PROXY exempts the server: straight to it (nothing listens on port 9: refused).
    let out = corsc_verify(
        "http://127.0.0.1:9/",
        &[("http_proxy", &proxy.url()), ("NO_PROXY", "127.0.0.1")],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("connection refused"), "{err}");
    assert_eq!(proxy.connections(), 1);
}

#[test]
fn interim_answers_without_end_run_into_the_timeout() {
    let server = Canned::start(|mut s, _| {
        let _ = read_head(&mut s);
        let mut flood = Vec::new();
        for _ in 0..1000 {
            flood.extend_from_slice(b"HTTP/1.1 102 Processing\r\n\r\n");
        }
        while s.write_all(&flood).is_ok() {}
    });
    let mut t = server.target(Duration::from_millis(300));
    let start = Instant::now();
    let err = t.send(&get("/")).unwrap_err();
    assert!(err.ends_with(": timed out (global)"), "{err}");
    assert!(start.elapsed() < SECOND, "{:?}", start.elapsed());
}

#[test]
fn an_ipv6_server_gets_its_bracketed_host() {
    if TcpListener::bind("[::1]:0").is_err() {
        eprintln!("skipping: no IPv6 loopback");
        return;
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let server = Canned::start_on("[::1]:0", move |mut s, _| {
        while let Some(head) = read_head(&mut s) {
            let _ = tx.lock().unwrap().send(head);
            let _ = s.write_all(b"HTTP/1.1 204 No Content\r\n\r\n");
        }
    });
    let url = format!("http://[::1]:{}", server.port);
    let mut t = Target::new(&url, 2 * SECOND).unwrap();
    assert_eq!(t.send(&get("/")).unwrap().status, 204);
    let head = String::from_utf8(rx.recv_timeout(5 * SECOND).unwrap()).unwrap();
    assert!(
        head.contains(&format!("\r\nhost: [::1]:{}\r\n", server.port)),
        "{head}"
    );
}

#[test]
fn a_host_name_is_resolved_and_each_address_tried_in_turn() {
    // `localhost` may resolve to ::1 first, where nothing listens: refused, then 127.0.0.1.
    let server = keep_alive(b"HTTP/1.1 204 No Content\r\n\r\n");
    let mut t = Target::new(&format!("http://localhost:{}", server.port), 2 * SECOND).unwrap();
    for _ in 0..2 {
        assert_eq!(t.send(&get("/")).unwrap().status, 204);
    }
    assert_eq!(server.connections(), 1);
}
