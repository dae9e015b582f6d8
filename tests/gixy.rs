//! gixy (the nginx configuration analyser, PyPI `gixy-ng`) finds nothing in any nginx
//! configuration corsc generates: every example policy, every profile, both shapes, with every
//! gixy check on (origins, add_header redefinition and multiline, host spoofing, ReDoS, …).
//!
//! gixy is looked up as `$CORSC_GIXY`, then on `PATH`; without it the test says why it skips,
//! and with `CORSC_REQUIRE_ENGINES=1` (set by `.ci/run`, which installs it) it fails instead.

mod support;
use support::engines;

use corsc::emit::Shape;
use engines::{compile, nginx_setup, policy_files, profiles, Workdir};
use std::process::Command;

fn gixy() -> Option<String> {
    if let Ok(p) = std::env::var("CORSC_GIXY") {
        return Some(p);
    }
    let ok = Command::new("gixy")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some("gixy".to_string());
    }
    let required = std::env::var("CORSC_REQUIRE_ENGINES").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "gixy is not installed and CORSC_REQUIRE_ENGINES=1"
    );
    eprintln!("skipping: gixy is not installed (pip install gixy-ng, or set CORSC_GIXY)");
    None
}

#[test]
fn gixy_finds_nothing_in_generated_nginx_configs() {
    let Some(gixy) = gixy() else { return };
    let mut checked = 0;
    for path in policy_files() {
        let mut runs: Vec<Option<String>> = vec![None];
        runs.extend(profiles(&path).into_iter().map(Some));
        for profile in &runs {
            for shape in [Shape::Server, Shape::Include] {
                // Analysed, never started: a fixed port. (gixy takes any port containing `443`
                // for a TLS listener and asks for `ssl_protocols`, so a random one would flake.)
                let port = 8080;
                let out = compile(
                    &path,
                    profile.as_deref(),
                    "nginx",
                    shape,
                    &format!("127.0.0.1:{port}"),
                )
                .unwrap_or_else(|d| panic!("{}: {d:?}", path.display()));
                let work = Workdir::new();
                let conf = nginx_setup(&work, &out, port, false);
                let o = Command::new(&gixy)
                    .arg("-f")
                    .arg("json")
                    .arg(&conf)
                    .output()
                    .expect("gixy runs");
                let text = String::from_utf8_lossy(&o.stdout);
                let issues: serde_json::Value =
                    serde_json::from_str(text.trim()).unwrap_or_else(|e| {
                        panic!(
                            "gixy printed no JSON ({e}):\n{text}\n{}",
                            String::from_utf8_lossy(&o.stderr)
                        )
                    });
                // Only corsc's files are judged; the test's wrapper nginx.conf (worker limits,
                // temp paths) is not corsc output.
                let issues: Vec<&serde_json::Value> = issues
                    .as_array()
                    .expect("gixy prints a JSON array")
                    .iter()
                    .filter(|i| {
                        i["file"]
                            .as_str()
                            .and_then(|f| std::path::Path::new(f).file_name())
                            .is_some_and(|n| n.to_string_lossy().starts_with("corsc-"))
                    })
                    .collect();
                assert!(
                    issues.is_empty(),
                    "gixy reports issues for {} ({}, profile {profile:?}):\n{}",
                    path.display(),
                    shape.as_str(),
                    serde_json::to_string_pretty(&issues).unwrap()
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 10, "only {checked} configurations checked");
    eprintln!("gixy: {checked} generated nginx configurations, no issues");
}
