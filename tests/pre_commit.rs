//! The hooks in `.pre-commit-hooks.yaml` run under the real `pre-commit`, with `try-repo` on a
//! scratch git repository: a bad policy fails the hook with the rule's message, a clean one
//! passes.
//!
//! `pre-commit` is found through `CORSC_PRE_COMMIT` (a path) or `PATH`. Without it the tests say
//! why they skip; with `CORSC_REQUIRE_ENGINES=1` a missing `pre-commit` fails them. The
//! `language: system` hook runs against the freshly built binary. The `language: rust` hook
//! builds corsc with `cargo install` in pre-commit's cache, which takes minutes; it runs only
//! with `CORSC_PRE_COMMIT_RUST=1`, and through `pre-commit run` with a configuration that pins
//! this repository's `HEAD`, so the build is cached between the bad and the clean case.

use std::path::{Path, PathBuf};
use std::process::Command;

fn pre_commit() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CORSC_PRE_COMMIT").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("pre-commit"))
        .find(|p| p.is_file())
}

fn require() -> Option<PathBuf> {
    let found = pre_commit();
    if found.is_none() {
        let required = std::env::var("CORSC_REQUIRE_ENGINES").is_ok_and(|v| v == "1");
        assert!(!required, "pre-commit is required (CORSC_REQUIRE_ENGINES=1) but not found on PATH or in CORSC_PRE_COMMIT");
        eprintln!("skipping: pre-commit not found on PATH (or set CORSC_PRE_COMMIT); `pip install pre-commit` to run this test");
    }
    found
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "git {args:?} failed in {}", dir.display());
}

/// How a hook is brought in: `try-repo` on the working tree, or a configuration pinning `HEAD`.
#[derive(Clone, Copy)]
enum Via {
    TryRepo,
    PinnedHead,
}

/// Runs one hook of this repository on a scratch repository holding `files`, staged.
fn run_hook(pc: &Path, via: Via, hook: &str, files: &[(&str, &str)]) -> (i32, String) {
    let scratch = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pre-commit-home");
    let repo = scratch.path();
    git(repo, &["init", "-q"]);
    for (name, text) in files {
        std::fs::write(repo.join(name), text).unwrap_or_else(|e| panic!("{e}"));
    }
    let mut args: Vec<String> = match via {
        Via::TryRepo => vec![
            "try-repo".into(),
            env!("CARGO_MANIFEST_DIR").into(),
            hook.into(),
        ],
        Via::PinnedHead => {
            let head = Command::new("git")
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .args(["rev-parse", "HEAD"])
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
                .unwrap_or_default();
            let config = format!(
                "repos:\n-   repo: {}\n    rev: {head}\n    hooks:\n    -   id: {hook}\n",
                env!("CARGO_MANIFEST_DIR")
            );
            std::fs::write(repo.join(".pre-commit-config.yaml"), config)
                .unwrap_or_else(|e| panic!("{e}"));
            vec!["run".into()]
        }
    };
    args.extend(["--verbose".into(), "--color".into(), "never".into()]);
    git(repo, &["add", "."]);
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_corsc"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let path = std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap_or_default();
    let out = Command::new(pc)
        .current_dir(repo)
        .args(&args)
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", cache)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", pc.display()));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

const BAD: &str = "policy api {\n    origins      *\n    credentials  true\n}\n";
const CLEAN: &str = "policy api {\n    origins  \"https://app.example.com\"\n}\n";

fn check_hook(via: Via, hook: &str) {
    let Some(pc) = require() else { return };
    let (code, out) = run_hook(
        &pc,
        via,
        hook,
        &[("api.cors", BAD), ("notes.txt", "origins *\n")],
    );
    assert_eq!(code, 1, "a bad policy fails the hook:\n{out}");
    assert!(out.contains("Failed"), "{out}");
    assert!(out.contains("S101 wildcard-with-credentials"), "{out}");
    assert!(
        out.contains("allows any origin together with credentials"),
        "{out}"
    );
    assert!(
        !out.contains("notes.txt"),
        "only `.cors` files are passed: {out}"
    );
    let (code, out) = run_hook(&pc, via, hook, &[("api.cors", CLEAN)]);
    assert_eq!(code, 0, "a clean policy passes:\n{out}");
    assert!(out.contains("Passed"), "{out}");
}

#[test]
fn system_hook_fails_bad_policies_and_passes_clean_ones() {
    check_hook(Via::TryRepo, "corsc-lint-system");
}

#[test]
fn rust_hook_builds_and_lints() {
    if !std::env::var("CORSC_PRE_COMMIT_RUST").is_ok_and(|v| v == "1") {
        eprintln!("skipping: the `language: rust` hook builds corsc with cargo (minutes); set CORSC_PRE_COMMIT_RUST=1 to run it");
        return;
    }
    check_hook(Via::PinnedHead, "corsc-lint");
}
