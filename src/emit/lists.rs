//! The method and request-header lists handed to libraries that take lists, not header values.

use super::plan::{items, Allow};
use crate::fetch::SAFELISTED_METHODS;

/// The CORS response headers a proxy removes from what the application behind it sends, so
/// that its own answer is the only one the browser sees (two `Access-Control-Allow-Origin`
/// lines fail in every browser; a stray one for a refused origin would grant it).
pub const CORS_RESPONSE_HEADERS: &[&str] = &[
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Expose-Headers",
    "Access-Control-Max-Age",
    "Access-Control-Allow-Private-Network",
];

/// The safelisted methods, then the policy's other listed methods in its order.
///
/// Browsers never ask a preflight about `GET`, `HEAD` or `POST`, but several libraries check
/// a preflight's method (actix-cors, Starlette, Flask-CORS) or an actual request's (rs/cors,
/// Spring) against their list and refuse or strip what is not in it, so the safelisted
/// methods are always listed. A list sorted afterwards is sorted and free of repeats.
#[must_use]
pub fn with_safelisted(methods: &Allow) -> Vec<&str> {
    let mut out: Vec<&str> = SAFELISTED_METHODS.to_vec();
    if let Allow::Static(list) = methods {
        for m in items(list) {
            if !out.contains(&m) {
                out.push(m);
            }
        }
    }
    out
}

/// The request headers for a library that reads `*` as "echo every requested header": `*`
/// for `request-headers *` and for the echoes the plan asks for, otherwise the listed names
/// (none when the policy lists none). Such a library cannot leave `authorization` out of an
/// echo, so its target declares [`crate::emit::limits::Limit::WildcardHeadersEchoAll`]: the
/// plan accepts `*` only with `Authorization` listed beside it.
#[must_use]
pub fn star_or_listed(headers: &Allow) -> Vec<&str> {
    match headers {
        Allow::Omit => Vec::new(),
        Allow::Static(s) if s.starts_with('*') => vec!["*"],
        Allow::Static(s) => items(s).collect(),
        Allow::Mirror | Allow::MirrorUnlessAuthorization => vec!["*"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safelisted_methods_come_first_and_once() {
        let listed = Allow::Static("DELETE, GET, PUT".to_string());
        assert_eq!(
            with_safelisted(&listed),
            ["GET", "HEAD", "POST", "DELETE", "PUT"]
        );
        assert_eq!(with_safelisted(&Allow::Omit), ["GET", "HEAD", "POST"]);
        assert_eq!(with_safelisted(&Allow::Mirror), ["GET", "HEAD", "POST"]);
    }

    #[test]
    fn a_star_or_an_echo_is_a_star() {
        let star = Allow::Static("*, authorization".to_string());
        assert_eq!(star_or_listed(&star), ["*"]);
        assert_eq!(star_or_listed(&Allow::Mirror), ["*"]);
        let listed = Allow::Static("content-type, x-a".to_string());
        assert_eq!(star_or_listed(&listed), ["content-type", "x-a"]);
        assert!(star_or_listed(&Allow::Omit).is_empty());
    }
}
