//! The bucket CORS targets `s3` and `gcs`: what they refuse (each trap one test), and the round
//! trip `import(compile(P)) ≡ P` by `corsc diff` over every example the plan accepts and
//! random policies made of what each service can say. No engine runs here: S3 and Cloud
//! Storage answer CORS themselves, and the services' importers (`--from s3`, `--from gcs`)
//! are corsc's written reading of them.

mod support;
use support::conformance;
use support::frameworks::{self, Refusal};
use support::random_policy::Rng;
use support::round_trip::{diff_equivalent, Framework, Tally};

fn compiled(target: &str, text: &str) -> String {
    match frameworks::compile("p.cors", text, None, target) {
        Ok(c) => c.output.joined(),
        Err(e) => panic!("{target} refused:\n{text}\n{e:?}"),
    }
}

/// The messages of the target's refusal of `text`.
fn refusal(target: &str, text: &str) -> String {
    match frameworks::compile("p.cors", text, None, target) {
        Ok(c) => panic!("{target} accepted:\n{text}\n{}", c.output.joined()),
        Err(Refusal::Plan(d)) => d
            .iter()
            .map(|d| format!("{} {}\n", d.code, d.message))
            .collect(),
        Err(e) => panic!("not a plan refusal: {e:?}"),
    }
}

#[test]
fn the_storage_targets_have_their_harness_entry() {
    conformance::assert_covers("targets_storage", &["gcs", "s3"]);
}

const S3_OK: &str = r#"policy bucket {
    origins "https://app.example.test", "https://admin.example.test"
    methods PUT, DELETE
    request-headers Content-Type, X-Api-Key
    expose-headers ETag
    credentials true
    max-age 600
}
"#;

#[test]
fn s3_writes_one_rule_with_the_safelisted_methods_and_its_provenance_as_id() {
    let out = compiled("s3", S3_OK);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let rule = &v["CORSRules"][0];
    assert_eq!(v["CORSRules"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        rule["AllowedOrigins"],
        serde_json::json!(["https://admin.example.test", "https://app.example.test"])
    );
    assert_eq!(
        rule["AllowedMethods"],
        serde_json::json!(["DELETE", "GET", "HEAD", "POST", "PUT"])
    );
    assert_eq!(
        rule["AllowedHeaders"],
        serde_json::json!(["content-type", "x-api-key"])
    );
    assert_eq!(rule["ExposeHeaders"], serde_json::json!(["etag"]));
    assert_eq!(rule["MaxAgeSeconds"], serde_json::json!(600));
    let id = rule["ID"].as_str().expect("ID");
    assert!(
        id.starts_with("corsc ") && id.contains("sha256:") && id.len() <= 255,
        "{id}"
    );
}

#[test]
fn s3_refuses_listed_origins_without_credentials_since_it_always_sends_them() {
    let r = refusal(
        "s3",
        "policy p {\n    origins \"https://app.example.test\"\n}\n",
    );
    assert!(r.contains("Access-Control-Allow-Credentials: true"), "{r}");
}

#[test]
fn s3_writes_any_origin_as_a_lone_star_without_credentials() {
    let out = compiled("s3", "policy p {\n    origins *\n}\n");
    assert!(out.contains("\"*\""), "{out}");
}

#[test]
fn s3_refuses_patterns_because_its_star_matches_any_characters() {
    // S3 reads `https://*.example.test` as "any characters", `https://a_b.example.test` too.
    let r = refusal(
        "s3",
        "policy p {\n    origins \"https://*.example.test\"\n    credentials true\n}\n",
    );
    assert!(r.contains("subdomain patterns"), "{r}");
    let r = refusal(
        "s3",
        "policy p {\n    origins \"http://localhost:*\"\n    credentials true\n}\n",
    );
    assert!(r.contains("port patterns"), "{r}");
    let r = refusal(
        "s3",
        "policy p {\n    origins regex \"^https://a\\\\.example\\\\.test$\"\n    credentials true\n}\n",
    );
    assert!(r.contains("regex origins"), "{r}");
}

#[test]
fn s3_refuses_a_header_name_with_a_star_which_it_would_read_as_a_wildcard() {
    let r = refusal(
        "s3",
        "policy p {\n    origins \"https://a.example.test\"\n    request-headers x-amz-*\n    credentials true\n}\n",
    );
    assert!(r.contains("`*`"), "{r}");
}

#[test]
fn s3_refuses_methods_it_cannot_allow_and_the_method_wildcard() {
    let base = "policy p {\n    origins \"https://a.example.test\"\n    credentials true\n";
    let r = refusal("s3", &format!("{base}    methods PATCH\n}}\n"));
    assert!(r.contains("`PATCH`"), "{r}");
    let r = refusal("s3", "policy p {\n    origins *\n    methods *\n}\n");
    assert!(r.contains("`methods *`"), "{r}");
}

#[test]
fn s3_refuses_what_is_not_bucket_wide_or_not_sayable() {
    let base = "    origins \"https://a.example.test\"\n    credentials true\n";
    let r = refusal(
        "s3",
        &format!("policy p {{\n    paths \"/api/*\"\n{base}}}\n"),
    );
    assert!(r.contains("path scopes"), "{r}");
    let r = refusal(
        "s3",
        &format!("policy a {{\n    paths \"/a/*\"\n{base}}}\npolicy b {{\n    paths \"/b/*\"\n{base}}}\n"),
    );
    assert!(r.contains("one policy"), "{r}");
    let r = refusal(
        "s3",
        &format!("policy p {{\n{base}    private-network true\n}}\n"),
    );
    assert!(r.contains("private-network"), "{r}");
    let r = refusal("s3", "policy p {\n    origins *\n    expose-headers *\n}\n");
    assert!(r.contains("expose-headers *"), "{r}");
}

#[test]
fn s3_refuses_a_header_star_that_would_echo_authorization() {
    // S3's `*` echoes every requested header; the policy's `*` never covers `authorization`.
    let r = refusal(
        "s3",
        "policy p {\n    origins *\n    request-headers *\n}\n",
    );
    assert!(r.to_lowercase().contains("authorization"), "{r}");
    let out = compiled(
        "s3",
        "policy p {\n    origins *\n    request-headers *, Authorization\n}\n",
    );
    assert!(
        out.contains("\"AllowedHeaders\": [\n        \"*\"\n      ]"),
        "{out}"
    );
}

const GCS_OK: &str = r#"policy bucket {
    origins "https://app.example.test"
    methods PUT
    request-headers Content-Type
    expose-headers Content-Type
    max-age 3600
}
"#;

#[test]
fn gcs_writes_one_rule_whose_response_header_is_both_lists() {
    let out = compiled("gcs", GCS_OK);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(
        v,
        serde_json::json!([{
            "origin": ["https://app.example.test"],
            "method": ["GET", "HEAD", "POST", "PUT"],
            "responseHeader": ["content-type"],
            "maxAgeSeconds": 3600
        }])
    );
}

#[test]
fn gcs_refuses_different_request_and_exposed_headers() {
    let r = refusal(
        "gcs",
        "policy p {\n    origins *\n    request-headers Content-Type\n    expose-headers ETag\n}\n",
    );
    assert!(r.contains("two lists differ"), "{r}");
    let r = refusal(
        "gcs",
        "policy p {\n    origins *\n    request-headers mirror\n}\n",
    );
    assert!(r.contains("`mirror`"), "{r}");
}

#[test]
fn gcs_refuses_credentials_patterns_scopes_and_private_network() {
    let r = refusal(
        "gcs",
        "policy p {\n    origins \"https://a.example.test\"\n    credentials true\n}\n",
    );
    assert!(r.contains("credentials"), "{r}");
    let r = refusal(
        "gcs",
        "policy p {\n    origins \"https://*.example.test\"\n}\n",
    );
    assert!(r.contains("subdomain patterns"), "{r}");
    let r = refusal(
        "gcs",
        "policy p {\n    paths \"/a/*\"\n    origins \"https://a.example.test\"\n}\n",
    );
    assert!(r.contains("path scopes"), "{r}");
    let r = refusal(
        "gcs",
        "policy p {\n    origins \"https://a.example.test\"\n    private-network true\n}\n",
    );
    assert!(r.contains("private-network"), "{r}");
}

const WORDS: &[&str] = &["app", "admin", "shop", "portal", "dash", "docs", "cdn", "m"];
const HEADERS: &[&str] = &["Content-Type", "Authorization", "X-Request-Id", "X-Api-Key"];

/// A random policy each service can say: exact origins (or `*`), S3's methods, listed headers.
fn random_policy(seed: u64, gcs: bool) -> String {
    let mut rng = Rng::new(seed);
    let any = rng.chance(20);
    let mut s = String::from("policy bucket {\n");
    if any {
        s.push_str("    origins *\n");
    } else {
        let n = 1 + rng.below(4);
        let origins: Vec<String> = (0..n)
            .map(|_| {
                let w = rng.pick(WORDS);
                match rng.below(3) {
                    0 => format!("\"https://{w}.example.test\""),
                    1 => format!("\"https://{w}.example.test:{}\"", rng.pick(&[8443, 9000])),
                    _ => format!("\"http://localhost:{}\"", rng.pick(&[3000, 5173])),
                }
            })
            .collect();
        s.push_str(&format!("    origins {}\n", origins.join(", ")));
    }
    let methods = rng.subset(&["PUT", "DELETE", "POST"], 0);
    if !methods.is_empty() {
        let m: Vec<&str> = methods.into_iter().copied().collect();
        s.push_str(&format!("    methods {}\n", m.join(", ")));
    }
    let headers: Vec<&str> = rng.subset(HEADERS, 0).into_iter().copied().collect();
    if !headers.is_empty() {
        s.push_str(&format!("    request-headers {}\n", headers.join(", ")));
    }
    let expose: Vec<&str> = if gcs {
        headers.clone()
    } else {
        rng.subset(&["ETag", "X-Request-Id"], 0)
            .into_iter()
            .copied()
            .collect()
    };
    if !expose.is_empty() {
        s.push_str(&format!("    expose-headers {}\n", expose.join(", ")));
    }
    if !gcs && !any {
        s.push_str("    credentials true\n");
    }
    if rng.chance(50) {
        s.push_str(&format!("    max-age {}\n", rng.pick(&[0, 60, 600, 86400])));
    }
    s.push_str("}\n");
    s
}

fn round_trip(target: &'static str, file: &'static str, gcs: bool) {
    let fw = Framework {
        target,
        format: target,
        file,
        compare: diff_equivalent,
    };
    let mut tally = Tally::default();
    for (name, text, profile) in frameworks::examples() {
        if let Some(r) = fw.round_trip(&name, &text, profile.as_deref()) {
            tally.examples += 1;
            if let Err(e) = r {
                tally.failures.push(format!("{name} {profile:?}: {e}"));
            }
        }
    }
    for seed in 0..150 {
        let text = random_policy(seed, gcs);
        match fw.round_trip(&format!("seed-{seed}.cors"), &text, None) {
            Some(r) => {
                tally.random += 1;
                if let Err(e) = r {
                    tally.failures.push(format!("seed {seed}: {e}\n{text}"));
                }
            }
            None => tally.refused += 1,
        }
    }
    assert!(tally.random >= 100, "{tally:?}");
    tally.report(target);
}

#[test]
fn s3_round_trips_through_its_importer() {
    round_trip("s3", "cors.json", false);
}

#[test]
fn gcs_round_trips_through_its_importer() {
    round_trip("gcs", "cors.json", true);
}
