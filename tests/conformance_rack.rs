//! The `rails` target (alias `rack`) proven on rack-cors itself: Debian 12's `ruby-rack-cors`
//! 1.1.1 on Rack 2.2 served by Puma 5.6, Ruby 3.1. Every example policy the plan accepts, the
//! hostile-name files and 100+ random policies are compiled to `config/initializers/cors.rb`
//! (the include shape), and the examples and hostile-name files also to a `config.ru` (the
//! server shape). Each file passes `ruby -wc`, is loaded unchanged by
//! `tests/conformance/rack/serve.rb` (the initializer through a stub of
//! `Rails.application.config.middleware`, which hands its `Rack::Cors` block to
//! `Rack::Cors.new` as Rails does; Rails itself is not loaded), served on ephemeral ports of
//! 127.0.0.1 by one `Puma::Server` each inside one Ruby process, and verified with `corsc::eval::live::verify`: zero
//! mismatches.
//!
//! Needs `ruby` with the `rack`, `rack-cors` and `puma` libraries (`apt-get install ruby
//! ruby-rack ruby-rack-cors puma`, as `.ci/run` does). Without them the test says why
//! it skips; with `CORSC_REQUIRE_ENGINES=1` it fails instead.

mod support;
use support::{conformance, frameworks, random_policy};

use corsc::emit::{Options, Provenance, Shape};
use corsc::pipeline::{self, LintErrors};
use frameworks::{corpus, examples, hostile_name_sets, root, start, Compiled, Corpus, Tally};
use random_policy::{policy_text, Features};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The `--target` value.
const TARGET: &str = "rails";
const RANDOM_SEEDS: u64 = 150;
const RANDOM_MIN: usize = 100;

/// What `ruby` reports about itself and the libraries, or `None` after saying why the test
/// skips.
fn require_ruby(test: &str) -> Option<String> {
    let required = std::env::var("CORSC_REQUIRE_ENGINES").is_ok_and(|v| v == "1");
    let probe = Command::new("ruby")
        .args([
            "-e",
            "require 'rack'; require 'rack/cors'; require 'rack/cors/version'; require 'puma'; \
             print \"Ruby #{RUBY_VERSION} / rack-cors #{Rack::Cors::VERSION} / Rack #{Rack.release} / Puma #{Puma::Const::PUMA_VERSION}\"",
        ])
        .output();
    match probe {
        Ok(o) if o.status.success() => Some(String::from_utf8_lossy(&o.stdout).into_owned()),
        _ => {
            let why = "`ruby` with rack, rack-cors and puma is not installed \
                       (apt-get install ruby ruby-rack ruby-rack-cors puma)";
            assert!(!required, "{test}: {why}, and CORSC_REQUIRE_ENGINES=1");
            eprintln!("skipping {test}: {why} (set CORSC_REQUIRE_ENGINES=1 to fail instead)");
            None
        }
    }
}

/// The example and hostile-name policies compiled in the server shape (`config.ru`).
fn server_shapes() -> Vec<Compiled> {
    let mut out = Vec::new();
    let named = examples()
        .into_iter()
        .chain(hostile_name_sets().into_iter().map(|(n, t)| (n, t, None)));
    for (name, text, profile) in named {
        let src = corsc::source::Source::new(&name, text.clone());
        let file = pipeline::parse(&src).expect("parses");
        let t = corsc::emit::find(TARGET).expect("registered");
        let prov = Provenance::new(&name, text.as_bytes(), profile.clone());
        let options = Options {
            shape: Shape::Server,
            ..Options::default()
        };
        if let Ok(c) = pipeline::compile(
            &file,
            profile.as_deref(),
            t,
            &options,
            &prov,
            LintErrors::Allow,
        ) {
            out.push(Compiled {
                name: format!("{name} (config.ru)"),
                text,
                set: c.policies,
                output: c.output,
            });
        }
    }
    out
}

/// Writes each compiled file into `dir` (`p<k>.rb` or `p<k>.ru`) and checks it with
/// `ruby -wc`: valid Ruby, and not one warning.
fn write_and_check(dir: &Path, compiled: &[Compiled]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for (k, c) in compiled.iter().enumerate() {
        let [part] = c.output.parts.as_slice() else {
            panic!("{}: expected one part", c.name);
        };
        let ext = if part.file_name == "config.ru" {
            "ru"
        } else {
            "rb"
        };
        let path = dir.join(format!("p{k}.{ext}"));
        std::fs::write(&path, &part.text).expect("write");
        let o = Command::new("ruby")
            .arg("-wc")
            .arg(&path)
            .output()
            .expect("ruby runs");
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(
            o.status.success() && stderr.trim().is_empty(),
            "{}: ruby -wc: {}{stderr}\n{}",
            c.name,
            String::from_utf8_lossy(&o.stdout),
            part.text
        );
        files.push(path);
    }
    files
}

#[test]
fn rack_cors_matches_the_evaluator() {
    let test = "rails (rack-cors) conformance";
    let Some(installed) = require_ruby(test) else {
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
        TARGET,
        RANDOM_SEEDS,
        |seed| policy_text(seed, &Features::all()),
        &mut tally,
    );
    let servers = server_shapes();
    let n_servers = servers.len();
    let mut all = accepted;
    all.extend(servers);
    let tmp = tempfile::Builder::new()
        .prefix("corsc-rack-")
        .tempdir()
        .expect("temp dir");
    let files = write_and_check(tmp.path(), &all);
    let mut cmd = Command::new("ruby");
    cmd.arg(root().join("tests/conformance/rack/serve.rb"))
        .args(&files)
        .current_dir(tmp.path());
    let app = start(cmd, files.len(), Duration::from_secs(60)).unwrap_or_else(|e| panic!("{e}"));
    for (c, port) in all.iter().zip(&app.ports) {
        tally.verify(TARGET, &c.name, &c.set, &c.text, *port);
    }
    drop(app);
    println!(
        "rails ({installed}): {examples_accepted} examples and hostile-name files ({examples_refused} refused) + {random_accepted} random of {RANDOM_SEEDS} ({} refused) as initializers, {n_servers} as config.ru; {} verified, {} probes, {} mismatching policies; {:?}",
        RANDOM_SEEDS as usize - random_accepted,
        tally.verified,
        tally.probes,
        tally.failures.len(),
        started.elapsed()
    );
    for (label, why) in &tally.refused {
        eprintln!("  refused {label}: {why}");
    }
    assert!(
        tally.failures.is_empty(),
        "{} policies differ from the evaluator on {installed}:\n{}",
        tally.failures.len(),
        tally.failures.join("\n\n")
    );
    assert_eq!(tally.verified, all.len());
    assert!(
        examples_accepted >= 5,
        "only {examples_accepted} examples compiled"
    );
    assert!(
        random_accepted >= RANDOM_MIN,
        "only {random_accepted} random policies compiled"
    );
}

/// The targets this harness runs are its entry in `support/conformance.rs`, and every
/// registered target has a harness.
#[test]
fn covers_the_targets_its_entry_lists() {
    conformance::assert_covers(env!("CARGO_CRATE_NAME"), &[TARGET]);
}

/// Hostile strings written with the Ruby literal escaper read back byte for byte in Ruby
/// itself, and nothing interpolates: quotes, backslashes, `#{`, `#@`, `#$`, a line end, NUL,
/// U+2028, non-ASCII, and the ends of strings and regexes.
#[test]
fn ruby_literals_read_back_exactly() {
    let Some(_) = require_ruby("ruby literal round trip") else {
        return;
    };
    let hostile = [
        "a\"b",
        "back\\slash\\",
        "#{exit!(3)}",
        "#@x #$0 \\#{1}",
        "line\nend\r\n",
        "nul\0byte",
        "sep\u{2028}\u{2029}",
        "caf\u{e9} \u{1f600}",
        "\u{7f}\u{1b}[0m",
        "\"; exit!(4); \"",
        "end\n__END__\n",
    ];
    let mut script = String::from("$stdout.binmode\n");
    for s in hostile {
        script.push_str(&format!(
            "$stdout.write({}.b.unpack1(\"H*\"), \"\\n\")\n",
            corsc::emit::lang::strings::ruby(s)
        ));
    }
    let o = Command::new("ruby")
        .args(["-e", &script])
        .output()
        .expect("ruby runs");
    assert!(
        o.status.success(),
        "{}\n{script}",
        String::from_utf8_lossy(&o.stderr)
    );
    let got: Vec<&str> = std::str::from_utf8(&o.stdout)
        .expect("hex")
        .lines()
        .collect();
    let want: Vec<String> = hostile
        .iter()
        .map(|s| s.bytes().map(|b| format!("{b:02x}")).collect())
        .collect();
    assert_eq!(got, want, "{script}");
}
