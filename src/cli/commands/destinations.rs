//! Where a compiled output's parts go, and writing them there atomically: shared by
//! `corsc compile -o` and `corsc build`.

use super::super::inputs::InputError;
use crate::emit::{write, Output};
use std::path::{Path, PathBuf};

/// Where each part of an output goes: one part to the file named (or into the directory
/// named), several parts into a directory. Shared by `compile -o` and `build`.
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
        return Err(InputError {
            message: format!(
                "`{}` is a file, but this output has {} parts",
                path.display(),
                out.parts.len()
            ),
            help: Some(format!(
                "name a directory; it receives {}",
                out.parts
                    .iter()
                    .map(|p| p.file_name)
                    .collect::<Vec<_>>()
                    .join(" and ")
            )),
        });
    }
    Ok(out
        .parts
        .iter()
        .map(|p| (path.join(p.file_name), p.text.clone()))
        .collect())
}

/// Writes the parts where [`destinations`] puts them, creating a missing directory for a
/// several-part output; every file is replaced atomically.
pub(crate) fn write_output(path: &Path, out: &Output) -> Result<Vec<PathBuf>, InputError> {
    let io = |p: &Path, e: std::io::Error| InputError {
        message: format!("could not write `{}`: {e}", p.display()),
        help: Some("check that the directory exists and is writable".into()),
    };
    let owned = destinations(path, out)?;
    if out.parts.len() > 1 && !path.exists() {
        std::fs::create_dir(path).map_err(|e| io(path, e))?;
    }
    let files: Vec<(PathBuf, &str)> = owned.iter().map(|(p, t)| (p.clone(), t.as_str())).collect();
    write::atomic_write_all(&files).map_err(|e| io(&files[0].0, e))?;
    Ok(files.into_iter().map(|(p, _)| p).collect())
}
