//! Writes a [`Draft`] as `.cors` text, and remembers which input place each line came from.
//!
//! This is the one place that spells imported values in the policy language, so it is the one
//! place that guards against input that would change the policy's meaning when written: a
//! newline in a comment would start a directive, a `#` in a method would start a comment, a
//! quote in an origin would end its string. Values that cannot be written as exactly one value
//! of their directive are left out (narrowing, never widening) and reported; comments lose
//! their line breaks. The text is then laid out by [`crate::format`], so an import reads like
//! a file a person formatted.

use super::draft::{Draft, DraftPolicy, Loc, Noted, OriginValue};
use crate::source::Span;
use std::collections::HashSet;
use std::fmt::Write as _;

/// The origin written for a policy whose origins are all computed at run time: `.invalid`
/// never resolves (RFC 2606), so the policy allows no real origin until someone fills it in.
pub const PLACEHOLDER_ORIGIN: &str = "https://placeholder.invalid";

/// `.cors` text with the input place of each value, directive and policy.
#[derive(Clone, Debug, Default)]
pub struct Rendered {
    /// The policy text (not yet laid out by the formatter).
    pub text: String,
    /// Byte ranges of `text` and where in the input they were read, innermost last.
    pub anchors: Vec<(Span, Loc)>,
    /// Values left out because they cannot be written as what they are, with why.
    pub dropped: Vec<(Option<Loc>, String)>,
}

impl Rendered {
    /// The input place of the innermost anchor holding byte `offset` of the text.
    #[must_use]
    pub fn locate(&self, offset: usize) -> Option<Loc> {
        self.anchors
            .iter()
            .filter(|(s, _)| s.start <= offset && offset < s.end.max(s.start + 1))
            .min_by_key(|(s, _)| s.end - s.start)
            .map(|(_, l)| *l)
    }
}

/// One line of comment text, with nothing in it that could end the comment.
#[must_use]
pub fn comment_text(s: &str) -> String {
    let flat: String = s
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let flat = flat.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 300 {
        let cut: String = flat.chars().take(300).collect();
        format!("{cut}…")
    } else {
        flat
    }
}

/// Whether a method or header name can be written as a bare word that means exactly itself:
/// an HTTP token without `#`, which would start a comment.
#[must_use]
pub fn is_word(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= crate::limits::MAX_VALUE_BYTES
        && s.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'!' | b'$'
                        | b'%'
                        | b'&'
                        | b'\''
                        | b'*'
                        | b'+'
                        | b'-'
                        | b'.'
                        | b'^'
                        | b'_'
                        | b'`'
                        | b'|'
                        | b'~'
                )
        })
}

/// A quoted string that reads back as exactly `s`, or `None` when `s` holds a character no
/// string can (a line break or another control character).
#[must_use]
pub fn quoted(s: &str) -> Option<String> {
    if s.len() > crate::limits::MAX_VALUE_BYTES || s.chars().any(char::is_control) {
        return None;
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    Some(out)
}

/// A policy name the grammar takes (`[a-z][a-z0-9-]*`), not a keyword, unique in `taken`.
fn identifier(name: &str, taken: &mut HashSet<String>) -> String {
    let mut id = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            id.push(c);
        } else if !id.ends_with('-') && !id.is_empty() {
            id.push('-');
        }
    }
    let mut id = id.trim_matches('-').to_string();
    id.truncate(48);
    let mut id = id.trim_end_matches('-').to_string();
    if !id.starts_with(|c: char| c.is_ascii_alphabetic()) {
        id = format!("cors-{id}").trim_end_matches('-').to_string();
    }
    if matches!(id.as_str(), "origins" | "policy" | "profile" | "regex") {
        id.push_str("-policy");
    }
    let mut unique = id.clone();
    let mut n = 2;
    while !taken.insert(unique.clone()) {
        unique = format!("{id}-{n}");
        n += 1;
    }
    unique
}

/// The text being written and its anchors.
struct Writer {
    out: Rendered,
}

impl Writer {
    fn comment(&mut self, indent: &str, text: &str) {
        let text = comment_text(text);
        if text.is_empty() {
            let _ = writeln!(self.out.text, "{indent}#");
        } else {
            let _ = writeln!(self.out.text, "{indent}# {text}");
        }
    }

    fn anchor(&mut self, start: usize, at: Option<Loc>) {
        if let Some(at) = at {
            let end = self.out.text.len();
            self.out.anchors.push((Span::new(start, end), at));
        }
    }

    fn drop(&mut self, at: Option<Loc>, why: String) {
        self.out.dropped.push((at, why));
    }

    /// `name  v1, v2   # comments`, with an anchor per value and one for the line.
    fn words(&mut self, name: &str, values: &[Noted<String>], at: Option<Loc>) {
        let kept: Vec<&Noted<String>> = values
            .iter()
            .filter(|v| {
                let ok = is_word(&v.value);
                if !ok {
                    self.out.dropped.push((
                        v.at,
                        format!(
                            "`{}` is not a name `{name}` can list; it is left out",
                            comment_text(&v.value)
                        ),
                    ));
                }
                ok
            })
            .collect();
        if kept.is_empty() {
            self.comment(
                "    ",
                &format!("{name}: nothing that can be written was found"),
            );
            return;
        }
        let line = self.out.text.len();
        let _ = write!(self.out.text, "    {name:17}");
        let mut comments = Vec::new();
        for (i, v) in kept.iter().enumerate() {
            if i > 0 {
                self.out.text.push_str(", ");
            }
            let start = self.out.text.len();
            self.out.text.push_str(&v.value);
            self.anchor(start, v.at);
            if let Some(c) = &v.comment {
                comments.push(c.clone());
            }
        }
        self.line_end(&comments);
        let first = kept.iter().find_map(|v| v.at).or(at);
        self.anchor(line, first);
    }

    fn line_end(&mut self, comments: &[String]) {
        let mut seen = HashSet::new();
        let comments: Vec<String> = comments
            .iter()
            .map(|c| comment_text(c))
            .filter(|c| !c.is_empty() && seen.insert(c.clone()))
            .collect();
        if !comments.is_empty() {
            let _ = write!(self.out.text, "   # {}", comments.join("; "));
        }
        self.out.text.push('\n');
    }

    fn single(&mut self, name: &str, value: &str, noted_at: Option<Loc>, comment: Option<&str>) {
        let start = self.out.text.len();
        let _ = write!(self.out.text, "    {name:17}{value}");
        let comments: Vec<String> = comment.map(str::to_string).into_iter().collect();
        self.line_end(&comments);
        self.anchor(start, noted_at);
    }

    fn policy(&mut self, p: &DraftPolicy, id: &str) {
        for c in &p.comments {
            self.comment("", c);
        }
        let paths: Vec<(String, &Noted<String>)> = p
            .paths
            .iter()
            .filter_map(|v| {
                let ok = v.value.starts_with('/')
                    && !v.value.chars().any(|c| c.is_whitespace() || c.is_control());
                match quoted(&v.value) {
                    Some(q) if ok => Some((q, v)),
                    _ => {
                        self.drop(
                            v.at,
                            format!(
                                "`{}` is not a URL path a policy can be scoped to; that scope is left out",
                                comment_text(&v.value)
                            ),
                        );
                        None
                    }
                }
            })
            .collect();
        // Without its paths the policy would apply to every path: wider than what was read.
        if paths.is_empty() && !p.paths.is_empty() {
            self.drop(
                p.at,
                format!("no path scope of policy `{id}` can be written, so it is left out"),
            );
            self.comment(
                "",
                &format!("policy {id}: left out, no path scope could be written"),
            );
            return;
        }
        let head = self.out.text.len();
        let _ = writeln!(self.out.text, "policy {id} {{");
        self.anchor(head, p.at);
        if !paths.is_empty() {
            let line = self.out.text.len();
            let _ = write!(self.out.text, "    {:17}", "paths");
            let mut comments = Vec::new();
            for (i, (q, v)) in paths.iter().enumerate() {
                if i > 0 {
                    self.out.text.push_str(", ");
                }
                let start = self.out.text.len();
                self.out.text.push_str(q);
                self.anchor(start, v.at);
                comments.extend(v.comment.clone());
            }
            self.line_end(&comments);
            self.anchor(line, paths.iter().find_map(|(_, v)| v.at));
        }
        self.origins(p);
        if let Some(m) = &p.methods {
            self.words("methods", m, p.at);
        }
        if let Some(h) = &p.request_headers {
            self.words("request-headers", h, p.at);
        }
        if let Some(h) = &p.expose_headers {
            self.words("expose-headers", h, p.at);
        }
        if let Some(c) = &p.credentials {
            let v = if c.value { "true" } else { "false" };
            self.single("credentials", v, c.at, c.comment.as_deref());
        }
        if let Some(m) = &p.max_age {
            self.single("max-age", &m.value.to_string(), m.at, m.comment.as_deref());
        }
        if let Some(n) = &p.private_network {
            let v = if n.value { "true" } else { "false" };
            self.single("private-network", v, n.at, n.comment.as_deref());
        }
        self.out.text.push_str("}\n");
    }

    fn origins(&mut self, p: &DraftPolicy) {
        let mut entries: Vec<(String, &Noted<OriginValue>)> = Vec::new();
        for o in &p.origins {
            let text = match &o.value {
                OriginValue::Any => Some("*".to_string()),
                OriginValue::Null => Some("null".to_string()),
                OriginValue::Origin(s) => quoted(s),
                OriginValue::Regex(r) => quoted(r).map(|q| format!("regex {q}")),
            };
            match text {
                Some(t) => entries.push((t, o)),
                None => self.drop(
                    o.at,
                    "an origin with a line break or control character cannot be allowed; it is left out"
                        .to_string(),
                ),
            }
        }
        let placeholder = Noted {
            value: OriginValue::Origin(PLACEHOLDER_ORIGIN.to_string()),
            at: p.placeholders.first().and_then(|v| v.at),
            comment: Some("placeholder: allows no real origin until replaced".to_string()),
        };
        if entries.is_empty() {
            entries.push((format!("\"{PLACEHOLDER_ORIGIN}\""), &placeholder));
        }
        let line = self.out.text.len();
        let _ = writeln!(self.out.text, "    {:17}[", "origins");
        for (t, o) in &entries {
            let start = self.out.text.len();
            let _ = write!(self.out.text, "        {t},");
            let comments: Vec<String> = o.comment.clone().into_iter().collect();
            self.line_end(&comments);
            self.anchor(start, o.at);
        }
        for ph in &p.placeholders {
            let start = self.out.text.len();
            self.comment("        ", &format!("computed at run time: {}", ph.value));
            self.anchor(start, ph.at);
        }
        self.out.text.push_str("    ]\n");
        self.anchor(line, p.origins.iter().find_map(|o| o.at));
    }
}

/// Writes a draft as `.cors` text. Policies get unique identifiers made from their names.
#[must_use]
pub fn render(draft: &Draft) -> Rendered {
    let mut w = Writer {
        out: Rendered::default(),
    };
    for line in &draft.header {
        w.comment("", line);
    }
    let mut taken = HashSet::new();
    for p in &draft.policies {
        if !w.out.text.is_empty() {
            w.out.text.push('\n');
        }
        let id = identifier(&p.name, &mut taken);
        w.policy(p, &id);
    }
    w.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_cannot_start_a_line() {
        assert_eq!(comment_text("a\nmethods *\r\u{2028}b"), "a methods * b");
    }

    #[test]
    fn strings_read_back_and_refuse_line_breaks() {
        assert_eq!(quoted(r#"^a\.b"c$"#).unwrap(), r#""^a\\.b\"c$""#);
        assert!(quoted("https://a.example\n").is_none());
    }

    #[test]
    fn words_that_would_comment_or_split_are_refused() {
        assert!(is_word("X-Custom_1"));
        for bad in ["GET#", "A,B", "a b", "", "a\"", "a=b", "a:b", "é"] {
            assert!(!is_word(bad), "{bad}");
        }
    }

    #[test]
    fn identifiers_are_unique_and_never_keywords() {
        let mut t = HashSet::new();
        assert_eq!(identifier("/api/v1/", &mut t), "api-v1");
        assert_eq!(identifier("/api/v1", &mut t), "api-v1-2");
        assert_eq!(identifier("/", &mut t), "cors");
        assert_eq!(identifier("policy", &mut t), "policy-policy");
        assert_eq!(identifier("9x", &mut t), "cors-9x");
    }
}
