//! Fastify: a CommonJS plugin built on `@fastify/cors`, registered in one line.
//!
//! How the output works, and why:
//!
//! - **One `@fastify/cors` registration, options per request.** The library declares the route
//!   `OPTIONS *` each time it is registered, so it can be registered once per Fastify instance;
//!   and plugin encapsulation only scopes routes declared inside the plugin, which the user's
//!   routes are not. So the module registers it once, with a `delegator` that hands it the
//!   options of the policy of the most specific scope for the request path (the last match in
//!   a least-specific-first list, as the evaluator decides). The module's own function skips
//!   Fastify's encapsulation (`Symbol.for('skip-override')`), so its hooks apply to every
//!   route of the instance it is registered on.
//! - **Origins are checked before the library runs.** `@fastify/cors` sends
//!   `Access-Control-Allow-Credentials: true` to every origin, refused ones included. An
//!   `onRequest` hook registered before the library finds the policy and checks the origin: a
//!   refused origin (or none) gets `Vary: Origin`; a refused preflight is answered `403` with
//!   nothing else, so the application never sees it; any other request goes on, and the
//!   delegator tells the library `origin: false` (no CORS headers). Only an allowed origin
//!   reaches the library's options, whose `origin` is a function running the same test (a
//!   `Set` lookup, not the list the library would scan entry by entry), so it reflects that
//!   origin.
//! - **Only real preflights are preflights.** With `strictPreflight` (the default) the library
//!   answers `400` to an `OPTIONS` without `Origin` or `Access-Control-Request-Method`; the
//!   module sets `preflight` per request, so such an `OPTIONS` is an ordinary request.
//! - **Origin matching.** Exact origins are compared with `===` (a `Set`), patterns and
//!   `regex` entries are `RegExp`s anchored by corsc, built without flags. An `Origin` longer
//!   than any browser sends (`MAX_ORIGIN_LENGTH`) is refused before any of them runs: a
//!   `RegExp` backtracks, and one request could otherwise hold the event loop.
//! - **Never `*` with credentials.** The plan refuses it; the library would send `*` with
//!   `true`.
//! - **Lists the library would widen or garble.** Left out, `methods` defaults to
//!   `GET,HEAD,POST`, `allowedHeaders` to echoing whatever is asked, and an `undefined`
//!   `maxAge` or `exposedHeaders` is sent as the word `undefined`; the module passes `''`, `[]`
//!   and `null` instead. Echoes the policy asks for (`methods *` or `request-headers *` with
//!   credentials, `request-headers mirror`) are computed per request, with their `Vary`.
//! - **`Vary: Origin`** is sent by the library on every response it sees, since its options
//!   are decided per request: more than a `*` policy needs, never less.
//! - **Private network.** `@fastify/cors` has no option for it: refused by the plan.

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

/// The Fastify target.
pub struct Fastify;

static CAPS: Capabilities = Capabilities {
    min_version: "5 (with @fastify/cors 11)",
    routing: crate::eval::Routing::Fastify,
    modules: &["@fastify/cors"],
    ..js::LIBRARY_CAPABILITIES
};

/// The module's own names: the `@fastify/cors` import, the scope list and the plugin.
static IDENTS: IdentScheme = js::policy_consts(
    &["fastifyCors", "scopes", "corsc"],
    &[js::MARKERS, js::PREFLIGHT_HELPERS, RUNTIME, PLUGIN],
);

/// The `fastify` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "fastify",
    aliases: &[],
    name: "Fastify (@fastify/cors)",
    doc_short: "a CommonJS Fastify plugin built on `@fastify/cors`, registered in one line",
    layer: Layer::App,
    capabilities: &CAPS,
    limits: js::LIMITS,
    idents: &IDENTS,
};

impl Target for Fastify {
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
                "Fastify plugin answering CORS for the policies below, built on `@fastify/cors`.",
                "",
                "CommonJS:  await app.register(require('./corsc-fastify.cjs'));",
                "ESM:       import corsc from './corsc-fastify.cjs';  await app.register(corsc);",
                "           (keep the .cjs extension: it stays CommonJS in a \"type\": \"module\" package)",
                "",
                "Register it once, on the root instance, before the routes and before authentication",
                "(preflights carry no credentials), and do not register `@fastify/cors` besides it.",
                "`@fastify/cors` declares the route `OPTIONS *`: the application cannot declare",
                "OPTIONS routes of its own (`app.all('/*')` throws; list the other methods).",
            ],
        );
        js::module_code(
            &mut w,
            plan,
            "const fastifyCors = require('@fastify/cors');",
            RUNTIME,
            "null",
        );
        w.line("// Least specific first: the last scope that matches a path wins. Paths are as");
        w.line("// Fastify's router reads them: decoded, the reserved escapes kept.");
        js::scope_list(
            &mut w,
            "const scopes =",
            routed_scopes(plan)
                .iter()
                .map(|s| js::scope_entry(s, "policy")),
        );
        w.text(PLUGIN);
        w.line(js::exports_policies(plan));
        Output::one("corsc-fastify.cjs", "next to the Fastify app", w.finish())
    }
}

/// After [`js::PREFLIGHT_HELPERS`]: `Vary`, and the builder of one policy's per-request options.
const RUNTIME: &str = r#"/** Adds a header name to Vary, keeping what is there. */
function vary(reply, name) {
    const current = reply.getHeader('Vary');
    const text = Array.isArray(current) ? current.join(', ') : String(current || '');
    const names = text.split(',').map((v) => v.trim().toLowerCase()).filter((v) => v !== '');
    if (names.length === 0) {
        reply.header('Vary', name);
    } else if (!names.includes('*') && !names.includes(name.toLowerCase())) {
        reply.header('Vary', `${text}, ${name}`);
    }
}

/** One policy: its origin test, and the `@fastify/cors` options for an allowed request. */
function policy(spec) {
    const exact = new Set(spec.exact);
    const allows = (requestOrigin) => typeof requestOrigin === 'string'
        && (spec.anyOrigin || exact.has(requestOrigin)
            || (requestOrigin.length <= MAX_ORIGIN_LENGTH
                && spec.patterns.some((re) => re.test(requestOrigin))));
    // The library asks again with the same test (a Set lookup), and reflects the origin when
    // it passes: handing it the list would make it scan every entry on every request.
    const origin = spec.anyOrigin ? '*' : (requestOrigin, callback) => callback(null, allows(requestOrigin));
    return {
        anyOrigin: spec.anyOrigin,
        mirrorsMethods: spec.methods === MIRROR,
        mirrorsHeaders: spec.allowedHeaders === MIRROR || spec.allowedHeaders === MIRROR_UNLESS_AUTHORIZATION,
        allows,
        options(req) {
            let methods = spec.methods;
            if (methods === MIRROR) {
                methods = req.headers['access-control-request-method'] || '';
            }
            let allowedHeaders = spec.allowedHeaders;
            if (allowedHeaders === MIRROR) {
                allowedHeaders = null; // @fastify/cors echoes Access-Control-Request-Headers
            } else if (allowedHeaders === MIRROR_UNLESS_AUTHORIZATION) {
                allowedHeaders = namesAuthorization(req.headers['access-control-request-headers']) ? [] : null;
            }
            return {
                origin,
                credentials: spec.credentials,
                methods,
                allowedHeaders,
                exposedHeaders: spec.exposedHeaders,
                maxAge: spec.maxAge,
                // Only a real preflight is answered as one; any other OPTIONS goes on.
                preflight: isPreflight(req),
                strictPreflight: false,
                optionsSuccessStatus: 204,
            };
        },
    };
}"#;

/// The plugin: the origin check, the `@fastify/cors` registration, and the exports.
const PLUGIN: &str = r#"
/**
 * The options this Fastify instance built its router (find-my-way) with: `routerOptions`
 * first, then the top-level options, then Fastify's defaults.
 */
function routerOptions(fastify) {
    const cfg = fastify.initialConfig || {};
    const ro = cfg.routerOptions || {};
    const opt = (k, d) => (Object.hasOwn(ro, k) ? ro[k] : (cfg[k] ?? d));
    return {
        caseSensitive: opt('caseSensitive', true),
        ignoreTrailingSlash: opt('ignoreTrailingSlash', false),
        ignoreDuplicateSlashes: opt('ignoreDuplicateSlashes', false),
        useSemicolonDelimiter: opt('useSemicolonDelimiter', false),
    };
}

/**
 * The path as find-my-way matches it: decodeURI, which keeps the escapes of reserved
 * characters (%2F, %3F, ...) as written, with %25 kept too; then `//` merged, a trailing `/`
 * cut and case folded where the router is told to. null when decodeURI throws (a malformed
 * escape), which Fastify answers with 400.
 */
function routingPath(url, o) {
    let raw = String(url || '');
    const end = raw.search(o.useSemicolonDelimiter ? /[?#;]/ : /[?#]/);
    if (end >= 0) {
        raw = raw.slice(0, end);
    }
    let path = raw;
    if (raw.includes('%')) {
        try {
            path = decodeURI(raw.replace(/%25/g, '%2525'));
        } catch {
            return null;
        }
    }
    return normalize(path, o, true);
}

/**
 * The router's own normalizations, applied alike to request paths and scope paths (`trim`:
 * also cut a trailing slash, which a prefix scope keeps so `/a/` never covers `/ab`).
 */
function normalize(path, o, trim) {
    let p = o.ignoreDuplicateSlashes ? path.replace(/\/\/+/g, '/') : path;
    if (trim && o.ignoreTrailingSlash && p.length > 1 && p.endsWith('/')) {
        p = p.slice(0, -1);
    }
    return o.caseSensitive ? p : p.toLowerCase();
}

/**
 * The policy of the most specific scope for a request URL, or null. With `ignoreTrailingSlash`
 * a prefix scope `/a/` covers `/a` too, as the router does not tell them apart.
 */
function policyFor(url, o) {
    const path = routingPath(url, o);
    if (path === null) {
        return null;
    }
    let found = null;
    for (const s of scopes) {
        const p = normalize(s.path, o, s.exact);
        const inside = s.exact
            ? path === p
            : path.startsWith(p) || (o.ignoreTrailingSlash && `${path}/`.startsWith(p));
        if (inside) {
            found = s.policy;
        }
    }
    return found;
}

/**
 * The plugin. Its onRequest hook runs before the one of @fastify/cors: a refused origin never
 * reaches the library, which would send it Access-Control-Allow-Credentials.
 */
function corsc(fastify, _options, done) {
    fastify.decorateRequest('corscPolicy', null);
    const router = routerOptions(fastify);
    fastify.addHook('onRequest', function corscOrigin(req, reply, next) {
        const p = policyFor(req.url, router);
        if (p === null) {
            return next();
        }
        if (!p.anyOrigin) {
            vary(reply, 'Origin');
        }
        if (!p.allows(req.headers.origin)) {
            if (isPreflight(req)) {
                reply.code(403).header('Content-Length', '0').send();
                return undefined;
            }
            return next();
        }
        if (isPreflight(req)) {
            if (p.mirrorsMethods) {
                vary(reply, 'Access-Control-Request-Method');
            }
            if (p.mirrorsHeaders) {
                vary(reply, 'Access-Control-Request-Headers');
            }
        }
        req.corscPolicy = p;
        return next();
    });
    fastify.register(fastifyCors, {
        delegator(req, callback) {
            const p = req.corscPolicy;
            callback(null, p === null ? { origin: false } : p.options(req));
        },
    });
    done();
}

// Not encapsulated: the hooks apply to every route of the instance the plugin is registered on.
corsc[Symbol.for('skip-override')] = true;
corsc[Symbol.for('fastify.display-name')] = 'corsc';

module.exports = corsc;
module.exports.default = corsc;
module.exports.corsc = corsc;"#;

#[cfg(test)]
mod tests {
    use crate::diagnostics::Diagnostic;
    use crate::emit::lang::js::test_support;

    fn compile(text: &str) -> Result<String, Vec<Diagnostic>> {
        test_support::compile(&super::Fastify, text)
    }

    #[test]
    fn lists_the_library_would_widen_are_given_explicitly() {
        let out = compile("policy p {\n  origins \"https://a.example\"\n}\n").expect("compiles");
        // No methods, no headers, no max-age, no exposed headers: never the library defaults
        // (`GET,HEAD,POST`, echoing the request) nor `undefined`.
        assert!(out.contains("methods: '',"), "{out}");
        assert!(out.contains("allowedHeaders: [],"), "{out}");
        assert!(out.contains("maxAge: null,"), "{out}");
        assert!(out.contains("exposedHeaders: null,"), "{out}");
        assert!(!out.contains("undefined,"), "{out}");
        // Only real preflights are answered as preflights.
        assert!(out.contains("preflight: isPreflight(req),"), "{out}");
    }

    #[test]
    fn patterns_are_anchored_flagless_regexps_and_max_age_zero_is_sent() {
        test_support::one_anchored_flagless_pattern(&super::Fastify);
    }

    #[test]
    fn private_network_and_any_origin_with_credentials_are_refused_naming_the_library() {
        test_support::refuses_private_network_and_any_origin_with_credentials(
            &super::Fastify,
            "@fastify/cors",
        );
    }

    #[test]
    fn several_policies_are_dispatched_least_specific_first() {
        test_support::scopes_in_order(
            &super::Fastify,
            "\"/api/*\", \"/health\"",
            [
                "path: \"/\", policy: a",
                "path: \"/api/\", policy: b",
                "exact: true, path: \"/health\"",
            ],
        );
    }
}
