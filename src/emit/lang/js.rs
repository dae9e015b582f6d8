//! JavaScript (CommonJS) shared by the Express and Fastify targets: the options object of one
//! policy, and the export of every policy's middleware by name.
//!
//! The plan already anchored every pattern and `regex` entry as `^(?:…)$` and refused what
//! JavaScript reads differently ([`crate::emit::limits::Limit::PortableRegex`]), so regexes
//! are written as `new RegExp("…")` without flags: no `g`, whose `lastIndex` would make every
//! other test fail.

use super::strings;
use crate::emit::plan::{Allow, Origins, Plan, PolicyPlan};
use crate::emit::scopes::title;
use crate::emit::writer::Writer;

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
pub fn policy(w: &mut Writer, p: &PolicyPlan<'_>, missing: &str) {
    w.comment_with("//", title(p));
    w.open(format!("const {} = policy({{", p.ident));
    match &p.origins {
        Origins::Any => {
            w.line("anyOrigin: true,");
            w.line("exact: [],");
            w.line("patterns: [],");
        }
        Origins::List { exact, regexes } => {
            w.line("anyOrigin: false,");
            if exact.is_empty() {
                w.line("exact: [],");
            } else {
                w.open("exact: [");
                for o in exact {
                    w.line(format!("{},", strings::js(o)));
                }
                w.close("],");
            }
            if regexes.is_empty() {
                w.line("patterns: [],");
            } else {
                w.open("patterns: [");
                for r in regexes {
                    w.line(format!("new RegExp({}),", strings::js(r)));
                }
                w.close("],");
            }
        }
    }
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
