//! Looking targets up. The list itself is the `targets!` list in `targets/mod.rs`, the only
//! place that names every target. `--target` values, `corsc targets`, the snapshot tests and
//! the conformance coverage check all read [`TARGETS`].
//!
//! Adding a target:
//!
//! 1. Write `targets/<id>.rs`: a `pub static META: TargetMeta` (id, name, capabilities,
//!    limits, layer, identifier scheme, aliases; the capability table states what sets the
//!    target apart and takes the rest from `Capabilities::COMMON`, routing model included) and
//!    a unit struct implementing [`Target`] (`meta` and `render`), using the helpers of
//!    `lang/`, `scopes`, `lists` and `writer`, never another target's.
//! 2. Add one line to the `targets!` list in `targets/mod.rs`, in id order: it declares the
//!    module and registers the target.
//! 3. Run `cargo test --test emit_snapshots`: it fails until every example policy × shape of
//!    the new target has a snapshot; review and accept them (`cargo insta review`).
//! 4. Prove it live: add it to one harness in `tests/support/conformance.rs` (or to its
//!    snapshots-only list, saying why); every conformance binary fails until then.

use super::target::Target;

pub use super::targets::TARGETS;

/// The target with this id or alias.
#[must_use]
pub fn find(id_or_alias: &str) -> Option<&'static dyn Target> {
    TARGETS.iter().copied().find(|t| {
        let m = t.meta();
        m.id == id_or_alias || m.aliases.contains(&id_or_alias)
    })
}

/// Every target's id, in [`TARGETS`] order (for messages that list them).
#[must_use]
pub fn ids() -> Vec<&'static str> {
    TARGETS.iter().map(|t| t.meta().id).collect()
}

#[cfg(test)]
mod tests {
    use super::{find, TARGETS};
    use crate::emit::capability::Capabilities;

    #[test]
    fn ids_are_sorted_unique_and_every_target_has_a_shape() {
        for w in TARGETS.windows(2) {
            assert!(w[0].meta().id < w[1].meta().id);
        }
        for t in TARGETS {
            assert!(!t.meta().capabilities.shapes.is_empty(), "{}", t.meta().id);
        }
    }

    #[test]
    fn every_table_replaces_the_placeholders_of_common() {
        let common = Capabilities::COMMON;
        for t in TARGETS {
            let (id, c) = (t.meta().id, t.meta().capabilities);
            assert!(!c.min_version.is_empty(), "{id}: no minimum version");
            // A target without path scopes answers every path alike: no routing model needed.
            if c.path_scoping.available() {
                assert_ne!(c.routing, common.routing, "{id}: no routing model");
            }
            // A target that takes regexes names their engine; one that takes none names none.
            assert_eq!(
                c.regex.available(),
                c.regex_dialect.engine().is_some(),
                "{id}: regex support and dialect disagree"
            );
        }
    }

    #[test]
    fn ids_and_aliases_name_one_target_each() {
        let mut names: Vec<&str> = TARGETS
            .iter()
            .flat_map(|t| std::iter::once(t.meta().id).chain(t.meta().aliases.iter().copied()))
            .collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n, "an id or alias is used twice: {names:?}");
        for t in TARGETS {
            for a in t.meta().aliases {
                assert_eq!(find(a).map(|f| f.meta().id), Some(t.meta().id));
            }
        }
    }
}
