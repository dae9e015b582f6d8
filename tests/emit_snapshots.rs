//! Snapshots of the generated output for every registered target × shape × example policy (and
//! each profile a policy defines), from one loop over the registry: a target registered
//! without its snapshots fails here (insta fails on a missing snapshot; under `CI=true` it
//! writes nothing). A policy a target refuses is snapshotted as its `P3xx` diagnostics, so a
//! refusal that appears or disappears is a reviewed change too. Reviewing a diff here is
//! reviewing a change of output.

mod support;
use support::engines;

use corsc::diagnostics::Diagnostic;
use corsc::emit::{Shape, Target, TARGETS};
use engines::{compile, policy_files, profiles};
use std::path::Path;

/// Where a target's snapshots are: `tests/snapshots/{prefix}__{stem}@{id}[-{shape}][-{profile}].snap`,
/// and how a refusal reads in them.
struct Layout {
    prefix: &'static str,
    /// Whether the name holds the shape (the targets without it have one shape).
    with_shape: bool,
    refusal: fn(&[Diagnostic]) -> String,
}

/// The snapshots of the application frameworks were first written by test files of their own
/// (`emit_frameworks`, `emit_frameworks_ii`), with their own names and refusal formats; they
/// keep them, so the reviewed files stay as they are. Every other target, and any new one, has
/// its snapshots under this file's name, with the shape.
fn layout(id: &str) -> Layout {
    match id {
        "django" | "express" | "fastify" | "flask" | "starlette" => Layout {
            prefix: "emit_frameworks",
            with_shape: false,
            refusal: |d| {
                let mut s = String::from("refused:\n");
                for x in d {
                    s.push_str(&format!("{} {}\n", x.code, x.message));
                }
                s
            },
        },
        "actix" | "go" | "spring" | "tower-http" => Layout {
            prefix: "emit_frameworks_ii",
            with_shape: false,
            refusal: refused,
        },
        _ => Layout {
            prefix: "emit_snapshots",
            with_shape: true,
            refusal: refused,
        },
    }
}

fn refused(d: &[Diagnostic]) -> String {
    d.iter()
        .map(|d| format!("refused: {} {}: {}\n", d.code, d.name, d.message))
        .collect()
}

/// The output, or the plan's refusal as the target's [`Layout`] writes it. A policy that does
/// not check is a broken example, not a snapshot.
fn rendered(path: &Path, profile: Option<&str>, target: &dyn Target, shape: Shape) -> String {
    match compile(path, profile, target.id(), shape, "127.0.0.1:8080") {
        Ok(out) => out.joined(),
        Err(d) if d.iter().all(|x| x.code.starts_with('P')) => (layout(target.id()).refusal)(&d),
        Err(d) => panic!("{} does not check: {d:#?}", path.display()),
    }
}

#[test]
fn every_registered_target_shape_and_example_policy_is_snapshotted() {
    let mut settings = insta::Settings::clone_current();
    // The prefix is the target's (see `layout`), not this file's module name.
    settings.set_prepend_module_to_snapshot(false);
    let _bound = settings.bind_to_scope();
    let mut count = 0;
    for path in policy_files() {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("stem")
            .to_string();
        let mut runs: Vec<Option<String>> = vec![None];
        runs.extend(profiles(&path).into_iter().map(Some));
        for target in TARGETS {
            let id = target.id();
            let layout = layout(id);
            let shapes = target.capabilities().shapes;
            assert!(
                layout.with_shape || shapes == [Shape::Include],
                "{id} has several shapes: its snapshot names must hold the shape"
            );
            for &shape in shapes {
                for profile in &runs {
                    let mut name = format!("{}__{stem}@{id}", layout.prefix);
                    if layout.with_shape {
                        name.push_str(&format!("-{}", shape.as_str()));
                    }
                    if let Some(p) = profile {
                        name.push_str(&format!("-{p}"));
                    }
                    let body = rendered(&path, profile.as_deref(), *target, shape);
                    insta::assert_snapshot!(name, body);
                    count += 1;
                }
            }
        }
    }
    assert!(
        count >= 4 * TARGETS.len(),
        "only {count} snapshots for {} targets",
        TARGETS.len()
    );
}

#[test]
fn output_is_deterministic() {
    for path in policy_files() {
        for target in TARGETS {
            for &shape in target.capabilities().shapes {
                let a = rendered(&path, None, *target, shape);
                let b = rendered(&path, None, *target, shape);
                assert_eq!(a, b, "{} {}", path.display(), target.id());
            }
        }
    }
}
