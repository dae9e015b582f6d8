//! Which layer answers CORS: the reverse proxy or the application, never both.
//!
//! Two `Access-Control-Allow-Origin` lines — one from the proxy, one from the application it
//! forwards to — are the most common production CORS bug: the browser rejects the response,
//! whatever the two values are. corsc makes that output impossible:
//!
//! | file says     | proxy target (nginx, Apache)                     | application target                          |
//! |---------------|--------------------------------------------------|---------------------------------------------|
//! | `owner proxy` | answers CORS, removes the upstream's CORS headers | refused: `P305 cors-owned-by-proxy`         |
//! | `owner app`   | refused: `P303 cors-owned-by-app`                 | answers CORS                                |
//! | nothing       | answers CORS, removes the upstream's CORS headers | answers CORS; the file header says it must not sit behind a proxy that adds CORS headers |
//!
//! Why refusals rather than pass-through or do-nothing output: a module that does nothing
//! looks like a working CORS setup until the proxy configuration is lost, and a pass-through
//! proxy configuration looks like one that answers CORS. A refusal says, at compile time,
//! which layer the policy belongs to. A proxy always removes the upstream's CORS headers in the
//! scopes it answers, owner or not, so even a forgotten `owner` line cannot produce two lines
//! when both layers were compiled by corsc.
//!
//! [`check`] is called by the plan step, the only place that compares a policy with a target.

use super::codes;
use crate::diagnostics::{Diagnostic, Severity};
use crate::ir::Owner;
use crate::source::Spanned;

/// Where a target's output runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layer {
    /// A reverse proxy in front of the application (nginx, Apache): it answers CORS for its
    /// scopes and removes the CORS headers of the application behind it.
    Proxy,
    /// The application itself (a framework's CORS middleware).
    App,
}

/// The refusal for compiling a policy owned by one layer for a target of the other, if any:
/// `layer` is the target's, `name` what messages call it.
#[must_use]
pub fn check(owner: Option<&Spanned<Owner>>, layer: Layer, name: &str) -> Option<Diagnostic> {
    let owner = owner?;
    match (owner.node, layer) {
        (Owner::App, Layer::Proxy) => Some(
            Diagnostic::new(
                codes::OWNED_BY_APP.code,
                codes::OWNED_BY_APP.name,
                Severity::Error,
                format!(
                    "the file says the application answers CORS (`owner app`); a {name} configuration would answer it too"
                ),
                owner.span,
            )
            .with_help(
                "compile for the application's framework, or write `owner proxy` if the proxy should answer CORS",
            ),
        ),
        (Owner::Proxy, Layer::App) => Some(
            Diagnostic::new(
                codes::OWNED_BY_PROXY.code,
                codes::OWNED_BY_PROXY.name,
                Severity::Error,
                format!(
                    "this policy is owned by the proxy (`owner proxy`); the app must not add CORS headers, so there is no {name} output"
                ),
                owner.span,
            )
            .with_help(
                "compile for the proxy (nginx, apache), or write `owner app` if the application should answer CORS",
            ),
        ),
        _ => None,
    }
}

/// The lines an application target puts in its file header about who owns CORS.
#[must_use]
pub fn app_notice(owner: Option<Owner>) -> &'static [&'static str] {
    match owner {
        Some(Owner::App) => &[
            "CORS is owned by the application (`owner app`): a proxy in front must pass these",
            "headers through and add none of its own (corsc refuses proxy output for this file).",
        ],
        // `owner proxy` never reaches a renderer of an application target: the plan refuses it.
        Some(Owner::Proxy) | None => &[
            "This module answers CORS itself. It must not sit behind a proxy that adds CORS headers",
            "too: two Access-Control-Allow-Origin lines fail in every browser. A proxy compiled by",
            "corsc from the same file removes this module's headers; write `owner app` or",
            "`owner proxy` in the policy file to make the choice explicit.",
        ],
    }
}
