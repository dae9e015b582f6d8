//! The server half: what a server that implements a policy correctly answers.
//!
//! Decisions the Fetch standard leaves to the server, fixed here and followed by every emitter:
//!
//! - **Origin matching.** Exact entries compare the serialized origin byte for byte. Patterns
//!   follow [`crate::ir::OriginPattern::matches`]. `regex "…"` entries are a *full match* of the
//!   serialized origin as the browser sends it (`^(?:…)$`, case-sensitive; a serialized origin
//!   is already lower-case) — the safe choice, because a regex that only has to match somewhere
//!   inside the origin lets `https://example.com.evil.test` through. Emitters anchor the same
//!   way. `null` matches only the literal `null`. Invalid entries never match anything.
//! - **Any origin.** `*` without credentials is answered with a literal `*` and no
//!   `Vary: Origin`. `*` with credentials is still answered with a literal `*` (plus
//!   `Access-Control-Allow-Credentials: true`): browsers then refuse credentialed requests and
//!   allow the others. The server never reflects the request's `Origin` for `*`, because
//!   reflection with credentials hands every site the user's session.
//! - **`*` for methods and request headers with credentials.** A browser reads `*` literally
//!   when credentials are included, so the server answers with what was asked for instead:
//!   the `Access-Control-Request-Method` value for `methods *`, and the requested header names
//!   for `request-headers *` (except `authorization`, which `*` never covers unless listed),
//!   adding `Vary: Access-Control-Request-Method` / `-Headers`.
//! - **`expose-headers *` with credentials** cannot be honoured by a server that does not know
//!   every header its application adds, so it exposes only the names listed beside `*`.
//! - **Refusals.** A preflight from a refused origin, or to a path no policy covers, gets
//!   `403` and no CORS headers. An actual request from a refused origin gets its normal answer
//!   (`200` here) without CORS headers. Either way `Vary: Origin` is sent whenever the answer
//!   depends on the origin — also when `Origin` is absent — so caches never replay one origin's
//!   answer to another.

use super::request::WireRequest;
use super::routing::Routing;
use super::HeaderList;
use crate::fetch::MAX_ORIGIN_BYTES;
use crate::ir::{Origin, OriginKind, Policy, PolicySet};
use serde::Serialize;
use std::cell::RefCell;
use std::collections::HashMap;

/// A response: status and header lines, plus how the evaluator arrived at it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The header lines, in order; duplicates kept.
    pub headers: HeaderList,
    /// How the answer was decided (empty for responses observed from a real server).
    pub trace: Trace,
}

impl Response {
    /// A response observed on the wire, without a trace.
    #[must_use]
    pub fn observed(status: u16, headers: HeaderList) -> Self {
        Self {
            status,
            headers,
            trace: Trace::default(),
        }
    }

    /// The combined value of a header (Fetch "get").
    #[must_use]
    pub fn header(&self, name: &str) -> Option<String> {
        super::get(&self.headers, name)
    }

    fn push(&mut self, name: &str, value: impl Into<String>) {
        self.headers.push((name.to_string(), value.into()));
    }
}

/// How [`respond`] decided.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Trace {
    /// The index in [`PolicySet::policies`] of the policy that answered, if any covers the path.
    pub policy: Option<usize>,
    /// Whether the request was answered as a preflight.
    pub preflight: bool,
    /// What the origin check found.
    pub origin: OriginDecision,
}

/// The outcome of the origin check.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", rename_all = "kebab-case")]
pub enum OriginDecision {
    /// The request has no `Origin` header (not a CORS request), or no policy covers the path.
    #[default]
    NotApplicable,
    /// No entry of the policy allows the origin.
    Refused,
    /// This entry (index into the policy's origins) allows it.
    Allowed {
        /// Index into `policy.origins.value`.
        entry: usize,
    },
}

/// Answers a request as a server implementing `set` correctly would.
#[must_use]
pub fn respond(set: &PolicySet, req: &WireRequest) -> Response {
    respond_routed(set, Routing::Spec, req)
}

/// Answers a request as a server implementing `set` correctly would when it routes on the
/// path form of `routing`: the policy is the one owning the handler that server reaches.
#[must_use]
pub fn respond_routed(set: &PolicySet, routing: Routing, req: &WireRequest) -> Response {
    let preflight = req.is_preflight();
    let mut res = Response {
        status: if preflight { 403 } else { 200 },
        headers: Vec::new(),
        trace: Trace {
            policy: None,
            preflight,
            origin: OriginDecision::NotApplicable,
        },
    };
    let Some(policy) = super::routing::policy_for(set, routing, &req.path) else {
        return res;
    };
    res.trace.policy = set.policies.iter().position(|p| std::ptr::eq(p, policy));
    let mut vary: Vec<&str> = Vec::new();
    if acao_varies(policy) {
        vary.push("Origin");
    }
    let Some(origin) = req.header("origin") else {
        finish_vary(&mut res, &vary);
        return res;
    };
    let Some(entry) = matching_entry(policy, &origin) else {
        res.trace.origin = OriginDecision::Refused;
        finish_vary(&mut res, &vary);
        return res;
    };
    res.trace.origin = OriginDecision::Allowed { entry };
    let credentials = policy.credentials.value;
    let any = matches!(policy.origins.value[entry].kind, OriginKind::Any);
    res.push(
        "Access-Control-Allow-Origin",
        if any { "*" } else { &origin },
    );
    if credentials {
        // Fetch §cors-check steps 6–7: exactly `true`; on the preflight too, because the check
        // runs with the actual request's credentials mode (§cors-preflight-fetch step 7, note).
        res.push("Access-Control-Allow-Credentials", "true");
    }
    if preflight {
        res.status = 204;
        let requested_method = req
            .header("access-control-request-method")
            .unwrap_or_default();
        let methods = &policy.methods.value;
        if methods.any.is_some() {
            if credentials {
                res.push("Access-Control-Allow-Methods", requested_method);
                vary.push("Access-Control-Request-Method");
            } else {
                res.push("Access-Control-Allow-Methods", "*");
            }
        } else if !methods.list.is_empty() {
            let list: Vec<&str> = methods.list.iter().map(|m| m.node.as_str()).collect();
            res.push("Access-Control-Allow-Methods", list.join(", "));
        }
        let rh = &policy.request_headers.value;
        let listed: Vec<&str> = rh.list.iter().map(|h| h.node.as_str()).collect();
        let requested: Vec<String> = req
            .header("access-control-request-headers")
            .map(|v| {
                v.split(',')
                    .map(|s| s.trim().to_ascii_lowercase())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if rh.mirror.is_some() {
            if let Some(v) = req.header("access-control-request-headers") {
                res.push("Access-Control-Allow-Headers", v);
            }
            vary.push("Access-Control-Request-Headers");
        } else if rh.any.is_some() && credentials {
            let allowed: Vec<&str> = requested
                .iter()
                .map(String::as_str)
                .filter(|n| *n != "authorization" || listed.contains(n))
                .collect();
            if !allowed.is_empty() {
                res.push("Access-Control-Allow-Headers", allowed.join(", "));
            }
            vary.push("Access-Control-Request-Headers");
        } else if rh.any.is_some() {
            let mut v = vec!["*"];
            v.extend(listed.iter().copied());
            res.push("Access-Control-Allow-Headers", v.join(", "));
        } else if !listed.is_empty() {
            res.push("Access-Control-Allow-Headers", listed.join(", "));
        }
        if let Some(secs) = policy.max_age.value {
            res.push("Access-Control-Max-Age", secs.to_string());
        }
        if policy.private_network.value
            && req
                .header("access-control-request-private-network")
                .as_deref()
                == Some("true")
        {
            res.push("Access-Control-Allow-Private-Network", "true");
        }
    } else {
        let eh = &policy.expose_headers.value;
        let mut v: Vec<&str> = Vec::new();
        if eh.any.is_some() && !credentials {
            v.push("*");
        }
        v.extend(eh.list.iter().map(|h| h.node.as_str()));
        if !v.is_empty() {
            res.push("Access-Control-Expose-Headers", v.join(", "));
        }
    }
    finish_vary(&mut res, &vary);
    res
}

fn finish_vary(res: &mut Response, vary: &[&str]) {
    if !vary.is_empty() {
        res.push("Vary", vary.join(", "));
    }
}

/// Whether `Access-Control-Allow-Origin` depends on the request's `Origin` under this policy,
/// i.e. whether responses must carry `Vary: Origin`. A policy that allows any origin answers
/// `*` to everyone, unless it is credentialed and also lists origins, which are then answered
/// by name.
#[must_use]
pub fn acao_varies(policy: &Policy) -> bool {
    if policy.allows_any_origin() {
        policy.credentials.value
            && policy
                .origins
                .value
                .iter()
                .any(|o| !matches!(o.kind, OriginKind::Any | OriginKind::Invalid(_)))
    } else {
        policy
            .origins
            .value
            .iter()
            .any(|o| !matches!(o.kind, OriginKind::Invalid(_)))
    }
}

/// The entry of `policy` that allows `origin` (as sent in the `Origin` header). Specific
/// entries win over `*`, so a credentialed policy answers listed origins by name.
#[must_use]
pub fn matching_entry(policy: &Policy, origin: &str) -> Option<usize> {
    let entries = &policy.origins.value;
    entries
        .iter()
        .position(|e| !matches!(e.kind, OriginKind::Any) && entry_matches(&e.kind, origin))
        .or_else(|| {
            entries
                .iter()
                .position(|e| matches!(e.kind, OriginKind::Any))
        })
}

/// Whether one origin entry allows an `Origin` header value.
///
/// A pattern or `regex` entry never admits an origin longer than [`MAX_ORIGIN_BYTES`]: every
/// target refuses one before any regex runs (backtracking engines must not read kilobytes),
/// and the evaluator says what the generated servers do.
#[must_use]
pub fn entry_matches(kind: &OriginKind, origin: &str) -> bool {
    let bounded = origin.len() <= MAX_ORIGIN_BYTES;
    match kind {
        OriginKind::Any => true,
        OriginKind::Null => origin == "null",
        OriginKind::Exact(o) => o.is_serialized_as(origin),
        OriginKind::Pattern(p) => {
            bounded && Origin::parse_serialized(origin).is_some_and(|o| p.matches(&o))
        }
        OriginKind::Regex(src) => bounded && regex_full_match(src, origin),
        OriginKind::Invalid(_) => false,
    }
}

thread_local! {
    static REGEXES: RefCell<HashMap<String, Option<regex::Regex>>> = RefCell::new(HashMap::new());
}

/// Full match of a policy regex against a serialized origin: `^(?:SOURCE)$`. A source the
/// `regex` crate cannot compile (the checker already rejects those) matches nothing.
#[must_use]
pub fn regex_full_match(source: &str, origin: &str) -> bool {
    REGEXES.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.len() > 4096 {
            cache.clear();
        }
        if let Some(known) = cache.get(source) {
            return known.as_ref().is_some_and(|re| re.is_match(origin));
        }
        cache
            .entry(source.to_string())
            .or_insert_with(|| regex::Regex::new(&format!("^(?:{source})$")).ok())
            .as_ref()
            .is_some_and(|re| re.is_match(origin))
    })
}
