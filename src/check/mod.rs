//! Check: spanned AST → typed, normalized IR.
//!
//! Resolves origin-set names and profiles, types every value against its directive, and
//! normalizes what survives. Every mistake becomes a diagnostic with a span, a code and a help
//! line; the checker goes on after each one so a file's mistakes are reported together. The IR
//! is produced only when there are no errors.

mod directives;
pub mod limits;
mod origins;
mod suggest;
mod values;

use crate::diagnostics::{codes, Diagnostic, Severity};
use crate::ir::{
    ExposeHeaders, MethodSet, OriginEntry, OriginSetInfo, Owner, PathScope, Policy, PolicySet,
    Repeat, RequestHeaders, Setting, Suppression,
};
use crate::source::{Span, Spanned};
use crate::syntax::ast::{self, AssignOp, Attribute, BodyItem, Directive, Item};
use directives::{Kind, Placement, Spec};
use origins::Sets;
use std::collections::{BTreeMap, BTreeSet};
pub(crate) use suggest::closest as closest_name;

/// The names a user may not give to a set, policy or profile.
const RESERVED: &[&str] = &[
    "null", "mirror", "regex", "true", "false", "policy", "profile", "origins",
];

/// The outcome of checking one file.
#[derive(Debug)]
pub struct Checked {
    /// The IR, if the file has no errors.
    pub policies: Option<PolicySet>,
    /// Every check diagnostic, sorted.
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    /// Whether the file is past corsc's limits. Such a file is refused whatever the profile,
    /// so there is no point checking it for another one.
    #[must_use]
    pub fn over_limits(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.code == codes::LIMIT_EXCEEDED.code)
    }
}

/// Every profile name defined anywhere in a file, sorted.
#[must_use]
pub fn profile_names(file: &ast::File) -> Vec<String> {
    let mut names = BTreeSet::new();
    for item in &file.items {
        if let Item::Policy(p) = item {
            for b in &p.body {
                if let BodyItem::Profile(pr) = b {
                    names.insert(pr.name.node.clone());
                }
            }
        }
    }
    names.into_iter().collect()
}

/// One directive as an editor describes it: its name, what one value looks like and a whole
/// directive written correctly, from the table the checker reads.
#[derive(Clone, Copy, Debug)]
pub struct DirectiveHelp {
    /// The directive's name.
    pub name: &'static str,
    /// What one value looks like.
    pub expects: &'static str,
    /// A whole directive written correctly.
    pub example: &'static str,
    /// Whether it stands at the top level of a file (else inside a policy).
    pub top_level: bool,
}

/// Every directive, in the table's order.
#[must_use]
pub fn directive_help() -> Vec<DirectiveHelp> {
    directives::SPECS
        .iter()
        .map(|s| DirectiveHelp {
            name: s.name,
            expects: s.expects,
            example: s.example,
            top_level: s.placement == directives::Placement::File,
        })
        .collect()
}

/// Checks a file and resolves it for `profile` (`None`: the base policies).
#[must_use]
pub fn check(file: &ast::File, profile: Option<&str>) -> Checked {
    let mut diags = Vec::new();
    limits::check_sizes(file, &mut diags);
    let nodes = limits::syntax_nodes(file);
    let set = Checker::new(file, &mut diags, nodes, Taken::new()).run(profile);
    finish(set, diags)
}

/// [`check`] for the last use of a file: what it says is the same, but the values of each
/// policy's `origins` directive are typed as they are taken out of the syntax tree and freed
/// one by one, so a long allowlist is never held as syntax and as IR at once.
#[must_use]
pub fn check_owned(mut file: ast::File, profile: Option<&str>) -> Checked {
    let mut diags = Vec::new();
    limits::check_sizes(&file, &mut diags);
    let nodes = limits::syntax_nodes(&file);
    let taken = take_origin_values(&mut file);
    let set = Checker::new(&file, &mut diags, nodes, taken).run(profile);
    drop(file);
    finish(set, diags)
}

/// The values of `origins` directives taken out of the tree, by the directive's span.
type Taken = std::collections::HashMap<Span, Vec<ast::Value>>;

/// Takes the values of every `origins` directive written in a policy's own block (each is
/// typed once per check) out of the tree.
fn take_origin_values(file: &mut ast::File) -> Taken {
    let mut taken = Taken::new();
    for item in &mut file.items {
        let Item::Policy(p) = item else { continue };
        for b in &mut p.body {
            if let BodyItem::Directive(d) = b {
                if d.name.node == "origins" {
                    taken.insert(d.span, std::mem::take(&mut d.values.values));
                }
            }
        }
    }
    taken
}

fn finish(set: PolicySet, mut diags: Vec<Diagnostic>) -> Checked {
    crate::diagnostics::sort(&mut diags);
    let has_errors = diags.iter().any(|d| d.severity == Severity::Error);
    Checked {
        policies: if has_errors { None } else { Some(set) },
        diagnostics: diags,
    }
}

/// A directive's typed value, before it is merged into a policy.
#[derive(Clone, Debug)]
enum Typed {
    Paths(Vec<Spanned<PathScope>>),
    Origins(Vec<OriginEntry>),
    Methods(MethodSet),
    RequestHeaders(RequestHeaders),
    ExposeHeaders(ExposeHeaders),
    Credentials(bool),
    MaxAge(u64),
    PrivateNetwork(bool),
    Owner(Owner),
}

/// A typed directive with its operator and span.
#[derive(Clone, Debug)]
struct TypedDirective {
    op: AssignOp,
    value: Typed,
    span: Span,
}

struct Checker<'a, 'd> {
    file: &'a ast::File,
    diags: &'d mut Vec<Diagnostic>,
    sets: Sets<'a>,
    /// How many syntax nodes the file has (counted before any values were taken out).
    nodes: usize,
    /// `origins` values taken out of the tree, typed from here instead ([`check_owned`]).
    taken: Taken,
}

impl<'a, 'd> Checker<'a, 'd> {
    fn new(
        file: &'a ast::File,
        diags: &'d mut Vec<Diagnostic>,
        nodes: usize,
        taken: Taken,
    ) -> Self {
        let mut decls: BTreeMap<&str, &ast::SetDecl> = BTreeMap::new();
        for item in &file.items {
            if let Item::Set(s) = item {
                if reserved(&s.name, "an origin set", diags) {
                    continue;
                }
                if let Some(first) = decls.get(s.name.node.as_str()) {
                    diags.push(duplicate_name("origin set", &s.name, first.name.span));
                } else {
                    decls.insert(&s.name.node, s);
                }
            }
        }
        let sets = Sets::new(decls, diags);
        Self {
            file,
            diags,
            sets,
            nodes,
            taken,
        }
    }

    fn run(mut self, profile: Option<&str>) -> PolicySet {
        let mut owner = None;
        let mut seen_top: BTreeMap<Kind, Span> = BTreeMap::new();
        let mut policies = Vec::new();
        let mut policy_names: BTreeMap<&str, Span> = BTreeMap::new();
        let mut suppressions = Vec::new();
        for item in &self.file.items {
            match item {
                Item::Set(s) => self.suppressions(&s.attributes, s.span, &mut suppressions),
                Item::Directive(d) => {
                    self.suppressions(&d.attributes, d.span, &mut suppressions);
                    let Some(spec) = self.spec(d, Placement::File) else {
                        continue;
                    };
                    if let Some(first) = seen_top.insert(spec.kind, d.name.span) {
                        self.diags.push(duplicate_directive(d, first));
                        continue;
                    }
                    if let Some(op) = &d.op {
                        self.diags.push(op_outside_profile(op));
                    }
                    if let Some(Typed::Owner(o)) = self.typed(spec, d).map(|t| t.value) {
                        owner = Some(Spanned::new(o, d.span));
                    }
                }
                Item::Policy(p) => {
                    if reserved(&p.name, "a policy", self.diags) {
                        continue;
                    }
                    if let Some(first) = policy_names.get(p.name.node.as_str()) {
                        self.diags.push(duplicate_name("policy", &p.name, *first));
                    } else {
                        policy_names.insert(&p.name.node, p.name.span);
                    }
                    self.suppressions(&p.attributes, p.span, &mut suppressions);
                    if let Some(policy) = self.policy(p, profile, &mut suppressions) {
                        policies.push(policy);
                    }
                }
            }
        }
        self.duplicate_scopes(&policies);
        self.work_budget();
        let reachable = self.sets.reachable();
        let sets = self
            .file
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Set(s) => Some(OriginSetInfo {
                    name: s.name.clone(),
                    used: reachable.contains(s.name.node.as_str()),
                    span: s.span,
                }),
                _ => None,
            })
            .collect();
        PolicySet {
            profile: profile.map(str::to_string),
            profiles: profile_names(self.file),
            owner,
            policies,
            suppressions,
            sets,
        }
    }

    /// Reports a file whose checks, over the base policies and every profile, would take more
    /// than [`limits::MAX_WORK`]: each run costs about the same, so one run can tell.
    fn work_budget(&mut self) {
        if self.sets.over_budget {
            return;
        }
        let profiles = profile_names(self.file);
        let runs = 1 + profiles.len();
        let per_run = self.sets.resolved + self.nodes;
        let work = per_run.saturating_mul(runs);
        if work > limits::MAX_WORK {
            self.diags.push(limits::exceeded(
                format!(
                    "this file is checked once for its base policies and once for each of its {} profiles, {work} units of work in all; corsc accepts at most {}",
                    profiles.len(),
                    limits::MAX_WORK
                ),
                self.first_profile_span().unwrap_or_default(),
                "profiles multiply the work",
                "use fewer profiles, or fewer origins in the policies they apply to (split the file)",
            ));
        }
    }

    fn first_profile_span(&self) -> Option<Span> {
        self.file.items.iter().find_map(|i| match i {
            Item::Policy(p) => p.body.iter().find_map(|b| match b {
                BodyItem::Profile(pr) => Some(pr.name.span),
                BodyItem::Directive(_) => None,
            }),
            _ => None,
        })
    }

    /// Looks a directive up, reporting unknown and misplaced ones.
    fn spec(&mut self, d: &Directive, placement: Placement) -> Option<&'static Spec> {
        let name = &d.name.node;
        let Some(spec) = directives::find(name) else {
            let mut diag = Diagnostic::error(
                &codes::UNKNOWN_DIRECTIVE,
                format!("unknown directive `{name}`"),
                d.name.span,
            )
            .with_label("corsc does not know this directive");
            diag = match directives::suggest(name) {
                Some(s) => diag.with_help(format!("did you mean `{s}`?")),
                None => diag.with_help(format!(
                    "the directives are {}",
                    directives::SPECS
                        .iter()
                        .map(|s| format!("`{}`", s.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            };
            self.diags.push(diag);
            return None;
        };
        if spec.placement != placement {
            let (msg, help) = match spec.placement {
                Placement::Policy => (
                    format!("`{name}` belongs inside a policy"),
                    "move it into a `policy NAME { … }` block; to share origins between policies, declare a set: `origins NAME = [ … ]`".to_string(),
                ),
                Placement::File => (
                    format!("`{name}` is a file-wide setting"),
                    "move it to the top level of the file, outside every block".to_string(),
                ),
            };
            self.diags.push(
                Diagnostic::error(&codes::MISPLACED_DIRECTIVE, msg, d.name.span).with_help(help),
            );
            return None;
        }
        Some(spec)
    }

    /// Types one directive's values.
    fn typed(&mut self, spec: &Spec, d: &'a Directive) -> Option<TypedDirective> {
        let values = &d.values.values;
        let diags = &mut *self.diags;
        let before = diags.len();
        let value = match spec.kind {
            Kind::Paths => Typed::Paths(values::paths(spec, values, diags)),
            Kind::Origins => Typed::Origins(match self.taken.remove(&d.span) {
                Some(owned) => self.sets.entries_owned(spec, owned, diags),
                None => self.sets.entries(spec, values, diags),
            }),
            Kind::Methods => Typed::Methods(values::methods(spec, values, diags)),
            Kind::RequestHeaders => {
                Typed::RequestHeaders(values::request_headers(spec, values, diags))
            }
            Kind::ExposeHeaders => {
                Typed::ExposeHeaders(values::expose_headers(spec, values, diags))
            }
            Kind::Credentials => Typed::Credentials(values::boolean(spec, values, diags)?),
            Kind::PrivateNetwork => Typed::PrivateNetwork(values::boolean(spec, values, diags)?),
            Kind::MaxAge => Typed::MaxAge(values::max_age(spec, values, diags)?),
            Kind::Owner => Typed::Owner(values::owner(spec, values, diags)?),
        };
        if self.diags.len() > before && !spec.list {
            return None;
        }
        Some(TypedDirective {
            op: d.op.as_ref().map_or(AssignOp::Replace, |o| o.node),
            value,
            span: d.span,
        })
    }

    /// Types the directives of one block, reporting duplicates.
    fn block(
        &mut self,
        directives: impl Iterator<Item = &'a Directive>,
        in_profile: bool,
        suppressions: &mut Vec<Suppression>,
    ) -> Vec<TypedDirective> {
        let mut seen: BTreeMap<Kind, Span> = BTreeMap::new();
        let mut out = Vec::new();
        for d in directives {
            self.suppressions(&d.attributes, d.span, suppressions);
            let Some(spec) = self.spec(d, Placement::Policy) else {
                continue;
            };
            if let Some(first) = seen.get(&spec.kind) {
                self.diags.push(duplicate_directive(d, *first));
                continue;
            }
            seen.insert(spec.kind, d.name.span);
            if let Some(op) = &d.op {
                if !in_profile {
                    self.diags.push(op_outside_profile(op));
                } else if op.node == AssignOp::Add && !spec.list {
                    self.diags.push(
                        Diagnostic::error(
                            &codes::MISPLACED_DIRECTIVE,
                            format!("`+=` adds to a list, and `{}` takes one value", spec.name),
                            op.span,
                        )
                        .with_help(format!(
                            "write `{} = …` to replace it in this profile",
                            spec.name
                        )),
                    );
                    continue;
                }
            }
            if let Some(t) = self.typed(spec, d) {
                out.push(t);
            }
        }
        out
    }

    fn policy(
        &mut self,
        p: &'a ast::PolicyDecl,
        profile: Option<&str>,
        suppressions: &mut Vec<Suppression>,
    ) -> Option<Policy> {
        let base_directives = p.body.iter().filter_map(|b| match b {
            BodyItem::Directive(d) => Some(d),
            BodyItem::Profile(_) => None,
        });
        let base = self.block(base_directives, false, suppressions);
        let mut profiles: BTreeMap<&str, Span> = BTreeMap::new();
        let mut applied = None;
        let mut overlay = Vec::new();
        for b in &p.body {
            let BodyItem::Profile(pr) = b else { continue };
            if reserved(&pr.name, "a profile", self.diags) {
                continue;
            }
            if let Some(first) = profiles.get(pr.name.node.as_str()) {
                self.diags.push(duplicate_name("profile", &pr.name, *first));
                continue;
            }
            profiles.insert(&pr.name.node, pr.name.span);
            self.suppressions(&pr.attributes, pr.span, suppressions);
            let typed = self.block(pr.directives.iter(), true, suppressions);
            if Some(pr.name.node.as_str()) == profile {
                applied = Some(pr.name.clone());
                overlay = typed;
            }
        }
        let mut policy = Policy {
            name: p.name.clone(),
            span: p.span,
            profile: applied,
            paths: Vec::new(),
            origins: Setting::default_value(Vec::new()),
            methods: Setting::default_value(MethodSet::default()),
            request_headers: Setting::default_value(RequestHeaders::default()),
            expose_headers: Setting::default_value(ExposeHeaders::default()),
            credentials: Setting::default_value(false),
            max_age: Setting::default_value(None),
            private_network: Setting::default_value(false),
        };
        for t in base.into_iter().chain(overlay) {
            apply(&mut policy, t);
        }
        values::check_mirror(&policy.request_headers.value, self.diags);
        if !policy.origins.is_explicit() {
            self.diags.push(
                Diagnostic::error(
                    &codes::MISSING_ORIGINS,
                    format!("policy `{}` allows no origin", p.name.node),
                    p.name.span,
                )
                .with_label("this policy has no `origins` directive")
                .with_help("add `origins \"https://app.example.com\"` (or `*` for a public, uncredentialed API)"),
            );
        }
        Some(policy)
    }

    fn suppressions(&mut self, attrs: &[Attribute], scope: Span, out: &mut Vec<Suppression>) {
        for a in attrs {
            if a.name.node != "allow" {
                let mut d = Diagnostic::error(
                    &codes::UNKNOWN_ATTRIBUTE,
                    format!("unknown attribute `@{}`", a.name.node),
                    a.name.span,
                )
                .with_help("the only attribute is `@allow(rule-name, reason = \"…\")`");
                if a.name.node == "ignore" || a.name.node == "suppress" || a.name.node == "disable"
                {
                    d = d.with_help("write `@allow(rule-name, reason = \"…\")`");
                }
                self.diags.push(d);
                continue;
            }
            if a.args.is_empty() {
                self.diags.push(
                    Diagnostic::error(
                        &codes::INCOMPLETE_SUPPRESSION,
                        "this `@allow` names no rule",
                        a.span,
                    )
                    .with_help("name the rule it allows: `@allow(null-origin, reason = \"…\")`"),
                );
                continue;
            }
            let reason = match &a.reason {
                Some(r) if !r.node.trim().is_empty() => r.clone(),
                _ => {
                    self.diags.push(
                        Diagnostic::error(
                            &codes::INCOMPLETE_SUPPRESSION,
                            "a suppression needs a reason",
                            a.span,
                        )
                        .with_label("no `reason = \"…\"` here")
                        .with_help(format!(
                            "say why the finding does not apply: `@allow({}, reason = \"…\")`",
                            a.args
                                .iter()
                                .map(|s| s.node.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ))
                        .with_note(
                            "reviewers read the reason; a suppression without one hides a decision",
                        ),
                    );
                    continue;
                }
            };
            out.push(Suppression {
                rules: a.args.clone(),
                reason,
                span: a.span,
                scope,
            });
        }
    }

    fn duplicate_scopes(&mut self, policies: &[Policy]) {
        let mut seen: BTreeMap<PathScope, (&str, Span)> = BTreeMap::new();
        for p in policies {
            let scopes: Vec<(PathScope, Span)> = if p.paths.is_empty() {
                vec![(PathScope::Prefix("/".to_string()), p.name.span)]
            } else {
                p.paths.iter().map(|s| (s.node.clone(), s.span)).collect()
            };
            for (scope, span) in scopes {
                if let Some((other, first)) = seen.get(&scope) {
                    self.diags.push(
                        Diagnostic::error(
                            &codes::DUPLICATE_SCOPE,
                            format!(
                                "policies `{other}` and `{}` both claim `{scope}`",
                                p.name.node
                            ),
                            span,
                        )
                        .with_secondary(*first, format!("`{other}` claims it here"))
                        .with_help("each path must be answered by one policy; a policy without `paths` claims every path (`/*`)"),
                    );
                } else {
                    seen.insert(scope, (&p.name.node, span));
                }
            }
        }
    }
}

/// Merges one typed directive into a policy (`+=` extends lists; anything else replaces).
fn apply(policy: &mut Policy, t: TypedDirective) {
    let add = t.op == AssignOp::Add;
    let span = Some(t.span);
    match t.value {
        Typed::Paths(v) => {
            if add {
                for p in v {
                    if !policy.paths.iter().any(|x| x.node == p.node) {
                        policy.paths.push(p);
                    }
                }
            } else {
                policy.paths = v;
            }
        }
        Typed::Origins(v) => {
            if add {
                policy.origins.value.extend(v);
                policy.origins.span = policy.origins.span.or(span);
            } else {
                policy.origins = Setting { value: v, span };
            }
        }
        Typed::Methods(v) => {
            if add {
                let m = &mut policy.methods;
                merge_star(&mut m.value.any, &mut m.value.repeated, v.any);
                m.value.repeated.extend(v.repeated);
                merge_names(&mut m.value.list, &mut m.value.repeated, v.list);
                m.span = m.span.or(span);
            } else {
                policy.methods = Setting { value: v, span };
            }
        }
        Typed::RequestHeaders(v) => {
            if add {
                let h = &mut policy.request_headers;
                merge_star(&mut h.value.any, &mut h.value.repeated, v.any);
                h.value.mirror = h.value.mirror.or(v.mirror);
                h.value.repeated.extend(v.repeated);
                merge_names(&mut h.value.list, &mut h.value.repeated, v.list);
                h.span = h.span.or(span);
            } else {
                policy.request_headers = Setting { value: v, span };
            }
        }
        Typed::ExposeHeaders(v) => {
            if add {
                let h = &mut policy.expose_headers;
                merge_star(&mut h.value.any, &mut h.value.repeated, v.any);
                h.value.repeated.extend(v.repeated);
                merge_names(&mut h.value.list, &mut h.value.repeated, v.list);
                h.span = h.span.or(span);
            } else {
                policy.expose_headers = Setting { value: v, span };
            }
        }
        Typed::Credentials(b) => policy.credentials = Setting { value: b, span },
        Typed::MaxAge(s) => {
            policy.max_age = Setting {
                value: Some(s),
                span,
            }
        }
        Typed::PrivateNetwork(b) => policy.private_network = Setting { value: b, span },
        Typed::Owner(_) => {}
    }
}

/// `+=` on a list of names: the names not listed yet, in order; the others are repeats of the
/// base's, which only a person can remove (the base may change).
fn merge_names(
    list: &mut Vec<Spanned<String>>,
    repeated: &mut Vec<Repeat>,
    more: Vec<Spanned<String>>,
) {
    for x in more {
        let span = x.span;
        if let Some(first) = values::push_name(list, x) {
            repeated.push(Repeat {
                span,
                first,
                removal: None,
            });
        }
    }
}

/// `+=` of a `*` onto a list that may have one already.
fn merge_star(any: &mut Option<Span>, repeated: &mut Vec<Repeat>, more: Option<Span>) {
    match (*any, more) {
        (Some(first), Some(span)) => repeated.push(Repeat {
            span,
            first,
            removal: None,
        }),
        (None, more) => *any = more,
        _ => {}
    }
}

fn reserved(name: &Spanned<String>, what: &str, diags: &mut Vec<Diagnostic>) -> bool {
    if RESERVED.contains(&name.node.as_str()) {
        diags.push(
            Diagnostic::error(
                &codes::RESERVED_NAME,
                format!("`{}` cannot name {what}", name.node),
                name.span,
            )
            .with_label("this word has a meaning of its own in `.cors` files")
            .with_help("choose another name"),
        );
        return true;
    }
    false
}

fn duplicate_name(what: &str, name: &Spanned<String>, first: Span) -> Diagnostic {
    Diagnostic::error(
        &codes::DUPLICATE_NAME,
        format!(
            "{} {what} named `{}` is already defined",
            if what.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            },
            name.node
        ),
        name.span,
    )
    .with_secondary(first, "first defined here")
    .with_help(format!("rename one of them; {what} names are unique"))
}

fn duplicate_directive(d: &Directive, first: Span) -> Diagnostic {
    Diagnostic::error(
        &codes::DUPLICATE_DIRECTIVE,
        format!("`{}` is written twice in this block", d.name.node),
        d.name.span,
    )
    .with_label("written again here")
    .with_secondary(first, "first written here")
    .with_help("write it once; a list directive takes every value, separated by commas")
}

fn op_outside_profile(op: &Spanned<AssignOp>) -> Diagnostic {
    Diagnostic::error(
        &codes::MISPLACED_DIRECTIVE,
        "`=` and `+=` only have meaning inside a `profile` block",
        op.span,
    )
    .with_help("in a policy, write the directive and its values: `origins \"https://…\"`")
}
