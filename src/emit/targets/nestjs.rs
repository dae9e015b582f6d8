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
//! - **One policy for the whole app.** `enableCors` applies to every route, and the two
//!   platforms route on different path forms (Express: raw, ASCII case folded, one trailing
//!   slash ignored; Fastify: `decodeURI`d, case-sensitive), so no one dispatcher reads a path
//!   as both do: path scopes are refused (`P301`), as is private network (neither library has
//!   an option for it). Strings reach the TypeScript as JSON-escaped literals
//!   ([`strings::js`]: TypeScript's string literals are JavaScript's).

use crate::emit::capability::{Capabilities, RegexDialect, Support};
use crate::emit::idents::{IdentScheme, Style, JS_RESERVED};
use crate::emit::lang::strings;
use crate::emit::limits::Limit;
use crate::emit::meta::TargetMeta;
use crate::emit::output::Output;
use crate::emit::ownership::Layer;
use crate::emit::plan::{Allow, Origins, Plan, PolicyPlan};
use crate::emit::provenance::Provenance;
use crate::emit::scopes::title;
use crate::emit::target::Target;
use crate::emit::writer::Writer;
use crate::fetch::MAX_ORIGIN_BYTES;
use crate::regex::Engine;

/// The NestJS target.
pub struct Nestjs;

static CAPS: Capabilities = Capabilities {
    min_version: "11.0.0 (@nestjs/platform-express 11.0.0, @nestjs/platform-fastify 11.0.3)",
    regex_dialect: RegexDialect::Engine(Engine::JavaScript),
    private_network: Support::No,
    path_scoping: Support::No,
    // No path scopes, so no dispatcher: the router's form only decides which spellings of a
    // path `verify` probes, and every path gets the one policy.
    routing: crate::eval::Routing::Express,
    modules: &["@nestjs/common"],
    ..Capabilities::COMMON
};

static LIMITS: &[Limit] = &[Limit::PortableRegex];

/// The module's own names; a policy's name only reaches a comment.
static IDENTS: IdentScheme = IdentScheme {
    style: Style::Snake,
    derived: &["{}"],
    reserved: &["corscCorsOptions", "corscDelegate"],
    keywords: JS_RESERVED,
    fixed_code: &[PRELUDE, RUNTIME],
};

/// The `nestjs` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "nestjs",
    aliases: &["nest"],
    name: "NestJS (enableCors, Express or Fastify platform)",
    doc_short: "a TypeScript module exporting the options delegate for NestJS's `app.enableCors`, on the Express or the Fastify platform",
    layer: Layer::App,
    capabilities: &CAPS,
    limits: LIMITS,
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
                "credentials) and applies to every route: the policy has no path scope.",
            ],
        );
        w.blank();
        w.text(PRELUDE);
        w.blank();
        w.text(&format!(
            "/**
 * The longest Origin tested against a pattern; a longer one is refused first. A RegExp
 * backtracks, and can take time growing with the length of what it reads; no browser sends
 * an origin this long (a DNS name has at most 253 bytes).
 */
const MAX_ORIGIN_LENGTH = {MAX_ORIGIN_BYTES};"
        ));
        w.blank();
        match plan.policies.first() {
            Some(p) => policy(&mut w, p),
            None => nothing(&mut w),
        }
        w.blank();
        w.text(RUNTIME);
        Output::one("corsc-nestjs.ts", "next to the Nest app's main.ts", w.finish())
    }
}

/// The constants of the one policy.
fn policy(w: &mut Writer, p: &PolicyPlan<'_>) {
    w.comment_with("//", title(p));
    w.line(format!(
        "const ANY_ORIGIN: boolean = {};",
        p.origins == Origins::Any
    ));
    let (exact, regexes) = p.origins.joined();
    if exact.is_empty() {
        w.line("const EXACT_ORIGINS: ReadonlySet<string> = new Set<string>();");
    } else {
        w.items(
            "const EXACT_ORIGINS: ReadonlySet<string> = new Set<string>([",
            exact.iter().map(|o| strings::js(o)),
            "]);",
        );
    }
    // Patterns and regexes as one alternation (rarely a few): a list is tried one by one.
    if regexes.is_empty() {
        w.line("const ORIGIN_PATTERNS: readonly RegExp[] = [];");
    } else {
        w.items(
            "const ORIGIN_PATTERNS: readonly RegExp[] = [",
            regexes
                .iter()
                .map(|r| format!("new RegExp({})", strings::js(r))),
            "];",
        );
    }
    w.line(format!("const CREDENTIALS: boolean = {};", p.credentials));
    w.line(format!(
        "const METHODS: string | typeof MIRROR = {};",
        allow(&p.methods, "''")
    ));
    w.line(format!(
        "const ALLOWED_HEADERS: string | readonly string[] | typeof MIRROR | typeof MIRROR_UNLESS_AUTHORIZATION = {};",
        allow(&p.headers, "[]")
    ));
    w.line(format!(
        "const EXPOSED_HEADERS: string | null = {};",
        p.expose.as_deref().map_or("null".to_string(), strings::js)
    ));
    w.line(format!(
        "const MAX_AGE: number | null = {};",
        p.max_age.map_or("null".to_string(), |n| n.to_string())
    ));
}

/// No policy at all: every origin refused.
fn nothing(w: &mut Writer) {
    w.line("// No policy: every origin is refused.");
    w.text(
        "const ANY_ORIGIN: boolean = false;
const EXACT_ORIGINS: ReadonlySet<string> = new Set<string>();
const ORIGIN_PATTERNS: readonly RegExp[] = [];
const CREDENTIALS: boolean = false;
const METHODS: string | typeof MIRROR = '';
const ALLOWED_HEADERS: string | readonly string[] | typeof MIRROR | typeof MIRROR_UNLESS_AUTHORIZATION = [];
const EXPOSED_HEADERS: string | null = null;
const MAX_AGE: number | null = null;",
    );
}

fn allow(a: &Allow, omit: &str) -> String {
    match a {
        Allow::Omit => omit.to_string(),
        Allow::Static(s) => strings::js(s),
        Allow::Mirror => "MIRROR".to_string(),
        Allow::MirrorUnlessAuthorization => "MIRROR_UNLESS_AUTHORIZATION".to_string(),
    }
}

/// The types and markers before the policy's constants. Only `@nestjs/common`'s types are
/// imported (and erased): an app on either platform has them, and neither library's.
const PRELUDE: &str = r"import type { CorsOptionsCallback } from '@nestjs/common/interfaces/external/cors-options.interface';

/** What the delegate reads of a request: Express's and Fastify's requests both have these. */
interface CorsRequest {
    readonly method?: string;
    readonly headers: Readonly<Record<string, string | string[] | undefined>>;
    /** Express's response (Fastify's request has none), for `Vary`. */
    readonly res?: { readonly vary?: (field: string) => unknown };
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
const MIRROR_UNLESS_AUTHORIZATION: unique symbol = Symbol('mirror unless it names authorization');";

/// The origin test, the per-request options, and the export.
const RUNTIME: &str = r"/** Whether the policy allows this Origin. */
function allows(origin: string | undefined): boolean {
    return typeof origin === 'string'
        && (ANY_ORIGIN || EXACT_ORIGINS.has(origin)
            || (origin.length <= MAX_ORIGIN_LENGTH && ORIGIN_PATTERNS.some((re) => re.test(origin))));
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

/** The options of one request. */
function options(req: CorsRequest): Options {
    const preflight = isPreflight(req);
    const o: Options = {
        // A function, not a list: refused (false), neither library sends any CORS header.
        origin: ANY_ORIGIN ? '*' : (requestOrigin, callback) => callback(null, allows(requestOrigin)),
        credentials: CREDENTIALS,
        methods: METHODS === MIRROR ? (header(req, 'access-control-request-method') ?? '') : METHODS,
        // Only a real preflight is answered as one; any other OPTIONS goes on to the app.
        preflightContinue: !preflight,
        optionsSuccessStatus: 204,
        preflight,
        strictPreflight: false,
    };
    // Left out, each library echoes Access-Control-Request-Headers itself, with its Vary.
    if (ALLOWED_HEADERS === MIRROR_UNLESS_AUTHORIZATION) {
        if (namesAuthorization(header(req, 'access-control-request-headers'))) {
            o.allowedHeaders = [];
        }
    } else if (ALLOWED_HEADERS !== MIRROR) {
        o.allowedHeaders = typeof ALLOWED_HEADERS === 'string' ? ALLOWED_HEADERS : [...ALLOWED_HEADERS];
    }
    if (EXPOSED_HEADERS !== null) {
        o.exposedHeaders = EXPOSED_HEADERS;
    }
    if (MAX_AGE !== null) {
        o.maxAge = MAX_AGE;
    }
    return o;
}

/**
 * The options delegate. Called without a callback, it is Fastify's `register()` asking for
 * the plugin's options (older releases of @nestjs/platform-fastify): it answers with itself as
 * @fastify/cors's `delegator`.
 */
function corscDelegate(req: CorsRequest, callback?: (error: NoError, options: Options) => void): unknown {
    if (typeof callback !== 'function') {
        return { delegator: corscDelegate };
    }
    if (!ANY_ORIGIN) {
        vary(req, 'Origin');
        if (METHODS === MIRROR && isPreflight(req)) {
            vary(req, 'Access-Control-Request-Method');
        }
    }
    callback(NO_ERROR, options(req));
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
    use crate::emit::{self, Options, Provenance, Shape};

    fn compile(text: &str) -> Result<String, Vec<Diagnostic>> {
        let src = crate::source::Source::new("t.cors", text.to_string());
        let file = crate::syntax::parse(&src).expect("parses");
        let set = crate::check::check(&file, None).policies.expect("checks");
        let prov = Provenance::new("t.cors", text.as_bytes(), None);
        let options = Options {
            shape: Shape::Include,
            ..Options::default()
        };
        emit::compile(&set, &super::Nestjs, &options, &prov).map(|o| o.joined())
    }

    #[test]
    fn origins_are_a_function_and_lists_the_libraries_would_widen_are_explicit() {
        let out = compile("policy p {\n  origins \"https://a.example\"\n}\n").expect("compiles");
        assert!(out.contains("\"https://a.example\","), "{out}");
        // Never a list as `origin`: both libraries send credentials to what a list refuses.
        assert!(
            out.contains("(requestOrigin, callback) => callback(null, allows(requestOrigin))"),
            "{out}"
        );
        assert!(out.contains("const METHODS: string | typeof MIRROR = '';"), "{out}");
        assert!(out.contains("= [];"), "{out}");
        assert!(out.contains("const MAX_AGE: number | null = null;"), "{out}");
        assert!(out.contains("const EXPOSED_HEADERS: string | null = null;"), "{out}");
        assert!(out.contains("preflightContinue: !preflight,"), "{out}");
        assert!(out.contains("strictPreflight: false,"), "{out}");
    }

    #[test]
    fn patterns_are_anchored_flagless_regexps() {
        let out = compile(
            "policy p {\n  origins \"https://*.a.example\", \"http://localhost:*\"\n  credentials true\n  max-age 0\n}\n",
        )
        .expect("compiles");
        let patterns: Vec<&str> = out
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("new RegExp("))
            .collect();
        assert_eq!(patterns.len(), 1, "{out}");
        let p = patterns[0];
        assert!(p.starts_with("new RegExp(\"(?:^") && p.ends_with("$)\"),"), "{p}");
        assert!(out.contains("const MAX_AGE: number | null = 0;"), "{out}");
        assert!(out.contains("const CREDENTIALS: boolean = true;"), "{out}");
    }

    #[test]
    fn path_scopes_private_network_and_any_origin_with_credentials_are_refused() {
        for body in [
            "origins \"https://a.example\"\n  private-network true",
            "origins *\n  credentials true",
            "paths \"/api/*\"\n  origins \"https://a.example\"",
        ] {
            let d = compile(&format!("policy p {{\n  {body}\n}}\n")).expect_err(body);
            assert_eq!(d[0].code, "P301", "{body}");
        }
        let d = compile(
            "policy a {\n  origins \"https://a.example\"\n}\npolicy b {\n  paths \"/b/*\"\n  origins \"https://b.example\"\n}\n",
        )
        .expect_err("two policies");
        assert!(d.iter().any(|d| d.code == "P301"), "{d:?}");
    }

    #[test]
    fn regex_text_reaches_the_typescript_as_an_escaped_literal() {
        let out = compile(
            "policy p {\n  origins regex \"^https://pr-[0-9]+\\.a\\.example$\"\n}\n",
        )
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
