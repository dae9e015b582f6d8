use crate::ir::PolicySet;
use crate::lint::context::LintContext;
use crate::lint::entries::{entry_uses, subdomain_base};
use crate::lint::findings::{raise_if_credentialed, report_entry};
use crate::lint::hosts::is_public_suffix;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct PublicSuffixWildcard;

static META: RuleMeta = RuleMeta {
    code: "S104",
    name: "public-suffix-wildcard",
    category: Category::Security,
    default_level: Level::Warning,
    fixable: false,
    summary: "a subdomain wildcard over a public suffix, such as `*.github.io` (an error with credentials)",
    docs: r#"## What it does
Flags a subdomain pattern whose base is a public suffix on the Public Suffix List:
`"https://*.com"`, `"https://*.co.uk"`, `"https://*.github.io"`, `"https://*.vercel.app"`. The
finding is an error when a policy that allows it also allows credentials, and a warning
otherwise.

## Why is this bad?
Anyone can register a name directly under a public suffix, or get a `github.io` or `vercel.app`
site for free. The pattern therefore allows origins run by strangers, not subdomains of one
organization.

## Example
```cors
policy api {
    origins  "https://*.github.io"
}
```

## Use instead
```cors
policy api {
    origins  "https://my-org.github.io"
}
```

## References
- Public Suffix List: https://publicsuffix.org/
- jub0bs/cors, `DangerouslyTolerateSubdomainsOfPublicSuffixes`: https://github.com/jub0bs/cors/blob/main/config.go
- jub0bs/fcors, invalid policies ("host is a public suffix"): https://github.com/jub0bs/fcors/blob/main/fcors_invalid_policies_test.go
"#,
};

impl Rule for PublicSuffixWildcard {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for u in entry_uses(set) {
            let Some(base) = subdomain_base(&u.entry.kind).filter(|b| is_public_suffix(b)) else {
                continue;
            };
            let message = format!(
                "`{}` allows every site registered under the public suffix `{base}`",
                u.entry.raw()
            );
            let d = LintContext::diag(&META, message, u.entry.span)
                .with_label(format!("anyone can get a name under `{base}`"))
                .with_help(format!("list your own sites under `{base}` one by one"));
            report_entry(cx, &META, u.entry, raise_if_credentialed(&u, d));
        }
    }
}
