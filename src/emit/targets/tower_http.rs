//! tower-http: a Rust module building one `tower_http::cors::CorsLayer` per policy, for axum
//! 0.8 or any tower service.
//!
//! How the output works, and why:
//!
//! - **One function per policy, one `cors_layer()` to use.** `<policy>_cors_layer()` builds a
//!   policy's `CorsLayer`. `cors_layer()` is what an application adds
//!   (`Router::new()….layer(cors::cors_layer())`): for a file with one policy that covers every
//!   path it is that policy's `CorsLayer`; otherwise it is a small tower layer that hands each
//!   request to the policy whose scope is the most specific for the path (the evaluator's rule),
//!   and passes paths outside every scope through untouched. axum's `nest` cannot say "exactly
//!   `/health`" or "most specific wins", so the dispatcher does.
//! - **Origins.** Exact origins are a sorted slice searched byte for byte; patterns and
//!   `regex` entries are one `regex::RegexSet` of the plan's anchored (`^…$`) regexes, a full
//!   match as the evaluator's. `AllowOrigin::predicate` echoes the origin only after it matched.
//! - **Credentials only for allowed origins.** `allow_credentials(true)` would send
//!   `Access-Control-Allow-Credentials` to every origin, refused ones included; the module uses
//!   `AllowCredentials::predicate` with the same origin test.
//! - **Never a panic at run time.** tower-http panics on the first request when credentials meet
//!   any `*` (origin, methods, headers, expose). The plan refuses `*` origins with credentials
//!   and `expose-headers *` with credentials, and `methods *` / `request-headers *` with
//!   credentials become `mirror_request()`, which tower-http accepts.
//! - **`request-headers *, Authorization`** without credentials is `mirror_request()`: echoing
//!   what is asked for grants exactly what `*` plus `Authorization` grants. `request-headers *`
//!   with credentials and without `Authorization` would need an echo that leaves
//!   `authorization` out, which tower-http cannot do: the plan refuses it.
//! - **Every `OPTIONS` in a scope is answered as a preflight** (tower-http's rule), and `Vary:
//!   origin, access-control-request-method, access-control-request-headers` goes on every
//!   response in a scope.

use crate::emit::capability::{Capabilities, Lookup, RegexDialect};
use crate::emit::idents::{IdentScheme, Style, RUST_RESERVED};
use crate::emit::lang::{rust, strings};
use crate::emit::limits::Limit;
use crate::emit::meta::TargetMeta;
use crate::emit::output::Output;
use crate::emit::ownership::Layer;
use crate::emit::plan::{items, Allow, Origins, Plan, PolicyPlan, Scope};
use crate::emit::provenance::Provenance;
use crate::emit::target::Target;
use crate::emit::writer::Writer;
use crate::regex::Engine;

/// The tower-http target.
pub struct TowerHttp;

static CAPS: Capabilities = Capabilities {
    min_version: "0.6 (axum 0.8, tower 0.5, http 1)",
    // A `HashSet` of the exact origins, built once.
    exact_lookup: Lookup::Hash,
    regex_dialect: RegexDialect::Engine(Engine::Rust),
    regex_named_groups: true,
    routing: crate::eval::Routing::TowerHttp,
    modules: &["tower-http (feature cors)", "tower", "http", "regex"],
    ..Capabilities::COMMON
};

static LIMITS: &[Limit] = &[Limit::CredentialedWildcardHeadersEchoAll];

/// Each policy derives module-level functions from its stem; none may meet another policy's,
/// a keyword, an imported crate, or a function of the module's own code.
static IDENTS: IdentScheme = IdentScheme {
    style: Style::RustSnake,
    derived: &["{}_allows_origin", "{}_cors_layer"],
    reserved: &[
        "policy_for",
        "layers",
        "cors_layer",
        "http",
        "tower_http",
        "tower",
        "regex",
        "std",
    ],
    keywords: RUST_RESERVED,
    fixed_code: &[DISPATCHER],
};

/// The `tower-http` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "tower-http",
    aliases: &["axum"],
    name: "tower-http",
    doc_short: "a Rust module with a tower-http CorsLayer per policy and a path dispatcher (axum, any tower service)",
    layer: Layer::App,
    capabilities: &CAPS,
    limits: LIMITS,
    idents: &IDENTS,
};

impl Target for TowerHttp {
    fn meta(&self) -> &'static TargetMeta {
        &META
    }

    fn render(&self, plan: &Plan<'_>, provenance: &Provenance) -> Output {
        let single = single_root(plan);
        let mut notes = vec![
            "",
            "Cargo.toml: tower-http = { version = \"0.6\", features = [\"cors\"] }, http = \"1\"",
        ];
        if !single {
            notes.push("          tower = \"0.5\"");
        }
        if plan.any_regex() {
            notes.push("          regex = \"1\"");
        }
        notes.extend([
            "",
            "Use (axum): `let app = Router::new().route(…).layer(cors::cors_layer());`",
            "Any tower service: `tower::Layer::layer(&cors::cors_layer(), service)`.",
        ]);
        let mut w = Writer::new();
        w.app_module_header("//", provenance, &META, &notes, plan.owner);
        let mut body = Writer::new();
        body.each_policy(plan, policy);
        if single {
            body.line("/// The layer to add: the file's one policy covers every path.");
            body.open("pub fn cors_layer() -> CorsLayer {");
            body.line(format!("{}_cors_layer()", plan.policies[0].ident));
            body.close("}");
        } else {
            rust::dispatcher(
                &mut body,
                plan,
                "layers",
                "layer",
                "CorsLayer",
                "_cors_layer",
                DISPATCHER,
            );
        }
        let body = body.finish();
        // Import exactly what the policies use, so the module compiles without warnings.
        let used =
            |name: &str| body.contains(&format!("{name}::")) || body.contains(&format!("&{name}"));
        let http: Vec<&str> = ["HeaderName", "HeaderValue", "Method"]
            .into_iter()
            .filter(|n| used(n))
            .collect();
        if !http.is_empty() {
            w.line(format!("use http::{{{}}};", http.join(", ")));
        }
        if used("Duration") {
            w.line("use std::time::Duration;");
        }
        let mut cors: Vec<&str> = [
            "AllowCredentials",
            "AllowHeaders",
            "AllowMethods",
            "AllowOrigin",
            "ExposeHeaders",
        ]
        .into_iter()
        .filter(|n| used(n))
        .collect();
        cors.push("CorsLayer");
        if cors.len() == 1 {
            w.line("use tower_http::cors::CorsLayer;");
        } else {
            w.line(format!("use tower_http::cors::{{{}}};", cors.join(", ")));
        }
        rust::module(w, &body)
    }
}

/// Whether the file is one policy covering every path, so `cors_layer()` is its `CorsLayer`.
fn single_root(plan: &Plan<'_>) -> bool {
    plan.policies.len() == 1
        && plan.locations.len() == 1
        && plan.locations[0].scope == Scope::Prefix("/".to_string())
}

/// A `Method` expression: the constant for a standard method, else parsed (the checker only
/// lets method tokens through, which `from_bytes` accepts).
#[must_use]
fn rust_method(m: &str) -> String {
    match m {
        "GET" | "POST" | "PUT" | "DELETE" | "HEAD" | "OPTIONS" | "CONNECT" | "PATCH" | "TRACE" => {
            format!("Method::{m}")
        }
        other => format!(
            "Method::from_bytes({}.as_bytes()).expect(\"a method token\")",
            strings::rust(other)
        ),
    }
}

fn header_names(list: &str) -> String {
    let names: Vec<String> = items(list)
        .map(|n| format!("HeaderName::from_static({})", strings::rust(n)))
        .collect();
    format!("[{}]", names.join(", "))
}

fn policy(w: &mut Writer, p: &PolicyPlan<'_>) {
    let allows = rust::origin_test(w, p);
    let mut chain: Vec<String> = Vec::new();
    match &p.origins {
        Origins::Any => chain.push(".allow_origin(AllowOrigin::any())".into()),
        Origins::List { .. } => {
            chain.push(format!(
                ".allow_origin(AllowOrigin::predicate(|origin: &HeaderValue, _| {allows}(origin)))"
            ));
            if p.credentials {
                chain.push(format!(
                    ".allow_credentials(AllowCredentials::predicate(|origin: &HeaderValue, _| {allows}(origin)))"
                ));
            }
        }
    }
    match &p.methods {
        Allow::Omit => {}
        Allow::Static(s) if s == "*" => chain.push(".allow_methods(AllowMethods::any())".into()),
        Allow::Static(s) => {
            let ms: Vec<String> = items(s).map(rust_method).collect();
            chain.push(format!(".allow_methods([{}])", ms.join(", ")));
        }
        Allow::Mirror | Allow::MirrorUnlessAuthorization => {
            chain.push(".allow_methods(AllowMethods::mirror_request())".into());
        }
    }
    match &p.headers {
        Allow::Omit => {}
        Allow::Static(s) if s == "*" => chain.push(".allow_headers(AllowHeaders::any())".into()),
        Allow::Static(s) if s.starts_with("*, ") => {
            chain.push(
                "// `*` plus Authorization: echoing what is asked for grants exactly that.".into(),
            );
            chain.push(".allow_headers(AllowHeaders::mirror_request())".into());
        }
        Allow::Static(s) => chain.push(format!(".allow_headers({})", header_names(s))),
        Allow::Mirror | Allow::MirrorUnlessAuthorization => {
            chain.push(".allow_headers(AllowHeaders::mirror_request())".into());
        }
    }
    match p.expose.as_deref() {
        None => {}
        Some("*") => chain.push(".expose_headers(ExposeHeaders::any())".into()),
        Some(list) => chain.push(format!(".expose_headers({})", header_names(list))),
    }
    if let Some(age) = p.max_age {
        chain.push(format!(".max_age(Duration::from_secs({age}))"));
    }
    if p.private_network {
        chain.push(".allow_private_network(true)".into());
    }
    rust::builder_fn(w, p, "_cors_layer", "CorsLayer", "CorsLayer::new()", &chain);
}

/// The path dispatcher: the same for every file, so it is written once here.
const DISPATCHER: &str = r#"/// The layer to add: each request goes through the `CorsLayer` of the policy whose scope
/// covers its path; other paths reach the service untouched.
pub fn cors_layer() -> ScopedCorsLayer {
    ScopedCorsLayer {
        layers: layers().into(),
    }
}

/// A tower layer applying one `CorsLayer` per path scope.
#[derive(Clone)]
pub struct ScopedCorsLayer {
    layers: std::sync::Arc<[CorsLayer]>,
}

impl<S: Clone> tower::Layer<S> for ScopedCorsLayer {
    type Service = ScopedCors<S>;

    fn layer(&self, inner: S) -> ScopedCors<S> {
        let policies = self.layers.iter().map(|l| l.layer(inner.clone())).collect();
        ScopedCors { policies, inner }
    }
}

/// The service [`ScopedCorsLayer`] builds.
#[derive(Clone)]
pub struct ScopedCors<S> {
    policies: Vec<tower_http::cors::Cors<S>>,
    inner: S,
}

impl<S, ReqBody, ResBody> tower::Service<http::Request<ReqBody>> for ScopedCors<S>
where
    S: tower::Service<http::Request<ReqBody>, Response = http::Response<ResBody>>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    ReqBody: Send + 'static,
    ResBody: Default + Send + 'static,
{
    type Response = http::Response<ResBody>;
    type Error = S::Error;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Self::Response, Self::Error>> + Send>,
    >;

    fn poll_ready(
        &mut self,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        // The service that answers depends on the path, so `call` readies a clone of it.
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<ReqBody>) -> Self::Future {
        match policy_for(req.uri().path()) {
            Some(i) => {
                let mut svc = self.policies[i].clone();
                Box::pin(async move {
                    std::future::poll_fn(|cx| tower::Service::poll_ready(&mut svc, cx)).await?;
                    tower::Service::call(&mut svc, req).await
                })
            }
            None => {
                let mut svc = self.inner.clone();
                Box::pin(async move {
                    std::future::poll_fn(|cx| tower::Service::poll_ready(&mut svc, cx)).await?;
                    tower::Service::call(&mut svc, req).await
                })
            }
        }
    }
}"#;
