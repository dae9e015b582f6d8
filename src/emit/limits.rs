//! Limits of application libraries that the capability table cannot say as a yes or a no.
//!
//! A framework's CORS library answers in its own way: Starlette always allows four request
//! headers, a `*` header list echoes `authorization` too, one Django settings module holds one
//! origin list. A target lists its [`Limit`]s ([`crate::emit::TargetMeta::limits`]) and the plan
//! calls [`check`] for every policy, so the refusal happens in the plan like every other one:
//! with a `P301` that names the library and the feature, never a silently wider policy.

use super::capability::RegexDialect;
use super::codes;
use crate::diagnostics::{Diagnostic, Severity};
use crate::ir::{OriginKind, Policy};
use crate::regex::{Construct, Found};
use crate::source::Span;
use regex_syntax::ast::Ast;

/// One thing a library cannot express.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// `regex` origins are handed to another regex engine (JavaScript `RegExp`, Python `re`):
    /// only the constructs every engine reads the same way are accepted (literals, `.`,
    /// classes with ranges and `\d \w \s`, groups without names or flags, alternation,
    /// repetition, `^ $ \b`, the escapes `\t \n \r \f \xHH`), as [`crate::regex::Construct`]
    /// says, which the lint rule `regex-not-portable` asks too. Messages name the target's
    /// dialect ([`crate::emit::Capabilities::regex_dialect`]).
    PortableRegex,
    /// These request headers are always allowed by the library, whatever it is told: a policy
    /// with a fixed header list must list them too.
    AlwaysAllowedHeaders(&'static [&'static str]),
    /// `request-headers *` makes the library echo every requested header, `authorization`
    /// included, which `*` never covers: `*` needs `Authorization` listed beside it.
    WildcardHeadersEchoAll,
    /// The configuration holds one policy: several policies are refused.
    OnePolicy,
    /// `methods *` cannot be said: the library expands `*` to a fixed list of methods.
    NoMethodWildcard,
    /// `methods *` has no equivalent: the library answers only from a fixed method list (and
    /// its "any method" is a fixed list of the standard ones, which `PURGE` is not in).
    MethodWildcard,
    /// `request-headers *` with credentials needs the requested headers echoed except
    /// `authorization`; the library can only echo all of them.
    CredentialedWildcardHeadersEchoAll,
    /// `max-age 0` is not sent (the library omits the header for 0), so browsers would cache
    /// the preflight for their default 5 s instead of not at all.
    MaxAgeZeroOmitted,
    /// The library upper-cases the methods it lists (and answers with), and browsers compare
    /// methods case-sensitively: a method with a lower-case letter (`purge`) cannot be said.
    UppercasedMethods,
    /// `methods *` with credentials needs the requested method echoed (browsers read `*`
    /// literally then); the library sends its list as written.
    CredentialedMethodWildcard,
    /// Path patterns match whole segments (`/api/**`): a prefix scope must end with `/`.
    SegmentPrefixScopes,
    /// Each scope's section names every other policy whose scopes overlap it (to clear its
    /// flags), so nested scopes cost output quadratic in their number: at most this many
    /// overlapping (scope, policy) pairs in all. Checked for the whole set by the plan.
    OverlappingScopes(usize),
    /// Each scope's section repeats the route guard, one rule set per scope of the file
    /// (except in the `.htaccess` shape, which writes it once), so the output grows with the
    /// square of the number of scopes: at most this many (section, scope) pairs. Checked by
    /// the plan.
    RouteGuardPerSection(usize),
    /// Only these methods can be allowed (a storage service's fixed set, e.g. S3's five);
    /// `methods *` is refused too.
    MethodsAmong(&'static [&'static str]),
    /// The service sends `Access-Control-Allow-Credentials: true` to every listed origin it
    /// answers (S3): a policy with listed origins must say `credentials true`, or the answer
    /// would grant more than it.
    ListedOriginsAlwaysCredentialed,
    /// `expose-headers *` cannot be said at all (the service would send or store it otherwise).
    NoExposeWildcard,
    /// One list is both the allowed request headers and the exposed ones (Cloud Storage's
    /// `responseHeader`): the policy's two lists must be equal, and neither may be `*`.
    OneHeaderList,
    /// The service stores the configuration as XML of at most this many bytes (S3: 64 KB).
    /// Counted before rendering, as the longest the XML can be: every origin, method and
    /// header name, escaped as XML would escape it, inside its element.
    MaxXmlBytes(usize),
    /// Only these methods can be listed (Gateway API's `allowMethods` is an enum of the
    /// standard ones), and `methods *` only without credentials.
    MethodsFrom(&'static [&'static str]),
    /// Methods are letters only, request and exposed header names letters, digits, `-` and
    /// `_` (ingress-nginx's annotation validators drop anything else, falling back to a
    /// default); `request-headers *` cannot be said.
    PlainNames,
    /// Origins are `http` or `https` with a host name or IPv4 address (no IPv6 literal, no
    /// other scheme, no `null`), which the configuration's validation accepts.
    HostnameOrigins,
    /// At most this many origins, request headers or exposed headers in one list.
    MaxItems(usize),
    /// Scope paths are plain: `/` then letters, digits and `-._~!$&'()*+,;=:@/`, no `%`,
    /// no `//`, no `.` or `..` segment. Implementations normalize or refuse the rest
    /// differently, so a scope written with them could cover other paths than the policy's.
    PlainPaths,
    /// `request-headers *` cannot be said exactly: the implementation may echo every
    /// requested header, `authorization` included, which `*` never covers.
    NoHeaderWildcard,
    /// At most this many path scopes in one policy (Gateway API: 16 rules in one `HTTPRoute`,
    /// and a prefix scope takes two).
    MaxScopes(usize),
    /// Scope paths are written into the server's own path patterns, which it compares with the
    /// request's path lower-cased and cleaned: a scope must already be in that form (lower
    /// case, no escape, no empty, `.` or `..` segment: [`crate::eval::plain_form`]), so no
    /// glob character, placeholder or quote ever reaches the pattern and no two scopes are one
    /// place to the server.
    PlainScopePaths,
    /// Exact origins are written as literal values of a matcher that reads `*` at either end
    /// as a wildcard and `{…}` as a placeholder: an exact origin must be made of lower-case
    /// ASCII letters, digits and `.-:/[]` only (every origin a browser serializes for a
    /// DNS name or an IP address is).
    PlainExactOrigins,
}

impl Limit {
    /// One line for `corsc targets NAME`: what a policy cannot say for this target.
    #[must_use]
    pub fn summary(&self) -> String {
        let list = |l: &[&str]| l.join(", ");
        match self {
            Limit::PortableRegex => {
                "regex origins: only constructs every engine reads alike".into()
            }
            Limit::AlwaysAllowedHeaders(h) => {
                format!(
                    "always allows request headers {}: a fixed list must name them",
                    list(h)
                )
            }
            Limit::WildcardHeadersEchoAll => {
                "`request-headers *` echoes authorization too: list Authorization beside `*`".into()
            }
            Limit::OnePolicy => "one policy per output".into(),
            Limit::NoMethodWildcard => "no `methods *` (expanded to a fixed list)".into(),
            Limit::MethodWildcard => "no `methods *` (answers from a fixed method list)".into(),
            Limit::CredentialedWildcardHeadersEchoAll => {
                "no `request-headers *` with credentials".into()
            }
            Limit::MaxAgeZeroOmitted => "no `max-age 0` (the header is omitted)".into(),
            Limit::UppercasedMethods => "no method with a lower-case letter".into(),
            Limit::CredentialedMethodWildcard => "no `methods *` with credentials".into(),
            Limit::SegmentPrefixScopes => "a prefix scope must end with `/`".into(),
            Limit::OverlappingScopes(n) => {
                format!("at most {n} overlapping (scope, policy) pairs")
            }
            Limit::RouteGuardPerSection(n) => format!("at most {n} (section, scope) pairs"),
            Limit::MethodsFrom(m) => format!("methods only from {}", list(m)),
            Limit::PlainNames => "plain method and header names; no `request-headers *`".into(),
            Limit::HostnameOrigins => {
                "origins are http(s) with a host name or IPv4 address (no `null`)".into()
            }
            Limit::MaxItems(n) => format!("at most {n} items in one list"),
            Limit::PlainPaths => "plain scope paths (no `%`, `//`, `.` or `..` segment)".into(),
            Limit::NoHeaderWildcard => "no `request-headers *`".into(),
            Limit::MaxScopes(n) => format!("at most {n} path scopes in one policy"),
            Limit::PlainScopePaths => {
                "scope paths already lower-case and clean (no escape, no `.` or `..`)".into()
            }
            Limit::PlainExactOrigins => {
                "exact origins of lower-case letters, digits and `.-:/[]` only".into()
            }
            Limit::MethodsAmong(m) => format!("methods only from {}; no `methods *`", list(m)),
            Limit::ListedOriginsAlwaysCredentialed => {
                "listed origins only with `credentials true` (always sent to them)".into()
            }
            Limit::NoExposeWildcard => "no `expose-headers *`".into(),
            Limit::OneHeaderList => {
                "request and exposed headers one equal list (no `*`, no `mirror`)".into()
            }
            Limit::MaxXmlBytes(n) => format!("at most {} KB of stored configuration", n / 1024),
        }
    }
}

/// Checks one policy against a target's limits; refusals go to `diags`. `library` and
/// `dialect` are the target's, for messages.
pub fn check(
    library: &str,
    dialect: RegexDialect,
    limits: &[Limit],
    set_len: usize,
    policy: &Policy,
    diags: &mut Vec<Diagnostic>,
) {
    let mut refuse = |message: String, span: Span, help: &str| {
        diags.push(
            Diagnostic::new(
                codes::TARGET_CANNOT_EXPRESS.code,
                codes::TARGET_CANNOT_EXPRESS.name,
                Severity::Error,
                message,
                span,
            )
            .with_help(help.to_string()),
        );
    };
    for limit in limits {
        match *limit {
            Limit::PortableRegex => {
                for o in &policy.origins.value {
                    let OriginKind::Regex(src) = &o.kind else {
                        continue;
                    };
                    let Some(tree) = crate::regex::parse(src) else {
                        continue; // the plan refuses regexes that do not parse
                    };
                    if let Some(what) = non_portable(&tree) {
                        refuse(
                            format!("{library} cannot express this regex: {what} has no equivalent in {dialect}"),
                            o.span,
                            "write the regex with literals, classes, groups, `|`, repetition and `^`/`$` only",
                        );
                    }
                }
            }
            Limit::AlwaysAllowedHeaders(names) => {
                let h = &policy.request_headers.value;
                if h.any.is_some() || h.mirror.is_some() {
                    continue;
                }
                let missing: Vec<&str> = names
                    .iter()
                    .copied()
                    .filter(|n| !h.list.iter().any(|l| l.node == *n))
                    .collect();
                if !missing.is_empty() {
                    let span = policy.request_headers.span.unwrap_or(policy.name.span);
                    refuse(
                        format!(
                            "{library} always allows the request header{} {}, which the policy does not list",
                            if missing.len() == 1 { "" } else { "s" },
                            missing.join(", ")
                        ),
                        span,
                        &format!("add {} to `request-headers` if scripts may send it", missing.join(", ")),
                    );
                }
            }
            Limit::WildcardHeadersEchoAll => {
                let h = &policy.request_headers.value;
                if let Some(span) = h.any {
                    if !h.list.iter().any(|l| l.node == "authorization") {
                        refuse(
                            format!("{library} answers `request-headers *` by echoing every requested header, `authorization` included, which `*` does not cover"),
                            span,
                            "list the headers, or add `Authorization` beside `*` if scripts may send it",
                        );
                    }
                }
            }
            Limit::MethodWildcard => {
                if let Some(span) = policy.methods.value.any {
                    refuse(
                        format!("{library} cannot express `methods *`: it answers preflights from a fixed list of methods"),
                        span,
                        "list the methods",
                    );
                }
            }
            Limit::CredentialedWildcardHeadersEchoAll => {
                let h = &policy.request_headers.value;
                if let Some(span) = h.any {
                    if policy.credentials.value && !h.list.iter().any(|l| l.node == "authorization")
                    {
                        refuse(
                            format!("{library} answers `request-headers *` with credentials by echoing every requested header, `authorization` included, which `*` does not cover"),
                            span,
                            "list the headers, or add `Authorization` beside `*` if scripts may send it",
                        );
                    }
                }
            }
            Limit::SegmentPrefixScopes => {
                for scope in &policy.paths {
                    if let crate::ir::PathScope::Prefix(p) = &scope.node {
                        if !p.ends_with('/') {
                            refuse(
                                format!("{library} path patterns match whole segments; it cannot express the prefix `{}`", scope.node),
                                scope.span,
                                "end the prefix with `/` (`\"/api/*\"`), or list exact paths",
                            );
                        }
                    }
                }
            }
            Limit::PlainScopePaths => {
                for scope in &policy.paths {
                    let (crate::ir::PathScope::Prefix(p) | crate::ir::PathScope::Exact(p)) =
                        &scope.node;
                    let exact_slash = matches!(scope.node, crate::ir::PathScope::Exact(_))
                        && p.len() > 1
                        && p.ends_with('/');
                    if !crate::eval::plain_form(p) || exact_slash {
                        refuse(
                            format!("{library} compares paths lower-cased and cleaned, in patterns where `*`, `?`, `[`, `%` and `{{` are special; it cannot express the scope `{}` exactly", scope.node),
                            scope.span,
                            "write the path in lower case with letters, digits and `-._~/` only, no `//`, `.` or `..` segment (and no trailing `/` on an exact path)",
                        );
                    }
                }
            }
            Limit::PlainExactOrigins => {
                for o in &policy.origins.value {
                    let OriginKind::Exact(origin) = &o.kind else {
                        continue;
                    };
                    let text = origin.to_string();
                    let plain = text.bytes().all(|b| {
                        b.is_ascii_lowercase() || b.is_ascii_digit() || b".-:/[]".contains(&b)
                    });
                    if !plain {
                        refuse(
                            format!("{library} reads `*` and `{{…}}` in a matcher value as a wildcard and a placeholder; it cannot match the origin `{}` literally", text.escape_debug()),
                            o.span,
                            "use the origin's ASCII (punycode) form, or a `regex` origin",
                        );
                    }
                }
            }
            Limit::MethodsAmong(allowed) => {
                let m = &policy.methods.value;
                if let Some(span) = m.any {
                    refuse(
                        format!(
                            "{library} cannot express `methods *`: it allows only {}",
                            allowed.join(", ")
                        ),
                        span,
                        "list the methods",
                    );
                }
                for x in &m.list {
                    if !allowed.contains(&x.node.as_str()) {
                        refuse(
                            format!(
                                "{library} cannot allow the method `{}`: it allows only {}",
                                x.node,
                                allowed.join(", ")
                            ),
                            x.span,
                            "remove the method, or let the application answer CORS",
                        );
                    }
                }
            }
            Limit::ListedOriginsAlwaysCredentialed => {
                let any = policy
                    .origins
                    .value
                    .iter()
                    .any(|o| matches!(o.kind, OriginKind::Any));
                if !any && !policy.credentials.value {
                    refuse(
                        format!("{library} sends `Access-Control-Allow-Credentials: true` to every listed origin it answers, and the policy allows no credentials"),
                        policy.origins.span.unwrap_or(policy.name.span),
                        "say `credentials true` if credentialed reads are meant, or let the application answer CORS",
                    );
                }
            }
            Limit::NoExposeWildcard => {
                if let Some(span) = policy.expose_headers.value.any {
                    refuse(
                        format!("{library} cannot express `expose-headers *`"),
                        span,
                        "list the response headers scripts may read",
                    );
                }
            }
            Limit::OneHeaderList => {
                let h = &policy.request_headers.value;
                let e = &policy.expose_headers.value;
                let span = policy
                    .request_headers
                    .span
                    .or(policy.expose_headers.span)
                    .unwrap_or(policy.name.span);
                if h.any.is_some() || h.mirror.is_some() || e.any.is_some() {
                    refuse(
                        format!("{library} cannot express `*` or `mirror` header lists: one list of names is both the allowed request headers and the exposed ones"),
                        span,
                        "list the header names",
                    );
                } else {
                    let mut a: Vec<String> =
                        h.list.iter().map(|x| x.node.to_ascii_lowercase()).collect();
                    let mut b: Vec<String> =
                        e.list.iter().map(|x| x.node.to_ascii_lowercase()).collect();
                    a.sort_unstable();
                    a.dedup();
                    b.sort_unstable();
                    b.dedup();
                    if a != b {
                        refuse(
                            format!("{library} has one header list, which is both the request headers a preflight may ask for and the response headers scripts may read; the policy's two lists differ"),
                            span,
                            "make `request-headers` and `expose-headers` the same list, or let the application answer CORS",
                        );
                    }
                }
            }
            Limit::MaxAgeZeroOmitted => {
                if policy.max_age.value == Some(0) {
                    refuse(
                        format!("{library} cannot send `Access-Control-Max-Age: 0`: it leaves the header out, and browsers then cache the preflight for 5 s"),
                        policy.max_age.span.unwrap_or(policy.name.span),
                        "remove `max-age` (browsers then cache for 5 s), or use at least 1 s",
                    );
                }
            }
            Limit::UppercasedMethods => {
                for m in &policy.methods.value.list {
                    if m.node.bytes().any(|b| b.is_ascii_lowercase()) {
                        refuse(
                            format!("{library} upper-cases the methods it allows, and browsers compare methods case-sensitively: it cannot allow `{}`", m.node),
                            m.span,
                            "write the method in upper case if the application accepts it so",
                        );
                    }
                }
            }
            Limit::CredentialedMethodWildcard => {
                if let (Some(span), true) = (policy.methods.value.any, policy.credentials.value) {
                    refuse(
                        format!("{library} cannot express `methods *` with credentials: browsers read `*` literally then, and it cannot echo the requested method"),
                        span,
                        "list the methods",
                    );
                }
            }
            Limit::NoMethodWildcard => {
                if let Some(span) = policy.methods.value.any {
                    refuse(
                        format!("{library} cannot express `methods *`: it expands `*` to a fixed list of methods"),
                        span,
                        "list the methods",
                    );
                }
            }
            Limit::MethodsFrom(allowed) => {
                for m in &policy.methods.value.list {
                    if !allowed.contains(&m.node.as_str()) {
                        refuse(
                            format!(
                                "{library} can only list the methods {}; it cannot allow `{}`",
                                allowed.join(", "),
                                m.node
                            ),
                            m.span,
                            "list standard methods only",
                        );
                    }
                }
                if let (Some(span), true) = (policy.methods.value.any, policy.credentials.value) {
                    refuse(
                        format!("{library} cannot express `methods *` with credentials: what it answers then is left to each implementation"),
                        span,
                        "list the methods",
                    );
                }
            }
            Limit::NoHeaderWildcard => {
                if let Some(span) = policy.request_headers.value.any {
                    refuse(
                        format!("{library} cannot express `request-headers *`: implementations may echo every requested header, `authorization` included"),
                        span,
                        "list the headers",
                    );
                }
            }
            Limit::MaxScopes(max) => {
                if policy.paths.len() > max {
                    refuse(
                        format!("{library} takes at most {max} path scopes in one policy; this one has {}", policy.paths.len()),
                        policy.paths[max].span,
                        "split the policy into several with the same settings",
                    );
                }
            }
            Limit::PlainNames => plain_names(library, policy, &mut refuse),
            Limit::HostnameOrigins => {
                for o in &policy.origins.value {
                    let bad = match &o.kind {
                        OriginKind::Exact(origin) => !hostname_origin(&origin.to_string()),
                        OriginKind::Null => true,
                        _ => false,
                    };
                    if bad {
                        refuse(
                            format!("{library} accepts only `http` or `https` origins with a host name or IPv4 address; it cannot express `{}`", o.raw()),
                            o.span,
                            "leave this origin out, or compile for nginx",
                        );
                    }
                }
            }
            Limit::MaxItems(max) => {
                let lists = [
                    ("origins", policy.origins.value.len(), policy.origins.span),
                    (
                        "request headers",
                        policy.request_headers.value.list.len(),
                        policy.request_headers.span,
                    ),
                    (
                        "exposed headers",
                        policy.expose_headers.value.list.len(),
                        policy.expose_headers.span,
                    ),
                ];
                for (what, n, span) in lists {
                    if n > max {
                        refuse(
                            format!("{library} takes at most {max} {what} in one list; this policy has {n}"),
                            span.unwrap_or(policy.name.span),
                            "split the policy, or compile for nginx",
                        );
                    }
                }
            }
            Limit::PlainPaths => {
                for scope in &policy.paths {
                    let path = match &scope.node {
                        crate::ir::PathScope::Prefix(p) | crate::ir::PathScope::Exact(p) => p,
                    };
                    if !plain_path(path) {
                        refuse(
                            format!("{library} normalizes or refuses paths like `{path}` in its own way; it cannot express this scope exactly"),
                            scope.span,
                            "write the path with letters, digits and `-._~/` only, without `%`, `//`, `.` or `..` segments",
                        );
                    }
                }
            }
            // A property of the whole set, not of one policy: see `plan::overlapping`.
            Limit::OverlappingScopes(_) | Limit::RouteGuardPerSection(_) => {}
            Limit::MaxXmlBytes(max) => {
                let n = xml_bytes(policy);
                if n > max {
                    refuse(
                        format!("{library} stores at most {max} bytes of CORS configuration; this policy needs about {n}"),
                        policy.origins.span.unwrap_or(policy.name.span),
                        "shorten the origin list (a subdomain served by the application can answer for many), or let the application answer CORS",
                    );
                }
            }
            Limit::OnePolicy => {
                if set_len > 1 {
                    refuse(
                        format!("{library} holds one policy per configuration; this file has {set_len}"),
                        policy.name.span,
                        "compile one file per policy, or give the policies the same settings and merge their `paths`",
                    );
                }
            }
        }
    }
}

/// The longest the XML of `policy`'s rule can be: each value escaped (`&` is the longest
/// escape a name can need: `&amp;`, or `&apos;` for `'`) inside an element whose tags take
/// at most 40 bytes, plus 1 KB for the document, the rule and its ID.
fn xml_bytes(policy: &Policy) -> usize {
    let item = |s: &str| {
        40 + s
            .bytes()
            .map(|b| if b"&'\"<>".contains(&b) { 6 } else { 1 })
            .sum::<usize>()
    };
    let origins: usize = policy.origins.value.iter().map(|o| item(o.raw())).sum();
    let methods: usize = policy
        .methods
        .value
        .list
        .iter()
        .map(|m| item(&m.node))
        .sum();
    let headers: usize = policy
        .request_headers
        .value
        .list
        .iter()
        .chain(policy.expose_headers.value.list.iter())
        .map(|h| item(&h.node))
        .sum();
    1024 + origins + methods + headers
}

/// Refuses the names ingress-nginx's validators would drop (see [`Limit::PlainNames`]).
fn plain_names(library: &str, policy: &Policy, refuse: &mut impl FnMut(String, Span, &str)) {
    let header = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    for m in &policy.methods.value.list {
        if m.node.is_empty() || !m.node.bytes().all(|b| b.is_ascii_alphabetic()) {
            refuse(
                format!(
                    "{library} accepts methods made of letters only; it cannot allow `{}`",
                    m.node
                ),
                m.span,
                "leave the method out",
            );
        }
    }
    if let Some(span) = policy.methods.value.any {
        refuse(
            format!("{library} cannot express `methods *`: it sends a fixed list"),
            span,
            "list the methods",
        );
    }
    let h = &policy.request_headers.value;
    if let Some(span) = h.any.or(h.mirror) {
        refuse(
            format!(
                "{library} cannot express `request-headers *` or `mirror`: it sends a fixed list"
            ),
            span,
            "list the headers",
        );
    }
    let lists = [
        ("request", &h.list),
        ("exposed", &policy.expose_headers.value.list),
    ];
    for (what, list) in lists {
        for n in list {
            if !header(&n.node) {
                refuse(
                    format!("{library} accepts {what} header names made of letters, digits, `-` and `_` only; it cannot carry `{}`", n.node),
                    n.span,
                    "leave the header out",
                );
            }
        }
    }
}

/// Whether a serialized origin is `http` or `https` with a DNS name or IPv4 host.
fn hostname_origin(origin: &str) -> bool {
    let Some(rest) = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
    else {
        return false;
    };
    let host = rest.split_once(':').map_or(rest, |(h, _)| h);
    !host.is_empty()
        && !host.starts_with('.')
        && !host.ends_with('.')
        && !host.contains("..")
        && host
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
}

/// Whether a scope path is plain (see [`Limit::PlainPaths`]).
fn plain_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.contains("//")
        && path.split('/').all(|seg| seg != "." && seg != "..")
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b))
}

/// The first construct outside the portable subset, described for a message. A quantifier
/// on a quantifier is left to the plan, which refuses it for every engine that reads it
/// otherwise.
fn non_portable(tree: &Ast) -> Option<String> {
    crate::regex::constructs(tree)
        .iter()
        .filter(|f| f.construct != Construct::RepeatedRepetition && !f.construct.portable())
        .map(describe)
        .next()
}

fn describe(f: &Found) -> String {
    match f.construct {
        Construct::BraceHexEscape
        | Construct::ShortUnicodeEscape
        | Construct::LongUnicodeEscape
        | Construct::BellEscape
        | Construct::VerticalTabEscape
        | Construct::OtherEscape => format!(
            "the escape for `{}`",
            f.escaped.unwrap_or_default().escape_default()
        ),
        Construct::InlineFlags => "an inline flag group `(?…)`".to_string(),
        Construct::TextAnchor | Construct::DirectionalWordBoundary => {
            "an assertion other than `^`, `$`, `\\b`, `\\B`".to_string()
        }
        Construct::UnicodeClass => "a Unicode class `\\p{…}`".to_string(),
        Construct::GroupFlags => "a group with flags `(?flags:…)`".to_string(),
        Construct::NamedGroupP | Construct::NamedGroupAngle => "a named group".to_string(),
        Construct::ClassSetOperation => "a class set operation".to_string(),
        Construct::PosixClass => "a POSIX class `[[:name:]]`".to_string(),
        Construct::NestedClass => "a nested class".to_string(),
        Construct::RepeatedRepetition => {
            "a quantifier on an assertion or on another quantifier".to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_src(src: &str) -> Option<String> {
        non_portable(&crate::regex::parse(src).unwrap())
    }

    #[test]
    fn the_portable_subset_is_what_every_engine_reads_alike() {
        for ok in [
            r"^https://pr-[0-9]+\.preview\.example\.net$",
            r"^https://(a|b)\.example$",
            r"^https://(?:[a-z0-9-]+\.)+example\.org(:\d+)?$",
            r"\bx\B",
            r"^[\[a-z-]$",
            r"^https://a\x2e[\t]b$",
        ] {
            assert_eq!(check_src(ok), None, "{ok}");
        }
        for bad in [
            r"(?i)^https://a$",
            r"^https://(?P<t>[a-z]+)\.example$",
            r"^\p{L}+$",
            r"^[[:alpha:]]+$",
            r"\Ahttps://a\z",
            r"^https://\x{61}$",
            r"^[a-z&&[^q]]$",
            r"^[a-z[0-9]]$",
            r"^[\x{61}]$",
            r"^\u0061\a\v$",
        ] {
            assert!(check_src(bad).is_some(), "{bad}");
        }
    }

    fn diags(target: &str, regex: &str) -> Vec<Diagnostic> {
        let text = format!("policy p {{\n  origins regex \"{regex}\"\n}}\n");
        let src = crate::source::Source::new("t.cors", text.clone());
        let file = crate::syntax::parse(&src).expect("parses");
        let set = crate::check::check(&file, None).policies.expect("checks");
        let prov = crate::emit::Provenance::new("t.cors", text.as_bytes(), None);
        let options = crate::emit::Options {
            shape: crate::emit::Shape::Include,
            ..crate::emit::Options::default()
        };
        let t = crate::emit::find(target).expect("registered");
        crate::emit::compile(&set, t, &options, &prov)
            .err()
            .unwrap_or_default()
    }

    /// The lint rule `regex-not-portable` and the compile step answer the same question (does
    /// every engine read this regex alike?) and must give the same answer: a regex the lint
    /// calls portable compiles for every target that hands regexes to another engine, and one
    /// it flags is refused there.
    #[test]
    fn the_lint_and_the_compile_step_agree_on_portability() {
        for (regex, portable) in [
            (r"^https://a\\.example$", true),
            // Escapes every engine reads alike.
            (r"^https://a\\x2eexample$", true),
            (r"^https://a[\\t]?\\.example$", true),
            // Escapes some engine reads otherwise: JavaScript and Python have no `\x{…}` (in a
            // class too), PCRE and RE2 no `\u`, JavaScript reads `\a` as `a`, PCRE reads `\v` as
            // any vertical space.
            (r"^https://a[\\x{2e}]example$", false),
            (r"^https://a\\u002eexample$", false),
            (r"^https://\\a\\.example$", false),
            (r"^https://a\\v?\\.example$", false),
        ] {
            let lint = crate::lint::regex_check::unportable(&regex.replace("\\\\", "\\"));
            assert_eq!(lint.is_empty(), portable, "lint on {regex}: {lint:?}");
            for target in ["nginx", "express", "flask", "go"] {
                let d = diags(target, regex);
                assert_eq!(d.is_empty(), portable, "{target} on {regex}: {d:?}");
            }
        }
    }

    /// A quantifier on a quantifier (`a**`) is refused by the compile step for every engine
    /// but Rust's, so the lint calls it unportable; class set operations are Rust's own and
    /// the Rust targets compile them, as the evaluator (Rust's `regex`) reads them.
    #[test]
    fn what_only_rust_reads_is_unportable_and_compiles_for_rust() {
        for regex in [
            r"^https://a**\\.example$",
            r"^https://[a-z&&[^q]]+\\.example$",
        ] {
            let plain = regex.replace("\\\\", "\\");
            assert!(
                !crate::lint::regex_check::unportable(&plain).is_empty(),
                "lint on {regex}"
            );
            assert!(!diags("nginx", regex).is_empty(), "nginx on {regex}");
            for target in ["tower-http", "actix"] {
                let d = diags(target, regex);
                assert!(d.is_empty(), "{target} on {regex}: {d:?}");
            }
        }
    }
}
