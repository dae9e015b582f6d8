//! Checkstyle XML: `<checkstyle><file name><error line column severity message source/>…`,
//! which Jenkins (Warnings Next Generation), reviewdog and many CI dashboards read.
//!
//! Severities: error → `error`, warning → `warning`, note → `info`.

use super::{xml, Diagnostic, Severity};
use crate::source::{shown_lines, Source};

/// The Checkstyle severity of a finding.
#[must_use]
pub fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "info",
    }
}

/// One document for every file, a `<file>` element each (clean files included, empty).
#[must_use]
pub fn render(files: &[(Source, Vec<Diagnostic>)]) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"{}\">\n",
        xml::attr(concat!("corsc ", env!("CARGO_PKG_VERSION")))
    );
    for (source, diags) in files {
        out.push_str(&format!("  <file name=\"{}\">\n", xml::attr(&source.name)));
        for d in diags {
            let (line, col) = source.line_col(d.primary.span.start);
            out.push_str(&format!(
                "    <error line=\"{line}\" column=\"{col}\" severity=\"{}\" message=\"{}\" source=\"{}\"/>\n",
                severity(d.severity),
                xml::attr(&shown_lines(&d.message)),
                xml::attr(&format!("corsc.{}.{}", d.code, d.name)),
            ));
        }
        out.push_str("  </file>\n");
    }
    out.push_str("</checkstyle>\n");
    out
}
