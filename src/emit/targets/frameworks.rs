//! What the framework targets (Express, Fastify, Django, Flask, Starlette) share: string
//! literals for JavaScript and Python, the provenance header as a `//` comment, and each
//! policy's regexes in the form a host language's engine reads as corsc does.
//!
//! The plan already anchored every pattern and `regex` entry as `^(?:…)$` and refused what
//! the engines read differently ([`crate::emit::limits::Limit::PortableRegex`]), so the
//! regexes here are used as they are: JavaScript `RegExp` without flags (no `g`, whose
//! `lastIndex` would make every other test fail), Python `re` with `\Z` appended, because a
//! Python `$` also matches before a final newline.

use crate::emit::capability::Capabilities;
use crate::emit::plan::{Allow, Origins, Plan, PolicyPlan, Scope};
use crate::emit::writer::Writer;
use crate::emit::Provenance;

/// A JavaScript string literal (JSON's escaping is valid JavaScript). JSON leaves U+2028 and
/// U+2029 as they are, which engines before ES2019 (and tools that still parse that way) read
/// as line ends inside the string, so they are escaped too.
#[must_use]
pub fn js_string(s: &str) -> String {
    serde_json::to_string(s)
        .unwrap_or_else(|_| "\"\"".to_string())
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// A Python string literal: double-quoted, backslashes, quotes and control characters escaped.
#[must_use]
pub fn py_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A Python regex that matches as the anchored corsc regex does, for `re.match` / `search`.
#[must_use]
pub fn py_regex(anchored: &str) -> String {
    format!("(?:{anchored})\\Z")
}

/// The first line of every Python output: Python reads a `coding:` declaration in a comment
/// on line 1 or 2, so this one is fixed before any name can come near those lines.
pub const PYTHON_CODING: &str = "# -*- coding: utf-8 -*-";

/// The provenance header of a Python module: [`PYTHON_CODING`], then [`header`].
pub fn python_header(w: &mut Writer, provenance: &Provenance, target: &str, caps: &Capabilities) {
    w.line(PYTHON_CODING);
    header(w, "#", provenance, target, caps);
}

/// The provenance header, commented with `prefix` (`//` or `#`).
pub fn header(
    w: &mut Writer,
    prefix: &str,
    provenance: &Provenance,
    target: &str,
    caps: &Capabilities,
) {
    let mut h = Writer::new();
    h.provenance(provenance, target, "include", caps, "");
    for line in h.finish().lines() {
        let body = line.strip_prefix('#').unwrap_or(line);
        w.line(format!("{prefix}{body}"));
    }
}

/// Where a policy applies, in words.
#[must_use]
pub fn scopes_text(p: &PolicyPlan<'_>) -> String {
    if p.policy.paths.is_empty() {
        "every path".to_string()
    } else {
        p.policy
            .paths
            .iter()
            .map(|s| s.node.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The scopes in the order the generated dispatchers read them: least specific first, so the
/// last scope that matches a path is the most specific one, as the evaluator decides.
#[must_use]
pub fn scopes<'p>(plan: &'p Plan<'_>) -> Vec<(&'p Scope, &'p PolicyPlan<'p>)> {
    plan.locations
        .iter()
        .map(|l| (&l.scope, &plan.policies[l.policy]))
        .collect()
}

/// One scope as the target's router compares it.
pub struct RoutedScope<'p> {
    /// An exact path (else a prefix).
    pub exact: bool,
    /// The scope's path in the target's routing form ([`crate::eval::Routing::scope`]): the
    /// form the generated dispatcher compares the request's routing form with.
    pub path: String,
    /// The index of its policy in `plan.policies`.
    pub index: usize,
    /// Its policy.
    pub policy: &'p PolicyPlan<'p>,
}

/// The scopes in the target's routing form, least specific first (prefix before exact, then
/// shorter before longer), so the last one that matches a routed path is the one the
/// evaluator's routing model picks ([`crate::eval::routing::policy_for`]).
#[must_use]
pub fn routed_scopes<'p>(plan: &'p Plan<'_>) -> Vec<RoutedScope<'p>> {
    let routing = plan.capabilities.routing;
    let mut v: Vec<RoutedScope<'p>> = plan
        .locations
        .iter()
        .map(|l| {
            let (exact, path) = match &l.scope {
                Scope::Exact(x) => (true, routing.scope(x)),
                Scope::Prefix(x) => (false, routing.scope(x)),
            };
            RoutedScope {
                exact,
                path,
                index: l.policy,
                policy: &plan.policies[l.policy],
            }
        })
        .collect();
    v.sort_by_key(|s| (s.exact, s.path.len()));
    v
}

fn allow_js(a: &Allow, omit: &str) -> String {
    match a {
        Allow::Omit => omit.to_string(),
        Allow::Static(s) => js_string(s),
        Allow::Mirror => "MIRROR".to_string(),
        Allow::MirrorUnlessAuthorization => "MIRROR_UNLESS_AUTHORIZATION".to_string(),
    }
}

/// The options object of one policy in the generated JavaScript modules (Express and Fastify
/// share the shape). `missing` is how the library wants an absent `exposedHeaders`/`maxAge`
/// written: `cors` skips `undefined`, while `@fastify/cors` would send the word `undefined`, so
/// it gets `null`.
pub(super) fn js_policy(w: &mut Writer, p: &PolicyPlan<'_>, missing: &str) {
    w.comment_with("//", format!("policy `{}` ({})", p.name, scopes_text(p)));
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
                    w.line(format!("{},", js_string(o)));
                }
                w.close("],");
            }
            if regexes.is_empty() {
                w.line("patterns: [],");
            } else {
                w.open("patterns: [");
                for r in regexes {
                    w.line(format!("new RegExp({}),", js_string(r)));
                }
                w.close("],");
            }
        }
    }
    w.line(format!("credentials: {},", p.credentials));
    w.line(format!("methods: {},", allow_js(&p.methods, "''")));
    w.line(format!("allowedHeaders: {},", allow_js(&p.headers, "[]")));
    match &p.expose {
        Some(e) => w.line(format!("exposedHeaders: {},", js_string(e))),
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
pub(super) fn js_exports_policies(plan: &Plan<'_>) -> String {
    let entries: Vec<String> = plan
        .policies
        .iter()
        .map(|p| {
            let key = js_string(p.name);
            if p.name == "__proto__" {
                format!("[{key}]: {}", p.ident)
            } else {
                format!("{key}: {}", p.ident)
            }
        })
        .collect();
    format!("module.exports.policies = {{ {} }};", entries.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_what_their_language_needs() {
        assert_eq!(js_string("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(py_string("a\"b\\c\n"), r#""a\"b\\c\u000a""#);
        assert_eq!(py_regex("^a$"), r"(?:^a$)\Z");
        assert_eq!(js_string("a\u{2028}b\u{2029}"), r#""a\u2028b\u2029""#);
    }
}
