//! `corsc completions SHELL`: a completion script generated from the same clap definition that
//! parses the command line, so it never offers a flag corsc does not take.

use super::super::args::{Cli, CompletionsArgs, ShellArg};
use super::super::Outcome;
use clap::CommandFactory as _;
use clap_complete::Shell;

pub(crate) fn run(args: &CompletionsArgs) -> Outcome {
    let shell = match args.shell {
        ShellArg::Bash => Shell::Bash,
        ShellArg::Zsh => Shell::Zsh,
        ShellArg::Fish => Shell::Fish,
        ShellArg::Powershell => Shell::PowerShell,
        ShellArg::Elvish => Shell::Elvish,
    };
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "corsc", &mut buf);
    super::super::output::out(&String::from_utf8_lossy(&buf));
    Outcome::Clean
}
