//! Class 2: text from outside the policy (the source file name, the profile) reaching the
//! output. Whatever the name, every output keeps the token structure it has for a harmless
//! name: only the name's own line differs, and that line holds only characters no target
//! language reads as anything but text. The real tools (nginx, Apache, Node, Python, Go,
//! javac) confirm it on hostile names drawn from the same generator.

use super::{engines, frameworks, random_policy};

use corsc::emit::{self, Options, Output, Provenance, Shape};
use proptest::prelude::*;
use proptest::strategy::ValueTree as _;
use proptest::test_runner::TestRunner;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Several policies, scopes, patterns, credentials and a profile: most of what reaches comments.
const RICH: &str = r#"policy api {
  paths "/api/*"
  origins "https://app.example", "https://*.tenant.example"
  methods GET, POST, PUT
  request-headers Content-Type, X-Request-Id
  expose-headers X-Request-Id
  credentials true
  max-age 10m
  profile dev {
    origins += "http://localhost:3000"
  }
}

policy open {
  paths "/public/*", "/health"
  origins *
}
"#;

/// For targets that hold one policy per configuration (Django).
const SINGLE: &str = r#"policy api {
  origins "https://app.example", "https://*.tenant.example"
  methods GET, POST
  credentials true
  profile dev {
    origins += "http://localhost:3000"
  }
}
"#;

/// The harmless name every hostile output is compared with.
const PLAIN: &str = "policies/api.cors";

/// Pieces of names that attack one language or another; the generator mixes them with
/// arbitrary Unicode.
const FRAGMENTS: &[&str] = &[
    "\u{2028}throw new Error('corsc-pwned');//",
    "\u{2029}process.exit(97);//",
    "coding: utf-7",
    "\n# -*- coding: utf-7 -*-\n",
    "+AAo-import os; os._exit(97)",
    "\\u000a}}class Pwned{",
    "\\u0022",
    "\\u",
    "*/ x /*",
    "\\",
    "\r",
    "\r\n",
    "\u{0b}",
    "\u{0c}",
    "\u{1c}",
    "\u{85}",
    "\u{feff}",
    "\u{202e}",
    "\u{2066}",
    "\0",
    "\"; \"",
    "'",
    "`",
    "${",
    "$host",
    "%0a",
    "}; location /x { return 200 $http_origin; } #",
    "\n    add_header Access-Control-Allow-Origin $http_origin always;\n#",
    "\nHeader always set Access-Control-Allow-Origin \"*\"\n#",
    "\n//go:generate sh -c pwned\n",
    "\n#![doc = \"x\"]\n",
    "\u{0}\u{1}\u{7f}",
];

/// Hostile names: known attacks mixed with arbitrary text.
fn hostile_name() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        prop::sample::select(FRAGMENTS).prop_map(str::to_string),
        ".{0,8}",
        any::<String>().prop_map(|s| s.chars().take(8).collect::<String>()),
    ];
    prop::collection::vec(piece, 1..6).prop_map(|v| v.concat())
}

/// Every (target, shape, policy text) that compiles with a harmless name.
fn variants() -> Vec<(&'static str, Shape, &'static str)> {
    static ALL: std::sync::OnceLock<Vec<(&'static str, Shape, &'static str)>> =
        std::sync::OnceLock::new();
    ALL.get_or_init(find_variants).clone()
}

/// The output of each of [`variants`] for the harmless name, computed once.
fn harmless_outputs() -> &'static [Output] {
    static ALL: std::sync::OnceLock<Vec<Output>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        variants()
            .into_iter()
            .map(|(t, shape, text)| {
                compile(t, shape, text, PLAIN, Some("dev")).unwrap_or_else(|e| panic!("{t}: {e}"))
            })
            .collect()
    })
}

fn find_variants() -> Vec<(&'static str, Shape, &'static str)> {
    let mut out = Vec::new();
    for t in emit::TARGETS {
        for shape in [Shape::Include, Shape::Server, Shape::Htaccess] {
            for text in [RICH, SINGLE] {
                if compile(t.id(), shape, text, PLAIN, Some("dev")).is_ok() {
                    out.push((t.id(), shape, text));
                    break;
                }
            }
        }
    }
    out
}

/// Compiles `text` for a target as `corsc compile` does, naming the source `name` and the
/// profile `profile` in the provenance (the policies are resolved for `dev`).
fn compile(
    target: &str,
    shape: Shape,
    text: &str,
    name: &str,
    profile: Option<&str>,
) -> Result<Output, String> {
    let src = corsc::source::Source::new(name, text.to_string());
    let file = corsc::syntax::parse(&src).map_err(|d| format!("{d:?}"))?;
    let set = corsc::check::check(&file, Some("dev"))
        .policies
        .ok_or("check")?;
    let t = emit::find(target).ok_or("target")?;
    let prov = Provenance::new(name, text.as_bytes(), profile.map(str::to_string));
    // nginx and Apache derive their names' namespace from the source name and profile when
    // none is given: only as `[a-z0-9]` (checked here), so it is pinned for the comparison.
    let derived = emit::dropin::Namespace::of(None, &prov);
    if !derived
        .as_str()
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        return Err(format!("namespace `{derived}` derived from a hostile name"));
    }
    let options = Options {
        shape,
        namespace: Some(emit::dropin::Namespace::explicit("t").map_err(|e| e.to_string())?),
        ..Options::default()
    };
    emit::compile(&set, t, &options, &prov).map_err(|d| format!("{d:?}"))
}

/// Characters a name may show as in a provenance line.
fn plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~/@+,%".contains(c)
}

/// Checks that `hostile` is `harmless` with only the source and profile lines changed, and
/// those lines hold the same prefix followed by plain characters only.
fn same_structure(harmless: &str, hostile: &str) -> Result<(), String> {
    let a: Vec<&str> = harmless.split('\n').collect();
    let b: Vec<&str> = hostile.split('\n').collect();
    if a.len() != b.len() {
        return Err(format!("{} lines instead of {}", b.len(), a.len()));
    }
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        if x == y {
            continue;
        }
        let Some(prefix) = ["source:   ", "profile:  "]
            .iter()
            .find_map(|k| x.find(k).map(|at| &x[..at + k.len()]))
        else {
            return Err(format!("line {} changed: {y:?} instead of {x:?}", i + 1));
        };
        let Some(rest) = y.strip_prefix(prefix) else {
            return Err(format!("line {} lost its prefix: {y:?}", i + 1));
        };
        if !rest.chars().all(plain) {
            return Err(format!("line {} shows the name as {rest:?}", i + 1));
        }
    }
    Ok(())
}

fn is_python(target: &str) -> bool {
    matches!(target, "django" | "flask" | "starlette")
}

proptest! {
    // 256 cases by default; `PROPTEST_CASES` runs more.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256),
        ..ProptestConfig::default()
    })]

    /// A hostile source file name or profile changes nothing in any output but its own,
    /// plainly encoded line, on every target and shape.
    #[test]
    fn hostile_names_change_no_token_of_any_output(name in hostile_name(), profile in hostile_name()) {
        for ((target, shape, text), harmless) in variants().into_iter().zip(harmless_outputs()) {
            let hostile = compile(target, shape, text, &name, Some(&profile))
                .map_err(|e| TestCaseError::fail(format!("{target}: {e}")))?;
            prop_assert_eq!(harmless.parts.len(), hostile.parts.len());
            for (h, x) in harmless.parts.iter().zip(&hostile.parts) {
                if let Err(e) = same_structure(&h.text, &x.text) {
                    return Err(TestCaseError::fail(format!("{target} {shape:?} {}: {e}", h.file_name)));
                }
            }
        }
    }
}

/// Python reads a `coding:` declaration on line 1 or 2: every Python output fixes UTF-8 on
/// line 1, and no name comes before line 3.
#[test]
fn python_outputs_fix_their_encoding_before_any_name() {
    for (target, shape, text) in variants().into_iter().filter(|v| is_python(v.0)) {
        let out = compile(target, shape, text, "coding:utf-7", Some("coding=utf-7"))
            .unwrap_or_else(|e| panic!("{target}: {e}"));
        for part in &out.parts {
            let lines: Vec<&str> = part.text.lines().collect();
            assert_eq!(lines[0], "# -*- coding: utf-8 -*-", "{target}");
            assert!(!lines[1].contains("source:"), "{target}: {}", lines[1]);
            // Nothing after line 1 reads as a declaration (`coding:` or `coding=`) either.
            for l in &lines[1..] {
                assert!(
                    !l.contains("coding:") && !l.contains("coding="),
                    "{target}: {l}"
                );
            }
        }
    }
}

/// Java reads `\u` escapes everywhere, comments included: a name holding `\u000a` (a line
/// end) or `\u0022` (a quote) never forms a live escape in the Spring output, and the file is
/// ASCII whatever the build's source encoding.
#[test]
fn java_unicode_escapes_in_names_stay_dead() {
    let out = compile(
        "spring",
        Shape::Include,
        RICH,
        "\\u000a}class Pwned{\\u0022\u{e9}\u{2028}\\",
        Some("\\u000d"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let text = &out.parts[0].text;
    assert!(text.is_ascii(), "{text}");
    // A `\u` javac reads as an escape (an even run of backslashes before it) may only stand
    // for a character beyond ASCII, never a line end, a quote or a backslash.
    for (i, _) in text.match_indices("\\u") {
        let run = text[..i].chars().rev().take_while(|c| *c == '\\').count();
        if run % 2 == 0 {
            let hex: String = text[i + 2..]
                .chars()
                .skip_while(|c| *c == 'u')
                .take(4)
                .collect();
            let v = u32::from_str_radix(&hex, 16).unwrap_or(0);
            assert!(v >= 0x80, "a live \\u{hex} at byte {i}: {text}");
        }
    }
}

/// A file name given on the command line or with `--stdin-filename` reaches the output only
/// in its plain form.
#[test]
fn command_line_names_reach_the_output_plainly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hostile = "api\u{2028}process.exit(97);x.cors";
    let file = dir.path().join(hostile);
    std::fs::write(&file, RICH).expect("write");
    let corsc = env!("CARGO_BIN_EXE_corsc");
    let by_file = Command::new(corsc)
        .arg("compile")
        .arg(&file)
        .args(["-t", "express"])
        .output()
        .expect("corsc runs");
    let mut stdin = Command::new(corsc)
        .args(["compile", "-", "-t", "express", "--stdin-filename", hostile])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("corsc runs");
    std::io::Write::write_all(stdin.stdin.as_mut().expect("stdin"), RICH.as_bytes())
        .expect("write stdin");
    let by_stdin = stdin.wait_with_output().expect("corsc ends");
    for o in [by_file, by_stdin] {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(!text.contains('\u{2028}'), "{text}");
        assert!(
            text.lines().any(|l| l.starts_with("// source:   ")
                && l.ends_with("api%E2%80%A8process.exit%2897%29%3Bx.cors")),
            "{text}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// The real tools, on hostile names drawn from the same generator (a few dozen each).

/// How many hostile names each real tool reads.
const TOOL_CASES: usize = 24;

/// The same hostile names on every run, so a failure can be reproduced.
fn drawn_names() -> Vec<String> {
    let mut runner = TestRunner::deterministic();
    let strategy = hostile_name();
    (0..TOOL_CASES)
        .map(|_| {
            strategy
                .new_tree(&mut runner)
                .map(|t| t.current())
                .unwrap_or_default()
        })
        .collect()
}

/// The outputs of one target for the harmless name and for each drawn name.
fn drawn_outputs(target: &str) -> Vec<(String, Output)> {
    let (_, shape, text) = variants()
        .into_iter()
        .find(|v| v.0 == target)
        .unwrap_or_else(|| panic!("{target} compiles nothing"));
    std::iter::once(PLAIN.to_string())
        .chain(drawn_names())
        .map(|n| {
            let out = compile(target, shape, text, &n, Some(&n))
                .unwrap_or_else(|e| panic!("{target} {n:?}: {e}"));
            (n, out)
        })
        .collect()
}

/// Writes each output's single part as `dir/<i>/<file name>`; returns the paths.
fn write_all(dir: &Path, outs: &[(String, Output)]) -> Vec<PathBuf> {
    outs.iter()
        .enumerate()
        .map(|(i, (_, o))| {
            let d = dir.join(i.to_string());
            std::fs::create_dir_all(&d).expect("mkdir");
            let p = d.join(o.parts[0].file_name);
            std::fs::write(&p, &o.parts[0].text).expect("write");
            p
        })
        .collect()
}

/// Runs a command; its standard output when it succeeds, else a panic with its report.
fn run(mut cmd: Command, what: &str) -> String {
    let o = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        o.status.success(),
        "{what} failed ({}):\n{}\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// One line per file: `i <fingerprint>`; every fingerprint must equal the harmless one (0).
fn all_equal(report: &str, outs: &[(String, Output)], tool: &str) {
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines.len(), outs.len(), "{tool}: {report}");
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(
            l.split_once(' ').map(|x| x.1),
            lines[0].split_once(' ').map(|x| x.1),
            "{tool}: the output for {:?} reads differently from the harmless one",
            outs[i].0
        );
    }
}

/// `nginx -t` and `apache2 -t` accept the configuration whatever the source name.
#[test]
fn nginx_and_apache_accept_every_hostile_name() {
    for (engine, target) in [
        (engines::Engine::Nginx, "nginx"),
        (engines::Engine::Apache, "apache"),
    ] {
        let Some(bin) = engines::require(engine, "nginx_and_apache_accept_every_hostile_name")
        else {
            continue;
        };
        for (name, out) in drawn_outputs(target) {
            let r = match engine {
                engines::Engine::Nginx => engines::nginx_test(&bin, &out),
                engines::Engine::Apache => engines::apache_test(&bin, &out),
            };
            if let Err(e) = r {
                panic!("{target} refuses the output for {name:?}: {e}");
            }
        }
    }
}

/// Node loads the Express and Fastify modules for every hostile name, runs nothing from the
/// name, and exports exactly what it exports for a harmless name.
#[test]
fn node_loads_the_same_modules_whatever_the_name() {
    let Some(node) = frameworks::require(
        frameworks::Runtime::Node,
        &["cors", "@fastify/cors"],
        "node_loads_the_same_modules_whatever_the_name",
    ) else {
        return;
    };
    let script = r#"
const files = process.argv.slice(1); // with -e there is no script path
const shape = (v, depth) => {
  if (typeof v === 'function') return 'fn:' + v.toString();
  if (v && typeof v === 'object' && depth < 3)
    return '{' + Object.keys(v).sort().map(k => k + '=' + shape(v[k], depth + 1)).join(',') + '}';
  return typeof v + ':' + String(v);
};
files.forEach((f, i) => {
  const m = require(f);
  console.log(i + ' ' + require('crypto').createHash('sha256').update(shape(m, 0)).digest('hex'));
});
"#;
    for target in ["express", "fastify"] {
        let outs = drawn_outputs(target);
        let dir = tempfile::tempdir().expect("tempdir");
        let files = write_all(dir.path(), &outs);
        let mut cmd = Command::new(&node);
        cmd.arg("-e")
            .arg(script)
            .args(&files)
            .env(
                "NODE_PATH",
                frameworks::root().join("tests/conformance/node/node_modules"),
            )
            .current_dir(dir.path());
        let report = run(cmd, &format!("node loading the {target} modules"));
        all_equal(&report, &outs, target);
    }
}

/// Python (which honours `coding:` declarations) compiles every Python output to the same
/// code object as for a harmless name.
#[test]
fn python_compiles_the_same_code_whatever_the_name() {
    let Some(python) = frameworks::require(
        frameworks::Runtime::Python,
        &["sys"],
        "python_compiles_the_same_code_whatever_the_name",
    ) else {
        return;
    };
    let script = r#"
import hashlib, marshal, sys
for i, f in enumerate(sys.argv[1:]):
    code = compile(open(f, 'rb').read(), 'corsc_module.py', 'exec')
    print(i, hashlib.sha256(marshal.dumps(code)).hexdigest())
"#;
    for target in ["django", "flask", "starlette"] {
        let outs = drawn_outputs(target);
        let dir = tempfile::tempdir().expect("tempdir");
        let files = write_all(dir.path(), &outs);
        let mut cmd = Command::new(&python);
        cmd.arg("-c").arg(script).args(&files);
        let report = run(cmd, &format!("python compiling the {target} modules"));
        all_equal(&report, &outs, target);
    }
}

/// Go's own scanner reads the same tokens (comments aside) from the Go output whatever the
/// name, and `gofmt` accepts it.
#[test]
fn go_scans_the_same_tokens_whatever_the_name() {
    let go = Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !go {
        assert!(
            std::env::var("CORSC_REQUIRE_ENGINES").as_deref() != Ok("1"),
            "`go` is not installed and CORSC_REQUIRE_ENGINES=1"
        );
        eprintln!("skipping go_scans_the_same_tokens_whatever_the_name: `go` is not installed");
        return;
    }
    let scanner = r#"package main

import (
	"crypto/sha256"
	"fmt"
	"go/scanner"
	"go/token"
	"os"
)

func main() {
	for i, f := range os.Args[1:] {
		src, err := os.ReadFile(f)
		if err != nil {
			panic(err)
		}
		fset := token.NewFileSet()
		file := fset.AddFile(f, fset.Base(), len(src))
		var s scanner.Scanner
		errs := 0
		s.Init(file, src, func(pos token.Position, msg string) { errs++; fmt.Fprintln(os.Stderr, pos, msg) }, 0)
		h := sha256.New()
		for {
			_, tok, lit := s.Scan()
			if tok == token.EOF {
				break
			}
			fmt.Fprintf(h, "%s %q\n", tok, lit)
		}
		if errs > 0 {
			os.Exit(1)
		}
		fmt.Printf("%d %x\n", i, h.Sum(nil))
	}
}
"#;
    let outs = drawn_outputs("go");
    let dir = tempfile::tempdir().expect("tempdir");
    let files = write_all(&dir.path().join("outputs"), &outs);
    let tool = dir.path().join("scan.go");
    std::fs::write(&tool, scanner).expect("write scanner");
    let bin = dir.path().join("scan");
    let mut cmd = Command::new("go");
    cmd.arg("build")
        .arg("-o")
        .arg(&bin)
        .arg(&tool)
        .env("GO111MODULE", "off")
        .env("GOFLAGS", "");
    run(cmd, "go build of the scanner");
    let mut cmd = Command::new(&bin);
    cmd.args(&files);
    let report = run(cmd, "go scanning the outputs");
    all_equal(&report, &outs, "go");
    let mut gofmt = Command::new("gofmt");
    gofmt.arg("-l").args(&files);
    let unformatted = run(gofmt, "gofmt -l");
    assert!(
        unformatted.trim().is_empty(),
        "gofmt would reformat: {unformatted}"
    );
}

/// Spring stand-ins: just enough of the API the generated class uses for `javac`.
const SPRING_STUBS: &[(&str, &str)] = &[
    (
        "org/springframework/context/annotation/Configuration.java",
        "package org.springframework.context.annotation;\npublic @interface Configuration {}\n",
    ),
    (
        "org/springframework/context/annotation/Bean.java",
        "package org.springframework.context.annotation;\npublic @interface Bean {}\n",
    ),
    (
        "org/springframework/beans/factory/config/BeanPostProcessor.java",
        "package org.springframework.beans.factory.config;\npublic interface BeanPostProcessor { default Object postProcessAfterInitialization(Object b, String n) { return b; } }\n",
    ),
    (
        "org/springframework/web/cors/CorsConfiguration.java",
        "package org.springframework.web.cors;\nimport java.util.List;\npublic class CorsConfiguration {\n  public static final String ALL = \"*\";\n  public void setAllowedOrigins(List<String> l) {}\n  public void setAllowedMethods(List<String> l) {}\n  public void setAllowedHeaders(List<String> l) {}\n  public void setExposedHeaders(List<String> l) {}\n  public void setAllowCredentials(Boolean b) {}\n  public void setMaxAge(Long s) {}\n  public String checkOrigin(String o) { return null; }\n}\n",
    ),
    (
        "org/springframework/web/servlet/handler/AbstractHandlerMapping.java",
        "package org.springframework.web.servlet.handler;\nimport java.util.Map;\nimport org.springframework.web.cors.CorsConfiguration;\npublic abstract class AbstractHandlerMapping {\n  public void setCorsConfigurations(Map<String, CorsConfiguration> m) {}\n}\n",
    ),
];

/// Runs javac in-process for `CLASSPATH (SOURCE OUTDIR)...`, with an ASCII source encoding:
/// the output must not depend on the build's.
const JAVAC_BATCH: &str = r#"
public class Batch {
    public static void main(String[] a) {
        javax.tools.JavaCompiler c = javax.tools.ToolProvider.getSystemJavaCompiler();
        for (int i = 1; i + 1 < a.length; i += 2) {
            int rc = c.run(null, null, null, "-encoding", "US-ASCII", "-proc:none",
                "-cp", a[0], "-d", a[i + 1], a[i]);
            if (rc != 0) {
                System.err.println("javac refused " + a[i]);
                System.exit(1);
            }
        }
    }
}
"#;

/// `javac` (against stand-ins for Spring's API) compiles the Spring output for every hostile
/// name to the same class file as for a harmless one.
#[test]
fn javac_compiles_the_same_class_whatever_the_name() {
    let javac = Command::new("javac")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !javac {
        assert!(
            std::env::var("CORSC_REQUIRE_ENGINES").as_deref() != Ok("1"),
            "`javac` is not installed and CORSC_REQUIRE_ENGINES=1"
        );
        eprintln!("skipping javac_compiles_the_same_class_whatever_the_name: no `javac`");
        return;
    }
    let outs = drawn_outputs("spring");
    let dir = tempfile::tempdir().expect("tempdir");
    let stubs = dir.path().join("stubs");
    for (p, text) in SPRING_STUBS {
        let f = stubs.join(p);
        std::fs::create_dir_all(f.parent().expect("parent")).expect("mkdir");
        std::fs::write(&f, text).expect("write stub");
    }
    let stub_files: Vec<PathBuf> = SPRING_STUBS.iter().map(|(p, _)| stubs.join(p)).collect();
    let stub_classes = dir.path().join("stub-classes");
    let mut cmd = Command::new("javac");
    cmd.arg("-d").arg(&stub_classes).args(&stub_files);
    run(cmd, "javac on the stand-ins");
    let files = write_all(dir.path(), &outs);
    // One JVM runs javac for every file (each into its own directory): a javac process per
    // file would cost a JVM start each.
    let batch = dir.path().join("Batch.java");
    std::fs::write(&batch, JAVAC_BATCH).expect("write driver");
    let mut cmd = Command::new("java");
    cmd.arg(&batch).arg(&stub_classes);
    let outdirs: Vec<PathBuf> = (0..files.len())
        .map(|i| dir.path().join(format!("classes-{i}")))
        .collect();
    for (f, o) in files.iter().zip(&outdirs) {
        cmd.arg(f).arg(o);
    }
    run(cmd, "javac on the Spring outputs");
    let classes: Vec<Vec<u8>> = outdirs
        .iter()
        .map(|o| {
            std::fs::read(o.join("corsc/generated/CorscCorsConfiguration.class"))
                .expect("class file")
        })
        .collect();
    for (i, c) in classes.iter().enumerate() {
        assert!(
            *c == classes[0],
            "the class compiled for {:?} differs from the harmless one",
            outs[i].0
        );
    }
}

/// `rustc`'s parser (`-Zunpretty=ast-tree`, allowed on stable by `RUSTC_BOOTSTRAP=1`) reads
/// the same syntax tree from the actix and tower-http outputs whatever the name: no name can
/// end a comment or put a bare `\r` in a doc comment.
#[test]
fn rustc_parses_the_same_tree_whatever_the_name() {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    for target in ["actix", "tower-http"] {
        let outs = drawn_outputs(target);
        let dir = tempfile::tempdir().expect("tempdir");
        let files = write_all(dir.path(), &outs);
        let mut trees = Vec::new();
        for (i, f) in files.iter().enumerate() {
            // Run in the file's directory with the same file name, so spans print alike.
            let mut cmd = Command::new(&rustc);
            cmd.env("RUSTC_BOOTSTRAP", "1")
                .args(["--edition", "2021", "-Zunpretty=ast-tree"])
                .arg(f.file_name().expect("file name"))
                .current_dir(f.parent().expect("dir"));
            trees.push(run(
                cmd,
                &format!("rustc parsing {target} for {:?}", outs[i].0),
            ));
        }
        for (i, t) in trees.iter().enumerate() {
            assert!(
                *t == trees[0],
                "{target}: the tree parsed for {:?} differs from the harmless one",
                outs[i].0
            );
        }
    }
}

/// A very long source name, and a policy whose scope list fills a long comment, still give
/// configurations nginx and Apache load: nginx reads a comment as one token and refuses one
/// beyond its 4 KB buffer, so comments are wrapped and shown names are cut.
#[test]
fn long_names_and_scope_lists_keep_nginx_and_apache_loading() {
    let paths: Vec<String> = (0..300)
        .map(|i| format!("\"/api/v{i}/resources/*\""))
        .collect();
    let policy = format!(
        "policy api {{\n  paths {}\n  origins \"https://app.example\"\n}}\n",
        paths.join(", ")
    );
    let name = "\u{e9}".repeat(3000);
    for (engine, target) in [
        (engines::Engine::Nginx, "nginx"),
        (engines::Engine::Apache, "apache"),
    ] {
        let Some(bin) = engines::require(
            engine,
            "long_names_and_scope_lists_keep_nginx_and_apache_loading",
        ) else {
            continue;
        };
        let out = compile(target, Shape::Include, &policy, &name, Some(&name))
            .unwrap_or_else(|e| panic!("{target}: {e}"));
        let r = match engine {
            engines::Engine::Nginx => engines::nginx_test(&bin, &out),
            engines::Engine::Apache => engines::apache_test(&bin, &out),
        };
        if let Err(e) = r {
            panic!("{target} refuses the output: {e}");
        }
    }
}

/// Every output of 200 random policies (every feature, every target and shape) is made of
/// printable ASCII, tabs, newlines and corsc's three typographic characters: no value, name or
/// path brings a line end, a control or an invisible character into any file.
#[test]
fn random_policies_give_outputs_of_plain_characters_only() {
    let features = random_policy::Features::all();
    let mut checked = 0;
    for seed in 0..200 {
        let text = random_policy::policy_text(seed, &features);
        let src = corsc::source::Source::new("p.cors", text.clone());
        let file = corsc::syntax::parse(&src).unwrap_or_else(|d| panic!("{seed}: {d:?}"));
        let Some(set) = corsc::check::check(&file, None).policies else {
            panic!("{seed}: the random policy does not check");
        };
        for t in emit::TARGETS {
            for shape in [Shape::Include, Shape::Server, Shape::Htaccess] {
                let prov = Provenance::new("p.cors", text.as_bytes(), None);
                let options = Options {
                    shape,
                    ..Options::default()
                };
                let Ok(out) = emit::compile(&set, *t, &options, &prov) else {
                    continue;
                };
                for part in &out.parts {
                    checked += 1;
                    let bad = part.text.chars().find(|c| {
                        !(matches!(c, ' '..='~' | '\n' | '\t') || ['…', '—', '→'].contains(c))
                    });
                    assert!(
                        bad.is_none(),
                        "seed {seed}, {} {shape:?}: {bad:?} in {}",
                        t.id(),
                        part.file_name
                    );
                }
            }
        }
    }
    assert!(checked > 1000, "only {checked} outputs compiled");
}
