//! nginx: http-level `map`s decide, `location`s add headers.
//!
//! How the output works, and why:
//!
//! - **Origins.** Exact origins are `map` string keys (a hash lookup, however long the list).
//!   nginx compares map strings ignoring case, so the exact map reads `$corsc_origin_cased`,
//!   which is empty when the `Origin` holds an upper-case ASCII letter (browsers never send
//!   one): `HTTPS://APP.EXAMPLE.COM` is refused, as the evaluator refuses it. Patterns and
//!   `regex` entries are case-sensitive `~` keys of a second map that reads `$http_origin`,
//!   anchored (`^…$`), escaped, with lower-case classes. The map's value is `$http_origin`, so
//!   `Access-Control-Allow-Origin` echoes the origin only after it matched, and is empty
//!   otherwise. The map's first regex refuses an `Origin` longer than any browser sends, so
//!   PCRE, which backtracks, never runs a pattern on one. (PCRE also stops a match at its
//!   match limit, ten million steps, which nginx does not change: a regex lint rule S114
//!   flags then costs about a quarter of a second per request, and an alert in the log.)
//! - **No `add_header` in an `if`.** Each header's value is a map that is empty when the header
//!   must not be sent; nginx skips an `add_header` whose value is empty. So every location has
//!   one flat list of `add_header … always` (`always`: also on 204, 4xx and 5xx), nothing nested
//!   drops it, and the only `if` is `if ($corsc_preflight) { return 204; }`, which inherits
//!   the location's headers.
//! - **Preflights.** `$corsc_preflight` is `OPTIONS` with `Origin` and
//!   `Access-Control-Request-Method`. Every preflight in a scope is answered here with 204: with
//!   the `Allow-*` headers for an allowed origin, with only `Vary` for a refused one. It never
//!   reaches the application behind.
//! - **Upstream headers.** `proxy_hide_header` removes an upstream's own CORS headers, so they
//!   are never doubled (two `Access-Control-Allow-Origin` values fail the browser's check).
//! - **The application behind.** In the include shape each location ends with
//!   `include corsc-upstream*.conf;`: a file beside nginx.conf that holds the deployment's
//!   `proxy_pass` (nginx does not inherit it into a location). Without one nginx serves the
//!   location itself.
//! - **Beside other configuration.** Every variable is `$corsc_<ns>_…`, `<ns>` the output's
//!   namespace ([`crate::emit::dropin`]): nginx variables are global, and a second `map` of one
//!   variable silently replaces the first, so two generated files that both name a policy
//!   `api` would answer each other's scopes. nginx drops every server-level `add_header` in a
//!   location that has its own, so the headers named with `--keep-header` are repeated in each
//!   location (or snippet), and the comments say so where none are.
//! - **Hash sizes.** `map_hash_max_size` and `map_hash_bucket_size` are http-level, may be set
//!   once, and only before the first `map` of the configuration (the first `map` fixes their
//!   defaults: a later one is "duplicate"). So they are written only when nginx's defaults
//!   (2048, a 64-byte cache line) cannot hold the exact-origin maps, which [`hash_sizes`]
//!   decides by running nginx's own sizing, and then in a part of their own
//!   (`corsc-map-hash.conf`) that says where it goes.
//! - **Snippet shape.** `corsc-snippet.conf` goes inside a `location` of the user's own, next
//!   to their `proxy_pass`: no location, no upstream file. Which policy answers is the path's
//!   (the same route maps), and each header's value is selected by it.

use crate::emit::capability::{Capabilities, RegexDialect, Shape, Syntax};
use crate::emit::dropin::Namespace;
use crate::emit::idents::{IdentScheme, Style};
use crate::emit::lang::strings::nginx as quote;
use crate::emit::limits::Limit;
use crate::emit::meta::TargetMeta;
use crate::emit::output::{Output, Part};
use crate::emit::ownership::Layer;
use crate::emit::plan::{
    regex_escape, Allow, Origins, Plan, PolicyPlan, Scope, CORS_RESPONSE_HEADERS,
};
use crate::emit::provenance::Provenance;
use crate::emit::scopes::title;
use crate::emit::target::Target;
use crate::emit::writer::{pad, Writer};
use crate::fetch::MAX_ORIGIN_BYTES;
use crate::regex::Engine;

/// The nginx target.
pub struct Nginx;

static CAPS: Capabilities = Capabilities {
    // `add_header … always` appeared in 1.7.5.
    min_version: "1.7.5",
    regex_dialect: RegexDialect::Engine(Engine::Pcre),
    routing: crate::eval::Routing::Nginx,
    shapes: &[Shape::Include, Shape::Server, Shape::Snippet],
    syntax: Syntax {
        // `$` always starts a variable in a value; there is no escape for it.
        value_forbidden: &["$"],
        regex_forbidden: &[],
        // nginx reads one token, as written (the plan counts each escape), into a 4096-byte
        // buffer; leave room for `"~` and quotes.
        max_token: 4000,
        // PCRE2: a quantifier count is at most 65535.
        max_regex_repeat: 65535,
    },
    ..Capabilities::COMMON
};

/// PCRE reads escapes and constructs outside the common subset differently, or refuses them
/// (`\u2028`: "PCRE2 does not support \u"; `[a[b]]` is not a nested class): the output would
/// not load, or would match something else than the evaluator decides.
static LIMITS: &[Limit] = &[Limit::PortableRegex];

/// The `nginx` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "nginx",
    aliases: &[],
    name: "nginx",
    doc_short:
        "http-level maps and one location per path scope (include fragments or a complete server)",
    // A reverse proxy: it removes upstream CORS headers in its scopes, and the plan refuses
    // a file that says `owner app` (see `emit::ownership`).
    layer: Layer::Proxy,
    capabilities: &CAPS,
    limits: LIMITS,
    idents: &IDENTS,
};

impl Target for Nginx {
    fn meta(&self) -> &'static TargetMeta {
        &META
    }

    fn render(&self, plan: &Plan<'_>, provenance: &Provenance) -> Output {
        let n = Names::new(
            Namespace::of(plan.options.namespace.as_ref(), provenance)
                .as_str()
                .to_string(),
            plan,
        );
        let hash = hash_sizes(plan);
        match plan.options.shape {
            Shape::Server => {
                let mut w = Writer::new();
                w.provenance(provenance, &META, Shape::Server, "");
                w.comment("A complete example server: include this file inside http { } (as conf.d/*.conf");
                w.comment("files are), or wrap it in `events {} http { … }`. Non-preflight requests get a small");
                w.comment("JSON 200 naming the policy that answered.");
                namespace_note(&mut w, &n);
                w.blank();
                if let Some(sizes) = hash {
                    // A complete server is meant to be tried on its own: the sizes go first.
                    hash_part(&mut w, sizes);
                    w.blank();
                }
                http_part(&mut w, &n, plan);
                w.blank();
                w.open("server {");
                w.line(format!("listen {};", plan.options.listen));
                w.line("default_type application/json;");
                w.line("server_tokens off;");
                w.blank();
                route_guard(&mut w, &n);
                for (scope, owner) in written_locations(plan) {
                    w.blank();
                    match owner {
                        Some(i) => {
                            let p = &plan.policies[i];
                            let body = format!("{{\"policy\":\"{}\"}}\n", p.name);
                            location(&mut w, &n, plan, p, &scope, Some(&body));
                        }
                        None => {
                            bare_location(&mut w, scope.path(), Some("{\"policy\":null}\n"));
                        }
                    }
                }
                if !plan.covers_root {
                    w.blank();
                    w.comment("No policy covers the other paths: no CORS headers.");
                    w.open("location / {");
                    w.line(format!("return 200 {};", quote("{\"policy\":null}\n")));
                    w.close("}");
                }
                w.close("}");
                Output::one("corsc-server.conf", "inside http { }", w.finish())
            }
            // The plan admits only the shapes the target lists.
            Shape::Include
            | Shape::Htaccess
            | Shape::Snippet
            | Shape::Cloudformation
            | Shape::Kubernetes => {
                let snippet = plan.options.shape == Shape::Snippet;
                let total = if hash.is_some() { 3 } else { 2 };
                let first = total - 1;
                let mut parts = Vec::new();
                if let Some(sizes) = hash {
                    let mut m = Writer::new();
                    m.provenance(
                        provenance,
                        &META,
                        plan.options.shape,
                        &format!(", part 1 of {total}: map hash sizes"),
                    );
                    hash_part(&mut m, sizes);
                    parts.push(Part {
                        file_name: "corsc-map-hash.conf",
                        placement: "first in http { }, before any map",
                        text: m.finish(),
                    });
                }
                let mut h = Writer::new();
                h.provenance(
                    provenance,
                    &META,
                    plan.options.shape,
                    &format!(", part {first} of {total}: http level"),
                );
                h.comment(
                    "Include inside http { }, once per nginx instance: `include corsc-http.conf;`.",
                );
                h.comment(format!(
                    "The {} part ({}) reads the variables defined here.",
                    if snippet {
                        "location-level"
                    } else {
                        "server-level"
                    },
                    if snippet {
                        "corsc-snippet.conf"
                    } else {
                        "corsc-server.conf"
                    }
                ));
                if hash.is_some() {
                    h.comment("The maps need larger hash sizes than nginx's defaults: see corsc-map-hash.conf.");
                }
                namespace_note(&mut h, &n);
                h.blank();
                http_part(&mut h, &n, plan);
                if snippet {
                    h.blank();
                    snippet_maps(&mut h, &n, plan);
                }
                parts.push(Part {
                    file_name: "corsc-http.conf",
                    placement: "inside http { }",
                    text: h.finish(),
                });
                let mut s = Writer::new();
                s.provenance(
                    provenance,
                    &META,
                    plan.options.shape,
                    &format!(
                        ", part {total} of {total}: {}",
                        if snippet {
                            "inside your location"
                        } else {
                            "server level"
                        }
                    ),
                );
                if snippet {
                    snippet_part(&mut s, &n, plan);
                    parts.push(Part {
                        file_name: "corsc-snippet.conf",
                        placement: "inside your own location { }",
                        text: s.finish(),
                    });
                } else {
                    s.comment("Include inside the server { } that serves the API: `include corsc-server.conf;`.");
                    s.comment("It needs the http-level part (corsc-http.conf). Each location answers CORS for its");
                    s.comment(
                        "scope; other requests are served as the server serves them. A location of the",
                    );
                    s.comment(
                        "server with the same path must be removed: nginx refuses duplicate locations.",
                    );
                    s.comment("To keep your own location (its proxy_pass), compile with `--shape snippet`.");
                    s.blank();
                    route_guard(&mut s, &n);
                    for (scope, owner) in written_locations(plan) {
                        s.blank();
                        match owner {
                            Some(i) => location(&mut s, &n, plan, &plan.policies[i], &scope, None),
                            None => bare_location(&mut s, scope.path(), None),
                        }
                    }
                    parts.push(Part {
                        file_name: "corsc-server.conf",
                        placement: "inside server { }",
                        text: s.finish(),
                    });
                }
                Output { parts }
            }
        }
    }
}

/// Says which namespace the output's variables carry, and why.
fn namespace_note(w: &mut Writer, n: &Names) {
    w.comment(format!(
        "Every variable defined here starts with $corsc_{}_",
        n.ns
    ));
    w.comment("(the namespace; `--namespace` sets it): outputs compiled with different namespaces");
    w.comment("can be included into one nginx without sharing a variable. Each adds variables to");
    w.comment(
        "nginx's one variables hash: if nginx warns \"could not build optimal variables_hash\",",
    );
    w.comment("set `variables_hash_max_size 2048;` (once) in http { }.");
}

/// nginx hashes variable names into 64-byte buckets by default and refuses to start when one
/// does not fit (a name of more than 46 bytes): suffixes are short, and so are namespaces.
///
/// Every variable a policy derives, and the output's own: nginx variables are global to the
/// configuration, so a policy named `has` must not become `$corsc_has_origin`.
static IDENTS: IdentScheme = IdentScheme {
    style: Style::Snake,
    derived: &[
        "$corsc_{}_origin",
        "$corsc_{}_oregex",
        "$corsc_{}_allowed",
        "$corsc_{}_pf",
        "$corsc_{}_cred",
        "$corsc_{}_expose",
        "$corsc_{}_methods",
        "$corsc_{}_headers",
        "$corsc_{}_max_age",
        "$corsc_{}_pna",
        "$corsc_{}_vary",
    ],
    reserved: &[
        "$corsc_is_options",
        "$corsc_has_origin",
        "$corsc_has_acrm",
        "$corsc_preflight",
        "$corsc_origin_cased",
        "$corsc_acrh_noauth",
        "$corsc_route_uri",
        "$corsc_route_raw",
        "$corsc_route_folded",
        "$corsc_route_uri_folded",
        "$corsc_route_bad",
        "$corsc_answer",
        "$corsc_scoped_preflight",
        "$corsc_send_acao",
        "$corsc_send_acac",
        "$corsc_send_aceh",
        "$corsc_send_acam",
        "$corsc_send_acah",
        "$corsc_send_acma",
        "$corsc_send_acapn",
        "$corsc_send_vary",
    ],
    keywords: &[],
    fixed_code: &[],
};

/// The output's namespace, which every variable it defines carries, and the stem each policy's
/// variables use.
struct Names {
    ns: String,
    /// The stem of each policy ident: the ident itself, or `p<index>` for every policy when
    /// some ident would make a name longer than nginx accepts (then every policy has its
    /// index, so two stems never meet, and no output-level name starts with `p<digit>_`).
    stems: std::collections::BTreeMap<String, String>,
}

/// The longest variable name nginx's default variables hash holds (64-byte buckets).
const MAX_VARIABLE: usize = 46;
/// The longest suffix a policy's variable has (`_allowed`, `_methods`, …).
const LONGEST_SUFFIX: usize = 8;

impl Names {
    fn new(ns: String, plan: &Plan<'_>) -> Names {
        let fits = |stem: &str| {
            "corsc_".len() + ns.len() + 1 + stem.len() + LONGEST_SUFFIX <= MAX_VARIABLE
        };
        let short = !plan.policies.iter().all(|p| fits(&p.ident));
        let stems = plan
            .policies
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let stem = if short {
                    format!("p{i}")
                } else {
                    p.ident.clone()
                };
                (p.ident.clone(), stem)
            })
            .collect();
        Names { ns, stems }
    }
    /// One of the output's own variables (`preflight`, `route_bad`, …), in its namespace.
    fn v(&self, name: &str) -> String {
        debug_assert!(
            IDENTS.reserved.contains(&format!("$corsc_{name}").as_str()),
            "$corsc_{name} is not reserved in IDENTS"
        );
        format!("$corsc_{}_{name}", self.ns)
    }

    /// A variable of a policy; `what` must be one of [`IDENTS`]' derived names.
    fn var(&self, p: &PolicyPlan<'_>, what: &str) -> String {
        let bare = format!("$corsc_{}_{what}", p.ident);
        debug_assert!(
            IDENTS.derive(&p.ident).contains(&bare),
            "{bare} is not declared in IDENTS"
        );
        let stem = self.stems.get(&p.ident).unwrap_or(&p.ident);
        format!("$corsc_{}_{stem}_{what}", self.ns)
    }
}

/// Writes a `map` block; `entries` are `(key, value)` already quoted or variables.
fn map(w: &mut Writer, source: &str, target: &str, default: &str, entries: &[(String, String)]) {
    w.open(format!("map {source} {target} {{"));
    let width = entries
        .iter()
        .map(|(k, _)| k.len())
        .chain(std::iter::once("default".len()))
        .max()
        .unwrap_or(0);
    w.line(format!("{} {default};", pad("default", width)));
    for (k, v) in entries {
        w.line(format!("{} {v};", pad(k, width)));
    }
    w.close("}");
}

/// Size of an nginx hash element for a key: pointer + length + key, pointer-aligned.
fn hash_elt_size(len: usize) -> usize {
    8 + (len + 2).div_ceil(8) * 8
}

/// nginx's default `map_hash_max_size`.
const DEFAULT_MAX_SIZE: usize = 2048;
/// nginx's default `map_hash_bucket_size`: the CPU's cache line, 64 bytes on x86-64 and arm64.
const DEFAULT_BUCKET: usize = 64;

/// nginx's hash of a map key (`ngx_hash_key_lc`: `key * 31 + byte`, lower-cased, on a 64-bit
/// word).
fn ngx_hash(key: &str) -> u64 {
    key.bytes().fold(0u64, |k, b| {
        k.wrapping_mul(31)
            .wrapping_add(u64::from(b.to_ascii_lowercase()))
    })
}

/// Whether nginx builds a map of these keys with these sizes without an error or a warning:
/// `ngx_hash_init`'s own search, the table sizes it tries and the bucket each key lands in.
fn hash_fits(keys: &[&str], bucket: usize, max_size: usize) -> bool {
    if keys.iter().any(|k| hash_elt_size(k.len()) + 8 > bucket) {
        // "could not build map_hash, you should increase map_hash_bucket_size": an error.
        return false;
    }
    let room = bucket - 8;
    let mut start = (keys.len() / (room / 16)).max(1);
    if max_size > 10_000 && !keys.is_empty() && max_size / keys.len() < 100 {
        start = max_size - 1000;
    }
    let hashes: Vec<(u64, usize)> = keys
        .iter()
        .map(|k| (ngx_hash(k), hash_elt_size(k.len())))
        .collect();
    let mut test = vec![0usize; max_size + 1];
    'size: for size in start..=max_size {
        test[..size].iter_mut().for_each(|t| *t = 0);
        for (h, len) in &hashes {
            let slot = usize::try_from(h % size as u64).unwrap_or(0);
            test[slot] += len;
            if test[slot] > room {
                continue 'size;
            }
        }
        return true;
    }
    // "could not build optimal map_hash": a warning.
    false
}

/// The `(bucket, max)` sizes the exact-origin maps need when nginx's defaults cannot hold
/// them, else `None` (and nothing is written: a configuration that sets them already, or has
/// a `map` before the include, would fail on a second setting).
fn hash_sizes(plan: &Plan<'_>) -> Option<(usize, usize)> {
    let maps: Vec<Vec<&str>> = plan
        .policies
        .iter()
        .filter_map(|p| match &p.origins {
            Origins::List { exact, .. } => Some(exact.iter().map(String::as_str).collect()),
            Origins::Any => None,
        })
        .collect();
    if maps
        .iter()
        .all(|keys| hash_fits(keys, DEFAULT_BUCKET, DEFAULT_MAX_SIZE))
    {
        return None;
    }
    let most = maps.iter().map(Vec::len).max().unwrap_or(0);
    let longest = maps
        .iter()
        .flat_map(|keys| keys.iter().map(|k| k.len()))
        .max()
        .unwrap_or(0);
    let bucket = (4 * (hash_elt_size(longest) + 8))
        .next_power_of_two()
        .max(128);
    let max_size = (8 * most).next_power_of_two().max(DEFAULT_MAX_SIZE);
    Some((bucket, max_size))
}

/// The hash-size directives, with where they must go.
fn hash_part(w: &mut Writer, (bucket, max_size): (usize, usize)) {
    w.comment("The exact-origin maps need larger hash sizes than nginx's defaults (2048, and a");
    w.comment("64-byte bucket): without these nginx refuses to start or warns on every start.");
    w.comment("Put them first in http { }, before any `map`: the first map fixes the sizes, and");
    w.comment("nginx refuses a second setting (\"directive is duplicate\"). If your http { } sets");
    w.comment("them already, raise your values to at least these and do not include this file.");
    w.line(format!("map_hash_bucket_size {bucket};"));
    w.line(format!("map_hash_max_size {max_size};"));
}

/// Everything that lives at http level: the shared preflight test, the route maps, each
/// policy's maps.
fn http_part(w: &mut Writer, n: &Names, plan: &Plan<'_>) {
    w.comment("A CORS preflight: OPTIONS with Origin and Access-Control-Request-Method.");
    map(
        w,
        "$request_method",
        &n.v("is_options"),
        "0",
        &[(quote("OPTIONS"), "1".into())],
    );
    map(
        w,
        "$http_origin",
        &n.v("has_origin"),
        "1",
        &[(quote(""), "0".into())],
    );
    map(
        w,
        "$http_access_control_request_method",
        &n.v("has_acrm"),
        "1",
        &[(quote(""), "0".into())],
    );
    map(
        w,
        &format!(
            "\"{}{}{}\"",
            n.v("is_options"),
            n.v("has_origin"),
            n.v("has_acrm")
        ),
        &n.v("preflight"),
        "0",
        &[(quote("111"), "1".into())],
    );
    w.blank();
    route_maps(w, n, plan);
    let lists = plan
        .policies
        .iter()
        .any(|p| matches!(p.origins, Origins::List { .. }));
    if lists {
        w.blank();
        w.comment(
            "The Origin, or empty when it holds an upper-case letter: map strings ignore case,",
        );
        w.comment("and a browser never sends one, so exact matches stay byte for byte.");
        map(
            w,
            "$http_origin",
            &n.v("origin_cased"),
            "$http_origin",
            &[(quote("~[A-Z]"), quote(""))],
        );
    }
    if plan
        .policies
        .iter()
        .any(|p| p.headers == Allow::MirrorUnlessAuthorization)
    {
        w.blank();
        w.comment(
            "The requested headers, or empty when they name authorization: `*` never covers it.",
        );
        map(
            w,
            "$http_access_control_request_headers",
            &n.v("acrh_noauth"),
            "$http_access_control_request_headers",
            &[(quote("~*(^|[\\s,])authorization([\\s,]|$)"), quote(""))],
        );
    }
    for p in &plan.policies {
        w.blank();
        policy_maps(w, n, p);
    }
}

fn policy_maps(w: &mut Writer, n: &Names, p: &PolicyPlan<'_>) {
    w.comment(title(p));
    if n.stems.get(&p.ident).is_some_and(|s| s != &p.ident) {
        w.comment(format!(
            "Its variables are named by its index: $corsc_{}_{}_… (its name is too long for an nginx variable).",
            n.ns,
            n.stems[&p.ident]
        ));
    }
    // The variable that is "1" on a preflight this policy allows.
    let preflight_ok = match &p.origins {
        Origins::Any => n.v("preflight"),
        // Patterns that differ only in their host share one regex ([`crate::emit::alternation`]):
        // map regexes are tried in order.
        Origins::List {
            exact,
            alternation: regexes,
            ..
        } => {
            let origin = n.var(p, "origin");
            let regex_var = n.var(p, "oregex");
            if !regexes.is_empty() {
                // Regex keys are tried in order: the first refuses an overlong Origin before
                // any pattern runs.
                let guard = format!("~^[\\s\\S]{{{}}}", MAX_ORIGIN_BYTES + 1);
                let entries: Vec<(String, String)> = std::iter::once((quote(&guard), quote("")))
                    .chain(
                        regexes
                            .iter()
                            .map(|r| (quote(&format!("~{r}")), "$http_origin".to_string())),
                    )
                    .collect();
                w.comment(format!(
                    "An Origin over {MAX_ORIGIN_BYTES} bytes (no browser sends one) is refused before any regex: PCRE backtracks."
                ));
                let target = if exact.is_empty() {
                    &origin
                } else {
                    &regex_var
                };
                map(w, "$http_origin", target, "\"\"", &entries);
            }
            if !exact.is_empty() {
                let default = if regexes.is_empty() {
                    "\"\"".to_string()
                } else {
                    regex_var
                };
                let entries: Vec<(String, String)> = exact
                    .iter()
                    .map(|o| (quote(o), "$http_origin".to_string()))
                    .collect();
                map(w, &n.v("origin_cased"), &origin, &default, &entries);
            }
            if exact.is_empty() && regexes.is_empty() {
                map(w, "$http_origin", &origin, "\"\"", &[]);
            }
            let allowed = n.var(p, "allowed");
            map(w, &origin, &allowed, "1", &[(quote(""), "0".into())]);
            let pf = n.var(p, "pf");
            map(
                w,
                &format!("\"{}{allowed}\"", n.v("preflight")),
                &pf,
                "0",
                &[(quote("11"), "1".into())],
            );
            if p.credentials {
                map(
                    w,
                    &allowed,
                    &n.var(p, "cred"),
                    "\"\"",
                    &[(quote("1"), quote("true"))],
                );
            }
            if let Some(e) = &p.expose {
                map(
                    w,
                    &allowed,
                    &n.var(p, "expose"),
                    "\"\"",
                    &[(quote("1"), quote(e))],
                );
            }
            pf
        }
    };
    let allow_value = |a: &Allow, mirror: &str| -> Option<String> {
        match a {
            Allow::Omit => None,
            Allow::Static(s) => Some(quote(s)),
            Allow::Mirror => Some(mirror.to_string()),
            Allow::MirrorUnlessAuthorization => Some(n.v("acrh_noauth")),
        }
    };
    if let Some(v) = allow_value(&p.methods, "$http_access_control_request_method") {
        map(
            w,
            &preflight_ok,
            &n.var(p, "methods"),
            "\"\"",
            &[(quote("1"), v)],
        );
    }
    if let Some(v) = allow_value(&p.headers, "$http_access_control_request_headers") {
        map(
            w,
            &preflight_ok,
            &n.var(p, "headers"),
            "\"\"",
            &[(quote("1"), v)],
        );
    }
    if let Some(age) = p.max_age {
        map(
            w,
            &preflight_ok,
            &n.var(p, "max_age"),
            "\"\"",
            &[(quote("1"), quote(&age.to_string()))],
        );
    }
    if p.private_network {
        map(
            w,
            &format!("\"{preflight_ok}$http_access_control_request_private_network\""),
            &n.var(p, "pna"),
            "\"\"",
            &[(quote("1true"), quote("true"))],
        );
    }
    let actual = if p.vary_origin() { "Origin" } else { "" };
    let pre = p.preflight_vary().join(", ");
    if pre != actual {
        map(
            w,
            &n.v("preflight"),
            &n.var(p, "vary"),
            &quote(actual),
            &[(quote("1"), quote(&pre))],
        );
    }
}

/// The bare form of every prefix scope (`/api/admin` for `/api/admin/*`) that no scope names
/// exactly, with the policy that owns it (the most specific scope covering it), if any.
///
/// Why: nginx answers a request for a proxied `location ^~ /api/admin/` without its trailing
/// slash with a 301 to `/api/admin/`, sent from that location with its CORS headers, and
/// browsers follow it. The bare path is not in the scope (the policy owning it may be wider,
/// or none), so an exact location gives it the CORS of its owner instead.
fn bare_prefixes(plan: &Plan<'_>) -> Vec<(String, Option<usize>)> {
    let mut out = Vec::new();
    for loc in &plan.locations {
        let Scope::Prefix(p) = &loc.scope else {
            continue;
        };
        let Some(bare) = p.strip_suffix('/').filter(|b| !b.is_empty()) else {
            continue;
        };
        let named = plan
            .locations
            .iter()
            .any(|l| l.scope == Scope::Exact(bare.to_string()));
        if named || out.iter().any(|(b, _)| b == bare) {
            continue;
        }
        // Locations are sorted least specific first: the last that covers it owns it.
        let owner = plan
            .locations
            .iter()
            .rev()
            .find(|l| match &l.scope {
                Scope::Exact(x) => x == bare,
                Scope::Prefix(x) => bare.starts_with(x.as_str()),
            })
            .map(|l| l.policy);
        out.push((bare.to_string(), owner));
    }
    out
}

/// Every location corsc writes, in the order it writes them: the scopes, then the bare
/// prefixes, each with the policy answering in it (none for a bare prefix no policy covers).
fn written_locations(plan: &Plan<'_>) -> Vec<(Scope, Option<usize>)> {
    let mut v: Vec<(Scope, Option<usize>)> = plan
        .locations
        .iter()
        .map(|l| (l.scope.clone(), Some(l.policy)))
        .collect();
    v.extend(
        bare_prefixes(plan)
            .into_iter()
            .map(|(b, owner)| (Scope::Exact(b), owner)),
    );
    v
}

/// The route maps: which policy each reading of the request path selects. nginx picks a
/// location on the decoded, normalized path (`$uri`), but it proxies the path as the client
/// sent it (`$request_uri`), and the application behind routes that on its own form: raw
/// (axum, Express), decoded (Starlette, Fastify), case-folded (Express). When nginx's choice
/// is a policy's location and another reading selects another policy (`/api/%61dmin/x`,
/// `/api/ADMIN/x`, `/api/x/../admin/y`), the CORS could belong to another policy than the
/// handler the application picks: [`route_guard`] refuses such a request with a bare 400,
/// before any location adds headers. Regex maps stop at the first match: most specific first.
fn route_maps(w: &mut Writer, n: &Names, plan: &Plan<'_>) {
    let mut routes: Vec<(usize, Scope)> = written_locations(plan)
        .into_iter()
        .filter_map(|(scope, owner)| owner.map(|i| (i, scope)))
        .collect();
    routes.sort_by_key(|(_, scope)| {
        std::cmp::Reverse(match scope {
            Scope::Exact(p) => (1, p.len()),
            Scope::Prefix(p) => (0, p.len()),
        })
    });
    let entries = |raw: bool, fold: bool| -> Vec<(String, String)> {
        routes
            .iter()
            .map(|(i, scope)| {
                let re = match scope {
                    Scope::Exact(p) if raw => format!("^{}(?:[?#]|$)", regex_escape(p)),
                    Scope::Exact(p) => format!("^{}$", regex_escape(p)),
                    Scope::Prefix(p) => format!("^{}", regex_escape(p)),
                };
                (
                    quote(&format!("{}{re}", if fold { "~*" } else { "~" })),
                    i.to_string(),
                )
            })
            .collect()
    };
    w.comment("Which policy each reading of the path selects: nginx's own (the normalized path),");
    w.comment("the path as sent, the same ignoring case, and the normalized path ignoring case.");
    w.comment("The application behind receives the path as sent and routes it its own way.");
    map(w, "$uri", &n.v("route_uri"), "none", &entries(false, false));
    map(
        w,
        "$request_uri",
        &n.v("route_raw"),
        "none",
        &entries(true, false),
    );
    map(
        w,
        "$request_uri",
        &n.v("route_folded"),
        "none",
        &entries(true, true),
    );
    map(
        w,
        "$uri",
        &n.v("route_uri_folded"),
        "none",
        &entries(false, true),
    );
    w.comment("1 when nginx would answer with a policy that another reading does not select.");
    map(
        w,
        &format!(
            "\"{}:{}:{}:{}\"",
            n.v("route_uri"),
            n.v("route_raw"),
            n.v("route_folded"),
            n.v("route_uri_folded")
        ),
        &n.v("route_bad"),
        "1",
        &[
            (quote("~^none:"), "0".into()),
            (quote("~^([0-9]+):\\1:\\1:\\1$"), "0".into()),
        ],
    );
}

/// The server-level refusal of a path whose readings disagree (see [`route_maps`]): a 400
/// from the server's rewrite phase, before a location is chosen, so it carries no CORS header.
fn route_guard(w: &mut Writer, n: &Names) {
    w.comment("A path nginx and the application behind could route to different policies is");
    w.comment(format!(
        "refused before any location adds CORS headers (see {}).",
        n.v("route_bad")
    ));
    w.open(format!("if ({}) {{", n.v("route_bad")));
    w.line("return 400;");
    w.close("}");
}

/// An exact location for a bare prefix no policy covers: no CORS headers, the request served
/// as the other paths are (nginx would otherwise redirect it with the prefix scope's CORS).
fn bare_location(w: &mut Writer, bare: &str, body: Option<&str>) {
    w.open(format!("location = {bare} {{"));
    w.comment(format!(
        "No policy covers this path; without this location nginx would redirect it to `{bare}/`"
    ));
    w.comment("with the CORS headers of that scope.");
    match body {
        Some(b) => w.line(format!("return 200 {};", quote(b))),
        None => w.line("include corsc-upstream*.conf;"),
    }
    w.close("}");
}

/// The CORS headers a policy's location adds, with their values (variables or quoted).
fn cors_headers(n: &Names, p: &PolicyPlan<'_>) -> Vec<(&'static str, String)> {
    let any = matches!(p.origins, Origins::Any);
    let mut headers: Vec<(&'static str, String)> = Vec::new();
    headers.push((
        "Access-Control-Allow-Origin",
        if any { quote("*") } else { n.var(p, "origin") },
    ));
    if p.credentials {
        headers.push(("Access-Control-Allow-Credentials", n.var(p, "cred")));
    }
    if let Some(e) = &p.expose {
        headers.push((
            "Access-Control-Expose-Headers",
            if any { quote(e) } else { n.var(p, "expose") },
        ));
    }
    if p.methods != Allow::Omit {
        headers.push(("Access-Control-Allow-Methods", n.var(p, "methods")));
    }
    if p.headers != Allow::Omit {
        headers.push(("Access-Control-Allow-Headers", n.var(p, "headers")));
    }
    if p.max_age.is_some() {
        headers.push(("Access-Control-Max-Age", n.var(p, "max_age")));
    }
    if p.private_network {
        headers.push(("Access-Control-Allow-Private-Network", n.var(p, "pna")));
    }
    let actual = if p.vary_origin() { "Origin" } else { "" };
    let pre = p.preflight_vary().join(", ");
    if pre != actual {
        headers.push(("Vary", n.var(p, "vary")));
    } else if !actual.is_empty() {
        headers.push(("Vary", quote(actual)));
    }
    headers
}

/// Every header the snippet may send, with the variable that selects its value.
const SENT: &[(&str, &str)] = &[
    ("Access-Control-Allow-Origin", "send_acao"),
    ("Access-Control-Allow-Credentials", "send_acac"),
    ("Access-Control-Expose-Headers", "send_aceh"),
    ("Access-Control-Allow-Methods", "send_acam"),
    ("Access-Control-Allow-Headers", "send_acah"),
    ("Access-Control-Max-Age", "send_acma"),
    ("Access-Control-Allow-Private-Network", "send_acapn"),
    ("Vary", "send_vary"),
];

/// The snippet's http-level maps: which policy answers (none when the path's readings
/// disagree), whether a preflight is one to answer, and each header's value for that policy.
fn snippet_maps(w: &mut Writer, n: &Names, plan: &Plan<'_>) {
    w.comment(
        "The policy that answers in the snippet: the one nginx's reading of the path selects,",
    );
    w.comment("or none when another reading selects another (then no CORS header is sent).");
    let answers: Vec<(String, String)> = (0..plan.policies.len())
        .map(|i| (quote(&format!("0:{i}")), i.to_string()))
        .collect();
    map(
        w,
        &format!("\"{}:{}\"", n.v("route_bad"), n.v("route_uri")),
        &n.v("answer"),
        "none",
        &answers,
    );
    w.comment("A preflight inside some policy's scope: answered with 204, it never reaches the application.");
    let scoped: Vec<(String, String)> = (0..plan.policies.len())
        .map(|i| (quote(&format!("1:{i}")), "1".to_string()))
        .collect();
    map(
        w,
        &format!("\"{}:{}\"", n.v("preflight"), n.v("answer")),
        &n.v("scoped_preflight"),
        "0",
        &scoped,
    );
    let per_policy: Vec<Vec<(&'static str, String)>> =
        plan.policies.iter().map(|p| cors_headers(n, p)).collect();
    for (header, var) in SENT {
        let entries: Vec<(String, String)> = per_policy
            .iter()
            .enumerate()
            .filter_map(|(i, hs)| {
                hs.iter()
                    .find(|(h, _)| h == header)
                    .map(|(_, v)| (i.to_string(), v.clone()))
            })
            .collect();
        if entries.is_empty() {
            continue;
        }
        w.comment(format!("{header}, as the answering policy sends it."));
        map(w, &n.v("answer"), &n.v(var), "\"\"", &entries);
    }
}

/// The part included inside the user's own location: the route guard, the preflight answer,
/// the headers, the kept headers.
fn snippet_part(w: &mut Writer, n: &Names, plan: &Plan<'_>) {
    w.comment("Include inside your own location, next to its proxy_pass, e.g.");
    w.comment("  location /api/ { proxy_pass http://app; include corsc-snippet.conf; }");
    w.comment(
        "It needs the http-level part (corsc-http.conf). The policy answering a request is the",
    );
    w.comment(
        "one whose scope holds the path; outside every scope nothing is added. Preflights in",
    );
    w.comment("a scope are answered here with 204 and never reach your proxy_pass.");
    w.blank();
    w.comment(
        "A path nginx and the application behind could route to different policies is refused.",
    );
    w.open(format!("if ({}) {{", n.v("route_bad")));
    w.line("return 400;");
    w.close("}");
    w.open(format!("if ({}) {{", n.v("scoped_preflight")));
    w.line("return 204;");
    w.close("}");
    let used: Vec<(&str, &str)> = SENT
        .iter()
        .copied()
        .filter(|(h, _)| {
            plan.policies
                .iter()
                .any(|p| cors_headers(n, p).iter().any(|(x, _)| x == h))
        })
        .collect();
    let width = used
        .iter()
        .map(|(h, _)| h.len())
        .chain(plan.options.keep_headers.iter().map(|k| k.name.len()))
        .max()
        .unwrap_or(0);
    for (header, var) in &used {
        w.line(format!(
            "add_header {} {} always;",
            pad(header, width),
            n.v(var)
        ));
    }
    kept_headers(w, plan, width);
    for h in CORS_RESPONSE_HEADERS {
        w.line(format!("proxy_hide_header {h};"));
    }
}

/// The server-level headers the user named (`--keep-header`), repeated: nginx drops every
/// `add_header` of the server level in a location that has its own. Without any, a comment says
/// what is lost.
fn kept_headers(w: &mut Writer, plan: &Plan<'_>, width: usize) {
    let kept = &plan.options.keep_headers;
    if kept.is_empty() {
        w.comment("nginx drops every server-level add_header (HSTS, X-Frame-Options, …) where a");
        w.comment("location adds its own, as here: compile with `--keep-header 'Name: value'` to");
        w.comment("repeat each one the server sends.");
        return;
    }
    w.comment("Repeated from the server level (--keep-header): nginx drops every server-level");
    w.comment("add_header where a location adds its own.");
    for k in kept {
        w.line(format!(
            "add_header {} {} always;",
            pad(&k.name, width),
            quote(&k.value)
        ));
    }
}

fn location(
    w: &mut Writer,
    n: &Names,
    plan: &Plan<'_>,
    p: &PolicyPlan<'_>,
    scope: &Scope,
    body: Option<&str>,
) {
    let head = match scope {
        Scope::Exact(path) => format!("location = {path} {{"),
        Scope::Prefix(path) if path == "/" => "location / {".to_string(),
        Scope::Prefix(path) => format!("location ^~ {path} {{"),
    };
    w.open(head);
    w.comment(format!("policy `{}`", p.name));
    w.open(format!("if ({}) {{", n.v("preflight")));
    w.line("return 204;");
    w.close("}");
    let headers = cors_headers(n, p);
    let width = headers
        .iter()
        .map(|(h, _)| h.len())
        .chain(plan.options.keep_headers.iter().map(|k| k.name.len()))
        .max()
        .unwrap_or(0);
    for (name, value) in &headers {
        w.line(format!("add_header {} {value} always;", pad(name, width)));
    }
    kept_headers(w, plan, width);
    for h in CORS_RESPONSE_HEADERS {
        w.line(format!("proxy_hide_header {h};"));
    }
    match body {
        Some(b) => w.line(format!("return 200 {};", quote(b))),
        None => {
            // A location needs its own content handler (`proxy_pass` is not inherited), so the
            // application behind is named in a file of the deployment's own; the glob makes it
            // optional. Upstream CORS headers are hidden above, so the browser sees one set.
            w.comment("Where other requests go: a `corsc-upstream.conf` beside nginx.conf, e.g.");
            w.comment(
                "`proxy_pass http://127.0.0.1:3000;`. Without it nginx serves the location itself.",
            );
            w.line("include corsc-upstream*.conf;");
        }
    }
    w.close("}");
}
