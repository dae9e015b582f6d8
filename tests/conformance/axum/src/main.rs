//! A test server for corsc's `tower-http` output under axum 0.8.
//!
//! `target/generated/` (written by the test, git-ignored) holds one module per policy, each the
//! unchanged output of `corsc compile --target tower-http`, and a `mod.rs` whose `router(k)`
//! adds policy `k`'s `cors_layer()` to a router answering every path and method with `200 ok`.
//!
//! Arguments are policy numbers. Each is served on its own ephemeral port of 127.0.0.1, and
//! one line `{"ports":[…]}` on standard output says which, in argument order. The process
//! exits when standard input closes (the test is gone) and after ten minutes in any case.

#[path = "../target/generated/mod.rs"]
mod generated;

use std::io::Read as _;
use std::time::Duration;

/// What the application answers when CORS lets a request through.
async fn answer() -> &'static str {
    "ok\n"
}

/// A route that names itself in `X-Corsc-Route`, so tests/security/paths.rs sees which
/// handler axum's router picked.
fn route(name: &'static str) -> axum::routing::MethodRouter {
    axum::routing::any(move || async move { ([("x-corsc-route", name)], "ok\n") })
}

/// A router that answers everything, for a policy's layer to wrap: `/api/admin/…` and
/// `/api/…` routes declared with axum's own router, and a fallback for the rest.
pub fn base() -> axum::Router {
    axum::Router::new()
        .route("/api/admin/", route("admin"))
        .route("/api/admin/{*rest}", route("admin"))
        .route("/api/{*rest}", route("api"))
        .fallback(answer)
}

fn fail(message: String) -> ! {
    eprintln!("{message}");
    std::process::exit(2);
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut ports = Vec::new();
    for a in std::env::args().skip(1) {
        let k: usize = a
            .parse()
            .unwrap_or_else(|_| fail(format!("`{a}` is not a policy number")));
        let router = generated::router(k).unwrap_or_else(|| fail(format!("no policy {k}")));
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap_or_else(|e| fail(format!("cannot listen on 127.0.0.1: {e}")));
        let port = listener
            .local_addr()
            .unwrap_or_else(|e| fail(format!("no local address: {e}")))
            .port();
        ports.push(port.to_string());
        tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, router).await {
                eprintln!("server on {port}: {e}");
            }
        });
    }
    println!("{{\"ports\":[{}]}}", ports.join(","));
    std::thread::spawn(|| {
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        std::process::exit(0);
    });
    tokio::time::sleep(Duration::from_secs(600)).await;
}
