//! Usage errors from the outside: what `-o` may name for each command, `--shape` a target
//! lacks, and that a refused command line exits 2 with a message naming the path and leaves
//! nothing behind.

mod support;
use std::path::Path;
use support::cli::corsc;

const SPA: &str = "policies/spa-with-cookies.cors";

/// Every entry of `dir`, sorted: what a refused command must leave unchanged.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = walkdir(dir)
        .into_iter()
        .map(|p| p.strip_prefix(dir).unwrap().display().to_string())
        .collect();
    names.sort();
    names
}

fn walkdir(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walkdir(&p));
        }
        out.push(p);
    }
    out
}

/// Runs corsc in `dir` with the repository's example policy given by absolute path.
fn run_in(dir: &Path, args: &[&str]) -> std::process::Output {
    corsc().current_dir(dir).args(args).output().unwrap()
}

fn spa() -> String {
    support::cli::root().join(SPA).display().to_string()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn compile_dash_o_dash_writes_to_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let policy = spa();
    let out = run_in(
        dir.path(),
        &["compile", &policy, "-t", "express", "-o", "-"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("corsc"), "{text}");
    assert!(text.contains("module.exports"), "{text}");
    assert!(listing(dir.path()).is_empty(), "{:?}", listing(dir.path()));
}

#[test]
fn compile_dash_o_dash_with_several_parts_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let policy = spa();
    let out = run_in(dir.path(), &["compile", &policy, "-t", "nginx", "-o", "-"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(
        err.contains("standard output") && err.contains("2 parts"),
        "{err}"
    );
    assert!(listing(dir.path()).is_empty());
}

#[test]
fn import_dash_o_dash_writes_to_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let input = support::cli::root()
        .join("policies/imports/ingress-nginx/enable-cors-alone.yaml")
        .display()
        .to_string();
    let out = run_in(
        dir.path(),
        &["import", "--from", "ingress-nginx", &input, "-o", "-"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("policy"), "{text}");
    assert!(listing(dir.path()).is_empty());
}

#[test]
fn a_shape_the_target_lacks_exits_2_before_reading_the_policy() {
    let out = corsc()
        .args([
            "compile",
            "no/such/policy.cors",
            "-t",
            "express",
            "--shape",
            "htaccess",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("no `htaccess` output shape"), "{err}");
    assert!(err.contains("express writes `include`"), "{err}");
}

#[test]
fn a_one_file_output_into_a_missing_directory_is_refused_and_nothing_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let policy = spa();
    let out = run_in(
        dir.path(),
        &[
            "compile",
            &policy,
            "-t",
            "express",
            "-o",
            "missing/dir/file.cjs",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("missing/dir/file.cjs") && err.contains("`missing/dir` does not exist"),
        "{err}"
    );
    assert!(listing(dir.path()).is_empty(), "{:?}", listing(dir.path()));
}

#[test]
fn a_directory_output_under_a_missing_parent_is_refused_and_nothing_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let policy = spa();
    let out = run_in(
        dir.path(),
        &["compile", &policy, "-t", "nginx", "-o", "missing/nginx/"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("`missing` does not exist"),
        "{}",
        stderr(&out)
    );
    assert!(listing(dir.path()).is_empty(), "{:?}", listing(dir.path()));
    // The documented case: the last directory of a directory output is created.
    let out = run_in(
        dir.path(),
        &["compile", &policy, "-t", "nginx", "-o", "nginx/"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        listing(dir.path()),
        ["nginx", "nginx/corsc-http.conf", "nginx/corsc-server.conf"]
    );
}

#[test]
fn a_file_where_a_directory_is_needed_and_the_reverse_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let policy = spa();
    std::fs::write(dir.path().join("afile"), "keep\n").unwrap();
    std::fs::create_dir(dir.path().join("adir")).unwrap();
    let before = listing(dir.path());
    let out = run_in(
        dir.path(),
        &["compile", &policy, "-t", "nginx", "-o", "afile"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("`afile` is a file, but this output has 2 parts"));
    for o in ["adir", "adir/", "afile/x.cjs"] {
        let out = run_in(dir.path(), &["compile", &policy, "-t", "express", "-o", o]);
        assert_eq!(out.status.code(), Some(2), "{o}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(o.trim_end_matches("/x.cjs")),
            "{o}: {}",
            stderr(&out)
        );
    }
    assert_eq!(listing(dir.path()), before);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("afile")).unwrap(),
        "keep\n"
    );
}

#[test]
fn import_into_a_directory_or_a_missing_parent_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("adir")).unwrap();
    let input = support::cli::root()
        .join("policies/imports/ingress-nginx/enable-cors-alone.yaml")
        .display()
        .to_string();
    let before = listing(dir.path());
    for o in ["adir", "missing/api.cors"] {
        let out = run_in(
            dir.path(),
            &["import", "--from", "ingress-nginx", &input, "-o", o],
        );
        assert_eq!(out.status.code(), Some(2), "{o}: {}", stderr(&out));
        assert!(stderr(&out).contains(o), "{o}: {}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"));
    }
    assert_eq!(listing(dir.path()), before);
}

#[test]
fn build_refuses_a_shape_the_target_lacks_with_exit_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(spa(), dir.path().join("api.cors")).unwrap();
    std::fs::write(
        dir.path().join("corsc.yaml"),
        "build:\n  - policy: api.cors\n    target: express\n    shape: server\n    output: out.cjs\n",
    )
    .unwrap();
    let before = listing(dir.path());
    let out = run_in(dir.path(), &["build", "--isolated"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("`shape`") && err.contains("no `server` output shape"),
        "{err}"
    );
    assert_eq!(listing(dir.path()), before);
}

#[test]
fn build_into_a_file_where_a_directory_is_needed_exits_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(spa(), dir.path().join("api.cors")).unwrap();
    std::fs::write(dir.path().join("taken"), "keep\n").unwrap();
    for (target, output, says) in [
        (
            "nginx",
            "taken",
            "taken` is a file, but this output has 2 parts",
        ),
        ("apache", "taken/x.conf", "taken` is a file"),
    ] {
        std::fs::write(
            dir.path().join("corsc.yaml"),
            format!("build:\n  - policy: api.cors\n    target: {target}\n    output: {output}\n"),
        )
        .unwrap();
        let before = listing(dir.path());
        let out = run_in(dir.path(), &["build", "--isolated"]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains(says), "{output}: {err}");
        assert_eq!(listing(dir.path()), before);
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("taken")).unwrap(),
        "keep\n"
    );
}
