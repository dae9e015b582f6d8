//! The paths a diff probes: a path inside every scope of either side, the path just outside
//! each prefix (`/api` for `/api/*`), and one no scope names, grouped by the pair of policies
//! that answer them. Two sides that split, merge, drop or narrow scopes differ on one of
//! these paths, because the answering policy only changes at a scope's boundary.

use crate::ir::{PathScope, PolicySet};

/// A path no scope of a test or policy names.
const ELSEWHERE: &str = "/corsc-diff-elsewhere";

/// The paths one pair of policies answers.
pub(super) struct Row {
    pub scope: String,
    pub paths: Vec<String>,
    pub old: Option<usize>,
    pub new: Option<usize>,
}

/// Every pair of answering policies, in the order their first path appears; pairs where
/// neither side answers are left out (no CORS headers on either side).
pub(super) fn rows(old: &PolicySet, new: &PolicySet) -> Vec<Row> {
    let mut probes: Vec<(String, String)> = Vec::new();
    for set in [old, new] {
        for p in &set.policies {
            for s in &p.paths {
                probes.extend(paths_for(&s.node));
            }
        }
    }
    probes.push(("every other path".to_string(), ELSEWHERE.to_string()));
    let mut seen = std::collections::BTreeSet::new();
    probes.retain(|(_, p)| seen.insert(p.clone()));
    let mut rows: Vec<Row> = Vec::new();
    for (scope, path) in probes {
        let o = index(old, &path);
        let n = index(new, &path);
        if o.is_none() && n.is_none() {
            continue;
        }
        match rows.iter_mut().find(|r| r.old == o && r.new == n) {
            Some(r) => r.paths.push(path),
            None => rows.push(Row {
                scope,
                paths: vec![path],
                old: o,
                new: n,
            }),
        }
    }
    rows
}

/// The index of the policy of `set` that answers `path`.
fn index(set: &PolicySet, path: &str) -> Option<usize> {
    let p = set.policy_for(path)?;
    set.policies.iter().position(|q| std::ptr::eq(p, q))
}

/// A path inside the scope and, for a prefix, the path just outside it.
fn paths_for(scope: &PathScope) -> Vec<(String, String)> {
    match scope {
        PathScope::Exact(e) => vec![(scope.to_string(), e.clone())],
        PathScope::Prefix(p) => {
            let mut v = vec![(scope.to_string(), format!("{p}corsc-diff"))];
            let outside = p.trim_end_matches('/');
            if !outside.is_empty() && outside != p {
                v.push((format!("outside {scope}"), outside.to_string()));
            }
            v
        }
    }
}
