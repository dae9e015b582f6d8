use crate::ir::{OriginEntry, OriginKind, OriginPattern, PathScope, Policy, PolicySet};
use crate::lint::context::LintContext;
use crate::lint::regex_check::OriginRegex;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};
use foldhash::{HashSet, HashSetExt as _};

pub(crate) struct OriginShadowedByBroaderScope;

static META: RuleMeta = RuleMeta {
    code: "C214",
    name: "origin-shadowed-by-broader-scope",
    category: Category::Correctness,
    default_level: Level::Warning,
    fixable: false,
    summary: "an origin of a prefix scope's policy refused on the scope's bare path, which a broader policy answers",
    docs: r#"## What it does
Flags a prefix scope `"/P/*"` of a policy whose bare path `/P` another, broader policy answers
(through a prefix, or as the policy without `paths`; not one that lists `"/P"` itself) and
whose exact origins that policy does not allow.

corsc answers a path with the most specific scope that covers it, so a narrower scope always
wins over a broader one on the paths it covers: a broader scope can never take a request from
it. The one path it seems to cover and does not is its bare path: `"/api/admin/*"` covers
`/api/admin/` and everything below it, not `/api/admin` itself. That request goes to the policy
with the next most specific scope that covers it (`"/api/*"`, or the policy without `paths`).
When that policy does not allow an exact origin the narrower one lists, a request from that
origin to the bare path (a REST collection, `GET /api/admin`) fails its CORS check. An
origin is allowed by the broader policy if it is there exactly, through a pattern, through a
`regex` (as the Rust regex engine reads it), or through `*`.

## Why is this bad?
Scopes read like directories, and `/api/admin` looks like part of `/api/admin/*`. Servers
differ too: Spring's `/api/admin/**` mapping matches the bare path, nginx and Apache do not
(corsc's nginx output gives `/api/admin` an exact location with the CORS of the policy that
owns it), so the same policy behaves differently per target.

## Example
```cors
policy api {
    paths    "/api/*"
    origins  "https://app.example.com"
}

policy admin {
    paths    "/api/admin/*"
    origins  "https://admin.example.com"
}
```

## Use instead
```cors
policy api {
    paths    "/api/*"
    origins  "https://app.example.com"
}

policy admin {
    paths    "/api/admin", "/api/admin/*"
    origins  "https://admin.example.com"
}
```

## Fix safety
No fix: whether the bare path is part of the narrower policy is the author's call, and adding
it changes what that path allows.

## References
- Fetch standard, the CORS check: https://fetch.spec.whatwg.org/#cors-check
- Spring, `PathPattern` (`/**` matches zero or more segments): https://docs.spring.io/spring-framework/docs/current/javadoc-api/org/springframework/web/util/pattern/PathPattern.html
- nginx, `location` with a trailing slash and the redirect of the bare path: https://nginx.org/en/docs/http/ngx_http_core_module.html#location
"#,
};

/// At most this many origins are named in one finding.
const NAMED: usize = 3;

impl Rule for OriginShadowedByBroaderScope {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for n in &set.policies {
            for scope in &n.paths {
                let PathScope::Prefix(prefix) = &scope.node else {
                    continue;
                };
                let Some(bare) = prefix.strip_suffix('/').filter(|b| !b.is_empty()) else {
                    continue;
                };
                if has_dot_segment(bare) {
                    // No browser sends it: unreachable-path-scope reports the scope.
                    continue;
                }
                let Some(b) = set.policy_for(bare) else {
                    continue;
                };
                // A policy that claims the bare path itself was given it on purpose.
                let claimed = b.specificity_for(bare).is_some_and(|(exact, _)| exact == 1);
                if std::ptr::eq(b, n) || claimed || b.allows_any_origin() {
                    continue;
                }
                let allowed = Allowed::of(b);
                let refused: Vec<&OriginEntry> = n
                    .origins
                    .value
                    .iter()
                    .filter(|e| !allowed.allows(e))
                    .collect();
                let Some(first) = refused.first() else {
                    continue;
                };
                let mut names: Vec<String> = refused
                    .iter()
                    .take(NAMED)
                    .map(|e| format!("`{}`", e.raw()))
                    .collect();
                if refused.len() > NAMED {
                    names.push(format!("{} more", refused.len() - NAMED));
                }
                let d = LintContext::diag(
                    &META,
                    format!(
                        "`{bare}` itself is answered by policy `{}`, which refuses {} of policy `{}`",
                        b.name.node,
                        names.join(", "),
                        n.name.node
                    ),
                    scope.span,
                )
                .with_label(format!("covers `{prefix}…`, not `{bare}`"))
                .with_secondary(first.span, "refused on the bare path")
                .with_secondary(b.name.span, "answers the bare path")
                .with_help(format!(
                    "add `\"{bare}\"` to the paths of `{}` if it answers that path too",
                    n.name.node
                ));
                cx.report(&META, d);
            }
        }
    }
}

/// Whether a path has a `.` or `..` segment (percent-encoded or not).
fn has_dot_segment(path: &str) -> bool {
    path.split('/').any(|seg| {
        let s = seg.to_ascii_lowercase().replace("%2e", ".");
        s == "." || s == ".."
    })
}

/// What a policy allows, ready to ask about many origins: its exact origins hashed, its
/// patterns, and its regexes compiled once.
struct Allowed<'a> {
    exact: HashSet<&'a str>,
    patterns: Vec<&'a OriginPattern>,
    regexes: Vec<OriginRegex<'a>>,
}

impl<'a> Allowed<'a> {
    fn of(b: &'a Policy) -> Self {
        let mut a = Allowed {
            exact: HashSet::new(),
            patterns: Vec::new(),
            regexes: Vec::new(),
        };
        for x in &b.origins.value {
            match &x.kind {
                OriginKind::Exact(y) => {
                    a.exact.insert(y.as_str());
                }
                OriginKind::Pattern(p) => a.patterns.push(p),
                OriginKind::Regex(src) => a.regexes.push(OriginRegex::new(src)),
                _ => {}
            }
        }
        a
    }

    /// Whether this policy allows an entry's exact origin (other entries are not asked about).
    fn allows(&self, e: &OriginEntry) -> bool {
        let OriginKind::Exact(o) = &e.kind else {
            return true;
        };
        self.exact.contains(o.as_str())
            || self.patterns.iter().any(|p| p.matches(o))
            || self.regexes.iter().any(|re| re.is_match(o.as_str()))
    }
}
