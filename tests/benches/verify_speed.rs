//! How fast `corsc verify` probes a server, against the yardstick of a sequential client on
//! one keep-alive connection (`wrk -t1 -c1`, preflights) sending to the same nginx.
//!
//! Run: `cargo bench --bench verify_speed` (needs `nginx` and `wrk`; prints why it skips
//! otherwise). The policy has 300 exact origins with credentials, compiled by corsc for nginx
//! (one worker); verify runs in-process (`corsc::eval::live::verify`, what the command calls)
//! with a budget that covers every probe, once per `--jobs` value. Each figure is the best of
//! three runs; the yardstick runs between them, so both see the same machine.

#[path = "../support/mod.rs"]
mod support;
use support::bench::{start_nginx, which};
use support::engines;

use corsc::emit::Shape;
use corsc::eval::browser::CHROMIUM;
use corsc::eval::live::{verify_with, VerifyOptions};
use corsc::eval::probe::ProbeOptions;
use std::process::Command;
use std::time::Duration;

const ORIGINS: usize = 300;

fn policy() -> String {
    let list: Vec<String> = (0..ORIGINS)
        .map(|i| format!("\"https://client-{i}.example.com\""))
        .collect();
    format!(
        "policy api {{\n    paths \"/api/*\"\n    origins {}\n    methods PUT, DELETE\n    request-headers Content-Type, Authorization\n    credentials true\n    max-age 2h\n}}\n",
        list.join(",\n        ")
    )
}

/// Requests per second of one sequential client on one connection, sending preflights.
fn yardstick(wrk: &str, dir: &std::path::Path, port: u16) -> f64 {
    let script = "wrk.method = \"OPTIONS\"\nwrk.headers[\"Origin\"] = \"https://client-7.example.com\"\nwrk.headers[\"Access-Control-Request-Method\"] = \"PUT\"\n";
    std::fs::write(dir.join("preflight.lua"), script).unwrap();
    let out = Command::new(wrk)
        .args(["-t1", "-c1", "-d4s", "-s"])
        .arg(dir.join("preflight.lua"))
        .arg(format!("http://127.0.0.1:{port}/api/x"))
        .output()
        .expect("wrk runs");
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .unwrap_or(0.0)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let (Some(nginx), Some(wrk)) = (
        engines::find(engines::Engine::Nginx).map(|p| p.display().to_string()),
        which("wrk"),
    ) else {
        eprintln!("skipping verify_speed: needs nginx and wrk (apt-get install nginx-light wrk)");
        return;
    };
    let text = policy();
    let dir = tempfile::tempdir().unwrap();
    let port = engines::free_port();
    let out = engines::compile_text(
        "bench.cors",
        &text,
        text.as_bytes(),
        None,
        "nginx",
        Shape::Server,
        &format!("127.0.0.1:{port}"),
    )
    .unwrap_or_else(|d| panic!("{d:?}"));
    let site = out
        .parts
        .iter()
        .map(|p| p.text.clone())
        .collect::<Vec<_>>()
        .join("\n");
    let mut child = start_nginx(&nginx, dir.path(), "", &site, port);
    let set = {
        let src = corsc::source::Source::new("bench.cors", text.as_str());
        let file = corsc::syntax::parse(&src).expect("parses");
        corsc::check::check(&file, None).policies.expect("checks")
    };
    let url = format!("http://127.0.0.1:{port}");
    let opts = ProbeOptions {
        max_probes: 100_000,
        ..ProbeOptions::default()
    };
    let mut wrk_best: f64 = 0.0;
    let mut rows = Vec::new();
    for jobs in [1, 2, 4] {
        let mut best: f64 = 0.0;
        let mut probes = 0;
        for _ in 0..3 {
            wrk_best = wrk_best.max(yardstick(&wrk, dir.path(), port));
            let r = verify_with(
                &set,
                &url,
                &CHROMIUM,
                opts,
                VerifyOptions {
                    timeout: Duration::from_secs(5),
                    jobs,
                },
            )
            .expect("verify runs");
            assert_eq!(r.mismatches(), 0, "corsc's own output verifies");
            probes = r.results.len();
            best = best.max(r.requests as f64 / r.elapsed.as_secs_f64());
        }
        rows.push((jobs, probes, best));
    }
    let _ = child.kill();
    let _ = child.wait();
    println!("wrk -t1 -c1 (preflights, one connection): {wrk_best:>8.0} requests/s");
    for (jobs, probes, rps) in rows {
        println!(
            "corsc verify --jobs {jobs} ({probes} probes):   {rps:>8.0} requests/s   {:.2}x the sequential client",
            rps / wrk_best
        );
    }
}
