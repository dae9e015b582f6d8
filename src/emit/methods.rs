//! The method lists handed to libraries that check methods against their own list.

use super::plan::{items, Allow};
use crate::fetch::SAFELISTED_METHODS;

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
}
