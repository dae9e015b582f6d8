//! What each browser engine does where engines differ, with the source of every fact.
//!
//! The CORS protocol itself is the Fetch standard's, and `eval::browser` follows it step by
//! step. Engines still differ where the standard leaves room ("an imposed limit" on the
//! preflight cache) or where one has not yet shipped a change the standard made (whether `*`
//! in `Access-Control-Allow-Headers` covers `Authorization`). Around CORS they differ where
//! users get hurt most: what reaches a local network, and whether a credentialed request from
//! another site carries cookies at all. One [`BrowserModel`] per engine holds those facts;
//! `simulate --browser` picks one, `corsc explain browsers` prints them side by side (the
//! README's table is that output), and the ground-truth tests hold the Chromium, Firefox and
//! WebKit models to the installed browsers.
//!
//! A leaf beside [`crate::fetch`]: the lint rules that name a browser's limit and the evaluator
//! that applies it read the same facts.

use serde::Serialize;
use std::fmt::Write as _;

/// What happens when a public page's request goes to a more private address (a device on the
/// local network, or loopback).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LocalNetwork {
    /// Local Network Access: the browser asks the user (the `local-network-access` permission
    /// in Chrome 142–144, `local-network` or `loopback-network` from 145); no response header
    /// grants or refuses it, so
    /// `Access-Control-Allow-Private-Network` does nothing.
    Prompt,
    /// No gate beyond CORS itself.
    NoGate,
}

/// Whether a credentialed request from a page of another *site* (registrable domain and scheme)
/// carries the cookies the user has on the server's site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CrossSiteCookies {
    /// Sent: cookies marked `SameSite=None; Secure` go with it (`Lax`, the default, and
    /// `Strict` do not).
    Sent,
    /// Partitioned: only cookies set while the server was embedded under that same top-level
    /// site are sent, never the ones the user got by visiting the server's site.
    Partitioned,
    /// Blocked: no cookies at all, unless the page obtained storage access.
    Blocked,
}

impl CrossSiteCookies {
    /// What a credentialed cross-site request carries, in a few words.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            CrossSiteCookies::Sent => "sent (only cookies set with `SameSite=None; Secure`)",
            CrossSiteCookies::Partitioned => {
                "partitioned: the cookies the user has on the server's own site are not sent"
            }
            CrossSiteCookies::Blocked => {
                "blocked: no cookies, unless the page obtained storage access"
            }
        }
    }
}

/// Where each fact of a model comes from: a spec section, an engine's source file, a release
/// note, or the ground-truth test that observed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Sources {
    /// For [`BrowserModel::max_age_cap`].
    pub max_age_cap: &'static str,
    /// For [`BrowserModel::wildcard_covers_authorization`].
    pub wildcard_covers_authorization: &'static str,
    /// For [`BrowserModel::negative_max_age_is_zero`].
    pub negative_max_age: &'static str,
    /// For [`BrowserModel::invalid_max_age_is_zero`].
    pub invalid_max_age: &'static str,
    /// For [`BrowserModel::caches_wildcard_grants`].
    pub wildcard_grants_cached: &'static str,
    /// For [`BrowserModel::local_network`].
    pub local_network: &'static str,
    /// For [`BrowserModel::cross_site_cookies`].
    pub cross_site_cookies: &'static str,
}

/// What a particular browser does where browsers differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct BrowserModel {
    /// Its name on the command line (`--browser chromium`).
    pub key: &'static str,
    /// Its name, for messages.
    pub name: &'static str,
    /// How the model is checked: the ground-truth test and browser version, or the sources only.
    pub checked: &'static str,
    /// The longest time a preflight result is cached, in seconds.
    pub max_age_cap: u64,
    /// Whether `Access-Control-Allow-Headers: *` also covers `Authorization` (non-credentialed).
    /// The standard says it never does (Fetch §cors-preflight-fetch step 7.6).
    pub wildcard_covers_authorization: bool,
    /// Whether a negative `Access-Control-Max-Age` means 0 (no caching) instead of the
    /// standard's fallback of 5 seconds.
    pub negative_max_age_is_zero: bool,
    /// Whether any present `Access-Control-Max-Age` that is not one delta-seconds (`10s`,
    /// `1.5`, several lines) means 0 instead of the standard's fallback of 5 seconds.
    pub invalid_max_age_is_zero: bool,
    /// Whether a method or header granted only by `*` is served from the preflight cache. The
    /// standard's cache matches `*` entries; Firefox caches the literal token `*` and looks up
    /// the request's own method and header names, so such a request is preflighted every time.
    pub caches_wildcard_grants: bool,
    /// What gates a request from a public page to a local or loopback address.
    pub local_network: LocalNetwork,
    /// What a credentialed request from another site carries.
    pub cross_site_cookies: CrossSiteCookies,
    /// Where each of the above comes from.
    pub sources: Sources,
}

/// Chromium (and Chrome, Edge, Opera, Brave), as of Chromium 142 and later.
///
/// Deviations from the standard, on purpose: `Access-Control-Max-Age` is capped at 7200 s and a
/// negative value means 0; `Access-Control-Allow-Headers: *` still covers `Authorization` for
/// non-credentialed requests — Chromium only counts the use (`AuthorizationCoveredByWildcard`)
/// while its enforcement stays off. `tests/chromium_ground_truth.rs` checks all of it against
/// the installed browser.
pub const CHROMIUM: BrowserModel = BrowserModel {
    key: "chromium",
    name: "Chromium",
    checked: "tests/chromium_ground_truth.rs, against Debian's chromium",
    max_age_cap: crate::fetch::CHROMIUM_MAX_AGE_CAP,
    wildcard_covers_authorization: true,
    negative_max_age_is_zero: true,
    invalid_max_age_is_zero: false,
    caches_wildcard_grants: true,
    local_network: LocalNetwork::Prompt,
    cross_site_cookies: CrossSiteCookies::Sent,
    sources: Sources {
        max_age_cap: "Chromium services/network/cors/preflight_result.cc, kMaxTimeout = base::Hours(2): https://source.chromium.org/chromium/chromium/src/+/main:services/network/cors/preflight_result.cc",
        wildcard_covers_authorization: "mdn/browser-compat-data PR 20092 (Chrome: `*` still covers Authorization): https://github.com/mdn/browser-compat-data/pull/20092; observed by tests/chromium_ground_truth.rs",
        negative_max_age: "Chromium preflight_result.cc parses the value as a signed number and clamps it to 0; observed by tests/chromium_ground_truth.rs",
        invalid_max_age: "Chromium preflight_result.cc: a value that does not parse as a number falls back to the default 5 s; observed by tests/chromium_ground_truth.rs",
        wildcard_grants_cached: "Chromium preflight_result.cc keeps `*` in the cached method and header sets and matches it on later requests; observed by tests/chromium_ground_truth.rs",
        local_network: "Chrome 142 (2025-10-28) replaced Private Network Access with Local Network Access, a permission prompt: https://developer.chrome.com/blog/local-network-access; MDN, Local Network Access: https://developer.mozilla.org/en-US/docs/Web/Security/Local_Network_Access",
        cross_site_cookies: "Chrome keeps third-party cookies (no standalone prompt, 2025-04-22: https://privacysandbox.com/news/privacy-sandbox-next-steps/); SameSite=None needs Secure: https://www.chromium.org/updates/same-site/",
    },
};

/// Firefox (ESR and release), as `tests/firefox_ground_truth.rs` verifies it.
///
/// Caps max-age at 86400 s; caches a preflight only when `Access-Control-Max-Age` is absent
/// (5 s) or all digits — anything else, a negative number or two lines included, is not
/// cached (`AddResultToCache` in `netwerk/protocol/http/nsCORSListenerProxy.cpp`); its cache
/// holds the tokens the server listed, so a method or header that only `*` granted is
/// preflighted again every time (`CacheEntry::CheckRequest`, same file). `*` covers
/// `Authorization` for non-credentialed requests while the pref
/// `network.cors_preflight.authorization_covered_by_wildcard` is on (the default).
pub const FIREFOX: BrowserModel = BrowserModel {
    key: "firefox",
    name: "Firefox",
    checked: "tests/firefox_ground_truth.rs, against Debian's firefox-esr",
    max_age_cap: crate::fetch::FIREFOX_MAX_AGE_CAP,
    wildcard_covers_authorization: true,
    negative_max_age_is_zero: true,
    invalid_max_age_is_zero: true,
    caches_wildcard_grants: false,
    local_network: LocalNetwork::NoGate,
    cross_site_cookies: CrossSiteCookies::Partitioned,
    sources: Sources {
        max_age_cap: "Firefox netwerk/protocol/http/nsCORSListenerProxy.cpp (86400 s): https://searchfox.org/mozilla-central/source/netwerk/protocol/http/nsCORSListenerProxy.cpp",
        wildcard_covers_authorization: "pref network.cors_preflight.authorization_covered_by_wildcard (MDN, Firefox experimental features): https://developer.mozilla.org/en-US/docs/Mozilla/Firefox/Experimental_features; mdn/browser-compat-data PR 20092",
        negative_max_age: "nsCORSListenerProxy.cpp, AddResultToCache reads only digits: a `-` and nothing is cached; observed by tests/firefox_ground_truth.rs",
        invalid_max_age: "nsCORSListenerProxy.cpp, nsCORSPreflightListener::AddResultToCache: any byte that is not a digit, or several lines, and nothing is cached; observed by tests/firefox_ground_truth.rs",
        wildcard_grants_cached: "nsCORSListenerProxy.cpp, CacheEntry::CheckRequest looks up the request's own method and header names, so a grant made by `*` is not reused; observed by tests/firefox_ground_truth.rs",
        local_network: "Firefox has no Private Network Access and no Local Network Access by default: https://developer.mozilla.org/en-US/docs/Web/Security/Local_Network_Access",
        cross_site_cookies: "Total Cookie Protection, on by default since Firefox 103 (2022-06-14): https://blog.mozilla.org/en/mozilla/firefox-rolls-out-total-cookie-protection-by-default-to-all-users-worldwide/",
    },
};

/// WebKit (Safari, and every browser on iOS).
pub const WEBKIT: BrowserModel = BrowserModel {
    key: "webkit",
    name: "WebKit",
    checked: "tests/webkit_ground_truth.rs, against Debian's WebKitGTK 2.50.6",
    max_age_cap: crate::fetch::WEBKIT_MAX_AGE_CAP,
    wildcard_covers_authorization: true,
    negative_max_age_is_zero: true,
    invalid_max_age_is_zero: false,
    caches_wildcard_grants: true,
    local_network: LocalNetwork::NoGate,
    cross_site_cookies: CrossSiteCookies::Blocked,
    sources: Sources {
        max_age_cap: "WebKit Source/WebCore/loader/CrossOriginPreflightResultCache.cpp, maxPreflightCacheTimeout = 600_s: https://github.com/WebKit/WebKit/blob/main/Source/WebCore/loader/CrossOriginPreflightResultCache.cpp; observed by tests/webkit_ground_truth.rs",
        wildcard_covers_authorization: "CrossOriginPreflightResultCache.cpp, validateCrossOriginHeaders: a non-credentialed `*` allows every header, Authorization included; observed by tests/webkit_ground_truth.rs",
        negative_max_age: "CrossOriginPreflightResultCache.cpp parses a signed integer, so a negative value expires the entry at once; observed by tests/webkit_ground_truth.rs",
        invalid_max_age: "CrossOriginPreflightResultCache.cpp: a value parseInteger rejects falls back to defaultPreflightCacheTimeout (5 s)",
        wildcard_grants_cached: "CrossOriginPreflightResultCache.cpp, allowsCrossOriginMethod and validateCrossOriginHeaders accept a cached `*` without credentials",
        local_network: "WebKit has no Private Network Access and no Local Network Access: https://developer.mozilla.org/en-US/docs/Web/Security/Local_Network_Access",
        cross_site_cookies: "Full third-party cookie blocking since Safari 13.1 (2020-03-24): https://webkit.org/blog/10218/full-third-party-cookie-blocking-and-more/",
    },
};

/// The Fetch standard to the letter: no cap of its own (the spec allows "an imposed limit";
/// Firefox's 24 h is used), and `*` never covers `Authorization`.
pub const SPEC: BrowserModel = BrowserModel {
    key: "spec",
    name: "the Fetch standard",
    checked: "the standard's text (whatwg/fetch@586cd2a)",
    max_age_cap: crate::fetch::FIREFOX_MAX_AGE_CAP,
    wildcard_covers_authorization: false,
    negative_max_age_is_zero: false,
    invalid_max_age_is_zero: false,
    caches_wildcard_grants: true,
    local_network: LocalNetwork::NoGate,
    cross_site_cookies: CrossSiteCookies::Sent,
    sources: Sources {
        max_age_cap: "Fetch §cors-preflight-fetch step 7.10 (\"an imposed limit\"): https://fetch.spec.whatwg.org/#cors-preflight-fetch",
        wildcard_covers_authorization: "Fetch §cors-preflight-fetch step 7.6 (a CORS non-wildcard request-header name): https://fetch.spec.whatwg.org/#cors-non-wildcard-request-header-name",
        negative_max_age: "Fetch §cors-preflight-fetch step 7.9: a value that is not delta-seconds falls back to 5 s",
        invalid_max_age: "Fetch §cors-preflight-fetch step 7.9: a value that is not delta-seconds falls back to 5 s",
        wildcard_grants_cached: "Fetch §cors-preflight-fetch step 7.10 and §concept-cache-match: a cache entry for `*` matches any method or header without credentials",
        local_network: "Local Network Access is a WICG draft, not part of Fetch: https://wicg.github.io/local-network-access/",
        cross_site_cookies: "the standards leave third-party cookie policy to the browser (RFC 6265bis, SameSite): https://datatracker.ietf.org/doc/draft-ietf-httpbis-rfc6265bis/",
    },
};

/// The three engines, without the standard: what a finding about real browsers names.
pub const ENGINES: [&BrowserModel; 3] = [&WEBKIT, &CHROMIUM, &FIREFOX];

/// Every model, in the order `--browser` lists them.
pub const MODELS: [&BrowserModel; 4] = [&CHROMIUM, &FIREFOX, &WEBKIT, &SPEC];

/// The model named `key` (`chromium`, `firefox`, `webkit`, `spec`).
#[must_use]
pub fn by_key(key: &str) -> Option<&'static BrowserModel> {
    MODELS.iter().copied().find(|m| m.key == key)
}

/// A duration in seconds as people say it (`2 h`, `24 h`, `10 min`).
fn duration(secs: u64) -> String {
    if secs % 3600 == 0 {
        format!("{secs} s ({} h)", secs / 3600)
    } else if secs % 60 == 0 {
        format!("{secs} s ({} min)", secs / 60)
    } else {
        format!("{secs} s")
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// The differences between the models as a Markdown table with numbered sources: what
/// `corsc explain browsers` prints and the README holds.
#[must_use]
pub fn markdown_table() -> String {
    type Row = (
        &'static str,
        fn(&BrowserModel) -> String,
        fn(&Sources) -> &'static str,
    );
    let rows: [Row; 7] = [
        (
            "preflight cache cap (`max-age` above it is cut)",
            |m| duration(m.max_age_cap),
            |s| s.max_age_cap,
        ),
        (
            "`Access-Control-Allow-Headers: *` covers `Authorization` (no credentials)",
            |m| yes_no(m.wildcard_covers_authorization).to_string(),
            |s| s.wildcard_covers_authorization,
        ),
        (
            "negative `Access-Control-Max-Age`",
            |m| {
                if m.negative_max_age_is_zero {
                    "0 s (not cached)".to_string()
                } else {
                    "5 s (the default)".to_string()
                }
            },
            |s| s.negative_max_age,
        ),
        (
            "unparsable `Access-Control-Max-Age` (`10s`, two lines)",
            |m| {
                if m.invalid_max_age_is_zero {
                    "0 s (not cached)".to_string()
                } else {
                    "5 s (the default)".to_string()
                }
            },
            |s| s.invalid_max_age,
        ),
        (
            "a method or header allowed only by `*` is served from the preflight cache",
            |m| yes_no(m.caches_wildcard_grants).to_string(),
            |s| s.wildcard_grants_cached,
        ),
        (
            "public page → local or loopback address",
            |m| match m.local_network {
                LocalNetwork::Prompt => {
                    "the user is asked; `Access-Control-Allow-Private-Network` does nothing"
                        .to_string()
                }
                LocalNetwork::NoGate => "CORS only; the header does nothing".to_string(),
            },
            |s| s.local_network,
        ),
        (
            "credentialed request from another site carries cookies",
            |m| m.cross_site_cookies.describe().to_string(),
            |s| s.cross_site_cookies,
        ),
    ];
    let mut out = String::from("| | ");
    out.push_str(
        &MODELS
            .iter()
            .map(|m| format!("{} (`--browser {}`)", m.name, m.key))
            .collect::<Vec<_>>()
            .join(" | "),
    );
    out.push_str(" |\n|---|");
    out.push_str(&"---|".repeat(MODELS.len()));
    out.push('\n');
    let mut sources: Vec<&'static str> = Vec::new();
    let mut cite = |s: &'static str| -> usize {
        match sources.iter().position(|x| *x == s) {
            Some(i) => i + 1,
            None => {
                sources.push(s);
                sources.len()
            }
        }
    };
    for (label, value, source) in rows {
        let _ = write!(out, "| {label} |");
        for m in MODELS {
            let n = cite(source(&m.sources));
            let _ = write!(out, " {} [{n}] |", value(m));
        }
        out.push('\n');
    }
    let _ = write!(out, "| the cache and header rows checked by |");
    for m in MODELS {
        let _ = write!(out, " {} |", m.checked);
    }
    out.push_str(
        "\n\nThe local-network and cookie rows rest on the sources alone: no test here observes them.\n\n",
    );
    for (i, s) in sources.iter().enumerate() {
        let _ = writeln!(out, "{}. {s}", i + 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_model_has_a_distinct_key_and_a_source_for_every_fact() {
        for (i, m) in MODELS.iter().enumerate() {
            assert_eq!(by_key(m.key), Some(*m));
            assert!(MODELS[..i].iter().all(|o| o.key != m.key));
            let s = m.sources;
            for fact in [
                s.max_age_cap,
                s.wildcard_covers_authorization,
                s.negative_max_age,
                s.invalid_max_age,
                s.wildcard_grants_cached,
                s.local_network,
                s.cross_site_cookies,
            ] {
                assert!(fact.len() > 20, "{}: {fact:?}", m.key);
            }
        }
        assert_eq!(by_key("safari"), None);
    }

    #[test]
    fn the_table_shows_each_engines_cap_and_numbers_its_sources() {
        let t = markdown_table();
        for cap in ["7200 s (2 h)", "86400 s (24 h)", "600 s (10 min)"] {
            assert!(t.contains(cap), "{cap} missing:\n{t}");
        }
        // Every `[n]` cited has its numbered line.
        let max = (1..100)
            .take_while(|n| t.contains(&format!("[{n}]")))
            .last();
        let max = max.expect("sources are cited");
        assert!(t.contains(&format!("\n{max}. ")), "{t}");
        assert!(!t.contains(&format!("\n{}. ", max + 1)), "{t}");
    }
}
