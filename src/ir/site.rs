//! HTML's *site* of an origin: its scheme and registrable domain.
//!
//! Cookies follow sites, not origins. `https://app.example.com` and `https://api.example.com`
//! are two origins of one site, so a credentialed request between them carries the user's
//! cookies in every browser; `https://app.example.net` is another site, and there Firefox
//! partitions cookies and WebKit blocks them whatever CORS allows. The registrable domain comes
//! from the Public Suffix List (the `psl` crate, which embeds it), so `a.github.io` and
//! `b.github.io` are two sites, as browsers treat them.

use super::origin::{HostPattern, Origin, OriginPattern};
use std::fmt;

/// A site: HTML §obtain-a-site with schemeful same-site (what cookies and third-party cookie
/// rules compare in current browsers).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Site {
    /// The lower-case scheme.
    pub scheme: String,
    /// The registrable domain, or the host itself for an IP address, a single-label name such as
    /// `localhost`, or a host that is a public suffix.
    pub domain: String,
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme, self.domain)
    }
}

/// The registrable domain of an ASCII-serialized host (HTML §host-registrable-domain): the
/// public suffix plus one label, under the list's rules including its implicit `*` rule; the
/// host itself when it is an IP address or has no label in front of its suffix.
#[must_use]
pub fn registrable_domain(host: &str) -> &str {
    if host.starts_with('[') || host.parse::<std::net::Ipv4Addr>().is_ok() {
        return host;
    }
    match psl::domain(host.as_bytes()) {
        Some(d) => {
            let n = d.as_bytes().len();
            &host[host.len() - n..]
        }
        None => host,
    }
}

impl Origin {
    /// The origin's site.
    #[must_use]
    pub fn site(&self) -> Site {
        Site {
            scheme: self.scheme().to_string(),
            domain: registrable_domain(self.host()).to_string(),
        }
    }
}

impl OriginPattern {
    /// The one site every origin the pattern matches belongs to; `None` when they span many
    /// sites (a wildcard right below a public suffix, such as `https://*.github.io`).
    #[must_use]
    pub fn site(&self) -> Option<Site> {
        let (host, subdomains) = match &self.host {
            HostPattern::Exact(h) => (h.as_str(), false),
            HostPattern::Subdomains(b) => (b.as_str(), true),
        };
        let domain = registrable_domain(host);
        // `*.example.com` stays on example.com's site; `*.github.io` (or `*.com`) puts each
        // match on a site of its own.
        if subdomains
            && psl::suffix(host.as_bytes()).is_some_and(|s| s.as_bytes().len() == host.len())
        {
            return None;
        }
        Some(Site {
            scheme: self.scheme.clone(),
            domain: domain.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::{origin_classify, OriginKind};

    fn site(raw: &str) -> Option<String> {
        match origin_classify(raw) {
            OriginKind::Exact(o) => Some(o.site().to_string()),
            OriginKind::Pattern(p) => p.site().map(|s| s.to_string()),
            k => panic!("{raw}: {k:?}"),
        }
    }

    #[test]
    fn origins_of_one_registrable_domain_share_a_site() {
        assert_eq!(
            site("https://app.example.com").as_deref(),
            Some("https://example.com")
        );
        assert_eq!(
            site("https://api.example.com").as_deref(),
            Some("https://example.com")
        );
        assert_eq!(
            site("https://example.com:8443").as_deref(),
            Some("https://example.com")
        );
        assert_eq!(
            site("https://a.b.example.co.uk").as_deref(),
            Some("https://example.co.uk")
        );
        assert_eq!(
            site("https://*.example.com").as_deref(),
            Some("https://example.com")
        );
        assert_eq!(
            site("https://*.eu.example.com").as_deref(),
            Some("https://example.com")
        );
    }

    #[test]
    fn the_scheme_is_part_of_the_site() {
        assert_ne!(
            site("http://app.example.com"),
            site("https://app.example.com")
        );
    }

    #[test]
    fn public_suffixes_split_sites() {
        // github.io is on the list's private section: each user page is a site.
        assert_eq!(
            site("https://a.github.io").as_deref(),
            Some("https://a.github.io")
        );
        assert_ne!(site("https://a.github.io"), site("https://b.github.io"));
        assert_eq!(site("https://*.github.io"), None);
        assert_eq!(site("https://*.co.uk"), None);
    }

    #[test]
    fn addresses_and_single_labels_are_their_own_site() {
        assert_eq!(
            site("http://127.0.0.1:5173").as_deref(),
            Some("http://127.0.0.1")
        );
        assert_eq!(site("http://[::1]:3000").as_deref(), Some("http://[::1]"));
        assert_eq!(
            site("http://localhost:*").as_deref(),
            Some("http://localhost")
        );
        // A name under an unlisted suffix: the implicit `*` rule makes `test` the suffix.
        assert_eq!(
            site("http://app.example.test").as_deref(),
            Some("http://example.test")
        );
    }
}
