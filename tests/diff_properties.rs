//! Properties of `corsc::diff` over random policies: a policy is equivalent to itself, one
//! added origin, method or header is a widening that names it, and the diff is antisymmetric.

mod support;

use corsc::diff::{diff, DiffOptions, DiffReport, ItemKind, Verdict};
use corsc::ir::PolicySet;
use corsc::source::Source;
use proptest::prelude::*;
use support::random_policy::{policy_text, Features};

fn set(text: &str) -> PolicySet {
    let src = Source::new("p.cors", text);
    let file = corsc::syntax::parse(&src).expect("parses");
    corsc::pipeline::check(&file, None)
        .policies
        .expect("checks")
}

fn items(r: &DiffReport, gained: bool) -> Vec<(ItemKind, String)> {
    let mut v: Vec<_> = r
        .scopes
        .iter()
        .flat_map(|s| if gained { &s.gained } else { &s.lost })
        .map(|i| (i.kind, i.value.clone()))
        .collect();
    v.sort();
    v
}

/// Adds `line` (a directive) to the first policy, or appends to its `directive` if present.
fn add_to_first(text: &str, directive: &str, value: &str) -> String {
    let mut out = String::new();
    let mut done = false;
    let mut in_first = false;
    for line in text.lines() {
        if line.starts_with("policy ") && !done {
            in_first = true;
        }
        if in_first && !done && line.trim_start().starts_with(&format!("{directive} ")) {
            out.push_str(&format!("{line}, {value}\n"));
            done = true;
            continue;
        }
        if in_first && !done && line == "}" {
            out.push_str(&format!("    {directive} {value}\n"));
            done = true;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn opts() -> DiffOptions {
    DiffOptions { max_probes: 400 }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn a_policy_is_equivalent_to_itself(seed in 0u64..100_000) {
        let text = policy_text(seed, &Features::all());
        let p = set(&text);
        let r = diff(&p, &p, &opts());
        prop_assert_eq!(r.verdict, Verdict::Equivalent, "{}\n{:#?}", text, r);
    }

    #[test]
    fn an_added_item_widens_and_is_named(seed in 0u64..100_000, which in 0usize..3) {
        let text = policy_text(seed, &Features::all());
        let p = set(&text);
        let first = &p.policies[0];
        let (directive, value, kind, name) = match which {
            0 => ("origins", "\"https://corsc-added.example.net\"", ItemKind::Origin, "https://corsc-added.example.net"),
            1 => ("methods", "CORSC-ADDED", ItemKind::Method, "CORSC-ADDED"),
            _ => ("request-headers", "X-Corsc-Added", ItemKind::RequestHeader, "x-corsc-added"),
        };
        // Skip what the policy already covers: `*` origins, `methods *`, `*` or mirror headers.
        let covered = match which {
            0 => first.allows_any_origin(),
            1 => first.methods.value.any.is_some(),
            _ => first.request_headers.value.any.is_some() || first.request_headers.value.mirror.is_some(),
        };
        prop_assume!(!covered);
        let wider = add_to_first(&text, directive, value);
        let q = set(&wider);
        let r = diff(&p, &q, &opts());
        prop_assert_eq!(r.verdict, Verdict::Wider, "{}\n{}\n{:#?}", text, wider, r);
        prop_assert!(items(&r, true).contains(&(kind, name.to_string())), "{:#?}", r);
    }

    #[test]
    fn the_diff_is_antisymmetric(a in 0u64..100_000, b in 0u64..100_000) {
        let (ta, tb) = (policy_text(a, &Features::all()), policy_text(b, &Features::all()));
        let (pa, pb) = (set(&ta), set(&tb));
        let ab = diff(&pa, &pb, &opts());
        let ba = diff(&pb, &pa, &opts());
        prop_assert_eq!(items(&ab, true), items(&ba, false));
        prop_assert_eq!(items(&ab, false), items(&ba, true));
        let flip = match ab.verdict {
            Verdict::Wider => Verdict::Narrower,
            Verdict::Narrower => Verdict::Wider,
            v => v,
        };
        prop_assert_eq!(ba.verdict, flip);
    }
}
