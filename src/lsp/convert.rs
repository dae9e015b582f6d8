//! corsc's diagnostics as LSP diagnostics: the same code, range, severity and message, the
//! secondary labels as related information.

use super::documents::range;
use crate::diagnostics::{Diagnostic, Severity};
use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Uri,
};

/// One finding as the client shows it.
pub(super) fn diagnostic(uri: &Uri, text: &str, d: &Diagnostic) -> lsp_types::Diagnostic {
    let severity = match d.severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Note => DiagnosticSeverity::INFORMATION,
    };
    let mut message = format!("{} ({})", d.message, d.name);
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    for note in &d.notes {
        message.push_str("\nnote: ");
        message.push_str(note);
    }
    let related: Vec<_> = d
        .secondary
        .iter()
        .map(|l| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), range(text, l.span)),
            message: if l.message.is_empty() {
                "related".into()
            } else {
                l.message.clone()
            },
        })
        .collect();
    lsp_types::Diagnostic {
        range: range(text, d.primary.span),
        severity: Some(severity),
        code: Some(NumberOrString::String(d.code.to_string())),
        code_description: crate::diagnostics::catalogue::help_uri(d.code)
            .parse::<Uri>()
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some("corsc".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}
