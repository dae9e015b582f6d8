//! The framework targets proven on the real frameworks: every example policy the target's plan
//! accepts, and 100+ random policies (fixed seeds), are compiled, loaded unchanged by a small
//! app under `tests/conformance/`, served on 127.0.0.1, and verified with
//! `corsc::eval::live::verify`: zero mismatches. Refusals are counted and printed, and must stay
//! a minority of the random policies. Each test also runs the language's own check
//! (`node --check`, `python -m py_compile`, `django check`) on every example's output.
//!
//! Without Node.js or the Python packages these tests say why they skip; with
//! `CORSC_REQUIRE_ENGINES=1` they fail instead.

mod support;
use support::{conformance, frameworks, random_policy};

use frameworks::{compile, corpus, examples, require, verify_all, Corpus, Runtime, Tally};
use random_policy::{policy_text, Features};
use std::process::Command;
use std::time::Instant;

/// Random policies per target.
const RANDOM: u64 = 120;

struct Case {
    target: &'static str,
    framework: &'static str,
    runtime: Runtime,
    packages: &'static [&'static str],
    file_name: &'static str,
    features: Features,
    /// Modules per app process.
    batch: usize,
}

fn run(case: &Case) {
    let test = format!("{} conformance", case.target);
    let Some(bin) = require(case.runtime, case.packages, &test) else {
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
        case.target,
        RANDOM,
        |seed| policy_text(seed, &case.features),
        &mut tally,
    );
    verify_all(
        case.runtime,
        &bin,
        case.framework,
        case.file_name,
        &accepted,
        case.batch,
        &mut tally,
    );
    for (name, why) in &tally.refused {
        eprintln!("{}: refused {name}: {why}", case.target);
    }
    eprintln!(
        "{}: examples {examples_accepted} verified, {examples_refused} refused; random {random_accepted} verified of {RANDOM}, {} refused; {} probes; {} mismatching policies; {:?}",
        case.target,
        RANDOM as usize - random_accepted,
        tally.probes,
        tally.failures.len(),
        started.elapsed()
    );
    assert!(
        tally.failures.is_empty(),
        "{}: {} policies mismatch:\n{}",
        case.target,
        tally.failures.len(),
        tally.failures.join("\n\n")
    );
    assert_eq!(tally.verified, accepted.len());
    assert!(
        examples_accepted >= 3,
        "only {examples_accepted} examples accepted"
    );
    assert!(
        random_accepted >= 100,
        "only {random_accepted} random policies accepted"
    );
}

/// Runs the language's own syntax check on every example's output.
fn syntax_check(case: &Case, check: impl Fn(&std::path::Path) -> Command) {
    let test = format!("{} syntax check", case.target);
    if require(case.runtime, case.packages, &test).is_none() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let mut n = 0;
    for (name, text, profile) in examples() {
        let Ok(c) = compile(&name, &text, profile.as_deref(), case.target) else {
            continue;
        };
        let path = dir.path().join(format!("m{n}")).join(case.file_name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &c.output.parts[0].text).unwrap();
        let out = check(&path).output().expect("runs the check");
        assert!(
            out.status.success(),
            "{name} {profile:?}: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            c.output.parts[0].text
        );
        n += 1;
    }
    assert!(n >= 3, "only {n} outputs checked");
}

fn express() -> Case {
    Case {
        target: "express",
        framework: "express",
        runtime: Runtime::Node,
        packages: &["express", "cors"],
        file_name: "corsc-express.cjs",
        features: Features::all(),
        batch: 70,
    }
}

#[test]
fn express_output_passes_node_check() {
    syntax_check(&express(), |p| {
        let mut c = Command::new("node");
        c.arg("--check").arg(p);
        c
    });
}

#[test]
fn express_conforms() {
    run(&express());
}

fn fastify() -> Case {
    Case {
        target: "fastify",
        framework: "fastify",
        runtime: Runtime::Node,
        packages: &["fastify", "@fastify/cors"],
        file_name: "corsc-fastify.cjs",
        features: Features::all(),
        batch: 70,
    }
}

#[test]
fn fastify_output_passes_node_check() {
    syntax_check(&fastify(), |p| {
        let mut c = Command::new("node");
        c.arg("--check").arg(p);
        c
    });
}

#[test]
fn fastify_conforms() {
    run(&fastify());
}

fn python_check(p: &std::path::Path) -> Command {
    let py = std::env::var_os("CORSC_PYTHON").unwrap_or_else(|| "python3".into());
    let mut c = Command::new(py);
    c.args(["-m", "py_compile"]).arg(p);
    c
}

fn starlette() -> Case {
    Case {
        target: "starlette",
        framework: "starlette",
        runtime: Runtime::Python,
        packages: &["starlette", "uvicorn"],
        file_name: "corsc_cors.py",
        features: Features::all(),
        batch: 70,
    }
}

#[test]
fn starlette_output_passes_py_compile() {
    syntax_check(&starlette(), python_check);
}

#[test]
fn starlette_conforms() {
    run(&starlette());
}

fn flask() -> Case {
    Case {
        target: "flask",
        framework: "flask",
        runtime: Runtime::Python,
        packages: &["flask", "flask_cors"],
        file_name: "corsc_cors.py",
        features: Features::all(),
        batch: 70,
    }
}

#[test]
fn flask_output_passes_py_compile() {
    syntax_check(&flask(), python_check);
}

#[test]
fn flask_conforms() {
    run(&flask());
}

fn django() -> Case {
    Case {
        target: "django",
        framework: "django",
        runtime: Runtime::Python,
        packages: &["django", "corsheaders"],
        file_name: "cors_settings.py",
        // No echoed header lists.
        features: Features {
            mirror_headers: false,
            ..Features::all()
        },
        // Django settings are per process: one module per app process.
        batch: 1,
    }
}

/// `python -m django check` on a settings module that imports the fragment as a user would.
fn django_check(fragment: &std::path::Path) -> Command {
    let dir = fragment.parent().expect("dir");
    std::fs::write(
        dir.join("corsc_check_settings.py"),
        "from cors_settings import *  # noqa: F401,F403\n\
         SECRET_KEY = \"corsc-check\"\n\
         INSTALLED_APPS = [\"corsheaders\"]\n\
         MIDDLEWARE = [\"corsheaders.middleware.CorsMiddleware\", \"django.middleware.common.CommonMiddleware\"]\n\
         ROOT_URLCONF = \"corsc_check_settings\"\n\
         urlpatterns = []\n",
    )
    .expect("settings");
    let py = std::env::var_os("CORSC_PYTHON").unwrap_or_else(|| "python3".into());
    let mut c = Command::new(py);
    c.args(["-m", "django", "check", "--fail-level", "WARNING"])
        .env("PYTHONPATH", dir)
        .env("DJANGO_SETTINGS_MODULE", "corsc_check_settings");
    c
}

#[test]
fn django_output_passes_django_check() {
    syntax_check(&django(), django_check);
}

#[test]
fn django_conforms() {
    run(&django());
}

/// The targets this harness runs are its entry in `support/conformance.rs`, and every
/// registered target has a harness.
#[test]
fn covers_the_targets_its_entry_lists() {
    conformance::assert_covers(
        env!("CARGO_CRATE_NAME"),
        &[express(), fastify(), starlette(), flask(), django()].map(|c| c.target),
    );
}

/// A policy whose regex backtracks exponentially, compiled with its lint error
/// (`regex-catastrophic-backtracking`) allowed, as a user may allow it.
const BACKTRACKING_POLICY: &str = "policy api {
    paths   \"/api/*\"
    origins regex \"^https://(a+)+\\\\.example\\\\.com$\"
}
";

/// An `Origin` that `^https://(a+)+\.example\.com$` can read in 2^(n-1) ways before it fails:
/// a run of `a` and a name that misses the end by one letter.
fn worst_origin(n: usize) -> String {
    format!("https://{}.example.co", "a".repeat(n))
}

/// The app of every framework target is sent the worst `Origin` for a catastrophically
/// backtracking regex, longer than `corsc::fetch::MAX_ORIGIN_BYTES`: the generated code
/// refuses it before the regex runs, so the request is answered (refused) rather than holding
/// the app for longer than the universe has left. No timing is asserted; the time each answer
/// took is printed, beside that of shorter Origins under the bound, which the regex still
/// takes exponential time on (doubling with every `a`): those are what the lint error is for.
#[test]
fn the_worst_origin_for_a_backtracking_regex_is_refused_without_running_it() {
    use std::time::Duration;
    let long = worst_origin(4000);
    assert!(long.len() > corsc::fetch::MAX_ORIGIN_BYTES);
    for case in [express(), fastify(), starlette(), flask(), django()] {
        let test = format!("{} backtracking", case.target);
        let Some(bin) = require(case.runtime, case.packages, &test) else {
            continue;
        };
        let c = compile("backtracking.cors", BACKTRACKING_POLICY, None, case.target)
            .unwrap_or_else(|e| panic!("{test}: does not compile: {e:?}"));
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(case.file_name);
        std::fs::write(&path, &c.output.parts[0].text).expect("write module");
        let app = frameworks::start(
            frameworks::serve_command(case.runtime, &bin, case.framework, &[path]),
            1,
            Duration::from_secs(120),
        )
        .unwrap_or_else(|e| panic!("{test}: {e}"));
        let addr = format!("127.0.0.1:{}", app.ports[0]);
        let send = |origin: &str| {
            let started = Instant::now();
            let r = support::http::request(&addr, "GET", "/api/x", &[("Origin", origin)])
                .unwrap_or_else(|e| {
                    panic!(
                        "{test}: a {}-byte Origin was not answered: {e}",
                        origin.len()
                    )
                });
            (r, started.elapsed())
        };
        let (ok, _) = send("https://aaaa.example.com");
        assert_eq!(
            ok.one("access-control-allow-origin"),
            Some("https://aaaa.example.com"),
            "{test}: the regex allows what it matches: {ok:#?}"
        );
        let (r, took) = send(&long);
        assert_eq!(r.one("access-control-allow-origin"), None, "{test}: {r:#?}");
        eprintln!(
            "{}: the worst {}-byte Origin refused in {took:?}",
            case.target,
            long.len()
        );
        for n in [16, 18, 20] {
            let short = worst_origin(n);
            let (r, took) = send(&short);
            assert_eq!(r.one("access-control-allow-origin"), None, "{test}: {r:#?}");
            eprintln!(
                "{}: under the bound, a {}-byte Origin ({n} `a`) refused in {took:?}",
                case.target,
                short.len()
            );
        }
        drop(app);
    }
}
