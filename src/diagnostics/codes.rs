//! The fixed codes: the errors of syntax and check (`E…`), which no configuration can turn
//! off because the file does not mean anything until they are fixed, and the errors of
//! compilation (`P3xx`), where a target cannot express what the policy says.
//!
//! Lint rules carry their own codes with their metadata; the [`super::catalogue`] puts every
//! code together for `corsc rules`, `corsc explain` and SARIF. Codes are never reused: a
//! retired code stays here.

/// A fixed diagnostic code with its stable name and a one-line summary.
#[derive(Debug)]
pub struct Code {
    /// `E…`
    pub code: &'static str,
    /// kebab-case name.
    pub name: &'static str,
    /// What it means, in one line.
    pub summary: &'static str,
}

macro_rules! codes {
    ($all:ident: $($ident:ident = $code:literal, $name:literal, $summary:literal;)*) => {
        $(
            #[doc = $summary]
            pub const $ident: Code = Code { code: $code, name: $name, summary: $summary };
        )*
        /// Every code of this kind, sorted by code.
        pub const $all: &[Code] = &[$($ident),*];
    };
}

codes! {
    ALL:
    INTERNAL = "E000", "internal-error", "corsc reached a state it should not; please report it";
    SYNTAX = "E001", "syntax-error", "the text is not shaped like a `.cors` file";
    UNTERMINATED_STRING = "E002", "unterminated-string", "a string has no closing quote on its line";
    UNCLOSED_BLOCK = "E003", "unclosed-block", "a `{` block has no closing `}`";
    UNCLOSED_LIST = "E004", "unclosed-list", "a `[` list has no closing `]`";
    UNKNOWN_DIRECTIVE = "E101", "unknown-directive", "a directive name that corsc does not know";
    DUPLICATE_DIRECTIVE = "E102", "duplicate-directive", "the same directive twice in one block";
    WRONG_TYPE = "E103", "wrong-value-type", "a value of the wrong type for its directive";
    INVALID_DURATION = "E104", "invalid-duration", "a max-age that is not a whole, non-negative duration";
    UNKNOWN_SET = "E105", "unknown-origin-set", "a name that is not a defined origin set";
    SET_CYCLE = "E106", "origin-set-cycle", "origin sets that include each other";
    DUPLICATE_NAME = "E107", "duplicate-name", "two policies, profiles or origin sets with one name";
    INVALID_PATH = "E108", "invalid-path", "a path scope that is not a plain URL path";
    MISPLACED_DIRECTIVE = "E109", "misplaced-directive", "a directive or operator where it has no meaning";
    VALUE_COUNT = "E110", "wrong-value-count", "a directive given more or fewer values than it takes";
    INCOMPLETE_SUPPRESSION = "E111", "incomplete-suppression", "an `@allow` without a rule name or without `reason = \"…\"`";
    UNKNOWN_ATTRIBUTE = "E112", "unknown-attribute", "an `@attribute` other than `@allow`";
    INVALID_REGEX = "E113", "invalid-regex", "a `regex` origin that does not parse";
    RESERVED_NAME = "E114", "reserved-name", "a set, policy or profile named like a keyword";
    MISSING_ORIGINS = "E115", "missing-origins", "a policy that allows no origin at all";
    INVALID_TOKEN = "E116", "invalid-token", "a method or header name that is not an HTTP token";
    CONFLICTING_VALUES = "E117", "conflicting-values", "values that cannot stand together, such as `mirror` with names";
    DUPLICATE_SCOPE = "E118", "duplicate-path-scope", "two policies that claim the same path";
    LIMIT_EXCEEDED = "E119", "limit-exceeded", "a value, name, file or set nesting larger than corsc accepts";
}

// The errors of `corsc compile` and `corsc build`: corsc never writes a configuration that
// grants more, or less, than the policy says.
codes! {
    TARGET:
    TARGET_CANNOT_EXPRESS = "P301", "target-cannot-express", "the target cannot express a feature the policy uses";
    UNWRITABLE_VALUE = "P302", "unwritable-value", "a value that cannot be written safely in the target's configuration syntax";
    OWNED_BY_APP = "P303", "cors-owned-by-app", "the policy file says the application answers CORS, not the proxy";
    SCOPE_COLLISION = "P304", "scope-collision", "two path scopes that compile to the same location";
    OWNED_BY_PROXY = "P305", "cors-owned-by-proxy", "the policy file says the proxy answers CORS, not the application";
}

// The findings of `corsc import` and `corsc lint --from` about the configuration they read:
// what it says that a `.cors` policy cannot say exactly (narrowed, never widened), what is
// only known at run time, and what the format does without being asked.
codes! {
    IMPORT:
    IMPORT_UNREADABLE = "I001", "import-unreadable", "the input is not valid in the format it is imported from";
    IMPORT_NOT_EXPRESSIBLE = "I101", "import-not-expressible", "a construct the policy language cannot say exactly; the import narrows it";
    IMPORT_RUNTIME_VALUE = "I102", "import-runtime-value", "a value computed at run time; the import leaves a placeholder and allows nothing for it";
    IMPORT_IGNORED = "I103", "import-ignored", "a construct that grants nothing and is left out of the policy";
    IMPORT_INCLUDE = "I104", "import-include-not-followed", "an include that could not be followed";
    IMPORT_IMPLICIT_DEFAULT = "I105", "import-implicit-default", "a value the format applies without being asked";
    IMPORT_NO_CORS = "I106", "import-no-cors", "the input configures no CORS at all";
}

/// Looks a fixed code (syntax, check or compile) up by code or name.
#[must_use]
pub fn find(key: &str) -> Option<&'static Code> {
    ALL.iter()
        .chain(IMPORT)
        .chain(TARGET)
        .find(|c| c.code.eq_ignore_ascii_case(key) || c.name == key)
}

#[cfg(test)]
mod tests {
    use super::{ALL, IMPORT, TARGET};

    #[test]
    fn codes_are_unique_sorted_and_kebab_case() {
        let every: Vec<_> = ALL.iter().chain(IMPORT).chain(TARGET).collect();
        for w in every.windows(2) {
            assert!(w[0].code < w[1].code, "{} before {}", w[0].code, w[1].code);
        }
        let mut names: Vec<_> = every.iter().map(|c| c.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), every.len());
        for c in every {
            assert!(c
                .name
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch == '-'));
        }
    }
}
