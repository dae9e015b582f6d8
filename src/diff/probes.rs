//! The probe half of a diff: requests answered by each side's server and judged by every
//! browser model, so that what the items cannot decide (credentials with `*`, methods and
//! headers together, regexes) is decided by the evaluator itself.
//!
//! The set is budgeted like `verify`'s: every example origin of an item gain or loss first,
//! then the other origins of both sides and their near misses, spread evenly over the list
//! when they do not all fit, each as a simple `GET` with and without credentials; then methods
//! and headers from a few origins either side allows. A 1,000-origin pair costs at most
//! `max_probes` probes (`DiffOptions::max_probes`), not one per pair of origins.

use super::items::{entry_label, samples, Item, ItemKind, Others};
use crate::eval::browser::{judge, Verdict, MODELS};
use crate::eval::{respond, BrowserRequest};
use crate::ir::{HostPattern, OriginKind, Policy, PolicySet};
use serde::Serialize;
use std::collections::BTreeSet;

/// How many origins get the method and header probes.
const MATRIX_ORIGINS: usize = 6;

/// A probe on which the two sides differ.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Example {
    /// The request, in one line (`PUT /api/x from https://app.example.com +cred [x-api-key]`).
    pub request: String,
    /// The browser model under which it differs (`chromium`, `firefox`, `webkit`, `spec`).
    pub browser: String,
    /// What OLD's browser decides.
    pub old: String,
    /// What NEW's browser decides.
    pub new: String,
}

/// What the probes of one pair found.
pub(super) struct Outcome {
    pub widening: Option<Example>,
    pub narrowing: Option<Example>,
    pub probes: usize,
    /// Origins one side's entries allow and the other's do not: (gained by NEW?, entry, origin).
    pub origin_items: Vec<(bool, String, String)>,
}

/// Runs the probes for the pair answering `path`.
pub(super) fn run(
    sets: (&PolicySet, &PolicySet),
    pols: (Option<&Policy>, Option<&Policy>),
    path: &str,
    gained: &[Item],
    lost: &[Item],
    max_probes: usize,
) -> Outcome {
    let (old, new) = pols;
    let budget = max_probes.max(8);
    let origins = origin_pool(old, new, gained, lost, budget / 2);
    let mut requests: Vec<BrowserRequest> = Vec::new();
    for o in &origins {
        for c in [false, true] {
            requests.push(BrowserRequest::new(o, "GET", path).with_credentials(c));
        }
    }
    let (oo, no) = (Others::of(old), Others::of(new));
    let matrix: Vec<&String> = origins
        .iter()
        .filter(|o| oo.allows(o) && no.allows(o))
        .chain(origins.iter().filter(|o| oo.allows(o) != no.allows(o)))
        .take(MATRIX_ORIGINS)
        .collect();
    let methods = methods(old, new);
    let headers = headers(old, new);
    for o in matrix {
        for c in [false, true] {
            for m in &methods {
                requests.push(BrowserRequest::new(o, m, path).with_credentials(c));
            }
            for h in &headers {
                let value = if h == "content-type" {
                    "application/json"
                } else {
                    "corsc-diff"
                };
                requests.push(
                    BrowserRequest::new(o, "GET", path)
                        .with_credentials(c)
                        .with_header(h, value),
                );
            }
            requests.push(
                BrowserRequest::new(o, methods.first().map_or("PUT", String::as_str), path)
                    .with_credentials(c)
                    .with_header("content-type", "application/json"),
            );
        }
    }
    let mut out = Outcome {
        widening: None,
        narrowing: None,
        probes: requests.len(),
        origin_items: Vec::new(),
    };
    for r in &requests {
        let a = verdicts(sets.0, r);
        let b = verdicts(sets.1, r);
        for (i, model) in MODELS.iter().enumerate() {
            if out.widening.is_none() && more(&b[i], &a[i]) {
                out.widening = Some(example(r, model.key, &a[i], &b[i]));
            }
            if out.narrowing.is_none() && more(&a[i], &b[i]) {
                out.narrowing = Some(example(r, model.key, &a[i], &b[i]));
            }
        }
    }
    for o in &origins {
        for (gain, from, to, items) in [(true, &oo, new, gained), (false, &no, old, lost)] {
            if from.allows(o) {
                continue;
            }
            let Some(p) = to else { continue };
            let entry = p
                .origins
                .value
                .iter()
                .find(|e| {
                    !matches!(e.kind, OriginKind::Any)
                        && crate::eval::server::entry_matches(&e.kind, o)
                })
                .or_else(|| {
                    p.origins
                        .value
                        .iter()
                        .find(|e| matches!(e.kind, OriginKind::Any))
                });
            if let Some(e) = entry {
                let label = entry_label(e);
                let known = items
                    .iter()
                    .any(|i| i.kind == ItemKind::Origin && i.value == label)
                    || out
                        .origin_items
                        .iter()
                        .any(|(g, l, _)| *g == gain && *l == label);
                if !known {
                    out.origin_items.push((gain, label, o.clone()));
                }
            }
        }
    }
    out
}

/// The verdict of every browser model for `r` against `set`'s server.
fn verdicts(set: &PolicySet, r: &BrowserRequest) -> Vec<Verdict> {
    let pre = r.preflight().map(|p| respond(set, &p));
    let actual = respond(set, &r.actual());
    MODELS
        .iter()
        .map(|m| judge(m, r, pre.as_ref(), &actual))
        .collect()
}

/// Whether `a` lets script do or read something `b` does not.
fn more(a: &Verdict, b: &Verdict) -> bool {
    match (a, b) {
        (Verdict::Allowed { .. }, Verdict::Blocked(_)) => true,
        (Verdict::Allowed { exposure: x, .. }, Verdict::Allowed { exposure: y, .. }) => {
            (x.all && !y.all) || x.names.iter().any(|n| !y.readable(n))
        }
        _ => false,
    }
}

fn describe(v: &Verdict) -> String {
    match v {
        Verdict::Allowed { exposure, .. } => {
            let mut s = "allowed".to_string();
            if exposure.all {
                s.push_str(", every header readable");
            } else if !exposure.names.is_empty() {
                s.push_str(&format!(", exposes {}", exposure.names.join(", ")));
            }
            s
        }
        Verdict::Blocked(b) => format!("blocked ({})", b.step.describe()),
    }
}

fn example(r: &BrowserRequest, browser: &str, old: &Verdict, new: &Verdict) -> Example {
    let mut request = format!("{} {} from {}", r.method, r.path, r.origin);
    if r.credentials {
        request.push_str(" +cred");
    }
    let names: Vec<&str> = r.headers.iter().map(|(n, _)| n.as_str()).collect();
    if !names.is_empty() {
        request.push_str(&format!(" [{}]", names.join(",")));
    }
    Example {
        request,
        browser: browser.to_string(),
        old: describe(old),
        new: describe(new),
    }
}

/// The origins to probe: every item example first, then the rest (samples and near misses of
/// both sides, in sorted order so the set does not depend on which side is OLD), spread
/// evenly when more than `cap` are left.
fn origin_pool(
    old: Option<&Policy>,
    new: Option<&Policy>,
    gained: &[Item],
    lost: &[Item],
    cap: usize,
) -> Vec<String> {
    let first: BTreeSet<String> = gained
        .iter()
        .chain(lost)
        .filter(|i| i.kind == ItemKind::Origin)
        .filter_map(|i| i.example.clone())
        .collect();
    let mut rest: BTreeSet<String> = BTreeSet::new();
    rest.insert("null".to_string());
    rest.insert("https://evil.test".to_string());
    for p in [old, new].into_iter().flatten() {
        for e in &p.origins.value {
            let s = samples(&e.kind);
            for o in &s {
                rest.extend(near_misses(&e.kind, o));
            }
            rest.extend(s);
        }
    }
    let rest: Vec<String> = rest.into_iter().filter(|o| !first.contains(o)).collect();
    let mut out: Vec<String> = first.into_iter().collect();
    out.extend(spread(rest, cap.saturating_sub(out.len()).max(16)));
    out
}

/// At most `n` of `items`, taken evenly over the list (the first, then every k-th).
fn spread(items: Vec<String>, n: usize) -> Vec<String> {
    if items.len() <= n {
        return items;
    }
    let len = items.len();
    (0..n).map(|i| items[i * len / n].clone()).collect()
}

/// The origins an attacker would try next to `origin`: an `http://` downgrade, another port,
/// a suffix and a prefix on the host, and for a subdomain pattern its apex.
fn near_misses(kind: &OriginKind, origin: &str) -> Vec<String> {
    let Some(o) = crate::ir::Origin::parse_serialized(origin) else {
        return Vec::new();
    };
    let (scheme, host, port) = (o.scheme(), o.host(), o.port());
    let with = |s: &str, h: &str, p: Option<u16>| match p {
        Some(n) => format!("{s}://{h}:{n}"),
        None => format!("{s}://{h}"),
    };
    let mut v = vec![
        with(scheme, &format!("{host}.evil.test"), port),
        with(scheme, &format!("evil{host}"), port),
        with(
            scheme,
            host,
            Some(port.map_or(8444, |p| p.wrapping_add(1).max(1))),
        ),
    ];
    if scheme == "https" {
        v.push(with("http", host, port));
    }
    if let OriginKind::Pattern(p) = kind {
        if let HostPattern::Subdomains(base) = &p.host {
            v.push(with(scheme, base, port));
        }
    }
    v
}

/// The methods to try: both sides' listed ones, an unlisted one, and `GET`.
fn methods(old: Option<&Policy>, new: Option<&Policy>) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for p in [old, new].into_iter().flatten() {
        for m in &p.methods.value.list {
            if m.node != "OPTIONS" && !v.contains(&m.node) {
                v.push(m.node.clone());
            }
        }
    }
    v.truncate(12);
    for extra in ["PUT", "PURGE", "GET"] {
        if !v.iter().any(|m| m == extra) {
            v.push(extra.to_string());
        }
    }
    v
}

/// The request headers to try, one at a time: both sides' listed ones, `authorization`, one
/// neither lists, and `content-type` with a value that is not safelisted.
fn headers(old: Option<&Policy>, new: Option<&Policy>) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for p in [old, new].into_iter().flatten() {
        for h in &p.request_headers.value.list {
            if !v.contains(&h.node) {
                v.push(h.node.clone());
            }
        }
    }
    v.truncate(12);
    for extra in ["authorization", "x-corsc-diff", "content-type"] {
        if !v.iter().any(|h| h == extra) {
            v.push(extra.to_string());
        }
    }
    v
}
