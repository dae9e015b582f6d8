//! Go: a package configuring `github.com/rs/cors` (the 1.7 API, as Debian 12 ships it; later
//! versions accept the same options) per policy, and one `Handler` that applies them by path.
//!
//! How the output works, and why:
//!
//! - **`corspolicy.Handler(app)`** wraps an `http.Handler`: each request goes through the
//!   `*cors.Cors` of the policy whose scope is the most specific for the path (the evaluator's
//!   rule, on the escaped path as sent), other paths reach the application untouched.
//! - **Origins are decided by corsc's code, not by rs/cors' lists.** rs/cors lower-cases
//!   listed origins and reads one `*` as a prefix-and-suffix match (`https://*example.org`
//!   admits `https://evilexample.org`). `AllowOriginFunc` gets the `Origin` as sent: exact
//!   origins are a map lookup, patterns and `regex` entries are `regexp` (RE2) expressions
//!   anchored `^…$` by the plan, a full match; only the subset of regex syntax that RE2 reads as
//!   the evaluator does is accepted. `origins *` is `AllowedOrigins: ["*"]`, a literal `*`, and
//!   the plan refuses it with credentials (rs/cors would send `*` with credentials).
//! - **Methods.** rs/cors also checks actual requests' methods against its list and drops the
//!   CORS headers of any other, so `GET`, `HEAD` and `POST` are always listed. It answers a
//!   preflight with the requested method when listed; `methods *` has no equivalent (refused).
//! - **Request headers.** Left empty, rs/cors allows four default headers; a policy without
//!   `request-headers` lists `Origin`, which scripts can never set, so nothing is granted. `*`
//!   and `mirror` echo every requested header, `authorization` included, so `*` is accepted
//!   only with `Authorization` listed beside it.
//! - **`max-age 0`** cannot be sent (rs/cors omits 0) and is refused; private network access
//!   does not exist in rs/cors 1.7 and is refused.

use crate::emit::capability::{Capabilities, RegexDialect, Support, Syntax};
use crate::emit::idents::{IdentScheme, Style, GO_RESERVED};
use crate::emit::lang::{go, strings};
use crate::emit::limits::Limit;
use crate::emit::lists::{star_or_listed, with_safelisted};
use crate::emit::meta::TargetMeta;
use crate::emit::output::Output;
use crate::emit::ownership::Layer;
use crate::emit::plan::{items, Allow, Origins, Plan, PolicyPlan};
use crate::emit::provenance::Provenance;
use crate::emit::scopes::{policy_for_body, scopes_text, Branches};
use crate::emit::target::Target;
use crate::emit::writer::{pad, Writer};
use crate::fetch::MAX_ORIGIN_BYTES;
use crate::regex::Engine;

/// The Go (rs/cors) target.
pub struct Go;

static CAPS: Capabilities = Capabilities {
    min_version: "1.7 (github.com/rs/cors; go 1.13 in go.mod)",
    regex_dialect: RegexDialect::Engine(Engine::Re2),
    private_network: Support::No,
    routing: crate::eval::Routing::Go,
    modules: &["github.com/rs/cors"],
    syntax: Syntax {
        // A regex is written as a raw string literal, and the Go compiler refuses a byte order
        // mark anywhere but at the start of a source file.
        regex_forbidden: &["\u{feff}"],
        // RE2: "invalid repeat count" past 1000.
        max_regex_repeat: 1000,
        ..Syntax::LIBRARY_API
    },
    ..Capabilities::COMMON
};

static LIMITS: &[Limit] = &[
    Limit::PortableRegex,
    Limit::MethodWildcard,
    Limit::WildcardHeadersEchoAll,
    Limit::MaxAgeZeroOmitted,
];

/// Each policy derives four package-level names from its camel-case stem (`a-b` and `a--b`
/// would both be `aB`); none may meet another's, a Go keyword or predeclared name, an
/// imported package, or the package's own `policyFor` and `Handler`.
static IDENTS: IdentScheme = IdentScheme {
    style: Style::Camel,
    derived: &["{}Exact", "{}Regexps", "{}AllowsOrigin", "{}Cors"],
    reserved: &[
        "policyFor",
        "Handler",
        "cors",
        "http",
        "regexp",
        "strings",
        "corspolicy",
    ],
    keywords: GO_RESERVED,
    fixed_code: &[],
};

/// The `go` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "go",
    aliases: &[],
    name: "rs/cors",
    doc_short: "a Go package with rs/cors options per policy and a Handler applying them by path",
    layer: Layer::App,
    capabilities: &CAPS,
    limits: LIMITS,
    idents: &IDENTS,
};

impl Target for Go {
    fn meta(&self) -> &'static TargetMeta {
        &META
    }

    fn render(&self, plan: &Plan<'_>, provenance: &Provenance) -> Output {
        let mut w = Writer::new();
        w.app_module_header(
            "//",
            provenance,
            &META,
            &[
                "",
                "Use: put this file in a package directory `corspolicy`, then",
                "`http.ListenAndServe(addr, corspolicy.Handler(app))`.",
            ],
            plan.owner,
        );
        w.line("// Package corspolicy answers CORS as the policy file says.");
        w.line("package corspolicy");
        let mut body = Writer::new();
        body.each_policy(plan, policy);
        dispatcher(&mut body, plan);
        let body = body.finish();
        w.blank();
        w.line("import (");
        w.line("\t\"net/http\"");
        if body.contains("path.Clean") {
            w.line("\t\"path\"");
        }
        if body.contains("regexp.") {
            w.line("\t\"regexp\"");
        }
        if body.contains("strings.") {
            w.line("\t\"strings\"");
        }
        w.blank();
        w.line("\t\"github.com/rs/cors\"");
        w.line(")");
        w.blank();
        w.text(&body);
        // gofmt indents with tabs.
        let text: String = w
            .finish()
            .lines()
            .map(|l| {
                let body = l.trim_start_matches(' ');
                let depth = (l.len() - body.len()) / 4;
                format!("{}{body}\n", "\t".repeat(depth))
            })
            .collect();
        Output::one(
            "corspolicy.go",
            "a package `corspolicy` of the application",
            text,
        )
    }
}

fn policy(w: &mut Writer, p: &PolicyPlan<'_>) {
    let id = &p.ident;
    let mut fields: Vec<(String, String)> = Vec::new();
    match &p.origins {
        Origins::Any => fields.push(("AllowedOrigins".into(), go::string_slice(&["*"]))),
        // Patterns and regexes as one alternation (a list would be tried in turn).
        Origins::List {
            exact,
            alternation: regexes,
            ..
        } => {
            w.comment_with(
                "//",
                format!("{id}Exact holds the exact origins of policy `{}`.", p.name),
            );
            if exact.is_empty() {
                w.line(format!("var {id}Exact = map[string]bool{{}}"));
            } else {
                w.open(format!("var {id}Exact = map[string]bool{{"));
                // gofmt aligns the values of consecutive keys.
                let width = exact
                    .iter()
                    .map(|e| strings::go(e).len() + 1)
                    .max()
                    .unwrap_or(0);
                for e in exact {
                    w.line(format!(
                        "{} true,",
                        pad(&format!("{}:", strings::go(e)), width)
                    ));
                }
                w.close("}");
            }
            if !regexes.is_empty() {
                w.blank();
                w.line(format!(
                    "// {id}Regexps are its patterns and regexes as one alternation, anchored: a full match."
                ));
                w.items(
                    format!("var {id}Regexps = []*regexp.Regexp{{"),
                    regexes
                        .iter()
                        .map(|r| format!("regexp.MustCompile({})", go::regex_literal(r))),
                    "}",
                );
            }
            w.blank();
            w.comment_with(
                "//",
                format!(
                    "{id}AllowsOrigin says whether policy `{}` allows an Origin, as sent.",
                    p.name
                ),
            );
            w.open(format!("func {id}AllowsOrigin(origin string) bool {{"));
            if regexes.is_empty() {
                w.line(format!("return {id}Exact[origin]"));
            } else {
                w.open(format!("if {id}Exact[origin] {{"));
                w.line("return true");
                w.close("}");
                w.line(format!(
                    "// No browser sends an Origin over {MAX_ORIGIN_BYTES} bytes; every corsc target refuses one before its patterns."
                ));
                w.open(format!("if len(origin) > {MAX_ORIGIN_BYTES} {{"));
                w.line("return false");
                w.close("}");
                w.open(format!("for _, re := range {id}Regexps {{"));
                w.open("if re.MatchString(origin) {");
                w.line("return true");
                w.close("}");
                w.close("}");
                w.line("return false");
            }
            w.close("}");
            w.blank();
            fields.push(("AllowOriginFunc".into(), format!("{id}AllowsOrigin")));
        }
    }
    let mut methods = with_safelisted(&p.methods);
    methods.sort_unstable();
    fields.push(("AllowedMethods".into(), go::string_slice(&methods)));
    let headers = match &p.headers {
        // Scripts can never set `Origin`: listing it grants nothing, where an empty list
        // would grant rs/cors' four defaults.
        Allow::Omit => vec!["Origin"],
        listed => star_or_listed(listed),
    };
    fields.push(("AllowedHeaders".into(), go::string_slice(&headers)));
    if let Some(list) = &p.expose {
        let e: Vec<&str> = items(list).collect();
        fields.push(("ExposedHeaders".into(), go::string_slice(&e)));
    }
    if p.credentials {
        fields.push(("AllowCredentials".into(), "true".into()));
    }
    if let Some(age) = p.max_age {
        fields.push(("MaxAge".into(), age.to_string()));
    }
    let width = fields.iter().map(|(k, _)| k.len() + 1).max().unwrap_or(0);
    w.comment_with(
        "//",
        format!("{id}Cors is policy `{}` ({}).", p.name, scopes_text(p)),
    );
    w.open(format!("func {id}Cors() *cors.Cors {{"));
    w.open("return cors.New(cors.Options{");
    for (k, v) in &fields {
        w.line(format!("{} {v},", pad(&format!("{k}:"), width)));
    }
    w.close("})");
    w.close("}");
}

/// The branches of `policyFor` in Go.
const POLICY_FOR: Branches = Branches {
    quote: strings::go,
    exact: |p| format!("if path == {p} {{"),
    prefix: |p| format!("if strings.HasPrefix(path, {p}) {{"),
    found: |i| format!("return {i}"),
    last: |i| format!("return {i}"),
    path_used: "_ = path",
    none: "return -1",
};

fn dispatcher(w: &mut Writer, plan: &Plan<'_>) {
    w.line("// policyFor returns which policy answers a request path (an index into the list");
    w.line("// Handler builds): the most specific scope that covers it, -1 outside every scope.");
    w.open("func policyFor(path string) int {");
    policy_for_body(w, plan, &POLICY_FOR);
    w.close("}");
    w.blank();
    w.text(ROUTING_PATH);
    w.blank();
    w.line(
        "// Handler wraps the application: each request goes through the rs/cors handler of the",
    );
    w.line("// policy whose scope covers its path; other paths reach next untouched.");
    w.open("func Handler(next http.Handler) http.Handler {");
    w.items(
        "policies := []http.Handler{",
        plan.policies
            .iter()
            .map(|p| format!("{}Cors().Handler(next)", p.ident)),
        "}",
    );
    w.open("return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {");
    w.open("if p, ok := routingPath(r); ok {");
    w.open("if i := policyFor(p); i >= 0 {");
    w.line("policies[i].ServeHTTP(w, r)");
    w.line("return");
    w.close("}");
    w.close("}");
    w.line("next.ServeHTTP(w, r)");
    w.close("})");
    w.close("}");
}

/// The path as `http.ServeMux` routes it. The mux of Go 1.22+ cleans the escaped path and
/// unescapes it segment by segment; the mux of older modules and GOPATH builds cleans the
/// decoded path. Both agree on a cleaned decoded path unless an escape encodes `/` or `.`
/// (`/api/admin%2Fx`, `/api/%2e%2e/admin`), which no policy answers: the dispatcher cannot
/// know which mux is behind it. A path the mux redirects (`/api//admin/x`) is answered with
/// the CORS of the clean path it redirects to.
const ROUTING_PATH: &str = r#"// routingPath is the request path as http.ServeMux matches it: decoded and cleaned ("//",
// "." and ".." resolved, a trailing slash kept). ok is false for a path with an encoded "/"
// or ".", which the two ServeMux generations route differently.
func routingPath(r *http.Request) (string, bool) {
    escaped := strings.ToLower(r.URL.EscapedPath())
    if strings.Contains(escaped, "%2f") || strings.Contains(escaped, "%2e") {
        return "", false
    }
    p := r.URL.Path
    if p == "" || p[0] != '/' {
        p = "/" + p
    }
    clean := path.Clean(p)
    if p[len(p)-1] == '/' && clean != "/" {
        clean += "/"
    }
    return clean, true
}"#;
