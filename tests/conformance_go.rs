//! The `go` target proven on Debian's Go 1.19 and rs/cors 1.7 (GOPATH mode, the only mode
//! Debian's packaged rs/cors supports): every example policy the plan accepts and 50+ random
//! policies are compiled, each written unchanged as a package of a GOPATH tree beside
//! `tests/conformance/go/main.go`, checked with `go vet` and `gofmt -l`, built once, served on
//! ephemeral ports of 127.0.0.1 by one process, and verified with `corsc::eval::live::verify`:
//! zero mismatches.
//!
//! Needs `go` and rs/cors under `CORSC_GOPATH` (default `/usr/share/gocode`, where
//! `golang-github-rs-cors-dev` installs it). Without them the test says why it skips; with
//! `CORSC_REQUIRE_ENGINES=1` it fails instead.

mod support;
use support::{conformance, frameworks, random_policy};

use frameworks::{corpus, root, start, Compiled, Corpus, Tally};
use random_policy::{policy_text, Features};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The `--target` value.
const TARGET: &str = "go";
const RANDOM_SEEDS: u64 = 80;
const RANDOM_MIN: usize = 50;

/// The GOPATH entry holding `github.com/rs/cors`, or `None` after saying why the test skips.
fn require_go(test: &str) -> Option<PathBuf> {
    let required = std::env::var("CORSC_REQUIRE_ENGINES").is_ok_and(|v| v == "1");
    let gocode = std::env::var_os("CORSC_GOPATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/share/gocode"));
    let go = Command::new("go").arg("version").output();
    let why = if !go.is_ok_and(|o| o.status.success()) {
        "`go` is not installed (apt-get install golang-go)".to_string()
    } else if !gocode.join("src/github.com/rs/cors/cors.go").is_file() {
        format!(
            "rs/cors is not under {} (apt-get install golang-github-rs-cors-dev, or set CORSC_GOPATH)",
            gocode.display()
        )
    } else {
        return Some(gocode);
    };
    assert!(!required, "{test}: {why}, and CORSC_REQUIRE_ENGINES=1");
    eprintln!("skipping {test}: {why} (set CORSC_REQUIRE_ENGINES=1 to fail instead)");
    None
}

/// `go <args>` in GOPATH mode with `gopath` first; panics with go's output on failure.
fn go(gopath: &str, args: &[&str]) -> String {
    let out = Command::new("go")
        .args(args)
        .env("GO111MODULE", "off")
        .env("GOPATH", gopath)
        .env("GOFLAGS", "")
        .output()
        .expect("go runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "go {args:?} failed:\n{text}");
    text
}

fn write_tree(src: &Path, compiled: &[Compiled]) {
    let app = src.join("corscconformance");
    std::fs::create_dir_all(&app).expect("mkdir");
    std::fs::copy(
        root().join("tests/conformance/go/main.go"),
        app.join("main.go"),
    )
    .expect("copy main.go");
    let mut handlers = String::from(
        "// Written by tests/conformance_go.rs: one unchanged corsc package per policy.\npackage main\n\nimport (\n\t\"net/http\"\n\n",
    );
    for (k, c) in compiled.iter().enumerate() {
        let [part] = c.output.parts.as_slice() else {
            panic!("{}: expected one part", c.name);
        };
        let dir = app.join(format!("p{k}"));
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(dir.join(part.file_name), &part.text).expect("write package");
        handlers.push_str(&format!("\tp{k} \"corscconformance/p{k}\"\n"));
    }
    handlers.push_str(")\n\nvar handlers = []func(http.Handler) http.Handler{\n");
    for k in 0..compiled.len() {
        handlers.push_str(&format!("\tp{k}.Handler,\n"));
    }
    handlers.push_str("}\n");
    std::fs::write(app.join("handlers.go"), handlers).expect("write handlers.go");
}

#[test]
fn rs_cors_matches_the_evaluator() {
    let test = "go (rs/cors) conformance";
    let Some(gocode) = require_go(test) else {
        return;
    };
    let started = Instant::now();
    let mut tally = Tally::default();
    let Corpus {
        accepted,
        examples_accepted,
        examples_refused,
        random_accepted,
    } = corpus(
        TARGET,
        RANDOM_SEEDS,
        |seed| policy_text(seed, &Features::all()),
        &mut tally,
    );
    let tmp = tempfile::Builder::new()
        .prefix("corsc-go-")
        .tempdir()
        .expect("temp dir");
    let src = tmp.path().join("src");
    write_tree(&src, &accepted);
    let gopath = format!("{}:{}", tmp.path().display(), gocode.display());
    // Lint: go vet on every generated package, and gofmt reports nothing to reformat.
    let packages: Vec<String> = (0..accepted.len())
        .map(|k| format!("corscconformance/p{k}"))
        .collect();
    let mut vet = vec!["vet"];
    vet.extend(packages.iter().map(String::as_str));
    go(&gopath, &vet);
    let unformatted = Command::new("gofmt")
        .arg("-d")
        .args((0..accepted.len()).map(|k| src.join(format!("corscconformance/p{k}/corspolicy.go"))))
        .output()
        .expect("gofmt runs");
    assert!(
        unformatted.stdout.is_empty(),
        "gofmt would reformat:\n{}",
        String::from_utf8_lossy(&unformatted.stdout)
    );
    let build_started = Instant::now();
    let exe = tmp.path().join("corsc-conformance-go");
    go(
        &gopath,
        &[
            "build",
            "-o",
            &exe.display().to_string(),
            "corscconformance",
        ],
    );
    let build_time = build_started.elapsed();
    let version = go(&gopath, &["version"]);
    let mut cmd = Command::new(&exe);
    cmd.args((0..accepted.len()).map(|k| k.to_string()));
    let server =
        start(cmd, accepted.len(), Duration::from_secs(60)).unwrap_or_else(|e| panic!("{e}"));
    for (c, port) in accepted.iter().zip(&server.ports) {
        tally.verify(TARGET, &c.name, &c.set, &c.text, *port);
    }
    drop(server);
    eprintln!(
        "go ({}): examples {examples_accepted} verified, {examples_refused} refused; random {random_accepted} of {RANDOM_SEEDS} compiled, {} refused; {} verified with 0 mismatches, {} probes; build {build_time:?}, total {:?}",
        version.trim(),
        RANDOM_SEEDS as usize - random_accepted,
        tally.verified,
        tally.probes,
        started.elapsed()
    );
    for (label, why) in &tally.refused {
        eprintln!("  refused {label}: {why}");
    }
    assert!(
        tally.failures.is_empty(),
        "{} policies differ from the evaluator on rs/cors:\n{}",
        tally.failures.len(),
        tally.failures.join("\n\n")
    );
    assert_eq!(tally.verified, accepted.len());
    assert!(examples_accepted >= 1, "no example policy compiled");
    assert!(
        random_accepted >= RANDOM_MIN,
        "only {random_accepted} random policies compiled"
    );
}

/// The targets this harness runs are its entry in `support/conformance.rs`, and every
/// registered target has a harness.
#[test]
fn covers_the_targets_its_entry_lists() {
    conformance::assert_covers(env!("CARGO_CRATE_NAME"), &[TARGET]);
}
