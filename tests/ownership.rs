//! One layer answers CORS, never both: the `owner` rule of the plan (`emit::ownership`), for
//! every registered target, through the library and the CLI; and, live, real nginx in front of
//! a real Express app compiled from the same policy, where the browser sees exactly one
//! `Access-Control-Allow-Origin` — while the same setup without nginx's stripping sees two.

mod support;
use support::{edge, engines, frameworks};

use corsc::emit::ownership::Layer;
use corsc::emit::{self, Options, Output, Provenance, Shape};
use corsc::ir::PolicySet;
use std::time::Duration;

const POLICY: &str = r#"policy api {
    paths            "/api/*"
    origins          "https://app.example.com", "https://admin.example.com"
    methods          PUT, DELETE
    request-headers  Content-Type
    expose-headers   X-Request-Id
    credentials      true
    max-age          10m
}
"#;

fn set_of(text: &str) -> PolicySet {
    let src = corsc::source::Source::new("owner.cors", text.to_string());
    let file = corsc::syntax::parse(&src).expect("parses");
    let checked = corsc::check::check(&file, None);
    checked.policies.expect("checks")
}

fn compile_for(text: &str, target: &str) -> Result<Output, Vec<corsc::diagnostics::Diagnostic>> {
    let set = set_of(text);
    let t = emit::find(target).expect("registered target");
    let prov = Provenance::new("owner.cors", text.as_bytes(), None);
    let options = Options {
        shape: t.meta().capabilities.shapes[0],
        ..Options::default()
    };
    emit::compile(&set, t, &options, &prov)
}

fn with_owner(owner: &str) -> String {
    format!("owner {owner}\n\n{POLICY}")
}

#[test]
fn proxies_are_servers_and_gateways_and_everything_else_is_an_application() {
    for t in emit::TARGETS {
        let expected = if matches!(
            t.id(),
            "nginx"
                | "apache"
                | "caddy"
                | "haproxy"
                | "gateway-api"
                | "ingress-nginx"
                | "s3"
                | "gcs"
                | "cloudfront"
                | "traefik"
                | "envoy"
                | "istio"
                | "workers"
        ) {
            Layer::Proxy
        } else {
            Layer::App
        };
        assert_eq!(t.layer(), expected, "{}", t.id());
    }
}

#[test]
fn owner_proxy_refuses_every_application_target_and_proxies_strip_the_app() {
    let text = with_owner("proxy");
    for t in emit::TARGETS {
        let result = compile_for(&text, t.id());
        match t.layer() {
            Layer::App => {
                let d = result.expect_err(t.id());
                assert!(d.iter().any(|d| d.code == "P305"), "{}: {d:#?}", t.id());
                let msg = &d.iter().find(|d| d.code == "P305").unwrap().message;
                assert!(
                    msg.contains("owned by the proxy") && msg.contains("must not add CORS headers"),
                    "{msg}"
                );
            }
            // A bucket answers for its own objects: there is no application behind it to strip;
            // it, CloudFront and Traefik refuse this policy for what it says (its path scope:
            // P301), never for who owns CORS, and compile a policy they can say.
            Layer::Proxy if matches!(t.id(), "s3" | "gcs" | "cloudfront" | "traefik") => {
                let d = result.expect_err(t.id());
                assert!(d.iter().all(|d| d.code == "P301"), "{}: {d:#?}", t.id());
                let plain = "owner proxy\n\npolicy api {\n    origins *\n}\n";
                let out = compile_for(plain, t.id())
                    .unwrap_or_else(|d| panic!("{}: {d:#?}", t.id()))
                    .joined();
                // CloudFront cannot strip and says so; Traefik strips (below); a bucket has
                // nothing behind it.
                let says = match t.id() {
                    "cloudfront" => "must send no CORS headers",
                    "traefik" => "Access-Control-Allow-Origin: ''",
                    _ => "",
                };
                assert!(out.contains(says), "{}:\n{out}", t.id());
            }
            Layer::Proxy => {
                let out = result
                    .unwrap_or_else(|d| panic!("{}: {d:#?}", t.id()))
                    .joined();
                let strip = match t.id() {
                    "nginx" => "proxy_hide_header Access-Control-Allow-Origin;",
                    // Neither can remove an upstream header reliably: the output says so.
                    "gateway-api" | "ingress-nginx" => "the application must send none",
                    // Envoy and Istio: the route removes them before the filter adds its own.
                    "envoy" => "- access-control-allow-origin\n",
                    "istio" => "- Access-Control-Allow-Origin\n",
                    // Caddy: a deferred `header` removing it (the fragment's own is set after).
                    "caddy" => "-Access-Control-Allow-Origin\n",
                    // HAProxy: deleted from every response in a scope, before its own is set.
                    "haproxy" => "http-after-response del-header Access-Control-Allow-Origin if",
                    // Workers: every name of CORS_HEADERS deleted from the handler's response.
                    "workers" => "\"Access-Control-Allow-Origin\",",
                    _ => "unset Access-Control-Allow-Origin",
                };
                assert!(out.contains(strip), "{}:\n{out}", t.id());
            }
        }
    }
}

#[test]
fn owner_app_refuses_every_proxy_and_application_output_says_who_owns_cors() {
    let text = with_owner("app");
    for t in emit::TARGETS {
        let result = compile_for(&text, t.id());
        match t.layer() {
            Layer::Proxy => {
                let d = result.expect_err(t.id());
                assert!(d.iter().any(|d| d.code == "P303"), "{}: {d:#?}", t.id());
            }
            Layer::App => {
                // Some libraries refuse features of the policy itself (P301); ownership must
                // never be the reason.
                match result {
                    Ok(out) => {
                        if ["tower-http", "actix"].contains(&t.id()) {
                            assert!(
                                out.joined().contains("CORS is owned by the application"),
                                "{}",
                                t.id()
                            );
                        }
                    }
                    Err(d) => assert!(
                        d.iter().all(|d| d.code != "P303" && d.code != "P305"),
                        "{}: {d:#?}",
                        t.id()
                    ),
                }
            }
        }
    }
}

#[test]
fn without_owner_proxies_strip_and_applications_warn_about_a_cors_proxy() {
    for target in ["nginx", "apache"] {
        let out = compile_for(POLICY, target).expect("compiles").joined();
        for h in corsc::emit::plan::CORS_RESPONSE_HEADERS {
            assert!(out.contains(h), "{target} does not mention {h}");
        }
        let strip = if target == "nginx" {
            "proxy_hide_header Access-Control-Allow-Origin;"
        } else {
            "Header onsuccess unset Access-Control-Allow-Origin"
        };
        assert!(out.contains(strip), "{target}:\n{out}");
    }
    for target in ["tower-http", "actix"] {
        let out = compile_for(POLICY, target).expect("compiles").joined();
        assert!(
            out.contains("must not sit behind a proxy that adds CORS headers"),
            "{target}:\n{out}"
        );
    }
}

#[test]
fn the_cli_refuses_with_p305_exit_1_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let policy = dir.path().join("owned.cors");
    std::fs::write(&policy, with_owner("proxy")).expect("write");
    let out_file = dir.path().join("cors.rs");
    let o = support::cli::command()
        .args(["compile", "--target", "axum", "--color", "never"])
        .arg(&policy)
        .arg("-o")
        .arg(&out_file)
        .output()
        .expect("corsc runs");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("P305"), "{stderr}");
    assert!(stderr.contains("help"), "{stderr}");
    assert!(!out_file.exists());
    assert!(o.stdout.is_empty());
}

/// Starts nginx (foreground) with the include shape of `out` and a `corsc-upstream.conf`
/// proxying to `upstream`; `hide` false removes nginx's `proxy_hide_header` lines, to show what
/// the rule prevents.
fn nginx_in_front(
    bin: &std::path::Path,
    out: &Output,
    upstream: u16,
    hide: bool,
) -> engines::Running {
    let mut out = out.clone();
    if !hide {
        for p in &mut out.parts {
            p.text = p
                .text
                .lines()
                .filter(|l| !l.trim_start().starts_with("proxy_hide_header"))
                .map(|l| format!("{l}\n"))
                .collect();
        }
    }
    let work = engines::Workdir::new();
    let port = engines::free_port();
    work.write(
        "corsc-upstream.conf",
        &format!("proxy_pass http://127.0.0.1:{upstream};\n"),
    );
    let conf = engines::nginx_setup(&work, &out, port, true);
    engines::launch(engines::Engine::Nginx, bin, work, &conf, port)
        .unwrap_or_else(|e| panic!("nginx in front: {e}"))
}

fn acao_lines(report: &corsc::eval::live::Report) -> usize {
    report
        .results
        .iter()
        .filter_map(|r| r.observed.as_ref().ok())
        .flat_map(|x| [x.preflight.as_ref(), x.actual.as_ref()])
        .flatten()
        .map(|(_, res)| corsc::eval::get_all(&res.headers, "access-control-allow-origin").len())
        .max()
        .unwrap_or(0)
}

#[test]
fn nginx_in_front_of_express_gives_the_browser_one_allow_origin() {
    let test = "nginx in front of express";
    let Some(nginx) = engines::require(engines::Engine::Nginx, test) else {
        return;
    };
    let Some(node) = frameworks::require(frameworks::Runtime::Node, &["express", "cors"], test)
    else {
        return;
    };
    let set = set_of(POLICY);
    let app_out = compile_for(POLICY, "express").expect("express compiles");
    let proxy_out = compile_for(POLICY, "nginx").expect("nginx compiles");
    assert_eq!(
        emit::Options::default().shape,
        Shape::Include,
        "the proxy uses the include shape"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let module = dir.path().join("corsc-express.cjs");
    std::fs::write(&module, &app_out.parts[0].text).expect("write module");
    let app = frameworks::start(
        frameworks::serve_command(frameworks::Runtime::Node, &node, "express", &[module]),
        1,
        Duration::from_secs(60),
    )
    .expect("express starts");
    let app_port = app.ports[0];
    // Expected answers follow the routing of whoever answers CORS: Express alone, or nginx in
    // front (its location decides; the app's CORS headers are hidden).
    let verify_as = |url: &str, routing: corsc::eval::Routing| {
        corsc::eval::live::verify(
            &set,
            url,
            &corsc::eval::browser::CHROMIUM,
            corsc::eval::probe::ProbeOptions {
                routing,
                ..corsc::eval::probe::ProbeOptions::default()
            },
            Duration::from_secs(10),
        )
        .expect("verify runs")
    };
    let verify = |url: &str| verify_as(url, corsc::eval::Routing::Nginx);

    // The app alone answers CORS itself (so a proxy that added its own would double it).
    let direct = verify_as(
        &format!("http://127.0.0.1:{app_port}"),
        corsc::eval::Routing::Express,
    );
    assert_eq!(direct.mismatches(), 0);
    assert_eq!(acao_lines(&direct), 1, "the app sends its own ACAO");

    // nginx in front, compiled from the same file: one ACAO, zero mismatches.
    let front = nginx_in_front(&nginx, &proxy_out, app_port, true);
    let report = verify(&format!("http://{}", front.addr));
    let bad: Vec<_> = report.results.iter().filter(|r| !r.ok()).collect();
    assert!(
        bad.is_empty(),
        "{:#?}\n{}",
        bad.iter()
            .map(|r| (&r.probe.label, &r.comparison.mismatches))
            .collect::<Vec<_>>(),
        front.work.error_log()
    );
    assert_eq!(acao_lines(&report), 1, "exactly one ACAO through nginx");
    assert!(report.results.iter().all(|r| r
        .comparison
        .notes
        .iter()
        .all(|n| !n.contains("Access-Control-Allow-Origin lines"))));
    eprintln!(
        "nginx → express: {} probes, {} requests, 0 mismatches, at most one ACAO",
        report.results.len(),
        report.requests
    );
    drop(front);

    // The control: the same nginx without `proxy_hide_header` hands the browser two ACAO lines,
    // and browsers refuse what the policy allows.
    let leaky = nginx_in_front(&nginx, &proxy_out, app_port, false);
    let report = verify(&format!("http://{}", leaky.addr));
    assert_eq!(
        acao_lines(&report),
        2,
        "the control shows the doubled header"
    );
    assert!(report.mismatches() > 0);
}

/// CloudFront cannot remove what the application sends where it answers no CORS itself: with
/// `owner proxy` and a policy it can say, its file says the application must send none.
#[test]
fn cloudfront_says_the_application_must_send_no_cors_headers() {
    let text = "owner proxy\n\npolicy api {\n    origins \"https://app.example.com\"\n}\n";
    let out = compile_for(text, "cloudfront").expect("compiles").joined();
    assert!(out.contains("must send no CORS headers"), "{out}");
}

/// Traefik's middleware removes the service's CORS headers (`customResponseHeaders` with empty
/// values run before it sets its own): with `owner proxy`, it strips the app.
#[test]
fn traefik_strips_the_applications_cors_headers() {
    let text = "owner proxy\n\npolicy api {\n    origins \"https://app.example.com\"\n}\n";
    let out = compile_for(text, "traefik").expect("compiles").joined();
    assert!(out.contains("Access-Control-Allow-Origin: ''"), "{out}");
    assert!(
        out.contains("Access-Control-Allow-Credentials: ''"),
        "{out}"
    );
}

/// HAProxy in front of the same Express app, compiled from the same file: its
/// `http-after-response` rules delete the app's CORS headers in every scope before setting
/// their own, so the browser sees one `Access-Control-Allow-Origin` and zero mismatches.
#[test]
fn haproxy_in_front_of_express_gives_the_browser_one_allow_origin() {
    let test = "haproxy in front of express";
    if edge::haproxy_version().is_none() {
        edge::skip_or_fail(test, "`haproxy` is not installed (apt-get install haproxy)");
        return;
    }
    let Some(node) = frameworks::require(frameworks::Runtime::Node, &["express", "cors"], test)
    else {
        return;
    };
    let set = set_of(POLICY);
    let app_out = compile_for(POLICY, "express").expect("express compiles");
    let proxy_out = compile_for(POLICY, "haproxy").expect("haproxy compiles");
    let dir = tempfile::tempdir().expect("temp dir");
    let module = dir.path().join("corsc-express.cjs");
    std::fs::write(&module, &app_out.parts[0].text).expect("write module");
    let app = frameworks::start(
        frameworks::serve_command(frameworks::Runtime::Node, &node, "express", &[module]),
        1,
        Duration::from_secs(60),
    )
    .expect("express starts");
    let port = edge::distinct_ports(1)[0];
    let conf = edge::haproxy_configuration(
        &edge::Upstream::App(app.ports[0]),
        &[(&proxy_out.parts[0].text, port)],
    );
    edge::haproxy_check(dir.path(), &conf).unwrap_or_else(|e| panic!("haproxy -c: {e}"));
    let running = edge::haproxy_start(dir.path(), &conf, &[port]);
    let report = corsc::eval::live::verify(
        &set,
        &format!("http://127.0.0.1:{port}"),
        &corsc::eval::browser::CHROMIUM,
        corsc::eval::probe::ProbeOptions {
            routing: corsc::eval::Routing::Haproxy,
            ..corsc::eval::probe::ProbeOptions::default()
        },
        Duration::from_secs(10),
    )
    .expect("verify runs");
    drop(running);
    let bad: Vec<_> = report
        .results
        .iter()
        .filter(|r| !r.ok())
        .map(|r| (&r.probe.label, &r.comparison.mismatches))
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
    assert_eq!(acao_lines(&report), 1, "exactly one ACAO through haproxy");
    eprintln!(
        "haproxy → express: {} probes, {} requests, 0 mismatches, at most one ACAO",
        report.results.len(),
        report.requests
    );
}
