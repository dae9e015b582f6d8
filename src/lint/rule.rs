//! What a lint rule is: its metadata and a check over the IR. A rule file takes all it needs
//! to declare itself from here.

use super::context::LintContext;
pub use super::meta::{Category, FixAvailability, Level, RuleMeta};
pub use crate::diagnostics::Applicability;
use crate::ir::PolicySet;

/// A lint rule.
pub trait Rule: Sync {
    /// Its metadata.
    fn meta(&self) -> &'static RuleMeta;
    /// Reports its findings on one resolved policy set.
    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>);

    /// Whether its findings carry fixes, and how safe they are. A rule whose metadata says
    /// `fixable` and that does not say more is taken to fix every finding unsafely: a fix
    /// nobody graded is never applied by `--fix` alone.
    fn fix_availability(&self) -> FixAvailability {
        if self.meta().fixable {
            FixAvailability::Always(Applicability::Unsafe)
        } else {
            FixAvailability::None
        }
    }
}
