//! The one list of rules. Order is by code; output order never depends on it.
//!
//! This is the only file that names every rule: a new rule is one file under `rules/` and one
//! line here. Whatever needs the whole list (selectors, the names an `@allow` may use, the
//! listings) gets it from here, as data.

use super::config::Selector;
use super::meta::RuleMeta;
use super::rule::Rule;
use super::rules;

/// Every rule, sorted by code.
pub static RULES: &[&dyn Rule] = &[
    &rules::wildcard_with_credentials::WildcardWithCredentials,
    &rules::null_origin::NullOrigin,
    &rules::insecure_origin::InsecureOrigin,
    &rules::public_suffix_wildcard::PublicSuffixWildcard,
    &rules::subdomain_wildcard_with_credentials::SubdomainWildcardWithCredentials,
    &rules::shared_hosting_origin::SharedHostingOrigin,
    &rules::regex_matches_any_origin::RegexMatchesAnyOrigin,
    &rules::regex_unanchored::RegexUnanchored,
    &rules::regex_unescaped_dot::RegexUnescapedDot,
    &rules::regex_overbroad::RegexOverbroad,
    &rules::private_network_access::PrivateNetworkAccess,
    &rules::dev_origin_in_production::DevOriginInProduction,
    &rules::any_origin::AnyOrigin,
    &rules::space_separated_origins::SpaceSeparatedOrigins,
    &rules::origin_missing_scheme::OriginMissingScheme,
    &rules::origin_has_path::OriginHasPath,
    &rules::origin_default_port::OriginDefaultPort,
    &rules::origin_not_canonical::OriginNotCanonical,
    &rules::origin_malformed::OriginMalformed,
    &rules::origin_pattern_unsupported::OriginPatternUnsupported,
    &rules::method_case::MethodCase,
    &rules::forbidden_method::ForbiddenMethod,
    &rules::wildcard_literal_with_credentials::WildcardLiteralWithCredentials,
    &rules::wildcard_headers_exclude_authorization::WildcardHeadersExcludeAuthorization,
    &rules::unexposable_response_header::UnexposableResponseHeader,
    &rules::missing_content_type::MissingContentType,
    &rules::regex_not_portable::RegexNotPortable,
    &rules::max_age_exceeds_browser_cap::MaxAgeExceedsBrowserCap,
    &rules::unused_suppression::UnusedSuppression,
    &rules::unknown_suppressed_rule::UnknownSuppressedRule,
    &rules::wildcard_mixed_with_origins::WildcardMixedWithOrigins,
    &rules::options_method_listed::OptionsMethodListed,
    &rules::safelisted_method_listed::SafelistedMethodListed,
    &rules::redundant_safelisted_header::RedundantSafelistedHeader,
    &rules::forbidden_request_header::ForbiddenRequestHeader,
];

/// Finds a rule by code (any case) or name.
#[must_use]
pub fn find(key: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.meta().is_named(key))
}

/// The metadata of every rule, in registry order.
#[must_use]
pub fn metas() -> Vec<&'static RuleMeta> {
    RULES.iter().map(|r| r.meta()).collect()
}

impl Selector {
    /// Parses a selector among the registered rules, or says what it could have been. It
    /// lives beside the list it reads so that the configuration does not import the registry.
    ///
    /// # Errors
    /// Returns a message naming the closest rule when the selector is unknown.
    pub fn parse(s: &str) -> Result<Selector, String> {
        Selector::parse_among(s, &metas())
    }
}

#[cfg(test)]
mod tests {
    use super::RULES;

    #[test]
    fn codes_sorted_unique_names_kebab() {
        for w in RULES.windows(2) {
            let (a, b) = (w[0].meta(), w[1].meta());
            let key = |c: &str| (c[1..].to_string(), c.to_string());
            assert!(
                key(a.code) < key(b.code),
                "{} must come before {}",
                a.code,
                b.code
            );
        }
        let mut names: Vec<_> = RULES.iter().map(|r| r.meta().name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), RULES.len(), "rule names are unique");
        for r in RULES {
            let m = r.meta();
            assert!(
                m.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                m.name
            );
            for section in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Use instead",
                "## References",
            ] {
                assert!(m.docs.contains(section), "{} docs lack `{section}`", m.name);
            }
        }
    }
}
