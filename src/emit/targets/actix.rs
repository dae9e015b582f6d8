//! actix-web: a Rust module building one `actix_cors::Cors` per policy, and one middleware
//! that applies them by path.
//!
//! How the output works, and why:
//!
//! - **`App::new().wrap(cors::cors())`.** `cors()` is a middleware that hands each request to
//!   the `Cors` of the policy whose scope is the most specific for the path (the evaluator's
//!   rule) and passes other paths through untouched; `<policy>_cors()` builds one policy's
//!   `Cors` for use on its own (`web::scope(…).wrap(…)`).
//! - **Origins.** One `allowed_origin_fn`: exact origins in a sorted slice compared byte for
//!   byte, patterns and `regex` entries in one `regex::RegexSet` of the plan's anchored regexes
//!   (full, case-sensitive matches). `Cors::permissive()` and `allow_any_origin()` without
//!   `send_wildcard()` reflect every origin, with credentials too: never used. `origins *` is
//!   `allow_any_origin().send_wildcard()`, a literal `*`, and the plan refuses it with
//!   credentials (actix-cors would refuse to start).
//! - **Credentials only for allowed origins.** actix-cors adds
//!   `Access-Control-Allow-Credentials: true` to every response of a credentialed policy,
//!   refused origins included; `cors()` removes it from responses without
//!   `Access-Control-Allow-Origin`.
//! - **Methods.** actix-cors checks a preflight's method against its list, safelisted ones
//!   included, so `GET`, `HEAD` and `POST` are always listed (browsers allow them whatever the
//!   answer says). Its "any method" is a fixed list of nine standard methods, so `methods *` is
//!   refused by the plan.
//! - **Request headers.** A list is checked and answered as a list; `*` and `mirror` are
//!   `allow_any_header()`, which echoes the requested headers, `authorization` included: the
//!   plan accepts `*` only with `Authorization` listed beside it.
//! - **Private network** needs actix-cors' `draft-private-network-access` feature.

use crate::emit::capability::{Capabilities, Lookup, RegexDialect};
use crate::emit::idents::{IdentScheme, Style, RUST_RESERVED};
use crate::emit::lang::rust;
use crate::emit::limits::Limit;
use crate::emit::lists::with_safelisted;
use crate::emit::meta::TargetMeta;
use crate::emit::output::Output;
use crate::emit::ownership::Layer;
use crate::emit::plan::{items, Allow, Origins, Plan, PolicyPlan};
use crate::emit::provenance::Provenance;
use crate::emit::target::Target;
use crate::emit::writer::Writer;
use crate::regex::Engine;

/// The actix-web target.
pub struct Actix;

static CAPS: Capabilities = Capabilities {
    min_version: "4 (with actix-cors 0.7)",
    // A `HashSet` of the exact origins, built once.
    exact_lookup: Lookup::Hash,
    regex_dialect: RegexDialect::Engine(Engine::Rust),
    regex_named_groups: true,
    routing: crate::eval::Routing::Actix,
    modules: &["actix-cors", "regex"],
    ..Capabilities::COMMON
};

static LIMITS: &[Limit] = &[Limit::MethodWildcard, Limit::WildcardHeadersEchoAll];

/// Each policy derives module-level functions from its stem; none may meet another policy's,
/// a keyword, an imported crate, or a function of the module's own code.
static IDENTS: IdentScheme = IdentScheme {
    style: Style::RustSnake,
    derived: &["{}_allows_origin", "{}_cors"],
    reserved: &[
        "policy_for",
        "policies",
        "cors",
        "actix_cors",
        "actix_web",
        "header",
        "regex",
        "std",
    ],
    keywords: RUST_RESERVED,
    fixed_code: &[DISPATCHER],
};

/// The `actix` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "actix",
    aliases: &[],
    name: "actix-cors",
    doc_short:
        "a Rust module with an actix-cors Cors per policy and a middleware applying them by path",
    layer: Layer::App,
    capabilities: &CAPS,
    limits: LIMITS,
    idents: &IDENTS,
};

impl Target for Actix {
    fn meta(&self) -> &'static TargetMeta {
        &META
    }

    fn render(&self, plan: &Plan<'_>, provenance: &Provenance) -> Output {
        let mut notes = vec!["", "Cargo.toml: actix-web = \"4\", actix-cors = \"0.7\""];
        if plan.any_regex() {
            notes.push("            regex = \"1\"");
        }
        if plan.policies.iter().any(|p| p.private_network) {
            notes.push("            actix-cors features = [\"draft-private-network-access\"]");
        }
        notes.extend([
            "",
            "Use: `App::new().wrap(cors::cors())…` inside `HttpServer::new(|| …)`.",
        ]);
        let mut w = Writer::new();
        w.app_module_header("//", provenance, &META, &notes, plan.owner);
        let mut body = Writer::new();
        body.each_policy(plan, policy);
        rust::dispatcher(
            &mut body, plan, "policies", "`Cors`", "Cors", "_cors", DISPATCHER,
        );
        let body = body.finish();
        w.line("use actix_cors::Cors;");
        w.line("use actix_web::body::{EitherBody, MessageBody};");
        w.line("use actix_web::dev::{forward_ready, Service, ServiceRequest, ServiceResponse, Transform};");
        if body.contains("&HeaderValue") {
            w.line("use actix_web::http::header::{self, HeaderValue};");
        } else {
            w.line("use actix_web::http::header;");
        }
        w.line("use std::future::Future;");
        w.line("use std::pin::Pin;");
        w.line("use std::rc::Rc;");
        rust::module(w, &body)
    }
}

fn policy(w: &mut Writer, p: &PolicyPlan<'_>) {
    let allows = rust::origin_test(w, p);
    let mut chain: Vec<String> = Vec::new();
    match &p.origins {
        Origins::Any => chain.push(".allow_any_origin()\n.send_wildcard()".into()),
        Origins::List { .. } => {
            chain.push(format!(
                ".allowed_origin_fn(|origin, _req| {allows}(origin))"
            ));
        }
    }
    // actix-cors checks a preflight's method against this list, safelisted methods too.
    let mut methods = with_safelisted(&p.methods);
    methods.sort_unstable();
    chain.push(format!(".allowed_methods({})", rust::str_array(methods)));
    match &p.headers {
        Allow::Omit => {}
        Allow::Static(s) if s.starts_with('*') => chain.push(".allow_any_header()".into()),
        Allow::Static(s) => chain.push(format!(".allowed_headers({})", rust::str_array(items(s)))),
        Allow::Mirror | Allow::MirrorUnlessAuthorization => {
            chain.push(".allow_any_header()".into());
        }
    }
    if let Some(list) = &p.expose {
        chain.push(format!(".expose_headers({})", rust::str_array(items(list))));
    }
    if p.credentials {
        chain.push(".supports_credentials()".into());
    }
    if let Some(age) = p.max_age {
        chain.push(format!(".max_age({age})"));
    }
    if p.private_network {
        chain.push(".allow_private_network_access()".into());
    }
    rust::builder_fn(w, p, "_cors", "Cors", "Cors::default()", &chain);
}

/// The path dispatcher: the same for every file, so it is written once here.
const DISPATCHER: &str = r#"/// The middleware to add: each request goes through the `Cors` of the policy whose scope
/// covers its path; other paths reach the application untouched.
pub fn cors() -> ScopedCors {
    ScopedCors
}

/// An actix-web middleware applying one `Cors` per path scope.
pub struct ScopedCors;

impl<S, B> Transform<S, ServiceRequest> for ScopedCors
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    S::Future: 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = ScopedCorsMiddleware<S>;
    type InitError = ();
    type Future = Pin<Box<dyn Future<Output = Result<Self::Transform, ()>>>>;

    fn new_transform(&self, service: S) -> Self::Future {
        let inner = Rc::new(service);
        Box::pin(async move {
            let mut each = Vec::new();
            for cors in policies() {
                each.push(cors.new_transform(Rc::clone(&inner)).await?);
            }
            Ok(ScopedCorsMiddleware {
                inner,
                policies: each,
            })
        })
    }
}

/// The service [`ScopedCors`] builds.
pub struct ScopedCorsMiddleware<S> {
    inner: Rc<S>,
    policies: Vec<actix_cors::CorsMiddleware<Rc<S>>>,
}

impl<S, B> Service<ServiceRequest> for ScopedCorsMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    S::Future: 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>>>>;

    forward_ready!(inner);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        // The path as actix-web's router matches it (every escape decoded but %25, %2F and
        // %2B): `req.path()` is the raw path, on which /api/%61dmin/x would get the policy of
        // /api/ while the router hands it to the /api/admin/ routes.
        let Some(i) = policy_for(req.match_info().as_str()) else {
            let fut = self.inner.call(req);
            return Box::pin(async move { fut.await.map(ServiceResponse::map_into_left_body) });
        };
        let fut = self.policies[i].call(req);
        Box::pin(async move {
            let mut res = fut.await?;
            // actix-cors sends Access-Control-Allow-Credentials to refused origins too.
            let headers = res.headers_mut();
            if !headers.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN) {
                headers.remove(header::ACCESS_CONTROL_ALLOW_CREDENTIALS);
            }
            Ok(res)
        })
    }
}"#;
