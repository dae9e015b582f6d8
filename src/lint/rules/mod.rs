//! One file per rule. Each holds the rule's metadata, its documentation and its check.

pub(crate) mod any_origin;
pub(crate) mod dev_origin_in_production;
pub(crate) mod forbidden_method;
pub(crate) mod forbidden_request_header;
pub(crate) mod insecure_origin;
pub(crate) mod max_age_exceeds_browser_cap;
pub(crate) mod method_case;
pub(crate) mod missing_content_type;
pub(crate) mod null_origin;
pub(crate) mod options_method_listed;
pub(crate) mod origin_default_port;
pub(crate) mod origin_has_path;
pub(crate) mod origin_malformed;
pub(crate) mod origin_missing_scheme;
pub(crate) mod origin_not_canonical;
pub(crate) mod origin_pattern_unsupported;
pub(crate) mod private_network_access;
pub(crate) mod public_suffix_wildcard;
pub(crate) mod redundant_safelisted_header;
pub(crate) mod regex_matches_any_origin;
pub(crate) mod regex_not_portable;
pub(crate) mod regex_overbroad;
pub(crate) mod regex_unanchored;
pub(crate) mod regex_unescaped_dot;
pub(crate) mod safelisted_method_listed;
pub(crate) mod shared_hosting_origin;
pub(crate) mod space_separated_origins;
pub(crate) mod subdomain_wildcard_with_credentials;
pub(crate) mod unexposable_response_header;
pub(crate) mod unknown_suppressed_rule;
pub(crate) mod unused_suppression;
pub(crate) mod wildcard_headers_exclude_authorization;
pub(crate) mod wildcard_literal_with_credentials;
pub(crate) mod wildcard_mixed_with_origins;
pub(crate) mod wildcard_with_credentials;

use crate::diagnostics::{Edit, Fix};
use crate::ir::{HostPattern, OriginEntry, OriginKind, PolicySet};
use crate::source::Span;
use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

/// Every origin entry of every policy, each once (entries reached through a shared set appear
/// in several policies but are reported at one place).
pub(crate) fn unique_entries(set: &PolicySet) -> Vec<&OriginEntry> {
    let mut seen: HashSet<Span> = HashSet::new();
    let mut out = Vec::new();
    for p in &set.policies {
        for e in &p.origins.value {
            if seen.insert(e.span) {
                out.push(e);
            }
        }
    }
    out
}

/// A fix that replaces one value with one or more quoted strings.
pub(crate) fn replace_with_strings(description: String, span: Span, values: &[String]) -> Fix {
    let replacement = values
        .iter()
        .map(|v| format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect::<Vec<_>>()
        .join(", ");
    Fix {
        description,
        edits: vec![Edit { span, replacement }],
    }
}

/// Where an entry came from, when it was reached through a set: a note for the diagnostic.
pub(crate) fn via_note(e: &OriginEntry) -> Option<String> {
    if e.via.is_empty() {
        None
    } else {
        Some(format!(
            "this entry is part of the origin set {}",
            e.via
                .iter()
                .map(|v| format!("`{}`", v.node))
                .collect::<Vec<_>>()
                .join(" → ")
        ))
    }
}

/// An origin entry with what the policies that use it say about credentials.
pub(crate) struct EntryUse<'a> {
    /// The entry.
    pub(crate) entry: &'a OriginEntry,
    /// The `credentials true` directive of the first credentialed policy that uses the entry.
    pub(crate) credentials: Option<Span>,
    /// Whether a credentialed policy uses it (a default `credentials` is never `true`).
    pub(crate) credentialed: bool,
}

/// Every origin entry once, with whether any policy that uses it allows credentials: an entry
/// in a shared set is as dangerous as the most permissive policy that includes it.
pub(crate) fn entry_uses(set: &PolicySet) -> Vec<EntryUse<'_>> {
    let mut out: Vec<EntryUse<'_>> = Vec::new();
    let mut index: HashMap<Span, usize> = HashMap::new();
    for p in &set.policies {
        for e in &p.origins.value {
            let cred = p.credentials.value;
            if let Some(u) = index.get(&e.span).and_then(|&i| out.get_mut(i)) {
                if cred && !u.credentialed {
                    u.credentialed = true;
                    u.credentials = p.credentials.span;
                }
            } else {
                index.insert(e.span, out.len());
                out.push(EntryUse {
                    entry: e,
                    credentials: if cred { p.credentials.span } else { None },
                    credentialed: cred,
                });
            }
        }
    }
    out
}

/// The host an exact origin or a pattern names (the base of a subdomain wildcard).
pub(crate) fn host_of(kind: &OriginKind) -> Option<&str> {
    match kind {
        OriginKind::Exact(o) => Some(&o.host),
        OriginKind::Pattern(p) => match &p.host {
            HostPattern::Exact(h) | HostPattern::Subdomains(h) => Some(h),
        },
        _ => None,
    }
}

/// The scheme of an exact origin or a pattern.
pub(crate) fn scheme_of(kind: &OriginKind) -> Option<&str> {
    match kind {
        OriginKind::Exact(o) => Some(&o.scheme),
        OriginKind::Pattern(p) => Some(&p.scheme),
        _ => None,
    }
}

fn parse_ip(host: &str) -> Option<IpAddr> {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    bare.parse().ok()
}

/// Whether a host is this machine: `localhost`, `*.localhost` or a loopback address. Browsers
/// treat these as potentially trustworthy even over plain `http://`.
pub(crate) fn is_loopback_host(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || parse_ip(host).is_some_and(|ip| ip.is_loopback())
}

/// Whether a host only exists on a developer's machine or a private network: loopback,
/// private and link-local addresses, and the special-use names `.local` (mDNS) and `.test`.
pub(crate) fn is_dev_host(host: &str) -> bool {
    if is_loopback_host(host) || host.ends_with(".local") || host.ends_with(".test") {
        return true;
    }
    match parse_ip(host) {
        Some(IpAddr::V4(v4)) => v4.is_private() || v4.is_link_local() || v4.is_unspecified(),
        Some(IpAddr::V6(v6)) => {
            let first = v6.segments()[0];
            (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80 || v6.is_unspecified()
        }
        None => false,
    }
}

/// Whether the text of a policy or profile name says it is for development. A name counts when
/// one of its `-`/`_`-separated words is `dev`, `development`, `local`, `test`, `testing`, `e2e`
/// or `ci`; `staging` and `preview` do not: they are reachable by other people.
pub(crate) fn is_dev_name(name: &str) -> bool {
    name.to_ascii_lowercase().split(['-', '_']).any(|w| {
        matches!(
            w,
            "dev" | "development" | "local" | "test" | "testing" | "e2e" | "ci"
        )
    })
}
