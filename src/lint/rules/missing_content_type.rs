use crate::ir::PolicySet;
use crate::lint::context::LintContext;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct MissingContentType;

static META: RuleMeta = RuleMeta {
    code: "C213",
    name: "missing-content-type",
    category: Category::Correctness,
    default_level: Level::Note,
    fixable: false,
    summary: "`PUT` or `PATCH` allowed without `Content-Type` among the request headers",
    docs: r#"## What it does
Flags a policy that allows `PUT` or `PATCH`, methods that carry a body, but does not list
`Content-Type` in `request-headers` (and does not allow `*` or `mirror`). It is a note: the rule
guesses that the body is JSON.

## Why is this bad?
`Content-Type` is only safelisted for `application/x-www-form-urlencoded`,
`multipart/form-data` and `text/plain`. A JSON body makes the browser ask for `content-type` in
the preflight, and the preflight fails unless the policy allows it: the request never leaves the
browser, and the console says the header is missing from `Access-Control-Allow-Headers`.

## Example
```cors
policy api {
    origins          "https://app.example.com"
    methods          PUT, PATCH
    request-headers  Authorization
}
```

## Use instead
```cors
policy api {
    origins          "https://app.example.com"
    methods          PUT, PATCH
    request-headers  Authorization, Content-Type
}
```

## References
- Fetch standard, CORS-safelisted request-header (`content-type`): https://fetch.spec.whatwg.org/#cors-safelisted-request-header
- MDN, CORSMissingAllowHeaderFromPreflight: https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/CORS/Errors/CORSMissingAllowHeaderFromPreflight
"#,
};

impl Rule for MissingContentType {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for p in &set.policies {
            let h = &p.request_headers.value;
            if h.any.is_some()
                || h.mirror.is_some()
                || h.list.iter().any(|x| x.node == "content-type")
            {
                continue;
            }
            let Some(m) = p
                .methods
                .value
                .list
                .iter()
                .find(|m| m.node == "PUT" || m.node == "PATCH")
            else {
                continue;
            };
            let mut d = LintContext::diag(
                &META,
                format!("`{}` is allowed but `Content-Type` is not", m.node),
                m.span,
            )
            .with_label("a JSON body makes the browser ask for `content-type`")
            .with_help("add `Content-Type` to `request-headers`");
            if let Some(s) = p.request_headers.span {
                d = d.with_secondary(s, "request headers allowed here");
            }
            cx.report(&META, d);
        }
    }
}
