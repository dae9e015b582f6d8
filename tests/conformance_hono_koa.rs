//! The `hono` and `koa` targets proven on the real libraries, on the newest releases
//! (`tests/conformance/node-ts`) and the oldest the targets claim
//! (`tests/conformance/node-ts-oldest`): every example policy the plan accepts, the hostile
//! name sets and 100+ random policies are compiled per target. The Hono modules (TypeScript)
//! are type-checked with `tsc --noEmit` under `strict`, then compiled to JavaScript by the
//! same `tsc`; all modules of a run are served by one Node.js process
//! (`tests/conformance/node-ts/serve.mjs`) on ephemeral ports of 127.0.0.1 and verified with
//! `corsc::eval::live::verify`: zero mismatches. Each run prints the versions it ran.
//!
//! Needs `node` and `npm ci` in both folders (`.ci/run` does it). Without them the test says
//! why it skips; with `CORSC_REQUIRE_ENGINES=1` it fails instead.

mod support;
use support::{conformance, frameworks, random_policy};

use frameworks::{corpus, root, start, Compiled, Corpus, Tally, Versions};
use random_policy::{policy_text, Features};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RANDOM_SEEDS: u64 = 120;
const RANDOM_MIN: usize = 100;

/// The package folder of one end of the version range.
fn node_dir(versions: Versions) -> PathBuf {
    root().join(match versions {
        Versions::Newest => "tests/conformance/node-ts",
        Versions::Oldest => "tests/conformance/node-ts-oldest",
    })
}

/// Whether `node` and the packages are there, or `false` after saying why the test skips.
fn require(versions: Versions, packages: &[&str], test: &str) -> bool {
    let required = std::env::var("CORSC_REQUIRE_ENGINES").is_ok_and(|v| v == "1");
    let node = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let dir = node_dir(versions);
    let why = if node {
        packages
            .iter()
            .find(|p| {
                !dir.join("node_modules")
                    .join(p)
                    .join("package.json")
                    .is_file()
            })
            .map(|p| {
                format!(
                    "`{p}` is not installed (run `npm ci` in {})",
                    dir.strip_prefix(root()).unwrap_or(&dir).display()
                )
            })
    } else {
        Some("`node` is not installed".to_string())
    };
    let Some(why) = why else {
        return true;
    };
    assert!(!required, "{test}: {why}, and CORSC_REQUIRE_ENGINES=1");
    eprintln!("skipping {test}: {why} (set CORSC_REQUIRE_ENGINES=1 to fail instead)");
    false
}

/// `name version / …` as installed.
fn installed(versions: Versions, packages: &[&str]) -> String {
    packages
        .iter()
        .map(|p| {
            let manifest = node_dir(versions)
                .join("node_modules")
                .join(p)
                .join("package.json");
            let v = std::fs::read_to_string(manifest)
                .ok()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                .and_then(|j| j["version"].as_str().map(str::to_string))
                .unwrap_or_else(|| "?".into());
            format!("{p} {v}")
        })
        .collect::<Vec<_>>()
        .join(" / ")
}

/// A temporary app folder: the serve script, `node_modules` linked to the version's, and
/// each compiled module unchanged in `m<k>/`. Returns the modules' paths.
fn write_app(app: &Path, versions: Versions, compiled: &[Compiled]) -> Vec<PathBuf> {
    std::os::unix::fs::symlink(
        node_dir(versions).join("node_modules"),
        app.join("node_modules"),
    )
    .expect("link node_modules");
    std::fs::copy(
        root().join("tests/conformance/node-ts/serve.mjs"),
        app.join("serve.mjs"),
    )
    .expect("copy serve.mjs");
    compiled
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let [part] = c.output.parts.as_slice() else {
                panic!("{}: expected one part", c.name);
            };
            let dir = app.join(format!("m{k}"));
            std::fs::create_dir_all(&dir).expect("mkdir");
            let p = dir.join(part.file_name);
            std::fs::write(&p, &part.text).expect("write module");
            p
        })
        .collect()
}

/// `tsc` of the version's folder in `app`; panics with its output on failure.
fn tsc(app: &Path, args: &[&str]) {
    let out = Command::new("node")
        .arg(app.join("node_modules/typescript/bin/tsc"))
        .args(args)
        .current_dir(app)
        .output()
        .expect("tsc runs");
    assert!(
        out.status.success(),
        "tsc {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Type-checks every Hono module under `strict` (`tsc --noEmit`), then compiles them to
/// JavaScript (ESM, `.js` beside each `.ts`) for Node.js; on the oldest end in one pass that
/// emits only when the check passes. `skipLibCheck`, as `tsc --init`
/// writes it: the generated modules are checked in full, the libraries' own declarations are
/// not (hono 4.0.0's `context.d.ts` fails with TS2300 on its own).
fn compile_typescript(app: &Path, versions: Versions) {
    std::fs::write(app.join("package.json"), "{ \"type\": \"module\" }\n").expect("package.json");
    std::fs::write(
        app.join("tsconfig.json"),
        r#"{
  "compilerOptions": {
    "strict": true,
    "target": "es2022",
    "module": "nodenext",
    "moduleResolution": "nodenext",
    "noUnusedLocals": true,
    "noImplicitReturns": true,
    "skipLibCheck": true,
    "types": []
  },
  "include": ["m*/*.ts"]
}
"#,
    )
    .expect("tsconfig.json");
    match versions {
        Versions::Newest => {
            tsc(app, &["-p", ".", "--noEmit"]);
            tsc(app, &["-p", "."]);
        }
        // TypeScript 5.0 takes about 20 s a pass over the modules: one pass that checks
        // as `--noEmit` does and writes nothing when anything fails.
        Versions::Oldest => tsc(app, &["-p", ".", "--noEmitOnError"]),
    }
}

fn run(target: &str, versions: Versions) {
    let packages: &[&str] = match target {
        "hono" => &["hono", "@hono/node-server", "typescript"],
        _ => &["koa", "@koa/cors"],
    };
    let test = format!("{target} conformance ({})", versions.label());
    if !require(versions, packages, &test) {
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
        target,
        RANDOM_SEEDS,
        |seed| policy_text(seed, &Features::all()),
        &mut tally,
    );
    let tmp = tempfile::Builder::new()
        .prefix("corsc-hono-koa-")
        .tempdir()
        .expect("temp dir");
    let app = tmp.path();
    let mut modules = write_app(app, versions, &accepted);
    let build_started = Instant::now();
    if target == "hono" {
        compile_typescript(app, versions);
        for m in &mut modules {
            m.set_extension("js");
        }
    }
    let build_time = build_started.elapsed();
    let versions_text = format!(
        "{} / node {}",
        installed(versions, packages),
        node_version()
    );
    let mut cmd = Command::new("node");
    cmd.current_dir(app)
        .arg(app.join("serve.mjs"))
        .arg(target)
        .args(&modules);
    let server = start(cmd, modules.len(), Duration::from_secs(120))
        .unwrap_or_else(|e| panic!("{target}: {e}"));
    for (c, port) in accepted.iter().zip(&server.ports) {
        tally.verify(target, &c.name, &c.set, &c.text, *port);
    }
    drop(server);
    let hostile = frameworks::hostile_name_sets().len();
    println!(
        "{target} ({versions_text}): {} examples + {hostile} hostile + {random_accepted} random, {} probes, {} mismatches ({examples_refused} examples refused, {} of {RANDOM_SEEDS} random refused; tsc/build {build_time:?}, total {:?})",
        examples_accepted.saturating_sub(hostile),
        tally.probes,
        tally.failures.len(),
        RANDOM_SEEDS as usize - random_accepted,
        started.elapsed()
    );
    for (label, why) in &tally.refused {
        eprintln!("  refused {label}: {why}");
    }
    assert!(
        tally.failures.is_empty(),
        "{} policies differ from the evaluator on {versions_text}:\n{}",
        tally.failures.len(),
        tally.failures.join("\n\n")
    );
    assert_eq!(tally.verified, accepted.len());
    assert!(examples_accepted > hostile, "no example policy compiled");
    assert!(
        random_accepted >= RANDOM_MIN,
        "only {random_accepted} random policies compiled"
    );
}

fn node_version() -> String {
    Command::new("node")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

#[test]
fn hono_cors_matches_the_evaluator() {
    run("hono", Versions::Newest);
}

#[test]
fn hono_cors_matches_the_evaluator_on_the_oldest_claimed_release() {
    run("hono", Versions::Oldest);
}

#[test]
fn koa_cors_matches_the_evaluator() {
    run("koa", Versions::Newest);
}

#[test]
fn koa_cors_matches_the_evaluator_on_the_oldest_claimed_release() {
    run("koa", Versions::Oldest);
}

/// The targets this harness runs are its entry in `support/conformance.rs`, and every
/// registered target has a harness.
#[test]
fn covers_the_targets_its_entry_lists() {
    conformance::assert_covers(env!("CARGO_CRATE_NAME"), &["hono", "koa"]);
}
