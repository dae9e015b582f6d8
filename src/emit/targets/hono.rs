//! Hono: a TypeScript module exporting one middleware built on `hono/cors`.
//!
//! How the output works, and why:
//!
//! - **TypeScript.** Hono is written in TypeScript and most of its users write it: the module
//!   is `.ts`, typed with Hono's own `MiddlewareHandler`, `Context` and `Next`, and compiles
//!   under `strict` with no type-only syntax a type stripper could not erase (no `enum`, no
//!   `namespace`).
//! - **One `cors()` per policy, one dispatcher for the paths.** The exported middleware finds
//!   the most specific scope for the request path (the last match in a least-specific-first
//!   list, as the evaluator decides) and hands the request to that policy's middleware; a path
//!   no scope covers passes through untouched. Hono 4.0 routes on the URL's path as written,
//!   later releases on it `decodeURI`d (`%25` kept): the dispatcher reads both, and a path
//!   whose readings select different policies (or that `decodeURI` cannot read) gets no CORS.
//!   A prefix scope `/api/*` also covers the bare `/api`, as Hono's `/api/*` route does.
//! - **Origins are checked before `cors()` runs.** `hono/cors` sends
//!   `Access-Control-Allow-Credentials: true` (and `Access-Control-Expose-Headers`) to every
//!   origin, refused ones included, and answers every `OPTIONS` as a preflight. So a request
//!   from a refused origin (or without `Origin`) never reaches it: it gets `Vary: Origin`, and
//!   a refused preflight is answered `204` with nothing else, so the application never sees
//!   it. An `OPTIONS` that is no preflight goes to the application and gets the headers of an
//!   actual request from the module itself. `cors` gets an `origin` function running the same
//!   test (a `Set` lookup), so it reflects the origin it was given.
//! - **Origin matching.** Exact origins are compared with `===` (a `Set`), patterns and
//!   `regex` entries are `RegExp`s anchored by corsc, built without flags. An `Origin` longer
//!   than any browser sends (`MAX_ORIGIN_LENGTH`) is refused before any of them runs.
//! - **Never `*` with credentials.** The plan refuses it; `hono/cors` would send `*` with
//!   `true`.
//! - **Lists `hono/cors` would widen.** Left out, `allowMethods` defaults to six or seven
//!   methods: the module passes `[]`. An empty `allowHeaders` makes it echo whatever
//!   `Access-Control-Request-Headers` asks, and no option turns that off: the module removes
//!   the echo from the preflight answer unless the policy asks for it (`request-headers
//!   mirror`, or `*` with credentials when `authorization` is not asked). `methods *` with
//!   credentials is echoed by the module, with its `Vary`.
//! - **Private network.** `hono/cors` has no option for it: refused by the plan.

use crate::emit::capability::Capabilities;
use crate::emit::idents::IdentScheme;
use crate::emit::lang::js;
use crate::emit::meta::TargetMeta;
use crate::emit::output::Output;
use crate::emit::ownership::Layer;
use crate::emit::plan::Plan;
use crate::emit::provenance::Provenance;
use crate::emit::target::Target;
use crate::emit::writer::Writer;

/// The Hono target.
pub struct Hono;

static CAPS: Capabilities = Capabilities {
    min_version: "4.0.6 (with @hono/node-server 1.8.0 on Node.js 20)",
    routing: crate::eval::Routing::Hono,
    modules: &["hono"],
    ..js::LIBRARY_CAPABILITIES
};

/// The module's own names: its imports, types, helpers and exports.
static IDENTS: IdentScheme = js::policy_consts(
    &[
        "cors",
        "scopes",
        "corsc",
        "policies",
        "Context",
        "MiddlewareHandler",
        "Next",
    ],
    &[
        js::MARKERS,
        js::TS_SPEC_HEAD,
        HELPERS,
        RUNTIME,
        URL_PATH,
        js::TS_URL_PATH_BODY,
        DECODED_PATH_DOC,
        js::TS_DECODED_PATH,
        DISPATCH,
    ],
);

/// The `hono` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "hono",
    aliases: &[],
    name: "Hono (hono/cors)",
    doc_short: "a TypeScript module exporting one Hono middleware built on `hono/cors`",
    layer: Layer::App,
    capabilities: &CAPS,
    limits: js::LIMITS,
    idents: &IDENTS,
};

impl Target for Hono {
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
                "Hono middleware answering CORS for the policies below, built on `hono/cors`.",
                "",
                "import corsc from './corsc-hono';   // './corsc-hono.js' under moduleResolution nodenext",
                "app.use(corsc);",
                "",
                "Mount it first, before the routes and before authentication: preflights carry no",
                "credentials. Scopes are compared as Hono's default router reads paths (`strict: true`,",
                "case-sensitive). Each policy's middleware is also exported, for one route:",
                "`policies['NAME']`.",
            ],
        );
        w.line("import type { Context, MiddlewareHandler, Next } from 'hono';");
        w.line("import { cors } from 'hono/cors';");
        w.blank();
        js::ts_module_head(&mut w, HELPERS);
        w.text(RUNTIME);
        let form = js::SpecForm::typescript(false);
        w.each_policy(plan, |w, p| js::policy(w, p, &form, |_| ()));
        js::ts_dispatch(&mut w, plan, URL_PATH, DECODED_PATH_DOC, DISPATCH);
        w.blank();
        w.line(format!(
            "export const policies: Readonly<Record<string, MiddlewareHandler>> = {};",
            js::policies_object(plan)
        ));
        Output::one("corsc-hono.ts", "next to the Hono app", w.finish())
    }
}

/// After [`js::TS_SPEC_HEAD`]: the rest of the spec, the scope type, and the request tests.
/// The spec is written by [`js::policy`]: a fixed value the library joins back into a list,
/// the echo markers, or `null` for nothing.
const HELPERS: &str = r#"    readonly maxAge: number | null;
}

/** A path scope of the dispatcher: an exact path, or a prefix ending in `/`. */
interface Scope {
    readonly exact: boolean;
    readonly path: string;
    readonly policy: MiddlewareHandler;
}

/** A CORS preflight: OPTIONS with Origin and Access-Control-Request-Method. */
function isPreflight(c: Context): boolean {
    return c.req.method === 'OPTIONS'
        && c.req.header('origin') !== undefined
        && c.req.header('access-control-request-method') !== undefined;
}

/** Adds a name to Vary unless it is listed there. */
function addVary(headers: Headers, name: string): void {
    const listed = (headers.get('Vary') ?? '').split(',').map((v) => v.trim().toLowerCase());
    if (!listed.includes(name.toLowerCase()) && !listed.includes('*')) {
        headers.append('Vary', name);
    }
}

/** Whether Access-Control-Request-Headers names authorization, which `*` never covers. */
function namesAuthorization(requested: string | undefined): boolean {
    return String(requested ?? '').split(',').some((h) => h.trim().toLowerCase() === 'authorization');
}"#;

/// The builder of one policy's middleware.
const RUNTIME: &str = r#"/**
 * The middleware of one policy. Refused origins never reach `cors()`, which would send them
 * Access-Control-Allow-Credentials; they get Vary: Origin, and a refused preflight gets 204.
 */
function policy(spec: Spec): MiddlewareHandler {
    const exact = new Set(spec.exact);
    const allows = (origin: string | undefined): origin is string => typeof origin === 'string'
        && (spec.anyOrigin || exact.has(origin)
            || (origin.length <= MAX_ORIGIN_LENGTH && spec.patterns.some((re) => re.test(origin))));
    const handler = cors({
        // cors asks again with the same test (a Set lookup) and reflects the origin it passes.
        origin: spec.anyOrigin ? '*' : (origin: string) => (allows(origin) ? origin : null),
        allowMethods: typeof spec.methods === 'string' ? [spec.methods] : [],
        allowHeaders: typeof spec.allowHeaders === 'string' ? [spec.allowHeaders] : [],
        exposeHeaders: spec.exposeHeaders === null ? [] : [spec.exposeHeaders],
        credentials: spec.credentials,
        ...(spec.maxAge === null ? {} : { maxAge: spec.maxAge }),
    });
    return async function corscPolicy(c: Context, next: Next): Promise<Response | void> {
        const origin = c.req.header('origin');
        const preflight = isPreflight(c);
        if (!allows(origin)) {
            if (preflight) {
                return new Response(null, { status: 204, headers: { Vary: 'Origin' } });
            }
            await next();
            if (!spec.anyOrigin) {
                c.header('Vary', 'Origin', { append: true });
            }
            return undefined;
        }
        if (!preflight && c.req.method === 'OPTIONS') {
            // cors would answer it as a preflight: it is an actual request, for the app.
            await next();
            c.header('Access-Control-Allow-Origin', spec.anyOrigin ? '*' : origin);
            if (spec.credentials) {
                c.header('Access-Control-Allow-Credentials', 'true');
            }
            if (spec.exposeHeaders !== null) {
                c.header('Access-Control-Expose-Headers', spec.exposeHeaders);
            }
            if (!spec.anyOrigin) {
                c.header('Vary', 'Origin', { append: true });
            }
            return undefined;
        }
        const res = await handler(c, next);
        if (!preflight || !(res instanceof Response)) {
            return res;
        }
        // cors echoes Access-Control-Request-Headers whenever allowHeaders is empty.
        const echoes = spec.allowHeaders === MIRROR
            || (spec.allowHeaders === MIRROR_UNLESS_AUTHORIZATION
                && !namesAuthorization(c.req.header('access-control-request-headers')));
        const edit = (headers: Headers): void => {
            if (spec.methods === MIRROR) {
                headers.set('Access-Control-Allow-Methods', c.req.header('access-control-request-method') ?? '');
                addVary(headers, 'Access-Control-Request-Method');
            }
            if (spec.allowHeaders !== null && typeof spec.allowHeaders !== 'string') {
                addVary(headers, 'Access-Control-Request-Headers');
            }
            if (typeof spec.allowHeaders !== 'string' && !echoes) {
                headers.delete('Access-Control-Allow-Headers');
            }
        };
        edit(res.headers);
        // Hono 4.0 copies the headers of c.res onto a response a middleware returns.
        if (c.res.headers !== res.headers) {
            edit(c.res.headers);
        }
        return res;
    };
}"#;

/// The first reading of the path, before [`js::TS_URL_PATH_BODY`].
const URL_PATH: &str = r"/** The path of the request URL as `@hono/node-server` built it: what Hono 4.0 routes on. */
function urlPath(url: string): string {
";

/// The second reading, before [`js::TS_DECODED_PATH`].
const DECODED_PATH_DOC: &str = r"
/** The path as later Hono releases route on it: decodeURI, `%25` kept; null if unreadable. */
";

/// After the readings of the path: the dispatcher on the two.
const DISPATCH: &str = r#"
/** The policy of the most specific scope covering a path, or null. */
function policyFor(path: string): MiddlewareHandler | null {
    let found: MiddlewareHandler | null = null;
    for (const s of scopes) {
        const inside = s.exact
            ? path === s.path
            : path.startsWith(s.path) || (s.path.length > 1 && s.path.endsWith('/') && path === s.path.slice(0, -1));
        if (inside) {
            found = s.policy;
        }
    }
    return found;
}

/** The CORS middleware: dispatches to the policy of the most specific scope. */
export const corsc: MiddlewareHandler = async (c, next) => {
    const raw = urlPath(c.req.url);
    const decoded = decodedPath(raw);
    const found = policyFor(raw);
    if (found === null || decoded === null || policyFor(decoded) !== found) {
        await next();
        return undefined;
    }
    return found(c, next);
};

export default corsc;"#;

#[cfg(test)]
mod tests {
    use crate::diagnostics::Diagnostic;
    use crate::emit::lang::js::test_support;

    fn compile(text: &str) -> Result<String, Vec<Diagnostic>> {
        test_support::compile(&super::Hono, text)
    }

    #[test]
    fn lists_the_library_would_widen_are_given_explicitly() {
        let out = compile("policy p {\n  origins \"https://a.example\"\n}\n").expect("compiles");
        // No methods and no headers: never the library's default methods, and its echo of
        // Access-Control-Request-Headers is removed from the preflight answer.
        assert!(out.contains("methods: null,"), "{out}");
        assert!(out.contains("allowHeaders: null,"), "{out}");
        assert!(
            out.contains("headers.delete('Access-Control-Allow-Headers')"),
            "{out}"
        );
        // A refused origin never reaches cors(), which would send it credentials.
        assert!(out.contains("if (!allows(origin)) {"), "{out}");
        // Only real preflights go to cors(), which answers every OPTIONS as one.
        assert!(
            out.contains("if (!preflight && c.req.method === 'OPTIONS')"),
            "{out}"
        );
    }

    #[test]
    fn private_network_and_any_origin_with_credentials_are_refused_naming_the_library() {
        test_support::refuses_private_network_and_any_origin_with_credentials(&super::Hono, "hono");
    }

    #[test]
    fn scopes_are_dispatched_least_specific_first_on_both_readings() {
        let out = test_support::scopes_in_order(
            &super::Hono,
            "\"/api/*\", \"/health\"",
            [
                "path: \"/\", policy: a",
                "path: \"/api/\", policy: b",
                "exact: true, path: \"/health\"",
            ],
        );
        assert!(out.contains("policyFor(decoded) !== found"), "{out}");
    }
}
