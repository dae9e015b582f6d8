//! What a proxy configuration needs to live beside a user's own: a namespace for its names,
//! and the server-level headers it must repeat.
//!
//! **Namespaces.** nginx variables and Apache environment variables are global to the whole
//! configuration. Two generated files included into one nginx that both name a policy `api`
//! would both define `$corsc_api_origin`; nginx keeps the last `map` and silently answers one
//! scope with the other's origins (`nginx -t` passes). So every name an output defines carries
//! a namespace: `$corsc_<ns>_api_origin`, `CORSC_<NS>_API`. A namespace holds only `[a-z0-9]`
//! (no `_`), so `corsc_<ns>_<rest>` splits back into one namespace and one rest: two outputs
//! with different namespaces never define the same name, whatever their policy names.
//!
//! A namespace is either given (`--namespace`, a manifest entry's `namespace:`), validated and
//! used as it is, or derived from a label: the output path as written, or, for standard
//! output, the source name, profile and the source's SHA-256. A derived namespace is a short
//! readable stem from the label plus 8 hex digits of the label's SHA-256: sanitizing loses
//! information (`api.conf` and `api-conf` have the same stem, at most 4 characters), the hash keeps two labels apart.
//!
//! **Kept headers.** nginx drops every `add_header` of the server level in a location that has
//! an `add_header` of its own: the CORS location would silently lose the server's HSTS or
//! `X-Frame-Options`. A [`KeptHeader`] (`--keep-header 'Strict-Transport-Security: …'`) is
//! repeated in every location or snippet the output writes.

use super::provenance::Provenance;
use sha2::{Digest as _, Sha256};
use std::fmt;

/// The longest namespace accepted, in bytes: nginx refuses to start on a variable name over
/// 46 bytes (its default `variables_hash_bucket_size`), and every name carries the namespace.
pub const MAX_NAMESPACE: usize = 12;

/// A namespace: `[a-z][a-z0-9]*`, at most [`MAX_NAMESPACE`] bytes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Namespace(String);

impl Namespace {
    /// A namespace given by the user: a lower-case letter, then lower-case letters and digits.
    ///
    /// # Errors
    /// Why the name cannot be a namespace, as a sentence.
    pub fn explicit(name: &str) -> Result<Namespace, String> {
        let ok = name.len() <= MAX_NAMESPACE
            && name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        if ok {
            Ok(Namespace(name.to_string()))
        } else {
            Err(format!(
                "a namespace is a lower-case letter followed by lower-case letters and digits, at most {MAX_NAMESPACE} in all (no `_` or `-`: they separate the namespace from the names inside it)"
            ))
        }
    }

    /// A namespace derived from a label (an output path, a source name): its readable stem
    /// and 8 hex digits of its SHA-256, so two labels never share a namespace even when their
    /// stems are equal.
    #[must_use]
    pub fn derived(label: &str) -> Namespace {
        let last = label
            .trim_end_matches(['/', '\\'])
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or("");
        let stem_src = last.split('.').next().unwrap_or("");
        let mut stem: String = stem_src
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .take(4)
            .collect();
        if !stem.starts_with(|c: char| c.is_ascii_lowercase()) {
            stem.insert(0, 'n');
        }
        let digest = Sha256::digest(label.as_bytes());
        let hex: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
        Namespace(format!("{stem}{hex}"))
    }

    /// The namespace of an output: the one given, else one derived from the source name, the
    /// profile and the source's hash (standard input has no name of its own worth trusting).
    #[must_use]
    pub fn of(given: Option<&Namespace>, provenance: &Provenance) -> Namespace {
        given.cloned().unwrap_or_else(|| {
            Namespace::derived(&format!(
                "{}\u{0}{}\u{0}{}",
                provenance.source,
                provenance.profile.as_deref().unwrap_or(""),
                provenance.sha256
            ))
        })
    }

    /// The namespace as written in names.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Namespace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A server-level response header to repeat where the output adds its own headers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptHeader {
    /// The field name, e.g. `Strict-Transport-Security`.
    pub name: String,
    /// The value, exactly as the server level sends it.
    pub value: String,
}

/// The longest kept header value, in bytes.
const MAX_KEPT_VALUE: usize = 2000;

impl KeptHeader {
    /// Parses `Name: value`.
    ///
    /// The name is letters, digits and `-`; it must not be a CORS header or `Vary` (the output
    /// writes those itself). The value is printable ASCII without `$` (nginx would read a
    /// variable) and cannot be empty (nginx skips an empty `add_header`).
    ///
    /// # Errors
    /// What is wrong, as a sentence.
    pub fn parse(text: &str) -> Result<KeptHeader, String> {
        let Some((name, value)) = text.split_once(':') else {
            return Err(
                "give the header with its value, `Name: value`, as the server level sends it: nginx cannot inherit it into a location that adds headers, so the value must be repeated"
                    .into(),
            );
        };
        let (name, value) = (name.trim(), value.trim());
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err("a header name is letters, digits and `-`".into());
        }
        let lower = name.to_ascii_lowercase();
        if lower.starts_with("access-control-") || lower == "vary" {
            return Err(format!(
                "`{name}` is written by the CORS output itself and cannot be kept"
            ));
        }
        if value.is_empty() {
            return Err("the value is empty: nginx sends no header with an empty value".into());
        }
        if value.len() > MAX_KEPT_VALUE {
            return Err(format!("the value is longer than {MAX_KEPT_VALUE} bytes"));
        }
        if !value.chars().all(|c| (' '..='~').contains(&c)) {
            return Err("the value must be printable ASCII (no control characters)".into());
        }
        if value.contains('$') {
            return Err(
                "the value holds `$`, which nginx reads as a variable; corsc writes literal values only"
                    .into(),
            );
        }
        Ok(KeptHeader {
            name: name.to_string(),
            value: value.to_string(),
        })
    }

    /// Parses several, refusing the same name twice.
    ///
    /// # Errors
    /// The first value refused, with what is wrong.
    pub fn parse_all<S: AsRef<str>>(texts: &[S]) -> Result<Vec<KeptHeader>, String> {
        let mut out: Vec<KeptHeader> = Vec::new();
        for t in texts {
            let h = KeptHeader::parse(t.as_ref())
                .map_err(|e| format!("`{}`: {e}", t.as_ref().escape_debug()))?;
            if out.iter().any(|o| o.name.eq_ignore_ascii_case(&h.name)) {
                return Err(format!("`{}` is kept twice", h.name));
            }
            out.push(h);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn explicit_namespaces_are_plain_lower_case() {
        assert!(Namespace::explicit("api").is_ok());
        assert!(Namespace::explicit("adminapi2").is_ok());
        for bad in ["", "Api", "a_b", "a-b", "2fa", "a b", "a$", &"a".repeat(13)] {
            assert!(Namespace::explicit(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn derived_namespaces_keep_look_alike_labels_apart() {
        let labels = [
            "deploy/api/",
            "deploy/api",
            "deploy/API/",
            "other/api/",
            "api.conf",
            "api-conf",
            "api_conf",
            "",
            "/",
            "2fa/",
            "deploy/ápi/",
        ];
        let set: BTreeSet<Namespace> = labels.iter().map(|l| Namespace::derived(l)).collect();
        assert_eq!(set.len(), labels.len(), "{set:?}");
        for ns in &set {
            assert!(Namespace::explicit(&ns.0).is_ok(), "{ns}");
            assert!(ns
                .0
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
        }
        assert!(Namespace::derived("deploy/nginx/api/")
            .as_str()
            .starts_with("api"));
        assert_eq!(
            Namespace::derived("x/y"),
            Namespace::derived("x/y"),
            "deterministic"
        );
    }

    #[test]
    fn kept_headers_are_literal_and_never_cors() {
        let h = KeptHeader::parse("Strict-Transport-Security: max-age=63072000; includeSubDomains")
            .unwrap();
        assert_eq!(h.name, "Strict-Transport-Security");
        assert_eq!(h.value, "max-age=63072000; includeSubDomains");
        for bad in [
            "Strict-Transport-Security",
            "X-Frame-Options:",
            "Access-Control-Allow-Origin: *",
            "vary: Origin",
            "X-A: $host",
            "X-A: a\nb",
            "X A: b",
            ": b",
        ] {
            assert!(KeptHeader::parse(bad).is_err(), "{bad}");
        }
        assert!(KeptHeader::parse_all(&["X-A: 1", "x-a: 2"]).is_err());
    }
}
