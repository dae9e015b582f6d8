use crate::ir::PolicySet;
use crate::lint::context::LintContext;
use crate::lint::entries::any_origin;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct AnyOrigin;

static META: RuleMeta = RuleMeta {
    code: "S113",
    name: "any-origin",
    category: Category::Security,
    default_level: Level::Allow,
    fixable: false,
    summary: "`origins *` without credentials (off by default; for internal APIs)",
    docs: r#"## What it does
Flags `origins *` in a policy without credentials (with credentials, `wildcard-with-credentials`
reports it). The rule is off by default: `*` is the right answer for public data. Turn it on
for a code base of internal services, e.g. `lint: { warn: [any-origin] }` in `corsc.yaml`.

## Why is this bad?
`*` lets any page read the response with the visitor's network position, though without their
cookies. For a public API that is nothing curl could not fetch anyway. For a service that is
protected by being on an intranet, behind a VPN or an IP allowlist, it lets any page a staff
member visits read it.

## Example
```cors
policy inventory {
    origins  *
}
```

## Use instead
```cors
policy inventory {
    origins  "https://intranet.example.com"
}
```

## References
- Fetch standard, a basic safe CORS protocol setup: https://fetch.spec.whatwg.org/#basic-safe-cors-protocol-setup
- OWASP HTML5 Security Cheat Sheet, CORS: https://cheatsheetseries.owasp.org/cheatsheets/HTML5_Security_Cheat_Sheet.html#cross-origin-resource-sharing
- PortSwigger, intranets and CORS without credentials: https://portswigger.net/web-security/cors
"#,
};

impl Rule for AnyOrigin {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for (p, any) in any_origin(set).filter(|(p, _)| !p.credentials.value) {
            let message = format!("policy `{}` lets any site read its responses", p.name.node);
            let d = LintContext::diag(&META, message, any.span)
                .with_label("any origin")
                .with_help("list the origins that need access, unless the data is public");
            cx.report(&META, d);
        }
    }
}
