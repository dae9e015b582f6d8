//! The constructs of a regex that not every engine reads as corsc does, and which engine
//! reads which.

use super::engine::Engine;
use regex_syntax::ast::{self, Ast};

/// A construct outside the core that every engine reads alike (literals, `.`, classes with
/// ranges and `\d \w \s`, plain groups, alternation, one quantifier per item, `^ $ \b \B`, and
/// the escapes `\t \n \r \f \xHH` and of punctuation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Construct {
    /// `\A`, `\z`.
    TextAnchor,
    /// `\<`, `\>`, `\b{start}` and the like.
    DirectionalWordBoundary,
    /// `(?i)`: flags for the rest of the group.
    InlineFlags,
    /// `(?i:…)`: a group with flags.
    GroupFlags,
    /// `(?P<name>…)`.
    NamedGroupP,
    /// `(?<name>…)`.
    NamedGroupAngle,
    /// `\p{…}`, `\P{…}`, `\pL`.
    UnicodeClass,
    /// `[[:alpha:]]`.
    PosixClass,
    /// `[a[b]]`.
    NestedClass,
    /// `[a&&b]`, `[a--b]`, `[a~~b]`.
    ClassSetOperation,
    /// `\x{…}`.
    BraceHexEscape,
    /// `\uHHHH`.
    ShortUnicodeEscape,
    /// `\UHHHHHHHH`.
    LongUnicodeEscape,
    /// `\a`, the bell character.
    BellEscape,
    /// `\v`, the vertical tab.
    VerticalTabEscape,
    /// Any other escape of a character (`\ ` in verbose mode, octal).
    OtherEscape,
    /// A quantifier on an assertion or on another quantifier: `^*`, `a**`, `a*+`.
    RepeatedRepetition,
}

impl Construct {
    /// Whether `engine` accepts the construct and reads it as corsc (Rust's `regex`) does.
    ///
    /// Sources: the PCRE2 pattern manual (`pcre2pattern`), ECMA-262 §22.2 without the `u` and
    /// `v` flags, Python's `re` documentation, Go's `regexp/syntax` documentation and Java's
    /// `Pattern` documentation.
    #[must_use]
    pub fn read_alike_by(self, engine: Engine) -> bool {
        use Construct as C;
        use Engine as E;
        match (self, engine) {
            (_, E::Rust) => true,
            // Ruby (Onigmo) spells flags otherwise (`m` is dot-all), names groups `(?<n>…)` only,
            // reads `\v`, `\x{…}`, POSIX and Unicode classes in its own way: only what the
            // portable subset holds is taken as read alike, plus `\A`/`\z` and `\a`.
            (C::TextAnchor | C::BellEscape, E::Ruby) => true,
            (_, E::Ruby) => false,
            (C::TextAnchor, E::Pcre | E::Re2 | E::Java) => true,
            (C::TextAnchor, E::JavaScript | E::Python) => false,
            (C::DirectionalWordBoundary, _) => false,
            (C::InlineFlags, E::Pcre | E::Re2 | E::Java) => true,
            // Python refuses global flags anywhere but at the very start.
            (C::InlineFlags, E::JavaScript | E::Python) => false,
            (C::GroupFlags, E::JavaScript) => false,
            (C::GroupFlags, _) => true,
            (C::NamedGroupP, E::Pcre | E::Python | E::Re2) => true,
            (C::NamedGroupP, E::JavaScript | E::Java) => false,
            (C::NamedGroupAngle, E::Python) => false,
            (C::NamedGroupAngle, _) => true,
            (C::UnicodeClass, E::Pcre | E::Re2 | E::Java) => true,
            (C::UnicodeClass, E::JavaScript | E::Python) => false,
            (C::PosixClass, E::Pcre | E::Re2) => true,
            (C::PosixClass, E::JavaScript | E::Python | E::Java) => false,
            // Java reads `[a[b]]` as a union and `&&` as an intersection, as Rust does.
            (C::NestedClass | C::ClassSetOperation, E::Java) => true,
            (C::NestedClass | C::ClassSetOperation, _) => false,
            (C::BraceHexEscape, E::Pcre | E::Re2 | E::Java) => true,
            (C::BraceHexEscape, E::JavaScript | E::Python) => false,
            (C::ShortUnicodeEscape, E::JavaScript | E::Python | E::Java) => true,
            (C::ShortUnicodeEscape, E::Pcre | E::Re2) => false,
            (C::LongUnicodeEscape, E::Python) => true,
            (C::LongUnicodeEscape, _) => false,
            // JavaScript reads `\a` as `a`.
            (C::BellEscape, E::JavaScript) => false,
            (C::BellEscape, _) => true,
            // PCRE and Java read `\v` as any vertical space.
            (C::VerticalTabEscape, E::Pcre | E::Java) => false,
            (C::VerticalTabEscape, _) => true,
            (C::OtherEscape | C::RepeatedRepetition, _) => false,
        }
    }

    /// Whether every engine a target hands regexes to reads the construct as corsc does.
    #[must_use]
    pub fn portable(self) -> bool {
        Engine::TARGETED.iter().all(|e| self.read_alike_by(*e))
    }

    /// What the construct is, in the words of the lint rule `regex-not-portable`.
    #[must_use]
    pub fn feature(self) -> &'static str {
        match self {
            Construct::TextAnchor => "a text anchor (`\\A`, `\\z`)",
            Construct::DirectionalWordBoundary => {
                "a directional word boundary (`\\<`, `\\>`, `\\b{start}`)"
            }
            Construct::InlineFlags | Construct::GroupFlags => "an inline flag group",
            Construct::NamedGroupP => "a `(?P<name>…)` group",
            Construct::NamedGroupAngle => "a `(?<name>…)` group",
            Construct::UnicodeClass => "a Unicode class (`\\p{…}`)",
            Construct::PosixClass => "a POSIX class (`[[:alpha:]]`)",
            Construct::NestedClass => "a nested character class",
            Construct::ClassSetOperation => "a class set operation (`&&`, `--`, `~~`)",
            Construct::BraceHexEscape => "a `\\x{…}` escape",
            Construct::ShortUnicodeEscape => "a `\\u` escape",
            Construct::LongUnicodeEscape => "a `\\U` escape",
            Construct::BellEscape => "a `\\a` escape",
            Construct::VerticalTabEscape => "a `\\v` escape",
            Construct::OtherEscape => "an escape",
            Construct::RepeatedRepetition => {
                "a quantifier on an assertion or on another quantifier (`^*`, `a**`)"
            }
        }
    }

    /// The targeted engines that reject the construct or read it otherwise, and what to write
    /// instead, in the words of the lint rule `regex-not-portable`.
    #[must_use]
    pub fn engines(self) -> &'static str {
        match self {
            Construct::TextAnchor => "JavaScript has neither; Python spells `\\z` as `\\Z`",
            Construct::DirectionalWordBoundary => {
                "PCRE (nginx, Apache), RE2, JavaScript and Python lack it"
            }
            Construct::InlineFlags | Construct::GroupFlags => {
                "JavaScript has no inline flags; Python allows them only at the very start"
            }
            Construct::NamedGroupP => "JavaScript lacks this spelling; write `(…)`",
            Construct::NamedGroupAngle => "Python lacks this spelling; write `(…)`",
            Construct::UnicodeClass => "Python's `re` lacks it; JavaScript needs the `u` flag",
            Construct::PosixClass => "JavaScript and Python lack it",
            Construct::NestedClass => {
                "PCRE (nginx, Apache), RE2, JavaScript and Python read `[` inside a class as a literal"
            }
            Construct::ClassSetOperation => {
                "PCRE (nginx, Apache), RE2, JavaScript and Python read it as literal characters"
            }
            Construct::BraceHexEscape => "JavaScript and Python lack it; write the character",
            Construct::ShortUnicodeEscape => {
                "PCRE (nginx, Apache) and RE2 lack it; write the character"
            }
            Construct::LongUnicodeEscape => {
                "PCRE (nginx, Apache), RE2 and JavaScript lack it; write the character"
            }
            Construct::BellEscape => "JavaScript reads it as `a`; write `\\x07`",
            Construct::VerticalTabEscape => {
                "PCRE (nginx, Apache) reads it as any vertical space; write `\\x0b`"
            }
            Construct::OtherEscape => {
                "PCRE (nginx, Apache), RE2, JavaScript and Python read it differently; write the character"
            }
            Construct::RepeatedRepetition => {
                "PCRE (nginx, Apache), RE2, JavaScript and Python refuse it or read it as another regex"
            }
        }
    }
}

/// One construct found in a regex.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Found {
    /// Which construct.
    pub construct: Construct,
    /// Where it is, in bytes of the regex source.
    pub start: usize,
    /// The end of it, exclusive.
    pub end: usize,
    /// For an escape, the character it stands for.
    pub escaped: Option<char>,
}

/// Every construct of `tree` outside the common core, in the order they are written (a group
/// or class before what it contains).
#[must_use]
pub fn constructs(tree: &Ast) -> Vec<Found> {
    ast::visit(tree, Finder { out: Vec::new() }).unwrap_or_default()
}

struct Finder {
    out: Vec<Found>,
}

impl Finder {
    fn push(&mut self, construct: Construct, span: &ast::Span) {
        self.out.push(Found {
            construct,
            start: span.start.offset,
            end: span.end.offset,
            escaped: None,
        });
    }

    fn literal(&mut self, l: &ast::Literal) {
        use ast::{HexLiteralKind as H, LiteralKind as L, SpecialLiteralKind as S};
        let construct = match &l.kind {
            L::Verbatim | L::Meta | L::Superfluous => return,
            L::HexFixed(H::X) => return,
            L::Special(S::Tab | S::LineFeed | S::CarriageReturn | S::FormFeed) => return,
            L::HexFixed(H::UnicodeShort) => Construct::ShortUnicodeEscape,
            L::HexFixed(H::UnicodeLong) => Construct::LongUnicodeEscape,
            L::HexBrace(_) => Construct::BraceHexEscape,
            L::Special(S::Bell) => Construct::BellEscape,
            L::Special(S::VerticalTab) => Construct::VerticalTabEscape,
            L::Special(S::Space) | L::Octal => Construct::OtherEscape,
        };
        self.out.push(Found {
            construct,
            start: l.span.start.offset,
            end: l.span.end.offset,
            escaped: Some(l.c),
        });
    }
}

impl ast::Visitor for Finder {
    type Output = Vec<Found>;
    type Err = ();

    fn finish(self) -> Result<Vec<Found>, ()> {
        Ok(self.out)
    }

    fn visit_pre(&mut self, a: &Ast) -> Result<(), ()> {
        use ast::AssertionKind as K;
        match a {
            Ast::Assertion(x) => match x.kind {
                K::StartText | K::EndText => self.push(Construct::TextAnchor, &x.span),
                K::WordBoundary | K::NotWordBoundary | K::StartLine | K::EndLine => {}
                _ => self.push(Construct::DirectionalWordBoundary, &x.span),
            },
            Ast::Flags(f) => self.push(Construct::InlineFlags, &f.span),
            Ast::Group(g) => match &g.kind {
                ast::GroupKind::CaptureName {
                    starts_with_p: true,
                    ..
                } => self.push(Construct::NamedGroupP, &g.span),
                ast::GroupKind::CaptureName {
                    starts_with_p: false,
                    ..
                } => self.push(Construct::NamedGroupAngle, &g.span),
                ast::GroupKind::NonCapturing(flags) if !flags.items.is_empty() => {
                    self.push(Construct::GroupFlags, &g.span);
                }
                _ => {}
            },
            Ast::ClassUnicode(c) => self.push(Construct::UnicodeClass, &c.span),
            Ast::Literal(l) => self.literal(l),
            Ast::Repetition(r) => {
                if matches!(
                    &*r.ast,
                    Ast::Assertion(_) | Ast::Empty(_) | Ast::Repetition(_)
                ) {
                    self.push(Construct::RepeatedRepetition, &r.span);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn visit_class_set_item_pre(&mut self, item: &ast::ClassSetItem) -> Result<(), ()> {
        match item {
            ast::ClassSetItem::Ascii(c) => self.push(Construct::PosixClass, &c.span),
            ast::ClassSetItem::Unicode(c) => self.push(Construct::UnicodeClass, &c.span),
            ast::ClassSetItem::Bracketed(c) => self.push(Construct::NestedClass, &c.span),
            ast::ClassSetItem::Literal(l) => self.literal(l),
            ast::ClassSetItem::Range(r) => {
                self.literal(&r.start);
                self.literal(&r.end);
            }
            _ => {}
        }
        Ok(())
    }

    fn visit_class_set_binary_op_pre(&mut self, op: &ast::ClassSetBinaryOp) -> Result<(), ()> {
        self.push(Construct::ClassSetOperation, &op.span);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Construct; 17] = [
        Construct::TextAnchor,
        Construct::DirectionalWordBoundary,
        Construct::InlineFlags,
        Construct::GroupFlags,
        Construct::NamedGroupP,
        Construct::NamedGroupAngle,
        Construct::UnicodeClass,
        Construct::PosixClass,
        Construct::NestedClass,
        Construct::ClassSetOperation,
        Construct::BraceHexEscape,
        Construct::ShortUnicodeEscape,
        Construct::LongUnicodeEscape,
        Construct::BellEscape,
        Construct::VerticalTabEscape,
        Construct::OtherEscape,
        Construct::RepeatedRepetition,
    ];

    fn found(src: &str) -> Vec<Construct> {
        let tree = ast::parse::Parser::new().parse(src).expect("parses");
        constructs(&tree).iter().map(|f| f.construct).collect()
    }

    #[test]
    fn every_construct_is_found_where_written() {
        use Construct as C;
        for (src, want) in [
            (r"^https://a\.example$", vec![]),
            (r"^a\x2e[\t\n]\r\f\-\/$", vec![]),
            (r"\Aa\z", vec![C::TextAnchor, C::TextAnchor]),
            (r"\<a\b{end}", vec![C::DirectionalWordBoundary; 2]),
            (r"(?i)a(?i:b)", vec![C::InlineFlags, C::GroupFlags]),
            (r"(?P<a>x)(?<b>y)", vec![C::NamedGroupP, C::NamedGroupAngle]),
            (r"\pL[\p{L}]", vec![C::UnicodeClass, C::UnicodeClass]),
            (r"[[:alpha:][a]]", vec![C::PosixClass, C::NestedClass]),
            (r"[a-z&&[^q]]", vec![C::ClassSetOperation, C::NestedClass]),
            (
                r"\x{61}[\x{62}-\u0063]\U00000064",
                vec![
                    C::BraceHexEscape,
                    C::BraceHexEscape,
                    C::ShortUnicodeEscape,
                    C::LongUnicodeEscape,
                ],
            ),
            (r"\a[\v]", vec![C::BellEscape, C::VerticalTabEscape]),
            (r"a**^*", vec![C::RepeatedRepetition, C::RepeatedRepetition]),
            (r"^(a)*$", vec![]),
            (r"[a-z&]", vec![]),
            (r"^(a)(?:b)$", vec![]),
        ] {
            assert_eq!(found(src), want, "{src}");
        }
    }

    /// The lint's words name every targeted engine the table says reads a construct otherwise.
    #[test]
    fn the_words_name_the_engines_of_the_table() {
        for c in ALL {
            assert!(!c.portable(), "{c:?} is in the core");
            let text = c.engines();
            for e in Engine::TARGETED {
                let word = match e {
                    Engine::Pcre => "PCRE",
                    Engine::JavaScript => "JavaScript",
                    Engine::Python => "Python",
                    Engine::Re2 => "RE2",
                    Engine::Java | Engine::Rust | Engine::Ruby => continue,
                };
                if !c.read_alike_by(e) {
                    assert!(text.contains(word), "{c:?}: {text} does not name {word}");
                }
            }
        }
    }
}
