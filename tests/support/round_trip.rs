//! The round trip `import(compile(P))`: every example policy (each profile) and 200 random
//! policies compiled for a target, read back with the import format of the same output, and
//! compared with `P`. An import that reads corsc's own output as anything but the policy it
//! came from would make `corsc import` untrustworthy on real configurations too.
#![allow(dead_code, reason = "each test binary uses the parts it needs")]

use super::frameworks;
use super::import_fixtures::import_text;
use super::random_policy::{policy_text, Features};
use corsc::ir::PolicySet;

/// How many random policies the target must compile.
pub const RANDOM: usize = 200;

/// Whether `corsc diff` finds the two policy sets equivalent.
pub fn diff_equivalent(a: &PolicySet, b: &PolicySet) -> Result<(), String> {
    let report = corsc::diff::diff(a, b, &corsc::diff::DiffOptions::default());
    if report.verdict == corsc::diff::Verdict::Equivalent {
        Ok(())
    } else {
        Err(format!("corsc diff says {:?}", report.verdict))
    }
}

/// Whether two policy sets answer every probe of either the same way (the browser's verdict,
/// and never more permission), by the evaluator.
pub fn equivalent(a: &PolicySet, b: &PolicySet) -> Result<(), String> {
    // What `corsc diff` decides, then an independent comparison over the evaluator's
    // answers to the probes of both sides.
    diff_equivalent(a, b)?;
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

/// Where a framework's output is read back from: the target compiled to, the import format
/// that reads it, and the file name the output is imported as.
pub struct Framework {
    /// The `--target`.
    pub target: &'static str,
    /// The `--from`.
    pub format: &'static str,
    /// The name of the file the target writes.
    pub file: &'static str,
    /// How the two policy sets are compared.
    pub compare: fn(&PolicySet, &PolicySet) -> Result<(), String>,
}

impl Framework {
    /// Compiles `text` for the target, imports the output, and compares; `None` when the
    /// target refuses the policy.
    pub fn round_trip(
        &self,
        name: &str,
        text: &str,
        profile: Option<&str>,
    ) -> Option<Result<(), String>> {
        let compiled = frameworks::compile(name, text, profile, self.target).ok()?;
        let out = compiled.output.joined();
        let i = import_text(self.format, self.file, &out);
        if i.failed() {
            return Some(Err(format!("import failed: {:?}", i.diagnostics)));
        }
        let policy = i.policy_source();
        let Ok(set) = frameworks::check_set("imported.cors", &policy.text, None) else {
            return Some(Err(format!("the import does not check:\n{}", policy.text)));
        };
        Some(
            (self.compare)(&compiled.set, &set)
                .map_err(|e| format!("{e}\n--- imported:\n{}", i.text())),
        )
    }
}

/// What a round trip over the examples and the random policies found.
#[derive(Debug, Default)]
pub struct Tally {
    /// Examples (each profile counted) the target compiled.
    pub examples: usize,
    /// Random policies the target compiled.
    pub random: usize,
    /// Random policies the target refused.
    pub refused: usize,
    /// Each difference, with the policy it was found on.
    pub failures: Vec<String>,
}

impl Tally {
    /// Prints the counts (the README quotes them) under `what`, and fails on any difference.
    pub fn report(&self, what: &str) {
        println!(
            "round trip {what}: {} examples + {} random policies ({} refused by the target), {} differences",
            self.examples,
            self.random,
            self.refused,
            self.failures.len()
        );
        assert!(
            self.failures.is_empty(),
            "{} differences; first:\n{}",
            self.failures.len(),
            self.failures[..self.failures.len().min(3)].join("\n\n")
        );
    }
}

/// Runs `one` (compile, import, compare: `None` when the target refuses the policy) on every
/// example policy and on random policies until [`RANDOM`] of them compiled.
pub fn run(mut one: impl FnMut(&str, &str, Option<&str>) -> Option<Result<(), String>>) -> Tally {
    let mut tally = Tally::default();
    for (name, text, profile) in frameworks::examples() {
        if let Some(r) = one(&name, &text, profile.as_deref()) {
            tally.examples += 1;
            if let Err(e) = r {
                tally.failures.push(format!("{name} {profile:?}: {e}"));
            }
        }
    }
    let mut seed = 0;
    while tally.random < RANDOM {
        let text = policy_text(seed, &Features::all());
        match one(&format!("seed-{seed}.cors"), &text, None) {
            Some(r) => {
                tally.random += 1;
                if let Err(e) = r {
                    tally.failures.push(format!("seed {seed}: {e}\n{text}"));
                }
            }
            None => tally.refused += 1,
        }
        seed += 1;
    }
    tally
}

/// The comparison behind the round trip sees a difference when there is one: one origin
/// left out, or credentials added.
pub fn assert_equivalence_sees_a_difference() {
    let set = |t: &str| frameworks::check_set("p.cors", t, None).expect("checks");
    let a = set("policy api {\n    origins \"https://a.example\", \"https://b.example\"\n}\n");
    let b = set("policy api {\n    origins \"https://a.example\"\n}\n");
    let c = set("policy api {\n    origins \"https://a.example\", \"https://b.example\"\n    credentials true\n}\n");
    assert!(equivalent(&a, &a).is_ok());
    assert!(equivalent(&a, &b).is_err());
    assert!(equivalent(&a, &c).is_err());
}
