//! `corsc lint --fix`: applies the fixes that lint findings carry.
//!
//! Every fix has a level (as ruff grades them). A safe fix leaves what the policy allows as it
//! was (a duplicate or covered entry removed) and `--fix` applies it. An unsafe fix changes
//! what the policy allows, even if only to what was plainly meant (an entry that never matches
//! becomes the origin it names), and only `--fix --unsafe-fixes` applies it. Edits replace or
//! remove single values, so comments and layout stay as they were; a removal that would take
//! anything more than its value and one comma (a comment) is not offered
//! ([`keep_removals_clean`]). Fixes run in passes until none is left
//! (a split entry may then get a scheme), at most [`MAX_PASSES`] times.

use crate::diagnostics::{Applicability, Diagnostic, Edit};
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

/// Whether a finding's fix is applied: a rule's fix at a level the run allows.
fn fixable(d: &Diagnostic, unsafe_fixes: bool) -> bool {
    let Some(f) = &d.fix else { return false };
    let graded = registry::find(d.code).and_then(|r| r.fix_availability().applicability());
    graded.is_some() && (f.applicability == Applicability::Safe || unsafe_fixes)
}

/// How many findings have a safe fix, and how many an unsafe one: the counts of the summary.
pub(crate) fn counts(diags: &[Diagnostic]) -> (usize, usize) {
    let level = |a: Applicability| {
        diags
            .iter()
            .filter(|d| d.fix.as_ref().is_some_and(|f| f.applicability == a))
            .count()
    };
    (level(Applicability::Safe), level(Applicability::Unsafe))
}

/// The lines after a human report that say what `--fix` would do, as ruff prints them.
pub(crate) fn hint((safe, unsafe_): (usize, usize), unsafe_fixes: bool) -> String {
    let mut s = String::new();
    let now = if unsafe_fixes { safe + unsafe_ } else { safe };
    if now > 0 {
        s.push_str(&format!("{now} fixable with `--fix`\n"));
    }
    if !unsafe_fixes && unsafe_ > 0 {
        s.push_str(&format!(
            "{unsafe_} more fixable with `--fix --unsafe-fixes`\n"
        ));
    }
    s
}

/// Drops each fix whose removal would take more than one value and one comma: a removal's
/// edits come from the IR's spans, which know nothing of comments (nor of a set reference that
/// brought no entry), and `--fix` must never delete what a person wrote about the policy. The
/// finding stays, with a note saying why it has no fix.
pub(crate) fn keep_removals_clean(source: &Source, diags: &mut [Diagnostic]) {
    for d in diags.iter_mut() {
        let Some(f) = &d.fix else { continue };
        let why = f
            .edits
            .iter()
            .filter(|e| e.replacement.is_empty())
            .find_map(|e| match source.text.get(e.span.start..e.span.end) {
                Some(text) => removal_problem(text),
                None => Some("it would cut the text in the middle of a character"),
            });
        if let Some(why) = why {
            d.fix = None;
            d.notes.push(format!(
                "no automatic fix: removing it would {why}; remove it by hand"
            ));
        }
    }
}

/// What is wrong with removing `text` from a list, if anything: it must hold one value (a
/// quoted string, `regex "…"` or a bare word), one comma, and blanks, and no comment.
fn removal_problem(text: &str) -> Option<&'static str> {
    let (mut values, mut commas) = (0, 0);
    let mut after_regex = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '#' => return Some("delete a comment"),
            ',' => commas += 1,
            c if c.is_whitespace() => {}
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    match (escaped, c) {
                        (true, _) => escaped = false,
                        (false, '\\') => escaped = true,
                        (false, '"') => break,
                        _ => {}
                    }
                }
                if !after_regex {
                    values += 1;
                }
                after_regex = false;
            }
            _ => {
                let mut word = String::from(c);
                while let Some(&n) = chars.peek() {
                    if n.is_whitespace() || matches!(n, ',' | '"' | '#') {
                        break;
                    }
                    word.push(n);
                    chars.next();
                }
                after_regex = word == "regex";
                values += 1;
            }
        }
    }
    (values != 1 || commas != 1).then_some("delete more than the value and its comma")
}

/// Applies non-overlapping fixes to a text; later overlapping ones wait for the next pass.
fn apply_once(
    source: &Source,
    diags: &[Diagnostic],
    unsafe_fixes: bool,
    applied: &mut Vec<Applied>,
) -> Option<String> {
    let mut edits: Vec<(&Edit, &Diagnostic)> = Vec::new();
    for d in diags.iter().filter(|d| fixable(d, unsafe_fixes)) {
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

/// Lints a text and returns its diagnostics (syntax errors if it no longer parses), with the
/// removals that would take more than a value and its comma dropped ([`keep_removals_clean`]).
pub(crate) fn lint_text(
    source: &Source,
    cfg: &LintConfig,
    profile: Option<&str>,
) -> Vec<Diagnostic> {
    let mut diags = match pipeline::parse(source) {
        Ok(file) => pipeline::lint_file(&file, cfg, profile),
        Err(d) => d,
    };
    keep_removals_clean(source, &mut diags);
    diags
}

/// Fixes a source until no fix of the allowed levels is left (`unsafe_fixes`: unsafe ones
/// too). Returns the fixed text (if anything changed) and what was applied.
pub(crate) fn fix(
    source: &Source,
    diags: &[Diagnostic],
    cfg: &LintConfig,
    profile: Option<&str>,
    unsafe_fixes: bool,
) -> (Option<String>, Vec<Applied>) {
    let mut applied = Vec::new();
    let mut current = source.clone();
    let mut diags = diags.to_vec();
    let mut changed = false;
    for _ in 0..MAX_PASSES {
        let Some(next) = apply_once(&current, &diags, unsafe_fixes, &mut applied) else {
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

#[cfg(test)]
mod tests {
    use super::removal_problem;

    #[test]
    fn a_removal_takes_one_value_and_one_comma() {
        assert_eq!(removal_problem(", \"https://a.example\""), None);
        assert_eq!(removal_problem("PUT, "), None);
        assert_eq!(removal_problem(",\n    regex \"^a#b,c$\""), None);
        assert!(removal_problem(",  # ours\n    \"https://a.example\"").is_some());
        assert!(removal_problem(", shared, \"https://a.example\"").is_some());
        assert!(removal_problem("\"https://a.example\"").is_some());
    }
}
