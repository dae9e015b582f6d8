//! Apache httpd's configuration syntax, as `ap_cfg_getline` and `ap_getword_conf` read it:
//! one directive per line, a line ending in `\` continued on the next (a comment included:
//! httpd joins lines before it looks for `#`), `#` a comment only as the first thing on a
//! line, arguments split on white space, `"…"` or `'…'` quoting an argument (inside, `\\` is
//! `\` and `\"` is `"`; outside, `\\` is `\`), and `<Name args>` … `</Name>` sections.
//! No crate reads this syntax (the ones there are read other servers'), so it is a small
//! reader here, keeping the byte span of every argument.

use crate::source::Span;

/// One argument and where it is in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arg {
    /// The argument with quotes and escapes removed.
    pub text: String,
    /// Its bytes in the file.
    pub span: Span,
}

/// What a logical line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `Name args…`.
    Directive,
    /// `<Name args…>`.
    Open,
    /// `</Name>`.
    Close,
}

/// One logical line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// Directive or section name as written.
    pub name: String,
    /// Its arguments.
    pub args: Vec<Arg>,
    /// Its bytes in the file (the continued lines included).
    pub span: Span,
    /// Directive or section.
    pub kind: Kind,
}

/// A line that is not Apache configuration, and why.
#[derive(Debug)]
pub struct Error {
    /// Where.
    pub span: Span,
    /// Why.
    pub message: String,
}

/// The logical lines of `text`.
///
/// # Errors
/// The first line that is not Apache configuration (a section opened without `>`).
pub fn lines(text: &str) -> Result<Vec<Line>, Error> {
    let mut out = Vec::new();
    let mut offset = 0;
    // The logical line: its characters and the file offset of each.
    let mut chars: Vec<(usize, char)> = Vec::new();
    let mut start = None;
    for raw in text.split_inclusive('\n') {
        let here = offset;
        offset += raw.len();
        let body = raw.trim_end_matches(['\n', '\r']);
        let continued = body.ends_with('\\');
        let body = if continued {
            &body[..body.len() - 1]
        } else {
            body
        };
        start.get_or_insert(here);
        chars.extend(body.char_indices().map(|(i, c)| (here + i, c)));
        if continued {
            continue;
        }
        let begin = start.take().unwrap_or(here);
        let line = std::mem::take(&mut chars);
        let end = here + body.len();
        if let Some(l) = logical(&line, Span::new(begin, end.max(begin)))? {
            out.push(l);
        }
    }
    if let Some(begin) = start {
        let line = std::mem::take(&mut chars);
        if let Some(l) = logical(&line, Span::new(begin, text.len()))? {
            out.push(l);
        }
    }
    Ok(out)
}

fn logical(line: &[(usize, char)], span: Span) -> Result<Option<Line>, Error> {
    let mut i = 0;
    while i < line.len() && line[i].1.is_whitespace() {
        i += 1;
    }
    let Some(&(_, first)) = line.get(i) else {
        return Ok(None);
    };
    if first == '#' {
        return Ok(None);
    }
    let mut rest = &line[i..];
    let mut kind = Kind::Directive;
    if first == '<' {
        let mut end = rest.len();
        while end > 0 && rest[end - 1].1.is_whitespace() {
            end -= 1;
        }
        if end < 2 || rest[end - 1].1 != '>' {
            return Err(Error {
                span,
                message: "a section opened with `<` has no closing `>` on its line".to_string(),
            });
        }
        rest = &rest[1..end - 1];
        kind = if rest.first().is_some_and(|c| c.1 == '/') {
            rest = &rest[1..];
            Kind::Close
        } else {
            Kind::Open
        };
    }
    let mut words = words(rest);
    if words.is_empty() {
        return Err(Error {
            span,
            message: "a section without a name".to_string(),
        });
    }
    let name = words.remove(0).text;
    Ok(Some(Line {
        name,
        args: words,
        span,
        kind,
    }))
}

/// `ap_getword_conf` over a line.
fn words(line: &[(usize, char)]) -> Vec<Arg> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < line.len() {
        while i < line.len() && line[i].1.is_whitespace() {
            i += 1;
        }
        let Some(&(begin, c)) = line.get(i) else {
            break;
        };
        let mut text = String::new();
        let end;
        if c == '"' || c == '\'' {
            i += 1;
            loop {
                match line.get(i) {
                    None => {
                        end = line.last().map_or(begin, |l| l.0 + l.1.len_utf8());
                        break;
                    }
                    Some(&(at, ch)) if ch == c => {
                        end = at + 1;
                        i += 1;
                        break;
                    }
                    Some(&(_, '\\'))
                        if line.get(i + 1).is_some_and(|n| n.1 == '\\' || n.1 == c) =>
                    {
                        text.push(line[i + 1].1);
                        i += 2;
                    }
                    Some(&(_, ch)) => {
                        text.push(ch);
                        i += 1;
                    }
                }
            }
        } else {
            let mut last = begin;
            while let Some(&(at, ch)) = line.get(i) {
                if ch.is_whitespace() {
                    break;
                }
                if ch == '\\' && line.get(i + 1).is_some_and(|n| n.1 == '\\') {
                    text.push('\\');
                    last = line[i + 1].0 + 1;
                    i += 2;
                    continue;
                }
                text.push(ch);
                last = at + ch.len_utf8();
                i += 1;
            }
            end = last;
        }
        out.push(Arg {
            text,
            span: Span::new(begin, end),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<(String, Vec<String>)> {
        lines(text)
            .unwrap()
            .into_iter()
            .map(|l| (l.name, l.args.into_iter().map(|a| a.text).collect()))
            .collect()
    }

    #[test]
    fn quotes_escapes_continuations_and_comments() {
        let got = names(
            "# c\n  Header always set X \"a \\\"b\\\\.c\" env=Y\nSetEnvIf Origin ^a\\\\.b$ \\\n  V=1\n# x \\\nHidden line\n<Location \"/a/\">\n</Location>\n",
        );
        assert_eq!(
            got,
            vec![
                (
                    "Header".into(),
                    vec![
                        "always".into(),
                        "set".into(),
                        "X".into(),
                        "a \"b\\.c".into(),
                        "env=Y".into()
                    ]
                ),
                (
                    "SetEnvIf".into(),
                    vec!["Origin".into(), "^a\\.b$".into(), "V=1".into()]
                ),
                ("Location".into(), vec!["/a/".into()]),
                ("Location".into(), vec![]),
            ]
        );
    }

    #[test]
    fn spans_point_at_the_argument() {
        let text = "Header set A \"b c\"\n";
        let l = &lines(text).unwrap()[0];
        assert_eq!(&text[l.args[2].span.start..l.args[2].span.end], "\"b c\"");
    }

    #[test]
    fn an_unclosed_section_is_an_error() {
        assert!(lines("<Location /a\n").is_err());
    }
}
