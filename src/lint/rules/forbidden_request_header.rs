use crate::ir::PolicySet;
use crate::lint::context::LintContext;
use crate::lint::lists::request_headers;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct ForbiddenRequestHeader;

static META: RuleMeta = RuleMeta {
    code: "Y407",
    name: "forbidden-request-header",
    category: Category::Style,
    default_level: Level::Warning,
    fixable: false,
    summary:
        "a header in `request-headers` that scripts cannot set, or a response-only CORS header",
    docs: r#"## What it does
Flags a name in `request-headers` that scripts can never set (a forbidden request-header name:
`Cookie`, `Host`, `Origin`, `Referer`, `Content-Length`, `Connection`, `Sec-*`, `Proxy-*`, …),
or a CORS response header (`Access-Control-Allow-*`, `Access-Control-Max-Age`,
`Access-Control-Expose-Headers`).

## Why is this bad?
The browser sets forbidden headers itself, and they never appear in
`Access-Control-Request-Headers`, so allowing them has no effect. Listing the response headers
is a common copy-paste mistake (`Origin, X-Requested-With, Access-Control-Allow-Origin`) that
shows a misunderstanding of who sends what.

## Example
```cors
policy api {
    origins          "https://app.example.com"
    request-headers  Content-Type, Access-Control-Allow-Origin
}
```

## Use instead
```cors
policy api {
    origins          "https://app.example.com"
    request-headers  Content-Type
}
```

## References
- Fetch standard, forbidden request-header: https://fetch.spec.whatwg.org/#forbidden-request-header
- jub0bs/cors, prohibited request-header names: https://github.com/jub0bs/cors/blob/main/internal/headers/req.go
- jub0bs/fcors, invalid policies: https://github.com/jub0bs/fcors/blob/main/fcors_invalid_policies_test.go
"#,
};

fn why(name: &str) -> Option<&'static str> {
    if crate::fetch::is_forbidden_request_header(name) {
        Some("browsers set this header themselves; scripts cannot")
    } else if crate::fetch::is_cors_response_header(name) {
        Some("a response header: servers send it, clients never do")
    } else {
        None
    }
}

impl Rule for ForbiddenRequestHeader {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for h in request_headers(set) {
            let Some(reason) = why(&h.node) else { continue };
            let message = format!(
                "scripts never send `{}`, so allowing it has no effect",
                h.node
            );
            let d = LintContext::diag(&META, message, h.span)
                .with_label(reason)
                .with_help("remove it from `request-headers`");
            cx.report(&META, d);
        }
    }
}
