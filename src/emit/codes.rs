//! The `P3xx` codes of the emit stage: what a target cannot express.
//!
//! They are errors: corsc never writes a configuration that grants more, or less, than the
//! policy says. Codes are never reused.

use crate::diagnostics::codes::Code;

/// A policy feature the target has no way to express.
pub const TARGET_CANNOT_EXPRESS: Code = Code {
    code: "P301",
    name: "target-cannot-express",
    summary: "the target cannot express a feature the policy uses",
};

/// A string that the target's configuration syntax cannot carry safely.
pub const UNWRITABLE_VALUE: Code = Code {
    code: "P302",
    name: "unwritable-value",
    summary: "a value that cannot be written safely in the target's configuration syntax",
};

/// The file says the application owns CORS, so a proxy configuration would double it.
pub const OWNED_BY_APP: Code = Code {
    code: "P303",
    name: "cors-owned-by-app",
    summary: "the policy file says the application answers CORS, not the proxy",
};

/// Two scopes that the target would see as the same place.
pub const SCOPE_COLLISION: Code = Code {
    code: "P304",
    name: "scope-collision",
    summary: "two path scopes that compile to the same location",
};

/// The file says the proxy owns CORS, so an application module would double it.
pub const OWNED_BY_PROXY: Code = Code {
    code: "P305",
    name: "cors-owned-by-proxy",
    summary: "the policy file says the proxy answers CORS, not the application",
};

/// Every emit code, sorted.
pub const ALL: &[Code] = &[
    TARGET_CANNOT_EXPRESS,
    UNWRITABLE_VALUE,
    OWNED_BY_APP,
    SCOPE_COLLISION,
    OWNED_BY_PROXY,
];
