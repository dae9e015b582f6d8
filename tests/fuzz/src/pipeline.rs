//! What the CLI does with a policy text, as plain function calls, with the invariants that
//! are cheap enough to check on every fuzz input. A broken invariant panics, which libFuzzer
//! reports as a crash with the input that caused it.

use corsc::diagnostics::{render, Diagnostic, Severity};
use corsc::emit::{self, Options, Provenance};
use corsc::eval::request::BrowserRequest;
use corsc::eval::{browser, server};
use corsc::ir::PolicySet;
use corsc::lint::LintConfig;
use corsc::pipeline;
use corsc::source::Source;

/// Renders diagnostics in every format the CLI offers: spans must stay inside the text and on
/// character boundaries whatever the input, or rendering panics.
pub fn render_all(source: &Source, diags: &[Diagnostic]) {
    if diags.is_empty() {
        return;
    }
    for d in diags {
        assert!(
            d.primary.span.start <= d.primary.span.end && d.primary.span.end <= source.text.len(),
            "diagnostic {} has a span {:?} outside a text of {} bytes",
            d.code,
            d.primary.span,
            source.text.len()
        );
    }
    let _ = render::human(source, diags, false);
    let _ = render::concise(source, diags);
    let _ = render::json_records(source, diags);
    let _ = corsc::diagnostics::github::render(source, diags);
    // The SARIF log's input-dependent part is its results; serializing the whole log would
    // spend most of each run printing the fixed rule table, and building the log describes
    // every rule again. It runs for one input in four (chosen by the input, so a rerun of the
    // same input does the same work), which still reaches it hundreds of times a second.
    if source.text.len() % 4 != 0 {
        return;
    }
    static CATALOGUE: std::sync::OnceLock<corsc::diagnostics::catalogue::Catalogue> =
        std::sync::OnceLock::new();
    let catalogue = CATALOGUE.get_or_init(corsc::lint::docs::catalogue);
    let log = corsc::diagnostics::sarif::log(catalogue, &[(source.clone(), diags.to_vec())]);
    for run in &log.runs {
        let _ = serde_json::to_string(&run.results);
    }
}

/// `corsc check` and `corsc lint` on one text, for the base policies and every profile, plus
/// `lint --fix`. Returns the parsed file's profile names, or `None` if it did not parse.
pub fn check_and_lint(source: &Source) -> Option<Vec<String>> {
    let file = match pipeline::parse(source) {
        Ok(f) => f,
        Err(d) => {
            assert!(!d.is_empty(), "a parse failure without a diagnostic");
            // An internal error here means the fast and the detailed grammar disagree about
            // the file, or the lowering met a pair the grammar should not have produced.
            assert!(
                d.iter()
                    .all(|d| d.code != corsc::diagnostics::codes::INTERNAL.code),
                "internal error while parsing: {d:?}"
            );
            render_all(source, &d);
            return None;
        }
    };
    let profiles = corsc::check::profile_names(&file);
    let analysis = pipeline::analyze(&file, &LintConfig::default(), None);
    for run in &analysis.runs {
        let has_errors = run
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error);
        assert_eq!(
            run.policies.is_some(),
            !has_errors,
            "the IR must exist exactly when the checker reports no error"
        );
        render_all(source, &run.diagnostics);
    }
    let lint = analysis.diagnostics();
    render_all(source, &lint);
    let checks_before = analysis.compiled().policies.is_some();
    if let Some((text, after)) = corsc::cli::fuzzing::lint_fix(source, &lint, None) {
        // A fix rewrites the user's file: the result must still parse and, if the original
        // type-checked, still type-check.
        let fixed_source = Source::new(source.name.clone(), text.as_str());
        let file2 = pipeline::parse(&fixed_source).unwrap_or_else(|d| {
            panic!("lint --fix produced text that does not parse: {d:?}\n{text}")
        });
        if checks_before {
            let c = pipeline::check(&file2, None);
            assert!(
                c.policies.is_some(),
                "lint --fix turned a file that type-checks into one that does not: {:?}\n{text}",
                c.diagnostics.iter().map(|d| d.code).collect::<Vec<_>>()
            );
        }
        render_all(&fixed_source, &after);
    }
    Some(profiles)
}

/// Runs each request through the reference evaluator as Chromium would send it (preflight
/// first when needed), answered by a server that implements `set` exactly.
pub fn evaluate(set: &PolicySet, requests: &[BrowserRequest]) {
    for req in requests {
        let exchange = browser::run(&browser::CHROMIUM, req, |w| {
            Ok::<_, std::convert::Infallible>(server::respond(set, w))
        });
        let Ok(exchange) = exchange;
        if let Some((_, res)) = &exchange.actual {
            // One `Access-Control-Allow-Origin` at most: a second one is a response no
            // browser accepts, and the evaluator is the reference every target is held to.
            let acao = res
                .headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case("access-control-allow-origin"))
                .count();
            assert!(
                acao <= 1,
                "the evaluator answered with {acao} Allow-Origin headers"
            );
        }
    }
}

/// Characters that end a line, or a token, for some parser of some output language while
/// looking harmless to a reader: U+2028 and U+2029 end a JavaScript comment line, CR ends a
/// line for Python and nginx, NEL, VT and FF are line breaks to some, NUL truncates C strings.
/// corsc writes every output with `\n` line ends, and every value that reaches an output is
/// checked or escaped, so none of them may appear raw.
const HIDDEN_BREAKS: &[char] = &[
    '\r', '\u{2028}', '\u{2029}', '\u{85}', '\u{b}', '\u{c}', '\u{0}',
];

/// Asserts an output holds none of [`HIDDEN_BREAKS`], unless told to skip bugs already known.
pub fn assert_no_hidden_breaks(target: &str, out: &emit::Output) {
    if crate::policy_model::bounds::skip_known_bugs() {
        return;
    }
    for p in &out.parts {
        if let Some((line, text)) = p
            .text
            .split('\n')
            .enumerate()
            .find(|(_, l)| l.contains(HIDDEN_BREAKS))
        {
            panic!(
                "{target} wrote a raw line or token break into {} line {}: {text:?}",
                p.file_name,
                line + 1
            );
        }
    }
}

/// How much of the target matrix one input is compiled for.
#[derive(Clone, Copy, Debug)]
pub enum Breadth {
    /// Every target, the base policies and every profile, each twice.
    All,
    /// For large inputs: only the target at this index (modulo the number of targets), the
    /// base policies and at most two profiles, once. Compiling a megabyte of policy some
    /// hundred times would make every such input a timeout of the harness, not of corsc.
    One(usize),
}

/// Compiles a text for the registered targets, every shape each supports, for the base
/// policies and for profiles, as `breadth` says. Compilation must not panic and, when done
/// twice, must give the same output both times (outputs are reproducible byte for byte).
pub fn compile_everything(
    source: &Source,
    listen: &str,
    breadth: Breadth,
    requests: &[BrowserRequest],
) {
    let Ok(file) = pipeline::parse(source) else {
        return;
    };
    // The listen address is validated once, like `--listen`, before it reaches any emitter.
    let Ok(listen) = listen.parse::<std::net::SocketAddr>() else {
        return;
    };
    let analysis = pipeline::analyze(&file, &LintConfig::default(), None);
    let mut runs: Vec<&pipeline::Run> = analysis.runs.iter().collect();
    let (targets, twice): (Vec<&dyn emit::Target>, bool) = match breadth {
        Breadth::All => (emit::TARGETS.to_vec(), true),
        Breadth::One(i) => {
            runs.truncate(3);
            (vec![emit::TARGETS[i % emit::TARGETS.len()]], false)
        }
    };
    for run in runs {
        let Some(set) = &run.policies else {
            continue;
        };
        let profile = run.profile.clone();
        evaluate(set, requests);
        let provenance = Provenance::new(source.name.clone(), source.text.as_bytes(), profile);
        for &target in &targets {
            for &shape in target.capabilities().shapes {
                let options = Options {
                    shape,
                    listen,
                    ..Options::default()
                };
                let first = pipeline::render(set, target, &options, &provenance);
                if let Ok(out) = &first {
                    assert_no_hidden_breaks(target.id(), out);
                }
                if !twice {
                    match &first {
                        Ok(out) => {
                            let _ = out.joined();
                        }
                        Err(d) => render_all(source, d),
                    }
                    continue;
                }
                let second = pipeline::render(set, target, &options, &provenance);
                match (&first, &second) {
                    (Ok(a), Ok(b)) => {
                        assert!(
                            a == b,
                            "{} ({}) gave two different outputs for one input",
                            target.id(),
                            shape.as_str()
                        );
                        assert!(!a.parts.is_empty(), "{} produced no part", target.id());
                        for p in &a.parts {
                            assert!(
                                p.text.ends_with('\n'),
                                "{} part {} does not end with a newline",
                                target.id(),
                                p.file_name
                            );
                        }
                        let _ = a.joined();
                    }
                    (Err(a), Err(b)) => {
                        assert!(
                            !a.is_empty(),
                            "{} refused without a diagnostic",
                            target.id()
                        );
                        assert_eq!(
                            a.iter().map(|d| d.code).collect::<Vec<_>>(),
                            b.iter().map(|d| d.code).collect::<Vec<_>>(),
                            "{} refused differently twice",
                            target.id()
                        );
                        render_all(source, a);
                    }
                    _ => panic!("{} accepted once and refused once", target.id()),
                }
            }
        }
    }
}
