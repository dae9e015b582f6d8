//! Emit: plan a policy set against a target's capabilities, then render the plan as config text.
//!
//! ```text
//! IR ──plan (the only place that compares the IR with a target's capabilities)──▶ Plan
//!    ──render (one file per target, no capability checks)──▶ text with a provenance header
//! ```
//!
//! Invariants every target upholds (and the tests check):
//!
//! - `Access-Control-Allow-Origin` carries one value: `*` for a policy that allows any origin
//!   without credentials, otherwise the request's `Origin` echoed only after it matched the
//!   allowlist (exact origins byte for byte, patterns and regexes as full, case-sensitive
//!   matches). A refused origin gets no CORS header at all.
//! - `Vary: Origin` goes on every response of a scope whose `Access-Control-Allow-Origin`
//!   depends on the request, refused origins and requests without `Origin` included.
//! - Every CORS preflight in a policy's scope (`OPTIONS` with `Origin` and
//!   `Access-Control-Request-Method`) is answered by the server itself with `204`: with the
//!   `Allow-*` headers when the origin is allowed, with no CORS header (only `Vary`) when it is
//!   refused. The application behind never sees a preflight, so it cannot grant what the policy
//!   refuses, and a refused preflight looks the same whatever the application would have said.
//! - CORS headers an upstream application sends are removed, so a response never carries two.
//! - With credentials, `*` is never written in `Access-Control-Allow-Methods` or
//!   `Access-Control-Allow-Headers` (browsers read it literally there): the requested method or
//!   headers are echoed instead, and for `request-headers *` a request that asks for
//!   `Authorization` gets no `Access-Control-Allow-Headers`, because `*` never covers it.
//! - What a target cannot express fails with a `P3xx` diagnostic; nothing is widened silently.
//! - Output is deterministic: no timestamps, sorted lists, a provenance header naming the source,
//!   its SHA-256, the corsc version and the profile.
//!
//! Modules, from the outside in (each imports only those below it; this file only declares
//! them and re-exports what callers use):
//!
//! - [`registry`]: the list of targets, the one file that names them all.
//! - `targets/*`: one file per target, its [`TargetMeta`] and its renderer ([`Target`]).
//!   Targets never import each other; what several share is in [`lang`] (per host language:
//!   string literals, regex forms, headers), [`scopes`], [`lists`] and [`writer`].
//! - [`plan`](mod@plan): the IR against a [`TargetMeta`], with [`limits`], [`ownership`] and [`idents`].
//! - [`alternation`], [`trie`], [`regex_text`]: origins as few regexes as a target can take (the
//!   patterns' union, the exact origins' trie), and the escaping they share.
//! - [`dropin`]: namespaces and kept headers, for proxy output that lives beside a user's own.
//! - [`capability`], [`options`], [`output`], [`provenance`], [`codes`], [`comment`]: data.

pub mod alternation;
pub mod capability;
pub mod codes;
pub mod comment;
pub mod dropin;
pub mod idents;
pub mod lang;
pub mod limits;
pub mod lists;
pub mod meta;
pub mod options;
pub mod output;
pub mod ownership;
pub mod plan;
pub mod provenance;
pub mod regex_text;
pub mod registry;
pub mod scopes;
pub mod target;
pub mod targets;
pub mod trie;
pub mod write;
pub mod writer;

pub use capability::{Capabilities, Shape, Support};
pub use lang::java_package::JavaPackage;
pub use meta::TargetMeta;
pub use options::Options;
pub use output::{Output, Part};
pub use plan::{plan, Plan};
pub use provenance::Provenance;
pub use registry::{find, TARGETS};
pub use target::Target;

use crate::diagnostics::Diagnostic;
use crate::ir::PolicySet;

/// Plans and renders a policy set for a target.
///
/// # Errors
/// Returns `P3xx` diagnostics for everything the target cannot express.
pub fn compile(
    set: &PolicySet,
    target: &dyn Target,
    options: &Options,
    provenance: &Provenance,
) -> Result<Output, Vec<Diagnostic>> {
    let plan = plan::plan(set, target.meta(), options)?;
    let notes = browser_notes(&plan);
    if notes.is_empty() {
        return Ok(target.render(&plan, provenance));
    }
    let mut provenance = provenance.clone();
    provenance.notes.extend(notes);
    Ok(target.render(&plan, &provenance))
}

/// What the output's header says about features browsers have moved away from, so that no
/// reader takes a header the output sends for a grant it no longer is.
fn browser_notes(plan: &plan::Plan<'_>) -> Vec<String> {
    let mut notes = Vec::new();
    let pna: Vec<&str> = plan
        .policies
        .iter()
        .filter(|p| p.private_network)
        .map(|p| p.name)
        .collect();
    if !pna.is_empty() {
        notes.push(format!(
            "private-network ({}): answers the Private Network Access preflight with Access-Control-Allow-Private-Network, which only Chromium 104-141 asked for. It grants nothing in current browsers: Chrome 142+ asks the user for local-network access (Local Network Access), Firefox and Safari never used it. See `corsc explain S111`.",
            pna.join(", ")
        ));
    }
    notes
}
