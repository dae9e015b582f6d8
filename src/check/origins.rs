//! Typing of origin values and resolution of named origin sets.

use super::directives::Spec;
use super::suggest::closest;
use crate::diagnostics::{codes, Diagnostic};
use crate::ir::origin_classify;
use crate::ir::{OriginEntry, OriginKind};
use crate::source::{Span, Spanned};
use crate::syntax::ast::{SetDecl, Value, ValueKind};
use std::collections::{BTreeMap, BTreeSet};

/// Declared origin sets, resolved lazily with cycle detection.
pub(crate) struct Sets<'a> {
    decls: BTreeMap<&'a str, &'a SetDecl>,
    resolved: BTreeMap<&'a str, Vec<OriginEntry>>,
    pub(crate) used: BTreeSet<String>,
    reported_cycles: BTreeSet<String>,
}

impl<'a> Sets<'a> {
    pub(crate) fn new(decls: BTreeMap<&'a str, &'a SetDecl>) -> Self {
        Self {
            decls,
            resolved: BTreeMap::new(),
            used: BTreeSet::new(),
            reported_cycles: BTreeSet::new(),
        }
    }

    /// Types the values of an `origins` directive or set, expanding set references.
    pub(crate) fn entries(
        &mut self,
        _spec: &Spec,
        values: &'a [Value],
        stack: &mut Vec<Spanned<String>>,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<OriginEntry> {
        let mut out = Vec::new();
        for v in values {
            match &v.kind {
                ValueKind::Star => out.push(entry("*", v.span, OriginKind::Any)),
                ValueKind::Word(w) if w == "null" => {
                    out.push(entry("null", v.span, OriginKind::Null));
                }
                ValueKind::String(s) => out.push(entry(s, v.span, origin_classify(s))),
                ValueKind::Regex(r) => match regex_syntax::Parser::new().parse(r) {
                    Ok(_) => out.push(entry(r, v.span, OriginKind::Regex(r.clone()))),
                    Err(e) => diags.push(
                        Diagnostic::error(
                            &codes::INVALID_REGEX,
                            "this regex does not parse",
                            v.span,
                        )
                        .with_label(first_line(&e.to_string()))
                        .with_help("regex origins use the common subset of PCRE, RE2 and JavaScript syntax"),
                    ),
                },
                ValueKind::Word(w) => {
                    let reference = Spanned::new(w.clone(), v.span);
                    out.extend(self.reference(&reference, stack, diags));
                }
            }
        }
        out
    }

    fn reference(
        &mut self,
        name: &Spanned<String>,
        stack: &mut Vec<Spanned<String>>,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<OriginEntry> {
        let Some(decl) = self.decls.get(name.node.as_str()).copied() else {
            let mut d = Diagnostic::error(
                &codes::UNKNOWN_SET,
                format!("no origin set is named `{}`", name.node),
                name.span,
            )
            .with_label("not a defined origin set");
            if let Some(s) = closest(&name.node, self.decls.keys().copied()) {
                d = d.with_help(format!("did you mean `{s}`?"));
            } else if name.node.contains('.') || name.node.contains("://") {
                d = d.with_help(format!("origins are quoted: `\"{}\"`", name.node));
            } else {
                d = d.with_help(format!(
                    "declare it at the top level: `origins {} = [ \"https://…\" ]`",
                    name.node
                ));
            }
            diags.push(d);
            return Vec::new();
        };
        self.used.insert(name.node.clone());
        if let Some(pos) = stack.iter().position(|s| s.node == name.node) {
            let cycle: Vec<&str> = stack[pos..]
                .iter()
                .map(|s| s.node.as_str())
                .chain(std::iter::once(name.node.as_str()))
                .collect();
            let mut key: Vec<&str> = cycle[..cycle.len() - 1].to_vec();
            key.sort_unstable();
            if self.reported_cycles.insert(key.join(",")) {
                diags.push(
                    Diagnostic::error(
                        &codes::SET_CYCLE,
                        format!("origin sets include each other: {}", cycle.join(" → ")),
                        name.span,
                    )
                    .with_label("this reference closes the cycle")
                    .with_secondary(decl.name.span, format!("`{}` is declared here", name.node))
                    .with_help("a set may include other sets, but never itself, directly or not"),
                );
            }
            return Vec::new();
        }
        let key = decl.name.node.as_str();
        let resolved = if let Some(r) = self.resolved.get(key) {
            r.clone()
        } else {
            stack.push(name.clone());
            let spec = super::directives::find("origins");
            let r = match spec {
                Some(spec) => self.entries(spec, &decl.values.values, stack, diags),
                None => Vec::new(),
            };
            stack.pop();
            self.resolved.insert(key, r.clone());
            r
        };
        resolved
            .into_iter()
            .map(|mut e| {
                e.via.insert(0, name.clone());
                e
            })
            .collect()
    }
}

fn entry(raw: &str, span: Span, kind: OriginKind) -> OriginEntry {
    OriginEntry {
        raw: raw.to_string(),
        span,
        via: Vec::new(),
        kind,
    }
}

fn first_line(s: &str) -> String {
    s.lines()
        .rev()
        .find(|l| l.starts_with("error:"))
        .unwrap_or_else(|| s.lines().last().unwrap_or(s))
        .trim_start_matches("error:")
        .trim()
        .to_string()
}

impl Sets<'_> {
    /// Types every declared set once, so mistakes in unused sets are reported too.
    pub(crate) fn check_all(&mut self, diags: &mut Vec<Diagnostic>) {
        let names: Vec<&str> = self.decls.keys().copied().collect();
        for name in names {
            if self.resolved.contains_key(name) {
                continue;
            }
            let Some(decl) = self.decls.get(name).copied() else {
                continue;
            };
            let Some(spec) = super::directives::find("origins") else {
                continue;
            };
            let mut stack = vec![decl.name.clone()];
            let r = self.entries(spec, &decl.values.values, &mut stack, diags);
            self.resolved.insert(name, r);
        }
    }
}
