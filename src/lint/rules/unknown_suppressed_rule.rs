use crate::ir::PolicySet;
use crate::lint::context::LintContext;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};
use crate::source::Spanned;

pub(crate) struct UnknownSuppressedRule;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "Y402",
    name: "unknown-suppressed-rule",
    category: Category::Style,
    default_level: Level::Warning,
    fixable: false,
    summary: "an `@allow` naming a rule that does not exist",
    docs: r#"## What it does
Flags a rule name or code in `@allow(…)` that is not a corsc rule.

## Why is this bad?
A misspelled rule name suppresses nothing, so the finding it was meant to allow still fails the
run, or, worse, the author believes a decision is recorded that is not.

## Example
```cors
policy api {
    @allow(wildcard-with-credential, reason = "typo in the rule name")
    origins  "https://app.example.com"
}
```

## Use instead
```cors
policy api {
    origins  "https://app.example.com"
}
```
and name rules as `corsc rules` lists them.

## References
- `corsc rules` lists every rule name and code.
"#,
};

impl Rule for UnknownSuppressedRule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// Reported by the driver, once per file.
    fn check(&self, _set: &PolicySet, _cx: &mut LintContext<'_>) {}
}

/// Reports a name in `@allow` that is no rule.
pub(crate) fn report(name: &Spanned<String>, cx: &mut LintContext<'_>) {
    let names = cx.known_rules().iter().map(|m| m.name);
    let help = match crate::check::closest_name(&name.node, names) {
        Some(n) => format!("did you mean `{n}`?"),
        None => "`corsc rules` lists every rule".to_string(),
    };
    let d = LintContext::diag(
        &META,
        format!("`{}` is not a corsc rule", name.node),
        name.span,
    )
    .with_label("unknown rule")
    .with_help(help);
    cx.report(&META, d);
}
