use crate::ir::PolicySet;
use crate::lint::context::LintContext;
use crate::lint::entries::{entry_uses, scheme_and_host};
use crate::lint::findings::{raise_if_credentialed, report_entry};
use crate::lint::hosts::is_loopback_host;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct InsecureOrigin;

static META: RuleMeta = RuleMeta {
    code: "S103",
    name: "insecure-origin",
    category: Category::Security,
    default_level: Level::Note,
    fixable: false,
    summary: "a plain `http://` origin other than localhost (an error with credentials)",
    docs: r#"## What it does
Flags an `http://` or `ws://` origin or pattern whose host is not `localhost`, `*.localhost` or a
loopback address. The finding is an error when a policy that allows it also allows credentials,
and a note otherwise.

## Why is this bad?
Anyone on the network path of a plain-HTTP page (public Wi-Fi, a hostile ISP) can inject script
into it. Trusting that origin hands the attacker everything it may read from your HTTPS API,
including your users' authenticated responses when credentials are allowed. Loopback hosts are
exempt: traffic to them never leaves the machine, and browsers treat them as secure contexts.

## Example
```cors
policy api {
    origins      "http://app.example.com"
    credentials  true
}
```

## Use instead
```cors
policy api {
    origins      "https://app.example.com"
    credentials  true
}
```

## References
- jub0bs/cors, insecure origins (`DangerouslyTolerateInsecureOrigins`): https://github.com/jub0bs/cors/blob/main/config.go
- PortSwigger, Exploiting CORS misconfigurations ("breaking TLS with poorly configured CORS"): https://portswigger.net/research/exploiting-cors-misconfigurations-for-bitcoins-and-bounties
- CORScanner, `HTTPS_trust_HTTP`: https://github.com/chenjj/CORScanner
- W3C Secure Contexts, potentially trustworthy origins: https://www.w3.org/TR/secure-contexts/#is-origin-trustworthy
"#,
};

impl Rule for InsecureOrigin {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for u in entry_uses(set) {
            let Some((scheme, host)) = scheme_and_host(&u.entry.kind) else {
                continue;
            };
            if !matches!(scheme, "http" | "ws") || is_loopback_host(host) {
                continue;
            }
            let raw = u.entry.raw();
            let message = if u.credentialed {
                format!("`{raw}` is plain HTTP and may send credentials")
            } else {
                format!("`{raw}` is plain HTTP")
            };
            let secure = raw
                .replacen("http://", "https://", 1)
                .replacen("ws://", "wss://", 1);
            let d = LintContext::diag(&META, message, u.entry.span)
                .with_label("a network attacker can inject script into this origin")
                .with_help(format!(
                    "serve the site over HTTPS and allow `{secure}` instead"
                ));
            report_entry(cx, &META, u.entry, raise_if_credentialed(&u, d));
        }
    }
}
