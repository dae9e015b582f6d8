//! Amazon S3: the bucket CORS configuration `aws s3api put-bucket-cors --cors-configuration
//! file://cors.json` takes (`{"CORSRules": [...]}`), as one rule.
//!
//! What S3 does with a rule (Amazon S3 user guide, "Elements of a CORS configuration"; the
//! reading `--from s3` documents in `import::formats::s3`), and what the plan refuses so the
//! rule never grants more than the policy:
//!
//! - **Origins.** An origin may hold one `*`, which matches any characters, dots and every
//!   other byte an `Origin` can carry included: `https://*.example.com` also matches
//!   `https://a_b.example.com` and `https://a.b.example.com`, which the policy's subdomain
//!   pattern (labels of letters, digits and `-`) does not allow; `http://localhost:*` misses
//!   the default port. So subdomain and port patterns are refused, as are `regex` origins;
//!   exact origins are listed as they are, and `*` alone is written only for `origins *`.
//! - **Credentials.** S3 sends `Access-Control-Allow-Credentials: true` to every origin a
//!   rule lists by name: a policy with listed origins and no credentials is refused
//!   (the answer would grant credentialed reads it does not); `origins *` is answered with a
//!   literal `*` and no credentials, as the policy says.
//! - **Methods.** Only `GET`, `PUT`, `POST`, `DELETE` and `HEAD`; S3 checks the method of
//!   simple requests too, so `GET`, `HEAD` and `POST` are always listed (browsers never need
//!   them allowed).
//! - **Request headers.** `AllowedHeaders` are compared ignoring case and the allowed
//!   requested ones echoed; `*` echoes every requested header, `authorization` included, so
//!   `request-headers *` needs `Authorization` listed beside it; `mirror` is `*`. A header name
//!   holding `*` would be a wildcard in S3: refused.
//! - **Size.** S3 stores at most 64 KB of CORS configuration: a rule that could exceed it
//!   (about 1,500 origins of 20 characters) is refused before anything is written.
//! - **Bucket-wide.** No path scopes, one policy per bucket; no private-network header;
//!   `expose-headers *` is refused.
//!
//! Two shapes: `include` (the default), the JSON of `put-bucket-cors`, which carries no
//! comment (the provenance, source hash and corsc version, is the rule's `ID`), and
//! `cloudformation`, a template whose bucket carries the rule in CloudFormation's spelling.

use crate::emit::capability::{Capabilities, Lookup, Shape, Support, Syntax};
use crate::emit::idents::IdentScheme;
use crate::emit::lang::k8s::{list, map, push, s};
use crate::emit::limits::Limit;
use crate::emit::lists::{star_or_listed, with_safelisted};
use crate::emit::meta::TargetMeta;
use crate::emit::output::Output;
use crate::emit::ownership::Layer;
use crate::emit::plan::{items, Origins, Plan, PolicyPlan};
use crate::emit::provenance::Provenance;
use crate::emit::target::Target;
use crate::emit::writer::Writer;
use yaml_serde::Value;

/// The S3 target.
pub struct S3;

/// The methods S3 can allow.
const METHODS: &[&str] = &["DELETE", "GET", "HEAD", "POST", "PUT"];

static CAPS: Capabilities = Capabilities {
    min_version: "API 2006-03-01",
    exact_lookup: Lookup::Linear,
    subdomain_patterns: Support::No,
    port_patterns: Support::No,
    regex: Support::No,
    private_network: Support::No,
    path_scoping: Support::No,
    routing: crate::eval::Routing::Spec,
    shapes: &[Shape::Include, Shape::Cloudformation],
    syntax: Syntax {
        // A `*` in a header name would be a wildcard to S3.
        value_forbidden: &["*"],
        ..Syntax::LIBRARY_API
    },
    ..Capabilities::COMMON
};

static LIMITS: &[Limit] = &[
    Limit::OnePolicy,
    Limit::MethodsAmong(METHODS),
    Limit::ListedOriginsAlwaysCredentialed,
    Limit::WildcardHeadersEchoAll,
    Limit::NoExposeWildcard,
    Limit::MaxXmlBytes(64 * 1024),
];

/// The `s3` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "s3",
    aliases: &[],
    name: "Amazon S3 bucket CORS",
    doc_short:
        "the JSON of `aws s3api put-bucket-cors --cors-configuration` (one rule, bucket-wide)",
    layer: Layer::Proxy,
    capabilities: &CAPS,
    limits: LIMITS,
    idents: &IdentScheme::NONE,
};

/// S3 accepts rule IDs of at most 255 characters.
const MAX_ID: usize = 255;

impl Target for S3 {
    fn meta(&self) -> &'static TargetMeta {
        &META
    }

    fn render(&self, plan: &Plan<'_>, provenance: &Provenance) -> Output {
        let rules: Vec<Rule> = plan.policies.iter().map(|p| rule(p, provenance)).collect();
        match plan.options.shape {
            Shape::Cloudformation => cloudformation(&rules, provenance),
            _ => put_bucket_cors(&rules),
        }
    }
}

/// One CORS rule, before it is spelled the API's or CloudFormation's way.
struct Rule {
    id: String,
    origins: Vec<String>,
    methods: Vec<String>,
    headers: Vec<String>,
    expose: Vec<String>,
    max_age: Option<u64>,
}

fn rule(p: &PolicyPlan<'_>, provenance: &Provenance) -> Rule {
    let origins = match &p.origins {
        Origins::Any => vec!["*".to_string()],
        Origins::List { exact, .. } => exact.clone(),
    };
    let mut methods: Vec<String> = with_safelisted(&p.methods)
        .into_iter()
        .map(str::to_string)
        .collect();
    methods.sort_unstable();
    Rule {
        id: id(p.name, provenance),
        origins,
        methods,
        headers: star_or_listed(&p.headers)
            .into_iter()
            .map(str::to_string)
            .collect(),
        expose: p
            .expose
            .as_ref()
            .map(|e| items(e).map(str::to_string).collect())
            .unwrap_or_default(),
        max_age: p.max_age,
    }
}

/// The JSON `aws s3api put-bucket-cors --cors-configuration` reads (the API's spelling:
/// `ID`, `ExposeHeaders`, `MaxAgeSeconds`). JSON carries no comment: the provenance is the
/// rule's `ID`.
fn put_bucket_cors(rules: &[Rule]) -> Output {
    let rules: Vec<serde_json::Value> = rules
        .iter()
        .map(|r| {
            let mut m = serde_json::Map::new();
            m.insert("ID".into(), r.id.clone().into());
            m.insert("AllowedOrigins".into(), r.origins.clone().into());
            m.insert("AllowedMethods".into(), r.methods.clone().into());
            if !r.headers.is_empty() {
                m.insert("AllowedHeaders".into(), r.headers.clone().into());
            }
            if !r.expose.is_empty() {
                m.insert("ExposeHeaders".into(), r.expose.clone().into());
            }
            if let Some(n) = r.max_age {
                m.insert("MaxAgeSeconds".into(), n.into());
            }
            serde_json::Value::Object(m)
        })
        .collect();
    let doc = serde_json::json!({ "CORSRules": rules });
    let text = serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n";
    Output::one(
        "s3-cors.json",
        "aws s3api put-bucket-cors --bucket BUCKET --cors-configuration file://s3-cors.json",
        text,
    )
}

/// A CloudFormation template with one `AWS::S3::Bucket` carrying the rule as
/// `CorsConfiguration`, in CloudFormation's spelling, which is not the API's: `Id`,
/// `ExposedHeaders` and `MaxAge` (a template written with the API's names is rejected, or
/// with `ExposeHeaders` silently loses the exposed headers in tools that do not validate).
fn cloudformation(rules: &[Rule], provenance: &Provenance) -> Output {
    let rules: Vec<Value> = rules
        .iter()
        .map(|r| {
            let mut m = map([
                ("Id", s(r.id.clone())),
                ("AllowedOrigins", list(r.origins.iter().map(String::as_str))),
                ("AllowedMethods", list(r.methods.iter().map(String::as_str))),
            ]);
            if !r.headers.is_empty() {
                push(
                    &mut m,
                    "AllowedHeaders",
                    list(r.headers.iter().map(String::as_str)),
                );
            }
            if !r.expose.is_empty() {
                push(
                    &mut m,
                    "ExposedHeaders",
                    list(r.expose.iter().map(String::as_str)),
                );
            }
            if let Some(n) = r.max_age {
                push(&mut m, "MaxAge", Value::Number(n.into()));
            }
            m
        })
        .collect();
    let template = map([
        ("AWSTemplateFormatVersion", s("2010-09-09")),
        (
            "Resources",
            map([(
                "Bucket",
                map([
                    ("Type", s("AWS::S3::Bucket")),
                    (
                        "Properties",
                        map([(
                            "CorsConfiguration",
                            map([("CorsRules", Value::Sequence(rules))]),
                        )]),
                    ),
                ]),
            )]),
        ),
    ]);
    let mut w = Writer::new();
    w.provenance(provenance, &META, Shape::Cloudformation, "");
    w.comment("");
    w.comment("Use: deploy as it is, or copy `CorsConfiguration` into your own bucket's");
    w.comment("Properties (CloudFormation spells the fields `Id`, `ExposedHeaders` and `MaxAge`,");
    w.comment("not as `put-bucket-cors` does).");
    // Serializing a tree of strings, numbers, lists and mappings cannot fail.
    w.text(&yaml_serde::to_string(&template).unwrap_or_default());
    Output::one(
        "s3-cors.cfn.yaml",
        "aws cloudformation deploy --template-file s3-cors.cfn.yaml --stack-name STACK",
        w.finish(),
    )
}

/// The rule's `ID`: what made it, from which source (by hash), and the policy's name, cut to
/// S3's 255 characters.
fn id(name: &str, p: &Provenance) -> String {
    let hash: String = p.sha256.chars().take(16).collect();
    let s = format!(
        "corsc {} sha256:{hash} policy {name}",
        env!("CARGO_PKG_VERSION")
    );
    s.chars().take(MAX_ID).collect()
}
