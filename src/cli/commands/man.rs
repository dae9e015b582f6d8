//! `corsc man`: the manual page, generated from the clap definition (every command, flag and
//! `--help` paragraph), so it says what the binary does.

use super::super::args::{Cli, ManArgs};
use super::super::inputs::InputError;
use super::super::{output, Outcome};
use crate::emit::write::atomic_write;
use crate::source::shown_path;
use clap::CommandFactory as _;
use std::path::Path;

/// One page in roff: `cmd`'s name, synopsis, options and help text, and for the top-level
/// page the list of commands.
fn page(cmd: clap::Command) -> Result<String, std::io::Error> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut buf)?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// `corsc.1` and one `corsc-COMMAND.1` per command, with their file names.
fn pages() -> Result<Vec<(String, String)>, std::io::Error> {
    let root = Cli::command();
    let mut out = vec![("corsc.1".to_string(), page(root.clone())?)];
    for sub in root.get_subcommands() {
        let name = format!("corsc-{}", sub.get_name());
        let cmd = sub.clone().name(name.clone());
        out.push((format!("{name}.1"), page(cmd)?));
    }
    Ok(out)
}

pub(crate) fn run(args: &ManArgs, color: bool) -> Outcome {
    let fail = |message: String| {
        output::fatal(
            &[InputError {
                message,
                help: Some("name an existing, writable directory".into()),
            }],
            color,
        );
        Outcome::Fatal
    };
    let pages = match pages() {
        Ok(p) => p,
        Err(e) => return fail(format!("could not render the manual page: {e}")),
    };
    let Some(dir) = &args.output else {
        if let Some((_, text)) = pages.first() {
            output::out(text);
        }
        return Outcome::Clean;
    };
    if !dir.is_dir() {
        return fail(format!(
            "`{}` is not an existing directory",
            shown_path(dir)
        ));
    }
    for (name, text) in &pages {
        let path = dir.join(name);
        if let Err(e) = atomic_write(&path, text) {
            return fail(format!("could not write `{}`: {e}", shown_path(&path)));
        }
    }
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!(
            "wrote {} pages into {}\n",
            pages.len(),
            shown_path(Path::new(dir))
        )
        .as_bytes(),
    );
    Outcome::Clean
}
