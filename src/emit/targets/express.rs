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
//!   `204` with nothing else, so the application never sees it. `cors` gets a function that
//!   runs the same test (a `Set` lookup, not the list `cors` would scan entry by entry), so it
//!   reflects the origin it was given.
//! - **Origin matching.** Exact origins are compared with `===` (a `Set`), patterns and
//!   `regex` entries are `RegExp`s anchored by corsc, built without flags: a `g` or `y` flag
//!   keeps `lastIndex` between calls and fails every other request. An `Origin` longer than
//!   any browser sends (`MAX_ORIGIN_LENGTH`) is refused before any of them runs: a `RegExp`
//!   backtracks, and one request could otherwise hold the event loop.
//! - **Never `*` with credentials.** The plan refuses it; `cors` would send `*` with `true`.
//! - **Lists `cors` would widen.** Left out, `methods` defaults to six methods and
//!   `allowedHeaders` to echoing whatever is asked; the module passes `''` and `[]` instead,
//!   which `cors` leaves out of the response. Echoes the policy asks for (`methods *` or
//!   `request-headers *` with credentials, `request-headers mirror`) are computed per request,
//!   with their `Vary`.
//! - **Private network.** `cors` has no option for it: refused by the plan.

use crate::emit::capability::Capabilities;
use crate::emit::idents::IdentScheme;
use crate::emit::lang::js;
use crate::emit::meta::TargetMeta;
use crate::emit::output::Output;
use crate::emit::ownership::Layer;
use crate::emit::plan::Plan;
use crate::emit::provenance::Provenance;
use crate::emit::scopes::routed_scopes;
use crate::emit::target::Target;
use crate::emit::writer::Writer;

/// The Express target.
pub struct Express;

static CAPS: Capabilities = Capabilities {
    min_version: "4 (with cors 2.8.2)",
    routing: crate::eval::Routing::Express,
    modules: &["cors"],
    ..js::LIBRARY_CAPABILITIES
};

/// The module's own names: the `cors` import, the scope list and the exported middleware.
static IDENTS: IdentScheme = js::policy_consts(
    &["cors", "scopes", "corsc"],
    &[js::MARKERS, js::PREFLIGHT_HELPERS, RUNTIME],
);

/// The `express` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "express",
    aliases: &[],
    name: "Express (cors)",
    doc_short: "a CommonJS module exporting one Express middleware built on the `cors` package",
    layer: Layer::App,
    capabilities: &CAPS,
    limits: js::LIMITS,
    idents: &IDENTS,
};

impl Target for Express {
    fn meta(&self) -> &'static TargetMeta {
        &META
    }

    fn render(&self, plan: &Plan<'_>, provenance: &Provenance) -> Output {
        let mut w = Writer::new();
        w.module_header(
            "//",
            provenance,
            &META,
            [
                "",
                "Express middleware answering CORS for the policies below, built on the `cors` package.",
                "",
                "CommonJS:  app.use(require('./corsc-express.cjs'));",
                "ESM:       import corsc from './corsc-express.cjs';  app.use(corsc);",
                "           (keep the .cjs extension: it stays CommonJS in a \"type\": \"module\" package)",
                "",
                "Mount it before the routes and before authentication: preflights carry no credentials.",
                "Each policy's middleware is also exported, for one route: `corsc.policies.NAME`.",
            ],
        );
        js::module_code(
            &mut w,
            plan,
            "const cors = require('cors');",
            RUNTIME,
            "undefined",
        );
        w.comment_with(
            "//",
            "Least specific first: the last scope that matches a path wins. `folded` is the",
        );
        w.comment_with(
            "//",
            "path in lower case: Express routes ignoring case unless `case sensitive routing`.",
        );
        js::scope_list(
            &mut w,
            "const scopes =",
            routed_scopes(plan)
                .iter()
                .map(|s| js::folded_scope_entry(plan, s, "handler")),
        );
        w.blank();
        w.text(DISPATCH);
        w.blank();
        js::export_corsc(&mut w, plan);
        Output::one("corsc-express.cjs", "next to the Express app", w.finish())
    }
}

/// The dispatcher. It selects the policy on the path as Express's router reads it (the raw
/// path, ASCII case folded, and an exact route also taking one trailing slash: `strict:
/// false`), so `/api/ADMIN/x`, which Express hands to the `/api/admin/*` route, gets that
/// route's policy and never the one of `/api/*`. An app that turned on `case sensitive
/// routing` or `strict routing` is read at request time and compared as it routes.
const DISPATCH: &str = r#"/**
 * How the app's router compares paths: Express ignores case and takes one trailing slash
 * after a route unless the app enabled `case sensitive routing` / `strict routing`.
 */
function routing(req) {
    const app = req.app;
    const on = (name) => Boolean(app && typeof app.enabled === 'function' && app.enabled(name));
    return { sensitive: on('case sensitive routing'), strict: on('strict routing') };
}

/** The raw request path, with ASCII letters in lower case unless routing is case-sensitive. */
function routingPath(req, sensitive) {
    const url = req.originalUrl || req.url || '';
    const path = url.split('?')[0].split('#')[0];
    return sensitive ? path : path.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** The CORS middleware: dispatches to the policy of the most specific scope. */
function corsc(req, res, next) {
    const { sensitive, strict } = routing(req);
    const path = routingPath(req, sensitive);
    let handler = null;
    for (const s of scopes) {
        const p = sensitive ? s.path : s.folded;
        if (s.exact ? path === p || (!strict && path === `${p}/`) : path.startsWith(p)) {
            handler = s.handler;
        }
    }
    return handler ? handler(req, res, next) : next();
}"#;

/// The builder of one policy's middleware, after [`js::PREFLIGHT_HELPERS`].
const RUNTIME: &str = r#"/**
 * The middleware of one policy. Refused origins never reach `cors()`, which would send them
 * Access-Control-Allow-Credentials; they get Vary: Origin, and a refused preflight gets 204.
 */
function policy(spec) {
    const exact = new Set(spec.exact);
    const allowed = (origin) => typeof origin === 'string'
        && (spec.anyOrigin || exact.has(origin)
            || (origin.length <= MAX_ORIGIN_LENGTH && spec.patterns.some((re) => re.test(origin))));
    // cors asks again with the same test (a Set lookup) and reflects the origin when it
    // passes: handing it the list would make it scan every entry on every request.
    const origin = spec.anyOrigin ? '*' : (requestOrigin, cb) => cb(null, allowed(requestOrigin));
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
            origin,
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
