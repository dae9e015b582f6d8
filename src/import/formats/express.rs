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
use super::super::draft::{Draft, DraftPolicy, Loc, Noted};
use super::super::js_options::{self, Library, Reader, Val};
use super::super::syntax_tree::named_children;
use std::collections::HashSet;
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
        js_options::read_files(cx, files, &CORS, |js, cx, draft| {
            App {
                js,
                claimed: HashSet::new(),
            }
            .middleware(cx, draft);
        })
    }
}

/// The `cors` package, where it differs from `@fastify/cors`.
static CORS: Library = Library {
    packages: &["cors"],
    assumed_names: &["cors"],
    name: "cors",
    call: "cors()",
    turned_off: "this `cors` middleware",
    options_computed: "for each request at run time",
    default_methods: &["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"],
    default_methods_note: "the default methods of `cors`",
    default_methods_finding: None,
    scope_keys: &["handler"],
};

/// A hand-written app's `cors` middlewares.
struct App<'p, 't> {
    js: Reader<'p, 't>,
    /// Path sets already given a policy, to keep the first middleware on a path.
    claimed: HashSet<Vec<String>>,
}

impl<'p> App<'p, '_> {
    /// Every `cors(...)` call of a hand-written app.
    fn middleware(&mut self, cx: &mut Context, draft: &mut Draft) {
        let p = self.js.p;
        let mut calls = Vec::new();
        for n in p.nodes() {
            if n.kind() != "call_expression" {
                continue;
            }
            let Some(f) = n.child_by_field_name("function") else {
                continue;
            };
            if self.js.is_library(f) {
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
        let p = self.js.p;
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
        let path = first
            .filter(|a| *a != used_as)
            .map(|a| (self.js.value(a, 0), a));
        let paths = match path {
            None => None,
            Some(((Val::Str(s), _), at)) => Some(vec![(s, self.js.loc(at))]),
            Some(((Val::Array(items), _), _)) => {
                let mut v = Vec::new();
                for i in items {
                    match self.js.value(i, 0).0 {
                        Val::Str(s) => v.push((s, self.js.loc(i))),
                        _ => return Mount::Pattern(self.js.loc(i)),
                    }
                }
                Some(v)
            }
            Some((_, at)) => return Mount::Pattern(self.js.loc(at)),
        };
        match method.as_str() {
            "use" => Mount::Use(paths),
            "all" | "options" => Mount::Exact(paths),
            "get" | "post" | "put" | "patch" | "delete" | "head" => match paths {
                Some(paths) => Mount::Route(paths, method.to_ascii_uppercase(), self.js.loc(f)),
                None => Mount::Unknown,
            },
            _ => Mount::Unknown,
        }
    }

    /// One `cors(...)` call, mounted at `mount`.
    #[allow(clippy::too_many_lines)]
    fn one(&mut self, cx: &mut Context, draft: &mut Draft, call: Node<'p>, mount: &Mount) {
        let at = self.js.loc(call);
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
        let Some(props) = self.js.options(cx, arg, &mut pol) else {
            self.claimed.insert(key);
            draft.policies.push(pol);
            return;
        };
        // A route-level middleware is narrowed to requests without a preflight below, where
        // no request header is allowed: the default of echoing them does not apply there.
        if !self
            .js
            .read_options(cx, &props, at, &mut pol, route_method.is_none())
        {
            return;
        }
        let get = |k: &str| props.get(k).copied();

        // preflightContinue
        if let Some(n) = get("preflightContinue") {
            if !self.js.falsy(n) {
                cx.runtime(
                    self.js.loc(n),
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
