//! Which conformance harness proves each registered target on its real server or framework.
//!
//! Every target of `corsc::emit::TARGETS` is in exactly one entry of [`HARNESSES`] or of
//! [`SNAPSHOTS_ONLY`], and each harness checks that its entry lists exactly the targets it runs
//! ([`assert_covers`], a test that needs no engine). So a target registered without a harness
//! fails every conformance binary, and so does a harness that drops one.

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
    ("conformance_rack", &["rails"]),
    ("conformance_hono_koa", &["hono", "koa"]),
    ("conformance_nest", &["nestjs"]),
];

/// Targets no harness can run, and why: they are proven by their snapshots only.
pub const SNAPSHOTS_ONLY: &[(&str, &str)] = &[];

/// Asserts that `harness` runs exactly the targets its entry in [`HARNESSES`] lists, and that
/// the entries and [`SNAPSHOTS_ONLY`] together name every registered target exactly once.
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

    let mut covered: Vec<&str> = HARNESSES
        .iter()
        .flat_map(|(_, targets)| targets.iter().copied())
        .chain(SNAPSHOTS_ONLY.iter().map(|(t, _)| *t))
        .collect();
    sorted(&mut covered);
    for w in covered.windows(2) {
        assert_ne!(
            w[0], w[1],
            "`{}` is in two entries of tests/support/conformance.rs",
            w[0]
        );
    }
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
