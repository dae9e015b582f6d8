use crate::diagnostics::{Diagnostic, Edit, Fix, Severity};
use crate::ir::PolicySet;
use crate::lint::context::LintContext;
use crate::lint::lists::methods;
use crate::lint::rule::{Applicability, Category, FixAvailability, Level, Rule, RuleMeta};
use crate::source::Spanned;

pub(crate) struct MethodCase;

static META: RuleMeta = RuleMeta {
    code: "C208",
    name: "method-case",
    category: Category::Correctness,
    default_level: Level::Warning,
    fixable: true,
    summary: "a method not in upper case (an error for the six methods browsers upper-case)",
    docs: r#"## What it does
Flags a method in `methods` with lower-case letters. For `delete`, `get`, `head`, `options`,
`post` and `put` (any case) it is an error, and `corsc lint --fix --unsafe-fixes` upper-cases
them. For any other method, such as `patch`, it is a warning without a fix.

## Why is this bad?
Methods are compared case-sensitively. Browsers upper-case those six methods before sending
them, so a preflight asks for `PUT` and `Access-Control-Allow-Methods: put` never allows it.
Every other method is sent exactly as the script wrote it: `fetch(url, {method: "patch"})`
sends `patch`, which `PATCH` does not allow, and `PATCH` is what nearly every client writes.

## Example
```cors
policy api {
    origins  "https://app.example.com"
    methods  put, delete
}
```

## Use instead
```cors
policy api {
    origins  "https://app.example.com"
    methods  PUT, DELETE
}
```

## Fix safety
Only the six methods browsers upper-case get a fix, and it is unsafe: `put` never matched a
request, `PUT` does, so the policy allows a method it did not allow before. That is what was
meant, but it widens the policy, so `corsc lint --fix` leaves it and `corsc lint --fix
--unsafe-fixes` applies it. `patch` gets no fix: a client may really send it in that case.

## References
- Fetch standard, normalize a method: https://fetch.spec.whatwg.org/#concept-method-normalize
- Fetch standard, CORS-preflight fetch (method check): https://fetch.spec.whatwg.org/#cors-preflight-fetch
- expressjs/cors issue 261, a lower-case `patch` from a client: https://github.com/expressjs/cors/issues/261
- go-chi/cors issue 27: https://github.com/go-chi/cors/issues/27
"#,
};

impl Rule for MethodCase {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fix_availability(&self) -> FixAvailability {
        FixAvailability::Sometimes(Applicability::Unsafe)
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for m in methods(set) {
            let upper = m.node.to_ascii_uppercase();
            if upper == m.node || crate::fetch::is_forbidden_method(&m.node) {
                continue;
            }
            let d = if crate::fetch::NORMALIZED_METHODS.contains(&upper.as_str()) {
                never_matches(m, &upper)
            } else {
                let message = format!(
                    "method `{}` only matches clients that write it in this case",
                    m.node
                );
                LintContext::diag(&META, message, m.span)
                    .with_label("methods are compared case-sensitively")
                    .with_help(format!("write `{upper}`, which is what clients send"))
            };
            cx.report(&META, d);
        }
    }
}

/// The error for a method browsers upper-case before sending, with the fix that upper-cases it.
fn never_matches(m: &Spanned<String>, upper: &str) -> Diagnostic {
    let message = format!("method `{}` never matches: browsers send `{upper}`", m.node);
    let mut d = LintContext::diag(&META, message, m.span)
        .with_label("methods are compared case-sensitively")
        .with_help(format!("write `{upper}`"))
        .with_fix(Fix::changing(
            format!("upper-case the method: `{upper}`"),
            vec![Edit {
                span: m.span,
                replacement: upper.to_string(),
            }],
        ));
    d.severity = Severity::Error;
    d
}
