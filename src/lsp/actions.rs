//! Quick fixes: each finding's fix as a workspace edit, its safety in the title; a safe fix
//! (the policy allows exactly what it did) is the preferred one.

use super::convert;
use super::documents::{self, Document};
use crate::diagnostics::Applicability;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, Uri, WorkspaceEdit,
};
use std::collections::HashMap;

/// The fixes of the findings that touch `range`.
pub(super) fn actions(uri: &Uri, doc: &Document, range: Range) -> Vec<CodeActionOrCommand> {
    let start = documents::offset(&doc.text, range.start);
    let end = documents::offset(&doc.text, range.end);
    let mut out = Vec::new();
    for d in &doc.diagnostics {
        let Some(fix) = &d.fix else { continue };
        let s = d.primary.span;
        if s.start > end || s.end < start {
            continue;
        }
        // A fix whose edits do not fall on character boundaries of this text is stale.
        if fix.edits.iter().any(|e| {
            !doc.text.is_char_boundary(e.span.start.min(doc.text.len()))
                || e.span.end > doc.text.len()
                || !doc.text.is_char_boundary(e.span.end)
        }) {
            continue;
        }
        let edits = fix
            .edits
            .iter()
            .map(|e| TextEdit::new(documents::range(&doc.text, e.span), e.replacement.clone()))
            .collect();
        let safe = fix.applicability == Applicability::Safe;
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: format!("{} ({} fix)", fix.description, fix.applicability.as_str()),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![convert::diagnostic(uri, &doc.text, d)]),
            edit: Some(WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), edits)])),
                ..WorkspaceEdit::default()
            }),
            is_preferred: Some(safe),
            ..CodeAction::default()
        }));
    }
    out
}
