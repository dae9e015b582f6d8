//! Go: a package configuring `github.com/rs/cors` (the 1.7 API, as Debian 12 ships it; later
//! versions accept the same options) per policy, and one `Handler` that applies them by path.
//!
//! How the output works, and why:
//!
//! - **`corspolicy.Handler(app)`** wraps an `http.Handler`: each request goes through the
//!   `*cors.Cors` of the policy whose scope is the most specific for the path (the evaluator's
//!   rule, on the escaped path as sent), other paths reach the application untouched.
//! - **Origins are decided by corsc's code, not by rs/cors' lists.** rs/cors lower-cases
//!   listed origins and reads one `*` as a prefix-and-suffix match (`https://*example.org`
//!   admits `https://evilexample.org`). `AllowOriginFunc` gets the `Origin` as sent: exact
//!   origins are a map lookup, patterns and `regex` entries are `regexp` (RE2) expressions
//!   anchored `^…$` by the plan, a full match; only the subset of regex syntax that RE2 reads as
//!   the evaluator does is accepted. `origins *` is `AllowedOrigins: ["*"]`, a literal `*`, and
//!   the plan refuses it with credentials (rs/cors would send `*` with credentials).
//! - **Methods.** rs/cors also checks actual requests' methods against its list and drops the
//!   CORS headers of any other, so `GET`, `HEAD` and `POST` are always listed. It answers a
//!   preflight with the requested method when listed; `methods *` has no equivalent (refused).
//! - **Request headers.** Left empty, rs/cors allows four default headers; a policy without
//!   `request-headers` lists `Origin`, which scripts can never set, so nothing is granted. `*`
//!   and `mirror` echo every requested header, `authorization` included, so `*` is accepted
//!   only with `Authorization` listed beside it.
//! - **`max-age 0`** cannot be sent (rs/cors omits 0) and is refused; private network access
//!   does not exist in rs/cors 1.7 and is refused.

use crate::emit::capability::{Capabilities, Support};
use crate::emit::idents::IdentScheme;
use crate::emit::lang::go;
use crate::emit::limits::Limit;
use crate::emit::meta::TargetMeta;
use crate::emit::output::Output;
use crate::emit::ownership::Layer;
use crate::emit::plan::{Plan, PolicyPlan};
use crate::emit::provenance::Provenance;
use crate::emit::target::Target;
use crate::emit::writer::Writer;

/// The Go (rs/cors) target.
pub struct Go;

static CAPS: Capabilities = Capabilities {
    min_version: "1.7 (github.com/rs/cors; go 1.13 in go.mod)",
    private_network: Support::No,
    routing: crate::eval::Routing::Go,
    modules: &["github.com/rs/cors"],
    ..go::CAPABILITIES
};

static LIMITS: &[Limit] = &[
    Limit::PortableRegex,
    Limit::MethodWildcard,
    Limit::WildcardHeadersEchoAll,
    Limit::MaxAgeZeroOmitted,
];

/// Reserved: the package's own `policyFor` and `Handler`, and the packages it imports.
static IDENTS: IdentScheme = go::policy_idents(&[
    "policyFor",
    "Handler",
    "cors",
    "http",
    "regexp",
    "strings",
    "corspolicy",
]);

/// The `go` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "go",
    aliases: &[],
    name: "rs/cors",
    doc_short: "a Go package with rs/cors options per policy and a Handler applying them by path",
    layer: Layer::App,
    capabilities: &CAPS,
    limits: LIMITS,
    idents: &IDENTS,
};

/// The `corspolicy.go` file around the policies.
static PACKAGE: go::Package = go::Package {
    meta: &META,
    usage: &[
        "Use: put this file in a package directory `corspolicy`, then",
        "`http.ListenAndServe(addr, corspolicy.Handler(app))`.",
    ],
    std: std_imports,
    modules: &["github.com/rs/cors"],
};

impl Target for Go {
    fn meta(&self) -> &'static TargetMeta {
        &META
    }

    fn render(&self, plan: &Plan<'_>, provenance: &Provenance) -> Output {
        go::package(plan, provenance, &PACKAGE, policy, dispatcher)
    }
}

/// The standard packages the body calls, but never `time`: rs/cors takes `MaxAge` in seconds.
fn std_imports(body: &str) -> Vec<&'static str> {
    let mut std = go::std_imports(body);
    std.retain(|p| *p != "time");
    std
}

fn policy(w: &mut Writer, p: &PolicyPlan<'_>) {
    go::rs_cors_policy(w, p, str::to_owned);
}

fn dispatcher(w: &mut Writer, plan: &Plan<'_>) {
    w.line("// policyFor returns which policy answers a request path (an index into the list");
    w.line("// Handler builds): the most specific scope that covers it, -1 outside every scope.");
    go::policy_for_func(w, plan);
    w.blank();
    w.text(ROUTING_PATH);
    w.blank();
    go::http_handler(
        w,
        plan,
        &[
            "// Handler wraps the application: each request goes through the rs/cors handler of the",
            "// policy whose scope covers its path; other paths reach next untouched.",
        ],
    );
}

/// The path as `http.ServeMux` routes it. The mux of Go 1.22+ cleans the escaped path and
/// unescapes it segment by segment; the mux of older modules and GOPATH builds cleans the
/// decoded path. Both agree on a cleaned decoded path unless an escape encodes `/` or `.`
/// (`/api/admin%2Fx`, `/api/%2e%2e/admin`), which no policy answers: the dispatcher cannot
/// know which mux is behind it. A path the mux redirects (`/api//admin/x`) is answered with
/// the CORS of the clean path it redirects to.
const ROUTING_PATH: &str = r#"// routingPath is the request path as http.ServeMux matches it: decoded and cleaned ("//",
// "." and ".." resolved, a trailing slash kept). ok is false for a path with an encoded "/"
// or ".", which the two ServeMux generations route differently.
func routingPath(r *http.Request) (string, bool) {
    escaped := strings.ToLower(r.URL.EscapedPath())
    if strings.Contains(escaped, "%2f") || strings.Contains(escaped, "%2e") {
        return "", false
    }
    p := r.URL.Path
    if p == "" || p[0] != '/' {
        p = "/" + p
    }
    clean := path.Clean(p)
    if p[len(p)-1] == '/' && clean != "/" {
        clean += "/"
    }
    return clean, true
}"#;
