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

/// How many bytes `s` takes inside a double-quoted configuration string, where `\` and `"`
/// are written escaped (nginx, Apache): what a server's line or token limit counts. A regex
/// is mostly backslashes where it is mostly dots, so its written form can be half as long
/// again as the regex.
#[must_use]
pub fn written_len(s: &str) -> usize {
    s.len() + s.bytes().filter(|b| matches!(b, b'\\' | b'"')).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_length_counts_each_escape() {
        assert_eq!(written_len("a.b"), 3);
        assert_eq!(written_len(&regex_escape("a.b")), 5);
        assert_eq!(written_len("\"\\"), 4);
    }
}
