//! A plan's path scopes as renderers use them: in words for comments, and in the order and
//! path form a generated dispatcher compares them.

use super::plan::{Plan, PolicyPlan, Scope};
use super::writer::Writer;

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

/// A policy as comments introduce it: its name and where it applies, e.g.
/// ``policy `api` (/api/*, /health)``.
#[must_use]
pub fn title(p: &PolicyPlan<'_>) -> String {
    format!("policy `{}` ({})", p.name, scopes_text(p))
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
    routed_scopes_on(plan, plan.capabilities.routing)
}

/// [`routed_scopes`] in the form of another router the output also dispatches on (one of the
/// target's `also_routing`).
#[must_use]
pub fn routed_scopes_on<'p>(
    plan: &'p Plan<'_>,
    routing: crate::eval::Routing,
) -> Vec<RoutedScope<'p>> {
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

/// How one language writes the branches of a generated `policy_for(path)`.
pub struct Branches {
    /// A path as a string literal.
    pub quote: fn(&str) -> String,
    /// The test of an exact scope, given its quoted path: `if path == "/x" {`.
    pub exact: fn(&str) -> String,
    /// The test of a prefix scope, given its quoted path.
    pub prefix: fn(&str) -> String,
    /// The answer inside a branch, given the policy's index: `return Some(1);`.
    pub found: fn(usize) -> String,
    /// The answer that ends the function when a scope covers every path: `Some(0)`.
    pub last: fn(usize) -> String,
    /// A statement that uses `path`, for a function whose only scope covers every path.
    pub path_used: &'static str,
    /// The answer outside every scope: `None`.
    pub none: &'static str,
}

/// The body of a generated `policy_for(path)`, the path in the target's routing form: one
/// branch per scope, most specific first, so the first that matches is the one the evaluator
/// picks ([`routed_scopes`]); a scope covering every path ends the chain.
pub fn policy_for_body(w: &mut Writer, plan: &Plan<'_>, b: &Branches) {
    let scopes = routed_scopes(plan);
    for sc in scopes.iter().rev() {
        if sc.exact {
            w.open((b.exact)(&(b.quote)(&sc.path)));
        } else if sc.path == "/" {
            if scopes.len() == 1 {
                w.line(b.path_used);
            }
            w.line((b.last)(sc.index));
            return;
        } else {
            w.open((b.prefix)(&(b.quote)(&sc.path)));
        }
        w.line((b.found)(sc.index));
        w.close("}");
    }
    w.line(b.none);
}
