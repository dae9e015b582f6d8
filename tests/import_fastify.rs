//! `corsc import --from fastify`: every fixture under `policies/imports/fastify/` imported and
//! linted (snapshots), the traps the importer guards against, a round trip through corsc's own
//! Fastify output, and random input that must never panic.

mod support;

use corsc::import::Imported;
use proptest::prelude::*;
use std::path::PathBuf;
use support::cli::corsc;
use support::import_fixtures::{self, checked, codes};
use support::round_trip::{self, Framework};

fn fixtures() -> Vec<PathBuf> {
    import_fixtures::fixtures("policies/imports/fastify", None)
}

fn import_text(name: &str, text: &str) -> Imported {
    import_fixtures::import_text("fastify", name, text)
}

#[test]
fn every_fixture_is_imported_and_linted() {
    let files = fixtures();
    assert!(files.len() >= 6, "{files:?}");
    import_fixtures::import_and_lint("fastify", &files, |r| {
        for (name, text) in r.snapshots() {
            insta::assert_snapshot!(name, text);
        }
    });
}

#[test]
fn reflecting_every_origin_with_credentials_is_reported_on_the_origin_line() {
    let out = corsc()
        .args(["lint", "--from", "fastify", "--format", "concise"])
        .arg("policies/imports/fastify/reflect-with-credentials.js")
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text.contains("reflect-with-credentials.js:6:11: error: S101"),
        "{text}"
    );
}

fn register(opts: &str) -> Imported {
    import_text(
        "a.js",
        &format!("import cors from '@fastify/cors';\nawait app.register(cors, {opts});\n"),
    )
}

#[test]
fn strings_no_browser_origin_equals_allow_nothing() {
    for bad in [
        "https://*.a.example",
        "https://A.example",
        "https://a.example https://b.example",
    ] {
        let i = register(&format!("{{ origin: {bad:?} }}"));
        let t = i.text();
        assert!(
            t.contains(corsc::import::render::PLACEHOLDER_ORIGIN),
            "{bad}: {t}"
        );
        assert!(codes(&i).contains(&"I103"), "{bad}");
        checked(&i);
    }
}

#[test]
fn falsy_origin_turns_the_plugin_off() {
    let i = register("{ origin: false }");
    assert!(i.draft.policies.is_empty());
    assert!(codes(&i).contains(&"I103"));
}

#[test]
fn an_origin_function_allows_nothing() {
    let i = register("{ origin: (o, cb) => cb(null, true), credentials: true }");
    checked(&i);
    assert!(i.text().contains(corsc::import::render::PLACEHOLDER_ORIGIN));
    assert!(codes(&i).contains(&"I102"));
}

#[test]
fn a_second_registration_is_left_out() {
    let i = import_text(
        "a.js",
        "const cors = require('@fastify/cors');\napp.register(cors, { origin: 'https://a.example' });\napp.register(cors, { origin: true });\n",
    );
    assert_eq!(i.draft.policies.len(), 1);
    assert!(!i.text().contains('*'), "{}", i.text());
}

#[test]
fn hostile_values_cannot_inject_directives() {
    let i = register("{ origin: ['https://a.example\"\\n    credentials true', 'https://b.example'], methods: ['GET#', 'PUT\\nDELETE'] }");
    let t = i.text();
    assert!(!t.contains("credentials"), "{t}");
    assert!(!t.contains("DELETE"), "{t}");
    assert!(t.contains("\"https://b.example\""), "{t}");
    checked(&i);
}

#[test]
fn a_file_that_is_not_javascript_is_an_error_with_its_line() {
    let i = import_text("a.js", "const a = 1;\nserver {\n  listen 80;\n}\n");
    import_fixtures::assert_unreadable_at_a_line(&i);
}

#[test]
fn non_utf8_and_deep_inputs_never_panic() {
    import_fixtures::assert_non_utf8_is_refused("fastify", "bin.js", &[0xff_u8, 0xfe, b'c']);
    let deep = register(&format!(
        "{{ origin: {}'https://a.example'{} }}",
        "[".repeat(5000),
        "]".repeat(5000)
    ));
    let _ = deep.text();
}

/// Where corsc's Fastify output is read back from.
static FRAMEWORK: Framework = Framework {
    target: "fastify",
    format: "fastify",
    file: "corsc-fastify.cjs",
    compare: round_trip::equivalent,
};

#[test]
fn round_trip_through_corscs_fastify_output() {
    round_trip::run(|name, text, profile| FRAMEWORK.round_trip(name, text, profile))
        .report("fastify");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let i = import_text("r.js", &text);
        let _ = i.text();
        let i = import_text("r.ts", &text);
        let _ = i.text();
    }

    #[test]
    fn mutated_fixtures_never_panic(which in 0usize..16, at in 0usize..2000, cut in 0usize..40, insert in "[\\[\\](){}'\"`/,:;a-z0-9 \n]{0,8}") {
        let (name, text) = import_fixtures::mutated(&fixtures(), which, at, cut, &insert);
        import_fixtures::render_and_lint(&import_text(&name, &text));
    }
}

/// The comparison behind the round trip sees a difference when there is one: one origin
/// left out, or credentials added.
#[test]
fn the_equivalence_check_sees_a_difference() {
    round_trip::assert_equivalence_sees_a_difference();
}
