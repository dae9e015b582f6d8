use crate::diagnostics::Severity;
use crate::ir::PolicySet;
use crate::lint::context::LintContext;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct MaxAgeExceedsBrowserCap;

static META: RuleMeta = RuleMeta {
    code: "P351",
    name: "max-age-exceeds-browser-cap",
    category: Category::Portability,
    default_level: Level::Note,
    fixable: false,
    summary: "a `max-age` above what browsers honour (Chromium 2h, Firefox 24h)",
    docs: r#"## What it does
Flags a `max-age` above Chromium's cap of 2 hours (a note) or above Firefox's cap of 24 hours
(a warning). WebKit caps at 10 minutes; that cap is not reported, since nearly every useful
value exceeds it.

A negative, fractional or unparsable `max-age` is not this rule's business: the checker refuses
it as `invalid-duration` (E104), which no configuration can silence, because the header value
would make browsers fall back to 5 seconds (or 0 in Chromium).

## Why is this bad?
Browsers silently clamp the value, so the policy promises a cache lifetime nobody gets. Long
lifetimes also keep a wrong preflight answer cached long after the policy is fixed.

## Example
```cors
policy api {
    origins  "https://app.example.com"
    methods  PUT
    max-age  7d
}
```

## Use instead
```cors
policy api {
    origins  "https://app.example.com"
    methods  PUT
    max-age  2h
}
```

## References
- MDN, Access-Control-Max-Age (browser caps): https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Access-Control-Max-Age
- Chromium, `preflight_result.cc` (`kMaxTimeout`, 2 hours): https://source.chromium.org/chromium/chromium/src/+/main:services/network/cors/preflight_result.cc
- jub0bs/cors, `validateMaxAge` (86400 upper bound): https://github.com/jub0bs/cors/blob/main/config.go
"#,
};

/// Chromium's cap, in seconds.
const CHROMIUM: u64 = crate::fetch::CHROMIUM_MAX_AGE_CAP;
/// Firefox's cap, in seconds.
const FIREFOX: u64 = crate::fetch::FIREFOX_MAX_AGE_CAP;

impl Rule for MaxAgeExceedsBrowserCap {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for p in &set.policies {
            let (Some(secs), Some(span)) = (p.max_age.value, p.max_age.span) else {
                continue;
            };
            if secs <= CHROMIUM {
                continue;
            }
            let mut d = LintContext::diag(
                &META,
                format!("`max-age` of {secs} seconds is above what browsers honour"),
                span,
            )
            .with_help("use `2h` or less; Chromium caps the cache at 2 hours");
            if secs > FIREFOX {
                d.severity = Severity::Warning;
                d = d.with_label("Chromium caps it at 2 hours and Firefox at 24 hours");
            } else {
                d = d.with_label("Chromium caps it at 2 hours");
            }
            cx.report(&META, d);
        }
    }
}
