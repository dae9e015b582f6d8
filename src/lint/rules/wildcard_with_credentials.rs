use crate::ir::PolicySet;
use crate::lint::context::LintContext;
use crate::lint::entries::any_origin;
use crate::lint::findings::credentials_here;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};

pub(crate) struct WildcardWithCredentials;

static META: RuleMeta = RuleMeta {
    code: "S101",
    name: "wildcard-with-credentials",
    category: Category::Security,
    default_level: Level::Error,
    fixable: false,
    summary: "`origins *` together with `credentials true`",
    docs: r#"## What it does
Flags a policy that allows any origin (`*`) and credentials at the same time.

## Why is this bad?
A browser refuses to let a page read a credentialed response whose
`Access-Control-Allow-Origin` is `*`: the Fetch standard's CORS check fails when the request's
credentials mode is `include` and the header is the wildcard. So the policy cannot work as
written, for any site.

The usual "fix" is worse. Many libraries and snippets repair the combination by reflecting the
request's `Origin` into `Access-Control-Allow-Origin`. That makes the header valid, and it lets
every site on the web read your users' authenticated responses: the most exploited CORS bug
there is.

## Example
```cors
policy api {
    origins      *
    credentials  true
}
```

## Use instead
List the origins that may send credentials:
```cors
policy api {
    origins      "https://app.example.com", "https://admin.example.com"
    credentials  true
}
```
or keep `*` and drop credentials, for a public API.

## References
- Fetch standard, CORS check: https://fetch.spec.whatwg.org/#cors-check
- Fetch standard, CORS protocol and credentials: https://fetch.spec.whatwg.org/#cors-protocol-and-credentials
- MDN, CORSNotSupportingCredentials: https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/CORS/Errors/CORSNotSupportingCredentials
- PortSwigger, Exploiting CORS misconfigurations: https://portswigger.net/research/exploiting-cors-misconfigurations-for-bitcoins-and-bounties
"#,
};

impl Rule for WildcardWithCredentials {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for (p, any) in any_origin(set).filter(|(p, _)| p.credentials.value) {
            let d = LintContext::diag(
                &META,
                format!("policy `{}` allows any origin together with credentials", p.name.node),
                any.span,
            )
            .with_label("any origin")
            .with_help("list the origins that may send credentials, or set `credentials false` for a public API")
            .with_note("browsers reject `Access-Control-Allow-Origin: *` on credentialed requests, so this never works as written")
            .with_note("reflecting the request's `Origin` instead would let every site read your users' responses");
            cx.report(&META, credentials_here(d, p.credentials.span));
        }
    }
}
