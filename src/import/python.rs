//! Reading Python source without running it, for the formats whose configuration is Python
//! (Django settings, Flask applications): a parse with tree-sitter's Python grammar, the
//! literal values of expressions (strings with their escapes, lists, tuples, dicts, booleans,
//! integers, names bound earlier in the module to such literals, `+` of two literals), and the
//! regexes those libraries match with `re.match`, read as what they match.
//!
//! Anything else (a call, `os.environ[…]`, a comprehension, an f-string) is a [`Value::Runtime`]
//! carrying its text, so the importer can say it is computed at run time and never guess.

use super::context::Context;
use super::draft::Loc;
use std::collections::HashMap;
use tree_sitter::{Node, Parser, Tree};

/// How deep an expression is read before it is treated as computed at run time: a bound on
/// the recursion, so a hostile file of nested brackets cannot exhaust the stack.
const MAX_DEPTH: usize = 64;

/// A parsed Python module.
pub struct Module {
    /// Index of the file in the import's sources.
    pub file: usize,
    /// The file's text.
    pub text: String,
    tree: Tree,
}

/// A value read from an expression, and where.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// The value.
    pub value: Value,
    /// The expression's place.
    pub at: Loc,
}

/// What an expression is, as far as reading it without running it can tell.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A string literal (or a concatenation of them).
    Str(String),
    /// `True` / `False`.
    Bool(bool),
    /// An integer literal.
    Int(i64),
    /// `None`.
    None,
    /// A list, tuple or set literal.
    List(Vec<Item>),
    /// A dict literal.
    Dict(Vec<(Item, Item)>),
    /// `re.compile(pattern[, flags])`: the pattern and whether `re.I`/`re.IGNORECASE` is set.
    Regex(String, bool),
    /// Any other call: the function's text, its positional and keyword arguments.
    Call(String, Vec<Item>, Vec<(String, Item)>),
    /// Computed at run time: the expression's text.
    Runtime(String),
}

impl Module {
    /// Parses file `file` of `cx`; a syntax error is reported (I001, at the parser's first
    /// error) and gives `None`.
    pub fn parse(cx: &mut Context, file: usize, what: &str) -> Option<Module> {
        let text = cx.text(file).to_string();
        let mut parser = Parser::new();
        if parser
            .set_language(&tree_sitter_python::LANGUAGE.into())
            .is_err()
        {
            cx.unreadable(
                Loc::new(file, 0, 0),
                "the Python parser could not be loaded",
                "this is a defect of corsc; please report it",
            );
            return None;
        }
        let Some(tree) = parser.parse(&text, None) else {
            cx.unreadable(
                Loc::new(file, 0, 0),
                "the Python parser gave up on this file",
                format!("check that it is {what}"),
            );
            return None;
        };
        if tree.root_node().has_error() {
            let (start, end) = first_error(tree.root_node());
            let (line, col) = line_col(&text, start);
            cx.unreadable(
                Loc::new(file, start, end),
                format!("this is not valid Python (syntax error at {line}:{col})"),
                format!("`corsc import` reads {what}; fix the syntax error first (`python -m py_compile FILE`)"),
            );
            return None;
        }
        Some(Module { file, text, tree })
    }

    /// The root node.
    #[must_use]
    pub fn root(&self) -> Node<'_> {
        self.tree.root_node()
    }

    /// The text of a node.
    #[must_use]
    pub fn src(&self, n: Node<'_>) -> &str {
        self.text.get(n.byte_range()).unwrap_or("")
    }

    /// The place of a node.
    #[must_use]
    pub fn loc(&self, n: Node<'_>) -> Loc {
        Loc::new(self.file, n.start_byte(), n.end_byte())
    }

    /// Top-level assignments `NAME = value` / `NAME += value`, in order: (name, value node,
    /// whether it is `+=`, the statement's node).
    #[must_use]
    pub fn assignments(&self) -> Vec<(String, Node<'_>, bool, Node<'_>)> {
        let mut out = Vec::new();
        let root = self.root();
        let mut cursor = root.walk();
        for stmt in root.named_children(&mut cursor) {
            if stmt.kind() != "expression_statement" {
                continue;
            }
            let Some(a) = stmt.named_child(0) else {
                continue;
            };
            let aug = match a.kind() {
                "assignment" => false,
                "augmented_assignment" => {
                    if a.child_by_field_name("operator").map(|o| self.src(o)) != Some("+=") {
                        continue;
                    }
                    true
                }
                _ => continue,
            };
            let (Some(left), Some(right)) = (
                a.child_by_field_name("left"),
                a.child_by_field_name("right"),
            ) else {
                continue;
            };
            if left.kind() == "identifier" {
                out.push((self.src(left).to_string(), right, aug, stmt));
            }
        }
        out
    }

    /// Reads an expression's value; names are looked up in `consts`.
    #[must_use]
    pub fn eval(&self, n: Node<'_>, consts: &HashMap<String, Value>) -> Item {
        self.eval_at(n, consts, 0)
    }

    fn runtime(&self, n: Node<'_>) -> Item {
        Item {
            value: Value::Runtime(self.src(n).to_string()),
            at: self.loc(n),
        }
    }

    fn eval_at(&self, n: Node<'_>, consts: &HashMap<String, Value>, depth: usize) -> Item {
        if depth > MAX_DEPTH {
            return self.runtime(n);
        }
        let at = self.loc(n);
        let item = |value| Item { value, at };
        let mut cursor = n.walk();
        match n.kind() {
            "string" => match self.string(n) {
                Some(s) => item(Value::Str(s)),
                None => self.runtime(n),
            },
            "concatenated_string" => {
                let mut s = String::new();
                for c in n.named_children(&mut cursor) {
                    match self.string(c) {
                        Some(part) => s.push_str(&part),
                        None => return self.runtime(n),
                    }
                }
                item(Value::Str(s))
            }
            "true" => item(Value::Bool(true)),
            "false" => item(Value::Bool(false)),
            "none" => item(Value::None),
            "integer" => {
                let t = self.src(n).replace('_', "");
                match t.parse::<i64>() {
                    Ok(i) => item(Value::Int(i)),
                    Err(_) => self.runtime(n),
                }
            }
            "parenthesized_expression" => match n.named_child(0) {
                Some(c) if n.named_child_count() == 1 => self.eval_at(c, consts, depth + 1),
                _ => self.runtime(n),
            },
            "list" | "tuple" | "set" => {
                let mut items = Vec::new();
                for c in n.named_children(&mut cursor) {
                    if c.kind() == "comment" {
                        continue;
                    }
                    let v = self.eval_at(c, consts, depth + 1);
                    if matches!(c.kind(), "list_splat" | "dictionary_splat") {
                        return self.runtime(n);
                    }
                    items.push(v);
                }
                item(Value::List(items))
            }
            "dictionary" => {
                let mut pairs = Vec::new();
                for c in n.named_children(&mut cursor) {
                    if c.kind() == "comment" {
                        continue;
                    }
                    let (Some(k), Some(v)) =
                        (c.child_by_field_name("key"), c.child_by_field_name("value"))
                    else {
                        return self.runtime(n);
                    };
                    pairs.push((
                        self.eval_at(k, consts, depth + 1),
                        self.eval_at(v, consts, depth + 1),
                    ));
                }
                item(Value::Dict(pairs))
            }
            "identifier" => match consts.get(self.src(n)) {
                Some(v) => item(v.clone()),
                None => self.runtime(n),
            },
            "binary_operator" => {
                let op = n.child_by_field_name("operator").map(|o| self.src(o));
                let (Some(l), Some(r)) = (
                    n.child_by_field_name("left"),
                    n.child_by_field_name("right"),
                ) else {
                    return self.runtime(n);
                };
                if op != Some("+") {
                    return self.runtime(n);
                }
                let (l, r) = (
                    self.eval_at(l, consts, depth + 1),
                    self.eval_at(r, consts, depth + 1),
                );
                match (l.value, r.value) {
                    (Value::Str(a), Value::Str(b)) => item(Value::Str(a + &b)),
                    (Value::List(mut a), Value::List(b)) => {
                        a.extend(b);
                        item(Value::List(a))
                    }
                    _ => self.runtime(n),
                }
            }
            "call" => self.call(n, consts, depth),
            _ => self.runtime(n),
        }
    }

    fn call(&self, n: Node<'_>, consts: &HashMap<String, Value>, depth: usize) -> Item {
        let at = self.loc(n);
        let (Some(f), Some(args)) = (
            n.child_by_field_name("function"),
            n.child_by_field_name("arguments"),
        ) else {
            return self.runtime(n);
        };
        let name = self.src(f).to_string();
        let mut pos = Vec::new();
        let mut kw = Vec::new();
        let mut cursor = args.walk();
        for a in args.named_children(&mut cursor) {
            match a.kind() {
                "comment" => {}
                "keyword_argument" => {
                    let (Some(k), Some(v)) = (
                        a.child_by_field_name("name"),
                        a.child_by_field_name("value"),
                    ) else {
                        return self.runtime(n);
                    };
                    kw.push((self.src(k).to_string(), self.eval_at(v, consts, depth + 1)));
                }
                "list_splat" | "dictionary_splat" => return self.runtime(n),
                _ => pos.push(self.eval_at(a, consts, depth + 1)),
            }
        }
        if name == "re.compile" {
            let flags = pos.get(1).map(|f| self.src_at(f.at)).unwrap_or_default();
            let flags = kw
                .iter()
                .find(|(k, _)| k == "flags")
                .map_or(flags, |(_, v)| self.src_at(v.at));
            let icase = flags.contains("IGNORECASE") || flags.contains("re.I");
            let other = !flags.is_empty()
                && flags
                    .split('|')
                    .map(str::trim)
                    .any(|f| !matches!(f, "re.I" | "re.IGNORECASE"));
            return match pos.first() {
                Some(Item {
                    value: Value::Str(p),
                    ..
                }) if !other => Item {
                    value: Value::Regex(p.clone(), icase),
                    at,
                },
                _ => self.runtime(n),
            };
        }
        Item {
            value: Value::Call(name, pos, kw),
            at,
        }
    }

    fn src_at(&self, at: Loc) -> String {
        self.text
            .get(at.span.start..at.span.end)
            .unwrap_or("")
            .to_string()
    }

    /// A string literal's value, or `None` for an f-string, a bytes literal, or an escape
    /// this reader does not decode (`\N{…}`).
    fn string(&self, n: Node<'_>) -> Option<String> {
        if n.kind() != "string" {
            return None;
        }
        let mut cursor = n.walk();
        let mut start = None;
        let mut end = None;
        for c in n.children(&mut cursor) {
            match c.kind() {
                "string_start" => start = Some(c),
                "string_end" => end = Some(c),
                "interpolation" => return None,
                _ => {}
            }
        }
        let (start, end) = (start?, end?);
        let prefix = self.src(start).to_ascii_lowercase();
        if prefix.contains('f') || prefix.contains('b') {
            return None;
        }
        let body = self.text.get(start.end_byte()..end.start_byte())?;
        if prefix.contains('r') {
            return Some(body.to_string());
        }
        unescape(body)
    }
}

/// The place of the first syntax error under `root`: an `ERROR` node or a missing token.
fn first_error(root: Node<'_>) -> (usize, usize) {
    let mut cursor = root.walk();
    loop {
        let n = cursor.node();
        if n.is_error() || n.is_missing() {
            return (n.start_byte(), n.end_byte().max(n.start_byte()));
        }
        if n.has_error() && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return (root.start_byte(), root.start_byte());
            }
        }
    }
}

/// 1-based line and column (in characters) of byte `at`.
#[must_use]
pub fn line_col(text: &str, at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    let before = text.get(..at).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Decodes the escapes of a non-raw Python string body; `None` for `\N{…}` or a malformed
/// escape. An unknown escape keeps its backslash, as Python does (`"\."` is `\.`).
fn unescape(body: &str) -> Option<String> {
    let mut out = String::with_capacity(body.len());
    let mut it = body.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let e = it.next()?;
        match e {
            '\n' => {}
            '\\' | '\'' | '"' => out.push(e),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            '0'..='7' => {
                let mut v = e.to_digit(8)?;
                for _ in 0..2 {
                    match it.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            it.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(v)?);
            }
            'x' | 'u' | 'U' => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = (0..n).filter_map(|_| it.next()).collect();
                if hex.len() != n {
                    return None;
                }
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            'N' => return None,
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    Some(out)
}

/// The length bound corsc's own Python output puts before each regex (`python::regex`):
/// `(?=[\s\S]{0,N}\Z)`. Removed on import: it refuses only `Origin`s longer than any browser
/// sends, which the evaluator refuses too.
fn strip_length_bound(p: &str) -> &str {
    if let Some(rest) = p.strip_prefix("(?=[\\s\\S]{0,") {
        if let Some(i) = rest.find("}\\Z)") {
            if rest[..i].bytes().all(|b| b.is_ascii_digit()) && i > 0 {
                return &rest[i + 4..];
            }
        }
    }
    p
}

/// A Python pattern used with `re.match` (anchored at the start only) as a corsc regex that
/// matches the same origins under search semantics: `^(?:…)`, with Python's `\Z` spelled
/// `\z`. The end stays as unanchored as the server's, so the regex lints see it. With
/// `ignore_case` the pattern gets `(?i)`, as `re.IGNORECASE` does.
#[must_use]
pub fn match_regex(pattern: &str, ignore_case: bool) -> String {
    let p = strip_length_bound(pattern);
    let mut out = String::with_capacity(p.len() + 8);
    let mut it = p.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('Z') => out.push_str("\\z"),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    let flags = if ignore_case { "(?i)" } else { "" };
    format!("{flags}^(?:{out})")
}

/// The finite set of strings a start-anchored pattern matches whole, when it is only literal
/// characters, escaped punctuation, `(?:…)` groups and `|`, and ends at `\Z` or `$` (corsc's
/// own trie of exact origins, or `^https://a\.example$` written by hand); `None` otherwise or
/// past `limit` strings.
#[must_use]
pub fn literal_strings(pattern: &str, limit: usize) -> Option<Vec<String>> {
    let p = strip_length_bound(pattern);
    let p = p.strip_prefix('^').unwrap_or(p);
    let body = p
        .strip_suffix("\\Z")
        .or_else(|| p.strip_suffix('$').filter(|b| !b.ends_with('\\')))?;
    let chars: Vec<char> = body.chars().collect();
    let mut i = 0;
    let set = alternation(&chars, &mut i, limit, 0)?;
    (i == chars.len()).then_some(set)
}

fn alternation(c: &[char], i: &mut usize, limit: usize, depth: usize) -> Option<Vec<String>> {
    if depth > MAX_DEPTH {
        return None;
    }
    let mut all = sequence(c, i, limit, depth)?;
    while c.get(*i) == Some(&'|') {
        *i += 1;
        all.extend(sequence(c, i, limit, depth)?);
        if all.len() > limit {
            return None;
        }
    }
    Some(all)
}

fn sequence(c: &[char], i: &mut usize, limit: usize, depth: usize) -> Option<Vec<String>> {
    let mut set = vec![String::new()];
    while let Some(&ch) = c.get(*i) {
        let part: Vec<String> = match ch {
            '|' | ')' => break,
            '(' => {
                if c.get(*i + 1..*i + 3) != Some(&['?', ':']) {
                    return None;
                }
                *i += 3;
                let inner = alternation(c, i, limit, depth + 1)?;
                if c.get(*i) != Some(&')') {
                    return None;
                }
                *i += 1;
                inner
            }
            '\\' => {
                let n = *c.get(*i + 1)?;
                if n.is_alphanumeric() || n.is_whitespace() {
                    return None;
                }
                *i += 2;
                vec![n.to_string()]
            }
            '.' | '^' | '$' | '*' | '+' | '?' | '{' | '}' | '[' | ']' => return None,
            _ => {
                *i += 1;
                vec![ch.to_string()]
            }
        };
        if c.get(*i)
            .is_some_and(|q| matches!(q, '*' | '+' | '?' | '{'))
        {
            return None;
        }
        let mut next = Vec::with_capacity(set.len() * part.len());
        for a in &set {
            for b in &part {
                next.push(format!("{a}{b}"));
            }
        }
        if next.len() > limit {
            return None;
        }
        set = next;
    }
    Some(set)
}

/// One path scope a start-anchored path regex means, as a policy writes it: `"/api/*"` for a
/// prefix, `"/health"` for an exact path. `slash_star` reads a final `/*` as Flask-CORS's
/// resource keys mean it (zero or more slashes: a prefix without the slash).
#[must_use]
pub fn path_scopes(pattern: &str, slash_star: bool) -> Option<Vec<String>> {
    let p = pattern.strip_prefix('^').unwrap_or(pattern);
    let alts: Vec<&str> = match p.strip_prefix("(?:").and_then(|r| r.strip_suffix(')')) {
        Some(inner) if !inner.contains(['(', ')']) => split_alts(inner),
        _ => vec![p],
    };
    let mut out = Vec::new();
    for alt in alts {
        let (alt, end) = match alt.strip_suffix("\\Z").or_else(|| alt.strip_suffix('$')) {
            Some(a) => (a, true),
            None => (alt, false),
        };
        let (alt, prefix) = if let Some(a) = alt.strip_suffix(".*") {
            (a, true)
        } else if let Some(a) = alt.strip_suffix("/*").filter(|_| slash_star) {
            if end {
                return None;
            }
            (a, true)
        } else {
            (alt, !end)
        };
        let lit = literal_strings(&format!("{alt}\\Z"), 1)?;
        let lit = lit.into_iter().next()?;
        if prefix {
            if lit.is_empty() || lit == "/" {
                return Some(Vec::new());
            }
            out.push(format!("{lit}*"));
        } else {
            out.push(lit);
        }
    }
    Some(out)
}

/// `a|b\|c` split at its unescaped bars.
fn split_alts(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '|' {
            out.push(&s[start..i]);
            start = i + 1;
        }
    }
    out.push(&s[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corsc_tries_read_back_as_exact_origins() {
        let p = "(?:https://a(?:dmin\\.example\\.com|pp\\.example\\.com))\\Z";
        assert_eq!(
            literal_strings(p, 100).unwrap(),
            vec!["https://admin.example.com", "https://app.example.com"]
        );
        assert!(literal_strings("^https://.*\\.example\\.com$", 100).is_none());
        assert!(literal_strings("^https://a\\.example\\.com", 100).is_none());
    }

    #[test]
    fn match_regexes_stay_as_wide_as_the_server() {
        assert_eq!(
            match_regex("https://.*\\.example\\.com", false),
            "^(?:https://.*\\.example\\.com)"
        );
        assert_eq!(
            match_regex("(?=[\\s\\S]{0,2048}\\Z)(?:https://a\\.b)\\Z", true),
            "(?i)^(?:(?:https://a\\.b)\\z)"
        );
    }

    #[test]
    fn path_regexes_become_scopes_or_nothing() {
        assert_eq!(path_scopes("^/api/.*$", false).unwrap(), vec!["/api/*"]);
        assert_eq!(
            path_scopes("^(?:/api/|/health\\Z)", false).unwrap(),
            vec!["/api/*", "/health"]
        );
        assert_eq!(path_scopes("^.*$", false).unwrap(), Vec::<String>::new());
        assert_eq!(path_scopes("/api/*", true).unwrap(), vec!["/api*"]);
        assert!(path_scopes("^/api/v[0-9]+/", false).is_none());
    }

    #[test]
    fn escapes_decode_as_python_does() {
        assert_eq!(unescape(r"a\.b\n\x41\'").unwrap(), "a\\.b\nA'");
        assert!(unescape(r"\N{DASH}").is_none());
    }
}
