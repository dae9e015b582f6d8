use crate::ir::PolicySet;
use crate::lint::context::LintContext;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct UnusedOriginSet;

static META: RuleMeta = RuleMeta {
    code: "Y410",
    name: "unused-origin-set",
    category: Category::Style,
    default_level: Level::Warning,
    fixable: false,
    summary: "an origin set that no policy uses",
    docs: r#"## What it does
Flags an origin set (`origins NAME = [ … ]`) that no policy uses: no policy's `origins`, in
the base or in any profile, names it, nor names a set that includes it (to any depth). A set
that only unused sets include is unused too.

## Why is this bad?
The set allows nothing, yet it reads as part of the policy: a reviewer checks its origins, and
whoever adds an origin to it expects access that never comes. It is often a set whose policy
was renamed to use another one, or a typo that `unknown-origin-set` (E105) does not catch
because the policy names a different set that exists.

## Example
```cors
origins partners = ["https://partner.example"]
origins frontends = ["https://app.example.com"]

policy api {
    origins  frontends
}
```

## Use instead
```cors
origins frontends = ["https://app.example.com"]

policy api {
    origins  frontends
}
```
or name the set in the policy that should allow it.

## Fix safety
No fix: removing a declaration would take its comments and any `@allow` above it, and a set
kept for a policy yet to be written is a decision for a person.

## References
- ruff's `unused-variable` (F841), the same idea for names: https://docs.astral.sh/ruff/rules/unused-variable/
- rustc's `dead_code` lint: https://doc.rust-lang.org/rustc/lints/listing/warn-by-default.html#dead-code
"#,
};

impl Rule for UnusedOriginSet {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for s in set.sets.iter().filter(|s| !s.used) {
            let d = LintContext::diag(
                &META,
                format!("origin set `{}` is not used by any policy", s.name.node),
                s.name.span,
            )
            .with_label("no policy uses this set")
            .with_help(format!(
                "name it in a policy's `origins` (`origins {}`), or remove it",
                s.name.node
            ));
            cx.report(&META, d);
        }
    }
}
