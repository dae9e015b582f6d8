use crate::ir::PolicySet;
use crate::lint::context::LintContext;
use crate::lint::entries::{scheme_and_host, unique_entries};
use crate::lint::findings::report_entry;
use crate::lint::hosts::is_dev_host;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct DevOriginInProduction;

static META: RuleMeta = RuleMeta {
    code: "S112",
    name: "dev-origin-in-production",
    category: Category::Security,
    default_level: Level::Warning,
    fixable: false,
    summary: "a localhost, private-address or `.local` origin outside a development profile",
    docs: r#"## What it does
Flags a development origin in a policy that is not for development. A development origin is one
whose host is `localhost` or `*.localhost`, a loopback, private (`10/8`, `172.16/12`,
`192.168/16`), link-local or unique-local address, or a name under `.local` or `.test`.

Not for development means the base policy (no profile selected), or a profile whose name has no
`-`/`_`-separated word among `dev`, `development`, `local`, `test`, `testing`, `e2e` and `ci`.
`staging` and `preview` count as production on purpose: other people use them. A policy whose
own name marks it as development (`policy local-tools`) is exempt too.

## Why is this bad?
Every visitor's browser treats `localhost` as the visitor's own machine. Any local web server, a
dev server a user left running or malware listening on `127.0.0.1:3000`, can then read what the
policy protects, with the user's cookies when credentials are allowed. Private addresses and
`.local` names are shared by every network in the world: a hostile café network has its own
`192.168.1.10`.

## Example
```cors
policy api {
    origins  "https://app.example.com", "http://localhost:5173"
}
```

## Use instead
```cors
policy api {
    origins  "https://app.example.com"

    profile dev {
        origins += "http://localhost:5173"
    }
}
```
and build the development configuration with `--profile dev`.

## Known problems
Android apps built with Capacitor send `Origin: http://localhost` in production. Allow it where
it is written, with the reason: `@allow(dev-origin-in-production, reason = "Capacitor app")`.
Non-web schemes such as `capacitor://localhost` are never reported.

## References
- PortSwigger, CORS vulnerabilities ("intranets and CORS without credentials"): https://portswigger.net/web-security/cors
- RFC 6761, special-use domain names (`.localhost`, `.test`): https://www.rfc-editor.org/rfc/rfc6761
- RFC 1918, private address space: https://www.rfc-editor.org/rfc/rfc1918
"#,
};

/// Whether the text of a policy or profile name says it is for development. A name counts when
/// one of its `-`/`_`-separated words is `dev`, `development`, `local`, `test`, `testing`, `e2e`
/// or `ci`; `staging` and `preview` do not: they are reachable by other people.
fn is_dev_name(name: &str) -> bool {
    name.to_ascii_lowercase().split(['-', '_']).any(|w| {
        matches!(
            w,
            "dev" | "development" | "local" | "test" | "testing" | "e2e" | "ci"
        )
    })
}

impl Rule for DevOriginInProduction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        if set.profile.as_deref().is_some_and(is_dev_name) {
            return;
        }
        let dev_policies: Vec<_> = set
            .policies
            .iter()
            .filter(|p| is_dev_name(&p.name.node))
            .flat_map(|p| p.origins.value.iter().map(|e| e.span))
            .collect();
        for e in unique_entries(set) {
            let Some((scheme, host)) = scheme_and_host(&e.kind) else {
                continue;
            };
            // `capacitor://localhost` and the like are an installed app's own origin.
            if !matches!(scheme, "http" | "https" | "ws" | "wss") {
                continue;
            }
            if !is_dev_host(host) || dev_policies.contains(&e.span) {
                continue;
            }
            let message = format!(
                "development origin `{}` is allowed outside a development profile",
                e.raw()
            );
            let d = LintContext::diag(&META, message, e.span)
                .with_label("every visitor has a host by this name or address")
                .with_help("move it into a development profile: `profile dev { origins += … }`");
            report_entry(cx, &META, e, d);
        }
    }
}
