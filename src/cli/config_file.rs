//! Project lint settings: `.corsc.yaml`, or the `lint:` section of `corsc.yaml`, found by
//! walking up from the policy file's directory. `corsc lint`, `corsc compile` and `corsc build`
//! all read them, through [`super::lint_settings`].
//!
//! ```yaml
//! lint:
//!   deny: [security]
//!   warn: [any-origin]
//!   allow: [missing-content-type]
//! ```
//!
//! A top-level `exclude:` list of gitignore-style patterns, relative to the file's directory,
//! leaves matching files and directories out when a directory is searched for policies (a file
//! named on the command line is still read, as ruff does):
//!
//! ```yaml
//! exclude: [vendor/, "generated-*.cors"]
//! ```
//!
//! `corsc.yaml` is shared with other commands, so only the `lint:` key belongs to the linter;
//! the other top-level keys corsc knows are listed in [`OTHER_SECTIONS`]. A `corsc.yaml` without
//! `lint:` does not stop the search. Command-line flags are applied after the file, so they win.

use super::inputs::InputError;
use crate::lint::{Level, Selector};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// File names searched in each directory, in order of preference.
pub(crate) const NAMES: &[&str] = &[".corsc.yaml", "corsc.yaml"];

/// Top-level keys of `corsc.yaml` that belong to other commands and are left to them.
pub(crate) const OTHER_SECTIONS: &[&str] = &["build"];

/// The `lint:` section.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LintSection {
    #[serde(default)]
    deny: Vec<String>,
    #[serde(default)]
    warn: Vec<String>,
    #[serde(default)]
    allow: Vec<String>,
}

/// The whole file: `lint:` and whatever else other commands keep there.
#[derive(Debug, Deserialize)]
struct FileShape {
    lint: Option<LintSection>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(flatten)]
    other: BTreeMap<String, yaml_serde::Value>,
}

/// Level overrides read from a file, in the order they apply (weakest first).
#[derive(Clone, Debug, Default)]
pub(crate) struct FileOverrides {
    /// `(selector, level)` pairs: every `allow`, then `warn`, then `deny`.
    pub(crate) overrides: Vec<(Selector, Level)>,
    /// The `exclude:` patterns, relative to the file's directory.
    pub(crate) exclude: Vec<String>,
}

/// The 1-based line of the first line that holds `needle` as a word, for messages.
fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let code = l.split('#').next().unwrap_or(l);
            code.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                .any(|w| w == needle)
        })
        .map(|i| i + 1)
}

fn error(path: &Path, line: Option<usize>, message: String, help: &str) -> InputError {
    let at = line.map(|l| format!(":{l}")).unwrap_or_default();
    InputError {
        message: format!("{}{at}: {message}", path.display()),
        help: Some(help.to_string()),
    }
}

/// Reads one configuration file.
///
/// # Errors
/// Unreadable files, YAML errors, unknown keys and unknown rule names, each with the file and,
/// where it can be found, the line.
pub(crate) fn load(path: &Path) -> Result<FileOverrides, InputError> {
    let text = std::fs::read_to_string(path).map_err(|e| InputError {
        message: format!("could not read `{}`: {e}", path.display()),
        help: None,
    })?;
    let help = "the linter's settings are `lint: { deny: [...], warn: [...], allow: [...] }`";
    let shape: FileShape = if text.trim().is_empty() {
        FileShape {
            lint: None,
            exclude: Vec::new(),
            other: BTreeMap::new(),
        }
    } else {
        yaml_serde::from_str(&text).map_err(|e| {
            let line = e.location().map(|l| l.line());
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            error(path, line, msg, help)
        })?
    };
    for key in shape.other.keys() {
        if !OTHER_SECTIONS.contains(&key.as_str()) {
            let hint = if crate::check::closest_name(key, std::iter::once("lint")).is_some() {
                "did you mean `lint:`? The linter's settings are `lint: { deny: [...], warn: [...], allow: [...] }`"
            } else {
                help
            };
            return Err(error(
                path,
                line_of(&text, key),
                format!("unknown key `{key}`"),
                hint,
            ));
        }
    }
    for pattern in &shape.exclude {
        if let Err(e) = ignore::gitignore::GitignoreBuilder::new("/").add_line(None, pattern) {
            return Err(error(
                path,
                text.lines()
                    .position(|l| l.contains(pattern.as_str()))
                    .map(|i| i + 1),
                format!("bad `exclude` pattern `{pattern}`: {e}"),
                "`exclude:` takes gitignore-style patterns, relative to this file's directory",
            ));
        }
    }
    let section = shape.lint.unwrap_or_default();
    let mut overrides = Vec::new();
    for (list, level) in [
        (&section.allow, Level::Allow),
        (&section.warn, Level::Warning),
        (&section.deny, Level::Error),
    ] {
        for name in list {
            let sel = Selector::parse(name).map_err(|m| {
                error(
                    path,
                    line_of(&text, name),
                    m,
                    "`corsc rules` lists every rule with its code and category",
                )
            })?;
            overrides.push((sel, level));
        }
    }
    Ok(FileOverrides {
        overrides,
        exclude: shape.exclude,
    })
}

/// Whether a file counts for the linter: `.corsc.yaml` always, `corsc.yaml` only with `lint:`
/// or `exclude:`.
fn counts(path: &Path) -> bool {
    if path.file_name().is_some_and(|n| n == ".corsc.yaml") {
        return true;
    }
    std::fs::read_to_string(path).is_ok_and(|t| {
        t.lines().any(|l| {
            ["lint:", "\"lint\":", "exclude:", "\"exclude\":"]
                .iter()
                .any(|k| l.starts_with(k))
        })
    })
}

/// The configuration file that governs a directory: the nearest one up the tree.
pub(crate) fn discover(start: &Path) -> Option<PathBuf> {
    let start = if start.as_os_str().is_empty() {
        Path::new(".")
    } else {
        start
    };
    let abs = std::fs::canonicalize(start).ok()?;
    for dir in abs.ancestors() {
        for name in NAMES {
            let candidate = dir.join(name);
            if candidate.is_file() && counts(&candidate) {
                return Some(candidate);
            }
        }
    }
    None
}

/// Loads configuration files once per directory.
#[derive(Debug, Default)]
pub(crate) struct Loader {
    explicit: Option<(PathBuf, FileOverrides)>,
    isolated: bool,
    cache: BTreeMap<PathBuf, FileOverrides>,
}

impl Loader {
    /// `--config PATH` replaces discovery; `--isolated` turns files off.
    ///
    /// # Errors
    /// When the explicit file cannot be read or is invalid.
    pub(crate) fn new(config: Option<&Path>, isolated: bool) -> Result<Self, InputError> {
        let explicit = match config {
            Some(p) if !isolated => Some((p.to_path_buf(), load(p)?)),
            _ => None,
        };
        Ok(Self {
            explicit,
            isolated,
            cache: BTreeMap::new(),
        })
    }

    /// The overrides for a policy in `dir`.
    ///
    /// # Errors
    /// When the discovered file is invalid.
    pub(crate) fn for_dir(&mut self, dir: &Path) -> Result<FileOverrides, InputError> {
        if self.isolated {
            return Ok(FileOverrides::default());
        }
        Ok(self.governing(dir)?.map(|(_, o)| o).unwrap_or_default())
    }

    /// The configuration file that governs `dir` and what it says, loaded once.
    fn governing(&mut self, dir: &Path) -> Result<Option<(PathBuf, FileOverrides)>, InputError> {
        if self.isolated {
            return Ok(None);
        }
        if let Some(e) = &self.explicit {
            return Ok(Some(e.clone()));
        }
        let Some(path) = discover(dir) else {
            return Ok(None);
        };
        if let Some(c) = self.cache.get(&path) {
            return Ok(Some((path, c.clone())));
        }
        let loaded = load(&path)?;
        self.cache.insert(path.clone(), loaded.clone());
        Ok(Some((path, loaded)))
    }

    /// The `exclude:` patterns that govern a directory search rooted at `dir`, with the
    /// directory they are relative to (the configuration file's own).
    ///
    /// # Errors
    /// When the governing file is invalid.
    pub(crate) fn exclude_for(
        &mut self,
        dir: &Path,
    ) -> Result<Option<(PathBuf, Vec<String>)>, InputError> {
        let Some((path, overrides)) = self.governing(dir)? else {
            return Ok(None);
        };
        if overrides.exclude.is_empty() {
            return Ok(None);
        }
        let base = std::fs::canonicalize(&path)
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or_default();
        Ok(Some((base, overrides.exclude)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap_or_else(|e| panic!("{e}"));
        p
    }

    /// A temporary folder holding `a/b`, removed when the test ends.
    fn tempdir() -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::create_dir_all(d.path().join("a/b")).unwrap_or_else(|e| panic!("{e}"));
        d
    }

    #[test]
    fn reads_the_lint_section_weakest_first() {
        let t = tempdir();
        let d = t.path();
        let p = write(
            d,
            ".corsc.yaml",
            "lint:\n  deny: [security]\n  allow: [C213]\n",
        );
        let c = load(&p).unwrap_or_else(|e| panic!("{}", e.message));
        assert_eq!(c.overrides.len(), 2);
        assert_eq!(c.overrides[0].1, Level::Allow);
        assert_eq!(c.overrides[1].1, Level::Error);
    }

    #[test]
    fn unknown_keys_and_rules_are_errors_with_lines() {
        let t = tempdir();
        let d = t.path();
        let p = write(
            d,
            "corsc.yaml",
            "lint:\n  deny: [security]\n  dney: [style]\n",
        );
        let e = load(&p).err().map(|e| e.message).unwrap_or_default();
        assert!(
            e.contains("corsc.yaml:3") && e.contains("unknown field `dney`"),
            "{e}"
        );
        let p = write(d, "corsc.yaml", "lint:\n  warn:\n    - null-orign\n");
        let e = load(&p).err().map(|e| e.message).unwrap_or_default();
        assert!(
            e.contains("corsc.yaml:3") && e.contains("null-origin"),
            "{e}"
        );
        let p = write(d, "corsc.yaml", "lnt:\n  warn: [style]\n");
        let e = load(&p).err().map(|e| e.message).unwrap_or_default();
        assert!(
            e.contains("corsc.yaml:1") && e.contains("unknown key `lnt`"),
            "{e}"
        );
        let p = write(d, "corsc.yaml", "lint: [\n");
        assert!(load(&p).is_err());
    }

    #[test]
    fn discovery_walks_up_and_skips_manifests_without_lint() {
        let t = tempdir();
        let d = t.path();
        write(d, ".corsc.yaml", "lint:\n  warn: [style]\n");
        write(&d.join("a"), "corsc.yaml", "build:\n  target: nginx\n");
        let found = discover(&d.join("a/b")).unwrap_or_default();
        assert_eq!(
            found.file_name().and_then(|n| n.to_str()),
            Some(".corsc.yaml")
        );
        write(&d.join("a"), "corsc.yaml", "lint:\n  deny: [warnings]\n");
        let found = discover(&d.join("a/b")).unwrap_or_default();
        assert!(found.ends_with("a/corsc.yaml"), "{}", found.display());
    }
}
