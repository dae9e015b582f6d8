use crate::ir::{PathScope, PolicySet};
use crate::lint::context::LintContext;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct UnreachablePathScope;

static META: RuleMeta = RuleMeta {
    code: "C215",
    name: "unreachable-path-scope",
    category: Category::Correctness,
    default_level: Level::Error,
    fixable: false,
    summary: "a `paths` scope no browser request can reach (a `.` or `..` segment)",
    docs: r#"## What it does
Flags a path scope that no request from a browser can fall in, and says when that leaves its
policy answering nothing at all.

corsc answers a path with the policy whose scope is most specific: an exact path beats a
prefix, a longer prefix beats a shorter one, and no two policies may claim the same scope
(`duplicate-path-scope`, E118). So one scope never takes all of another's paths: an exact
scope is only ever taken by the same exact scope (E118), and a prefix `/api/*` would need every
longer prefix a browser can send (`/api/;`, `/api/(`, …) claimed elsewhere, which scopes cannot
spell. What does make a scope unreachable is a dot segment: a segment that is `.` or `..`
(or `%2e`, `.%2E`, `%2e%2e` in any case), anywhere in an exact scope, or in a prefix scope before
its last `/`. Browsers resolve dot segments when they parse a URL (`/api/../admin` is sent as
`/admin`), so no request path holds one.

## Why is this bad?
The policy's CORS never applies where it was meant to, and worse, servers disagree about what
the scope means. corsc writes each scope in the form its target routes on, so for nginx and
Apache, which resolve dot segments, `"/api/../admin/*"` becomes the location `/admin/`, and the
policy answers paths another policy may have been written for; where the path is compared as
written (Express, axum) the scope never matches.

## Example
```cors
policy admin {
    paths    "/api/../admin/*"
    origins  "https://admin.example.com"
}
```

## Use instead
```cors
policy admin {
    paths    "/admin/*"
    origins  "https://admin.example.com"
}
```

## Fix safety
No fix: the scope that was meant is a guess, and removing a policy's last scope would make it
answer every path.

## References
- WHATWG URL standard, path state (single-dot and double-dot segments): https://url.spec.whatwg.org/#path-state
- RFC 3986, remove dot segments: https://www.rfc-editor.org/rfc/rfc3986#section-5.2.4
- nginx, `location` matching on the normalized URI: https://nginx.org/en/docs/http/ngx_http_core_module.html#location
"#,
};

/// Whether a path segment is one the URL parser treats as `.` or `..`.
fn is_dot_segment(seg: &str) -> bool {
    let s = seg.to_ascii_lowercase().replace("%2e", ".");
    s == "." || s == ".."
}

/// The first dot segment of a scope, if any: every segment of an exact path, the complete
/// segments (those followed by `/`) of a prefix.
fn dot_segment(scope: &PathScope) -> Option<String> {
    let (path, complete_only) = match scope {
        PathScope::Exact(p) => (p.as_str(), false),
        PathScope::Prefix(p) => (p.as_str(), true),
    };
    let segs: Vec<&str> = path.split('/').skip(1).collect();
    let n = segs.len();
    segs.iter()
        .enumerate()
        .find(|(i, s)| (!complete_only || i + 1 < n) && is_dot_segment(s))
        .map(|(_, s)| (*s).to_string())
}

impl Rule for UnreachablePathScope {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for p in &set.policies {
            let dead: Vec<_> = p
                .paths
                .iter()
                .filter_map(|s| dot_segment(&s.node).map(|seg| (s, seg)))
                .collect();
            let all = !p.paths.is_empty() && dead.len() == p.paths.len();
            for (s, seg) in dead {
                let mut d = LintContext::diag(
                    &META,
                    format!("no browser request reaches `{}`: it holds the segment `{seg}`", s.node),
                    s.span,
                )
                .with_label("browsers resolve `.` and `..` before they send a path")
                .with_help("write the path a browser sends, with the dot segments resolved")
                .with_note("nginx and Apache resolve the scope too, and answer other paths with this policy; servers that compare it as written never match it");
                if all {
                    d = d.with_note(format!(
                        "policy `{}` has no other scope, so it answers no request",
                        p.name.node
                    ));
                }
                cx.report(&META, d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments_of_exact_paths_and_complete_prefix_segments() {
        let ex = |p: &str| dot_segment(&PathScope::Exact(p.to_string()));
        let pre = |p: &str| dot_segment(&PathScope::Prefix(p.to_string()));
        assert_eq!(ex("/a/./b").as_deref(), Some("."));
        assert_eq!(ex("/a/%2E%2e").as_deref(), Some("%2E%2e"));
        assert_eq!(ex("/a/.well-known"), None);
        assert_eq!(pre("/api/../admin/").as_deref(), Some(".."));
        // `/api/.*` covers `/api/.well-known`: the last segment of a prefix is not complete.
        assert_eq!(pre("/api/."), None);
        assert_eq!(pre("/api/"), None);
    }
}
