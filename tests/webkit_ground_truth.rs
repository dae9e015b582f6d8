//! Ground truth for the evaluator's WebKit model: real `fetch()` calls in WebKitGTK.
//!
//! The cases, servers and page are shared with the Chromium and Firefox tests
//! (`support::browser_cases`). WebKitGTK (Debian's `gir1.2-webkit2-4.1`) has no headless mode
//! and no DOM dump, so `tests/support/webkit_dump.py` shows the page in an offscreen GTK
//! window under Xvfb (`xvfb-run`), waits for the page to set its title to `done`, and prints
//! the page's text. WebKitGTK cannot be told how to resolve a name, so every request goes
//! through `support::loopback_proxy`, which sends `*.example.test` to 127.0.0.1. For every
//! case, WebKit's outcome must equal what `corsc::eval::browser::judge` predicts with the
//! `WEBKIT` model. WebKit's processes (not Xvfb) run under a clock the test moves
//! (`FakeClock`), so the cases that need hours to pass between two fetches run too.
//!
//! Without WebKitGTK or Xvfb the test prints why it skips and passes; with
//! `CORSC_REQUIRE_ENGINES=1` their absence is a failure. `CORSC_WEBKIT_PYTHON` names the
//! Python that sees Debian's `gi` bindings (default `/usr/bin/python3`).

mod support;

use corsc::eval::browser::{CHROMIUM, FIREFOX, SPEC, WEBKIT};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::browser_cases as bc;
use support::loopback_proxy::LoopbackProxy;

/// `libgl1-mesa-dri` is only recommended, but without it WebKit's web process aborts.
const INSTALL: &str = "apt-get install -y --no-install-recommends gir1.2-webkit2-4.1 python3-gi xvfb xauth libgl1-mesa-dri";

/// Why WebKitGTK cannot run here, if it cannot.
fn missing(python: &str) -> Option<String> {
    if bc::find_binary("CORSC_XVFB_RUN", &["xvfb-run"]).is_none() {
        return Some("xvfb-run not found".into());
    }
    let probe = Command::new(python)
        .args([
            "-c",
            "import gi; gi.require_version('Gtk', '3.0'); gi.require_version('WebKit2', '4.1'); \
             from gi.repository import WebKit2",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output();
    match probe {
        Err(e) => Some(format!("cannot run `{python}`: {e}")),
        Ok(o) if !o.status.success() => Some(format!(
            "`{python}` cannot load WebKit2 4.1: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Ok(_) => None,
    }
}

/// The installed WebKitGTK's Debian version.
fn version() -> String {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Version}", "libwebkit2gtk-4.1-0"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown version".into())
}

#[test]
fn webkit_agrees_with_the_evaluator() {
    let python = std::env::var("CORSC_WEBKIT_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".into());
    if let Some(why) = missing(&python) {
        if bc::engines_required() {
            panic!("WebKitGTK cannot run ({why}) and CORSC_REQUIRE_ENGINES=1; install it with `{INSTALL}`");
        }
        eprintln!("skipping: WebKitGTK cannot run ({why}); install it with `{INSTALL}`, or set CORSC_WEBKIT_PYTHON");
        return;
    }
    let xvfb_run = bc::find_binary("CORSC_XVFB_RUN", &["xvfb-run"]).expect("xvfb-run");
    eprintln!("browser: WebKitGTK {}", version());
    let (run, clock) = bc::start_all_cases();
    let proxy = LoopbackProxy::start();

    let out = tempfile::tempdir().expect("temp dir");
    let (stdout, stderr) = (out.path().join("stdout"), out.path().join("stderr"));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/webkit_dump.py");
    let mut cmd = Command::new(&xvfb_run);
    // xvfb-run, Xvfb, the GTK process and WebKit's web and network processes share one
    // group: they are stopped with it and none outlives the test.
    support::procs::own_group(&mut cmd);
    // `env` puts the moved clock on the GTK process and the WebKit processes it starts, and
    // not on Xvfb. The script's own timeout would fire at a clock jump, so the test keeps the
    // deadline.
    cmd.args(["-a", "env"]);
    if let Some(c) = &clock {
        cmd.args(c.env().iter().map(|(k, v)| format!("{k}={v}")));
    }
    let mut child = cmd
        .arg(&python)
        .arg(&script)
        .arg(run.page_url())
        .args(["--proxy", &proxy.url(), "--timeout", "0"])
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout).expect("stdout file"))
        .stderr(std::fs::File::create(&stderr).expect("stderr file"))
        .spawn()
        .expect("start xvfb-run");
    let started = Instant::now();
    let deadline = started + Duration::from_secs(90);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            support::procs::stop_group(&mut child, "TERM", Duration::from_secs(5));
            panic!(
                "WebKit did not finish within 90 s; it printed:\n{}\n{}",
                std::fs::read_to_string(&stdout).unwrap_or_default(),
                std::fs::read_to_string(&stderr).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let left = support::procs::stop_group(&mut child, "TERM", Duration::from_secs(5));
    assert!(
        left.is_empty(),
        "WebKit or Xvfb processes {left:?} outlived the browser"
    );
    let text = std::fs::read_to_string(&stdout).unwrap_or_default();
    assert!(
        status.success() && text.contains("DONE"),
        "the page did not finish ({status}):\n{text}\n{}",
        std::fs::read_to_string(&stderr).unwrap_or_default()
    );
    eprintln!(
        "WebKit ran the page in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    bc::compare(
        &WEBKIT,
        &[&CHROMIUM, &FIREFOX, &SPEC],
        "WebKit",
        &run,
        &bc::parse_results(&text),
    );
}
