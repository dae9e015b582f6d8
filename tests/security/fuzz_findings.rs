//! Inputs the fuzzers found (`tests/fuzz/artifacts-found/*.cors`, minimized and rendered to
//! policy text), replayed through the command line as a user or a CI job would run it. A
//! finding is fixed when every command answers it with an exit code and, on failure, a
//! diagnostic, within a time and memory bound; adding a file to that folder adds a case.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What one command may take: far above what any policy needs, far below a hung CI job.
const TIME: Duration = Duration::from_secs(30);
/// Virtual memory in KiB (`ulimit -v`): 2 GiB.
const MEMORY_KIB: u64 = 2 * 1024 * 1024;

fn findings() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/artifacts-found");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "cors"))
        .collect();
    files.sort();
    files
}

/// Runs corsc under the memory limit; `Err` says how it went wrong.
fn run_bounded(args: &[&str]) -> Result<(), String> {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_KIB}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_corsc"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start: {e}"))?;
    // Diagnostics go to standard output (`check`, `lint`) or standard error (`compile`):
    // both are read, each on its own thread so neither pipe can fill up and block corsc.
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().map_err(|e| e.to_string())? {
            break s;
        }
        if start.elapsed() > TIME {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("still running after {TIME:?}"));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let err = reader.join().unwrap_or_default() + &out_reader.join().unwrap_or_default();
    let lines: Vec<&str> = err.lines().collect();
    let last = lines[lines.len().saturating_sub(3)..].join(" | ");
    match status.code() {
        Some(0) => Ok(()),
        Some(1 | 2) if err.contains("panicked") => Err(format!("panicked: {last}")),
        Some(1 | 2) if !err.contains("error") => Err("failed without a diagnostic".into()),
        Some(1 | 2) => Ok(()),
        Some(c) => Err(format!("exit code {c}: {last}")),
        None => Err(format!(
            "killed by a signal (crash or out of memory): {last}"
        )),
    }
}

/// Every input a fuzzer found to crash, hang or exhaust corsc is answered by `check`, `lint`
/// and `compile` for every target with an exit code and a diagnostic, in bounded time and
/// memory.
#[test]
fn fuzz_findings_get_a_diagnostic_not_a_crash() {
    let files = findings();
    assert!(
        !files.is_empty(),
        "tests/fuzz/artifacts-found has no .cors file"
    );
    let mut failures = Vec::new();
    for file in &files {
        let f = file.to_str().expect("UTF-8 path");
        let mut runs: Vec<Vec<&str>> = vec![vec!["check", f], vec!["lint", f]];
        for t in corsc::emit::TARGETS {
            runs.push(vec![
                "compile",
                "--allow-lint-errors",
                "--target",
                t.id(),
                f,
            ]);
        }
        for args in runs {
            if let Err(e) = run_bounded(&args) {
                failures.push(format!("corsc {}: {e}", args.join(" ")));
                // One broken stage is enough to know; the others usually break the same way.
                if args[0] != "compile" {
                    break;
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
