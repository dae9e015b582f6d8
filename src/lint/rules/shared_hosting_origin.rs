use crate::ir::PolicySet;
use crate::lint::context::LintContext;
use crate::lint::entries::{host_of, subdomain_base, unique_entries};
use crate::lint::findings::report_entry;
use crate::lint::hosts::is_public_suffix;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct SharedHostingOrigin;

static META: RuleMeta = RuleMeta {
    code: "S106",
    name: "shared-hosting-origin",
    category: Category::Security,
    default_level: Level::Warning,
    fixable: false,
    summary: "an origin on a code playground where anyone can run script",
    docs: r#"## What it does
Flags an origin on a code playground or shared sandbox, where anyone can publish a page that
runs script under that very origin: `codepen.io`, `cdpn.io`, `jsfiddle.net`, `jshell.net`,
`jsbin.com`, `repl.it`, `repl.co`, `replit.dev`, `glitch.me`, `codesandbox.io`, `csb.app`,
`stackblitz.io`, `webcontainer.io`, `plnkr.co` and `webdevout.net`, or a subdomain of one.

Wildcards over hosting platforms on the Public Suffix List (`*.github.io`, `*.netlify.app`,
`*.vercel.app`) are reported by `public-suffix-wildcard`; an exact origin there
(`https://my-org.github.io`) is your own site and is fine.

## Why is this bad?
Trusting the origin trusts every user of the platform. Allowing `https://codepen.io` to "make
demos work" lets any pen read what the policy protects.

## Example
```cors
policy api {
    origins  "https://codepen.io"
}
```

## Use instead
```cors
policy api {
    origins  "https://docs.example.com"
}
```
For public demos, serve a public, credential-free endpoint with `origins *`.

## References
- CORScanner, `Custom_third_parties` and its list of third-party origins: https://github.com/chenjj/CORScanner
- Corsy, "third party allowed": https://github.com/s0md3v/Corsy
"#,
};

/// Hosts where anyone can run script under the host's own origin or a subdomain of it.
const PLAYGROUNDS: &[&str] = &[
    "codepen.io",
    "cdpn.io",
    "jsfiddle.net",
    "jshell.net",
    "jsbin.com",
    "repl.it",
    "repl.co",
    "replit.dev",
    "glitch.me",
    "codesandbox.io",
    "csb.app",
    "stackblitz.io",
    "webcontainer.io",
    "plnkr.co",
    "webdevout.net",
];

fn playground(host: &str) -> Option<&'static str> {
    PLAYGROUNDS.iter().copied().find(|p| {
        host == *p
            || host
                .strip_suffix(p)
                .is_some_and(|front| front.ends_with('.'))
    })
}

impl Rule for SharedHostingOrigin {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for e in unique_entries(set) {
            // A wildcard over a public suffix is reported by public-suffix-wildcard.
            if subdomain_base(&e.kind).is_some_and(is_public_suffix) {
                continue;
            }
            let Some(platform) = host_of(&e.kind).and_then(playground) else {
                continue;
            };
            let message = format!(
                "`{}` is on `{platform}`, where anyone can run script",
                e.raw()
            );
            let d = LintContext::diag(&META, message, e.span)
                .with_label("a code playground: every user's pages share this origin")
                .with_help("allow only origins your organization controls");
            report_entry(cx, &META, e, d);
        }
    }
}
