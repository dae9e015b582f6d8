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
        "build:\n  - policy: policies/spa-with-cookies.cors\n    target: no-such-server\n    output: x\n",
    )
    .unwrap();
    // A wrong value in an entry is a usage error, as the same value given as a flag is.
    corsc(p.path())
        .arg("build")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown target `no-such-server`"))
        .stderr(predicate::str::contains("corsc.yaml:3"));
}

/// A policy whose only finding is an error-level lint finding (C209, `TRACE` among the methods)
/// that a configuration can turn down, and the same policy with that finding suppressed in the
/// file.
const TRACE: &str = "policy api {\n    paths \"/api/*\"\n    origins \"https://app.example.com\"\n    methods GET, TRACE\n}\n";
const TRACE_ALLOWED: &str = "policy api {\n    paths \"/api/*\"\n    origins \"https://app.example.com\"\n    @allow(forbidden-method, reason = \"a diagnostics endpoint\")\n    methods GET, TRACE\n}\n";

/// A project that builds `policies/api.cors` (holding `policy`) with the given `lint:` section
/// (YAML lines, or nothing) in its manifest.
fn trace_project(lint: &str, policy: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("policies")).unwrap();
    std::fs::write(dir.path().join("policies/api.cors"), policy).unwrap();
    std::fs::write(
        dir.path().join("corsc.yaml"),
        format!("{lint}build:\n  - policy: policies/api.cors\n    target: nginx\n    output: deploy/nginx/\n"),
    )
    .unwrap();
    dir
}

/// The exit code of `corsc ARGS` in `dir`, and its standard output and error together.
fn status(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = corsc(dir).args(args).output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

/// The `lint:` sections the configuration tests run under; none denies warnings, so `lint`
/// fails exactly when it reports an error.
const LINT_SECTIONS: &[&str] = &[
    "",
    "lint:\n  allow: [forbidden-method]\n",
    "lint:\n  warn: [C209]\n",
    "lint:\n  allow: [correctness]\n",
    "lint:\n  allow: [all]\n  deny: [forbidden-method]\n",
    "lint:\n  deny: [security]\n",
];

#[test]
fn the_lint_settings_decide_what_stops_the_build_as_they_decide_lint() {
    for lint in LINT_SECTIONS {
        let p = trace_project(lint, TRACE);
        let (linted, report) = status(p.path(), &["lint", "policies/"]);
        let (built, why) = status(p.path(), &["build"]);
        assert_eq!(
            built == 0,
            linted == 0,
            "with {lint:?}: lint exits {linted}, build exits {built}\n{report}\n{why}"
        );
        assert!(built == 0 || why.contains("C209"), "{why}");
        assert_eq!(
            p.path().join("deploy/nginx/corsc-http.conf").is_file(),
            built == 0,
            "{lint:?}: written exactly when the build passes"
        );
        let (checked, _) = status(p.path(), &["build", "--check"]);
        assert_eq!(checked == 0, linted == 0, "{lint:?}: build --check");
    }
    // `allow` in the manifest's `lint:` section lets the build through; `--isolated` ignores
    // it, for `build` as for `lint`.
    let p = trace_project("lint:\n  allow: [forbidden-method]\n", TRACE);
    assert_eq!(status(p.path(), &["build"]).0, 0);
    let (code, why) = status(p.path(), &["build", "--isolated"]);
    assert_eq!(code, 1, "{why}");
    assert!(why.contains("C209 forbidden-method"), "{why}");
    assert_eq!(status(p.path(), &["lint", "--isolated", "policies/"]).0, 1);
    // The nearest configuration file governs a policy, for both.
    std::fs::write(
        p.path().join("policies/.corsc.yaml"),
        "lint:\n  deny: [forbidden-method]\n",
    )
    .unwrap();
    assert_eq!(status(p.path(), &["lint", "policies/"]).0, 1);
    assert_eq!(status(p.path(), &["build"]).0, 1);
    // `--config FILE` replaces discovery, for both.
    std::fs::write(p.path().join("other.yaml"), "lint:\n  allow: [C209]\n").unwrap();
    let args = ["--config", "other.yaml"];
    assert_eq!(
        status(p.path(), &[&["lint"], &args[..], &["policies/"]].concat()).0,
        0
    );
    assert_eq!(status(p.path(), &[&["build"], &args[..]].concat()).0, 0);
    // A configuration the linter refuses is refused by the build too.
    std::fs::write(
        p.path().join("other.yaml"),
        "lint:\n  allow: [forbiden-method]\n",
    )
    .unwrap();
    let (code, why) = status(p.path(), &["build", "--config", "other.yaml"]);
    assert_eq!(code, 2, "{why}");
    assert!(why.contains("did you mean `forbidden-method`"), "{why}");
}

/// An `@allow` the build needs (it fails without it and passes with it) is one `lint` counts
/// as used: the two never disagree about a suppression.
#[test]
fn an_allow_the_build_needs_is_never_reported_unused() {
    for lint in LINT_SECTIONS {
        let without = trace_project(lint, TRACE);
        let with = trace_project(lint, TRACE_ALLOWED);
        let needed =
            status(without.path(), &["build"]).0 != 0 && status(with.path(), &["build"]).0 == 0;
        let (_, report) = status(with.path(), &["lint", "-f", "concise", "policies/"]);
        let unused = report.contains("Y401");
        assert!(
            !(needed && unused),
            "with {lint:?} the build needs the @allow, and lint calls it unused:\n{report}"
        );
        if unused {
            assert_eq!(
                status(without.path(), &["build"]).0,
                0,
                "{lint:?}: lint calls the @allow unused, so the build passes without it"
            );
        }
    }
}

/// Every file under `dir`, relative, with its bytes.
fn snapshot(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    fn walk(root: &Path, d: &Path, out: &mut Vec<(std::path::PathBuf, Vec<u8>)>) {
        for e in std::fs::read_dir(d).unwrap().flatten() {
            let p = e.path();
            if p.is_symlink() {
                out.push((p.strip_prefix(root).unwrap().to_path_buf(), Vec::new()));
            } else if p.is_dir() {
                walk(root, &p, out);
            } else {
                let bytes = std::fs::read(&p).unwrap();
                out.push((p.strip_prefix(root).unwrap().to_path_buf(), bytes));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

#[test]
fn two_entries_writing_one_file_are_refused_and_nothing_is_written() {
    let entry = |target: &str, extra: &str, output: &str| {
        format!("  - policy: policies/spa-with-cookies.cors\n    target: {target}\n{extra}    output: {output}\n")
    };
    // (the second entry, its line and column, and a directory to create first)
    let cases = [
        // The same file once `..` and `.` are resolved.
        (
            entry("apache", "", "a/../deploy/x.conf"),
            "corsc.yaml:12:5",
            None,
        ),
        (
            entry("apache", "", "./deploy//x.conf"),
            "corsc.yaml:12:5",
            None,
        ),
        // A part of a directory output is another entry's file.
        (
            entry(
                "nginx",
                "    shape: server\n",
                "deploy/x.conf/corsc-http.conf",
            ),
            "corsc.yaml:13:5",
            Some("deploy/x.conf"),
        ),
    ];
    for (second, at, dir) in cases {
        let p = project();
        if let Some(d) = dir {
            std::fs::create_dir_all(p.path().join(d)).unwrap();
        }
        let first = if dir.is_some() {
            entry("nginx", "", "deploy/x.conf/")
        } else {
            entry("apache", "", "deploy/x.conf")
        };
        std::fs::write(
            p.path().join("corsc.yaml"),
            format!("lint:\n  deny: [warnings]\nbuild:\n  - policy: policies/dev-profile.cors\n    target: express\n    output: app.cjs\n{first}{second}"),
        )
        .unwrap();
        let before = snapshot(p.path());
        for args in [&["build"][..], &["build", "--check"]] {
            let (code, why) = status(p.path(), args);
            assert_eq!(code, 2, "{second}: {why}");
            for want in [
                at,
                "corsc::duplicate-output",
                "build entry 3, `output`",
                "is already the output of another entry",
                "help:",
                "nothing was written",
            ] {
                assert!(why.contains(want), "{second}: `{want}` missing from\n{why}");
            }
            assert_eq!(snapshot(p.path()), before, "{second}: a file was written");
        }
    }
    // Two spellings of one directory, through a symbolic link inside the project.
    #[cfg(unix)]
    {
        let p = project();
        std::fs::create_dir(p.path().join("deploy")).unwrap();
        std::os::unix::fs::symlink("deploy", p.path().join("out")).unwrap();
        std::fs::write(
            p.path().join("corsc.yaml"),
            format!(
                "build:\n{}{}",
                entry("apache", "", "deploy/x.conf"),
                entry("apache", "", "out/x.conf")
            ),
        )
        .unwrap();
        let before = snapshot(p.path());
        let (code, why) = status(p.path(), &["build"]);
        assert_eq!(code, 2, "{why}");
        assert!(
            why.contains("corsc.yaml:7:5") && why.contains("corsc::duplicate-output"),
            "{why}"
        );
        assert_eq!(snapshot(p.path()), before);
    }
}

/// A manifest's `java-package:` is checked like `--java-package`: a hostile value refuses the
/// whole build with a coded diagnostic naming the entry, and no output is written.
#[test]
fn hostile_java_package_in_the_manifest_refuses_the_build() {
    let long = "x".repeat(300);
    for bad in [
        "int",
        "class",
        "a..b",
        "1a",
        "\"a;import x\"",
        "\"a\\nb\"",
        "\"*\"",
        "\"\u{430}pple\"",
        long.as_str(),
    ] {
        let p = project();
        std::fs::write(
            p.path().join("corsc.yaml"),
            format!(
                "build:\n  - policy: policies/spa-with-cookies.cors\n    target: spring\n    java-package: {bad}\n    output: src/CorsConfig.java\n"
            ),
        )
        .unwrap();
        let out = corsc(p.path()).arg("build").output().unwrap();
        assert_ne!(out.status.code(), Some(0), "{bad:?} was accepted");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("java-package") && err.contains("corsc::") && err.contains("help:"),
            "{bad:?}: {err}"
        );
        assert!(!p.path().join("src").exists(), "{bad:?}: output written");
    }
}

#[test]
fn java_package_in_the_manifest_reaches_the_output() {
    let p = project();
    std::fs::write(
        p.path().join("corsc.yaml"),
        "build:\n  - policy: policies/spa-with-cookies.cors\n    target: spring\n    java-package: com.example.edge\n    output: src/CorsConfig.java\n",
    )
    .unwrap();
    corsc(p.path()).arg("build").assert().success();
    let text = std::fs::read_to_string(p.path().join("src/CorsConfig.java")).unwrap();
    assert!(text.contains("\npackage com.example.edge;\n"), "{text}");
}
