//! The probe set `corsc verify` sends, and how an observed exchange is compared with the
//! expected one.
//!
//! Probes are derived from the policy alone, so any server claiming to implement it can be
//! checked: every allowed origin and pattern (patterns instantiated with a sample subdomain and
//! port), the near misses an attacker would try for each, `null`, and an unrelated origin,
//! crossed with allowed and refused methods and headers, with and without credentials, on a
//! path inside each policy's scope and one outside every scope. The count is bounded by
//! [`ProbeOptions::max_probes`]; a policy with two exact origins and three methods yields about
//! 50 probes.

use super::browser::{cors_check, run, BrowserModel, Exchange, Verdict};
use super::request::{is_safelisted_method, BrowserRequest};
use super::routing::Routing;
use super::server::{respond_routed, Response};
use crate::ir::{HostPattern, OriginDefect, OriginKind, Policy, PolicySet, PortSpec};
use serde::Serialize;
use std::collections::BTreeSet;

/// Why a probe is in the set.
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
}

/// One browser request to try.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Probe {
    /// A one-line description: method, path, origin, credentials, headers.
    pub label: String,
    /// Why it is in the set.
    pub intent: Intent,
    /// The request as script makes it.
    pub request: BrowserRequest,
}

/// Bounds on probe generation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProbeOptions {
    /// At most this many probes in all.
    pub max_probes: usize,
    /// At most this many allowed origins per policy get the full method × header matrix; the
    /// rest get a simple request each.
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

/// At most this many path-variant probes; the rest of the set is cut to leave room for them.
const MAX_PATH_VARIANT_PROBES: usize = 120;

/// The origin used where a policy allows any origin.
const ANY_SAMPLE: &str = "https://corsc-any.example";
/// An unrelated attacker origin.
const EVIL: &str = "https://evil.test";

/// Every probe for `set`, in a stable order.
#[must_use]
pub fn probes(set: &PolicySet, opts: ProbeOptions) -> Vec<Probe> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let mut push = |out: &mut Vec<Probe>, intent: Intent, req: BrowserRequest| {
        let label = label(&req);
        if seen.insert(label.clone()) {
            out.push(Probe {
                label,
                intent,
                request: req,
            });
        }
    };
    for policy in &set.policies {
        let paths = paths_inside(policy);
        let path = paths[0].clone();
        let allowed = allowed_origins(policy);
        let near = near_misses(policy, &allowed);
        let cred = policy.credentials.value;
        let allowed_methods = allowed_methods(policy);
        let first_method = allowed_methods
            .first()
            .cloned()
            .unwrap_or_else(|| "PUT".to_string());
        let refused_method = ["PUT", "PATCH", "DELETE", "PURGE"]
            .into_iter()
            .find(|m| !allowed_methods.iter().any(|a| a == m) && policy.methods.value.any.is_none())
            .unwrap_or("PURGE");
        for (i, origin) in allowed.iter().enumerate() {
            let base = BrowserRequest::new(origin, "GET", &path);
            for c in [false, true] {
                push(&mut out, Intent::Allowed, base.clone().with_credentials(c));
            }
            if i >= opts.full_matrix_origins {
                continue;
            }
            for m in allowed_methods.iter().take(3) {
                let r = BrowserRequest::new(origin, m, &path).with_credentials(cred);
                push(&mut out, Intent::Allowed, r);
            }
            let r = BrowserRequest::new(origin, refused_method, &path).with_credentials(cred);
            push(&mut out, Intent::Allowed, r);
            let listed = &policy.request_headers.value.list;
            if !listed.is_empty() {
                for c in [cred, !cred] {
                    let mut r =
                        BrowserRequest::new(origin, &first_method, &path).with_credentials(c);
                    for h in listed.iter().take(6) {
                        r = r.with_header(&h.node, sample_value(&h.node));
                    }
                    push(&mut out, Intent::Allowed, r);
                }
            }
            let r = BrowserRequest::new(origin, &first_method, &path)
                .with_credentials(cred)
                .with_header("X-Corsc-Probe", "1");
            push(&mut out, Intent::Allowed, r);
            if !listed.iter().any(|h| h.node == "authorization") {
                let r = BrowserRequest::new(origin, "GET", &path)
                    .with_credentials(false)
                    .with_header("Authorization", "Bearer corsc-probe");
                push(&mut out, Intent::Allowed, r);
            }
            for extra in paths.iter().skip(1) {
                let r = BrowserRequest::new(origin, "GET", extra).with_credentials(cred);
                push(&mut out, Intent::Allowed, r);
            }
        }
        for origin in &near {
            let r = BrowserRequest::new(origin, "GET", &path).with_credentials(cred);
            push(&mut out, Intent::NearMiss, r);
            if !cred {
                let r = BrowserRequest::new(origin, "GET", &path).with_credentials(true);
                push(&mut out, Intent::NearMiss, r);
            }
            let r = BrowserRequest::new(origin, &first_method, &path).with_credentials(cred);
            push(&mut out, Intent::NearMiss, r);
        }
    }
    // One path outside every scope, from the first allowed origin anywhere.
    if set.policies.iter().all(|p| !p.paths.is_empty()) {
        let origin = set
            .policies
            .iter()
            .flat_map(allowed_origins)
            .next()
            .unwrap_or_else(|| EVIL.to_string());
        let path = "/corsc-probe-outside-every-scope";
        push(
            &mut out,
            Intent::OutsideScope,
            BrowserRequest::new(&origin, "GET", path),
        );
        push(
            &mut out,
            Intent::OutsideScope,
            BrowserRequest::new(&origin, "PUT", path).with_credentials(true),
        );
    }
    // Path variants are judged by a server's routing model; without one (the raw form) they
    // would only say that a real server decodes paths, which every server does.
    let mut variants = Vec::new();
    let spellings = if opts.routing == Routing::Spec {
        Vec::new()
    } else {
        path_variants(set)
    };
    for (path, origin, credentials) in spellings {
        let r = BrowserRequest::new(&origin, "GET", &path).with_credentials(credentials);
        push(&mut variants, Intent::PathVariant, r.clone());
        let r = BrowserRequest::new(&origin, "PUT", &path).with_credentials(credentials);
        push(&mut variants, Intent::PathVariant, r);
    }
    variants.truncate(MAX_PATH_VARIANT_PROBES.min(opts.max_probes / 2));
    out.truncate(opts.max_probes - variants.len());
    out.extend(variants);
    out
}

/// Spellings of every scope boundary that servers route differently from the raw path, each
/// with the first allowed origin of every policy (with that policy's credentials mode), so a
/// server that answers one of them with a wider policy than the one owning its handler is
/// caught: `/api/%61dmin/x`, `/API/admin/x`, `/api/ADMIN/x`, `/api//admin/x`,
/// `/api/./admin/x`, `/api/x/../admin/y`, `/api/admin%2Fx`, `/api/%2561dmin/x`, the bare
/// prefix `/api/admin`, and for exact scopes the trailing slash and case variants.
fn path_variants(set: &PolicySet) -> Vec<(String, String, bool)> {
    let mut paths: Vec<String> = Vec::new();
    for policy in &set.policies {
        for scope in &policy.paths {
            let (base, exact) = match &scope.node {
                crate::ir::PathScope::Exact(e) => (e.clone(), true),
                crate::ir::PathScope::Prefix(p) => (p.clone(), false),
            };
            paths.extend(spellings(&base, exact));
        }
    }
    let mut seen = BTreeSet::new();
    paths.retain(|p| seen.insert(p.clone()));
    let mut origins: Vec<(String, bool)> = Vec::new();
    for policy in &set.policies {
        if let Some(o) = allowed_origins(policy).into_iter().next() {
            let cred = policy.credentials.value;
            if !origins.contains(&(o.clone(), cred)) {
                origins.push((o, cred));
            }
        }
    }
    let mut out = Vec::new();
    for p in &paths {
        for (o, c) in &origins {
            out.push((p.clone(), o.clone(), *c));
        }
    }
    out
}

/// The spellings of one scope's path (`base` is the written path; a prefix ends in `/` or
/// not).
fn spellings(base: &str, exact: bool) -> Vec<String> {
    let mut out = Vec::new();
    let tail = if exact || base.ends_with('/') {
        ""
    } else {
        "-"
    };
    let leaf = if exact { "" } else { "corsc-probe" };
    let full = |p: &str| format!("{p}{tail}{leaf}");
    // The segments of the scope, for spellings of its last named segment.
    let trimmed = base.trim_end_matches('/');
    let Some(cut) = trimmed.rfind('/') else {
        return out;
    };
    let (parent, last) = (&trimmed[..=cut], &trimmed[cut + 1..]);
    let after = &base[trimmed.len()..];
    if last.is_empty() {
        return out;
    }
    if let Some(c) = last.chars().next().filter(char::is_ascii_alphanumeric) {
        let rest = &last[c.len_utf8()..];
        out.push(full(&format!("{parent}%{:02X}{rest}{after}", c as u32)));
        out.push(full(&format!("{parent}%{:02x}{rest}{after}", c as u32)));
        out.push(full(&format!("{parent}%25{:02X}{rest}{after}", c as u32)));
    }
    out.push(full(&base.to_ascii_uppercase()));
    out.push(full(&format!(
        "{parent}{}{after}",
        last.to_ascii_uppercase()
    )));
    if parent.len() > 1 {
        out.push(full(&format!("{parent}/{last}{after}")));
    }
    out.push(full(&format!("{parent}./{last}{after}")));
    out.push(full(&format!("{parent}corsc-x/../{last}{after}")));
    if exact {
        out.push(format!("{base}/"));
    } else if after == "/" {
        out.push(format!("{parent}{last}%2F{leaf}"));
        out.push(format!("{parent}{last}%2f{leaf}"));
        out.push(format!("{parent}{last}"));
    }
    out
}

fn label(r: &BrowserRequest) -> String {
    let mut s = format!("{} {} from {}", r.method, r.path, r.origin);
    if r.credentials {
        s.push_str(" +cred");
    }
    let names: Vec<&str> = r.headers.iter().map(|(n, _)| n.as_str()).collect();
    if !names.is_empty() {
        s.push_str(&format!(" [{}]", names.join(",")));
    }
    s
}

fn sample_value(header: &str) -> &'static str {
    match header {
        "content-type" => "application/json",
        "authorization" => "Bearer corsc-probe",
        _ => "corsc-probe",
    }
}

/// A request path inside each of the policy's scopes (the first one gets the full matrix).
fn paths_inside(policy: &Policy) -> Vec<String> {
    if policy.paths.is_empty() {
        return vec!["/corsc-probe".to_string()];
    }
    policy
        .paths
        .iter()
        .map(|p| match &p.node {
            crate::ir::PathScope::Exact(e) => e.clone(),
            crate::ir::PathScope::Prefix(pre) => format!("{pre}corsc-probe"),
        })
        .collect()
}

/// The methods the policy allows beyond the safelisted ones (a sample for `*`).
fn allowed_methods(policy: &Policy) -> Vec<String> {
    let m = &policy.methods.value;
    let mut v: Vec<String> = m
        .list
        .iter()
        .map(|s| s.node.clone())
        .filter(|s| !is_safelisted_method(s) && s != "OPTIONS")
        .collect();
    if v.is_empty() && m.any.is_some() {
        v.push("PUT".to_string());
    }
    v
}

/// One or two origins per entry that the entry allows.
fn allowed_origins(policy: &Policy) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in &policy.origins.value {
        match &e.kind {
            OriginKind::Any => out.push(ANY_SAMPLE.to_string()),
            OriginKind::Null => out.push("null".to_string()),
            OriginKind::Exact(o) => out.push(o.to_string()),
            OriginKind::Pattern(p) => {
                let host = match &p.host {
                    HostPattern::Exact(h) => h.clone(),
                    HostPattern::Subdomains(b) => format!("corsc-probe.{b}"),
                };
                match p.port {
                    PortSpec::Default => out.push(format!("{}://{host}", p.scheme)),
                    PortSpec::Fixed(n) => out.push(format!("{}://{host}:{n}", p.scheme)),
                    PortSpec::Any => {
                        out.push(format!("{}://{host}:8443", p.scheme));
                        out.push(format!("{}://{host}", p.scheme));
                    }
                }
            }
            OriginKind::Regex(src) => {
                if let Some(sample) = regex_sample(src) {
                    out.push(sample);
                }
            }
            OriginKind::Invalid(_) => {}
        }
    }
    let mut seen = BTreeSet::new();
    out.retain(|o| seen.insert(o.clone()));
    out
}

/// A plausible origin a simple regex accepts, checked by matching it; `None` if the guess fails.
fn regex_sample(src: &str) -> Option<String> {
    let s = src.trim_start_matches('^').trim_end_matches('$');
    let guess = s
        .replace("[0-9]+", "7")
        .replace("\\d+", "7")
        .replace("[a-z0-9-]+", "corsc")
        .replace("[a-z0-9]+", "corsc")
        .replace("[a-z]+", "corsc")
        .replace("\\.", ".")
        .replace("\\-", "-")
        .replace("\\/", "/");
    super::server::regex_full_match(src, &guess).then_some(guess)
}

/// The origins an attacker would try against this policy: for each allowed origin a suffix
/// (`https://app.example.com.evil.test`), a prefix on the registrable domain
/// (`https://evilexample.com`), an `http://` downgrade, another port, a lookalike with a dot
/// turned into a letter (what an unescaped `.` in a regex admits), and for subdomain patterns
/// the apex; then `null`, an unrelated origin, and what each invalid entry probably meant.
/// Origins the policy does allow are left out.
fn near_misses(policy: &Policy, allowed: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for e in &policy.origins.value {
        let (scheme, host, port) = match &e.kind {
            OriginKind::Exact(o) => (o.scheme.clone(), o.host.clone(), o.port),
            OriginKind::Pattern(p) => {
                let (host, apex) = match &p.host {
                    HostPattern::Exact(h) => (h.clone(), None),
                    HostPattern::Subdomains(b) => (format!("corsc-probe.{b}"), Some(b.clone())),
                };
                let port = match p.port {
                    PortSpec::Fixed(n) => Some(n),
                    _ => None,
                };
                if let Some(apex) = apex {
                    out.push(with_port(&p.scheme, &apex, port));
                }
                (p.scheme.clone(), host, port)
            }
            OriginKind::Regex(src) => {
                match regex_sample(src).and_then(|s| crate::ir::Origin::parse_serialized(&s)) {
                    Some(o) => (o.scheme, o.host, o.port),
                    None => continue,
                }
            }
            OriginKind::Invalid(
                OriginDefect::HasPath { suggestion }
                | OriginDefect::DefaultPort { suggestion }
                | OriginDefect::NotCanonical { suggestion }
                | OriginDefect::MissingScheme { suggestion },
            ) => {
                out.push(suggestion.clone());
                continue;
            }
            _ => continue,
        };
        out.push(with_port(&scheme, &format!("{host}.evil.test"), port));
        let registrable = psl::domain_str(&host).unwrap_or(&host).to_string();
        out.push(with_port(&scheme, &format!("evil{registrable}"), port));
        if registrable != host {
            out.push(with_port(&scheme, &format!("evil{host}"), port));
        }
        if scheme == "https" {
            out.push(with_port("http", &host, port));
        }
        let other_port = if port.is_some() { None } else { Some(8444) };
        out.push(with_port(&scheme, &host, other_port));
        if let Some(i) = host.find('.') {
            let mut look = host.clone();
            look.replace_range(i..=i, "x");
            out.push(with_port(&scheme, &look, port));
        }
        out.push(with_port(&scheme, &format!("{host}_.evil.test"), port));
    }
    out.push("null".to_string());
    out.push(EVIL.to_string());
    let mut seen: BTreeSet<String> = allowed.iter().cloned().collect();
    out.retain(|o| seen.insert(o.clone()));
    out
}

fn with_port(scheme: &str, host: &str, port: Option<u16>) -> String {
    match port {
        Some(p) => format!("{scheme}://{host}:{p}"),
        None => format!("{scheme}://{host}"),
    }
}

/// What an observed exchange did differently from the expected one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// Differences that make the server not equivalent to the policy.
    pub mismatches: Vec<String>,
    /// Differences that do not matter to browsers (status 200 versus 204, `Vary` members).
    pub notes: Vec<String>,
}

impl Comparison {
    /// Whether the server is equivalent for this probe.
    #[must_use]
    pub fn ok(&self) -> bool {
        self.mismatches.is_empty()
    }
}

/// The expected exchange for a probe: the policy's own server answering.
#[must_use]
pub fn expected(set: &PolicySet, model: &BrowserModel, req: &BrowserRequest) -> Exchange {
    expected_routed(set, model, Routing::Spec, req)
}

/// The expected exchange for a probe sent to a server that routes on `routing`'s path form.
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

/// Compares what a server did with what the policy prescribes. Equivalent means the same
/// browser verdict (and, when allowed, the same readable headers) and never more permission:
/// no `Access-Control-Allow-Origin` that passes for an origin the policy refuses, no
/// `Access-Control-Allow-Credentials: true` the policy does not grant.
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
            observed.preflight.as_ref().map(|p| &p.1),
        ),
        (
            "response",
            expected.actual.as_ref().map(|p| &p.1),
            observed.actual.as_ref().map(|p| &p.1),
        ),
    ];
    for (what, exp, obs) in pairs {
        let Some(obs) = obs else { continue };
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
        if let Some(v) = obs.header("access-control-allow-credentials") {
            if v == "true" && !exp_cred {
                c.mismatches.push(format!(
                    "the {what} sends Access-Control-Allow-Credentials: true, which the policy does not grant"
                ));
            }
        }
        let acao = super::get_all(&obs.headers, "access-control-allow-origin");
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
            let vary = |r: &Response| -> BTreeSet<String> {
                super::get_all(&r.headers, "vary")
                    .iter()
                    .flat_map(|v| v.split(','))
                    .map(|s| s.trim().to_ascii_lowercase())
                    .filter(|s| !s.is_empty())
                    .collect()
            };
            let missing: Vec<String> = vary(exp).difference(&vary(obs)).cloned().collect();
            if !missing.is_empty() {
                c.notes
                    .push(format!("{what} lacks Vary: {}", missing.join(", ")));
            }
        }
    }
    c
}

fn describe_exposure(e: &super::Exposure) -> String {
    if e.all {
        "every header".to_string()
    } else if e.names.is_empty() {
        "only the safelisted headers".to_string()
    } else {
        format!("the safelisted headers and {}", e.names.join(", "))
    }
}
