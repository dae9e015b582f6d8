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
//! [`pipeline`] wires the stages together once (parse once, check the base policies and each
//! profile once, lint each IR, merge, plan and render); [`cli`] and the tests call it. Stages
//! import only downward — `cli` → [`lsp`] → `pipeline` → [`diff`], [`import`] → `emit`/`eval` → `lint` → `check` → [`format`] → `syntax` →
//! `ir`, [`fetch`], [`browsers`], [`regex`], [`limits`] → `diagnostics` → `source` — and `tests/layout.rs`
//! proves there is no import cycle. The README's "Architecture" section says how to add a
//! target, a rule or a command. The same stages are usable as a library:
//!
//! ```
//! use corsc::lint::LintConfig;
//! use corsc::source::Source;
//!
//! let src = Source::new(
//!     "api.cors",
//!     "policy api {\n    origins \"https://app.example.com/\"\n}\n",
//! );
//! let file = corsc::syntax::parse(&src).expect("well-formed");
//! // The file type-checks: a trailing slash is a lint finding, not a type error.
//! assert!(corsc::pipeline::check(&file, None).diagnostics.is_empty());
//! let findings = corsc::pipeline::lint_file(&file, &LintConfig::default(), None);
//! assert_eq!(findings[0].name, "origin-has-path");
//! ```

pub mod browsers;
pub mod check;
pub mod cli;
pub mod diagnostics;
pub mod diff;
pub mod emit;
pub mod eval;
pub mod fetch;
pub mod format;
pub mod import;
pub mod ir;
pub mod limits;
pub mod lint;
pub mod lsp;
pub mod pipeline;
pub mod regex;
pub mod source;
pub mod syntax;
