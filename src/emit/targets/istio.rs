//! Istio: a `VirtualService` (`networking.istio.io/v1`) with one HTTP route per path scope,
//! each with the policy as its `corsPolicy`. Istio hands `corsPolicy` to Envoy's CORS filter,
//! so Envoy's behaviour applies (see the `envoy` target): an allowed origin is echoed, an
//! `allowMethods` / `allowHeaders` of exactly `*` echoes the request, and the filter adds no
//! `Vary`.
//!
//! - **Origins**: `exact` matches only (`*` for `origins *`); subdomain and port patterns
//!   and `regex` are refused, as for Envoy (a regex cannot be kept from matching an `Origin`
//!   over 512 bytes).
//! - **Lists**: `request-headers *` only beside a listed `Authorization` (the echo covers
//!   it, `*` does not); `maxAge` is a duration of at least 1 ms, so `max-age 0` is refused;
//!   no private network access field.
//! - **Preflights** for a refused origin: `unmatchedPreflights: IGNORE` (Istio 1.23+) answers
//!   them without CORS headers instead of forwarding them to the application.
//! - **The application's own CORS headers** are removed (`headers.response.remove`) and
//!   `Vary: Origin` added on every route; routes are tried in order, most specific first, then
//!   a catch-all without CORS. `uri.prefix` is a plain string prefix, as the policy's is. A
//!   first route takes every path that is not plain and answers it without CORS, as the
//!   `envoy` target does (the same regex, the same routing model), and scope paths must be
//!   plain too.

use crate::emit::capability::{Capabilities, Lookup, Shape, Support};
use crate::emit::idents::{IdentScheme, Style};
use crate::emit::lang::k8s::{self, list, map, push, s};
use crate::emit::limits::Limit;
use crate::emit::lists::CORS_RESPONSE_HEADERS;
use crate::emit::meta::TargetMeta;
use crate::emit::output::Output;
use crate::emit::ownership::Layer;
use crate::emit::plan::{items, Allow, Origins, Plan, PolicyPlan, Scope};
use crate::emit::provenance::Provenance;
use crate::emit::target::Target;
use crate::emit::writer::Writer;
use yaml_serde::Value;

/// The Istio target.
pub struct Istio;

static CAPS: Capabilities = Capabilities {
    min_version: "1.23 (corsPolicy.unmatchedPreflights)",
    exact_lookup: Lookup::Linear,
    subdomain_patterns: Support::No,
    port_patterns: Support::No,
    regex: Support::No,
    private_network: Support::No,
    routing: crate::eval::Routing::PlainPaths,
    shapes: &[Shape::Kubernetes],
    ..Capabilities::COMMON
};

static LIMITS: &[Limit] = &[
    Limit::WildcardHeadersEchoAll,
    Limit::PlainScopePaths,
    Limit::MaxAgeZeroOmitted,
];

static IDENTS: IdentScheme = IdentScheme {
    style: Style::Snake,
    derived: &["{}"],
    reserved: &[],
    keywords: &[],
    fixed_code: &[],
};

/// The `istio` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "istio",
    aliases: &["virtualservice"],
    name: "Istio (VirtualService corsPolicy)",
    doc_short: "an Istio VirtualService: an HTTP route per scope with its corsPolicy",
    layer: Layer::Proxy,
    capabilities: &CAPS,
    limits: LIMITS,
    idents: &IDENTS,
};

impl Target for Istio {
    fn meta(&self) -> &'static TargetMeta {
        &META
    }

    fn render(&self, plan: &Plan<'_>, provenance: &Provenance) -> Output {
        let mut http = vec![route(
            "not-plain",
            map([("regex", s(crate::eval::NOT_PLAIN_PATH))]),
        )];
        // Most specific first: Istio takes the first route that matches.
        for l in plan.locations.iter().rev() {
            let p = &plan.policies[l.policy];
            let uri = match &l.scope {
                Scope::Exact(x) => map([("exact", s(x.clone()))]),
                Scope::Prefix(x) => map([("prefix", s(x.clone()))]),
            };
            let mut r = route(&k8s::resource_name(&p.ident), uri);
            push(&mut r, "corsPolicy", cors_policy(p));
            http.push(r);
        }
        if !plan.covers_root {
            http.push(route("no-cors", map([("prefix", s("/"))])));
        }
        let vs = map([
            ("apiVersion", s("networking.istio.io/v1")),
            ("kind", s("VirtualService")),
            ("metadata", map([("name", s("corsc-cors"))])),
            (
                "spec",
                map([("hosts", list(["app"])), ("http", Value::Sequence(http))]),
            ),
        ]);
        let mut w = Writer::new();
        w.provenance(provenance, &META, plan.options.shape, "");
        w.comment("");
        w.comment(
            "Use: kubectl apply -f this file, after replacing the host `app` (in `hosts` and",
        );
        w.comment("in each route's destination) with your service. Every route removes the");
        w.comment("application's CORS headers and adds `Vary: Origin`.");
        w.text(&k8s::documents(&[vs]));
        Output::one(
            "istio-virtualservice.yaml",
            "Kubernetes objects to apply",
            w.finish(),
        )
    }
}

/// An HTTP route to the service `app` that removes the application's CORS headers and adds
/// `Vary: Origin`.
fn route(name: &str, uri: Value) -> Value {
    map([
        ("name", s(name)),
        ("match", Value::Sequence(vec![map([("uri", uri)])])),
        (
            "route",
            Value::Sequence(vec![map([("destination", map([("host", s("app"))]))])]),
        ),
        (
            "headers",
            map([(
                "response",
                map([
                    ("remove", list(CORS_RESPONSE_HEADERS.iter().copied())),
                    ("add", map([("Vary", s("Origin"))])),
                ]),
            )]),
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
    let mut c = map([("allowOrigins", Value::Sequence(origins))]);
    if let Some(m) = list_of(&p.methods) {
        push(&mut c, "allowMethods", m);
    }
    if let Some(h) = list_of(&p.headers) {
        push(&mut c, "allowHeaders", h);
    }
    if let Some(e) = &p.expose {
        push(&mut c, "exposeHeaders", list(items(e)));
    }
    if let Some(n) = p.max_age {
        push(&mut c, "maxAge", s(format!("{n}s")));
    }
    if p.credentials {
        push(&mut c, "allowCredentials", Value::Bool(true));
    }
    push(&mut c, "unmatchedPreflights", s("IGNORE"));
    c
}

/// `allowMethods` / `allowHeaders`: the plan's items, and `["*"]` where the plan echoes
/// (Envoy echoes for a value of exactly `*`, which Istio writes for `["*"]`).
fn list_of(a: &Allow) -> Option<Value> {
    match a {
        Allow::Omit => None,
        Allow::Static(v) => Some(list(items(v))),
        Allow::Mirror | Allow::MirrorUnlessAuthorization => Some(list(["*"])),
    }
}
