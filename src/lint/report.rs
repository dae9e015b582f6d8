//! What linting gives back: a report per resolved policy set, and the findings of a file's
//! runs merged, each with the profiles it was seen in.

use crate::diagnostics::Diagnostic;

/// What the rules found in one resolved policy set.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LintReport {
    /// The profile the set was resolved for; `None` for the base policies.
    pub profile: Option<String>,
    /// The findings that no suppression silenced, in the order the rules reported them.
    pub findings: Vec<Diagnostic>,
    /// For each of the set's suppressions, in order: whether it silenced a finding.
    pub used: Vec<bool>,
}

impl LintReport {
    /// The report of a run that gave no set to lint (its check failed): nothing found,
    /// nothing silenced.
    #[must_use]
    pub fn empty(profile: Option<String>) -> Self {
        Self {
            profile,
            ..Self::default()
        }
    }
}

/// One finding of a file's runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// The finding as the first run that saw it reported it.
    pub diagnostic: Diagnostic,
    /// The profiles it was seen in, when the base policies were linted too and it was not
    /// seen there; empty when it holds for the base policies (or only one profile was linted).
    pub only_in: Vec<String>,
}

/// The findings of a file's runs, merged.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Merged {
    /// Each finding once, ordered by code, place and message.
    pub findings: Vec<Finding>,
    /// `@allow`s that name no rule, or that silenced nothing in any run.
    pub suppressions: Vec<Diagnostic>,
}

impl Merged {
    /// Every finding, those seen only with some profiles saying which, as `corsc lint` shows
    /// them (unsorted: the caller sorts them with the checker's diagnostics).
    #[must_use]
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let findings = self.findings.iter().map(|f| {
            let mut d = f.diagnostic.clone();
            if !f.only_in.is_empty() {
                d.notes.insert(0, only_with(&f.only_in));
            }
            d
        });
        findings.chain(self.suppressions.iter().cloned()).collect()
    }

    /// The findings about what is compiled: those seen only with other profiles than the
    /// compiled one do not block it (unsorted).
    #[must_use]
    pub fn for_output(&self) -> Vec<Diagnostic> {
        let findings = self
            .findings
            .iter()
            .filter(|f| f.only_in.is_empty())
            .map(|f| f.diagnostic.clone());
        findings.chain(self.suppressions.iter().cloned()).collect()
    }
}

/// The note on a finding seen only with some profiles.
fn only_with(profiles: &[String]) -> String {
    let names: Vec<String> = profiles.iter().map(|p| format!("`{p}`")).collect();
    format!(
        "only with profile{} {}",
        if names.len() > 1 { "s" } else { "" },
        names.join(", ")
    )
}
