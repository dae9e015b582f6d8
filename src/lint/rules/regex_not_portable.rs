use crate::ir::PolicySet;
use crate::lint::context::LintContext;
use crate::lint::entries::regexes;
use crate::lint::findings::report_entry;
use crate::lint::regex_check;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct RegexNotPortable;

static META: RuleMeta = RuleMeta {
    code: "P350",
    name: "regex-not-portable",
    category: Category::Portability,
    default_level: Level::Warning,
    fixable: false,
    summary: "a `regex` origin using syntax PCRE, RE2, JavaScript or Python lack",
    docs: r#"## What it does
Flags syntax in a `regex "…"` origin that corsc understands but another common engine rejects
or reads differently: text anchors `\A` and `\z`, inline flags (`(?i)`), named groups in either
spelling (`(?P<n>…)`, `(?<n>…)`), Unicode classes (`\p{L}`), POSIX classes (`[[:alpha:]]`),
nested classes and class set operations (`[a-z&&[^x]]`), `\x{…}` escapes, and directional word
boundaries (`\<`, `\b{start}`).

Lookaround and backreferences are not reported here: corsc refuses them outright
(`invalid-regex`, E113), because RE2 and corsc's evaluator cannot run them.

## Why is this bad?
The regex is copied into nginx and Apache configurations (PCRE), and often into application
code in JavaScript or Python. A regex that one of them rejects breaks the deployment; one that
it reads differently (a nested class read as a literal `[`) matches other origins than the ones
corsc checked.

## Example
```cors
policy api {
    origins  regex "\Ahttps://[a-z]+\.example\.com\z"
}
```

## Use instead
```cors
policy api {
    origins  regex "^https://[a-z]+\.example\.com$"
}
```

## References
- PCRE2 pattern syntax: https://www.pcre.org/current/doc/html/pcre2pattern.html
- RE2 syntax: https://github.com/google/re2/wiki/Syntax
- MDN, regular expressions: https://developer.mozilla.org/en-US/docs/Web/JavaScript/Guide/Regular_expressions
- Python `re` module: https://docs.python.org/3/library/re.html
"#,
};

impl Rule for RegexNotPortable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for (e, src) in regexes(set) {
            let found = regex_check::unportable(src);
            let Some(first) = found.first() else {
                continue;
            };
            let message = format!("`{}` in this regex is {}", first.fragment, first.feature);
            let mut d = LintContext::diag(&META, message, e.span)
                .with_label(first.engines)
                .with_help("stay within `^`, `$`, literals, `\\.`, `[a-z0-9-]`, `( | )`, `?`, `*`, `+` and `{m,n}`");
            for more in &found[1..] {
                d = d.with_note(format!(
                    "`{}` is {}: {}",
                    more.fragment, more.feature, more.engines
                ));
            }
            report_entry(cx, &META, e, d);
        }
    }
}
