//! Emit: plan a policy set against a target's capabilities, then render the plan as config text.
//!
//! ```text
//! IR ──plan (the only place that compares the IR with a target's capabilities)──▶ Plan
//!    ──render (one file per target, no capability checks)──▶ text with a provenance header
//! ```
//!
//! Invariants every target upholds (and the tests check):
//!
//! - `Access-Control-Allow-Origin` carries one value: `*` for a policy that allows any origin
//!   without credentials, otherwise the request's `Origin` echoed only after it matched the
//!   allowlist (exact origins byte for byte, patterns and regexes as full, case-sensitive
//!   matches). A refused origin gets no CORS header at all.
//! - `Vary: Origin` goes on every response of a scope whose `Access-Control-Allow-Origin`
//!   depends on the request, refused origins and requests without `Origin` included.
//! - Every CORS preflight in a policy's scope (`OPTIONS` with `Origin` and
//!   `Access-Control-Request-Method`) is answered by the server itself with `204`: with the
//!   `Allow-*` headers when the origin is allowed, with no CORS header (only `Vary`) when it is
//!   refused. The application behind never sees a preflight, so it cannot grant what the policy
//!   refuses, and a refused preflight looks the same whatever the application would have said.
//! - CORS headers an upstream application sends are removed, so a response never carries two.
//! - With credentials, `*` is never written in `Access-Control-Allow-Methods` or
//!   `Access-Control-Allow-Headers` (browsers read it literally there): the requested method or
//!   headers are echoed instead, and for `request-headers *` a request that asks for
//!   `Authorization` gets no `Access-Control-Allow-Headers`, because `*` never covers it.
//! - What a target cannot express fails with a `P3xx` diagnostic; nothing is widened silently.
//! - Output is deterministic: no timestamps, sorted lists, a provenance header naming the source,
//!   its SHA-256, the corsc version and the profile.

pub mod capability;
pub mod codes;
pub mod comment;
pub mod idents;
pub mod limits;
pub mod ownership;
pub mod plan;
pub mod registry;
pub mod targets;
pub mod write;
pub mod writer;

pub use capability::{Capabilities, Shape, Support};
pub use plan::{plan, Plan};
pub use registry::{find, Target, TARGETS};

use crate::diagnostics::Diagnostic;
use crate::ir::PolicySet;
use sha2::{Digest as _, Sha256};

/// Where the output came from; written at the top of every generated file.
///
/// `source` and `profile` come from outside the policy (a command line, a manifest), so the
/// header writes them only through [`comment::display_name`].
#[derive(Clone, Debug)]
pub struct Provenance {
    /// The source file as named on the command line (`<stdin>` for standard input).
    pub source: String,
    /// Lower-case hex SHA-256 of the source's bytes.
    pub sha256: String,
    /// The profile the policies were resolved for, if any.
    pub profile: Option<String>,
}

impl Provenance {
    /// Provenance for a source name and its bytes.
    #[must_use]
    pub fn new(source: impl Into<String>, bytes: &[u8], profile: Option<String>) -> Self {
        let digest = Sha256::digest(bytes);
        let sha256 = digest.iter().map(|b| format!("{b:02x}")).collect();
        Self {
            source: source.into(),
            sha256,
            profile,
        }
    }
}

/// How to compile: the output shape and, for complete servers, where they listen.
#[derive(Clone, Debug)]
pub struct Options {
    /// The shape of the output.
    pub shape: Shape,
    /// The address a complete server listens on (`--shape server`). A parsed address, not
    /// text: it is written into the output as it displays, so nothing but an IP and a port can
    /// reach a `listen` directive, whichever way (flag or manifest) it was given.
    pub listen: std::net::SocketAddr,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            shape: Shape::Include,
            listen: std::net::SocketAddr::from(([127, 0, 0, 1], 8080)),
        }
    }
}

/// One generated file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// Its file name when the output is written to a directory, e.g. `corsc-http.conf`.
    pub file_name: &'static str,
    /// Where it goes, in words, e.g. `inside http { }`.
    pub placement: &'static str,
    /// The text, ending with a newline.
    pub text: String,
}

/// What a compilation produced: one part, or several that go to different places.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    /// The parts, in the order a reader should see them.
    pub parts: Vec<Part>,
}

impl Output {
    /// All parts as one text, each introduced by a banner saying where it goes. A single part
    /// is returned as it is.
    #[must_use]
    pub fn joined(&self) -> String {
        if let [one] = self.parts.as_slice() {
            return one.text.clone();
        }
        let n = self.parts.len();
        let mut s = String::new();
        for (i, p) in self.parts.iter().enumerate() {
            if i > 0 {
                s.push('\n');
            }
            s.push_str(&format!(
                "# ======== part {} of {n}: {} (`-o DIR` writes it to DIR/{}) ========\n",
                i + 1,
                p.placement,
                p.file_name
            ));
            s.push_str(&p.text);
        }
        s
    }
}

/// Plans and renders a policy set for a target.
///
/// # Errors
/// Returns `P3xx` diagnostics for everything the target cannot express.
pub fn compile(
    set: &PolicySet,
    target: &dyn Target,
    options: &Options,
    provenance: &Provenance,
) -> Result<Output, Vec<Diagnostic>> {
    let plan = plan::plan(set, target, options)?;
    Ok(target.render(&plan, provenance))
}
