//! `corsc::format`: the canonical layout of messy inputs (snapshots), the shipped examples
//! already in it, and the properties every formatting keeps: the output parses, formatting it
//! again changes nothing, every comment survives, and the checked IR is the same.

mod support;
use support::random_policy::Rng;
use support::shaped_policy::{messed, shaped, with_comments};

use corsc::format::format_source;
use corsc::source::Source;
use proptest::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fmt")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Formats `text`, checking on the way that the result parses and is a fixed point.
fn fmt(text: &str) -> String {
    let once = format_source(&Source::new("in.cors", text)).unwrap_or_else(|d| {
        panic!(
            "{}",
            corsc::diagnostics::render::human(&Source::new("in.cors", text), &d, false)
        )
    });
    let twice = format_source(&Source::new("out.cors", once.as_str()))
        .unwrap_or_else(|d| panic!("the output does not parse: {d:?}\n{once}"));
    assert_eq!(twice, once, "formatting is not idempotent on:\n{text}");
    once
}

#[test]
fn messy_inputs_snapshot() {
    for name in [
        "messy.cors",
        "comments.cors",
        "strings.cors",
        "crlf.cors",
        "tabs.cors",
        "profiles.cors",
        "attributes.cors",
        "long-lists.cors",
        "empty.cors",
        "comment-only.cors",
        "top-level.cors",
    ] {
        let text = fixture(name);
        let out = fmt(&text);
        insta::assert_snapshot!(format!("fmt__{name}"), out);
    }
}

#[test]
fn a_hash_inside_a_string_stays_in_the_string() {
    let out = fmt("policy a {\n    paths \"/x#y\"   # real\n}\n");
    assert_eq!(out, "policy a {\n    paths  \"/x#y\"  # real\n}\n");
}

#[test]
fn an_escaped_quote_or_a_quote_in_a_comment_cannot_turn_code_into_a_comment() {
    // Were the `#` after `\"` read as a comment, the second origin would move into it and stop
    // being allowed (or, the other way round, text in a comment would become an origin).
    let text = "policy a {\n    origins \"https://a\\\" # x\", \"https://b.example\"  # say \"hi\n    # \"quoted\n    paths \"/p\"\n}\n";
    let out = fmt(text);
    assert_eq!(meaning(&out), meaning(text));
    assert!(
        out.contains("\"https://a\\\" # x\", \"https://b.example\"  # say \"hi\n"),
        "{out}"
    );
    assert!(out.contains("    # \"quoted\n    paths"), "{out}");
}

#[test]
fn regex_backslashes_round_trip_byte_for_byte() {
    let out = fmt("policy a {\n    origins regex \"^https://a\\\\.b\\.example$\"\n}\n");
    // `\\.` and `\.` read as the same regex; the fewest escapes are written.
    assert_eq!(
        out,
        "policy a {\n    origins  regex \"^https://a\\.b\\.example$\"\n}\n"
    );
}

#[test]
fn a_blank_line_after_a_profile_is_kept() {
    let text = "policy a {\n    profile dev {\n        max-age =  0\n    }\n\n    # note\n}\n";
    assert_eq!(fmt(text), text);
}

#[test]
fn crlf_becomes_lf_and_there_is_no_trailing_whitespace() {
    let out = fmt(&fixture("crlf.cors"));
    assert!(!out.contains('\r'));
    assert!(out.lines().all(|l| l == l.trim_end()));
    assert!(out.ends_with("}\n") && !out.ends_with("\n\n"));
}

#[test]
fn the_empty_file_stays_empty_and_a_comment_only_file_keeps_its_comments() {
    assert_eq!(fmt(""), "");
    assert_eq!(fmt("\n\n  \n"), "");
    assert_eq!(fmt("# a  \n\n\n\n# b"), "# a\n\n# b\n");
}

#[test]
fn syntax_errors_are_refused_with_the_parsers_diagnostics() {
    for bad in [
        "policy a {\n    origins: \"https://a.example\"\n}\n",
        "policy a {\n",
        "origins \"unterminated\n",
    ] {
        let err = format_source(&Source::new("bad.cors", bad)).unwrap_err();
        assert!(!err.is_empty());
        assert_eq!(
            err,
            corsc::syntax::parse(&Source::new("bad.cors", bad)).unwrap_err()
        );
    }
}

#[test]
fn unordered_lists_are_sorted_only_without_comments() {
    let out = fmt("policy a {\n    methods DELETE, QUERY, GET, PROPFIND, OPTIONS\n    request-headers x-b, X-A\n    origins \"https://b.example\", \"https://a.example\"\n}\n");
    assert!(
        out.contains("methods          GET, DELETE, OPTIONS, QUERY, PROPFIND\n"),
        "{out}"
    );
    assert!(out.contains("request-headers  X-A, x-b\n"), "{out}");
    assert!(
        out.contains("\"https://b.example\", \"https://a.example\""),
        "{out}"
    );
    let kept = fmt("policy a {\n    methods [\n        PUT,  # why\n        GET,\n    ]\n}\n");
    assert!(kept.contains("PUT,  # why\n        GET,\n"), "{kept}");
}

#[test]
fn long_lists_wrap_and_short_continued_lists_join() {
    let out = fmt(&fixture("long-lists.cors"));
    assert!(out.contains("    origins         [\n        \"https://one.example.com\",\n"));
    assert!(out.contains("    paths           \"/a\", \"/b\", \"/c\"\n"));
    assert!(out.lines().all(|l| l.chars().count() <= 100));
}

fn cors_files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "cors"))
        .collect();
    out.sort();
    out
}

#[test]
fn the_shipped_examples_are_formatted() {
    let mut seen = 0;
    for p in cors_files("policies")
        .into_iter()
        .chain(cors_files("policies/bad"))
    {
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        let source = Source::new(p.display().to_string(), text.as_str());
        if let Ok(out) = format_source(&source) {
            assert_eq!(out, text, "{} is not in the canonical layout", p.display());
            seen += 1;
        }
    }
    assert!(seen >= 12, "{seen}");
}

// ---------------------------------------------------------------------------------------------
// Properties

/// The checked IR of `text` for the base policies and every profile, as JSON with everything
/// that depends on layout removed: spans, and the order of the lists the formatter sorts.
fn meaning(text: &str) -> Vec<Value> {
    let source = Source::new("p.cors", text);
    let file = corsc::syntax::parse(&source).expect("parses");
    let mut out = Vec::new();
    let profiles = corsc::check::profile_names(&file);
    for p in std::iter::once(None).chain(profiles.iter().map(|p| Some(p.as_str()))) {
        let checked = corsc::pipeline::check(&file, p);
        let mut v = serde_json::to_value(&checked.policies).expect("serializes");
        normalize(&mut v, None);
        let mut codes: Vec<&str> = checked.diagnostics.iter().map(|d| d.code).collect();
        codes.sort_unstable();
        out.push(serde_json::json!({ "profile": p, "ir": v, "codes": codes }));
    }
    out
}

fn normalize(v: &mut Value, key: Option<&str>) {
    match v {
        Value::Object(m) => {
            m.remove("span");
            m.remove("first");
            m.remove("removal");
            // A span that says where something was written becomes "it was written".
            let is_span = m.len() == 2 && m.contains_key("start") && m.contains_key("end");
            if is_span {
                *v = Value::Bool(true);
                return;
            }
            for (k, x) in m.iter_mut() {
                normalize(x, Some(k));
            }
        }
        Value::Array(a) => {
            for x in a.iter_mut() {
                normalize(x, None);
            }
            if matches!(key, Some("list" | "repeated")) {
                a.sort_by_key(|x| x.to_string());
            }
        }
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    #[test]
    fn any_file_that_parses_formats_to_a_fixed_point_of_the_same_meaning(seed in any::<u64>()) {
        let text = shaped(seed);
        prop_assume!(corsc::syntax::parse(&Source::new("p.cors", text.as_str())).is_ok());
        let out = fmt(&text);
        prop_assert_eq!(meaning(&out), meaning(&text), "{}\n---\n{}", text, out);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn formatting_is_idempotent_and_keeps_the_meaning(seed in 0u64..1_000_000) {
        let text = messed(seed);
        prop_assume!(corsc::syntax::parse(&Source::new("p.cors", text.as_str())).is_ok());
        let out = fmt(&text);
        let m = meaning(&text);
        prop_assert!(!m[0]["ir"].is_null(), "the generated policy has errors:\n{}", text);
        prop_assert_eq!(meaning(&out), m, "{}\n---\n{}", text, out);
    }

    #[test]
    fn formatting_keeps_every_comment(seed in 0u64..1_000_000) {
        let mut rng = Rng::new(seed ^ 0x5eed);
        let mut n = 0;
        let text = with_comments(&messed(seed), &mut rng, &mut n);
        prop_assume!(corsc::syntax::parse(&Source::new("p.cors", text.as_str())).is_ok());
        let out = fmt(&text);
        for k in 0..n {
            let marker = format!("# c{k}");
            let found = out.lines().filter(|l| l.ends_with(&marker)).count();
            prop_assert_eq!(found, 1, "{} lost or doubled in\n{}\n---\n{}", marker, text, out);
        }
        let count = |s: &str| s.matches("# c").count();
        prop_assert_eq!(count(&out), count(&text));
        prop_assert_eq!(meaning(&out), meaning(&text), "{}\n---\n{}", text, out);
    }
}
