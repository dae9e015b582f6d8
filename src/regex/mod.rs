//! The regex dialects corsc writes `regex "…"` origins for, in one model: which constructs
//! each engine reads as corsc does, how a regex is anchored, and how big it is.
//!
//! corsc reads every regex with Rust's `regex-syntax` (the checker refuses what it cannot
//! parse, and the evaluator matches with Rust's `regex`), then hands it to the target's engine:
//! PCRE for nginx and Apache, JavaScript's `RegExp`, Python's `re`, Go's RE2, or Rust's `regex`
//! again. The lint rule `regex-not-portable` and the compile step ask this model the same
//! question (does that engine read this construct as corsc does?), so a regex the lint calls
//! portable is one every target compiles, and one it flags is one some target refuses.
//!
//! Matching: every engine here is case-sensitive unless the regex says otherwise (an inline
//! flag, itself a construct not every engine has), and corsc compiles every regex to a full
//! match of the serialized origin ([`full_match`]), the way the evaluator matches it, whatever
//! the target's own call does (nginx `~` and `re.search` search; Java's `matches` does not).
//!
//! A leaf module: it imports nothing of corsc.

mod backtracking;
mod construct;
mod engine;
mod fold;
mod sample;
mod shape;

pub use backtracking::{backtracking, Backtracking, Growth};
pub use construct::{constructs, Construct, Found};
pub use engine::Engine;
pub use fold::fold_cost;
pub use sample::sample;
pub use shape::{anchors, full_match, hir, is_anchored, max_repeat, parse, weight, Anchors};
