//! Cloudflare Workers: a TypeScript module Worker answering CORS in front of the origin.
//!
//! How the output works, and why:
//!
//! - **A wrapper and a proxy.** A Workers developer either puts CORS around a Worker that
//!   answers itself or deploys a Worker in front of an origin. The module exports
//!   `withCors(handler)`, which wraps any `fetch` handler, and a default export that wraps
//!   `fetch(request)`: deployed as it is, the Worker proxies to the origin (the route's host
//!   or the URL's), which is the layer corsc compiles it for (`Layer::Proxy`). Both run the
//!   same code, so the default export is what the conformance suite proves.
//! - **No library.** Workers have no CORS middleware of their own, and the answer is a few
//!   header writes: the module holds them in full, typed with `@cloudflare/workers-types`
//!   and `strict`, with no type-only syntax a type stripper could not erase.
//! - **Preflights** (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) in a scope
//!   are answered by the Worker with `204`: the `Allow-*` headers for an allowed origin,
//!   `Vary` alone for a refused one; they never reach the origin.
//! - **Other requests** go to the handler; its response is copied (`new Response(res.body,
//!   res)`: a fetched response's headers are immutable), the origin's CORS headers are
//!   removed (the Worker owns CORS in its scopes, and in any path a reading of which is in a
//!   scope), the policy's are set for an allowed origin, and `Origin` is added to `Vary`
//!   beside what the origin listed.
//! - **Origin matching.** Exact origins are a `Set` (compared as sent, one lookup), patterns
//!   and `regex` entries `RegExp`s anchored by corsc and built without flags; an `Origin`
//!   longer than any browser sends (`MAX_ORIGIN_LENGTH`) is refused before any of them runs.
//! - **Paths.** The Worker dispatches on `new URL(request.url).pathname` (dot segments
//!   resolved by the URL parser), but `request.url` is the target as sent, which `fetch`
//!   forwards, and the origin may decode it: a path whose pathname, form as sent and
//!   `decodeURI`d pathname select different policies (or with a `\`, which the parser reads
//!   as `/`) gets no CORS. Scopes are compared as written, so a scope the parser would
//!   rewrite is never selected by its rewritten form.

use crate::emit::capability::Capabilities;
use crate::emit::idents::IdentScheme;
use crate::emit::lang::{js, strings};
use crate::emit::meta::TargetMeta;
use crate::emit::output::Output;
use crate::emit::ownership::Layer;
use crate::emit::plan::{Plan, PolicyPlan, CORS_RESPONSE_HEADERS};
use crate::emit::provenance::Provenance;
use crate::emit::target::Target;
use crate::emit::writer::Writer;

/// The Cloudflare Workers target.
pub struct Workers;

static CAPS: Capabilities = Capabilities {
    min_version: "2026-11-17 (workerd, compatibility date 2026-11-17)",
    routing: crate::eval::Routing::Workers,
    ..js::CAPABILITIES
};

/// The module's own names: its types, helpers and exports.
static IDENTS: IdentScheme = js::policy_consts(
    &[
        "withCors",
        "FetchHandler",
        "scopes",
        "Request",
        "Response",
        "Headers",
        "URL",
        "Set",
        "RegExp",
        "Symbol",
        "fetch",
        "ExecutionContext",
        "ExportedHandler",
    ],
    &[
        js::MARKERS,
        js::TS_SPEC_HEAD,
        HELPERS,
        RUNTIME,
        SENT_PATH,
        js::TS_URL_PATH_BODY,
        DECODED_PATH_DOC,
        js::TS_DECODED_PATH,
        DISPATCH,
    ],
);

/// The `workers` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "workers",
    aliases: &["cloudflare-workers"],
    name: "Cloudflare Workers (workerd)",
    doc_short: "a TypeScript module Worker: `withCors(handler)` and a default export proxying to the origin",
    layer: Layer::Proxy,
    capabilities: &CAPS,
    limits: js::LIMITS,
    idents: &IDENTS,
};

impl Target for Workers {
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
                "A module Worker answering CORS for the policies below, in front of the origin.",
                "",
                "Deployed as it is (`main = \"corsc-worker.ts\"`), the default export proxies every",
                "request to the origin with `fetch(request)`. To wrap a Worker of your own:",
                "",
                "import { withCors } from './corsc-worker';",
                "export default { fetch: withCors(async (request, env, ctx) => app(request, env, ctx)) };",
                "",
                "Preflights in a scope are answered here (204) and never reach the handler; the",
                "handler's CORS headers are replaced by the ones below. Scopes are compared with",
                "`new URL(request.url).pathname`, case-sensitive; a path the origin could read",
                "otherwise (dot segments, escapes that change the scope, a backslash) gets no CORS.",
            ],
        );
        js::ts_module_head(&mut w, HELPERS);
        w.items(
            "/** The CORS response headers the Worker owns: any the handler sends are removed. */\nconst CORS_HEADERS: readonly string[] = [",
            CORS_RESPONSE_HEADERS.iter().map(|h| strings::js(h)),
            "];",
        );
        w.blank();
        w.text(RUNTIME);
        w.each_policy(plan, policy);
        js::ts_dispatch(&mut w, plan, SENT_PATH, DECODED_PATH_DOC, DISPATCH);
        Output::one(
            "corsc-worker.ts",
            "the Worker's main module (or beside it, for `withCors`)",
            w.finish(),
        )
    }
}

/// One policy's `Policy`: the spec's fields ([`js::policy`], `maxAge` the header's text), then
/// what the Worker answers itself: Private Network Access and the preflight's `Vary`.
fn policy(w: &mut Writer, p: &PolicyPlan<'_>) {
    js::policy(w, p, &js::SpecForm::typescript(true), |w| {
        w.line(format!("privateNetwork: {},", p.private_network));
        let vary = p.preflight_vary();
        let vary = if vary.is_empty() {
            "null".to_string()
        } else {
            strings::js(&vary.join(", "))
        };
        w.line(format!("preflightVary: {vary},"));
        w.line(format!("varyOrigin: {},", p.vary_origin()));
    });
}

/// After [`js::TS_SPEC_HEAD`]: the rest of the spec, the policy and scope types, and the
/// header helpers.
const HELPERS: &str = r#"    readonly maxAge: string | null;
    readonly privateNetwork: boolean;
    readonly preflightVary: string | null;
    readonly varyOrigin: boolean;
}

/** A policy: its spec and its origin test. */
interface Policy {
    readonly spec: Spec;
    readonly allows: (origin: string | null) => origin is string;
}

/** A path scope of the dispatcher: an exact path, or a prefix ending in `/`. */
interface Scope {
    readonly exact: boolean;
    readonly path: string;
    readonly policy: Policy;
}

/** A Worker's fetch handler, as `withCors` takes and returns it. */
export type FetchHandler<Env> = (request: Request, env: Env, ctx: ExecutionContext) => Response | Promise<Response>;

/** Adds names to Vary, each unless it is listed there (or Vary is `*`). */
function addVary(headers: Headers, names: string): void {
    const listed = (headers.get('Vary') ?? '').split(',').map((v) => v.trim().toLowerCase());
    if (listed.includes('*')) {
        return;
    }
    for (const name of names.split(', ')) {
        if (!listed.includes(name.toLowerCase())) {
            headers.append('Vary', name);
        }
    }
}

/** Whether Access-Control-Request-Headers names authorization, which `*` never covers. */
function namesAuthorization(requested: string | null): boolean {
    return (requested ?? '').split(',').some((h) => h.trim().toLowerCase() === 'authorization');
}"#;

/// The builder of one policy and the two answers.
const RUNTIME: &str = r#"/** One policy: exact origins in a Set, patterns tried only on an origin of sane length. */
function policy(spec: Spec): Policy {
    const exact = new Set(spec.exact);
    return {
        spec,
        allows: (origin: string | null): origin is string => origin !== null
            && (spec.anyOrigin || exact.has(origin)
                || (origin.length <= MAX_ORIGIN_LENGTH && spec.patterns.some((re) => re.test(origin)))),
    };
}

/** The Worker's answer to a preflight: the Allow-* headers for an allowed origin only. */
function preflight(p: Policy, request: Request): Response {
    const { spec } = p;
    const headers = new Headers();
    const origin = request.headers.get('Origin');
    if (p.allows(origin)) {
        headers.set('Access-Control-Allow-Origin', spec.anyOrigin ? '*' : origin);
        if (spec.credentials) {
            headers.set('Access-Control-Allow-Credentials', 'true');
        }
        if (typeof spec.methods === 'string') {
            headers.set('Access-Control-Allow-Methods', spec.methods);
        } else if (spec.methods === MIRROR) {
            headers.set('Access-Control-Allow-Methods', request.headers.get('Access-Control-Request-Method') ?? '');
        }
        const requested = request.headers.get('Access-Control-Request-Headers');
        if (typeof spec.allowHeaders === 'string') {
            headers.set('Access-Control-Allow-Headers', spec.allowHeaders);
        } else if (requested !== null && (spec.allowHeaders === MIRROR
            || (spec.allowHeaders === MIRROR_UNLESS_AUTHORIZATION && !namesAuthorization(requested)))) {
            headers.set('Access-Control-Allow-Headers', requested);
        }
        if (spec.maxAge !== null) {
            headers.set('Access-Control-Max-Age', spec.maxAge);
        }
        if (spec.privateNetwork && request.headers.get('Access-Control-Request-Private-Network') === 'true') {
            headers.set('Access-Control-Allow-Private-Network', 'true');
        }
    }
    if (spec.preflightVary !== null) {
        addVary(headers, spec.preflightVary);
    }
    return new Response(null, { status: 204, headers });
}

/** The handler's response, copied (fetched headers are immutable) with the policy's headers. */
function actual(p: Policy | null, request: Request, res: Response): Response {
    const out = new Response(res.body, res);
    for (const name of CORS_HEADERS) {
        out.headers.delete(name);
    }
    if (p === null) {
        return out;
    }
    const { spec } = p;
    const origin = request.headers.get('Origin');
    if (p.allows(origin)) {
        out.headers.set('Access-Control-Allow-Origin', spec.anyOrigin ? '*' : origin);
        if (spec.credentials) {
            out.headers.set('Access-Control-Allow-Credentials', 'true');
        }
        if (spec.exposeHeaders !== null) {
            out.headers.set('Access-Control-Expose-Headers', spec.exposeHeaders);
        }
    }
    if (spec.varyOrigin) {
        addVary(out.headers, 'Origin');
    }
    return out;
}"#;

/// The first reading of the path: as sent, before [`js::TS_URL_PATH_BODY`].
const SENT_PATH: &str = r"/** The path of `request.url` as sent (workerd keeps the request target as written). */
function sentPath(url: string): string {
";

/// The third reading, the path as an origin that decodes reads it, before
/// [`js::TS_DECODED_PATH`].
const DECODED_PATH_DOC: &str = r"
/** The path `decodeURI`d with `%25` kept, as an origin may route on it; null if unreadable. */
";

/// After the readings of the path: the dispatcher on the three, and the exports.
const DISPATCH: &str = r#"
/** The policy of the most specific scope covering a path, or null. */
function policyFor(path: string): Policy | null {
    let found: Policy | null = null;
    for (const s of scopes) {
        if (s.exact ? path === s.path : path.startsWith(s.path)) {
            found = s.policy;
        }
    }
    return found;
}

/**
 * The policy of a request, and whether the Worker owns its CORS headers: it does where any
 * reading of the path is in a scope, and answers only where all readings pick one policy.
 */
function dispatch(request: Request): { readonly policy: Policy | null; readonly owned: boolean } {
    const sent = sentPath(request.url);
    const path = new URL(request.url).pathname;
    const decoded = decodedPath(path);
    const found = policyFor(path);
    const readings = [policyFor(sent), decoded === null ? null : policyFor(decoded)];
    const owned = found !== null || readings.some((r) => r !== null);
    const agree = !sent.includes('\\') && decoded !== null && readings.every((r) => r === found);
    return { policy: agree ? found : null, owned };
}

/** Wraps a fetch handler: preflights in a scope are answered here, other responses decorated. */
export function withCors<Env = unknown>(handler: FetchHandler<Env>): FetchHandler<Env> {
    return async (request: Request, env: Env, ctx: ExecutionContext): Promise<Response> => {
        const { policy: p, owned } = dispatch(request);
        if (p !== null && request.method === 'OPTIONS' && request.headers.has('Origin')
            && request.headers.has('Access-Control-Request-Method')) {
            return preflight(p, request);
        }
        const res = await handler(request, env, ctx);
        return owned ? actual(p, request, res) : res;
    };
}

/** Deployed as it is: a proxy to the origin, with CORS answered here. */
export default {
    fetch: withCors(async (request: Request): Promise<Response> => fetch(request)),
} satisfies ExportedHandler;"#;

#[cfg(test)]
mod tests {
    use crate::diagnostics::Diagnostic;
    use crate::emit::lang::js::test_support;

    fn compile(text: &str) -> Result<String, Vec<Diagnostic>> {
        test_support::compile(&super::Workers, text)
    }

    #[test]
    fn the_worker_owns_cors_in_its_scopes_and_proxies_by_default() {
        let out = compile("policy p {\n  origins \"https://a.example\"\n}\n").expect("compiles");
        // Fetched responses have immutable headers: copied before any edit.
        assert!(out.contains("new Response(res.body, res)"), "{out}");
        for h in crate::emit::plan::CORS_RESPONSE_HEADERS {
            assert!(
                out.contains(&format!("\"{h}\",")),
                "{h} not removed:\n{out}"
            );
        }
        // Vary is appended to, never replaced.
        assert!(out.contains("headers.append('Vary', name)"), "{out}");
        assert!(!out.contains("set('Vary'"), "{out}");
        assert!(
            out.contains(
                "fetch: withCors(async (request: Request): Promise<Response> => fetch(request))"
            ),
            "{out}"
        );
        assert!(
            out.contains("exact: [\n        \"https://a.example\",\n    ],"),
            "{out}"
        );
    }

    #[test]
    fn regexes_javascript_reads_otherwise_are_refused() {
        let d = compile("policy p {\n  origins regex \"^https://(?<n>a)\\.example$\"\n}\n")
            .expect_err("named group");
        assert_eq!(d[0].code, "P301", "{d:#?}");
    }

    #[test]
    fn scopes_are_listed_least_specific_first_and_compared_on_three_readings() {
        let out = test_support::scopes_in_order(
            &super::Workers,
            "\"/api/*\", \"/health\"",
            [
                "path: \"/\", policy: a",
                "path: \"/api/\", policy: b",
                "exact: true, path: \"/health\"",
            ],
        );
        assert!(out.contains("new URL(request.url).pathname"), "{out}");
        assert!(out.contains("readings.every((r) => r === found)"), "{out}");
    }
}
