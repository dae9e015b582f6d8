use crate::ir::{OriginKind, PolicySet, Site};
use crate::lint::context::LintContext;
use crate::lint::entries::host_of;
use crate::lint::hosts::is_loopback_host;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};
use crate::source::Span;

pub(crate) struct CredentialsAcrossSites;

static META: RuleMeta = RuleMeta {
    code: "P352",
    name: "credentials-across-sites",
    category: Category::Portability,
    default_level: Level::Warning,
    fixable: false,
    summary: "`credentials true` for origins on several sites: Safari and Firefox send the others no cookies",
    docs: r#"## What it does
Flags a policy with `credentials true` whose origins lie on more than one *site* (scheme plus
registrable domain, from the Public Suffix List: `https://app.example.com` and
`https://admin.example.com` are one site, `https://shop.example.net` another). The server is on
one site at most, so every origin on another site makes *cross-site* credentialed requests.
Loopback origins (`localhost`, `127.0.0.1`, `[::1]`) are left out: they are development
setups, and `dev-origin-in-production` judges them. Regex entries are left out too, since their
sites cannot be listed.

## Why is this bad?
CORS can allow a credentialed cross-site request, but cookies are not CORS's to give:
- **Safari** (WebKit) blocks third-party cookies outright: the request carries none.
- **Firefox** partitions them (Total Cookie Protection): it carries only cookies set while the
  server was embedded under that same site, never the session the user has on the server's site.
- **Chrome** still sends them, but only cookies set with `SameSite=None; Secure`.

So a policy that looks right in Chrome logs users out, or never logs them in, in Safari and
Firefox. `corsc simulate --credentials --server-origin URL` shows the outcome per browser.

## What works instead
- Serve the API from a subdomain of each calling site (`api.example.net` for
  `shop.example.net`): same-site requests carry cookies in every browser.
- Send a token in `Authorization` instead of a cookie (then `credentials` can stay `false`,
  and `request-headers` lists `Authorization`).
- For an embedded page that needs its own cookies, the Storage Access API
  (`document.requestStorageAccess()`), or partitioned cookies (`Partitioned`, CHIPS).

## Example
```cors
policy api {
    origins      "https://shop.example.com", "https://partner.example.net"
    credentials  true
}
```

## Use instead
```cors
policy api {
    origins      "https://shop.example.com", "https://admin.example.com"
    credentials  true
}

policy partner-api {
    paths    "/partner/*"
    origins  "https://partner.example.net"
    request-headers  Authorization
}
```

## References
- WebKit, Full Third-Party Cookie Blocking (Safari 13.1): https://webkit.org/blog/10218/full-third-party-cookie-blocking-and-more/
- Mozilla, Total Cookie Protection by default: https://blog.mozilla.org/en/mozilla/firefox-rolls-out-total-cookie-protection-by-default-to-all-users-worldwide/
- Privacy Sandbox, Chrome keeps third-party cookies (2025-04-22): https://privacysandbox.com/news/privacy-sandbox-next-steps/
- MDN, Storage Access API: https://developer.mozilla.org/en-US/docs/Web/API/Storage_Access_API
- HTML standard, sites and same site: https://html.spec.whatwg.org/multipage/browsers.html#sites
- Public Suffix List: https://publicsuffix.org/
"#,
};

/// The site an entry's origins are on, when it names one (exact origins and patterns that stay
/// below a registrable domain) and is not a development loopback origin.
fn site_of(kind: &OriginKind) -> Option<Site> {
    if host_of(kind).is_some_and(is_loopback_host) {
        return None;
    }
    match kind {
        OriginKind::Exact(o) => Some(o.site()),
        // A wildcard right below a public suffix spans many sites; public-suffix-wildcard
        // reports it as an error.
        OriginKind::Pattern(p) => p.site(),
        _ => None,
    }
}

impl Rule for CredentialsAcrossSites {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for p in set.policies.iter().filter(|p| p.credentials.value) {
            // Each site with the first entry on it, in policy order.
            let mut sites: Vec<(Site, Span, String)> = Vec::new();
            for e in p.origins.value.iter() {
                let Some(site) = site_of(&e.kind) else {
                    continue;
                };
                if !sites.iter().any(|(s, _, _)| *s == site) {
                    sites.push((site, e.span, e.raw().to_string()));
                }
            }
            if sites.len() < 2 {
                continue;
            }
            let span = p.credentials.span.unwrap_or(p.name.span);
            let names: Vec<String> = sites.iter().map(|(s, _, _)| format!("`{s}`")).collect();
            let mut d = LintContext::diag(
                &META,
                format!(
                    "policy `{}` allows credentials from {} sites ({}); the server is on one of them at most",
                    p.name.node,
                    sites.len(),
                    names.join(", ")
                ),
                span,
            )
            .with_label("cookies do not follow cross-site requests in Safari and Firefox")
            .with_help(
                "serve the API on a subdomain of each calling site, or send a token in `Authorization` instead of cookies",
            )
            .with_note("from another site, Safari sends no cookies, Firefox none of the user's (partitioned), Chrome only `SameSite=None; Secure` ones");
            for (site, span, raw) in &sites {
                d = d.with_secondary(*span, format!("`{raw}` is on the site `{site}`"));
            }
            cx.report(&META, d);
        }
    }
}
