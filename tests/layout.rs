//! Facts about the source tree that keep the stages apart: no import cycle between the modules
//! of `src/`, stages that import only downward, pest only in `src/syntax/`, the checker called
//! from one place, no target file or lint rule that imports another, no `todo!`,
//! `unimplemented!` or `dbg!` left in `src/`, and no file a merge or an editor leaves behind.

mod support;
use support::imports;

use imports::{rust_files, show, Graph, ModPath};
use std::path::Path;

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

/// Files under `dir` (not under an installed or built folder) whose names a merge tool or an
/// editor leaves behind: `x.orig`, `x.rej`, `x.bak`, `x~`, `.x.swp`.
fn leftovers(dir: &Path, found: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            if !matches!(name.as_str(), "node_modules" | "target" | ".venv" | ".git") {
                leftovers(&path, found);
            }
        } else if [".orig", ".rej", ".bak", "~", ".swp"]
            .iter()
            .any(|end| name.ends_with(end))
        {
            found.push(path.display().to_string());
        }
    }
}

#[test]
fn no_merge_or_editor_leftovers_are_in_the_tree() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    for dir in ["src", "tests", "grammar", "policies"] {
        leftovers(&root.join(dir), &mut found);
    }
    assert!(found.is_empty(), "leftover files: {found:?}");
}

fn graph() -> Graph {
    Graph::of(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
}

fn m(path: &str) -> ModPath {
    path.split('/').map(String::from).collect()
}

/// The reader of imports sees what it must, or the cycle test below could not fail: a small
/// crate where a loop runs through a re-export, an alias, `super::` and an inline path.
#[test]
fn the_import_reader_finds_loops_written_every_way() {
    let dir = std::env::temp_dir().join(format!("corsc-layout-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let write = |rel: &str, text: &str| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write("lib.rs", "pub mod a;\npub mod b;\npub mod c;\n");
    write("a/mod.rs", "pub mod x;\npub use x::Thing;\n");
    write(
        "a/x.rs",
        "use crate::b as other;\npub fn f() { other::g(); }\npub struct Thing;\n",
    );
    write("b.rs", "pub fn g() { super::c::h() }\n");
    // c names a's item through the re-export; it must resolve to a/x, the defining file.
    write(
        "c.rs",
        "// use crate::b;\nuse crate::a::Thing;\npub fn h() { let _ = \"crate::b\"; }\n",
    );
    let g = Graph::of(&dir);
    let has = |from: &str, to: &str| g.edges.get(&m(from)).is_some_and(|s| s.contains(&m(to)));
    assert!(has("a/x", "b"), "an alias used in an inline path");
    assert!(has("b", "c"), "super:: inline");
    assert!(has("c", "a/x"), "a re-export followed to its definition");
    assert!(!has("c", "a"), "the façade is not the definition");
    assert!(!has("c", "b"), "comments and strings are not code");
    let cycles = g.cycles();
    assert_eq!(cycles, vec![vec![m("a/x"), m("b"), m("c")]]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn src_has_no_import_cycle() {
    let g = graph();
    let cycles = g.cycles();
    let mut report = String::new();
    for c in &cycles {
        report.push_str(&format!("cycle of {}:\n", c.len()));
        for a in c {
            for b in &g.edges[a] {
                if c.contains(b) {
                    report.push_str(&format!("    {} -> {}\n", show(a), show(b)));
                }
            }
        }
    }
    assert!(cycles.is_empty(), "{report}");
}

/// Stages import only downward: each layer may name the layers listed after it, never one
/// before it. `diagnostics`, `source` and `ir` are the floor every stage stands on.
#[test]
fn stages_import_only_downward() {
    // Outermost first. A module belongs to the first layer whose prefix it has.
    const LAYERS: &[&[&str]] = &[
        &["main", "cli"],
        &["lsp"],
        &["pipeline"],
        &["diff", "import"],
        &["emit", "eval"],
        &["lint"],
        &["check"],
        &["format"],
        &["syntax"],
        &["ir", "fetch", "browsers", "regex"],
        &["diagnostics"],
        &["source"],
    ];
    let g = graph();
    let layer = |p: &ModPath| -> Option<usize> {
        let head = p.first()?;
        LAYERS.iter().position(|l| l.contains(&head.as_str()))
    };
    let mut problems = Vec::new();
    for (from, tos) in &g.edges {
        let Some(lf) = layer(from) else { continue };
        for to in tos {
            let Some(lt) = layer(to) else { continue };
            if lt < lf {
                problems.push(format!(
                    "{} imports {} (a stage above it)",
                    show(from),
                    show(to)
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The imports from one file of `dir` (a folder of peers, such as the targets or the lint
/// rules) to another file of the same folder.
fn peer_imports(dir: &str) -> Vec<String> {
    let g = graph();
    let dir = m(dir);
    let is_peer = |p: &ModPath| p.len() == dir.len() + 1 && p.starts_with(&dir);
    let mut problems = Vec::new();
    for (from, tos) in &g.edges {
        if is_peer(from) {
            for to in tos.iter().filter(|t| is_peer(t)) {
                problems.push(format!("{} imports {}", show(from), show(to)));
            }
        }
    }
    problems
}

#[test]
fn no_target_imports_another_target() {
    let problems = peer_imports("emit/targets");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// An import format reads what it shares with other formats from the import stage (the
/// draft, the context, the syntax-tree helpers), never from another format.
#[test]
fn no_import_format_imports_another_format() {
    let problems = peer_imports("import/formats");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A rule reads what it shares with other rules from a lint module beside `rules/` (entries,
/// hosts, lists, the regex checks) or from the Fetch tables, never from another rule; only the
/// registry names every rule.
#[test]
fn no_rule_imports_another_rule() {
    let problems = peer_imports("lint/rules");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The test binaries share one support module: one way to run the binary, one reader of
/// fixture annotations, and no binary that pulls a support file in by its own path.
#[test]
fn tests_share_one_support_module() {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut files = Vec::new();
    for dir in ["", "security"] {
        for entry in std::fs::read_dir(tests.join(dir)).unwrap() {
            let p = entry.unwrap().path();
            if p.extension().is_some_and(|e| e == "rs") {
                files.push(p);
            }
        }
    }
    let mut problems = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let name = f.strip_prefix(&tests).unwrap().display().to_string();
        let bad: &[(&str, &str)] = &[
            (
                "cargo_bin(",
                "runs the binary itself; use support::cli::corsc()",
            ),
            (
                "Command::new(env!(\"CARGO_BIN_EXE_corsc\"))",
                "runs the binary itself; use support::cli::command()",
            ),
            (
                "#[path = \"support/",
                "includes a support file by path; use `mod support;`",
            ),
            (
                "fn expected(text: &str)",
                "parses annotations itself; use support::fixtures",
            ),
        ];
        for (needle, why) in bad {
            if text.contains(needle) && name != "layout.rs" {
                problems.push(format!("tests/{name} {why}"));
            }
        }
    }
    assert!(files.len() > 20);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A file's code without `//` comments and without its `#[cfg(test)]` tail: tests may check a
/// policy directly.
fn code_outside_tests(text: &str) -> String {
    let text = text.find("#[cfg(test)]").map_or(text, |i| &text[..i]);
    text.lines()
        .map(|l| l.find("//").map_or(l, |i| &l[..i]))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The checker runs from one place: the pipeline checks the base policies and each profile
/// once and hands the IR on, so no command or stage checks a file again by itself.
#[test]
fn only_the_pipeline_calls_the_checker() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let pipeline = src.join("pipeline.rs");
    let mut callers = Vec::new();
    for f in &files {
        if f.starts_with(src.join("check")) {
            continue;
        }
        let code = code_outside_tests(&std::fs::read_to_string(f).unwrap());
        let calls = code.match_indices("check::check").any(|(i, m)| {
            !code[i + m.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
        });
        if calls {
            callers.push(f.strip_prefix(&src).unwrap().display().to_string());
        }
    }
    assert!(
        callers == ["pipeline.rs"] && pipeline.is_file(),
        "`check::check` is called from {callers:?}; only src/pipeline.rs may call it"
    );
}
