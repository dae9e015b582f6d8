//! The `workers` target proven on workerd, the Cloudflare Workers runtime
//! (`tests/conformance/workers`, npm's `workerd` pinned): every example policy the plan
//! accepts, the hostile-name files and 100+ random policies are compiled; the modules
//! (TypeScript) are type-checked with `tsc --noEmit` under `strict` with
//! `@cloudflare/workers-types`, then compiled to JavaScript by the same `tsc` (workerd runs
//! JavaScript modules; the emitted TypeScript is what users deploy, through wrangler's own
//! type stripping). One `workerd serve` runs every module as a Worker of its own on an
//! ephemeral port of 127.0.0.1, each proxying (`fetch(request)`, its global outbound) to one
//! backend Worker that answers `200 ok`: the origin. `corsc::eval::live::verify` probes each
//! Worker: zero mismatches.
//!
//! Needs `node` and `npm ci` in tests/conformance/workers (`.ci/run` does it). Without them
//! the test says why it skips; with `CORSC_REQUIRE_ENGINES=1` it fails instead.

mod support;
use support::{conformance, engines, frameworks, http, procs, random_policy};

use frameworks::{corpus, root, Compiled, Corpus, Tally};
use random_policy::{policy_text, Features};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RANDOM_SEEDS: u64 = 120;
const RANDOM_MIN: usize = 100;
const PACKAGES: &[&str] = &["workerd", "typescript", "@cloudflare/workers-types"];

fn node_dir() -> PathBuf {
    root().join("tests/conformance/workers")
}

/// The workerd binary, or `None` after saying why the test skips.
fn require(test: &str) -> Option<PathBuf> {
    let required = std::env::var("CORSC_REQUIRE_ENGINES").is_ok_and(|v| v == "1");
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let bin = node_dir().join("node_modules/.bin/workerd");
    let why = if !node {
        Some("`node` is not installed".to_string())
    } else if let Some(p) = PACKAGES.iter().find(|p| {
        !node_dir()
            .join("node_modules")
            .join(p)
            .join("package.json")
            .is_file()
    }) {
        Some(format!(
            "`{p}` is not installed (run `npm ci` in tests/conformance/workers)"
        ))
    } else if !Command::new(&bin)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        Some("`workerd --version` does not run".to_string())
    } else {
        None
    };
    let Some(why) = why else {
        return Some(bin);
    };
    assert!(!required, "{test}: {why}, and CORSC_REQUIRE_ENGINES=1");
    eprintln!("skipping {test}: {why} (set CORSC_REQUIRE_ENGINES=1 to fail instead)");
    None
}

fn package_version(p: &str) -> String {
    let manifest = node_dir().join("node_modules").join(p).join("package.json");
    std::fs::read_to_string(manifest)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|j| j["version"].as_str().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

/// `tsc` of the package folder in `dir`; panics with its output on failure.
fn tsc(dir: &Path, args: &[&str]) {
    let out = Command::new("node")
        .arg(node_dir().join("node_modules/typescript/bin/tsc"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("tsc runs");
    assert!(
        out.status.success(),
        "tsc {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Writes each output unchanged to `m<k>/corsc-worker.ts`, type-checks them all (`--noEmit`,
/// `strict`, the Workers types and no DOM), then compiles them to JavaScript beside.
fn write_and_compile(dir: &Path, compiled: &[Compiled]) {
    std::os::unix::fs::symlink(node_dir().join("node_modules"), dir.join("node_modules"))
        .expect("link node_modules");
    for (k, c) in compiled.iter().enumerate() {
        let [part] = c.output.parts.as_slice() else {
            panic!("{}: expected one part", c.name);
        };
        let m = dir.join(format!("m{k}"));
        std::fs::create_dir_all(&m).expect("mkdir");
        std::fs::write(m.join(part.file_name), &part.text).expect("write module");
    }
    std::fs::write(
        dir.join("tsconfig.json"),
        r#"{
  "compilerOptions": {
    "strict": true,
    "target": "es2022",
    "lib": ["es2022"],
    "module": "es2022",
    "moduleResolution": "bundler",
    "noUnusedLocals": true,
    "noImplicitReturns": true,
    "types": ["@cloudflare/workers-types"]
  },
  "include": ["m*/*.ts"]
}
"#,
    )
    .expect("tsconfig.json");
    tsc(dir, &["-p", ".", "--noEmit"]);
    tsc(dir, &["-p", "."]);
}

/// An origin that sends CORS headers of its own, and a `Vary`: what the Worker must remove
/// (or keep, for `Vary`) in its scopes.
const HOSTILE_BACKEND: &str = "export default { async fetch() { return new Response('ok', { status: 200, headers: { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Credentials': 'true', 'Access-Control-Allow-Methods': '*', 'Access-Control-Expose-Headers': '*', 'Vary': 'Accept-Encoding' } }); } };\n";

/// The workerd configuration: one Worker per module on its own port, all proxying to the
/// backend Worker (`200 ok`), which stands for the origin, but the last one, which proxies
/// to [`HOSTILE_BACKEND`] when `hostile_last`.
fn write_config(dir: &Path, count: usize, hostile_last: bool) -> Vec<u16> {
    std::fs::write(
        dir.join("backend.js"),
        "export default { async fetch() { return new Response('ok', { status: 200 }); } };\n",
    )
    .expect("backend.js");
    std::fs::write(dir.join("hostile.js"), HOSTILE_BACKEND).expect("hostile.js");
    let mut services = vec![
        "(name = \"backend\", worker = (modules = [(name = \"backend.js\", esModule = embed \"backend.js\")], compatibilityDate = \"2026-11-17\"))".to_string(),
        "(name = \"hostile\", worker = (modules = [(name = \"hostile.js\", esModule = embed \"hostile.js\")], compatibilityDate = \"2026-11-17\"))".to_string(),
    ];
    let mut sockets = Vec::new();
    let mut ports = Vec::new();
    for k in 0..count {
        // The kernel may hand out a port twice: each Worker needs its own.
        let port = std::iter::repeat_with(engines::free_port)
            .find(|p| !ports.contains(p))
            .expect("a free port");
        ports.push(port);
        let outbound = if hostile_last && k + 1 == count {
            "hostile"
        } else {
            "backend"
        };
        services.push(format!(
            "(name = \"w{k}\", worker = (modules = [(name = \"corsc-worker.js\", esModule = embed \"m{k}/corsc-worker.js\")], compatibilityDate = \"2026-11-17\", globalOutbound = \"{outbound}\"))"
        ));
        sockets.push(format!(
            "(name = \"s{k}\", address = \"127.0.0.1:{port}\", http = (), service = \"w{k}\")"
        ));
    }
    let text = format!(
        "using Workerd = import \"/workerd/workerd.capnp\";\nconst config :Workerd.Config = (\n  services = [\n    {}\n  ],\n  sockets = [\n    {}\n  ],\n);\n",
        services.join(",\n    "),
        sockets.join(",\n    ")
    );
    std::fs::write(dir.join("config.capnp"), text).expect("config.capnp");
    ports
}

/// A running `workerd serve`, stopped (its whole group) when dropped.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        procs::stop_on_drop(&mut self.0, "TERM", "workerd");
    }
}

#[test]
fn workers_match_the_evaluator_on_workerd() {
    let test = "workers conformance (workerd)";
    let Some(bin) = require(test) else {
        return;
    };
    let started = Instant::now();
    let version = Command::new(&bin)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let mut tally = Tally::default();
    let Corpus {
        accepted,
        examples_accepted,
        examples_refused,
        random_accepted,
    } = corpus(
        "workers",
        RANDOM_SEEDS,
        |seed| policy_text(seed, &Features::all()),
        &mut tally,
    );
    let tmp = tempfile::Builder::new()
        .prefix("corsc-workers-")
        .tempdir()
        .expect("temp dir");
    let dir = tmp.path();
    let strip = frameworks::compile("upstream headers", STRIP_POLICY, None, "workers")
        .unwrap_or_else(|e| panic!("the upstream-headers policy compiles: {e:?}"));
    let mut all = accepted;
    all.push(strip);
    let build_started = Instant::now();
    write_and_compile(dir, &all);
    let build_time = build_started.elapsed();
    let mut ports = write_config(dir, all.len(), true);
    let strip_port = ports.pop().expect("the upstream-headers Worker");
    let _strip = all.pop();
    let accepted = all;
    let mut cmd = Command::new(&bin);
    cmd.current_dir(dir)
        .args(["serve", "config.capnp"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(
            std::fs::File::create(dir.join("workerd.log"))
                .map_or_else(|_| Stdio::null(), Stdio::from),
        );
    let server = Running(procs::own_group(&mut cmd).spawn().expect("workerd starts"));
    let deadline = Instant::now() + Duration::from_secs(60);
    for port in &ports {
        while TcpStream::connect(("127.0.0.1", *port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "workerd did not listen on {port}:\n{}",
                std::fs::read_to_string(dir.join("workerd.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    for (c, port) in accepted.iter().zip(&ports) {
        tally.verify("workers", &c.name, &c.set, &c.text, *port);
    }
    upstream_headers_are_replaced(strip_port);
    drop(server);
    let hostile = frameworks::hostile_name_sets().len();
    println!(
        "workers ({version} / typescript {} / @cloudflare/workers-types {}): {} examples + {hostile} hostile + {random_accepted} random, {} probes, {} mismatches ({examples_refused} examples refused, {} of {RANDOM_SEEDS} random refused; tsc {build_time:?}, total {:?})",
        package_version("typescript"),
        package_version("@cloudflare/workers-types"),
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
        "{} policies differ from the evaluator on {version}:\n{}",
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

/// The policy of the Worker in front of [`HOSTILE_BACKEND`].
const STRIP_POLICY: &str = "policy p {\n  paths \"/api/*\"\n  origins \"https://a.example\"\n  credentials true\n  expose-headers X-Id\n}\n";

/// In its scope the Worker removes the origin's CORS headers and sets its own, keeps the
/// origin's `Vary` beside `Origin`, answers preflights itself, and owns a path any reading of
/// which is in the scope; outside it the origin's response passes untouched.
fn upstream_headers_are_replaced(port: u16) {
    let addr = format!("127.0.0.1:{port}");
    let get = |path: &str, origin: &str| {
        http::request(&addr, "GET", path, &[("Origin", origin)])
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    };
    let ok = get("/api/x", "https://a.example");
    assert_eq!(ok.status, 200, "{ok:#?}");
    assert_eq!(
        ok.one("access-control-allow-origin"),
        Some("https://a.example"),
        "{ok:#?}"
    );
    assert_eq!(
        ok.one("access-control-allow-credentials"),
        Some("true"),
        "{ok:#?}"
    );
    assert_eq!(
        ok.one("access-control-expose-headers"),
        Some("x-id"),
        "{ok:#?}"
    );
    assert_eq!(ok.one("access-control-allow-methods"), None, "{ok:#?}");
    assert_eq!(ok.vary(), ["accept-encoding", "origin"], "{ok:#?}");

    let refused = get("/api/x", "https://evil.example");
    for h in [
        "access-control-allow-origin",
        "access-control-allow-credentials",
        "access-control-allow-methods",
        "access-control-expose-headers",
    ] {
        assert_eq!(refused.one(h), None, "{h}: {refused:#?}");
    }
    assert_eq!(
        refused.vary(),
        ["accept-encoding", "origin"],
        "{refused:#?}"
    );

    // `/api/%2e%2e/x` is `/x` to the URL parser but in `/api/` as sent: owned, answered by
    // no policy (the readings differ), so the origin's headers are removed and none are set.
    let ambiguous = get("/api/%2e%2e/x", "https://a.example");
    assert_eq!(
        ambiguous.one("access-control-allow-origin"),
        None,
        "{ambiguous:#?}"
    );
    assert_eq!(
        ambiguous.one("access-control-allow-credentials"),
        None,
        "{ambiguous:#?}"
    );

    let pre = http::request(
        &addr,
        "OPTIONS",
        "/api/x",
        &[
            ("Origin", "https://evil.example"),
            ("Access-Control-Request-Method", "PUT"),
        ],
    )
    .expect("preflight");
    assert_eq!(pre.status, 204, "{pre:#?}");
    assert_eq!(pre.one("access-control-allow-origin"), None, "{pre:#?}");

    // Outside every scope the Worker is a plain proxy: the origin answers CORS there.
    let outside = get("/other", "https://evil.example");
    assert_eq!(
        outside.one("access-control-allow-origin"),
        Some("*"),
        "{outside:#?}"
    );
}

/// The targets this harness runs are its entry in `support/conformance.rs`, and every
/// registered target has a harness.
#[test]
fn covers_the_targets_its_entry_lists() {
    conformance::assert_covers(env!("CARGO_CRATE_NAME"), &["workers"]);
}
