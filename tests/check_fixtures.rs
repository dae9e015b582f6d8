//! Every syntax and check error has a fixture in `tests/fixtures/errors/`, annotated with the
//! codes it must produce and where; valid files in `tests/fixtures/valid/` and `policies/` must
//! check clean, and their IR is snapshotted.
//!
//! Annotation: `#~^ CODE` means "a diagnostic with CODE starts on the nearest line above that
//! is not an annotation"; `#~^^ CODE` the second nearest, and so on; `#~v CODE` means the line
//! below (used for errors at the end of a file).

mod support;
use corsc::diagnostics::{codes, render, Diagnostic};
use corsc::source::Source;
use std::path::Path;
use support::fixtures::{actual, expected};

fn run(source: &Source) -> Vec<Diagnostic> {
    match corsc::syntax::parse(source) {
        Ok(file) => corsc::check::check(&file, None).diagnostics,
        Err(d) => d,
    }
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
