use crate::ir::{OriginKind, PolicySet};
use crate::lint::context::LintContext;
use crate::lint::entries::any_origin;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct WildcardMixedWithOrigins;

static META: RuleMeta = RuleMeta {
    code: "Y403",
    name: "wildcard-mixed-with-origins",
    category: Category::Style,
    default_level: Level::Warning,
    fixable: false,
    summary: "`*` listed together with other origins",
    docs: r#"## What it does
Flags a policy whose `origins` hold `*` and other entries as well.

## Why is this bad?
`*` already allows every origin, so the other entries mean nothing, and the list reads as if
access were restricted. Hand-written servers disagree about such lists: some compare the
literal string `"*"` with the `Origin` header and then allow only the listed ones, others panic.

## Example
```cors
policy api {
    origins  *, "https://app.example.com"
}
```

## Use instead
```cors
policy api {
    origins  "https://app.example.com"
}
```
or `origins *` alone, if the API is public.

## References
- tower-rs/tower-http PR 285 ("panic if `*` is used with `AllowOrigin::list`"): https://github.com/tower-rs/tower-http/pull/285
- stumpapp/stump PR 538: https://github.com/stumpapp/stump/pull/538
- jub0bs/fcors, incompatible options: https://github.com/jub0bs/fcors/blob/main/fcors_invalid_policies_test.go
"#,
};

impl Rule for WildcardMixedWithOrigins {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for (p, any) in any_origin(set) {
            let entries = &p.origins.value;
            let Some(other) = entries.iter().find(|e| !matches!(e.kind, OriginKind::Any)) else {
                continue;
            };
            let d = LintContext::diag(
                &META,
                format!("policy `{}` lists `*` and other origins", p.name.node),
                any.span,
            )
            .with_label("`*` allows every origin")
            .with_secondary(other.span, "so this entry means nothing")
            .with_help("keep `*` alone for a public API, or remove it and keep the list");
            cx.report(&META, d);
        }
    }
}
