//! Routing models: the form of a request path each server compares with its routes.
//!
//! A policy's scopes are written as plain paths (`/api/*`, `/api/admin/*`), but servers do not
//! route on the bytes a client sends: nginx and Apache decode `%61`, merge `//` and resolve
//! `/./` and `/../` before they pick a location; Express folds case; Starlette, Flask and
//! Django route on the percent-decoded path; Go's `ServeMux` cleans the path and unescapes
//! each segment; actix requotes everything but `%25`, `%2F` and `%2B`. A CORS dispatcher that
//! compares the raw path while the router compares another form hands `/api/%61dmin/secret` to
//! the admin handler with the CORS of `api`. So every generated dispatcher selects its policy
//! on the routing form of its target, and the evaluator answers with the same form:
//! [`Routing::route`] turns a request path into it, [`Routing::scope`] turns a scope's path
//! into it, and [`policy_for`] picks the most specific scope, as [`PolicySet::policy_for`]
//! does on the raw form.
//!
//! [`Routing::Spec`] (the default) is the raw path as the browser sends it: the policy as
//! written, with no server in between.

use crate::ir::{PathScope, Policy, PolicySet};
use serde::Serialize;

/// Whose path form to model. Each target states its own in its capabilities; callers pass
/// it in, so the evaluator names no target.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Routing {
    /// The raw path as sent (the policy as written).
    #[default]
    Spec,
    /// nginx: `%XX` decoded (invalid escapes are a 400), `//` merged, dot segments resolved
    /// (above the root is a 400); case-sensitive.
    Nginx,
    /// Apache httpd: as nginx, but an encoded slash (`%2F`) or NUL is a 404 before any
    /// `<Location>` applies (`AllowEncodedSlashes Off`).
    Apache,
    /// Express: the raw path, compared ignoring ASCII case (`caseSensitive: false`), and an
    /// exact route also matches its path with one trailing slash (`strict: false`).
    Express,
    /// Fastify (find-my-way): `decodeURI` with the reserved escapes (`%2F`, `%3F`, `%25`, …)
    /// kept as written; a malformed escape is a 400.
    Fastify,
    /// Starlette and FastAPI: the ASGI `path`, fully percent-decoded (`%2F` too).
    Starlette,
    /// Flask (Werkzeug): the percent-decoded path (Werkzeug matches `//` as written when a
    /// rule takes it). Flask-CORS decodes that path a second time before it compares, so a
    /// decoded path that still holds a `%` (`%2561dmin`) is refused: the generated module
    /// strips CORS from it rather than answer with whatever the second decoding names.
    Flask,
    /// Django: fully percent-decoded `path_info`.
    Django,
    /// Go `net/http.ServeMux`: malformed escapes are a 400; the decoded path is cleaned
    /// (`//`, `.`, `..`: the mux redirects to the clean path). The mux of Go 1.22+ cleans the
    /// escaped path and unescapes segment by segment (`%2F` stays inside a segment), the
    /// mux of older modules and GOPATH builds cleans the decoded path (`%2F` is a separator):
    /// they agree except on an encoded `/` or `.`, so those paths are refused.
    Go,
    /// Gin, chi and Echo (one model: the output answers only where they all read a path
    /// alike). Malformed escapes are a 400 (net/http). Gin routes on the decoded path (the
    /// raw one with `UseRawPath`, cleaned with `RemoveExtraSlash`); chi and Echo route on the
    /// raw path when net/http keeps one (`URL.RawPath`: the path holds an escape Go would
    /// not write, `%61`, `%2F`, lower-case hex) and on the decoded path otherwise; chi's
    /// `CleanPath` and Echo's pre-routing middleware may clean it. So a path with such an
    /// escape, or with `//`, `.` or `..` segments, is refused; any other is routed decoded.
    GoRouter,
    /// Spring MVC: segments decoded one by one, matrix parameters (`;…`) ignored; a path
    /// with an encoded slash (`%2F`) is refused by the servlet container (a 400). The CORS
    /// mappings use the handler mappings' own matcher. A prefix mapping `/api/**` also
    /// matches the bare `/api`.
    Spring,
    /// axum (tower-http): the raw path, as matchit routes it.
    TowerHttp,
    /// actix-web: every escape decoded but `%25`, `%2F` and `%2B`, as its router requotes.
    Actix,
    /// Rack (rack-cors, Rails): the path rack-cors matches its resources on,
    /// `Rack::Utils.unescape_path` (every `%XX` decoded, `%2F` too; a stray `%` stays) then
    /// `clean_path_info` (`//` merged, `.` dropped, `..` resolved, never above the root, and
    /// the trailing `/` dropped). A decoded path holding NUL or invalid UTF-8 is refused
    /// (rack-cors answers such a preflight 400). The application's own router (Rails matches
    /// the path as sent, slashes squeezed) may read the path otherwise, so a path whose raw
    /// form selects another policy than this one gets no CORS ([`policy_for`]).
    Rack,
    /// Hono on `@hono/node-server`: the path of the request URL after the WHATWG URL parser
    /// resolved its dot segments (`.`, `..`, `%2e`), case-sensitive, an exact route not taking
    /// a trailing slash (`strict: true`) and a prefix route `/api/*` also matching the bare
    /// `/api`. Hono 4.0 routes on that path as written, later releases on it `decodeURI`d
    /// with `%25` kept: a path whose two readings select different policies (or that
    /// `decodeURI` cannot read) gets no policy.
    Hono,
    /// Koa with `@koa/router`'s defaults: the raw path (`ctx.path`), compared ignoring ASCII
    /// case (`sensitive: false`), an exact route also matching one trailing slash (`strict:
    /// false`): Express's model.
    Koa,
    /// An output that answers only a path as sent in the plain form ([`plain_form`]: `/`, or
    /// segments of lower-case ASCII letters, digits and `-._~!$&'()*+,;=:@`, no escape, no
    /// empty, `.` or `..` segment), where every reading of the path is the same path; any
    /// other gets no CORS. Caddy's `path` matcher compares the decoded, cleaned, lower-cased
    /// path and Envoy's (and Istio's) route matching a normalised one, while the application
    /// behind them reads the path as sent.
    PlainPaths,
    /// HAProxy in front of an application: its `path` fetch is the path as sent (no decoding,
    /// no cleaning, case-sensitive), the application's router may decode, clean or fold case.
    /// The output answers only a path as sent in the plain form every reading agrees on
    /// ([`plain_form`]); any other gets no CORS.
    Haproxy,
    /// A Cloudflare Worker (workerd) dispatching on `new URL(request.url).pathname`: the
    /// WHATWG URL parser resolves dot segments (`.`, `..`, `%2e`), turns `\` into `/`;
    /// case-sensitive, no trailing-slash or
    /// bare-prefix extras. The origin behind the Worker receives the request URL as sent and
    /// may route on it decoded, so three readings must select the same policy: that pathname,
    /// the path as sent, and the pathname `decodeURI`d (`%25` kept); a path whose readings
    /// differ (or that `decodeURI` cannot read, or that holds `\`) gets no policy; workerd
    /// answers a path with a space, `"<>^\`{|}`, a control or a non-ASCII byte `400` itself. Scopes
    /// are compared as written.
    Workers,
}

/// A request path in a server's routing form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "path", rename_all = "kebab-case")]
pub enum Routed {
    /// The form the server compares with its routes and locations.
    Path(String),
    /// The server refuses the request before any route or location applies (400, 404): no
    /// policy answers it.
    Refused,
}

impl Routing {
    /// Every model, for listings and tests.
    pub const ALL: &'static [Routing] = &[
        Routing::Spec,
        Routing::Nginx,
        Routing::Apache,
        Routing::Express,
        Routing::Fastify,
        Routing::Starlette,
        Routing::Flask,
        Routing::Django,
        Routing::Go,
        Routing::GoRouter,
        Routing::Spring,
        Routing::TowerHttp,
        Routing::Actix,
        Routing::Rack,
        Routing::Hono,
        Routing::Koa,
        Routing::PlainPaths,
        Routing::Haproxy,
        Routing::Workers,
    ];

    /// The routing form of a request path (query and fragment are cut off first).
    #[must_use]
    pub fn route(self, raw: &str) -> Routed {
        let path = raw.split(['?', '#']).next().unwrap_or("");
        match self {
            Routing::Spec | Routing::TowerHttp => Routed::Path(path.to_string()),
            Routing::Express | Routing::Koa => Routed::Path(path.to_ascii_lowercase()),
            Routing::Hono => match url_path(path) {
                Some(p) => Routed::Path(p),
                None => Routed::Refused,
            },
            Routing::Workers if workerd_refuses(path) => Routed::Refused,
            Routing::Workers => match url_path(path) {
                Some(p) => Routed::Path(p),
                None => Routed::Refused,
            },
            Routing::Nginx | Routing::Apache => {
                let apache = self == Routing::Apache;
                let Some(bytes) = decode_strict(path) else {
                    return Routed::Refused;
                };
                if apache && (bytes.contains(&0) || has_encoded_slash(path)) {
                    return Routed::Refused;
                }
                let decoded = String::from_utf8_lossy(&bytes).into_owned();
                match resolve_dots(&merge_slashes(&decoded)) {
                    Some(p) => Routed::Path(p),
                    None => Routed::Refused,
                }
            }
            Routing::Fastify => match fastify_decode(path) {
                Some(p) => Routed::Path(p),
                None => Routed::Refused,
            },
            Routing::Starlette | Routing::Django => Routed::Path(decode_lossy(path)),
            Routing::Flask => {
                let d = decode_lossy(path);
                if d.contains('%') {
                    Routed::Refused
                } else {
                    Routed::Path(d)
                }
            }
            Routing::Go => {
                let lower = path.to_ascii_lowercase();
                if decode_strict(path).is_none() || lower.contains("%2f") || lower.contains("%2e") {
                    return Routed::Refused;
                }
                Routed::Path(go_clean(&decode_lossy(path)))
            }
            Routing::GoRouter => {
                let Some(bytes) = decode_strict(path) else {
                    return Routed::Refused;
                };
                let decoded = String::from_utf8_lossy(&bytes).into_owned();
                // net/http keeps `RawPath` when re-escaping the decoded path does not give the
                // path as sent; it differs from `Path` when the path holds an escape at all.
                if go_escape_path(&bytes) != path && path.contains('%') {
                    return Routed::Refused;
                }
                if !decoded.starts_with('/') || go_clean(&decoded) != decoded {
                    return Routed::Refused;
                }
                Routed::Path(decoded)
            }
            // Tomcat (`encodedSolidusHandling="reject"`) and Jetty 12 answer 400 to an
            // encoded slash before any servlet runs.
            Routing::Spring if has_encoded_slash(path) => Routed::Refused,
            Routing::Spring => Routed::Path(segments_unescaped(path, true)),
            Routing::Actix => Routed::Path(requote(path, b"%/+")),
            Routing::PlainPaths | Routing::Haproxy => {
                // The output reads the request target up to `?`: a `#` is not plain.
                let sent = raw.split('?').next().unwrap_or("");
                if plain_form(sent) {
                    Routed::Path(sent.to_string())
                } else {
                    Routed::Refused
                }
            }
            Routing::Rack => match rack_unescape(path) {
                Some(d) => Routed::Path(rack_clean(&d, false)),
                None => Routed::Refused,
            },
        }
    }

    /// The routing form of a scope's path: the same transformation, so a scope written with
    /// escapes or upper case compares as the server compares it. A scope the server would
    /// refuse keeps its written form (no request reaches it anyway).
    #[must_use]
    pub fn scope(self, path: &str) -> String {
        // Rack drops a request path's trailing `/`, but a scope's (`/api/`) is its boundary:
        // kept, so `/api/` never turns into a prefix of `/apis`.
        if self == Routing::Rack {
            return rack_unescape(path).map_or_else(|| path.to_string(), |d| rack_clean(&d, true));
        }
        // The Worker compares every reading with the scopes as written.
        if self == Routing::Workers {
            return path.to_string();
        }
        match self.route(path) {
            Routed::Path(p) => p,
            Routed::Refused => path.to_string(),
        }
    }

    /// Whether an exact scope also matches its path followed by one `/` (Express's default
    /// `strict: false`).
    #[must_use]
    pub fn exact_takes_trailing_slash(self) -> bool {
        matches!(self, Routing::Express | Routing::Koa)
    }

    /// Whether a scope covers a request path already in this routing form.
    #[must_use]
    pub fn matches(self, scope: &PathScope, routed: &str) -> bool {
        match scope {
            PathScope::Exact(p) => {
                let p = self.scope(p);
                routed == p
                    || (self.exact_takes_trailing_slash()
                        && routed.strip_suffix('/') == Some(p.as_str()))
            }
            PathScope::Prefix(p) => {
                let p = self.scope(p);
                routed.starts_with(&p)
                    || (self.prefix_takes_bare_path()
                        && p.len() > 1
                        && p.strip_suffix('/') == Some(routed))
            }
        }
    }

    /// Whether a prefix scope (`/api/`) also covers its bare path (`/api`): Spring's
    /// `/api/**` pattern matches zero segments after `/api`.
    #[must_use]
    pub fn prefix_takes_bare_path(self) -> bool {
        matches!(self, Routing::Spring | Routing::Hono)
    }
}

/// The policy that answers a request under a routing model: the most specific scope (exact
/// over prefix, then the longest routing form) that covers the routed path; `None` when no
/// scope does or the server refuses the request.
///
/// nginx and Apache proxy the path as sent while they pick the location on the normalized
/// one, so their output refuses (nginx: a 400, Apache: no CORS) a request whose readings
/// select different policies: the path as sent, the same ignoring ASCII case, and the
/// normalized path ignoring case must all select the policy the location answers with.
#[must_use]
pub fn policy_for<'s>(set: &'s PolicySet, routing: Routing, raw: &str) -> Option<&'s Policy> {
    let Routed::Path(path) = routing.route(raw) else {
        return None;
    };
    let own = select(set, routing, &path, false);
    if routing == Routing::Rack && own.is_some() {
        let sent = raw.split(['?', '#']).next().unwrap_or("");
        let raw_reading = select(set, Routing::Spec, sent, false);
        return match (raw_reading, own) {
            (Some(a), Some(b)) if std::ptr::eq(a, b) => own,
            _ => None,
        };
    }
    if routing == Routing::Workers {
        // The pathname, the path as sent and the pathname decoded must agree.
        let sent = raw.split(['?', '#']).next().unwrap_or("");
        let decoded = fastify_decode(&path)?;
        let readings = [
            select(set, Routing::Spec, sent, false),
            select(set, Routing::Spec, &decoded, false),
        ];
        let same = |a: Option<&Policy>| match (a, own) {
            (Some(a), Some(b)) => std::ptr::eq(a, b),
            (None, None) => true,
            _ => false,
        };
        return if readings.into_iter().all(same) {
            own
        } else {
            None
        };
    }
    if routing == Routing::Hono {
        // Both readings (Hono 4.0's and the later decoded one) must select the same policy.
        let decoded = fastify_decode(&path)?;
        let other = select(set, routing, &decoded, false);
        return match (own, other) {
            (Some(a), Some(b)) if std::ptr::eq(a, b) => own,
            _ => None,
        };
    }
    if matches!(routing, Routing::Nginx | Routing::Apache) && own.is_some() {
        let sent = raw.split(['?', '#']).next().unwrap_or("");
        let readings = [
            select(set, Routing::Spec, sent, false),
            select(set, Routing::Spec, sent, true),
            select(set, routing, &path, true),
        ];
        let same = |a: Option<&Policy>| match (a, own) {
            (Some(a), Some(b)) => std::ptr::eq(a, b),
            _ => false,
        };
        if !readings.into_iter().all(same) {
            return None;
        }
    }
    own
}

/// The most specific scope's policy for a path already in routing form; `fold`: comparing
/// ASCII case-insensitively.
fn select<'s>(set: &'s PolicySet, routing: Routing, path: &str, fold: bool) -> Option<&'s Policy> {
    let path = if fold {
        path.to_ascii_lowercase()
    } else {
        path.to_string()
    };
    set.policies
        .iter()
        .filter_map(|p| specificity(p, routing, &path, fold).map(|s| (s, p)))
        .max_by_key(|(s, _)| *s)
        .map(|(_, p)| p)
}

fn specificity(p: &Policy, routing: Routing, path: &str, fold: bool) -> Option<(u8, usize)> {
    if p.paths.is_empty() {
        return Some((0, 0));
    }
    p.paths
        .iter()
        .filter(|s| {
            if fold {
                let folded = match &s.node {
                    PathScope::Exact(x) => PathScope::Exact(x.to_ascii_lowercase()),
                    PathScope::Prefix(x) => PathScope::Prefix(x.to_ascii_lowercase()),
                };
                routing.matches(&folded, path)
            } else {
                routing.matches(&s.node, path)
            }
        })
        .map(|s| match &s.node {
            PathScope::Exact(x) => (1, routing.scope(x).len()),
            PathScope::Prefix(x) => (0, routing.scope(x).len()),
        })
        .max()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// Percent-decodes every escape; `None` when a `%` is not followed by two hex digits.
fn decode_strict(path: &str) -> Option<Vec<u8>> {
    decode_strict_keeping(path, &[])
}

/// Percent-decodes every escape except those of the bytes in `keep`, which stay as written;
/// `None` when a `%` is not followed by two hex digits.
fn decode_strict_keeping(path: &str, keep: &[u8]) -> Option<Vec<u8>> {
    let b = path.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hi = b.get(i + 1).copied().and_then(hex)?;
            let lo = b.get(i + 2).copied().and_then(hex)?;
            let v = hi * 16 + lo;
            if keep.contains(&v) {
                out.extend_from_slice(&b[i..i + 3]);
            } else {
                out.push(v);
            }
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

/// Percent-decodes the escapes there are (a stray `%` stays), invalid UTF-8 becoming U+FFFD:
/// Python's `urllib.parse.unquote` ([`requote`] protecting nothing).
fn decode_lossy(path: &str) -> String {
    requote(path, &[])
}

fn has_encoded_slash(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.contains("%2f")
}

/// Whether a path as sent is in the plain form, which Caddy's `path` matcher, Envoy's route
/// matching and an application's router all read as it is: `/`, or segments of lower-case
/// ASCII letters, digits and `-._~!$&'()*+,;=:@`, none empty (but a trailing `/`), `.` or
/// `..`. The Caddy and HAProxy targets' guard ([`PLAIN_FORM_REGEX`]) is this test as a regex.
#[must_use]
pub fn plain_form(path: &str) -> bool {
    let Some(rest) = path.strip_prefix('/') else {
        return false;
    };
    if rest.is_empty() {
        return true;
    }
    // One trailing `/` ends the last segment; what is left must hold a segment (`//` does not).
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    !rest.is_empty()
        && rest.split('/').all(|seg| {
            !seg.is_empty()
                && seg != "."
                && seg != ".."
                && seg.bytes().all(|b| {
                    b.is_ascii_lowercase()
                        || b.is_ascii_digit()
                        || b"-._~!$&'()*+,;=:@".contains(&b)
                })
        })
}

/// [`plain_form`] as an RE2 regex over Caddy's `{http.request.uri}` (the request target as
/// sent, query included): a segment holds a character other than `.`, or three dots or more.
pub const PLAIN_FORM_REGEX: &str = r"^/(?:(?:[a-z0-9\-_~!$&'()*+,;=:@.]*[a-z0-9\-_~!$&'()*+,;=:@][a-z0-9\-_~!$&'()*+,;=:@.]*|\.\.\.+)(?:/(?:[a-z0-9\-_~!$&'()*+,;=:@.]*[a-z0-9\-_~!$&'()*+,;=:@][a-z0-9\-_~!$&'()*+,;=:@.]*|\.\.\.+))*/?)?(?:\?|$)";
/// The paths [`plain_form`] refuses, as an RE2 regex over the whole path without its query
/// (how Envoy's `safe_regex` and Istio's `uri.regex` match): an empty one, one not starting
/// with `/`, or one holding a character outside the plain set (upper case, `%`, `\\`,
/// non-ASCII…), an empty segment, or a `.` or `..` segment. The Envoy and Istio targets send
/// such paths to a route without CORS; a unit test checks it against [`plain_form`] over
/// every short path.
pub const NOT_PLAIN_PATH: &str = r"|[^/].*|.*(?:[^a-z0-9\-._~!$&'()*+,;=:@/]|//|/\.\.?/|/\.\.?$).*";
/// `Rack::Utils.unescape_path`: each `%` followed by two hex digits decoded, anything else
/// as it is; `None` when the result holds NUL or is not UTF-8 (`Rack::Utils.valid_path?`).
fn rack_unescape(path: &str) -> Option<String> {
    let b = path.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let escaped = (b[i] == b'%')
            .then(|| Some(hex(*b.get(i + 1)?)? * 16 + hex(*b.get(i + 2)?)?))
            .flatten();
        if let Some(v) = escaped {
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    if out.contains(&0) {
        return None;
    }
    String::from_utf8(out).ok()
}

/// `Rack::Utils.clean_path_info`: empty and `.` segments dropped, `..` removing the one
/// before (nothing above the root), joined with `/`, and a leading `/` when the path had one.
/// Rack drops a trailing `/`; `keep_trailing` keeps it (for a scope's path).
fn rack_clean(path: &str, keep_trailing: bool) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    let mut clean: Vec<&str> = Vec::new();
    for part in &parts {
        match *part {
            "" | "." => {}
            ".." => {
                clean.pop();
            }
            p => clean.push(p),
        }
    }
    let mut out = clean.join("/");
    if parts.first().is_none_or(|p| p.is_empty()) {
        out.insert(0, '/');
    }
    if keep_trailing && path.ends_with('/') && !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// Runs of `/` become one.
fn merge_slashes(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if c == '/' && out.ends_with('/') {
            continue;
        }
        out.push(c);
    }
    out
}

/// Resolves `.` and `..` segments of an absolute path; `None` when `..` climbs above the root.
fn resolve_dots(path: &str) -> Option<String> {
    let mut segs: Vec<&str> = Vec::new();
    let parts: Vec<&str> = path.split('/').skip(1).collect();
    let n = parts.len();
    let mut trailing = false;
    for (i, s) in parts.iter().enumerate() {
        let last = i + 1 == n;
        match *s {
            "." => trailing = last,
            ".." => {
                segs.pop()?;
                trailing = last;
            }
            s => {
                segs.push(s);
                trailing = false;
            }
        }
    }
    let mut out = String::from("/");
    out.push_str(&segs.join("/"));
    if trailing && !out.ends_with('/') {
        out.push('/');
    }
    Some(out)
}

/// Go's `cleanPath`: `path.Clean`, keeping a trailing slash.
fn go_clean(p: &str) -> String {
    if p.is_empty() {
        return "/".to_string();
    }
    let p = if p.starts_with('/') {
        p.to_string()
    } else {
        format!("/{p}")
    };
    let mut segs: Vec<&str> = Vec::new();
    for s in p.split('/') {
        match s {
            "" | "." => {}
            ".." => {
                segs.pop();
            }
            s => segs.push(s),
        }
    }
    let mut np = format!("/{}", segs.join("/"));
    if p.ends_with('/') && np != "/" {
        np.push('/');
    }
    np
}

/// Go's `url.PathEscape`-like `escape(s, encodePath)`: unreserved bytes and `$&+,/:;=@`
/// stay, every other byte becomes `%XX` (upper-case hex).
fn go_escape_path(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"-_.~$&+,/:;=@".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Unescapes each `/`-separated segment on its own; a decoded `/` or `%` is written back as
/// `%2F` / `%25`, so it can never be read as a separator or an escape. `matrix`: a segment's
/// `;…` parameters are dropped first (Spring).
fn segments_unescaped(path: &str, matrix: bool) -> String {
    path.split('/')
        .map(|seg| {
            let seg = if matrix {
                seg.split(';').next().unwrap_or("")
            } else {
                seg
            };
            let d = decode_lossy(seg);
            d.replace('%', "%25").replace('/', "%2F")
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// actix-router's `Quoter::requote`: every valid escape is decoded except those of the
/// `protected` bytes, which stay as written; invalid UTF-8 becomes U+FFFD.
fn requote(path: &str, protected: &[u8]) -> String {
    let b = path.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if let (Some(hi), Some(lo)) = (
                b.get(i + 1).copied().and_then(hex),
                b.get(i + 2).copied().and_then(hex),
            ) {
                let v = hi * 16 + lo;
                if protected.contains(&v) {
                    out.extend_from_slice(&b[i..i + 3]);
                } else {
                    out.push(v);
                }
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The path of a URL as the WHATWG URL parser leaves it (what `@hono/node-server` hands Hono):
/// dot segments (`.`, `..`, and their `%2e` spellings) resolved, never above the root, a
/// final dot segment leaving a trailing `/`. `None` for a backslash, which the parser would
/// read as `/` and the newest `@hono/node-server` refuses with 400.
fn url_path(path: &str) -> Option<String> {
    if path.contains('\\') {
        return None;
    }
    let is_dot = |s: &str| s == "." || s.eq_ignore_ascii_case("%2e");
    let is_dots = |s: &str| {
        let l = s.to_ascii_lowercase();
        matches!(l.as_str(), ".." | ".%2e" | "%2e." | "%2e%2e")
    };
    let parts: Vec<&str> = path.split('/').skip(1).collect();
    let n = parts.len();
    let mut segs: Vec<&str> = Vec::new();
    let mut trailing = false;
    for (i, s) in parts.iter().enumerate() {
        let last = i + 1 == n;
        if is_dots(s) {
            segs.pop();
            trailing = last;
        } else if is_dot(s) {
            trailing = last;
        } else {
            segs.push(s);
            trailing = false;
        }
    }
    let mut out = String::from("/");
    out.push_str(&segs.join("/"));
    if trailing && !out.ends_with('/') {
        out.push('/');
    }
    Some(out)
}

/// Whether workerd's HTTP parser answers `400 invalid URI` to a request target holding this
/// path: a control or non-ASCII byte, a space or one of `"<>^\`{|}` (each a byte no URI
/// holds unescaped), before any Worker runs.
fn workerd_refuses(path: &str) -> bool {
    path.bytes()
        .any(|b| b <= 0x20 || b >= 0x7f || b"\"<>^`{|}".contains(&b))
}

/// find-my-way's `safeDecodeURI`: JavaScript's `decodeURI` (which keeps the escapes of
/// `; / ? : @ & = + $ , #` as written), with `%25` kept too; `None` where `decodeURI` throws
/// (a malformed escape or invalid UTF-8), which Fastify answers with 400.
fn fastify_decode(path: &str) -> Option<String> {
    const KEEP: &[u8] = b";/?:@&=+$,#%";
    if !path.contains('%') {
        return Some(path.to_string());
    }
    String::from_utf8(decode_strict_keeping(path, KEEP)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(m: Routing, p: &str) -> String {
        match m.route(p) {
            Routed::Path(p) => p,
            Routed::Refused => "<refused>".to_string(),
        }
    }

    #[test]
    fn each_model_routes_the_attack_paths_as_its_server_does() {
        use Routing::*;
        let p = "/api/%61dmin/x";
        assert_eq!(r(Spec, p), p);
        assert_eq!(r(TowerHttp, p), p);
        assert_eq!(r(Express, "/API/ADMIN/x"), "/api/admin/x");
        for m in [
            Nginx, Apache, Fastify, Starlette, Flask, Django, Go, Spring, Actix,
        ] {
            assert_eq!(r(m, p), "/api/admin/x", "{m:?}");
        }
        assert_eq!(r(Nginx, "/api//admin/./x/../y"), "/api/admin/y");
        assert_eq!(r(Nginx, "/api/%2e%2e/admin"), "/admin");
        assert_eq!(r(Nginx, "/api/admin%2Fx"), "/api/admin/x");
        assert_eq!(r(Apache, "/api/admin%2fx"), "<refused>");
        assert_eq!(r(Nginx, "/api/%zz"), "<refused>");
        assert_eq!(r(Nginx, "/.."), "<refused>");
        assert_eq!(r(Fastify, "/api/admin%2Fx"), "/api/admin%2Fx");
        assert_eq!(r(Fastify, "/api/%2561dmin"), "/api/%2561dmin");
        assert_eq!(r(Fastify, "/api/%zz"), "<refused>");
        assert_eq!(r(Starlette, "/api/admin%2Fx"), "/api/admin/x");
        assert_eq!(r(Starlette, "/api/%zz"), "/api/%zz");
        assert_eq!(r(Flask, "/api//admin/x"), "/api//admin/x");
        assert_eq!(r(Flask, "/api/%2561dmin/x"), "<refused>");
        assert_eq!(r(Go, "/api//admin/./x"), "/api/admin/x");
        assert_eq!(r(Go, "/api/x/../admin/"), "/api/admin/");
        assert_eq!(r(Go, "/api/admin%2Fx"), "<refused>");
        assert_eq!(r(Go, "/api/x/%2e%2e/admin"), "<refused>");
        assert_eq!(r(Go, "/api/%2561dmin"), "/api/%61dmin");
        assert_eq!(r(GoRouter, "/api/admin/x"), "/api/admin/x");
        assert_eq!(r(GoRouter, "/caf%C3%A9/x"), "/caf\u{e9}/x");
        assert_eq!(r(GoRouter, "/a!b(c)/x"), "/a!b(c)/x");
        // `%25` is how Go writes `%` itself: no RawPath, every router reads `/api/%61dmin`.
        assert_eq!(r(GoRouter, "/api/%2561dmin"), "/api/%61dmin");
        for refused in [
            "/api/%61dmin/x",
            "/api/admin%2Fx",
            "/api/admin%2fx",
            "/caf%c3%a9/x",
            "/api//admin/x",
            "/api/./admin/x",
            "/api/x/../admin/x",
            "/api/admin/..",
            "/api/x/%2e%2e/admin",
            "/api/%zz",
            "*",
        ] {
            assert_eq!(r(GoRouter, refused), "<refused>", "{refused}");
        }
        assert_eq!(r(Spring, "/api/admin;v=1/x"), "/api/admin/x");
        // Tomcat answers 400 to an encoded slash before Spring sees the request.
        assert_eq!(r(Spring, "/api/admin%2Fx"), "<refused>");
        assert_eq!(r(Spring, "/api/admin%2fx"), "<refused>");
        assert_eq!(r(Actix, "/api/admin%2fx"), "/api/admin%2fx");
        assert_eq!(r(Actix, "/api/%2561dmin"), "/api/%2561dmin");
    }

    #[test]
    fn path_variants_are_probed_under_a_routing_model_only() {
        use crate::eval::probe::{probes, Intent, ProbeOptions};
        let set = crate::eval::policy_set(
            "policy api {\n  paths \"/api/*\"\n  origins *\n}\npolicy admin {\n  paths \"/api/admin/*\", \"/health\"\n  origins \"https://admin.example\"\n  credentials true\n}\n",
        );
        let with = probes(
            &set,
            ProbeOptions {
                routing: Routing::Nginx,
                ..ProbeOptions::default()
            },
        );
        let paths: Vec<&str> = with
            .iter()
            .filter(|p| p.intent == Intent::PathVariant)
            .map(|p| p.request.path.as_str())
            .collect();
        for want in [
            "/api/%61dmin/corsc-probe",
            "/api/%2561dmin/corsc-probe",
            "/API/ADMIN/corsc-probe",
            "/api/ADMIN/corsc-probe",
            "/api//admin/corsc-probe",
            "/api/./admin/corsc-probe",
            "/api/corsc-x/../admin/corsc-probe",
            "/api/admin%2Fcorsc-probe",
            "/api/admin%2fcorsc-probe",
            "/api/admin",
            "/health/",
            "/HEALTH",
        ] {
            assert!(paths.contains(&want), "{want} missing from {paths:?}");
        }
        let without = probes(&set, ProbeOptions::default());
        assert!(without.iter().all(|p| p.intent != Intent::PathVariant));
    }

    #[test]
    fn a_scope_compares_in_the_same_form_as_the_request() {
        let set = crate::eval::policy_set(
            "policy api {\n  paths \"/api/*\"\n  origins *\n}\npolicy admin {\n  paths \"/api/admin/*\", \"/health\"\n  origins \"https://admin.example\"\n  credentials true\n}\n",
        );
        let name = |m: Routing, p: &str| policy_for(&set, m, p).map(|p| p.name.node.clone());
        assert_eq!(
            name(Routing::Spec, "/api/%61dmin/x").as_deref(),
            Some("api")
        );
        assert_eq!(
            name(Routing::Starlette, "/api/%61dmin/x").as_deref(),
            Some("admin")
        );
        assert_eq!(
            name(Routing::Express, "/API/Admin/x").as_deref(),
            Some("admin")
        );
        assert_eq!(name(Routing::Express, "/health/").as_deref(), Some("admin"));
        assert_eq!(name(Routing::Spec, "/health/"), None);
        assert_eq!(name(Routing::Apache, "/api/admin%2Fx"), None);
        assert_eq!(
            name(Routing::Spring, "/api/admin").as_deref(),
            Some("admin")
        );
        assert_eq!(name(Routing::Spec, "/api/admin").as_deref(), Some("api"));
    }

    #[test]
    fn workers_need_the_pathname_the_path_as_sent_and_the_decoded_pathname_to_agree() {
        let set = crate::eval::policy_set(
            "policy api {\n  paths \"/api/*\"\n  origins *\n}\npolicy admin {\n  paths \"/api/admin/*\", \"/health\"\n  origins \"https://admin.example\"\n  credentials true\n}\n",
        );
        let name = |p: &str| policy_for(&set, Routing::Workers, p).map(|p| p.name.node.clone());
        assert_eq!(name("/api/x").as_deref(), Some("api"));
        assert_eq!(name("/api/admin/x?q=1").as_deref(), Some("admin"));
        // As sent `api`, decoded `admin`: the origin may route on either.
        assert_eq!(name("/api/%61dmin/x"), None);
        // `%25` stays an escape in every reading.
        assert_eq!(name("/api/%2561dmin/x").as_deref(), Some("api"));
        // The URL parser resolves dot segments, but the origin gets them as sent.
        assert_eq!(name("/api/x/../admin/y"), None);
        assert_eq!(name("/api/x/%2E%2e/admin/y"), None);
        assert_eq!(name("/x/../health"), None);
        // A malformed escape: decodeURI throws, no policy.
        assert_eq!(name("/api/%zz"), None);
        // Case-sensitive, exact scopes strict, no bare prefix.
        assert_eq!(name("/health/"), None);
        assert_eq!(name("/API/admin/x"), None);
        assert_eq!(name("/api"), None);
        // The parser reads `\\` as `/`; workerd answers 400 to bytes no URI holds.
        assert_eq!(name("/api\\admin/x"), None);
        for bad in [
            "/api/a b",
            "/api/{x}",
            "/api/\u{e9}",
            "/api/a|b",
            "/api/a^b",
        ] {
            assert_eq!(Routing::Workers.route(bad), Routed::Refused, "{bad}");
        }
        // Scopes are compared as written.
        assert_eq!(Routing::Workers.scope("/api/./x/"), "/api/./x/");
    }

    #[test]
    fn hono_needs_both_readings_to_agree_and_resolves_dot_segments() {
        let set = crate::eval::policy_set(
            "policy api {\n  paths \"/api/*\"\n  origins *\n}\npolicy admin {\n  paths \"/api/admin/*\", \"/health\"\n  origins \"https://admin.example\"\n  credentials true\n}\n",
        );
        let name = |m: Routing, p: &str| policy_for(&set, m, p).map(|p| p.name.node.clone());
        // Hono 4.0 reads `/api/%61dmin/x` as written (api), later releases decoded (admin).
        assert_eq!(name(Routing::Hono, "/api/%61dmin/x"), None);
        // `%25` stays an escape in both readings.
        assert_eq!(
            name(Routing::Hono, "/api/%2561dmin/x").as_deref(),
            Some("api")
        );
        // The URL parser resolves dot segments, `%2e` ones too, before any reading.
        assert_eq!(
            name(Routing::Hono, "/api/x/../admin/y").as_deref(),
            Some("admin")
        );
        assert_eq!(
            name(Routing::Hono, "/api/x/%2E%2e/admin/y").as_deref(),
            Some("admin")
        );
        // A malformed escape: decodeURI throws, no policy.
        assert_eq!(name(Routing::Hono, "/api/%zz"), None);
        // Case-sensitive and strict; `/api/*` also covers the bare `/api`.
        assert_eq!(name(Routing::Hono, "/health/"), None);
        assert_eq!(name(Routing::Hono, "/API/admin/x"), None);
        assert_eq!(name(Routing::Hono, "/api").as_deref(), Some("api"));
        assert_eq!(name(Routing::Hono, "/a\\b"), None);
        // Koa reads as Express does.
        assert_eq!(name(Routing::Koa, "/API/Admin/x").as_deref(), Some("admin"));
        assert_eq!(name(Routing::Koa, "/health/").as_deref(), Some("admin"));
        assert_eq!(name(Routing::Koa, "/api/%61dmin/x").as_deref(), Some("api"));
    }
}
