//! SARIF 2.1.0, as GitHub code scanning reads it.
//!
//! Built with the `serde-sarif` crate's types, which are generated from the SARIF schema, so a
//! misspelled or misplaced property does not compile. Every rule and every fixed code is listed
//! in `tool.driver.rules`, so `ruleIndex` is stable for a given corsc version whatever was
//! found. Columns count Unicode code points (`columnKind: unicodeCodePoints`), as the other
//! outputs do; `endColumn` is exclusive.

use super::{codes, Diagnostic, Severity};
use crate::lint::{docs, registry, Level};
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

fn level(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Note => "note",
        Level::Allow => "none",
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
        .help_uri(docs::help_uri(d.id))
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

/// Every rule, then every fixed code: the `rules` array and the order `ruleIndex` refers to.
fn descriptors() -> Vec<ReportingDescriptor> {
    let mut out: Vec<ReportingDescriptor> = registry::RULES
        .iter()
        .map(|r| {
            let m = r.meta();
            let cat = m.category.as_str();
            let security = cat == "security";
            descriptor(Describe {
                id: m.code,
                name: m.name,
                short: m.summary.to_string(),
                full: docs::what_it_does(m),
                help: m.docs.to_string(),
                level: level(m.default_level),
                tags: if security {
                    vec!["security", "cors", "external/cwe/cwe-942"]
                } else {
                    vec![cat, "cors"]
                },
                category: cat,
                security_severity: security.then_some(match m.default_level {
                    Level::Error => "8.0",
                    Level::Warning => "5.0",
                    _ => "3.0",
                }),
            })
        })
        .collect();
    out.extend(codes::ALL.iter().map(|c| {
        descriptor(Describe {
            id: c.code,
            name: c.name,
            short: c.summary.to_string(),
            full: format!(
                "{}. This error cannot be configured away: the file has no meaning until it is fixed.",
                c.summary
            ),
            help: c.summary.to_string(),
            level: "error",
            tags: vec!["correctness", "cors"],
            category: "error",
            security_severity: None,
        })
    }));
    out
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
            Fix::builder()
                .description(text(f.description.clone()))
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

/// Builds the SARIF log for every file's diagnostics.
#[must_use]
pub fn log(files: &[(Source, Vec<Diagnostic>)]) -> Sarif {
    let mut rules = descriptors();
    // Codes from other stages (the emit stage's `P3xx`) get a descriptor of their own, so
    // `ruleIndex` always points at the right rule.
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
pub fn render(files: &[(Source, Vec<Diagnostic>)]) -> String {
    serde_json::to_string_pretty(&log(files)).map_or_else(
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
