use crate::ir::PolicySet;
use crate::lint::context::LintContext;
use crate::lint::lists::methods;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct SafelistedMethodListed;

static META: RuleMeta = RuleMeta {
    code: "Y405",
    name: "safelisted-method-listed",
    category: Category::Style,
    default_level: Level::Allow,
    fixable: false,
    summary: "`GET`, `HEAD` or `POST` among the methods (off by default)",
    docs: r#"## What it does
Flags `GET`, `HEAD` or `POST` in `methods`. The rule is off by default: writing
`methods GET, HEAD` on a read-only API documents what it serves and changes nothing, so it is
not worth a finding unless a team wants the strict form (`--warn safelisted-method-listed`).

## Why is this bad?
These methods are CORS-safelisted: browsers never ask whether they are allowed, so listing them
has no effect. The list can suggest the opposite, that leaving `POST` out blocks cross-site
form posts. It does not: CORS governs reading responses, not sending requests.

## Example
```cors
policy api {
    origins  "https://app.example.com"
    methods  GET, POST, PUT
}
```

## Use instead
```cors
policy api {
    origins  "https://app.example.com"
    methods  PUT
}
```

## References
- Fetch standard, CORS-safelisted method: https://fetch.spec.whatwg.org/#cors-safelisted-method
- jub0bs/cors, "safelisted methods need not be explicitly allowed": https://github.com/jub0bs/cors/blob/main/config.go
- OWASP HTML5 Security Cheat Sheet, CORS and CSRF: https://cheatsheetseries.owasp.org/cheatsheets/HTML5_Security_Cheat_Sheet.html#cross-origin-resource-sharing
"#,
};

impl Rule for SafelistedMethodListed {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for m in methods(set).filter(|m| crate::fetch::is_safelisted_method(&m.node)) {
            let message = format!("`{}` is always allowed and need not be listed", m.node);
            let d = LintContext::diag(&META, message, m.span)
                .with_label("a CORS-safelisted method")
                .with_help("remove it; CORS never blocks sending it");
            cx.report(&META, d);
        }
    }
}
