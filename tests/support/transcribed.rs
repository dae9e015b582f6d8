//! What the tests of targets no engine runs here share (`targets_traefik`, `targets_envoy`):
//! reading the generated YAML, checking it against a CRD's schema for fields the schema lacks
//! (Kubernetes prunes them silently), the header-map operations their transcriptions of the
//! engine's code use, and the loop that runs `corsc verify`'s probes through a transcription.

use corsc::browsers::CHROMIUM;
use corsc::eval::probe::{compare_probe, expected_probe, probes, run_probe, ProbeOptions};
use corsc::eval::request::WireRequest;
use corsc::eval::server::Response;
use corsc::eval::Routing;
use serde_json::Value as Json;

/// Every YAML document of a generated file, as JSON.
pub fn documents(text: &str) -> Vec<Json> {
    use serde::Deserialize;
    yaml_serde::Deserializer::from_str(text)
        .map(|de| {
            let v = yaml_serde::Value::deserialize(de).expect("the output is YAML");
            serde_json::to_value(v).expect("YAML as JSON")
        })
        .collect()
}

/// Keys of `value` that `schema` (an OpenAPI v3 schema of a CRD) does not declare.
pub fn unknown_keys(value: &Json, schema: &Json, at: &str, out: &mut Vec<String>) {
    match value {
        Json::Object(m) => {
            let props = schema.get("properties").and_then(Json::as_object);
            let extra = schema.get("additionalProperties");
            for (k, v) in m {
                match props.and_then(|p| p.get(k)).or(extra) {
                    Some(s) => unknown_keys(v, s, &format!("{at}.{k}"), out),
                    None => out.push(format!("{at}.{k}")),
                }
            }
        }
        Json::Array(a) => {
            if let Some(items) = schema.get("items") {
                for (i, v) in a.iter().enumerate() {
                    unknown_keys(v, items, &format!("{at}[{i}]"), out);
                }
            }
        }
        _ => {}
    }
}

/// The strings of a JSON array (none for anything else).
pub fn strings(v: &Json) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The first value of a header, names compared ignoring case (Go's `Header.Get`, Envoy's
/// `getInline`).
pub fn get(headers: &[(String, String)], name: &str) -> String {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// Replaces every value of a header (Go's `Header.Set`, Envoy's `setInline`).
pub fn set(headers: &mut Vec<(String, String)>, name: &str, value: String) {
    headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    headers.push((name.to_string(), value));
}

/// What running the probes through a transcription found.
#[derive(Debug, Default)]
pub struct Tally {
    pub probes: usize,
    pub failures: Vec<String>,
}

/// Runs the probes `corsc verify` plans for `text` (the server routing as `routing` says)
/// through `engine`, and compares each answer with the policy's.
pub fn run_probes(
    name: &str,
    text: &str,
    profile: Option<&str>,
    routing: Routing,
    engine: impl Fn(&WireRequest) -> Response,
    tally: &mut Tally,
) {
    let src = corsc::source::Source::new(name, text.to_string());
    let file = corsc::pipeline::parse(&src).expect("parses");
    let set = corsc::check::check(&file, profile)
        .policies
        .expect("checks");
    let opts = ProbeOptions {
        max_probes: 2000,
        routing,
        ..ProbeOptions::default()
    };
    for probe in probes(&set, opts) {
        tally.probes += 1;
        let expected = expected_probe(&set, &CHROMIUM, opts.routing, &probe);
        let observed: Result<_, std::convert::Infallible> =
            run_probe(&CHROMIUM, &probe, |w| Ok(engine(w)));
        let Ok(observed) = observed;
        let c = compare_probe(&probe, &expected, &observed);
        if !c.mismatches.is_empty() || !c.findings.is_empty() {
            tally.failures.push(format!(
                "{name}: {:?}\n{:?}\n{:?}",
                probe.request, c.mismatches, c.findings
            ));
        }
    }
}
