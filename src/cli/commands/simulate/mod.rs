//! `corsc simulate`: one request through the evaluator, shown step by step.
//!
//! Exit status: 0 when the browser lets script read the response, 1 when it blocks the request,
//! 2 on usage or I/O errors (a policy with errors included: nothing can be simulated then).

use super::super::args::{SimulateArgs, SimulateFormat};
use super::super::{output, Outcome};
use super::policy_input::{load_policy, model, routing};
use crate::eval::browser::{self, BlockedReason, BrowserModel, Exchange, Step, Verdict};
use crate::eval::cookies::{CookieReport, SiteRelation};
use crate::eval::server::{OriginDecision, Response};
use crate::eval::{reason_phrase, respond_routed, BrowserRequest, Routed, Routing, WireRequest};
use crate::ir::{OriginKind, PathScope, Policy, PolicySet};
use crate::source::shown;
use crate::source::{Source, Span};
use serde::Serialize;

mod mermaid;

fn usage(message: String, help: &str, color: bool) -> Outcome {
    output::fatal_with_help(message, help, color);
    Outcome::Fatal
}

pub(crate) fn run(args: &SimulateArgs, color: bool) -> Outcome {
    if args.origin != "null" && crate::ir::Origin::parse_serialized(&args.origin).is_none() {
        let help = match crate::ir::origin_classify(&args.origin) {
            OriginKind::Exact(o) => format!("a browser would send `{o}`"),
            OriginKind::Invalid(d) => match *d {
                crate::ir::OriginDefect::NotCanonical { suggestion }
                | crate::ir::OriginDefect::HasPath { suggestion }
                | crate::ir::OriginDefect::DefaultPort { suggestion }
                | crate::ir::OriginDefect::MissingScheme { suggestion } => {
                    format!("a browser would send `{suggestion}`")
                }
                _ => {
                    "write it as a browser sends it: `scheme://host[:port]`, or `null`".to_string()
                }
            },
            _ => "write it as a browser sends it: `scheme://host[:port]`, or `null`".to_string(),
        };
        return usage(
            format!("`{}` is not an origin a browser sends", args.origin),
            &help,
            color,
        );
    }
    if !browser::is_token(&args.method) {
        return usage(
            format!("`{}` is not an HTTP method", args.method),
            "a method is a token such as GET, PUT or PATCH",
            color,
        );
    }
    let mut headers = Vec::new();
    for h in &args.headers {
        let (name, value) = match h.split_once(':') {
            Some((n, v)) => (n.trim(), v.trim()),
            None => (h.trim(), "corsc"),
        };
        if !browser::is_token(name) {
            return usage(
                format!("`{h}` does not start with a header name"),
                "write `--header NAME` or `--header NAME:VALUE`",
                color,
            );
        }
        headers.push((name.to_string(), value.to_string()));
    }
    let server =
        match args.server_origin.as_deref() {
            None => None,
            Some(o) => match crate::ir::Origin::parse_serialized(o) {
                Some(o) => Some(o),
                None => return usage(
                    format!("`{o}` is not an origin"),
                    "give the server's origin as a browser writes it: `https://api.example.com`",
                    color,
                ),
            },
        };
    let Some((source, set)) = load_policy(&args.policy, &args.eval, &args.stdin_filename, color)
    else {
        return Outcome::Fatal;
    };
    let path = args.path.clone().unwrap_or_else(|| default_path(&set));
    if !path.starts_with('/') {
        return usage(
            format!("`{path}` is not a request path"),
            "a path starts with `/`, as in `/api/orders`",
            color,
        );
    }
    let mut req =
        BrowserRequest::new(&args.origin, &args.method, &path).with_credentials(args.credentials);
    let mut dropped = Vec::new();
    for (n, v) in &headers {
        if crate::eval::request::is_forbidden_request_header(n) {
            dropped.push(n.clone());
        }
        req = req.with_header(n, v);
    }
    let model = model(args.eval.browser);
    let Some(routing) = routing(args.target.as_ref(), color) else {
        return Outcome::Fatal;
    };
    let exchange = crate::eval::probe::expected_routed(&set, model, routing, &req);
    let mut sim = Simulation::new(&source, &set, &req, model, routing, &exchange, dropped);
    if req.credentials {
        sim.cookies = Some(crate::eval::cookies::report(&req.origin, server.as_ref()));
    }
    match args.format {
        SimulateFormat::Human => output::out(&sim.human()),
        SimulateFormat::Mermaid => output::out(&mermaid::diagram(&sim.picture())),
        SimulateFormat::Json => match serde_json::to_string_pretty(&sim) {
            Ok(j) => output::out(&(j + "\n")),
            Err(e) => {
                return usage(
                    format!("could not write JSON: {e}"),
                    "please report this",
                    color,
                )
            }
        },
    }
    if exchange.verdict.is_allowed() {
        Outcome::Clean
    } else {
        Outcome::Failed
    }
}

/// A path inside the first policy's first scope, or `/`.
fn default_path(set: &PolicySet) -> String {
    set.policies
        .first()
        .and_then(|p| p.paths.first())
        .map_or_else(
            || "/".to_string(),
            |s| match &s.node {
                PathScope::Exact(e) => e.clone(),
                PathScope::Prefix(p) => format!("{p}example"),
            },
        )
}

/// A place in the policy file.
#[derive(Serialize)]
struct Location {
    /// `file:line:col`.
    at: String,
    /// The source text there (its first line).
    text: String,
}

fn locate(source: &Source, span: Span) -> Location {
    let (l, c) = source.line_col(span.start);
    Location {
        at: format!("{}:{l}:{c}", shown(&source.name)),
        text: source.slice(span).lines().next().unwrap_or("").to_string(),
    }
}

/// What `simulate` reports; also its JSON form (schema `corsc-simulate/1`).
#[derive(Serialize)]
struct Simulation<'a> {
    schema: &'static str,
    browser: &'static str,
    /// Whose path form picked the policy (`spec`: the path as sent).
    routing: Routing,
    /// The request path in that form, or `refused` when that server rejects it first.
    routed_path: Routed,
    request: &'a BrowserRequest,
    /// Headers script set that the browser drops (forbidden request headers).
    dropped_headers: Vec<String>,
    policy: Option<PolicyRef>,
    preflight_reasons: Vec<String>,
    preflight: Option<&'a (WireRequest, Response)>,
    actual: Option<&'a (WireRequest, Response)>,
    verdict: &'a Verdict,
    /// Why, in words.
    explanation: String,
    /// The policy text responsible for the outcome.
    responsible: Option<Location>,
    /// With credentials: whether each engine sends the user's cookies (CORS does not decide it).
    #[serde(skip_serializing_if = "Option::is_none")]
    cookies: Option<CookieReport>,
    #[serde(skip)]
    model: &'a BrowserModel,
}

#[derive(Serialize)]
struct PolicyRef {
    name: String,
    at: String,
    scope: Vec<String>,
}

impl<'a> Simulation<'a> {
    fn new(
        source: &Source,
        set: &'a PolicySet,
        req: &'a BrowserRequest,
        model: &'a BrowserModel,
        routing: Routing,
        x: &'a Exchange,
        dropped_headers: Vec<String>,
    ) -> Self {
        // The policy's own answer to the actual request says which policy and entry decided,
        // even when the browser stopped at the preflight.
        let trace = respond_routed(set, routing, &req.actual()).trace;
        let policy = trace.policy.map(|i| &set.policies[i]);
        let (explanation, span) = explain(set, policy, &trace.origin, req, &x.verdict);
        Simulation {
            schema: "corsc-simulate/1",
            browser: model.name,
            routing,
            routed_path: routing.route(&req.path),
            request: req,
            dropped_headers,
            policy: policy.map(|p| PolicyRef {
                name: p.name.node.clone(),
                at: locate(source, p.name.span).at,
                scope: p.paths.iter().map(|s| s.node.to_string()).collect(),
            }),
            preflight_reasons: req.preflight_reasons(),
            preflight: x.preflight.as_ref(),
            actual: x.actual.as_ref(),
            verdict: &x.verdict,
            explanation,
            responsible: span.map(|s| locate(source, s)),
            cookies: None,
            model,
        }
    }

    /// The parts the mermaid diagram draws.
    fn picture(&self) -> mermaid::Picture<'_> {
        mermaid::Picture {
            browser: self.browser,
            request: self.request,
            dropped_headers: &self.dropped_headers,
            routing: self.routing,
            routed_path: &self.routed_path,
            policy: self.policy.as_ref().map(|p| p.name.as_str()),
            preflight_reasons: &self.preflight_reasons,
            preflight: self.preflight,
            actual: self.actual,
            verdict: self.verdict,
            model: self.model,
            explanation: &self.explanation,
            responsible: self
                .responsible
                .as_ref()
                .map(|l| (l.at.as_str(), l.text.as_str())),
        }
    }

    fn human(&self) -> String {
        let r = self.request;
        let mut s = format!(
            "request   {} {} from {}{}\n",
            r.method(),
            r.path,
            r.origin,
            if r.credentials {
                ", with credentials"
            } else {
                ", without credentials"
            }
        );
        for (n, v) in &r.headers {
            s.push_str(&format!("          {n}: {v}\n"));
        }
        if self.routing != Routing::Spec {
            match &self.routed_path {
                Routed::Path(p) if *p == r.path => {}
                Routed::Path(p) => {
                    s.push_str(&format!("          (routed as `{p}` by this target's server)\n"));
                }
                Routed::Refused => s.push_str(
                    "          (refused by this target's server before any route: no policy answers)\n",
                ),
            }
        }
        for d in &self.dropped_headers {
            s.push_str(&format!(
                "          ({d} dropped: scripts cannot set forbidden request headers)\n"
            ));
        }
        match &self.policy {
            Some(p) => {
                let scope = if p.scope.is_empty() {
                    "every path".to_string()
                } else {
                    p.scope.join(", ")
                };
                s.push_str(&format!("policy    {} ({}), scope {scope}\n", p.name, p.at));
            }
            None => s.push_str("policy    none covers this path\n"),
        }
        s.push('\n');
        if let Some((w, res)) = self.preflight {
            s.push_str("preflight sent, because ");
            s.push_str(&self.preflight_reasons.join("; "));
            s.push('\n');
            wire(&mut s, w, res);
            match (&self.verdict, self.actual) {
                (verdict, Some(_)) => {
                    // The verdict's figure: a model may not reuse what only `*` granted.
                    let secs = match verdict {
                        Verdict::Allowed {
                            preflight_cache_seconds: Some(secs),
                            ..
                        } => *secs,
                        _ => browser::max_age(self.model, &res.headers),
                    };
                    s.push_str(&format!(
                        "          passes; {} caches it for {secs} s\n",
                        self.model.name
                    ));
                }
                _ => s.push_str("          fails; the actual request is never sent\n"),
            }
            s.push('\n');
        } else if self.verdict.blocked().map(|b| b.step) != Some(Step::Request) {
            s.push_str(
                "preflight not needed: a CORS-safelisted method and only safelisted headers\n\n",
            );
        }
        if let Some((w, res)) = self.actual {
            s.push_str("actual    request sent\n");
            wire(&mut s, w, res);
            s.push('\n');
        }
        match self.verdict {
            Verdict::Allowed { exposure, .. } => {
                let mut readable: Vec<String> = browser::SAFELISTED_RESPONSE_HEADERS
                    .iter()
                    .map(|h| (*h).to_string())
                    .collect();
                readable.extend(exposure.names.iter().filter(|n| *n != "*").cloned());
                let what = if exposure.all {
                    "every response header (except Set-Cookie)".to_string()
                } else {
                    format!("the headers {}", readable.join(", "))
                };
                s.push_str(&format!(
                    "verdict   ALLOWED: script can read the status, the body and {what}\n"
                ));
            }
            Verdict::Blocked(b) => {
                s.push_str(&format!(
                    "verdict   BLOCKED at {} ({})\n          {}\n",
                    b.step.describe(),
                    b.step.citation(),
                    b.reason
                ));
            }
        }
        s.push_str(&format!("because   {}\n", self.explanation));
        if let Some(l) = &self.responsible {
            s.push_str(&format!("          {}  {}\n", l.at, l.text.trim()));
        }
        if let Some(c) = &self.cookies {
            cookies(&mut s, c);
        }
        s
    }
}

/// The cookie section: the sites, then each engine's outcome.
fn cookies(s: &mut String, c: &CookieReport) {
    let page = c.page_site.as_deref().unwrap_or("none (an opaque origin)");
    let line = match (c.relation, c.server_site.as_deref()) {
        (SiteRelation::SameSite, Some(server)) => {
            format!("the page and the server are both on the site {server}: same-site")
        }
        (SiteRelation::CrossSite, Some(server)) => {
            format!("the page's site is {page}, the server's {server}: cross-site")
        }
        _ => {
            format!("the page's site is {page}; give --server-origin to compare with the server's")
        }
    };
    s.push_str(&format!("\ncookies   {line}\n"));
    for e in &c.engines {
        s.push_str(&format!("          {}: {}\n", e.browser, e.outcome));
    }
}

fn wire(s: &mut String, w: &WireRequest, res: &Response) {
    s.push_str(&format!("          > {} {}\n", w.method, w.path));
    for (n, v) in &w.headers {
        s.push_str(&format!("          > {n}: {v}\n"));
    }
    s.push_str(&format!(
        "          < {} {}\n",
        res.status,
        reason_phrase(res.status)
    ));
    for (n, v) in &res.headers {
        s.push_str(&format!("          < {n}: {v}\n"));
    }
}

/// The reason in policy terms, and the span of the directive responsible.
fn explain(
    set: &PolicySet,
    policy: Option<&Policy>,
    origin: &OriginDecision,
    req: &BrowserRequest,
    verdict: &Verdict,
) -> (String, Option<Span>) {
    let Some(p) = policy else {
        let scopes: Vec<String> = set
            .policies
            .iter()
            .flat_map(|p| p.paths.iter().map(|s| s.node.to_string()))
            .collect();
        return (
            format!(
                "no policy's paths cover `{}` (scopes: {}), so the server sends no CORS headers",
                req.path,
                scopes.join(", ")
            ),
            set.policies
                .first()
                .and_then(|p| p.paths.first())
                .map(|s| s.span),
        );
    };
    let or_name = |span: Option<Span>| span.or(Some(p.name.span));
    let entry_text = |i: usize| {
        let e = &p.origins.value[i];
        let via: Vec<String> = e.via.iter().map(|v| format!("set `{}`", v.node)).collect();
        let via = if via.is_empty() {
            String::new()
        } else {
            format!(" (through {})", via.join(", "))
        };
        (format!("entry `{}`{via}", e.raw()), e.span)
    };
    match verdict {
        Verdict::Allowed { .. } => match origin {
            OriginDecision::Allowed { entry } => {
                let (t, span) = entry_text(*entry);
                (
                    format!("policy `{}` allows `{}` by its {t}", p.name.node, req.origin),
                    Some(span),
                )
            }
            _ => ("the policy allows it".to_string(), Some(p.name.span)),
        },
        Verdict::Blocked(b) => match (&b.step, &b.reason) {
            (Step::Request, _) => (
                "fetch() throws before any request is sent".to_string(),
                None,
            ),
            (_, BlockedReason::WildcardWithCredentials) => (
                format!(
                    "policy `{}` allows any origin with `*`, which browsers never accept with credentials; list the origins instead",
                    p.name.node
                ),
                or_name(p.origins.span),
            ),
            (_, BlockedReason::CredentialsNotTrue { .. }) => (
                format!(
                    "policy `{}` does not allow credentials{}",
                    p.name.node,
                    if p.credentials.is_explicit() { "" } else { " (the default is false)" }
                ),
                or_name(p.credentials.span),
            ),
            (Step::PreflightCorsCheck | Step::CorsCheck, _) => match origin {
                OriginDecision::Refused => (
                    format!(
                        "no origin entry of policy `{}` allows `{}`",
                        p.name.node, req.origin
                    ),
                    or_name(p.origins.span),
                ),
                _ => (format!("policy `{}` answers without a matching Access-Control-Allow-Origin", p.name.node), Some(p.name.span)),
            },
            (Step::PreflightMethod, _) => (
                format!(
                    "policy `{}` does not allow the method `{}` (methods are case-sensitive)",
                    p.name.node,
                    req.method()
                ),
                or_name(p.methods.span),
            ),
            (Step::PreflightHeaders | Step::PreflightAuthorization, _) => (
                format!(
                    "policy `{}` does not allow every requested header",
                    p.name.node
                ),
                or_name(p.request_headers.span),
            ),
            (Step::PreflightStatus | Step::PreflightAllowList, _) => {
                (format!("policy `{}`", p.name.node), Some(p.name.span))
            }
        },
    }
}
