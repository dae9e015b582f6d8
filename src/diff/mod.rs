//! A semantic diff of two policy sets: what NEW allows that OLD did not, and the reverse.
//!
//! `corsc diff OLD NEW` is for migrations: moving CORS from one layer to another, or cleaning
//! up a policy, must not let anyone read what they could not before. The comparison runs per
//! path: every scope of either side, the path just outside each prefix, and a path no scope
//! names, grouped by the pair of policies that answer them ([`paths`]).
//!
//! For each pair, two methods agree on one answer:
//!
//! - **Items** ([`items`]): each directive compared by set reasoning. An exact origin covered by
//!   a pattern, a regex or `*` on the other side is not a gain; a pattern inside a pattern is
//!   not either; otherwise a pattern or regex is tried with sample origins, and a gained or lost
//!   one is reported with an origin that shows it. Methods, request headers (`*` never covers
//!   `Authorization`; `mirror` covers everything), exposed headers, credentials and
//!   private-network likewise; max-age is reported as a change only (see below).
//! - **Probes** ([`probes`]): the evaluator answers a budgeted set of requests as each side's
//!   server would, and every browser model judges them. A probe NEW's browser allows and OLD's
//!   blocks, or where NEW lets script read a header OLD did not, widens the policy; the reverse
//!   narrows it. Every example origin the items found is among the probes, so an item gain is
//!   always also a probe that shows it.
//!
//! "Equivalent" is the architecture's: the same browser verdict for every probe and never more
//! permission; status codes and `Vary` are not compared. A longer `max-age` keeps a granted
//! preflight cached longer but grants nothing a browser would not otherwise allow, so it is a
//! change, never a widening. Probes are samples: two regexes that differ only on origins no
//! probe tries are called equivalent.

mod items;
mod paths;
mod probes;

use crate::ir::PolicySet;
use serde::Serialize;

pub use items::{Change, Item, ItemKind};
pub use probes::Example;

/// Bounds on the comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DiffOptions {
    /// At most this many probes per pair of policies (examples of item gains and losses are
    /// always probed; the budget spreads the rest evenly over the origins).
    pub max_probes: usize,
}

impl Default for DiffOptions {
    fn default() -> Self {
        Self { max_probes: 2000 }
    }
}

/// How NEW compares with OLD, overall.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Nothing allowed differs.
    Equivalent,
    /// NEW allows less than OLD and nothing more.
    Narrower,
    /// NEW allows something OLD did not, and nothing less.
    Wider,
    /// NEW allows something OLD did not, and OLD something NEW does not.
    Both,
}

impl Verdict {
    fn of(wider: bool, narrower: bool) -> Self {
        match (wider, narrower) {
            (false, false) => Verdict::Equivalent,
            (false, true) => Verdict::Narrower,
            (true, false) => Verdict::Wider,
            (true, true) => Verdict::Both,
        }
    }

    /// Whether NEW allows anything OLD did not.
    #[must_use]
    pub fn widens(self) -> bool {
        matches!(self, Verdict::Wider | Verdict::Both)
    }

    /// The word in reports.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Equivalent => "equivalent",
            Verdict::Narrower => "narrower",
            Verdict::Wider => "wider",
            Verdict::Both => "both",
        }
    }
}

/// The comparison of the paths one pair of policies answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScopeDiff {
    /// The scope the first of these paths comes from (`/api/*`, `/health`, `outside /api/*`,
    /// `every other path`).
    pub scope: String,
    /// The request paths probed for it, every one answered by the same pair of policies.
    pub paths: Vec<String>,
    /// The policy of OLD that answers, by name; `None`: no policy (no CORS headers).
    pub old_policy: Option<String>,
    /// The policy of NEW that answers.
    pub new_policy: Option<String>,
    /// What NEW allows that OLD did not, item by item.
    pub gained: Vec<Item>,
    /// What OLD allowed that NEW does not.
    pub lost: Vec<Item>,
    /// Differences that neither widen nor narrow (max-age).
    pub changed: Vec<Change>,
    /// A probe NEW allows (or lets read more of) and OLD does not, if any.
    pub widening: Option<Example>,
    /// A probe OLD allows (or lets read more of) and NEW does not, if any.
    pub narrowing: Option<Example>,
    /// How many probes were judged.
    pub probes: usize,
}

impl ScopeDiff {
    /// How this pair compares.
    #[must_use]
    pub fn verdict(&self) -> Verdict {
        Verdict::of(
            self.widening.is_some() || self.gained.iter().any(Item::beyond_probes),
            self.narrowing.is_some() || self.lost.iter().any(Item::beyond_probes),
        )
    }
}

/// The whole comparison.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DiffReport {
    /// One entry per pair of answering policies, in path order.
    pub scopes: Vec<ScopeDiff>,
    /// Overall.
    pub verdict: Verdict,
}

/// Compares two policy sets.
#[must_use]
pub fn diff(old: &PolicySet, new: &PolicySet, opts: &DiffOptions) -> DiffReport {
    let mut scopes = Vec::new();
    for row in paths::rows(old, new) {
        let o = row.old.map(|i| &old.policies[i]);
        let n = row.new.map(|i| &new.policies[i]);
        let (mut gained, mut lost, changed) = items::compare(o, n);
        let outcome = probes::run(
            (old, new),
            (o, n),
            &row.paths[0],
            &gained,
            &lost,
            opts.max_probes,
        );
        // Entries the item samples could not show but a probe's origin did.
        for (gain, value, example) in outcome.origin_items {
            let i = Item {
                kind: ItemKind::Origin,
                value,
                example: Some(example),
            };
            if gain {
                gained.push(i);
            } else {
                lost.push(i);
            }
        }
        scopes.push(ScopeDiff {
            scope: row.scope,
            paths: row.paths,
            old_policy: o.map(|p| p.name.node.clone()),
            new_policy: n.map(|p| p.name.node.clone()),
            gained,
            lost,
            changed,
            widening: outcome.widening,
            narrowing: outcome.narrowing,
            probes: outcome.probes,
        });
    }
    let wider = scopes.iter().any(|s| s.verdict().widens());
    let narrower = scopes
        .iter()
        .any(|s| matches!(s.verdict(), Verdict::Narrower | Verdict::Both));
    DiffReport {
        scopes,
        verdict: Verdict::of(wider, narrower),
    }
}

#[cfg(test)]
mod tests;
