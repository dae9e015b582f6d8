//! `corsc import --from apache`: httpd configuration and `.htaccess` files.
//!
//! What is read, with httpd 2.4's own semantics (mod_headers, mod_setenvif, mod_rewrite, core):
//!
//! - **Scopes.** The server level (and `<VirtualHost>`, `<IfModule>`, `<IfDefine>`, which only
//!   wrap), `<Location>` (a prefix; without a trailing `/` it also matches the path itself and
//!   what follows a `/`), `<LocationMatch>` whose regex is `^literal` or `^literal$`, and
//!   `<If "%{HTTP:Origin} …">`. A section inherits the server level's directives, which run
//!   first, and answers its paths alone (the most specific scope, as corsc decides). A
//!   `<Directory>` and an `.htaccess` file apply to a directory whose URL the configuration
//!   does not say: they are read as every path, and a warning says so. Other sections
//!   (`<Files>`, `<Else>`, `<Proxy>`, other `<If>` conditions) are left out (narrowed).
//! - **Origins.** `Access-Control-Allow-Origin` set to `*`, to one literal origin (the browser
//!   accepts it from that origin only), or to the request's `Origin` (`%{Origin}i`,
//!   `expr=%{req:Origin}`, `%{HTTP_ORIGIN}e`, or a variable `SetEnvIf Origin "re" V=$0` sets),
//!   under a condition (`env=V`, `"expr=…"`) that `SetEnvIf[NoCase] Origin` regexes or
//!   `SetEnvIfExpr` conjunctions set. A regex is PCRE *searched*: an unanchored side is kept
//!   unanchored (written `.*` in corsc's full-match reading), so the lint sees the server's
//!   real width; `NoCase` becomes `(?i)`. A reflection without a check is `*`.
//! - **Header tables.** `Header set` without `always` writes the `onsuccess` table, which httpd
//!   leaves out of every response it generates itself (errors, and a preflight a
//!   `RewriteRule … [R=204]` answers). Such a preflight carries only `always` headers: what it
//!   lacks, the policy lacks (narrowed). `add` twice, `append` or `merge` of a second value
//!   gives the browser two origins, which it refuses: the policy then allows nothing.
//! - **Includes.** `Include`/`IncludeOptional`, relative to `ServerRoot` when one was read,
//!   else to the including file; `*` and `?` in the last path segment; a file read twice (a
//!   loop) is reported (I104) and read once.
//!
//! corsc's own Apache output is read exactly: its tries of exact origins become the origins
//! again, its bounded pattern regexes lose the length guard (corsc adds it back), and its
//! route guard and flag resets (which only narrow, to keep one policy per path) are skipped.

mod parse;

use super::super::context::{Context, FormatMeta, Importer};
use super::super::draft::{Draft, DraftPolicy, Loc, Noted, OriginValue};
use crate::diagnostics::codes;
use crate::diagnostics::Severity;
use parse::{Arg, Kind, Line};
use std::collections::BTreeMap;

/// The `apache` format.
pub struct Apache;

/// Its description.
pub static META: FormatMeta = FormatMeta {
    id: "apache",
    name: "Apache httpd",
    reads: "httpd configuration and .htaccess files (Header, SetEnvIf, RewriteRule, <Location>, Include)",
};

/// The deepest chain of includes followed.
const MAX_INCLUDE_DEPTH: usize = 16;

/// The most exact origins a finite regex is expanded into.
const MAX_EXPANDED: usize = 100_000;

impl Importer for Apache {
    fn meta(&self) -> &'static FormatMeta {
        &META
    }

    fn read(&self, cx: &mut Context, files: &[usize]) -> Draft {
        let mut r = Reader::default();
        r.scopes.push(ScopeData::root());
        let mut header = vec![
            "Apache semantics: a <Location> answers its paths with the server level's headers merged in; `Header set` without `always` is missing from responses httpd makes itself.".to_string(),
        ];
        for &f in files {
            if is_htaccess(&cx.sources[f].name) {
                header.push(format!(
                    "`{}` is an .htaccess file: read as applying to every path (its directory's URL is not in the file).",
                    cx.sources[f].name
                ));
                cx.narrowed(
                    Loc::new(f, 0, 0),
                    "an .htaccess file applies to its directory and below; which URL path that is, the file does not say",
                    "the policy applies to every path; add `paths` by hand if the directory is not the site's root",
                );
            }
            r.file(cx, f, 0);
        }
        let mut d = r.finish(cx);
        d.header = header;
        d
    }
}

fn is_htaccess(name: &str) -> bool {
    name.rsplit(['/', '\\'])
        .next()
        .is_some_and(|n| n.contains("htaccess"))
}

/// A path scope, `None` for every path.
type Paths = Option<Vec<Noted<String>>>;

/// What sets one environment variable.
#[derive(Clone, Debug)]
enum Setter {
    /// Always (in its scope).
    Always,
    /// `SetEnvIf Origin` with a regex (as the server searches it), `NoCase`, and the value.
    Origin {
        regex: String,
        nocase: bool,
        value: String,
        at: Loc,
    },
    /// `SetEnvIf Request_URI`: a path scope.
    Path(Paths),
    /// `SetEnvIfExpr`: every named variable set (and terms that only narrow).
    All(Vec<String>, Vec<Noted<OriginValue>>),
    /// Anything else.
    Unknown,
}

/// What a condition allows: which origins and paths (`None`: unrestricted), or unknown.
#[derive(Clone, Debug, Default)]
struct Gate {
    origins: Option<Vec<Noted<OriginValue>>>,
    paths: Paths,
    unknown: bool,
}

/// One `Header` action on a CORS header.
#[derive(Clone, Debug)]
struct HeaderOp {
    action: String,
    always: bool,
    name: String,
    value: Option<Arg>,
    cond: Cond,
    at: Loc,
}

#[derive(Clone, Debug)]
enum Cond {
    None,
    Env(String),
    Expr(String),
    Unknown,
}

impl Cond {
    /// What tells two conditions apart (`Unknown` is never equal to another).
    fn key(&self) -> String {
        match self {
            Cond::None => "none".to_string(),
            Cond::Env(v) => format!("env={v}"),
            Cond::Expr(e) => format!("expr={e}"),
            Cond::Unknown => format!("unknown{:p}", self),
        }
    }
}

/// One scope's directives.
#[derive(Clone, Debug)]
struct ScopeData {
    paths: Paths,
    at: Option<Loc>,
    name: String,
    origin_cond: Option<Vec<Noted<OriginValue>>>,
    env: Vec<(String, Setter)>,
    headers: Vec<HeaderOp>,
    /// A `RewriteRule … [R=2xx]` that answers preflights here.
    local_preflight: Option<Loc>,
    /// Whether the scope's own `RewriteCond` lines since the last rule name `OPTIONS`.
    pending_options: bool,
}

impl ScopeData {
    fn root() -> Self {
        ScopeData {
            paths: None,
            at: None,
            name: "server".to_string(),
            origin_cond: None,
            env: Vec::new(),
            headers: Vec::new(),
            local_preflight: None,
            pending_options: false,
        }
    }
}

#[derive(Default)]
struct Reader {
    scopes: Vec<ScopeData>,
    server_root: Option<std::path::PathBuf>,
}

/// The frames of open sections while a file is read.
enum Frame {
    /// Directives go to scope `usize`.
    Into(usize, String),
    /// Everything inside is left out (reported where it was opened).
    Skip(String),
    /// Everything inside is left out, reported at each CORS header found there.
    Hidden(String),
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

impl Reader {
    fn file(&mut self, cx: &mut Context, f: usize, depth: usize) {
        let text = cx.text(f).to_string();
        let lines = match parse::lines(&text) {
            Ok(l) => l,
            Err(e) => {
                cx.unreadable(
                    Loc::new(f, e.span.start, e.span.end),
                    format!("this is not Apache configuration: {}", e.message),
                    "`corsc import --from apache` reads httpd.conf, included files and .htaccess files",
                );
                return;
            }
        };
        let mut stack: Vec<Frame> = Vec::new();
        for line in &lines {
            let at = Loc::new(f, line.span.start, line.span.end);
            let lname = line.name.to_ascii_lowercase();
            let current = stack.iter().rev().find_map(|fr| match fr {
                Frame::Into(i, _) => Some(*i),
                Frame::Skip(_) | Frame::Hidden(_) => None,
            });
            let skipping = stack
                .iter()
                .any(|fr| matches!(fr, Frame::Skip(_) | Frame::Hidden(_)));
            let hidden = !stack.iter().any(|fr| matches!(fr, Frame::Skip(_)))
                && stack.iter().any(|fr| matches!(fr, Frame::Hidden(_)));
            match line.kind {
                Kind::Close => {
                    let open = stack.pop();
                    let name = match &open {
                        Some(Frame::Into(_, n) | Frame::Skip(n) | Frame::Hidden(n)) => {
                            Some(n.clone())
                        }
                        None => None,
                    };
                    if name.as_deref() != Some(lname.as_str()) {
                        cx.unreadable(
                            at,
                            format!("`</{}>` closes a section that is not open", line.name),
                            "each `<Section>` needs its own `</Section>`, in order",
                        );
                        return;
                    }
                }
                Kind::Open => {
                    if skipping {
                        stack.push(Frame::Skip(lname));
                        continue;
                    }
                    let frame = self.open(cx, line, at, current.unwrap_or(0));
                    stack.push(frame);
                }
                Kind::Directive => {
                    if hidden
                        && lname == "header"
                        && line
                            .args
                            .iter()
                            .any(|a| CORS_HEADERS.contains(&a.text.to_ascii_lowercase().as_str()))
                    {
                        cx.narrowed(
                            at,
                            "a CORS header inside a section corsc does not map to paths (`<Files>`, `<Proxy>`, `<Else>`…)",
                            "it is left out; write the policy by hand if it matters",
                        );
                    }
                    if skipping {
                        continue;
                    }
                    self.directive(cx, line, at, current.unwrap_or(0), depth);
                }
            }
        }
        if let Some(Frame::Into(_, n) | Frame::Skip(n) | Frame::Hidden(n)) = stack.last() {
            cx.unreadable(
                Loc::new(f, text.len(), text.len()),
                format!("the file ends inside a `<{n}>` section"),
                format!("close it with `</{n}>`"),
            );
        }
    }

    fn open(&mut self, cx: &mut Context, line: &Line, at: Loc, parent: usize) -> Frame {
        let lname = line.name.to_ascii_lowercase();
        let arg = line.args.first();
        let argloc = arg.map_or(at, |a| Loc::new(at.file, a.span.start, a.span.end));
        match lname.as_str() {
            "virtualhost" | "ifmodule" | "ifdefine" | "ifversion" | "ifdirective" | "ifsection"
            | "iffile" => Frame::Into(parent, lname),
            "location" | "locationmatch" if parent == 0 => {
                let regex =
                    lname == "locationmatch" || line.args.len() == 2 && line.args[0].text == "~";
                let pat = line.args.last().map(|a| a.text.clone()).unwrap_or_default();
                let paths = if regex {
                    path_of_regex(&pat).map(|p| vec![p])
                } else {
                    Some(location_paths(&pat))
                };
                let Some(paths) = paths else {
                    cx.narrowed(
                        argloc,
                        format!("a `<{}>` regex other than `^/literal` or `^/literal$`: `{pat}`", line.name),
                        "corsc path scopes are exact paths and prefixes; this section's CORS headers are left out: add its paths by hand",
                    );
                    return Frame::Skip(lname);
                };
                let paths = paths.into_iter().map(|p| Noted::at(p, argloc)).collect();
                self.push_scope(parent, Some(paths), argloc, &pat, None);
                Frame::Into(self.scopes.len() - 1, lname)
            }
            "directory" | "directorymatch" if parent == 0 => {
                cx.narrowed(
                    argloc,
                    format!(
                        "`<{}>` names a directory on disk; which URL path serves it, the configuration does not say",
                        line.name
                    ),
                    "its CORS headers are read as applying to every path; add `paths` by hand",
                );
                let name = arg.map(|a| a.text.clone()).unwrap_or_default();
                self.push_scope(parent, None, argloc, &name, None);
                Frame::Into(self.scopes.len() - 1, lname)
            }
            "if" | "elseif" if lname == "if" => {
                let expr = arg.map(|a| a.text.clone()).unwrap_or_default();
                match origin_test(&expr, argloc) {
                    Some(o) => {
                        let paths = self.scopes[parent].paths.clone();
                        let name = self.scopes[parent].name.clone();
                        self.push_scope(parent, paths, argloc, &name, Some(o));
                        Frame::Into(self.scopes.len() - 1, lname)
                    }
                    None => {
                        cx.narrowed(
                            argloc,
                            format!("an `<If>` condition other than a test of the `Origin` header: `{expr}`"),
                            "the CORS headers inside it are left out; write the policy by hand if they matter",
                        );
                        Frame::Skip(lname)
                    }
                }
            }
            // Reported at each CORS header inside, if any.
            _ => Frame::Hidden(lname),
        }
    }

    fn push_scope(
        &mut self,
        parent: usize,
        paths: Paths,
        at: Loc,
        name: &str,
        origin_cond: Option<Vec<Noted<OriginValue>>>,
    ) {
        let mut s = ScopeData::root();
        s.paths = paths;
        s.at = Some(at);
        s.name = name.to_string();
        s.origin_cond = origin_cond;
        if parent != 0 {
            // An `<If>` in a section: the section's own directives run too.
            let p = self.scopes[parent].clone();
            s.env = p.env;
            s.headers = p.headers;
            s.local_preflight = p.local_preflight;
        }
        self.scopes.push(s);
    }

    fn directive(&mut self, cx: &mut Context, line: &Line, at: Loc, scope: usize, depth: usize) {
        let lname = line.name.to_ascii_lowercase();
        let args = &line.args;
        let argloc = |i: usize| {
            args.get(i)
                .map_or(at, |a| Loc::new(at.file, a.span.start, a.span.end))
        };
        match lname.as_str() {
            "serverroot" => {
                if let Some(a) = args.first() {
                    self.server_root = Some(std::path::PathBuf::from(&a.text));
                }
            }
            "include" | "includeoptional" => {
                let Some(a) = args.first() else { return };
                self.include(cx, &a.text, argloc(0), lname == "includeoptional", depth);
            }
            "setenv" => {
                if let Some(v) = args.first() {
                    self.scopes[scope]
                        .env
                        .push((v.text.clone(), Setter::Always));
                }
            }
            "setenvif" | "setenvifnocase" => {
                let nocase = lname == "setenvifnocase";
                let (Some(attr), Some(re)) = (args.first(), args.get(1)) else {
                    return;
                };
                let attr_l = attr.text.to_ascii_lowercase();
                for a in args.iter().skip(2) {
                    let (var, value) = match a.text.split_once('=') {
                        Some((k, v)) => (k.to_string(), v.to_string()),
                        None => (a.text.clone(), "1".to_string()),
                    };
                    if var.starts_with('!') {
                        continue;
                    }
                    let setter = match attr_l.as_str() {
                        "origin" => Setter::Origin {
                            regex: re.text.clone(),
                            nocase,
                            value,
                            at: argloc(1),
                        },
                        "request_uri" if !nocase => {
                            if re.text == "^" {
                                Setter::Always
                            } else {
                                match path_of_regex(&re.text) {
                                    Some(p) => Setter::Path(Some(vec![Noted::at(p, argloc(1))])),
                                    None => Setter::Unknown,
                                }
                            }
                        }
                        _ => Setter::Unknown,
                    };
                    self.scopes[scope].env.push((var, setter));
                }
            }
            "setenvifexpr" => {
                let (Some(e), Some(v)) = (args.first(), args.get(1)) else {
                    return;
                };
                let var = v.text.split_once('=').map_or(v.text.as_str(), |x| x.0);
                let setter = match expr_terms(&e.text, argloc(0)) {
                    Some((vars, origins)) => Setter::All(vars, origins),
                    None => Setter::Unknown,
                };
                self.scopes[scope].env.push((var.to_string(), setter));
            }
            "header" => self.header(cx, line, at, scope),
            "rewritecond" => {
                let test = args
                    .first()
                    .map(|a| a.text.to_ascii_uppercase())
                    .unwrap_or_default();
                let pat = args
                    .get(1)
                    .map(|a| a.text.to_ascii_uppercase())
                    .unwrap_or_default();
                if (test == "%{REQUEST_METHOD}" && pat.trim_matches(['^', '$', '=']) == "OPTIONS")
                    || (test.starts_with("%{ENV:") && test.ends_with("PREFLIGHT}") && pat == "=1")
                {
                    self.scopes[scope].pending_options = true;
                }
            }
            "rewriterule" => {
                let flags = args
                    .get(2)
                    .map(|a| a.text.to_ascii_uppercase())
                    .unwrap_or_default();
                let local = flags
                    .trim_matches(['[', ']'])
                    .split(',')
                    .any(|f| f.starts_with("R=2"));
                if local && self.scopes[scope].pending_options {
                    self.scopes[scope].local_preflight = Some(at);
                }
                self.scopes[scope].pending_options = false;
            }
            _ => {}
        }
    }

    fn header(&mut self, cx: &mut Context, line: &Line, at: Loc, scope: usize) {
        let args = &line.args;
        let mut i = 0;
        let mut always = false;
        if let Some(a) = args.first() {
            match a.text.to_ascii_lowercase().as_str() {
                "always" => {
                    always = true;
                    i = 1;
                }
                "onsuccess" => i = 1,
                _ => {}
            }
        }
        let (Some(action), Some(name)) = (args.get(i), args.get(i + 1)) else {
            return;
        };
        let action = action.text.to_ascii_lowercase();
        let lname = name.text.to_ascii_lowercase();
        if !CORS_HEADERS.contains(&lname.as_str()) {
            return;
        }
        let (value, rest) = match action.as_str() {
            "unset" | "note" => (None, &args[i + 2..]),
            "edit" | "edit*" => (args.get(i + 2).cloned(), args.get(i + 4..).unwrap_or(&[])),
            _ => (args.get(i + 2).cloned(), args.get(i + 3..).unwrap_or(&[])),
        };
        let cond = match rest.first() {
            None => Cond::None,
            Some(c) if c.text.starts_with("env=!") => Cond::Unknown,
            Some(c) if c.text.starts_with("env=") => Cond::Env(c.text[4..].to_string()),
            Some(c) if c.text.starts_with("expr=") => Cond::Expr(c.text[5..].to_string()),
            Some(_) => Cond::Unknown,
        };
        if matches!(
            action.as_str(),
            "edit" | "edit*" | "echo" | "setifempty" | "note"
        ) {
            cx.narrowed(
                at,
                format!(
                    "`Header {action} {}` changes the header in a way corsc does not follow",
                    name.text
                ),
                "it is left out; the policy allows what the other lines send",
            );
            return;
        }
        self.scopes[scope].headers.push(HeaderOp {
            action,
            always,
            name: lname,
            value,
            cond,
            at,
        });
    }

    fn include(&mut self, cx: &mut Context, pattern: &str, at: Loc, optional: bool, depth: usize) {
        if depth >= MAX_INCLUDE_DEPTH {
            cx.report(
                &codes::IMPORT_INCLUDE,
                Severity::Warning,
                at,
                format!(
                    "includes nest deeper than {MAX_INCLUDE_DEPTH} files; `{pattern}` is not read"
                ),
                "import the included file on its own",
            );
            return;
        }
        let path = std::path::Path::new(pattern);
        let full = if path.is_absolute() {
            path.to_path_buf()
        } else if let Some(root) = &self.server_root {
            root.join(path)
        } else {
            cx.relative(at.file, pattern)
        };
        let mut found = Vec::new();
        let name = full.file_name().map(|n| n.to_string_lossy().into_owned());
        match name {
            Some(n) if n.contains(['*', '?']) => {
                let dir = full
                    .parent()
                    .map(std::path::Path::to_path_buf)
                    .unwrap_or_default();
                if let Ok(entries) = std::fs::read_dir(&dir) {
                    for e in entries.flatten() {
                        let fname = e.file_name().to_string_lossy().into_owned();
                        if glob(&n, &fname) && e.path().is_file() {
                            found.push(e.path());
                        }
                    }
                }
                found.sort();
            }
            _ => {
                if full.is_file() {
                    found.push(full.clone());
                } else if full.is_dir() {
                    if let Ok(entries) = std::fs::read_dir(&full) {
                        found.extend(entries.flatten().map(|e| e.path()).filter(|p| p.is_file()));
                    }
                    found.sort();
                }
            }
        }
        if found.is_empty() {
            if !optional || !pattern.contains(['*', '?']) {
                cx.report(
                    &codes::IMPORT_INCLUDE,
                    Severity::Warning,
                    at,
                    format!(
                        "`{}` was not found; what it configures is not in the policy",
                        full.display()
                    ),
                    "import the file it names too, or run the import where the configuration lives",
                );
            }
            return;
        }
        for p in found {
            match cx.load(&p) {
                Ok(Some(f)) => self.file(cx, f, depth + 1),
                Ok(None) => cx.report(
                    &codes::IMPORT_INCLUDE,
                    Severity::Warning,
                    at,
                    format!("`{}` was read already (an include loop, or included twice); it is read once", p.display()),
                    "remove the repeated `Include`",
                ),
                Err(e) => cx.report(
                    &codes::IMPORT_INCLUDE,
                    Severity::Warning,
                    at,
                    format!("`{}` could not be read: {e}", p.display()),
                    "check the file; what it configures is not in the policy",
                ),
            }
        }
    }

    /// What variable `var` allows in scope `s` (its own setters, then the server level's).
    fn gate_var(&self, s: usize, var: &str, depth: usize) -> Gate {
        let mut setters: Vec<&Setter> = Vec::new();
        for sc in if s == 0 { vec![0] } else { vec![0, s] } {
            for (v, set) in &self.scopes[sc].env {
                if v == var {
                    setters.push(set);
                }
            }
        }
        if setters.is_empty() || depth > 8 {
            return Gate {
                unknown: true,
                ..Gate::default()
            };
        }
        let mut out: Option<Gate> = None;
        for set in setters {
            let g = match set {
                Setter::Always => Gate::default(),
                Setter::Unknown => Gate {
                    unknown: true,
                    ..Gate::default()
                },
                Setter::Path(p) => Gate {
                    paths: p.clone(),
                    ..Gate::default()
                },
                Setter::Origin {
                    regex, nocase, at, ..
                } => Gate {
                    origins: Some(searched(regex, *nocase, *at)),
                    ..Gate::default()
                },
                Setter::All(vars, origins) => {
                    let mut g = Gate::default();
                    if !origins.is_empty() {
                        g.origins = Some(origins.clone());
                    }
                    for v in vars {
                        g = and(g, self.gate_var(s, v, depth + 1));
                    }
                    g
                }
            };
            out = Some(match out {
                None => g,
                Some(o) => or(o, g),
            });
        }
        out.unwrap_or_default()
    }

    fn gate(&self, s: usize, cond: &Cond, at: Loc) -> Gate {
        let base = Gate {
            origins: self.scopes[s].origin_cond.clone(),
            ..Gate::default()
        };
        match cond {
            Cond::None => base,
            Cond::Env(v) => and(base, self.gate_var(s, v, 0)),
            Cond::Expr(e) => match expr_terms(e, at) {
                Some((vars, origins)) => {
                    let mut g = base;
                    if !origins.is_empty() {
                        g = and(
                            g,
                            Gate {
                                origins: Some(origins),
                                ..Gate::default()
                            },
                        );
                    }
                    for v in vars {
                        g = and(g, self.gate_var(s, &v, 0));
                    }
                    g
                }
                None => Gate {
                    unknown: true,
                    ..Gate::default()
                },
            },
            Cond::Unknown => Gate {
                unknown: true,
                ..Gate::default()
            },
        }
    }

    /// The header operations in force in scope `s`: the server level's, then its own.
    fn ops(&self, s: usize) -> Vec<HeaderOp> {
        let mut v = self.scopes[0].headers.clone();
        if s != 0 {
            v.extend(self.scopes[s].headers.iter().cloned());
        }
        v
    }

    /// The final entries of each header: `set` replaces its table's entries, `unset` clears
    /// them, `add`/`append`/`merge` add one.
    fn entries(ops: &[HeaderOp]) -> BTreeMap<String, Vec<HeaderOp>> {
        // `set` and `unset` replace the entries of their table that apply whenever they do:
        // one under the same condition, or any when they are unconditional. An entry kept
        // under another condition is read as applying alongside (corsc's own output sets
        // each policy's headers under its own flag).
        let replaces = |e: &HeaderOp, op: &HeaderOp| {
            e.always == op.always
                && (matches!(op.cond, Cond::None)
                    || matches!(e.cond, Cond::None)
                    || e.cond.key() == op.cond.key())
        };
        let mut m: BTreeMap<String, Vec<HeaderOp>> = BTreeMap::new();
        for op in ops {
            let list = m.entry(op.name.clone()).or_default();
            match op.action.as_str() {
                "set" => {
                    list.retain(|e| !replaces(e, op));
                    list.push(op.clone());
                }
                "unset" => list.retain(|e| !replaces(e, op)),
                "merge"
                    if list.iter().any(|e| {
                        e.value.as_ref().map(|v| &v.text) == op.value.as_ref().map(|v| &v.text)
                    }) => {}
                _ => list.push(op.clone()),
            }
        }
        m
    }

    /// Whether a header sent under `other` belongs with an `Access-Control-Allow-Origin`
    /// sent under `acao`: unconditional, the same condition, or one that needs its variable.
    fn related(&self, s: usize, other: &Cond, acao: &Cond) -> bool {
        if matches!(other, Cond::None) || other.key() == acao.key() {
            return true;
        }
        let Cond::Env(target) = acao else {
            return false;
        };
        let vars = match other {
            Cond::Env(v) => vec![v.clone()],
            Cond::Expr(e) => expr_terms(e, Loc::new(0, 0, 0))
                .map(|t| t.0)
                .unwrap_or_default(),
            _ => return false,
        };
        self.needs(s, &vars, target, 0)
    }

    fn needs(&self, s: usize, vars: &[String], target: &str, depth: usize) -> bool {
        if depth > 8 {
            return false;
        }
        vars.iter().any(|v| {
            v == target
                || [0, s].iter().any(|&sc| {
                    self.scopes[sc].env.iter().any(|(n, set)| {
                        n == v
                            && matches!(set, Setter::All(inner, _) if self.needs(s, inner, target, depth + 1))
                    })
                })
        })
    }

    fn finish(self, cx: &mut Context) -> Draft {
        let mut policies: Vec<DraftPolicy> = Vec::new();
        let touched: Vec<usize> = (0..self.scopes.len())
            .filter(|&s| {
                s == 0 || !self.scopes[s].headers.is_empty() || self.scopes[s].origin_cond.is_some()
            })
            .collect();
        let mut reported: Vec<Loc> = Vec::new();
        for s in touched {
            // A section answers its paths alone: if it grants nothing corsc can read, its
            // paths still get a policy that allows nothing, or the server level's policy
            // would seem to answer them.
            let before = policies.len();
            self.scope_policies(cx, s, &mut reported, &mut policies);
            let scope = &self.scopes[s];
            if s != 0 && policies.len() == before {
                if let (Some(paths), Some(at)) = (&scope.paths, scope.at) {
                    let mut p = DraftPolicy::new(scope.name.clone(), Some(at));
                    p.paths = paths.clone();
                    p.placeholders.push(Noted::at(
                        "this section sends no Access-Control-Allow-Origin corsc can read"
                            .to_string(),
                        at,
                    ));
                    policies.push(p);
                }
            }
        }
        merge(&mut policies);
        Draft {
            header: Vec::new(),
            policies,
        }
    }

    /// The policies one scope's headers make.
    fn scope_policies(
        &self,
        cx: &mut Context,
        s: usize,
        reported: &mut Vec<Loc>,
        policies: &mut Vec<DraftPolicy>,
    ) {
        {
            let entries = Self::entries(&self.ops(s));
            let mut report = |cx: &mut Context, at: Loc, f: &dyn Fn(&mut Context)| {
                if !reported.contains(&at) {
                    reported.push(at);
                    f(cx);
                }
            };
            let Some(acao) = entries
                .get("access-control-allow-origin")
                .filter(|l| !l.is_empty())
            else {
                return;
            };
            let scope = &self.scopes[s];
            // Two values reach the browser together when they share a condition, or one has none.
            let doubled = acao.iter().enumerate().find(|(i, e)| {
                acao[..*i].iter().any(|f| {
                    matches!(f.cond, Cond::None)
                        || matches!(e.cond, Cond::None)
                        || f.cond.key() == e.cond.key()
                })
            });
            if let Some((_, second)) = doubled {
                let at = second.at;
                let mut p = DraftPolicy::new(scope.name.clone(), scope.at.or(Some(acao[0].at)));
                report(cx, at, &|cx| {
                    cx.ignored(
                        at,
                        "this line adds a second `Access-Control-Allow-Origin` value to the one another line sends; a browser refuses a response with two",
                        "send one value: `Header always set`, not `add`/`append`",
                    );
                });
                p.placeholders.push(Noted::at(
                    "two Access-Control-Allow-Origin values, which no browser accepts".to_string(),
                    at,
                ));
                p.paths = scope.paths.clone().unwrap_or_default();
                policies.push(p);
                return;
            }
            for op in acao {
                let mut p = DraftPolicy::new(scope.name.clone(), scope.at.or(Some(op.at)));
                let pick = |name: &str| {
                    entries
                        .get(name)
                        .and_then(|l| l.iter().rev().find(|e| self.related(s, &e.cond, &op.cond)))
                };
                let gate = self.gate(s, &op.cond, op.at);
                if gate.unknown {
                    report(cx, op.at, &|cx| {
                        cx.narrowed(
                        op.at,
                        "`Access-Control-Allow-Origin` is sent under a condition corsc does not follow",
                        "the policy allows no origin for it; write the origins by hand",
                    );
                    });
                    continue;
                }
                let Some(origins) = self.origins_of(cx, s, op, &gate, &mut p) else {
                    continue;
                };
                p.origins = origins;
                p.paths = match (&scope.paths, &gate.paths) {
                    (None, None) => Vec::new(),
                    (Some(a), None) => a.clone(),
                    (None, Some(b)) => b.clone(),
                    (Some(a), Some(_)) => a.clone(),
                };
                let local = scope.local_preflight.or(self.scopes[0].local_preflight);
                // What a preflight carries: with Apache answering it, the `always` table only.
                let on_preflight = |e: &HeaderOp| local.is_none() || e.always;
                if !op.always {
                    report(cx, op.at, &|cx| {
                        cx.narrowed(
                        op.at,
                        "`Header set` without `always`: responses httpd makes itself (errors, redirects, a 204 from a RewriteRule) do not carry `Access-Control-Allow-Origin`",
                        "write `Header always set` so error responses reach the page too; the policy describes the 2xx responses",
                    );
                    });
                }
                if !op.always {
                    p.comments.push("`Header set` without `always`: error responses httpd makes itself carry none of these headers.".to_string());
                }
                let preflight_ok = on_preflight(op);
                if local.is_some() && !preflight_ok {
                    p.comments.push("Preflights are answered by a RewriteRule before `Header set` applies: they fail, so only requests without a preflight are allowed.".to_string());
                }
                if let (Some(at), false) = (local, preflight_ok) {
                    report(cx, at, &|cx| {
                        cx.narrowed(
                        at,
                        "this rule answers preflights with 204 before `Header set` (without `always`) applies: the answer has no `Access-Control-Allow-Origin`, so every preflight fails",
                        "use `Header always set`; the policy allows only requests that need no preflight",
                    );
                    });
                }
                let cred = pick("access-control-allow-credentials")
                    .filter(|e| !self.gate(s, &e.cond, e.at).unknown);
                if let Some(c) = cred {
                    let v = c.value.as_ref().map(|v| v.text.trim()).unwrap_or_default();
                    if v == "true" {
                        p.credentials = Some(Noted::at(true, c.at));
                        if !on_preflight(c) && preflight_ok {
                            report(cx, c.at, &|cx| {
                                cx.narrowed(
                                c.at,
                                "`Access-Control-Allow-Credentials` is not on the preflight Apache answers itself, so credentialed preflights fail",
                                "use `Header always set`; the policy allows only requests that need no preflight",
                            );
                            });
                        }
                    } else {
                        report(cx, c.at, &|cx| {
                            cx.ignored(
                            c.at,
                            "`Access-Control-Allow-Credentials` other than `true` grants nothing",
                            "send `true`, or remove the line",
                        );
                        });
                    }
                }
                let cred_ok = cred.is_none_or(&on_preflight);
                let preflight = |name: &str| {
                    pick(name)
                        .filter(|e| preflight_ok && cred_ok && on_preflight(e))
                        .filter(|e| !self.gate(s, &e.cond, e.at).unknown)
                };
                if let Some(m) = preflight("access-control-allow-methods") {
                    p.methods = Some(list(m, "Access-Control-Request-Method", "*"));
                }
                if let Some(h) = preflight("access-control-allow-headers") {
                    let unless_auth =
                        matches!(&h.cond, Cond::Expr(e) if e.contains("authorization"));
                    p.request_headers = Some(list(
                        h,
                        "Access-Control-Request-Headers",
                        if unless_auth { "*" } else { "mirror" },
                    ));
                }
                if let Some(a) = preflight("access-control-max-age") {
                    if let Some(n) = a
                        .value
                        .as_ref()
                        .and_then(|v| v.text.trim().parse::<u64>().ok())
                    {
                        p.max_age = Some(Noted::at(n, a.at));
                    }
                }
                if let Some(a) = preflight("access-control-allow-private-network") {
                    if a.value.as_ref().is_some_and(|v| v.text.trim() == "true") {
                        p.private_network = Some(Noted::at(true, a.at));
                    }
                }
                if let Some(e) = pick("access-control-expose-headers")
                    .filter(|e| !self.gate(s, &e.cond, e.at).unknown)
                {
                    p.expose_headers = Some(list(e, "", "*"));
                }
                policies.push(p);
            }
        }
    }

    /// The origins an `Access-Control-Allow-Origin` entry lets a browser through.
    fn origins_of(
        &self,
        cx: &mut Context,
        s: usize,
        op: &HeaderOp,
        gate: &Gate,
        p: &mut DraftPolicy,
    ) -> Option<Vec<Noted<OriginValue>>> {
        let value = op.value.as_ref()?;
        let vat = Loc::new(op.at.file, value.span.start, value.span.end);
        let v = value.text.trim();
        let restrict = |own: Vec<Noted<OriginValue>>| -> Vec<Noted<OriginValue>> {
            match &gate.origins {
                Some(g) if own.iter().any(|o| o.value == OriginValue::Any) => g.clone(),
                _ => own,
            }
        };
        let lower = v.to_ascii_lowercase();
        if v == "*" {
            return Some(vec![Noted::at(OriginValue::Any, vat)]);
        }
        let reflect = matches!(
            lower.as_str(),
            "%{origin}i"
                | "expr=%{req:origin}"
                | "expr=%{http:origin}"
                | "expr=%{req_novary:origin}"
        );
        if reflect {
            return Some(restrict(vec![Noted::at(OriginValue::Any, vat)]));
        }
        if let Some(var) = v.strip_prefix("%{").and_then(|x| x.strip_suffix("}e")) {
            let setters: Vec<&Setter> = [0, s]
                .iter()
                .flat_map(|&sc| self.scopes[sc].env.iter())
                .filter(|(n, _)| n == var)
                .map(|(_, st)| st)
                .collect();
            if setters.is_empty() && var.eq_ignore_ascii_case("HTTP_ORIGIN") {
                cx.runtime(
                    vat,
                    "`%{HTTP_ORIGIN}e` is the request's `Origin` where a handler exports CGI variables (CGI, PHP), and `(null)` elsewhere",
                    "read as reflecting every origin; check origins with `SetEnvIf Origin` and send `Access-Control-Allow-Origin` only under its variable",
                );
                return Some(restrict(vec![Noted::at(OriginValue::Any, vat)]));
            }
            let mut out = Vec::new();
            for st in setters {
                match st {
                    Setter::Origin { regex, nocase, value, at } => {
                        match reflected(regex, *nocase, value, *at) {
                            Some(o) => out.extend(o),
                            None => cx.narrowed(
                                *at,
                                format!("the value `{value}` is only part of the `Origin` this regex matches; the browser accepts it from no origin"),
                                "capture the whole origin (`$0`)",
                            ),
                        }
                    }
                    _ => cx.narrowed(
                        vat,
                        format!("`%{{{var}}}e` is set by something other than `SetEnvIf Origin`"),
                        "the policy allows no origin for it; write the origins by hand",
                    ),
                }
            }
            if out.is_empty() {
                p.placeholders
                    .push(Noted::at(format!("{v} (see the import's findings)"), vat));
            }
            return Some(match &gate.origins {
                Some(g) if out.iter().any(|o| o.value == OriginValue::Any) => g.clone(),
                _ => out,
            });
        }
        if v.contains("%{") || v.starts_with("expr=") {
            cx.runtime(
                vat,
                format!("`{v}` is computed per request"),
                "the policy allows no origin for it; write the origins by hand",
            );
            p.placeholders.push(Noted::at(v.to_string(), vat));
            return Some(Vec::new());
        }
        if v.contains([' ', ',', '\t']) {
            cx.ignored(
                vat,
                "several origins in one `Access-Control-Allow-Origin` value: a browser accepts exactly one origin, so this allows none",
                "check `Origin` with `SetEnvIf Origin \"^(https://a\\.example|https://b\\.example)$\" CORS_OK` and send `expr=%{req:Origin}` under `env=CORS_OK`",
            );
            p.placeholders
                .push(Noted::at(format!("several origins in one value: {v}"), vat));
            return Some(Vec::new());
        }
        if v == "null" {
            return Some(vec![Noted::at(OriginValue::Null, vat)]);
        }
        let literal = v.replace("%%", "%");
        Some(vec![Noted::at(OriginValue::Origin(literal), vat)])
    }
}

/// A header list value: static names, `*`, or the request header it mirrors.
fn list(e: &HeaderOp, request: &str, mirror: &str) -> Vec<Noted<String>> {
    let v = e.value.as_ref().map(|v| v.text.clone()).unwrap_or_default();
    let lower = v.to_ascii_lowercase();
    if !request.is_empty()
        && (lower == format!("expr=%{{req:{}}}", request.to_ascii_lowercase())
            || lower == format!("%{{{}}}i", request.to_ascii_lowercase())
            || lower == format!("expr=%{{http:{}}}", request.to_ascii_lowercase()))
    {
        return vec![Noted::at(mirror.to_string(), e.at)];
    }
    let at = e
        .value
        .as_ref()
        .map_or(e.at, |a| Loc::new(e.at.file, a.span.start, a.span.end));
    v.replace("%%", "%")
        .split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(|x| Noted::at(x.to_string(), at))
        .collect()
}

fn and(a: Gate, b: Gate) -> Gate {
    let pick = |x: Option<Vec<Noted<OriginValue>>>, y: Option<Vec<Noted<OriginValue>>>| match (x, y)
    {
        (None, y) => (y, false),
        (x, None) => (x, false),
        (Some(x), Some(y)) => {
            // Two origin tests together: the one is kept only when the other allows anything
            // (or they test the same).
            if same(&x, &y) || x.iter().any(|o| o.value == OriginValue::Any) {
                (Some(y), false)
            } else if y.iter().any(|o| o.value == OriginValue::Any) {
                (Some(x), false)
            } else {
                (None, true)
            }
        }
    };
    let (origins, unknown_o) = pick(a.origins, b.origins);
    let (paths, unknown_p) = match (a.paths, b.paths) {
        (None, y) => (y, false),
        (x, None) => (x, false),
        (Some(x), Some(y)) => {
            // Both say paths: those both say (scopes written alike), else unknown.
            let both: Vec<Noted<String>> = x
                .into_iter()
                .filter(|p| y.iter().any(|q| q.value == p.value))
                .collect();
            if both.is_empty() {
                (None, true)
            } else {
                (Some(both), false)
            }
        }
    };
    Gate {
        origins,
        paths,
        unknown: a.unknown || b.unknown || unknown_o || unknown_p,
    }
}

/// Whether two lists hold the same values, wherever they were read.
fn same(a: &[Noted<OriginValue>], b: &[Noted<OriginValue>]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.value == y.value)
}

fn or(a: Gate, b: Gate) -> Gate {
    let origins = match (a.origins, b.origins) {
        (Some(mut x), Some(y)) => {
            x.extend(y);
            Some(x)
        }
        _ => None,
    };
    let paths = match (a.paths, b.paths) {
        (Some(mut x), Some(y)) => {
            x.extend(y);
            Some(x)
        }
        _ => None,
    };
    Gate {
        origins,
        paths,
        unknown: a.unknown || b.unknown,
    }
}

/// Policies that allow the same are one policy with both paths.
fn merge(policies: &mut Vec<DraftPolicy>) {
    fn key(p: &DraftPolicy) -> String {
        let strip = |v: &[Noted<String>]| v.iter().map(|x| x.value.clone()).collect::<Vec<_>>();
        format!(
            "{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
            p.origins.iter().map(|o| &o.value).collect::<Vec<_>>(),
            p.placeholders.iter().map(|o| &o.value).collect::<Vec<_>>(),
            p.methods.as_deref().map(strip),
            p.request_headers.as_deref().map(strip),
            p.expose_headers.as_deref().map(strip),
            p.credentials.as_ref().map(|c| c.value),
            p.max_age.as_ref().map(|c| c.value),
            p.private_network.as_ref().map(|c| c.value),
            p.paths.is_empty(),
        )
    }
    let mut out: Vec<DraftPolicy> = Vec::new();
    for p in policies.drain(..) {
        if p.paths.is_empty() {
            out.push(p);
            continue;
        }
        let k = key(&p);
        if let Some(q) = out.iter_mut().find(|q| !q.paths.is_empty() && key(q) == k) {
            for path in p.paths {
                if !q.paths.iter().any(|x| x.value == path.value) {
                    q.paths.push(path);
                }
            }
        } else {
            out.push(p);
        }
    }
    *policies = out;
}

/// `<Location "/p">`: `/p` and below it; `/p/` is a prefix already.
fn location_paths(p: &str) -> Vec<String> {
    if p.ends_with('/') {
        vec![format!("{p}*")]
    } else if p.contains(['*', '?', '[']) {
        // A wildcard Location: none of corsc's scopes; the checker refuses it, which narrows.
        vec![p.to_string()]
    } else {
        vec![p.to_string(), format!("{p}/*")]
    }
}

/// A path scope from `^literal` (a prefix) or `^literal$` (exact), as corsc writes them.
fn path_of_regex(re: &str) -> Option<String> {
    let body = re.strip_prefix('^')?;
    let (body, exact) = match body.strip_suffix('$') {
        Some(b) if !b.ends_with('\\') => (b, true),
        _ => (body, false),
    };
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let n = chars.next()?;
                if n.is_ascii_alphanumeric() {
                    return None;
                }
                out.push(n);
            }
            '.' | '+' | '*' | '?' | '(' | ')' | '|' | '[' | ']' | '{' | '}' | '^' | '$' => {
                return None
            }
            c => out.push(c),
        }
    }
    if !out.starts_with('/') {
        return None;
    }
    Some(if exact { out } else { format!("{out}*") })
}

/// An `expr` as a conjunction: the variables it needs set, the origins it tests; `None` for
/// any term corsc does not read. Terms that only narrow corsc's own output (the method and
/// header tests of a preflight, the route guard) are skipped.
fn expr_terms(e: &str, at: Loc) -> Option<(Vec<String>, Vec<Noted<OriginValue>>)> {
    let mut vars = Vec::new();
    let mut origins = Vec::new();
    for term in e.split("&&").map(str::trim) {
        if let Some(v) = term
            .strip_prefix("-n reqenv('")
            .and_then(|t| t.strip_suffix("')"))
        {
            vars.push(v.to_string());
        } else if term == "%{REQUEST_METHOD} == 'OPTIONS'"
            || term == "-n %{HTTP:Origin}"
            || term == "-n %{HTTP:Access-Control-Request-Method}"
            || term == "%{HTTP:Access-Control-Request-Private-Network} == 'true'"
            || term.starts_with("%{THE_REQUEST} =~ m:")
            || term.starts_with("%{REQUEST_URI} =~ m:")
            || term.starts_with("! %{HTTP:Access-Control-Request-Headers} =~ m#")
        {
        } else if let Some(o) = origin_test(term, at) {
            origins.extend(o);
        } else {
            return None;
        }
    }
    Some((vars, origins))
}

/// `%{HTTP:Origin} =~ m#re#[i]`, `=~ /re/`, `== 'origin'`, `in { 'a', 'b' }`.
fn origin_test(e: &str, at: Loc) -> Option<Vec<Noted<OriginValue>>> {
    let e = e.trim();
    let rest = [
        "%{HTTP:Origin}",
        "%{HTTP_ORIGIN}",
        "%{req:Origin}",
        "req('Origin')",
        "http('Origin')",
    ]
    .iter()
    .find_map(|p| {
        e.get(..p.len())
            .filter(|h| h.eq_ignore_ascii_case(p))
            .map(|_| e[p.len()..].trim())
    })?;
    if let Some(r) = rest.strip_prefix("=~") {
        let r = r.trim();
        let (delim, body) = if let Some(b) = r.strip_prefix('m') {
            (b.chars().next()?, &b[b.chars().next()?.len_utf8()..])
        } else {
            ('/', r.strip_prefix('/')?)
        };
        let end = body.rfind(delim)?;
        let flags = &body[end + delim.len_utf8()..];
        if !flags.chars().all(|c| c == 'i') {
            return None;
        }
        return Some(searched(&body[..end], flags.contains('i'), at));
    }
    if let Some(r) = rest.strip_prefix("==") {
        let v = r.trim().strip_prefix('\'')?.strip_suffix('\'')?;
        return Some(vec![Noted::at(OriginValue::Origin(v.to_string()), at)]);
    }
    if let Some(r) = rest.strip_prefix("in") {
        let inner = r.trim().strip_prefix('{')?.strip_suffix('}')?;
        return inner
            .split(',')
            .map(|x| {
                let v = x.trim().strip_prefix('\'')?.strip_suffix('\'')?;
                Some(Noted::at(OriginValue::Origin(v.to_string()), at))
            })
            .collect();
    }
    None
}

/// The origins a PCRE regex *searched* in `Origin` lets through, in corsc's full-match
/// reading: corsc's own length guard removed, a finite case-sensitive language as its exact
/// origins, an unanchored side as `.*` (the server's real width, which the lint then flags).
fn searched(regex: &str, nocase: bool, at: Loc) -> Vec<Noted<OriginValue>> {
    let mut re = regex.to_string();
    if let Some(rest) = re.strip_prefix("^(?=[\\s\\S]{0,") {
        if let Some(i) = rest.find("}\\z)") {
            re = format!("^{}", &rest[i + 4..]);
        }
    }
    if !nocase {
        if let Some(words) = finite(&re) {
            return words
                .into_iter()
                .map(|w| Noted::at(OriginValue::Origin(w), at))
                .collect();
        }
    }
    let Some(anchors) = crate::regex::anchors(&re) else {
        // Not a regex corsc reads: kept as written, so the checker refuses it (narrowing).
        return vec![Noted::at(OriginValue::Regex(re), at)];
    };
    if is_everything(&re) {
        return vec![Noted::at(OriginValue::Any, at)];
    }
    let mut out = String::new();
    if nocase {
        out.push_str("(?i)");
    }
    if !anchors.start {
        out.push_str(".*");
    }
    if anchors.start && anchors.end {
        out.push_str(&re);
    } else {
        out.push_str(&format!("(?:{re})"));
    }
    if !anchors.end {
        out.push_str(".*");
    }
    vec![Noted::at(OriginValue::Regex(out), at)]
}

/// A regex every origin matches when searched: `.*`, `(.*)`, `^(.+)$`, `.`, empty.
fn is_everything(re: &str) -> bool {
    let core = re
        .trim_start_matches('^')
        .trim_end_matches('$')
        .trim_start_matches('(')
        .trim_end_matches(')');
    matches!(
        core,
        "" | ".*" | ".+" | "." | ".*?" | ".+?" | "?:.*" | "?:.+"
    )
}

/// What `VAR=value` of `SetEnvIf Origin "re"` puts in `Access-Control-Allow-Origin`, as the
/// origins the browser then accepts: `$0` (or a group that is the whole regex) is the match;
/// a literal is that origin; part of the match is no origin (`None`).
fn reflected(regex: &str, nocase: bool, value: &str, at: Loc) -> Option<Vec<Noted<OriginValue>>> {
    if value == "$0" {
        return Some(full(regex, nocase, at));
    }
    if value == "$1" {
        let inner = regex.trim_start_matches('^');
        let inner = inner.strip_suffix('$').unwrap_or(inner);
        let inner = inner.strip_prefix('(')?.strip_suffix(')')?;
        if inner.contains(['(', ')']) && crate::regex::anchors(inner).is_none() {
            return None;
        }
        return Some(full(inner, nocase, at));
    }
    if value.contains('$') {
        return None;
    }
    Some(vec![Noted::at(OriginValue::Origin(value.to_string()), at)])
}

/// The origins a regex's whole match can equal.
fn full(regex: &str, nocase: bool, at: Loc) -> Vec<Noted<OriginValue>> {
    if is_everything(regex) {
        return vec![Noted::at(OriginValue::Any, at)];
    }
    if !nocase {
        if let Some(words) = finite(regex) {
            return words
                .into_iter()
                .map(|w| Noted::at(OriginValue::Origin(w), at))
                .collect();
        }
    }
    let prefix = if nocase { "(?i)" } else { "" };
    vec![Noted::at(
        OriginValue::Regex(format!(
            "{prefix}^(?:{})$",
            regex.trim_start_matches('^').trim_end_matches('$')
        )),
        at,
    )]
}

/// The strings an anchored regex of literals, groups and alternations matches, if finite
/// and at most [`MAX_EXPANDED`]: corsc's tries of exact origins read back as the origins.
fn finite(re: &str) -> Option<Vec<String>> {
    use regex_syntax::hir::{Class, HirKind, Look};
    fn walk(
        h: &regex_syntax::hir::Hir,
        edges: &mut (bool, bool),
        first: bool,
        last: bool,
    ) -> Option<Vec<Vec<u8>>> {
        match h.kind() {
            HirKind::Empty => Some(vec![Vec::new()]),
            HirKind::Literal(l) => Some(vec![l.0.to_vec()]),
            // `(a|b)` is a class once parsed: a few characters are a few strings.
            HirKind::Class(Class::Unicode(c)) => {
                let mut out = Vec::new();
                for r in c.ranges() {
                    for ch in r.start()..=r.end() {
                        out.push(ch.to_string().into_bytes());
                        if out.len() > 64 {
                            return None;
                        }
                    }
                }
                Some(out)
            }
            HirKind::Class(Class::Bytes(c)) => {
                let mut out = Vec::new();
                for r in c.ranges() {
                    for b in r.start()..=r.end() {
                        out.push(vec![b]);
                        if out.len() > 64 {
                            return None;
                        }
                    }
                }
                Some(out)
            }
            HirKind::Capture(c) => walk(&c.sub, edges, first, last),
            HirKind::Look(Look::Start) if first => {
                edges.0 = true;
                Some(vec![Vec::new()])
            }
            HirKind::Look(Look::End) if last => {
                edges.1 = true;
                Some(vec![Vec::new()])
            }
            HirKind::Concat(parts) => {
                let mut acc: Vec<Vec<u8>> = vec![Vec::new()];
                let n = parts.len();
                for (i, p) in parts.iter().enumerate() {
                    let next = walk(p, edges, first && i == 0, last && i + 1 == n)?;
                    let mut grown = Vec::with_capacity(acc.len() * next.len());
                    for a in &acc {
                        for b in &next {
                            let mut s = a.clone();
                            s.extend_from_slice(b);
                            grown.push(s);
                        }
                    }
                    if grown.len() > MAX_EXPANDED {
                        return None;
                    }
                    acc = grown;
                }
                Some(acc)
            }
            HirKind::Alternation(alts) => {
                let mut out = Vec::new();
                let mut e = *edges;
                for a in alts {
                    let mut mine = (false, false);
                    out.extend(walk(a, &mut mine, first, last)?);
                    // Every branch must be anchored alike for the set to be exact.
                    e.0 |= mine.0;
                    e.1 |= mine.1;
                    if mine != (false, false) && alts.len() > 1 {
                        return None;
                    }
                    if out.len() > MAX_EXPANDED {
                        return None;
                    }
                }
                *edges = e;
                Some(out)
            }
            _ => None,
        }
    }
    let hir = crate::regex::hir(re).ok()?;
    let mut edges = (false, false);
    let words = walk(&hir, &mut edges, true, true)?;
    if edges != (true, true) {
        return None;
    }
    words
        .into_iter()
        .map(|w| String::from_utf8(w).ok())
        .collect()
}

/// Whether `name` matches a glob of `*` and `?` (httpd's `Include` wildcards, one segment).
fn glob(pattern: &str, name: &str) -> bool {
    fn go(p: &[u8], n: &[u8]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], n) || (!n.is_empty() && go(p, &n[1..])),
            (Some(b'?'), Some(_)) => go(&p[1..], &n[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &n[1..]),
            _ => false,
        }
    }
    !name.starts_with('.') && go(pattern.as_bytes(), name.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tries_read_back_as_their_origins() {
        let w = finite(r"^(?:https://a(?:dmin|pp)\.example\.com)\z").unwrap();
        assert_eq!(
            w,
            vec!["https://admin.example.com", "https://app.example.com"]
        );
        assert!(finite(r"https://a\.example").is_none());
        assert!(finite(r"^https://a\.example").is_none());
        assert!(finite(r"^https://[a-z]+\.example$").is_none());
    }

    #[test]
    fn searched_regexes_keep_their_width() {
        let at = Loc::new(0, 0, 0);
        let v = |r: &str, nc: bool| {
            searched(r, nc, at)
                .into_iter()
                .map(|n| n.value)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            v(r"example\.com", false),
            vec![OriginValue::Regex(r".*(?:example\.com).*".into())]
        );
        assert_eq!(
            v(r"^https://a\.example\.com$", true),
            vec![OriginValue::Regex(r"(?i)^https://a\.example\.com$".into())]
        );
        assert_eq!(v("(.*)", false), vec![OriginValue::Any]);
        assert_eq!(
            v(
                r"^(?=[\s\S]{0,512}\z)(?:^https://([a-z0-9-]+\.)+example\.com$)",
                false
            ),
            vec![OriginValue::Regex(
                r"^(?:^https://([a-z0-9-]+\.)+example\.com$)".into()
            )]
        );
    }

    #[test]
    fn location_regexes_map_to_scopes() {
        assert_eq!(path_of_regex(r"^/api/").as_deref(), Some("/api/*"));
        assert_eq!(path_of_regex(r"^/v1\.0$").as_deref(), Some("/v1.0"));
        assert_eq!(path_of_regex(r"^/api/.*\.json$"), None);
        assert_eq!(path_of_regex(r"/api"), None);
        assert_eq!(location_paths("/api"), vec!["/api", "/api/*"]);
    }

    #[test]
    fn include_globs() {
        assert!(glob("*.conf", "cors.conf"));
        assert!(!glob("*.conf", ".hidden.conf"));
        assert!(!glob("*.conf", "cors.conf.bak"));
        assert!(glob("c?rs.conf", "cors.conf"));
    }
}
