//! chi: a package configuring `github.com/go-chi/cors` per policy, and one
//! `func(http.Handler) http.Handler` for `r.Use` on a chi v5 router that applies them by path.
//!
//! How the output works, and why (go-chi/cors 1.2, a fork of rs/cors 1.x, read in its
//! source):
//!
//! - **`r.Use(corspolicy.Handler)`** on the root router: chi runs its middleware stack
//!   before routing, for every request, 404s and 405s included. Each request goes through the
//!   `*cors.Cors` of the policy whose scope is the most specific for its path
//!   ([`crate::emit::lang::go::ROUTER_PATH`]: chi routes on `URL.RawPath` when net/http keeps
//!   one, and `CleanPath` may clean it, so such paths get no CORS); other paths go on
//!   untouched.
//! - **Origins are decided by corsc's code.** go-chi/cors lower-cases listed origins and reads
//!   one `*` as prefix-and-suffix; `AllowOriginFunc` (which wins over the lists) gets the
//!   `Origin` as sent. `origins *` is `AllowedOrigins: ["*"]`, refused with credentials (it
//!   would send `*` with credentials).
//! - **Methods.** go-chi/cors drops the CORS headers of an actual request whose method it does
//!   not list, so `GET`, `HEAD` and `POST` are always listed. It answers a preflight with the
//!   requested method upper-cased: a lower-case method and `methods *` are refused.
//! - **Request headers.** Left empty, go-chi/cors allows `Accept` and `Content-Type`; a policy
//!   without `request-headers` lists `Origin` (which scripts can never set). `*` and `mirror`
//!   echo every requested header, `authorization` included, so `*` is accepted only with
//!   `Authorization` listed beside it.
//! - **`max-age 0`** cannot be sent (omitted for 0) and private network access does not exist
//!   in go-chi/cors: both refused.

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

/// The chi (go-chi/cors) target.
pub struct Chi;

static CAPS: Capabilities = Capabilities {
    min_version: "go-chi/cors 1.2.0 on chi 5.0.0",
    private_network: Support::No,
    routing: crate::eval::Routing::GoRouter,
    modules: &["github.com/go-chi/cors", "github.com/go-chi/chi/v5"],
    ..go::CAPABILITIES
};

static LIMITS: &[Limit] = &[
    Limit::PortableRegex,
    Limit::MethodWildcard,
    Limit::UppercasedMethods,
    Limit::WildcardHeadersEchoAll,
    Limit::MaxAgeZeroOmitted,
];

/// Reserved: the package's own functions and the packages it imports.
static IDENTS: IdentScheme = go::policy_idents(&[
    "policyFor",
    "routingPath",
    "Handler",
    "cors",
    "http",
    "path",
    "regexp",
    "strings",
    "corspolicy",
]);

/// The `chi` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "chi",
    aliases: &[],
    name: "chi (go-chi/cors)",
    doc_short:
        "a Go package with go-chi/cors per policy and a chi middleware applying them by path",
    layer: Layer::App,
    capabilities: &CAPS,
    limits: LIMITS,
    idents: &IDENTS,
};

/// The `corspolicy.go` file around the policies.
static PACKAGE: go::Package = go::Package {
    meta: &META,
    usage: &[
        "Use: put this file in a package directory `corspolicy`, then, before the",
        "routes, `r.Use(corspolicy.Handler)` on the root chi.Router (not on a Mount or Route).",
    ],
    std: go::std_imports,
    modules: &["github.com/go-chi/cors"],
};

impl Target for Chi {
    fn meta(&self) -> &'static TargetMeta {
        &META
    }

    fn render(&self, plan: &Plan<'_>, provenance: &Provenance) -> Output {
        go::package(plan, provenance, &PACKAGE, policy, dispatcher)
    }
}

fn policy(w: &mut Writer, p: &PolicyPlan<'_>) {
    go::rs_cors_policy(w, p, |check| {
        format!("func(_ *http.Request, origin string) bool {{ return {check}(origin) }}")
    });
}

fn dispatcher(w: &mut Writer, plan: &Plan<'_>) {
    go::router_dispatch(w, plan, "the list Handler builds");
    go::http_handler(
        w,
        plan,
        &[
            "// Handler is for r.Use: each request goes through the go-chi/cors handler of the",
            "// policy whose scope covers its path; other paths reach next untouched.",
        ],
    );
}
