//! Django with django-cors-headers: the `CORS_*` settings of a settings module, read from the
//! module's top-level assignments (the last one wins, `+=` extends a list read before).
//!
//! What django-cors-headers 4 does with them (`corsheaders/conf.py`, `middleware.py`), and so
//! what the policy says:
//!
//! - `CORS_ALLOWED_ORIGINS` (`CORS_ORIGIN_WHITELIST`): each entry is `urlsplit` and compared by
//!   scheme and `netloc` only, so a path or trailing slash is ignored (its system check E014
//!   complains, but only where checks run): the policy lists the scheme and host. An entry
//!   without a scheme never matches: left out (I103). `"null"` allows the opaque origin.
//! - `CORS_ALLOWED_ORIGIN_REGEXES` (`CORS_ORIGIN_REGEX_WHITELIST`): `re.match`, anchored at the
//!   start only; written as `regex "^(?:…)"`, as wide as the server, so the regex lints see an
//!   unanchored end. A regex that is only literal text ending at `\Z`/`$` (corsc's own trie of
//!   exact origins) becomes those exact origins.
//! - `CORS_ALLOW_ALL_ORIGINS` (`CORS_ORIGIN_ALLOW_ALL`): `*`; with `CORS_ALLOW_CREDENTIALS` the
//!   middleware reflects every origin with credentials, which is `*` with credentials.
//! - `CORS_URLS_REGEX` (default `^.*$`, every path) becomes `paths` where it is literal
//!   prefixes or exact paths; any other regex cannot be said and the policy is left out
//!   (narrowed: no path gets CORS), with I101.
//! - Defaults the module leaves out are written as the library's (methods, headers, max-age
//!   86400), each with a comment and I105.
//! - A value computed at run time (`os.environ`, `env.list(…)`, a comprehension, a name not bound
//!   to a literal in the same module) is a placeholder (I102). Only names bound at the top
//!   level of the same module to literals are followed; `if` blocks and imports are not.
//! - corsc's own multi-policy output (`corsc_cors.py`) is recognised by its `_POLICIES` and
//!   `_SCOPES` literals.

use super::super::context::{Context, FormatMeta, Importer};
use super::super::draft::{Draft, DraftPolicy, Loc, Noted, OriginValue};
use super::super::python::{literal_strings, match_regex, path_scopes, Item, Module, Value};
use std::collections::HashMap;

/// The format's description.
pub static META: FormatMeta = FormatMeta {
    id: "django",
    name: "Django (django-cors-headers)",
    reads: "a Django settings module's CORS_* settings (or corsc's own corsc_cors.py)",
};

/// The Django importer.
pub struct Django;

const DEFAULT_METHODS: &[&str] = &["DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT"];
const DEFAULT_HEADERS: &[&str] = &[
    "accept",
    "authorization",
    "content-type",
    "user-agent",
    "x-csrftoken",
    "x-requested-with",
];

/// The most exact origins a literal regex is expanded into.
const MAX_EXPANDED: usize = 100_000;

impl Importer for Django {
    fn meta(&self) -> &'static FormatMeta {
        &META
    }

    fn read(&self, cx: &mut Context, files: &[usize]) -> Draft {
        let mut draft = Draft::default();
        for &f in files {
            let Some(m) = Module::parse(cx, f, "a Django settings module") else {
                continue;
            };
            let settings = settings(&m);
            if settings.contains_key("_POLICIES") && settings.contains_key("_SCOPES") {
                draft.policies.extend(generated(cx, &settings));
            } else if let Some(p) = policy(cx, &m, &settings) {
                draft.policies.push(p);
            }
        }
        draft
    }
}

/// Every top-level name bound to a value, the last binding winning; `+=` of two lists joins.
fn settings(m: &Module) -> HashMap<String, Item> {
    let mut out: HashMap<String, Item> = HashMap::new();
    let mut consts: HashMap<String, Value> = HashMap::new();
    for (name, node, aug, _) in m.assignments() {
        let mut v = m.eval(node, &consts);
        if aug {
            v = match (out.get(&name).map(|i| i.value.clone()), v.value) {
                (Some(Value::List(mut a)), Value::List(b)) => {
                    a.extend(b);
                    Item {
                        value: Value::List(a),
                        at: v.at,
                    }
                }
                _ => Item {
                    value: Value::Runtime(format!("{name} += {}", m.src_at_loc(v.at))),
                    at: v.at,
                },
            };
        }
        consts.insert(name.clone(), v.value.clone());
        out.insert(name, v);
    }
    out
}

trait SrcAt {
    fn src_at_loc(&self, at: Loc) -> &str;
}

impl SrcAt for Module {
    fn src_at_loc(&self, at: Loc) -> &str {
        self.text.get(at.span.start..at.span.end).unwrap_or("")
    }
}

fn get<'a>(s: &'a HashMap<String, Item>, names: &[&str]) -> Option<&'a Item> {
    names.iter().find_map(|n| s.get(*n))
}

fn strings(cx: &mut Context, item: &Item, what: &str) -> Option<Vec<(String, Loc)>> {
    match &item.value {
        Value::List(items) => {
            let mut out = Vec::new();
            for i in items {
                match &i.value {
                    Value::Str(s) => out.push((s.clone(), i.at)),
                    Value::Runtime(t) => {
                        cx.runtime(
                            i.at,
                            format!("{what}: `{t}` is computed at run time; it is left out"),
                            "write the values it gives in the policy by hand",
                        );
                    }
                    _ => cx.ignored(
                        i.at,
                        format!(
                            "{what}: this entry is not a string; django-cors-headers cannot use it"
                        ),
                        "remove it",
                    ),
                }
            }
            Some(out)
        }
        Value::Str(s) => {
            cx.narrowed(
                item.at,
                format!("{what} is one string, not a list: django-cors-headers would read each character as an entry"),
                "write a list: [\"…\"]",
            );
            let _ = s;
            Some(Vec::new())
        }
        _ => None,
    }
}

fn boolean(cx: &mut Context, item: Option<&Item>, name: &str) -> Option<Noted<bool>> {
    let item = item?;
    match &item.value {
        Value::Bool(b) => Some(Noted::at(*b, item.at)),
        Value::Int(i) => Some(Noted::at(*i != 0, item.at)),
        Value::None => Some(Noted::at(false, item.at)),
        _ => {
            cx.runtime(
                item.at,
                format!("`{name}` is computed at run time; the policy says false"),
                format!("write `{name} = True` or `False` if you know which, and import again"),
            );
            Some(Noted::at(false, item.at).with_comment(format!("{name} is computed at run time")))
        }
    }
}

fn words(
    cx: &mut Context,
    s: &HashMap<String, Item>,
    name: &str,
    default: Option<&[&str]>,
    turned_on: Loc,
) -> Option<Vec<Noted<String>>> {
    match s.get(name) {
        Some(item) => {
            let Some(list) = strings(cx, item, name) else {
                cx.runtime(
                    item.at,
                    format!("`{name}` is computed at run time; the policy lists nothing for it"),
                    "write the values in the policy by hand",
                );
                return Some(Vec::new());
            };
            Some(list.into_iter().map(|(v, at)| Noted::at(v, at)).collect())
        }
        None => {
            let d = default?;
            cx.implicit(
                turned_on,
                format!(
                    "`{name}` is not set: django-cors-headers uses its default ({})",
                    d.join(", ")
                ),
                format!("set `{name}` to the values you mean"),
            );
            Some(
                d.iter()
                    .map(|v| {
                        Noted::implied(
                            (*v).to_string(),
                            format!("django-cors-headers' default {name}"),
                        )
                    })
                    .collect(),
            )
        }
    }
}

/// The origin django-cors-headers compares an entry as: scheme and netloc, or `None` when it
/// can never match.
fn split_origin(s: &str) -> Option<(String, bool)> {
    let (scheme, rest) = s.split_once("://")?;
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let netloc = &rest[..end];
    if netloc.is_empty() {
        return None;
    }
    Some((
        format!("{}://{netloc}", scheme.to_ascii_lowercase()),
        end < rest.len(),
    ))
}

fn origins(cx: &mut Context, s: &HashMap<String, Item>, p: &mut DraftPolicy) {
    if let Some(item) = get(s, &["CORS_ALLOWED_ORIGINS", "CORS_ORIGIN_WHITELIST"]) {
        match strings(cx, item, "CORS_ALLOWED_ORIGINS") {
            Some(list) => {
                for (o, at) in list {
                    if o == "null" {
                        p.origins.push(Noted::at(OriginValue::Null, at));
                        continue;
                    }
                    match split_origin(&o) {
                        Some((origin, cut)) => {
                            let mut n = Noted::at(OriginValue::Origin(origin.clone()), at);
                            if cut {
                                cx.implicit(
                                    at,
                                    format!("`{o}` has a path: django-cors-headers compares only the scheme and host, so it allows `{origin}`"),
                                    format!("write `{origin}` (its system check E014 refuses a path)"),
                                );
                                n = n.with_comment(format!("written `{o}`; the path is ignored"));
                            }
                            p.origins.push(n);
                        }
                        None => cx.ignored(
                            at,
                            format!("`{o}` has no scheme: django-cors-headers never matches it (system check E013)"),
                            "write the origin with its scheme, `https://…`",
                        ),
                    }
                }
            }
            None => {
                cx.runtime(
                    item.at,
                    format!(
                        "CORS_ALLOWED_ORIGINS is computed at run time: `{}`",
                        runtime_text(item)
                    ),
                    "write the origins it gives in the policy by hand",
                );
                p.placeholders.push(Noted::at(runtime_text(item), item.at));
            }
        }
    }
    if let Some(item) = get(
        s,
        &["CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ORIGIN_REGEX_WHITELIST"],
    ) {
        match &item.value {
            Value::List(items) => {
                for i in items {
                    let (pat, icase) = match &i.value {
                        Value::Str(p) => (p.clone(), false),
                        Value::Regex(p, icase) => (p.clone(), *icase),
                        _ => {
                            cx.runtime(
                                i.at,
                                format!(
                                    "an origin regex is computed at run time: `{}`",
                                    runtime_text(i)
                                ),
                                "write the regex in the policy by hand",
                            );
                            p.placeholders.push(Noted::at(runtime_text(i), i.at));
                            continue;
                        }
                    };
                    regex_origin(p, &pat, icase, i.at);
                }
            }
            _ => {
                cx.runtime(
                    item.at,
                    format!(
                        "CORS_ALLOWED_ORIGIN_REGEXES is computed at run time: `{}`",
                        runtime_text(item)
                    ),
                    "write the regexes in the policy by hand",
                );
                p.placeholders.push(Noted::at(runtime_text(item), item.at));
            }
        }
    }
}

/// A `re.match` origin regex: exact origins when it is only literal text, else the regex as
/// wide as the server reads it.
fn regex_origin(p: &mut DraftPolicy, pat: &str, icase: bool, at: Loc) {
    if !icase {
        if let Some(list) = literal_strings(pat, MAX_EXPANDED) {
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
    p.origins.push(
        Noted::at(OriginValue::Regex(match_regex(pat, icase)), at)
            .with_comment("re.match: anchored at the start only"),
    );
}

fn runtime_text(i: &Item) -> String {
    match &i.value {
        Value::Runtime(t) => t.clone(),
        Value::Call(f, _, _) => format!("{f}(…)"),
        _ => "a value that is not a list".to_string(),
    }
}

fn paths(cx: &mut Context, s: &HashMap<String, Item>, p: &mut DraftPolicy) -> bool {
    let Some(item) = s.get("CORS_URLS_REGEX") else {
        return true;
    };
    let pat = match &item.value {
        Value::Str(x) | Value::Regex(x, false) => x.clone(),
        _ => {
            cx.runtime(
                item.at,
                "CORS_URLS_REGEX is computed at run time; no path scope can be written, so the policy is left out",
                "write the paths in the policy by hand",
            );
            return false;
        }
    };
    match path_scopes(&pat, false) {
        Some(scopes) => {
            for sc in scopes {
                p.paths.push(Noted::at(sc, item.at));
            }
            true
        }
        None => {
            cx.narrowed(
                item.at,
                format!("CORS_URLS_REGEX `{pat}` is not literal path prefixes or exact paths; the policy cannot say it, so it is left out"),
                "write the policy's `paths` by hand (exact paths or prefixes ending in `*`)",
            );
            false
        }
    }
}

fn policy(cx: &mut Context, m: &Module, s: &HashMap<String, Item>) -> Option<DraftPolicy> {
    let first = s
        .iter()
        .filter(|(k, _)| k.starts_with("CORS_"))
        .map(|(_, v)| v.at)
        .min_by_key(|l| l.span.start)?;
    let mut p = DraftPolicy::new(
        "django",
        Some(Loc::new(m.file, first.span.start, first.span.start)),
    );
    p.comments.push("django-cors-headers settings".to_string());
    if !paths(cx, s, &mut p) {
        return None;
    }
    let credentials = boolean(
        cx,
        s.get("CORS_ALLOW_CREDENTIALS"),
        "CORS_ALLOW_CREDENTIALS",
    );
    let all = boolean(
        cx,
        get(s, &["CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL"]),
        "CORS_ALLOW_ALL_ORIGINS",
    );
    let turned_on = match &all {
        Some(a) if a.value => {
            let comment = if credentials.as_ref().is_some_and(|c| c.value) {
                "CORS_ALLOW_ALL_ORIGINS with credentials: every origin is reflected with credentials"
            } else {
                "CORS_ALLOW_ALL_ORIGINS"
            };
            p.origins.push(Noted {
                value: OriginValue::Any,
                at: a.at,
                comment: Some(comment.to_string()),
            });
            a.at.unwrap_or(first)
        }
        _ => {
            origins(cx, s, &mut p);
            get(
                s,
                &[
                    "CORS_ALLOWED_ORIGINS",
                    "CORS_ORIGIN_WHITELIST",
                    "CORS_ALLOWED_ORIGIN_REGEXES",
                    "CORS_ORIGIN_REGEX_WHITELIST",
                ],
            )
            .map_or(first, |i| i.at)
        }
    };
    p.methods = words(
        cx,
        s,
        "CORS_ALLOW_METHODS",
        Some(DEFAULT_METHODS),
        turned_on,
    );
    p.request_headers = words(
        cx,
        s,
        "CORS_ALLOW_HEADERS",
        Some(DEFAULT_HEADERS),
        turned_on,
    );
    p.expose_headers =
        words(cx, s, "CORS_EXPOSE_HEADERS", None, turned_on).filter(|v| !v.is_empty());
    p.credentials = credentials;
    match s.get("CORS_PREFLIGHT_MAX_AGE") {
        Some(Item {
            value: Value::Int(n),
            at,
        }) => {
            if *n > 0 {
                p.max_age = Some(Noted::at(n.unsigned_abs(), *at));
            }
        }
        Some(Item {
            value: Value::None, ..
        }) => {}
        Some(i) => cx.runtime(
            i.at,
            "CORS_PREFLIGHT_MAX_AGE is computed at run time; the policy sends no max-age",
            "write `max-age` by hand",
        ),
        None => {
            cx.implicit(
                turned_on,
                "`CORS_PREFLIGHT_MAX_AGE` is not set: django-cors-headers sends 86400 (one day)",
                "set `CORS_PREFLIGHT_MAX_AGE` to what you mean",
            );
            p.max_age = Some(Noted::implied(
                86400,
                "django-cors-headers' default max-age",
            ));
        }
    }
    p.private_network = boolean(
        cx,
        s.get("CORS_ALLOW_PRIVATE_NETWORK"),
        "CORS_ALLOW_PRIVATE_NETWORK",
    )
    .filter(|b| b.value);
    Some(p)
}

/// corsc's own `corsc_cors.py`: `_POLICIES` (name → the values django-cors-headers would be
/// given) and `_SCOPES` (exact, prefix, name).
fn generated(cx: &mut Context, s: &HashMap<String, Item>) -> Vec<DraftPolicy> {
    let (
        Some(Item {
            value: Value::Dict(policies),
            ..
        }),
        Some(Item {
            value: scopes,
            at: scopes_at,
        }),
    ) = (s.get("_POLICIES"), s.get("_SCOPES"))
    else {
        return Vec::new();
    };
    let Value::List(scopes) = scopes else {
        cx.narrowed(
            *scopes_at,
            "_SCOPES is not a list; no policy is read",
            "compile the policy again",
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, v) in policies {
        let (Value::Str(name), Value::Dict(spec)) = (&k.value, &v.value) else {
            continue;
        };
        let field = |f: &str| {
            spec.iter()
                .find(|(k, _)| k.value == Value::Str(f.to_string()))
                .map(|(_, v)| v.clone())
        };
        let mut p = DraftPolicy::new(name.clone(), Some(k.at));
        for sc in scopes {
            if let Value::List(t) = &sc.value {
                if let [Item {
                    value: Value::Bool(exact),
                    ..
                }, Item {
                    value: Value::Str(path),
                    ..
                }, Item {
                    value: Value::Str(n),
                    ..
                }] = t.as_slice()
                {
                    if n == name {
                        let path = if *exact {
                            path.clone()
                        } else {
                            format!("{path}*")
                        };
                        p.paths.push(Noted::at(path, sc.at));
                    }
                }
            }
        }
        if p.paths.is_empty() {
            continue;
        }
        if matches!(
            field("any_origin"),
            Some(Item {
                value: Value::Bool(true),
                ..
            })
        ) {
            p.origins.push(Noted::at(OriginValue::Any, k.at));
        }
        if let Some(Item {
            value: Value::List(l),
            ..
        }) = field("exact")
        {
            for i in l {
                if let Value::Str(o) = &i.value {
                    p.origins
                        .push(Noted::at(OriginValue::Origin(o.clone()), i.at));
                }
            }
        }
        if let Some(Item {
            value: Value::List(l),
            ..
        }) = field("regexes")
        {
            for i in l {
                if let Value::Str(r) = &i.value {
                    regex_origin(&mut p, r, false, i.at);
                }
            }
        }
        let list = |f: &str| -> Option<Vec<Noted<String>>> {
            match field(f) {
                Some(Item {
                    value: Value::List(l),
                    ..
                }) => Some(
                    l.iter()
                        .filter_map(|i| match &i.value {
                            Value::Str(x) => Some(Noted::at(x.clone(), i.at)),
                            _ => None,
                        })
                        .collect(),
                ),
                _ => None,
            }
        };
        p.methods = list("methods");
        p.request_headers = list("headers");
        p.expose_headers = list("expose").filter(|v| !v.is_empty());
        if let Some(Item {
            value: Value::Bool(c),
            at,
        }) = field("credentials")
        {
            p.credentials = Some(Noted::at(c, at));
        }
        if let Some(Item {
            value: Value::Int(n),
            at,
        }) = field("max_age")
        {
            if n > 0 {
                p.max_age = Some(Noted::at(n.unsigned_abs(), at));
            }
        }
        if let Some(Item {
            value: Value::Bool(true),
            at,
        }) = field("private_network")
        {
            p.private_network = Some(Noted::at(true, at));
        }
        out.push(p);
    }
    out
}
