//! `diff --format markdown`: the comparison as GitHub-flavoured Markdown for a pull-request
//! comment: the verdict first, a table of the scopes, then what each scope gains and loses.
//!
//! Every value from a policy goes into a code span made by [`code`]: a backtick run inside it
//! is fenced by a longer one and line breaks become spaces; in a table cell ([`cell`]) `|` is
//! escaped too (GitHub splits table cells on it even inside code spans), so a hostile origin or header name can neither close
//! the span, split a table row nor start a block of its own.

use super::words::{is_same, verdict_line, GROUPS};
use crate::diff::{self, DiffReport, Item, ScopeDiff};
use crate::source::{shown, Source};

/// `s` as one inline code span.
pub(super) fn code(s: &str) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.is_empty() {
        return "` `".into();
    }
    let longest = flat.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    // A span that starts or ends with a backtick needs a space inside the fence.
    let pad = if flat.starts_with('`') || flat.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{flat}{pad}{fence}")
}

/// `s` as a code span inside a table cell, where GitHub splits on `|` even inside code spans
/// (and unescapes `\|` there).
pub(super) fn cell(s: &str) -> String {
    code(s).replace('|', "\\|")
}

fn policy(p: Option<&String>, span: fn(&str) -> String) -> String {
    p.map_or_else(|| "*no policy*".to_string(), |n| span(n))
}

fn word(v: diff::Verdict) -> &'static str {
    match v {
        diff::Verdict::Equivalent => "equivalent",
        diff::Verdict::Narrower => "narrower",
        diff::Verdict::Wider => "**wider**",
        diff::Verdict::Both => "**wider and narrower**",
    }
}

fn item(sign: &str, i: &Item) -> String {
    match &i.example {
        Some(e) if *e != i.value.to_ascii_lowercase() && *e != i.value => {
            format!("{sign} {} (e.g. {})", code(&i.value), code(e))
        }
        _ => format!("{sign} {}", code(&i.value)),
    }
}

fn scope_section(s: &mut String, scope: &ScopeDiff) {
    s.push_str(&format!(
        "\n#### {} (old: {}, new: {})\n\n",
        code(&scope.scope),
        policy(scope.old_policy.as_ref(), code),
        policy(scope.new_policy.as_ref(), code)
    ));
    if scope.paths.len() > 1 {
        let paths: Vec<String> = scope.paths.iter().map(|p| code(p)).collect();
        s.push_str(&format!("Paths: {}\n\n", paths.join(", ")));
    }
    for g in GROUPS {
        let lines: Vec<String> = [("added", &scope.gained), ("removed", &scope.lost)]
            .into_iter()
            .flat_map(|(sign, items)| {
                items
                    .iter()
                    .filter(move |i| i.kind == g)
                    .map(move |i| item(sign, i))
            })
            .collect();
        if !lines.is_empty() {
            s.push_str(&format!("- **{}**\n", g.heading()));
            for l in lines {
                s.push_str(&format!("  - {l}\n"));
            }
        }
    }
    for c in &scope.changed {
        let show = |v: &Option<String>| v.as_deref().map_or_else(|| "none".into(), code);
        s.push_str(&format!(
            "- **{}**: {} → {} (a change, not a widening)\n",
            c.what,
            show(&c.old),
            show(&c.new)
        ));
    }
    for (word, ex) in [("Widens", &scope.widening), ("Narrows", &scope.narrowing)] {
        if let Some(e) = ex {
            s.push_str(&format!(
                "- {word}: {} — old {}, new {} ({})\n",
                code(&e.request),
                code(&e.old),
                code(&e.new),
                code(&e.browser)
            ));
        }
    }
}

/// The whole comment, ending in a newline.
pub(super) fn markdown(r: &DiffReport, old: &Source, new: &Source) -> String {
    let mut s = format!(
        "### corsc diff {} → {}\n\n",
        code(&shown(&old.name)),
        code(&shown(&new.name))
    );
    s.push_str(&format!(
        "{} **Verdict: {}**\n\n",
        if r.verdict.widens() { "⚠️" } else { "✅" },
        verdict_line(r.verdict)
    ));
    s.push_str("| scope | old policy | new policy | verdict |\n|---|---|---|---|\n");
    for scope in &r.scopes {
        let v = if is_same(scope) {
            "no difference"
        } else {
            word(scope.verdict())
        };
        s.push_str(&format!(
            "| {} | {} | {} | {v} |\n",
            cell(&scope.scope),
            policy(scope.old_policy.as_ref(), cell),
            policy(scope.new_policy.as_ref(), cell)
        ));
    }
    for scope in r.scopes.iter().filter(|s| !is_same(s)) {
        scope_section(&mut s, scope);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::{cell, code};

    #[test]
    fn a_value_cannot_close_its_code_span_or_split_a_table_row() {
        assert_eq!(code("https://a.example"), "`https://a.example`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x``"), "``` `x`` ```");
        assert_eq!(code("a|b"), "`a|b`");
        assert_eq!(cell("a|b"), "`a\\|b`");
        assert_eq!(code("a\nb\r\n# h"), "`a b  # h`");
        assert_eq!(code(""), "` `");
    }
}
