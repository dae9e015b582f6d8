//! The build steps of the Go, Spring and report-consumer apps, shared by their conformance tests
//! and by the per-target benchmark, so both run the apps the same way.

use super::frameworks::root;
use std::path::Path;
use std::process::Command;

/// `go <args>` in module mode in `dir` (modules from `CORSC_GOMODCACHE` when set, the local
/// toolchain only): go's output, or why it failed with that output.
pub fn go(dir: &Path, args: &[&str]) -> Result<String, String> {
    let mut cmd = Command::new("go");
    cmd.args(args)
        .current_dir(dir)
        .env("GO111MODULE", "on")
        .env("GOFLAGS", "-mod=mod")
        .env("GOTOOLCHAIN", "local");
    if let Some(cache) = std::env::var_os("CORSC_GOMODCACHE") {
        cmd.env("GOMODCACHE", cache);
    }
    let out = cmd.output().map_err(|e| format!("go does not run: {e}"))?;
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    if out.status.success() {
        Ok(text)
    } else {
        Err(format!("go {args:?} failed:\n{text}"))
    }
}

/// `staticcheck` (honnef.co/go/tools: `CORSC_STATICCHECK`, else the one on `PATH`) with its
/// default checks on `packages` of the module in `dir`, in module mode like [`go`]. Without it
/// the lint is skipped, said on stderr, unless `CORSC_REQUIRE_ENGINES=1` (then it fails):
/// `.ci/run` installs it from the module proxy.
pub fn staticcheck(dir: &Path, packages: &[String]) -> Result<(), String> {
    let bin = std::env::var_os("CORSC_STATICCHECK").unwrap_or_else(|| "staticcheck".into());
    let found = Command::new(&bin)
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        let why = "staticcheck is not installed (go install honnef.co/go/tools/cmd/staticcheck)";
        if std::env::var("CORSC_REQUIRE_ENGINES").is_ok_and(|v| v == "1") {
            return Err(format!("{why}, and CORSC_REQUIRE_ENGINES=1"));
        }
        eprintln!("skipping staticcheck: {why}");
        return Ok(());
    }
    let mut cmd = Command::new(&bin);
    cmd.args(packages)
        .current_dir(dir)
        .env("GO111MODULE", "on")
        .env("GOFLAGS", "-mod=mod")
        .env("GOTOOLCHAIN", "local");
    if let Some(cache) = std::env::var_os("CORSC_GOMODCACHE") {
        cmd.env("GOMODCACHE", cache);
    }
    let out = cmd
        .output()
        .map_err(|e| format!("staticcheck does not run: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "staticcheck reports on the generated code:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Whether `mvn` and a JDK run; if not, says why and returns false, or fails the test under
/// `CORSC_REQUIRE_ENGINES=1`.
pub fn require_maven(test: &str) -> bool {
    let runs = |bin: &str, arg: &str| {
        Command::new(bin)
            .arg(arg)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let why = if !runs("java", "-version") || !runs("javac", "-version") {
        "a JDK (`java`, `javac`) is not installed"
    } else if !runs("mvn", "--version") {
        "`mvn` is not installed (apt-get install maven)"
    } else {
        return true;
    };
    let required = std::env::var("CORSC_REQUIRE_ENGINES").is_ok_and(|v| v == "1");
    assert!(!required, "{test}: {why}, and CORSC_REQUIRE_ENGINES=1");
    eprintln!("skipping {test}: {why} (set CORSC_REQUIRE_ENGINES=1 to fail instead)");
    false
}

/// The JVM option that puts its temporary files (Tomcat's base and work folders, each
/// server's own) under `dir`, a test's temporary folder: a server the test kills never
/// cleans up after itself, and the test's folder goes when the test ends.
pub fn java_tmpdir(dir: &Path) -> String {
    format!("-Djava.io.tmpdir={}", dir.display())
}

/// Compiles `tests/conformance/reports` (the Warnings Next Generation parsers that read
/// `lint --format checkstyle` and `--format junit`, and the JDK's XML Schema validator) into
/// `target/conformance/reports/warnings-ng`: the classpath to run `corsc.reports.Main` with.
pub fn report_consumers_classpath() -> Result<String, String> {
    maven_classpath("reports", "warnings-ng")
}

/// Compiles `tests/conformance/spring` with the Maven profile `profile` (its repository from
/// `CORSC_M2`, offline under `CORSC_MAVEN_OFFLINE=1`) into
/// `target/conformance/spring/<profile>`: the classpath to run it with, or why not.
pub fn spring_classpath(profile: &str) -> Result<String, String> {
    maven_classpath("spring", profile)
}

/// [`spring_classpath`] for the Spring Boot app, `tests/conformance/spring-boot`.
pub fn spring_boot_classpath(profile: &str) -> Result<String, String> {
    maven_classpath("spring-boot", profile)
}

/// Compiles the Maven app `tests/conformance/<app>` with `profile` into
/// `target/conformance/<app>/<profile>`: its classpath, or why not.
fn maven_classpath(app: &str, profile: &str) -> Result<String, String> {
    let out_dir = root().join("target/conformance").join(app).join(profile);
    let mut cmd = Command::new("mvn");
    cmd.current_dir(root().join("tests/conformance").join(app))
        .args(["-q", "-B", "-P", profile])
        .arg(format!("-Dcorsc.out={}", out_dir.display()));
    if let Some(m2) = std::env::var_os("CORSC_M2") {
        cmd.arg(format!("-Dmaven.repo.local={}", Path::new(&m2).display()));
    }
    if std::env::var("CORSC_MAVEN_OFFLINE").is_ok_and(|v| v == "1") {
        cmd.arg("-o");
    }
    cmd.args(["compile", "dependency:build-classpath"]);
    let out = cmd.output().map_err(|e| format!("mvn does not run: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "building tests/conformance/{app} ({profile}) failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let deps = std::fs::read_to_string(out_dir.join("classpath.txt"))
        .map_err(|e| format!("classpath.txt: {e}"))?;
    Ok(format!(
        "{}:{}",
        out_dir.join("classes").display(),
        deps.trim()
    ))
}
