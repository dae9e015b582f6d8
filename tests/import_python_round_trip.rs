//! `import(compile(P))` is `P` for corsc's Django and Flask output: every example policy (each
//! profile) and 200 random policies per target, compiled, read back with `--from django` /
//! `--from flask`, and compared with `corsc diff`.

mod support;

use corsc::import::{self, Context};
use corsc::source::Source;
use support::frameworks;
use support::random_policy::{policy_text, Features};

/// Compiles `text` for `target`, imports what it wrote with the format of the same name, and
/// says how `corsc diff` compares the two; `None` when the target refuses the policy.
fn round_trip(
    name: &str,
    text: &str,
    profile: Option<&str>,
    target: &str,
) -> Option<Result<(), String>> {
    let compiled = frameworks::compile(name, text, profile, target).ok()?;
    let out = compiled.output.joined();
    let cx = Context::with_sources(vec![Source::new("corsc_cors.py", out.as_str())]);
    let format = import::find(target).expect("registered");
    let i = import::import_context(format, cx, &[0], &corsc::pipeline::errors);
    if i.failed() {
        return Some(Err(format!("import failed: {:?}", i.diagnostics)));
    }
    let policy = i.policy_source();
    let Ok(set) = frameworks::check_set("imported.cors", &policy.text, None) else {
        return Some(Err(format!("the import does not check:\n{}", policy.text)));
    };
    let report = corsc::diff::diff(&compiled.set, &set, &corsc::diff::DiffOptions::default());
    Some(if report.verdict == corsc::diff::Verdict::Equivalent {
        Ok(())
    } else {
        Err(format!(
            "corsc diff says {:?}\n--- imported:\n{}",
            report.verdict,
            i.text()
        ))
    })
}

fn run(target: &str) {
    let mut examples = 0;
    let mut failures = Vec::new();
    for (name, text, profile) in frameworks::examples() {
        if let Some(r) = round_trip(&name, &text, profile.as_deref(), target) {
            examples += 1;
            if let Err(e) = r {
                failures.push(format!("{name} {profile:?}: {e}"));
            }
        }
    }
    let (mut random, mut refused, mut seed) = (0, 0, 0);
    while random < 200 {
        let text = policy_text(seed, &Features::all());
        match round_trip(&format!("seed-{seed}.cors"), &text, None, target) {
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
        "round trip {target}: {examples} examples + {random} random policies ({refused} refused by the target), {} differences",
        failures.len()
    );
    let shown: Vec<_> = failures.iter().take(3).collect();
    assert!(
        failures.is_empty(),
        "{} differences; first:\n{shown:#?}",
        failures.len()
    );
}

#[test]
fn round_trip_through_corscs_django_output() {
    run("django");
}

#[test]
fn round_trip_through_corscs_flask_output() {
    run("flask");
}
