//! Entry points for the fuzz targets in `tests/fuzz/` (built only with `--features fuzzing`).
//!
//! `lint --fix` rewrites a user's file, so it is fuzzed too; its code lives in the private
//! `commands` module, and this is the one door to it that the fuzz crate can reach.

use crate::diagnostics::Diagnostic;
use crate::lint::LintConfig;
use crate::source::Source;

/// What `corsc lint --fix` does to one source's text, given the findings `lint` reported for
/// it: `Some(fixed)` if any fix applied, with the findings for the fixed text.
#[must_use]
pub fn lint_fix(
    source: &Source,
    findings: &[Diagnostic],
    profile: Option<&str>,
) -> Option<(String, Vec<Diagnostic>)> {
    let cfg = LintConfig::default();
    // Every fix, unsafe ones included: none may break the file.
    let (fixed, _applied) = super::commands::fix::fix(source, findings, &cfg, profile, true);
    fixed.map(|text| {
        let after = super::commands::fix::lint_text(
            &Source::new(source.name.clone(), text.as_str()),
            &cfg,
            profile,
        );
        (text, after)
    })
}
