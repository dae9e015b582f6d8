//! Starlette and FastAPI: a Python module with `add_cors(app)`, one `CORSMiddleware` per
//! policy behind a small generated ASGI dispatcher.
//!
//! How the output works, and why:
//!
//! - **Paths.** `CORSMiddleware` has no path option, so `CorscCORS` finds the most specific
//!   scope for the raw request path (the last match in a least-specific-first list, as the
//!   evaluator decides) and hands the request to that policy's `CORSMiddleware`; other paths
//!   go to the application untouched.
//! - **Origins are checked before `CORSMiddleware` runs.** It sends
//!   `Access-Control-Allow-Credentials: true` to refused origins too, and answers a refused
//!   preflight `400` with it. A request from a refused origin (or without `Origin`) therefore
//!   goes straight to the application with `Vary: Origin` added, and a refused preflight is
//!   answered `204` with only `Vary`. The same allowlist is handed to `CORSMiddleware`.
//! - **One regex.** `allow_origin_regex` is a single string matched with `fullmatch`: corsc's
//!   anchored patterns and `regex` entries are joined into one alternation. An `Origin` longer
//!   than any browser sends (`_MAX_ORIGIN_LENGTH`) is refused before it runs: `re` backtracks,
//!   and one request could otherwise hold a worker.
//! - **Never `*` with credentials.** The plan refuses it; Starlette would reflect every origin.
//! - **Request headers.** `CORSMiddleware` adds `Accept`, `Accept-Language`,
//!   `Content-Language` and `Content-Type` to every list it answers, and a browser caches what
//!   a preflight lists: a policy that does not list `Content-Type` would grant JSON bodies. The
//!   dispatcher rewrites `Access-Control-Allow-Headers` on allowed preflights to the policy's
//!   own list (or removes it when the policy lists none).
//! - **What `CORSMiddleware` cannot say is refused by the plan**: `methods *` (it expands `*`
//!   to a fixed list, so `PURGE` would be refused) and `request-headers *` without
//!   `Authorization` (it echoes every requested header). `GET`, `HEAD` and `POST` are always passed in
//!   `allow_methods`: browsers never need them listed, but Starlette refuses a preflight for a
//!   method it does not list.
//! - **Max-age.** Starlette always sends `Access-Control-Max-Age` (600 by default); a policy
//!   without `max-age` gets 5, the browsers' own default when the header is absent.
//! - **Private network access, only where a policy grants it.** `CORSMiddleware` takes
//!   `allow_private_network` from Starlette 0.51.0 on; every older release raises `TypeError`
//!   on the keyword (at the first request, when Starlette builds its middleware stack). So it
//!   is passed only for a policy with `private-network`, and a module with such a policy checks
//!   `CORSMiddleware`'s signature when it is imported and raises `RuntimeError` naming the
//!   policies and the version needed. The alternative, answering
//!   `Access-Control-Request-Private-Network` in the dispatcher on old releases, would be
//!   corsc's own code behind every Starlette before 0.51, which the conformance suite does not
//!   run; failing before the application serves anything never grants less or more than the
//!   policy says. Without `private-network`, releases before 0.51 ignore the request header
//!   (the browser refuses, as the policy says); 0.51 and later refuse the preflight.

use crate::emit::capability::{Capabilities, RegexDialect};
use crate::emit::idents::IdentScheme;
use crate::emit::lang::{python, strings};
use crate::emit::limits::Limit;
use crate::emit::lists::{star_or_listed, with_safelisted};
use crate::emit::meta::TargetMeta;
use crate::emit::output::Output;
use crate::emit::ownership::Layer;
use crate::emit::plan::{items, Origins, Plan, PolicyPlan};
use crate::emit::provenance::Provenance;
use crate::emit::scopes::title;
use crate::emit::target::Target;
use crate::emit::writer::Writer;
use crate::fetch::MAX_ORIGIN_BYTES;
use crate::regex::Engine;

/// The Starlette (and FastAPI) target.
pub struct Starlette;

static CAPS: Capabilities = Capabilities {
    min_version: "0.37 (FastAPI 0.110.1; private-network needs 0.51)",
    regex_dialect: RegexDialect::Engine(Engine::Python),
    routing: crate::eval::Routing::Starlette,
    modules: &["starlette"],
    ..Capabilities::COMMON
};

static LIMITS: &[Limit] = &[
    Limit::PortableRegex,
    Limit::NoMethodWildcard,
    Limit::WildcardHeadersEchoAll,
];

/// The `starlette` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "starlette",
    aliases: &["fastapi"],
    name: "Starlette (CORSMiddleware)",
    doc_short:
        "a Python module with add_cors(app) for Starlette and FastAPI (CORSMiddleware per policy)",
    layer: Layer::App,
    capabilities: &CAPS,
    limits: LIMITS,
    idents: &IdentScheme::NONE,
};

impl Target for Starlette {
    fn meta(&self) -> &'static TargetMeta {
        &META
    }

    fn render(&self, plan: &Plan<'_>, provenance: &Provenance) -> Output {
        let mut w = Writer::new();
        python::header(
            &mut w,
            provenance,
            &META,
            &[
                "",
                "CORS for Starlette and FastAPI: one CORSMiddleware per policy behind a path dispatcher.",
                "",
                "    from corsc_cors import add_cors",
                "    add_cors(app)          # app = Starlette(...) or FastAPI(...), before it starts",
                "",
                "or, in a middleware list: Middleware(CorscCORS). Add it last, so it runs first:",
                "preflights carry no credentials and must not reach authentication.",
            ],
        );
        w.line("\"\"\"CORS middleware generated by corsc; see the comment above.\"\"\"");
        w.blank();
        w.text(RUNTIME);
        w.blank();
        w.comment("The longest Origin tested against a regex; a longer one is refused first. No");
        w.comment("browser sends one this long (a DNS name has at most 253 bytes).");
        w.line(format!("_MAX_ORIGIN_LENGTH = {MAX_ORIGIN_BYTES}"));
        w.blank();
        w.open("_POLICIES = {");
        for p in &plan.policies {
            policy(&mut w, p);
        }
        w.close("}");
        w.blank();
        python::scopes_table(&mut w, plan, "the ASGI `path` Starlette routes on");
        w.blank();
        w.blank();
        w.text(DISPATCH);
        if plan.policies.iter().any(|p| p.private_network) {
            w.blank();
            w.blank();
            w.text(REQUIRE_PRIVATE_NETWORK);
        }
        Output::one(
            "corsc_cors.py",
            "next to the application module",
            w.finish(),
        )
    }
}

const RUNTIME: &str = r#"import inspect
import re

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware

__all__ = ["CorscCORS", "add_cors"]

# Starlette 0.51.0 added allow_private_network; older releases raise TypeError on it.
_PRIVATE_NETWORK = "allow_private_network" in inspect.signature(CORSMiddleware).parameters


class _Policy:
    """One policy: its origin check and the CORSMiddleware that answers allowed origins."""

    def __init__(self, app, spec):
        self.any_origin = spec["any_origin"]
        self.exact = frozenset(spec["exact"])
        regex = "|".join("(?:%s)" % r for r in spec["regexes"])
        self.regex = re.compile(regex) if regex else None
        # CORSMiddleware adds four headers to every list; None: the list is an echo.
        fixed = spec["headers"]
        self.allow_headers = None if "*" in fixed else ", ".join(fixed).encode("latin-1")
        # Only when granted: the keyword does not exist before Starlette 0.51.0.
        options = {"allow_private_network": True} if spec["private_network"] else {}
        self.cors = CORSMiddleware(
            app,
            allow_origins=["*"] if self.any_origin else self.exact,
            allow_origin_regex=regex or None,
            allow_credentials=spec["credentials"],
            allow_methods=spec["methods"],
            allow_headers=spec["headers"],
            expose_headers=spec["expose"],
            max_age=spec["max_age"],
            **options,
        )

    def allows(self, origin):
        if origin is None:
            return False
        if self.any_origin or origin in self.exact:
            return True
        # re backtracks: an Origin longer than any browser sends is never tested.
        return (
            self.regex is not None
            and len(origin) <= _MAX_ORIGIN_LENGTH
            and self.regex.fullmatch(origin) is not None
        )"#;

const DISPATCH: &str = r#"class CorscCORS:
    """ASGI middleware: the policy of the most specific scope answers; other paths pass.

    Refused origins never reach CORSMiddleware, which would send them
    Access-Control-Allow-Credentials: they get Vary: Origin, and a refused preflight gets 204.
    """

    def __init__(self, app):
        self.app = app
        self.policies = {name: _Policy(app, spec) for name, spec in _POLICIES.items()}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # The decoded path, the one Starlette's router matches: the raw path would let
        # /api/%61dmin/x reach the /api/admin/ routes with the policy of /api/.
        path = scope["path"]
        policy = None
        for exact, prefix, name in _SCOPES:
            if (path == prefix) if exact else path.startswith(prefix):
                policy = self.policies[name]
        if policy is None:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if policy.allows(origin):
            if policy.allow_headers is None:
                await policy.cors(scope, receive, send)
                return

            async def send_own_headers(message):
                if message["type"] == "http.response.start":
                    key = b"access-control-allow-headers"
                    old = message.get("headers", [])
                    if any(k.lower() == key for k, _ in old):
                        new = [(k, v) for k, v in old if k.lower() != key]
                        if policy.allow_headers:
                            new.append((key, policy.allow_headers))
                        message["headers"] = new
                await send(message)

            await policy.cors(scope, receive, send_own_headers)
            return
        vary = not policy.any_origin
        if (
            scope["method"] == "OPTIONS"
            and origin is not None
            and "access-control-request-method" in headers
        ):
            out = [(b"content-length", b"0")]
            if vary:
                out.append((b"vary", b"Origin"))
            await send({"type": "http.response.start", "status": 204, "headers": out})
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_with_vary(message):
            if vary and message["type"] == "http.response.start":
                message.setdefault("headers", [])
                h = MutableHeaders(scope=message)
                h.add_vary_header("Origin")
            await send(message)

        await self.app(scope, receive, send_with_vary)


def add_cors(app):
    """Adds the CORS middleware to a Starlette or FastAPI application."""
    app.add_middleware(CorscCORS)
    return app"#;

/// Emitted when a policy answers the Private Network Access preflight: importing the module on a Starlette
/// without `allow_private_network` fails before the application serves a request.
const REQUIRE_PRIVATE_NETWORK: &str = r#"def _require_private_network():
    """Fails at import when a policy answers the Private Network Access preflight and this
    Starlette cannot."""
    needs = sorted(name for name, spec in _POLICIES.items() if spec["private_network"])
    if needs and not _PRIVATE_NETWORK:
        raise RuntimeError(
            "corsc: policies %s answer the Private Network Access preflight (private-network), "
            "which needs Starlette 0.51.0 or later (CORSMiddleware(allow_private_network=...)); "
            "this Starlette lacks it"
            % ", ".join(needs)
        )


_require_private_network()"#;

fn policy(w: &mut Writer, p: &PolicyPlan<'_>) {
    w.comment(title(p));
    w.open(format!("{}: {{", strings::python(p.name)));
    // Patterns that differ only in their host share one group ([`crate::emit::alternation`]).
    let (exact, regexes) = p.origins.joined();
    let any = p.origins == Origins::Any;
    w.line(format!("\"any_origin\": {},", python::boolean(any)));
    w.line(format!("\"exact\": {},", python::list(exact)));
    w.items(
        "\"regexes\": [",
        regexes.iter().map(|r| strings::python(r)),
        "],",
    );
    w.line(format!(
        "\"credentials\": {},",
        python::boolean(p.credentials)
    ));
    // Browsers never need the safelisted methods listed; Starlette refuses preflights for
    // methods it does not list, so they are always there.
    w.line(format!(
        "\"methods\": {},",
        python::list(with_safelisted(&p.methods))
    ));
    w.line(format!(
        "\"headers\": {},",
        python::list(star_or_listed(&p.headers))
    ));
    let expose = p.expose.as_deref().into_iter().flat_map(items);
    w.line(format!("\"expose\": {},", python::list(expose)));
    w.line(format!("\"max_age\": {},", p.max_age.unwrap_or(5)));
    w.line(format!(
        "\"private_network\": {},",
        python::boolean(p.private_network)
    ));
    w.close("},");
}
