//! What a command's run came to, and the exit code each outcome maps to.

use std::process::ExitCode;

/// The three outcomes a run can have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to complain about.
    Clean,
    /// The policies have errors.
    Failed,
    /// The command could not run: usage or I/O.
    Fatal,
}

impl From<Outcome> for ExitCode {
    fn from(o: Outcome) -> Self {
        match o {
            Outcome::Clean => ExitCode::SUCCESS,
            Outcome::Failed => ExitCode::from(1),
            Outcome::Fatal => ExitCode::from(2),
        }
    }
}
