//! `corsc targets` says how each target looks up an exact origin; this keeps the row true. A
//! target said to use a hash must hold a 10,000-origin list in one hash structure, and every
//! use of that list in the generated code must be the hash (no copy handed to a library that
//! scans it, no sorted list, no array). A target said to use a trie (Flask, Django's settings:
//! libraries that take regexes but no set) must hold the list in one regex, the origins' trie
//! (Apache, whose lines are short: one per 16 KB of trie).
//! A target said to be linear is one whose library has no such form the output can reach.

mod support;
use support::engines::compile_text;

use corsc::emit::capability::Lookup;
use corsc::emit::TARGETS;

/// A policy of `n` exact origins and one subdomain pattern.
fn policy(n: usize) -> String {
    let mut s = String::from("policy big {\n    origins \"https://*.tenant.example\"");
    for i in 0..n {
        s.push_str(&format!(",\n        \"https://o{i}.example.com\""));
    }
    s.push_str("\n    credentials true\n}\n");
    s
}

/// The whole generated text of `text` for target `id` in its first shape.
fn generated(id: &str, name: &str, text: &str) -> String {
    let caps = corsc::emit::find(id).expect("registered").capabilities();
    let out = compile_text(
        name,
        text,
        text.as_bytes(),
        None,
        id,
        caps.shapes[0],
        "127.0.0.1:8080",
    )
    .unwrap_or_else(|d| panic!("{id}: {d:?}"));
    out.parts.iter().map(|p| p.text.as_str()).collect()
}

/// How a target's generated code holds its exact origins: the construct that must be there,
/// and where the list's name may appear (every other appearance is a scan or a copy).
struct Hashed {
    /// The hash structure the list is built into.
    built: &'static str,
    /// The list's name in the generated code.
    name: &'static str,
    /// The only forms in which `name` may appear.
    uses: &'static [&'static str],
}

fn hashed(id: &str) -> Option<Hashed> {
    Some(match id {
        // Map keys are a hash; the origin may appear only as one.
        "nginx" => Hashed {
            built: "map $http_origin ",
            name: "\"https://o5000.example.com\"",
            uses: &["\"https://o5000.example.com\" $http_origin;"],
        },
        "express" | "fastify" | "hono" | "koa" | "workers" => Hashed {
            built: "new Set(spec.exact)",
            name: "spec.exact",
            uses: &["new Set(spec.exact)"],
        },
        "nestjs" => Hashed {
            built: "new Set<string>([",
            name: "EXACT_ORIGINS",
            uses: &[
                "const EXACT_ORIGINS: ReadonlySet<string> = new Set<string>([",
                "EXACT_ORIGINS.has(origin)",
            ],
        },
        "starlette" => Hashed {
            built: "frozenset(spec[\"exact\"])",
            name: "self.exact",
            uses: &[
                "self.exact = frozenset(spec[\"exact\"])",
                "origin in self.exact",
                "else self.exact,",
            ],
        },
        "go" | "gin" | "chi" | "echo" => Hashed {
            built: "Exact = map[string]bool{",
            name: "Exact[",
            uses: &["Exact[origin]"],
        },
        "spring" => Hashed {
            built: "this.exact = new HashSet<String>(exact);",
            name: "exact.",
            uses: &["exact.contains(origin)"],
        },
        "actix" | "tower-http" => Hashed {
            built: "static EXACT: std::sync::LazyLock<std::collections::HashSet<&[u8]>>",
            name: "EXACT",
            uses: &["static EXACT:", "EXACT.contains(origin.as_bytes())"],
        },
        // A Ruby Set per policy, looked up before rack-cors sees the origin (the origins are
        // a block, never strings rack-cors would scan one by one).
        "rails" => Hashed {
            built: "exact: Set[",
            name: ".exact",
            uses: &["policy.exact.include?(source)"],
        },
        _ => return None,
    })
}

#[test]
fn every_target_that_claims_a_hash_lookup_holds_its_origins_in_one() {
    let text = policy(10_000);
    let mut failures = Vec::new();
    for t in TARGETS {
        let id = t.id();
        let caps = t.capabilities();
        if !caps.subdomain_patterns.available() {
            // Targets that take a short list of exact origins only (Gateway API: 64) refuse
            // this policy; their row says linear, which `refuses_the_big_policies` checks.
            continue;
        }
        let code = generated(id, "big.cors", &text);
        match (caps.exact_lookup, hashed(id)) {
            (Lookup::Hash, Some(h)) => {
                if !code.contains(h.built) {
                    failures.push(format!("{id}: no `{}`", h.built));
                }
                for (at, _) in code.match_indices(h.name) {
                    let ok = h
                        .uses
                        .iter()
                        .any(|u| u.contains(h.name) && window(&code, at, u.len()).contains(u));
                    if !ok {
                        let line = code[..at].lines().count();
                        let shown = code.lines().nth(line.saturating_sub(1)).unwrap_or("");
                        failures.push(format!(
                            "{id}: `{}` used outside its hash, line {line}: {}",
                            h.name,
                            shown.trim()
                        ));
                    }
                }
                // The list itself is written once: a second copy would be a second structure.
                let copies = code.matches("https://o5000.example.com").count();
                if copies != 1 {
                    failures.push(format!("{id}: the list is written {copies} times"));
                }
            }
            (Lookup::Trie, None) => {
                // The trie: every origin on one line (a list puts one per line), or for a
                // target whose lines are short (Apache) on one line per 6,000 bytes of the
                // list at most; and no line is an alternation of whole origins.
                let lines: Vec<&str> = code
                    .lines()
                    .filter(|l| l.contains("example\\\\.com"))
                    .collect();
                let at_most = if id == "apache" {
                    1 + text.len() / 6_000
                } else {
                    1
                };
                if lines.is_empty() || lines.len() > at_most {
                    failures.push(format!(
                        "{id}: the exact origins are on {} lines, not in {at_most} regex(es)",
                        lines.len()
                    ));
                }
                if lines.iter().any(|l| l.contains("|https://o")) {
                    failures.push(format!("{id}: the regex lists whole origins, not a trie"));
                }
                let written: usize = lines.iter().map(|l| l.matches("o5000").count()).sum();
                if written != 0 {
                    failures.push(format!("{id}: an origin is written whole ({written})"));
                }
            }
            (Lookup::Trie, Some(_)) => failures.push(format!(
                "{id}: the code holds a hash, and `corsc targets` says trie"
            )),
            (Lookup::Hash, None) => failures.push(format!(
                "{id}: `corsc targets` says hash, and this test does not know its structure"
            )),
            (Lookup::Linear, Some(_)) => failures.push(format!(
                "{id}: the code holds a hash, and `corsc targets` says linear"
            )),
            (Lookup::Linear, None) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A target without subdomain patterns refuses both big policies (so the two tests above skip
/// it) and says linear: its output is a list the engine compares in order.
#[test]
fn refuses_the_big_policies() {
    for t in TARGETS {
        let caps = t.capabilities();
        if caps.subdomain_patterns.available() {
            continue;
        }
        assert_eq!(caps.exact_lookup, Lookup::Linear, "{}", t.id());
        for text in [policy(10), patterns(10)] {
            let r = compile_text(
                "big.cors",
                &text,
                text.as_bytes(),
                None,
                t.id(),
                caps.shapes[0],
                "127.0.0.1:8080",
            );
            assert!(r.is_err(), "{} compiles a subdomain pattern", t.id());
        }
    }
}

/// The text within `reach` bytes either side of `at`, cut on character boundaries.
fn window(code: &str, at: usize, reach: usize) -> &str {
    let mut from = at.saturating_sub(reach);
    while !code.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (at + reach).min(code.len());
    while !code.is_char_boundary(to) {
        to += 1;
    }
    &code[from..to]
}

/// A policy of `n` subdomain patterns (tenants on their own domains) and a `regex` entry.
fn patterns(n: usize) -> String {
    let mut s = String::from(
        "policy big {\n    origins regex \"https://pr-[0-9]+\\\\.preview\\\\.example\"",
    );
    for i in 0..n {
        s.push_str(&format!(",\n        \"https://*.t{i}.example.net\""));
    }
    s.push_str("\n    credentials true\n}\n");
    s
}

/// Patterns are never a list tried one by one: those that differ only in their host are one
/// regex whose hosts are a trie, on one line, or on one line per token the target's syntax
/// allows (nginx and Apache lines are short).
#[test]
fn every_target_holds_its_patterns_in_one_regex_per_token() {
    let text = patterns(10_000);
    let mut failures = Vec::new();
    for t in TARGETS {
        let id = t.id();
        let caps = t.capabilities();
        if !caps.subdomain_patterns.available() {
            continue;
        }
        let code = generated(id, "tenants.cors", &text);
        let lines = code
            .lines()
            .filter(|l| l.contains("example") && l.contains("net"))
            .count();
        // Each pattern is about 30 bytes of regex: 300 KB in all.
        let at_most = 1 + 2 * 300_000 / caps.syntax.max_token.min(300_000);
        if lines == 0 || lines > at_most {
            failures.push(format!(
                "{id}: the patterns are on {lines} lines, more than {at_most}"
            ));
        }
        if code.contains("t5000") {
            failures.push(format!(
                "{id}: a pattern's host is written whole, not in a trie"
            ));
        }
        if !code.contains("pr-") {
            failures.push(format!("{id}: the regex entry is missing"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// An `.htaccess` line holds at most 8,190 bytes; Apache refuses a longer one, and every
/// request under that directory then fails with 500. Long lists are cut into lines, and the
/// cut must count the bytes as written: Apache's quoting doubles each backslash of a regex, so
/// origins full of dots (`\.` becomes `\\.`) take a third more room than their regex. Here
/// exact origins, patterns and a `regex` entry, all dense with dots, under a 128-byte policy
/// name.
#[test]
fn every_htaccess_line_fits_in_what_apache_reads() {
    let dots = "x.".repeat(40);
    let mut s = format!("policy {} {{\n    origins ", "p".repeat(128));
    let mut values: Vec<String> = (0..2_000)
        .map(|i| format!("\"https://{i}.{dots}example\""))
        .collect();
    values.extend((0..50).map(|i| format!("\"https://*.{i}.{dots}example\"")));
    values.push(format!("regex \"https://{}\"", "a\\\\.".repeat(1_500)));
    s.push_str(&values.join(",\n        "));
    s.push_str("\n}\n");
    let out = compile_text(
        "dots.cors",
        &s,
        s.as_bytes(),
        None,
        "apache",
        corsc::emit::Shape::Htaccess,
        "127.0.0.1:8080",
    )
    .unwrap_or_else(|d| panic!("{d:?}"));
    let text: String = out.parts.iter().map(|p| p.text.as_str()).collect();
    let longest = text.lines().map(str::len).max().unwrap_or(0);
    eprintln!("longest line: {longest}");
    assert!(longest <= 8_190, "a line of {longest} bytes");
    // The list is really there, cut into several lines.
    assert!(text.matches("SetEnvIf Origin").count() > 3);
}

/// Apache runs every `SetEnvIf Origin` line on every request (it cannot skip one), so the
/// exact origins' trie must fill each line it takes, every line but the last within 16,000
/// bytes and past three quarters of it, and a suffix the origins share is written once: 10,000
/// origins of one domain take 2 lines. (Cutting on each origin's whole length, suffix and
/// all, took 22 lines here; on what each origin adds to a prefix trie, 15.)
#[test]
fn apache_fills_each_trie_line_it_runs_on_every_request() {
    let text = policy(10_000);
    let code = generated("apache", "big.cors", &text);
    let lines: Vec<usize> = code
        .lines()
        .filter(|l| l.contains("SetEnvIf Origin") && l.contains("example\\\\.com"))
        .map(str::len)
        .collect();
    assert!((2..=2).contains(&lines.len()), "{lines:?}");
    let (last, full) = lines.split_last().unwrap();
    eprintln!("{} lines, the last {last} bytes: {full:?}", lines.len());
    for len in full {
        assert!(
            (12_000..=16_200).contains(len),
            "a trie line of {len} bytes: {lines:?}"
        );
    }
}
