//! The `haproxy` target proven on Debian's HAProxy 2.6 (the release the target claims). Every
//! example policy (and profile) the plan accepts, the hostile-name files and 100+ random
//! policies are compiled; each output is pasted, unchanged, into a `frontend` of its own (bound
//! to an ephemeral port of 127.0.0.1) of one configuration, whose backend is a `listen` section
//! of the same process answering `ok` (the application's place, one real proxied hop away).
//! `haproxy -c` checks it (no warning either: a rule HAProxy would never run is one), one
//! `haproxy -db` serves it, and `corsc::eval::live::verify` probes each frontend: zero
//! mismatches.
//!
//! Needs `haproxy` on `PATH` (apt-get install haproxy; `.ci/run` installs it). Without it the
//! test says why it skips; with `CORSC_REQUIRE_ENGINES=1` it fails instead.

mod support;
use support::{conformance, edge, engines, frameworks, random_policy};

use edge::{haproxy_check as check, haproxy_configuration, Upstream};
use frameworks::{corpus, Compiled, Corpus, Tally};
use random_policy::{policy_text, Features};
use std::time::Instant;

const RANDOM_SEEDS: u64 = 130;
const RANDOM_MIN: usize = 100;

fn text_of(c: &Compiled) -> &str {
    let [part] = c.output.parts.as_slice() else {
        panic!("{}: expected one part", c.name);
    };
    &part.text
}

#[test]
fn haproxy_matches_the_evaluator() {
    let test = "haproxy conformance";
    let Some(version) = edge::haproxy_version() else {
        edge::skip_or_fail(test, "`haproxy` is not installed (apt-get install haproxy)");
        return;
    };
    let started = Instant::now();
    let mut tally = Tally::default();
    let Corpus {
        accepted,
        examples_accepted,
        examples_refused,
        random_accepted,
    } = corpus(
        "haproxy",
        RANDOM_SEEDS,
        |seed| policy_text(seed, &Features::all()),
        &mut tally,
    );
    let tmp = tempfile::Builder::new()
        .prefix("corsc-haproxy-")
        .tempdir()
        .expect("temp dir");
    let dir = tmp.path();
    // Each output alone first, so a refusal names its policy.
    for c in &accepted {
        if let Err(e) = check(
            dir,
            &haproxy_configuration(&Upstream::Ok(1), &[(text_of(c), 2)]),
        ) {
            panic!(
                "haproxy {version} -c refuses {}:\n{e}\n{}",
                c.name,
                text_of(c)
            );
        }
    }
    let mut ports = edge::distinct_ports(accepted.len() + 1);
    let app = ports.pop().expect("a port");
    let outputs: Vec<(&str, u16)> = accepted.iter().map(text_of).zip(ports.clone()).collect();
    let text = haproxy_configuration(&Upstream::Ok(app), &outputs);
    check(dir, &text).unwrap_or_else(|e| panic!("haproxy {version} -c refuses the whole:\n{e}"));
    let server = edge::haproxy_start(dir, &text, &ports);
    for (c, port) in accepted.iter().zip(&ports) {
        tally.verify("haproxy", &c.name, &c.set, &c.text, *port);
    }
    drop(server);
    println!(
        "haproxy ({version}): {examples_accepted} examples + hostile verified, {examples_refused} refused; random {random_accepted} of {RANDOM_SEEDS} compiled, {} refused; {} verified, {} probes, {} mismatching policies; total {:?}",
        RANDOM_SEEDS as usize - random_accepted,
        tally.verified,
        tally.probes,
        tally.failures.len(),
        started.elapsed()
    );
    for (label, why) in &tally.refused {
        println!("  refused {label}: {why}");
    }
    assert!(
        tally.failures.is_empty(),
        "{} policies differ from the evaluator on haproxy {version}:\n{}",
        tally.failures.len(),
        tally.failures.join("\n\n")
    );
    assert_eq!(tally.verified, accepted.len());
    assert!(examples_accepted >= 1, "no example policy compiled");
    assert!(
        random_accepted >= RANDOM_MIN,
        "only {random_accepted} random policies compiled"
    );
}

/// The targets this harness runs are its entry in `support/conformance.rs`, and every
/// registered target has a harness.
#[test]
fn covers_the_targets_its_entry_lists() {
    conformance::assert_covers(env!("CARGO_CRATE_NAME"), &["haproxy"]);
}

/// Compiles `text` for haproxy: the output's text, or the refusals' codes and messages.
fn haproxy_output(text: &str) -> Result<String, String> {
    engines::compile_text(
        "trap.cors",
        text,
        text.as_bytes(),
        None,
        "haproxy",
        corsc::emit::Shape::Include,
        "127.0.0.1:8080",
    )
    .map(|o| o.joined())
    .map_err(|d| {
        d.iter()
            .map(|x| format!("{} {}", x.code, x.message))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// Paths HAProxy reads as sent but an application could read otherwise (case, escapes, `//`,
/// dot segments) are refused as scopes, never written into an ACL.
#[test]
fn scopes_read_two_ways_are_refused() {
    for path in [
        "/API/*", "/a%2Fb", "/a%61", "/a//b", "/a/./b", "/a/../b", "/a b", "/é/*", "/exact/",
        "/a'b", "/a#b",
    ] {
        let text =
            format!("policy p {{\n    paths \"{path}\"\n    origins \"https://ok.example\"\n}}\n");
        let out = haproxy_output(&text);
        assert!(
            out.is_err(),
            "{path} compiled:\n{}",
            out.unwrap_or_default()
        );
    }
    for path in ["/api/*", "/v1.0/x", "/a-b_c~d/*", "/"] {
        let text =
            format!("policy p {{\n    paths \"{path}\"\n    origins \"https://ok.example\"\n}}\n");
        haproxy_output(&text).unwrap_or_else(|e| panic!("{path} refused: {e}"));
    }
}

/// Hostile strings in regexes and header names are refused or stay inside one single-quoted
/// word, and `haproxy -c` accepts (without a warning) what compiles.
#[test]
fn hostile_strings_stay_inside_their_words() {
    let cases: &[(&str, &str)] = &[
        (r"^https://a'b\.example$", "X-A"),
        (r#"^https://a"b\.example$"#, "X-A"),
        (r"^https://a\.example$\n", "X-A"),
        (r"^https://\$HOME\.example$", "X-A"),
        (r"^https://\$\{HOME\}\.example$", "X-A"),
        (r"^https://a\.example(?:#x)?$", "X-A"),
        (r"^https://a\.example(?: x)?$", "X-A"),
        (r"^https://a\.example\\$", "X-A"),
        (r"^https://a{1,3}\.example$", "X-A#b"),
        (r"^https://a\.example$", "X-%[src]"),
        (r"^https://a\.example$", "X-'a"),
    ];
    let have = edge::haproxy_version().is_some();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut compiled = 0;
    for (regex, header) in cases {
        let text = format!(
            "policy p {{\n    paths \"/api/*\"\n    origins \"https://ok.example\", regex \"{}\"\n    methods PUT\n    request-headers {header}\n    expose-headers {header}\n}}\n",
            regex.replace('\\', "\\\\").replace('"', "\\\"")
        );
        let Ok(out) = haproxy_output(&text) else {
            continue;
        };
        compiled += 1;
        for line in out.lines().filter(|l| !l.trim_start().starts_with('#')) {
            // Every quote opens and closes a word on its line.
            assert_eq!(line.matches('\'').count() % 2, 0, "{regex}: {line}");
            assert!(!line.contains("%[src]"), "{regex}: {line}");
        }
        if have {
            check(
                dir.path(),
                &haproxy_configuration(&Upstream::Ok(1), &[(&out, 2)]),
            )
            .unwrap_or_else(|e| panic!("{regex} / {header}: haproxy -c refuses:\n{e}\n{out}"));
        }
    }
    assert!(compiled >= 4, "only {compiled} hostile cases compiled");
}

/// One raw request (headers exactly as given) to `port`; the response head, lower-cased.
fn raw_head(port: u16, method: &str, path: &str, headers: &[(&str, &str)]) -> String {
    use std::io::{Read as _, Write as _};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .ok();
    let mut text = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    for (n, v) in headers {
        text.push_str(&format!("{n}: {v}\r\n"));
    }
    text.push_str("\r\n");
    s.write_all(text.as_bytes()).expect("send");
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let raw = String::from_utf8_lossy(&raw).to_ascii_lowercase();
    raw.split("\r\n\r\n").next().unwrap_or("").to_string()
}

/// Origins that look like an allowed one but are not, and requests with several `Origin`
/// headers (`req.hdr` would split at commas and try each occurrence), get no
/// `Access-Control-Allow-Origin` from the real HAProxy; the allowed origin alone gets it.
#[test]
fn lookalike_and_repeated_origins_are_refused_live() {
    let test = "haproxy origin traps";
    if edge::haproxy_version().is_none() {
        edge::skip_or_fail(test, "`haproxy` is not installed (apt-get install haproxy)");
        return;
    }
    let policy = "policy p {\n    paths \"/api/*\"\n    origins \"https://app.example.com\", \"https://*.example.org\"\n    methods PUT\n    credentials true\n}\n";
    let out = haproxy_output(policy).expect("compiles");
    let dir = tempfile::tempdir().expect("temp dir");
    let ports = edge::distinct_ports(2);
    let conf = haproxy_configuration(&Upstream::Ok(ports[1]), &[(&out, ports[0])]);
    check(dir.path(), &conf).expect("haproxy -c");
    let _running = edge::haproxy_start(dir.path(), &conf, &ports);
    let acao = |headers: &[(&str, &str)], method: &str| {
        raw_head(ports[0], method, "/api/x", headers)
            .lines()
            .filter(|l| l.starts_with("access-control-allow-origin:"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    for ok in ["https://app.example.com", "https://a.example.org"] {
        assert_eq!(
            acao(&[("Origin", ok)], "GET"),
            vec![format!("access-control-allow-origin: {ok}")]
        );
    }
    let refused: &[&[(&str, &str)]] = &[
        &[("Origin", "https://app.example.com.attacker.test")],
        &[("Origin", "https://aapp.example.com")],
        &[("Origin", "https://APP.example.com")],
        &[("Origin", "https://app.example.com.")],
        &[("Origin", "https://app.example.com:443")],
        &[("Origin", "http://app.example.com")],
        &[("Origin", "https://example.org")],
        &[("Origin", "https://evil.example.org.attacker.test")],
        &[("Origin", "https://evil.test/.example.org")],
        &[("Origin", "https://a.example.org\tx")],
        &[("Origin", "https://app.example.com, https://evil.test")],
        &[("Origin", "https://evil.test, https://app.example.com")],
        &[
            ("Origin", "https://app.example.com"),
            ("Origin", "https://evil.test"),
        ],
        &[
            ("Origin", "https://evil.test"),
            ("Origin", "https://app.example.com"),
        ],
        &[
            ("Origin", "https://app.example.com"),
            ("Origin", "https://app.example.com"),
        ],
    ];
    for headers in refused {
        assert_eq!(acao(headers, "GET"), Vec::<String>::new(), "{headers:?}");
        let mut pre = headers.to_vec();
        pre.push(("Access-Control-Request-Method", "PUT"));
        assert_eq!(acao(&pre, "OPTIONS"), Vec::<String>::new(), "{pre:?}");
    }
}
