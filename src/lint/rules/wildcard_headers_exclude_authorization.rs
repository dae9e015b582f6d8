use crate::ir::PolicySet;
use crate::lint::context::LintContext;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct WildcardHeadersExcludeAuthorization;

static META: RuleMeta = RuleMeta {
    code: "C211",
    name: "wildcard-headers-exclude-authorization",
    category: Category::Correctness,
    default_level: Level::Warning,
    fixable: false,
    summary: "`request-headers *` without `Authorization` listed as well",
    docs: r#"## What it does
Flags `request-headers *` in a policy without credentials when `Authorization` is not listed
next to it.

## Why is this bad?
`Authorization` is the one request header `*` never covers in the Fetch standard. Chromium
already warns about it and is moving to enforce it, so bearer-token clients break the day the
browser does. Writing both keeps them working.

## Example
```cors
policy api {
    origins          *
    request-headers  *
}
```

## Use instead
```cors
policy api {
    origins          *
    request-headers  *, Authorization
}
```

## References
- Fetch standard, CORS non-wildcard request-header name: https://fetch.spec.whatwg.org/#cors-non-wildcard-request-header-name
- MDN, Access-Control-Allow-Headers ("Authorization can't be a wildcard"): https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Access-Control-Allow-Headers
- tower-rs/tower-http issue 526: https://github.com/tower-rs/tower-http/issues/526
"#,
};

impl Rule for WildcardHeadersExcludeAuthorization {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for p in &set.policies {
            let h = &p.request_headers.value;
            let Some(any) = h.any else { continue };
            if p.credentials.value || h.list.iter().any(|x| x.node == "authorization") {
                continue;
            }
            let d = LintContext::diag(&META, "`*` does not cover the `Authorization` header", any)
                .with_label("every header but `Authorization`")
                .with_help("write `*, Authorization` if clients send bearer tokens");
            cx.report(&META, d);
        }
    }
}
