use crate::ir::PolicySet;
use crate::lint::context::LintContext;
use crate::lint::lists::expose_headers;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct UnexposableResponseHeader;

static META: RuleMeta = RuleMeta {
    code: "C212",
    name: "unexposable-response-header",
    category: Category::Correctness,
    default_level: Level::Warning,
    fixable: false,
    summary: "a header in `expose-headers` that scripts can never read",
    docs: r#"## What it does
Flags a name in `expose-headers` that no script can ever read through CORS: `Set-Cookie` and
`Set-Cookie2` (forbidden response-header names), request headers (`Origin`, `Cookie`,
`Access-Control-Request-*`), and headers that only a preflight response carries
(`Access-Control-Allow-Methods`, `Access-Control-Allow-Headers`, `Access-Control-Max-Age`,
`Access-Control-Allow-Private-Network`).

## Why is this bad?
It is dead configuration that promises something the browser never delivers: the script that
expects to read `Set-Cookie` gets `null`, whatever the policy says.

## Example
```cors
policy api {
    origins         "https://app.example.com"
    expose-headers  Set-Cookie
}
```

## Use instead
```cors
policy api {
    origins         "https://app.example.com"
    expose-headers  X-Request-Id
}
```

## References
- Fetch standard, forbidden response-header name: https://fetch.spec.whatwg.org/#forbidden-response-header-name
- Fetch standard, CORS-safelisted response-header name: https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name
- jub0bs/fcors, invalid policies: https://github.com/jub0bs/fcors/blob/main/fcors_invalid_policies_test.go
"#,
};

fn why(name: &str) -> Option<&'static str> {
    use crate::fetch::{
        CORS_REQUEST_ONLY_HEADERS, FORBIDDEN_RESPONSE_HEADERS, PREFLIGHT_ONLY_RESPONSE_HEADERS,
    };
    if FORBIDDEN_RESPONSE_HEADERS.contains(&name) {
        Some("browsers never let scripts read cookies from a response")
    } else if CORS_REQUEST_ONLY_HEADERS.contains(&name) {
        Some("a request header, never in a response")
    } else if PREFLIGHT_ONLY_RESPONSE_HEADERS.contains(&name) {
        Some("only preflight responses carry it, and scripts never see those")
    } else {
        None
    }
}

impl Rule for UnexposableResponseHeader {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for h in expose_headers(set) {
            let Some(reason) = why(&h.node) else { continue };
            let d = LintContext::diag(
                &META,
                format!("scripts can never read `{}`", h.node),
                h.span,
            )
            .with_label(reason)
            .with_help("remove it from `expose-headers`");
            cx.report(&META, d);
        }
    }
}
