use crate::diagnostics::Severity;
use crate::ir::{OriginKind, PolicySet};
use crate::lint::context::LintContext;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

use crate::lint::entries::{host_of, scheme_of};
use crate::lint::hosts::is_loopback_host;

pub(crate) struct PrivateNetworkAccess;

static META: RuleMeta = RuleMeta {
    code: "S111",
    name: "private-network-access",
    category: Category::Security,
    default_level: Level::Note,
    fixable: false,
    summary: "`private-network true` (an error with `*`, `null` or plain-HTTP origins)",
    docs: r#"## What it does
Flags `private-network true`. The finding is an error when the policy also allows any origin
(`*`), `null`, or a plain-`http://` origin other than localhost, and a note otherwise, because
Private Network Access is on hold in Chromium and being replaced by a permission prompt (Local
Network Access), so the header may soon do nothing.

## Why is this bad?
`Access-Control-Allow-Private-Network: true` opts a device on an intranet or on `localhost`
into being reached from public web pages. With `*`, `null` or an origin any network attacker can
inject script into, that means from any page at all: the exact attack the feature exists to
stop.

## Example
```cors
policy router-admin {
    origins          *
    private-network  true
}
```

## Use instead
```cors
policy router-admin {
    origins          "https://setup.example.com"
}
```
Keep the origin list tight, and plan for Local Network Access, which asks the user instead.

## References
- WICG Private Network Access: https://wicg.github.io/private-network-access/
- Chrome blog, Private Network Access on hold: https://developer.chrome.com/blog/pna-on-hold
- jub0bs/cors CHANGELOG v0.7.0 (support dropped; `*` refused with it before): https://github.com/jub0bs/cors/blob/main/CHANGELOG.md
- web-features, private-network-access: https://web-platform-dx.github.io/web-features-explorer/features/private-network-access
"#,
};

impl Rule for PrivateNetworkAccess {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for p in &set.policies {
            let (true, Some(span)) = (p.private_network.value, p.private_network.span) else {
                continue;
            };
            let risky = p.origins.value.iter().find(|e| match &e.kind {
                OriginKind::Any | OriginKind::Null => true,
                k => {
                    scheme_of(k) == Some("http") && host_of(k).is_some_and(|h| !is_loopback_host(h))
                }
            });
            let mut d = match risky {
                Some(e) => {
                    let mut d = LintContext::diag(
                        &META,
                        format!(
                            "policy `{}` opens the private network to `{}`",
                            p.name.node, e.raw()
                        ),
                        span,
                    )
                    .with_label("private network access is allowed here")
                    .with_secondary(e.span, "any page can claim this origin")
                    .with_help("allow private network access only to exact HTTPS origins");
                    d.severity = Severity::Error;
                    d
                }
                None => LintContext::diag(
                    &META,
                    format!(
                        "policy `{}` answers Private Network Access preflights",
                        p.name.node
                    ),
                    span,
                )
                .with_label("Private Network Access is on hold in browsers")
                .with_help(
                    "keep the origin list tight; Local Network Access will ask the user instead",
                ),
            };
            d = d.with_note("Chromium put Private Network Access on hold; Local Network Access replaces it with a permission prompt");
            cx.report(&META, d);
        }
    }
}
