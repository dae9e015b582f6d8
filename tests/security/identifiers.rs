//! Class 1: identifier collisions. Policy names are mangled into identifiers of the target's
//! language (nginx variables, Apache environment variables, JavaScript constants, Go and Rust
//! functions). Two names that mangle alike, or a name equal to one of the output's own helpers
//! or to a keyword, must still give every policy its own identifiers: otherwise one policy is
//! answered with another's origins and credentials, or the module does not load.
//!
//! The name sets are `frameworks::HOSTILE_NAMES`; every conformance suite also runs them live
//! (nginx, Apache, Express, Fastify, Starlette, Flask, Go, tower-http, actix), so each target
//! is proven on its real engine. The tests here are the quick, direct form of that proof.

use super::frameworks::{self, hostile_name_sets, require, verify_all, Runtime, Tally};
use corsc::emit::idents::{allocate, IdentScheme};
use corsc::emit::TARGETS;
use std::collections::BTreeSet;
use std::process::Command;

/// Every target's allocator gives every hostile name set derived names that are pairwise
/// distinct (ignoring case) and never one of the target's own names or keywords.
#[test]
fn every_target_allocates_disjoint_identifiers_for_hostile_names() {
    for target in TARGETS {
        let scheme: &IdentScheme = target.idents();
        let taken = scheme.taken();
        for names in frameworks::HOSTILE_NAMES {
            let stems = allocate(names, scheme);
            let mut seen = BTreeSet::new();
            for stem in &stems {
                for d in scheme.derive(stem) {
                    let d = d.to_ascii_lowercase();
                    assert!(
                        !taken.contains(&d),
                        "{}: `{d}` is the output's own name",
                        target.id()
                    );
                    assert!(seen.insert(d.clone()), "{}: `{d}` twice", target.id());
                }
            }
        }
    }
}

/// The hostile name sets compile for every target that accepts several policies, and the
/// output names each policy's stem exactly once per derived name (the renderer uses only the
/// names its scheme declares: a debug assertion in the renderers checks the same thing).
#[test]
fn hostile_names_compile_for_every_target() {
    for (label, text) in hostile_name_sets() {
        for target in TARGETS {
            let options = corsc::emit::Options {
                shape: target.meta().capabilities.shapes[0],
                ..corsc::emit::Options::default()
            };
            match frameworks::compile_with(&label, &text, None, target.id(), &options) {
                Ok(c) => assert!(!c.output.parts.is_empty(), "{}: {label}", target.id()),
                Err(frameworks::Refusal::Plan(d)) => {
                    // Only a target that takes one policy per file, or no path scopes
                    // (each of these policies has one), may refuse these; such a target
                    // may refuse more of what they say (a bucket: credentials), never
                    // anything but what the policy says (P301).
                    assert!(
                        d.iter().any(|d| d.message.contains("one policy")
                            || d.message.contains("path scopes"))
                            && d.iter().all(|d| d.code == "P301"),
                        "{} refused {label}: {d:#?}",
                        target.id()
                    );
                }
                Err(frameworks::Refusal::Check(d)) => panic!("{label} does not check: {d:#?}"),
            }
        }
    }
}

fn live(runtime: Runtime, packages: &[&str], target: &str, framework: &str, file_name: &str) {
    let test = format!("{target} hostile names");
    let Some(bin) = require(runtime, packages, &test) else {
        return;
    };
    let compiled: Vec<_> = hostile_name_sets()
        .into_iter()
        .map(|(label, text)| {
            frameworks::compile(&label, &text, None, target)
                .unwrap_or_else(|_| panic!("{target} refused {label}"))
        })
        .collect();
    let mut tally = Tally::default();
    verify_all(
        runtime, &bin, framework, file_name, &compiled, 8, &mut tally,
    );
    assert!(
        tally.failures.is_empty(),
        "{target}: policies answered with another's identifiers:\n{}",
        tally.failures.join("\n\n")
    );
    assert_eq!(tally.verified, compiled.len());
    eprintln!(
        "{target}: {} hostile name sets, {} probes, 0 mismatches",
        compiled.len(),
        tally.probes
    );
}

/// Express loads a module whose policies are named `Policy`, `scopes`, `class`, `__proto__`…
/// and answers each policy's origins on its own paths only.
#[test]
fn express_keeps_each_policy_under_hostile_names() {
    live(
        Runtime::Node,
        &["express", "cors"],
        "express",
        "express",
        "corsc-express.cjs",
    );
}

/// The same for Fastify.
#[test]
fn fastify_keeps_each_policy_under_hostile_names() {
    live(
        Runtime::Node,
        &["fastify", "@fastify/cors"],
        "fastify",
        "fastify",
        "corsc-fastify.cjs",
    );
}

/// The same for Starlette (policies are Python values keyed by name).
#[test]
fn starlette_keeps_each_policy_under_hostile_names() {
    live(
        Runtime::Python,
        &["starlette", "uvicorn"],
        "starlette",
        "starlette",
        "corsc_cors.py",
    );
}

/// Go: `a-b` and `a--b` (both `aB` in camel case), keywords and the package's own names
/// give a package that `go vet` accepts (a redeclared function would not compile).
#[test]
fn go_output_for_hostile_names_compiles() {
    let test = "go hostile names";
    let required = std::env::var("CORSC_REQUIRE_ENGINES").is_ok_and(|v| v == "1");
    let gocode = std::env::var("CORSC_GOPATH").unwrap_or_else(|_| "/usr/share/gocode".into());
    let have = Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
        && std::path::Path::new(&gocode)
            .join("src/github.com/rs/cors/cors.go")
            .is_file();
    if !have {
        assert!(
            !required,
            "{test}: go or rs/cors missing, and CORSC_REQUIRE_ENGINES=1"
        );
        eprintln!("skipping {test}: go or rs/cors is not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    for (k, (label, text)) in hostile_name_sets().into_iter().enumerate() {
        let c = frameworks::compile(&label, &text, None, "go").expect("compiles");
        let pkg = dir.path().join(format!("src/corspolicy{k}"));
        std::fs::create_dir_all(&pkg).expect("mkdir");
        let body = c.output.parts[0]
            .text
            .replace("package corspolicy", &format!("package corspolicy{k}"));
        std::fs::write(pkg.join("cors.go"), body).expect("write");
        let out = Command::new("go")
            .args(["vet", &format!("corspolicy{k}")])
            .env("GO111MODULE", "off")
            .env("GOPATH", format!("{}:{gocode}", dir.path().display()))
            .env("GOFLAGS", "")
            .output()
            .expect("go runs");
        assert!(
            out.status.success(),
            "{label}: go vet failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Every nginx variable and Apache environment variable in real output (every example, every
/// hostile name set, every shape) is either one the target declares as its own or one derived
/// from a policy's stem: a helper added to a renderer without being declared would let a
/// policy name take it, and this fails first.
#[test]
fn every_variable_in_proxy_output_is_declared() {
    let mut inputs: Vec<(String, String, Option<String>)> = frameworks::examples();
    inputs.extend(hostile_name_sets().into_iter().map(|(l, t)| (l, t, None)));
    for (target, prefix) in [("nginx", "$corsc_"), ("apache", "CORSC_")] {
        let t = corsc::emit::find(target).expect("registered");
        let scheme = t.idents();
        let reserved: BTreeSet<String> = scheme.reserved.iter().map(|s| s.to_string()).collect();
        let mut checked = 0;
        for (label, text, profile) in &inputs {
            for shape in t.capabilities().shapes {
                let Ok(set) = frameworks::check_set(label, text, profile.as_deref()) else {
                    continue;
                };
                let options = corsc::emit::Options {
                    shape: *shape,
                    ..corsc::emit::Options::default()
                };
                let Ok(plan) = corsc::emit::plan(&set, t.meta(), &options) else {
                    continue;
                };
                // nginx names every policy by its index (`p0`, …) when a stem would make a
                // variable name longer than its variables hash holds.
                let derived: BTreeSet<String> = plan
                    .policies
                    .iter()
                    .enumerate()
                    .flat_map(|(i, p)| {
                        let mut d = scheme.derive(&p.ident);
                        if target == "nginx" {
                            d.extend(scheme.derive(&format!("p{i}")));
                        }
                        d
                    })
                    .map(|d| d.to_ascii_uppercase())
                    .collect();
                let prov = corsc::emit::Provenance::new(label.as_str(), text.as_bytes(), None);
                let out = t.render(&plan, &prov).joined();
                // Every name carries the output's namespace (`$corsc_<ns>_…`, `CORSC_<NS>_…`):
                // what follows it is declared or derived.
                let ns = corsc::emit::dropin::Namespace::of(None, &prov);
                let spaced = format!("{prefix}{ns}_");
                for var in variables(&out, prefix) {
                    let Some(rest) = var
                        .get(..spaced.len())
                        .filter(|h| h.eq_ignore_ascii_case(&spaced))
                        .map(|_| &var[spaced.len()..])
                    else {
                        panic!("{target} {label}: `{var}` is outside the namespace `{ns}`");
                    };
                    let var = format!("{prefix}{rest}");
                    let known = reserved.iter().any(|r| r.eq_ignore_ascii_case(&var))
                        || derived.contains(&var.to_ascii_uppercase());
                    assert!(
                        known,
                        "{target} {label}: `{var}` is neither declared nor derived"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 100, "{target}: only {checked} variables seen");
    }
}

/// The `prefix…` identifiers in a text (`$corsc_x_origin`, `CORSC_X_IN`), skipping comments.
fn variables(text: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
        let mut rest = line;
        while let Some(i) = rest.find(prefix) {
            let tail = &rest[i..];
            let end = tail[prefix.len()..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .map_or(tail.len(), |e| e + prefix.len());
            let word = &tail[..end];
            if word.len() > prefix.len() {
                out.push(word.to_string());
            }
            rest = &tail[end..];
        }
    }
    out
}
