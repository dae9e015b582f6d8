//! The typed, normalized policy: the contract between the checker and everything after it.
//!
//! Lints, the evaluator and the emitters see only these types. Every value keeps the span it
//! came from so a finding can point at the source; everything else is normalized: origins in
//! their browser-serialized ASCII form with default ports elided, header names lower-cased,
//! durations in seconds, lists deduplicated in source order.

mod origin;
mod site;
mod via;

#[cfg(test)]
pub(crate) use origin::pattern as test_pattern;
pub use origin::{
    classify as origin_classify, is_wildcard_label, HostPattern, Origin, OriginDefect, OriginKind,
    OriginPattern, PortSpec,
};
pub use site::{registrable_domain, Site};
pub use via::Via;

use crate::source::{Span, Spanned};
use serde::Serialize;

/// Every policy of one file, resolved for one profile (or for none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PolicySet {
    /// The profile these policies were resolved for; `None` is the base policy.
    pub profile: Option<String>,
    /// Every profile name any policy in the file defines, sorted.
    pub profiles: Vec<String>,
    /// Which layer owns CORS, if the file says so.
    pub owner: Option<Spanned<Owner>>,
    /// The policies in source order.
    pub policies: Vec<Policy>,
    /// Every `@allow` in the file.
    pub suppressions: Vec<Suppression>,
    /// Every origin set declared in the file, with where it is used.
    pub sets: Vec<OriginSetInfo>,
}

/// Which layer of a deployment answers CORS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Owner {
    /// The reverse proxy (nginx, Apache) adds the headers and strips the app's.
    Proxy,
    /// The application adds the headers; a proxy passes them through untouched.
    App,
}

/// A named origin set, for lints about sets themselves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OriginSetInfo {
    /// Its name where it is declared.
    pub name: Spanned<String>,
    /// Whether a policy uses it, in any profile: refers to it, or to a set that includes it
    /// (to any depth). A set that only unused sets include is unused.
    pub used: bool,
    /// The whole declaration (not part of the IR's JSON, which predates it).
    #[serde(skip)]
    pub span: Span,
}

/// One policy, with its profile overlay applied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Policy {
    /// `policy NAME`.
    pub name: Spanned<String>,
    /// The whole block.
    pub span: Span,
    /// The profile applied to this policy, if it defines the requested one.
    pub profile: Option<Spanned<String>>,
    /// Where it applies. Empty means every path.
    pub paths: Vec<Spanned<PathScope>>,
    /// The allowed origins: entries in source order, set references expanded.
    pub origins: Setting<Vec<OriginEntry>>,
    /// Methods allowed beyond the CORS-safelisted ones.
    pub methods: Setting<MethodSet>,
    /// Request headers allowed beyond the CORS-safelisted ones.
    pub request_headers: Setting<RequestHeaders>,
    /// Response headers exposed to scripts beyond the safelisted ones.
    pub expose_headers: Setting<ExposeHeaders>,
    /// Whether credentialed requests may read responses.
    pub credentials: Setting<bool>,
    /// How long a browser may cache a preflight, in seconds. `None`: no header.
    pub max_age: Setting<Option<u64>>,
    /// Whether to answer Private Network Access preflights.
    pub private_network: Setting<bool>,
}

/// A directive's value and where it was written. `span` is `None` when the default applies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Setting<T> {
    /// The effective value.
    pub value: T,
    /// The directive that set it (name through last value), if one did.
    pub span: Option<Span>,
}

impl<T> Setting<T> {
    /// A default that no directive wrote.
    pub fn default_value(value: T) -> Self {
        Self { value, span: None }
    }

    /// Whether a directive wrote it.
    pub fn is_explicit(&self) -> bool {
        self.span.is_some()
    }
}

/// A path scope.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "path", rename_all = "lowercase")]
pub enum PathScope {
    /// `"/health"`: exactly this path.
    Exact(String),
    /// `"/api/*"`: every path that starts with `/api/`.
    Prefix(String),
}

impl PathScope {
    /// Whether a request path falls in this scope.
    #[must_use]
    pub fn matches(&self, path: &str) -> bool {
        match self {
            PathScope::Exact(p) => path == p,
            PathScope::Prefix(p) => path.starts_with(p.as_str()),
        }
    }

    /// How specific the scope is; the most specific matching policy wins.
    #[must_use]
    pub fn specificity(&self) -> (u8, usize) {
        match self {
            PathScope::Exact(p) => (1, p.len()),
            PathScope::Prefix(p) => (0, p.len()),
        }
    }
}

impl std::fmt::Display for PathScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PathScope::Exact(p) => f.write_str(p),
            PathScope::Prefix(p) => write!(f, "{p}*"),
        }
    }
}

/// One allowed-origin entry.
#[derive(Clone, PartialEq, Eq)]
pub struct OriginEntry {
    /// The text as written (string content, `*`, `null`, or the regex source); `None` for an
    /// exact origin, whose text is its origin's (see [`OriginEntry::raw`]).
    /// Boxed twice so that it is one pointer wide: only entries that are not exact origins
    /// have one, and a long allowlist of exact origins should not carry the second word.
    written: Option<Box<Box<str>>>,
    /// Where the value is written.
    pub span: Span,
    /// The set references it was reached through, from the use site inwards (outermost
    /// first); empty when the entry is written in the directive itself. Shared between all
    /// the entries of one set, so a large set costs one path, not one per entry.
    pub via: Via,
    /// What it means.
    pub kind: OriginKind,
}

impl OriginEntry {
    /// An entry written as `raw`, meaning `kind`, reached through `via`.
    ///
    /// An origin is only [`OriginKind::Exact`] when it is written in its serialized form, so
    /// for those the text is not kept a second time: a long allowlist holds each origin once.
    #[must_use]
    pub fn new(raw: &str, span: Span, via: Via, kind: OriginKind) -> Self {
        let written = match &kind {
            OriginKind::Exact(o) => {
                debug_assert_eq!(o.as_str(), raw);
                None
            }
            _ => Some(Box::new(raw.into())),
        };
        Self {
            written,
            span,
            via,
            kind,
        }
    }

    /// The entry that the quoted string `raw` makes, reached through `via`: [`new`](Self::new)
    /// with the meaning [`origin::classify`] gives it, keeping `raw`'s own allocation as the
    /// entry's one string. A long allowlist then allocates nothing per origin that outlives
    /// typing it, so the allocator's heap does not grow a second generation of strings
    /// beside the syntax tree's.
    #[must_use]
    pub fn from_string(raw: String, span: Span, via: Via) -> Self {
        match origin::classify(&raw) {
            OriginKind::Exact(o) => Self {
                written: None,
                span,
                via,
                kind: OriginKind::Exact(o.with_text(raw)),
            },
            kind => Self::new(&raw, span, via, kind),
        }
    }

    /// The text as written: string content, `*`, `null`, or the regex source.
    #[must_use]
    pub fn raw(&self) -> &str {
        match &self.kind {
            OriginKind::Exact(o) => o.as_str(),
            _ => self.written.as_deref().map_or("", |w| &**w),
        }
    }
}

/// The fields as they were derived before the text was shared with the origin.
impl std::fmt::Debug for OriginEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OriginEntry")
            .field("raw", &self.raw())
            .field("span", &self.span)
            .field("via", &self.via)
            .field("kind", &self.kind)
            .finish()
    }
}

/// `raw`, `span`, `via` and `kind`, the shape JSON output has always had.
impl Serialize for OriginEntry {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut st = s.serialize_struct("OriginEntry", 4)?;
        st.serialize_field("raw", self.raw())?;
        st.serialize_field("span", &self.span)?;
        st.serialize_field("via", &self.via)?;
        st.serialize_field("kind", &self.kind)?;
        st.end()
    }
}

/// A value of a name list written again after an equal one: the list keeps the first, and
/// lint reports the second (`duplicate-entry`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repeat {
    /// The value written again.
    pub span: Span,
    /// The equal value the list keeps.
    pub first: Span,
    /// What to delete to remove the value and one comma beside it, when both values are in
    /// one directive that keeps another value; `None` otherwise (a profile's `+=` repeating
    /// its base, or a value alone in its directive).
    pub removal: Option<Span>,
}

/// Allowed methods beyond the CORS-safelisted `GET`, `HEAD` and `POST`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MethodSet {
    /// `*` was listed.
    pub any: Option<Span>,
    /// Method tokens exactly as written (methods are case-sensitive), deduplicated.
    pub list: Vec<Spanned<String>>,
    /// Values dropped as repeats of an earlier one (`*` included), for lint.
    #[serde(skip)]
    pub repeated: Vec<Repeat>,
}

/// Allowed request headers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RequestHeaders {
    /// `*` was listed.
    pub any: Option<Span>,
    /// `mirror`: echo whatever the preflight asks for.
    pub mirror: Option<Span>,
    /// Lower-cased header names, deduplicated.
    pub list: Vec<Spanned<String>>,
    /// Values dropped as repeats of an earlier one (`*` included), for lint.
    #[serde(skip)]
    pub repeated: Vec<Repeat>,
}

/// Response headers exposed to scripts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ExposeHeaders {
    /// `*` was listed.
    pub any: Option<Span>,
    /// Lower-cased header names, deduplicated.
    pub list: Vec<Spanned<String>>,
    /// Values dropped as repeats of an earlier one (`*` included), for lint.
    #[serde(skip)]
    pub repeated: Vec<Repeat>,
}

/// `@allow(rule, …, reason = "…")` and what it covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// Rule names or codes as written.
    pub rules: Vec<Spanned<String>>,
    /// Why.
    pub reason: Spanned<String>,
    /// The attribute itself.
    pub span: Span,
    /// What it is attached to: findings whose primary span lies here are suppressed.
    pub scope: Span,
}

impl Policy {
    /// Whether this policy's scope covers a request path (no paths: every path).
    #[must_use]
    pub fn covers(&self, path: &str) -> bool {
        self.paths.is_empty() || self.paths.iter().any(|p| p.node.matches(path))
    }

    /// The most specific scope of this policy that covers a path.
    #[must_use]
    pub fn specificity_for(&self, path: &str) -> Option<(u8, usize)> {
        if self.paths.is_empty() {
            return Some((0, 0));
        }
        self.paths
            .iter()
            .filter(|p| p.node.matches(path))
            .map(|p| p.node.specificity())
            .max()
    }

    /// Whether any entry allows every origin.
    #[must_use]
    pub fn allows_any_origin(&self) -> bool {
        self.origins
            .value
            .iter()
            .any(|o| matches!(o.kind, OriginKind::Any))
    }
}

impl PolicySet {
    /// The policy that answers a request for `path`: the most specific scope wins.
    #[must_use]
    pub fn policy_for(&self, path: &str) -> Option<&Policy> {
        self.policies
            .iter()
            .filter_map(|p| p.specificity_for(path).map(|s| (s, p)))
            .max_by_key(|(s, _)| *s)
            .map(|(_, p)| p)
    }
}
