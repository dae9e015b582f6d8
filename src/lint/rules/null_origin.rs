use crate::ir::{OriginKind, PolicySet};
use crate::lint::context::LintContext;
use crate::lint::entries::entry_uses;
use crate::lint::findings::{raise_if_credentialed, report_entry};
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct NullOrigin;

static META: RuleMeta = RuleMeta {
    code: "S102",
    name: "null-origin",
    category: Category::Security,
    default_level: Level::Warning,
    fixable: false,
    summary: "`null` among the allowed origins (an error with credentials)",
    docs: r#"## What it does
Flags `null` in `origins`. The finding is an error when a policy that allows `null` also allows
credentials, and a warning otherwise.

## Why is this bad?
`Origin: null` is not one place: sandboxed iframes, `data:` and `file:` documents and requests
that followed a cross-origin redirect all send it. Any site can produce it with
`<iframe sandbox="allow-scripts" srcdoc="…">`, so allowing `null` allows every site that cares
to hide behind a sandbox. With credentials, that site reads your users' responses.

## Example
```cors
policy api {
    origins      "https://app.example.com", null
    credentials  true
}
```

## Use instead
```cors
policy api {
    origins      "https://app.example.com"
    credentials  true
}
```
Serve local tools from `http://localhost:PORT` and allow that origin instead of `null`.

## References
- MDN, Access-Control-Allow-Origin ("`null` should not be used"): https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Access-Control-Allow-Origin
- Fetch standard, serializing a request origin: https://fetch.spec.whatwg.org/#serializing-a-request-origin
- PortSwigger, CORS vulnerability with trusted null origin: https://portswigger.net/web-security/cors
- CORScanner, misconfiguration types: https://github.com/chenjj/CORScanner
"#,
};

impl Rule for NullOrigin {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for u in entry_uses(set) {
            if !matches!(u.entry.kind, OriginKind::Null) {
                continue;
            }
            let message = if u.credentialed {
                "`null` is allowed together with credentials"
            } else {
                "`null` is allowed as an origin"
            };
            let d = LintContext::diag(&META, message, u.entry.span)
                .with_label("any site can send `Origin: null` from a sandboxed iframe")
                .with_help("remove `null`; allow the real origin of the tool that needs access")
                .with_note("sandboxed iframes, `data:` and `file:` documents and redirected requests all send `null`");
            report_entry(cx, &META, u.entry, raise_if_credentialed(&u, d));
        }
    }
}
