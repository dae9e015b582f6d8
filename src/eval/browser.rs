//! The browser half: given the request and the server's answers, what the browser decides.
//!
//! Follows the Fetch standard step by step. Where a browser deliberately differs from the
//! standard, [`BrowserModel`] says so and the difference is modelled, because the point of the
//! evaluator is to predict what users will see.

use super::request::{is_safelisted_method, BrowserRequest, WireRequest};
use super::server::Response;
use super::HeaderList;
use serde::Serialize;
use std::fmt;

pub use crate::browsers::{
    by_key, BrowserModel, CrossSiteCookies, LocalNetwork, CHROMIUM, FIREFOX, MODELS, SPEC, WEBKIT,
};

/// The step of the protocol at which a request failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    /// `fetch()` refuses the request before sending anything.
    Request,
    /// The CORS check of the preflight response (Fetch §cors-preflight-fetch step 7).
    PreflightCorsCheck,
    /// The preflight status is not an ok status (step 7).
    PreflightStatus,
    /// `Access-Control-Allow-Methods` or `-Headers` does not parse (step 7.3).
    PreflightAllowList,
    /// The method is not allowed (step 7.5).
    PreflightMethod,
    /// `Authorization` is not listed (step 7.6).
    PreflightAuthorization,
    /// A request header is not allowed (step 7.7).
    PreflightHeaders,
    /// The CORS check of the actual response (Fetch §http-fetch, §cors-check).
    CorsCheck,
}

impl Step {
    /// The step in words.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Step::Request => "before sending: fetch() refuses the request",
            Step::PreflightCorsCheck => "preflight: CORS check",
            Step::PreflightStatus => "preflight: status not ok",
            Step::PreflightAllowList => "preflight: allow-list does not parse",
            Step::PreflightMethod => "preflight: method not allowed",
            Step::PreflightAuthorization => "preflight: Authorization not allowed",
            Step::PreflightHeaders => "preflight: header not allowed",
            Step::CorsCheck => "actual response: CORS check",
        }
    }

    /// Where the step is in the Fetch standard.
    #[must_use]
    pub fn citation(self) -> &'static str {
        match self {
            Step::Request => "Fetch §forbidden-method",
            Step::PreflightCorsCheck => "Fetch §cors-preflight-fetch step 7, §cors-check",
            Step::PreflightStatus => "Fetch §cors-preflight-fetch step 7, §ok-status",
            Step::PreflightAllowList => "Fetch §cors-preflight-fetch step 7.3",
            Step::PreflightMethod => "Fetch §cors-preflight-fetch step 7.5",
            Step::PreflightAuthorization => "Fetch §cors-preflight-fetch step 7.6",
            Step::PreflightHeaders => "Fetch §cors-preflight-fetch step 7.7",
            Step::CorsCheck => "Fetch §http-fetch, §cors-check",
        }
    }
}

/// Why a step failed, with the values involved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum BlockedReason {
    /// `CONNECT`, `TRACE` or `TRACK`.
    ForbiddenMethod {
        /// The method.
        method: String,
    },
    /// No `Access-Control-Allow-Origin`.
    MissingAllowOrigin,
    /// Several values: a list in one line, or several lines (combined with `", "`).
    MultipleAllowOrigin {
        /// The combined value.
        value: String,
    },
    /// A value that is not the request's origin.
    OriginMismatch {
        /// What the server sent.
        allowed: String,
        /// What the browser sent.
        origin: String,
    },
    /// `*` with credentials included.
    WildcardWithCredentials,
    /// `Access-Control-Allow-Credentials` is not exactly `true`.
    CredentialsNotTrue {
        /// What the server sent, if anything.
        value: Option<String>,
    },
    /// The preflight status is outside 200–299.
    StatusNotOk {
        /// The status.
        status: u16,
    },
    /// A list header with an element that is not a token.
    InvalidAllowList {
        /// The header.
        header: String,
        /// Its value.
        value: String,
    },
    /// The method is not in `Access-Control-Allow-Methods`.
    MethodNotAllowed {
        /// The method.
        method: String,
        /// What the server allowed.
        allowed: Option<String>,
        /// `*` was sent but credentials are included.
        wildcard_with_credentials: bool,
    },
    /// `Authorization` is sent but not listed.
    AuthorizationNotCovered {
        /// `*` was sent (which never covers it in the standard).
        wildcard: bool,
    },
    /// A CORS-unsafe request header is not allowed.
    HeaderNotAllowed {
        /// The header name.
        header: String,
        /// What the server allowed.
        allowed: Option<String>,
        /// `*` was sent but credentials are included.
        wildcard_with_credentials: bool,
    },
}

impl fmt::Display for BlockedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BlockedReason::ForbiddenMethod { method } => {
                write!(f, "browsers never send the method `{method}`")
            }
            BlockedReason::MissingAllowOrigin => {
                f.write_str("the response has no Access-Control-Allow-Origin")
            }
            BlockedReason::MultipleAllowOrigin { value } => write!(
                f,
                "Access-Control-Allow-Origin holds several values (`{value}`); it must be one origin or `*`"
            ),
            BlockedReason::OriginMismatch { allowed, origin } => write!(
                f,
                "Access-Control-Allow-Origin is `{allowed}`, not the request's origin `{origin}`"
            ),
            BlockedReason::WildcardWithCredentials => f.write_str(
                "Access-Control-Allow-Origin is `*`, which never allows a request with credentials",
            ),
            BlockedReason::CredentialsNotTrue { value: None } => f.write_str(
                "the request includes credentials but Access-Control-Allow-Credentials is missing",
            ),
            BlockedReason::CredentialsNotTrue { value: Some(v) } => write!(
                f,
                "Access-Control-Allow-Credentials is `{v}`; only exactly `true` allows credentials"
            ),
            BlockedReason::StatusNotOk { status } => write!(
                f,
                "the preflight answered {status}; it must be 200–299 (a redirect is not followed)"
            ),
            BlockedReason::InvalidAllowList { header, value } => {
                write!(f, "{header} `{value}` is not a comma-separated list of tokens")
            }
            BlockedReason::MethodNotAllowed {
                method,
                allowed,
                wildcard_with_credentials,
            } => {
                write!(f, "the method `{method}` is not in Access-Control-Allow-Methods")?;
                what_was_allowed(f, allowed.as_deref(), *wildcard_with_credentials)
            }
            BlockedReason::AuthorizationNotCovered { wildcard: true } => f.write_str(
                "`authorization` must be listed by name in Access-Control-Allow-Headers; `*` does not cover it",
            ),
            BlockedReason::AuthorizationNotCovered { wildcard: false } => f.write_str(
                "`authorization` is not in Access-Control-Allow-Headers",
            ),
            BlockedReason::HeaderNotAllowed {
                header,
                allowed,
                wildcard_with_credentials,
            } => {
                write!(f, "the header `{header}` is not in Access-Control-Allow-Headers")?;
                what_was_allowed(f, allowed.as_deref(), *wildcard_with_credentials)
            }
        }
    }
}

/// The end of a method or header that is not allowed: the list the server sent, and why a `*`
/// in it did not count.
fn what_was_allowed(
    f: &mut fmt::Formatter<'_>,
    allowed: Option<&str>,
    wildcard_with_credentials: bool,
) -> fmt::Result {
    match allowed {
        Some(a) => write!(f, " (`{a}`)")?,
        None => f.write_str(" (missing)")?,
    }
    if wildcard_with_credentials {
        f.write_str("; `*` means only the literal `*` when credentials are included")?;
    }
    Ok(())
}

/// A failed step and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Blocked {
    /// Where.
    pub step: Step,
    /// Why.
    pub reason: BlockedReason,
}

/// Which response headers script can read (Fetch main fetch step 14.1).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Exposure {
    /// `Access-Control-Expose-Headers: *` without credentials: every header.
    pub all: bool,
    /// The lower-cased names listed in `Access-Control-Expose-Headers`.
    pub names: Vec<String>,
}

pub use crate::fetch::SAFELISTED_RESPONSE_HEADERS;

impl Exposure {
    /// Whether script can read a response header of this name.
    #[must_use]
    pub fn readable(&self, name: &str) -> bool {
        let n = name.to_ascii_lowercase();
        // Fetch §forbidden-response-header-name: never exposed.
        if crate::fetch::is_forbidden_response_header(&n) {
            return false;
        }
        self.all || SAFELISTED_RESPONSE_HEADERS.contains(&n.as_str()) || self.names.contains(&n)
    }
}

/// The browser's decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
pub enum Verdict {
    /// Script can read the response.
    Allowed {
        /// Which response headers it can read.
        exposure: Exposure,
        /// How long the preflight result is cached, in seconds (`None`: no preflight).
        preflight_cache_seconds: Option<u64>,
    },
    /// `fetch()` rejects with a TypeError; script sees a network error.
    Blocked(Blocked),
}

impl Verdict {
    /// Whether script can read the response.
    #[must_use]
    pub fn is_allowed(&self) -> bool {
        matches!(self, Verdict::Allowed { .. })
    }

    /// The failure, if blocked.
    #[must_use]
    pub fn blocked(&self) -> Option<&Blocked> {
        match self {
            Verdict::Blocked(b) => Some(b),
            Verdict::Allowed { .. } => None,
        }
    }
}

fn blocked(step: Step, reason: BlockedReason) -> Blocked {
    Blocked { step, reason }
}

/// Fetch §cors-check, for `req` and a response's header list.
///
/// # Errors
/// The reason the check fails.
pub fn cors_check(req: &BrowserRequest, headers: &HeaderList) -> Result<(), BlockedReason> {
    // Step 1: "get" combines duplicate lines with ", ".
    let origin = super::get(headers, "access-control-allow-origin");
    // Step 2: a missing header (null, not the value `null`) fails.
    let Some(origin) = origin else {
        return Err(BlockedReason::MissingAllowOrigin);
    };
    // Step 3.
    if !req.credentials && origin == "*" {
        return Ok(());
    }
    // Step 4: byte-exact comparison with the serialized request origin.
    if origin != req.origin {
        if origin == "*" {
            return Err(BlockedReason::WildcardWithCredentials);
        }
        if super::get_all(headers, "access-control-allow-origin").len() > 1
            || origin.contains(',')
            || origin.trim().contains(' ')
        {
            return Err(BlockedReason::MultipleAllowOrigin { value: origin });
        }
        return Err(BlockedReason::OriginMismatch {
            allowed: origin,
            origin: req.origin.clone(),
        });
    }
    // Step 5.
    if !req.credentials {
        return Ok(());
    }
    // Steps 6–8: exactly `true`.
    match super::get(headers, "access-control-allow-credentials") {
        Some(v) if v == "true" => Ok(()),
        value => Err(BlockedReason::CredentialsNotTrue { value }),
    }
}

/// Fetch §extract-header-list-values for a `#token` header: `Ok(None)` when absent, `Err` when
/// an element is not a token. Empty elements are skipped (as browsers do).
fn extract_tokens(headers: &HeaderList, name: &str) -> Result<Option<Vec<String>>, String> {
    let lines = super::get_all(headers, name);
    if lines.is_empty() {
        return Ok(None);
    }
    let mut out = Vec::new();
    for line in &lines {
        for item in line.split(',') {
            let item = item.trim_matches([' ', '\t']);
            if item.is_empty() {
                continue;
            }
            if !is_token(item) {
                return Err(lines.join(", "));
            }
            out.push(item.to_string());
        }
    }
    Ok(Some(out))
}

/// RFC 9110 token.
#[must_use]
pub fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Fetch §cors-preflight-fetch step 7: judges the preflight response for `req`. Returns how long
/// the result is cached, in seconds.
///
/// # Errors
/// The failing step.
pub fn preflight_check(
    model: &BrowserModel,
    req: &BrowserRequest,
    res: &Response,
) -> Result<u64, Blocked> {
    // Step 7: the CORS check runs with the actual request's credentials mode …
    cors_check(req, &res.headers).map_err(|r| blocked(Step::PreflightCorsCheck, r))?;
    // … and the status must be an ok status (200–299); redirects are not followed.
    if !(200..=299).contains(&res.status) {
        return Err(blocked(
            Step::PreflightStatus,
            BlockedReason::StatusNotOk { status: res.status },
        ));
    }
    // Steps 7.1–7.3.
    let invalid = |header: &str, value: String| {
        blocked(
            Step::PreflightAllowList,
            BlockedReason::InvalidAllowList {
                header: header.to_string(),
                value,
            },
        )
    };
    let mut methods = extract_tokens(&res.headers, "access-control-allow-methods")
        .map_err(|v| invalid("Access-Control-Allow-Methods", v))?;
    let header_names = extract_tokens(&res.headers, "access-control-allow-headers")
        .map_err(|v| invalid("Access-Control-Allow-Headers", v))?;
    let method = req.method();
    // Step 7.4.
    if methods.is_none() && req.force_preflight {
        methods = Some(vec![method.clone()]);
    }
    let methods = methods.unwrap_or_default();
    let header_names = header_names.unwrap_or_default();
    // Step 7.5: byte-exact, so `patch` is not `PATCH`.
    let method_wildcard = methods.iter().any(|m| m == "*");
    if !methods.contains(&method)
        && !is_safelisted_method(&method)
        && (req.credentials || !method_wildcard)
    {
        return Err(blocked(
            Step::PreflightMethod,
            BlockedReason::MethodNotAllowed {
                method,
                allowed: super::get(&res.headers, "access-control-allow-methods"),
                wildcard_with_credentials: req.credentials && method_wildcard,
            },
        ));
    }
    let listed = |name: &str| header_names.iter().any(|h| h.eq_ignore_ascii_case(name));
    let header_wildcard = listed("*");
    // Step 7.6: `Authorization` is a CORS non-wildcard request-header name. Chromium lets a
    // non-credentialed `*` cover it (see `CHROMIUM`); the standard does not.
    let has_authorization = req
        .headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("authorization"));
    if has_authorization && !listed("authorization") {
        let covered = model.wildcard_covers_authorization && header_wildcard && !req.credentials;
        if !covered {
            return Err(blocked(
                Step::PreflightAuthorization,
                BlockedReason::AuthorizationNotCovered {
                    wildcard: header_wildcard,
                },
            ));
        }
    }
    // Step 7.7.
    for name in req.unsafe_header_names() {
        if !listed(&name) && (req.credentials || !header_wildcard) {
            return Err(blocked(
                Step::PreflightHeaders,
                BlockedReason::HeaderNotAllowed {
                    header: name,
                    allowed: super::get(&res.headers, "access-control-allow-headers"),
                    wildcard_with_credentials: req.credentials && header_wildcard,
                },
            ));
        }
    }
    // `Access-Control-Allow-Private-Network` is not checked: no current browser gates a request
    // on it. Chromium sent the Private Network Access preflight header from version 104 and
    // mostly only warned; Chromium 142 replaced it with Local Network Access, where the user's
    // permission decides (`BrowserModel::local_network`). Firefox and WebKit never had it.
    // Steps 7.8–7.10. A model that caches only listed tokens never reuses a `*` grant.
    let by_wildcard = (!methods.contains(&method) && !is_safelisted_method(&method))
        || (has_authorization && !listed("authorization"))
        || req.unsafe_header_names().iter().any(|n| !listed(n));
    if by_wildcard && !model.caches_wildcard_grants {
        return Ok(0);
    }
    Ok(max_age(model, &res.headers))
}

/// Fetch §cors-preflight-fetch steps 7.8–7.10: how long the preflight result is cached.
#[must_use]
pub fn max_age(model: &BrowserModel, headers: &HeaderList) -> u64 {
    let lines = super::get_all(headers, "access-control-max-age");
    // Step 7.9: missing, several lines (not one delta-seconds) or unparsable: 5 seconds
    // (`invalid_max_age_is_zero`: 0 unless missing).
    let parsed = match lines.as_slice() {
        [one] => {
            let v = one.trim();
            if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
                Some(v.parse::<u64>().unwrap_or(u64::MAX))
            } else if (model.negative_max_age_is_zero
                && v.strip_prefix('-')
                    .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())))
                || (model.invalid_max_age_is_zero && !v.is_empty())
            {
                Some(0)
            } else {
                None
            }
        }
        [] => None,
        _ if model.invalid_max_age_is_zero => Some(0),
        _ => None,
    };
    // Step 7.10: the imposed limit.
    parsed
        .unwrap_or(crate::fetch::DEFAULT_MAX_AGE)
        .min(model.max_age_cap)
}

/// Fetch main fetch step 14.1: which headers of a response script may read.
#[must_use]
pub fn exposure(req: &BrowserRequest, headers: &HeaderList) -> Exposure {
    let names = extract_tokens(headers, "access-control-expose-headers")
        .ok()
        .flatten()
        .unwrap_or_default();
    let all = !req.credentials && names.iter().any(|n| n == "*");
    let mut names: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
    names.sort();
    names.dedup();
    Exposure { all, names }
}

/// The actual response's CORS check (Fetch §http-fetch): what script may read, or why not.
///
/// # Errors
/// The failing step.
pub fn actual_check(req: &BrowserRequest, res: &Response) -> Result<Exposure, Blocked> {
    cors_check(req, &res.headers).map_err(|r| blocked(Step::CorsCheck, r))?;
    Ok(exposure(req, &res.headers))
}

/// One run of a request through a server: what was sent, what came back, and the verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Exchange {
    /// The preflight and its answer, if one was sent.
    pub preflight: Option<(WireRequest, Response)>,
    /// The actual request and its answer, if it was sent (not after a failed preflight).
    pub actual: Option<(WireRequest, Response)>,
    /// The browser's verdict.
    pub verdict: Verdict,
}

/// Runs `req` as the browser would: the preflight if one is needed, then (if that passed) the
/// actual request, each answered by `send`, and judges the result.
///
/// # Errors
/// Whatever `send` fails with.
pub fn run<E>(
    model: &BrowserModel,
    req: &BrowserRequest,
    mut send: impl FnMut(&WireRequest) -> Result<Response, E>,
) -> Result<Exchange, E> {
    if req.has_forbidden_method() {
        return Ok(Exchange {
            preflight: None,
            actual: None,
            verdict: Verdict::Blocked(blocked(
                Step::Request,
                BlockedReason::ForbiddenMethod {
                    method: req.method.clone(),
                },
            )),
        });
    }
    let mut preflight = None;
    let mut cache = None;
    if let Some(p) = req.preflight() {
        let res = send(&p)?;
        let outcome = preflight_check(model, req, &res);
        preflight = Some((p, res));
        match outcome {
            Ok(secs) => cache = Some(secs),
            Err(b) => {
                return Ok(Exchange {
                    preflight,
                    actual: None,
                    verdict: Verdict::Blocked(b),
                })
            }
        }
    }
    let a = req.actual();
    let res = send(&a)?;
    let verdict = match actual_check(req, &res) {
        Ok(exposure) => Verdict::Allowed {
            exposure,
            preflight_cache_seconds: cache,
        },
        Err(b) => Verdict::Blocked(b),
    };
    Ok(Exchange {
        preflight,
        actual: Some((a, res)),
        verdict,
    })
}

/// Judges given responses without sending anything: `preflight` is used when the request needs
/// one, `actual` when it gets that far.
#[must_use]
pub fn judge(
    model: &BrowserModel,
    req: &BrowserRequest,
    preflight: Option<&Response>,
    actual: &Response,
) -> Verdict {
    let result: Result<Exchange, std::convert::Infallible> = run(model, req, |w| {
        Ok(if w.is_preflight() {
            preflight
                .cloned()
                .unwrap_or_else(|| Response::observed(0, Vec::new()))
        } else {
            actual.clone()
        })
    });
    match result {
        Ok(x) => x.verdict,
        Err(never) => match never {},
    }
}
