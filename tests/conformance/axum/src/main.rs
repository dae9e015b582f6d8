//! A test server for corsc's `tower-http` output under axum 0.8.
//!
//! `target/generated/` (written by the test, git-ignored) holds one module per policy, each the
//! unchanged output of `corsc compile --target tower-http`, and a `mod.rs` whose
//! `router(k)` adds policy `k`'s `cors_layer()` to a router that answers every path and method
//! with `200 ok`. Arguments are `K:PORT` pairs: policy `K` is served on `127.0.0.1:PORT`, all of
//! them at once. `--ttl SECONDS` bounds the process's life, so a test that dies cannot leave it
//! running.

#[path = "../target/generated/mod.rs"]
mod generated;

use std::time::Duration;

/// What the application answers when CORS lets a request through.
async fn answer() -> &'static str {
    "ok\n"
}

/// A router that answers everything, for a policy's layer to wrap.
pub fn base() -> axum::Router {
    axum::Router::new().fallback(answer)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut ttl = 600u64;
    let mut serve = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--ttl" {
            ttl = args.next().and_then(|v| v.parse().ok()).unwrap_or(ttl);
            continue;
        }
        let Some((k, port)) = a.split_once(':') else {
            eprintln!("usage: corsc-conformance-axum [--ttl SECONDS] K:PORT…");
            std::process::exit(2);
        };
        let (Ok(k), Ok(port)) = (k.parse::<usize>(), port.parse::<u16>()) else {
            eprintln!("`{a}` is not K:PORT");
            std::process::exit(2);
        };
        let Some(router) = generated::router(k) else {
            eprintln!("no policy {k}");
            std::process::exit(2);
        };
        serve.push((router, port));
    }
    for (router, port) in serve {
        let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("cannot listen on 127.0.0.1:{port}: {e}");
                std::process::exit(1);
            }
        };
        tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, router).await {
                eprintln!("server on {port}: {e}");
            }
        });
    }
    tokio::time::sleep(Duration::from_secs(ttl)).await;
}
