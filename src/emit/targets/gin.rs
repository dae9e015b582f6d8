//! Gin: a package configuring `github.com/gin-contrib/cors` per policy, and one
//! `gin.HandlerFunc` for `r.Use` that applies them by path.
//!
//! How the output works, and why (gin-contrib/cors 1.7, read in its source):
//!
//! - **`r.Use(corspolicy.Middleware())`**: Gin runs global middleware for matched routes and
//!   for its 404/405 answers, so preflights to paths without an `OPTIONS` route get CORS too.
//!   Each request goes through the `cors.New` handler of the policy whose scope is the most
//!   specific for its path ([`crate::emit::lang::go::ROUTER_PATH`]: a path routers could
//!   read two ways gets no CORS); other paths reach the routes untouched.
//! - **Origins are decided by corsc's code.** gin-contrib/cors lower-cases its list, reads
//!   `/…/` entries as unanchored regexes and, with `AllowWildcard`, `*` as prefix-and-suffix;
//!   `AllowOriginFunc` gets the `Origin` as sent (exact origins a map, patterns RE2 anchored
//!   `^…$`). `origins *` is `AllowAllOrigins` (a literal `*`); with credentials it is refused
//!   (gin-contrib/cors would send `*` with credentials, which browsers refuse).
//! - **A refused origin gets 403** from gin-contrib/cors, preflight or not, and the route
//!   does not run: narrower than the policy (browsers block it either way), kept.
//! - **Lists are sent as written** (no echo): `request-headers mirror` and the `*`s with
//!   credentials (which need echoing) are refused, `*` without credentials is sent as `*`.
//!   Methods are upper-cased by the library, so a lower-case method is refused.
//! - **`max-age 0`** cannot be sent (the library leaves it out for 0) and is refused; the
//!   private network header would be sent to every preflight, asked or not: refused.

use crate::emit::capability::{Capabilities, Support};
use crate::emit::idents::IdentScheme;
use crate::emit::lang::go;
use crate::emit::limits::Limit;
use crate::emit::meta::TargetMeta;
use crate::emit::output::Output;
use crate::emit::ownership::Layer;
use crate::emit::plan::{Allow, Plan, PolicyPlan};
use crate::emit::provenance::Provenance;
use crate::emit::target::Target;
use crate::emit::writer::Writer;

/// The Gin (gin-contrib/cors) target.
pub struct Gin;

static CAPS: Capabilities = Capabilities {
    min_version: "gin-contrib/cors 1.4.0 on Gin 1.8.2",
    header_mirroring: Support::No,
    private_network: Support::No,
    routing: crate::eval::Routing::GoRouter,
    modules: &["github.com/gin-contrib/cors", "github.com/gin-gonic/gin"],
    ..go::CAPABILITIES
};

static LIMITS: &[Limit] = &[
    Limit::PortableRegex,
    Limit::UppercasedMethods,
    Limit::MaxAgeZeroOmitted,
];

/// Reserved: the package's own functions and the packages it imports.
static IDENTS: IdentScheme = go::policy_idents(&[
    "policyFor",
    "routingPath",
    "Middleware",
    "cors",
    "gin",
    "http",
    "path",
    "regexp",
    "strings",
    "time",
    "corspolicy",
]);

/// The `gin` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "gin",
    aliases: &[],
    name: "Gin (gin-contrib/cors)",
    doc_short:
        "a Go package with gin-contrib/cors per policy and a gin.HandlerFunc applying them by path",
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
        "routes, `r.Use(corspolicy.Middleware())` on the gin.Engine (not on a group).",
    ],
    std: go::std_imports,
    modules: &["github.com/gin-contrib/cors", "github.com/gin-gonic/gin"],
};

impl Target for Gin {
    fn meta(&self) -> &'static TargetMeta {
        &META
    }

    fn render(&self, plan: &Plan<'_>, provenance: &Provenance) -> Output {
        go::package(plan, provenance, &PACKAGE, policy, dispatcher)
    }
}

fn policy(w: &mut Writer, p: &PolicyPlan<'_>) {
    let mut fields = vec![go::origins_field(
        w,
        p,
        ("AllowAllOrigins", "true".into()),
        str::to_owned,
    )];
    // The plan refuses the echoing forms (mirror, `*` with credentials): what is left is a
    // list, `*` among it or not, sent as written.
    if let Allow::Static(list) = &p.methods {
        fields.push(("AllowMethods", go::list_slice(list)));
    }
    if let Allow::Static(list) = &p.headers {
        fields.push(("AllowHeaders", go::list_slice(list)));
    }
    go::common_fields(&mut fields, p, "ExposeHeaders", |age| {
        format!("{age} * time.Second")
    });
    go::cors_constructor(
        w,
        p,
        "gin.HandlerFunc",
        "cors.New(cors.Config",
        None,
        &fields,
    );
}

fn dispatcher(w: &mut Writer, plan: &Plan<'_>) {
    let doc = [
        "// Middleware is for r.Use: each request goes through the gin-contrib/cors handler of",
        "// the policy whose scope covers its path; other paths reach the routes untouched.",
    ];
    go::middleware(w, plan, &doc, "gin.HandlerFunc", |w| {
        w.open("return func(c *gin.Context) {");
        w.open("if p, ok := routingPath(c.Request); ok {");
        w.open("if i := policyFor(p); i >= 0 {");
        w.line("policies[i](c)");
        w.close("}");
        w.close("}");
        w.close("}");
    });
}
