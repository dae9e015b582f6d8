//! The annotation format of fixture files. `#~^ CODE` means "a diagnostic with CODE starts on
//! the nearest line above that is not an annotation"; `#~^^ CODE` the second nearest, and so
//! on; `#~v CODE` the line below (for errors at the end of a file). Several codes may follow
//! one marker, and the same code twice means two diagnostics.

use corsc::diagnostics::Diagnostic;
use corsc::source::Source;
use std::collections::BTreeMap;

/// `(line, code)` pairs the annotations ask for, with multiplicity.
pub fn expected(text: &str) -> BTreeMap<(usize, String), usize> {
    let lines: Vec<&str> = text.lines().collect();
    let is_marker = |l: &str| l.trim_start().starts_with("#~");
    let mut out = BTreeMap::new();
    for (i, l) in lines.iter().enumerate() {
        let Some(rest) = l.trim_start().strip_prefix("#~") else {
            continue;
        };
        let (dir, codes) = rest.split_at(rest.find(' ').unwrap_or(rest.len()));
        let target = if dir == "v" {
            i + 2
        } else {
            let ups = dir.chars().filter(|&c| c == '^').count();
            assert!(ups > 0 && ups == dir.len(), "bad annotation `{l}`");
            let mut seen = 0;
            let mut j = i;
            loop {
                assert!(j > 0, "annotation `{l}` points above the file");
                j -= 1;
                if !is_marker(lines[j]) {
                    seen += 1;
                    if seen == ups {
                        break j + 1;
                    }
                }
            }
        };
        for code in codes.split_whitespace() {
            *out.entry((target, code.to_string())).or_insert(0) += 1;
        }
    }
    out
}

/// `(line, code)` pairs of the diagnostics a run produced, with multiplicity.
pub fn actual(source: &Source, diags: &[Diagnostic]) -> BTreeMap<(usize, String), usize> {
    let mut out = BTreeMap::new();
    for d in diags {
        let (line, _) = source.line_col(d.primary.span.start);
        *out.entry((line, d.code.to_string())).or_insert(0) += 1;
    }
    out
}
