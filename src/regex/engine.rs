//! The engines that read the regexes corsc writes.

/// A regex engine a target hands `regex` origins to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Engine {
    /// PCRE2, as nginx (`~`) and Apache (`SetEnvIf`, `<If>`) use it.
    Pcre,
    /// JavaScript's `RegExp` without flags (Express, Fastify).
    JavaScript,
    /// Python's `re` (Django, Flask, Starlette).
    Python,
    /// Go's `regexp`, RE2 syntax.
    Re2,
    /// Java's `java.util.regex` (Spring, which the plan holds to the portable subset and whose
    /// output tests only printable-ASCII origins, on which Java reads that subset as corsc).
    Java,
    /// Rust's `regex` (tower-http, actix): the engine corsc itself parses and evaluates with,
    /// so it reads every construct the checker accepts as corsc does.
    Rust,
    /// Ruby's `Regexp` (Onigmo), as rack-cors runs it (the Rails and Rack target, which the
    /// plan holds to the portable subset; `^` and `$` are line anchors in Ruby, so the output
    /// wraps each regex in `\A…\z` and tests only printable-ASCII origins).
    Ruby,
}

impl Engine {
    /// Every engine.
    pub const ALL: [Engine; 7] = [
        Engine::Pcre,
        Engine::JavaScript,
        Engine::Python,
        Engine::Re2,
        Engine::Java,
        Engine::Rust,
        Engine::Ruby,
    ];

    /// The engines some target hands a regex to, whose reading decides whether a regex is
    /// portable.
    pub const TARGETED: [Engine; 5] = [
        Engine::Pcre,
        Engine::JavaScript,
        Engine::Python,
        Engine::Re2,
        Engine::Rust,
    ];

    /// The engine's name, as targets name their dialect in messages.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Engine::Pcre => "PCRE",
            Engine::JavaScript => "JavaScript RegExp",
            Engine::Python => "Python re",
            Engine::Re2 => "Go regexp (RE2)",
            Engine::Java => "Java regex",
            Engine::Rust => "Rust regex",
            Engine::Ruby => "Ruby Regexp",
        }
    }

    /// Whether `$` (without the multi-line flag) also matches before a newline that ends the
    /// text. PCRE, Python and Java do; JavaScript, RE2 and Rust match only at the very end;
    /// Ruby's `$` matches before every newline. It never matters to an `Origin` header, which
    /// cannot hold a newline.
    #[must_use]
    pub fn dollar_matches_before_final_newline(self) -> bool {
        matches!(
            self,
            Engine::Pcre | Engine::Python | Engine::Java | Engine::Ruby
        )
    }
}
