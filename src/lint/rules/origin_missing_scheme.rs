use crate::ir::{OriginDefect, PolicySet};
use crate::lint::context::LintContext;
use crate::lint::entries::defects;
use crate::lint::findings::{report_entry, rewrite};
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct OriginMissingScheme;

static META: RuleMeta = RuleMeta {
    code: "C202",
    name: "origin-missing-scheme",
    category: Category::Correctness,
    default_level: Level::Error,
    fixable: true,
    summary: "an origin without `https://` or `http://`",
    docs: r#"## What it does
Flags an origin entry with no scheme, such as `"client-1.example"` or `"localhost:3000"`.

## Why is this bad?
A browser's `Origin` header always carries the scheme: `https://client-1.example`. An entry
without one never equals it, so the origin is silently refused. Some servers instead compare
only the host and ignore the scheme, which lets the plain-`http://` copy of the site in too.

## Example
```cors
policy api {
    origins  "client-1.example"
}
```

## Use instead
```cors
policy api {
    origins  "https://client-1.example"
}
```
`corsc lint --fix --unsafe-fixes` adds `https://` (or `http://` for `localhost` and loopback addresses).

## Fix safety
The fix is unsafe: the entry without a scheme never matched, and `https://…` does, so the
policy allows an origin it did not allow before (and `https` is a guess: an `http://` site
stays refused). `corsc lint --fix --unsafe-fixes` applies it.

## References
- Fetch standard, serializing a request origin: https://fetch.spec.whatwg.org/#serializing-a-request-origin
- MDN, CORSAllowOriginNotMatchingOrigin: https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/CORS/Errors/CORSAllowOriginNotMatchingOrigin
- django-cors-headers check `corsheaders.E013`: https://github.com/adamchainz/django-cors-headers/blob/main/src/corsheaders/checks.py
"#,
};

impl Rule for OriginMissingScheme {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for (e, defect) in defects(set) {
            let OriginDefect::MissingScheme { suggestion } = defect else {
                continue;
            };
            let message = format!("`{}` has no scheme, so it never matches", e.raw());
            let fix = format!("add the scheme: `{suggestion}`");
            let d = LintContext::diag(&META, message, e.span)
                .with_label("a browser sends the scheme as part of `Origin`")
                .with_help(format!("write `\"{suggestion}\"`"))
                .with_fix(rewrite(fix, e, suggestion));
            report_entry(cx, &META, e, d);
        }
    }
}
