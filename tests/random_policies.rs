//! The random policies that conformance suites feed to real servers are themselves valid: every
//! one parses, checks and lints without errors, and the generator is deterministic.

mod support;
use support::random_policy;

use corsc::diagnostics::Severity;
use corsc::lint::LintConfig;
use corsc::source::Source;
use random_policy::{policy_text, Features};

#[test]
fn generated_policies_lint_without_errors() {
    for seed in 0..300 {
        let text = policy_text(seed, &Features::all());
        let src = Source::new(format!("seed-{seed}.cors"), text.as_str());
        let file = corsc::syntax::parse(&src)
            .unwrap_or_else(|d| panic!("{}", corsc::diagnostics::render::human(&src, &d, false)));
        let diags = corsc::pipeline::lint_file(&file, &LintConfig::default(), None);
        let errors: Vec<_> = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        assert!(
            errors.is_empty(),
            "seed {seed}:\n{text}\n{}",
            corsc::diagnostics::render::human(&src, &diags, false)
        );
    }
}

#[test]
fn the_same_seed_gives_the_same_policy() {
    assert_eq!(
        policy_text(7, &Features::all()),
        policy_text(7, &Features::all())
    );
    assert_ne!(
        policy_text(7, &Features::all()),
        policy_text(8, &Features::all())
    );
}
