//! Writing files atomically, for every command that writes one (`compile`, `build`,
//! `lint --fix`): a temporary file in the destination's directory, flushed to disk, given the
//! destination's permissions, then renamed over it. A reader (or an nginx reload) sees the old
//! file or the new one, never half of one; on any error the temporary file is removed.
//!
//! Two properties make a rewrite invisible to a deployment, beyond its content:
//! - the file keeps its permissions (a `0600` configuration stays private, an executable hook
//!   stays executable), where a plain rename would leave the temporary file's default mode;
//! - a destination that is a symbolic link is written through: the file the link points to is
//!   replaced and the link stays a link, where a plain rename would replace the link itself
//!   with a regular file and cut it off from the file it managed.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// How many links in a row are followed before giving up, as the kernel's `ELOOP` does.
const MAX_LINKS: usize = 40;

/// Writes `text` to `dest` atomically.
///
/// # Errors
/// Any I/O error; `dest` is then unchanged.
pub fn atomic_write(dest: &Path, text: &str) -> std::io::Result<()> {
    atomic_write_all(&[(dest.to_path_buf(), text)])
}

/// Writes several files, each atomically; all temporary files are written before the first
/// rename, so a failure while writing leaves every destination unchanged.
///
/// # Errors
/// Any I/O error.
pub fn atomic_write_all(files: &[(PathBuf, &str)]) -> std::io::Result<()> {
    let mut renames: Vec<(PathBuf, PathBuf)> = Vec::new();
    let cleanup = |renames: &[(PathBuf, PathBuf)]| {
        for (t, _) in renames {
            let _ = std::fs::remove_file(t);
        }
    };
    for (dest, text) in files {
        let prepared = resolve_links(dest).and_then(|real| {
            let tmp = temp_path(&real)?;
            Ok((tmp, real))
        });
        let (tmp, real) = match prepared {
            Ok(p) => p,
            Err(e) => {
                cleanup(&renames);
                return Err(e);
            }
        };
        let written = write_temp(&tmp, &real, text);
        renames.push((tmp, real));
        if let Err(e) = written {
            cleanup(&renames);
            return Err(e);
        }
    }
    for (i, (tmp, real)) in renames.iter().enumerate() {
        if let Err(e) = std::fs::rename(tmp, real) {
            cleanup(&renames[i..]);
            return Err(e);
        }
    }
    Ok(())
}

/// Writes the temporary file and gives it the permissions of the file it will replace.
fn write_temp(tmp: &Path, real: &Path, text: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(tmp)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    drop(f);
    match std::fs::metadata(real) {
        Ok(meta) => std::fs::set_permissions(tmp, meta.permissions()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// The path of the file `dest` stands for: `dest` itself, or, when it is a symbolic link, the
/// file at the end of its chain of links (which may not exist yet). A relative link is read
/// against the directory of the link.
fn resolve_links(dest: &Path) -> std::io::Result<PathBuf> {
    let mut path = dest.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let next = std::fs::read_link(&path)?;
                path = match path.parent() {
                    Some(dir) if next.is_relative() => dir.join(next),
                    _ => next,
                };
            }
            Ok(_) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(path),
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other(format!(
        "{} is a chain of more than {MAX_LINKS} symbolic links",
        dest.display()
    )))
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

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("corsc-write-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// A policy file or a configuration a deployment made private (0600) stays private, and an
    /// executable hook stays executable, after corsc rewrites it.
    #[cfg(unix)]
    #[test]
    fn the_file_keeps_its_permissions() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = scratch("mode");
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        for (i, wanted) in [0o600, 0o640, 0o755].into_iter().enumerate() {
            let one = dir.join(format!("one-{i}.conf"));
            std::fs::write(&one, "old\n").unwrap();
            std::fs::set_permissions(&one, std::fs::Permissions::from_mode(wanted)).unwrap();
            atomic_write(&one, "new\n").unwrap();
            assert_eq!(mode(&one), wanted, "atomic_write");
            let all = dir.join(format!("all-{i}.conf"));
            std::fs::write(&all, "old\n").unwrap();
            std::fs::set_permissions(&all, std::fs::Permissions::from_mode(wanted)).unwrap();
            atomic_write_all(&[(all.clone(), "new\n")]).unwrap();
            assert_eq!(mode(&all), wanted, "atomic_write_all");
            assert_eq!(std::fs::read_to_string(&all).unwrap(), "new\n");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A destination that is a symbolic link (a configuration managed from a dotfiles or a
    /// deployment directory) is written through: the link stays a link, the file it points to
    /// gets the new text, and no temporary file is left beside either.
    #[cfg(unix)]
    #[test]
    fn a_symlink_is_followed_and_stays_a_link() {
        let dir = scratch("link");
        let real_dir = dir.join("real");
        std::fs::create_dir_all(&real_dir).unwrap();
        let target = real_dir.join("cors.conf");
        std::fs::write(&target, "old\n").unwrap();
        // A relative link, resolved against the link's own directory, through a second link.
        let first = dir.join("first.conf");
        std::os::unix::fs::symlink("real/cors.conf", &first).unwrap();
        let link = dir.join("cors.conf");
        std::os::unix::fs::symlink(&first, &link).unwrap();
        atomic_write(&link, "one\n").unwrap();
        atomic_write_all(&[(link.clone(), "two\n")]).unwrap();
        for l in [&link, &first] {
            assert!(
                std::fs::symlink_metadata(l)
                    .unwrap()
                    .file_type()
                    .is_symlink(),
                "{} is still a link",
                l.display()
            );
        }
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "two\n");
        assert_eq!(std::fs::read_to_string(&link).unwrap(), "two\n");
        let count = |d: &Path| std::fs::read_dir(d).unwrap().count();
        assert_eq!(count(&dir), 3, "real/, first.conf, cors.conf");
        assert_eq!(count(&real_dir), 1);
        // A link to a file that does not exist yet creates that file.
        let dangling = dir.join("new.conf");
        std::os::unix::fs::symlink("real/new.conf", &dangling).unwrap();
        atomic_write(&dangling, "fresh\n").unwrap();
        assert!(std::fs::symlink_metadata(&dangling)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(
            std::fs::read_to_string(real_dir.join("new.conf")).unwrap(),
            "fresh\n"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
