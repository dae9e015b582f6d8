//! What the edge-server harnesses share (Caddy, HAProxy): one server process serves every
//! compiled output on an ephemeral port of 127.0.0.1, so the harnesses need distinct ports,
//! a wait until every one listens, and the skip-or-fail rule for a missing engine; and the
//! HAProxy configuration, check and process the HAProxy conformance and path tests share.

use super::{engines, procs};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
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

/// The installed HAProxy's version (`2.6.12-1+deb12u4`), if it runs.
pub fn haproxy_version() -> Option<String> {
    let out = Command::new("haproxy").arg("-v").output().ok()?;
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .and_then(|l| l.split_whitespace().nth(2))
            .unwrap_or("")
            .to_string()
    })
}

/// The start of every test configuration: HTTP mode, warnings to standard error.
const HAPROXY_GLOBAL: &str = "global\n    log stderr format raw local0 warning\ndefaults\n    mode http\n    log global\n    timeout connect 5s\n    timeout client 30s\n    timeout server 30s\n";

/// Where the frontends of [`haproxy_configuration`] send requests.
pub enum Upstream {
    /// A `listen` section of the same process answering `200 ok` on this port.
    Ok(u16),
    /// An application already listening on this port.
    App(u16),
}

/// One configuration: a frontend per `(output, port)`, the output pasted unchanged between
/// its `bind` and its `default_backend`, all proxying to `upstream`.
pub fn haproxy_configuration(upstream: &Upstream, outputs: &[(&str, u16)]) -> String {
    let mut text = String::from(HAPROXY_GLOBAL);
    let port = match upstream {
        Upstream::Ok(port) => {
            text.push_str(&format!(
                "listen app\n    bind 127.0.0.1:{port}\n    http-request return status 200 content-type text/plain string ok\n"
            ));
            port
        }
        Upstream::App(port) => port,
    };
    text.push_str(&format!(
        "backend app_be\n    server app 127.0.0.1:{port}\n"
    ));
    for (k, (output, port)) in outputs.iter().enumerate() {
        text.push_str(&format!("frontend p{k}\n    bind 127.0.0.1:{port}\n"));
        text.push_str(output);
        text.push_str("\n    default_backend app_be\n");
    }
    text
}

/// `haproxy -c -f`: the configuration is valid and draws no warning (a rule HAProxy would
/// never run is one); else what HAProxy said.
pub fn haproxy_check(dir: &Path, text: &str) -> Result<(), String> {
    let file = dir.join("check.cfg");
    std::fs::write(&file, text).expect("write the configuration");
    let out = Command::new("haproxy")
        .arg("-c")
        .arg("-f")
        .arg(&file)
        .output()
        .expect("haproxy -c runs");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() && !said.contains("WARNING") && !said.contains("ALERT") {
        Ok(())
    } else {
        Err(said)
    }
}

/// A running `haproxy -db`, stopped (its whole group) when dropped.
pub struct Haproxy(std::process::Child);

impl Drop for Haproxy {
    fn drop(&mut self) {
        procs::stop_on_drop(&mut self.0, "TERM", "haproxy");
    }
}

/// Starts `haproxy -db` on `text` (written into `dir`), and waits until every port listens.
pub fn haproxy_start(dir: &Path, text: &str, ports: &[u16]) -> Haproxy {
    let cfg = dir.join("haproxy.cfg");
    std::fs::write(&cfg, text).expect("write the configuration");
    let log = dir.join("haproxy.log");
    let mut cmd = Command::new("haproxy");
    cmd.arg("-db")
        .arg("-f")
        .arg(&cfg)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).map_or_else(|_| Stdio::null(), Stdio::from));
    let running = Haproxy(procs::own_group(&mut cmd).spawn().expect("haproxy starts"));
    wait_listening("haproxy", ports, &log);
    running
}
