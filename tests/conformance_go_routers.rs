//! The `gin`, `chi` and `echo` targets proven on their routers in module mode, on the newest
//! releases and the oldest the targets claim (`tests/conformance/go-routers/go.mod` and
//! `go.oldest.mod`, each with its `go.sum`): every example policy the plans accept, the
//! hostile-name files and 100+ random policies per target are compiled, each written
//! unchanged as a package of one module beside `tests/conformance/go-routers/main.go`, checked
//! with `go vet`, `staticcheck` and `gofmt -l`, built once per version into one binary, served on ephemeral
//! ports of 127.0.0.1 by one process (each policy behind its own router: Gin, chi v5, Echo v4),
//! and verified with `corsc::eval::live::verify`: zero mismatches. Each run prints the Go
//! toolchain and the module versions it built with.
//!
//! The toolchain is whatever `go` is on `PATH` (`GOTOOLCHAIN=local`: never a downloaded one);
//! the modules come from the module proxy into `CORSC_GOMODCACHE` (`.ci/run` downloads them
//! into `.ci/cache/gomod`), or are already in go's default cache. Without `go` the test says
//! why it skips; with `CORSC_REQUIRE_ENGINES=1` it fails instead.

mod support;
use support::{conformance, frameworks, random_policy};

use frameworks::{corpus, root, start, Compiled, Corpus, Tally, Versions};
use random_policy::{policy_text, Features};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// The targets, each with the package prefix its policies get in the app.
const TARGETS: &[(&str, &str)] = &[("gin", "g"), ("chi", "c"), ("echo", "e")];
const RANDOM_SEEDS: u64 = 170;
const RANDOM_MIN: usize = 100;
const MODULES: &[&str] = &[
    "github.com/gin-gonic/gin",
    "github.com/gin-contrib/cors",
    "github.com/go-chi/chi/v5",
    "github.com/go-chi/cors",
    "github.com/labstack/echo/v4",
];

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

/// The function type each target's package list holds in `handlers.go`, and how a package
/// names its entry point.
fn entry(target: &str) -> (&'static str, &'static str) {
    match target {
        "gin" => ("ginPolicies = []func() gin.HandlerFunc", "Middleware"),
        "chi" => ("chiPolicies = []func(http.Handler) http.Handler", "Handler"),
        _ => ("echoPolicies = []func() echo.MiddlewareFunc", "Middleware"),
    }
}

/// The module of the conformance app in `app`: `main.go`, the `go.mod` and `go.sum` of
/// `versions`, one package per policy and target, and a `handlers.go` listing them.
fn write_tree(app: &Path, versions: Versions, compiled: &[(&str, &str, Vec<Compiled>)]) {
    std::fs::create_dir_all(app).expect("mkdir");
    let dir = root().join("tests/conformance/go-routers");
    let (modfile, sum) = match versions {
        Versions::Newest => ("go.mod", "go.sum"),
        Versions::Oldest => ("go.oldest.mod", "go.oldest.sum"),
    };
    for (from, to) in [("main.go", "main.go"), (modfile, "go.mod"), (sum, "go.sum")] {
        std::fs::copy(dir.join(from), app.join(to)).expect("copy the app");
    }
    let mut imports = String::new();
    let mut lists = String::new();
    for (target, prefix, policies) in compiled {
        let (list, func) = entry(target);
        lists.push_str(&format!("\nvar {list}{{\n"));
        for (k, c) in policies.iter().enumerate() {
            let [part] = c.output.parts.as_slice() else {
                panic!("{}: expected one part", c.name);
            };
            let pkg = format!("{prefix}{k}");
            let dir = app.join(&pkg);
            std::fs::create_dir_all(&dir).expect("mkdir");
            std::fs::write(dir.join(part.file_name), &part.text).expect("write package");
            imports.push_str(&format!("\t{pkg} \"corscconformance/{pkg}\"\n"));
            lists.push_str(&format!("\t{pkg}.{func},\n"));
        }
        lists.push_str("}\n");
    }
    let handlers = format!(
        "// Written by tests/conformance_go_routers.rs: one unchanged corsc package per policy.\npackage main\n\nimport (\n\t\"net/http\"\n\n\t\"github.com/gin-gonic/gin\"\n\t\"github.com/labstack/echo/v4\"\n\n{imports})\n\nvar _ http.Handler\n{lists}"
    );
    std::fs::write(app.join("handlers.go"), handlers).expect("write handlers.go");
}

fn run(versions: Versions) {
    let test = format!("go routers conformance ({})", versions.label());
    if !require_go(&test) {
        return;
    }
    let started = Instant::now();
    let mut runs = Vec::new();
    for (target, prefix) in TARGETS {
        let mut tally = Tally::default();
        let c = corpus(
            target,
            RANDOM_SEEDS,
            |seed| policy_text(seed, &Features::all()),
            &mut tally,
        );
        runs.push((*target, *prefix, c, tally));
    }
    let tmp = tempfile::Builder::new()
        .prefix("corsc-go-routers-")
        .tempdir()
        .expect("temp dir");
    let app = tmp.path().join("corscconformance");
    let compiled: Vec<(&str, &str, Vec<Compiled>)> = runs
        .iter_mut()
        .map(|(t, p, c, _)| (*t, *p, std::mem::take(&mut c.accepted)))
        .collect();
    write_tree(&app, versions, &compiled);
    let mut listed = vec!["list", "-m", "-f", "{{.Path}} {{.Version}}"];
    listed.extend(MODULES);
    let modules = go(&app, &listed).trim().replace('\n', ", ");
    let version = go(&app, &["version"]);
    let installed = format!("{} / {modules}", version.trim());
    eprintln!("go routers ({}): {installed}", versions.label());
    // Lint: go vet and staticcheck on every generated package, and gofmt reports nothing to
    // reformat.
    let packages: Vec<String> = compiled
        .iter()
        .flat_map(|(_, p, v)| (0..v.len()).map(move |k| format!("./{p}{k}")))
        .collect();
    let mut vet = vec!["vet"];
    vet.extend(packages.iter().map(String::as_str));
    go(&app, &vet);
    let unformatted = Command::new("gofmt")
        .arg("-l")
        .args(packages.iter().map(|p| app.join(p).join("corspolicy.go")))
        .output()
        .expect("gofmt runs");
    assert!(
        unformatted.stdout.is_empty() && unformatted.status.success(),
        "gofmt would reformat:\n{}{}",
        String::from_utf8_lossy(&unformatted.stdout),
        String::from_utf8_lossy(&unformatted.stderr)
    );
    support::builds::staticcheck(&app, &packages).unwrap_or_else(|e| panic!("{e}"));
    let build_started = Instant::now();
    let exe = tmp.path().join("corsc-conformance-go-routers");
    go(&app, &["build", "-o", &exe.display().to_string(), "."]);
    let build_time = build_started.elapsed();
    let args: Vec<String> = compiled
        .iter()
        .flat_map(|(t, _, v)| (0..v.len()).map(move |k| format!("{t}:{k}")))
        .collect();
    let mut cmd = Command::new(&exe);
    cmd.args(&args);
    let server = start(cmd, args.len(), Duration::from_secs(60)).unwrap_or_else(|e| panic!("{e}"));
    // One thread per target: the probes of three routers go out side by side.
    let mut ports = server.ports.as_slice();
    std::thread::scope(|scope| {
        for ((target, _, policies), (_, _, _, tally)) in compiled.iter().zip(runs.iter_mut()) {
            let (mine, rest) = ports.split_at(policies.len());
            ports = rest;
            scope.spawn(move || {
                for (p, port) in policies.iter().zip(mine) {
                    tally.verify(target, &p.name, &p.set, &p.text, *port);
                }
            });
        }
    });
    let mut failures = Vec::new();
    for ((target, _, policies), (_, _, c, tally)) in compiled.iter().zip(&runs) {
        let Corpus {
            examples_accepted,
            examples_refused,
            random_accepted,
            ..
        } = *c;
        eprintln!(
            "{target} ({installed}): examples and hostile names {examples_accepted} compiled, {examples_refused} refused; random {random_accepted} of {RANDOM_SEEDS} compiled, {} refused; {} verified, {} probes, {} mismatching policies",
            RANDOM_SEEDS as usize - random_accepted,
            tally.verified,
            tally.probes,
            tally.failures.len(),
        );
        for (label, why) in &tally.refused {
            eprintln!("  refused {label}: {why}");
        }
        failures.extend(tally.failures.iter().map(|f| format!("{target}: {f}")));
        assert_eq!(tally.verified + tally.failures.len(), policies.len());
        if examples_accepted == 0 {
            failures.push(format!("{target}: no example policy compiled"));
        }
        if random_accepted < RANDOM_MIN {
            failures.push(format!(
                "{target}: only {random_accepted} random policies compiled"
            ));
        }
    }
    drop(server);
    eprintln!(
        "go routers ({}): build {build_time:?}, total {:?}",
        versions.label(),
        started.elapsed()
    );
    assert!(
        failures.is_empty(),
        "{} policies differ from the evaluator on {installed}:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn gin_chi_and_echo_match_the_evaluator() {
    run(Versions::Newest);
}

#[test]
fn gin_chi_and_echo_match_the_evaluator_on_the_oldest_claimed_releases() {
    run(Versions::Oldest);
}

/// The targets this harness runs are its entry in `support/conformance.rs`, and every
/// registered target has a harness.
#[test]
fn covers_the_targets_its_entry_lists() {
    let ids: Vec<&str> = TARGETS.iter().map(|(t, _)| *t).collect();
    conformance::assert_covers(env!("CARGO_CRATE_NAME"), &ids);
}

/// The plan's answer for one policy text and target: the output text, or the refusal.
fn compiled(target: &str, text: &str) -> Result<String, String> {
    match frameworks::compile("trap.cors", text, None, target) {
        Ok(c) => Ok(c.output.parts[0].text.clone()),
        Err(frameworks::Refusal::Plan(d)) => Err(format!("{}: {}", d[0].code, d[0].message)),
        Err(frameworks::Refusal::Check(d)) => panic!("does not check: {d:#?}"),
    }
}

const BASE: &str = "policy p {\n    origins \"https://app.example\"\n";

/// Each library trap the generated code cannot avoid is a plan refusal, never a wider output.
#[test]
fn what_a_library_cannot_say_is_refused() {
    let cases: &[(&str, &str, &str)] = &[
        // gin-contrib/cors cannot echo requested headers.
        ("gin", "    request-headers mirror\n", "mirror"),
        // gin-contrib/cors and go-chi/cors upper-case methods; browsers compare them exactly.
        ("gin", "    methods purge\n", "upper-cases"),
        ("chi", "    methods purge\n", "upper-cases"),
        // All three leave `Access-Control-Max-Age: 0` out.
        ("gin", "    max-age 0\n", "Max-Age: 0"),
        ("chi", "    max-age 0\n", "Max-Age: 0"),
        ("echo", "    max-age 0\n", "Max-Age: 0"),
        // A literal `*` means a header or method named `*` with credentials.
        (
            "gin",
            "    request-headers *, Authorization\n    credentials true\n",
            "`request-headers *`",
        ),
        (
            "echo",
            "    methods *\n    credentials true\n",
            "`methods *` with credentials",
        ),
        // Echo would echo `authorization` too, which `*` never covers.
        (
            "echo",
            "    request-headers *\n    credentials true\n",
            "authorization",
        ),
        // go-chi/cors has no method wildcard, and its `*` headers echo `authorization`.
        ("chi", "    methods *\n", "`methods *`"),
        ("chi", "    request-headers *\n", "authorization"),
    ];
    for (target, lines, why) in cases {
        let text = format!("{BASE}{lines}}}\n");
        match compiled(target, &text) {
            Ok(out) => panic!("{target} accepted:\n{text}\n{out}"),
            Err(e) => assert!(
                e.contains(why),
                "{target}: {e} does not say {why:?}\n{text}"
            ),
        }
    }
}

/// Empty lists are the traps of Echo (default methods, echoed headers) and go-chi/cors (default
/// headers): the output always passes explicit lists, and every origin goes through corsc's
/// check, never a library's wildcard list.
#[test]
fn outputs_never_leave_a_list_to_the_library_defaults() {
    let text = format!("{BASE}}}\n");
    let echo = compiled("echo", &text).expect("echo compiles");
    assert!(
        echo.contains(r#"AllowMethods:    []string{"GET", "HEAD", "POST"}"#),
        "{echo}"
    );
    assert!(
        echo.contains(r#"AllowHeaders:    []string{"Origin"}"#),
        "{echo}"
    );
    assert!(!echo.contains("AllowOrigins"), "{echo}");
    let chi = compiled("chi", &text).expect("chi compiles");
    assert!(
        chi.contains(r#"AllowedHeaders:  []string{"Origin"}"#),
        "{chi}"
    );
    assert!(!chi.contains("AllowedOrigins"), "{chi}");
    let gin = compiled("gin", &text).expect("gin compiles");
    assert!(
        !gin.contains("AllowOrigins") && !gin.contains("AllowWildcard"),
        "{gin}"
    );
    for out in [&echo, &chi, &gin] {
        assert!(
            out.contains("pAllowsOrigin(origin)") || out.contains("AllowOriginFunc: pAllowsOrigin"),
            "{out}"
        );
        assert!(
            out.contains("func routingPath(r *http.Request) (string, bool)"),
            "{out}"
        );
    }
    // `mirror` on Echo is its empty AllowHeaders, said in a comment.
    let mirror =
        compiled("echo", &format!("{BASE}    request-headers mirror\n}}\n")).expect("echo mirror");
    assert!(
        mirror.contains("left empty on purpose") && !mirror.contains("AllowHeaders:"),
        "{mirror}"
    );
}
