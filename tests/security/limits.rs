//! Classes 5 and 6 of the attacks: small or odd inputs that exhaust the machine or crash corsc,
//! and lint-clean policies whose output the target refuses to load (a denial of service on
//! deploy).
//!
//! Class 6 runs the built `corsc` binary under a memory cap (`ulimit -v`), so exhaustion is a
//! failure rather than a slow test, and asserts the answer: a diagnostic with a code and exit
//! 1, or success for input that is legitimate; never a signal, a panic or a stack overflow. No
//! assertion is about time. Class 5 compiles values at each target's limits and loads the
//! output in the real engine or compiler (`nginx -t`, `apache2 -t`, `node --check`, Python's
//! `py_compile`, `gofmt -e`, `rustfmt`), and checks that one byte past the limit is refused
//! with a `P3xx` or `E119` instead.

use super::{engines, frameworks};

use corsc::check::limits::{
    MAX_ENTRIES, MAX_FILE_BYTES, MAX_NAME_BYTES, MAX_REGEX_WEIGHT, MAX_SET_DEPTH, MAX_VALUE_BYTES,
};
use corsc::emit::{Output, Shape};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The memory every command below must stay within, in KiB (a real run takes tens of MiB).
const MEMORY_CAP_KIB: u64 = 1536 * 1024;

/// The commands a CI job or pre-commit hook runs on a policy file.
fn commands() -> Vec<Vec<String>> {
    let mut v = vec![vec!["check".to_string()], vec!["lint".to_string()]];
    for t in corsc::emit::TARGETS {
        v.push(vec![
            "compile".to_string(),
            "--target".to_string(),
            t.id().to_string(),
        ]);
    }
    v
}

/// What one run of the binary did.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `corsc ARGS FILE` under the memory cap.
fn corsc_capped(args: &[String], file: &Path) -> Run {
    let bin = env!("CARGO_BIN_EXE_corsc");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_CAP_KIB}; exec \"$0\" \"$@\""))
        .arg(bin)
        .args(args)
        .arg("--color")
        .arg("never")
        .arg(file)
        .env_remove("CORSC_FORMAT")
        .output()
        .expect("sh runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Asserts that a run ended by itself (no signal, no panic, no allocation failure).
fn assert_no_crash(run: &Run, what: &str) {
    assert!(
        run.code.is_some(),
        "{what}: killed by a signal (stack overflow or memory exhausted)\n{}",
        tail(&run.stderr)
    );
    for bad in [
        "panicked",
        "overflowed its stack",
        "memory allocation",
        "RUST_BACKTRACE",
    ] {
        assert!(
            !run.stderr.contains(bad),
            "{what}: {bad}\n{}",
            tail(&run.stderr)
        );
    }
}

/// Asserts a refusal with `code`: exit 1 and the code in the report.
fn assert_refused(run: &Run, code: &str, what: &str) {
    assert_no_crash(run, what);
    assert_eq!(
        run.code,
        Some(1),
        "{what}: expected a refusal\n{}\n{}",
        tail(&run.stdout),
        tail(&run.stderr)
    );
    assert!(
        run.stdout.contains(code) || run.stderr.contains(code),
        "{what}: no {code} in the report\n{}\n{}",
        tail(&run.stdout),
        tail(&run.stderr)
    );
}

fn tail(s: &str) -> String {
    let start = s.len().saturating_sub(1500);
    let start = (start..=s.len())
        .find(|i| s.is_char_boundary(*i))
        .unwrap_or(0);
    s[start..].to_string()
}

fn write_policy(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// `levels` sets, each including the previous one twice: 2^levels entries if copied.
fn doubling_sets(levels: usize) -> String {
    let mut s = "origins s0 = \"https://a.example\"\n".to_string();
    for i in 1..=levels {
        let _ = writeln!(s, "origins s{i} = s{}, s{}", i - 1, i - 1);
    }
    let _ = writeln!(s, "policy p {{\n    origins s{levels}\n}}");
    s
}

/// `n` sets, each including the previous one and adding one origin.
fn chain_of_sets(n: usize) -> String {
    let mut s = "origins s0 = \"https://a0.example\"\n".to_string();
    for i in 1..n {
        let _ = writeln!(s, "origins s{i} = s{}, \"https://a{i}.example\"", i - 1);
    }
    let _ = writeln!(s, "policy p {{\n    origins s{}\n}}", n - 1);
    s
}

/// The diagnostic codes a run printed on either stream (`error[P301 target-cannot-express]` → `P301`), sorted
/// and without repeats.
fn codes(run: &Run) -> Vec<String> {
    let mut out: Vec<String> = format!("{}\n{}", run.stdout, run.stderr)
        .split('[')
        .skip(1)
        .filter_map(|rest| {
            let code = rest.split([' ', ']']).next()?;
            let b = code.as_bytes();
            (b.len() == 4 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit))
                .then(|| code.to_string())
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// What a command made of a file: its exit status and the codes it printed.
fn outcome(run: &Run) -> (Option<i32>, Vec<String>) {
    (run.code, codes(run))
}

/// An exact origin of exactly `len` bytes, made of DNS-sized labels.
fn origin_of_len(len: usize) -> String {
    let prefix = "https://";
    let suffix = ".example";
    let mut host = String::new();
    let body = len - prefix.len() - suffix.len();
    while host.len() < body {
        let room = body - host.len();
        if !host.is_empty() {
            if room < 2 {
                // never end on a dot: lengthen the previous label instead
                host.push('b');
                continue;
            }
            host.push('.');
        }
        let n = (body - host.len()).min(60);
        host.push_str(&"a".repeat(n));
    }
    let o = format!("{prefix}{host}{suffix}");
    assert_eq!(o.len(), len);
    o
}

/// A file that includes a set twice at every level, 40 levels deep (2^40 entries if each
/// reference copied the set), checks, lints and compiles in bounded memory.
#[test]
fn doubling_sets_are_resolved_once_not_copied() {
    let dir = tempfile::tempdir().unwrap();
    let text = doubling_sets(40);
    assert!(text.len() < 1100, "the attack is a small file");
    let f = write_policy(&dir, "double.cors", &text);
    // The same policy written small: what a command makes of it (compiled, or refused for
    // what the policy says, as a bucket refuses origins without credentials) is what it must
    // make of the attack. Its size may change nothing.
    let small = write_policy(&dir, "small.cors", &doubling_sets(1));
    for args in commands() {
        let run = corsc_capped(&args, &f);
        assert_no_crash(&run, &format!("{args:?}"));
        let twin = corsc_capped(&args, &small);
        assert_eq!(
            outcome(&run),
            outcome(&twin),
            "{args:?}: the attack and its small twin differ\n{}\n{}",
            tail(&run.stdout),
            tail(&run.stderr)
        );
        assert!(
            run.code == Some(0) || codes(&run) == ["P301"],
            "{args:?}\n{}",
            tail(&run.stderr)
        );
    }
}

/// Chains of thousands of sets (cubic when copied, a stack overflow when resolved by
/// recursion) are refused with E119 by every command, without crashing.
#[test]
fn long_chains_of_sets_are_refused_with_a_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    for n in [400, 5_400, 20_000] {
        let f = write_policy(&dir, &format!("chain{n}.cors"), &chain_of_sets(n));
        for args in commands() {
            let run = corsc_capped(&args, &f);
            assert_refused(&run, "E119", &format!("chain of {n} sets, {args:?}"));
        }
    }
}

/// Sets nested exactly as deep as corsc allows still resolve, and one level more is refused.
#[test]
fn sets_nested_to_the_depth_limit_resolve_and_one_more_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ok = write_policy(&dir, "ok.cors", &chain_of_sets(MAX_SET_DEPTH));
    let run = corsc_capped(&["check".to_string()], &ok);
    assert_no_crash(&run, "at the limit");
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    let over = write_policy(&dir, "over.cors", &chain_of_sets(MAX_SET_DEPTH + 1));
    let run = corsc_capped(&["check".to_string()], &over);
    assert_refused(&run, "E119", "one level past the limit");
}

/// A cycle of thousands of sets is found without recursion and reported in a message of
/// bounded size.
#[test]
fn a_long_cycle_of_sets_is_reported_briefly() {
    let dir = tempfile::tempdir().unwrap();
    let n = 10_000;
    let mut s = String::new();
    for i in 0..n {
        let _ = writeln!(
            s,
            "origins s{i} = s{}, \"https://a{i}.example\"",
            (i + 1) % n
        );
    }
    s.push_str("policy p {\n    origins s0\n}\n");
    let f = write_policy(&dir, "cycle.cors", &s);
    let run = corsc_capped(&["check".to_string()], &f);
    assert_refused(&run, "E106", "a cycle of 10,000 sets");
    assert!(run.stdout.len() < 20_000, "{}", tail(&run.stdout));
}

/// An origin of 70,000 characters (an alignment width past 65,535 panicked nginx and Go) is
/// refused with E119 by every command.
#[test]
fn an_origin_of_70000_characters_is_refused_by_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let f = write_policy(
        &dir,
        "long.cors",
        &format!(
            "policy p {{\n    origins \"{}\"\n}}\n",
            origin_of_len(70_000)
        ),
    );
    for args in commands() {
        let run = corsc_capped(&args, &f);
        assert_refused(&run, "E119", &format!("{args:?}"));
    }
}

/// A file whose policies resolve to more origin entries than corsc accepts (one set used by
/// many policies) is refused with E119 in bounded memory.
#[test]
fn a_file_resolving_to_too_many_entries_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let per_set = 20_000;
    let policies = MAX_ENTRIES / per_set + 1;
    let mut s = "origins big = [\n".to_string();
    for i in 0..per_set {
        let _ = writeln!(s, "    \"https://app{i}.example.com\",");
    }
    s.push_str("]\n");
    for i in 0..policies {
        let _ = writeln!(
            s,
            "policy p{i} {{\n    paths \"/p{i}/*\"\n    origins big\n}}"
        );
    }
    let f = write_policy(&dir, "wide.cors", &s);
    let run = corsc_capped(&["check".to_string()], &f);
    assert_refused(&run, "E119", "entries past the limit");
}

/// `check` and `lint` check the base policies and then every profile: a large allowlist with
/// a hundred empty profiles (a few bytes each) multiplies the work a hundredfold, and is
/// refused with E119; the same allowlist with a handful of profiles is fine.
#[test]
fn profiles_cannot_multiply_the_work_without_bound() {
    let dir = tempfile::tempdir().unwrap();
    let file = |profiles: usize| {
        let mut s = "origins big = [\n".to_string();
        for i in 0..20_000 {
            let _ = writeln!(s, "    \"https://app{i}.example.com\",");
        }
        s.push_str("]\n");
        for p in 0..10 {
            let _ = writeln!(s, "policy p{p} {{\n    paths \"/p{p}/*\"\n    origins big");
            if p == 0 {
                for i in 0..profiles {
                    let _ = writeln!(s, "    profile x{i} {{ }}");
                }
            }
            s.push_str("}\n");
        }
        s
    };
    let many = write_policy(&dir, "many.cors", &file(100));
    for cmd in ["check", "lint"] {
        let run = corsc_capped(&[cmd.to_string()], &many);
        assert_refused(&run, "E119", &format!("{cmd} with 100 profiles"));
    }
    let few = write_policy(&dir, "few.cors", &file(4));
    let run = corsc_capped(&["lint".to_string()], &few);
    assert_no_crash(&run, "lint with 4 profiles");
    assert_eq!(run.code, Some(0), "{}", tail(&run.stdout));
}

/// A 100,000-origin allowlist (a large SaaS) is legitimate: it checks and compiles in bounded
/// memory.
#[test]
fn a_large_legitimate_allowlist_compiles() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = "origins customers = [\n".to_string();
    for i in 0..100_000 {
        let _ = writeln!(s, "    \"https://tenant{i}.example.com\",");
    }
    s.push_str("]\npolicy api {\n    origins customers\n    credentials true\n}\n");
    let f = write_policy(&dir, "saas.cors", &s);
    for args in [
        vec!["check".to_string()],
        vec!["compile".into(), "--target".into(), "nginx".into()],
    ] {
        let run = corsc_capped(&args, &f);
        assert_no_crash(&run, &format!("{args:?}"));
        assert_eq!(run.code, Some(0), "{args:?}: {}", tail(&run.stdout));
    }
}

/// Thousands of findings on one long line (origins generated onto a single line) print an
/// excerpt of the line for each, not the whole line each time (output quadratic in the line).
#[test]
fn findings_on_one_long_line_print_an_excerpt_not_the_whole_line() {
    let dir = tempfile::tempdir().unwrap();
    let origins: Vec<String> = (0..2_000)
        .map(|i| format!("\"http://app{i}.example.com\""))
        .collect();
    let text = format!("policy p {{\n    origins {}\n}}\n", origins.join(", "));
    let f = write_policy(&dir, "oneline.cors", &text);
    let run = corsc_capped(&["lint".to_string()], &f);
    assert_no_crash(&run, "lint");
    assert_eq!(
        run.stdout.matches("S103").count(),
        2_000,
        "one finding per origin\n{}",
        tail(&run.stdout)
    );
    // 2,000 findings of a few hundred bytes each; the whole line each time would be 120 MB.
    assert!(
        run.stdout.len() < 2_000 * 1_000,
        "{} bytes of output",
        run.stdout.len()
    );
}

/// A root policy with hundreds of policies under it: Apache's section for the root clears
/// every nested policy's flags (found by one sweep over the scopes, not by comparing every
/// scope with every other), and the configuration loads.
#[test]
fn hundreds_of_nested_policies_load_in_apache() {
    let mut s = "policy root {\n    origins \"https://www.example.com\"\n}\n".to_string();
    for i in 0..300 {
        let _ = writeln!(
            s,
            "policy tenant_api_number_{i} {{\n    paths \"/api/t{i}/*\"\n    origins \"https://t{i}.example.com\"\n}}"
        );
    }
    let out = compile(&s, "apache").expect("compiles");
    if let Some(r) = load("apache", &out, "hundreds_of_nested_policies_load_in_apache") {
        r.unwrap_or_else(|e| panic!("does not load:\n{}", tail(&e)));
    }
}

/// Scopes nested hundreds deep would make Apache's output quadratic (each section names every
/// overlapping policy): past the target's budget the plan refuses with P301; thousands of
/// scopes that do not overlap compile in bounded memory for every target that compiles two of
/// them, unless past a budget the target names.
#[test]
fn nested_scopes_past_apaches_budget_are_refused_and_flat_ones_compile() {
    let mut nested = String::new();
    for i in 1..=600 {
        let _ = writeln!(
            nested,
            "policy p{i} {{\n    paths \"/{}*\"\n    origins \"https://a.example\"\n}}",
            "a/".repeat(i)
        );
    }
    let d = compile(&nested, "apache").expect_err("refused");
    assert!(
        d.iter().any(|d| d.code == "P301"),
        "{:?}",
        d.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
    let dir = tempfile::tempdir().unwrap();
    let flat_policies = |n: usize| {
        let mut flat = String::new();
        for i in 0..n {
            let _ = writeln!(
                flat,
                "policy p{i} {{\n    paths \"/p{i}/*\", \"/q{i}\"\n    origins \"https://a{i}.example.com\", \"https://*.b{i}.example.com\"\n}}"
            );
        }
        flat
    };
    let f = write_policy(&dir, "flat.cors", &flat_policies(8_000));
    let small = write_policy(&dir, "small.cors", &flat_policies(2));
    for args in commands() {
        let run = corsc_capped(&args, &f);
        assert_no_crash(&run, &format!("{args:?}"));
        // What a command makes of two such policies it makes of 8,000, but for a target's
        // stated budget: a refusal the small twin does not get must name the number it is
        // past ("at most 500 scopes").
        let twin = corsc_capped(&args, &small);
        let same = outcome(&run) == outcome(&twin);
        let budget = twin.code == Some(0)
            && run.code == Some(1)
            && codes(&run) == ["P301"]
            && run.stderr.contains("at most ");
        assert!(
            same || budget,
            "{args:?}: 8,000 policies {:?}, two {:?}\n{}",
            outcome(&run),
            outcome(&twin),
            tail(&run.stderr)
        );
        assert!(
            run.code == Some(0) || codes(&run) == ["P301"],
            "{args:?}: {}",
            tail(&run.stderr)
        );
    }
}

/// Every kind of value, name and reason past its size limit is refused by the checker with
/// E119 (and one byte shorter is accepted).
#[test]
fn every_value_and_name_past_its_size_limit_is_refused() {
    let v = MAX_VALUE_BYTES;
    let n = MAX_NAME_BYTES;
    let cases = |extra: usize| -> Vec<(&'static str, String)> {
        let long = |len: usize| "a".repeat(len);
        vec![
            ("origin", format!("policy p {{\n    origins \"{}\"\n}}\n", origin_of_len(v + extra))),
            (
                "regex",
                format!("policy p {{\n    origins regex \"^https://{}$\"\n}}\n", long(v + extra - 10)),
            ),
            (
                "path",
                format!("policy p {{\n    paths \"/{}\"\n    origins \"https://a.example\"\n}}\n", long(v + extra - 1)),
            ),
            (
                "header",
                format!("policy p {{\n    origins \"https://a.example\"\n    request-headers {}\n}}\n", long(v + extra)),
            ),
            (
                "method",
                format!("policy p {{\n    origins \"https://a.example\"\n    methods {}\n}}\n", long(v + extra).to_uppercase()),
            ),
            (
                "policy name",
                format!("policy {} {{\n    origins \"https://a.example\"\n}}\n", long(n + extra)),
            ),
            (
                "set name",
                format!("origins {} = \"https://a.example\"\npolicy p {{\n    origins {}\n}}\n", long(n + extra), long(n + extra)),
            ),
            (
                "reason",
                format!("@allow(null-origin, reason = \"{}\")\npolicy p {{\n    origins \"https://a.example\"\n}}\n", long(v + extra)),
            ),
        ]
    };
    let codes = |text: &str| -> Vec<String> {
        let src = corsc::source::Source::new("t.cors", text.to_string());
        match corsc::syntax::parse(&src) {
            Ok(file) => corsc::check::check(&file, None)
                .diagnostics
                .iter()
                .map(|d| d.code.to_string())
                .collect(),
            Err(d) => d.iter().map(|d| d.code.to_string()).collect(),
        }
    };
    for (what, text) in cases(1) {
        assert!(
            codes(&text).iter().any(|c| c == "E119"),
            "{what} past the limit: {:?}",
            codes(&text)
        );
    }
    for (what, text) in cases(0) {
        assert!(
            !codes(&text).iter().any(|c| c == "E119"),
            "{what} at the limit: {:?}",
            codes(&text)
        );
    }
}

/// The codes `corsc check` reports for a policy text (which must parse).
fn check_codes(text: String) -> Vec<String> {
    let src = corsc::source::Source::new("t.cors", text);
    let file = corsc::syntax::parse(&src).expect("parses");
    corsc::check::check(&file, None)
        .diagnostics
        .iter()
        .map(|d| d.code.to_string())
        .collect()
}

/// A regex that is small as text but huge once its repetitions are expanded (PCRE2 and Rust,
/// which the evaluator uses, refuse to compile it; the evaluator then says "no match" while
/// another engine matches) is refused with E119; one at the bound is accepted.
#[test]
fn regexes_huge_once_expanded_are_refused() {
    let codes =
        |regex: &str| check_codes(format!("policy p {{\n    origins regex \"{regex}\"\n}}\n"));
    assert!(codes(r"^https://(a{1000}){1000}$").contains(&"E119".to_string()));
    assert!(codes(r"^https://\w{1000}$").contains(&"E119".to_string()));
    // 18 bytes of literal and anchors around the repetition.
    let at = MAX_REGEX_WEIGHT as usize - 18;
    assert!(codes(&format!(r"^https://a{{{at}}}\.example$")).is_empty());
    assert!(codes(&format!(r"^https://a{{{}}}\.example$", at + 1)).contains(&"E119".to_string()));
}

/// Go's RE2 refuses repetition counts over 1000 when the generated program starts
/// (`regexp.MustCompile` panics): the plan refuses them for Go with P302, other targets accept.
#[test]
fn repetition_counts_go_refuses_are_refused_in_the_plan() {
    let text = |n: usize| {
        format!("policy p {{\n    origins regex \"^https://a{{{n}}}\\\\.example$\"\n}}\n")
    };
    let over = compile(&text(1001), "go").expect_err("refused for Go");
    assert!(over.iter().any(|d| d.code == "P302"), "{over:?}");
    compile(&text(1000), "go").expect("1000 is fine for Go");
    compile(&text(1001), "nginx").expect("PCRE accepts 1001");
}

/// A file past the size limit is refused before it is parsed.
#[test]
fn a_file_past_the_size_limit_is_refused_before_parsing() {
    let mut text = "policy p {\n    origins \"https://a.example\"\n}\n".to_string();
    text.push_str(&"#".repeat(MAX_FILE_BYTES + 1 - text.len()));
    let src = corsc::source::Source::new("big.cors", text);
    let diags = corsc::syntax::parse(&src).expect_err("refused");
    assert_eq!(diags[0].code, "E119");
}

// ---------------------------------------------------------------------------------------
// Class 5: what a target accepts loads, what it cannot load is refused in the plan.
// ---------------------------------------------------------------------------------------

/// How a target's output is loaded by its own engine or compiler.
fn load(target: &str, out: &Output, test: &str) -> Option<Result<(), String>> {
    let dir = tempfile::tempdir().unwrap();
    let write = |part: &corsc::emit::Part| {
        let p = dir.path().join(part.file_name);
        std::fs::write(&p, &part.text).unwrap();
        p
    };
    let run = |cmd: &mut Command| -> Result<(), String> {
        let o = cmd.output().map_err(|e| e.to_string())?;
        if o.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ))
        }
    };
    match target {
        "nginx" => {
            let bin = engines::require(engines::Engine::Nginx, test)?;
            Some(engines::nginx_test(&bin, out).map(drop))
        }
        "apache" => {
            let bin = engines::require(engines::Engine::Apache, test)?;
            Some(engines::apache_test(&bin, out).map(drop))
        }
        "express" | "fastify" | "koa" => {
            let node = frameworks::require(frameworks::Runtime::Node, &[], test)?;
            Some(
                out.parts
                    .iter()
                    .try_for_each(|part| run(Command::new(&node).arg("--check").arg(write(part)))),
            )
        }
        "django" | "flask" | "starlette" => {
            let py = frameworks::require(frameworks::Runtime::Python, &["sys"], test)?;
            Some(out.parts.iter().try_for_each(|part| {
                run(Command::new(&py)
                    .args(["-m", "py_compile"])
                    .arg(write(part)))
            }))
        }
        "go" => {
            tool("gofmt", test)?;
            Some(out.parts.iter().try_for_each(|part| {
                run(Command::new("gofmt").args(["-e", "-l"]).arg(write(part)))
            }))
        }
        "actix" | "tower-http" => {
            tool("rustfmt", test)?;
            Some(out.parts.iter().try_for_each(|part| {
                run(Command::new("rustfmt")
                    .args(["--edition", "2021", "--emit", "stdout"])
                    .arg(write(part)))
            }))
        }
        _ => {
            // Spring: `javac` cannot compile the configuration without Spring on the class
            // path; its strings are Java-escaped by the renderer.
            eprintln!("{test}: no loader for {target}; only the plan is checked");
            None
        }
    }
}

/// A tool on `PATH`, or `None` after saying why (a failure under `CORSC_REQUIRE_ENGINES=1`).
fn tool(name: &str, test: &str) -> Option<()> {
    let ok = Command::new(name)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success() || !o.stderr.is_empty() || !o.stdout.is_empty());
    if ok {
        return Some(());
    }
    let required = std::env::var("CORSC_REQUIRE_ENGINES").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "{test}: `{name}` is not installed and CORSC_REQUIRE_ENGINES=1"
    );
    eprintln!("skipping {test}: `{name}` is not installed");
    None
}

/// Compiles policy text for a target (include shape, or the only shape the target has).
fn compile(text: &str, target: &str) -> Result<Output, Vec<corsc::diagnostics::Diagnostic>> {
    let t = corsc::emit::find(target).expect("registered target");
    let shape = if t.capabilities().shapes.contains(&Shape::Include) {
        Shape::Include
    } else {
        t.capabilities().shapes[0]
    };
    engines::compile_text(
        "limits.cors",
        text,
        text.as_bytes(),
        None,
        target,
        shape,
        "127.0.0.1:8080",
    )
}

/// The longest value a target accepts in one token: its syntax limit or the checker's.
fn max_value(target: &str) -> usize {
    let t = corsc::emit::find(target).expect("registered target");
    t.capabilities().syntax.max_token.min(MAX_VALUE_BYTES)
}

/// A policy with an origin, a path scope and a header list each `len` bytes long as the
/// target writes them.
fn sized_policy(len: usize) -> String {
    // A prefix scope is written `^/aaa…/` as a regex: one byte more than the path.
    let path = format!("/{}/", "a".repeat(len - 3));
    format!(
        "policy p {{\n    paths \"{path}*\"\n    origins \"{}\"\n    request-headers {}\n    expose-headers {}\n}}\n",
        origin_of_len(len),
        "x".repeat(len),
        "y".repeat(len),
    )
}

/// For every target, an origin, a path and header lists at the longest length it accepts
/// compile and load in the real engine or compiler; one byte more is refused with a P302 or
/// E119 instead of an output the engine refuses ("too long parameter").
#[test]
fn values_at_each_targets_limit_load_and_one_byte_more_is_refused() {
    for t in corsc::emit::TARGETS {
        let id = t.id();
        let max = max_value(id);
        let test = format!("values_at_each_targets_limit_load ({id})");
        match compile(&sized_policy(max), id) {
            Ok(out) => {
                if let Some(r) = load(id, &out, &test) {
                    r.unwrap_or_else(|e| {
                        panic!("{id}: values of {max} bytes do not load:\n{}", tail(&e))
                    });
                }
            }
            Err(d) => {
                // A target may refuse the policy for another reason (a feature it lacks), but
                // never for the size it declares it accepts.
                assert!(
                    d.iter().all(|d| d.code == "P301"),
                    "{id}: values of {max} bytes refused: {:?}",
                    d.iter()
                        .map(|d| (d.code.to_string(), d.message.clone()))
                        .collect::<Vec<_>>()
                );
            }
        }
        let over = compile(&sized_policy(max + 1), id).expect_err("one byte past the limit");
        assert!(
            over.iter().any(|d| d.code == "P302" || d.code == "E119"),
            "{id}: {:?}",
            over.iter()
                .map(|d| (d.code.to_string(), d.message.clone()))
                .collect::<Vec<_>>()
        );
    }
}

/// Regexes with characters and escapes some engine or source language refuses (`\u2028`,
/// which PCRE rejects; a raw U+FEFF, which Go rejects in source; raw line and paragraph
/// separators, which end a JavaScript line; nested classes PCRE reads differently) are, for
/// every target, either refused in the plan or written so that the output loads.
#[test]
fn hostile_regex_characters_are_refused_or_load_on_every_target() {
    let regexes = [
        r"^https://a\.example(\u2028)?$",
        r"^https://a\.example(\u{2028})?$",
        r"^https://a\.example(\x{2028})?$",
        "^https://a\\.example(\u{feff})?$",
        "^https://a\\.example(\u{2028}|\u{2029})?$",
        r"^https://[a[b]]\.example$",
        r"^https://\p{L}+\.example$",
        r"^https://a\.example\<$",
        "^https://a\\.example(\u{85})?$",
        "^https://a\\.example(\u{200b}\u{202e})?$",
    ];
    for t in corsc::emit::TARGETS {
        let id = t.id();
        for r in regexes {
            let text = format!(
                "policy p {{\n    origins \"https://b.example\", regex \"{}\"\n}}\n",
                r.replace('\\', "\\\\").replace('"', "\\\"")
            );
            let test = format!("hostile regex {} on {id}", r.escape_debug());
            match compile(&text, id) {
                Ok(out) => {
                    if let Some(res) = load(id, &out, &test) {
                        res.unwrap_or_else(|e| {
                            panic!("{test}: output does not load:\n{}", tail(&e))
                        });
                    }
                }
                Err(d) => assert!(
                    d.iter()
                        .all(|d| d.code.starts_with('P') || d.code.starts_with('E')),
                    "{test}: {:?}",
                    d.iter().map(|d| d.code.to_string()).collect::<Vec<_>>()
                ),
            }
        }
    }
}

/// Case-insensitive matching makes the regex parser fold the case of every code point a class
/// covers, one by one: `(?i)[\x{0}-\x{10FFFF}]` is a 22-byte regex that costs milliseconds,
/// and a file of them (or of nested and negated classes, folded again at each level) took
/// seconds per kilobyte. The checker estimates the folding from the syntax tree, before any
/// translation, and refuses a file whose regexes would fold more than its budget.
#[test]
fn case_insensitive_wide_classes_are_refused_before_they_are_folded() {
    let codes_of = check_codes;
    let one = |regex: &str| codes_of(format!("policy p {{\n    origins regex \"{regex}\"\n}}\n"));
    let e119 = "E119".to_string();
    // The whole code space, folded once.
    assert!(one(r"^https://(?i)[\\x{0}-\\x{10FFFF}]\\.example$").contains(&e119));
    assert!(one(r"(?i:^https://\\p{Any}\\.example$)").contains(&e119));
    // A negated class inside another is the whole code space less one letter, folded again.
    assert!(one(r"^https://(?i)[[^a]]\\.example$").contains(&e119));
    assert!(one(r"^https://(?i)[a[^b]--c]\\.example$").contains(&e119));
    // Each regex under the budget, forty of them over it: the budget is the file's.
    let many: String = (0..40)
        .map(|i| format!("policy p{i} {{\n    paths \"/p{i}/*\"\n    origins regex \"^https://(?i)[\\\\x{{0}}-\\\\x{{FFFF}}]{i}\\\\.example$\"\n}}\n"))
        .collect();
    let codes = codes_of(many.clone());
    assert!(codes.contains(&e119), "{codes:?}");
    assert!(codes.iter().all(|c| c == "E119"), "{codes:?}");
    let few: String = many.split_inclusive("}\n").take(3).collect();
    assert_eq!(codes_of(few.clone()), Vec::<String>::new(), "{few}");
    // The same classes matched case-sensitively cost nothing to translate, and the
    // case-insensitive regexes people write are far inside the budget.
    assert!(one(r"^https://[\\x{0}-\\x{10FFFF}]\\.example$").is_empty());
    assert!(one(r"(?i)^https://([a-z0-9-]+\\.)*example\\.com$").is_empty());
    assert!(one(r"(?i)^https://[\\w-]+\\.example\\.com$").is_empty());
    assert!(one(r"^https://(?i:[^.]+)\\.example\\.com$").is_empty());
}
