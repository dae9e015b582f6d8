//! What several rules ask about a host: whether it is this machine, a developer's network, or
//! a public suffix anyone can register names under.

use std::net::IpAddr;

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

/// Whether a host is itself a listed public suffix (ICANN or private section).
pub(crate) fn is_public_suffix(host: &str) -> bool {
    psl::suffix(host.as_bytes()).is_some_and(|s| s.is_known() && s.as_bytes() == host.as_bytes())
}
