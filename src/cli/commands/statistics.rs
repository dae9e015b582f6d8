//! `corsc lint --statistics`: how often each rule was reported, as ruff prints it.

use crate::diagnostics::{Applicability, Diagnostic};
use crate::source::Source;
use serde::Serialize;
use std::collections::BTreeMap;

/// One rule's line.
#[derive(Debug, Serialize, PartialEq, Eq)]
struct Row {
    code: &'static str,
    name: &'static str,
    count: usize,
    /// Whether `--fix` (with `--unsafe-fixes` when given) would fix at least one of them.
    fixable: bool,
}

/// Counts per rule, most frequent first (then by code), among every file's findings.
fn rows(files: &[(Source, Vec<Diagnostic>)], unsafe_fixes: bool) -> Vec<Row> {
    let mut by_code: BTreeMap<(&'static str, &'static str), (usize, bool)> = BTreeMap::new();
    for d in files.iter().flat_map(|(_, d)| d) {
        let fixable = d.fix.as_ref().is_some_and(|f| {
            f.applicability == Applicability::Safe
                || (unsafe_fixes && f.applicability == Applicability::Unsafe)
        });
        let e = by_code.entry((d.code, d.name)).or_insert((0, false));
        e.0 += 1;
        e.1 |= fixable;
    }
    let mut rows: Vec<Row> = by_code
        .into_iter()
        .map(|((code, name), (count, fixable))| Row {
            code,
            name,
            count,
            fixable,
        })
        .collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
    rows
}

/// The table (`   3 S102  null-origin  [*]`) or, with `json`, an array of
/// `{code, name, count, fixable}`.
pub(crate) fn render(
    files: &[(Source, Vec<Diagnostic>)],
    json: bool,
    unsafe_fixes: bool,
) -> String {
    let rows = rows(files, unsafe_fixes);
    if json {
        return serde_json::to_string_pretty(&rows)
            .map_or_else(|e| format!("{{\"error\": \"{e}\"}}\n"), |j| j + "\n");
    }
    let count_w = rows
        .iter()
        .map(|r| r.count.to_string().len())
        .max()
        .unwrap_or(0)
        .max(4);
    let code_w = rows.iter().map(|r| r.code.len()).max().unwrap_or(0);
    let name_w = rows.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for r in &rows {
        let line = format!(
            "{:>count_w$} {:<code_w$}  {:<name_w$}  {}",
            r.count,
            r.code,
            r.name,
            if r.fixable { "[*]" } else { "" }
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
