//! `corsc targets` says how each target looks up an exact origin; this keeps the row true. A
//! target said to use a hash must hold a 10,000-origin list in one hash structure, and every
//! use of that list in the generated code must be the hash (no copy handed to a library that
//! scans it, no sorted list, no array). A target said to use a trie (Flask, Django's settings:
//! libraries that take regexes but no set) must hold the list in one regex, the origins' trie.
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
        "express" | "fastify" => Hashed {
            built: "new Set(spec.exact)",
            name: "spec.exact",
            uses: &["new Set(spec.exact)"],
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
        "go" => Hashed {
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
        let out = compile_text(
            "big.cors",
            &text,
            text.as_bytes(),
            None,
            id,
            caps.shapes[0],
            "127.0.0.1:8080",
        )
        .unwrap_or_else(|d| panic!("{id}: {d:?}"));
        let code: String = out.parts.iter().map(|p| p.text.as_str()).collect();
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
                // One regex: every origin on one line (a list puts one per line), and that
                // line is the trie, not an alternation of whole origins.
                let lines: Vec<&str> = code
                    .lines()
                    .filter(|l| l.contains("example\\\\.com"))
                    .collect();
                if lines.len() != 1 {
                    failures.push(format!(
                        "{id}: the exact origins are on {} lines, not in one regex",
                        lines.len()
                    ));
                } else if lines[0].contains("|https://o") {
                    failures.push(format!("{id}: the regex lists whole origins, not a trie"));
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
