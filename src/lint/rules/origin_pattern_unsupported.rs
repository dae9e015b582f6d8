use crate::ir::{OriginDefect, PolicySet};
use crate::lint::context::LintContext;
use crate::lint::entries::defects;
use crate::lint::findings::report_entry;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct OriginPatternUnsupported;

static META: RuleMeta = RuleMeta {
    code: "C207",
    name: "origin-pattern-unsupported",
    category: Category::Correctness,
    default_level: Level::Error,
    fixable: false,
    summary: "a `*` in an origin anywhere but a leading whole label or the whole port",
    docs: r#"## What it does
Flags a wildcard in an origin entry that corsc's patterns do not support:
`"https://foo.*.example.com"`, `"https://*example.com"`, `"http://192.168.*"`,
`"https://**.example.com"`, `"https://a.example:8*"`. A pattern may only start with a whole
`*.` label (`"https://*.example.com"`) or use `*` as the whole port (`"http://localhost:*"`).

## Why is this bad?
Browsers never send a literal `*`, so an entry that a server compares as written never matches.
Servers that do interpret such globs disagree about what they mean: some let `*example.com`
match `evilexample.com`. corsc refuses to guess.

## Example
```cors
policy api {
    origins  "https://*example.com"
}
```

## Use instead
```cors
policy api {
    origins  "https://example.com", "https://*.example.com"
}
```
For anything a pattern cannot say, write an anchored `regex "…"`.

## References
- jub0bs/cors, origin pattern tests (out-of-place wildcards): https://github.com/jub0bs/cors/blob/main/internal/origins/pattern_test.go
- modelence/modelence PR 359, wildcard hosts that silently never match: https://github.com/modelence/modelence/pull/359
- frangoteam/FUXA issue 1816: https://github.com/frangoteam/FUXA/issues/1816
"#,
};

impl Rule for OriginPatternUnsupported {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for (e, defect) in defects(set) {
            let OriginDefect::MisplacedWildcard { reason } = defect else {
                continue;
            };
            let message = format!("`{}` has a wildcard corsc cannot match", e.raw());
            let d = LintContext::diag(&META, message, e.span)
                .with_label(reason.clone())
                .with_help("write `\"https://*.example.com\"` for subdomains, `:*` for any port, or an anchored `regex \"…\"`");
            report_entry(cx, &META, e, d);
        }
    }
}
