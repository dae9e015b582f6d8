//! IR × capabilities → plan. The only place that asks what a target can express.
//!
//! Everything a renderer needs is decided here: which origins are looked up exactly and which
//! become anchored regexes, what each `Access-Control-*` header carries (a fixed list, `*`, or
//! an echo of the request), which scopes exist and in which order they take precedence. A
//! renderer turns the plan into text and never refuses anything; when this step refuses, it
//! says which feature and which target, with the span of the policy text that needs it.

use super::alternation;
use super::capability::{Capabilities, Shape, Support};
use super::codes;
use super::meta::TargetMeta;
use super::options::Options;
pub use super::regex_text::regex_escape;
use super::regex_text::written_len;
use crate::diagnostics::codes::Code;
use crate::diagnostics::{Diagnostic, Severity};
use crate::ir::{
    HostPattern, OriginKind, OriginPattern, Owner, PathScope, Policy, PolicySet, PortSpec,
};
use crate::regex::{self, max_repeat, Construct};
use crate::source::{Span, Spanned};
use std::collections::BTreeMap;

/// What a target is asked to render.
#[derive(Debug)]
pub struct Plan<'a> {
    /// The target's capabilities (for the header: version, modules).
    pub capabilities: &'static Capabilities,
    /// Shape and listen address.
    pub options: Options,
    /// The policies, sorted by name.
    pub policies: Vec<PolicyPlan<'a>>,
    /// Every scope of every policy, least specific first: when several match a path, the last
    /// one that matches is the most specific, as the evaluator decides.
    pub locations: Vec<Location>,
    /// Whether some location covers every path (otherwise a complete server adds a fallback).
    pub covers_root: bool,
    /// Which layer the file says owns CORS (application targets mention it in their header).
    pub owner: Option<Owner>,
    /// For each location (same index), the other policies with a scope that overlaps it,
    /// ascending; computed only for targets that declare
    /// [`super::limits::Limit::OverlappingScopes`] (empty otherwise).
    pub overlaps: Vec<Vec<usize>>,
}

impl Plan<'_> {
    /// Whether some policy matches origins with a regex (a pattern or a `regex` entry), so
    /// the output needs a regex library.
    #[must_use]
    pub fn any_regex(&self) -> bool {
        self.policies
            .iter()
            .any(|p| matches!(&p.origins, Origins::List { regexes, .. } if !regexes.is_empty()))
    }
}

/// A path scope as targets express it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// Every path that starts with this prefix (`/` for a policy without `paths`).
    Prefix(String),
    /// Exactly this path.
    Exact(String),
}

impl Scope {
    /// The path as written in the scope.
    #[must_use]
    pub fn path(&self) -> &str {
        match self {
            Scope::Prefix(p) | Scope::Exact(p) => p,
        }
    }

    /// Whether some path falls in both scopes.
    #[must_use]
    pub fn overlaps(&self, other: &Scope) -> bool {
        match (self, other) {
            (Scope::Prefix(a), Scope::Prefix(b)) => {
                a.starts_with(b.as_str()) || b.starts_with(a.as_str())
            }
            (Scope::Prefix(p), Scope::Exact(e)) | (Scope::Exact(e), Scope::Prefix(p)) => {
                e.starts_with(p.as_str())
            }
            (Scope::Exact(a), Scope::Exact(b)) => a == b,
        }
    }

    /// An anchored regex for the paths in the scope (for targets that match paths by regex).
    #[must_use]
    pub fn regex(&self) -> String {
        match self {
            Scope::Prefix(p) => format!("^{}", regex_escape(p)),
            Scope::Exact(p) => format!("^{}$", regex_escape(p)),
        }
    }

    /// Sort key: least specific first (prefixes by length, then exact paths).
    fn order_key(&self) -> (u8, usize, String) {
        match self {
            Scope::Prefix(p) => (0, p.len(), p.clone()),
            Scope::Exact(p) => (1, p.len(), p.clone()),
        }
    }
}

/// One scope, and the policy (index into [`Plan::policies`]) that answers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// Where.
    pub scope: Scope,
    /// Which policy.
    pub policy: usize,
}

/// Which origins a policy allows, in the forms targets match them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origins {
    /// Any origin, no credentials: a static `*`.
    Any,
    /// An allowlist: the request's `Origin` is echoed when it matches.
    List {
        /// Serialized origins (and `null`), compared byte for byte; sorted.
        exact: Vec<String>,
        /// Anchored regexes (patterns compiled by corsc, and `regex` entries), full-match,
        /// case-sensitive; sorted.
        regexes: Vec<String>,
        /// The same patterns and regexes as one regex ([`super::alternation`]), or as few as
        /// fit the target's token length: for libraries that would try a list one by one.
        /// Empty when `regexes` is.
        alternation: Vec<String>,
    },
}

impl Origins {
    /// The exact origins, and the patterns and regexes as one alternation (rarely a few, see
    /// [`super::alternation`]); none for any origin. For libraries that try a list of regexes
    /// one by one.
    #[must_use]
    pub fn joined(&self) -> (&[String], &[String]) {
        match self {
            Origins::Any => (&[], &[]),
            Origins::List {
                exact, alternation, ..
            } => (exact, alternation),
        }
    }
}

/// What an `Access-Control-Allow-Methods` / `-Headers` response carries on a preflight.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Allow {
    /// Nothing: the header is left out.
    Omit,
    /// This value.
    Static(String),
    /// The request's `Access-Control-Request-Method` / `-Headers`, echoed.
    Mirror,
    /// The request's `Access-Control-Request-Headers` echoed, unless it names `authorization`,
    /// which `request-headers *` never covers: then the header is left out.
    MirrorUnlessAuthorization,
}

impl Allow {
    /// A fixed list, as one header value; nothing when it is empty.
    #[must_use]
    pub fn list(items: &[&str]) -> Allow {
        if items.is_empty() {
            Allow::Omit
        } else {
            Allow::Static(items.join(", "))
        }
    }

    /// Whether the value depends on the request.
    #[must_use]
    pub fn mirrors(&self) -> bool {
        matches!(self, Allow::Mirror | Allow::MirrorUnlessAuthorization)
    }
}

/// The items of a list the plan wrote as one header value (`GET, PUT`): an [`Allow::Static`]
/// value or [`PolicyPlan::expose`], for targets that hand a library the items one by one.
#[must_use]
pub fn items(list: &str) -> std::str::Split<'_, &'static str> {
    list.split(", ")
}

/// One policy, decided.
#[derive(Clone, Debug)]
pub struct PolicyPlan<'a> {
    /// The IR policy.
    pub policy: &'a Policy,
    /// The name as written.
    pub name: &'a str,
    /// The stem of the policy's identifiers in the target's language, from the target's
    /// [`super::idents::IdentScheme`]: unique in the output, and none of the names it derives
    /// meets another policy's or one the output uses for itself.
    pub ident: String,
    /// Its origins.
    pub origins: Origins,
    /// Whether to send `Access-Control-Allow-Credentials: true`.
    pub credentials: bool,
    /// `Access-Control-Allow-Methods` on preflights.
    pub methods: Allow,
    /// `Access-Control-Allow-Headers` on preflights.
    pub headers: Allow,
    /// `Access-Control-Expose-Headers` on actual responses.
    pub expose: Option<String>,
    /// `Access-Control-Max-Age` on preflights.
    pub max_age: Option<u64>,
    /// `Access-Control-Allow-Private-Network: true` on preflights that ask for it.
    pub private_network: bool,
}

impl PolicyPlan<'_> {
    /// Whether `Access-Control-Allow-Origin` depends on the request's `Origin`.
    #[must_use]
    pub fn vary_origin(&self) -> bool {
        !matches!(self.origins, Origins::Any)
    }

    /// The `Vary` members of a preflight response.
    #[must_use]
    pub fn preflight_vary(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.vary_origin() {
            v.push("Origin");
        }
        if self.methods.mirrors() {
            v.push("Access-Control-Request-Method");
        }
        if self.headers.mirrors() {
            v.push("Access-Control-Request-Headers");
        }
        v
    }
}

/// The CORS response headers a server must own: any copy an upstream sends is removed.
pub const CORS_RESPONSE_HEADERS: &[&str] = &[
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Headers",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Private-Network",
    "Access-Control-Expose-Headers",
    "Access-Control-Max-Age",
];

struct Planner<'t> {
    target: &'t TargetMeta,
    caps: &'static Capabilities,
    diags: Vec<Diagnostic>,
    /// How many policies the set has (for [`super::limits::Limit::OnePolicy`]).
    set_len: usize,
}

impl Planner<'_> {
    fn refuse(&mut self, code: &Code, message: String, span: Span, help: &str) {
        self.diags.push(
            Diagnostic::new(code.code, code.name, Severity::Error, message, span)
                .with_help(help.to_string()),
        );
    }

    /// Refuses a feature the table says the target lacks.
    fn need(&mut self, support: Support, feature: &str, span: Option<Span>, help: &str) -> bool {
        if support.available() {
            return true;
        }
        let msg = format!("{} cannot express {feature}", self.target.name);
        self.refuse(
            &codes::TARGET_CANNOT_EXPRESS,
            msg,
            span.unwrap_or_default(),
            help,
        );
        false
    }

    /// Checks that a string fits in one token of the target's configuration syntax
    /// ([`super::capability::Syntax::max_token`]), counted as written (`\` and `"` escaped):
    /// past it, the engine refuses the whole file on deploy (nginx: "too long parameter").
    fn token(&mut self, s: &str, what: &str, span: Span) -> bool {
        let max = self.caps.syntax.max_token;
        let len = written_len(s);
        if len <= max {
            return true;
        }
        let msg = format!(
            "{what} is {len} bytes long as written; {} accepts at most {max} in one value",
            self.target.name
        );
        self.refuse(
            &codes::UNWRITABLE_VALUE,
            msg,
            span,
            "shorten it, or compile for a target without this limit",
        );
        false
    }

    /// The items of a policy's list, sorted, each checked as a value (`what` names one in
    /// messages: `the method`).
    fn sorted<'l>(&mut self, list: &'l [Spanned<String>], what: &str) -> Vec<&'l str> {
        for item in list {
            self.value(&item.node, what, item.span);
        }
        let mut l: Vec<&str> = list.iter().map(|s| s.node.as_str()).collect();
        l.sort_unstable();
        l
    }

    /// Checks a string bound for a header value.
    fn value(&mut self, s: &str, what: &str, span: Span) -> bool {
        if !self.token(s, what, span) {
            return false;
        }
        if let Some(bad) = unwritable(s, self.caps.syntax.value_forbidden) {
            let msg = format!(
                "{what} `{}` contains {bad}, which {} configuration cannot carry",
                s.escape_debug(),
                self.target.name
            );
            self.refuse(
                &codes::UNWRITABLE_VALUE,
                msg,
                span,
                "use names made of letters, digits and `-`",
            );
            return false;
        }
        true
    }

    /// Checks and anchors a `regex` origin.
    fn regex(&mut self, src: &str, span: Span) -> Option<String> {
        let name = self.target.name;
        let Some(tree) = regex::parse(src) else {
            // The checker refuses regexes that do not parse; keep the refusal here too.
            self.refuse(
                &codes::UNWRITABLE_VALUE,
                "this regex does not parse".to_string(),
                span,
                "fix the regex",
            );
            return None;
        };
        if let Some(bad) = unwritable(src, self.caps.syntax.regex_forbidden) {
            let msg = format!("the regex contains {bad}, which {name} configuration cannot carry");
            self.refuse(
                &codes::UNWRITABLE_VALUE,
                msg,
                span,
                "write the regex without it",
            );
            return None;
        }
        let found = regex::constructs(&tree);
        let has = |c: Construct| found.iter().any(|f| f.construct == c);
        // What the target's engine reads otherwise than corsc (a target without a known engine
        // is taken to read it otherwise).
        let engine = self.caps.regex_dialect.engine();
        let misread = |c: Construct| has(c) && !engine.is_some_and(|e| c.read_alike_by(e));
        if !self.caps.regex_named_groups
            && (has(Construct::NamedGroupP) || has(Construct::NamedGroupAngle))
        {
            let msg = format!("{name} cannot express a regex with named groups");
            self.refuse(
                &codes::TARGET_CANNOT_EXPRESS,
                msg,
                span,
                &format!("{name} turns named groups into variables; use `(?:…)` instead"),
            );
            return None;
        }
        if misread(Construct::ClassSetOperation) {
            let msg =
                format!("{name} cannot express class set operations (`&&`, `--`, `~~`) in a regex");
            self.refuse(
                &codes::TARGET_CANNOT_EXPRESS,
                msg,
                span,
                &format!(
                    "{} reads them as literal characters; list the class instead",
                    self.caps.regex_dialect
                ),
            );
            return None;
        }
        if misread(Construct::RepeatedRepetition) {
            let msg = format!("{name} cannot express a quantifier on an assertion or on another quantifier (`^*`, `a**`) in a regex");
            self.refuse(
                &codes::TARGET_CANNOT_EXPRESS,
                msg,
                span,
                &format!(
                    "{} refuses or reinterprets it; write one quantifier after an item",
                    self.caps.regex_dialect
                ),
            );
            return None;
        }
        if let Some(n) = max_repeat(&tree).filter(|n| *n > self.caps.syntax.max_regex_repeat) {
            let msg = format!(
                "the regex repeats something {n} times; {} accepts at most {}",
                self.caps.regex_dialect, self.caps.syntax.max_regex_repeat
            );
            self.refuse(
                &codes::UNWRITABLE_VALUE,
                msg,
                span,
                "use a smaller count, or `+` / `*`",
            );
            return None;
        }
        let anchored = regex::full_match(src, &tree);
        if written_len(&anchored) > self.caps.syntax.max_token {
            let msg = format!(
                "the regex is {} bytes long as written (`\\` and `\"` escaped); {name} accepts at most {} in one token",
                written_len(&anchored),
                self.caps.syntax.max_token
            );
            self.refuse(
                &codes::UNWRITABLE_VALUE,
                msg,
                span,
                "split it into several `regex` entries",
            );
            return None;
        }
        Some(anchored)
    }
}

/// The first thing in `s` that a configuration cannot carry: a control character or a
/// forbidden substring, described for a message.
fn unwritable(s: &str, forbidden: &[&str]) -> Option<String> {
    if let Some(c) = s.chars().find(|c| c.is_control()) {
        return Some(format!("the control character `{}`", c.escape_default()));
    }
    forbidden
        .iter()
        .find(|f| s.contains(**f))
        .map(|f| format!("`{f}`"))
}

/// Plans a policy set for a target, as its [`TargetMeta`] describes it: the plan never sees
/// the renderer, nor the list of targets.
///
/// # Errors
/// Every feature the target cannot express and every value it cannot carry, as `P3xx`
/// diagnostics.
pub fn plan<'a>(
    set: &'a PolicySet,
    target: &TargetMeta,
    options: &Options,
) -> Result<Plan<'a>, Vec<Diagnostic>> {
    let caps = target.capabilities;
    let mut p = Planner {
        target,
        caps,
        diags: Vec::new(),
        set_len: set.policies.len(),
    };
    if !caps.shapes.contains(&options.shape) {
        let shapes: Vec<&str> = caps.shapes.iter().map(|s| s.as_str()).collect();
        p.refuse(
            &codes::TARGET_CANNOT_EXPRESS,
            format!(
                "{} has no `{}` output shape",
                target.name,
                options.shape.as_str()
            ),
            Span::default(),
            &format!("use one of: {}", shapes.join(", ")),
        );
    }
    // One layer answers CORS, never both (see `ownership`): a proxy target refuses
    // `owner app`, an application target refuses `owner proxy`.
    if let Some(d) = super::ownership::check(set.owner.as_ref(), target.layer, target.name) {
        p.diags.push(d);
    }
    let mut sorted: Vec<&Policy> = set.policies.iter().collect();
    sorted.sort_by(|a, b| a.name.node.cmp(&b.name.node));
    // One allocator for the whole output: stems unique, their derived names disjoint from
    // each other's and from the target's own names (see `idents`).
    let names: Vec<&str> = sorted.iter().map(|p| p.name.node.as_str()).collect();
    let stems = super::idents::allocate(&names, target.idents);
    let mut policies = Vec::new();
    for (policy, ident) in sorted.into_iter().zip(stems) {
        if let Some(pp) = plan_policy(&mut p, policy, ident) {
            policies.push(pp);
        }
    }
    let mut locations = Vec::new();
    // Keyed by the router (0: `routing`, then each of `also_routing`) and the routed scope.
    let mut seen: BTreeMap<(usize, Scope), (usize, Span)> = BTreeMap::new();
    for (i, pp) in policies.iter().enumerate() {
        let scopes: Vec<(Scope, Span)> = if pp.policy.paths.is_empty() {
            vec![(Scope::Prefix("/".to_string()), pp.policy.name.span)]
        } else {
            if !caps.path_scoping.available() {
                let span = pp.policy.paths[0].span;
                p.need(
                    caps.path_scoping,
                    "path scopes",
                    Some(span),
                    "remove `paths`",
                );
            }
            pp.policy
                .paths
                .iter()
                .map(|s| {
                    let scope = match &s.node {
                        PathScope::Exact(x) => Scope::Exact(x.clone()),
                        PathScope::Prefix(x) => Scope::Prefix(x.clone()),
                    };
                    (scope, s.span)
                })
                .collect()
        };
        for (scope, span) in scopes {
            // A path is written as a literal and, for some targets, as an escaped regex.
            if !p.token(&scope.regex(), "the path", span) {
                continue;
            }
            if let Some(bad) = unwritable(scope.path(), caps.syntax.value_forbidden) {
                p.refuse(
                    &codes::UNWRITABLE_VALUE,
                    format!("the path contains {bad}"),
                    span,
                    "percent-encode unusual characters",
                );
                continue;
            }
            // Two scopes the target's router cannot tell apart (`/API/*` and `/api/*` where it
            // folds case, `/%61pi/*` and `/api/*` where it decodes) are one place to it.
            // A target dispatching on several routers' forms keeps them apart in each.
            let routed: Vec<(usize, Scope)> = std::iter::once(caps.routing)
                .chain(caps.also_routing.iter().copied())
                .enumerate()
                .map(|(n, r)| {
                    let s = match &scope {
                        Scope::Exact(x) => Scope::Exact(r.scope(x)),
                        Scope::Prefix(x) => Scope::Prefix(r.scope(x)),
                    };
                    (n, s)
                })
                .collect();
            let clash = routed
                .iter()
                .filter_map(|k| seen.get(k))
                .find(|(other, _)| *other != i)
                .or_else(|| {
                    // The same policy's scope again, in every form: one location.
                    let all = routed
                        .iter()
                        .map(|k| seen.get(k))
                        .collect::<Option<Vec<_>>>();
                    all.and_then(|v| v.first().copied())
                });
            if let Some((other, first)) = clash {
                if *other != i {
                    let d = Diagnostic::new(
                        codes::SCOPE_COLLISION.code,
                        codes::SCOPE_COLLISION.name,
                        Severity::Error,
                        format!(
                            "policies `{}` and `{}` both claim `{}`",
                            policies[*other].name,
                            pp.name,
                            scope.path()
                        ),
                        span,
                    )
                    .with_secondary(*first, "claimed here first")
                    .with_help(
                        "a policy without `paths` covers `/`; give one of them a narrower scope",
                    );
                    p.diags.push(d);
                }
                continue;
            }
            for k in routed {
                seen.entry(k).or_insert((i, span));
            }
            locations.push(Location { scope, policy: i });
        }
    }
    locations.sort_by_key(|l| l.scope.order_key());
    let covers_root = locations
        .iter()
        .any(|l| l.scope == Scope::Prefix("/".to_string()));
    let mut overlaps = Vec::new();
    for limit in target.limits {
        if let super::limits::Limit::OverlappingScopes(budget) = *limit {
            match overlapping(&locations, budget) {
                Ok(o) => overlaps = o,
                Err(at) => {
                    let span = policies[locations[at].policy].policy.name.span;
                    p.refuse(
                        &codes::TARGET_CANNOT_EXPRESS,
                        format!(
                            "{} writes, for each scope, every other policy whose scopes overlap it; these scopes overlap more than {budget} times in all",
                            target.name
                        ),
                        span,
                        "give the policies scopes that do not nest (`/a/*` and `/b/*`, not `/*` and `/a/*`), or compile for nginx",
                    );
                }
            }
        }
    }
    for limit in target.limits {
        if let super::limits::Limit::RouteGuardPerSection(budget) = *limit {
            let n = locations.len();
            if options.shape != Shape::Htaccess && n.saturating_mul(n) > budget {
                let span = policies[locations[0].policy].policy.name.span;
                p.refuse(
                    &codes::TARGET_CANNOT_EXPRESS,
                    format!(
                        "{} repeats the route guard of all {n} scopes in each scope's section; at most {} scopes fit in one `{}` output",
                        target.name,
                        budget.isqrt(),
                        options.shape.as_str()
                    ),
                    span,
                    "split the policies over several files, use the `htaccess` shape, or compile for nginx",
                );
            }
        }
    }
    if p.diags.is_empty() {
        Ok(Plan {
            capabilities: caps,
            options: options.clone(),
            policies,
            locations,
            covers_root,
            owner: set.owner.as_ref().map(|o| o.node),
            overlaps,
        })
    } else {
        crate::diagnostics::sort(&mut p.diags);
        Err(p.diags)
    }
}

/// For each location, the other policies with an overlapping scope (ascending), or the index
/// of the location at which more than `budget` overlapping pairs were found.
///
/// One sorted sweep instead of comparing every scope with every other: scopes sorted by path
/// (a prefix scope before an exact one with the same path) put everything that starts with a
/// prefix right after it, and a stack holds the prefix scopes that are prefixes of the current
/// path. The work is the number of overlapping pairs, which the budget bounds, plus a sort.
///
/// # Errors
/// The location at which the budget ran out.
pub fn overlapping(locations: &[Location], budget: usize) -> Result<Vec<Vec<usize>>, usize> {
    fn rank(l: &Location) -> (&str, u8) {
        match &l.scope {
            Scope::Prefix(p) => (p.as_str(), 0),
            Scope::Exact(p) => (p.as_str(), 1),
        }
    }
    let mut order: Vec<usize> = (0..locations.len()).collect();
    order.sort_by(|a, b| rank(&locations[*a]).cmp(&rank(&locations[*b])));
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); locations.len()];
    let mut stack: Vec<usize> = Vec::new();
    let mut pairs = 0usize;
    for &i in &order {
        let path = locations[i].scope.path();
        while let Some(&top) = stack.last() {
            if path.starts_with(locations[top].scope.path()) {
                break;
            }
            stack.pop();
        }
        for &a in &stack {
            let (pa, pi) = (locations[a].policy, locations[i].policy);
            if pa != pi {
                out[i].push(pa);
                out[a].push(pi);
                pairs += 1;
                if pairs > budget {
                    return Err(i);
                }
            }
        }
        if matches!(locations[i].scope, Scope::Prefix(_)) {
            stack.push(i);
        }
    }
    for v in &mut out {
        v.sort_unstable();
        v.dedup();
    }
    Ok(out)
}

fn plan_policy<'a>(
    p: &mut Planner<'_>,
    policy: &'a Policy,
    ident: String,
) -> Option<PolicyPlan<'a>> {
    let before = p.diags.len();
    let caps = p.caps;
    let credentials = policy.credentials.value;
    if credentials {
        p.need(
            caps.credentials,
            "credentials",
            policy.credentials.span,
            "remove `credentials true`",
        );
    }
    let any = policy.allows_any_origin();
    let origins = if any {
        let span = policy
            .origins
            .value
            .iter()
            .find(|o| matches!(o.kind, OriginKind::Any))
            .map(|o| o.span);
        if credentials {
            p.refuse(
                &codes::TARGET_CANNOT_EXPRESS,
                format!(
                    "{} cannot express `*` with credentials: browsers reject `Access-Control-Allow-Origin: *` with credentials, and echoing every origin would grant far more",
                    p.target.name
                ),
                span.unwrap_or(policy.span),
                "list the origins that may send credentials",
            );
        } else {
            p.need(
                caps.any_origin,
                "any origin (`*`)",
                span,
                "list the origins",
            );
        }
        Origins::Any
    } else {
        let mut exact = Vec::new();
        let mut regexes = Vec::new();
        let mut patterns: Vec<&OriginPattern> = Vec::new();
        let mut anchored: Vec<String> = Vec::new();
        for o in &policy.origins.value {
            match &o.kind {
                OriginKind::Exact(origin) => {
                    if p.need(caps.exact_origins, "exact origins", Some(o.span), "") {
                        let text = origin.to_string();
                        if p.token(&text, "the origin", o.span) {
                            exact.push(text);
                        }
                    }
                }
                OriginKind::Null => {
                    if p.need(caps.exact_origins, "the `null` origin", Some(o.span), "") {
                        exact.push("null".to_string());
                    }
                }
                OriginKind::Pattern(pat) => {
                    let ok = match (&pat.host, pat.port) {
                        (HostPattern::Subdomains(_), _) => p.need(
                            caps.subdomain_patterns,
                            "subdomain patterns",
                            Some(o.span),
                            "list the subdomains as exact origins",
                        ),
                        (_, PortSpec::Any) => p.need(
                            caps.port_patterns,
                            "port patterns",
                            Some(o.span),
                            "list the ports as exact origins",
                        ),
                        _ => true,
                    };
                    if ok {
                        let r = pattern_regex(pat);
                        if p.token(&r, "the pattern's regex", o.span) {
                            regexes.push(r);
                            patterns.push(pat);
                        }
                    }
                }
                OriginKind::Regex(src) => {
                    if p.need(
                        caps.regex,
                        "regex origins",
                        Some(o.span),
                        "use exact origins or patterns",
                    ) {
                        if let Some(r) = p.regex(src, o.span) {
                            anchored.push(r.clone());
                            regexes.push(r);
                        }
                    }
                }
                OriginKind::Any => {}
                OriginKind::Invalid(_) => {
                    // The checker keeps invalid entries so lints can explain them; they can
                    // never match a browser's `Origin`, so they are left out of the output.
                }
            }
        }
        exact.sort();
        exact.dedup();
        regexes.sort();
        regexes.dedup();
        anchored.sort();
        anchored.dedup();
        // An engine that reads named groups gets each `regex` entry apart: two naming the same
        // group would not compile as one.
        let alternation = alternation::regexes(
            &patterns,
            &anchored,
            caps.syntax.max_token,
            !caps.regex_named_groups,
        );
        Origins::List {
            exact,
            regexes,
            alternation,
        }
    };

    let m = &policy.methods.value;
    let listed = p.sorted(&m.list, "the method");
    let methods = if m.any.is_some() {
        if credentials {
            p.need(
                caps.header_mirroring,
                "`methods *` with credentials (it echoes the requested method)",
                m.any,
                "list the methods",
            );
            Allow::Mirror
        } else {
            Allow::Static("*".to_string())
        }
    } else {
        Allow::list(&listed)
    };

    let h = &policy.request_headers.value;
    let listed = p.sorted(&h.list, "the header name");
    let headers = if h.mirror.is_some() {
        p.need(
            caps.header_mirroring,
            "`request-headers mirror`",
            h.mirror,
            "list the headers",
        );
        Allow::Mirror
    } else if h.any.is_some() {
        if credentials {
            p.need(
                caps.header_mirroring,
                "`request-headers *` with credentials (it echoes the requested headers)",
                h.any,
                "list the headers",
            );
            if listed.contains(&"authorization") {
                Allow::Mirror
            } else {
                Allow::MirrorUnlessAuthorization
            }
        } else {
            let mut v = vec!["*"];
            // `*` never covers `authorization`; a listed one must stay listed.
            v.extend(listed.iter().filter(|n| **n == "authorization"));
            Allow::Static(v.join(", "))
        }
    } else {
        Allow::list(&listed)
    };

    let e = &policy.expose_headers.value;
    let listed = p.sorted(&e.list, "the header name");
    let expose = if e.any.is_some() {
        if credentials {
            p.need(
                caps.expose_any_with_credentials,
                "`expose-headers *` with credentials (browsers read `*` literally then, so every response header name would have to be listed)",
                e.any,
                "list the response headers scripts may read",
            );
        }
        Some("*".to_string())
    } else {
        (!listed.is_empty()).then(|| listed.join(", "))
    };

    // Each list is written as one header value, so as one token.
    let lists = [
        (&methods, "the method list", policy.methods.span),
        (
            &headers,
            "the request-header list",
            policy.request_headers.span,
        ),
    ];
    for (allow, what, span) in lists {
        if let Allow::Static(v) = allow {
            p.token(v, what, span.unwrap_or(policy.name.span));
        }
    }
    if let Some(v) = &expose {
        let span = policy.expose_headers.span.unwrap_or(policy.name.span);
        p.token(v, "the exposed-header list", span);
    }

    let max_age = policy.max_age.value;
    if max_age.is_some() {
        p.need(
            caps.max_age,
            "`max-age`",
            policy.max_age.span,
            "remove `max-age`",
        );
    }
    let private_network = policy.private_network.value;
    if private_network {
        p.need(
            caps.private_network,
            "`private-network`",
            policy.private_network.span,
            "remove `private-network`",
        );
    }
    let n = p.target.limits;
    super::limits::check(
        p.target.name,
        p.caps.regex_dialect,
        n,
        p.set_len,
        policy,
        &mut p.diags,
    );
    if p.diags.len() > before {
        return None;
    }
    Some(PolicyPlan {
        policy,
        name: &policy.name.node,
        ident,
        origins,
        credentials,
        methods,
        headers,
        expose,
        max_age,
        private_network,
    })
}

/// A pattern as an anchored, escaped, lower-case regex: `https://*.example.com` →
/// `^https://([a-z0-9-]+\.)+example\.com$`; `http://localhost:*` → `^http://localhost(:[0-9]+)?$`.
#[must_use]
pub fn pattern_regex(p: &OriginPattern) -> String {
    let host = match &p.host {
        HostPattern::Exact(h) => regex_escape(h),
        HostPattern::Subdomains(base) => format!("([a-z0-9-]+\\.)+{}", regex_escape(base)),
    };
    let port = match p.port {
        PortSpec::Default => String::new(),
        PortSpec::Fixed(n) => format!(":{n}"),
        PortSpec::Any => "(:[0-9]+)?".to_string(),
    };
    format!("^{}://{host}{port}$", regex_escape(&p.scheme))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::test_pattern as pat;

    #[test]
    fn patterns_compile_to_anchored_escaped_regexes() {
        assert_eq!(
            pattern_regex(&pat("https://*.example.com")),
            r"^https://([a-z0-9-]+\.)+example\.com$"
        );
        assert_eq!(
            pattern_regex(&pat("http://localhost:*")),
            r"^http://localhost(:[0-9]+)?$"
        );
        assert_eq!(
            pattern_regex(&pat("http://[::1]:*")),
            r"^http://\[::1\](:[0-9]+)?$"
        );
    }

    #[test]
    fn the_overlap_sweep_agrees_with_pairwise_overlaps() {
        let scopes = [
            Scope::Prefix("/".into()),
            Scope::Prefix("/api/".into()),
            Scope::Exact("/api/health".into()),
            Scope::Prefix("/api/admin/".into()),
            Scope::Prefix("/b".into()),
            Scope::Exact("/b".into()),
            Scope::Exact("/c".into()),
            Scope::Prefix("/api/adminx".into()),
        ];
        // Two scopes per policy for some policies; the root alone for policy 0.
        let owners = [0, 1, 2, 3, 4, 1, 5, 3];
        let locations: Vec<Location> = scopes
            .iter()
            .zip(owners)
            .map(|(s, p)| Location {
                scope: s.clone(),
                policy: p,
            })
            .collect();
        let got = overlapping(&locations, 1000).unwrap();
        for (i, l) in locations.iter().enumerate() {
            let mut want: Vec<usize> = locations
                .iter()
                .filter(|o| o.policy != l.policy && o.scope.overlaps(&l.scope))
                .map(|o| o.policy)
                .collect();
            want.sort_unstable();
            want.dedup();
            assert_eq!(got[i], want, "{:?}", l.scope);
        }
        assert!(overlapping(&locations, 3).is_err());
    }

    #[test]
    fn scopes_overlap_when_some_path_is_in_both() {
        let pre = |s: &str| Scope::Prefix(s.to_string());
        let ex = |s: &str| Scope::Exact(s.to_string());
        assert!(pre("/api/").overlaps(&pre("/api/v1/")));
        assert!(pre("/").overlaps(&ex("/health")));
        assert!(!pre("/api/").overlaps(&ex("/health")));
        assert!(!ex("/a").overlaps(&ex("/b")));
    }
}
