//! `corsc.yaml`, the manifest `corsc build` works from: found, read, and validated whole
//! before anything is compiled.
//!
//! A manifest is input like a policy: an entry's `target`, `shape`, `profile` and `listen` go
//! through the same validation as `corsc compile`'s flags ([`request`]), its `policy` and
//! `output` must stay inside the manifest's directory, and no two entries may write one file.
//! A value refused here is a usage error (exit 2) naming the manifest, the line and column, the
//! entry and the key.

use super::super::inputs::InputError;
use super::super::output::INPUT;
use super::super::request::{self, shown, Invalid};
use super::same_file::Claims;
use crate::emit::{self, Shape, Target};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The manifest file name, found in the current directory or above.
pub(crate) const MANIFEST: &str = "corsc.yaml";

/// The code of the error for two entries that write one file.
pub(crate) const DUPLICATE_OUTPUT: &str = "corsc::duplicate-output";

/// `corsc.yaml` as written. Other top-level sections (`lint:`) belong to other commands; a key
/// nobody reads is an error, so a misspelt section is not silently ignored.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Written {
    /// What to build.
    #[serde(default)]
    build: Vec<Entry>,
    /// The lint settings (validated as `corsc lint` validates them); accepted here so one
    /// file can hold both.
    #[serde(default)]
    lint: Option<yaml_serde::Value>,
}

/// One output to build.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Entry {
    /// The policy file, relative to the manifest.
    pub(crate) policy: PathBuf,
    /// A target id or alias (`corsc targets`).
    pub(crate) target: String,
    /// Where to write, relative to the manifest: a file, or a directory for several parts.
    pub(crate) output: PathBuf,
    /// `include` (default), `server` or `htaccess`.
    #[serde(default)]
    pub(crate) shape: Option<String>,
    /// A profile of the policy.
    #[serde(default)]
    pub(crate) profile: Option<String>,
    /// The address a `server` shape listens on.
    #[serde(default)]
    pub(crate) listen: Option<String>,
    /// The namespace of the output's variables (nginx, Apache); default: derived from
    /// `output` as written.
    #[serde(default)]
    pub(crate) namespace: Option<String>,
    /// Server-level headers an nginx output repeats in its locations, `Name: value` each.
    #[serde(default, rename = "keep-headers")]
    pub(crate) keep_headers: Option<Vec<String>>,
    /// The package of a generated Java class (spring); default: `corsc.generated`.
    #[serde(default, rename = "java-package")]
    pub(crate) java_package: Option<String>,
}

impl Entry {
    /// The entry in one line, its values escaped (they come from the manifest).
    pub(crate) fn describe(&self) -> String {
        let esc = |s: &str| s.escape_debug().to_string();
        format!(
            "{} → {}{} → {}",
            esc(&self.policy.to_string_lossy()),
            esc(&self.target),
            self.profile
                .as_deref()
                .map(|p| format!(" (profile {})", esc(p)))
                .unwrap_or_default(),
            esc(&self.output.to_string_lossy())
        )
    }

    /// Whether the entry gives `key` (for finding its place in the text).
    fn sets(&self, key: &str) -> bool {
        match key {
            "shape" => self.shape.is_some(),
            "profile" => self.profile.is_some(),
            "listen" => self.listen.is_some(),
            "namespace" => self.namespace.is_some(),
            "keep-headers" => self.keep_headers.is_some(),
            "java-package" => self.java_package.is_some(),
            _ => true,
        }
    }
}

/// A read manifest: where it is, its text (to place errors), and its entries.
#[derive(Debug)]
pub(crate) struct Manifest {
    /// The file.
    pub(crate) path: PathBuf,
    /// Its directory, which every path in it is relative to.
    pub(crate) base: PathBuf,
    text: String,
    /// The entries, in order.
    pub(crate) build: Vec<Entry>,
}

/// A refused manifest value: the error, and the code it is reported under.
#[derive(Debug)]
pub(crate) struct Refused {
    /// `corsc::input`, or a code of its own ([`DUPLICATE_OUTPUT`]).
    pub(crate) code: &'static str,
    /// The place, the entry, the key, what is wrong and what to do.
    pub(crate) error: InputError,
}

/// Who reads or writes a file of the build, for telling which two collide.
#[derive(Debug)]
pub(crate) enum Owner {
    /// The manifest.
    Manifest,
    /// A policy file of an entry.
    Policy,
    /// Entry `index` (from 0) writes it, as the path `file`, part of its output `output`.
    Output {
        index: usize,
        file: PathBuf,
        output: PathBuf,
    },
}

/// A path as an error shows it: when it is one part of an entry's output, that output too.
fn part_of(file: &Path, output: &Path) -> String {
    let f = shown(&file.to_string_lossy());
    if file == output {
        f
    } else {
        format!("{f} (a part of {})", shown(&output.to_string_lossy()))
    }
}

/// The manifest named, or `corsc.yaml` in the current directory or the nearest parent.
///
/// # Errors
/// When there is none.
pub(crate) fn find(given: Option<&Path>) -> Result<PathBuf, InputError> {
    if let Some(p) = given {
        return Ok(p.to_path_buf());
    }
    let cwd = std::env::current_dir().map_err(|e| InputError {
        message: format!("could not read the current directory: {e}"),
        help: None,
    })?;
    cwd.ancestors()
        .map(|d| d.join(MANIFEST))
        .find(|p| p.is_file())
        .ok_or_else(|| InputError {
            message: format!("no `{MANIFEST}` here or in any parent directory"),
            help: Some(
                "create one listing what to build, or name it with `--manifest PATH`:\n\nbuild:\n  - policy: policies/api.cors\n    target: nginx\n    output: deploy/nginx/"
                    .to_string(),
            ),
        })
}

/// yaml_serde's message without its trailing " at line L column C" (the location is put first).
fn strip_location(msg: &str) -> &str {
    msg.rfind(" at line ").map_or(msg, |i| &msg[..i])
}

/// Reads a manifest and checks its shape: known keys, at least one entry, a valid `lint:`.
///
/// # Errors
/// An unreadable file, YAML errors and unknown keys, with the line and column.
pub(crate) fn read(path: &Path) -> Result<Manifest, InputError> {
    let text = std::fs::read_to_string(path).map_err(|e| InputError {
        message: format!("could not read `{}`: {e}", path.display()),
        help: None,
    })?;
    let m: Written = yaml_serde::from_str(&text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!("{}:{}:{}", path.display(), l.line(), l.column()))
            .unwrap_or_else(|| path.display().to_string());
        InputError {
            message: format!("{at}: {}", strip_location(&e.to_string())),
            help: Some(
                "each `build:` entry takes `policy`, `target` and `output`, and optionally `shape`, `profile`, `listen`, `namespace`, `keep-headers` and `java-package`"
                    .into(),
            ),
        }
    })?;
    if m.build.is_empty() {
        return Err(InputError {
            message: format!("`{}` lists nothing to build", path.display()),
            help: Some("add entries under `build:` with `policy`, `target` and `output`".into()),
        });
    }
    // The `lint:` section is read with `corsc lint`'s own validation; a manifest that `lint`
    // would refuse is refused here too, so no key goes unchecked, even under `--isolated` or
    // `--config`, which only choose which settings apply.
    if m.lint.is_some() {
        super::super::config_file::load(path)?;
    }
    let base = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok(Manifest {
        path: path.to_path_buf(),
        base,
        text,
        build: m.build,
    })
}

/// Where the `nth` (0-based) `key:` of the text is, as a 1-based line and column, if the keys
/// found are exactly the `expected` ones; `None` when they are not (a key inside a value or a
/// comment of an unusual layout), so a wrong place is never given. A key is found at the start
/// of a line (after `- `) or, in flow style, after `{` or `,`; quoted or not.
fn key_position(text: &str, key: &str, nth: usize, expected: usize) -> Option<(usize, usize)> {
    let mut found = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let mut from = 0;
        while let Some(off) = line[from..].find(key) {
            let at = from + off;
            from = at + key.len();
            let head = &line[..at];
            let quote = usize::from(head.ends_with(['"', '\'']));
            let before = head[..head.len() - quote].trim();
            let opens = before.is_empty() || before == "-" || before.ends_with(['{', ',']);
            let after = line[from..].trim_start_matches(['"', '\'']).trim_start();
            if opens && after.starts_with(':') {
                found.push((i + 1, head[..head.len() - quote].chars().count() + 1));
            }
        }
    }
    (found.len() == expected)
        .then(|| found.get(nth).copied())
        .flatten()
}

impl Manifest {
    /// A refused value of entry `i`: the manifest, the line and column of `key` where they can
    /// be found, the entry's number and the key, then why and what to write instead.
    pub(crate) fn entry_error(&self, i: usize, key: &str, err: Invalid) -> InputError {
        let nth = self.build[..i].iter().filter(|x| x.sets(key)).count();
        let expected = self.build.iter().filter(|x| x.sets(key)).count();
        let at = key_position(&self.text, key, nth, expected)
            .map(|(line, col)| format!(":{line}:{col}"))
            .unwrap_or_default();
        InputError {
            message: format!(
                "{}{at}: build entry {}, `{key}`: {}",
                self.path.display(),
                i + 1,
                err.message
            ),
            help: Some(err.help),
        }
    }

    /// The files the build reads, claimed so that no output can be one of them.
    pub(crate) fn claims(&self) -> Claims<Owner> {
        let mut claims = Claims::new();
        let name = self.path.file_name().map(PathBuf::from).unwrap_or_default();
        let _ = claims.claim(&self.base, &name, Owner::Manifest);
        for e in &self.build {
            let _ = claims.claim(&self.base, &e.policy, Owner::Policy);
        }
        claims
    }

    /// Entry `i` writes `file` (part of its `output`), a file `owner` claimed first: why that
    /// is refused.
    pub(crate) fn clash(&self, i: usize, file: &Path, owner: &Owner) -> Refused {
        let output = &self.build[i].output;
        let (code, why, help) = match owner {
            Owner::Manifest => (
                INPUT,
                "is the manifest itself".to_string(),
                "give each entry its own output, apart from the policies and the manifest",
            ),
            Owner::Policy => (
                INPUT,
                "is a policy file of this manifest".to_string(),
                "give each entry its own output, apart from the policies and the manifest",
            ),
            Owner::Output {
                index,
                file: other,
                output: theirs,
            } => (
                DUPLICATE_OUTPUT,
                format!(
                    "is already the output of another entry: entry {} writes the same file as {}",
                    index + 1,
                    part_of(other, theirs)
                ),
                "give each entry its own output file: entries that write one file overwrite each other, and `corsc build --check` reports drift on every run",
            ),
        };
        let err = Invalid {
            message: format!("{} {why}", part_of(file, output)),
            help: help.into(),
        };
        Refused {
            code,
            error: self.entry_error(i, "output", err),
        }
    }

    /// Validates every entry as `corsc compile` validates its flags; all refusals at once.
    ///
    /// # Errors
    /// Every refused value, in the order of the entries.
    pub(crate) fn validate(&self) -> Result<Vec<Valid<'_>>, Vec<Refused>> {
        let mut errors = Vec::new();
        let mut valid = Vec::new();
        let mut claims = self.claims();
        for (i, e) in self.build.iter().enumerate() {
            let mut refuse = |key: &str, err: Invalid| {
                errors.push(Refused {
                    code: INPUT,
                    error: self.entry_error(i, key, err),
                });
            };
            let target = request::target(&e.target)
                .map_err(|x| refuse("target", x))
                .ok();
            let shape = match (e.shape.as_deref(), &target) {
                (None, Some(t)) => Some(request::default_shape(*t)),
                (None, None) => Some(Shape::Include),
                (Some(s), Some(t)) => request::shape(s)
                    .and_then(|s| request::shape_for(s, *t))
                    .map_err(|x| refuse("shape", x))
                    .ok(),
                (Some(s), None) => request::shape(s).map_err(|x| refuse("shape", x)).ok(),
            };
            let listen = match e.listen.as_deref() {
                None => Some(emit::Options::default().listen),
                Some(l) => request::listen(l).map_err(|x| refuse("listen", x)).ok(),
            };
            // The output path as written names the namespace unless one is given: two entries
            // never write one file, so two outputs never share a derived namespace.
            let namespace = match e.namespace.as_deref() {
                None => Some(emit::dropin::Namespace::derived(
                    &e.output.to_string_lossy(),
                )),
                Some(n) => request::namespace(n)
                    .map_err(|x| refuse("namespace", x))
                    .ok(),
            };
            let keep_headers = match (&target, &e.keep_headers) {
                (_, None) => Some(Vec::new()),
                (Some(t), Some(k)) => request::keep_headers(k, *t)
                    .map_err(|x| refuse("keep-headers", x))
                    .ok(),
                (None, Some(_)) => None,
            };
            let java_package = match (&target, e.java_package.as_deref()) {
                (_, None) => Some(emit::JavaPackage::default()),
                (Some(t), Some(p)) => request::java_package(Some(p), *t)
                    .map_err(|x| refuse("java-package", x))
                    .ok(),
                (None, Some(_)) => None,
            };
            let policy = request::inside(&self.base, &e.policy)
                .map_err(|x| refuse("policy", x))
                .ok();
            let mut output = request::inside(&self.base, &e.output)
                .map_err(|x| refuse("output", x))
                .ok();
            // An output must not overwrite the manifest, a policy, or another entry's output,
            // however the path is spelt.
            let owner = Owner::Output {
                index: i,
                file: e.output.clone(),
                output: e.output.clone(),
            };
            if let Err(first) = claims.claim(&self.base, &e.output, owner) {
                errors.push(self.clash(i, &e.output, first));
                output = None;
            }
            if let (
                Some(target),
                Some(shape),
                Some(listen),
                Some(policy),
                Some(_),
                Some(namespace),
                Some(keep_headers),
                Some(java_package),
            ) = (
                target,
                shape,
                listen,
                policy,
                output,
                namespace,
                keep_headers,
                java_package,
            ) {
                valid.push(Valid {
                    index: i,
                    entry: e,
                    target,
                    shape,
                    listen,
                    policy,
                    namespace,
                    keep_headers,
                    java_package,
                });
            }
        }
        // Two outputs of one engine with one namespace would define the same variables: when
        // both are included into one server, the later silently replaces the other's.
        for (k, v) in valid.iter().enumerate() {
            if let Some(first) = valid[..k]
                .iter()
                .find(|o| o.target.id() == v.target.id() && o.namespace == v.namespace)
            {
                errors.push(Refused {
                    code: INPUT,
                    error: self.entry_error(
                        v.index,
                        "namespace",
                        Invalid {
                            message: format!(
                                "namespace `{}` is already the namespace of entry {}",
                                v.namespace,
                                first.index + 1
                            ),
                            help: "give each output its own `namespace:`: included into one server, two outputs with one namespace overwrite each other's variables".into(),
                        },
                    ),
                });
            }
        }
        if errors.is_empty() {
            Ok(valid)
        } else {
            Err(errors)
        }
    }
}

/// An entry whose values passed validation: typed, and with paths joined to the manifest's
/// directory.
pub(crate) struct Valid<'m> {
    /// Its position in `build:`, from 0.
    pub(crate) index: usize,
    pub(crate) entry: &'m Entry,
    pub(crate) target: &'static dyn Target,
    pub(crate) shape: Shape,
    pub(crate) listen: std::net::SocketAddr,
    pub(crate) policy: PathBuf,
    pub(crate) namespace: emit::dropin::Namespace,
    pub(crate) keep_headers: Vec<emit::dropin::KeptHeader>,
    pub(crate) java_package: emit::JavaPackage,
}

#[cfg(test)]
mod tests {
    use super::key_position;

    #[test]
    fn keys_are_placed_in_block_and_flow_style_or_not_at_all() {
        let block = "build:\n  - policy: a.cors\n    output: x.conf\n  - \"output\": y.conf\n    policy: b.cors\n";
        assert_eq!(key_position(block, "output", 0, 2), Some((3, 5)));
        assert_eq!(key_position(block, "output", 1, 2), Some((4, 5)));
        assert_eq!(key_position(block, "policy", 1, 2), Some((5, 5)));
        let flow =
            "build:\n  - {policy: a.cors, output: x.conf}\n  - { policy: b.cors,output: y }\n";
        assert_eq!(key_position(flow, "output", 1, 2), Some((3, 22)));
        // A key that also appears in a value or a comment: no place rather than a wrong one.
        let odd = "build:\n  - policy: \"a, output: b\"\n    output: x.conf\n";
        assert_eq!(key_position(odd, "output", 0, 1), None);
        let commented = "# output: old.conf\nbuild:\n  - output: x.conf\n";
        assert_eq!(key_position(commented, "output", 0, 1), Some((3, 5)));
    }
}
