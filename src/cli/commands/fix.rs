//! `corsc lint --fix`: applies the fixes that lint findings carry.
//!
//! Only rules marked fixable attach fixes, and only where the meant value is certain: an entry
//! that never matches anything becomes the origin it obviously names. A fix never widens what
//! a policy allows beyond that. Edits are byte replacements of single values, so comments and
//! layout stay as they were. Fixes run in passes until none is left (a split entry may then get
//! a scheme), at most [`MAX_PASSES`] times.

use crate::diagnostics::{Diagnostic, Edit};
use crate::lint::{registry, LintConfig};
use crate::pipeline;
use crate::source::shown;
use crate::source::Source;

/// Passes before giving up on fixes that keep producing fixes.
const MAX_PASSES: usize = 4;

/// One applied fix, for the report.
#[derive(Debug)]
pub(crate) struct Applied {
    /// `CODE name`.
    pub(crate) rule: String,
    /// 1-based line and column in the text the fix was applied to.
    pub(crate) at: (usize, usize),
    /// What it did.
    pub(crate) description: String,
}

fn fixable(d: &Diagnostic) -> bool {
    d.fix.is_some() && registry::find(d.code).is_some_and(|r| r.meta().fixable)
}

/// Applies non-overlapping fixes to a text; later overlapping ones wait for the next pass.
fn apply_once(source: &Source, diags: &[Diagnostic], applied: &mut Vec<Applied>) -> Option<String> {
    let mut edits: Vec<(&Edit, &Diagnostic)> = Vec::new();
    for d in diags.iter().filter(|d| fixable(d)) {
        let Some(f) = &d.fix else { continue };
        let overlaps = f.edits.iter().any(|e| {
            edits
                .iter()
                .any(|(x, _)| e.span.start < x.span.end && x.span.start < e.span.end)
        });
        if overlaps {
            continue;
        }
        let (line, col) = source.line_col(d.primary.span.start);
        applied.push(Applied {
            rule: format!("{} {}", d.code, d.name),
            at: (line, col),
            description: f.description.clone(),
        });
        edits.extend(f.edits.iter().map(|e| (e, d)));
    }
    if edits.is_empty() {
        return None;
    }
    edits.sort_by_key(|(e, _)| e.span.start);
    let text = &*source.text;
    let mut out = String::with_capacity(text.len() + 16);
    let mut at = 0;
    for (e, _) in edits {
        out.push_str(text.get(at..e.span.start)?);
        out.push_str(&e.replacement);
        at = e.span.end;
    }
    out.push_str(text.get(at..)?);
    Some(out)
}

/// Lints a text and returns its diagnostics (syntax errors if it no longer parses).
pub(crate) fn lint_text(
    source: &Source,
    cfg: &LintConfig,
    profile: Option<&str>,
) -> Vec<Diagnostic> {
    match pipeline::parse(source) {
        Ok(file) => pipeline::lint_file(&file, cfg, profile),
        Err(d) => d,
    }
}

/// Fixes a source until no fix is left. Returns the fixed text (if anything changed) and what
/// was applied.
pub(crate) fn fix(
    source: &Source,
    diags: &[Diagnostic],
    cfg: &LintConfig,
    profile: Option<&str>,
) -> (Option<String>, Vec<Applied>) {
    let mut applied = Vec::new();
    let mut current = source.clone();
    let mut diags = diags.to_vec();
    let mut changed = false;
    for _ in 0..MAX_PASSES {
        let Some(next) = apply_once(&current, &diags, &mut applied) else {
            break;
        };
        let candidate = Source::new(current.name.clone(), next);
        let after = lint_text(&candidate, cfg, profile);
        // A fix that breaks the file is a bug in a rule; keep the last good text.
        if after.iter().any(|d| d.code.starts_with("E0")) {
            break;
        }
        current = candidate;
        diags = after;
        changed = true;
    }
    (changed.then(|| current.text.to_string()), applied)
}

/// The report of what `--fix` changed in one file, for standard error.
pub(crate) fn summary(name: &str, applied: &[Applied]) -> String {
    if applied.is_empty() {
        return String::new();
    }
    let mut s = format!(
        "fixed {} finding{} in {}:\n",
        applied.len(),
        if applied.len() == 1 { "" } else { "s" },
        shown(name)
    );
    for a in applied {
        s.push_str(&format!(
            "  {}:{}: {}: {}\n",
            a.at.0,
            a.at.1,
            a.rule,
            shown(&a.description)
        ));
    }
    s
}
