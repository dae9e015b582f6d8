//! The module graph of `src/`, computed from the source text: which file's code names which
//! other file's items, through `use` declarations (`crate::`, `super::`, `self::` and child
//! modules) and through paths that start with a name such a `use` brought in. A `pub use`
//! re-export is followed to the file that defines the item, so a child that imports a sibling's
//! type through its parent's façade depends on the sibling, not on the parent.
//!
//! It is a reading of the text, not a compiler: `#[cfg(test)]` code (from the attribute to the
//! end of the file) is left out, and macros are not expanded. That is enough for this crate's
//! plain style, and the layout tests keep it honest by checking known edges.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path from the crate root, e.g. `["emit", "targets", "nginx"]`.
pub type ModPath = Vec<String>;

pub struct Graph {
    /// Every module with a file, and the file.
    pub files: BTreeMap<ModPath, PathBuf>,
    /// For each module, the modules its code depends on (never itself).
    pub edges: BTreeMap<ModPath, BTreeSet<ModPath>>,
}

struct Alias {
    target: ModPath,
    public: bool,
}

/// Every `.rs` file under `dir`, recursively.
pub fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

fn module_path(src: &Path, file: &Path) -> ModPath {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: ModPath = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// Code without comments, string and char literals, and without the `#[cfg(test)]` tail.
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    };
    let b: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == 'r' && (next == Some('#') || next == Some('"')) && !prev_is_ident(&b, i) {
            // Raw string: r"..." or r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= b.len() {
                    break;
                }
                if b[j] == '"' && (0..hashes).all(|k| b.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' && (b.get(i + 2) == Some(&'\'') || next == Some('\\')) {
            // A char literal ('x' or '\n', '\u{..}'); a lifetime has no closing quote.
            i += 1;
            if b.get(i) == Some(&'\\') {
                i += 1;
            }
            while i < b.len() && b[i] != '\'' {
                i += 1;
            }
            i += 1;
            out.push_str("' '");
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn prev_is_ident(b: &[char], i: usize) -> bool {
    i > 0 && (b[i - 1].is_alphanumeric() || b[i - 1] == '_')
}

/// The `use` declarations of a file: (public, tree text).
fn use_decls(code: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while let Some(off) = code[i..].find("use ") {
        let at = i + off;
        i = at + 4;
        let before = code[..at].trim_end();
        let word_start =
            at == 0 || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_');
        let stmt_start = before.is_empty()
            || before.ends_with(';')
            || before.ends_with('{')
            || before.ends_with('}')
            || before.ends_with(']')
            || before.ends_with("pub")
            || before.ends_with(')');
        if !word_start || !stmt_start {
            continue;
        }
        let public = before.ends_with("pub") || before.ends_with("pub(crate)");
        let Some(end) = code[i..].find(';') else {
            break;
        };
        out.push((public, code[i..i + end].to_string()));
        i += end;
    }
    out
}

/// Expands a use tree into (segments, the name it binds or None for globs and `self` in place).
fn expand_tree(prefix: &[String], tree: &str, out: &mut Vec<(Vec<String>, Option<String>)>) {
    let tree = tree.trim();
    if tree.is_empty() {
        return;
    }
    if let Some(brace) = tree.find('{') {
        let head: Vec<String> = tree[..brace]
            .split("::")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        let mut pre = prefix.to_vec();
        pre.extend(head);
        let inner = &tree[brace + 1..tree.rfind('}').unwrap_or(tree.len())];
        let mut depth = 0;
        let mut cur = String::new();
        for ch in inner.chars() {
            match ch {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            if ch == ',' && depth == 0 {
                expand_tree(&pre, &cur, out);
                cur.clear();
            } else {
                cur.push(ch);
            }
        }
        expand_tree(&pre, &cur, out);
        return;
    }
    let (path, alias) = match tree.split_once(" as ") {
        Some((p, a)) => (p.trim(), Some(a.trim().to_string())),
        None => (tree, None),
    };
    let mut segs = prefix.to_vec();
    segs.extend(
        path.split("::")
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
    );
    let last = segs.last().cloned();
    let name = match (alias, last) {
        (Some(a), _) if a == "_" => None,
        (Some(a), _) => Some(a),
        (None, Some(l)) if l == "*" => None,
        (None, Some(l)) if l == "self" => {
            segs.pop();
            segs.last().cloned()
        }
        (None, l) => l,
    };
    out.push((segs, name));
}

impl Graph {
    pub fn of(src: &Path) -> Graph {
        let mut list = Vec::new();
        rust_files(src, &mut list);
        let mut files = BTreeMap::new();
        let mut codes = BTreeMap::new();
        for f in list {
            let m = module_path(src, &f);
            codes.insert(m.clone(), code_of(&std::fs::read_to_string(&f).unwrap()));
            files.insert(m, f);
        }
        let mut g = Graph {
            files,
            edges: BTreeMap::new(),
        };
        // First pass: every file's aliases, made absolute.
        let mut aliases: BTreeMap<ModPath, BTreeMap<String, Alias>> = BTreeMap::new();
        let mut uses: BTreeMap<ModPath, Vec<ModPath>> = BTreeMap::new();
        for (m, code) in &codes {
            let mut map = BTreeMap::new();
            let mut paths = Vec::new();
            for (public, tree) in use_decls(code) {
                let mut items = Vec::new();
                expand_tree(&[], &tree, &mut items);
                for (segs, name) in items {
                    let Some(abs) = g.absolute(m, &segs, &BTreeMap::new()) else {
                        continue;
                    };
                    if let Some(n) = name {
                        map.insert(
                            n,
                            Alias {
                                target: abs.clone(),
                                public,
                            },
                        );
                    }
                    paths.push(abs);
                }
            }
            aliases.insert(m.clone(), map);
            uses.insert(m.clone(), paths);
        }
        // Second pass: every path in the code whose head is known, resolved to a file.
        for (m, code) in &codes {
            let mut deps = BTreeSet::new();
            let mut all = uses[m].clone();
            for segs in inline_paths(code) {
                if let Some(abs) = g.absolute(m, &segs, &aliases[m]) {
                    all.push(abs);
                }
            }
            for abs in all {
                // A path that names a module and no item in it (`use super::targets;`) is
                // no dependency by itself; the items reached through it are.
                if g.files.contains_key(&abs) {
                    continue;
                }
                if let Some(file) = g.resolve(&abs, &aliases) {
                    if &file != m {
                        deps.insert(file);
                    }
                }
            }
            g.edges.insert(m.clone(), deps);
        }
        g
    }

    /// The absolute path a path written in module `m` names, if it starts inside the crate.
    fn absolute(
        &self,
        m: &ModPath,
        segs: &[String],
        local: &BTreeMap<String, Alias>,
    ) -> Option<ModPath> {
        let head = segs.first()?;
        let mut base: ModPath = match head.as_str() {
            "crate" => Vec::new(),
            "self" => m.clone(),
            "super" => m[..m.len().saturating_sub(1)].to_vec(),
            _ => {
                let mut child = m.clone();
                child.push(head.clone());
                if self.files.contains_key(&child) {
                    let mut p = child;
                    p.extend(segs[1..].iter().cloned());
                    return Some(p);
                }
                let a = local.get(head)?;
                let mut p = a.target.clone();
                p.extend(segs[1..].iter().cloned());
                return Some(p);
            }
        };
        let mut rest = &segs[1..];
        while rest.first().is_some_and(|s| s == "super") {
            base.pop();
            rest = &rest[1..];
        }
        base.extend(rest.iter().cloned());
        Some(base)
    }

    /// The file that defines what an absolute path names, following `pub use` re-exports.
    fn resolve(
        &self,
        abs: &ModPath,
        aliases: &BTreeMap<ModPath, BTreeMap<String, Alias>>,
    ) -> Option<ModPath> {
        let mut abs = abs.clone();
        for _ in 0..16 {
            let n = (0..=abs.len())
                .rev()
                .find(|&n| self.files.contains_key(&abs[..n]))?;
            let module = abs[..n].to_vec();
            match abs.get(n).and_then(|name| aliases.get(&module)?.get(name)) {
                Some(a) if a.public => {
                    let mut next = a.target.clone();
                    next.extend(abs[n + 1..].iter().cloned());
                    abs = next;
                }
                _ => return Some(module),
            }
        }
        None
    }

    /// Strongly connected components with more than one module: the import cycles.
    pub fn cycles(&self) -> Vec<Vec<ModPath>> {
        let nodes: Vec<&ModPath> = self.files.keys().collect();
        let index_of: BTreeMap<&ModPath, usize> =
            nodes.iter().enumerate().map(|(i, m)| (*m, i)).collect();
        let adj: Vec<Vec<usize>> = nodes
            .iter()
            .map(|m| {
                self.edges
                    .get(*m)
                    .map(|s| s.iter().filter_map(|t| index_of.get(t).copied()).collect())
                    .unwrap_or_default()
            })
            .collect();
        // Tarjan's algorithm, iteratively.
        let n = nodes.len();
        let mut index = vec![usize::MAX; n];
        let mut low = vec![0; n];
        let mut on = vec![false; n];
        let mut stack = Vec::new();
        let mut next = 0;
        let mut out = Vec::new();
        for root in 0..n {
            if index[root] != usize::MAX {
                continue;
            }
            let mut work = vec![(root, 0usize)];
            while let Some(&mut (v, ref mut k)) = work.last_mut() {
                if *k == 0 {
                    index[v] = next;
                    low[v] = next;
                    next += 1;
                    stack.push(v);
                    on[v] = true;
                }
                if *k < adj[v].len() {
                    let w = adj[v][*k];
                    *k += 1;
                    if index[w] == usize::MAX {
                        work.push((w, 0));
                    } else if on[w] {
                        low[v] = low[v].min(index[w]);
                    }
                    continue;
                }
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut comp = Vec::new();
                    loop {
                        let w = stack.pop().unwrap();
                        on[w] = false;
                        comp.push(nodes[w].clone());
                        if w == v {
                            break;
                        }
                    }
                    if comp.len() > 1 {
                        comp.sort();
                        out.push(comp);
                    }
                }
            }
        }
        out
    }
}

/// Paths of two or more segments in code (`a::b`, `crate::x::y`), excluding those that are
/// part of a longer path (the tail of `x::a::b` is not read again as `a::b`).
fn inline_paths(code: &str) -> Vec<Vec<String>> {
    let b = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    while i < b.len() {
        if !(b[i].is_ascii_alphabetic() || b[i] == b'_')
            || (i > 0 && (ident(b[i - 1]) || (i > 1 && b[i - 1] == b':' && b[i - 2] == b':')))
        {
            i += 1;
            continue;
        }
        let mut segs = Vec::new();
        let mut j = i;
        loop {
            let s = j;
            while j < b.len() && ident(b[j]) {
                j += 1;
            }
            segs.push(code[s..j].to_string());
            if b.get(j) == Some(&b':')
                && b.get(j + 1) == Some(&b':')
                && b.get(j + 2)
                    .is_some_and(|&c| c.is_ascii_alphabetic() || c == b'_')
            {
                j += 2;
            } else {
                break;
            }
        }
        if segs.len() > 1 {
            out.push(segs);
        }
        i = j.max(i + 1);
    }
    out
}

/// `a/b/c` for messages.
pub fn show(m: &ModPath) -> String {
    if m.is_empty() {
        "(crate root)".to_string()
    } else {
        m.join("/")
    }
}
