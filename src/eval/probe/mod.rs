//! The probe set `corsc verify` sends, how the budget is spent on it, and how an observed
//! exchange is compared with the expected one.
//!
//! Probes are derived from the policy alone, so any server claiming to implement it can be
//! checked ([`candidates`]): every allowed origin and pattern, the near misses an attacker would
//! try for each, `null`, an unrelated origin, requests without `Origin`, allowed and refused
//! methods and headers, with and without credentials, on a path inside each policy's scope and
//! one outside every scope. Each probe has a [`ProbeClass`]; [`budget`] spends
//! [`ProbeOptions::max_probes`] attacker classes first and reports what it left out, per
//! class. A policy with two exact origins and three methods yields about 50 probes, all of
//! which fit the default budget.
//!
//! - [`model`]: a probe, its class and intent, and the options.
//! - [`candidates`]: every probe the policy calls for.
//! - [`budget`]: which of them run, and the account of the rest.
//! - [`compare`]: the expected exchange, and mismatches, findings and notes.

mod budget;
mod candidates;
mod compare;
mod model;

pub use budget::{Budget, ClassBudget, Sampled};
pub use compare::{
    compare, compare_probe, describe_outcome, expected, expected_probe, expected_routed, run_probe,
    Comparison, Finding, FindingKind,
};
pub use model::{Intent, Probe, ProbeClass, ProbeOptions};

/// The probes that run, and the account of the budget.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The probes the budget allows, in plan order (class by class).
    pub probes: Vec<Probe>,
    /// What the policy called for, per class, and what ran.
    pub budget: Budget,
}

/// Plans the probes for `set` within `opts.max_probes`: every attacker class first, then the
/// allowed origins (evenly spread when they do not all fit), methods, headers and scopes.
#[must_use]
pub fn plan(set: &crate::ir::PolicySet, opts: ProbeOptions) -> Plan {
    let all = candidates::candidates(set, &opts);
    let (probes, budget) = budget::select(all, opts.max_probes);
    Plan { probes, budget }
}

/// The probes that run for `set`, in a stable order ([`plan`] without the account).
#[must_use]
pub fn probes(set: &crate::ir::PolicySet, opts: ProbeOptions) -> Vec<Probe> {
    plan(set, opts).probes
}
