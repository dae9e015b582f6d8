use crate::ir::PolicySet;
use crate::lint::context::LintContext;
use crate::lint::findings::credentials_here;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};
use crate::source::Span;

pub(crate) struct WildcardLiteralWithCredentials;

static META: RuleMeta = RuleMeta {
    code: "C210",
    name: "wildcard-literal-with-credentials",
    category: Category::Correctness,
    default_level: Level::Error,
    fixable: false,
    summary: "`*` in methods or headers of a policy that allows credentials",
    docs: r#"## What it does
Flags `*` in `methods`, `request-headers` or `expose-headers` of a policy that allows
credentials.

## Why is this bad?
For a credentialed request, browsers read `*` in `Access-Control-Allow-Methods`,
`Access-Control-Allow-Headers` and `Access-Control-Expose-Headers` as the literal name `*`,
not as a wildcard. Preflights for any real method or header then fail, and nothing is exposed.

## Example
```cors
policy api {
    origins          "https://app.example.com"
    request-headers  *
    credentials      true
}
```

## Use instead
```cors
policy api {
    origins          "https://app.example.com"
    request-headers  Content-Type, X-CSRF-Token
    credentials      true
}
```
or `request-headers mirror` to allow whatever headers the preflight asks for.

## References
- Fetch standard, HTTP new-header syntax (the note on `*`): https://fetch.spec.whatwg.org/#http-new-header-syntax
- Fetch standard, CORS-preflight fetch: https://fetch.spec.whatwg.org/#cors-preflight-fetch
- MDN, Access-Control-Allow-Headers: https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Access-Control-Allow-Headers
- tower-rs/tower-http issue 194: https://github.com/tower-rs/tower-http/issues/194
"#,
};

impl Rule for WildcardLiteralWithCredentials {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for p in set.policies.iter().filter(|p| p.credentials.value) {
            let stars: [(Option<Span>, &str, &str); 3] = [
                (p.methods.value.any, "methods", "list the methods"),
                (
                    p.request_headers.value.any,
                    "request-headers",
                    "list the headers, or write `mirror` to allow what the preflight asks for",
                ),
                (
                    p.expose_headers.value.any,
                    "expose-headers",
                    "list the headers to expose",
                ),
            ];
            for (span, what, help) in stars {
                let Some(span) = span else { continue };
                let d = LintContext::diag(
                    &META,
                    format!("`*` in `{what}` is a literal name when credentials are allowed"),
                    span,
                )
                .with_label("browsers read this as a header or method named `*`")
                .with_help(help);
                cx.report(&META, credentials_here(d, p.credentials.span));
            }
        }
    }
}
