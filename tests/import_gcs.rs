//! `corsc import --from gcs`: every example bucket configuration under `policies/imports/gcs/`
//! imported and linted (snapshots), Cloud Storage's semantics one test each, and a fuzz property.

mod support;
use support::import_fixtures::{self, allows, checked, codes};

use corsc::import::Imported;
use proptest::prelude::*;
use std::path::PathBuf;

fn fixtures() -> Vec<PathBuf> {
    import_fixtures::fixtures("policies/imports/gcs", None)
}

fn run(text: &str) -> Imported {
    import_fixtures::import_text("gcs", "cors.json", text)
}

#[test]
fn every_example_imports_and_lints_as_snapshotted() {
    let files = fixtures();
    assert!(files.len() >= 4, "{files:?}");
    import_fixtures::import_and_lint("gcs", &files, |r| {
        let name = r.name.replace('.', "_");
        insta::assert_snapshot!(format!("gcs_import_{name}"), r.policy);
        insta::assert_snapshot!(
            format!("gcs_lint_{name}"),
            format!("exit {:?}\n{}", Some(r.lint_code), r.lint)
        );
    });
}

#[test]
fn no_origin_gets_credentials_not_even_a_listed_one() {
    let i = run(r#"[{"origin":["https://a.example"],"method":["GET","HEAD","POST"]}]"#);
    let set = checked(&i);
    assert!(allows(&set, "https://a.example"));
    assert!(!set.policies[0].credentials.value, "{}", i.rendered.text);
    assert!(!codes(&i).contains(&"I105"), "{:?}", codes(&i));
}

#[test]
fn star_alone_is_every_origin_and_a_star_elsewhere_is_left_out() {
    let i = run(r#"[{"origin":["*"],"method":["GET","HEAD","POST"]}]"#);
    assert!(
        checked(&i).policies[0].allows_any_origin(),
        "{}",
        i.rendered.text
    );
    let i = run(
        r#"[{"origin":["https://*.a.example","http://localhost:*","https://b.example"],"method":["GET","HEAD","POST"]}]"#,
    );
    let set = checked(&i);
    assert!(!set.policies[0].allows_any_origin());
    for no in [
        "https://x.a.example",
        "http://localhost:3000",
        "https://a.example",
    ] {
        assert!(!allows(&set, no), "{no}\n{}", i.rendered.text);
    }
    assert!(allows(&set, "https://b.example"));
    assert_eq!(
        codes(&i).iter().filter(|c| **c == "I101").count(),
        2,
        "{:?}",
        codes(&i)
    );
}

#[test]
fn response_headers_are_both_request_and_exposed_headers() {
    let i = run(
        r#"[{"origin":["https://a.example"],"method":["GET","HEAD","POST","PUT"],"responseHeader":["Content-Type","x-goog-resumable"]}]"#,
    );
    let set = checked(&i);
    let p = &set.policies[0];
    let t = &i.rendered.text;
    assert!(
        t.contains("request-headers  Content-Type, x-goog-resumable"),
        "{t}"
    );
    assert!(
        t.contains("expose-headers   Content-Type, x-goog-resumable"),
        "{t}"
    );
    assert!(format!("{p:?}").contains("x-goog-resumable"));
}

#[test]
fn a_star_header_is_left_out_never_mirrored() {
    let i = run(
        r#"[{"origin":["https://a.example"],"method":["GET","HEAD","POST"],"responseHeader":["*","Content-Type"]}]"#,
    );
    checked(&i);
    let t = &i.rendered.text;
    assert!(
        !t.contains("mirror") && !t.contains("headers  *") && !t.contains("headers   *"),
        "{t}"
    );
    assert!(t.contains("Content-Type"), "{t}");
    assert!(codes(&i).contains(&"I101"));
}

#[test]
fn a_star_method_is_every_method_and_other_rules_narrow_it() {
    let i = run(r#"[{"origin":["https://a.example"],"method":["*"]}]"#);
    checked(&i);
    let star = |t: &str| {
        t.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["methods", "*"])
    };
    assert!(star(&i.rendered.text), "{}", i.rendered.text);
    let i = run(
        r#"[{"origin":["https://a.example"],"method":["*"]},{"origin":["https://b.example"],"method":["GET","HEAD","PUT"]}]"#,
    );
    checked(&i);
    let t = &i.rendered.text;
    assert!(t.contains("GET, HEAD, PUT") && !star(t), "{t}");
}

#[test]
fn rules_that_differ_are_intersected_and_reported() {
    let i = run(r#"{"cors":[
        {"origin":["https://a.example"],"method":["GET","PUT","HEAD","POST"],"responseHeader":["x-a","x-b"],"maxAgeSeconds":100},
        {"origin":["https://b.example"],"method":["GET","HEAD","POST"],"responseHeader":["x-a"],"maxAgeSeconds":50}]}"#);
    checked(&i);
    let t = &i.rendered.text;
    assert!(!t.contains("PUT") && !t.contains("x-b"), "{t}");
    assert!(t.contains("max-age          50"), "{t}");
    assert!(codes(&i).contains(&"I101"));
}

#[test]
fn the_gcloud_describe_form_reads_the_same() {
    let rule = r#"{"origin":["https://a.example"],"method":["GET","HEAD","POST"],"responseHeader":["x-a"],"maxAgeSeconds":60}"#;
    let a = run(&format!("[{rule}]"));
    let b = run(&format!(r#"{{"name":"b","cors_config":[{rule}]}}"#));
    let c = run(&format!(r#"{{"kind":"storage#bucket","cors":[{rule}]}}"#));
    let body = |i: &Imported| {
        i.rendered
            .text
            .lines()
            .skip(1)
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(body(&a), body(&b));
    assert_eq!(body(&a), body(&c));
}

#[test]
fn without_get_nothing_is_written() {
    let i = run(r#"[{"origin":["https://a.example"],"method":["PUT","OPTIONS"]}]"#);
    assert!(i.draft.policies.is_empty());
    assert!(i.failed());
}

#[test]
fn findings_are_reported_at_their_place_in_the_file() {
    let text = "[\n  {\n    \"origin\": [\"https://a.example\", \"https://*.b.example\"],\n    \"method\": [\"GET\", \"HEAD\", \"POST\"]\n  }\n]\n";
    let i = run(text);
    let (_, d) = i
        .diagnostics
        .iter()
        .find(|(_, d)| d.code == "I101")
        .expect("I101");
    assert_eq!(
        i.sources[0].slice(d.primary.span),
        "\"https://*.b.example\""
    );
}

#[test]
fn hostile_values_never_become_policy_text() {
    let i = run(
        r#"[{"origin":["https://a.example\"\n    credentials true","https://b.example"],"method":["GET","HEAD","POST","PUT#"],"responseHeader":["X-A\nmethods *"]}]"#,
    );
    let t = &i.rendered.text;
    assert!(
        !t.contains("credentials true") && !t.contains("methods *") && !t.contains("PUT#"),
        "{t}"
    );
    if !i.failed() {
        checked(&i);
    }
}

#[test]
fn input_that_is_not_a_bucket_configuration_is_a_clear_error() {
    for text in [
        "{\"CORSRules\": []}",
        "[1, 2",
        "<CORSConfiguration/>",
        "{\"name\": \"b\"}",
        "\"cors\"",
    ] {
        let i = run(text);
        assert!(i.failed(), "{text}");
        assert!(
            codes(&i).contains(&"I001") || codes(&i).contains(&"I106"),
            "{text}: {:?}",
            codes(&i)
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = run(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn mutated_examples_never_panic_and_what_is_written_checked(seed in 0usize..10_000, at in 0usize..2000, cut in 0usize..30, ins in "[ -~\n]{0,12}") {
        let (_, text) = import_fixtures::mutated(&fixtures(), seed, at, cut, &ins);
        let i = run(&text);
        if !i.failed() {
            let set = checked(&i);
            prop_assert!(set.policies.iter().all(|p| !p.credentials.value));
        }
    }
}
