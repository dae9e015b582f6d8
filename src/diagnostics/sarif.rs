//! SARIF 2.1.0, as GitHub code scanning reads it.
//!
//! Built with the `serde-sarif` crate's types, which are generated from the SARIF schema, so a
//! misspelled or misplaced property does not compile. Every code of the [`Catalogue`] the
//! caller hands in (every rule, every fixed error and every compile error) is listed in
//! `tool.driver.rules`, so `ruleIndex` is stable for a given corsc version whatever was found.
//! Columns count Unicode code points (`columnKind: unicodeCodePoints`), as the other outputs
//! do; `endColumn` is exclusive.

use super::catalogue::{help_uri, Catalogue, Entry, Origin};
use super::{Diagnostic, Severity};
use crate::source::{Source, Span};
use serde_sarif::sarif::{
    ArtifactChange, ArtifactContent, ArtifactLocation, Fix, Location, Message,
    MultiformatMessageString, PhysicalLocation, PropertyBag, Region, Replacement,
    ReportingConfiguration, ReportingDescriptor, Result as SarifResult, ResultLevel, Run, Sarif,
    Tool, ToolComponent,
};
use std::collections::BTreeMap;

/// The schema address GitHub and validators expect.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// A default level in SARIF's words (`allow` is `none`).
fn level(default_level: &str) -> &'static str {
    match default_level {
        "error" => "error",
        "warning" => "warning",
        "note" => "note",
        _ => "none",
    }
}

fn result_level(s: Severity) -> ResultLevel {
    match s {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
        Severity::Note => ResultLevel::Note,
    }
}

/// A rule's descriptor: its id and name, one-line and full descriptions, help in text and
/// Markdown, default level, and the tags and category code scanning files it under.
struct Describe<'a> {
    id: &'a str,
    name: &'a str,
    short: String,
    full: String,
    help: String,
    level: &'static str,
    tags: Vec<&'a str>,
    category: &'a str,
    security_severity: Option<&'static str>,
}

fn descriptor(d: Describe<'_>) -> ReportingDescriptor {
    let mut extra = BTreeMap::new();
    extra.insert("category".to_string(), serde_json::json!(d.category));
    if let Some(sev) = d.security_severity {
        extra.insert("security-severity".to_string(), serde_json::json!(sev));
    }
    ReportingDescriptor::builder()
        .id(d.id)
        .name(d.name)
        .short_description(MultiformatMessageString::builder().text(d.short).build())
        .full_description(MultiformatMessageString::builder().text(d.full).build())
        .help(
            MultiformatMessageString::builder()
                .text(d.help.clone())
                .markdown(d.help)
                .build(),
        )
        .help_uri(help_uri(d.id))
        .default_configuration(
            ReportingConfiguration::builder()
                .level(serde_json::json!(d.level))
                .build(),
        )
        .properties(
            PropertyBag::builder()
                .tags(d.tags.into_iter().map(str::to_string).collect::<Vec<_>>())
                .additional_properties(extra)
                .build(),
        )
        .build()
}

/// One catalogue entry's descriptor.
fn describe(e: &Entry) -> ReportingDescriptor {
    match e.origin {
        Origin::Rule => {
            let security = e.category == "security";
            descriptor(Describe {
                id: e.code,
                name: e.name,
                short: e.summary.to_string(),
                full: e.what_it_does(),
                help: e.docs.to_string(),
                level: level(e.default_level),
                tags: if security {
                    vec!["security", "cors", "external/cwe/cwe-942"]
                } else {
                    vec![e.category, "cors"]
                },
                category: e.category,
                security_severity: security.then_some(match e.default_level {
                    "error" => "8.0",
                    "warning" => "5.0",
                    _ => "3.0",
                }),
            })
        }
        Origin::Error => descriptor(Describe {
            id: e.code,
            name: e.name,
            short: e.summary.to_string(),
            full: format!(
                "{}. This error cannot be configured away: the file has no meaning until it is fixed.",
                e.summary
            ),
            help: e.summary.to_string(),
            level: "error",
            tags: vec!["correctness", "cors"],
            category: "error",
            security_severity: None,
        }),
        Origin::Target => descriptor(Describe {
            id: e.code,
            name: e.name,
            short: e.summary.to_string(),
            full: format!(
                "{}. corsc refuses to compile rather than write a configuration that grants more, or less, than the policy says.",
                e.summary
            ),
            help: format!("{}; `corsc explain {}`", e.summary, e.code),
            level: "error",
            tags: vec!["portability", "cors"],
            category: "error",
            security_severity: None,
        }),
        Origin::Import => descriptor(Describe {
            id: e.code,
            name: e.name,
            short: e.summary.to_string(),
            full: format!(
                "{}. Reported by `corsc import` and `corsc lint --from` at the line of the configuration they read; an import narrows what it cannot say exactly, never widens.",
                e.summary
            ),
            help: format!("{}; `corsc explain {}`", e.summary, e.code),
            level: level(e.default_level),
            tags: vec!["import", "cors"],
            category: "import",
            security_severity: None,
        }),
    }
}

/// A file name as a relative URI with forward slashes; absolute paths under the current
/// directory are made relative to it, others become `file://` URIs.
#[must_use]
pub fn artifact_uri(name: &str) -> String {
    let mut path = name.replace('\\', "/");
    let absolute = path.starts_with('/');
    if absolute {
        if let Ok(cwd) = std::env::current_dir() {
            let cwd = cwd.to_string_lossy().replace('\\', "/");
            if let Some(rest) = path.strip_prefix(&format!("{}/", cwd.trim_end_matches('/'))) {
                path = rest.to_string();
            }
        }
    }
    while let Some(rest) = path.strip_prefix("./") {
        path = rest.to_string();
    }
    let mut encoded = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    if path.starts_with('/') {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

fn region(source: &Source, span: Span) -> Region {
    let (start_line, start_column) = source.line_col(span.start);
    let (end_line, end_column) = source.line_col(span.end);
    let n = |v: usize| i64::try_from(v).unwrap_or(i64::MAX);
    Region::builder()
        .start_line(n(start_line))
        .start_column(n(start_column))
        .end_line(n(end_line))
        .end_column(n(end_column))
        .build()
}

fn artifact(source: &Source) -> ArtifactLocation {
    ArtifactLocation::builder()
        .uri(artifact_uri(&source.name))
        .build()
}

fn physical(source: &Source, span: Span) -> PhysicalLocation {
    PhysicalLocation::builder()
        .artifact_location(artifact(source))
        .region(region(source, span))
        .build()
}

fn text(t: impl Into<String>) -> Message {
    Message::builder().text(t.into()).build()
}

fn message(d: &Diagnostic) -> String {
    let mut m = d.message.clone();
    if let Some(h) = &d.help {
        m.push_str(&format!(".\nhelp: {h}"));
    }
    for n in &d.notes {
        m.push_str(&format!("\nnote: {n}"));
    }
    m
}

fn result(source: &Source, d: &Diagnostic, rule_index: usize) -> SarifResult {
    let related: Vec<Location> = d
        .secondary
        .iter()
        .enumerate()
        .map(|(i, l)| {
            Location::builder()
                .id(i64::try_from(i).unwrap_or(i64::MAX))
                .physical_location(physical(source, l.span))
                .message(text(l.message.clone()))
                .build()
        })
        .collect();
    let fixes: Vec<Fix> = d
        .fix
        .iter()
        .map(|f| {
            let replacements: Vec<Replacement> = f
                .edits
                .iter()
                .map(|e| {
                    Replacement::builder()
                        .deleted_region(region(source, e.span))
                        .inserted_content(
                            ArtifactContent::builder()
                                .text(e.replacement.clone())
                                .build(),
                        )
                        .build()
                })
                .collect();
            let mut level = BTreeMap::new();
            level.insert(
                "applicability".to_string(),
                serde_json::json!(f.applicability.as_str()),
            );
            Fix::builder()
                .description(text(f.description.clone()))
                .properties(PropertyBag::builder().additional_properties(level).build())
                .artifact_changes(vec![ArtifactChange::builder()
                    .artifact_location(artifact(source))
                    .replacements(replacements)
                    .build()])
                .build()
        })
        .collect();
    let location = Location::builder()
        .physical_location(physical(source, d.primary.span))
        .build();
    let mut r = SarifResult::builder()
        .rule_id(d.code)
        .rule_index(i64::try_from(rule_index).unwrap_or(0))
        .level(result_level(d.severity))
        .message(text(message(d)))
        .locations(vec![location])
        .build();
    if !related.is_empty() {
        r.related_locations = Some(related);
    }
    if !fixes.is_empty() {
        r.fixes = Some(fixes);
    }
    r
}

/// Builds the SARIF log for every file's diagnostics, listing every code of `catalogue`.
#[must_use]
pub fn log(catalogue: &Catalogue, files: &[(Source, Vec<Diagnostic>)]) -> Sarif {
    let mut rules: Vec<ReportingDescriptor> = catalogue.entries().iter().map(describe).collect();
    // A code the catalogue lacks (a caller that handed in no rules) still gets a descriptor,
    // so `ruleIndex` always points at the right rule.
    for (_, diags) in files {
        for d in diags {
            if !rules.iter().any(|r| r.id == d.code) {
                rules.push(descriptor(Describe {
                    id: d.code,
                    name: d.name,
                    short: d.name.replace('-', " "),
                    full: d.name.replace('-', " "),
                    help: format!("`corsc explain {}`", d.code),
                    level: "error",
                    tags: vec!["portability", "cors"],
                    category: "error",
                    security_severity: None,
                }));
            }
        }
    }
    let mut results = Vec::new();
    for (source, diags) in files {
        for d in diags {
            let rule_index = rules.iter().position(|r| r.id == d.code).unwrap_or(0);
            results.push(result(source, d, rule_index));
        }
    }
    let driver = ToolComponent::builder()
        .name("corsc")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(env!("CARGO_PKG_REPOSITORY"))
        .rules(rules)
        .build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .column_kind(serde_json::json!("unicodeCodePoints"))
        .results(results)
        .build();
    Sarif::builder()
        .schema(SCHEMA)
        .version(serde_json::json!("2.1.0"))
        .runs(vec![run])
        .build()
}

/// The SARIF log as pretty JSON with a final newline.
#[must_use]
pub fn render(catalogue: &Catalogue, files: &[(Source, Vec<Diagnostic>)]) -> String {
    serde_json::to_string_pretty(&log(catalogue, files)).map_or_else(
        |e| format!("{{\"error\": \"{e}\"}}\n"),
        |mut s| {
            s.push('\n');
            s
        },
    )
}

#[cfg(test)]
mod tests {
    use super::artifact_uri;

    #[test]
    fn uris_are_relative_with_forward_slashes_and_encoded() {
        assert_eq!(artifact_uri("./policies/api.cors"), "policies/api.cors");
        assert_eq!(artifact_uri("policies\\api.cors"), "policies/api.cors");
        assert_eq!(
            artifact_uri("my policies/a#b.cors"),
            "my%20policies/a%23b.cors"
        );
        assert_eq!(
            artifact_uri("/nonexistent-root/x.cors"),
            "file:///nonexistent-root/x.cors"
        );
    }
}
