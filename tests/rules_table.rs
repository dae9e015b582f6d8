//! README.md's rule table, between `<!-- rules:start -->` and `<!-- rules:end -->`, is exactly
//! what `corsc rules --format markdown` prints, so the documentation cannot drift from the
//! registry.

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
