use crate::ir::PolicySet;
use crate::lint::context::LintContext;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct RedundantSafelistedHeader;

static META: RuleMeta = RuleMeta {
    code: "Y406",
    name: "redundant-safelisted-header",
    category: Category::Style,
    default_level: Level::Note,
    fixable: false,
    summary: "a safelisted header in `expose-headers`, or `Accept`/`Accept-Language`/`Content-Language` in `request-headers`",
    docs: r#"## What it does
Flags a CORS-safelisted response header in `expose-headers` (`Cache-Control`,
`Content-Language`, `Content-Length`, `Content-Type`, `Expires`, `Last-Modified`, `Pragma`),
and `Accept`, `Accept-Language` or `Content-Language` in `request-headers`.

`Content-Type` in `request-headers` is never flagged: it is only safelisted for form and text
bodies, and JSON APIs need it listed (see `missing-content-type`).

## Why is this bad?
Scripts can always read the safelisted response headers, and always send those request headers,
so listing them is noise. Listing a safelisted request header does lift the browser's limits on
its value (128 bytes, a restricted character set), which is why this is only a note.

## Example
```cors
policy api {
    origins         "https://app.example.com"
    expose-headers  Content-Type, X-Total-Count
}
```

## Use instead
```cors
policy api {
    origins         "https://app.example.com"
    expose-headers  X-Total-Count
}
```

## References
- Fetch standard, CORS-safelisted response-header name: https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name
- Fetch standard, CORS-safelisted request-header: https://fetch.spec.whatwg.org/#cors-safelisted-request-header
- MDN, Access-Control-Allow-Headers: https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Access-Control-Allow-Headers
"#,
};

/// Response headers script can always read.
const RESPONSE: &[&str] = &crate::fetch::SAFELISTED_RESPONSE_HEADERS;
/// Request headers script can always send with everyday values.
const REQUEST: &[&str] = &crate::fetch::SAFELISTED_ANY_USE_REQUEST_HEADERS;

impl Rule for RedundantSafelistedHeader {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for p in &set.policies {
            let lists = [
                (
                    &p.expose_headers.value.list,
                    RESPONSE,
                    "is always exposed",
                    "a CORS-safelisted response header",
                    "remove it from `expose-headers`",
                ),
                (
                    &p.request_headers.value.list,
                    REQUEST,
                    "may always be sent",
                    "a CORS-safelisted request header",
                    "remove it, unless values break the safelist's limits",
                ),
            ];
            for (list, safelisted, what, label, help) in lists {
                for h in list
                    .iter()
                    .filter(|h| safelisted.contains(&h.node.as_str()))
                {
                    let message = format!("`{}` {what} and need not be listed", h.node);
                    let d = LintContext::diag(&META, message, h.span)
                        .with_label(label)
                        .with_help(help);
                    cx.report(&META, d);
                }
            }
        }
    }
}
