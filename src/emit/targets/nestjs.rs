//! NestJS: a TypeScript module exporting the options delegate a Nest app passes to
//! `app.enableCors(corscCorsOptions)`, on either platform: `@nestjs/platform-express` hands it
//! to the `cors` package, `@nestjs/platform-fastify` to `@fastify/cors`.
//!
//! How the output works, and why:
//!
//! - **One delegate, for both libraries.** Both take a function `(req, callback)` that gives
//!   the options of each request, and Nest passes one through unchanged: Express's adapter as
//!   `cors(delegate)`, Fastify's (11.2) to `@fastify/cors` as its delegator. Earlier releases
//!   of Fastify's adapter (11.0.3) give it to Fastify's `register()`, which calls a function
//!   with the Fastify instance alone to get the plugin's options: called without a callback, the
//!   delegate returns `{ delegator: itself }`, which `@fastify/cors` reads the same way. The
//!   export also carries that `delegator` property, so it type-checks as `FastifyCorsOptions`
//!   (what `NestFastifyApplication.enableCors` takes) as well as `CorsOptionsDelegate`.
//! - **Origins are a function, never a list.** Given a list, both libraries send
//!   `Access-Control-Allow-Credentials: true` (and `cors` answers the preflight) for an origin
//!   the list refuses. Given a function that answers `false`, both send no CORS header at
//!   all: a refused origin, or none, goes on to the app as if CORS were off. Exact origins are
//!   a `Set`, patterns and `regex` entries `RegExp`s anchored by corsc, built without flags (a
//!   `g` or `y` flag keeps `lastIndex` between calls and fails every other request), and an
//!   `Origin` longer than any browser sends is refused before a `RegExp` reads it.
//! - **`Vary: Origin`** on every answer whose headers depend on the origin: `@fastify/cors`
//!   adds it for a delegate itself; `cors` only when it allows, so the delegate adds it through
//!   Express's `req.res.vary` (Fastify's request has no `res`).
//! - **Lists the libraries would widen.** Left out, `methods` defaults to six or three
//!   methods and `allowedHeaders` to echoing whatever is asked: the delegate passes `''` and
//!   `[]` instead. An echo the policy asks for (`request-headers mirror`, `*` with credentials)
//!   is each library's own, by leaving `allowedHeaders` out (`cors` reads `''` as absent and
//!   `@fastify/cors` sends `undefined` as a word, so absent it is); `methods *` with
//!   credentials echoes `Access-Control-Request-Method`. `exposedHeaders` and `maxAge` are
//!   left out when the policy has none (`@fastify/cors` would send `undefined` as a word).
//! - **Only real preflights are preflights.** `cors` answers every `OPTIONS` and
//!   `@fastify/cors` rejects (`strictPreflight`) one without `Access-Control-Request-Method`;
//!   the delegate sets `preflightContinue` (`cors`) and `preflight` / `strictPreflight`
//!   (`@fastify/cors`, which `cors` ignores) per request.
//! - **Never `*` with credentials.** The plan refuses it; both libraries would send `*` with
//!   `true`.
//! - **One dispatcher for the paths, on the platform's own path form.** `enableCors` applies
//!   to every route, so the delegate picks the policy of the most specific scope for the
//!   request path itself (the last match in a least-specific-first list, as the evaluator
//!   decides), read as the platform's router reads it: on Express (a request without `raw`)
//!   the raw `originalUrl` path, ASCII case folded and an exact scope also taking one trailing
//!   slash unless the app turned on `case sensitive routing` / `strict routing`; on Fastify
//!   (Nest hands `@fastify/cors`'s hook Fastify's request, which has `raw`) the path
//!   `decodeURI`d with the reserved escapes (`%2F`, `%3F`, `%25`, …) kept, cut at `;` and
//!   `//` merged, case and trailing slash as the instance's router options say; a malformed
//!   escape (Fastify answers 400) gets no policy. Each scope is written in both forms, and the
//!   plan refuses (`P304`) two scopes either router cannot tell apart. A path
//!   no scope covers gets no CORS at all. Private network is refused (`P301`: neither library
//!   has an option for it). Strings reach the TypeScript as JSON-escaped literals
//!   ([`strings::js`]: TypeScript's string literals are JavaScript's).

use crate::emit::capability::Capabilities;
use crate::emit::idents::IdentScheme;
use crate::emit::lang::{js, strings};
use crate::emit::meta::TargetMeta;
use crate::emit::output::Output;
use crate::emit::ownership::Layer;
use crate::emit::plan::{Origins, Plan, PolicyPlan};
use crate::emit::provenance::Provenance;
use crate::emit::scopes::{routed_scopes_on, title};
use crate::emit::target::Target;
use crate::emit::writer::Writer;
use crate::eval::Routing;

/// The NestJS target.
pub struct Nestjs;

static CAPS: Capabilities = Capabilities {
    min_version: "11.0.0 (@nestjs/platform-express 11.0.0, @nestjs/platform-fastify 11.0.3)",
    // The delegate dispatches on Express's form on @nestjs/platform-express and on Fastify's
    // on @nestjs/platform-fastify; `verify` and `simulate` model Express's.
    routing: Routing::Express,
    also_routing: &[Routing::Fastify],
    modules: &["@nestjs/common"],
    ..js::LIBRARY_CAPABILITIES
};

/// The module's own names: each policy is a `const` named by its stem.
static IDENTS: IdentScheme = js::policy_consts(
    &[
        "corscCorsOptions",
        "corscDelegate",
        "expressScopes",
        "fastifyScopes",
    ],
    &[PRELUDE, RUNTIME],
);

/// The `nestjs` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "nestjs",
    aliases: &["nest"],
    name: "NestJS (enableCors, Express or Fastify platform)",
    doc_short: "a TypeScript module exporting the options delegate for NestJS's `app.enableCors`, on the Express or the Fastify platform",
    layer: Layer::App,
    capabilities: &CAPS,
    limits: js::LIMITS,
    idents: &IDENTS,
};

impl Target for Nestjs {
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
                "The CORS options of a NestJS app, on @nestjs/platform-express (the `cors` package)",
                "or @nestjs/platform-fastify (`@fastify/cors`):",
                "",
                "    import { corscCorsOptions } from './corsc-nestjs';",
                "    const app = await NestFactory.create(AppModule);",
                "    app.enableCors(corscCorsOptions);",
                "",
                "Call it before `app.listen()`, once, and pass no `cors` option to NestFactory.create",
                "besides it. It answers preflights before guards and middleware (they carry no",
                "credentials), with the policy of the most specific scope for the path as the",
                "platform's router reads it; a path no scope covers gets no CORS.",
            ],
        );
        w.blank();
        w.text(PRELUDE);
        w.blank();
        js::max_origin_length(&mut w);
        w.blank();
        w.each_policy(plan, policy);
        scopes(&mut w, plan);
        w.blank();
        w.text(RUNTIME);
        Output::one(
            "corsc-nestjs.ts",
            "next to the Nest app's main.ts",
            w.finish(),
        )
    }
}

/// One policy's `Spec`.
fn policy(w: &mut Writer, p: &PolicyPlan<'_>) {
    w.comment_with("//", title(p));
    w.open(format!("const {}: Spec = {{", p.ident));
    w.line(format!("anyOrigin: {},", p.origins == Origins::Any));
    let (exact, regexes) = p.origins.joined();
    if exact.is_empty() {
        w.line("exact: new Set<string>(),");
    } else {
        w.items(
            "exact: new Set<string>([",
            exact.iter().map(|o| strings::js(o)),
            "]),",
        );
    }
    js::patterns(w, regexes);
    js::allow_fields(w, p, &js::SpecForm::commonjs("null"));
    w.close("};");
}

/// The scope lists, one per platform, each least specific first in that router's form.
fn scopes(w: &mut Writer, plan: &Plan<'_>) {
    w.line("// Least specific first: the last scope that matches a path wins. On Express, `path`");
    w.line("// as written and `folded` in lower case (Express ignores case unless told not to).");
    let express = routed_scopes_on(plan, Routing::Express);
    scope_list(
        w,
        "const expressScopes: readonly ExpressScope[] =",
        express
            .iter()
            .map(|s| js::folded_scope_entry(plan, s, "policy"))
            .collect(),
    );
    w.blank();
    w.line("// On Fastify, as find-my-way reads paths: decoded, the reserved escapes kept.");
    let fastify = routed_scopes_on(plan, Routing::Fastify);
    scope_list(
        w,
        "const fastifyScopes: readonly FastifyScope[] =",
        fastify
            .iter()
            .map(|s| js::scope_entry(s, "policy"))
            .collect(),
    );
}

/// [`js::scope_list`], or `DECL [];` on one line when a platform's list is empty.
fn scope_list(w: &mut Writer, decl: &str, entries: Vec<String>) {
    if entries.is_empty() {
        w.line(format!("{decl} [];"));
    } else {
        js::scope_list(w, decl, entries);
    }
}

/// The types and markers before the policies. Only `@nestjs/common`'s types are imported (and
/// erased): an app on either platform has them, and neither library's.
const PRELUDE: &str = r"import type { CorsOptionsCallback } from '@nestjs/common/interfaces/external/cors-options.interface';

/** The router options of a Fastify instance the delegate reads (find-my-way's). */
interface RouterConfig {
    readonly caseSensitive?: boolean;
    readonly ignoreTrailingSlash?: boolean;
    readonly ignoreDuplicateSlashes?: boolean;
    readonly useSemicolonDelimiter?: boolean;
}

/**
 * What the delegate reads of a request: Express's request (`originalUrl`, `app`, `res`) or
 * Fastify's (`url`, `raw`, `server`).
 */
interface CorsRequest {
    readonly method?: string;
    readonly url?: string;
    readonly originalUrl?: string;
    readonly headers: Readonly<Record<string, string | string[] | undefined>>;
    /** Express's response (Fastify's request has none), for `Vary`. */
    readonly res?: { readonly vary?: (field: string) => unknown };
    /** Express's app, for its routing settings. */
    readonly app?: { readonly enabled?: (setting: string) => boolean };
    /** Fastify's request: the Node request it wraps, and the instance it came to. */
    readonly raw?: unknown;
    readonly server?: { readonly initialConfig?: RouterConfig & { readonly routerOptions?: RouterConfig } };
}

/**
 * The options of one request, as both `cors` and `@fastify/cors` read them (`preflight` and
 * `strictPreflight` are @fastify/cors's alone; `cors` ignores them).
 */
interface Options {
    origin: '*' | ((requestOrigin: string | undefined, callback: (error: Error | null, allow: boolean) => void) => void);
    credentials: boolean;
    methods: string;
    allowedHeaders?: string | string[];
    exposedHeaders?: string;
    maxAge?: number;
    preflightContinue: boolean;
    optionsSuccessStatus: number;
    preflight: boolean;
    strictPreflight: boolean;
}

/** No error, as Nest types the callback: `Error | null` in Nest 11, `Error` in Nest 10. */
type NoError = Parameters<CorsOptionsCallback>[0];
const NO_ERROR = null as unknown as NoError;

/** Marks an echo of the request's Access-Control-Request-Method / -Headers. */
const MIRROR: unique symbol = Symbol('mirror the request');
/** Marks an echo of Access-Control-Request-Headers unless it names authorization. */
const MIRROR_UNLESS_AUTHORIZATION: unique symbol = Symbol('mirror unless it names authorization');

/** One policy. */
interface Spec {
    readonly anyOrigin: boolean;
    readonly exact: ReadonlySet<string>;
    readonly patterns: readonly RegExp[];
    readonly credentials: boolean;
    readonly methods: string | typeof MIRROR;
    readonly allowedHeaders: string | readonly string[] | typeof MIRROR | typeof MIRROR_UNLESS_AUTHORIZATION;
    readonly exposedHeaders: string | null;
    readonly maxAge: number | null;
}

/** A scope on Express: its path as written and in lower case. */
interface ExpressScope {
    readonly exact: boolean;
    readonly path: string;
    readonly folded: string;
    readonly policy: Spec;
}

/** A scope on Fastify: its path as find-my-way reads it. */
interface FastifyScope {
    readonly exact: boolean;
    readonly path: string;
    readonly policy: Spec;
}";

/// The dispatchers, the origin test, the per-request options, and the export.
const RUNTIME: &str = r"/**
 * Express: the policy of the most specific scope for the raw path (`originalUrl`), ASCII case
 * folded and an exact scope also taking one trailing slash, unless the app enabled
 * `case sensitive routing` / `strict routing`: as Express's router compares it.
 */
function expressPolicy(req: CorsRequest): Spec | null {
    const app = req.app;
    const on = (name: string): boolean => Boolean(app !== undefined && typeof app.enabled === 'function' && app.enabled(name));
    const sensitive = on('case sensitive routing');
    const strict = on('strict routing');
    const raw = String(req.originalUrl ?? req.url ?? '').split('?')[0].split('#')[0];
    const path = sensitive ? raw : raw.replace(/[A-Z]+/g, (m) => m.toLowerCase());
    let found: Spec | null = null;
    for (const s of expressScopes) {
        const p = sensitive ? s.path : s.folded;
        if (s.exact ? path === p || (!strict && path === `${p}/`) : path.startsWith(p)) {
            found = s.policy;
        }
    }
    return found;
}

/** The router options the Fastify instance was built with: `routerOptions`, then top level. */
function fastifyRouter(req: CorsRequest): Required<RouterConfig> {
    const cfg: RouterConfig & { readonly routerOptions?: RouterConfig } = req.server?.initialConfig ?? {};
    const ro: RouterConfig = cfg.routerOptions ?? {};
    const opt = (k: keyof RouterConfig, d: boolean): boolean =>
        (Object.prototype.hasOwnProperty.call(ro, k) ? Boolean(ro[k]) : (cfg[k] ?? d));
    return {
        caseSensitive: opt('caseSensitive', true),
        ignoreTrailingSlash: opt('ignoreTrailingSlash', false),
        ignoreDuplicateSlashes: opt('ignoreDuplicateSlashes', false),
        useSemicolonDelimiter: opt('useSemicolonDelimiter', false),
    };
}

/**
 * find-my-way's own normalizations, alike for request and scope paths (`trim`: also cut a
 * trailing slash, which a prefix scope keeps so `/a/` never covers `/ab`).
 */
function fastifyNormalize(path: string, o: Required<RouterConfig>, trim: boolean): string {
    let p = o.ignoreDuplicateSlashes ? path.replace(/\/\/+/g, '/') : path;
    if (trim && o.ignoreTrailingSlash && p.length > 1 && p.endsWith('/')) {
        p = p.slice(0, -1);
    }
    return o.caseSensitive ? p : p.toLowerCase();
}

/**
 * Fastify: the policy of the most specific scope for the path as find-my-way matches it:
 * `decodeURI`, which keeps the escapes of reserved characters (%2F, %3F, ...) as written, with
 * %25 kept too. None when `decodeURI` throws (a malformed escape, which Fastify answers 400).
 */
function fastifyPolicy(req: CorsRequest): Spec | null {
    const o = fastifyRouter(req);
    let raw = String(req.url ?? '');
    const end = raw.search(o.useSemicolonDelimiter ? /[?#;]/ : /[?#]/);
    if (end >= 0) {
        raw = raw.slice(0, end);
    }
    let decoded = raw;
    if (raw.includes('%')) {
        try {
            decoded = decodeURI(raw.replace(/%25/g, '%2525'));
        } catch {
            return null;
        }
    }
    const path = fastifyNormalize(decoded, o, true);
    let found: Spec | null = null;
    for (const s of fastifyScopes) {
        const p = fastifyNormalize(s.path, o, s.exact);
        const inside = s.exact
            ? path === p
            : path.startsWith(p) || (o.ignoreTrailingSlash && `${path}/`.startsWith(p));
        if (inside) {
            found = s.policy;
        }
    }
    return found;
}

/** Whether the policy allows this Origin. */
function allows(spec: Spec, origin: string | undefined): boolean {
    return typeof origin === 'string'
        && (spec.anyOrigin || spec.exact.has(origin)
            || (origin.length <= MAX_ORIGIN_LENGTH && spec.patterns.some((re) => re.test(origin))));
}

/** A request header, when it was sent once. */
function header(req: CorsRequest, name: string): string | undefined {
    const value = req.headers[name];
    return typeof value === 'string' ? value : undefined;
}

/** A CORS preflight: OPTIONS with Origin and Access-Control-Request-Method. */
function isPreflight(req: CorsRequest): boolean {
    return req.method === 'OPTIONS'
        && header(req, 'origin') !== undefined
        && header(req, 'access-control-request-method') !== undefined;
}

/** Whether Access-Control-Request-Headers names authorization, which `*` never covers. */
function namesAuthorization(requested: string | undefined): boolean {
    return String(requested ?? '').split(',').some((h) => h.trim().toLowerCase() === 'authorization');
}

/** Adds a member to Vary on Express (cors adds it only when it allows). */
function vary(req: CorsRequest, name: string): void {
    if (req.res !== undefined && typeof req.res.vary === 'function') {
        req.res.vary(name);
    }
}

/** The options of one request under its policy; with none, no CORS header at all. */
function options(req: CorsRequest, spec: Spec | null): Options {
    const preflight = spec !== null && isPreflight(req);
    const o: Options = {
        // A function, not a list: refused (false), neither library sends any CORS header.
        origin: spec !== null && spec.anyOrigin
            ? '*'
            : (requestOrigin, callback) => callback(null, spec !== null && allows(spec, requestOrigin)),
        credentials: spec !== null && spec.credentials,
        methods: '',
        allowedHeaders: [],
        // Only a real preflight is answered as one; any other OPTIONS goes on to the app.
        preflightContinue: !preflight,
        optionsSuccessStatus: 204,
        preflight,
        strictPreflight: false,
    };
    if (spec === null) {
        return o;
    }
    o.methods = spec.methods === MIRROR ? (header(req, 'access-control-request-method') ?? '') : spec.methods;
    // Left out, each library echoes Access-Control-Request-Headers itself, with its Vary.
    const allowed = spec.allowedHeaders;
    if (allowed === MIRROR) {
        delete o.allowedHeaders;
    } else if (allowed === MIRROR_UNLESS_AUTHORIZATION) {
        if (!namesAuthorization(header(req, 'access-control-request-headers'))) {
            delete o.allowedHeaders;
        }
    } else {
        o.allowedHeaders = typeof allowed === 'string' ? allowed : [...allowed];
    }
    if (spec.exposedHeaders !== null) {
        o.exposedHeaders = spec.exposedHeaders;
    }
    if (spec.maxAge !== null) {
        o.maxAge = spec.maxAge;
    }
    return o;
}

/**
 * The options delegate. Called without a callback, it is Fastify's `register()` asking for
 * the plugin's options (older releases of @nestjs/platform-fastify): it answers with itself as
 * @fastify/cors's `delegator`. Fastify's request carries `raw` (the Node request it wraps);
 * Express's request is that Node request itself.
 */
function corscDelegate(req: CorsRequest, callback?: (error: NoError, options: Options) => void): unknown {
    if (typeof callback !== 'function') {
        return { delegator: corscDelegate };
    }
    const spec = req.raw !== undefined ? fastifyPolicy(req) : expressPolicy(req);
    if (spec !== null && !spec.anyOrigin) {
        vary(req, 'Origin');
        if (spec.methods === MIRROR && isPreflight(req)) {
            vary(req, 'Access-Control-Request-Method');
        }
    }
    callback(NO_ERROR, options(req, spec));
    return undefined;
}

/**
 * `app.enableCors(corscCorsOptions)`: a `CorsOptionsDelegate` for @nestjs/platform-express,
 * and for @nestjs/platform-fastify a delegate with the `delegator` property its
 * `FastifyCorsOptions` type knows.
 */
export const corscCorsOptions = Object.assign(corscDelegate, { delegator: corscDelegate });
export default corscCorsOptions;";

#[cfg(test)]
mod tests {
    use crate::diagnostics::Diagnostic;
    use crate::emit::lang::js::test_support;

    fn compile(text: &str) -> Result<String, Vec<Diagnostic>> {
        test_support::compile(&super::Nestjs, text)
    }

    #[test]
    fn origins_are_a_function_and_lists_the_libraries_would_widen_are_explicit() {
        let out = compile("policy p {\n  origins \"https://a.example\"\n}\n").expect("compiles");
        assert!(out.contains("\"https://a.example\","), "{out}");
        // Never a list as `origin`: both libraries send credentials to what a list refuses.
        assert!(
            out.contains("(requestOrigin, callback) => callback(null, spec !== null && allows(spec, requestOrigin))"),
            "{out}"
        );
        assert!(out.contains("methods: '',"), "{out}");
        assert!(out.contains("allowedHeaders: [],"), "{out}");
        assert!(out.contains("maxAge: null,"), "{out}");
        assert!(out.contains("exposedHeaders: null,"), "{out}");
        assert!(out.contains("preflightContinue: !preflight,"), "{out}");
        assert!(out.contains("strictPreflight: false,"), "{out}");
    }

    #[test]
    fn patterns_are_anchored_flagless_regexps() {
        test_support::one_anchored_flagless_pattern(&super::Nestjs);
    }

    #[test]
    fn private_network_and_any_origin_with_credentials_are_refused() {
        test_support::refuses_private_network_and_any_origin_with_credentials(&super::Nestjs, "");
    }

    #[test]
    fn scopes_are_listed_in_both_platforms_forms() {
        let out = compile(
            "policy a {\n  origins \"https://a.example\"\n}\npolicy b {\n  paths \"/API/%61dmin/*\", \"/health\"\n  origins \"https://b.example\"\n}\n",
        )
        .expect("compiles");
        let root = out.find("folded: \"/\", policy: a").expect("root scope");
        let b = out
            .find("{ exact: false, path: \"/API/%61dmin/\", folded: \"/api/%61dmin/\", policy: b }")
            .expect("express form");
        let exact = out.find("folded: \"/health\", policy: b").expect("exact");
        assert!(root < b && b < exact, "{out}");
        // Fastify's form: decoded, case kept.
        assert!(
            out.contains("{ exact: false, path: \"/API/admin/\", policy: b }"),
            "{out}"
        );
    }

    #[test]
    fn scopes_either_router_cannot_tell_apart_are_refused() {
        // Express folds case; Fastify decodes `%61`.
        for (x, y) in [("/API/*", "/api/*"), ("/%61pi/*", "/api/*")] {
            let d = compile(&format!(
                "policy a {{\n  paths \"{x}\"\n  origins \"https://a.example\"\n}}\npolicy b {{\n  paths \"{y}\"\n  origins \"https://b.example\"\n}}\n"
            ))
            .expect_err(x);
            assert!(d.iter().any(|d| d.code == "P304"), "{x}: {d:?}");
        }
    }

    #[test]
    fn regex_text_reaches_the_typescript_as_an_escaped_literal() {
        let out = compile("policy p {\n  origins regex \"^https://pr-[0-9]+\\.a\\.example$\"\n}\n")
            .expect("compiles");
        let line = out
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with("new RegExp("))
            .expect("a regex");
        // Each backslash doubled inside a JSON string literal: no way out of the string.
        assert!(line.contains(r"pr-[0-9]+\\.a\\.example"), "{line}");
        assert!(line.ends_with("\"),"), "{line}");
    }
}
