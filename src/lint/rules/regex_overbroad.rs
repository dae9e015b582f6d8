use crate::ir::PolicySet;
use crate::lint::context::LintContext;
use crate::lint::entries::regexes_short_of_any;
use crate::lint::findings::report_entry;
use crate::lint::regex_check;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct RegexOverbroad;

static META: RuleMeta = RuleMeta {
    code: "S110",
    name: "regex-overbroad",
    category: Category::Security,
    default_level: Level::Warning,
    fixable: false,
    summary: "a repetition in a `regex` origin broader than a host label",
    docs: r#"## What it does
Flags a repetition in a `regex "…"` origin that admits more than DNS label characters (`.*`,
`.+`, `[^/]+`, `\w+`), and a repetition of letters that runs straight into the rest of a name
with no `.` between them (`[a-z]+example\.com`).

## Why is this bad?
`^https://[a-z]+example\.com$` matches `https://evilexample.com`, a different site. Classes such
as `.` or `[^/]` also admit characters no host has but some browsers send anyway, such as `_`
and `` ` `` in Safari, which lets `https://example.com_.attacker.net` through.

## Example
```cors
policy api {
    origins  regex "^https://.*\.example\.com$"
}
```

## Use instead
```cors
policy api {
    origins  regex "^https://([a-z0-9-]+\.)*example\.com$"
}
```
or the pattern `"https://*.example.com"`, which matches whole labels by construction.

## References
- Corsy, "unrecognized underscore" and "broken parser": https://github.com/s0md3v/Corsy
- CORScanner, `Special_characters_bypass`: https://github.com/chenjj/CORScanner
- PortSwigger, errors parsing Origin headers: https://portswigger.net/web-security/cors
- gixy, `origins` plugin: https://github.com/dvershinin/gixy/blob/master/docs/en/plugins/origins.md
"#,
};

impl Rule for RegexOverbroad {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for (e, src) in regexes_short_of_any(set) {
            let found = regex_check::overbroad(src);
            let Some(first) = found.first() else {
                continue;
            };
            let message = format!(
                "`{}` in this regex is broader than a host label",
                first.fragment
            );
            let mut d = LintContext::diag(&META, message, e.span)
                .with_label(first.reason.clone())
                .with_help("match labels with `[a-z0-9-]+` and separate them with `\\.`");
            for more in &found[1..] {
                d = d.with_note(format!("`{}` {}", more.fragment, more.reason));
            }
            report_entry(cx, &META, e, d);
        }
    }
}
