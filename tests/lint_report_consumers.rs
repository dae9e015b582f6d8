//! `corsc lint --format checkstyle` and `--format junit`, read by the consumers CI systems run.
//!
//! - Both reports go through the parsers of Jenkins' Warnings Next Generation plugin
//!   (`edu.hm.hafner:analysis-model`: its `CheckStyleParser`, and its `JUnitAdapter` over
//!   violations-lib's JUnit parser), built from `tests/conformance/reports` with Maven. What
//!   they read is compared with `--format json` of the same files: every finding, its file,
//!   line, column, severity, rule and message for Checkstyle; every failing and passing test
//!   case for JUnit.
//! - The JUnit report is validated against the JUnit schema of Jenkins' xUnit plugin
//!   (`tests/schemas/jenkins-xunit-junit-10.xsd`, the one pytest's default `xunit2` family
//!   also targets) with the JDK's XML Schema validator.
//!
//! The input: every example and classic mistake under `policies/`, a file with a name and a
//! text no report may break on (markup characters, a control character), and one with a note.
//!
//! Needs `mvn` and a JDK 17, like the Spring suites: Maven uses `CORSC_M2`, offline under
//! `CORSC_MAVEN_OFFLINE=1` (`.ci/run` fills it). Without them the tests say why and pass,
//! unless `CORSC_REQUIRE_ENGINES=1`.

mod support;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use support::cli::corsc;
use support::frameworks::root;

/// An error whose text carries markup characters and a control character, and a warning.
const HOSTILE: &str = "policy api {\n    origins  \"https://a<&>'b\u{1}.example.com\", null\n}\n";
/// A file name with every XML markup character and one character XML 1.0 cannot carry.
const HOSTILE_NAME: &str = "ev<&\"'\u{1}il.cors";
/// A note (`OPTIONS` listed) and a warning.
const NOTES: &str = "policy api {\n    origins  \"https://app.example.com\"\n    methods  GET, OPTIONS\n    max-age  100000\n}\n";

/// The consumer app's classpath, built once per test binary; `None` when Maven or a JDK is
/// missing (after saying so).
fn consumer(test: &str) -> Option<String> {
    if !support::builds::require_maven(test) {
        return None;
    }
    static BUILT: OnceLock<String> = OnceLock::new();
    Some(
        BUILT
            .get_or_init(|| {
                support::builds::report_consumers_classpath().unwrap_or_else(|e| panic!("{e}"))
            })
            .clone(),
    )
}

/// `corsc.reports.Main ARGS…`: its first line (the parse or validation errors, the counters)
/// and the issues it read, one JSON object each.
fn consume(cp: &str, args: &[&Path]) -> (Value, Vec<Value>) {
    let out = Command::new("java")
        .args(["-cp", cp, "corsc.reports.Main"])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("java: {e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "corsc.reports.Main {args:?}: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut lines = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap_or_else(|e| panic!("{e}: {l}")));
    let head = lines
        .next()
        .unwrap_or_else(|| panic!("no output: {args:?}"));
    (head, lines.collect())
}

/// A folder with the input files; their names, as corsc is given them.
fn inputs() -> (tempfile::TempDir, Vec<String>) {
    let d = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut names = Vec::new();
    for dir in ["policies", "policies/bad"] {
        let mut found: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .map(|e| e.unwrap_or_else(|e| panic!("{e}")).path())
            .filter(|p| p.extension().is_some_and(|x| x == "cors"))
            .collect();
        found.sort();
        for p in found {
            let name = format!(
                "{}{}",
                if dir == "policies" { "" } else { "bad-" },
                p.file_name().and_then(|n| n.to_str()).unwrap_or_default()
            );
            std::fs::copy(&p, d.path().join(&name)).unwrap_or_else(|e| panic!("{e}"));
            names.push(name);
        }
    }
    for (name, text) in [(HOSTILE_NAME, HOSTILE), ("notes.cors", NOTES)] {
        std::fs::write(d.path().join(name), text).unwrap_or_else(|e| panic!("{e}"));
        names.push(name.to_owned());
    }
    (d, names)
}

/// `corsc lint --isolated -f FORMAT NAMES…` in `dir`, written to `dir/out` by `--output-file`.
fn report(dir: &Path, names: &[String], format: &str, out: &str) -> PathBuf {
    let path = dir.join(out);
    let status = corsc()
        .current_dir(dir)
        .args(["lint", "--isolated", "-f", format, "--output-file"])
        .arg(&path)
        .args(names)
        .output()
        .unwrap_or_else(|e| panic!("{e}"))
        .status;
    assert_eq!(status.code(), Some(1), "the inputs hold errors");
    path
}

/// Every finding of `--format json` over `names`, as (file, line, column, severity, code,
/// name, message).
fn findings(
    dir: &Path,
    names: &[String],
) -> Vec<(String, u64, u64, String, String, String, String)> {
    let out = corsc()
        .current_dir(dir)
        .args(["lint", "--isolated", "-f", "json"])
        .args(names)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let s = |d: &Value, k: &str| {
        d[k].as_str()
            .unwrap_or_else(|| panic!("{k}: {d}"))
            .to_owned()
    };
    v["diagnostics"]
        .as_array()
        .unwrap_or_else(|| panic!("{v}"))
        .iter()
        .map(|d| {
            let start = &d["range"]["start"];
            (
                s(d, "file"),
                start["line"].as_u64().unwrap_or_default(),
                start["column"].as_u64().unwrap_or_default(),
                s(d, "severity"),
                s(d, "code"),
                s(d, "name"),
                corsc::source::shown_lines(&s(d, "message")).into_owned(),
            )
        })
        .collect()
}

/// A file name as an XML 1.0 document can carry it: a character XML cannot hold spelled
/// `\u{…}`, as corsc writes it.
fn in_xml(name: &str) -> String {
    name.chars()
        .map(|c| {
            let allowed = matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..);
            if allowed {
                c.to_string()
            } else {
                format!("\\u{{{:x}}}", u32::from(c))
            }
        })
        .collect()
}

/// The folder of the [`inputs`], their names, and the counters and issues a parser read.
type ReadBack = (tempfile::TempDir, Vec<String>, Value, Vec<Value>);

/// `corsc lint -f FORMAT` over the [`inputs`], read back by Warnings NG's parser for it
/// (`None` when skipped). The parser must report no error.
fn read_back(test: &str, format: &str) -> Option<ReadBack> {
    let cp = consumer(test)?;
    let (d, names) = inputs();
    let path = report(d.path(), &names, format, &format!("{format}.xml"));
    let (head, issues) = consume(&cp, &[Path::new(format), &path]);
    assert_eq!(head["errors"], serde_json::json!([]), "the parser's errors");
    Some((d, names, head["counters"].clone(), issues))
}

#[test]
fn warnings_ng_reads_every_checkstyle_finding_as_json_has_it() {
    let Some((d, names, _, issues)) = read_back("checkstyle through Warnings NG", "checkstyle")
    else {
        return;
    };

    let mut expected: Vec<Value> = findings(d.path(), &names)
        .into_iter()
        .map(|(file, line, column, severity, code, name, message)| {
            serde_json::json!({
                // Warnings NG turns every `\` of a file name into `/` (it reads Windows paths).
                "file": in_xml(&file).replace('\\', "/"),
                "line": line,
                "column": column,
                // Its scale: ERROR, then WARNING_HIGH, _NORMAL and _LOW ("HIGH", "NORMAL", "LOW").
                "severity": match severity.as_str() {
                    "error" => "ERROR",
                    "warning" => "NORMAL",
                    "note" => "LOW",
                    other => panic!("severity {other}"),
                },
                "category": code,
                "type": name,
                "message": message,
                "description": "",
            })
        })
        .collect();
    let mut read = issues;
    let key = |v: &Value| v.to_string();
    expected.sort_by_key(key);
    read.sort_by_key(key);
    assert_eq!(read, expected);
    // The inputs reach every severity and the hostile name.
    for severity in ["ERROR", "NORMAL", "LOW"] {
        assert!(
            read.iter().any(|i| i["severity"] == severity),
            "no {severity} finding"
        );
    }
    assert!(read.iter().any(|i| i["file"] == "ev<&\"'/u{1}il.cors"));
    assert!(read.len() >= 12, "{} findings", read.len());
    eprintln!(
        "checkstyle: Warnings NG read {} findings of {} files, as --format json has them",
        read.len(),
        names.len()
    );
}

#[test]
fn warnings_ng_reads_the_junit_report_with_a_test_case_per_finding() {
    let Some((d, names, counters, issues)) = read_back("junit through Warnings NG", "junit") else {
        return;
    };

    let all = findings(d.path(), &names);
    let mut per_file: BTreeMap<&str, usize> = names.iter().map(|n| (n.as_str(), 0)).collect();
    for f in &all {
        *per_file
            .get_mut(f.0.as_str())
            .unwrap_or_else(|| panic!("{}", f.0)) += 1;
    }
    let clean = per_file.values().filter(|n| **n == 0).count();
    assert!(clean >= 4, "the examples are clean: {per_file:?}");
    assert_eq!(
        counters,
        serde_json::json!({
            "totalTests": all.len() + clean,
            "passedTests": clean,
            "failedTests": all.len(),
        })
    );
    // Each failure is read as "TEST NAME : FAILURE MESSAGE FAILURE TEXT".
    let mut expected: Vec<String> = all
        .iter()
        .map(|(_, line, column, _, code, name, message)| {
            format!("corsc.{code}.{name} : {message} line {line}, col {column}, {message}")
        })
        .collect();
    let mut read: Vec<String> = issues
        .iter()
        .map(|i| i["message"].as_str().unwrap_or_default().to_owned())
        .collect();
    expected.sort();
    read.sort();
    assert_eq!(read, expected);
    eprintln!(
        "junit: Warnings NG read {counters} over {} files",
        names.len()
    );
}

#[test]
fn the_junit_report_is_valid_against_the_jenkins_xunit_schema() {
    let Some(cp) = consumer("junit against junit-10.xsd") else {
        return;
    };
    let schema = root().join("tests/schemas/jenkins-xunit-junit-10.xsd");
    let (d, names) = inputs();
    let path = report(d.path(), &names, "junit", "junit.xml");
    let (head, _) = consume(&cp, &[Path::new("xsd"), &schema, &path]);
    assert_eq!(head["errors"], serde_json::json!([]), "{}", path.display());

    // The validator does refuse what the schema leaves out: a `line` on a test case.
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    let broken = d.path().join("broken.xml");
    std::fs::write(
        &broken,
        text.replacen("<testcase ", "<testcase line=\"1\" ", 1),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (head, _) = consume(&cp, &[Path::new("xsd"), &schema, &broken]);
    let errors = head["errors"].as_array().map_or(0, Vec::len);
    assert_eq!(errors, 1, "{head}");
}
