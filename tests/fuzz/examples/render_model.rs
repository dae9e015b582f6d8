//! Prints the `.cors` text, file name and listen address that a `compile_targets` input
//! decodes to, so a crash found by the structure-aware target can be read and turned into a
//! regression test:
//!
//! ```text
//! cargo run --manifest-path tests/fuzz/Cargo.toml --example render_model -- CRASH_FILE [OUT.cors]
//! ```
//!
//! Set `CORSC_FUZZ_BELOW_KNOWN=1` when the input was found with it.

use arbitrary::{Arbitrary, Unstructured};
use corsc_fuzz::policy_model::Inputs;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: render_model CRASH_FILE [OUT.cors]");
        std::process::exit(2);
    };
    let data = std::fs::read(&path).unwrap_or_else(|e| {
        eprintln!("could not read {path}: {e}");
        std::process::exit(2);
    });
    // libFuzzer's `fuzz_target!` decodes with `arbitrary_take_rest`.
    let inputs = match Inputs::arbitrary_take_rest(Unstructured::new(&data)) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("{path} does not decode to a policy model: {e}");
            std::process::exit(1);
        }
    };
    let text = inputs.model.render();
    eprintln!(
        "file name: {:?}\nlisten: {}\n{} bytes of policy text",
        inputs.file_name.render(),
        inputs.listen(),
        text.len()
    );
    match args.next() {
        Some(out) => std::fs::write(&out, &text).unwrap_or_else(|e| {
            eprintln!("could not write {out}: {e}");
            std::process::exit(2);
        }),
        None => print!("{text}"),
    }
}
