//! The attacks corsc withstands. corsc is a security tool: whatever the input (policy, set and
//! profile names, file names, manifest keys, paths, sizes), what it generates must never grant
//! more than the policy says, never run text from outside the policy as code, never route a
//! request to a wider policy than the one owning its path, and never take the machine down.
//!
//! Each module below is one class of attack; each test in it carries a one-line comment saying
//! what it proves. Tests that need a real engine (nginx, Apache, Node, Python, Go, javac) start
//! it on 127.0.0.1 and skip with a message when it is missing, or fail under
//! `CORSC_REQUIRE_ENGINES=1` (which `.ci/run` sets).
//!
//! Read `tests/security/*.rs` as the list: one file per class.

mod support;
use support::{cli, edge, engines, frameworks, random_policy};

#[path = "security/identifiers.rs"]
mod identifiers;

#[path = "security/limits.rs"]
mod limits;

#[path = "security/manifest.rs"]
mod manifest;
#[path = "security/text.rs"]
mod text;

#[path = "security/terminal.rs"]
mod terminal;

#[path = "security/paths.rs"]
mod paths;

#[path = "security/fuzz_findings.rs"]
mod fuzz_findings;
