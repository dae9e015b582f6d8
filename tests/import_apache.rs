//! `corsc import --from apache`: every fixture under `policies/imports/apache/` imported and
//! linted (snapshots), checked by `apache2 -t` where Apache is installed, the traps the
//! importer guards against, a round trip through corsc's own Apache output (both shapes), and
//! random input that must never panic.

mod support;

use corsc::emit::Shape;
use corsc::import::Imported;
use proptest::prelude::*;
use std::path::PathBuf;
use support::cli::{corsc, root};
use support::engines::{self, Engine};
use support::frameworks;
use support::import_fixtures::{self, checked, codes};
use support::round_trip::{self, equivalent};

fn fixtures() -> Vec<PathBuf> {
    import_fixtures::fixtures("policies/imports/apache", None)
}

fn import_text(name: &str, text: &str) -> Imported {
    import_fixtures::import_text("apache", name, text)
}

#[test]
fn every_fixture_is_imported_and_linted() {
    let files = fixtures();
    assert!(files.len() >= 6, "{files:?}");
    import_fixtures::import_and_lint("apache", &files, |r| {
        for (name, text) in r.snapshots() {
            insta::assert_snapshot!(name, text);
        }
    });
}

/// Each fixture is real Apache configuration: `apache2 -t` accepts it (an `.htaccess` file
/// as the body of a `<Directory>`, the context it is read in).
#[test]
fn every_fixture_passes_apache_config_test() {
    let Some(bin) = engines::require(Engine::Apache, "every_fixture_passes_apache_config_test")
    else {
        return;
    };
    for path in fixtures() {
        let text = std::fs::read_to_string(&path).expect("fixture");
        let w = engines::Workdir::new();
        let d = w.path().display().to_string();
        let mut conf = engines::apache_base_conf(&d, engines::free_port());
        w.write("htdocs/index.html", "ok\n");
        if path.to_string_lossy().ends_with("htaccess") {
            conf.push_str(&format!(
                "<Directory \"{d}/htdocs\">\n{text}\n</Directory>\n"
            ));
        } else {
            w.write("cors.conf", &text);
            conf.push_str(&format!(
                "DocumentRoot \"{d}/htdocs\"\nInclude \"{d}/cors.conf\"\n"
            ));
        }
        let conf = w.write("httpd.conf", &conf);
        let o = std::process::Command::new(&bin)
            .arg("-t")
            .arg("-f")
            .arg(&conf)
            .output()
            .expect("apache2 runs");
        assert!(
            o.status.success(),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

#[test]
fn reflecting_every_origin_with_credentials_is_reported() {
    let out = corsc()
        .args(["lint", "--from", "apache", "--format", "concise"])
        .arg("policies/imports/apache/reflect-with-credentials.conf")
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("reflect-with-credentials.conf:5:"), "{text}");
    assert!(text.contains(": S1"), "{text}");
}

#[test]
fn an_unanchored_regex_keeps_the_servers_width() {
    let i = import_text(
        "a.conf",
        "SetEnvIf Origin \"example\\.com\" OK\nHeader always set Access-Control-Allow-Origin %{Origin}i env=OK\n",
    );
    let t = i.text();
    assert!(t.contains(r#"regex ".*(?:example\.com).*""#), "{t}");
    let set = checked(&i);
    let lint = corsc::pipeline::lint_imported(&i, &corsc::lint::LintConfig::default());
    assert!(lint.iter().any(|(_, d)| d.code == "S108"), "{lint:?}");
    assert_eq!(set.policies.len(), 1);
}

#[test]
fn nocase_is_kept_and_origin_matching_is_case_sensitive_otherwise() {
    let i = import_text(
        "a.conf",
        "SetEnvIfNoCase Origin \"^https://a\\.example$\" OK\nHeader always set Access-Control-Allow-Origin \"expr=%{req:Origin}\" env=OK\n",
    );
    assert!(
        i.text().contains(r#"regex "(?i)^https://a\.example$""#),
        "{}",
        i.text()
    );
    let i = import_text(
        "a.conf",
        "SetEnvIf Origin \"^https://a\\.example$\" OK\nHeader always set Access-Control-Allow-Origin \"expr=%{req:Origin}\" env=OK\n",
    );
    assert!(i.text().contains("\"https://a.example\""), "{}", i.text());
}

#[test]
fn two_values_allow_nothing() {
    for text in [
        "Header always add Access-Control-Allow-Origin \"https://a.example\"\nHeader always add Access-Control-Allow-Origin \"https://b.example\"\n",
        "Header always set Access-Control-Allow-Origin \"https://a.example\"\n<Location /api/>\nHeader set Access-Control-Allow-Origin \"https://b.example\"\n</Location>\n",
        "Header always set Access-Control-Allow-Origin \"https://a.example, https://b.example\"\n",
    ] {
        let i = import_text("a.conf", text);
        let t = i.text();
        assert!(codes(&i).contains(&"I103"), "{text}: {:?}", codes(&i));
        let set = checked(&i);
        let _ = set;
        let two: Vec<&str> = t.lines().filter(|l| l.contains("\"https://b.example\"")).collect();
        assert!(two.is_empty(), "{text}: {t}");
    }
}

#[test]
fn set_without_always_with_a_rewrite_preflight_allows_no_preflight() {
    let i = import_text(
        "a.conf",
        &std::fs::read_to_string(root().join("policies/imports/apache/set-without-always.conf"))
            .unwrap(),
    );
    let t = i.text();
    assert!(!t.contains("methods"), "{t}");
    assert!(!t.contains("PUT"), "{t}");
    assert!(codes(&i).iter().filter(|c| **c == "I101").count() >= 2);
}

#[test]
fn conditions_corsc_does_not_follow_narrow() {
    let i = import_text(
        "a.conf",
        "SetEnvIf User-Agent \"Chrome\" UA\nHeader always set Access-Control-Allow-Origin \"*\" env=UA\n<Files \"*.json\">\nHeader always set Access-Control-Allow-Origin \"*\"\n</Files>\n<If \"%{REQUEST_METHOD} == 'GET'\">\nHeader always set Access-Control-Allow-Origin \"*\"\n</If>\n",
    );
    assert!(i.draft.policies.is_empty(), "{}", i.text());
    assert!(
        codes(&i).iter().filter(|c| **c == "I101").count() >= 3,
        "{:?}",
        codes(&i)
    );
}

#[test]
fn an_if_on_origin_is_read() {
    let i = import_text(
        "a.conf",
        "<If \"%{HTTP:Origin} =~ m#^https://(a|b)\\.example$#\">\n    Header always set Access-Control-Allow-Origin \"%{Origin}i\"\n</If>\n",
    );
    let t = i.text();
    assert!(
        t.contains("\"https://a.example\"") && t.contains("\"https://b.example\""),
        "{t}"
    );
}

#[test]
fn hostile_values_cannot_inject_directives() {
    let i = import_text(
        "a.conf",
        "Header always set Access-Control-Allow-Origin \"https://a.example\\\"\\n credentials true\"\nHeader always set Access-Control-Allow-Methods \"GET#, PUT\"\n<Location \"/x\\\"{\">\nHeader always set Access-Control-Allow-Origin \"https://b.example\"\n</Location>\n",
    );
    let t = i.text();
    // Only comments may quote the hostile text.
    let code: Vec<&str> = t
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split('#').next().unwrap_or(""))
        .collect();
    assert!(!code.iter().any(|l| l.contains("credentials")), "{t}");
    assert!(!code.iter().any(|l| l.contains("GET")), "{t}");
    checked(&i);
}

#[test]
fn include_loops_and_globs() {
    let dir = tempfile::tempdir().expect("tmp");
    let a = dir.path().join("a.conf");
    std::fs::create_dir(dir.path().join("conf.d")).unwrap();
    std::fs::write(&a, "Include conf.d/*.conf\nInclude a.conf\n").unwrap();
    std::fs::write(
        dir.path().join("conf.d/cors.conf"),
        "Include ../a.conf\nHeader always set Access-Control-Allow-Origin \"https://a.example\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("conf.d/skip.txt"),
        "Header always set Access-Control-Allow-Origin \"*\"\n",
    )
    .unwrap();
    let f = corsc::import::find("apache").unwrap();
    let i = corsc::import::import(f, &[a], &corsc::pipeline::errors).expect("reads");
    assert!(i.text().contains("\"https://a.example\""), "{}", i.text());
    assert!(!i.text().contains("origins          *"), "{}", i.text());
    assert!(codes(&i).contains(&"I104"), "{:?}", codes(&i));
    assert!(!i.failed());
    let b = dir.path().join("b.conf");
    std::fs::write(&b, "Include missing.conf\nIncludeOptional nothing/*.conf\n").unwrap();
    let i = corsc::import::import(f, &[b], &corsc::pipeline::errors).expect("reads");
    assert_eq!(
        codes(&i).iter().filter(|c| **c == "I104").count(),
        1,
        "{:?}",
        codes(&i)
    );
}

#[test]
fn a_file_that_is_not_apache_config_is_an_error_with_its_line() {
    let i = import_text("a.conf", "# x\n<Location /api\nHeader set A b\n");
    assert!(i.failed());
    let (_, d) = &i.diagnostics[0];
    assert_eq!(d.code, "I001");
    assert_eq!(i.sources[0].line_col(d.primary.span.start).0, 2);
    let i = import_text("a.conf", "<Location /a>\n</Directory>\n");
    assert!(i.failed());
    let i = import_text("a.conf", "<Location /a>\nHeader set X y\n");
    assert!(i.failed());
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("nginx.conf");
    std::fs::write(
        &p,
        "server {\n  location /api {\n    add_header X y;\n  }\n}\n",
    )
    .unwrap();
    let out = corsc()
        .args(["import", "--from", "apache"])
        .arg(&p)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("I106"));
}

#[test]
fn non_utf8_and_huge_inputs_never_panic() {
    import_fixtures::assert_non_utf8_is_refused("apache", "bin.conf", &[0xff_u8, 0xfe, b'H', b'e']);
    let many: String = (0..2_000)
        .map(|n| format!("<Location /p{n}/>\nHeader always set Access-Control-Allow-Origin \"https://a{n}.example\"\n</Location>\n"))
        .collect();
    let i = import_text("many.conf", &many);
    assert!(!i.failed());
    let deep = format!(
        "{}{}",
        "<IfModule x>\n".repeat(3000),
        "</IfModule>\n".repeat(3000)
    );
    let _ = import_text("deep.conf", &deep).text();
    let cont = "Header always set \\\n".repeat(10_000);
    let _ = import_text("cont.conf", &cont).text();
}

/// Compiles `text` for Apache in `shape`, imports the output, and compares; `None` when the
/// target refuses the policy.
fn round_trip(
    name: &str,
    text: &str,
    profile: Option<&str>,
    shape: Shape,
) -> Option<Result<(), String>> {
    let set = frameworks::check_set(name, text, profile).ok()?;
    let out = engines::compile_text(
        name,
        text,
        text.as_bytes(),
        profile,
        "apache",
        shape,
        "127.0.0.1:8080",
    )
    .ok()?;
    let part = &out.parts[0];
    let i = import_text(part.file_name, &part.text);
    if i.failed() {
        return Some(Err(format!(
            "import failed: {:?}\n{}",
            i.diagnostics, part.text
        )));
    }
    let unexpected: Vec<_> = i
        .diagnostics
        .iter()
        .filter(|(_, d)| !(d.code == "I101" && d.message.contains(".htaccess")))
        .map(|(_, d)| format!("{} {}", d.code, d.message))
        .collect();
    if !unexpected.is_empty() {
        return Some(Err(format!(
            "findings on corsc's own output: {unexpected:?}"
        )));
    }
    let got = checked(&i);
    Some(equivalent(&set, &got).map_err(|e| {
        format!(
            "{e}\n--- imported:\n{}\n--- apache:\n{}",
            i.text(),
            part.text
        )
    }))
}

#[test]
fn round_trip_through_corscs_apache_output() {
    for shape in [Shape::Include, Shape::Htaccess] {
        round_trip::run(|name, text, profile| round_trip(name, text, profile, shape))
            .report(&format!("apache ({shape:?})"));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let _ = import_text("r.conf", &text).text();
        let _ = import_text(".htaccess", &text).text();
    }

    #[test]
    fn mutated_fixtures_never_panic(which in 0usize..16, at in 0usize..2000, cut in 0usize..40, insert in "[<>/\"'\\\\#$%{}()^=a-zA-Z0-9 \n]{0,8}") {
        let (name, text) = import_fixtures::mutated(&fixtures(), which, at, cut, &insert);
        import_fixtures::render_and_lint(&import_text(&name, &text));
    }
}

/// A section that removes or hides the server level's header answers its paths with nothing,
/// not with the server level's policy.
#[test]
fn a_section_without_a_readable_grant_does_not_inherit_the_server_policy() {
    for inner in [
        "Header always unset Access-Control-Allow-Origin",
        "Header always set Access-Control-Allow-Origin \"*\" env=!NOPE",
    ] {
        let i = import_text(
            "a.conf",
            &format!("Header always set Access-Control-Allow-Origin \"*\"\n<Location \"/admin/\">\n{inner}\n</Location>\n"),
        );
        let set = checked(&i);
        let t = i.text();
        assert_eq!(set.policies.len(), 2, "{t}");
        assert!(t.contains("\"/admin/*\""), "{t}");
        assert!(t.contains(corsc::import::render::PLACEHOLDER_ORIGIN), "{t}");
    }
}
