use crate::ir::{OriginDefect, PolicySet};
use crate::lint::context::LintContext;
use crate::lint::entries::defects;
use crate::lint::findings::{replace_with_strings, report_entry};
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct SpaceSeparatedOrigins;

static META: RuleMeta = RuleMeta {
    code: "C201",
    name: "space-separated-origins",
    category: Category::Correctness,
    default_level: Level::Error,
    fixable: true,
    summary: "several origins written in one value",
    docs: r#"## What it does
Flags an origin entry that holds several origins separated by spaces or commas, such as
`"https://a.example https://b.example"`.

## Why is this bad?
`Access-Control-Allow-Origin` holds exactly one origin, or `*`. Popular write-ups show a
space- or comma-separated list in that header; no browser accepts it. The browser compares the
header with the request's `Origin` byte for byte, so a list never equals any origin and every
request fails the CORS check. Two header lines fare no better: they are combined into one
comma-separated value. A server must pick the one matching origin per request, which is what
corsc compiles a list of entries into.

## Example
```cors
policy api {
    origins  "https://client-1.example https://client-2.example"
}
```

## Use instead
```cors
policy api {
    origins  "https://client-1.example", "https://client-2.example"
}
```
`corsc lint --fix --unsafe-fixes` splits the entry.

## Fix safety
The fix is unsafe: the entry never matched any origin, and the entries it is split into do, so
the policy allows origins it did not allow before. They are the ones written, but a person
should see the policy widen: `corsc lint --fix --unsafe-fixes` applies it.

## References
- Fetch standard, the `Access-Control-Allow-Origin` syntax: https://fetch.spec.whatwg.org/#http-new-header-syntax
- MDN, CORSMultipleAllowOriginNotAllowed: https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/CORS/Errors/CORSMultipleAllowOriginNotAllowed
- whatwg/fetch issue 890, on why a list was never a feature: https://github.com/whatwg/fetch/issues/890
"#,
};

impl Rule for SpaceSeparatedOrigins {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for (e, defect) in defects(set) {
            let OriginDefect::SeveralOrigins { parts } = defect else {
                continue;
            };
            let quoted: Vec<String> = parts.iter().map(|p| format!("\"{p}\"")).collect();
            let fix = format!("split into {} entries", parts.len());
            let d = LintContext::diag(&META, format!("{} origins are written in one value", parts.len()), e.span)
                .with_label("one entry, several origins")
                .with_help(format!("write one entry per origin: {}", quoted.join(", ")))
                .with_note("`Access-Control-Allow-Origin` holds one origin or `*`; a browser never accepts a list")
                .with_fix(replace_with_strings(fix, e.span, parts));
            report_entry(cx, &META, e, d);
        }
    }
}
