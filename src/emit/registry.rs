//! The registered targets. `--target` values, `corsc targets` and the snapshot tests all come
//! from [`TARGETS`], so a new target is one file under `targets/` and one line here.

use super::capability::Capabilities;
use super::plan::Plan;
use super::{targets, Output, Provenance};

/// A configuration language corsc can write.
pub trait Target: Sync {
    /// The `--target` value and snapshot name, e.g. `nginx`.
    fn id(&self) -> &'static str;
    /// The name used in messages, e.g. `nginx`.
    fn name(&self) -> &'static str;
    /// One line for `corsc targets`.
    fn doc_short(&self) -> &'static str;
    /// What it can express.
    fn capabilities(&self) -> &'static Capabilities;
    /// Renders a plan. Never refuses: the plan already holds only what the target can express.
    fn render(&self, plan: &Plan<'_>, provenance: &Provenance) -> Output;
    /// What the target's library cannot express beyond the capability table; the plan checks
    /// them. Configuration languages have none.
    fn limits(&self) -> &'static [super::limits::Limit] {
        &[]
    }
    /// Where the output runs, which decides how a file's `owner` line applies
    /// ([`super::ownership`]). Application frameworks are the default; proxies say so.
    fn layer(&self) -> super::ownership::Layer {
        super::ownership::Layer::App
    }
    /// How policy names become identifiers in the output, and which names the output already
    /// uses ([`super::idents`]). Targets that name no policy keep the default.
    fn idents(&self) -> &'static super::idents::IdentScheme {
        &super::idents::IdentScheme::NONE
    }
    /// Other `--target` values that mean this target (e.g. `axum` for `tower-http`).
    fn aliases(&self) -> &'static [&'static str] {
        &[]
    }
}

/// Every target, sorted by id.
pub static TARGETS: &[&dyn Target] = &[
    &targets::actix::Actix,
    &targets::apache::Apache,
    &targets::django::Django,
    &targets::express::Express,
    &targets::fastify::Fastify,
    &targets::flask::Flask,
    &targets::go::Go,
    &targets::nginx::Nginx,
    &targets::spring::Spring,
    &targets::starlette::Starlette,
    &targets::tower_http::TowerHttp,
];

/// The target with this id.
#[must_use]
pub fn find(id: &str) -> Option<&'static dyn Target> {
    TARGETS
        .iter()
        .copied()
        .find(|t| t.id() == id || t.aliases().contains(&id))
}

#[cfg(test)]
mod tests {
    use super::TARGETS;

    #[test]
    fn ids_are_sorted_unique_and_default_shape_first() {
        for w in TARGETS.windows(2) {
            assert!(w[0].id() < w[1].id());
        }
        for t in TARGETS {
            assert!(!t.capabilities().shapes.is_empty(), "{}", t.id());
        }
    }
}
