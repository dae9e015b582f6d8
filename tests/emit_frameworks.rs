//! Snapshots of the generated module for every example policy × framework target (and each
//! profile a policy defines), plus determinism. A refusal is snapshotted too, as the plan's
//! messages: reviewing a diff here is reviewing a change of output.

mod support;
use support::frameworks;

use frameworks::{compile, examples, Refusal};

/// The framework targets.
const TARGETS: &[&str] = &["django", "express", "fastify", "flask", "starlette"];

fn stem(name: &str) -> String {
    name.trim_start_matches("policies/")
        .trim_end_matches(".cors")
        .to_string()
}

#[test]
fn every_policy_and_framework_target_is_snapshotted() {
    let mut count = 0;
    for (name, text, profile) in examples() {
        for target in TARGETS {
            let snap = match &profile {
                Some(p) => format!("{}@{target}-{p}", stem(&name)),
                None => format!("{}@{target}", stem(&name)),
            };
            let body = match compile(&name, &text, profile.as_deref(), target) {
                Ok(c) => c.output.joined(),
                Err(Refusal::Plan(d)) => {
                    let mut s = String::from("refused:\n");
                    for x in d {
                        s.push_str(&format!("{} {}\n", x.code, x.message));
                    }
                    s
                }
                Err(Refusal::Check(d)) => panic!("{name}: {d:#?}"),
            };
            insta::assert_snapshot!(snap, body);
            count += 1;
        }
    }
    assert!(count >= 5 * TARGETS.len(), "only {count} snapshots");
}

#[test]
fn output_is_deterministic() {
    for (name, text, profile) in examples() {
        for target in TARGETS {
            let a = compile(&name, &text, profile.as_deref(), target).map(|c| c.output);
            let b = compile(&name, &text, profile.as_deref(), target).map(|c| c.output);
            if let (Ok(a), Ok(b)) = (a, b) {
                assert_eq!(a, b, "{name} {target}");
            }
        }
    }
}
