//! `corsc import --from spring`: every fixture under `policies/imports/spring/` imported and
//! linted (snapshots), the traps the importer guards against, a round trip through corsc's own
//! Spring output, and random input that must never panic.

mod support;

use corsc::import::Imported;
use proptest::prelude::*;
use std::path::PathBuf;
use support::cli::corsc;
use support::import_fixtures::{self, checked, codes};
use support::round_trip::{self, Framework};

fn fixtures() -> Vec<PathBuf> {
    import_fixtures::fixtures("policies/imports/spring", None)
}

fn import_text(name: &str, text: &str) -> Imported {
    import_fixtures::import_text("spring", name, text)
}

#[test]
fn every_fixture_is_imported_and_linted() {
    let files = fixtures();
    assert!(files.len() >= 6, "{files:?}");
    import_fixtures::import_and_lint("spring", &files, |r| {
        for (name, text) in r.snapshots() {
            insta::assert_snapshot!(name, text);
        }
    });
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
        text.contains("PatternsWithCredentials.java:16:40: error: S101"),
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
    checked(&i);
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
    let set = checked(&i);
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
    checked(&i);
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
    import_fixtures::assert_unreadable_at_a_line(&i);
}

#[test]
fn non_utf8_and_huge_inputs_never_panic() {
    import_fixtures::assert_non_utf8_is_refused("spring", "C.java", &[0xff_u8, 0xfe, b'c']);
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

/// Where corsc's Spring output is read back from.
static FRAMEWORK: Framework = Framework {
    target: "spring",
    format: "spring",
    file: "CorscCorsConfiguration.java",
    compare: round_trip::equivalent,
};

#[test]
fn round_trip_through_corscs_spring_output() {
    round_trip::run(|name, text, profile| FRAMEWORK.round_trip(name, text, profile))
        .report("spring");
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
        let (name, text) = import_fixtures::mutated(&fixtures(), which, at, cut, &insert);
        import_fixtures::render_and_lint(&import_text(&name, &text));
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
