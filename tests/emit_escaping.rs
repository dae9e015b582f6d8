//! Hostile strings (quotes, `;`, braces, `$`, backslashes, newlines, `#`, spaces) put into
//! regex origins, header names and paths go through the whole pipeline: parse, check, plan,
//! render. Each case is either refused with a diagnostic, or compiles to output in which every
//! hostile byte stays inside a quoted token: the output's skeleton (quoted strings blanked,
//! comments dropped) equals that of a harmless policy of the same shape, and the engine's own
//! parser accepts it (`nginx -t`, `apache2 -t`, when installed).

mod support;
use support::engines;

use corsc::emit::Shape;
use engines::{apache_test, compile_text, find, nginx_test, Engine};
use proptest::prelude::*;

/// Escapes text for a `.cors` string: `\` and `"` (a newline stays, and breaks the string:
/// the parser must refuse it).
fn cors_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn policy(path: &str, regex: &str, header: &str) -> String {
    format!(
        "policy p {{\n    paths {}\n    origins \"https://ok.example\", regex {}\n    methods PUT\n    request-headers {header}\n    expose-headers {header}\n}}\n",
        cors_string(path),
        cors_string(regex)
    )
}

/// The line with the output's namespace (`$corsc_<ns>_`, `CORSC_<NS>_`, derived from the
/// source, so it differs between two policies) replaced by `NS`.
fn unspaced(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    loop {
        let at = [rest.find("$corsc_"), rest.find("CORSC_")]
            .into_iter()
            .flatten()
            .min();
        let Some(at) = at else {
            out.push_str(rest);
            return out;
        };
        let head = if rest[at..].starts_with('$') { 7 } else { 6 };
        out.push_str(&rest[..at + head]);
        let tail = &rest[at + head..];
        let ns = tail
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(tail.len());
        out.push_str("NS");
        rest = &tail[ns..];
    }
}

/// The output with every double-quoted token replaced by `""`, comment lines dropped and
/// `location` paths blanked: what is left is the structure an injection would change.
fn skeleton(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if line.trim_start().starts_with('#') {
            continue;
        }
        let mut chars = line.chars().peekable();
        let mut l = String::new();
        while let Some(c) = chars.next() {
            if c == '"' {
                while let Some(d) = chars.next() {
                    match d {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
                l.push_str("\"\"");
            } else {
                l.push(c);
            }
        }
        let l = match l.trim_start().strip_prefix("location ") {
            Some(rest) => {
                let kind = rest.split(' ').next().unwrap_or("");
                let kind = if kind == "=" || kind == "^~" {
                    kind
                } else {
                    "/"
                };
                format!("location {kind} P {{")
            }
            None => l,
        };
        // Alignment padding depends on the lengths of quoted keys: compare words only. Which
        // Apache section a prefix gets depends on its last character, not on escaping.
        let l = l.split_whitespace().collect::<Vec<_>>().join(" ");
        out.push_str(&unspaced(&l.replace("LocationMatch", "Location")));
        out.push('\n');
    }
    out
}

/// A harmless path of the same shape: a prefix ending in `/` gets an exact location for its
/// bare form on nginx, one that does not end in `/` does not.
fn benign_path(hostile: &str) -> &'static str {
    if hostile == "/*" {
        "/*"
    } else if hostile.ends_with("/*") {
        "/b/*"
    } else if hostile.ends_with('*') {
        "/b*"
    } else {
        "/b"
    }
}

/// Runs one case; returns how many targets compiled it (the rest refused it).
fn run_case(path: &str, regex: &str, header: &str) -> Result<usize, TestCaseError> {
    let text = policy(path, regex, header);
    let mut compiled = 0;
    for (target, shape) in [("nginx", Shape::Server), ("apache", Shape::Include)] {
        let Ok(out) = compile_text(
            "hostile.cors",
            &text,
            text.as_bytes(),
            None,
            target,
            shape,
            "127.0.0.1:8080",
        ) else {
            // Refused with diagnostics (parse, check or plan): fine.
            continue;
        };
        compiled += 1;
        let benign_text = policy(benign_path(path), "^b$", "x-b");
        let benign = compile_text(
            "b.cors",
            &benign_text,
            benign_text.as_bytes(),
            None,
            target,
            shape,
            "127.0.0.1:8080",
        )
        .expect("the harmless policy compiles");
        prop_assert_eq!(
            skeleton(&out.joined()),
            skeleton(&benign.joined()),
            "{} output escaped its quotes for {:?} / {:?} / {:?}:\n{}",
            target,
            path,
            regex,
            header,
            out.joined()
        );
        let engine = if target == "nginx" {
            Engine::Nginx
        } else {
            Engine::Apache
        };
        if let Some(bin) = find(engine) {
            let checked = if target == "nginx" {
                nginx_test(&bin, &out)
            } else {
                apache_test(&bin, &out)
            };
            prop_assert!(
                checked.is_ok(),
                "{} refused:\n{}\n{}",
                target,
                checked.unwrap_err(),
                out.joined()
            );
        }
    }
    Ok(compiled)
}

/// Characters that break configuration syntax, plus enough ordinary ones to parse.
const HOSTILE: &str = "[a-z0-9./\"';{}$\\\\\n# *|%()\\[\\]^+?&`~!=:-]{0,14}";

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn hostile_regexes_are_refused_or_stay_quoted(body in HOSTILE) {
        run_case("/api/*", &format!("^https://{body}$"), "x-a")?;
        run_case("/api/*", &body, "x-a")?;
    }

    #[test]
    fn hostile_header_names_are_refused_or_stay_quoted(name in "[a-z!#$%&'*+.^_`|~\"{};\\\\-]{1,10}") {
        run_case("/api/*", "^https://a\\.example$", &name)?;
    }

    #[test]
    fn hostile_paths_are_refused_or_stay_quoted(path in "/[a-z\"';{}$\\\\# %:@+,=!~.-]{0,10}\\*?") {
        run_case(&path, "^https://a\\.example$", "x-a")?;
    }
}

#[test]
fn known_hostile_cases() {
    let mut compiled = 0;
    for (path, regex, header) in [
        (
            "/api/*",
            r#"^https://a\.example$"; add_header X-Injected yes; #"#,
            "x-a",
        ),
        ("/api/*", "^https://a\\.example\\$x$", "x-a"),
        ("/api/*", "^https://(a|b)\\.example\\{1\\}$", "x-a"),
        ("/api/*", "^https://a\\\\\\.example$", "x-a"),
        ("/api/*", "^https://a.example$", "x-$host"),
        ("/api/*", "^https://a.example${HOME}", "x-a"),
        ("/a;b/*", "^https://a.example$", "x-a"),
        ("/api/*", "^https://a.example$", "x-100%"),
    ] {
        compiled += run_case(path, regex, header)
            .unwrap_or_else(|e| panic!("{path} {regex} {header}: {e}"));
    }
    // Most of these are valid policies whose strings must be escaped, not refused.
    assert!(compiled >= 10, "only {compiled} of 16 compiled");
}

#[test]
fn nginx_refuses_a_dollar_in_a_header_name_with_p302() {
    let text = policy("/api/*", "^https://a\\.example$", "x-$host");
    let err = compile_text(
        "h.cors",
        &text,
        text.as_bytes(),
        None,
        "nginx",
        Shape::Server,
        "127.0.0.1:8080",
    )
    .expect_err("refused");
    assert!(
        err.iter()
            .any(|d| d.code == "P302" && d.message.contains("`$`")),
        "{err:#?}"
    );
    let ok = compile_text(
        "h.cors",
        &text,
        text.as_bytes(),
        None,
        "apache",
        Shape::Include,
        "127.0.0.1:8080",
    );
    assert!(ok.is_ok(), "Apache can write `$` in a header value");
}
