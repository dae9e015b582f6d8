//! Whether a regex can make a backtracking engine (PCRE for nginx and Apache, JavaScript's
//! `RegExp`, Python's `re`, Java's `java.util.regex`) take time exponential or polynomial in
//! the length of the text it refuses: a regular-expression denial of service.
//!
//! A backtracking engine that fails to match tries every way the regex can read a prefix of
//! the text before it gives up. When a repetition can read the same text in two ways at every
//! iteration (`(a+)+`, `(a|a)*`, `(\w|\d)+`), the ways double with each character: 30
//! characters take seconds, 40 take hours. When two repetitions in a row can read the same run
//! of characters (`\d*\d*`, `.*.*`), the ways grow as the square of its length, the cube for
//! three, and so on.
//!
//! ## The model
//!
//! The regex is read into a position automaton (Glushkov's construction) on `regex-syntax`'s
//! syntax tree: one position per character or class written (a literal, `.`, `\d`, `[a-z]`),
//! with an edge from each position to every position that can read the next character. An
//! edge keeps how many ways it arises (capped at two): in `(a+)+` the edge from `a` back to
//! itself arises twice, once from the inner `+` and once from the outer one, and a backtracking
//! engine tries both. Zero-width assertions read nothing; a bounded repetition (`{1,63}`) is
//! taken as unbounded, since a bound of 63 hardly helps; an exact count (`{4}`) is written out
//! (at most three copies: more add no new shape). Case-insensitive and other flags are
//! applied as the engine applies them, through `regex-syntax`'s own translation of each class.
//!
//! ## The criteria
//!
//! - **Exponential**: a position that two different cycles return to on the same text. Within
//!   one strongly connected part of the automaton (the body of a repetition), either an edge
//!   arises two ways, or two different positions can read the same text from a shared start
//!   and meet again (found on the product of the part with itself: a pair of different
//!   positions reachable from, and leading back to, a pair of equal ones). This is the
//!   exponential degree of ambiguity of automata theory (Weber and Seidl), which is what
//!   makes a backtracking engine take exponential time on a text that fails at the end.
//! - **Polynomial**: two different positions that each repeat on a character `c` (`\d*`,
//!   `[a-z]+`) with a path of positions that all read `c` from the first to the second, so a
//!   run of `c` can be split between them in as many ways as it is long; `k` of them in a row
//!   make the time grow as the `k`-th power. Only repetitions of one character class are
//!   judged here: they are the shape this takes in origin regexes, and the clear one.
//!
//! The common safe shapes stay clean: in `^https://([a-z0-9-]+\.)*example\.com$` each
//! iteration ends with the only `.` it can read, so the dots split any text into iterations
//! one way, and `[a-z0-9-]+` cannot go on past a dot; `(a|ab)*` splits every text one way too
//! (its branches share a prefix, but the engine's dead ends are each one character long).
//!
//! No established crate does this on `regex-syntax`'s dialect (the ones there are read
//! ECMA-262 syntax only), hence this module. A regex too large to analyse within a fixed budget
//! (a repetition around an alternation of thousands of names) is not judged.

use regex_syntax::ast::{self, Ast};
use regex_syntax::hir::{Class, HirKind};
use std::collections::{BTreeMap, HashMap, HashSet};

/// How fast the time a backtracking engine takes to refuse a text can grow with its length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Growth {
    /// Doubling with every character.
    Exponential,
    /// As this power of the length (2: the square).
    Polynomial(u32),
}

/// A part of a regex that backtracks catastrophically.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backtracking {
    /// How fast the time grows.
    pub growth: Growth,
    /// Where the part is in the regex, as byte offsets `start..end`.
    pub start: usize,
    /// See [`Backtracking::start`].
    pub end: usize,
}

/// The worst catastrophic backtracking a regex allows, if any; `None` when it allows none,
/// does not parse, or is too large to analyse.
#[must_use]
pub fn backtracking(src: &str) -> Option<Backtracking> {
    let tree = ast::parse::Parser::new().parse(src).ok()?;
    let mut nfa = Builder {
        src,
        nfa: Nfa::default(),
    };
    let mut flags = Flags::default();
    nfa.build(&tree, &mut flags)?;
    let nfa = nfa.nfa;
    nfa.exponential().or_else(|| nfa.polynomial())
}

/// Positions and edges past which a regex is not analysed.
const MAX_POSITIONS: usize = 5_000;
const MAX_EDGES: usize = 50_000;
/// Positions in one cycle past which its pairs are not searched.
const MAX_CYCLE: usize = 2_048;
/// Steps of the searches on pairs of positions, and of the searches per character.
const MAX_STEPS: usize = 1_000_000;

/// The flags that change what a class reads.
#[derive(Clone, Copy, Debug)]
struct Flags {
    case_insensitive: bool,
    dot_matches_new_line: bool,
    unicode: bool,
}

impl Default for Flags {
    fn default() -> Self {
        Flags {
            case_insensitive: false,
            dot_matches_new_line: false,
            unicode: true,
        }
    }
}

impl Flags {
    fn apply(&mut self, set: &ast::Flags) {
        let mut on = true;
        for item in &set.items {
            match item.kind {
                ast::FlagsItemKind::Negation => on = false,
                ast::FlagsItemKind::Flag(ast::Flag::CaseInsensitive) => self.case_insensitive = on,
                ast::FlagsItemKind::Flag(ast::Flag::DotMatchesNewLine) => {
                    self.dot_matches_new_line = on;
                }
                ast::FlagsItemKind::Flag(ast::Flag::Unicode) => self.unicode = on,
                ast::FlagsItemKind::Flag(_) => {}
            }
        }
    }
}

/// A set of characters as sorted, disjoint, inclusive ranges of code points.
type Ranges = Vec<(u32, u32)>;

fn intersects(a: &[(u32, u32)], b: &[(u32, u32)]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].1 < b[j].0 {
            i += 1;
        } else if b[j].1 < a[i].0 {
            j += 1;
        } else {
            return true;
        }
    }
    false
}

fn admits(r: &[(u32, u32)], c: u32) -> bool {
    let i = r.partition_point(|&(_, hi)| hi < c);
    r.get(i).is_some_and(|&(lo, _)| lo <= c)
}

/// A multiset of positions, each counted at most twice (two ways is all the criteria need).
type Ways = BTreeMap<usize, u8>;

fn add(into: &mut Ways, from: &Ways, times: u8) {
    if times == 0 {
        return;
    }
    for (&p, &n) in from {
        let e = into.entry(p).or_insert(0);
        *e = (*e).saturating_add(n.saturating_mul(times)).min(2);
    }
}

/// What a part of the regex contributes: the positions it can start and end with (and in how
/// many ways), and in how many ways it matches the empty text.
#[derive(Clone, Debug, Default)]
struct Frag {
    first: Ways,
    last: Ways,
    nullable: u8,
}

impl Frag {
    fn empty() -> Frag {
        Frag {
            nullable: 1,
            ..Frag::default()
        }
    }
}

/// One edge: in how many ways it arises, and the repetitions whose loops made it.
#[derive(Clone, Debug, Default)]
struct Edge {
    ways: u8,
    loops: Vec<usize>,
}

#[derive(Debug, Default)]
struct Nfa {
    /// Each position's class and where it is written.
    class: Vec<Ranges>,
    span: Vec<(usize, usize)>,
    /// Each looping repetition's span.
    loops: Vec<(usize, usize)>,
    edges: HashMap<(usize, usize), Edge>,
}

struct Builder<'s> {
    src: &'s str,
    nfa: Nfa,
}

impl Builder<'_> {
    fn link(&mut self, from: &Ways, to: &Ways, by: Option<usize>) -> Option<()> {
        for (&p, &a) in from {
            if self.nfa.edges.len() > MAX_EDGES {
                return None;
            }
            for (&q, &b) in to {
                let e = self.nfa.edges.entry((p, q)).or_default();
                e.ways = e.ways.saturating_add(a.saturating_mul(b)).min(2);
                if let Some(r) = by {
                    if !e.loops.contains(&r) {
                        e.loops.push(r);
                    }
                }
            }
        }
        (self.nfa.edges.len() <= MAX_EDGES).then_some(())
    }

    fn leaf(&mut self, a: &Ast, flags: Flags) -> Option<Frag> {
        let hir = regex_syntax::hir::translate::TranslatorBuilder::new()
            .case_insensitive(flags.case_insensitive)
            .dot_matches_new_line(flags.dot_matches_new_line)
            .unicode(flags.unicode)
            .utf8(false)
            .build()
            .translate(self.src, a)
            .ok()?;
        let class: Ranges = match hir.kind() {
            HirKind::Literal(l) => {
                let c = std::str::from_utf8(&l.0)
                    .ok()
                    .and_then(|s| s.chars().next())
                    .map_or_else(|| u32::from(l.0.first().copied().unwrap_or(0)), u32::from);
                vec![(c, c)]
            }
            HirKind::Class(Class::Unicode(u)) => u
                .ranges()
                .iter()
                .map(|r| (u32::from(r.start()), u32::from(r.end())))
                .collect(),
            HirKind::Class(Class::Bytes(b)) => b
                .ranges()
                .iter()
                .map(|r| (u32::from(r.start()), u32::from(r.end())))
                .collect(),
            _ => return Some(Frag::empty()),
        };
        let p = self.nfa.class.len();
        if p >= MAX_POSITIONS {
            return None;
        }
        let span = a.span();
        self.nfa.class.push(class);
        self.nfa.span.push((span.start.offset, span.end.offset));
        let one: Ways = [(p, 1)].into_iter().collect();
        Some(Frag {
            first: one.clone(),
            last: one,
            nullable: 0,
        })
    }

    fn build(&mut self, a: &Ast, flags: &mut Flags) -> Option<Frag> {
        match a {
            Ast::Empty(_) | Ast::Assertion(_) => Some(Frag::empty()),
            Ast::Flags(set) => {
                flags.apply(&set.flags);
                Some(Frag::empty())
            }
            Ast::Literal(_)
            | Ast::Dot(_)
            | Ast::ClassUnicode(_)
            | Ast::ClassPerl(_)
            | Ast::ClassBracketed(_) => self.leaf(a, *flags),
            Ast::Group(g) => {
                // Flags set inside a group end with it.
                let mut inner = *flags;
                if let Some(f) = g.flags() {
                    inner.apply(f);
                }
                self.build(&g.ast, &mut inner)
            }
            Ast::Alternation(alt) => {
                let mut out = Frag::default();
                for branch in &alt.asts {
                    let f = self.build(branch, flags)?;
                    add(&mut out.first, &f.first, 1);
                    add(&mut out.last, &f.last, 1);
                    out.nullable = out.nullable.saturating_add(f.nullable).min(2);
                }
                Some(out)
            }
            Ast::Concat(c) => {
                let mut acc = Frag::empty();
                for part in &c.asts {
                    let f = self.build(part, flags)?;
                    acc = self.then(acc, f)?;
                }
                Some(acc)
            }
            Ast::Repetition(r) => self.repetition(r, *flags),
        }
    }

    /// `a` followed by `b`.
    fn then(&mut self, a: Frag, b: Frag) -> Option<Frag> {
        self.link(&a.last, &b.first, None)?;
        let mut first = a.first;
        add(&mut first, &b.first, a.nullable);
        let mut last = b.last;
        add(&mut last, &a.last, b.nullable);
        Some(Frag {
            first,
            last,
            nullable: a.nullable.saturating_mul(b.nullable).min(2),
        })
    }

    fn repetition(&mut self, r: &ast::Repetition, flags: Flags) -> Option<Frag> {
        let (min, max) = match r.op.kind {
            ast::RepetitionKind::ZeroOrOne => (0, Some(1)),
            ast::RepetitionKind::ZeroOrMore => (0, None),
            ast::RepetitionKind::OneOrMore => (1, None),
            ast::RepetitionKind::Range(ast::RepetitionRange::Exactly(n)) => (n, Some(n)),
            ast::RepetitionKind::Range(ast::RepetitionRange::AtLeast(n)) => (n, None),
            ast::RepetitionKind::Range(ast::RepetitionRange::Bounded(m, n)) => (m, Some(n)),
        };
        let mut inner = flags;
        match max {
            Some(0) => Some(Frag::empty()),
            Some(1) => {
                let mut f = self.build(&r.ast, &mut inner)?;
                if min == 0 {
                    f.nullable = f.nullable.saturating_add(1).min(2);
                }
                Some(f)
            }
            Some(n) if n == min => {
                // An exact count: the copies in a row, no loop.
                let mut acc = Frag::empty();
                for _ in 0..n.min(3) {
                    let mut copy_flags = flags;
                    let f = self.build(&r.ast, &mut copy_flags)?;
                    acc = self.then(acc, f)?;
                }
                Some(acc)
            }
            _ => {
                let mut f = self.build(&r.ast, &mut inner)?;
                let id = self.nfa.loops.len();
                self.nfa
                    .loops
                    .push((r.span.start.offset, r.span.end.offset));
                self.link(&f.last, &f.first, Some(id))?;
                // An engine never repeats an iteration that matched nothing: without a
                // required iteration, the empty text is matched one way, by none.
                if min == 0 {
                    f.nullable = 1;
                }
                Some(f)
            }
        }
    }
}

/// Strongly connected components (Tarjan, without recursion): each node's component number.
fn components(n: usize, succ: &[Vec<usize>]) -> Vec<usize> {
    const NONE: usize = usize::MAX;
    let mut index = vec![NONE; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut comp = vec![NONE; n];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut count = 0;
    for root in 0..n {
        if index[root] != NONE {
            continue;
        }
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(top) = work.last_mut() {
            let (v, i) = *top;
            if let Some(&w) = succ[v].get(i) {
                top.1 += 1;
                if index[w] == NONE {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp[w] = count;
                    if w == v {
                        break;
                    }
                }
                count += 1;
            }
        }
    }
    comp
}

impl Nfa {
    /// Successors and predecessors of each position that reads something.
    fn adjacency(&self) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
        let n = self.class.len();
        let mut succ = vec![Vec::new(); n];
        let mut pred = vec![Vec::new(); n];
        let mut keys: Vec<&(usize, usize)> = self.edges.keys().collect();
        keys.sort_unstable();
        for &(p, q) in keys {
            if self.class[p].is_empty() || self.class[q].is_empty() {
                continue;
            }
            succ[p].push(q);
            pred[q].push(p);
        }
        (succ, pred)
    }

    /// The smallest looping repetition whose span holds every given position.
    fn loop_around(&self, positions: &[usize]) -> Option<(usize, usize)> {
        let lo = positions.iter().map(|&p| self.span[p].0).min()?;
        let hi = positions.iter().map(|&p| self.span[p].1).max()?;
        self.loops
            .iter()
            .copied()
            .filter(|&(s, e)| s <= lo && hi <= e)
            .min_by_key(|&(s, e)| e - s)
    }

    fn exponential(&self) -> Option<Backtracking> {
        let (succ, pred) = self.adjacency();
        let comp = components(self.class.len(), &succ);
        let found = |span: (usize, usize)| Backtracking {
            growth: Growth::Exponential,
            start: span.0,
            end: span.1,
        };
        // An edge that arises two ways inside a cycle.
        let mut keys: Vec<(&(usize, usize), &Edge)> = self.edges.iter().collect();
        keys.sort_unstable_by_key(|(k, _)| **k);
        for (&(p, q), e) in keys {
            let readable = !self.class[p].is_empty() && !self.class[q].is_empty();
            if e.ways >= 2 && readable && comp[p] == comp[q] {
                let widest = e
                    .loops
                    .iter()
                    .map(|&r| self.loops[r])
                    .max_by_key(|&(s, e)| e - s);
                let span = widest
                    .or_else(|| self.loop_around(&[p, q]))
                    .unwrap_or((self.span[p].0, self.span[q].1));
                return Some(found(span));
            }
        }
        // Two different positions reading the same text inside one cycle.
        let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (p, &c) in comp.iter().enumerate() {
            members.entry(c).or_default().push(p);
        }
        let mut steps = 0usize;
        for part in members.values() {
            if part.len() < 2 {
                continue;
            }
            if part.len() > MAX_CYCLE {
                return None;
            }
            if let Some((a, b)) = self.meeting(part, &succ, &pred, &mut steps)? {
                let span = self
                    .loop_around(&[a, b])
                    .unwrap_or((self.span[a].0, self.span[b].1));
                return Some(found(span));
            }
        }
        None
    }

    /// Within one cycle `part`: a pair of different positions that a pair of equal ones
    /// reaches reading the same text, and that leads back to a pair of equal ones. `None`
    /// when the search runs past its budget.
    #[allow(
        clippy::type_complexity,
        reason = "Option (budget) of Option (found) of a pair"
    )]
    fn meeting(
        &self,
        part: &[usize],
        succ: &[Vec<usize>],
        pred: &[Vec<usize>],
        steps: &mut usize,
    ) -> Option<Option<(usize, usize)>> {
        let m = part.len();
        let local: HashMap<usize, usize> = part.iter().enumerate().map(|(i, &p)| (p, i)).collect();
        let next = |from: &[Vec<usize>]| -> Vec<Vec<usize>> {
            part.iter()
                .map(|&p| {
                    from[p]
                        .iter()
                        .filter_map(|q| local.get(q).copied())
                        .collect()
                })
                .collect()
        };
        let (ahead, back) = (next(succ), next(pred));
        let meet = |a: usize, b: usize| intersects(&self.class[part[a]], &self.class[part[b]]);
        let search = |edges: &[Vec<usize>], steps: &mut usize| -> Option<Vec<bool>> {
            let mut seen = vec![false; m * m];
            let mut todo: Vec<(usize, usize)> = (0..m).map(|i| (i, i)).collect();
            for i in 0..m {
                seen[i * m + i] = true;
            }
            while let Some((a, b)) = todo.pop() {
                for &x in &edges[a] {
                    for &y in &edges[b] {
                        *steps += 1;
                        if *steps > MAX_STEPS {
                            return None;
                        }
                        if !seen[x * m + y] && meet(x, y) {
                            seen[x * m + y] = true;
                            todo.push((x, y));
                        }
                    }
                }
            }
            Some(seen)
        };
        let from_equal = search(&ahead, steps)?;
        if !(0..m * m).any(|k| from_equal[k] && k / m != k % m) {
            return Some(None);
        }
        let to_equal = search(&back, steps)?;
        Some(
            (0..m * m)
                .find(|&k| from_equal[k] && to_equal[k] && k / m != k % m)
                .map(|k| (part[k / m], part[k % m])),
        )
    }

    fn polynomial(&self) -> Option<Backtracking> {
        let (succ, _) = self.adjacency();
        let looping: Vec<usize> = (0..self.class.len())
            .filter(|&p| !self.class[p].is_empty() && succ[p].contains(&p))
            .collect();
        if looping.len() < 2 {
            return None;
        }
        // One character of each piece of the alphabet that the classes cut it into.
        let mut cuts: Vec<u32> = self
            .class
            .iter()
            .flat_map(|c| c.iter().flat_map(|&(lo, hi)| [lo, hi.saturating_add(1)]))
            .collect();
        cuts.sort_unstable();
        cuts.dedup();
        let mut steps = 0usize;
        let mut best: Option<(u32, usize, usize)> = None;
        let mut tried: HashSet<Vec<bool>> = HashSet::new();
        for &c in &cuts {
            let here: Vec<usize> = looping
                .iter()
                .copied()
                .filter(|&p| admits(&self.class[p], c))
                .collect();
            if here.len() < 2 {
                continue;
            }
            // Characters that the same positions read give the same answer.
            steps += self.class.len();
            if steps > MAX_STEPS {
                break;
            }
            if !tried.insert(self.class.iter().map(|r| admits(r, c)).collect()) {
                continue;
            }
            // Which looping positions each one reaches by reading only `c`.
            let mut reach: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
            for &p in &here {
                let mut seen = vec![false; self.class.len()];
                let mut todo = vec![p];
                let mut found = Vec::new();
                while let Some(x) = todo.pop() {
                    for &y in &succ[x] {
                        steps += 1;
                        if steps > MAX_STEPS {
                            return best.map(|b| self.report(b));
                        }
                        if !seen[y] && admits(&self.class[y], c) {
                            seen[y] = true;
                            todo.push(y);
                            if y != p && here.contains(&y) {
                                found.push(y);
                            }
                        }
                    }
                }
                reach.insert(p, found);
            }
            // The longest chain of them (the relation has no cycle: one would be exponential).
            let mut depth: HashMap<usize, (u32, usize)> = HashMap::new();
            for &p in &here {
                let (d, end) = chain(p, &reach, &mut depth, 0);
                if d >= 2 && best.is_none_or(|(bd, _, _)| d > bd) {
                    best = Some((d, p, end));
                }
            }
        }
        best.map(|b| self.report(b))
    }

    /// A polynomial finding: from the loop of its first position to the loop of its last.
    fn report(&self, (degree, first, last): (u32, usize, usize)) -> Backtracking {
        let own_loop = |p: usize| {
            self.edges
                .get(&(p, p))
                .and_then(|e| {
                    e.loops
                        .iter()
                        .map(|&r| self.loops[r])
                        .min_by_key(|&(s, e)| e - s)
                })
                .unwrap_or(self.span[p])
        };
        let (a, b) = (own_loop(first), own_loop(last));
        Backtracking {
            growth: Growth::Polynomial(degree),
            start: a.0.min(b.0),
            end: a.1.max(b.1),
        }
    }
}

/// The longest chain from `p` in `reach`: its length in positions and its last position.
fn chain(
    p: usize,
    reach: &BTreeMap<usize, Vec<usize>>,
    memo: &mut HashMap<usize, (u32, usize)>,
    depth: usize,
) -> (u32, usize) {
    if let Some(&known) = memo.get(&p) {
        return known;
    }
    let mut best = (1, p);
    if depth < 64 {
        for &q in reach.get(&p).map_or(&[][..], Vec::as_slice) {
            let (d, end) = chain(q, reach, memo, depth + 1);
            if d + 1 > best.0 {
                best = (d + 1, end);
            }
        }
    }
    memo.insert(p, best);
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn growth(src: &str) -> Option<Growth> {
        backtracking(src).map(|b| b.growth)
    }

    fn fragment(src: &str) -> String {
        let b = backtracking(src).unwrap_or_else(|| panic!("{src} is not flagged"));
        src[b.start..b.end].to_string()
    }

    #[test]
    fn nested_repetitions_are_exponential() {
        for r in [
            r"^https://(a+)+\.example\.com$",
            r"^https://(a*)*\.example\.com$",
            r"^https://([a-z]+)*\.example\.com$",
            r"^https://([a-z0-9-]+\.?)+example\.com$",
            r"^https://(\w+\d*)+\.example$",
            r"^https://(?:a{1,10}){1,10}\.example$",
            r"^https://(a*b*)*$",
        ] {
            assert_eq!(growth(r), Some(Growth::Exponential), "{r}");
        }
        assert_eq!(fragment(r"^https://(a+)+\.example\.com$"), "(a+)+");
        assert_eq!(fragment(r"^https://x((a+)+b)*$"), "(a+)+");
    }

    #[test]
    fn overlapping_alternatives_under_a_repetition_are_exponential() {
        for r in [
            r"^https://(a|a)*\.example$",
            r"^https://(\w|\d)+\.example$",
            r"^https://(a|a?)+\.example$",
            r"^https://(a|ab|b)*\.example$",
            r"^https://([a-z]|[0-9a-f])+\.example$",
            r"(?i)^https://(a|A)+\.example$",
        ] {
            assert_eq!(growth(r), Some(Growth::Exponential), "{r}");
        }
        assert_eq!(fragment(r"^https://(\w|\d)+\.example$"), r"(\w|\d)+");
    }

    #[test]
    fn overlapping_repetitions_in_a_row_are_polynomial() {
        assert_eq!(growth(r"^https://\d*\d*$"), Some(Growth::Polynomial(2)));
        assert_eq!(growth(r"^https://.*.*$"), Some(Growth::Polynomial(2)));
        assert_eq!(growth(r"^https://\d*\d*\d*$"), Some(Growth::Polynomial(3)));
        assert_eq!(
            growth(r"^https://[a-z0-9]+[a-z0-9-]*\.example\.com$"),
            Some(Growth::Polynomial(2))
        );
        assert_eq!(fragment(r"^https://x\d*\d*y$"), r"\d*\d*");
        assert_eq!(
            fragment(r"^https://[a-z]+-?[a-z]+\.example$"),
            r"[a-z]+-?[a-z]+"
        );
    }

    #[test]
    fn common_safe_shapes_are_clean() {
        for r in [
            r"^https://([a-z0-9-]+\.)*example\.com$",
            r"^https://([a-z0-9-]+\.)+example\.com$",
            r"^https://([a-z0-9-]*\.)*example\.com(:[0-9]{1,5})?$",
            r"^https://[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.example\.com$",
            r"^https://([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+example\.com$",
            r"^https://[a-z]+(-[a-z]+)*\.example\.com$",
            r"^https://[a-z0-9-]+(\.[a-z0-9-]+)*\.example\.com$",
            r"^https://([a-z0-9]+[.-])*[a-z0-9]+\.example\.com$",
            r"^https://(a|ab)*\.example$",
            r"^https://.*\.example\.com$",
            r"^https://pr-[0-9]+\.preview\.example\.net$",
            r"^https://(pr-[0-9]+|main)\.preview\.example\.com$",
            r"^https://[a-z0-9-]*[a-z0-9]\.example\.com$",
            r"^https://(www\.)?example\.com$",
            r"^https://a{1000}\.example$",
            r"^https://(a{1000}){1000}$",
            r"^https://(app1|app2|admin)\.example\.com$",
            r"\Ahttps://a\.example\.com\z",
        ] {
            assert_eq!(backtracking(r), None, "{r}");
        }
    }

    #[test]
    fn large_regexes_are_judged_within_the_budget_or_not_at_all() {
        let names: Vec<String> = (0..800).map(|i| format!("app{i}")).collect();
        // Too many edges: not judged.
        let big_loop = format!(r"^https://(?:{})+\.example\.com$", names.join("|"));
        assert_eq!(backtracking(&big_loop), None);
        // No repetition around the names: judged, and clean.
        let list = format!(r"^https://(?:{})\.example\.com$", names.join("|"));
        assert_eq!(backtracking(&list), None);
        let mixed = format!(
            r"^https://(?:[a-z]{{1,5}}-?|{})+\.example$",
            names[..200].join("|")
        );
        assert_eq!(growth(&mixed), Some(Growth::Exponential));
        let row = format!(r"^https://{}$", r"\w*".repeat(60));
        assert!(matches!(growth(&row), Some(Growth::Polynomial(_))));
    }

    #[test]
    fn regexes_that_do_not_parse_are_not_judged() {
        assert_eq!(backtracking(r"^https://(a+$"), None);
    }
}
