//! The directive table: every directive's name, what it takes, and where it may stand.

/// What a directive's values mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Kind {
    Paths,
    Origins,
    Methods,
    RequestHeaders,
    ExposeHeaders,
    Credentials,
    MaxAge,
    PrivateNetwork,
    Owner,
}

/// Where a directive may be written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Placement {
    /// Inside `policy { … }` and its profiles.
    Policy,
    /// At the top level of a file.
    File,
}

/// One row of the table.
#[derive(Debug)]
pub(crate) struct Spec {
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
    /// Whether `+=` has meaning (the value is a list).
    pub(crate) list: bool,
    pub(crate) placement: Placement,
    /// What one value looks like, for "expected …" messages.
    pub(crate) expects: &'static str,
    /// A whole directive written correctly, for help lines.
    pub(crate) example: &'static str,
}

pub(crate) const SPECS: &[Spec] = &[
    Spec { name: "paths", example: "paths \"/api/*\", \"/health\"", kind: Kind::Paths, list: true, placement: Placement::Policy, expects: "a quoted path such as `\"/api/*\"`" },
    Spec { name: "origins", example: "origins \"https://app.example.com\", \"https://*.example.com\"", kind: Kind::Origins, list: true, placement: Placement::Policy, expects: "an origin such as `\"https://app.example.com\"`, `*`, `null`, `regex \"…\"` or an origin set name" },
    Spec { name: "methods", example: "methods PUT, PATCH, DELETE", kind: Kind::Methods, list: true, placement: Placement::Policy, expects: "a method such as `GET` or `*`" },
    Spec { name: "request-headers", example: "request-headers Content-Type, Authorization", kind: Kind::RequestHeaders, list: true, placement: Placement::Policy, expects: "a header name such as `Content-Type`, `*` or `mirror`" },
    Spec { name: "expose-headers", example: "expose-headers ETag, X-Request-Id", kind: Kind::ExposeHeaders, list: true, placement: Placement::Policy, expects: "a header name such as `ETag` or `*`" },
    Spec { name: "credentials", example: "credentials true", kind: Kind::Credentials, list: false, placement: Placement::Policy, expects: "`true` or `false`" },
    Spec { name: "max-age", example: "max-age 10m", kind: Kind::MaxAge, list: false, placement: Placement::Policy, expects: "a duration such as `600`, `10m` or `2h`" },
    Spec { name: "private-network", example: "private-network true", kind: Kind::PrivateNetwork, list: false, placement: Placement::Policy, expects: "`true` or `false`" },
    Spec { name: "owner", example: "owner proxy", kind: Kind::Owner, list: false, placement: Placement::File, expects: "`proxy` or `app`" },
];

/// Spellings from other CORS tools and headers, mapped to corsc's directive.
const ALIASES: &[(&str, &str)] = &[
    ("origin", "origins"),
    ("allow-origin", "origins"),
    ("allow-origins", "origins"),
    ("allowed-origins", "origins"),
    ("access-control-allow-origin", "origins"),
    ("method", "methods"),
    ("allow-methods", "methods"),
    ("allowed-methods", "methods"),
    ("access-control-allow-methods", "methods"),
    ("headers", "request-headers"),
    ("allow-headers", "request-headers"),
    ("allowed-headers", "request-headers"),
    ("access-control-allow-headers", "request-headers"),
    ("expose", "expose-headers"),
    ("exposed-headers", "expose-headers"),
    ("access-control-expose-headers", "expose-headers"),
    ("allow-credentials", "credentials"),
    ("supports-credentials", "credentials"),
    ("access-control-allow-credentials", "credentials"),
    ("maxage", "max-age"),
    ("max-age-seconds", "max-age"),
    ("access-control-max-age", "max-age"),
    ("allow-private-network", "private-network"),
    ("path", "paths"),
    ("route", "paths"),
    ("routes", "paths"),
];

/// Finds a directive by its exact name.
pub(crate) fn find(name: &str) -> Option<&'static Spec> {
    SPECS.iter().find(|s| s.name == name)
}

/// The directive a misspelled or foreign name most likely means.
pub(crate) fn suggest(name: &str) -> Option<&'static str> {
    let norm = name.to_ascii_lowercase().replace('_', "-");
    if let Some(s) = find(&norm) {
        return Some(s.name);
    }
    if let Some((_, to)) = ALIASES.iter().find(|(from, _)| *from == norm) {
        return Some(to);
    }
    crate::check::suggest::closest(&norm, SPECS.iter().map(|s| s.name))
}
