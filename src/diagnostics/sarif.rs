//! SARIF 2.1.0, as GitHub code scanning reads it.
//!
//! Typed structs rather than a generic JSON value, so a misspelled property is a compile error.
//! Every rule and every fixed code is listed in `tool.driver.rules`, so `ruleIndex` is stable for
//! a given corsc version whatever was found. Columns count Unicode code points
//! (`columnKind: unicodeCodePoints`), as the other outputs do; `endColumn` is exclusive.

use super::{codes, Diagnostic, Severity};
use crate::lint::{docs, registry, Level};
use crate::source::{Source, Span};
use serde::Serialize;

/// The schema address GitHub and validators expect.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// A whole SARIF log.
#[derive(Debug, Serialize)]
pub struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    column_kind: &'static str,
    results: Vec<ResultItem>,
}

#[derive(Debug, Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Debug, Serialize)]
struct Text {
    text: String,
}

#[derive(Debug, Serialize)]
struct MultiformatText {
    text: String,
    markdown: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: MultiformatText,
    help_uri: String,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Debug, Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Debug, Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
    category: &'static str,
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<&'static str>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultItem {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Debug, Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: Text,
    artifact_changes: Vec<ArtifactChange>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: Region,
    inserted_content: Text,
}

fn level(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Note => "note",
        Level::Allow => "none",
    }
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// Every rule, then every fixed code: the `rules` array and the order `ruleIndex` refers to.
fn descriptors() -> Vec<ReportingDescriptor> {
    let mut out: Vec<ReportingDescriptor> = registry::RULES
        .iter()
        .map(|r| {
            let m = r.meta();
            let cat = m.category.as_str();
            let security = cat == "security";
            ReportingDescriptor {
                id: m.code,
                name: m.name,
                short_description: Text {
                    text: m.summary.to_string(),
                },
                full_description: Text {
                    text: docs::what_it_does(m),
                },
                help: MultiformatText {
                    text: m.docs.to_string(),
                    markdown: m.docs.to_string(),
                },
                help_uri: docs::help_uri(m.code),
                default_configuration: Configuration {
                    level: level(m.default_level),
                },
                properties: RuleProperties {
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
                },
            }
        })
        .collect();
    out.extend(codes::ALL.iter().map(|c| ReportingDescriptor {
        id: c.code,
        name: c.name,
        short_description: Text {
            text: c.summary.to_string(),
        },
        full_description: Text {
            text: format!("{}. This error cannot be configured away: the file has no meaning until it is fixed.", c.summary),
        },
        help: MultiformatText {
            text: c.summary.to_string(),
            markdown: c.summary.to_string(),
        },
        help_uri: docs::help_uri(c.code),
        default_configuration: Configuration { level: "error" },
        properties: RuleProperties {
            tags: vec!["correctness", "cors"],
            category: "error",
            security_severity: None,
        },
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
    Region {
        start_line,
        start_column,
        end_line,
        end_column,
    }
}

fn physical(source: &Source, span: Span) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: ArtifactLocation {
            uri: artifact_uri(&source.name),
        },
        region: region(source, span),
    }
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

/// Builds the SARIF log for every file's diagnostics.
#[must_use]
pub fn log(files: &[(Source, Vec<Diagnostic>)]) -> Log {
    let mut rules = descriptors();
    // Codes from other stages (the emit stage's `P3xx`) get a descriptor of their own, so
    // `ruleIndex` always points at the right rule.
    for (_, diags) in files {
        for d in diags {
            if !rules.iter().any(|r| r.id == d.code) {
                rules.push(ReportingDescriptor {
                    id: d.code,
                    name: d.name,
                    short_description: Text {
                        text: d.name.replace('-', " "),
                    },
                    full_description: Text {
                        text: d.name.replace('-', " "),
                    },
                    help: MultiformatText {
                        text: format!("`corsc explain {}`", d.code),
                        markdown: format!("`corsc explain {}`", d.code),
                    },
                    help_uri: docs::help_uri(d.code),
                    default_configuration: Configuration { level: "error" },
                    properties: RuleProperties {
                        tags: vec!["portability", "cors"],
                        category: "error",
                        security_severity: None,
                    },
                });
            }
        }
    }
    let mut results = Vec::new();
    for (source, diags) in files {
        for d in diags {
            let rule_index = rules.iter().position(|r| r.id == d.code).unwrap_or(0);
            results.push(ResultItem {
                rule_id: d.code,
                rule_index,
                level: severity(d.severity),
                message: Text { text: message(d) },
                locations: vec![Location {
                    id: None,
                    physical_location: physical(source, d.primary.span),
                    message: None,
                }],
                related_locations: d
                    .secondary
                    .iter()
                    .enumerate()
                    .map(|(i, l)| Location {
                        id: Some(i),
                        physical_location: physical(source, l.span),
                        message: Some(Text {
                            text: l.message.clone(),
                        }),
                    })
                    .collect(),
                fixes: d
                    .fix
                    .iter()
                    .map(|f| SarifFix {
                        description: Text {
                            text: f.description.clone(),
                        },
                        artifact_changes: vec![ArtifactChange {
                            artifact_location: ArtifactLocation {
                                uri: artifact_uri(&source.name),
                            },
                            replacements: f
                                .edits
                                .iter()
                                .map(|e| Replacement {
                                    deleted_region: region(source, e.span),
                                    inserted_content: Text {
                                        text: e.replacement.clone(),
                                    },
                                })
                                .collect(),
                        }],
                    })
                    .collect(),
            });
        }
    }
    Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "corsc",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules,
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    }
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
