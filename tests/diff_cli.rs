//! `corsc diff` end to end: exit codes, output snapshots, profiles and errors.

mod support;

fn diff(args: &[&str]) -> (i32, String, String) {
    let out = support::cli::corsc()
        .arg("diff")
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const D: &str = "tests/fixtures/diff";

fn f(name: &str) -> String {
    format!("{D}/{name}.cors")
}

#[test]
fn the_same_policy_spelled_differently_is_equivalent() {
    let (code, out, err) = diff(&[&f("old"), &f("same")]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.ends_with("verdict: equivalent: every probe gets the same browser verdict\n"),
        "{out}"
    );
    insta::assert_snapshot!("diff_same_human", out);
}

#[test]
fn a_wider_policy_fails_with_examples() {
    let (code, out, err) = diff(&[&f("old"), &f("wider")]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("+ https://*.example.com  e.g. https://"),
        "{out}"
    );
    assert!(out.contains("+ PATCH"), "{out}");
    assert!(out.contains("+ authorization"), "{out}");
    assert!(out.contains("~ 600 s → 7200 s"), "{out}");
    insta::assert_snapshot!("diff_wider_human", out);
}

#[test]
fn a_narrower_policy_passes() {
    let (code, out, err) = diff(&[&f("old"), &f("narrower")]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("- https://admin.example.com"), "{out}");
    assert!(out.contains("- DELETE"), "{out}");
    assert!(out.contains("verdict: narrower"), "{out}");
    insta::assert_snapshot!("diff_narrower_human", out);
}

#[test]
fn the_reverse_of_narrower_is_wider() {
    let (code, out, _) = diff(&[&f("narrower"), &f("old")]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("+ https://admin.example.com"), "{out}");
}

#[test]
fn json_output_has_a_stable_shape() {
    let (code, out, err) = diff(&[&f("old"), &f("wider"), "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let j: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(j["schema"], "corsc-diff/1");
    assert_eq!(j["verdict"], "wider");
    assert_eq!(j["widens"], true);
    assert_eq!(j["old"]["file"], f("old"));
    let api = &j["scopes"][0];
    assert_eq!(api["scope"], "/api/*");
    assert_eq!(api["old_policy"], "api");
    assert_eq!(api["verdict"], "wider");
    let gained = api["gained"].as_array().expect("gained");
    assert!(gained.iter().any(|g| g["kind"] == "origin"
        && g["value"] == "https://*.example.com"
        && g["example"]
            .as_str()
            .is_some_and(|e| e.ends_with(".example.com"))));
    insta::assert_snapshot!(
        "diff_wider_json",
        out.replace(env!("CARGO_PKG_VERSION"), "[version]")
    );
    let (_, out, _) = diff(&[&f("old"), &f("same"), "-f", "json"]);
    insta::assert_snapshot!(
        "diff_same_json",
        out.replace(env!("CARGO_PKG_VERSION"), "[version]")
    );
}

#[test]
fn profiles_apply_to_one_side_or_both() {
    // The base of profiles.cors is old.cors.
    let (code, out, _) = diff(&[&f("old"), &f("profiles")]);
    assert_eq!(code, 0, "{out}");
    let (code, out, _) = diff(&[&f("old"), &f("profiles"), "--new-profile", "dev"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("+ http://localhost:5173"), "{out}");
    let (code, out, _) = diff(&[&f("profiles"), &f("profiles"), "--old-profile", "dev"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("- http://localhost:5173"), "{out}");
    let (code, out, _) = diff(&[&f("profiles"), &f("profiles"), "--profile", "dev"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("verdict: equivalent"), "{out}");
    // --profile names one profile for both sides: a side without it is an error.
    let (code, _, err) = diff(&[&f("old"), &f("profiles"), "--profile", "dev"]);
    assert_eq!(code, 2);
    assert!(err.contains("defines the profile `dev`"), "{err}");
    let (code, _, _) = diff(&[
        &f("old"),
        &f("profiles"),
        "--profile",
        "dev",
        "--old-profile",
        "dev",
    ]);
    assert_eq!(code, 2);
}

#[test]
fn errors_exit_2_with_the_diagnostics_check_prints() {
    let (code, out, err) = diff(&[&f("old"), &f("invalid")]);
    assert_eq!(code, 2, "{out}");
    assert!(out.is_empty());
    assert!(err.contains("E001"), "{err}");
    assert!(err.contains("invalid.cors:3:"), "{err}");
    let (code, _, err) = diff(&[&f("old"), "no/such/file.cors"]);
    assert_eq!(code, 2);
    assert!(err.contains("no/such/file.cors"), "{err}");
    let (code, _, _) = diff(&[&f("old")]);
    assert_eq!(code, 2);
}

#[test]
fn multi_policy_files_are_compared_scope_by_scope() {
    let (_, out, _) = diff(&[&f("old"), &f("wider")]);
    assert!(out.contains("scope /api/*  (old: api, new: api)"), "{out}");
    assert!(
        out.contains("scope /health  (old: health, new: health): no difference"),
        "{out}"
    );
}

#[test]
fn the_readme_example_is_the_output() {
    let readme = std::fs::read_to_string(support::cli::root().join("README.md")).expect("README");
    let cmd = format!("$ corsc diff {} {}\n", f("old"), f("wider"));
    let start = readme
        .find(&cmd)
        .expect("the README shows the diff example")
        + cmd.len();
    let end = start
        + readme[start..]
            .find("$ echo $?")
            .expect("the exit status follows");
    let (_, out, _) = diff(&[&f("old"), &f("wider")]);
    assert_eq!(&readme[start..end], out);
}

#[test]
fn markdown_output_for_a_pull_request_comment() {
    let (code, out, err) = diff(&[&f("old"), &f("wider"), "--format", "markdown"]);
    assert_eq!(code, 1, "{out}{err}");
    insta::assert_snapshot!("diff_wider_markdown", out);
    let (code, out, _) = diff(&[&f("old"), &f("same"), "-f", "markdown"]);
    assert_eq!(code, 0);
    assert!(out.contains("✅ **Verdict: equivalent"), "{out}");
}

/// The Markdown as a GitHub-flavoured parser reads it: each table row's cells, and the text
/// of every code span.
fn read_markdown(md: &str) -> (Vec<Vec<String>>, Vec<String>) {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut rows = Vec::new();
    let mut codes = Vec::new();
    let mut cell: Option<String> = None;
    for ev in Parser::new_ext(md, Options::ENABLE_TABLES) {
        match ev {
            Event::Start(Tag::TableHead | Tag::TableRow) => rows.push(Vec::new()),
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                let c = cell.take().unwrap_or_default();
                rows.last_mut().expect("a row").push(c);
            }
            Event::Code(c) => {
                if let Some(cell) = cell.as_mut() {
                    cell.push_str(&c);
                }
                codes.push(c.to_string());
            }
            Event::Text(t) => {
                if let Some(cell) = cell.as_mut() {
                    cell.push_str(&t);
                }
            }
            _ => {}
        }
    }
    (rows, codes)
}

/// Header names may hold a backtick and a pipe (both are token characters; paths may hold
/// neither): in the Markdown each stays one code span with its exact text, and no table row
/// gains or loses a cell.
#[test]
fn hostile_values_stay_inside_their_code_spans_and_table_cells() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let old = tmp.path().join("old.cors");
    let new = tmp.path().join("new.cors");
    let base = "policy p {\n    paths \"/api/*\"\n    origins \"https://a.example\"\n    methods PUT\n    request-headers X-A";
    std::fs::write(&old, format!("{base}\n}}\n")).expect("write");
    std::fs::write(&new, format!("{base}, x`|`y, x``z\n}}\n")).expect("write");
    let (code, out, err) = diff(&[
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--format",
        "markdown",
    ]);
    assert_eq!(code, 1, "{out}{err}");
    let (rows, codes) = read_markdown(&out);
    assert!(rows.len() >= 2, "{rows:?}\n{out}");
    for r in &rows {
        assert_eq!(r.len(), 4, "{r:?}\n{out}");
    }
    assert!(rows.iter().any(|r| r[0] == "/api/*"), "{rows:?}\n{out}");
    for header in ["x`|`y", "x``z"] {
        assert!(
            codes.iter().any(|c| c == header),
            "{header} is not one code span: {codes:?}\n{out}"
        );
    }
}
