//! The `corsc` command: everything lives in the library's `cli` module.

fn main() -> std::process::ExitCode {
    corsc::cli::run(std::env::args_os())
}
