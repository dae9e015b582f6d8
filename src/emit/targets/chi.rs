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

use crate::emit::capability::{Capabilities, RegexDialect, Support, Syntax};
use crate::emit::idents::{IdentScheme, Style, GO_RESERVED};
use crate::emit::lang::go;
use crate::emit::limits::Limit;
use crate::emit::lists::{star_or_listed, with_safelisted};
use crate::emit::meta::TargetMeta;
use crate::emit::output::Output;
use crate::emit::ownership::Layer;
use crate::emit::plan::{items, Allow, Origins, Plan, PolicyPlan};
use crate::emit::provenance::Provenance;
use crate::emit::scopes::scopes_text;
use crate::emit::target::Target;
use crate::emit::writer::Writer;
use crate::regex::Engine;

/// The chi (go-chi/cors) target.
pub struct Chi;

static CAPS: Capabilities = Capabilities {
    min_version: "go-chi/cors 1.2.0 on chi 5.0.0",
    regex_dialect: RegexDialect::Engine(Engine::Re2),
    private_network: Support::No,
    routing: crate::eval::Routing::GoRouter,
    modules: &["github.com/go-chi/cors", "github.com/go-chi/chi/v5"],
    syntax: Syntax {
        // A regex is written as a raw string literal, and the Go compiler refuses a byte order
        // mark anywhere but at the start of a source file.
        regex_forbidden: &["\u{feff}"],
        // RE2: "invalid repeat count" past 1000.
        max_regex_repeat: 1000,
        ..Syntax::LIBRARY_API
    },
    ..Capabilities::COMMON
};

static LIMITS: &[Limit] = &[
    Limit::PortableRegex,
    Limit::MethodWildcard,
    Limit::UppercasedMethods,
    Limit::WildcardHeadersEchoAll,
    Limit::MaxAgeZeroOmitted,
];

/// Each policy derives four package-level names from its camel-case stem; none may meet
/// another's, a Go keyword or predeclared name, an imported package, or the package's own
/// functions.
static IDENTS: IdentScheme = IdentScheme {
    style: Style::Camel,
    derived: &["{}Exact", "{}Regexps", "{}AllowsOrigin", "{}Cors"],
    reserved: &[
        "policyFor",
        "routingPath",
        "Handler",
        "cors",
        "http",
        "path",
        "regexp",
        "strings",
        "corspolicy",
    ],
    keywords: GO_RESERVED,
    fixed_code: &[],
};

/// The `chi` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "chi",
    aliases: &[],
    name: "chi (go-chi/cors)",
    doc_short: "a Go package with go-chi/cors per policy and a chi middleware applying them by path",
    layer: Layer::App,
    capabilities: &CAPS,
    limits: LIMITS,
    idents: &IDENTS,
};

impl Target for Chi {
    fn meta(&self) -> &'static TargetMeta {
        &META
    }

    fn render(&self, plan: &Plan<'_>, provenance: &Provenance) -> Output {
        let mut w = Writer::new();
        w.app_module_header(
            "//",
            provenance,
            &META,
            &[
                "",
                "Use: put this file in a package directory `corspolicy`, then, before the",
                "routes, `r.Use(corspolicy.Handler)` on the root chi.Router (not on a Mount or Route).",
            ],
            plan.owner,
        );
        w.line("// Package corspolicy answers CORS as the policy file says.");
        w.line("package corspolicy");
        let mut body = Writer::new();
        body.each_policy(plan, policy);
        dispatcher(&mut body, plan);
        let body = body.finish();
        w.blank();
        go::imports(
            &mut w,
            &go::std_imports(&body),
            &["github.com/go-chi/cors"],
        );
        w.blank();
        w.text(&body);
        Output::one(
            "corspolicy.go",
            "a package `corspolicy` of the application",
            go::gofmt_tabs(&w.finish()),
        )
    }
}

fn policy(w: &mut Writer, p: &PolicyPlan<'_>) {
    let id = &p.ident;
    let mut fields: Vec<(&str, String)> = Vec::new();
    match &p.origins {
        Origins::Any => fields.push(("AllowedOrigins", go::string_slice(&["*"]))),
        Origins::List {
            exact, alternation, ..
        } => {
            go::origin_check(w, id, p.name, exact, alternation);
            w.blank();
            fields.push((
                "AllowOriginFunc",
                format!("func(_ *http.Request, origin string) bool {{ return {id}AllowsOrigin(origin) }}"),
            ));
        }
    }
    let mut methods = with_safelisted(&p.methods);
    methods.sort_unstable();
    fields.push(("AllowedMethods", go::string_slice(&methods)));
    let headers = match &p.headers {
        // Scripts can never set `Origin`: listing it grants nothing, where an empty list
        // would grant go-chi/cors' defaults.
        Allow::Omit => vec!["Origin"],
        listed => star_or_listed(listed),
    };
    fields.push(("AllowedHeaders", go::string_slice(&headers)));
    if let Some(list) = &p.expose {
        let e: Vec<&str> = items(list).collect();
        fields.push(("ExposedHeaders", go::string_slice(&e)));
    }
    if p.credentials {
        fields.push(("AllowCredentials", "true".into()));
    }
    if let Some(age) = p.max_age {
        fields.push(("MaxAge", age.to_string()));
    }
    w.comment_with(
        "//",
        format!("{id}Cors is policy `{}` ({}).", p.name, scopes_text(p)),
    );
    w.open(format!("func {id}Cors() *cors.Cors {{"));
    w.open("return cors.New(cors.Options{");
    go::fields(w, &fields);
    w.close("})");
    w.close("}");
}

fn dispatcher(w: &mut Writer, plan: &Plan<'_>) {
    go::policy_for(w, plan, "the list Handler builds");
    w.blank();
    w.text(go::ROUTER_PATH);
    w.blank();
    w.line("// Handler is for r.Use: each request goes through the go-chi/cors handler of the");
    w.line("// policy whose scope covers its path; other paths reach next untouched.");
    w.open("func Handler(next http.Handler) http.Handler {");
    w.items(
        "policies := []http.Handler{",
        plan.policies
            .iter()
            .map(|p| format!("{}Cors().Handler(next)", p.ident)),
        "}",
    );
    w.open("return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {");
    w.open("if p, ok := routingPath(r); ok {");
    w.open("if i := policyFor(p); i >= 0 {");
    w.line("policies[i].ServeHTTP(w, r)");
    w.line("return");
    w.close("}");
    w.close("}");
    w.line("next.ServeHTTP(w, r)");
    w.close("})");
    w.close("}");
}
