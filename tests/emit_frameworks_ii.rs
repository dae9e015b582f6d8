//! What the tower-http, actix, go and Spring outputs must never hold, and what each of their
//! libraries refuses. Their snapshots are taken with every other target's, in
//! `emit_snapshots.rs`.

mod support;
use support::frameworks;

use frameworks::{compile, examples, Refusal};

/// The targets whose libraries these tests know.
const TARGETS: &[&str] = &["actix", "go", "spring", "tower-http"];

fn rendered(label: &str, text: &str, profile: Option<&str>, target: &str) -> String {
    match compile(label, text, profile, target) {
        Ok(c) => c.output.joined(),
        Err(Refusal::Plan(d)) => d
            .iter()
            .map(|d| format!("refused: {} {}: {}\n", d.code, d.name, d.message))
            .collect(),
        Err(Refusal::Check(d)) => panic!("{label} does not check: {d:#?}"),
    }
}

#[test]
fn the_alias_axum_is_tower_http() {
    let (name, text, _) = examples().into_iter().next().expect("an example");
    assert_eq!(
        rendered(&name, &text, None, "axum"),
        rendered(&name, &text, None, "tower-http")
    );
}

#[test]
fn output_is_deterministic_and_never_unsafe() {
    for (name, text, profile) in examples() {
        for target in TARGETS {
            let a = rendered(&name, &text, profile.as_deref(), target);
            let b = rendered(&name, &text, profile.as_deref(), target);
            assert_eq!(a, b);
            // The constructs each library turns into "any origin with credentials" or a
            // run-time failure are never written.
            for bad in [
                "Cors::permissive",
                "AllowOrigin::mirror_request",
                "allowedOriginPatterns(\"*\")",
                "allow_credentials(true)",
            ] {
                assert!(!a.contains(bad), "{name} {target}: {bad}");
            }
        }
    }
}

/// The first refusal code and message for a one-policy file, or `None` when it compiles.
fn refusal(body: &str, target: &str) -> Option<(String, String)> {
    let text = format!("policy p {{\n{body}\n}}\n");
    match compile("refusal.cors", &text, None, target) {
        Ok(_) => None,
        Err(Refusal::Plan(d)) => Some((d[0].code.to_string(), d[0].message.clone())),
        Err(Refusal::Check(d)) => panic!("does not check: {d:#?}\n{text}"),
    }
}

#[test]
fn each_library_refuses_what_it_cannot_say_and_names_itself_and_the_feature() {
    let cases: &[(&str, &str, &str)] = &[
        // (target, policy body, a word the message must hold)
        (
            "tower-http",
            "origins \"https://a.example\"\nrequest-headers *\ncredentials true",
            "request-headers *",
        ),
        (
            "actix",
            "origins \"https://a.example\"\nmethods *",
            "methods *",
        ),
        (
            "actix",
            "origins \"https://a.example\"\nrequest-headers *",
            "request-headers *",
        ),
        (
            "go",
            "origins \"https://a.example\"\nmax-age 0",
            "Max-Age: 0",
        ),
        (
            "go",
            "origins \"https://a.example\"\nprivate-network true",
            "private-network",
        ),
        (
            "go",
            "origins regex \"(?i)^https://a\\\\.example$\"",
            "regex",
        ),
        (
            "spring",
            "origins regex \"(?i)^https://a\\\\.example$\"",
            "regex",
        ),
        (
            "spring",
            "paths \"/files-*\"\norigins \"https://a.example\"",
            "/files-*",
        ),
        (
            "spring",
            "origins \"https://a.example\"\nprivate-network true",
            "private-network",
        ),
    ];
    for (target, body, word) in cases {
        let (code, message) =
            refusal(body, target).unwrap_or_else(|| panic!("{target} accepted:\n{body}"));
        assert_eq!(code, "P301", "{target}: {message}");
        let name = corsc::emit::find(target).expect("target").name();
        assert!(
            message.contains(name) && message.contains(word),
            "{target}: {message}"
        );
    }
    // `*` with credentials is refused by every one of them (never reflected, never a panic).
    for target in TARGETS {
        let (code, _) = refusal("origins *\ncredentials true", target).expect("refused");
        assert_eq!(code, "P301");
    }
    // …and what they can say compiles.
    for target in TARGETS {
        assert_eq!(
            refusal("origins \"https://a.example\", \"https://*.b.example\"\nmethods PUT\nrequest-headers Content-Type\ncredentials true\nmax-age 600", target),
            None,
            "{target}"
        );
    }
}

/// Django (several policies: the generated middleware) and Spring (`regex` origins: the
/// `checkOrigin` override) compile every example policy, every profile, and the hostile-name
/// files: no refusal where code can say the policy.
#[test]
fn django_and_spring_compile_every_example_and_hostile_name_file() {
    let hostile = frameworks::hostile_name_sets()
        .into_iter()
        .map(|(name, text)| (name, text, None));
    for (name, text, profile) in examples().into_iter().chain(hostile) {
        for target in ["django", "spring"] {
            if let Err(e) = compile(&name, &text, profile.as_deref(), target) {
                panic!("{name} {profile:?} is refused for {target}: {e:?}");
            }
        }
    }
}
