//! Spring MVC: a `@Configuration` class implementing `WebMvcConfigurer` whose
//! `addCorsMappings(CorsRegistry)` registers one mapping per path scope.
//!
//! How the output works, and why:
//!
//! - **Mappings, most specific first.** Spring uses the first registered mapping whose path
//!   pattern matches, so scopes are registered from the most specific to the least, as the
//!   evaluator decides. A prefix scope `"/api/*"` is the pattern `/api/**` (which also matches
//!   `/api` itself); an exact path is itself. Prefixes that do not end in `/` cannot be said
//!   with segment patterns and are refused.
//! - **Origins.** Exact origins only: `allowedOrigins(…)`. With subdomain or port patterns:
//!   `allowedOriginPatterns(…)`, exact origins included, because `allowedOrigins` and patterns
//!   are checked separately anyway. Spring's `*` in a host means "any characters", so
//!   `https://*.example.org` also admits labels with characters outside `[a-z0-9-]` (`_`) under
//!   the same base; `:[*]` is any port or none, as corsc's `:*`. `regex` entries have no
//!   Spring equivalent and are refused. Spring turns each pattern into a `java.util.regex`
//!   with one `.*` (`\Qhttps://\E.*\Q.example.org\E`), which reads an `Origin` in time
//!   linear in its length (times the pattern's), so nothing here backtracks catastrophically
//!   and the `Origin` is not bounded: `CorsRegistry` has no hook before Spring's own test. An
//!   `Origin` longer than the other targets test (`MAX_ORIGIN_BYTES`) is still matched here. `allowedOrigins("*")` with credentials throws on every
//!   request and `allowedOriginPatterns("*")` reflects every origin: the plan refuses `*` with
//!   credentials, so neither is ever written.
//! - **Defaults overridden.** A registration starts from "all origins, GET/HEAD/POST, every
//!   header, max-age 1800": every list is written out. Spring rejects actual requests whose
//!   method is not listed, so `GET`, `HEAD` and `POST` are always listed. Without `max-age`
//!   the class sends 5, the browsers' own default when the header is absent.
//! - **Request headers.** Spring echoes the requested headers it allows; `*` echoes them all,
//!   `authorization` included, so `*` is accepted only with `Authorization` listed beside it.
//! - **Private network** is not written (refused).

use crate::emit::capability::{Capabilities, Lookup, RegexDialect, Support};
use crate::emit::idents::IdentScheme;
use crate::emit::lang::strings;
use crate::emit::limits::Limit;
use crate::emit::lists::{star_or_listed, with_safelisted};
use crate::emit::meta::TargetMeta;
use crate::emit::output::Output;
use crate::emit::ownership::Layer;
use crate::emit::plan::{items, Allow, Origins, Plan, PolicyPlan, Scope};
use crate::emit::provenance::Provenance;
use crate::emit::scopes::title;
use crate::emit::target::Target;
use crate::emit::writer::Writer;
use crate::ir::{HostPattern, OriginKind, PortSpec};

/// The Spring MVC target.
pub struct Spring;

static CAPS: Capabilities = Capabilities {
    // `allowedOriginPatterns` appeared in 5.3.
    min_version: "Spring Framework 5.3",
    exact_lookup: Lookup::Linear,
    subdomain_patterns: Support::Since("5.3"),
    port_patterns: Support::Since("5.3"),
    regex: Support::No,
    regex_dialect: RegexDialect::OriginPatternsOnly,
    private_network: Support::No,
    routing: crate::eval::Routing::Spring,
    modules: &["spring-webmvc"],
    ..Capabilities::COMMON
};

static LIMITS: &[Limit] = &[Limit::WildcardHeadersEchoAll, Limit::SegmentPrefixScopes];

/// The `spring` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "spring",
    aliases: &[],
    name: "Spring",
    doc_short:
        "a Spring MVC @Configuration (WebMvcConfigurer.addCorsMappings), one mapping per path scope",
    layer: Layer::App,
    capabilities: &CAPS,
    limits: LIMITS,
    idents: &IdentScheme::NONE,
};

impl Target for Spring {
    fn meta(&self) -> &'static TargetMeta {
        &META
    }

    fn render(&self, plan: &Plan<'_>, provenance: &Provenance) -> Output {
        // ASCII only: javac reads the file in the build's encoding, which may be ASCII.
        let mut w = Writer::new();
        w.app_module_header(
            "//",
            provenance,
            &META,
            &[
                "",
                "Use: `@Import(CorscCorsConfiguration.class)` on the application class (or let",
                "component scanning find package `corsc.generated`). Under Spring Security also",
                "enable `http.cors(...)`, so preflights are answered before authentication.",
            ],
            plan.owner,
        );
        w.line("package corsc.generated;");
        w.blank();
        w.line("import org.springframework.context.annotation.Configuration;");
        w.line("import org.springframework.web.servlet.config.annotation.CorsRegistry;");
        w.line("import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;");
        w.blank();
        w.line("@Configuration");
        w.open("public class CorscCorsConfiguration implements WebMvcConfigurer {");
        w.line("@Override");
        w.open("public void addCorsMappings(CorsRegistry registry) {");
        w.line(
            "// Spring uses the first mapping that matches: the most specific scope comes first.",
        );
        let mut first = true;
        for loc in plan.locations.iter().rev() {
            if !first {
                w.blank();
            }
            first = false;
            mapping(&mut w, &plan.policies[loc.policy], &loc.scope);
        }
        w.close("}");
        w.close("}");
        Output::one(
            "CorscCorsConfiguration.java",
            "a class of the Spring application",
            w.finish(),
        )
    }
}

fn args(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| strings::java(s))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A corsc pattern in Spring's origin-pattern syntax.
fn spring_pattern(scheme: &str, host: &HostPattern, port: PortSpec) -> String {
    let host = match host {
        HostPattern::Exact(h) => h.clone(),
        HostPattern::Subdomains(base) => format!("*.{base}"),
    };
    let port = match port {
        PortSpec::Default => String::new(),
        PortSpec::Fixed(n) => format!(":{n}"),
        PortSpec::Any => ":[*]".to_string(),
    };
    format!("{scheme}://{host}{port}")
}

fn mapping(w: &mut Writer, p: &PolicyPlan<'_>, scope: &Scope) {
    let path = match scope {
        Scope::Exact(path) => path.clone(),
        Scope::Prefix(path) => format!("{path}**"),
    };
    w.comment_with("//", title(p));
    w.line(format!("registry.addMapping({})", strings::java(&path)));
    let mut chain: Vec<String> = Vec::new();
    match &p.origins {
        Origins::Any => chain.push(format!(".allowedOrigins({})", args(&["*"]))),
        Origins::List { exact, .. } => {
            let mut patterns: Vec<String> = p
                .policy
                .origins
                .value
                .iter()
                .filter_map(|o| match &o.kind {
                    OriginKind::Pattern(pat) => {
                        Some(spring_pattern(&pat.scheme, &pat.host, pat.port))
                    }
                    _ => None,
                })
                .collect();
            patterns.sort();
            patterns.dedup();
            if patterns.is_empty() {
                let e: Vec<&str> = exact.iter().map(String::as_str).collect();
                chain.push(format!(".allowedOrigins({})", args(&e)));
            } else {
                let mut all: Vec<&str> = exact.iter().map(String::as_str).collect();
                all.extend(patterns.iter().map(String::as_str));
                chain.push(format!(".allowedOriginPatterns({})", args(&all)));
            }
        }
    }
    let methods = match &p.methods {
        Allow::Static(s) if s == "*" => vec!["*"],
        Allow::Mirror | Allow::MirrorUnlessAuthorization => vec!["*"],
        listed => {
            let mut m = with_safelisted(listed);
            m.sort_unstable();
            m
        }
    };
    chain.push(format!(".allowedMethods({})", args(&methods)));
    let headers = star_or_listed(&p.headers);
    chain.push(format!(".allowedHeaders({})", args(&headers)));
    if let Some(list) = &p.expose {
        let e: Vec<&str> = items(list).collect();
        chain.push(format!(".exposedHeaders({})", args(&e)));
    }
    if p.credentials {
        chain.push(".allowCredentials(true)".to_string());
    }
    chain.push(format!(".maxAge({})", p.max_age.unwrap_or(5)));
    let n = chain.len();
    for (i, c) in chain.iter().enumerate() {
        let end = if i + 1 == n { ";" } else { "" };
        w.line(format!("        {c}{end}"));
    }
}
