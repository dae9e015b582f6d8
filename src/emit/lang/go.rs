//! Go code beyond strings that the Go targets write alike: regex and slice literals, the
//! origin check handed to a CORS library as a function, the path dispatcher, import blocks
//! and gofmt's indentation.

use super::strings;
use crate::emit::plan::Plan;
use crate::emit::scopes::{policy_for_body, Branches};
use crate::emit::writer::{pad, Writer};
use crate::fetch::MAX_ORIGIN_BYTES;

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

/// Writes `policyFor(path string) int`: the index of the policy whose scope is the most
/// specific for a routing path, -1 outside every scope.
pub fn policy_for(w: &mut Writer, plan: &Plan<'_>, list: &str) {
    w.line(format!(
        "// policyFor returns which policy answers a request path (an index into {list}):"
    ));
    w.line("// the most specific scope that covers it, -1 outside every scope.");
    w.open("func policyFor(path string) int {");
    policy_for_body(w, plan, &POLICY_FOR);
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
/// `net/http`, `path`, `regexp`, `strings` and `time` whose name it calls.
#[must_use]
pub fn std_imports(body: &str) -> Vec<&'static str> {
    [
        ("net/http", "http."),
        ("path", "path."),
        ("regexp", "regexp."),
        ("strings", "strings."),
        ("time", "time."),
    ]
    .into_iter()
    .filter(|(_, used)| body.contains(used))
    .map(|(pkg, _)| pkg)
    .collect()
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
    }

    #[test]
    fn imports_follow_what_the_body_calls_and_indentation_is_tabs() {
        assert_eq!(
            std_imports("x := strings.HasPrefix(p, q)\nre := regexp.MustCompile(`a`)"),
            ["regexp", "strings"]
        );
        assert!(std_imports("return true").is_empty());
        assert_eq!(
            gofmt_tabs("a {\n    b\n        c\n}"),
            "a {\n\tb\n\t\tc\n}\n"
        );
        let mut w = Writer::new();
        fields(&mut w, &[("A", "1".into()), ("Long", "2".into())]);
        assert_eq!(w.finish(), "A:    1,\nLong: 2,\n");
    }
}
