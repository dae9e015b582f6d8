//! Conformance of the nginx and Apache output: real servers on 127.0.0.1, started with what
//! corsc generates, checked by `corsc verify` (the library entry point and, for the example
//! policies, the binary too) against the reference evaluator. Every example policy in every
//! profile and shape, and 200 random policies per engine (fixed seeds), must show zero
//! mismatches: the same browser verdict for every probe, and never more permission.

mod support;
use support::{conformance, engines, frameworks, random_policy};

use corsc::emit::Shape;
use corsc::eval::browser::CHROMIUM;
use corsc::eval::probe::{probes, ProbeOptions};
use engines::{compile_text, free_port, policy_files, profiles, require, start, Engine};
use std::time::{Duration, Instant};

const RANDOM_POLICIES: u64 = 200;

fn policy_set(name: &str, text: &str, profile: Option<&str>) -> corsc::ir::PolicySet {
    let src = corsc::source::Source::new(name, text.to_string());
    let file = corsc::syntax::parse(&src).expect("parses");
    corsc::check::check(&file, profile)
        .policies
        .expect("checks clean")
}

struct Tally {
    servers: usize,
    probes: usize,
    refused: usize,
}

/// The target whose output an engine runs.
fn target_of(engine: Engine) -> &'static str {
    match engine {
        Engine::Nginx => "nginx",
        Engine::Apache => "apache",
    }
}

/// Compiles `text` for the engine, starts it, and verifies it. `Ok(None)`: the plan refused.
fn verify_one(
    engine: Engine,
    bin: &std::path::Path,
    shape: Shape,
    name: &str,
    text: &str,
    profile: Option<&str>,
    with_binary: bool,
) -> Result<Option<usize>, String> {
    let target = target_of(engine);
    let port = free_port();
    let out = match compile_text(
        name,
        text,
        text.as_bytes(),
        profile,
        target,
        shape,
        &format!("127.0.0.1:{port}"),
    ) {
        Ok(o) => o,
        Err(d) => {
            let src = corsc::source::Source::new(name, text.to_string());
            eprintln!(
                "{target}: {name} refused:\n{}",
                corsc::diagnostics::render::human(&src, &d, false)
            );
            return Ok(None);
        }
    };
    let set = policy_set(name, text, profile);
    // Files for the probe paths (Apache serves them); the path variants are other spellings
    // of these, and a bare prefix would be a file where a directory must be.
    let mut paths: Vec<String> = probes(&set, ProbeOptions::default())
        .into_iter()
        .filter(|p| p.intent != corsc::eval::probe::Intent::PathVariant)
        .map(|p| p.request.path)
        .collect();
    paths.sort();
    paths.dedup();
    let srv = start(engine, bin, &out, port, &paths)?;
    // Expected answers follow the engine's own routing: it decodes, merges `//` and
    // resolves dot segments before it picks a location.
    let opts = ProbeOptions {
        routing: frameworks::routing_of(target),
        ..ProbeOptions::default()
    };
    let report = corsc::eval::live::verify(
        &set,
        &srv.base_url(),
        &CHROMIUM,
        opts,
        Duration::from_secs(5),
    )
    .map_err(|e| format!("{target} {name}: {e}"))?;
    let bad: Vec<String> = report
        .results
        .iter()
        .filter(|r| !r.ok())
        .take(5)
        .map(|r| format!("{r:?}"))
        .collect();
    if !bad.is_empty() {
        return Err(format!(
            "{target} ({}) {name} profile {profile:?}: {} of {} probes differ:\n{}\n--- policy ---\n{text}",
            shape.as_str(),
            report.mismatches(),
            report.results.len(),
            bad.join("\n")
        ));
    }
    if with_binary {
        // The same check through the command users run.
        let path =
            std::env::temp_dir().join(format!("corsc-conf-{}-{port}.cors", std::process::id()));
        std::fs::write(&path, text).map_err(|e| e.to_string())?;
        let mut cmd = support::cli::command();
        cmd.arg("verify")
            .arg(&path)
            .arg("--url")
            .arg(srv.base_url())
            .arg("--target")
            .arg(target);
        if let Some(p) = profile {
            cmd.arg("--profile").arg(p);
        }
        let o = cmd.output().map_err(|e| e.to_string())?;
        let _ = std::fs::remove_file(&path);
        if !o.status.success() {
            return Err(format!(
                "`corsc verify` on {target} {name} exited {}:\n{}{}",
                o.status,
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ));
        }
    }
    Ok(Some(report.results.len()))
}

fn examples(engine: Engine, shapes: &[Shape], test: &str) {
    let Some(bin) = require(engine, test) else {
        return;
    };
    let start_t = Instant::now();
    let mut t = Tally {
        servers: 0,
        probes: 0,
        refused: 0,
    };
    for path in policy_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.display().to_string();
        let mut runs: Vec<Option<String>> = vec![None];
        runs.extend(profiles(&path).into_iter().map(Some));
        for profile in &runs {
            for shape in shapes {
                match verify_one(engine, &bin, *shape, &name, &text, profile.as_deref(), true) {
                    Ok(Some(n)) => {
                        t.servers += 1;
                        t.probes += n;
                    }
                    Ok(None) => t.refused += 1,
                    Err(e) => panic!("{e}"),
                }
            }
        }
    }
    // Policy names that collide once mangled into variables: each policy must keep its own.
    for (name, text) in frameworks::hostile_name_sets() {
        for shape in shapes {
            match verify_one(engine, &bin, *shape, &name, &text, None, false) {
                Ok(Some(n)) => {
                    t.servers += 1;
                    t.probes += n;
                }
                Ok(None) => t.refused += 1,
                Err(e) => panic!("{e}"),
            }
        }
    }
    assert_eq!(t.refused, 0, "an example policy was refused");
    assert!(t.servers >= 5);
    eprintln!(
        "{test}: {} servers, {} probes, 0 mismatches, {:.1} s",
        t.servers,
        t.probes,
        start_t.elapsed().as_secs_f64()
    );
}

fn random(engine: Engine, shape: Shape, test: &str) {
    let Some(bin) = require(engine, test) else {
        return;
    };
    let start_t = Instant::now();
    let mut t = Tally {
        servers: 0,
        probes: 0,
        refused: 0,
    };
    let features = random_policy::Features::all();
    for seed in 0..RANDOM_POLICIES {
        let text = random_policy::policy_text(seed, &features);
        let name = format!("random-{seed}.cors");
        match verify_one(engine, &bin, shape, &name, &text, None, false) {
            Ok(Some(n)) => {
                t.servers += 1;
                t.probes += n;
            }
            Ok(None) => t.refused += 1,
            Err(e) => panic!("seed {seed}: {e}"),
        }
    }
    // nginx and Apache can express every feature the generator uses.
    assert_eq!(t.refused, 0, "random policies were refused");
    eprintln!(
        "{test}: {} random policies, {} probes, 0 mismatches, {:.1} s",
        t.servers,
        t.probes,
        start_t.elapsed().as_secs_f64()
    );
}

#[test]
fn nginx_examples_verify_with_zero_mismatches() {
    examples(
        Engine::Nginx,
        &[Shape::Server, Shape::Include, Shape::Snippet],
        "nginx_examples",
    );
}

#[test]
fn apache_examples_verify_with_zero_mismatches() {
    examples(
        Engine::Apache,
        &[Shape::Include, Shape::Htaccess],
        "apache_examples",
    );
}

#[test]
fn nginx_random_policies_verify_with_zero_mismatches() {
    random(Engine::Nginx, Shape::Server, "nginx_random");
}

#[test]
fn apache_random_policies_verify_with_zero_mismatches() {
    random(Engine::Apache, Shape::Include, "apache_random");
}

/// Long lists on the real servers: 3,000 exact origins (Apache: tries cut into lines, a line
/// per 16 KB, 6 KB in `.htaccess`) and 3,000 subdomain patterns (one regex, cut into as many
/// lines as the server's token length needs). Every origin at the edge of a cut answers, and
/// what is one character off does not.
fn long_lists(engine: Engine, shapes: &[Shape], test: &str) {
    let Some(bin) = require(engine, test) else {
        return;
    };
    let n = 3_000;
    let exact: Vec<String> = (0..n)
        .map(|i| format!("\"https://tenant-{i}.customers.example.com\""))
        .collect();
    let patterns: Vec<String> = (0..n)
        .map(|i| format!("\"https://*.t{i}.partners.example\""))
        .collect();
    let text = format!(
        "policy big {{\n    paths \"/api/*\"\n    origins {},\n        {}\n    credentials true\n}}\n",
        exact.join(",\n        "),
        patterns.join(",\n        ")
    );
    let mut allowed: Vec<String> = Vec::new();
    for i in 0..n {
        allowed.push(format!("https://tenant-{i}.customers.example.com"));
    }
    let mut sorted = allowed.clone();
    sorted.sort();
    for shape in shapes {
        let port = free_port();
        let out = compile_text(
            "long.cors",
            &text,
            text.as_bytes(),
            None,
            target_of(engine),
            *shape,
            &format!("127.0.0.1:{port}"),
        )
        .unwrap_or_else(|d| panic!("{test}: {d:?}"));
        let srv = start(engine, &bin, &out, port, &["/api/x".to_string()])
            .unwrap_or_else(|e| panic!("{test}: {e}"));
        let acao = |origin: &str| {
            support::http::request(&srv.addr, "GET", "/api/x", &[("Origin", origin)])
                .unwrap_or_else(|e| panic!("{test} {origin}: {e}"))
                .one("access-control-allow-origin")
                .map(str::to_string)
        };
        // Every 97th origin of the sorted list (so every cut is near one), and the last.
        let mut probes: Vec<String> = sorted.iter().step_by(97).cloned().collect();
        probes.push(sorted[n - 1].clone());
        probes.extend([0, 1, 1499, 2999].map(|i| format!("https://x.y.t{i}.partners.example")));
        for o in &probes {
            assert_eq!(
                acao(o).as_deref(),
                Some(o.as_str()),
                "{test} {shape:?}: {o}"
            );
        }
        for refused in [
            "https://tenant-3000.customers.example.com",
            "https://tenant-1.customers.example.co",
            "https://tenant-1.customers.example.comm",
            "http://tenant-1.customers.example.com",
            "https://t1.partners.example",
            "https://x.t3000.partners.example",
            "https://x.t1.partners.example.evil",
            "https://x_y.t1.partners.example",
        ] {
            assert_eq!(acao(refused), None, "{test} {shape:?}: {refused}");
        }
    }
}

#[test]
fn nginx_long_lists_allow_exactly_their_origins() {
    long_lists(
        Engine::Nginx,
        &[Shape::Server, Shape::Snippet],
        "nginx_long_lists",
    );
}

#[test]
fn apache_long_lists_allow_exactly_their_origins() {
    long_lists(
        Engine::Apache,
        &[Shape::Include, Shape::Htaccess],
        "apache_long_lists",
    );
}

/// A policy whose origins, patterns and `regex` entry are dense with dots under a 128-byte
/// name: written, each backslash of a regex is doubled by the server's quoting, so the lines
/// are a third longer than their regexes. nginx reads a token into a 4,096-byte buffer and
/// refuses a longer one; both servers must load the output, and answer from it.
fn dotted_policy() -> String {
    let dots = "x.".repeat(40);
    let mut values: Vec<String> = (0..2_000)
        .map(|i| format!("\"https://{i}.{dots}example\""))
        .collect();
    values.extend((0..31).map(|i| format!("\"https://*.{i}.{dots}net\"")));
    let alternatives: Vec<String> = (0..400).map(|i| format!("w{i}\\\\.x")).collect();
    values.push(format!("regex \"https://(?:{})\"", alternatives.join("|")));
    format!(
        "policy {} {{\n    paths \"/api/*\"\n    origins {}\n}}\n",
        "p".repeat(128),
        values.join(",\n        ")
    )
}

#[test]
fn nginx_and_apache_load_lists_dense_with_dots() {
    let dots = "x.".repeat(40);
    let text = dotted_policy();
    for (engine, shapes) in [
        (Engine::Nginx, &[Shape::Server, Shape::Snippet][..]),
        (Engine::Apache, &[Shape::Include, Shape::Htaccess][..]),
    ] {
        let Some(bin) = require(engine, "dotted_lists") else {
            return;
        };
        for shape in shapes {
            let port = free_port();
            let out = compile_text(
                "dots.cors",
                &text,
                text.as_bytes(),
                None,
                target_of(engine),
                *shape,
                &format!("127.0.0.1:{port}"),
            )
            .unwrap_or_else(|d| panic!("{engine:?} {shape:?}: {d:?}"));
            let srv = start(engine, &bin, &out, port, &["/api/x".to_string()])
                .unwrap_or_else(|e| panic!("{engine:?} {shape:?}: {e}"));
            let acao = |origin: &str| {
                support::http::request(&srv.addr, "GET", "/api/x", &[("Origin", origin)])
                    .unwrap_or_else(|e| panic!("{origin}: {e}"))
                    .one("access-control-allow-origin")
                    .map(str::to_string)
            };
            for o in [
                format!("https://1999.{dots}example"),
                format!("https://a.30.{dots}net"),
                "https://w399.x".to_string(),
            ] {
                assert_eq!(
                    acao(&o).as_deref(),
                    Some(o.as_str()),
                    "{engine:?} {shape:?}"
                );
            }
            for o in [
                format!("https://2000.{dots}example"),
                format!("https://30.{dots}net"),
                format!("https://a.31.{dots}net"),
            ] {
                assert_eq!(acao(&o), None, "{engine:?} {shape:?}: {o}");
            }
        }
    }
}

/// Why an Apache line holds at most 16 KB of trie: PCRE2 as Apache links it compiles a
/// pattern into 64 KB, about two and a half bytes per byte of a trie at worst. A trie of 16 KB
/// compiles; one of about 40 KB does not ("SetEnvIf regex could not be compiled"), and corsc
/// never writes one.
#[test]
fn apache_compiles_a_line_of_16_kb_of_trie_and_refuses_40() {
    let Some(bin) = require(Engine::Apache, "apache_trie_size") else {
        return;
    };
    let line = |n: usize| {
        let words: Vec<String> = (0..n)
            .map(|i| format!("https://o{i}.example.com"))
            .collect();
        let refs: Vec<&str> = words.iter().map(String::as_str).collect();
        let trie = corsc::emit::trie::regex(&refs);
        let text = format!(
            "SetEnvIf Origin \"^(?:{})\\z\" X=1\n",
            trie.replace('\\', "\\\\")
        );
        (
            trie.len(),
            corsc::emit::Output::one("corsc-apache.conf", "inside <VirtualHost>", text),
        )
    };
    let (small, fits) = line(900);
    assert!((12_000..=16_000).contains(&small), "{small}");
    engines::apache_test(&bin, &fits).unwrap_or_else(|e| panic!("{small} bytes: {e}"));
    let (large, too_big) = line(2_500);
    assert!(large > 39_000, "{large}");
    let refused = engines::apache_test(&bin, &too_big).expect_err("a 40 KB trie is refused");
    assert!(refused.contains("could not be compiled"), "{refused}");
}

/// The targets this harness runs are its entry in `support/conformance.rs`, and every
/// registered target has a harness.
#[test]
fn covers_the_targets_its_entry_lists() {
    conformance::assert_covers(
        env!("CARGO_CRATE_NAME"),
        &[Engine::Nginx, Engine::Apache].map(target_of),
    );
}
