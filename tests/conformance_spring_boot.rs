//! The `spring` target proven on Spring Boot: `spring-boot-starter-web` (auto-configured
//! Spring MVC on embedded Tomcat) on Boot 3.5 and on the newest Boot release on Maven Central
//! (4.1), both on Java 17. `tests/conformance/spring-boot` is built once per line with Maven;
//! one JVM per line compiles every generated class unchanged (`javac -Xlint:all -Werror`, in
//! process) and runs one Boot application per class on an ephemeral port of 127.0.0.1, whose
//! component scan finds the class in the package given by `--java-package` (not the default,
//! so the option is proven on the framework); `corsc::eval::live::verify` probes each: zero
//! mismatches. The versions in use are printed (from the jars Maven resolved).
//!
//! Needs `mvn` and a JDK 17. Maven uses the repository at `CORSC_M2` (CI: `.ci/cache/m2`,
//! filled by `.ci/run`), offline when `CORSC_MAVEN_OFFLINE=1`. Without Maven the tests say why
//! they skip; with `CORSC_REQUIRE_ENGINES=1` they fail instead.

mod support;
use support::{conformance, frameworks, random_policy};

use corsc::emit::{JavaPackage, Options, Shape};
use frameworks::{corpus_with, start, Compiled, Corpus, Tally};
use random_policy::{policy_text, Features};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The `--target` value.
const TARGET: &str = "spring";
/// The package the generated classes are compiled into, and the Boot app scans.
const PACKAGE: &str = "com.example.edge.cors";
const RANDOM_SEEDS: u64 = 110;
const RANDOM_MIN: usize = 100;
/// Boot applications per JVM: every policy of a line in one JVM (a JVM start costs more than
/// the memory of 120 small contexts).
const BATCH: usize = 120;

/// A line of Spring Boot the app builds: its Maven profile.
#[derive(Clone, Copy, Debug)]
enum Line {
    /// Spring Boot 3.5 (Spring Framework 6.2, Tomcat 10.1).
    Boot3,
    /// Spring Boot 4.1 (Spring Framework 7, Tomcat 11).
    Boot4,
}

impl Line {
    fn profile(self) -> &'static str {
        match self {
            Line::Boot3 => "boot3",
            Line::Boot4 => "boot4",
        }
    }
}

/// The Boot, Spring and Tomcat versions on a classpath, read from the jar names Maven resolved.
fn versions(cp: &str) -> String {
    let version = |artifact: &str| {
        cp.split(':')
            .filter_map(|p| Path::new(p).file_name()?.to_str())
            .find_map(|f| {
                f.strip_prefix(&format!("{artifact}-"))?
                    .strip_suffix(".jar")
                    .filter(|v| v.starts_with(|c: char| c.is_ascii_digit()))
                    .map(str::to_string)
            })
            .unwrap_or_else(|| "?".to_string())
    };
    format!(
        "spring-boot {}, spring-webmvc {}, tomcat-embed-core {}",
        version("spring-boot"),
        version("spring-webmvc"),
        version("tomcat-embed-core")
    )
}

/// The options every class is compiled with: a package other than the default.
fn options() -> Options {
    Options {
        shape: Shape::Include,
        java_package: JavaPackage::parse(PACKAGE).expect("a package"),
        ..Options::default()
    }
}

/// Writes each compiled class into its own folder and serves them all with one JVM.
fn serve(cp: &str, dir: &Path, compiled: &[&Compiled]) -> frameworks::App {
    let mut paths: Vec<PathBuf> = Vec::new();
    for c in compiled {
        let [part] = c.output.parts.as_slice() else {
            panic!("{}: expected one part", c.name);
        };
        assert!(
            part.text.contains(&format!("\npackage {PACKAGE};\n")),
            "{}: not in package {PACKAGE}",
            c.name
        );
        let sub = dir.join(format!("m{}", paths.len()));
        std::fs::create_dir_all(&sub).expect("mkdir");
        let p = sub.join(part.file_name);
        std::fs::write(&p, &part.text).expect("write class");
        paths.push(p);
    }
    let mut cmd = Command::new("java");
    cmd.args(["-Xmx2g", "-XX:TieredStopAtLevel=1", "-Xss512k", "-cp", cp])
        .arg(support::builds::java_tmpdir(dir))
        .arg("corsc.conformance.boot.Main")
        .arg(PACKAGE)
        .args(&paths);
    start(cmd, paths.len(), Duration::from_secs(400)).unwrap_or_else(|e| panic!("spring boot: {e}"))
}

fn run(line: Line) {
    let test = format!("spring boot conformance ({})", line.profile());
    if !support::builds::require_maven(&test) {
        return;
    }
    let started = Instant::now();
    let cp =
        support::builds::spring_boot_classpath(line.profile()).unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "spring boot ({}): built in {:?}; {}",
        line.profile(),
        started.elapsed(),
        versions(&cp)
    );
    let mut tally = Tally::default();
    let Corpus {
        accepted,
        examples_accepted,
        examples_refused,
        random_accepted,
    } = corpus_with(
        TARGET,
        &options(),
        RANDOM_SEEDS,
        |seed| policy_text(seed, &Features::all()),
        &mut tally,
    );
    let dir = tempfile::Builder::new()
        .prefix("corsc-spring-boot-")
        .tempdir()
        .expect("temp dir");
    for (b, chunk) in accepted.chunks(BATCH).enumerate() {
        let t = Instant::now();
        let refs: Vec<&Compiled> = chunk.iter().collect();
        let app = serve(&cp, &dir.path().join(format!("b{b}")), &refs);
        eprintln!(
            "spring boot ({}): batch {b} ({} classes) compiled and started in {:?}",
            line.profile(),
            chunk.len(),
            t.elapsed()
        );
        for (c, port) in chunk.iter().zip(&app.ports) {
            tally.verify(TARGET, &c.name, &c.set, &c.text, *port);
        }
    }
    for (name, why) in &tally.refused {
        eprintln!("spring boot: refused {name}: {why}");
    }
    let hostile = frameworks::hostile_name_sets().len();
    println!(
        "spring on Spring Boot ({}; {}): {} examples + {hostile} hostile + {random_accepted} random (of {RANDOM_SEEDS} seeds; {} refused by the plan), {} probes, {} mismatching policies, {:?}",
        line.profile(),
        versions(&cp),
        examples_accepted - hostile,
        examples_refused + random_refused(&tally),
        tally.probes,
        tally.failures.len(),
        started.elapsed()
    );
    assert!(
        tally.failures.is_empty(),
        "spring boot ({}): {} policies mismatch:\n{}",
        line.profile(),
        tally.failures.len(),
        tally.failures.join("\n\n")
    );
    assert_eq!(tally.verified, accepted.len());
    assert_eq!(
        examples_refused, 0,
        "every example policy and hostile-name set compiles for Spring: {:?}",
        tally.refused
    );
    assert!(examples_accepted >= frameworks::examples().len() + hostile);
    assert!(
        random_accepted >= RANDOM_MIN,
        "only {random_accepted} random policies accepted"
    );
}

/// How many random policies the plan refused.
fn random_refused(tally: &Tally) -> usize {
    tally
        .refused
        .iter()
        .filter(|(name, _)| name.starts_with("random seed"))
        .count()
}

#[test]
fn spring_boot_3_5_conforms() {
    run(Line::Boot3);
}

#[test]
fn spring_boot_newest_conforms() {
    run(Line::Boot4);
}

/// The targets this harness runs are its entry in `support/conformance.rs`.
#[test]
fn covers_the_targets_its_entry_lists() {
    conformance::assert_covers(env!("CARGO_CRATE_NAME"), &[TARGET]);
}
