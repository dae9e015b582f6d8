//! A plan's path scopes as renderers use them: in words for comments, and in the order and
//! path form a generated dispatcher compares them.

use super::plan::{Plan, PolicyPlan, Scope};

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
