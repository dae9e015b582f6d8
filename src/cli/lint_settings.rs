//! The lint settings a policy is checked with, worked out one way for every command that lints:
//! `corsc lint`, `corsc compile` and `corsc build`.
//!
//! The levels come from the configuration file that governs the policy's directory (or the
//! one `--config` names, or none with `--isolated`), then from `lint`'s `--allow`, `--warn` and
//! `--deny`. Because compile and build read the same file the same way, a rule a project allows
//! does not stop its build, and an `@allow` the build needs is one `lint` counts as used.

use super::args::SettingsArgs;
use super::config_file::Loader;
use super::inputs::InputError;
use crate::lint::{Level, LintConfig, Selector};
use std::path::{Path, PathBuf};

/// Parses `--allow`, `--warn` and `--deny` (`corsc lint`'s), in that order of precedence from
/// weakest to strongest.
///
/// # Errors
/// Every selector that names no rule, code or category.
pub(crate) fn level_flags(
    allow: &[String],
    warn: &[String],
    deny: &[String],
) -> Result<Vec<(Selector, Level)>, Vec<InputError>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (list, level) in [
        (allow, Level::Allow),
        (warn, Level::Warning),
        (deny, Level::Error),
    ] {
        for s in list {
            match Selector::parse(s) {
                Ok(sel) => out.push((sel, level)),
                Err(message) => errors.push(InputError {
                    message,
                    help: Some("`corsc rules` lists every rule with its code and category".into()),
                }),
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The configuration files (read once per directory) and the command line's level flags.
#[derive(Debug)]
pub(crate) struct LintSettings {
    files: Loader,
    flags: Vec<(Selector, Level)>,
}

impl LintSettings {
    /// `--config` and `--isolated`, and the level flags (none for `compile` and `build`).
    ///
    /// # Errors
    /// When the file `--config` names cannot be read or is invalid.
    pub(crate) fn new(
        args: &SettingsArgs,
        flags: Vec<(Selector, Level)>,
    ) -> Result<Self, InputError> {
        Ok(Self {
            files: Loader::new(args.config.as_deref(), args.isolated)?,
            flags,
        })
    }

    /// The settings for the policy `name` names: a path, or standard input's
    /// `--stdin-filename`. The file's levels apply first, then the flags', so the command
    /// line wins.
    ///
    /// # Errors
    /// When the configuration file that governs the policy's directory is invalid.
    pub(crate) fn for_policy(&mut self, name: &Path) -> Result<LintConfig, InputError> {
        let file = self.files.for_dir(&dir_of(name))?;
        let mut cfg = LintConfig::default();
        for (s, l) in file.overrides.iter().chain(&self.flags) {
            cfg.push(s.clone(), *l);
        }
        Ok(cfg)
    }
}

impl LintSettings {
    /// The `exclude:` patterns for a directory search rooted at `dir`, from the same file
    /// (or `--config`, or none with `--isolated`) as the levels.
    ///
    /// # Errors
    /// When the configuration file that governs `dir` is invalid.
    pub(crate) fn exclude_for(
        &mut self,
        dir: &Path,
    ) -> Result<Option<(PathBuf, Vec<String>)>, InputError> {
        self.files.exclude_for(dir)
    }
}

/// The directory whose configuration governs a policy.
fn dir_of(name: &Path) -> PathBuf {
    match name.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
