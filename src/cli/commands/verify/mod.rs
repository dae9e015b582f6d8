//! `corsc verify`: probe a running server and compare it with the policy.
//!
//! Exit status: 0 when every planned probe ran and matched with no finding; 1 on any mismatch,
//! any finding, or probes the budget left out (unless `--allow-partial`); 2 on usage or I/O
//! errors (a bad URL, `--max-probes 0`, a server that does not answer, a policy with errors).
//!
//! - [`human`]: the table, the findings and the account of the budget.
//! - [`json`]: the same as one document, schema `corsc-verify/1`.

mod human;
mod json;

use super::super::args::{ReportFormat, VerifyArgs};
use super::super::{output, Outcome};
use super::policy_input::{load_policy, model, routing};
use crate::eval::live::{self, LiveError};
use crate::eval::probe::ProbeOptions;
use std::time::Duration;

/// The most probes in flight at once: more would test the server's capacity, not its CORS.
const MAX_JOBS: usize = 64;

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
    if args.jobs == 0 || args.jobs > MAX_JOBS {
        output::fatal_with_help(
            format!("`--jobs {}` is out of range", args.jobs),
            format!("give 1 (one probe at a time, the default) up to {MAX_JOBS}"),
            color,
        );
        return Outcome::Fatal;
    }
    if args.max_probes == 0 {
        output::fatal_with_help(
            "`--max-probes 0` would send no probe and verify nothing",
            "leave the default (400), or give a larger budget such as `--max-probes 5000`; the \
             report says how many probes the policy calls for",
            color,
        );
        return Outcome::Fatal;
    }
    let Some((source, set)) =
        load_policy(&args.policy, &args.eval, &args.report.stdin_filename, color)
    else {
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
    let send = live::VerifyOptions {
        timeout: Duration::from_secs(args.timeout),
        jobs: args.jobs,
    };
    let report = match live::verify_with(&set, &args.url, model(args.eval.browser), opts, send) {
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
    let text = match args.report.format {
        ReportFormat::Human => human::report(&report, &source.name, &args.url, args.allow_partial),
        ReportFormat::Json => json::report(&report, &source.name, &args.url, args.allow_partial),
    };
    output::out(&text);
    let cut = !report.complete() && !args.allow_partial;
    if report.mismatches() > 0 || report.findings() > 0 || cut {
        Outcome::Failed
    } else {
        Outcome::Clean
    }
}
