//! What case-insensitive matching costs before it is paid: an estimate, from the syntax tree
//! alone, of how many code points the regex parser will case-fold when it translates a regex.
//!
//! `regex-syntax` (which the checker and the evaluator translate every regex with) folds the
//! case of a class under `(?i)` by visiting each code point of each of its ranges, and folds
//! again at every enclosing bracket and set operation. `(?i)[\x{0}-\x{10FFFF}]` is 22 bytes
//! and costs milliseconds; a file of such regexes costs seconds per kilobyte. Since origins are
//! ASCII, no policy needs wide classes folded: the checker refuses a file whose regexes would
//! fold more than [`crate::limits::MAX_REGEX_FOLD`] code points, without translating them.
//!
//! The estimate is an upper bound: it counts every code point a class item covers, whether or
//! not it has another case, and counts a whole regex as case-insensitive if it sets `i`
//! anywhere.

use regex_syntax::ast::{
    self, Ast, ClassBracketed, ClassSetBinaryOp, ClassSetItem, Flag, FlagsItemKind,
};
use regex_syntax::hir::{Class, HirKind};

/// Every code point there is: the size of a negated class, once an outer level folds it.
const CODE_SPACE: u64 = 0x11_0000;

/// How many code points translating `src` would case-fold, at most; 0 when the regex never
/// sets the `i` flag or does not parse (the checker reports that on its own).
#[must_use]
pub fn fold_cost(src: &str) -> u64 {
    let Ok(tree) = ast::parse::Parser::new().parse(src) else {
        return 0;
    };
    let v = Cost {
        src,
        insensitive: false,
        total: 0,
        depth: 0,
    };
    match ast::visit(&tree, v) {
        Ok((true, total)) => total,
        _ => 0,
    }
}

struct Cost<'s> {
    src: &'s str,
    /// Whether the regex sets `i` anywhere (even to clear it: an upper bound).
    insensitive: bool,
    /// Code points folded, counted as if the whole regex were case-insensitive.
    total: u64,
    /// Brackets and set operations around the item being visited: each folds what it holds.
    depth: u64,
}

impl Cost<'_> {
    fn add(&mut self, points: u64) {
        self.total = self
            .total
            .saturating_add(points.saturating_mul(self.depth.max(1)));
    }

    fn flags(&mut self, flags: &ast::Flags) {
        if flags
            .items
            .iter()
            .any(|i| i.kind == FlagsItemKind::Flag(Flag::CaseInsensitive))
        {
            self.insensitive = true;
        }
    }

    /// The code points a `\p{…}`, `\w` or `[:alpha:]` stands for, read by translating it alone
    /// (case-sensitively, so without folding: a table lookup).
    fn standalone(&self, span: &ast::Span) -> u64 {
        let text = &self.src[span.start.offset..span.end.offset];
        let Ok(hir) = regex_syntax::Parser::new().parse(text) else {
            return CODE_SPACE;
        };
        match hir.kind() {
            HirKind::Class(Class::Unicode(c)) => c
                .ranges()
                .iter()
                .map(|r| u64::from(r.end()) - u64::from(r.start()) + 1)
                .sum(),
            HirKind::Class(Class::Bytes(c)) => c.ranges().len() as u64 * 256,
            _ => CODE_SPACE,
        }
    }

    /// The code points of `[:alpha:]` and its kind: at most 128, read the same way.
    fn standalone_ascii(&self, span: &ast::Span) -> u64 {
        let text = &self.src[span.start.offset..span.end.offset];
        match regex_syntax::Parser::new().parse(&format!("[{text}]")) {
            Ok(hir) => match hir.kind() {
                HirKind::Class(Class::Unicode(c)) => c
                    .ranges()
                    .iter()
                    .map(|r| u64::from(r.end()) - u64::from(r.start()) + 1)
                    .sum(),
                _ => 128,
            },
            Err(_) => 128,
        }
    }

    /// A bracketed class folds its items, then negates; the levels around it fold the result,
    /// which for a negated class is nearly every code point.
    fn bracket_entered(&mut self, b: &ClassBracketed) {
        if b.negated && self.depth > 0 {
            self.add(CODE_SPACE);
        }
        self.depth += 1;
    }
}

impl ast::Visitor for Cost<'_> {
    /// Whether the regex sets `i` anywhere, and the code points it folds if it does.
    type Output = (bool, u64);
    type Err = ();

    fn finish(self) -> Result<(bool, u64), ()> {
        Ok((self.insensitive, self.total))
    }

    fn visit_pre(&mut self, a: &Ast) -> Result<(), ()> {
        match a {
            Ast::Flags(f) => self.flags(&f.flags),
            Ast::Group(g) => {
                if let ast::GroupKind::NonCapturing(f) = &g.kind {
                    self.flags(f);
                }
            }
            Ast::ClassUnicode(c) => {
                let n = self.standalone(&c.span);
                self.add(n);
            }
            Ast::ClassPerl(c) => {
                let n = self.standalone(&c.span);
                self.add(n);
            }
            Ast::ClassBracketed(b) => self.bracket_entered(b),
            _ => {}
        }
        Ok(())
    }

    fn visit_post(&mut self, a: &Ast) -> Result<(), ()> {
        if let Ast::ClassBracketed(_) = a {
            self.depth -= 1;
        }
        Ok(())
    }

    fn visit_class_set_item_pre(&mut self, item: &ClassSetItem) -> Result<(), ()> {
        match item {
            ClassSetItem::Literal(_) => self.add(1),
            ClassSetItem::Range(r) => {
                let n = u64::from(r.end.c) - u64::from(r.start.c) + 1;
                self.add(n);
            }
            ClassSetItem::Ascii(a) => {
                let n = self.standalone_ascii(&a.span);
                self.add(n);
            }
            ClassSetItem::Unicode(c) => {
                let n = self.standalone(&c.span);
                self.add(n);
            }
            ClassSetItem::Perl(c) => {
                let n = self.standalone(&c.span);
                self.add(n);
            }
            ClassSetItem::Bracketed(b) => self.bracket_entered(b),
            ClassSetItem::Empty(_) | ClassSetItem::Union(_) => {}
        }
        Ok(())
    }

    fn visit_class_set_item_post(&mut self, item: &ClassSetItem) -> Result<(), ()> {
        if let ClassSetItem::Bracketed(_) = item {
            self.depth -= 1;
        }
        Ok(())
    }

    fn visit_class_set_binary_op_pre(&mut self, _: &ClassSetBinaryOp) -> Result<(), ()> {
        self.depth += 1;
        Ok(())
    }

    fn visit_class_set_binary_op_post(&mut self, _: &ClassSetBinaryOp) -> Result<(), ()> {
        self.depth -= 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_sensitive_regexes_cost_nothing() {
        assert_eq!(fold_cost(r"^https://[\x{0}-\x{10FFFF}]$"), 0);
        assert_eq!(fold_cost(r"^https://\p{Any}+$"), 0);
        assert_eq!(fold_cost("(unclosed"), 0);
    }

    #[test]
    fn ranges_literals_and_classes_count_their_code_points() {
        assert_eq!(fold_cost(r"(?i)[a-z]"), 26);
        assert_eq!(fold_cost(r"(?i)[abc]"), 3);
        assert_eq!(fold_cost(r"(?i:[\x{0}-\x{10FFFF}])"), CODE_SPACE);
        assert_eq!(fold_cost(r"(?i)\d"), fold_cost(r"(?i)[\d]"));
        assert!(fold_cost(r"(?i)\w") > 100_000);
        assert_eq!(fold_cost(r"(?i)[[:alpha:]]"), 52);
    }

    #[test]
    fn nesting_and_negation_fold_again() {
        // The inner bracket folds `a`, the outer folds it again.
        assert_eq!(fold_cost(r"(?i)[[a]]"), 2);
        // The negated inner class is nearly every code point when the outer one folds it.
        assert!(fold_cost(r"(?i)[[^a]]") > CODE_SPACE);
        // A top-level negated class folds what it lists, then negates: cheap.
        assert_eq!(fold_cost(r"(?i)[^a]"), 1);
        // Each side of a set operation is folded, and then its result.
        assert_eq!(fold_cost(r"(?i)[a-z--q]"), 2 * 27);
    }
}
