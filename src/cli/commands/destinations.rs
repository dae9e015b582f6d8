//! Where a compiled output's parts go, and writing them there atomically: shared by
//! `corsc compile -o`, `corsc import -o` and `corsc build`.
//!
//! A path on the command line is checked before anything is written, so a mistake is a usage
//! error (exit 2) that names the path, never a half-created directory: `-` is standard output
//! (one part only), a one-file output needs a file path whose directory exists, and a
//! several-part output a directory, created only when its parent exists (the README's
//! `-o /etc/nginx/corsc/`).

use super::super::inputs::InputError;
use crate::emit::{write, Output};
use crate::source::shown_path;
use std::path::{Path, PathBuf};

/// Whether `-o` names standard output.
pub(crate) fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Whether the path as written names a directory (`deploy/`), whether or not it exists.
fn written_as_directory(path: &Path) -> bool {
    let s = path.as_os_str().as_encoded_bytes();
    s.ends_with(b"/") || (cfg!(windows) && s.ends_with(b"\\"))
}

/// The directory a file path is in (`.` for a bare name).
fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Refuses a path whose directory does not exist or is not a directory: nothing creates it.
fn parent_exists(path: &Path, what: &str) -> Result<(), InputError> {
    let dir = parent_of(path);
    if dir.is_dir() {
        return Ok(());
    }
    let message = if dir.exists() {
        format!(
            "cannot write {what} `{}`: `{}` is not a directory",
            shown_path(path),
            shown_path(dir)
        )
    } else {
        format!(
            "cannot write {what} `{}`: the directory `{}` does not exist",
            shown_path(path),
            shown_path(dir)
        )
    };
    Err(InputError {
        message,
        help: Some("create the directory first; corsc does not create missing parents".into()),
    })
}

/// Checks that a one-file output can go to `path`: not a directory, in a directory that
/// exists. `example` is the file name suggested when `path` is a directory.
pub(crate) fn check_file(path: &Path, example: &str) -> Result<(), InputError> {
    if path.is_dir() || written_as_directory(path) {
        return Err(InputError {
            message: format!(
                "`{}` is a directory, but this output is one file",
                shown_path(path)
            ),
            help: Some(format!(
                "name the file to write, e.g. `{}`",
                shown_path(&path.join(example))
            )),
        });
    }
    parent_exists(path, "the file")
}

/// The file names of a several-part output, for messages.
fn part_names(out: &Output) -> String {
    out.parts
        .iter()
        .map(|p| p.file_name)
        .collect::<Vec<_>>()
        .join(" and ")
}

/// Checks where `compile -o` sends `out`, before anything is written: see the module
/// documentation.
pub(crate) fn check_compile_output(path: &Path, out: &Output) -> Result<(), InputError> {
    match out.parts.as_slice() {
        [_] if is_stdout(path) => Ok(()),
        [one] => check_file(path, one.file_name),
        _ if is_stdout(path) => Err(InputError {
            message: format!(
                "this output has {} parts, and standard output (`-o -`) takes one",
                out.parts.len()
            ),
            help: Some(format!(
                "name a directory; it receives {} (or leave out `-o` to print every part, each under a heading)",
                part_names(out)
            )),
        }),
        _ if path.is_dir() => Ok(()),
        _ if path.exists() => Err(several_into_file(path, out)),
        _ => parent_exists(path, "the directory"),
    }
}

fn several_into_file(path: &Path, out: &Output) -> InputError {
    InputError {
        message: format!(
            "`{}` is a file, but this output has {} parts",
            shown_path(path),
            out.parts.len()
        ),
        help: Some(format!("name a directory; it receives {}", part_names(out))),
    }
}

/// Where each part of an output goes: one part to the file named (or into the directory
/// named: a `corsc build` manifest's `output: deploy/`), several parts into a directory.
pub(crate) fn destinations(
    path: &Path,
    out: &Output,
) -> Result<Vec<(PathBuf, String)>, InputError> {
    if let [one] = out.parts.as_slice() {
        let dest = if path.is_dir() {
            path.join(one.file_name)
        } else {
            path.to_path_buf()
        };
        return Ok(vec![(dest, one.text.clone())]);
    }
    if path.exists() && !path.is_dir() {
        return Err(several_into_file(path, out));
    }
    Ok(out
        .parts
        .iter()
        .map(|p| (path.join(p.file_name), p.text.clone()))
        .collect())
}

/// Creates `dir` and its missing parents (a `corsc build` output tree), or says which
/// component is in the way: a file where a directory is needed is named as such.
pub(crate) fn create_dirs(dir: &Path) -> Result<(), InputError> {
    std::fs::create_dir_all(dir).map_err(|e| {
        let blocker = dir
            .ancestors()
            .filter(|a| !a.as_os_str().is_empty())
            .find(|a| a.exists() && !a.is_dir());
        match blocker {
            Some(b) => InputError {
                message: format!(
                    "cannot create the directory `{}`: `{}` is a file",
                    shown_path(dir),
                    shown_path(b)
                ),
                help: Some("name another output, or move the file out of the way".into()),
            },
            None => InputError {
                message: format!("could not create `{}`: {e}", shown_path(dir)),
                help: Some("check that the directory is writable".into()),
            },
        }
    })
}

/// The error of a failed write, naming the file.
pub(crate) fn write_error(p: &Path, e: &std::io::Error) -> InputError {
    InputError {
        message: format!("could not write `{}`: {e}", shown_path(p)),
        help: Some("check that the directory exists and is writable".into()),
    }
}

/// Writes the parts where [`destinations`] puts them, creating a missing directory (not its
/// parents) for a several-part output; every file is replaced atomically.
pub(crate) fn write_output(path: &Path, out: &Output) -> Result<Vec<PathBuf>, InputError> {
    let owned = destinations(path, out)?;
    if out.parts.len() > 1 && !path.exists() {
        std::fs::create_dir(path).map_err(|e| write_error(path, &e))?;
    }
    let files: Vec<(PathBuf, &str)> = owned.iter().map(|(p, t)| (p.clone(), t.as_str())).collect();
    write::atomic_write_all(&files).map_err(|e| write_error(&files[0].0, &e))?;
    Ok(files.into_iter().map(|(p, _)| p).collect())
}
