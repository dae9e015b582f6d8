//! The Rust framework targets proven on the real crates: every example policy the target's
//! plan accepts and at least 50 random policies (fixed seeds) are compiled, written unchanged
//! as modules of a small app under `tests/conformance/` (axum 0.8 + tower-http 0.6, actix-web
//! 4 + actix-cors 0.7), built once with cargo, served on ephemeral ports of 127.0.0.1 (all
//! policies by one process), and checked with `corsc::eval::live::verify`: zero mismatches.
//!
//! The app is built with `CARGO_TARGET_DIR=<repo>/target/conformance` and its committed
//! `Cargo.lock` (`--locked`), so a second run only recompiles the generated modules. Cargo is
//! always there; without network access to crates.io (and no cached crates) or with a failed
//! build these tests fail, loudly, with cargo's output.
//!
//! Each target also runs on the oldest releases its `min_version` claims: the app's
//! `Cargo.oldest.lock` (made from `Cargo.lock` with `cargo update -p <crate> --precise
//! <oldest>` for each claimed crate; the other crates stay as locked) is copied with
//! `Cargo.toml` and `src/` into the app's git-ignored `target/oldest/` and built into
//! `<repo>/target/conformance-oldest`. Both runs print the crate versions they built.

mod support;
use support::{conformance, frameworks, random_policy};

use frameworks::{corpus, root, start, Compiled, Corpus, Tally, Versions};
use random_policy::{policy_text, Features};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Random seeds tried per target; at least [`RANDOM_MIN`] of them must be accepted.
const RANDOM_SEEDS: u64 = 70;
/// The least number of random policies that must be verified per target.
const RANDOM_MIN: usize = 50;

struct RustApp {
    /// The `--target` value.
    target: &'static str,
    /// The directory under `tests/conformance/`, which is also the binary's suffix.
    dir: &'static str,
    /// What the random generator may use.
    features: Features,
    /// The `mod.rs` listing the modules `p0 … pN-1`: it maps a policy number to something the
    /// app's `main.rs` serves.
    mod_rs: fn(&[String]) -> String,
    /// The crates whose locked versions the test prints.
    crates: &'static [&'static str],
}

/// The folder cargo builds for `versions`: the app itself, or a copy in its `target/oldest/`
/// with `Cargo.oldest.lock` as its `Cargo.lock`.
fn app_for(dir: &str, versions: Versions) -> std::path::PathBuf {
    let app_dir = root().join("tests/conformance").join(dir);
    if versions == Versions::Newest {
        return app_dir;
    }
    let copy = app_dir.join("target/oldest");
    std::fs::create_dir_all(copy.join("src")).expect("mkdir target/oldest/src");
    for (from, to) in [
        ("Cargo.toml", "Cargo.toml"),
        ("Cargo.oldest.lock", "Cargo.lock"),
        ("src/main.rs", "src/main.rs"),
    ] {
        let text = std::fs::read(app_dir.join(from)).expect("read the app");
        // Rewritten only when changed, so cargo's fingerprints stay fresh between runs.
        if std::fs::read(copy.join(to)).ok().as_ref() != Some(&text) {
            std::fs::write(copy.join(to), text).expect("copy the app");
        }
    }
    copy
}

/// `crate version / …` as `Cargo.lock` in `app_dir` pins them.
fn locked_versions(app_dir: &Path, crates: &[&str]) -> String {
    let lock = std::fs::read_to_string(app_dir.join("Cargo.lock")).expect("Cargo.lock");
    crates
        .iter()
        .map(|c| {
            let needle = format!("name = \"{c}\"\nversion = \"");
            let v = lock
                .find(&needle)
                .map(|i| &lock[i + needle.len()..])
                .and_then(|rest| rest.split('"').next())
                .unwrap_or("?");
            format!("{c} {v}")
        })
        .collect::<Vec<_>>()
        .join(" / ")
}

/// Writes the generated modules and their `mod.rs` into the app's git-ignored
/// `target/generated/`, replacing what a previous run left.
fn write_modules(app_dir: &Path, compiled: &[Compiled], mod_rs: fn(&[String]) -> String) {
    let gen = app_dir.join("target/generated");
    let _ = std::fs::remove_dir_all(&gen);
    std::fs::create_dir_all(&gen).expect("mkdir target/generated");
    let mut files = Vec::new();
    for (k, c) in compiled.iter().enumerate() {
        let [part] = c.output.parts.as_slice() else {
            panic!("{}: expected one part", c.name);
        };
        let p = gen.join(format!("p{k}.rs"));
        std::fs::write(&p, &part.text).expect("write module");
        files.push(p.display().to_string());
    }
    std::fs::write(gen.join("mod.rs"), mod_rs(&files)).expect("write mod.rs");
}

fn run(app: &RustApp, versions: Versions) {
    let started = Instant::now();
    let mut tally = Tally::default();
    let Corpus {
        accepted,
        examples_accepted,
        examples_refused,
        random_accepted,
    } = corpus(
        app.target,
        RANDOM_SEEDS,
        |seed| policy_text(seed, &app.features),
        &mut tally,
    );
    let app_dir = app_for(app.dir, versions);
    let installed = locked_versions(&app_dir, app.crates);
    eprintln!("{} ({}): {installed}", app.target, versions.label());
    write_modules(&app_dir, &accepted, app.mod_rs);
    let bin = format!("corsc-conformance-{}", app.dir);
    let target_dir = root().join(match versions {
        Versions::Newest => "target/conformance",
        Versions::Oldest => "target/conformance-oldest",
    });
    let build_started = Instant::now();
    let exe = frameworks::build_rust_app_in(&app_dir, &bin, &target_dir);
    let build_time = build_started.elapsed();
    let mut cmd = Command::new(&exe);
    cmd.args((0..accepted.len()).map(|k| k.to_string()));
    let server = start(cmd, accepted.len(), Duration::from_secs(60))
        .unwrap_or_else(|e| panic!("{bin}: {e}"));
    for (c, port) in accepted.iter().zip(&server.ports) {
        tally.verify(&bin, &c.name, &c.set, &c.text, *port);
    }
    drop(server);
    eprintln!(
        "{} ({installed}): examples {examples_accepted} verified, {examples_refused} refused; random {random_accepted} of {RANDOM_SEEDS} compiled, {} refused; {} verified, {} probes; build {build_time:?}, total {:?}",
        app.target,
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
        "{} policies differ from the evaluator on {} ({installed}):\n{}",
        tally.failures.len(),
        app.target,
        tally.failures.join("\n\n")
    );
    assert_eq!(tally.verified, accepted.len());
    assert!(examples_accepted >= 1, "no example policy compiled");
    assert!(
        random_accepted >= RANDOM_MIN,
        "only {random_accepted} random policies compiled for {}",
        app.target
    );
}

/// `#[path]` with the absolute file, so the module tree does not depend on where `mod.rs` is.
fn module_lines(files: &[String]) -> String {
    let mut s = String::from(
        "// Written by tests/conformance_rust_frameworks.rs: one unchanged corsc module per policy.\n",
    );
    for (k, f) in files.iter().enumerate() {
        s.push_str(&format!("#[path = {f:?}]\npub mod p{k};\n"));
    }
    s
}

fn axum_mod_rs(files: &[String]) -> String {
    let mut s = module_lines(files);
    s.push_str("\n/// Policy `k`'s layer on a router that answers everything.\n");
    s.push_str("pub fn router(k: usize) -> Option<axum::Router> {\n    Some(match k {\n");
    for k in 0..files.len() {
        s.push_str(&format!(
            "        {k} => crate::base().layer(p{k}::cors_layer()),\n"
        ));
    }
    s.push_str("        _ => return None,\n    })\n}\n");
    s
}

fn actix_mod_rs(files: &[String]) -> String {
    let mut s = module_lines(files);
    s.push_str(
        "\n/// Policy `k` served on `listener`: one worker, everything answered `200 ok`.\n",
    );
    s.push_str("pub fn server(\n    k: usize,\n    listener: std::net::TcpListener,\n) -> Option<std::io::Result<actix_web::dev::Server>> {\n    use actix_web::{web, App, HttpServer};\n    Some(match k {\n");
    for k in 0..files.len() {
        s.push_str(&format!(
            "        {k} => HttpServer::new(|| App::new().wrap(p{k}::cors()).configure(crate::routes).default_service(web::to(crate::answer)))\n            .workers(1)\n            .listen(listener)\n            .map(HttpServer::run),\n"
        ));
    }
    s.push_str("        _ => return None,\n    })\n}\n");
    s
}

fn actix() -> RustApp {
    RustApp {
        target: "actix",
        dir: "actix",
        // `methods *` is refused for actix-cors; the refusals are counted and printed.
        features: Features::all(),
        mod_rs: actix_mod_rs,
        crates: &["actix-web", "actix-cors"],
    }
}

fn tower_http() -> RustApp {
    RustApp {
        target: "tower-http",
        dir: "axum",
        features: Features::all(),
        mod_rs: axum_mod_rs,
        crates: &["tower-http", "axum", "tower", "http"],
    }
}

#[test]
fn actix_cors_under_actix_web_matches_the_evaluator() {
    run(&actix(), Versions::Newest);
}

#[test]
fn actix_cors_under_actix_web_matches_the_evaluator_on_the_oldest_claimed_release() {
    run(&actix(), Versions::Oldest);
}

#[test]
fn tower_http_under_axum_matches_the_evaluator() {
    run(&tower_http(), Versions::Newest);
}

#[test]
fn tower_http_under_axum_matches_the_evaluator_on_the_oldest_claimed_release() {
    run(&tower_http(), Versions::Oldest);
}

/// The targets this harness runs are its entry in `support/conformance.rs`, and every
/// registered target has a harness.
#[test]
fn covers_the_targets_its_entry_lists() {
    conformance::assert_covers(
        env!("CARGO_CRATE_NAME"),
        &[actix(), tower_http()].map(|a| a.target),
    );
}
