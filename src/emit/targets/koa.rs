//! Koa: a CommonJS module exporting one middleware built on `@koa/cors`.
//!
//! How the output works, and why:
//!
//! - **CommonJS JavaScript, not TypeScript.** Koa and `@koa/cors` are written in JavaScript and
//!   ship no types (those are on DefinitelyTyped), Koa's documentation and most Koa
//!   applications are JavaScript: a `.cjs` file runs as it is in a CommonJS or an ESM
//!   package, with no build step and no `@types` packages to add.
//! - **One `cors()` per policy, one dispatcher for the paths.** The exported middleware finds
//!   the most specific scope for `ctx.path` (the last match in a least-specific-first list, as
//!   the evaluator decides), compared as `@koa/router` does by default: ignoring ASCII case,
//!   an exact path also taking one trailing slash. A path no scope covers passes through.
//! - **Origins are checked before `cors()` runs.** `@koa/cors` hands a refused origin on to
//!   the application, preflights included; the module answers a refused preflight `204` with
//!   `Vary: Origin` and nothing else. `cors` gets an `origin` function running the same test
//!   (a `Set` lookup), so it reflects the origin it was given.
//! - **`OPTIONS` without `Access-Control-Request-Method`** is an actual request, which
//!   `@koa/cors` passes on without any CORS header: the module sets them itself.
//! - **Origin matching.** Exact origins are compared with `===` (a `Set`), patterns and
//!   `regex` entries are `RegExp`s anchored by corsc, built without flags. An `Origin` longer
//!   than any browser sends (`MAX_ORIGIN_LENGTH`) is refused before any of them runs.
//! - **Never `*` with credentials.** The plan refuses it; `@koa/cors` would reflect every
//!   origin.
//! - **Lists `@koa/cors` would widen or drop.** Left out, `allowMethods` defaults to six
//!   methods: the module passes `''`. An empty `allowHeaders` makes it echo whatever
//!   `Access-Control-Request-Headers` asks, and no option turns that off: the module removes
//!   the echo unless the policy asks for it. `maxAge: 0` is dropped by its truthiness test:
//!   the module passes `'0'`. Echoes (`methods *` or `request-headers *` with credentials,
//!   `request-headers mirror`) get their `Vary` from the module.
//! - **Private network.** Not offered (`@koa/cors` 5 has `privateNetworkAccess`, but the
//!   shared policy options carry no such field yet): refused by the plan, which narrows.

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

/// The Koa target.
pub struct Koa;

static CAPS: Capabilities = Capabilities {
    min_version: "2.0.0 (with @koa/cors 5.0.0)",
    routing: crate::eval::Routing::Koa,
    modules: &["@koa/cors"],
    ..js::LIBRARY_CAPABILITIES
};

/// The module's own names: the `@koa/cors` import, the scope list and the middleware.
static IDENTS: IdentScheme = js::policy_consts(
    &["cors", "scopes", "corsc"],
    &[js::MARKERS, js::PREFLIGHT_HELPERS, RUNTIME, DISPATCH],
);

/// The `koa` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "koa",
    aliases: &[],
    name: "Koa (@koa/cors)",
    doc_short: "a CommonJS module exporting one Koa middleware built on `@koa/cors`",
    layer: Layer::App,
    capabilities: &CAPS,
    limits: js::LIMITS,
    idents: &IDENTS,
};

impl Target for Koa {
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
                "Koa middleware answering CORS for the policies below, built on `@koa/cors`.",
                "",
                "CommonJS:  app.use(require('./corsc-koa.cjs'));",
                "ESM:       import corsc from './corsc-koa.cjs';  app.use(corsc);",
                "           (keep the .cjs extension: it stays CommonJS in a \"type\": \"module\" package)",
                "",
                "Use it first, before the router and before authentication: preflights carry no",
                "credentials. Scopes are compared as @koa/router reads paths by default",
                "(`sensitive: false`, `strict: false`). Each policy's middleware is also exported,",
                "for one route: `corsc.policies.NAME`.",
            ],
        );
        js::module_code(
            &mut w,
            plan,
            "const cors = require('@koa/cors');",
            RUNTIME,
            "undefined",
        );
        w.comment_with(
            "//",
            "Least specific first: the last scope that matches a path wins. Paths in lower case:",
        );
        w.comment_with("//", "@koa/router ignores case unless `sensitive: true`.");
        js::scope_list(
            &mut w,
            "const scopes =",
            routed_scopes(plan)
                .iter()
                .map(|s| js::scope_entry(s, "handler")),
        );
        w.blank();
        w.text(DISPATCH);
        w.blank();
        js::export_corsc(&mut w, plan);
        Output::one("corsc-koa.cjs", "next to the Koa app", w.finish())
    }
}

/// The dispatcher, on `ctx.path` as `@koa/router` compares it by default.
const DISPATCH: &str = r#"/** The CORS middleware: dispatches to the policy of the most specific scope. */
function corsc(ctx, next) {
    const path = String(ctx.path || '').replace(/[A-Z]+/g, (m) => m.toLowerCase());
    let handler = null;
    for (const s of scopes) {
        if (s.exact ? path === s.path || path === `${s.path}/` : path.startsWith(s.path)) {
            handler = s.handler;
        }
    }
    return handler ? handler(ctx, next) : next();
}"#;

/// The builder of one policy's middleware, after [`js::PREFLIGHT_HELPERS`].
const RUNTIME: &str = r#"/**
 * The middleware of one policy. Refused origins never reach `cors()`, which would hand a
 * refused preflight to the application; they get Vary: Origin, and a refused preflight 204.
 */
function policy(spec) {
    const exact = new Set(spec.exact);
    const allowed = (origin) => typeof origin === 'string'
        && (spec.anyOrigin || exact.has(origin)
            || (origin.length <= MAX_ORIGIN_LENGTH && spec.patterns.some((re) => re.test(origin))));
    const mirrorsHeaders = spec.allowedHeaders === MIRROR || spec.allowedHeaders === MIRROR_UNLESS_AUTHORIZATION;
    const handler = cors({
        // cors asks again with the same test (a Set lookup) and reflects the origin it passes.
        origin: spec.anyOrigin ? '*' : (ctx) => (allowed(ctx.req.headers.origin) ? ctx.req.headers.origin : ''),
        credentials: spec.credentials,
        allowMethods: typeof spec.methods === 'string' ? spec.methods : '',
        // Empty, cors echoes Access-Control-Request-Headers: the echo is removed below
        // unless the policy asks for it.
        allowHeaders: typeof spec.allowedHeaders === 'string' ? spec.allowedHeaders : undefined,
        exposeHeaders: spec.exposedHeaders,
        // A string: cors drops a maxAge of 0 (a number) by testing its truth.
        maxAge: spec.maxAge === undefined ? undefined : String(spec.maxAge),
        keepHeadersOnError: true,
    });
    return async function corscPolicy(ctx, next) {
        if (!spec.anyOrigin) {
            ctx.vary('Origin');
        }
        const origin = ctx.req.headers.origin;
        const preflight = isPreflight(ctx.req);
        if (!allowed(origin)) {
            if (preflight) {
                ctx.status = 204;
                return undefined;
            }
            return next();
        }
        if (!preflight) {
            if (ctx.method === 'OPTIONS') {
                // cors passes an OPTIONS without Access-Control-Request-Method on bare.
                ctx.set('Access-Control-Allow-Origin', spec.anyOrigin ? '*' : origin);
                if (spec.credentials) {
                    ctx.set('Access-Control-Allow-Credentials', 'true');
                }
                if (spec.exposedHeaders !== undefined) {
                    ctx.set('Access-Control-Expose-Headers', spec.exposedHeaders);
                }
                return next();
            }
            return handler(ctx, next);
        }
        await handler(ctx, next);
        if (spec.methods === MIRROR) {
            ctx.set('Access-Control-Allow-Methods', ctx.get('Access-Control-Request-Method'));
            ctx.vary('Access-Control-Request-Method');
        }
        if (mirrorsHeaders) {
            ctx.vary('Access-Control-Request-Headers');
        }
        const echoes = spec.allowedHeaders === MIRROR
            || (spec.allowedHeaders === MIRROR_UNLESS_AUTHORIZATION
                && !namesAuthorization(ctx.get('Access-Control-Request-Headers')));
        if (typeof spec.allowedHeaders !== 'string' && !echoes) {
            ctx.remove('Access-Control-Allow-Headers');
        }
        return undefined;
    };
}"#;

#[cfg(test)]
mod tests {
    use crate::diagnostics::Diagnostic;
    use crate::emit::lang::js::test_support;

    fn compile(text: &str) -> Result<String, Vec<Diagnostic>> {
        test_support::compile(&super::Koa, text)
    }

    #[test]
    fn lists_the_library_would_widen_or_drop_are_given_explicitly() {
        let out = compile("policy p {\n  origins \"https://a.example\"\n  max-age 0\n}\n")
            .expect("compiles");
        // No methods: '' (never the six defaults); no headers: the echo is removed.
        assert!(out.contains("methods: '',"), "{out}");
        assert!(out.contains("allowedHeaders: [],"), "{out}");
        assert!(
            out.contains("ctx.remove('Access-Control-Allow-Headers')"),
            "{out}"
        );
        // max-age 0 goes as a string: @koa/cors drops a falsy number.
        assert!(out.contains("maxAge: 0,"), "{out}");
        assert!(out.contains("String(spec.maxAge)"), "{out}");
        // A refused preflight is answered here, never handed to the application.
        assert!(out.contains("ctx.status = 204;"), "{out}");
    }

    #[test]
    fn private_network_and_any_origin_with_credentials_are_refused_naming_the_library() {
        test_support::refuses_private_network_and_any_origin_with_credentials(&super::Koa, "koa");
    }

    #[test]
    fn scopes_are_folded_and_least_specific_first() {
        test_support::scopes_in_order(
            &super::Koa,
            "\"/API/*\", \"/Health\"",
            [
                "path: \"/\", handler: a",
                "path: \"/api/\", handler: b",
                "exact: true, path: \"/health\"",
            ],
        );
    }
}
