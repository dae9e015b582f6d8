//! `grammar/cors.tmLanguage.json`, the TextMate grammar editors colour `.cors` files with, run
//! by vscode-textmate and vscode-oniguruma (the engine and regex library VS Code runs grammars
//! with; `tests/textmate/`, installed by `.ci/run`) over every shipped `.cors` file, the
//! hostile-name files, random policies and generated files of every grammar shape.
//!
//! corsc's own parser is the judge: every token of its syntax tree must carry the scope that
//! names it (a directive name `keyword.other.directive`, a string `string.quoted.double`, a
//! regex `string.regexp`, …), every comment must be a comment, nothing else may be coloured as
//! a comment or a string, nothing in a file that parses is `invalid`, and every region the
//! grammar opens is closed by the end of the file. Without node or the npm packages the test
//! says why it skips; with `CORSC_REQUIRE_ENGINES=1` it fails.

mod support;
use support::frameworks::hostile_name_sets;
use support::random_policy::{policy_text, Features, Rng};
use support::shaped_policy::{messed, shaped, with_comments};

use corsc::source::{Source, Span};
use corsc::syntax::ast::{BodyItem, Directive, File, Item, ValueKind, ValueList};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Whether node and the npm packages are there; without them the test skips, or fails when
/// `CORSC_REQUIRE_ENGINES=1`.
fn engine_ready(test: &str) -> bool {
    let required = std::env::var("CORSC_REQUIRE_ENGINES").is_ok_and(|v| v == "1");
    let node = Command::new("node").arg("--version").output();
    let why = if !node.is_ok_and(|o| o.status.success()) {
        "node is not installed"
    } else if !root()
        .join("tests/textmate/node_modules/vscode-textmate")
        .is_dir()
    {
        "tests/textmate has no node_modules (cd tests/textmate && npm ci)"
    } else {
        return true;
    };
    assert!(!required, "{test}: {why}, and CORSC_REQUIRE_ENGINES=1");
    eprintln!("skipping {test}: {why} (set CORSC_REQUIRE_ENGINES=1 to fail instead)");
    false
}

/// One token: its bytes in the file and its scopes, innermost last.
struct Token {
    bytes: Range<usize>,
    scopes: Vec<String>,
}

/// Runs the TextMate engine over `files`: each file's tokens and how many regions stay open.
fn tokenize(files: &[PathBuf]) -> BTreeMap<PathBuf, (Vec<Token>, usize)> {
    let out = Command::new("node")
        .arg(root().join("tests/textmate/tokenize.mjs"))
        .arg(root().join("grammar/cors.tmLanguage.json"))
        .args(files)
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "the TextMate engine failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON from node");
    let mut result = BTreeMap::new();
    for (file, v) in json.as_object().expect("an object") {
        let tokens = v["tokens"]
            .as_array()
            .expect("tokens")
            .iter()
            .map(|t| Token {
                bytes: t[0].as_u64().unwrap() as usize..t[1].as_u64().unwrap() as usize,
                scopes: t[2]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s.as_str().unwrap().to_string())
                    .collect(),
            })
            .collect();
        let open = v["open"].as_u64().expect("open") as usize;
        result.insert(PathBuf::from(file), (tokens, open));
    }
    result
}

/// What the parser says a stretch of the file is: the scopes any one of which it must carry.
struct Expected {
    bytes: Range<usize>,
    scopes: &'static [&'static str],
    what: &'static str,
}

const WORD_SCOPES: &[&str] = &[
    "variable.other.value.cors",
    "constant.language.boolean.cors",
    "constant.numeric.duration.cors",
];

fn expect(
    out: &mut Vec<Expected>,
    span: Span,
    scopes: &'static [&'static str],
    what: &'static str,
) {
    out.push(Expected {
        bytes: span.range(),
        scopes,
        what,
    });
}

fn values(out: &mut Vec<Expected>, text: &str, list: &ValueList) {
    for v in &list.values {
        match &v.kind {
            ValueKind::String(_) => expect(out, v.span, &["string.quoted.double.cors"], "a string"),
            ValueKind::Regex(_) => {
                let quote = text[v.span.range()].find('"').expect("a quote") + v.span.start;
                expect(
                    out,
                    Span::new(v.span.start, v.span.start + "regex".len()),
                    &["keyword.other.regex.cors"],
                    "the regex keyword",
                );
                expect(
                    out,
                    Span::new(quote, v.span.end),
                    &["string.regexp.cors"],
                    "a regex",
                );
            }
            ValueKind::Star => expect(out, v.span, &["constant.language.wildcard.cors"], "`*`"),
            ValueKind::Word(_) => expect(out, v.span, WORD_SCOPES, "a word"),
        }
    }
}

fn attributes(out: &mut Vec<Expected>, attrs: &[corsc::syntax::ast::Attribute]) {
    for a in attrs {
        expect(
            out,
            a.name.span,
            &["storage.type.annotation.cors"],
            "an attribute",
        );
        for arg in &a.args {
            expect(
                out,
                arg.span,
                &["constant.other.rule-name.cors"],
                "a rule name",
            );
        }
        if let Some(r) = &a.reason {
            expect(out, r.span, &["string.quoted.double.cors"], "a reason");
        }
    }
}

fn directive(out: &mut Vec<Expected>, text: &str, d: &Directive) {
    attributes(out, &d.attributes);
    expect(
        out,
        d.name.span,
        &["keyword.other.directive.cors"],
        "a directive name",
    );
    if let Some(op) = &d.op {
        expect(
            out,
            op.span,
            &["keyword.operator.assignment.cors"],
            "an operator",
        );
    }
    values(out, text, &d.values);
}

/// Every token of the syntax tree, and every comment: a `#` outside the strings (which the
/// tree holds) up to the end of its line.
fn expectations(text: &str, file: &File) -> Vec<Expected> {
    let mut out = Vec::new();
    for item in &file.items {
        match item {
            Item::Set(s) => {
                attributes(&mut out, &s.attributes);
                expect(
                    &mut out,
                    s.name.span,
                    &["entity.name.type.origin-set.cors"],
                    "a set name",
                );
                values(&mut out, text, &s.values);
            }
            Item::Policy(p) => {
                attributes(&mut out, &p.attributes);
                expect(
                    &mut out,
                    p.name.span,
                    &["entity.name.function.policy.cors"],
                    "a policy name",
                );
                for b in &p.body {
                    match b {
                        BodyItem::Directive(d) => directive(&mut out, text, d),
                        BodyItem::Profile(pr) => {
                            attributes(&mut out, &pr.attributes);
                            expect(
                                &mut out,
                                pr.name.span,
                                &["entity.name.section.profile.cors"],
                                "a profile name",
                            );
                            for d in &pr.directives {
                                directive(&mut out, text, d);
                            }
                        }
                    }
                }
            }
            Item::Directive(d) => directive(&mut out, text, d),
        }
    }
    let quoted: Vec<Range<usize>> = out
        .iter()
        .filter(|e| e.scopes[0].starts_with("string."))
        .map(|e| e.bytes.clone())
        .collect();
    let mut at = 0;
    while let Some(k) = text[at..].find('#') {
        let hash = at + k;
        if quoted.iter().any(|q| q.contains(&hash)) {
            at = hash + 1;
            continue;
        }
        let end = text[hash..]
            .find(['\n', '\r'])
            .map_or(text.len(), |e| hash + e);
        out.push(Expected {
            bytes: hash..end,
            scopes: &["comment.line.number-sign.cors"],
            what: "a comment",
        });
        at = end;
    }
    out
}

/// Checks one file's tokens against its syntax tree; the problems found, in words.
fn judge(path: &Path, text: &str, tokens: &[Token], open: usize) -> Vec<String> {
    let mut problems = Vec::new();
    let mut scopes_at: Vec<&[String]> = vec![&[]; text.len()];
    for t in tokens {
        for b in t.bytes.clone() {
            if b < text.len() {
                scopes_at[b] = &t.scopes;
            }
        }
    }
    let source = Source::new(path.display().to_string(), text);
    let Ok(file) = corsc::syntax::parse(&source) else {
        // Not a file the parser takes: the engine only has to get through it.
        return problems;
    };
    if open != 0 {
        problems.push(format!(
            "{open} region(s) still open at the end of the file"
        ));
    }
    let expected = expectations(text, &file);
    let mut claimed = vec![""; text.len()];
    for e in &expected {
        for b in e.bytes.clone() {
            claimed[b] = e.scopes[0];
            let has = scopes_at[b].iter().any(|s| e.scopes.contains(&s.as_str()));
            if !has {
                let (line, col) = source.line_col(b);
                problems.push(format!(
                    "{line}:{col}: {} ({:?}) has scopes {:?}, not one of {:?}",
                    e.what,
                    &text[e.bytes.clone()],
                    scopes_at[b],
                    e.scopes
                ));
                break;
            }
        }
    }
    // The reverse: nothing else is a comment, a string or invalid.
    for (b, scopes) in scopes_at.iter().enumerate() {
        let wrong = scopes.iter().find(|s| {
            (s.starts_with("comment.") && claimed[b] != "comment.line.number-sign.cors")
                || (s.starts_with("string.") && !claimed[b].starts_with("string."))
                || s.starts_with("invalid.")
        });
        if let Some(s) = wrong {
            let (line, col) = source.line_col(b);
            problems.push(format!(
                "{line}:{col}: {:?} is scoped {s}, which the parser does not say",
                &text[b..(b + 1).min(text.len())]
            ));
        }
    }
    problems.truncate(5);
    problems
}

/// Writes each generated text into `dir`, returning the paths.
fn write_all(dir: &Path, texts: impl IntoIterator<Item = (String, String)>) -> Vec<PathBuf> {
    texts
        .into_iter()
        .map(|(name, text)| {
            let p = dir.join(name);
            std::fs::write(&p, text).expect("write");
            p
        })
        .collect()
}

fn cors_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read_dir") {
        let p = entry.expect("entry").path();
        if p.is_dir() {
            cors_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "cors") {
            out.push(p);
        }
    }
}

/// Tokenizes `files` and fails with every problem found; returns how many files parsed.
fn check(files: &[PathBuf]) -> usize {
    let tokenized = tokenize(files);
    assert_eq!(tokenized.len(), files.len(), "one result per file");
    let mut failures = Vec::new();
    let mut parsed = 0;
    for (path, (tokens, open)) in &tokenized {
        let text = std::fs::read_to_string(path).expect("read");
        if corsc::syntax::parse(&Source::new("f.cors", text.as_str())).is_ok() {
            parsed += 1;
        }
        let problems = judge(path, &text, tokens, *open);
        if !problems.is_empty() {
            failures.push(format!("{}:\n  {}", path.display(), problems.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} files are coloured against what the parser reads:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
    parsed
}

#[test]
fn every_shipped_policy_and_hostile_name_file_is_coloured_as_the_parser_reads_it() {
    if !engine_ready("TextMate grammar") {
        return;
    }
    let mut files = Vec::new();
    cors_files(&root().join("policies"), &mut files);
    let shipped = files.len();
    let tmp = tempfile::tempdir().expect("tempdir");
    files.extend(write_all(
        tmp.path(),
        hostile_name_sets()
            .into_iter()
            .enumerate()
            .map(|(k, (_, text))| (format!("hostile-{k}.cors"), text)),
    ));
    let parsed = check(&files);
    eprintln!(
        "TextMate grammar: {shipped} shipped files and {} hostile-name files, {parsed} of them parse, 0 problems",
        files.len() - shipped
    );
    assert!(shipped >= 14, "only {shipped} .cors files under policies/");
    assert_eq!(parsed, files.len(), "every shipped .cors file parses");
}

#[test]
fn generated_files_of_every_grammar_shape_are_coloured_as_the_parser_reads_them() {
    if !engine_ready("TextMate grammar") {
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut texts = Vec::new();
    for seed in 0..300u64 {
        texts.push((format!("shaped-{seed}.cors"), shaped(seed)));
        let mut rng = Rng::new(seed ^ 0x7e47);
        let mut n = 0;
        texts.push((
            format!("messed-{seed}.cors"),
            with_comments(&messed(seed), &mut rng, &mut n),
        ));
        texts.push((
            format!("random-{seed}.cors"),
            policy_text(seed, &Features::all()),
        ));
    }
    let files = write_all(tmp.path(), texts);
    let parsed = check(&files);
    eprintln!(
        "TextMate grammar: {} generated files, {parsed} of them parse, 0 problems",
        files.len()
    );
    assert!(parsed >= 600, "only {parsed} generated files parse");
}

/// Each failure the judge exists to catch, made on purpose: a grammar that misreads a `#` in a
/// string as a comment, or misses a directive, is caught.
#[test]
fn the_judge_catches_a_grammar_that_misreads() {
    let text = "policy p {\n    paths \"/x#y\"  # real\n}\n";
    let file = corsc::syntax::parse(&Source::new("p.cors", text)).expect("parses");
    let expected = expectations(text, &file);
    let comments: Vec<&str> = expected
        .iter()
        .filter(|e| e.what == "a comment")
        .map(|e| &text[e.bytes.clone()])
        .collect();
    assert_eq!(comments, ["# real"]);
    // A token list that calls the `#` inside the string a comment.
    let hash = text.find("#y").unwrap();
    let mut tokens = vec![Token {
        bytes: 0..text.len(),
        scopes: vec!["source.cors".into()],
    }];
    tokens.push(Token {
        bytes: hash..text.len(),
        scopes: vec!["source.cors".into(), "comment.line.number-sign.cors".into()],
    });
    let problems = judge(Path::new("p.cors"), text, &tokens, 0);
    assert!(
        problems.iter().any(|p| p.contains("a string")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("a directive name")),
        "{problems:?}"
    );
}

/// The VS Code extension (`grammar/vscode`) packages with `@vscode/vsce` into a `.vsix` that
/// carries the TextMate grammar byte for byte, the language configuration, the entry point and
/// the language client it starts `corsc lsp` with; its manifest names the grammar's scope.
#[test]
fn the_vscode_extension_packages_with_the_grammar_and_the_language_client() {
    if !engine_ready("VS Code extension") {
        return;
    }
    let ext = root().join("grammar/vscode");
    let vsce = ext.join("node_modules/@vscode/vsce/vsce");
    let required = std::env::var("CORSC_REQUIRE_ENGINES").is_ok_and(|v| v == "1");
    if !vsce.is_file() {
        let why = "grammar/vscode has no node_modules (cd grammar/vscode && npm ci)";
        assert!(!required, "{why}, and CORSC_REQUIRE_ENGINES=1");
        eprintln!("skipping the VS Code extension: {why}");
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let vsix = tmp.path().join("corsc.vsix");
    let out = Command::new("node")
        .arg(&vsce)
        .args(["package", "--out"])
        .arg(&vsix)
        .current_dir(&ext)
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "vsce package failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The .vsix is a zip: its entry names and two of its files, read with Python's zipfile.
    let read = |what: &str| -> String {
        let out = Command::new("python3")
            .arg("-c")
            .arg(
                "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\n\
                 print('\\n'.join(z.namelist()) if sys.argv[2] == '-' else z.read(sys.argv[2]).decode(), end='')",
            )
            .arg(&vsix)
            .arg(what)
            .output()
            .expect("python3 runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8")
    };
    let names = read("-");
    for needed in [
        "extension/package.json",
        "extension/extension.js",
        "extension/language-configuration.json",
        "extension/syntaxes/cors.tmLanguage.json",
        "extension/LICENSE.txt",
        "extension/node_modules/vscode-languageclient/node.js",
    ] {
        assert!(
            names.lines().any(|n| n == needed),
            "{needed} is not in the .vsix:\n{names}"
        );
    }
    assert!(
        !names.contains("node_modules/@vscode/vsce"),
        "the packaging tool went into the .vsix"
    );
    let grammar = std::fs::read_to_string(root().join("grammar/cors.tmLanguage.json")).unwrap();
    assert_eq!(read("extension/syntaxes/cors.tmLanguage.json"), grammar);
    let manifest: serde_json::Value =
        serde_json::from_str(&read("extension/package.json")).expect("package.json");
    let scope: serde_json::Value = serde_json::from_str(&grammar).expect("grammar JSON");
    let g = &manifest["contributes"]["grammars"][0];
    assert_eq!(g["scopeName"], scope["scopeName"]);
    assert_eq!(g["language"], "cors");
    assert_eq!(
        manifest["contributes"]["languages"][0]["extensions"][0],
        ".cors"
    );
    // The executable it starts is never taken from a workspace's own settings: a cloned
    // repository's .vscode/settings.json could otherwise name any program.
    assert_eq!(
        manifest["contributes"]["configuration"]["properties"]["corsc.path"]["scope"],
        "machine"
    );
    assert_eq!(
        manifest["capabilities"]["untrustedWorkspaces"]["restrictedConfigurations"][0],
        "corsc.path"
    );
    let extension = read("extension/extension.js");
    assert!(extension.contains("args: [\"lsp\"]"), "{extension}");
    eprintln!(
        "VS Code extension: {} files in the .vsix",
        names.lines().count()
    );
}
