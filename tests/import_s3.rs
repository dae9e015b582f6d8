//! `corsc import --from s3`: every example bucket configuration under `policies/imports/s3/`
//! imported and linted (snapshots), S3's semantics one test each, and a fuzz property.

mod support;
use support::cli;
use support::import_fixtures::{self, allows, checked, codes};

use corsc::import::Imported;
use proptest::prelude::*;
use std::path::PathBuf;

fn fixtures() -> Vec<PathBuf> {
    import_fixtures::fixtures("policies/imports/s3", None)
}

fn run(text: &str) -> Imported {
    import_fixtures::import_text("s3", "cors.json", text)
}

#[test]
fn every_example_imports_and_lints_as_snapshotted() {
    let files = fixtures();
    assert!(files.len() >= 4, "{files:?}");
    import_fixtures::import_and_lint("s3", &files, |r| {
        let name = r.name.replace('.', "_");
        insta::assert_snapshot!(format!("s3_import_{name}"), r.policy);
        insta::assert_snapshot!(
            format!("s3_lint_{name}"),
            format!("exit {:?}\n{}", Some(r.lint_code), r.lint)
        );
    });
}

#[test]
fn a_listed_origin_gets_credentials_and_star_does_not() {
    let i = run(
        r#"{"CORSRules":[{"AllowedOrigins":["https://a.example"],"AllowedMethods":["GET","HEAD","POST"]}]}"#,
    );
    checked(&i);
    assert!(
        i.rendered.text.contains("credentials      true"),
        "{}",
        i.rendered.text
    );
    assert!(codes(&i).contains(&"I105"));
    let i =
        run(r#"{"CORSRules":[{"AllowedOrigins":["*"],"AllowedMethods":["GET","HEAD","POST"]}]}"#);
    checked(&i);
    assert!(
        !i.rendered.text.contains("credentials"),
        "{}",
        i.rendered.text
    );
}

#[test]
fn star_beside_credentialed_origins_is_left_out_not_given_credentials() {
    let i = run(
        r#"{"CORSRules":[{"AllowedOrigins":["*","https://a.example"],"AllowedMethods":["GET","HEAD","POST"]}]}"#,
    );
    let set = checked(&i);
    assert!(!set.policies[0].allows_any_origin(), "{}", i.rendered.text);
    assert!(allows(&set, "https://a.example"));
    assert!(codes(&i).contains(&"I101"));
}

#[test]
fn wildcards_match_what_s3_matches_and_no_more() {
    let i = run(
        r#"{"CORSRules":[{"AllowedOrigins":["https://*.a.example","https://app-*.b.example","http://localhost:*"],"AllowedMethods":["GET","HEAD","POST"]}]}"#,
    );
    let set = checked(&i);
    for yes in [
        "https://x.a.example",
        "https://x.y.a.example",
        "https://app-1.b.example",
        "http://localhost:3000",
    ] {
        assert!(allows(&set, yes), "{yes}\n{}", i.rendered.text);
    }
    for no in [
        "https://a.example",
        "https://x.a.example.evil.test",
        "https://app.b.example",
        "https://x.a.example:8443",
        "http://localhost",
    ] {
        assert!(!allows(&set, no), "{no}\n{}", i.rendered.text);
    }
}

#[test]
fn upper_case_origins_are_left_out() {
    let i = run(
        r#"{"CORSRules":[{"AllowedOrigins":["https://App.example","https://b.example"],"AllowedMethods":["GET","HEAD","POST"]}]}"#,
    );
    let set = checked(&i);
    assert!(!allows(&set, "https://app.example"));
    assert!(allows(&set, "https://b.example"));
}

#[test]
fn rules_that_differ_are_intersected_and_reported() {
    let i = run(r#"{"CORSRules":[
        {"AllowedOrigins":["https://a.example"],"AllowedMethods":["GET","PUT","HEAD","POST"],"AllowedHeaders":["*"],"MaxAgeSeconds":100},
        {"AllowedOrigins":["https://b.example"],"AllowedMethods":["GET","HEAD","POST"],"AllowedHeaders":["x-a"],"MaxAgeSeconds":50}]}"#);
    checked(&i);
    let t = &i.rendered.text;
    assert!(!t.contains("PUT"), "{t}");
    assert!(
        t.contains("request-headers  x-a") || t.contains("request-headers  X-A"),
        "{t}"
    );
    assert!(t.contains("max-age          50"), "{t}");
    assert!(codes(&i).contains(&"I101"));
}

#[test]
fn rules_that_differ_only_in_origins_are_one_exact_policy() {
    let i = run(r#"{"CORSRules":[
        {"AllowedOrigins":["https://a.example"],"AllowedMethods":["GET","HEAD","POST","PUT"]},
        {"AllowedOrigins":["https://b.example"],"AllowedMethods":["PUT","GET","HEAD","POST"]}]}"#);
    let set = checked(&i);
    assert!(allows(&set, "https://a.example") && allows(&set, "https://b.example"));
    assert!(i.rendered.text.contains("PUT"));
    assert!(!codes(&i).contains(&"I101"), "{:?}", codes(&i));
}

#[test]
fn without_get_nothing_is_written() {
    let i =
        run(r#"{"CORSRules":[{"AllowedOrigins":["https://a.example"],"AllowedMethods":["PUT"]}]}"#);
    assert!(i.draft.policies.is_empty());
    assert!(i.failed());
}

#[test]
fn a_header_prefix_is_left_out_and_star_mirrors() {
    let i = run(
        r#"{"CORSRules":[{"AllowedOrigins":["https://a.example"],"AllowedMethods":["GET","HEAD","POST"],"AllowedHeaders":["x-amz-*","Content-Type"]}]}"#,
    );
    checked(&i);
    assert!(!i.rendered.text.contains("x-amz"), "{}", i.rendered.text);
    let i = run(
        r#"{"CORSRules":[{"AllowedOrigins":["https://a.example"],"AllowedMethods":["GET","HEAD","POST"],"AllowedHeaders":["*"]}]}"#,
    );
    checked(&i);
    assert!(i.rendered.text.contains("mirror"), "{}", i.rendered.text);
}

#[test]
fn the_xml_form_reads_the_same_and_reports_at_its_lines() {
    let xml = "<CORSConfiguration>\n<CORSRule>\n<AllowedOrigin>https://a.example</AllowedOrigin>\n<AllowedMethod>GET</AllowedMethod>\n<AllowedMethod>HEAD</AllowedMethod>\n<AllowedMethod>POST</AllowedMethod>\n<AllowedHeader>x-amz-*</AllowedHeader>\n</CORSRule>\n</CORSConfiguration>\n";
    let i = run(xml);
    checked(&i);
    let (_, d) = i
        .diagnostics
        .iter()
        .find(|(_, d)| d.code == "I101")
        .expect("I101");
    assert_eq!(
        i.sources[0].slice(d.primary.span),
        "<AllowedHeader>x-amz-*</AllowedHeader>"
    );
}

#[test]
fn hostile_values_never_become_policy_text() {
    let i = run(
        r#"{"CORSRules":[{"AllowedOrigins":["https://a.example\"\n    credentials true","https://b.example"],"AllowedMethods":["GET","HEAD","POST","PUT#"],"ExposeHeaders":["X-A\nmethods *"]}]}"#,
    );
    let t = &i.rendered.text;
    assert!(!t.contains("methods *") && !t.contains("PUT#"), "{t}");
    if !i.failed() {
        checked(&i);
    }
}

#[test]
fn input_that_is_not_a_bucket_configuration_is_a_clear_error() {
    for text in [
        "{\"cors\": []}",
        "[1, 2",
        "<Other/>",
        "<CORSConfiguration>",
        "apiVersion: v1\nkind: Ingress\n",
    ] {
        let i = run(text);
        assert!(i.failed(), "{text}");
        assert!(codes(&i).contains(&"I001"), "{text}: {:?}", codes(&i));
    }
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("cors.json");
    std::fs::write(&p, "{\n  \"CORSRules\": [\n").expect("write");
    let out = cli::corsc()
        .args(["import", "--from", "s3"])
        .arg(&p)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(":3:1")
            || String::from_utf8_lossy(&out.stderr).contains("I001")
    );
}

#[test]
fn many_rules_import() {
    let rules: Vec<String> = (0..2000)
        .map(|n| format!(r#"{{"AllowedOrigins":["https://o{n}.example"],"AllowedMethods":["GET","HEAD","POST"]}}"#))
        .collect();
    let i = run(&format!(r#"{{"CORSRules":[{}]}}"#, rules.join(",")));
    let set = checked(&i);
    assert!(allows(&set, "https://o1999.example"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = run(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn mutated_examples_never_panic(seed in 0usize..10_000, at in 0usize..2000, cut in 0usize..30, ins in "[ -~\n]{0,12}") {
        let (_, text) = import_fixtures::mutated(&fixtures(), seed, at, cut, &ins);
        let i = run(&text);
        if !i.failed() {
            checked(&i);
        }
    }
}

#[test]
fn an_xml_document_type_is_refused_so_entities_cannot_expand() {
    let xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]>\n<CORSConfiguration><CORSRule><AllowedOrigin>&lol2;</AllowedOrigin></CORSRule></CORSConfiguration>\n";
    let i = run(xml);
    assert!(i.failed());
    assert!(codes(&i).contains(&"I001"));
}
