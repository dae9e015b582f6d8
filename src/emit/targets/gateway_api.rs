//! Kubernetes Gateway API: one `HTTPRoute` per policy, a rule per scope carrying the `CORS`
//! filter (`HTTPCORSFilter`, Standard channel since v1.5).
//!
//! How the output works, and why (the `HTTPRoute` CRD of gateway-api v1.7.0, its field
//! descriptions and validation):
//!
//! - **Origins are listed exactly** in `allowOrigins` (`http`/`https`, a host name or IPv4,
//!   an optional port: the CRD's pattern). Its `*.` wildcard is "a greedy match to the left"
//!   over any characters an implementation accepts, wider than the policy's `[a-z0-9-]` labels,
//!   so subdomain patterns are refused, and so are port patterns, regexes and `null`.
//!   `origins *` without credentials is `["*"]`.
//! - **Methods** are an enum of the nine standard ones (and `*`, only without credentials:
//!   with them, what the gateway answers is left to it). **`request-headers *`** and `mirror`
//!   are refused: implementations may echo every requested header, `authorization` included.
//!   At most 64 origins or headers a list (`maxItems`), 8 scopes a policy (16 rules a route).
//! - **`maxAge`** has a minimum of 1 and defaults to 5, the browsers' default: a policy
//!   without `max-age` leaves it out, `max-age 0` is refused.
//! - **Paths**: `PathPrefix` matches whole segments and ignores a trailing `/` (`/api/` also
//!   matches `/api`), so a prefix scope must end with `/`, and each prefix `/x/` gets an
//!   `Exact` `/x` rule beside it carrying the filter of the scope the policy gives `/x` (none
//!   when no scope covers it). Gateway API picks an `Exact` match first, then the longest
//!   prefix, as the policy's most specific scope. Paths are plain (no `%`, `//`, dot segments),
//!   which implementations would normalize each its own way.
//! - **Not said**: `Vary: Origin` and removing an upstream's CORS headers are left to the
//!   implementation; private network access is refused.

use crate::emit::capability::{Capabilities, Lookup, Support};
use crate::emit::idents::{IdentScheme, Style};
use crate::emit::lang::k8s::{self, list, map, push, s};
use crate::emit::limits::Limit;
use crate::emit::meta::TargetMeta;
use crate::emit::output::Output;
use crate::emit::ownership::Layer;
use crate::emit::plan::{items, Allow, Location, Origins, Plan, PolicyPlan, Scope};
use crate::emit::provenance::Provenance;
use crate::emit::target::Target;
use crate::emit::writer::Writer;
use yaml_serde::Value;

/// The Gateway API target.
pub struct GatewayApi;

static CAPS: Capabilities = Capabilities {
    min_version: "v1.5.0 (HTTPRoute CORS filter in the Standard channel)",
    exact_lookup: Lookup::Linear,
    subdomain_patterns: Support::No,
    port_patterns: Support::No,
    regex: Support::No,
    header_mirroring: Support::No,
    private_network: Support::No,
    routing: crate::eval::Routing::Nginx,
    ..Capabilities::COMMON
};

/// The methods `allowMethods` accepts besides `*`.
const METHODS: &[&str] = &[
    "CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE",
];

static LIMITS: &[Limit] = &[
    Limit::MethodsFrom(METHODS),
    Limit::NoHeaderWildcard,
    Limit::HostnameOrigins,
    Limit::MaxItems(64),
    Limit::PlainPaths,
    Limit::MaxScopes(8),
    Limit::SegmentPrefixScopes,
    Limit::MaxAgeZeroOmitted,
];

static IDENTS: IdentScheme = IdentScheme {
    style: Style::Snake,
    derived: &["{}"],
    reserved: &[],
    keywords: &[],
    fixed_code: &[],
};

/// The `gateway-api` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "gateway-api",
    aliases: &["httproute"],
    name: "Gateway API (HTTPRoute CORS filter)",
    doc_short:
        "Kubernetes Gateway API HTTPRoutes with the CORS filter, one per policy, a rule per scope",
    layer: Layer::Proxy,
    capabilities: &CAPS,
    limits: LIMITS,
    idents: &IDENTS,
};

impl Target for GatewayApi {
    fn meta(&self) -> &'static TargetMeta {
        &META
    }

    fn render(&self, plan: &Plan<'_>, provenance: &Provenance) -> Output {
        let mut w = Writer::new();
        w.module_header(
            "#",
            provenance,
            &META,
            [
                "",
                "Use: kubectl apply -f this file, after replacing the parent Gateway `gateway`",
                "and the backend `app:80` of each HTTPRoute with your own (and adding",
                "`hostnames` if you route by host).",
                "It does not remove CORS headers the application sends (the annotations",
                "and the filter cannot): the application must send none.",
            ],
        );
        let docs: Vec<Value> = plan
            .policies
            .iter()
            .enumerate()
            .map(|(i, p)| route(plan, i, p))
            .collect();
        w.text(&k8s::documents(&docs));
        Output::one("httproute.yaml", "Kubernetes objects to apply", w.finish())
    }
}

/// The policy whose scope the policy set gives `path` (the most specific one), if any.
fn policy_at(locations: &[Location], path: &str) -> Option<usize> {
    locations
        .iter()
        .rev()
        .find(|l| match &l.scope {
            Scope::Exact(x) => x == path,
            Scope::Prefix(x) => path.starts_with(x.as_str()),
        })
        .map(|l| l.policy)
}

fn route(plan: &Plan<'_>, index: usize, p: &PolicyPlan<'_>) -> Value {
    let mut rules = Vec::new();
    for l in plan.locations.iter().filter(|l| l.policy == index) {
        let (ty, path) = match &l.scope {
            Scope::Exact(x) => ("Exact", x.as_str()),
            Scope::Prefix(x) => ("PathPrefix", x.as_str()),
        };
        rules.push(rule(ty, path, Some(p)));
        // `PathPrefix` `/x/` also matches `/x`: that path keeps the policy the set gives it.
        if let Scope::Prefix(x) = &l.scope {
            let bare = x.trim_end_matches('/');
            if !bare.is_empty()
                && !plan
                    .locations
                    .iter()
                    .any(|o| o.scope == Scope::Exact(bare.to_string()))
            {
                let owner = policy_at(&plan.locations, bare).map(|i| &plan.policies[i]);
                rules.push(rule("Exact", bare, owner));
            }
        }
    }
    map([
        ("apiVersion", s("gateway.networking.k8s.io/v1")),
        ("kind", s("HTTPRoute")),
        ("metadata", map([("name", s(k8s::resource_name(&p.ident)))])),
        (
            "spec",
            map([
                (
                    "parentRefs",
                    Value::Sequence(vec![map([("name", s("gateway"))])]),
                ),
                ("rules", Value::Sequence(rules)),
            ]),
        ),
    ])
}

fn rule(ty: &str, path: &str, policy: Option<&PolicyPlan<'_>>) -> Value {
    let mut r = map([(
        "matches",
        Value::Sequence(vec![map([(
            "path",
            map([("type", s(ty)), ("value", s(path))]),
        )])]),
    )]);
    if let Some(f) = policy.and_then(cors) {
        push(
            &mut r,
            "filters",
            Value::Sequence(vec![map([("type", s("CORS")), ("cors", f)])]),
        );
    }
    push(
        &mut r,
        "backendRefs",
        Value::Sequence(vec![k8s::backend_service_ref()]),
    );
    r
}

/// The `cors` filter of a policy; none when it allows no origin.
fn cors(p: &PolicyPlan<'_>) -> Option<Value> {
    let origins = match &p.origins {
        Origins::Any => list(["*"]),
        Origins::List { exact, .. } if exact.is_empty() => return None,
        Origins::List { exact, .. } => list(exact.iter().map(String::as_str)),
    };
    let mut f = map([("allowOrigins", origins)]);
    if p.credentials {
        push(&mut f, "allowCredentials", Value::Bool(true));
    }
    if let Allow::Static(m) = &p.methods {
        push(&mut f, "allowMethods", list(items(m)));
    }
    if let Allow::Static(h) = &p.headers {
        push(&mut f, "allowHeaders", list(items(h)));
    }
    if let Some(e) = &p.expose {
        push(&mut f, "exposeHeaders", list(items(e)));
    }
    if let Some(age) = p.max_age {
        push(&mut f, "maxAge", Value::Number(age.into()));
    }
    Some(f)
}
