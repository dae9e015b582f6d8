//! What the test binaries share. Each binary declares `mod support;` and uses the parts it
//! needs; the rest is dead code for that binary, hence the `allow`.
//!
//! - [`bench`]: a tool's path and a foreground nginx, for the benchmarks.
//! - [`browser_cases`]: the cases, servers and page of the browser ground-truth tests.
//! - [`builds`]: the build steps of the Go and Spring conformance apps.
//! - [`cli`]: the one way to run the `corsc` binary, with an environment that cannot leak in.
//! - [`conformance`]: which harness runs each registered target.
//! - [`fixtures`]: the `#~^ CODE` annotation format of the fixture files.
//! - [`edge`]: ports, start-up wait and skip rule of the edge-server harnesses (Caddy, HAProxy).
//! - [`engines`], [`frameworks`]: real servers (nginx, Apache, framework apps) run on 127.0.0.1.
//! - [`http`], [`http_server`]: a minimal HTTP client and a static server for browser tests.
//! - [`loopback_proxy`]: a forward proxy that sends `*.example.test` to 127.0.0.1 (WebKit).
//! - [`procs`]: each server in its own process group, stopped gracefully and reaped whole.
//! - [`random_policy`]: random but valid policies for property tests.
//! - [`imports`]: the module graph of `src/`, for the layout tests.
//! - [`import_fixtures`]: what every `import_*` test starts from: fixtures, one text imported,
//!   the snapshot loop over the fixtures.
//! - [`round_trip`]: `import(compile(P))` compared with `P` over the examples and random
//!   policies.
//! - [`shaped_policy`]: files of every grammar shape, with comments and odd line ends.
//! - [`marionette`]: a minimal client for Firefox's built-in remote protocol.
//! - [`transcribed`]: reading generated YAML and running probes through a transcription of an
//!   engine, for targets no engine runs here (Traefik, Envoy, Istio).
#![allow(dead_code)]

pub mod bench;
pub mod browser_cases;
pub mod builds;
pub mod cli;
pub mod conformance;
pub mod edge;
pub mod engines;
pub mod fixtures;
pub mod frameworks;
pub mod http;
pub mod http_server;
pub mod import_fixtures;
pub mod imports;
pub mod loopback_proxy;
pub mod marionette;
pub mod procs;
pub mod random_policy;
pub mod round_trip;
pub mod shaped_policy;
pub mod transcribed;
