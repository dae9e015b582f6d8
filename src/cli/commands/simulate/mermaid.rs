//! `simulate --format mermaid`: the exchange as a mermaid sequence diagram (page, browser,
//! server), for a pull request or a wiki page, where a picture of the preflight and the step
//! that fails reads faster than the text report.
//!
//! Every piece of text that comes from the command line or the policy (origin, path, header
//! names and values, the policy name) goes through [`text`]: mermaid reads `;` as the end of a
//! statement, `#…;` as an entity, `<…>` as markup and a line break as the end of a message, so
//! anything but plain letters, digits and a few punctuation marks is written as an entity code
//! (`#59;`), which mermaid turns back into the character. A hostile header value can then
//! neither end the diagram's statement nor add one of its own.

use crate::eval::browser::{self, BrowserModel, Step, Verdict};
use crate::eval::server::Response;
use crate::eval::{reason_phrase, BrowserRequest, Routed, Routing, WireRequest};

/// What the diagram shows: the simulation's parts, borrowed.
pub(super) struct Picture<'a> {
    /// The browser model's name.
    pub browser: &'a str,
    pub request: &'a BrowserRequest,
    /// Headers script set that the browser drops.
    pub dropped_headers: &'a [String],
    pub routing: Routing,
    pub routed_path: &'a Routed,
    /// The policy that answers, by name.
    pub policy: Option<&'a str>,
    pub preflight_reasons: &'a [String],
    pub preflight: Option<&'a (WireRequest, Response)>,
    pub actual: Option<&'a (WireRequest, Response)>,
    pub verdict: &'a Verdict,
    pub model: &'a BrowserModel,
    /// Why, in words.
    pub explanation: &'a str,
    /// Where the responsible policy text is, and the text.
    pub responsible: Option<(&'a str, &'a str)>,
}

/// The colour behind the failing step.
const FAILED: &str = "rgb(255, 228, 228)";

/// `s` as mermaid message or label text: letters, digits, spaces and `.,:/_-()'=@!?+*[]` as
/// they are, every other character as a decimal entity code.
pub(super) fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || " .,:/_-()'=@!?+*[]".contains(c) {
            out.push(c);
        } else {
            out.push_str(&format!("#{};", u32::from(c)));
        }
    }
    out
}

/// One line of a message or note: the text, already escaped, joined with mermaid's line break.
fn lines(parts: &[String]) -> String {
    parts.join("<br/>")
}

fn wire_lines(w: &WireRequest) -> Vec<String> {
    let mut v = vec![format!("{} {}", text(&w.method), text(&w.path))];
    v.extend(
        w.headers
            .iter()
            .map(|(n, value)| format!("{}: {}", text(n), text(value))),
    );
    v
}

fn response_lines(r: &Response) -> Vec<String> {
    let mut v = vec![format!("{} {}", r.status, text(reason_phrase(r.status)))];
    v.extend(
        r.headers
            .iter()
            .map(|(n, value)| format!("{}: {}", text(n), text(value))),
    );
    if r.headers.is_empty() {
        v.push("(no CORS headers)".into());
    }
    v
}

/// The failing step: shaded, with the step, the Fetch standard's section and the reason, and
/// the error script sees.
fn failure(d: &mut String, step: &Step, reason: &str, after: &str) {
    d.push_str(&format!("    rect {FAILED}\n"));
    d.push_str(&format!(
        "    Note over Browser: {}\n",
        lines(&[
            format!("BLOCKED at {}", text(step.describe())),
            text(step.citation()),
            text(reason),
        ])
    ));
    d.push_str(&format!(
        "    Browser--xPage: {}\n",
        lines(&["TypeError: Failed to fetch".into(), text(after)])
    ));
    d.push_str("    end\n");
}

/// The whole diagram, ending in a newline (no code fence: `mmdc` and the mermaid live editor
/// take it as it is; a Markdown file wraps it in a ```mermaid block).
pub(super) fn diagram(sim: &Picture<'_>) -> String {
    let r = sim.request;
    let mut d = String::from("sequenceDiagram\n");
    d.push_str(&format!(
        "    participant Page as {}\n",
        lines(&["Page".into(), text(&r.origin)])
    ));
    d.push_str(&format!(
        "    participant Browser as {}\n",
        text(sim.browser)
    ));
    let server = match sim.policy {
        Some(p) => format!("policy {}", text(p)),
        None => "no policy covers the path".into(),
    };
    d.push_str(&format!(
        "    participant Server as {}\n",
        lines(&["Server".into(), server])
    ));
    let mut call = vec![format!(
        "fetch {} {}{}",
        text(&r.method()),
        text(&r.path),
        if r.credentials {
            ", credentials: include"
        } else {
            ""
        }
    )];
    call.extend(
        r.headers
            .iter()
            .map(|(n, v)| format!("{}: {}", text(n), text(v))),
    );
    d.push_str(&format!("    Page->>Browser: {}\n", lines(&call)));
    for h in sim.dropped_headers {
        d.push_str(&format!(
            "    Note over Browser: {} dropped: scripts cannot set forbidden request headers\n",
            text(h)
        ));
    }
    if sim.routing != Routing::Spec {
        match sim.routed_path {
            Routed::Path(p) if *p == r.path => {}
            Routed::Path(p) => d.push_str(&format!(
                "    Note over Server: routed as {} by this target's server\n",
                text(p)
            )),
            Routed::Refused => d.push_str(
                "    Note over Server: refused by this target's server before any route\n",
            ),
        }
    }
    let blocked = sim.verdict.blocked();
    if let Some((w, res)) = sim.preflight {
        d.push_str(&format!(
            "    Note over Browser: {}\n",
            lines(&[
                "preflight, because".into(),
                text(&sim.preflight_reasons.join("; ")),
            ])
        ));
        d.push_str(&format!(
            "    Browser->>Server: {}\n",
            lines(&wire_lines(w))
        ));
        d.push_str(&format!(
            "    Server-->>Browser: {}\n",
            lines(&response_lines(res))
        ));
        match (sim.verdict, sim.actual, blocked) {
            (_, None, Some(b)) => {
                failure(
                    &mut d,
                    &b.step,
                    &b.reason.to_string(),
                    "the actual request is never sent",
                );
            }
            (verdict, Some(_), _) => {
                let secs = match verdict {
                    Verdict::Allowed {
                        preflight_cache_seconds: Some(secs),
                        ..
                    } => *secs,
                    _ => browser::max_age(sim.model, &res.headers),
                };
                d.push_str(&format!(
                    "    Note over Browser: preflight passes, cached for {secs} s\n"
                ));
            }
            (_, None, None) => {}
        }
    } else if let Some(b) = blocked.filter(|b| b.step == Step::Request) {
        failure(&mut d, &b.step, &b.reason.to_string(), "no request is sent");
    } else {
        d.push_str(
            "    Note over Browser: no preflight: a CORS-safelisted method and only safelisted headers\n",
        );
    }
    if let Some((w, res)) = sim.actual {
        d.push_str(&format!(
            "    Browser->>Server: {}\n",
            lines(&wire_lines(w))
        ));
        d.push_str(&format!(
            "    Server-->>Browser: {}\n",
            lines(&response_lines(res))
        ));
        match sim.verdict {
            Verdict::Allowed { exposure, .. } => {
                let what = if exposure.all {
                    "every response header but Set-Cookie".to_string()
                } else {
                    let mut readable: Vec<String> = browser::SAFELISTED_RESPONSE_HEADERS
                        .iter()
                        .map(|h| text(h))
                        .collect();
                    readable.extend(exposure.names.iter().filter(|n| *n != "*").map(|n| text(n)));
                    format!("the headers {}", readable.join(", "))
                };
                d.push_str(&format!(
                    "    Browser-->>Page: {}\n",
                    lines(&["ALLOWED: script reads the status and the body".into(), what,])
                ));
            }
            Verdict::Blocked(b) => {
                failure(
                    &mut d,
                    &b.step,
                    &b.reason.to_string(),
                    "script sees a network error",
                );
            }
        }
    }
    let mut because = vec![format!("because {}", text(sim.explanation))];
    if let Some((at, line)) = sim.responsible {
        because.push(format!("{}  {}", text(at), text(line.trim())));
    }
    d.push_str(&format!("    Note over Page,Server: {}\n", lines(&because)));
    d
}

#[cfg(test)]
mod tests {
    use super::text;

    #[test]
    fn nothing_that_ends_or_starts_a_mermaid_statement_survives() {
        let hostile = "a;b\n#x<br/>%%c\r`d` \"e\" {f} |g| &h; ñ 😀 -->> end";
        let t = text(hostile);
        for c in [';', '\n', '\r', '<', '>', '%', '`', '"', '{', '}', '|', '&'] {
            // Each appears only inside the entity codes the text is made of.
            let outside: String = t
                .split('#')
                .map(|part| part.split_once(';').map_or(part, |(_, rest)| rest))
                .collect();
            assert!(!outside.contains(c), "{c:?} in {t}");
        }
        assert!(
            t.starts_with("a#59;b#10;#35;x#60;br/#62;#37;#37;c#13;"),
            "{t}"
        );
        assert!(t.contains("#241;") && t.contains("#128512;"), "{t}");
    }

    #[test]
    fn plain_text_stays_readable() {
        assert_eq!(
            text("https://app.example.com:8443/api/x-1 (GET, PUT)"),
            "https://app.example.com:8443/api/x-1 (GET, PUT)"
        );
    }
}
