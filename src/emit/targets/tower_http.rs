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

use super::frameworks::{header, routed_scopes, scopes_text};
use crate::emit::capability::{Capabilities, Lookup, Shape, Support, Syntax};
use crate::emit::idents::{IdentScheme, Style, RUST_RESERVED};
use crate::emit::limits::Limit;
use crate::emit::ownership::app_notice;
use crate::emit::plan::{Allow, Origins, Plan, PolicyPlan, Scope};
use crate::emit::registry::Target;
use crate::emit::writer::Writer;
use crate::emit::{Output, Part, Provenance};

/// The tower-http target.
pub struct TowerHttp;

static CAPS: Capabilities = Capabilities {
    min_version: "0.6 (axum 0.8, tower 0.5, http 1)",
    exact_origins: Support::Yes,
    // A sorted slice searched with `binary_search`: logarithmic, closer to a hash than a scan.
    exact_lookup: Lookup::Hash,
    subdomain_patterns: Support::Yes,
    port_patterns: Support::Yes,
    regex: Support::Yes,
    regex_dialect: "Rust regex",
    regex_named_groups: true,
    any_origin: Support::Yes,
    credentials: Support::Yes,
    header_mirroring: Support::Yes,
    expose_any_with_credentials: Support::No,
    max_age: Support::Yes,
    private_network: Support::Yes,
    path_scoping: Support::Yes,
    routing: crate::eval::Routing::TowerHttp,
    shapes: &[Shape::Include],
    modules: &["tower-http (feature cors)", "tower", "http", "regex"],
    syntax: Syntax {
        value_forbidden: &[],
        regex_forbidden: &[],
        max_token: 1 << 20,
        max_regex_repeat: u32::MAX,
    },
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

impl Target for TowerHttp {
    fn id(&self) -> &'static str {
        "tower-http"
    }

    fn name(&self) -> &'static str {
        "tower-http"
    }

    fn doc_short(&self) -> &'static str {
        "a Rust module with a tower-http CorsLayer per policy and a path dispatcher (axum, any tower service)"
    }

    fn idents(&self) -> &'static IdentScheme {
        &IDENTS
    }

    fn capabilities(&self) -> &'static Capabilities {
        &CAPS
    }

    fn limits(&self) -> &'static [Limit] {
        LIMITS
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["axum"]
    }

    fn render(&self, plan: &Plan<'_>, provenance: &Provenance) -> Output {
        let mut w = Writer::new();
        header(&mut w, "//", provenance, "tower-http", &CAPS);
        let regex = plan
            .policies
            .iter()
            .any(|p| matches!(&p.origins, Origins::List { regexes, .. } if !regexes.is_empty()));
        let single = single_root(plan);
        for l in [
            "",
            " Cargo.toml: tower-http = { version = \"0.6\", features = [\"cors\"] }, http = \"1\"",
        ] {
            w.line(format!("//{l}"));
        }
        if !single {
            w.line("//           tower = \"0.5\"");
        }
        if regex {
            w.line("//           regex = \"1\"");
        }
        w.line("//");
        w.line("// Use (axum): `let app = Router::new().route(…).layer(cors::cors_layer());`");
        w.line("// Any tower service: `tower::Layer::layer(&cors::cors_layer(), service)`.");
        w.line("//");
        for l in app_notice(plan.owner) {
            w.line(format!("// {l}"));
        }
        w.blank();
        let mut body = Writer::new();
        for p in &plan.policies {
            body.blank();
            policy(&mut body, p);
        }
        body.blank();
        if single {
            body.line("/// The layer to add: the file's one policy covers every path.");
            body.open("pub fn cors_layer() -> CorsLayer {");
            body.line(format!("{}_cors_layer()", plan.policies[0].ident));
            body.close("}");
        } else {
            dispatcher(&mut body, plan);
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
        w.blank();
        for line in body.lines() {
            w.line(line);
        }
        Output {
            parts: vec![Part {
                file_name: "cors.rs",
                placement: "a module of the application (`mod cors;`)",
                text: w.finish(),
            }],
        }
    }
}

/// Whether the file is one policy covering every path, so `cors_layer()` is its `CorsLayer`.
fn single_root(plan: &Plan<'_>) -> bool {
    plan.policies.len() == 1
        && plan.locations.len() == 1
        && plan.locations[0].scope == Scope::Prefix("/".to_string())
}

/// The part of a generated Rust module that maps a request path to its policy: `policy_for`
/// (most specific scope first, as `PolicySet::policy_for` decides) and the list of every
/// policy's value it indexes into. Shared by the tower-http and actix targets, which differ
/// only in the names: `list_fn` (`layers`), what one item is called in docs (`layer`), its
/// type (`CorsLayer`), and the suffix of each policy's constructor (`_cors_layer`).
pub(super) fn policy_table(
    w: &mut Writer,
    plan: &Plan<'_>,
    list_fn: &str,
    item_doc: &str,
    item_type: &str,
    ctor_suffix: &str,
) {
    w.line(format!(
        "/// Which policy answers a request path (an index into `{list_fn}()`): the most specific"
    ));
    w.line("/// scope that covers it; `None` outside every scope.");
    w.open("fn policy_for(path: &str) -> Option<usize> {");
    let scopes = routed_scopes(plan);
    let mut catch_all = false;
    for sc in scopes.iter().rev() {
        if sc.exact {
            w.open(format!("if path == {} {{", rust_str(&sc.path)));
        } else if sc.path == "/" {
            catch_all = true;
            if scopes.len() == 1 {
                w.line("let _ = path;");
            }
            w.line(format!("Some({})", sc.index));
            break;
        } else {
            w.open(format!("if path.starts_with({}) {{", rust_str(&sc.path)));
        }
        w.line(format!("return Some({});", sc.index));
        w.close("}");
    }
    if !catch_all {
        w.line("None");
    }
    w.close("}");
    w.blank();
    w.line(format!(
        "/// Every policy's {item_doc}, in the order `policy_for` numbers them."
    ));
    w.open(format!("fn {list_fn}() -> Vec<{item_type}> {{"));
    let calls: Vec<String> = plan
        .policies
        .iter()
        .map(|p| format!("{}{ctor_suffix}()", p.ident))
        .collect();
    w.line(format!("vec![{}]", calls.join(", ")));
    w.close("}");
    w.blank();
}

/// A Rust string literal (`Debug` escaping is valid Rust).
#[must_use]
pub fn rust_str(s: &str) -> String {
    format!("{s:?}")
}

/// A `Method` expression: the constant for a standard method, else parsed (the checker only
/// lets method tokens through, which `from_bytes` accepts).
#[must_use]
pub fn rust_method(m: &str) -> String {
    match m {
        "GET" | "POST" | "PUT" | "DELETE" | "HEAD" | "OPTIONS" | "CONNECT" | "PATCH" | "TRACE" => {
            format!("Method::{m}")
        }
        other => format!(
            "Method::from_bytes({}.as_bytes()).expect(\"a method token\")",
            rust_str(other)
        ),
    }
}

fn header_names(list: &str) -> String {
    let names: Vec<String> = list
        .split(", ")
        .map(|n| format!("HeaderName::from_static({})", rust_str(n)))
        .collect();
    format!("[{}]", names.join(", "))
}

/// The origin test shared by the tower-http and actix modules: a sorted slice and a `RegexSet`.
pub fn origin_fn(w: &mut Writer, name: &str, exact: &[String], regexes: &[String]) {
    w.line(
        "/// Whether the `Origin` is allowed: exact origins byte for byte, patterns and regexes as",
    );
    w.line("/// full, case-sensitive matches.");
    w.open(format!("fn {name}(origin: &HeaderValue) -> bool {{"));
    if !exact.is_empty() {
        w.line("// Sorted, so a binary search finds an origin in a long list.");
        w.open("const EXACT: &[&[u8]] = &[");
        for e in exact {
            w.line(format!("{}.as_bytes(),", rust_str(e)));
        }
        w.close("];");
        w.open("if EXACT.binary_search(&origin.as_bytes()).is_ok() {");
        w.line("return true;");
        w.close("}");
    }
    if regexes.is_empty() {
        if exact.is_empty() {
            w.line("let _ = origin;");
        }
        w.line("false");
    } else {
        w.open(
            "static REGEXES: std::sync::LazyLock<regex::RegexSet> = std::sync::LazyLock::new(|| {",
        );
        w.open("regex::RegexSet::new([");
        for r in regexes {
            w.line(format!("{},", rust_str(r)));
        }
        w.close("])");
        w.line(".expect(\"regexes checked by corsc\")");
        w.close("});");
        w.line("origin.to_str().is_ok_and(|o| REGEXES.is_match(o))");
    }
    w.close("}");
}

fn policy(w: &mut Writer, p: &PolicyPlan<'_>) {
    let allows = format!("{}_allows_origin", p.ident);
    if let Origins::List { exact, regexes } = &p.origins {
        origin_fn(w, &allows, exact, regexes);
        w.blank();
    }
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
            let ms: Vec<String> = s.split(", ").map(rust_method).collect();
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
    w.comment_with("///", format!("policy `{}` ({})", p.name, scopes_text(p)));
    w.open(format!("pub fn {}_cors_layer() -> CorsLayer {{", p.ident));
    w.line("CorsLayer::new()");
    for c in &chain {
        w.line(format!("    {c}"));
    }
    w.close("}");
}

fn dispatcher(w: &mut Writer, plan: &Plan<'_>) {
    policy_table(w, plan, "layers", "layer", "CorsLayer", "_cors_layer");
    for line in DISPATCHER.lines() {
        w.line(line);
    }
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
