//! `--from express`: the npm `cors` middleware as Express apps configure it, read from
//! JavaScript or TypeScript source with tree-sitter (never run).
//!
//! What `cors` 2.8 does, from its `lib/index.js`, and so what a policy must say:
//! - no `origin` (or `'*'`): `Access-Control-Allow-Origin: *` for everyone;
//! - a falsy `origin` (`false`, `null`, `''`, `0`): the middleware does nothing;
//! - any other string: that string is sent to EVERY request unchecked, so browsers accept it
//!   from that one origin only (a list written in one string, `"https://a, https://b"`, is
//!   accepted from none);
//! - `true`: the request's `Origin` is reflected, whatever it is;
//! - a RegExp: `re.test(origin)`, a search, not anchored unless the pattern is;
//! - an array: strings compared with `===` (case-sensitive), RegExps tested, nested arrays;
//! - `credentials: true` (exactly `true`) sends `Access-Control-Allow-Credentials: true`;
//! - no `allowedHeaders` (or an empty string): the preflight's requested headers are echoed;
//! - no `methods`: `GET,HEAD,PUT,PATCH,POST,DELETE`.
//!
//! corsc's own Express output is read from its data (`policy({ anyOrigin, exact, patterns,
//! … })` and the `scopes` table), so a compiled policy imports back as itself.

use super::super::context::{Context, FormatMeta, Importer};
use super::super::draft::{Draft, DraftPolicy, Loc, Noted, OriginValue};
use super::super::syntax_tree::{self, named_children, Lang, Parsed};
use std::collections::{HashMap, HashSet};
use tree_sitter::Node;

/// The format's description.
pub static META: FormatMeta = FormatMeta {
    id: "express",
    name: "Express (cors)",
    reads: "JavaScript or TypeScript files that set up the `cors` middleware \
            (`app.use(cors({...}))`, route-level `cors(...)`), and corsc's own Express output",
};

/// The importer.
pub struct Express;

impl Importer for Express {
    fn meta(&self) -> &'static FormatMeta {
        &META
    }

    fn read(&self, cx: &mut Context, files: &[usize]) -> Draft {
        let mut draft = Draft::default();
        for &file in files {
            let text = cx.text(file).to_string();
            let lang = Lang::script(&cx.sources[file].name);
            let Some(parsed) = syntax_tree::parse(cx, &text, file, lang) else {
                continue;
            };
            let mut reader = Reader::new(&parsed);
            if reader.generated(cx, &mut draft) {
                continue;
            }
            reader.middleware(cx, &mut draft);
        }
        draft
    }
}

/// The deepest chain of constants followed to a value (`const a = b; const b = …`).
const MAX_DEPTH: usize = 16;

/// The default `methods` of `cors`.
const DEFAULT_METHODS: [&str; 6] = ["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"];

/// A JavaScript value known without running the code.
enum Val<'t> {
    Str(String),
    Bool(bool),
    Num(f64),
    /// `null`, `undefined`.
    Nothing,
    /// A RegExp: its pattern and flags.
    Regex(String, String),
    Array(Vec<Node<'t>>),
    Object(Node<'t>),
    /// Anything else: a function, a call, `process.env.X`…
    Unknown,
}

impl Val<'_> {
    fn falsy(&self) -> bool {
        match self {
            Val::Str(s) => s.is_empty(),
            Val::Bool(b) => !b,
            Val::Num(n) => *n == 0.0 || n.is_nan(),
            Val::Nothing => true,
            _ => false,
        }
    }
}

struct Reader<'p, 't> {
    p: &'p Parsed<'t>,
    /// `const NAME = value` anywhere in the file (the last one wins for a name declared twice,
    /// which only separate scopes can do).
    consts: HashMap<&'t str, Node<'p>>,
    /// Names bound to the `cors` package.
    cors_names: HashSet<&'t str>,
    /// Path sets already given a policy, to keep the first middleware on a path.
    claimed: HashSet<Vec<String>>,
}

impl<'p, 't> Reader<'p, 't> {
    fn new(p: &'p Parsed<'t>) -> Self {
        let mut consts = HashMap::new();
        let mut cors_names = HashSet::new();
        cors_names.insert("cors");
        for n in p.nodes() {
            match n.kind() {
                "variable_declarator" => {
                    let is_const = n
                        .parent()
                        .and_then(|d| d.child(0))
                        .is_some_and(|k| k.kind() == "const");
                    let (Some(name), Some(value)) =
                        (n.child_by_field_name("name"), n.child_by_field_name("value"))
                    else {
                        continue;
                    };
                    if name.kind() != "identifier" {
                        continue;
                    }
                    let name = p.text(name);
                    if is_required(p, value, "cors") {
                        cors_names.insert(name);
                    } else if is_const {
                        consts.insert(name, value);
                    }
                }
                "import_statement" => {
                    let from = n
                        .child_by_field_name("source")
                        .and_then(|s| string_value(p, s));
                    if from.as_deref() == Some("cors") {
                        for c in syntax_tree::descendants(n) {
                            if c.kind() == "import_clause" {
                                if let Some(id) = named_children(c)
                                    .into_iter()
                                    .find(|x| x.kind() == "identifier")
                                {
                                    cors_names.insert(p.text(id));
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        Reader {
            p,
            consts,
            cors_names,
            claimed: HashSet::new(),
        }
    }

    fn loc(&self, n: Node<'_>) -> Loc {
        self.p.loc(n)
    }

    /// What `node` evaluates to, following constants of this file.
    fn value(&self, node: Node<'p>, depth: usize) -> (Val<'p>, Node<'p>) {
        if depth > MAX_DEPTH {
            return (Val::Unknown, node);
        }
        let p = self.p;
        let v = match node.kind() {
            "string" | "template_string" => match string_value(p, node) {
                Some(s) => Val::Str(s),
                None => Val::Unknown,
            },
            "true" => Val::Bool(true),
            "false" => Val::Bool(false),
            "null" | "undefined" => Val::Nothing,
            "number" => parse_number(p.text(node)).map_or(Val::Unknown, Val::Num),
            "regex" => {
                let pattern = node
                    .child_by_field_name("pattern")
                    .map_or("", |x| p.text(x))
                    .to_string();
                let flags = node
                    .child_by_field_name("flags")
                    .map_or("", |x| p.text(x))
                    .to_string();
                Val::Regex(pattern, flags)
            }
            "array" => Val::Array(named_children(node)),
            "object" => Val::Object(node),
            "identifier" if p.text(node) == "undefined" => Val::Nothing,
            "identifier" => match self.consts.get(p.text(node)) {
                Some(&v) => return self.value(v, depth + 1),
                None => Val::Unknown,
            },
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion" => match named_children(node)
                .into_iter()
                .find(|c| !c.kind().contains("type"))
            {
                Some(inner) => return self.value(inner, depth + 1),
                None => Val::Unknown,
            },
            "new_expression" => self.new_regexp(node, depth),
            _ => Val::Unknown,
        };
        (v, node)
    }

    /// `new RegExp("…", "flags")` with literal arguments.
    fn new_regexp(&self, node: Node<'p>, depth: usize) -> Val<'p> {
        let ctor = node.child_by_field_name("constructor");
        if ctor.map(|c| self.p.text(c)) != Some("RegExp") {
            return Val::Unknown;
        }
        let args = node
            .child_by_field_name("arguments")
            .map(named_children)
            .unwrap_or_default();
        let mut strs = Vec::new();
        for a in args {
            match self.value(a, depth + 1).0 {
                Val::Str(s) => strs.push(s),
                _ => return Val::Unknown,
            }
        }
        match strs.as_slice() {
            [p] => Val::Regex(p.clone(), String::new()),
            [p, f] => Val::Regex(p.clone(), f.clone()),
            _ => Val::Unknown,
        }
    }

    /// The properties of an object literal: name → value node. A spread or a computed key
    /// is reported: what it adds is known only at run time.
    fn props(&self, cx: &mut Context, obj: Node<'p>) -> HashMap<String, Node<'p>> {
        let mut out = HashMap::new();
        for c in named_children(obj) {
            match c.kind() {
                "pair" => {
                    let (Some(k), Some(v)) =
                        (c.child_by_field_name("key"), c.child_by_field_name("value"))
                    else {
                        continue;
                    };
                    let key = match k.kind() {
                        "property_identifier" => Some(self.p.text(k).to_string()),
                        "string" => string_value(self.p, k),
                        _ => None,
                    };
                    match key {
                        Some(key) => {
                            out.insert(key, v);
                        }
                        None => cx.runtime(
                            self.loc(k),
                            "a computed option name is known only at run time; it is left out",
                            "write the option's name as a literal",
                        ),
                    }
                }
                "shorthand_property_identifier" => {
                    out.insert(self.p.text(c).to_string(), c);
                }
                "spread_element" => cx.runtime(
                    self.loc(c),
                    format!(
                        "the options spread from `{}` are known only at run time; they are left out",
                        self.p.text(c)
                    ),
                    "write the options as a literal object to import them",
                ),
                _ => {}
            }
        }
        out
    }

    /// corsc's own output: `const NAME = policy({ anyOrigin: … })` and `const scopes = [ … ]`.
    /// Whether the file is one.
    fn generated(&mut self, cx: &mut Context, draft: &mut Draft) -> bool {
        let p = self.p;
        let mut found = Vec::new();
        for (&name, &value) in &self.consts {
            if value.kind() != "call_expression" {
                continue;
            }
            let callee = value.child_by_field_name("function").map(|f| p.text(f));
            let arg = value
                .child_by_field_name("arguments")
                .and_then(|a| named_children(a).into_iter().next());
            if let (Some("policy"), Some(obj)) = (callee, arg) {
                if obj.kind() == "object" && self.props(cx, obj).contains_key("anyOrigin") {
                    found.push((value.start_byte(), name, obj, value));
                }
            }
        }
        if found.is_empty() {
            return false;
        }
        found.sort_by_key(|f| f.0);
        let scopes = self.generated_scopes(cx);
        for (_, name, obj, call) in found {
            let props = self.props(cx, obj);
            let mut pol = DraftPolicy::new(name.replace('_', "-"), Some(self.loc(call)));
            let mut every_path = false;
            for (handler, exact, path, at) in &scopes {
                if handler != name {
                    continue;
                }
                if *exact {
                    pol.paths.push(Noted::at(path.clone(), *at));
                } else if path == "/" {
                    every_path = true;
                } else {
                    pol.paths.push(Noted::at(format!("{path}*"), *at));
                }
            }
            if every_path {
                pol.paths.clear();
            } else if pol.paths.is_empty() {
                cx.ignored(
                    self.loc(call),
                    format!("policy `{name}` is used by no scope of this file; it is left out"),
                    "mount it for a path to import it",
                );
                continue;
            }
            self.generated_policy(cx, &props, &mut pol);
            draft.policies.push(pol);
        }
        true
    }

    /// The `scopes` table of corsc's output: (handler, exact, path, place).
    fn generated_scopes(&self, cx: &mut Context) -> Vec<(String, bool, String, Loc)> {
        let mut out = Vec::new();
        let Some(&table) = self.consts.get("scopes") else {
            return out;
        };
        if let (Val::Array(items), _) = self.value(table, 0) {
            for item in items {
                if item.kind() != "object" {
                    continue;
                }
                let props = self.props(cx, item);
                let exact = props
                    .get("exact")
                    .map(|&n| matches!(self.value(n, 0).0, Val::Bool(true)));
                let path = props.get("path").and_then(|&n| match self.value(n, 0).0 {
                    Val::Str(s) => Some(s),
                    _ => None,
                });
                let handler = props.get("handler").map(|&n| self.p.text(n).to_string());
                if let (Some(exact), Some(path), Some(handler)) = (exact, path, handler) {
                    out.push((handler, exact, path, self.loc(item)));
                }
            }
        }
        out
    }

    fn generated_policy(
        &self,
        cx: &mut Context,
        props: &HashMap<String, Node<'p>>,
        pol: &mut DraftPolicy,
    ) {
        let p = self.p;
        if let Some(&n) = props.get("anyOrigin") {
            if matches!(self.value(n, 0).0, Val::Bool(true)) {
                pol.origins.push(Noted::at(OriginValue::Any, self.loc(n)));
            }
        }
        for key in ["exact", "patterns"] {
            let Some(&n) = props.get(key) else { continue };
            if let (Val::Array(items), _) = self.value(n, 0) {
                for item in items {
                    match self.value(item, 0).0 {
                        Val::Str(s) => pol
                            .origins
                            .push(Noted::at(OriginValue::Origin(s), self.loc(item))),
                        Val::Regex(r, flags) => match regex_source(&r, &flags) {
                            Some(r) => pol
                                .origins
                                .push(Noted::at(OriginValue::Regex(r), self.loc(item))),
                            None => unsupported_flags(cx, self.loc(item), &flags),
                        },
                        _ => self.runtime_origin(cx, item, pol),
                    }
                }
            }
        }
        if let Some(&n) = props.get("credentials") {
            let v = matches!(self.value(n, 0).0, Val::Bool(true));
            pol.credentials = Some(Noted::at(v, self.loc(n)));
        }
        let list = |n: Node<'p>, mirror: &str, unless_auth: &str| -> Option<Vec<Noted<String>>> {
            let at = self.loc(n);
            match p.text(n) {
                "MIRROR" => return Some(vec![Noted::at(mirror.to_string(), at)]),
                "MIRROR_UNLESS_AUTHORIZATION" => {
                    return Some(vec![Noted::at(unless_auth.to_string(), at)])
                }
                _ => {}
            }
            match self.value(n, 0).0 {
                Val::Str(s) => Some(split_list(&s, at)),
                Val::Array(items) if items.is_empty() => Some(Vec::new()),
                _ => None,
            }
        };
        if let Some(&n) = props.get("methods") {
            // `MIRROR` is how the output writes `methods *` with credentials.
            pol.methods = list(n, "*", "*");
        }
        if let Some(&n) = props.get("allowedHeaders") {
            pol.request_headers = list(n, "mirror", "*");
        }
        if let Some(&n) = props.get("exposedHeaders") {
            pol.expose_headers = list(n, "*", "*").filter(|v| !v.is_empty());
        }
        if let Some(&n) = props.get("maxAge") {
            if let Val::Num(x) = self.value(n, 0).0 {
                if x >= 0.0 && x.fract() == 0.0 && x < 1e12 {
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    let secs = x as u64;
                    pol.max_age = Some(Noted::at(secs, self.loc(n)));
                }
            }
        }
    }

    fn runtime_origin(&self, cx: &mut Context, n: Node<'_>, pol: &mut DraftPolicy) {
        let text = self.p.text(n);
        cx.runtime(
            self.loc(n),
            format!("the allowed origins come from `{}`, known only at run time", short(text)),
            "list the origins as literals (or in a `const` of this file) to import them; \
             until then the policy allows no real origin for them",
        );
        pol.placeholders
            .push(Noted::at(short(text).to_string(), self.loc(n)));
    }

    /// Every `cors(...)` call of a hand-written app.
    fn middleware(&mut self, cx: &mut Context, draft: &mut Draft) {
        let p = self.p;
        let mut calls = Vec::new();
        for n in p.nodes() {
            if n.kind() != "call_expression" {
                continue;
            }
            let Some(f) = n.child_by_field_name("function") else {
                continue;
            };
            if f.kind() == "identifier" && self.cors_names.contains(p.text(f)) {
                calls.push(n);
            }
        }
        // Mounts first (`app.use`, `app.options`, `app.all`), then route-level uses, so a
        // route's own `cors()` never takes a path an `app.options` for it already answers.
        let mut mounted: Vec<(u8, Node<'p>, Mount)> = calls
            .into_iter()
            .map(|c| {
                let m = self.mount(c);
                let rank = u8::from(matches!(m, Mount::Route(..)));
                (rank, c, m)
            })
            .collect();
        mounted.sort_by_key(|(rank, c, _)| (*rank, c.start_byte()));
        for (_, call, mount) in mounted {
            self.one(cx, draft, call, &mount);
        }
    }

    /// Where the middleware made by `call` runs.
    fn mount(&self, call: Node<'p>) -> Mount {
        let p = self.p;
        // `const corsMw = cors(...)`, then `app.use("/api", corsMw)`.
        let mut used_as = call;
        if let Some(decl) = call.parent().filter(|d| d.kind() == "variable_declarator") {
            if let Some(name) = decl.child_by_field_name("name") {
                let name = p.text(name);
                if let Some(arg) = p.nodes().into_iter().find(|n| {
                    n.kind() == "identifier"
                        && p.text(*n) == name
                        && n.parent().is_some_and(|a| a.kind() == "arguments")
                }) {
                    used_as = arg;
                } else {
                    return Mount::Unknown;
                }
            }
        }
        let Some(args) = used_as.parent().filter(|a| a.kind() == "arguments") else {
            return Mount::Unknown;
        };
        let Some(outer) = args.parent().filter(|o| o.kind() == "call_expression") else {
            return Mount::Unknown;
        };
        let Some(f) = outer
            .child_by_field_name("function")
            .filter(|f| f.kind() == "member_expression")
        else {
            return Mount::Unknown;
        };
        let method = f
            .child_by_field_name("property")
            .map_or("", |x| p.text(x))
            .to_ascii_lowercase();
        let first = named_children(args).into_iter().next();
        let path = first.filter(|a| *a != used_as).map(|a| (self.value(a, 0), a));
        let paths = match path {
            None => None,
            Some(((Val::Str(s), _), at)) => Some(vec![(s, self.loc(at))]),
            Some(((Val::Array(items), _), _)) => {
                let mut v = Vec::new();
                for i in items {
                    match self.value(i, 0).0 {
                        Val::Str(s) => v.push((s, self.loc(i))),
                        _ => return Mount::Pattern(self.loc(i)),
                    }
                }
                Some(v)
            }
            Some((_, at)) => return Mount::Pattern(self.loc(at)),
        };
        match method.as_str() {
            "use" => Mount::Use(paths),
            "all" | "options" => Mount::Exact(paths),
            "get" | "post" | "put" | "patch" | "delete" | "head" => match paths {
                Some(paths) => Mount::Route(paths, method.to_ascii_uppercase(), self.loc(f)),
                None => Mount::Unknown,
            },
            _ => Mount::Unknown,
        }
    }

    /// One `cors(...)` call, mounted at `mount`.
    #[allow(clippy::too_many_lines)]
    fn one(&mut self, cx: &mut Context, draft: &mut Draft, call: Node<'p>, mount: &Mount) {
        let at = self.loc(call);
        let mut pol = DraftPolicy::new("cors", Some(at));
        // The path scope.
        let mut route_method = None;
        match mount {
            Mount::Use(None) => {}
            Mount::Use(Some(paths)) => {
                for (path, loc) in paths {
                    if !plain_path(path) {
                        return self.pattern_path(cx, *loc);
                    }
                    let base = path.trim_end_matches('/');
                    if base.is_empty() {
                        pol.paths.clear();
                        break;
                    }
                    pol.name = base.to_string();
                    pol.paths.push(Noted::at(base.to_string(), *loc));
                    pol.paths.push(Noted::at(format!("{base}/*"), *loc));
                }
            }
            Mount::Exact(None) => {}
            Mount::Exact(Some(paths)) | Mount::Route(paths, _, _) => {
                for (path, loc) in paths {
                    if !plain_path(path) {
                        return self.pattern_path(cx, *loc);
                    }
                    pol.name.clone_from(path);
                    pol.paths.push(Noted::at(path.clone(), *loc));
                }
                if let Mount::Route(_, m, loc) = mount {
                    route_method = Some((m.clone(), *loc));
                }
            }
            Mount::Pattern(loc) => return self.pattern_path(cx, *loc),
            Mount::Unknown => cx.runtime(
                at,
                "where this `cors` middleware is mounted is not visible in this file; the \
                 policy is imported for every path",
                "import the file that mounts it (`app.use(...)`) too, or give the policy its \
                 `paths` by hand",
            ),
        }
        let key: Vec<String> = pol.paths.iter().map(|x| x.value.clone()).collect();
        if self.claimed.contains(&key) {
            cx.ignored(
                at,
                "another `cors` middleware already answers this path before this one",
                "keep one `cors` middleware per path",
            );
            return;
        }

        // The options.
        let arg = call
            .child_by_field_name("arguments")
            .and_then(|a| named_children(a).into_iter().next());
        let props = match arg.map(|a| self.value(a, 0)) {
            None => HashMap::new(),
            Some((Val::Object(obj), _)) => self.props(cx, obj),
            Some((Val::Nothing, _)) => HashMap::new(),
            Some((_, n)) => {
                cx.runtime(
                    self.loc(n),
                    format!(
                        "the `cors` options come from `{}`, computed for each request at run time",
                        short(self.p.text(n))
                    ),
                    "write the options as a literal object to import them; until then the \
                     policy allows no real origin",
                );
                pol.placeholders
                    .push(Noted::at(short(self.p.text(n)).to_string(), self.loc(n)));
                self.claimed.insert(key);
                draft.policies.push(pol);
                return;
            }
        };
        let get = |k: &str| props.get(k).copied();

        // origin
        match get("origin") {
            None => {
                pol.origins.push(Noted::implied(
                    OriginValue::Any,
                    "cors() without `origin` sends `Access-Control-Allow-Origin: *`",
                ));
                cx.implicit(
                    at,
                    "`cors` without an `origin` option allows every origin (`*`)",
                    "set `origin` to the list of sites that may read these responses",
                );
            }
            Some(n) => {
                let (v, vn) = self.value(self.shorthand(n), 0);
                if v.falsy() {
                    cx.ignored(
                        self.loc(n),
                        "`origin` is falsy, so this `cors` middleware sends no CORS headers",
                        "remove the middleware, or give `origin` the sites to allow",
                    );
                    return;
                }
                match v {
                    Val::Str(s) => self.fixed_origin(cx, &s, vn, &mut pol),
                    other => self.origin_matcher(cx, other, vn, &mut pol, 0),
                }
            }
        }

        // credentials
        if let Some(n) = get("credentials") {
            let n = self.shorthand(n);
            match self.value(n, 0).0 {
                Val::Bool(b) => pol.credentials = Some(Noted::at(b, self.loc(n))),
                Val::Unknown => cx.runtime(
                    self.loc(n),
                    "`credentials` is computed at run time; the policy allows no credentials",
                    "write `credentials: true` or `false`",
                ),
                _ => pol.credentials = Some(Noted::at(false, self.loc(n))),
            }
        }

        // methods
        match get("methods") {
            None => {
                pol.methods = Some(
                    DEFAULT_METHODS
                        .iter()
                        .map(|m| {
                            Noted::implied((*m).to_string(), "the default methods of `cors`")
                        })
                        .collect(),
                );
            }
            Some(n) => pol.methods = Some(self.names(cx, self.shorthand(n), "methods")),
        }

        // allowedHeaders (or its alias `headers`)
        match get("allowedHeaders").or_else(|| get("headers")) {
            Some(n) if !self.value(self.shorthand(n), 0).0.falsy() => {
                pol.request_headers = Some(self.names(cx, self.shorthand(n), "allowedHeaders"));
            }
            other => {
                pol.request_headers = Some(vec![Noted::implied(
                    "mirror".to_string(),
                    "cors() without `allowedHeaders` echoes the requested headers",
                )]);
                // A route-level middleware is narrowed to requests without a preflight below,
                // where no request header is allowed: the default does not apply there.
                if route_method.is_none() {
                    cx.implicit(
                    other.map_or(at, |n| self.loc(n)),
                    "without `allowedHeaders`, `cors` allows whatever request headers a \
                     preflight asks for",
                    "list the request headers the API reads in `allowedHeaders`",
                );
                }
            }
        }

        // exposedHeaders
        if let Some(n) = get("exposedHeaders") {
            let v = self.names(cx, self.shorthand(n), "exposedHeaders");
            if !v.is_empty() {
                pol.expose_headers = Some(v);
            }
        }

        // maxAge
        if let Some(n) = get("maxAge") {
            let n = self.shorthand(n);
            let secs = match self.value(n, 0).0 {
                Val::Num(x) => Some(x),
                Val::Str(s) => parse_number(&s),
                _ => None,
            };
            match secs {
                Some(x) if x > 0.0 && x.fract() == 0.0 && x < 1e12 => {
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    let secs = x as u64;
                    pol.max_age = Some(Noted::at(secs, self.loc(n)));
                }
                Some(_) => {}
                None => cx.runtime(
                    self.loc(n),
                    "`maxAge` is computed at run time; the policy sets none",
                    "write `maxAge` as a number of seconds",
                ),
            }
        }

        // preflightContinue
        if let Some(n) = get("preflightContinue") {
            if !self.value(self.shorthand(n), 0).0.falsy() {
                cx.runtime(
                    self.loc(n),
                    "with `preflightContinue`, preflights go on to the app's next handler, \
                     whose answer decides whether they succeed",
                    "make sure an OPTIONS handler answers with a 2xx status, or remove \
                     `preflightContinue`",
                );
            }
        }

        // A route-level middleware (`app.get(path, cors(), handler)`) never sees a preflight.
        if let Some((method, loc)) = route_method {
            let simple = matches!(method.as_str(), "GET" | "HEAD" | "POST");
            if !simple {
                cx.ignored(
                    loc,
                    format!(
                        "`cors` on a {method} route only: {method} needs a preflight, and no \
                         `app.options` for this path answers it, so no cross-origin {method} succeeds"
                    ),
                    "add `app.options(path, cors(...))` for this path",
                );
                return;
            }
            cx.narrowed(
                loc,
                format!(
                    "`cors` on a {method} route only: preflights (OPTIONS) never reach it, so \
                     only requests that need no preflight are allowed"
                ),
                "add `app.options(path, cors(...))` for this path if preflighted requests \
                 are meant",
            );
            pol.methods = Some(Vec::new());
            pol.request_headers = Some(Vec::new());
            pol.max_age = None;
        }
        self.claimed.insert(key);
        draft.policies.push(pol);
    }

    fn pattern_path(&self, cx: &mut Context, at: Loc) {
        cx.narrowed(
            at,
            "this route path has parameters, wildcards or a RegExp, which a policy's `paths` \
             cannot say exactly; the middleware is left out",
            "write the policy for this route by hand, with `paths` that cover no more than it",
        );
    }

    /// A shorthand property (`{ origin }`) stands for the constant of that name.
    fn shorthand(&self, n: Node<'p>) -> Node<'p> {
        if n.kind() == "shorthand_property_identifier" {
            if let Some(&v) = self.consts.get(self.p.text(n)) {
                return v;
            }
        }
        n
    }

    /// `origin: "https://…"`: sent to every request as it is.
    fn fixed_origin(&self, cx: &mut Context, s: &str, n: Node<'_>, pol: &mut DraftPolicy) {
        let at = self.loc(n);
        if s == "*" {
            pol.origins.push(Noted::at(OriginValue::Any, at));
            return;
        }
        if let Some(why) = never_equal(s) {
            cx.ignored(
                at,
                format!("`cors` sends `{}` to every request as it is; {why}, so no browser accepts it", short(s)),
                "give `origin` an array of origins, one string each",
            );
            return;
        }
        pol.origins.push(
            Noted::at(OriginValue::Origin(s.to_string()), at).with_comment(
                "cors sends this origin to every request unchecked; browsers accept it from this origin only",
            ),
        );
    }

    /// `origin: true`, a RegExp or an array: the request's origin is reflected when it passes.
    fn origin_matcher(
        &self,
        cx: &mut Context,
        v: Val<'p>,
        n: Node<'p>,
        pol: &mut DraftPolicy,
        depth: usize,
    ) {
        let at = self.loc(n);
        match v {
            Val::Bool(true) => pol.origins.push(
                Noted::at(OriginValue::Any, at)
                    .with_comment("origin: true reflects every request's Origin"),
            ),
            Val::Str(s) => {
                if let Some(why) = never_equal(&s) {
                    cx.ignored(
                        at,
                        format!("`{}` is compared with `===`; {why}, so no request's origin equals it", short(&s)),
                        "write each origin as browsers send it: `https://host[:port]`, lower case",
                    );
                } else {
                    pol.origins.push(Noted::at(OriginValue::Origin(s), at));
                }
            }
            Val::Regex(r, flags) => match regex_source(&r, &flags) {
                Some(src) => pol.origins.push(
                    Noted::at(OriginValue::Regex(src), at)
                        .with_comment("RegExp.test searches: not anchored unless the pattern is"),
                ),
                None => unsupported_flags(cx, at, &flags),
            },
            Val::Array(items) if depth < MAX_DEPTH => {
                for item in items {
                    let (v, vn) = self.value(item, 0);
                    if v.falsy() {
                        continue;
                    }
                    self.origin_matcher(cx, v, vn, pol, depth + 1);
                }
            }
            _ => self.runtime_origin(cx, n, pol),
        }
    }

    /// A list of names: a comma-separated string or an array of strings.
    fn names(&self, cx: &mut Context, n: Node<'p>, what: &str) -> Vec<Noted<String>> {
        match self.value(n, 0).0 {
            Val::Str(s) => split_list(&s, self.loc(n)),
            Val::Array(items) => {
                let mut out = Vec::new();
                for i in items {
                    match self.value(i, 0).0 {
                        Val::Str(s) => out.extend(split_list(&s, self.loc(i))),
                        _ => cx.runtime(
                            self.loc(i),
                            format!("a value of `{what}` is computed at run time; it is left out"),
                            format!("write the values of `{what}` as literals"),
                        ),
                    }
                }
                out
            }
            _ => {
                cx.runtime(
                    self.loc(n),
                    format!("`{what}` is computed at run time; the policy allows none"),
                    format!("write `{what}` as a literal string or array"),
                );
                Vec::new()
            }
        }
    }
}

/// Where a `cors` middleware runs.
enum Mount {
    /// `app.use([path], mw)`: a path and everything below it (or every path).
    Use(Option<Vec<(String, Loc)>>),
    /// `app.options(path, mw)` / `app.all(path, mw)`: that path (or every path).
    Exact(Option<Vec<(String, Loc)>>),
    /// `app.get(path, mw, handler)`: one method on one path.
    Route(Vec<(String, Loc)>, String, Loc),
    /// A route path a policy cannot say (`/users/:id`, a RegExp).
    Pattern(Loc),
    /// Not visible in this file.
    Unknown,
}

/// Whether a route path is a plain path (no parameters, wildcards, RegExp syntax).
fn plain_path(p: &str) -> bool {
    p.starts_with('/')
        && !p
            .chars()
            .any(|c| matches!(c, ':' | '*' | '?' | '(' | ')' | '+' | '[' | ']' | '{' | '}'))
}

/// Why a string can never equal a browser's `Origin`, if it cannot.
fn never_equal(s: &str) -> Option<&'static str> {
    if s.contains(',') || s.contains(' ') {
        Some("it holds several values in one string")
    } else if s.contains('*') {
        Some("a `*` inside an origin is not a wildcard to browsers")
    } else if s.chars().any(|c| c.is_ascii_uppercase()) {
        Some("browsers send origins in lower case")
    } else if s.ends_with('/') {
        Some("an origin has no path, not even `/`")
    } else {
        None
    }
}

/// The policy's regex for a JavaScript RegExp: `i` becomes `(?i)`; `g` and `y` change only
/// where a search starts (`lastIndex`), never which origins can match. Other flags (`u`, `s`,
/// `m`, `v`, `d`) change the meaning and are not read (`None`).
fn regex_source(pattern: &str, flags: &str) -> Option<String> {
    if flags.chars().any(|f| !matches!(f, 'i' | 'g' | 'y')) {
        return None;
    }
    Some(if flags.contains('i') {
        format!("(?i){pattern}")
    } else {
        pattern.to_string()
    })
}

fn unsupported_flags(cx: &mut Context, at: Loc, flags: &str) {
    cx.narrowed(
        at,
        format!("a RegExp with the flags `{flags}` is not read; it is left out"),
        "write the origin regex without those flags",
    );
}

/// `"a, b"` → the names, each at the string's place.
fn split_list(s: &str, at: Loc) -> Vec<Noted<String>> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(|x| Noted::at(x.to_string(), at))
        .collect()
}

/// `require("name")`.
fn is_required(p: &Parsed<'_>, n: Node<'_>, module: &str) -> bool {
    if n.kind() != "call_expression" {
        return false;
    }
    let f = n.child_by_field_name("function").map(|f| p.text(f));
    let arg = n
        .child_by_field_name("arguments")
        .and_then(|a| named_children(a).into_iter().next());
    f == Some("require") && arg.and_then(|a| string_value(p, a)).as_deref() == Some(module)
}

/// The value of a string literal (or a template without substitutions).
fn string_value(p: &Parsed<'_>, n: Node<'_>) -> Option<String> {
    let mut out = String::new();
    for c in named_children(n) {
        match c.kind() {
            "string_fragment" => out.push_str(p.text(c)),
            "escape_sequence" => out.push_str(&unescape(p.text(c))?),
            "template_substitution" => return None,
            _ => {}
        }
    }
    Some(out)
}

/// One JavaScript escape sequence.
fn unescape(e: &str) -> Option<String> {
    let body = e.strip_prefix('\\')?;
    let c = match body.chars().next()? {
        'n' => "\n".to_string(),
        't' => "\t".to_string(),
        'r' => "\r".to_string(),
        'b' => "\u{8}".to_string(),
        'f' => "\u{c}".to_string(),
        'v' => "\u{b}".to_string(),
        '0' if body.len() == 1 => "\0".to_string(),
        'x' => char::from_u32(u32::from_str_radix(body.get(1..3)?, 16).ok()?)?.to_string(),
        'u' => {
            let hex = body[1..].trim_start_matches('{').trim_end_matches('}');
            char::from_u32(u32::from_str_radix(hex, 16).ok()?)?.to_string()
        }
        '\n' | '\r' | '\u{2028}' | '\u{2029}' => String::new(),
        other => other.to_string(),
    };
    Some(c)
}

fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim().replace('_', "");
    if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        #[allow(clippy::cast_precision_loss)]
        return u64::from_str_radix(h, 16).ok().map(|v| v as f64);
    }
    s.parse::<f64>().ok()
}

/// At most 80 characters of an expression, for a message.
fn short(s: &str) -> &str {
    match s.char_indices().nth(80) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}
