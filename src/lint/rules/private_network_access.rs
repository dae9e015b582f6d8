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
    default_level: Level::Warning,
    fixable: false,
    summary: "`private-network true`, which no current browser needs (an error with `*`, `null` or plain-HTTP origins)",
    docs: r#"## What it does
Flags `private-network true`. It is a warning, because the directive answers a preflight that no
current browser relies on, and an error when the policy also allows any origin (`*`), `null`,
or a plain-`http://` origin other than localhost.

## Why is this bad?
`private-network true` makes the server answer a Private Network Access preflight
(`Access-Control-Request-Private-Network: true`) with
`Access-Control-Allow-Private-Network: true`. Chromium sent that preflight from version 104,
mostly only warning when the answer lacked the header, and put the enforcement on hold. Chrome
142 (October 2025) replaced Private Network Access with **Local Network Access**: a public page
that calls a device on the local network or on loopback now needs the user's permission, and no
response header grants or refuses it. Firefox and Safari never used the header.

So the directive neither opens nor protects anything in a current browser, while it reads as if
it did. Where an old Chromium still follows it, `*`, `null` or an origin any network attacker
can inject script into would open the device to any page at all: the exact attack the feature
existed to stop. What decides which page may read the device's answers is CORS itself: keep
the origin list tight.

## Migration
- Remove `private-network`. Generated config keeps answering the old preflight only while the
  directive is there.
- In the calling page, pass the `targetAddressSpace` option to `fetch()` (`"local"` for a device
  on the local network, `"loopback"` for one on the same machine; the value must match the
  address): Chrome then asks the user for the permission up front (`local-network-access` in
  Chrome 142–144, split into `local-network` and `loopback-network` from Chrome 145), and lets
  a secure page call a plain-HTTP device.
- Tell users that the browser will ask; an enterprise can grant the permission by policy.

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

## References
- Chrome for Developers, Local Network Access (Chrome 142): https://developer.chrome.com/blog/local-network-access
- MDN, Local Network Access: https://developer.mozilla.org/en-US/docs/Web/Security/Local_Network_Access
- WICG Local Network Access: https://wicg.github.io/local-network-access/
- mdn/browser-compat-data PR 29331, the permissions per Chrome version: https://github.com/mdn/browser-compat-data/pull/29331
- Chrome blog, Private Network Access on hold: https://developer.chrome.com/blog/pna-on-hold
- expressjs/cors PR 308, closed as abandoned by Chrome: https://github.com/expressjs/cors/pull/308
- jub0bs/cors CHANGELOG v0.7.0 (support dropped): https://github.com/jub0bs/cors/blob/main/CHANGELOG.md
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
                        "policy `{}` answers a Private Network Access preflight no current browser needs",
                        p.name.node
                    ),
                    span,
                )
                .with_label("Chrome 142 replaced this with a permission prompt")
                .with_help(
                    "remove `private-network`; the page passes `targetAddressSpace` to fetch() and the user grants access",
                ),
            };
            d = d.with_note("Local Network Access (Chrome 142+) asks the user; `Access-Control-Allow-Private-Network` grants nothing in Chrome, Firefox or Safari");
            cx.report(&META, d);
        }
    }
}
