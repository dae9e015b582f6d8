//! Every generated configuration passes the engine's own check: `nginx -t` and `apache2 -t`
//! with a wrapper configuration in a temporary directory. Without the engine installed these
//! tests say why they skip; with `CORSC_REQUIRE_ENGINES=1` a missing engine fails them.

mod support;
use support::engines;

use corsc::emit::Shape;
use engines::{
    apache_test, compile, compile_text, nginx_test, policy_files, profiles, require, Engine,
};

fn all_outputs(target: &str, shapes: &[Shape]) -> Vec<(String, corsc::emit::Output)> {
    let mut v = Vec::new();
    for path in policy_files() {
        let mut runs: Vec<Option<String>> = vec![None];
        runs.extend(profiles(&path).into_iter().map(Some));
        for profile in &runs {
            for shape in shapes {
                let out = compile(&path, profile.as_deref(), target, *shape, "127.0.0.1:8080")
                    .expect("compiles");
                v.push((
                    format!("{} {profile:?} {}", path.display(), shape.as_str()),
                    out,
                ));
            }
        }
    }
    v
}

#[test]
fn every_nginx_config_passes_nginx_t_without_warnings() {
    let Some(bin) = require(Engine::Nginx, "nginx -t") else {
        return;
    };
    let outputs = all_outputs("nginx", &[Shape::Include, Shape::Server, Shape::Snippet]);
    assert!(outputs.len() >= 10);
    for (what, out) in &outputs {
        match nginx_test(&bin, out) {
            Ok(report) => {
                assert!(report.contains("test is successful"), "{what}: {report}");
                assert!(!report.contains("[warn]"), "{what}: {report}");
            }
            Err(e) => panic!("{what}: nginx -t failed:\n{e}\n{}", out.joined()),
        }
    }
    eprintln!("nginx -t: {} configurations passed", outputs.len());
}

#[test]
fn every_apache_config_passes_apache2_t() {
    let Some(bin) = require(Engine::Apache, "apache2 -t") else {
        return;
    };
    let outputs = all_outputs("apache", &[Shape::Include]);
    assert!(outputs.len() >= 5);
    for (what, out) in &outputs {
        match apache_test(&bin, out) {
            Ok(report) => assert!(report.contains("Syntax OK"), "{what}: {report}"),
            Err(e) => panic!("{what}: apache2 -t failed:\n{e}\n{}", out.joined()),
        }
    }
    eprintln!("apache2 -t: {} configurations passed", outputs.len());
}

/// A policy with this many exact origins, each of a realistic length.
fn many_origins(n: usize) -> String {
    let mut s = String::from("policy big {\n    paths \"/api/*\"\n    origins [\n");
    for i in 0..n {
        s.push_str(&format!(
            "        \"https://tenant-{i:05}.customers.example-saas-platform.com\",\n"
        ));
    }
    s.push_str("    ]\n    methods PUT\n}\n");
    s
}

#[test]
fn ten_thousand_exact_origins_load_without_a_hash_warning() {
    let Some(bin) = require(Engine::Nginx, "nginx hash sizes") else {
        return;
    };
    let text = many_origins(10_000);
    let out = compile_text(
        "big.cors",
        &text,
        text.as_bytes(),
        None,
        "nginx",
        Shape::Server,
        "127.0.0.1:8080",
    )
    .expect("compiles");
    let report = nginx_test(&bin, &out).unwrap_or_else(|e| panic!("nginx -t failed: {e}"));
    assert!(report.contains("test is successful"), "{report}");
    assert!(!report.contains("could not build"), "{report}");
    assert!(!report.contains("[warn]"), "{report}");
}

#[test]
fn ten_thousand_exact_origins_pass_apache2_t() {
    let Some(bin) = require(Engine::Apache, "apache2 long lists") else {
        return;
    };
    let text = many_origins(10_000);
    let out = compile_text(
        "big.cors",
        &text,
        text.as_bytes(),
        None,
        "apache",
        Shape::Include,
        "127.0.0.1:8080",
    )
    .expect("compiles");
    let report = apache_test(&bin, &out).unwrap_or_else(|e| panic!("apache2 -t failed: {e}"));
    assert!(report.contains("Syntax OK"), "{report}");
}
