use crate::ir::{OriginKind, PolicySet};
use crate::lint::context::LintContext;
use crate::lint::entries::entry_uses;
use crate::lint::findings::{raise_if_credentialed, report_entry};
use crate::lint::regex_check;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct RegexMatchesAnyOrigin;

static META: RuleMeta = RuleMeta {
    code: "S107",
    name: "regex-matches-any-origin",
    category: Category::Security,
    default_level: Level::Warning,
    fixable: false,
    summary: "a `regex` origin that matches any site, like reflecting `Origin` (an error with credentials)",
    docs: r#"## What it does
Flags a `regex "…"` origin that matches an origin anyone can own, such as
`https://attacker.invalid`: `regex ".*"`, `regex "^https://.+$"`. Such a regex reflects the
request's `Origin` back, whatever it is. The finding is an error when a policy that uses the
regex allows credentials, and a warning otherwise.

The regex rules `regex-unanchored`, `regex-unescaped-dot` and `regex-overbroad` stay quiet about
a regex this rule reports: the whole regex is the problem.

## Why is this bad?
Reflecting any origin together with credentials is the most exploited CORS bug: every site on
the web may read your users' authenticated responses. Without credentials it is the same as
`*`, only harder to read, and it makes caches keep one copy per origin.

## Example
```cors
policy api {
    origins      regex "^https://.*$"
    credentials  true
}
```

## Use instead
```cors
policy api {
    origins      "https://app.example.com", "https://admin.example.com"
    credentials  true
}
```
For a public API without credentials, write `origins *`.

## References
- PortSwigger, Exploiting CORS misconfigurations (reflected origin): https://portswigger.net/research/exploiting-cors-misconfigurations-for-bitcoins-and-bounties
- CORScanner, `Reflect_any_origin`: https://github.com/chenjj/CORScanner
- OWASP HTML5 Security Cheat Sheet, CORS: https://cheatsheetseries.owasp.org/cheatsheets/HTML5_Security_Cheat_Sheet.html#cross-origin-resource-sharing
- CodeQL, `js/cors-misconfiguration-for-credentials`: https://codeql.github.com/codeql-query-help/javascript/js-cors-misconfiguration-for-credentials/
"#,
};

impl Rule for RegexMatchesAnyOrigin {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for u in entry_uses(set) {
            let OriginKind::Regex(src) = &u.entry.kind else {
                continue;
            };
            let Some(probe) = regex_check::matches_any_origin(src) else {
                continue;
            };
            let (message, help) = if u.credentialed {
                (
                    "this regex lets any site read credentialed responses",
                    "list the origins that may send credentials",
                )
            } else {
                (
                    "this regex matches any origin",
                    "write `*` for a public API, or list the origins",
                )
            };
            let d = LintContext::diag(&META, message, u.entry.span)
                .with_label(format!("matches `{probe}`"))
                .with_help(help);
            report_entry(cx, &META, u.entry, raise_if_credentialed(&u, d));
        }
    }
}
