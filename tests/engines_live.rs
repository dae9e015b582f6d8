//! Real nginx and Apache, started on 127.0.0.1 with the configuration corsc generates for each
//! example policy, answer as the policy says: preflights from allowed origins get 204 with the
//! right headers, refused origins get no CORS header (only `Vary: Origin`), actual responses
//! carry `Access-Control-Allow-Origin` only for allowed origins, and nothing is doubled.

mod support;
use support::{engines, http};

use corsc::emit::Shape;
use corsc::ir::{HostPattern, OriginKind, PathScope, Policy, PortSpec};
use engines::{compile, free_port, policy_files, profiles, require, start, Engine, Running};

/// A path inside a scope.
fn probe_path(scope: &PathScope) -> String {
    match scope {
        PathScope::Exact(p) => p.clone(),
        PathScope::Prefix(p) if p.ends_with('/') => format!("{p}probe"),
        PathScope::Prefix(p) => format!("{p}-probe"),
    }
}

fn probe_paths(policy: &Policy) -> Vec<String> {
    if policy.paths.is_empty() {
        vec!["/anything/probe".to_string()]
    } else {
        policy.paths.iter().map(|s| probe_path(&s.node)).collect()
    }
}

/// An origin the policy allows, derived from its entries (regex entries are not inverted).
fn allowed_origin(policy: &Policy) -> Option<String> {
    policy.origins.value.iter().find_map(|o| match &o.kind {
        OriginKind::Any => Some("https://anyone.example".to_string()),
        OriginKind::Exact(x) => Some(x.to_string()),
        OriginKind::Pattern(p) => {
            let host = match &p.host {
                HostPattern::Exact(h) => h.clone(),
                HostPattern::Subdomains(b) => format!("tenant-1.{b}"),
            };
            let port = match p.port {
                PortSpec::Default => String::new(),
                PortSpec::Fixed(n) => format!(":{n}"),
                PortSpec::Any => ":5173".to_string(),
            };
            Some(format!("{}://{host}{port}", p.scheme))
        }
        _ => None,
    })
}

fn exact_origin(policy: &Policy) -> Option<String> {
    policy.origins.value.iter().find_map(|o| match &o.kind {
        OriginKind::Exact(x) => Some(x.to_string()),
        _ => None,
    })
}

fn get(srv: &Running, method: &str, path: &str, headers: &[(&str, &str)]) -> http::Response {
    http::request(&srv.addr, method, path, headers)
        .unwrap_or_else(|e| panic!("{method} {path}: {e}\n{}", srv.work.error_log()))
}

/// Checks one running server against every policy of the set it was configured with.
fn check_server(srv: &Running, set: &corsc::ir::PolicySet, what: &str) -> usize {
    let mut checks = 0;
    for policy in &set.policies {
        let any = policy.allows_any_origin();
        let Some(origin) = allowed_origin(policy) else {
            continue;
        };
        let m = &policy.methods.value;
        let method = m
            .list
            .first()
            .map_or("PUT", |s| s.node.as_str())
            .to_string();
        let h = &policy.request_headers.value;
        let names: Vec<&str> = h.list.iter().map(|s| s.node.as_str()).collect();
        let acrh = if names.is_empty() {
            "x-probe".to_string()
        } else {
            names.join(",")
        };
        for path in probe_paths(policy) {
            let ctx = format!("{what}: policy `{}` {path} from {origin}", policy.name.node);
            // 1. A preflight from an allowed origin.
            let r = get(
                srv,
                "OPTIONS",
                &path,
                &[
                    ("Origin", &origin),
                    ("Access-Control-Request-Method", &method),
                    ("Access-Control-Request-Headers", &acrh),
                ],
            );
            assert_eq!(r.status, 204, "{ctx}: {r:#?}");
            let acao = r.one("access-control-allow-origin");
            assert_eq!(
                acao,
                Some(if any { "*" } else { origin.as_str() }),
                "{ctx}: {r:#?}"
            );
            let acac = r.one("access-control-allow-credentials");
            assert_eq!(
                acac,
                policy.credentials.value.then_some("true"),
                "{ctx}: {r:#?}"
            );
            if m.any.is_some() || !m.list.is_empty() {
                let acam = r.one("access-control-allow-methods").unwrap_or_default();
                assert!(
                    acam == "*" || acam.split(", ").any(|x| x == method),
                    "{ctx}: {r:#?}"
                );
            }
            if !names.is_empty() {
                let allowed = r
                    .one("access-control-allow-headers")
                    .unwrap_or_default()
                    .to_string();
                for n in &names {
                    assert!(
                        allowed.split(", ").any(|x| x == *n),
                        "{ctx}: `{n}` in {r:#?}"
                    );
                }
            }
            let max_age = policy.max_age.value.map(|a| a.to_string());
            assert_eq!(
                r.one("access-control-max-age"),
                max_age.as_deref(),
                "{ctx}: {r:#?}"
            );
            if !any {
                assert!(r.vary().contains(&"origin".to_string()), "{ctx}: {r:#?}");
            }
            // 2. An actual request from the allowed origin.
            let r = get(srv, "GET", &path, &[("Origin", &origin)]);
            assert!(r.status < 500, "{ctx}: {r:#?}");
            assert_eq!(
                r.one("access-control-allow-origin"),
                Some(if any { "*" } else { origin.as_str() }),
                "{ctx}: {r:#?}"
            );
            assert_eq!(r.one("access-control-allow-methods"), None, "{ctx}: {r:#?}");
            let e = &policy.expose_headers.value;
            if let Some(first) = e.list.first() {
                let exposed = r
                    .one("access-control-expose-headers")
                    .unwrap_or_default()
                    .to_string();
                assert!(exposed.contains(first.node.as_str()), "{ctx}: {r:#?}");
            }
            checks += 2;
            if any {
                assert!(
                    !r.vary().contains(&"origin".to_string()),
                    "{ctx}: a static `*` needs no Vary: {r:#?}"
                );
                continue;
            }
            // 3. A preflight and an actual request from a refused origin: no CORS header.
            for refused in [
                "https://evil.example",
                "null",
                "https://example.org.evil.example",
            ] {
                if policy
                    .origins
                    .value
                    .iter()
                    .any(|o| matches!(o.kind, OriginKind::Null))
                    && refused == "null"
                {
                    continue;
                }
                let r = get(
                    srv,
                    "OPTIONS",
                    &path,
                    &[
                        ("Origin", refused),
                        ("Access-Control-Request-Method", &method),
                    ],
                );
                assert_eq!(
                    r.status, 204,
                    "{ctx}: refused preflight from {refused}: {r:#?}"
                );
                for h in [
                    "access-control-allow-origin",
                    "access-control-allow-credentials",
                    "access-control-allow-methods",
                    "access-control-allow-headers",
                    "access-control-max-age",
                ] {
                    assert_eq!(
                        r.one(h),
                        None,
                        "{ctx}: refused preflight from {refused}: {r:#?}"
                    );
                }
                assert!(r.vary().contains(&"origin".to_string()), "{ctx}: {r:#?}");
                let r = get(srv, "GET", &path, &[("Origin", refused)]);
                assert_eq!(
                    r.one("access-control-allow-origin"),
                    None,
                    "{ctx}: {refused}: {r:#?}"
                );
                assert_eq!(
                    r.one("access-control-allow-credentials"),
                    None,
                    "{ctx}: {refused}: {r:#?}"
                );
                assert!(r.vary().contains(&"origin".to_string()), "{ctx}: {r:#?}");
                checks += 2;
            }
            // 4. An exact origin in upper case is another origin: refused, byte for byte.
            if let Some(exact) = exact_origin(policy) {
                let upper = exact.to_ascii_uppercase();
                let r = get(srv, "GET", &path, &[("Origin", &upper)]);
                assert_eq!(
                    r.one("access-control-allow-origin"),
                    None,
                    "{ctx}: {upper}: {r:#?}"
                );
                checks += 1;
            }
            // 5. No Origin at all: no ACAO, still Vary.
            let r = get(srv, "GET", &path, &[]);
            assert_eq!(r.one("access-control-allow-origin"), None, "{ctx}: {r:#?}");
            assert!(r.vary().contains(&"origin".to_string()), "{ctx}: {r:#?}");
            checks += 1;
        }
    }
    // 6. Outside every scope: no CORS headers.
    if set.policy_for("/__outside/probe").is_none() {
        let o = set
            .policies
            .iter()
            .find_map(allowed_origin)
            .unwrap_or_default();
        let r = get(srv, "GET", "/__outside/probe", &[("Origin", &o)]);
        assert_eq!(
            r.one("access-control-allow-origin"),
            None,
            "{what}: outside: {r:#?}"
        );
        checks += 1;
    }
    checks
}

fn policy_set(path: &std::path::Path, profile: Option<&str>) -> corsc::ir::PolicySet {
    let text = std::fs::read_to_string(path).expect("policy");
    let src = corsc::source::Source::new(path.display().to_string(), text);
    let file = corsc::syntax::parse(&src).expect("parses");
    corsc::check::check(&file, profile).policies.expect("valid")
}

fn run_all(engine: Engine, target: &str, shapes: &[Shape]) {
    let test = format!("live {target}");
    let Some(bin) = require(engine, &test) else {
        return;
    };
    let mut servers = 0;
    let mut checks = 0;
    for path in policy_files() {
        let mut runs: Vec<Option<String>> = vec![None];
        runs.extend(profiles(&path).into_iter().map(Some));
        for profile in &runs {
            let set = policy_set(&path, profile.as_deref());
            let files: Vec<String> = set.policies.iter().flat_map(probe_paths).collect();
            for shape in shapes {
                let port = free_port();
                let out = compile(
                    &path,
                    profile.as_deref(),
                    target,
                    *shape,
                    &format!("127.0.0.1:{port}"),
                )
                .expect("compiles");
                let srv = start(engine, &bin, &out, port, &files)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                let what = format!("{target} {} {} {profile:?}", shape.as_str(), path.display());
                checks += check_server(&srv, &set, &what);
                servers += 1;
            }
        }
    }
    assert!(checks > 50, "only {checks} checks");
    eprintln!("{test}: {servers} servers, {checks} request checks passed");
}

#[test]
fn nginx_answers_as_the_policies_say() {
    run_all(Engine::Nginx, "nginx", &[Shape::Server, Shape::Include]);
}

#[test]
fn apache_answers_as_the_policies_say() {
    run_all(Engine::Apache, "apache", &[Shape::Include, Shape::Htaccess]);
}

/// Mirroring, `*` with credentials, private network, patterns, regexes and nested scopes, on
/// both engines.
fn check_features(srv: &Running, what: &str) {
    let pre = |origin: &str, acrh: &str, path: &str| {
        get(
            srv,
            "OPTIONS",
            path,
            &[
                ("Origin", origin),
                ("Access-Control-Request-Method", "PATCH"),
                ("Access-Control-Request-Headers", acrh),
                ("Access-Control-Request-Private-Network", "true"),
            ],
        )
    };
    let app = "https://app.example.com";
    let r = pre(app, "x-a,content-type", "/api/probe");
    assert_eq!(r.status, 204, "{what}: {r:#?}");
    assert_eq!(
        r.one("access-control-allow-origin"),
        Some(app),
        "{what}: {r:#?}"
    );
    assert_eq!(
        r.one("access-control-allow-credentials"),
        Some("true"),
        "{what}: {r:#?}"
    );
    // `methods *` / `request-headers *` with credentials: echoed, never a literal `*`.
    assert_eq!(
        r.one("access-control-allow-methods"),
        Some("PATCH"),
        "{what}: {r:#?}"
    );
    assert_eq!(
        r.one("access-control-allow-headers"),
        Some("x-a,content-type"),
        "{what}: {r:#?}"
    );
    assert_eq!(
        r.one("access-control-allow-private-network"),
        Some("true"),
        "{what}: {r:#?}"
    );
    assert_eq!(
        r.one("access-control-max-age"),
        Some("600"),
        "{what}: {r:#?}"
    );
    // `*` never covers authorization: asking for it gets no Allow-Headers at all.
    let r = pre(app, "authorization,x-a", "/api/probe");
    assert_eq!(
        r.one("access-control-allow-headers"),
        None,
        "{what}: {r:#?}"
    );
    assert_eq!(
        r.one("access-control-allow-origin"),
        Some(app),
        "{what}: {r:#?}"
    );
    // Port pattern: any port, none included; another host is refused.
    for (origin, ok) in [
        ("http://localhost:3000", true),
        ("http://localhost", true),
        ("http://localhost.evil.example:3000", false),
        ("https://localhost:3000", false),
        ("https://pr-12.preview.example.net", true),
        ("https://pr-12.preview.example.net.evil.example", false),
        ("https://pr-x.preview.example.net", false),
    ] {
        let r = get(srv, "GET", "/api/probe", &[("Origin", origin)]);
        let want = ok.then_some(origin);
        assert_eq!(
            r.one("access-control-allow-origin"),
            want,
            "{what}: {origin}: {r:#?}"
        );
    }
    // The more specific scope answers: `*`, no credentials, mirrored headers.
    let r = pre(app, "x-b", "/api/public/probe");
    assert_eq!(r.status, 204, "{what}: {r:#?}");
    assert_eq!(
        r.one("access-control-allow-origin"),
        Some("*"),
        "{what}: {r:#?}"
    );
    assert_eq!(
        r.one("access-control-allow-credentials"),
        None,
        "{what}: {r:#?}"
    );
    assert_eq!(
        r.one("access-control-allow-headers"),
        Some("x-b"),
        "{what}: {r:#?}"
    );
    assert_eq!(
        r.one("access-control-allow-private-network"),
        None,
        "{what}: {r:#?}"
    );
    let r = get(
        srv,
        "GET",
        "/api/public/probe",
        &[("Origin", "https://evil.example")],
    );
    assert_eq!(
        r.one("access-control-allow-origin"),
        Some("*"),
        "{what}: {r:#?}"
    );
    assert_eq!(
        r.one("access-control-allow-credentials"),
        None,
        "{what}: {r:#?}"
    );
}

#[test]
fn engines_express_mirroring_private_network_patterns_and_nested_scopes() {
    let path = std::path::Path::new("tests/fixtures/emit/features.cors");
    let files = vec!["/api/probe".to_string(), "/api/public/probe".to_string()];
    for (engine, target, shapes) in [
        (Engine::Nginx, "nginx", &[Shape::Server, Shape::Include][..]),
        (
            Engine::Apache,
            "apache",
            &[Shape::Include, Shape::Htaccess][..],
        ),
    ] {
        let Some(bin) = require(engine, "live features") else {
            continue;
        };
        for shape in shapes {
            let port = free_port();
            let out = compile(path, None, target, *shape, &format!("127.0.0.1:{port}"))
                .expect("compiles");
            let srv =
                start(engine, &bin, &out, port, &files).unwrap_or_else(|e| panic!("{target}: {e}"));
            check_features(&srv, &format!("{target} {}", shape.as_str()));
        }
    }
}

/// Each engine leads its own process group and stopping it leaves no process behind: Apache's
/// workers (run as another user, so a kill of the parent alone orphans them) are in the group
/// while it runs, and the group is empty after the drop. (The test nginx runs without a master
/// process, so its group is the one process.)
#[test]
fn engines_stop_with_every_worker() {
    let policy = std::path::Path::new("policies/spa-with-cookies.cors");
    for (engine, target) in [(Engine::Nginx, "nginx"), (Engine::Apache, "apache")] {
        let Some(bin) = require(engine, "engines stop with every worker") else {
            continue;
        };
        let port = free_port();
        let out = compile(
            policy,
            None,
            target,
            Shape::Include,
            &format!("127.0.0.1:{port}"),
        )
        .expect("compiles");
        let srv = start(engine, &bin, &out, port, &[]).expect("starts");
        let pgid = srv.pid();
        let members = support::procs::members(pgid);
        let least = if engine == Engine::Apache { 2 } else { 1 };
        assert!(
            members.len() >= least,
            "{target}: expected workers in group {pgid}, found {members:?}"
        );
        drop(srv);
        let left = support::procs::members(pgid);
        assert!(left.is_empty(), "{target}: {left:?} outlived the stop");
    }
}
