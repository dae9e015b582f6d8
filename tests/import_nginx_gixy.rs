//! The nginx fixtures under policies/imports/nginx/ are real nginx (`nginx -t` accepts each,
//! wrapped in a minimal main configuration), and what gixy-ng and `corsc lint --from nginx`
//! each report on them, side by side: the table the README quotes, kept true by a snapshot.
//!
//! nginx is found as for the other engine tests; gixy as `$CORSC_GIXY`, then on `PATH`.
//! Without them the tests say why they skip; with `CORSC_REQUIRE_ENGINES=1` they fail instead.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::cli::{corsc, root};
use support::engines::{find, Engine, Workdir};

fn required() -> bool {
    std::env::var("CORSC_REQUIRE_ENGINES").is_ok_and(|v| v == "1")
}

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
    assert!(
        !required(),
        "gixy is not installed and CORSC_REQUIRE_ENGINES=1"
    );
    eprintln!("skipping: gixy is not installed (pip install gixy-ng, or set CORSC_GIXY)");
    None
}

fn fixtures_dir() -> PathBuf {
    root().join("policies/imports/nginx")
}

/// The fixtures (the top-level `.conf` files; `conf.d/` holds what they include).
fn fixtures() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "conf"))
        .collect();
    v.sort();
    v
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// The fixtures copied into `w` beside a main configuration that includes `fixture` inside
/// `http { }`; nginx resolves the fixture's own relative includes against that directory,
/// the configuration prefix, as it would for /etc/nginx/nginx.conf.
fn wrap(w: &Workdir, fixture: &Path) -> PathBuf {
    let d = w.path();
    copy_dir(&fixtures_dir(), d);
    let name = fixture.file_name().unwrap().to_string_lossy();
    let main = d.join("nginx.conf");
    let dd = d.display();
    std::fs::write(
        &main,
        format!(
            "pid {dd}/nginx.pid;\nerror_log {dd}/error.log notice;\nevents {{ worker_connections 64; }}\nhttp {{\n    access_log off;\n    server_tokens off;\n    client_body_temp_path {dd}/client_body;\n    proxy_temp_path {dd}/proxy;\n    fastcgi_temp_path {dd}/fastcgi;\n    uwsgi_temp_path {dd}/uwsgi;\n    scgi_temp_path {dd}/scgi;\n    include {name};\n}}\n"
        ),
    )
    .unwrap();
    main
}

/// Whether nginx can read `more_set_headers` (the headers-more module, which ingress-nginx
/// builds in and distribution packages ship apart).
fn needs_headers_more(fixture: &Path) -> bool {
    std::fs::read_to_string(fixture)
        .unwrap()
        .contains("more_set_headers")
}

#[test]
fn nginx_accepts_every_fixture() {
    let Some(bin) = find(Engine::Nginx) else {
        assert!(
            !required(),
            "nginx is not installed and CORSC_REQUIRE_ENGINES=1"
        );
        eprintln!("skipping: nginx is not installed");
        return;
    };
    let (mut checked, mut skipped) = (0, Vec::new());
    for f in fixtures() {
        if needs_headers_more(&f) {
            skipped.push(f.file_name().unwrap().to_string_lossy().into_owned());
            continue;
        }
        let w = Workdir::new();
        let main = wrap(&w, &f);
        let o = Command::new(&bin)
            .arg("-p")
            .arg(w.path())
            .arg("-e")
            .arg(w.path().join("error.log"))
            .arg("-c")
            .arg(&main)
            .arg("-t")
            .output()
            .expect("nginx runs");
        assert!(
            o.status.success(),
            "nginx refuses {}:\n{}",
            f.display(),
            String::from_utf8_lossy(&o.stderr)
        );
        checked += 1;
    }
    println!(
        "nginx -t: {checked} fixtures accepted; not checked (need the headers-more module): {skipped:?}"
    );
    assert!(checked >= 7);
}

/// The gixy plugins that fire on the fixture's own files (not the wrapper).
fn gixy_findings(gixy: &str, f: &Path) -> BTreeSet<String> {
    let w = Workdir::new();
    let main = wrap(&w, f);
    let o = Command::new(gixy)
        .arg("-f")
        .arg("json")
        .arg(&main)
        .output()
        .expect("gixy runs");
    let text = String::from_utf8_lossy(&o.stdout);
    let issues: serde_json::Value = serde_json::from_str(text.trim()).unwrap_or_else(|e| {
        panic!(
            "gixy printed no JSON for {} ({e}):\n{text}\n{}",
            f.display(),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    issues
        .as_array()
        .expect("a JSON array")
        .iter()
        .filter(|i| {
            i["file"]
                .as_str()
                .and_then(|p| Path::new(p).file_name())
                .is_none_or(|n| n != "nginx.conf")
        })
        .filter_map(|i| i["plugin"].as_str().map(str::to_string))
        .collect()
}

fn corsc_findings(f: &Path) -> BTreeSet<String> {
    let o = corsc()
        .args(["lint", "--from", "nginx", "--format", "concise"])
        .arg(f)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    text.lines()
        .filter_map(|l| l.split(": ").nth(2))
        .filter_map(|s| s.split(' ').next())
        .map(str::to_string)
        .collect()
}

#[test]
fn gixy_and_corsc_on_the_same_nginx_inputs() {
    let Some(gixy) = gixy() else { return };
    let mut table =
        String::from("| fixture | gixy-ng | corsc lint --from nginx |\n|---|---|---|\n");
    for f in fixtures() {
        let g = gixy_findings(&gixy, &f);
        let c = corsc_findings(&f);
        let show = |s: &BTreeSet<String>| {
            if s.is_empty() {
                "—".to_string()
            } else {
                s.iter().cloned().collect::<Vec<_>>().join(", ")
            }
        };
        table.push_str(&format!(
            "| {} | {} | {} |\n",
            f.file_name().unwrap().to_string_lossy(),
            show(&g),
            show(&c)
        ));
    }
    println!("{table}");
    insta::assert_snapshot!(table);
}
