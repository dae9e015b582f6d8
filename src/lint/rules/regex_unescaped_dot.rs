use crate::ir::PolicySet;
use crate::lint::context::LintContext;
use crate::lint::entries::regexes_short_of_any;
use crate::lint::findings::report_entry;
use crate::lint::regex_check;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct RegexUnescapedDot;

static META: RuleMeta = RuleMeta {
    code: "S109",
    name: "regex-unescaped-dot",
    category: Category::Security,
    default_level: Level::Error,
    fixable: false,
    summary: "a `.` in a `regex` origin that matches any character",
    docs: r#"## What it does
Flags a `.` in a `regex "…"` origin that is not repeated (`.*` and `.+` are `regex-overbroad`'s
business): in a host, it is almost always a literal dot written without its backslash.

## Why is this bad?
An unescaped `.` matches any character, so `^https://api.example\.com$` also matches
`https://apixexample.com`, a name anyone can register.

corsc does not rewrite the regex: a `.` might be meant, and the fix would change what the
policy allows.

## Example
```cors
policy api {
    origins  regex "^https://api.example\.com$"
}
```

## Use instead
```cors
policy api {
    origins  regex "^https://api\.example\.com$"
}
```

## References
- semgrep, `cors-regex-wildcard` ("unescaped `.` in CORS domain regex"): https://semgrep.dev/r/typescript.lang.security.audit.cors-regex-wildcard.cors-regex-wildcard
- CORScanner, `Not_escape_dot`: https://github.com/chenjj/CORScanner
- wso2/api-manager issue 3832: https://github.com/wso2/api-manager/issues/3832
"#,
};

impl Rule for RegexUnescapedDot {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for (e, src) in regexes_short_of_any(set) {
            let dots = regex_check::bare_dots(src);
            let Some(first) = dots.first() else {
                continue;
            };
            let message = format!("this regex has an unescaped `.` in `{first}`");
            let mut d = LintContext::diag(&META, message, e.span)
                .with_label("`.` matches any character, not just a dot")
                .with_help("write `\\.` for a literal dot");
            if dots.len() > 1 {
                d = d.with_note(format!("{} unescaped dots in all", dots.len()));
            }
            report_entry(cx, &META, e, d);
        }
    }
}
