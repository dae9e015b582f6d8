//! Named origin sets (`origins NAME = [ … ]`): where one is declared and where it is used.
//! A set is used by its bare name as a value of an `origins` directive or of another set.

use super::documents::{self, Document};
use crate::source::Span;
use crate::syntax::ast::{self, BodyItem, Item, ValueKind, ValueList};
use lsp_types::{Location, Position, Uri};

/// Every directive of a file: top level, in policies and in their profiles.
pub(super) fn directives(file: &ast::File) -> Vec<&ast::Directive> {
    let mut out = Vec::new();
    for item in &file.items {
        match item {
            Item::Directive(d) => out.push(d),
            Item::Set(_) => {}
            Item::Policy(p) => {
                for b in &p.body {
                    match b {
                        BodyItem::Directive(d) => out.push(d),
                        BodyItem::Profile(pr) => out.extend(&pr.directives),
                    }
                }
            }
        }
    }
    out
}

/// Every list of origins: the sets' values and the `origins` directives'.
pub(super) fn origin_lists(file: &ast::File) -> Vec<&ValueList> {
    let mut out: Vec<&ValueList> = file
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Set(s) => Some(&s.values),
            _ => None,
        })
        .collect();
    out.extend(
        directives(file)
            .into_iter()
            .filter(|d| d.name.node == "origins")
            .map(|d| &d.values),
    );
    out
}

/// The set declarations.
pub(super) fn declarations(file: &ast::File) -> impl Iterator<Item = &ast::SetDecl> {
    file.items.iter().filter_map(|i| match i {
        Item::Set(s) => Some(s),
        _ => None,
    })
}

/// The set named at a byte offset: on its declaration's name or on a use.
fn set_at(file: &ast::File, offset: usize) -> Option<&str> {
    let inside = |s: Span| s.start <= offset && offset <= s.end;
    if let Some(d) = declarations(file).find(|d| inside(d.name.span)) {
        return Some(&d.name.node);
    }
    origin_lists(file)
        .into_iter()
        .flat_map(|l| &l.values)
        .find_map(|v| match &v.kind {
            ValueKind::Word(w)
                if inside(v.span) && declarations(file).any(|d| d.name.node == *w) =>
            {
                Some(w.as_str())
            }
            _ => None,
        })
}

/// Where the set at a position is declared.
pub(super) fn definition(uri: &Uri, doc: &Document, pos: Position) -> Option<Location> {
    let file = doc.ast.as_ref()?;
    let name = set_at(file, documents::offset(&doc.text, pos))?;
    let decl = declarations(file).find(|d| d.name.node == name)?;
    Some(Location::new(
        uri.clone(),
        documents::range(&doc.text, decl.name.span),
    ))
}

/// Every use of the set at a position, and its declaration when asked for.
pub(super) fn references(
    uri: &Uri,
    doc: &Document,
    pos: Position,
    include_declaration: bool,
) -> Vec<Location> {
    let Some(file) = doc.ast.as_ref() else {
        return Vec::new();
    };
    let Some(name) = set_at(file, documents::offset(&doc.text, pos)) else {
        return Vec::new();
    };
    let mut spans: Vec<Span> = Vec::new();
    if include_declaration {
        spans.extend(
            declarations(file)
                .filter(|d| d.name.node == name)
                .map(|d| d.name.span),
        );
    }
    for v in origin_lists(file).into_iter().flat_map(|l| &l.values) {
        if matches!(&v.kind, ValueKind::Word(w) if w == name) {
            spans.push(v.span);
        }
    }
    spans
        .into_iter()
        .map(|s| Location::new(uri.clone(), documents::range(&doc.text, s)))
        .collect()
}
