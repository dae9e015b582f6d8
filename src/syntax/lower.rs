//! pest pairs → AST.
//!
//! The grammar guarantees the shape of each pair; where that guarantee would fail, the code
//! returns an "internal error" diagnostic instead of panicking.

use super::ast::{
    AssignOp, Attribute, BodyItem, Directive, File, Item, PolicyDecl, ProfileDecl, SetDecl,
    ValueList,
};
use super::errors::internal;
use super::grammar::fast::Rule;
use super::list_text;
use crate::diagnostics::Diagnostic;
use crate::source::{Source, Span, Spanned};
use pest::iterators::Pair;

type Res<T> = Result<T, Vec<Diagnostic>>;

fn span(p: &Pair<'_, Rule>) -> Span {
    Span::new(p.as_span().start(), p.as_span().end())
}

fn spanned_str(p: &Pair<'_, Rule>) -> Spanned<String> {
    Spanned::new(p.as_str().to_string(), span(p))
}

fn unexpected(p: &Pair<'_, Rule>, in_what: &str) -> Vec<Diagnostic> {
    vec![internal(&format!(
        "unexpected {:?} in {in_what} at byte {}",
        p.as_rule(),
        p.as_span().start()
    ))]
}

pub(super) fn file(pair: Pair<'_, Rule>, source: &Source) -> Res<File> {
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for p in pair.into_inner() {
        let item = match p.as_rule() {
            Rule::set_decl => set_decl(p).map(Item::Set),
            Rule::policy => policy(p).map(Item::Policy),
            Rule::directive => directive(p).map(Item::Directive),
            Rule::EOI | Rule::eol => continue,
            _ => Err(unexpected(&p, "a file")),
        };
        match item {
            Ok(i) => items.push(i),
            Err(mut e) => errors.append(&mut e),
        }
    }
    let _ = source;
    if errors.is_empty() {
        Ok(File { items })
    } else {
        Err(errors)
    }
}

fn attributes(pair: Pair<'_, Rule>) -> Res<Vec<Attribute>> {
    let mut out = Vec::new();
    for a in pair.into_inner().filter(|p| p.as_rule() == Rule::attribute) {
        let sp = span(&a);
        let mut inner = a.into_inner();
        let name = inner
            .next()
            .map(|p| spanned_str(&p))
            .ok_or_else(|| vec![internal("attribute without a name")])?;
        let mut args = Vec::new();
        let mut reason = None;
        for arg in inner {
            match arg.as_rule() {
                Rule::word => args.push(spanned_str(&arg)),
                Rule::attr_reason => {
                    let s = arg
                        .into_inner()
                        .next()
                        .ok_or_else(|| vec![internal("reason without a string")])?;
                    reason = Some(Spanned::new(string_value(&s)?, span(&s)));
                }
                _ => return Err(unexpected(&arg, "an attribute")),
            }
        }
        out.push(Attribute {
            name,
            args,
            reason,
            span: sp,
        });
    }
    Ok(out)
}

fn set_decl(pair: Pair<'_, Rule>) -> Res<SetDecl> {
    let sp = span(&pair);
    let mut attrs = Vec::new();
    let mut name = None;
    let mut values = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::attributes => attrs = attributes(p)?,
            Rule::kw_origins => {}
            Rule::ident => name = Some(spanned_str(&p)),
            Rule::value_list => values = Some(value_list(p)?),
            _ => return Err(unexpected(&p, "an origin set")),
        }
    }
    match (name, values) {
        (Some(name), Some(values)) => Ok(SetDecl {
            attributes: attrs,
            name,
            values,
            span: sp,
        }),
        _ => Err(vec![internal("origin set without a name or values")]),
    }
}

fn policy(pair: Pair<'_, Rule>) -> Res<PolicyDecl> {
    let sp = span(&pair);
    let mut attrs = Vec::new();
    let mut name = None;
    let mut body = Vec::new();
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::attributes => attrs = attributes(p)?,
            Rule::kw_policy | Rule::close_brace | Rule::eol => {}
            Rule::ident => name = Some(spanned_str(&p)),
            Rule::directive => body.push(BodyItem::Directive(directive(p)?)),
            Rule::profile => body.push(BodyItem::Profile(profile(p)?)),
            _ => return Err(unexpected(&p, "a policy")),
        }
    }
    let name = name.ok_or_else(|| vec![internal("policy without a name")])?;
    Ok(PolicyDecl {
        attributes: attrs,
        name,
        body,
        span: sp,
    })
}

fn profile(pair: Pair<'_, Rule>) -> Res<ProfileDecl> {
    let sp = span(&pair);
    let mut attrs = Vec::new();
    let mut name = None;
    let mut directives = Vec::new();
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::attributes => attrs = attributes(p)?,
            Rule::kw_profile | Rule::close_brace | Rule::eol => {}
            Rule::ident => name = Some(spanned_str(&p)),
            Rule::directive => directives.push(directive(p)?),
            _ => return Err(unexpected(&p, "a profile")),
        }
    }
    let name = name.ok_or_else(|| vec![internal("profile without a name")])?;
    Ok(ProfileDecl {
        attributes: attrs,
        name,
        directives,
        span: sp,
    })
}

fn directive(pair: Pair<'_, Rule>) -> Res<Directive> {
    let mut attrs = Vec::new();
    let mut name = None;
    let mut op = None;
    let mut values = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::attributes => attrs = attributes(p)?,
            Rule::directive_name => name = Some(spanned_str(&p)),
            Rule::assign_op => {
                let o = if p.as_str() == "+=" {
                    AssignOp::Add
                } else {
                    AssignOp::Replace
                };
                op = Some(Spanned::new(o, span(&p)));
            }
            Rule::value_list => values = Some(value_list(p)?),
            _ => return Err(unexpected(&p, "a directive")),
        }
    }
    match (name, values) {
        (Some(name), Some(values)) => {
            let sp = name.span.to(values.span);
            Ok(Directive {
                attributes: attrs,
                name,
                op,
                values,
                span: sp,
            })
        }
        _ => Err(vec![internal("directive without a name or values")]),
    }
}

/// A list: one pair, whose text [`list_text`] reads (the grammar matched it as one token).
fn value_list(pair: Pair<'_, Rule>) -> Res<ValueList> {
    let text = pair.as_str();
    let read = list_text::values(text, pair.as_span().start());
    if read.errors.is_empty() {
        Ok(ValueList {
            values: read.values,
            span: read.span,
            bracketed: text.starts_with('['),
        })
    } else {
        Err(read.errors)
    }
}

/// The content of a `string` pair (an atomic rule: its text with the quotes).
fn string_value(pair: &Pair<'_, Rule>) -> Res<String> {
    pair.as_str()
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .map(list_text::unescape)
        .ok_or_else(|| vec![internal("string without its quotes")])
}
