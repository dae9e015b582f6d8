//! Apache httpd 2.4: environment flags from `SetEnvIf`, headers from `Header always`, the
//! preflight answered by mod_rewrite.
//!
//! How the output works, and why:
//!
//! - **Scopes.** One `<Location>` (or `<LocationMatch>` for exact paths and prefixes that do
//!   not end in `/`) per scope, least specific first. Apache merges every matching section in
//!   that order, so a more specific section comes later and first clears the flags of the
//!   policies it overrides (`SetEnvIf Request_URI "^" !CORSC_…`): one policy answers a path,
//!   the most specific, as the evaluator decides. The `.htaccess` shape has no sections: the
//!   same flags are set from `Request_URI` regexes.
//! - **Origins.** Exact origins are one `SetEnvIf Origin` regex, their trie ([`trie`]), a
//!   line per 16 KB of it (a 10,000-origin list is about a dozen lines, where a list compared
//!   in order cost 12 ns an origin per request); patterns and regexes are `SetEnvIf Origin
//!   "^…$"` lines; all case-sensitive. Each sets
//!   `CORSC_<POLICY>_ORIGIN`; `CORSC_<POLICY>` is set when the scope and the origin both match.
//!   `Access-Control-Allow-Origin` is then the request's `Origin`, only under that flag. Each
//!   pattern and regex opens with a lookahead that fails on an `Origin` longer than any browser
//!   sends, so PCRE, which backtracks, never runs it on one. `SetEnvIf` cannot be made to skip
//!   a line, and testing a copy of `Origin` held in a variable would not do: `SetEnvIf NAME`
//!   reads a request header called NAME before a variable, and a client chooses its headers.
//!   (PCRE also stops a match at its match limit, ten million steps, which Apache does not
//!   change: a regex lint rule S114 flags then costs about half a second per request.)
//! - **Headers.** `Header always set` (`always`: also on the 204, errors and proxied responses),
//!   each under a flag, so a refused origin gets none. Upstream copies are removed first from
//!   both header tables (`always unset` and `onsuccess unset`), so nothing is doubled.
//!   `Header always merge Vary` adds `Origin` without duplicating it.
//! - **Preflights.** `CORSC_PREFLIGHT` marks `OPTIONS` with `Origin` and
//!   `Access-Control-Request-Method` inside a scope; mod_rewrite answers it with 204
//!   (`RewriteRule ^ - [R=204,L]`), with or without the `Allow-*` headers, and it never reaches
//!   the application. mod_rewrite in a section needs `Options FollowSymLinks` (the default).
//! - **Route guard.** Apache picks a section on the normalized path, the application behind
//!   routes the path as sent: a grant holds only where every reading of the path agrees
//!   ([`route_guard`]). With several scopes that is mod_rewrite rules; with one, two regex
//!   conditions of the grant itself ([`single_guard`]), a tenth of the cost.
//! - **Beside other configuration.** Every variable is `CORSC_<NS>_…`, `<NS>` the output's
//!   namespace ([`crate::emit::dropin`]): two generated files in one virtual host (both naming
//!   a policy `api`) never set or clear each other's flags. Server-level `Header always set`
//!   (HSTS, `X-Frame-Options`) is merged into every `<Location>`, so nothing needs repeating.

use crate::emit::capability::{Capabilities, Lookup, RegexDialect, Shape, Support, Syntax};
use crate::emit::dropin::Namespace;
use crate::emit::idents::{IdentScheme, Style};
use crate::emit::lang::strings::apache as quote;
use crate::emit::limits::Limit;
use crate::emit::meta::TargetMeta;
use crate::emit::output::{Output, Part};
use crate::emit::ownership::Layer;
use crate::emit::plan::{Allow, Origins, Plan, PolicyPlan, Scope, CORS_RESPONSE_HEADERS};
use crate::emit::provenance::Provenance;
use crate::emit::regex_text::written_len;
use crate::emit::scopes::title;
use crate::emit::target::Target;
use crate::emit::trie;
use crate::emit::writer::Writer;
use crate::fetch::MAX_ORIGIN_BYTES;
use crate::regex::Engine;

/// The Apache httpd target.
pub struct Apache;

static CAPS: Capabilities = Capabilities {
    // `Header … expr=` (values and conditions) appeared in 2.4.10.
    min_version: "2.4.10",
    exact_lookup: Lookup::Trie,
    regex_dialect: RegexDialect::Engine(Engine::Pcre),
    regex_named_groups: true,
    header_mirroring: Support::Since("2.4.10"),
    routing: crate::eval::Routing::Apache,
    shapes: &[Shape::Include, Shape::Htaccess],
    modules: &["headers", "setenvif", "rewrite"],
    syntax: Syntax {
        // `${NAME}` is replaced by a `Define`d variable on every configuration line.
        value_forbidden: &["${"],
        regex_forbidden: &["${"],
        // An `.htaccess` line holds at most 8,190 bytes, and also carries the variable names
        // (a policy name is at most 128 bytes). The plan counts a token as written, each
        // backslash escaped.
        max_token: 7000,
        // PCRE2: a quantifier count is at most 65535.
        max_regex_repeat: 65535,
    },
    ..Capabilities::COMMON
};

/// PCRE reads escapes and constructs outside the common subset differently, or refuses them
/// (`\u2028`: "PCRE2 does not support \u"; `[a[b]]` is not a nested class): the output would
/// not load, or would match something else than the evaluator decides.
///
/// Every scope clears the flags of the other policies that overlap it; 100,000 overlapping
/// pairs is about 12 MB of configuration.
static LIMITS: &[Limit] = &[
    Limit::PortableRegex,
    Limit::OverlappingScopes(100_000),
    Limit::RouteGuardPerSection(250_000),
];

/// The `apache` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "apache",
    aliases: &[],
    name: "Apache httpd",
    doc_short: "<Location> sections with SetEnvIf, Header always and a mod_rewrite 204 (or an .htaccess file)",
    // A reverse proxy: it removes upstream CORS headers in its scopes, and the plan refuses
    // a file that says `owner app` (see `emit::ownership`).
    layer: Layer::Proxy,
    capabilities: &CAPS,
    limits: LIMITS,
    idents: &IDENTS,
};

impl Target for Apache {
    fn meta(&self) -> &'static TargetMeta {
        &META
    }

    fn render(&self, plan: &Plan<'_>, provenance: &Provenance) -> Output {
        let namespace = Namespace::of(plan.options.namespace.as_ref(), provenance);
        let ns = namespace.as_str();
        let mut w = Writer::new();
        let htaccess = plan.options.shape == Shape::Htaccess;
        let guard = single_guard(plan);
        w.provenance(provenance, &META, plan.options.shape, "");
        if htaccess {
            w.comment("Save as .htaccess in the directory served at the site's root. Needs");
            w.comment("`AllowOverride FileInfo` (without it every request fails with 500) and");
            w.comment("`Options FollowSymLinks` or `SymLinksIfOwnerMatch` (for mod_rewrite).");
        } else {
            w.comment("Include inside <VirtualHost> (or the main server config): `Include corsc-apache.conf`.");
            w.comment("Load the modules first: LoadModule headers_module, setenvif_module, rewrite_module.");
            w.comment("mod_rewrite in a <Location> needs `Options FollowSymLinks` (the default).");
            w.comment("Server-level `Header always set` lines (HSTS, X-Frame-Options) still apply: Apache");
            w.comment("merges them with the headers set here.");
        }
        w.comment(format!(
            "Every environment variable here starts with CORSC_{}_",
            ns.to_ascii_uppercase()
        ));
        w.comment("(the namespace; `--namespace` sets it), so several generated files can be");
        w.comment("included into one server without sharing a variable.");
        if htaccess {
            w.blank();
            w.comment("Which policy answers the path: the most specific scope, set last.");
            for (i, loc) in plan.locations.iter().enumerate() {
                let p = &plan.policies[loc.policy];
                let mut args = vec![quote(&loc.scope.regex())];
                args.extend(resets(ns, plan, i));
                args.push(format!("{}=1", global(ns, "IN")));
                args.push(format!("{}=1", env(ns, p, "_IN")));
                w.line(format!("SetEnvIf Request_URI {}", args.join(" ")));
            }
            for p in &plan.policies {
                w.blank();
                body(
                    &mut w,
                    ns,
                    p,
                    Some(title(p)),
                    HTACCESS_TRIE_BYTES,
                    guard.as_deref(),
                );
            }
            w.blank();
            rewrite(&mut w, ns, plan);
        } else {
            for (i, loc) in plan.locations.iter().enumerate() {
                let p = &plan.policies[loc.policy];
                w.blank();
                let (open, close) = section(&loc.scope);
                w.open(open);
                w.comment(format!("policy `{}`", p.name));
                let mut args = vec![quote("^")];
                args.extend(resets(ns, plan, i));
                args.push(format!("{}=1", global(ns, "IN")));
                args.push(format!("{}=1", env(ns, p, "_IN")));
                w.line(format!("SetEnvIf Request_URI {}", args.join(" ")));
                body(&mut w, ns, p, None, TRIE_BYTES, guard.as_deref());
                rewrite(&mut w, ns, plan);
                w.close(close);
            }
        }
        Output {
            parts: vec![Part {
                file_name: if htaccess {
                    ".htaccess"
                } else {
                    "corsc-apache.conf"
                },
                placement: if htaccess {
                    "a directory's .htaccess"
                } else {
                    "inside <VirtualHost>"
                },
                text: w.finish(),
            }],
        }
    }
}

/// A mod_headers value: `%` starts a format specifier, so a literal one is `%%`.
fn header_value(s: &str) -> String {
    quote(&s.replace('%', "%%"))
}

/// Every environment variable a policy derives, and the output's own: a policy named
/// `preflight` must not own `CORSC_PREFLIGHT`, nor one named `in` the scope flag `CORSC_IN`.
static IDENTS: IdentScheme = IdentScheme {
    style: Style::Snake,
    derived: &[
        "CORSC_{}_IN",
        "CORSC_{}",
        "CORSC_{}_ORIGIN",
        "CORSC_{}_PREFLIGHT",
    ],
    reserved: &[
        "CORSC_IN",
        "CORSC_PREFLIGHT",
        "CORSC_ROUTE_RAW",
        "CORSC_ROUTE_FOLDED",
        "CORSC_ROUTE_URI",
    ],
    keywords: &[],
    fixed_code: &[],
};

/// An environment variable of a policy: `CORSC_<NS>_<IDENT><suffix>`, one of [`IDENTS`]'
/// names in the output's namespace ([`crate::emit::dropin`]): environment variables are global
/// to the server, so two files included into one virtual host must not share one.
fn env(ns: &str, p: &PolicyPlan<'_>, suffix: &str) -> String {
    let bare = format!("CORSC_{}{suffix}", p.ident.to_ascii_uppercase());
    debug_assert!(
        IDENTS
            .derive(&p.ident)
            .iter()
            .any(|d| d.eq_ignore_ascii_case(&bare)),
        "{bare} is not declared in IDENTS"
    );
    format!(
        "CORSC_{}_{}{suffix}",
        ns.to_ascii_uppercase(),
        p.ident.to_ascii_uppercase()
    )
}

/// One of the output's own variables (`IN`, `PREFLIGHT`, `ROUTE_RAW`, …), in its namespace.
fn global(ns: &str, name: &str) -> String {
    let bare = format!("CORSC_{name}");
    debug_assert!(
        IDENTS.reserved.contains(&bare.as_str()),
        "{bare} is not reserved"
    );
    format!("CORSC_{}_{name}", ns.to_ascii_uppercase())
}

/// `!VAR` arguments clearing the flags of every other policy whose scopes overlap location
/// `loc` (the plan lists them: comparing every scope with every other was cubic).
fn resets(ns: &str, plan: &Plan<'_>, loc: usize) -> Vec<String> {
    let mut out = Vec::new();
    for &i in plan.overlaps.get(loc).map_or(&[][..], Vec::as_slice) {
        for s in ["_IN", "", "_ORIGIN", "_PREFLIGHT"] {
            out.push(format!("!{}", env(ns, &plan.policies[i], s)));
        }
    }
    out
}

fn section(scope: &Scope) -> (String, &'static str) {
    match scope {
        Scope::Prefix(p) if p.ends_with('/') => (format!("<Location {}>", quote(p)), "</Location>"),
        _ => (
            format!("<LocationMatch {}>", quote(&scope.regex())),
            "</LocationMatch>",
        ),
    }
}

/// The longest trie regex of one `SetEnvIf` line in a configuration file. PCRE2 as Apache
/// links it holds a compiled pattern in 64 KB, and compiling writes at most about two and a
/// half bytes per byte of a trie (`|` is the costliest): a 33 KB trie of 2,000 origins
/// compiled, a 39 KB one did not ("SetEnvIf regex could not be compiled").
const TRIE_BYTES: usize = 16_000;

/// The same in an `.htaccess` file, where a line holds at most 8,190 bytes.
const HTACCESS_TRIE_BYTES: usize = 6_000;

/// The sorted exact origins cut into runs whose trie ([`trie::regex_factored`]: a shared
/// suffix written once) is at most `budget` bytes long as written (quoted: each backslash
/// doubled). Every line is one more regex Apache runs on every request, so each run is as
/// long as fits: grown by doubling while its regex fits, then the first length that does not
/// found by bisection (a single origin always fits: it is at most [`MAX_ORIGIN_BYTES`]).
fn runs(exact: &[String], budget: usize) -> Vec<&[String]> {
    let fits = |run: &[String]| written_len(&trie_of(run)) <= budget;
    let mut out = Vec::new();
    let mut start = 0;
    while start < exact.len() {
        let rest = &exact[start..];
        // `good` origins fit; `bad` do not, or are more than there are.
        let mut good = 1;
        let mut bad = 2;
        while bad <= rest.len() && fits(&rest[..bad]) {
            good = bad;
            bad *= 2;
        }
        bad = bad.min(rest.len() + 1);
        while bad - good > 1 {
            let mid = good + (bad - good) / 2;
            if fits(&rest[..mid]) {
                good = mid;
            } else {
                bad = mid;
            }
        }
        out.push(&rest[..good]);
        start += good;
    }
    out
}

/// The anchored regex of one run of exact origins, as `SetEnvIf Origin` tests it.
fn trie_of(run: &[String]) -> String {
    let words: Vec<&str> = run.iter().map(String::as_str).collect();
    format!("^(?:{})\\z", trie::regex_factored(&words))
}

/// One policy's flags and headers. `guard`, for a file of one scope, is the route guard as a
/// condition of the grant ([`single_guard`]).
fn body(
    w: &mut Writer,
    ns: &str,
    p: &PolicyPlan<'_>,
    title: Option<String>,
    budget: usize,
    guard: Option<&str>,
) {
    let g_pre = global(ns, "PREFLIGHT");
    if let Some(t) = title {
        w.comment(t);
    }
    let origin_flag = format!("{}=1", env(ns, p, "_ORIGIN"));
    let inside = env(ns, p, "_IN");
    match &p.origins {
        Origins::Any => {
            w.line(format!("SetEnvIf Request_URI \"^\" {origin_flag}"));
        }
        // Patterns that differ only in their host share one regex ([`crate::emit::alternation`]).
        Origins::List {
            exact,
            alternation: regexes,
            ..
        } => {
            // Exact origins as the trie of each run of the sorted list that fits a line:
            // PCRE tries the few characters that can follow at each step, so a line costs the
            // same however many origins it holds.
            for run in runs(exact, budget) {
                w.line(format!(
                    "SetEnvIf Origin {} {origin_flag}",
                    quote(&trie_of(run))
                ));
            }
            for r in regexes {
                // The lookahead refuses an overlong Origin before the pattern runs; with `^`
                // first, PCRE tries the start of the value only.
                let bounded = format!("^(?=[\\s\\S]{{0,{MAX_ORIGIN_BYTES}}}\\z)(?:{r})");
                w.line(format!("SetEnvIf Origin {} {origin_flag}", quote(&bounded)));
            }
        }
    }
    let flag = env(ns, p, "");
    let pre = env(ns, p, "_PREFLIGHT");
    let guard = guard.map(|g| format!(" && {g}")).unwrap_or_default();
    w.line(format!(
        "SetEnvIfExpr \"-n reqenv('{inside}') && -n reqenv('{}'){guard}\" {flag}=1",
        env(ns, p, "_ORIGIN")
    ));
    w.line(format!(
        "SetEnvIfExpr \"-n reqenv('{inside}') && %{{REQUEST_METHOD}} == 'OPTIONS' && -n %{{HTTP:Origin}} && -n %{{HTTP:Access-Control-Request-Method}}\" {g_pre}=1"
    ));
    w.line(format!(
        "SetEnvIfExpr \"-n reqenv('{g_pre}') && -n reqenv('{flag}')\" {pre}=1"
    ));
    for h in CORS_RESPONSE_HEADERS {
        w.line(format!("Header always unset {h} env={inside}"));
        w.line(format!("Header onsuccess unset {h} env={inside}"));
    }
    let any = matches!(p.origins, Origins::Any);
    let acao = if any {
        quote("*")
    } else {
        quote("expr=%{req:Origin}")
    };
    w.line(format!(
        "Header always set Access-Control-Allow-Origin {acao} env={flag}"
    ));
    if p.credentials {
        w.line(format!(
            "Header always set Access-Control-Allow-Credentials \"true\" env={flag}"
        ));
    }
    if let Some(e) = &p.expose {
        w.line(format!(
            "Header always set Access-Control-Expose-Headers {} env={flag}",
            header_value(e)
        ));
    }
    let allow = |w: &mut Writer, name: &str, a: &Allow, request: &str| {
        match a {
        Allow::Omit => {}
        Allow::Static(s) => w.line(format!(
            "Header always set {name} {} env={pre}",
            header_value(s)
        )),
        Allow::Mirror => w.line(format!(
            "Header always set {name} \"expr=%{{req:{request}}}\" env={pre}"
        )),
        Allow::MirrorUnlessAuthorization => w.line(format!(
            "Header always set {name} \"expr=%{{req:{request}}}\" \"expr=-n reqenv('{pre}') && ! %{{HTTP:{request}}} =~ m#(^|[\\\\s,])authorization([\\\\s,]|$)#i\""
        )),
    }
    };
    allow(
        w,
        "Access-Control-Allow-Methods",
        &p.methods,
        "Access-Control-Request-Method",
    );
    allow(
        w,
        "Access-Control-Allow-Headers",
        &p.headers,
        "Access-Control-Request-Headers",
    );
    if let Some(age) = p.max_age {
        w.line(format!(
            "Header always set Access-Control-Max-Age \"{age}\" env={pre}"
        ));
    }
    if p.private_network {
        w.line(format!(
            "Header always set Access-Control-Allow-Private-Network \"true\" \"expr=-n reqenv('{pre}') && %{{HTTP:Access-Control-Request-Private-Network}} == 'true'\""
        ));
    }
    if p.vary_origin() {
        w.line(format!("Header always merge Vary \"Origin\" env={inside}"));
    }
    for extra in p.preflight_vary().into_iter().filter(|v| *v != "Origin") {
        w.line(format!(
            "Header always merge Vary \"{extra}\" \"expr=-n reqenv('{inside}') && -n reqenv('{g_pre}')\""
        ));
    }
}

fn rewrite(w: &mut Writer, ns: &str, plan: &Plan<'_>) {
    w.line("RewriteEngine On");
    route_guard(w, ns, plan);
    w.line(format!(
        "RewriteCond %{{ENV:{}}} =1",
        global(ns, "PREFLIGHT")
    ));
    w.line("RewriteRule ^ - [R=204,L]");
}

/// A path as a literal in a mod_rewrite pattern: letters, digits and `/-_~` as they are,
/// every other byte as a PCRE `\xHH` escape. mod_rewrite reads a quoted argument keeping its
/// backslashes, so the escapes reach PCRE unchanged, and no `"`, space or backslash of the path
/// is ever written.
fn rewrite_literal(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-_~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// Apache picks a `<Location>` on the decoded, normalized path but proxies the path as the
/// client sent it, and the application behind routes that on its own form: raw (axum,
/// Express), decoded (Starlette, Fastify), case-folded (Express). These rules compute which
/// policy each reading selects (the request line as sent, the same ignoring case, the
/// normalized path ignoring case; least specific first, so the most specific sets it last)
/// and clear a policy's grant when a reading disagrees with it: `/api/%61dmin/x`,
/// `/api/ADMIN/x` or `/api/x/../admin/y` get no CORS from the admin section, since the
/// application may serve them from another policy's handler. Rewrite rules run after the
/// `SetEnvIf` lines and before `Header` reads the flags.
fn route_guard(w: &mut Writer, ns: &str, plan: &Plan<'_>) {
    if single_guard(plan).is_some() {
        return;
    }
    let (raw_v, folded_v, uri_v) = (
        global(ns, "ROUTE_RAW"),
        global(ns, "ROUTE_FOLDED"),
        global(ns, "ROUTE_URI"),
    );
    w.line(format!(
        "RewriteRule ^ - [E={raw_v}:none,E={folded_v}:none,E={uri_v}:none]"
    ));
    for loc in &plan.locations {
        let i = loc.policy;
        let (raw, uri) = match &loc.scope {
            Scope::Exact(p) => (
                format!("\"^[^ ]+ {}([?# ]|$)\"", rewrite_literal(p)),
                format!("\"^{}$\"", rewrite_literal(p)),
            ),
            Scope::Prefix(p) => (
                format!("\"^[^ ]+ {}\"", rewrite_literal(p)),
                format!("\"^{}\"", rewrite_literal(p)),
            ),
        };
        w.line(format!("RewriteCond %{{THE_REQUEST}} {raw}"));
        w.line(format!("RewriteRule ^ - [E={raw_v}:{i}]"));
        w.line(format!("RewriteCond %{{THE_REQUEST}} {raw} [NC]"));
        w.line(format!("RewriteRule ^ - [E={folded_v}:{i}]"));
        w.line(format!("RewriteCond %{{REQUEST_URI}} {uri} [NC]"));
        w.line(format!("RewriteRule ^ - [E={uri_v}:{i}]"));
    }
    for (i, p) in plan.policies.iter().enumerate() {
        w.line(format!("RewriteCond %{{ENV:{}}} =1", env(ns, p, "_IN")));
        w.line(format!(
            "RewriteCond \"%{{ENV:{raw_v}}}:%{{ENV:{folded_v}}}:%{{ENV:{uri_v}}}\" !^{i}:{i}:{i}$"
        ));
        w.line(format!(
            "RewriteRule ^ - [E=!{},E=!{}]",
            env(ns, p, ""),
            env(ns, p, "_PREFLIGHT")
        ));
    }
}

/// The route guard of a file with one scope, as a condition on the grant: the request line as
/// sent starts with the scope (case and all), and so does the normalized path ignoring case.
/// With one scope, "which scope each reading selects" ([`route_guard`]) is "whether each
/// reading is in it", and the case-folded request line is in it whenever the raw one is. An
/// `ap_expr` condition in the `SetEnvIfExpr` that sets the grant costs about a tenth of the
/// seven mod_rewrite rules (callgrind: 3,000 instructions a request against 25,000), which
/// are most of what corsc's output adds to a request over fixed headers.
///
/// The regexes are delimited by `:` (`m:…:`), which [`rewrite_literal`] never writes (it
/// writes `\x3a`) and the fixed parts do not hold.
fn single_guard(plan: &Plan<'_>) -> Option<String> {
    let [loc] = plan.locations.as_slice() else {
        return None;
    };
    let (raw, uri) = match &loc.scope {
        Scope::Exact(p) => (
            format!("^[^ ]+ {}([?# ]|$)", rewrite_literal(p)),
            format!("^{}$", rewrite_literal(p)),
        ),
        Scope::Prefix(p) => (
            format!("^[^ ]+ {}", rewrite_literal(p)),
            format!("^{}", rewrite_literal(p)),
        ),
    };
    Some(format!(
        "%{{THE_REQUEST}} =~ m:{raw}: && %{{REQUEST_URI}} =~ m:{uri}:i"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrite_literals_escape_every_byte_but_the_plain_ones() {
        assert_eq!(rewrite_literal("/api/v1.0/"), r"/api/v1\x2e0/");
        assert_eq!(rewrite_literal("/a \"b\\"), r"/a\x20\x22b\x5c");
        assert_eq!(rewrite_literal("/é"), r"/\xc3\xa9");
    }

    #[test]
    fn quoting_and_header_values() {
        assert_eq!(quote(r#"a"b\.c"#), r#""a\"b\\.c""#);
        assert_eq!(header_value("x-100%"), "\"x-100%%\"");
    }

    #[test]
    fn runs_keep_each_trie_within_the_budget_and_every_origin_once() {
        let exact: Vec<String> = (0..5000)
            .map(|i| format!("https://t{i}.example.com"))
            .collect();
        let mut sorted = exact.clone();
        sorted.sort();
        let cut = runs(&sorted, 2000);
        assert!(cut.len() > 1);
        assert_eq!(cut.iter().map(|r| r.len()).sum::<usize>(), sorted.len());
        for run in &cut {
            // Within the budget, and as long as fits: one more origin would not.
            assert!(quote(&trie_of(run)).len() <= 2002);
        }
        for pair in cut.windows(2) {
            let end = pair[0].len() + 1;
            let start = sorted.iter().position(|o| *o == pair[0][0]).unwrap();
            assert!(written_len(&trie_of(&sorted[start..start + end])) > 2000);
        }
        // One origin longer than the budget still gets its line.
        let long = vec![format!("https://{}.example", "a".repeat(3000))];
        assert_eq!(runs(&long, 2000), vec![&long[..]]);
        assert!(runs(&[], 2000).is_empty());
    }
}
