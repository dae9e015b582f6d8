//! The lint rules' entries in the one catalogue of codes ([`crate::diagnostics::catalogue`]),
//! which `corsc rules`, `corsc explain`, SARIF and the README's table read.

use super::meta::FixAvailability;
use super::registry;
use crate::diagnostics::catalogue::{Catalogue, Entry, Origin};

/// Every rule, as catalogue entries, in the registry's order.
#[must_use]
pub fn entries() -> Vec<Entry> {
    registry::RULES
        .iter()
        .map(|r| {
            let m = r.meta();
            Entry {
                code: m.code,
                name: m.name,
                category: m.category.as_str(),
                default_level: m.default_level.as_str(),
                fixable: r.fix_availability() != FixAvailability::None,
                fix: r.fix_availability().label(),
                configurable: true,
                summary: m.summary,
                docs: m.docs,
                origin: Origin::Rule,
            }
        })
        .collect()
}

/// The catalogue of every code: the rules, then the fixed errors and the compile errors.
#[must_use]
pub fn catalogue() -> Catalogue {
    Catalogue::new(entries())
}

/// The Markdown tables of every code, as the README holds them.
#[must_use]
pub fn markdown_table() -> String {
    catalogue().markdown_table()
}
