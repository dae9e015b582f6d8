//! `corsc import`: read the CORS configuration a team already has and write it as a policy.
//!
//! Each format is one file in [`formats`] and one line of its registry. An importer reads its
//! input (never executing it) into a [`Draft`], reporting at the input's own lines what it could
//! not say exactly; [`render`] writes the draft as `.cors` text; the text then goes through the
//! same parser and checker as any policy, and whatever the checker refuses is left out and
//! reported, so an import narrows what it cannot express and never widens it. Lint findings on
//! the imported policy are mapped back to the input's lines ([`Imported::map`]), which is what
//! `corsc lint --from` reports.

pub mod bucket;
pub mod context;
pub mod draft;
pub mod formats;
pub mod js_options;
pub mod python;
pub mod render;
pub mod syntax_tree;

pub use context::{Context, FormatMeta, Importer};
pub use draft::{Draft, DraftPolicy, Loc, Noted, OriginValue};
pub use render::Rendered;

use crate::diagnostics::codes;
use crate::diagnostics::{Diagnostic, Severity};
use crate::source::{Source, Span};
use std::path::PathBuf;

/// Looks a format up by id.
#[must_use]
pub fn find(id: &str) -> Option<&'static dyn Importer> {
    formats::FORMATS
        .iter()
        .copied()
        .find(|f| f.meta().id.eq_ignore_ascii_case(id))
}

/// The result of one import.
#[derive(Debug)]
pub struct Imported {
    /// The format read.
    pub format: &'static FormatMeta,
    /// Every input file, in [`Loc::file`] order.
    pub sources: Vec<Source>,
    /// What was read.
    pub draft: Draft,
    /// The policy text as written (before layout) and where each line came from.
    pub rendered: Rendered,
    /// The import's own findings, each with its file.
    pub diagnostics: Vec<(usize, Diagnostic)>,
}

impl Imported {
    /// The imported policy as a source, named after the first input.
    #[must_use]
    pub fn policy_source(&self) -> Source {
        let name = self
            .sources
            .first()
            .map_or_else(|| "imported".to_string(), |s| format!("{}.cors", s.name));
        Source::new(name, self.rendered.text.clone())
    }

    /// The policy laid out as `corsc fmt` lays out any file.
    #[must_use]
    pub fn text(&self) -> String {
        // The text parses (the import checked it), so the formatter takes it; were it ever not
        // to, the text as written is still the same policy.
        crate::format::format_source(&Source::new("imported.cors", self.rendered.text.clone()))
            .unwrap_or_else(|_| self.rendered.text.clone())
    }

    /// Whether the import found an error in its input (then it writes no policy).
    #[must_use]
    pub fn failed(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|(_, d)| d.severity == Severity::Error)
    }

    /// Findings about the imported policy, moved to the input lines they came from. A finding
    /// no input line accounts for is put at the top of the first input. Fixes are dropped
    /// (they edit the policy, not the input); a note quotes the policy line.
    #[must_use]
    pub fn map(&self, diags: Vec<Diagnostic>) -> Vec<(usize, Diagnostic)> {
        let policy = self.policy_source();
        diags
            .into_iter()
            .map(|mut d| {
                let at = self
                    .rendered
                    .locate(d.primary.span.start)
                    .unwrap_or(Loc::new(0, 0, 0));
                let line = policy
                    .slice(Span::new(
                        policy.line_range(d.primary.span.start).start,
                        policy.line_range(d.primary.span.start).end,
                    ))
                    .trim()
                    .to_string();
                d.primary.span = at.span;
                d.secondary = std::mem::take(&mut d.secondary)
                    .into_iter()
                    .filter_map(|mut l| {
                        let loc = self.rendered.locate(l.span.start)?;
                        (loc.file == at.file).then(|| {
                            l.span = loc.span;
                            l
                        })
                    })
                    .collect();
                d.fix = None;
                if !line.is_empty() {
                    d.notes
                        .insert(0, format!("in the imported policy: `{line}`"));
                }
                (at.file, d)
            })
            .collect()
    }
}

/// The errors the parser and the checker find in policy text; handed in by the pipeline,
/// the one caller of the checker.
pub type Checker<'a> = &'a dyn Fn(&Source) -> Vec<Diagnostic>;

/// Imports `paths` with `importer`. The policy text is parsed and checked; a value the checker
/// refuses is left out and reported at its input line, and the text written again, so what
/// comes out always checks.
///
/// # Errors
/// A file that cannot be read, with why.
pub fn import(
    importer: &dyn Importer,
    paths: &[PathBuf],
    checker: Checker<'_>,
) -> Result<Imported, String> {
    let mut cx = Context::default();
    let mut files = Vec::new();
    for p in paths {
        match cx.load(p) {
            Ok(Some(i)) => files.push(i),
            Ok(None) => {}
            Err(e) => return Err(format!("could not read `{}`: {e}", p.display())),
        }
    }
    Ok(import_context(importer, cx, &files, checker))
}

/// Imports files already in a context (tests, standard input).
#[must_use]
pub fn import_context(
    importer: &dyn Importer,
    mut cx: Context,
    files: &[usize],
    checker: Checker<'_>,
) -> Imported {
    let mut draft = importer.read(&mut cx, files);
    let names: Vec<String> = files
        .iter()
        .map(|&f| format!("`{}`", cx.sources[f].name))
        .collect();
    draft.header.insert(
        0,
        format!(
            "Imported from {} by `corsc import --from {}`.",
            names.join(", "),
            importer.meta().id
        ),
    );
    let mut rendered = render::render(&draft);
    // Whatever the checker refuses is left out, one value at a time, until the text checks.
    for _ in 0..64 {
        let source = Source::new("imported.cors", rendered.text.clone());
        let errors = checker(&source);
        let Some(first) = errors.first() else {
            break;
        };
        let removed = rendered
            .locate(first.primary.span.start)
            .is_some_and(|loc| remove_at(&mut draft, loc));
        let at = rendered
            .locate(first.primary.span.start)
            .unwrap_or(Loc::new(files.first().copied().unwrap_or(0), 0, 0));
        if !removed {
            cx.unreadable(
                at,
                format!(
                    "corsc could not write a policy for this input: {}",
                    first.message
                ),
                "this is a limit of the import; write this part of the policy by hand",
            );
            break;
        }
        cx.narrowed(
            at,
            format!("left out of the policy: {}", first.message),
            first
                .help
                .clone()
                .unwrap_or_else(|| "write this value by hand if it is meant".to_string()),
        );
        rendered = render::render(&draft);
    }
    for (at, why) in std::mem::take(&mut rendered.dropped) {
        let at = at.unwrap_or(Loc::new(files.first().copied().unwrap_or(0), 0, 0));
        cx.narrowed(at, why, "write this value by hand if it is meant");
    }
    if draft.policies.is_empty()
        && !cx
            .diagnostics
            .iter()
            .any(|(_, d)| d.severity == Severity::Error)
    {
        let file = files.first().copied().unwrap_or(0);
        cx.report(
            &codes::IMPORT_NO_CORS,
            Severity::Error,
            Loc::new(file, 0, 0),
            format!(
                "no CORS configuration was found in this {} input",
                importer.meta().name
            ),
            format!(
                "`corsc import --from {}` reads {}",
                importer.meta().id,
                importer.meta().reads
            ),
        );
    }
    cx.diagnostics
        .sort_by_key(|(f, d)| (*f, d.primary.span.start));
    Imported {
        format: importer.meta(),
        sources: cx.sources,
        draft,
        rendered,
        diagnostics: cx.diagnostics,
    }
}

/// Removes the value read at `loc` from the draft; whether one was.
fn remove_at(draft: &mut Draft, loc: Loc) -> bool {
    fn strip<T>(v: &mut Vec<Noted<T>>, loc: Loc) -> bool {
        let n = v.len();
        v.retain(|x| x.at != Some(loc));
        v.len() != n
    }
    // A policy whose every path scope is refused goes whole: without paths it would apply to
    // every path, which is wider than what was read.
    if let Some(i) = draft.policies.iter().position(|p| {
        p.paths.iter().any(|x| x.at == Some(loc)) && p.paths.iter().all(|x| x.at == Some(loc))
    }) {
        draft.policies.remove(i);
        return true;
    }
    for p in &mut draft.policies {
        let mut hit = strip(&mut p.origins, loc) | strip(&mut p.paths, loc);
        for list in [
            &mut p.methods,
            &mut p.request_headers,
            &mut p.expose_headers,
        ]
        .into_iter()
        .flatten()
        {
            hit |= strip(list, loc);
        }
        if hit {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A format of `key value` lines, so the stage can be tested without any real format:
    /// `path /api/*`, `origin https://a.example`, `regex ^…$`, `any`, `credentials`, `method X`.
    struct Lines;

    static LINES: FormatMeta = FormatMeta {
        id: "lines",
        name: "lines",
        reads: "key value lines",
    };

    impl Importer for Lines {
        fn meta(&self) -> &'static FormatMeta {
            &LINES
        }

        fn read(&self, cx: &mut Context, files: &[usize]) -> Draft {
            let mut p = DraftPolicy::new("api", Some(Loc::new(files[0], 0, 0)));
            let text = cx.text(files[0]).to_string();
            let mut offset = 0;
            for line in text.split_inclusive('\n') {
                let at = Loc::new(files[0], offset, offset + line.trim_end_matches('\n').len());
                offset += line.len();
                let (k, v) = line
                    .trim_end_matches('\n')
                    .split_once(' ')
                    .unwrap_or((line.trim_end(), ""));
                let v = v.replace("\\n", "\n");
                match k {
                    "path" => p.paths.push(Noted::at(v, at)),
                    "origin" => p.origins.push(Noted::at(OriginValue::Origin(v), at)),
                    "regex" => p.origins.push(Noted::at(OriginValue::Regex(v), at)),
                    "any" => p.origins.push(Noted::at(OriginValue::Any, at)),
                    "runtime" => p.placeholders.push(Noted::at(v, at)),
                    "credentials" => p.credentials = Some(Noted::at(true, at)),
                    "method" => p
                        .methods
                        .get_or_insert_with(Vec::new)
                        .push(Noted::at(v, at)),
                    _ => {}
                }
            }
            Draft {
                header: Vec::new(),
                policies: vec![p],
            }
        }
    }

    fn run(text: &str) -> Imported {
        let cx = Context::with_sources(vec![Source::new("in.txt", text)]);
        import_context(&Lines, cx, &[0], &crate::pipeline::errors)
    }

    fn checks(i: &Imported) {
        let src = i.policy_source();
        let file = crate::syntax::parse(&src).expect("parses");
        let errs: Vec<_> = crate::pipeline::check(&file, None)
            .diagnostics
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        assert!(errs.is_empty(), "{errs:?}\n{}", src.text);
    }

    #[test]
    fn a_value_the_checker_refuses_is_left_out_and_reported_at_its_line() {
        let i = run("path /api/*\norigin https://a.example\nregex ^https://(a$\n");
        checks(&i);
        assert!(!i.rendered.text.contains("(a$"), "{}", i.rendered.text);
        let (f, d) = &i.diagnostics[0];
        assert_eq!((*f, d.code), (0, "I101"));
        assert_eq!(i.sources[0].slice(d.primary.span), "regex ^https://(a$");
    }

    #[test]
    fn injected_line_breaks_never_become_directives() {
        let i = run("origin https://a.example\\n    credentials true\nmethod GET#\nmethod PUT\n");
        checks(&i);
        assert!(
            !i.rendered.text.contains("credentials"),
            "{}",
            i.rendered.text
        );
        assert!(!i.rendered.text.contains("GET"), "{}", i.rendered.text);
        assert!(i.rendered.text.contains("PUT"));
        assert_eq!(
            i.diagnostics
                .iter()
                .filter(|(_, d)| d.code == "I101")
                .count(),
            2
        );
    }

    #[test]
    fn a_policy_whose_only_path_is_refused_is_dropped_not_widened_to_every_path() {
        let i = run("path api/x\norigin https://a.example\n");
        assert!(
            !i.rendered.text.contains("policy api {"),
            "{}",
            i.rendered.text
        );
        assert!(i.diagnostics.iter().any(|(_, d)| d.code == "I101"));
    }

    #[test]
    fn runtime_origins_leave_a_placeholder_that_allows_no_real_origin() {
        let i = run("runtime settings.ORIGINS\n");
        checks(&i);
        assert!(i.rendered.text.contains(render::PLACEHOLDER_ORIGIN));
        assert!(i
            .rendered
            .text
            .contains("# computed at run time: settings.ORIGINS"));
    }

    #[test]
    fn the_policy_is_laid_out_by_the_formatter_and_means_the_same() {
        let i =
            run("path /api/*\norigin https://a.example\norigin https://b.example\nmethod PUT\n");
        let text = i.text();
        assert_ne!(text, i.rendered.text);
        let again = crate::format::format_source(&Source::new("x.cors", text.clone())).unwrap();
        assert_eq!(again, text, "already canonical");
        assert!(crate::pipeline::errors(&Source::new("x.cors", text)).is_empty());
    }

    #[test]
    fn only_regular_files_are_read() {
        let mut cx = Context::default();
        let err = cx.load(std::path::Path::new("/dev/zero")).unwrap_err();
        assert!(err.contains("regular file"), "{err}");
        let dir = std::env::temp_dir();
        assert!(cx.load(&dir).is_err());
    }

    #[test]
    fn lint_findings_land_on_the_input_line_that_caused_them() {
        let i = run("path /api/*\nany\ncredentials\n");
        checks(&i);
        let cfg = crate::lint::LintConfig::default();
        let found = crate::pipeline::lint_imported(&i, &cfg);
        let lines: Vec<String> = found
            .iter()
            .map(|(f, d)| format!("{} {}", d.code, i.sources[*f].slice(d.primary.span)))
            .collect();
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with('S') && (l.ends_with("any") || l.ends_with("credentials"))),
            "{lines:?}"
        );
        assert!(found.iter().all(|(_, d)| d.fix.is_none()));
        assert!(found.iter().all(|(_, d)| d
            .notes
            .first()
            .is_some_and(|n| n.starts_with("in the imported policy"))));
    }
}
