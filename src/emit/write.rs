//! Writing output files atomically: a temporary file in the destination directory, flushed to
//! disk, then renamed over the destination. A reader (or an nginx reload) sees the old file or
//! the new one, never half of one; on any error the temporary file is removed.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// Writes `text` to `dest` atomically.
///
/// # Errors
/// Any I/O error; `dest` is then unchanged.
pub fn atomic_write(dest: &Path, text: &str) -> std::io::Result<()> {
    let tmp = temp_path(dest)?;
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, dest)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Writes several files, each atomically; all temporary files are written before the first
/// rename, so a failure while writing leaves every destination unchanged.
///
/// # Errors
/// Any I/O error.
pub fn atomic_write_all(files: &[(PathBuf, &str)]) -> std::io::Result<()> {
    let mut temps: Vec<PathBuf> = Vec::new();
    let cleanup = |temps: &[PathBuf]| {
        for t in temps {
            let _ = std::fs::remove_file(t);
        }
    };
    for (dest, text) in files {
        let tmp = match temp_path(dest) {
            Ok(t) => t,
            Err(e) => {
                cleanup(&temps);
                return Err(e);
            }
        };
        let written = (|| {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)?;
            f.write_all(text.as_bytes())?;
            f.sync_all()
        })();
        temps.push(tmp);
        if let Err(e) = written {
            cleanup(&temps);
            return Err(e);
        }
    }
    for (i, (dest, _)) in files.iter().enumerate() {
        if let Err(e) = std::fs::rename(&temps[i], dest) {
            cleanup(&temps[i..]);
            return Err(e);
        }
    }
    Ok(())
}

fn temp_path(dest: &Path) -> std::io::Result<PathBuf> {
    let name = dest.file_name().ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "the output path names no file",
        )
    })?;
    let dir = match dest.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".corsc-{}-{n}.tmp", std::process::id()));
    Ok(dir.join(tmp_name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary_behind() {
        let dir = std::env::temp_dir().join(format!("corsc-write-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let dest = dir.join("out.conf");
        atomic_write(&dest, "one\n").unwrap();
        atomic_write(&dest, "two\n").unwrap();
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), "two\n");
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        let missing = dir.join("no-such-dir").join("x.conf");
        assert!(atomic_write(&missing, "x").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
