//! Ground truth for the evaluator's browser half: real `fetch()` calls in headless Chromium.
//!
//! A page served from `http://app.example.test:A` calls `http://api.example.test:B/case/N` for
//! every case below; the API server answers each case with the headers the case chooses.
//! `--host-resolver-rules` maps `*.example.test` to 127.0.0.1, and `--dump-dom` reads the
//! results back. For every case, Chromium's outcome (allowed or blocked, and which response
//! headers script could read) must equal what `corsc::eval::browser::judge` predicts.
//!
//! Without Chromium the test prints why it skips and passes; with `CORSC_REQUIRE_ENGINES=1` a
//! missing Chromium is a failure.

mod support;
use support::http_server;

use corsc::eval::browser::{self, CHROMIUM};
use corsc::eval::{BrowserRequest, Response, Verdict};
use http_server::{Answer, Server};
use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Headers = Vec<(&'static str, &'static str)>;

/// One fetch and the answers it gets. `{o}` in a header value is the page's origin.
struct Case {
    name: &'static str,
    method: &'static str,
    headers: Headers,
    credentials: bool,
    preflight_status: u16,
    preflight: Headers,
    actual: Headers,
    actual_status: u16,
    /// Response headers whose readability is compared.
    read: Vec<&'static str>,
    /// Fetch twice; the server fails every preflight after the first, so the second fetch is
    /// allowed only if the first preflight was cached.
    repeat: bool,
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
    }
}

impl Case {
    fn h(mut self, n: &'static str, v: &'static str) -> Self {
        self.headers.push((n, v));
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
}

const ACAO: &str = "Access-Control-Allow-Origin";
const ACAC: &str = "Access-Control-Allow-Credentials";
const ACAM: &str = "Access-Control-Allow-Methods";
const ACAH: &str = "Access-Control-Allow-Headers";
const ACEH: &str = "Access-Control-Expose-Headers";
const ACMA: &str = "Access-Control-Max-Age";

fn cases() -> Vec<Case> {
    let me = vec![(ACAO, "{o}")];
    let me_cred = vec![(ACAO, "{o}"), (ACAC, "true")];
    vec![
        // Simple requests, no credentials.
        case("simple, ACAO *", "GET").act(vec![(ACAO, "*")]),
        case("simple, ACAO exact", "GET").act(me.clone()),
        case("simple, no ACAO", "GET"),
        case("simple, ACAO other origin", "GET").act(vec![(ACAO, "http://other.example.test")]),
        case("simple, ACAO trailing slash", "GET").act(vec![(ACAO, "{o}/")]),
        case("simple, ACAO upper-case host", "GET").act(vec![(ACAO, "http://APP.example.test:{port}")]),
        case("simple, ACAO comma list", "GET").act(vec![(ACAO, "{o}, http://other.example.test")]),
        case("simple, ACAO space list", "GET").act(vec![(ACAO, "{o} http://other.example.test")]),
        case("simple, two ACAO lines same origin", "GET").act(vec![(ACAO, "{o}"), (ACAO, "{o}")]),
        case("simple, two ACAO lines *", "GET").act(vec![(ACAO, "*"), (ACAO, "*")]),
        case("simple, ACAO null", "GET").act(vec![(ACAO, "null")]),
        case("simple, garbage ACAC ignored without credentials", "GET").act(vec![(ACAO, "{o}"), (ACAC, "nope")]),
        case("simple, 500 still readable", "GET").act(me.clone()).status(500),
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
        // Credentials.
        case("cred, ACAO * + ACAC true", "GET").cred().act(vec![(ACAO, "*"), (ACAC, "true")]),
        case("cred, ACAO *", "GET").cred().act(vec![(ACAO, "*")]),
        case("cred, exact + ACAC true", "GET").cred().act(me_cred.clone()),
        case("cred, exact without ACAC", "GET").cred().act(me.clone()),
        case("cred, ACAC True", "GET").cred().act(vec![(ACAO, "{o}"), (ACAC, "True")]),
        case("cred, two ACAC lines", "GET").cred().act(vec![(ACAO, "{o}"), (ACAC, "true"), (ACAC, "true")]),
        case("no cred, ACAO * + ACAC true", "GET").act(vec![(ACAO, "*"), (ACAC, "true")]),
        // Preflighted methods.
        case("PUT, ACAM PUT", "PUT").pre(204, vec![(ACAO, "{o}"), (ACAM, "PUT")]).act(me.clone()),
        case("PUT, no ACAM", "PUT").pre(204, vec![(ACAO, "{o}")]).act(me.clone()),
        case("put normalized, ACAM put", "put").pre(204, vec![(ACAO, "{o}"), (ACAM, "put")]).act(me.clone()),
        case("patch lower-case, ACAM PATCH", "patch").pre(204, vec![(ACAO, "{o}"), (ACAM, "PATCH")]).act(me.clone()),
        case("PATCH, ACAM PATCH", "PATCH").pre(204, vec![(ACAO, "{o}"), (ACAM, "PATCH")]).act(me.clone()),
        case("DELETE, ACAM * without cred", "DELETE").pre(204, vec![(ACAO, "{o}"), (ACAM, "*")]).act(me.clone()),
        case("DELETE, ACAM * with cred", "DELETE")
            .cred()
            .pre(204, vec![(ACAO, "{o}"), (ACAC, "true"), (ACAM, "*")])
            .act(me_cred.clone()),
        case("DELETE, ACAM DELETE with cred", "DELETE")
            .cred()
            .pre(204, vec![(ACAO, "{o}"), (ACAC, "true"), (ACAM, "DELETE")])
            .act(me_cred.clone()),
        case("PUT, preflight 404", "PUT").pre(404, vec![(ACAO, "{o}"), (ACAM, "PUT")]).act(me.clone()),
        case("PUT, preflight 301", "PUT")
            .pre(301, vec![(ACAO, "{o}"), (ACAM, "PUT"), ("Location", "/elsewhere")])
            .act(me.clone()),
        case("PUT, preflight 200", "PUT").pre(200, vec![(ACAO, "{o}"), (ACAM, "PUT")]).act(me.clone()),
        case("PUT, preflight ok but actual lacks ACAO", "PUT").pre(204, vec![(ACAO, "{o}"), (ACAM, "PUT")]),
        case("PUT, preflight without ACAO", "PUT").pre(204, vec![(ACAM, "PUT")]).act(me.clone()),
        case("PUT, ACAM not tokens", "PUT").pre(204, vec![(ACAO, "{o}"), (ACAM, "PUT;DELETE")]).act(me.clone()),
        case("PUT, ACAM list with empty element", "PUT").pre(204, vec![(ACAO, "{o}"), (ACAM, "GET, ,PUT")]).act(me.clone()),
        // Request headers.
        case("X-Token, ACAH x-token", "GET").h("X-Token", "1").pre(204, vec![(ACAO, "{o}"), (ACAH, "x-token")]).act(me.clone()),
        case("X-Token, ACAH X-TOKEN", "GET").h("X-Token", "1").pre(204, vec![(ACAO, "{o}"), (ACAH, "X-TOKEN")]).act(me.clone()),
        case("X-Token, no ACAH", "GET").h("X-Token", "1").pre(204, vec![(ACAO, "{o}")]).act(me.clone()),
        case("X-Token, ACAH * without cred", "GET").h("X-Token", "1").pre(204, vec![(ACAO, "{o}"), (ACAH, "*")]).act(me.clone()),
        case("X-Token, ACAH * with cred", "GET")
            .h("X-Token", "1")
            .cred()
            .pre(204, vec![(ACAO, "{o}"), (ACAC, "true"), (ACAH, "*")])
            .act(me_cred.clone()),
        case("Authorization, ACAH * without cred", "GET")
            .h("Authorization", "Bearer t")
            .pre(204, vec![(ACAO, "{o}"), (ACAH, "*")])
            .act(me.clone()),
        case("Authorization, ACAH authorization", "GET")
            .h("Authorization", "Bearer t")
            .pre(204, vec![(ACAO, "{o}"), (ACAH, "authorization")])
            .act(me.clone()),
        case("Authorization, ACAH *, authorization", "GET")
            .h("Authorization", "Bearer t")
            .pre(204, vec![(ACAO, "{o}"), (ACAH, "*, authorization")])
            .act(me.clone()),
        case("Content-Type json, no ACAH", "POST")
            .h("Content-Type", "application/json")
            .pre(204, vec![(ACAO, "{o}")])
            .act(me.clone()),
        case("Content-Type json, ACAH content-type", "POST")
            .h("Content-Type", "application/json")
            .pre(204, vec![(ACAO, "{o}"), (ACAH, "content-type")])
            .act(me.clone()),
        case("Accept over 128 bytes needs a preflight", "GET")
            .h("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7,x/y")
            .pre(204, vec![(ACAO, "{o}")])
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
        // Exposed headers.
        case("ACEH lists X-Id", "GET").act(vec![(ACAO, "{o}"), (ACEH, "X-Id")]).read(&["x-id", "x-other", "content-type"]),
        case("no ACEH exposes only safelisted", "GET").act(me.clone()).read(&["x-id", "content-type"]),
        case("ACEH * without cred exposes all", "GET").act(vec![(ACAO, "*"), (ACEH, "*")]).read(&["x-id", "x-other"]),
        case("ACEH * with cred exposes none", "GET")
            .cred()
            .act(vec![(ACAO, "{o}"), (ACAC, "true"), (ACEH, "*")])
            .read(&["x-id", "x-other"]),
    ]
}

fn find_chromium() -> Option<String> {
    if let Ok(p) = std::env::var("CORSC_CHROMIUM") {
        return Some(p);
    }
    for name in ["chromium", "chromium-browser", "google-chrome"] {
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

#[test]
fn chromium_agrees_with_the_evaluator() {
    let Some(chromium) = find_chromium() else {
        if std::env::var("CORSC_REQUIRE_ENGINES").is_ok_and(|v| v == "1") {
            panic!("Chromium is not installed and CORSC_REQUIRE_ENGINES=1; install it with `apt-get install -y chromium`");
        }
        eprintln!("skipping: Chromium not found (install `chromium`, or set CORSC_CHROMIUM)");
        return;
    };
    let cases = Arc::new(cases());
    assert!(cases.len() >= 40);

    // The page's origin needs the page server's port, and the API needs the page origin, so
    // the page server starts first.
    let page_html = Arc::new(Mutex::new(String::new()));
    let html = page_html.clone();
    let page = Server::start(move |_| Answer {
        status: 200,
        headers: vec![("Content-Type".into(), "text/html; charset=utf-8".into())],
        body: html.lock().unwrap().clone().into_bytes(),
    });
    let origin = format!("http://app.example.test:{}", page.port);
    let preflights: Arc<Mutex<HashMap<usize, usize>>> = Arc::default();
    let (c2, o2, p2, port) = (cases.clone(), origin.clone(), preflights.clone(), page.port);
    let api = Server::start(move |seen| {
        let path = seen.path.split('?').next().unwrap_or("");
        let Some(i) = path
            .strip_prefix("/case/")
            .and_then(|n| n.parse::<usize>().ok())
        else {
            return Answer {
                status: 404,
                headers: vec![],
                body: vec![],
            };
        };
        let Some(c) = c2.get(i) else {
            return Answer {
                status: 404,
                headers: vec![],
                body: vec![],
            };
        };
        if seen.method == "OPTIONS" {
            let mut n = p2.lock().unwrap();
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

    let js_cases: Vec<serde_json::Value> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            serde_json::json!({
                "id": i,
                "method": c.method,
                "headers": c.headers.iter().map(|(n, v)| vec![*n, *v]).collect::<Vec<_>>(),
                "cred": c.credentials,
                "read": c.read,
                "repeat": c.repeat,
            })
        })
        .collect();
    *page_html.lock().unwrap() = format!(
        r#"<!doctype html><html><body><pre id="out">RUNNING</pre><script>
const API = {api};
const cases = {cases};
async function one(c) {{
  // "no-store" also bypasses Chromium's preflight cache, so the cache cases use "default".
  const init = {{ method: c.method, headers: c.headers, cache: c.repeat ? "default" : "no-store",
                 credentials: c.cred ? "include" : "same-origin" }};
  try {{
    let r = await fetch(API + "/case/" + c.id, init);
    if (c.repeat) r = await fetch(API + "/case/" + c.id, init);
    const reads = c.read.map(n => n + "=" + (r.headers.get(n) !== null ? 1 : 0)).join(",");
    return c.id + "|allowed|" + reads;
  }} catch (e) {{
    return c.id + "|blocked|";
  }}
}}
(async () => {{
  const lines = [];
  for (const c of cases) lines.push(await one(c));
  document.getElementById("out").textContent = lines.join("\n") + "\nDONE";
}})();
</script></body></html>"#,
        api = serde_json::to_string(&api_base).unwrap(),
        cases = serde_json::Value::Array(js_cases),
    );

    let profile = tempfile::tempdir().expect("temp dir");
    let mut cmd = Command::new(&chromium);
    // Chromium forks a zygote, a GPU and a network process, and crash handlers; in their own
    // group they are stopped with it and none outlives the test.
    support::procs::own_group(&mut cmd);
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
        .arg(format!("{origin}/"))
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

    let results: HashMap<usize, (bool, String)> = dom
        .lines()
        .filter_map(|l| {
            // The first result shares its line with the `<pre>` tag.
            let l = l.rsplit('>').next().unwrap_or(l);
            let mut p = l.trim().split('|');
            let id = p.next()?.parse().ok()?;
            let allowed = p.next()? == "allowed";
            Some((id, (allowed, p.next().unwrap_or("").to_string())))
        })
        .collect();

    let mut failures = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let mut req = BrowserRequest::new(&origin, c.method, &format!("/case/{i}"))
            .with_credentials(c.credentials);
        for (n, v) in &c.headers {
            req = req.with_header(n, v);
        }
        let pre = observed(c.preflight_status, &c.preflight, &origin, port, false);
        let act = observed(c.actual_status, &c.actual, &origin, port, true);
        let mut verdict = browser::judge(&CHROMIUM, &req, Some(&pre), &act);
        if c.repeat && verdict.is_allowed() && req.needs_preflight() {
            // The second fetch reuses the cached preflight only if max-age > 0.
            if browser::max_age(&CHROMIUM, &pre.headers) == 0 {
                let failing = Response::observed(500, vec![]);
                verdict = browser::judge(&CHROMIUM, &req, Some(&failing), &act);
            }
        }
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
            failures.push(format!("#{i} {}: no result from Chromium", c.name));
            continue;
        };
        let why = verdict
            .blocked()
            .map(|b| format!(" ({}: {})", b.step.describe(), b.reason))
            .unwrap_or_default();
        if *allowed != verdict.is_allowed() || (*allowed && *reads != expected_reads) {
            failures.push(format!(
                "#{i} {}: Chromium {} [{reads}], evaluator {}{why} [{expected_reads}]",
                c.name,
                if *allowed { "allowed" } else { "blocked" },
                if verdict.is_allowed() {
                    "allowed"
                } else {
                    "blocked"
                },
            ));
        }
    }
    eprintln!(
        "chromium ground truth: {} cases, {} agree",
        cases.len(),
        cases.len() - failures.len()
    );
    assert!(
        failures.is_empty(),
        "disagreements:\n{}",
        failures.join("\n")
    );
}
