//! `corsc verify --format json`: schema `corsc-verify/1`, documented in the README's Verify
//! section. Fields are only ever added within the schema version, so CI can keep the report.

use crate::eval::live::{Outcome, Report};
use crate::eval::probe::{Budget, Finding, Intent, ProbeClass, Sampled};
use serde::Serialize;

#[derive(Serialize)]
struct Json<'a> {
    schema: &'static str,
    policy: &'a str,
    url: &'a str,
    /// Probes that ran.
    probes: usize,
    requests: usize,
    mismatches: usize,
    findings: usize,
    /// Every planned probe ran.
    complete: bool,
    allow_partial: bool,
    elapsed_ms: u128,
    budget: JsonBudget,
    sampled: JsonSampled,
    results: Vec<JsonResult<'a>>,
}

#[derive(Serialize)]
struct JsonBudget {
    max_probes: usize,
    planned: usize,
    run: usize,
    left_out: usize,
    classes: Vec<JsonClass>,
}

#[derive(Serialize)]
struct JsonClass {
    class: ProbeClass,
    planned: usize,
    run: usize,
    left_out: usize,
}

#[derive(Serialize)]
struct JsonSampled {
    allowed_origins: Sampled,
}

#[derive(Serialize)]
struct JsonResult<'a> {
    probe: &'a str,
    class: ProbeClass,
    intent: Intent,
    expected: String,
    observed: String,
    verdict: Outcome,
    ok: bool,
    mismatches: &'a [String],
    findings: &'a [Finding],
    notes: &'a [String],
}

fn budget(b: &Budget) -> JsonBudget {
    JsonBudget {
        max_probes: b.max_probes,
        planned: b.planned(),
        run: b.run(),
        left_out: b.left_out(),
        classes: b
            .classes
            .iter()
            .map(|c| JsonClass {
                class: c.class,
                planned: c.planned,
                run: c.run,
                left_out: c.left_out(),
            })
            .collect(),
    }
}

/// The report as one JSON document, with a final newline.
pub(super) fn report(report: &Report, policy: &str, url: &str, allow_partial: bool) -> String {
    let j = Json {
        schema: "corsc-verify/1",
        policy,
        url,
        probes: report.results.len(),
        requests: report.requests,
        mismatches: report.mismatches(),
        findings: report.findings(),
        complete: report.complete(),
        allow_partial,
        elapsed_ms: report.elapsed.as_millis(),
        budget: budget(&report.budget),
        sampled: JsonSampled {
            allowed_origins: report.budget.allowed_origins,
        },
        results: report
            .results
            .iter()
            .map(|r| JsonResult {
                probe: &r.probe.label,
                class: r.probe.class,
                intent: r.probe.intent,
                expected: r.expected_words(),
                observed: r.observed_words(),
                verdict: r.outcome(),
                ok: r.ok(),
                mismatches: &r.comparison.mismatches,
                findings: &r.comparison.findings,
                notes: &r.comparison.notes,
            })
            .collect(),
    };
    match serde_json::to_string_pretty(&j) {
        Ok(s) => s + "\n",
        Err(e) => format!("{{\"error\": \"{e}\"}}\n"),
    }
}
