use crate::ir::PolicySet;
use crate::lint::context::LintContext;
use crate::lint::lists::methods;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct OptionsMethodListed;

static META: RuleMeta = RuleMeta {
    code: "Y404",
    name: "options-method-listed",
    category: Category::Style,
    default_level: Level::Note,
    fixable: false,
    summary: "`OPTIONS` among the methods",
    docs: r#"## What it does
Flags `OPTIONS` in `methods`.

## Why is this bad?
The preflight is an `OPTIONS` request, but it is answered by the CORS layer itself and never
checked against `Access-Control-Allow-Methods`. Listing `OPTIONS` only matters for a script
that sends `fetch(url, {method: "OPTIONS"})` itself, which almost none do. It usually signals
the belief that preflights need it.

## Example
```cors
policy api {
    origins  "https://app.example.com"
    methods  PUT, OPTIONS
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
- Fetch standard, CORS-preflight fetch: https://fetch.spec.whatwg.org/#cors-preflight-fetch
- jub0bs/fcors, on `OPTIONS` "contrary to popular belief": https://github.com/jub0bs/fcors/blob/main/fcors.go
"#,
};

impl Rule for OptionsMethodListed {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for m in methods(set).filter(|m| m.node == "OPTIONS") {
            let d = LintContext::diag(&META, "`OPTIONS` need not be listed", m.span)
                .with_label("preflights are answered without it")
                .with_help("remove it, unless scripts send `OPTIONS` requests themselves");
            cx.report(&META, d);
        }
    }
}
