//! Arbitrary bytes through `corsc import` and `corsc lint --from`: the first byte picks a
//! registered input format, the rest is that format's file (lossy UTF-8, as the CLI would
//! refuse non-UTF-8 with a diagnostic). Nothing may panic, every finding must point inside the
//! file it names, and whatever the import writes must parse, check without error, and lint.
#![no_main]

use corsc::import::{self, formats::FORMATS, Context};
use corsc::source::Source;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    if FORMATS.is_empty() {
        return;
    }
    let importer = FORMATS[usize::from(pick) % FORMATS.len()];
    let text = String::from_utf8_lossy(rest);
    // Named inside a folder that does not exist, so an include the input names resolves to
    // nothing on the machine running the fuzzer.
    let cx = Context::with_sources(vec![Source::new(
        "/nonexistent-corsc-fuzz/input",
        text.as_ref(),
    )]);
    let imported = import::import_context(importer, cx, &[0], &corsc::pipeline::errors);
    for (file, d) in &imported.diagnostics {
        let src = &imported.sources[*file];
        assert!(
            d.primary.span.end <= src.text.len() && d.primary.span.start <= d.primary.span.end,
            "{} finding outside its file: {d:?}",
            importer.meta().id
        );
    }
    if !imported.failed() {
        let policy = imported.policy_source();
        assert!(
            corsc::pipeline::errors(&policy).is_empty(),
            "{} wrote a policy that does not check:\n{}",
            importer.meta().id,
            policy.text
        );
        let cfg = corsc::lint::LintConfig::default();
        let _ = corsc::pipeline::lint_imported(&imported, &cfg);
    }
});
