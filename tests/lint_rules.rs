//! Every lint rule has a fixture that triggers it, `tests/fixtures/lint/<CODE>.cors`, and one
//! that must not, `tests/fixtures/lint/<CODE>_ok.cors`. Further cases go in `<CODE>_<n>.cors`.
//!
//! Annotations say which findings a fixture produces, of every code: `#~^ C204` means "a
//! finding with code C204 starts on the nearest line above that is not an annotation"; `#~^^`
//! the second nearest. The set of `(line, code)` pairs must match exactly, and the rendered plain
//! output is snapshotted. Rules that are off by default are switched on for their own fixtures.
//!
//! The same file checks that every rule's documented `## Example` triggers it and its
//! `## Use instead` does not.

mod support;
use corsc::diagnostics::{render, Diagnostic};
use corsc::lint::{registry, Level, LintConfig, Selector};
use corsc::source::Source;
use std::path::Path;
use support::fixtures::{actual, expected};

/// Lints a text with the default configuration plus `code` switched on if it is off by default.
fn lint(name: &str, text: &str, code: &str) -> (Source, Vec<Diagnostic>) {
    let source = Source::new(name, text);
    let mut cfg = LintConfig::default();
    let rule = registry::find(code).unwrap_or_else(|| panic!("`{code}` is not a rule code"));
    if rule.meta().default_level == Level::Allow {
        cfg.push(Selector::Rule(rule.meta().code), Level::Warning);
    }
    let diags = match corsc::syntax::parse(&source) {
        Ok(file) => corsc::pipeline::lint_file(&file, &cfg, None),
        Err(d) => d,
    };
    (source, diags)
}

#[test]
fn fixtures_produce_exactly_their_annotations() {
    // Every mismatch is collected, so one run shows all of them.
    let failures = std::cell::RefCell::new(Vec::new());
    insta::with_settings!({ snapshot_path => "snapshots/lint", prepend_module_to_snapshot => false }, {
        insta::glob!("fixtures/lint/*.cors", |path: &Path| {
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
            let code = stem.split('_').next().unwrap_or_default();
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let name = format!("fixtures/lint/{stem}.cors");
            let (source, diags) = lint(&name, &text, code);
            let want = expected(&text);
            let got = actual(&source, &diags);
            if got != want {
                failures.borrow_mut().push(format!(
                    "{stem}: findings {got:?}\n  annotations {want:?}\n{}",
                    render::concise(&source, &diags)
                ));
            }
            // A fix is of the level its rule declares (`corsc rules` says `fix: safe` only of
            // rules whose fixes keep what the policy allows).
            for d in &diags {
                let (Some(f), Some(r)) = (&d.fix, registry::find(d.code)) else { continue };
                if r.fix_availability().applicability() != Some(f.applicability) {
                    failures.borrow_mut().push(format!(
                        "{stem}: {} attaches a {:?} fix but declares {:?}",
                        d.code,
                        f.applicability,
                        r.fix_availability()
                    ));
                }
            }
            let fired = diags.iter().any(|d| d.code == code);
            if stem.ends_with("_ok") && fired {
                failures.borrow_mut().push(format!("{stem} must not trigger {code}"));
            } else if !stem.ends_with("_ok") && !fired {
                failures.borrow_mut().push(format!("{stem} must trigger {code}"));
            }
            insta::assert_snapshot!(render::human(&source, &diags, false));
        });
    });
    let failures = failures.into_inner();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_has_a_triggering_and_a_passing_fixture() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint");
    let mut missing = Vec::new();
    for r in registry::RULES {
        for suffix in ["", "_ok"] {
            let f = dir.join(format!("{}{suffix}.cors", r.meta().code));
            if !f.exists() {
                missing.push(format!(
                    "{} ({}): add {} with `#~^ {}` annotations",
                    r.meta().code,
                    r.meta().name,
                    f.display(),
                    r.meta().code
                ));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "missing fixtures:\n{}",
        missing.join("\n")
    );
}

/// The first ```cors block after a heading in a rule's docs.
fn block_after(docs: &str, heading: &str) -> Option<String> {
    let rest = &docs[docs.find(heading)? + heading.len()..];
    let start = rest.find("```cors\n")? + "```cors\n".len();
    let end = rest[start..].find("```")?;
    Some(rest[start..start + end].to_string())
}

#[test]
fn documented_examples_trigger_and_documented_fixes_do_not() {
    let mut failures = Vec::new();
    for r in registry::RULES {
        let m = r.meta();
        for (heading, must_fire) in [("## Example", true), ("## Use instead", false)] {
            let Some(block) = block_after(m.docs, heading) else {
                failures.push(format!("{}: no ```cors block after `{heading}`", m.name));
                continue;
            };
            let (source, diags) = lint(m.name, &block, m.code);
            let errors: Vec<_> = diags.iter().filter(|d| d.code.starts_with('E')).collect();
            if !errors.is_empty() {
                failures.push(format!(
                    "{}: `{heading}` does not check: {}",
                    m.name,
                    render::concise(&source, &diags)
                ));
            }
            let fired = diags.iter().any(|d| d.code == m.code);
            if fired != must_fire {
                failures.push(format!(
                    "{}: `{heading}` {} the rule:\n{block}\n{}",
                    m.name,
                    if must_fire {
                        "does not trigger"
                    } else {
                        "triggers"
                    },
                    render::concise(&source, &diags)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
