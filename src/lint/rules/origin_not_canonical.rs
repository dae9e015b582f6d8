use crate::ir::{OriginDefect, PolicySet};
use crate::lint::context::LintContext;
use crate::lint::entries::defects;
use crate::lint::findings::{report_entry, rewrite};
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct OriginNotCanonical;

static META: RuleMeta = RuleMeta {
    code: "C205",
    name: "origin-not-canonical",
    category: Category::Correctness,
    default_level: Level::Error,
    fixable: true,
    summary: "an origin not in the form a browser sends (case, Unicode, IP notation, spaces)",
    docs: r#"## What it does
Flags an origin entry that is not written the way a browser serializes it: upper-case letters
(`"https://App.Example.com"`), a Unicode host instead of its punycode (`"https://bücher.example"`),
an IP address in a non-canonical notation (`"http://127.1:8080"`, an uncompressed IPv6), a port
with leading zeros, or spaces around the value.

## Why is this bad?
The `Origin` header carries the ASCII serialization of the origin: lower-case, punycode,
canonical IP notation. `Access-Control-Allow-Origin` is compared with it byte for byte, so an
entry in any other form never matches.

Surrounding spaces are reported here rather than as `origin-malformed`, because the meant origin
is obvious and the fix is mechanical.

## Example
```cors
policy api {
    origins  "https://App.Example.com"
}
```

## Use instead
```cors
policy api {
    origins  "https://app.example.com"
}
```
`corsc lint --fix --unsafe-fixes` writes the serialized form, which is what the WHATWG URL parser makes of the
entry: it allows the same site the entry names, and nothing else.

## Fix safety
The fix is unsafe: the entry as written never matched, and its serialized form does, so the
policy allows an origin it did not allow before. `corsc lint --fix --unsafe-fixes` applies it.

## References
- Fetch standard, CORS check (byte-exact comparison): https://fetch.spec.whatwg.org/#cors-check
- WHATWG URL standard, host serializing: https://url.spec.whatwg.org/#host-serializing
- jub0bs/cors, origin pattern tests: https://github.com/jub0bs/cors/blob/main/internal/origins/pattern_test.go
"#,
};

impl Rule for OriginNotCanonical {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for (e, defect) in defects(set) {
            let OriginDefect::NotCanonical { suggestion } = defect else {
                continue;
            };
            let message = format!(
                "`{}` is not in the form a browser sends, so it never matches",
                e.raw()
            );
            let fix = format!("write the serialized origin: `{suggestion}`");
            let d = LintContext::diag(&META, message, e.span)
                .with_label(format!("a browser sends `{suggestion}`"))
                .with_help(format!("write `\"{suggestion}\"`"))
                .with_fix(rewrite(fix, e, suggestion));
            report_entry(cx, &META, e, d);
        }
    }
}
