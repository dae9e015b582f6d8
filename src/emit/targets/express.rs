//! Express: a CommonJS module exporting one middleware built on the `cors` package.
//!
//! How the output works, and why:
//!
//! - **One `cors()` per policy, one dispatcher for the paths.** The exported middleware finds
//!   the most specific scope for the request path (the last match in a least-specific-first
//!   list, as the evaluator decides) and hands the request to that policy's `cors()`; a path no
//!   scope covers passes through untouched. `app.use('/api', …)` cannot say "exactly
//!   `/health`" or "most specific wins", so the dispatcher does it.
//! - **Origins are checked before `cors()` runs.** `cors` sends
//!   `Access-Control-Allow-Credentials: true` to every origin, refused ones included, and
//!   answers every `OPTIONS` as a preflight. So a request from a refused origin (or without
//!   `Origin`) never reaches it: it gets `Vary: Origin`, and a refused preflight is answered
//!   `204` with nothing else, so the application never sees it. The allowlist handed to `cors`
//!   is the same one, so `cors` reflects the origin it was given.
//! - **Origin matching.** Exact origins are compared with `===` (a `Set`), patterns and
//!   `regex` entries are `RegExp`s anchored by corsc, built without flags: a `g` or `y` flag
//!   keeps `lastIndex` between calls and fails every other request.
//! - **Never `*` with credentials.** The plan refuses it; `cors` would send `*` with `true`.
//! - **Lists `cors` would widen.** Left out, `methods` defaults to six methods and
//!   `allowedHeaders` to echoing whatever is asked; the module passes `''` and `[]` instead,
//!   which `cors` leaves out of the response. Echoes the policy asks for (`methods *` or
//!   `request-headers *` with credentials, `request-headers mirror`) are computed per request,
//!   with their `Vary`.
//! - **Private network.** `cors` has no option for it: refused by the plan.

use super::frameworks::{header, js_policy, js_string, scopes};
use crate::emit::capability::{Capabilities, Lookup, Shape, Support, Syntax};
use crate::emit::limits::Limit;
use crate::emit::plan::{Plan, Scope};
use crate::emit::registry::Target;
use crate::emit::writer::Writer;
use crate::emit::{Output, Part, Provenance};

/// The Express target.
pub struct Express;

static CAPS: Capabilities = Capabilities {
    min_version: "4 (with cors 2.8)",
    exact_origins: Support::Yes,
    exact_lookup: Lookup::Hash,
    subdomain_patterns: Support::Yes,
    port_patterns: Support::Yes,
    regex: Support::Yes,
    regex_dialect: "JavaScript RegExp",
    regex_named_groups: false,
    any_origin: Support::Yes,
    credentials: Support::Yes,
    header_mirroring: Support::Yes,
    expose_any_with_credentials: Support::No,
    max_age: Support::Yes,
    private_network: Support::No,
    path_scoping: Support::Yes,
    shapes: &[Shape::Include],
    modules: &["cors"],
    syntax: Syntax {
        value_forbidden: &[],
        regex_forbidden: &[],
        max_token: 1 << 20,
        max_regex_repeat: u32::MAX,
    },
};

static LIMITS: &[Limit] = &[Limit::PortableRegex("JavaScript RegExp")];

impl Target for Express {
    fn id(&self) -> &'static str {
        "express"
    }

    fn name(&self) -> &'static str {
        "Express (cors)"
    }

    fn doc_short(&self) -> &'static str {
        "a CommonJS module exporting one Express middleware built on the `cors` package"
    }

    fn capabilities(&self) -> &'static Capabilities {
        &CAPS
    }

    fn limits(&self) -> &'static [Limit] {
        LIMITS
    }

    fn render(&self, plan: &Plan<'_>, provenance: &Provenance) -> Output {
        let mut w = Writer::new();
        header(&mut w, "//", provenance, "express", &CAPS);
        for l in [
            "",
            "Express middleware answering CORS for the policies below, built on the `cors` package.",
            "",
            "CommonJS:  app.use(require('./corsc-express.cjs'));",
            "ESM:       import corsc from './corsc-express.cjs';  app.use(corsc);",
            "           (keep the .cjs extension: it stays CommonJS in a \"type\": \"module\" package)",
            "",
            "Mount it before the routes and before authentication: preflights carry no credentials.",
            "Each policy's middleware is also exported, for one route: `corsc.policies.NAME`.",
        ] {
            w.line(format!("//{}{l}", if l.is_empty() { "" } else { " " }));
        }
        w.line("'use strict';");
        w.blank();
        w.line("const cors = require('cors');");
        w.blank();
        runtime(&mut w);
        for p in &plan.policies {
            w.blank();
            js_policy(&mut w, p, "undefined");
        }
        w.blank();
        w.comment_js("Least specific first: the last scope that matches a path wins.");
        w.open("const scopes = [");
        for (scope, p) in scopes(plan) {
            let (exact, path) = match scope {
                Scope::Exact(x) => (true, x),
                Scope::Prefix(x) => (false, x),
            };
            w.line(format!(
                "{{ exact: {exact}, path: {}, handler: {} }},",
                js_string(path),
                p.ident
            ));
        }
        w.close("];");
        w.blank();
        w.line("/** The CORS middleware: dispatches to the policy of the most specific scope. */");
        w.open("function corsc(req, res, next) {");
        w.line("const url = req.originalUrl || req.url || '';");
        w.line("const path = url.split('?')[0].split('#')[0];");
        w.line("let handler = null;");
        w.open("for (const s of scopes) {");
        w.open("if (s.exact ? path === s.path : path.startsWith(s.path)) {");
        w.line("handler = s.handler;");
        w.close("}");
        w.close("}");
        w.line("return handler ? handler(req, res, next) : next();");
        w.close("}");
        w.blank();
        w.line("module.exports = corsc;");
        w.line("module.exports.default = corsc;");
        let names: Vec<String> = plan
            .policies
            .iter()
            .map(|p| format!("{}: {}", js_string(p.name), p.ident))
            .collect();
        w.line(format!(
            "module.exports.policies = {{ {} }};",
            names.join(", ")
        ));
        Output {
            parts: vec![Part {
                file_name: "corsc-express.cjs",
                placement: "next to the Express app",
                text: w.finish(),
            }],
        }
    }
}

/// `//` comments for JavaScript.
trait JsComment {
    fn comment_js(&mut self, s: &str);
}

impl JsComment for Writer {
    fn comment_js(&mut self, s: &str) {
        self.line(format!("// {}", crate::emit::writer::comment_safe(s)));
    }
}

/// The helpers every generated module carries: the preflight test and the per-policy builder.
fn runtime(w: &mut Writer) {
    for line in RUNTIME.lines() {
        w.line(line);
    }
}

const RUNTIME: &str = r#"const MIRROR = Symbol('mirror the request');
const MIRROR_UNLESS_AUTHORIZATION = Symbol('mirror unless it names authorization');

/** A CORS preflight: OPTIONS with Origin and Access-Control-Request-Method. */
function isPreflight(req) {
    return req.method === 'OPTIONS'
        && typeof req.headers.origin === 'string'
        && typeof req.headers['access-control-request-method'] === 'string';
}

/** Whether Access-Control-Request-Headers names authorization, which `*` never covers. */
function namesAuthorization(requested) {
    return String(requested || '').split(',').some((h) => h.trim().toLowerCase() === 'authorization');
}

/**
 * The middleware of one policy. Refused origins never reach `cors()`, which would send them
 * Access-Control-Allow-Credentials; they get Vary: Origin, and a refused preflight gets 204.
 */
function policy(spec) {
    const exact = new Set(spec.exact);
    const allowed = (origin) => typeof origin === 'string'
        && (spec.anyOrigin || exact.has(origin) || spec.patterns.some((re) => re.test(origin)));
    const handler = cors((req, callback) => {
        const preflight = isPreflight(req);
        let methods = spec.methods;
        if (methods === MIRROR) {
            methods = req.headers['access-control-request-method'] || '';
        }
        let allowedHeaders = spec.allowedHeaders;
        if (allowedHeaders === MIRROR) {
            allowedHeaders = undefined; // cors echoes Access-Control-Request-Headers
        } else if (allowedHeaders === MIRROR_UNLESS_AUTHORIZATION) {
            allowedHeaders = namesAuthorization(req.headers['access-control-request-headers']) ? [] : undefined;
        }
        callback(null, {
            origin: spec.anyOrigin ? '*' : [...spec.exact, ...spec.patterns],
            credentials: spec.credentials,
            methods,
            allowedHeaders,
            exposedHeaders: spec.exposedHeaders,
            maxAge: spec.maxAge,
            // cors answers every OPTIONS itself; only a real preflight should be.
            preflightContinue: !preflight,
            optionsSuccessStatus: 204,
        });
    });
    return function corscPolicy(req, res, next) {
        if (!spec.anyOrigin) {
            res.vary('Origin');
        }
        if (!allowed(req.headers.origin)) {
            if (isPreflight(req)) {
                res.statusCode = 204;
                res.setHeader('Content-Length', '0');
                res.end();
                return undefined;
            }
            return next();
        }
        if (isPreflight(req)) {
            if (spec.methods === MIRROR) {
                res.vary('Access-Control-Request-Method');
            }
            if (spec.allowedHeaders === MIRROR || spec.allowedHeaders === MIRROR_UNLESS_AUTHORIZATION) {
                res.vary('Access-Control-Request-Headers');
            }
        }
        return handler(req, res, next);
    };
}"#;
