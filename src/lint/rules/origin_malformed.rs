use crate::ir::{OriginDefect, PolicySet};
use crate::lint::context::LintContext;
use crate::lint::entries::defects;
use crate::lint::findings::report_entry;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct OriginMalformed;

static META: RuleMeta = RuleMeta {
    code: "C206",
    name: "origin-malformed",
    category: Category::Correctness,
    default_level: Level::Error,
    fixable: false,
    summary: "an origin with a query, fragment, user name, bad port or bad host",
    docs: r#"## What it does
Flags an origin entry that cannot be an origin at all: a query string or fragment
(`"https://a.example?x=1"`), a user name (`"https://user@a.example"`), an empty, zero or
out-of-range port (`":0"`, `":65536"`), an empty label (`"https://a..example"`), a bad scheme,
or a `file:`/`data:` URL, whose documents send `Origin: null`.

## Why is this bad?
No browser ever sends such a value in `Origin`, so the entry silently never matches. There is no
single obvious repair, so corsc does not guess one.

## Example
```cors
policy api {
    origins  "https://app.example.com?tenant=1"
}
```

## Use instead
```cors
policy api {
    origins  "https://app.example.com"
}
```

## References
- Fetch standard, serializing a request origin: https://fetch.spec.whatwg.org/#serializing-a-request-origin
- jub0bs/cors, origin pattern tests: https://github.com/jub0bs/cors/blob/main/internal/origins/pattern_test.go
- django-cors-headers check `corsheaders.E014`: https://github.com/adamchainz/django-cors-headers/blob/main/src/corsheaders/checks.py
"#,
};

impl Rule for OriginMalformed {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for (e, defect) in defects(set) {
            let OriginDefect::Malformed { reason } = defect else {
                continue;
            };
            let message = format!("`{}` is not an origin, so it never matches", e.raw());
            let d = LintContext::diag(&META, message, e.span)
                .with_label(reason.clone())
                .with_help("an origin is `scheme://host` with an optional `:port`, e.g. `\"https://app.example.com:8443\"`");
            report_entry(cx, &META, e, d);
        }
    }
}
