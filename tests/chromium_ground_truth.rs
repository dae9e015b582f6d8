//! Ground truth for the evaluator's browser half: real `fetch()` calls in headless Chromium.
//!
//! The cases, servers and page are shared with the Firefox test (`support::browser_cases`).
//! `--host-resolver-rules` maps `*.example.test` to 127.0.0.1, and `--dump-dom` reads the
//! results back. For every case, Chromium's outcome (allowed or blocked, and which response
//! headers script could read) must equal what `corsc::eval::browser::judge` predicts with the
//! `CHROMIUM` model. Chromium runs under a clock the test moves
//! (`FakeClock`), so the cases that need hours to pass between two fetches run too.
//!
//! Without Chromium the test prints why it skips and passes; with `CORSC_REQUIRE_ENGINES=1` a
//! missing Chromium (or C compiler for the clock) is a failure.

mod support;

use corsc::eval::browser::{CHROMIUM, FIREFOX, SPEC};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::browser_cases as bc;

#[test]
fn chromium_agrees_with_the_evaluator() {
    let Some(chromium) = bc::find_binary(
        "CORSC_CHROMIUM",
        &["chromium", "chromium-browser", "google-chrome"],
    ) else {
        if bc::engines_required() {
            panic!("Chromium is not installed and CORSC_REQUIRE_ENGINES=1; install it with `apt-get install -y chromium`");
        }
        eprintln!("skipping: Chromium not found (install `chromium`, or set CORSC_CHROMIUM)");
        return;
    };
    let version = Command::new(&chromium)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    eprintln!("browser: {version}");
    let (run, clock) = bc::start_all_cases();

    let profile = tempfile::tempdir().expect("temp dir");
    let mut cmd = Command::new(&chromium);
    // Chromium forks a zygote, a GPU and a network process, and crash handlers; in their own
    // group they are stopped with it and none outlives the test.
    support::procs::own_group(&mut cmd);
    if let Some(c) = &clock {
        cmd.envs(c.env());
    }
    let mut child = cmd
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--host-resolver-rules=MAP *.example.test 127.0.0.1",
            "--virtual-time-budget=30000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(run.page_url())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if Instant::now() > deadline {
            support::procs::stop_group(&mut child, "TERM", Duration::from_secs(5));
            panic!("Chromium did not finish within 90 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut stdout = child.stdout.take().expect("stdout");
    let mut dom = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut dom).expect("Chromium's output");
    let left = support::procs::stop_group(&mut child, "TERM", Duration::from_secs(5));
    assert!(
        left.is_empty(),
        "Chromium processes {left:?} outlived the browser"
    );
    assert!(dom.contains("DONE"), "the page did not finish:\n{dom}");
    bc::compare(
        &CHROMIUM,
        &[&FIREFOX, &SPEC],
        "Chromium",
        &run,
        &bc::parse_results(&dom),
    );
}
