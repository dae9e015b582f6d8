//! What the JavaScript targets (Express, Fastify, Koa, Hono, NestJS, Workers) share: their
//! capabilities and limit, how policies are named, the code of the CommonJS modules up to
//! their scope list (the preflight helpers and the options object of each policy), the fields
//! of a policy's spec, the scope lists the dispatchers walk, the head and the path readers of
//! the TypeScript modules, and the export of every policy's middleware by name. Each target
//! keeps what its library or runtime makes its own: the runtime code, the dispatcher, and how
//! it is mounted.
//!
//! The plan already anchored every pattern and `regex` entry as `^(?:…)$` and refused what
//! JavaScript reads differently ([`crate::emit::limits::Limit::PortableRegex`]), so regexes
//! are written as `new RegExp("…")` without flags: no `g`, whose `lastIndex` would make every
//! other test fail. An `Origin` longer than [`MAX_ORIGIN_BYTES`] is never tested against them
//! (`MAX_ORIGIN_LENGTH`): V8's `RegExp` backtracks, and a quadratic regex on an 8 KiB header
//! would hold the event loop.

use super::strings;
use crate::emit::capability::{Capabilities, RegexDialect, Support};
use crate::emit::idents::{IdentScheme, Style, JS_RESERVED};
use crate::emit::limits::Limit;
use crate::emit::plan::{Allow, Origins, Plan, PolicyPlan};
use crate::emit::scopes::{routed_scopes, title, RoutedScope};
use crate::emit::writer::Writer;
use crate::fetch::MAX_ORIGIN_BYTES;
use crate::regex::Engine;

/// What every JavaScript target can express, before its own version, router and modules:
/// origins in JavaScript's regex dialect, which the plan checks each pattern and `regex` entry
/// against.
pub const CAPABILITIES: Capabilities = Capabilities {
    regex_dialect: RegexDialect::Engine(Engine::JavaScript),
    ..Capabilities::COMMON
};

/// [`CAPABILITIES`] of a target built on a CORS library (`cors`, `@koa/cors`, `@fastify/cors`,
/// `hono/cors`): none of them answers Private Network Access.
pub const LIBRARY_CAPABILITIES: Capabilities = Capabilities {
    private_network: Support::No,
    ..CAPABILITIES
};

/// The limit of every JavaScript target: a regex JavaScript reads otherwise than corsc is
/// refused, never rewritten.
pub static LIMITS: &[Limit] = &[Limit::PortableRegex];

/// The symbols that mark an echo in a policy's spec (`methods` / the allowed headers): a value
/// no string can be, so a header list is never taken for a marker. Every JavaScript module
/// but NestJS's (typed `unique symbol`) opens its helpers with them.
pub const MARKERS: &str = r"const MIRROR = Symbol('mirror the request');
const MIRROR_UNLESS_AUTHORIZATION = Symbol('mirror unless it names authorization');
";

/// What the CommonJS modules write after [`MARKERS`]: the preflight test, and whether the
/// requested headers name `authorization`.
pub const PREFLIGHT_HELPERS: &str = r#"/** A CORS preflight: OPTIONS with Origin and Access-Control-Request-Method. */
function isPreflight(req) {
    return req.method === 'OPTIONS'
        && typeof req.headers.origin === 'string'
        && typeof req.headers['access-control-request-method'] === 'string';
}

/** Whether Access-Control-Request-Headers names authorization, which `*` never covers. */
function namesAuthorization(requested) {
    return String(requested || '').split(',').some((h) => h.trim().toLowerCase() === 'authorization');
}"#;

/// The fields the TypeScript specs of Hono and Workers open with, after their doc comment;
/// each target closes the interface with the fields of its own (`maxAge` as its runtime
/// wants it, and what else it answers).
pub const TS_SPEC_HEAD: &str = r"/** One policy as corsc compiled it: null where the policy sends nothing. */
interface Spec {
    readonly anyOrigin: boolean;
    readonly exact: readonly string[];
    readonly patterns: readonly RegExp[];
    readonly credentials: boolean;
    readonly methods: string | typeof MIRROR | null;
    readonly allowHeaders: string | typeof MIRROR | typeof MIRROR_UNLESS_AUTHORIZATION | null;
    readonly exposeHeaders: string | null;
";

/// The body of the TypeScript function (`(url: string): string`, its doc comment and name the
/// target's) that cuts the path out of a request URL as sent: from the first `/` after the
/// authority up to `?` or `#`, without the URL parser, which would resolve dot segments and
/// so hide a path the origin reads otherwise.
pub const TS_URL_PATH_BODY: &str = r"    const start = url.indexOf('/', url.indexOf('://') + 3);
    if (start === -1) {
        return '/';
    }
    const end = url.slice(start).search(/[?#]/);
    return end === -1 ? url.slice(start) : url.slice(start, start + end);
}
";

/// `decodedPath` in TypeScript, after the target's doc comment: the path `decodeURI`d as a
/// router that decodes reads it, with `%25` kept (so `%2525` is never read twice), and `null`
/// when the escapes cannot be read (the dispatcher then gives no CORS).
pub const TS_DECODED_PATH: &str = r"function decodedPath(path: string): string | null {
    if (!path.includes('%')) {
        return path;
    }
    try {
        return decodeURI(path.replace(/%25/g, '%2525'));
    } catch {
        return null;
    }
}
";

/// The code the TypeScript modules (Hono, Workers) open with: [`MARKERS`], [`TS_SPEC_HEAD`]
/// and then the target's `helpers` (the rest of its spec and its own helpers), then
/// `MAX_ORIGIN_LENGTH`.
pub fn ts_module_head(w: &mut Writer, helpers: &str) {
    w.text(MARKERS);
    w.blank();
    w.text(TS_SPEC_HEAD);
    w.text(helpers);
    w.blank();
    max_origin_length(w);
    w.blank();
}

/// What the TypeScript modules (Hono, Workers) write after their policies: the scope list
/// (`const scopes`, least specific first), the path as sent (`url_path`: the target's doc
/// comment and signature, before [`TS_URL_PATH_BODY`]), the decoded path (`decoded_doc`: a
/// blank line and the target's doc comment, before [`TS_DECODED_PATH`]), then `dispatch`.
pub fn ts_dispatch(
    w: &mut Writer,
    plan: &Plan<'_>,
    url_path: &str,
    decoded_doc: &str,
    dispatch: &str,
) {
    w.comment_with(
        "//",
        "Least specific first: the last scope that matches a path wins.",
    );
    scope_list(
        w,
        "const scopes: readonly Scope[] =",
        routed_scopes(plan).iter().map(|s| scope_entry(s, "policy")),
    );
    w.blank();
    w.text(url_path);
    w.text(TS_URL_PATH_BODY);
    w.text(decoded_doc);
    w.text(TS_DECODED_PATH);
    w.text(dispatch);
}

/// How a JavaScript module names its policies: each is a module-level `const` named by its
/// stem, never a reserved word, a global, a name in `reserved` or one the module's own code
/// declares (a policy named `policy` would shadow the builder and throw when the module loads).
#[must_use]
pub const fn policy_consts(
    reserved: &'static [&'static str],
    fixed_code: &'static [&'static str],
) -> IdentScheme {
    IdentScheme {
        style: Style::Snake,
        derived: &["{}"],
        reserved,
        keywords: JS_RESERVED,
        fixed_code,
    }
}

/// The code of a JavaScript module up to its scope list: strict mode, the `require` of the
/// library, [`MARKERS`] and [`PREFLIGHT_HELPERS`], `MAX_ORIGIN_LENGTH`, the target's own `runtime` (whose
/// origin test compares an `Origin` with `MAX_ORIGIN_LENGTH` before any pattern), then each
/// policy's options (written with `missing` for an absent value).
pub fn module_code(
    w: &mut Writer,
    plan: &Plan<'_>,
    require: &str,
    runtime: &str,
    missing: &'static str,
) {
    w.line("'use strict';");
    w.blank();
    w.line(require);
    w.blank();
    w.text(MARKERS);
    w.blank();
    w.text(PREFLIGHT_HELPERS);
    w.blank();
    max_origin_length(w);
    w.blank();
    w.text(runtime);
    let form = SpecForm::commonjs(missing);
    w.each_policy(plan, |w, p| policy(w, p, &form, |_| ()));
}

/// `MAX_ORIGIN_LENGTH` with the reason for it, which every origin test compares an `Origin`
/// with before any pattern runs.
pub fn max_origin_length(w: &mut Writer) {
    w.text(&format!(
        "/**
 * The longest Origin tested against a pattern; a longer one is refused first. A RegExp
 * backtracks, and can take time growing with the length of what it reads; no browser sends
 * an origin this long (a DNS name has at most 253 bytes).
 */
const MAX_ORIGIN_LENGTH = {MAX_ORIGIN_BYTES};"
    ));
}

/// `key: [],`, or `key: [` with one item a line.
pub fn array(w: &mut Writer, key: &str, items: impl ExactSizeIterator<Item = String>) {
    if items.len() == 0 {
        w.line(format!("{key}: [],"));
    } else {
        w.items(format!("{key}: ["), items, "],");
    }
}

/// `Access-Control-Allow-Methods` / `-Headers` as a spec holds it: a fixed value, an echo
/// marker, or `omit` for nothing.
#[must_use]
pub fn allow(a: &Allow, omit: &str) -> String {
    match a {
        Allow::Omit => omit.to_string(),
        Allow::Static(s) => strings::js(s),
        Allow::Mirror => "MIRROR".to_string(),
        Allow::MirrorUnlessAuthorization => "MIRROR_UNLESS_AUTHORIZATION".to_string(),
    }
}

/// How a target's spec names and writes the fields after the origins: the keys follow the
/// library the runtime hands them to, and each writes "nothing" the way that library skips it.
pub struct SpecForm {
    /// `methods` when the policy allows none.
    pub methods_omitted: &'static str,
    /// The key of the allowed request headers (`allowedHeaders`, or `allowHeaders`).
    pub headers_key: &'static str,
    /// The allowed headers when the policy allows none.
    pub headers_omitted: &'static str,
    /// The key of the exposed headers (`exposedHeaders`, or `exposeHeaders`).
    pub expose_key: &'static str,
    /// An absent `exposedHeaders`/`maxAge`.
    pub missing: &'static str,
    /// `maxAge` as a string (the header's value, written as is) rather than a number.
    pub max_age_text: bool,
}

impl SpecForm {
    /// The options of the CommonJS modules (Express, Fastify, Koa) and of NestJS, as `cors` and
    /// `@fastify/cors` name them. `missing` is how the library wants an absent value written:
    /// `cors` skips `undefined`, while `@fastify/cors` would send the word `undefined`, so it
    /// gets `null`.
    #[must_use]
    pub const fn commonjs(missing: &'static str) -> Self {
        Self {
            methods_omitted: "''",
            headers_key: "allowedHeaders",
            headers_omitted: "[]",
            expose_key: "exposedHeaders",
            missing,
            max_age_text: false,
        }
    }

    /// The TypeScript specs of Hono and Workers: `null` for every absent value.
    #[must_use]
    pub const fn typescript(max_age_text: bool) -> Self {
        Self {
            methods_omitted: "null",
            headers_key: "allowHeaders",
            headers_omitted: "null",
            expose_key: "exposeHeaders",
            missing: "null",
            max_age_text,
        }
    }
}

/// `patterns: [...]`: the patterns and regexes of a policy as one alternation (rarely a few),
/// since a list would be tried one by one.
pub fn patterns(w: &mut Writer, regexes: &[String]) {
    array(
        w,
        "patterns",
        regexes
            .iter()
            .map(|r| format!("new RegExp({})", strings::js(r))),
    );
}

/// The fields of a spec after its origins: credentials, the allowed methods and headers, the
/// exposed headers and the preflight's max age.
pub fn allow_fields(w: &mut Writer, p: &PolicyPlan<'_>, form: &SpecForm) {
    w.line(format!("credentials: {},", p.credentials));
    w.line(format!(
        "methods: {},",
        allow(&p.methods, form.methods_omitted)
    ));
    w.line(format!(
        "{}: {},",
        form.headers_key,
        allow(&p.headers, form.headers_omitted)
    ));
    let expose = p
        .expose
        .as_deref()
        .map_or(form.missing.to_string(), strings::js);
    w.line(format!("{}: {expose},", form.expose_key));
    let max_age = match p.max_age {
        Some(n) if form.max_age_text => strings::js(&n.to_string()),
        Some(n) => n.to_string(),
        None => form.missing.to_string(),
    };
    w.line(format!("maxAge: {max_age},"));
}

/// One policy as `const stem = policy({ … });`, the call of the module's own builder: its
/// origins (exact ones, and the patterns), then [`allow_fields`], then what `more` adds.
pub fn policy(w: &mut Writer, p: &PolicyPlan<'_>, form: &SpecForm, more: impl FnOnce(&mut Writer)) {
    w.comment_with("//", title(p));
    w.open(format!("const {} = policy({{", p.ident));
    let (exact, regexes) = p.origins.joined();
    w.line(format!("anyOrigin: {},", p.origins == Origins::Any));
    array(w, "exact", exact.iter().map(|o| strings::js(o)));
    patterns(w, regexes);
    allow_fields(w, p, form);
    more(w);
    w.close("});");
}

/// One scope of a dispatcher's list: `{ exact, path, KEY: stem },` with `key` the name the
/// dispatcher reads its policy by.
#[must_use]
pub fn scope_entry(s: &RoutedScope<'_>, key: &str) -> String {
    format!(
        "{{ exact: {}, path: {}, {key}: {} }},",
        s.exact,
        strings::js(&s.path),
        s.policy.ident
    )
}

/// One scope of an Express dispatcher's list, `{ exact, path, folded, KEY: stem },`: `path`
/// as the policy wrote it (compared under `case sensitive routing`), `folded` in lower case
/// (as Express compares by default).
#[must_use]
pub fn folded_scope_entry(plan: &Plan<'_>, s: &RoutedScope<'_>, key: &str) -> String {
    let written = plan
        .locations
        .iter()
        .find(|l| l.policy == s.index && l.scope.path().to_ascii_lowercase() == s.path)
        .map_or(s.path.clone(), |l| l.scope.path().to_string());
    format!(
        "{{ exact: {}, path: {}, folded: {}, {key}: {} }},",
        s.exact,
        strings::js(&written),
        strings::js(&s.path),
        s.policy.ident
    )
}

/// A scope list: `DECL [`, one entry a line, `];`.
pub fn scope_list(w: &mut Writer, decl: &str, entries: impl IntoIterator<Item = String>) {
    w.open(format!("{decl} ["));
    for e in entries {
        w.line(e);
    }
    w.close("];");
}

/// The exports of a CommonJS middleware module: `corsc` itself (`require` returns it) and as
/// `default` (what an ESM `import` of a CommonJS module binds), then [`exports_policies`].
pub fn export_corsc(w: &mut Writer, plan: &Plan<'_>) {
    w.line("module.exports = corsc;");
    w.line("module.exports.default = corsc;");
    w.line(exports_policies(plan));
}

/// `module.exports.policies = { "name": stem, … };`: each policy's middleware by its name as
/// written. The key `__proto__` is written computed (`["__proto__"]`): as a plain key in an
/// object literal it would set the object's prototype instead of adding a property.
#[must_use]
pub fn exports_policies(plan: &Plan<'_>) -> String {
    format!("module.exports.policies = {};", policies_object(plan))
}

/// `{ "name": stem, … }`, each policy's middleware by its name as written, `__proto__` computed
/// (see [`exports_policies`]).
#[must_use]
pub fn policies_object(plan: &Plan<'_>) -> String {
    let entries: Vec<String> = plan
        .policies
        .iter()
        .map(|p| {
            let key = strings::js(p.name);
            if p.name == "__proto__" {
                format!("[{key}]: {}", p.ident)
            } else {
                format!("{key}: {}", p.ident)
            }
        })
        .collect();
    format!("{{ {} }}", entries.join(", "))
}

/// What the unit tests of the JavaScript targets share: compiling a policy text for one
/// target, and the refusals every target built on a CORS library makes alike.
#[cfg(test)]
pub mod test_support {
    use crate::diagnostics::Diagnostic;
    use crate::emit::{self, Options, Provenance, Shape, Target};

    /// The output of `target` for the policy `text` (its `include` shape, all parts joined).
    pub fn compile(target: &dyn Target, text: &str) -> Result<String, Vec<Diagnostic>> {
        let src = crate::source::Source::new("t.cors", text.to_string());
        let file = crate::syntax::parse(&src).expect("parses");
        let set = crate::check::check(&file, None).policies.expect("checks");
        let prov = Provenance::new("t.cors", text.as_bytes(), None);
        let options = Options {
            shape: Shape::Include,
            ..Options::default()
        };
        emit::compile(&set, target, &options, &prov).map(|o| o.joined())
    }

    /// The libraries cannot answer Private Network Access nor echo the origin for `*` with
    /// credentials: both are refused (`P301`), the message naming `library`.
    pub fn refuses_private_network_and_any_origin_with_credentials(
        target: &dyn Target,
        library: &str,
    ) {
        for body in [
            "origins \"https://a.example\"\n  private-network true",
            "origins *\n  credentials true",
        ] {
            let d = compile(target, &format!("policy p {{\n  {body}\n}}\n")).expect_err(body);
            assert_eq!(d[0].code, "P301", "{body}");
            assert!(d[0].message.contains(library), "{}", d[0].message);
        }
    }

    /// Compiles a policy `a` at the root and a policy `b` at `paths` (a prefix and an exact
    /// path), and checks the scope list names `root`, then `prefix`, then `exact`: least
    /// specific first, since the dispatcher keeps the last scope that matches. The output.
    pub fn scopes_in_order(
        target: &dyn Target,
        paths: &str,
        [root, prefix, exact]: [&str; 3],
    ) -> String {
        let out = compile(
            target,
            &format!(
                "policy a {{\n  origins \"https://a.example\"\n}}\npolicy b {{\n  paths {paths}\n  origins \"https://b.example\"\n}}\n"
            ),
        )
        .expect("compiles");
        let root = out.find(root).expect("root scope");
        let prefix = out.find(prefix).expect("prefix scope");
        let exact = out.find(exact).expect("exact scope");
        assert!(root < prefix && prefix < exact, "{out}");
        out
    }

    /// Compiles two patterns with credentials and `max-age 0`, and checks they stand as one
    /// regex (a list would be tried one by one), each alternative anchored, without flags (a
    /// `g` flag's `lastIndex` would fail every other test), and that `maxAge: 0` is written.
    pub fn one_anchored_flagless_pattern(target: &dyn Target) -> String {
        let out = compile(
            target,
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
        assert!(
            p.starts_with("new RegExp(\"(?:^") && p.ends_with("$)\"),"),
            "{p}"
        );
        assert!(p.contains("localhost") && p.contains(r"a\\.example"), "{p}");
        assert!(out.contains("maxAge: 0,"), "{out}");
        assert!(out.contains("credentials: true,"), "{out}");
        out
    }
}
