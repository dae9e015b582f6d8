//! Arbitrary bytes through what `corsc check` and `corsc lint [--fix]` do: parse, check the
//! base policies and every profile, lint, apply fixes, render the diagnostics in every format.
//! Nothing may panic, every span must fall inside the text, and `--fix` must not break a file.
#![no_main]

use corsc::source::Source;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The CLI refuses a file that is not UTF-8 before parsing (with a diagnostic); the lossy
    // form still reaches the parser with whatever replacement characters it gets.
    let text = String::from_utf8_lossy(data);
    let source = Source::new("fuzz.cors", text.as_ref());
    let _ = corsc_fuzz::pipeline::check_and_lint(&source);
});
