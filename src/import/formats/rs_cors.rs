//! `--from rs-cors`: Go's `github.com/rs/cors` options, read from Go source with tree-sitter
//! (never compiled or run): `cors.New(cors.Options{…})`, `cors.AllowAll()`, `cors.Default()`,
//! and corsc's own Go output (its `…Exact` map, `…Regexps` and `policyFor` table).
//!
//! rs/cors semantics, from its `cors.go`:
//! - no `AllowedOrigins` (and no origin function), or a `*` among them: every origin, and
//!   with `AllowCredentials` the request's origin is REFLECTED with credentials;
//! - origins are lower-cased and compared with the lower-cased `Origin`; one `*` per origin
//!   splits it into a prefix and a suffix, and the `*` takes any characters, dots included;
//! - an `AllowOriginFunc` (or its request variants) decides alone: run time;
//! - no `AllowedMethods`: GET, POST, HEAD; no `AllowedHeaders`: `Origin`, `Accept`,
//!   `Content-Type` (later versions add `X-Requested-With`), `*` echoes what is requested;
//!   header names compare ignoring case;
//! - `AllowAll()`: every origin, HEAD GET POST PUT PATCH DELETE, every header, credentials.

use super::super::context::{Context, FormatMeta, Importer};
use super::super::draft::{Draft, DraftPolicy, Loc, Noted, OriginValue};
use super::super::syntax_tree::{self, named_children, Lang, Parsed};
use std::collections::HashMap;
use tree_sitter::Node;

/// The format's description.
pub static META: FormatMeta = FormatMeta {
    id: "rs-cors",
    name: "Go rs/cors",
    reads: "Go sources with `cors.New(cors.Options{...})`, `cors.AllowAll()` or \
            `cors.Default()` from github.com/rs/cors, and corsc's own Go output",
};

/// The importer.
pub struct RsCors;

impl Importer for RsCors {
    fn meta(&self) -> &'static FormatMeta {
        &META
    }

    fn read(&self, cx: &mut Context, files: &[usize]) -> Draft {
        syntax_tree::read_files(
            cx,
            files,
            |_| Lang::Go,
            |cx, parsed, draft| {
                Reader::new(parsed).read(cx, draft);
            },
        )
    }
}

enum Strs {
    Known(Vec<(String, Loc)>),
    Unknown(Loc, String),
}

struct Reader<'p, 't> {
    p: &'p Parsed<'t>,
    nodes: Vec<Node<'p>>,
    /// Package-level `var`/`const` names and their values.
    vars: HashMap<&'t str, Node<'p>>,
    /// Functions by name.
    funcs: HashMap<&'t str, Node<'p>>,
}

impl<'p, 't> Reader<'p, 't> {
    fn new(p: &'p Parsed<'t>) -> Self {
        let nodes = p.nodes();
        let mut vars = HashMap::new();
        let mut funcs = HashMap::new();
        for &n in &nodes {
            match n.kind() {
                "var_spec" | "const_spec" => {
                    let names: Vec<Node<'p>> = named_children(n)
                        .into_iter()
                        .filter(|c| c.kind() == "identifier")
                        .collect();
                    if let (Some(name), Some(value)) =
                        (names.first(), n.child_by_field_name("value"))
                    {
                        if let Some(v) = named_children(value).into_iter().next() {
                            vars.insert(p.text(*name), v);
                        }
                    }
                }
                "function_declaration" => {
                    if let Some(name) = n.child_by_field_name("name") {
                        funcs.insert(p.text(name), n);
                    }
                }
                _ => {}
            }
        }
        Reader {
            p,
            nodes,
            vars,
            funcs,
        }
    }

    fn loc(&self, n: Node<'_>) -> Loc {
        self.p.loc(n)
    }

    fn strings(&self, n: Node<'p>, depth: usize) -> Strs {
        let p = self.p;
        let at = self.loc(n);
        if depth > 16 {
            return Strs::Unknown(at, p.text(n).to_string());
        }
        match n.kind() {
            "interpreted_string_literal" | "raw_string_literal" => match go_string(p, n) {
                Some(s) => Strs::Known(vec![(s, at)]),
                None => Strs::Unknown(at, p.text(n).to_string()),
            },
            "identifier" => match self.vars.get(p.text(n)) {
                Some(&v) => self.strings(v, depth + 1),
                None => Strs::Unknown(at, p.text(n).to_string()),
            },
            "selector_expression" if p.text(n).starts_with("http.Method") => Strs::Known(vec![(
                p.text(n)
                    .trim_start_matches("http.Method")
                    .to_ascii_uppercase(),
                at,
            )]),
            "composite_literal" => {
                let Some(body) = n.child_by_field_name("body") else {
                    return Strs::Known(Vec::new());
                };
                let mut out = Vec::new();
                for e in named_children(body) {
                    let v = if e.kind() == "literal_element" {
                        named_children(e).into_iter().next()
                    } else {
                        Some(e)
                    };
                    let Some(v) = v else { continue };
                    match self.strings(v, depth + 1) {
                        Strs::Known(x) => out.extend(x),
                        u @ Strs::Unknown(..) => return u,
                    }
                }
                Strs::Known(out)
            }
            _ => Strs::Unknown(at, p.text(n).to_string()),
        }
    }

    fn read(&self, cx: &mut Context, draft: &mut Draft) {
        let scopes = self.generated_scopes();
        for &n in &self.nodes {
            if n.kind() != "call_expression" {
                continue;
            }
            let f = n
                .child_by_field_name("function")
                .map_or("", |f| self.p.text(f));
            let (scope_paths, name) = match scopes.as_ref() {
                Some(s) => {
                    let func = self.enclosing_func(n);
                    match s.get(func) {
                        Some(paths) => (paths.clone(), func.trim_end_matches("Cors").to_string()),
                        None => continue,
                    }
                }
                None => match self.mount(n) {
                    Some((paths, name)) => (paths, name),
                    None => (Vec::new(), "cors".to_string()),
                },
            };
            let mut pol = DraftPolicy::new(name, Some(self.loc(n)));
            pol.paths = scope_paths;
            match f {
                "cors.AllowAll" => {
                    let at = self.loc(n);
                    pol.origins.push(
                        Noted::at(OriginValue::Any, at)
                            .with_comment("AllowAll reflects every origin, with credentials"),
                    );
                    pol.methods = Some(
                        ["HEAD", "GET", "POST", "PUT", "PATCH", "DELETE"]
                            .iter()
                            .map(|m| Noted::at((*m).to_string(), at))
                            .collect(),
                    );
                    pol.request_headers = Some(vec![Noted::at("mirror".to_string(), at)]);
                    pol.credentials = Some(Noted::at(true, at));
                }
                "cors.Default" => {
                    cx.implicit(
                        self.loc(n),
                        "`cors.Default()` allows every origin",
                        "use `cors.New(cors.Options{AllowedOrigins: …})` with the sites to allow",
                    );
                    self.options(cx, None, &mut pol, self.loc(n));
                }
                "cors.New" => {
                    let Some(arg) = n
                        .child_by_field_name("arguments")
                        .and_then(|a| named_children(a).into_iter().next())
                    else {
                        continue;
                    };
                    let arg = match arg.kind() {
                        "identifier" => self.vars.get(self.p.text(arg)).copied().unwrap_or(arg),
                        "unary_expression" => named_children(arg).into_iter().last().unwrap_or(arg),
                        _ => arg,
                    };
                    if arg.kind() != "composite_literal" {
                        cx.runtime(
                            self.loc(arg),
                            "the rs/cors options are built at run time",
                            "write `cors.Options{…}` as a literal in the call",
                        );
                        pol.placeholders.push(Noted::at(
                            short(self.p.text(arg)).to_string(),
                            self.loc(arg),
                        ));
                        draft.policies.push(pol);
                        continue;
                    }
                    self.options(cx, Some(arg), &mut pol, self.loc(n));
                }
                _ => continue,
            }
            let key: Vec<String> = pol.paths.iter().map(|x| x.value.clone()).collect();
            if draft
                .policies
                .iter()
                .any(|q| q.paths.iter().map(|x| x.value.clone()).collect::<Vec<_>>() == key)
            {
                cx.narrowed(
                    self.loc(n),
                    "another rs/cors handler already covers the same paths in this import; \
                     this one is left out",
                    "import the file that mounts each handler, or scope the policies by hand",
                );
                continue;
            }
            draft.policies.push(pol);
        }
    }

    /// Where a hand-written handler is mounted: `mux.Handle("/api/", c.Handler(h))` with `c`
    /// the variable the options went to. `None` when it is not visible here (every path).
    fn mount(&self, call: Node<'p>) -> Option<(Vec<Noted<String>>, String)> {
        let p = self.p;
        let mut holder = call.parent()?;
        if holder.kind() == "expression_list" {
            holder = holder.parent()?;
        }
        let var = match holder.kind() {
            "var_spec" | "short_var_declaration" | "assignment_statement" => {
                let first = named_children(holder).into_iter().next()?;
                let first = if first.kind() == "expression_list" {
                    named_children(first).into_iter().next()?
                } else {
                    first
                };
                Some(p.text(first))
            }
            _ => None,
        };
        // The `X.Handler(h)` call: on the variable, or on the call itself.
        let handler_call = self.nodes.iter().copied().find(|n| {
            n.kind() == "call_expression"
                && n.child_by_field_name("function").is_some_and(|f| {
                    f.kind() == "selector_expression"
                        && f.child_by_field_name("field").map(|x| p.text(x)) == Some("Handler")
                        && f.child_by_field_name("operand")
                            .is_some_and(|o| o == call || var.is_some_and(|v| p.text(o) == v))
                })
        })?;
        let args = handler_call
            .parent()
            .filter(|a| a.kind() == "argument_list")?;
        let outer = args.parent()?;
        let f = outer.child_by_field_name("function")?;
        let method = f.child_by_field_name("field").map_or("", |x| p.text(x));
        if !matches!(method, "Handle" | "HandleFunc") {
            return None;
        }
        let first = named_children(args).into_iter().next()?;
        let path = go_string(p, first)?;
        // Go 1.22 patterns may start with a method and a space: `GET /api/`.
        let path = path.rsplit(' ').next().unwrap_or(&path).to_string();
        if !path.starts_with('/') || path.contains('{') {
            return None;
        }
        let at = self.loc(first);
        let name = path.trim_matches('/').to_string();
        if path == "/" {
            return Some((Vec::new(), "cors".to_string()));
        }
        let paths = if let Some(base) = path.strip_suffix('/') {
            vec![Noted::at(format!("{base}/*"), at)]
        } else {
            vec![Noted::at(path, at)]
        };
        Some((paths, name))
    }

    fn enclosing_func(&self, n: Node<'_>) -> &'t str {
        let mut cur = n.parent();
        while let Some(c) = cur {
            if c.kind() == "function_declaration" {
                return c.child_by_field_name("name").map_or("", |x| self.p.text(x));
            }
            cur = c.parent();
        }
        ""
    }

    /// corsc's output: `policyFor`'s branches and `Handler`'s list of `xCors().Handler(next)`:
    /// the function building each policy → its paths. `None` for a hand-written file.
    fn generated_scopes(&self) -> Option<HashMap<&'t str, Vec<Noted<String>>>> {
        let p = self.p;
        let policy_for = self.funcs.get("policyFor")?;
        let handler = self.funcs.get("Handler")?;
        let mut order = Vec::new();
        for n in syntax_tree::descendants(*handler) {
            if n.kind() == "call_expression" {
                let f = n.child_by_field_name("function").map_or("", |f| p.text(f));
                if let Some(name) = f.strip_suffix("().Handler") {
                    order.push(name);
                }
            }
        }
        let mut out: HashMap<&'t str, Vec<Noted<String>>> = HashMap::new();
        for &name in &order {
            out.entry(name).or_default();
        }
        let body = policy_for.child_by_field_name("body")?;
        let mut every = Vec::new();
        let stmts: Vec<Node<'_>> = named_children(body)
            .into_iter()
            .flat_map(|c| {
                if c.kind() == "statement_list" {
                    named_children(c)
                } else {
                    vec![c]
                }
            })
            .collect();
        for stmt in stmts {
            let index_of = |n: Node<'_>| -> Option<usize> {
                let ret = syntax_tree::descendants(n)
                    .into_iter()
                    .find(|r| r.kind() == "return_statement")?;
                p.text(ret).trim_start_matches("return").trim().parse().ok()
            };
            match stmt.kind() {
                "if_statement" => {
                    let Some(cond) = stmt.child_by_field_name("condition") else {
                        continue;
                    };
                    let Some(i) = index_of(stmt) else { continue };
                    let Some(&name) = order.get(i) else { continue };
                    let lits: Vec<Node<'_>> = syntax_tree::descendants(cond)
                        .into_iter()
                        .filter(|x| x.kind() == "interpreted_string_literal")
                        .collect();
                    let Some(path) = lits.first().and_then(|l| go_string(p, *l)) else {
                        continue;
                    };
                    let path = if p.text(cond).starts_with("strings.HasPrefix") {
                        format!("{path}*")
                    } else {
                        path
                    };
                    out.entry(name)
                        .or_default()
                        .push(Noted::at(path, self.loc(cond)));
                }
                "return_statement" => {
                    if let Some(i) = index_of(stmt) {
                        if let Some(&name) = order.get(i) {
                            every.push(name);
                        }
                    }
                }
                _ => {}
            }
        }
        for name in every {
            // The last `return N` covers every path: the policy has no `paths`.
            out.entry(name).or_default().clear();
        }
        Some(out)
    }

    /// `cors.Options{…}` (or `cors.Default()`'s empty options) into `pol`.
    #[allow(clippy::too_many_lines)]
    fn options(&self, cx: &mut Context, lit: Option<Node<'p>>, pol: &mut DraftPolicy, at: Loc) {
        let p = self.p;
        let mut fields: HashMap<&'t str, Node<'p>> = HashMap::new();
        if let Some(body) = lit.and_then(|l| l.child_by_field_name("body")) {
            for e in named_children(body) {
                if e.kind() != "keyed_element" {
                    continue;
                }
                let kids = named_children(e);
                let (Some(k), Some(v)) = (kids.first(), kids.get(1)) else {
                    continue;
                };
                let v = if v.kind() == "literal_element" {
                    named_children(*v).into_iter().next().unwrap_or(*v)
                } else {
                    *v
                };
                fields.insert(p.text(*k), v);
            }
        }
        let credentials = fields
            .get("AllowCredentials")
            .is_some_and(|v| p.text(*v) == "true");
        if let Some(v) = fields.get("AllowCredentials") {
            pol.credentials = Some(Noted::at(credentials, self.loc(*v)));
        }
        // Origins.
        let func = [
            "AllowOriginFunc",
            "AllowOriginRequestFunc",
            "AllowOriginVaryRequestFunc",
        ]
        .iter()
        .find_map(|k| fields.get(k).copied());
        if let Some(f) = func {
            match self.generated_origins(f) {
                Some(origins) => pol.origins = origins,
                None => {
                    cx.runtime(
                        self.loc(f),
                        format!(
                            "the allowed origins are decided by `{}` at run time",
                            short(p.text(f))
                        ),
                        "list the origins in `AllowedOrigins` to import them; until then the \
                         policy allows no real origin",
                    );
                    pol.placeholders
                        .push(Noted::at(short(p.text(f)).to_string(), self.loc(f)));
                }
            }
        } else {
            match fields.get("AllowedOrigins").map(|v| self.strings(*v, 0)) {
                None => {
                    pol.origins.push(Noted::implied(
                        OriginValue::Any,
                        if credentials {
                            "rs/cors without AllowedOrigins reflects every origin, with credentials"
                        } else {
                            "rs/cors without AllowedOrigins allows every origin"
                        },
                    ));
                    if lit.is_some() {
                        cx.implicit(
                            at,
                            "`cors.Options` without `AllowedOrigins` allows every origin",
                            "list the sites to allow in `AllowedOrigins`",
                        );
                    }
                }
                Some(Strs::Known(list)) if list.is_empty() => {
                    pol.origins.push(Noted::implied(
                        OriginValue::Any,
                        "an empty AllowedOrigins allows every origin",
                    ));
                }
                Some(Strs::Known(list)) => {
                    for (s, l) in list {
                        let s = s.to_ascii_lowercase();
                        if s == "*" {
                            pol.origins = vec![Noted::at(OriginValue::Any, l)];
                            break;
                        }
                        match s.split_once('*') {
                            None => pol.origins.push(Noted::at(OriginValue::Origin(s), l)),
                            Some((pre, suf)) => pol.origins.push(
                                Noted::at(
                                    OriginValue::Regex(format!(
                                        "^{}.*{}$",
                                        regex::escape(pre),
                                        regex::escape(suf)
                                    )),
                                    l,
                                )
                                .with_comment("rs/cors: the `*` takes any characters, dots too"),
                            ),
                        }
                    }
                }
                Some(Strs::Unknown(l, text)) => {
                    cx.runtime(
                        l,
                        format!(
                            "`AllowedOrigins` comes from `{}`, known only at run time",
                            short(&text)
                        ),
                        "list the origins as literals to import them",
                    );
                    pol.placeholders
                        .push(Noted::at(short(&text).to_string(), l));
                }
            }
        }
        // Methods.
        match fields
            .get("AllowedMethods")
            .map(|v| (self.strings(*v, 0), *v))
        {
            Some((Strs::Known(list), node)) if !list.is_empty() => {
                let missing: Vec<&str> = ["GET", "HEAD", "POST"]
                    .into_iter()
                    .filter(|m| !list.iter().any(|(s, _)| s.eq_ignore_ascii_case(m)))
                    .collect();
                if !missing.is_empty() {
                    cx.narrowed(
                        self.loc(node),
                        format!(
                            "rs/cors also refuses CORS headers to {} requests, which need no \
                             preflight; a policy always allows those, so the imported policy is \
                             wider for them",
                            missing.join(", ")
                        ),
                        "list GET, HEAD and POST in `AllowedMethods` if they are served, or \
                         check those routes by hand",
                    );
                }
                pol.methods = Some(
                    list.into_iter()
                        .map(|(s, l)| Noted::at(s.to_ascii_uppercase(), l))
                        .collect(),
                );
            }
            Some((Strs::Unknown(l, text), _)) => {
                cx.runtime(
                    l,
                    format!(
                        "`AllowedMethods` comes from `{}`, known only at run time",
                        short(&text)
                    ),
                    "list the methods as literals",
                );
                pol.methods = Some(Vec::new());
            }
            _ => {
                pol.methods = Some(
                    ["GET", "POST", "HEAD"]
                        .iter()
                        .map(|m| Noted::implied((*m).to_string(), "rs/cors' default methods"))
                        .collect(),
                );
            }
        }
        // Request headers.
        match fields.get("AllowedHeaders").map(|v| self.strings(*v, 0)) {
            Some(Strs::Known(list)) if !list.is_empty() => {
                let mut v = Vec::new();
                for (s, l) in list {
                    if s == "*" {
                        v = vec![Noted::at("mirror".to_string(), l)
                            .with_comment("rs/cors echoes the requested headers for `*`")];
                        break;
                    }
                    if !s.eq_ignore_ascii_case("origin") {
                        v.push(Noted::at(s, l));
                    }
                }
                pol.request_headers = Some(v);
            }
            Some(Strs::Unknown(l, text)) => {
                cx.runtime(
                    l,
                    format!(
                        "`AllowedHeaders` comes from `{}`, known only at run time",
                        short(&text)
                    ),
                    "list the headers as literals",
                );
                pol.request_headers = Some(Vec::new());
            }
            _ => {
                pol.request_headers = Some(
                    ["Content-Type"]
                        .iter()
                        .map(|h| {
                            Noted::implied((*h).to_string(), "rs/cors' default request headers")
                        })
                        .collect(),
                );
            }
        }
        if let Some(Strs::Known(list)) = fields.get("ExposedHeaders").map(|v| self.strings(*v, 0)) {
            if !list.is_empty() {
                pol.expose_headers = Some(list.into_iter().map(|(s, l)| Noted::at(s, l)).collect());
            }
        }
        if let Some(v) = fields.get("MaxAge") {
            match p.text(*v).replace('_', "").parse::<i64>() {
                Ok(n) if n > 0 => pol.max_age = Some(Noted::at(n.unsigned_abs(), self.loc(*v))),
                Ok(_) => {}
                Err(_) => cx.runtime(
                    self.loc(*v),
                    "`MaxAge` is computed at run time; the policy sets none",
                    "write the seconds as a literal",
                ),
            }
        }
        if let Some(v) = fields.get("AllowPrivateNetwork") {
            pol.private_network = Some(Noted::at(p.text(*v) == "true", self.loc(*v)));
        }
        if let Some(v) = fields.get("OptionsPassthrough") {
            if p.text(*v) == "true" {
                cx.runtime(
                    self.loc(*v),
                    "with `OptionsPassthrough`, preflights go on to the next handler, whose \
                     status decides whether they succeed",
                    "make sure the next handler answers OPTIONS with a 2xx status",
                );
            }
        }
    }

    /// corsc's `xAllowsOrigin`: the origins of its `xExact` map and `xRegexps` list.
    fn generated_origins(&self, f: Node<'p>) -> Option<Vec<Noted<OriginValue>>> {
        let name = self.p.text(f);
        let id = name.strip_suffix("AllowsOrigin")?;
        self.funcs.get(name)?;
        let exact_name = format!("{id}Exact");
        let exact = self.vars.get(exact_name.as_str())?;
        let mut out = Vec::new();
        if let Some(body) = exact.child_by_field_name("body") {
            for e in named_children(body) {
                if e.kind() != "keyed_element" {
                    continue;
                }
                let k = named_children(e).into_iter().next()?;
                let k = named_children(k).into_iter().next().unwrap_or(k);
                out.push(Noted::at(
                    OriginValue::Origin(go_string(self.p, k)?),
                    self.loc(k),
                ));
            }
        }
        let re_name = format!("{id}Regexps");
        if let Some(list) = self.vars.get(re_name.as_str()) {
            for c in syntax_tree::descendants(*list) {
                if c.kind() == "call_expression" {
                    let arg = c
                        .child_by_field_name("arguments")
                        .and_then(|a| named_children(a).into_iter().next())?;
                    out.push(Noted::at(
                        OriginValue::Regex(go_string(self.p, arg)?),
                        self.loc(arg),
                    ));
                }
            }
        }
        Some(out)
    }
}

/// The value of a Go string literal.
fn go_string(p: &Parsed<'_>, n: Node<'_>) -> Option<String> {
    let t = p.text(n);
    if n.kind() == "raw_string_literal" {
        return Some(t.trim_matches('`').replace('\r', ""));
    }
    if n.kind() != "interpreted_string_literal" {
        return None;
    }
    let mut out = String::new();
    for c in named_children(n) {
        match c.kind() {
            "interpreted_string_literal_content" => out.push_str(p.text(c)),
            "escape_sequence" => {
                let body = p.text(c).strip_prefix('\\')?;
                match body.chars().next()? {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    'x' => out.push(char::from_u32(u32::from_str_radix(&body[1..], 16).ok()?)?),
                    'u' | 'U' => {
                        out.push(char::from_u32(u32::from_str_radix(&body[1..], 16).ok()?)?)
                    }
                    other => out.push(other),
                }
            }
            _ => {}
        }
    }
    if named_children(n).is_empty() {
        return Some(t.trim_matches('"').to_string());
    }
    Some(out)
}

/// At most 80 characters of the first line of an expression, for a message.
fn short(s: &str) -> &str {
    let s = s.lines().next().unwrap_or("").trim_end();
    match s.char_indices().nth(80) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}
