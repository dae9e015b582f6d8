//! The sizes corsc accepts, and the check that enforces them before anything expensive runs.
//!
//! A pre-commit hook or a CI job runs corsc on whatever a pull request contains, so a small
//! hostile file must be answered with a diagnostic, never with gigabytes of memory, a stack
//! overflow or a panic. The bounds are about *size and structure*, chosen far above real use:
//! a SaaS may list 100,000 origins, and that stays fine; an origin of 70,000 characters, a
//! chain of 5,000 sets or a file that resolves to billions of entries does not.
//!
//! Each target has its own, tighter limits on what its configuration syntax can hold (nginx
//! reads one token into a 4 KiB buffer); those are capability data and the plan checks them
//! with a `P3xx` (see `emit::capability::Syntax`).

pub use crate::limits::{
    MAX_ENTRIES, MAX_FILE_BYTES, MAX_NAME_BYTES, MAX_REGEX_FOLD, MAX_REGEX_WEIGHT, MAX_SET_DEPTH,
    MAX_VALUE_BYTES, MAX_WORK,
};

use crate::diagnostics::{codes, Diagnostic};
use crate::source::{Span, Spanned};
use crate::syntax::ast::{self, Attribute, BodyItem, Directive, Item, Value, ValueKind};

/// How many syntax nodes a file has (items, directives, values, profiles), for [`MAX_WORK`].
#[must_use]
pub fn syntax_nodes(file: &ast::File) -> usize {
    let directive = |d: &Directive| 1 + d.values.values.len();
    file.items
        .iter()
        .map(|item| match item {
            Item::Set(s) => 1 + s.values.values.len(),
            Item::Directive(d) => directive(d),
            Item::Policy(p) => {
                1 + p
                    .body
                    .iter()
                    .map(|b| match b {
                        BodyItem::Directive(d) => directive(d),
                        BodyItem::Profile(pr) => {
                            1 + pr.directives.iter().map(directive).sum::<usize>()
                        }
                    })
                    .sum::<usize>()
            }
        })
        .sum()
}

/// A `limit-exceeded` error.
pub(crate) fn exceeded(message: String, span: Span, label: &str, help: &str) -> Diagnostic {
    Diagnostic::error(&codes::LIMIT_EXCEEDED, message, span)
        .with_label(label)
        .with_help(help)
}

/// Reports every name and value longer than corsc accepts.
pub(crate) fn check_sizes(file: &ast::File, diags: &mut Vec<Diagnostic>) {
    for item in &file.items {
        match item {
            Item::Set(s) => {
                attributes(&s.attributes, diags);
                name(&s.name, diags);
                values(&s.values.values, diags);
            }
            Item::Directive(d) => directive(d, diags),
            Item::Policy(p) => {
                attributes(&p.attributes, diags);
                name(&p.name, diags);
                for b in &p.body {
                    match b {
                        BodyItem::Directive(d) => directive(d, diags),
                        BodyItem::Profile(pr) => {
                            attributes(&pr.attributes, diags);
                            name(&pr.name, diags);
                            for d in &pr.directives {
                                directive(d, diags);
                            }
                        }
                    }
                }
            }
        }
    }
}

fn directive(d: &Directive, diags: &mut Vec<Diagnostic>) {
    attributes(&d.attributes, diags);
    if d.name.node.len() > MAX_NAME_BYTES {
        diags.push(too_long(
            "this directive name",
            d.name.node.len(),
            MAX_NAME_BYTES,
            d.name.span,
        ));
    }
    values(&d.values.values, diags);
}

fn attributes(attrs: &[Attribute], diags: &mut Vec<Diagnostic>) {
    for a in attrs {
        name(&a.name, diags);
        for arg in &a.args {
            name(arg, diags);
        }
        if let Some(r) = &a.reason {
            if r.node.len() > MAX_VALUE_BYTES {
                diags.push(too_long(
                    "this reason",
                    r.node.len(),
                    MAX_VALUE_BYTES,
                    r.span,
                ));
            }
        }
    }
}

fn name(n: &Spanned<String>, diags: &mut Vec<Diagnostic>) {
    if n.node.len() > MAX_NAME_BYTES {
        diags.push(too_long("this name", n.node.len(), MAX_NAME_BYTES, n.span));
    }
}

fn values(values: &[Value], diags: &mut Vec<Diagnostic>) {
    for v in values {
        let (what, len) = match &v.kind {
            ValueKind::String(s) => ("this string", s.len()),
            ValueKind::Regex(r) => ("this regex", r.len()),
            ValueKind::Word(w) => ("this word", w.len()),
            ValueKind::Star => continue,
        };
        if len > MAX_VALUE_BYTES {
            diags.push(too_long(what, len, MAX_VALUE_BYTES, v.span));
        }
    }
}

fn too_long(what: &str, len: usize, max: usize, span: Span) -> Diagnostic {
    exceeded(
        format!("{what} is {len} bytes long; corsc accepts at most {max}"),
        span,
        "too long",
        "no origin, path, header name or regex needs this much; shorten it (a regex can be split into several `regex` entries)",
    )
}
