//! Python shared by the Django, Flask and Starlette targets: the module header, booleans and
//! string lists, and the regex form Python's `re` reads as corsc does.

use super::strings;
use crate::emit::meta::TargetMeta;
use crate::emit::provenance::Provenance;
use crate::emit::writer::Writer;

/// A Python regex that matches as the anchored corsc regex does, for `re.match` / `search`:
/// the plan anchored it as `^(?:…)$`, and `\Z` is appended because a Python `$` also matches
/// before a final newline.
#[must_use]
pub fn regex(anchored: &str) -> String {
    format!("(?:{anchored})\\Z")
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

#[cfg(test)]
mod tests {
    use super::regex;

    #[test]
    fn regexes_end_at_the_end_of_the_text() {
        assert_eq!(regex("^a$"), r"(?:^a$)\Z");
    }
}
