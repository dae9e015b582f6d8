//! `corsc simulate --format mermaid` rendered by the real mermaid CLI (`@mermaid-js/mermaid-cli`
//! in `tests/mermaid/`, installed by `.ci/run`, driving Debian's Chromium): every scenario —
//! allowed after a preflight, blocked at the preflight, blocked at the actual response, refused
//! by fetch() before any request, refused by a target's router, and hostile paths and header
//! values full of mermaid's own syntax — renders to an SVG, each failing step is shaded, and
//! the hostile text comes out as the literal text it was, never as diagram syntax. Without
//! node, the npm packages or Chromium the rendering test says why it skips; with
//! `CORSC_REQUIRE_ENGINES=1` it fails.

mod support;
use support::browser_cases as bc;

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn simulate(args: &[&str]) -> (i32, String) {
    let out = support::cli::corsc()
        .arg("simulate")
        .args(args)
        .args(["--format", "mermaid"])
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// One request to draw: its arguments, the exit status, and text the picture must show.
struct Scenario {
    args: &'static [&'static str],
    code: i32,
    shows: &'static [&'static str],
    blocked: bool,
}

const SPA: &str = "policies/spa-with-cookies.cors";
const PUBLIC: &str = "policies/public-read-api.cors";

const SCENARIOS: &[Scenario] = &[
    Scenario {
        args: &[
            SPA,
            "--origin",
            "https://app.example.com",
            "-X",
            "PUT",
            "--credentials",
            "--path",
            "/api/orders/7",
            "-H",
            "X-CSRF-Token: a;b",
        ],
        code: 0,
        shows: &["ALLOWED", "preflight passes", "X-CSRF-Token: a;b"],
        blocked: false,
    },
    Scenario {
        args: &[
            SPA,
            "--origin",
            "https://evil.example",
            "-X",
            "DELETE",
            "--path",
            "/api/x",
        ],
        code: 1,
        shows: &["BLOCKED at preflight", "the actual request is never sent"],
        blocked: true,
    },
    Scenario {
        args: &[SPA, "--origin", "https://evil.example", "--path", "/api/x"],
        code: 1,
        shows: &["BLOCKED at actual response", "script sees a network error"],
        blocked: true,
    },
    Scenario {
        args: &[
            SPA,
            "--origin",
            "https://app.example.com",
            "-X",
            "CONNECT",
            "--path",
            "/api/x",
        ],
        code: 1,
        shows: &["no request is sent"],
        blocked: true,
    },
    Scenario {
        args: &[
            SPA,
            "--origin",
            "https://app.example.com",
            "--target",
            "gin",
            "--path",
            "//api/x",
        ],
        code: 1,
        shows: &["refused by this target", "no policy covers the path"],
        blocked: true,
    },
    Scenario {
        args: &[
            PUBLIC,
            "--origin",
            "https://x.example",
            "--path",
            "/a;b#c<d>%%e end",
            "-H",
            "X-Y: v;1#2<br/>-->>Server: forged",
        ],
        code: 1,
        shows: &["/a;b#c<d>%%e end", "v;1#2<br/>-->>Server: forged"],
        blocked: true,
    },
];

/// The text as it stands in an SVG's text nodes.
fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[test]
fn the_diagram_of_an_allowed_put_with_credentials() {
    let (code, out) = simulate(SCENARIOS[0].args);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("sequenceDiagram\n"), "{out}");
    insta::assert_snapshot!("simulate_mermaid_allowed", out);
    let (code, out) = simulate(SCENARIOS[1].args);
    assert_eq!(code, 1, "{out}");
    insta::assert_snapshot!("simulate_mermaid_blocked_preflight", out);
}

#[test]
fn every_scenario_renders_with_the_mermaid_cli() {
    let required = bc::engines_required();
    let mmdc = root().join("tests/mermaid/node_modules/.bin/mmdc");
    let chromium = bc::find_binary(
        "CORSC_CHROMIUM",
        &["chromium", "chromium-browser", "google-chrome"],
    );
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let why = if !node {
        Some("node is not installed")
    } else if !mmdc.exists() {
        Some("tests/mermaid has no node_modules (cd tests/mermaid && PUPPETEER_SKIP_DOWNLOAD=1 npm ci)")
    } else if chromium.is_none() {
        Some("Chromium is not installed (apt-get install chromium, or set CORSC_CHROMIUM)")
    } else {
        None
    };
    if let Some(why) = why {
        assert!(
            !required,
            "mermaid rendering: {why}, and CORSC_REQUIRE_ENGINES=1"
        );
        eprintln!("skipping mermaid rendering: {why}");
        return;
    }
    let chromium = PathBuf::from(chromium.expect("checked above"));
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut md = String::new();
    let mut diagrams = Vec::new();
    for s in SCENARIOS {
        let (code, out) = simulate(s.args);
        assert_eq!(code, s.code, "{:?}:\n{out}", s.args);
        md.push_str(&format!("```mermaid\n{out}```\n\n"));
        diagrams.push(out);
    }
    std::fs::write(tmp.path().join("in.md"), &md).expect("write");
    let config = serde_json::json!({
        "executablePath": chromium,
        "args": ["--no-sandbox", "--disable-gpu"],
        "headless": "shell",
    });
    std::fs::write(tmp.path().join("puppeteer.json"), config.to_string()).expect("write");
    let out = Command::new(&mmdc)
        .current_dir(tmp.path())
        .args(["-p", "puppeteer.json", "-i", "in.md", "-o", "out.md"])
        .output()
        .expect("mmdc runs");
    assert!(
        out.status.success(),
        "the mermaid CLI failed:\n{}{}\n{md}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for (k, (s, diagram)) in SCENARIOS.iter().zip(&diagrams).enumerate() {
        let svg_path = tmp.path().join(format!("out-{}.svg", k + 1));
        let svg = std::fs::read_to_string(&svg_path)
            .unwrap_or_else(|e| panic!("{}: {e}", svg_path.display()));
        assert!(
            svg.contains("aria-roledescription=\"sequence\""),
            "not a sequence diagram:\n{diagram}"
        );
        for text in s.shows {
            assert!(
                svg.contains(&xml(text)),
                "{:?}: the picture does not show {text:?}:\n{diagram}",
                s.args
            );
        }
        // The shading of the failing step, and only where a step fails.
        assert_eq!(
            svg.contains("fill=\"rgb(255, 228, 228)\""),
            s.blocked,
            "{:?}:\n{diagram}",
            s.args
        );
        // Three participants, whatever the text held: nothing forged a fourth.
        assert_eq!(
            svg.matches("class=\"actor-line").count(),
            3,
            "{:?}:\n{diagram}",
            s.args
        );
    }
    eprintln!(
        "mermaid: {} diagrams rendered by the mermaid CLI with {}",
        SCENARIOS.len(),
        chromium.display()
    );
}
