//! Rule selection: `--deny`, `--warn`, `--allow` by rule name, code, category or `all`.

use super::meta::{Category, Level, RuleMeta};

/// What a selector names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selector {
    /// Every rule.
    All,
    /// Every rule of a category.
    Category(Category),
    /// One rule, by code.
    Rule(&'static str),
    /// Every finding that is a warning (for `--deny warnings`).
    Warnings,
}

impl Selector {
    /// Parses a selector among the rules `known` (the registry's, passed in so the
    /// configuration does not depend on the list of rules), or says what it could have been.
    ///
    /// # Errors
    /// Returns a message naming the closest rule when the selector is unknown.
    pub fn parse_among(s: &str, known: &[&'static RuleMeta]) -> Result<Selector, String> {
        if s == "all" {
            return Ok(Selector::All);
        }
        if s == "warnings" {
            return Ok(Selector::Warnings);
        }
        if let Some(c) = Category::ALL.iter().find(|c| c.as_str() == s) {
            return Ok(Selector::Category(*c));
        }
        if let Some(m) = known.iter().find(|m| m.is_named(s)) {
            return Ok(Selector::Rule(m.code));
        }
        let names = known.iter().map(|m| m.name);
        let hint = crate::check::closest_name(s, names)
            .map(|n| format!("; did you mean `{n}`?"))
            .unwrap_or_default();
        Err(format!(
            "`{s}` is not a rule name, a code, a category (security, correctness, portability, style), `all` or `warnings`{hint}"
        ))
    }

    fn matches(&self, meta: &RuleMeta) -> bool {
        match self {
            Selector::All => true,
            Selector::Category(c) => meta.category == *c,
            Selector::Rule(code) => meta.code == *code,
            Selector::Warnings => false,
        }
    }
}

/// Level overrides in the order they were given; the last one that matches a rule wins.
#[derive(Clone, Debug, Default)]
pub struct LintConfig {
    overrides: Vec<(Selector, Level)>,
    deny_warnings: bool,
}

impl LintConfig {
    /// Adds an override.
    pub fn push(&mut self, selector: Selector, level: Level) {
        if selector == Selector::Warnings {
            self.deny_warnings = level == Level::Error;
        } else {
            self.overrides.push((selector, level));
        }
    }

    /// The configured level for a rule, if any override matches it.
    #[must_use]
    pub fn level_for(&self, meta: &RuleMeta) -> Option<Level> {
        self.overrides
            .iter()
            .rev()
            .find(|(s, _)| s.matches(meta))
            .map(|(_, l)| *l)
    }

    /// Whether warnings fail the run (`--deny warnings`).
    #[must_use]
    pub fn deny_warnings(&self) -> bool {
        self.deny_warnings
    }
}
