//! JUnit XML, as ruff writes it: one `<testsuite>` per file, one failing `<testcase>` per
//! finding, and one passing `<testcase>` for a file without findings, so CI test reports
//! (GitLab, Jenkins, Azure) list every file linted.
//!
//! Messages are shown as a terminal would show them (`source::shown_lines`: no escape sequence
//! or bidirectional override reaches a report viewer), then escaped for XML.

use super::{xml, Diagnostic};
use crate::source::{shown_lines, Source};

/// One `<testsuites>` document for every file.
#[must_use]
pub fn render(files: &[(Source, Vec<Diagnostic>)]) -> String {
    let failures: usize = files.iter().map(|(_, d)| d.len()).sum();
    let tests: usize = files.iter().map(|(_, d)| d.len().max(1)).sum();
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"corsc\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">\n"
    );
    for (source, diags) in files {
        let name = xml::attr(&source.name);
        out.push_str(&format!(
            "  <testsuite name=\"{name}\" tests=\"{}\" disabled=\"0\" errors=\"0\" failures=\"{}\" package=\"corsc\">\n",
            diags.len().max(1),
            diags.len()
        ));
        if diags.is_empty() {
            out.push_str(&format!(
                "    <testcase name=\"no problems found\" classname=\"{name}\"/>\n"
            ));
        }
        for d in diags {
            let (line, col) = source.line_col(d.primary.span.start);
            out.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"{name}\" file=\"{name}\" line=\"{line}\">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                xml::attr(&format!("corsc.{}.{}", d.code, d.name)),
                xml::attr(&shown_lines(&d.message)),
                d.severity.as_str(),
                xml::text(&format!("line {line}, col {col}, {}", shown_lines(&d.message))),
            ));
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
