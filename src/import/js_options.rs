//! The options object of the npm `cors` package and of `@fastify/cors`, read from JavaScript or
//! TypeScript source with tree-sitter (never run), for the Express and Fastify formats.
//!
//! `@fastify/cors` reads `origin`, `credentials`, `methods`, `allowedHeaders`, `exposedHeaders`
//! and `maxAge` as the `cors` package does, so reading them is written once, here. What differs
//! between the two (the packages that export them, their default methods, how findings name
//! them) is stated by each format file as a [`Library`]; what only one of them has (Express's
//! mounts and `preflightContinue`, Fastify's `preflight` and `hook`) stays in its format file.
//! A value is known only from literals and the `const`s of the same file; anything else is
//! reported as known only at run time, and the policy allows nothing for it.
//!
//! corsc's own Express and Fastify output share one shape too (`policy({ anyOrigin, exact,
//! patterns, … })` and a `scopes` table), read by [`Reader::generated`], so a compiled policy
//! imports back as itself.

use super::context::Context;
use super::draft::{Draft, DraftPolicy, Loc, Noted, OriginValue};
use super::syntax_tree::{self, named_children, Lang, Parsed};
use std::collections::{HashMap, HashSet};
use tree_sitter::Node;

/// What one library does where the two differ, and how findings name it.
pub struct Library {
    /// The npm packages that export it, as `require`d or `import`ed.
    pub packages: &'static [&'static str],
    /// Names taken to be the library even where the file does not import it (a snippet).
    pub assumed_names: &'static [&'static str],
    /// How findings name it: `cors`, `@fastify/cors`.
    pub name: &'static str,
    /// How the notes of a default name a use of it: `cors()`, `@fastify/cors`.
    pub call: &'static str,
    /// What a falsy `origin` turns off, for the finding: "this `cors` middleware".
    pub turned_off: &'static str,
    /// When options computed by code are computed, for the finding: "at run time".
    pub options_computed: &'static str,
    /// The methods allowed when `methods` is not given.
    pub default_methods: &'static [&'static str],
    /// The note on each of them.
    pub default_methods_note: &'static str,
    /// A finding (message, help) at the call when `methods` is not given, where the default
    /// is not the same in every version.
    pub default_methods_finding: Option<(&'static str, &'static str)>,
    /// The keys of an entry of the `scopes` table of corsc's output that name its policy, the
    /// first one present winning.
    pub scope_keys: &'static [&'static str],
}

/// Reads each JavaScript or TypeScript file for `lib`: corsc's own output by its data
/// ([`Reader::generated`]), any other file by `hand_written`.
pub fn read_files(
    cx: &mut Context,
    files: &[usize],
    lib: &'static Library,
    mut hand_written: impl FnMut(Reader<'_, '_>, &mut Context, &mut Draft),
) -> Draft {
    syntax_tree::read_files(cx, files, Lang::script, |cx, parsed, draft| {
        let js = Reader::new(parsed, lib);
        if !js.generated(cx, draft) {
            hand_written(js, cx, draft);
        }
    })
}

/// The deepest chain of constants followed to a value (`const a = b; const b = …`).
const MAX_DEPTH: usize = 16;

/// A JavaScript value known without running the code.
pub enum Val<'t> {
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
    /// Whether JavaScript takes the value as false.
    #[must_use]
    pub fn falsy(&self) -> bool {
        match self {
            Val::Str(s) => s.is_empty(),
            Val::Bool(b) => !b,
            Val::Num(n) => *n == 0.0 || n.is_nan(),
            Val::Nothing => true,
            _ => false,
        }
    }
}

/// One parsed file, read for one library.
pub struct Reader<'p, 't> {
    /// The file.
    pub p: &'p Parsed<'t>,
    /// The library.
    lib: &'static Library,
    /// `const NAME = value` anywhere in the file (the last one wins for a name declared twice,
    /// which only separate scopes can do).
    consts: HashMap<&'t str, Node<'p>>,
    /// Names bound to the library.
    names: HashSet<&'t str>,
}

impl<'p, 't> Reader<'p, 't> {
    /// Reads the `const`s of the file and the names it binds to the library.
    #[must_use]
    pub fn new(p: &'p Parsed<'t>, lib: &'static Library) -> Self {
        let mut consts = HashMap::new();
        let mut names: HashSet<&'t str> = lib.assumed_names.iter().copied().collect();
        for n in p.nodes() {
            match n.kind() {
                "variable_declarator" => {
                    let is_const = n
                        .parent()
                        .and_then(|d| d.child(0))
                        .is_some_and(|k| k.kind() == "const");
                    let (Some(name), Some(value)) = (
                        n.child_by_field_name("name"),
                        n.child_by_field_name("value"),
                    ) else {
                        continue;
                    };
                    if name.kind() != "identifier" {
                        continue;
                    }
                    let name = p.text(name);
                    if lib.packages.iter().any(|m| is_required(p, value, m)) {
                        names.insert(name);
                    } else if is_const {
                        consts.insert(name, value);
                    }
                }
                "import_statement" => {
                    let from = n
                        .child_by_field_name("source")
                        .and_then(|s| string_value(p, s));
                    if from.is_some_and(|f| lib.packages.contains(&f.as_str())) {
                        for c in syntax_tree::descendants(n) {
                            if c.kind() == "import_clause" {
                                if let Some(id) = named_children(c)
                                    .into_iter()
                                    .find(|x| x.kind() == "identifier")
                                {
                                    names.insert(p.text(id));
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
            lib,
            consts,
            names,
        }
    }

    /// Whether `n` is a name bound to the library.
    #[must_use]
    pub fn is_library(&self, n: Node<'_>) -> bool {
        n.kind() == "identifier" && self.names.contains(self.p.text(n))
    }

    /// Whether `n` is `require("…")` of one of the library's packages.
    #[must_use]
    pub fn requires_library(&self, n: Node<'_>) -> bool {
        self.lib.packages.iter().any(|m| is_required(self.p, n, m))
    }

    /// Where `n` is.
    #[must_use]
    pub fn loc(&self, n: Node<'_>) -> Loc {
        self.p.loc(n)
    }

    /// What `node` evaluates to, following constants of this file.
    #[must_use]
    pub fn value(&self, node: Node<'p>, depth: usize) -> (Val<'p>, Node<'p>) {
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
    pub fn generated(&self, cx: &mut Context, draft: &mut Draft) -> bool {
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
                let handler = self
                    .lib
                    .scope_keys
                    .iter()
                    .find_map(|k| props.get(*k))
                    .map(|&n| self.p.text(n).to_string());
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
            format!(
                "the allowed origins come from `{}`, known only at run time",
                short(text)
            ),
            "list the origins as literals (or in a `const` of this file) to import them; \
             until then the policy allows no real origin for them",
        );
        pol.placeholders
            .push(Noted::at(short(text).to_string(), self.loc(n)));
    }

    /// The options object given to the library (`arg`, none for no argument): its
    /// properties, or `None` when code computes it, after giving `pol` a placeholder for it.
    pub fn options(
        &self,
        cx: &mut Context,
        arg: Option<Node<'p>>,
        pol: &mut DraftPolicy,
    ) -> Option<HashMap<String, Node<'p>>> {
        match arg.map(|a| self.value(a, 0)) {
            None | Some((Val::Nothing, _)) => Some(HashMap::new()),
            Some((Val::Object(obj), _)) => Some(self.props(cx, obj)),
            Some((_, n)) => {
                cx.runtime(
                    self.loc(n),
                    format!(
                        "the `{}` options come from `{}`, computed {}",
                        self.lib.name,
                        short(self.p.text(n)),
                        self.lib.options_computed
                    ),
                    "write the options as a literal object to import them; until then the \
                     policy allows no real origin",
                );
                pol.placeholders
                    .push(Noted::at(short(self.p.text(n)).to_string(), self.loc(n)));
                None
            }
        }
    }

    /// Reads the options both libraries share into `pol`: `origin`, `credentials`, `methods`,
    /// `allowedHeaders` (or its alias `headers`), `exposedHeaders` and `maxAge`. `at` is the
    /// call, where a default is reported; `echo_finding` is whether to report that requested
    /// headers are echoed by default (not where the caller narrows the policy to requests
    /// without a preflight, which allow no request header). Returns `false` when `origin` is
    /// falsy: the library then sends no CORS headers, and there is no policy.
    pub fn read_options(
        &self,
        cx: &mut Context,
        props: &HashMap<String, Node<'p>>,
        at: Loc,
        pol: &mut DraftPolicy,
        echo_finding: bool,
    ) -> bool {
        let lib = self.lib;
        let get = |k: &str| props.get(k).copied();

        // origin
        match get("origin") {
            None => {
                pol.origins.push(Noted::implied(
                    OriginValue::Any,
                    format!(
                        "{} without `origin` sends `Access-Control-Allow-Origin: *`",
                        lib.call
                    ),
                ));
                cx.implicit(
                    at,
                    format!(
                        "`{}` without an `origin` option allows every origin (`*`)",
                        lib.name
                    ),
                    "set `origin` to the list of sites that may read these responses",
                );
            }
            Some(n) => {
                let (v, vn) = self.value(self.shorthand(n), 0);
                if v.falsy() {
                    cx.ignored(
                        self.loc(n),
                        format!(
                            "`origin` is falsy, so {} sends no CORS headers",
                            lib.turned_off
                        ),
                        "remove the middleware, or give `origin` the sites to allow",
                    );
                    return false;
                }
                match v {
                    Val::Str(s) => self.fixed_origin(cx, &s, vn, pol),
                    other => self.origin_matcher(cx, other, vn, pol, 0),
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
                if let Some((message, help)) = lib.default_methods_finding {
                    cx.implicit(at, message, help);
                }
                pol.methods = Some(
                    lib.default_methods
                        .iter()
                        .map(|m| Noted::implied((*m).to_string(), lib.default_methods_note))
                        .collect(),
                );
            }
            Some(n) => pol.methods = Some(self.names(cx, self.shorthand(n), "methods")),
        }

        // allowedHeaders (or its alias `headers`)
        match get("allowedHeaders").or_else(|| get("headers")) {
            Some(n) if !self.falsy(n) => {
                pol.request_headers = Some(self.names(cx, self.shorthand(n), "allowedHeaders"));
            }
            other => {
                pol.request_headers = Some(vec![Noted::implied(
                    "mirror".to_string(),
                    format!(
                        "{} without `allowedHeaders` echoes the requested headers",
                        lib.call
                    ),
                )]);
                if echo_finding {
                    cx.implicit(
                        other.map_or(at, |n| self.loc(n)),
                        format!(
                            "without `allowedHeaders`, `{}` allows whatever request headers \
                             a preflight asks for",
                            lib.name
                        ),
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
        true
    }

    /// Whether the option `n` (a shorthand property standing for its constant) is falsy.
    #[must_use]
    pub fn falsy(&self, n: Node<'p>) -> bool {
        self.value(self.shorthand(n), 0).0.falsy()
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
                format!(
                    "`{}` sends `{}` to every request as it is; {why}, so no browser accepts it",
                    self.lib.name,
                    short(s)
                ),
                "give `origin` an array of origins, one string each",
            );
            return;
        }
        pol.origins.push(
            Noted::at(OriginValue::Origin(s.to_string()), at).with_comment(format!(
                "{} sends this origin to every request unchecked; browsers accept it from this \
                 origin only",
                self.lib.name
            )),
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
                        format!(
                            "`{}` is compared with `===`; {why}, so no request's origin equals it",
                            short(&s)
                        ),
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
