use crate::ir::{OriginDefect, PolicySet};
use crate::lint::context::LintContext;
use crate::lint::entries::defects;
use crate::lint::findings::{report_entry, rewrite};
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct OriginHasPath;

static META: RuleMeta = RuleMeta {
    code: "C203",
    name: "origin-has-path",
    category: Category::Correctness,
    default_level: Level::Error,
    fixable: true,
    summary: "an origin with a path or a trailing slash",
    docs: r#"## What it does
Flags an origin entry with a path, including a lone trailing slash:
`"https://app.example.com/"`, `"https://app.example.com/app"`.

## Why is this bad?
An origin is scheme, host and port, nothing more. The browser's `Origin` header never ends in
`/`, and the Fetch standard lists `Access-Control-Allow-Origin: https://rabbit.invalid/` among
the values that fail the CORS check. The entry silently never matches.

## Example
```cors
policy api {
    origins  "https://app.example.com/"
}
```

## Use instead
```cors
policy api {
    origins  "https://app.example.com"
}
```
To limit which paths a policy covers, use `paths`. `corsc lint --fix --unsafe-fixes` drops the path.

## Fix safety
The fix is unsafe: the entry with a path never matched, and the bare origin does, so the
policy allows an origin it did not allow before. `corsc lint --fix --unsafe-fixes` applies it.

## References
- Fetch standard, CORS protocol and credentials (the table of header values): https://fetch.spec.whatwg.org/#cors-protocol-and-credentials
- django-cors-headers check `corsheaders.E014`: https://github.com/adamchainz/django-cors-headers/blob/main/src/corsheaders/checks.py
"#,
};

impl Rule for OriginHasPath {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for (e, defect) in defects(set) {
            let OriginDefect::HasPath { suggestion } = defect else {
                continue;
            };
            let what = if e.raw().ends_with('/') && e.raw().matches('/').count() == 3 {
                "a trailing slash"
            } else {
                "a path"
            };
            let message = format!("`{}` has {what}, so it never matches", e.raw());
            let help = format!("write `\"{suggestion}\"`; use `paths` to scope a policy to paths");
            let d = LintContext::diag(&META, message, e.span)
                .with_label("an origin is scheme, host and port only")
                .with_help(help)
                .with_fix(rewrite(
                    format!("drop {what}: `{suggestion}`"),
                    e,
                    suggestion,
                ));
            report_entry(cx, &META, e, d);
        }
    }
}
