//! Caddy 2: a Caddyfile fragment to `import` inside a site block, next to the site's own
//! `reverse_proxy`. Caddy has no CORS directive; the fragment is named matchers, `vars`,
//! deferred `header` operations and `respond 204`, in one `route` block.
//!
//! How the output works, and why (Caddy 2.6 and 2.11, read in their source):
//!
//! - **One `route` block.** Caddy sorts directives by a fixed order, and `header`s by their
//!   matchers; inside `route` they run as written, so what the file says is what runs.
//! - **Scopes.** One `handle` per scope, most specific first; the first that matches sets
//!   `corsc_<ns>-chosen`, which every `handle` requires unset (inside `route`, Caddy 2.6 runs
//!   every matching `handle`): one policy answers a path, the most specific, as the evaluator
//!   decides. The
//!   `path` matcher compares the decoded path lower-cased and cleaned (`//`, `.`, `..`), and
//!   the application behind reads the path as sent: each `handle` also requires the request
//!   target as sent to be in that form already ([`crate::eval::plain_form`], a `vars_regexp`
//!   on `{http.request.uri}`), so both read one path. Any other path gets no CORS from here.
//!   Scope paths must be in that form too (`Limit::PlainScopePaths`): no glob character
//!   (`*?[\`), `%` or `{` ever reaches a pattern.
//! - **Origins.** Exact origins are one `header Origin "…"` matcher (exact, values OR'd);
//!   Caddy reads `*` at either end of a value as a wildcard and `{…}` as a placeholder, so only
//!   origins of `a-z0-9.-:/[]` are written there (`Limit::PlainExactOrigins`). Patterns and
//!   `regex` origins are one anchored RE2 `header_regexp` (compiled by corsc), beside a
//!   `not header_regexp` refusing an `Origin` over 512 bytes or not ASCII. Either sets the
//!   variable `corsc_<ns>_<policy>-ok`, which the headers are conditioned on.
//! - **Headers.** Every `header` is `defer`red: applied when the response is written, so it
//!   also replaces what the application sent. Deferred operations of a later handler apply
//!   first, so the last `header` of the route removes every CORS header the application sent
//!   (on every path of a scope), and the `handle` above sets its own after that.
//!   `Access-Control-Allow-Origin` is the request's `Origin`, only when it matched.
//!   `Vary: Origin` is added (`+Vary`) to every answer in a scope whose answer depends on it.
//! - **Preflights.** `OPTIONS` with `Origin` and `Access-Control-Request-Method` in a scope is
//!   answered `204` by Caddy (never reaching the application), with the `Allow-*` headers only
//!   for an allowed origin.
//! - **Beside other configuration.** Every matcher and variable is
//!   `corsc_<NS>_…` (`--namespace`), so two generated files can be imported into one site.

use crate::emit::capability::{Capabilities, Lookup, RegexDialect, Shape, Syntax};
use crate::emit::dropin::Namespace;
use crate::emit::idents::{IdentScheme, Style};
use crate::emit::lang::strings::caddy as quote;
use crate::emit::limits::Limit;
use crate::emit::meta::TargetMeta;
use crate::emit::output::{Output, Part};
use crate::emit::ownership::Layer;
use crate::emit::plan::{Allow, Origins, Plan, PolicyPlan, Scope, CORS_RESPONSE_HEADERS};
use crate::emit::provenance::Provenance;
use crate::emit::target::Target;
use crate::emit::writer::Writer;
use crate::eval::PLAIN_FORM_REGEX;
use crate::fetch::MAX_ORIGIN_BYTES;
use crate::regex::Engine;

/// The Caddy target.
pub struct Caddy;

static CAPS: Capabilities = Capabilities {
    // `vars_regexp` on a placeholder, `handle` and deferred `header`: all in 2.6.
    min_version: "2.6.2",
    // The `header` matcher (and `map`) compares its values in order: no hash table exists in a
    // Caddyfile, so a long list costs a comparison per origin.
    exact_lookup: Lookup::Linear,
    regex_dialect: RegexDialect::Engine(Engine::Re2),
    routing: crate::eval::Routing::PlainPaths,
    shapes: &[Shape::Include],
    syntax: Syntax {
        // Values are quoted Caddyfile tokens: the lexer keeps line ends and cannot carry a `\`
        // before a `"`; `{$NAME}` is replaced from the environment when the file is read, and
        // `{…}` in a header value is a placeholder.
        value_forbidden: &["\"", "\\", "{", "}", "\n", "\r"],
        regex_forbidden: &["\"", "{$", "\n", "\r"],
        max_token: 1 << 20,
        // RE2: "invalid repeat count" past 1000.
        max_regex_repeat: 1000,
    },
    ..Capabilities::COMMON
};

static LIMITS: &[Limit] = &[
    Limit::PortableRegex,
    Limit::PlainScopePaths,
    Limit::PlainExactOrigins,
];

/// The `caddy` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "caddy",
    aliases: &["caddyfile"],
    name: "Caddy",
    doc_short:
        "a Caddyfile fragment to import in a site: header matchers, deferred header, respond 204",
    // A reverse proxy: it removes upstream CORS headers in its scopes.
    layer: Layer::Proxy,
    capabilities: &CAPS,
    limits: LIMITS,
    idents: &IDENTS,
};

/// The stems of policies (matchers and variables are `corsc_<ns>_<stem>-…`), and the output's
/// own name.
static IDENTS: IdentScheme = IdentScheme {
    style: Style::Snake,
    // Derived names are `corsc_<ns>_<stem>-<suffix>`: a snake-case stem holds no `-`, so
    // two stems never derive one name.
    derived: &["{}"],
    // The output's own names are `corsc_<ns>-…`: no stem meets them.
    reserved: &[],
    keywords: &[],
    fixed_code: &[],
};

impl Target for Caddy {
    fn meta(&self) -> &'static TargetMeta {
        &META
    }

    fn render(&self, plan: &Plan<'_>, provenance: &Provenance) -> Output {
        let namespace = Namespace::of(plan.options.namespace.as_ref(), provenance);
        let ns = namespace.as_str().to_ascii_lowercase();
        let mut w = Writer::new();
        w.provenance(provenance, &META, plan.options.shape, "");
        w.comment("Import inside a site block, beside the site's own handler:");
        w.comment("    example.com {");
        w.comment("        import corsc.caddy");
        w.comment("        reverse_proxy 127.0.0.1:8080");
        w.comment("    }");
        w.comment("Preflights in a scope are answered here (204) and never reach the application;");
        w.comment("every other request goes on to the site's handler, and its CORS headers are");
        w.comment("replaced by the ones below. A path Caddy would read otherwise than the");
        w.comment(
            "application (upper case, `%` escapes, `//`, `.` or `..` segments) gets no CORS.",
        );
        w.comment(format!(
            "Every matcher and variable here starts with corsc_{ns}_ (the namespace; `--namespace` sets it)."
        ));
        // `handle` blocks inside `route` are not mutually exclusive in Caddy 2.6: the first
        // (most specific) that matches marks the request, and the others then do not match.
        let chosen = format!("corsc_{ns}-chosen");
        w.open("route {");
        for (k, loc) in plan.locations.iter().enumerate().rev() {
            let p = &plan.policies[loc.policy];
            w.comment(format!("policy `{}`, {}", p.name, describe(&loc.scope)));
            let m = format!("corsc_{ns}_{}", p.ident);
            w.open(format!("@{m}-in{k} {{"));
            if let Some(pattern) = pattern(&loc.scope) {
                w.line(format!("path {}", quote(&pattern)));
            }
            w.line(format!(
                "vars_regexp {{http.request.uri}} {}",
                quote(PLAIN_FORM_REGEX)
            ));
            w.line(format!("not vars {chosen} 1"));
            w.close("}");
            w.open(format!("handle @{m}-in{k} {{"));
            w.open("route {");
            w.line(format!("vars {chosen} 1"));
            body(&mut w, &m, p);
            w.close("}");
            w.close("}");
        }
        w.comment("Every scope: the application's CORS headers are removed (applied before the");
        w.comment("headers above, which are set afterwards).");
        w.open(format!("@corsc_{ns}-scoped {{"));
        let mut patterns: Vec<String> = plan
            .locations
            .iter()
            .filter_map(|l| pattern(&l.scope))
            .collect();
        patterns.sort();
        patterns.dedup();
        if !patterns.is_empty() && plan.locations.iter().all(|l| pattern(&l.scope).is_some()) {
            let list: Vec<String> = patterns.iter().map(|p| quote(p)).collect();
            w.line(format!("path {}", list.join(" ")));
        } else {
            w.line("path *");
        }
        w.close("}");
        w.open(format!("header @corsc_{ns}-scoped {{"));
        for h in CORS_RESPONSE_HEADERS {
            w.line(format!("-{h}"));
        }
        w.line("defer");
        w.close("}");
        w.close("}");
        Output {
            parts: vec![Part {
                file_name: "corsc.caddy",
                placement: "imported inside a site block",
                text: w.finish(),
            }],
        }
    }
}

/// The `path` pattern of a scope; `None` for the whole site.
fn pattern(scope: &Scope) -> Option<String> {
    match scope {
        Scope::Prefix(p) if p == "/" => None,
        Scope::Prefix(p) => Some(format!("{p}*")),
        Scope::Exact(p) => Some(p.clone()),
    }
}

fn describe(scope: &Scope) -> String {
    match scope {
        Scope::Prefix(p) => format!("paths starting with {p}"),
        Scope::Exact(p) => format!("the path {p}"),
    }
}

/// One policy inside its `handle`: the origin test, the preflight, the headers.
fn body(w: &mut Writer, m: &str, p: &PolicyPlan<'_>) {
    let ok = format!("{m}-ok");
    match &p.origins {
        Origins::Any => w.line(format!("vars {ok} 1")),
        Origins::List {
            exact, alternation, ..
        } => {
            if !exact.is_empty() {
                // One value a line: Caddy 2.6 takes one value per `header` line, and ORs them.
                w.open(format!("@{m}-exact {{"));
                for o in exact {
                    w.line(format!("header Origin {}", quote(o)));
                }
                w.close("}");
                w.line(format!("vars @{m}-exact {ok} 1"));
            }
            for (i, r) in alternation.iter().enumerate() {
                let name = if i == 0 {
                    format!("{m}-re")
                } else {
                    format!("{m}-re{i}")
                };
                // RE2 has no lookahead: an `Origin` longer than any browser sends (or not
                // ASCII, whose bytes RE2 would count as fewer characters) is refused beside it.
                w.open(format!("@{name} {{"));
                w.line(format!(
                    "header_regexp Origin {}",
                    quote(&format!("^(?:{r})$"))
                ));
                w.line(format!(
                    "not header_regexp Origin {}",
                    quote(&format!(
                        "[^\\x20-\\x7e]|^[\\x20-\\x7e]{{{}}}",
                        MAX_ORIGIN_BYTES + 1
                    ))
                ));
                w.close("}");
                w.line(format!("vars @{name} {ok} 1"));
            }
        }
    }
    w.open(format!("@{m}-pre {{"));
    w.line("method OPTIONS");
    w.line("header Origin *");
    w.line("header Access-Control-Request-Method *");
    w.close("}");
    w.open(format!("@{m}-pre-ok {{"));
    w.line("method OPTIONS");
    w.line("header Origin *");
    w.line("header Access-Control-Request-Method *");
    w.line(format!("vars {ok} 1"));
    w.close("}");
    w.line(format!("@{m}-ok vars {ok} 1"));
    w.open(format!("header @{m}-ok {{"));
    let acao = if matches!(p.origins, Origins::Any) {
        quote("*")
    } else {
        quote("{http.request.header.Origin}")
    };
    w.line(format!("Access-Control-Allow-Origin {acao}"));
    if p.credentials {
        w.line("Access-Control-Allow-Credentials \"true\"");
    }
    if let Some(e) = &p.expose {
        w.line(format!("Access-Control-Expose-Headers {}", quote(e)));
    }
    w.line("defer");
    w.close("}");
    let mut pre = Vec::new();
    let mut noauth = None;
    for (name, a, request) in [
        (
            "Access-Control-Allow-Methods",
            &p.methods,
            "Access-Control-Request-Method",
        ),
        (
            "Access-Control-Allow-Headers",
            &p.headers,
            "Access-Control-Request-Headers",
        ),
    ] {
        match a {
            Allow::Omit => {}
            Allow::Static(s) => pre.push(format!("{name} {}", quote(s))),
            Allow::Mirror => pre.push(format!(
                "{name} {}",
                quote(&format!("{{http.request.header.{request}}}"))
            )),
            Allow::MirrorUnlessAuthorization => {
                noauth = Some(format!(
                    "{name} {}",
                    quote(&format!("{{http.request.header.{request}}}"))
                ));
            }
        }
    }
    if let Some(age) = p.max_age {
        pre.push(format!("Access-Control-Max-Age \"{age}\""));
    }
    if !pre.is_empty() {
        w.open(format!("header @{m}-pre-ok {{"));
        for l in pre {
            w.line(l);
        }
        w.line("defer");
        w.close("}");
    }
    if let Some(line) = noauth {
        // `request-headers *` never covers `Authorization`: no echo when it is asked for.
        w.open(format!("@{m}-pre-noauth {{"));
        w.line("method OPTIONS");
        w.line("header Origin *");
        w.line("header Access-Control-Request-Method *");
        w.line(format!("vars {ok} 1"));
        w.line(format!(
            "not header_regexp Access-Control-Request-Headers {}",
            quote(r"(?i)(^|[\s,])authorization([\s,]|$)")
        ));
        w.close("}");
        w.open(format!("header @{m}-pre-noauth {{"));
        w.line(line);
        w.line("defer");
        w.close("}");
    }
    if p.private_network {
        w.open(format!("@{m}-pre-pna {{"));
        w.line("method OPTIONS");
        w.line("header Origin *");
        w.line("header Access-Control-Request-Method *");
        w.line("header Access-Control-Request-Private-Network true");
        w.line(format!("vars {ok} 1"));
        w.close("}");
        w.open(format!("header @{m}-pre-pna {{"));
        w.line("Access-Control-Allow-Private-Network \"true\"");
        w.line("defer");
        w.close("}");
    }
    if p.vary_origin() {
        w.open("header {");
        w.line("+Vary Origin");
        w.line("defer");
        w.close("}");
    }
    let extra: Vec<&str> = p
        .preflight_vary()
        .into_iter()
        .filter(|v| *v != "Origin")
        .collect();
    if !extra.is_empty() {
        w.open(format!("header @{m}-pre {{"));
        for v in extra {
            w.line(format!("+Vary {v}"));
        }
        w.line("defer");
        w.close("}");
    }
    w.line(format!("respond @{m}-pre 204"));
}
