//! What a lint rule is: its metadata and a check over the IR. A rule file takes all it needs
//! to declare itself from here.

use super::context::LintContext;
pub use super::meta::{Category, Level, RuleMeta};
use crate::ir::PolicySet;

/// A lint rule.
pub trait Rule: Sync {
    /// Its metadata.
    fn meta(&self) -> &'static RuleMeta;
    /// Reports its findings on one resolved policy set.
    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>);
}
