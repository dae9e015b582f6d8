//! What each target can express, declared as data.
//!
//! A table per target, read by [`crate::emit::plan`](mod@crate::emit::plan) (the only place that compares it with a
//! policy) and printed by `corsc targets`. Renderers never look at it: once a plan exists, the
//! target can express all of it.

use crate::regex::Engine;
use serde::{Serialize, Serializer};
use std::fmt;

/// Whether a target supports a feature, and from which version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "support", content = "version", rename_all = "kebab-case")]
pub enum Support {
    /// In every version corsc targets.
    Yes,
    /// From this version on; the generated file says so in its header.
    Since(&'static str),
    /// Not at all: a policy that needs it is refused with `P301`.
    No,
}

impl Support {
    /// Whether the feature can be used.
    #[must_use]
    pub fn available(self) -> bool {
        !matches!(self, Support::No)
    }

    /// `yes`, `no` or `since 1.2.3`, for tables.
    #[must_use]
    pub fn describe(self) -> String {
        match self {
            Support::Yes => "yes".to_string(),
            Support::Since(v) => format!("since {v}"),
            Support::No => "no".to_string(),
        }
    }
}

/// The shapes a target's output can take.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Shape {
    /// Fragments to include into an existing configuration.
    Include,
    /// A complete, runnable server for trying a policy and for tests.
    Server,
    /// A per-directory file (Apache `.htaccess`).
    Htaccess,
    /// Lines to include inside a `location` of the user's own, next to their `proxy_pass`
    /// (nginx), with the http-level part beside them.
    Snippet,
    /// An AWS CloudFormation template (the resource's properties in CloudFormation's own
    /// spelling, which differs from the service API's).
    Cloudformation,
    /// Kubernetes objects (custom resources) to `kubectl apply`.
    Kubernetes,
}

impl Shape {
    /// The CLI spelling.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Shape::Include => "include",
            Shape::Server => "server",
            Shape::Htaccess => "htaccess",
            Shape::Snippet => "snippet",
            Shape::Cloudformation => "cloudformation",
            Shape::Kubernetes => "kubernetes",
        }
    }
}

/// How exact origins are looked up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lookup {
    /// A hash table (nginx `map` string keys): constant time however long the list.
    Hash,
    /// One regex, the trie of the origins (`emit::trie`), for libraries that take regexes but
    /// no set: its work grows with the length of the `Origin`, not of the list. (Apache's
    /// lines are short: there, one regex per 16 KB of trie, about 900 origins.)
    Trie,
    /// A list compared in order: Caddy's `header` matcher, which a Caddyfile has nothing
    /// better than (its `map` compares in order too).
    Linear,
}

/// The regex engine a target hands `regex` origins to. The plan asks the engine's model
/// ([`crate::regex`]) what it reads as corsc does; `corsc targets` prints the name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegexDialect {
    /// Regexes are written for this engine.
    Engine(Engine),
    /// The target takes no regex, only origin patterns in its own syntax.
    OriginPatternsOnly,
}

impl RegexDialect {
    /// The engine, if the target has one.
    #[must_use]
    pub fn engine(self) -> Option<Engine> {
        match self {
            RegexDialect::Engine(e) => Some(e),
            RegexDialect::OriginPatternsOnly => None,
        }
    }
}

/// The name in messages and tables: the engine's, e.g. `Go regexp (RE2)`.
impl fmt::Display for RegexDialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegexDialect::Engine(e) => f.write_str(e.name()),
            RegexDialect::OriginPatternsOnly => f.write_str("none (origin patterns only)"),
        }
    }
}

/// Published as its name, as `corsc targets --format json` always has.
impl Serialize for RegexDialect {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The limits of a target's configuration syntax that decide whether a string can be written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Syntax {
    /// Substrings that cannot be written in a header value, with or without quoting.
    pub value_forbidden: &'static [&'static str],
    /// Substrings that cannot be written in a regular expression.
    pub regex_forbidden: &'static [&'static str],
    /// The longest single configuration token (a quoted regex) the parser accepts.
    pub max_token: usize,
    /// The largest count a regex repetition (`{n}`, `{n,m}`) may have: Go's RE2 refuses more
    /// than 1000 when the program compiles (`regexp.MustCompile` panics at start-up).
    pub max_regex_repeat: u32,
}

impl Syntax {
    /// No syntax to escape into: a library takes every string through its API. Only a bound
    /// on one value (1 MiB) remains.
    pub const LIBRARY_API: Syntax = Syntax {
        value_forbidden: &[],
        regex_forbidden: &[],
        max_token: 1 << 20,
        max_regex_repeat: u32::MAX,
    };
}

/// A target's capabilities. Every field is a feature a policy may need.
///
/// A target's table states what sets it apart and takes the rest from [`Capabilities::COMMON`]
/// (`..Capabilities::COMMON`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Capabilities {
    /// The oldest version the output is written for.
    pub min_version: &'static str,
    /// Exact origins, and how they are looked up.
    pub exact_origins: Support,
    /// How exact origins are looked up.
    pub exact_lookup: Lookup,
    /// `https://*.example.com`: one or more labels before the base.
    pub subdomain_patterns: Support,
    /// `http://localhost:*`: any port, the default one included.
    pub port_patterns: Support,
    /// `regex "…"` origins, full-match.
    pub regex: Support,
    /// The regex dialect the target uses.
    pub regex_dialect: RegexDialect,
    /// Named capture groups in a regex (nginx turns them into variables).
    pub regex_named_groups: bool,
    /// `origins *` without credentials: a static `Access-Control-Allow-Origin: *`.
    pub any_origin: Support,
    /// `Access-Control-Allow-Credentials: true` for allowed origins.
    pub credentials: Support,
    /// Echoing `Access-Control-Request-Headers` / `-Method` into the response.
    pub header_mirroring: Support,
    /// `expose-headers *` for credentialed requests, where `*` is literal: the server would
    /// have to list every response header name.
    pub expose_any_with_credentials: Support,
    /// `Access-Control-Max-Age`.
    pub max_age: Support,
    /// `Access-Control-Allow-Private-Network` on preflights that ask for it.
    pub private_network: Support,
    /// Different policies for different paths.
    pub path_scoping: Support,
    /// The path form the target's router compares with its routes, which the generated
    /// dispatcher selects a policy on and the plan compares scopes in; `verify` and
    /// `simulate` hand it to the evaluator for `--target`.
    pub routing: crate::eval::Routing,
    /// The path forms of other routers one output also dispatches on (NestJS: Express's and
    /// Fastify's): the plan keeps scopes apart in each of them as well.
    pub also_routing: &'static [crate::eval::Routing],
    /// Output shapes, the first being the default.
    pub shapes: &'static [Shape],
    /// Modules the output needs loaded.
    pub modules: &'static [&'static str],
    /// Syntax limits.
    pub syntax: Syntax,
}

impl Capabilities {
    /// The answers most targets give, for a target's table to start from: every feature but
    /// `expose-headers *` with credentials (which no server can express), exact origins hashed,
    /// no named groups, the include shape only, no module and no syntax to escape into.
    ///
    /// `min_version`, `regex_dialect` and `routing` have no common answer: they are
    /// placeholders every table replaces, as the registry's tests check.
    pub const COMMON: Capabilities = Capabilities {
        min_version: "",
        exact_origins: Support::Yes,
        exact_lookup: Lookup::Hash,
        subdomain_patterns: Support::Yes,
        port_patterns: Support::Yes,
        regex: Support::Yes,
        regex_dialect: RegexDialect::OriginPatternsOnly,
        regex_named_groups: false,
        any_origin: Support::Yes,
        credentials: Support::Yes,
        header_mirroring: Support::Yes,
        expose_any_with_credentials: Support::No,
        max_age: Support::Yes,
        private_network: Support::Yes,
        path_scoping: Support::Yes,
        routing: crate::eval::Routing::Spec,
        also_routing: &[],
        shapes: &[Shape::Include],
        modules: &[],
        syntax: Syntax::LIBRARY_API,
    };

    /// Every feature row as `(name, support)`, in the order `corsc targets` prints them.
    #[must_use]
    pub fn rows(&self) -> Vec<(&'static str, Support)> {
        vec![
            ("exact origins", self.exact_origins),
            ("subdomain patterns", self.subdomain_patterns),
            ("port patterns", self.port_patterns),
            ("regex origins", self.regex),
            ("any origin", self.any_origin),
            ("credentials", self.credentials),
            ("header mirroring", self.header_mirroring),
            (
                "expose * with credentials",
                self.expose_any_with_credentials,
            ),
            ("max-age", self.max_age),
            ("private network", self.private_network),
            ("path scoping", self.path_scoping),
        ]
    }
}
