//! `--from nginx`: nginx configuration (`nginx.conf`, `conf.d/*.conf`, site files, snippets
//! and the files corsc itself writes for nginx), read without running nginx.
//!
//! What is read, with nginx's own semantics (ngx_http_headers_module, ngx_http_map_module,
//! ngx_http_rewrite_module, ngx_http_core_module):
//!
//! - `add_header` and headers-more's `more_set_headers`. A level (server, location, `if`) with
//!   any `add_header` of its own inherits none of its parent's — the trap is modelled exactly
//!   and reported (I105) where a location's own `add_header` drops the server's CORS headers.
//!   Without `always`, nginx adds a header only to 200, 201, 204, 206, 301, 302, 303, 304, 307
//!   and 308 responses: the policy is what the server grants on those (a preflight answered
//!   with `return 204` included), and each such header is reported (I101) because error
//!   responses carry no grant on the server but do under the policy.
//! - `Access-Control-Allow-Origin` values: a literal, `$http_origin` (reflection: every
//!   origin), a `map` over `$http_origin` (exact keys — case-insensitive in nginx, as browsers
//!   send lower case —, `~` and `~*` regexes, `default`, chained maps) and `set` variables
//!   guarded by `if ($http_origin ~* …)`, `~`, `=`. A regex is written as the server's own
//!   regex: nginx searches, so an unanchored one stays unanchored (lint flags it) and the
//!   width corsc cannot say is reported (I101). Other variables are run-time values (I102).
//! - `if ($request_method = OPTIONS) { … return 204; }` (or a variable mapped from
//!   `$request_method`) is the preflight answer: methods, request headers and max-age are read
//!   from what it sends.
//! - `location`: `= /x` is the path `/x`, a prefix `/x/` (or `^~ /x/`) is `/x/*`, a prefix
//!   without a trailing slash is narrowed to `/x` and `/x/*` (I101: nginx also matches
//!   `/xyz`), regex and named locations are left out (I101). Nested locations are read.
//! - `server`: the language has no host, so the first server block that sends CORS headers
//!   is imported (nginx's default server unless another says `default_server`); every other
//!   one is reported (I101) and left out. A file without `server` (a snippet or an include
//!   file) is read as the inside of one.
//! - `include`, relative to the including file's directory and, when not found there,
//!   to the first input's directory (nginx's prefix when that file is `nginx.conf`); globs in
//!   the last path component, in sorted order as nginx's glob(3). A loop or a missing file is
//!   reported (I104) and not followed.

mod parse;

use super::super::context::{Context, FormatMeta, Importer};
use super::super::draft::{Draft, DraftPolicy, Loc, Noted, OriginValue};
use crate::diagnostics::codes;
use crate::diagnostics::Severity;
use crate::source::Span;
use parse::{Directive, Word};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What `corsc import --list` says.
pub static META: FormatMeta = FormatMeta {
    id: "nginx",
    name: "nginx",
    reads:
        "nginx configuration (nginx.conf, conf.d/*.conf, site files, snippets), following include",
};

/// The nginx importer.
pub struct Nginx;

impl Importer for Nginx {
    fn meta(&self) -> &'static FormatMeta {
        &META
    }

    fn read(&self, cx: &mut Context, files: &[usize]) -> Draft {
        let mut loader = Loader::new(cx, files);
        let mut top = Vec::new();
        for &f in files {
            if let Some(n) = loader.file(f) {
                top.extend(n);
            }
        }
        let mut a = Analysis {
            cx: loader.cx,
            maps: HashMap::new(),
            policies: Vec::new(),
        };
        collect_maps(&top, &mut a.maps);
        a.servers(&top);
        // A value read through several paths (a map used twice) is reported once.
        let mut seen = std::collections::HashSet::new();
        a.cx.diagnostics.retain(|(f, d)| {
            seen.insert((
                *f,
                d.primary.span.start,
                d.primary.span.end,
                d.message.clone(),
            ))
        });
        Draft {
            header: Vec::new(),
            policies: a.policies,
        }
    }
}

/// A directive with its file, includes spliced in.
#[derive(Clone, Debug)]
struct Node {
    file: usize,
    words: Vec<Word>,
    block: Option<Vec<Node>>,
    span: Span,
}

impl Node {
    fn name(&self) -> &str {
        self.words.first().map_or("", |w| w.value.as_str())
    }
    fn args(&self) -> &[Word] {
        self.words.get(1..).unwrap_or(&[])
    }
    fn at(&self) -> Loc {
        Loc {
            file: self.file,
            span: self.span,
        }
    }
    fn word(&self, i: usize) -> Loc {
        Loc {
            file: self.file,
            span: self.words.get(i).map_or(self.span, |w| w.span),
        }
    }
    fn children(&self) -> &[Node] {
        self.block.as_deref().unwrap_or(&[])
    }
}

/// How many files an import may splice in, counting each inclusion (a file included from
/// many places, or includes nested wide, could otherwise grow without end).
const MAX_INCLUSIONS: usize = 1000;

/// Reads files and follows their includes.
struct Loader<'a> {
    cx: &'a mut Context,
    by_path: HashMap<PathBuf, usize>,
    parsed: HashMap<usize, Option<Vec<Directive>>>,
    stack: Vec<usize>,
    prefix: Option<PathBuf>,
    inclusions: usize,
}

impl<'a> Loader<'a> {
    fn new(cx: &'a mut Context, files: &[usize]) -> Self {
        let mut by_path = HashMap::new();
        for &f in files {
            if let Ok(p) = std::fs::canonicalize(&cx.sources[f].name) {
                by_path.insert(p, f);
            }
        }
        let prefix = files.first().and_then(|&f| {
            Path::new(&cx.sources[f].name)
                .parent()
                .map(Path::to_path_buf)
        });
        Loader {
            cx,
            by_path,
            parsed: HashMap::new(),
            stack: Vec::new(),
            prefix,
            inclusions: 0,
        }
    }

    /// The directives of file `f`, includes spliced in; `None` when it is not nginx syntax.
    fn file(&mut self, f: usize) -> Option<Vec<Node>> {
        if !self.parsed.contains_key(&f) {
            let parsed =
                match parse::parse(self.cx.text(f)) {
                    Ok(d) => Some(d),
                    Err(e) => {
                        self.cx.unreadable(
                        Loc { file: f, span: e.span },
                        format!("this is not nginx configuration: {}", e.message),
                        "check the file with `nginx -t`; `--from nginx` reads nginx's own syntax",
                    );
                        None
                    }
                };
            self.parsed.insert(f, parsed);
        }
        let dirs = self.parsed.get(&f).cloned().flatten()?;
        self.stack.push(f);
        let out = self.nodes(f, &dirs);
        self.stack.pop();
        Some(out)
    }

    fn nodes(&mut self, f: usize, dirs: &[Directive]) -> Vec<Node> {
        let mut out = Vec::new();
        for d in dirs {
            if d.name() == "include" && d.block.is_none() {
                let at = Loc {
                    file: f,
                    span: d.span,
                };
                match d.args() {
                    [w] => {
                        let pattern = w.value.clone();
                        for n in self.include(f, &pattern, at) {
                            out.extend(n);
                        }
                    }
                    _ => self.not_followed(at, "an include names exactly one path".to_string()),
                }
                continue;
            }
            out.push(Node {
                file: f,
                words: d.words.clone(),
                block: d.block.as_ref().map(|b| self.nodes(f, b)),
                span: d.span,
            });
        }
        out
    }

    fn not_followed(&mut self, at: Loc, message: String) {
        self.cx.report(
            &codes::IMPORT_INCLUDE,
            Severity::Warning,
            at,
            message,
            "import the included file too, or write what it configures by hand",
        );
    }

    fn include(&mut self, from: usize, pattern: &str, at: Loc) -> Vec<Vec<Node>> {
        if pattern.contains('$') {
            self.not_followed(at, format!("`include {pattern}` names a variable"));
            return Vec::new();
        }
        // glob(3) backtracks on each `*`; no real include needs many.
        if pattern.matches('*').count() > 8 {
            self.not_followed(at, format!("`include {pattern}` has more than 8 `*`"));
            return Vec::new();
        }
        let glob = pattern.contains(['*', '?', '[']);
        let mut candidates = vec![self.cx.relative(from, pattern)];
        if let Some(p) = &self.prefix {
            if !Path::new(pattern).is_absolute() {
                candidates.push(p.join(pattern));
            }
        }
        let paths: Vec<PathBuf> = if glob {
            let mut found = Vec::new();
            for c in &candidates {
                found = expand_glob(c);
                if !found.is_empty() {
                    break;
                }
            }
            found
        } else {
            match candidates.iter().find(|c| c.is_file()) {
                Some(p) => vec![p.clone()],
                None => {
                    self.not_followed(
                        at,
                        format!("`include {pattern}`: no such file (nginx -t would fail)"),
                    );
                    return Vec::new();
                }
            }
        };
        let mut out = Vec::new();
        for p in paths {
            self.inclusions += 1;
            if self.inclusions > MAX_INCLUSIONS {
                self.not_followed(at, format!("more than {MAX_INCLUSIONS} inclusions"));
                break;
            }
            let key = std::fs::canonicalize(&p).unwrap_or_else(|_| p.clone());
            let index = match self.by_path.get(&key) {
                Some(&i) => i,
                None => match self.cx.load(&p) {
                    Ok(Some(i)) => {
                        self.by_path.insert(key, i);
                        i
                    }
                    Ok(None) => continue,
                    Err(e) => {
                        self.not_followed(
                            at,
                            format!(
                                "`include {pattern}`: `{}` could not be read: {e}",
                                p.display()
                            ),
                        );
                        continue;
                    }
                },
            };
            if self.stack.contains(&index) {
                self.not_followed(
                    at,
                    format!(
                        "`include {pattern}` includes a file that is already being read (a loop)"
                    ),
                );
                continue;
            }
            if let Some(n) = self.file(index) {
                out.push(n);
            }
        }
        out
    }
}

/// The files a glob in the last component of `path` names, sorted.
fn expand_glob(path: &Path) -> Vec<PathBuf> {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Vec::new();
    };
    let name = name.to_string_lossy();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| glob_match(name.as_bytes(), e.file_name().to_string_lossy().as_bytes()))
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}

/// `*`, `?` and `[…]` as glob(3) reads them, for one path component.
fn glob_match(p: &[u8], s: &[u8]) -> bool {
    match p.first() {
        None => s.is_empty(),
        Some(b'*') => (0..=s.len()).any(|i| glob_match(&p[1..], &s[i..])),
        Some(b'?') => !s.is_empty() && glob_match(&p[1..], &s[1..]),
        Some(b'[') => {
            let Some(close) = p.iter().skip(1).position(|&c| c == b']').map(|i| i + 1) else {
                return s.first() == Some(&b'[') && glob_match(&p[1..], &s[1..]);
            };
            let Some(&c) = s.first() else { return false };
            let set = &p[1..close];
            let (neg, set) = match set.first() {
                Some(b'!' | b'^') => (true, &set[1..]),
                _ => (false, set),
            };
            let mut hit = false;
            let mut i = 0;
            while i < set.len() {
                if i + 2 < set.len() && set[i + 1] == b'-' {
                    hit |= set[i] <= c && c <= set[i + 2];
                    i += 3;
                } else {
                    hit |= set[i] == c;
                    i += 1;
                }
            }
            hit != neg && glob_match(&p[close + 1..], &s[1..])
        }
        Some(&c) => s.first() == Some(&c) && glob_match(&p[1..], &s[1..]),
    }
}

/// One `map` key.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Key {
    /// A string, compared ignoring case.
    Exact(String),
    /// `~` (`ci` false) or `~*` (`ci` true).
    Regex { re: String, ci: bool },
}

impl Key {
    fn of(w: &str) -> Key {
        if let Some(r) = w.strip_prefix("~*") {
            Key::Regex {
                re: r.to_string(),
                ci: true,
            }
        } else if let Some(r) = w.strip_prefix('~') {
            Key::Regex {
                re: r.to_string(),
                ci: false,
            }
        } else {
            Key::Exact(w.strip_prefix('\\').unwrap_or(w).to_string())
        }
    }

    /// Whether the key matches `s` as nginx would (regexes search); `None` when the regex does
    /// not compile here.
    fn matches(&self, s: &str) -> Option<bool> {
        match self {
            Key::Exact(k) => Some(k.eq_ignore_ascii_case(s)),
            Key::Regex { re, ci } => regex::RegexBuilder::new(re)
                .case_insensitive(*ci)
                .size_limit(1 << 20)
                .build()
                .ok()
                .map(|r| r.is_match(s)),
        }
    }

    /// A key that no origin a browser sends can match: one that needs an upper-case letter,
    /// or more characters than an origin has (how corsc's own output guards its regexes).
    fn matches_no_browser_origin(&self) -> bool {
        match self {
            Key::Regex { re, ci: false } => {
                re == "[A-Z]"
                    || re
                        .strip_prefix("^[\\s\\S]{")
                        .and_then(|r| r.strip_suffix('}'))
                        .and_then(|n| n.parse::<usize>().ok())
                        .is_some_and(|n| n > 255)
            }
            _ => false,
        }
    }
}

/// One `map` block.
#[derive(Clone, Debug)]
struct Map {
    source: String,
    default: Option<(String, Loc)>,
    entries: Vec<(Key, String, Loc)>,
    hostnames: bool,
}

fn collect_maps(nodes: &[Node], maps: &mut HashMap<String, Map>) {
    for n in nodes {
        if n.name() == "map" {
            if let ([src, var], Some(body)) = (n.args(), &n.block) {
                let mut m = Map {
                    source: src.value.clone(),
                    default: None,
                    entries: Vec::new(),
                    hostnames: false,
                };
                for e in body {
                    match (e.name(), e.args()) {
                        ("hostnames", []) => m.hostnames = true,
                        ("default", [v]) => m.default = Some((v.value.clone(), e.word(1))),
                        ("volatile", []) => {}
                        (_, [v]) => {
                            let k = e.words[0].value.as_str();
                            // A quoted key is never a regex only when its `~` is escaped.
                            m.entries.push((Key::of(k), v.value.clone(), e.at()));
                        }
                        _ => {}
                    }
                }
                maps.insert(var_name(&var.value).unwrap_or_default(), m);
            }
        } else if matches!(n.name(), "http" | "server") {
            collect_maps(n.children(), maps);
        }
    }
}

/// `$name` or `${name}` as a whole value: the name.
fn var_name(v: &str) -> Option<String> {
    let rest = v.strip_prefix('$')?;
    let name = rest
        .strip_prefix('{')
        .and_then(|r| r.strip_suffix('}'))
        .unwrap_or(rest);
    (!name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .then(|| name.to_ascii_lowercase())
}

/// What a header value can be.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Out {
    /// The request's Origin.
    Reflect,
    /// A fixed text.
    Lit(String),
    /// Text computed from variables the import cannot follow.
    Runtime(String),
}

/// One thing a value can be and the condition on the Origin under which it is.
#[derive(Clone, Debug)]
struct Alt {
    cond: Option<Key>,
    out: Out,
    at: Loc,
}

/// One `set $var value;` with the Origin condition of the `if` around it.
#[derive(Clone, Debug)]
struct SetStmt {
    var: String,
    value: String,
    cond: Cond,
    at: Loc,
}

/// The condition of an `if`, as far as CORS is concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Cond {
    /// Always (no `if`).
    Always,
    /// The Origin matches the key.
    Origin(Key),
    /// The request is a preflight (`$request_method = OPTIONS` or a variable from it).
    Preflight,
    /// Anything else: read as if it could hold.
    Other,
    /// A condition corsc cannot narrow to (`!~`, `!=` on the Origin): what is under it is
    /// left out.
    Unreadable,
}

/// One header a level sends.
#[derive(Clone, Debug)]
struct Header {
    name: String,
    value: String,
    always: bool,
    at: Loc,
    value_at: Loc,
}

const CORS_HEADERS: &[&str] = &[
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-expose-headers",
    "access-control-max-age",
    "access-control-allow-private-network",
];

/// The headers a level sets: `add_header`s (which replace what the parent level sends) and
/// `more_set_headers` (inherited on their own, sent on every status).
fn own_headers(nodes: &[Node]) -> (Vec<Header>, Vec<Header>) {
    let mut add = Vec::new();
    let mut more = Vec::new();
    for n in nodes {
        match (n.name(), n.args()) {
            ("add_header", [name, value, rest @ ..]) => add.push(Header {
                name: name.value.to_ascii_lowercase(),
                value: value.value.clone(),
                always: rest.iter().any(|w| w.value == "always"),
                at: n.at(),
                value_at: Loc {
                    file: n.file,
                    span: value.span,
                },
            }),
            ("more_set_headers", args) => {
                for w in args.iter().filter(|w| !w.value.starts_with('-')) {
                    if let Some((name, value)) = w.value.split_once(':') {
                        more.push(Header {
                            name: name.trim().to_ascii_lowercase(),
                            value: value.trim().to_string(),
                            always: true,
                            at: n.at(),
                            value_at: Loc {
                                file: n.file,
                                span: w.span,
                            },
                        });
                    }
                }
            }
            _ => {}
        }
    }
    (add, more)
}

/// A path scope as the policy writes it, or why none can be written.
enum Scope {
    Paths(Vec<(String, Option<String>)>),
    Refused(String),
    Skip,
}

fn location_scope(args: &[Word]) -> Scope {
    let (modifier, path) = match args {
        [p] => ("", p.value.as_str()),
        [m, p] => (m.value.as_str(), p.value.as_str()),
        _ => return Scope::Refused("a location with an unexpected form".to_string()),
    };
    if path.starts_with('@') {
        return Scope::Skip;
    }
    if matches!(modifier, "~" | "~*") {
        return Scope::Refused(format!(
            "regex location `{modifier} {path}`: a policy's paths are exact or prefixes"
        ));
    }
    if path.contains('*') || !path.starts_with('/') {
        return Scope::Refused(format!("location `{path}` is not a path a policy can name"));
    }
    match modifier {
        "=" => Scope::Paths(vec![(path.to_string(), None)]),
        "" | "^~" => {
            if path == "/" {
                Scope::Paths(Vec::new())
            } else if path.ends_with('/') {
                Scope::Paths(vec![(format!("{path}*"), None)])
            } else {
                let note = format!("nginx's prefix `{path}` also matches `{path}…` without a slash; narrowed to `{path}` and `{path}/*`");
                Scope::Paths(vec![
                    (path.to_string(), Some(note.clone())),
                    (format!("{path}/*"), Some(note)),
                ])
            }
        }
        _ => Scope::Refused(format!("location modifier `{modifier}`")),
    }
}

/// One place a response is configured: its headers and its preflight answer.
struct Level {
    add: Vec<Header>,
    more: Vec<Header>,
    sets: Vec<SetStmt>,
}

struct Analysis<'a> {
    cx: &'a mut Context,
    maps: HashMap<String, Map>,
    policies: Vec<DraftPolicy>,
}

impl Analysis<'_> {
    fn servers(&mut self, top: &[Node]) {
        let mut servers: Vec<&Node> = Vec::new();
        for n in top {
            match n.name() {
                "server" => servers.push(n),
                "http" => servers.extend(n.children().iter().filter(|c| c.name() == "server")),
                _ => {}
            }
        }
        if servers.is_empty() {
            let scope = Level {
                add: Vec::new(),
                more: Vec::new(),
                sets: Vec::new(),
            };
            self.level(top, &scope, Vec::new(), "nginx", None, false);
            return;
        }
        let mut imported: Option<String> = None;
        for s in servers {
            let name = s
                .children()
                .iter()
                .find(|c| c.name() == "server_name")
                .and_then(|c| c.args().first())
                .map_or_else(|| "server".to_string(), |w| w.value.clone());
            let before = self.policies.len();
            let diags = self.cx.diagnostics.len();
            let scope = Level {
                add: Vec::new(),
                more: Vec::new(),
                sets: Vec::new(),
            };
            if imported.is_some() {
                // Read it to know whether it sends CORS at all, then leave it out.
                self.level(s.children(), &scope, Vec::new(), &name, Some(s.at()), false);
                if self.policies.len() > before {
                    self.policies.truncate(before);
                    self.cx.diagnostics.truncate(diags);
                    self.cx.narrowed(
                        s.word(0),
                        format!(
                            "server `{name}` also sends CORS headers; a policy has no host, so only `{}` is imported",
                            imported.as_deref().unwrap_or("")
                        ),
                        "import this server block from a file of its own",
                    );
                }
                continue;
            }
            self.level(s.children(), &scope, Vec::new(), &name, Some(s.at()), false);
            if self.policies.len() > before {
                imported = Some(name);
            }
        }
    }

    /// Reads one level (server or location) whose parent sends `parent`'s headers.
    fn level(
        &mut self,
        nodes: &[Node],
        parent: &Level,
        paths: Vec<(String, Option<String>)>,
        name: &str,
        at: Option<Loc>,
        parent_had_cors: bool,
    ) {
        let (add, more) = own_headers(nodes);
        let mut sets = parent.sets.clone();
        collect_sets(nodes, Cond::Always, &mut sets);
        let own_cors = add
            .iter()
            .chain(&more)
            .any(|h| CORS_HEADERS.contains(&h.name.as_str()));
        let inherited_cors = parent
            .add
            .iter()
            .any(|h| CORS_HEADERS.contains(&h.name.as_str()));
        let here = Level {
            add: if add.is_empty() {
                parent.add.clone()
            } else {
                add.clone()
            },
            more: {
                let mut m = parent.more.clone();
                m.retain(|h| !more.iter().any(|o| o.name == h.name));
                m.extend(more.clone());
                m
            },
            sets,
        };
        let ifs: Vec<(Cond, &Node)> = nodes
            .iter()
            .filter(|n| n.name() == "if")
            .flat_map(|n| {
                self.conditions(n, &here.sets)
                    .into_iter()
                    .map(move |c| (c, n))
            })
            .collect();
        let if_cors = ifs.iter().any(|(_, n)| {
            let (a, m) = own_headers(n.children());
            a.iter()
                .chain(&m)
                .any(|h| CORS_HEADERS.contains(&h.name.as_str()))
        });
        let is_root = at.is_some() && paths.is_empty() && parent.add.is_empty() && !parent_had_cors;
        let trap = !add.is_empty() && inherited_cors && !own_cors;
        if trap {
            self.cx.implicit(
                add[0].at,
                "this level's own `add_header` stops nginx from sending the CORS headers of the level around it (add_header is not inherited into a level that has its own)",
                "repeat the CORS add_header lines here, or move this header to the outer level",
            );
        }
        if own_cors
            || if_cors
            || trap
            || (is_root
                && here
                    .more
                    .iter()
                    .any(|h| CORS_HEADERS.contains(&h.name.as_str())))
        {
            self.policy(&here, &ifs, &paths, name, at);
        }
        let cors_here = here
            .add
            .iter()
            .chain(&here.more)
            .any(|h| CORS_HEADERS.contains(&h.name.as_str()));
        for n in nodes.iter().filter(|n| n.name() == "location") {
            match location_scope(n.args()) {
                Scope::Skip => {}
                Scope::Refused(why) => {
                    if cors_here || subtree_has_cors(n.children()) {
                        self.cx.narrowed(
                            n.word(0),
                            format!("{why}; its CORS headers are left out"),
                            "write the location as a prefix or `=` path, or write this policy by hand",
                        );
                    }
                }
                Scope::Paths(p) => {
                    let label = n.args().last().map_or("location", |w| w.value.as_str());
                    self.level(n.children(), &here, p, label, Some(n.at()), cors_here);
                }
            }
        }
    }

    /// What an `if` holds on, as one or more conditions of which any may hold: a flag set
    /// under Origin conditions (`if ($cors = "true")`) holds on the origins of those `if`s.
    fn conditions(&mut self, n: &Node, sets: &[SetStmt]) -> Vec<Cond> {
        let parts = if_parts(n.args());
        let flag = match parts.as_slice() {
            [v] => var_name(v).map(|v| (v, None)),
            [v, op, value] if op == "=" => var_name(v).map(|v| (v, Some(value.clone()))),
            _ => None,
        };
        if let Some((var, value)) = flag {
            if let Some(conds) = flag_conditions(sets, &var, value.as_deref()) {
                return conds;
            }
        }
        let c = self.condition(n);
        if c == Cond::Other && subtree_has_cors(n.children()) {
            self.cx.narrowed(
                n.word(0),
                "corsc cannot follow this `if` condition, so the CORS headers under it are read as sent on every request: the policy may be wider than what nginx sends",
                "write the condition on `$http_origin` (or a variable `set` only under `if ($http_origin …)`), or check the imported origins by hand",
            );
        }
        vec![c]
    }

    fn condition(&mut self, n: &Node) -> Cond {
        let parts = if_parts(n.args());
        match parts.as_slice() {
            [v] => {
                if var_name(v).is_some_and(|v| self.is_method_flag(&v, 0)) {
                    Cond::Preflight
                } else {
                    Cond::Other
                }
            }
            [v, op, value] => {
                let var = var_name(v).unwrap_or_default();
                match (var.as_str(), op.as_str()) {
                    ("request_method", "=") if value.eq_ignore_ascii_case("OPTIONS") => {
                        Cond::Preflight
                    }
                    ("http_origin", "=") => Cond::Origin(Key::Exact(value.clone())),
                    ("http_origin", "~") => Cond::Origin(Key::Regex {
                        re: value.clone(),
                        ci: false,
                    }),
                    ("http_origin", "~*") => Cond::Origin(Key::Regex {
                        re: value.clone(),
                        ci: true,
                    }),
                    ("http_origin", _) => Cond::Unreadable,
                    _ => Cond::Other,
                }
            }
            _ => Cond::Other,
        }
    }

    /// Whether variable `v` is computed from `$request_method` (a preflight flag).
    fn is_method_flag(&self, v: &str, depth: usize) -> bool {
        self.depends_on(v, &["request_method"], depth)
    }

    /// Whether variable `v` is computed (through maps) from one of `vars`.
    fn depends_on(&self, v: &str, vars: &[&str], depth: usize) -> bool {
        if depth > 16 {
            return false;
        }
        let Some(m) = self.maps.get(v) else {
            return false;
        };
        vars_in(&m.source)
            .iter()
            .any(|s| vars.contains(&s.as_str()) || self.depends_on(s, vars, depth + 1))
    }

    fn policy(
        &mut self,
        level: &Level,
        ifs: &[(Cond, &Node)],
        paths: &[(String, Option<String>)],
        name: &str,
        at: Option<Loc>,
    ) {
        let mut actual: Vec<(Option<Key>, Vec<Header>)> = Vec::new();
        let mut preflight: Vec<Header> = Vec::new();
        let mut had_preflight = false;
        let all = |l: &Level| -> Vec<Header> { l.add.iter().chain(&l.more).cloned().collect() };
        actual.push((None, all(level)));
        for (cond, n) in ifs {
            let (add, more) = own_headers(n.children());
            let mut hs: Vec<Header> = if add.is_empty() {
                level.add.clone()
            } else {
                add
            };
            hs.extend(
                level
                    .more
                    .iter()
                    .filter(|h| !more.iter().any(|m| m.name == h.name))
                    .cloned(),
            );
            hs.extend(more);
            match cond {
                Cond::Preflight => {
                    had_preflight = true;
                    preflight.extend(hs);
                }
                Cond::Origin(k) => actual.push((Some(k.clone()), hs)),
                Cond::Other => {
                    if hs.iter().any(|h| CORS_HEADERS.contains(&h.name.as_str()))
                        && !own_headers(n.children()).0.is_empty()
                    {
                        actual.push((None, hs));
                    }
                }
                Cond::Always => actual.push((None, hs)),
                Cond::Unreadable => {
                    if !own_headers(n.children()).0.is_empty() {
                        self.cx.narrowed(
                            n.word(0),
                            "headers under a negated Origin condition are left out",
                            "write the allowed origins as a positive list (a map)",
                        );
                    }
                }
            }
        }
        if !had_preflight {
            preflight = actual.iter().flat_map(|(_, h)| h.clone()).collect();
        }
        let mut p = DraftPolicy::new(name, at);
        for (path, note) in paths {
            let mut v = Noted {
                value: path.clone(),
                at,
                comment: None,
            };
            if let Some(n) = note {
                v = v.with_comment(n.clone());
                if let Some(a) = at {
                    self.cx.narrowed(
                        a,
                        n.clone(),
                        "use `location /x/` or `location = /x` for an exact scope",
                    );
                }
            }
            p.paths.push(v);
        }
        // Origins, from every actual response (and the preflight's, when only it grants).
        let mut origin_headers: Vec<(Option<Key>, Header)> = actual
            .iter()
            .flat_map(|(k, hs)| {
                hs.iter()
                    .filter(|h| h.name == "access-control-allow-origin")
                    .map(move |h| (k.clone(), h.clone()))
            })
            .collect();
        if origin_headers.is_empty() {
            origin_headers = preflight
                .iter()
                .filter(|h| h.name == "access-control-allow-origin")
                .map(|h| (None, h.clone()))
                .collect();
        }
        let mut warned_always = Vec::new();
        for (k, h) in &origin_headers {
            if !h.always && !warned_always.contains(&h.at) {
                warned_always.push(h.at);
                self.cx.narrowed(
                    h.at,
                    "without `always`, nginx sends this header only on 200, 201, 204, 206, 301, 302, 303, 304, 307 and 308 responses; the policy grants on every status, error responses included",
                    "add `always` so error responses are readable too, or accept that the policy is wider on errors",
                );
            }
            let alts = self.resolve(&h.value, h.value_at, k.clone(), &level.sets, 0);
            for a in alts {
                self.origin(&mut p, a);
            }
        }
        if origin_headers.is_empty() {
            p.comments.push(
                "nginx sends no Access-Control-Allow-Origin here, so it grants no origin"
                    .to_string(),
            );
        }
        // Credentials, exposed headers: the actual response.
        for (_, hs) in &actual {
            for h in hs {
                match h.name.as_str() {
                    "access-control-allow-credentials" => {
                        let lits = self.literals(h, &level.sets);
                        if lits.iter().any(|(v, _)| v == "true") {
                            p.credentials = Some(Noted::at(true, h.value_at));
                        }
                    }
                    "access-control-expose-headers" => {
                        let lits = self.literals(h, &level.sets);
                        let list = p.expose_headers.get_or_insert_with(Vec::new);
                        push_list(list, &lits);
                    }
                    "access-control-allow-private-network" => {
                        let lits = self.literals(h, &level.sets);
                        if lits.iter().any(|(v, _)| v == "true") {
                            p.private_network = Some(Noted::at(true, h.value_at));
                        }
                    }
                    _ => {}
                }
            }
        }
        for h in &preflight {
            match h.name.as_str() {
                "access-control-allow-methods" => {
                    let lits = self.literals(h, &level.sets);
                    let list = p.methods.get_or_insert_with(Vec::new);
                    push_list(list, &lits);
                }
                "access-control-allow-headers" => {
                    if self.mirrors(&h.value, "http_access_control_request_headers", 0) {
                        let list = p.request_headers.get_or_insert_with(Vec::new);
                        if !list.iter().any(|x| x.value == "mirror") {
                            list.push(Noted::at("mirror".to_string(), h.value_at));
                        }
                    }
                    let lits = self.literals(h, &level.sets);
                    let list = p.request_headers.get_or_insert_with(Vec::new);
                    push_list(list, &lits);
                }
                "access-control-max-age" => {
                    let lits = self.literals(h, &level.sets);
                    if let Some(n) = lits.iter().find_map(|(v, _)| v.trim().parse::<u64>().ok()) {
                        p.max_age = Some(Noted::at(n, h.value_at));
                    }
                }
                _ => {}
            }
        }
        if p.methods.as_ref().is_some_and(Vec::is_empty) {
            p.methods = None;
        }
        if p.request_headers.as_ref().is_some_and(Vec::is_empty) {
            p.request_headers = None;
        }
        if p.expose_headers.as_ref().is_some_and(Vec::is_empty) {
            p.expose_headers = None;
        }
        self.policies.push(p);
    }

    /// Whether a header value is (through maps) the request header `var` itself.
    fn mirrors(&self, value: &str, var: &str, depth: usize) -> bool {
        if depth > 16 {
            return false;
        }
        let Some(v) = var_name(value) else {
            return false;
        };
        if v == var {
            return true;
        }
        self.maps.get(&v).is_some_and(|m| {
            m.entries
                .iter()
                .any(|(_, x, _)| self.mirrors(x, var, depth + 1))
                || m.default
                    .as_ref()
                    .is_some_and(|(x, _)| self.mirrors(x, var, depth + 1))
        })
    }

    /// The fixed texts a header value can be (through maps and `set`), empty ones left out.
    fn literals(&mut self, h: &Header, sets: &[SetStmt]) -> Vec<(String, Loc)> {
        let alts = self.resolve(&h.value, h.value_at, None, sets, 0);
        let mut out = Vec::new();
        for a in alts {
            match a.out {
                Out::Lit(s) if !s.trim().is_empty() => out.push((s, a.at)),
                Out::Runtime(e) if !e.contains("$http_access_control_request") => self.cx.runtime(
                    a.at,
                    format!(
                        "`{}` sends `{e}`, computed at run time; it is left out",
                        h.name
                    ),
                    "write the value this variable holds as a literal",
                ),
                _ => {}
            }
        }
        out
    }

    /// What a value can be, each with the Origin condition under which it is.
    fn resolve(
        &mut self,
        value: &str,
        at: Loc,
        cond: Option<Key>,
        sets: &[SetStmt],
        depth: usize,
    ) -> Vec<Alt> {
        if depth > 32 {
            return vec![Alt {
                cond,
                out: Out::Runtime(value.to_string()),
                at,
            }];
        }
        if !value.contains('$') {
            return vec![Alt {
                cond,
                out: Out::Lit(value.to_string()),
                at,
            }];
        }
        let Some(var) = var_name(value) else {
            return vec![Alt {
                cond,
                out: Out::Runtime(value.to_string()),
                at,
            }];
        };
        if var == "http_origin" {
            return vec![Alt {
                cond,
                out: Out::Reflect,
                at,
            }];
        }
        if let Some(m) = self.maps.get(&var).cloned() {
            if self.depends_on(&var, &["uri", "request_uri", "document_uri"], 0) {
                self.cx.narrowed(
                    at,
                    format!("`{value}` is chosen by a map on the request's path; the policy cannot follow which path gets which value, so nothing it sends is imported here"),
                    "import the configuration with one location per path scope (corsc's `--shape server` or `include` output), or write the policy by hand",
                );
                return Vec::new();
            }
            let on_origin = self.is_origin(&m.source, 0);
            let mut out = Vec::new();
            for (k, v, kat) in &m.entries {
                let c = if on_origin {
                    match both(cond.clone(), Some(k.clone())) {
                        Some(c) => c,
                        None => continue,
                    }
                } else {
                    cond.clone()
                };
                out.extend(self.resolve(v, *kat, c, sets, depth + 1));
            }
            if let Some((d, dat)) = &m.default {
                for a in self.resolve(d, *dat, cond.clone(), sets, depth + 1) {
                    if !on_origin {
                        out.push(a);
                        continue;
                    }
                    match &a.out {
                        Out::Reflect => {
                            // Reflecting by default is every origin but the keys that send
                            // something else: exact only when those keys match no browser origin.
                            let mut blocked = Vec::new();
                            for (k, v, _) in &m.entries {
                                let reflects = self
                                    .resolve(v, at, None, sets, depth + 1)
                                    .iter()
                                    .all(|x| x.out == Out::Reflect);
                                if !reflects && !k.matches_no_browser_origin() {
                                    blocked.push(k.clone());
                                }
                            }
                            if blocked.is_empty() {
                                out.push(a);
                            } else {
                                self.cx.narrowed(
                                    *dat,
                                    "this map reflects every Origin except its keys; the policy language cannot say \"all but\", so these origins are left out",
                                    "list the allowed origins as keys instead of the refused ones",
                                );
                            }
                        }
                        Out::Lit(l) => {
                            if !m
                                .entries
                                .iter()
                                .any(|(k, _, _)| k.matches(l) != Some(false))
                            {
                                out.push(a);
                            }
                        }
                        Out::Runtime(_) => out.push(a),
                    }
                }
            }
            if m.hostnames && on_origin {
                self.cx.narrowed(
                    at,
                    format!("map `{value}` reads its keys as host names (`hostnames`); corsc reads them as exact origins, so wildcard keys are left out"),
                    "list the origins as exact keys or anchored `~` regexes",
                );
            }
            return out;
        }
        let mine: Vec<SetStmt> = sets.iter().filter(|s| s.var == var).cloned().collect();
        if !mine.is_empty() {
            let mut out = Vec::new();
            for s in mine {
                let c = match &s.cond {
                    Cond::Origin(k) => match both(cond.clone(), Some(k.clone())) {
                        Some(c) => c,
                        None => continue,
                    },
                    Cond::Unreadable => {
                        self.cx.narrowed(
                            s.at,
                            "a value set under a negated Origin condition is left out",
                            "write the allowed origins as a positive condition or a map",
                        );
                        continue;
                    }
                    _ => cond.clone(),
                };
                out.extend(self.resolve(&s.value, s.at, c, sets, depth + 1));
            }
            return out;
        }
        vec![Alt {
            cond,
            out: Out::Runtime(value.to_string()),
            at,
        }]
    }

    /// Whether a map source is the request's Origin (itself, or a map that passes it on and
    /// changes it only for values no browser sends).
    fn is_origin(&self, source: &str, depth: usize) -> bool {
        let Some(v) = var_name(source) else {
            return false;
        };
        if v == "http_origin" {
            return true;
        }
        if depth > 16 {
            return false;
        }
        self.maps.get(&v).is_some_and(|m| {
            self.is_origin(&m.source, depth + 1)
                && m.default
                    .as_ref()
                    .is_some_and(|(d, _)| var_name(d).as_deref() == Some("http_origin"))
                && m.entries.iter().all(|(k, v, _)| {
                    k.matches_no_browser_origin()
                        && (v.is_empty() || var_name(v).as_deref() == Some("http_origin"))
                })
        })
    }

    /// Adds what one resolved Allow-Origin value grants.
    fn origin(&mut self, p: &mut DraftPolicy, a: Alt) {
        let push = |p: &mut DraftPolicy, v: OriginValue, comment: Option<String>| {
            if !p.origins.iter().any(|o| o.value == v) {
                let mut n = Noted::at(v, a.at);
                n.comment = comment;
                p.origins.push(n);
            }
        };
        match (a.cond, a.out) {
            (None, Out::Reflect) => push(
                p,
                OriginValue::Any,
                Some("nginx reflects the request's Origin unchecked: every origin".to_string()),
            ),
            (Some(k), Out::Reflect) => {
                let v = self.key_origin(&k, a.at);
                if let Some(v) = v {
                    push(p, v, None);
                }
            }
            (k, Out::Lit(l)) => {
                let l = l.trim().to_string();
                if l.is_empty() {
                    return;
                }
                if let Some(k) = &k {
                    if k.matches(&l) != Some(true) {
                        return;
                    }
                }
                if l == "*" {
                    push(p, OriginValue::Any, None);
                } else if l == "null" {
                    push(p, OriginValue::Null, None);
                } else if l.contains([' ', ',', '\t']) {
                    self.cx.narrowed(
                        a.at,
                        format!("`{l}` lists several origins in one Access-Control-Allow-Origin; browsers refuse such a value, so it allows no origin"),
                        "send one origin, chosen from the request's Origin by a map",
                    );
                } else {
                    push(p, OriginValue::Origin(l), None);
                }
            }
            (_, Out::Runtime(e)) => {
                self.cx.runtime(
                    a.at,
                    format!("Access-Control-Allow-Origin is `{e}`, computed at run time"),
                    "write the origins this value can hold in the policy",
                );
                p.placeholders.push(Noted::at(e, a.at));
            }
        }
    }

    /// The origin value a key on `$http_origin` allows.
    fn key_origin(&mut self, k: &Key, at: Loc) -> Option<OriginValue> {
        match k {
            Key::Exact(s) => Some(if s == "null" {
                OriginValue::Null
            } else {
                OriginValue::Origin(s.to_ascii_lowercase())
            }),
            Key::Regex { re, ci } => {
                let re = if *ci && re.bytes().any(|b| b.is_ascii_uppercase()) {
                    format!("(?i){re}")
                } else {
                    re.clone()
                };
                let anchored = re.starts_with("(?:^") || (re.starts_with('^') && re.ends_with('$'));
                if !anchored {
                    self.cx.narrowed(
                        at,
                        format!("nginx searches the Origin for `{re}` (it matches anywhere, e.g. in https://example.com.evil.test); a policy's regex matches the whole origin, so the policy allows less than the server"),
                        "anchor the regex in nginx too: `~^https://(a|b)\\.example\\.com$`",
                    );
                }
                Some(OriginValue::Regex(re))
            }
        }
    }
}

/// Adds the comma-separated names of `lits` to `list`, once each.
fn push_list(list: &mut Vec<Noted<String>>, lits: &[(String, Loc)]) {
    for (v, at) in lits {
        for name in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if !list.iter().any(|x| x.value.eq_ignore_ascii_case(name)) {
                list.push(Noted::at(name.to_string(), *at));
            }
        }
    }
}

/// Both Origin conditions; `None` when they cannot both hold or corsc cannot say both.
fn both(a: Option<Key>, b: Option<Key>) -> Option<Option<Key>> {
    match (a, b) {
        (None, x) | (x, None) => Some(x),
        (Some(a), Some(b)) if a == b => Some(Some(a)),
        (Some(Key::Exact(e)), Some(k)) | (Some(k), Some(Key::Exact(e))) => {
            (k.matches(&e) == Some(true)).then_some(Some(Key::Exact(e)))
        }
        _ => None,
    }
}

/// The variables named in a text.
fn vars_in(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' {
            let mut j = i + 1;
            let braced = b.get(j) == Some(&b'{');
            if braced {
                j += 1;
            }
            let start = j;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                j += 1;
            }
            if j > start {
                out.push(s[start..j].to_ascii_lowercase());
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// The words of an `if` condition without its parentheses: nginx takes one `(` off the first
/// word and one `)` off the last (a word of its own after a quoted string).
fn if_parts(args: &[Word]) -> Vec<String> {
    let mut parts: Vec<String> = args.iter().map(|w| w.value.clone()).collect();
    if let Some(f) = parts.first_mut() {
        if let Some(rest) = f.strip_prefix('(') {
            *f = rest.to_string();
        }
    }
    if let Some(l) = parts.last_mut() {
        if let Some(rest) = l.strip_suffix(')') {
            *l = rest.to_string();
        }
    }
    parts.retain(|p| !p.is_empty());
    parts
}

/// Every `set` at this level and in its `if`s, with the Origin condition around it.
fn collect_sets(nodes: &[Node], cond: Cond, out: &mut Vec<SetStmt>) {
    for n in nodes {
        match (n.name(), n.args()) {
            ("set", [var, value]) => {
                if let Some(v) = var_name(&var.value) {
                    out.push(SetStmt {
                        var: v,
                        value: value.value.clone(),
                        cond: cond.clone(),
                        at: Loc {
                            file: n.file,
                            span: n.span,
                        },
                    });
                }
            }
            ("if", args) => {
                let parts = if_parts(args);
                let c = match parts.as_slice() {
                    [v, op, value] if var_name(v).as_deref() == Some("http_origin") => {
                        match op.as_str() {
                            "=" => Cond::Origin(Key::Exact(value.clone())),
                            "~" => Cond::Origin(Key::Regex {
                                re: value.clone(),
                                ci: false,
                            }),
                            "~*" => Cond::Origin(Key::Regex {
                                re: value.clone(),
                                ci: true,
                            }),
                            _ => Cond::Unreadable,
                        }
                    }
                    _ => Cond::Other,
                };
                let c = if cond == Cond::Always || c == Cond::Unreadable {
                    c
                } else {
                    cond.clone()
                };
                collect_sets(n.children(), c, out);
            }
            _ => {}
        }
    }
}

/// The conditions under which `$var` equals `value` (or, with `None`, is true: neither empty nor
/// `0`), read from the `set`s before the `if`, or `None` where that cannot be said exactly.
///
/// Exact in the idiom `set $cors ""; if ($http_origin ~ …) { set $cors "true"; }`: every `set`
/// writing the value tested is under an Origin condition (or under none), and every other
/// `set` of the variable is unconditional and comes before them, so the last one run wrote the
/// value exactly when one of those conditions held. A value built from variables, a `set`
/// under another condition, or a variable no `set` writes (a `map`, a built-in) is not read.
fn flag_conditions(sets: &[SetStmt], var: &str, value: Option<&str>) -> Option<Vec<Cond>> {
    let writes: Vec<&SetStmt> = sets.iter().filter(|s| s.var == var).collect();
    if writes.is_empty() || writes.iter().any(|s| s.value.contains('$')) {
        return None;
    }
    let holds = |v: &str| match value {
        Some(want) => v == want,
        None => !v.is_empty() && v != "0",
    };
    let first = writes.iter().position(|s| holds(&s.value));
    let Some(first) = first else {
        // No `set` writes the value: the `if` never holds (unless the value tested is the
        // empty start, which `holds` never matches for `None`).
        return match value {
            Some("") => None,
            _ => Some(Vec::new()),
        };
    };
    let mut conds = Vec::new();
    for (i, s) in writes.iter().enumerate() {
        if holds(&s.value) {
            match &s.cond {
                Cond::Always => return Some(vec![Cond::Always]),
                Cond::Origin(k) => conds.push(Cond::Origin(k.clone())),
                _ => return None,
            }
        } else if i > first || s.cond != Cond::Always {
            return None;
        }
    }
    if value == Some("") {
        return None;
    }
    Some(conds)
}

/// Whether any level inside sends a CORS header.
fn subtree_has_cors(nodes: &[Node]) -> bool {
    nodes.iter().any(|n| {
        let (a, m) = own_headers(std::slice::from_ref(n));
        a.iter()
            .chain(&m)
            .any(|h| CORS_HEADERS.contains(&h.name.as_str()))
            || subtree_has_cors(n.children())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_as_glob3() {
        assert!(glob_match(b"*.conf", b"a.conf"));
        assert!(!glob_match(b"*.conf", b"a.confx"));
        assert!(glob_match(b"a?[0-9].conf", b"ab7.conf"));
        assert!(!glob_match(b"a[!0-9]", b"a7"));
    }

    #[test]
    fn map_keys_read_as_nginx_reads_them() {
        assert_eq!(
            Key::of("https://A.example").matches("https://a.example"),
            Some(true)
        );
        assert_eq!(Key::of("~*^https://A").matches("https://a"), Some(true));
        assert_eq!(Key::of("~^https://A").matches("https://a"), Some(false));
        assert_eq!(
            Key::of("~example.com").matches("https://example.com.evil.test"),
            Some(true)
        );
        assert!(Key::of("~[A-Z]").matches_no_browser_origin());
        assert!(!Key::of("~evil").matches_no_browser_origin());
    }

    #[test]
    fn if_conditions_lose_one_parenthesis_each_side() {
        let d = parse::parse(
            "if ($http_origin ~* ^https://(a|b)$) {}\nif ($http_origin ~ \"^(x)$\") {}",
        )
        .unwrap();
        assert_eq!(
            if_parts(d[0].args()),
            ["$http_origin", "~*", "^https://(a|b)$"]
        );
        assert_eq!(if_parts(d[1].args()), ["$http_origin", "~", "^(x)$"]);
    }

    #[test]
    fn variables_are_read_bare_or_braced() {
        assert_eq!(var_name("${http_origin}").as_deref(), Some("http_origin"));
        assert_eq!(var_name("$http_origin").as_deref(), Some("http_origin"));
        assert_eq!(var_name("https://$host"), None);
        assert_eq!(vars_in("$a${b}c$"), ["a", "b"]);
    }
}
