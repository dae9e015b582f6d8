//! A test server for corsc's `actix` output under actix-web 4 and actix-cors 0.7.
//!
//! `target/generated/` (written by the test, git-ignored) holds one module per policy, each the
//! unchanged output of `corsc compile --target actix`, and a `mod.rs` whose `app(k)` wraps an
//! application answering every path and method with `200 ok` in policy `k`'s `cors()`.
//!
//! Arguments are policy numbers. Each is served on its own ephemeral port of 127.0.0.1 (one
//! worker), and one line `{"ports":[…]}` on standard output says which, in argument order. The
//! process exits when standard input closes (the test is gone) and after ten minutes in any
//! case.

#[path = "../target/generated/mod.rs"]
mod generated;

use std::io::Read as _;
use std::time::Duration;

/// What the application answers when CORS lets a request through.
pub async fn answer() -> &'static str {
    "ok\n"
}

/// `/api/admin/…` and `/api/…` routes declared with actix-web's own router, each naming
/// itself in `X-Corsc-Route`, so tests/security/paths.rs sees which handler actix picked.
pub fn routes(cfg: &mut actix_web::web::ServiceConfig) {
    use actix_web::{web, HttpResponse};
    let route = |name: &'static str| {
        web::to(move || async move {
            HttpResponse::Ok()
                .insert_header(("x-corsc-route", name))
                .body("ok\n")
        })
    };
    cfg.service(web::resource("/api/admin/{tail:.*}").route(route("admin")))
        .service(web::resource("/api/{tail:.*}").route(route("api")));
}

fn fail(message: String) -> ! {
    eprintln!("{message}");
    std::process::exit(2);
}

#[actix_web::main]
async fn main() {
    let mut ports = Vec::new();
    let mut servers = Vec::new();
    for a in std::env::args().skip(1) {
        let k: usize = a
            .parse()
            .unwrap_or_else(|_| fail(format!("`{a}` is not a policy number")));
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))
            .unwrap_or_else(|e| fail(format!("cannot listen on 127.0.0.1: {e}")));
        let port = listener
            .local_addr()
            .unwrap_or_else(|e| fail(format!("no local address: {e}")))
            .port();
        let server = generated::server(k, listener)
            .unwrap_or_else(|| fail(format!("no policy {k}")))
            .unwrap_or_else(|e| fail(format!("cannot serve policy {k}: {e}")));
        ports.push(port.to_string());
        servers.push(actix_web::rt::spawn(server));
    }
    println!("{{\"ports\":[{}]}}", ports.join(","));
    std::thread::spawn(|| {
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        std::process::exit(0);
    });
    actix_web::rt::time::sleep(Duration::from_secs(600)).await;
}
