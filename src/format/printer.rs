//! The walk over the syntax tree that lays a file out, placing the comments found in the gaps
//! between the tree's spans as it goes.
//!
//! Every element is written after the comments that stand before it in the source: a comment
//! alone on its line goes on a line of its own above the element, indented like it; a comment
//! after code stays at the end of the line that code was written on. Blank lines are kept where
//! the source had one or more (one at most), except right after an opening brace or bracket and
//! right before a closing one.

use super::comments::{blank_line_in, Comment};
use super::values::{self, Order};
use crate::source::Span;
use crate::syntax::ast::{
    AssignOp, Attribute, BodyItem, Directive, File, Item, PolicyDecl, ProfileDecl, SetDecl,
    ValueList,
};

/// One indent level.
const INDENT: usize = 4;
/// The widest line a list is written on before it is broken into one entry per line.
const MAX_WIDTH: usize = 100;
/// Blanks between code and a comment after it.
const COMMENT_GAP: usize = 2;

/// One output line.
#[derive(Debug, Default)]
struct Line {
    indent: usize,
    text: String,
    /// A comment at the end of the line.
    comment: Option<String>,
    /// The entries of one bracketed list share a group: their comments are aligned.
    group: Option<usize>,
    /// Opens a block or a list: no blank line follows it.
    opener: bool,
}

impl Line {
    fn is_blank(&self) -> bool {
        self.text.is_empty() && self.comment.is_none()
    }
}

/// What separates the next element from the one before it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Gap {
    /// Nothing: the element follows directly (after an attribute).
    None,
    /// One blank line if the source had at least one.
    Source,
    /// Exactly one blank line (between top-level items).
    One,
}

pub(super) struct Printer<'a> {
    text: &'a str,
    comments: Vec<Comment>,
    /// The next comment not yet written.
    next: usize,
    /// The end of what has been written, as a byte offset of the source.
    cursor: usize,
    lines: Vec<Line>,
    groups: usize,
}

impl<'a> Printer<'a> {
    pub(super) fn new(text: &'a str, comments: Vec<Comment>) -> Self {
        Printer {
            text,
            comments,
            next: 0,
            cursor: 0,
            lines: Vec::new(),
            groups: 0,
        }
    }

    /// Lays out the whole file.
    pub(super) fn file(mut self, file: &File) -> String {
        let col = column(file.items.iter().filter_map(|i| match i {
            Item::Directive(d) => Some(d),
            _ => None,
        }));
        for (k, item) in file.items.iter().enumerate() {
            let gap = if k == 0 { Gap::Source } else { Gap::One };
            match item {
                Item::Set(s) => self.set(s, gap),
                Item::Policy(p) => self.policy(p, gap),
                Item::Directive(d) => self.directive(d, 0, col, Order::of(&d.name.node), gap),
            }
        }
        self.lead(self.text.len(), 0, Gap::Source, true);
        self.render()
    }

    fn set(&mut self, s: &SetDecl, gap: Gap) {
        let kw = self.keyword_before(s.name.span.start, "origins", s.span.start);
        let gap = self.attributes(&s.attributes, 0, gap);
        self.lead(kw, 0, gap, false);
        let prefix = format!("origins {} = ", s.name.node);
        self.list(&s.values, 0, prefix, Order::AsWritten);
    }

    fn policy(&mut self, p: &PolicyDecl, gap: Gap) {
        let kw = self.keyword_before(p.name.span.start, "policy", p.span.start);
        let gap = self.attributes(&p.attributes, 0, gap);
        self.lead(kw, 0, gap, false);
        let brace = self.after_brace(p.name.span.end);
        self.open(0, format!("policy {} {{", p.name.node), brace);
        let col = column(p.body.iter().filter_map(|b| match b {
            BodyItem::Directive(d) => Some(d),
            BodyItem::Profile(_) => None,
        }));
        for item in &p.body {
            match item {
                BodyItem::Directive(d) => {
                    self.directive(d, INDENT, col, Order::of(&d.name.node), Gap::Source);
                }
                BodyItem::Profile(pr) => self.profile(pr),
            }
        }
        self.close(INDENT, 0, "}", p.span.end.saturating_sub(1));
    }

    fn profile(&mut self, p: &ProfileDecl) {
        let kw = self.keyword_before(p.name.span.start, "profile", p.span.start);
        let gap = self.attributes(&p.attributes, INDENT, Gap::Source);
        self.lead(kw, INDENT, gap, false);
        let brace = self.after_brace(p.name.span.end);
        self.open(INDENT, format!("profile {} {{", p.name.node), brace);
        let col = column(p.directives.iter());
        for d in &p.directives {
            let order = Order::of(&d.name.node);
            self.directive(d, 2 * INDENT, col, order, Gap::Source);
        }
        self.close(2 * INDENT, INDENT, "}", p.span.end.saturating_sub(1));
    }

    fn directive(&mut self, d: &Directive, indent: usize, col: usize, order: Order, gap: Gap) {
        let gap = self.attributes(&d.attributes, indent, gap);
        self.lead(d.name.span.start, indent, gap, false);
        let mut prefix = head(d);
        let pad = col.saturating_sub(width(&prefix)).max(1);
        prefix.push_str(&" ".repeat(pad));
        self.list(&d.values, indent, prefix, order);
    }

    /// Writes attributes, one a line; returns the gap for what they annotate.
    fn attributes(&mut self, attrs: &[Attribute], indent: usize, gap: Gap) -> Gap {
        let mut gap = gap;
        for a in attrs {
            self.lead(a.span.start, indent, gap, false);
            let mut args: Vec<String> = a.args.iter().map(|s| s.node.clone()).collect();
            if let Some(r) = &a.reason {
                args.push(format!("reason = {}", values::quote(&r.node)));
            }
            self.push(indent, format!("@{}({})", a.name.node, args.join(", ")));
            self.cursor = a.span.end;
            gap = Gap::None;
        }
        gap
    }

    /// A value list after `prefix` (the directive's name and padding, or `origins NAME = `).
    fn list(&mut self, list: &ValueList, indent: usize, prefix: String, order: Order) {
        let (start, end) = (list.span.start, list.span.end);
        // Comments are in source order: the first one after the list's start says it all.
        let rest = &self.comments[self.next..];
        let first_after = rest.partition_point(|c| c.start <= start);
        let inside = rest.get(first_after).is_some_and(|c| c.start < end);
        let mut items: Vec<(String, Span)> = list
            .values
            .iter()
            .map(|v| (values::text(v), v.span))
            .collect();
        let sorted = !inside && order != Order::AsWritten;
        if sorted {
            order.sort(&mut items);
        }
        let one_line = items
            .iter()
            .map(|(t, _)| t.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        // A single value stays on its line however long: brackets around it would not help.
        let fits = indent + width(&prefix) + width(&one_line) <= MAX_WIDTH || items.len() < 2;
        if !inside && !list.bracketed && fits {
            self.push(indent, format!("{prefix}{one_line}"));
            self.cursor = end;
            return;
        }
        if !inside && items.is_empty() {
            self.push(indent, format!("{prefix}[]"));
            self.cursor = end;
            return;
        }
        let open_end = if list.bracketed { start + 1 } else { start };
        self.open(indent, format!("{prefix}["), open_end);
        let group = self.groups;
        self.groups += 1;
        for (text, at) in items {
            let gap = if sorted { Gap::None } else { Gap::Source };
            self.lead(at.start, indent + INDENT, gap, false);
            self.push(indent + INDENT, format!("{text},"));
            if let Some(l) = self.lines.last_mut() {
                l.group = Some(group);
            }
            self.cursor = self.cursor.max(at.end);
        }
        let close_at = if list.bracketed {
            end.saturating_sub(1)
        } else {
            end
        };
        self.close(indent + INDENT, indent, "]", close_at);
        self.cursor = end;
    }

    /// Writes a line that opens a block or a list; `after` is where the opening brace or
    /// bracket ends in the source (where the list starts, for a list written without brackets).
    fn open(&mut self, indent: usize, text: String, after: usize) {
        self.push(indent, text);
        if let Some(l) = self.lines.last_mut() {
            l.opener = true;
        }
        self.cursor = after;
    }

    /// Where the `{` after a block's name ends (only blanks lie between them).
    fn after_brace(&self, name_end: usize) -> usize {
        self.text
            .get(name_end..)
            .and_then(|t| t.find('{'))
            .map_or(name_end, |i| name_end + i + 1)
    }

    /// Writes the comments before a closing brace or bracket at `at`, then the closer.
    fn close(&mut self, inner: usize, indent: usize, closer: &str, at: usize) {
        self.lead(at, inner, Gap::Source, true);
        self.push(indent, closer.to_string());
        self.cursor = at + 1;
    }

    /// Writes every comment that starts before `pos`, then the blank line the element at `pos`
    /// gets (none for a closer).
    fn lead(&mut self, pos: usize, indent: usize, first: Gap, closer: bool) {
        let mut gap = first;
        while let Some(c) = self.comments.get(self.next).filter(|c| c.start < pos) {
            let c = c.clone();
            self.next += 1;
            if c.trailing && self.attach(&c.text) {
                self.cursor = c.end;
                continue;
            }
            self.gap(c.start, gap);
            gap = Gap::Source;
            self.push(indent, c.text);
            self.cursor = c.end;
        }
        if !closer {
            self.gap(pos, gap);
        }
    }

    fn gap(&mut self, pos: usize, gap: Gap) {
        let blank = match gap {
            Gap::None => false,
            Gap::One => true,
            Gap::Source => self.text.get(self.cursor..pos).is_some_and(blank_line_in),
        };
        if blank {
            let last = self.lines.last();
            if last.is_some_and(|l| !l.is_blank() && !l.opener) {
                self.lines.push(Line::default());
            }
        }
    }

    /// Puts a comment at the end of the last line; false when that line cannot take one.
    fn attach(&mut self, comment: &str) -> bool {
        match self.lines.last_mut() {
            Some(l) if !l.text.is_empty() && l.comment.is_none() => {
                l.comment = Some(comment.to_string());
                true
            }
            _ => false,
        }
    }

    fn push(&mut self, indent: usize, text: String) {
        self.lines.push(Line {
            indent,
            text,
            ..Line::default()
        });
    }

    /// Where the keyword that starts a declaration stands: the last `kw` before its name (only
    /// blanks lie between them).
    fn keyword_before(&self, name: usize, kw: &str, fallback: usize) -> usize {
        self.text
            .get(..name)
            .and_then(|t| t.rfind(kw))
            .unwrap_or(fallback)
    }

    fn render(self) -> String {
        let mut columns = vec![0; self.groups];
        for l in &self.lines {
            if let (Some(g), Some(_)) = (l.group, &l.comment) {
                columns[g] = columns[g].max(l.indent + width(&l.text));
            }
        }
        let mut out = String::new();
        let mut lines = self.lines;
        while lines.last().is_some_and(Line::is_blank) {
            lines.pop();
        }
        for l in &lines {
            if l.is_blank() {
                out.push('\n');
                continue;
            }
            let mut s = " ".repeat(l.indent);
            s.push_str(&l.text);
            if let Some(c) = &l.comment {
                let used = width(&s);
                let target = match l.group {
                    Some(g) => columns[g] + COMMENT_GAP,
                    None => used + COMMENT_GAP,
                };
                if !l.text.is_empty() {
                    s.push_str(&" ".repeat(target.saturating_sub(used).max(1)));
                }
                s.push_str(c);
            }
            out.push_str(s.trim_end());
            out.push('\n');
        }
        out
    }
}

/// A directive's name and operator, as written before its values.
fn head(d: &Directive) -> String {
    match &d.op {
        None => d.name.node.clone(),
        Some(op) => {
            let op = match op.node {
                AssignOp::Replace => "=",
                AssignOp::Add => "+=",
            };
            format!("{} {op}", d.name.node)
        }
    }
}

/// The column where the values of a block's directives start: its longest head and two blanks.
fn column<'d>(directives: impl Iterator<Item = &'d Directive>) -> usize {
    directives.map(|d| width(&head(d)) + 2).max().unwrap_or(0)
}

fn width(s: &str) -> usize {
    s.chars().count()
}
