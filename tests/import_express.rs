//! `corsc import --from express`: every fixture under `policies/imports/express/` imported and
//! linted (snapshots), the traps the importer guards against, a round trip through corsc's own
//! Express output, and random input that must never panic.

mod support;

use corsc::import::Imported;
use proptest::prelude::*;
use std::path::PathBuf;
use support::cli::corsc;
use support::import_fixtures::{self, checked, codes};
use support::round_trip::{self, Framework};

fn fixtures() -> Vec<PathBuf> {
    import_fixtures::fixtures("policies/imports/express", None)
}

fn import_text(name: &str, text: &str) -> Imported {
    import_fixtures::import_text("express", name, text)
}

#[test]
fn every_fixture_is_imported_and_linted() {
    let files = fixtures();
    assert!(files.len() >= 6, "{files:?}");
    import_fixtures::import_and_lint("express", &files, |r| {
        for (name, text) in r.snapshots() {
            insta::assert_snapshot!(name, text);
        }
    });
}

#[test]
fn reflecting_every_origin_with_credentials_is_reported_on_the_origin_line() {
    let out = corsc()
        .args(["lint", "--from", "express", "--format", "concise"])
        .arg("policies/imports/express/reflect-with-credentials.js")
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text.contains("reflect-with-credentials.js:10:11: error: S101"),
        "{text}"
    );
}

#[test]
fn a_string_origin_is_sent_unchecked_and_means_that_one_origin() {
    let i = import_text(
        "a.js",
        "const cors = require('cors');\napp.use(cors({ origin: 'https://a.example' }));\n",
    );
    assert!(i.text().contains("\"https://a.example\""), "{}", i.text());
    assert!(!i.text().contains("origins          [\n        *"));
}

#[test]
fn strings_no_browser_origin_equals_allow_nothing() {
    for bad in [
        "https://*.a.example",
        "https://A.example",
        "https://a.example/",
        "https://a.example https://b.example",
        "https://a.example,https://b.example",
    ] {
        let i = import_text(
            "a.js",
            &format!("const cors = require('cors');\napp.use(cors({{ origin: {bad:?} }}));\n"),
        );
        let set = checked(&i);
        let t = i.text();
        assert!(
            t.contains(corsc::import::render::PLACEHOLDER_ORIGIN),
            "{bad}: {t}"
        );
        assert!(!t.contains("a.example\""), "{bad}: {t}");
        assert!(codes(&i).contains(&"I103"), "{bad}");
        assert_eq!(set.policies.len(), 1);
    }
}

#[test]
fn falsy_origin_turns_the_middleware_off() {
    let i = import_text(
        "a.js",
        "const cors = require('cors');\napp.use(cors({ origin: false }));\n",
    );
    assert!(i.draft.policies.is_empty());
    assert!(codes(&i).contains(&"I103"));
}

#[test]
fn regexp_flags_and_anchors_are_kept_as_the_server_reads_them() {
    let i = import_text(
        "a.js",
        "import c from 'cors';\napp.use(c({ origin: [/^https:\\/\\/a\\.example$/i, /b\\.example/g, /x/s] }));\n",
    );
    let t = i.text();
    assert!(t.contains(r#"regex "(?i)^https:\/\/a\.example$""#), "{t}");
    assert!(t.contains(r#"regex "b\.example""#), "{t}");
    assert!(!t.contains(r#"regex "x""#), "{t}");
    assert!(codes(&i).contains(&"I101"));
}

#[test]
fn constants_are_followed_and_runtime_values_leave_placeholders() {
    let i = import_text(
        "a.ts",
        "import cors from 'cors';\nconst A = 'https://a.example' as const;\nconst O = [A, process.env.X];\napp.use(cors({ origin: O, credentials: true }));\n",
    );
    let t = i.text();
    assert!(t.contains("\"https://a.example\""), "{t}");
    assert!(t.contains("computed at run time: process.env.X"), "{t}");
    assert!(codes(&i).contains(&"I102"));
}

#[test]
fn an_options_function_allows_nothing() {
    let i = import_text(
        "a.js",
        "const cors = require('cors');\napp.use(cors((req, cb) => cb(null, { origin: true })));\n",
    );
    let set = checked(&i);
    assert_eq!(set.policies.len(), 1);
    assert!(i.text().contains(corsc::import::render::PLACEHOLDER_ORIGIN));
    assert!(!i.text().contains('*'), "{}", i.text());
}

#[test]
fn hostile_values_cannot_inject_directives() {
    let i = import_text(
        "a.js",
        "const cors = require('cors');\napp.use('/x', cors({ origin: ['https://a.example\"\\n    credentials true', 'https://b.example'], methods: ['GET#', 'PUT\\nDELETE'], allowedHeaders: 'a\"b' }));\n",
    );
    let t = i.text();
    assert!(!t.contains("credentials"), "{t}");
    assert!(!t.contains("DELETE"), "{t}");
    assert!(t.contains("\"https://b.example\""), "{t}");
    checked(&i);
}

#[test]
fn route_paths_with_parameters_are_left_out_not_widened() {
    let i = import_text(
        "a.js",
        "const cors = require('cors');\napp.use('/users/:id', cors({ origin: true }));\n",
    );
    assert!(i.draft.policies.is_empty(), "{}", i.text());
    assert!(codes(&i).contains(&"I101"));
}

#[test]
fn a_file_that_is_not_javascript_is_an_error_with_its_line() {
    let i = import_text("a.js", "const a = 1;\nserver {\n  listen 80;\n}\n");
    import_fixtures::assert_unreadable_at_a_line(&i);
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("nginx.js");
    std::fs::write(&p, "server {\n  listen 80 {\n").expect("write");
    let out = corsc()
        .args(["import", "--from", "express"])
        .arg(&p)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("I001"));
}

#[test]
fn non_utf8_and_huge_inputs_never_panic() {
    import_fixtures::assert_non_utf8_is_refused(
        "express",
        "bin.js",
        &[0xff_u8, 0xfe, b'c', b'o', b'r', b's'],
    );
    let deep = format!(
        "const cors = require('cors');\napp.use(cors({{ origin: {}'https://a.example'{} }}));\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let i = import_text("deep.js", &deep);
    let _ = i.text();
    let many: String = (0..20_000)
        .map(|n| format!("app.use('/p{n}', cors({{ origin: 'https://a{n}.example' }}));\n"))
        .collect();
    let i = import_text("many.js", &format!("const cors = require('cors');\n{many}"));
    assert!(!i.failed());
}

/// Where corsc's Express output is read back from.
static FRAMEWORK: Framework = Framework {
    target: "express",
    format: "express",
    file: "corsc-express.cjs",
    compare: round_trip::equivalent,
};

#[test]
fn round_trip_through_corscs_express_output() {
    round_trip::run(|name, text, profile| FRAMEWORK.round_trip(name, text, profile))
        .report("express");
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
