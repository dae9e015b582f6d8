use crate::ir::PolicySet;
use crate::lint::context::LintContext;
use crate::lint::entries::regexes_short_of_any;
use crate::lint::findings::report_entry;
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
        for (e, src) in regexes_short_of_any(set) {
            let Some(a) = regex_check::anchors(src) else {
                continue;
            };
            let (what, example) = match (a.start, a.end) {
                (true, true) => continue,
                (false, false) => ("`^` or `$`", "any origin that merely contains a match"),
                (true, false) => ("`$`", "a match followed by more, such as `….attacker.net`"),
                (false, true) => ("`^`", "any origin that merely ends with a match"),
            };
            let message = format!("this regex has no {what} on every branch");
            let d = LintContext::diag(&META, message, e.span)
                .with_label(format!("also matches {example}"))
                .with_help("anchor the whole regex: `^(…)$`");
            report_entry(cx, &META, e, d);
        }
    }
}
