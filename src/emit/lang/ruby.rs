//! Ruby shared by targets that write Ruby (Rails and Rack through rack-cors): the regex form
//! Ruby's `Regexp` reads as corsc does, and literals of lists.
//!
//! Strings go through [`super::strings::ruby`], which escapes `#` so nothing interpolates.

use super::strings;

/// A Ruby expression building the `Regexp` of an anchored corsc regex (`^(?:…)$`): `^` and
/// `$` are line anchors in Ruby, so the regex is wrapped in `\A(?:…)\z`, and it is built with
/// `Regexp::NOENCODING` so an escape of a byte above 0x7F (`\xe9`, which corsc's portable
/// subset allows) compiles instead of raising "invalid multibyte escape" when the file loads.
/// The generated code tests only printable-ASCII origins against it, where both readings
/// agree.
#[must_use]
pub fn regexp(anchored: &str) -> String {
    format!(
        "Regexp.new({}, Regexp::NOENCODING)",
        strings::ruby(&format!("\\A(?:{anchored})\\z"))
    )
}

/// A Ruby array literal of strings on one line: `["a", "b"]`.
#[must_use]
pub fn array<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    let quoted: Vec<String> = items
        .into_iter()
        .map(|s| strings::ruby(s.as_ref()))
        .collect();
    format!("[{}]", quoted.join(", "))
}

#[cfg(test)]
mod tests {
    use super::{array, regexp};

    #[test]
    fn regexes_are_anchored_to_the_whole_text_and_never_interpolate() {
        assert_eq!(
            regexp("^https://a\\.example$"),
            r#"Regexp.new("\\A(?:^https://a\\.example$)\\z", Regexp::NOENCODING)"#
        );
        assert_eq!(
            regexp("^#{x}$"),
            r#"Regexp.new("\\A(?:^\#{x}$)\\z", Regexp::NOENCODING)"#
        );
    }

    #[test]
    fn arrays_quote_each_item() {
        assert_eq!(array(["get", "a\"#"]), r#"["get", "a\"\#"]"#);
        assert_eq!(array(Vec::<String>::new()), "[]");
    }
}
