//! GitLab Code Quality reports (`artifacts:reports:codequality`): a JSON array of issues, a
//! subset of the Code Climate issue format, shown in merge requests.
//!
//! Severities: error → `major`, warning → `minor`, note → `info`. The fingerprint identifies a
//! finding across pipelines (GitLab compares them to tell new findings from old): a SHA-256 of
//! the path, code, line and message, with a counter when the same finding repeats on a line.

use super::{Diagnostic, Severity};
use crate::source::{shown_lines, Source};
use serde::Serialize;
use sha2::{Digest as _, Sha256};
use std::collections::HashMap;

/// The GitLab severity of a finding.
#[must_use]
pub fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Note => "info",
    }
}

#[derive(Serialize)]
struct Issue {
    #[serde(rename = "type")]
    kind: &'static str,
    description: String,
    check_name: String,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

fn fingerprint(path: &str, code: &str, line: usize, message: &str, repeat: usize) -> String {
    let mut h = Sha256::new();
    for part in [path, code, &line.to_string(), message, &repeat.to_string()] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The report for every file: one issue per finding.
#[must_use]
pub fn render(files: &[(Source, Vec<Diagnostic>)]) -> String {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut issues = Vec::new();
    for (source, diags) in files {
        // GitLab expects paths relative to the repository, with `/`.
        let path = source.name.replace('\\', "/");
        for d in diags {
            let (line, _) = source.line_col(d.primary.span.start);
            let base = fingerprint(&path, d.code, line, &d.message, 0);
            let repeat = seen.entry(base.clone()).or_insert(0);
            let fp = if *repeat == 0 {
                base
            } else {
                fingerprint(&path, d.code, line, &d.message, *repeat)
            };
            *repeat += 1;
            issues.push(Issue {
                kind: "issue",
                description: format!("{} {}: {}", d.code, d.name, shown_lines(&d.message)),
                check_name: format!("{} {}", d.code, d.name),
                fingerprint: fp,
                severity: severity(d.severity),
                location: Location {
                    path: path.clone(),
                    lines: Lines { begin: line },
                },
            });
        }
    }
    serde_json::to_string_pretty(&issues)
        .map_or_else(|e| format!("{{\"error\": \"{e}\"}}\n"), |j| j + "\n")
}
