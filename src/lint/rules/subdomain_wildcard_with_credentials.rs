use crate::ir::PolicySet;
use crate::lint::context::LintContext;
use crate::lint::entries::{entry_uses, subdomain_base};
use crate::lint::findings::{credentials_here, report_entry};
use crate::lint::hosts::is_public_suffix;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct SubdomainWildcardWithCredentials;

static META: RuleMeta = RuleMeta {
    code: "S105",
    name: "subdomain-wildcard-with-credentials",
    category: Category::Security,
    default_level: Level::Warning,
    fixable: false,
    summary: "a subdomain wildcard in a policy that allows credentials",
    docs: r#"## What it does
Flags a subdomain pattern such as `"https://*.example.com"` in a policy that allows credentials.
Wildcards over public suffixes are `public-suffix-wildcard`'s business and are not reported
again here.

## Why is this bad?
Every subdomain, at any depth, may then read your users' authenticated responses. One forgotten
marketing site with an XSS bug, or one dangling DNS record that someone takes over, is enough to
read them all.

## Example
```cors
policy api {
    origins      "https://*.example.com"
    credentials  true
}
```

## Use instead
```cors
policy api {
    origins      "https://app.example.com", "https://admin.example.com"
    credentials  true
}
```
When tenants really do live on subdomains, suppress the finding where it is written, with the
reason: `@allow(subdomain-wildcard-with-credentials, reason = "…")`.

## References
- CORScanner, `Trust_any_subdomain`: https://github.com/chenjj/CORScanner
- jub0bs/cors, security considerations for origin patterns: https://github.com/jub0bs/cors/blob/main/config.go
- PortSwigger, Exploiting CORS misconfigurations: https://portswigger.net/research/exploiting-cors-misconfigurations-for-bitcoins-and-bounties
"#,
};

impl Rule for SubdomainWildcardWithCredentials {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for u in entry_uses(set).filter(|u| u.credentialed) {
            // A public suffix is reported by public-suffix-wildcard, as an error.
            let Some(base) = subdomain_base(&u.entry.kind).filter(|b| !is_public_suffix(b)) else {
                continue;
            };
            let message = format!("every subdomain of `{base}` may read credentialed responses");
            let d = LintContext::diag(&META, message, u.entry.span)
                .with_label("any subdomain, at any depth")
                .with_help("list the subdomains that need credentials")
                .with_note(
                    "one subdomain with an XSS bug or a dangling DNS record exposes every user",
                );
            report_entry(cx, &META, u.entry, credentials_here(d, u.credentials));
        }
    }
}
