//! Class 4: paths judged on one form, routed on another.
//!
//! A policy `api` on `/api/*` (any origin, no credentials) and a stricter `admin` on
//! `/api/admin/*` (one origin, with credentials). Servers do not route on the raw path: they
//! decode `%61`, fold case, merge `//`, resolve dot segments. For every target that runs here,
//! the real engine serves the generated output in front of routes declared with its own
//! router (`/api/admin/…`, `/api/…`, the rest; the apps under `tests/conformance/` name the
//! route that served in `X-Corsc-Route`), and each spelling of the admin boundary is sent
//! from the attacker's origin and from admin's: a response from a route must carry exactly the
//! CORS of the policy owning that route, and the evaluator's routing model for the target
//! must name that same policy; a response from no route (a redirect, a 400, a 404) must carry
//! exactly what the evaluator's routing model prescribes.

use super::{edge, engines, frameworks};

use corsc::emit::Shape;
use corsc::eval::{respond, respond_routed, Routed, WireRequest};
use corsc::ir::PolicySet;
use std::io::{Read as _, Write as _};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

/// The nested policy under attack.
const NESTED: &str = "policy api {\n    paths \"/api/*\"\n    origins *\n    methods GET, PUT\n}\n\npolicy admin {\n    paths \"/api/admin/*\"\n    origins \"https://admin.example\"\n    methods GET, PUT\n    credentials true\n}\n";

/// One policy on the admin scope alone, for targets that hold one policy per output.
const ADMIN_ONLY: &str = "policy admin {\n    paths \"/api/admin/*\"\n    origins \"https://admin.example\"\n    methods GET, PUT\n    credentials true\n}\n";

/// One policy on one exact path, where the route guard also stops at `?`, `#` and the end.
const ADMIN_EXACT: &str = "policy admin {\n    paths \"/api/admin/secret\"\n    origins \"https://admin.example\"\n    methods GET, PUT\n    credentials true\n}\n";

/// The attacker: `api` lets it read with `*`, `admin` refuses it.
const EVIL: &str = "https://evil.test";
/// The one origin `admin` trusts with credentials.
const ADMIN: &str = "https://admin.example";

/// Spellings of the `/api/admin/` boundary (and controls on both sides of it).
const VARIANTS: &[&str] = &[
    "/api/admin/secret",
    "/api/other",
    "/api/%61dmin/secret",
    "/api/%41dmin/secret",
    "/api/adm%69n/secret",
    "/api/%2561dmin/secret",
    "/API/admin/secret",
    "/api/ADMIN/secret",
    "/Api/Admin/secret",
    "/api//admin/secret",
    "/api/./admin/secret",
    "/api/x/../admin/secret",
    "/api/%2e/admin/secret",
    "/api/x/%2e%2e/admin/secret",
    "/api/admin%2Fsecret",
    "/api/admin%2fsecret",
    "/api/admin",
    "/api/admin/",
    "/api/admin/%2e%2e/other",
];

/// One raw HTTP/1.1 exchange: status, header lines, body (paths go out exactly as written).
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<String> {
        let v: Vec<&str> = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect();
        (!v.is_empty()).then(|| v.join(", "))
    }
}

fn send(port: u16, req: &WireRequest) -> Answer {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).ok();
    let mut text = format!(
        "{} {} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n",
        req.method, req.path
    );
    for (n, v) in &req.headers {
        text.push_str(&format!("{n}: {v}\r\n"));
    }
    text.push_str("Content-Length: 0\r\n\r\n");
    s.write_all(text.as_bytes()).expect("send");
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_string(),
    }
}

/// The requests sent for one path: a credentialed GET from admin's origin, a GET and a PUT
/// preflight from the attacker's.
fn requests(path: &str) -> Vec<WireRequest> {
    let get = |origin: &str| WireRequest {
        method: "GET".to_string(),
        path: path.to_string(),
        headers: vec![("Origin".to_string(), origin.to_string())],
    };
    let mut pre = get(EVIL);
    pre.method = "OPTIONS".to_string();
    pre.headers.push((
        "Access-Control-Request-Method".to_string(),
        "PUT".to_string(),
    ));
    vec![get(ADMIN), get(EVIL), pre]
}

fn set(text: &str) -> PolicySet {
    let src = corsc::source::Source::new("nested.cors", text.to_string());
    let file = corsc::syntax::parse(&src).expect("parses");
    corsc::check::check(&file, None).policies.expect("checks")
}

/// The CORS grant of a response: what the browser's check reads.
fn grant(h: impl Fn(&str) -> Option<String>) -> (Option<String>, Option<String>) {
    (
        h("access-control-allow-origin"),
        h("access-control-allow-credentials"),
    )
}

/// A canonical path owned by a route name's policy.
fn canonical(route: &str) -> &'static str {
    match route {
        "admin" => "/api/admin/corsc",
        "api" => "/api/corsc",
        _ => "/corsc-outside",
    }
}

/// Sends every variant to `port` and checks the invariant; `route_of` says which handler
/// served an answer (`None`: no handler, e.g. a redirect or an error). An answer without any
/// CORS where the model gives the path no policy is always acceptable (refusing is never a
/// wider grant). Returns the failures.
fn attack(target: &str, port: u16, route_of: impl Fn(&Answer) -> Option<String>) -> Vec<String> {
    attack_policy(target, NESTED, port, route_of)
}

/// [`attack`] on a server running the output of `text`.
fn attack_policy(
    target: &str,
    text: &str,
    port: u16,
    route_of: impl Fn(&Answer) -> Option<String>,
) -> Vec<String> {
    let set = set(text);
    let routing = frameworks::routing_of(target);
    let name_of =
        |p: Option<&corsc::ir::Policy>| p.map_or("other".to_string(), |p| p.name.node.clone());
    let mut failures = Vec::new();
    for path in VARIANTS {
        for req in requests(path) {
            let got = send(port, &req);
            let observed = grant(|n| got.header(n));
            let label = format!(
                "{target}: {} {path} from {} -> {}",
                req.method,
                req.header("origin").unwrap_or_default(),
                got.status
            );
            let routed = corsc::eval::routing::policy_for(&set, routing, path);
            // Refused: the server rejects the path first, or its output gives no policy to a
            // path it cannot place exactly (nginx and Apache guards, Go, Flask).
            let refused = matches!(routing.route(path), Routed::Refused) || routed.is_none();
            let exp = respond_routed(&set, routing, &req);
            let modelled = grant(|n| exp.header(n));
            // A route declared for one policy's scope is owned by that policy; the catch-all,
            // and `/api/…` routes at the bare boundary (`/api/admin`, `/api/admin/`, which
            // routers bind by their own trailing-slash rules), are judged by the model.
            let owned = route_of(&got).filter(|r| {
                r == "admin" || (r == "api" && !path.trim_end_matches('/').ends_with("/admin"))
            });
            if refused && observed == (None, None) {
                continue;
            }
            match owned {
                Some(route) => {
                    let mut canon = req.clone();
                    canon.path = canonical(&route).to_string();
                    let owner = respond(&set, &canon);
                    if grant(|n| owner.header(n)) != observed {
                        failures.push(format!(
                            "{label}: served by `{route}` but carries {observed:?}, `{route}` grants {:?}",
                            grant(|n| owner.header(n))
                        ));
                    }
                    // The route's owner: the policy of that name, or none in a file without it.
                    let owner_name = if set.policies.iter().any(|p| p.name.node == route) {
                        route.clone()
                    } else {
                        "other".to_string()
                    };
                    if name_of(routed) != owner_name {
                        failures.push(format!(
                            "{label}: served by `{route}`, the evaluator's {routing:?} routing picks `{}`",
                            name_of(routed)
                        ));
                    }
                }
                None => {
                    if modelled != observed {
                        failures.push(format!(
                            "{label}: {} carries {observed:?}, the evaluator ({routing:?}) says {modelled:?}",
                            route_of(&got).map_or("no handler".to_string(), |r| format!("route `{r}`"))
                        ));
                    }
                }
            }
        }
    }
    failures
}

fn assert_none(failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} answers carry another policy's CORS:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The route a conformance app names in `X-Corsc-Route`.
fn route_header(a: &Answer) -> Option<String> {
    a.header("x-corsc-route")
}

/// A framework module compiled from [`NESTED`], or the plan's refusal (which must be a P3xx).
fn compile(target: &str) -> Option<frameworks::Compiled> {
    compile_policy(target, NESTED)
}

/// [`compile`] for any policy text.
fn compile_policy(target: &str, text: &str) -> Option<frameworks::Compiled> {
    match frameworks::compile("nested.cors", text, None, target) {
        Ok(c) => Some(c),
        Err(frameworks::Refusal::Plan(d)) => {
            assert!(
                d.iter().all(|d| d.code.starts_with("P3")),
                "{target}: refused without a P3xx: {d:#?}"
            );
            None
        }
        Err(frameworks::Refusal::Check(d)) => panic!("does not check: {d:#?}"),
    }
}

fn framework(
    target: &str,
    runtime: frameworks::Runtime,
    packages: &[&str],
    file_name: &str,
) -> Vec<String> {
    framework_policy(target, NESTED, runtime, packages, file_name)
}

/// [`framework`] for the output of `text`.
fn framework_policy(
    target: &str,
    text: &str,
    runtime: frameworks::Runtime,
    packages: &[&str],
    file_name: &str,
) -> Vec<String> {
    let test = format!("{target} path attack");
    let Some(bin) = frameworks::require(runtime, packages, &test) else {
        return Vec::new();
    };
    let Some(c) = compile_policy(target, text) else {
        return Vec::new();
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let module = dir.path().join(file_name);
    std::fs::write(&module, &c.output.parts[0].text).expect("write module");
    let app = frameworks::start(
        frameworks::serve_command(runtime, &bin, target, &[module]),
        1,
        Duration::from_secs(120),
    )
    .unwrap_or_else(|e| panic!("{target}: {e}"));
    attack_policy(target, text, app.ports[0], route_header)
}

/// The nested-scope policy compiled for a Node framework and served by the conformance app
/// with one setting of the app's router in the environment (`None`: Node or the packages are
/// missing and the test skips).
fn node_app_with(
    target: &str,
    packages: &[&str],
    file_name: &str,
    setting: (&str, &str),
) -> Option<(tempfile::TempDir, frameworks::App)> {
    let test = format!("{target} ({}) path attack", setting.0);
    let runtime = frameworks::Runtime::Node;
    let bin = frameworks::require(runtime, packages, &test)?;
    let c = compile(target).expect("compiles nested scopes");
    let dir = tempfile::tempdir().expect("temp dir");
    let module = dir.path().join(file_name);
    std::fs::write(&module, &c.output.parts[0].text).expect("write module");
    let mut cmd = frameworks::serve_command(runtime, &bin, target, &[module]);
    cmd.env(setting.0, setting.1);
    let app = frameworks::start(cmd, 1, Duration::from_secs(60)).expect("the app starts");
    Some((dir, app))
}

/// Express folds case (`/api/ADMIN/x` reaches the admin route): it never gets `api`'s CORS.
#[test]
fn express_answers_with_the_policy_of_the_route_it_picks() {
    let f = framework(
        "express",
        frameworks::Runtime::Node,
        &["express", "cors"],
        "corsc-express.cjs",
    );
    assert_none(&f);
}

/// An Express app with `case sensitive routing` and `strict routing` on: the dispatcher reads
/// the app's settings, so `/api/ADMIN/x` (now routed to `/api/*`) gets `api`'s CORS, not
/// admin's credentials.
#[test]
fn express_with_case_sensitive_strict_routing_answers_as_it_routes() {
    let Some((_dir, app)) = node_app_with(
        "express",
        &["express", "cors"],
        "corsc-express.cjs",
        ("CORSC_EXPRESS_ROUTING", "sensitive,strict"),
    ) else {
        return;
    };
    // The routing model is Express's default; with these settings the router is raw, as
    // tower-http's model says, so the answers are judged by the handler reached and the raw
    // form.
    assert_none(&attack("tower-http", app.ports[0], route_header));
}

/// Fastify decodes `%61` before routing: `/api/%61dmin/x` never gets `api`'s CORS.
#[test]
fn fastify_answers_with_the_policy_of_the_route_it_picks() {
    let f = framework(
        "fastify",
        frameworks::Runtime::Node,
        &["fastify", "@fastify/cors"],
        "corsc-fastify.cjs",
    );
    assert_none(&f);
}

/// A Fastify app whose router ignores case, trailing slashes and duplicate slashes: the
/// plugin reads the instance's router options, so `/API//ADMIN/x`, which reaches the admin
/// route, gets admin's CORS and never `api`'s.
#[test]
fn fastify_with_lenient_router_options_answers_as_it_routes() {
    let Some((_dir, app)) = node_app_with(
        "fastify",
        &["fastify", "@fastify/cors"],
        "corsc-fastify.cjs",
        (
            "CORSC_FASTIFY_ROUTER",
            r#"{"caseSensitive":false,"ignoreTrailingSlash":true,"ignoreDuplicateSlashes":true}"#,
        ),
    ) else {
        return;
    };
    // Only the CORS a route answered with is judged: the evaluator's Fastify model is
    // Fastify's defaults, which these options change.
    let routed_only: Vec<String> = attack("fastify", app.ports[0], route_header)
        .into_iter()
        .filter(|f| f.contains("but carries"))
        .collect();
    assert_none(&routed_only);
}

/// Starlette routes on the decoded ASGI path: `/api/%61dmin/x` never gets `api`'s CORS.
#[test]
fn starlette_answers_with_the_policy_of_the_route_it_picks() {
    let f = framework(
        "starlette",
        frameworks::Runtime::Python,
        &["starlette", "uvicorn"],
        "corsc_cors.py",
    );
    assert_none(&f);
}

/// Flask decodes and merges `//` (redirecting): no spelling gets another policy's CORS.
#[test]
fn flask_answers_with_the_policy_of_the_route_it_picks() {
    let f = framework(
        "flask",
        frameworks::Runtime::Python,
        &["flask", "flask_cors"],
        "corsc_cors.py",
    );
    assert_none(&f);
}

/// rack-cors (the `rails` target's initializer, through `tests/conformance/rack/serve.rb` on
/// Puma) in front of a router that reads the path as rack-cors does (decoded, cleaned), and in
/// front of one that normalises it as Rails' router does (Journey's `normalize_path`,
/// transcribed in `serve.rb`: as sent, slashes squeezed, escapes kept; Rails is not loaded):
/// neither gets another route's policy for any spelling.
#[test]
fn rack_cors_answers_with_the_policy_of_the_route_each_router_picks() {
    let test = "rails path attack";
    let probe = Command::new("ruby")
        .args(["-e", "require 'rack'; require 'rack/cors'; require 'puma'"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        edge::skip_or_fail(
            test,
            "`ruby` with rack, rack-cors and puma is not installed (apt-get install ruby ruby-rack ruby-rack-cors puma)",
        );
        return;
    }
    let c = compile("rails").expect("the rails target compiles nested scopes");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("cors.rb");
    std::fs::write(&file, &c.output.parts[0].text).expect("write initializer");
    let mut failures = Vec::new();
    for router in ["rack", "rails"] {
        let mut cmd = Command::new("ruby");
        cmd.arg(frameworks::root().join("tests/conformance/rack/serve.rb"))
            .arg(&file)
            .env("CORSC_RACK_ROUTER", router)
            .current_dir(dir.path());
        let app = frameworks::start(cmd, 1, Duration::from_secs(60))
            .unwrap_or_else(|e| panic!("rails ({router}): {e}"));
        failures.extend(
            attack("rails", app.ports[0], route_header)
                .into_iter()
                .map(|f| format!("{router} router: {f}")),
        );
    }
    assert_none(&failures);
}

/// Django with nested scopes (two policies) is the generated middleware, which picks the
/// policy on the decoded `path_info` Django routes on: no spelling gets `api`'s CORS on the
/// admin route. The one policy on `/api/admin/*` (django-cors-headers' settings) is judged
/// the same way.
#[test]
fn django_answers_with_the_policy_of_the_route_it_picks() {
    let f = framework(
        "django",
        frameworks::Runtime::Python,
        &["django", "corsheaders"],
        "cors_settings.py",
    );
    assert_none(&f);
    let f = framework_policy(
        "django",
        ADMIN_ONLY,
        frameworks::Runtime::Python,
        &["django", "corsheaders"],
        "cors_settings.py",
    );
    assert_none(&f);
}

fn require_go() -> Option<PathBuf> {
    let required = std::env::var("CORSC_REQUIRE_ENGINES").is_ok_and(|v| v == "1");
    let gocode = std::env::var_os("CORSC_GOPATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/share/gocode"));
    let ok = Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
        && gocode.join("src/github.com/rs/cors/cors.go").is_file();
    if ok {
        return Some(gocode);
    }
    assert!(
        !required,
        "go path attack: go or rs/cors missing, and CORSC_REQUIRE_ENGINES=1"
    );
    eprintln!("skipping go path attack: go or rs/cors missing");
    None
}

/// Go's ServeMux cleans the path and unescapes segments: no spelling gets `api`'s CORS on the
/// admin route, and its redirects to the clean path carry the clean path's CORS.
#[test]
fn go_answers_with_the_policy_of_the_route_it_picks() {
    let Some(gocode) = require_go() else {
        return;
    };
    let Some(c) = compile("go") else {
        return;
    };
    let tmp = tempfile::tempdir().expect("temp dir");
    let app = tmp.path().join("src/corscpaths");
    std::fs::create_dir_all(app.join("p0")).expect("mkdir");
    std::fs::copy(
        frameworks::root().join("tests/conformance/go/main.go"),
        app.join("main.go"),
    )
    .expect("copy main.go");
    let part = &c.output.parts[0];
    std::fs::write(app.join("p0").join(part.file_name), &part.text).expect("write package");
    std::fs::write(
        app.join("handlers.go"),
        "package main\n\nimport (\n\t\"net/http\"\n\n\tp0 \"corscpaths/p0\"\n)\n\nvar handlers = []func(http.Handler) http.Handler{p0.Handler}\n",
    )
    .expect("write handlers.go");
    let exe = tmp.path().join("corscpaths");
    let out = Command::new("go")
        .args(["build", "-o"])
        .arg(&exe)
        .arg("corscpaths")
        .env("GO111MODULE", "off")
        .env(
            "GOPATH",
            format!("{}:{}", tmp.path().display(), gocode.display()),
        )
        .env("GOFLAGS", "")
        .output()
        .expect("go runs");
    assert!(
        out.status.success(),
        "go build: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut cmd = Command::new(&exe);
    cmd.arg("0");
    let app = frameworks::start(cmd, 1, Duration::from_secs(30)).expect("go app starts");
    assert_none(&attack("go", app.ports[0], route_header));
}

/// Gin, chi and Echo route on the decoded path or on the raw one (and clean it with some
/// options): the generated middleware answers only paths every reading agrees on, so no
/// spelling gets `api`'s CORS on the admin route, on any of the three routers.
#[test]
fn go_routers_answer_with_the_policy_of_the_route_they_pick() {
    let required = std::env::var("CORSC_REQUIRE_ENGINES").is_ok_and(|v| v == "1");
    if !Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        assert!(
            !required,
            "go router path attack: no go, and CORSC_REQUIRE_ENGINES=1"
        );
        eprintln!("skipping go router path attack: go is not installed");
        return;
    }
    let targets = [
        (
            "gin",
            "g0",
            "Middleware",
            "ginPolicies = []func() gin.HandlerFunc",
        ),
        (
            "chi",
            "c0",
            "Handler",
            "chiPolicies = []func(http.Handler) http.Handler",
        ),
        (
            "echo",
            "e0",
            "Middleware",
            "echoPolicies = []func() echo.MiddlewareFunc",
        ),
    ];
    let tmp = tempfile::tempdir().expect("temp dir");
    let app = tmp.path().join("corscconformance");
    let dir = frameworks::root().join("tests/conformance/go-routers");
    std::fs::create_dir_all(&app).expect("mkdir");
    for f in ["main.go", "go.mod", "go.sum"] {
        std::fs::copy(dir.join(f), app.join(f)).expect("copy the app");
    }
    let mut handlers = String::from("package main\n\nimport (\n\t\"net/http\"\n\n\t\"github.com/gin-gonic/gin\"\n\t\"github.com/labstack/echo/v4\"\n\n");
    let mut lists = String::from("\nvar _ http.Handler\n");
    for (target, pkg, func, list) in targets {
        let c = compile(target).expect("the nested policy compiles");
        let part = &c.output.parts[0];
        std::fs::create_dir_all(app.join(pkg)).expect("mkdir");
        std::fs::write(app.join(pkg).join(part.file_name), &part.text).expect("write package");
        handlers.push_str(&format!("\t{pkg} \"corscconformance/{pkg}\"\n"));
        lists.push_str(&format!("var {list}{{{pkg}.{func}}}\n"));
    }
    handlers.push_str(")\n");
    handlers.push_str(&lists);
    std::fs::write(app.join("handlers.go"), handlers).expect("write handlers.go");
    let exe = tmp.path().join("corscpaths");
    if let Err(e) =
        super::support::builds::go(&app, &["build", "-o", &exe.display().to_string(), "."])
    {
        assert!(!required, "go router path attack: {e}");
        eprintln!("skipping go router path attack (modules missing? run .ci/run): {e}");
        return;
    }
    let mut cmd = Command::new(&exe);
    cmd.args(["gin:0", "chi:0", "echo:0"]);
    let served = frameworks::start(cmd, 3, Duration::from_secs(30)).expect("go app starts");
    let mut failures = Vec::new();
    for ((target, ..), port) in targets.iter().zip(&served.ports) {
        failures.extend(attack(target, *port, route_header));
    }
    assert_none(&failures);
}

fn engine(e: engines::Engine) -> Option<PathBuf> {
    engines::require(e, &format!("{} path attack", e.binary()))
}

fn engine_output(target: &str, shape: Shape, listen: &str) -> corsc::emit::Output {
    policy_output(NESTED, target, shape, listen)
}

fn policy_output(text: &str, target: &str, shape: Shape, listen: &str) -> corsc::emit::Output {
    engines::compile_text(
        "nested.cors",
        text,
        text.as_bytes(),
        None,
        target,
        shape,
        listen,
    )
    .unwrap_or_else(|d| panic!("{target}: {d:#?}"))
}

/// nginx decodes, merges `//` and resolves dot segments before it picks a location: each
/// location (the complete server names its policy in the body) answers with its own policy,
/// and the evaluator's nginx routing picks the same one.
#[test]
fn nginx_answers_with_the_policy_of_the_location_it_picks() {
    let Some(bin) = engine(engines::Engine::Nginx) else {
        return;
    };
    let port = engines::free_port();
    let out = engine_output("nginx", Shape::Server, &format!("127.0.0.1:{port}"));
    let running =
        engines::start(engines::Engine::Nginx, &bin, &out, port, &[]).expect("nginx starts");
    let port: u16 = running.addr.rsplit(':').next().unwrap().parse().unwrap();
    let f = attack("nginx", port, |a| {
        let v: serde_json::Value = serde_json::from_str(a.body.trim()).ok()?;
        Some(v["policy"].as_str().unwrap_or("other").to_string())
    });
    assert_none(&f);
}

/// nginx answers a bare prefix (`/api/admin`) of a proxied `location ^~ /api/admin/` with a
/// 301 carrying that location's CORS, which browsers follow: the output gives every bare
/// prefix the CORS of the policy that owns it, as the evaluator does.
#[test]
fn nginx_bare_prefix_redirect_carries_the_owning_policys_cors() {
    let Some(bin) = engine(engines::Engine::Nginx) else {
        return;
    };
    let out = engine_output("nginx", Shape::Include, "127.0.0.1:8080");
    let w = engines::Workdir::new();
    let port = engines::free_port();
    let conf = engines::nginx_setup(&w, &out, port, true);
    // The deployment's upstream: nginx itself, so every location proxies (which turns on
    // nginx's trailing-slash redirect).
    w.write(
        "corsc-upstream.conf",
        &format!("proxy_pass http://127.0.0.1:{port}/__corsc_ready$is_args$args;\n"),
    );
    let running = engines::launch(engines::Engine::Nginx, &bin, w, &conf, port)
        .unwrap_or_else(|e| panic!("nginx did not start: {e}"));
    let f = attack("nginx", port, |_| None);
    drop(running);
    assert_none(&f);
}

/// The Express conformance app with its routes and no CORS of its own (a pass-through
/// middleware instead of a generated module): the proxy in front answers CORS alone.
fn express_without_cors(node: &std::path::Path) -> frameworks::App {
    let dir = tempfile::tempdir().expect("temp dir");
    let module = dir.path().join("no-cors.cjs");
    std::fs::write(&module, "module.exports = (req, res, next) => next();\n").expect("write");
    let app = frameworks::start(
        frameworks::serve_command(frameworks::Runtime::Node, node, "express", &[module]),
        1,
        Duration::from_secs(60),
    )
    .expect("express starts");
    // The module is loaded at start; the directory may go.
    drop(dir);
    app
}

/// nginx in front of an Express app: nginx picks the location (and its CORS) on the decoded
/// path but proxies the path as sent, which Express routes raw and ignoring case. A spelling
/// the two read differently (`/api/%61dmin/x`: admin's location, api's route; `/api/ADMIN/x`:
/// api's location, admin's route) is refused by nginx, never proxied with the other policy's
/// CORS.
#[test]
fn nginx_in_front_of_express_never_proxies_with_another_policys_cors() {
    let Some(bin) = engine(engines::Engine::Nginx) else {
        return;
    };
    let runtime = frameworks::Runtime::Node;
    let Some(node) =
        frameworks::require(runtime, &["express", "cors"], "nginx → express path attack")
    else {
        return;
    };
    let app = express_without_cors(&node);

    let out = engine_output("nginx", Shape::Include, "127.0.0.1:8080");
    let w = engines::Workdir::new();
    let port = engines::free_port();
    let conf = engines::nginx_setup(&w, &out, port, true);
    w.write(
        "corsc-upstream.conf",
        &format!("proxy_pass http://127.0.0.1:{};\n", app.ports[0]),
    );
    let running = engines::launch(engines::Engine::Nginx, &bin, w, &conf, port)
        .unwrap_or_else(|e| panic!("nginx did not start: {e}"));
    let f = attack("nginx", port, route_header);
    drop(running);
    assert_none(&f);
}

/// Apache as a reverse proxy in front of an Express app: Apache picks the `<Location>` (and its
/// CORS) on its normalized, case-sensitive path, Express routes ignoring case. A spelling the
/// two read differently (`/api/ADMIN/x`: api's section, admin's route) gets no CORS, never
/// `api`'s grant on the admin route.
#[test]
fn apache_in_front_of_express_never_proxies_with_another_policys_cors() {
    apache_in_front_of_express(NESTED);
}

/// The same with one scope, whose route guard is a condition of the grant instead of
/// mod_rewrite rules: `/api/%61dmin/x` reaches `admin`'s section and Express's catch-all,
/// `/api/ADMIN/x` no section and Express's admin route; neither carries `admin`'s grant.
#[test]
fn apache_with_one_scope_in_front_of_express_grants_only_on_its_own_route() {
    apache_in_front_of_express(ADMIN_ONLY);
}

fn apache_in_front_of_express(text: &str) {
    let Some(bin) = engine(engines::Engine::Apache) else {
        return;
    };
    let runtime = frameworks::Runtime::Node;
    let Some(node) = frameworks::require(
        runtime,
        &["express", "cors"],
        "apache → express path attack",
    ) else {
        return;
    };
    let app = express_without_cors(&node);

    let out = policy_output(text, "apache", Shape::Include, "127.0.0.1:8080");
    let w = engines::Workdir::new();
    let port = engines::free_port();
    let d = w.path().display().to_string();
    let modules = std::env::var("CORSC_APACHE_MODULES")
        .unwrap_or_else(|_| "/usr/lib/apache2/modules".to_string());
    let mut conf = format!(
        "ServerRoot \"{d}\"\nDefaultRuntimeDir \"{d}\"\nPidFile \"{d}/httpd.pid\"\nMutex file:{d} default\nListen 127.0.0.1:{port}\nServerName 127.0.0.1\nErrorLog \"{d}/error.log\"\nLogLevel warn\n"
    );
    for (name, file) in [
        ("mpm_event_module", "mod_mpm_event.so"),
        ("authz_core_module", "mod_authz_core.so"),
        ("headers_module", "mod_headers.so"),
        ("setenvif_module", "mod_setenvif.so"),
        ("rewrite_module", "mod_rewrite.so"),
        ("proxy_module", "mod_proxy.so"),
        ("proxy_http_module", "mod_proxy_http.so"),
    ] {
        conf.push_str(&format!("LoadModule {name} {modules}/{file}\n"));
    }
    let root = std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false);
    if root {
        conf.push_str("User nobody\nGroup nogroup\n");
    }
    conf.push_str(&format!(
        "ProxyPass \"/\" \"http://127.0.0.1:{}/\"\nInclude \"{d}/corsc-apache.conf\"\n",
        app.ports[0]
    ));
    w.write("corsc-apache.conf", &out.parts[0].text);
    let conf_path = w.write("httpd.conf", &conf);
    let running = engines::launch(engines::Engine::Apache, &bin, w, &conf_path, port)
        .unwrap_or_else(|e| panic!("apache did not start: {e}"));
    let f = attack_policy("apache", text, port, route_header);
    drop(running);
    assert_none(&f);
}

/// HAProxy's output compiled from `text`, served in front of `upstream`: the running process
/// and the frontend's port; `None` (after saying why) without HAProxy.
fn haproxy_in_front(
    text: &str,
    upstream: &edge::Upstream,
    test: &str,
) -> Option<(tempfile::TempDir, edge::Haproxy, u16)> {
    if edge::haproxy_version().is_none() {
        edge::skip_or_fail(test, "`haproxy` is not installed (apt-get install haproxy)");
        return None;
    }
    let out = policy_output(text, "haproxy", Shape::Include, "127.0.0.1:8080");
    let dir = tempfile::tempdir().expect("temp dir");
    let port = edge::distinct_ports(1)[0];
    let conf = edge::haproxy_configuration(upstream, &[(&out.parts[0].text, port)]);
    edge::haproxy_check(dir.path(), &conf).unwrap_or_else(|e| panic!("haproxy -c: {e}"));
    let running = edge::haproxy_start(dir.path(), &conf, &[port]);
    Some((dir, running, port))
}

/// HAProxy compares the path as sent, case-sensitively; its output answers only a path in the
/// form every reading agrees on: every spelling carries what the evaluator's HAProxy routing
/// prescribes, with nested scopes and with one.
#[test]
fn haproxy_answers_with_the_policy_its_rules_pick() {
    for text in [NESTED, ADMIN_ONLY, ADMIN_EXACT] {
        let upstream = edge::Upstream::Ok(edge::distinct_ports(1)[0]);
        let Some((_dir, running, port)) = haproxy_in_front(text, &upstream, "haproxy path attack")
        else {
            return;
        };
        let f = attack_policy("haproxy", text, port, |_| None);
        drop(running);
        assert_none(&f);
    }
}

/// HAProxy in front of an Express app (routes raw, ignoring case): a spelling the two read
/// differently (`/api/ADMIN/x`: no scope for HAProxy, admin's route for Express; `/api/%61dmin/x`)
/// gets no CORS, never `api`'s grant on the admin route.
#[test]
fn haproxy_in_front_of_express_never_proxies_with_another_policys_cors() {
    let runtime = frameworks::Runtime::Node;
    let Some(node) = frameworks::require(
        runtime,
        &["express", "cors"],
        "haproxy → express path attack",
    ) else {
        return;
    };
    let app = express_without_cors(&node);
    for text in [NESTED, ADMIN_ONLY] {
        let upstream = edge::Upstream::App(app.ports[0]);
        let Some((_dir, running, port)) =
            haproxy_in_front(text, &upstream, "haproxy → express path attack")
        else {
            return;
        };
        let f = attack_policy("haproxy", text, port, route_header);
        drop(running);
        assert_none(&f);
    }
}

/// Apache decodes, merges `//`, resolves dot segments and refuses `%2F` before `<Location>`
/// applies: every spelling carries what the evaluator's Apache routing prescribes, in both
/// shapes, with nested scopes (mod_rewrite route guard) and with one (the guard a condition of
/// the grant).
#[test]
fn apache_answers_with_the_policy_of_the_location_it_picks() {
    let Some(bin) = engine(engines::Engine::Apache) else {
        return;
    };
    let mut failures = Vec::new();
    for text in [NESTED, ADMIN_ONLY, ADMIN_EXACT] {
        for shape in [Shape::Include, Shape::Htaccess] {
            let out = policy_output(text, "apache", shape, "127.0.0.1:8080");
            let running = engines::start(
                engines::Engine::Apache,
                &bin,
                &out,
                engines::free_port(),
                &[],
            )
            .expect("apache starts");
            let port: u16 = running.addr.rsplit(':').next().unwrap().parse().unwrap();
            failures.extend(
                attack_policy("apache", text, port, |_| None)
                    .into_iter()
                    .map(|f| format!("{shape:?}: {f}")),
            );
        }
    }
    assert_none(&failures);
}

/// Two scopes that a target's router cannot tell apart (`/API/*` and `/api/*` where Express
/// folds case, `/%61pi/*` and `/api/*` where the router decodes) are refused with P304, never
/// compiled into a dispatcher where the first one silently wins.
#[test]
fn scopes_one_router_cannot_tell_apart_are_refused() {
    let cases = [
        ("express", "/API/*", "/api/*"),
        ("starlette", "/%61pi/*", "/api/*"),
        ("fastify", "/%61pi/*", "/api/*"),
        ("go", "/api/./v1/*", "/api/v1/*"),
        ("nginx", "/api//v1/*", "/api/v1/*"),
    ];
    for (target, a, b) in cases {
        let text = format!(
            "policy wide {{\n    paths \"{a}\"\n    origins *\n}}\n\npolicy narrow {{\n    paths \"{b}\"\n    origins \"https://admin.example\"\n    credentials true\n}}\n"
        );
        match frameworks::compile("twins.cors", &text, None, target) {
            Err(frameworks::Refusal::Plan(d)) => assert!(
                d.iter().any(|d| d.code == "P304"),
                "{target}: {a} and {b} refused without P304: {d:#?}"
            ),
            Err(frameworks::Refusal::Check(d)) => panic!("{target}: does not check: {d:#?}"),
            Ok(_) => panic!("{target}: {a} and {b} compiled into one dispatcher"),
        }
    }
}

/// `corsc simulate --target T` answers with the policy that owns the handler T's server
/// routes the path to, and says how it routed it; without `--target` the path is the raw one.
#[test]
fn simulate_with_a_target_answers_as_that_targets_server_routes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let policy = dir.path().join("nested.cors");
    std::fs::write(&policy, NESTED).expect("write policy");
    let run = |extra: &[&str]| {
        let o = crate::support::cli::command()
            .arg("simulate")
            .arg(&policy)
            .args([
                "--origin",
                EVIL,
                "--path",
                "/api/%61dmin/secret",
                "--format",
                "json",
            ])
            .args(extra)
            .output()
            .expect("corsc runs");
        let v: serde_json::Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
        (o.status.code(), v)
    };
    let (code, raw) = run(&[]);
    assert_eq!(code, Some(0), "the raw path is api's: {raw}");
    assert_eq!(raw["policy"]["name"], "api");
    for target in ["starlette", "fastify", "go", "actix"] {
        let (code, v) = run(&["--target", target]);
        assert_eq!(code, Some(1), "{target}: {v}");
        assert_eq!(v["policy"]["name"], "admin", "{target}");
        assert_eq!(v["routed_path"]["path"], "/api/admin/secret", "{target}");
    }
    // nginx and Apache pick admin's location but refuse the path: the application behind
    // receives it as sent and may route it to api's handler.
    for target in ["nginx", "apache"] {
        let (code, v) = run(&["--target", target]);
        assert_eq!(code, Some(1), "{target}: {v}");
        assert!(v["policy"].is_null(), "{target}: {v}");
        assert_eq!(v["routed_path"]["path"], "/api/admin/secret", "{target}");
    }
    let (code, v) = run(&["--target", "tower-http"]);
    assert_eq!(
        (code, &v["policy"]["name"]),
        (Some(0), &serde_json::json!("api"))
    );
    let o = crate::support::cli::command()
        .arg("simulate")
        .arg(&policy)
        .args(["--origin", EVIL, "--target", "iis"])
        .output()
        .expect("corsc runs");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a target"));
}

/// Builds one of the Rust conformance apps (`tests/conformance/{dir}`) around the module
/// compiled from [`NESTED`] (`mod_rs` wires module `p0` as the app's policy 0), starts it and
/// runs the attack. The build shares `target/conformance` with the Rust conformance suite.
fn rust_app(target: &str, dir: &str, mod_rs: fn(&str) -> String) -> Vec<String> {
    let Some(c) = compile(target) else {
        return Vec::new();
    };
    let app_dir = frameworks::root().join("tests/conformance").join(dir);
    let gen = app_dir.join("target/generated");
    let _ = std::fs::remove_dir_all(&gen);
    std::fs::create_dir_all(&gen).expect("mkdir target/generated");
    let module = gen.join("p0.rs");
    std::fs::write(&module, &c.output.parts[0].text).expect("write module");
    std::fs::write(gen.join("mod.rs"), mod_rs(&module.display().to_string()))
        .expect("write mod.rs");
    let exe = frameworks::build_rust_app(&app_dir, &format!("corsc-conformance-{dir}"));
    let mut cmd = Command::new(exe);
    cmd.arg("0");
    let app =
        frameworks::start(cmd, 1, Duration::from_secs(30)).unwrap_or_else(|e| panic!("{dir}: {e}"));
    attack(target, app.ports[0], route_header)
}

/// axum routes on the raw path, as the tower-http dispatcher compares it: no spelling reaches
/// the admin route with `api`'s CORS.
#[test]
fn tower_http_answers_with_the_policy_of_the_route_axum_picks() {
    let f = rust_app("tower-http", "axum", |p0| {
        format!(
            "#[path = {p0:?}]\npub mod p0;\n\npub fn router(k: usize) -> Option<axum::Router> {{\n    (k == 0).then(|| crate::base().layer(p0::cors_layer()))\n}}\n"
        )
    });
    assert_none(&f);
}

/// actix-web routes on its requoted path (`%61` decoded, `%2F` kept): the dispatcher reads
/// the same form, so `/api/%61dmin/x` never gets `api`'s CORS on the admin route.
#[test]
fn actix_answers_with_the_policy_of_the_route_it_picks() {
    let f = rust_app("actix", "actix", |p0| {
        format!(
            "#[path = {p0:?}]\npub mod p0;\n\npub fn server(\n    k: usize,\n    listener: std::net::TcpListener,\n) -> Option<std::io::Result<actix_web::dev::Server>> {{\n    use actix_web::{{web, App, HttpServer}};\n    (k == 0).then(|| {{\n        HttpServer::new(|| App::new().wrap(p0::cors()).configure(crate::routes).default_service(web::to(crate::answer)))\n            .workers(1)\n            .listen(listener)\n            .map(HttpServer::run)\n    }})\n}}\n"
        )
    });
    assert_none(&f);
}

/// The NestJS packages (`tests/conformance/nest`, newest releases), or why not: a skip, or a
/// failure under `CORSC_REQUIRE_ENGINES=1`.
fn nest_packages(test: &str) -> Option<PathBuf> {
    let dir = frameworks::root().join("tests/conformance/nest");
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let why = if !node {
        Some("`node` is not installed".to_string())
    } else if !dir.join("node_modules/@nestjs/core/package.json").is_file() {
        Some(format!(
            "NestJS is not installed (run `npm ci` in {})",
            dir.display()
        ))
    } else {
        None
    };
    let Some(why) = why else { return Some(dir) };
    let required = std::env::var("CORSC_REQUIRE_ENGINES").is_ok_and(|v| v == "1");
    assert!(!required, "{test}: {why}, and CORSC_REQUIRE_ENGINES=1");
    eprintln!("skipping {test}: {why} (set CORSC_REQUIRE_ENGINES=1 to fail instead)");
    None
}

/// The nested policy compiled for NestJS and served by a Nest app on `platform` whose routes
/// (`api/admin/*`, `api/*`, the rest) are declared with Nest's decorators: judged by that
/// platform's routing model, which the delegate dispatches on.
fn nest_attack(platform: &str) -> Vec<String> {
    let test = format!("nestjs on {platform} path attack");
    let Some(dir) = nest_packages(&test) else {
        return Vec::new();
    };
    let c = compile("nestjs").expect("nestjs compiles nested scopes");
    let tmp = tempfile::tempdir().expect("temp dir");
    let module = tmp.path().join("corsc-nestjs.ts");
    std::fs::write(&module, &c.output.parts[0].text).expect("write module");
    let mut cmd = Command::new("node");
    cmd.arg(dir.join("serve.js"))
        .arg(platform)
        .arg(&module)
        .env("CORSC_NODE_DIR", &dir)
        .env("CORSC_NEST_ROUTES", "1");
    let app = frameworks::start(cmd, 1, Duration::from_secs(120))
        .unwrap_or_else(|e| panic!("{test}: {e}"));
    attack(platform, app.ports[0], route_header)
        .into_iter()
        .map(|f| format!("nestjs on {f}"))
        .collect()
}

/// NestJS on Express: the delegate reads the path as Express routes it (case folded, one
/// trailing slash), so `/api/ADMIN/x`, which reaches the admin route, never gets `api`'s CORS.
#[test]
fn nestjs_on_express_answers_with_the_policy_of_the_route_it_picks() {
    assert_none(&nest_attack("express"));
}

/// NestJS on Fastify: the delegate reads the path as find-my-way routes it (`%61` decoded,
/// `%2F` kept, case-sensitive), so `/api/%61dmin/x` never gets `api`'s CORS.
#[test]
fn nestjs_on_fastify_answers_with_the_policy_of_the_route_it_picks() {
    assert_none(&nest_attack("fastify"));
}

/// The nested policy compiled for Hono or Koa and served by `tests/conformance/node-ts`'s app
/// with routes declared by the framework's own router (`CORSC_ROUTES=1`: Hono's router,
/// `@koa/router`), the Hono module compiled by that folder's `tsc`.
fn node_ts_attack(target: &str, file_name: &str, packages: &[&str]) -> Vec<String> {
    let test = format!("{target} path attack");
    let dir = frameworks::root().join("tests/conformance/node-ts");
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let missing = packages.iter().find(|p| {
        !dir.join("node_modules")
            .join(p)
            .join("package.json")
            .is_file()
    });
    let why = if !node {
        Some("`node` is not installed".to_string())
    } else {
        missing.map(|p| format!("`{p}` is not installed (run `npm ci` in {})", dir.display()))
    };
    if let Some(why) = why {
        let required = std::env::var("CORSC_REQUIRE_ENGINES").is_ok_and(|v| v == "1");
        assert!(!required, "{test}: {why}, and CORSC_REQUIRE_ENGINES=1");
        eprintln!("skipping {test}: {why} (set CORSC_REQUIRE_ENGINES=1 to fail instead)");
        return Vec::new();
    }
    let c = compile(target).expect("compiles nested scopes");
    let tmp = tempfile::tempdir().expect("temp dir");
    let app = tmp.path();
    std::os::unix::fs::symlink(dir.join("node_modules"), app.join("node_modules"))
        .expect("link node_modules");
    std::fs::copy(dir.join("serve.mjs"), app.join("serve.mjs")).expect("copy serve.mjs");
    std::fs::create_dir_all(app.join("m0")).expect("mkdir");
    let mut module = app.join("m0").join(file_name);
    std::fs::write(&module, &c.output.parts[0].text).expect("write module");
    if file_name.ends_with(".ts") {
        std::fs::write(app.join("package.json"), "{ \"type\": \"module\" }\n").expect("package");
        let tsconfig = serde_json::json!({
            "compilerOptions": {
                "strict": true, "target": "es2022", "module": "nodenext",
                "moduleResolution": "nodenext", "skipLibCheck": true, "types": []
            },
            "include": ["m0/*.ts"]
        });
        std::fs::write(app.join("tsconfig.json"), tsconfig.to_string()).expect("tsconfig");
        let out = Command::new("node")
            .arg(app.join("node_modules/typescript/bin/tsc"))
            .args(["-p", "."])
            .current_dir(app)
            .output()
            .expect("tsc runs");
        assert!(
            out.status.success(),
            "{test}: tsc failed:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
        module.set_extension("js");
    }
    let mut cmd = Command::new("node");
    cmd.current_dir(app)
        .arg(app.join("serve.mjs"))
        .arg(target)
        .arg(&module)
        .env("CORSC_ROUTES", "1");
    let server = frameworks::start(cmd, 1, Duration::from_secs(120))
        .unwrap_or_else(|e| panic!("{test}: {e}"));
    attack(target, server.ports[0], route_header)
}

/// Hono routes on the URL parser's path (dot segments resolved), decoded in later releases:
/// the module refuses a path its two readings place apart, and never hands `/api/%61dmin/x`
/// `api`'s CORS.
#[test]
fn hono_answers_with_the_policy_of_the_route_it_picks() {
    assert_none(&node_ts_attack(
        "hono",
        "corsc-hono.ts",
        &["hono", "@hono/node-server", "typescript"],
    ));
}

/// Koa with `@koa/router` folds case and takes one trailing slash: `/api/ADMIN/x`, which
/// reaches the admin route, never gets `api`'s CORS.
#[test]
fn koa_answers_with_the_policy_of_the_route_it_picks() {
    assert_none(&node_ts_attack(
        "koa",
        "corsc-koa.cjs",
        &["koa", "@koa/cors", "@koa/router"],
    ));
}
