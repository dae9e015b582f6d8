//! `corsc build`: compile every policy → target → output listed in a `corsc.yaml` manifest, and
//! `corsc build --check`: write nothing, show how each output drifted from what its policy
//! generates, and fail if any did (for CI, like `cargo fmt --check`).
//!
//! The build is all or nothing: every entry is compiled first, and files are written only when
//! every entry succeeded, each one atomically.

use super::super::args::BuildArgs;
use super::super::inputs::InputError;
use super::super::{output, Outcome};
use super::compile::{destinations, write_output};
use crate::diagnostics::{render, Diagnostic, Severity};
use crate::emit::{self, Options, Output, Provenance, Shape};
use crate::lint::{self, LintConfig};
use crate::source::Source;
use serde::Deserialize;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The manifest file name, found in the current directory or above.
pub(crate) const MANIFEST: &str = "corsc.yaml";

/// `corsc.yaml`. Other top-level sections (`lint:`) belong to other commands.
#[derive(Debug, Deserialize)]
struct Manifest {
    /// What to build.
    #[serde(default)]
    build: Vec<Entry>,
    /// Read by `corsc lint`; accepted here so one file can hold both.
    #[serde(default)]
    #[allow(dead_code, reason = "the lint section is read by `corsc lint`")]
    lint: Option<yaml_serde::Value>,
}

/// One output to build.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    /// The policy file, relative to the manifest.
    policy: PathBuf,
    /// A target id or alias (`corsc targets`).
    target: String,
    /// Where to write, relative to the manifest: a file, or a directory for several parts.
    output: PathBuf,
    /// `include` (default), `server` or `htaccess`.
    #[serde(default)]
    shape: Option<String>,
    /// A profile of the policy.
    #[serde(default)]
    profile: Option<String>,
    /// The address a `server` shape listens on.
    #[serde(default)]
    listen: Option<String>,
}

fn manifest_path(given: Option<&Path>) -> Result<PathBuf, InputError> {
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

fn read_manifest(path: &Path) -> Result<Manifest, InputError> {
    let text = std::fs::read_to_string(path).map_err(|e| InputError {
        message: format!("could not read `{}`: {e}", path.display()),
        help: None,
    })?;
    let m: Manifest = yaml_serde::from_str(&text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!("{}:{}:{}", path.display(), l.line(), l.column()))
            .unwrap_or_else(|| path.display().to_string());
        InputError {
            message: format!("{at}: {}", strip_location(&e.to_string())),
            help: Some(
                "each `build:` entry takes `policy`, `target` and `output`, and optionally `shape`, `profile` and `listen`"
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
    Ok(m)
}

/// yaml_serde's message without its trailing " at line L column C" (the location is put first).
fn strip_location(msg: &str) -> &str {
    msg.rfind(" at line ").map_or(msg, |i| &msg[..i])
}

/// Why an entry did not compile.
enum Failure {
    /// The policy has errors, or the target cannot express it.
    Diagnostics(Source, Vec<Diagnostic>),
    /// The entry itself is wrong, or a file could not be read.
    Input(InputError),
}

fn input(message: String, help: Option<String>) -> Failure {
    Failure::Input(InputError { message, help })
}

/// Compiles one entry exactly as `corsc compile` would.
fn compile_entry(base: &Path, e: &Entry) -> Result<Output, Failure> {
    let target = emit::find(&e.target).ok_or_else(|| {
        let ids: Vec<&str> = emit::TARGETS.iter().map(|t| t.id()).collect();
        input(
            format!("unknown target `{}`", e.target),
            Some(format!("the targets are {}", ids.join(", "))),
        )
    })?;
    let shape = match e.shape.as_deref() {
        None | Some("include") => Shape::Include,
        Some("server") => Shape::Server,
        Some("htaccess") => Shape::Htaccess,
        Some(other) => {
            return Err(input(
                format!("unknown shape `{other}`"),
                Some("the shapes are `include`, `server` and `htaccess`".into()),
            ))
        }
    };
    let path = base.join(&e.policy);
    let bytes = std::fs::read(&path).map_err(|err| {
        input(
            format!("could not read `{}`: {err}", path.display()),
            Some("policy paths are relative to the manifest".into()),
        )
    })?;
    let text = String::from_utf8(bytes.clone()).map_err(|_| {
        input(
            format!("`{}` is not valid UTF-8", path.display()),
            Some("save the policy as UTF-8 text".into()),
        )
    })?;
    // Name the policy as the manifest does, so the provenance header does not depend on the
    // directory corsc runs in.
    let name = e.policy.display().to_string();
    let source = Source::new(name.clone(), text);
    let file =
        crate::syntax::parse(&source).map_err(|d| Failure::Diagnostics(source.clone(), d))?;
    let profile = e.profile.as_deref();
    if let Some(p) = profile {
        if !crate::check::profile_names(&file).iter().any(|n| n == p) {
            return Err(input(format!("`{name}` defines no profile `{p}`"), None));
        }
    }
    let checked = crate::check::check(&file, profile);
    let set = checked
        .policies
        .ok_or_else(|| Failure::Diagnostics(source.clone(), checked.diagnostics))?;
    let mut findings = lint::lint_file(&file, &LintConfig::default(), profile);
    if profile.is_none() {
        findings.retain(|d| !d.notes.iter().any(|n| n.starts_with("only with profile")));
    }
    if findings.iter().any(|d| d.severity == Severity::Error) {
        findings.retain(|d| d.severity == Severity::Error);
        return Err(Failure::Diagnostics(source, findings));
    }
    let options = Options {
        shape,
        listen: e.listen.clone().unwrap_or_else(|| "127.0.0.1:8080".into()),
    };
    let prov = Provenance::new(name, &bytes, e.profile.clone());
    emit::compile(&set, target, &options, &prov).map_err(|d| Failure::Diagnostics(source, d))
}

fn describe(e: &Entry) -> String {
    format!(
        "{} → {}{} → {}",
        e.policy.display(),
        e.target,
        e.profile
            .as_deref()
            .map(|p| format!(" (profile {p})"))
            .unwrap_or_default(),
        e.output.display()
    )
}

pub(crate) fn run(args: &BuildArgs, color: bool) -> Outcome {
    let manifest = match manifest_path(args.manifest.as_deref()).and_then(|p| {
        let m = read_manifest(&p)?;
        Ok((p, m))
    }) {
        Ok(x) => x,
        Err(e) => {
            output::fatal(&[e], color);
            return Outcome::Fatal;
        }
    };
    let (path, m) = manifest;
    let base = path
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let base = if base.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        base
    };
    let mut built = Vec::new();
    let mut failed = false;
    let mut stderr = String::new();
    for e in &m.build {
        match compile_entry(&base, e) {
            Ok(out) => built.push((e, out)),
            Err(Failure::Diagnostics(src, d)) => {
                failed = true;
                stderr.push_str(&format!("error: {} does not build\n", describe(e)));
                stderr.push_str(&render::human(&src, &d, color));
            }
            Err(Failure::Input(err)) => {
                failed = true;
                stderr.push_str(&format!(
                    "error: {}: {}\n{}",
                    describe(e),
                    err.message,
                    err.help
                        .map(|h| format!("  help: {h}\n"))
                        .unwrap_or_default()
                ));
            }
        }
    }
    let _ = std::io::stderr().write_all(stderr.as_bytes());
    if failed {
        let _ = writeln!(
            std::io::stderr(),
            "nothing was written: {} of {} outputs do not build",
            m.build.len() - built.len(),
            m.build.len()
        );
        return Outcome::Failed;
    }
    if args.check {
        return check(&base, &built);
    }
    let mut written = 0;
    for (e, out) in &built {
        let dest = base.join(&e.output);
        // A build owns its output tree: create missing directories, as a build tool does.
        let dir = if out.parts.len() > 1 || e.output.to_string_lossy().ends_with('/') {
            Some(dest.as_path())
        } else {
            dest.parent()
        };
        if let Some(d) = dir {
            if let Err(err) = std::fs::create_dir_all(d) {
                output::fatal(
                    &[InputError {
                        message: format!("could not create `{}`: {err}", d.display()),
                        help: None,
                    }],
                    color,
                );
                return Outcome::Fatal;
            }
        }
        match write_output(&dest, out) {
            Ok(files) => written += files.len(),
            Err(err) => {
                output::fatal(&[err], color);
                return Outcome::Fatal;
            }
        }
    }
    let _ = writeln!(
        std::io::stderr(),
        "built {} outputs ({written} files) from {}",
        built.len(),
        path.display()
    );
    Outcome::Clean
}

/// `--check`: compares what would be written with what is on disk.
fn check(base: &Path, built: &[(&Entry, Output)]) -> Outcome {
    let mut drifted = 0;
    let mut files = 0;
    let mut out = String::new();
    for (e, o) in built {
        let dests = match destinations(&base.join(&e.output), o) {
            Ok(d) => d,
            Err(err) => {
                out.push_str(&format!("{}: {}\n", describe(e), err.message));
                drifted += 1;
                continue;
            }
        };
        for (dest, want) in dests {
            files += 1;
            let shown = dest
                .strip_prefix(base)
                .unwrap_or(&dest)
                .display()
                .to_string();
            match std::fs::read_to_string(&dest) {
                Ok(have) if have == want => {}
                Ok(have) => {
                    drifted += 1;
                    let diff = similar::TextDiff::from_lines(&have, &want);
                    out.push_str(
                        &diff
                            .unified_diff()
                            .context_radius(3)
                            .header(
                                &format!("{shown} (on disk)"),
                                &format!("{shown} (from {})", e.policy.display()),
                            )
                            .to_string(),
                    );
                }
                Err(_) => {
                    drifted += 1;
                    out.push_str(&format!(
                        "{shown}: missing (would be generated from {})\n",
                        e.policy.display()
                    ));
                }
            }
        }
    }
    output::out(&out);
    if drifted > 0 {
        let _ = writeln!(
            std::io::stderr(),
            "{drifted} of {files} generated files are out of date; run `corsc build` to update them"
        );
        Outcome::Failed
    } else {
        let _ = writeln!(std::io::stderr(), "{files} generated files are up to date");
        Outcome::Clean
    }
}
