//! ingress-nginx: one Kubernetes `Ingress` per policy, its scopes as paths, with every
//! `nginx.ingress.kubernetes.io/` CORS annotation written out.
//!
//! How the output works, and why (the controller's `internal/ingress/annotations/cors`, the
//! `CORS` block of its `nginx.tmpl`, as `corsc import --from ingress-nginx` reads them):
//!
//! - **Every annotation is explicit.** An annotation left out, or one whose value fails the
//!   controller's validation, takes its default: origin `*`, credentials `true`, six methods,
//!   nine request headers, max-age 20 days, all wider than most policies. So the methods list
//!   is never empty (`GET`, safelisted anyway, when the policy adds none), nor the request
//!   headers (`Cookie`, which no script can set, when the policy allows none), and a policy
//!   without `max-age` sends `-1`, which browsers ignore as they ignore a missing one (they
//!   cache the preflight 5 s either way).
//! - **Origins are listed exactly**: the controller matches them as `~* (…)$`, which for the
//!   origins a browser sends is the exact, lower-cased origin. Its `*.` wildcard is one DNS
//!   label, its `null` is unanchored at the start: subdomain and port patterns, regexes and
//!   `null` are refused, and so is an origin its validator drops (IPv6, other schemes).
//! - **Names are checked as the validators check them** (methods letters, headers letters,
//!   digits, `-`, `_`): anything else would be dropped for the default, so it is refused.
//!   `request-headers *` and `mirror` cannot be said.
//! - **A policy that allows no origin** is `enable-cors: "false"`.
//! - **Paths**: `Exact` is nginx's exact location, `Prefix` `/api/` is the location `/api/`
//!   (and `/`), a prefix without a trailing `/` is `ImplementationSpecific` (nginx's plain
//!   prefix). nginx picks the exact location, else the longest prefix, as the policy's most
//!   specific scope.
//! - **Not said by the controller**: `Vary: Origin` (never sent), removing an upstream's CORS
//!   headers, and private network access (refused).

use crate::emit::capability::{Capabilities, Lookup, Support};
use crate::emit::idents::{IdentScheme, Style};
use crate::emit::lang::k8s::{self, map, push, s};
use crate::emit::limits::Limit;
use crate::emit::meta::TargetMeta;
use crate::emit::output::Output;
use crate::emit::ownership::Layer;
use crate::emit::plan::{items, Allow, Origins, Plan, PolicyPlan, Scope};
use crate::emit::provenance::Provenance;
use crate::emit::target::Target;
use crate::emit::writer::Writer;
use yaml_serde::Value;

/// The ingress-nginx target.
pub struct IngressNginx;

static CAPS: Capabilities = Capabilities {
    min_version: "controller v1.2.0 (several origins in cors-allow-origin)",
    exact_lookup: Lookup::Linear,
    subdomain_patterns: Support::No,
    port_patterns: Support::No,
    regex: Support::No,
    header_mirroring: Support::No,
    private_network: Support::No,
    routing: crate::eval::Routing::Nginx,
    ..Capabilities::COMMON
};

static LIMITS: &[Limit] = &[Limit::PlainNames, Limit::HostnameOrigins, Limit::PlainPaths];

static IDENTS: IdentScheme = IdentScheme {
    style: Style::Snake,
    derived: &["{}"],
    reserved: &[],
    keywords: &[],
    fixed_code: &[],
};

/// The `ingress-nginx` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "ingress-nginx",
    aliases: &[],
    name: "ingress-nginx",
    doc_short: "Kubernetes Ingress objects with every ingress-nginx CORS annotation explicit, one per policy",
    layer: Layer::Proxy,
    capabilities: &CAPS,
    limits: LIMITS,
    idents: &IDENTS,
};

const PREFIX: &str = "nginx.ingress.kubernetes.io/";

impl Target for IngressNginx {
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
                "Use: kubectl apply -f this file, after replacing the backend `app:80` of each",
                "Ingress with your Service (and adding `host:` to the rules if you route by host).",
                "ingress-nginx never sends `Vary: Origin`: keep shared caches off these paths.",
                "It does not remove CORS headers the application sends (the annotations",
                "and the filter cannot): the application must send none.",
            ],
        );
        let docs: Vec<Value> = plan
            .policies
            .iter()
            .enumerate()
            .map(|(i, p)| ingress(plan, i, p))
            .collect();
        w.text(&k8s::documents(&docs));
        Output::one("ingress.yaml", "Kubernetes objects to apply", w.finish())
    }
}

fn ingress(plan: &Plan<'_>, index: usize, p: &PolicyPlan<'_>) -> Value {
    let ann = |k: &str| format!("{PREFIX}{k}");
    let mut a = yaml_serde::Mapping::new();
    let mut put = |k: &str, v: String| {
        a.insert(s(ann(k)), s(v));
    };
    let origins = match &p.origins {
        Origins::Any => Some("*".to_string()),
        Origins::List { exact, .. } if exact.is_empty() => None,
        Origins::List { exact, .. } => Some(exact.join(", ")),
    };
    match origins {
        None => put("enable-cors", "false".into()),
        Some(o) => {
            put("enable-cors", "true".into());
            put("cors-allow-origin", o);
            put("cors-allow-credentials", p.credentials.to_string());
            let methods = match &p.methods {
                Allow::Static(v) => v.clone(),
                _ => "GET".into(),
            };
            put("cors-allow-methods", methods);
            let headers = match &p.headers {
                Allow::Static(v) => v.clone(),
                _ => "Cookie".into(),
            };
            put("cors-allow-headers", headers);
            if let Some(e) = &p.expose {
                put(
                    "cors-expose-headers",
                    items(e).collect::<Vec<_>>().join(", "),
                );
            }
            put(
                "cors-max-age",
                p.max_age
                    .map_or_else(|| "-1".to_string(), |m| m.to_string()),
            );
        }
    }
    let paths: Vec<Value> = plan
        .locations
        .iter()
        .filter(|l| l.policy == index)
        .map(|l| {
            let (ty, path) = match &l.scope {
                Scope::Exact(x) => ("Exact", x.as_str()),
                Scope::Prefix(x) if x.ends_with('/') => ("Prefix", x.as_str()),
                Scope::Prefix(x) => ("ImplementationSpecific", x.as_str()),
            };
            map([
                ("path", s(path)),
                ("pathType", s(ty)),
                ("backend", map([("service", k8s::backend_service())])),
            ])
        })
        .collect();
    let mut metadata = map([("name", s(k8s::resource_name(&p.ident)))]);
    push(&mut metadata, "annotations", Value::Mapping(a));
    map([
        ("apiVersion", s("networking.k8s.io/v1")),
        ("kind", s("Ingress")),
        ("metadata", metadata),
        (
            "spec",
            map([
                ("ingressClassName", s("nginx")),
                (
                    "rules",
                    Value::Sequence(vec![map([(
                        "http",
                        map([("paths", Value::Sequence(paths))]),
                    )])]),
                ),
            ]),
        ),
    ])
}
