//! HAProxy 2.6: rules to paste into the `frontend` (or `backend`) section that passes requests
//! to the application. HAProxy has no CORS directive and 2.6 no `include`: the output is the
//! body of a section, `http-request` rules that read the request into `txn` variables and
//! answer preflights with `return`, and `http-after-response` rules that write the headers.
//! A section body rather than a whole `frontend`: the operator keeps their own `bind`, TLS and
//! `default_backend` lines, and the rules sit beside them, where HAProxy runs them in order.
//!
//! How the output works, and why (HAProxy 2.6, its configuration manual):
//!
//! - **Variables, not request fetches, at response time.** `path` and `req.hdr` cannot be read
//!   by response rules (the rule would never match), so the request phase stores what the
//!   response phase needs in `txn.corsc_<ns>_…` variables.
//! - **One `Origin`.** `req.hdr(origin)` splits at commas, and in an ACL tries every
//!   occurrence, while a fetch returns the last one: a request with two `Origin` headers (no
//!   browser sends that) could be matched on one and answered with the other. The output
//!   copies the whole line (`req.fhdr`) only when there is exactly one (`req.fhdr_cnt eq 1`),
//!   and compares that copy; with two, no origin is allowed.
//! - **Origins.** Exact origins are inline `-m str` lists (case-sensitive, whole value): a
//!   policy holds a handful, and inline lists keep the output one file that can be pasted
//!   anywhere (a map file given with `-f` is found from HAProxy's working directory, which the
//!   output cannot know). At most [`ORIGINS_PER_RULE`] a rule, since a configuration line holds
//!   at most 64 words: HAProxy looks each rule's list up in a tree, and a long list is several
//!   rules tried in order (`corsc targets`: linear). Patterns and
//!   `regex` origins are one anchored PCRE (`-m reg '^(?:…)$'`, compiled by corsc), beside a
//!   test refusing an `Origin` over 512 bytes or not printable ASCII.
//! - **Scopes.** The request's `path` is the path as sent (HAProxy decodes and cleans
//!   nothing), and the application may route on a decoded, cleaned or case-folded form: a
//!   scope is only entered by a path as sent already in the form every reading agrees on
//!   ([`crate::eval::plain_form`], the `path -m reg` guard), most specific scope first; any
//!   other path gets no CORS from here. Scope paths must be in that form too
//!   (`Limit::PlainScopePaths`).
//! - **Headers.** `http-after-response` runs on every response, the application's and the
//!   `return`ed preflight answers alike (`http-response` skips the latter). In every scope the
//!   application's CORS headers are deleted first (on every path a scope covers ignoring
//!   case), then the policy's are set;
//!   `Access-Control-Allow-Origin` is the stored `Origin`, only when it matched. `Vary` is
//!   added (`add-header`), never set, so the application's own `Vary` stays.
//! - **Preflights.** `OPTIONS` with `Origin` and `Access-Control-Request-Method` in a scope is
//!   answered `204` by HAProxy (never reaching the application), with the `Allow-*` headers
//!   only for an allowed origin.
//! - **Quoting.** Every value is a single-quoted word (no escape, no `$` expansion, no `#`
//!   comment inside); `'` and line ends cannot be written there and are refused by the plan,
//!   `%` in a header value is doubled (log-format).

use crate::emit::capability::{Capabilities, Lookup, RegexDialect, Shape, Syntax};
use crate::emit::dropin::Namespace;
use crate::emit::idents::{IdentScheme, Style};
use crate::emit::lang::strings::{haproxy as quote, haproxy_log_format as value};
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

/// The HAProxy target.
pub struct Haproxy;

/// Exact origins in one `-m str` list: a configuration line holds at most 64 words.
pub const ORIGINS_PER_RULE: usize = 40;

static CAPS: Capabilities = Capabilities {
    // `http-after-response` (2.2), `return` (2.2), `req.fhdr_cnt`: the oldest run is 2.6.12.
    min_version: "2.6.12",
    // Each rule's `-m str` list is a tree in HAProxy, but a rule holds at most
    // [`ORIGINS_PER_RULE`] origins: a long list is many rules tried in order. A map file
    // (`-f`) would be one tree, but a pasted section cannot name where it lies.
    exact_lookup: Lookup::Linear,
    regex_dialect: RegexDialect::Engine(Engine::Pcre),
    routing: crate::eval::Routing::Haproxy,
    shapes: &[Shape::Include],
    syntax: Syntax {
        // Single-quoted words: nothing is escaped inside, so `'` cannot be written; a line
        // end would end the rule.
        value_forbidden: &["'", "\n", "\r", "\0"],
        regex_forbidden: &["'", "\n", "\r", "\0"],
        max_token: 1 << 16,
        max_regex_repeat: 65535,
    },
    ..Capabilities::COMMON
};

static LIMITS: &[Limit] = &[Limit::PortableRegex, Limit::PlainScopePaths];

/// The `haproxy` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "haproxy",
    aliases: &[],
    name: "HAProxy",
    doc_short: "rules for a frontend section: txn variables, -m str / -m reg ACLs, return 204, http-after-response",
    // A reverse proxy: it removes upstream CORS headers in its scopes.
    layer: Layer::Proxy,
    capabilities: &CAPS,
    limits: LIMITS,
    idents: &IDENTS,
};

/// The output names nothing after a policy (rules are keyed by the scope's number), so stems
/// only label comments.
static IDENTS: IdentScheme = IdentScheme {
    style: Style::Snake,
    derived: &["{}"],
    reserved: &[],
    keywords: &[],
    fixed_code: &[],
};

impl Target for Haproxy {
    fn meta(&self) -> &'static TargetMeta {
        &META
    }

    fn render(&self, plan: &Plan<'_>, provenance: &Provenance) -> Output {
        let namespace = Namespace::of(plan.options.namespace.as_ref(), provenance);
        let ns = namespace.as_str().to_ascii_lowercase();
        let v = |name: &str| format!("txn.corsc_{ns}_{name}");
        let (scope, origin, ok, pre) = (v("scope"), v("origin"), v("ok"), v("pre"));
        let (acrm, acrh, pna) = (v("acrm"), v("acrh"), v("pna"));
        // The guard holds `'`, which a single-quoted word cannot: PCRE reads `\x27` as it.
        let mut w = Writer::new();
        w.provenance(provenance, &META, plan.options.shape, "");
        w.comment("Paste into the frontend (or backend) section in front of the application:");
        w.comment("    frontend www");
        w.comment("        bind :80");
        w.comment("        <these lines>");
        w.comment("        default_backend app");
        w.comment("Preflights in a scope are answered here (204) and never reach the application;");
        w.comment("on every other response in a scope the application's CORS headers are replaced");
        w.comment("by the ones below. A path the application could read otherwise than HAProxy");
        w.comment("(upper case, `%` escapes, `//`, `.` or `..` segments) gets no CORS.");
        w.comment(format!(
            "Every variable here starts with txn.corsc_{ns}_ (the namespace; `--namespace` sets it)."
        ));
        w.indent();
        w.comment("Where CORS headers are this file's: every scope, as the path is sent.");
        // Compared ignoring case: an application that folds case (Express, Koa) answers
        // `/API/x` from the `/api/` scope, and its headers go too (removing only narrows).
        let mut scoped: Vec<String> = plan
            .locations
            .iter()
            .map(|l| path_test(&l.scope, "-i ").unwrap_or_default())
            .collect();
        scoped.sort();
        scoped.dedup();
        if scoped.iter().any(String::is_empty) {
            w.line(format!("http-request set-var({}) bool(true)", v("scoped")));
        } else {
            for t in scoped {
                w.line(format!(
                    "http-request set-var({}) bool(true) if {t}",
                    v("scoped")
                ));
            }
        }
        w.comment("The scope of the request, most specific first, only for a path every reading agrees on.");
        for (k, loc) in plan.locations.iter().enumerate().rev() {
            let p = &plan.policies[loc.policy];
            w.comment(format!(
                "{k}: policy `{}`, {}",
                p.name,
                describe(&loc.scope)
            ));
            let test = path_test(&loc.scope, "").map_or_else(String::new, |t| format!(" {t}"));
            w.line(format!(
                "http-request set-var({scope}) int({k}) if !{{ var({scope}) -m found }}{test} {{ path -m reg {} }}",
                quote(&PLAIN_FORM_REGEX.replace('\'', r"\x27"))
            ));
        }
        w.comment("The one Origin of the request (two or more: none is allowed).");
        w.line(format!(
            "http-request set-var({origin}) req.fhdr(origin) if {{ var({scope}) -m found }} {{ req.fhdr_cnt(origin) eq 1 }}"
        ));
        w.line(format!(
            "http-request set-var({pre}) bool(true) if {{ var({scope}) -m found }} METH_OPTIONS {{ req.fhdr_cnt(origin) gt 0 }} {{ req.fhdr_cnt(access-control-request-method) gt 0 }}"
        ));
        // What the response rules echo is stored only when a policy echoes it.
        let policies = || plan.locations.iter().map(|l| &plan.policies[l.policy]);
        if policies().any(|p| p.methods.mirrors()) {
            w.line(format!(
                "http-request set-var({acrm}) req.fhdr(access-control-request-method) if {{ var({pre}) -m bool }}"
            ));
        }
        if policies().any(|p| p.headers.mirrors()) {
            w.line(format!(
                "http-request set-var({acrh}) req.fhdr(access-control-request-headers) if {{ var({pre}) -m bool }}"
            ));
        }
        if policies().any(|p| p.private_network) {
            w.line(format!(
                "http-request set-var({pna}) bool(true) if {{ var({pre}) -m bool }} {{ req.fhdr(access-control-request-private-network) -m str true }}"
            ));
        }
        for (k, loc) in plan.locations.iter().enumerate() {
            let p = &plan.policies[loc.policy];
            w.comment(format!(
                "{k}: is the origin allowed by policy `{}`?",
                p.name
            ));
            let here = format!("{{ var({scope}) -m int {k} }}");
            allow(&mut w, &here, &origin, &ok, p);
        }
        w.comment("Preflights in a scope: answered here, allowed or not.");
        w.line(format!(
            "http-request return status 204 if {{ var({pre}) -m bool }}"
        ));
        w.comment("Responses (the application's and the 204 above): its CORS headers go first.");
        for h in CORS_RESPONSE_HEADERS {
            w.line(format!(
                "http-after-response del-header {h} if {{ var({}) -m bool }}",
                v("scoped")
            ));
        }
        for (k, loc) in plan.locations.iter().enumerate() {
            let p = &plan.policies[loc.policy];
            w.comment(format!("{k}: policy `{}`", p.name));
            let here = format!("{{ var({scope}) -m int {k} }}");
            let vars = Vars {
                ok: &ok,
                pre: &pre,
                origin: &origin,
                acrm: &acrm,
                acrh: &acrh,
                pna: &pna,
            };
            headers(&mut w, &here, &vars, p);
        }
        w.dedent();
        Output {
            parts: vec![Part {
                file_name: "corsc-haproxy.cfg",
                placement:
                    "pasted into the frontend or backend section in front of the application",
                text: w.finish(),
            }],
        }
    }
}

/// The anonymous ACL testing a scope's path (`flags`: `-i ` ignores case); `None` for the
/// whole site.
fn path_test(scope: &Scope, flags: &str) -> Option<String> {
    match scope {
        Scope::Prefix(p) if p == "/" => None,
        Scope::Prefix(p) => Some(format!("{{ path_beg {flags}-- {} }}", quote(p))),
        Scope::Exact(p) => Some(format!("{{ path {flags}-m str -- {} }}", quote(p))),
    }
}

fn describe(scope: &Scope) -> String {
    match scope {
        Scope::Prefix(p) => format!("paths starting with {p}"),
        Scope::Exact(p) => format!("the path {p}"),
    }
}

/// The rules setting `ok` when the stored origin is one the policy allows (any origin: always).
fn allow(w: &mut Writer, here: &str, origin: &str, ok: &str, p: &PolicyPlan<'_>) {
    let set = format!("http-request set-var({ok}) bool(true) if {here}");
    match &p.origins {
        Origins::Any => w.line(set),
        Origins::List {
            exact, alternation, ..
        } => {
            for chunk in exact.chunks(ORIGINS_PER_RULE) {
                let list: Vec<String> = chunk.iter().map(|o| quote(o)).collect();
                w.line(format!(
                    "{set} {{ var({origin}) -m str -- {} }}",
                    list.join(" ")
                ));
            }
            for r in alternation {
                // PCRE's `$` also matches before a final line end, which no header value holds.
                w.line(format!(
                    "{set} {{ var({origin}) -m len le {MAX_ORIGIN_BYTES} }} !{{ var({origin}) -m reg {} }} {{ var({origin}) -m reg -- {} }}",
                    quote(r"[^\x20-\x7e]"),
                    quote(&format!("^(?:{r})$"))
                ));
            }
        }
    }
}

/// The names of the variables the response rules read.
struct Vars<'a> {
    ok: &'a str,
    pre: &'a str,
    origin: &'a str,
    acrm: &'a str,
    acrh: &'a str,
    pna: &'a str,
}

/// The `http-after-response` rules of one scope.
fn headers(w: &mut Writer, here: &str, vars: &Vars<'_>, p: &PolicyPlan<'_>) {
    let Vars {
        ok,
        pre,
        origin,
        acrm,
        acrh,
        pna,
    } = *vars;
    let on_ok = format!("if {here} {{ var({ok}) -m bool }}");
    let on_pre = format!("{on_ok} {{ var({pre}) -m bool }}");
    let acao = if matches!(p.origins, Origins::Any) {
        quote("*")
    } else {
        format!("'%[var({origin})]'")
    };
    w.line(format!(
        "http-after-response set-header Access-Control-Allow-Origin {acao} {on_ok}"
    ));
    if p.credentials {
        w.line(format!(
            "http-after-response set-header Access-Control-Allow-Credentials 'true' {on_ok}"
        ));
    }
    if let Some(e) = &p.expose {
        w.line(format!(
            "http-after-response set-header Access-Control-Expose-Headers {} {on_ok}",
            value(e)
        ));
    }
    match &p.methods {
        Allow::Omit => {}
        Allow::Static(s) => w.line(format!(
            "http-after-response set-header Access-Control-Allow-Methods {} {on_pre}",
            value(s)
        )),
        Allow::Mirror | Allow::MirrorUnlessAuthorization => w.line(format!(
            "http-after-response set-header Access-Control-Allow-Methods '%[var({acrm})]' {on_pre}"
        )),
    }
    let mirror_headers = format!(
        "http-after-response set-header Access-Control-Allow-Headers '%[var({acrh})]' {on_pre} {{ var({acrh}) -m found }}"
    );
    match &p.headers {
        Allow::Omit => {}
        Allow::Static(s) => w.line(format!(
            "http-after-response set-header Access-Control-Allow-Headers {} {on_pre}",
            value(s)
        )),
        Allow::Mirror => w.line(mirror_headers),
        Allow::MirrorUnlessAuthorization => {
            // `request-headers *` never covers `Authorization`: no echo when it is asked for.
            w.line(format!(
                "{mirror_headers} !{{ var({acrh}) -i -m reg {} }}",
                quote(r"(^|[ \t,])authorization([ \t,]|$)")
            ));
        }
    }
    if let Some(age) = p.max_age {
        w.line(format!(
            "http-after-response set-header Access-Control-Max-Age '{age}' {on_pre}"
        ));
    }
    if p.private_network {
        w.line(format!(
            "http-after-response set-header Access-Control-Allow-Private-Network 'true' {on_pre} {{ var({pna}) -m bool }}"
        ));
    }
    if p.vary_origin() {
        w.line(format!(
            "http-after-response add-header Vary 'Origin' if {here}"
        ));
    }
    for v in p.preflight_vary().into_iter().filter(|v| *v != "Origin") {
        w.line(format!(
            "http-after-response add-header Vary '{v}' if {here} {{ var({pre}) -m bool }}"
        ));
    }
}
