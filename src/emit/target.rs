//! A target: its description as data, and a renderer.

use super::capability::Capabilities;
use super::idents::IdentScheme;
use super::limits::Limit;
use super::meta::TargetMeta;
use super::output::Output;
use super::ownership::Layer;
use super::plan::Plan;
use super::provenance::Provenance;

/// A configuration language corsc can write.
pub trait Target: Sync {
    /// What the target is and can express.
    fn meta(&self) -> &'static TargetMeta;
    /// Renders a plan. Never refuses: the plan already holds only what the target can express.
    fn render(&self, plan: &Plan<'_>, provenance: &Provenance) -> Output;
}

/// Shorthands for the fields of [`Target::meta`].
impl dyn Target + '_ {
    /// The `--target` value and snapshot name, e.g. `nginx`.
    #[must_use]
    pub fn id(&self) -> &'static str {
        self.meta().id
    }

    /// Other `--target` values that mean this target.
    #[must_use]
    pub fn aliases(&self) -> &'static [&'static str] {
        self.meta().aliases
    }

    /// The name used in messages.
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.meta().name
    }

    /// One line for `corsc targets`.
    #[must_use]
    pub fn doc_short(&self) -> &'static str {
        self.meta().doc_short
    }

    /// Where the output runs.
    #[must_use]
    pub fn layer(&self) -> Layer {
        self.meta().layer
    }

    /// What it can express.
    #[must_use]
    pub fn capabilities(&self) -> &'static Capabilities {
        self.meta().capabilities
    }

    /// What its library cannot express beyond the capability table.
    #[must_use]
    pub fn limits(&self) -> &'static [Limit] {
        self.meta().limits
    }

    /// How policy names become identifiers in its output.
    #[must_use]
    pub fn idents(&self) -> &'static IdentScheme {
        self.meta().idents
    }
}
