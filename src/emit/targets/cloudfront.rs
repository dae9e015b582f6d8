//! Amazon CloudFront: a response headers policy (`AWS::CloudFront::ResponseHeadersPolicy`,
//! CloudFormation) whose `CorsConfig` says the policy, to attach to the cache behaviors of a
//! distribution.
//!
//! What CloudFront does with it (CloudFront Developer Guide, "Understand response headers
//! policies"; the resource's schema as cfn-lint ships it), and what the plan refuses so the
//! answer never grants more than the policy:
//!
//! - **Where.** A response headers policy applies to every path of the cache behaviors it is
//!   attached to; CloudFront's `PathPattern` (case-sensitive, `*` and `?` wildcards) is not
//!   the policy's scope syntax, so path scopes are refused and a file holds one policy. Attach
//!   it to the behaviors that serve the policy's paths.
//! - **Origins.** `Items` are exact origins or `*`; CloudFront reads a `*` inside an item as a
//!   wildcard over labels whose alphabet it does not document, so subdomain and port patterns,
//!   `regex` and `null` are refused. An exact origin never holds `*`.
//! - **Methods.** Only `GET`, `DELETE`, `HEAD`, `OPTIONS`, `PATCH`, `POST`, `PUT` (and `ALL`,
//!   which is not the policy's `methods *`: that is refused).
//! - **Request headers.** Listed names only: CloudFront's `*` and the policy's `*` differ
//!   around `Authorization`, and nothing echoes. The list must hold one item: a policy that
//!   allows no request header gets `Keep-Alive`, a forbidden request header name (script can
//!   never set it, so allowing it grants nothing).
//! - **Credentials, exposed headers, max-age** map one to one (`expose-headers *` refused).
//! - **The origin behind it.** `OriginOverride: true` makes CloudFront's headers replace the
//!   origin's where it sends them; where it sends none (an origin not allowed), a CORS header
//!   the application sent would pass through, so the application must send none (the file
//!   says so). CloudFront does not add `Vary: Origin`; it adds the headers per request, after
//!   its cache, so its cache never serves one origin's grant to another.

use crate::emit::capability::{Capabilities, Lookup, Shape, Support};
use crate::emit::idents::IdentScheme;
use crate::emit::lang::k8s::{self, list, map, push, s};
use crate::emit::limits::Limit;
use crate::emit::lists::with_safelisted;
use crate::emit::meta::TargetMeta;
use crate::emit::output::Output;
use crate::emit::ownership::Layer;
use crate::emit::plan::{items, Allow, Origins, Plan, PolicyPlan};
use crate::emit::provenance::Provenance;
use crate::emit::target::Target;
use crate::emit::writer::Writer;
use yaml_serde::Value;

/// The CloudFront target.
pub struct Cloudfront;

/// The methods a response headers policy can list (besides `ALL`).
const METHODS: &[&str] = &["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];

/// What `AccessControlAllowHeaders` holds when the policy allows no request header: the list
/// may not be empty, and a forbidden request header name is one no script can send.
const NO_HEADER: &str = "Keep-Alive";

static CAPS: Capabilities = Capabilities {
    min_version: "response headers policies (2021-11)",
    exact_lookup: Lookup::Linear,
    subdomain_patterns: Support::No,
    port_patterns: Support::No,
    regex: Support::No,
    header_mirroring: Support::No,
    private_network: Support::No,
    path_scoping: Support::No,
    routing: crate::eval::Routing::Spec,
    shapes: &[Shape::Cloudformation],
    ..Capabilities::COMMON
};

static LIMITS: &[Limit] = &[
    Limit::OnePolicy,
    Limit::MethodsAmong(METHODS),
    Limit::NoHeaderWildcard,
    Limit::NoExposeWildcard,
    Limit::HostnameOrigins,
];

/// The `cloudfront` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "cloudfront",
    aliases: &[],
    name: "Amazon CloudFront response headers policy",
    doc_short: "a CloudFormation `AWS::CloudFront::ResponseHeadersPolicy` with the CORS config (one policy, every path of the behaviors it is attached to)",
    layer: Layer::Proxy,
    capabilities: &CAPS,
    limits: LIMITS,
    idents: &IdentScheme::NONE,
};

impl Target for Cloudfront {
    fn meta(&self) -> &'static TargetMeta {
        &META
    }

    fn render(&self, plan: &Plan<'_>, provenance: &Provenance) -> Output {
        let mut resources = yaml_serde::Mapping::new();
        for (i, p) in plan.policies.iter().enumerate() {
            let logical = if i == 0 {
                "CorsResponseHeadersPolicy".to_string()
            } else {
                format!("CorsResponseHeadersPolicy{i}")
            };
            resources.insert(s(logical), resource(p));
        }
        let template = map([
            ("AWSTemplateFormatVersion", s("2010-09-09")),
            ("Resources", Value::Mapping(resources)),
            (
                "Outputs",
                map([(
                    "CorsResponseHeadersPolicyId",
                    map([("Value", map([("Ref", s("CorsResponseHeadersPolicy"))]))]),
                )]),
            ),
        ]);
        let mut w = Writer::new();
        w.provenance(provenance, &META, Shape::Cloudformation, "");
        w.comment("");
        w.comment("Use: deploy, then set the cache behaviors that serve the policy's paths to");
        w.comment(
            "`ResponseHeadersPolicyId: <the CorsResponseHeadersPolicyId output>` (and let them",
        );
        w.comment("forward OPTIONS). The application behind CloudFront must send no CORS headers:");
        w.comment("CloudFront replaces them only where it answers CORS itself.");
        // Serializing a tree of strings, numbers, lists and mappings cannot fail.
        w.text(&yaml_serde::to_string(&template).unwrap_or_default());
        Output::one(
            "cloudfront-cors.cfn.yaml",
            "aws cloudformation deploy --template-file cloudfront-cors.cfn.yaml --stack-name STACK",
            w.finish(),
        )
    }
}

fn resource(p: &PolicyPlan<'_>) -> Value {
    let origins: Vec<&str> = match &p.origins {
        Origins::Any => vec!["*"],
        Origins::List { exact, .. } => exact.iter().map(String::as_str).collect(),
    };
    let mut methods = with_safelisted(&p.methods);
    methods.sort_unstable();
    let headers: Vec<&str> = match &p.headers {
        Allow::Static(h) => items(h).collect(),
        // Refused by the plan (no `*`, no mirroring): nothing is allowed.
        Allow::Omit | Allow::Mirror | Allow::MirrorUnlessAuthorization => vec![NO_HEADER],
    };
    let mut cors = map([
        ("AccessControlAllowOrigins", map([("Items", list(origins))])),
        ("AccessControlAllowMethods", map([("Items", list(methods))])),
        ("AccessControlAllowHeaders", map([("Items", list(headers))])),
        ("AccessControlAllowCredentials", Value::Bool(p.credentials)),
        ("OriginOverride", Value::Bool(true)),
    ]);
    if let Some(e) = &p.expose {
        push(
            &mut cors,
            "AccessControlExposeHeaders",
            map([("Items", list(items(e)))]),
        );
    }
    if let Some(n) = p.max_age {
        push(&mut cors, "AccessControlMaxAgeSec", Value::Number(n.into()));
    }
    let name = k8s::resource_name(&p.ident);
    map([
        ("Type", s("AWS::CloudFront::ResponseHeadersPolicy")),
        (
            "Properties",
            map([(
                "ResponseHeadersPolicyConfig",
                map([
                    ("Name", s(name)),
                    ("Comment", s(comment(p.name))),
                    ("CorsConfig", cors),
                ]),
            )]),
        ),
    ])
}

/// The policy's name as a comment CloudFront accepts (at most 128 characters).
fn comment(name: &str) -> String {
    format!("corsc policy {name}").chars().take(128).collect()
}
