//! `corsc targets`: every registered target and what it can express, from its
//! [`TargetMeta`] record.

use super::super::args::{TableFormat, TargetsArgs};
use super::super::{output, Outcome};
use crate::emit::{Capabilities, TargetMeta, TARGETS};
use serde::Serialize;

#[derive(Serialize)]
struct TargetRecord {
    id: &'static str,
    name: &'static str,
    summary: &'static str,
    capabilities: &'static Capabilities,
}

pub(crate) fn run(args: &TargetsArgs) -> Outcome {
    let text = match args.format {
        TableFormat::Json => {
            let records: Vec<TargetRecord> = metas()
                .map(|m| TargetRecord {
                    id: m.id,
                    name: m.name,
                    summary: m.doc_short,
                    capabilities: m.capabilities,
                })
                .collect();
            let doc = serde_json::json!({ "schema": "corsc-targets/1", "targets": records });
            serde_json::to_string_pretty(&doc)
                .map_or_else(|e| format!("{{\"error\": \"{e}\"}}"), |j| j + "\n")
        }
        TableFormat::Markdown => markdown(),
        TableFormat::Text => text(),
    };
    output::out(&text);
    Outcome::Clean
}

/// Every target's record, in registry order.
fn metas() -> impl Iterator<Item = &'static TargetMeta> {
    TARGETS.iter().map(|t| t.meta())
}

/// Rows shared by the text and Markdown tables: a feature name, then one cell per target.
fn rows() -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    out.push((
        "minimum version".into(),
        metas()
            .map(|m| m.capabilities.min_version.to_string())
            .collect(),
    ));
    let first = TARGETS[0].meta().capabilities.rows();
    for (i, (name, _)) in first.iter().enumerate() {
        out.push((
            (*name).to_string(),
            metas()
                .map(|m| m.capabilities.rows()[i].1.describe())
                .collect(),
        ));
    }
    out.push((
        "exact-origin lookup".into(),
        metas()
            .map(|m| format!("{:?}", m.capabilities.exact_lookup).to_lowercase())
            .collect(),
    ));
    out.push((
        "regex dialect".into(),
        metas()
            .map(|m| m.capabilities.regex_dialect.to_string())
            .collect(),
    ));
    out.push((
        "shapes".into(),
        metas()
            .map(|m| {
                m.capabilities
                    .shapes
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .collect(),
    ));
    out.push((
        "modules".into(),
        metas()
            .map(|m| {
                let modules = m.capabilities.modules;
                if modules.is_empty() {
                    "-".to_string()
                } else {
                    modules.join(", ")
                }
            })
            .collect(),
    ));
    out
}

fn text() -> String {
    let mut s = String::new();
    let idw = metas().map(|m| m.id.len()).max().unwrap_or(0);
    for m in metas() {
        s.push_str(&format!("{:idw$}  {}\n", m.id, m.doc_short));
    }
    s.push('\n');
    let rows = rows();
    let w0 = rows.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..TARGETS.len())
        .map(|i| {
            rows.iter()
                .map(|(_, c)| c[i].len())
                .chain(std::iter::once(TARGETS[i].meta().id.len()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut line = format!("{:w0$}", "");
    for (i, m) in metas().enumerate() {
        line.push_str(&format!("  {:w$}", m.id, w = widths[i]));
    }
    s.push_str(line.trim_end());
    s.push('\n');
    for (name, cells) in &rows {
        let mut line = format!("{name:w0$}");
        for (i, c) in cells.iter().enumerate() {
            line.push_str(&format!("  {c:w$}", w = widths[i]));
        }
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s
}

fn markdown() -> String {
    let mut s = String::from("| feature |");
    for m in metas() {
        s.push_str(&format!(" {} (`{}`) |", m.name, m.id));
    }
    s.push_str("\n|---|");
    for _ in TARGETS {
        s.push_str("---|");
    }
    s.push('\n');
    for (name, cells) in rows() {
        s.push_str(&format!("| {name} |"));
        for c in cells {
            s.push_str(&format!(" {c} |"));
        }
        s.push('\n');
    }
    s
}
