//! Property tests: nothing a user can feed corsc makes it panic. Arbitrary bytes and a "token
//! soup" of the language's own pieces go through parse, check (every profile) and lint; each
//! must end in an IR or in diagnostics whose spans lie inside the text.

use corsc::diagnostics::Diagnostic;
use corsc::lint::LintConfig;
use corsc::source::Source;
use proptest::prelude::*;

fn spans_in_bounds(text: &str, diags: &[Diagnostic]) {
    for d in diags {
        assert!(d.primary.span.start <= d.primary.span.end, "{d:?}");
        assert!(d.primary.span.end <= text.len(), "{d:?}");
        assert!(text.is_char_boundary(d.primary.span.start), "{d:?}");
        for l in &d.secondary {
            assert!(l.span.end <= text.len(), "{d:?}");
        }
        assert_ne!(d.code, "E000", "internal error on {text:?}: {d:?}");
    }
}

fn run(text: &str) {
    let source = Source::new("fuzz.cors", text);
    match corsc::syntax::parse(&source) {
        Ok(file) => {
            for p in std::iter::once(None)
                .chain(corsc::check::profile_names(&file).into_iter().map(Some))
            {
                let checked = corsc::check::check(&file, p.as_deref());
                spans_in_bounds(text, &checked.diagnostics);
            }
            let diags = corsc::pipeline::lint_file(&file, &LintConfig::default(), None);
            spans_in_bounds(text, &diags);
            // Rendering must not fail either.
            let _ = corsc::diagnostics::render::human(&source, &diags, false);
        }
        Err(diags) => {
            assert!(!diags.is_empty());
            spans_in_bounds(text, &diags);
            let _ = corsc::diagnostics::render::human(&source, &diags, false);
        }
    }
}

const TOKENS: &[&str] = &[
    "policy",
    "profile",
    "origins",
    "paths",
    "methods",
    "request-headers",
    "expose-headers",
    "credentials",
    "max-age",
    "private-network",
    "owner",
    "regex",
    "api",
    "dev",
    "team",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    ",",
    "=",
    "+=",
    "*",
    "null",
    "mirror",
    "true",
    "false",
    "proxy",
    "10m",
    "-1",
    "1.5h",
    "GET",
    "put",
    "GET;POST",
    "Content-Type",
    "@allow",
    "reason",
    "\n",
    "\n",
    "\n",
    " ",
    " ",
    "#c\n",
    "\"https://a.example\"",
    "\"https://*.example.com\"",
    "\"http://localhost:*\"",
    "\"a.example b.example\"",
    "\"/api/*\"",
    "\"^https://x\\.y$\"",
    "\"(\"",
    "\"",
    "\"ü\"",
    "\"https://Ä.example:443/\"",
    "\"file:///x\"",
    "\"\"",
    ":",
    ";",
    "\t",
    "\r\n",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        run(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn token_soup_never_panics(idx in proptest::collection::vec(0..TOKENS.len(), 0..80)) {
        let text: String = idx.iter().map(|&i| TOKENS[i]).collect::<Vec<_>>().join(" ");
        run(&text);
    }

    #[test]
    fn well_formed_policies_with_random_values_never_panic(
        origin in "[ -~]{0,40}",
        header in "[ -~]{0,20}",
        duration in "[-0-9a-z.]{0,6}",
        path in "[ -~]{0,20}",
    ) {
        let q = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
        let text = format!(
            "origins s = [ \"{o}\" ]\npolicy p {{\n    paths \"{p}\"\n    origins s, \"{o}\", regex \"{o}\"\n    request-headers {h}\n    max-age {d}\n    profile dev {{\n        origins += \"{o}\"\n    }}\n}}\n",
            o = q(&origin), p = q(&path), h = if header.trim().is_empty() { "X".to_string() } else { header.clone() }, d = if duration.is_empty() { "0".into() } else { duration.clone() },
        );
        run(&text);
    }
}
