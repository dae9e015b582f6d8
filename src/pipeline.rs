//! The pipeline: parse → check → lint → plan and render, written once.
//!
//! Every command and every test that takes a policy from text to findings or to generated
//! output goes through here, so the stages are wired in one place. A file is parsed once,
//! checked once for its base policies and once for each profile it defines (or for the one
//! profile asked for), each resolved set is linted, and the reports are merged. Compiling then
//! plans and renders the set of the profile asked for. This is the only caller of the checker
//! outside `check/`.
//!
//! A file past corsc's limits is refused once, by its first run: the limits bound the work of
//! every run together, and checking the file again for each profile would multiply the very
//! work they are there to bound.

use crate::check::{self, Checked};
use crate::diagnostics::{self, Diagnostic, Severity};
use crate::emit::{self, Options, Output, Provenance, Target};
use crate::ir::PolicySet;
use crate::lint::{self, LintConfig, LintReport, Merged};
use crate::source::Source;
use crate::syntax::{self, ast};

/// Parses policy text into its syntax tree, or gives the syntax errors.
///
/// # Errors
/// The syntax errors, when the text does not parse.
pub fn parse(source: &Source) -> Result<ast::File, Vec<Diagnostic>> {
    syntax::parse(source)
}

/// Checks a file for one profile (`None`: the base policies) without linting it: what
/// `corsc check` reports, and the policies the evaluator runs on.
#[must_use]
pub fn check(file: &ast::File, profile: Option<&str>) -> Checked {
    check::check(file, profile)
}

/// One check of a file, for its base policies or one profile, and what lint found in the IR.
#[derive(Debug)]
pub struct Run {
    /// The profile; `None` for the base policies.
    pub profile: Option<String>,
    /// The checker's diagnostics, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// The IR, when the check found no error.
    pub policies: Option<PolicySet>,
    /// What the rules found in the IR (nothing when there is no IR).
    pub lint: LintReport,
}

/// A file checked and linted for each of its runs.
#[derive(Debug)]
pub struct Analysis {
    /// The runs in order: the base policies then each profile by name, or the one profile
    /// asked for. A file past the limits has only its first run.
    pub runs: Vec<Run>,
    /// The lint reports of every run, merged.
    pub lint: Merged,
}

impl Analysis {
    /// The run whose policies a compilation outputs: the base policies, or the one profile
    /// asked for.
    #[must_use]
    pub fn compiled(&self) -> &Run {
        &self.runs[0]
    }

    /// Everything the checker and the linter say about the file, sorted, as `corsc lint`
    /// reports it: findings seen only with some profiles say which.
    #[must_use]
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.with_checks(self.lint.diagnostics())
    }

    /// What the checker and the linter say about what is compiled, sorted: findings seen only
    /// with other profiles are left out, as they do not concern this output.
    #[must_use]
    pub fn output_diagnostics(&self) -> Vec<Diagnostic> {
        self.with_checks(self.lint.for_output())
    }

    /// The checker's diagnostics of every run, then `findings`, sorted (exact duplicates,
    /// such as a warning every run repeats, once).
    fn with_checks(&self, findings: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let mut out: Vec<Diagnostic> = self
            .runs
            .iter()
            .flat_map(|r| r.diagnostics.iter().cloned())
            .collect();
        out.extend(findings);
        diagnostics::sort(&mut out);
        out
    }
}

/// Checks and lints a file for its base policies and every profile, or for the profile
/// `only` names alone.
#[must_use]
pub fn analyze(file: &ast::File, config: &LintConfig, only: Option<&str>) -> Analysis {
    let mut checks = Vec::new();
    for profile in runs_of(file, only) {
        let checked = check::check(file, profile.as_deref());
        let over_limits = checked.over_limits();
        checks.push((profile, checked));
        if over_limits {
            break;
        }
    }
    lint_runs(checks, config)
}

/// [`analyze`] for the last use of a file: the same analysis, but the last check takes the
/// syntax tree ([`check::check_owned`]) and it is gone before any rule runs, so a long
/// allowlist is not held as syntax, IR and the rules' indexes at once.
#[must_use]
pub fn analyze_owned(file: ast::File, config: &LintConfig, only: Option<&str>) -> Analysis {
    let mut profiles = runs_of(&file, only);
    let last = profiles.pop().unwrap_or_default();
    let mut checks = Vec::new();
    for profile in profiles {
        let checked = check::check(&file, profile.as_deref());
        let over_limits = checked.over_limits();
        checks.push((profile, checked));
        if over_limits {
            return lint_runs(checks, config);
        }
    }
    let checked = check::check_owned(file, last.as_deref());
    checks.push((last, checked));
    lint_runs(checks, config)
}

/// The runs of a file: its base policies then each profile by name, or the one asked for.
fn runs_of(file: &ast::File, only: Option<&str>) -> Vec<Option<String>> {
    match only {
        Some(p) => vec![Some(p.to_string())],
        None => std::iter::once(None)
            .chain(check::profile_names(file).into_iter().map(Some))
            .collect(),
    }
}

/// Lints each checked run and merges the reports. Linting reads only the IR, so it runs
/// after every check, when the syntax tree may already be gone.
fn lint_runs(checks: Vec<(Option<String>, Checked)>, config: &LintConfig) -> Analysis {
    let runs: Vec<Run> = checks
        .into_iter()
        .map(|(profile, checked)| {
            let lint = match &checked.policies {
                Some(set) => lint::lint(set, config),
                None => LintReport::empty(profile.clone()),
            };
            Run {
                profile,
                diagnostics: checked.diagnostics,
                policies: checked.policies,
                lint,
            }
        })
        .collect();
    // Suppressions do not depend on the profile: any run with IR has the file's list.
    let suppressions = runs
        .iter()
        .rev()
        .find_map(|r| r.policies.as_ref())
        .map_or(&[][..], |set| &set.suppressions);
    let lint = lint::merge(runs.iter().map(|r| &r.lint), suppressions, config);
    Analysis { runs, lint }
}

/// What `corsc lint` reports for a parsed file: [`analyze`], then [`Analysis::diagnostics`].
#[must_use]
pub fn lint_file(file: &ast::File, config: &LintConfig, only: Option<&str>) -> Vec<Diagnostic> {
    analyze(file, config, only).diagnostics()
}

/// [`lint_file`] for the last use of a file, through [`analyze_owned`]: the same findings,
/// without holding the syntax tree while the rules run.
#[must_use]
pub fn lint_owned(file: ast::File, config: &LintConfig, only: Option<&str>) -> Vec<Diagnostic> {
    analyze_owned(file, config, only).diagnostics()
}

/// Plans a resolved policy set against a target and renders it.
///
/// # Errors
/// The plan's diagnostics, when the target cannot express the policy.
pub fn render(
    set: &PolicySet,
    target: &dyn Target,
    options: &Options,
    provenance: &Provenance,
) -> Result<Output, Vec<Diagnostic>> {
    emit::compile(set, target, options, provenance)
}

/// Whether errors among the lint findings stop a compilation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LintErrors {
    /// They stop it (`corsc compile`, `corsc build`).
    Refuse,
    /// They are reported and the output is generated anyway (`--allow-lint-errors`).
    Allow,
}

/// A compiled output, the policies it was compiled from, and the findings to show beside it.
#[derive(Debug)]
pub struct Compiled {
    /// The resolved policies of the compiled profile (what `corsc verify` holds a server to).
    pub policies: PolicySet,
    /// The generated output.
    pub output: Output,
    /// What the checker and the linter say about it ([`Analysis::output_diagnostics`]).
    pub findings: Vec<Diagnostic>,
}

/// Why a compilation produced nothing.
#[derive(Debug)]
pub enum Refusal {
    /// The compiled profile does not check: the checker's diagnostics of that run.
    Invalid(Vec<Diagnostic>),
    /// The findings include errors, and [`LintErrors::Refuse`] was asked: every finding.
    Lint(Vec<Diagnostic>),
    /// The target cannot express the policy.
    Target {
        /// The plan's diagnostics.
        plan: Vec<Diagnostic>,
        /// What the checker and the linter say, as for an output.
        findings: Vec<Diagnostic>,
    },
}

/// Compiles a parsed file for a target with the rules at their default levels, as
/// `corsc compile --isolated` does; [`compile_with`] takes the lint settings.
///
/// # Errors
/// A [`Refusal`] saying which stage stopped and with what.
pub fn compile(
    file: &ast::File,
    profile: Option<&str>,
    target: &dyn Target,
    options: &Options,
    provenance: &Provenance,
    lint_errors: LintErrors,
) -> Result<Compiled, Refusal> {
    let config = LintConfig::default();
    compile_with(
        file,
        profile,
        &config,
        target,
        options,
        provenance,
        lint_errors,
    )
}

/// Compiles a parsed file for a target, as `corsc compile` and `corsc build` do: one
/// profile, or the base policies (analyzed together with every profile, so an `@allow` used
/// only by a profile is not reported unused), linted with `config` exactly as `corsc lint`
/// lints it, then planned and rendered.
///
/// The findings that stop it are the errors among them: the levels `config` gives decide
/// what is an error, as they do for `corsc lint`. `deny warnings` is a rule for `corsc
/// lint`'s exit status and stops no compilation.
///
/// # Errors
/// A [`Refusal`] saying which stage stopped and with what.
pub fn compile_with(
    file: &ast::File,
    profile: Option<&str>,
    config: &LintConfig,
    target: &dyn Target,
    options: &Options,
    provenance: &Provenance,
    lint_errors: LintErrors,
) -> Result<Compiled, Refusal> {
    let analysis = analyze(file, config, profile);
    let findings = analysis.output_diagnostics();
    let Some(run) = analysis.runs.into_iter().next() else {
        return Err(Refusal::Invalid(Vec::new()));
    };
    let Some(policies) = run.policies else {
        return Err(Refusal::Invalid(run.diagnostics));
    };
    if lint_errors == LintErrors::Refuse && findings.iter().any(|d| d.severity == Severity::Error) {
        return Err(Refusal::Lint(findings));
    }
    match render(&policies, target, options, provenance) {
        Ok(output) => Ok(Compiled {
            policies,
            output,
            findings,
        }),
        Err(plan) => Err(Refusal::Target { plan, findings }),
    }
}

/// The errors that stop policy text from having a meaning: the syntax errors, or the
/// checker's errors for its base policies.
#[must_use]
pub fn errors(source: &Source) -> Vec<Diagnostic> {
    match syntax::parse(source) {
        Err(d) => d,
        Ok(file) => check::check(&file, None)
            .diagnostics
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect(),
    }
}

/// Imports configuration files with one format, checked by [`errors`].
///
/// # Errors
/// A file that cannot be read, with why.
pub fn import(
    importer: &dyn crate::import::Importer,
    paths: &[std::path::PathBuf],
) -> Result<crate::import::Imported, String> {
    crate::import::import(importer, paths, &errors)
}

/// An imported configuration's findings, each at its input file's own line: the import's
/// findings about what it read, then the lint findings on the policy it wrote, mapped back
/// (what `corsc lint --from` reports). Sorted by file, then place.
#[must_use]
pub fn lint_imported(
    imported: &crate::import::Imported,
    config: &LintConfig,
) -> Vec<(usize, Diagnostic)> {
    let mut all = imported.diagnostics.clone();
    if !imported.failed() {
        let source = imported.policy_source();
        match syntax::parse(&source) {
            Ok(file) => all.extend(imported.map(lint_file(&file, config, None))),
            Err(d) => all.extend(imported.map(d)),
        }
    }
    all.sort_by_key(|(f, d)| (*f, d.primary.span.start, d.code));
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `.cors` file under `dir`, recursively.
    fn cors_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                cors_files(&path, out);
            } else if path.extension().is_some_and(|x| x == "cors") {
                out.push(path);
            }
        }
    }

    /// The analysis that takes the syntax tree reports exactly what the borrowing one does,
    /// on every fixture and example policy (profiles, sets, errors, limits among them).
    #[test]
    fn taking_the_tree_changes_no_finding() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        cors_files(&root.join("tests/fixtures"), &mut files);
        cors_files(&root.join("policies"), &mut files);
        assert!(files.len() > 50, "fixtures not found");
        let config = LintConfig::default();
        let mut compared = 0;
        for path in files {
            let text = std::fs::read_to_string(&path).expect("fixture reads");
            let source = Source::new(path.display().to_string(), text);
            let Ok(file) = parse(&source) else { continue };
            let profiles: Vec<Option<String>> = std::iter::once(None)
                .chain(check::profile_names(&file).into_iter().map(Some))
                .collect();
            for only in [None]
                .into_iter()
                .chain(profiles.into_iter().flatten().map(Some))
            {
                let borrowed = analyze(&file, &config, only.as_deref());
                let owned = analyze_owned(file.clone(), &config, only.as_deref());
                assert_eq!(
                    borrowed.diagnostics(),
                    owned.diagnostics(),
                    "{} ({only:?})",
                    path.display()
                );
                let ir = |a: &Analysis| -> Vec<Option<PolicySet>> {
                    a.runs.iter().map(|r| r.policies.clone()).collect()
                };
                assert_eq!(ir(&borrowed), ir(&owned), "{}", path.display());
                compared += 1;
            }
        }
        assert!(compared > 50);
    }
}
