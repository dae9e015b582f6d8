//! What the edge-server harnesses share (Caddy, HAProxy): one server process serves every
//! compiled output on an ephemeral port of 127.0.0.1, so the harnesses need distinct ports,
//! a wait until every one listens, and the skip-or-fail rule for a missing engine.

use super::engines;
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

/// `n` ports, all different: the kernel may hand out one free port twice.
pub fn distinct_ports(n: usize) -> Vec<u16> {
    let mut ports = Vec::with_capacity(n);
    while ports.len() < n {
        let p = engines::free_port();
        if !ports.contains(&p) {
            ports.push(p);
        }
    }
    ports
}

/// Waits (30 s at most) until every port accepts a connection; panics with the server's log.
pub fn wait_listening(what: &str, ports: &[u16], log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(30);
    for port in ports {
        while TcpStream::connect(("127.0.0.1", *port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "{what} did not listen on {port}:\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A missing engine: with `CORSC_REQUIRE_ENGINES=1` the test fails, otherwise it says why it
/// skips.
pub fn skip_or_fail(test: &str, why: &str) {
    let required = std::env::var("CORSC_REQUIRE_ENGINES").is_ok_and(|v| v == "1");
    assert!(!required, "{test}: {why}, and CORSC_REQUIRE_ENGINES=1");
    eprintln!("skipping {test}: {why} (set CORSC_REQUIRE_ENGINES=1 to fail instead)");
}
