use crate::ir::{PolicySet, Suppression};
use crate::lint::context::LintContext;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct UnusedSuppression;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "Y401",
    name: "unused-suppression",
    category: Category::Style,
    default_level: Level::Warning,
    fixable: false,
    summary: "an `@allow` that silences nothing",
    docs: r#"## What it does
Flags an `@allow(rule, reason = "…")` that did not silence any finding, in the base policy or
in any profile.

## Why is this bad?
A suppression records a decision: "this finding is known, and here is why it is fine". When the
policy changes and the finding goes away, a leftover suppression keeps saying the opposite, and
it would silently hide the same mistake if it came back later in the same place.

## Example
```cors
policy api {
    @allow(wildcard-with-credentials, reason = "legacy widget")
    origins  "https://app.example.com"
}
```

## Use instead
```cors
policy api {
    origins  "https://app.example.com"
}
```

## References
- ruff, unused `noqa` (RUF100): https://docs.astral.sh/ruff/rules/unused-noqa/
- rustc, `#[expect]` lint expectations: https://doc.rust-lang.org/reference/attributes/diagnostics.html#the-expect-attribute
"#,
};

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// Reported by the driver, which sees every profile's run.
    fn check(&self, _set: &PolicySet, _cx: &mut LintContext<'_>) {}
}

/// Reports one suppression that silenced nothing.
pub(crate) fn report(s: &Suppression, cx: &mut LintContext<'_>) {
    let names = s
        .rules
        .iter()
        .map(|r| format!("`{}`", r.node))
        .collect::<Vec<_>>()
        .join(", ");
    let d = LintContext::diag(
        &META,
        format!("this `@allow` of {names} silences nothing"),
        s.span,
    )
    .with_label("no finding here to allow")
    .with_help("remove it; if the finding comes back, the linter will say so");
    cx.report(&META, d);
}
