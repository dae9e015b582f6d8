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
//! - [`live`]: sending probes to a running server over HTTP.
//!
//! The evaluator sees only the IR ([`crate::ir`]); it never looks at syntax.

pub mod browser;
pub mod live;
pub mod probe;
pub mod request;
pub mod routing;
pub mod server;

pub use browser::{judge, Blocked, BlockedReason, BrowserModel, Exposure, Step, Verdict};
pub use request::{BrowserRequest, WireRequest};
pub use routing::{Routed, Routing};
pub use server::{respond, respond_routed, Response, Trace};

/// A header list as it travels on the wire: names as sent, values as sent, one entry per
/// header line, in order. Duplicates are kept, because a duplicated
/// `Access-Control-Allow-Origin` is exactly the kind of mistake the evaluator must see.
pub type HeaderList = Vec<(String, String)>;

/// Every value of a header, one per line, in order (names compared case-insensitively).
#[must_use]
pub fn get_all<'a>(headers: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect()
}

/// Fetch §concept-header-list-get: the values of every line with this name, combined with
/// `", "`; `None` when there is no such line. Two `Access-Control-Allow-Origin` lines therefore
/// become one value that can never equal an origin.
#[must_use]
pub fn get(headers: &[(String, String)], name: &str) -> Option<String> {
    let all = get_all(headers, name);
    if all.is_empty() {
        None
    } else {
        Some(all.join(", "))
    }
}

/// The reason phrase for the statuses the evaluator produces, for display.
#[must_use]
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        500 => "Internal Server Error",
        _ => "",
    }
}

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
