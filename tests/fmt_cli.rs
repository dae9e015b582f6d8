//! `corsc fmt` from the command line: rewriting in place, `--check`, `--diff`, standard input,
//! directories, and files it refuses.

mod support;
use predicates::prelude::*;
use support::cli::corsc;

const MESSY: &str = "policy api {\n  origins \"https://a.example\"  # who\n  methods PUT,GET\n}\n";
const TIDY: &str =
    "policy api {\n    origins  \"https://a.example\"  # who\n    methods  GET, PUT\n}\n";
const BAD: &str = "policy api {\n    origins: \"https://a.example\"\n}\n";

fn write(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, text).unwrap();
    p
}

fn read(p: &std::path::Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

#[test]
fn rewrites_files_in_place_and_only_those_that_change() {
    let dir = tempfile::tempdir().unwrap();
    let messy = write(dir.path(), "messy.cors", MESSY);
    let tidy = write(dir.path(), "tidy.cors", TIDY);
    let before = std::fs::metadata(&tidy).unwrap().modified().unwrap();
    corsc()
        .arg("fmt")
        .arg(&messy)
        .arg(&tidy)
        .assert()
        .success()
        .stderr(predicate::str::contains("messy.cors"))
        .stderr(predicate::str::contains("tidy.cors").not());
    assert_eq!(read(&messy), TIDY);
    assert_eq!(read(&tidy), TIDY);
    assert_eq!(
        std::fs::metadata(&tidy).unwrap().modified().unwrap(),
        before
    );
}

#[test]
fn check_lists_what_would_change_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let messy = write(dir.path(), "messy.cors", MESSY);
    let tidy = write(dir.path(), "tidy.cors", TIDY);
    corsc()
        .args(["fmt", "--check"])
        .arg(&messy)
        .arg(&tidy)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("would reformat"))
        .stdout(predicate::str::contains("messy.cors"))
        .stdout(predicate::str::contains("tidy.cors").not());
    assert_eq!(read(&messy), MESSY);
    corsc()
        .args(["fmt", "--check"])
        .arg(&tidy)
        .assert()
        .success()
        .stdout("");
}

#[test]
fn the_shipped_examples_pass_check() {
    corsc()
        .args(["fmt", "--check", "policies/"])
        .assert()
        .success();
}

#[test]
fn diff_prints_a_unified_diff_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let messy = write(dir.path(), "messy.cors", MESSY);
    corsc()
        .args(["fmt", "--diff"])
        .arg(&messy)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("@@"))
        .stdout(predicate::str::contains("-  methods PUT,GET\n"))
        .stdout(predicate::str::contains("+    methods  GET, PUT\n"));
    assert_eq!(read(&messy), MESSY);
    let tidy = write(dir.path(), "tidy.cors", TIDY);
    corsc()
        .args(["fmt", "--diff"])
        .arg(&tidy)
        .assert()
        .success()
        .stdout("");
}

#[test]
fn standard_input_goes_to_standard_output() {
    corsc()
        .args(["fmt", "-"])
        .write_stdin(MESSY)
        .assert()
        .success()
        .stdout(TIDY);
    // No path at all, with standard input piped, reads it too.
    corsc()
        .arg("fmt")
        .write_stdin(MESSY)
        .assert()
        .success()
        .stdout(TIDY);
    corsc()
        .args(["fmt", "--check", "-"])
        .write_stdin(MESSY)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("<stdin>"));
}

#[test]
fn a_file_that_does_not_parse_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "bad.cors", BAD);
    let messy = write(dir.path(), "messy.cors", MESSY);
    corsc()
        .arg("fmt")
        .arg(&bad)
        .arg(&messy)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.cors"))
        .stderr(predicate::str::contains("error"));
    assert_eq!(read(&bad), BAD);
    // The other file is still formatted.
    assert_eq!(read(&messy), TIDY);
    corsc()
        .args(["fmt", "-"])
        .write_stdin(BAD)
        .assert()
        .code(2)
        .stdout("");
}

#[test]
fn directories_are_walked_for_cors_files() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.cors", MESSY);
    let b = write(dir.path(), "nested/deeper/b.cors", MESSY);
    let other = write(dir.path(), "nested/notes.txt", MESSY);
    corsc().arg("fmt").arg(dir.path()).assert().success();
    assert_eq!(read(&a), TIDY);
    assert_eq!(read(&b), TIDY);
    assert_eq!(read(&other), MESSY);
}

#[test]
fn usage_errors_exit_2() {
    corsc()
        .args(["fmt", "--check", "--diff", "x.cors"])
        .assert()
        .code(2);
    corsc()
        .args(["fmt", "does-not-exist.cors"])
        .assert()
        .code(2);
}
