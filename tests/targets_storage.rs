//! The bucket CORS targets `s3` and `gcs`: what they refuse (each trap one test), and the round
//! trip `import(compile(P)) ≡ P` by `corsc diff` over every example the plan accepts and
//! random policies made of what each service can say. No engine runs here: S3 and Cloud
//! Storage answer CORS themselves, and the services' importers (`--from s3`, `--from gcs`)
//! are corsc's written reading of them.

mod support;
use corsc::emit::Shape;
use support::conformance;
use support::frameworks::{self, Refusal};
use support::random_policy::Rng;
use support::round_trip::{diff_equivalent, Framework, Tally};

fn compiled(target: &str, text: &str) -> String {
    match frameworks::compile("p.cors", text, None, target) {
        Ok(c) => c.output.joined(),
        Err(e) => panic!("{target} refused ({} bytes of policy):\n{e:?}", text.len()),
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
    conformance::assert_covers("targets_storage", &["cloudfront", "gcs", "s3"]);
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

/// The Python of the venv holding the services' validators (`CORSC_STORAGE_PYTHON`, which
/// `.ci/run` sets), or `None` after saying why the check is skipped; with
/// `CORSC_REQUIRE_ENGINES=1` a missing one fails the test.
fn storage_python() -> Option<std::path::PathBuf> {
    let found = std::env::var_os("CORSC_STORAGE_PYTHON")
        .map(std::path::PathBuf::from)
        .filter(|p| {
            std::process::Command::new(p)
                .args(["-c", "import botocore, cfnlint, googleapiclient"])
                .output()
                .is_ok_and(|o| o.status.success())
        });
    if found.is_none() {
        let why = "CORSC_STORAGE_PYTHON names no Python with botocore, cfn-lint and google-api-python-client (tests/conformance/storage/requirements.txt)";
        assert!(
            !std::env::var("CORSC_REQUIRE_ENGINES").is_ok_and(|v| v == "1"),
            "{why}, and CORSC_REQUIRE_ENGINES=1"
        );
        eprintln!("skipping the services' validators: {why}");
    }
    found
}

/// Every output the storage targets accept — each example (every profile), the hostile-name
/// files and 150 random policies per service, in each shape — validated by the services' own
/// models: botocore's S3 model (and the XML it sends, within S3's 64 KB), cfn-lint for the
/// CloudFormation form, and the Cloud Storage API's discovery schema.
#[test]
fn storage_outputs_pass_the_services_own_validators() {
    let Some(python) = storage_python() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let mut written = std::collections::BTreeMap::<&str, usize>::new();
    let mut emit = |name: &str,
                    text: &str,
                    profile: Option<&str>,
                    target: &str,
                    shape: Shape,
                    ext: &'static str| {
        let options = corsc::emit::Options {
            shape,
            ..corsc::emit::Options::default()
        };
        if let Ok(c) = frameworks::compile_with(name, text, profile, target, &options) {
            let n = written.entry(ext).or_default();
            *n += 1;
            let file = dir.path().join(format!("{n:04}{ext}"));
            std::fs::write(file, c.output.joined()).expect("write");
        }
    };
    let mut inputs: Vec<(String, String, Option<String>)> = frameworks::examples();
    // Each hostile policy name alone (it reaches the rule's ID), with header names made of
    // every token character XML or YAML would escape.
    for (i, name) in frameworks::HOSTILE_NAMES
        .iter()
        .flat_map(|s| s.iter())
        .enumerate()
    {
        // S3 needs credentials with listed origins, Cloud Storage cannot say them: one each.
        for credentials in ["    credentials true\n", ""] {
            let text = format!(
                "policy {name} {{\n    origins \"https://h{i}.example.test\"\n    methods PUT\n    request-headers X-A'b&c, X-Q!#$%+.^_`|~\n    expose-headers X-A'b&c, X-Q!#$%+.^_`|~\n{credentials}}}\n"
            );
            inputs.push((format!("hostile-{i}.cors"), text, None));
        }
    }
    for seed in 0..150 {
        inputs.push((format!("s3-{seed}.cors"), random_policy(seed, false), None));
        inputs.push((format!("gcs-{seed}.cors"), random_policy(seed, true), None));
    }
    for (name, text, profile) in &inputs {
        let profile = profile.as_deref();
        emit(name, text, profile, "s3", Shape::Include, ".s3.json");
        emit(
            name,
            text,
            profile,
            "s3",
            Shape::Cloudformation,
            ".cfn.yaml",
        );
        emit(name, text, profile, "gcs", Shape::Include, ".gcs.json");
        emit(
            name,
            text,
            profile,
            "cloudfront",
            Shape::Cloudformation,
            ".cloudfront.cfn.yaml",
        );
    }
    for ext in [".s3.json", ".cfn.yaml", ".gcs.json", ".cloudfront.cfn.yaml"] {
        assert!(written.get(ext).copied().unwrap_or(0) >= 100, "{written:?}");
    }
    let script = frameworks::root().join("tests/conformance/storage/validate.py");
    let out = std::process::Command::new(&python)
        .arg(&script)
        .arg(dir.path())
        .output()
        .expect("python runs");
    let report = String::from_utf8_lossy(&out.stdout);
    println!("{report}");
    assert!(
        out.status.success(),
        "{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A rule that could not fit S3's 64 KB of CORS configuration is refused, not written.
#[test]
fn s3_refuses_a_rule_larger_than_it_stores() {
    let origins: Vec<String> = (0..2000)
        .map(|i| format!("\"https://tenant-{i:04}.example.test\""))
        .collect();
    let text = format!(
        "policy bucket {{\n    origins {}\n    credentials true\n}}\n",
        origins.join(", ")
    );
    let why = refusal("s3", &text);
    assert!(why.contains("stores at most 65536 bytes"), "{why}");
    // 600 of them fit.
    let fits: Vec<String> = origins[..600].to_vec();
    let text = format!(
        "policy bucket {{\n    origins {}\n    credentials true\n}}\n",
        fits.join(", ")
    );
    compiled("s3", &text);
}

/// The CloudFormation form spells the fields CloudFormation's way (`Id`, `ExposedHeaders`,
/// `MaxAge`), not the API's (`ID`, `ExposeHeaders`, `MaxAgeSeconds`): a template written with
/// the API's names is rejected or, in tools that do not validate, loses the exposed headers.
#[test]
fn s3_cloudformation_uses_cloudformations_field_names() {
    let options = corsc::emit::Options {
        shape: Shape::Cloudformation,
        ..corsc::emit::Options::default()
    };
    let c = frameworks::compile_with("p.cors", S3_OK, None, "s3", &options).expect("compiles");
    let text = c.output.joined();
    let yaml: yaml_serde::Value = yaml_serde::from_str(&text).expect("yaml");
    let rule = &yaml["Resources"]["Bucket"]["Properties"]["CorsConfiguration"]["CorsRules"][0];
    assert_eq!(
        yaml["Resources"]["Bucket"]["Type"].as_str(),
        Some("AWS::S3::Bucket")
    );
    assert!(rule["ExposedHeaders"][0]
        .as_str()
        .is_some_and(|h| h.eq_ignore_ascii_case("etag")));
    assert_eq!(rule["MaxAge"].as_u64(), Some(600));
    assert!(rule["Id"]
        .as_str()
        .is_some_and(|id| id.starts_with("corsc ")));
    for api_name in ["ID", "ExposeHeaders", "MaxAgeSeconds"] {
        assert!(rule.get(api_name).is_none(), "{api_name} in\n{text}");
    }
    assert!(text.starts_with('#'), "provenance comment first:\n{text}");
}

/// What each storage output looks like for a policy both shapes accept (the examples under
/// `policies/` all use what buckets cannot say: their snapshots are refusals).
#[test]
fn storage_outputs_snapshots() {
    let cfn = corsc::emit::Options {
        shape: Shape::Cloudformation,
        ..corsc::emit::Options::default()
    };
    let gcs_ok = "policy bucket {\n    origins \"https://app.example.test\"\n    methods PUT\n    request-headers Content-Type, X-Upload-Id\n    expose-headers Content-Type, X-Upload-Id\n    max-age 3600\n}\n";
    insta::assert_snapshot!("s3-include", compiled("s3", S3_OK));
    let c = frameworks::compile_with("p.cors", S3_OK, None, "s3", &cfn).expect("compiles");
    insta::assert_snapshot!("s3-cloudformation", c.output.joined());
    insta::assert_snapshot!("gcs-include", compiled("gcs", gcs_ok));
    let c = frameworks::compile_with("p.cors", S3_OK, None, "cloudfront", &cfn).expect("compiles");
    insta::assert_snapshot!("cloudfront-cloudformation", c.output.joined());
}

fn cloudfront(text: &str) -> Result<yaml_serde::Value, String> {
    let cfn = corsc::emit::Options {
        shape: Shape::Cloudformation,
        ..corsc::emit::Options::default()
    };
    match frameworks::compile_with("p.cors", text, None, "cloudfront", &cfn) {
        Ok(c) => Ok(yaml_serde::from_str(&c.output.joined()).expect("yaml")),
        Err(Refusal::Plan(d)) => Err(d
            .iter()
            .map(|d| format!("{} {}\n", d.code, d.message))
            .collect()),
        Err(e) => panic!("not a plan refusal: {e:?}"),
    }
}

/// CloudFront's lists say the policy one to one; what it cannot say is refused, never widened.
#[test]
fn cloudfront_says_the_policy_or_refuses_it() {
    let v = cloudfront(S3_OK).expect("accepted");
    let cors = &v["Resources"]["CorsResponseHeadersPolicy"]["Properties"]
        ["ResponseHeadersPolicyConfig"]["CorsConfig"];
    assert_eq!(cors["AccessControlAllowCredentials"].as_bool(), Some(true));
    assert_eq!(cors["OriginOverride"].as_bool(), Some(true));
    assert_eq!(cors["AccessControlMaxAgeSec"].as_u64(), Some(600));
    let origins: Vec<&str> = cors["AccessControlAllowOrigins"]["Items"]
        .as_sequence()
        .expect("origins")
        .iter()
        .filter_map(|x| x.as_str())
        .collect();
    assert_eq!(
        origins,
        ["https://admin.example.test", "https://app.example.test"]
    );
    let refused = [
        ("origins \"https://*.example.test\"", "subdomain patterns"),
        (
            "origins regex \"^https://a[0-9]\\\\.example\\\\.test$\"",
            "regex",
        ),
        (
            "origins \"https://a.example.test\"\n    methods *",
            "methods *",
        ),
        (
            "origins \"https://a.example.test\"\n    methods PROPFIND",
            "PROPFIND",
        ),
        (
            "origins \"https://a.example.test\"\n    request-headers *",
            "request-headers *",
        ),
        (
            "origins \"https://a.example.test\"\n    expose-headers *",
            "expose-headers *",
        ),
        (
            "paths \"/api/*\"\n    origins \"https://a.example.test\"",
            "path scopes",
        ),
    ];
    for (body, what) in refused {
        let text = format!("policy p {{\n    {body}\n}}\n");
        let why = cloudfront(&text).expect_err(what);
        assert!(why.contains("P301"), "{what}: {why}");
    }
}

/// `AccessControlAllowHeaders` may not be empty: a policy that allows no request header gets a
/// forbidden request header name, which no script can send, so nothing more is allowed.
#[test]
fn cloudfront_allows_no_request_header_with_a_forbidden_name() {
    let v =
        cloudfront("policy p {\n    origins \"https://a.example.test\"\n}\n").expect("accepted");
    let cors = &v["Resources"]["CorsResponseHeadersPolicy"]["Properties"]
        ["ResponseHeadersPolicyConfig"]["CorsConfig"];
    let items = cors["AccessControlAllowHeaders"]["Items"]
        .as_sequence()
        .expect("items");
    assert_eq!(items.len(), 1);
    let name = items[0].as_str().expect("name").to_ascii_lowercase();
    // Fetch's forbidden request header names (the fixed part of the list).
    assert!(
        [
            "keep-alive",
            "connection",
            "host",
            "te",
            "trailer",
            "upgrade",
            "via"
        ]
        .contains(&name.as_str()),
        "{name}"
    );
}
