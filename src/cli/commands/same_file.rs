//! Which spellings of a path name one file, so a build can tell that two of its outputs (or an
//! output and a file it reads) are the same file before it writes anything.
//!
//! `deploy/x.conf`, `./deploy//x.conf`, `a/../deploy/x.conf` and `out/x.conf` (with `out` a
//! symbolic link to `deploy`) all name one file. Two entries that write one file overwrite each
//! other, and `corsc build --check` then reports drift on every run, whichever wrote last.

use std::collections::btree_map::{BTreeMap, Entry};
use std::path::{Component, Path, PathBuf};

/// The file that `given`, relative to `base`, names, spelled one way: `.` and `..` resolved in
/// the text, then every symbolic link in the part of the path that exists. `None` for a path
/// that is absolute or climbs above `base` (refused on their own grounds).
///
/// Resolving `..` before the links follows the words of the manifest; the manifest's own
/// rules refuse `..`, so no path with one is ever written.
pub(crate) fn identity(base: &Path, given: &Path) -> Option<PathBuf> {
    let mut names = Vec::new();
    for c in given.components() {
        match c {
            Component::Normal(n) => names.push(n),
            Component::CurDir => {}
            Component::ParentDir => {
                names.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    let mut path = std::fs::canonicalize(base).ok()?;
    let mut rest = names.into_iter();
    for n in rest.by_ref() {
        let next = path.join(n);
        match std::fs::canonicalize(&next) {
            Ok(real) => path = real,
            // What does not exist yet holds no link to follow.
            Err(_) => {
                path = next;
                break;
            }
        }
    }
    path.extend(rest);
    Some(path)
}

/// The files a build reads or writes, each with who claimed it first.
#[derive(Debug)]
pub(crate) struct Claims<T> {
    owners: BTreeMap<PathBuf, T>,
}

impl<T> Claims<T> {
    pub(crate) fn new() -> Self {
        Self {
            owners: BTreeMap::new(),
        }
    }

    /// Claims the file `given` names for `owner`; when it was claimed already, gives the
    /// first owner instead. A path without an identity claims nothing.
    pub(crate) fn claim(&mut self, base: &Path, given: &Path, owner: T) -> Result<(), &T> {
        let Some(file) = identity(base, given) else {
            return Ok(());
        };
        match self.owners.entry(file) {
            Entry::Occupied(first) => Err(first.into_mut()),
            Entry::Vacant(free) => {
                free.insert(owner);
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_file_have_one_identity() {
        let d = std::env::temp_dir().join(format!("corsc-same-file-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(d.join("deploy")).unwrap_or_else(|e| panic!("{e}"));
        let id = |p: &str| identity(&d, Path::new(p));
        let want = id("deploy/x.conf");
        assert!(want.is_some());
        for same in ["./deploy//x.conf", "a/../deploy/x.conf", "deploy/./x.conf"] {
            assert_eq!(id(same), want, "{same}");
        }
        assert_ne!(id("deploy/y.conf"), want);
        assert_eq!(id("new/dir/x.conf"), id("new/./dir/x.conf"));
        for none in ["../x.conf", "a/../../x.conf", "/etc/x.conf"] {
            assert_eq!(id(none), None, "{none}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("deploy", d.join("out")).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(id("out/x.conf"), want);
        }
        let mut claims = Claims::new();
        assert_eq!(claims.claim(&d, Path::new("deploy/x.conf"), 1), Ok(()));
        assert_eq!(claims.claim(&d, Path::new("./deploy/x.conf"), 2), Err(&1));
        assert_eq!(claims.claim(&d, Path::new("../x.conf"), 3), Ok(()));
        let _ = std::fs::remove_dir_all(&d);
    }
}
