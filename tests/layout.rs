//! Facts about the source tree that keep the stages apart: pest is used only in `src/syntax/`,
//! and no `todo!`, `unimplemented!` or `dbg!` is left in `src/`.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn pest_stays_inside_syntax_and_no_leftovers_remain() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 20);
    let syntax = src.join("syntax");
    let mut problems = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        if !f.starts_with(&syntax) && (text.contains("pest::") || text.contains("pest_derive")) {
            problems.push(format!("{} uses pest outside src/syntax/", f.display()));
        }
        for bad in ["todo!(", "unimplemented!(", "dbg!("] {
            if text.contains(bad) {
                problems.push(format!("{} contains `{bad}`", f.display()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
