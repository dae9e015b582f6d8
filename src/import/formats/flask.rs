//! Flask with Flask-CORS: `CORS(app, …)` / `cors.init_app(app, …)` calls and `@cross_origin(…)`
//! decorators (the path from the `@….route("…")` beside it), read anywhere in the module.
//!
//! What Flask-CORS 6 does with them (`flask_cors/core.py`, `extension.py`), and so what the
//! policy says:
//!
//! - Options: `origins` (default `*`), `supports_credentials` (default false), `methods`
//!   (default every method), `allow_headers` (default `*`: every requested header is echoed,
//!   `Authorization` too, which is `request-headers mirror`), `expose_headers`, `max_age`,
//!   `allow_private_network`. A resource's options override the call's.
//! - Origins: a string holding none of `* \ ] ? $ ^ [ ( )` is compared whole, ignoring case;
//!   any other string is a regex, `re.match` with `re.IGNORECASE`: anchored at the start only,
//!   written `regex "(?i)^(?:…)"` so the regex lints see it. `"*"` is `.*`: every origin, and
//!   with `supports_credentials` Flask-CORS reflects every origin with credentials (`*` with
//!   credentials in the policy). `re.compile(…)` is a case-sensitive `re.match`.
//! - `resources` keys are path regexes (`re.match`, case-sensitive): `r"/api/*"` means `/api`
//!   then zero or more `/`, so it matches `/apiary` too and is written `"/api*"`. A key that is
//!   no regex is an exact path. Any other regex cannot be said: that resource is left out (I101).
//! - `app.config` settings (`CORS_ORIGINS`, `CORS_SUPPORTS_CREDENTIALS`, … and
//!   `CORS_RESOURCES`) are the options' defaults, under the call's own (`get_cors_options`):
//!   read from `app.config["CORS_…"] = …`, `app.config.update(…)`, `from_mapping(…)` and
//!   `from_object(Class)` with a class of the module. `CORS(app)` reads them when it runs, so
//!   only those set above the call count; `@cross_origin` reads them on each request, so all
//!   count. Settings loaded from elsewhere (`from_pyfile`, `from_envvar`, another module's
//!   object) cannot be read: a finding says so (I102), since they may narrow what the call
//!   allows and the policy cannot know.

use super::super::context::{Context, FormatMeta, Importer};
use super::super::draft::{Draft, DraftPolicy, Loc, Noted, OriginValue};
use super::super::python::{literal_strings, match_regex, path_scopes, Item, Module, Value};
use std::collections::HashMap;
use tree_sitter::Node;

/// The format's description.
pub static META: FormatMeta = FormatMeta {
    id: "flask",
    name: "Flask (Flask-CORS)",
    reads: "a Flask application module's CORS(…) calls and @cross_origin decorators",
};

/// The Flask importer.
pub struct Flask;

const ALL_METHODS: &[&str] = &["GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"];

/// The characters that make Flask-CORS read a string as a regex (`probably_regex`).
const REGEX_CHARS: &[char] = &['*', '\\', ']', '?', '$', '^', '[', '(', ')'];

impl Importer for Flask {
    fn meta(&self) -> &'static FormatMeta {
        &META
    }

    fn read(&self, cx: &mut Context, files: &[usize]) -> Draft {
        let mut draft = Draft::default();
        for &f in files {
            let Some(m) = Module::parse(cx, f, "a Flask application module") else {
                continue;
            };
            let mut consts: HashMap<String, Value> = HashMap::new();
            for (name, node, aug, _) in m.assignments() {
                if !aug {
                    let v = m.eval(node, &consts);
                    consts.insert(name, v.value);
                }
            }
            let config = config(cx, &m, &consts);
            walk(cx, &m, &consts, &config, &mut draft);
        }
        draft
    }
}

/// Every node of the module, without recursion (a hostile file may nest deeply).
fn walk(
    cx: &mut Context,
    m: &Module,
    consts: &HashMap<String, Value>,
    config: &[Setting],
    draft: &mut Draft,
) {
    let mut stack = vec![m.root()];
    while let Some(n) = stack.pop() {
        match n.kind() {
            "call" => {
                let f = n
                    .child_by_field_name("function")
                    .map(|f| m.src(f))
                    .unwrap_or("");
                if f == "CORS" || f.ends_with(".init_app") && f != "app.init_app" {
                    let item = m.eval(n, consts);
                    if let Value::Call(_, pos, kw) = item.value {
                        // The app's settings set above the call, then the call's own.
                        let mut k: Options = config
                            .iter()
                            .filter(|c| c.before < n.start_byte())
                            .map(|c| (c.option.clone(), c.item.clone()))
                            .collect();
                        let own = !kw.is_empty();
                        k.extend(kw.clone());
                        if f == "CORS" && pos.is_empty() && !kw.iter().any(|(k, _)| k == "app") {
                            // `cors = CORS()` then `cors.init_app(app, …)`: the call there.
                            if own {
                                extension(cx, &mut k, item.at, draft);
                            }
                        } else {
                            extension(cx, &mut k, item.at, draft);
                        }
                    }
                    continue;
                }
            }
            "decorated_definition" => {
                decorated(cx, m, n, consts, config, draft);
            }
            _ => {}
        }
        let mut cursor = n.walk();
        let children: Vec<Node<'_>> = n.named_children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
}

/// Options of one resource: the call's, overridden by the resource's own.
type Options = Vec<(String, Item)>;

fn opt<'a>(o: &'a Options, name: &str) -> Option<&'a Item> {
    o.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v)
}

fn extension(cx: &mut Context, kw: &mut Options, at: Loc, draft: &mut Draft) {
    let resources = opt(kw, "resources").cloned();
    kw.retain(|(k, _)| k != "resources");
    match resources {
        None => {
            cx.implicit(
                at,
                "no `resources`: Flask-CORS applies these options to every path (`/*`)",
                "pass `resources={r\"/api/*\": {…}}` to limit CORS to the paths that need it",
            );
            draft.policies.push(policy(cx, kw, Vec::new(), at, "flask"));
        }
        Some(Item {
            value: Value::Dict(pairs),
            ..
        }) => {
            for (k, v) in pairs {
                let (key, opts) = match (&k.value, &v.value) {
                    (Value::Str(s), Value::Dict(o)) => (Some((s.clone(), true)), o.clone()),
                    (Value::Regex(s, false), Value::Dict(o)) => {
                        (Some((s.clone(), false)), o.clone())
                    }
                    _ => (None, Vec::new()),
                };
                let Some((key, plain)) = key else {
                    cx.runtime(
                        k.at,
                        "a resource computed at run time is left out",
                        "write it in the policy by hand",
                    );
                    continue;
                };
                let Some(paths) = resource_paths(cx, &key, plain, k.at) else {
                    continue;
                };
                let mut merged = kw.clone();
                for (ok, ov) in opts {
                    if let Value::Str(name) = ok.value {
                        merged.push((name, ov));
                    }
                }
                draft.policies.push(policy(cx, &merged, paths, k.at, &key));
            }
        }
        Some(Item {
            value: Value::Str(s),
            at: kat,
        }) => {
            if let Some(paths) = resource_paths(cx, &s, true, kat) {
                draft.policies.push(policy(cx, kw, paths, kat, &s));
            }
        }
        Some(i) => {
            cx.runtime(
                i.at,
                "`resources` is computed at run time; no policy is written for it",
                "write the paths in the policy by hand",
            );
        }
    }
}

/// The scopes a resource key means, or `None` (reported) when they cannot be said.
fn resource_paths(cx: &mut Context, key: &str, plain: bool, at: Loc) -> Option<Vec<Noted<String>>> {
    if plain && !key.contains(REGEX_CHARS) {
        return Some(vec![Noted::at(key.to_string(), at)]);
    }
    let key = if key == "*" { ".*" } else { key };
    match path_scopes(key, true) {
        Some(p) => Some(
            p.into_iter()
                .map(|s| {
                    let c = format!(
                        "resource `{key}`: re.match on the path, anchored at the start only"
                    );
                    Noted::at(s, at).with_comment(c)
                })
                .collect(),
        ),
        None => {
            cx.narrowed(
                at,
                format!(
                    "the resource `{key}` is a path regex the policy cannot say; it is left out"
                ),
                "write the policy's `paths` by hand (exact paths or prefixes ending in `*`)",
            );
            None
        }
    }
}

fn words(cx: &mut Context, o: &Options, name: &str, at: Loc) -> Option<(Vec<(String, Loc)>, Loc)> {
    let item = opt(o, name)?;
    match &item.value {
        Value::Str(s) => Some((
            s.split(',')
                .map(|x| (x.trim().to_string(), item.at))
                .filter(|(x, _)| !x.is_empty())
                .collect(),
            item.at,
        )),
        Value::List(l) => {
            let mut out = Vec::new();
            for i in l {
                match &i.value {
                    Value::Str(s) => out.push((s.clone(), i.at)),
                    _ => cx.runtime(
                        i.at,
                        format!("a `{name}` entry is computed at run time; it is left out"),
                        "write it by hand",
                    ),
                }
            }
            Some((out, item.at))
        }
        Value::None => None,
        _ => {
            cx.runtime(
                item.at,
                format!("`{name}` is computed at run time; the policy lists nothing for it"),
                "write it by hand",
            );
            let _ = at;
            Some((Vec::new(), item.at))
        }
    }
}

fn flag(cx: &mut Context, o: &Options, name: &str) -> Option<Noted<bool>> {
    let i = opt(o, name)?;
    match i.value {
        Value::Bool(b) => Some(Noted::at(b, i.at)),
        Value::None => Some(Noted::at(false, i.at)),
        _ => {
            cx.runtime(
                i.at,
                format!("`{name}` is computed at run time; the policy says false"),
                "write it by hand",
            );
            Some(Noted::at(false, i.at))
        }
    }
}

fn policy(
    cx: &mut Context,
    o: &Options,
    paths: Vec<Noted<String>>,
    at: Loc,
    name: &str,
) -> DraftPolicy {
    let mut p = DraftPolicy::new(name, Some(at));
    p.paths = paths;
    let credentials = flag(cx, o, "supports_credentials");
    let creds = credentials.as_ref().is_some_and(|c| c.value);
    // Origins.
    match opt(o, "origins") {
        None => {
            cx.implicit(
                at,
                if creds {
                    "no `origins`: Flask-CORS allows every origin by default, and with supports_credentials it reflects each one with credentials"
                } else {
                    "no `origins`: Flask-CORS allows every origin by default"
                },
                "pass `origins=[\"https://…\"]` with the origins that need access",
            );
            p.origins.push(Noted {
                value: OriginValue::Any,
                at: Some(at),
                comment: Some("Flask-CORS' default origins: every origin".to_string()),
            });
        }
        Some(item) => {
            let items: Vec<Item> = match &item.value {
                Value::List(l) => l.clone(),
                _ => vec![item.clone()],
            };
            for i in items {
                match &i.value {
                    Value::Str(s) if s == "*" || s == ".*" => {
                        p.origins.push(Noted::at(OriginValue::Any, i.at))
                    }
                    Value::Str(s) if !s.contains(REGEX_CHARS) => {
                        p.origins
                            .push(Noted::at(OriginValue::Origin(s.to_ascii_lowercase()), i.at));
                    }
                    Value::Str(s) => origin_regex(&mut p, s, true, i.at),
                    Value::Regex(s, icase) => origin_regex(&mut p, s, *icase, i.at),
                    _ => {
                        let text = match &i.value {
                            Value::Runtime(t) => t.clone(),
                            Value::Call(f, _, _) => format!("{f}(…)"),
                            _ => "a value that is not an origin".to_string(),
                        };
                        cx.runtime(
                            i.at,
                            format!("origins computed at run time: `{text}`"),
                            "write the origins it gives in the policy by hand",
                        );
                        p.placeholders.push(Noted::at(text, i.at));
                    }
                }
            }
        }
    }
    // Methods.
    p.methods = Some(match words(cx, o, "methods", at) {
        Some((list, _)) => list
            .into_iter()
            .map(|(m, a)| Noted::at(m.to_ascii_uppercase(), a))
            .collect(),
        None => ALL_METHODS
            .iter()
            .map(|m| Noted::implied((*m).to_string(), "Flask-CORS' default methods"))
            .collect(),
    });
    // Request headers.
    p.request_headers = Some(match opt(o, "allow_headers") {
        None => {
            cx.implicit(
                at,
                "no `allow_headers`: Flask-CORS echoes every requested header, Authorization and Cookie-bearing ones too",
                "pass `allow_headers=[…]` with the headers your clients send",
            );
            vec![Noted::implied(
                "mirror".to_string(),
                "Flask-CORS' default allow_headers `*` echoes every requested header",
            )]
        }
        Some(item) => {
            let items: Vec<Item> = match &item.value {
                Value::List(l) => l.clone(),
                _ => vec![item.clone()],
            };
            let mut out = Vec::new();
            for i in items {
                match &i.value {
                    Value::Str(s) if s == "*" || s == ".*" => {
                        out.push(Noted::at("mirror".to_string(), i.at))
                    }
                    // `re.compile(r".*")` (corsc's own output) matches every header name too:
                    // Flask-CORS then echoes what was asked.
                    Value::Regex(r, _) if r == ".*" || r == "^.*$" => {
                        out.push(Noted::at("mirror".to_string(), i.at));
                    }
                    Value::Str(s) if !s.contains(REGEX_CHARS) => {
                        out.push(Noted::at(s.to_ascii_lowercase(), i.at))
                    }
                    Value::Call(f, args, _) if f == "_header" => {
                        if let Some(Item {
                            value: Value::Str(h),
                            ..
                        }) = args.first()
                        {
                            out.push(Noted::at(h.to_ascii_lowercase(), i.at));
                        }
                    }
                    _ => cx.narrowed(
                        i.at,
                        "a request-header pattern the policy cannot say is left out",
                        "list the header names by hand",
                    ),
                }
            }
            out
        }
    });
    p.expose_headers = words(cx, o, "expose_headers", at)
        .map(|(l, _)| {
            l.into_iter()
                .map(|(h, a)| Noted::at(h, a))
                .collect::<Vec<_>>()
        })
        .filter(|l| !l.is_empty());
    p.credentials = credentials;
    if let Some(i) = opt(o, "max_age") {
        match &i.value {
            Value::Int(n) if *n > 0 => p.max_age = Some(Noted::at(n.unsigned_abs(), i.at)),
            Value::Str(s) if s.parse::<u64>().is_ok_and(|n| n > 0) => {
                p.max_age = s.parse::<u64>().ok().map(|n| Noted::at(n, i.at));
            }
            Value::Int(_) | Value::None => {}
            _ => cx.runtime(
                i.at,
                "`max_age` is computed at run time; the policy sends none",
                "write `max-age` by hand",
            ),
        }
    }
    p.private_network = flag(cx, o, "allow_private_network").filter(|b| b.value);
    if creds
        && opt(o, "send_wildcard").is_some_and(|w| w.value == Value::Bool(true))
        && p.origins.iter().any(|x| x.value == OriginValue::Any)
    {
        cx.unreadable(at, "Flask-CORS refuses supports_credentials with send_wildcard and origins `*` (ValueError at start-up)", "list the origins that need credentials");
    }
    p
}

fn origin_regex(p: &mut DraftPolicy, s: &str, icase: bool, at: Loc) {
    if !icase {
        if let Some(list) = literal_strings(s, 100_000) {
            if list
                .iter()
                .all(|o| !o.chars().any(|c| c.is_ascii_uppercase()))
            {
                for o in list {
                    p.origins.push(Noted::at(OriginValue::Origin(o), at));
                }
                return;
            }
        }
    }
    let comment = if icase {
        "Flask-CORS reads this string as a regex: re.match, ignoring case, anchored at the start only"
    } else {
        "re.match: anchored at the start only"
    };
    p.origins
        .push(Noted::at(OriginValue::Regex(match_regex(s, icase)), at).with_comment(comment));
}

/// `@cross_origin(…)` with the route it decorates.
fn decorated(
    cx: &mut Context,
    m: &Module,
    n: Node<'_>,
    consts: &HashMap<String, Value>,
    config: &[Setting],
    draft: &mut Draft,
) {
    let mut cursor = n.walk();
    let decorators: Vec<Node<'_>> = n
        .named_children(&mut cursor)
        .filter(|c| c.kind() == "decorator")
        .collect();
    let mut cross = None;
    let mut routes = Vec::new();
    for d in decorators {
        let Some(e) = d.named_child(0) else { continue };
        let (fname, item) = match e.kind() {
            "call" => {
                let f = e
                    .child_by_field_name("function")
                    .map(|f| m.src(f))
                    .unwrap_or("");
                (f.to_string(), m.eval(e, consts))
            }
            _ => (
                m.src(e).to_string(),
                Item {
                    value: Value::Call(m.src(e).to_string(), Vec::new(), Vec::new()),
                    at: m.loc(e),
                },
            ),
        };
        if fname == "cross_origin" || fname.ends_with(".cross_origin") {
            cross = Some(item);
        } else if fname.ends_with(".route")
            || fname.ends_with(".get")
            || fname.ends_with(".post")
            || fname.ends_with(".put")
            || fname.ends_with(".delete")
            || fname.ends_with(".patch")
        {
            if let Value::Call(_, pos, _) = &item.value {
                match pos.first() {
                    Some(Item {
                        value: Value::Str(r),
                        at,
                    }) => routes.push((r.clone(), *at)),
                    Some(i) => cx.runtime(
                        i.at,
                        "a route computed at run time",
                        "write the path by hand",
                    ),
                    None => {}
                }
            }
        }
    }
    let Some(cross) = cross else { return };
    let Value::Call(_, _, own) = cross.value else {
        return;
    };
    // `@cross_origin` reads the app's settings on every request: all of them, then its own.
    let mut kw: Options = config
        .iter()
        .map(|c| (c.option.clone(), c.item.clone()))
        .collect();
    kw.extend(own);
    let mut paths = Vec::new();
    for (r, at) in routes {
        if r.contains('<') {
            cx.narrowed(
                at,
                format!("the route `{r}` has variable parts the policy cannot say; it is left out"),
                "write the policy's paths by hand",
            );
        } else {
            paths.push(Noted::at(r, at));
        }
    }
    if paths.is_empty() {
        cx.narrowed(
            cross.at,
            "@cross_origin on a view whose route cannot be read: no policy is written for it",
            "write the policy by hand",
        );
        return;
    }
    let name = paths[0].value.clone();
    draft.policies.push(policy(cx, &kw, paths, cross.at, &name));
}

/// One `CORS_*` setting of the app's config: the option it is the default of (`origins`,
/// `supports_credentials`, …), its value, and where it is set.
#[derive(Clone, Debug)]
struct Setting {
    option: String,
    item: Item,
    /// The byte where the statement that sets it starts: `CORS(app)` sees it if it comes first.
    before: usize,
}

/// The option a config key sets, as `get_app_kwarg_dict` names it (`CORS_MAX_AGE` → `max_age`),
/// for the keys Flask-CORS reads.
fn config_option(key: &str) -> Option<String> {
    const KEYS: &[&str] = &[
        "CORS_ORIGINS",
        "CORS_METHODS",
        "CORS_ALLOW_HEADERS",
        "CORS_EXPOSE_HEADERS",
        "CORS_SUPPORTS_CREDENTIALS",
        "CORS_MAX_AGE",
        "CORS_SEND_WILDCARD",
        "CORS_AUTOMATIC_OPTIONS",
        "CORS_VARY_HEADER",
        "CORS_RESOURCES",
        "CORS_INTERCEPT_EXCEPTIONS",
        "CORS_ALWAYS_SEND",
        "CORS_ALLOW_PRIVATE_NETWORK",
    ];
    KEYS.contains(&key)
        .then(|| key.to_ascii_lowercase().replacen("cors_", "", 1))
}

/// Whether the expression is `<something>.config`.
fn is_config(m: &Module, n: Option<Node<'_>>) -> bool {
    n.is_some_and(|n| n.kind() == "attribute" && m.src(n).ends_with(".config"))
}

/// The module's `CORS_*` settings, in order (without recursion into deep nesting: the
/// statements are found by an explicit stack). A `None` value is no setting, as in Flask-CORS.
fn config(cx: &mut Context, m: &Module, consts: &HashMap<String, Value>) -> Vec<Setting> {
    let mut out = Vec::new();
    let mut classes: HashMap<String, Node<'_>> = HashMap::new();
    let mut stack = vec![m.root()];
    let mut nodes = Vec::new();
    while let Some(n) = stack.pop() {
        if n.kind() == "class_definition" {
            if let Some(name) = n.child_by_field_name("name") {
                classes.insert(m.src(name).to_string(), n);
            }
        }
        nodes.push(n);
        let mut cursor = n.walk();
        let children: Vec<Node<'_>> = n.named_children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    let push = |key: &str, item: Item, before: usize, out: &mut Vec<Setting>| {
        if let Some(option) = config_option(key) {
            if item.value != Value::None {
                out.push(Setting {
                    option,
                    item,
                    before,
                });
            }
        }
    };
    for n in nodes {
        match n.kind() {
            // app.config["CORS_ORIGINS"] = […]
            "assignment" => {
                let (Some(left), Some(right)) = (
                    n.child_by_field_name("left"),
                    n.child_by_field_name("right"),
                ) else {
                    continue;
                };
                if left.kind() != "subscript" || !is_config(m, left.child_by_field_name("value")) {
                    continue;
                }
                let Some(key) = left.child_by_field_name("subscript") else {
                    continue;
                };
                match m.eval(key, consts).value {
                    Value::Str(k) => push(&k, m.eval(right, consts), n.start_byte(), &mut out),
                    _ => cx.runtime(
                        m.loc(key),
                        "a config key computed at run time: if it is a CORS_* setting, the policy does not know it",
                        "write the key as a string literal",
                    ),
                }
            }
            // app.config.update(…), .from_mapping(…), .from_object(…), .from_pyfile(…)
            "call" => {
                let Some(f) = n.child_by_field_name("function") else {
                    continue;
                };
                if f.kind() != "attribute" || !is_config(m, f.child_by_field_name("object")) {
                    continue;
                }
                let method = f.child_by_field_name("attribute").map_or("", |a| m.src(a));
                let Value::Call(_, pos, kw) = m.eval(n, consts).value else {
                    continue;
                };
                match method {
                    "update" | "from_mapping" => {
                        for p in &pos {
                            if let Value::Dict(pairs) = &p.value {
                                for (k, v) in pairs {
                                    if let Value::Str(k) = &k.value {
                                        push(k, v.clone(), n.start_byte(), &mut out);
                                    }
                                }
                            } else {
                                cx.runtime(
                                    p.at,
                                    format!("settings passed to `config.{method}` are computed at run time: CORS_* settings among them are not known"),
                                    "pass them as a dict literal or keywords, or write the policy by hand",
                                );
                            }
                        }
                        for (k, v) in kw {
                            push(&k, v, n.start_byte(), &mut out);
                        }
                    }
                    "from_object" => {
                        let class = pos.first().and_then(|p| match &p.value {
                            Value::Runtime(name) => classes.get(name.as_str()).copied(),
                            _ => None,
                        });
                        match class {
                            Some(c) => {
                                let Some(body) = c.child_by_field_name("body") else { continue };
                                let mut cursor = body.walk();
                                for stmt in body.named_children(&mut cursor) {
                                    let Some(a) = stmt.named_child(0).filter(|a| a.kind() == "assignment") else {
                                        continue;
                                    };
                                    let (Some(l), Some(r)) = (a.child_by_field_name("left"), a.child_by_field_name("right")) else {
                                        continue;
                                    };
                                    if l.kind() == "identifier" {
                                        push(m.src(l), m.eval(r, consts), n.start_byte(), &mut out);
                                    }
                                }
                            }
                            None => cx.runtime(
                                m.loc(n),
                                "settings loaded from an object outside this module are not read: CORS_* settings there would change what Flask-CORS allows",
                                "import the module that defines them too, or pass the CORS options to CORS(app, …)",
                            ),
                        }
                    }
                    "from_pyfile" | "from_envvar" | "from_file" | "from_prefixed_env" => cx.runtime(
                        m.loc(n),
                        format!("settings loaded by `config.{method}` are not read: CORS_* settings there would change what Flask-CORS allows"),
                        "pass the CORS options to CORS(app, …), or write the policy by hand",
                    ),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    out
}
