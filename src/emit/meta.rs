//! What a target is, as data: one [`TargetMeta`] record per target, declared as
//! `pub static META` in its file under `targets/`.
//!
//! The plan reads the record (capabilities, limits, layer, identifier scheme) and never the
//! target itself, `corsc targets` prints it, and `--target` is matched against its id and
//! aliases. Only rendering is code ([`super::target::Target`]).

use super::capability::Capabilities;
use super::idents::IdentScheme;
use super::limits::Limit;
use super::ownership::Layer;

/// Everything that describes a target apart from its renderer.
///
/// The minimum version and the output shapes are part of [`Capabilities`]
/// (`min_version`, `shapes`, the first shape being the default), because `corsc targets
/// --format json` publishes that table as it is.
#[derive(Debug)]
pub struct TargetMeta {
    /// The `--target` value and snapshot name, e.g. `nginx`.
    pub id: &'static str,
    /// Other `--target` values that mean this target (e.g. `axum` for `tower-http`).
    pub aliases: &'static [&'static str],
    /// The name used in messages, e.g. `Apache httpd`.
    pub name: &'static str,
    /// One line for `corsc targets`.
    pub doc_short: &'static str,
    /// Where the output runs, which decides how a file's `owner` line applies
    /// ([`super::ownership`]).
    pub layer: Layer,
    /// What it can express, its minimum version and its shapes.
    pub capabilities: &'static Capabilities,
    /// What the target's library cannot express beyond the capability table; the plan checks
    /// them. Configuration languages have none.
    pub limits: &'static [Limit],
    /// How policy names become identifiers in the output, and which names the output already
    /// uses ([`super::idents`]); [`IdentScheme::NONE`] for targets that name no policy.
    pub idents: &'static IdentScheme,
}
