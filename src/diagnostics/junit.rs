//! JUnit XML in the shape ruff and eslint write: one `<testsuite>` per file, one failing
//! `<testcase>` per finding, and one passing `<testcase>` for a file without findings, so CI
//! test reports (GitLab, Jenkins, Azure) list every file linted.
//!
//! Only elements and attributes of the JUnit schema of Jenkins' xUnit plugin (`junit-10.xsd`,
//! which pytest's default `xunit2` family also keeps to) are written: a strict consumer
//! validates against it. So the file is named on the `<testsuite>` (`file`) and in each test
//! case's `classname`, and the line and column in the failure's text, not in the `file` and
//! `line` attributes of `<testcase>` that the schema lacks.
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
            "  <testsuite name=\"{name}\" tests=\"{}\" errors=\"0\" failures=\"{}\" package=\"corsc\" file=\"{name}\">\n",
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
                "    <testcase name=\"{}\" classname=\"{name}\">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
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
