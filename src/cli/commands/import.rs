//! `corsc import`: read an existing CORS configuration and write it as a policy.

use super::super::args::{Format, ImportArgs};
use super::super::{output, Outcome};
use super::destinations::{check_file, is_stdout, write_error};
use crate::diagnostics::{render, Diagnostic};
use crate::import::{self, Importer};
use crate::source::Source;

/// Every format, one per line, for `--list` and for an unknown `--from`.
fn listing() -> String {
    import::formats::FORMATS
        .iter()
        .map(|f| {
            let m = f.meta();
            format!("{:16}{} — {}\n", m.id, m.name, m.reads)
        })
        .collect()
}

/// The importer `--from` names, or a fatal error that lists them and suggests the nearest.
pub(crate) fn resolve(id: &str, color: bool) -> Option<&'static dyn Importer> {
    if let Some(f) = import::find(id) {
        return Some(f);
    }
    let nearest = import::formats::FORMATS
        .iter()
        .map(|f| f.meta().id)
        .min_by(|a, b| {
            strsim::jaro_winkler(id, b)
                .partial_cmp(&strsim::jaro_winkler(id, a))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
    let help = match nearest {
        Some(n) if strsim::jaro_winkler(id, n) > 0.8 => {
            format!("did you mean `{n}`? The formats are:\n{}", listing())
        }
        _ => format!("the formats are:\n{}", listing()),
    };
    output::fatal_with_help(format!("corsc cannot import `{id}`"), help, color);
    None
}

/// The findings grouped by input file, in file order, for the reporters.
pub(crate) fn by_file(
    sources: &[Source],
    diags: Vec<(usize, Diagnostic)>,
) -> Vec<(Source, Vec<Diagnostic>)> {
    let mut files: Vec<(Source, Vec<Diagnostic>)> =
        sources.iter().map(|s| (s.clone(), Vec::new())).collect();
    for (f, d) in diags {
        if let Some(slot) = files.get_mut(f) {
            slot.1.push(d);
        }
    }
    files.retain(|(_, d)| !d.is_empty());
    files
}

pub(crate) fn run(args: &ImportArgs, color: bool) -> Outcome {
    if args.list {
        output::out(&listing());
        return Outcome::Clean;
    }
    let Some(importer) = args.from.as_deref().and_then(|id| resolve(id, color)) else {
        return Outcome::Fatal;
    };
    let imported = match crate::pipeline::import(importer, &args.files) {
        Ok(i) => i,
        Err(e) => {
            output::fatal_with_help(
                e,
                "check the path and that the file is readable text",
                color,
            );
            return Outcome::Fatal;
        }
    };
    let failed = imported.failed();
    let files = by_file(&imported.sources, imported.diagnostics.clone());
    // Findings go to standard error when the policy goes to standard output.
    let mut findings = String::new();
    for (src, d) in &files {
        findings.push_str(&match args.format {
            Format::Concise => render::concise_styled(src, d, color),
            _ => render::human(src, d, color),
        });
    }
    if failed {
        eprint!("{findings}");
        return Outcome::Failed;
    }
    let text = imported.text();
    match &args.output {
        Some(path) if !is_stdout(path) => {
            let written = check_file(path, "api.cors").and_then(|()| {
                crate::emit::write::atomic_write(path, &text).map_err(|e| write_error(path, &e))
            });
            if let Err(e) = written {
                eprint!("{findings}");
                output::fatal(&[e], color);
                return Outcome::Fatal;
            }
            eprint!("{findings}");
        }
        _ => {
            eprint!("{findings}");
            output::out(&text);
        }
    }
    Outcome::Clean
}
