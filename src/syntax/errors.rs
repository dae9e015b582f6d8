//! pest errors → diagnostics in a user's words.

use super::grammar::detailed::Rule;
use crate::diagnostics::{codes, Diagnostic};
use crate::limits::MAX_FILE_BYTES;
use crate::source::{Source, Span};
use pest::error::{ErrorVariant, InputLocation};

/// An internal invariant failed: report it instead of panicking.
pub(super) fn internal(what: &str) -> Diagnostic {
    Diagnostic::error(
        &codes::INTERNAL,
        format!("internal error: {what}"),
        Span::default(),
    )
    .with_help("this is a bug in corsc; please report it with the file that caused it")
}

/// A file larger than [`MAX_FILE_BYTES`], at its first byte: refused before pest sees it.
pub(super) fn file_too_large(len: usize) -> Diagnostic {
    Diagnostic::error(
        &codes::LIMIT_EXCEEDED,
        format!("the file is {len} bytes long; corsc reads policy files of at most {MAX_FILE_BYTES} bytes"),
        Span::new(0, 0),
    )
    .with_label("the file starts here")
    .with_help("split the policies over several files")
}

/// A string that runs to the end of its line.
pub(super) fn unterminated_string(span: Span) -> Diagnostic {
    Diagnostic::error(
        &codes::UNTERMINATED_STRING,
        "this string has no closing quote",
        span,
    )
    .with_label("the string starts here and runs to the end of the line")
    .with_help("add a `\"` where the value ends; strings cannot span lines")
}

/// What a grammar rule is, in words a user knows. Exhaustive on purpose: a new rule must say
/// how it is named before the crate compiles.
fn describe(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "the end of the file",
        Rule::WHITESPACE | Rule::COMMENT | Rule::eol => "`,` or the end of the line",
        Rule::file | Rule::item => "`policy NAME {`, `origins NAME = [ … ]` or a setting",
        Rule::set_decl => "an origin set such as `origins team = [ \"https://a.example\" ]`",
        Rule::policy => "a policy such as `policy api {`",
        Rule::body_item | Rule::directive => {
            "a directive such as `origins \"https://app.example.com\"`"
        }
        Rule::profile => "a profile such as `profile dev {`",
        Rule::close_brace => "`}` to close the block",
        Rule::assign_op => "`=` or `+=`",
        Rule::attributes | Rule::attribute => {
            "an attribute such as `@allow(rule-name, reason = \"…\")`"
        }
        Rule::attr_args | Rule::attr_arg => "a rule name or `reason = \"…\"`",
        Rule::attr_reason => "`reason = \"…\"`",
        Rule::value_list | Rule::bare_list | Rule::bracket_list | Rule::value => {
            "a value such as `\"https://app.example.com\"`, `GET`, `*` or `10m`"
        }
        Rule::close_bracket => "`]` to close the list",
        Rule::regex_value => "`regex \"…\"`",
        Rule::string | Rule::string_inner | Rule::unterminated_string => "a quoted string",
        Rule::star => "`*`",
        Rule::word | Rule::word_char => "a word such as `GET` or `true`",
        Rule::directive_name => "a directive name such as `methods`",
        Rule::ident | Rule::ident_char => {
            "a name (letters, digits, `-` and `_`, starting with a letter)"
        }
        Rule::kw_origins => "`origins`",
        Rule::kw_policy => "`policy`",
        Rule::kw_profile => "`profile`",
        Rule::kw_regex => "`regex`",
    }
}

/// Translates pest's furthest failure into one diagnostic.
pub(super) fn from_pest(e: &pest::error::Error<Rule>, source: &Source) -> Diagnostic {
    let pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let text = &source.text;
    let found = found_at(text, pos);
    let span = Span::new(pos, (pos + found.len()).min(text.len()));
    let positives: Vec<Rule> = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    if pos >= text.len() {
        if let Some((open, at)) = unclosed(text) {
            let (code, msg, help) = if open == '[' {
                (
                    &codes::UNCLOSED_LIST,
                    "this list is never closed",
                    "add `]` after the last value of the list",
                )
            } else {
                (
                    &codes::UNCLOSED_BLOCK,
                    "this block is never closed",
                    "add `}` on its own line after the block's last directive",
                )
            };
            return Diagnostic::error(code, msg, Span::new(at, at + 1))
                .with_label(format!(
                    "this `{open}` has no matching `{}`",
                    if open == '[' { ']' } else { '}' }
                ))
                .with_secondary(span, "the file ends here")
                .with_help(help);
        }
    }

    // Values are one idea to a user, whichever token pest tried first; a name wins over a value
    // where both could start (`policy {`); `=`/`+=` matter only when nothing else is expected.
    let value_rules = [
        Rule::value_list,
        Rule::bare_list,
        Rule::bracket_list,
        Rule::value,
        Rule::regex_value,
        Rule::kw_regex,
        Rule::string,
        Rule::string_inner,
        Rule::unterminated_string,
        Rule::star,
        Rule::word,
        Rule::word_char,
    ];
    let mut positives = positives;
    if positives.contains(&Rule::ident) {
        positives.retain(|r| !value_rules.contains(r) && *r != Rule::assign_op);
    } else if positives.iter().any(|r| value_rules.contains(r)) {
        positives.retain(|r| !value_rules.contains(r) && *r != Rule::assign_op);
        positives.push(Rule::value);
    }
    let has = |r: Rule| positives.contains(&r);
    let mut words: Vec<&str> = positives.iter().map(|r| describe(*r)).collect();
    words.sort_unstable();
    words.dedup();
    // A value just ended and something else follows on the same line: the classic missing comma.
    let after_value = pos > 0
        && !text[..pos]
            .trim_end_matches([' ', '\t'])
            .ends_with([',', '[', '\n', '{'])
        && (has(Rule::EOI) || has(Rule::eol) || has(Rule::close_brace) || positives.is_empty());
    let found_desc = if found.is_empty() {
        "the end of the file".to_string()
    } else if found == "\n" || found == "\r\n" {
        "the end of the line".to_string()
    } else {
        format!("`{found}`")
    };
    let expected = if words.is_empty() {
        "something else".to_string()
    } else {
        join_or(&words)
    };
    let mut d = Diagnostic::error(
        &codes::SYNTAX,
        format!("expected {expected}, found {found_desc}"),
        span,
    )
    .with_label(format!("expected {expected}"));
    if found.starts_with('{') {
        d = d.with_help("a block opens after a name: `policy NAME {` or `profile NAME {`");
    } else if found.starts_with('\'') {
        d = d.with_help("strings use double quotes: `\"https://app.example.com\"`");
    } else if found.starts_with(';') {
        d = d.with_help("`.cors` files need no `;`: end each directive with a new line");
    } else if found.starts_with(':') {
        d = d.with_help("directives take their values directly, without `:`: `methods GET, POST`");
    } else if after_value && !found.trim().is_empty() && !found.starts_with('}') {
        d = d.with_help("separate values with commas, and put each directive on its own line");
    }
    d
}

/// The innermost `{` or `[` that is still open at the end of the text, skipping strings and
/// comments.
fn unclosed(text: &str) -> Option<(char, usize)> {
    let mut stack = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '#' => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '"' => {
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' | '\n' => break,
                        _ => {}
                    }
                }
            }
            '{' | '[' => stack.push((c, i)),
            '}' | ']' => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.pop()
}

fn found_at(text: &str, pos: usize) -> &str {
    let rest = text.get(pos..).unwrap_or("");
    if rest.is_empty() {
        return "";
    }
    if rest.starts_with("\r\n") {
        return "\r\n";
    }
    if rest.starts_with('\n') {
        return "\n";
    }
    let end = rest
        .char_indices()
        .find(|&(i, c)| i > 0 && (c.is_whitespace() || ",[](){}\"#".contains(c)))
        .map_or(rest.len(), |(i, _)| i);
    let first_len = rest.chars().next().map_or(0, char::len_utf8);
    &rest[..end.max(first_len)]
}

fn join_or(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{}, or {last}", init.join(", ")),
    }
}
