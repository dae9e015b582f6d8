//! Text made safe for XML 1.0 documents (JUnit, Checkstyle).
//!
//! XML 1.0 cannot carry most control characters at all, not even as character references, so
//! they are replaced by a visible `\u{…}` spelling; the five markup characters become entity
//! references; in attribute values tabs and line breaks become character references, which
//! attribute-value normalisation would otherwise turn into spaces.

/// Whether XML 1.0 allows `c` in a document (its `Char` production).
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `s` escaped for an attribute value (quoted with `"`).
#[must_use]
pub fn attr(s: &str) -> String {
    escape(s, true)
}

/// `s` escaped for element text.
#[must_use]
pub fn text(s: &str) -> String {
    escape(s, false)
}

fn escape(s: &str, in_attr: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' if in_attr => out.push_str("&#9;"),
            '\n' if in_attr => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if !allowed(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_control_characters_are_replaced() {
        assert_eq!(attr("a<&\"'>\n\t"), "a&lt;&amp;&quot;&apos;&gt;&#10;&#9;");
        assert_eq!(
            text("x\u{1b}[31m\u{0}\u{fffe}\n"),
            "x\\u{1b}[31m\\u{0}\\u{fffe}\n"
        );
    }
}
