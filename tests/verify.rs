//! `corsc verify` against servers written here: one built on the evaluator itself (zero
//! mismatches), and deliberately broken ones whose flaws must each be reported.

mod support;
use support::http_server;

use corsc::eval::{respond, WireRequest};
use http_server::{Answer, Seen, Server};

const SPA: &str = "policies/spa-with-cookies.cors";

fn policy_set(path: &str) -> corsc::ir::PolicySet {
    let text = std::fs::read_to_string(path).expect("policy file");
    let src = corsc::source::Source::new(path, text);
    let file = corsc::syntax::parse(&src).expect("parses");
    corsc::check::check(&file, None)
        .policies
        .expect("no errors")
}

fn wire(seen: &Seen) -> WireRequest {
    WireRequest {
        method: seen.method.clone(),
        path: seen.path.clone(),
        headers: seen.headers.clone(),
    }
}

/// A server that answers exactly as the policy says.
fn correct_server(policy: &str) -> Server {
    let set = policy_set(policy);
    Server::start(move |seen| {
        let r = respond(&set, &wire(seen));
        Answer {
            status: r.status,
            headers: r.headers,
            body: b"ok".to_vec(),
        }
    })
}

fn verify(policy: &str, server: &Server, extra: &[&str]) -> (i32, String, String) {
    let out = support::cli::corsc()
        .args(["verify", policy, "--url", &server.url()])
        .args(extra)
        .env("NO_COLOR", "1")
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).replace(&server.port.to_string(), "PORT"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_server_built_on_the_evaluator_has_zero_mismatches() {
    for policy in [
        SPA,
        "policies/multi-tenant-saas.cors",
        "policies/public-read-api.cors",
        "policies/dev-profile.cors",
    ] {
        let server = correct_server(policy);
        let (code, stdout, stderr) = verify(policy, &server, &[]);
        assert_eq!(code, 0, "{policy}\n{stdout}\n{stderr}");
        assert!(stdout.contains(" 0 mismatches"), "{stdout}");
    }
}

#[test]
fn verify_table_for_the_spa_policy() {
    let server = correct_server(SPA);
    let (code, stdout, _) = verify(SPA, &server, &[]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("verify_spa_correct", stdout);
}

#[test]
fn harmless_differences_pass() {
    // 200 instead of 204 on preflights, no Vary at all, and an extra header.
    let set = policy_set(SPA);
    let server = Server::start(move |seen| {
        let mut r = respond(&set, &wire(seen));
        r.headers.retain(|(n, _)| n != "Vary");
        r.headers.push(("X-Powered-By".into(), "test".into()));
        Answer {
            status: if r.status == 204 { 200 } else { r.status },
            headers: r.headers,
            body: Vec::new(),
        }
    });
    let (code, stdout, _) = verify(SPA, &server, &[]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("(harmless)"), "{stdout}");
}

#[test]
fn reflecting_any_origin_with_credentials_is_reported() {
    let set = policy_set(SPA);
    let server = Server::start(move |seen| {
        let mut r = respond(&set, &wire(seen));
        r.headers.retain(|(n, _)| {
            !n.eq_ignore_ascii_case("access-control-allow-origin")
                && !n.eq_ignore_ascii_case("access-control-allow-credentials")
        });
        if let Some(o) = seen.header("origin") {
            r.headers.push(("Access-Control-Allow-Origin".into(), o));
            r.headers
                .push(("Access-Control-Allow-Credentials".into(), "true".into()));
            if r.status == 403 {
                r.status = 204;
            }
        }
        Answer {
            status: r.status,
            headers: r.headers,
            body: Vec::new(),
        }
    });
    let (code, stdout, _) = verify(SPA, &server, &[]);
    assert_eq!(code, 1, "{stdout}");
    let line = stdout
        .lines()
        .find(|l| l.contains("GET /api/corsc-probe from https://evil.test +cred"))
        .unwrap_or_else(|| panic!("no evil.test row:\n{stdout}"));
    assert!(line.starts_with('✗'), "{line}");
    assert!(
        line.contains("the browser allows it; the policy blocks it"),
        "{line}"
    );
    assert!(
        line.contains("grants `https://evil.test` with credentials, which the policy refuses"),
        "{line}"
    );
    for near in [
        "https://app.example.com.evil.test",
        "https://evilexample.com",
        "http://app.example.com",
        "null",
    ] {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with('✗') && l.contains(&format!("from {near} "))),
            "{near} not flagged:\n{stdout}"
        );
    }
    // Allowed origins still match.
    assert!(stdout
        .lines()
        .any(|l| l.starts_with(' ') && l.contains("from https://app.example.com +cred")));
}

#[test]
fn two_acao_lines_are_reported() {
    let set = policy_set(SPA);
    let server = Server::start(move |seen| {
        let mut r = respond(&set, &wire(seen));
        if let Some(v) = r.header("access-control-allow-origin") {
            r.headers.push(("Access-Control-Allow-Origin".into(), v));
        }
        Answer {
            status: r.status,
            headers: r.headers,
            body: Vec::new(),
        }
    });
    let (code, stdout, _) = verify(SPA, &server, &[]);
    assert_eq!(code, 1, "{stdout}");
    let line = stdout
        .lines()
        .find(|l| l.contains("GET /api/corsc-probe from https://app.example.com +cred"))
        .unwrap_or_else(|| panic!("no row:\n{stdout}"));
    assert!(line.starts_with('✗'), "{line}");
    assert!(
        line.contains("Access-Control-Allow-Origin holds several values (`https://app.example.com, https://app.example.com`)"),
        "{line}"
    );
    // Refused origins get no ACAO at all, so they are not affected.
    assert!(stdout
        .lines()
        .any(|l| l.starts_with(' ') && l.contains("from https://evil.test")));
}

#[test]
fn star_with_credentials_literal_is_caught_as_a_verdict_difference() {
    // A server that answers `*` to everyone although the policy lists origins.
    let set = policy_set(SPA);
    let server = Server::start(move |seen| {
        let mut r = respond(&set, &wire(seen));
        r.headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case("access-control-allow-origin"));
        r.headers
            .push(("Access-Control-Allow-Origin".into(), "*".into()));
        Answer {
            status: if r.status == 403 { 204 } else { r.status },
            headers: r.headers,
            body: Vec::new(),
        }
    });
    let (code, stdout, _) = verify(SPA, &server, &["--format", "json"]);
    assert_eq!(code, 1);
    let j: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(j["schema"], "corsc-verify/1");
    let bad: Vec<&serde_json::Value> = j["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["ok"] == false)
        .collect();
    assert!(!bad.is_empty());
    // Non-credentialed probes from refused origins become readable: more permission.
    assert!(bad.iter().any(|r| r["probe"]
        .as_str()
        .is_some_and(|p| p.contains("from https://evil.test") && !p.contains("+cred"))
        || r["mismatches"].to_string().contains("grants")));
    // Credentialed probes from allowed origins break.
    assert!(bad.iter().any(|r| r["mismatches"]
        .to_string()
        .contains("never allows a request with credentials")));
    assert_eq!(
        j["mismatches"].as_u64().unwrap() as usize,
        bad.len(),
        "summary counts the failing rows"
    );
}

#[test]
fn refused_connection_is_a_clear_error() {
    // Bind then drop to get a port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = support::cli::corsc()
        .args(["verify", SPA, "--url", &format!("http://127.0.0.1:{port}")])
        .env("NO_COLOR", "1")
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("could not reach the server"), "{err}");
    assert!(err.contains("connection refused"), "{err}");
}

#[test]
fn bad_url_is_a_usage_error() {
    for url in ["not a url", "ftp://127.0.0.1/", "127.0.0.1:8080"] {
        let out = support::cli::corsc()
            .args(["verify", SPA, "--url", url])
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{url}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(url), "{url}: {err}");
    }
}

#[test]
fn probe_generation_is_a_library_function_with_a_typical_count() {
    let set = policy_set(SPA);
    let probes = corsc::eval::probe::probes(&set, corsc::eval::probe::ProbeOptions::default());
    assert!(
        (30..=120).contains(&probes.len()),
        "spa policy yields {} probes",
        probes.len()
    );
}
