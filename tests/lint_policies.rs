//! The shipped example policies: `policies/*.cors` lint with no finding at all, notes included;
//! every `policies/bad/<rule-name>.cors` triggers the rule it is named after, at the place and
//! severity its header comment (`# corsc lint: error[CODE name] at LINE:COL`) states.

use corsc::diagnostics::{render, Diagnostic};
use corsc::lint::{registry, LintConfig};
use corsc::source::Source;
use std::path::{Path, PathBuf};

fn files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "cors"))
        .collect();
    out.sort();
    out
}

fn lint(path: &Path) -> (Source, Vec<Diagnostic>) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let source = Source::new(path.display().to_string(), text);
    let diags = match corsc::syntax::parse(&source) {
        Ok(f) => corsc::pipeline::lint_file(&f, &LintConfig::default(), None),
        Err(d) => d,
    };
    (source, diags)
}

#[test]
fn example_policies_lint_clean() {
    let all = files("policies");
    assert!(all.len() >= 4);
    for p in all {
        let (source, diags) = lint(&p);
        assert!(diags.is_empty(), "{}", render::concise(&source, &diags));
    }
}

#[test]
fn bad_policies_trigger_the_rule_they_are_named_after() {
    let all = files("policies/bad");
    assert!(all.len() >= 8);
    for p in all {
        let stem = p
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let (source, diags) = lint(&p);
        let header = source
            .text
            .lines()
            .find_map(|l| l.strip_prefix("# corsc lint: "))
            .unwrap_or_else(|| panic!("{stem}: no `# corsc lint:` header"));
        // `error[C203 origin-has-path] at 5:13 — …`
        let (severity, rest) = header.split_once('[').unwrap_or_default();
        let (code_name, rest) = rest.split_once(']').unwrap_or_default();
        let (code, name) = code_name.split_once(' ').unwrap_or_default();
        let at = rest.trim_start().strip_prefix("at ").unwrap_or_default();
        let at: String = at
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == ':')
            .collect();
        let rule = registry::find(code).unwrap_or_else(|| panic!("{stem}: `{code}` is no rule"));
        assert_eq!(rule.meta().name, name, "{stem}: header names {code} {name}");
        let named = registry::find(&stem)
            .or_else(|| {
                registry::RULES
                    .iter()
                    .copied()
                    .find(|r| stem.starts_with(r.meta().name))
            })
            .map(|r| r.meta().code);
        let found = diags.iter().find(|d| {
            let (l, c) = source.line_col(d.primary.span.start);
            d.code == code && d.severity.as_str() == severity && format!("{l}:{c}") == at
        });
        assert!(
            found.is_some(),
            "{stem}: expected {severity}[{code} {name}] at {at}, got:\n{}",
            render::concise(&source, &diags)
        );
        if let Some(n) = named {
            assert_eq!(
                n, code,
                "{stem}: the file name names {n}, the header {code}"
            );
        }
    }
}
