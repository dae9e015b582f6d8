//! The `P3xx` codes of the emit stage: what a target cannot express.
//!
//! They are errors: corsc never writes a configuration that grants more, or less, than the
//! policy says. They are defined in the one catalogue of codes, [`crate::diagnostics::codes`],
//! so that `corsc explain`, `corsc rules` and SARIF know them; this module names them for the
//! emit stage.

pub use crate::diagnostics::codes::{
    OWNED_BY_APP, OWNED_BY_PROXY, SCOPE_COLLISION, TARGET as ALL, TARGET_CANNOT_EXPRESS,
    UNWRITABLE_VALUE,
};
