//! A structure-aware model of a `.cors` file.
//!
//! Arbitrary bytes decoded by `arbitrary` into this model always render to text that the
//! grammar accepts (names are identifiers, strings are escaped, one directive per line), so
//! the fuzzer spends its time in the checker, the linter, the plan and the emitters. Values
//! are drawn from pools of realistic and hostile examples (the names of known identifier
//! collisions, keywords of the target languages, encoded and case-folded paths, IDNs, long
//! labels) or built from the fuzzer's bytes, so both the ordinary and the adversarial paths
//! are reached. A few "amplifiers" turn a handful of bytes into large shapes (set chains,
//! long values, many policies) because size is where hand-written tests are thinnest.

use arbitrary::{Arbitrary, Result, Unstructured};
use std::fmt::Write as _;

/// Upper bounds that keep one input's work bounded. Large shapes cost the fuzzer dearly (one
/// 60 KB origin is compiled some twenty times), so they appear only when a model's `huge`
/// byte is 255, which libFuzzer's comparison tracing finds. With `huge`, the bounds lie above
/// the sizes at which earlier versions ran out of resources (a set chain doubling at each of 40
/// levels, 400 chained sets, 5,400 for the stack, a 65,526-character origin), so the fuzzer
/// reaches those shapes and CI proves they are answered with a diagnostic. With
/// `CORSC_FUZZ_BELOW_KNOWN=1` they stay below them, and the harness skips the output check
/// that today's code fails, so that a long run explores further instead of re-finding known
/// bugs (`=chains`: only the set chains, which are found within seconds, stay below, so
/// long values still reach their failing sizes).
pub mod bounds {
    use std::cell::Cell;
    use std::sync::OnceLock;

    thread_local! {
        /// Whether the model being rendered asked for large shapes ([`super::Model::huge`]).
        static HUGE: Cell<bool> = const { Cell::new(false) };
    }

    /// Set by [`super::Model::render`] for the duration of one rendering.
    pub(super) fn set_huge(on: bool) {
        HUGE.with(|h| h.set(on));
    }

    fn huge() -> bool {
        HUGE.with(Cell::get)
    }

    /// `CORSC_FUZZ_BELOW_KNOWN`: unset or `0`, every bound lies above the known failing
    /// sizes; `chains`, only set chains stay below (they exhaust memory within seconds and
    /// would hide everything else); anything else, every bound stays below. Either way the
    /// harness skips the output check that today's code fails.
    fn below_known() -> (bool, bool) {
        static BELOW: OnceLock<(bool, bool)> = OnceLock::new();
        *BELOW.get_or_init(
            || match std::env::var("CORSC_FUZZ_BELOW_KNOWN").as_deref() {
                Err(_) | Ok("" | "0") => (false, false),
                Ok("chains") => (true, false),
                Ok(_) => (true, true),
            },
        )
    }

    /// Whether to skip invariants that today's code is known to break (with any
    /// `CORSC_FUZZ_BELOW_KNOWN`): a long run then looks for new bugs only.
    pub fn skip_known_bugs() -> bool {
        let (chains, all) = below_known();
        chains || all
    }

    /// Sets in one generated chain; `fan` chains include the previous set twice.
    pub fn chain_sets(fan: bool) -> usize {
        let (chains, all) = below_known();
        match (huge(), fan) {
            (false, true) => 8,
            (false, false) => 24,
            (true, true) if chains || all => 12,
            (true, true) => 600,
            (true, false) if chains || all => 100,
            (true, false) => 6_000,
        }
    }

    /// Characters in one long value.
    pub fn long_repeat() -> usize {
        match (huge(), below_known().1) {
            (false, _) => 512,
            (true, false) => 70_000,
            (true, true) => 60_000,
        }
    }

    /// Bytes of policy text after which no further policy is added: a few long values, or a
    /// long chain, are the point; megabytes of them only slow the fuzzer down.
    pub fn text_budget() -> usize {
        if huge() {
            256 << 10
        } else {
            64 << 10
        }
    }

    /// Copies of a policy made by the policy amplifier.
    pub fn policy_copies() -> usize {
        if huge() {
            64
        } else {
            3
        }
    }
}

/// Names of policies, sets and profiles: ordinary ones, the collisions and helper names
/// of the generated outputs, and keywords of the languages corsc writes.
const NAMES: &[&str] = &[
    "api",
    "web",
    "admin",
    "public",
    "tenants",
    "partners",
    "dev",
    "staging",
    "A-B",
    "A-B-3",
    "A-b",
    "a-b",
    "a--b",
    "a_b",
    "a__b",
    "A_B",
    "preflight",
    "has",
    "origin",
    "vary",
    "allowed",
    "cors",
    "corsc",
    "map",
    "http",
    "server",
    "location",
    "if",
    "set",
    "class",
    "default",
    "import",
    "package",
    "True",
    "False",
    "None",
    "yield",
    "def",
    "lambda",
    "return",
    "async",
    "await",
    "fn",
    "mod",
    "impl",
    "self",
    "Self",
    "super",
    "crate",
    "type",
    "match",
    "func",
    "var",
    "const",
    "go",
    "chan",
    "interface",
    "struct",
    "new",
    "this",
    "function",
    "let",
    "enum",
    "static",
    "public",
    "private",
    "void",
    "int",
    "null_",
    "_",
    "__init__",
    "__proto__",
    "constructor",
    "prototype",
    "hasOwnProperty",
    "toString",
    "module",
    "exports",
    "require",
    "app",
    "request",
    "response",
    "headers",
    "next",
    "main",
    "init",
    "string",
    "bytes",
    "err",
    "nil",
    "ok",
    "Ok",
    "Err",
    "Some",
    "_1",
    "x1",
    "POLICY",
    "Policy",
    "policy_1",
    "p-1",
    "p_1",
    "p1",
];

/// Hosts for origins.
const HOSTS: &[&str] = &[
    "example.com",
    "app.example.com",
    "APP.Example.COM",
    "localhost",
    "127.0.0.1",
    "[::1]",
    "0.0.0.0",
    "example.test",
    "co.uk",
    "github.io",
    "xn--bcher-kva.example",
    "bücher.example",
    "例え.テスト",
    "a.b.c.d.example.net",
    "evil.com",
    "example.com.evil.com",
    "192.168.0.1",
    "10.0.0.1",
    "[2001:db8::1]",
    "localhost.",
    "example.com.",
    "a-.example",
    "-a.example",
    "a..example",
    "xn--.example",
    "%65xample.com",
    "exa$mple.com",
    "exa_mple.com",
];

/// Path segments: ordinary, encoded, case-varied, dot segments, separators.
const SEGMENTS: &[&str] = &[
    "api",
    "admin",
    "v1",
    "v2",
    "public",
    "health",
    "graphql",
    "uploads",
    "%61dmin",
    "ADMIN",
    "Admin",
    "api%2Fadmin",
    "%2e%2e",
    "..",
    ".",
    "",
    "a;b",
    "a?b",
    "a#b",
    "a b",
    "ä",
    "%",
    "%zz",
    "*",
    "**",
    "{id}",
    ":id",
    "<id>",
    "$",
    "\\",
    "a\\b",
    "~user",
    "index.html",
    "%00",
    "a%20b",
    "[x]",
    "(x)",
    "a+b",
    "a&b",
    "a=b",
    "'",
    "`",
    "\u{2028}",
    "\u{feff}",
];

const METHODS: &[&str] = &[
    "GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "CONNECT", "TRACE", "TRACK", "get",
    "Post", "PROPFIND", "MKCOL", "*", "X-CUSTOM", "M-SEARCH", "PURGE",
];

const HEADERS: &[&str] = &[
    "Content-Type",
    "Authorization",
    "X-Request-Id",
    "X-Api-Key",
    "Accept",
    "Cookie",
    "Set-Cookie",
    "Origin",
    "Host",
    "Content-Length",
    "ETag",
    "X-Total-Count",
    "Retry-After",
    "Cache-Control",
    "Content-Language",
    "Range",
    "X-Requested-With",
    "Sec-Fetch-Mode",
    "Proxy-Authorization",
    "x-lower",
    "X_UNDERSCORE",
    "*",
    "mirror",
    "Access-Control-Allow-Origin",
];

const RULES: &[&str] = &[
    "any-origin",
    "dev-origin-in-production",
    "forbidden-method",
    "insecure-origin",
    "null-origin",
    "origin-has-path",
    "regex-unanchored",
    "regex-overbroad",
    "wildcard-with-credentials",
    "subdomain-wildcard-with-credentials",
    "unused-suppression",
    "public-suffix-wildcard",
    "S105",
    "E001",
    "no-such-rule",
];

const LISTEN: &[&str] = &[
    "127.0.0.1:8080",
    "0.0.0.0:80",
    "[::1]:8443",
    "127.0.0.1:0",
    "127.0.0.1:65535",
    "[::]:1",
];

/// Picks from a pool with one byte.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct Pick(pub u8);

impl Pick {
    fn of<'a>(self, pool: &[&'a str]) -> &'a str {
        pool[usize::from(self.0) % pool.len()]
    }
}

/// Characters a generated word draws from: identifier characters first (most likely), then
/// punctuation the grammar lets through, then Unicode that changes meaning in some target
/// (line and paragraph separators, BOM, bidi controls, a NUL).
const WORD_CHARS: &[char] = &[
    'a', 'b', 'z', 'A', 'Z', '0', '9', '-', '_', '.', '!', '$', '%', '&', '\'', '*', '+', '^', '`',
    '|', '~', ';', '/', '\\', '<', '>', '?', 'é', 'ß', 'ı', 'K', '\u{2028}', '\u{2029}',
    '\u{feff}', '\u{202e}', '\u{0}', '\u{7f}', '\u{85}', 'İ', 'ſ', '字',
];

/// A word built from the fuzzer's bytes.
#[derive(Debug, Clone)]
pub struct Word(pub String);

impl<'a> Arbitrary<'a> for Word {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let len = u.int_in_range(1..=24)?;
        let mut s = String::new();
        for _ in 0..len {
            let i: u8 = u.arbitrary()?;
            s.push(WORD_CHARS[usize::from(i) % WORD_CHARS.len()]);
        }
        Ok(Word(s))
    }
}

/// A policy, set or profile name: always an identifier the grammar accepts.
#[derive(Arbitrary, Debug, Clone)]
pub enum Name {
    Pool(Pick),
    /// An identifier made from bytes: a letter or `_`, then letters, digits, `-` and `_`.
    Bytes(Vec<u8>),
    /// A pool name with a numeric suffix, the shape of the `_N` collision suffixes.
    Suffixed(Pick, u8, bool),
    /// A name far longer than any target's identifier limits.
    Long(Pick, u16),
}

const IDENT: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";

impl Name {
    pub fn render(&self) -> String {
        match self {
            Name::Pool(p) => p.of(NAMES).to_string(),
            Name::Bytes(b) => {
                let mut s = String::new();
                for (i, byte) in b.iter().take(40).enumerate() {
                    let c = if i == 0 {
                        // A letter or `_`: what the grammar lets an identifier start with.
                        b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"
                            [usize::from(*byte) % 53]
                    } else {
                        IDENT[usize::from(*byte) % IDENT.len()]
                    };
                    s.push(char::from(c));
                }
                if s.is_empty() {
                    s.push('n');
                }
                s
            }
            Name::Suffixed(p, n, dash) => {
                format!("{}{}{n}", p.of(NAMES), if *dash { "-" } else { "_" })
            }
            Name::Long(p, n) => {
                let mut s = p.of(NAMES).to_string();
                let reps = usize::from(*n).min(bounds::long_repeat() / 8);
                for _ in 0..reps {
                    s.push_str("-x");
                }
                s
            }
        }
    }
}

/// Text inside a quoted `.cors` string, escaped so the grammar accepts it.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[derive(Arbitrary, Debug, Clone)]
pub enum Scheme {
    Https,
    Http,
    Upper,
    Other(Word),
}

impl Scheme {
    fn render(&self) -> String {
        match self {
            Scheme::Https => "https".into(),
            Scheme::Http => "http".into(),
            Scheme::Upper => "HTTPS".into(),
            Scheme::Other(w) => w.0.clone(),
        }
    }
}

#[derive(Arbitrary, Debug, Clone)]
pub enum Host {
    Pool(Pick),
    /// Labels from bytes under a pool host.
    Labels(Vec<Word>, Pick),
    /// A label repeated until the host is very long.
    Long(Pick, u16),
}

impl Host {
    fn render(&self) -> String {
        match self {
            Host::Pool(p) => p.of(HOSTS).to_string(),
            Host::Labels(ws, p) => {
                let mut s = String::new();
                for w in ws.iter().take(8) {
                    s.push_str(&w.0);
                    s.push('.');
                }
                s.push_str(p.of(HOSTS));
                s
            }
            Host::Long(p, n) => {
                let unit = format!("{}.", p.of(&["a", "ab", "xn--a", "é", "abcdefghij"]));
                let reps = (usize::from(*n) + 1).min(bounds::long_repeat() / unit.len().max(1));
                let mut s = unit.repeat(reps);
                s.push_str("example");
                s
            }
        }
    }
}

#[derive(Arbitrary, Debug, Clone)]
pub enum Port {
    None,
    Number(u16),
    Big(u32),
    Star,
    Word(Word),
}

impl Port {
    fn render(&self) -> String {
        match self {
            Port::None => String::new(),
            Port::Number(n) => format!(":{n}"),
            Port::Big(n) => format!(":{n}"),
            Port::Star => ":*".into(),
            Port::Word(w) => format!(":{}", w.0),
        }
    }
}

#[derive(Arbitrary, Debug, Clone)]
pub enum RegexPart {
    Host(Pick),
    EscapedHost(Pick),
    Dot,
    Digits,
    Label,
    Alternation(Pick, Pick),
    Optional(Pick),
    Word(Word),
    Raw(Pick),
}

/// Regex snippets that stress the dialect conversions: lookarounds, backreferences, named
/// groups, Unicode escapes, classes, anchors in odd places, line separators.
const REGEX_RAW: &[&str] = &[
    "(?i)",
    "(?=a)",
    "(?!a)",
    "\\1",
    "(?P<n>a)",
    "(?<n>a)",
    "\\u2028",
    "\\x{2028}",
    "\u{2028}",
    "\u{feff}",
    "[^/]",
    "[a-z]",
    "\\d",
    "\\w+",
    "\\s",
    "\\b",
    ".*",
    ".+",
    "$",
    "^",
    "|",
    "\\",
    "\\Q.\\E",
    "\\p{L}",
    "a{2,5}",
    "a{99999}",
    "(",
    ")",
    "[",
    "]",
    "'",
    "\"",
    "${x}",
    "%{x}",
    "\\.",
    "\\/",
    "/",
    "#",
    ";",
    "}",
    "{",
];

impl RegexPart {
    fn render(&self) -> String {
        match self {
            RegexPart::Host(p) => p.of(HOSTS).to_string(),
            RegexPart::EscapedHost(p) => p.of(HOSTS).replace('.', "\\."),
            RegexPart::Dot => ".".into(),
            RegexPart::Digits => "[0-9]+".into(),
            RegexPart::Label => "[a-z0-9-]+\\.".into(),
            RegexPart::Alternation(a, b) => {
                format!(
                    "({}|{})",
                    a.of(HOSTS).replace('.', "\\."),
                    b.of(HOSTS).replace('.', "\\.")
                )
            }
            RegexPart::Optional(p) => format!("(:{})?", p.of(&["[0-9]+", "8080", "443"])),
            RegexPart::Word(w) => w.0.clone(),
            RegexPart::Raw(p) => p.of(REGEX_RAW).to_string(),
        }
    }
}

#[derive(Arbitrary, Debug, Clone)]
pub struct RegexModel {
    pub start: bool,
    pub end: bool,
    pub scheme: Scheme,
    pub parts: Vec<RegexPart>,
}

impl RegexModel {
    fn render(&self) -> String {
        let mut s = String::new();
        if self.start {
            s.push('^');
        }
        let _ = write!(s, "{}://", self.scheme.render().replace('.', "\\."));
        for p in self.parts.iter().take(16) {
            s.push_str(&p.render());
        }
        if self.end {
            s.push('$');
        }
        s
    }
}

/// One value of an `origins` list.
#[derive(Arbitrary, Debug, Clone)]
pub enum Origin {
    Exact(Scheme, Host, Port),
    /// An exact origin with something after it: a path, a slash, a second origin.
    Trailing(Scheme, Host, Port, Pick),
    Subdomain(Scheme, Host, Port),
    PortPattern(Scheme, Host),
    Any,
    Null,
    Regex(RegexModel),
    /// A reference to a declared set (by index) or to a name that may not exist.
    SetRef(u8),
    UnknownName(Name),
    /// Any string at all.
    Raw(String),
    /// A bare word where a quoted origin belongs.
    BareWord(Word),
}

const TRAILING: &[&str] = &[
    "/",
    "/path",
    "?q",
    "#f",
    " https://b.example",
    ",https://b.example",
    "@evil.com",
    ":443",
    "\u{2028}",
    " ",
    "\t",
    "/*",
    "*",
];

impl Origin {
    fn render(&self, sets: &[String]) -> String {
        match self {
            Origin::Exact(s, h, p) => {
                quote(&format!("{}://{}{}", s.render(), h.render(), p.render()))
            }
            Origin::Trailing(s, h, p, t) => quote(&format!(
                "{}://{}{}{}",
                s.render(),
                h.render(),
                p.render(),
                t.of(TRAILING)
            )),
            Origin::Subdomain(s, h, p) => {
                quote(&format!("{}://*.{}{}", s.render(), h.render(), p.render()))
            }
            Origin::PortPattern(s, h) => quote(&format!("{}://{}:*", s.render(), h.render())),
            Origin::Any => "*".into(),
            Origin::Null => "null".into(),
            Origin::Regex(r) => format!("regex {}", quote(&r.render())),
            Origin::SetRef(i) => match sets {
                [] => "undeclared-set".into(),
                _ => sets[usize::from(*i) % sets.len()].clone(),
            },
            Origin::UnknownName(n) => n.render(),
            Origin::Raw(s) => quote(s),
            Origin::BareWord(w) => w.0.clone(),
        }
    }
}

#[derive(Arbitrary, Debug, Clone)]
pub enum PathModel {
    Segments(Vec<Pick>, bool),
    /// Segments from bytes.
    Words(Vec<Word>, bool),
    Root,
    Star,
    /// Any string.
    Raw(String),
    /// A very long path.
    Long(Pick, u16),
}

impl PathModel {
    fn render(&self) -> String {
        let text = match self {
            PathModel::Segments(segs, wild) => {
                let mut s = String::new();
                for p in segs.iter().take(8) {
                    s.push('/');
                    s.push_str(p.of(SEGMENTS));
                }
                if s.is_empty() {
                    s.push('/');
                }
                if *wild {
                    s.push_str(if s.ends_with('/') { "*" } else { "/*" });
                }
                s
            }
            PathModel::Words(ws, wild) => {
                let mut s = String::new();
                for w in ws.iter().take(8) {
                    s.push('/');
                    s.push_str(&w.0);
                }
                if *wild {
                    s.push_str("/*");
                }
                if s.is_empty() {
                    s.push('/');
                }
                s
            }
            PathModel::Root => "/".into(),
            PathModel::Star => "/*".into(),
            PathModel::Raw(s) => s.clone(),
            PathModel::Long(p, n) => {
                let unit = format!("/{}", p.of(SEGMENTS));
                let reps = (usize::from(*n) + 1).min(bounds::long_repeat() / unit.len().max(1));
                unit.repeat(reps) + "/*"
            }
        };
        quote(&text)
    }
}

#[derive(Arbitrary, Debug, Clone)]
pub enum Token {
    Pool(Pick),
    Word(Word),
    Quoted(String),
    Long(u16),
}

impl Token {
    fn render(&self, pool: &[&str]) -> String {
        match self {
            Token::Pool(p) => p.of(pool).to_string(),
            Token::Word(w) => w.0.clone(),
            Token::Quoted(s) => quote(s),
            Token::Long(n) => format!(
                "X-{}",
                "a".repeat(usize::from(*n).min(bounds::long_repeat()))
            ),
        }
    }
}

#[derive(Arbitrary, Debug, Clone)]
pub enum Duration {
    Seconds(u32),
    Minutes(u16),
    Hours(u16),
    Days(u8),
    Huge(u64),
    Word(Word),
}

impl Duration {
    fn render(&self) -> String {
        match self {
            Duration::Seconds(n) => n.to_string(),
            Duration::Minutes(n) => format!("{n}m"),
            Duration::Hours(n) => format!("{n}h"),
            Duration::Days(n) => format!("{n}d"),
            Duration::Huge(n) => format!("{n}s"),
            Duration::Word(w) => w.0.clone(),
        }
    }
}

#[derive(Arbitrary, Debug, Clone)]
pub enum Flag {
    True,
    False,
    Word(Word),
}

impl Flag {
    fn render(&self) -> String {
        match self {
            Flag::True => "true".into(),
            Flag::False => "false".into(),
            Flag::Word(w) => w.0.clone(),
        }
    }
}

/// One directive of a policy or profile body.
#[derive(Arbitrary, Debug, Clone)]
pub enum Directive {
    Paths(Vec<PathModel>),
    Origins(Vec<Origin>),
    Methods(Vec<Token>),
    RequestHeaders(Vec<Token>),
    ExposeHeaders(Vec<Token>),
    Credentials(Flag),
    MaxAge(Duration),
    PrivateNetwork(Flag),
    /// A directive under one of its aliases or misspelled (`allow-origins`, `max_age`, …).
    Alias(Pick, Vec<Origin>),
}

const ALIASES: &[&str] = &[
    "allow-origins",
    "origin",
    "allowed-methods",
    "headers",
    "expose",
    "max_age",
    "maxage",
    "allow-credentials",
    "route",
    "Origins",
    "owner",
    "unknown-directive",
];

/// How a directive is written: plain, in brackets over lines, or a bare list continued after
/// a trailing comma.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Layout {
    Inline,
    Bracketed,
    Continued,
}

fn list(values: &[String], layout: Layout, indent: &str) -> String {
    if values.is_empty() {
        return "[]".into();
    }
    match layout {
        Layout::Inline => values.join(", "),
        Layout::Bracketed => {
            let mut s = "[\n".to_string();
            for v in values {
                let _ = writeln!(s, "{indent}    {v},");
            }
            s.push_str(indent);
            s.push(']');
            s
        }
        Layout::Continued => values.join(&format!(",\n{indent}    ")),
    }
}

const MAX_LIST: usize = 12;

impl Directive {
    fn render(&self, sets: &[String], op: &str, layout: Layout, indent: &str) -> String {
        let l = |vals: Vec<String>| list(&vals, layout, indent);
        match self {
            Directive::Paths(p) => format!(
                "paths {op}{}",
                l(p.iter().take(MAX_LIST).map(PathModel::render).collect())
            ),
            Directive::Origins(o) => format!(
                "origins {op}{}",
                l(o.iter().take(MAX_LIST).map(|x| x.render(sets)).collect())
            ),
            Directive::Methods(m) => format!(
                "methods {op}{}",
                l(m.iter().take(MAX_LIST).map(|x| x.render(METHODS)).collect())
            ),
            Directive::RequestHeaders(h) => format!(
                "request-headers {op}{}",
                l(h.iter().take(MAX_LIST).map(|x| x.render(HEADERS)).collect())
            ),
            Directive::ExposeHeaders(h) => format!(
                "expose-headers {op}{}",
                l(h.iter().take(MAX_LIST).map(|x| x.render(HEADERS)).collect())
            ),
            Directive::Credentials(f) => format!("credentials {op}{}", f.render()),
            Directive::MaxAge(d) => format!("max-age {op}{}", d.render()),
            Directive::PrivateNetwork(f) => format!("private-network {op}{}", f.render()),
            Directive::Alias(p, o) => format!(
                "{} {op}{}",
                p.of(ALIASES),
                l(o.iter().take(MAX_LIST).map(|x| x.render(sets)).collect())
            ),
        }
    }
}

/// `@allow(rule, …, reason = "…")` before an item.
#[derive(Arbitrary, Debug, Clone)]
pub struct Allow {
    pub rules: Vec<Pick>,
    pub reason: Option<String>,
}

impl Allow {
    fn render(&self, indent: &str) -> String {
        let mut args: Vec<String> = self
            .rules
            .iter()
            .take(4)
            .map(|r| r.of(RULES).to_string())
            .collect();
        if let Some(r) = &self.reason {
            args.push(format!("reason = {}", quote(r)));
        }
        format!("{indent}@allow({})\n", args.join(", "))
    }
}

#[derive(Arbitrary, Debug, Clone)]
pub enum Op {
    Add,
    Replace,
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Profile {
    pub name: Name,
    pub directives: Vec<(Op, Directive, Layout)>,
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Policy {
    pub allow: Option<Allow>,
    pub name: Name,
    pub directives: Vec<(Directive, Layout, Option<Allow>)>,
    pub profiles: Vec<Profile>,
    /// Extra copies of this policy under derived names (`name-1`, `name_1`, `name1`, …).
    pub copies: u8,
}

#[derive(Arbitrary, Debug, Clone)]
pub struct SetDecl {
    pub name: Name,
    pub origins: Vec<Origin>,
    pub layout: Layout,
}

/// A chain of sets where each includes earlier ones: set k refers to set k-1 and, if `fan`
/// says so, to set k-2 as well (the shape that made resolution exponential), and adds one
/// origin of its own when `own` is set (the cubic shape).
#[derive(Arbitrary, Debug, Clone)]
pub struct Chain {
    pub len: u16,
    pub fan: bool,
    pub own: bool,
    pub cyclic: bool,
}

/// A whole file.
#[derive(Arbitrary, Debug, Clone)]
pub struct Model {
    pub owner: Option<Flag>,
    pub sets: Vec<SetDecl>,
    pub chain: Option<Chain>,
    pub policies: Vec<Policy>,
    /// Comments between items, so comment handling is exercised too.
    pub comment: Option<String>,
    pub crlf: bool,
    /// 255 turns on large shapes: long values, long chains, many policy copies.
    pub huge: u8,
}

/// Everything a compilation needs besides the policy text.
#[derive(Arbitrary, Debug, Clone)]
pub struct Inputs {
    pub model: Model,
    /// The source file name, which reaches every output's provenance header.
    pub file_name: FileName,
    pub listen: Pick,
    /// Browser requests the reference evaluator answers with the checked policies.
    pub requests: Vec<RequestModel>,
}

/// A browser request for the evaluator: an origin (often one the policy names), a method, a
/// path made of the same segments the policies' paths use, headers, credentials.
#[derive(Arbitrary, Debug, Clone)]
pub struct RequestModel {
    pub null_origin: bool,
    pub scheme: Scheme,
    pub host: Host,
    pub port: Port,
    pub method: Token,
    pub path: Vec<Pick>,
    pub query: Option<Word>,
    pub headers: Vec<(Token, String)>,
    pub credentials: bool,
}

impl RequestModel {
    pub fn origin(&self) -> String {
        if self.null_origin {
            return "null".into();
        }
        let port = match &self.port {
            Port::Star => String::new(),
            p => p.render(),
        };
        format!("{}://{}{port}", self.scheme.render(), self.host.render())
    }

    pub fn method(&self) -> String {
        match &self.method {
            Token::Quoted(s) => s.clone(),
            t => t.render(METHODS),
        }
    }

    pub fn path(&self) -> String {
        let mut s = String::new();
        for p in self.path.iter().take(8) {
            s.push('/');
            s.push_str(p.of(SEGMENTS));
        }
        if s.is_empty() {
            s.push('/');
        }
        if let Some(q) = &self.query {
            s.push('?');
            s.push_str(&q.0);
        }
        s
    }

    pub fn headers(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .take(6)
            .map(|(n, v)| {
                let name = match n {
                    Token::Quoted(s) => s.clone(),
                    t => t.render(HEADERS),
                };
                (name, v.clone())
            })
            .collect()
    }
}

#[derive(Arbitrary, Debug, Clone)]
pub enum FileName {
    Pool(Pick),
    Any(String),
}

const FILE_NAMES: &[&str] = &[
    "api.cors",
    "policies/api.cors",
    "<stdin>",
    "-",
    "a b.cors",
    "a\u{2028}b.cors",
    "# -*- coding: utf-7 -*-",
    "\\u000a.cors",
    "*/x.cors",
    "x.cors\n# y",
    "'\"`.cors",
    "C:\\dir\\p.cors",
    "ü.cors",
    "\u{202e}sroc.txt",
];

impl FileName {
    pub fn render(&self) -> String {
        match self {
            FileName::Pool(p) => p.of(FILE_NAMES).to_string(),
            FileName::Any(s) => s.clone(),
        }
    }
}

impl Inputs {
    pub fn listen(&self) -> &'static str {
        self.listen.of(LISTEN)
    }
}

impl Model {
    /// The `.cors` text.
    pub fn render(&self) -> String {
        bounds::set_huge(self.huge == u8::MAX);
        let mut out = String::new();
        if let Some(c) = &self.comment {
            let _ = writeln!(out, "# {}", c.replace(['\n', '\r'], " "));
        }
        if let Some(o) = &self.owner {
            let _ = writeln!(
                out,
                "owner {}",
                match o {
                    Flag::True => "proxy".to_string(),
                    Flag::False => "app".to_string(),
                    Flag::Word(w) => w.0.clone(),
                }
            );
        }
        let mut set_names: Vec<String> = self.sets.iter().map(|s| s.name.render()).collect();
        let chain_len = self
            .chain
            .as_ref()
            .map_or(0, |c| usize::from(c.len).min(bounds::chain_sets(c.fan)));
        let chain_names: Vec<String> = (0..chain_len).map(|k| format!("chain-{k}")).collect();
        set_names.extend(chain_names.iter().cloned());
        for s in &self.sets {
            let vals: Vec<String> = s
                .origins
                .iter()
                .take(MAX_LIST)
                .map(|o| o.render(&set_names))
                .collect();
            let _ = writeln!(
                out,
                "origins {} = {}",
                s.name.render(),
                list(&vals, s.layout, "")
            );
        }
        if let Some(c) = &self.chain {
            for k in 0..chain_len {
                let mut vals = Vec::new();
                if k == 0 {
                    vals.push("\"https://chain.example\"".to_string());
                    if c.cyclic && chain_len > 1 {
                        vals.push(chain_names[chain_len - 1].clone());
                    }
                }
                if k >= 1 {
                    vals.push(chain_names[k - 1].clone());
                }
                if c.fan && k >= 1 {
                    vals.push(chain_names[k - 1].clone());
                }
                if c.own {
                    vals.push(format!("\"https://o{k}.chain.example\""));
                }
                let _ = writeln!(out, "origins {} = [ {} ]", chain_names[k], vals.join(", "));
            }
        }
        for p in &self.policies {
            let base = p.name.render();
            let copies = usize::from(p.copies).min(bounds::policy_copies());
            let names = std::iter::once(base.clone()).chain((0..copies).map(|i| match i % 4 {
                0 => format!("{base}-{i}"),
                1 => format!("{base}_{i}"),
                2 => format!("{base}{i}"),
                _ => format!("{}-{i}", base.to_uppercase()),
            }));
            for name in names {
                if out.len() > bounds::text_budget() {
                    break;
                }
                if let Some(a) = &p.allow {
                    out.push_str(&a.render(""));
                }
                let _ = writeln!(out, "policy {name} {{");
                for (d, layout, allow) in &p.directives {
                    if let Some(a) = allow {
                        out.push_str(&a.render("    "));
                    }
                    let _ = writeln!(out, "    {}", d.render(&set_names, "", *layout, "    "));
                }
                for pr in &p.profiles {
                    let _ = writeln!(out, "    profile {} {{", pr.name.render());
                    for (op, d, layout) in &pr.directives {
                        let op = match op {
                            Op::Add => "+= ",
                            Op::Replace => "= ",
                        };
                        let _ = writeln!(
                            out,
                            "        {}",
                            d.render(&set_names, op, *layout, "        ")
                        );
                    }
                    out.push_str("    }\n");
                }
                out.push_str("}\n");
            }
        }
        if self.crlf {
            out = out.replace('\n', "\r\n");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Inputs;
    use arbitrary::{Arbitrary, Unstructured};

    /// Deterministic pseudo-random bytes (splitmix64), so the test needs no crate.
    fn bytes(seed: u64, len: usize) -> Vec<u8> {
        let mut x = seed;
        (0..len)
            .map(|_| {
                x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let mut z = x;
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                (z ^ (z >> 31)) as u8
            })
            .collect()
    }

    /// The model renders only text the grammar accepts, so structure-aware inputs are never
    /// wasted on the parser; and a good share of them type-check, so the emitters are reached.
    #[test]
    fn rendered_models_parse_and_many_check() {
        let (mut total, mut checked) = (0, 0);
        for seed in 0..2000 {
            let data = bytes(seed, 64 + (seed as usize % 8) * 256);
            let Ok(inputs) = Inputs::arbitrary(&mut Unstructured::new(&data)) else {
                continue;
            };
            let text = inputs.model.render();
            let src = corsc::source::Source::new("model.cors", text.as_str());
            let file = corsc::syntax::parse(&src).unwrap_or_else(|d| {
                panic!("seed {seed} rendered text that does not parse: {d:?}\n{text}")
            });
            total += 1;
            // Large shapes include the known resource bugs of earlier versions; they are the fuzzers'
            // business, not this test's.
            if inputs.model.huge != u8::MAX && corsc::check::check(&file, None).policies.is_some() {
                checked += 1;
            }
        }
        println!("{checked} of {total} generated files type-check");
        assert!(total > 1000, "only {total} inputs decoded");
        assert!(checked * 20 > total, "only {checked} of {total} type-check");
    }
}
