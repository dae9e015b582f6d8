//! Shared code of the corsc fuzz targets.
//!
//! - [`policy_model`]: an `arbitrary`-derived model of a `.cors` file, rendered to text, so that
//!   the structure-aware targets reach the checker and the emitters instead of stopping at the
//!   parser.
//! - [`pipeline`]: what the CLI does with a text (parse, check, lint, `--fix`, render the
//!   diagnostics, compile), with the cheap invariants the targets assert.
//!
//! The `import_formats` target reads other tools' CORS configuration through every registered
//! input format and reuses [`pipeline`]'s view of what the CLI does with the result.

pub mod pipeline;
pub mod policy_model;
