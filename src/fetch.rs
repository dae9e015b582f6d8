//! The WHATWG Fetch standard's tables: which methods and headers are safelisted, which are
//! forbidden, and what browsers impose where the standard leaves them room.
//!
//! One home for these facts, because three stages need them and must agree: the evaluator
//! decides what a browser does with them, the lint rules flag policies that list them to no
//! effect, and the emitters write what a browser would otherwise never ask for. Section names
//! are the anchors of <https://fetch.spec.whatwg.org/> (`#forbidden-method` is
//! `https://fetch.spec.whatwg.org/#forbidden-method`).
//!
//! A leaf module: it imports nothing of corsc, so every stage can stand on it.

/// Fetch §forbidden-method: methods `fetch()` and `XMLHttpRequest` refuse to send, in any case.
pub const FORBIDDEN_METHODS: [&str; 3] = ["CONNECT", "TRACE", "TRACK"];

/// Whether a method is forbidden (Fetch §forbidden-method: a byte-case-insensitive match).
#[must_use]
pub fn is_forbidden_method(m: &str) -> bool {
    FORBIDDEN_METHODS.iter().any(|f| f.eq_ignore_ascii_case(m))
}

/// Fetch §concept-method-normalize: the methods a browser upper-cases before sending. Every
/// other method is sent byte for byte as script wrote it.
pub const NORMALIZED_METHODS: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];

/// Fetch §concept-method-normalize.
#[must_use]
pub fn normalize_method(m: &str) -> String {
    match NORMALIZED_METHODS
        .iter()
        .find(|n| n.eq_ignore_ascii_case(m))
    {
        Some(n) => (*n).to_string(),
        None => m.to_string(),
    }
}

/// Fetch §cors-safelisted-method: the methods that never need a preflight.
pub const SAFELISTED_METHODS: [&str; 3] = ["GET", "HEAD", "POST"];

/// Fetch §cors-safelisted-method: `GET`, `HEAD` or `POST`, byte for byte.
#[must_use]
pub fn is_safelisted_method(m: &str) -> bool {
    SAFELISTED_METHODS.contains(&m)
}

/// Fetch §forbidden-request-header: the names, lower-cased, that script can never set (the
/// browser sets them itself). See [`FORBIDDEN_REQUEST_HEADER_PREFIXES`] for the families.
pub const FORBIDDEN_REQUEST_HEADERS: [&str; 22] = [
    "accept-charset",
    "accept-encoding",
    "access-control-request-headers",
    "access-control-request-method",
    "access-control-request-private-network",
    "connection",
    "content-length",
    "cookie",
    "cookie2",
    "date",
    "dnt",
    "expect",
    "host",
    "keep-alive",
    "origin",
    "referer",
    "set-cookie",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
];

/// Fetch §forbidden-request-header: every name that starts with one of these is forbidden.
pub const FORBIDDEN_REQUEST_HEADER_PREFIXES: [&str; 2] = ["proxy-", "sec-"];

/// Fetch §forbidden-request-header, by name only: the `X-HTTP-Method` family is left out
/// because it depends on the value and never matters to CORS.
#[must_use]
pub fn is_forbidden_request_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    FORBIDDEN_REQUEST_HEADERS.contains(&n.as_str())
        || FORBIDDEN_REQUEST_HEADER_PREFIXES
            .iter()
            .any(|p| n.starts_with(p))
}

/// Fetch §cors-safelisted-request-header: the names that can be safelisted, lower-cased. Whether
/// a header is safelisted also depends on its value ([`is_safelisted_request_header`]).
pub const SAFELISTED_REQUEST_HEADERS: [&str; 5] = [
    "accept",
    "accept-language",
    "content-language",
    "content-type",
    "range",
];

/// The safelisted request headers whose value limits everyday values meet (Fetch
/// §cors-safelisted-request-header): a policy never needs to list them. `Content-Type` is not
/// here, because only form and text bodies are safelisted (JSON is not), nor `Range`, whose
/// value must be one simple range.
pub const SAFELISTED_ANY_USE_REQUEST_HEADERS: [&str; 3] =
    ["accept", "accept-language", "content-language"];

/// The longest value a safelisted request header may have, in bytes (Fetch
/// §cors-safelisted-request-header step 1).
pub const SAFELISTED_VALUE_MAX: usize = 128;

/// The most bytes all safelisted request header values of one request may add up to before
/// every one of them counts as unsafe (Fetch §cors-unsafe-request-header-names step 5).
pub const SAFELISTED_TOTAL_MAX: usize = 1024;

/// Fetch §cors-safelisted-request-header, for one header in isolation (the total of
/// [`SAFELISTED_TOTAL_MAX`] is the caller's).
#[must_use]
pub fn is_safelisted_request_header(name: &str, value: &str) -> bool {
    // Step 1: a value longer than 128 bytes is never safelisted.
    if value.len() > SAFELISTED_VALUE_MAX {
        return false;
    }
    // Step 2: switch on the lower-cased name.
    match name.to_ascii_lowercase().as_str() {
        "accept" => !value.bytes().any(is_unsafe_byte),
        "accept-language" | "content-language" => value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b" *,-.;=".contains(&b)),
        "content-type" => {
            if value.bytes().any(is_unsafe_byte) {
                return false;
            }
            matches!(
                mime_essence(value).as_deref(),
                Some("application/x-www-form-urlencoded" | "multipart/form-data" | "text/plain")
            )
        }
        "range" => is_simple_range(value),
        _ => false,
    }
}

/// Fetch §cors-unsafe-request-header-byte.
fn is_unsafe_byte(b: u8) -> bool {
    (b < 0x20 && b != 0x09) || b"\"():<>?@[\\]{}\x7f".contains(&b)
}

/// The essence of a MIME type (`type/subtype`, lower-cased), or `None` when it does not parse
/// (MIME Sniffing §parse-a-mime-type, restricted to what decides the essence).
fn mime_essence(value: &str) -> Option<String> {
    let v = value.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
    let (ty, rest) = v.split_once('/')?;
    let sub = rest
        .split(';')
        .next()
        .unwrap_or("")
        .trim_end_matches([' ', '\t', '\r', '\n']);
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    };
    if token(ty) && token(sub) {
        Some(format!(
            "{}/{}",
            ty.to_ascii_lowercase(),
            sub.to_ascii_lowercase()
        ))
    } else {
        None
    }
}

/// Fetch §simple-range-header-value with allowWhitespace false, and the safelist's extra rule
/// that the first position is present (`bytes=-500` is never safelisted).
fn is_simple_range(value: &str) -> bool {
    let Some(rest) = value.get(..6).filter(|p| p.eq_ignore_ascii_case("bytes=")) else {
        return false;
    };
    let Some((start, end)) = value[rest.len()..].split_once('-') else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(start) || !(end.is_empty() || digits(end)) {
        return false;
    }
    if end.is_empty() {
        return true;
    }
    match (start.parse::<u128>(), end.parse::<u128>()) {
        (Ok(s), Ok(e)) => s <= e,
        _ => false,
    }
}

/// Fetch §cors-safelisted-response-header-name, without the list part: response headers
/// script can always read, lower-cased.
pub const SAFELISTED_RESPONSE_HEADERS: [&str; 7] = [
    "cache-control",
    "content-language",
    "content-length",
    "content-type",
    "expires",
    "last-modified",
    "pragma",
];

/// Fetch §forbidden-response-header-name: response headers script can never read, whatever
/// `Access-Control-Expose-Headers` says, lower-cased.
pub const FORBIDDEN_RESPONSE_HEADERS: [&str; 2] = ["set-cookie", "set-cookie2"];

/// Fetch §forbidden-response-header-name.
#[must_use]
pub fn is_forbidden_response_header(name: &str) -> bool {
    FORBIDDEN_RESPONSE_HEADERS.contains(&name.to_ascii_lowercase().as_str())
}

/// Fetch §http-requests: the headers only a browser's request carries (`Origin`, the cookie,
/// and the preflight's `Access-Control-Request-*`, with Private Network Access's), lower-cased.
/// They never appear in a response.
pub const CORS_REQUEST_ONLY_HEADERS: [&str; 5] = [
    "origin",
    "cookie",
    "access-control-request-method",
    "access-control-request-headers",
    "access-control-request-private-network",
];

/// Fetch §http-responses (and Private Network Access): the CORS headers only a preflight
/// response carries, lower-cased; script never sees a preflight response.
pub const PREFLIGHT_ONLY_RESPONSE_HEADERS: [&str; 4] = [
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-max-age",
    "access-control-allow-private-network",
];

/// Fetch §http-responses: whether a name is a CORS response header (`Access-Control-Allow-*`,
/// `Access-Control-Max-Age`, `Access-Control-Expose-Headers`), which servers send and clients
/// never do.
#[must_use]
pub fn is_cors_response_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.starts_with("access-control-allow-")
        || n == "access-control-max-age"
        || n == "access-control-expose-headers"
}

/// Fetch §cors-preflight-fetch step 7.9: how long a preflight result is cached when
/// `Access-Control-Max-Age` is missing or does not parse, in seconds.
pub const DEFAULT_MAX_AGE: u64 = 5;

/// Chromium's cap on `Access-Control-Max-Age`, in seconds (2 hours): the "imposed limit" of
/// Fetch §cors-preflight-fetch step 7.10, `kMaxTimeout` in Chromium's `preflight_result.cc`.
pub const CHROMIUM_MAX_AGE_CAP: u64 = 7200;

/// Firefox's cap on `Access-Control-Max-Age`, in seconds (24 hours).
pub const FIREFOX_MAX_AGE_CAP: u64 = 86_400;

/// WebKit's cap on `Access-Control-Max-Age`, in seconds (10 minutes).
pub const WEBKIT_MAX_AGE_CAP: u64 = 600;

/// The longest `Origin` corsc's output tests against a regex (a pattern or a `regex` entry),
/// in bytes; a longer one is refused before any regex runs.
///
/// Why: a backtracking engine (PCRE, JavaScript, Python's `re`) can take time polynomial in
/// the length of what it reads (`\d*\d*` is quadratic), and a server accepts header values of
/// 8 KiB or more, so one request could pin a core. No browser sends an origin this long: a
/// serialized origin is a scheme, `://`, a host of at most 253 bytes (a DNS name; an IPv6
/// address is shorter) and a port of at most 6 (`:65535`), under 300 bytes for every scheme a
/// page is served from. The bound leaves room for that and refuses the rest. It does not help
/// against exponential backtracking, which a few dozen bytes trigger: lint rule S114
/// (`regex-catastrophic-backtracking`) refuses such regexes.
///
/// Every target applies it, those whose engine does not backtrack too (Rust's `regex`, Go's
/// RE2), and so does the evaluator: a pattern or `regex` entry never admits a longer origin,
/// whatever the target, and `corsc verify` sends one (probe class `over-long`) to a server
/// whose policy has such an entry. Exact origins are compared whatever their length.
pub const MAX_ORIGIN_BYTES: usize = 512;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_lower_case_and_sorted_where_they_are_sets() {
        for t in [
            &FORBIDDEN_REQUEST_HEADERS[..],
            &SAFELISTED_REQUEST_HEADERS[..],
            &SAFELISTED_RESPONSE_HEADERS[..],
        ] {
            assert!(t.windows(2).all(|w| w[0] < w[1]), "{t:?}");
            assert!(t.iter().all(|n| *n == n.to_ascii_lowercase()), "{t:?}");
        }
        for n in SAFELISTED_ANY_USE_REQUEST_HEADERS {
            assert!(SAFELISTED_REQUEST_HEADERS.contains(&n));
        }
    }

    #[test]
    fn methods() {
        assert!(is_forbidden_method("trace") && is_forbidden_method("CONNECT"));
        assert!(!is_forbidden_method("PATCH"));
        assert_eq!(normalize_method("delete"), "DELETE");
        assert_eq!(normalize_method("patch"), "patch");
        assert!(is_safelisted_method("GET") && !is_safelisted_method("get"));
    }

    #[test]
    fn headers() {
        assert!(is_forbidden_request_header("Sec-Fetch-Mode"));
        assert!(is_forbidden_request_header("Proxy-Authorization"));
        assert!(is_forbidden_request_header("Via"));
        assert!(!is_forbidden_request_header("Authorization"));
        assert!(is_forbidden_response_header("Set-Cookie"));
        assert!(is_cors_response_header("Access-Control-Allow-Origin"));
        assert!(!is_cors_response_header("Access-Control-Request-Method"));
        assert!(is_safelisted_request_header("Content-Type", "text/plain"));
        assert!(!is_safelisted_request_header(
            "Content-Type",
            "application/json"
        ));
        assert!(!is_safelisted_request_header("Range", "bytes=-500"));
    }

    // The caps, shortest first: the lint rule's note and warning rely on the order.
    const _: () = assert!(WEBKIT_MAX_AGE_CAP < CHROMIUM_MAX_AGE_CAP);
    const _: () = assert!(CHROMIUM_MAX_AGE_CAP < FIREFOX_MAX_AGE_CAP);
}
