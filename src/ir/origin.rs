//! Origins and origin patterns, and the classification of what a user wrote.
//!
//! An exact origin is kept in the form a browser sends in the `Origin` header (WHATWG URL
//! "ASCII serialization of an origin"): lower-case scheme and host, punycode, canonical IP
//! addresses, no default port, no path. Anything written in another form can never match a
//! browser's `Origin` byte for byte; it is classified as [`OriginKind::Invalid`] with the
//! [`OriginDefect`] that explains why and, where there is one, the entry that was meant.

use serde::Serialize;
use std::fmt;

/// A serialized tuple origin: `scheme://host[:port]`.
///
/// Held as its one serialized text, with the scheme's length and the port beside it: a
/// million-origin allowlist keeps one string per origin, not a scheme, a host and the text
/// again. [`Origin::scheme`], [`Origin::host`] and [`Origin::port`] read the parts.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    /// The serialized form, exactly what a browser sends. A `Box<str>`, not a `String`: an
    /// origin never grows, and eight bytes an entry add up over a long allowlist.
    text: Box<str>,
    /// The length of the scheme at the start of `text` (before `://`).
    scheme_len: u32,
    /// The port, `None` when it is the scheme's default (or the scheme has none).
    port: Option<u16>,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The parts, as the fields were shown before the origin was one string.
impl fmt::Debug for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Origin")
            .field("scheme", &self.scheme())
            .field("host", &self.host())
            .field("port", &self.port)
            .finish()
    }
}

/// Ordered by scheme, then host, then port, as the parts compare.
impl Ord for Origin {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.scheme(), self.host(), self.port).cmp(&(other.scheme(), other.host(), other.port))
    }
}

impl PartialOrd for Origin {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Serialized as its parts (`scheme`, `host`, `port`), the shape JSON output has always had.
impl Serialize for Origin {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut st = s.serialize_struct("Origin", 3)?;
        st.serialize_field("scheme", self.scheme())?;
        st.serialize_field("host", self.host())?;
        st.serialize_field("port", &self.port)?;
        st.end()
    }
}

impl Origin {
    /// The origin of these parts: `scheme` lower-case, `host` ASCII-serialized (IPv6 in
    /// brackets), `port` `None` for the scheme's default.
    #[must_use]
    pub fn from_parts(scheme: &str, host: &str, port: Option<u16>) -> Self {
        let text = match port {
            Some(p) => format!("{scheme}://{host}:{p}"),
            None => format!("{scheme}://{host}"),
        };
        Self::from_text(text, scheme.len(), port)
    }

    /// An origin whose serialized text is already built; `scheme_len` bytes of it are the
    /// scheme. A scheme too long to count in 32 bits cannot be in a file corsc reads.
    fn from_text(text: String, scheme_len: usize, port: Option<u16>) -> Self {
        debug_assert_eq!(text.get(scheme_len..scheme_len + 3), Some("://"));
        Self {
            text: text.into_boxed_str(),
            scheme_len: u32::try_from(scheme_len).unwrap_or(u32::MAX),
            port,
        }
    }

    /// The same origin holding `text`, which is its serialized form (an exact origin is only
    /// classified as one when written serialized), in place of the text it was built with.
    pub(crate) fn with_text(self, text: String) -> Self {
        debug_assert_eq!(&*self.text, text.as_str());
        if *self.text != *text {
            return self;
        }
        Self {
            text: text.into_boxed_str(),
            ..self
        }
    }

    /// Lower-case scheme, e.g. `https`.
    #[must_use]
    pub fn scheme(&self) -> &str {
        &self.text[..self.scheme_len as usize]
    }

    /// ASCII-serialized host; IPv6 addresses in brackets.
    #[must_use]
    pub fn host(&self) -> &str {
        let start = self.scheme_len as usize + 3;
        let end = match self.port {
            // `:` and the port's digits end the text.
            Some(p) => self.text.len() - 1 - decimal_digits(p),
            None => self.text.len(),
        };
        &self.text[start..end]
    }

    /// The port, `None` when it is the scheme's default (or the scheme has none).
    #[must_use]
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// The serialized form (what [`fmt::Display`] writes), without building a string.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether `s` is this origin serialized (`self.to_string() == s`): the evaluator asks it
    /// of every exact entry for every probe.
    #[must_use]
    pub fn is_serialized_as(&self, s: &str) -> bool {
        &*self.text == s
    }

    /// Parses a value as a browser would send it in `Origin`. Returns `None` for anything that is
    /// not already a canonical serialized origin (including `null`).
    #[must_use]
    pub fn parse_serialized(s: &str) -> Option<Origin> {
        match classify(s) {
            OriginKind::Exact(o) if &*o.text == s => Some(o),
            _ => None,
        }
    }

    /// Whether the host is an IP address.
    #[must_use]
    pub fn host_is_ip(&self) -> bool {
        let host = self.host();
        host.starts_with('[') || host.parse::<std::net::Ipv4Addr>().is_ok()
    }
}

/// How many decimal digits `n` is written with.
fn decimal_digits(n: u16) -> usize {
    match n {
        0..=9 => 1,
        10..=99 => 2,
        100..=999 => 3,
        1000..=9999 => 4,
        _ => 5,
    }
}

/// The host part of a pattern.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "host", rename_all = "lowercase")]
pub enum HostPattern {
    /// Exactly this host.
    Exact(String),
    /// One or more DNS labels in front of this base, never the base itself.
    Subdomains(String),
}

/// The port part of a pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "port", rename_all = "lowercase")]
pub enum PortSpec {
    /// The scheme's default port (no port in the serialized origin).
    Default,
    /// Exactly this port.
    Fixed(u16),
    /// Any port, the default one included.
    Any,
}

/// `https://*.example.com`, `http://localhost:*`, or both at once.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct OriginPattern {
    /// Lower-case scheme.
    pub scheme: String,
    /// The host part.
    pub host: HostPattern,
    /// The port part.
    pub port: PortSpec,
}

/// Whether `label` is one DNS label as a subdomain wildcard matches it: letters, digits and
/// hyphens. Serialized hosts are lower-case, so upper-case never occurs. Every target's matcher
/// uses this same class (`[a-z0-9-]+`), so the evaluator and the servers agree.
#[must_use]
pub fn is_wildcard_label(label: &str) -> bool {
    !label.is_empty()
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl OriginPattern {
    /// Whether a serialized origin matches the pattern.
    #[must_use]
    pub fn matches(&self, o: &Origin) -> bool {
        if o.scheme() != self.scheme {
            return false;
        }
        let port_ok = match self.port {
            PortSpec::Default => o.port.is_none(),
            PortSpec::Fixed(p) => o.port == Some(p),
            PortSpec::Any => true,
        };
        if !port_ok {
            return false;
        }
        match &self.host {
            HostPattern::Exact(h) => o.host() == h,
            HostPattern::Subdomains(base) => o
                .host()
                .strip_suffix(base.as_str())
                .and_then(|front| front.strip_suffix('.'))
                .is_some_and(|front| front.split('.').all(is_wildcard_label)),
        }
    }
}

impl fmt::Display for OriginPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://", self.scheme)?;
        match &self.host {
            HostPattern::Exact(h) => f.write_str(h)?,
            HostPattern::Subdomains(b) => write!(f, "*.{b}")?,
        }
        match self.port {
            PortSpec::Default => Ok(()),
            PortSpec::Fixed(p) => write!(f, ":{p}"),
            PortSpec::Any => f.write_str(":*"),
        }
    }
}

/// What an origin entry means.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "lowercase")]
pub enum OriginKind {
    /// `*`: any origin.
    Any,
    /// `null`: the opaque origin.
    Null,
    /// One serialized origin.
    Exact(Origin),
    /// A subdomain or port pattern. Boxed: it is the largest meaning and a rare one, and a
    /// long allowlist of exact origins should not pay its size in every entry.
    Pattern(Box<OriginPattern>),
    /// `regex "…"`: the source of a regular expression over the serialized origin. It must
    /// match the *whole* serialized origin (`^(?:…)$`, case-sensitive): the evaluator
    /// (`eval::server::regex_full_match`) and every emitter anchor it that way, so an
    /// unanchored source can never let `https://example.com.evil.test` through.
    Regex(Box<str>),
    /// Something no browser ever sends; the defect says why. Boxed, like a pattern: rare,
    /// and the variants left unboxed are what fixes an entry's size.
    Invalid(Box<OriginDefect>),
}

/// Why an origin entry can never match, and what was probably meant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "defect", rename_all = "kebab-case")]
pub enum OriginDefect {
    /// Several origins in one value, separated by spaces or commas.
    SeveralOrigins {
        /// The entries it should be split into.
        parts: Vec<String>,
    },
    /// No `scheme://`.
    MissingScheme {
        /// The entry with a scheme added.
        suggestion: String,
    },
    /// A path, or a lone trailing slash.
    HasPath {
        /// The entry without its path.
        suggestion: String,
    },
    /// The scheme's default port written out.
    DefaultPort {
        /// The entry without it.
        suggestion: String,
    },
    /// Not in the browser's serialized form (case, Unicode, IP notation, whitespace).
    NotCanonical {
        /// The serialized form.
        suggestion: String,
    },
    /// A `*` somewhere other than a leading whole label or the whole port.
    MisplacedWildcard {
        /// What is wrong with it.
        reason: String,
    },
    /// Anything else: userinfo, query, fragment, a bad port or host.
    Malformed {
        /// What is wrong with it.
        reason: String,
    },
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        _ => None,
    }
}

fn is_special(scheme: &str) -> bool {
    matches!(scheme, "http" | "https" | "ws" | "wss")
}

fn malformed(reason: impl Into<String>) -> OriginKind {
    OriginKind::Invalid(Box::new(OriginDefect::Malformed {
        reason: reason.into(),
    }))
}

/// Classifies a quoted origin entry.
#[must_use]
pub fn classify(raw: &str) -> OriginKind {
    if raw == "*" {
        return OriginKind::Any;
    }
    if raw == "null" {
        return OriginKind::Null;
    }
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return malformed("the entry is empty");
    }
    let separated = |c: char| c.is_whitespace() || c == ',';
    let parts: Vec<&str> = if trimmed.contains(separated) {
        trimmed.split(separated).filter(|p| !p.is_empty()).collect()
    } else {
        Vec::new()
    };
    if parts.len() > 1 {
        return OriginKind::Invalid(Box::new(OriginDefect::SeveralOrigins {
            parts: parts.iter().map(|p| (*p).to_string()).collect(),
        }));
    }
    if trimmed != raw {
        return OriginKind::Invalid(Box::new(OriginDefect::NotCanonical {
            suggestion: trimmed.to_string(),
        }));
    }
    let Some((scheme_raw, rest)) = raw.split_once("://") else {
        return missing_scheme(raw);
    };
    let scheme = scheme_raw.to_ascii_lowercase();
    if scheme.is_empty()
        || !scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        return malformed(format!("`{scheme_raw}` is not a URL scheme"));
    }
    if scheme == "file" || scheme == "data" || scheme == "blob" || scheme == "about" {
        return malformed(format!(
            "documents with `{scheme}:` URLs send `Origin: null`, never `{raw}`"
        ));
    }
    // Separate the authority from any path, query or fragment.
    let auth_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(auth_end);
    if authority.contains('@') {
        return malformed("an origin has no user name or password (`user@`)");
    }
    if authority.is_empty() {
        return malformed("the host is missing");
    }
    if !tail.is_empty() {
        let base = format!("{scheme}://{authority}");
        let suggestion = match classify(&base) {
            OriginKind::Exact(o) => o.to_string(),
            OriginKind::Pattern(p) => p.to_string(),
            _ => base,
        };
        return match tail.as_bytes()[0] {
            b'/' => OriginKind::Invalid(Box::new(OriginDefect::HasPath { suggestion })),
            b'?' => malformed("an origin has no query string (`?…`)"),
            _ => malformed("an origin has no fragment (`#…`)"),
        };
    }
    let (host_raw, port_raw) = split_host_port(authority);
    let port = match port_raw {
        None => PortSpec::Default,
        Some("*") => PortSpec::Any,
        Some("") => return malformed("the port after `:` is empty"),
        Some(p) if p.contains('*') => {
            return OriginKind::Invalid(Box::new(OriginDefect::MisplacedWildcard {
                reason: "a port is either a number or `*` for any port".to_string(),
            }))
        }
        Some(p) => match p.parse::<u16>() {
            Ok(0) => return malformed("port 0 is not a port a browser can use"),
            Ok(n) if p.starts_with('0') => {
                return OriginKind::Invalid(Box::new(OriginDefect::NotCanonical {
                    suggestion: format!("{scheme}://{host_raw}:{n}"),
                }))
            }
            Ok(n) => PortSpec::Fixed(n),
            Err(_) => return malformed(format!("`{p}` is not a port number (1 to 65535)")),
        },
    };
    let (host_pat, base_raw) = if let Some(base) = host_raw.strip_prefix("*.") {
        (true, base)
    } else {
        (false, host_raw)
    };
    if base_raw.contains('*') || host_raw == "*" {
        return OriginKind::Invalid(Box::new(OriginDefect::MisplacedWildcard {
            reason: "a wildcard must be the whole first label, as in `https://*.example.com`"
                .to_string(),
        }));
    }
    let host = match canonical_host(&scheme, base_raw) {
        Ok(h) => h,
        Err(reason) => return malformed(reason),
    };
    if host_pat && (host.starts_with('[') || host.parse::<std::net::Ipv4Addr>().is_ok()) {
        return OriginKind::Invalid(Box::new(OriginDefect::MisplacedWildcard {
            reason: "an IP address has no subdomains".to_string(),
        }));
    }
    let default = default_port(&scheme);
    let written_default = matches!(port, PortSpec::Fixed(p) if Some(p) == default);
    let port = if written_default {
        PortSpec::Default
    } else {
        port
    };
    let scheme_len = scheme.len();
    let host_part = if host_pat {
        HostPattern::Subdomains(host)
    } else {
        HostPattern::Exact(host)
    };
    let canonical = OriginPattern {
        scheme,
        host: host_part,
        port,
    };
    let canonical_text = canonical.to_string();
    if written_default {
        return OriginKind::Invalid(Box::new(OriginDefect::DefaultPort {
            suggestion: canonical_text,
        }));
    }
    if canonical_text != raw {
        return OriginKind::Invalid(Box::new(OriginDefect::NotCanonical {
            suggestion: canonical_text,
        }));
    }
    // The canonical text is the serialized origin itself: it becomes the origin's one string.
    match (&canonical.host, port) {
        (HostPattern::Exact(_), PortSpec::Default) => {
            OriginKind::Exact(Origin::from_text(canonical_text, scheme_len, None))
        }
        (HostPattern::Exact(_), PortSpec::Fixed(p)) => {
            OriginKind::Exact(Origin::from_text(canonical_text, scheme_len, Some(p)))
        }
        _ => OriginKind::Pattern(Box::new(canonical)),
    }
}

/// `host:port` → (host, port), keeping IPv6 brackets with the host.
fn split_host_port(authority: &str) -> (&str, Option<&str>) {
    if authority.starts_with('[') {
        if let Some(end) = authority.find(']') {
            let (h, rest) = authority.split_at(end + 1);
            return (h, rest.strip_prefix(':'));
        }
        return (authority, None);
    }
    match authority.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    }
}

/// The host as a browser serializes it, through the WHATWG URL parser for special schemes.
fn canonical_host(scheme: &str, host: &str) -> Result<String, String> {
    if host.is_empty() {
        return Err("the host is missing".to_string());
    }
    if is_special(scheme) {
        if is_plain_dns_name(host) {
            return Ok(host.to_string());
        }
        let url = url::Url::parse(&format!("{scheme}://{host}/"))
            .map_err(|e| format!("`{host}` is not a valid host: {e}"))?;
        let h = url
            .host_str()
            .ok_or_else(|| format!("`{host}` is not a valid host"))?;
        if h.split('.').any(str::is_empty) && !h.starts_with('[') {
            return Err(format!("`{host}` has an empty label"));
        }
        Ok(h.to_string())
    } else {
        // Non-special schemes (`chrome-extension://…`, `capacitor://localhost`) keep their host
        // as written; only plain DNS-like hosts are accepted.
        if host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
            && !host.split('.').any(str::is_empty)
        {
            Ok(host.to_string())
        } else {
            Err(format!("`{host}` is not a valid host for `{scheme}:`"))
        }
    }
}

/// Whether the URL host parser would return `host` unchanged, so parsing it can be skipped
/// (most of the time of a 100,000-origin list): lowercase letters, digits, `-` and `.` only,
/// no empty label, no label the IDNA step would decode (`xn--`), and a last label that starts
/// with a letter, so the host does not "end in a number" and is not read as an IPv4 address.
/// `tests` below check it against the parser.
fn is_plain_dns_name(host: &str) -> bool {
    let plain = host
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
    plain
        && host
            .split('.')
            .all(|label| !label.is_empty() && !label.starts_with("xn--"))
        && host
            .rsplit('.')
            .next()
            .is_some_and(|last| last.starts_with(|c: char| c.is_ascii_lowercase()))
}

fn missing_scheme(raw: &str) -> OriginKind {
    let host = raw
        .split([':', '/'])
        .next()
        .unwrap_or(raw)
        .trim_start_matches("*.");
    let local = host == "localhost"
        || host.ends_with(".localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    let scheme = if local { "http" } else { "https" };
    let candidate = format!("{scheme}://{}", raw.trim_end_matches('/'));
    let suggestion = match classify(&candidate) {
        OriginKind::Exact(o) => o.to_string(),
        OriginKind::Pattern(p) => p.to_string(),
        OriginKind::Invalid(d) => match *d {
            OriginDefect::HasPath { suggestion }
            | OriginDefect::DefaultPort { suggestion }
            | OriginDefect::NotCanonical { suggestion } => suggestion,
            _ => candidate,
        },
        _ => candidate,
    };
    OriginKind::Invalid(Box::new(OriginDefect::MissingScheme { suggestion }))
}

/// The pattern `s` is, for tests that need one; panics on anything else.
#[cfg(test)]
pub(crate) fn pattern(s: &str) -> OriginPattern {
    match classify(s) {
        OriginKind::Pattern(p) => *p,
        other => panic!("{s}: {other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(s: &str) -> Origin {
        match classify(s) {
            OriginKind::Exact(o) => o,
            other => panic!("{s}: {other:?}"),
        }
    }

    fn defect(s: &str) -> OriginDefect {
        match classify(s) {
            OriginKind::Invalid(d) => *d,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn exact_origins_keep_the_serialized_form() {
        assert_eq!(
            exact("https://app.example.com").to_string(),
            "https://app.example.com"
        );
        assert_eq!(exact("http://localhost:5173").port(), Some(5173));
        assert_eq!(exact("http://localhost:5173").host(), "localhost");
        assert_eq!(exact("http://[::1]:8080").host(), "[::1]");
        assert_eq!(exact("http://[::1]:8").host(), "[::1]");
        assert_eq!(exact("http://a.b:65535").host(), "a.b");
        assert_eq!(exact("capacitor://localhost").scheme(), "capacitor");
        assert_eq!(exact("capacitor://localhost").host(), "localhost");
    }

    #[test]
    fn several_origins_in_one_value_are_split() {
        assert_eq!(
            defect("https://a.example https://b.example"),
            OriginDefect::SeveralOrigins {
                parts: vec!["https://a.example".into(), "https://b.example".into()]
            }
        );
        assert!(matches!(
            defect("https://a.example, https://b.example"),
            OriginDefect::SeveralOrigins { parts } if parts.len() == 2
        ));
    }

    #[test]
    fn missing_scheme_suggests_https_and_http_for_localhost() {
        assert_eq!(
            defect("client-1.example"),
            OriginDefect::MissingScheme {
                suggestion: "https://client-1.example".into()
            }
        );
        assert_eq!(
            defect("localhost:3000"),
            OriginDefect::MissingScheme {
                suggestion: "http://localhost:3000".into()
            }
        );
    }

    #[test]
    fn paths_default_ports_and_case_are_defects_with_the_meant_origin() {
        assert_eq!(
            defect("https://app.example.com/"),
            OriginDefect::HasPath {
                suggestion: "https://app.example.com".into()
            }
        );
        assert_eq!(
            defect("https://app.example.com:443"),
            OriginDefect::DefaultPort {
                suggestion: "https://app.example.com".into()
            }
        );
        assert_eq!(
            defect("https://App.Example.COM"),
            OriginDefect::NotCanonical {
                suggestion: "https://app.example.com".into()
            }
        );
        assert_eq!(
            defect("https://bücher.example"),
            OriginDefect::NotCanonical {
                suggestion: "https://xn--bcher-kva.example".into()
            }
        );
        assert_eq!(
            defect("http://127.1:8080"),
            OriginDefect::NotCanonical {
                suggestion: "http://127.0.0.1:8080".into()
            }
        );
    }

    #[test]
    fn malformed_entries_say_why() {
        for s in [
            "https://user@a.example",
            "https://a.example?x=1",
            "https://a.example#f",
            "https://a.example:0",
            "https://a.example:65536",
            "https://a..example",
            "file:///etc/passwd",
            "https://",
        ] {
            assert!(
                matches!(defect(s), OriginDefect::Malformed { .. }),
                "{s}: {:?}",
                defect(s)
            );
        }
    }

    #[test]
    fn wildcards_are_whole_labels_or_whole_ports() {
        let p = match classify("https://*.example.com") {
            OriginKind::Pattern(p) => p,
            other => panic!("{other:?}"),
        };
        assert!(p.matches(&exact("https://a.example.com")));
        assert!(p.matches(&exact("https://a.b.example.com")));
        assert!(!p.matches(&exact("https://example.com")));
        assert!(!p.matches(&exact("https://evilexample.com")));
        assert!(!p.matches(&exact("http://a.example.com")));
        assert!(!p.matches(&exact("https://a.example.com:8443")));
        let any_port = match classify("http://localhost:*") {
            OriginKind::Pattern(p) => p,
            other => panic!("{other:?}"),
        };
        assert!(any_port.matches(&exact("http://localhost")));
        assert!(any_port.matches(&exact("http://localhost:5173")));
        assert!(!any_port.matches(&exact("http://localhost.evil.test:5173")));
        for s in [
            "https://foo.*.example.com",
            "https://*example.com",
            "https://*",
            "http://*.127.0.0.1",
            "https://a.example:8*",
        ] {
            assert!(
                matches!(defect(s), OriginDefect::MisplacedWildcard { .. }),
                "{s}"
            );
        }
    }

    #[test]
    fn parse_serialized_accepts_only_what_a_browser_sends() {
        assert!(Origin::parse_serialized("https://a.example").is_some());
        assert!(Origin::parse_serialized("https://A.example").is_none());
        assert!(Origin::parse_serialized("https://a.example/").is_none());
        assert!(Origin::parse_serialized("null").is_none());
    }

    /// The host as the URL parser returns it, without the shortcut.
    fn parsed_host(host: &str) -> Option<String> {
        let url = url::Url::parse(&format!("https://{host}/")).ok()?;
        url.host_str().map(str::to_string)
    }

    #[test]
    fn the_plain_dns_shortcut_refuses_what_the_parser_would_change() {
        for host in [
            "a.example",
            "xn--bcher-kva.example",
            "1.2.3.4",
            "a.0x10",
            "a.123",
            "a..b",
            "a.",
            "A.example",
            "a_b.example",
            "a%41.example",
            "",
        ] {
            if is_plain_dns_name(host) {
                assert_eq!(parsed_host(host).as_deref(), Some(host), "{host}");
            }
        }
        assert!(is_plain_dns_name("tenant-1.customers.example.com"));
        assert!(!is_plain_dns_name("10.0.0.1"));
        assert!(!is_plain_dns_name("a.0x1f"));
        assert!(!is_plain_dns_name("xn--bcher-kva.example"));
    }

    proptest::proptest! {
        /// Every host the shortcut accepts is one the URL parser returns unchanged.
        #[test]
        fn the_plain_dns_shortcut_agrees_with_the_url_parser(
            host in "[a-z0-9xX.-]{1,12}(\\.(xn--|0x)?[a-z0-9-]{0,6})?"
        ) {
            if is_plain_dns_name(&host) {
                proptest::prop_assert_eq!(parsed_host(&host), Some(host.clone()));
            }
        }
    }

    proptest::proptest! {
        /// Comparing in place says what comparing the serialized text says.
        #[test]
        fn is_serialized_as_agrees_with_to_string(
            scheme in "https?",
            host in "[a-z0-9.]{1,6}",
            port in proptest::option::of(0u16..),
            text in "(https?://)?[a-z0-9.]{0,6}(:[+0-9]{0,6})?",
        ) {
            let o = Origin::from_parts(&scheme, &host, port);
            let s = o.to_string();
            proptest::prop_assert!(o.is_serialized_as(&s));
            proptest::prop_assert_eq!(o.is_serialized_as(&text), s == text, "{} vs {}", s, text);
            let padded = format!("{s}0");
            proptest::prop_assert_eq!(o.is_serialized_as(&padded), s == padded);
        }
    }
}
