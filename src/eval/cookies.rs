//! Whether a credentialed request carries the user's cookies, per browser engine.
//!
//! CORS decides whether script may read the response; it does not decide which cookies go with
//! the request. That is each engine's third-party cookie policy, keyed on *sites* (scheme and
//! registrable domain, [`crate::ir::Site`]): a same-site request carries the user's cookies in
//! every engine, a cross-site one only where [`crate::browsers::CrossSiteCookies`] says so. A
//! policy can allow credentials and still see no cookie arrive; `simulate` says so up front.

use crate::browsers::{BrowserModel, CrossSiteCookies, ENGINES};
use crate::ir::{Origin, Site};
use serde::Serialize;

/// How the calling page's site relates to the server's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SiteRelation {
    /// One site: cookies go with the request in every engine (`SameSite=Strict` ones too).
    SameSite,
    /// Two sites (or an opaque `null` origin): each engine's third-party cookie policy decides.
    CrossSite,
    /// The server's origin was not given.
    Unknown,
}

/// What one engine does with the user's cookies for this request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EngineCookies {
    /// The engine's name.
    pub browser: &'static str,
    /// The outcome in words.
    pub outcome: String,
    /// Whether the user's cookies on the server's site go with the request (`None`: depends on
    /// the site relation, which is unknown).
    pub sent: Option<bool>,
}

/// The cookie outcome of a credentialed request, per engine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CookieReport {
    /// The calling page's site (`None` for `null`, which has none).
    pub page_site: Option<String>,
    /// The server's site, when its origin is known.
    pub server_site: Option<String>,
    /// Same site, cross-site or unknown.
    pub relation: SiteRelation,
    /// Each engine's outcome.
    pub engines: Vec<EngineCookies>,
}

/// What a cross-site request carries in an engine, and whether that includes the user's
/// cookies on the server's site.
fn cross_site(m: &BrowserModel) -> (String, bool) {
    let sent = m.cross_site_cookies == CrossSiteCookies::Sent;
    (m.cross_site_cookies.describe().to_string(), sent)
}

/// The outcome for a credentialed request from `page` (a serialized origin, or `null`) to a
/// server at `server`.
#[must_use]
pub fn report(page: &str, server: Option<&Origin>) -> CookieReport {
    let page_site: Option<Site> = Origin::parse_serialized(page).map(|o| o.site());
    let server_site = server.map(Origin::site);
    let relation = match (&page_site, &server_site) {
        (_, None) => SiteRelation::Unknown,
        (Some(p), Some(s)) if p == s => SiteRelation::SameSite,
        _ => SiteRelation::CrossSite,
    };
    let engines = ENGINES
        .iter()
        .map(|m| {
            let (outcome, sent) = match relation {
                SiteRelation::SameSite => (
                    "sent: a same-site request carries every cookie".to_string(),
                    Some(true),
                ),
                SiteRelation::CrossSite => {
                    let (o, s) = cross_site(m);
                    (o, Some(s))
                }
                SiteRelation::Unknown => {
                    let (o, _) = cross_site(m);
                    (
                        format!("sent if the server is on the page's site; from another site {o}"),
                        None,
                    )
                }
            };
            EngineCookies {
                browser: m.name,
                outcome,
                sent,
            }
        })
        .collect();
    CookieReport {
        page_site: page_site.map(|s| s.to_string()),
        server_site: server_site.map(|s| s.to_string()),
        relation,
        engines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(s: &str) -> Origin {
        Origin::parse_serialized(s).expect("an origin")
    }

    fn sent(r: &CookieReport) -> Vec<(&str, Option<bool>)> {
        r.engines.iter().map(|e| (e.browser, e.sent)).collect()
    }

    #[test]
    fn a_subdomain_of_the_same_site_gets_cookies_everywhere() {
        let r = report(
            "https://app.example.com",
            Some(&origin("https://api.example.com")),
        );
        assert_eq!(r.relation, SiteRelation::SameSite);
        assert!(r.engines.iter().all(|e| e.sent == Some(true)));
    }

    #[test]
    fn another_site_gets_cookies_only_in_chromium() {
        let r = report(
            "https://shop.example.net",
            Some(&origin("https://api.example.com")),
        );
        assert_eq!(r.relation, SiteRelation::CrossSite);
        assert_eq!(
            sent(&r),
            vec![
                ("WebKit", Some(false)),
                ("Chromium", Some(true)),
                ("Firefox", Some(false))
            ]
        );
    }

    #[test]
    fn scheme_and_public_suffixes_split_sites_and_null_has_none() {
        let api = origin("https://api.example.com");
        assert_eq!(
            report("http://app.example.com", Some(&api)).relation,
            SiteRelation::CrossSite
        );
        let gh = origin("https://b.github.io");
        assert_eq!(
            report("https://a.github.io", Some(&gh)).relation,
            SiteRelation::CrossSite
        );
        let r = report("null", Some(&api));
        assert_eq!((r.relation, r.page_site), (SiteRelation::CrossSite, None));
        assert_eq!(
            report("https://app.example.com", None).relation,
            SiteRelation::Unknown
        );
    }
}
