//! Which conformance harness proves each registered target on its real server or framework.
//!
//! Every target of `corsc::emit::TARGETS` is in at least one entry of [`HARNESSES`] (several
//! when it is proven on several frameworks, as `spring` is on plain Spring MVC and on Spring
//! Boot) or in [`SNAPSHOTS_ONLY`], never both, and each harness checks that its entry lists
//! exactly the targets it runs ([`assert_covers`], a test that needs no engine). So a target
//! registered without a harness fails every conformance binary, and so does a harness that
//! drops one.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of the support code"
)]

/// Each harness (its test binary's name) and the targets it verifies live.
pub const HARNESSES: &[(&str, &[&str])] = &[
    ("conformance_nginx_apache", &["apache", "nginx"]),
    (
        "conformance_frameworks",
        &["django", "express", "fastify", "flask", "starlette"],
    ),
    ("conformance_rust_frameworks", &["actix", "tower-http"]),
    ("conformance_go", &["go"]),
    ("conformance_go_routers", &["chi", "echo", "gin"]),
    ("conformance_spring", &["spring"]),
    ("conformance_spring_boot", &["spring"]),
    ("conformance_rack", &["rails"]),
    ("conformance_hono_koa", &["hono", "koa"]),
    ("conformance_nest", &["nestjs"]),
    ("targets_storage", &["cloudfront", "gcs", "s3"]),
    ("targets_traefik", &["traefik"]),
    ("targets_envoy", &["envoy", "istio"]),
    ("targets_k8s", &["gateway-api", "ingress-nginx"]),
    ("conformance_edge", &["caddy"]),
    ("conformance_haproxy", &["haproxy"]),
    ("conformance_workers", &["workers"]),
];

/// Targets no harness can run, and why: they are proven by their snapshots only.
pub const SNAPSHOTS_ONLY: &[(&str, &str)] = &[];

/// Asserts that `harness` runs exactly the targets its entry in [`HARNESSES`] lists, that no
/// harness has two entries and no entry names a target twice, and that the entries and
/// [`SNAPSHOTS_ONLY`] together name every registered target: in one or more harnesses, or
/// snapshots only.
pub fn assert_covers(harness: &str, runs: &[&str]) {
    let sorted = |v: &mut Vec<&str>| v.sort_unstable();
    let (_, listed) = HARNESSES
        .iter()
        .find(|(h, _)| *h == harness)
        .unwrap_or_else(|| panic!("{harness} has no entry in tests/support/conformance.rs"));
    let mut listed = listed.to_vec();
    let mut runs = runs.to_vec();
    sorted(&mut listed);
    sorted(&mut runs);
    assert_eq!(
        runs, listed,
        "{harness} runs other targets than its entry in tests/support/conformance.rs lists"
    );

    let mut names: Vec<&str> = HARNESSES.iter().map(|(h, _)| *h).collect();
    sorted(&mut names);
    for w in names.windows(2) {
        assert_ne!(w[0], w[1], "harness `{}` has two entries", w[0]);
    }
    for (h, targets) in HARNESSES {
        let mut t = targets.to_vec();
        sorted(&mut t);
        for w in t.windows(2) {
            assert_ne!(w[0], w[1], "`{}` is twice in the entry of {h}", w[0]);
        }
    }
    for (t, _) in SNAPSHOTS_ONLY {
        assert!(
            !HARNESSES.iter().any(|(_, ts)| ts.contains(t)),
            "`{t}` is both in SNAPSHOTS_ONLY and in a harness"
        );
    }
    let mut covered: Vec<&str> = HARNESSES
        .iter()
        .flat_map(|(_, targets)| targets.iter().copied())
        .chain(SNAPSHOTS_ONLY.iter().map(|(t, _)| *t))
        .collect();
    sorted(&mut covered);
    covered.dedup();
    let registered: Vec<&str> = corsc::emit::TARGETS.iter().map(|t| t.id()).collect();
    let missing: Vec<&&str> = registered
        .iter()
        .filter(|id| !covered.contains(id))
        .collect();
    let unknown: Vec<&&str> = covered
        .iter()
        .filter(|id| !registered.contains(id))
        .collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "registered targets without a conformance harness: {missing:?}; not registered: {unknown:?}. \
         Give each registered target one harness (or a reason in SNAPSHOTS_ONLY) in tests/support/conformance.rs"
    );
}
