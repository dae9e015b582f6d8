//! `corsc lint --format sarif` validates against the official SARIF 2.1.0 schema and carries
//! what GitHub code scanning needs.

mod support;
use serde_json::Value;
use std::path::Path;

fn schema() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-2.1.0.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("schema: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("schema: {e}"))
}

fn sarif(args: &[&str]) -> (Value, i32) {
    let out = support::cli::corsc()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["lint", "--isolated", "--format", "sarif"])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let v = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"));
    (v, out.status.code().unwrap_or(-1))
}

fn assert_valid(v: &Value) {
    let validator = jsonschema::validator_for(&schema()).unwrap_or_else(|e| panic!("{e}"));
    let errors: Vec<String> = validator
        .iter_errors(v)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF does not validate:\n{}",
        errors.join("\n")
    );
}

#[test]
fn findings_validate_and_carry_github_fields() {
    let (v, code) = sarif(&[
        "policies/bad",
        "tests/fixtures/lint/C204.cors",
        "tests/fixtures/lint/S112.cors",
    ]);
    assert_eq!(code, 1);
    assert_valid(&v);
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(rules.len() > 30);
    for r in &rules {
        for key in ["id", "name", "helpUri"] {
            assert!(r[key].is_string(), "{key} in {r}");
        }
        for key in ["shortDescription", "fullDescription"] {
            assert!(
                r[key]["text"].as_str().is_some_and(|t| !t.is_empty()),
                "{key} in {r}"
            );
        }
        assert!(r["help"]["text"].is_string() && r["help"]["markdown"].is_string());
        assert!(r["defaultConfiguration"]["level"].is_string());
        assert!(r["properties"]["tags"].is_array() && r["properties"]["category"].is_string());
    }
    let results = run["results"].as_array().cloned().unwrap_or_default();
    assert!(results.len() >= 6, "{results:?}");
    for res in &results {
        let idx = res["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize;
        assert_eq!(
            rules[idx]["id"], res["ruleId"],
            "ruleIndex points at the rule"
        );
        let loc = &res["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap_or_default();
        assert!(
            !uri.starts_with('/') && !uri.contains('\\') && !uri.starts_with("./"),
            "{uri}"
        );
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(
                loc["region"][key].as_u64().is_some_and(|n| n >= 1),
                "{key} in {res}"
            );
        }
    }
    let port = results
        .iter()
        .find(|r| {
            r["ruleId"] == "C204"
                && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    == "tests/fixtures/lint/C204.cors"
        })
        .unwrap_or_else(|| panic!("no C204 result"));
    assert_eq!(
        port["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "tests/fixtures/lint/C204.cors"
    );
    assert_eq!(
        port["locations"][0]["physicalLocation"]["region"]["startLine"],
        3
    );
    assert_eq!(
        port["locations"][0]["physicalLocation"]["region"]["startColumn"],
        14
    );
    assert_eq!(
        port["locations"][0]["physicalLocation"]["region"]["endColumn"],
        43
    );
    assert_eq!(
        port["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"],
        "\"https://app.example.com\""
    );
    assert_eq!(
        port["fixes"][0]["properties"]["applicability"], "unsafe",
        "a fix says whether it changes what the policy allows"
    );
}

/// The compile errors are listed like every other code, whether or not one was found, so a
/// `corsc compile --format sarif` result points at a described rule.
#[test]
fn the_rule_list_has_the_compile_codes() {
    let (v, _) = sarif(&["policies/public-read-api.cors"]);
    let rules = v["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for (code, name) in [
        ("P301", "target-cannot-express"),
        ("P302", "unwritable-value"),
        ("P303", "cors-owned-by-app"),
        ("P304", "scope-collision"),
        ("P305", "cors-owned-by-proxy"),
    ] {
        let r = rules
            .iter()
            .find(|r| r["id"] == code)
            .unwrap_or_else(|| panic!("no {code} in the rule list"));
        assert_eq!(r["name"], name);
        assert_eq!(r["defaultConfiguration"]["level"], "error");
        assert!(
            r["fullDescription"]["text"]
                .as_str()
                .is_some_and(|t| t.len() > 40),
            "{r}"
        );
    }
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "each code once: {ids:?}");
}

#[test]
fn a_safe_fix_says_so_and_validates() {
    let (v, _) = sarif(&["tests/fixtures/lint/Y408.cors"]);
    assert_valid(&v);
    let results = v["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let levels: Vec<&str> = results
        .iter()
        .filter_map(|r| r["fixes"][0]["properties"]["applicability"].as_str())
        .collect();
    assert!(
        !levels.is_empty() && levels.iter().all(|l| *l == "safe"),
        "{levels:?}"
    );
}

#[test]
fn clean_input_validates_with_no_results() {
    let (v, code) = sarif(&["policies/public-read-api.cors"]);
    assert_eq!(code, 0);
    assert_valid(&v);
    assert_eq!(v["runs"][0]["results"].as_array().map(Vec::len), Some(0));
}

#[test]
fn check_errors_validate_too() {
    let (v, code) = sarif(&["tests/fixtures/errors/E104-invalid-duration.cors"]);
    assert_eq!(code, 1);
    assert_valid(&v);
    assert_eq!(v["runs"][0]["results"][0]["ruleId"], "E104");
}

#[test]
fn the_schema_check_rejects_a_broken_log() {
    let (mut v, _) = sarif(&["policies/bad"]);
    if let Some(driver) = v["runs"][0]["tool"]["driver"].as_object_mut() {
        driver.remove("name");
    }
    v["runs"][0]["results"][0]["level"] = Value::from("fatal");
    let validator = jsonschema::validator_for(&schema()).unwrap_or_else(|e| panic!("{e}"));
    assert!(validator.iter_errors(&v).count() >= 2);
}
