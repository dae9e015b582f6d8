//! Ground truth for the evaluator's Firefox model: real `fetch()` calls in headless Firefox ESR.
//!
//! The cases, servers and page are shared with the Chromium test (`support::browser_cases`).
//! Firefox runs headless with a fresh profile whose `user.js` resolves every host name to
//! 127.0.0.1 (`network.dns.forceResolve`) and turns off its background traffic; the test
//! drives it through Marionette, its built-in remote protocol (`support::marionette`), so no
//! driver is downloaded. For every case, Firefox's outcome must equal what
//! `corsc::eval::browser::judge` predicts with the `FIREFOX` model. Firefox runs under a clock
//! the test moves (`FakeClock`), so the cases that need hours to pass between two fetches run
//! too.
//!
//! Without Firefox the test prints why it skips and passes; with `CORSC_REQUIRE_ENGINES=1` a
//! missing Firefox is a failure. `CORSC_FIREFOX` names the binary.

mod support;

use corsc::eval::browser::{CHROMIUM, FIREFOX, SPEC};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::browser_cases as bc;
use support::marionette::Marionette;

/// Preferences for a quiet, local-only Firefox: every name resolves to 127.0.0.1, no proxy,
/// no DNS over HTTPS, no HTTPS upgrades of the test's plain-HTTP origins, and the services
/// that phone home (updates, Safe Browsing, telemetry, captive-portal and connectivity
/// checks, remote settings, experiments, push, add-on and search updates) are off.
const USER_JS: &str = r#"
user_pref("marionette.port", 0);
user_pref("network.dns.forceResolve", "127.0.0.1");
user_pref("network.dns.localDomains", "app.example.test,api.example.test,other.example.test");
user_pref("network.dns.disableIPv6", true);
user_pref("network.dns.disablePrefetch", true);
user_pref("network.proxy.type", 0);
user_pref("network.trr.mode", 5);
user_pref("network.prefetch-next", false);
user_pref("network.predictor.enabled", false);
user_pref("network.http.speculative-parallel-limit", 0);
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
user_pref("dom.security.https_first", false);
user_pref("dom.security.https_first_pbm", false);
user_pref("dom.security.https_first_schemeless", false);
user_pref("dom.security.https_only_mode", false);
user_pref("app.update.enabled", false);
user_pref("app.update.auto", false);
user_pref("app.update.disabledForTesting", true);
user_pref("app.normandy.enabled", false);
user_pref("app.shield.optoutstudies.enabled", false);
user_pref("browser.safebrowsing.malware.enabled", false);
user_pref("browser.safebrowsing.phishing.enabled", false);
user_pref("browser.safebrowsing.blockedURIs.enabled", false);
user_pref("browser.safebrowsing.downloads.enabled", false);
user_pref("browser.safebrowsing.downloads.remote.enabled", false);
user_pref("browser.safebrowsing.provider.google4.updateURL", "");
user_pref("browser.safebrowsing.provider.google.updateURL", "");
user_pref("browser.safebrowsing.provider.mozilla.updateURL", "");
user_pref("browser.safebrowsing.update.enabled", false);
user_pref("datareporting.healthreport.uploadEnabled", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("datareporting.usage.uploadEnabled", false);
user_pref("toolkit.telemetry.enabled", false);
user_pref("toolkit.telemetry.unified", false);
user_pref("toolkit.telemetry.archive.enabled", false);
user_pref("toolkit.telemetry.server", "");
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("browser.startup.homepage_override.mstone", "ignore");
user_pref("browser.startup.page", 0);
user_pref("browser.newtabpage.enabled", false);
user_pref("browser.newtabpage.activity-stream.feeds.system.topstories", false);
user_pref("browser.newtabpage.activity-stream.feeds.section.topstories", false);
user_pref("browser.newtabpage.activity-stream.default.sites", "");
user_pref("browser.region.network.url", "");
user_pref("browser.region.update.enabled", false);
user_pref("browser.search.update", false);
user_pref("browser.ping-centre.telemetry", false);
user_pref("extensions.update.enabled", false);
user_pref("extensions.getAddons.cache.enabled", false);
user_pref("extensions.blocklist.enabled", false);
user_pref("extensions.systemAddon.update.enabled", false);
user_pref("services.settings.server", "data:,#remote-settings-dummy/v1");
user_pref("messaging-system.rsexperimentloader.enabled", false);
user_pref("geo.provider.network.url", "");
user_pref("dom.push.connection.enabled", false);
user_pref("media.gmp-manager.url", "");
user_pref("media.gmp-gmpopenh264.enabled", false);
user_pref("security.OCSP.enabled", 0);
user_pref("security.remote_settings.crlite_filters.enabled", false);
user_pref("security.remote_settings.intermediates.enabled", false);
user_pref("browser.sessionstore.resume_from_crash", false);
user_pref("toolkit.startup.max_resumed_crashes", -1);
user_pref("dom.ipc.processHangMonitor", false);
user_pref("dom.ipc.reportProcessHangs", false);
"#;

/// Firefox in its own process group, stopped (and checked gone) when dropped.
struct Firefox(std::process::Child);

impl Drop for Firefox {
    fn drop(&mut self) {
        support::procs::stop_on_drop(&mut self.0, "TERM", "Firefox");
    }
}

#[test]
fn firefox_agrees_with_the_evaluator() {
    let Some(firefox) = bc::find_binary("CORSC_FIREFOX", &["firefox-esr", "firefox"]) else {
        if bc::engines_required() {
            panic!("Firefox is not installed and CORSC_REQUIRE_ENGINES=1; install it with `apt-get install -y firefox-esr`");
        }
        eprintln!("skipping: Firefox not found (install `firefox-esr`, or set CORSC_FIREFOX)");
        return;
    };
    let (run, clock) = bc::start_all_cases();

    let home = tempfile::tempdir().expect("temp dir");
    let profile = home.path().join("profile");
    std::fs::create_dir(&profile).expect("profile dir");
    std::fs::write(profile.join("user.js"), USER_JS).expect("write user.js");
    let mut cmd = Command::new(&firefox);
    // Firefox forks content, socket and utility processes; in their own group they are
    // stopped with it and none outlives the test.
    support::procs::own_group(&mut cmd);
    if let Some(c) = &clock {
        cmd.envs(c.env());
        // Every process must see the same clock: a sandboxed process cannot read the shift,
        // and a parent hours ahead of its content process takes the page for hung and
        // replaces it with a crash page. The page is the test's own, on loopback.
        for sandbox in ["CONTENT", "SOCKET_PROCESS", "RDD", "UTILITY", "GMP"] {
            cmd.env(format!("MOZ_DISABLE_{sandbox}_SANDBOX"), "1");
        }
    }
    let child = cmd
        .args(["--headless", "--marionette", "--no-remote", "--profile"])
        .arg(&profile)
        .arg("about:blank")
        .env("HOME", home.path())
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("MOZ_CRASHREPORTER_DISABLE", "1")
        .env("MOZ_DISABLE_AUTO_SAFE_MODE", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start firefox");
    let mut firefox = Firefox(child);

    let mut m = Marionette::connect(&profile, Duration::from_secs(60)).expect("Marionette");
    let caps = m.new_session().expect("a Marionette session");
    eprintln!(
        "browser: {} {}",
        caps["browserName"].as_str().unwrap_or("firefox"),
        caps["browserVersion"].as_str().unwrap_or("?")
    );
    m.new_tab().expect("a new tab");
    m.navigate(&run.page_url()).expect("load the page");
    let deadline = Instant::now() + Duration::from_secs(90);
    let mut last = String::new();
    let text = loop {
        // A call may fail while the clock jumps (a timeout measured across it); try again.
        match m.execute("return document.getElementById('out').textContent") {
            Ok(v) => {
                last = v.as_str().unwrap_or("").to_string();
                if last.contains("DONE") {
                    break last;
                }
            }
            Err(e) => eprintln!(
                "reading the page at {:?}: {e}",
                m.current_url().unwrap_or_default()
            ),
        }
        assert!(
            Instant::now() < deadline,
            "the page did not finish within 90 s; it got to:\n{last}"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    m.quit();
    let exited = Instant::now() + Duration::from_secs(10);
    while Instant::now() < exited && matches!(firefox.0.try_wait(), Ok(None)) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let left = support::procs::stop_group(&mut firefox.0, "TERM", Duration::from_secs(5));
    assert!(
        left.is_empty(),
        "Firefox processes {left:?} outlived the browser"
    );
    bc::compare(
        &FIREFOX,
        &[&CHROMIUM, &SPEC],
        "Firefox",
        &run,
        &bc::parse_results(&text),
    );
}
