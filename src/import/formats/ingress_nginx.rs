//! `--from ingress-nginx`: the CORS annotations of Kubernetes `Ingress` objects, as the
//! ingress-nginx controller reads them.
//!
//! The semantics are the controller's own (`internal/ingress/annotations/cors/main.go`, the
//! `CORS` block of `rootfs/etc/nginx/template/nginx.tmpl` and `buildCorsOriginRegex` in
//! `internal/ingress/controller/template/template.go`):
//!
//! - Nothing happens unless `enable-cors` parses as a Go boolean that is true.
//! - Every annotation left out takes the controller's default, and so does every annotation
//!   whose value fails the controller's validation: origin `*`, credentials `true`, methods
//!   `GET, PUT, POST, DELETE, PATCH, OPTIONS`, nine request headers, max-age 1728000. A typo in
//!   `cors-allow-origin` (a trailing slash, a path) therefore allows every origin; the import
//!   says so (I105) at the value.
//! - Origin `*` makes nginx send `Access-Control-Allow-Origin: *` together with
//!   `Access-Control-Allow-Credentials: true` unless credentials are turned off: the policy
//!   says `*` with credentials, and lint reports it.
//! - Other origins are matched by `$http_origin ~* (…)$`: case-insensitive, anchored only at
//!   the end. For an origin a browser can send (`scheme://host[:port]`, lower case, one `://`)
//!   that is exactly the lower-cased origin, so exact origins are written as origins; a
//!   `*.` wildcard is one DNS label (`[A-Za-z0-9-]+`), narrower than the language's subdomain
//!   pattern, so it is written as an anchored regex. `null` is written as the controller's own
//!   regex, `(null)$` unanchored at the start, written `regex ".*null"`: `null` and every origin that ends in `null`.
//!
//! Paths follow the controller's locations: `Exact` is the exact path; `Prefix` `/api` is the
//! locations `= /api` and `/api/` (`"/api"` and `"/api/*"`: never `/apix`), `Prefix` `/api/`
//! only `/api/`; `ImplementationSpecific` is nginx's plain prefix (`"/api*"`). With `use-regex`
//! or `rewrite-target` the paths are case-insensitive regexes; a path without regex syntax is
//! narrowed to its case-sensitive prefix, any other is left out. Paths of Ingresses without
//! CORS get a policy that allows no origin when another Ingress's path would otherwise cover
//! them, as nginx's longest location does. The language has no host scoping: the policies
//! apply to every host, which the import reports when a file names several.

use crate::import::context::{Context, FormatMeta, Importer};
use crate::import::draft::{Draft, DraftPolicy, Loc, Noted, OriginValue};
use std::collections::BTreeMap;
use std::sync::LazyLock;
use yaml_serde::Value;

/// The format's description.
pub static META: FormatMeta = FormatMeta {
    id: "ingress-nginx",
    name: "ingress-nginx",
    reads: "Kubernetes Ingress YAML with nginx.ingress.kubernetes.io/ CORS annotations",
};

/// The importer.
pub struct IngressNginx;

const PREFIX: &str = "nginx.ingress.kubernetes.io/";
const DEFAULT_METHODS: &str = "GET, PUT, POST, DELETE, PATCH, OPTIONS";
const DEFAULT_HEADERS: &str =
    "DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization";
const DEFAULT_MAX_AGE: u64 = 1_728_000;

/// The controller's validation and parsing regexes, as written in its source (Go's `\s` is
/// ASCII whitespace, spelled out here).
fn re(s: &str) -> regex::Regex {
    regex::Regex::new(s).unwrap_or_else(|_| regex::Regex::new("$^").expect("a valid regex"))
}
static ORIGIN_VALIDATOR: LazyLock<regex::Regex> =
    LazyLock::new(|| re(r"^((((([a-z]+://)?(\*\.)?[A-Za-z0-9\-.]*(:\d+)?,?)|null)+)|\*)?$"));
static ORIGIN: LazyLock<regex::Regex> =
    LazyLock::new(|| re(r"^([a-z]+://(\*\.)?[A-Za-z0-9\-.]*(:\d+)?|\*|null)?$"));
static METHODS: LazyLock<regex::Regex> = LazyLock::new(|| re(r"^([A-Za-z]+,?[\t\n\x0C\r ]?)+$"));
static EXPOSE: LazyLock<regex::Regex> =
    LazyLock::new(|| re(r"^(([A-Za-z0-9\-_]+|\*),?[\t\n\x0C\r ]?)+$"));
static HEADERS: LazyLock<regex::Regex> = LazyLock::new(|| re(r"^[A-Za-z0-9_, \-]*$"));

/// Go's `strconv.ParseBool`.
fn go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Go's `strconv.Atoi` (64-bit).
fn go_int(s: &str) -> Option<i64> {
    s.parse::<i64>().ok()
}

/// The controller's `normalizeString`: every line trimmed.
fn normalize(s: &str) -> String {
    s.split('\n').map(str::trim).collect::<Vec<_>>().join("\n")
}

/// `ValidateRegex(re, true)`: spaces removed, then the regex, and no line breaks.
fn valid(re: &regex::Regex, raw: &str) -> bool {
    let s = raw.replace(' ', "");
    re.is_match(&s) && !s.contains(['\r', '\n'])
}

/// One annotation as read: its value and where it is.
struct Ann {
    value: String,
    at: Loc,
}

/// What one Ingress says about CORS: a policy without paths, or no CORS.
#[derive(Clone)]
struct Cors {
    policy: Option<DraftPolicy>,
}

impl Cors {
    /// What two configurations allow, without the places they were read.
    fn key(&self) -> String {
        let Some(p) = &self.policy else {
            return "none".to_string();
        };
        let vals = |v: &Option<Vec<Noted<String>>>| {
            v.as_ref()
                .map(|v| v.iter().map(|n| n.value.clone()).collect::<Vec<_>>())
        };
        format!(
            "{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
            p.origins.iter().map(|o| &o.value).collect::<Vec<_>>(),
            vals(&p.methods),
            vals(&p.request_headers),
            vals(&p.expose_headers),
            p.credentials.as_ref().map(|c| c.value),
            p.max_age.as_ref().map(|m| m.value),
        )
    }
}

/// One path scope an Ingress claims.
struct Scope {
    /// The language's path: `"/api"` or `"/api/*"`.
    path: String,
    /// Index into the Ingress configurations.
    cfg: usize,
    /// Where the path is written.
    at: Loc,
    /// The rule's path as written, for the policy's name.
    rule_path: String,
    /// An `= /api` location the controller adds for a `Prefix` path; one an `Exact` path
    /// names takes its place.
    implied_exact: bool,
    host: Option<String>,
}

/// Byte ranges of the YAML documents of a text (split at `---` lines).
fn documents(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let l = line.trim_end();
        if l == "---" || l.starts_with("--- ") || l.starts_with("---\t") {
            out.push((start, offset));
            start = offset + line.len();
        }
        offset += line.len();
    }
    out.push((start, text.len()));
    // A part with nothing but comments and blank lines is no document.
    out.retain(|&(s, e)| {
        text[s..e]
            .lines()
            .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#') && l.trim() != "...")
    });
    out
}

/// Finds things in the YAML text for diagnostics: the `n`-th occurrence of a key in a range,
/// and its value.
struct Finder<'a> {
    text: &'a str,
    file: usize,
}

impl Finder<'_> {
    /// The span of the `n`-th (0-based) line in `range` whose key is `key` (quoted or not),
    /// as (key span, value span).
    fn key(&self, range: (usize, usize), key: &str, n: usize) -> Option<(Loc, Loc)> {
        let hay = &self.text[range.0..range.1];
        let mut seen = 0;
        let mut from = 0;
        while let Some(i) = hay[from..].find(key) {
            let at = from + i;
            from = at + key.len();
            let before = hay[..at].chars().next_back();
            if !matches!(
                before,
                None | Some(' ' | '\t' | '\n' | '"' | '\'' | '-' | '{' | ',')
            ) {
                continue;
            }
            let mut rest = at + key.len();
            let bytes = hay.as_bytes();
            if matches!(bytes.get(rest), Some(b'"' | b'\'')) {
                rest += 1;
            }
            while matches!(bytes.get(rest), Some(b' ' | b'\t')) {
                rest += 1;
            }
            if bytes.get(rest) != Some(&b':') {
                continue;
            }
            if seen < n {
                seen += 1;
                continue;
            }
            rest += 1;
            while matches!(bytes.get(rest), Some(b' ' | b'\t')) {
                rest += 1;
            }
            let line_end = hay[rest..].find('\n').map_or(hay.len(), |e| rest + e);
            let mut v = hay[rest..line_end].trim_end();
            if !v.starts_with(['"', '\'']) {
                if let Some(c) = v.find(" #") {
                    v = v[..c].trim_end();
                }
            }
            let vend = rest + v.len();
            let k = Loc::new(self.file, range.0 + at, range.0 + at + key.len());
            let val = if v.is_empty() {
                k
            } else {
                Loc::new(self.file, range.0 + rest, range.0 + vend)
            };
            return Some((k, val));
        }
        None
    }

    /// The `n`-th `kind:` line in `range` that is not `kind: List`, key and value.
    fn kind(&self, range: (usize, usize), n: usize) -> Option<Loc> {
        let mut seen = 0;
        let mut i = 0;
        while let Some((k, v)) = self.key(range, "kind", i) {
            i += 1;
            if self.text[v.span.start..v.span.end].trim_matches(['"', '\'']) == "List" {
                continue;
            }
            if seen == n {
                return Some(Loc::new(self.file, k.span.start, v.span.end));
            }
            seen += 1;
        }
        None
    }

    /// The first `path:` line at or after `from` whose value is `path`.
    fn path(&self, range: (usize, usize), from: usize, path: &str) -> Option<Loc> {
        let mut n = 0;
        while let Some((_, v)) = self.key((from.max(range.0), range.1), "path", n) {
            let s = &self.text[v.span.start..v.span.end];
            if s.trim_matches(['"', '\'']) == path {
                return Some(v);
            }
            n += 1;
        }
        None
    }
}

fn string_at<'v>(v: &'v Value, keys: &[&str]) -> Option<&'v Value> {
    let mut cur = v;
    for k in keys {
        cur = cur.get(*k)?;
    }
    Some(cur)
}

fn as_str(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str)
}

impl Importer for IngressNginx {
    fn meta(&self) -> &'static FormatMeta {
        &META
    }

    fn read(&self, cx: &mut Context, files: &[usize]) -> Draft {
        let mut draft = Draft::default();
        draft.header.push(
            "ingress-nginx answers CORS per host; corsc policies are not scoped by host, so \
             these apply to every host the Ingresses name."
                .to_string(),
        );
        for &file in files {
            read_file(cx, file, &mut draft);
        }
        draft
    }
}

/// Every item of a parsed document: itself, or the items of a `kind: List`.
fn items(doc: &Value) -> Vec<&Value> {
    if as_str(doc.get("kind")) == Some("List") {
        if let Some(seq) = doc.get("items").and_then(Value::as_sequence) {
            return seq.iter().collect();
        }
    }
    vec![doc]
}

fn read_file(cx: &mut Context, file: usize, draft: &mut Draft) {
    let text = cx.text(file).to_string();
    let mut docs = Vec::new();
    for de in yaml_serde::Deserializer::from_str(&text) {
        match <Value as serde::Deserialize>::deserialize(de) {
            Ok(v) => docs.push(v),
            Err(e) => {
                let at = e.location().map_or(0, |l| l.index().min(text.len()));
                cx.unreadable(
                    Loc::new(file, at, at),
                    format!(
                        "this is not valid YAML: {}",
                        e.to_string().lines().next().unwrap_or_default()
                    ),
                    "`corsc import --from ingress-nginx` reads Kubernetes Ingress manifests (YAML)",
                );
                return;
            }
        }
    }
    docs.retain(|d| !d.is_null());
    let mut ranges = documents(&text);
    if ranges.len() != docs.len() {
        ranges = vec![(0, text.len()); docs.len()];
    }
    let finder = Finder { text: &text, file };
    let mut cfgs: Vec<Cors> = Vec::new();
    let mut scopes: Vec<Scope> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for (doc, &range) in docs.iter().zip(&ranges) {
        let mut key_counts: BTreeMap<String, usize> = BTreeMap::new();
        let mut cursor = range.0;
        for item in items(doc) {
            let mut count = |k: &str| {
                let c = key_counts.entry(k.to_string()).or_insert(0);
                *c += 1;
                *c - 1
            };
            let kind_n = count("kind");
            let kind_at = finder
                .kind(range, kind_n)
                .unwrap_or(Loc::new(file, range.0, range.0));
            if item.as_mapping().is_none() {
                cx.unreadable(
                    kind_at,
                    "this YAML document is not a Kubernetes object (a mapping with `kind`)",
                    "`corsc import --from ingress-nginx` reads Kubernetes Ingress manifests",
                );
                continue;
            }
            let kind = as_str(item.get("kind"));
            let annotations =
                string_at(item, &["metadata", "annotations"]).and_then(Value::as_mapping);
            let ann_keys: Vec<String> = annotations
                .map(|m| {
                    m.keys()
                        .filter_map(|k| k.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            let ann_n: BTreeMap<String, usize> =
                ann_keys.iter().map(|k| (k.clone(), count(k))).collect();
            match kind {
                Some("Ingress") => {}
                None => {
                    cx.unreadable(
                        kind_at,
                        "this YAML document has no `kind`: it is not a Kubernetes object",
                        "`corsc import --from ingress-nginx` reads Kubernetes Ingress manifests",
                    );
                    continue;
                }
                Some(other) => {
                    cx.ignored(
                        kind_at,
                        format!(
                            "a `{}` is not an Ingress; it is skipped",
                            crate::import::render::comment_text(other)
                        ),
                        "only Ingress objects carry ingress-nginx's CORS annotations",
                    );
                    continue;
                }
            }
            let name = as_str(string_at(item, &["metadata", "name"]))
                .unwrap_or("ingress")
                .to_string();
            let ing_at = finder
                .key((cursor, range.1), "name", 0)
                .map_or(kind_at, |(k, v)| Loc::new(file, k.span.start, v.span.end));
            cursor = cursor.max(ing_at.span.start);
            // Annotations, each a string (Kubernetes refuses any other type).
            let mut anns: BTreeMap<&str, Ann> = BTreeMap::new();
            let mut refused = false;
            if let Some(m) = annotations {
                for (k, v) in m {
                    let Some(k) = k.as_str() else { continue };
                    let Some(short) = k.strip_prefix(PREFIX) else {
                        continue;
                    };
                    let at = finder
                        .key(range, k, ann_n.get(k).copied().unwrap_or(0))
                        .map_or(ing_at, |(_, v)| v);
                    let short: &'static str = match short {
                        "enable-cors" => "enable-cors",
                        "cors-allow-origin" => "cors-allow-origin",
                        "cors-allow-methods" => "cors-allow-methods",
                        "cors-allow-headers" => "cors-allow-headers",
                        "cors-expose-headers" => "cors-expose-headers",
                        "cors-allow-credentials" => "cors-allow-credentials",
                        "cors-max-age" => "cors-max-age",
                        "use-regex" => "use-regex",
                        "rewrite-target" => "rewrite-target",
                        _ => continue,
                    };
                    match v.as_str() {
                        Some(s) => {
                            anns.insert(
                                short,
                                Ann {
                                    value: s.to_string(),
                                    at,
                                },
                            );
                        }
                        None => {
                            cx.unreadable(
                                at,
                                format!("the annotation `{k}` is not a string: Kubernetes refuses this Ingress"),
                                "annotation values are strings in Kubernetes: quote the value, e.g. `\"true\"`",
                            );
                            refused = true;
                        }
                    }
                }
            }
            if refused {
                continue;
            }
            let cfg = cors_config(cx, &anns, &name, ing_at);
            cfgs.push(cfg);
            let cfg_idx = cfgs.len() - 1;
            names.push(name.clone());
            let regex_mode = anns
                .get("use-regex")
                .is_some_and(|a| go_bool(&a.value) == Some(true))
                || anns.contains_key("rewrite-target");
            let beta = as_str(item.get("apiVersion")).is_some_and(|v| v.contains("v1beta1"));
            read_rules(
                cx,
                item,
                &finder,
                (cursor, range.1),
                ing_at,
                cfg_idx,
                regex_mode,
                beta,
                &mut scopes,
            );
        }
    }
    build(cx, draft, &cfgs, &names, scopes);
}

#[allow(clippy::too_many_arguments)]
fn read_rules(
    cx: &mut Context,
    item: &Value,
    finder: &Finder<'_>,
    range: (usize, usize),
    ing_at: Loc,
    cfg: usize,
    regex_mode: bool,
    beta: bool,
    scopes: &mut Vec<Scope>,
) {
    let rules = string_at(item, &["spec", "rules"]).and_then(Value::as_sequence);
    if string_at(item, &["spec", "defaultBackend"]).is_some()
        || string_at(item, &["spec", "backend"]).is_some()
    {
        cx.ignored(
            ing_at,
            "the Ingress's default backend is not read: its CORS headers are not imported",
            "give the paths that need CORS a rule with `http.paths`",
        );
    }
    let mut from = range.0;
    for rule in rules.into_iter().flatten() {
        let host = as_str(rule.get("host")).map(str::to_string);
        let paths = string_at(rule, &["http", "paths"]).and_then(Value::as_sequence);
        for p in paths.into_iter().flatten() {
            let path = as_str(p.get("path")).unwrap_or("/").to_string();
            let at = finder.path(range, from, &path).unwrap_or(ing_at);
            from = at.span.end.max(from);
            let ty = as_str(p.get("pathType")).unwrap_or(if beta {
                "ImplementationSpecific"
            } else {
                "Prefix"
            });
            let mut push = |s: String, implied_exact: bool| {
                scopes.push(Scope {
                    path: s,
                    cfg,
                    at,
                    rule_path: path.clone(),
                    implied_exact,
                    host: host.clone(),
                });
            };
            if !path.starts_with('/') {
                cx.narrowed(
                    at,
                    format!(
                        "`{}` is not an absolute path; its scope is left out",
                        crate::import::render::comment_text(&path)
                    ),
                    "Ingress paths start with `/`",
                );
                continue;
            }
            if regex_mode {
                let plain = path
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'~'));
                if plain {
                    cx.narrowed(
                        at,
                        format!("with `use-regex` or `rewrite-target`, ingress-nginx matches `{path}` as the case-insensitive regex `^{path}`; the policy keeps the case-sensitive prefix `{path}*`"),
                        "corsc paths are case-sensitive prefixes; add the other spellings by hand if they are served",
                    );
                    push(format!("{path}*"), false);
                } else {
                    cx.narrowed(
                        at,
                        format!("`{}` is a regex path (`use-regex` or `rewrite-target`), which a corsc path cannot say; its scope is left out", crate::import::render::comment_text(&path)),
                        "write the paths this regex matches as corsc paths by hand",
                    );
                }
                continue;
            }
            match ty {
                "Exact" => push(path.clone(), false),
                "Prefix" => {
                    if path == "/" {
                        push("/*".to_string(), false);
                    } else if path.ends_with('/') {
                        push(format!("{path}*"), false);
                    } else {
                        push(path.clone(), true);
                        push(format!("{path}/*"), false);
                    }
                }
                "ImplementationSpecific" => push(format!("{path}*"), false),
                other => cx.narrowed(
                    at,
                    format!(
                        "unknown pathType `{}`; this scope is left out",
                        crate::import::render::comment_text(other)
                    ),
                    "pathType is `Exact`, `Prefix` or `ImplementationSpecific`",
                ),
            }
        }
    }
}

/// A policy being formed: the configuration (none: two Ingresses disagree), the rule path,
/// and its scopes with where each is written.
type Group = (Option<usize>, String, Vec<(String, Loc)>);

/// Turns the scopes into policies: one per Ingress and rule path, paths of Ingresses without
/// CORS only where a broader CORS scope would otherwise answer, and a scope two Ingresses
/// configure differently allowing no origin.
fn build(cx: &mut Context, draft: &mut Draft, cfgs: &[Cors], names: &[String], scopes: Vec<Scope>) {
    let hosts: Vec<&Option<String>> = {
        let mut h: Vec<&Option<String>> = scopes.iter().map(|s| &s.host).collect();
        h.dedup();
        h
    };
    let mut distinct = hosts.clone();
    distinct.sort();
    distinct.dedup();
    if distinct.len() > 1 {
        if let Some(s) = scopes.iter().find(|s| s.host != scopes[0].host) {
            cx.narrowed(
                s.at,
                "the Ingresses name several hosts; corsc policies are not scoped by host, so every policy applies to every host",
                "import each host's Ingresses from its own file to keep their policies apart",
            );
        }
    }
    // The configuration that answers each scope: an `Exact` path beats the exact location a
    // `Prefix` path implies; two Ingresses that answer one scope differently allow nothing.
    let mut answer: BTreeMap<String, (Option<usize>, bool)> = BTreeMap::new();
    let strong = scopes.iter().filter(|s| !s.implied_exact);
    let weak = scopes.iter().filter(|s| s.implied_exact);
    for s in strong.chain(weak) {
        match answer.get(&s.path).copied() {
            None => {
                answer.insert(s.path.clone(), (Some(s.cfg), !s.implied_exact));
            }
            Some((None, _)) => {}
            Some((Some(c), st)) => {
                if cfgs[c].key() == cfgs[s.cfg].key() || (st && s.implied_exact) {
                    continue;
                }
                answer.insert(s.path.clone(), (None, st));
                cx.narrowed(
                    s.at,
                    format!("the path `{}` is configured by Ingresses with different CORS settings; corsc policies are not scoped by host, so the imported policy allows no origin there", s.path),
                    "import each host's Ingresses from its own file",
                );
            }
        }
    }
    let answer: BTreeMap<String, Option<usize>> =
        answer.into_iter().map(|(k, v)| (k, v.0)).collect();
    let mut order: Vec<String> = Vec::new();
    for s in &scopes {
        if !order.contains(&s.path) {
            order.push(s.path.clone());
        }
    }
    let any_cors = answer
        .values()
        .any(|c| c.is_none_or(|c| cfgs[c].policy.is_some()));
    if !any_cors {
        return;
    }
    // Group the scopes into policies: by configuration and rule path, in input order.
    let mut groups: Vec<Group> = Vec::new();
    for path in &order {
        let c = answer[path];
        let Some(s) = scopes
            .iter()
            .find(|s| &s.path == path && (c.is_none() || Some(s.cfg) == c))
        else {
            continue;
        };
        // Paths without CORS matter only under a broader CORS scope.
        if c.is_some_and(|c| cfgs[c].policy.is_none()) {
            let covered = answer.iter().any(|(p, a)| {
                a.is_some_and(|a| cfgs[a].policy.is_some())
                    && p.ends_with('*')
                    && path.starts_with(&p[..p.len() - 1])
                    && p != path
            });
            if !covered {
                continue;
            }
        }
        let key = (c, s.rule_path.clone());
        match groups.iter_mut().find(|g| (g.0, g.1.clone()) == key) {
            Some(g) => g.2.push((path.clone(), s.at)),
            None => groups.push((c, s.rule_path.clone(), vec![(path.clone(), s.at)])),
        }
    }
    for (c, rule_path, paths) in groups {
        let mut p = match c.and_then(|c| cfgs[c].policy.clone()) {
            Some(p) => p,
            None => {
                let mut p = DraftPolicy::new("", paths.first().map(|x| x.1));
                p.comments.push(match c {
                    Some(c) => format!(
                        "Ingress `{}` does not enable CORS: ingress-nginx sends no CORS headers on these paths; this policy allows no origin so that a broader policy does not answer here.",
                        names[c]
                    ),
                    None => "Ingresses for different hosts configure this path differently; the policy allows no origin here.".to_string(),
                });
                p
            }
        };
        p.name = format!(
            "{} {rule_path}",
            c.map_or("conflict", |c| names[c].as_str())
        );
        p.paths = paths.into_iter().map(|(s, at)| Noted::at(s, at)).collect();
        draft.policies.push(p);
    }
}

/// What the CORS annotations of one Ingress make the controller send.
fn cors_config(cx: &mut Context, anns: &BTreeMap<&str, Ann>, name: &str, ing_at: Loc) -> Cors {
    let enabled = anns.get("enable-cors");
    let on = enabled.is_some_and(|a| go_bool(&a.value) == Some(true));
    if !on {
        if let Some(a) = enabled {
            if go_bool(&a.value).is_none() {
                cx.ignored(
                    a.at,
                    format!(
                        "`{}` is not a boolean ingress-nginx reads, so CORS stays off",
                        crate::import::render::comment_text(&a.value)
                    ),
                    "write `\"true\"` to enable CORS",
                );
            }
        }
        for (k, a) in anns {
            if k.starts_with("cors-") {
                cx.ignored(
                    a.at,
                    format!("`{k}` does nothing without `enable-cors: \"true\"`"),
                    "enable CORS on this Ingress or remove the annotation",
                );
            }
        }
        return Cors { policy: None };
    }
    let on_at = enabled.map_or(ing_at, |a| a.at);
    let mut p = DraftPolicy::new(name, Some(ing_at));
    let mut defaults: Vec<&str> = Vec::new();
    let implied = ImpliedAt(on_at);
    let invalid = |cx: &mut Context, a: &Ann, what: &str, default: &str| {
        cx.implicit(
            a.at,
            format!("ingress-nginx refuses this `{what}` value and uses its default, {default}"),
            "write a value ingress-nginx accepts, or the policy you mean; here the default applies",
        );
    };
    // Origins.
    match anns.get("cors-allow-origin") {
        None => {
            defaults.push("any origin (`*`)");
            p.origins.push(implied.of(
                OriginValue::Any,
                "ingress-nginx's default cors-allow-origin, *",
            ));
        }
        Some(a) => {
            let raw = &a.value;
            let norm = normalize(raw);
            if (!raw.is_empty() && !valid(&ORIGIN_VALIDATOR, raw)) || norm.is_empty() {
                invalid(cx, a, "cors-allow-origin", "any origin (`*`)");
                p.origins.push(
                    Noted::at(OriginValue::Any, a.at).with_comment(
                        "ingress-nginx's default: the annotation's value was refused",
                    ),
                );
            } else {
                origins(cx, a, &norm, &mut p);
            }
        }
    }
    // Credentials.
    let creds = match anns.get("cors-allow-credentials") {
        None => {
            defaults.push("credentials");
            Some(implied.of(true, "ingress-nginx's default cors-allow-credentials, true"))
        }
        Some(a) => match go_bool(&a.value) {
            Some(b) => Some(Noted::at(b, a.at)),
            None => {
                invalid(cx, a, "cors-allow-credentials", "true");
                Some(
                    Noted::at(true, a.at)
                        .with_comment("ingress-nginx's default: the value was refused"),
                )
            }
        },
    };
    p.credentials = creds.filter(|c| c.value);
    // Methods.
    let methods = match anns.get("cors-allow-methods") {
        None => {
            defaults.push("methods");
            None
        }
        Some(a) => {
            let norm = normalize(&a.value);
            if (!a.value.is_empty() && !valid(&METHODS, &a.value))
                || norm.is_empty()
                || !METHODS.is_match(&norm)
            {
                invalid(cx, a, "cors-allow-methods", DEFAULT_METHODS);
                None
            } else {
                Some((norm, a.at))
            }
        }
    };
    let mut preflight_ok = true;
    p.methods = Some(match &methods {
        Some((v, at)) => list(v, *at, &mut preflight_ok),
        None => DEFAULT_METHODS
            .split(',')
            .map(|m| {
                implied.of(
                    m.trim().to_string(),
                    "ingress-nginx's default cors-allow-methods",
                )
            })
            .collect(),
    });
    // Request headers.
    let headers = match anns.get("cors-allow-headers") {
        None => {
            defaults.push("request headers");
            None
        }
        Some(a) => {
            let norm = normalize(&a.value);
            if (!a.value.is_empty() && !valid(&HEADERS, &a.value))
                || norm.is_empty()
                || !HEADERS.is_match(&norm)
            {
                invalid(cx, a, "cors-allow-headers", "nine common request headers");
                None
            } else {
                Some((norm, a.at))
            }
        }
    };
    p.request_headers = Some(match &headers {
        Some((v, at)) => list(v, *at, &mut preflight_ok),
        None => DEFAULT_HEADERS
            .split(',')
            .map(|h| implied.of(h.to_string(), "ingress-nginx's default cors-allow-headers"))
            .collect(),
    });
    if !preflight_ok {
        let at = methods
            .as_ref()
            .map(|m| m.1)
            .or(headers.as_ref().map(|h| h.1))
            .unwrap_or(on_at);
        cx.narrowed(
            at,
            "a listed method or header holds a space inside one item; browsers refuse the whole header, so no preflight succeeds: the policy allows only requests that need none",
            "separate the items with commas",
        );
        p.methods = None;
        p.request_headers = None;
    }
    // Exposed headers.
    if let Some(a) = anns.get("cors-expose-headers") {
        let norm = normalize(&a.value);
        if (!a.value.is_empty() && !valid(&EXPOSE, &a.value))
            || norm.is_empty()
            || !EXPOSE.is_match(&norm)
        {
            cx.ignored(
                a.at,
                "ingress-nginx refuses this `cors-expose-headers` value and exposes no header",
                "list header names separated by commas",
            );
        } else {
            let mut ok = true;
            let l = list(&norm, a.at, &mut ok);
            if ok {
                p.expose_headers = Some(l);
            } else {
                cx.narrowed(
                    a.at,
                    "an exposed header holds a space inside one item; browsers refuse the whole header, so none is exposed",
                    "separate the items with commas",
                );
            }
        }
    }
    // Max-age.
    match anns.get("cors-max-age") {
        None => {
            defaults.push("max-age 1728000");
            p.max_age = Some(implied.of(DEFAULT_MAX_AGE, "ingress-nginx's default cors-max-age, 1728000 s (20 days)"));
        }
        Some(a) => match go_int(&a.value) {
            None => {
                invalid(cx, a, "cors-max-age", "1728000");
                p.max_age = Some(Noted::at(DEFAULT_MAX_AGE, a.at).with_comment("ingress-nginx's default: the value was refused"));
            }
            Some(n) if n < 0 => cx.narrowed(
                a.at,
                "a negative max-age is ignored by browsers, which cache the preflight for 5 s; the policy sends none",
                "write a max-age of 0 or more",
            ),
            Some(n) => p.max_age = Some(Noted::at(n.unsigned_abs(), a.at)),
        },
    }
    if !defaults.is_empty() {
        cx.implicit(
            on_at,
            format!("ingress-nginx's defaults apply to this Ingress: {}", defaults.join(", ")),
            "write each cors-* annotation you mean; `cors-allow-origin` left out allows every origin, with credentials",
        );
    }
    Cors { policy: Some(p) }
}

/// Defaults, written where `enable-cors` turned them on so that findings about them land there.
#[derive(Clone, Copy)]
struct ImpliedAt(Loc);

impl ImpliedAt {
    fn of<T>(self, v: T, comment: &str) -> Noted<T> {
        let mut n = Noted::implied(v, comment);
        n.at = Some(self.0);
        n
    }
}

/// A comma-separated list as browsers read it; an item with a space inside fails the whole
/// header.
fn list(v: &str, at: Loc, ok: &mut bool) -> Vec<Noted<String>> {
    let mut out = Vec::new();
    for item in v.split(',') {
        let item = item.trim_matches([' ', '\t', '\n', '\r']);
        if item.is_empty() {
            continue;
        }
        if item.contains(char::is_whitespace) {
            *ok = false;
        }
        out.push(Noted::at(item.to_string(), at));
    }
    out
}

/// The origins of `cors-allow-origin` as the controller parses them and nginx matches them.
fn origins(cx: &mut Context, a: &Ann, norm: &str, p: &mut DraftPolicy) {
    let mut list = Vec::new();
    for o in norm.split(',') {
        let o = o.trim();
        if o.is_empty() {
            continue;
        }
        if o == "*" {
            list = vec![Noted::at(OriginValue::Any, a.at)];
            break;
        }
        if !ORIGIN.is_match(o) {
            cx.narrowed(
                a.at,
                format!(
                    "ingress-nginx drops the origin `{}`: it is not `scheme://host[:port]`",
                    crate::import::render::comment_text(o)
                ),
                "separate origins with commas and write each as `https://host[:port]`",
            );
            continue;
        }
        if o == "null" {
            list.push(Noted::at(OriginValue::Regex(".*null".to_string()), a.at).with_comment(
                "ingress-nginx matches `(null)$` unanchored: null, and every origin that ends in null",
            ));
            continue;
        }
        let Some((scheme, rest)) = o.split_once("://") else {
            continue;
        };
        let rest = rest.to_ascii_lowercase();
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p.to_string())),
            None => (rest.clone(), None),
        };
        let default_port = matches!(
            (scheme, port.as_deref()),
            ("https", Some("443")) | ("http", Some("80"))
        );
        let bare = host.strip_prefix("*.").unwrap_or(&host);
        if bare.is_empty() || default_port {
            cx.ignored(
                a.at,
                format!("the origin `{o}` matches nothing a browser sends (an empty host, or a default port written out)"),
                "write the origin as browsers send it, e.g. `https://app.example.com`",
            );
            continue;
        }
        if let Some(base) = host.strip_prefix("*.") {
            let port = port.map(|p| format!(":{p}")).unwrap_or_default();
            list.push(
                Noted::at(
                    OriginValue::Regex(format!(
                        "^{scheme}://[a-z0-9-]+\\.{}{}$",
                        regex::escape(base),
                        regex::escape(&port)
                    )),
                    a.at,
                )
                .with_comment(format!("ingress-nginx's `{o}`: one label, never the apex")),
            );
        } else {
            list.push(Noted::at(
                OriginValue::Origin(format!("{scheme}://{rest}")),
                a.at,
            ));
        }
    }
    if list.is_empty() {
        cx.narrowed(
            a.at,
            "no origin of `cors-allow-origin` is one ingress-nginx keeps, so it sends no CORS headers: the policy allows no origin",
            "separate origins with commas and write each as `https://host[:port]`",
        );
    }
    p.origins = list;
}
