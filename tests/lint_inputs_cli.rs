//! Which files `corsc lint` reads: the current directory by default, `.gitignore` and the
//! configuration's `exclude:` respected in directory searches, symbolic links followed but never
//! round a loop, each file reported once, and `--fix` writing through a link.

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

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap_or_else(|e| panic!("{e}"));
}

const NULL_ORIGIN: &str = "policy api {\n    origins  \"https://app.example.com\", null\n}\n";

fn findings(out: &str) -> usize {
    out.lines().filter(|l| l.contains("S102")).count()
}

#[test]
fn no_path_lints_the_current_directory() {
    let d = tempdir();
    write(d.path(), "api.cors", NULL_ORIGIN);
    write(d.path(), "sub/other.cors", NULL_ORIGIN);
    let (code, out, err) = run(corsc()
        .current_dir(d.path())
        .args(["lint", "-f", "concise"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(findings(&out), 2, "{out}");
    assert!(out.lines().any(|l| l.starts_with("api.cors:")), "{out}");
    assert!(
        !out.contains("./"),
        "names are relative, without `./`: {out}"
    );
    // `check` reads the same default.
    let (code, _, err) = run(corsc().current_dir(d.path()).arg("check"));
    assert_eq!(code, 0, "{err}");
}

#[test]
fn gitignore_leaves_files_out_of_directory_searches() {
    let d = tempdir();
    write(d.path(), "api.cors", NULL_ORIGIN);
    write(d.path(), "build/gen.cors", NULL_ORIGIN);
    write(d.path(), "deep/x/skip.cors", NULL_ORIGIN);
    write(d.path(), ".gitignore", "build/\n");
    write(d.path(), "deep/.gitignore", "skip.cors\n");
    let (code, out, err) = run(corsc()
        .args(["lint", "--isolated", "-f", "concise"])
        .arg(d.path()));
    assert_eq!(code, 0, "{err}");
    assert_eq!(findings(&out), 1, "{out}");
    assert!(
        !out.contains("gen.cors") && !out.contains("skip.cors"),
        "{out}"
    );
    // A file named on the command line is read even when ignored.
    let (_, out, _) = run(corsc()
        .args(["lint", "--isolated", "-f", "concise"])
        .arg(d.path().join("build/gen.cors")));
    assert_eq!(findings(&out), 1, "{out}");
}

#[test]
fn exclude_in_the_configuration_leaves_files_out() {
    let d = tempdir();
    write(d.path(), "api.cors", NULL_ORIGIN);
    write(d.path(), "vendor/v.cors", NULL_ORIGIN);
    write(d.path(), "pol/generated-1.cors", NULL_ORIGIN);
    write(
        d.path(),
        "corsc.yaml",
        "exclude: [vendor/, \"generated-*.cors\"]\n",
    );
    let (code, out, err) = run(corsc()
        .current_dir(d.path())
        .args(["lint", "-f", "concise"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(findings(&out), 1, "{out}");
    assert!(out.contains("api.cors"), "{out}");
    // Searching a subdirectory still applies the patterns, relative to the file's directory.
    let (code, out, err) = run(corsc()
        .current_dir(d.path())
        .args(["lint", "-f", "concise", "vendor"]));
    assert_eq!(code, 2, "everything in vendor/ is excluded: {out}");
    assert!(err.contains("holds no `.cors` files"), "{err}");
    // `--isolated` turns the file off.
    let (_, out, _) =
        run(corsc()
            .current_dir(d.path())
            .args(["lint", "--isolated", "-f", "concise"]));
    assert_eq!(findings(&out), 3, "{out}");
    // A bad pattern is a usage error naming the file and line.
    write(
        d.path(),
        "corsc.yaml",
        "lint:\n  warn: [style]\nexclude:\n  - \"{a\"\n",
    );
    let (code, _, err) = run(corsc()
        .current_dir(d.path())
        .args(["lint", "-f", "concise"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("corsc.yaml:4") && err.contains("exclude"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_end_and_each_file_is_reported_once() {
    let d = tempdir();
    let api = write(d.path(), "pol/api.cors", NULL_ORIGIN);
    symlink(&d.path().join("pol"), &d.path().join("pol/again"));
    symlink(Path::new("."), &d.path().join("pol/self"));
    symlink(&api, &d.path().join("pol/link.cors"));
    symlink(
        &d.path().join("pol/missing.cors"),
        &d.path().join("pol/dangling"),
    );
    let (code, out, err) = run(corsc()
        .args(["lint", "--isolated", "-f", "concise"])
        .arg(&api)
        .arg(d.path().join("pol"))
        .arg(d.path().join("pol/link.cors"))
        .arg(d.path().join("pol/again")));
    assert_eq!(code, 0, "{err}");
    assert_eq!(findings(&out), 1, "one file, one finding: {out}");
    assert!(
        out.contains("pol/api.cors:"),
        "the first name is kept: {out}"
    );
}

#[cfg(unix)]
#[test]
fn fix_through_a_symlink_writes_the_target_and_keeps_the_link() {
    let d = tempdir();
    let text = "policy api {\n    origins  \"https://app.example.com:443\"\n    methods  put\n}\n";
    let real = write(d.path(), "real/api.cors", text);
    let link = d.path().join("api.cors");
    symlink(&real, &link);
    let (code, _, err) = run(corsc()
        .args(["lint", "--isolated", "--fix", "--unsafe-fixes"])
        .arg(&link));
    assert_eq!(code, 0, "{err}");
    let meta = std::fs::symlink_metadata(&link).unwrap_or_else(|e| panic!("{e}"));
    assert!(meta.file_type().is_symlink(), "the link stays a link");
    let fixed = std::fs::read_to_string(&real).unwrap_or_default();
    assert_ne!(fixed, text, "the target was rewritten");
    assert!(fixed.contains("\"https://app.example.com\""), "{fixed}");
    assert!(fixed.contains("PUT"), "{fixed}");
    let leftovers: Vec<_> = std::fs::read_dir(d.path().join("real"))
        .unwrap_or_else(|e| panic!("{e}"))
        .collect();
    assert_eq!(leftovers.len(), 1, "no temporary file is left");
}

#[test]
fn exit_zero_passes_findings_but_not_usage_errors() {
    let d = tempdir();
    let p = write(d.path(), "api.cors", NULL_ORIGIN);
    let (code, out, _) = run(corsc()
        .args([
            "lint",
            "--isolated",
            "--deny",
            "warnings",
            "--exit-zero",
            "-f",
            "concise",
        ])
        .arg(&p));
    assert_eq!(code, 0);
    assert_eq!(findings(&out), 1, "findings are still reported: {out}");
    let (code, _, _) = run(corsc()
        .args(["lint", "--isolated", "--exit-zero"])
        .arg(d.path().join("missing.cors")));
    assert_eq!(code, 2);
}
