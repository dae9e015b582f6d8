//! `--from gcs`: a Google Cloud Storage bucket's CORS configuration, as the JSON file that
//! `gcloud storage buckets update --cors-file` and `gsutil cors set` take (a list of rules), or
//! the bucket resource of the JSON API (`{"cors": [...]}`) and `gcloud storage buckets
//! describe --format=json` (`{"cors_config": [...]}`).
//!
//! Cloud Storage's semantics (its "Cross-origin resource sharing" page and the bucket
//! resource's reference): a bucket's rules apply to every object, so the policy has no path
//! scope; a request is answered when its method and origin match a rule. An origin is compared
//! whole; `*` alone is every origin (the `Origin` is echoed); a `*` anywhere else is no pattern
//! Cloud Storage documents, so such an origin is left out (narrower). A method `*` is every
//! method. `responseHeader` is both what a preflight may ask for and what the response exposes.
//! Cloud Storage sends no `Access-Control-Allow-Credentials`: a credentialed request fails
//! whatever the rules say, so the policy allows no credentials. Rules that differ other than in
//! their origins are written as what every rule allows, as for S3 ([`crate::import::bucket`]).

use crate::import::bucket::{self, json, Service, Val};
use crate::import::context::{Context, FormatMeta, Importer};
use crate::import::draft::{Draft, OriginValue};
use crate::import::render::comment_text;

/// The format's description.
pub static META: FormatMeta = FormatMeta {
    id: "gcs",
    name: "Google Cloud Storage bucket CORS",
    reads: "the JSON of `gcloud storage buckets update --cors-file` (a list of rules), or a bucket resource with `cors` or `cors_config`",
};

/// The importer.
pub struct Gcs;

/// Cloud Storage's reading of the rules.
static SERVICE: Service = Service {
    name: "Cloud Storage",
    methods: "HTTP method names, or `*` for every method",
    method_ok,
    origin,
    credentials: false,
    header_star_mirrors: false,
};

/// The JSON keys of one rule: `responseHeader` is both the request headers and the exposed
/// headers.
const KEYS: json::Keys = [
    "origin",
    "method",
    "responseHeader",
    "responseHeader",
    "maxAgeSeconds",
];

impl Importer for Gcs {
    fn meta(&self) -> &'static FormatMeta {
        &META
    }

    fn read(&self, cx: &mut Context, files: &[usize]) -> Draft {
        bucket::read_files(&SERVICE, cx, files, |cx, file, text| {
            json::rules(cx, file, text, "gcs", &["cors", "cors_config"], KEYS)
        })
    }
}

/// Whether the method is one Cloud Storage takes: a token, or `*`.
fn method_ok(m: &str) -> bool {
    m == "*"
        || (!m.is_empty()
            && m.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
            && !m.contains('*'))
}

/// One `origin` as the language writes it.
fn origin(cx: &mut Context, o: &Val) -> Option<OriginValue> {
    let s = o.text.as_str();
    if s == "*" {
        return Some(OriginValue::Any);
    }
    if s.contains('*') {
        cx.narrowed(
            o.at,
            format!("`{}`: Cloud Storage compares an origin whole and documents no pattern but `*` alone; it is left out", comment_text(s)),
            "list each origin, or use `*` if every origin may read the bucket",
        );
        return None;
    }
    if s.chars().any(|c| c.is_ascii_uppercase()) {
        cx.narrowed(
            o.at,
            format!("`{}` has upper-case letters, which browsers never send in an origin; it is left out", comment_text(s)),
            "write the origin in lower case, as browsers send it",
        );
        return None;
    }
    Some(OriginValue::Origin(s.to_string()))
}
