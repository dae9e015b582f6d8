//! Looking rules up. The list itself is in `rules/mod.rs`, the only file that names every rule
//! (a new rule is one file under `rules/` and one line there). Order is by code; output order
//! never depends on it. Whatever needs the whole list (selectors, the names an `@allow` may
//! use, the listings) gets it from here, as data.

use super::config::Selector;
use super::meta::RuleMeta;
use super::rule::Rule;

pub use super::rules::RULES;

/// Finds a rule by code (any case) or name.
#[must_use]
pub fn find(key: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.meta().is_named(key))
}

/// The metadata of every rule, in registry order.
#[must_use]
pub fn metas() -> Vec<&'static RuleMeta> {
    RULES.iter().map(|r| r.meta()).collect()
}

impl Selector {
    /// Parses a selector among the registered rules, or says what it could have been. It
    /// lives beside the list it reads so that the configuration does not import the registry.
    ///
    /// # Errors
    /// Returns a message naming the closest rule when the selector is unknown.
    pub fn parse(s: &str) -> Result<Selector, String> {
        Selector::parse_among(s, &metas())
    }
}

#[cfg(test)]
mod tests {
    use super::RULES;

    #[test]
    fn codes_sorted_unique_names_kebab() {
        for w in RULES.windows(2) {
            let (a, b) = (w[0].meta(), w[1].meta());
            let key = |c: &str| (c[1..].to_string(), c.to_string());
            assert!(
                key(a.code) < key(b.code),
                "{} must come before {}",
                a.code,
                b.code
            );
        }
        let mut names: Vec<_> = RULES.iter().map(|r| r.meta().name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), RULES.len(), "rule names are unique");
        for r in RULES {
            let m = r.meta();
            assert!(
                m.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                m.name
            );
            for section in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Use instead",
                "## References",
            ] {
                assert!(m.docs.contains(section), "{} docs lack `{section}`", m.name);
            }
        }
    }
}
