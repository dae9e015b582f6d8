//! What every `import_*` test starts from: a format's fixture files, one text imported in
//! memory, the codes of its findings, the imported policy checked, and each fixture imported
//! and linted by the `corsc` binary as a user runs it.
//!
//! The snapshots of the fixtures are taken by the caller ([`import_and_lint`] hands it the
//! outputs), so that they stay named after its test file, where insta keeps them.
#![allow(dead_code, reason = "each test binary uses the parts it needs")]

use super::cli::{corsc, root};
use corsc::import::{self, Context, Imported};
use corsc::ir::PolicySet;
use corsc::source::Source;
use std::path::{Path, PathBuf};

/// The files of `dir` (from the repository's root), sorted; only those ending in `.{ext}`
/// when `ext` is given.
pub fn fixtures(dir: &str, ext: Option<&str>) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| ext.is_none_or(|ext| p.extension().is_some_and(|x| x == ext)))
        .collect();
    v.sort();
    v
}

/// `text`, as a file named `name`, imported with `format`.
pub fn import_text(format: &str, name: &str, text: &str) -> Imported {
    let cx = Context::with_sources(vec![Source::new(name, text)]);
    let f = import::find(format).expect("registered");
    import::import_context(f, cx, &[0], &corsc::pipeline::errors)
}

/// The codes of the import's findings, in order.
pub fn codes(i: &Imported) -> Vec<&'static str> {
    i.diagnostics.iter().map(|(_, d)| d.code).collect()
}

/// The imported policy's set (base policies); the policy must parse and check.
pub fn checked(i: &Imported) -> PolicySet {
    let src = i.policy_source();
    let file = corsc::syntax::parse(&src).expect("imported text parses");
    corsc::pipeline::check(&file, None)
        .policies
        .unwrap_or_else(|| panic!("imported text checks:\n{}", src.text))
}

/// Whether the first policy of `set` allows `origin`.
pub fn allows(set: &PolicySet, origin: &str) -> bool {
    corsc::eval::server::matching_entry(&set.policies[0], origin).is_some()
}

/// One fixture run through `corsc import` and `corsc lint --format concise`.
pub struct Run<'a> {
    /// The fixture.
    pub path: &'a Path,
    /// Its file name.
    pub name: String,
    /// Its file name without the extension.
    pub stem: String,
    /// What the import wrote: the policy.
    pub policy: String,
    /// The lint's exit code (0 or 1).
    pub lint_code: i32,
    /// What the lint wrote.
    pub lint: String,
}

impl Run<'_> {
    /// The two snapshots of the run, as most formats name them: `import-NAME`, the policy,
    /// and `lint-NAME`, the lint's exit code and findings.
    pub fn snapshots(&self) -> [(String, String); 2] {
        [
            (format!("import-{}", self.name), self.policy.clone()),
            (
                format!("lint-{}", self.name),
                format!("exit {}\n{}", self.lint_code, self.lint),
            ),
        ]
    }
}

/// Imports and lints each of `files` with `--from format` as a user does (the import must
/// succeed, the lint may find something but not fail), and hands each run to `snapshot`.
pub fn import_and_lint(format: &str, files: &[PathBuf], mut snapshot: impl FnMut(&Run<'_>)) {
    for path in files {
        let rel = path.strip_prefix(root()).expect("under root");
        let name = rel
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let out = corsc()
            .args(["import", "--from", format])
            .arg(rel)
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let lint = corsc()
            .args(["lint", "--from", format, "--format", "concise"])
            .arg(rel)
            .output()
            .expect("runs");
        let lint_code = lint.status.code().unwrap_or(-1);
        assert!(lint_code == 0 || lint_code == 1, "{name}: {lint_code}");
        snapshot(&Run {
            path,
            stem: rel
                .file_stem()
                .expect("stem")
                .to_string_lossy()
                .into_owned(),
            name,
            policy: String::from_utf8_lossy(&out.stdout).into_owned(),
            lint_code,
            lint: String::from_utf8_lossy(&lint.stdout).into_owned(),
        });
    }
}

/// Fixture `which` (counted round the list) with `cut` bytes from byte `at` replaced by
/// `insert`, each end moved back to a character boundary: its file name and the mutated text.
pub fn mutated(
    files: &[PathBuf],
    which: usize,
    at: usize,
    cut: usize,
    insert: &str,
) -> (String, String) {
    let path = &files[which % files.len()];
    let text = std::fs::read_to_string(path).expect("fixture");
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let mut end = (at + cut).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let name = path
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    (name, format!("{}{}{}", &text[..at], insert, &text[end..]))
}

/// Writes the imported policy and, when the import succeeded, lints it: neither may panic.
pub fn render_and_lint(i: &Imported) {
    let _ = i.text();
    if !i.failed() {
        let _ = corsc::pipeline::lint_imported(i, &corsc::lint::LintConfig::default());
    }
}

/// The import failed on a syntax error, reported first, with its line in the message.
pub fn assert_unreadable_at_a_line(i: &Imported) {
    assert!(i.failed());
    let (_, d) = &i.diagnostics[0];
    assert_eq!(d.code, "I001");
    assert!(d.message.contains("line "), "{}", d.message);
}

/// `corsc import --from format` refuses a file named `name` holding `bytes` (not UTF-8) with an
/// error exit, not a crash.
pub fn assert_non_utf8_is_refused(format: &str, name: &str, bytes: &[u8]) {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).expect("write");
    let out = corsc()
        .args(["import", "--from", format])
        .arg(&p)
        .output()
        .expect("runs");
    assert_ne!(out.status.code(), Some(0));
    assert!(out.status.code().is_some(), "killed by a signal");
}
