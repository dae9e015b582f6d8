//! What the regex rules need to know about a `regex "…"` origin: its anchors, its bare dots,
//! its over-broad repetitions, which origins it matches, which syntax other engines lack, and
//! whether a backtracking engine can take exponential or polynomial time on it.
//!
//! The checker has already parsed every regex, so a parse failure here is impossible in
//! practice; every function then answers "nothing to report" rather than guessing.
//!
//! The rules judge the regex as written, searched the way a server that takes it as it is
//! would search it (nginx `~`, Apache `SetEnvIf`, `RegExp.test`, `re.search`): it matches any
//! origin that *contains* a match. corsc's own output is safer (it compiles every regex to a
//! full match, [`crate::regex::full_match`]), but a policy is also read, copied and reused as
//! written. Which engines read which syntax is the regex model's ([`crate::regex`]), shared with
//! the compile step.

use crate::regex::{parse as parse_ast, Backtracking, Construct};
use regex_syntax::ast::Ast;
use regex_syntax::hir::{Class, HirKind};

pub(crate) use crate::regex::anchors;

/// Origins that anyone can serve a page from, one per scheme an attacker would use.
const ATTACKER_ORIGINS: &[&str] = &["https://attacker.invalid", "http://attacker.invalid"];

/// The attacker-chosen origin the regex matches, if it matches one: such a regex accepts every
/// origin on the web, like reflecting the `Origin` header.
///
/// Several rules ask this of every regex entry, once per profile, and compiling a regex costs
/// far more than matching two short strings; the answers are remembered per thread (a bounded
/// map, emptied when full), so each regex is compiled once per lint in practice.
pub(crate) fn matches_any_origin(src: &str) -> Option<&'static str> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    const KEEP: usize = 1024;
    thread_local! {
        static SEEN: RefCell<HashMap<String, Option<&'static str>>> = RefCell::new(HashMap::new());
    }
    if let Some(known) = SEEN.with(|m| m.borrow().get(src).copied()) {
        return known;
    }
    let answer = regex::Regex::new(src)
        .ok()
        .and_then(|re| ATTACKER_ORIGINS.iter().copied().find(|o| re.is_match(o)));
    SEEN.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= KEEP {
            m.clear();
        }
        m.insert(src.to_string(), answer);
    });
    answer
}

/// The catastrophic backtracking the regex allows, judged on the regex as written (corsc
/// compiles it to a full match, `^(?:…)$`, whose anchors read nothing and change nothing
/// here). Remembered per thread like [`matches_any_origin`]: the analysis builds an automaton,
/// and lint asks once per profile.
pub(crate) fn backtracking(src: &str) -> Option<Backtracking> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    const KEEP: usize = 1024;
    thread_local! {
        static SEEN: RefCell<HashMap<String, Option<Backtracking>>> = RefCell::new(HashMap::new());
    }
    if let Some(known) = SEEN.with(|m| m.borrow().get(src).cloned()) {
        return known;
    }
    let answer = crate::regex::backtracking(src);
    SEEN.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= KEEP {
            m.clear();
        }
        m.insert(src.to_string(), answer.clone());
    });
    answer
}

/// Every `.` that is not repeated: each stands for exactly one character of any kind, which is
/// almost always a host's literal dot written without its backslash. Returned as the text
/// around the dot, for the message.
pub(crate) fn bare_dots(src: &str) -> Vec<String> {
    let Some(a) = parse_ast(src) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    walk_dots(&a, false, src, &mut out);
    out
}

fn walk_dots(a: &Ast, repeated: bool, src: &str, out: &mut Vec<String>) {
    match a {
        Ast::Dot(span) if !repeated => out.push(context(src, span.start.offset, span.end.offset)),
        Ast::Repetition(r) => walk_dots(&r.ast, true, src, out),
        Ast::Group(g) => walk_dots(&g.ast, repeated, src, out),
        Ast::Concat(c) => c.asts.iter().for_each(|x| walk_dots(x, false, src, out)),
        Ast::Alternation(alt) => alt.asts.iter().for_each(|x| walk_dots(x, false, src, out)),
        _ => {}
    }
}

/// Up to six characters each side of a byte range, for a message.
fn context(src: &str, start: usize, end: usize) -> String {
    let before: String = {
        let mut v: Vec<char> = src[..start].chars().rev().take(6).collect();
        v.reverse();
        v.into_iter().collect()
    };
    let after: String = src[end..].chars().take(6).collect();
    format!("{before}{}{after}", &src[start..end])
}

/// Characters a host never contains but some browsers put in `Origin` anyway (Safari accepts
/// several of them in host names), plus the URL delimiters that end a host.
const QUIRK_CHARS: &[char] = &[
    '_', '`', '%', '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', '~', '{', '}', '|', '@',
    '?', '#', '/', ' ', '"', '<', '>', '^',
];

/// Why one repetition of a regex is broader than a host label, if it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Overbroad {
    /// The repetition as written.
    pub(crate) fragment: String,
    /// What it lets in.
    pub(crate) reason: String,
}

/// Repetitions that admit more than DNS label characters, and repetitions of letters that run
/// straight into a literal without a `.` between them (no label boundary).
pub(crate) fn overbroad(src: &str) -> Vec<Overbroad> {
    let Some(a) = parse_ast(src) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    walk_broad(&a, src, &mut out);
    out
}

fn strip_groups(a: &Ast) -> &Ast {
    match a {
        Ast::Group(g) => strip_groups(&g.ast),
        other => other,
    }
}

/// The class a single-character AST stands for, translated with the pattern's defaults.
fn class_of(a: &Ast, src: &str) -> Option<Class> {
    let single = matches!(
        a,
        Ast::Dot(_) | Ast::ClassPerl(_) | Ast::ClassBracketed(_) | Ast::ClassUnicode(_)
    );
    if !single {
        return None;
    }
    let h = regex_syntax::hir::translate::Translator::new()
        .translate(src, a)
        .ok()?;
    match h.kind() {
        HirKind::Class(c) => Some(c.clone()),
        _ => None,
    }
}

fn admits(c: &Class, ch: char) -> bool {
    match c {
        Class::Unicode(u) => u.ranges().iter().any(|r| r.start() <= ch && ch <= r.end()),
        Class::Bytes(b) => u8::try_from(ch)
            .is_ok_and(|x| b.ranges().iter().any(|r| r.start() <= x && x <= r.end())),
    }
}

fn walk_broad(a: &Ast, src: &str, out: &mut Vec<Overbroad>) {
    match a {
        Ast::Repetition(r) => {
            let sub = strip_groups(&r.ast);
            if let Some(c) = class_of(sub, src) {
                let odd: Vec<char> = QUIRK_CHARS
                    .iter()
                    .copied()
                    .filter(|&ch| admits(&c, ch))
                    .collect();
                if !odd.is_empty() {
                    let shown: String = odd
                        .iter()
                        .take(4)
                        .map(|&ch| {
                            if ch == '`' {
                                "a backtick".to_string()
                            } else {
                                format!("`{ch}`")
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(", ");
                    out.push(Overbroad {
                        fragment: src[r.span.start.offset..r.span.end.offset].to_string(),
                        reason: format!("admits characters no host contains, such as {shown}"),
                    });
                    return;
                }
            }
            walk_broad(&r.ast, src, out);
        }
        Ast::Group(g) => walk_broad(&g.ast, src, out),
        Ast::Alternation(alt) => alt.asts.iter().for_each(|x| walk_broad(x, src, out)),
        Ast::Concat(c) => {
            for (i, x) in c.asts.iter().enumerate() {
                walk_broad(x, src, out);
                let Ast::Repetition(r) = x else { continue };
                let letters = class_of(strip_groups(&r.ast), src).is_some_and(|c| admits(&c, 'a'));
                let next_alnum = matches!(
                    c.asts.get(i + 1),
                    Some(Ast::Literal(l)) if l.c.is_ascii_alphanumeric()
                );
                if letters && next_alnum {
                    let end = c.asts[i + 1].span().end.offset;
                    let mut tail_end = end;
                    for y in &c.asts[i + 1..] {
                        match y {
                            Ast::Literal(l) if l.c.is_ascii_alphanumeric() || l.c == '-' => {
                                tail_end = y.span().end.offset;
                            }
                            _ => break,
                        }
                    }
                    let word = &src[c.asts[i + 1].span().start.offset..tail_end];
                    out.push(Overbroad {
                        fragment: src[r.span.start.offset..tail_end].to_string(),
                        reason: format!(
                            "has no label boundary before `{word}`, so `evil{word}` matches too"
                        ),
                    });
                }
            }
        }
        _ => {}
    }
}

/// A syntax feature of the regex that some engines do not have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Unportable {
    /// The feature as written.
    pub(crate) fragment: String,
    /// What it is.
    pub(crate) feature: &'static str,
    /// The engines that reject it or read it differently.
    pub(crate) engines: &'static str,
}

/// Syntax in the regex that PCRE (nginx, Apache), RE2, JavaScript or Python reads otherwise
/// than corsc, once per feature and fragment, in the order written.
pub(crate) fn unportable(src: &str) -> Vec<Unportable> {
    let Some(a) = parse_ast(src) else {
        return Vec::new();
    };
    let mut out: Vec<Unportable> = Vec::new();
    for f in crate::regex::constructs(&a) {
        let c: Construct = f.construct;
        if c.portable() {
            continue;
        }
        let fragment = src[f.start..f.end].to_string();
        if !out
            .iter()
            .any(|u| u.feature == c.feature() && u.fragment == fragment)
        {
            out.push(Unportable {
                fragment,
                feature: c.feature(),
                engines: c.engines(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_dots_are_found_and_repeated_ones_are_not() {
        assert_eq!(
            bare_dots(r"^https://api.example\.com$"),
            vec!["://api.exampl".to_string()]
        );
        assert!(bare_dots(r"^https://.*\.example\.com$").is_empty());
        assert!(bare_dots(r"^https://api\.example\.com$").is_empty());
    }

    #[test]
    fn overbroad_repetitions() {
        assert_eq!(overbroad(r"^https://.*\.example\.com$").len(), 1);
        assert_eq!(overbroad(r"^https://[^/]+\.example\.com$").len(), 1);
        assert_eq!(overbroad(r"^https://\w+\.example\.com$").len(), 1);
        let r = overbroad(r"^https://[a-z]+example\.com$");
        assert_eq!(r.len(), 1, "{r:?}");
        assert!(r[0].reason.contains("`example`"), "{r:?}");
        assert!(overbroad(r"^https://([a-z0-9-]+\.)*example\.com(:[0-9]{1,5})?$").is_empty());
        assert!(overbroad(r"^https://pr-[0-9]+\.preview\.example\.net$").is_empty());
    }

    #[test]
    fn any_origin_by_probing() {
        assert!(matches_any_origin(".*").is_some());
        assert!(matches_any_origin(r"^https://.+$").is_some());
        assert!(matches_any_origin(r"^https://[a-z]+\.example\.com$").is_none());
    }

    #[test]
    fn portability_features() {
        assert!(unportable(r"^https://[a-z]+\.example\.com$").is_empty());
        assert_eq!(unportable(r"\Ahttps://a\.example\z").len(), 2);
        assert_eq!(unportable(r"^https://(?P<t>[a-z]+)\.example$").len(), 1);
        assert_eq!(unportable(r"^https://[[:alpha:]]+\.example$").len(), 1);
        assert_eq!(unportable(r"(?i)^https://a\.example$").len(), 1);
        // Escapes every engine reads alike, and ones some engine reads otherwise.
        assert!(unportable(r"^https://a\x2e[\t]example$").is_empty());
        assert_eq!(unportable(r"^https://a[\x{2e}]\u002e\a\v$").len(), 4);
        assert_eq!(unportable(r"^https://a**$").len(), 1);
    }
}

/// A `regex` entry asked whether it matches exact origins, as corsc's output matches it (a
/// full match). Compiling a regex costs far more than the questions most policies ask, so it
/// is compiled only when an origin starts with one of the literal prefixes every match must
/// start with (none known: always).
pub(crate) struct OriginRegex<'a> {
    src: &'a str,
    /// The literals every match starts with, when finitely many are known.
    prefixes: Option<Vec<Vec<u8>>>,
    compiled: std::cell::OnceCell<Option<regex::Regex>>,
}

impl<'a> OriginRegex<'a> {
    /// The entry's regex, not compiled yet.
    pub(crate) fn new(src: &'a str) -> Self {
        use regex_syntax::hir::literal::{ExtractKind, Extractor};
        let prefixes = crate::regex::hir(src).ok().and_then(|hir| {
            let seq = Extractor::new().kind(ExtractKind::Prefix).extract(&hir);
            seq.literals()
                .map(|lits| lits.iter().map(|l| l.as_bytes().to_vec()).collect())
        });
        Self {
            src,
            prefixes,
            compiled: std::cell::OnceCell::new(),
        }
    }

    /// Whether the regex matches the whole of `origin` (a regex that does not compile matches
    /// nothing).
    pub(crate) fn is_match(&self, origin: &str) -> bool {
        if let Some(p) = &self.prefixes {
            if !p.iter().any(|l| origin.as_bytes().starts_with(l)) {
                return false;
            }
        }
        self.compiled
            .get_or_init(|| {
                let tree = parse_ast(self.src)?;
                regex::Regex::new(&crate::regex::full_match(self.src, &tree)).ok()
            })
            .as_ref()
            .is_some_and(|re| re.is_match(origin))
    }
}

#[cfg(test)]
mod origin_regex_tests {
    use super::OriginRegex;

    #[test]
    fn matches_whole_origins_and_skips_compiling_when_no_prefix_fits() {
        let r = OriginRegex::new(r"^https://pr-[0-9]+\.preview\.example\.com$");
        assert!(r.is_match("https://pr-12.preview.example.com"));
        assert!(!r.is_match("https://pr-12.preview.example.com.evil"));
        let r = OriginRegex::new(r"^https://pr-[0-9]+\.example\.com$");
        assert!(!r.is_match("https://app.example.com"));
        assert!(
            r.compiled.get().is_none(),
            "no origin started with `https://pr-`"
        );
        // Unanchored, as corsc compiles it: a full match.
        let r = OriginRegex::new(r"https://(a|b)\.example\.com");
        assert!(r.is_match("https://b.example.com"));
        assert!(!r.is_match("https://b.example.com.evil"));
    }
}
