//! `corsc diff OLD NEW`: a semantic diff of two policy files, for migrations.
//!
//! Exit status: 0 when NEW allows nothing OLD did not (equivalent or narrower), 1 when it
//! allows something OLD did not, 2 on usage or I/O errors or a policy with errors (printed as
//! `corsc check` prints them).
//!
//! Each side is read through [`load_side`] alone, so a new way of reading a side (another
//! input format) is one change there.

use super::super::args::{DiffArgs, DiffFormat};
use super::super::inputs::{self, InputError};
use super::super::{output, Outcome};
use crate::diagnostics::{render, Diagnostic, Severity};
use crate::diff::{self, DiffOptions, DiffReport, Item, ScopeDiff};
use crate::ir::PolicySet;
use crate::pipeline;
use crate::source::{shown, Source};
use serde::Serialize;
use std::io::Write as _;
use std::path::{Path, PathBuf};

mod markdown;
mod words;
use markdown::markdown;
use words::{is_same, verdict_line, GROUPS};

/// Why a side could not be loaded.
pub(crate) enum SideError {
    /// The file could not be read (or names several files).
    Input(Vec<InputError>),
    /// The file has syntax or check errors.
    Invalid(Box<Source>, Vec<Diagnostic>),
}

/// One side, read, checked and resolved for a profile.
pub(crate) struct Side {
    /// The text it was read from.
    pub source: Source,
    /// Its policies.
    pub set: PolicySet,
}

pub(crate) fn run(args: &DiffArgs, color: bool) -> Outcome {
    let old_profile = args.profile.as_deref().or(args.old_profile.as_deref());
    let new_profile = args.profile.as_deref().or(args.new_profile.as_deref());
    let mut sides = Vec::new();
    let old_from = args.from.as_deref().or(args.old_from.as_deref());
    let new_from = args.from.as_deref().or(args.new_from.as_deref());
    for (path, profile, from) in [
        (&args.old, old_profile, old_from),
        (&args.new, new_profile, new_from),
    ] {
        let loaded = match from {
            Some(format) => load_imported(path, format, profile),
            None => load_side(path, profile),
        };
        match loaded {
            Ok(s) => sides.push(s),
            Err(e) => {
                report_side_error(e, color);
                return Outcome::Fatal;
            }
        }
    }
    let (old, new) = (&sides[0], &sides[1]);
    let report = diff::diff(&old.set, &new.set, &DiffOptions::default());
    let text = match args.format {
        DiffFormat::Human => human(&report, &old.source, &new.source),
        DiffFormat::Json => json(&report, (old, old_profile), (new, new_profile)),
        DiffFormat::Markdown => markdown(&report, &old.source, &new.source),
    };
    output::out(&text);
    if report.verdict.widens() {
        Outcome::Failed
    } else {
        Outcome::Clean
    }
}

/// Reads one side from another tool's configuration: imported (findings about the input go to
/// standard error, as `corsc import` prints them), then checked as any policy.
pub(crate) fn load_imported(
    path: &Path,
    format: &str,
    profile: Option<&str>,
) -> Result<Side, SideError> {
    let Some(importer) = crate::import::find(format) else {
        return Err(SideError::Input(vec![InputError {
            message: format!("corsc cannot import `{format}`"),
            help: Some("`corsc import --list` names the formats".into()),
        }]));
    };
    if profile.is_some() {
        return Err(SideError::Input(vec![InputError {
            message: format!("`{}` is imported, and an import has no profiles", path.display()),
            help: Some("drop --profile for the imported side (use --old-profile or --new-profile for the other)".into()),
        }]));
    }
    let imported = pipeline::import(importer, &[PathBuf::from(path)]).map_err(|e| {
        SideError::Input(vec![InputError {
            message: e,
            help: Some("check the path and that the file is readable text".into()),
        }])
    })?;
    let mut findings = String::new();
    for (src, d) in super::import::by_file(&imported.sources, imported.diagnostics.clone()) {
        findings.push_str(&render::concise(&src, &d));
    }
    let _ = std::io::stderr().write_all(findings.as_bytes());
    if imported.failed() {
        return Err(SideError::Input(vec![InputError {
            message: format!(
                "`{}` could not be imported as {}",
                path.display(),
                importer.meta().name
            ),
            help: Some(format!(
                "`corsc lint --from {format} {}` shows why",
                path.display()
            )),
        }]));
    }
    let source = imported.policy_source();
    let file =
        pipeline::parse(&source).map_err(|d| SideError::Invalid(Box::new(source.clone()), d))?;
    match pipeline::check(&file, None).policies {
        Some(set) => Ok(Side { source, set }),
        None => Err(SideError::Invalid(
            Box::new(source.clone()),
            pipeline::errors(&source),
        )),
    }
}

/// Reads one side: a `.cors` file, checked and resolved for `profile`.
pub(crate) fn load_side(path: &Path, profile: Option<&str>) -> Result<Side, SideError> {
    let mut sources =
        inputs::read_all(&[PathBuf::from(path)], "<stdin>").map_err(SideError::Input)?;
    if sources.len() != 1 {
        return Err(SideError::Input(vec![InputError {
            message: format!(
                "`{}` holds {} policy files; name one file",
                path.display(),
                sources.len()
            ),
            help: Some("pass a single `.cors` file for each side".into()),
        }]));
    }
    let source = sources.remove(0);
    let file = match pipeline::parse(&source) {
        Ok(f) => f,
        Err(d) => return Err(SideError::Invalid(Box::new(source), d)),
    };
    if let Some(p) = profile {
        let known = crate::check::profile_names(&file);
        if !known.iter().any(|k| k == p) {
            let help = if known.is_empty() {
                "this file defines no profiles".to_string()
            } else {
                format!("the profiles defined are {}", known.join(", "))
            };
            return Err(SideError::Input(vec![InputError {
                message: format!(
                    "no policy in `{}` defines the profile `{p}`",
                    path.display()
                ),
                help: Some(help),
            }]));
        }
    }
    let checked = pipeline::check(&file, profile);
    match checked.policies {
        Some(set) => Ok(Side { source, set }),
        None => {
            let errors = checked
                .diagnostics
                .into_iter()
                .filter(|d| d.severity == Severity::Error)
                .collect();
            Err(SideError::Invalid(Box::new(source), errors))
        }
    }
}

fn report_side_error(e: SideError, color: bool) {
    match e {
        SideError::Input(errors) => output::fatal(&errors, color),
        SideError::Invalid(source, d) => {
            let mut s = render::human(&source, &d, color);
            s.push_str(&format!(
                "error: `{}` has errors; fix them first (`corsc check {}`)\n",
                shown(&source.name),
                shown(&source.name)
            ));
            let _ = std::io::stderr().write_all(s.as_bytes());
        }
    }
}

fn human(r: &DiffReport, old: &Source, new: &Source) -> String {
    let mut s = format!("diff {} → {}\n", shown(&old.name), shown(&new.name));
    for scope in &r.scopes {
        s.push('\n');
        s.push_str(&format!(
            "scope {}  (old: {}, new: {})",
            scope.scope,
            scope.old_policy.as_deref().unwrap_or("no policy"),
            scope.new_policy.as_deref().unwrap_or("no policy"),
        ));
        if is_same(scope) {
            s.push_str(": no difference\n");
            continue;
        }
        s.push('\n');
        if scope.paths.len() > 1 {
            s.push_str(&format!("  paths {}\n", scope.paths.join(", ")));
        }
        for g in GROUPS {
            let lines: Vec<String> = [('+', &scope.gained), ('-', &scope.lost)]
                .into_iter()
                .flat_map(|(sign, items)| {
                    items
                        .iter()
                        .filter(move |i| i.kind == g)
                        .map(move |i| item_line(sign, i))
                })
                .collect();
            if !lines.is_empty() {
                s.push_str(&format!("  {}\n", g.heading()));
                for l in lines {
                    s.push_str(&format!("    {l}\n"));
                }
            }
        }
        for c in &scope.changed {
            let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".into());
            s.push_str(&format!(
                "  {}\n    ~ {} → {} (a change, not a widening)\n",
                c.what,
                show(&c.old),
                show(&c.new)
            ));
        }
        for (word, ex) in [("widens", &scope.widening), ("narrows", &scope.narrowing)] {
            if let Some(e) = ex {
                s.push_str(&format!(
                    "  {word}: {}: old {}, new {} ({})\n",
                    e.request, e.old, e.new, e.browser
                ));
            }
        }
    }
    s.push('\n');
    s.push_str(&format!("verdict: {}\n", verdict_line(r.verdict)));
    s
}

fn item_line(sign: char, i: &Item) -> String {
    match &i.example {
        Some(e) if *e != i.value.to_ascii_lowercase() && *e != i.value => {
            format!("{sign} {}  e.g. {e}", i.value)
        }
        _ => format!("{sign} {}", i.value),
    }
}

/// `corsc-diff/1`: fields are only ever added within the schema version.
#[derive(Serialize)]
struct Json<'a> {
    schema: &'static str,
    version: &'static str,
    old: SideJson<'a>,
    new: SideJson<'a>,
    verdict: diff::Verdict,
    widens: bool,
    scopes: Vec<ScopeJson<'a>>,
}

#[derive(Serialize)]
struct SideJson<'a> {
    file: String,
    profile: Option<&'a str>,
}

#[derive(Serialize)]
struct ScopeJson<'a> {
    verdict: diff::Verdict,
    #[serde(flatten)]
    scope: &'a ScopeDiff,
}

fn side<'a>((s, p): (&Side, Option<&'a str>)) -> SideJson<'a> {
    SideJson {
        file: shown(&s.source.name).to_string(),
        profile: p,
    }
}

fn json(r: &DiffReport, old: (&Side, Option<&str>), new: (&Side, Option<&str>)) -> String {
    let doc = Json {
        schema: "corsc-diff/1",
        version: env!("CARGO_PKG_VERSION"),
        old: side(old),
        new: side(new),
        verdict: r.verdict,
        widens: r.verdict.widens(),
        scopes: r
            .scopes
            .iter()
            .map(|s| ScopeJson {
                verdict: s.verdict(),
                scope: s,
            })
            .collect(),
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
