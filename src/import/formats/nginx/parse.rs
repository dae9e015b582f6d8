//! nginx's configuration grammar, read the way `ngx_conf_read_token` reads it: words separated
//! by white space, a directive ends with `;` or opens a block with `{`, `}` closes it, `#`
//! starts a comment only where a word could start, `"…"` and `'…'` quote, a backslash escapes
//! the next character, and `{` right after `$` belongs to a `${var}`. A `)` right after a
//! closing quote starts a word of its own, as in `if ($http_origin ~* "…")`.
//!
//! No crate does this with byte spans: `nginx-config` (last released 2019) knows a fixed list
//! of directives, refuses any other, and keeps no positions, so findings could not land on the
//! input's lines. Every word keeps its span here.

use crate::source::Span;

/// One word of a directive, unquoted and unescaped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The word as nginx reads it.
    pub value: String,
    /// Its bytes in the file, quotes included.
    pub span: Span,
    /// Whether it was written in quotes.
    pub quoted: bool,
}

/// One directive: its words and, for a block, what is inside.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// The name and then the arguments.
    pub words: Vec<Word>,
    /// The directives inside `{ … }`, for a block.
    pub block: Option<Vec<Directive>>,
    /// From the first word to the `;` or the closing `}`.
    pub span: Span,
}

impl Directive {
    /// The directive's name.
    #[must_use]
    pub fn name(&self) -> &str {
        self.words.first().map_or("", |w| w.value.as_str())
    }

    /// The arguments after the name.
    #[must_use]
    pub fn args(&self) -> &[Word] {
        self.words.get(1..).unwrap_or(&[])
    }
}

/// Why a file is not nginx configuration, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub span: Span,
    pub message: String,
}

/// How deep blocks may nest before the file is refused (nginx itself has no limit, but no real
/// configuration comes near this, and the reader recurses).
const MAX_DEPTH: usize = 64;

enum Token {
    Word(Word),
    Semi(usize),
    Open(usize),
    Close(usize),
}

fn tokens(text: &str) -> Result<Vec<Token>, Error> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut after_quote = false;
    while i < b.len() {
        let c = b[i];
        if after_quote && !(c.is_ascii_whitespace() || matches!(c, b';' | b'{' | b')')) {
            return Err(Error {
                span: Span::new(i, i + 1),
                message: format!(
                    "unexpected `{}` after a quoted string",
                    char::from(c).escape_default()
                ),
            });
        }
        after_quote = false;
        match c {
            // Every byte a word stops at must be skipped here, or the word arm below would
            // make an empty word without moving on (a form feed once looped until memory ran out).
            c if c.is_ascii_whitespace() || c == 0x0b => i += 1,
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b';' => {
                out.push(Token::Semi(i));
                i += 1;
            }
            b'{' => {
                out.push(Token::Open(i));
                i += 1;
            }
            b'}' => {
                out.push(Token::Close(i));
                i += 1;
            }
            b'"' | b'\'' => {
                let start = i;
                i += 1;
                let mut v = Vec::new();
                loop {
                    let Some(&d) = b.get(i) else {
                        return Err(Error {
                            span: Span::new(start, b.len()),
                            message: "a quoted string is not closed".to_string(),
                        });
                    };
                    if d == c {
                        i += 1;
                        break;
                    }
                    if d == b'\\' && i + 1 < b.len() {
                        unescape(b[i + 1], &mut v);
                        i += 2;
                    } else {
                        v.push(d);
                        i += 1;
                    }
                }
                out.push(Token::Word(Word {
                    value: String::from_utf8_lossy(&v).into_owned(),
                    span: Span::new(start, i),
                    quoted: true,
                }));
                after_quote = true;
            }
            _ => {
                let start = i;
                let mut v = Vec::new();
                let mut variable = false;
                while i < b.len() {
                    let d = b[i];
                    if d.is_ascii_whitespace()
                        || d == 0x0b
                        || d == b';'
                        || (d == b'{' && !variable)
                        || d == b'}'
                    {
                        // `}` closes `${var}` inside a word.
                        if d == b'}' && variable {
                            v.push(d);
                            i += 1;
                            variable = false;
                            continue;
                        }
                        break;
                    }
                    if d == b'\\' && i + 1 < b.len() {
                        unescape(b[i + 1], &mut v);
                        i += 2;
                        continue;
                    }
                    variable = d == b'$' || (variable && d == b'{');
                    v.push(d);
                    i += 1;
                }
                if i == start {
                    // Nothing was read: a byte no arm takes. Refuse rather than loop.
                    return Err(Error {
                        span: Span::new(i, i + 1),
                        message: format!("unexpected `{}`", char::from(c).escape_default()),
                    });
                }
                out.push(Token::Word(Word {
                    value: String::from_utf8_lossy(&v).into_owned(),
                    span: Span::new(start, i),
                    quoted: false,
                }));
            }
        }
    }
    Ok(out)
}

/// nginx's escapes: `\"`, `\'`, `\\`, `\t`, `\r`, `\n`; any other pair stays as written.
fn unescape(c: u8, v: &mut Vec<u8>) {
    match c {
        b'"' | b'\'' | b'\\' => v.push(c),
        b't' => v.push(b'\t'),
        b'r' => v.push(b'\r'),
        b'n' => v.push(b'\n'),
        _ => {
            v.push(b'\\');
            v.push(c);
        }
    }
}

/// Reads a whole file into its directives.
///
/// # Errors
/// The first place the text stops being nginx configuration.
pub fn parse(text: &str) -> Result<Vec<Directive>, Error> {
    let toks = tokens(text)?;
    let mut pos = 0;
    let out = block(&toks, &mut pos, 0, text.len())?;
    if let Some(Token::Close(at)) = toks.get(pos) {
        return Err(Error {
            span: Span::new(*at, at + 1),
            message: "unexpected `}`".to_string(),
        });
    }
    Ok(out)
}

fn block(
    toks: &[Token],
    pos: &mut usize,
    depth: usize,
    end: usize,
) -> Result<Vec<Directive>, Error> {
    let mut out = Vec::new();
    let mut words: Vec<Word> = Vec::new();
    while let Some(t) = toks.get(*pos) {
        match t {
            Token::Word(w) => {
                words.push(w.clone());
                *pos += 1;
            }
            Token::Semi(at) => {
                *pos += 1;
                let Some(first) = words.first() else {
                    return Err(Error {
                        span: Span::new(*at, at + 1),
                        message: "unexpected `;`".to_string(),
                    });
                };
                let span = Span::new(first.span.start, at + 1);
                out.push(Directive {
                    words: std::mem::take(&mut words),
                    block: None,
                    span,
                });
            }
            Token::Open(at) => {
                *pos += 1;
                let Some(first) = words.first() else {
                    return Err(Error {
                        span: Span::new(*at, at + 1),
                        message: "unexpected `{`".to_string(),
                    });
                };
                if depth >= MAX_DEPTH {
                    return Err(Error {
                        span: Span::new(*at, at + 1),
                        message: format!("blocks nest deeper than {MAX_DEPTH}"),
                    });
                }
                let start = first.span.start;
                let inner = block(toks, pos, depth + 1, end)?;
                let Some(Token::Close(close)) = toks.get(*pos) else {
                    return Err(Error {
                        span: Span::new(*at, at + 1),
                        message: "this `{` is never closed".to_string(),
                    });
                };
                *pos += 1;
                out.push(Directive {
                    words: std::mem::take(&mut words),
                    block: Some(inner),
                    span: Span::new(start, close + 1),
                });
            }
            Token::Close(at) => {
                if let Some(w) = words.first() {
                    return Err(Error {
                        span: w.span,
                        message: format!("`{}` is not ended by `;`", w.value),
                    });
                }
                if depth == 0 {
                    return Err(Error {
                        span: Span::new(*at, at + 1),
                        message: "unexpected `}`".to_string(),
                    });
                }
                return Ok(out);
            }
        }
    }
    if let Some(w) = words.first() {
        return Err(Error {
            span: Span::new(w.span.start, end),
            message: format!("`{}` is not ended by `;`", w.value),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(d: &[Directive]) -> Vec<String> {
        d.iter()
            .map(|d| {
                d.words
                    .iter()
                    .map(|w| w.value.as_str())
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect()
    }

    #[test]
    fn reads_blocks_quotes_comments_and_variables() {
        let d = parse(
            "server { # c\n add_header 'A' \"x\\\"y\" always; if ($http_origin ~* \"^a$\") { set $x \"${y}z\"; } }",
        )
        .unwrap();
        let inner = d[0].block.as_ref().unwrap();
        assert_eq!(
            names(inner),
            ["add_header|A|x\"y|always", "if|($http_origin|~*|^a$|)"]
        );
        assert_eq!(names(inner[1].block.as_ref().unwrap()), ["set|$x|${y}z"]);
    }

    #[test]
    fn spans_point_at_the_words() {
        let t = "a  'b c';";
        let d = parse(t).unwrap();
        assert_eq!(
            &t[d[0].words[1].span.start..d[0].words[1].span.end],
            "'b c'"
        );
        assert_eq!(d[0].span, Span::new(0, 9));
    }

    #[test]
    fn broken_files_are_errors_with_places() {
        for (t, at) in [
            ("a {", 2),
            ("a;}", 2),
            ("a \"b", 2),
            ("a b", 0),
            ("a \"b\"c;", 5),
            ("{", 0),
        ] {
            let e = parse(t).unwrap_err();
            assert_eq!(e.span.start, at, "{t}: {e:?}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let t = "a {".repeat(10_000);
        assert!(parse(&t).is_err());
    }
}
