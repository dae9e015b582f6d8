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
    summary: "a `max-age` above what browsers honour (WebKit 10 min, Chromium 2 h, Firefox 24 h)",
    docs: r#"## What it does
Flags a `max-age` above Chromium's cap of 2 hours (a note) or above Firefox's cap of 24 hours
(a warning), and says what each engine caches it for: WebKit (Safari, every browser on iOS) 10
minutes, Chromium 2 hours, Firefox 24 hours. A value between 10 minutes and 2 hours is not
reported, although WebKit cuts it to 10 minutes: nearly every useful value exceeds that cap,
and the longer lifetime still counts in the other engines. `corsc explain browsers` lists the
caps with their sources.

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
- Firefox, `nsCORSListenerProxy.cpp` (86400 seconds): https://searchfox.org/mozilla-central/source/netwerk/protocol/http/nsCORSListenerProxy.cpp
- WebKit, `CrossOriginPreflightResultCache.cpp` (`maxPreflightCacheTimeout = 600_s`): https://github.com/WebKit/WebKit/blob/main/Source/WebCore/loader/CrossOriginPreflightResultCache.cpp
- jub0bs/cors, `validateMaxAge` (86400 upper bound): https://github.com/jub0bs/cors/blob/main/config.go
"#,
};

/// Chromium's cap, in seconds: below it, no finding.
const CHROMIUM: u64 = crate::browsers::CHROMIUM.max_age_cap;
/// Firefox's cap, in seconds: above it, a warning.
const FIREFOX: u64 = crate::browsers::FIREFOX.max_age_cap;

/// What each engine caches a preflight for when the policy asks for `secs`.
fn per_engine(secs: u64) -> String {
    crate::browsers::ENGINES
        .iter()
        .map(|m| {
            let kept = secs.min(m.max_age_cap);
            if kept < secs {
                format!("{} cuts it to {kept} s", m.name)
            } else {
                format!("{} keeps it", m.name)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

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
            .with_label(per_engine(secs))
            .with_help(
                "use `2h` or less: Chromium caps the cache at 2 hours, WebKit at 10 minutes",
            );
            if secs > FIREFOX {
                d.severity = Severity::Warning;
            }
            cx.report(&META, d);
        }
    }
}
