//! Item by item: which origins, methods, headers and flags one side grants that the other does
//! not, by set reasoning where the forms allow it and by sample origins where they do not.

use crate::eval::request::is_safelisted_method;
use crate::eval::server::entry_matches;
use crate::ir::{
    is_wildcard_label, ExposeHeaders, HostPattern, MethodSet, OriginEntry, OriginKind,
    OriginPattern, Policy, PortSpec, RequestHeaders,
};
use serde::Serialize;
use std::collections::HashSet;

/// What an item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    /// An origin entry: exact, pattern, regex, `*` or `null`.
    Origin,
    /// A method (or `*`).
    Method,
    /// A request header name, `*` or `mirror`.
    RequestHeader,
    /// An exposed response header name or `*`.
    ExposeHeader,
    /// `credentials true`.
    Credentials,
    /// `private-network true`.
    PrivateNetwork,
}

impl ItemKind {
    /// The group heading in human output.
    #[must_use]
    pub fn heading(self) -> &'static str {
        match self {
            ItemKind::Origin => "origins",
            ItemKind::Method => "methods",
            ItemKind::RequestHeader => "request headers",
            ItemKind::ExposeHeader => "expose headers",
            ItemKind::Credentials => "credentials",
            ItemKind::PrivateNetwork => "private network",
        }
    }
}

/// One thing a side grants that the other does not.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Item {
    /// What kind of thing.
    pub kind: ItemKind,
    /// The entry as written (`https://*.example.com`, `regex "…"`, `PUT`, `authorization`,
    /// `true`).
    pub value: String,
    /// A concrete value that shows it: an origin (or method, or header) this side allows and
    /// the other does not.
    pub example: Option<String>,
}

impl Item {
    /// Whether this item widens by itself, though no browser verdict shows it: answering
    /// Private Network Access preflights, which no browser model here sends.
    #[must_use]
    pub fn beyond_probes(&self) -> bool {
        self.kind == ItemKind::PrivateNetwork
    }
}

/// A difference that is neither a gain nor a loss.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The directive (`max-age`).
    pub what: String,
    /// OLD's value, `None` when it sends no header.
    pub old: Option<String>,
    /// NEW's value.
    pub new: Option<String>,
}

/// Gains of `new` over `old`, losses, and changes. A missing side answers nothing.
pub(super) fn compare(
    old: Option<&Policy>,
    new: Option<&Policy>,
) -> (Vec<Item>, Vec<Item>, Vec<Change>) {
    let gained = gains(old, new);
    let lost = gains(new, old);
    let mut changed = Vec::new();
    if let (Some(o), Some(n)) = (old, new) {
        if o.max_age.value != n.max_age.value {
            let show = |v: Option<u64>| v.map(|s| format!("{s} s"));
            changed.push(Change {
                what: "max-age".to_string(),
                old: show(o.max_age.value),
                new: show(n.max_age.value),
            });
        }
    }
    (gained, lost, changed)
}

/// What `to` grants that `from` does not.
fn gains(from: Option<&Policy>, to: Option<&Policy>) -> Vec<Item> {
    let Some(to) = to else { return Vec::new() };
    let mut out = Vec::new();
    let others = Others::of(from);
    for e in &to.origins.value {
        if let Some(example) = origin_gain(e, &others) {
            out.push(Item {
                kind: ItemKind::Origin,
                value: entry_label(e),
                example: Some(example),
            });
        }
    }
    let empty_m = MethodSet::default();
    let fm = from.map_or(&empty_m, |p| &p.methods.value);
    let tm = &to.methods.value;
    if tm.any.is_some() && fm.any.is_none() {
        let ex = ["PURGE", "PUT", "PATCH", "DELETE", "QUERY", "CORSC-DIFF"]
            .into_iter()
            .find(|m| !method_allows(fm, m));
        out.push(item(ItemKind::Method, "*", ex));
    }
    for m in &tm.list {
        if !is_safelisted_method(&m.node) && !method_allows(fm, &m.node) {
            out.push(item(ItemKind::Method, &m.node, Some(&m.node)));
        }
    }
    let empty_r = RequestHeaders::default();
    let fr = from.map_or(&empty_r, |p| &p.request_headers.value);
    let tr = &to.request_headers.value;
    let extra = ["authorization", "x-corsc-diff"];
    if tr.mirror.is_some() && fr.mirror.is_none() {
        if let Some(ex) = extra.into_iter().find(|h| !header_allows(fr, h)) {
            out.push(item(ItemKind::RequestHeader, "mirror", Some(ex)));
        }
    }
    if tr.any.is_some() && !header_allows(fr, "x-corsc-diff") {
        out.push(item(ItemKind::RequestHeader, "*", Some("x-corsc-diff")));
    }
    for h in &tr.list {
        if !header_allows(fr, &h.node) {
            out.push(item(ItemKind::RequestHeader, &h.node, Some(&h.node)));
        }
    }
    let empty_e = ExposeHeaders::default();
    let (fe, fc) = from.map_or((&empty_e, false), |p| {
        (&p.expose_headers.value, p.credentials.value)
    });
    let te = &to.expose_headers.value;
    let tc = to.credentials.value;
    if te.any.is_some() && !tc && !exposes(fe, fc, "x-corsc-diff") {
        out.push(item(ItemKind::ExposeHeader, "*", Some("x-corsc-diff")));
    }
    for h in &te.list {
        if !exposes(fe, fc, &h.node) {
            out.push(item(ItemKind::ExposeHeader, &h.node, Some(&h.node)));
        }
    }
    if tc && !fc {
        out.push(item(ItemKind::Credentials, "true", None));
    }
    if to.private_network.value && !from.is_some_and(|p| p.private_network.value) {
        out.push(item(ItemKind::PrivateNetwork, "true", None));
    }
    let mut seen = HashSet::new();
    out.retain(|i| seen.insert((i.kind, i.value.clone())));
    out
}

fn item(kind: ItemKind, value: &str, example: Option<&str>) -> Item {
    Item {
        kind,
        value: value.to_string(),
        example: example.map(str::to_string),
    }
}

/// How an origin entry is named in a report.
pub(super) fn entry_label(e: &OriginEntry) -> String {
    match &e.kind {
        OriginKind::Regex(src) => format!("regex \"{src}\""),
        OriginKind::Any => "*".to_string(),
        OriginKind::Null => "null".to_string(),
        _ => e.raw().to_string(),
    }
}

/// Whether a method set allows a method (safelisted methods need no listing).
pub(super) fn method_allows(m: &MethodSet, method: &str) -> bool {
    m.any.is_some() || is_safelisted_method(method) || m.list.iter().any(|x| x.node == method)
}

/// Whether a request-header setting allows a (lower-case) header name: `mirror` allows every
/// one, `*` every one but `authorization` (Fetch §cors-preflight-fetch step 7.6).
pub(super) fn header_allows(r: &RequestHeaders, name: &str) -> bool {
    r.mirror.is_some()
        || (r.any.is_some() && name != "authorization")
        || r.list.iter().any(|h| h.node == name)
}

/// Whether script may read a response header: `*` only without credentials.
fn exposes(e: &ExposeHeaders, credentials: bool, name: &str) -> bool {
    (e.any.is_some() && !credentials) || e.list.iter().any(|h| h.node == name)
}

/// The other side's origin entries, indexed for membership tests.
pub(super) struct Others<'a> {
    exact: HashSet<&'a str>,
    rest: Vec<&'a OriginKind>,
    any: bool,
}

impl<'a> Others<'a> {
    pub(super) fn of(p: Option<&'a Policy>) -> Self {
        let mut exact = HashSet::new();
        let mut rest = Vec::new();
        let mut any = false;
        for e in p.map(|p| p.origins.value.as_slice()).unwrap_or_default() {
            match &e.kind {
                OriginKind::Exact(o) => {
                    exact.insert(o.as_str());
                }
                OriginKind::Invalid(_) => {}
                OriginKind::Any => {
                    any = true;
                    rest.push(&e.kind);
                }
                k => rest.push(k),
            }
        }
        Self { exact, rest, any }
    }

    /// Whether some entry allows this `Origin` value.
    pub(super) fn allows(&self, origin: &str) -> bool {
        self.exact.contains(origin) || self.rest.iter().any(|k| entry_matches(k, origin))
    }

    fn covers_pattern(&self, p: &OriginPattern) -> bool {
        self.any
            || self
                .rest
                .iter()
                .any(|k| matches!(k, OriginKind::Pattern(q) if pattern_within(p, q)))
    }
}

/// An origin `e` allows that `others` do not, if there is one among its samples.
fn origin_gain(e: &OriginEntry, others: &Others<'_>) -> Option<String> {
    match &e.kind {
        OriginKind::Invalid(_) => None,
        OriginKind::Exact(o) => (!others.allows(o.as_str())).then(|| o.to_string()),
        OriginKind::Pattern(p) if others.covers_pattern(p) => None,
        OriginKind::Any if others.any => None,
        k => samples(k).into_iter().find(|s| !others.allows(s)),
    }
}

/// Whether every origin `p` matches, `q` matches too.
fn pattern_within(p: &OriginPattern, q: &OriginPattern) -> bool {
    let port_ok = q.port == PortSpec::Any || p.port == q.port;
    let under = |host: &str, base: &str| {
        host.strip_suffix(base)
            .and_then(|f| f.strip_suffix('.'))
            .is_some_and(|f| f.split('.').all(is_wildcard_label))
    };
    p.scheme == q.scheme
        && port_ok
        && match (&p.host, &q.host) {
            (HostPattern::Exact(a), HostPattern::Exact(b)) => a == b,
            (HostPattern::Exact(a), HostPattern::Subdomains(b)) => under(a, b),
            (HostPattern::Subdomains(a), HostPattern::Subdomains(b)) => a == b || under(a, b),
            (HostPattern::Subdomains(_), HostPattern::Exact(_)) => false,
        }
}

/// Origins an entry allows, to try against the other side: for a pattern one and two
/// labels and each kind of port, for a regex what its text suggests and its shortest match.
/// Only origins a browser could send (`null`, or a serialized origin the entry matches).
pub(super) fn samples(kind: &OriginKind) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    match kind {
        OriginKind::Exact(o) => out.push(o.to_string()),
        OriginKind::Null => out.push("null".to_string()),
        OriginKind::Any => out.extend(
            [
                "https://corsc-diff-any.example",
                "http://corsc-diff-any.example:8080",
                "null",
            ]
            .map(str::to_string),
        ),
        OriginKind::Pattern(p) => {
            let hosts = match &p.host {
                HostPattern::Exact(h) => vec![h.clone()],
                HostPattern::Subdomains(b) => {
                    vec![format!("corsc-diff.{b}"), format!("a.corsc-diff.{b}")]
                }
            };
            let ports: &[Option<u16>] = match p.port {
                PortSpec::Default => &[None],
                PortSpec::Fixed(_) => &[None],
                PortSpec::Any => &[None, Some(8443), Some(1)],
            };
            for h in &hosts {
                for port in ports {
                    let port = match p.port {
                        PortSpec::Fixed(n) => Some(n),
                        _ => *port,
                    };
                    out.push(match port {
                        Some(n) => format!("{}://{h}:{n}", p.scheme),
                        None => format!("{}://{h}", p.scheme),
                    });
                }
            }
        }
        OriginKind::Regex(src) => {
            let s = src.trim_start_matches('^').trim_end_matches('$');
            for (digits, word) in [("7", "corsc"), ("12345", "x-1")] {
                let guess = s
                    .replace("[0-9]+", digits)
                    .replace("\\d+", digits)
                    .replace("[a-z0-9-]+", word)
                    .replace("[a-z0-9]+", word)
                    .replace("[a-z]+", word)
                    .replace(".*", word)
                    .replace(".+", word)
                    .replace("[^.]+", word)
                    .replace("\\.", ".")
                    .replace("\\-", "-")
                    .replace("\\/", "/");
                out.push(guess);
            }
            out.extend(crate::regex::sample(src));
        }
        OriginKind::Invalid(_) => {}
    }
    let mut seen = HashSet::new();
    out.retain(|o| {
        (o == "null" || crate::ir::Origin::parse_serialized(o).is_some())
            && entry_matches(kind, o)
            && seen.insert(o.clone())
    });
    out
}
