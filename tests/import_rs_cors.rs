//! `corsc import --from rs-cors`: every fixture under `policies/imports/rs-cors/` imported and
//! linted (snapshots), the traps the importer guards against, a round trip through corsc's own
//! Go (rs/cors) output, and random input that must never panic.

mod support;

use corsc::import::Imported;
use proptest::prelude::*;
use std::path::PathBuf;
use support::cli::corsc;
use support::import_fixtures::{self, checked, codes};
use support::round_trip::{self, Framework};

fn fixtures() -> Vec<PathBuf> {
    import_fixtures::fixtures("policies/imports/rs-cors", None)
}

fn import_text(name: &str, text: &str) -> Imported {
    import_fixtures::import_text("rs-cors", name, text)
}

#[test]
fn every_fixture_is_imported_and_linted() {
    let files = fixtures();
    assert!(files.len() >= 6, "{files:?}");
    import_fixtures::import_and_lint("rs-cors", &files, |r| {
        for (name, text) in r.snapshots() {
            insta::assert_snapshot!(name, text);
        }
    });
}

#[test]
fn star_with_credentials_is_reported_on_its_line() {
    let out = corsc()
        .args(["lint", "--from", "rs-cors", "--format", "concise"])
        .arg("policies/imports/rs-cors/star-with-credentials.go")
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(text.contains("star-with-credentials.go:18:"), "{text}");
    assert!(text.contains("S101"), "{text}");
}

fn options(fields: &str) -> Imported {
    import_text(
        "m.go",
        &format!("package m\n\nimport \"github.com/rs/cors\"\n\nvar c = cors.New(cors.Options{{\n{fields}\n}})\n"),
    )
}

#[test]
fn origins_are_lower_cased_and_one_star_takes_any_characters() {
    let i =
        options("AllowedOrigins: []string{\"https://App.example.com\", \"https://*.b.example\"},");
    let set = checked(&i);
    let m = |o: &str| corsc::eval::server::matching_entry(&set.policies[0], o).is_some();
    assert!(m("https://app.example.com"));
    assert!(m("https://x.b.example"));
    assert!(m("https://x.y.b.example"), "rs/cors' `*` takes dots too");
    assert!(!m("https://b.example.evil.test"));
}

#[test]
fn a_star_among_origins_allows_every_origin() {
    let i =
        options("AllowedOrigins: []string{\"https://a.example\", \"*\"},\nAllowCredentials: true,");
    let t = i.text();
    assert!(t.contains("*,"), "{t}");
    assert!(!t.contains("a.example"), "{t}");
}

#[test]
fn an_origin_function_allows_nothing() {
    let i = options("AllowOriginFunc: func(o string) bool { return true },\nAllowedOrigins: []string{\"https://a.example\"},");
    let t = i.text();
    assert!(t.contains(corsc::import::render::PLACEHOLDER_ORIGIN), "{t}");
    assert!(
        !t.contains("\"https://a.example\""),
        "the function decides alone: {t}"
    );
    assert!(codes(&i).contains(&"I102"));
}

#[test]
fn hostile_values_cannot_inject_directives() {
    let i = options("AllowedOrigins: []string{\"https://a.example\\\"\\n    credentials true\", \"https://b.example\"},\nAllowedMethods: []string{\"GET#\", \"PUT\\nDELETE\"},");
    let t = i.text();
    assert!(!t.contains("credentials"), "{t}");
    assert!(!t.contains("DELETE"), "{t}");
    assert!(t.contains("\"https://b.example\""), "{t}");
    checked(&i);
}

#[test]
fn a_file_that_is_not_go_is_an_error_with_its_line() {
    let i = import_text("m.go", "package m\n\nfunc f( {\n");
    import_fixtures::assert_unreadable_at_a_line(&i);
}

#[test]
fn non_utf8_and_huge_inputs_never_panic() {
    import_fixtures::assert_non_utf8_is_refused("rs-cors", "m.go", &[0xff_u8, 0xfe, b'c']);
    let deep = format!(
        "package m\nvar c = cors.New(cors.Options{{AllowedOrigins: {}\"https://a.example\"{}}})\n",
        "(".repeat(3000),
        ")".repeat(3000)
    );
    let _ = import_text("d.go", &deep).text();
    let many: String = (0..3_000)
        .map(|n| format!("\"https://a{n}.example\",\n"))
        .collect();
    let i = options(&format!("AllowedOrigins: []string{{{many}}},"));
    assert!(!i.failed());
}

/// Where corsc's Go (rs/cors) output is read back from.
static FRAMEWORK: Framework = Framework {
    target: "go",
    format: "rs-cors",
    file: "corspolicy.go",
    compare: round_trip::equivalent,
};

#[test]
fn round_trip_through_corscs_go_output() {
    round_trip::run(|name, text, profile| FRAMEWORK.round_trip(name, text, profile))
        .report("rs-cors (go target)");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let i = import_text("r.go", &text);
        let _ = i.text();
        let i = import_text("s.go", &text);
        let _ = i.text();
    }

    #[test]
    fn mutated_fixtures_never_panic(which in 0usize..16, at in 0usize..2000, cut in 0usize..40, insert in "[\\[\\](){}'\"`/,:;a-z0-9 \n]{0,8}") {
        let (name, text) = import_fixtures::mutated(&fixtures(), which, at, cut, &insert);
        import_fixtures::render_and_lint(&import_text(&name, &text));
    }
}
