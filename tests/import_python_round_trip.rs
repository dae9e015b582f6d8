//! `import(compile(P))` is `P` for corsc's Django and Flask output: every example policy (each
//! profile) and 200 random policies per target, compiled, read back with `--from django` /
//! `--from flask`, and compared with `corsc diff`.

mod support;

use support::round_trip::{self, Framework};

/// Compiles every example and 200 random policies for `target`, reads the output back with
/// the format of the same name, and compares the two with `corsc diff`.
fn run(target: &'static str) {
    let framework = Framework {
        target,
        format: target,
        file: "corsc_cors.py",
        compare: round_trip::diff_equivalent,
    };
    round_trip::run(|name, text, profile| framework.round_trip(name, text, profile)).report(target);
}

#[test]
fn round_trip_through_corscs_django_output() {
    run("django");
}

#[test]
fn round_trip_through_corscs_flask_output() {
    run("flask");
}
