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

/// The longest comment body written on one line, in bytes. nginx reads a comment as one
/// token and refuses a token beyond its 4 KB buffer ("too long parameter"), so a long policy
/// name, a long list of paths or a long file name would stop the output from loading.
pub const MAX_LINE: usize = 1000;

/// A comment: `prefix` (`#`, `//`, `///`), a space, then [`line_text`] of `s`, wrapped into
/// as many lines of at most [`MAX_LINE`] bytes of text as it needs (never inside a `%XX`).
#[must_use]
pub fn lines(prefix: &str, s: &str) -> Vec<String> {
    let body = line_text(s);
    if body.is_empty() {
        return vec![prefix.to_string()];
    }
    let mut out = Vec::new();
    let mut rest = body.as_str();
    while !rest.is_empty() {
        let cut = split_point(rest, MAX_LINE);
        out.push(format!("{prefix} {}", &rest[..cut]));
        rest = &rest[cut..];
    }
    out
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary and
/// not inside a `%XX` escape (the whole of `s` if it is short enough).
fn split_point(s: &str, max: usize) -> usize {
    if s.len() <= max {
        return s.len();
    }
    let mut cut = max;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    let b = s.as_bytes();
    for back in 1..=2 {
        if cut >= back && b[cut - back] == b'%' {
            cut -= back;
            break;
        }
    }
    // A text of only escapes and a `%` at the very start cannot be cut: keep it whole.
    if cut == 0 {
        s.len()
    } else {
        cut
    }
}

/// The longest name a provenance header shows, in bytes of its encoded form; longer names
/// are cut (at an escape boundary) and end with `...`.
pub const MAX_NAME: usize = 240;

/// A name from the command line or a manifest (a source file, a profile) as a provenance header
/// shows it: ASCII letters, digits and `-._~/@+,` kept, every other byte (`%`, spaces, `:` and
/// `=` included) percent-encoded. The encoding is one-to-one, so the header names the input
/// exactly (up to [`MAX_NAME`] bytes; a longer one is cut and ends with `...`); its result is
/// plain in every target language, and without `:` or `=` it can never read as a Python
/// `coding:` declaration either.
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
    if out.len() > MAX_NAME {
        let cut = split_point(&out, MAX_NAME);
        out.truncate(cut);
        out.push_str("...");
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
        assert_eq!(lines("//", ""), ["//"]);
        assert_eq!(lines("#", "x\ny"), ["# x%0Ay"]);
    }

    #[test]
    fn long_comments_wrap_and_long_names_are_cut_never_inside_an_escape() {
        let long = format!("a{}", "\u{e9}".repeat(400));
        let wrapped = lines("#", &long);
        assert_eq!(wrapped.len(), 3);
        assert!(
            wrapped.iter().all(|l| l.len() <= MAX_LINE + 2),
            "{wrapped:?}"
        );
        assert!(wrapped[1].starts_with("# %C3%A9") || wrapped[1].starts_with("# %A9"));
        assert!(
            wrapped.iter().skip(1).all(|l| l.starts_with("# %")),
            "{wrapped:?}"
        );
        assert_eq!(wrapped.concat().replace("# ", ""), line_text(&long));
        let name = display_name(&"\u{e9}".repeat(1000));
        assert!(
            name.len() <= MAX_NAME + 3 && name.ends_with("%A9..."),
            "{name}"
        );
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
