//! The `nestjs` target proven on real NestJS apps, on both platforms
//! (`@nestjs/platform-express` with `cors`, `@nestjs/platform-fastify` with `@fastify/cors`),
//! on the newest releases (`tests/conformance/nest`) and the oldest the target claims
//! (`tests/conformance/nest-oldest`).
//!
//! Each run compiles its policies, type-checks and builds every generated `corsc-nestjs.ts`
//! with that folder's TypeScript in one `tsc` run (`strict`, with a file that hands each
//! export to `enableCors` of `NestExpressApplication`, `NestFastifyApplication` and
//! `INestApplication`), then serves them all from one process per platform
//! (`tests/conformance/nest/serve.js`, one Nest app per policy on ephemeral ports of
//! 127.0.0.1, each given the export with `app.enableCors(corscCorsOptions)`), and verifies
//! each with `corsc::eval::live::verify`: zero mismatches.
//!
//! Every example file (each profile) and hostile-name file is verified as written, with its
//! path scopes, and the random policies are sets of several policies with path scopes. The
//! delegate dispatches on the path form of the platform it runs on, so each platform is
//! verified with its router's model (`express`'s and `fastify`'s routing: the probes include
//! the spellings of each scope boundary that router reads its own way).
//!
//! Without Node.js or the packages these tests say why they skip; with
//! `CORSC_REQUIRE_ENGINES=1` they fail instead.

mod support;
use support::{conformance, frameworks, random_policy};

use corsc::emit::{self, Options, Provenance, Shape};
use frameworks::{check_set, compile, examples, hostile_name_sets, Compiled, Tally};
use random_policy::{policy_text, Features};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const TARGET: &str = "nestjs";
/// Random policy sets with path scopes per run; every one must be accepted.
const RANDOM: usize = 100;
/// Nest apps per serving process.
const BATCH: usize = 200;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Versions {
    Newest,
    Oldest,
}

impl Versions {
    fn label(self) -> &'static str {
        match self {
            Versions::Newest => "newest",
            Versions::Oldest => "oldest",
        }
    }

    /// The package folder (`npm ci` there, as `.ci/run` does).
    fn dir(self) -> PathBuf {
        frameworks::root().join(match self {
            Versions::Newest => "tests/conformance/nest",
            Versions::Oldest => "tests/conformance/nest-oldest",
        })
    }
}

const PACKAGES: &[&str] = &[
    "@nestjs/common",
    "@nestjs/core",
    "@nestjs/platform-express",
    "@nestjs/platform-fastify",
    "reflect-metadata",
    "typescript",
];
/// The packages whose installed versions a run prints.
const SHOWN: &[&str] = &[
    "@nestjs/core",
    "@nestjs/platform-express",
    "express",
    "cors",
    "@nestjs/platform-fastify",
    "fastify",
    "@fastify/cors",
    "typescript",
];

/// Whether Node.js and the folder's packages are there; otherwise why not (a failure under
/// `CORSC_REQUIRE_ENGINES=1`).
fn available(versions: Versions, test: &str) -> bool {
    let why = if !Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        Some("`node` is not installed".to_string())
    } else {
        PACKAGES
            .iter()
            .find(|p| {
                !versions
                    .dir()
                    .join("node_modules")
                    .join(p)
                    .join("package.json")
                    .is_file()
            })
            .map(|p| {
                format!(
                    "`{p}` is not installed (run `npm ci` in {})",
                    versions.dir().display()
                )
            })
    };
    let Some(why) = why else { return true };
    let required = std::env::var("CORSC_REQUIRE_ENGINES").is_ok_and(|v| v == "1");
    assert!(!required, "{test}: {why}, and CORSC_REQUIRE_ENGINES=1");
    eprintln!("skipping {test}: {why} (set CORSC_REQUIRE_ENGINES=1 to fail instead)");
    false
}

fn installed(versions: Versions) -> String {
    SHOWN
        .iter()
        .map(|p| {
            let manifest = versions
                .dir()
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

/// Each policy of a checked file alone, without its `paths` (the snapshots of the app-wide
/// form a user without scopes gets).
fn each_policy_app_wide(label: &str, text: &str, profile: Option<&str>) -> Vec<Compiled> {
    let set = match check_set(label, text, profile) {
        Ok(s) => s,
        Err(e) => panic!("{label} does not check: {e:?}"),
    };
    let target = emit::find(TARGET).expect("registered");
    let options = Options {
        shape: Shape::Include,
        ..Options::default()
    };
    set.policies
        .iter()
        .map(|p| {
            let mut one = set.clone();
            let mut p = p.clone();
            p.paths.clear();
            one.policies = vec![p];
            let name = format!(
                "{label}, policy {} without paths",
                one.policies[0].name.node
            );
            let prov = Provenance::new(&name, text.as_bytes(), profile.map(str::to_string));
            let output = emit::compile(&one, target, &options, &prov)
                .unwrap_or_else(|d| panic!("{name}: refused {d:#?}"));
            Compiled {
                name,
                text: text.to_string(),
                set: one,
                output,
            }
        })
        .collect()
}

/// What a run verifies: (example files with their scopes, hostile-name files, random policy
/// sets with scopes).
fn corpus() -> (Vec<Compiled>, Vec<Compiled>, Vec<Compiled>) {
    let taken = examples()
        .into_iter()
        .map(|(name, text, profile)| {
            let label = match &profile {
                Some(p) => format!("{name} --profile {p}"),
                None => name,
            };
            compile(&label, &text, profile.as_deref(), TARGET)
                .unwrap_or_else(|e| panic!("{label} refused: {e:?}"))
        })
        .collect();
    let hostile = hostile_name_sets()
        .into_iter()
        .map(|(label, text)| {
            compile(&label, &text, None, TARGET)
                .unwrap_or_else(|e| panic!("{label} refused: {e:?}"))
        })
        .collect();
    // Random sets with at least one path scope, the first RANDOM seeds that have one.
    let random = (0..)
        .map(|seed| (seed, policy_text(seed, &Features::all())))
        .filter(|(_, text)| text.lines().any(|l| l.trim_start().starts_with("paths ")))
        .take(RANDOM)
        .map(|(seed, text)| {
            let label = format!("random seed {seed}");
            match compile(&label, &text, None, TARGET) {
                Ok(c) => c,
                Err(e) => panic!("{label} refused: {e:?}\n{text}"),
            }
        })
        .collect();
    (taken, hostile, random)
}

/// Writes every output as `src/mN.ts` with a `check.ts` that hands each export to the three
/// `enableCors` signatures, and runs the folder's `tsc` (strict) once: the JavaScript goes to
/// `out/`. Returns the built modules, in order.
fn build(versions: Versions, dir: &Path, compiled: &[&Compiled]) -> Vec<PathBuf> {
    let src = dir.join("src");
    std::fs::create_dir_all(&src).expect("mkdir");
    let mut check = String::from(
        "import type { INestApplication } from '@nestjs/common';\n\
         import type { NestExpressApplication } from '@nestjs/platform-express';\n\
         import type { NestFastifyApplication } from '@nestjs/platform-fastify';\n\
         declare const nest: INestApplication;\n\
         declare const onExpress: NestExpressApplication;\n\
         declare const onFastify: NestFastifyApplication;\n",
    );
    for (i, c) in compiled.iter().enumerate() {
        let [part] = c.output.parts.as_slice() else {
            panic!("{}: expected one part", c.name);
        };
        assert_eq!(part.file_name, "corsc-nestjs.ts");
        std::fs::write(src.join(format!("m{i}.ts")), &part.text).expect("write module");
        check.push_str(&format!(
            "import {{ corscCorsOptions as m{i} }} from './m{i}';\n\
             nest.enableCors(m{i});\nonExpress.enableCors(m{i});\nonFastify.enableCors(m{i});\n"
        ));
    }
    std::fs::write(src.join("check.ts"), check).expect("write check");
    let tsconfig = serde_json::json!({
        "compilerOptions": {
            "strict": true,
            "noUnusedLocals": true,
            "noImplicitReturns": true,
            "target": "ES2021",
            "module": "commonjs",
            "moduleResolution": "node",
            "skipLibCheck": true,
            "types": [],
            "rootDir": "src",
            "outDir": "out"
        },
        "include": ["src/*.ts"]
    });
    std::fs::write(dir.join("tsconfig.json"), tsconfig.to_string()).expect("tsconfig");
    std::os::unix::fs::symlink(
        versions.dir().join("node_modules"),
        dir.join("node_modules"),
    )
    .expect("link node_modules");
    let started = Instant::now();
    let out = Command::new("node")
        .arg(versions.dir().join("node_modules/typescript/bin/tsc"))
        .args(["-p", "tsconfig.json"])
        .current_dir(dir)
        .output()
        .expect("tsc runs");
    assert!(
        out.status.success(),
        "tsc ({}) rejects the generated TypeScript:\n{}{}",
        versions.label(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!(
        "nestjs ({}): tsc --strict over {} modules in {:?}",
        versions.label(),
        compiled.len(),
        started.elapsed()
    );
    (0..compiled.len())
        .map(|i| dir.join("out").join(format!("m{i}.js")))
        .collect()
}

fn run(versions: Versions) {
    let test = format!("nestjs conformance ({})", versions.label());
    if !available(versions, &test) {
        return;
    }
    let started = Instant::now();
    let shown = installed(versions);
    let (taken, hostile, random) = corpus();
    let all: Vec<&Compiled> = taken.iter().chain(&hostile).chain(&random).collect();
    let scoped = all
        .iter()
        .filter(|c| c.set.policies.iter().any(|p| !p.paths.is_empty()))
        .count();
    let dir = tempfile::Builder::new()
        .prefix("corsc-nest-")
        .tempdir()
        .expect("temp dir");
    let modules = build(versions, dir.path(), &all);
    let serve = frameworks::root().join("tests/conformance/nest/serve.js");
    for platform in ["express", "fastify"] {
        let mut tally = Tally::default();
        for (chunk, paths) in all.chunks(BATCH).zip(modules.chunks(BATCH)) {
            let mut cmd = Command::new("node");
            cmd.arg(&serve)
                .arg(platform)
                .args(paths)
                .env("CORSC_NODE_DIR", versions.dir());
            let app = frameworks::start(cmd, paths.len(), Duration::from_secs(120))
                .unwrap_or_else(|e| panic!("nest {platform}: {e}"));
            for (c, port) in chunk.iter().zip(&app.ports) {
                // Judged by the platform's own routing model (the delegate dispatches on it).
                tally.verify(platform, &c.name, &c.set, &c.text, *port);
            }
        }
        println!(
            "nestjs on {platform} ({shown}): {} examples + {} hostile + {} random ({scoped} with path scopes), {} verified, {} probes, {} mismatching policies; {:?}",
            taken.len(),
            hostile.len(),
            random.len(),
            tally.verified,
            tally.probes,
            tally.failures.len(),
            started.elapsed()
        );
        assert!(
            tally.failures.is_empty(),
            "nestjs on {platform} ({shown}): {} policies mismatch:\n{}",
            tally.failures.len(),
            tally.failures.join("\n\n")
        );
        assert_eq!(tally.verified, all.len());
    }
    assert!(taken.len() >= 5, "only {} examples", taken.len());
    assert_eq!(hostile.len(), 5);
    assert!(random.len() >= 100);
    assert!(scoped >= 110, "only {scoped} policy files with path scopes");
}

#[test]
fn nestjs_conforms_on_express_and_fastify() {
    run(Versions::Newest);
}

#[test]
fn nestjs_conforms_on_the_oldest_claimed_release() {
    run(Versions::Oldest);
}

/// This file's entry in `tests/support/conformance.rs` lists exactly what it runs.
#[test]
fn covers_the_targets_its_entry_lists() {
    conformance::assert_covers(env!("CARGO_CRATE_NAME"), &[TARGET]);
}

/// Every example policy, alone and without its `paths` (the app-wide form): its output,
/// snapshotted. `tests/emit_snapshots.rs` holds the outputs of the example files as written.
#[test]
fn app_wide_example_outputs_are_snapshotted() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    let _bound = settings.bind_to_scope();
    let mut n = 0;
    for (name, text, profile) in examples() {
        let label = match &profile {
            Some(p) => format!("{name} --profile {p}"),
            None => name.clone(),
        };
        for c in each_policy_app_wide(&label, &text, profile.as_deref()) {
            let stem = name
                .trim_start_matches("policies/")
                .trim_end_matches(".cors");
            let policy = &c.set.policies[0].name.node;
            let snap = match &profile {
                Some(p) => format!("conformance_nest__{stem}@{p}-{policy}"),
                None => format!("conformance_nest__{stem}-{policy}"),
            };
            insta::assert_snapshot!(snap, c.output.joined());
            n += 1;
        }
    }
    assert!(n >= 5, "only {n} outputs");
}
