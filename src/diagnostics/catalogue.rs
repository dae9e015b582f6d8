//! The one catalogue of codes a diagnostic can carry: the lint rules, the fixed errors of
//! syntax and check (`E…`) and the errors of compilation (`P3xx`). `corsc rules`, `corsc
//! explain`, SARIF's rule list and the README's table are all read from it, so none of them
//! can know a code the others do not.
//!
//! Diagnostics sits below every stage and imports none: the lint rules' entries are handed in
//! by the caller ([`Catalogue::new`]), which asks the lint stage for them.

use super::codes::{self, Code};
use serde::Serialize;

/// Which part of corsc reports a code, which decides how it is listed and explained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A lint rule: configurable, with documentation.
    Rule,
    /// A syntax or check error: the file has no meaning until it is fixed.
    Error,
    /// A compile error: the target cannot say what the policy says.
    Target,
    /// A finding of `corsc import` about the configuration it read.
    Import,
}

/// One code, as `corsc rules --format json` prints it.
#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    /// Stable code.
    pub code: &'static str,
    /// Stable name.
    pub name: &'static str,
    /// `security`, `correctness`, `portability` or `style` for a rule; `error` otherwise.
    pub category: &'static str,
    /// `error`, `warning`, `note` or `allow`.
    pub default_level: &'static str,
    /// Whether its findings can carry a fix.
    pub fixable: bool,
    /// The fix's level: `safe` (`--fix` applies it), `unsafe` (only with `--unsafe-fixes`),
    /// `sometimes (safe)` or `sometimes (unsafe)` (some findings have none); `null` without.
    pub fix: Option<&'static str>,
    /// Whether `--deny`/`--warn`/`--allow` and `@allow` apply.
    pub configurable: bool,
    /// One line.
    pub summary: &'static str,
    /// The Markdown documentation (empty for fixed errors).
    pub docs: &'static str,
    /// Who reports it.
    #[serde(skip)]
    pub origin: Origin,
}

impl Entry {
    fn fixed(c: &'static Code, origin: Origin) -> Self {
        Entry {
            code: c.code,
            name: c.name,
            category: if origin == Origin::Import {
                "import"
            } else {
                "error"
            },
            default_level: match (origin, c.code) {
                (Origin::Import, "I103") => "note",
                (Origin::Import, "I101" | "I102" | "I105") => "warning",
                _ => "error",
            },
            fixable: false,
            fix: None,
            configurable: false,
            summary: c.summary,
            docs: "",
            origin,
        }
    }

    /// The first paragraph of the documentation's `## What it does`, as one line (the summary
    /// when there is none).
    #[must_use]
    pub fn what_it_does(&self) -> String {
        let body = self
            .docs
            .split("## What it does")
            .nth(1)
            .unwrap_or(self.summary);
        body.trim_start()
            .split("\n\n")
            .next()
            .unwrap_or(self.summary)
            .split("\n##")
            .next()
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Every code: the rules handed in, then the fixed errors, then the compile errors.
#[derive(Clone, Debug)]
pub struct Catalogue {
    entries: Vec<Entry>,
}

impl Catalogue {
    /// The catalogue of the given rules and every fixed code.
    #[must_use]
    pub fn new(rules: Vec<Entry>) -> Self {
        let mut entries = rules;
        entries.extend(codes::ALL.iter().map(|c| Entry::fixed(c, Origin::Error)));
        entries.extend(
            codes::TARGET
                .iter()
                .map(|c| Entry::fixed(c, Origin::Target)),
        );
        entries.extend(
            codes::IMPORT
                .iter()
                .map(|c| Entry::fixed(c, Origin::Import)),
        );
        Catalogue { entries }
    }

    /// Every entry, in listing order.
    #[must_use]
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    fn of(&self, origin: Origin) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(move |e| e.origin == origin)
    }

    /// Looks a code up by code (any case) or name.
    #[must_use]
    pub fn find(&self, key: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.code.eq_ignore_ascii_case(key) || e.name == key)
    }

    /// Every name, for suggestions.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.entries.iter().map(|e| e.name)
    }

    /// The Markdown tables of every rule, every fixed error and every compile error.
    #[must_use]
    pub fn markdown_table(&self) -> String {
        let mut s = String::from(
            "| Code | Name | Category | Default | Fix | What it flags |\n|---|---|---|---|---|---|\n",
        );
        for e in self.of(Origin::Rule) {
            s.push_str(&format!(
                "| `{}` | `{}` | {} | {} | {} | {} |\n",
                e.code,
                e.name,
                e.category,
                e.default_level,
                e.fix.unwrap_or_default(),
                cell(e.summary)
            ));
        }
        let fixed = |s: &mut String, origin: Origin| {
            s.push_str("| Code | Name | Meaning |\n|---|---|---|\n");
            for e in self.of(origin) {
                s.push_str(&format!(
                    "| `{}` | `{}` | {} |\n",
                    e.code,
                    e.name,
                    cell(e.summary)
                ));
            }
        };
        s.push_str("\nErrors that no configuration can turn off (`corsc explain E104`):\n\n");
        fixed(&mut s, Origin::Error);
        s.push_str(
            "\nErrors of `corsc compile` and `corsc build` where a target cannot express the \
             policy (`corsc explain P301`):\n\n",
        );
        fixed(&mut s, Origin::Target);
        s.push_str(
            "\nFindings of `corsc import` and `corsc lint --from` about the configuration they \
             read (`corsc explain I101`):\n\n",
        );
        fixed(&mut s, Origin::Import);
        s
    }

    /// Aligned text: one line per rule, then the fixed errors, then the compile errors.
    #[must_use]
    pub fn text_table(&self) -> String {
        let width = self.names().map(str::len).max().unwrap_or(0);
        let mut s = String::new();
        for e in self.of(Origin::Rule) {
            s.push_str(&format!(
                "{}  {:width$}  {:11}  {:7}  {:23}  {}\n",
                e.code,
                e.name,
                e.category,
                e.default_level,
                e.fix.map(|f| format!("fix: {f}")).unwrap_or_default(),
                e.summary
            ));
        }
        s.push_str("\nfixed errors (not configurable):\n");
        for e in self.of(Origin::Error) {
            s.push_str(&format!("{}  {:width$}  {}\n", e.code, e.name, e.summary));
        }
        s.push_str("\ncompile errors (a target cannot express the policy; not configurable):\n");
        for e in self.of(Origin::Target) {
            s.push_str(&format!("{}  {:width$}  {}\n", e.code, e.name, e.summary));
        }
        s.push_str("\nimport findings (about the configuration `corsc import` read):\n");
        for e in self.of(Origin::Import) {
            s.push_str(&format!("{}  {:width$}  {}\n", e.code, e.name, e.summary));
        }
        s
    }

    /// What `corsc explain` prints for a code or name; `None` if unknown.
    #[must_use]
    pub fn explain(&self, key: &str) -> Option<String> {
        let e = self.find(key)?;
        Some(match e.origin {
            Origin::Rule => format!(
                "# {} {}\n\ncategory: {} · default level: {} · fix: {} · configurable: yes\n\n{}\n\n{}",
                e.code,
                e.name,
                e.category,
                e.default_level,
                explain_fix(e.fix),
                e.summary,
                e.docs.trim_end()
            ),
            Origin::Error => format!(
                "# {} {}\n\nlevel: error · configurable: no (the file has no meaning until it is fixed)\n\n{}\n",
                e.code, e.name, e.summary
            ),
            Origin::Target => format!(
                "# {} {}\n\nlevel: error · configurable: no (`corsc compile` and `corsc build` refuse rather than write a configuration that grants more, or less, than the policy says)\n\n{}\n\n{}\n",
                e.code, e.name, e.summary, TARGET_HELP
            ),
            Origin::Import => format!(
                "# {} {}\n\nlevel: set by the finding · configurable: no (reported by `corsc import` and `corsc lint --from` at the line of the file they read)\n\n{}\n\n{}\n",
                e.code, e.name, e.summary, IMPORT_HELP
            ),
        })
    }
}

/// What every import finding's explanation ends with.
const IMPORT_HELP: &str = "An import never widens: what it cannot say exactly in the policy \
language it narrows (or leaves out) and says so, with a comment in the policy at that place. \
Prove the policy you adopt against the configuration it replaces with `corsc diff --from`.";

/// The fix part of a rule's `corsc explain` header.
fn explain_fix(fix: Option<&str>) -> String {
    match fix {
        None => "none".to_string(),
        Some(f) if f.contains("unsafe") => {
            format!("{f} (`corsc lint --fix --unsafe-fixes`)")
        }
        Some(f) => format!("{f} (`corsc lint --fix`)"),
    }
}

/// What to do about a compile error, whichever it is.
const TARGET_HELP: &str = "The message names the target and the part of the policy it refuses, \
     and its help line says what to change. `corsc targets` lists what each target can express.";

fn cell(s: &str) -> String {
    s.replace('|', "\\|")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_and_compile_codes_are_listed_and_explained() {
        let c = Catalogue::new(Vec::new());
        assert!(c.find("p301").is_some_and(|e| e.origin == Origin::Target));
        assert!(c.find("invalid-duration").is_some());
        let text = c.explain("P301").unwrap_or_default();
        assert!(text.starts_with("# P301 target-cannot-express"), "{text}");
        assert!(c.text_table().contains("P305  cors-owned-by-proxy"));
        assert!(c
            .markdown_table()
            .contains("| `P302` | `unwritable-value` |"));
    }
}
