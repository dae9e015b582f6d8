//! Google Cloud Storage: the JSON list of rules `gcloud storage buckets update BUCKET
//! --cors-file=gcs-cors.json` (and `gsutil cors set`) takes, as one rule.
//!
//! What Cloud Storage does with a rule (its "Cross-origin resource sharing" page; the reading
//! `--from gcs` documents in `import::formats::gcs`), and what the plan refuses so the rule
//! never grants more than the policy:
//!
//! - **Origins** are compared whole; `*` alone is every origin. No other wildcard and no
//!   regex: subdomain and port patterns and `regex` origins are refused.
//! - **No credentials.** Cloud Storage never sends `Access-Control-Allow-Credentials`, so a
//!   policy with `credentials true` is refused (it would not work).
//! - **`responseHeader` is one list for two things:** the request headers a preflight may ask
//!   for and the response headers scripts may read. The policy's `request-headers` and
//!   `expose-headers` must be the same list of names (no `*`, no `mirror`), or it is refused.
//! - **Methods.** Cloud Storage checks the method of simple requests too, so `GET`, `HEAD` and
//!   `POST` are always listed; `methods *` is `*`.
//! - **Bucket-wide.** No path scopes, one policy per bucket, no private-network header.
//!
//! JSON carries no comment and the rule has no name field: the file holds no provenance; keep
//! the policy beside it.

use crate::emit::capability::{Capabilities, Lookup, Shape, Support, Syntax};
use crate::emit::idents::IdentScheme;
use crate::emit::limits::Limit;
use crate::emit::lists::with_safelisted;
use crate::emit::meta::TargetMeta;
use crate::emit::output::Output;
use crate::emit::ownership::Layer;
use crate::emit::plan::{items, Allow, Origins, Plan};
use crate::emit::provenance::Provenance;
use crate::emit::target::Target;

/// The Cloud Storage target.
pub struct Gcs;

static CAPS: Capabilities = Capabilities {
    min_version: "JSON API v1",
    exact_lookup: Lookup::Linear,
    subdomain_patterns: Support::No,
    port_patterns: Support::No,
    regex: Support::No,
    credentials: Support::No,
    header_mirroring: Support::No,
    private_network: Support::No,
    path_scoping: Support::No,
    routing: crate::eval::Routing::Spec,
    shapes: &[Shape::Include],
    syntax: Syntax {
        // No wildcard other than `*` alone is documented: a `*` inside a name is refused.
        value_forbidden: &["*"],
        ..Syntax::LIBRARY_API
    },
    ..Capabilities::COMMON
};

static LIMITS: &[Limit] = &[Limit::OnePolicy, Limit::OneHeaderList];

/// The `gcs` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "gcs",
    aliases: &[],
    name: "Google Cloud Storage bucket CORS",
    doc_short: "the JSON of `gcloud storage buckets update --cors-file` (one rule, bucket-wide)",
    layer: Layer::Proxy,
    capabilities: &CAPS,
    limits: LIMITS,
    idents: &IdentScheme::NONE,
};

impl Target for Gcs {
    fn meta(&self) -> &'static TargetMeta {
        &META
    }

    fn render(&self, plan: &Plan<'_>, _provenance: &Provenance) -> Output {
        let rules: Vec<serde_json::Value> = plan
            .policies
            .iter()
            .map(|p| {
                let origins: Vec<&str> = match &p.origins {
                    Origins::Any => vec!["*"],
                    Origins::List { exact, .. } => exact.iter().map(String::as_str).collect(),
                };
                let methods: Vec<&str> = match &p.methods {
                    Allow::Static(s) if s == "*" => vec!["*"],
                    m => {
                        let mut v = with_safelisted(m);
                        v.sort_unstable();
                        v
                    }
                };
                let mut rule = serde_json::Map::new();
                rule.insert("origin".into(), origins.into());
                rule.insert("method".into(), methods.into());
                // The plan made the two lists equal; the exposed one is written as given.
                if let Some(e) = &p.expose {
                    rule.insert("responseHeader".into(), items(e).collect::<Vec<_>>().into());
                }
                if let Some(n) = p.max_age {
                    rule.insert("maxAgeSeconds".into(), n.into());
                }
                serde_json::Value::Object(rule)
            })
            .collect();
        let text = serde_json::to_string_pretty(&rules).unwrap_or_default() + "\n";
        Output::one(
            "gcs-cors.json",
            "gcloud storage buckets update gs://BUCKET --cors-file=gcs-cors.json",
            text,
        )
    }
}
