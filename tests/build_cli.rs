//! `corsc build` and `corsc build --check` on a scratch project: writes every output of the
//! manifest, is all or nothing, reports drift as a diff with exit 1, and reads `corsc.yaml`
//! alongside `corsc lint`'s own `lint:` section.

mod support;
use predicates::prelude::*;
use std::path::Path;

fn corsc(dir: &Path) -> assert_cmd::Command {
    let mut c = support::cli::corsc();
    c.current_dir(dir);
    c
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir(dir.path().join("policies")).unwrap();
    for p in ["spa-with-cookies.cors", "dev-profile.cors"] {
        std::fs::copy(
            root.join("policies").join(p),
            dir.path().join("policies").join(p),
        )
        .unwrap();
    }
    std::fs::write(
        dir.path().join("corsc.yaml"),
        "lint:\n  deny: [warnings]\nbuild:\n  - policy: policies/spa-with-cookies.cors\n    target: nginx\n    output: deploy/nginx/\n  - policy: policies/dev-profile.cors\n    target: express\n    profile: dev\n    output: app/corsc-express.cjs\n",
    )
    .unwrap();
    dir
}

#[test]
fn build_writes_every_output_and_check_then_passes() {
    let p = project();
    corsc(p.path())
        .arg("build")
        .assert()
        .success()
        .stderr(predicate::str::contains("built 2 outputs (3 files)"));
    let http = std::fs::read_to_string(p.path().join("deploy/nginx/corsc-http.conf")).unwrap();
    assert!(
        http.contains("# source:   policies/spa-with-cookies.cors"),
        "{http}"
    );
    assert!(p.path().join("deploy/nginx/corsc-server.conf").is_file());
    let js = std::fs::read_to_string(p.path().join("app/corsc-express.cjs")).unwrap();
    assert!(
        js.contains("http://localhost:5173"),
        "the dev profile was applied"
    );
    corsc(p.path())
        .args(["build", "--check"])
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains("3 generated files are up to date"));
    // Building again changes nothing, byte for byte.
    corsc(p.path()).arg("build").assert().success();
    assert_eq!(
        std::fs::read_to_string(p.path().join("deploy/nginx/corsc-http.conf")).unwrap(),
        http
    );
    // The same manifest holds `corsc lint`'s settings.
    corsc(p.path())
        .args(["lint", "policies/"])
        .assert()
        .success();
}

#[test]
fn check_shows_drift_as_a_diff_and_fails_without_writing() {
    let p = project();
    corsc(p.path()).arg("build").assert().success();
    let policy = p.path().join("policies/spa-with-cookies.cors");
    let text = std::fs::read_to_string(&policy).unwrap();
    std::fs::write(
        &policy,
        text.replace("max-age          2h", "max-age          1h"),
    )
    .unwrap();
    let before = std::fs::read_to_string(p.path().join("deploy/nginx/corsc-http.conf")).unwrap();
    corsc(p.path())
        .args(["build", "--check"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "--- deploy/nginx/corsc-http.conf (on disk)",
        ))
        .stdout(predicate::str::contains("-    \"1\"     \"7200\";"))
        .stdout(predicate::str::contains("+    \"1\"     \"3600\";"))
        .stderr(predicate::str::contains(
            "2 of 3 generated files are out of date",
        ));
    assert_eq!(
        std::fs::read_to_string(p.path().join("deploy/nginx/corsc-http.conf")).unwrap(),
        before,
        "--check writes nothing"
    );
    std::fs::remove_file(p.path().join("app/corsc-express.cjs")).unwrap();
    corsc(p.path())
        .args(["build", "--check"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("app/corsc-express.cjs: missing"));
}

#[test]
fn a_failing_entry_means_nothing_is_written() {
    let p = project();
    std::fs::write(
        p.path().join("policies/bad.cors"),
        "policy api {\n    origins *\n    credentials true\n}\n",
    )
    .unwrap();
    let manifest = std::fs::read_to_string(p.path().join("corsc.yaml")).unwrap()
        + "  - policy: policies/bad.cors\n    target: apache\n    output: deploy/apache.conf\n";
    std::fs::write(p.path().join("corsc.yaml"), manifest).unwrap();
    corsc(p.path())
        .arg("build")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "policies/bad.cors → apache → deploy/apache.conf does not build",
        ))
        .stderr(predicate::str::contains("S101 wildcard-with-credentials"))
        .stderr(predicate::str::contains(
            "nothing was written: 1 of 3 outputs do not build",
        ));
    assert!(!p.path().join("deploy").exists());
    assert!(!p.path().join("app").exists());
}

#[test]
fn manifest_errors_are_usage_errors_with_a_location() {
    let p = project();
    std::fs::write(
        p.path().join("corsc.yaml"),
        "build:\n  - policy: policies/spa-with-cookies.cors\n    targt: nginx\n    output: x\n",
    )
    .unwrap();
    corsc(p.path())
        .arg("build")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("corsc.yaml:3:5"))
        .stderr(predicate::str::contains("unknown field `targt`"));
    let empty = tempfile::tempdir().unwrap();
    corsc(empty.path())
        .arg("build")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no `corsc.yaml` here or in any parent directory",
        ));
    std::fs::write(
        p.path().join("corsc.yaml"),
        "build:\n  - policy: policies/spa-with-cookies.cors\n    target: caddy\n    output: x\n",
    )
    .unwrap();
    // A wrong value in an entry is a usage error, as the same value given as a flag is.
    corsc(p.path())
        .arg("build")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown target `caddy`"))
        .stderr(predicate::str::contains("corsc.yaml:3"));
}
