//! Text put into regexes: literals escaped the one way every engine corsc writes for reads
//! alike. Below the plan, the trie and the alternation, which all write regexes.

/// Escapes regex metacharacters (PCRE, RE2, Rust, JavaScript, Python and Java agree on these).
#[must_use]
pub fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
