//! `--from spring`: Spring MVC's CORS configuration read from Java source with tree-sitter
//! (never compiled or run): `registry.addMapping(…)…` chains in a `WebMvcConfigurer`,
//! `@CrossOrigin` on controllers and handler methods, and `CorsConfiguration` objects
//! registered with `registerCorsConfiguration(path, config)`; also corsc's own Spring output
//! (`new Policy(any, exact, regexes)` and its `m.put(path, pN)` table).
//!
//! Spring's semantics, from `CorsConfiguration.java` and `CorsRegistration.java`:
//! - `addMapping` and `@CrossOrigin` start from `applyPermitDefaultValues()`: every origin
//!   (`*`, dropped once an origin pattern is added), methods GET, HEAD, POST (for
//!   `@CrossOrigin`: the handler's own methods), every request header (echoed), max-age 1800;
//! - a bare `new CorsConfiguration()` allows nothing until told;
//! - `allowedOrigins` compares ignoring case, after trimming one trailing `/`; a value may be
//!   a comma-separated list; `*` with credentials throws at request time since Spring 5.3 (and
//!   reflected every origin with credentials before);
//! - `allowedOriginPatterns`: `*` anywhere in the host (any characters, dots included), port
//!   lists `[8080,8081]` or `[*]`, matched case-sensitively; `*` alone reflects every origin,
//!   credentials included;
//! - `allowedHeaders("*")` echoes the requested headers, `allowedMethods("*")` the method.

use super::super::context::{Context, FormatMeta, Importer};
use super::super::draft::{Draft, DraftPolicy, Loc, Noted, OriginValue};
use super::super::syntax_tree::{self, named_children, Lang, Parsed};
use std::collections::HashMap;
use tree_sitter::Node;

/// The format's description.
pub static META: FormatMeta = FormatMeta {
    id: "spring",
    name: "Spring MVC",
    reads: "Java sources with `addCorsMappings` registrations, `@CrossOrigin` annotations or \
            registered `CorsConfiguration` objects, and corsc's own Spring output",
};

/// The importer.
pub struct Spring;

impl Importer for Spring {
    fn meta(&self) -> &'static FormatMeta {
        &META
    }

    fn read(&self, cx: &mut Context, files: &[usize]) -> Draft {
        syntax_tree::read_files(
            cx,
            files,
            |_| Lang::Java,
            |cx, parsed, draft| {
                let r = Reader::new(parsed);
                r.registrations(cx, draft);
                r.cross_origin(cx, draft);
                r.configurations(cx, draft);
            },
        )
    }
}

/// One `CorsConfiguration` as it is being built.
#[derive(Clone, Default)]
struct Config {
    origins: Vec<Noted<OriginValue>>,
    /// Origins that are Spring's default `*`, dropped when an origin or pattern is set.
    default_any: bool,
    placeholders: Vec<Noted<String>>,
    methods: Option<Vec<Noted<String>>>,
    headers: Option<Vec<Noted<String>>>,
    expose: Option<Vec<Noted<String>>>,
    credentials: Option<Noted<bool>>,
    max_age: Option<Noted<u64>>,
    private_network: Option<Noted<bool>>,
}

impl Config {
    /// `applyPermitDefaultValues()` on what is not set yet.
    fn permit_defaults(&mut self) {
        if self.origins.is_empty() && self.placeholders.is_empty() {
            self.default_any = true;
        }
        if self.methods.is_none() {
            self.methods = Some(
                ["GET", "HEAD", "POST"]
                    .iter()
                    .map(|m| Noted::implied((*m).to_string(), "Spring's default methods"))
                    .collect(),
            );
        }
        if self.headers.is_none() {
            self.headers = Some(vec![Noted::implied(
                "mirror".to_string(),
                "Spring's default allows every requested header (echoed)",
            )]);
        }
        if self.max_age.is_none() {
            self.max_age = Some(Noted::implied(1800, "Spring's default max-age"));
        }
    }

    fn into_policy(self, name: &str, at: Loc, paths: Vec<Noted<String>>) -> DraftPolicy {
        let mut p = DraftPolicy::new(name, Some(at));
        p.paths = paths;
        p.origins = self.origins;
        if self.default_any {
            p.origins.push(Noted::implied(
                OriginValue::Any,
                "Spring's default: every origin",
            ));
        }
        p.placeholders = self.placeholders;
        p.methods = Some(self.methods.unwrap_or_default());
        p.request_headers = self.headers;
        p.expose_headers = self.expose;
        p.credentials = self.credentials;
        p.max_age = self.max_age;
        p.private_network = self.private_network;
        p
    }
}

/// A string value, or several.
enum Strs {
    Known(Vec<(String, Loc)>),
    Unknown(Loc, String),
}

struct Reader<'p, 't> {
    p: &'p Parsed<'t>,
    /// `static final String X = "…"` (and `String[]`) constants: name → initializer.
    consts: HashMap<&'t str, Node<'p>>,
    nodes: Vec<Node<'p>>,
}

impl<'p, 't> Reader<'p, 't> {
    fn new(p: &'p Parsed<'t>) -> Self {
        let nodes = p.nodes();
        let mut consts = HashMap::new();
        for n in &nodes {
            if n.kind() != "field_declaration" {
                continue;
            }
            let text = p.text(*n);
            if !(text.contains("final") && text.contains("String")) {
                continue;
            }
            for d in named_children(*n) {
                if d.kind() == "variable_declarator" {
                    if let (Some(name), Some(v)) = (
                        d.child_by_field_name("name"),
                        d.child_by_field_name("value"),
                    ) {
                        consts.insert(p.text(name), v);
                    }
                }
            }
        }
        Reader { p, consts, nodes }
    }

    fn loc(&self, n: Node<'_>) -> Loc {
        self.p.loc(n)
    }

    fn name(&self, call: Node<'_>) -> &'t str {
        call.child_by_field_name("name")
            .map_or("", |n| self.p.text(n))
    }

    fn args(call: Node<'p>) -> Vec<Node<'p>> {
        call.child_by_field_name("arguments")
            .map(named_children)
            .unwrap_or_default()
    }

    /// The strings an expression stands for: literals, constants, `List.of`, `Arrays.asList`,
    /// `Collections.singletonList`, `new String[]{…}`, `RequestMethod.GET`, corsc's
    /// `Policy.lines(…)` and `Policy.joined(…)`.
    fn strings(&self, n: Node<'p>, depth: usize) -> Strs {
        let p = self.p;
        let at = self.loc(n);
        if depth > 16 {
            return Strs::Unknown(at, p.text(n).to_string());
        }
        match n.kind() {
            "string_literal" => match java_string(p, n) {
                Some(s) => Strs::Known(vec![(s, at)]),
                None => Strs::Unknown(at, p.text(n).to_string()),
            },
            "identifier" => match self.consts.get(p.text(n)) {
                Some(&v) => self.strings(v, depth + 1),
                None => Strs::Unknown(at, p.text(n).to_string()),
            },
            "field_access" => {
                let field = n.child_by_field_name("field").map_or("", |f| p.text(f));
                let object = n.child_by_field_name("object").map_or("", |f| p.text(f));
                if matches!(object, "RequestMethod" | "HttpMethod") {
                    Strs::Known(vec![(field.to_string(), at)])
                } else if object == "CorsConfiguration" && field == "ALL" {
                    Strs::Known(vec![("*".to_string(), at)])
                } else {
                    Strs::Unknown(at, p.text(n).to_string())
                }
            }
            "array_initializer"
            | "array_creation_expression"
            | "element_value_array_initializer" => {
                let items: Vec<Node<'p>> = if n.kind() == "array_creation_expression" {
                    n.child_by_field_name("value")
                        .map(named_children)
                        .unwrap_or_default()
                } else {
                    named_children(n)
                };
                self.all(items, depth)
            }
            "method_invocation" => {
                let name = self.name(n);
                let object = n.child_by_field_name("object").map_or("", |o| p.text(o));
                let args = Self::args(n);
                match name {
                    "of" | "asList" | "singletonList" | "singleton" | "emptyList" | "listOf" => {
                        self.all(args, depth)
                    }
                    "lines" if object == "Policy" => match self.all(args, depth) {
                        Strs::Known(v) => Strs::Known(
                            v.into_iter()
                                .flat_map(|(s, l)| {
                                    s.split('\n')
                                        .map(|x| (x.to_string(), l))
                                        .collect::<Vec<_>>()
                                })
                                .filter(|(s, _)| !s.is_empty())
                                .collect(),
                        ),
                        u @ Strs::Unknown(..) => u,
                    },
                    "joined" if object == "Policy" => match self.all(args, depth) {
                        Strs::Known(v) => {
                            Strs::Known(vec![(v.into_iter().map(|(s, _)| s).collect(), at)])
                        }
                        u @ Strs::Unknown(..) => u,
                    },
                    "name" | "toString" => match n.child_by_field_name("object") {
                        Some(o) => self.strings(o, depth + 1),
                        None => Strs::Unknown(at, p.text(n).to_string()),
                    },
                    _ => Strs::Unknown(at, p.text(n).to_string()),
                }
            }
            "parenthesized_expression" | "cast_expression" => match named_children(n).last() {
                Some(&inner) => self.strings(inner, depth + 1),
                None => Strs::Unknown(at, p.text(n).to_string()),
            },
            _ => Strs::Unknown(at, p.text(n).to_string()),
        }
    }

    /// The source text of arguments, for a placeholder.
    fn joined(&self, args: &[Node<'_>]) -> String {
        let texts: Vec<&str> = args.iter().map(|a| self.p.text(*a)).collect();
        short(&texts.join(", ")).to_string()
    }

    fn all(&self, items: Vec<Node<'p>>, depth: usize) -> Strs {
        let mut out = Vec::new();
        for i in items {
            match self.strings(i, depth + 1) {
                Strs::Known(v) => out.extend(v),
                u @ Strs::Unknown(..) => return u,
            }
        }
        Strs::Known(out)
    }

    /// Reads one setting (`allowedOrigins`, `setMaxAge`, `origins = …`) into `cfg`.
    #[allow(clippy::too_many_lines)]
    fn apply(&self, cx: &mut Context, cfg: &mut Config, key: &str, args: &[Node<'p>], at: Loc) {
        let strs = |cx: &mut Context| -> Option<Vec<(String, Loc)>> {
            match self.all(args.to_vec(), 0) {
                Strs::Known(v) => Some(v),
                Strs::Unknown(l, text) => {
                    cx.runtime(
                        l,
                        format!("`{key}` is computed at run time from `{}`", short(&text)),
                        "write the values as literals (or `static final` constants of this file)",
                    );
                    None
                }
            }
        };
        let add = key.starts_with("add");
        let key = key
            .trim_start_matches("set")
            .trim_start_matches("add")
            .to_ascii_lowercase();
        match key.as_str() {
            "allowedorigins" | "allowedorigin" | "origins" | "value" => {
                cfg.default_any = false;
                if !add {
                    cfg.origins.clear();
                }
                match strs(cx) {
                    Some(v) => {
                        for (s, l) in v {
                            for one in comma_split(&s) {
                                exact_origin(cx, cfg, &one, l);
                            }
                        }
                    }
                    None => cfg.placeholders.push(Noted::at(self.joined(args), at)),
                }
            }
            "allowedoriginpatterns" | "allowedoriginpattern" | "originpatterns" => {
                cfg.default_any = false;
                match strs(cx) {
                    Some(v) => {
                        for (s, l) in v {
                            for one in comma_split(&s) {
                                pattern_origin(cx, cfg, &one, l);
                            }
                        }
                    }
                    None => cfg.placeholders.push(Noted::at(self.joined(args), at)),
                }
            }
            "allowedmethods" | "allowedmethod" | "methods" => {
                let v = strs(cx).unwrap_or_default();
                let list: Vec<Noted<String>> = v
                    .into_iter()
                    .map(|(s, l)| Noted::at(s.trim().to_string(), l))
                    .collect();
                if add {
                    cfg.methods.get_or_insert_with(Vec::new).extend(list);
                } else {
                    cfg.methods = Some(list);
                }
            }
            "allowedheaders" | "allowedheader" => {
                let v = strs(cx).unwrap_or_default();
                let list: Vec<Noted<String>> = v
                    .into_iter()
                    .map(|(s, l)| {
                        if s.trim() == "*" {
                            Noted::at("mirror".to_string(), l)
                                .with_comment("Spring echoes the requested headers for `*`")
                        } else {
                            Noted::at(s.trim().to_string(), l)
                        }
                    })
                    .collect();
                if add {
                    cfg.headers.get_or_insert_with(Vec::new).extend(list);
                } else {
                    cfg.headers = Some(list);
                }
            }
            "exposedheaders" | "exposedheader" => {
                let v = strs(cx).unwrap_or_default();
                let list: Vec<Noted<String>> = v
                    .into_iter()
                    .map(|(s, l)| Noted::at(s.trim().to_string(), l))
                    .collect();
                if add {
                    cfg.expose.get_or_insert_with(Vec::new).extend(list);
                } else {
                    cfg.expose = Some(list);
                }
            }
            "allowcredentials" | "allowprivatenetwork" => {
                let text = args.first().map_or("", |a| self.p.text(*a));
                let value = match text.trim() {
                    "true" | "Boolean.TRUE" | "\"true\"" => Some(true),
                    "false" | "Boolean.FALSE" | "\"false\"" | "null" | "\"\"" => Some(false),
                    _ => None,
                };
                let Some(value) = value else {
                    cx.runtime(
                        at,
                        format!("`{key}` is computed at run time; the policy leaves it off"),
                        "write `true` or `false`",
                    );
                    return;
                };
                let v = Some(Noted::at(value, at));
                if key == "allowcredentials" {
                    cfg.credentials = v;
                } else {
                    cfg.private_network = v;
                }
            }
            "maxage" => {
                let text = args
                    .first()
                    .map_or("", |a| self.p.text(*a))
                    .trim()
                    .trim_matches('"')
                    .trim_end_matches(['L', 'l'])
                    .replace('_', "");
                match text.parse::<i64>() {
                    Ok(n) if n > 0 => cfg.max_age = Some(Noted::at(n.unsigned_abs(), at)),
                    Ok(_) => {}
                    Err(_) => cx.runtime(
                        at,
                        "`maxAge` is computed at run time; the policy sets none",
                        "write the number of seconds as a literal",
                    ),
                }
            }
            "applypermitdefaultvalues" => cfg.permit_defaults(),
            _ => {}
        }
    }

    /// `registry.addMapping("/api/**").allowedOrigins(…)…`.
    fn registrations(&self, cx: &mut Context, draft: &mut Draft) {
        for &n in &self.nodes {
            if n.kind() != "method_invocation" || self.name(n) != "addMapping" {
                continue;
            }
            let Some(path) = Self::args(n).first().copied() else {
                continue;
            };
            let mut cfg = Config::default();
            cfg.permit_defaults();
            let mut last = n;
            while let Some(parent) = last
                .parent()
                .filter(|x| x.kind() == "method_invocation")
                .filter(|x| x.child_by_field_name("object") == Some(last))
            {
                let key = self.name(parent);
                let args = Self::args(parent);
                self.apply(cx, &mut cfg, key, &args, self.loc(parent));
                last = parent;
            }
            if cfg.default_any {
                cx.implicit(
                    self.loc(n),
                    "`addMapping` without `allowedOrigins` or `allowedOriginPatterns` allows \
                     every origin",
                    "name the origins: `.allowedOrigins(\"https://app.example.com\")`",
                );
            }
            if let Some(paths) = self.paths(cx, path) {
                let name = paths
                    .first()
                    .map_or("cors".to_string(), |p| p.value.clone());
                draft
                    .policies
                    .push(cfg.into_policy(&name, self.loc(last), paths));
            }
        }
    }

    /// A path pattern as a policy's `paths` (empty for every path); `None` when it cannot be
    /// said (then it is reported, and the policy left out rather than widened).
    fn paths(&self, cx: &mut Context, n: Node<'p>) -> Option<Vec<Noted<String>>> {
        let mut out = Vec::new();
        let Strs::Known(v) = self.strings(n, 0) else {
            cx.runtime(
                self.loc(n),
                "the path pattern is computed at run time; this configuration is left out",
                "write the path pattern as a literal",
            );
            return None;
        };
        for (s, l) in v {
            match spring_path(&s) {
                Some(None) => return Some(Vec::new()),
                Some(Some(p)) => {
                    if let Some(base) = p.strip_suffix("/*") {
                        cx.narrowed(
                            l,
                            format!(
                                "Spring's `{}` also matches `{}` itself; the policy's `\"{p}\"` \
                                 covers `{}` only when compiled for Spring, whose routing model \
                                 includes it: another target sends no CORS there",
                                short(&s),
                                short(base),
                                short(base)
                            ),
                            format!(
                                "add `\"{}\"` to the policy's paths if every server should \
                                 answer CORS on it",
                                short(base)
                            ),
                        );
                    }
                    out.push(Noted::at(p, l));
                }
                None => {
                    cx.narrowed(
                        l,
                        format!(
                            "the path pattern `{}` (variables, `*` in a segment, `?`) has no \
                             equivalent in a policy's `paths`; this configuration is left out",
                            short(&s)
                        ),
                        "write the policy for these paths by hand, with `paths` that cover no \
                         more than the pattern",
                    );
                    return None;
                }
            }
        }
        Some(out)
    }

    /// The annotations on a class or method declaration: name → node.
    fn annotations(&self, decl: Node<'p>) -> Vec<(&'t str, Node<'p>)> {
        let mut out = Vec::new();
        for c in named_children(decl) {
            if c.kind() != "modifiers" {
                continue;
            }
            for a in named_children(c) {
                if matches!(a.kind(), "annotation" | "marker_annotation") {
                    let name = a.child_by_field_name("name").map_or("", |x| self.p.text(x));
                    let name = name.rsplit('.').next().unwrap_or(name);
                    out.push((name, a));
                }
            }
        }
        out
    }

    /// The `key = value` pairs of an annotation (`value` for a single unnamed one).
    fn elements(&self, a: Node<'p>) -> Vec<(&'t str, Node<'p>, Loc)> {
        let mut out = Vec::new();
        let Some(args) = a.child_by_field_name("arguments") else {
            return out;
        };
        for c in named_children(args) {
            if c.kind() == "element_value_pair" {
                if let (Some(k), Some(v)) =
                    (c.child_by_field_name("key"), c.child_by_field_name("value"))
                {
                    out.push((self.p.text(k), v, self.loc(c)));
                }
            } else {
                out.push(("value", c, self.loc(c)));
            }
        }
        out
    }

    /// `@CrossOrigin` on a controller or handler: one policy per handler method it covers.
    fn cross_origin(&self, cx: &mut Context, draft: &mut Draft) {
        for &class in &self.nodes {
            if class.kind() != "class_declaration" {
                continue;
            }
            let class_ann = self.annotations(class);
            let class_cross = class_ann.iter().find(|(n, _)| *n == "CrossOrigin");
            let base = class_ann
                .iter()
                .find(|(n, _)| *n == "RequestMapping")
                .and_then(|(_, a)| self.mapping_paths(a))
                .unwrap_or_else(|| vec![(String::new(), self.loc(class))]);
            let Some(body) = class.child_by_field_name("body") else {
                continue;
            };
            for m in named_children(body) {
                if m.kind() != "method_declaration" {
                    continue;
                }
                let ann = self.annotations(m);
                let Some((kind, mapping)) = ann.iter().find(|(n, _)| n.ends_with("Mapping")) else {
                    continue;
                };
                let own = ann.iter().find(|(n, _)| *n == "CrossOrigin");
                let Some(&(_, cross)) = own.or(class_cross) else {
                    continue;
                };
                let mut cfg = Config::default();
                // Class-level settings first, then the method's, which add to them.
                for (_, a) in [class_cross, own].into_iter().flatten() {
                    for (key, v, at) in self.elements(*a) {
                        self.apply(cx, &mut cfg, key, &[v], at);
                    }
                }
                if cfg.methods.is_none() {
                    let methods = self.mapping_methods(kind, *mapping);
                    if !methods.is_empty() {
                        cfg.methods = Some(
                            methods
                                .into_iter()
                                .map(|m| {
                                    Noted::implied(
                                        m,
                                        "the handler's own methods (@CrossOrigin's default)",
                                    )
                                })
                                .collect(),
                        );
                    }
                }
                cfg.permit_defaults();
                if cfg.default_any {
                    cx.implicit(
                        self.loc(cross),
                        "`@CrossOrigin` without `origins` or `originPatterns` allows every origin",
                        "name the origins: `@CrossOrigin(origins = \"https://app.example.com\")`",
                    );
                }
                let handler = self
                    .mapping_paths(mapping)
                    .unwrap_or_else(|| vec![(String::new(), self.loc(*mapping))]);
                let mut paths = Vec::new();
                let mut every = false;
                for (b, _) in &base {
                    for (h, l) in &handler {
                        let full = join_paths(b, h);
                        match spring_path(&full) {
                            Some(Some(p)) => paths.push(Noted::at(p, *l)),
                            Some(None) => every = true,
                            None => {
                                cx.narrowed(
                                    *l,
                                    format!(
                                        "the handler path `{}` has variables or wildcards a \
                                         policy's `paths` cannot say; it is left out",
                                        short(&full)
                                    ),
                                    "write the policy for this handler by hand",
                                );
                            }
                        }
                    }
                }
                if every {
                    paths.clear();
                } else if paths.is_empty() {
                    continue;
                }
                let name = m
                    .child_by_field_name("name")
                    .map_or("cors", |x| self.p.text(x));
                draft
                    .policies
                    .push(cfg.into_policy(name, self.loc(cross), paths));
            }
        }
    }

    /// The paths of a `@RequestMapping`/`@GetMapping`… (`value` or `path`).
    fn mapping_paths(&self, a: &Node<'p>) -> Option<Vec<(String, Loc)>> {
        for (k, v, _) in self.elements(*a) {
            if matches!(k, "value" | "path") {
                if let Strs::Known(v) = self.strings(v, 0) {
                    return Some(v);
                }
                return Some(vec![("{unknown}".to_string(), self.loc(v))]);
            }
        }
        None
    }

    /// The HTTP methods a handler is mapped to.
    fn mapping_methods(&self, kind: &str, a: Node<'p>) -> Vec<String> {
        match kind {
            "GetMapping" => return vec!["GET".into()],
            "PostMapping" => return vec!["POST".into()],
            "PutMapping" => return vec!["PUT".into()],
            "DeleteMapping" => return vec!["DELETE".into()],
            "PatchMapping" => return vec!["PATCH".into()],
            _ => {}
        }
        for (k, v, _) in self.elements(a) {
            if k == "method" {
                if let Strs::Known(v) = self.strings(v, 0) {
                    return v.into_iter().map(|(s, _)| s).collect();
                }
            }
        }
        Vec::new()
    }

    /// `CorsConfiguration` objects (and corsc's `Policy`) built in methods and registered
    /// with `registerCorsConfiguration(path, cfg)` or `m.put(path, cfg)`.
    fn configurations(&self, cx: &mut Context, draft: &mut Draft) {
        let p = self.p;
        // (method start, variable) → the configuration built so far.
        let mut configs: HashMap<(usize, &'t str), Config> = HashMap::new();
        // Variables that hold another method's result: (method, var) → (method, var).
        let mut links: HashMap<(usize, &'t str), (usize, &'t str)> = HashMap::new();
        let method_of = |n: Node<'_>| -> usize {
            let mut cur = n.parent();
            while let Some(c) = cur {
                if matches!(c.kind(), "method_declaration" | "constructor_declaration") {
                    return c.start_byte();
                }
                cur = c.parent();
            }
            0
        };
        let returned = |name: &str| -> Option<(usize, &'t str)> {
            let m = self.nodes.iter().find(|n| {
                n.kind() == "method_declaration"
                    && n.child_by_field_name("name").map(|x| p.text(x)) == Some(name)
            })?;
            let ret = syntax_tree::descendants(*m)
                .into_iter()
                .find(|r| r.kind() == "return_statement")?;
            let id = named_children(ret).into_iter().next()?;
            (id.kind() == "identifier").then(|| (m.start_byte(), p.text(id)))
        };
        for &n in &self.nodes {
            match n.kind() {
                "variable_declarator" => {
                    let (Some(name), Some(v)) = (
                        n.child_by_field_name("name"),
                        n.child_by_field_name("value"),
                    ) else {
                        continue;
                    };
                    let key = (method_of(n), p.text(name));
                    if v.kind() == "object_creation_expression" {
                        let ty = v.child_by_field_name("type").map_or("", |t| p.text(t));
                        if ty.ends_with("CorsConfiguration") {
                            configs.insert(key, Config::default());
                        } else if ty == "Policy" {
                            configs.insert(key, self.generated(cx, v));
                        }
                    } else if v.kind() == "method_invocation"
                        && v.child_by_field_name("object").is_none()
                    {
                        if let Some(target) = returned(self.name(v)) {
                            links.insert(key, target);
                        }
                    }
                }
                "method_invocation" => {
                    let Some(obj) = n.child_by_field_name("object") else {
                        continue;
                    };
                    let name = self.name(n);
                    let args = Self::args(n);
                    if obj.kind() != "identifier" {
                        continue;
                    }
                    let key = (method_of(n), p.text(obj));
                    if let Some(mut cfg) = configs.remove(&key) {
                        self.apply(cx, &mut cfg, name, &args, self.loc(n));
                        configs.insert(key, cfg);
                    }
                }
                _ => {}
            }
        }
        // Registrations last: Spring keeps the object, so settings made after registering it
        // apply too.
        for &n in &self.nodes {
            if n.kind() != "method_invocation"
                || !matches!(self.name(n), "registerCorsConfiguration" | "put")
            {
                continue;
            }
            let args = Self::args(n);
            if args.len() != 2 || args[1].kind() != "identifier" {
                continue;
            }
            let mut key = (method_of(n), p.text(args[1]));
            if let Some(&t) = links.get(&key) {
                key = t;
            }
            let Some(cfg) = configs.get(&key).cloned() else {
                continue;
            };
            if let Some(paths) = self.paths(cx, args[0]) {
                let name = paths.first().map_or(key.1.to_string(), |x| x.value.clone());
                draft
                    .policies
                    .push(cfg.into_policy(&name, self.loc(n), paths));
            }
        }
    }

    /// corsc's `new Policy(anyOrigin, exact, regexes)`: exact origins compared as written,
    /// regexes matched whole (`Matcher.matches`).
    fn generated(&self, cx: &mut Context, v: Node<'p>) -> Config {
        let mut cfg = Config::default();
        let args = Self::args(v);
        if args.len() != 3 {
            return cfg;
        }
        if self.p.text(args[0]) == "true" {
            cfg.origins
                .push(Noted::at(OriginValue::Any, self.loc(args[0])));
        }
        for (i, arg) in args[1..].iter().enumerate() {
            match self.strings(*arg, 0) {
                Strs::Known(list) => {
                    for (s, l) in list {
                        let o = if i == 0 {
                            OriginValue::Origin(s)
                        } else {
                            OriginValue::Regex(s)
                        };
                        cfg.origins.push(Noted::at(o, l));
                    }
                }
                Strs::Unknown(l, text) => {
                    cx.runtime(
                        l,
                        format!(
                            "the origins come from `{}`, known only at run time",
                            short(&text)
                        ),
                        "write the origins as literals",
                    );
                    cfg.placeholders
                        .push(Noted::at(short(&text).to_string(), l));
                }
            }
        }
        cfg
    }
}

/// `allowedOrigins` value: `*`, or an origin compared ignoring case after trimming one `/`.
fn exact_origin(cx: &mut Context, cfg: &mut Config, s: &str, at: Loc) {
    if s == "*" {
        cfg.origins.push(Noted::at(OriginValue::Any, at));
        if cfg.credentials.as_ref().is_some_and(|c| c.value) {
            cx.narrowed(
                at,
                "`allowedOrigins(\"*\")` with credentials: Spring 5.3+ refuses it at request time; \
                 earlier versions reflect every origin with credentials",
                "list the origins, or use `allowedOriginPatterns` with the sites you trust",
            );
        }
        return;
    }
    let s = s.strip_suffix('/').unwrap_or(s).to_ascii_lowercase();
    if s.contains('*') || s.contains(' ') {
        cx.ignored(
            at,
            format!(
                "`{}` is compared as it is; a `*` or a space in it matches no origin",
                short(&s)
            ),
            "use `allowedOriginPatterns` for wildcards",
        );
        return;
    }
    cfg.origins.push(Noted::at(OriginValue::Origin(s), at));
}

/// `allowedOriginPatterns` value: `*` alone, or a pattern with `*` for any characters and
/// `[p1,p2]`/`[*]` port lists, matched whole and case-sensitively.
fn pattern_origin(cx: &mut Context, cfg: &mut Config, s: &str, at: Loc) {
    let s = s.strip_suffix('/').unwrap_or(s);
    if s == "*" {
        cfg.origins.push(
            Noted::at(OriginValue::Any, at)
                .with_comment("allowedOriginPatterns(\"*\") reflects every origin"),
        );
        return;
    }
    if !s.contains('*') && !s.contains('[') {
        if s.chars().any(|c| c.is_ascii_uppercase()) {
            cx.ignored(
                at,
                format!("the pattern `{}` is matched case-sensitively; browsers send lower case, so it matches nothing", short(s)),
                "write the origin in lower case",
            );
            return;
        }
        cfg.origins
            .push(Noted::at(OriginValue::Origin(s.to_string()), at));
        return;
    }
    let mut re = String::from("^");
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '[' {
            let Some(end) = rest.find(']') else {
                cx.ignored(at, "an unclosed port list matches nothing", "close the `[`");
                return;
            };
            let ports: Vec<&str> = rest[1..end].split(',').map(str::trim).collect();
            if ports == ["*"] {
                re.push_str("[0-9]+");
            } else if ports
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            {
                re.push_str(&format!("(?:{})", ports.join("|")));
            } else {
                cx.ignored(
                    at,
                    "a port list that is not numbers matches nothing",
                    "list port numbers",
                );
                return;
            }
            rest = &rest[end + 1..];
        } else if c == '*' {
            re.push_str(".*");
            rest = &rest[1..];
        } else {
            re.push_str(&regex::escape(&c.to_string()));
            rest = &rest[c.len_utf8()..];
        }
    }
    re.push('$');
    cfg.origins
        .push(Noted::at(OriginValue::Regex(re), at).with_comment(format!(
            "allowedOriginPatterns(\"{}\"): `*` is any characters, dots too",
            short(s)
        )));
}

/// Spring's comma-separated values (commas inside `[…]` port lists kept).
fn comma_split(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut ports = false;
    for c in s.chars() {
        match c {
            '[' => ports = true,
            ']' => ports = false,
            ',' if !ports => {
                out.push(cur.trim().to_string());
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur.trim().to_string());
    out.retain(|x| !x.is_empty());
    out
}

/// A Spring path pattern as a policy path: `Some(None)` for every path (`/**`), `Some(p)`
/// for `/api/**` (`/api/*`) or a plain path, `None` for what a policy cannot say.
fn spring_path(s: &str) -> Option<Option<String>> {
    if s == "/**" || s.is_empty() {
        return Some(None);
    }
    let (base, prefix) = match s.strip_suffix("/**") {
        Some(b) => (b, true),
        None => (s, false),
    };
    if !base.starts_with('/') && !base.is_empty()
        || base
            .chars()
            .any(|c| matches!(c, '*' | '?' | '{' | '}' | '[' | ']'))
    {
        return None;
    }
    let base = if base.starts_with('/') || base.is_empty() {
        base.to_string()
    } else {
        format!("/{base}")
    };
    Some(Some(if prefix { format!("{base}/*") } else { base }))
}

fn join_paths(a: &str, b: &str) -> String {
    let a = a.trim_end_matches('/');
    if b.is_empty() {
        return if a.is_empty() {
            "/".to_string()
        } else {
            a.to_string()
        };
    }
    if b.starts_with('/') {
        format!("{a}{b}")
    } else {
        format!("{a}/{b}")
    }
}

/// The value of a Java string literal.
fn java_string(p: &Parsed<'_>, n: Node<'_>) -> Option<String> {
    let mut out = String::new();
    let kids = named_children(n);
    if kids.is_empty() {
        let t = p.text(n);
        return Some(t.trim_matches('"').to_string());
    }
    for c in kids {
        match c.kind() {
            "string_fragment" | "multiline_string_fragment" => out.push_str(p.text(c)),
            "escape_sequence" => {
                let e = p.text(c);
                let body = e.strip_prefix('\\')?;
                match body.chars().next()? {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    's' => out.push(' '),
                    '0'..='7' => out.push(char::from_u32(u32::from_str_radix(body, 8).ok()?)?),
                    'u' => out.push(char::from_u32(
                        u32::from_str_radix(body.trim_start_matches('u'), 16).ok()?,
                    )?),
                    other => out.push(other),
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

fn short(s: &str) -> &str {
    match s.char_indices().nth(80) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}
