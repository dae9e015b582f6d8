//! The shape of a regex: parsing it, its anchors, the full-match form corsc compiles it to,
//! its largest repetition count and its size once compiled.

use regex_syntax::ast::{self, Ast};
use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// The syntax tree of a regex as corsc reads it; `None` if it does not parse (the checker
/// refuses such a regex with `invalid-regex`).
#[must_use]
pub fn parse(src: &str) -> Option<Ast> {
    ast::parse::Parser::new().parse(src).ok()
}

/// The compiled form of a regex as corsc reads it, or why it does not parse: the checker's
/// test of a `regex` origin.
///
/// # Errors
/// The parser's message, when the regex is not one corsc accepts.
pub fn hir(src: &str) -> Result<Hir, String> {
    TRANSLATED.with(|memo| {
        if let Some(known) = memo.borrow().get(src) {
            return known.clone();
        }
        let translated = regex_syntax::Parser::new()
            .parse(src)
            .map_err(|e| e.to_string());
        let mut memo = memo.borrow_mut();
        if memo.len() >= MEMO_ENTRIES {
            memo.clear();
        }
        memo.insert(src.to_owned(), translated.clone());
        translated
    })
}

/// How many translations [`hir`] keeps: a file is checked once for its base policies and once
/// per profile, and each run (and each lint rule) asks for the same regexes again, which under
/// `(?i)` costs up to milliseconds each. Bounded so a file of a million regexes cannot hold
/// them all.
const MEMO_ENTRIES: usize = 4096;

thread_local! {
    static TRANSLATED: std::cell::RefCell<std::collections::HashMap<String, Result<Hir, String>>> =
        std::cell::RefCell::default();
}

/// Which ends of the regex are anchored to the ends of the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Anchors {
    /// Every match starts at the start of the text (`^` or `\A`, in every branch).
    pub start: bool,
    /// Every match ends at the end of the text (`$` or `\z`, in every branch).
    pub end: bool,
}

/// The anchors of a regex searched as written; `None` if it does not parse.
#[must_use]
pub fn anchors(src: &str) -> Option<Anchors> {
    let h = hir(src).ok()?;
    let p = h.properties();
    Some(Anchors {
        start: p.look_set_prefix().contains(Look::Start),
        end: p.look_set_suffix().contains(Look::End),
    })
}

/// Whether the regex is `^…$` as a whole: a concatenation that starts with `^` and ends with
/// `$` (an alternation `^a|b$` is not).
#[must_use]
pub fn is_anchored(tree: &Ast) -> bool {
    let Ast::Concat(c) = tree else {
        return false;
    };
    let start = matches!(c.asts.first(), Some(Ast::Assertion(a)) if matches!(a.kind, ast::AssertionKind::StartLine | ast::AssertionKind::StartText));
    let end = matches!(c.asts.last(), Some(Ast::Assertion(a)) if matches!(a.kind, ast::AssertionKind::EndLine | ast::AssertionKind::EndText));
    start && end && c.asts.len() >= 2
}

/// The regex as a full match of the whole text, which is how corsc compiles every `regex`
/// origin and how the evaluator matches it: unchanged when it is `^…$` as a whole, else
/// `^(?:…)$`. Every engine reads the result the same way, whether the target's call searches
/// (nginx `~`, `re.search`, `RegExp.test`) or matches whole (Java's `matches`).
#[must_use]
pub fn full_match(src: &str, tree: &Ast) -> String {
    if is_anchored(tree) {
        src.to_string()
    } else {
        format!("^(?:{src})$")
    }
}

/// The largest count written in a repetition (`{n}`, `{n,}`, `{n,m}`), if any.
#[must_use]
pub fn max_repeat(tree: &Ast) -> Option<u32> {
    match tree {
        Ast::Repetition(r) => {
            let own = match &r.op.kind {
                ast::RepetitionKind::Range(range) => Some(match *range {
                    ast::RepetitionRange::Exactly(n) | ast::RepetitionRange::AtLeast(n) => n,
                    ast::RepetitionRange::Bounded(a, b) => a.max(b),
                }),
                _ => None,
            };
            own.max(max_repeat(&r.ast))
        }
        Ast::Group(g) => max_repeat(&g.ast),
        Ast::Alternation(a) => a.asts.iter().filter_map(max_repeat).max(),
        Ast::Concat(c) => c.asts.iter().filter_map(max_repeat).max(),
        _ => None,
    }
}

/// The size of a regex with its repetitions expanded (`(a{100}){100}` is 10,000) and a large
/// Unicode class (`\w`, `.`, `\p{L}`) counted as 100: what engines spend compiling it.
#[must_use]
pub fn weight(hir: &Hir) -> u64 {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => 1,
        HirKind::Literal(l) => l.0.len() as u64,
        HirKind::Class(Class::Unicode(c)) => {
            let small = c.ranges().len() <= 8 && c.ranges().iter().all(|r| r.end().is_ascii());
            if small {
                1
            } else {
                100
            }
        }
        HirKind::Class(Class::Bytes(_)) => 1,
        HirKind::Repetition(r) => {
            let count = r.max.unwrap_or(r.min.saturating_add(1)).max(1);
            weight(&r.sub).saturating_mul(u64::from(count))
        }
        HirKind::Capture(c) => weight(&c.sub),
        HirKind::Concat(v) | HirKind::Alternation(v) => {
            v.iter().map(weight).fold(0u64, u64::saturating_add)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_must_hold_in_every_branch() {
        let a = |s| anchors(s).map(|a| (a.start, a.end));
        assert_eq!(a(r"^https://a\.example$"), Some((true, true)));
        assert_eq!(
            a(r"(^https://a\.ru)|(^https://b\.ru)$"),
            Some((true, false))
        );
        assert_eq!(a(r"https://a\.example"), Some((false, false)));
        assert_eq!(a(r"\Ahttps://(a|b)\.example\z"), Some((true, true)));
    }

    #[test]
    fn anchoring_is_decided_on_the_syntax_tree() {
        let p = |s: &str| parse(s).expect("parses");
        assert!(is_anchored(&p(r"^https://a\.example$")));
        assert!(is_anchored(&p(r"^(a|b)$")));
        assert!(!is_anchored(&p(r"^a|b$")));
        assert!(!is_anchored(&p(r"https://a\.example")));
        assert!(!is_anchored(&p(r"^https://a\.example\$")));
        assert_eq!(max_repeat(&p(r"^a{3}(b{2,70}){5,}$")), Some(70));
        assert_eq!(max_repeat(&p(r"^a+$")), None);
    }

    #[test]
    fn full_match_wraps_what_is_not_anchored_as_a_whole() {
        let f = |s: &str| full_match(s, &parse(s).expect("parses"));
        assert_eq!(f(r"^https://a\.example$"), r"^https://a\.example$");
        assert_eq!(f(r"^a|b$"), r"^(?:^a|b$)$");
        assert_eq!(f(r"a\.example"), r"^(?:a\.example)$");
    }
}
