//! `corsc import --from spring`: every fixture under `policies/imports/spring/` imported and
//! linted (snapshots), the traps the importer guards against, a round trip through corsc's own
//! Spring output, and random input that must never panic.

mod support;

use corsc::import::{Context, Imported};
use corsc::ir::PolicySet;
use corsc::source::Source;
use proptest::prelude::*;
use support::cli::{corsc, root};
use support::frameworks;
use support::random_policy::{policy_text, Features};

fn fixtures() -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(root().join("policies/imports/spring"))
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    v.sort();
    v
}

fn import_text(name: &str, text: &str) -> Imported {
    let cx = Context::with_sources(vec![Source::new(name, text)]);
    let f = corsc::import::find("spring").expect("registered");
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
            .args(["import", "--from", "spring"])
            .arg(rel)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{name}");
        insta::assert_snapshot!(
            format!("import-{name}"),
            String::from_utf8_lossy(&out.stdout)
        );
        let lint = corsc()
            .args(["lint", "--from", "spring", "--format", "concise"])
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
fn origin_patterns_star_with_credentials_is_reported_on_its_line() {
    let out = corsc()
        .args(["lint", "--from", "spring", "--format", "concise"])
        .arg("policies/imports/spring/PatternsWithCredentials.java")
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text.contains("PatternsWithCredentials.java:16:40: S101"),
        "{text}"
    );
}

const HEAD: &str = "import org.springframework.web.servlet.config.annotation.*;\nclass C implements WebMvcConfigurer {\n  public void addCorsMappings(CorsRegistry registry) {\n";

fn mapping(chain: &str) -> Imported {
    import_text(
        "C.java",
        &format!("{HEAD}    registry.addMapping(\"/api/**\"){chain};\n  }}\n}}\n"),
    )
}

#[test]
fn allowed_origins_ignore_case_and_one_trailing_slash() {
    let i = mapping(
        ".allowedOrigins(\"https://App.Example.com/\", \"https://b.example,https://c.example\")",
    );
    let t = i.text();
    assert!(t.contains("\"https://app.example.com\""), "{t}");
    assert!(t.contains("\"https://b.example\""), "{t}");
    assert!(t.contains("\"https://c.example\""), "{t}");
    set_of(&i);
}

#[test]
fn a_star_inside_allowed_origins_matches_nothing() {
    let i = mapping(".allowedOrigins(\"https://*.example.com\")");
    let t = i.text();
    assert!(!t.contains("example.com"), "{t}");
    assert!(t.contains(corsc::import::render::PLACEHOLDER_ORIGIN), "{t}");
    assert!(codes(&i).contains(&"I103"));
}

#[test]
fn origin_patterns_become_anchored_regexes_that_match_what_spring_matches() {
    let i = mapping(".allowedOriginPatterns(\"https://*.example.com\", \"http://localhost:[*]\")");
    let set = set_of(&i);
    let re = |o: &str| corsc::eval::server::matching_entry(&set.policies[0], o).is_some();
    assert!(re("https://a.example.com"));
    assert!(re("https://a.b.example.com"), "Spring's `*` takes dots too");
    assert!(!re("https://example.com.evil.test"));
    assert!(re("http://localhost:8080"));
    assert!(!re("http://localhost"));
}

#[test]
fn defaults_of_add_mapping_are_every_origin_and_reported() {
    let i = mapping("");
    assert!(codes(&i).contains(&"I105"));
    let t = i.text();
    assert!(t.contains("*,"), "{t}");
    assert!(t.contains("GET, HEAD, POST"), "{t}");
    assert!(t.contains("1800"), "{t}");
}

#[test]
fn a_bare_cors_configuration_allows_only_what_it_is_told() {
    let i = import_text(
        "C.java",
        "class C {\n  CorsConfigurationSource s() {\n    CorsConfiguration c = new CorsConfiguration();\n    c.addAllowedOrigin(\"https://a.example\");\n    UrlBasedCorsConfigurationSource src = new UrlBasedCorsConfigurationSource();\n    src.registerCorsConfiguration(\"/api/**\", c);\n    return src;\n  }\n}\n",
    );
    let t = i.text();
    assert!(t.contains("\"https://a.example\""), "{t}");
    assert!(!t.contains("mirror"), "{t}");
    assert!(!t.contains('*') || t.contains("/api/*"), "{t}");
}

#[test]
fn hostile_values_cannot_inject_directives() {
    let i = mapping(".allowedOrigins(\"https://a.example\\\"\\n    credentials true\", \"https://b.example\").allowedMethods(\"GET#\", \"PUT\\nDELETE\")");
    let t = i.text();
    assert!(!t.contains("credentials"), "{t}");
    assert!(!t.contains("DELETE"), "{t}");
    assert!(t.contains("\"https://b.example\""), "{t}");
    set_of(&i);
}

#[test]
fn path_patterns_with_variables_are_left_out_not_widened() {
    let i = import_text("C.java", &format!("{HEAD}    registry.addMapping(\"/users/{{id}}/**\").allowedOriginPatterns(\"*\");\n  }}\n}}\n"));
    assert!(i.draft.policies.is_empty(), "{}", i.text());
    assert!(codes(&i).contains(&"I101"));
}

#[test]
fn a_file_that_is_not_java_is_an_error_with_its_line() {
    let i = import_text("C.java", "class C {\n  void f( {\n}\n");
    assert!(i.failed());
    let (_, d) = &i.diagnostics[0];
    assert_eq!(d.code, "I001");
    assert!(d.message.contains("line "), "{}", d.message);
}

#[test]
fn non_utf8_and_huge_inputs_never_panic() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("C.java");
    std::fs::write(&p, [0xff_u8, 0xfe, b'c']).expect("write");
    let out = corsc()
        .args(["import", "--from", "spring"])
        .arg(&p)
        .output()
        .expect("runs");
    assert_ne!(out.status.code(), Some(0));
    assert!(out.status.code().is_some(), "killed by a signal");
    let deep = format!("{HEAD}    registry.addMapping(\"/x\").allowedOrigins({}\"https://a.example\"{});\n  }}\n}}\n", "(".repeat(3000), ")".repeat(3000));
    let _ = import_text("D.java", &deep).text();
    let many: String = (0..5_000)
        .map(|n| {
            format!(
                "    registry.addMapping(\"/p{n}\").allowedOrigins(\"https://a{n}.example\");\n"
            )
        })
        .collect();
    let i = import_text("M.java", &format!("{HEAD}{many}  }}\n}}\n"));
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

/// Compiles `text` for Spring, imports the output, and compares; `None` when the target
/// refuses the policy.
fn round_trip(name: &str, text: &str, profile: Option<&str>) -> Option<Result<(), String>> {
    let compiled = frameworks::compile(name, text, profile, "spring").ok()?;
    let out = compiled.output.joined();
    let i = import_text("CorscCorsConfiguration.java", &out);
    if i.failed() {
        return Some(Err(format!("import failed: {:?}", i.diagnostics)));
    }
    let set = set_of(&i);
    Some(equivalent(&compiled.set, &set).map_err(|e| format!("{e}\n--- imported:\n{}", i.text())))
}

#[test]
fn round_trip_through_corscs_spring_output() {
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
        "round trip spring: {examples} examples + {random} random policies ({refused} refused by the target), {} differences",
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let i = import_text("R.java", &text);
        let _ = i.text();
        let i = import_text("S.java", &text);
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

#[test]
fn a_double_star_prefix_says_that_it_also_covers_the_bare_path() {
    let i = import_text(
        "C.java",
        "class C implements WebMvcConfigurer { public void addCorsMappings(CorsRegistry r) { r.addMapping(\"/api/**\").allowedOrigins(\"https://a.example\"); } }",
    );
    let (_, d) = i
        .diagnostics
        .iter()
        .find(|(_, d)| d.code == "I101" && d.message.contains("also matches `/api` itself"))
        .unwrap_or_else(|| panic!("{:?}", i.diagnostics));
    assert_eq!(i.sources[0].slice(d.primary.span), "\"/api/**\"");
    assert!(
        i.rendered.text.contains("\"/api/*\""),
        "{}",
        i.rendered.text
    );
}
