//! What the browser sends: the request as script makes it, whether it needs a preflight, and the
//! preflight and actual requests as the server sees them.

use super::HeaderList;
use serde::Serialize;

/// A cross-origin `fetch()` as script makes it, after the `Headers` object has normalized it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BrowserRequest {
    /// The serialized origin of the calling document (`https://app.example.com`, or `null`).
    pub origin: String,
    /// The request path (and query) on the server.
    pub path: String,
    /// The method as script wrote it; [`BrowserRequest::method`] gives the normalized one.
    pub method: String,
    /// Author request headers (name as written, value trimmed), in order.
    pub headers: HeaderList,
    /// Credentials mode "include" (`credentials: "include"`). "omit" and "same-origin" behave
    /// alike for a cross-origin request, so one flag is enough.
    pub credentials: bool,
    /// The use-CORS-preflight flag (an upload listener or a streamed body forces a preflight).
    pub force_preflight: bool,
    /// The target is in a more private address space (Private Network Access).
    pub private_network: bool,
}

/// A request as the server receives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WireRequest {
    /// The method, byte for byte.
    pub method: String,
    /// The path (and query).
    pub path: String,
    /// The header lines, in order.
    pub headers: HeaderList,
}

impl WireRequest {
    /// A request with no headers.
    #[must_use]
    pub fn new(method: &str, path: &str) -> Self {
        Self {
            method: method.to_string(),
            path: path.to_string(),
            headers: Vec::new(),
        }
    }

    /// Adds a header line.
    #[must_use]
    pub fn with(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The combined value of a header, as Fetch "get" defines it.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<String> {
        super::get(&self.headers, name)
    }

    /// Whether this is a CORS preflight: `OPTIONS` with `Origin` and
    /// `Access-Control-Request-Method` (Fetch §http-requests).
    #[must_use]
    pub fn is_preflight(&self) -> bool {
        self.method == "OPTIONS"
            && self.header("origin").is_some()
            && self.header("access-control-request-method").is_some()
    }
}

impl BrowserRequest {
    /// A request with no author headers and no credentials.
    #[must_use]
    pub fn new(origin: &str, method: &str, path: &str) -> Self {
        Self {
            origin: origin.to_string(),
            path: path.to_string(),
            method: method.to_string(),
            headers: Vec::new(),
            credentials: false,
            force_preflight: false,
            private_network: false,
        }
    }

    /// Adds an author header, normalizing its value the way `Headers` does (leading and
    /// trailing HTTP whitespace removed). Forbidden request headers are dropped, as the
    /// `Headers` object drops them.
    #[must_use]
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if !is_forbidden_request_header(name) {
            let v = value.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
            self.headers.push((name.to_string(), v.to_string()));
        }
        self
    }

    /// Sets the credentials mode to "include" or not.
    #[must_use]
    pub fn with_credentials(mut self, include: bool) -> Self {
        self.credentials = include;
        self
    }

    /// The method after Fetch §concept-method-normalize: `delete`, `get`, `head`, `options`,
    /// `post` and `put` are upper-cased; every other method is sent exactly as written, so
    /// `patch` stays `patch`.
    #[must_use]
    pub fn method(&self) -> String {
        normalize_method(&self.method)
    }

    /// Whether `fetch()` refuses the method outright (Fetch §forbidden-method).
    #[must_use]
    pub fn has_forbidden_method(&self) -> bool {
        crate::fetch::is_forbidden_method(&self.method)
    }

    /// Fetch §cors-unsafe-request-header-names: lower-cased, deduplicated, sorted.
    #[must_use]
    pub fn unsafe_header_names(&self) -> Vec<String> {
        unsafe_header_names(&self.headers)
    }

    /// Why a preflight is needed, in words; empty when none is.
    ///
    /// Fetch §main-fetch: a preflight is made when the use-CORS-preflight flag is set, or the
    /// method is not CORS-safelisted, or there are CORS-unsafe request-header names. (The
    /// preflight cache can make one unnecessary; every simulation starts with an empty cache.)
    #[must_use]
    pub fn preflight_reasons(&self) -> Vec<String> {
        let mut why = Vec::new();
        if self.force_preflight {
            why.push("the request forces a preflight (upload listener or streamed body)".into());
        }
        let m = self.method();
        if !is_safelisted_method(&m) {
            why.push(format!(
                "the method `{m}` is not CORS-safelisted (only GET, HEAD and POST are)"
            ));
        }
        let unsafe_names = self.unsafe_header_names();
        if !unsafe_names.is_empty() {
            why.push(format!(
                "{} not CORS-safelisted",
                list_names(&unsafe_names, "the header", "the headers")
            ));
        }
        why
    }

    /// Whether the browser sends a preflight first.
    #[must_use]
    pub fn needs_preflight(&self) -> bool {
        !self.preflight_reasons().is_empty()
    }

    /// The preflight the server receives, if one is sent.
    #[must_use]
    pub fn preflight(&self) -> Option<WireRequest> {
        if !self.needs_preflight() {
            return None;
        }
        // Fetch §cors-preflight-fetch step 1: OPTIONS to the same URL, same origin; no
        // credentials of any kind, whatever the credentials mode.
        let mut req = WireRequest::new("OPTIONS", &self.path).with("Origin", &self.origin);
        // Step 2.
        req = req.with("Accept", "*/*");
        // Step 3.
        req = req.with("Access-Control-Request-Method", &self.method());
        // Steps 4–5: the unsafe names joined by `,` with no space (the spec notes browsers never
        // put 0x20 after the comma).
        let names = self.unsafe_header_names();
        if !names.is_empty() {
            req = req.with("Access-Control-Request-Headers", &names.join(","));
        }
        if self.private_network {
            req = req.with("Access-Control-Request-Private-Network", "true");
        }
        Some(req)
    }

    /// The actual request the server receives (after a successful preflight, if one was needed).
    /// A credentialed request carries the user's cookies; the evaluator stands them in with a
    /// placeholder so a server under test sees a `Cookie` line.
    #[must_use]
    pub fn actual(&self) -> WireRequest {
        let mut req = WireRequest::new(&self.method(), &self.path).with("Origin", &self.origin);
        for (n, v) in &self.headers {
            req = req.with(n, v);
        }
        if self.credentials {
            req = req.with("Cookie", "corsc-probe=1");
        }
        req
    }
}

// The Fetch standard's tables live in `crate::fetch`; these names stay for the evaluator's users.
pub use crate::fetch::{
    is_forbidden_request_header, is_safelisted_method, is_safelisted_request_header,
    normalize_method,
};

/// Fetch §cors-unsafe-request-header-names.
#[must_use]
pub fn unsafe_header_names(headers: &[(String, String)]) -> Vec<String> {
    // Steps 1–3.
    let mut unsafe_names = Vec::new();
    let mut potentially_unsafe = Vec::new();
    let mut safelist_value_size = 0usize;
    // Step 4.
    for (name, value) in headers {
        if is_safelisted_request_header(name, value) {
            potentially_unsafe.push(name.to_ascii_lowercase());
            safelist_value_size += value.len();
        } else {
            unsafe_names.push(name.to_ascii_lowercase());
        }
    }
    // Step 5: more than 1024 bytes of safelisted values makes all of them unsafe.
    if safelist_value_size > crate::fetch::SAFELISTED_TOTAL_MAX {
        unsafe_names.extend(potentially_unsafe);
    }
    // Step 6: convert header names to a sorted-lowercase set.
    unsafe_names.sort();
    unsafe_names.dedup();
    unsafe_names
}

/// `the header `a`` / `the headers `a`, `b``.
pub(crate) fn list_names(names: &[String], one: &str, many: &str) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    if quoted.len() == 1 {
        format!("{one} {} is", quoted[0])
    } else {
        format!("{many} {} are", quoted.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req() -> BrowserRequest {
        BrowserRequest::new("https://app.example.com", "GET", "/api/x")
    }

    #[test]
    fn safelisted_methods_need_no_preflight_and_others_do() {
        for m in ["GET", "HEAD", "POST", "get", "post"] {
            let r = BrowserRequest::new("https://a.example", m, "/");
            assert!(!r.needs_preflight(), "{m}");
        }
        for m in ["PUT", "DELETE", "PATCH", "patch", "OPTIONS"] {
            let r = BrowserRequest::new("https://a.example", m, "/");
            assert!(r.needs_preflight(), "{m}");
        }
    }

    #[test]
    fn method_normalization_upper_cases_only_the_six_standard_methods() {
        assert_eq!(normalize_method("put"), "PUT");
        assert_eq!(normalize_method("Delete"), "DELETE");
        assert_eq!(normalize_method("patch"), "patch");
        assert_eq!(normalize_method("PATCH"), "PATCH");
    }

    #[test]
    fn content_type_is_safelisted_by_mime_essence_only() {
        for v in [
            "text/plain",
            "text/plain;charset=utf-8",
            "Text/Plain",
            "multipart/form-data; boundary=x",
            "application/x-www-form-urlencoded",
        ] {
            assert!(is_safelisted_request_header("Content-Type", v), "{v}");
        }
        for v in [
            "application/json",
            "text/plain+json",
            "text/",
            "text",
            "text/plain; a=\"b\"",
        ] {
            assert!(!is_safelisted_request_header("content-type", v), "{v}");
        }
    }

    #[test]
    fn values_over_128_bytes_are_never_safelisted() {
        let long = "a".repeat(129);
        assert!(!is_safelisted_request_header("accept", &long));
        assert!(is_safelisted_request_header("accept", &long[..128]));
    }

    #[test]
    fn safelisted_values_over_1024_bytes_in_total_all_become_unsafe() {
        let v = "a".repeat(120);
        let mut r = req();
        for _ in 0..8 {
            r = r.with_header("Accept", &v);
        }
        assert!(r.unsafe_header_names().is_empty(), "960 bytes stay safe");
        r = r.with_header("Accept-Language", &"b".repeat(70));
        assert_eq!(r.unsafe_header_names(), vec!["accept", "accept-language"]);
    }

    #[test]
    fn language_headers_allow_only_their_character_set() {
        assert!(is_safelisted_request_header(
            "accept-language",
            "en-US,fr;q=0.5"
        ));
        assert!(!is_safelisted_request_header("content-language", "en_US"));
        assert!(!is_safelisted_request_header("accept", "text/html\u{1}"));
        assert!(!is_safelisted_request_header("accept", "a@b"));
    }

    #[test]
    fn range_is_safelisted_only_as_one_simple_range_with_a_start() {
        assert!(is_safelisted_request_header("Range", "bytes=0-"));
        assert!(is_safelisted_request_header("Range", "bytes=10-20"));
        assert!(!is_safelisted_request_header("Range", "bytes=-500"));
        assert!(!is_safelisted_request_header("Range", "bytes=20-10"));
        assert!(!is_safelisted_request_header("Range", "bytes=0-1,5-6"));
        assert!(!is_safelisted_request_header("Range", "bytes = 0-1"));
        assert!(!is_safelisted_request_header("Range", "items=0-1"));
    }

    #[test]
    fn preflight_lists_unsafe_names_lower_case_sorted_without_spaces() {
        let r = BrowserRequest::new("https://app.example.com", "put", "/api/x")
            .with_header("X-Request-Id", "1")
            .with_header("Content-Type", "application/json")
            .with_header("x-request-id", "2")
            .with_header("Accept", "*/*");
        let p = r.preflight().expect("a preflight");
        assert_eq!(p.method, "OPTIONS");
        assert_eq!(
            p.header("origin").as_deref(),
            Some("https://app.example.com")
        );
        assert_eq!(
            p.header("access-control-request-method").as_deref(),
            Some("PUT")
        );
        assert_eq!(
            p.header("access-control-request-headers").as_deref(),
            Some("content-type,x-request-id")
        );
        assert!(p.header("cookie").is_none());
    }

    #[test]
    fn forbidden_headers_are_dropped_like_the_headers_object_does() {
        let r = req()
            .with_header("Cookie", "a=b")
            .with_header("Sec-Fetch-Mode", "x");
        assert!(r.headers.is_empty());
        assert!(!r.needs_preflight());
    }

    #[test]
    fn actual_request_carries_cookies_only_with_credentials() {
        assert!(req().actual().header("cookie").is_none());
        assert!(req()
            .with_credentials(true)
            .actual()
            .header("cookie")
            .is_some());
    }

    #[test]
    fn wire_request_recognizes_a_preflight_by_its_request_method_header() {
        let p = WireRequest::new("OPTIONS", "/")
            .with("Origin", "https://a.example")
            .with("Access-Control-Request-Method", "PUT");
        assert!(p.is_preflight());
        assert!(!WireRequest::new("OPTIONS", "/")
            .with("Origin", "https://a.example")
            .is_preflight());
    }
}
