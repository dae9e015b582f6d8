use crate::ir::{HostPattern, OriginEntry, OriginKind, OriginPattern, Policy, PolicySet};
use crate::lint::context::LintContext;
use crate::lint::entries::in_main_directive;
use crate::lint::findings::{remove, report_entry, Sites};
use crate::lint::regex_check::OriginRegex;
use crate::lint::rule::{Applicability, Category, FixAvailability, Level, Rule, RuleMeta};
use foldhash::{HashMap, HashMapExt as _};

pub(crate) struct OriginCoveredByPattern;

static META: RuleMeta = RuleMeta {
    code: "Y409",
    name: "origin-covered-by-pattern",
    category: Category::Style,
    default_level: Level::Warning,
    fixable: true,
    summary: "an exact origin that a pattern or regex of the same policy already allows",
    docs: r#"## What it does
Flags an exact origin in a policy's `origins` that a subdomain or port pattern
(`"https://*.example.com"`, `"http://localhost:*"`) or a `regex` entry of the same policy's
resolved list already matches. The list is the one a request sees: entries written in the
policy, those its origin sets bring, and those a profile's `+=` adds.

## Why is this bad?
The exact entry allows nothing the pattern does not, so the list reads as if that origin were
treated apart when it is not. Removing the origin from the list does not revoke it, which is
the surprise a reviewer meets when access must be withdrawn. (A subdomain pattern never matches
its own base, so `"https://example.com"` beside `"https://*.example.com"` is not flagged.)

## Example
```cors
policy api {
    origins  "https://*.example.com", "https://app.example.com"
}
```

## Use instead
```cors
policy api {
    origins  "https://*.example.com"
}
```

## Fix safety
The fix removes the exact origin, with the comma beside it, and is safe: every request the entry
allowed, the pattern allows, in every profile where the entry applies. It is offered only when
that holds by construction: the origin is written in the policy itself (not in an origin set,
which other policies share), the covering entry is a subdomain or port pattern (corsc matches
those the same way in every target), and the pattern is in the same directive as the origin or
in the base list a profile's `+=` extends (a pattern that only a profile adds does not cover
the base). Nothing else of an entry changes what it allows: an exact origin and a pattern
carry no properties of their own. A `regex` is matched here with the Rust regex engine, which a
target's engine may read differently, so a finding about a regex has no fix. A removal that
would delete a comment is left to you.

## References
- Fetch standard, the CORS check: https://fetch.spec.whatwg.org/#cors-check
- ruff's `duplicate-value` (B033), the same idea for Python sets: https://docs.astral.sh/ruff/rules/duplicate-value/
- PortSwigger, CORS whitelist mistakes (why lists must be reviewable): https://portswigger.net/web-security/cors
"#,
};

/// Exact origins × regexes compared per policy at most: past it, regexes are not consulted (a
/// policy of a million origins and a thousand regexes would otherwise take minutes).
const REGEX_BUDGET: usize = 2_000_000;

impl Rule for OriginCoveredByPattern {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fix_availability(&self) -> FixAvailability {
        FixAvailability::Sometimes(Applicability::Safe)
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for p in &set.policies {
            if p.allows_any_origin() {
                // `*` covers everything; wildcard-mixed-with-origins says so once.
                continue;
            }
            check_policy(p, cx);
        }
    }
}

fn check_policy(p: &Policy, cx: &mut LintContext<'_>) {
    let entries = &p.origins.value;
    // Patterns by scheme and host part (a subdomain pattern by its base).
    let mut patterns: HashMap<(&str, &str), Vec<(&OriginEntry, &OriginPattern)>> = HashMap::new();
    let mut regexes = Vec::new();
    for e in entries {
        match &e.kind {
            OriginKind::Pattern(pat) => {
                let host = match &pat.host {
                    HostPattern::Exact(h) | HostPattern::Subdomains(h) => h.as_str(),
                };
                patterns
                    .entry((pat.scheme.as_str(), host))
                    .or_default()
                    .push((e, pat));
            }
            OriginKind::Regex(src) => regexes.push((e, &**src)),
            _ => {}
        }
    }
    if patterns.is_empty() && regexes.is_empty() {
        return;
    }
    let exact = entries
        .iter()
        .filter(|e| matches!(e.kind, OriginKind::Exact(_)))
        .count();
    let compiled: Vec<(&OriginEntry, OriginRegex<'_>)> =
        if exact.saturating_mul(regexes.len()) <= REGEX_BUDGET {
            regexes
                .into_iter()
                .map(|(e, src)| (e, OriginRegex::new(src)))
                .collect()
        } else {
            Vec::new()
        };
    let mut sites = Sites::new(p);
    for e in entries {
        let OriginKind::Exact(o) = &e.kind else {
            continue;
        };
        let host = o.host();
        // The host itself (a port pattern), then each suffix after a dot (a subdomain base).
        let bases =
            std::iter::once(host).chain(host.match_indices('.').map(|(i, _)| &host[i + 1..]));
        let by_pattern = bases
            .filter_map(|b| patterns.get(&(o.scheme(), b)))
            .flatten()
            .find(|(_, pat)| pat.matches(o))
            .map(|(pe, _)| *pe);
        if let Some(pe) = by_pattern {
            // A pattern only a profile's `+=` adds does not cover the base list's entry.
            let covers_everywhere = in_main_directive(p, pe) || !in_main_directive(p, e);
            let fix = if covers_everywhere {
                sites.removal(e)
            } else {
                None
            };
            report(p, e, pe, fix, cx);
            continue;
        }
        if let Some((re_entry, _)) = compiled.iter().find(|(_, re)| re.is_match(o.as_str())) {
            report(p, e, re_entry, None, cx);
        }
    }
}

fn report(
    p: &Policy,
    e: &OriginEntry,
    by: &OriginEntry,
    removal: Option<crate::source::Span>,
    cx: &mut LintContext<'_>,
) {
    let what = if matches!(by.kind, OriginKind::Regex(_)) {
        "regex"
    } else {
        "pattern"
    };
    let mut d = LintContext::diag(
        &META,
        format!(
            "`{}` is already allowed by the {what} `{}` in policy `{}`",
            e.raw(),
            by.raw(),
            p.name.node
        ),
        e.span,
    )
    .with_label("allows nothing more")
    .with_secondary(by.span, format!("this {what} matches it"));
    d = match removal {
        Some(span) => d
            .with_help("remove the exact origin; the pattern still allows it")
            .with_fix(remove(format!("remove `{}`", e.raw()), span)),
        None => d.with_help(format!(
            "remove the exact origin, or keep it and say why with `@allow({}, reason = \"…\")`",
            META.name
        )),
    };
    report_entry(cx, &META, e, d);
}
