//! Preflight throughput of nginx for a policy with 1,000 exact origins, measured with wrk on
//! 127.0.0.1: corsc's output (a hash `map`), a hand-written configuration with one regex per
//! origin (the common way such configs are written), and a bare `return 204` as the ceiling.
//!
//! Run: `cargo bench --bench nginx_preflight` (needs `nginx` and `wrk`; prints why it skips
//! otherwise). The preflight comes from the last origin of the list, the worst case for a
//! regex chain. Settings: one nginx worker, `wrk -t1 -c32 -d8s`, best of three runs.

#[path = "../support/mod.rs"]
mod support;
use support::bench::{start_nginx, which};
use support::engines;

use corsc::emit::Shape;
use std::process::Command;

const ORIGINS: usize = 1_000;

fn origin(i: usize) -> String {
    format!("https://tenant-{i}.customers.example.com")
}

fn policy() -> String {
    let mut s = String::from("policy api {\n    paths \"/api/*\"\n    origins ");
    let list: Vec<String> = (0..ORIGINS).map(|i| format!("\"{}\"", origin(i))).collect();
    s.push_str(&list.join(",\n        "));
    s.push_str("\n    methods PUT, DELETE\n    request-headers Content-Type, Authorization\n    credentials true\n    max-age 2h\n}\n");
    s
}

/// What people write by hand: one `~` regex per origin in a map, checked in order.
fn hand_written(port: u16) -> String {
    let mut m = String::from("map $http_origin $cors_origin {\n    default \"\";\n");
    for i in 0..ORIGINS {
        let re = origin(i).replace('.', "\\.");
        m.push_str(&format!("    \"~^{re}$\" $http_origin;\n"));
    }
    m.push_str("}\n");
    format!(
        "{m}server {{\n    listen 127.0.0.1:{port};\n    location /api/ {{\n        if ($request_method = OPTIONS) {{\n            add_header Access-Control-Allow-Origin $cors_origin always;\n            add_header Access-Control-Allow-Credentials true always;\n            add_header Access-Control-Allow-Methods \"PUT, DELETE\" always;\n            add_header Access-Control-Allow-Headers \"Content-Type, Authorization\" always;\n            add_header Access-Control-Max-Age 7200 always;\n            add_header Vary Origin always;\n            return 204;\n        }}\n        return 200 \"ok\\n\";\n    }}\n}}\n"
    )
}

fn baseline(port: u16) -> String {
    format!("server {{\n    listen 127.0.0.1:{port};\n    location /api/ {{\n        return 204;\n    }}\n}}\n")
}

fn wrk(wrk: &str, dir: &std::path::Path, port: u16) -> f64 {
    let script = format!(
        "wrk.method = \"OPTIONS\"\nwrk.headers[\"Origin\"] = \"{}\"\nwrk.headers[\"Access-Control-Request-Method\"] = \"PUT\"\nwrk.headers[\"Access-Control-Request-Headers\"] = \"authorization,content-type\"\n",
        origin(ORIGINS - 1)
    );
    std::fs::write(dir.join("preflight.lua"), script).unwrap();
    let mut best: f64 = 0.0;
    for _ in 0..3 {
        let out = Command::new(wrk)
            .args(["-t1", "-c32", "-d8s", "-s"])
            .arg(dir.join("preflight.lua"))
            .arg(format!("http://127.0.0.1:{port}/api/x"))
            .output()
            .expect("wrk runs");
        let text = String::from_utf8_lossy(&out.stdout);
        let rps = text
            .lines()
            .find_map(|l| l.strip_prefix("Requests/sec:"))
            .and_then(|v| v.trim().parse::<f64>().ok())
            .unwrap_or(0.0);
        assert!(!text.contains("Non-2xx"), "non-2xx answers:\n{text}");
        best = best.max(rps);
    }
    best
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let (Some(nginx), Some(wrk_bin)) = (
        engines::find(engines::Engine::Nginx).map(|p| p.display().to_string()),
        which("wrk"),
    ) else {
        eprintln!(
            "skipping nginx_preflight: needs nginx and wrk (apt-get install nginx-light wrk)"
        );
        return;
    };
    let mut results = Vec::new();
    for which in ["corsc", "hand-written regex per origin", "bare return 204"] {
        let dir = tempfile::tempdir().unwrap();
        let port = engines::free_port();
        let conf = match which {
            "corsc" => {
                let text = policy();
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
                out.parts
                    .iter()
                    .map(|p| p.text.clone())
                    .collect::<Vec<_>>()
                    .join("\n")
            }
            "hand-written regex per origin" => hand_written(port),
            _ => baseline(port),
        };
        // corsc writes its own hash sizes when its maps need them (a separate part).
        let extra = if conf.contains("map_hash_bucket_size") {
            ""
        } else {
            "    map_hash_bucket_size 256;\n    map_hash_max_size 4096;\n"
        };
        let mut child = start_nginx(&nginx, dir.path(), extra, &conf, port);
        let rps = wrk(&wrk_bin, dir.path(), port);
        let _ = child.kill();
        let _ = child.wait();
        println!("{which:<32} {rps:>10.0} preflights/s");
        results.push(rps);
    }
    println!(
        "corsc / hand-written: {:.2}x   corsc / bare 204: {:.2}",
        results[0] / results[1],
        results[0] / results[2]
    );
}
