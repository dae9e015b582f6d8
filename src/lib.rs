//! corsc: a declarative CORS policy compiler and linter.
//!
//! ```text
//! .cors text ──syntax──▶ spanned AST ──check──▶ IR (typed, normalized, spans kept)
//!                                                  │
//!                                                  ├──▶ lint: rules over the IR → diagnostics
//!                                                  ├──▶ eval: the Fetch standard's CORS protocol
//!                                                  └──▶ emit: plan against a target → config text
//!                        diagnostics ◀── one type, rendered for people and for tools
//! ```
//!
//! Each stage is a module; the CLI in [`cli`] only wires them together.

pub mod check;
pub mod cli;
pub mod diagnostics;
pub mod emit;
pub mod eval;
pub mod ir;
pub mod lint;
pub mod source;
pub mod syntax;
