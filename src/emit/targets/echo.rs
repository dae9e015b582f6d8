//! Echo: a package configuring Echo v4's `middleware.CORSWithConfig` per policy, and one
//! `echo.MiddlewareFunc` for `e.Use` that applies them by path.
//!
//! How the output works, and why (Echo 4.10 to 4.16, `middleware/cors.go` read in its
//! source):
//!
//! - **`e.Use(corspolicy.Middleware())`**: Echo runs `Use` middleware after routing, for
//!   matched routes and for its 404/405 answers alike, so preflights get CORS on any path.
//!   Each request goes through the CORS middleware of the policy whose scope is the most
//!   specific for its path ([`crate::emit::lang::go::ROUTER_PATH`]: Echo routes on
//!   `URL.RawPath` when net/http keeps one, so such paths, and paths a `Pre` middleware might
//!   clean, get no CORS); other paths go on untouched.
//! - **Origins are decided by corsc's code.** Echo reads `*` and `?` in `AllowOrigins` as
//!   wildcards, and before 4.10 answered `*` with credentials by echoing any origin;
//!   `AllowOriginFunc` gets the `Origin` as sent (exact origins a map, patterns RE2 anchored
//!   `^…$`), and Echo then echoes it. `origins *` is `AllowOrigins: ["*"]`, a literal `*`;
//!   with credentials it is refused.
//! - **Empty lists are traps.** An empty `AllowMethods` sends Echo's six default methods, an
//!   empty `AllowHeaders` echoes whatever the preflight asks: a policy without `methods` lists
//!   the safelisted three, one without `request-headers` lists `Origin` (which scripts can
//!   never set). `request-headers mirror` is that echo; `*` with credentials (which must not
//!   echo `authorization`) is refused unless `Authorization` is listed beside it, and so is
//!   `methods *` with credentials (Echo cannot echo a method). Other lists go as written.
//! - **`max-age 0`** cannot be sent by Echo 4.10 (it leaves out 0) and is refused; private
//!   network access does not exist in Echo's CORS middleware and is refused.

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

/// The Echo (middleware.CORSWithConfig) target.
pub struct Echo;

static CAPS: Capabilities = Capabilities {
    min_version: "Echo 4.10.0 (github.com/labstack/echo/v4)",
    private_network: Support::No,
    routing: crate::eval::Routing::GoRouter,
    modules: &["github.com/labstack/echo/v4"],
    ..go::CAPABILITIES
};

static LIMITS: &[Limit] = &[
    Limit::PortableRegex,
    Limit::CredentialedMethodWildcard,
    Limit::CredentialedWildcardHeadersEchoAll,
    Limit::MaxAgeZeroOmitted,
];

/// Reserved: the package's own functions and the packages it imports.
static IDENTS: IdentScheme = go::policy_idents(&[
    "policyFor",
    "routingPath",
    "Middleware",
    "echo",
    "middleware",
    "http",
    "path",
    "regexp",
    "strings",
    "corspolicy",
]);

/// The `echo` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "echo",
    aliases: &[],
    name: "Echo (middleware.CORSWithConfig)",
    doc_short: "a Go package with Echo's CORSWithConfig per policy and an echo.MiddlewareFunc applying them by path",
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
        "`e.Use(corspolicy.Middleware())` on the *echo.Echo (not on a group).",
    ],
    std: go::std_imports,
    modules: &[
        "github.com/labstack/echo/v4",
        "github.com/labstack/echo/v4/middleware",
    ],
};

impl Target for Echo {
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
        ("AllowOrigins", go::string_slice(&["*"])),
        |check| format!("func(origin string) (bool, error) {{ return {check}(origin), nil }}"),
    )];
    // Never empty: Echo fills an empty list with its defaults. `*` alone stays `*`; the plan
    // refuses the echoed form (with credentials).
    let methods = match &p.methods {
        Allow::Static(s) if s.starts_with('*') => vec!["*"],
        m => go::methods_with_safelisted(m),
    };
    fields.push(("AllowMethods", go::string_slice(&methods)));
    match &p.headers {
        // An empty list would echo every requested header.
        Allow::Omit => fields.push(("AllowHeaders", go::string_slice(&["Origin"]))),
        Allow::Static(list) => fields.push(("AllowHeaders", go::list_slice(list))),
        // Left empty: Echo echoes the requested headers (the plan refuses the form that must
        // keep `authorization` out).
        Allow::Mirror | Allow::MirrorUnlessAuthorization => {}
    }
    go::common_fields(&mut fields, p, "ExposeHeaders", |age| age.to_string());
    let note = matches!(p.headers, Allow::Mirror | Allow::MirrorUnlessAuthorization).then_some(
        "// AllowHeaders is left empty on purpose: Echo then echoes the requested headers.",
    );
    go::cors_constructor(
        w,
        p,
        "echo.MiddlewareFunc",
        "middleware.CORSWithConfig(middleware.CORSConfig",
        note,
        &fields,
    );
}

fn dispatcher(w: &mut Writer, plan: &Plan<'_>) {
    let doc = [
        "// Middleware is for e.Use: each request goes through the Echo CORS middleware of the",
        "// policy whose scope covers its path; other paths reach next untouched.",
    ];
    go::middleware(w, plan, &doc, "echo.MiddlewareFunc", |w| {
        w.open("return func(next echo.HandlerFunc) echo.HandlerFunc {");
        w.line("handlers := make([]echo.HandlerFunc, len(policies))");
        w.open("for i, p := range policies {");
        w.line("handlers[i] = p(next)");
        w.close("}");
        w.open("return func(c echo.Context) error {");
        w.open("if p, ok := routingPath(c.Request()); ok {");
        w.open("if i := policyFor(p); i >= 0 {");
        w.line("return handlers[i](c)");
        w.close("}");
        w.close("}");
        w.line("return next(c)");
        w.close("}");
        w.close("}");
    });
}
