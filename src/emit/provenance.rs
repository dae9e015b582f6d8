//! Where an output came from: the source, its hash and the profile, written at the top of every
//! generated file.

use sha2::{Digest as _, Sha256};

/// Where the output came from; written at the top of every generated file.
///
/// `source` and `profile` come from outside the policy (a command line, a manifest), so the
/// header writes them only through [`super::comment::display_name`].
#[derive(Clone, Debug)]
pub struct Provenance {
    /// The source file as named on the command line (`<stdin>` for standard input).
    pub source: String,
    /// Lower-case hex SHA-256 of the source's bytes.
    pub sha256: String,
    /// The profile the policies were resolved for, if any.
    pub profile: Option<String>,
    /// What the reader of the output must know about what it does in browsers, one line each
    /// (corsc's own text; see [`super::compile`]).
    pub notes: Vec<String>,
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
            notes: Vec::new(),
        }
    }
}
