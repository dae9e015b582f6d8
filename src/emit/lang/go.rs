//! Go code beyond strings that the Go targets write alike: regex and slice literals, the
//! origin check handed to a CORS library as a function, the method and header lists, each
//! policy's constructor, the path dispatcher and the `net/http` handler, import blocks,
//! gofmt's indentation and the package file around them all.

use super::strings;
use crate::emit::capability::{Capabilities, RegexDialect, Syntax};
use crate::emit::idents::{IdentScheme, Style, GO_RESERVED};
use crate::emit::lists::{star_or_listed, with_safelisted};
use crate::emit::meta::TargetMeta;
use crate::emit::output::Output;
use crate::emit::plan::{items, Allow, Origins, Plan, PolicyPlan};
use crate::emit::provenance::Provenance;
use crate::emit::scopes::{policy_for_body, scopes_text, Branches};
use crate::emit::writer::{pad, Writer};
use crate::fetch::MAX_ORIGIN_BYTES;
use crate::regex::Engine;

/// What the Go targets' capability tables start from: origins matched by Go's `regexp` (RE2),
/// written by [`regex_literal`] in a library's API.
pub const CAPABILITIES: Capabilities = Capabilities {
    regex_dialect: RegexDialect::Engine(Engine::Re2),
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

/// The names of a Go target's package. Each policy derives four package-level names from its
/// camel-case stem (`a-b` and `a--b` would both be `aB`): [`origin_check`]'s three and
/// [`cors_constructor`]'s. None may meet another's, a Go keyword or predeclared name, or one
/// in `reserved`: an imported package or the package's own functions.
#[must_use]
pub const fn policy_idents(reserved: &'static [&'static str]) -> IdentScheme {
    IdentScheme {
        style: Style::Camel,
        derived: &["{}Exact", "{}Regexps", "{}AllowsOrigin", "{}Cors"],
        reserved,
        keywords: GO_RESERVED,
        fixed_code: &[],
    }
}

/// A regex as a Go raw string (no escaping to undo) when it is printable ASCII without a
/// backquote; otherwise as an interpreted string.
#[must_use]
pub fn regex_literal(r: &str) -> String {
    if r.chars().all(|c| matches!(c, ' '..='~') && c != '`') {
        format!("`{r}`")
    } else {
        strings::go(r)
    }
}

/// A `[]string{…}` literal.
#[must_use]
pub fn string_slice(items: &[&str]) -> String {
    let q: Vec<String> = items.iter().map(|s| strings::go(s)).collect();
    format!("[]string{{{}}}", q.join(", "))
}

/// Writes a policy's origin check, `func {id}AllowsOrigin(origin string) bool`, for a library
/// that takes a function (every Go CORS library reads its own origin lists loosely: rs/cors and
/// go-chi/cors read one `*` anywhere as prefix-and-suffix, gin-contrib/cors and Echo have their
/// own wildcards). Exact origins are a map lookup on the `Origin` as sent; patterns and `regex`
/// entries are RE2 expressions the plan anchored `^…$`, tried after a length bound; package
/// variables `{id}Exact` and `{id}Regexps` hold them.
pub fn origin_check(w: &mut Writer, id: &str, name: &str, exact: &[String], regexes: &[String]) {
    w.comment_with(
        "//",
        format!("{id}Exact holds the exact origins of policy `{name}`."),
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
                .map(|r| format!("regexp.MustCompile({})", regex_literal(r))),
            "}",
        );
    }
    w.blank();
    w.comment_with(
        "//",
        format!("{id}AllowsOrigin says whether policy `{name}` allows an Origin, as sent."),
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
}

/// The field that gives a policy's origins to a CORS library: `any` for `origins *`; for a
/// list, [`origin_check`] is written first and `func` turns the name of the check
/// (`{id}AllowsOrigin`) into the library's origin function.
pub fn origins_field(
    w: &mut Writer,
    p: &PolicyPlan<'_>,
    any: (&'static str, String),
    func: impl FnOnce(&str) -> String,
) -> (&'static str, String) {
    match &p.origins {
        Origins::Any => any,
        // Patterns and regexes as one alternation (a list would be tried in turn).
        Origins::List {
            exact, alternation, ..
        } => {
            let id = &p.ident;
            origin_check(w, id, p.name, exact, alternation);
            w.blank();
            ("AllowOriginFunc", func(&format!("{id}AllowsOrigin")))
        }
    }
}

/// The methods for a library that also checks actual requests' methods against its list and
/// drops the CORS headers of any other: the policy's, with `GET`, `HEAD` and `POST` always,
/// sorted.
#[must_use]
pub fn methods_with_safelisted(methods: &Allow) -> Vec<&str> {
    let mut v = with_safelisted(methods);
    v.sort_unstable();
    v
}

/// Appends the options the Go CORS libraries write alike but for the name of the exposed
/// headers' (`expose`): those headers, `AllowCredentials` and `MaxAge` (`max_age` writes its
/// seconds).
pub fn common_fields(
    fields: &mut Vec<(&'static str, String)>,
    p: &PolicyPlan<'_>,
    expose: &'static str,
    max_age: impl FnOnce(u64) -> String,
) {
    if let Some(list) = &p.expose {
        fields.push((expose, list_slice(list)));
    }
    if p.credentials {
        fields.push(("AllowCredentials", "true".into()));
    }
    if let Some(age) = p.max_age {
        fields.push(("MaxAge", max_age(age)));
    }
}

/// A policy's list (of methods or headers, as the plan keeps it) as a `[]string{…}` literal.
#[must_use]
pub fn list_slice(list: &str) -> String {
    let v: Vec<&str> = items(list).collect();
    string_slice(&v)
}

/// Writes policy `p` for rs/cors and its fork go-chi/cors, which take the same `cors.Options`
/// and return a `*cors.Cors`; `origin_func` turns the name of the origin check into their
/// `AllowOriginFunc` (whose parameters differ). Both also check actual requests' methods
/// against their list ([`methods_with_safelisted`]), and both fill an empty header list with
/// defaults of their own: a policy without `request-headers` lists `Origin` instead, which
/// scripts can never set, so nothing is granted.
pub fn rs_cors_policy(w: &mut Writer, p: &PolicyPlan<'_>, origin_func: fn(&str) -> String) {
    let mut fields = vec![origins_field(
        w,
        p,
        ("AllowedOrigins", string_slice(&["*"])),
        origin_func,
    )];
    let methods = methods_with_safelisted(&p.methods);
    fields.push(("AllowedMethods", string_slice(&methods)));
    let headers = match &p.headers {
        Allow::Omit => vec!["Origin"],
        listed => star_or_listed(listed),
    };
    fields.push(("AllowedHeaders", string_slice(&headers)));
    common_fields(&mut fields, p, "ExposedHeaders", |age| age.to_string());
    cors_constructor(w, p, "*cors.Cors", "cors.New(cors.Options", None, &fields);
}

/// Writes `func {id}Cors() {returns}`, which builds policy `p`'s CORS handler with `{new}{`,
/// the options `fields` and `})`; `note` is a comment line for after the doc comment.
pub fn cors_constructor(
    w: &mut Writer,
    p: &PolicyPlan<'_>,
    returns: &str,
    new: &str,
    note: Option<&str>,
    fields: &[(&str, String)],
) {
    let id = &p.ident;
    w.comment_with(
        "//",
        format!("{id}Cors is policy `{}` ({}).", p.name, scopes_text(p)),
    );
    if let Some(note) = note {
        w.line(note);
    }
    w.open(format!("func {id}Cors() {returns} {{"));
    w.open(format!("return {new}{{"));
    self::fields(w, fields);
    w.close("})");
    w.close("}");
}

/// Writes a composite literal's `Key: value,` lines with the values aligned, as gofmt does.
pub fn fields(w: &mut Writer, fields: &[(&str, String)]) {
    let width = fields.iter().map(|(k, _)| k.len() + 1).max().unwrap_or(0);
    for (k, v) in fields {
        w.line(format!("{} {v},", pad(&format!("{k}:"), width)));
    }
}

/// The branches of a generated `policyFor(path string) int`.
const POLICY_FOR: Branches = Branches {
    quote: strings::go,
    exact: |p| format!("if path == {p} {{"),
    prefix: |p| format!("if strings.HasPrefix(path, {p}) {{"),
    found: |i| format!("return {i}"),
    last: |i| format!("return {i}"),
    path_used: "_ = path",
    none: "return -1",
};

/// Writes `policyFor(path string) int`, documented: the index of the policy whose scope is
/// the most specific for a routing path, -1 outside every scope.
pub fn policy_for(w: &mut Writer, plan: &Plan<'_>, list: &str) {
    w.line(format!(
        "// policyFor returns which policy answers a request path (an index into {list}):"
    ));
    w.line("// the most specific scope that covers it, -1 outside every scope.");
    policy_for_func(w, plan);
}

/// Writes `policyFor(path string) int` without a doc comment.
pub fn policy_for_func(w: &mut Writer, plan: &Plan<'_>) {
    w.open("func policyFor(path string) int {");
    policy_for_body(w, plan, &POLICY_FOR);
    w.close("}");
}

/// Writes what a Go router's dispatcher calls: [`policy_for`] (into `list`) and
/// [`ROUTER_PATH`], each followed by a blank line.
pub fn router_dispatch(w: &mut Writer, plan: &Plan<'_>, list: &str) {
    policy_for(w, plan, list);
    w.blank();
    w.text(ROUTER_PATH);
    w.blank();
}

/// Writes the dispatcher of a router's `Use` ([`router_dispatch`]), then
/// `func Middleware() {ty}` after the comment lines `doc`: it builds `policies`, each policy's
/// `{id}Cors()` in order (the indices [`policy_for`] returns), then `body` writes what it
/// returns.
pub fn middleware(
    w: &mut Writer,
    plan: &Plan<'_>,
    doc: &[&str],
    ty: &str,
    body: impl FnOnce(&mut Writer),
) {
    router_dispatch(w, plan, "the list Middleware builds");
    for line in doc {
        w.line(*line);
    }
    w.open(format!("func Middleware() {ty} {{"));
    w.items(
        format!("policies := []{ty}{{"),
        plan.policies.iter().map(|p| format!("{}Cors()", p.ident)),
        "}",
    );
    body(w);
    w.close("}");
}

/// Writes `func Handler(next http.Handler) http.Handler`, after the comment lines `doc`: each
/// request goes through the `*cors.Cors` (of rs/cors or a fork) of the policy [`policy_for`]
/// picks for its routing path, other requests go to `next` untouched.
pub fn http_handler(w: &mut Writer, plan: &Plan<'_>, doc: &[&str]) {
    for line in doc {
        w.line(*line);
    }
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

/// `routingPath` for the Go routers (Gin, chi, Echo): the path a policy is chosen on, and
/// whether any. Gin routes on `URL.Path` (or `URL.RawPath` with `UseRawPath`, cleaned with
/// `RemoveExtraSlash`), chi and Echo on `URL.RawPath` when net/http kept one (an escape it
/// would not have written, `%61` or `%2F`) and `URL.Path` otherwise; chi's `CleanPath` and
/// Echo's pre-routing middleware may clean it. They all read a path alike when it has no
/// such escape and nothing to clean (`//`, `.`, `..`): only then does a policy answer
/// ([`crate::eval::Routing::GoRouter`]), so no router option can route a request the
/// dispatcher placed elsewhere.
pub const ROUTER_PATH: &str = r#"// routingPath is the request path every Go router reads alike, and whether there is one:
// ok is false when the path carries an escape net/http keeps in URL.RawPath (routers that
// match on RawPath would see another path) or has "//", "." or ".." segments (routers that
// clean the path would see another path).
func routingPath(r *http.Request) (string, bool) {
    p := r.URL.Path
    if r.URL.RawPath != "" && r.URL.RawPath != p {
        return "", false
    }
    if p == "" || p[0] != '/' {
        return "", false
    }
    clean := path.Clean(p)
    if p[len(p)-1] == '/' && clean != "/" {
        clean += "/"
    }
    return p, clean == p
}"#;

/// The standard-library packages `body` uses, in gofmt's order: those of
/// `net/http`, `path`, `regexp`, `strings` and `time` whose name it calls. Only code counts:
/// a policy's origin (`"https://strings.example.com"`) or a comment naming `time.` would
/// otherwise import a package nothing uses, which Go refuses to compile.
#[must_use]
pub fn std_imports(body: &str) -> Vec<&'static str> {
    let code = code_only(body);
    let calls = |name: &str| {
        code.match_indices(name).any(|(at, _)| {
            !code[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
        })
    };
    [
        ("net/http", "http."),
        ("path", "path."),
        ("regexp", "regexp."),
        ("strings", "strings."),
        ("time", "time."),
    ]
    .into_iter()
    .filter(|(_, used)| calls(used))
    .map(|(pkg, _)| pkg)
    .collect()
}

/// `body` with its string, raw string and rune literals and its comments blanked out (each
/// character a space, line breaks kept), so what is left is Go code alone.
fn code_only(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' => {
                out.push(' ');
                while let Some(d) = chars.next() {
                    out.push(blank(d));
                    if d == '\\' {
                        if let Some(e) = chars.next() {
                            out.push(blank(e));
                        }
                    } else if d == c || d == '\n' {
                        break;
                    }
                }
            }
            '`' => {
                out.push(' ');
                for d in chars.by_ref() {
                    out.push(blank(d));
                    if d == '`' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'/') => {
                out.push(' ');
                while let Some(&d) = chars.peek() {
                    if d == '\n' {
                        break;
                    }
                    out.push(' ');
                    chars.next();
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                out.push(' ');
                let mut prev = ' ';
                for d in chars.by_ref() {
                    out.push(blank(d));
                    if prev == '*' && d == '/' {
                        break;
                    }
                    prev = d;
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Writes an import block: the standard packages, a blank line, the others.
pub fn imports(w: &mut Writer, std: &[&str], others: &[&str]) {
    w.line("import (");
    for p in std {
        w.line(format!("\t\"{p}\""));
    }
    if !std.is_empty() && !others.is_empty() {
        w.blank();
    }
    for p in others {
        w.line(format!("\t\"{p}\""));
    }
    w.line(")");
}

/// What one Go target's file `corspolicy.go` holds besides the per-policy code and the
/// dispatcher.
pub struct Package {
    pub meta: &'static TargetMeta,
    /// The notes on how to use the package, after the header and a blank line.
    pub usage: &'static [&'static str],
    /// The standard packages the body needs (usually [`std_imports`]).
    pub std: fn(&str) -> Vec<&'static str>,
    /// The other packages it imports.
    pub modules: &'static [&'static str],
}

/// The file `corspolicy.go` of a Go target: the header, `package corspolicy`, the imports and,
/// indented by gofmt's rule, each policy's code (`policy`) then the dispatcher.
pub fn package(
    plan: &Plan<'_>,
    provenance: &Provenance,
    pkg: &Package,
    policy: impl FnMut(&mut Writer, &PolicyPlan<'_>),
    dispatcher: impl FnOnce(&mut Writer, &Plan<'_>),
) -> Output {
    let mut w = Writer::new();
    let notes: Vec<&str> = std::iter::once("")
        .chain(pkg.usage.iter().copied())
        .collect();
    w.app_module_header("//", provenance, pkg.meta, &notes, plan.owner);
    w.line("// Package corspolicy answers CORS as the policy file says.");
    w.line("package corspolicy");
    let mut body = Writer::new();
    body.each_policy(plan, policy);
    dispatcher(&mut body, plan);
    let body = body.finish();
    w.blank();
    imports(&mut w, &(pkg.std)(&body), pkg.modules);
    w.blank();
    w.text(&body);
    Output::one(
        "corspolicy.go",
        "a package `corspolicy` of the application",
        gofmt_tabs(&w.finish()),
    )
}

/// Writer text (four spaces a level) indented with tabs, as gofmt writes Go.
#[must_use]
pub fn gofmt_tabs(text: &str) -> String {
    text.lines()
        .map(|l| {
            let body = l.trim_start_matches(' ');
            let depth = (l.len() - body.len()) / 4;
            format!("{}{body}\n", "\t".repeat(depth))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes_are_raw_strings_when_they_can_be() {
        assert_eq!(regex_literal(r"^a\.b$"), r"`^a\.b$`");
        assert_eq!(regex_literal("^a`b$"), "\"^a`b$\"");
        assert_eq!(string_slice(&["a", "b"]), r#"[]string{"a", "b"}"#);
        assert_eq!(list_slice("PUT, X-\"Y"), r#"[]string{"PUT", "X-\"Y"}"#);
    }

    #[test]
    fn libraries_that_check_actual_requests_always_list_the_safelisted_methods() {
        let listed = Allow::Static("PUT, DELETE".into());
        assert_eq!(
            methods_with_safelisted(&listed),
            ["DELETE", "GET", "HEAD", "POST", "PUT"]
        );
        assert_eq!(
            methods_with_safelisted(&Allow::Omit),
            ["GET", "HEAD", "POST"]
        );
    }

    #[test]
    fn imports_follow_what_the_body_calls_and_indentation_is_tabs() {
        assert_eq!(
            std_imports("x := strings.HasPrefix(p, q)\nre := regexp.MustCompile(`a`)"),
            ["regexp", "strings"]
        );
        assert!(std_imports("return true").is_empty());
    }

    #[test]
    fn imports_follow_code_not_strings_or_comments() {
        // An origin or a name that reads like a selector imports nothing.
        let body = "o := \"https://strings.example.com\"\n// time.Second is not used\nr := `path.x`\n/* regexp.X */ q := \"\\\"strings.\"\nmytime.X()\n";
        assert_eq!(std_imports(body), Vec::<&str>::new(), "{body}");
        let body = "o := \"a\" + strings.ToLower(x) // time.\n";
        assert_eq!(std_imports(body), ["strings"]);
        assert_eq!(
            gofmt_tabs("a {\n    b\n        c\n}"),
            "a {\n\tb\n\t\tc\n}\n"
        );
        let mut w = Writer::new();
        fields(&mut w, &[("A", "1".into()), ("Long", "2".into())]);
        assert_eq!(w.finish(), "A:    1,\nLong: 2,\n");
    }
}
