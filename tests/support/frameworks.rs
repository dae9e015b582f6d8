//! Real application frameworks, driven by tests: find Node.js (with the packages of
//! `tests/conformance/node`) or a Python with the packages of
//! `tests/conformance/python/requirements.txt` (`CORSC_PYTHON`, else `python3`), or skip
//! saying why (fail under `CORSC_REQUIRE_ENGINES=1`); compile policies; start one app process
//! that serves several generated modules, each on its own ephemeral port of 127.0.0.1; and
//! verify each with `corsc::eval::live::verify`.
//!
//! An [`App`] is killed when dropped; its standard input is a pipe, so the process also exits
//! by itself when the test is gone, and it ends after ten minutes whatever happens.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of the support code"
)]

use corsc::emit::{self, Options, Output, Provenance, Shape};
use corsc::ir::PolicySet;
use corsc::pipeline::{self, LintErrors};
use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The language runtime a framework runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Runtime {
    /// Node.js with `tests/conformance/node/node_modules`.
    Node,
    /// Python with the conformance requirements installed.
    Python,
}

/// Which end of the framework targets' claimed version ranges a run uses: every framework
/// target is run on both (README, "Targets").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Versions {
    /// The newest releases: `tests/conformance/node`, `CORSC_PYTHON`
    /// (`tests/conformance/python/requirements.txt`).
    Newest,
    /// The oldest releases each target claims: `tests/conformance/node-oldest`,
    /// `CORSC_PYTHON_OLDEST` (`tests/conformance/python/requirements-oldest.txt`).
    Oldest,
}

impl Versions {
    /// `"newest"` or `"oldest"`, for messages.
    pub fn label(self) -> &'static str {
        match self {
            Versions::Newest => "newest",
            Versions::Oldest => "oldest",
        }
    }

    /// The folder whose `node_modules` holds the Node.js packages.
    pub fn node_dir(self) -> PathBuf {
        root().join(match self {
            Versions::Newest => "tests/conformance/node",
            Versions::Oldest => "tests/conformance/node-oldest",
        })
    }

    /// The Python with the packages: `CORSC_PYTHON` (else `python3`) or `CORSC_PYTHON_OLDEST`
    /// (else `.ci/cache/venv-oldest/bin/python`, where `.ci/run` makes it).
    pub fn python(self) -> PathBuf {
        match self {
            Versions::Newest => std::env::var_os("CORSC_PYTHON")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("python3")),
            Versions::Oldest => std::env::var_os("CORSC_PYTHON_OLDEST")
                .map(PathBuf::from)
                .unwrap_or_else(|| root().join(".ci/cache/venv-oldest/bin/python")),
        }
    }

    /// The requirements file or package folder that sets these versions, for messages.
    fn source(self, runtime: Runtime) -> &'static str {
        match (runtime, self) {
            (Runtime::Node, Versions::Newest) => "`npm ci` in tests/conformance/node",
            (Runtime::Node, Versions::Oldest) => "`npm ci` in tests/conformance/node-oldest",
            (Runtime::Python, Versions::Newest) => {
                "set CORSC_PYTHON to a Python with tests/conformance/python/requirements.txt installed"
            }
            (Runtime::Python, Versions::Oldest) => {
                "set CORSC_PYTHON_OLDEST to a Python with tests/conformance/python/requirements-oldest.txt installed"
            }
        }
    }
}

/// `name version / name version …` of the installed `packages` (npm package or Python
/// distribution names), read from the installation itself: what a conformance run printed is
/// what it ran.
pub fn installed_versions(runtime: Runtime, versions: Versions, packages: &[&str]) -> String {
    let found: Vec<String> = match runtime {
        Runtime::Node => packages
            .iter()
            .map(|p| {
                let manifest = versions
                    .node_dir()
                    .join("node_modules")
                    .join(p)
                    .join("package.json");
                let v = std::fs::read_to_string(&manifest)
                    .ok()
                    .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                    .and_then(|j| j["version"].as_str().map(str::to_string))
                    .unwrap_or_else(|| "?".into());
                format!("{p} {v}")
            })
            .collect(),
        Runtime::Python => {
            let script = format!(
                "import importlib.metadata as m\nfor d in {packages:?}: print(d, m.version(d))"
            );
            let out = Command::new(versions.python())
                .args(["-c", &script])
                .output()
                .expect("python runs");
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(str::to_string)
                .collect()
        }
    };
    found.join(" / ")
}

/// The repository's root (tests run there).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn required() -> bool {
    std::env::var("CORSC_REQUIRE_ENGINES").is_ok_and(|v| v == "1")
}

fn skip(test: &str, why: &str) -> Option<PathBuf> {
    assert!(!required(), "{test}: {why}, and CORSC_REQUIRE_ENGINES=1");
    eprintln!("skipping {test}: {why} (set CORSC_REQUIRE_ENGINES=1 to fail instead)");
    None
}

/// The runtime's binary when it and the packages for `modules` are there; otherwise `None`
/// after printing why (or a failure under `CORSC_REQUIRE_ENGINES=1`).
pub fn require(runtime: Runtime, modules: &[&str], test: &str) -> Option<PathBuf> {
    require_at(runtime, Versions::Newest, modules, test)
}

/// [`require`] for the packages of one end of the version ranges.
pub fn require_at(
    runtime: Runtime,
    versions: Versions,
    modules: &[&str],
    test: &str,
) -> Option<PathBuf> {
    match runtime {
        Runtime::Node => {
            let ok = Command::new("node")
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if !ok {
                return skip(test, "`node` is not installed");
            }
            let nm = versions.node_dir().join("node_modules");
            for m in modules {
                if !nm.join(m).join("package.json").is_file() {
                    return skip(
                        test,
                        &format!("`{m}` is not installed (run {})", versions.source(runtime)),
                    );
                }
            }
            Some(PathBuf::from("node"))
        }
        Runtime::Python => {
            let bin = versions.python();
            let imports = modules.join(", ");
            let ok = Command::new(&bin)
                .args(["-c", &format!("import {imports}")])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                Some(bin)
            } else {
                skip(
                    test,
                    &format!(
                        "`{}` cannot import {imports} ({})",
                        bin.display(),
                        versions.source(runtime)
                    ),
                )
            }
        }
    }
}

/// A policy checked and compiled for a target.
pub struct Compiled {
    /// What it was compiled from, for messages.
    pub name: String,
    /// The policy text.
    pub text: String,
    /// The checked policies, for `verify`.
    pub set: PolicySet,
    /// The generated module.
    pub output: Output,
}

/// Why a policy did not compile.
#[derive(Debug)]
pub enum Refusal {
    /// The checker found errors (a bug in the generator or the example).
    Check(Vec<corsc::diagnostics::Diagnostic>),
    /// The target's plan refused it (`P3xx`).
    Plan(Vec<corsc::diagnostics::Diagnostic>),
}

/// Parses and checks a policy text for a profile.
pub fn check_set(name: &str, text: &str, profile: Option<&str>) -> Result<PolicySet, Refusal> {
    let src = corsc::source::Source::new(name, text.to_string());
    let file = pipeline::parse(&src).map_err(Refusal::Check)?;
    let checked = pipeline::check(&file, profile);
    checked.policies.ok_or(Refusal::Check(checked.diagnostics))
}

/// Checks and compiles policy text for a target through the library's pipeline, lint errors
/// allowed.
pub fn compile(
    name: &str,
    text: &str,
    profile: Option<&str>,
    target: &str,
) -> Result<Compiled, Refusal> {
    let options = Options {
        shape: Shape::Include,
        ..Options::default()
    };
    compile_with(name, text, profile, target, &options)
}

/// [`compile`] with other options (a Java package, say).
pub fn compile_with(
    name: &str,
    text: &str,
    profile: Option<&str>,
    target: &str,
    options: &Options,
) -> Result<Compiled, Refusal> {
    let src = corsc::source::Source::new(name, text.to_string());
    let file = pipeline::parse(&src).map_err(Refusal::Check)?;
    let t = emit::find(target).expect("registered target");
    let prov = Provenance::new(name, text.as_bytes(), profile.map(str::to_string));
    match pipeline::compile(&file, profile, t, options, &prov, LintErrors::Allow) {
        Ok(c) => Ok(Compiled {
            name: name.to_string(),
            text: text.to_string(),
            set: c.policies,
            output: c.output,
        }),
        Err(pipeline::Refusal::Invalid(d) | pipeline::Refusal::Lint(d)) => Err(Refusal::Check(d)),
        Err(pipeline::Refusal::Target { plan, .. }) => Err(Refusal::Plan(plan)),
    }
}

/// Every example policy (and each profile it defines) as `(name, text, profile)`.
pub fn examples() -> Vec<(String, String, Option<String>)> {
    let mut v = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("policies"))
        .expect("policies/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "cors"))
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("policy");
        let name = format!("policies/{}", path.file_name().unwrap().to_string_lossy());
        let src = corsc::source::Source::new(name.clone(), text.clone());
        let file = corsc::syntax::parse(&src).expect("parses");
        v.push((name.clone(), text.clone(), None));
        for p in corsc::check::profile_names(&file) {
            v.push((name.clone(), text.clone(), Some(p)));
        }
    }
    v
}

/// Policy names chosen to collide once mangled into a target's identifiers: look-alikes that
/// lower-case, `-`→`_` and camel case merge (`A-B`, `a_b`, `a--b`, `aB`), names equal to a
/// `_N` suffix the allocator might add (`A-B-2`), the names of every target's own helpers and
/// variables (`preflight`, `in`, `has`, `policy`, `scopes`, `policyFor`, `cors_layer`, …),
/// and reserved words of the generated languages (`class`, `default`, `import`, `package`,
/// `True`, `yield`, `self`, `func`, `__proto__`, …).
pub const HOSTILE_NAMES: &[&[&str]] = &[
    &["A-B", "A-B-3", "A-b"],
    &[
        "A-B", "A-B-2", "A-B-3", "A-b", "a_b", "a-b", "a--b", "aB", "a-b-2", "_a_b", "a__b",
        "a_b_2",
    ],
    &[
        "preflight",
        "in",
        "has",
        "is",
        "origin",
        "has_origin",
        "origin_cased",
        "is_options",
        "acrh_without_authorization",
        "x",
        "x_origin",
        "x-allowed",
        "PREFLIGHT",
        "IN",
        "route",
        "route_raw",
        "route-uri",
        "route_folded",
        "ROUTE_BAD",
        "route_uri_folded",
    ],
    &[
        "Policy",
        "scopes",
        "corsc",
        "cors",
        "fastifyCors",
        "policyFor",
        "policy-for",
        "Handler",
        "handler",
        "layers",
        "cors_layer",
        "policies",
        "isPreflight",
        "vary",
        "MIRROR",
        "spec",
        "allows",
        "a_cors",
        "a",
        "a_allows_origin",
        "aCors",
        "a-exact",
        "header",
    ],
    &[
        "class",
        "default",
        "import",
        "package",
        "True",
        "yield",
        "self",
        "Self",
        "fn",
        "func",
        "map",
        "var",
        "let",
        "new",
        "None",
        "__proto__",
        "constructor",
        "toString",
        "hasOwnProperty",
        "_",
        "__",
        "require",
        "module",
        "exports",
        "http",
        "regexp",
        "strings",
        "type",
        "static",
        "await",
        "enum",
    ],
];

/// One policy file per name set of [`HOSTILE_NAMES`]: each policy has its own path scope and
/// its own exact origin (every other one with credentials), so a policy that took another's
/// variables, flags or functions answers with the wrong origins and `verify` says so. The
/// origins read like library calls (`strings.`, `time.`, `path.`, `regexp.`, `http.`): an
/// output that picks its imports from its text would import what it never calls.
pub fn hostile_name_sets() -> Vec<(String, String)> {
    HOSTILE_NAMES
        .iter()
        .enumerate()
        .map(|(k, names)| {
            let mut text = format!("# policy names that collide once mangled, set {k}\n");
            for (i, name) in names.iter().enumerate() {
                text.push_str(&format!(
                    "policy {name} {{\n    paths \"/h{i}/*\"\n    origins \"https://h{i}.names{k}.strings.time.path.regexp.http.example\"\n    methods PUT\n{}}}\n",
                    if i % 2 == 0 { "    credentials true\n" } else { "" }
                ));
            }
            (format!("hostile names, set {k}"), text)
        })
        .collect()
}

/// The policies a conformance suite feeds one target: every example (and profile), then
/// `seeds` random policies. Those the target's plan refuses go to `tally.refused`; those that
/// do not even check are a bug in the generator or the example, and fail the test.
pub struct Corpus {
    /// What compiled, in order.
    pub accepted: Vec<Compiled>,
    /// Examples that compiled.
    pub examples_accepted: usize,
    /// Examples the plan refused.
    pub examples_refused: usize,
    /// Random policies that compiled.
    pub random_accepted: usize,
}

/// Compiles the corpus for `target`; `random_text(seed)` gives the random policy of a seed.
pub fn corpus(
    target: &str,
    seeds: u64,
    random_text: impl Fn(u64) -> String,
    tally: &mut Tally,
) -> Corpus {
    let options = Options {
        shape: Shape::Include,
        ..Options::default()
    };
    corpus_with(target, &options, seeds, random_text, tally)
}

/// [`corpus`] compiled with other options.
pub fn corpus_with(
    target: &str,
    options: &Options,
    seeds: u64,
    random_text: impl Fn(u64) -> String,
    tally: &mut Tally,
) -> Corpus {
    let mut accepted = Vec::new();
    let mut examples_accepted = 0;
    for (name, text, profile) in examples() {
        let label = match &profile {
            Some(p) => format!("{name} --profile {p}"),
            None => name.clone(),
        };
        match compile_with(&label, &text, profile.as_deref(), target, options) {
            Ok(c) => {
                examples_accepted += 1;
                accepted.push(c);
            }
            Err(Refusal::Plan(d)) => tally.refused.push((label, d[0].message.clone())),
            Err(Refusal::Check(d)) => panic!("{label} does not check: {d:#?}"),
        }
    }
    for (label, text) in hostile_name_sets() {
        match compile_with(&label, &text, None, target, options) {
            Ok(c) => {
                examples_accepted += 1;
                accepted.push(c);
            }
            Err(Refusal::Plan(d)) => tally.refused.push((label, d[0].message.clone())),
            Err(Refusal::Check(d)) => panic!("{label} does not check: {d:#?}"),
        }
    }
    let examples_refused = tally.refused.len();
    let mut random_accepted = 0;
    for seed in 0..seeds {
        let text = random_text(seed);
        let label = format!("random seed {seed}");
        match compile_with(&label, &text, None, target, options) {
            Ok(c) => {
                random_accepted += 1;
                accepted.push(c);
            }
            Err(Refusal::Plan(d)) => tally.refused.push((label, d[0].message.clone())),
            Err(Refusal::Check(d)) => panic!("{label} does not check: {d:#?}\n{text}"),
        }
    }
    Corpus {
        accepted,
        examples_accepted,
        examples_refused,
        random_accepted,
    }
}

/// A running conformance app: one process, one port per module.
pub struct App {
    child: Child,
    _stdin: ChildStdin,
    /// The port of each module, in the order given.
    pub ports: Vec<u16>,
}

impl Drop for App {
    /// SIGTERM to the app's whole group (a runtime may fork helpers), then SIGKILL; a process
    /// left behind fails the test.
    fn drop(&mut self) {
        super::procs::stop_on_drop(&mut self.child, "TERM", "conformance app");
    }
}

/// Starts `program args…` and waits (at most `limit`) for its `{"ports":[…]}` line.
pub fn start(mut cmd: Command, expected: usize, limit: Duration) -> Result<App, String> {
    let mut child = super::procs::own_group(&mut cmd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
    let stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = std::io::BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let mut app = App {
        child,
        _stdin: stdin,
        ports: Vec::new(),
    };
    let line = match rx.recv_timeout(limit) {
        Ok(l) if !l.is_empty() => l,
        _ => {
            let _ = app.child.kill();
            let mut err = String::new();
            let _ = std::io::Read::read_to_string(&mut stderr, &mut err);
            return Err(format!("the app did not start within {limit:?}:\n{err}"));
        }
    };
    let v: serde_json::Value =
        serde_json::from_str(&line).map_err(|e| format!("bad ready line {line:?}: {e}"))?;
    app.ports = v["ports"]
        .as_array()
        .ok_or_else(|| format!("bad ready line {line:?}"))?
        .iter()
        .map(|p| u16::try_from(p.as_u64().unwrap_or(0)).unwrap_or(0))
        .collect();
    if app.ports.len() != expected {
        return Err(format!("expected {expected} ports, got {line}"));
    }
    // Drain stderr so a chatty app never blocks on a full pipe.
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut stderr, &mut std::io::sink());
    });
    Ok(app)
}

/// The command that serves `modules` with `framework` on `runtime`.
pub fn serve_command(
    runtime: Runtime,
    bin: &Path,
    framework: &str,
    modules: &[PathBuf],
) -> Command {
    serve_command_at(runtime, Versions::Newest, bin, framework, modules)
}

/// [`serve_command`] with the packages of one end of the version ranges (`bin` is already
/// that end's Python).
pub fn serve_command_at(
    runtime: Runtime,
    versions: Versions,
    bin: &Path,
    framework: &str,
    modules: &[PathBuf],
) -> Command {
    let mut cmd = Command::new(bin);
    match runtime {
        Runtime::Node => {
            // One serve.js for both ends: it loads the frameworks from CORSC_NODE_DIR, and the
            // generated modules find their packages through NODE_PATH.
            cmd.arg(root().join("tests/conformance/node/serve.js"));
            cmd.env("CORSC_NODE_DIR", versions.node_dir());
            cmd.env("NODE_PATH", versions.node_dir().join("node_modules"));
        }
        Runtime::Python => {
            cmd.arg(root().join("tests/conformance/python/serve.py"));
            cmd.env("PYTHONDONTWRITEBYTECODE", "1");
        }
    }
    cmd.arg(framework).args(modules);
    cmd
}

/// What a conformance run found.
#[derive(Debug, Default)]
pub struct Tally {
    /// Policies verified with zero mismatches.
    pub verified: usize,
    /// Policies the plan refused, with the first message of each.
    pub refused: Vec<(String, String)>,
    /// Probes sent.
    pub probes: usize,
    /// Failures: policy, and the mismatching probes.
    pub failures: Vec<String>,
}

/// The routing model a target (named by its id or an alias) states in its capabilities: the
/// path form its router compares, which expected answers follow.
pub fn routing_of(target: &str) -> corsc::eval::Routing {
    emit::find(target)
        .unwrap_or_else(|| panic!("{target} is not a target"))
        .meta()
        .capabilities
        .routing
}

impl Tally {
    /// Runs `corsc verify` (the library) against one server and records the outcome: a verified
    /// policy, or a failure with the first mismatching probes and the policy text.
    pub fn verify(
        &mut self,
        what: &str,
        name: &str,
        set: &corsc::ir::PolicySet,
        text: &str,
        port: u16,
    ) {
        // `what` is the framework (or the app binary, `corsc-conformance-axum`): expected
        // answers follow the path form its router uses.
        let routing = routing_of(what.strip_prefix("corsc-conformance-").unwrap_or(what));
        let report = corsc::eval::live::verify(
            set,
            &format!("http://127.0.0.1:{port}"),
            &corsc::eval::browser::CHROMIUM,
            corsc::eval::probe::ProbeOptions {
                routing,
                ..corsc::eval::probe::ProbeOptions::default()
            },
            Duration::from_secs(10),
        )
        .unwrap_or_else(|e| panic!("{what} {name}: {e}"));
        self.probes += report.results.len();
        if report.mismatches() == 0 {
            self.verified += 1;
            return;
        }
        let bad: Vec<String> = report
            .results
            .iter()
            .filter(|r| !r.ok())
            .take(5)
            .map(|r| format!("  {}: {:?}", r.probe.label, r.comparison.mismatches))
            .collect();
        self.failures.push(format!(
            "{name} ({} mismatches)\n{}\n{text}",
            report.mismatches(),
            bad.join("\n")
        ));
    }
}

/// Serves every compiled module with one app process (in batches) and verifies each.
pub fn verify_all(
    runtime: Runtime,
    bin: &Path,
    framework: &str,
    file_name: &str,
    compiled: &[Compiled],
    batch: usize,
    tally: &mut Tally,
) {
    verify_all_at(
        runtime,
        Versions::Newest,
        bin,
        framework,
        file_name,
        compiled,
        batch,
        tally,
    );
}

/// [`verify_all`] with the packages of one end of the version ranges.
#[allow(
    clippy::too_many_arguments,
    reason = "verify_all's arguments and the version end"
)]
pub fn verify_all_at(
    runtime: Runtime,
    versions: Versions,
    bin: &Path,
    framework: &str,
    file_name: &str,
    compiled: &[Compiled],
    batch: usize,
    tally: &mut Tally,
) {
    let dir = tempfile::Builder::new()
        .prefix("corsc-fw-")
        .tempdir()
        .expect("temp dir");
    for (b, chunk) in compiled.chunks(batch.max(1)).enumerate() {
        let mut paths = Vec::new();
        for (i, c) in chunk.iter().enumerate() {
            let sub = dir.path().join(format!("m{b}_{i}"));
            std::fs::create_dir_all(&sub).expect("mkdir");
            let [part] = c.output.parts.as_slice() else {
                panic!("{}: expected one part", c.name);
            };
            let p = sub.join(file_name);
            std::fs::write(&p, &part.text).expect("write module");
            paths.push(p);
        }
        let started = Instant::now();
        let app = start(
            serve_command_at(runtime, versions, bin, framework, &paths),
            paths.len(),
            Duration::from_secs(120),
        )
        .unwrap_or_else(|e| panic!("{framework}: {e}"));
        eprintln!(
            "{framework} ({}): batch {b} ({} modules) started in {:?}",
            versions.label(),
            paths.len(),
            started.elapsed()
        );
        for (c, port) in chunk.iter().zip(&app.ports) {
            tally.verify(framework, &c.name, &c.set, &c.text, *port);
        }
    }
}

/// `cargo build --locked` of a Rust conformance app (`tests/conformance/<dir>`), into the shared
/// conformance target directory; the generated code must compile without warnings. The dev
/// profile without debug info (the apps' `Cargo.toml`): it builds in less than half the CPU
/// time of `--release`, and the probes need no optimised server.
pub fn build_rust_app(app_dir: &Path, bin: &str) -> PathBuf {
    build_rust_app_in(app_dir, bin, &root().join("target/conformance"))
}

/// [`build_rust_app`] into `target_dir`: the oldest claimed versions (another `Cargo.lock`)
/// build beside the newest, in their own target directory.
pub fn build_rust_app_in(app_dir: &Path, bin: &str, target_dir: &Path) -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let started = Instant::now();
    let out = Command::new(cargo)
        .args(["build", "--locked", "--quiet", "--manifest-path"])
        .arg(app_dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir)
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "building {} failed (cargo needs crates.io or a filled cache):\n{}",
        app_dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let warnings = String::from_utf8_lossy(&out.stderr);
    assert!(
        !warnings.contains("warning"),
        "the generated code must compile without warnings:\n{warnings}"
    );
    eprintln!("{bin}: built in {:?}", started.elapsed());
    target_dir.join("debug").join(bin)
}
