//! README.md's rule table, between `<!-- rules:start -->` and `<!-- rules:end -->`, is exactly
//! what `corsc rules --format markdown` prints, so the documentation cannot drift from the
//! registry.

mod support;

#[test]
fn readme_rule_table_matches_the_registry() {
    let expected = corsc::lint::docs::markdown_table();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap_or_default();
    let found = readme
        .split_once("<!-- rules:start -->")
        .and_then(|(_, rest)| rest.split_once("<!-- rules:end -->"))
        .map(|(table, _)| table.trim().to_string());
    assert_eq!(
        found.as_deref(),
        Some(expected.trim()),
        "README.md must hold, between `<!-- rules:start -->` and `<!-- rules:end -->`, exactly \
         the output of `corsc rules --format markdown`:\n\n<!-- rules:start -->\n{}<!-- rules:end -->\n",
        expected
    );
}

/// `corsc explain` knows the compile errors too: the code a failed `corsc compile` prints
/// can be looked up like any other.
#[test]
fn explain_knows_the_compile_codes() {
    for (key, head) in [
        ("P301", "# P301 target-cannot-express"),
        ("p302", "# P302 unwritable-value"),
        ("scope-collision", "# P304 scope-collision"),
    ] {
        let out = support::cli::corsc()
            .args(["explain", key])
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{key}: {text}");
        assert!(text.starts_with(head), "{key}: {text}");
        assert!(text.contains("configurable: no"), "{key}: {text}");
    }
    let out = support::cli::corsc()
        .args(["rules"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("P301  target-cannot-express"), "{text}");
}

fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{e}")) {
        let p = entry.unwrap_or_else(|e| panic!("{e}")).path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Every code a diagnostic can carry is in the catalogue that `rules`, `explain` and SARIF
/// read: every code written as a literal anywhere in `src/` (a rule's metadata, a fixed code,
/// an emit code), outside the tests at the end of a file.
#[test]
fn every_code_in_the_source_is_in_the_catalogue() {
    let catalogue = corsc::lint::docs::catalogue();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found = std::collections::BTreeSet::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let b = code.as_bytes();
        for i in 0..b.len().saturating_sub(5) {
            let lit = &b[i..i + 6];
            if lit[0] == b'"'
                && lit[1].is_ascii_uppercase()
                && lit[2..5].iter().all(u8::is_ascii_digit)
                && lit[5] == b'"'
            {
                found.insert((code[i + 1..i + 5].to_string(), f.display().to_string()));
            }
        }
    }
    assert!(found.len() > 60, "{found:?}");
    let missing: Vec<_> = found
        .iter()
        .filter(|(c, _)| catalogue.find(c).is_none())
        .collect();
    assert!(missing.is_empty(), "not in the catalogue: {missing:?}");
    // And the catalogue has no code twice.
    let mut codes: Vec<_> = catalogue.entries().iter().map(|e| e.code).collect();
    let n = codes.len();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), n);
}

/// README.md's browser table, between `<!-- browsers:start -->` and `<!-- browsers:end -->`, is
/// the table `corsc explain browsers` prints from the browser models.
#[test]
fn readme_browser_table_matches_the_models() {
    let expected = corsc::browsers::markdown_table();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap_or_default();
    let found = readme
        .split_once("<!-- browsers:start -->")
        .and_then(|(_, rest)| rest.split_once("<!-- browsers:end -->"))
        .map(|(table, _)| table.trim().to_string());
    assert_eq!(
        found.as_deref(),
        Some(expected.trim()),
        "README.md must hold, between `<!-- browsers:start -->` and `<!-- browsers:end -->`, \
         exactly the table of `corsc explain browsers`:\n\n{expected}"
    );
    let out = support::cli::corsc()
        .args(["explain", "browsers"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains(expected.trim()));
}
