use crate::ir::PolicySet;
use crate::lint::context::LintContext;
use crate::lint::lists::methods;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct ForbiddenMethod;

static META: RuleMeta = RuleMeta {
    code: "C209",
    name: "forbidden-method",
    category: Category::Correctness,
    default_level: Level::Error,
    fixable: false,
    summary: "`CONNECT`, `TRACE` or `TRACK` among the methods",
    docs: r#"## What it does
Flags `CONNECT`, `TRACE` or `TRACK`, in any case, in `methods`.

## Why is this bad?
These are forbidden methods: `fetch` and `XMLHttpRequest` refuse to send them, so no
cross-origin script ever asks for them. Listing them is dead configuration that suggests a
misunderstanding, and `TRACE` in particular is a method servers should not answer at all.

## Example
```cors
policy api {
    origins  "https://app.example.com"
    methods  PUT, TRACE
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
- Fetch standard, forbidden method: https://fetch.spec.whatwg.org/#forbidden-method
- jub0bs/cors, forbidden methods refused: https://github.com/jub0bs/cors/blob/main/internal/methods/methods.go
"#,
};

impl Rule for ForbiddenMethod {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for m in methods(set).filter(|m| crate::fetch::is_forbidden_method(&m.node)) {
            let message = format!("browsers never send `{}` from a script", m.node);
            let d = LintContext::diag(&META, message, m.span)
                .with_label("a forbidden method")
                .with_help("remove it");
            cx.report(&META, d);
        }
    }
}
