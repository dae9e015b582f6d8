//! Kubernetes manifests: resource names from policy names, and YAML written by `yaml_serde`
//! (never by hand), so every string a policy carries is quoted and escaped by the serializer.

use yaml_serde::{Mapping, Value};

/// The `metadata.name` of a policy's resource: `corsc-` + the plan's snake-case stem with `_`
/// read as `-` + `-cors`.
///
/// A valid DNS-1123 subdomain (lower-case letters, digits and `-`, starting and ending with a
/// letter or digit) whatever the policy is called, and two policies never share one: the plan
/// gives each policy a distinct stem of `[a-z0-9_]`, which this maps one to one (the stem has
/// no `-` of its own). The `-cors` ending keeps it apart from names the output uses for
/// itself, which never end so. Policy names are at most 128 bytes (the checker's limit), so
/// the name stays far below Kubernetes' 253 characters.
#[must_use]
pub fn resource_name(stem: &str) -> String {
    format!("corsc-{}-cors", stem.replace('_', "-"))
}

/// A YAML string.
#[must_use]
pub fn s(v: impl Into<String>) -> Value {
    Value::String(v.into())
}

/// A YAML list of strings.
#[must_use]
pub fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> Value {
    Value::Sequence(items.into_iter().map(s).collect())
}

/// A mapping in the order given (the serializer keeps it, so the output is stable).
#[must_use]
pub fn map<const N: usize>(entries: [(&str, Value); N]) -> Value {
    let mut m = Mapping::new();
    for (k, v) in entries {
        m.insert(s(k), v);
    }
    Value::Mapping(m)
}

/// Adds `key: value` at the end of a mapping (a no-op on anything else).
pub fn push(m: &mut Value, key: &str, value: Value) {
    if let Value::Mapping(m) = m {
        m.insert(s(key), value);
    }
}

/// Several documents as one YAML stream, each after a `---` line.
#[must_use]
pub fn documents(docs: &[Value]) -> String {
    let mut out = String::new();
    for d in docs {
        out.push_str("---\n");
        // Serializing a tree of strings, lists and mappings cannot fail.
        out.push_str(&yaml_serde::to_string(d).unwrap_or_default());
    }
    out
}

/// The placeholder backend every generated route sends to, which the user replaces.
#[must_use]
pub fn backend_service() -> Value {
    map([
        ("name", s("app")),
        ("port", map([("number", Value::Number(80.into()))])),
    ])
}

/// The same placeholder as a Gateway API `backendRefs` entry.
#[must_use]
pub fn backend_service_ref() -> Value {
    map([("name", s("app")), ("port", Value::Number(80.into()))])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_names_are_dns_names_and_distinct() {
        let stems = ["api", "api_", "_api", "a_b", "ab", "0x"];
        let names: Vec<String> = stems.iter().map(|s| resource_name(s)).collect();
        for n in &names {
            assert!(n.len() <= 253);
            assert!(n
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
            assert!(n.starts_with(|c: char| c.is_ascii_alphanumeric()));
            assert!(n.ends_with(|c: char| c.is_ascii_alphanumeric()));
        }
        let mut d = names.clone();
        d.sort();
        d.dedup();
        assert_eq!(d.len(), names.len());
    }

    #[test]
    fn hostile_strings_are_quoted() {
        let v = map([("a", s("x\n\"y: z\u{2028}#")), ("b", s("true"))]);
        let text = documents(std::slice::from_ref(&v));
        let back: Value = yaml_serde::from_str(text.trim_start_matches("---\n")).unwrap();
        assert_eq!(back, v);
    }
}
