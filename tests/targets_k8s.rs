//! The Kubernetes targets, proven without a cluster:
//!
//! - `gateway-api`: every output (examples, hostile names, 200 random policies) validates
//!   against the `HTTPRoute` OpenAPI v3 schema of the Standard channel CRD of gateway-api
//!   v1.5.0 (the oldest with the CORS filter) and v1.7.0 (vendored under `tests/schemas/`), and
//!   against the CRD's CEL rules that concern what corsc writes, checked here by hand; then it
//!   is read back by a small reader of the `HTTPRoute` semantics (below, test code only) and
//!   compared with the policy by `corsc diff` and the evaluator over a probe set.
//! - `ingress-nginx`: `import(compile(P))` is `P` (`corsc import --from ingress-nginx`, which
//!   reads the annotations as the controller does, defaults and validators included).
//! - The migration: every ingress-nginx fixture under `policies/imports/ingress-nginx/` is
//!   imported, compiled for `gateway-api` and read back; what Gateway API cannot say is refused
//!   with a diagnostic naming the feature.

mod support;

use serde_json::Value as Json;
use std::collections::BTreeSet;
use support::frameworks::{self, Refusal};
use support::import_fixtures::{fixtures, import_text};
use support::round_trip::{self, Framework};

/// The targets this file proves (its entry in `tests/support/conformance.rs`).
const TARGETS: &[&str] = &["gateway-api", "ingress-nginx"];

#[test]
fn this_file_is_the_harness_of_the_kubernetes_targets() {
    support::conformance::assert_covers("targets_k8s", TARGETS);
}

// ---------------------------------------------------------------------------------------
// YAML and schemas

/// Every document of a YAML stream, as JSON.
fn documents(text: &str) -> Vec<Json> {
    use serde::Deserialize;
    yaml_serde::Deserializer::from_str(text)
        .map(|de| {
            let v = yaml_serde::Value::deserialize(de).expect("the output is YAML");
            serde_json::to_value(v).expect("YAML as JSON")
        })
        .collect()
}

/// The vendored `HTTPRoute` v1 schemas, oldest and newest.
fn httproute_schemas() -> Vec<(&'static str, jsonschema::Validator)> {
    ["v1.5.0", "v1.7.0"]
        .into_iter()
        .map(|v| {
            let path =
                frameworks::root().join(format!("tests/schemas/gateway-api-{v}-httproute-v1.json"));
            let text = std::fs::read_to_string(&path).expect("vendored schema");
            let schema: Json = serde_json::from_str(&text).expect("schema JSON");
            let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{e}"));
            (v, validator)
        })
        .collect()
}

/// Whether `name` is a DNS-1123 subdomain (what `metadata.name` must be).
fn dns1123(name: &str) -> bool {
    let ok = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            let b = label.as_bytes();
            !b.is_empty()
                && ok(b[0])
                && ok(b[b.len() - 1])
                && b.iter().all(|c| ok(*c) || *c == b'-')
        })
}

/// The CRD's CEL rules (`x-kubernetes-validations`) that apply to what corsc writes, checked by
/// hand: a JSON schema validator does not run CEL. Not checked, because corsc writes none of
/// what they constrain: parentRef uniqueness (one parentRef), rule-name uniqueness (no
/// names), redirect and rewrite filters, request mirrors, timeouts.
fn cel_errors(doc: &Json) -> Vec<String> {
    let mut e = Vec::new();
    let empty = Vec::new();
    let rules = doc["spec"]["rules"].as_array().unwrap_or(&empty);
    let matches: usize = rules
        .iter()
        .map(|r| r["matches"].as_array().map_or(0, Vec::len))
        .sum();
    if matches > 128 {
        e.push(format!("{matches} matches in all; at most 128"));
    }
    for r in rules {
        let filters = r["filters"].as_array().unwrap_or(&empty);
        if filters.iter().filter(|f| f["type"] == "CORS").count() > 1 {
            e.push("two CORS filters in one rule".into());
        }
        for f in filters {
            if (f["type"] == "CORS") != f.get("cors").is_some() {
                e.push("`cors` set iff type is CORS".into());
            }
            for list in ["allowOrigins", "allowMethods", "allowHeaders"] {
                if let Some(items) = f["cors"][list].as_array() {
                    if items.len() > 1 && items.iter().any(|i| i == "*") {
                        e.push(format!("{list} holds `*` beside other items"));
                    }
                }
            }
        }
        for m in r["matches"].as_array().unwrap_or(&empty) {
            let v = m["path"]["value"].as_str().unwrap_or("");
            let bad = !v.starts_with('/')
                || ["//", "/./", "/../", "%2f", "%2F", "#"]
                    .iter()
                    .any(|s| v.contains(s))
                || v.ends_with("/..")
                || v.ends_with("/.");
            if bad {
                e.push(format!("path `{v}` breaks a CEL rule"));
            }
        }
        for b in r["backendRefs"].as_array().unwrap_or(&empty) {
            if b.get("port").is_none() {
                e.push("a Service backendRef without port".into());
            }
        }
    }
    e
}

/// Validates a `gateway-api` output: schemas, CEL rules, names.
fn assert_valid_httproutes(what: &str, text: &str, schemas: &[(&str, jsonschema::Validator)]) {
    let docs = documents(text);
    let mut names = BTreeSet::new();
    for doc in &docs {
        assert_eq!(doc["kind"], "HTTPRoute", "{what}");
        for (version, validator) in schemas {
            let errors: Vec<String> = validator
                .iter_errors(doc)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect();
            assert!(
                errors.is_empty(),
                "{what}: not a valid HTTPRoute for gateway-api {version}:\n{}\n{text}",
                errors.join("\n")
            );
        }
        let cel = cel_errors(doc);
        assert!(cel.is_empty(), "{what}: {cel:?}\n{text}");
        let name = doc["metadata"]["name"].as_str().expect("a name");
        assert!(dns1123(name), "{what}: `{name}` is not a DNS-1123 name");
        assert!(names.insert(name.to_string()), "{what}: `{name}` twice");
    }
}

// ---------------------------------------------------------------------------------------
// Reading an HTTPRoute back

/// A `.cors` string literal.
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The policies that `HTTPRoute`s put in force, as `.cors` text, read with Gateway API's
/// semantics: `Exact` is the path; `PathPrefix` `/x/` matches whole segments with the trailing
/// `/` ignored, so `/x/…` and `/x` itself (unless an `Exact` rule claims `/x`, which takes
/// precedence); a rule without a CORS filter sends no CORS headers (a policy allowing no
/// origin); an unset `maxAge` sends 5.
fn read_httproutes(text: &str) -> String {
    struct Rule {
        exact: Vec<String>,
        prefix: Vec<String>,
        cors: Option<Json>,
    }
    let mut rules = Vec::new();
    let mut exact_claimed = BTreeSet::new();
    for doc in documents(text) {
        for r in doc["spec"]["rules"].as_array().into_iter().flatten() {
            let mut rule = Rule {
                exact: Vec::new(),
                prefix: Vec::new(),
                cors: r["filters"]
                    .as_array()
                    .and_then(|f| f.iter().find(|f| f["type"] == "CORS"))
                    .map(|f| f["cors"].clone()),
            };
            for m in r["matches"].as_array().into_iter().flatten() {
                let v = m["path"]["value"].as_str().unwrap_or("/").to_string();
                match m["path"]["type"].as_str() {
                    Some("Exact") => {
                        exact_claimed.insert(v.clone());
                        rule.exact.push(v);
                    }
                    _ => rule.prefix.push(v),
                }
            }
            rules.push(rule);
        }
    }
    let mut out = String::new();
    for (i, r) in rules.iter().enumerate() {
        let mut paths: Vec<String> = r.exact.clone();
        for p in &r.prefix {
            let bare = p.trim_end_matches('/');
            paths.push(format!("{bare}/*"));
            if !bare.is_empty() && !exact_claimed.contains(bare) {
                paths.push(bare.to_string());
            }
        }
        let paths: Vec<String> = paths.iter().map(|p| quoted(p)).collect();
        out.push_str(&format!("policy r{i} {{\n    paths {}\n", paths.join(", ")));
        let list = |c: &Json, k: &str| -> Vec<String> {
            c[k].as_array()
                .into_iter()
                .flatten()
                .map(|v| v.as_str().unwrap_or("").to_string())
                .collect()
        };
        match &r.cors {
            None => out.push_str("    origins []\n"),
            Some(c) => {
                let origins = list(c, "allowOrigins");
                if origins == ["*"] {
                    out.push_str("    origins *\n");
                } else {
                    let o: Vec<String> = origins.iter().map(|o| quoted(o)).collect();
                    out.push_str(&format!("    origins [{}]\n", o.join(", ")));
                }
                for (key, directive) in [
                    ("allowMethods", "methods"),
                    ("allowHeaders", "request-headers"),
                    ("exposeHeaders", "expose-headers"),
                ] {
                    let l = list(c, key);
                    if !l.is_empty() {
                        out.push_str(&format!("    {directive} {}\n", l.join(", ")));
                    }
                }
                if c["allowCredentials"] == true {
                    out.push_str("    credentials true\n");
                }
                let age = c["maxAge"].as_u64().unwrap_or(5);
                out.push_str(&format!("    max-age {age}\n"));
            }
        }
        out.push_str("}\n");
    }
    out
}

/// Compiles for `gateway-api`, validates, reads back and compares: `None` when refused.
fn gateway_round_trip(
    name: &str,
    text: &str,
    profile: Option<&str>,
    schemas: &[(&str, jsonschema::Validator)],
) -> Option<Result<(), String>> {
    let compiled = frameworks::compile(name, text, profile, "gateway-api").ok()?;
    let out = compiled.output.joined();
    assert_valid_httproutes(name, &out, schemas);
    let back = read_httproutes(&out);
    let Ok(set) = frameworks::check_set("read-back.cors", &back, None) else {
        return Some(Err(format!("the read-back does not check:\n{back}")));
    };
    Some(
        round_trip::equivalent(&compiled.set, &set)
            .map_err(|e| format!("{e}\n--- output:\n{out}\n--- read back:\n{back}")),
    )
}

#[test]
fn gateway_api_output_validates_and_reads_back_as_the_policy() {
    let schemas = httproute_schemas();
    round_trip::run(|name, text, profile| gateway_round_trip(name, text, profile, &schemas))
        .report("gateway-api (HTTPRoute schema v1.5.0 and v1.7.0 + read back)");
}

#[test]
fn hostile_names_become_distinct_dns_names() {
    let schemas = httproute_schemas();
    for (what, text) in frameworks::hostile_name_sets() {
        for target in TARGETS {
            let c = frameworks::compile(&what, &text, None, target)
                .unwrap_or_else(|_| panic!("{target} refuses {what}"));
            let out = c.output.joined();
            let docs = documents(&out);
            assert_eq!(docs.len(), c.set.policies.len(), "{target} {what}");
            let names: BTreeSet<&str> = docs
                .iter()
                .map(|d| d["metadata"]["name"].as_str().expect("name"))
                .collect();
            assert_eq!(names.len(), docs.len(), "{target} {what}: a name twice");
            assert!(
                names.iter().all(|n| dns1123(n)),
                "{target} {what}: {names:?}"
            );
            if *target == "gateway-api" {
                assert_valid_httproutes(&what, &out, &schemas);
            }
        }
    }
}

#[test]
fn the_schemas_catch_what_they_should() {
    let schemas = httproute_schemas();
    let bad = serde_json::json!({
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": {"name": "x"},
        "spec": {"rules": [{"filters": [{"type": "CORS", "cors": {
            "allowOrigins": ["https://a.example/path"],
            "allowMethods": ["PURGE"],
            "maxAge": 0
        }}]}]}
    });
    for (v, s) in &schemas {
        assert!(s.iter_errors(&bad).count() >= 3, "{v} accepts a bad route");
    }
    let two_stars = serde_json::json!({"spec": {"rules": [{"filters": [{"type": "CORS",
        "cors": {"allowOrigins": ["*", "https://a.example"]}}]}]}});
    assert!(!cel_errors(&two_stars).is_empty());
}

// ---------------------------------------------------------------------------------------
// ingress-nginx

#[test]
fn ingress_nginx_round_trips_through_its_importer() {
    let framework = Framework {
        target: "ingress-nginx",
        format: "ingress-nginx",
        file: "ingress.yaml",
        compare: round_trip::equivalent,
    };
    round_trip::run(|name, text, profile| framework.round_trip(name, text, profile))
        .report("ingress-nginx");
}

fn compile_text(target: &str, text: &str) -> Result<String, String> {
    match frameworks::compile("t.cors", text, None, target) {
        Ok(c) => Ok(c.output.joined()),
        Err(Refusal::Plan(d) | Refusal::Check(d)) => Err(d
            .iter()
            .map(|d| format!("{} {}", d.code, d.message))
            .collect::<Vec<_>>()
            .join("\n")),
    }
}

#[test]
fn ingress_nginx_never_leaves_an_annotation_to_its_default() {
    // No methods, no request headers, no max-age: each default would widen the policy.
    let out = compile_text(
        "ingress-nginx",
        "policy p {\n    origins \"https://a.example\"\n}\n",
    )
    .expect("compiles");
    let doc = &documents(&out)[0];
    let a = &doc["metadata"]["annotations"];
    let get = |k: &str| {
        a[format!("nginx.ingress.kubernetes.io/{k}")]
            .as_str()
            .map(str::to_string)
    };
    assert_eq!(get("enable-cors").as_deref(), Some("true"));
    assert_eq!(
        get("cors-allow-origin").as_deref(),
        Some("https://a.example")
    );
    assert_eq!(get("cors-allow-credentials").as_deref(), Some("false"));
    assert_eq!(get("cors-allow-methods").as_deref(), Some("GET"));
    assert_eq!(get("cors-allow-headers").as_deref(), Some("Cookie"));
    assert_eq!(get("cors-max-age").as_deref(), Some("-1"));
    // A policy that allows no origin turns CORS off rather than leave the origin to `*`.
    let out = compile_text("ingress-nginx", "policy p {\n    origins []\n}\n").expect("compiles");
    let doc = &documents(&out)[0];
    assert_eq!(
        doc["metadata"]["annotations"]["nginx.ingress.kubernetes.io/enable-cors"],
        "false"
    );
    assert!(doc["metadata"]["annotations"]
        .get("nginx.ingress.kubernetes.io/cors-allow-origin")
        .is_none());
}

/// What each target refuses, and the words it says it with.
#[test]
fn refusals_name_the_feature() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "both",
            "origins \"https://*.a.example\"",
            "subdomain patterns",
        ),
        ("both", "origins \"http://localhost:*\"", "port patterns"),
        (
            "both",
            "origins regex \"^https://a\\\\.example$\"",
            "regex origins",
        ),
        (
            "both",
            "origins null",
            "accepts only `http` or `https` origins",
        ),
        (
            "both",
            "origins \"http://[::1]:8080\"",
            "accepts only `http` or `https` origins",
        ),
        (
            "both",
            "origins \"https://a.example\"\n    request-headers mirror",
            "mirror",
        ),
        (
            "both",
            "origins \"https://a.example\"\n    private-network true",
            "private-network",
        ),
        (
            "both",
            "paths \"/a/%2e%2e/*\"\n    origins \"https://a.example\"",
            "cannot express this scope exactly",
        ),
        (
            "both",
            "paths \"/a//b\"\n    origins \"https://a.example\"",
            "cannot express this scope exactly",
        ),
        (
            "gateway-api",
            "origins \"https://a.example\"\n    methods PURGE",
            "can only list the methods",
        ),
        (
            "gateway-api",
            "origins \"https://a.example\"\n    methods *\n    credentials true",
            "`methods *` with credentials",
        ),
        (
            "gateway-api",
            "origins \"https://a.example\"\n    request-headers *",
            "`request-headers *`",
        ),
        (
            "gateway-api",
            "origins \"https://a.example\"\n    max-age 0",
            "Max-Age: 0",
        ),
        (
            "gateway-api",
            "paths \"/api*\"\n    origins \"https://a.example\"",
            "match whole segments",
        ),
        (
            "ingress-nginx",
            "origins \"https://a.example\"\n    methods *",
            "`methods *`",
        ),
        (
            "ingress-nginx",
            "origins \"https://a.example\"\n    request-headers X-A.B",
            "letters, digits",
        ),
        (
            "ingress-nginx",
            "origins \"https://a.example\"\n    request-headers *",
            "`request-headers *`",
        ),
    ];
    for (which, body, words) in cases {
        for target in TARGETS {
            if *which != "both" && which != target {
                continue;
            }
            let text = format!("policy p {{\n    {body}\n}}\n");
            let err = compile_text(target, &text)
                .err()
                .unwrap_or_else(|| panic!("{target} compiles {body:?}"));
            assert!(err.contains(words), "{target} on {body:?}: {err}");
        }
    }
    // More rules than one HTTPRoute holds.
    let paths: Vec<String> = (0..9).map(|i| format!("\"/p{i}/*\"")).collect();
    let text = format!(
        "policy p {{\n    paths {}\n    origins \"https://a.example\"\n}}\n",
        paths.join(", ")
    );
    let err = compile_text("gateway-api", &text).expect_err("9 scopes");
    assert!(err.contains("at most 8 path scopes"), "{err}");
    let ok = format!(
        "policy {} {{\n    origins \"https://a.example\"\n}}\n",
        "a".repeat(128)
    );
    for target in TARGETS {
        let out = compile_text(target, &ok).expect("a name of the longest length corsc accepts");
        let name = documents(&out)[0]["metadata"]["name"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(dns1123(&name), "{target}: {name}");
    }
    // Past 64 origins in one list.
    let many: Vec<String> = (0..65)
        .map(|i| format!("\"https://o{i}.example\""))
        .collect();
    let text = format!("policy p {{\n    origins [{}]\n}}\n", many.join(", "));
    let err = compile_text("gateway-api", &text).expect_err("65 origins");
    assert!(err.contains("at most 64 origins"), "{err}");
}

#[test]
fn a_prefix_gets_an_exact_rule_for_the_path_gateway_api_also_matches() {
    let text = "policy root {\n    origins \"https://r.example\"\n}\npolicy api {\n    paths \"/api/*\"\n    origins \"https://a.example\"\n}\n";
    let out = compile_text("gateway-api", text).expect("compiles");
    // `/api` belongs to `root` in the policy: its Exact rule carries root's origins.
    let docs = documents(&out);
    let api = docs
        .iter()
        .find(|d| d["metadata"]["name"] == "corsc-api-cors")
        .expect("api route");
    let exact = api["spec"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["matches"][0]["path"]["type"] == "Exact")
        .expect("an Exact rule");
    assert_eq!(exact["matches"][0]["path"]["value"], "/api");
    assert_eq!(
        exact["filters"][0]["cors"]["allowOrigins"][0],
        "https://r.example"
    );
}

// ---------------------------------------------------------------------------------------
// Migration: ingress-nginx annotations → policy → Gateway API

#[test]
fn ingress_nginx_fixtures_migrate_to_gateway_api_or_are_refused_clearly() {
    let schemas = httproute_schemas();
    let mut migrated = 0;
    let mut refused = Vec::new();
    for path in fixtures("policies/imports/ingress-nginx", Some("yaml")) {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).expect("fixture");
        let imported = import_text("ingress-nginx", &name, &text);
        assert!(!imported.failed(), "{name}: the import fails");
        let policy = imported.policy_source().text.clone();
        // The imported policy also round-trips through ingress-nginx annotations when they
        // can say it.
        match frameworks::compile(&name, &policy, None, "ingress-nginx") {
            Ok(c) => {
                let back = import_text("ingress-nginx", "ingress.yaml", &c.output.joined());
                let set = frameworks::check_set("back.cors", &back.policy_source().text, None)
                    .unwrap_or_else(|_| panic!("{name}: re-import does not check"));
                round_trip::equivalent(&c.set, &set)
                    .unwrap_or_else(|e| panic!("{name}: ingress-nginx round trip: {e}"));
            }
            Err(Refusal::Plan(d)) => assert!(d.iter().all(|d| d.code == "P301"), "{name}: {d:?}"),
            Err(Refusal::Check(d)) => panic!("{name}: the import does not check: {d:?}"),
        }
        match frameworks::compile(&name, &policy, None, "gateway-api") {
            Ok(c) => {
                let out = c.output.joined();
                assert_valid_httproutes(&name, &out, &schemas);
                let back = read_httproutes(&out);
                let set = frameworks::check_set("read-back.cors", &back, None)
                    .unwrap_or_else(|_| panic!("{name}: read-back does not check:\n{back}"));
                round_trip::equivalent(&c.set, &set).unwrap_or_else(|e| {
                    panic!(
                        "{name}: Gateway API output differs from the import: {e}\n{policy}\n{out}"
                    )
                });
                migrated += 1;
            }
            Err(Refusal::Plan(d)) => {
                for diag in &d {
                    assert_eq!(diag.code, "P301", "{name}: {}", diag.message);
                    assert!(
                        diag.message
                            .starts_with("Gateway API (HTTPRoute CORS filter) "),
                        "{name}: {}",
                        diag.message
                    );
                    assert!(diag.help.is_some(), "{name}: no help line");
                }
                refused.push(format!(
                    "{name}: {}",
                    d.iter()
                        .map(|d| d.message.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                ));
            }
            Err(Refusal::Check(d)) => panic!("{name}: the import does not check: {d:?}"),
        }
    }
    println!(
        "migration: {migrated} fixtures migrated to gateway-api, {} refused:",
        refused.len()
    );
    for r in &refused {
        println!("  {r}");
    }
    insta::assert_snapshot!("migration_refusals", refused.join("\n"));
    assert!(migrated >= 1, "no fixture migrates");
}
