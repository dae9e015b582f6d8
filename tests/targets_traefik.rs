//! The `traefik` target. Traefik cannot be built here (29 of the modules Traefik v3.7.13 needs
//! are refused by the Go module proxy), so its output is proved two ways, without an engine:
//!
//! - **Schema.** Every accepted output, in both shapes, validates against the `Middleware`
//!   CRD's OpenAPI schema of Traefik v3.7.13 (vendored under `tests/schemas/`), and every key
//!   it writes is a field of that schema (Kubernetes would drop an unknown one silently).
//! - **Behaviour, on a transcription of the middleware.** [`traefik`] below is
//!   `pkg/middlewares/headers/header.go` of v3.7.13 (`ServeHTTP`, `processCorsHeaders`,
//!   `PostRequestModifyResponseHeaders`, `matchOrigin`) line for line, in front of a service
//!   that answers with CORS headers of its own (`*`, credentials, an exposed header and a
//!   `Vary`); the probes `corsc verify` would send are run through it and compared with the
//!   policy: 0 mismatches, 0 findings.

mod support;
use corsc::emit::{Options, Shape};
use corsc::eval::request::WireRequest;
use corsc::eval::server::Response;
use corsc::eval::Routing;
use serde_json::Value as Json;
use support::conformance;
use support::frameworks::{self, Refusal};
use support::random_policy::{policy_text, Features};
use support::transcribed::{self, documents, get, set, strings, unknown_keys};

#[test]
fn this_file_is_the_harness_of_the_traefik_target() {
    conformance::assert_covers("targets_traefik", &["traefik"]);
}

fn schema() -> Json {
    let path = frameworks::root().join("tests/schemas/traefik-v3.7.13-middleware-v1alpha1.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("vendored schema")).expect("JSON")
}

fn compile(name: &str, text: &str, shape: Shape) -> Result<String, Refusal> {
    let options = Options {
        shape,
        ..Options::default()
    };
    frameworks::compile_with(name, text, None, "traefik", &options).map(|c| c.output.joined())
}

/// The `headers` objects of an output, as Traefik reads them.
fn headers_of(text: &str, shape: Shape) -> Vec<Json> {
    documents(text)
        .into_iter()
        .flat_map(|d| match shape {
            Shape::Kubernetes => vec![d["spec"]["headers"].clone()],
            _ => d["http"]["middlewares"]
                .as_object()
                .expect("middlewares")
                .values()
                .map(|m| m["headers"].clone())
                .collect(),
        })
        .collect()
}

/// What the test runs: every example, one policy per hostile name, and random policies of
/// what Traefik can say (path scopes removed: a middleware applies to whole routers).
fn inputs() -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = frameworks::examples()
        .into_iter()
        .filter(|(_, _, profile)| profile.is_none())
        .map(|(n, t, _)| (n, t))
        .collect();
    for (i, name) in frameworks::HOSTILE_NAMES
        .iter()
        .flat_map(|s| s.iter())
        .enumerate()
    {
        v.push((
            format!("hostile-{i}.cors"),
            format!("policy {name} {{\n    origins \"https://h{i}.example.test\", \"https://w{i}.example.test\"\n    methods PUT\n    credentials true\n}}\n"),
        ));
    }
    let f = Features {
        mirror_headers: false,
        several_policies: false,
        subdomain_patterns: false,
        port_patterns: false,
        regex: false,
        ..Features::all()
    };
    for seed in 0..200 {
        let text: String = policy_text(seed, &f)
            .lines()
            .filter(|l| !l.trim_start().starts_with("paths "))
            .map(|l| format!("{l}\n"))
            .collect();
        v.push((format!("seed-{seed}.cors"), text));
    }
    v
}

#[test]
fn every_output_validates_against_the_middleware_schema() {
    let schema = schema();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let headers_schema = &schema["properties"]["spec"]["properties"]["headers"];
    let mut accepted = 0;
    for (name, text) in inputs() {
        for shape in [Shape::Include, Shape::Kubernetes] {
            let Ok(out) = compile(&name, &text, shape) else {
                continue;
            };
            accepted += 1;
            let mut problems = Vec::new();
            for doc in documents(&out) {
                if shape == Shape::Kubernetes {
                    for e in validator.iter_errors(&doc) {
                        problems.push(format!("{e} at {}", e.instance_path()));
                    }
                    // `metadata` is Kubernetes' own (the CRD leaves it open); `spec` is Traefik's.
                    unknown_keys(
                        &doc["spec"],
                        &schema["properties"]["spec"],
                        "spec",
                        &mut problems,
                    );
                    let meta = doc["metadata"]["name"].as_str().unwrap_or("");
                    let dns = !meta.is_empty()
                        && meta.len() <= 253
                        && meta
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                        && !meta.starts_with('-')
                        && !meta.ends_with('-');
                    if !dns {
                        problems.push(format!("metadata.name {meta:?}"));
                    }
                }
            }
            for h in headers_of(&out, shape) {
                let v = jsonschema::validator_for(headers_schema).expect("headers schema");
                for e in v.iter_errors(&h) {
                    problems.push(format!("headers: {e}"));
                }
                unknown_keys(&h, headers_schema, "headers", &mut problems);
            }
            assert!(
                problems.is_empty(),
                "{name} {shape:?}:\n{problems:#?}\n{out}"
            );
        }
    }
    println!("traefik: {accepted} outputs valid against the Middleware schema of v3.7.13");
    assert!(accepted >= 200, "{accepted}");
}

/// `matchOrigin`.
fn match_origin(h: &Json, origin: &str) -> Option<String> {
    let credentials = h["accessControlAllowCredentials"]
        .as_bool()
        .unwrap_or(false);
    for item in strings(&h["accessControlAllowOriginList"]) {
        if item == origin {
            return Some(item);
        }
        if item == "*" {
            return Some(if credentials {
                origin.to_string()
            } else {
                item
            });
        }
    }
    // The output never has `accessControlAllowOriginListRegex` (asserted here).
    assert!(h["accessControlAllowOriginListRegex"].is_null(), "{h}");
    None
}

/// The service behind Traefik: 200 with CORS headers of its own, which must not survive.
fn service() -> Vec<(String, String)> {
    vec![
        ("Access-Control-Allow-Origin".into(), "*".into()),
        ("Access-Control-Allow-Credentials".into(), "true".into()),
        (
            "Access-Control-Expose-Headers".into(),
            "X-Service-Secret".into(),
        ),
        ("Vary".into(), "Accept-Encoding".into()),
        ("Content-Type".into(), "text/plain".into()),
    ]
}

/// `ServeHTTP` of the headers middleware, with `h` as its configuration, in front of
/// [`service`].
fn traefik(h: &Json, req: &WireRequest) -> Response {
    let credentials = h["accessControlAllowCredentials"]
        .as_bool()
        .unwrap_or(false);
    let allow_headers = strings(&h["accessControlAllowHeaders"]);
    let allow_methods = strings(&h["accessControlAllowMethods"]);
    let expose = strings(&h["accessControlExposeHeaders"]);
    let has_cors = credentials
        || !allow_headers.is_empty()
        || !allow_methods.is_empty()
        || !strings(&h["accessControlAllowOriginList"]).is_empty()
        || !strings(&h["accessControlAllowOriginListRegex"]).is_empty()
        || !expose.is_empty()
        || !h["accessControlMaxAge"].is_null()
        || h["addVaryHeader"].as_bool().unwrap_or(false);
    // `slices.Contains(AccessControlExposeHeaders, "*") && AccessControlAllowCredentials`
    let star_with_credentials = expose.iter().any(|x| x == "*") && credentials;
    let acrm = get(&req.headers, "Access-Control-Request-Method");
    let origin = get(&req.headers, "Origin");
    // processCorsHeaders
    if has_cors && !acrm.is_empty() && !origin.is_empty() && req.method == "OPTIONS" {
        let mut out = Vec::new();
        if credentials {
            set(&mut out, "Access-Control-Allow-Credentials", "true".into());
        }
        if allow_headers.iter().any(|x| x == "*") && credentials {
            let acrh = get(&req.headers, "Access-Control-Request-Headers");
            if !acrh.is_empty() {
                set(&mut out, "Access-Control-Allow-Headers", acrh);
            }
        } else if !allow_headers.is_empty() {
            set(
                &mut out,
                "Access-Control-Allow-Headers",
                allow_headers.join(","),
            );
        }
        if allow_methods.iter().any(|x| x == "*") && credentials {
            set(&mut out, "Access-Control-Allow-Methods", acrm.clone());
        } else if !allow_methods.is_empty() {
            set(
                &mut out,
                "Access-Control-Allow-Methods",
                allow_methods.join(","),
            );
        }
        if let Some(m) = match_origin(h, &origin) {
            set(&mut out, "Access-Control-Allow-Origin", m);
        }
        if let Some(n) = h["accessControlMaxAge"].as_i64() {
            set(&mut out, "Access-Control-Max-Age", n.to_string());
        }
        if !expose.is_empty() && !star_with_credentials {
            set(&mut out, "Access-Control-Expose-Headers", expose.join(","));
        }
        set(&mut out, "Content-Length", "0".into());
        return Response::observed(200, out);
    }
    // The service answers; PostRequestModifyResponseHeaders.
    let mut res = service();
    if let Some(custom) = h["customResponseHeaders"].as_object() {
        for (name, value) in custom {
            let value = value.as_str().unwrap_or_default();
            if value.is_empty() {
                res.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
            } else {
                set(&mut res, name, value.to_string());
            }
        }
    }
    if let Some(m) = match_origin(h, &origin) {
        set(&mut res, "Access-Control-Allow-Origin", m);
    }
    if credentials {
        set(&mut res, "Access-Control-Allow-Credentials", "true".into());
    }
    if !expose.is_empty() && !star_with_credentials {
        set(&mut res, "Access-Control-Expose-Headers", expose.join(","));
    }
    if h["addVaryHeader"].as_bool().unwrap_or(false) {
        let mut vary = get(&res, "Vary");
        if vary != "Origin" {
            if !vary.is_empty() {
                vary.push(',');
            }
            vary.push_str("Origin");
            set(&mut res, "Vary", vary);
        }
    }
    Response::observed(200, res)
}

#[test]
fn the_middleware_as_traefik_runs_it_answers_as_the_policy_says() {
    let mut outputs = 0;
    let mut tally = transcribed::Tally::default();
    for (name, text) in inputs() {
        let Ok(out) = compile(&name, &text, Shape::Include) else {
            continue;
        };
        let h = headers_of(&out, Shape::Include).remove(0);
        outputs += 1;
        transcribed::run_probes(
            &name,
            &text,
            None,
            Routing::Spec,
            |w| traefik(&h, w),
            &mut tally,
        );
    }
    println!(
        "traefik (header.go of v3.7.13, transcribed): {outputs} outputs, {} probes, {} mismatches",
        tally.probes,
        tally.failures.len()
    );
    assert!(outputs >= 150, "{outputs}");
    assert!(
        tally.failures.is_empty(),
        "{}",
        tally
            .failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}

/// What Traefik cannot say is refused, never widened.
#[test]
fn traefik_refuses_what_it_would_answer_more_widely() {
    let refused = [
        (
            "paths \"/api/*\"\n    origins \"https://a.example.test\"",
            "path scopes",
        ),
        (
            "origins \"https://a.example.test\"\n    request-headers mirror",
            "mirror",
        ),
        (
            "origins \"https://a.example.test\"\n    request-headers *\n    credentials true",
            "echoes",
        ),
        (
            "origins \"https://a.example.test\"\n    methods *\n    credentials true",
            "echoes",
        ),
        (
            "origins \"https://a.example.test\"\n    private-network true",
            "private",
        ),
        ("origins \"https://*.example.test\"", "subdomain patterns"),
        ("origins \"http://localhost:*\"", "port patterns"),
        (
            "origins regex \"^https://a[0-9]\\\\.example\\\\.test$\"",
            "regex",
        ),
    ];
    for (body, what) in refused {
        let text = format!("policy p {{\n    {body}\n}}\n");
        match compile("p.cors", &text, Shape::Include) {
            Err(Refusal::Plan(d)) => assert!(d.iter().any(|d| d.code == "P301"), "{what}: {d:?}"),
            other => panic!("{what}: {other:?}"),
        }
    }
    let two = "policy a {\n    origins \"https://a.example.test\"\n}\npolicy b {\n    origins \"https://b.example.test\"\n}\n";
    assert!(compile("p.cors", two, Shape::Include).is_err());
}

#[test]
fn traefik_outputs_snapshots() {
    let text = "policy uploads {\n    origins \"https://app.example.test\", \"https://admin.example.test\"\n    methods PUT, DELETE\n    request-headers Content-Type, X-Upload-Id\n    expose-headers ETag\n    credentials true\n    max-age 600\n}\n";
    insta::assert_snapshot!(
        "traefik-include",
        compile("p.cors", text, Shape::Include).expect("compiles")
    );
    insta::assert_snapshot!(
        "traefik-kubernetes",
        compile("p.cors", text, Shape::Kubernetes).expect("compiles")
    );
}
