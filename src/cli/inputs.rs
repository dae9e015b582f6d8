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

/// Reads every input. Directories are searched recursively for `*.cors`, in sorted order.
///
/// # Errors
/// Returns every input that could not be read.
pub fn read_all(paths: &[PathBuf], stdin_name: &str) -> Result<Vec<Source>, Vec<InputError>> {
    let mut sources = Vec::new();
    let mut errors = Vec::new();
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
            let mut found = Vec::new();
            if let Err(e) = walk(p, &mut found) {
                errors.push(InputError {
                    message: format!("could not read directory `{}`: {e}", p.display()),
                    help: None,
                });
                continue;
            }
            if found.is_empty() {
                errors.push(InputError {
                    message: format!("`{}` holds no `.cors` files", p.display()),
                    help: Some(
                        "name a policy file, or a directory that contains `*.cors` files".into(),
                    ),
                });
            }
            found.sort();
            for f in found {
                match read_file(&f) {
                    Ok(s) => sources.push(s),
                    Err(e) => errors.push(e),
                }
            }
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

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "cors") {
            out.push(path);
        }
    }
    Ok(())
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
