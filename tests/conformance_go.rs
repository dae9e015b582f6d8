//! The `go` target proven on rs/cors in module mode, on the newest release and the oldest the
//! target claims (`tests/conformance/go/go.mod` and `go.oldest.mod`, each with its `go.sum`):
//! every example policy the plan accepts and 50+ random policies are compiled, each written
//! unchanged as a package of a module beside `tests/conformance/go/main.go`, checked with
//! `go vet`, `staticcheck` and `gofmt -l`, built once, served on ephemeral ports of 127.0.0.1
//! by one process, and verified with `corsc::eval::live::verify`: zero mismatches. Each run prints the Go
//! toolchain and the rs/cors version it built with.
//!
//! The module's `go 1.13` line is the language version the compiler holds the generated code
//! to (the newest rs/cors asks for no more); the generated code uses only `net/http`,
//! `regexp`, `strings` and `path` API of Go 1.0. The toolchain is whatever `go` is on `PATH`
//! (`GOTOOLCHAIN=local`: never a downloaded one).
//!
//! Needs `go` and the rs/cors modules, fetched from the module proxy into `CORSC_GOMODCACHE`
//! (`.ci/run` sets `.ci/cache/gomod`; else go's default cache) or already there. Without `go`
//! the test says why it skips; with `CORSC_REQUIRE_ENGINES=1` it fails instead.

mod support;
use support::{conformance, frameworks, random_policy};

use frameworks::{corpus, root, start, Compiled, Corpus, Tally, Versions};
use random_policy::{policy_text, Features};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// The `--target` value.
const TARGET: &str = "go";
const RANDOM_SEEDS: u64 = 80;
const RANDOM_MIN: usize = 50;

/// Whether `go` runs, or `false` after saying why the test skips.
fn require_go(test: &str) -> bool {
    let required = std::env::var("CORSC_REQUIRE_ENGINES").is_ok_and(|v| v == "1");
    let go = Command::new("go").arg("version").output();
    if go.is_ok_and(|o| o.status.success()) {
        return true;
    }
    let why = "`go` is not installed (apt-get install golang-go)";
    assert!(!required, "{test}: {why}, and CORSC_REQUIRE_ENGINES=1");
    eprintln!("skipping {test}: {why} (set CORSC_REQUIRE_ENGINES=1 to fail instead)");
    false
}

/// `go <args>` in module mode in `dir`; panics with go's output on failure.
fn go(dir: &Path, args: &[&str]) -> String {
    support::builds::go(dir, args).unwrap_or_else(|e| panic!("{e}"))
}

/// The module of the conformance app in `app`: `main.go`, the `go.mod` and `go.sum` of
/// `versions`, one package per policy and a `handlers.go` listing their `Handler`s.
fn write_tree(app: &Path, versions: Versions, compiled: &[Compiled]) {
    std::fs::create_dir_all(app).expect("mkdir");
    let dir = root().join("tests/conformance/go");
    let (modfile, sum) = match versions {
        Versions::Newest => ("go.mod", "go.sum"),
        Versions::Oldest => ("go.oldest.mod", "go.oldest.sum"),
    };
    for (from, to) in [("main.go", "main.go"), (modfile, "go.mod"), (sum, "go.sum")] {
        std::fs::copy(dir.join(from), app.join(to)).expect("copy the app");
    }
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

fn run(versions: Versions) {
    let test = format!("go (rs/cors) conformance ({})", versions.label());
    if !require_go(&test) {
        return;
    }
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
    let app = tmp.path().join("corscconformance");
    write_tree(&app, versions, &accepted);
    let rs_cors = go(
        &app,
        &["list", "-m", "-f", "{{.Version}}", "github.com/rs/cors"],
    );
    let version = go(&app, &["version"]);
    let installed = format!("{} / rs/cors {}", version.trim(), rs_cors.trim());
    eprintln!("go ({}): {installed}", versions.label());
    // Lint: go vet and staticcheck on every generated package, and gofmt reports nothing to
    // reformat.
    let packages: Vec<String> = (0..accepted.len()).map(|k| format!("./p{k}")).collect();
    let mut vet = vec!["vet"];
    vet.extend(packages.iter().map(String::as_str));
    go(&app, &vet);
    let unformatted = Command::new("gofmt")
        .arg("-d")
        .args((0..accepted.len()).map(|k| app.join(format!("p{k}/corspolicy.go"))))
        .output()
        .expect("gofmt runs");
    assert!(
        unformatted.stdout.is_empty(),
        "gofmt would reformat:\n{}",
        String::from_utf8_lossy(&unformatted.stdout)
    );
    support::builds::staticcheck(&app, &packages).unwrap_or_else(|e| panic!("{e}"));
    let build_started = Instant::now();
    let exe = tmp.path().join("corsc-conformance-go");
    go(&app, &["build", "-o", &exe.display().to_string(), "."]);
    let build_time = build_started.elapsed();
    let mut cmd = Command::new(&exe);
    cmd.args((0..accepted.len()).map(|k| k.to_string()));
    let server =
        start(cmd, accepted.len(), Duration::from_secs(60)).unwrap_or_else(|e| panic!("{e}"));
    for (c, port) in accepted.iter().zip(&server.ports) {
        tally.verify(TARGET, &c.name, &c.set, &c.text, *port);
    }
    drop(server);
    eprintln!(
        "go ({installed}): examples {examples_accepted} verified, {examples_refused} refused; random {random_accepted} of {RANDOM_SEEDS} compiled, {} refused; {} verified, {} probes; build {build_time:?}, total {:?}",
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
        "{} policies differ from the evaluator on {installed}:\n{}",
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

#[test]
fn rs_cors_matches_the_evaluator() {
    run(Versions::Newest);
}

#[test]
fn rs_cors_matches_the_evaluator_on_the_oldest_claimed_release() {
    run(Versions::Oldest);
}

/// The targets this harness runs are its entry in `support/conformance.rs`, and every
/// registered target has a harness.
#[test]
fn covers_the_targets_its_entry_lists() {
    conformance::assert_covers(env!("CARGO_CRATE_NAME"), &[TARGET]);
}
