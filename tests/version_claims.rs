//! Each framework target's `min_version` (printed by `corsc targets` and in every generated
//! file's `requires:` line) names the releases the conformance suite's oldest run is pinned to.
//! The pins live in lock and requirement files; this test keeps the two from drifting apart,
//! so a claim is never left standing on a version nobody runs. No engine needed.

use std::path::Path;

/// Where a pin is read from.
enum Pin {
    /// `"name": "x.y.z"` in a package.json.
    Npm(&'static str),
    /// `name==x.y.z` in a requirements file.
    Pip(&'static str),
    /// `name = "…"` then `version = "x.y.z"` in a Cargo lock file.
    Cargo(&'static str),
    /// `module vX.Y.Z` in a go.mod file.
    GoMod(&'static str),
    /// `<spring.version>` after `<id>PROFILE</id>` in a pom.
    Pom(&'static str),
}

/// (target, package, where, the word the claim puts before its version; `None`: the claim's
/// first version number).
const PINS: &[(&str, &str, Pin, Option<&str>)] = &[
    (
        "express",
        "express",
        Pin::Npm("tests/conformance/node-oldest/package.json"),
        None,
    ),
    (
        "express",
        "cors",
        Pin::Npm("tests/conformance/node-oldest/package.json"),
        Some("cors"),
    ),
    (
        "fastify",
        "fastify",
        Pin::Npm("tests/conformance/node-oldest/package.json"),
        None,
    ),
    (
        "fastify",
        "@fastify/cors",
        Pin::Npm("tests/conformance/node-oldest/package.json"),
        Some("@fastify/cors"),
    ),
    (
        "hono",
        "hono",
        Pin::Npm("tests/conformance/node-ts-oldest/package.json"),
        None,
    ),
    (
        "hono",
        "@hono/node-server",
        Pin::Npm("tests/conformance/node-ts-oldest/package.json"),
        Some("@hono/node-server"),
    ),
    (
        "koa",
        "koa",
        Pin::Npm("tests/conformance/node-ts-oldest/package.json"),
        None,
    ),
    (
        "koa",
        "@koa/cors",
        Pin::Npm("tests/conformance/node-ts-oldest/package.json"),
        Some("@koa/cors"),
    ),
    (
        "flask",
        "flask",
        Pin::Pip("tests/conformance/python/requirements-oldest.txt"),
        None,
    ),
    (
        "flask",
        "flask-cors",
        Pin::Pip("tests/conformance/python/requirements-oldest.txt"),
        Some("Flask-CORS"),
    ),
    (
        "django",
        "django",
        Pin::Pip("tests/conformance/python/requirements-oldest.txt"),
        None,
    ),
    (
        "django",
        "django-cors-headers",
        Pin::Pip("tests/conformance/python/requirements-oldest.txt"),
        Some("django-cors-headers"),
    ),
    (
        "starlette",
        "starlette",
        Pin::Pip("tests/conformance/python/requirements-oldest.txt"),
        None,
    ),
    (
        "tower-http",
        "tower-http",
        Pin::Cargo("tests/conformance/axum/Cargo.oldest.lock"),
        None,
    ),
    (
        "tower-http",
        "axum",
        Pin::Cargo("tests/conformance/axum/Cargo.oldest.lock"),
        Some("axum"),
    ),
    (
        "actix",
        "actix-web",
        Pin::Cargo("tests/conformance/actix/Cargo.oldest.lock"),
        None,
    ),
    (
        "actix",
        "actix-cors",
        Pin::Cargo("tests/conformance/actix/Cargo.oldest.lock"),
        Some("actix-cors"),
    ),
    (
        "go",
        "github.com/rs/cors",
        Pin::GoMod("tests/conformance/go/go.oldest.mod"),
        None,
    ),
    (
        "gin",
        "github.com/gin-contrib/cors",
        Pin::GoMod("tests/conformance/go-routers/go.oldest.mod"),
        None,
    ),
    (
        "gin",
        "github.com/gin-gonic/gin",
        Pin::GoMod("tests/conformance/go-routers/go.oldest.mod"),
        Some("Gin"),
    ),
    (
        "chi",
        "github.com/go-chi/cors",
        Pin::GoMod("tests/conformance/go-routers/go.oldest.mod"),
        None,
    ),
    (
        "chi",
        "github.com/go-chi/chi/v5",
        Pin::GoMod("tests/conformance/go-routers/go.oldest.mod"),
        Some("chi"),
    ),
    (
        "echo",
        "github.com/labstack/echo/v4",
        Pin::GoMod("tests/conformance/go-routers/go.oldest.mod"),
        None,
    ),
    (
        "spring",
        "spring5",
        Pin::Pom("tests/conformance/spring/pom.xml"),
        Some("Spring Framework"),
    ),
];

fn read(rel: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn pinned(package: &str, pin: &Pin) -> String {
    let found = match pin {
        Pin::Npm(f) => read(f).lines().find_map(|l| {
            let l = l.trim();
            l.strip_prefix(&format!("\"{package}\": \""))
                .map(|r| r.trim_end_matches(',').trim_end_matches('"').to_string())
        }),
        Pin::Pip(f) => read(f)
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{package}==")).map(str::to_string)),
        Pin::Cargo(f) => {
            let text = read(f);
            let mut lines = text.lines();
            let mut v = None;
            while let Some(l) = lines.next() {
                if l == format!("name = \"{package}\"") {
                    v = lines
                        .next()
                        .and_then(|n| n.strip_prefix("version = \""))
                        .map(|n| n.trim_end_matches('"').to_string());
                    break;
                }
            }
            v
        }
        Pin::GoMod(f) => read(f).lines().find_map(|l| {
            l.trim()
                .trim_start_matches("require ")
                .strip_prefix(&format!("{package} v"))
                .map(str::to_string)
        }),
        Pin::Pom(f) => {
            let text = read(f);
            text.split(&format!("<id>{package}</id>"))
                .nth(1)
                .and_then(|rest| rest.split("<spring.version>").nth(1))
                .and_then(|rest| rest.split('<').next())
                .map(str::to_string)
        }
    };
    found.unwrap_or_else(|| panic!("no pin for {package}"))
}

/// The version number in `claim` after `word` (or the first one).
fn claimed(claim: &str, word: Option<&str>) -> Option<String> {
    let rest = match word {
        Some(w) => &claim[claim.find(&format!("{w} "))? + w.len() + 1..],
        None => claim,
    };
    let start = rest.find(|c: char| c.is_ascii_digit())?;
    let v: String = rest[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    Some(v.trim_end_matches('.').to_string())
}

#[test]
fn every_claimed_minimum_is_the_version_the_oldest_run_is_pinned_to() {
    for (target, package, pin, word) in PINS {
        let t = corsc::emit::find(target).unwrap_or_else(|| panic!("{target} registered"));
        let claim = t.meta().capabilities.min_version;
        let want = claimed(claim, *word)
            .unwrap_or_else(|| panic!("{target}: no version for {package} in `{claim}`"));
        let have = pinned(package, pin);
        assert!(
            have == want || have.starts_with(&format!("{want}.")),
            "{target}: `{claim}` claims {package} {want}, the oldest run pins {have}"
        );
    }
}

#[test]
fn a_claim_that_names_a_newer_release_than_the_pin_is_caught() {
    assert_eq!(
        claimed("4 (with cors 2.8.2)", Some("cors")).as_deref(),
        Some("2.8.2")
    );
    assert_eq!(claimed("4 (with cors 2.8.2)", None).as_deref(), Some("4"));
    let (want, have) = ("2.8.2", "2.8.1");
    assert!(!(have == want || have.starts_with(&format!("{want}."))));
}
