//! `corsc build`: compile every policy → target → output listed in a `corsc.yaml` manifest, and
//! `corsc build --check`: write nothing, show how each output drifted from what its policy
//! generates, and fail if any did (for CI, like `cargo fmt --check`).
//!
//! The build is all or nothing: the manifest is validated whole ([`manifest`]), every entry is
//! compiled, and files are written only when every entry succeeded and no two of them write
//! one file, each one atomically.
//!
//! Each policy is linted with the settings `corsc lint` would use for it ([`LintSettings`]):
//! the configuration file nearest the policy, `--config`, or none with `--isolated`.

use super::super::args::BuildArgs;
use super::super::inputs::InputError;
use super::super::lint_settings::LintSettings;
use super::super::request::{self, shown, Invalid};
use super::super::{output, Outcome};
use super::destinations::{create_dirs, destinations, write_output};
use super::manifest::{self, Manifest, Owner, Refused, Valid};
use crate::diagnostics::{render, Diagnostic, Severity};
use crate::emit::{Options, Output, Provenance};
use crate::pipeline::{self, LintErrors, Refusal};
use crate::source::Source;
use crate::source::{shown_lines, shown_path};
use std::io::Write as _;
use std::path::Path;

/// Why an entry did not compile.
enum Failure {
    /// The policy has errors, or the target cannot express it.
    Diagnostics(Source, Vec<Diagnostic>),
    /// A file could not be read, or the lint settings that govern the policy are invalid.
    Input(InputError),
    /// A value of the entry is refused (a profile its policy does not define).
    Entry(&'static str, Invalid),
}

fn input(message: String, help: Option<String>) -> Failure {
    Failure::Input(InputError { message, help })
}

/// Compiles one validated entry exactly as `corsc compile` would, with the lint settings
/// `corsc lint` would use for its policy.
fn compile_entry(v: &Valid<'_>, settings: &mut LintSettings) -> Result<Output, Failure> {
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
    let config = settings.for_policy(path).map_err(Failure::Input)?;
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
        namespace: Some(v.namespace.clone()),
        keep_headers: v.keep_headers.clone(),
        java_package: v.java_package.clone(),
    };
    let prov = Provenance::new(name, &bytes, e.profile.clone());
    match pipeline::compile_with(
        &file,
        profile,
        &config,
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

/// Prints refused manifest values, each under its code, and that nothing was written.
fn refuse(errors: &[Refused], color: bool) -> Outcome {
    for r in errors {
        output::fatal_as(r.code, std::slice::from_ref(&r.error), color);
    }
    let _ = writeln!(
        std::io::stderr(),
        "nothing was written: the manifest has {} invalid value{}",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    );
    Outcome::Fatal
}

/// The files each compiled output goes to, refused when two entries would write one file
/// (or an output would overwrite the manifest or a policy). The paths as written can differ
/// and still meet here: a part of a directory output can be another entry's file.
fn clashes(m: &Manifest, built: &[(&Valid<'_>, Output)]) -> Vec<Refused> {
    let mut claims = m.claims();
    let mut errors = Vec::new();
    for (v, out) in built {
        let output = &v.entry.output;
        // An output that cannot be placed is reported when it is written or checked.
        let Ok(dests) = destinations(&m.base.join(output), out) else {
            continue;
        };
        for (dest, _) in dests {
            let file = dest.strip_prefix(&m.base).unwrap_or(&dest).to_path_buf();
            let owner = Owner::Output {
                index: v.index,
                file: file.clone(),
                output: output.clone(),
            };
            if let Err(first) = claims.claim(&m.base, &file, owner) {
                errors.push(m.clash(v.index, &file, first));
            }
        }
    }
    errors
}

pub(crate) fn run(args: &BuildArgs, color: bool) -> Outcome {
    let m = match manifest::find(args.manifest.as_deref()).and_then(|p| manifest::read(&p)) {
        Ok(m) => m,
        Err(e) => {
            output::fatal(&[e], color);
            return Outcome::Fatal;
        }
    };
    let mut settings = match LintSettings::new(&args.settings, Vec::new()) {
        Ok(s) => s,
        Err(e) => {
            output::fatal(&[e], color);
            return Outcome::Fatal;
        }
    };
    let valid = match m.validate() {
        Ok(v) => v,
        Err(errors) => return refuse(&errors, color),
    };
    let mut built = Vec::new();
    let mut failed = false;
    let mut usage = false;
    let mut stderr = String::new();
    for v in &valid {
        let e = v.entry;
        match compile_entry(v, &mut settings) {
            Ok(out) => built.push((v, out)),
            Err(Failure::Diagnostics(src, d)) => {
                failed = true;
                stderr.push_str(&format!("error: {} does not build\n", e.describe()));
                stderr.push_str(&render::human(&src, &d, color));
            }
            Err(Failure::Entry(key, err)) => {
                failed = true;
                usage = true;
                let err = m.entry_error(v.index, key, err);
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
                    e.describe(),
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
    let errors = clashes(&m, &built);
    if !errors.is_empty() {
        return refuse(&errors, color);
    }
    if args.check {
        return check(&m.base, &built);
    }
    let mut written = 0;
    for (v, out) in &built {
        let e = v.entry;
        let dest = m.base.join(&e.output);
        // A build owns its output tree: create missing directories, as a build tool does.
        let dir = if out.parts.len() > 1 || e.output.to_string_lossy().ends_with('/') {
            Some(dest.as_path())
        } else {
            dest.parent()
        };
        // A several-part output that names a file is refused before any directory is made.
        let ready = destinations(&dest, out)
            .map(|_| ())
            .and_then(|()| dir.map_or(Ok(()), create_dirs));
        if let Err(err) = ready {
            output::fatal(&[err], color);
            return Outcome::Fatal;
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
        shown_path(&m.path)
    );
    Outcome::Clean
}

/// `--check`: compares what would be written with what is on disk.
fn check(base: &Path, built: &[(&Valid<'_>, Output)]) -> Outcome {
    let mut drifted = 0;
    let mut files = 0;
    let mut out = String::new();
    for (v, o) in built {
        let e = v.entry;
        let dests = match destinations(&base.join(&e.output), o) {
            Ok(d) => d,
            Err(err) => {
                out.push_str(&format!(
                    "{}: {}\n",
                    e.describe(),
                    shown_lines(&err.message)
                ));
                drifted += 1;
                continue;
            }
        };
        for (dest, want) in dests {
            files += 1;
            let shown = shown_path(dest.strip_prefix(base).unwrap_or(&dest));
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
                                &format!("{shown} (from {})", shown_path(&e.policy)),
                            )
                            .to_string(),
                    );
                }
                Err(_) => {
                    drifted += 1;
                    out.push_str(&format!(
                        "{shown}: missing (would be generated from {})\n",
                        shown_path(&e.policy)
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
