//! The `spring` target proven on Spring Web MVC itself, on the oldest line corsc claims (5.3,
//! `javax.servlet`, Tomcat 9) and the newest on Maven Central (7, `jakarta.servlet`, Tomcat
//! 11): `tests/conformance/spring` is built once per line with Maven (`compile` and its
//! classpath), then one JVM compiles every generated class unchanged (`javac -Xlint:all
//! -Werror`, in process), gives each its own application on its own embedded Tomcat on an
//! ephemeral port of 127.0.0.1, and `corsc::eval::live::verify` probes each: zero mismatches.
//! The versions in use are printed (from the jars Maven resolved).
//!
//! Needs `mvn` and a JDK 17. Maven uses the repository at `CORSC_M2` (CI: `.ci/cache/m2`,
//! filled by `.ci/run`), offline when `CORSC_MAVEN_OFFLINE=1`. Without Maven the tests say why
//! they skip; with `CORSC_REQUIRE_ENGINES=1` they fail instead.

mod support;
use support::{conformance, frameworks, random_policy};

use frameworks::{compile, corpus, start, Compiled, Corpus, Tally};
use random_policy::{policy_text, Features};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The `--target` value.
const TARGET: &str = "spring";
const RANDOM_SEEDS: u64 = 60;
const RANDOM_MIN: usize = 40;
/// Applications per JVM.
const BATCH: usize = 40;

/// A line of Spring the app builds: its Maven profile.
#[derive(Clone, Copy, Debug)]
enum Line {
    /// Spring Framework 5.3 on Tomcat 9 (`javax.servlet`).
    Spring5,
    /// Spring Framework 7 on Tomcat 11 (`jakarta.servlet`).
    Spring7,
}

impl Line {
    fn profile(self) -> &'static str {
        match self {
            Line::Spring5 => "spring5",
            Line::Spring7 => "spring7",
        }
    }
}

/// The app built for `line` (once per test binary and line): its classpath.
fn build(line: Line) -> String {
    static BUILT: OnceLock<Mutex<Vec<(&'static str, String)>>> = OnceLock::new();
    let built = BUILT.get_or_init(|| Mutex::new(Vec::new()));
    let mut built = built
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((_, cp)) = built.iter().find(|(p, _)| *p == line.profile()) {
        return cp.clone();
    }
    let started = Instant::now();
    let cp = support::builds::spring_classpath(line.profile()).unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "spring ({}): built in {:?}; {}",
        line.profile(),
        started.elapsed(),
        versions(&cp)
    );
    built.push((line.profile(), cp.clone()));
    cp
}

/// The Spring and Tomcat versions on a classpath, read from the jar names Maven resolved.
fn versions(cp: &str) -> String {
    let version = |artifact: &str| {
        cp.split(':')
            .filter_map(|p| Path::new(p).file_name()?.to_str())
            .find_map(|f| {
                f.strip_prefix(&format!("{artifact}-"))?
                    .strip_suffix(".jar")
                    .map(str::to_string)
            })
            .unwrap_or_else(|| "?".to_string())
    };
    format!(
        "spring-webmvc {}, tomcat-embed-core {}",
        version("spring-webmvc"),
        version("tomcat-embed-core")
    )
}

/// Writes each compiled class into its own folder and serves them all with one JVM.
fn serve(cp: &str, dir: &Path, compiled: &[&Compiled]) -> frameworks::App {
    let mut paths: Vec<PathBuf> = Vec::new();
    for c in compiled {
        let [part] = c.output.parts.as_slice() else {
            panic!("{}: expected one part", c.name);
        };
        let sub = dir.join(format!("m{}", paths.len()));
        std::fs::create_dir_all(&sub).expect("mkdir");
        let p = sub.join(part.file_name);
        std::fs::write(&p, &part.text).expect("write class");
        paths.push(p);
    }
    let mut cmd = Command::new("java");
    cmd.args(["-Xmx1g", "-XX:TieredStopAtLevel=1", "-cp", cp])
        .arg(support::builds::java_tmpdir(dir))
        .arg("corsc.conformance.Main")
        .args(&paths);
    start(cmd, paths.len(), Duration::from_secs(300)).unwrap_or_else(|e| panic!("spring: {e}"))
}

fn run(line: Line) {
    let test = format!("spring conformance ({})", line.profile());
    if !support::builds::require_maven(&test) {
        return;
    }
    let cp = build(line);
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
        |seed| policy_text(seed, &features(line)),
        &mut tally,
    );
    // Spring 5's `HttpMethod` is an enum of eight methods: a preflight asking for another
    // (`PURGE`, which `methods *` allows, or a listed `QUERY`) is refused with 403. The 5.3
    // line is claimed without them (the capability table and the output's header say so); 7
    // runs them all.
    let (accepted, skipped): (Vec<Compiled>, Vec<Compiled>) = accepted
        .into_iter()
        .partition(|c| !matches!(line, Line::Spring5) || !beyond_spring5_methods(c));
    let dir = tempfile::Builder::new()
        .prefix("corsc-spring-")
        .tempdir()
        .expect("temp dir");
    for (b, chunk) in accepted.chunks(BATCH).enumerate() {
        let batch_dir = dir.path().join(format!("b{b}"));
        let t = Instant::now();
        let refs: Vec<&Compiled> = chunk.iter().collect();
        let app = serve(&cp, &batch_dir, &refs);
        eprintln!(
            "spring ({}): batch {b} ({} classes) compiled and started in {:?}",
            line.profile(),
            chunk.len(),
            t.elapsed()
        );
        for (c, port) in chunk.iter().zip(&app.ports) {
            tally.verify(TARGET, &c.name, &c.set, &c.text, *port);
        }
    }
    for (name, why) in &tally.refused {
        eprintln!("spring: refused {name}: {why}");
    }
    eprintln!(
        "spring ({}, {}): examples {examples_accepted} compiled, {examples_refused} refused; random {random_accepted} compiled of {RANDOM_SEEDS}; {} verified, {} with methods outside Spring 5's enum left out; {} probes; {} mismatching policies; {:?}",
        line.profile(),
        versions(&cp),
        tally.verified,
        skipped.len(),
        tally.probes,
        tally.failures.len(),
        started.elapsed()
    );
    assert!(
        tally.failures.is_empty(),
        "spring ({}): {} policies mismatch:\n{}",
        line.profile(),
        tally.failures.len(),
        tally.failures.join("\n\n")
    );
    assert_eq!(tally.verified, accepted.len());
    let examples = frameworks::examples().len();
    assert_eq!(
        examples_refused, 0,
        "every example policy and hostile-name set compiles for Spring: {:?}",
        tally.refused
    );
    assert!(examples_accepted >= examples, "{examples_accepted}");
    assert!(
        random_accepted.saturating_sub(skipped.len()) >= RANDOM_MIN,
        "only {random_accepted} random policies accepted ({} left out)",
        skipped.len()
    );
}

/// What the random policies may use: Spring 5 gets no `QUERY`, which its `HttpMethod` enum
/// lacks (the output's header says a preflight for it gets 403 there), so its files are not
/// left out wholesale; Spring 7 gets everything.
fn features(line: Line) -> Features {
    match line {
        Line::Spring5 => Features {
            extension_methods: false,
            ..Features::all()
        },
        Line::Spring7 => Features::all(),
    }
}

/// Spring 5's `HttpMethod` enum.
const SPRING5_METHODS: &[&str] = &[
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE",
];

/// Whether a policy of the file allows a method outside Spring 5's enum: every method
/// (`methods *`), or one listed such as `QUERY`.
fn beyond_spring5_methods(c: &Compiled) -> bool {
    c.set.policies.iter().any(|p| {
        p.methods.value.any.is_some()
            || p.methods
                .value
                .list
                .iter()
                .any(|m| !SPRING5_METHODS.contains(&m.node.as_str()))
    })
}

#[test]
fn spring_5_3_conforms() {
    run(Line::Spring5);
}

#[test]
fn spring_7_conforms() {
    run(Line::Spring7);
}

/// A policy whose regex backtracks exponentially, compiled with its lint error allowed.
const BACKTRACKING_POLICY: &str = "policy api {
    paths   \"/api/*\"
    origins regex \"^https://(a+)+\\\\.example\\\\.com$\"
}
";

/// The worst `Origin` for `^https://(a+)+\.example\.com$`, longer than
/// `corsc::fetch::MAX_ORIGIN_BYTES`, is refused before the regex runs, on both lines: the
/// request is answered rather than holding a Tomcat thread for ever. Shorter ones under the
/// bound still take exponential time (printed, not asserted): the lint error is for those.
#[test]
fn the_worst_origin_for_a_backtracking_regex_is_refused_without_running_it() {
    if !support::builds::require_maven("spring backtracking") {
        return;
    }
    let c = compile("backtracking.cors", BACKTRACKING_POLICY, None, TARGET)
        .unwrap_or_else(|e| panic!("does not compile: {e:?}"));
    let long = format!("https://{}.example.co", "a".repeat(4000));
    assert!(long.len() > corsc::fetch::MAX_ORIGIN_BYTES);
    for line in [Line::Spring5, Line::Spring7] {
        let cp = build(line);
        let dir = tempfile::tempdir().expect("temp dir");
        let app = serve(&cp, dir.path(), &[&c]);
        let addr = format!("127.0.0.1:{}", app.ports[0]);
        let send = |origin: &str| {
            let started = Instant::now();
            let r = support::http::request(&addr, "GET", "/api/x", &[("Origin", origin)])
                .unwrap_or_else(|e| panic!("a {}-byte Origin was not answered: {e}", origin.len()));
            (r, started.elapsed())
        };
        let (ok, _) = send("https://aaaa.example.com");
        assert_eq!(
            ok.one("access-control-allow-origin"),
            Some("https://aaaa.example.com"),
            "the regex allows what it matches: {ok:#?}"
        );
        let (r, took) = send(&long);
        assert_eq!(r.one("access-control-allow-origin"), None, "{r:#?}");
        eprintln!(
            "spring ({}): the worst {}-byte Origin refused in {took:?}",
            line.profile(),
            long.len()
        );
        for n in [16, 18, 20] {
            let short = format!("https://{}.example.co", "a".repeat(n));
            let (r, took) = send(&short);
            assert_eq!(r.one("access-control-allow-origin"), None, "{r:#?}");
            eprintln!(
                "spring ({}): under the bound, a {}-byte Origin ({n} `a`) refused in {took:?}",
                line.profile(),
                short.len()
            );
        }
    }
}

/// A policy of 20,000 exact origins (and a second one of 5,000 patterns beside it) compiles
/// on both lines and allows exactly its origins. Written as one `Arrays.asList(…)` in one method, 9,000 origins
/// were already more bytecode than a JVM method holds: `javac` refused the class ("code too
/// large") although corsc had accepted the policy.
#[test]
fn a_policy_of_20000_exact_origins_compiles_and_allows_exactly_them() {
    if !support::builds::require_maven("spring 20,000 origins") {
        return;
    }
    let origins: Vec<String> = (0..20_000)
        .map(|i| format!("\"https://tenant-{i}.customers.example.com\""))
        .collect();
    // The second policy's 5,000 tenant patterns are one regex of about 107 KB, longer than a
    // class file's string constant: written as eight pieces joined when the class loads.
    let patterns: Vec<String> = (0..5_000)
        .map(|i| format!("\"https://*.t{i}.partners.example\""))
        .collect();
    let text = format!(
        "policy big {{\n    paths \"/api/*\"\n    origins {}\n    credentials true\n}}\npolicy other {{\n    paths \"/other/*\"\n    origins \"https://other.example\", {}\n}}\n",
        origins.join(",\n        "),
        patterns.join(",\n        ")
    );
    let c = compile("big.cors", &text, None, TARGET).unwrap_or_else(|e| panic!("{e:?}"));
    for line in [Line::Spring5, Line::Spring7] {
        let cp = build(line);
        let dir = tempfile::tempdir().expect("temp dir");
        let app = serve(&cp, dir.path(), &[&c]);
        let addr = format!("127.0.0.1:{}", app.ports[0]);
        let acao = |path: &str, origin: &str| {
            support::http::request(&addr, "GET", path, &[("Origin", origin)])
                .unwrap_or_else(|e| panic!("{path} {origin}: {e}"))
                .one("access-control-allow-origin")
                .map(str::to_string)
        };
        for i in [0, 1, 9_999, 19_999] {
            let o = format!("https://tenant-{i}.customers.example.com");
            assert_eq!(
                acao("/api/x", &o).as_deref(),
                Some(o.as_str()),
                "{}",
                line.profile()
            );
        }
        for refused in [
            "https://tenant-20000.customers.example.com",
            "https://tenant-1.customers.example.co",
            "https://other.example",
        ] {
            assert_eq!(
                acao("/api/x", refused),
                None,
                "{refused} ({})",
                line.profile()
            );
        }
        assert_eq!(
            acao("/other/x", "https://other.example").as_deref(),
            Some("https://other.example")
        );
        assert_eq!(
            acao("/other/x", "https://tenant-0.customers.example.com"),
            None
        );
        for allowed in [
            "https://a.t0.partners.example",
            "https://a.b.t4999.partners.example",
        ] {
            assert_eq!(
                acao("/other/x", allowed).as_deref(),
                Some(allowed),
                "{allowed}"
            );
        }
        for refused in [
            "https://t4999.partners.example",
            "https://a.t5000.partners.example",
            "https://a.t4999.partners.example.evil",
            "http://a.t1.partners.example",
        ] {
            assert_eq!(acao("/other/x", refused), None, "{refused}");
        }
    }
}

/// The targets this harness runs are its entry in `support/conformance.rs`.
#[test]
fn covers_the_targets_its_entry_lists() {
    conformance::assert_covers(env!("CARGO_CRATE_NAME"), &[TARGET]);
}
