//! Unit tests of both halves, one per protocol step; each is named after what it proves.

use super::browser::{self, max_age, BlockedReason, Step, Verdict, CHROMIUM, FIREFOX, SPEC};
use super::probe::{compare, expected, probes, Intent, ProbeOptions};
use super::request::{BrowserRequest, WireRequest};
use super::server::{respond, Response};
use super::{get, policy_set};

const SPA: &str = r#"
origins frontends = ["https://app.example.com", "https://admin.example.com"]
policy api {
    paths            "/api/*"
    origins          frontends
    methods          PUT, PATCH, DELETE
    request-headers  Content-Type, X-CSRF-Token
    expose-headers   X-Request-Id
    credentials      true
    max-age          2h
}
"#;

const PUBLIC: &str = r#"
policy open {
    origins          *
    methods          GET, PUT
    request-headers  *
    expose-headers   *
    max-age          10m
}
"#;

fn verdict(set_text: &str, req: &BrowserRequest) -> Verdict {
    let set = policy_set(set_text);
    expected(&set, &CHROMIUM, req).verdict
}

fn blocked_step(v: &Verdict) -> (Step, BlockedReason) {
    let b = v
        .blocked()
        .unwrap_or_else(|| panic!("expected blocked, got {v:?}"));
    (b.step, b.reason.clone())
}

fn res(status: u16, headers: &[(&str, &str)]) -> Response {
    Response::observed(
        status,
        headers
            .iter()
            .map(|(n, v)| ((*n).to_string(), (*v).to_string()))
            .collect(),
    )
}

fn app(method: &str) -> BrowserRequest {
    BrowserRequest::new("https://app.example.com", method, "/api/orders")
}

// ---- server half --------------------------------------------------------------------------

#[test]
fn allowed_origin_is_reflected_exactly_with_credentials_and_vary() {
    let set = policy_set(SPA);
    let r = respond(&set, &app("GET").with_credentials(true).actual());
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("access-control-allow-origin").as_deref(),
        Some("https://app.example.com")
    );
    assert_eq!(
        r.header("access-control-allow-credentials").as_deref(),
        Some("true")
    );
    assert_eq!(
        r.header("access-control-expose-headers").as_deref(),
        Some("x-request-id")
    );
    assert_eq!(r.header("vary").as_deref(), Some("Origin"));
}

#[test]
fn refused_origin_gets_no_acao_but_still_vary_origin() {
    let set = policy_set(SPA);
    let req = BrowserRequest::new("https://evil.test", "GET", "/api/x");
    let r = respond(&set, &req.actual());
    assert!(r.header("access-control-allow-origin").is_none());
    assert_eq!(r.header("vary").as_deref(), Some("Origin"));
    let p = respond(
        &set,
        &req.clone()
            .with_header("X-CSRF-Token", "1")
            .preflight()
            .unwrap(),
    );
    assert_eq!(p.status, 403);
    assert!(p.header("access-control-allow-origin").is_none());
    assert_eq!(p.header("vary").as_deref(), Some("Origin"));
}

#[test]
fn request_without_origin_gets_vary_but_no_cors_headers() {
    let set = policy_set(SPA);
    let r = respond(&set, &WireRequest::new("GET", "/api/x"));
    assert_eq!(r.headers, vec![("Vary".to_string(), "Origin".to_string())]);
}

#[test]
fn paths_outside_every_scope_get_no_cors_headers() {
    let set = policy_set(SPA);
    let r = respond(&set, &app("GET").actual().clone_with_path("/other"));
    assert!(r.headers.is_empty());
}

trait WithPath {
    fn clone_with_path(&self, p: &str) -> WireRequest;
}
impl WithPath for WireRequest {
    fn clone_with_path(&self, p: &str) -> WireRequest {
        let mut w = self.clone();
        w.path = p.to_string();
        w
    }
}

#[test]
fn the_most_specific_path_scope_answers() {
    let set = policy_set(
        r#"
policy wide {
    paths "/api/*"
    origins "https://a.example"
}
policy narrow {
    paths "/api/public/*"
    origins *
}
"#,
    );
    let r = respond(
        &set,
        &BrowserRequest::new("https://b.example", "GET", "/api/public/x").actual(),
    );
    assert_eq!(
        r.header("access-control-allow-origin").as_deref(),
        Some("*")
    );
    let r = respond(
        &set,
        &BrowserRequest::new("https://b.example", "GET", "/api/private").actual(),
    );
    assert!(r.header("access-control-allow-origin").is_none());
}

#[test]
fn preflight_answer_lists_methods_headers_and_max_age() {
    let set = policy_set(SPA);
    let req = app("PUT")
        .with_credentials(true)
        .with_header("Content-Type", "application/json");
    let p = respond(&set, &req.preflight().unwrap());
    assert_eq!(p.status, 204);
    assert_eq!(
        p.header("access-control-allow-methods").as_deref(),
        Some("PUT, PATCH, DELETE")
    );
    assert_eq!(
        p.header("access-control-allow-headers").as_deref(),
        Some("content-type, x-csrf-token")
    );
    assert_eq!(p.header("access-control-max-age").as_deref(), Some("7200"));
    assert!(p.header("access-control-expose-headers").is_none());
}

#[test]
fn any_origin_without_credentials_is_a_static_star_without_vary() {
    let set = policy_set(PUBLIC);
    let r = respond(
        &set,
        &BrowserRequest::new("https://x.example", "GET", "/").actual(),
    );
    assert_eq!(
        r.header("access-control-allow-origin").as_deref(),
        Some("*")
    );
    assert_eq!(
        r.header("access-control-expose-headers").as_deref(),
        Some("*")
    );
    assert!(r.header("vary").is_none());
    let p = respond(
        &set,
        &BrowserRequest::new("https://x.example", "PUT", "/")
            .with_header("X-A", "1")
            .preflight()
            .unwrap(),
    );
    assert_eq!(
        p.header("access-control-allow-headers").as_deref(),
        Some("*")
    );
}

#[test]
fn star_origin_with_credentials_is_never_reflected() {
    let set = policy_set("policy p {\n origins *\n credentials true\n}\n");
    let req = BrowserRequest::new("https://evil.test", "GET", "/").with_credentials(true);
    let r = respond(&set, &req.actual());
    assert_eq!(
        r.header("access-control-allow-origin").as_deref(),
        Some("*")
    );
    let (step, reason) = blocked_step(&expected(&set, &CHROMIUM, &req).verdict);
    assert_eq!(step, Step::CorsCheck);
    assert_eq!(reason, BlockedReason::WildcardWithCredentials);
    // Without credentials the same policy is readable.
    assert!(expected(&set, &CHROMIUM, &req.with_credentials(false))
        .verdict
        .is_allowed());
}

#[test]
fn star_methods_and_headers_with_credentials_are_mirrored_not_literal() {
    let set = policy_set(
        "policy p {\n origins \"https://a.example\"\n methods *\n request-headers *\n credentials true\n}\n",
    );
    let req = BrowserRequest::new("https://a.example", "PURGE", "/")
        .with_credentials(true)
        .with_header("X-One", "1")
        .with_header("Authorization", "Bearer x");
    let p = respond(&set, &req.preflight().unwrap());
    assert_eq!(
        p.header("access-control-allow-methods").as_deref(),
        Some("PURGE")
    );
    assert_eq!(
        p.header("access-control-allow-headers").as_deref(),
        Some("x-one")
    );
    assert_eq!(
        p.header("vary").as_deref(),
        Some("Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
    );
    // `*` never covers Authorization, so the credentialed request fails on it.
    let (step, _) = blocked_step(&expected(&set, &CHROMIUM, &req).verdict);
    assert_eq!(step, Step::PreflightAuthorization);
}

#[test]
fn mirror_echoes_the_requested_headers() {
    let set = policy_set(
        "policy p {\n origins \"https://a.example\"\n methods PUT\n request-headers mirror\n}\n",
    );
    let req = BrowserRequest::new("https://a.example", "PUT", "/")
        .with_header("X-Anything", "1")
        .with_header("Authorization", "x");
    let p = respond(&set, &req.preflight().unwrap());
    assert_eq!(
        p.header("access-control-allow-headers").as_deref(),
        Some("authorization,x-anything")
    );
    assert!(expected(&set, &CHROMIUM, &req).verdict.is_allowed());
}

#[test]
fn subdomain_patterns_match_labels_but_not_the_apex_or_suffix_tricks() {
    let set = policy_set("policy p {\n origins \"https://*.example.com\"\n}\n");
    for (origin, ok) in [
        ("https://a.example.com", true),
        ("https://a.b.example.com", true),
        ("https://example.com", false),
        ("https://a.example.com.evil.test", false),
        ("https://evilexample.com", false),
        ("http://a.example.com", false),
        ("null", false),
    ] {
        let v = verdict_with(&set, &BrowserRequest::new(origin, "GET", "/"));
        assert_eq!(v.is_allowed(), ok, "{origin}");
    }
}

fn verdict_with(set: &crate::ir::PolicySet, req: &BrowserRequest) -> Verdict {
    expected(set, &CHROMIUM, req).verdict
}

#[test]
fn regex_entries_are_a_full_match_of_the_serialized_origin() {
    // Unanchored on purpose: full-match semantics must still refuse the suffix trick.
    let set = policy_set(
        "policy p {\n origins regex \"https://pr-[0-9]+\\\\.preview\\\\.example\\\\.net\"\n}\n",
    );
    let ok = BrowserRequest::new("https://pr-12.preview.example.net", "GET", "/");
    assert!(verdict_with(&set, &ok).is_allowed());
    for o in [
        "https://pr-12.preview.example.net.evil.test",
        "https://xhttps://pr-12.preview.example.net",
    ] {
        assert!(
            !verdict_with(&set, &BrowserRequest::new(o, "GET", "/")).is_allowed(),
            "{o}"
        );
    }
}

#[test]
fn null_entry_matches_only_the_literal_null() {
    let set = policy_set("policy p {\n origins null\n}\n");
    assert!(verdict_with(&set, &BrowserRequest::new("null", "GET", "/")).is_allowed());
    assert!(!verdict_with(&set, &BrowserRequest::new("https://null", "GET", "/")).is_allowed());
}

#[test]
fn private_network_preflight_is_answered_only_when_enabled() {
    let on = policy_set("policy p {\n origins \"https://a.example\"\n private-network true\n}\n");
    let mut req = BrowserRequest::new("https://a.example", "GET", "/");
    req.private_network = true;
    req.force_preflight = true;
    let x = expected(&on, &CHROMIUM, &req);
    let (_, pre) = x.preflight.as_ref().expect("a preflight");
    assert_eq!(
        crate::eval::get(&pre.headers, "access-control-allow-private-network").as_deref(),
        Some("true")
    );
    assert!(x.verdict.is_allowed());
    let off = policy_set("policy p {\n origins \"https://a.example\"\n}\n");
    let x = expected(&off, &CHROMIUM, &req);
    let (_, pre) = x.preflight.as_ref().expect("a preflight");
    assert_eq!(
        crate::eval::get(&pre.headers, "access-control-allow-private-network"),
        None
    );
    // No browser model gates a request on the header: Chromium 142 asks the user instead
    // (Local Network Access), and Firefox and WebKit never had it.
    for m in browser::MODELS {
        assert!(expected(&off, m, &req).verdict.is_allowed(), "{}", m.name);
    }
}

#[test]
fn query_is_preflighted_and_matched_byte_for_byte() {
    // RFC 10008's QUERY is not CORS-safelisted and not one of the six methods Fetch
    // upper-cases: `query` is sent as written and `QUERY` does not allow it.
    let set = policy_set("policy p {\n origins \"https://a.example\"\n methods QUERY\n}\n");
    let upper = BrowserRequest::new("https://a.example", "QUERY", "/");
    assert!(upper.needs_preflight());
    assert_eq!(
        upper
            .preflight()
            .unwrap()
            .header("access-control-request-method")
            .as_deref(),
        Some("QUERY")
    );
    assert!(verdict_with(&set, &upper).is_allowed());
    let lower = BrowserRequest::new("https://a.example", "query", "/");
    assert_eq!(lower.method(), "query");
    let (step, _) = blocked_step(&verdict_with(&set, &lower));
    assert_eq!(step, Step::PreflightMethod);
    let lower_listed =
        policy_set("policy p {\n origins \"https://a.example\"\n methods query\n}\n");
    assert!(!verdict_with(&lower_listed, &upper).is_allowed());
}

#[test]
fn each_engine_caps_the_preflight_cache_at_its_own_limit() {
    let h = |v: &str| vec![("Access-Control-Max-Age".to_string(), v.to_string())];
    let day = h("86400");
    assert_eq!(browser::max_age(&CHROMIUM, &day), 7200);
    assert_eq!(browser::max_age(&browser::FIREFOX, &day), 86_400);
    assert_eq!(browser::max_age(&browser::WEBKIT, &day), 600);
    assert_eq!(browser::max_age(&browser::WEBKIT, &h("300")), 300);
    assert_eq!(browser::max_age(&browser::WEBKIT, &h("-1")), 0);
}

// ---- browser half -------------------------------------------------------------------------

#[test]
fn cors_check_fails_without_acao() {
    let v = browser::judge(&CHROMIUM, &app("GET"), None, &res(200, &[]));
    assert_eq!(
        blocked_step(&v),
        (Step::CorsCheck, BlockedReason::MissingAllowOrigin)
    );
}

#[test]
fn cors_check_passes_star_without_credentials_and_fails_it_with() {
    let r = res(200, &[("Access-Control-Allow-Origin", "*")]);
    assert!(browser::judge(&CHROMIUM, &app("GET"), None, &r).is_allowed());
    let v = browser::judge(&CHROMIUM, &app("GET").with_credentials(true), None, &r);
    assert_eq!(blocked_step(&v).1, BlockedReason::WildcardWithCredentials);
}

#[test]
fn duplicate_acao_lines_are_combined_and_never_match() {
    let r = res(
        200,
        &[
            ("Access-Control-Allow-Origin", "https://app.example.com"),
            ("Access-Control-Allow-Origin", "https://app.example.com"),
        ],
    );
    let v = browser::judge(&CHROMIUM, &app("GET"), None, &r);
    assert!(matches!(
        blocked_step(&v).1,
        BlockedReason::MultipleAllowOrigin { value } if value == "https://app.example.com, https://app.example.com"
    ));
}

#[test]
fn list_valued_acao_is_blocked() {
    let r = res(
        200,
        &[(
            "Access-Control-Allow-Origin",
            "https://app.example.com https://b.example",
        )],
    );
    let v = browser::judge(&CHROMIUM, &app("GET"), None, &r);
    assert!(matches!(
        blocked_step(&v).1,
        BlockedReason::MultipleAllowOrigin { .. }
    ));
}

#[test]
fn acao_comparison_is_byte_exact() {
    for v in [
        "https://APP.example.com",
        "https://app.example.com/",
        "https://app.example.com:443",
    ] {
        let r = res(200, &[("Access-Control-Allow-Origin", v)]);
        let got = browser::judge(&CHROMIUM, &app("GET"), None, &r);
        assert!(
            matches!(blocked_step(&got).1, BlockedReason::OriginMismatch { .. }),
            "{v}"
        );
    }
}

#[test]
fn credentials_need_acac_exactly_true() {
    let req = app("GET").with_credentials(true);
    for (acac, ok) in [
        (Some("true"), true),
        (Some("True"), false),
        (Some("1"), false),
        (None, false),
    ] {
        let mut h = vec![("Access-Control-Allow-Origin", "https://app.example.com")];
        if let Some(v) = acac {
            h.push(("Access-Control-Allow-Credentials", v));
        }
        let v = browser::judge(&CHROMIUM, &req, None, &res(200, &h));
        assert_eq!(v.is_allowed(), ok, "{acac:?}");
        if !ok {
            assert!(matches!(
                blocked_step(&v).1,
                BlockedReason::CredentialsNotTrue { .. }
            ));
        }
    }
}

#[test]
fn acac_is_ignored_without_credentials() {
    let r = res(
        200,
        &[
            ("Access-Control-Allow-Origin", "https://app.example.com"),
            ("Access-Control-Allow-Credentials", "nonsense"),
        ],
    );
    assert!(browser::judge(&CHROMIUM, &app("GET"), None, &r).is_allowed());
}

fn ok_actual() -> Response {
    res(
        200,
        &[("Access-Control-Allow-Origin", "https://app.example.com")],
    )
}

#[test]
fn preflight_with_non_ok_status_fails_even_with_good_headers() {
    for status in [301, 302, 400, 404, 500] {
        let p = res(
            status,
            &[
                ("Access-Control-Allow-Origin", "https://app.example.com"),
                ("Access-Control-Allow-Methods", "PUT"),
            ],
        );
        let v = browser::judge(&CHROMIUM, &app("PUT"), Some(&p), &ok_actual());
        assert_eq!(
            blocked_step(&v),
            (Step::PreflightStatus, BlockedReason::StatusNotOk { status })
        );
    }
}

#[test]
fn preflight_method_match_is_case_sensitive() {
    let p = res(
        204,
        &[
            ("Access-Control-Allow-Origin", "https://app.example.com"),
            ("Access-Control-Allow-Methods", "PATCH"),
        ],
    );
    assert!(browser::judge(&CHROMIUM, &app("PATCH"), Some(&p), &ok_actual()).is_allowed());
    let v = browser::judge(&CHROMIUM, &app("patch"), Some(&p), &ok_actual());
    assert_eq!(blocked_step(&v).0, Step::PreflightMethod);
    // `put` is normalized to `PUT` by fetch(), so a lower-case `put` in ACAM never matches.
    let p = res(
        204,
        &[
            ("Access-Control-Allow-Origin", "https://app.example.com"),
            ("Access-Control-Allow-Methods", "put"),
        ],
    );
    assert_eq!(
        blocked_step(&browser::judge(
            &CHROMIUM,
            &app("put"),
            Some(&p),
            &ok_actual()
        ))
        .0,
        Step::PreflightMethod
    );
}

#[test]
fn star_methods_count_only_without_credentials() {
    let p = res(
        204,
        &[
            ("Access-Control-Allow-Origin", "https://app.example.com"),
            ("Access-Control-Allow-Credentials", "true"),
            ("Access-Control-Allow-Methods", "*"),
        ],
    );
    let a = res(
        200,
        &[
            ("Access-Control-Allow-Origin", "https://app.example.com"),
            ("Access-Control-Allow-Credentials", "true"),
        ],
    );
    assert!(browser::judge(&CHROMIUM, &app("DELETE"), Some(&p), &a).is_allowed());
    let v = browser::judge(
        &CHROMIUM,
        &app("DELETE").with_credentials(true),
        Some(&p),
        &a,
    );
    assert!(matches!(
        blocked_step(&v).1,
        BlockedReason::MethodNotAllowed {
            wildcard_with_credentials: true,
            ..
        }
    ));
}

#[test]
fn unparsable_allow_list_fails_the_preflight() {
    let p = res(
        204,
        &[
            ("Access-Control-Allow-Origin", "https://app.example.com"),
            ("Access-Control-Allow-Methods", "PUT;DELETE"),
        ],
    );
    let v = browser::judge(&CHROMIUM, &app("PUT"), Some(&p), &ok_actual());
    assert_eq!(blocked_step(&v).0, Step::PreflightAllowList);
}

#[test]
fn empty_list_elements_and_several_lines_are_tolerated() {
    let p = res(
        204,
        &[
            ("Access-Control-Allow-Origin", "https://app.example.com"),
            ("Access-Control-Allow-Methods", "GET, ,PUT"),
            ("Access-Control-Allow-Methods", "DELETE"),
        ],
    );
    assert!(browser::judge(&CHROMIUM, &app("DELETE"), Some(&p), &ok_actual()).is_allowed());
}

#[test]
fn unlisted_request_header_fails_case_insensitively_listed_passes() {
    let req = app("GET").with_header("X-Token", "1");
    let p = |acah: &str| {
        res(
            204,
            &[
                ("Access-Control-Allow-Origin", "https://app.example.com"),
                ("Access-Control-Allow-Headers", acah),
            ],
        )
    };
    assert!(browser::judge(&CHROMIUM, &req, Some(&p("X-TOKEN")), &ok_actual()).is_allowed());
    let v = browser::judge(&CHROMIUM, &req, Some(&p("x-other")), &ok_actual());
    assert!(
        matches!(blocked_step(&v).1, BlockedReason::HeaderNotAllowed { header, .. } if header == "x-token")
    );
}

#[test]
fn star_headers_cover_authorization_in_chromium_but_not_in_the_spec() {
    let req = app("GET").with_header("Authorization", "Bearer x");
    let p = res(
        204,
        &[
            ("Access-Control-Allow-Origin", "https://app.example.com"),
            ("Access-Control-Allow-Headers", "*"),
        ],
    );
    assert!(browser::judge(&CHROMIUM, &req, Some(&p), &ok_actual()).is_allowed());
    let v = browser::judge(&SPEC, &req, Some(&p), &ok_actual());
    assert_eq!(
        blocked_step(&v),
        (
            Step::PreflightAuthorization,
            BlockedReason::AuthorizationNotCovered { wildcard: true }
        )
    );
}

#[test]
fn star_headers_cover_nothing_with_credentials() {
    let req = app("GET")
        .with_credentials(true)
        .with_header("X-Token", "1");
    let h = [
        ("Access-Control-Allow-Origin", "https://app.example.com"),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Allow-Headers", "*"),
    ];
    let v = browser::judge(&CHROMIUM, &req, Some(&res(204, &h)), &res(200, &h[..2]));
    assert!(matches!(
        blocked_step(&v).1,
        BlockedReason::HeaderNotAllowed {
            wildcard_with_credentials: true,
            ..
        }
    ));
}

#[test]
fn max_age_defaults_to_five_and_is_capped_per_browser() {
    let h = |v: &str| vec![("Access-Control-Max-Age".to_string(), v.to_string())];
    assert_eq!(max_age(&CHROMIUM, &Vec::new()), 5);
    assert_eq!(max_age(&CHROMIUM, &h("600")), 600);
    assert_eq!(max_age(&CHROMIUM, &h("86400")), 7200);
    assert_eq!(max_age(&FIREFOX, &h("86400")), 86400);
    assert_eq!(max_age(&FIREFOX, &h("999999")), 86400);
    assert_eq!(max_age(&CHROMIUM, &h("1.5")), 5);
    assert_eq!(max_age(&CHROMIUM, &h("-1")), 0);
    assert_eq!(max_age(&SPEC, &h("-1")), 5);
    let two = vec![
        ("Access-Control-Max-Age".to_string(), "60".to_string()),
        ("Access-Control-Max-Age".to_string(), "60".to_string()),
    ];
    assert_eq!(max_age(&CHROMIUM, &two), 5);
}

#[test]
fn exposed_headers_are_safelisted_plus_listed_and_star_only_without_credentials() {
    let h = vec![
        ("Access-Control-Allow-Origin".to_string(), "*".to_string()),
        (
            "Access-Control-Expose-Headers".to_string(),
            "X-Id, *".to_string(),
        ),
    ];
    let e = browser::exposure(&app("GET"), &h);
    assert!(e.readable("X-Anything") && e.readable("x-id"));
    assert!(!e.readable("Set-Cookie"));
    let e = browser::exposure(&app("GET").with_credentials(true), &h);
    assert!(e.readable("x-id") && e.readable("content-type"));
    assert!(!e.readable("x-anything"));
}

#[test]
fn forbidden_methods_are_refused_before_sending() {
    let v = verdict(SPA, &app("TRACE"));
    assert_eq!(blocked_step(&v).0, Step::Request);
}

#[test]
fn the_spa_policy_allows_its_own_frontend_and_blocks_others() {
    let put = app("PUT")
        .with_credentials(true)
        .with_header("Content-Type", "application/json")
        .with_header("X-CSRF-Token", "t");
    let v = verdict(SPA, &put);
    assert!(matches!(
        v,
        Verdict::Allowed { preflight_cache_seconds: Some(7200), ref exposure } if exposure.names == vec!["x-request-id"]
    ));
    let mut evil = put.clone();
    evil.origin = "https://evil.test".into();
    assert_eq!(
        blocked_step(&verdict(SPA, &evil)).0,
        Step::PreflightCorsCheck
    );
    let unlisted = app("PUT")
        .with_credentials(true)
        .with_header("X-Other", "1");
    assert_eq!(
        blocked_step(&verdict(SPA, &unlisted)).0,
        Step::PreflightHeaders
    );
    let post = app("POST").with_credentials(true);
    assert!(
        verdict(SPA, &post).is_allowed(),
        "safelisted methods need no listing"
    );
    let purge = app("PURGE").with_credentials(true);
    assert_eq!(blocked_step(&verdict(SPA, &purge)).0, Step::PreflightMethod);
}

// ---- probes -------------------------------------------------------------------------------

#[test]
fn probes_cover_allowed_origins_near_misses_and_outside_scope() {
    let set = policy_set(SPA);
    let ps = probes(&set, ProbeOptions::default());
    let origins: std::collections::BTreeSet<&str> =
        ps.iter().map(|p| p.request.origin.as_str()).collect();
    for o in [
        "https://app.example.com",
        "https://app.example.com.evil.test",
        "https://evilexample.com",
        "http://app.example.com",
        "https://app.example.com:8444",
        "null",
    ] {
        assert!(origins.contains(o), "{o} missing from {origins:?}");
    }
    assert!(ps.iter().any(|p| p.intent == Intent::OutsideScope));
    assert!(ps.iter().any(|p| p.request.credentials));
    assert!(ps.iter().any(|p| !p.request.credentials));
    assert!(ps.iter().any(|p| p.request.needs_preflight()));
    for p in ps.iter().filter(|p| p.intent == Intent::NearMiss) {
        assert!(
            !expected(&set, &CHROMIUM, &p.request).verdict.is_allowed(),
            "{}",
            p.label
        );
    }
}

#[test]
fn pattern_probes_instantiate_a_subdomain_and_try_the_apex() {
    let set =
        policy_set("policy p {\n origins \"https://*.example.net\", \"http://localhost:*\"\n}\n");
    let ps = probes(&set, ProbeOptions::default());
    let has = |o: &str| ps.iter().any(|p| p.request.origin == o);
    assert!(has("https://corsc-probe.example.net"));
    assert!(has("https://example.net"));
    assert!(has("http://localhost:8443"));
    assert!(has("http://localhost"));
}

#[test]
fn probe_count_is_bounded() {
    let set = policy_set(SPA);
    let ps = probes(
        &set,
        ProbeOptions {
            max_probes: 7,
            full_matrix_origins: 4,
            ..ProbeOptions::default()
        },
    );
    assert_eq!(ps.len(), 7);
}

#[test]
fn comparison_flags_extra_permission_and_ignores_status_and_vary() {
    let set = policy_set(SPA);
    let req = BrowserRequest::new("https://evil.test", "GET", "/api/x").with_credentials(true);
    let exp = expected(&set, &CHROMIUM, &req);
    let reflecting = browser::run::<()>(&CHROMIUM, &req, |w| {
        Ok(res(
            200,
            &[
                (
                    "Access-Control-Allow-Origin",
                    get(&w.headers, "origin").unwrap().as_str(),
                ),
                ("Access-Control-Allow-Credentials", "true"),
            ],
        ))
    })
    .unwrap();
    let c = compare(&req, &exp, &reflecting);
    assert!(!c.ok());
    assert!(c
        .mismatches
        .iter()
        .any(|m| m.contains("grants `https://evil.test` with credentials")));
    // The policy's own answers, with a 200 preflight and no Vary, are equivalent.
    let good = app("PUT").with_credentials(true);
    let exp = expected(&set, &CHROMIUM, &good);
    let relaxed = browser::run::<()>(&CHROMIUM, &good, |w| {
        let mut r = respond(&set, w);
        r.status = 200;
        r.headers.retain(|(n, _)| n != "Vary");
        Ok(r)
    })
    .unwrap();
    let c = compare(&good, &exp, &relaxed);
    assert!(c.ok(), "{c:?}");
    assert!(!c.notes.is_empty());
}

#[test]
fn credentials_header_without_acao_is_inert_and_with_it_is_extra_permission() {
    let set = policy_set(
        "policy api {\n    paths \"/api/*\"\n    origins \"https://app.example.com\"\n}\n",
    );
    // A refused origin gets `Access-Control-Allow-Credentials: true` alone (as Traefik sends
    // it to every origin): the browser stops at the missing origin, nothing is granted.
    let evil = BrowserRequest::new("https://evil.test", "GET", "/api/x").with_credentials(true);
    let exp = expected(&set, &CHROMIUM, &evil);
    let lone = browser::run::<()>(&CHROMIUM, &evil, |_| {
        Ok(res(200, &[("Access-Control-Allow-Credentials", "true")]))
    })
    .unwrap();
    let c = compare(&evil, &exp, &lone);
    assert!(c.mismatches.is_empty(), "{c:?}");
    assert!(c.notes.iter().any(|n| n.contains("inert")), "{c:?}");
    // Beside an `Access-Control-Allow-Origin`, the same header grants what the policy does not.
    let ok = BrowserRequest::new("https://app.example.com", "GET", "/api/x");
    let exp = expected(&set, &CHROMIUM, &ok);
    let extra = browser::run::<()>(&CHROMIUM, &ok, |_| {
        Ok(res(
            200,
            &[
                ("Access-Control-Allow-Origin", "https://app.example.com"),
                ("Access-Control-Allow-Credentials", "true"),
                ("Vary", "Origin"),
            ],
        ))
    })
    .unwrap();
    let c = compare(&ok, &exp, &extra);
    assert!(
        c.mismatches.iter().any(|m| m.contains("does not grant")),
        "{c:?}"
    );
}

#[test]
fn not_plain_path_regex_is_the_complement_of_plain_form() {
    let re = regex::Regex::new(&format!("^(?:{})$", super::NOT_PLAIN_PATH)).unwrap();
    let alphabet = [
        "a", "z", "0", "-", ".", "_", "~", "!", "$", "&", "'", "(", "*", ";", "=", ":", "@", "/",
        "A", "%", "\\", "é", " ", "?",
    ];
    // Every path of up to four characters over the alphabet, and a few longer ones.
    let mut paths: Vec<String> = vec![String::new()];
    for _ in 0..4 {
        let next: Vec<String> = paths
            .iter()
            .flat_map(|p| alphabet.iter().map(move |c| format!("{p}{c}")))
            .collect();
        paths.extend(next);
    }
    paths.extend(
        [
            "/api/v1/",
            "/api/../x",
            "/api/./x",
            "/a//b",
            "/...",
            "/a/...",
            "/API",
            "/a%2fb",
            "*",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    for p in paths.iter().filter(|p| !p.contains('?')) {
        assert_eq!(re.is_match(p), !super::plain_form(p), "{p:?}");
    }
}
