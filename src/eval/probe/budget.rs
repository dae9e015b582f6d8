//! Spending `--max-probes` by class, and saying what it left out.
//!
//! The attacker classes come first: they are served in turns, one probe per class per turn,
//! until every one of them is exhausted or the budget is; only then do the classes that check
//! what the policy allows (the allowed origins, methods, headers and scopes) get turns the
//! same way. Within a class the probes are taken best first (every group's most telling probe
//! before any group's second) and, among equals, spread evenly over the class's groups (its
//! origins or paths) in van der Corput order: the first, the middle, the quarters, the
//! eighths… so a budget that covers a tenth of 300 allowed origins probes every tenth one,
//! not the first thirty. Everything is deterministic: the same policy and budget always run
//! the same probes.

use super::candidates::Candidate;
use super::model::{Probe, ProbeClass};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// How one class fared under the budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ClassBudget {
    /// The class.
    pub class: ProbeClass,
    /// Probes the policy calls for in this class.
    pub planned: usize,
    /// Probes the budget let run.
    pub run: usize,
}

impl ClassBudget {
    /// Probes the budget left out.
    #[must_use]
    pub fn left_out(&self) -> usize {
        self.planned - self.run
    }
}

/// How many of a kind of thing were probed, out of how many.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Sampled {
    /// Probed at least once.
    pub probed: usize,
    /// In all.
    pub of: usize,
}

/// How the budget was spent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Budget {
    /// The budget: at most this many probes.
    pub max_probes: usize,
    /// Every class the policy calls for, in plan order.
    pub classes: Vec<ClassBudget>,
    /// The distinct allowed origins given at least one probe of class
    /// [`ProbeClass::Allowed`], out of all of them.
    pub allowed_origins: Sampled,
}

impl Budget {
    /// Probes the policy calls for.
    #[must_use]
    pub fn planned(&self) -> usize {
        self.classes.iter().map(|c| c.planned).sum()
    }

    /// Probes that run.
    #[must_use]
    pub fn run(&self) -> usize {
        self.classes.iter().map(|c| c.run).sum()
    }

    /// Probes left out.
    #[must_use]
    pub fn left_out(&self) -> usize {
        self.planned() - self.run()
    }

    /// Whether every planned probe runs.
    #[must_use]
    pub fn complete(&self) -> bool {
        self.left_out() == 0
    }
}

/// Chooses at most `max` of `candidates` (given in plan order) and returns them in plan order,
/// with the account of what was chosen.
pub(super) fn select(candidates: Vec<Candidate>, max: usize) -> (Vec<Probe>, Budget) {
    let mut queues: Vec<(ProbeClass, Vec<usize>)> = Vec::new();
    for (i, c) in candidates.iter().enumerate() {
        match queues.last_mut() {
            Some((class, q)) if *class == c.probe.class => q.push(i),
            _ => queues.push((c.probe.class, vec![i])),
        }
    }
    for (_, q) in &mut queues {
        *q = best_first(&candidates, q);
    }
    let mut chosen = vec![false; candidates.len()];
    let mut left = max;
    for attack in [true, false] {
        let mut tier: Vec<&[usize]> = queues
            .iter()
            .filter(|(class, _)| class.is_attack() == attack)
            .map(|(_, q)| q.as_slice())
            .collect();
        while left > 0 && !tier.is_empty() {
            for q in &mut tier {
                if left == 0 {
                    break;
                }
                if let Some((&first, rest)) = q.split_first() {
                    chosen[first] = true;
                    left -= 1;
                    *q = rest;
                }
            }
            tier.retain(|q| !q.is_empty());
        }
    }
    let classes = queues
        .iter()
        .map(|(class, q)| ClassBudget {
            class: *class,
            planned: q.len(),
            run: q.iter().filter(|&&i| chosen[i]).count(),
        })
        .collect();
    let allowed = |only_chosen: bool| -> usize {
        candidates
            .iter()
            .zip(&chosen)
            .filter(|(c, &ch)| c.probe.class == ProbeClass::Allowed && (ch || !only_chosen))
            .map(|(c, _)| c.group.as_str())
            .collect::<BTreeSet<_>>()
            .len()
    };
    let budget = Budget {
        max_probes: max,
        classes,
        allowed_origins: Sampled {
            probed: allowed(true),
            of: allowed(false),
        },
    };
    let probes = candidates
        .into_iter()
        .zip(chosen)
        .filter_map(|(c, ch)| ch.then_some(c.probe))
        .collect();
    (probes, budget)
}

/// The order a class's probes are taken in: by rank, then by the position of their group in
/// the class's evenly spread order, then as generated.
fn best_first(candidates: &[Candidate], queue: &[usize]) -> Vec<usize> {
    let mut groups: HashMap<&str, usize> = HashMap::new();
    for &i in queue {
        let n = groups.len();
        groups.entry(candidates[i].group.as_str()).or_insert(n);
    }
    let spread = spread_ranks(groups.len());
    let mut q = queue.to_vec();
    q.sort_by_key(|&i| {
        let c = &candidates[i];
        (c.rank, spread[groups[c.group.as_str()]], i)
    });
    q
}

/// For each of `n` positions, when it comes in the van der Corput order over them: position
/// 0, then n/2, then n/4 and 3n/4, … Every prefix of that order is spread evenly: its widest
/// gap is at most twice the average.
fn spread_ranks(n: usize) -> Vec<usize> {
    let mut rank = vec![usize::MAX; n];
    if n == 0 {
        return rank;
    }
    let bits = n.next_power_of_two().trailing_zeros();
    let size = 1usize << bits;
    let mut next = 0;
    for i in 0..size {
        let reversed = if bits == 0 {
            0
        } else {
            i.reverse_bits() >> (usize::BITS - bits)
        };
        // Consecutive values of `reversed` step by at most one position, since n <= size,
        // so every position is reached.
        let pos = reversed * n / size;
        if rank[pos] == usize::MAX {
            rank[pos] = next;
            next += 1;
        }
    }
    rank
}

#[cfg(test)]
mod tests {
    use super::spread_ranks;

    fn order(n: usize) -> Vec<usize> {
        let ranks = spread_ranks(n);
        let mut o: Vec<usize> = (0..n).collect();
        o.sort_by_key(|&p| ranks[p]);
        o
    }

    #[test]
    fn spread_order_visits_every_position_once_first_then_halves() {
        assert_eq!(order(1), vec![0]);
        assert_eq!(order(4), vec![0, 2, 1, 3]);
        assert_eq!(order(5), vec![0, 2, 1, 3, 4]);
        for n in [2, 3, 7, 100, 302] {
            let mut o = order(n);
            o.sort_unstable();
            assert_eq!(o, (0..n).collect::<Vec<_>>(), "{n}");
        }
    }

    #[test]
    fn every_prefix_of_the_spread_order_is_even() {
        let n = 302;
        let o = order(n);
        for k in 2..n {
            let mut taken = o[..k].to_vec();
            taken.sort_unstable();
            taken.push(n);
            let widest = taken.windows(2).map(|w| w[1] - w[0]).max().unwrap();
            assert!(widest <= 2 * n / k + 1, "k={k}: gap {widest}");
        }
    }
}
