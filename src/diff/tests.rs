//! Unit tests of the diff over small policies.

use super::*;

fn set(text: &str) -> PolicySet {
    crate::eval::policy_set(text)
}

fn run(old: &str, new: &str) -> DiffReport {
    diff(&set(old), &set(new), &DiffOptions::default())
}

fn items(r: &DiffReport, gained: bool) -> Vec<(ItemKind, String)> {
    r.scopes
        .iter()
        .flat_map(|s| if gained { &s.gained } else { &s.lost })
        .map(|i| (i.kind, i.value.clone()))
        .collect()
}

fn example_of(r: &DiffReport, gained: bool, value: &str) -> Option<String> {
    r.scopes
        .iter()
        .flat_map(|s| if gained { &s.gained } else { &s.lost })
        .find(|i| i.value == value)
        .and_then(|i| i.example.clone())
}

const A: &str = "policy api {\n    origins \"https://a.example.com\"\n}\n";
const AB: &str =
    "policy api {\n    origins \"https://a.example.com\", \"https://b.example.com\"\n}\n";

#[test]
fn an_added_origin_is_a_gain_and_widens() {
    let r = run(A, AB);
    assert_eq!(r.verdict, Verdict::Wider);
    assert_eq!(
        items(&r, true),
        vec![(ItemKind::Origin, "https://b.example.com".to_string())]
    );
    assert!(items(&r, false).is_empty());
    let w = r.scopes[0].widening.as_ref().expect("a widening probe");
    assert!(w.request.contains("https://b.example.com"), "{w:?}");
}

#[test]
fn a_removed_origin_is_a_loss_and_narrows() {
    let r = run(AB, A);
    assert_eq!(r.verdict, Verdict::Narrower);
    assert_eq!(
        items(&r, false),
        vec![(ItemKind::Origin, "https://b.example.com".to_string())]
    );
}

#[test]
fn spellings_of_one_policy_are_equivalent() {
    let old = "origins fe = [\"https://b.example.com\", \"https://a.example.com\"]\n\
               policy api {\n    origins fe\n    methods PUT, DELETE\n    max-age 10m\n}\n";
    let new = "policy api {\n    origins \"https://a.example.com\", \"https://b.example.com\", \"https://a.example.com\"\n    methods DELETE, PUT, PUT\n    max-age 600\n}\n";
    let r = run(old, new);
    assert_eq!(r.verdict, Verdict::Equivalent, "{r:#?}");
    assert!(r
        .scopes
        .iter()
        .all(|s| s.gained.is_empty() && s.lost.is_empty() && s.changed.is_empty()));
}

#[test]
fn an_exact_origin_under_a_pattern_is_not_a_gain() {
    let pat = "policy api {\n    origins \"https://*.example.com\"\n}\n";
    // exact → pattern: a gain, shown by an origin the exact entry did not allow.
    let r = run(A, pat);
    assert_eq!(r.verdict, Verdict::Wider);
    let ex = example_of(&r, true, "https://*.example.com").expect("an example");
    assert_ne!(ex, "https://a.example.com");
    assert!(ex.ends_with(".example.com"), "{ex}");
    // pattern → exact: a loss only.
    let r = run(pat, A);
    assert_eq!(r.verdict, Verdict::Narrower);
    assert!(items(&r, true).is_empty(), "{r:#?}");
    assert!(example_of(&r, false, "https://*.example.com").is_some());
}

#[test]
fn a_pattern_and_a_regex_that_mean_the_same_are_equivalent() {
    let pat = "policy api {\n    origins \"https://*.example.com\"\n}\n";
    let re = "policy api {\n    origins regex \"^https://([a-z0-9-]+\\.)+example\\.com$\"\n}\n";
    let r = run(pat, re);
    assert_eq!(r.verdict, Verdict::Equivalent, "{r:#?}");
}

#[test]
fn a_wider_regex_shows_an_example() {
    let old = "policy api {\n    origins regex \"^https://pr-[0-9]+\\.example\\.com$\"\n}\n";
    let new = "policy api {\n    origins regex \"^https://pr-[0-9a-z]+\\.example\\.com$\"\n}\n";
    let r = run(old, new);
    assert_eq!(r.verdict, Verdict::Wider);
    let ex = example_of(&r, true, "regex \"^https://pr-[0-9a-z]+\\.example\\.com$\"")
        .expect("an example origin");
    assert!(!crate::eval::server::regex_full_match(
        "^https://pr-[0-9]+\\.example\\.com$",
        &ex
    ));
}

#[test]
fn any_origin_against_a_list() {
    let any = "policy api {\n    origins *\n}\n";
    let r = run(A, any);
    assert_eq!(r.verdict, Verdict::Wider);
    assert!(example_of(&r, true, "*").is_some());
    let r = run(any, A);
    assert_eq!(r.verdict, Verdict::Narrower);
}

#[test]
fn credentials_flip_widens() {
    let cred = "policy api {\n    origins \"https://a.example.com\"\n    credentials true\n}\n";
    let r = run(A, cred);
    assert_eq!(r.verdict, Verdict::Wider);
    assert!(items(&r, true).contains(&(ItemKind::Credentials, "true".to_string())));
    assert!(r.scopes[0]
        .widening
        .as_ref()
        .unwrap()
        .request
        .contains("+cred"));
    assert_eq!(run(cred, A).verdict, Verdict::Narrower);
}

#[test]
fn any_origin_with_credentials_to_a_list_widens_credentialed_requests() {
    let old = "policy api {\n    origins *\n    credentials true\n}\n";
    let new = "policy api {\n    origins \"https://a.example.com\"\n    credentials true\n}\n";
    let r = run(old, new);
    // `*` with credentials is literal: the named origin now reads with cookies.
    assert_eq!(r.verdict, Verdict::Both, "{r:#?}");
}

#[test]
fn methods_star_with_and_without_credentials() {
    let list = "policy api {\n    origins \"https://a.example.com\"\n    methods PUT\n}\n";
    let star = "policy api {\n    origins \"https://a.example.com\"\n    methods *\n}\n";
    let r = run(list, star);
    assert_eq!(r.verdict, Verdict::Wider);
    assert_eq!(example_of(&r, true, "*").as_deref(), Some("PURGE"));
    let list_c = format!("{}    credentials true\n}}\n", list.trim_end_matches("}\n"));
    let star_c = format!("{}    credentials true\n}}\n", star.trim_end_matches("}\n"));
    let r = run(&list_c, &star_c);
    assert_eq!(r.verdict, Verdict::Wider, "{r:#?}");
    assert_eq!(run(&star_c, star).verdict, Verdict::Narrower);
}

#[test]
fn request_headers_star_mirror_and_authorization() {
    let p = |h: &str| {
        format!(
            "policy api {{\n    origins \"https://a.example.com\"\n    request-headers {h}\n}}\n"
        )
    };
    let r = run(&p("X-Api-Key"), &p("*"));
    assert_eq!(r.verdict, Verdict::Wider);
    // `*` never covers Authorization (Fetch); mirror does.
    let r = run(&p("*"), &p("mirror"));
    assert_eq!(r.verdict, Verdict::Wider);
    assert_eq!(
        example_of(&r, true, "mirror").as_deref(),
        Some("authorization")
    );
    let r = run(&p("*, Authorization"), &p("mirror"));
    assert_eq!(r.verdict, Verdict::Equivalent, "{r:#?}");
    let r = run(&p("*"), &p("*, Authorization"));
    assert_eq!(
        items(&r, true),
        vec![(ItemKind::RequestHeader, "authorization".to_string())]
    );
    assert_eq!(r.verdict, Verdict::Wider);
}

#[test]
fn expose_headers_and_max_age() {
    let p =
        |rest: &str| format!("policy api {{\n    origins \"https://a.example.com\"\n{rest}}}\n");
    let r = run(&p(""), &p("    expose-headers ETag\n"));
    assert_eq!(r.verdict, Verdict::Wider);
    let r = run(&p("    max-age 600\n"), &p("    max-age 2h\n"));
    assert_eq!(r.verdict, Verdict::Equivalent);
    assert_eq!(r.scopes[0].changed[0].what, "max-age");
    assert_eq!(r.scopes[0].changed[0].new.as_deref(), Some("7200 s"));
}

#[test]
fn private_network_is_a_gain() {
    let p =
        |rest: &str| format!("policy api {{\n    origins \"https://a.example.com\"\n{rest}}}\n");
    let r = run(&p(""), &p("    private-network true\n"));
    assert_eq!(r.verdict, Verdict::Wider);
}

#[test]
fn a_scope_split_in_two() {
    let old = "policy api {\n    paths \"/api/*\"\n    origins \"https://a.example.com\"\n}\n";
    let new = "policy v1 {\n    paths \"/api/v1/*\"\n    origins \"https://a.example.com\"\n}\n\
               policy v2 {\n    paths \"/api/v2/*\"\n    origins \"https://a.example.com\"\n}\n";
    let r = run(old, new);
    // /api/other is answered by no policy in NEW: a loss, nothing gained.
    assert_eq!(r.verdict, Verdict::Narrower, "{r:#?}");
    let names: Vec<_> = r
        .scopes
        .iter()
        .map(|s| (s.old_policy.clone(), s.new_policy.clone()))
        .collect();
    assert!(names.contains(&(Some("api".into()), Some("v1".into()))));
    assert!(names.contains(&(Some("api".into()), Some("v2".into()))));
    assert!(names.contains(&(Some("api".into()), None)));
}

#[test]
fn a_removed_scope_falls_back_to_the_default() {
    let old = "policy admin {\n    paths \"/admin/*\"\n    origins \"https://admin.example.com\"\n    credentials true\n}\n\
               policy rest {\n    origins \"https://a.example.com\"\n}\n";
    let new = "policy rest {\n    origins \"https://a.example.com\"\n}\n";
    let r = run(old, new);
    let s = r
        .scopes
        .iter()
        .find(|s| s.scope == "/admin/*")
        .expect("the admin scope");
    assert_eq!(s.old_policy.as_deref(), Some("admin"));
    assert_eq!(s.new_policy.as_deref(), Some("rest"));
    // a.example.com may now read /admin/*: wider there; admin lost: narrower.
    assert_eq!(r.verdict, Verdict::Both);
}

#[test]
fn exact_path_versus_prefix() {
    let old = "policy h {\n    paths \"/health\"\n    origins \"https://a.example.com\"\n}\n";
    let new = "policy h {\n    paths \"/health/*\"\n    origins \"https://a.example.com\"\n}\n";
    let r = run(old, new);
    assert_eq!(r.verdict, Verdict::Both, "{r:#?}");
}

#[test]
fn gains_of_one_way_are_losses_of_the_other() {
    let old = "policy api {\n    origins \"https://*.example.com\", \"https://x.test\"\n    methods PUT\n}\n";
    let new = "policy api {\n    origins regex \"^https://[a-z]+\\.example\\.com$\", \"https://y.test\"\n    methods DELETE\n    credentials true\n}\n";
    let ab = run(old, new);
    let ba = run(new, old);
    assert_eq!(items(&ab, true), items(&ba, false));
    assert_eq!(items(&ab, false), items(&ba, true));
}

#[test]
fn large_policies_stay_within_the_budget() {
    let list = |skip: usize| {
        let o: Vec<String> = (0..1000)
            .filter(|i| *i != skip)
            .map(|i| format!("\"https://o{i}.example.com\""))
            .collect();
        format!(
            "policy api {{\n    origins {}\n    credentials true\n}}\n",
            o.join(", ")
        )
    };
    let (a, b) = (set(&list(5000)), set(&list(500)));
    let t = std::time::Instant::now();
    let r = diff(&a, &b, &DiffOptions::default());
    assert_eq!(r.verdict, Verdict::Narrower);
    assert_eq!(
        items(&r, false),
        vec![(ItemKind::Origin, "https://o500.example.com".to_string())]
    );
    assert!(r.scopes[0].probes <= DiffOptions::default().max_probes + 200);
    eprintln!("{:?}", t.elapsed());
}

#[test]
fn a_pattern_inside_a_wider_pattern() {
    let narrow = "policy api {\n    origins \"https://*.a.example.com\"\n}\n";
    let wide = "policy api {\n    origins \"https://*.example.com\"\n}\n";
    let r = run(narrow, wide);
    assert_eq!(r.verdict, Verdict::Wider);
    assert!(items(&r, false).is_empty(), "{r:#?}");
    let ex = example_of(&r, true, "https://*.example.com").expect("an example");
    assert!(!ex.ends_with(".a.example.com"), "{ex}");
}

#[test]
fn any_port_is_wider_than_one_port() {
    let one = "policy api {\n    origins \"http://localhost:5173\"\n}\n";
    let any = "policy api {\n    origins \"http://localhost:*\"\n}\n";
    let r = run(one, any);
    assert_eq!(r.verdict, Verdict::Wider);
    let ex = example_of(&r, true, "http://localhost:*").expect("an example");
    assert_ne!(ex, "http://localhost:5173");
    assert_eq!(run(any, one).verdict, Verdict::Narrower);
}

#[test]
fn methods_are_case_sensitive() {
    let upper = "policy api {\n    origins \"https://a.example.com\"\n    methods PATCH\n}\n";
    let both = "policy api {\n    origins \"https://a.example.com\"\n    methods PATCH, patch\n}\n";
    // `fetch()` sends `patch` as written: a second method, not a spelling of the first.
    let r = run(upper, both);
    assert_eq!(r.verdict, Verdict::Wider, "{r:#?}");
    assert_eq!(
        items(&r, true),
        vec![(ItemKind::Method, "patch".to_string())]
    );
}

#[test]
fn no_policy_on_either_side_is_no_entry() {
    let r = run(
        "policy a {\n    paths \"/a/*\"\n    origins \"https://a.example.com\"\n}\n",
        "policy a {\n    paths \"/a/*\"\n    origins \"https://a.example.com\"\n}\n",
    );
    assert_eq!(r.verdict, Verdict::Equivalent);
    assert_eq!(r.scopes.len(), 1, "{r:#?}");
    assert_eq!(r.scopes[0].scope, "/a/*");
}
