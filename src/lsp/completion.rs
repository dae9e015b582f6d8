//! Completion from what the line holds before the cursor: rule names inside `@allow(`,
//! methods after `methods`, directive names at the start of a line, and target ids after
//! `target:` in a `corsc.yaml` manifest.

use super::documents::{self, Document};
use lsp_types::{CompletionItem, CompletionItemKind, Position};

/// The methods a `methods` directive takes: the CORS-safelisted ones and the usual others.
const METHODS: &[&str] = &[
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "*",
];

/// The keywords that open a block at the top level.
const BLOCKS: &[&str] = &["policy", "profile", "origins"];

/// Whether a URI names a build manifest rather than a policy.
pub(super) fn is_manifest(uri: &str) -> bool {
    let name = uri.rsplit('/').next().unwrap_or(uri);
    matches!(
        name,
        "corsc.yaml" | ".corsc.yaml" | "corsc.yml" | ".corsc.yml"
    )
}

fn items(
    words: impl IntoIterator<Item = (String, Option<String>)>,
    kind: CompletionItemKind,
) -> Vec<CompletionItem> {
    words
        .into_iter()
        .map(|(label, detail)| CompletionItem {
            label,
            kind: Some(kind),
            detail,
            ..CompletionItem::default()
        })
        .collect()
}

/// The completions at a position.
pub(super) fn complete(uri: &str, doc: &Document, pos: Position) -> Vec<CompletionItem> {
    let offset = documents::offset(&doc.text, pos);
    let line_start = doc.text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &doc.text[line_start..offset];
    if is_manifest(uri) {
        let key = before.trim_start().trim_start_matches('-').trim_start();
        return match key.strip_prefix("target:") {
            Some(rest) if !rest.trim().contains(' ') => items(
                crate::emit::registry::TARGETS
                    .iter()
                    .map(|t| (t.meta().id.to_string(), Some(t.meta().name.to_string()))),
                CompletionItemKind::ENUM_MEMBER,
            ),
            _ => Vec::new(),
        };
    }
    if let Some(open) = before.rfind("@allow(") {
        if !before[open..].contains(')') {
            return items(
                crate::lint::registry::metas().into_iter().map(|m| {
                    (
                        m.name.to_string(),
                        Some(format!("{}: {}", m.code, m.summary)),
                    )
                }),
                CompletionItemKind::VALUE,
            );
        }
    }
    let trimmed = before.trim_start();
    if let Some(rest) = trimmed.strip_prefix("methods") {
        if rest.starts_with([' ', '\t']) || rest.starts_with("+=") || rest.starts_with('=') {
            return items(
                METHODS.iter().map(|m| (m.to_string(), None)),
                CompletionItemKind::ENUM_MEMBER,
            );
        }
    }
    if trimmed
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        let mut words: Vec<(String, Option<String>)> = crate::check::directive_help()
            .into_iter()
            .map(|h| (h.name.to_string(), Some(h.example.to_string())))
            .collect();
        for b in BLOCKS {
            if !words.iter().any(|(w, _)| w == b) {
                words.push((b.to_string(), None));
            }
        }
        return items(words, CompletionItemKind::KEYWORD);
    }
    Vec::new()
}
