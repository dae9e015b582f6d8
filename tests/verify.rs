//! `corsc verify` against servers written here: one built on the evaluator itself (zero
//! mismatches), deliberately broken ones whose flaws must each be reported (as mismatches, or
//! as findings for `Vary` and answers without `Origin`), and a policy with 300 origins whose
//! probes do not fit the default budget, to hold the report to saying what it left out.

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

/// A server that answers as the policy says, then lets `alter` break the answer the way the
/// test needs (drop a header, reflect the origin, add a second line…).
fn altered_server(
    policy: &str,
    alter: impl Fn(&Seen, &mut corsc::eval::Response) + Send + Sync + 'static,
) -> Server {
    let set = policy_set(policy);
    Server::start(move |seen| {
        let mut r = respond(&set, &wire(seen));
        alter(seen, &mut r);
        Answer {
            status: r.status,
            headers: r.headers,
            body: Vec::new(),
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
        assert!(stdout.contains(" 0 mismatches, 0 findings"), "{stdout}");
        assert!(stdout.contains("budget: all "), "{stdout}");
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
    // 200 instead of 204 on preflights, no Vary on preflights (HTTP caches never store an
    // OPTIONS answer), and an extra header.
    let server = altered_server(SPA, move |seen, r| {
        if seen.method == "OPTIONS" {
            r.headers.retain(|(n, _)| n != "Vary");
        }
        r.headers.push(("X-Powered-By".into(), "test".into()));
        if r.status == 204 {
            r.status = 200;
        }
    });
    let (code, stdout, _) = verify(SPA, &server, &[]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("(harmless)"), "{stdout}");
    assert!(stdout.contains(" 0 mismatches, 0 findings"), "{stdout}");
}

#[test]
fn reflecting_any_origin_with_credentials_is_reported() {
    let server = altered_server(SPA, move |seen, r| {
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
    let server = altered_server(SPA, move |_, r| {
        if let Some(v) = r.header("access-control-allow-origin") {
            r.headers.push(("Access-Control-Allow-Origin".into(), v));
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
    let server = altered_server(SPA, move |_, r| {
        r.headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case("access-control-allow-origin"));
        r.headers
            .push(("Access-Control-Allow-Origin".into(), "*".into()));
        if r.status == 403 {
            r.status = 204;
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

// ---- the budget -------------------------------------------------------------------------

/// A credentialed policy with `n` exact origins, in a scratch directory that lives as long as
/// the returned guard.
fn many_origins_policy(n: usize) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut text = String::from("origins clients = [\n");
    for i in 0..n {
        text.push_str(&format!("    \"https://client-{i}.example.com\",\n"));
    }
    text.push_str(
        "]\n\npolicy api {\n    paths \"/api/*\"\n    origins clients\n    methods PUT, DELETE\n    credentials true\n}\n",
    );
    let path = dir.path().join("clients.cors");
    std::fs::write(&path, text).expect("write policy");
    let path = path.to_string_lossy().into_owned();
    (dir, path)
}

/// The count before `word` in the summary line (`… 3 mismatches, 0 findings`).
fn summary_count(stdout: &str, word: &str) -> usize {
    let line = stdout
        .lines()
        .find(|l| l.contains(" probes, ") && l.contains(" HTTP requests: "))
        .unwrap_or_else(|| panic!("no summary line:\n{stdout}"));
    let words: Vec<&str> = line.split([' ', ',']).filter(|w| !w.is_empty()).collect();
    let at = words
        .iter()
        .position(|w| w.starts_with(word))
        .unwrap_or_else(|| panic!("no `{word}` in {line}"));
    words[at - 1].parse().expect("a count")
}

#[test]
fn a_server_reflecting_any_origin_is_caught_for_a_300_origin_policy_at_the_default_budget() {
    let (_dir, policy) = many_origins_policy(300);
    let server = Server::start(http_server::reflect_any_origin);
    let (code, stdout, stderr) = verify(&policy, &server, &[]);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(summary_count(&stdout, "mismatch") > 0, "{stdout}");
    for attacker in ["https://evil.test", "null"] {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with('✗') && l.contains(&format!("from {attacker} +cred"))),
            "{attacker} not flagged:\n{stdout}"
        );
    }
    // Every per-entry attacker class got probes, not just the first entries' near misses.
    for near in [
        ".example.com.evil.test ",
        "from https://evilclient-",
        "from http://client-",
        ".example.com:8444 ",
        "xexample.com ",
    ] {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with('✗') && l.contains(near)),
            "no flagged `{near}` probe:\n{stdout}"
        );
    }
}

#[test]
fn a_budget_that_cuts_probes_says_what_it_left_out_and_fails_unless_partial_is_allowed() {
    let (_dir, policy) = many_origins_policy(300);
    let server = correct_server(&policy);
    let (code, stdout, stderr) = verify(&policy, &server, &[]);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert_eq!(summary_count(&stdout, "mismatch"), 0, "{stdout}");
    assert_eq!(summary_count(&stdout, "finding"), 0, "{stdout}");
    assert!(
        stdout.contains("budget: --max-probes 400 ran 400 of "),
        "{stdout}"
    );
    assert!(stdout.contains(" left out"), "{stdout}");
    // Per class: the suffix near misses of 300 origins cannot all fit in 400.
    let suffix = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("suffix "))
        .unwrap_or_else(|| panic!("no per-class line for suffix:\n{stdout}"));
    assert!(suffix.contains(" left out"), "{suffix}");
    assert!(
        stdout
            .lines()
            .any(|l| l.contains("allowed origins: ") && l.contains(" of 300 probed")),
        "{stdout}"
    );
    assert!(stdout.contains("--allow-partial"), "{stdout}");

    let (code, stdout, _) = verify(&policy, &server, &["--allow-partial"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains(" left out"), "{stdout}");
    assert!(stdout.contains("partial run accepted"), "{stdout}");

    // A budget large enough for the whole plan runs everything, allowed origins included.
    let (code, stdout, _) = verify(&policy, &server, &["--max-probes", "100000"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("budget: all "), "{stdout}");
    assert!(
        stdout.contains("allowed origins: 300 of 300 probed"),
        "{stdout}"
    );
}

#[test]
fn allowed_origins_are_sampled_evenly_after_every_attacker_class() {
    let (_dir, policy) = many_origins_policy(300);
    let server = correct_server(&policy);
    let json = |extra: &[&str]| -> serde_json::Value {
        let mut args = vec!["--format", "json", "--allow-partial"];
        args.extend_from_slice(extra);
        let (code, stdout, _) = verify(&policy, &server, &args);
        assert_eq!(code, 0, "{stdout}");
        serde_json::from_str(&stdout).expect("json")
    };
    let classes = |j: &serde_json::Value| -> Vec<(String, u64, u64)> {
        j["budget"]["classes"]
            .as_array()
            .expect("classes")
            .iter()
            .map(|c| {
                (
                    c["class"].as_str().unwrap().to_string(),
                    c["planned"].as_u64().unwrap(),
                    c["left_out"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let allowed_tier = ["allowed", "methods", "headers", "scopes"];
    let whole = json(&["--max-probes", "100000"]);
    assert_eq!(whole["complete"], true);
    let attack_planned: u64 = classes(&whole)
        .iter()
        .filter(|(c, _, _)| !allowed_tier.contains(&c.as_str()))
        .map(|(_, p, _)| p)
        .sum();
    // Every attacker probe, and 150 more: not enough for 300 allowed origins.
    let budget = (attack_planned + 150).to_string();
    let part = json(&["--max-probes", &budget]);
    assert_eq!(part["complete"], false);
    for (class, planned, left_out) in classes(&part) {
        if !allowed_tier.contains(&class.as_str()) {
            assert_eq!(left_out, 0, "{class}: {left_out} of {planned} left out");
        }
    }
    let probed: Vec<usize> = part["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["class"] == "allowed")
        .filter_map(|r| {
            let rest = r["probe"].as_str()?.split("https://client-").nth(1)?;
            rest.split('.').next()?.parse().ok()
        })
        .collect();
    let sampled = &part["sampled"]["allowed_origins"];
    assert_eq!(sampled["of"], 300);
    assert_eq!(sampled["probed"].as_u64(), Some(probed.len() as u64));
    assert!(probed.len() > 10 && probed.len() < 300, "{probed:?}");
    // Evenly spread: the first, the far end, and no gap much wider than the average.
    let mut sorted = probed.clone();
    sorted.sort_unstable();
    sorted.push(300);
    assert_eq!(sorted[0], 0, "{sorted:?}");
    let widest = sorted.windows(2).map(|w| w[1] - w[0]).max().unwrap_or(0);
    assert!(
        widest <= 2 * 300 / probed.len() + 1,
        "gap {widest} in {sorted:?}"
    );
}

#[test]
fn max_probes_zero_is_a_usage_error() {
    let server = correct_server(SPA);
    let (code, stdout, stderr) = verify(SPA, &server, &["--max-probes", "0"]);
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("--max-probes 0"), "{stderr}");
    assert!(stderr.contains("help:"), "{stderr}");
}

// ---- Vary and requests without Origin --------------------------------------------------------

#[test]
fn an_answer_that_depends_on_origin_without_vary_origin_is_a_finding() {
    let server = altered_server(SPA, move |_, r| {
        r.headers.retain(|(n, _)| n != "Vary");
    });
    let (code, stdout, _) = verify(SPA, &server, &[]);
    assert_eq!(code, 1, "{stdout}");
    assert_eq!(summary_count(&stdout, "mismatch"), 0, "{stdout}");
    assert!(summary_count(&stdout, "finding") > 0, "{stdout}");
    let row = stdout
        .lines()
        .find(|l| l.contains("GET /api/corsc-probe from https://app.example.com +cred"))
        .unwrap_or_else(|| panic!("no row:\n{stdout}"));
    assert!(row.starts_with('!'), "{row}");
    assert!(row.contains("Vary: Origin"), "{row}");
    // Reported apart from the verdicts.
    assert!(stdout.contains("\nfindings:\n"), "{stdout}");
}

#[test]
fn an_origin_reflected_for_a_star_policy_without_vary_is_a_finding() {
    // `origins *` needs no Vary when the answer is `*`; echoing the Origin instead makes the
    // answer depend on it, and a cache would hand one site's answer to the next.
    let policy = "policies/public-read-api.cors";
    let server = altered_server(policy, move |seen, r| {
        if let Some(o) = seen.header("origin") {
            for h in r.headers.iter_mut() {
                if h.0 == "Access-Control-Allow-Origin" {
                    h.1 = o.clone();
                }
            }
        }
    });
    let (code, stdout, _) = verify(policy, &server, &[]);
    assert_eq!(code, 1, "{stdout}");
    assert_eq!(summary_count(&stdout, "mismatch"), 0, "{stdout}");
    assert!(summary_count(&stdout, "finding") > 0, "{stdout}");
}

#[test]
fn requests_without_origin_are_probed() {
    let server = correct_server(SPA);
    let (code, stdout, _) = verify(SPA, &server, &[]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with(' ') && l.contains("GET /api/corsc-probe without Origin")),
        "{stdout}"
    );
}

/// A server answering as the policy says, except that requests without `Origin` get `extra`.
fn no_origin_server(extra: &'static [(&'static str, &'static str)]) -> Server {
    let set = policy_set(SPA);
    Server::start(move |seen| {
        let mut r = respond(&set, &wire(seen));
        if seen.header("origin").is_none() {
            for (n, v) in extra {
                r.headers.push(((*n).into(), (*v).into()));
            }
        }
        Answer {
            status: r.status,
            headers: r.headers,
            body: b"ok".to_vec(),
        }
    })
}

#[test]
fn star_with_credentials_without_origin_is_a_finding() {
    let server = no_origin_server(&[
        ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Allow-Credentials", "true"),
    ]);
    let (code, stdout, _) = verify(SPA, &server, &[]);
    assert_eq!(code, 1, "{stdout}");
    assert_eq!(summary_count(&stdout, "mismatch"), 0, "{stdout}");
    let row = stdout
        .lines()
        .find(|l| l.contains("without Origin"))
        .unwrap_or_else(|| panic!("no row:\n{stdout}"));
    assert!(row.starts_with('!'), "{row}");
    assert!(
        row.contains("`*` together with Access-Control-Allow-Credentials: true"),
        "{row}"
    );
}

#[test]
fn an_empty_origin_reflected_is_a_finding() {
    let server = no_origin_server(&[
        ("Access-Control-Allow-Origin", ""),
        ("Access-Control-Allow-Credentials", "true"),
    ]);
    let (code, stdout, _) = verify(SPA, &server, &[]);
    assert_eq!(code, 1, "{stdout}");
    let row = stdout
        .lines()
        .find(|l| l.contains("without Origin"))
        .unwrap_or_else(|| panic!("no row:\n{stdout}"));
    assert!(row.starts_with('!'), "{row}");
    assert!(row.contains("empty Access-Control-Allow-Origin"), "{row}");
}

#[test]
fn preflights_name_request_headers_as_browsers_do() {
    let seen_acrh = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let log = seen_acrh.clone();
    let set = policy_set(SPA);
    let server = Server::start(move |seen| {
        if let Some(v) = seen.header("access-control-request-headers") {
            log.lock().unwrap().push(v);
        }
        let r = respond(&set, &wire(seen));
        Answer {
            status: r.status,
            headers: r.headers,
            body: Vec::new(),
        }
    });
    let (code, stdout, _) = verify(SPA, &server, &[]);
    assert_eq!(code, 0, "{stdout}");
    let values = seen_acrh.lock().unwrap().clone();
    assert!(
        values.contains(&"content-type,x-csrf-token,x-request-id".to_string()),
        "{values:?}"
    );
    for v in &values {
        let names: Vec<&str> = v.split(',').collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted, "not sorted or not unique: {v}");
        assert!(
            names
                .iter()
                .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')),
            "not lower-case tokens without spaces: {v}"
        );
    }
}

// ---- JSON ------------------------------------------------------------------------------------

#[test]
fn json_report_has_the_documented_shape() {
    let (_dir, policy) = many_origins_policy(300);
    let server = correct_server(&policy);
    let (code, stdout, _) = verify(
        &policy,
        &server,
        &["--format", "json", "--max-probes", "50"],
    );
    assert_eq!(code, 1, "{stdout}");
    let j: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(j["schema"], "corsc-verify/1");
    assert_eq!(j["probes"], 50);
    assert_eq!(j["mismatches"], 0);
    assert_eq!(j["findings"], 0);
    assert_eq!(j["complete"], false);
    assert_eq!(j["allow_partial"], false);
    let results = j["results"].as_array().expect("results");
    assert_eq!(results.len(), 50);
    for r in results {
        for field in [
            "probe", "class", "intent", "expected", "observed", "verdict",
        ] {
            assert!(r[field].is_string(), "{field} in {r}");
        }
        assert!(r["ok"].is_boolean(), "{r}");
        for field in ["mismatches", "findings", "notes"] {
            assert!(r[field].is_array(), "{field} in {r}");
        }
        assert_eq!(r["verdict"], "match", "{r}");
    }
    assert!(results.iter().any(|r| r["class"] == "canary"));
    let budget = &j["budget"];
    assert_eq!(budget["max_probes"], 50);
    assert_eq!(budget["run"], 50);
    let planned = budget["planned"].as_u64().expect("planned");
    assert_eq!(budget["left_out"].as_u64(), Some(planned - 50));
    let classes = budget["classes"].as_array().expect("classes");
    let mut run = 0;
    for c in classes {
        assert!(c["class"].is_string(), "{c}");
        let (p, r, l) = (
            c["planned"].as_u64().unwrap(),
            c["run"].as_u64().unwrap(),
            c["left_out"].as_u64().unwrap(),
        );
        assert_eq!(p, r + l, "{c}");
        run += r;
    }
    assert_eq!(run, 50);
    assert_eq!(j["sampled"]["allowed_origins"]["of"], 300);
    assert!(j["sampled"]["allowed_origins"]["probed"].as_u64().unwrap() < 300);

    // Findings are listed apart, with the probe they came from.
    let server = altered_server(SPA, move |_, r| {
        r.headers.retain(|(n, _)| n != "Vary");
    });
    let (code, stdout, _) = verify(SPA, &server, &["--format", "json"]);
    assert_eq!(code, 1, "{stdout}");
    let j: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(j["complete"], true);
    let n = j["findings"].as_u64().expect("findings count");
    assert!(n > 0);
    let with: Vec<&serde_json::Value> = j["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["verdict"] == "finding")
        .collect();
    assert!(!with.is_empty());
    let f = &with[0]["findings"][0];
    assert_eq!(f["kind"], "vary-origin", "{f}");
    assert!(f["message"].is_string(), "{f}");
}

// ---- origins past the length bound ---------------------------------------------------------

/// An `Origin` over `MAX_ORIGIN_BYTES` that a pattern or regex would admit: every generated
/// server refuses it before any regex runs (a backtracking engine must never read 8 KiB), so
/// the evaluator refuses it too, and verify sends one for each such entry to catch a server
/// that does not bound.
#[test]
fn an_origin_past_the_length_bound_matches_no_pattern_or_regex_and_verify_probes_it() {
    use corsc::eval::server::entry_matches;
    use corsc::fetch::MAX_ORIGIN_BYTES;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("long.cors");
    std::fs::write(
        &path,
        "policy api {\n    paths \"/api/*\"\n    origins \"https://*.example.com\", regex \"^https://([a-z0-9-]+\\\\.)*example\\\\.org$\"\n}\n",
    )
    .expect("write policy");
    let set = policy_set(&path.to_string_lossy());
    let entries = &set.policies[0].origins.value;
    let labels = format!("{}.", "a".repeat(63)).repeat(8);
    for (entry, base) in entries.iter().zip(["example.com", "example.org"]) {
        let short = format!("https://app.{base}");
        let long = format!("https://{labels}{base}");
        assert!(long.len() > MAX_ORIGIN_BYTES);
        assert!(entry_matches(&entry.kind, &short), "{short}");
        assert!(!entry_matches(&entry.kind, &long), "{long}");
    }
    let probes = corsc::eval::probe::probes(&set, corsc::eval::probe::ProbeOptions::default());
    let over: Vec<&str> = probes
        .iter()
        .filter(|p| p.class.name() == "over-long")
        .map(|p| p.request.origin.as_str())
        .collect();
    for base in ["example.com", "example.org"] {
        assert!(
            over.iter()
                .any(|o| o.len() > MAX_ORIGIN_BYTES && o.ends_with(base)),
            "no over-long probe for {base}: {over:?}"
        );
    }
}

// ---- concurrency -------------------------------------------------------------------------

/// The JSON report without its wall time, which is all that may differ between two runs.
fn without_time(json: &str) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(json).expect("json");
    v.as_object_mut().expect("object").remove("elapsed_ms");
    v
}

#[test]
fn jobs_give_the_same_report_in_plan_order() {
    let (_dir, policy) = many_origins_policy(300);
    // A broken server, so mismatches are spread over the plan and their order shows.
    let server = altered_server(&policy, move |seen, r| {
        if let Some(o) = seen.header("origin") {
            if o.contains("evil") || o.ends_with('7') {
                r.headers
                    .retain(|(n, _)| !n.eq_ignore_ascii_case("access-control-allow-origin"));
                r.headers.push(("Access-Control-Allow-Origin".into(), o));
                r.headers
                    .push(("Access-Control-Allow-Credentials".into(), "true".into()));
            }
        }
    });
    let args = ["--format", "json", "--max-probes", "1500"];
    let (code1, one, _) = verify(&policy, &server, &args);
    let one = without_time(&one);
    assert_eq!(code1, 1);
    assert!(
        one["mismatches"].as_u64().unwrap_or(0) > 10,
        "{}",
        one["mismatches"]
    );
    for jobs in ["2", "8"] {
        let (code, many, err) = verify(&policy, &server, &[&args[..], &["--jobs", jobs]].concat());
        assert_eq!(code, code1, "--jobs {jobs}: {err}");
        assert_eq!(
            without_time(&many),
            one,
            "--jobs {jobs} reports differently"
        );
    }
}

#[test]
fn jobs_out_of_range_are_a_usage_error() {
    let server = correct_server(SPA);
    for jobs in ["0", "65"] {
        let (code, _, err) = verify(SPA, &server, &["--jobs", jobs]);
        assert_eq!(code, 2, "--jobs {jobs}: {err}");
        assert!(err.contains("--jobs"), "{err}");
    }
}
