use crate::ir::{OriginDefect, PolicySet};
use crate::lint::context::LintContext;
use crate::lint::entries::defects;
use crate::lint::findings::{report_entry, rewrite};
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct OriginDefaultPort;

static META: RuleMeta = RuleMeta {
    code: "C204",
    name: "origin-default-port",
    category: Category::Correctness,
    default_level: Level::Error,
    fixable: true,
    summary: "an origin with its scheme's default port written out",
    docs: r#"## What it does
Flags an origin entry that spells out its scheme's default port: `"https://app.example.com:443"`,
`"http://app.example.com:80"`.

## Why is this bad?
A browser leaves the default port out when it serializes an origin, so the `Origin` header of a
page on `https://app.example.com:443` is `https://app.example.com`. The server compares the two
byte for byte, and the entry never matches.

## Example
```cors
policy api {
    origins  "https://app.example.com:443"
}
```

## Use instead
```cors
policy api {
    origins  "https://app.example.com"
}
```
`corsc lint --fix --unsafe-fixes` drops the port. Other ports (`:8443`) are part of the origin and stay.

## Fix safety
The fix is unsafe: the entry with `:443` never matched, and the origin without it does, so
the policy allows an origin it did not allow before. `corsc lint --fix --unsafe-fixes` applies
it.

## References
- Fetch standard, serializing a request origin: https://fetch.spec.whatwg.org/#serializing-a-request-origin
- jub0bs/cors, "default ports must be elided": https://github.com/jub0bs/cors/blob/main/config.go
- jub0bs/fcors: https://github.com/jub0bs/fcors/blob/main/fcors.go
"#,
};

impl Rule for OriginDefaultPort {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for (e, defect) in defects(set) {
            let OriginDefect::DefaultPort { suggestion } = defect else {
                continue;
            };
            let message = format!("`{}` writes the default port, so it never matches", e.raw());
            let fix = format!("drop the default port: `{suggestion}`");
            let d = LintContext::diag(&META, message, e.span)
                .with_label("browsers leave the default port out of `Origin`")
                .with_help(format!("write `\"{suggestion}\"`"))
                .with_fix(rewrite(fix, e, suggestion));
            report_entry(cx, &META, e, d);
        }
    }
}
