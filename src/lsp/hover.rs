//! Hovers: what a directive does, what a browser sends for an origin entry (and which
//! findings are about it), and a rule's or code's documentation.

use super::documents::{self, Document};
use super::sets;
use crate::ir::{OriginDefect, OriginKind};
use crate::source::Span;
use crate::syntax::ast::ValueKind;
use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

fn markdown(text: String, range: Option<lsp_types::Range>) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: text,
        }),
        range,
    }
}

/// The hover at a position, if there is anything to say.
pub(super) fn hover(doc: &Document, pos: Position) -> Option<Hover> {
    let offset = documents::offset(&doc.text, pos);
    let inside = |s: Span| s.start <= offset && offset < s.end.max(s.start + 1);
    if let Some(file) = &doc.ast {
        for v in sets::origin_lists(file).into_iter().flat_map(|l| &l.values) {
            if inside(v.span) {
                if let Some(text) = origin_text(doc, file, &v.kind, v.span) {
                    return Some(markdown(text, Some(documents::range(&doc.text, v.span))));
                }
            }
        }
        for d in sets::directives(file) {
            if inside(d.name.span) {
                let help = crate::check::directive_help();
                let h = help.iter().find(|h| h.name == d.name.node)?;
                return Some(markdown(
                    directive_text(h),
                    Some(documents::range(&doc.text, d.name.span)),
                ));
            }
        }
    }
    let (word, span) = documents::word_at(&doc.text, offset)?;
    let range = Some(documents::range(&doc.text, span));
    if let Some(text) = crate::lint::docs::catalogue().explain(word) {
        return Some(markdown(text, range));
    }
    // A directive in a file that does not parse yet.
    let help = crate::check::directive_help();
    let h = help.iter().find(|h| h.name == word)?;
    let line_start = doc.text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    doc.text[line_start..span.start]
        .trim()
        .is_empty()
        .then(|| markdown(directive_text(h), range))
}

fn directive_text(h: &crate::check::DirectiveHelp) -> String {
    let place = if h.top_level {
        "at the top level of a file"
    } else {
        "inside a `policy { … }` block or a profile"
    };
    format!(
        "**`{}`** directive, written {place}.\n\nEach value: {}.\n\n```cors\n{}\n```",
        h.name, h.expects, h.example
    )
}

/// What a browser sends for an origin entry, and the findings about it.
fn origin_text(
    doc: &Document,
    file: &crate::syntax::ast::File,
    kind: &ValueKind,
    span: Span,
) -> Option<String> {
    let mut text = match kind {
        ValueKind::String(s) => match crate::ir::origin_classify(s) {
            OriginKind::Any => "`*`: every origin (the response says `Access-Control-Allow-Origin: *`).".to_string(),
            OriginKind::Null => "`null`: the opaque origin; a browser sends `Origin: null` from sandboxed frames, `file:` pages and some redirects.".to_string(),
            OriginKind::Exact(o) => format!("A browser on this origin sends\n\n```http\nOrigin: {o}\n```"),
            OriginKind::Pattern(_) => format!("A pattern: it matches each origin of the shape `{s}`; a browser sends one such origin, never the pattern."),
            OriginKind::Regex(_) => "A regular expression over the whole serialized origin.".to_string(),
            OriginKind::Invalid(defect) => invalid_text(&defect),
        },
        ValueKind::Regex(_) => "A regular expression over the whole serialized origin (anchored at both ends).".to_string(),
        ValueKind::Star => "`*`: every origin (the response says `Access-Control-Allow-Origin: *`).".to_string(),
        ValueKind::Word(w) if w == "null" => "`null`: the opaque origin; a browser sends `Origin: null` from sandboxed frames, `file:` pages and some redirects.".to_string(),
        ValueKind::Word(w) => {
            let decl = sets::declarations(file).find(|d| d.name.node == *w)?;
            let entries: Vec<&str> = decl.values.values.iter().map(|v| doc.text.get(v.span.range()).unwrap_or("")).collect();
            format!("Origin set `{w}`: {}", entries.join(", "))
        }
    };
    let fired: Vec<String> = doc
        .diagnostics
        .iter()
        .filter(|d| {
            d.primary.span.start < span.end
                && span.start < d.primary.span.end.max(d.primary.span.start + 1)
        })
        .map(|d| format!("- `{}` {}: {}", d.code, d.name, d.message))
        .collect();
    if !fired.is_empty() {
        text.push_str("\n\nFindings on this entry:\n");
        text.push_str(&fired.join("\n"));
    }
    Some(text)
}

fn invalid_text(defect: &OriginDefect) -> String {
    let never = "No browser ever sends this entry as it is written";
    match defect {
        OriginDefect::MissingScheme { suggestion }
        | OriginDefect::HasPath { suggestion }
        | OriginDefect::DefaultPort { suggestion }
        | OriginDefect::NotCanonical { suggestion } => {
            format!("{never}; a browser on that origin sends\n\n```http\nOrigin: {suggestion}\n```")
        }
        OriginDefect::SeveralOrigins { parts } => {
            format!("{never}: it holds several origins ({}).", parts.join(", "))
        }
        OriginDefect::MisplacedWildcard { reason } | OriginDefect::Malformed { reason } => {
            format!("{never}: {reason}.")
        }
    }
}
