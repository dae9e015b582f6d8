//! Typing of directive values: each function takes the written values of one directive and
//! returns the typed value, pushing a diagnostic for every value that does not fit.

use super::directives::Spec;
use crate::diagnostics::{codes, Diagnostic};
use crate::ir::{ExposeHeaders, MethodSet, Owner, PathScope, Repeat, RequestHeaders};
use crate::source::{Span, Spanned};
use crate::syntax::ast::{Value, ValueKind};

/// Whether `s` is an RFC 9110 token (methods and header names).
pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

pub(crate) fn wrong_type(spec: &Spec, v: &Value) -> Diagnostic {
    let found = v.kind.describe();
    let d = Diagnostic::error(
        &codes::WRONG_TYPE,
        format!("`{}` takes {}, not {found}", spec.name, spec.expects),
        v.span,
    )
    .with_label(format!("expected {}", spec.expects));
    if let ValueKind::String(s) = &v.kind {
        if is_token(s) {
            return d.with_help(format!("write it without quotes: `{s}`"));
        }
    }
    d.with_help(format!("for example: `{}`", spec.example))
}

fn invalid_token(what: &str, v: &Value, w: &str) -> Diagnostic {
    let parts: Vec<&str> = w.split(';').filter(|p| !p.is_empty()).collect();
    let d = Diagnostic::error(
        &codes::INVALID_TOKEN,
        format!("`{w}` is not a valid {what}"),
        v.span,
    )
    .with_label(format!(
        "a {what} is an HTTP token: letters, digits and `!#$%&'*+-.^_`|~`"
    ))
    .with_note(
        "an `Access-Control-Allow-*` list that does not parse makes the browser fail every preflight",
    );
    if parts.len() > 1 && parts.iter().all(|p| is_token(p)) {
        d.with_help(format!(
            "separate values with commas: `{}`",
            parts.join(", ")
        ))
    } else {
        d.with_help(format!(
            "remove the characters that are not allowed from `{w}`"
        ))
    }
}

/// `methods`.
pub(crate) fn methods(spec: &Spec, values: &[Value], diags: &mut Vec<Diagnostic>) -> MethodSet {
    let mut set = MethodSet::default();
    for (i, v) in values.iter().enumerate() {
        match &v.kind {
            ValueKind::Star => star(&mut set.any, &mut set.repeated, values, i),
            ValueKind::Word(w) if is_token(w) => {
                let first = push_name(&mut set.list, Spanned::new(w.clone(), v.span));
                repeat(&mut set.repeated, first, values, i);
            }
            ValueKind::Word(w) => diags.push(invalid_token("method", v, w)),
            _ => diags.push(wrong_type(spec, v)),
        }
    }
    set
}

fn header_name(v: &Value, w: &str, diags: &mut Vec<Diagnostic>) -> Option<Spanned<String>> {
    if is_token(w) {
        Some(Spanned::new(w.to_ascii_lowercase(), v.span))
    } else {
        diags.push(invalid_token("header name", v, w));
        None
    }
}

/// Adds a method or header name unless the list has it already: a list keeps the first place
/// each name is written. Returns the place of the name kept when this one is a repeat.
pub(crate) fn push_name(list: &mut Vec<Spanned<String>>, name: Spanned<String>) -> Option<Span> {
    if let Some(x) = list.iter().find(|x| x.node == name.node) {
        return Some(x.span);
    }
    list.push(name);
    None
}

/// Records `values[i]` as a repeat of the value at `first`, if it is one, with the text that
/// removes it and one comma: back to the end of the value before it, or else up to the start
/// of the value after it.
fn repeat(repeated: &mut Vec<Repeat>, first: Option<Span>, values: &[Value], i: usize) {
    let Some(first) = first else { return };
    let span = values[i].span;
    let removal = if i > 0 {
        Some(Span::new(values[i - 1].span.end, span.end))
    } else {
        values
            .get(i + 1)
            .map(|next| Span::new(span.start, next.span.start))
    };
    repeated.push(Repeat {
        span,
        first,
        removal,
    });
}

/// A `*` in a name list: the first is kept, a later one is a repeat.
fn star(any: &mut Option<Span>, repeated: &mut Vec<Repeat>, values: &[Value], i: usize) {
    match any {
        Some(first) => repeat(repeated, Some(*first), values, i),
        None => *any = Some(values[i].span),
    }
}

/// `request-headers`.
pub(crate) fn request_headers(
    spec: &Spec,
    values: &[Value],
    diags: &mut Vec<Diagnostic>,
) -> RequestHeaders {
    let mut set = RequestHeaders::default();
    for (i, v) in values.iter().enumerate() {
        match &v.kind {
            ValueKind::Star => star(&mut set.any, &mut set.repeated, values, i),
            ValueKind::Word(w) if w == "mirror" => set.mirror = set.mirror.or(Some(v.span)),
            ValueKind::Word(w) => {
                if let Some(h) = header_name(v, w, diags) {
                    let first = push_name(&mut set.list, h);
                    repeat(&mut set.repeated, first, values, i);
                }
            }
            _ => diags.push(wrong_type(spec, v)),
        }
    }
    set
}

/// Reports `mirror` written together with names or `*`, once the final list is known.
pub(crate) fn check_mirror(set: &RequestHeaders, diags: &mut Vec<Diagnostic>) {
    if let Some(m) = set.mirror {
        let other = set.any.or_else(|| set.list.first().map(|h| h.span));
        if let Some(o) = other {
            diags.push(
                Diagnostic::error(
                    &codes::CONFLICTING_VALUES,
                    "`mirror` cannot be combined with other request headers",
                    m,
                )
                .with_label("`mirror` already allows every header a preflight asks for")
                .with_secondary(o, "listed here as well")
                .with_help("keep `mirror` alone, or replace it with the list of headers"),
            );
        }
    }
}

/// `expose-headers`.
pub(crate) fn expose_headers(
    spec: &Spec,
    values: &[Value],
    diags: &mut Vec<Diagnostic>,
) -> ExposeHeaders {
    let mut set = ExposeHeaders::default();
    for (i, v) in values.iter().enumerate() {
        match &v.kind {
            ValueKind::Star => star(&mut set.any, &mut set.repeated, values, i),
            ValueKind::Word(w) if w == "mirror" => diags.push(
                wrong_type(spec, v).with_help("`mirror` only has meaning for `request-headers`"),
            ),
            ValueKind::Word(w) => {
                if let Some(h) = header_name(v, w, diags) {
                    let first = push_name(&mut set.list, h);
                    repeat(&mut set.repeated, first, values, i);
                }
            }
            _ => diags.push(wrong_type(spec, v)),
        }
    }
    set
}

/// The single value of a scalar directive, or a diagnostic if there are more.
pub(crate) fn single<'a>(
    spec: &Spec,
    values: &'a [Value],
    diags: &mut Vec<Diagnostic>,
) -> Option<&'a Value> {
    if values.len() > 1 {
        let extra = values[1].span.to(values[values.len() - 1].span);
        diags.push(
            Diagnostic::error(
                &codes::VALUE_COUNT,
                format!("`{}` takes one value, found {}", spec.name, values.len()),
                extra,
            )
            .with_label("only the first value has meaning")
            .with_help(format!("keep one of: {}", spec.expects)),
        );
        return None;
    }
    values.first()
}

/// `credentials` and `private-network`.
pub(crate) fn boolean(spec: &Spec, values: &[Value], diags: &mut Vec<Diagnostic>) -> Option<bool> {
    let v = single(spec, values, diags)?;
    match &v.kind {
        ValueKind::Word(w) if w == "true" => Some(true),
        ValueKind::Word(w) if w == "false" => Some(false),
        ValueKind::Word(w) if w.eq_ignore_ascii_case("true") || w.eq_ignore_ascii_case("false") => {
            diags
                .push(wrong_type(spec, v).with_help(format!("write `{}`", w.to_ascii_lowercase())));
            None
        }
        ValueKind::String(s) if s == "true" || s == "false" => {
            diags.push(wrong_type(spec, v).with_help(format!("write `{s}` without quotes")));
            None
        }
        _ => {
            diags.push(wrong_type(spec, v));
            None
        }
    }
}

/// `owner`.
pub(crate) fn owner(spec: &Spec, values: &[Value], diags: &mut Vec<Diagnostic>) -> Option<Owner> {
    let v = single(spec, values, diags)?;
    match &v.kind {
        ValueKind::Word(w) if w == "proxy" => Some(Owner::Proxy),
        ValueKind::Word(w) if w == "app" => Some(Owner::App),
        _ => {
            diags.push(wrong_type(spec, v));
            None
        }
    }
}

/// `max-age`: a whole number of seconds, optionally with a unit `s`, `m`, `h` or `d`.
pub(crate) fn max_age(spec: &Spec, values: &[Value], diags: &mut Vec<Diagnostic>) -> Option<u64> {
    let v = single(spec, values, diags)?;
    let w = match &v.kind {
        ValueKind::Word(w) => w.as_str(),
        ValueKind::String(s) => {
            let d = wrong_type(spec, v);
            diags.push(if duration(s).is_ok() {
                d.with_help(format!("write `{s}` without quotes"))
            } else {
                d
            });
            return None;
        }
        _ => {
            diags.push(wrong_type(spec, v));
            return None;
        }
    };
    match duration(w) {
        Ok(secs) => Some(secs),
        Err((message, help)) => {
            diags.push(
                Diagnostic::error(&codes::INVALID_DURATION, message, v.span)
                    .with_label(
                        "a duration is a whole number with an optional unit `s`, `m`, `h` or `d`",
                    )
                    .with_help(help),
            );
            None
        }
    }
}

/// Parses a duration into seconds, or says what is wrong and how to write it.
pub(crate) fn duration(w: &str) -> Result<u64, (String, String)> {
    if let Some(rest) = w.strip_prefix('-') {
        let _ = rest;
        return Err((
            format!("`{w}` is negative"),
            "use `0` to make browsers skip the preflight cache; a negative max-age does not disable it".to_string(),
        ));
    }
    let digits_end = w.find(|c: char| !c.is_ascii_digit()).unwrap_or(w.len());
    let (num, unit) = w.split_at(digits_end);
    if num.is_empty() {
        return Err((
            format!("`{w}` is not a duration"),
            "write a number of seconds, or a number with a unit: `600`, `10m`, `2h`".to_string(),
        ));
    }
    if unit.starts_with('.') {
        return Err((
            format!("`{w}` is not a whole number"),
            "max-age is sent as whole seconds; use a smaller unit, e.g. `90m` for 1.5 hours"
                .to_string(),
        ));
    }
    let factor: u64 = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => {
            let hint = match unit {
                "sec" | "secs" | "second" | "seconds" => "s",
                "min" | "mins" | "minute" | "minutes" => "m",
                "hr" | "hrs" | "hour" | "hours" => "h",
                "day" | "days" => "d",
                _ => "",
            };
            let help = if hint.is_empty() {
                "the units are `s`, `m`, `h` and `d`".to_string()
            } else {
                format!("write `{num}{hint}`")
            };
            return Err((format!("`{unit}` is not a duration unit"), help));
        }
    };
    num.parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(factor))
        .filter(|&n| n <= u64::from(u32::MAX))
        .ok_or_else(|| {
            (
                format!("`{w}` is too large"),
                "browsers cap max-age at a few hours (Chromium: 2h, Firefox: 24h)".to_string(),
            )
        })
}

/// Characters a path scope may contain. Anything else is refused so that no target's config
/// syntax can be broken by a path (quotes, `;`, braces, `$`, whitespace, backslashes).
fn path_char_ok(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~/%:@+,=!".contains(c)
}

/// `paths`.
pub(crate) fn paths(
    spec: &Spec,
    values: &[Value],
    diags: &mut Vec<Diagnostic>,
) -> Vec<Spanned<PathScope>> {
    let mut out: Vec<Spanned<PathScope>> = Vec::new();
    for v in values {
        let scope = match &v.kind {
            ValueKind::Star => Some(PathScope::Prefix("/".to_string())),
            ValueKind::String(s) => path(s, v.span, diags),
            ValueKind::Word(w) if w.starts_with('/') => {
                diags.push(wrong_type(spec, v).with_help(format!("quote it: `\"{w}\"`")));
                None
            }
            _ => {
                diags.push(wrong_type(spec, v));
                None
            }
        };
        if let Some(scope) = scope {
            if !out.iter().any(|p| p.node == scope) {
                out.push(Spanned::new(scope, v.span));
            }
        }
    }
    out
}

fn path(s: &str, span: Span, diags: &mut Vec<Diagnostic>) -> Option<PathScope> {
    let err = |msg: String, help: &str| {
        Diagnostic::error(&codes::INVALID_PATH, msg, span).with_help(help.to_string())
    };
    if !s.starts_with('/') {
        diags.push(err(
            format!("`{s}` does not start with `/`"),
            "a path scope is the path part of a URL, e.g. `\"/api/*\"`; origins go in `origins`",
        ));
        return None;
    }
    let (body, prefix) = match s.strip_suffix('*') {
        Some(b) => (b, true),
        None => (s, false),
    };
    if body.contains('*') {
        diags.push(err(
            format!("`{s}` has a `*` before its end"),
            "a path scope is exact (`\"/health\"`) or a prefix ending in `*` (`\"/api/*\"`)",
        ));
        return None;
    }
    if let Some(c) = body.chars().find(|&c| !path_char_ok(c)) {
        diags.push(err(
            format!("`{s}` contains `{}`, which a path scope may not contain", c.escape_default()),
            "use percent-encoding for unusual characters; quotes, `;`, `$`, braces, `?`, `#` and spaces are refused so no server config can be misread",
        ));
        return None;
    }
    Some(if prefix {
        PathScope::Prefix(body.to_string())
    } else {
        PathScope::Exact(body.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::duration;

    #[test]
    fn durations_in_seconds() {
        assert_eq!(duration("600"), Ok(600));
        assert_eq!(duration("10m"), Ok(600));
        assert_eq!(duration("2h"), Ok(7200));
        assert_eq!(duration("1d"), Ok(86_400));
        assert!(duration("-1").is_err());
        assert!(duration("1.5h").is_err());
        assert!(duration("10x").is_err());
        assert_eq!(duration("10min").unwrap_err().1, "write `10m`");
        assert!(duration("99999999999999999999").is_err());
    }
}
