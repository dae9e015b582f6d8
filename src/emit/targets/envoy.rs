//! Envoy: a `RouteConfiguration` (the `route_config` of an HTTP connection manager) with one
//! route per path scope, each carrying the CORS filter's per-route `CorsPolicy`
//! (`envoy.extensions.filters.http.cors.v3`), for an HCM whose `http_filters` list
//! `envoy.filters.http.cors` before the router.
//!
//! What the filter does (`source/extensions/filters/http/cors/cors_filter.cc`), and what the
//! output and the plan do about it:
//!
//! - **Origins.** `allow_origin_string_match` is a list of string matchers; an allowed origin
//!   is always echoed (never `*`, even for a matcher that takes any origin). Exact origins are
//!   `exact` matchers (case-sensitive); `origins *` is the one matcher `exact: "*"` (the filter
//!   asks each matcher about `*` first). Subdomain and port patterns and `regex` are refused:
//!   a `safe_regex` cannot be kept from matching an `Origin` over 512 bytes (every corsc target
//!   refuses one before its patterns; RE2 has no lookahead, and a length guard is over
//!   Envoy's regex program size limit).
//! - **Echoes.** `allow_methods` or `allow_headers` of exactly `*` echo the request's
//!   `Access-Control-Request-Method` / `-Headers`. That is the policy's `methods *` in every
//!   case and its `request-headers *` only beside a listed `Authorization` (which `*` never
//!   covers): `request-headers *` without it is refused; `*, authorization` is sent as it is.
//! - **Preflights** are answered by Envoy (200) when the origin is allowed; with
//!   `forward_not_matching_preflights: false` a refused one gets 200 without
//!   `Access-Control-Allow-Origin` instead of reaching the application.
//! - **The application's own CORS headers** are removed on every route
//!   (`response_headers_to_remove`, applied before the filter adds its own) and `Vary: Origin`
//!   is appended to every answer (the filter echoes the origin but adds no `Vary`).
//! - **Paths.** Envoy matches the path as sent (unless the connection manager normalizes
//!   it), the application behind it may decode, clean or lower-case it: a request whose path
//!   two readers could read as different paths would get the CORS of one path and be served
//!   as another. So the first route ([`NOT_PLAIN_PATH`](crate::eval::NOT_PLAIN_PATH)) takes every path that is not already
//!   plain (lower-case ASCII letters, digits and `-._~!$&'()*+,;=:@`, no empty, `.` or `..`
//!   segment) and answers it without CORS; then come the scopes, most specific first (`path`
//!   for an exact scope, `prefix` for a prefix scope: a plain string prefix, as the policy's
//!   is), then a catch-all without CORS. Scope paths must be plain too. This is the rule of
//!   the `Caddy` routing model, which `verify` and `simulate` use for this target.

use crate::emit::capability::{Capabilities, Lookup, Support};
use crate::emit::idents::{IdentScheme, Style};
use crate::emit::lang::k8s::{list, map, push, s};
use crate::emit::limits::Limit;
use crate::emit::lists::CORS_RESPONSE_HEADERS;
use crate::emit::meta::TargetMeta;
use crate::emit::output::Output;
use crate::emit::ownership::Layer;
use crate::emit::plan::{Allow, Origins, Plan, PolicyPlan, Scope};
use crate::emit::provenance::Provenance;
use crate::emit::target::Target;
use crate::emit::writer::Writer;
use yaml_serde::Value;

/// The Envoy target.
pub struct Envoy;

static CAPS: Capabilities = Capabilities {
    // The first release with the CORS filter's `forward_not_matching_preflights`.
    min_version: "v1.29",
    exact_lookup: Lookup::Linear,
    subdomain_patterns: Support::No,
    port_patterns: Support::No,
    regex: Support::No,
    routing: crate::eval::Routing::PlainPaths,
    ..Capabilities::COMMON
};

static LIMITS: &[Limit] = &[Limit::WildcardHeadersEchoAll, Limit::PlainScopePaths];

static IDENTS: IdentScheme = IdentScheme {
    style: Style::Snake,
    derived: &["{}"],
    // The output's own routes.
    reserved: &["not_plain", "no_cors"],
    keywords: &[],
    fixed_code: &[],
};

/// The `envoy` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "envoy",
    aliases: &[],
    name: "Envoy (CORS filter, per-route CorsPolicy)",
    doc_short:
        "an Envoy RouteConfiguration: a route per scope with the CORS filter's per-route policy",
    layer: Layer::Proxy,
    capabilities: &CAPS,
    limits: LIMITS,
    idents: &IDENTS,
};

/// The type URL of the per-route policy.
const CORS_POLICY: &str = "type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy";

impl Target for Envoy {
    fn meta(&self) -> &'static TargetMeta {
        &META
    }

    fn render(&self, plan: &Plan<'_>, provenance: &Provenance) -> Output {
        let mut routes = vec![route(
            "not_plain",
            "safe_regex",
            crate::eval::NOT_PLAIN_PATH,
        )];
        // Most specific first: Envoy takes the first route that matches.
        for l in plan.locations.iter().rev() {
            let p = &plan.policies[l.policy];
            let (kind, path) = match &l.scope {
                Scope::Exact(x) => ("path", x.as_str()),
                Scope::Prefix(x) => ("prefix", x.as_str()),
            };
            let mut r = route(&p.ident, kind, path);
            push(
                &mut r,
                "typed_per_filter_config",
                map([("envoy.filters.http.cors", cors_policy(p))]),
            );
            routes.push(r);
        }
        if !plan.covers_root {
            routes.push(route("no_cors", "prefix", "/"));
        }
        let config = map([
            ("name", s("corsc")),
            (
                "virtual_hosts",
                Value::Sequence(vec![map([
                    ("name", s("corsc")),
                    ("domains", list(["*"])),
                    ("routes", Value::Sequence(routes)),
                ])]),
            ),
        ]);
        let mut w = Writer::new();
        w.provenance(provenance, &META, plan.options.shape, "");
        w.comment("");
        w.comment("Use: the route_config of an HTTP connection manager whose http_filters list");
        w.comment(
            "`envoy.filters.http.cors` (typed_config: envoy.extensions.filters.http.cors.v3.Cors)",
        );
        w.comment("before `envoy.filters.http.router`; replace the cluster `app` with yours.");
        w.comment("Every route removes the application's CORS headers and appends `Vary: Origin`.");
        // Serializing a tree of strings, numbers, lists and mappings cannot fail.
        w.text(&yaml_serde::to_string(&config).unwrap_or_default());
        Output::one(
            "envoy-routes.yaml",
            "the route_config of an HTTP connection manager",
            w.finish(),
        )
    }
}

/// A route to the cluster `app` that removes the application's CORS headers and appends
/// `Vary: Origin`.
fn route(name: &str, kind: &str, path: &str) -> Value {
    map([
        ("name", s(name)),
        (
            "match",
            if kind == "safe_regex" {
                map([(kind, map([("regex", s(path))]))])
            } else {
                map([(kind, s(path))])
            },
        ),
        ("route", map([("cluster", s("app"))])),
        (
            "response_headers_to_remove",
            list(
                CORS_RESPONSE_HEADERS
                    .iter()
                    .map(|h| h.to_ascii_lowercase())
                    .collect::<Vec<_>>()
                    .iter()
                    .map(String::as_str),
            ),
        ),
        (
            "response_headers_to_add",
            Value::Sequence(vec![map([
                ("header", map([("key", s("vary")), ("value", s("Origin"))])),
                ("append_action", s("APPEND_IF_EXISTS_OR_ADD")),
            ])]),
        ),
    ])
}

fn cors_policy(p: &PolicyPlan<'_>) -> Value {
    let origins: Vec<Value> = match &p.origins {
        Origins::Any => vec![map([("exact", s("*"))])],
        // The plan admits no pattern or regex here: exact origins only.
        Origins::List { exact, .. } => exact
            .iter()
            .map(|o| map([("exact", s(o.clone()))]))
            .collect(),
    };
    let mut c = map([
        ("@type", s(CORS_POLICY)),
        ("allow_origin_string_match", Value::Sequence(origins)),
    ]);
    if let Some(m) = header_value(&p.methods) {
        push(&mut c, "allow_methods", s(m));
    }
    if let Some(h) = header_value(&p.headers) {
        push(&mut c, "allow_headers", s(h));
    }
    if let Some(e) = &p.expose {
        push(&mut c, "expose_headers", s(e.clone()));
    }
    if let Some(n) = p.max_age {
        push(&mut c, "max_age", s(n.to_string()));
    }
    if p.credentials {
        push(&mut c, "allow_credentials", Value::Bool(true));
    }
    if p.private_network {
        push(&mut c, "allow_private_network_access", Value::Bool(true));
    }
    push(
        &mut c,
        "forward_not_matching_preflights",
        Value::Bool(false),
    );
    c
}

/// What `allow_methods` / `allow_headers` hold: the plan's value, and `*` where the plan
/// echoes (Envoy echoes exactly for `*`). `MirrorUnlessAuthorization` never reaches here:
/// [`Limit::WildcardHeadersEchoAll`] refuses `request-headers *` without `Authorization`.
fn header_value(a: &Allow) -> Option<String> {
    match a {
        Allow::Omit => None,
        Allow::Static(v) => Some(v.clone()),
        Allow::Mirror | Allow::MirrorUnlessAuthorization => Some("*".into()),
    }
}
