//! Text from outside corsc's own templates (a file name, a profile, a policy name, a path)
//! written into the comments of generated files.
//!
//! A comment is only inert while its text cannot end it or change how the file around it is
//! read, and each target language has its own ways: JavaScript ends a line at U+2028 and
//! U+2029, Python at `\r` and reads a `coding:` declaration on lines 1–2, `javac` turns `\u000a`
//! into a newline before it looks for comments (and refuses a `\u` not followed by four hex
//! digits), Apache continues a line that ends with `\` (comments included), Rust refuses a lone
//! `\r` in a doc comment, Go a byte-order mark anywhere but at the start, and bidirectional
//! controls make a reviewer read something else than the compiler does. Rather than escape for
//! each of those, comment text keeps only characters that mean nothing to any of them:
//! printable ASCII other than `\`, plus the three typographic characters corsc's own texts use.
//! Everything else is written as `%XX` per UTF-8 byte, which no language reads as anything but
//! text, and which keeps the name recognizable.
//!
//! Names shown in the provenance header (the source file and the profile) go further through
//! [`display_name`]: a conservative set is kept and everything else, `%` included, is encoded,
//! so two different names never look the same.

/// Characters of corsc's own comment texts outside ASCII; harmless in every target language.
const TYPOGRAPHIC: &[char] = &['…', '—', '→'];

/// Text safe as the body of a one-line comment in every language corsc writes (nginx, Apache,
/// Python, JavaScript, Go, Java, Rust): see the module documentation.
#[must_use]
pub fn line_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if (c.is_ascii_graphic() && c != '\\') || c == ' ' || TYPOGRAPHIC.contains(&c) {
            out.push(c);
        } else {
            percent_encode(c, &mut out);
        }
    }
    out
}

/// A one-line comment: `prefix` (`#`, `//`, `///`), a space, then [`line_text`] of `s`.
#[must_use]
pub fn line(prefix: &str, s: &str) -> String {
    let body = line_text(s);
    if body.is_empty() {
        prefix.to_string()
    } else {
        format!("{prefix} {body}")
    }
}

/// A name from the command line or a manifest (a source file, a profile) as a provenance header
/// shows it: ASCII letters, digits and `-._~/@+,` kept, every other byte (`%`, spaces, `:` and
/// `=` included) percent-encoded. The encoding is one-to-one, so the header names the input
/// exactly; its result is plain in every target language, and without `:` or `=` it can never
/// read as a Python `coding:` declaration either.
#[must_use]
pub fn display_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || "-._~/@+,".contains(c) {
            out.push(c);
        } else {
            percent_encode(c, &mut out);
        }
    }
    out
}

fn percent_encode(c: char, out: &mut String) {
    let mut buf = [0u8; 4];
    for b in c.encode_utf8(&mut buf).bytes() {
        out.push_str(&format!("%{b:02X}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breakers_of_every_language_are_encoded() {
        for (raw, want) in [
            ("a\u{2028}b", "a%E2%80%A8b"),
            ("a\u{2029}b", "a%E2%80%A9b"),
            ("a\rb\nc", "a%0Db%0Ac"),
            ("a\u{0c}b\u{0b}c\u{85}d", "a%0Cb%0Bc%C2%85d"),
            ("\\u000a", "%5Cu000a"),
            ("ends with \\", "ends with %5C"),
            ("\u{feff}\u{202e}", "%EF%BB%BF%E2%80%AE"),
            ("caf\u{e9}", "caf%C3%A9"),
            ("see `a` … b — c → d", "see `a` … b — c → d"),
        ] {
            assert_eq!(line_text(raw), want, "{raw:?}");
        }
        assert_eq!(line("//", ""), "//");
        assert_eq!(line("#", "x\ny"), "# x%0Ay");
    }

    #[test]
    fn display_names_are_one_to_one_and_plain() {
        assert_eq!(display_name("policies/api.cors"), "policies/api.cors");
        assert_eq!(display_name("a b%41"), "a%20b%2541");
        assert_ne!(display_name("a%41"), display_name("aA"));
        assert_eq!(display_name("x*/y#z"), "x%2A/y%23z");
        assert!(display_name("coding: utf-7\u{2028}\\u000a")
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~/@+,%".contains(c)));
        assert_eq!(display_name("# coding=utf-7"), "%23%20coding%3Dutf-7");
    }
}
