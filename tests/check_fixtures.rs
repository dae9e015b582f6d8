//! Every syntax and check error has a fixture in `tests/fixtures/errors/`, annotated with the
//! codes it must produce and where; valid files in `tests/fixtures/valid/` and `policies/` must
//! check clean, and their IR is snapshotted.
//!
//! Annotation: `#~^ CODE` means "a diagnostic with CODE starts on the nearest line above that
//! is not an annotation"; `#~^^ CODE` the second nearest, and so on; `#~v CODE` means the line
//! below (used for errors at the end of a file).

use corsc::diagnostics::{codes, render, Diagnostic};
use corsc::source::Source;
use std::collections::BTreeMap;
use std::path::Path;

fn run(source: &Source) -> Vec<Diagnostic> {
    match corsc::syntax::parse(source) {
        Ok(file) => corsc::check::check(&file, None).diagnostics,
        Err(d) => d,
    }
}

/// `(line, code)` pairs the annotations ask for, with multiplicity.
fn expected(text: &str) -> BTreeMap<(usize, String), usize> {
    let lines: Vec<&str> = text.lines().collect();
    let is_marker = |l: &str| l.trim_start().starts_with("#~");
    let mut out = BTreeMap::new();
    for (i, l) in lines.iter().enumerate() {
        let t = l.trim_start();
        let Some(rest) = t.strip_prefix("#~") else {
            continue;
        };
        let (dir, codes) = rest.split_at(rest.find(' ').unwrap_or(rest.len()));
        let target = if dir == "v" {
            i + 2
        } else {
            let ups = dir.chars().filter(|&c| c == '^').count();
            assert!(ups > 0, "bad annotation `{l}`");
            let mut seen = 0;
            let mut j = i;
            loop {
                assert!(j > 0, "annotation `{l}` points above the file");
                j -= 1;
                if !is_marker(lines[j]) {
                    seen += 1;
                    if seen == ups {
                        break j + 1;
                    }
                }
            }
        };
        for code in codes.split_whitespace() {
            *out.entry((target, code.to_string())).or_insert(0) += 1;
        }
    }
    out
}

fn actual(source: &Source, diags: &[Diagnostic]) -> BTreeMap<(usize, String), usize> {
    let mut out = BTreeMap::new();
    for d in diags {
        let (line, _) = source.line_col(d.primary.span.start);
        *out.entry((line, d.code.to_string())).or_insert(0) += 1;
    }
    out
}

fn read(path: &Path) -> Source {
    let text = std::fs::read_to_string(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    Source::new(name, text)
}

#[test]
fn error_fixtures_produce_exactly_their_annotations() {
    insta::glob!("fixtures/errors/*.cors", |path| {
        let source = read(path);
        let diags = run(&source);
        let want = expected(&source.text);
        assert!(
            !want.is_empty(),
            "{} has no `#~^ CODE` annotation",
            path.display()
        );
        let got = actual(&source, &diags);
        assert_eq!(
            got,
            want,
            "{}: diagnostics differ from annotations\n{}",
            path.display(),
            render::human(&source, &diags, false)
        );
        for d in &diags {
            assert!(
                d.help.is_some(),
                "{}: {} has no help line",
                path.display(),
                d.code
            );
        }
        insta::assert_snapshot!(render::human(&source, &diags, false));
    });
}

#[test]
fn every_fixed_code_has_a_fixture() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/errors");
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for c in codes::ALL {
        if c.code == "E000" {
            continue; // internal errors have no input that triggers them, by design
        }
        assert!(
            names.iter().any(|n| n.starts_with(&format!("{}-", c.code))),
            "no fixture for {} {}: add tests/fixtures/errors/{}-{}.cors",
            c.code,
            c.name,
            c.code,
            c.name
        );
    }
}

#[test]
fn valid_files_check_clean_and_their_ir_is_stable() {
    insta::glob!("fixtures/valid/*.cors", |path| {
        let source = read(path);
        let file = corsc::syntax::parse(&source)
            .unwrap_or_else(|d| panic!("{}", render::human(&source, &d, false)));
        let mut profiles = vec![None];
        profiles.extend(corsc::check::profile_names(&file).into_iter().map(Some));
        let mut dump = String::new();
        for p in profiles {
            let checked = corsc::check::check(&file, p.as_deref());
            assert!(
                checked.diagnostics.is_empty(),
                "{}",
                render::human(&source, &checked.diagnostics, false)
            );
            let ir = checked.policies.expect("no diagnostics means an IR");
            dump.push_str(&format!("## profile {p:?}\n"));
            dump.push_str(&serde_json::to_string_pretty(&ir).unwrap());
            dump.push('\n');
        }
        insta::assert_snapshot!(dump);
    });
}
