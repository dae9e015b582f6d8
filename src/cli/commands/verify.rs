//! `corsc verify`: probe a running server and compare it with the policy.
//!
//! Exit status: 0 when every probe matches, 1 when any differs, 2 on usage or I/O errors (a bad
//! URL, a server that does not answer, a policy with errors).

use super::super::args::{ReportFormat, VerifyArgs};
use super::super::{output, Outcome};
use super::policy_input::{load_policy, model, routing};
use crate::eval::browser::Verdict;
use crate::eval::live::{self, LiveError, Report};
use crate::eval::probe::ProbeOptions;
use serde::Serialize;
use std::time::Duration;

pub(crate) fn run(args: &VerifyArgs, color: bool) -> Outcome {
    if let Err(e) = crate::eval::live::Target::new(&args.url, Duration::from_secs(1)) {
        output::fatal_with_help(
            e.to_string(),
            "pass the server's base URL, as in `--url http://127.0.0.1:8080`",
            color,
        );
        return Outcome::Fatal;
    }
    if args.timeout == 0 {
        output::fatal_with_help(
            "`--timeout 0` would fail every request",
            "give a number of seconds, such as `--timeout 5`",
            color,
        );
        return Outcome::Fatal;
    }
    let Some((source, set)) = load_policy(&args.policy, &args.eval, &args.report, color) else {
        return Outcome::Fatal;
    };
    let Some(routing) = routing(args.target.as_ref(), color) else {
        return Outcome::Fatal;
    };
    let opts = ProbeOptions {
        max_probes: args.max_probes,
        routing,
        ..ProbeOptions::default()
    };
    let report = match live::verify(
        &set,
        &args.url,
        model(args.eval.browser),
        opts,
        Duration::from_secs(args.timeout),
    ) {
        Ok(r) => r,
        Err(e) => {
            let help = match e {
                LiveError::Unreachable(_) => "start the server first, and check the host and port",
                LiveError::BadUrl(_) => {
                    "pass the server's base URL, as in `--url http://127.0.0.1:8080`"
                }
            };
            output::fatal_with_help(e.to_string(), help, color);
            return Outcome::Fatal;
        }
    };
    match args.report.format {
        ReportFormat::Human => output::out(&human(&report, &source.name, &args.url)),
        ReportFormat::Json => {
            let j = Json {
                schema: "corsc-verify/1",
                policy: &source.name,
                url: &args.url,
                probes: report.results.len(),
                requests: report.requests,
                mismatches: report.mismatches(),
                elapsed_ms: report.elapsed.as_millis(),
                results: report
                    .results
                    .iter()
                    .map(|r| JsonResult {
                        probe: &r.probe.label,
                        intent: r.probe.intent,
                        expected: verdict_word(&r.expected.verdict),
                        observed: match &r.observed {
                            Ok(x) => verdict_word(&x.verdict),
                            Err(_) => "error".to_string(),
                        },
                        ok: r.ok(),
                        mismatches: &r.comparison.mismatches,
                        notes: &r.comparison.notes,
                    })
                    .collect(),
            };
            match serde_json::to_string_pretty(&j) {
                Ok(s) => output::out(&(s + "\n")),
                Err(e) => output::out(&format!("{{\"error\": \"{e}\"}}\n")),
            }
        }
    }
    if report.mismatches() == 0 {
        Outcome::Clean
    } else {
        Outcome::Failed
    }
}

#[derive(Serialize)]
struct Json<'a> {
    schema: &'static str,
    policy: &'a str,
    url: &'a str,
    probes: usize,
    requests: usize,
    mismatches: usize,
    elapsed_ms: u128,
    results: Vec<JsonResult<'a>>,
}

#[derive(Serialize)]
struct JsonResult<'a> {
    probe: &'a str,
    intent: crate::eval::probe::Intent,
    expected: String,
    observed: String,
    ok: bool,
    mismatches: &'a [String],
    notes: &'a [String],
}

fn verdict_word(v: &Verdict) -> String {
    match v {
        Verdict::Allowed { .. } => "allowed".to_string(),
        Verdict::Blocked(b) => format!("blocked ({})", b.step.describe()),
    }
}

fn human(report: &Report, policy: &str, url: &str) -> String {
    let rows: Vec<[String; 5]> = report
        .results
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let observed = match &r.observed {
                Ok(x) => verdict_word(&x.verdict),
                Err(_) => "no answer".to_string(),
            };
            let mut differed = r.comparison.mismatches.join("; ");
            if differed.is_empty() {
                differed = r.comparison.notes.join("; ");
                if !differed.is_empty() {
                    differed = format!("(harmless) {differed}");
                }
            }
            [
                format!("{}{}", if r.ok() { " " } else { "✗" }, i + 1),
                r.probe.label.clone(),
                verdict_word(&r.expected.verdict),
                observed,
                differed,
            ]
        })
        .collect();
    let headers = ["#", "probe", "expected", "observed", "what differed"];
    let mut widths = headers.map(|h| h.chars().count());
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r.iter()).take(4) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: [&str; 5]| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i == 4 {
                s.push_str(c);
            } else {
                s.push_str(c);
                s.push_str(&" ".repeat(widths[i] - c.chars().count() + 2));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut s = format!("verify {policy} against {url}\n\n");
    s.push_str(&line(headers));
    for r in &rows {
        s.push_str(&line([&r[0], &r[1], &r[2], &r[3], &r[4]]));
    }
    let n = report.results.len();
    let bad = report.mismatches();
    s.push_str(&format!(
        "\n{n} probes, {} HTTP requests: {} match, {bad} {}\n",
        report.requests,
        n - bad,
        if bad == 1 { "mismatch" } else { "mismatches" }
    ));
    s
}
