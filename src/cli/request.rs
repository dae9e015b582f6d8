//! What to compile, validated once: `corsc compile`'s flags and every `corsc build` manifest
//! entry go through these functions, so a value a flag refuses is refused in a manifest too,
//! with the same message.
//!
//! A manifest is input like a policy (a pull request can change it), and its values reach
//! generated text and the file system: `listen` is written into an nginx `listen` directive,
//! `policy` is read (and quoted back in diagnostics), `output` is written. Each is parsed into
//! a typed value or refused here; nothing reaches an emitter as free text.

use super::args::{ShapeArg, TargetArg};
use crate::emit::{self, Shape, Target};
use clap::ValueEnum as _;
use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};

/// Why a value was refused: what is wrong, and what to write instead.
#[derive(Debug)]
pub(crate) struct Invalid {
    /// What is wrong, naming the value as given (escaped, so it cannot disturb a terminal).
    pub(crate) message: String,
    /// What to write instead.
    pub(crate) help: String,
}

/// A value as a message shows it: quoted, with control and invisible characters escaped, so a
/// hostile value cannot move the cursor of the terminal or CI log that shows the error.
pub(crate) fn shown(s: &str) -> String {
    format!("`{}`", s.escape_debug())
}

/// The target named by an id or alias (`corsc targets`), as a manifest entry gives it.
pub(crate) fn target(name: &str) -> Result<&'static dyn Target, Invalid> {
    known(name, emit::find(name))
}

/// The target of a `--target` flag, looked up when the arguments were parsed.
pub(crate) fn target_flag(arg: &TargetArg) -> Result<&'static dyn Target, Invalid> {
    known(&arg.given, arg.target)
}

fn known(name: &str, found: Option<&'static dyn Target>) -> Result<&'static dyn Target, Invalid> {
    found.ok_or_else(|| Invalid {
        message: format!("unknown target {}", shown(name)),
        help: format!(
            "the targets are {}; `corsc targets` says what each can express",
            emit::registry::ids().join(", ")
        ),
    })
}

/// The shape of `--shape`.
pub(crate) fn shape_of(arg: ShapeArg) -> Shape {
    match arg {
        ShapeArg::Include => Shape::Include,
        ShapeArg::Server => Shape::Server,
        ShapeArg::Htaccess => Shape::Htaccess,
        ShapeArg::Snippet => Shape::Snippet,
        ShapeArg::Cloudformation => Shape::Cloudformation,
        ShapeArg::Kubernetes => Shape::Kubernetes,
    }
}

/// A shape named as `--shape` takes it (the same parser as the flag's).
pub(crate) fn shape(name: &str) -> Result<Shape, Invalid> {
    ShapeArg::from_str(name, false)
        .map(shape_of)
        .map_err(|_| Invalid {
            message: format!("unknown shape {}", shown(name)),
            help: "the shapes are `include`, `server`, `htaccess`, `snippet`, `cloudformation` and `kubernetes`"
                .into(),
        })
}

/// The shape written when none is asked for: the target's first (`include` for every target
/// that has it; a target without it, such as `cloudfront`, has one shape of its own).
pub(crate) fn default_shape(target: &dyn Target) -> Shape {
    let shapes = target.meta().capabilities.shapes;
    if shapes.contains(&Shape::Include) {
        Shape::Include
    } else {
        shapes.first().copied().unwrap_or(Shape::Include)
    }
}

/// A shape `target` can write (its `corsc targets` row): asking another is a usage error,
/// refused before the policy is read, as an unknown target is.
pub(crate) fn shape_for(shape: Shape, target: &dyn Target) -> Result<Shape, Invalid> {
    let shapes = target.meta().capabilities.shapes;
    if shapes.contains(&shape) {
        return Ok(shape);
    }
    Err(Invalid {
        message: format!("{} has no `{}` output shape", target.name(), shape.as_str()),
        help: format!(
            "{} writes {}; `corsc targets {}` shows what each shape is",
            target.id(),
            shapes
                .iter()
                .map(|s| format!("`{}`", s.as_str()))
                .collect::<Vec<_>>()
                .join(", "),
            target.id()
        ),
    })
}

/// A namespace given by `--namespace` or a manifest's `namespace:`.
pub(crate) fn namespace(name: &str) -> Result<emit::dropin::Namespace, Invalid> {
    emit::dropin::Namespace::explicit(name).map_err(|why| Invalid {
        message: format!("{} is not a namespace", shown(name)),
        help: why,
    })
}

/// The headers of `--keep-header` or a manifest's `keep-headers:`, for `target`. Only nginx
/// needs them: it drops server-level `add_header` in a location that adds its own, while
/// Apache merges server-level `Header` directives and application targets never touch them,
/// so a kept header elsewhere would be a promise the output does not keep.
pub(crate) fn keep_headers(
    values: &[String],
    target: &dyn Target,
) -> Result<Vec<emit::dropin::KeptHeader>, Invalid> {
    if values.is_empty() {
        return Ok(Vec::new());
    }
    if target.id() != "nginx" {
        return Err(Invalid {
            message: format!("{} does not need kept headers", target.name()),
            help: "only nginx drops server-level `add_header` lines in a location that adds its own; Apache merges server-level `Header always set` into every section, and application targets leave the server's headers alone".into(),
        });
    }
    emit::dropin::KeptHeader::parse_all(values).map_err(|why| Invalid {
        message: why,
        help: "give each header as the server level sends it, e.g. `Strict-Transport-Security: max-age=63072000; includeSubDomains`".into(),
    })
}

/// The targets whose output is a Java class, which `--java-package` names the package of.
const JAVA_TARGETS: &[&str] = &["spring"];

/// The package of `--java-package` or a manifest's `java-package:`, for `target`; the default
/// package when none is given. Only Java output has a package: given for another target, it
/// would be a promise the output does not keep.
pub(crate) fn java_package(
    name: Option<&str>,
    target: &dyn Target,
) -> Result<emit::JavaPackage, Invalid> {
    let Some(name) = name else {
        return Ok(emit::JavaPackage::default());
    };
    if !JAVA_TARGETS.contains(&target.id()) {
        return Err(Invalid {
            message: format!("{} output is not Java and has no package", target.name()),
            help: format!(
                "a Java package is given only for {}",
                JAVA_TARGETS.join(", ")
            ),
        });
    }
    emit::JavaPackage::parse(name).map_err(|why| Invalid {
        message: format!("{} is not a Java package name", shown(name)),
        help: format!("{why}; e.g. `com.example.web.cors`"),
    })
}

/// The address a complete server listens on: an IP address and a port, nothing else.
pub(crate) fn listen(text: &str) -> Result<SocketAddr, Invalid> {
    text.parse::<SocketAddr>().map_err(|_| Invalid {
        message: format!("{} is not an address to listen on", shown(text)),
        help: "give an IP address and a port, as in `127.0.0.1:8080` or `[::1]:8080`".into(),
    })
}

/// A profile must be one the policy files define.
pub(crate) fn profile(name: &str, defined: &[String]) -> Result<(), Invalid> {
    if defined.iter().any(|d| d == name) {
        return Ok(());
    }
    let help = if defined.is_empty() {
        "these files define no profiles; add `profile NAME { … }` inside a policy".to_string()
    } else {
        format!(
            "the profiles defined are {}",
            defined
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    Err(Invalid {
        message: format!("no policy defines the profile {}", shown(name)),
        help,
    })
}

/// A path a manifest names (`policy`, `output`), joined to the manifest's directory `base`.
///
/// It must be relative and stay inside `base`: no root, no `..`, and no symbolic link on the
/// way that leads out. A manifest from a pull request must not make a build read a file
/// elsewhere (its lines would be quoted in diagnostics) or write one (a hook, a cron job).
pub(crate) fn inside(base: &Path, given: &Path) -> Result<PathBuf, Invalid> {
    let refuse = |why: &str| {
        Invalid {
        message: format!("{} {why}", shown(&given.to_string_lossy())),
        help: "paths in the manifest are relative to it and stay inside its directory, as in `policies/api.cors` or `deploy/nginx/`".into(),
    }
    };
    if given.as_os_str().is_empty() {
        return Err(refuse("is empty"));
    }
    let mut depth = 0usize;
    let mut climbs = false;
    for c in given.components() {
        match c {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => match depth.checked_sub(1) {
                Some(d) => {
                    depth = d;
                    climbs = true;
                }
                None => return Err(refuse("leaves the manifest's directory")),
            },
            Component::RootDir | Component::Prefix(_) => return Err(refuse("is absolute")),
        }
    }
    // A `..` that stays inside is refused all the same: through a symbolic link it may not
    // go where the text says, and the path has a plainer spelling.
    if climbs {
        return Err(refuse("goes up with `..`; write the path without it"));
    }
    let joined = base.join(given);
    // What exists of the path must resolve inside the manifest's directory: a symbolic link
    // in the tree can point anywhere.
    let root = std::fs::canonicalize(base).map_err(|_| refuse("cannot be resolved"))?;
    let mut existing = joined.as_path();
    loop {
        if existing.exists() {
            let real = std::fs::canonicalize(existing).map_err(|_| refuse("cannot be resolved"))?;
            if !real.starts_with(&root) {
                return Err(refuse("leads out of the manifest's directory"));
            }
            break;
        }
        match existing.parent() {
            Some(p) => existing = p,
            None => break,
        }
    }
    Ok(joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_is_an_address_and_nothing_else() {
        assert!(listen("127.0.0.1:18081").is_ok());
        assert!(listen("[::1]:8080").is_ok());
        for bad in [
            "127.0.0.1:18081; location /x { return 200; } #",
            "127.0.0.1:8080\n",
            "localhost:8080",
            "8080",
            "",
        ] {
            let e = listen(bad).err().map(|e| e.message).unwrap_or_default();
            assert!(e.contains("not an address"), "{bad:?}: {e}");
            assert!(!e.contains('\n'), "{e}");
        }
    }

    #[test]
    fn shapes_and_targets_use_the_flags_names() {
        assert!(matches!(shape("server"), Ok(Shape::Server)));
        assert!(shape("server;").is_err());
        assert!(target("nginx").is_ok());
        assert!(target("nginx\u{1b}[2J").is_err_and(|e| e.message.contains("\\u{1b}")));
    }

    #[test]
    fn manifest_paths_stay_inside() {
        let d = std::env::temp_dir().join(format!("corsc-request-{}", std::process::id()));
        std::fs::create_dir_all(d.join("a")).unwrap_or_else(|e| panic!("{e}"));
        assert!(inside(&d, Path::new("a/x.cors")).is_ok());
        assert!(inside(&d, Path::new("./new/dir/")).is_ok());
        for bad in ["/etc/passwd", "../x", "a/../../x", ""] {
            assert!(inside(&d, Path::new(bad)).is_err(), "{bad}");
        }
        let e = inside(&d, Path::new("a/../x")).err().map(|e| e.message);
        assert!(e.is_some_and(|m| m.contains("goes up with `..`")));
        #[cfg(unix)]
        {
            let _ = std::fs::remove_file(d.join("out"));
            std::os::unix::fs::symlink("/tmp", d.join("out")).unwrap_or_else(|e| panic!("{e}"));
            assert!(inside(&d, Path::new("out/x.conf")).is_err());
        }
        let _ = std::fs::remove_dir_all(&d);
    }
}
