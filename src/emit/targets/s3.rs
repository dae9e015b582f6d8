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
//! - **Bucket-wide.** No path scopes, one policy per bucket; no private-network header;
//!   `expose-headers *` is refused.
//!
//! JSON carries no comment: the provenance (source hash, corsc version) is the rule's `ID`.

use crate::emit::capability::{Capabilities, Lookup, Shape, Support, Syntax};
use crate::emit::idents::IdentScheme;
use crate::emit::limits::Limit;
use crate::emit::lists::{star_or_listed, with_safelisted};
use crate::emit::meta::TargetMeta;
use crate::emit::output::Output;
use crate::emit::ownership::Layer;
use crate::emit::plan::{items, Origins, Plan};
use crate::emit::provenance::Provenance;
use crate::emit::target::Target;

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
    shapes: &[Shape::Include],
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
];

/// The `s3` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "s3",
    aliases: &[],
    name: "Amazon S3 bucket CORS",
    doc_short: "the JSON of `aws s3api put-bucket-cors --cors-configuration` (one rule, bucket-wide)",
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
        let rules: Vec<serde_json::Value> = plan
            .policies
            .iter()
            .map(|p| {
                let origins: Vec<&str> = match &p.origins {
                    Origins::Any => vec!["*"],
                    Origins::List { exact, .. } => exact.iter().map(String::as_str).collect(),
                };
                let mut methods = with_safelisted(&p.methods);
                methods.sort_unstable();
                let mut rule = serde_json::Map::new();
                rule.insert("ID".into(), id(p.name, provenance).into());
                rule.insert("AllowedOrigins".into(), origins.into());
                rule.insert("AllowedMethods".into(), methods.into());
                let headers = star_or_listed(&p.headers);
                if !headers.is_empty() {
                    rule.insert("AllowedHeaders".into(), headers.into());
                }
                if let Some(e) = &p.expose {
                    rule.insert("ExposeHeaders".into(), items(e).collect::<Vec<_>>().into());
                }
                if let Some(n) = p.max_age {
                    rule.insert("MaxAgeSeconds".into(), n.into());
                }
                serde_json::Value::Object(rule)
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
