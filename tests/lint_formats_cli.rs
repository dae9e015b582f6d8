//! `corsc lint`'s report options: `--diff`, `--statistics`, `--output-file`, `--quiet`, the
//! coloured `concise` format, and the CI formats `gitlab`, `junit` and `checkstyle`, each
//! checked against its schema or parsed back.

mod support;
use assert_cmd::Command;
use serde_json::Value;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use support::cli::corsc;

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap_or_else(|e| panic!("{e}"));
    p
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn lint(dir: &Path, args: &[&str]) -> (i32, String, String) {
    run(corsc()
        .current_dir(dir)
        .args(["lint", "--isolated"])
        .args(args))
}

/// Two warnings, one with a safe fix (the duplicate).
const WARNINGS: &str =
    "policy api {\n    origins  \"https://app.example.com\", null, \"https://app.example.com\"\n}\n";

/// Only unsafe fixes (they change what the policy allows).
const UNSAFE: &str = "# header\npolicy api {\n    origins  \"https://App.Example.com\", \"app2.example.com:443\"\n    methods  put\n}\n";

const CLEAN: &str = "policy api {\n    origins  \"https://app.example.com\"\n}\n";

/// An error (a malformed origin whose text carries markup characters and a control
/// character) and a warning.
const HOSTILE: &str = "policy api {\n    origins  \"https://a<&>'b\u{1}.example.com\", null\n}\n";

/// A file name no report may break on.
const HOSTILE_NAME: &str = "ev<&\"'\u{1}il.cors";

#[test]
fn diff_shows_the_fix_and_changes_nothing() {
    let d = tempdir();
    let p = write(d.path(), "api.cors", WARNINGS);
    let (code, out, err) = lint(d.path(), &["--diff", "api.cors"]);
    assert_eq!(code, 1, "a file would change: {err}");
    assert_eq!(
        out,
        "--- api.cors (as written)\n+++ api.cors (fixed)\n@@ -1,3 +1,3 @@\n policy api {\n-    origins  \"https://app.example.com\", null, \"https://app.example.com\"\n+    origins  \"https://app.example.com\", null\n }\n"
    );
    assert!(err.contains("would fix 1 finding in api.cors"), "{err}");
    assert_eq!(std::fs::read(&p).unwrap_or_default(), WARNINGS.as_bytes());
    let entries = std::fs::read_dir(d.path()).map_or(0, Iterator::count);
    assert_eq!(entries, 1, "no temporary file is left");

    write(d.path(), "clean.cors", CLEAN);
    let (code, out, _) = lint(d.path(), &["--diff", "clean.cors"]);
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn diff_applies_unsafe_fixes_only_when_asked() {
    let d = tempdir();
    let p = write(d.path(), "api.cors", UNSAFE);
    let (code, out, _) = lint(d.path(), &["--diff", "api.cors"]);
    assert_eq!((code, out.as_str()), (0, ""), "no safe fix applies");
    let (code, out, _) = lint(d.path(), &["--diff", "--unsafe-fixes", "api.cors"]);
    assert_eq!(code, 1);
    assert!(out.contains("+    methods  PUT\n"), "{out}");
    assert!(
        out.contains("+    origins  \"https://app.example.com\", \"https://app2.example.com\"\n"),
        "{out}"
    );
    assert_eq!(std::fs::read(&p).unwrap_or_default(), UNSAFE.as_bytes());
}

#[test]
fn diff_with_fix_is_a_usage_error() {
    let d = tempdir();
    let p = write(d.path(), "api.cors", WARNINGS);
    let (code, out, err) = lint(d.path(), &["--diff", "--fix", "api.cors"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("--fix"), "{err}");
    assert_eq!(std::fs::read(&p).unwrap_or_default(), WARNINGS.as_bytes());
}

#[test]
fn diff_of_a_file_that_does_not_parse_fails() {
    let d = tempdir();
    write(d.path(), "bad.cors", "policy api {\n");
    let (code, out, err) = lint(d.path(), &["--diff", "bad.cors"]);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(!err.is_empty());
}

#[test]
fn statistics_count_per_rule_most_frequent_first() {
    let d = tempdir();
    write(d.path(), "a.cors", WARNINGS);
    write(d.path(), "b.cors", WARNINGS);
    write(d.path(), "u.cors", UNSAFE);
    let (code, out, _) = lint(d.path(), &["--statistics", "a.cors", "b.cors", "u.cors"]);
    assert_eq!(code, 1, "a missing scheme is an error: {out}");
    assert_eq!(
        out,
        "   2 S102  null-origin\n   2 Y408  duplicate-entry        [*]\n   1 C202  origin-missing-scheme\n   1 C205  origin-not-canonical\n   1 C208  method-case\n"
    );
    let (_, out, _) = lint(
        d.path(),
        &["--statistics", "--unsafe-fixes", "-f", "json", "u.cors"],
    );
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(
        v,
        serde_json::json!([
            {"code": "C202", "name": "origin-missing-scheme", "count": 1, "fixable": true},
            {"code": "C205", "name": "origin-not-canonical", "count": 1, "fixable": true},
            {"code": "C208", "name": "method-case", "count": 1, "fixable": true},
        ])
    );
    let (code, out, err) = lint(d.path(), &["--statistics", "-f", "junit", "a.cors"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("--statistics"), "{err}");
}

#[test]
fn statistics_keep_the_exit_status() {
    let d = tempdir();
    write(d.path(), "h.cors", HOSTILE);
    let (code, out, _) = lint(d.path(), &["--statistics", "h.cors"]);
    assert_eq!(code, 1);
    assert!(out.starts_with("   1 C206  origin-malformed\n"), "{out}");
}

#[test]
fn output_file_takes_the_report_and_keeps_the_status() {
    let d = tempdir();
    write(d.path(), "h.cors", HOSTILE);
    let report = d.path().join("report.xml");
    std::fs::write(&report, "old contents that are longer than nothing").unwrap_or_default();
    let (code, out, _) = lint(
        d.path(),
        &["-f", "junit", "--output-file", "report.xml", "h.cors"],
    );
    assert_eq!((code, out.as_str()), (1, ""));
    let text = std::fs::read_to_string(&report).unwrap_or_default();
    assert!(text.starts_with("<?xml"), "{text}");
    roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{e}"));

    // Human output written to a file carries no colour, even when asked for.
    let (code, out, _) = lint(
        d.path(),
        &["--color", "always", "-o", "report.txt", "h.cors"],
    );
    assert_eq!((code, out.as_str()), (1, ""));
    let text = std::fs::read_to_string(d.path().join("report.txt")).unwrap_or_default();
    assert!(text.contains("linted 1 file: 1 error, 1 warning"), "{text}");
    assert!(!text.contains('\u{1b}'), "{text}");

    // `--diff` goes to the file too.
    write(d.path(), "w.cors", WARNINGS);
    let (code, out, _) = lint(d.path(), &["--diff", "-o", "fix.diff", "w.cors"]);
    assert_eq!((code, out.as_str()), (1, ""));
    let text = std::fs::read_to_string(d.path().join("fix.diff")).unwrap_or_default();
    assert!(text.starts_with("--- w.cors (as written)"), "{text}");
}

#[test]
fn output_file_needs_an_existing_directory() {
    let d = tempdir();
    write(d.path(), "w.cors", WARNINGS);
    let (code, out, err) = lint(d.path(), &["-o", "missing/report.txt", "w.cors"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("does not exist"), "{err}");
    assert!(!d.path().join("missing").exists());
    let (code, _, err) = lint(d.path(), &["-o", ".", "w.cors"]);
    assert_eq!(code, 2);
    assert!(err.contains("is a directory"), "{err}");
}

#[test]
fn quiet_prints_only_findings() {
    let d = tempdir();
    write(d.path(), "clean.cors", CLEAN);
    write(d.path(), "w.cors", WARNINGS);
    let (code, out, err) = lint(d.path(), &["-q", "clean.cors"]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    let (code, out, _) = lint(d.path(), &["--quiet", "w.cors"]);
    assert_eq!(code, 0);
    assert!(out.contains("S102 null-origin"), "{out}");
    assert!(!out.contains("linted"), "{out}");
    assert!(!out.contains("fixable"), "{out}");
    let (_, loud, _) = lint(d.path(), &["w.cors"]);
    assert!(
        loud.contains("linted 1 file: 2 warnings\n1 fixable with `--fix`\n"),
        "{loud}"
    );
    let (_, out, _) = lint(d.path(), &["-q", "-f", "concise", "w.cors", "clean.cors"]);
    assert_eq!(out.lines().count(), 2, "{out}");
    // With `--fix`, what was fixed is not listed either.
    let (code, out, err) = lint(d.path(), &["-q", "--fix", "-f", "concise", "w.cors"]);
    assert_eq!(code, 0);
    assert_eq!(err, "");
    assert!(
        out.starts_with("w.cors:2:41: warning: S102 null-origin"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 1, "the duplicate is fixed: {out}");
}

#[test]
fn concise_shows_severity_and_colour_only_when_asked() {
    let d = tempdir();
    write(d.path(), "h.cors", HOSTILE);
    let (code, out, _) = lint(d.path(), &["-f", "concise", "--color", "never", "h.cors"]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "h.cors:2:14: error: C206 origin-malformed: `https://a<&>'b\\u{1}.example.com` is not an origin, so it never matches\nh.cors:2:45: warning: S102 null-origin: `null` is allowed as an origin\n"
    );
    let (_, out, _) = lint(d.path(), &["-f", "concise", "--color", "always", "h.cors"]);
    assert!(out.contains("\u{1b}[1;31merror\u{1b}[0m"), "{out:?}");
    assert!(out.contains("\u{1b}[1;33mwarning\u{1b}[0m"), "{out:?}");
    // Only the colours are added: without them the line is the same.
    let plain = out
        .replace("\u{1b}[1;31m", "")
        .replace("\u{1b}[1;33m", "")
        .replace("\u{1b}[1m", "")
        .replace("\u{1b}[0m", "");
    assert!(
        plain.starts_with("h.cors:2:14: error: C206 origin-malformed: "),
        "{plain}"
    );
    let (_, out, _) = run(corsc().current_dir(d.path()).env("NO_COLOR", "1").args([
        "lint",
        "--isolated",
        "-f",
        "concise",
        "h.cors",
    ]));
    assert!(!out.contains('\u{1b}'), "{out:?}");
}

fn gitlab_schema() -> Value {
    let text =
        std::fs::read_to_string(support::cli::root().join("tests/schemas/gitlab-codeclimate.json"))
            .unwrap_or_else(|e| panic!("{e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"))
}

/// Checks a report as GitLab's parser would, plus what its documentation requires.
fn assert_gitlab_valid(v: &Value) {
    let validator = jsonschema::validator_for(&gitlab_schema()).unwrap_or_else(|e| panic!("{e}"));
    let issues = v.as_array().unwrap_or_else(|| panic!("not an array: {v}"));
    let mut fingerprints = HashSet::new();
    for issue in issues {
        let errors: Vec<String> = validator
            .iter_errors(issue)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{issue}: {errors:?}");
        assert!(issue["check_name"].is_string(), "{issue}");
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&issue["severity"].as_str().unwrap_or_default()),
            "{issue}"
        );
        assert!(issue["location"]["path"].is_string(), "{issue}");
        assert!(
            issue["location"]["lines"]["begin"].as_u64().unwrap_or(0) >= 1,
            "{issue}"
        );
        let fp = issue["fingerprint"].as_str().unwrap_or_default();
        assert_eq!(fp.len(), 64, "{fp}");
        assert!(
            fingerprints.insert(fp.to_owned()),
            "fingerprint repeated: {fp}"
        );
    }
}

#[test]
fn gitlab_report_validates_and_fingerprints_are_stable_and_unique() {
    let d = tempdir();
    write(d.path(), HOSTILE_NAME, HOSTILE);
    write(d.path(), "w.cors", WARNINGS);
    // The same finding twice on one line still gets two fingerprints.
    write(
        d.path(),
        "twice.cors",
        "policy api {\n    origins  \"https://a.example.com\", \"https://a.example.com\", \"https://a.example.com\"\n}\n",
    );
    write(d.path(), "clean.cors", CLEAN);
    let args = [
        "-f",
        "gitlab",
        HOSTILE_NAME,
        "w.cors",
        "twice.cors",
        "clean.cors",
    ];
    let (code, out, _) = lint(d.path(), &args);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_gitlab_valid(&v);
    let issues = v.as_array().cloned().unwrap_or_default();
    assert_eq!(issues.len(), 6, "{v}");
    assert_eq!(issues[0]["location"]["path"], HOSTILE_NAME);
    assert_eq!(issues[0]["severity"], "major");
    assert_eq!(issues[0]["check_name"], "C206 origin-malformed");
    assert_eq!(issues[1]["severity"], "minor");
    let (_, again, _) = lint(d.path(), &args);
    assert_eq!(out, again, "fingerprints are the same from run to run");
    let (code, out, _) = lint(d.path(), &["-f", "gitlab", "clean.cors"]);
    assert_eq!((code, out.as_str()), (0, "[]\n"));

    // The schema does reject what GitLab would reject.
    let mut broken = v.clone();
    if let Some(o) = broken[0].as_object_mut() {
        o.remove("fingerprint");
    }
    let validator = jsonschema::validator_for(&gitlab_schema()).unwrap_or_else(|e| panic!("{e}"));
    assert!(!validator.is_valid(&broken[0]));
}

fn attr<'a>(n: roxmltree::Node<'a, '_>, name: &str) -> &'a str {
    n.attribute(name)
        .unwrap_or_else(|| panic!("<{}> has no {name}", n.tag_name().name()))
}

fn elements<'a, 'i>(n: roxmltree::Node<'a, 'i>, tag: &str) -> Vec<roxmltree::Node<'a, 'i>> {
    n.children().filter(|c| c.has_tag_name(tag)).collect()
}

/// What a hostile name looks like in XML after parsing: markup characters exact, the control
/// character (which XML 1.0 cannot carry) spelled out.
const HOSTILE_NAME_IN_XML: &str = "ev<&\"'\\u{1}il.cors";

#[test]
fn junit_report_parses_with_a_suite_per_file() {
    let d = tempdir();
    write(d.path(), HOSTILE_NAME, HOSTILE);
    write(d.path(), "clean.cors", CLEAN);
    let (code, out, _) = lint(d.path(), &["-f", "junit", HOSTILE_NAME, "clean.cors"]);
    assert_eq!(code, 1);
    let doc = roxmltree::Document::parse(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let root = doc.root_element();
    assert!(root.has_tag_name("testsuites"));
    assert_eq!(
        (
            attr(root, "tests"),
            attr(root, "failures"),
            attr(root, "errors")
        ),
        ("3", "2", "0")
    );
    let suites = elements(root, "testsuite");
    assert_eq!(suites.len(), 2);
    assert_eq!(attr(suites[0], "name"), HOSTILE_NAME_IN_XML);
    assert_eq!(
        (attr(suites[0], "tests"), attr(suites[0], "failures")),
        ("2", "2")
    );
    let cases = elements(suites[0], "testcase");
    assert_eq!(cases.len(), 2);
    assert_eq!(attr(cases[0], "name"), "corsc.C206.origin-malformed");
    assert_eq!(attr(cases[0], "classname"), HOSTILE_NAME_IN_XML);
    assert_eq!(attr(suites[0], "file"), HOSTILE_NAME_IN_XML);
    let failure = elements(cases[0], "failure");
    assert_eq!(failure.len(), 1);
    assert_eq!(attr(failure[0], "type"), "error");
    assert_eq!(
        attr(failure[0], "message"),
        "`https://a<&>'b\\u{1}.example.com` is not an origin, so it never matches"
    );
    assert_eq!(
        failure[0].text(),
        Some("line 2, col 14, `https://a<&>'b\\u{1}.example.com` is not an origin, so it never matches")
    );
    assert_eq!(attr(elements(cases[1], "failure")[0], "type"), "warning");
    // A clean file is one passing test case.
    assert_eq!(
        (attr(suites[1], "name"), attr(suites[1], "failures")),
        ("clean.cors", "0")
    );
    let clean = elements(suites[1], "testcase");
    assert_eq!(clean.len(), 1);
    assert!(elements(clean[0], "failure").is_empty());
    // Every element and attribute is one the JUnit schema knows (the schema itself checks the
    // output in tests/lint_report_consumers.rs).
    for n in doc.descendants().filter(roxmltree::Node::is_element) {
        let known: &[&str] = match n.tag_name().name() {
            "testsuites" => &["name", "tests", "failures", "errors"],
            "testsuite" => &["name", "tests", "errors", "failures", "package", "file"],
            "testcase" => &["name", "classname"],
            "failure" => &["message", "type"],
            other => panic!("unexpected element <{other}>"),
        };
        for a in n.attributes() {
            assert!(
                known.contains(&a.name()),
                "<{}> {}",
                n.tag_name().name(),
                a.name()
            );
        }
    }
}

#[test]
fn checkstyle_report_parses_with_a_file_element_per_file() {
    let d = tempdir();
    write(d.path(), HOSTILE_NAME, HOSTILE);
    write(d.path(), "clean.cors", CLEAN);
    let (code, out, _) = lint(d.path(), &["-f", "checkstyle", HOSTILE_NAME, "clean.cors"]);
    assert_eq!(code, 1);
    let doc = roxmltree::Document::parse(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let root = doc.root_element();
    assert!(root.has_tag_name("checkstyle"));
    assert!(attr(root, "version").starts_with("corsc "));
    let files = elements(root, "file");
    assert_eq!(files.len(), 2);
    assert_eq!(attr(files[0], "name"), HOSTILE_NAME_IN_XML);
    let errors = elements(files[0], "error");
    assert_eq!(errors.len(), 2);
    assert_eq!(
        [
            attr(errors[0], "line"),
            attr(errors[0], "column"),
            attr(errors[0], "severity"),
            attr(errors[0], "source"),
        ],
        ["2", "14", "error", "corsc.C206.origin-malformed"]
    );
    assert_eq!(
        attr(errors[0], "message"),
        "`https://a<&>'b\\u{1}.example.com` is not an origin, so it never matches"
    );
    assert_eq!(attr(errors[1], "severity"), "warning");
    assert_eq!(attr(files[1], "name"), "clean.cors");
    assert!(elements(files[1], "error").is_empty());
}
