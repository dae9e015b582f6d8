//! Python shared by the Django, Flask and Starlette targets: the module header, booleans and
//! string lists, and the regex form Python's `re` reads as corsc does.

use super::strings;
use crate::emit::meta::TargetMeta;
use crate::emit::plan::Plan;
use crate::emit::provenance::Provenance;
use crate::emit::scopes::routed_scopes;
use crate::emit::writer::Writer;
use crate::fetch::MAX_ORIGIN_BYTES;

/// A Python regex that matches as the anchored corsc regex does, for `re.match` (Flask-CORS
/// and django-cors-headers call it; both hand the regex over as it is): the plan anchored it
/// as `^(?:…)$`, and `\Z` is appended because a Python `$` also matches before a final
/// newline. It opens with a lookahead that fails on an `Origin` longer than
/// [`MAX_ORIGIN_BYTES`], so `re`, which backtracks, never runs the regex itself on one: a
/// regex of polynomial time on an 8 KiB header can hold a worker for minutes. The lookahead reads at
/// most one byte more than the bound, and `re.match` tries the start only.
#[must_use]
pub fn regex(anchored: &str) -> String {
    format!("(?=[\\s\\S]{{0,{MAX_ORIGIN_BYTES}}}\\Z)(?:{anchored})\\Z")
}

/// A Python boolean.
#[must_use]
pub fn boolean(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// A Python list literal of strings: `["a", "b"]`.
#[must_use]
pub fn list<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    let quoted: Vec<String> = items
        .into_iter()
        .map(|s| strings::python(s.as_ref()))
        .collect();
    format!("[{}]", quoted.join(", "))
}

/// The first line of every Python output: Python reads a `coding:` declaration in a comment
/// on line 1 or 2, so this one is fixed before any name can come near those lines.
pub const CODING: &str = "# -*- coding: utf-8 -*-";

/// The header of a Python module: [`CODING`], then the provenance and `notes` on how to use
/// the module ([`Writer::module_header`]).
pub fn header(w: &mut Writer, provenance: &Provenance, target: &TargetMeta, notes: &[&str]) {
    w.line(CODING);
    w.module_header("#", provenance, target, notes);
}

/// The `_SCOPES` table a Python dispatcher walks: `(exact, path, policy)` from the least
/// specific scope to the most, so the last match wins, as the evaluator picks. `routed_on`
/// names the decoded path the framework routes on, for the comment.
pub fn scopes_table(w: &mut Writer, plan: &Plan<'_>, routed_on: &str) {
    w.comment("Least specific first: the last scope that matches a path wins. Paths are");
    w.comment(format!("percent-decoded, as {routed_on}."));
    w.open("_SCOPES = [");
    for s in routed_scopes(plan) {
        w.line(format!(
            "({}, {}, {}),",
            boolean(s.exact),
            strings::python(&s.path),
            strings::python(s.policy.name)
        ));
    }
    w.close("]");
}

#[cfg(test)]
mod tests {
    use super::regex;

    #[test]
    fn regexes_end_at_the_end_of_the_text_and_refuse_long_origins_first() {
        assert_eq!(regex("^a$"), r"(?=[\s\S]{0,512}\Z)(?:^a$)\Z");
    }
}
