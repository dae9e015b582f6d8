//! Every probe a policy calls for, before any budget: the allowed origins and patterns
//! (patterns instantiated with a sample subdomain and port), the near misses an attacker would
//! try for each, `null`, an unrelated origin, requests without `Origin`, methods and headers
//! allowed and refused, a path inside each scope, one outside every scope, and under a routing
//! model the spellings of each scope boundary.

use super::super::request::{is_safelisted_method, BrowserRequest};
use super::super::routing::Routing;
use super::super::server::regex_full_match;
use super::model::{Probe, ProbeClass, ProbeOptions};
use crate::ir::{HostPattern, OriginDefect, OriginKind, Policy, PolicySet, PortSpec};
use std::collections::BTreeSet;

/// The origin used where a policy allows any origin.
const ANY_SAMPLE: &str = "https://corsc-any.example";
/// An unrelated attacker origin: the reflection canary.
const EVIL: &str = "https://evil.test";

/// A probe the plan may include, with what the budget needs to spread it.
#[derive(Clone, Debug)]
pub(super) struct Candidate {
    /// The probe.
    pub probe: Probe,
    /// Its rank among the probes of one group: 0 is the probe that says the most (a near miss
    /// asked with the policy's own credentials mode); the budget takes every group's rank 0
    /// before any group's rank 1.
    pub rank: u8,
    /// What the budget spreads over within a class: the origin (or path) the probe is for.
    pub group: String,
}

/// Every candidate for `set`, in plan order (class by class, in [`ProbeClass::ALL`] order),
/// each label once (the earlier class keeps it).
pub(super) fn candidates(set: &PolicySet, opts: &ProbeOptions) -> Vec<Candidate> {
    let mut out = Vec::new();
    for policy in &set.policies {
        for_policy(policy, opts, &mut out);
    }
    outside_scope(set, &mut out);
    // Path variants are judged by a server's routing model; without one (the raw form) they
    // would only say that a real server decodes paths, which every server does.
    if opts.routing != Routing::Spec {
        for (path, origin, credentials) in path_variants(set) {
            for (rank, method) in [(0, "GET"), (1, "PUT")] {
                let r = BrowserRequest::new(&origin, method, &path).with_credentials(credentials);
                push(&mut out, ProbeClass::PathVariant, rank, &path, r);
            }
        }
    }
    // Stable: within a class, generation order stays.
    out.sort_by_key(|c| c.probe.class);
    let mut seen = BTreeSet::new();
    out.retain(|c| seen.insert(c.probe.label.clone()));
    out
}

fn push(out: &mut Vec<Candidate>, class: ProbeClass, rank: u8, group: &str, req: BrowserRequest) {
    out.push(Candidate {
        probe: Probe {
            label: label(class, &req),
            class,
            intent: class.intent(),
            request: req,
        },
        rank,
        group: group.to_string(),
    });
}

/// The probes one policy calls for.
fn for_policy(policy: &Policy, opts: &ProbeOptions, out: &mut Vec<Candidate>) {
    let paths = paths_inside(policy);
    let path = paths[0].clone();
    let allowed = allowed_origins(policy);
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
    for (class, origin) in near_misses(policy, &allowed) {
        let r = BrowserRequest::new(&origin, "GET", &path).with_credentials(cred);
        push(out, class, 0, &origin, r);
        let r = BrowserRequest::new(&origin, &first_method, &path).with_credentials(cred);
        push(out, class, 1, &origin, r);
        if !cred {
            let r = BrowserRequest::new(&origin, "GET", &path).with_credentials(true);
            push(out, class, 2, &origin, r);
        }
    }
    // Without Origin, carrying the cookie a same-site page or a navigation would send.
    let r = BrowserRequest::new("", "GET", &path).with_credentials(true);
    push(out, ProbeClass::NoOrigin, 0, &path, r);
    for (i, origin) in allowed.iter().enumerate() {
        for c in [false, true] {
            let r = BrowserRequest::new(origin, "GET", &path).with_credentials(c);
            push(out, ProbeClass::Allowed, u8::from(c != cred), origin, r);
        }
        if i >= opts.full_matrix_origins {
            continue;
        }
        let mut rank = 0;
        for m in allowed_methods.iter().take(3) {
            let r = BrowserRequest::new(origin, m, &path).with_credentials(cred);
            push(out, ProbeClass::Methods, rank, origin, r);
            rank += 1;
        }
        let r = BrowserRequest::new(origin, refused_method, &path).with_credentials(cred);
        push(out, ProbeClass::Methods, rank, origin, r);
        let listed = &policy.request_headers.value.list;
        let mut rank = 0;
        if !listed.is_empty() {
            for c in [cred, !cred] {
                let mut r = BrowserRequest::new(origin, &first_method, &path).with_credentials(c);
                for h in listed.iter().take(6) {
                    r = r.with_header(&h.node, sample_value(&h.node));
                }
                push(out, ProbeClass::Headers, rank, origin, r);
                rank += 1;
            }
        }
        let r = BrowserRequest::new(origin, &first_method, &path)
            .with_credentials(cred)
            .with_header("X-Corsc-Probe", "1");
        push(out, ProbeClass::Headers, rank, origin, r);
        if !listed.iter().any(|h| h.node == "authorization") {
            let r = BrowserRequest::new(origin, "GET", &path)
                .with_credentials(false)
                .with_header("Authorization", "Bearer corsc-probe");
            push(out, ProbeClass::Headers, rank + 1, origin, r);
        }
        for (rank, extra) in (0u8..).zip(paths.iter().skip(1)) {
            let r = BrowserRequest::new(origin, "GET", extra).with_credentials(cred);
            push(out, ProbeClass::Scopes, rank, origin, r);
        }
    }
}

/// One path outside every scope, from the first allowed origin anywhere.
fn outside_scope(set: &PolicySet, out: &mut Vec<Candidate>) {
    if set.policies.iter().any(|p| p.paths.is_empty()) {
        return;
    }
    let origin = set
        .policies
        .iter()
        .flat_map(allowed_origins)
        .next()
        .unwrap_or_else(|| EVIL.to_string());
    let path = "/corsc-probe-outside-every-scope";
    let r = BrowserRequest::new(&origin, "GET", path);
    push(out, ProbeClass::OutsideScope, 0, path, r);
    let r = BrowserRequest::new(&origin, "PUT", path).with_credentials(true);
    push(out, ProbeClass::OutsideScope, 1, path, r);
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

fn label(class: ProbeClass, r: &BrowserRequest) -> String {
    let mut s = if class == ProbeClass::NoOrigin {
        format!("{} {} without Origin", r.method, r.path)
    } else {
        format!("{} {} from {}", r.method, r.path, r.origin)
    };
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

/// A request path inside each of the policy's scopes (the first one gets every probe).
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

/// A plausible origin a regex accepts, checked by matching it: first a guess from the source
/// text (`[a-z0-9-]+` read as `corsc`), else the regex's shortest text; `None` if both fail.
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
    if regex_full_match(src, &guess) {
        return Some(guess);
    }
    crate::regex::sample(src).filter(|s| regex_full_match(src, s))
}

/// The origins an attacker would try against this policy, each with its class: for each
/// allowed origin a suffix (`https://app.example.com.evil.test`), a prefix on the registrable
/// domain (`https://evilexample.com`), an `http://` downgrade, another port, a look-alike
/// with a dot turned into a letter (what an unescaped `.` in a regex admits), and for
/// subdomain patterns the apex; then `null`, an unrelated origin, and what each invalid entry
/// probably meant. Origins the policy does allow are left out.
fn near_misses(policy: &Policy, allowed: &[String]) -> Vec<(ProbeClass, String)> {
    let mut out = Vec::new();
    for e in &policy.origins.value {
        let (scheme, host, port) = match &e.kind {
            OriginKind::Exact(o) => (o.scheme().to_string(), o.host().to_string(), o.port()),
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
                    out.push((ProbeClass::Apex, with_port(&p.scheme, &apex, port)));
                }
                (p.scheme.clone(), host, port)
            }
            OriginKind::Regex(src) => {
                match regex_sample(src).and_then(|s| crate::ir::Origin::parse_serialized(&s)) {
                    Some(o) => (o.scheme().to_string(), o.host().to_string(), o.port()),
                    None => continue,
                }
            }
            OriginKind::Invalid(d) => {
                if let OriginDefect::HasPath { suggestion }
                | OriginDefect::DefaultPort { suggestion }
                | OriginDefect::NotCanonical { suggestion }
                | OriginDefect::MissingScheme { suggestion } = &**d
                {
                    out.push((ProbeClass::InvalidEntry, suggestion.clone()));
                }
                continue;
            }
            _ => continue,
        };
        let suffixed = with_port(&scheme, &format!("{host}.evil.test"), port);
        out.push((ProbeClass::Suffix, suffixed));
        let registrable = psl::domain_str(&host).unwrap_or(&host).to_string();
        let prefixed = with_port(&scheme, &format!("evil{registrable}"), port);
        out.push((ProbeClass::Prefix, prefixed));
        if registrable != host {
            out.push((
                ProbeClass::Prefix,
                with_port(&scheme, &format!("evil{host}"), port),
            ));
        }
        if scheme == "https" {
            out.push((ProbeClass::Downgrade, with_port("http", &host, port)));
        }
        let other_port = if port.is_some() { None } else { Some(8444) };
        out.push((ProbeClass::OtherPort, with_port(&scheme, &host, other_port)));
        if let Some(i) = host.find('.') {
            let mut look = host.clone();
            look.replace_range(i..=i, "x");
            out.push((ProbeClass::LookAlike, with_port(&scheme, &look, port)));
        }
        let underscored = with_port(&scheme, &format!("{host}_.evil.test"), port);
        out.push((ProbeClass::Suffix, underscored));
        if let Some(long) = over_long(&e.kind, &scheme, &host, port) {
            out.push((ProbeClass::OverLong, long));
        }
    }
    out.push((ProbeClass::Null, "null".to_string()));
    out.push((ProbeClass::Canary, EVIL.to_string()));
    let mut seen: BTreeSet<String> = allowed.iter().cloned().collect();
    out.retain(|(_, o)| seen.insert(o.clone()));
    out
}

/// For a pattern or `regex` entry, an origin it would admit but for the length bound: eight
/// 63-byte labels in front of an allowed host, past `MAX_ORIGIN_BYTES`. `None` when the entry
/// is not a pattern or regex, or does not admit the longer host (a regex for one exact host).
fn over_long(kind: &OriginKind, scheme: &str, host: &str, port: Option<u16>) -> Option<String> {
    let long = with_port(scheme, &format!("{}{host}", LONG_LABELS.as_str()), port);
    debug_assert!(long.len() > crate::fetch::MAX_ORIGIN_BYTES);
    let admits = match kind {
        OriginKind::Pattern(p) => {
            crate::ir::Origin::parse_serialized(&long).is_some_and(|o| p.matches(&o))
        }
        OriginKind::Regex(src) => regex_full_match(src, &long),
        _ => false,
    };
    admits.then_some(long)
}

/// Eight labels of 63 bytes, each with its dot.
static LONG_LABELS: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| format!("{}.", "a".repeat(63)).repeat(8));

fn with_port(scheme: &str, host: &str, port: Option<u16>) -> String {
    match port {
        Some(p) => format!("{scheme}://{host}:{p}"),
        None => format!("{scheme}://{host}"),
    }
}
