//! `corsc lint` end to end: exit codes, formats, `--fix`, configuration files, `rules` and
//! `explain`.

mod support;
use assert_cmd::Command;
use std::path::{Path, PathBuf};
use support::cli::corsc;

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
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

const NULL_ORIGIN: &str = "policy api {\n    origins  \"https://app.example.com\", null\n}\n";

#[test]
fn exit_codes_follow_severity_and_deny_warnings() {
    let d = tempdir();
    let p = write(d.path(), "api.cors", NULL_ORIGIN);
    let (code, out, _) = run(corsc()
        .args(["lint", "--isolated", "-f", "concise"])
        .arg(&p));
    assert_eq!(code, 0, "a warning alone passes");
    assert!(out.contains("S102 null-origin"), "{out}");
    let (code, _, _) = run(corsc()
        .args(["lint", "--isolated", "--deny", "warnings"])
        .arg(&p));
    assert_eq!(code, 1);
    let (code, _, _) = run(corsc()
        .args(["lint", "--isolated", "--deny", "null-origin"])
        .arg(&p));
    assert_eq!(code, 1);
    let (code, out, _) = run(corsc()
        .args(["lint", "--isolated", "-A", "security", "-f", "concise"])
        .arg(&p));
    assert_eq!((code, out.as_str()), (0, ""));
    let (code, _, err) = run(corsc().args(["lint", "--deny", "nul-origin"]).arg(&p));
    assert_eq!(code, 2);
    assert!(err.contains("null-origin"), "{err}");
    let (code, _, _) = run(corsc()
        .args(["lint", "--isolated"])
        .arg(d.path().join("missing.cors")));
    assert_eq!(code, 2);
}

#[test]
fn github_format_escapes_properties_and_messages() {
    let d = tempdir();
    let p = write(d.path(), "a,b.cors", NULL_ORIGIN);
    let (code, out, _) = run(corsc().current_dir(d.path()).args([
        "lint",
        "--isolated",
        "--format",
        "github",
        "a,b.cors",
    ]));
    assert_eq!(code, 0);
    let _ = p;
    assert_eq!(
        out,
        "::warning file=a%2Cb.cors,line=2,col=41,endLine=2,endColumn=45,title=S102 null-origin::`null` is allowed as an origin%0Ahelp: remove `null`; allow the real origin of the tool that needs access\n"
    );
}

#[test]
fn fix_rewrites_in_place_keeping_comments_and_reports() {
    let d = tempdir();
    let text = "# header\npolicy api {\n    # the SPA\n    origins  \"https://App.Example.com\", \"app2.example.com:443\"  # trailing\n    methods  put\n    request-headers  Content-Type\n}\n";
    let p = write(d.path(), "api.cors", text);
    let (code, out, err) = run(corsc()
        .args([
            "lint",
            "--isolated",
            "--fix",
            "--unsafe-fixes",
            "-f",
            "concise",
        ])
        .arg(&p));
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(out, "");
    assert!(err.contains("fixed 3 findings"), "{err}");
    assert!(
        err.contains("C205 origin-not-canonical") && err.contains("C208 method-case"),
        "{err}"
    );
    let fixed = std::fs::read_to_string(&p).unwrap_or_default();
    assert_eq!(
        fixed,
        "# header\npolicy api {\n    # the SPA\n    origins  \"https://app.example.com\", \"https://app2.example.com\"  # trailing\n    methods  PUT\n    request-headers  Content-Type\n}\n"
    );
    let leftovers: Vec<_> = std::fs::read_dir(d.path())
        .map(|r| r.filter_map(Result::ok).map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert_eq!(
        leftovers.len(),
        1,
        "no temporary file is left: {leftovers:?}"
    );
}

#[test]
fn fix_never_touches_findings_without_a_safe_fix() {
    let d = tempdir();
    let text =
        "policy api {\n    origins      *\n    credentials  true\n    methods      patch\n}\n";
    let p = write(d.path(), "api.cors", text);
    let (code, _, err) = run(corsc().args(["lint", "--isolated", "--fix"]).arg(&p));
    assert_eq!(code, 1);
    assert!(!err.contains("fixed"), "{err}");
    assert_eq!(std::fs::read_to_string(&p).unwrap_or_default(), text);
}

#[test]
fn fix_on_standard_input_prints_the_fixed_text() {
    let (code, out, err) = run(corsc()
        .args(["lint", "--isolated", "--fix", "--unsafe-fixes", "-"])
        .write_stdin("policy api {\n    origins \"https://a.example https://b.example:443\"\n}\n"));
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "policy api {\n    origins \"https://a.example\", \"https://b.example\"\n}\n"
    );
    assert!(err.contains("fixed 2 findings in <stdin>"), "{err}");
}

/// Every fix so far turns an entry that never matches into the origin or method it names,
/// which changes what the policy allows: `--fix` alone leaves it, says it is there and how to
/// apply it, and `--fix --unsafe-fixes` applies it.
#[test]
fn unsafe_fixes_are_shown_and_applied_only_with_unsafe_fixes() {
    let d = tempdir();
    let text = "policy api {\n    origins  \"https://app.example.com:443\"\n    methods  put\n}\n";
    let p = write(d.path(), "api.cors", text);
    let (code, out, err) = run(corsc().args(["lint", "--isolated", "--fix"]).arg(&p));
    assert_eq!(code, 1, "{out}{err}");
    assert!(!err.contains("fixed"), "{err}");
    assert_eq!(std::fs::read_to_string(&p).unwrap_or_default(), text);
    assert!(
        out.contains("unsafe fix: drop the default port"),
        "each finding says its fix and its level: {out}"
    );
    assert!(
        out.contains("2 more fixable with `--fix --unsafe-fixes`"),
        "{out}"
    );
    assert!(!out.contains("fixable with `--fix`\n"), "{out}");
    // `--unsafe-fixes` without `--fix` changes nothing and counts them as fixable.
    let (code, out, _) = run(corsc()
        .args(["lint", "--isolated", "--unsafe-fixes"])
        .arg(&p));
    assert_eq!(code, 1);
    assert!(out.contains("2 fixable with `--fix`"), "{out}");
    assert_eq!(std::fs::read_to_string(&p).unwrap_or_default(), text);
    let (code, out, err) = run(corsc()
        .args(["lint", "--isolated", "--fix", "--unsafe-fixes"])
        .arg(&p));
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("fixed 2 findings"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&p).unwrap_or_default(),
        "policy api {\n    origins  \"https://app.example.com\"\n    methods  PUT\n}\n"
    );
}

/// A safe fix (a duplicate removed, with its comma) is applied by `--fix` alone, next to an
/// unsafe one that is not; a removal that would take a comment with it is not offered.
#[test]
fn safe_fixes_apply_with_fix_alone() {
    let d = tempdir();
    let text = "policy api {\n    origins  \"https://a.example.com\", \"https://b.example.com:443\", \"https://a.example.com\"  # ours\n    methods  PUT, DELETE, PUT\n    request-headers  Content-Type\n}\n";
    let p = write(d.path(), "api.cors", text);
    let (code, out, _) = run(corsc().args(["lint", "--isolated"]).arg(&p));
    assert_eq!(code, 1);
    assert!(out.contains("safe fix: remove the second `PUT`"), "{out}");
    assert!(out.contains("2 fixable with `--fix`"), "{out}");
    assert!(
        out.contains("1 more fixable with `--fix --unsafe-fixes`"),
        "{out}"
    );
    let (code, _, err) = run(corsc().args(["lint", "--isolated", "--fix"]).arg(&p));
    assert_eq!(code, 1, "the unsafe fix is left: {err}");
    assert!(err.contains("fixed 2 findings"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&p).unwrap_or_default(),
        "policy api {\n    origins  \"https://a.example.com\", \"https://b.example.com:443\"  # ours\n    methods  PUT, DELETE\n    request-headers  Content-Type\n}\n"
    );
    let covered = "origins none = []\npolicy api {\n    origins  \"https://*.example.com\", \"https://a.example.com\", none, \"https://a.example.com\"\n}\n";
    let p = write(d.path(), "covered.cors", covered);
    let (code, out, err) = run(corsc().args(["lint", "--isolated", "--fix"]).arg(&p));
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("fixed 1 finding"), "{err}");
    // The covered origin goes; the second copy would take the empty set's name with it, so
    // its removal is left to a person.
    assert_eq!(
        std::fs::read_to_string(&p).unwrap_or_default(),
        "origins none = []\npolicy api {\n    origins  \"https://*.example.com\", none, \"https://a.example.com\"\n}\n"
    );
    let commented = "policy api {\n    origins [\n        \"https://a.example.com\",   # the app\n        \"https://a.example.com\",\n    ]\n}\n";
    let p = write(d.path(), "commented.cors", commented);
    let (code, out, err) = run(corsc().args(["lint", "--isolated", "--fix"]).arg(&p));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("Y408") && out.contains("would delete a comment"),
        "{out}"
    );
    assert_eq!(std::fs::read_to_string(&p).unwrap_or_default(), commented);
}

#[test]
fn json_carries_each_fixs_level() {
    let d = tempdir();
    let p = write(
        d.path(),
        "api.cors",
        "policy api {\n    origins  \"https://app.example.com:443\"\n}\n",
    );
    let (_, out, _) = run(corsc().args(["lint", "--isolated", "-f", "json"]).arg(&p));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
    let fix = &v["diagnostics"][0]["fix"];
    assert_eq!(fix["applicability"], "unsafe", "{out}");
    assert!(fix["edits"].is_array(), "{out}");
}

#[test]
fn config_files_are_found_upwards_and_flags_override_them() {
    let d = tempdir();
    write(d.path(), ".corsc.yaml", "lint:\n  deny: [null-origin]\n");
    let p = write(d.path(), "svc/policies/api.cors", NULL_ORIGIN);
    let (code, _, _) = run(corsc().arg("lint").arg(&p));
    assert_eq!(code, 1, "the file denies null-origin");
    let (code, _, _) = run(corsc().args(["lint", "--warn", "S102"]).arg(&p));
    assert_eq!(code, 0, "the command line wins");
    let (code, _, _) = run(corsc().args(["lint", "--isolated"]).arg(&p));
    assert_eq!(code, 0, "--isolated ignores the file");
    let other = write(d.path(), "elsewhere.yaml", "lint:\n  allow: [all]\n");
    let (code, out, _) = run(corsc()
        .args(["lint", "-f", "concise", "--config"])
        .arg(&other)
        .arg(&p));
    assert_eq!((code, out.as_str()), (0, ""), "--config replaces discovery");
    write(
        d.path(),
        "svc/corsc.yaml",
        "build:\n  target: nginx\nlint:\n  warn: [any-origin]\n",
    );
    let (code, _, _) = run(corsc().arg("lint").arg(&p));
    assert_eq!(code, 0, "the nearest file with `lint:` governs");
}

#[test]
fn bad_config_files_are_usage_errors_with_a_line() {
    let d = tempdir();
    write(
        d.path(),
        "corsc.yaml",
        "lint:\n  deny: [security]\n  warn:\n    - wildcard-mixed-with-origin\n",
    );
    let p = write(d.path(), "api.cors", NULL_ORIGIN);
    let (code, _, err) = run(corsc().arg("lint").arg(&p));
    assert_eq!(code, 2);
    assert!(err.contains("corsc.yaml:4"), "{err}");
    assert!(err.contains("did you mean"), "{err}");
    write(
        d.path(),
        "corsc.yaml",
        "lint:\n  deny: [security]\n  ignore: [style]\n",
    );
    let (code, _, err) = run(corsc().arg("lint").arg(&p));
    assert_eq!(code, 2);
    assert!(
        err.contains("corsc.yaml:3") && err.contains("unknown field `ignore`"),
        "{err}"
    );
}

#[test]
fn rules_and_explain() {
    let (code, out, _) = run(corsc().args(["rules"]));
    assert_eq!(code, 0);
    assert!(
        out.contains("S102  null-origin") && out.contains("E104  invalid-duration"),
        "{out}"
    );
    let (code, out, _) = run(corsc().args(["rules", "--format", "json"]));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
    let all = v.as_array().cloned().unwrap_or_default();
    assert!(all
        .iter()
        .any(|r| r["code"] == "E116" && r["configurable"] == false));
    assert!(all
        .iter()
        .any(|r| r["code"] == "C204" && r["fixable"] == true && r["fix"] == "unsafe"));
    assert!(all
        .iter()
        .any(|r| r["code"] == "C208" && r["fix"] == "sometimes (unsafe)"));
    assert!(all
        .iter()
        .any(|r| r["code"] == "S102" && r["fixable"] == false && r["fix"].is_null()));
    assert!(out.contains("C204") && out.contains("\"unsafe\""), "{out}");
    let (_, text, _) = run(corsc().args(["rules"]));
    let c204 = text
        .lines()
        .find(|l| l.starts_with("C204"))
        .unwrap_or_default();
    assert!(c204.contains("unsafe"), "{c204}");
    let (code, out, _) = run(corsc().args(["explain", "C204"]));
    assert_eq!(code, 0);
    assert!(out.contains("fix: unsafe"), "{out}");
    assert!(out.contains("## Fix safety"), "{out}");
    let (code, out, _) = run(corsc().args(["explain", "S102"]));
    assert_eq!(code, 0);
    assert!(
        out.starts_with("# S102 null-origin") && out.contains("## Why is this bad?"),
        "{out}"
    );
    let (code, out, _) = run(corsc().args(["explain", "invalid-duration"]));
    assert_eq!(code, 0);
    assert!(
        out.contains("E104") && out.contains("configurable: no"),
        "{out}"
    );
    let (code, _, err) = run(corsc().args(["explain", "null-orign"]));
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `null-origin`"), "{err}");
}

/// `corsc compile` reads the same settings as `corsc lint`, so an `@allow` that compile needs
/// (it fails without it and passes with it) is never one that lint reports unused.
#[test]
fn an_allow_compile_needs_is_never_reported_unused() {
    let trace =
        "policy api {\n    origins \"https://app.example.com\"\n    methods GET, TRACE\n}\n";
    let allowed = "policy api {\n    origins \"https://app.example.com\"\n    @allow(C209, reason = \"a diagnostics endpoint\")\n    methods GET, TRACE\n}\n";
    for lint in [
        "",
        "lint:\n  allow: [forbidden-method]\n",
        "lint:\n  warn: [forbidden-method]\n",
        "lint:\n  allow: [correctness]\n  deny: [C209]\n",
    ] {
        let d = tempdir();
        write(d.path(), ".corsc.yaml", lint);
        let without = write(d.path(), "without.cors", trace);
        let with = write(d.path(), "with.cors", allowed);
        let compiles = |p: &Path| run(corsc().arg("compile").arg(p).args(["-t", "apache"])).0 == 0;
        let needed = !compiles(&without) && compiles(&with);
        let (_, out, _) = run(corsc().args(["lint", "-f", "concise"]).arg(&with));
        let unused = out.contains("Y401");
        assert!(
            !(needed && unused),
            "with {lint:?} compile needs the @allow, and lint calls it unused: {out}"
        );
        assert!(!unused || compiles(&without), "{lint:?}: {out}");
    }
}
