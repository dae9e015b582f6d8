//! Traefik v3: a `headers` middleware per policy, as the file provider's dynamic configuration
//! (`include`, the default) or as `Middleware` custom resources (`kubernetes`), to attach to the
//! routers that serve the policy.
//!
//! What the middleware does (`pkg/middlewares/headers/header.go` of Traefik v3.7), and what
//! the output and the plan do about it:
//!
//! - **Preflights** (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) are answered
//!   by Traefik with 200 and never reach the service; `Access-Control-Allow-Origin` only for
//!   an allowed origin (the `Allow-*` lists go out either way, which without it grant nothing).
//! - **Origins.** `accessControlAllowOriginList` compares the whole `Origin` byte for byte
//!   (exact origins; `*` only without credentials: with them Traefik would echo any origin).
//!   Subdomain and port patterns and `regex` origins are refused: Traefik's
//!   `accessControlAllowOriginListRegex` is a list of RE2 regexps any of which admits an
//!   origin, with no way to refuse an `Origin` over 512 bytes beside it (every corsc target
//!   refuses one before its patterns; RE2 has no lookahead to bound a pattern's length), so a
//!   pattern would admit origins the policy refuses.
//! - **Wildcards with credentials.** Traefik echoes the requested method or headers for a `*`
//!   list when credentials are allowed, so `methods *`, `request-headers *` and `mirror` are
//!   written only where that echo is what the policy says, and refused otherwise
//!   (`header_mirroring`); `expose-headers *` with credentials is refused (Traefik then sends
//!   none).
//! - **The service's own CORS headers** are removed (`customResponseHeaders` with empty values
//!   run before the CORS headers are set), so the middleware owns CORS as a proxy does;
//!   `Vary: Origin` is appended (`addVaryHeader`), never replacing the service's `Vary`.
//! - **Where.** A middleware applies to every path of the routers it is attached to; Traefik's
//!   rule language is not the policy's scope syntax, so path scopes are refused and a file
//!   holds one policy. Attach it to the routers that serve the policy's paths.

use crate::emit::capability::{Capabilities, Lookup, Shape, Support};
use crate::emit::idents::{IdentScheme, Style};
use crate::emit::lang::k8s::{self, list, map, push, s};
use crate::emit::limits::Limit;
use crate::emit::lists::CORS_RESPONSE_HEADERS;
use crate::emit::meta::TargetMeta;
use crate::emit::output::Output;
use crate::emit::ownership::Layer;
use crate::emit::plan::{items, Allow, Origins, Plan, PolicyPlan};
use crate::emit::provenance::Provenance;
use crate::emit::target::Target;
use crate::emit::writer::Writer;
use yaml_serde::Value;

/// The Traefik target.
pub struct Traefik;

static CAPS: Capabilities = Capabilities {
    min_version: "v3.0",
    exact_lookup: Lookup::Linear,
    subdomain_patterns: Support::No,
    port_patterns: Support::No,
    regex: Support::No,
    header_mirroring: Support::No,
    private_network: Support::No,
    path_scoping: Support::No,
    routing: crate::eval::Routing::Spec,
    shapes: &[Shape::Include, Shape::Kubernetes],
    ..Capabilities::COMMON
};

static LIMITS: &[Limit] = &[Limit::OnePolicy];

static IDENTS: IdentScheme = IdentScheme {
    style: Style::Snake,
    derived: &["{}"],
    reserved: &[],
    keywords: &[],
    fixed_code: &[],
};

/// The `traefik` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "traefik",
    aliases: &[],
    name: "Traefik (headers middleware)",
    doc_short: "a Traefik v3 `headers` middleware: file-provider YAML, or a `Middleware` resource (--shape kubernetes)",
    layer: Layer::Proxy,
    capabilities: &CAPS,
    limits: LIMITS,
    idents: &IDENTS,
};

impl Target for Traefik {
    fn meta(&self) -> &'static TargetMeta {
        &META
    }

    fn render(&self, plan: &Plan<'_>, provenance: &Provenance) -> Output {
        let kubernetes = plan.options.shape == Shape::Kubernetes;
        let mut w = Writer::new();
        w.provenance(provenance, &META, plan.options.shape, "");
        w.comment("");
        if kubernetes {
            w.comment("Use: kubectl apply -f this file, then list the middleware in the");
            w.comment("`middlewares` of the IngressRoutes (or the router annotation) serving the");
            w.comment("policy's paths.");
        } else {
            w.comment(
                "Use: put this file in the directory of Traefik's file provider (or merge its",
            );
            w.comment("`http.middlewares`), then add the middleware to the routers serving the");
            w.comment("policy's paths: `middlewares: [NAME@file]`.");
        }
        w.comment("It removes the CORS headers the service sends and answers preflights itself.");
        let text = if kubernetes {
            let docs: Vec<Value> = plan
                .policies
                .iter()
                .map(|p| {
                    map([
                        ("apiVersion", s("traefik.io/v1alpha1")),
                        ("kind", s("Middleware")),
                        ("metadata", map([("name", s(name(p)))])),
                        ("spec", map([("headers", headers(p))])),
                    ])
                })
                .collect();
            k8s::documents(&docs)
        } else {
            let mut middlewares = yaml_serde::Mapping::new();
            for p in &plan.policies {
                middlewares.insert(s(name(p)), map([("headers", headers(p))]));
            }
            let doc = map([("http", map([("middlewares", Value::Mapping(middlewares))]))]);
            // Serializing a tree of strings, numbers, lists and mappings cannot fail.
            yaml_serde::to_string(&doc).unwrap_or_default()
        };
        w.text(&text);
        if kubernetes {
            Output::one(
                "traefik-middleware.yaml",
                "Kubernetes objects to apply",
                w.finish(),
            )
        } else {
            Output::one(
                "traefik-cors.yaml",
                "a file of Traefik's file provider (dynamic configuration)",
                w.finish(),
            )
        }
    }
}

/// The middleware's name: a DNS-1123 name (what a `Middleware` resource needs), distinct per
/// policy, and a key the file provider takes as it is.
fn name(p: &PolicyPlan<'_>) -> String {
    k8s::resource_name(&p.ident)
}

fn headers(p: &PolicyPlan<'_>) -> Value {
    let mut h = map([]);
    match &p.origins {
        Origins::Any => push(&mut h, "accessControlAllowOriginList", list(["*"])),
        // The plan admits no pattern or regex here: exact origins only.
        Origins::List { exact, .. } => {
            if !exact.is_empty() {
                push(
                    &mut h,
                    "accessControlAllowOriginList",
                    list(exact.iter().map(String::as_str)),
                );
            }
        }
    }
    if let Allow::Static(m) = &p.methods {
        push(&mut h, "accessControlAllowMethods", list(items(m)));
    }
    if let Allow::Static(x) = &p.headers {
        push(&mut h, "accessControlAllowHeaders", list(items(x)));
    }
    if let Some(e) = &p.expose {
        push(&mut h, "accessControlExposeHeaders", list(items(e)));
    }
    if p.credentials {
        push(&mut h, "accessControlAllowCredentials", Value::Bool(true));
    }
    if let Some(n) = p.max_age {
        push(&mut h, "accessControlMaxAge", Value::Number(n.into()));
    }
    push(&mut h, "addVaryHeader", Value::Bool(true));
    let mut strip = yaml_serde::Mapping::new();
    for name in CORS_RESPONSE_HEADERS {
        strip.insert(s(*name), s(""));
    }
    push(&mut h, "customResponseHeaders", Value::Mapping(strip));
    h
}
