//! `corsc import --from django` and `--from flask`: every input under `policies/imports/django/`
//! and `policies/imports/flask/` imported and linted (snapshots), and the traps one by one.

mod support;
use support::cli::{corsc, root};

fn inputs(format: &str) -> Vec<std::path::PathBuf> {
    let dir = root().join("policies/imports").join(format);
    let mut v: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    v.sort();
    v
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = corsc()
        .current_dir(root())
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_input_imports_and_lints() {
    for format in ["django", "flask"] {
        let files = inputs(format);
        assert!(files.len() >= 4, "{format}: {}", files.len());
        for f in files {
            let rel = f.strip_prefix(root()).unwrap_or(&f).display().to_string();
            let (code, policy, findings) =
                run(&["import", "--from", format, "--format", "concise", &rel]);
            assert_eq!(code, 0, "{rel}: {findings}");
            let (lcode, lout, lerr) = run(&["lint", "--from", format, "--format", "concise", &rel]);
            let name = format!(
                "{format}-{}",
                f.file_stem().unwrap_or_default().to_string_lossy()
            );
            insta::assert_snapshot!(
                name,
                format!("{policy}\n--- import findings\n{findings}\n--- lint --from (exit {lcode})\n{lout}{lerr}")
            );
        }
    }
}

#[test]
fn star_with_credentials_is_reported_by_lint() {
    for (format, file) in [
        (
            "django",
            "policies/imports/django/allow-all-with-credentials.py",
        ),
        (
            "flask",
            "policies/imports/flask/default-origins-with-credentials.py",
        ),
    ] {
        let (code, out, err) = run(&["lint", "--from", format, "--format", "concise", file]);
        assert_ne!(code, 0, "{out}{err}");
        assert!(
            out.contains("wildcard-with-credentials")
                || out.contains("S10")
                || err.contains("credentials"),
            "{out}{err}"
        );
    }
}

fn tmp(name: &str, bytes: &[u8]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap_or_else(|e| panic!("{e}"));
    let s = p.display().to_string();
    (dir, s)
}

#[test]
fn a_syntax_error_is_i001_with_its_line_and_column() {
    for format in ["django", "flask"] {
        let (_d, p) = tmp(
            "settings.py",
            b"CORS_ALLOWED_ORIGINS = [\n    \"https://a.example\",\n  = 3\n",
        );
        let (code, out, err) = run(&["import", "--from", format, "--format", "concise", &p]);
        assert_eq!(code, 1, "{out}{err}");
        assert!(
            err.contains("I001")
                && err.contains(":1:22: error: I001")
                && err.contains("syntax error at 1:22"),
            "{err}"
        );
        assert!(out.is_empty());
    }
}

#[test]
fn not_utf8_and_not_python_fail_cleanly() {
    let (_d, p) = tmp("settings.py", b"CORS_ALLOWED_ORIGINS = [\"\xff\xfe\"]\n");
    let (code, _, err) = run(&["import", "--from", "django", &p]);
    assert_ne!(code, 0);
    assert!(err.contains("UTF-8"), "{err}");
    let (_d2, p2) = tmp("nginx.conf", b"server { listen 80; add_header X y; }\n");
    let (code, _, err) = run(&["import", "--from", "django", "--format", "concise", &p2]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("I001"), "{err}");
}

#[test]
fn deep_nesting_and_huge_lists_do_not_crash() {
    let mut deep = String::from("CORS_ALLOWED_ORIGINS = ");
    deep.push_str(&"[".repeat(5000));
    deep.push_str(&"]".repeat(5000));
    deep.push('\n');
    let (_d, p) = tmp("settings.py", deep.as_bytes());
    let (code, _, err) = run(&["import", "--from", "django", "--format", "concise", &p]);
    assert!(code == 0 || code == 1, "{err}");
    let mut big = String::from("CORS_ALLOWED_ORIGINS = [\n");
    for i in 0..20_000 {
        big.push_str(&format!("    \"https://a{i}.example.com\",\n"));
    }
    big.push_str("]\n");
    let (_d2, p2) = tmp("settings.py", big.as_bytes());
    let (code, out, err) = run(&["import", "--from", "django", "--format", "concise", &p2]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("https://a19999.example.com"));
}

#[test]
fn hostile_strings_cannot_inject_directives() {
    let src = "CORS_ALLOWED_ORIGINS = [\"https://a.example\\\"\\n    credentials true\", \"https://b.example # x\"]\nCORS_ALLOW_METHODS = [\"GET#\", \"PUT\\nmax-age 9\"]\nCORS_ALLOW_HEADERS = []\n";
    let (_d, p) = tmp("settings.py", src.as_bytes());
    let (code, out, err) = run(&["import", "--from", "django", "--format", "concise", &p]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("credentials      true"), "{out}");
    assert!(!out.contains("max-age          9"), "{out}");
    assert!(
        !out.lines().any(|l| l.trim_start().starts_with("GET")),
        "{out}"
    );
}

#[test]
fn flask_strings_with_regex_characters_are_regexes_dots_are_not() {
    let src = "from flask_cors import CORS\nCORS(app, origins=[\"https://a.example.com\", \"https://b.example.com$\"])\n";
    let (_d, p) = tmp("app.py", src.as_bytes());
    let (code, out, err) = run(&["import", "--from", "flask", "--format", "concise", &p]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"https://a.example.com\""), "{out}");
    assert!(
        out.contains("regex \"(?i)^(?:https://b.example.com$)\""),
        "{out}"
    );
}

/// Imports Flask source text (no file) and returns the policy text and the codes found.
fn flask_text(text: &str) -> (String, Vec<&'static str>) {
    let cx = corsc::import::Context::with_sources(vec![corsc::source::Source::new("app.py", text)]);
    let i = corsc::import::import_context(
        corsc::import::find("flask").expect("registered"),
        cx,
        &[0],
        &corsc::pipeline::errors,
    );
    let codes = i.diagnostics.iter().map(|(_, d)| d.code).collect();
    (i.rendered.text, codes)
}

#[test]
fn flask_config_settings_above_the_call_are_its_defaults() {
    let (t, _) = flask_text(
        "app = Flask(__name__)\napp.config['CORS_ORIGINS'] = ['https://a.example']\napp.config.update(CORS_SUPPORTS_CREDENTIALS=True)\nCORS(app)\n",
    );
    assert!(t.contains("\"https://a.example\""), "{t}");
    assert!(!t.contains("*,"), "{t}");
    assert!(t.contains("credentials      true"), "{t}");
    // The call's own options win over the config.
    let (t, _) = flask_text(
        "app.config['CORS_ORIGINS'] = ['https://a.example']\nCORS(app, origins=['https://b.example'])\n",
    );
    assert!(
        t.contains("\"https://b.example\"") && !t.contains("a.example"),
        "{t}"
    );
    // Set after CORS(app) ran: not seen by it.
    let (t, _) = flask_text("CORS(app)\napp.config['CORS_ORIGINS'] = ['https://a.example']\n");
    assert!(t.contains("*,") && !t.contains("a.example"), "{t}");
}

#[test]
fn flask_config_from_a_class_of_the_module_and_cross_origin_reads_all() {
    let (t, _) = flask_text(
        "class Config:\n    CORS_ORIGINS = 'https://a.example'\n    CORS_MAX_AGE = 60\n\napp.config.from_object(Config)\nCORS(app)\n",
    );
    assert!(
        t.contains("\"https://a.example\"") && t.contains("max-age"),
        "{t}"
    );
    let (t, _) = flask_text(
        "@app.route('/x')\n@cross_origin()\ndef x():\n    pass\n\napp.config['CORS_ORIGINS'] = ['https://late.example']\n",
    );
    assert!(
        t.contains("\"https://late.example\"") && !t.contains("*,"),
        "{t}"
    );
}

#[test]
fn flask_config_loaded_from_elsewhere_is_reported() {
    for load in [
        "app.config.from_pyfile('settings.cfg')",
        "app.config.from_envvar('APP_SETTINGS')",
        "app.config.from_object('myapp.settings.Production')",
        "app.config.update(load_settings())",
        "app.config[key] = value",
    ] {
        let (_, codes) = flask_text(&format!("{load}\nCORS(app)\n"));
        assert!(codes.contains(&"I102"), "{load}: {codes:?}");
    }
}
