//! The reference evaluator: the CORS protocol of the WHATWG Fetch Standard, both halves.
//!
//! Implements the CORS protocol of the Fetch Standard as of revision
//! `whatwg/fetch@586cd2a44c2a865b37c166dc0740f3fb8bb220d6` (2026-07-02). Step numbers in the
//! comments (`// Fetch §cors-preflight-fetch step 7.5`) refer to that revision; section names are
//! the anchors of <https://fetch.spec.whatwg.org/>.
//!
//! - [`request`]: what the browser sends — whether a request needs a preflight, and what the
//!   preflight and the actual request look like on the wire.
//! - [`server`]: [`respond`] — what a server that implements a policy correctly answers to any
//!   request it sees. This is the oracle every emitter's output is compared with.
//! - [`browser`]: [`judge`] — what a browser decides given the responses, the step that fails,
//!   what script may read, and how long the preflight is cached.
//! - [`routing`]: the path form each server routes on, so the evaluator answers as the
//!   generated dispatcher of a target does (`simulate --target`).
//! - [`probe`]: the probe set `corsc verify` derives from a policy, and how an observed answer is
//!   compared with the expected one.
//! - [`live`]: sending probes to a running server over HTTP; [`http1`] is its client for
//!   `http://`.
//!
//! The evaluator sees only the IR ([`crate::ir`]); it never looks at syntax.

pub mod browser;
pub mod cookies;
pub mod headers;
pub mod http1;
pub mod live;
pub mod probe;
pub mod request;
pub mod routing;
pub mod server;

pub use browser::{judge, Blocked, BlockedReason, BrowserModel, Exposure, Step, Verdict};
pub use headers::{get, get_all, reason_phrase, HeaderList};
pub use request::{BrowserRequest, WireRequest};
pub use routing::{plain_form, Routed, Routing, NOT_PLAIN_PATH, PLAIN_FORM_REGEX};
pub use server::{respond, respond_routed, Response, Trace};

/// Parses and checks policy text for tests; panics on any error (tests only).
#[cfg(test)]
pub(crate) fn policy_set(text: &str) -> crate::ir::PolicySet {
    let src = crate::source::Source::new("test.cors", text);
    let file = crate::syntax::parse(&src).expect("test policy parses");
    let checked = crate::check::check(&file, None);
    checked
        .policies
        .unwrap_or_else(|| panic!("test policy has errors: {:?}", checked.diagnostics))
}

#[cfg(test)]
mod tests;
