//! String literals in each language corsc generates code in, side by side, because they look
//! alike and are not.
//!
//! Python, Go and Java share one writer (`quoted`): double quotes, `\\` and `\"`, printable
//! ASCII as it is. They differ in everything else, and each difference is load-bearing:
//!
//! | character                 | [`python`]     | [`go`]          | [`java`]              |
//! |---------------------------|----------------|-----------------|-----------------------|
//! | ASCII control (`\n`)      | `\u000a`       | `\u000a`        | `\012` (octal)        |
//! | other control (U+0085)    | `\u0085`       | `\u0085`        | `\u0085`              |
//! | other non-ASCII (`é`)     | as it is       | `\u00e9`        | `\u00e9`              |
//! | outside the BMP (U+1F600) | as it is       | `\U0001f600`    | `\ud83d\ude00`        |
//!
//! Python files are UTF-8 (the header declares it), so only controls need escapes. Go files are
//! kept ASCII: the compiler refuses a byte-order mark anywhere but at the start. Java files are
//! kept ASCII too, whatever encoding the build reads them with, and `javac` turns every
//! `\uXXXX` into its character before it reads a string, so an escaped line end would end the
//! line inside the literal: ASCII controls are octal there.
//!
//! Ruby literals ([`ruby`]) are double-quoted too, and also escape `#`: in a double-quoted
//! Ruby string `#{…}`, `#@x` and `#$x` interpolate code. Everything outside printable ASCII
//! is a `\u{…}` escape, so the file stays ASCII (a raw NUL, `^D` or `^Z` would end a Ruby
//! script where the parser meets it outside a literal).
//!
//! JavaScript and Rust literals come from serializers whose escaping those languages read
//! ([`js`], [`rust`]).
//!
//! The configuration languages quote the same way and keep every other character as it is:
//! the plan has refused control characters (and what each cannot carry, `$` in nginx values,
//! `${` in Apache) before a renderer quotes anything. nginx also reads `\n` in a string, which
//! the example server's JSON bodies end with ([`nginx`], [`apache`]).

/// A double-quoted literal: `\` and `"` escaped, printable ASCII as it is, and every other
/// character written by `other`.
fn quoted(s: &str, other: fn(char, &mut String)) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            ' '..='~' => out.push(c),
            c => other(c, &mut out),
        }
    }
    out.push('"');
    out
}

/// A Python string literal: control characters as `\uXXXX`, everything else as it is.
#[must_use]
pub fn python(s: &str) -> String {
    quoted(s, |c, out| {
        if c.is_control() {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    })
}

/// A Go interpreted string literal, ASCII only: everything outside printable ASCII as `\uXXXX`
/// or `\UXXXXXXXX`, so invisible characters stay visible and no byte-order mark gets in.
#[must_use]
pub fn go(s: &str) -> String {
    quoted(s, |c, out| {
        if (c as u32) <= 0xFFFF {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push_str(&format!("\\U{:08x}", c as u32));
        }
    })
}

/// A Java string literal, ASCII only: ASCII controls as octal escapes (a `\u000a` would end
/// the line before `javac` reads the string), everything else as UTF-16 `\uXXXX` escapes,
/// none of which is a quote, a backslash or a line end.
#[must_use]
pub fn java(s: &str) -> String {
    quoted(s, |c, out| {
        if (c as u32) < 0x80 {
            out.push_str(&format!("\\{:03o}", c as u32));
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    })
}

/// A double-quoted Ruby string literal, ASCII only: `\`, `"` and `#` escaped (no `#{…}`,
/// `#@`, `#$` interpolation), every character outside printable ASCII as `\u{X}`.
#[must_use]
pub fn ruby(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '#' => out.push_str("\\#"),
            ' '..='~' => out.push(c),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// A double-quoted nginx string: `\` and `"` escaped, a line end as `\n`.
#[must_use]
pub fn nginx(s: &str) -> String {
    quoted(s, |c, out| {
        if c == '\n' {
            out.push_str("\\n");
        } else {
            out.push(c);
        }
    })
}

/// A double-quoted Apache argument: `\` and `"` escaped (Apache reads `\\` and `\"` inside
/// quotes and keeps every other backslash).
#[must_use]
pub fn apache(s: &str) -> String {
    quoted(s, |c, out| out.push(c))
}

/// A double-quoted Caddyfile token. Caddy's lexer reads `\"` as `"` and keeps every other
/// backslash with the character after it, so a backslash is never escaped (doubling it would
/// double it) and the plan refuses the strings this cannot carry: a `\` right before a `"`
/// or at the end, and line ends (which the lexer keeps inside a token). `{$NAME}` would be
/// replaced by an environment variable when the file is read: the plan refuses `{$` too.
#[must_use]
pub fn caddy(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' {
            out.push_str("\\\"");
        } else {
            out.push(c);
        }
    }
    out.push('"');
    out
}

/// A single-quoted HAProxy configuration word: inside single quotes HAProxy reads every byte
/// as written (no `\\` escape, no `$NAME` expansion, `#` is no comment) up to the next `'`,
/// which therefore cannot be written: the plan refuses `'` and line ends
/// (`Capabilities::syntax` of the haproxy target), and this never sees them.
#[must_use]
pub fn haproxy(s: &str) -> String {
    format!("'{s}'")
}

/// A single-quoted HAProxy log-format argument (a header value of `set-header`): as
/// [`haproxy`], with `%` doubled, since `%` starts a log-format variable.
#[must_use]
pub fn haproxy_log_format(s: &str) -> String {
    haproxy(&s.replace('%', "%%"))
}

/// A JavaScript string literal (JSON's escaping is valid JavaScript). JSON leaves U+2028 and
/// U+2029 as they are, which engines before ES2019 (and tools that still parse that way) read
/// as line ends inside the string, so they are escaped too.
#[must_use]
pub fn js(s: &str) -> String {
    serde_json::to_string(s)
        .unwrap_or_else(|_| "\"\"".to_string())
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// A Rust string literal (`Debug` escaping is valid Rust).
#[must_use]
pub fn rust(s: &str) -> String {
    format!("{s:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_escapes_what_it_needs() {
        assert_eq!(js("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(js("a\u{2028}b\u{2029}"), r#""a\u2028b\u2029""#);
        assert_eq!(python("a\"b\\c\n"), r#""a\"b\\c\u000a""#);
        assert_eq!(go("a\"b\\c\n"), r#""a\"b\\c\u000a""#);
        // `\u0022` stays text, a line end is octal (a `\u000a` would end the line), and the
        // rest is UTF-16 `\u` escapes, so the file is ASCII.
        assert_eq!(
            java("\\u0022\n\u{e9}\u{1f600}\""),
            r#""\\u0022\012\u00e9\ud83d\ude00\"""#
        );
        assert_eq!(rust("a\"\n"), r#""a\"\n""#);
        assert_eq!(nginx("a\"b\\c\n{;#}"), r#""a\"b\\c\n{;#}""#);
        assert_eq!(apache("a\"b\\.c\n"), "\"a\\\"b\\\\.c\n\"");
    }

    #[test]
    fn ruby_never_interpolates_and_stays_ascii() {
        assert_eq!(ruby("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(ruby("#{x} #@y #$z"), r#""\#{x} \#@y \#$z""#);
        assert_eq!(
            ruby("\n\0\u{2028}\u{e9}\u{1f600}\u{7f}"),
            r#""\u{a}\u{0}\u{2028}\u{e9}\u{1f600}\u{7f}""#
        );
        // A backslash before `#` stays a backslash: `\#{` becomes `\\\#{`.
        assert_eq!(ruby("\\#{"), r#""\\\#{""#);
    }

    #[test]
    fn python_go_and_java_differ_as_the_table_says() {
        let s = "\n\u{85}\u{e9}\u{1f600}\u{7f}";
        assert_eq!(python(s), "\"\\u000a\\u0085\u{e9}\u{1f600}\\u007f\"");
        assert_eq!(go(s), r#""\u000a\u0085\u00e9\U0001f600\u007f""#);
        assert_eq!(java(s), r#""\012\u0085\u00e9\ud83d\ude00\177""#);
    }
}
