//! Sending probes to a running server and judging its answers: the engine of `corsc verify`.
//!
//! The probes are planned by [`super::probe::plan`] within the budget; the [`Report`] keeps
//! the plan's account of what the budget left out, so no caller can mistake a partial run for
//! a whole one.
//!
//! One blocking HTTP client per target with a kept-alive connection, short timeouts, no
//! redirects followed (a redirected preflight fails in browsers, so it must be seen as such),
//! and raw access to every header line, so two `Access-Control-Allow-Origin` lines stay two:
//! [`super::http1`] for `http://` (a quarter of the system calls per request), [`ureq`] for
//! `https://`, URLs with credentials, and servers reached through a proxy.

use super::browser::{BrowserModel, Exchange};
use super::http1;
use super::probe::{
    compare_probe, describe_outcome, expected_probe, plan, run_probe, Budget, Comparison, Probe,
    ProbeOptions,
};
use super::request::WireRequest;
use super::server::Response;
use crate::ir::PolicySet;
use serde::Serialize;
use std::time::{Duration, Instant};

/// Why probing could not start or go on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LiveError {
    /// The URL is not an absolute `http://` or `https://` URL.
    BadUrl(String),
    /// The server could not be reached at all.
    Unreachable(String),
}

impl std::fmt::Display for LiveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LiveError::BadUrl(m) | LiveError::Unreachable(m) => f.write_str(m),
        }
    }
}

/// A server under test.
pub struct Target {
    base: url::Url,
    client: Client,
    /// How many HTTP requests were sent.
    pub requests: usize,
}

/// Which client sends a target's requests.
enum Client {
    /// Plain HTTP straight to the server.
    Plain(http1::Client),
    /// TLS, credentials in the URL, or a proxy from the environment: ureq.
    Agent(ureq::Agent),
}

impl Target {
    /// Prepares a client for `url` (scheme, host and port are used; a path is a prefix for
    /// every probe path).
    ///
    /// # Errors
    /// A URL that is not absolute http(s).
    pub fn new(url: &str, timeout: Duration) -> Result<Self, LiveError> {
        let base = url::Url::parse(url)
            .map_err(|e| LiveError::BadUrl(format!("`{url}` is not a URL: {e}")))?;
        if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
            return Err(LiveError::BadUrl(format!(
                "`{url}` is not an http:// or https:// URL with a host"
            )));
        }
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .allow_non_standard_methods(true)
            .timeout_connect(Some(timeout))
            .timeout_global(Some(timeout))
            .user_agent("corsc-verify")
            .build();
        // ureq reads the proxy settings from the environment; a proxied server stays with it.
        let proxied = config.proxy().is_some_and(|p| {
            base.as_str()
                .parse::<ureq::http::Uri>()
                .map_or(true, |uri| !p.is_no_proxy(&uri))
        });
        let plain_host = match base.host() {
            _ if base.scheme() != "http" || proxied => None,
            _ if !base.username().is_empty() || base.password().is_some() => None,
            Some(url::Host::Domain(d)) => Some(http1::Host::Name(d.to_string())),
            Some(url::Host::Ipv4(ip)) => Some(http1::Host::Ip(ip.into())),
            Some(url::Host::Ipv6(ip)) => Some(http1::Host::Ip(ip.into())),
            None => None,
        };
        let client = match (plain_host, base.port_or_known_default()) {
            (Some(host), Some(port)) => Client::Plain(http1::Client::new(host, port, timeout)),
            _ => Client::Agent(ureq::Agent::with_parts(
                config,
                ureq::unversioned::transport::DefaultConnector::default(),
                ResolveOnce::default(),
            )),
        };
        Ok(Self {
            base,
            client,
            requests: 0,
        })
    }

    /// The URL a probe path is sent to.
    #[must_use]
    pub fn url_for(&self, path: &str) -> String {
        let prefix = self.base.path().trim_end_matches('/');
        let mut u = self.base.clone();
        u.set_query(None);
        u.set_fragment(None);
        let mut s = u.to_string();
        let cut = s.len() - u.path().len();
        s.truncate(cut);
        format!("{s}{prefix}{path}")
    }

    /// Sends one request and returns the response with every header line.
    ///
    /// # Errors
    /// A message naming the URL and what went wrong (connection refused, timeout, …).
    pub fn send(&mut self, w: &WireRequest) -> Result<Response, String> {
        let url = self.url_for(&w.path);
        let mut b = ureq::http::Request::builder()
            .method(w.method.as_str())
            .uri(&url);
        for (n, v) in &w.headers {
            b = b.header(n.as_str(), v.as_str());
        }
        // An empty byte body has a known length, so no request goes out chunked.
        let req = b
            .body(Vec::<u8>::new())
            .map_err(|e| format!("{} {url}: cannot build the request: {e}", w.method))?;
        self.requests += 1;
        let agent = match &mut self.client {
            Client::Plain(c) => {
                let head = plain_head(&req);
                let answer = c
                    .send(
                        &head,
                        req.method() == ureq::http::Method::HEAD,
                        req.method().is_idempotent(),
                    )
                    .map_err(|e| format!("{} {url}: {e}", w.method))?;
                return Ok(Response::observed(answer.status, answer.headers));
            }
            Client::Agent(agent) => agent,
        };
        let mut res = agent
            .run(req)
            .map_err(|e| format!("{} {url}: {}", w.method, describe(&e)))?;
        let status = res.status().as_u16();
        let headers = res
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).trim().to_string(),
                )
            })
            .collect();
        // Drain the body so the connection goes back to the pool.
        let _ = res.body_mut().with_config().limit(1 << 20).read_to_vec();
        Ok(Response::observed(status, headers))
    }
}

/// The request head for [`http1`]: the lines ureq sends for the same request (its default
/// `accept-encoding`, `content-length: 0`, `user-agent`, `accept` and `host`, then the request's
/// own), so a server answers alike whichever client asked. The body is never decoded: only the
/// head is judged.
fn plain_head(req: &ureq::http::Request<Vec<u8>>) -> Vec<u8> {
    use ureq::http::header;
    let uri = req.uri();
    let mut out = Vec::with_capacity(512);
    out.extend_from_slice(req.method().as_str().as_bytes());
    out.push(b' ');
    out.extend_from_slice(uri.path_and_query().map_or("/", |p| p.as_str()).as_bytes());
    out.extend_from_slice(b" HTTP/1.1\r\n");
    let mut line = |name: &str, value: &[u8]| {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    };
    let has = |name: &header::HeaderName| req.headers().contains_key(name);
    if !has(&header::ACCEPT_ENCODING) {
        line("accept-encoding", b"gzip");
    }
    if !has(&header::CONTENT_LENGTH) && !has(&header::TRANSFER_ENCODING) {
        line("content-length", b"0");
    }
    if !has(&header::USER_AGENT) {
        line("user-agent", b"corsc-verify");
    }
    if !has(&header::ACCEPT) {
        line("accept", b"*/*");
    }
    if !has(&header::HOST) {
        if let Some(host) = uri.host() {
            match uri.port_u16() {
                Some(port) if port != 80 => line("host", format!("{host}:{port}").as_bytes()),
                _ => line("host", host.as_bytes()),
            }
        }
    }
    for (name, value) in req.headers() {
        line(name.as_str(), value.as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out
}

/// A resolver that looks each host up once per client and remembers the answer.
///
/// Why: ureq resolves the host before it looks in its connection pool, so on every request,
/// and its default resolver, given a timeout, runs each lookup on a thread of its own: one
/// thread started per probe, a third of verify's time against a local server. A probe run
/// talks to one server, whose address does not change during it. (`ureq::unversioned` is
/// ureq's interface for resolvers; `Cargo.lock` pins the version it is written against.)
#[derive(Debug, Default)]
struct ResolveOnce {
    known: std::sync::Mutex<
        std::collections::HashMap<String, ureq::unversioned::resolver::ResolvedSocketAddrs>,
    >,
}

impl ureq::unversioned::resolver::Resolver for ResolveOnce {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let key = format!("{:?}://{:?}", uri.scheme(), uri.authority());
        let mut known = self
            .known
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(addrs) = known.get(&key) {
            return Ok(addrs.clone());
        }
        let addrs = ureq::unversioned::resolver::DefaultResolver::default()
            .resolve(uri, config, timeout)?;
        known.insert(key, addrs.clone());
        Ok(addrs)
    }
}

fn describe(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            "connection refused (is the server running on that port?)".to_string()
        }
        ureq::Error::ConnectionFailed => {
            "connection failed (is the server running on that port?)".to_string()
        }
        ureq::Error::HostNotFound => "host not found".to_string(),
        ureq::Error::Timeout(t) => format!("timed out ({t})"),
        other => other.to_string(),
    }
}

/// How one probe came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Equivalent to the policy, and nothing found.
    Match,
    /// Equivalent to the policy's verdict, but with a finding (`Vary`, answers without
    /// `Origin`).
    Finding,
    /// A different browser verdict, more permission, or no answer.
    Mismatch,
}

/// One probe's result.
#[derive(Clone, Debug, Serialize)]
pub struct ProbeResult {
    /// The probe.
    pub probe: Probe,
    /// What the policy prescribes.
    pub expected: Exchange,
    /// What the server did, or the transport error.
    pub observed: Result<Exchange, String>,
    /// The differences.
    pub comparison: Comparison,
}

impl ProbeResult {
    /// Whether the server was equivalent for this probe (findings aside).
    #[must_use]
    pub fn ok(&self) -> bool {
        self.observed.is_ok() && self.comparison.ok()
    }

    /// Match, finding or mismatch.
    #[must_use]
    pub fn outcome(&self) -> Outcome {
        if !self.ok() {
            Outcome::Mismatch
        } else if self.comparison.findings.is_empty() {
            Outcome::Match
        } else {
            Outcome::Finding
        }
    }

    /// What the policy prescribes, in a few words.
    #[must_use]
    pub fn expected_words(&self) -> String {
        describe_outcome(&self.probe, &self.expected)
    }

    /// What the server did, in a few words.
    #[must_use]
    pub fn observed_words(&self) -> String {
        match &self.observed {
            Ok(x) => describe_outcome(&self.probe, x),
            Err(_) => "no answer".to_string(),
        }
    }
}

/// A whole verification.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Every probe's result, in probe order.
    pub results: Vec<ProbeResult>,
    /// What the policy called for, and what the budget let run.
    pub budget: Budget,
    /// HTTP requests sent.
    pub requests: usize,
    /// Wall time.
    pub elapsed: Duration,
}

impl Report {
    /// How many probes differ.
    #[must_use]
    pub fn mismatches(&self) -> usize {
        self.results.iter().filter(|r| !r.ok()).count()
    }

    /// How many findings, over every probe.
    #[must_use]
    pub fn findings(&self) -> usize {
        self.results
            .iter()
            .map(|r| r.comparison.findings.len())
            .sum()
    }

    /// Whether every planned probe ran.
    #[must_use]
    pub fn complete(&self) -> bool {
        self.budget.complete()
    }
}

/// How `verify` sends its probes.
#[derive(Clone, Copy, Debug)]
pub struct VerifyOptions {
    /// The longest any one request may take.
    pub timeout: Duration,
    /// How many probes are in flight at once, each worker on its own connection. The report
    /// keeps plan order whatever the value, so it reads the same for any `jobs`.
    pub jobs: usize,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(5),
            jobs: 1,
        }
    }
}

/// Plans the probes of `set` within `opts.max_probes`, sends them to `url` one at a time and
/// compares each answer with the policy's.
///
/// # Errors
/// A bad URL, or a server that does not answer the first probe at all.
pub fn verify(
    set: &PolicySet,
    url: &str,
    model: &BrowserModel,
    opts: ProbeOptions,
    timeout: Duration,
) -> Result<Report, LiveError> {
    let send = VerifyOptions { timeout, jobs: 1 };
    verify_with(set, url, model, opts, send)
}

/// [`verify`], with `send.jobs` probes in flight at once.
///
/// # Errors
/// A bad URL, or a server that does not answer the first probe at all.
pub fn verify_with(
    set: &PolicySet,
    url: &str,
    model: &BrowserModel,
    opts: ProbeOptions,
    send: VerifyOptions,
) -> Result<Report, LiveError> {
    let mut target = Target::new(url, send.timeout)?;
    let start = Instant::now();
    let plan = plan(set, opts);
    let mut probes = plan.probes.into_iter();
    let Some(first) = probes.next() else {
        return Ok(Report {
            results: Vec::new(),
            budget: plan.budget,
            requests: 0,
            elapsed: start.elapsed(),
        });
    };
    // The first probe alone: a server that does not answer it is not there at all.
    let first = probe_one(set, model, opts, first, &mut target);
    if let Err(e) = &first.observed {
        return Err(LiveError::Unreachable(format!(
            "could not reach the server: {e}"
        )));
    }
    let rest: Vec<Probe> = probes.collect();
    let mut results = vec![first];
    let mut requests = target.requests;
    if send.jobs <= 1 || rest.len() < 2 {
        for probe in rest {
            results.push(probe_one(set, model, opts, probe, &mut target));
        }
        requests = target.requests;
    } else {
        let (done, sent) = in_parallel(set, model, opts, rest, url, send)?;
        results.extend(done);
        requests += sent;
    }
    Ok(Report {
        results,
        budget: plan.budget,
        requests,
        elapsed: start.elapsed(),
    })
}

/// Sends one probe and compares the answer with the policy's.
fn probe_one(
    set: &PolicySet,
    model: &BrowserModel,
    opts: ProbeOptions,
    probe: Probe,
    target: &mut Target,
) -> ProbeResult {
    let exp = expected_probe(set, model, opts.routing, &probe);
    let observed = run_probe(model, &probe, |w| target.send(w));
    let comparison = match &observed {
        Ok(obs) => compare_probe(&probe, &exp, obs),
        Err(e) => Comparison {
            mismatches: vec![format!("no answer: {e}")],
            ..Comparison::default()
        },
    };
    ProbeResult {
        probe,
        expected: exp,
        observed,
        comparison,
    }
}

/// Runs `probes` on `send.jobs` workers, each with its own client and connection, taking the
/// next probe as it finishes one; returns the results in the order given and the requests sent.
fn in_parallel(
    set: &PolicySet,
    model: &BrowserModel,
    opts: ProbeOptions,
    probes: Vec<Probe>,
    url: &str,
    send: VerifyOptions,
) -> Result<(Vec<ProbeResult>, usize), LiveError> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    let n = probes.len();
    let queue: Vec<Mutex<Option<Probe>>> =
        probes.into_iter().map(|p| Mutex::new(Some(p))).collect();
    let slots: Vec<Mutex<Option<ProbeResult>>> = (0..n).map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let sent = AtomicUsize::new(0);
    let workers = send.jobs.min(n);
    std::thread::scope(|s| -> Result<(), LiveError> {
        let mut handles = Vec::new();
        for _ in 0..workers {
            let mut target = Target::new(url, send.timeout)?;
            let (queue, slots, next, sent) = (&queue, &slots, &next, &sent);
            handles.push(s.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        break;
                    }
                    let probe = queue[i]
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .take();
                    if let Some(probe) = probe {
                        let r = probe_one(set, model, opts, probe, &mut target);
                        *slots[i]
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(r);
                    }
                }
                sent.fetch_add(target.requests, Ordering::Relaxed);
            }));
        }
        for h in handles {
            if let Err(p) = h.join() {
                std::panic::resume_unwind(p);
            }
        }
        Ok(())
    })?;
    let results = slots
        .into_iter()
        .map(|m| {
            m.into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .expect("every probe ran")
        })
        .collect();
    Ok((results, sent.into_inner()))
}
