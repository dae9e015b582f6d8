//! What the policy prescribes for a probe, and how an observed exchange is judged against it:
//! mismatches (a different browser verdict, or more permission), findings (what no browser
//! verdict shows but a shared cache or a non-browser client does), and harmless notes.

use super::super::browser::{actual_check, cors_check, run, BrowserModel, Exchange, Verdict};
use super::super::request::{BrowserRequest, WireRequest};
use super::super::routing::Routing;
use super::super::server::{respond_routed, Response};
use super::model::{Probe, ProbeClass};
use crate::ir::PolicySet;
use serde::Serialize;
use std::collections::BTreeSet;

/// What kind of finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// An answer whose CORS headers depend on `Origin` without `Vary: Origin`.
    VaryOrigin,
    /// `Access-Control-Allow-Origin: *` with `Access-Control-Allow-Credentials: true` to a
    /// request without `Origin`.
    WildcardWithCredentials,
    /// An empty `Access-Control-Allow-Origin` to a request without `Origin`.
    EmptyOrigin,
}

impl FindingKind {
    /// The name in reports and JSON (`vary-origin`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::VaryOrigin => "vary-origin",
            FindingKind::WildcardWithCredentials => "wildcard-with-credentials",
            FindingKind::EmptyOrigin => "empty-origin",
        }
    }
}

/// A defect no browser verdict shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What kind.
    pub kind: FindingKind,
    /// What was seen and why it matters.
    pub message: String,
}

impl Finding {
    fn new(kind: FindingKind) -> Self {
        let message = match kind {
            FindingKind::VaryOrigin => {
                "the answer depends on Origin but has no `Vary: Origin`: a shared cache can \
                 serve it to another origin"
            }
            FindingKind::WildcardWithCredentials => {
                "without Origin the answer sends Access-Control-Allow-Origin `*` together with \
                 Access-Control-Allow-Credentials: true, a pair the CORS protocol never allows"
            }
            FindingKind::EmptyOrigin => {
                "without Origin the answer sends an empty Access-Control-Allow-Origin: the \
                 request's Origin is copied without being checked"
            }
        };
        Self {
            kind,
            message: message.to_string(),
        }
    }
}

/// What an observed exchange did differently from the expected one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// Differences that make the server not equivalent to the policy.
    pub mismatches: Vec<String>,
    /// Defects the browser's verdict does not show (`Vary: Origin`, answers without `Origin`).
    pub findings: Vec<Finding>,
    /// Differences that do not matter (status 200 versus 204, `Vary` on preflights).
    pub notes: Vec<String>,
}

impl Comparison {
    /// Whether the server is equivalent for this probe (findings aside).
    #[must_use]
    pub fn ok(&self) -> bool {
        self.mismatches.is_empty()
    }
}

/// The expected exchange for a browser request: the policy's own server answering.
#[must_use]
pub fn expected(set: &PolicySet, model: &BrowserModel, req: &BrowserRequest) -> Exchange {
    expected_routed(set, model, Routing::Spec, req)
}

/// The expected exchange for a browser request sent to a server that routes on `routing`'s
/// path form.
#[must_use]
pub fn expected_routed(
    set: &PolicySet,
    model: &BrowserModel,
    routing: Routing,
    req: &BrowserRequest,
) -> Exchange {
    let r: Result<Exchange, std::convert::Infallible> =
        run(model, req, |w| Ok(respond_routed(set, routing, w)));
    match r {
        Ok(x) => x,
        Err(never) => match never {},
    }
}

/// Runs one probe through `send`: the browser's exchange, or for a probe of class
/// [`ProbeClass::NoOrigin`] the one request a client without `Origin` sends. (Its verdict is
/// what the browser's check of the response would say for an empty origin; no browser sends
/// it, so reports describe the response instead.)
///
/// # Errors
/// Whatever `send` fails with.
pub fn run_probe<E>(
    model: &BrowserModel,
    probe: &Probe,
    mut send: impl FnMut(&WireRequest) -> Result<Response, E>,
) -> Result<Exchange, E> {
    if probe.class != ProbeClass::NoOrigin {
        return run(model, &probe.request, send);
    }
    let mut wire = probe.request.actual();
    wire.headers
        .retain(|(n, _)| !n.eq_ignore_ascii_case("origin"));
    let res = send(&wire)?;
    let verdict = match actual_check(&probe.request, &res) {
        Ok(exposure) => Verdict::Allowed {
            exposure,
            preflight_cache_seconds: None,
        },
        Err(b) => Verdict::Blocked(b),
    };
    Ok(Exchange {
        preflight: None,
        actual: Some((wire, res)),
        verdict,
    })
}

/// What the policy prescribes for a probe, on a server routing on `routing`'s path form.
#[must_use]
pub fn expected_probe(
    set: &PolicySet,
    model: &BrowserModel,
    routing: Routing,
    probe: &Probe,
) -> Exchange {
    let r: Result<Exchange, std::convert::Infallible> =
        run_probe(model, probe, |w| Ok(respond_routed(set, routing, w)));
    match r {
        Ok(x) => x,
        Err(never) => match never {},
    }
}

/// Judges an observed exchange for a probe: [`compare`] for browser requests, the rules for
/// answers without `Origin` otherwise.
#[must_use]
pub fn compare_probe(probe: &Probe, expected: &Exchange, observed: &Exchange) -> Comparison {
    if probe.class != ProbeClass::NoOrigin {
        return compare(&probe.request, expected, observed);
    }
    let mut c = Comparison::default();
    let (Some((_, exp)), Some((wire, obs))) = (&expected.actual, &observed.actual) else {
        return c;
    };
    let acao = super::super::get_all(&obs.headers, "access-control-allow-origin");
    let credentials = obs.header("access-control-allow-credentials").as_deref() == Some("true");
    if credentials && acao.contains(&"*") {
        c.findings
            .push(Finding::new(FindingKind::WildcardWithCredentials));
    }
    if acao.iter().any(|v| v.is_empty()) {
        c.findings.push(Finding::new(FindingKind::EmptyOrigin));
    }
    if !acao.is_empty() && c.findings.is_empty() {
        c.notes.push(format!(
            "without Origin the answer still sends Access-Control-Allow-Origin `{}`",
            acao.join(", ")
        ));
    }
    vary_check(&wire.method, "response", Some(exp), obs, false, &mut c);
    c
}

/// Compares what a server did with what the policy prescribes. Equivalent means the same
/// browser verdict (and, when allowed, the same readable headers) and never more permission:
/// no `Access-Control-Allow-Origin` that passes for an origin the policy refuses, no
/// `Access-Control-Allow-Credentials: true` the policy does not grant beside an
/// `Access-Control-Allow-Origin` (alone, with no `Access-Control-Allow-Origin` at all, it is
/// inert: the CORS check fails on the missing origin before it reads credentials, so it is a
/// note — Traefik sends it so to every origin). Separately, an answer
/// to a `GET` or `HEAD` (what HTTP caches store) whose CORS headers depend on `Origin` —
/// the policy's own answer varies, or the server echoes the origin — must carry
/// `Vary: Origin`; without it the comparison has a finding.
#[must_use]
pub fn compare(req: &BrowserRequest, expected: &Exchange, observed: &Exchange) -> Comparison {
    let mut c = Comparison::default();
    match (&expected.verdict, &observed.verdict) {
        (Verdict::Allowed { .. }, Verdict::Blocked(b)) => c.mismatches.push(format!(
            "the browser blocks it ({}: {}); the policy allows it",
            b.step.describe(),
            b.reason
        )),
        (Verdict::Blocked(b), Verdict::Allowed { .. }) => c.mismatches.push(format!(
            "the browser allows it; the policy blocks it ({}: {})",
            b.step.describe(),
            b.reason
        )),
        (Verdict::Allowed { exposure: e, .. }, Verdict::Allowed { exposure: o, .. }) => {
            if e != o {
                c.mismatches.push(format!(
                    "script can read {} instead of {}",
                    describe_exposure(o),
                    describe_exposure(e)
                ));
            }
        }
        (Verdict::Blocked(_), Verdict::Blocked(_)) => {}
    }
    let pairs = [
        (
            "preflight",
            expected.preflight.as_ref().map(|p| &p.1),
            observed.preflight.as_ref(),
        ),
        (
            "response",
            expected.actual.as_ref().map(|p| &p.1),
            observed.actual.as_ref(),
        ),
    ];
    for (what, exp, obs) in pairs {
        let Some((wire, obs)) = obs else { continue };
        let exp_passes = exp.is_some_and(|e| cors_check(req, &e.headers).is_ok());
        let obs_passes = cors_check(req, &obs.headers).is_ok();
        if obs_passes && !exp_passes {
            c.mismatches.push(format!(
                "the {what} grants `{}`{}, which the policy refuses",
                req.origin,
                if req.credentials {
                    " with credentials"
                } else {
                    ""
                }
            ));
        }
        let exp_cred = exp.is_some_and(|e| e.header("access-control-allow-credentials").is_some());
        let acao = super::super::get_all(&obs.headers, "access-control-allow-origin");
        if let Some(v) = obs.header("access-control-allow-credentials") {
            if v == "true" && !exp_cred {
                if acao.is_empty() {
                    c.notes.push(format!(
                        "the {what} sends Access-Control-Allow-Credentials: true without Access-Control-Allow-Origin (inert: the CORS check fails on the origin first)"
                    ));
                } else {
                    c.mismatches.push(format!(
                        "the {what} sends Access-Control-Allow-Credentials: true, which the policy does not grant"
                    ));
                }
            }
        }
        if acao.len() > 1 {
            c.notes.push(format!(
                "the {what} has {} Access-Control-Allow-Origin lines: {}",
                acao.len(),
                acao.join(" | ")
            ));
        }
        if let Some(exp) = exp {
            if exp.status != obs.status {
                c.notes.push(format!(
                    "{what} status {} (expected {})",
                    obs.status, exp.status
                ));
            }
        }
        let echoes = acao.contains(&req.origin.as_str());
        vary_check(&wire.method, what, exp, obs, echoes, &mut c);
    }
    c
}

/// `Vary`: an answer HTTP caches store (to `GET` or `HEAD`) whose CORS headers depend on the
/// origin — the policy's own answer varies on it, or `echoes` says the server copied it —
/// without `Vary: Origin` (or `Vary: *`) is a finding; any other `Vary` member the policy's
/// answer has and this one lacks is a note (an `OPTIONS` answer is never stored by a cache).
fn vary_check(
    method: &str,
    what: &str,
    exp: Option<&Response>,
    obs: &Response,
    echoes: bool,
    c: &mut Comparison,
) {
    let observed = vary(obs);
    let expected = exp.map(vary).unwrap_or_default();
    let covered = |m: &str| observed.contains(m) || observed.contains("*");
    let stored = matches!(method, "GET" | "HEAD");
    let depends = expected.contains("origin") || echoes;
    let finding = stored && depends && !covered("origin");
    if finding {
        c.findings.push(Finding::new(FindingKind::VaryOrigin));
    }
    // The finding already says Origin is missing.
    let reported = |m: &str| finding && m == "origin";
    let missing: Vec<&str> = expected
        .iter()
        .map(String::as_str)
        .filter(|m| !covered(m) && !reported(m))
        .collect();
    if !missing.is_empty() {
        c.notes
            .push(format!("{what} lacks Vary: {}", missing.join(", ")));
    }
}

/// The members of every `Vary` line, lower-cased.
fn vary(r: &Response) -> BTreeSet<String> {
    super::super::get_all(&r.headers, "vary")
        .iter()
        .flat_map(|v| v.split(','))
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

/// An exchange in a few words: the browser's verdict, or for a probe without `Origin` the
/// CORS headers of the answer (`no CORS headers`, `Allow-Origin * with credentials`).
#[must_use]
pub fn describe_outcome(probe: &Probe, x: &Exchange) -> String {
    if probe.class == ProbeClass::NoOrigin {
        let Some((_, res)) = &x.actual else {
            return "no answer".to_string();
        };
        let acao = super::super::get_all(&res.headers, "access-control-allow-origin");
        if acao.is_empty() {
            return "no CORS headers".to_string();
        }
        let values: Vec<String> = acao.iter().map(|v| format!("`{v}`")).collect();
        let cred = res.header("access-control-allow-credentials").as_deref() == Some("true");
        return format!(
            "Allow-Origin {}{}",
            values.join(", "),
            if cred { " with credentials" } else { "" }
        );
    }
    match &x.verdict {
        Verdict::Allowed { .. } => "allowed".to_string(),
        Verdict::Blocked(b) => format!("blocked ({})", b.step.describe()),
    }
}

fn describe_exposure(e: &super::super::Exposure) -> String {
    if e.all {
        "every header".to_string()
    } else if e.names.is_empty() {
        "only the safelisted headers".to_string()
    } else {
        format!("the safelisted headers and {}", e.names.join(", "))
    }
}
