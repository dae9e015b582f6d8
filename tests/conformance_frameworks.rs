//! The framework targets proven on the real frameworks: every example policy the target's plan
//! accepts, and 100+ random policies (fixed seeds), are compiled, loaded unchanged by a small
//! app under `tests/conformance/`, served on 127.0.0.1, and verified with
//! `corsc::eval::live::verify`: zero mismatches. Refusals are counted and printed, and must stay
//! a minority of the random policies. Each test also runs the language's own check
//! (`node --check`, `python -m py_compile`, `django check`) on every example's output.
//!
//! Each target runs twice, on the newest releases (`tests/conformance/node`,
//! `tests/conformance/python/requirements.txt`) and on the oldest its `min_version` claims
//! (`tests/conformance/node-oldest`, `requirements-oldest.txt`, the `CORSC_PYTHON_OLDEST`
//! venv), each test printing the versions it ran. The two are separate tests, run side by
//! side; the oldest run takes [`RANDOM_OLDEST`] random policies instead of [`RANDOM`].
//!
//! Without Node.js or the Python packages these tests say why they skip; with
//! `CORSC_REQUIRE_ENGINES=1` they fail instead.

mod support;
use support::{conformance, frameworks, random_policy};

use frameworks::{
    compile, corpus, examples, installed_versions, require, require_at, verify_all_at, Compiled,
    Corpus, Runtime, Tally, Versions,
};
use random_policy::{policy_text, Features};
use std::process::Command;
use std::time::Instant;

/// Random policies per target on the newest releases; at least 100 must be accepted.
const RANDOM: u64 = 120;
/// Random policies per target on the oldest releases (the examples and hostile names are all
/// run there too); at least half must be accepted.
const RANDOM_OLDEST: u64 = 60;

struct Case {
    target: &'static str,
    framework: &'static str,
    runtime: Runtime,
    /// What the runtime imports (Python modules) or loads (npm packages).
    packages: &'static [&'static str],
    /// The npm packages or Python distributions whose installed versions the test prints.
    dists: &'static [&'static str],
    /// What the oldest claimed release refuses at load time, by design.
    unsupported: Option<Unsupported>,
    file_name: &'static str,
    features: Features,
    /// Modules per app process.
    batch: usize,
}

fn run(case: &Case, versions: Versions) {
    let test = format!("{} conformance ({})", case.target, versions.label());
    let Some(bin) = require_at(case.runtime, versions, case.packages, &test) else {
        return;
    };
    let installed = installed_versions(case.runtime, versions, case.dists);
    eprintln!("{} ({}): {installed}", case.target, versions.label());
    let seeds = match versions {
        Versions::Newest => RANDOM,
        Versions::Oldest => RANDOM_OLDEST,
    };
    let started = Instant::now();
    let mut tally = Tally::default();
    let Corpus {
        mut accepted,
        examples_accepted,
        examples_refused,
        random_accepted,
    } = corpus(
        case.target,
        seeds,
        |seed| policy_text(seed, &case.features),
        &mut tally,
    );
    let unsupported = case
        .unsupported
        .filter(|_| versions == Versions::Oldest)
        .map(|u| {
            let (out, kept): (Vec<Compiled>, Vec<Compiled>) =
                accepted.drain(..).partition(|c| (u.needs)(c));
            accepted = kept;
            (u.check)(&bin, &out);
            out.len()
        })
        .unwrap_or(0);
    verify_all_at(
        case.runtime,
        versions,
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
        "{} ({installed}): examples {examples_accepted} compiled, {examples_refused} refused; random {random_accepted} compiled of {seeds}, {} refused; {unsupported} refused at import by this version; {} verified, {} probes; {} mismatching policies; {:?}",
        case.target,
        seeds as usize - random_accepted,
        tally.verified,
        tally.probes,
        tally.failures.len(),
        started.elapsed()
    );
    assert!(
        tally.failures.is_empty(),
        "{} ({installed}): {} policies mismatch:\n{}",
        case.target,
        tally.failures.len(),
        tally.failures.join("\n\n")
    );
    assert_eq!(tally.verified, accepted.len());
    assert!(
        examples_accepted >= 3,
        "only {examples_accepted} examples accepted"
    );
    let least = match versions {
        Versions::Newest => 100,
        Versions::Oldest => RANDOM_OLDEST as usize / 2,
    };
    assert!(
        random_accepted >= least,
        "only {random_accepted} random policies accepted"
    );
    assert!(
        unsupported <= random_accepted / 2,
        "{unsupported} of {random_accepted} policies need a newer release than the oldest claimed"
    );
}

/// Policies the oldest claimed release refuses on purpose, and how the test proves it refuses
/// them loudly instead of serving them.
#[derive(Clone, Copy)]
struct Unsupported {
    /// Whether a compiled policy file needs the newer release.
    needs: fn(&Compiled) -> bool,
    /// Asserts that each such module fails to load on the oldest release, saying why.
    check: fn(&std::path::Path, &[Compiled]),
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
        dists: &["express", "cors"],
        unsupported: None,
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
    run(&express(), Versions::Newest);
}

#[test]
fn express_conforms_on_the_oldest_claimed_release() {
    run(&express(), Versions::Oldest);
}

fn fastify() -> Case {
    Case {
        target: "fastify",
        framework: "fastify",
        runtime: Runtime::Node,
        packages: &["fastify", "@fastify/cors"],
        dists: &["fastify", "@fastify/cors"],
        unsupported: None,
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
    run(&fastify(), Versions::Newest);
}

#[test]
fn fastify_conforms_on_the_oldest_claimed_release() {
    run(&fastify(), Versions::Oldest);
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
        dists: &["starlette", "uvicorn"],
        unsupported: Some(Unsupported {
            needs: grants_private_network,
            check: fails_to_import_without_private_network,
        }),
        file_name: "corsc_cors.py",
        features: Features::all(),
        batch: 70,
    }
}

/// Whether any policy of the file grants private-network access.
fn grants_private_network(c: &Compiled) -> bool {
    c.set.policies.iter().any(|p| p.private_network.value)
}

/// Imports each module on the oldest Starlette (which lacks `allow_private_network`): every
/// one must raise the generated `RuntimeError` naming the version it needs, so an application
/// with such a policy never starts there.
fn fails_to_import_without_private_network(python: &std::path::Path, compiled: &[Compiled]) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut paths = Vec::new();
    for (k, c) in compiled.iter().enumerate() {
        let p = dir.path().join(format!("m{k}.py"));
        std::fs::write(&p, &c.output.parts[0].text).expect("write module");
        paths.push(p.display().to_string());
    }
    let script = "import importlib.util, sys\n\
        for k, path in enumerate(sys.argv[1:]):\n\
        \x20   spec = importlib.util.spec_from_file_location('m%d' % k, path)\n\
        \x20   try:\n\
        \x20       spec.loader.exec_module(importlib.util.module_from_spec(spec))\n\
        \x20   except RuntimeError as e:\n\
        \x20       assert 'needs Starlette 0.51.0' in str(e), (path, e)\n\
        \x20       continue\n\
        \x20   sys.exit('%s imported on a Starlette without allow_private_network' % path)\n";
    let out = Command::new(python)
        .arg("-c")
        .arg(script)
        .args(&paths)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn starlette_output_passes_py_compile() {
    syntax_check(&starlette(), python_check);
}

#[test]
fn starlette_conforms() {
    run(&starlette(), Versions::Newest);
}

#[test]
fn starlette_conforms_on_the_oldest_claimed_release() {
    run(&starlette(), Versions::Oldest);
}

fn flask() -> Case {
    Case {
        target: "flask",
        framework: "flask",
        runtime: Runtime::Python,
        packages: &["flask", "flask_cors"],
        dists: &["flask", "flask-cors", "werkzeug"],
        unsupported: None,
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
    run(&flask(), Versions::Newest);
}

#[test]
fn flask_conforms_on_the_oldest_claimed_release() {
    run(&flask(), Versions::Oldest);
}

fn django() -> Case {
    Case {
        target: "django",
        framework: "django",
        runtime: Runtime::Python,
        packages: &["django", "corsheaders"],
        dists: &["django", "django-cors-headers"],
        unsupported: None,
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
    run(&django(), Versions::Newest);
}

#[test]
fn django_conforms_on_the_oldest_claimed_release() {
    run(&django(), Versions::Oldest);
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

/// A policy granting private-network access beside one that does not (the random policies
/// never grant it).
const PRIVATE_NETWORK_POLICY: &str = "policy lan {
    paths           \"/api/*\"
    origins         \"https://app.example.test\"
    methods         PUT
    private-network true
}
policy web {
    paths   \"/web/*\"
    origins \"https://web.example.test\"
}
";

/// Starlette's output for a private-network policy is verified live on the newest Starlette,
/// and refuses to import on the oldest claimed one (0.37, which lacks
/// `allow_private_network`), naming the release it needs: before the fix it passed the keyword
/// for every policy, and every request on Starlette before 0.51 failed with `TypeError`.
#[test]
fn starlette_private_network_is_verified_on_the_newest_and_refused_at_import_on_the_oldest() {
    let case = starlette();
    let c = compile("lan.cors", PRIVATE_NETWORK_POLICY, None, case.target)
        .unwrap_or_else(|e| panic!("does not compile: {e:?}"));
    assert!(grants_private_network(&c));
    let test = "starlette private network";
    if let Some(bin) = require_at(case.runtime, Versions::Newest, case.packages, test) {
        let mut tally = Tally::default();
        verify_all_at(
            case.runtime,
            Versions::Newest,
            &bin,
            case.framework,
            case.file_name,
            std::slice::from_ref(&c),
            1,
            &mut tally,
        );
        assert!(tally.failures.is_empty(), "{}", tally.failures.join("\n\n"));
        assert_eq!(tally.verified, 1);
        eprintln!(
            "starlette ({}): private network verified, {} probes",
            installed_versions(case.runtime, Versions::Newest, case.dists),
            tally.probes
        );
    }
    if let Some(bin) = require_at(case.runtime, Versions::Oldest, case.packages, test) {
        fails_to_import_without_private_network(&bin, std::slice::from_ref(&c));
        eprintln!(
            "starlette ({}): a private-network policy refused at import",
            installed_versions(case.runtime, Versions::Oldest, case.dists)
        );
    }
}
