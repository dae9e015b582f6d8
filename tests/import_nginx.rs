//! `corsc import --from nginx`: every input under policies/imports/nginx/ imported and linted
//! (snapshots), the traps the importer handles, and the round trip through corsc's own nginx
//! output: `import(compile(P))` allows what `P` allows, for every example and 200 random
//! policies, in the server and include shapes.

mod support;

use corsc::eval::request::WireRequest;
use corsc::eval::server::respond;
use corsc::ir::PolicySet;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use support::cli::{corsc, root};
use support::import_fixtures::{self, codes};
use support::random_policy::{policy_text, Features};
use support::round_trip;

fn fixtures() -> Vec<PathBuf> {
    import_fixtures::fixtures("policies/imports/nginx", Some("conf"))
}

#[test]
fn every_fixture_imports_and_lints_at_its_own_lines() {
    let files = fixtures();
    assert!(files.len() >= 8, "{files:?}");
    for f in files {
        let name = f.file_stem().unwrap().to_string_lossy().into_owned();
        let rel = f.strip_prefix(root()).unwrap();
        let import = corsc()
            .current_dir(root())
            .args(["import", "--from", "nginx", "--format", "concise"])
            .arg(rel)
            .output()
            .unwrap();
        assert_eq!(import.status.code(), Some(0), "{name}");
        let lint = corsc()
            .current_dir(root())
            .args(["lint", "--from", "nginx", "--format", "concise"])
            .arg(rel)
            .output()
            .unwrap();
        let text = format!(
            "--- policy\n{}--- import findings\n{}--- lint --from nginx (exit {})\n{}",
            String::from_utf8_lossy(&import.stdout),
            String::from_utf8_lossy(&import.stderr),
            lint.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&lint.stdout),
        );
        insta::assert_snapshot!(name, text);
    }
}

fn import_text(text: &str) -> corsc::import::Imported {
    import_fixtures::import_text("nginx", "in.conf", text)
}

#[test]
fn reflecting_the_origin_is_any_origin_and_lint_says_so_with_credentials() {
    let i = import_text(
        "location /api/ { add_header Access-Control-Allow-Origin $http_origin always; add_header Access-Control-Allow-Credentials true always; }",
    );
    assert!(i.rendered.text.contains("*,"), "{}", i.rendered.text);
    assert!(i.rendered.text.contains("credentials      true"));
    let found = corsc::pipeline::lint_imported(&i, &corsc::lint::LintConfig::default());
    assert!(found.iter().any(|(_, d)| d.code == "S101"), "{found:?}");
}

#[test]
fn map_strings_match_ignoring_case_and_regexes_keep_their_width() {
    let i = import_text(
        "map $http_origin $o { default \"\"; \"https://APP.example.com\" $http_origin; \"~*example\\.com\" $http_origin; }\n\
         server { location / { add_header Access-Control-Allow-Origin $o always; } }",
    );
    let t = &i.rendered.text;
    assert!(t.contains("\"https://app.example.com\""), "{t}");
    assert!(t.contains("regex \"example\\\\.com\""), "{t}");
    assert!(codes(&i).contains(&"I101"));
}

#[test]
fn a_location_with_its_own_add_header_inherits_no_cors() {
    let i = import_text(
        "server { add_header Access-Control-Allow-Origin https://a.example always;\n location /x/ { add_header X-Frame-Options DENY; } }",
    );
    assert!(codes(&i).contains(&"I105"));
    let t = &i.rendered.text;
    assert!(t.contains("\"/x/*\""), "{t}");
    assert!(t.contains("placeholder.invalid"), "{t}");
}

#[test]
fn regex_locations_and_all_but_maps_are_narrowed() {
    let i = import_text(
        "location ~ ^/api { add_header Access-Control-Allow-Origin * always; }\n\
         map $http_origin $o { default $http_origin; https://evil.example \"\"; }\n\
         location /b/ { add_header Access-Control-Allow-Origin $o always; }",
    );
    let t = &i.rendered.text;
    assert!(!t.contains("*,"), "{t}");
    assert_eq!(
        codes(&i).iter().filter(|c| **c == "I101").count(),
        2,
        "{:?}",
        i.diagnostics
    );
}

#[test]
fn hostile_values_cannot_inject_policy_text() {
    let i = import_text(
        "location /a/ { add_header Access-Control-Allow-Origin \"https://a.example\\n    credentials true\" always; add_header Access-Control-Allow-Methods \"GET#, PUT\" always; }",
    );
    let t = &i.rendered.text;
    assert!(!t.contains("credentials"), "{t}");
    assert!(!t.contains("GET#"), "{t}");
}

#[test]
fn text_that_is_not_nginx_is_an_error_with_a_place() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.conf");
    std::fs::write(&p, "{\"cors\": [1, 2]}\n").unwrap();
    let out = corsc()
        .args(["import", "--from", "nginx", "--format", "concise"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("x.conf:1:8: error: I001"), "{err}");
    std::fs::write(&p, [0xff, 0xfe, b'{']).unwrap();
    let out = corsc()
        .args(["import", "--from", "nginx"])
        .arg(&p)
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
}

#[test]
fn include_loops_and_missing_files_are_reported_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.conf"), "include b.conf;\nlocation /a/ { add_header Access-Control-Allow-Origin https://a.example always; }\n").unwrap();
    std::fs::write(
        dir.path().join("b.conf"),
        "include a.conf;\ninclude missing.conf;\ninclude none/*.conf;\n",
    )
    .unwrap();
    let out = corsc()
        .args(["import", "--from", "nginx", "--format", "concise"])
        .arg(dir.path().join("a.conf"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("I104").count(), 2, "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("https://a.example"));
}

/// A form feed or vertical tab between words once made the reader loop, adding empty words
/// until memory ran out (found by the property test below).
#[test]
fn every_ascii_space_separates_words_and_ends() {
    for sep in ["\x0c", "\x0b", "\x0c\x0c "] {
        let text = format!(
            "server {{{sep}location /api/ {{ add_header{sep}Access-Control-Allow-Origin https://a.example always; }} }}\n"
        );
        let _ = import_text(&text);
    }
}

#[test]
fn huge_and_deep_inputs_do_not_crash() {
    let deep = "location / {".repeat(5000);
    let i = import_text(&deep);
    assert!(codes(&i).contains(&"I001"));
    let wide =
        "location /a/ { add_header Access-Control-Allow-Origin https://a.example always; }\n"
            .repeat(300);
    let _ = import_text(&wide);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
    #[test]
    fn random_bytes_and_mutated_fixtures_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400), cut in 0usize..4000, pick in 0usize..16) {
        let _ = import_text(&String::from_utf8_lossy(&bytes));
        let files = fixtures();
        let text = std::fs::read_to_string(&files[pick % files.len()]).unwrap();
        let mut cut = cut.min(text.len());
        while !text.is_char_boundary(cut) { cut -= 1; }
        let mutated = format!("{}{}{}", &text[..cut], String::from_utf8_lossy(&bytes), &text[cut..]);
        let _ = import_text(&mutated);
    }
}

// ---- round trip -------------------------------------------------------------------------

fn policy_set(text: &str, profile: Option<&str>) -> Option<PolicySet> {
    let src = corsc::source::Source::new("p.cors", text);
    let file = corsc::syntax::parse(&src).ok()?;
    corsc::check::check(&file, profile).policies
}

fn profile_names(text: &str) -> Vec<String> {
    let src = corsc::source::Source::new("p.cors", text);
    corsc::syntax::parse(&src)
        .map(|f| corsc::check::profile_names(&f))
        .unwrap_or_default()
}

fn list(v: Option<String>, fold: bool) -> BTreeSet<String> {
    v.unwrap_or_default()
        .split(',')
        .map(|s| {
            if fold {
                s.trim().to_ascii_lowercase()
            } else {
                s.trim().to_string()
            }
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// What a response says about CORS, lists as sets.
fn cors_view(r: &corsc::eval::server::Response) -> String {
    format!(
        "{} acao={:?} acac={:?} acam={:?} acah={:?} aceh={:?} acma={:?}",
        r.status / 100,
        r.header("access-control-allow-origin"),
        r.header("access-control-allow-credentials"),
        list(r.header("access-control-allow-methods"), false),
        list(r.header("access-control-allow-headers"), true),
        list(r.header("access-control-expose-headers"), true),
        r.header("access-control-max-age"),
    )
}

/// Whether two policy sets answer every probe alike (origins of both texts and near misses,
/// methods and headers, every path scope). To be replaced by `corsc::diff` when it lands.
fn equivalent(a: &PolicySet, b: &PolicySet, texts: &[&str]) -> Result<(), String> {
    // What `corsc diff` decides, then an independent comparison over the evaluator's
    // answers to the probes of both sides.
    round_trip::diff_equivalent(a, b)?;
    let mut origins: BTreeSet<String> = [
        "https://evil.test",
        "null",
        "http://localhost:3000",
        "http://localhost:1234",
        "https://example.test",
        "https://pr-12.app.example.test",
        "https://pr-x.app.example.test",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for w in ["app", "admin", "shop", "portal", "dash", "docs", "cdn", "m"] {
        for o in [
            format!("https://{w}.example.test"),
            format!("https://{w}.example.test:8443"),
            format!("https://{w}.example.test:4443"),
            format!("https://{w}.example.test:9000"),
            format!("https://a.{w}.example.test"),
            format!("https://a.b.{w}.example.test"),
            format!("https://pr-7.{w}.example.test"),
            format!("http://{w}.example.test"),
        ] {
            origins.insert(o);
        }
    }
    let re = regex::Regex::new(r#""(https?://[^"\s]+)""#).unwrap();
    for t in texts {
        for c in re.captures_iter(t) {
            let o = c[1].replace("*.", "x.").replace(":*", ":8081");
            origins.insert(o.clone());
            origins.insert(format!("{o}.evil.test"));
        }
    }
    let paths = [
        "/api/x",
        "/api",
        "/v1/x",
        "/health",
        "/health/x",
        "/public/a",
        "/graphql",
        "/other",
        "/status.json",
    ];
    for o in &origins {
        for p in paths {
            let req = WireRequest::new("GET", p).with("Origin", o);
            let (x, y) = (cors_view(&respond(a, &req)), cors_view(&respond(b, &req)));
            if x != y {
                return Err(format!("GET {p} from {o}: {x} vs {y}"));
            }
            for m in ["GET", "POST", "PUT", "PATCH", "DELETE", "QUERY"] {
                for h in [
                    "content-type,authorization",
                    "x-request-id,x-api-key,x-other",
                ] {
                    let req = WireRequest::new("OPTIONS", p)
                        .with("Origin", o)
                        .with("Access-Control-Request-Method", m)
                        .with("Access-Control-Request-Headers", h);
                    let (x, y) = (cors_view(&respond(a, &req)), cors_view(&respond(b, &req)));
                    if x != y {
                        return Err(format!("preflight {m} {p} [{h}] from {o}: {x} vs {y}"));
                    }
                }
            }
        }
    }
    Ok(())
}

/// Compiles `text` to nginx in `shape` and imports the output; the imported policy text.
fn round_trip(
    text: &str,
    profile: Option<&str>,
    shape: &str,
    dir: &Path,
) -> Result<String, String> {
    let src = dir.join("p.cors");
    std::fs::write(&src, text).unwrap();
    let out_dir = dir.join(format!("out-{shape}"));
    let _ = std::fs::remove_dir_all(&out_dir);
    let out = if shape == "server" {
        out_dir.with_extension("conf")
    } else {
        std::fs::create_dir_all(&out_dir).unwrap();
        out_dir.clone()
    };
    let mut c = corsc();
    c.args(["compile", "--target", "nginx", "--shape", shape, "-o"])
        .arg(&out)
        .arg(&src);
    if let Some(p) = profile {
        c.args(["--profile", p]);
    }
    let c = c.output().unwrap();
    if !c.status.success() {
        return Err(format!("compile: {}", String::from_utf8_lossy(&c.stderr)));
    }
    let mut files: Vec<PathBuf> = if shape == "server" {
        vec![out]
    } else {
        std::fs::read_dir(&out_dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect()
    };
    files.sort();
    let i = corsc()
        .args(["import", "--from", "nginx"])
        .args(&files)
        .output()
        .unwrap();
    if !i.status.success() {
        return Err(format!("import: {}", String::from_utf8_lossy(&i.stderr)));
    }
    Ok(String::from_utf8_lossy(&i.stdout).into_owned())
}

#[test]
fn import_of_compile_is_the_policy_for_examples_and_random_policies() {
    let dir = tempfile::tempdir().unwrap();
    let mut examples: Vec<PathBuf> = std::fs::read_dir(root().join("policies"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "cors"))
        .collect();
    examples.sort();
    // Every example with its base policies and with each of its profiles.
    let mut texts: Vec<(String, String, Option<String>)> = Vec::new();
    for p in &examples {
        let text = std::fs::read_to_string(p).unwrap();
        texts.push((p.display().to_string(), text.clone(), None));
        for prof in profile_names(&text) {
            texts.push((
                format!("{} --profile {prof}", p.display()),
                text.clone(),
                Some(prof),
            ));
        }
    }
    let n_examples = texts.len();
    let random: u64 = std::env::var("CORSC_ROUND_TRIP")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    for seed in 0..random {
        texts.push((
            format!("seed {seed}"),
            policy_text(seed, &Features::all()),
            None,
        ));
    }
    for shape in ["server", "include"] {
        let mut failures = Vec::new();
        for (name, text, profile) in &texts {
            let Some(orig) = policy_set(text, profile.as_deref()) else {
                continue;
            };
            let result = round_trip(text, profile.as_deref(), shape, dir.path()).and_then(|back| {
                let b = policy_set(&back, None)
                    .ok_or_else(|| format!("imported text does not check:\n{back}"))?;
                equivalent(&orig, &b, &[text, &back]).map_err(|e| format!("{e}\n{back}"))
            });
            if let Err(e) = result {
                failures.push(format!("{name}: {e}"));
            }
        }
        println!(
            "round trip nginx --shape {shape}: {n_examples} examples (each profile counted) + {random} random policies, {} differences",
            failures.len()
        );
        assert!(
            failures.is_empty(),
            "{}",
            failures
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n\n")
        );
    }
}

/// corsc's snippet shape chooses each header by a map on the path; the policy language cannot
/// follow that, so the import allows nothing there and says so (never one policy for all
/// paths, which would be wider).
#[test]
fn the_snippet_shape_is_narrowed_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("policies/spa-with-cookies.cors")).unwrap();
    let src = dir.path().join("p.cors");
    std::fs::write(&src, &text).unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    corsc()
        .args(["compile", "--target", "nginx", "--shape", "snippet", "-o"])
        .arg(&out)
        .arg(&src)
        .assert()
        .success();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let i = corsc()
        .args(["import", "--from", "nginx", "--format", "concise"])
        .args(&files)
        .output()
        .unwrap();
    let policy = String::from_utf8_lossy(&i.stdout);
    assert!(policy.contains("placeholder.invalid"), "{policy}");
    assert!(!policy.contains("https://app.example.com"), "{policy}");
    assert!(String::from_utf8_lossy(&i.stderr).contains("I101"));
}

/// The origins a whole import allows, by the evaluator, among `probes`.
fn allowed(i: &corsc::import::Imported, probes: &[&str]) -> Vec<String> {
    let src = i.policy_source();
    let file = corsc::syntax::parse(&src).expect("parses");
    let set = corsc::check::check(&file, None)
        .policies
        .unwrap_or_else(|| panic!("checks:\n{}", src.text));
    probes
        .iter()
        .filter(|o| {
            set.policies
                .iter()
                .any(|p| corsc::eval::server::matching_entry(p, o).is_some())
        })
        .map(|o| (*o).to_string())
        .collect()
}

const FLAG_PROBES: &[&str] = &[
    "https://app.example.com",
    "https://admin.example.com",
    "https://evil.example",
    "https://app.example.com.evil.example",
];

#[test]
fn a_flag_set_under_origin_ifs_holds_on_those_origins_only() {
    let text = "location /api/ {\n set $cors \"\";\n if ($http_origin = https://app.example.com) { set $cors \"true\"; }\n if ($http_origin ~ ^https://admin\\.example\\.com$) { set $cors \"true\"; }\n if ($cors = \"true\") { add_header Access-Control-Allow-Origin $http_origin always; add_header Access-Control-Allow-Credentials true always; }\n}";
    let i = import_text(text);
    assert_eq!(
        allowed(&i, FLAG_PROBES),
        ["https://app.example.com", "https://admin.example.com"],
        "{}",
        i.rendered.text
    );
    assert!(!codes(&i).contains(&"I101"), "{:?}", i.diagnostics);
    // `if ($cors)` (not empty, not "0") reads the same.
    let bare = text.replace("if ($cors = \"true\")", "if ($cors)");
    assert_eq!(
        allowed(&import_text(&bare), FLAG_PROBES),
        allowed(&i, FLAG_PROBES)
    );
}

#[test]
fn a_flag_no_set_writes_allows_nothing() {
    let i = import_text(
        "location /api/ {\n if ($http_origin = https://app.example.com) { set $cors \"yes\"; }\n if ($cors = \"true\") { add_header Access-Control-Allow-Origin $http_origin always; }\n}",
    );
    assert!(allowed(&i, FLAG_PROBES).is_empty(), "{}", i.rendered.text);
}

#[test]
fn a_flag_corsc_cannot_follow_is_reported_not_silently_widened() {
    for text in [
        // Built from another variable (the `${cors}options` idiom).
        "location /api/ {\n set $cors \"\";\n if ($http_origin = https://app.example.com) { set $cors \"true\"; }\n if ($request_method = OPTIONS) { set $cors \"${cors}options\"; }\n if ($cors = \"true\") { add_header Access-Control-Allow-Origin $http_origin always; }\n}",
        // Reset after the origin check.
        "location /api/ {\n if ($http_origin = https://app.example.com) { set $cors \"true\"; }\n set $cors \"no\";\n if ($cors = \"true\") { add_header Access-Control-Allow-Origin $http_origin always; }\n}",
        // A variable no `set` writes.
        "location /api/ {\n if ($arg_cors = \"1\") { add_header Access-Control-Allow-Origin $http_origin always; }\n}",
    ] {
        let i = import_text(text);
        let at = i
            .diagnostics
            .iter()
            .find(|(_, d)| d.code == "I101" && d.message.contains("cannot follow this `if`"))
            .unwrap_or_else(|| panic!("no I101 for:\n{text}\n{:?}", i.diagnostics));
        assert_eq!(i.sources[0].slice(at.1.primary.span), "if", "{text}");
    }
    // An unconditional flag is exact: every origin.
    let i = import_text(
        "location /api/ {\n set $cors \"true\";\n if ($cors = \"true\") { add_header Access-Control-Allow-Origin $http_origin always; }\n}",
    );
    assert_eq!(allowed(&i, FLAG_PROBES).len(), FLAG_PROBES.len());
    assert!(!codes(&i).contains(&"I101"), "{:?}", i.diagnostics);
}
