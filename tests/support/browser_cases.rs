//! The cases the browser ground-truth tests run, the servers that answer them, the page that
//! fetches them, and the comparison with the evaluator.
//!
//! A page served from `http://app.example.test:A` calls `http://api.example.test:B/case/N` for
//! every case; the API server answers each case with the headers the case chooses. The browser
//! maps `*.example.test` to 127.0.0.1 (how is the browser test's business), the page writes one
//! line per case into `<pre id="out">`, and [`compare`] checks every line against
//! `corsc::eval::browser::judge` for the browser's model. `tests/chromium_ground_truth.rs`,
//! `tests/firefox_ground_truth.rs` and `tests/webkit_ground_truth.rs` only start their browser
//! and read the page back.
//!
//! Cases that need time to pass between two fetches ([`Case::after`]) move the browser's clock
//! ([`FakeClock`]): the page asks the page server for `/jump?s=N` between the fetches, and the
//! server moves the clock before it answers.

use super::http_server::{Answer, Server};
use corsc::eval::browser::{self, BrowserModel};
use corsc::eval::{BrowserRequest, Response, Verdict};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

type Headers = Vec<(&'static str, &'static str)>;

/// One fetch and the answers it gets. `{o}` in a header value is the page's origin.
pub struct Case {
    pub name: &'static str,
    pub method: &'static str,
    pub headers: Vec<(&'static str, String)>,
    pub credentials: bool,
    pub preflight_status: u16,
    pub preflight: Headers,
    pub actual: Headers,
    pub actual_status: u16,
    /// Response headers whose readability is compared.
    pub read: Vec<&'static str>,
    /// Fetch twice; the server fails every preflight after the first, so the second fetch is
    /// allowed only if the first preflight was cached.
    pub repeat: bool,
    /// Seconds the browser's clock moves forward between the two fetches of a repeated case.
    pub after: u64,
}

fn case(name: &'static str, method: &'static str) -> Case {
    Case {
        name,
        method,
        headers: vec![],
        credentials: false,
        preflight_status: 204,
        preflight: vec![],
        actual: vec![],
        actual_status: 200,
        read: vec![],
        repeat: false,
        after: 0,
    }
}

impl Case {
    fn h(mut self, n: &'static str, v: &str) -> Self {
        self.headers.push((n, v.to_string()));
        self
    }
    fn cred(mut self) -> Self {
        self.credentials = true;
        self
    }
    fn pre(mut self, status: u16, h: Headers) -> Self {
        self.preflight_status = status;
        self.preflight = h;
        self
    }
    fn act(mut self, h: Headers) -> Self {
        self.actual = h;
        self
    }
    fn status(mut self, s: u16) -> Self {
        self.actual_status = s;
        self
    }
    fn read(mut self, names: &[&'static str]) -> Self {
        self.read = names.to_vec();
        self
    }
    fn repeat(mut self) -> Self {
        self.repeat = true;
        self
    }
    /// Repeats the fetch `secs` seconds later by the browser's clock.
    fn after(mut self, secs: u64) -> Self {
        self.repeat = true;
        self.after = secs;
        self
    }
}

const ACAO: &str = "Access-Control-Allow-Origin";
const ACAC: &str = "Access-Control-Allow-Credentials";
const ACAM: &str = "Access-Control-Allow-Methods";
const ACAH: &str = "Access-Control-Allow-Headers";
const ACEH: &str = "Access-Control-Expose-Headers";
const ACMA: &str = "Access-Control-Max-Age";

/// The cases every browser runs. With `clock`, also the ones that move the clock.
pub fn cases(clock: bool) -> Vec<Case> {
    let me = vec![(ACAO, "{o}")];
    let me_cred = vec![(ACAO, "{o}"), (ACAC, "true")];
    let long_accept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7,x/y";
    let long_type = format!("text/plain;charset=utf-8;x={}", "a".repeat(110));
    let mut all = vec![
        // Simple requests, no credentials.
        case("simple, ACAO *", "GET").act(vec![(ACAO, "*")]),
        case("simple, ACAO exact", "GET").act(me.clone()),
        case("simple, no ACAO", "GET"),
        case("simple, ACAO other origin", "GET").act(vec![(ACAO, "http://other.example.test")]),
        case("simple, ACAO trailing slash", "GET").act(vec![(ACAO, "{o}/")]),
        case("simple, ACAO upper-case host", "GET")
            .act(vec![(ACAO, "http://APP.example.test:{port}")]),
        case("simple, ACAO comma list", "GET").act(vec![(ACAO, "{o}, http://other.example.test")]),
        case("simple, ACAO space list", "GET").act(vec![(ACAO, "{o} http://other.example.test")]),
        case("simple, two ACAO lines same origin", "GET").act(vec![(ACAO, "{o}"), (ACAO, "{o}")]),
        case("simple, two ACAO lines *", "GET").act(vec![(ACAO, "*"), (ACAO, "*")]),
        case("simple, ACAO null", "GET").act(vec![(ACAO, "null")]),
        case("simple, garbage ACAC ignored without credentials", "GET")
            .act(vec![(ACAO, "{o}"), (ACAC, "nope")]),
        case("simple, 500 still readable", "GET")
            .act(me.clone())
            .status(500),
        case("simple, no Vary does not matter", "GET").act(me.clone()),
        case("simple, Vary Origin", "GET").act(vec![(ACAO, "{o}"), ("Vary", "Origin")]),
        case("simple POST text/plain, no preflight", "POST")
            .h("Content-Type", "text/plain;charset=UTF-8")
            .pre(500, vec![])
            .act(me.clone()),
        case("simple, Range bytes=0- is safelisted", "GET")
            .h("Range", "bytes=0-")
            .pre(500, vec![])
            .act(me.clone()),
        case("simple HEAD, no preflight", "HEAD")
            .pre(500, vec![])
            .act(me.clone()),
        case("simple, Accept-Language en-US is safelisted", "GET")
            .h("Accept-Language", "en-US,en;q=0.5")
            .pre(500, vec![])
            .act(me.clone()),
        // Credentials.
        case("cred, ACAO * + ACAC true", "GET")
            .cred()
            .act(vec![(ACAO, "*"), (ACAC, "true")]),
        case("cred, ACAO *", "GET").cred().act(vec![(ACAO, "*")]),
        case("cred, exact + ACAC true", "GET")
            .cred()
            .act(me_cred.clone()),
        case("cred, exact without ACAC", "GET")
            .cred()
            .act(me.clone()),
        case("cred, ACAC True", "GET")
            .cred()
            .act(vec![(ACAO, "{o}"), (ACAC, "True")]),
        case("cred, ACAC 1", "GET")
            .cred()
            .act(vec![(ACAO, "{o}"), (ACAC, "1")]),
        case("cred, two ACAC lines", "GET").cred().act(vec![
            (ACAO, "{o}"),
            (ACAC, "true"),
            (ACAC, "true"),
        ]),
        case("no cred, ACAO * + ACAC true", "GET").act(vec![(ACAO, "*"), (ACAC, "true")]),
        case("cred, preflight without ACAC", "PUT")
            .cred()
            .pre(204, vec![(ACAO, "{o}"), (ACAM, "PUT")])
            .act(me_cred.clone()),
        case("cred, preflight ACAO * + ACAC true", "PUT")
            .cred()
            .pre(204, vec![(ACAO, "*"), (ACAC, "true"), (ACAM, "PUT")])
            .act(me_cred.clone()),
        case("cred, preflight ok but actual without ACAC", "PUT")
            .cred()
            .pre(204, vec![(ACAO, "{o}"), (ACAC, "true"), (ACAM, "PUT")])
            .act(me.clone()),
        // Preflighted methods.
        case("PUT, ACAM PUT", "PUT")
            .pre(204, vec![(ACAO, "{o}"), (ACAM, "PUT")])
            .act(me.clone()),
        case("PUT, no ACAM", "PUT")
            .pre(204, vec![(ACAO, "{o}")])
            .act(me.clone()),
        case("PUT, ACAO * on both without cred", "PUT")
            .pre(204, vec![(ACAO, "*"), (ACAM, "PUT")])
            .act(vec![(ACAO, "*")]),
        case("put normalized, ACAM put", "put")
            .pre(204, vec![(ACAO, "{o}"), (ACAM, "put")])
            .act(me.clone()),
        case("patch lower-case, ACAM PATCH", "patch")
            .pre(204, vec![(ACAO, "{o}"), (ACAM, "PATCH")])
            .act(me.clone()),
        case("PATCH, ACAM PATCH", "PATCH")
            .pre(204, vec![(ACAO, "{o}"), (ACAM, "PATCH")])
            .act(me.clone()),
        case("PATCH, ACAM patch", "PATCH")
            .pre(204, vec![(ACAO, "{o}"), (ACAM, "patch")])
            .act(me.clone()),
        case("DELETE, ACAM * without cred", "DELETE")
            .pre(204, vec![(ACAO, "{o}"), (ACAM, "*")])
            .act(me.clone()),
        case("DELETE, ACAM * with cred", "DELETE")
            .cred()
            .pre(204, vec![(ACAO, "{o}"), (ACAC, "true"), (ACAM, "*")])
            .act(me_cred.clone()),
        case("DELETE, ACAM DELETE with cred", "DELETE")
            .cred()
            .pre(204, vec![(ACAO, "{o}"), (ACAC, "true"), (ACAM, "DELETE")])
            .act(me_cred.clone()),
        case("OPTIONS as the method, ACAM OPTIONS", "OPTIONS")
            .pre(204, vec![(ACAO, "{o}"), (ACAM, "OPTIONS")])
            .act(me.clone()),
        case("PUT, preflight 404", "PUT")
            .pre(404, vec![(ACAO, "{o}"), (ACAM, "PUT")])
            .act(me.clone()),
        case("PUT, preflight 301", "PUT")
            .pre(
                301,
                vec![(ACAO, "{o}"), (ACAM, "PUT"), ("Location", "/elsewhere")],
            )
            .act(me.clone()),
        case("PUT, preflight 200", "PUT")
            .pre(200, vec![(ACAO, "{o}"), (ACAM, "PUT")])
            .act(me.clone()),
        case("PUT, preflight ok but actual lacks ACAO", "PUT")
            .pre(204, vec![(ACAO, "{o}"), (ACAM, "PUT")]),
        case("PUT, preflight without ACAO", "PUT")
            .pre(204, vec![(ACAM, "PUT")])
            .act(me.clone()),
        case("PUT, ACAM not tokens", "PUT")
            .pre(204, vec![(ACAO, "{o}"), (ACAM, "PUT;DELETE")])
            .act(me.clone()),
        case("PUT, ACAM list with empty element", "PUT")
            .pre(204, vec![(ACAO, "{o}"), (ACAM, "GET, ,PUT")])
            .act(me.clone()),
        case("PUT, ACAM on two lines", "PUT")
            .pre(204, vec![(ACAO, "{o}"), (ACAM, "GET"), (ACAM, "PUT")])
            .act(me.clone()),
        case("CONNECT is refused by fetch()", "CONNECT")
            .pre(204, vec![(ACAO, "{o}"), (ACAM, "CONNECT")])
            .act(me.clone()),
        case("TRACE is refused by fetch()", "TRACE")
            .pre(204, vec![(ACAO, "{o}"), (ACAM, "TRACE")])
            .act(me.clone()),
        // QUERY (RFC 10008): not safelisted, so preflighted, and never case-normalized.
        case("QUERY, ACAM QUERY", "QUERY")
            .pre(204, vec![(ACAO, "{o}"), (ACAM, "QUERY")])
            .act(me.clone()),
        case("QUERY, no ACAM", "QUERY")
            .pre(204, vec![(ACAO, "{o}")])
            .act(me.clone()),
        case("QUERY, ACAM query (lower-case)", "QUERY")
            .pre(204, vec![(ACAO, "{o}"), (ACAM, "query")])
            .act(me.clone()),
        case("query lower-case sent as-is, ACAM QUERY", "query")
            .pre(204, vec![(ACAO, "{o}"), (ACAM, "QUERY")])
            .act(me.clone()),
        case("query lower-case, ACAM query", "query")
            .pre(204, vec![(ACAO, "{o}"), (ACAM, "query")])
            .act(me.clone()),
        case("QUERY, ACAM * without cred", "QUERY")
            .pre(204, vec![(ACAO, "{o}"), (ACAM, "*")])
            .act(me.clone()),
        case("QUERY, ACAM * with cred", "QUERY")
            .cred()
            .pre(204, vec![(ACAO, "{o}"), (ACAC, "true"), (ACAM, "*")])
            .act(me_cred.clone()),
        case("QUERY, ACAM QUERY with cred", "QUERY")
            .cred()
            .pre(204, vec![(ACAO, "{o}"), (ACAC, "true"), (ACAM, "QUERY")])
            .act(me_cred.clone()),
        case(
            "QUERY with a JSON body, ACAM QUERY, ACAH content-type",
            "QUERY",
        )
        .h("Content-Type", "application/json")
        .pre(
            204,
            vec![(ACAO, "{o}"), (ACAM, "QUERY"), (ACAH, "content-type")],
        )
        .act(me.clone()),
        // Request headers.
        case("X-Token, ACAH x-token", "GET")
            .h("X-Token", "1")
            .pre(204, vec![(ACAO, "{o}"), (ACAH, "x-token")])
            .act(me.clone()),
        case("X-Token, ACAH X-TOKEN", "GET")
            .h("X-Token", "1")
            .pre(204, vec![(ACAO, "{o}"), (ACAH, "X-TOKEN")])
            .act(me.clone()),
        case("X-Token, no ACAH", "GET")
            .h("X-Token", "1")
            .pre(204, vec![(ACAO, "{o}")])
            .act(me.clone()),
        case("X-Token, ACAH * without cred", "GET")
            .h("X-Token", "1")
            .pre(204, vec![(ACAO, "{o}"), (ACAH, "*")])
            .act(me.clone()),
        case("X-Token, ACAH * with cred", "GET")
            .h("X-Token", "1")
            .cred()
            .pre(204, vec![(ACAO, "{o}"), (ACAC, "true"), (ACAH, "*")])
            .act(me_cred.clone()),
        case("X-Custom, ACAH X-Custom", "POST")
            .h("X-Custom", "v")
            .pre(204, vec![(ACAO, "{o}"), (ACAH, "X-Custom")])
            .act(me.clone()),
        case("X-Custom, ACAH x-other", "POST")
            .h("X-Custom", "v")
            .pre(204, vec![(ACAO, "{o}"), (ACAH, "x-other")])
            .act(me.clone()),
        case("X-Custom, ACAH not tokens", "GET")
            .h("X-Custom", "v")
            .pre(204, vec![(ACAO, "{o}"), (ACAH, "x-custom;x-other")])
            .act(me.clone()),
        case("X-Custom with cred, ACAH x-custom", "GET")
            .h("X-Custom", "v")
            .cred()
            .pre(204, vec![(ACAO, "{o}"), (ACAC, "true"), (ACAH, "x-custom")])
            .act(me_cred.clone()),
        case("Authorization, ACAH * without cred", "GET")
            .h("Authorization", "Bearer t")
            .pre(204, vec![(ACAO, "{o}"), (ACAH, "*")])
            .act(me.clone()),
        case("Authorization, ACAH * with cred", "GET")
            .h("Authorization", "Bearer t")
            .cred()
            .pre(204, vec![(ACAO, "{o}"), (ACAC, "true"), (ACAH, "*")])
            .act(me_cred.clone()),
        case("Authorization, ACAH authorization", "GET")
            .h("Authorization", "Bearer t")
            .pre(204, vec![(ACAO, "{o}"), (ACAH, "authorization")])
            .act(me.clone()),
        case("Authorization with cred, ACAH authorization", "GET")
            .h("Authorization", "Bearer t")
            .cred()
            .pre(
                204,
                vec![(ACAO, "{o}"), (ACAC, "true"), (ACAH, "authorization")],
            )
            .act(me_cred.clone()),
        case("Authorization, ACAH *, authorization", "GET")
            .h("Authorization", "Bearer t")
            .pre(204, vec![(ACAO, "{o}"), (ACAH, "*, authorization")])
            .act(me.clone()),
        case("Authorization + X-Token, ACAH * without cred", "GET")
            .h("Authorization", "Bearer t")
            .h("X-Token", "1")
            .pre(204, vec![(ACAO, "{o}"), (ACAH, "*")])
            .act(me.clone()),
        case("Content-Type json, no ACAH", "POST")
            .h("Content-Type", "application/json")
            .pre(204, vec![(ACAO, "{o}")])
            .act(me.clone()),
        case("Content-Type json, ACAH content-type", "POST")
            .h("Content-Type", "application/json")
            .pre(204, vec![(ACAO, "{o}"), (ACAH, "content-type")])
            .act(me.clone()),
        case("Content-Type json, ACAH * without cred", "POST")
            .h("Content-Type", "application/json")
            .pre(204, vec![(ACAO, "{o}"), (ACAH, "*")])
            .act(me.clone()),
        case(
            "Content-Type text/plain with an unsafe byte needs a preflight",
            "POST",
        )
        .h("Content-Type", "text/plain; x=\"(\"")
        .pre(204, vec![(ACAO, "{o}")])
        .act(me.clone()),
        case(
            "Content-Type text/plain with an unsafe byte, ACAH content-type",
            "POST",
        )
        .h("Content-Type", "text/plain; x=\"(\"")
        .pre(204, vec![(ACAO, "{o}"), (ACAH, "content-type")])
        .act(me.clone()),
        case(
            "Content-Type text/plain over 128 bytes needs a preflight",
            "POST",
        )
        .h("Content-Type", &long_type)
        .pre(204, vec![(ACAO, "{o}")])
        .act(me.clone()),
        case("Accept over 128 bytes needs a preflight", "GET")
            .h("Accept", long_accept)
            .pre(204, vec![(ACAO, "{o}")])
            .act(me.clone()),
        case("Accept over 128 bytes, ACAH accept", "GET")
            .h("Accept", long_accept)
            .pre(204, vec![(ACAO, "{o}"), (ACAH, "accept")])
            .act(me.clone()),
        // Preflight cache.
        case("max-age 600 caches the preflight", "PUT")
            .pre(204, vec![(ACAO, "{o}"), (ACAM, "PUT"), (ACMA, "600")])
            .act(me.clone())
            .repeat(),
        case("max-age 0 does not cache", "PUT")
            .pre(204, vec![(ACAO, "{o}"), (ACAM, "PUT"), (ACMA, "0")])
            .act(me.clone())
            .repeat(),
        case("no max-age caches for the default 5 s", "PUT")
            .pre(204, vec![(ACAO, "{o}"), (ACAM, "PUT")])
            .act(me.clone())
            .repeat(),
        case("max-age -1", "PUT")
            .pre(204, vec![(ACAO, "{o}"), (ACAM, "PUT"), (ACMA, "-1")])
            .act(me.clone())
            .repeat(),
        case("max-age unparsable (10s)", "PUT")
            .pre(204, vec![(ACAO, "{o}"), (ACAM, "PUT"), (ACMA, "10s")])
            .act(me.clone())
            .repeat(),
        case("max-age on two lines", "PUT")
            .pre(
                204,
                vec![(ACAO, "{o}"), (ACAM, "PUT"), (ACMA, "600"), (ACMA, "600")],
            )
            .act(me.clone())
            .repeat(),
        case("max-age 600 for a header", "GET")
            .h("X-Token", "1")
            .pre(204, vec![(ACAO, "{o}"), (ACAH, "x-token"), (ACMA, "600")])
            .act(me.clone())
            .repeat(),
        case("max-age 600 with cred", "PUT")
            .cred()
            .pre(
                204,
                vec![(ACAO, "{o}"), (ACAC, "true"), (ACAM, "PUT"), (ACMA, "600")],
            )
            .act(me_cred.clone())
            .repeat(),
        case("max-age 600, method allowed by ACAM *", "DELETE")
            .pre(204, vec![(ACAO, "{o}"), (ACAM, "*"), (ACMA, "600")])
            .act(me.clone())
            .repeat(),
        case("max-age 600, header allowed by ACAH *", "GET")
            .h("X-Token", "1")
            .pre(204, vec![(ACAO, "{o}"), (ACAH, "*"), (ACMA, "600")])
            .act(me.clone())
            .repeat(),
        case("max-age 600, QUERY", "QUERY")
            .pre(204, vec![(ACAO, "{o}"), (ACAM, "QUERY"), (ACMA, "600")])
            .act(me.clone())
            .repeat(),
        // Exposed headers.
        case("ACEH lists X-Id", "GET")
            .act(vec![(ACAO, "{o}"), (ACEH, "X-Id")])
            .read(&["x-id", "x-other", "content-type"]),
        case("no ACEH exposes only safelisted", "GET")
            .act(me.clone())
            .read(&["x-id", "content-type"]),
        case("ACEH * without cred exposes all", "GET")
            .act(vec![(ACAO, "*"), (ACEH, "*")])
            .read(&["x-id", "x-other"]),
        case("ACEH * with cred exposes none", "GET")
            .cred()
            .act(vec![(ACAO, "{o}"), (ACAC, "true"), (ACEH, "*")])
            .read(&["x-id", "x-other"]),
        case("ACEH x-id with cred", "GET")
            .cred()
            .act(vec![(ACAO, "{o}"), (ACAC, "true"), (ACEH, "x-id")])
            .read(&["x-id", "x-other"]),
        case("ACEH on two lines", "GET")
            .act(vec![(ACAO, "{o}"), (ACEH, "x-id"), (ACEH, "x-other")])
            .read(&["x-id", "x-other"]),
    ];
    if clock {
        all.extend([
            // Time passes between the fetches (`FakeClock`): the caps become observable.
            case("max-age 7000, 550 s later: within every cap", "PUT")
                .pre(204, vec![(ACAO, "{o}"), (ACAM, "PUT"), (ACMA, "7000")])
                .act(me.clone())
                .after(550),
            case("max-age 7000, 700 s later: past WebKit's cap", "PUT")
                .pre(204, vec![(ACAO, "{o}"), (ACAM, "PUT"), (ACMA, "7000")])
                .act(me.clone())
                .after(700),
            case("max-age 7000, 6900 s later: still cached", "PUT")
                .pre(204, vec![(ACAO, "{o}"), (ACAM, "PUT"), (ACMA, "7000")])
                .act(me.clone())
                .after(6900),
            case("max-age 86000, 7300 s later: past Chromium's cap", "PUT")
                .pre(204, vec![(ACAO, "{o}"), (ACAM, "PUT"), (ACMA, "86000")])
                .act(me.clone())
                .after(7300),
            case("max-age 86000, 80000 s later", "PUT")
                .pre(204, vec![(ACAO, "{o}"), (ACAM, "PUT"), (ACMA, "86000")])
                .act(me.clone())
                .after(80000),
            case("max-age 200000, 86500 s later: past Firefox's cap", "PUT")
                .pre(204, vec![(ACAO, "{o}"), (ACAM, "PUT"), (ACMA, "200000")])
                .act(me.clone())
                .after(86500),
        ]);
    }
    all
}

/// The clock every browser test moves (`None` when it cannot be built and engines are not
/// required: the cap cases are then left out, and the test says so), and the servers for every
/// case, started.
pub fn start_all_cases() -> (Run, Option<Arc<FakeClock>>) {
    let clock = match FakeClock::build() {
        Ok(c) => Some(Arc::new(c)),
        Err(why) if engines_required() => {
            panic!("cannot move the browser's clock ({why}) and CORSC_REQUIRE_ENGINES=1")
        }
        Err(why) => {
            eprintln!("the max-age cap cases do not run: cannot move the browser's clock ({why})");
            None
        }
    };
    let cases = cases(clock.is_some());
    assert!(cases.len() >= 60);
    (Run::start(cases, clock.clone()), clock)
}

/// Where a browser binary is: `env` if set, else the first of `names` on `PATH`.
pub fn find_binary(env: &str, names: &[&str]) -> Option<String> {
    if let Ok(p) = std::env::var(env) {
        return Some(p);
    }
    for name in names {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {name}")])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
        if let Some(p) = found.filter(|p| !p.is_empty()) {
            return Some(p);
        }
    }
    None
}

/// Whether a missing engine is a failure (CI) rather than a reason to skip.
pub fn engines_required() -> bool {
    std::env::var("CORSC_REQUIRE_ENGINES").is_ok_and(|v| v == "1")
}

/// The browser's clock, moved by `clockshift.c` (built here with `cc` and preloaded): the
/// browser runs with [`FakeClock::env`], and [`FakeClock::advance`] moves its wall and
/// monotonic clocks forward.
pub struct FakeClock {
    dir: tempfile::TempDir,
    offset: Mutex<u64>,
    lib: PathBuf,
}

impl FakeClock {
    /// Builds the preload library; `None` (and why) when there is no C compiler, or when
    /// `CORSC_NO_CLOCK=1` asks to run without moving the clock.
    pub fn build() -> Result<FakeClock, String> {
        if std::env::var("CORSC_NO_CLOCK").is_ok_and(|v| v == "1") {
            return Err("CORSC_NO_CLOCK=1".into());
        }
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/clockshift.c");
        let lib = dir.path().join("libclockshift.so");
        let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
        let out = Command::new(&cc)
            .args(["-O2", "-shared", "-fPIC", "-o"])
            .arg(&lib)
            .arg(&src)
            .output()
            .map_err(|e| format!("`{cc}`: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "`{cc}` failed on {}: {}",
                src.display(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        std::fs::write(dir.path().join("shift"), "0\n").map_err(|e| e.to_string())?;
        Ok(FakeClock {
            dir,
            offset: Mutex::new(0),
            lib,
        })
    }

    /// The environment that puts a program under this clock.
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            ("LD_PRELOAD".into(), self.lib.display().to_string()),
            ("CLOCKSHIFT_FILE".into(), self.file().display().to_string()),
        ]
    }

    fn file(&self) -> PathBuf {
        self.dir.path().join("shift")
    }

    /// Moves the clock `secs` forward, and waits until the browser has read the new shift
    /// (it re-reads the file at most once a second).
    pub fn advance(&self, secs: u64) {
        let mut offset = self.offset.lock().unwrap();
        *offset += secs;
        // Written beside and renamed, so a reader never sees half a number.
        let tmp = self.dir.path().join("shift.new");
        std::fs::write(&tmp, format!("{}\n", *offset)).expect("write the clock shift");
        std::fs::rename(&tmp, self.file()).expect("replace the clock shift");
        std::thread::sleep(Duration::from_millis(1700));
    }
}

fn fill(v: &str, origin: &str, port: u16) -> String {
    v.replace("{o}", origin)
        .replace("{port}", &port.to_string())
}

fn answer(status: u16, h: &Headers, origin: &str, port: u16, extra: bool) -> Answer {
    let mut headers: Vec<(String, String)> = h
        .iter()
        .map(|(n, v)| ((*n).to_string(), fill(v, origin, port)))
        .collect();
    if extra {
        headers.push(("Content-Type".into(), "text/plain".into()));
        headers.push(("X-Id".into(), "1".into()));
        headers.push(("X-Other".into(), "2".into()));
    }
    Answer {
        status,
        headers,
        body: b"ok".to_vec(),
    }
}

fn observed(status: u16, h: &Headers, origin: &str, port: u16, extra: bool) -> Response {
    let a = answer(status, h, origin, port, extra);
    Response::observed(a.status, a.headers)
}

fn not_found() -> Answer {
    Answer {
        status: 404,
        headers: vec![],
        body: vec![],
    }
}

/// The page and API servers for one browser run.
pub struct Run {
    pub cases: Arc<Vec<Case>>,
    /// `http://app.example.test:PORT`, the page's origin.
    pub origin: String,
    /// The page's port (part of some answers).
    pub port: u16,
    _page: Server,
    _api: Server,
}

impl Run {
    /// Starts both servers; `clock` answers the page's `/jump` requests.
    pub fn start(cases: Vec<Case>, clock: Option<Arc<FakeClock>>) -> Run {
        let cases = Arc::new(cases);
        // The page's origin needs the page server's port, and the API needs the page origin,
        // so the page server starts first.
        let html_cell = Arc::new(Mutex::new(String::new()));
        let html = html_cell.clone();
        let page = Server::start(move |seen| {
            if let Some(q) = seen.path.strip_prefix("/jump?s=") {
                let secs = q.parse::<u64>().unwrap_or(0);
                if let Some(c) = &clock {
                    c.advance(secs);
                }
                return Answer {
                    status: 204,
                    headers: vec![("Cache-Control".into(), "no-store".into())],
                    body: vec![],
                };
            }
            if seen.path != "/" {
                return not_found();
            }
            Answer {
                status: 200,
                headers: vec![("Content-Type".into(), "text/html; charset=utf-8".into())],
                body: html.lock().unwrap().clone().into_bytes(),
            }
        });
        let origin = format!("http://app.example.test:{}", page.port);
        let preflights: Arc<Mutex<HashMap<usize, usize>>> = Arc::default();
        let (c2, o2, port) = (cases.clone(), origin.clone(), page.port);
        let api = Server::start(move |seen| {
            let path = seen.path.split('?').next().unwrap_or("");
            let Some(c) = path
                .strip_prefix("/case/")
                .and_then(|n| n.parse::<usize>().ok())
                .and_then(|i| Some((i, c2.get(i)?)))
            else {
                return not_found();
            };
            let (i, c) = c;
            if seen.method == "OPTIONS" && seen.header("access-control-request-method").is_some() {
                let mut n = preflights.lock().unwrap();
                let count = n.entry(i).or_insert(0);
                *count += 1;
                if c.repeat && *count > 1 {
                    return Answer {
                        status: 500,
                        headers: vec![],
                        body: vec![],
                    };
                }
                return answer(c.preflight_status, &c.preflight, &o2, port, false);
            }
            answer(c.actual_status, &c.actual, &o2, port, true)
        });
        let api_base = format!("http://api.example.test:{}", api.port);
        *html_cell.lock().unwrap() = page_html(&api_base, &cases);
        Run {
            cases,
            origin,
            port,
            _page: page,
            _api: api,
        }
    }

    /// The page's URL.
    pub fn page_url(&self) -> String {
        format!("{}/", self.origin)
    }
}

/// The page: fetches every case in turn and writes `id|allowed|reads` or `id|blocked|` per
/// line into `<pre id="out">`, then `DONE`, and sets the title to `done`.
fn page_html(api_base: &str, cases: &[Case]) -> String {
    let js_cases: Vec<serde_json::Value> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            serde_json::json!({
                "id": i,
                "method": c.method,
                "headers": c.headers.iter().map(|(n, v)| vec![(*n).to_string(), v.clone()]).collect::<Vec<_>>(),
                "cred": c.credentials,
                "read": c.read,
                "repeat": c.repeat,
                "after": c.after,
            })
        })
        .collect();
    format!(
        r#"<!doctype html><html><body><pre id="out">RUNNING</pre><script>
const API = {api};
const cases = {cases};
async function one(c) {{
  // "no-store" also bypasses the preflight cache, so the cache cases use "default".
  const init = {{ method: c.method, headers: c.headers, cache: c.repeat ? "default" : "no-store",
                 credentials: c.cred ? "include" : "same-origin" }};
  try {{
    let r = await fetch(API + "/case/" + c.id, init);
    if (c.repeat) {{
      if (c.after) {{
        // The page server moves the browser's clock before it answers.
        try {{ await fetch("/jump?s=" + c.after, {{ cache: "no-store" }}); }} catch (e) {{}}
      }}
      r = await fetch(API + "/case/" + c.id, init);
    }}
    const reads = c.read.map(n => n + "=" + (r.headers.get(n) !== null ? 1 : 0)).join(",");
    return c.id + "|allowed|" + reads;
  }} catch (e) {{
    return c.id + "|blocked|";
  }}
}}
(async () => {{
  const lines = [];
  const out = document.getElementById("out");
  // Progress shows which case a stuck run is on.
  for (const c of cases) {{ lines.push(await one(c)); out.textContent = lines.join("\n"); }}
  out.textContent = lines.join("\n") + "\nDONE";
  // What a driver that cannot watch the text polls (tests/support/webkit_dump.py).
  document.title = "done";
}})();
</script></body></html>"#,
        api = serde_json::to_string(api_base).unwrap(),
        cases = serde_json::Value::Array(js_cases),
    )
}

/// The page's result lines, by case id (the first may share its line with the `<pre>` tag).
pub fn parse_results(text: &str) -> HashMap<usize, (bool, String)> {
    text.lines()
        .filter_map(|l| {
            let l = l.rsplit('>').next().unwrap_or(l);
            let mut p = l.trim().split('|');
            let id = p.next()?.parse().ok()?;
            let allowed = p.next()? == "allowed";
            Some((id, (allowed, p.next().unwrap_or("").to_string())))
        })
        .collect()
}

/// What the evaluator predicts for case `i` under `model`.
pub fn expected(model: &BrowserModel, run: &Run, i: usize) -> Verdict {
    let c = &run.cases[i];
    let (origin, port) = (&run.origin, run.port);
    let mut req = BrowserRequest::new(origin, c.method, &format!("/case/{i}"))
        .with_credentials(c.credentials);
    for (n, v) in &c.headers {
        req = req.with_header(n, v);
    }
    let pre = observed(c.preflight_status, &c.preflight, origin, port, false);
    let act = observed(c.actual_status, &c.actual, origin, port, true);
    let verdict = browser::judge(model, &req, Some(&pre), &act);
    if let Verdict::Allowed {
        preflight_cache_seconds: Some(cached),
        ..
    } = verdict
    {
        // The second fetch, `after` seconds later, reuses the cached preflight only while it
        // lasts (`browser::max_age` under the model, 0 for a grant the model does not cache);
        // otherwise it meets the failing preflight.
        if c.repeat && cached <= c.after {
            let failing = Response::observed(500, vec![]);
            return browser::judge(model, &req, Some(&failing), &act);
        }
    }
    verdict
}

/// Compares the browser's results with the evaluator's `model`; prints the counts and fails
/// on any disagreement. The counts under `others` show that the cases tell the models apart.
pub fn compare(
    model: &BrowserModel,
    others: &[&BrowserModel],
    browser: &str,
    run: &Run,
    results: &HashMap<usize, (bool, String)>,
) {
    for other in others {
        let differ = disagreements(other, browser, run, results).len();
        eprintln!(
            "{browser} differs from the evaluator's {} model in {differ} cases",
            other.name
        );
    }
    let failures = disagreements(model, browser, run, results);
    eprintln!(
        "{} ground truth: {} cases, {} agree with the evaluator's {} model",
        browser.to_lowercase(),
        run.cases.len(),
        run.cases.len() - failures.len(),
        model.name
    );
    assert!(
        failures.is_empty(),
        "disagreements:\n{}",
        failures.join("\n")
    );
}

/// The cases where the browser's results differ from what `model` predicts, described.
fn disagreements(
    model: &BrowserModel,
    browser: &str,
    run: &Run,
    results: &HashMap<usize, (bool, String)>,
) -> Vec<String> {
    let mut failures = Vec::new();
    for (i, c) in run.cases.iter().enumerate() {
        let verdict = expected(model, run, i);
        let expected_reads = match &verdict {
            Verdict::Allowed { exposure, .. } => c
                .read
                .iter()
                .map(|n| format!("{n}={}", u8::from(exposure.readable(n))))
                .collect::<Vec<_>>()
                .join(","),
            Verdict::Blocked(_) => String::new(),
        };
        let Some((allowed, reads)) = results.get(&i) else {
            failures.push(format!("#{i} {}: no result from {browser}", c.name));
            continue;
        };
        let why = verdict
            .blocked()
            .map(|b| format!(" ({}: {})", b.step.describe(), b.reason))
            .unwrap_or_default();
        if *allowed != verdict.is_allowed() || (*allowed && *reads != expected_reads) {
            failures.push(format!(
                "#{i} {}: {browser} {} [{reads}], evaluator ({}) {}{why} [{expected_reads}]",
                c.name,
                if *allowed { "allowed" } else { "blocked" },
                model.name,
                if verdict.is_allowed() {
                    "allowed"
                } else {
                    "blocked"
                },
            ));
        }
    }
    failures
}
