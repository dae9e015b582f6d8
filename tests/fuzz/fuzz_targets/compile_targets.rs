//! Structure-aware: an arbitrary policy model (names, origins of every kind, paths, methods,
//! headers, credentials, max-age, profiles, origin sets and chains of them), rendered to
//! `.cors` text under an arbitrary file name, then checked, linted and compiled for every
//! registered target and shape, for the base policies and each profile (one target for the
//! rare large inputs), and a few browser requests are answered by the reference evaluator.
//! Nothing may panic, and compilation must be deterministic.
#![no_main]

use corsc::eval::request::BrowserRequest;
use corsc::source::Source;
use corsc_fuzz::pipeline::Breadth;
use corsc_fuzz::policy_model::Inputs;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|inputs: Inputs| {
    let text = inputs.model.render();
    let source = Source::new(inputs.file_name.render(), text.as_str());
    if corsc_fuzz::pipeline::check_and_lint(&source).is_some() {
        let breadth = if inputs.model.huge == u8::MAX {
            Breadth::One(usize::from(inputs.listen.0))
        } else {
            Breadth::All
        };
        let requests: Vec<BrowserRequest> = inputs
            .requests
            .iter()
            .take(4)
            .map(|r| {
                let mut req = BrowserRequest::new(&r.origin(), &r.method(), &r.path())
                    .with_credentials(r.credentials);
                for (n, v) in r.headers() {
                    req = req.with_header(&n, &v);
                }
                req
            })
            .collect();
        corsc_fuzz::pipeline::compile_everything(&source, inputs.listen(), breadth, &requests);
    }
});
