//! What a probe is: the request, the class of check it belongs to, and the bounds on a set.
//!
//! Classes are what the budget is planned by: every attacker class is probed before any
//! allowed-origin probe, so a small budget never silently spends itself on origins the policy
//! allows while the near misses go untried.

use super::super::request::BrowserRequest;
use super::super::routing::Routing;
use serde::Serialize;

/// Why a probe is in the set, broadly (the [`ProbeClass`] says exactly).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Intent {
    /// An origin the policy allows.
    Allowed,
    /// An origin an attacker would try: close to an allowed one, but refused.
    NearMiss,
    /// A path outside every policy's scope.
    OutsideScope,
    /// A spelling of a path at a scope boundary that some server routes differently from
    /// its raw form: percent-encoded, case-changed, with `//`, `.` or `..` segments, an
    /// encoded slash, or a prefix scope without its trailing slash.
    PathVariant,
    /// A request without `Origin`, as a same-origin page, a crawler or a cache sends it.
    NoOrigin,
}

/// The class of check a probe belongs to. The order here is the plan's order: the attacker
/// classes (before [`ProbeClass::Allowed`]) are probed first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProbeClass {
    /// An unrelated origin (`https://evil.test`): a server that reflects every origin grants it.
    Canary,
    /// The opaque origin `null` (sandboxed frames, `file:` pages, some redirects).
    Null,
    /// An allowed host with an attacker's suffix: `https://app.example.com.evil.test`,
    /// `https://app.example.com_.evil.test` (an unanchored match lets them through).
    Suffix,
    /// An attacker's prefix on the host or its registrable domain: `https://evilexample.com`.
    Prefix,
    /// The apex of a subdomain pattern: `https://example.com` for `https://*.example.com`.
    Apex,
    /// An `http://` downgrade of an `https://` origin.
    Downgrade,
    /// An allowed host on another port.
    OtherPort,
    /// A look-alike host with a dot turned into a letter (what an unescaped `.` admits).
    LookAlike,
    /// An origin a pattern or `regex` entry would admit but for its length: longer than
    /// `MAX_ORIGIN_BYTES`, which every generated server refuses before any regex runs.
    OverLong,
    /// What an invalid origin entry probably meant; the policy allows nothing for it.
    InvalidEntry,
    /// A request without `Origin`: no `*` with credentials, no empty origin reflected.
    NoOrigin,
    /// A path outside every policy's scope.
    OutsideScope,
    /// Spellings of a scope boundary that servers route differently.
    PathVariant,
    /// Each allowed origin, with and without credentials (sampled when they do not all fit).
    Allowed,
    /// Allowed and refused methods from the first allowed origins.
    Methods,
    /// Listed, unlisted and `Authorization` request headers from the first allowed origins.
    Headers,
    /// The other paths inside a policy's scopes.
    Scopes,
}

impl ProbeClass {
    /// Every class, in plan order.
    pub const ALL: [ProbeClass; 17] = [
        ProbeClass::Canary,
        ProbeClass::Null,
        ProbeClass::Suffix,
        ProbeClass::Prefix,
        ProbeClass::Apex,
        ProbeClass::Downgrade,
        ProbeClass::OtherPort,
        ProbeClass::LookAlike,
        ProbeClass::OverLong,
        ProbeClass::InvalidEntry,
        ProbeClass::NoOrigin,
        ProbeClass::OutsideScope,
        ProbeClass::PathVariant,
        ProbeClass::Allowed,
        ProbeClass::Methods,
        ProbeClass::Headers,
        ProbeClass::Scopes,
    ];

    /// The name in reports and JSON (`other-port`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            ProbeClass::Canary => "canary",
            ProbeClass::Null => "null",
            ProbeClass::Suffix => "suffix",
            ProbeClass::Prefix => "prefix",
            ProbeClass::Apex => "apex",
            ProbeClass::Downgrade => "downgrade",
            ProbeClass::OtherPort => "other-port",
            ProbeClass::LookAlike => "look-alike",
            ProbeClass::OverLong => "over-long",
            ProbeClass::InvalidEntry => "invalid-entry",
            ProbeClass::NoOrigin => "no-origin",
            ProbeClass::OutsideScope => "outside-scope",
            ProbeClass::PathVariant => "path-variant",
            ProbeClass::Allowed => "allowed",
            ProbeClass::Methods => "methods",
            ProbeClass::Headers => "headers",
            ProbeClass::Scopes => "scopes",
        }
    }

    /// Whether the class looks for more permission than the policy grants; these are probed
    /// before any class that checks what the policy does allow.
    #[must_use]
    pub fn is_attack(self) -> bool {
        self < ProbeClass::Allowed
    }

    /// The broad intent.
    #[must_use]
    pub fn intent(self) -> Intent {
        match self {
            ProbeClass::Canary
            | ProbeClass::Null
            | ProbeClass::Suffix
            | ProbeClass::Prefix
            | ProbeClass::Apex
            | ProbeClass::Downgrade
            | ProbeClass::OtherPort
            | ProbeClass::LookAlike
            | ProbeClass::OverLong
            | ProbeClass::InvalidEntry => Intent::NearMiss,
            ProbeClass::NoOrigin => Intent::NoOrigin,
            ProbeClass::OutsideScope => Intent::OutsideScope,
            ProbeClass::PathVariant => Intent::PathVariant,
            ProbeClass::Allowed
            | ProbeClass::Methods
            | ProbeClass::Headers
            | ProbeClass::Scopes => Intent::Allowed,
        }
    }
}

/// One request to try.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Probe {
    /// A one-line description: method, path, origin, credentials, headers.
    pub label: String,
    /// The check it belongs to.
    pub class: ProbeClass,
    /// Why it is in the set, broadly.
    pub intent: Intent,
    /// The request as script makes it. For [`ProbeClass::NoOrigin`] the origin is empty and
    /// the request is sent without `Origin` (and with a cookie when `credentials` is set).
    pub request: BrowserRequest,
}

/// Bounds on probe generation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProbeOptions {
    /// At most this many probes in all; the plan says what it had to leave out.
    pub max_probes: usize,
    /// At most this many allowed origins per policy get the method and header probes; every
    /// allowed origin gets a simple request with and without credentials.
    pub full_matrix_origins: usize,
    /// The path form the server routes on: expected answers come from the policy that owns
    /// the handler this server reaches.
    pub routing: Routing,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        Self {
            max_probes: 400,
            full_matrix_origins: 4,
            routing: Routing::Spec,
        }
    }
}
