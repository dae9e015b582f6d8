//! Listings of the rules and the fixed codes, for `corsc rules`, `corsc explain`, SARIF and the
//! README. One source, so the README table cannot drift from the registry.

use super::registry;
use super::rule::RuleMeta;
use crate::diagnostics::codes;
use serde::Serialize;

/// The first paragraph of a rule's `## What it does`, as one line.
#[must_use]
pub fn what_it_does(meta: &RuleMeta) -> String {
    let body = meta
        .docs
        .split("## What it does")
        .nth(1)
        .unwrap_or(meta.summary);
    body.trim_start()
        .split("\n\n")
        .next()
        .unwrap_or(meta.summary)
        .split("\n##")
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// The Markdown tables of every lint rule and every fixed error code.
#[must_use]
pub fn markdown_table() -> String {
    let mut s = String::from(
        "| Code | Name | Category | Default | Fix | What it flags |\n|---|---|---|---|---|---|\n",
    );
    for r in registry::RULES {
        let m = r.meta();
        s.push_str(&format!(
            "| `{}` | `{}` | {} | {} | {} | {} |\n",
            m.code,
            m.name,
            m.category.as_str(),
            m.default_level.as_str(),
            if m.fixable { "yes" } else { "" },
            cell(m.summary)
        ));
    }
    s.push_str("\nErrors that no configuration can turn off (`corsc explain E104`):\n\n");
    s.push_str("| Code | Name | Meaning |\n|---|---|---|\n");
    for c in codes::ALL {
        s.push_str(&format!(
            "| `{}` | `{}` | {} |\n",
            c.code,
            c.name,
            cell(c.summary)
        ));
    }
    s
}

/// Aligned text: one line per rule, then the fixed codes.
#[must_use]
pub fn text_table() -> String {
    let width = registry::RULES
        .iter()
        .map(|r| r.meta().name.len())
        .chain(codes::ALL.iter().map(|c| c.name.len()))
        .max()
        .unwrap_or(0);
    let mut s = String::new();
    for r in registry::RULES {
        let m = r.meta();
        s.push_str(&format!(
            "{}  {:width$}  {:11}  {:7}  {:3}  {}\n",
            m.code,
            m.name,
            m.category.as_str(),
            m.default_level.as_str(),
            if m.fixable { "fix" } else { "" },
            m.summary
        ));
    }
    s.push_str("\nfixed errors (not configurable):\n");
    for c in codes::ALL {
        s.push_str(&format!("{}  {:width$}  {}\n", c.code, c.name, c.summary));
    }
    s
}

/// One rule in the JSON listing.
#[derive(Debug, Serialize)]
pub struct RuleEntry {
    /// Stable code.
    pub code: &'static str,
    /// Stable name.
    pub name: &'static str,
    /// `security`, `correctness`, `portability` or `style`.
    pub category: &'static str,
    /// `error`, `warning`, `note` or `allow`.
    pub default_level: &'static str,
    /// Whether `--fix` can fix it.
    pub fixable: bool,
    /// Whether `--deny`/`--warn`/`--allow` and `@allow` apply.
    pub configurable: bool,
    /// One line.
    pub summary: &'static str,
    /// The Markdown documentation (empty for fixed errors).
    pub docs: &'static str,
}

/// Every rule, then every fixed error, for `corsc rules --format json`.
#[must_use]
pub fn entries() -> Vec<RuleEntry> {
    let rules = registry::RULES.iter().map(|r| {
        let m = r.meta();
        RuleEntry {
            code: m.code,
            name: m.name,
            category: m.category.as_str(),
            default_level: m.default_level.as_str(),
            fixable: m.fixable,
            configurable: true,
            summary: m.summary,
            docs: m.docs,
        }
    });
    let fixed = codes::ALL.iter().map(|c| RuleEntry {
        code: c.code,
        name: c.name,
        category: "error",
        default_level: "error",
        fixable: false,
        configurable: false,
        summary: c.summary,
        docs: "",
    });
    rules.chain(fixed).collect()
}

/// What `corsc explain` prints for a rule name or code, or a fixed code; `None` if unknown.
#[must_use]
pub fn explain(key: &str) -> Option<String> {
    if let Some(r) = registry::find(key) {
        let m = r.meta();
        return Some(format!(
            "# {} {}\n\ncategory: {} · default level: {} · fix: {} · configurable: yes\n\n{}\n\n{}",
            m.code,
            m.name,
            m.category.as_str(),
            m.default_level.as_str(),
            if m.fixable {
                "`corsc lint --fix`"
            } else {
                "none"
            },
            m.summary,
            m.docs.trim_end()
        ));
    }
    codes::find(key).map(|c| {
        format!(
            "# {} {}\n\nlevel: error · configurable: no (the file has no meaning until it is fixed)\n\n{}\n",
            c.code, c.name, c.summary
        )
    })
}

/// A help address for a rule or code: the README's rule table.
#[must_use]
pub fn help_uri(code: &str) -> String {
    format!(
        "{}#{}",
        env!("CARGO_PKG_REPOSITORY"),
        code.to_ascii_lowercase()
    )
}

/// The closest rule name or fixed-code name to a misspelled key.
#[must_use]
pub fn closest(key: &str) -> Option<&'static str> {
    let names = registry::RULES
        .iter()
        .map(|r| r.meta().name)
        .chain(codes::ALL.iter().map(|c| c.name));
    crate::check::closest_name(key, names)
}
