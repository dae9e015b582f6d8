//! `corsc build`: compile every policy → target → output listed in a `corsc.yaml` manifest, and
//! `corsc build --check`: write nothing, show how each output drifted from what its policy
//! generates, and fail if any did (for CI, like `cargo fmt --check`).
//!
//! The build is all or nothing: every entry is compiled first, and files are written only when
//! every entry succeeded, each one atomically.
//!
//! A manifest is input like a policy: an entry's `target`, `shape`, `profile` and `listen` go
//! through the same validation as `corsc compile`'s flags ([`request`]), and its `policy` and
//! `output` must stay inside the manifest's directory. A value refused there is a usage error
//! (exit 2) naming the manifest, the line and the entry.

use super::super::args::BuildArgs;
use super::super::inputs::InputError;
use super::super::request::{self, shown, Invalid};
use super::super::{output, Outcome};
use super::destinations::{destinations, write_output};
use crate::diagnostics::{render, Diagnostic, Severity};
use crate::emit::{self, Options, Output, Provenance, Shape, Target};
use crate::pipeline::{self, LintErrors, Refusal};
use crate::source::Source;
use serde::Deserialize;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The manifest file name, found in the current directory or above.
pub(crate) const MANIFEST: &str = "corsc.yaml";

/// `corsc.yaml`. Other top-level sections (`lint:`) belong to other commands; a key nobody
/// reads is an error, so a misspelt section is not silently ignored.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    /// What to build.
    #[serde(default)]
    build: Vec<Entry>,
    /// Read by `corsc lint` (and validated as it reads it); accepted here so one file can hold
    /// both.
    #[serde(default)]
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

fn read_manifest(path: &Path) -> Result<(Manifest, String), InputError> {
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
    // The `lint:` section belongs to `corsc lint`, which reads it with its own validation; a
    // manifest that `lint` would refuse is refused here too, so no key goes unchecked.
    if m.lint.is_some() {
        super::super::config_file::load(path)?;
    }
    Ok((m, text))
}

/// An entry whose values passed validation: typed, and with paths joined to the manifest's
/// directory.
struct Valid<'m> {
    /// Its position in `build:`, from 0.
    index: usize,
    entry: &'m Entry,
    target: &'static dyn Target,
    shape: Shape,
    listen: std::net::SocketAddr,
    policy: PathBuf,
}

/// The 1-based line of the `nth` (0-based) occurrence of `key:` as a mapping key, if the keys
/// found are exactly the `expected` ones (block style); `None` when the layout is not that
/// simple (flow style), so a wrong line is never given.
fn key_line(text: &str, key: &str, nth: usize, expected: usize) -> Option<usize> {
    let lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            let t = l.trim_start();
            let t = t.strip_prefix('-').map_or(t, str::trim_start);
            let t = t.trim_start_matches(['"', '\'']);
            t.strip_prefix(key)
                .map(|r| r.trim_start_matches(['"', '\'']))
                .is_some_and(|r| r.trim_start().starts_with(':'))
        })
        .map(|(i, _)| i + 1)
        .collect();
    (lines.len() == expected)
        .then(|| lines.get(nth).copied())
        .flatten()
}

/// Whether an entry gives `key` (for finding its line).
fn is_set(e: &Entry, key: &str) -> bool {
    match key {
        "shape" => e.shape.is_some(),
        "profile" => e.profile.is_some(),
        "listen" => e.listen.is_some(),
        _ => true,
    }
}

/// A refused value of entry `i`: the manifest, the line of `key` where it can be found, the
/// entry's number and the key, then why and what to write instead.
fn entry_error(
    path: &Path,
    text: &str,
    m: &Manifest,
    i: usize,
    key: &str,
    err: Invalid,
) -> InputError {
    let nth = m.build[..i].iter().filter(|x| is_set(x, key)).count();
    let expected = m.build.iter().filter(|x| is_set(x, key)).count();
    let at = key_line(text, key, nth, expected)
        .map(|l| format!(":{l}"))
        .unwrap_or_default();
    InputError {
        message: format!(
            "{}{at}: build entry {}, `{key}`: {}",
            path.display(),
            i + 1,
            err.message
        ),
        help: Some(err.help),
    }
}

/// Validates every entry as `corsc compile` validates its flags; all refusals at once.
fn validate<'m>(
    path: &Path,
    text: &str,
    base: &Path,
    m: &'m Manifest,
) -> Result<Vec<Valid<'m>>, Vec<InputError>> {
    let mut errors = Vec::new();
    let mut valid = Vec::new();
    // Paths as written, without `.` components: an output must not overwrite the manifest, a
    // policy, or another entry's output.
    let plain = |p: &Path| -> PathBuf {
        p.components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect()
    };
    let manifest_name = path.file_name().map(PathBuf::from).unwrap_or_default();
    let policies: Vec<PathBuf> = m.build.iter().map(|e| plain(&e.policy)).collect();
    let mut outputs: Vec<PathBuf> = Vec::new();
    for (i, e) in m.build.iter().enumerate() {
        let mut refuse = |key: &str, err: Invalid| {
            errors.push(entry_error(path, text, m, i, key, err));
        };
        let target = request::target(&e.target)
            .map_err(|x| refuse("target", x))
            .ok();
        let shape = match e.shape.as_deref() {
            None => Some(Shape::Include),
            Some(s) => request::shape(s).map_err(|x| refuse("shape", x)).ok(),
        };
        let listen = match e.listen.as_deref() {
            None => Some(emit::Options::default().listen),
            Some(l) => request::listen(l).map_err(|x| refuse("listen", x)).ok(),
        };
        let policy = request::inside(base, &e.policy)
            .map_err(|x| refuse("policy", x))
            .ok();
        let mut output = request::inside(base, &e.output)
            .map_err(|x| refuse("output", x))
            .ok();
        let out = plain(&e.output);
        let clash = if out == manifest_name {
            Some("is the manifest itself")
        } else if policies.contains(&out) {
            Some("is a policy file of this manifest")
        } else if outputs.contains(&out) {
            Some("is already the output of another entry")
        } else {
            None
        };
        if let Some(why) = clash {
            refuse(
                "output",
                Invalid {
                    message: format!("{} {why}", shown(&e.output.to_string_lossy())),
                    help:
                        "give each entry its own output, apart from the policies and the manifest"
                            .into(),
                },
            );
            output = None;
        }
        outputs.push(out);
        if let (Some(target), Some(shape), Some(listen), Some(policy), Some(_)) =
            (target, shape, listen, policy, output)
        {
            valid.push(Valid {
                index: i,
                entry: e,
                target,
                shape,
                listen,
                policy,
            });
        }
    }
    if errors.is_empty() {
        Ok(valid)
    } else {
        Err(errors)
    }
}

/// yaml_serde's message without its trailing " at line L column C" (the location is put first).
fn strip_location(msg: &str) -> &str {
    msg.rfind(" at line ").map_or(msg, |i| &msg[..i])
}

/// Why an entry did not compile.
enum Failure {
    /// The policy has errors, or the target cannot express it.
    Diagnostics(Source, Vec<Diagnostic>),
    /// A file could not be read.
    Input(InputError),
    /// A value of the entry is refused (a profile its policy does not define).
    Entry(&'static str, Invalid),
}

fn input(message: String, help: Option<String>) -> Failure {
    Failure::Input(InputError { message, help })
}

/// Compiles one validated entry exactly as `corsc compile` would.
fn compile_entry(v: &Valid<'_>) -> Result<Output, Failure> {
    let e = v.entry;
    let path = &v.policy;
    let bytes = std::fs::read(path).map_err(|err| {
        input(
            format!("could not read {}: {err}", shown(&path.to_string_lossy())),
            Some("policy paths are relative to the manifest".into()),
        )
    })?;
    let text = String::from_utf8(bytes.clone()).map_err(|_| {
        input(
            format!("{} is not valid UTF-8", shown(&path.to_string_lossy())),
            Some("save the policy as UTF-8 text".into()),
        )
    })?;
    // Name the policy as the manifest does, so the provenance header does not depend on the
    // directory corsc runs in.
    let name = e.policy.display().to_string();
    let source = Source::new(name.clone(), text);
    let file = pipeline::parse(&source).map_err(|d| Failure::Diagnostics(source.clone(), d))?;
    let profile = e.profile.as_deref();
    if let Some(p) = profile {
        request::profile(p, &crate::check::profile_names(&file))
            .map_err(|x| Failure::Entry("profile", x))?;
    }
    let options = Options {
        shape: v.shape,
        listen: v.listen,
    };
    let prov = Provenance::new(name, &bytes, e.profile.clone());
    match pipeline::compile(
        &file,
        profile,
        v.target,
        &options,
        &prov,
        LintErrors::Refuse,
    ) {
        Ok(c) => Ok(c.output),
        Err(Refusal::Invalid(d) | Refusal::Target { plan: d, .. }) => {
            Err(Failure::Diagnostics(source, d))
        }
        // Only the errors among the findings: they are what stopped the build.
        Err(Refusal::Lint(mut findings)) => {
            findings.retain(|d| d.severity == Severity::Error);
            Err(Failure::Diagnostics(source, findings))
        }
    }
}

/// An entry in one line, its values escaped (they come from the manifest).
fn describe(e: &Entry) -> String {
    let esc = |s: &str| s.escape_debug().to_string();
    format!(
        "{} → {}{} → {}",
        esc(&e.policy.to_string_lossy()),
        esc(&e.target),
        e.profile
            .as_deref()
            .map(|p| format!(" (profile {})", esc(p)))
            .unwrap_or_default(),
        esc(&e.output.to_string_lossy())
    )
}

pub(crate) fn run(args: &BuildArgs, color: bool) -> Outcome {
    let manifest = match manifest_path(args.manifest.as_deref()).and_then(|p| {
        let (m, text) = read_manifest(&p)?;
        Ok((p, m, text))
    }) {
        Ok(x) => x,
        Err(e) => {
            output::fatal(&[e], color);
            return Outcome::Fatal;
        }
    };
    let (path, m, text) = manifest;
    let base = path
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let base = if base.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        base
    };
    let valid = match validate(&path, &text, &base, &m) {
        Ok(v) => v,
        Err(errors) => {
            output::fatal(&errors, color);
            let _ = writeln!(
                std::io::stderr(),
                "nothing was written: the manifest has {} invalid value{}",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            );
            return Outcome::Fatal;
        }
    };
    let mut built = Vec::new();
    let mut failed = false;
    let mut usage = false;
    let mut stderr = String::new();
    for v in &valid {
        let e = v.entry;
        match compile_entry(v) {
            Ok(out) => built.push((e, out)),
            Err(Failure::Diagnostics(src, d)) => {
                failed = true;
                stderr.push_str(&format!("error: {} does not build\n", describe(e)));
                stderr.push_str(&render::human(&src, &d, color));
            }
            Err(Failure::Entry(key, err)) => {
                failed = true;
                usage = true;
                let err = entry_error(&path, &text, &m, v.index, key, err);
                stderr.push_str(&format!(
                    "error: {}\n  help: {}\n",
                    err.message,
                    err.help.unwrap_or_default()
                ));
            }
            Err(Failure::Input(err)) => {
                failed = true;
                usage = true;
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
        // A wrong entry (a profile no policy defines, a file that cannot be read) is a usage
        // error, like the same mistake on `corsc compile`'s command line.
        return if usage {
            Outcome::Fatal
        } else {
            Outcome::Failed
        };
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
