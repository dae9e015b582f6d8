//! `corsc import --from ingress-nginx`: every example Ingress under
//! `policies/imports/ingress-nginx/` imported and linted (snapshots), the controller's traps
//! one test each, a fuzz property, and the migration proved end to end: the imported policy,
//! compiled to nginx and run on real nginx, answers as the policy says (`corsc verify`, zero
//! mismatches) for every example.

mod support;
use support::import_fixtures::{self, checked, codes};
use support::{cli, engines, frameworks};

use corsc::emit::Shape;
use corsc::eval::browser::CHROMIUM;
use corsc::eval::probe::{probes, ProbeOptions};
use corsc::import::{self, Imported};
use engines::{compile_text, free_port, require, start, Engine};
use proptest::prelude::*;
use std::path::PathBuf;
use std::time::Duration;

fn fixtures() -> Vec<PathBuf> {
    import_fixtures::fixtures("policies/imports/ingress-nginx", Some("yaml"))
}

fn importer() -> &'static dyn corsc::import::Importer {
    import::find("ingress-nginx").expect("registered")
}

fn run(text: &str) -> Imported {
    import_fixtures::import_text("ingress-nginx", "in.yaml", text)
}

fn ingress(annotations: &str, paths: &str) -> String {
    format!(
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: t\n  annotations:\n{annotations}spec:\n  rules:\n    - host: a.example\n      http:\n        paths:\n{paths}"
    )
}

fn path(p: &str, ty: &str) -> String {
    format!("          - path: {p}\n            pathType: {ty}\n            backend:\n              service:\n                name: s\n                port:\n                  number: 80\n")
}

fn ann(k: &str, v: &str) -> String {
    format!("    nginx.ingress.kubernetes.io/{k}: {v}\n")
}

#[test]
fn every_example_imports_and_lints_as_snapshotted() {
    let files = fixtures();
    assert!(files.len() >= 4, "{files:?}");
    import_fixtures::import_and_lint("ingress-nginx", &files, |r| {
        let name = &r.stem;
        insta::assert_snapshot!(format!("ingress_nginx_import_{name}"), r.policy);
        insta::assert_snapshot!(
            format!("ingress_nginx_lint_{name}"),
            format!("exit {:?}\n{}", Some(r.lint_code), r.lint)
        );
    });
}

#[test]
fn enable_cors_alone_is_any_origin_with_credentials_and_lint_says_so() {
    let i = run(&ingress(
        &ann("enable-cors", "\"true\""),
        &path("/api", "Prefix"),
    ));
    let set = checked(&i);
    assert!(
        i.rendered.text.contains("credentials      true"),
        "{}",
        i.rendered.text
    );
    assert!(set.policies[0].allows_any_origin());
    assert!(codes(&i).contains(&"I105"));
    let found = corsc::pipeline::lint_imported(&i, &corsc::lint::LintConfig::default());
    let s101 = found.iter().find(|(_, d)| d.code == "S101").expect("S101");
    assert_eq!(i.sources[0].slice(s101.1.primary.span), "\"true\"");
}

#[test]
fn an_origin_value_the_controller_refuses_becomes_its_default_any_origin() {
    for bad in [
        "\"https://a.example/\"",
        "\"https://a.example/path\"",
        "\"   \"",
        "\"\"",
        "\"https://a.example; https://b.example\"",
    ] {
        let i = run(&ingress(
            &(ann("enable-cors", "\"true\"") + &ann("cors-allow-origin", bad)),
            &path("/", "Prefix"),
        ));
        let set = checked(&i);
        assert!(
            set.policies[0].allows_any_origin(),
            "{bad}: {}",
            i.rendered.text
        );
        assert!(codes(&i).contains(&"I105"), "{bad}");
    }
}

#[test]
fn a_space_separated_list_is_one_origin_the_controller_drops() {
    let i = run(&ingress(
        &(ann("enable-cors", "\"true\"")
            + &ann(
                "cors-allow-origin",
                "\"https://a.example https://b.example\"",
            )),
        &path("/", "Prefix"),
    ));
    checked(&i);
    assert!(
        !i.rendered.text.contains("a.example"),
        "{}",
        i.rendered.text
    );
    assert!(i.rendered.text.contains(import::render::PLACEHOLDER_ORIGIN));
    assert!(codes(&i).contains(&"I101"));
}

#[test]
fn origins_match_case_insensitively_so_the_host_is_lower_cased() {
    let i = run(&ingress(
        &(ann("enable-cors", "\"true\"")
            + &ann("cors-allow-origin", "\"https://App.Example.COM\"")),
        &path("/", "Prefix"),
    ));
    checked(&i);
    assert!(
        i.rendered.text.contains("\"https://app.example.com\""),
        "{}",
        i.rendered.text
    );
}

#[test]
fn a_wildcard_is_one_label_never_the_apex_nor_two_labels() {
    let i = run(&ingress(
        &(ann("enable-cors", "\"true\"")
            + &ann("cors-allow-origin", "\"https://*.a.example:8443\"")
            + &ann("cors-allow-credentials", "\"false\"")),
        &path("/", "Prefix"),
    ));
    let set = checked(&i);
    let p = &set.policies[0];
    let allows = |o: &str| corsc::eval::server::matching_entry(p, o).is_some();
    assert!(allows("https://x.a.example:8443"));
    assert!(!allows("https://x.y.a.example:8443"));
    assert!(!allows("https://a.example:8443"));
    assert!(!allows("https://x.a.example"));
    assert!(!allows("https://x.a.example.evil.test:8443"));
}

#[test]
fn null_is_the_controllers_unanchored_regex() {
    let i = run(&ingress(
        &(ann("enable-cors", "\"true\"") + &ann("cors-allow-origin", "\"null\"")),
        &path("/", "Prefix"),
    ));
    let set = checked(&i);
    let p = &set.policies[0];
    for o in ["null", "https://evilnull"] {
        assert!(corsc::eval::server::matching_entry(p, o).is_some(), "{o}");
    }
    assert!(corsc::eval::server::matching_entry(p, "https://a.example").is_none());
}

#[test]
fn a_default_port_written_out_matches_nothing_and_is_left_out() {
    let i = run(&ingress(
        &(ann("enable-cors", "\"true\"")
            + &ann(
                "cors-allow-origin",
                "\"https://a.example:443, https://b.example\"",
            )),
        &path("/", "Prefix"),
    ));
    checked(&i);
    assert!(
        !i.rendered.text.contains("a.example"),
        "{}",
        i.rendered.text
    );
    assert!(i.rendered.text.contains("\"https://b.example\""));
}

#[test]
fn prefix_paths_follow_path_elements_and_exact_paths_stay_exact() {
    let i = run(&ingress(
        &ann("enable-cors", "\"true\""),
        &(path("/api", "Prefix")
            + &path("/v2/", "Prefix")
            + &path("/x", "Exact")
            + &path("/raw", "ImplementationSpecific")),
    ));
    let set = checked(&i);
    let covered = |p: &str| set.policies.iter().any(|x| x.covers(p));
    for yes in [
        "/api", "/api/", "/api/x", "/v2/", "/v2/a", "/x", "/raw", "/rawx",
    ] {
        assert!(covered(yes), "{yes}\n{}", i.rendered.text);
    }
    for no in ["/apix", "/v2", "/x/", "/xy", "/"] {
        assert!(!covered(no), "{no}\n{}", i.rendered.text);
    }
}

#[test]
fn a_path_without_cors_under_a_cors_prefix_allows_no_origin() {
    let text = format!(
        "{}---\n{}",
        ingress(&ann("enable-cors", "\"true\""), &path("/", "Prefix")),
        ingress("    x: y\n", &path("/internal", "Prefix")).replace("name: t", "name: internal")
    );
    let i = run(&text);
    let set = checked(&i);
    let p = set.policy_for("/internal/x").expect("a policy");
    assert!(!p.allows_any_origin(), "{}", i.rendered.text);
    assert!(i.rendered.text.contains(import::render::PLACEHOLDER_ORIGIN));
}

#[test]
fn two_hosts_that_configure_one_path_differently_allow_nothing_there() {
    let a = ingress(&ann("enable-cors", "\"true\""), &path("/api", "Prefix"));
    let b = ingress(
        &(ann("enable-cors", "\"true\"") + &ann("cors-allow-origin", "\"https://b.example\"")),
        &path("/api", "Prefix"),
    )
    .replace("a.example", "b.example")
    .replace("name: t", "name: u");
    let i = run(&format!("{a}---\n{b}"));
    let set = checked(&i);
    let p = set.policy_for("/api/x").expect("a policy");
    assert!(!p.allows_any_origin(), "{}", i.rendered.text);
    assert!(i.rendered.text.contains(import::render::PLACEHOLDER_ORIGIN));
    assert!(codes(&i).contains(&"I101"));
}

#[test]
fn regex_paths_are_narrowed_or_left_out() {
    let i = run(&ingress(
        &(ann("enable-cors", "\"true\"") + &ann("use-regex", "\"true\"")),
        &(path("/api", "Prefix") + &path("/v[0-9]+", "ImplementationSpecific")),
    ));
    let set = checked(&i);
    assert!(set.policies.iter().any(|p| p.covers("/api")));
    assert!(
        !set.policies.iter().any(|p| p.covers("/v1")),
        "{}",
        i.rendered.text
    );
    assert_eq!(codes(&i).iter().filter(|c| **c == "I101").count(), 2);
}

#[test]
fn values_the_controller_refuses_take_its_defaults() {
    let i = run(&ingress(
        &(ann("enable-cors", "\"true\"")
            + &ann("cors-allow-origin", "\"https://a.example\"")
            + &ann("cors-allow-credentials", "\"yes\"")
            + &ann("cors-allow-headers", "\"*\"")
            + &ann("cors-allow-methods", "\"GET;POST\"")
            + &ann("cors-max-age", "\"1h\"")),
        &path("/", "Prefix"),
    ));
    checked(&i);
    let t = &i.rendered.text;
    assert!(t.contains("credentials      true"), "{t}");
    assert!(t.contains("max-age          1728000"), "{t}");
    assert!(t.contains("Authorization"), "{t}");
    assert!(t.contains("PATCH"), "{t}");
    assert_eq!(codes(&i).iter().filter(|c| **c == "I105").count(), 4);
}

#[test]
fn cors_off_or_unparsable_enable_grants_nothing() {
    for v in ["\"false\"", "\"yes\"", "\" true\"", "\"\""] {
        let i = run(&ingress(
            &(ann("enable-cors", v) + &ann("cors-allow-origin", "\"*\"")),
            &path("/", "Prefix"),
        ));
        assert!(i.draft.policies.is_empty(), "{v}: {}", i.rendered.text);
        assert!(i.failed(), "{v}: no CORS configuration is an error");
    }
}

#[test]
fn a_space_inside_one_method_fails_every_preflight() {
    let i = run(&ingress(
        &(ann("enable-cors", "\"true\"")
            + &ann("cors-allow-origin", "\"https://a.example\"")
            + &ann("cors-allow-methods", "\"GET PUT\"")),
        &path("/", "Prefix"),
    ));
    checked(&i);
    assert!(!i.rendered.text.contains("PUT"), "{}", i.rendered.text);
    assert!(
        !i.rendered.text.contains("request-headers"),
        "{}",
        i.rendered.text
    );
}

#[test]
fn hostile_values_never_become_policy_text() {
    let i = run(&ingress(
        &(ann("enable-cors", "\"true\"")
            + &ann(
                "cors-allow-origin",
                "\"https://a.example\\n    credentials true\"",
            )
            + &ann("cors-allow-credentials", "\"false\"")
            + &ann("cors-expose-headers", "\"X-A#, X-\\\"B\"")),
        &path("\"/a\\\"b#c\"", "Exact"),
    ));
    // Every value with a line break or quote is refused by the controller or the writer.
    let text = &i.rendered.text;
    assert!(!text.contains("credentials      true"), "{text}");
    if !i.failed() {
        checked(&i);
    }
}

#[test]
fn a_non_string_annotation_is_refused_as_kubernetes_does() {
    let i = run(&ingress(&ann("enable-cors", "true"), &path("/", "Prefix")));
    assert!(i.failed());
    let (_, d) = &i.diagnostics[0];
    assert_eq!(d.code, "I001");
    assert_eq!(i.sources[0].slice(d.primary.span), "true");
}

#[test]
fn input_that_is_not_an_ingress_manifest_is_a_clear_error() {
    for text in [
        "{\"CORSRules\": []}",
        "a: [1, 2\n",
        "- 1\n- 2\n",
        "kind: [\n",
    ] {
        let i = run(text);
        assert!(i.failed(), "{text}");
        assert!(
            codes(&i).contains(&"I001") || codes(&i).contains(&"I004") || i.failed(),
            "{text}"
        );
    }
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("x.yaml");
    std::fs::write(&p, "foo: [\n").expect("write");
    let out = cli::corsc()
        .args(["import", "--from", "ingress-nginx"])
        .arg(&p)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("I001"));
    std::fs::write(&p, b"a: \xff\n").expect("write");
    let out = cli::corsc()
        .args(["import", "--from", "ingress-nginx"])
        .arg(&p)
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not UTF-8"));
}

#[test]
fn a_large_list_of_ingresses_imports() {
    let mut text = String::new();
    for n in 0..400 {
        text.push_str(
            &ingress(
                &ann("enable-cors", "\"true\""),
                &path(&format!("/p{n}"), "Prefix"),
            )
            .replace("name: t", &format!("name: t{n}")),
        );
        text.push_str("---\n");
    }
    let i = run(&text);
    let set = checked(&i);
    assert_eq!(set.policies.len(), 400);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let _ = run(&text);
    }

    #[test]
    fn mutated_examples_never_panic(seed in 0usize..10_000, at in 0usize..4000, cut in 0usize..40, ins in "[ -~\n\"':#*,-]{0,12}") {
        let (_, text) = import_fixtures::mutated(&fixtures(), seed, at, cut, &ins);
        let i = run(&text);
        if !i.failed() {
            checked(&i);
        }
    }
}

/// The migration: import, compile to nginx, run nginx, verify against the imported policy.
#[test]
fn imported_policies_run_on_real_nginx_with_zero_mismatches() {
    let Some(bin) = require(
        Engine::Nginx,
        "imported_policies_run_on_real_nginx_with_zero_mismatches",
    ) else {
        return;
    };
    let mut probes_run = 0;
    let mut refused = 0;
    let files = fixtures();
    for f in &files {
        let i = corsc::pipeline::import(importer(), std::slice::from_ref(f)).expect("imports");
        assert!(!i.failed(), "{}", f.display());
        let text = i.text();
        let name = format!("{}.cors", f.display());
        let port = free_port();
        let out = match compile_text(
            &name,
            &text,
            text.as_bytes(),
            None,
            "nginx",
            Shape::Server,
            &format!("127.0.0.1:{port}"),
        ) {
            Ok(o) => o,
            Err(d) => {
                // corsc refuses to compile any origin with credentials (browsers reject `*`
                // with credentials, and echoing every origin would grant far more): the
                // import's lint reports the same finding at the Ingress's line.
                assert!(
                    d.iter()
                        .all(|d| d.code == "P301" && d.message.contains("`*` with credentials")),
                    "{name} compiles to nginx: {d:?}\n{text}"
                );
                refused += 1;
                continue;
            }
        };
        let set = checked(&i);
        let paths: Vec<String> = probes(&set, ProbeOptions::default())
            .into_iter()
            .map(|p| p.request.path)
            .collect();
        let srv = start(Engine::Nginx, &bin, &out, port, &paths).expect("nginx starts");
        let opts = ProbeOptions {
            routing: frameworks::routing_of("nginx"),
            ..ProbeOptions::default()
        };
        let report = corsc::eval::live::verify(
            &set,
            &srv.base_url(),
            &CHROMIUM,
            opts,
            Duration::from_secs(5),
        )
        .expect("verify runs");
        let bad: Vec<String> = report
            .results
            .iter()
            .filter(|r| !r.ok())
            .take(5)
            .map(|r| format!("{r:?}"))
            .collect();
        assert!(
            bad.is_empty(),
            "{name}: {} mismatches:\n{}\n{text}",
            report.mismatches(),
            bad.join("\n")
        );
        probes_run += report.results.len();
        // The same check through the command users run.
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("imported.cors");
        std::fs::write(&p, &text).expect("write");
        let o = cli::command()
            .arg("verify")
            .arg(&p)
            .arg("--url")
            .arg(srv.base_url())
            .arg("--target")
            .arg("nginx")
            .output()
            .expect("runs");
        assert!(
            o.status.success(),
            "`corsc verify` {name}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
    assert!(refused < files.len(), "at least one example runs");
    println!(
        "ingress-nginx → nginx: {} examples, {} run on nginx ({probes_run} probes, 0 mismatches), {refused} refused by the plan (any origin with credentials)",
        files.len(),
        files.len() - refused
    );
}
