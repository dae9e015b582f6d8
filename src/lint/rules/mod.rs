//! One file per rule, each with the rule's metadata, documentation and check — and the one
//! list of them. A new rule is one file here and one line in the [`rules!`] list below, which
//! both declares the rule's module and registers it; nothing else names every rule.

use super::rule::Rule;

/// Declares each rule's module and lists the rules, in the order given (by code).
macro_rules! rules {
    ($($module:ident :: $rule:ident),* $(,)?) => {
        $(pub(crate) mod $module;)*

        /// Every rule, sorted by code.
        pub static RULES: &[&dyn Rule] = &[$(&$module::$rule),*];
    };
}

rules! {
    wildcard_with_credentials::WildcardWithCredentials,
    null_origin::NullOrigin,
    insecure_origin::InsecureOrigin,
    public_suffix_wildcard::PublicSuffixWildcard,
    subdomain_wildcard_with_credentials::SubdomainWildcardWithCredentials,
    shared_hosting_origin::SharedHostingOrigin,
    regex_matches_any_origin::RegexMatchesAnyOrigin,
    regex_unanchored::RegexUnanchored,
    regex_unescaped_dot::RegexUnescapedDot,
    regex_overbroad::RegexOverbroad,
    private_network_access::PrivateNetworkAccess,
    dev_origin_in_production::DevOriginInProduction,
    any_origin::AnyOrigin,
    regex_catastrophic_backtracking::RegexCatastrophicBacktracking,
    space_separated_origins::SpaceSeparatedOrigins,
    origin_missing_scheme::OriginMissingScheme,
    origin_has_path::OriginHasPath,
    origin_default_port::OriginDefaultPort,
    origin_not_canonical::OriginNotCanonical,
    origin_malformed::OriginMalformed,
    origin_pattern_unsupported::OriginPatternUnsupported,
    method_case::MethodCase,
    forbidden_method::ForbiddenMethod,
    wildcard_literal_with_credentials::WildcardLiteralWithCredentials,
    wildcard_headers_exclude_authorization::WildcardHeadersExcludeAuthorization,
    unexposable_response_header::UnexposableResponseHeader,
    missing_content_type::MissingContentType,
    origin_shadowed_by_broader_scope::OriginShadowedByBroaderScope,
    unreachable_path_scope::UnreachablePathScope,
    regex_not_portable::RegexNotPortable,
    max_age_exceeds_browser_cap::MaxAgeExceedsBrowserCap,
    credentials_across_sites::CredentialsAcrossSites,
    unused_suppression::UnusedSuppression,
    unknown_suppressed_rule::UnknownSuppressedRule,
    wildcard_mixed_with_origins::WildcardMixedWithOrigins,
    options_method_listed::OptionsMethodListed,
    safelisted_method_listed::SafelistedMethodListed,
    redundant_safelisted_header::RedundantSafelistedHeader,
    forbidden_request_header::ForbiddenRequestHeader,
    duplicate_entry::DuplicateEntry,
    origin_covered_by_pattern::OriginCoveredByPattern,
    unused_origin_set::UnusedOriginSet,
}
