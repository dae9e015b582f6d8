//! `corsc verify`'s report for people: one row per probe (` ` match, `✗` mismatch, `!`
//! finding), the findings gathered by kind, the totals, and the account of the budget —
//! what ran, what each class left out, and how many allowed origins were sampled.

use crate::eval::live::{Outcome, Report};
use crate::eval::probe::{Budget, FindingKind};
use crate::source::shown;
use std::collections::BTreeMap;

/// How many probe numbers a finding's line lists before it says how many more.
const LISTED_PROBES: usize = 12;

/// The whole report, ending in a newline.
pub(super) fn report(report: &Report, policy: &str, url: &str, allow_partial: bool) -> String {
    let mut s = format!("verify {} against {}\n\n", shown(policy), shown(url));
    s.push_str(&table(report));
    s.push_str(&findings(report));
    let n = report.results.len();
    let bad = report.mismatches();
    let found = report.findings();
    let matched = report
        .results
        .iter()
        .filter(|r| r.outcome() == Outcome::Match)
        .count();
    s.push_str(&format!(
        "\n{n} probes, {} HTTP requests: {matched} match, {bad} {}, {found} {}\n",
        report.requests,
        plural(bad, "mismatch", "mismatches"),
        plural(found, "finding", "findings"),
    ));
    s.push_str(&budget(&report.budget, allow_partial));
    s
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

fn table(report: &Report) -> String {
    let rows: Vec<[String; 6]> = report
        .results
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let c = &r.comparison;
            let mut differed: Vec<&str> = c.mismatches.iter().map(String::as_str).collect();
            differed.extend(c.findings.iter().map(|f| f.message.as_str()));
            let mut differed = differed.join("; ");
            if differed.is_empty() && !c.notes.is_empty() {
                differed = format!("(harmless) {}", c.notes.join("; "));
            }
            let mark = match r.outcome() {
                Outcome::Match => " ",
                Outcome::Finding => "!",
                Outcome::Mismatch => "✗",
            };
            [
                format!("{mark}{}", i + 1),
                r.probe.class.name().to_string(),
                r.probe.label.clone(),
                r.expected_words(),
                r.observed_words(),
                differed,
            ]
        })
        .collect();
    let headers = [
        "#",
        "class",
        "probe",
        "expected",
        "observed",
        "what differed",
    ];
    let mut widths = headers.map(|h| h.chars().count());
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r.iter()).take(5) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: [&str; 6]| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            s.push_str(c);
            if i < 5 {
                s.push_str(&" ".repeat(widths[i] - c.chars().count() + 2));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut s = line(headers);
    for r in &rows {
        s.push_str(&line([&r[0], &r[1], &r[2], &r[3], &r[4], &r[5]]));
    }
    s
}

/// The findings gathered by kind, each with the probes (by number) that showed it; empty when
/// there are none.
fn findings(report: &Report) -> String {
    let mut by_kind: BTreeMap<FindingKind, (&str, Vec<usize>)> = BTreeMap::new();
    for (i, r) in report.results.iter().enumerate() {
        for f in &r.comparison.findings {
            by_kind
                .entry(f.kind)
                .or_insert((f.message.as_str(), Vec::new()))
                .1
                .push(i + 1);
        }
    }
    if by_kind.is_empty() {
        return String::new();
    }
    let mut s = String::from("\nfindings:\n");
    for (kind, (message, probes)) in &by_kind {
        let listed: Vec<String> = probes
            .iter()
            .take(LISTED_PROBES)
            .map(usize::to_string)
            .collect();
        let mut listed = listed.join(", ");
        if probes.len() > LISTED_PROBES {
            listed.push_str(&format!(" and {} more", probes.len() - LISTED_PROBES));
        }
        s.push_str(&format!(
            "  {}: {message}\n    {} {listed}\n",
            kind.name(),
            plural(probes.len(), "probe", "probes"),
        ));
    }
    s
}

/// The account of the budget: one line when every planned probe ran, otherwise each class's
/// share and what to do about the rest.
fn budget(b: &Budget, allow_partial: bool) -> String {
    let sampled = if b.allowed_origins.of == 0 {
        String::new()
    } else {
        format!(
            "allowed origins: {} of {} probed",
            b.allowed_origins.probed, b.allowed_origins.of
        )
    };
    if b.complete() {
        let mut s = format!(
            "budget: all {} planned probes ran (--max-probes {})",
            b.planned(),
            b.max_probes
        );
        if !sampled.is_empty() {
            s.push_str(&format!("; {sampled}"));
        }
        return s + "\n";
    }
    let mut s = format!(
        "budget: --max-probes {} ran {} of {} planned probes; by class:\n",
        b.max_probes,
        b.run(),
        b.planned()
    );
    let name_width = b
        .classes
        .iter()
        .map(|c| c.class.name().len())
        .max()
        .unwrap_or(0);
    let count_width = b.planned().to_string().len();
    for c in &b.classes {
        let mut line = format!(
            "  {:name_width$}  {:>count_width$} of {:>count_width$} run",
            c.class.name(),
            c.run,
            c.planned,
        );
        if c.left_out() > 0 {
            line.push_str(&format!(", {} left out", c.left_out()));
        }
        s.push_str(&line);
        s.push('\n');
    }
    if !sampled.is_empty() {
        let a = b.allowed_origins;
        let spread = if a.probed > 0 && a.probed < a.of {
            " (evenly spread over the list)"
        } else {
            ""
        };
        s.push_str(&format!("{sampled}{spread}\n"));
    }
    let left = b.left_out();
    if allow_partial {
        s.push_str(&format!(
            "partial run accepted (--allow-partial): {left} planned {} left out\n",
            plural(left, "probe was", "probes were")
        ));
    } else {
        s.push_str(&format!(
            "incomplete: {left} planned {} left out; raise --max-probes to {} to run them all, \
             or pass --allow-partial to accept a partial run\n",
            plural(left, "probe was", "probes were"),
            b.planned()
        ));
    }
    s
}
