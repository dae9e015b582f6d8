//! The `envoy` and `istio` targets. No Envoy binary is in a registry this project reaches, so
//! their output is proved without one:
//!
//! - **Envoy's own validation.** Every accepted `envoy` output is loaded by Envoy's API as Envoy
//!   loads it: `tests/conformance/envoy` (Go, `github.com/envoyproxy/go-control-plane/envoy`
//!   v1.40.0) decodes each `RouteConfiguration` with protojson (an unknown field fails) and
//!   runs the protoc-gen-validate rules of Envoy's API on it and on every per-route
//!   `CorsPolicy`. Every `istio` output validates against the `VirtualService` CRD schema of
//!   `istio.io/api` v1.32.0 (vendored under `tests/schemas/`), with no field the schema lacks.
//! - **Behaviour, on a transcription of Envoy.** [`envoy`] below is the CORS filter
//!   (`source/extensions/filters/http/cors/cors_filter.cc`: `decodeHeaders`, `encodeHeaders`,
//!   `isOriginAllowed`) behind Envoy's route selection (first route that matches) and the
//!   router's response header mutations (applied to the upstream's answer before the filter
//!   adds its own; a preflight the filter answers never reaches the router), in front of an
//!   application that sends CORS headers of its own. Istio's `corsPolicy` becomes that same
//!   filter configuration. The probes of `corsc verify` run through it: 0 mismatches.

mod support;
use corsc::emit::Options;
use corsc::eval::request::WireRequest;
use corsc::eval::server::Response;
use serde_json::Value as Json;
use support::conformance;
use support::frameworks::{self, Refusal};
use support::random_policy::{policy_text, Features};
use support::transcribed::{self, documents, get, set, strings, unknown_keys};

#[test]
fn this_file_is_the_harness_of_the_envoy_targets() {
    conformance::assert_covers("targets_envoy", &["envoy", "istio"]);
}

fn compile(target: &str, name: &str, text: &str, profile: Option<&str>) -> Result<Json, Refusal> {
    let shape = corsc::emit::find(target)
        .expect("target")
        .meta()
        .capabilities
        .shapes[0];
    let options = Options {
        shape,
        ..Options::default()
    };
    frameworks::compile_with(name, text, profile, target, &options)
        .map(|c| documents(&c.output.joined()).remove(0))
}

/// Every example (each profile), the hostile-name files, and random policies of what the two
/// can say (no patterns, no regex).
fn inputs() -> Vec<(String, String, Option<String>)> {
    let mut v = frameworks::examples();
    for (name, text) in frameworks::hostile_name_sets() {
        v.push((name, text, None));
    }
    let f = Features {
        subdomain_patterns: false,
        port_patterns: false,
        regex: false,
        ..Features::all()
    };
    for seed in 0..200 {
        v.push((format!("seed-{seed}.cors"), policy_text(seed, &f), None));
    }
    v
}

/// One Envoy route, as the model reads it.
struct Route {
    regex: Option<regex::Regex>,
    exact: Option<String>,
    prefix: Option<String>,
    cors: Option<Json>,
    remove: Vec<String>,
    add: Vec<(String, String)>,
}

/// The routes of an `envoy` output.
fn envoy_routes(doc: &Json) -> Vec<Route> {
    let routes = doc["virtual_hosts"][0]["routes"]
        .as_array()
        .expect("routes");
    routes
        .iter()
        .map(|r| Route {
            regex: r["match"]["safe_regex"]["regex"].as_str().map(full_match),
            exact: r["match"]["path"].as_str().map(str::to_string),
            prefix: r["match"]["prefix"].as_str().map(str::to_string),
            cors: r["typed_per_filter_config"]
                .get("envoy.filters.http.cors")
                .cloned(),
            remove: strings(&r["response_headers_to_remove"]),
            add: r["response_headers_to_add"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|h| {
                            assert_eq!(h["append_action"], "APPEND_IF_EXISTS_OR_ADD");
                            (
                                h["header"]["key"].as_str().unwrap_or("").to_string(),
                                h["header"]["value"].as_str().unwrap_or("").to_string(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect()
}

/// The routes of an `istio` output, with `corsPolicy` as the Envoy `CorsPolicy` Istio
/// writes for it (lists joined with `,`, `unmatchedPreflights: IGNORE` as
/// `forward_not_matching_preflights: false`, the duration in seconds).
fn istio_routes(doc: &Json) -> Vec<Route> {
    let http = doc["spec"]["http"].as_array().expect("http routes");
    http.iter()
        .map(|r| {
            let uri = &r["match"][0]["uri"];
            let cors = r.get("corsPolicy").map(|c| {
                let mut e = serde_json::Map::new();
                e.insert(
                    "allow_origin_string_match".into(),
                    c["allowOrigins"].clone(),
                );
                for (from, to) in [
                    ("allowMethods", "allow_methods"),
                    ("allowHeaders", "allow_headers"),
                    ("exposeHeaders", "expose_headers"),
                ] {
                    let items = strings(&c[from]);
                    if !items.is_empty() {
                        e.insert(to.into(), Json::String(items.join(",")));
                    }
                }
                if let Some(age) = c["maxAge"].as_str() {
                    let secs = age.strip_suffix('s').expect("a duration in seconds");
                    e.insert("max_age".into(), Json::String(secs.to_string()));
                }
                if let Some(b) = c["allowCredentials"].as_bool() {
                    e.insert("allow_credentials".into(), Json::Bool(b));
                }
                assert_eq!(c["unmatchedPreflights"], "IGNORE");
                e.insert("forward_not_matching_preflights".into(), Json::Bool(false));
                Json::Object(e)
            });
            Route {
                regex: uri["regex"].as_str().map(full_match),
                exact: uri["exact"].as_str().map(str::to_string),
                prefix: uri["prefix"].as_str().map(str::to_string),
                cors,
                remove: strings(&r["headers"]["response"]["remove"]),
                add: r["headers"]["response"]["add"]
                    .as_object()
                    .map(|m| {
                        m.iter()
                            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// An RE2 regex as Envoy's matchers apply it: to the whole value.
fn full_match(r: &str) -> regex::Regex {
    regex::Regex::new(&format!("^(?:{r})$")).expect("a regex RE2 compiles")
}

/// The application behind Envoy: 200 with CORS headers of its own, which must not survive.
fn application() -> Vec<(String, String)> {
    vec![
        ("Access-Control-Allow-Origin".into(), "*".into()),
        ("Access-Control-Allow-Credentials".into(), "true".into()),
        (
            "Access-Control-Expose-Headers".into(),
            "X-App-Secret".into(),
        ),
        ("Vary".into(), "Accept-Encoding".into()),
    ]
}

/// `isOriginAllowed`: each matcher is asked about `*`, then about the origin (the output has
/// `exact` matchers only, asserted here).
fn origin_allowed(cors: &Json, origin: &str) -> bool {
    cors["allow_origin_string_match"]
        .as_array()
        .expect("matchers")
        .iter()
        .any(|m| {
            let exact = m["exact"].as_str().expect("exact matchers only");
            exact == "*" || exact == origin
        })
}

/// Envoy: route selection, the CORS filter, the router's header mutations.
fn envoy(routes: &[Route], req: &WireRequest) -> Response {
    let path_only = req.path.split('?').next().unwrap_or("");
    let Some(route) = routes.iter().find(|r| {
        r.regex.as_ref().is_some_and(|re| re.is_match(path_only))
            || r.exact.as_deref().is_some_and(|x| x == path_only)
            || r.prefix.as_deref().is_some_and(|p| req.path.starts_with(p))
    }) else {
        return Response::observed(404, Vec::new());
    };
    let origin = get(&req.headers, "Origin");
    let mut latched = None;
    let mut is_cors = false;
    if let Some(cors) = &route.cors {
        if !origin.is_empty() {
            let allowed = origin_allowed(cors, &origin);
            if allowed {
                latched = Some(origin.clone());
            }
            is_cors = true;
            let acrm = get(&req.headers, "Access-Control-Request-Method");
            let forward = cors["forward_not_matching_preflights"]
                .as_bool()
                .unwrap_or(true);
            // `if (!origin_allowed && forwardNotMatchingPreflights()) return Continue;`
            let answered_here = allowed || !forward;
            if req.method == "OPTIONS" && !acrm.is_empty() && answered_here {
                let mut out = Vec::new();
                if allowed {
                    set(&mut out, "Access-Control-Allow-Origin", origin.clone());
                }
                if cors["allow_credentials"].as_bool().unwrap_or(false) {
                    set(&mut out, "Access-Control-Allow-Credentials", "true".into());
                }
                let methods = cors["allow_methods"].as_str().unwrap_or("");
                if methods == "*" {
                    set(&mut out, "Access-Control-Allow-Methods", acrm.clone());
                } else if !methods.is_empty() {
                    set(
                        &mut out,
                        "Access-Control-Allow-Methods",
                        methods.to_string(),
                    );
                }
                let headers = cors["allow_headers"].as_str().unwrap_or("");
                if headers == "*" {
                    let acrh = get(&req.headers, "Access-Control-Request-Headers");
                    set(&mut out, "Access-Control-Allow-Headers", acrh);
                } else if !headers.is_empty() {
                    set(
                        &mut out,
                        "Access-Control-Allow-Headers",
                        headers.to_string(),
                    );
                }
                if let Some(age) = cors["max_age"].as_str() {
                    set(&mut out, "Access-Control-Max-Age", age.to_string());
                }
                if cors["allow_private_network_access"]
                    .as_bool()
                    .unwrap_or(false)
                    && get(&req.headers, "Access-Control-Request-Private-Network") == "true"
                {
                    set(
                        &mut out,
                        "Access-Control-Allow-Private-Network",
                        "true".into(),
                    );
                }
                return Response::observed(200, out);
            }
        }
    }
    // The application answers; the router's mutations, then the filter's encodeHeaders.
    let mut res = application();
    for name in &route.remove {
        res.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }
    for (name, value) in &route.add {
        let old = get(&res, name);
        let v = if old.is_empty() {
            value.clone()
        } else {
            format!("{old},{value}")
        };
        set(&mut res, name, v);
    }
    if let (true, Some(o), Some(cors)) = (is_cors, latched, &route.cors) {
        set(&mut res, "Access-Control-Allow-Origin", o);
        if cors["allow_credentials"].as_bool().unwrap_or(false) {
            set(&mut res, "Access-Control-Allow-Credentials", "true".into());
        }
        if let Some(e) = cors["expose_headers"].as_str().filter(|e| !e.is_empty()) {
            set(&mut res, "Access-Control-Expose-Headers", e.to_string());
        }
    }
    Response::observed(200, res)
}

fn run_model(target: &str, read: fn(&Json) -> Vec<Route>) {
    let routing = corsc::emit::find(target)
        .expect("target")
        .meta()
        .capabilities
        .routing;
    let mut outputs = 0;
    let mut tally = transcribed::Tally::default();
    for (name, text, profile) in inputs() {
        let Ok(doc) = compile(target, &name, &text, profile.as_deref()) else {
            continue;
        };
        outputs += 1;
        let routes = read(&doc);
        transcribed::run_probes(
            &name,
            &text,
            profile.as_deref(),
            routing,
            |w| envoy(&routes, w),
            &mut tally,
        );
    }
    println!(
        "{target} (Envoy's CORS filter and routing, transcribed): {outputs} outputs, {} probes, {} mismatches",
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

#[test]
fn envoy_answers_as_the_policy_says() {
    run_model("envoy", envoy_routes);
}

#[test]
fn istio_answers_as_the_policy_says() {
    run_model("istio", istio_routes);
}

#[test]
fn istio_outputs_validate_against_the_virtualservice_schema() {
    let path = frameworks::root().join("tests/schemas/istio-1.32.0-virtualservice-v1.json");
    let schema: Json =
        serde_json::from_str(&std::fs::read_to_string(path).expect("vendored")).expect("JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let mut n = 0;
    for (name, text, profile) in inputs() {
        let Ok(doc) = compile("istio", &name, &text, profile.as_deref()) else {
            continue;
        };
        n += 1;
        let mut problems: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        unknown_keys(
            &doc["spec"],
            &schema["properties"]["spec"],
            "spec",
            &mut problems,
        );
        // The CRD's CEL rule on maxAge: a duration of at least 1 ms.
        for r in doc["spec"]["http"].as_array().expect("http") {
            if let Some(age) = r["corsPolicy"]["maxAge"].as_str() {
                let secs: u64 = age.trim_end_matches('s').parse().expect("seconds");
                if secs == 0 {
                    problems.push(format!("maxAge {age}"));
                }
            }
        }
        assert!(problems.is_empty(), "{name}: {problems:#?}");
    }
    println!("istio: {n} VirtualServices valid against the CRD schema of istio.io/api v1.32.0");
    assert!(n >= 150, "{n}");
}

/// `go` on PATH, or `None` after saying why (a failure with `CORSC_REQUIRE_ENGINES=1`).
fn require_go() -> bool {
    let found = std::process::Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            !std::env::var("CORSC_REQUIRE_ENGINES").is_ok_and(|v| v == "1"),
            "go is not installed, and CORSC_REQUIRE_ENGINES=1"
        );
        eprintln!("skipping Envoy's validation: go is not installed");
    }
    found
}

#[test]
fn envoy_outputs_load_in_envoys_api() {
    if !require_go() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let bin = dir.path().join("envoyvalidate");
    let app = frameworks::root().join("tests/conformance/envoy");
    support::builds::go(&app, &["build", "-o", bin.to_str().expect("utf-8"), "."])
        .unwrap_or_else(|e| panic!("{e}"));
    let mut files = Vec::new();
    for (i, (name, text, profile)) in inputs().into_iter().enumerate() {
        let Ok(doc) = compile("envoy", &name, &text, profile.as_deref()) else {
            continue;
        };
        let f = dir.path().join(format!("{i:04}.json"));
        std::fs::write(&f, serde_json::to_string(&doc).expect("json")).expect("write");
        files.push(f);
    }
    assert!(files.len() >= 150, "{}", files.len());
    let out = std::process::Command::new(&bin)
        .args(&files)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    println!("envoy: {text}");
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The validator itself refuses a field Envoy does not know.
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"name":"x","virtual_hosts":[{"name":"v","domains":["*"],"routes":[{"match":{"prefix":"/"},"route":{"cluster":"app"},"allow_origin":["*"]}]}]}"#).expect("write");
    let out = std::process::Command::new(&bin)
        .arg(&bad)
        .output()
        .expect("runs");
    assert!(!out.status.success(), "an unknown field must fail");
}

#[test]
fn envoy_and_istio_refuse_what_they_would_answer_more_widely() {
    let refused = [
        ("origins \"https://*.example.test\"", "subdomain patterns"),
        ("origins \"http://localhost:*\"", "port patterns"),
        (
            "origins regex \"^https://a[0-9]\\\\.example\\\\.test$\"",
            "regex",
        ),
        (
            "origins \"https://a.example.test\"\n    request-headers *",
            "echo",
        ),
        (
            "paths \"/api/%61\"\n    origins \"https://a.example.test\"",
            "plain paths",
        ),
    ];
    for target in ["envoy", "istio"] {
        for (body, what) in refused {
            let text = format!("policy p {{\n    {body}\n}}\n");
            match compile(target, "p.cors", &text, None) {
                Err(Refusal::Plan(d)) => {
                    assert!(d.iter().any(|d| d.code == "P301"), "{target} {what}: {d:?}")
                }
                Err(e) => panic!("{target} {what}: {e:?}"),
                Ok(doc) => panic!("{target} {what}: accepted\n{doc}"),
            }
        }
    }
    // Istio cannot say a zero max-age (its duration must be at least 1 ms).
    let zero = "policy p {\n    origins \"https://a.example.test\"\n    max-age 0\n}\n";
    assert!(compile("istio", "p.cors", zero, None).is_err());
    assert!(compile("envoy", "p.cors", zero, None).is_ok());
}

#[test]
fn envoy_and_istio_snapshots() {
    let text = "policy api {\n    paths \"/api/*\"\n    origins \"https://app.example.test\", \"https://admin.example.test\"\n    methods PUT, DELETE\n    request-headers Content-Type, Authorization\n    expose-headers ETag\n    credentials true\n    max-age 600\n}\npolicy health {\n    paths \"/health\"\n    origins *\n}\n";
    for target in ["envoy", "istio"] {
        let shape = corsc::emit::find(target)
            .expect("target")
            .meta()
            .capabilities
            .shapes[0];
        let options = Options {
            shape,
            ..Options::default()
        };
        let out = frameworks::compile_with("p.cors", text, None, target, &options)
            .expect("compiles")
            .output
            .joined();
        insta::assert_snapshot!(format!("{target}-{}", shape.as_str()), out);
    }
}

/// A policy named like one of the output's own routes gets a route name of its own (Envoy's
/// stats and logs name routes: two routes of one name would read as one).
#[test]
fn a_policy_cannot_take_the_name_of_the_outputs_own_routes() {
    let text = "policy not_plain {\n    paths \"/a/*\"\n    origins \"https://a.example.test\"\n}\npolicy no_cors {\n    paths \"/b/*\"\n    origins \"https://b.example.test\"\n}\n";
    let doc = compile("envoy", "p.cors", text, None).expect("compiles");
    let names: Vec<&str> = doc["virtual_hosts"][0]["routes"]
        .as_array()
        .expect("routes")
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    let unique: std::collections::BTreeSet<&str> = names.iter().copied().collect();
    assert_eq!(unique.len(), names.len(), "{names:?}");
}
