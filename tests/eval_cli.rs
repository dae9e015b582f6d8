//! `corsc simulate` end to end: output snapshots and exit codes.

mod support;

fn simulate(args: &[&str]) -> (i32, String, String) {
    let out = support::cli::corsc()
        .arg("simulate")
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const SPA: &str = "policies/spa-with-cookies.cors";

#[test]
fn allowed_credentialed_put_shows_preflight_answer_and_verdict() {
    let (code, out, err) = simulate(&[
        SPA,
        "--origin",
        "https://app.example.com",
        "--method",
        "PUT",
        "--header",
        "Content-Type:application/json",
        "--header",
        "X-CSRF-Token:abc",
        "--credentials",
        "--path",
        "/api/orders",
    ]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("simulate_spa_put_allowed", out);
}

#[test]
fn refused_origin_is_blocked_with_the_origins_line() {
    let (code, out, _) = simulate(&[
        SPA,
        "--origin",
        "https://evil.test",
        "--credentials",
        "--path",
        "/api/me",
    ]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("simulate_spa_evil_blocked", out);
}

#[test]
fn unlisted_header_blocks_at_the_preflight_and_points_at_request_headers() {
    let (code, out, _) = simulate(&[
        SPA,
        "--origin",
        "https://admin.example.com",
        "--method",
        "DELETE",
        "--header",
        "X-Debug",
        "--credentials",
    ]);
    assert_eq!(code, 1);
    assert!(
        out.contains("BLOCKED at preflight: header not allowed"),
        "{out}"
    );
    assert!(
        out.contains("the header `x-debug` is not in Access-Control-Allow-Headers"),
        "{out}"
    );
    assert!(out.contains("policies/spa-with-cookies.cors:15:5"), "{out}");
}

#[test]
fn lower_case_patch_is_not_normalized_and_is_blocked() {
    let (code, out, _) = simulate(&[
        SPA,
        "--origin",
        "https://app.example.com",
        "--method",
        "patch",
        "--credentials",
    ]);
    assert_eq!(code, 1);
    assert!(
        out.contains("the method `patch` is not in Access-Control-Allow-Methods"),
        "{out}"
    );
}

#[test]
fn json_output_has_schema_verdict_and_location() {
    let (code, out, _) = simulate(&[
        "policies/public-read-api.cors",
        "--origin",
        "https://anyone.example",
        "--path",
        "/v1/items",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let j: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(j["schema"], "corsc-simulate/1");
    assert_eq!(j["verdict"]["verdict"], "allowed");
    assert!(j["responsible"]["at"]
        .as_str()
        .unwrap()
        .starts_with("policies/public-read-api.cors:"));
    assert_eq!(j["actual"][1]["headers"][0][1], "*");
}

#[test]
fn usage_errors_exit_2_with_a_message() {
    let (code, _, err) = simulate(&[SPA, "--origin", "https://App.example.com"]);
    assert_eq!(code, 2);
    assert!(err.contains("is not an origin a browser sends"), "{err}");
    assert!(err.contains("https://app.example.com"), "{err}");
    let (code, _, err) = simulate(&["no-such-file.cors", "--origin", "https://a.example"]);
    assert_eq!(code, 2);
    assert!(err.contains("no-such-file.cors"), "{err}");
    let (code, _, err) = simulate(&[
        SPA,
        "--origin",
        "https://a.example",
        "--header",
        "bad header:x",
    ]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = simulate(&[SPA, "--origin", "https://a.example", "--profile", "nope"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no policy defines the profile `nope`"),
        "{err}"
    );
}

#[test]
fn a_policy_with_errors_is_reported_with_its_location_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.cors");
    std::fs::write(&p, "policy api {\n    max_age 10\n}\n").unwrap();
    let (code, _, err) = simulate(&[p.to_str().unwrap(), "--origin", "https://a.example"]);
    assert_eq!(code, 2);
    assert!(err.contains("bad.cors:2:5"), "{err}");
}

#[test]
fn each_engine_is_a_browser_model_with_its_own_preflight_cache_cap() {
    // spa-with-cookies asks for `max-age 2h`; WebKit keeps it 600 s, Chromium 7200 s.
    for (browser, line) in [
        ("webkit", "WebKit caches it for 600 s"),
        ("chromium", "Chromium caches it for 7200 s"),
        ("firefox", "Firefox caches it for 7200 s"),
    ] {
        let (code, out, err) = simulate(&[
            SPA,
            "--origin",
            "https://app.example.com",
            "-X",
            "PUT",
            "--browser",
            browser,
            "--path",
            "/api/orders",
        ]);
        assert_eq!(code, 0, "{browser}: {err}");
        assert!(out.contains(line), "{browser}:\n{out}");
    }
}

#[test]
fn credentials_show_each_engines_cookie_outcome_by_site() {
    let base = [
        SPA,
        "--origin",
        "https://app.example.com",
        "--credentials",
        "--path",
        "/api/orders",
        "--server-origin",
    ];
    let run = |server: &str| {
        let mut args = base.to_vec();
        args.push(server);
        simulate(&args)
    };
    let (code, out, err) = run("https://api.example.com");
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("both on the site https://example.com: same-site"),
        "{out}"
    );
    assert_eq!(
        out.matches("sent: a same-site request carries every cookie")
            .count(),
        3,
        "{out}"
    );

    let (code, out, err) = run("https://api.example.net");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("cross-site"), "{out}");
    assert!(out.contains("WebKit: blocked"), "{out}");
    assert!(out.contains("Firefox: partitioned"), "{out}");
    assert!(
        out.contains("Chromium: sent (only cookies set with `SameSite=None; Secure`)"),
        "{out}"
    );

    let (code, _, err) = run("https://api.example.com/v1");
    assert_eq!(code, 2);
    assert!(err.contains("is not an origin"), "{err}");

    // Without credentials, cookies are not the question.
    let (_, out, _) = simulate(&[
        SPA,
        "--origin",
        "https://app.example.com",
        "--server-origin",
        "https://api.example.net",
    ]);
    assert!(!out.contains("\ncookies "), "{out}");
}

#[test]
fn query_is_preflighted_and_its_case_matters() {
    // QUERY is not in spa-with-cookies' methods: blocked at the preflight, which is sent
    // because QUERY is not CORS-safelisted; `query` is sent as written.
    for method in ["QUERY", "query"] {
        let (code, out, _) = simulate(&[
            SPA,
            "--origin",
            "https://app.example.com",
            "-X",
            method,
            "--path",
            "/api/orders",
        ]);
        assert_eq!(code, 1, "{out}");
        assert!(
            out.contains(&format!("the method `{method}` is not CORS-safelisted")),
            "{out}"
        );
        assert!(
            out.contains(&format!("> Access-Control-Request-Method: {method}")),
            "{out}"
        );
    }
}

#[test]
fn firefox_reuses_no_preflight_that_only_a_star_allowed() {
    // Firefox caches the tokens the server listed, so a method allowed only by `*` is
    // preflighted again every time; Chromium reuses the grant for the max-age.
    let dir = tempfile::tempdir().expect("temp dir");
    let policy = dir.path().join("star.cors");
    std::fs::write(
        &policy,
        "policy api {\n    origins \"https://app.example.com\"\n    methods *\n    max-age 10m\n}\n",
    )
    .expect("write");
    let path = policy.to_string_lossy().into_owned();
    for (browser, line) in [
        ("firefox", "Firefox caches it for 0 s"),
        ("chromium", "Chromium caches it for 600 s"),
    ] {
        let (code, out, err) = simulate(&[
            &path,
            "--origin",
            "https://app.example.com",
            "-X",
            "PUT",
            "--browser",
            browser,
        ]);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains(line), "{browser}:\n{out}");
    }
}
