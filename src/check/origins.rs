//! Typing of origin values and resolution of named origin sets.
//!
//! A hostile file can make set resolution the most expensive thing corsc does: a set that
//! includes the previous one twice, forty times over, names 2⁴⁰ entries in one kilobyte; a
//! chain of thousands of sets nests deeper than any stack. So each set is typed once, its
//! references are followed with an explicit stack (never recursion), a set reached twice from
//! one directive is included once, the path an entry was reached through is a shared [`Via`],
//! and the nesting depth and the number of resolved entries are bounded
//! ([`super::limits`]), with a diagnostic where a bound is crossed.

use super::directives::Spec;
use super::limits;
use super::suggest::closest;
use crate::diagnostics::{codes, Diagnostic};
use crate::ir::origin_classify;
use crate::ir::{OriginEntry, OriginKind, Via};
use crate::source::{Span, Spanned};
use crate::syntax::ast::{SetDecl, Value, ValueKind};
use std::collections::{BTreeMap, BTreeSet};

/// One typed member of a set: an entry, or a reference to another (declared) set. The
/// reference is boxed so that a member is no larger than an entry: a long allowlist is
/// typed into a list of members, which then becomes the list of entries in place.
enum Member<'a> {
    Entry(OriginEntry),
    Set(&'a str, Box<Spanned<String>>),
}

/// Declared origin sets, each typed once, with cycles and depth checked up front.
pub(crate) struct Sets<'a> {
    decls: BTreeMap<&'a str, &'a SetDecl>,
    members: BTreeMap<&'a str, Vec<Member<'a>>>,
    /// The sets a policy's `origins` refers to (in any profile).
    pub(crate) used: BTreeSet<String>,
    /// Entries handed out so far, over every directive of the file (see [`limits::MAX_ENTRIES`]).
    pub(crate) resolved: usize,
    /// Whether the entry budget has been reported (once per file).
    pub(crate) over_budget: bool,
    /// How many more unknown references get a "did you mean" (each compares with every set).
    suggestions: usize,
    /// How many more code points case-insensitive regexes may fold (see
    /// [`limits::MAX_REGEX_FOLD`]).
    fold_left: u64,
}

/// Unknown set references that get a "did you mean": each one is compared with every declared
/// name, so a file of thousands of unknown references against thousands of sets would be
/// quadratic without a bound.
const SUGGESTIONS: usize = 32;

/// Values a list taken out of the syntax tree may hold unused before it is shrunk: below
/// this, giving the memory back is not worth a reallocation. A list of many values is shrunk
/// every `SHRINK_SLACK` values (about 200 `mremap` calls for 100,000 origins), so the
/// typed entries growing beside it never stand next to more than this many spent values; at
/// half, the old policy, 100,000 origins kept 2.4 MB more at the peak.
const SHRINK_SLACK: usize = 512;

impl<'a> Sets<'a> {
    /// Types every declared set (so mistakes in unused sets are reported too) and reports
    /// cycles and sets nested too deep.
    pub(crate) fn new(decls: BTreeMap<&'a str, &'a SetDecl>, diags: &mut Vec<Diagnostic>) -> Self {
        // References between sets are in `members`; `used` holds those of policies only.
        let used = BTreeSet::new();
        let mut between_sets = BTreeSet::new();
        let mut members = BTreeMap::new();
        let mut suggestions = SUGGESTIONS;
        let mut fold_left = limits::MAX_REGEX_FOLD;
        for (name, decl) in &decls {
            let typed = type_values(
                &decl.values.values,
                &decls,
                &mut between_sets,
                &mut suggestions,
                &mut fold_left,
                diags,
            );
            members.insert(*name, typed);
        }
        let sets = Self {
            decls,
            members,
            used,
            resolved: 0,
            over_budget: false,
            suggestions,
            fold_left,
        };
        sets.check_graph(diags);
        sets
    }

    /// The sets a policy uses: those it refers to, and those these include, to any depth.
    pub(crate) fn reachable(&self) -> BTreeSet<&str> {
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut stack: Vec<&str> = self
            .used
            .iter()
            .filter_map(|n| self.decls.get_key_value(n.as_str()).map(|(k, _)| *k))
            .collect();
        while let Some(name) = stack.pop() {
            if !seen.insert(name) {
                continue;
            }
            for m in self.members.get(name).map_or(&[][..], Vec::as_slice) {
                if let Member::Set(inner, _) = m {
                    stack.push(inner);
                }
            }
        }
        seen
    }

    /// Types the values of an `origins` directive, expanding set references.
    pub(crate) fn entries(
        &mut self,
        _spec: &Spec,
        values: &'a [Value],
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<OriginEntry> {
        let typed = type_values(
            values,
            &self.decls,
            &mut self.used,
            &mut self.suggestions,
            &mut self.fold_left,
            diags,
        );
        self.resolve(typed, diags)
    }

    /// [`Sets::entries`] for values taken out of the syntax tree: each is freed once typed,
    /// and the list itself shrinks as it goes, so the syntax of a long allowlist and its IR
    /// are not held at once.
    pub(crate) fn entries_owned(
        &mut self,
        _spec: &Spec,
        mut values: Vec<Value>,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<OriginEntry> {
        let mut typed = Vec::with_capacity(values.len());
        values.reverse();
        while let Some(v) = values.pop() {
            // A string moves into its entry (`OriginEntry::from_string`): no copy.
            if let ValueKind::String(s) = v.kind {
                typed.push(Member::Entry(OriginEntry::from_string(
                    s,
                    v.span,
                    Via::new(),
                )));
            } else {
                type_value(
                    &v,
                    &self.decls,
                    &mut self.used,
                    &mut self.suggestions,
                    &mut self.fold_left,
                    diags,
                    &mut typed,
                );
            }
            if values.capacity() > values.len() + SHRINK_SLACK {
                values.shrink_to_fit();
            }
        }
        self.resolve(typed, diags)
    }

    /// Expands the set references among a directive's typed values.
    fn resolve(&mut self, typed: Vec<Member<'a>>, diags: &mut Vec<Diagnostic>) -> Vec<OriginEntry> {
        // Entries written in the directive itself (a long allowlist) move into the result in
        // place: no second buffer the size of the list.
        let direct = typed.iter().all(|m| matches!(m, Member::Entry(_)));
        if direct && self.resolved + typed.len() <= limits::MAX_ENTRIES {
            self.resolved += typed.len();
            return typed
                .into_iter()
                .filter_map(|m| match m {
                    Member::Entry(e) => Some(e),
                    Member::Set(..) => None,
                })
                .collect();
        }
        let mut out = Vec::new();
        let mut visited = BTreeSet::new();
        for m in typed {
            match m {
                Member::Entry(e) => {
                    if self.spend(1, e.span, diags) {
                        out.push(e);
                    }
                }
                Member::Set(name, reference) => {
                    self.expand(name, *reference, &mut visited, &mut out, diags);
                }
            }
        }
        out
    }

    /// Appends every entry a set reaches, depth first in source order, each set once.
    fn expand(
        &mut self,
        root: &'a str,
        reference: Spanned<String>,
        visited: &mut BTreeSet<&'a str>,
        out: &mut Vec<OriginEntry>,
        diags: &mut Vec<Diagnostic>,
    ) {
        if !visited.insert(root) {
            return;
        }
        let use_span = reference.span;
        // (set, the chain that reached it, next member)
        let mut stack: Vec<(&'a str, Via, usize)> = vec![(root, Via::new().through(reference), 0)];
        while let Some((name, via, next)) = stack.last_mut() {
            let Some(member) = self.members.get(*name).and_then(|m| m.get(*next)) else {
                stack.pop();
                continue;
            };
            *next += 1;
            match member {
                Member::Entry(e) => {
                    let mut e = e.clone();
                    e.via = via.clone();
                    if !self.spend(1, use_span, diags) {
                        return;
                    }
                    out.push(e);
                }
                Member::Set(inner, r) => {
                    if visited.insert(inner) {
                        let via = via.through((**r).clone());
                        let inner = *inner;
                        // Following a reference is work too: a wide graph of empty sets must
                        // not be walked once per policy without a bound.
                        if !self.spend(1, use_span, diags) {
                            return;
                        }
                        stack.push((inner, via, 0));
                    }
                }
            }
        }
    }

    /// Counts `n` units of resolution work against the file's budget; past it, reports once
    /// and refuses.
    fn spend(&mut self, n: usize, span: Span, diags: &mut Vec<Diagnostic>) -> bool {
        self.resolved += n;
        if self.resolved <= limits::MAX_ENTRIES {
            return true;
        }
        if !self.over_budget {
            self.over_budget = true;
            diags.push(limits::exceeded(
                format!(
                    "the policies of this file resolve to more than {} origin entries",
                    limits::MAX_ENTRIES
                ),
                span,
                "this reference takes the file past the limit",
                "split the file, or share one policy between the paths that need the same origins (a set used by several policies counts once per policy)",
            ));
        }
        false
    }

    /// Reports every cycle once and the first set nested deeper than
    /// [`limits::MAX_SET_DEPTH`], walking the reference graph with an explicit stack.
    fn check_graph(&self, diags: &mut Vec<Diagnostic>) {
        #[derive(Clone, Copy, PartialEq)]
        enum State {
            /// On the stack, at this position.
            Open(usize),
            Done(usize),
        }
        let mut state: BTreeMap<&str, State> = BTreeMap::new();
        let mut reported_cycles: BTreeSet<String> = BTreeSet::new();
        let mut roots: Vec<&SetDecl> = self.decls.values().copied().collect();
        roots.sort_by_key(|d| d.span.start);
        for root in roots {
            let root = root.name.node.as_str();
            if state.contains_key(root) {
                continue;
            }
            // (set, next member, deepest child so far)
            let mut stack: Vec<(&str, usize, usize)> = vec![(root, 0, 0)];
            state.insert(root, State::Open(0));
            while let Some(&mut (name, ref mut next, deepest)) = stack.last_mut() {
                let members = self.members.get(name).map_or(&[][..], Vec::as_slice);
                let Some(member) = members.get(*next) else {
                    let depth = deepest + 1;
                    state.insert(name, State::Done(depth));
                    stack.pop();
                    if let Some(parent) = stack.last_mut() {
                        parent.2 = parent.2.max(depth);
                    }
                    continue;
                };
                *next += 1;
                let Member::Set(inner, reference) = member else {
                    continue;
                };
                match state.get(inner).copied() {
                    Some(State::Done(d)) => {
                        let top = stack.last_mut().map(|t| &mut t.2);
                        if let Some(t) = top {
                            *t = (*t).max(d);
                        }
                    }
                    Some(State::Open(pos)) => {
                        let cycle: Vec<&str> = stack[pos..]
                            .iter()
                            .map(|s| s.0)
                            .chain(std::iter::once(*inner))
                            .collect();
                        let mut key: Vec<&str> = cycle[..cycle.len() - 1].to_vec();
                        key.sort_unstable();
                        if reported_cycles.insert(key.join(",")) {
                            let decl_span = self
                                .decls
                                .get(inner)
                                .map_or(reference.span, |d| d.name.span);
                            diags.push(
                                Diagnostic::error(
                                    &codes::SET_CYCLE,
                                    format!("origin sets include each other: {}", show_cycle(&cycle)),
                                    reference.span,
                                )
                                .with_label("this reference closes the cycle")
                                .with_secondary(decl_span, format!("`{inner}` is declared here"))
                                .with_help("a set may include other sets, but never itself, directly or not"),
                            );
                        }
                    }
                    None => {
                        state.insert(inner, State::Open(stack.len()));
                        stack.push((inner, 0, 0));
                    }
                }
            }
        }
        let mut too_deep: Vec<(&SetDecl, usize)> = state
            .iter()
            .filter_map(|(name, s)| match s {
                State::Done(d) if *d > limits::MAX_SET_DEPTH => {
                    self.decls.get(name).map(|decl| (*decl, *d))
                }
                _ => None,
            })
            .collect();
        // The shallowest offender is where the limit is first crossed; report that one.
        too_deep.sort_by_key(|(d, depth)| (*depth, d.span.start));
        if let Some((decl, depth)) = too_deep.first() {
            diags.push(limits::exceeded(
                format!(
                    "origin set `{}` nests {depth} levels of sets; corsc accepts at most {}",
                    decl.name.node,
                    limits::MAX_SET_DEPTH
                ),
                decl.name.span,
                "the limit is crossed here",
                "list the origins in fewer levels: a set may include sets that include sets, but not without end",
            ));
        }
    }
}

/// A cycle for a message: a long one is shortened, so a thousand-set cycle does not make a
/// diagnostic of a thousand names.
fn show_cycle(cycle: &[&str]) -> String {
    const SHOWN: usize = 8;
    if cycle.len() <= SHOWN + 2 {
        return cycle.join(" → ");
    }
    format!(
        "{} → … ({} more) … → {}",
        cycle[..SHOWN].join(" → "),
        cycle.len() - SHOWN - 2,
        cycle[cycle.len() - 2..].join(" → ")
    )
}

/// Types values as origins; set references become [`Member::Set`] (unknown ones are reported).
fn type_values<'a>(
    values: &'a [Value],
    decls: &BTreeMap<&'a str, &'a SetDecl>,
    used: &mut BTreeSet<String>,
    suggestions: &mut usize,
    fold_left: &mut u64,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Member<'a>> {
    let mut out = Vec::with_capacity(values.len());
    for v in values {
        type_value(v, decls, used, suggestions, fold_left, diags, &mut out);
    }
    out
}

/// Types one value as an origin, onto `out`.
fn type_value<'a>(
    v: &Value,
    decls: &BTreeMap<&'a str, &'a SetDecl>,
    used: &mut BTreeSet<String>,
    suggestions: &mut usize,
    fold_left: &mut u64,
    diags: &mut Vec<Diagnostic>,
    out: &mut Vec<Member<'a>>,
) {
    match &v.kind {
        ValueKind::Star => out.push(Member::Entry(entry("*", v.span, OriginKind::Any))),
        ValueKind::Word(w) if w == "null" => {
            out.push(Member::Entry(entry("null", v.span, OriginKind::Null)));
        }
        ValueKind::String(s) => out.push(Member::Entry(entry(s, v.span, origin_classify(s)))),
        ValueKind::Regex(r) => {
            let cost = crate::regex::fold_cost(r);
            if cost > *fold_left {
                diags.push(limits::exceeded(
                    format!(
                        "case-insensitive matching makes this regex fold the case of {cost} code points, past what is left of the file's {}",
                        limits::MAX_REGEX_FOLD
                    ),
                    v.span,
                    "too costly to translate",
                    "origins are ASCII: list the letters (`[a-z]`) instead of wide or negated classes under `(?i)`, or drop `(?i)` (a browser sends the host in lowercase)",
                ));
                return;
            }
            *fold_left -= cost;
            type_regex(r, v, out, diags);
        }
        ValueKind::Word(w) => match decls.get_key_value(w.as_str()) {
            Some((name, _)) => {
                used.insert(w.clone());
                out.push(Member::Set(name, Box::new(Spanned::new(w.clone(), v.span))));
            }
            None => {
                let suggest = *suggestions > 0;
                *suggestions = suggestions.saturating_sub(1);
                diags.push(unknown_set(w, v.span, decls, suggest));
            }
        },
    }
}

fn unknown_set(
    name: &str,
    span: Span,
    decls: &BTreeMap<&str, &SetDecl>,
    suggest: bool,
) -> Diagnostic {
    let mut d = Diagnostic::error(
        &codes::UNKNOWN_SET,
        format!("no origin set is named `{name}`"),
        span,
    )
    .with_label("not a defined origin set");
    let near = if suggest {
        closest(name, decls.keys().copied())
    } else {
        None
    };
    if let Some(s) = near {
        d = d.with_help(format!("did you mean `{s}`?"));
    } else if name.contains('.') || name.contains("://") {
        d = d.with_help(format!("origins are quoted: `\"{name}\"`"));
    } else {
        d = d.with_help(format!(
            "declare it at the top level: `origins {name} = [ \"https://…\" ]`"
        ));
    }
    d
}

fn entry(raw: &str, span: Span, kind: OriginKind) -> OriginEntry {
    OriginEntry::new(raw, span, Via::new(), kind)
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

/// Types one regex origin whose translation the file can afford.
fn type_regex(r: &str, v: &Value, out: &mut Vec<Member<'_>>, diags: &mut Vec<Diagnostic>) {
    match crate::regex::hir(r) {
        Ok(hir) if crate::regex::weight(&hir) > limits::MAX_REGEX_WEIGHT => {
            diags.push(limits::exceeded(
                format!(
                    "this regex is {} units long with its repetitions expanded; corsc accepts at most {}",
                    crate::regex::weight(&hir),
                    limits::MAX_REGEX_WEIGHT
                ),
                v.span,
                "too large once compiled",
                "use smaller repetition counts, `+` or `*`, or ASCII classes (`[a-z0-9]`) instead of `\\w` and `.`",
            ));
        }
        Ok(_) => out.push(Member::Entry(entry(r, v.span, OriginKind::Regex(r.into())))),
        Err(e) => diags.push(
            Diagnostic::error(&codes::INVALID_REGEX, "this regex does not parse", v.span)
                .with_label(first_line(&e))
                .with_help(
                    "regex origins use the common subset of PCRE, RE2 and JavaScript syntax",
                ),
        ),
    }
}
