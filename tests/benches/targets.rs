//! Requests per second of corsc's output on every target it can run here, for a credentialed
//! policy with 100, 1,000 and 10,000 exact origins, against that target's own ceiling: the
//! same app with no CORS at all, and a hand-written middleware of the same framework that
//! sends fixed CORS headers (no origin lookup). corsc's promise is that the lookup is one hash
//! probe on every target whose `corsc targets` row says `hash`, so 10,000 origins answer as fast
//! as 100.
//!
//! Run: `cargo bench --bench targets` (all targets), `cargo bench --bench targets -- express
//! go` (some), `-- --quick express` (one short round of each, about a minute for one target),
//! `-- --help`. A target whose engine or packages are missing is skipped with one line. The
//! binary measures only when given `--bench`, as `cargo bench` does: `cargo test --benches`
//! runs it without, and returns at once.
//!
//! The ceilings are hand-written in each framework's own way: a middleware (Express, Starlette,
//! Django, Go), an `onRequest` hook (Fastify), an `after_request` function (Flask), an axum
//! `from_fn` middleware, actix-web's `DefaultHeaders` (which adds the headers to the route's
//! answer, preflights included, instead of answering them itself), a Spring MVC
//! `HandlerInterceptor`, `add_header` lines in nginx, `Header always set` lines in Apache. Spring refuses corsc's class for 10,000
//! origins (`javac`: code too large); the table says so instead of a figure.
//!
//! What is measured, for each target: one server per variant (corsc's output at each size,
//! the two ceilings), all started by the target's conformance app or engine
//! (`tests/conformance/`, [`support::frameworks`], [`support::engines`]) so every variant has
//! the same routes, the same response body and the same workers; then, for a preflight
//! (`OPTIONS /api/x` with `Access-Control-Request-Method: PUT`) and an actual `GET /api/x`,
//! both from the LAST origin of the list (the worst case for a scan): one checked request
//! (status, and `Access-Control-Allow-Origin` equal to the origin, or absent for "no CORS"),
//! one warm-up `wrk` run, then `wrk -t1 -cC -dDs` rounds interleaved over the variants; each
//! figure is the median of the rounds.

#[path = "../support/mod.rs"]
mod support;
use support::bench::which;
use support::engines;
use support::frameworks::{self, root, Runtime};

use corsc::emit::{Output, Part, Shape};
use std::any::Any;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The allowlist sizes corsc's output is measured at.
const SIZES: [usize; 3] = [100, 1_000, 10_000];
/// The path every request goes to: a route of every conformance app.
const PATH: &str = "/api/x";
/// Flat means the 10,000-origin figure is at least this share of the 100-origin one.
const FLAT: f64 = 0.90;

/// The i-th origin of the list.
fn origin(i: usize) -> String {
    format!("https://tenant-{i}.customers.example.com")
}

/// A credentialed policy with `n` exact origins.
fn policy(n: usize) -> String {
    let list: Vec<String> = (0..n).map(|i| format!("\"{}\"", origin(i))).collect();
    format!(
        "policy api {{\n    paths \"/api/*\"\n    origins {}\n    methods PUT, DELETE\n    request-headers Content-Type, Authorization\n    credentials true\n    max-age 2h\n}}\n",
        list.join(",\n        ")
    )
}

/// One server of a target.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Variant {
    /// corsc's output for a policy with this many origins.
    Corsc(usize),
    /// The app with no CORS at all.
    Bare,
    /// A hand-written middleware sending fixed CORS headers, no lookup.
    Static,
}

const VARIANTS: [Variant; 5] = [
    Variant::Corsc(SIZES[0]),
    Variant::Corsc(SIZES[1]),
    Variant::Corsc(SIZES[2]),
    Variant::Bare,
    Variant::Static,
];

impl Variant {
    /// The origin its requests come from: the last of its list (the ceilings take the last of
    /// the largest list, which the static headers name).
    fn origin(self) -> String {
        match self {
            Variant::Corsc(n) => origin(n - 1),
            Variant::Bare | Variant::Static => static_origin(),
        }
    }
}

/// The origin the static-headers ceiling allows.
fn static_origin() -> String {
    origin(SIZES[2] - 1)
}

// The static ceiling's fixed headers: what corsc's output sends for this policy.
const METHODS: &str = "DELETE, PUT";
const HEADERS: &str = "authorization, content-type";
const MAX_AGE: &str = "7200";

#[derive(Clone, Copy, Debug, PartialEq)]
enum Request {
    Preflight,
    Get,
}

impl Request {
    fn label(self) -> &'static str {
        match self {
            Request::Preflight => "preflight",
            Request::Get => "GET",
        }
    }

    fn method(self) -> &'static str {
        match self {
            Request::Preflight => "OPTIONS",
            Request::Get => "GET",
        }
    }

    /// The request headers besides Host.
    fn headers(self, origin: &str) -> Vec<(&'static str, String)> {
        let mut h = vec![("Origin", origin.to_string())];
        if self == Request::Preflight {
            h.push(("Access-Control-Request-Method", "PUT".into()));
            h.push((
                "Access-Control-Request-Headers",
                "authorization,content-type".into(),
            ));
        }
        h
    }
}

/// The servers of one target, one port per variant (in [`VARIANTS`] order), and what keeps
/// them running (dropping it stops them).
struct Served {
    ports: Vec<u16>,
    /// Variants (indexes) whose code the framework refuses to build, and why; their port is 0.
    broken: Vec<(usize, String)>,
    _keep: Vec<Box<dyn Any>>,
}

/// What a target's `serve` gets: the generated output of each variant (`None` for the
/// ceilings) and a scratch directory.
struct Ctx<'a> {
    outputs: &'a [Option<Output>],
    dir: &'a Path,
}

/// A target the bench runs: its corsc `--target`, what it is served by, and how to serve
/// the variants. `serve` returns `Err(why)` when the engine or packages are missing.
struct Target {
    name: &'static str,
    served_by: &'static str,
    shape: Shape,
    serve: fn(&Ctx) -> Result<Served, String>,
}

const TARGETS: &[Target] = &[
    Target {
        name: "nginx",
        served_by: "nginx, one worker, the snippet shape in a location that returns {\"ok\":true}",
        shape: Shape::Snippet,
        serve: serve_nginx,
    },
    Target {
        name: "apache",
        served_by: "Apache httpd 2.4, one child of 8 threads, the include shape in the virtual host; /api/x a static file",
        shape: Shape::Include,
        serve: serve_apache,
    },
    Target {
        name: "express",
        served_by: "tests/conformance/node/serve.js (one Node.js process)",
        shape: Shape::Include,
        serve: serve_express,
    },
    Target {
        name: "fastify",
        served_by: "tests/conformance/node/serve.js (one Node.js process)",
        shape: Shape::Include,
        serve: serve_fastify,
    },
    Target {
        name: "starlette",
        served_by: "tests/conformance/python/serve.py (uvicorn, one process)",
        shape: Shape::Include,
        serve: serve_starlette,
    },
    Target {
        name: "flask",
        served_by: "tests/conformance/python/serve.py (werkzeug, threaded)",
        shape: Shape::Include,
        serve: serve_flask,
    },
    Target {
        name: "django",
        served_by:
            "tests/conformance/python/serve.py (werkzeug, threaded; one process per variant)",
        shape: Shape::Include,
        serve: serve_django,
    },
    Target {
        name: "go",
        served_by: "tests/conformance/go/main.go (net/http, GOMAXPROCS=2)",
        shape: Shape::Include,
        serve: serve_go,
    },
    Target {
        name: "tower-http",
        served_by: "tests/conformance/axum (axum 0.8, tokio current_thread)",
        shape: Shape::Include,
        serve: serve_axum,
    },
    Target {
        name: "actix",
        served_by: "tests/conformance/actix (actix-web 4, one worker)",
        shape: Shape::Include,
        serve: serve_actix,
    },
    Target {
        name: "spring",
        served_by: "tests/conformance/spring (Spring 7 on embedded Tomcat 11, one JVM)",
        shape: Shape::Include,
        serve: serve_spring,
    },
];

// ---------------------------------------------------------------------------------------------
// Serving each target.

/// Writes `text` to `dir/v{k}/{file}` and returns the path.
fn write(dir: &Path, k: usize, file: &str, text: &str) -> PathBuf {
    let sub = dir.join(format!("v{k}"));
    std::fs::create_dir_all(&sub).expect("mkdir");
    let p = sub.join(file);
    std::fs::write(&p, text).expect("write");
    p
}

/// The one part of a framework target's output.
fn only_part(out: &Output) -> &str {
    let [part] = out.parts.as_slice() else {
        panic!("expected one part");
    };
    &part.text
}

/// Writes each variant's module (corsc's, or the ceiling `bare`/`fixed` gives) as `file`.
fn modules(ctx: &Ctx, file: &str, bare: &str, fixed: &str) -> Vec<PathBuf> {
    VARIANTS
        .iter()
        .zip(ctx.outputs)
        .enumerate()
        .map(|(k, (v, out))| {
            let text = match v {
                Variant::Corsc(_) => only_part(out.as_ref().expect("compiled")).to_string(),
                Variant::Bare => bare.to_string(),
                Variant::Static => fixed.replace("@ORIGIN@", &static_origin()),
            };
            write(ctx.dir, k, file, &text)
        })
        .collect()
}

fn served(app: frameworks::App) -> Served {
    Served {
        ports: app.ports.clone(),
        broken: Vec::new(),
        _keep: vec![Box::new(app)],
    }
}

fn serve_nginx(ctx: &Ctx) -> Result<Served, String> {
    let bin = engines::find(engines::Engine::Nginx).ok_or("`nginx` is not installed")?;
    let fixed = format!(
        "if ($request_method = OPTIONS) {{\n    return 204;\n}}\nadd_header Access-Control-Allow-Origin \"{}\" always;\nadd_header Access-Control-Allow-Credentials true always;\nadd_header Access-Control-Allow-Methods \"{METHODS}\" always;\nadd_header Access-Control-Allow-Headers \"{HEADERS}\" always;\nadd_header Access-Control-Max-Age {MAX_AGE} always;\nadd_header Vary Origin always;\n",
        static_origin()
    );
    let ceiling = |snippet: String| Output {
        parts: vec![
            Part {
                file_name: "corsc-http.conf",
                placement: "inside http { }",
                text: "\n".into(),
            },
            Part {
                file_name: "corsc-snippet.conf",
                placement: "inside location { }",
                text: snippet,
            },
        ],
    };
    let mut ports = Vec::new();
    let mut keep: Vec<Box<dyn Any>> = Vec::new();
    for (v, out) in VARIANTS.iter().zip(ctx.outputs) {
        let out = match v {
            Variant::Corsc(_) => out.clone().expect("compiled"),
            Variant::Bare => ceiling("\n".into()),
            Variant::Static => ceiling(fixed.clone()),
        };
        let running = engines::start(
            engines::Engine::Nginx,
            &bin,
            &out,
            engines::free_port(),
            &[],
        )?;
        ports.push(
            running
                .addr
                .rsplit(':')
                .next()
                .and_then(|p| p.parse().ok())
                .expect("port"),
        );
        keep.push(Box::new(running));
    }
    Ok(Served {
        ports,
        broken: Vec::new(),
        _keep: keep,
    })
}

fn serve_apache(ctx: &Ctx) -> Result<Served, String> {
    let bin = engines::find(engines::Engine::Apache).ok_or("`apache2` is not installed")?;
    // The ceiling: the same headers set on every answer in the scope, nothing looked up, and
    // the same 204 for a preflight.
    let fixed = format!(
        "<Location \"/api/\">\n    Header always set Access-Control-Allow-Origin \"{}\"\n    Header always set Access-Control-Allow-Credentials \"true\"\n    Header always set Access-Control-Allow-Methods \"{METHODS}\"\n    Header always set Access-Control-Allow-Headers \"{HEADERS}\"\n    Header always set Access-Control-Max-Age \"{MAX_AGE}\"\n    Header always merge Vary \"Origin\"\n    RewriteEngine On\n    RewriteCond %{{REQUEST_METHOD}} =OPTIONS\n    RewriteRule ^ - [R=204,L]\n</Location>\n",
        static_origin()
    );
    let mut ports = Vec::new();
    let mut keep: Vec<Box<dyn Any>> = Vec::new();
    for (v, out) in VARIANTS.iter().zip(ctx.outputs) {
        let out = match v {
            Variant::Corsc(_) => out.clone().expect("compiled"),
            Variant::Bare => Output::one("corsc-apache.conf", "inside <VirtualHost>", "\n".into()),
            Variant::Static => {
                Output::one("corsc-apache.conf", "inside <VirtualHost>", fixed.clone())
            }
        };
        let port = engines::free_port();
        let running = engines::start(
            engines::Engine::Apache,
            &bin,
            &out,
            port,
            &[PATH.to_string()],
        )?;
        ports.push(port);
        keep.push(Box::new(running));
    }
    Ok(Served {
        ports,
        broken: Vec::new(),
        _keep: keep,
    })
}

/// Node.js with the packages of `tests/conformance/node`, or why not.
fn node(packages: &[&str]) -> Result<PathBuf, String> {
    let runs = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !runs {
        return Err("`node` is not installed".into());
    }
    let nm = root().join("tests/conformance/node/node_modules");
    for p in packages {
        if !nm.join(p).join("package.json").is_file() {
            return Err(format!(
                "`{p}` is not installed (npm ci in tests/conformance/node)"
            ));
        }
    }
    Ok(PathBuf::from("node"))
}

fn serve_node(ctx: &Ctx, framework: &str, bare: &str, fixed: &str) -> Result<Served, String> {
    let packages: &[&str] = if framework == "express" {
        &["express", "cors"]
    } else {
        &["fastify", "@fastify/cors"]
    };
    let bin = node(packages)?;
    serve_modules(ctx, Runtime::Node, &bin, framework, "cors.js", bare, fixed)
}

/// Starts one app of `runtime` serving corsc's modules and the two ceilings (`bare`, `fixed`).
fn serve_modules(
    ctx: &Ctx,
    runtime: Runtime,
    bin: &Path,
    framework: &str,
    file: &str,
    bare: &str,
    fixed: &str,
) -> Result<Served, String> {
    let paths = modules(ctx, file, bare, fixed);
    let app = frameworks::start(
        frameworks::serve_command(runtime, bin, framework, &paths),
        paths.len(),
        Duration::from_secs(120),
    )?;
    Ok(served(app))
}

const EXPRESS_BARE: &str = "'use strict';\nmodule.exports = (req, res, next) => next();\n";
const EXPRESS_STATIC: &str = r#"'use strict';
// Fixed CORS headers, no lookup: the ceiling for a CORS middleware.
module.exports = function staticCors(req, res, next) {
    res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Allow-Origin', '@ORIGIN@');
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
        res.setHeader('Access-Control-Allow-Methods', 'DELETE, PUT');
        res.setHeader('Access-Control-Allow-Headers', 'authorization, content-type');
        res.setHeader('Access-Control-Max-Age', '7200');
        res.statusCode = 204;
        res.setHeader('Content-Length', '0');
        res.end();
        return;
    }
    next();
};
"#;

fn serve_express(ctx: &Ctx) -> Result<Served, String> {
    serve_node(ctx, "express", EXPRESS_BARE, EXPRESS_STATIC)
}

// serve.js leaves OPTIONS to the plugin (@fastify/cors declares `OPTIONS *`): the ceilings
// declare it too, answering 204.
const FASTIFY_BARE: &str = r#"'use strict';
function bare(fastify, opts, done) {
    fastify.options('*', (req, reply) => { reply.code(204).send(); });
    done();
}
bare[Symbol.for('skip-override')] = true;
module.exports = bare;
"#;
const FASTIFY_STATIC: &str = r#"'use strict';
// Fixed CORS headers, no lookup: the ceiling for a CORS plugin.
function staticCors(fastify, opts, done) {
    fastify.addHook('onRequest', (req, reply, next) => {
        reply.header('Vary', 'Origin');
        reply.header('Access-Control-Allow-Origin', '@ORIGIN@');
        reply.header('Access-Control-Allow-Credentials', 'true');
        if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
            reply.header('Access-Control-Allow-Methods', 'DELETE, PUT');
            reply.header('Access-Control-Allow-Headers', 'authorization, content-type');
            reply.header('Access-Control-Max-Age', '7200');
            reply.code(204).send();
            return;
        }
        next();
    });
    fastify.options('*', (req, reply) => { reply.code(204).send(); });
    done();
}
staticCors[Symbol.for('skip-override')] = true;
module.exports = staticCors;
"#;

fn serve_fastify(ctx: &Ctx) -> Result<Served, String> {
    serve_node(ctx, "fastify", FASTIFY_BARE, FASTIFY_STATIC)
}

/// `CORSC_PYTHON` (else `python3`) when it imports `modules`, or why not.
fn python(modules: &str) -> Result<PathBuf, String> {
    let bin = frameworks::Versions::Newest.python();
    let ok = Command::new(&bin)
        .args(["-c", &format!("import {modules}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        Ok(bin)
    } else {
        Err(format!(
            "`{}` cannot import {modules} (set CORSC_PYTHON to a Python with tests/conformance/python/requirements.txt)",
            bin.display()
        ))
    }
}

fn serve_python(
    ctx: &Ctx,
    framework: &str,
    imports: &str,
    bare: &str,
    fixed: &str,
) -> Result<Served, String> {
    let bin = python(imports)?;
    serve_modules(
        ctx,
        Runtime::Python,
        &bin,
        framework,
        "cors.py",
        bare,
        fixed,
    )
}

const STARLETTE_BARE: &str = "def add_cors(app):\n    return app\n";
const STARLETTE_STATIC: &str = r#"
# Fixed CORS headers, no lookup: the ceiling for a CORS middleware (pure ASGI).
_ALWAYS = [
    (b"vary", b"Origin"),
    (b"access-control-allow-origin", b"@ORIGIN@"),
    (b"access-control-allow-credentials", b"true"),
]
_PREFLIGHT = _ALWAYS + [
    (b"access-control-allow-methods", b"DELETE, PUT"),
    (b"access-control-allow-headers", b"authorization, content-type"),
    (b"access-control-max-age", b"7200"),
    (b"content-length", b"0"),
]


class StaticCORS:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS" and any(
            k == b"access-control-request-method" for k, _ in scope["headers"]
        ):
            await send({"type": "http.response.start", "status": 204, "headers": _PREFLIGHT})
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_with_cors(message):
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + _ALWAYS
            await send(message)

        await self.app(scope, receive, send_with_cors)


def add_cors(app):
    app.add_middleware(StaticCORS)
    return app
"#;

fn serve_starlette(ctx: &Ctx) -> Result<Served, String> {
    serve_python(
        ctx,
        "starlette",
        "starlette, uvicorn",
        STARLETTE_BARE,
        STARLETTE_STATIC,
    )
}

const FLASK_BARE: &str = "def init_cors(app):\n    return app\n";
const FLASK_STATIC: &str = r#"
# Fixed CORS headers, no lookup: the ceiling for a CORS extension.
from flask import request


def _cors(response):
    response.headers["Vary"] = "Origin"
    response.headers["Access-Control-Allow-Origin"] = "@ORIGIN@"
    response.headers["Access-Control-Allow-Credentials"] = "true"
    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
        response.headers["Access-Control-Allow-Methods"] = "DELETE, PUT"
        response.headers["Access-Control-Allow-Headers"] = "authorization, content-type"
        response.headers["Access-Control-Max-Age"] = "7200"
    return response


def init_cors(app):
    app.after_request(_cors)
    return app
"#;

fn serve_flask(ctx: &Ctx) -> Result<Served, String> {
    serve_python(ctx, "flask", "flask, flask_cors", FLASK_BARE, FLASK_STATIC)
}

// serve.py installs a fragment's `CorscCorsMiddleware` in place of django-cors-headers: the
// ceilings are such middlewares (the bare one passes every request through).
const DJANGO_BARE: &str = r#"
class CorscCorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
"#;
const DJANGO_STATIC: &str = r#"
# Fixed CORS headers, no lookup: the ceiling for a CORS middleware.
from django.http import HttpResponse


class CorscCorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "OPTIONS" and "access-control-request-method" in request.headers:
            response = HttpResponse(status=200)
            response["Access-Control-Allow-Methods"] = "DELETE, PUT"
            response["Access-Control-Allow-Headers"] = "authorization, content-type"
            response["Access-Control-Max-Age"] = "7200"
        else:
            response = self.get_response(request)
        response["Vary"] = "Origin"
        response["Access-Control-Allow-Origin"] = "@ORIGIN@"
        response["Access-Control-Allow-Credentials"] = "true"
        return response
"#;

fn serve_django(ctx: &Ctx) -> Result<Served, String> {
    let bin = python("django, corsheaders")?;
    let paths = modules(ctx, "cors.py", DJANGO_BARE, DJANGO_STATIC);
    // serve.py runs one Django project per process.
    let mut ports = Vec::new();
    let mut keep: Vec<Box<dyn Any>> = Vec::new();
    for p in &paths {
        let app = frameworks::start(
            frameworks::serve_command(Runtime::Python, &bin, "django", std::slice::from_ref(p)),
            1,
            Duration::from_secs(120),
        )?;
        ports.push(app.ports[0]);
        keep.push(Box::new(app));
    }
    Ok(Served {
        ports,
        broken: Vec::new(),
        _keep: keep,
    })
}

const GO_BARE: &str =
    "package corspolicy\n\nimport \"net/http\"\n\nfunc Handler(next http.Handler) http.Handler { return next }\n";
const GO_STATIC: &str = r#"// Fixed CORS headers, no lookup: the ceiling for a CORS middleware.
package corspolicy

import "net/http"

func Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Vary", "Origin")
		h.Set("Access-Control-Allow-Origin", "@ORIGIN@")
		h.Set("Access-Control-Allow-Credentials", "true")
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", "DELETE, PUT")
			h.Set("Access-Control-Allow-Headers", "authorization, content-type")
			h.Set("Access-Control-Max-Age", "7200")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}
"#;

/// `go <args>` in module mode in `dir`, as tests/conformance_go.rs runs it.
fn go(dir: &Path, args: &[&str]) -> Result<String, String> {
    Ok(support::builds::go(dir, args).unwrap_or_else(|e| panic!("{e}")))
}

fn serve_go(ctx: &Ctx) -> Result<Served, String> {
    if !Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return Err("`go` is not installed".into());
    }
    let app = ctx.dir.join("corscconformance");
    std::fs::create_dir_all(&app).expect("mkdir");
    let conf = root().join("tests/conformance/go");
    for f in ["main.go", "go.mod", "go.sum"] {
        std::fs::copy(conf.join(f), app.join(f)).expect("copy the Go app");
    }
    let mut handlers = String::from("package main\n\nimport (\n\t\"net/http\"\n\n");
    for (k, v) in VARIANTS.iter().enumerate() {
        let text = match v {
            Variant::Corsc(_) => only_part(ctx.outputs[k].as_ref().expect("compiled")).to_string(),
            Variant::Bare => GO_BARE.to_string(),
            Variant::Static => GO_STATIC.replace("@ORIGIN@", &static_origin()),
        };
        let dir = app.join(format!("p{k}"));
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(dir.join("corspolicy.go"), text).expect("write");
        handlers.push_str(&format!("\tp{k} \"corscconformance/p{k}\"\n"));
    }
    handlers.push_str(")\n\nvar handlers = []func(http.Handler) http.Handler{\n");
    for k in 0..VARIANTS.len() {
        handlers.push_str(&format!("\tp{k}.Handler,\n"));
    }
    handlers.push_str("}\n");
    std::fs::write(app.join("handlers.go"), handlers).expect("write handlers.go");
    let exe = ctx.dir.join("corsc-bench-go");
    go(&app, &["build", "-o", &exe.display().to_string(), "."])?;
    let mut cmd = Command::new(&exe);
    cmd.args((0..VARIANTS.len()).map(|k| k.to_string()));
    Ok(served(frameworks::start(
        cmd,
        VARIANTS.len(),
        Duration::from_secs(60),
    )?))
}

/// Copies a Rust conformance app into its git-ignored `target/bench/`, writes the generated
/// modules and `mod_rs` beside it, builds it (into the conformance target directory, whose
/// dependencies the conformance tests already built) and serves every variant.
fn serve_rust(ctx: &Ctx, dir: &str, body: &str) -> Result<Served, String> {
    let app_dir = root().join("tests/conformance").join(dir);
    let copy = app_dir.join("target/bench");
    std::fs::create_dir_all(copy.join("src")).expect("mkdir");
    for f in ["Cargo.toml", "Cargo.lock", "src/main.rs"] {
        let text = std::fs::read(app_dir.join(f)).expect("read the app");
        if std::fs::read(copy.join(f)).ok().as_ref() != Some(&text) {
            std::fs::write(copy.join(f), text).expect("copy the app");
        }
    }
    let gen = copy.join("target/generated");
    std::fs::create_dir_all(&gen).expect("mkdir");
    for (k, out) in ctx.outputs.iter().enumerate() {
        if let Some(out) = out {
            let p = gen.join(format!("p{k}.rs"));
            let text = only_part(out);
            if std::fs::read_to_string(&p).ok().as_deref() != Some(text) {
                std::fs::write(&p, text).expect("write module");
            }
        }
    }
    let mod_rs = rust_modules(&gen) + body;
    let p = gen.join("mod.rs");
    if std::fs::read_to_string(&p).ok().as_deref() != Some(mod_rs.as_str()) {
        std::fs::write(&p, &mod_rs).expect("write mod.rs");
    }
    let bin = format!("corsc-conformance-{dir}");
    let exe = frameworks::build_rust_app_in(&copy, &bin, &root().join("target/conformance"));
    let mut cmd = Command::new(&exe);
    cmd.args((0..VARIANTS.len()).map(|k| k.to_string()));
    Ok(served(frameworks::start(
        cmd,
        VARIANTS.len(),
        Duration::from_secs(60),
    )?))
}

/// `#[path]` lines (absolute) for corsc's modules `p0`, `p1`, `p2` in `gen`.
fn rust_modules(gen: &Path) -> String {
    let mut s = String::from("// Written by tests/benches/targets.rs.\n");
    for (k, v) in VARIANTS.iter().enumerate() {
        if let Variant::Corsc(_) = v {
            let file = gen.join(format!("p{k}.rs")).display().to_string();
            s.push_str(&format!("#[path = {file:?}]\npub mod p{k};\n"));
        }
    }
    s.push_str(&format!("\nconst ORIGIN: &str = {:?};\n", static_origin()));
    s
}

fn serve_axum(ctx: &Ctx) -> Result<Served, String> {
    serve_rust(
        ctx,
        "axum",
        r#"
/// Fixed CORS headers, no lookup: the ceiling for a CORS layer.
async fn static_cors(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{header, HeaderValue, Method, StatusCode};
    let preflight = req.method() == Method::OPTIONS
        && req.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let mut res = if preflight {
        let mut r = axum::response::Response::new(axum::body::Body::empty());
        *r.status_mut() = StatusCode::NO_CONTENT;
        let h = r.headers_mut();
        h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("DELETE, PUT"));
        h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static("authorization, content-type"));
        h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("7200"));
        r
    } else {
        next.run(req).await
    };
    let h = res.headers_mut();
    h.insert(header::VARY, HeaderValue::from_static("Origin"));
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static(ORIGIN));
    h.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true"));
    res
}

/// Variant `k`: corsc's layer at each size, no CORS, fixed headers.
pub fn router(k: usize) -> Option<axum::Router> {
    Some(match k {
        0 => crate::base().layer(p0::cors_layer()),
        1 => crate::base().layer(p1::cors_layer()),
        2 => crate::base().layer(p2::cors_layer()),
        3 => crate::base(),
        4 => crate::base().layer(axum::middleware::from_fn(static_cors)),
        _ => return None,
    })
}
"#,
    )
}

fn serve_actix(ctx: &Ctx) -> Result<Served, String> {
    serve_rust(
        ctx,
        "actix",
        r#"
/// Variant `k` served on `listener` (one worker): corsc's Cors at each size, no CORS, and
/// fixed headers (actix-web's DefaultHeaders, no lookup: the ceiling for a CORS middleware).
pub fn server(
    k: usize,
    listener: std::net::TcpListener,
) -> Option<std::io::Result<actix_web::dev::Server>> {
    use actix_web::{middleware::DefaultHeaders, web, App, HttpServer};
    let fixed = || {
        DefaultHeaders::new()
            .add(("vary", "Origin"))
            .add(("access-control-allow-origin", ORIGIN))
            .add(("access-control-allow-credentials", "true"))
            .add(("access-control-allow-methods", "DELETE, PUT"))
            .add(("access-control-allow-headers", "authorization, content-type"))
            .add(("access-control-max-age", "7200"))
    };
    Some(match k {
        0 => HttpServer::new(|| App::new().wrap(p0::cors()).configure(crate::routes).default_service(web::to(crate::answer))).workers(1).listen(listener).map(HttpServer::run),
        1 => HttpServer::new(|| App::new().wrap(p1::cors()).configure(crate::routes).default_service(web::to(crate::answer))).workers(1).listen(listener).map(HttpServer::run),
        2 => HttpServer::new(|| App::new().wrap(p2::cors()).configure(crate::routes).default_service(web::to(crate::answer))).workers(1).listen(listener).map(HttpServer::run),
        3 => HttpServer::new(|| App::new().configure(crate::routes).default_service(web::to(crate::answer))).workers(1).listen(listener).map(HttpServer::run),
        4 => HttpServer::new(move || App::new().wrap(fixed()).configure(crate::routes).default_service(web::to(crate::answer))).workers(1).listen(listener).map(HttpServer::run),
        _ => return None,
    })
}
"#,
    )
}

const SPRING_BARE: &str = "package corsc.generated;\n\nimport org.springframework.context.annotation.Configuration;\n\n/** No CORS at all. */\n@Configuration\npublic class CorscCorsConfiguration {\n}\n";
const SPRING_STATIC: &str = r#"package corsc.generated;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Fixed CORS headers, no lookup: the ceiling for CORS in Spring MVC (an interceptor). */
@Configuration
public class CorscCorsConfiguration implements WebMvcConfigurer {
    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new HandlerInterceptor() {
            @Override
            public boolean preHandle(HttpServletRequest req, HttpServletResponse res, Object handler) {
                res.setHeader("Vary", "Origin");
                res.setHeader("Access-Control-Allow-Origin", "@ORIGIN@");
                res.setHeader("Access-Control-Allow-Credentials", "true");
                if ("OPTIONS".equals(req.getMethod()) && req.getHeader("Access-Control-Request-Method") != null) {
                    res.setHeader("Access-Control-Allow-Methods", "DELETE, PUT");
                    res.setHeader("Access-Control-Allow-Headers", "authorization, content-type");
                    res.setHeader("Access-Control-Max-Age", "7200");
                    res.setStatus(204);
                    return false;
                }
                return true;
            }
        });
    }
}
"#;

fn serve_spring(ctx: &Ctx) -> Result<Served, String> {
    let runs = |bin: &str, arg: &str| {
        Command::new(bin)
            .arg(arg)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !runs("java", "-version") || !runs("mvn", "--version") {
        return Err("a JDK and `mvn` are needed".into());
    }
    // The app as tests/conformance_spring.rs builds it, on the newest line.
    let cp = support::builds::spring_classpath("spring7")?;
    let paths = modules(
        ctx,
        "CorscCorsConfiguration.java",
        SPRING_BARE,
        SPRING_STATIC,
    );
    // The app compiles every class itself and stops at the first that javac refuses: corsc's
    // classes are tried first, and one javac refuses is reported instead of served.
    let mut broken = Vec::new();
    for (k, p) in paths.iter().enumerate() {
        if !matches!(VARIANTS[k], Variant::Corsc(_)) {
            continue;
        }
        let classes = ctx.dir.join(format!("javac-{k}"));
        let out = Command::new("javac")
            .args(["-encoding", "US-ASCII", "-cp", &cp, "-d"])
            .arg(&classes)
            .arg(p)
            .output()
            .map_err(|e| format!("javac does not run: {e}"))?;
        if !out.status.success() {
            let text = String::from_utf8_lossy(&out.stderr);
            let why = text
                .lines()
                .find_map(|l| l.split_once(": error: ").map(|(_, e)| e.trim().to_string()))
                .unwrap_or_else(|| text.trim().to_string());
            broken.push((k, format!("javac: {why}")));
        }
    }
    let good: Vec<&PathBuf> = paths
        .iter()
        .enumerate()
        .filter(|(k, _)| !broken.iter().any(|(b, _)| b == k))
        .map(|(_, p)| p)
        .collect();
    let mut cmd = Command::new("java");
    cmd.args(["-Xmx1g", "-cp", &cp])
        .arg(support::builds::java_tmpdir(ctx.dir))
        .arg("corsc.conformance.Main")
        .args(&good);
    let app = frameworks::start(cmd, good.len(), Duration::from_secs(300))?;
    let mut ports = app.ports.iter().copied();
    let ports = (0..VARIANTS.len())
        .map(|k| {
            if broken.iter().any(|(b, _)| *b == k) {
                0
            } else {
                ports.next().expect("a port per class")
            }
        })
        .collect();
    Ok(Served {
        ports,
        broken,
        _keep: vec![Box::new(app)],
    })
}

// ---------------------------------------------------------------------------------------------
// Measuring.

/// How the bench runs, from its arguments.
struct Settings {
    seconds: u32,
    warmup: u32,
    rounds: usize,
    connections: u32,
    targets: Vec<&'static Target>,
}

const USAGE: &str = "usage: cargo bench --bench targets -- [--quick] [--seconds N] [--rounds N] [--connections N] [TARGET...]

Requests per second of corsc's output at 100, 1,000 and 10,000 exact origins against each
target's ceiling (no CORS; fixed headers), measured with wrk on 127.0.0.1.

  --quick          one 1-second round after a 1-second warm-up (default: 3 rounds of 3 s)
  --seconds N      seconds per wrk run
  --rounds N       rounds per figure (the median is reported)
  --connections N  wrk connections (default 4, one wrk thread)
  TARGET           nginx apache express fastify starlette flask django go tower-http actix spring
                   (default: all)";

fn settings() -> Result<Option<Settings>, String> {
    let mut s = Settings {
        seconds: 3,
        warmup: 2,
        rounds: 3,
        connections: 4,
        targets: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    // `cargo bench` passes `--bench`; `cargo test --benches` runs the binary without it, and
    // a benchmark of several minutes is no test.
    let mut bench = false;
    let number = |v: Option<String>, flag: &str| -> Result<u32, String> {
        v.and_then(|v| v.parse().ok())
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("{flag} needs a positive number"))
    };
    while let Some(a) = args.next() {
        match a.as_str() {
            // `cargo test --benches` lists or runs benches in test mode: nothing to do.
            "--list" | "--test" => return Ok(None),
            "--bench" => bench = true,
            "--help" | "-h" => {
                println!("{USAGE}");
                return Ok(None);
            }
            "--quick" => {
                s.seconds = 1;
                s.warmup = 1;
                s.rounds = 1;
            }
            "--seconds" => s.seconds = number(args.next(), "--seconds")?,
            "--rounds" => s.rounds = number(args.next(), "--rounds")? as usize,
            "--connections" => s.connections = number(args.next(), "--connections")?,
            name => {
                let t = TARGETS
                    .iter()
                    .find(|t| t.name == name || (name == "axum" && t.name == "tower-http"))
                    .ok_or_else(|| format!("unknown argument `{name}`\n\n{USAGE}"))?;
                s.targets.push(t);
            }
        }
    }
    if !bench {
        eprintln!("targets: runs under `cargo bench` (or pass --bench to run the binary directly)");
        return Ok(None);
    }
    if s.targets.is_empty() {
        s.targets = TARGETS.iter().collect();
    }
    Ok(Some(s))
}

/// Sends one request and checks what a correct server answers: a 2xx, and
/// `Access-Control-Allow-Origin` equal to the origin (absent without CORS).
fn check(port: u16, v: Variant, r: Request) -> Result<(), String> {
    let origin = v.origin();
    let headers = r.headers(&origin);
    let h: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let res = support::http::request(&format!("127.0.0.1:{port}"), r.method(), PATH, &h)
        .map_err(|e| format!("{v:?} {}: {e}", r.label()))?;
    let acao = res.one("access-control-allow-origin");
    let want = match v {
        Variant::Bare => None,
        _ => Some(origin.as_str()),
    };
    if !(200..300).contains(&res.status) || acao != want {
        return Err(format!(
            "{v:?} {}: expected a 2xx with Access-Control-Allow-Origin {want:?}, got {res:?}",
            r.label()
        ));
    }
    Ok(())
}

/// One wrk run: requests per second.
fn wrk(wrk: &str, dir: &Path, port: u16, v: Variant, r: Request, seconds: u32, c: u32) -> f64 {
    let mut script = format!("wrk.method = \"{}\"\n", r.method());
    for (n, val) in r.headers(&v.origin()) {
        script.push_str(&format!("wrk.headers[\"{n}\"] = \"{val}\"\n"));
    }
    let file = dir.join("request.lua");
    std::fs::write(&file, script).expect("write the wrk script");
    let out = Command::new(wrk)
        .args([
            "-t1".to_string(),
            format!("-c{c}"),
            format!("-d{seconds}s"),
            // A request of a slow variant may take seconds; it still counts, not as an error.
            "--timeout".into(),
            "30s".into(),
            "-s".into(),
        ])
        .arg(&file)
        .arg(format!("http://127.0.0.1:{port}{PATH}"))
        .output()
        .expect("wrk runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains("Non-2xx") && !text.contains("Socket errors"),
        "{v:?} {}: wrk saw errors:\n{text}",
        r.label()
    );
    text.lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .unwrap_or_else(|| panic!("no Requests/sec in wrk's output:\n{text}"))
}

/// The median, NaN for a variant that was not measured.
fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The figures of one target and request kind, in [`VARIANTS`] order.
struct Row {
    target: &'static str,
    request: Request,
    rps: Vec<f64>,
    /// Variants that did not build, and why.
    broken: Vec<(usize, String)>,
}

fn run_target(t: &Target, s: &Settings, wrk_bin: &str) -> Result<Vec<Row>, String> {
    let dir = tempfile::Builder::new()
        .prefix("corsc-bench-")
        .tempdir()
        .expect("temp dir");
    let outputs: Vec<Option<Output>> = VARIANTS
        .iter()
        .map(|v| match v {
            Variant::Corsc(n) => {
                let text = policy(*n);
                Some(
                    engines::compile_text(
                        &format!("bench-{n}.cors"),
                        &text,
                        text.as_bytes(),
                        None,
                        t.name,
                        t.shape,
                        "127.0.0.1:8080",
                    )
                    .unwrap_or_else(|d| panic!("{}: {d:?}", t.name)),
                )
            }
            _ => None,
        })
        .collect();
    let served = (t.serve)(&Ctx {
        outputs: &outputs,
        dir: dir.path(),
    })?;
    let kinds = [Request::Preflight, Request::Get];
    for r in kinds {
        for (v, port) in VARIANTS.iter().zip(&served.ports) {
            if *port == 0 {
                continue;
            }
            check(*port, *v, r).unwrap_or_else(|e| panic!("{}: {e}", t.name));
            wrk(wrk_bin, dir.path(), *port, *v, r, s.warmup, s.connections);
        }
    }
    let mut samples = vec![vec![Vec::new(); VARIANTS.len()]; kinds.len()];
    for _ in 0..s.rounds {
        for (i, r) in kinds.iter().enumerate() {
            for (k, (v, port)) in VARIANTS.iter().zip(&served.ports).enumerate() {
                if *port == 0 {
                    continue;
                }
                samples[i][k].push(wrk(
                    wrk_bin,
                    dir.path(),
                    *port,
                    *v,
                    *r,
                    s.seconds,
                    s.connections,
                ));
            }
        }
    }
    Ok(kinds
        .iter()
        .zip(samples)
        .map(|(r, per_variant)| Row {
            target: t.name,
            request: *r,
            rps: per_variant.into_iter().map(median).collect(),
            broken: served.broken.clone(),
        })
        .collect())
}

/// `12345` as `12,345`; `—` for a figure not measured.
fn thousands(x: f64) -> String {
    if x.is_nan() {
        return "—".into();
    }
    let s = format!("{:.0}", x);
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A ratio with two decimals; `—` when a figure is missing.
fn ratio(x: f64) -> String {
    if x.is_nan() {
        "—".into()
    } else {
        format!("{x:.2}")
    }
}

fn main() {
    let s = match settings() {
        Ok(Some(s)) => s,
        Ok(None) => return,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let Some(wrk_bin) = which("wrk") else {
        eprintln!("skipping targets: needs wrk (apt-get install wrk)");
        return;
    };
    eprintln!(
        "wrk -t1 -c{} -d{}s, {} round(s) after a {}-second warm-up; median per figure",
        s.connections, s.seconds, s.rounds, s.warmup
    );
    let mut rows = Vec::new();
    for t in &s.targets {
        eprintln!("{}: {}", t.name, t.served_by);
        match run_target(t, &s, &wrk_bin) {
            Ok(r) => {
                for row in &r {
                    eprintln!(
                        "{} {}: {}",
                        row.target,
                        row.request.label(),
                        row.rps
                            .iter()
                            .map(|x| thousands(*x))
                            .collect::<Vec<_>>()
                            .join(" / ")
                    );
                }
                rows.extend(r);
            }
            Err(why) => eprintln!("skipping {}: {why}", t.name),
        }
    }
    println!("| target | request | 100 origins | 1,000 | 10,000 | no CORS | fixed headers | 10k ÷ fixed headers | 10k ÷ 100 | flat (±10 %)? |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let mut notes = Vec::new();
    for row in &rows {
        let [r100, r1k, r10k, bare, fixed] = row.rps[..] else {
            unreachable!("five variants")
        };
        let flat = r10k / r100;
        let verdict = if flat.is_nan() {
            "does not build".to_string()
        } else if flat >= FLAT {
            "yes".to_string()
        } else {
            "**no**".to_string()
        };
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {verdict} |",
            row.target,
            row.request.label(),
            thousands(r100),
            thousands(r1k),
            thousands(r10k),
            thousands(bare),
            thousands(fixed),
            ratio(r10k / fixed),
            ratio(flat),
        );
        if row.request == Request::Preflight {
            for (k, why) in &row.broken {
                notes.push(format!("{} at {:?}: {why}", row.target, VARIANTS[*k]));
            }
        }
    }
    for n in notes {
        println!("\n{n}");
    }
}
