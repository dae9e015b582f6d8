//! The `corsc` binary end to end: exit codes, every I/O error, standard input, formats, color.

mod support;
use predicates::prelude::*;
use std::path::Path;
use support::cli::corsc;

#[test]
fn check_of_a_clean_policy_exits_zero() {
    corsc()
        .args(["check", "policies/spa-with-cookies.cors"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "checked 1 file: no problems found",
        ));
}

#[test]
fn check_of_a_broken_policy_exits_one_with_the_location() {
    corsc()
        .args(["check", "tests/fixtures/errors/E101-unknown-directive.cors"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("E101-unknown-directive.cors:3:5"))
        .stdout(predicate::str::contains("did you mean `max-age`?"));
}

#[test]
fn lint_of_a_bad_policy_exits_one_and_of_the_examples_zero() {
    corsc()
        .args(["lint", "policies/bad/wildcard-with-credentials.cors"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("S101 wildcard-with-credentials"));
    let examples: Vec<String> = std::fs::read_dir("policies")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "cors"))
        .map(|p| p.display().to_string())
        .collect();
    assert!(examples.len() >= 4);
    corsc().arg("lint").args(&examples).assert().success();
}

#[test]
fn a_missing_file_is_a_one_line_io_error_with_exit_two() {
    corsc()
        .args(["check", "no/such/policy.cors"])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(
            "could not read `no/such/policy.cors`: no such file or directory",
        ))
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn a_directory_without_policies_is_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a policy").unwrap();
    corsc()
        .arg("lint")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("holds no `.cors` files"));
}

#[test]
fn directories_are_searched_recursively_for_policies() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
    std::fs::write(
        dir.path().join("a/b/x.cors"),
        "policy x {\n    origins *\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("a/y.cors"),
        "policy y {\n    origins *\n}\n",
    )
    .unwrap();
    corsc()
        .arg("check")
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("checked 2 files"));
}

#[test]
fn invalid_utf8_is_reported_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.cors");
    std::fs::write(
        &path,
        b"policy api {\n    origins \"https://caf\xe9.example\"\n}\n",
    )
    .unwrap();
    corsc()
        .arg("check")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is not valid UTF-8 (line 2, column 25",
        ));
}

#[test]
fn standard_input_is_read_with_its_given_name() {
    corsc()
        .args(["lint", "-", "--stdin-filename", "api.cors", "--format", "concise"])
        .write_stdin("policy api {\n    origins \"client-1.example\"\n}\n")
        .assert()
        .code(1)
        .stdout("api.cors:2:13: error: C202 origin-missing-scheme: `client-1.example` has no scheme, so it never matches\n");
}

#[test]
fn json_output_follows_the_documented_schema() {
    let out = corsc()
        .args([
            "lint",
            "--format",
            "json",
            "policies/bad/several-origins-in-one-value.cors",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["schema"], "corsc-diagnostics/1");
    assert_eq!(v["summary"]["errors"], 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "C201");
    assert_eq!(d["name"], "space-separated-origins");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["range"]["start"]["line"], 6);
    assert_eq!(d["range"]["start"]["column"], 14);
    assert_eq!(
        d["fix"]["edits"][0]["replacement"],
        "\"https://client-1.example\", \"https://client-2.example\""
    );
}

#[test]
fn color_follows_the_flag_and_no_color() {
    let bad = "policies/bad/origin-without-scheme.cors";
    corsc()
        .args(["lint", "--color", "always", bad])
        .assert()
        .stdout(predicate::str::contains("\u{1b}["));
    corsc()
        .args(["lint", bad])
        .env("NO_COLOR", "1")
        .assert()
        .stdout(predicate::str::contains("\u{1b}[").not());
    corsc()
        .args(["lint", "--color", "never", bad])
        .env("CLICOLOR_FORCE", "1")
        .assert()
        .stdout(predicate::str::contains("\u{1b}[").not());
}

#[test]
fn profiles_are_selected_and_unknown_ones_refused() {
    corsc()
        .args(["check", "--profile", "dev", "policies/dev-profile.cors"])
        .assert()
        .success();
    corsc()
        .args(["check", "--profile", "prod", "policies/dev-profile.cors"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no policy defines the profile `prod`",
        ))
        .stderr(predicate::str::contains("`dev`"));
}

#[test]
fn a_finding_only_in_a_profile_says_so() {
    corsc()
        .args(["lint", "-", "--format", "json"])
        .write_stdin(
            "policy api {\n    origins \"https://app.example.com\"\n    profile dev {\n        origins += \"localhost:3000\"\n    }\n}\n",
        )
        .assert()
        .code(1)
        .stdout(predicate::str::contains("only with profile `dev`"));
}

#[test]
fn rule_selection_changes_levels_and_rejects_unknown_rules() {
    let bad = "policies/bad/origin-with-trailing-slash.cors";
    corsc()
        .args(["lint", "--allow", "origin-has-path", bad])
        .assert()
        .success();
    corsc()
        .args(["lint", "--warn", "C203", bad])
        .assert()
        .success();
    corsc()
        .args(["lint", "--warn", "correctness", "--deny", "warnings", bad])
        .assert()
        .code(1);
    corsc()
        .args(["lint", "--allow", "origin-has-pth", bad])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `origin-has-path`?"));
}

#[test]
fn version_and_help_work() {
    corsc()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with(concat!(
            "corsc ",
            env!("CARGO_PKG_VERSION")
        )));
    corsc()
        .args(["help", "lint"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--deny"));
    corsc()
        .args(["lint", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Exit status"));
    corsc().args(["lint", "--no-such-flag"]).assert().code(2);
    corsc().assert().code(2);
}

#[test]
fn suppressions_need_a_reason_and_unused_ones_are_reported() {
    corsc()
        .args(["lint", "-", "--format", "concise"])
        .write_stdin(
            "policy api {\n    @allow(wildcard-with-credentials, reason = \"public widget, no cookies read\")\n    origins *\n    credentials true\n}\n",
        )
        .assert()
        .success()
        .stdout("");
    corsc()
        .args(["lint", "-", "--format", "concise", "--stdin-filename", "x.cors"])
        .write_stdin(
            "policy api {\n    @allow(wildcard-with-credentials, reason = \"stale\")\n    origins \"https://a.example\"\n}\n",
        )
        .assert()
        .success()
        .stdout(predicate::str::contains("x.cors:2:5: warning: Y401 unused-suppression"));
}

/// Every file in `policies/bad/` documents, in its header, the diagnostic it gives:
/// `# corsc lint: error[CODE name] at LINE:COL`. This keeps the documentation honest.
#[test]
fn bad_examples_give_the_diagnostics_they_document() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/bad");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "cors") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let claims: Vec<(String, String, String)> = text
            .lines()
            .filter_map(|l| l.strip_prefix("# corsc lint: "))
            .filter_map(|l| {
                let (sev, rest) = l.split_once('[')?;
                let (code_name, rest) = rest.split_once(']')?;
                let (code, name) = code_name.split_once(' ')?;
                let at = rest.trim_start().strip_prefix("at ")?;
                let pos = at.split_whitespace().next()?.trim_end_matches(['.', ',']);
                Some((sev.to_string(), format!("{code} {name}"), pos.to_string()))
            })
            .collect();
        assert!(
            !claims.is_empty(),
            "{} documents no diagnostic",
            path.display()
        );
        let out = corsc()
            .args(["lint", "--format", "concise"])
            .arg(&path)
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone();
        let out = String::from_utf8(out).unwrap();
        for (sev, code_name, pos) in claims {
            let needle = format!(":{pos}: {sev}: {code_name}:");
            assert!(
                out.contains(&needle),
                "{}: expected `{needle}` in\n{out}",
                path.display()
            );
            count += 1;
        }
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(
            out.contains(&stem) || !stem.contains('-') || out.lines().count() > 0,
            "{}",
            path.display()
        );
    }
    assert!(count >= 4, "only {count} documented diagnostics");
}
