use crate::ir::PolicySet;
use crate::lint::context::LintContext;
use crate::lint::entries::regexes;
use crate::lint::findings::report_entry;
use crate::lint::regex_check;
use crate::lint::rule::{Category, Level, Rule, RuleMeta};
use crate::regex::Growth;

pub(crate) struct RegexCatastrophicBacktracking;

static META: RuleMeta = RuleMeta {
    code: "S114",
    name: "regex-catastrophic-backtracking",
    category: Category::Security,
    default_level: Level::Error,
    fixable: false,
    summary:
        "a `regex` origin that a backtracking engine can take exponential or polynomial time on",
    docs: r#"## What it does
Flags a `regex "…"` origin on which a backtracking engine (PCRE for nginx and Apache,
JavaScript for Express and Fastify, Python's `re` for Django, Flask and Starlette, Java) can take
time exponential or polynomial in the length of the `Origin` it refuses:

- a repetition whose iterations can read the same text in more than one way: a repetition
  inside a repetition (`(a+)+`, `([a-z]+)*`, `([a-z0-9-]+\.?)+`), or overlapping alternatives
  under a repetition (`(a|a)*`, `(\w|\d)+`, `(a|ab|b)*`): exponential;
- repetitions of one class in a row that can share a run of characters (`\d*\d*`, `.*.*`,
  `[a-z0-9]+[a-z0-9-]*`): the square of the length, the cube for three, and so on.

The criterion: a repetition is safe when every text its iterations read splits into iterations
one way only. `([a-z0-9-]+\.)*` is safe: each iteration ends with the only `.` it reads, and
`[a-z0-9-]+` cannot read past a dot, so the dots decide where iterations end. `(a|ab)*` is safe
too: its branches start alike, but every text splits one way. `[a-z0-9-]*[a-z0-9]` is safe: the
second part reads one character, not a run. corsc works this out on an automaton of the regex
(each edge counted with the number of ways it arises), so `(a+)+` is caught however it is
nested or spelled.

## Why is this bad?
A backtracking engine that fails to match tries every way the regex can read the text first.
With `^https://(a+)+\.example\.com$`, an `Origin` of `https://` and thirty `a`s followed by
`.example.co` takes a minute in Node.js and more in Python, and each further character doubles
it: one request pins a core, a few keep the server busy. PCRE gives up at its match limit (ten
million steps by default), so nginx and Apache refuse such a request after a quarter to half a
second (nginx logs an alert each time). Rust's `regex` and Go's RE2 (axum, actix, Go) match in
linear time and are not affected, but a policy is often copied into other servers as written.

corsc's own output refuses an `Origin` longer than any browser sends before it tests a regex,
which keeps the polynomial cases to milliseconds; it cannot help against exponential ones, which
a few dozen bytes trigger. Hence an error by default: `corsc compile` refuses the policy until
it is fixed (or the finding allowed with a reason).

## Example
```cors
policy api {
    origins  regex "^https://([a-z0-9]+)+\.example\.com$"
}
```

## Use instead
```cors
policy api {
    origins  regex "^https://[a-z0-9]+\.example\.com$"
}
```
It matches the same origins. For any depth of subdomain, `([a-z0-9-]+\.)*` or the pattern
`"https://*.example.com"`.

## References
- OWASP, Regular expression Denial of Service (ReDoS): https://owasp.org/www-community/attacks/Regular_expression_Denial_of_Service_-_ReDoS
- CWE-1333, Inefficient Regular Expression Complexity: https://cwe.mitre.org/data/definitions/1333.html
- Weideman, van der Merwe, Berglund, Watson, "Analyzing Matching Time Behavior of Backtracking Regular Expression Matchers by Using Ambiguity of NFA" (CIAA 2016)
- Cloudflare, details of the outage of July 2, 2019 (a `.*.*` regex): https://blog.cloudflare.com/details-of-the-cloudflare-outage-on-july-2-2019/
"#,
};

impl Rule for RegexCatastrophicBacktracking {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        for (e, src) in regexes(set) {
            let Some(found) = regex_check::backtracking(src) else {
                continue;
            };
            let fragment = &src[found.start..found.end];
            let (message, label, help) = match found.growth {
                Growth::Exponential => (
                    format!(
                        "`{fragment}` in this regex can take exponential time to refuse an origin"
                    ),
                    "its iterations can read the same text in more than one way".to_string(),
                    "let every text be read one way: one repetition, not two nested (`[a-z0-9]+`, \
                     not `([a-z0-9]+)+`), alternatives that never read the same character, and a \
                     `\\.` ending each repeated label",
                ),
                Growth::Polynomial(degree) => (
                    format!(
                        "`{fragment}` in this regex can take time growing as {}",
                        power(degree)
                    ),
                    format!("{degree} repetitions in a row can share the same run of characters"),
                    "merge them into one repetition, or let one of them read a single character \
                     (`[a-z0-9][a-z0-9-]*`, not `[a-z0-9]+[a-z0-9-]*`)",
                ),
            };
            let d = LintContext::diag(&META, message, e.span)
                .with_label(label)
                .with_help(help)
                .with_note(
                    "a backtracking engine (PCRE, JavaScript, Python, Java) tries every way to \
                     read the text before it refuses it",
                );
            report_entry(cx, &META, e, d);
        }
    }
}

/// How a polynomial of `degree` grows, in words.
fn power(degree: u32) -> String {
    match degree {
        2 => "the square of an origin's length".to_string(),
        3 => "the cube of an origin's length".to_string(),
        n => format!("an origin's length to the power {n}"),
    }
}
