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
