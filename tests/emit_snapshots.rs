//! Snapshots of the generated configuration for every example policy × target × shape (and
//! each profile a policy defines). Reviewing a diff here is reviewing a change of output.

mod support;
use support::engines;

use engines::{compile, policy_files, profiles, TARGET_SHAPES};

#[test]
fn every_policy_target_and_shape_is_snapshotted() {
    let mut count = 0;
    for path in policy_files() {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("stem")
            .to_string();
        let mut runs: Vec<Option<String>> = vec![None];
        runs.extend(profiles(&path).into_iter().map(Some));
        for profile in &runs {
            for (target, shape) in TARGET_SHAPES {
                let out = compile(&path, profile.as_deref(), target, *shape, "127.0.0.1:8080")
                    .unwrap_or_else(|d| panic!("{} for {target}: {d:#?}", path.display()));
                let name = match profile {
                    Some(p) => format!("{stem}@{target}-{}-{p}", shape.as_str()),
                    None => format!("{stem}@{target}-{}", shape.as_str()),
                };
                insta::assert_snapshot!(name, out.joined());
                count += 1;
            }
        }
    }
    assert!(count >= 16, "only {count} snapshots");
}

#[test]
fn output_is_deterministic() {
    for path in policy_files() {
        for (target, shape) in TARGET_SHAPES {
            let a = compile(&path, None, target, *shape, "127.0.0.1:8080").expect("compiles");
            let b = compile(&path, None, target, *shape, "127.0.0.1:8080").expect("compiles");
            assert_eq!(a, b);
        }
    }
}
