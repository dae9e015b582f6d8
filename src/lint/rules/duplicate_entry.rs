use crate::ir::{OriginEntry, OriginKind, Policy, PolicySet, Repeat};
use crate::lint::context::LintContext;
use crate::lint::findings::{remove, report_entry, Sites};
use crate::lint::rule::{Applicability, Category, FixAvailability, Level, Rule, RuleMeta};
use crate::source::{Span, Spanned};
use foldhash::{HashSet, HashSetExt as _};

pub(crate) struct DuplicateEntry;

static META: RuleMeta = RuleMeta {
    code: "Y408",
    name: "duplicate-entry",
    category: Category::Style,
    default_level: Level::Warning,
    fixable: true,
    summary: "the same origin, method or header listed twice in one policy",
    docs: r#"## What it does
Flags a value that one policy's list already holds: the same origin in `origins` (written
there or reached through an origin set), the same method in `methods`, the same header in
`request-headers` or `expose-headers`, or `*` twice.

"The same" is what the server compares: an origin entry is the same as another when both are
valid and serialize alike (`"https://a.example.com"` twice; `"https://A.example.com"` is no
origin at all, which `origin-not-canonical` reports, so it duplicates nothing), a subdomain or
port pattern when both patterns are equal, a `regex` when its source is the same text, and
`null` or `*` when written twice. Methods are compared byte for byte, as Fetch compares them:
`PATCH` and `patch` are two methods a script can send. For the six methods a browser
upper-cases, `put` never matches anything and `method-case` reports it; its fix writes `PUT`,
and a `PUT` already listed then becomes a duplicate this rule removes. Header names are
compared ignoring case (`Content-Type` and `content-type` are one header).

## Why is this bad?
The second entry changes nothing: the list allows what it allowed with one. It makes a long
allowlist harder to review (is one of them a typo of something else?), and a person who
removes one copy to revoke an origin leaves the other in place.

## Example
```cors
policy api {
    origins  "https://app.example.com", "https://admin.example.com", "https://app.example.com"
    methods  PUT, DELETE, PUT
}
```

## Use instead
```cors
policy api {
    origins  "https://app.example.com", "https://admin.example.com"
    methods  PUT, DELETE
}
```

## Fix safety
The fix is safe: it removes the later copy, with the comma before it (or after it, for the
first value of a list), and the policy allows exactly what it allowed before. It is offered
only when the later copy is written in the same directive as the earlier one or, for origins,
in the policy's own `origins` (a copy reached through an origin set is shared with every policy
that uses the set, so the finding says so and leaves it to you; so is a profile's `+=` that
repeats a value of the base policy, since the base may change). A removal that would delete a
comment is left to you as well.

## References
- Fetch standard, the CORS check compares one origin: https://fetch.spec.whatwg.org/#cors-check
- Fetch standard, header names are case-insensitive: https://fetch.spec.whatwg.org/#header-name
- Fetch standard, methods are case-sensitive (normalize a method): https://fetch.spec.whatwg.org/#concept-method-normalize
- ruff's `duplicate-value` (B033), the same rule for Python sets: https://docs.astral.sh/ruff/rules/duplicate-value/
"#,
};

impl Rule for DuplicateEntry {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fix_availability(&self) -> FixAvailability {
        FixAvailability::Sometimes(Applicability::Safe)
    }

    fn check(&self, set: &PolicySet, cx: &mut LintContext<'_>) {
        // A set's own repeat is reported once, whichever policies use the set.
        let mut in_sets: HashSet<Span> = HashSet::new();
        for p in &set.policies {
            origins(p, &mut in_sets, cx);
            let m = &p.methods.value;
            names(p, "methods", (&m.list, m.any), &m.repeated, cx);
            let h = &p.request_headers.value;
            names(p, "request-headers", (&h.list, h.any), &h.repeated, cx);
            let h = &p.expose_headers.value;
            names(p, "expose-headers", (&h.list, h.any), &h.repeated, cx);
        }
    }
}

/// What makes two origin entries the same, with the text that carries it; `None` for entries
/// that are no origin (their own rules report them).
fn key(e: &OriginEntry) -> Option<(u8, &str)> {
    Some(match &e.kind {
        OriginKind::Any => (0, "*"),
        OriginKind::Null => (1, "null"),
        OriginKind::Exact(o) => (2, o.as_str()),
        OriginKind::Pattern(_) => (3, e.raw()),
        OriginKind::Regex(src) => (4, src),
        OriginKind::Invalid(_) => return None,
    })
}

/// The origins of one policy listed twice. The list is sorted by key through an index (four
/// bytes an entry, not a hash map of a million strings), so a long allowlist costs little.
fn origins(p: &Policy, in_sets: &mut HashSet<Span>, cx: &mut LintContext<'_>) {
    let entries = &p.origins.value;
    let mut order: Vec<u32> = (0..entries.len())
        .filter(|&i| key(&entries[i]).is_some())
        .filter_map(|i| u32::try_from(i).ok())
        .collect();
    order.sort_by(|&a, &b| {
        key(&entries[a as usize])
            .cmp(&key(&entries[b as usize]))
            .then(a.cmp(&b))
    });
    let mut sites = Sites::new(p);
    for w in order.windows(2) {
        let (first, later) = (&entries[w[0] as usize], &entries[w[1] as usize]);
        if key(first) != key(later) {
            continue;
        }
        let removal = sites.removal(later);
        report_origin(p, first, later, removal, in_sets, cx);
    }
}

fn report_origin(
    p: &Policy,
    first: &OriginEntry,
    later: &OriginEntry,
    removal: Option<Span>,
    in_sets: &mut HashSet<Span>,
    cx: &mut LintContext<'_>,
) {
    let innermost = |e: &OriginEntry| e.via.iter().last().map(|r| r.node.clone());
    let one_set = !later.via.is_empty() && innermost(first) == innermost(later);
    let shown = later.raw();
    let message = match (&innermost(later), one_set) {
        (Some(set), true) => {
            if !in_sets.insert(later.span) {
                return;
            }
            format!("`{shown}` is listed twice in origin set `{set}`")
        }
        _ => format!("`{shown}` is listed twice in policy `{}`", p.name.node),
    };
    let mut d = LintContext::diag(&META, message, later.span)
        .with_label("listed again here")
        .with_secondary(first.span, "first listed here");
    if later.via.is_empty() {
        match removal {
            Some(span) => {
                d = d
                    .with_help("remove the later copy")
                    .with_fix(remove(format!("remove the second `{shown}`"), span));
            }
            None => d = d.with_help("remove one of them"),
        }
    } else if one_set {
        d = d.with_help("remove the later copy from the set");
    } else {
        d = d
            .with_help("remove the copy written in the policy, or the one in the set if no other policy needs it")
            .with_note("no automatic fix: an origin set is shared, and removing its entry would change every policy that uses it");
    }
    report_entry(cx, &META, later, d);
}

/// The repeats the checker recorded in one name list (`kept`: the list and its `*`).
fn names(
    p: &Policy,
    list: &str,
    kept: (&[Spanned<String>], Option<Span>),
    repeated: &[Repeat],
    cx: &mut LintContext<'_>,
) {
    for r in repeated {
        let value = kept
            .0
            .iter()
            .find(|x| x.span == r.first)
            .map_or("*", |x| x.node.as_str());
        let mut d = LintContext::diag(
            &META,
            format!(
                "`{value}` is listed twice in `{list}` of policy `{}`",
                p.name.node
            ),
            r.span,
        )
        .with_label("listed again here")
        .with_secondary(r.first, "first listed here");
        d = match r.removal {
            Some(span) => d
                .with_help("remove the later copy")
                .with_fix(remove(format!("remove the second `{value}`"), span)),
            None => d
                .with_help("remove one of them")
                .with_note("no automatic fix: a profile's `+=` repeats a value of the base policy, which may change"),
        };
        cx.report(&META, d);
    }
}
