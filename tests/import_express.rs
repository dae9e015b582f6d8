//! `corsc import --from express`: every fixture under `policies/imports/express/` imported and
//! linted (snapshots), the traps the importer guards against, a round trip through corsc's own
//! Express output, and random input that must never panic.

mod support;

use corsc::import::{Context, Imported};
use corsc::ir::PolicySet;
use corsc::source::Source;
use proptest::prelude::*;
use support::cli::{corsc, root};
use support::frameworks;
use support::random_policy::{policy_text, Features};

fn fixtures() -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(root().join("policies/imports/express"))
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    v.sort();
    v
}

fn import_text(name: &str, text: &str) -> Imported {
    let cx = Context::with_sources(vec![Source::new(name, text)]);
    let f = corsc::import::find("express").expect("registered");
    corsc::import::import_context(f, cx, &[0], &corsc::pipeline::errors)
}

fn codes(i: &Imported) -> Vec<&'static str> {
    i.diagnostics.iter().map(|(_, d)| d.code).collect()
}

/// The imported policy's set (base policies).
fn set_of(i: &Imported) -> PolicySet {
    let src = i.policy_source();
    let file = corsc::syntax::parse(&src).expect("imported text parses");
    corsc::pipeline::check(&file, None)
        .policies
        .unwrap_or_else(|| panic!("imported text checks:\n{}", src.text))
}

#[test]
fn every_fixture_is_imported_and_linted() {
    let files = fixtures();
    assert!(files.len() >= 6, "{files:?}");
    for path in files {
        let rel = path.strip_prefix(root()).expect("under root");
        let name = rel.file_name().unwrap().to_string_lossy().to_string();
        let out = corsc()
            .args(["import", "--from", "express"])
            .arg(rel)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{name}");
        insta::assert_snapshot!(
            format!("import-{name}"),
            String::from_utf8_lossy(&out.stdout)
        );
        let lint = corsc()
            .args(["lint", "--from", "express", "--format", "concise"])
            .arg(rel)
            .output()
            .expect("runs");
        let code = lint.status.code().unwrap_or(-1);
        assert!(code == 0 || code == 1, "{name}: {code}");
        insta::assert_snapshot!(
            format!("lint-{name}"),
            format!("exit {code}\n{}", String::from_utf8_lossy(&lint.stdout))
        );
    }
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
        text.contains("reflect-with-credentials.js:10:11: S101"),
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
        let set = set_of(&i);
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
    let set = set_of(&i);
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
    set_of(&i);
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
    assert!(i.failed());
    let (_, d) = &i.diagnostics[0];
    assert_eq!(d.code, "I001");
    assert!(d.message.contains("line "), "{}", d.message);
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
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("bin.js");
    std::fs::write(&p, [0xff_u8, 0xfe, b'c', b'o', b'r', b's']).expect("write");
    let out = corsc()
        .args(["import", "--from", "express"])
        .arg(&p)
        .output()
        .expect("runs");
    assert_ne!(out.status.code(), Some(0));
    assert!(out.status.code().is_some(), "killed by a signal");
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

/// Whether two policy sets answer every probe of either the same way (the browser's verdict,
/// and never more permission), by the evaluator.
fn equivalent(a: &PolicySet, b: &PolicySet) -> Result<(), String> {
    // What `corsc diff` decides, then an independent comparison over the evaluator's
    // answers to the probes of both sides.
    let report = corsc::diff::diff(a, b, &corsc::diff::DiffOptions::default());
    if report.verdict != corsc::diff::Verdict::Equivalent {
        return Err(format!("corsc diff says {:?}", report.verdict));
    }
    use corsc::eval::probe::{compare_probe, expected_probe, probes, ProbeOptions};
    use corsc::eval::Routing;
    let model = &corsc::browsers::SPEC;
    let opts = ProbeOptions::default();
    for probe in probes(a, opts).into_iter().chain(probes(b, opts)) {
        let ea = expected_probe(a, model, Routing::Spec, &probe);
        let eb = expected_probe(b, model, Routing::Spec, &probe);
        for (x, y) in [(&ea, &eb), (&eb, &ea)] {
            let c = compare_probe(&probe, x, y);
            if !c.ok() {
                return Err(format!("{}: {}", probe.label, c.mismatches.join("; ")));
            }
        }
    }
    Ok(())
}

/// Compiles `text` for Express, imports the output, and compares; `None` when the target
/// refuses the policy.
fn round_trip(name: &str, text: &str, profile: Option<&str>) -> Option<Result<(), String>> {
    let compiled = frameworks::compile(name, text, profile, "express").ok()?;
    let out = compiled.output.joined();
    let i = import_text("corsc-express.cjs", &out);
    if i.failed() {
        return Some(Err(format!("import failed: {:?}", i.diagnostics)));
    }
    let set = set_of(&i);
    Some(equivalent(&compiled.set, &set).map_err(|e| format!("{e}\n--- imported:\n{}", i.text())))
}

#[test]
fn round_trip_through_corscs_express_output() {
    let mut examples = 0;
    let mut failures = Vec::new();
    for (name, text, profile) in frameworks::examples() {
        if let Some(r) = round_trip(&name, &text, profile.as_deref()) {
            examples += 1;
            if let Err(e) = r {
                failures.push(format!("{name} {profile:?}: {e}"));
            }
        }
    }
    let mut random = 0;
    let mut refused = 0;
    let mut seed = 0;
    while random < 200 {
        let text = policy_text(seed, &Features::all());
        match round_trip(&format!("seed-{seed}.cors"), &text, None) {
            Some(r) => {
                random += 1;
                if let Err(e) = r {
                    failures.push(format!("seed {seed}: {e}\n{text}"));
                }
            }
            None => refused += 1,
        }
        seed += 1;
    }
    println!(
        "round trip express: {examples} examples + {random} random policies ({refused} refused by the target), {} differences",
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
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
        let files = fixtures();
        let path = &files[which % files.len()];
        let text = std::fs::read_to_string(path).expect("fixture");
        let mut at = at.min(text.len());
        while !text.is_char_boundary(at) { at -= 1; }
        let mut end = (at + cut).min(text.len());
        while !text.is_char_boundary(end) { end -= 1; }
        let mutated = format!("{}{}{}", &text[..at], insert, &text[end..]);
        let i = import_text(&path.file_name().unwrap().to_string_lossy(), &mutated);
        let _ = i.text();
        if !i.failed() {
            let _ = corsc::pipeline::lint_imported(&i, &corsc::lint::LintConfig::default());
        }
    }
}

/// The comparison behind the round trip sees a difference when there is one: one origin
/// left out, or credentials added.
#[test]
fn the_equivalence_check_sees_a_difference() {
    let set = |t: &str| frameworks::check_set("p.cors", t, None).expect("checks");
    let a = set("policy api {\n    origins \"https://a.example\", \"https://b.example\"\n}\n");
    let b = set("policy api {\n    origins \"https://a.example\"\n}\n");
    let c = set("policy api {\n    origins \"https://a.example\", \"https://b.example\"\n    credentials true\n}\n");
    assert!(equivalent(&a, &a).is_ok());
    assert!(equivalent(&a, &b).is_err());
    assert!(equivalent(&a, &c).is_err());
}
