//! Spring MVC: a `@Configuration` class whose `CorsConfiguration` subclass answers each path
//! scope, installed on every handler mapping of the application.
//!
//! How the output works, and why:
//!
//! - **Origins are tested by corsc's code, not Spring's.** `CorsConfiguration.checkOrigin`
//!   compares `allowedOrigins` ignoring case and after trimming a trailing `/`, and its
//!   `allowedOriginPatterns` turn `*` into "any characters" and cannot say a regex. Each policy
//!   is a `Policy extends CorsConfiguration` whose `checkOrigin` override compares exact
//!   origins byte for byte and matches patterns and `regex` entries as corsc's anchored
//!   regexes (`Pattern.matcher(…).matches()`, a full match). `java.util.regex` backtracks, so
//!   an `Origin` longer than `MAX_ORIGIN_BYTES` (or outside printable ASCII, which no browser
//!   sends and on which Java reads `\b`, `.` and `$` otherwise) is refused before any pattern
//!   runs; exact origins still compare. What Java reads otherwise than corsc even on ASCII is
//!   refused by the plan ([`Limit::PortableRegex`]).
//! - **Installed on the handler mappings.** `CorsRegistry` builds plain `CorsConfiguration`s,
//!   so the class does not implement `addCorsMappings`: a static `BeanPostProcessor` hands
//!   every `AbstractHandlerMapping` the same ordered map `addCorsMappings` would have
//!   (`setCorsConfigurations`), which replaces the mappings other configurers registered. It
//!   names no servlet type, so the same file compiles against Spring 5.3 (`javax.servlet`)
//!   and 6/7 (`jakarta.servlet`). A handler annotated `@CrossOrigin` combines its own
//!   configuration with the policy into a plain `CorsConfiguration` without the override, one
//!   whose origin list is empty: it refuses every origin rather than answer with Spring's test.
//! - **Mappings, most specific first.** Spring uses the first mapping whose path pattern
//!   matches, so scopes are put in the map from the most specific to the least, as the
//!   evaluator decides. A prefix scope `"/api/*"` is the pattern `/api/**` (which also matches
//!   `/api` itself); an exact path is itself. Prefixes that do not end in `/` cannot be said
//!   with segment patterns and are refused.
//! - **Never `*` with credentials.** The plan refuses it: `allowedOrigins("*")` with
//!   credentials throws on every request.
//! - **Every list written out.** A bare `CorsConfiguration` allows `GET` and `HEAD` only and no
//!   request header. Spring rejects actual requests whose method is not listed, so `GET`,
//!   `HEAD` and `POST` are always listed. Without `max-age` the class sends 5, the browsers'
//!   own default when the header is absent.
//! - **Request headers.** Spring echoes the requested headers it allows; `*` echoes them all,
//!   `authorization` included, so `*` is accepted only with `Authorization` listed beside it.
//! - **Methods on Spring 5.** Spring 5's `HttpMethod` is an enum of eight methods, and its
//!   CORS processor refuses a preflight for any other (`PURGE`, which `methods *` allows) with
//!   403; Spring 6 made it a class. The header says so when a policy allows such a method:
//!   on Spring 5 the answer is narrower than the policy, never wider.
//! - **Private network** is not written (refused).

use crate::emit::capability::{Capabilities, Lookup, RegexDialect};
use crate::emit::idents::IdentScheme;
use crate::emit::lang::{java, strings};
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
use crate::regex::Engine;

/// The Spring MVC target.
pub struct Spring;

static CAPS: Capabilities = Capabilities {
    // The oldest line the conformance app runs (tests/conformance_spring.rs).
    min_version: "Spring Framework 5.3",
    exact_lookup: Lookup::Hash,
    regex_dialect: RegexDialect::Engine(Engine::Java),
    private_network: crate::emit::capability::Support::No,
    routing: crate::eval::Routing::Spring,
    modules: &["spring-webmvc"],
    ..Capabilities::COMMON
};

static LIMITS: &[Limit] = &[
    Limit::PortableRegex,
    Limit::WildcardHeadersEchoAll,
    Limit::SegmentPrefixScopes,
];

/// The `spring` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "spring",
    aliases: &[],
    name: "Spring",
    doc_short:
        "a Spring MVC @Configuration: a CorsConfiguration per policy on every handler mapping, one mapping per path scope",
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
        let package = plan.options.java_package.as_str();
        let scanning =
            format!("component scanning find package `{package}`). It replaces the CORS");
        let mut notes = vec![
            "",
            "Use: `@Import(CorscCorsConfiguration.class)` on the application class (or let",
            scanning.as_str(),
            "mappings of every handler mapping. Under Spring Security also enable",
            "`http.cors(...)`, so preflights are answered before authentication.",
        ];
        if plan.policies.iter().any(|p| other_methods(&p.methods)) {
            notes.extend([
                "",
                "A policy allows methods outside GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
                "and TRACE: Spring 5 refuses their preflights (403), Spring 6 answers them.",
            ]);
        }
        w.app_module_header("//", provenance, &META, &notes, plan.owner);
        // A validated package name: ASCII identifiers joined by dots, nothing else.
        w.line(format!("package {package};"));
        w.blank();
        for import in [
            "java.util.ArrayList",
            "java.util.Arrays",
            "java.util.Collections",
            "java.util.HashSet",
            "java.util.LinkedHashMap",
            "java.util.List",
            "java.util.Map",
            "java.util.Set",
            "java.util.regex.Pattern",
            "org.springframework.beans.factory.config.BeanPostProcessor",
            "org.springframework.context.annotation.Bean",
            "org.springframework.context.annotation.Configuration",
            "org.springframework.web.cors.CorsConfiguration",
            "org.springframework.web.servlet.handler.AbstractHandlerMapping",
        ] {
            w.line(format!("import {import};"));
        }
        w.blank();
        w.line("@Configuration");
        w.open("public class CorscCorsConfiguration {");
        w.text(&java::policy_class());
        w.blank();
        w.line("/** Each path pattern and its policy; Spring uses the first that matches. */");
        w.open("static Map<String, CorsConfiguration> mappings() {");
        for i in 0..plan.policies.len() {
            w.line(format!("Policy p{i} = policy{i}();"));
        }
        w.line(
            "Map<String, CorsConfiguration> m = new LinkedHashMap<String, CorsConfiguration>();",
        );
        w.comment_with("//", "The most specific scope comes first.");
        for loc in plan.locations.iter().rev() {
            let path = match &loc.scope {
                Scope::Exact(path) => path.clone(),
                Scope::Prefix(path) => format!("{path}**"),
            };
            w.line(format!("m.put({}, p{});", strings::java(&path), loc.policy));
        }
        w.line("return m;");
        w.close("}");
        w.blank();
        // One method per policy: a JVM method holds 64 KB of bytecode, so one method building
        // every policy would stop compiling at some number of policies and origins.
        for (i, p) in plan.policies.iter().enumerate() {
            policy(&mut w, i, p);
            w.blank();
        }
        w.text(INSTALL);
        w.close("}");
        Output::one(
            "CorscCorsConfiguration.java",
            "a class of the Spring application",
            w.finish(),
        )
    }
}

/// The bean that installs the mappings on every handler mapping, after Spring MVC's own
/// configuration (which sets what `addCorsMappings` registered) has run. Static, so the
/// configuration class is not created early to make it.
const INSTALL: &str = r"/** Installs the mappings on every handler mapping of the application. */
@Bean
public static BeanPostProcessor corscCorsMappings() {
    return new BeanPostProcessor() {
        @Override
        public Object postProcessAfterInitialization(Object bean, String beanName) {
            if (bean instanceof AbstractHandlerMapping) {
                ((AbstractHandlerMapping) bean).setCorsConfigurations(mappings());
            }
            return bean;
        }
    };
}";

/// Spring 5's `HttpMethod` enum: a preflight for any other method is refused before the
/// configuration is asked.
const SPRING5_METHODS: &[&str] = &[
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE",
];

/// Whether a policy allows a method Spring 5 cannot answer a preflight for.
fn other_methods(methods: &Allow) -> bool {
    match methods {
        Allow::Omit => false,
        Allow::Static(s) => items(s).any(|m| m == "*" || !SPRING5_METHODS.contains(&m)),
        Allow::Mirror | Allow::MirrorUnlessAuthorization => true,
    }
}

/// `static Policy policyN()`: the policy and its settings.
fn policy(w: &mut Writer, i: usize, p: &PolicyPlan<'_>) {
    w.comment_with("//", title(p));
    w.open(format!("static Policy policy{i}() {{"));
    let (any, exact, regexes) = match &p.origins {
        Origins::Any => (true, &[][..], &[][..]),
        // Patterns and regexes as one alternation: a list would be tried in turn.
        Origins::List {
            exact, alternation, ..
        } => (false, &exact[..], &alternation[..]),
    };
    w.line(format!(
        "Policy p{i} = new Policy({any}, {}, {});",
        java::long_list(exact),
        java::list_of_long(regexes)
    ));
    let methods = match &p.methods {
        Allow::Static(s) if s == "*" => vec!["*"],
        Allow::Mirror | Allow::MirrorUnlessAuthorization => vec!["*"],
        listed => {
            let mut m = with_safelisted(listed);
            m.sort_unstable();
            m
        }
    };
    w.line(format!("p{i}.setAllowedMethods({});", java::list(methods)));
    w.line(format!(
        "p{i}.setAllowedHeaders({});",
        java::list(star_or_listed(&p.headers))
    ));
    if let Some(list) = &p.expose {
        w.line(format!(
            "p{i}.setExposedHeaders({});",
            java::list(items(list))
        ));
    }
    if p.credentials {
        w.line(format!("p{i}.setAllowCredentials(true);"));
    }
    w.line(format!("p{i}.setMaxAge({}L);", p.max_age.unwrap_or(5)));
    w.line(format!("return p{i};"));
    w.close("}");
}
