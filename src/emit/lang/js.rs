//! JavaScript (CommonJS) shared by the Express and Fastify targets: how policies are named,
//! the module's code up to its scope list (the preflight helpers and the options object of
//! each policy), and the export of every policy's middleware by name.
//!
//! The plan already anchored every pattern and `regex` entry as `^(?:…)$` and refused what
//! JavaScript reads differently ([`crate::emit::limits::Limit::PortableRegex`]), so regexes
//! are written as `new RegExp("…")` without flags: no `g`, whose `lastIndex` would make every
//! other test fail. An `Origin` longer than [`MAX_ORIGIN_BYTES`] is never tested against them
//! (`MAX_ORIGIN_LENGTH`): V8's `RegExp` backtracks, and a quadratic regex on an 8 KiB header
//! would hold the event loop.

use super::strings;
use crate::emit::idents::{IdentScheme, Style, JS_RESERVED};
use crate::emit::plan::{Allow, Origins, Plan, PolicyPlan};
use crate::emit::scopes::title;
use crate::emit::writer::Writer;
use crate::fetch::MAX_ORIGIN_BYTES;

/// What both JavaScript modules open with: the symbols that mark an echo in a policy's
/// options, the preflight test, and whether the requested headers name `authorization`.
pub const PREFLIGHT_HELPERS: &str = r#"const MIRROR = Symbol('mirror the request');
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
}"#;

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
/// library, [`PREFLIGHT_HELPERS`], `MAX_ORIGIN_LENGTH`, the target's own `runtime` (whose
/// origin test compares an `Origin` with `MAX_ORIGIN_LENGTH` before any pattern), then each
/// policy's options (written with `missing` for an absent value).
pub fn module_code(w: &mut Writer, plan: &Plan<'_>, require: &str, runtime: &str, missing: &str) {
    w.line("'use strict';");
    w.blank();
    w.line(require);
    w.blank();
    w.text(PREFLIGHT_HELPERS);
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
    w.text(runtime);
    w.each_policy(plan, |w, p| policy(w, p, missing));
}

/// `key: [],`, or `key: [` with one item a line.
fn array(w: &mut Writer, key: &str, items: impl ExactSizeIterator<Item = String>) {
    if items.len() == 0 {
        w.line(format!("{key}: [],"));
    } else {
        w.items(format!("{key}: ["), items, "],");
    }
}

fn allow(a: &Allow, omit: &str) -> String {
    match a {
        Allow::Omit => omit.to_string(),
        Allow::Static(s) => strings::js(s),
        Allow::Mirror => "MIRROR".to_string(),
        Allow::MirrorUnlessAuthorization => "MIRROR_UNLESS_AUTHORIZATION".to_string(),
    }
}

/// The options object of one policy in the generated JavaScript modules (Express and Fastify
/// share the shape). `missing` is how the library wants an absent `exposedHeaders`/`maxAge`
/// written: `cors` skips `undefined`, while `@fastify/cors` would send the word `undefined`, so
/// it gets `null`.
fn policy(w: &mut Writer, p: &PolicyPlan<'_>, missing: &str) {
    w.comment_with("//", title(p));
    w.open(format!("const {} = policy({{", p.ident));
    // Patterns and regexes as one alternation: a list would be tried one by one.
    let (exact, regexes) = p.origins.joined();
    w.line(format!("anyOrigin: {},", p.origins == Origins::Any));
    array(w, "exact", exact.iter().map(|o| strings::js(o)));
    array(
        w,
        "patterns",
        regexes
            .iter()
            .map(|r| format!("new RegExp({})", strings::js(r))),
    );
    w.line(format!("credentials: {},", p.credentials));
    w.line(format!("methods: {},", allow(&p.methods, "''")));
    w.line(format!("allowedHeaders: {},", allow(&p.headers, "[]")));
    match &p.expose {
        Some(e) => w.line(format!("exposedHeaders: {},", strings::js(e))),
        None => w.line(format!("exposedHeaders: {missing},")),
    }
    match p.max_age {
        Some(n) => w.line(format!("maxAge: {n},")),
        None => w.line(format!("maxAge: {missing},")),
    }
    w.close("});");
}

/// `module.exports.policies = { "name": stem, … };`: each policy's middleware by its name as
/// written. The key `__proto__` is written computed (`["__proto__"]`): as a plain key in an
/// object literal it would set the object's prototype instead of adding a property.
#[must_use]
pub fn exports_policies(plan: &Plan<'_>) -> String {
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
    format!("module.exports.policies = {{ {} }};", entries.join(", "))
}
