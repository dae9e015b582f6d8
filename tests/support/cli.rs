//! Running the `corsc` binary. Every test that runs it goes through here, so none inherits
//! the developer's `NO_COLOR`, `CORSC_FORMAT` or working directory by accident.

use std::path::Path;

/// Variables that change what corsc prints; removed so that a test sees the defaults unless it
/// sets one itself.
const ENV: &[&str] = &["NO_COLOR", "CLICOLOR_FORCE", "CORSC_FORMAT", "CORSC_COLOR"];

/// The binary as a plain process, run from the repository root.
pub fn command() -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_corsc"));
    for k in ENV {
        c.env_remove(k);
    }
    c.current_dir(root());
    c
}

/// The binary with `assert_cmd`'s assertions, run from the repository root.
pub fn corsc() -> assert_cmd::Command {
    assert_cmd::Command::from_std(command())
}

/// The repository root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}
