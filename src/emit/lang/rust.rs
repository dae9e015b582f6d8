//! Rust shared by the tower-http and actix targets: the module file, the origin test of a
//! policy, the builder function around a policy's method chain, and the table that maps a
//! request path to its policy. The two modules differ only in the chain of calls that builds
//! a policy's middleware and in the middleware that dispatches by path.

use super::strings;
use crate::emit::output::Output;
use crate::emit::plan::{Origins, Plan, PolicyPlan};
use crate::emit::scopes::{policy_for_body, title, Branches};
use crate::emit::writer::Writer;
use crate::fetch::MAX_ORIGIN_BYTES;

/// The output of a Rust target: one module file, `cors.rs`, holding what `w` has (the header
/// and the imports), a blank line, then `body`.
#[must_use]
pub fn module(mut w: Writer, body: &str) -> Output {
    w.blank();
    w.text(body);
    Output::one(
        "cors.rs",
        "a module of the application (`mod cors;`)",
        w.finish(),
    )
}

/// The branches of `policy_for` in Rust.
const POLICY_FOR: Branches = Branches {
    quote: strings::rust,
    exact: |p| format!("if path == {p} {{"),
    prefix: |p| format!("if path.starts_with({p}) {{"),
    found: |i| format!("return Some({i});"),
    last: |i| format!("Some({i})"),
    path_used: "let _ = path;",
    none: "None",
};

/// The part of a generated Rust module that applies each policy on its paths: `policy_for`
/// (most specific scope first, as `PolicySet::policy_for` decides), the list of every
/// policy's value it indexes into, then `middleware`, the target's fixed code that uses them.
/// The modules differ only in the names: `list_fn` (`layers`), what one item is called in
/// docs (`layer`), its type (`CorsLayer`), and the suffix of each policy's constructor
/// (`_cors_layer`).
pub fn dispatcher(
    w: &mut Writer,
    plan: &Plan<'_>,
    list_fn: &str,
    item_doc: &str,
    item_type: &str,
    ctor_suffix: &str,
    middleware: &str,
) {
    w.line(format!(
        "/// Which policy answers a request path (an index into `{list_fn}()`): the most specific"
    ));
    w.line("/// scope that covers it; `None` outside every scope.");
    w.open("fn policy_for(path: &str) -> Option<usize> {");
    policy_for_body(w, plan, &POLICY_FOR);
    w.close("}");
    w.blank();
    w.line(format!(
        "/// Every policy's {item_doc}, in the order `policy_for` numbers them."
    ));
    w.open(format!("fn {list_fn}() -> Vec<{item_type}> {{"));
    let calls: Vec<String> = plan
        .policies
        .iter()
        .map(|p| format!("{}{ctor_suffix}()", p.ident))
        .collect();
    w.line(format!("vec![{}]", calls.join(", ")));
    w.close("}");
    w.blank();
    w.text(middleware);
}

/// A policy's origin test, `{ident}_allows_origin`, written first when the policy has an
/// allowlist ([`origin_fn`]); its name, for the policy's builder to call.
pub fn origin_test(w: &mut Writer, p: &PolicyPlan<'_>) -> String {
    let name = format!("{}_allows_origin", p.ident);
    // Patterns that differ only in their host share one group ([`crate::emit::alternation`]).
    if let Origins::List {
        exact, alternation, ..
    } = &p.origins
    {
        origin_fn(w, &name, exact, alternation);
        w.blank();
    }
    name
}

/// A policy's builder, `pub fn {ident}{suffix}() -> {ty}`: `start` (`Cors::default()`), then
/// one call of `chain` a line (a call may span several).
pub fn builder_fn(
    w: &mut Writer,
    p: &PolicyPlan<'_>,
    suffix: &str,
    ty: &str,
    start: &str,
    chain: &[String],
) {
    w.comment_with("///", title(p));
    w.open(format!("pub fn {}{suffix}() -> {ty} {{", p.ident));
    w.line(start);
    for c in chain {
        for part in c.lines() {
            w.line(format!("    {part}"));
        }
    }
    w.close("}");
}

/// A Rust array literal of strings: `["a", "b"]`.
#[must_use]
pub fn str_array<'s>(items: impl IntoIterator<Item = &'s str>) -> String {
    let quoted: Vec<String> = items.into_iter().map(strings::rust).collect();
    format!("[{}]", quoted.join(", "))
}

/// A policy's origin test, `fn {name}(origin: &HeaderValue) -> bool`: exact origins in a
/// hash set, compared byte for byte, patterns and regexes in one `RegexSet` of the plan's
/// anchored regexes, for an origin of at most [`MAX_ORIGIN_BYTES`]. `regex` does not
/// backtrack, but every target bounds the same way, so a policy means one thing everywhere.
pub fn origin_fn(w: &mut Writer, name: &str, exact: &[String], regexes: &[String]) {
    w.line(
        "/// Whether the `Origin` is allowed: exact origins byte for byte, patterns and regexes as",
    );
    w.line("/// full, case-sensitive matches.");
    w.open(format!("fn {name}(origin: &HeaderValue) -> bool {{"));
    if !exact.is_empty() {
        w.line("// A hash set: one lookup however long the list (SipHash, keyed per process,");
        w.line("// since the Origin is chosen by the client).");
        w.line("static EXACT: std::sync::LazyLock<std::collections::HashSet<&[u8]>> =");
        w.indent();
        w.open("std::sync::LazyLock::new(|| {");
        w.items(
            "[",
            exact
                .iter()
                .map(|e| format!("{}.as_bytes()", strings::rust(e))),
            "]",
        );
        w.line(".into_iter()");
        w.line(".collect()");
        w.close("});");
        w.dedent();
        w.open("if EXACT.contains(origin.as_bytes()) {");
        w.line("return true;");
        w.close("}");
    }
    if regexes.is_empty() {
        if exact.is_empty() {
            w.line("let _ = origin;");
        }
        w.line("false");
    } else {
        w.open(
            "static REGEXES: std::sync::LazyLock<regex::RegexSet> = std::sync::LazyLock::new(|| {",
        );
        w.items(
            "regex::RegexSet::new([",
            regexes.iter().map(|r| strings::rust(r)),
            "])",
        );
        w.line(".expect(\"regexes checked by corsc\")");
        w.close("});");
        w.line(format!(
            "// No browser sends an Origin over {MAX_ORIGIN_BYTES} bytes; every corsc target refuses one before its patterns."
        ));
        w.line(format!(
            "origin.len() <= {MAX_ORIGIN_BYTES} && origin.to_str().is_ok_and(|o| REGEXES.is_match(o))"
        ));
    }
    w.close("}");
}
