//! Limits of application libraries that the capability table cannot say as a yes or a no.
//!
//! A framework's CORS library answers in its own way: Starlette always allows four request
//! headers, a `*` header list echoes `authorization` too, one Django settings module holds one
//! origin list. A target lists its [`Limit`]s ([`crate::emit::TargetMeta::limits`]) and the plan
//! calls [`check`] for every policy, so the refusal happens in the plan like every other one:
//! with a `P301` that names the library and the feature, never a silently wider policy.

use super::codes;
use crate::diagnostics::{Diagnostic, Severity};
use crate::ir::{OriginKind, Policy};
use crate::source::Span;
use regex_syntax::ast::{self, Ast};

/// One thing a library cannot express.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// `regex` origins are handed to another regex engine (JavaScript `RegExp`, Python `re`):
    /// only the subset every engine reads the same way is accepted (literals, `.`, classes
    /// with ranges and `\d \w \s`, groups without names or flags, alternation, repetition,
    /// `^ $ \b`). The name is the dialect, for messages.
    PortableRegex(&'static str),
    /// These request headers are always allowed by the library, whatever it is told: a policy
    /// with a fixed header list must list them too.
    AlwaysAllowedHeaders(&'static [&'static str]),
    /// `request-headers *` makes the library echo every requested header, `authorization`
    /// included, which `*` never covers: `*` needs `Authorization` listed beside it.
    WildcardHeadersEchoAll,
    /// The configuration holds one policy: several policies are refused.
    OnePolicy,
    /// `methods *` cannot be said: the library expands `*` to a fixed list of methods.
    NoMethodWildcard,
    /// `methods *` has no equivalent: the library answers only from a fixed method list (and
    /// its "any method" is a fixed list of the standard ones, which `PURGE` is not in).
    MethodWildcard,
    /// `request-headers *` with credentials needs the requested headers echoed except
    /// `authorization`; the library can only echo all of them.
    CredentialedWildcardHeadersEchoAll,
    /// `max-age 0` is not sent (the library omits the header for 0), so browsers would cache
    /// the preflight for their default 5 s instead of not at all.
    MaxAgeZeroOmitted,
    /// Path patterns match whole segments (`/api/**`): a prefix scope must end with `/`.
    SegmentPrefixScopes,
    /// Each scope's section names every other policy whose scopes overlap it (to clear its
    /// flags), so nested scopes cost output quadratic in their number: at most this many
    /// overlapping (scope, policy) pairs in all. Checked for the whole set by the plan.
    OverlappingScopes(usize),
    /// Each scope's section repeats the route guard, one rule set per scope of the file
    /// (except in the `.htaccess` shape, which writes it once), so the output grows with the
    /// square of the number of scopes: at most this many (section, scope) pairs. Checked by
    /// the plan.
    RouteGuardPerSection(usize),
}

/// Checks one policy against a target's limits; refusals go to `diags`.
pub fn check(
    library: &str,
    limits: &[Limit],
    set_len: usize,
    policy: &Policy,
    diags: &mut Vec<Diagnostic>,
) {
    let mut refuse = |message: String, span: Span, help: &str| {
        diags.push(
            Diagnostic::new(
                codes::TARGET_CANNOT_EXPRESS.code,
                codes::TARGET_CANNOT_EXPRESS.name,
                Severity::Error,
                message,
                span,
            )
            .with_help(help.to_string()),
        );
    };
    for limit in limits {
        match *limit {
            Limit::PortableRegex(dialect) => {
                for o in &policy.origins.value {
                    let OriginKind::Regex(src) = &o.kind else {
                        continue;
                    };
                    let Ok(tree) = ast::parse::Parser::new().parse(src) else {
                        continue; // the plan refuses regexes that do not parse
                    };
                    if let Some(what) = non_portable(&tree) {
                        refuse(
                            format!("{library} cannot express this regex: {what} has no equivalent in {dialect}"),
                            o.span,
                            "write the regex with literals, classes, groups, `|`, repetition and `^`/`$` only",
                        );
                    }
                }
            }
            Limit::AlwaysAllowedHeaders(names) => {
                let h = &policy.request_headers.value;
                if h.any.is_some() || h.mirror.is_some() {
                    continue;
                }
                let missing: Vec<&str> = names
                    .iter()
                    .copied()
                    .filter(|n| !h.list.iter().any(|l| l.node == *n))
                    .collect();
                if !missing.is_empty() {
                    let span = policy.request_headers.span.unwrap_or(policy.name.span);
                    refuse(
                        format!(
                            "{library} always allows the request header{} {}, which the policy does not list",
                            if missing.len() == 1 { "" } else { "s" },
                            missing.join(", ")
                        ),
                        span,
                        &format!("add {} to `request-headers` if scripts may send it", missing.join(", ")),
                    );
                }
            }
            Limit::WildcardHeadersEchoAll => {
                let h = &policy.request_headers.value;
                if let Some(span) = h.any {
                    if !h.list.iter().any(|l| l.node == "authorization") {
                        refuse(
                            format!("{library} answers `request-headers *` by echoing every requested header, `authorization` included, which `*` does not cover"),
                            span,
                            "list the headers, or add `Authorization` beside `*` if scripts may send it",
                        );
                    }
                }
            }
            Limit::MethodWildcard => {
                if let Some(span) = policy.methods.value.any {
                    refuse(
                        format!("{library} cannot express `methods *`: it answers preflights from a fixed list of methods"),
                        span,
                        "list the methods",
                    );
                }
            }
            Limit::CredentialedWildcardHeadersEchoAll => {
                let h = &policy.request_headers.value;
                if let Some(span) = h.any {
                    if policy.credentials.value && !h.list.iter().any(|l| l.node == "authorization")
                    {
                        refuse(
                            format!("{library} answers `request-headers *` with credentials by echoing every requested header, `authorization` included, which `*` does not cover"),
                            span,
                            "list the headers, or add `Authorization` beside `*` if scripts may send it",
                        );
                    }
                }
            }
            Limit::SegmentPrefixScopes => {
                for scope in &policy.paths {
                    if let crate::ir::PathScope::Prefix(p) = &scope.node {
                        if !p.ends_with('/') {
                            refuse(
                                format!("{library} path patterns match whole segments; it cannot express the prefix `{}`", scope.node),
                                scope.span,
                                "end the prefix with `/` (`\"/api/*\"`), or list exact paths",
                            );
                        }
                    }
                }
            }
            Limit::MaxAgeZeroOmitted => {
                if policy.max_age.value == Some(0) {
                    refuse(
                        format!("{library} cannot send `Access-Control-Max-Age: 0`: it leaves the header out, and browsers then cache the preflight for 5 s"),
                        policy.max_age.span.unwrap_or(policy.name.span),
                        "remove `max-age` (browsers then cache for 5 s), or use at least 1 s",
                    );
                }
            }
            Limit::NoMethodWildcard => {
                if let Some(span) = policy.methods.value.any {
                    refuse(
                        format!("{library} cannot express `methods *`: it expands `*` to a fixed list of methods"),
                        span,
                        "list the methods",
                    );
                }
            }
            // A property of the whole set, not of one policy: see `plan::overlapping`.
            Limit::OverlappingScopes(_) | Limit::RouteGuardPerSection(_) => {}
            Limit::OnePolicy => {
                if set_len > 1 {
                    refuse(
                        format!("{library} holds one policy per configuration; this file has {set_len}"),
                        policy.name.span,
                        "compile one file per policy, or give the policies the same settings and merge their `paths`",
                    );
                }
            }
        }
    }
}

/// The first construct outside the portable subset, described for a message.
fn non_portable(tree: &Ast) -> Option<String> {
    match tree {
        Ast::Empty(_) | Ast::Dot(_) | Ast::ClassPerl(_) => None,
        Ast::Literal(l) => match l.kind {
            ast::LiteralKind::Verbatim | ast::LiteralKind::Meta => None,
            ast::LiteralKind::Superfluous if l.c.is_ascii_punctuation() => None,
            _ => Some(format!("the escape for `{}`", l.c.escape_default())),
        },
        Ast::Flags(_) => Some("an inline flag group `(?…)`".to_string()),
        Ast::Assertion(a) => match a.kind {
            ast::AssertionKind::StartLine
            | ast::AssertionKind::EndLine
            | ast::AssertionKind::WordBoundary
            | ast::AssertionKind::NotWordBoundary => None,
            _ => Some("an assertion other than `^`, `$`, `\\b`, `\\B`".to_string()),
        },
        Ast::ClassUnicode(_) => Some("a Unicode class `\\p{…}`".to_string()),
        Ast::ClassBracketed(c) => class_non_portable(&c.kind),
        Ast::Repetition(r) => non_portable(&r.ast),
        Ast::Group(g) => match &g.kind {
            ast::GroupKind::CaptureIndex(_) => non_portable(&g.ast),
            ast::GroupKind::NonCapturing(f) if f.items.is_empty() => non_portable(&g.ast),
            ast::GroupKind::NonCapturing(_) => Some("a group with flags `(?flags:…)`".to_string()),
            ast::GroupKind::CaptureName { .. } => Some("a named group".to_string()),
        },
        Ast::Alternation(a) => a.asts.iter().find_map(non_portable),
        Ast::Concat(c) => c.asts.iter().find_map(non_portable),
    }
}

fn class_non_portable(set: &ast::ClassSet) -> Option<String> {
    let item = match set {
        ast::ClassSet::BinaryOp(_) => return Some("a class set operation".to_string()),
        ast::ClassSet::Item(i) => i,
    };
    let one = |i: &ast::ClassSetItem| -> Option<String> {
        match i {
            ast::ClassSetItem::Empty(_) | ast::ClassSetItem::Perl(_) => None,
            ast::ClassSetItem::Literal(l)
            | ast::ClassSetItem::Range(ast::ClassSetRange { start: l, .. })
                if !matches!(
                    l.kind,
                    ast::LiteralKind::Verbatim
                        | ast::LiteralKind::Meta
                        | ast::LiteralKind::Superfluous
                ) =>
            {
                Some(format!("the escape for `{}`", l.c.escape_default()))
            }
            ast::ClassSetItem::Range(r)
                if !matches!(
                    r.end.kind,
                    ast::LiteralKind::Verbatim
                        | ast::LiteralKind::Meta
                        | ast::LiteralKind::Superfluous
                ) =>
            {
                Some(format!("the escape for `{}`", r.end.c.escape_default()))
            }
            ast::ClassSetItem::Literal(_) | ast::ClassSetItem::Range(_) => None,
            ast::ClassSetItem::Ascii(_) => Some("a POSIX class `[[:name:]]`".to_string()),
            ast::ClassSetItem::Unicode(_) => Some("a Unicode class `\\p{…}`".to_string()),
            ast::ClassSetItem::Bracketed(_) => Some("a nested class".to_string()),
            ast::ClassSetItem::Union(_) => None,
        }
    };
    match item {
        ast::ClassSetItem::Union(u) => u.items.iter().find_map(one),
        other => one(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_src(src: &str) -> Option<String> {
        non_portable(&ast::parse::Parser::new().parse(src).unwrap())
    }

    #[test]
    fn the_portable_subset_is_what_every_engine_reads_alike() {
        for ok in [
            r"^https://pr-[0-9]+\.preview\.example\.net$",
            r"^https://(a|b)\.example$",
            r"^https://(?:[a-z0-9-]+\.)+example\.org(:\d+)?$",
            r"\bx\B",
            r"^[\[a-z-]$",
        ] {
            assert_eq!(check_src(ok), None, "{ok}");
        }
        for bad in [
            r"(?i)^https://a$",
            r"^https://(?P<t>[a-z]+)\.example$",
            r"^\p{L}+$",
            r"^[[:alpha:]]+$",
            r"\Ahttps://a\z",
            r"^https://\x{61}$",
            r"^[a-z&&[^q]]$",
            r"^[a-z[0-9]]$",
        ] {
            assert!(check_src(bad).is_some(), "{bad}");
        }
    }
}
