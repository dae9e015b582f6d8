//! Syntax trees of source code, for the formats that read CORS settings out of application code
//! (Express, Fastify, Go's rs/cors, Spring). The code is parsed with tree-sitter's grammars,
//! never run. What is shared here is only what every such format needs: parsing with the error
//! reported at its line, walking a tree without recursion (a hostile file can nest deeper than
//! any stack), and reading a node's text.

use super::context::Context;
use super::draft::{Draft, Loc};
use tree_sitter::{Language, Node, Parser, Tree};

/// The languages read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// JavaScript (also `.cjs`, `.mjs`, `.jsx`).
    JavaScript,
    /// TypeScript.
    TypeScript,
    /// TypeScript with JSX.
    Tsx,
    /// Go.
    Go,
    /// Java.
    Java,
}

impl Lang {
    fn language(self) -> Language {
        match self {
            Lang::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Lang::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Lang::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Lang::Go => tree_sitter_go::LANGUAGE.into(),
            Lang::Java => tree_sitter_java::LANGUAGE.into(),
        }
    }

    /// The JavaScript dialect of a file, from its name: TypeScript for `.ts`/`.mts`/`.cts`,
    /// TSX for `.tsx`, JavaScript otherwise.
    #[must_use]
    pub fn script(name: &str) -> Lang {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".tsx") {
            Lang::Tsx
        } else if [".ts", ".mts", ".cts"].iter().any(|e| lower.ends_with(e)) {
            Lang::TypeScript
        } else {
            Lang::JavaScript
        }
    }
}

/// A parsed file: its tree and its text.
pub struct Parsed<'a> {
    /// The tree.
    pub tree: Tree,
    /// The file's text.
    pub text: &'a str,
    /// The file's index in the context.
    pub file: usize,
}

impl<'a> Parsed<'a> {
    /// The text of `node`.
    #[must_use]
    pub fn text(&self, node: Node<'_>) -> &'a str {
        self.text.get(node.byte_range()).unwrap_or("")
    }

    /// Where `node` is.
    #[must_use]
    pub fn loc(&self, node: Node<'_>) -> Loc {
        Loc::new(self.file, node.start_byte(), node.end_byte())
    }

    /// Every node of the tree, in document order, without recursion.
    #[must_use]
    pub fn nodes(&self) -> Vec<Node<'_>> {
        descendants(self.tree.root_node())
    }
}

/// Every node under `root` (itself included), in document order, without recursion.
#[must_use]
pub fn descendants(root: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut cursor = root.walk();
    loop {
        out.push(cursor.node());
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.node() == root {
                return out;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return out;
            }
        }
    }
}

/// The named children of `node`.
#[must_use]
pub fn named_children(node: Node<'_>) -> Vec<Node<'_>> {
    let mut c = node.walk();
    node.named_children(&mut c).collect()
}

/// Parses file `file` of the context as `lang`. A file with a syntax error is reported (I001,
/// at the first error's place, which the diagnostic shows as line:col) and gives `None`: a
/// guess at what a broken file means could read a setting wider than it is.
pub fn parse<'a>(cx: &mut Context, text: &'a str, file: usize, lang: Lang) -> Option<Parsed<'a>> {
    let mut parser = Parser::new();
    if parser.set_language(&lang.language()).is_err() {
        cx.unreadable(
            Loc::new(file, 0, 0),
            "the parser for this language could not be loaded",
            "this is a defect of corsc; please report it",
        );
        return None;
    }
    let Some(tree) = parser.parse(text, None) else {
        cx.unreadable(
            Loc::new(file, 0, 0),
            "this file could not be parsed",
            "check that the file is source code in the language its name says",
        );
        return None;
    };
    let root = tree.root_node();
    if root.has_error() {
        let bad = first_error(root).unwrap_or(root);
        let line = bad.start_position().row + 1;
        let col = bad.start_position().column + 1;
        let what = if bad.is_missing() {
            format!("`{}` is missing here", bad.kind())
        } else {
            "unexpected text".to_string()
        };
        cx.unreadable(
            Loc::new(file, bad.start_byte(), bad.end_byte().max(bad.start_byte())),
            format!("this is not valid {lang:?} source: {what} (line {line}, column {col})"),
            "corsc reads only source code that compiles; fix the syntax error, or check that \
             `--from` names this file's format",
        );
        return None;
    }
    Some(Parsed { tree, text, file })
}

/// Parses each of `files` in the language `lang` gives for its name and reads it with `read`,
/// into one draft: the read loop of every format that reads source code. A file that does not
/// parse is reported (see [`parse`]) and read no further.
pub fn read_files(
    cx: &mut Context,
    files: &[usize],
    lang: impl Fn(&str) -> Lang,
    mut read: impl FnMut(&mut Context, &Parsed<'_>, &mut Draft),
) -> Draft {
    let mut draft = Draft::default();
    for &file in files {
        // A copy, so that reading can report through the context while it walks the text.
        let text = cx.text(file).to_string();
        let lang = lang(&cx.sources[file].name);
        if let Some(parsed) = parse(cx, &text, file, lang) {
            read(cx, &parsed, &mut draft);
        }
    }
    draft
}

/// The first node that is an error or a missing token, in document order.
fn first_error(root: Node<'_>) -> Option<Node<'_>> {
    let mut node = root;
    'down: loop {
        if node.is_error() || node.is_missing() {
            return Some(node);
        }
        let mut c = node.walk();
        for child in node.children(&mut c) {
            if child.is_error() || child.is_missing() || child.has_error() {
                node = child;
                continue 'down;
            }
        }
        return Some(node);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;

    #[test]
    fn a_syntax_error_is_reported_at_its_line() {
        let mut cx = Context::with_sources(vec![Source::new("a.js", "let a = 1;\nlet = ;\n")]);
        let text = cx.text(0).to_string();
        assert!(parse(&mut cx, &text, 0, Lang::JavaScript).is_none());
        let (_, d) = &cx.diagnostics[0];
        assert_eq!(d.code, "I001");
        assert!(d.message.contains("line 2"), "{}", d.message);
    }

    #[test]
    fn deep_nesting_is_walked_without_recursion() {
        let text = format!("x = {}1{};", "[".repeat(20_000), "]".repeat(20_000));
        let mut cx = Context::with_sources(vec![Source::new("a.js", text.clone())]);
        if let Some(p) = parse(&mut cx, &text, 0, Lang::JavaScript) {
            assert!(p.nodes().len() > 20_000);
        }
    }
}
