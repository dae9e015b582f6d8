//! `corsc targets`: every registered target and what it can express, from its
//! [`TargetMeta`] record.
//!
//! The default view fits a 100-column terminal (one entry per target, its summary wrapped);
//! `corsc targets NAME` shows one target in full, `--wide` every target's table side by side,
//! `--format json` and `--format markdown` the whole table as data.

use super::super::args::{TableFormat, TargetsArgs};
use super::super::inputs::InputError;
use super::super::{output, Outcome};
use crate::emit::ownership::Layer;
use crate::emit::{Capabilities, Options, Provenance, Shape, TargetMeta, TARGETS};
use crate::pipeline::{self, LintErrors};
use crate::source::Source;
use serde::Serialize;

/// The widest line of the default view: a terminal of 100 columns shows it unbroken.
pub(crate) const WIDTH: usize = 100;

#[derive(Serialize)]
struct TargetRecord {
    id: &'static str,
    name: &'static str,
    summary: &'static str,
    capabilities: &'static Capabilities,
}

fn record(m: &'static TargetMeta) -> TargetRecord {
    TargetRecord {
        id: m.id,
        name: m.name,
        summary: m.doc_short,
        capabilities: m.capabilities,
    }
}

pub(crate) fn run(args: &TargetsArgs, color: bool) -> Outcome {
    let one = match args.name.as_deref() {
        None => None,
        Some(name) => match crate::emit::find(name) {
            Some(t) => Some(t.meta()),
            None => return unknown(name, color),
        },
    };
    let text = match (args.format, one) {
        (TableFormat::Json, _) => {
            let records: Vec<TargetRecord> = match one {
                Some(m) => vec![record(m)],
                None => metas().map(record).collect(),
            };
            let doc = serde_json::json!({ "schema": "corsc-targets/1", "targets": records });
            serde_json::to_string_pretty(&doc)
                .map_or_else(|e| format!("{{\"error\": \"{e}\"}}"), |j| j + "\n")
        }
        (TableFormat::Markdown, _) => markdown(),
        (TableFormat::Text, Some(m)) => full(m),
        (TableFormat::Text, None) if args.wide => text(),
        (TableFormat::Text, None) => compact(),
    };
    output::out(&text);
    Outcome::Clean
}

/// An unknown NAME: exit 2, with the nearest id or alias if one is close.
fn unknown(name: &str, color: bool) -> Outcome {
    let names = metas().flat_map(|m| std::iter::once(m.id).chain(m.aliases.iter().copied()));
    let help = match crate::check::closest_name(name, names) {
        Some(n) => format!("did you mean `{n}`? `corsc targets` lists every target"),
        None => "`corsc targets` lists every target".to_string(),
    };
    output::fatal(
        &[InputError {
            message: format!("unknown target {}", super::super::request::shown(name)),
            help: Some(help),
        }],
        color,
    );
    Outcome::Fatal
}

/// What kind of output a target writes, in a word.
fn kind(m: &TargetMeta) -> &'static str {
    match m.layer {
        Layer::Proxy => "proxy",
        Layer::App => "app",
    }
}

/// Splits `text` into lines of at most `width` characters at spaces (a longer word stays
/// whole on its own line).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The default view: id, kind, summary (wrapped under itself), then how to see more.
fn compact() -> String {
    let idw = metas().map(|m| m.id.len()).max().unwrap_or(0);
    let kw = metas().map(|m| kind(m).len()).max().unwrap_or(0);
    let indent = idw + 2 + kw + 2;
    let mut s = String::new();
    for m in metas() {
        for (i, l) in wrap(m.doc_short, WIDTH.saturating_sub(indent).max(20))
            .iter()
            .enumerate()
        {
            if i == 0 {
                s.push_str(&format!("{:idw$}  {:kw$}  {l}\n", m.id, kind(m)));
            } else {
                s.push_str(&format!("{:indent$}{l}\n", ""));
            }
        }
    }
    s.push_str(
        "\n`corsc targets NAME` shows one target in full; `--wide` compares them all (wide);\n\
         `--format json` gives the whole table as data.\n",
    );
    s
}

/// A small policy every target can compile, to show the files each shape writes.
const PROBE: &str =
    "policy probe {\n    origins  \"https://app.example.com\"\n    methods  GET\n}\n";

/// The files a shape writes (name and where it goes), from compiling [`PROBE`]; empty when
/// the probe does not compile for that shape.
fn outputs(m: &TargetMeta, shape: Shape) -> Vec<(&'static str, &'static str)> {
    let Some(target) = crate::emit::find(m.id) else {
        return Vec::new();
    };
    let source = Source::new("probe.cors".to_string(), PROBE.to_string());
    let Ok(file) = pipeline::parse(&source) else {
        return Vec::new();
    };
    let options = Options {
        shape,
        ..Options::default()
    };
    let prov = Provenance::new("probe.cors", PROBE.as_bytes(), None);
    match pipeline::compile(&file, None, target, &options, &prov, LintErrors::Allow) {
        Ok(c) => c
            .output
            .parts
            .iter()
            .map(|p| (p.file_name, p.placement))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// One target in full: `corsc targets NAME`.
fn full(m: &'static TargetMeta) -> String {
    let caps = m.capabilities;
    let mut s = format!("{} ({})\n", m.id, m.name);
    for l in wrap(m.doc_short, WIDTH - 2) {
        s.push_str(&format!("  {l}\n"));
    }
    s.push('\n');
    // The keys are the capability table's row names; the longest sets the column.
    let kw = caps
        .rows()
        .iter()
        .map(|(n, _)| n.len())
        .chain(["exact-origin lookup".len(), "refuses (P301)".len()])
        .max()
        .unwrap_or(0);
    let mut field = |k: &str, v: String| {
        let mut first = true;
        for l in wrap(&v, WIDTH - kw - 2) {
            let key = if first { k } else { "" };
            s.push_str(&format!("{key:kw$}  {l}\n"));
            first = false;
        }
    };
    if !m.aliases.is_empty() {
        field("aliases", m.aliases.join(", "));
    }
    field(
        "kind",
        match m.layer {
            Layer::Proxy => "proxy: a server in front of the application answers CORS".into(),
            Layer::App => "app: the application's own middleware answers CORS".into(),
        },
    );
    field("minimum version", caps.min_version.to_string());
    if !caps.modules.is_empty() {
        field("modules", caps.modules.join(", "));
    }
    for (i, shape) in caps.shapes.iter().enumerate() {
        let files = outputs(m, *shape)
            .iter()
            .map(|(f, p)| format!("{f} ({p})"))
            .collect::<Vec<_>>()
            .join("; ");
        let default = if i == 0 { ", the default" } else { "" };
        field(
            if i == 0 { "shapes" } else { "" },
            format!("{}{default}: {files}", shape.as_str()),
        );
    }
    for (name, support) in caps.rows() {
        field(name, support.describe());
    }
    field(
        "exact-origin lookup",
        format!("{:?}", caps.exact_lookup).to_lowercase(),
    );
    field("regex dialect", caps.regex_dialect.to_string());
    let refused: Vec<String> = caps
        .rows()
        .iter()
        .filter(|(_, sup)| !sup.available())
        .map(|(n, _)| (*n).to_string())
        .chain(m.limits.iter().map(|l| l.summary()))
        .collect();
    if refused.is_empty() {
        field("refuses", "nothing beyond what no server can say".into());
    } else {
        for (i, r) in refused.iter().enumerate() {
            field(if i == 0 { "refuses (P301)" } else { "" }, r.clone());
        }
    }
    s
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
