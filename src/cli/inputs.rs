//! Reading inputs: files, directories of `*.cors`, and standard input.

use crate::source::Source;
use std::io::Read as _;
use std::path::{Path, PathBuf};

/// Why an input could not be read; each becomes a one-line fatal error.
#[derive(Debug)]
pub struct InputError {
    /// What went wrong.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

/// The `exclude:` patterns for a directory search rooted at a directory, with the directory
/// they are relative to; see [`super::config_file::Loader::exclude_for`].
pub(crate) type ExcludeFor<'a> =
    &'a mut dyn FnMut(&Path) -> Result<Option<(PathBuf, Vec<String>)>, InputError>;

/// Reads every input, as [`read_all_with`] with no `exclude:` patterns.
///
/// # Errors
/// Returns every input that could not be read.
pub fn read_all(paths: &[PathBuf], stdin_name: &str) -> Result<Vec<Source>, Vec<InputError>> {
    read_all_with(paths, stdin_name, &mut |_| Ok(None))
}

/// Reads every input. Directories are searched recursively for `*.cors`, in sorted order,
/// skipping hidden entries, what `.gitignore` (and `.ignore`) files exclude, and what `exclude`
/// returns for the directory; symbolic links are followed, but never round a loop. A file named
/// more than once (directly, through a directory, through a link) is read once, under the
/// first name it was reached by.
///
/// # Errors
/// Returns every input that could not be read.
pub(crate) fn read_all_with(
    paths: &[PathBuf],
    stdin_name: &str,
    exclude: ExcludeFor<'_>,
) -> Result<Vec<Source>, Vec<InputError>> {
    let mut sources = Vec::new();
    let mut errors = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut first_time = |p: &Path| seen.insert(std::fs::canonicalize(p).unwrap_or(p.into()));
    for p in paths {
        if p.as_os_str() == "-" {
            let mut bytes = Vec::new();
            match std::io::stdin().read_to_end(&mut bytes) {
                Ok(_) => match decode(stdin_name, bytes) {
                    Ok(s) => sources.push(s),
                    Err(e) => errors.push(e),
                },
                Err(e) => errors.push(InputError {
                    message: format!("could not read standard input: {e}"),
                    help: None,
                }),
            }
            continue;
        }
        if p.is_dir() {
            let excluded = match exclude(p) {
                Ok(e) => e,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let found = match walk(p, excluded) {
                Ok(f) => f,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            if found.is_empty() {
                errors.push(InputError {
                    message: format!("`{}` holds no `.cors` files", p.display()),
                    help: Some(
                        "name a policy file, or a directory that contains `*.cors` files \
                         (ignored and excluded files are skipped)"
                            .into(),
                    ),
                });
            }
            for f in found {
                if first_time(&f) {
                    match read_file(&f) {
                        Ok(s) => sources.push(s),
                        Err(e) => errors.push(e),
                    }
                }
            }
            continue;
        }
        if !first_time(p) {
            continue;
        }
        match read_file(p) {
            Ok(s) => sources.push(s),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(sources)
    } else {
        Err(errors)
    }
}

/// Whether a walk error is a symbolic link that leads back to one of its own ancestors.
fn is_loop(e: &ignore::Error) -> bool {
    match e {
        ignore::Error::Loop { .. } => true,
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => is_loop(err),
        ignore::Error::Partial(errs) => errs.iter().all(is_loop),
        _ => false,
    }
}

/// The `*.cors` files under `dir`, sorted. A broken `.gitignore` line is skipped, as git does;
/// a link loop or a dangling link is skipped; any other error stops the search.
fn walk(dir: &Path, exclude: Option<(PathBuf, Vec<String>)>) -> Result<Vec<PathBuf>, InputError> {
    let exclude = match exclude {
        Some((base, patterns)) => {
            let mut b = ignore::gitignore::GitignoreBuilder::new(&base);
            for pattern in &patterns {
                // Checked when the file was read.
                let _ = b.add_line(None, pattern);
            }
            b.build().ok().map(|g| (base, g))
        }
        None => None,
    };
    let root_abs = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let root = dir.to_path_buf();
    let mut builder = ignore::WalkBuilder::new(dir);
    builder
        .follow_links(true)
        .require_git(false)
        .sort_by_file_name(std::cmp::Ord::cmp);
    if let Some((base, gi)) = exclude {
        builder.filter_entry(move |e| {
            let rel = e.path().strip_prefix(&root).unwrap_or(e.path());
            let abs = root_abs.join(rel);
            if !abs.starts_with(&base) {
                return true;
            }
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            !gi.matched_path_or_any_parents(&abs, is_dir).is_ignore()
        });
    }
    let mut out = Vec::new();
    for entry in builder.build() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) if is_loop(&e) => continue,
            Err(e)
                if e.io_error()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound) =>
            {
                continue
            }
            Err(e) => {
                return Err(InputError {
                    message: format!("could not read directory `{}`: {e}", dir.display()),
                    help: None,
                })
            }
        };
        let path = entry.path();
        if entry.file_type().is_some_and(|t| t.is_file())
            && path.extension().is_some_and(|e| e == "cors")
        {
            // `corsc lint .` reports `api.cors`, not `./api.cors`.
            let shown = if dir == Path::new(".") {
                path.strip_prefix(".").unwrap_or(path)
            } else {
                path
            };
            out.push(shown.to_path_buf());
        }
    }
    Ok(out)
}

fn read_file(p: &Path) -> Result<Source, InputError> {
    match std::fs::read(p) {
        Ok(bytes) => decode(&p.display().to_string(), bytes),
        Err(e) => Err(InputError {
            message: format!("could not read `{}`: {}", p.display(), io_reason(&e)),
            help: match e.kind() {
                std::io::ErrorKind::NotFound => {
                    Some("check the path; directories are searched for `*.cors` files".into())
                }
                std::io::ErrorKind::PermissionDenied => Some("check the file's permissions".into()),
                _ => None,
            },
        }),
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

fn decode(name: &str, bytes: Vec<u8>) -> Result<Source, InputError> {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.replace_range(..3, "");
            }
            Ok(Source::new(name, text))
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let src = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
            let s = Source::new(name, src);
            let (line, col) = s.line_col(at);
            Err(InputError {
                message: format!(
                    "`{name}` is not valid UTF-8 (line {line}, column {col}, byte {at})"
                ),
                help: Some("save the policy as UTF-8 text".into()),
            })
        }
    }
}
