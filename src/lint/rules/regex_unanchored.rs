use crate::ir::{OriginKind, PolicySet};
use crate::lint::context::LintContext;
use crate::lint::entries::{unique_entries, via_note};
use crate::lint::regex_check;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct RegexUnanchored;

static META: RuleMeta = RuleMeta {
    code: "S108",
    name: "regex-unanchored",
    category: Category::Security,
    default_level: Level::Error,
    fixable: false,
    summary: "a `regex` origin without `^` and `$` around every branch",
    docs: r#"## What it does
Flags a `regex "…"` origin that is not anchored at both ends: a missing `^` or `$`, or an
alternation whose branches are anchored unevenly, as in `(^https://a\.example)|(^https://b\.example)$`.

## Why is this bad?
Servers search the `Origin` header with the regex (nginx `~`, Apache `SetEnvIf`, `RegExp.test`,
`re.search`): a regex without `$` matches `https://app.example.com.attacker.net`, and one without
`^` matches any origin that merely ends like yours. Both are registrable by anyone.

## Example
```cors
policy api {
    origins  regex "^https://app\.example\.com"
}
```

## Use instead
```cors
policy api {
    origins  regex "^https://(app|admin)\.example\.com$"
}
```

## References
- gixy, `origins` plugin: https://github.com/dvershinin/gixy/blob/master/docs/en/plugins/origins.md
- martini-contrib/cors PR 6, an unanchored origin regex: https://github.com/martini-contrib/cors/pull/6
- PortSwigger, errors parsing Origin headers: https://portswigger.net/web-security/cors
"#,
};

impl Rule for RegexUnanchored {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for e in unique_entries(set) {
            let OriginKind::Regex(src) = &e.kind else {
                continue;
            };
            let Some(a) = regex_check::anchors(src) else {
                continue;
            };
            // A regex that matches any origin is reported whole by regex-matches-any-origin.
            if (a.start && a.end) || regex_check::matches_any_origin(src).is_some() {
                continue;
            }
            let (what, example) = match (a.start, a.end) {
                (false, false) => ("`^` or `$`", "any origin that merely contains a match"),
                (true, _) => ("`$`", "a match followed by more, such as `….attacker.net`"),
                (false, true) => ("`^`", "any origin that merely ends with a match"),
            };
            let mut d = LintContext::diag(
                &META,
                format!("this regex has no {what} on every branch"),
                e.span,
            )
            .with_label(format!("also matches {example}"))
            .with_help("anchor the whole regex: `^(…)$`");
            if let Some(n) = via_note(e) {
                d = d.with_note(n);
            }
            cx.report(&META, d);
        }
    }
}
