//! GitHub Actions workflow commands: one `::error …::message` line per finding, which the
//! runner turns into annotations on the pull request.
//!
//! Escaping follows the Actions toolkit: in the message `%`, `\r` and `\n` are percent-encoded;
//! in property values `:` and `,` are as well, since they delimit properties.

use super::{Diagnostic, Severity};
use crate::source::{shown_lines, Source};

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Workflow-command lines for one file's diagnostics.
#[must_use]
pub fn render(source: &Source, diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    // Line breaks are percent-encoded, which the runner decodes; every other character a log
    // reader acts on (an escape sequence, a bidirectional override) is shown escaped.
    let file = escape_property(&shown_lines(&source.name.replace('\\', "/")));
    for d in diags {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let (line, col) = source.line_col(d.primary.span.start);
        let (end_line, end_col) = source.line_col(d.primary.span.end);
        let title = escape_property(&format!("{} {}", d.code, d.name));
        let mut message = d.message.clone();
        if let Some(h) = &d.help {
            message.push_str(&format!("\nhelp: {h}"));
        }
        out.push_str(&format!(
            "::{command} file={file},line={line},col={col},endLine={end_line},endColumn={end_col},title={title}::{}\n",
            escape_data(&shown_lines(&message))
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    #[test]
    fn properties_and_messages_are_escaped() {
        assert_eq!(escape_property("a:b,c%d\n"), "a%3Ab%2Cc%25d%0A");
        assert_eq!(escape_data("50%: a,b\r\n"), "50%25: a,b%0D%0A");
        let src = Source::new("dir/a,b.cors", "policy x {\n}\n");
        let d = Diagnostic::new(
            "S101",
            "wildcard-with-credentials",
            Severity::Warning,
            "m: 1%",
            Span::new(0, 6),
        );
        assert_eq!(
            render(&src, &[d]),
            "::warning file=dir/a%2Cb.cors,line=1,col=1,endLine=1,endColumn=7,title=S101 wildcard-with-credentials::m: 1%25\n"
        );
    }
}
