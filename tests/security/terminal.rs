//! Class 2b: file names reaching a terminal or a CI log. A policy file's name is chosen by
//! whoever commits it; the diagnostics, summaries and errors corsc prints show it. Printed raw,
//! an escape sequence in the name rewrites the reader's screen (clear it, hide the findings,
//! retitle the window), a line break forges a line of corsc's own (`linted 1 file: 0 errors`,
//! or a `::error` workflow command in GitHub's format), and a bidirectional override shows the
//! name reversed. Every format prints such characters escaped, and never as themselves.

use super::cli;
use std::path::Path;

/// Names with what a terminal or a log reader acts on: ESC sequences, CR/LF, a C1 control,
/// bidirectional overrides and a line separator.
const HOSTILE: &[&str] = &[
    "a\u{1b}[2Jb.cors",
    "a\u{1b}]0;pwned\u{7}b.cors",
    "a\nlinted 1 file: 0 errors\nb.cors",
    "a\r\n::error file=x::forged\nb.cors",
    "a\u{9b}31mb.cors",
    "a\u{202e}sroc.b.cors",
    "a\u{2066}b\u{2069}\u{2028}c.cors",
];

/// A policy with one error and one warning, so every format prints the name several times.
const POLICY: &str =
    "policy api {\n  paths \"/api/*\"\n  origins \"https://a.example.com/\", \"null\"\n}\n";

/// The characters nothing corsc prints may carry from a name: C0 controls but the line break
/// that ends corsc's own lines, DEL, C1 controls, bidirectional controls, line separators.
fn is_dangerous(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}' | '\u{061c}')
}

fn run(dir: &Path, args: &[&str]) -> (String, String) {
    let out = cli::command()
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run corsc");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

// Every command and format prints a hostile file name escaped: no control, bidi or
// line-separator character, and no line that the name alone put there.
#[test]
fn hostile_file_names_are_printed_escaped_in_every_format() {
    for name in HOSTILE {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join(name), POLICY).expect("write policy");
        let runs: Vec<Vec<&str>> = vec![
            vec!["check", name],
            vec!["lint", name],
            vec!["lint", "."],
            vec!["lint", "--format", "github", name],
            vec!["lint", "--format", "concise", name],
            vec!["compile", name, "--target", "nginx"],
            vec!["compile", "missing-dir/", "--target", "nginx"],
            vec![
                "simulate",
                name,
                "--origin",
                "https://a.example.com",
                "--path",
                "/api/x",
            ],
        ];
        for args in runs {
            let (stdout, stderr) = run(dir.path(), &args);
            for (stream, text) in [("stdout", &stdout), ("stderr", &stderr)] {
                let bad: Vec<char> = text.chars().filter(|&c| is_dangerous(c)).collect();
                assert!(
                    bad.is_empty(),
                    "{args:?} {name:?}: {stream} carries {bad:?}:\n{text}"
                );
                for forged in ["linted 1 file: 0 errors", "::error file=x::forged"] {
                    assert!(
                        !text.lines().any(|l| l.starts_with(forged)),
                        "{args:?} {name:?}: {stream} has a line the name forged:\n{text}"
                    );
                }
            }
        }
    }
}

// A policy's own text (a comment, a string) may carry the same characters: the snippet under
// a diagnostic and the messages that quote the policy show them replaced or escaped.
#[test]
fn hostile_policy_text_is_printed_escaped_in_every_format() {
    let texts = [
        "# \u{1b}[2J\u{202e}\npolicy api {\n  paths \"/api/*\"\n  origins \"https://a.example.com/\u{1b}[2J\"\n}\n",
        "policy api {\n  paths \"/api/\u{1b}]0;x\u{7}*\"\n  origins \"https://a\u{202e}.example.com\"\n}\n",
        "policy api {\n  paths \"/api/*\"\n  origins \"https://a.example.com\"\n  request-headers \"X-\u{9b}31m\"\n}\n",
    ];
    for (i, text) in texts.iter().enumerate() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("p.cors"), text).expect("write policy");
        for format in ["human", "concise", "github"] {
            for cmd in ["lint", "check"] {
                let (stdout, stderr) = run(dir.path(), &[cmd, "--format", format, "p.cors"]);
                assert!(
                    cmd == "check" || stdout.contains("p.cors") || stderr.contains("p.cors"),
                    "policy {i} {cmd} {format}: no finding:\n{stdout}{stderr}"
                );
                for (stream, out) in [("stdout", &stdout), ("stderr", &stderr)] {
                    let bad: Vec<char> = out.chars().filter(|&c| is_dangerous(c)).collect();
                    assert!(
                        bad.is_empty(),
                        "policy {i} {cmd} {format}: {stream} carries {bad:?}:\n{out}"
                    );
                }
            }
        }
    }
}
