//! Help, `corsc targets`, completions and the man page from the outside: every command says
//! what it does, how to use it and what its exit status means; the generated completion
//! scripts and manual page load in the tools that read them.

mod support;
use clap::CommandFactory as _;
use corsc::cli::args::Cli;
use support::cli::corsc;

fn stdout(args: &[&str]) -> String {
    let out = corsc().args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Every subcommand clap knows, so a new command without examples or an exit status fails.
#[test]
fn every_subcommand_help_has_a_title_examples_and_exit_status() {
    let cli = Cli::command();
    let subs: Vec<String> = cli
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    assert!(subs.len() >= 14, "{subs:?}");
    for sub in &subs {
        let help = stdout(&[sub, "--help"]);
        let title = help.lines().next().unwrap_or("");
        assert!(
            title.len() > 20 && !title.starts_with("Usage"),
            "{sub}: no title: {help}"
        );
        assert!(help.contains("Examples:"), "{sub}: no Examples: {help}");
        assert!(
            help.contains("Exit status:"),
            "{sub}: no Exit status: {help}"
        );
        assert!(
            help.contains(&format!("corsc {sub}")),
            "{sub}: no example of it"
        );
    }
}

#[test]
fn compile_and_build_titles_do_not_name_only_two_targets() {
    for sub in ["compile", "build"] {
        let help = stdout(&[sub, "--help"]);
        let title = help.lines().next().unwrap();
        assert!(!title.contains("(nginx, Apache)"), "{title}");
    }
}

/// The default `corsc targets` fits a 100-column terminal, the widest target names included.
#[test]
fn targets_fits_100_columns_and_names_every_target() {
    let text = stdout(&["targets"]);
    for line in text.lines() {
        assert!(
            line.chars().count() <= 100,
            "{} columns: {line}",
            line.len()
        );
    }
    for t in corsc::emit::TARGETS {
        let m = t.meta();
        assert!(
            text.lines().any(|l| l.starts_with(&format!("{} ", m.id))),
            "{} missing: {text}",
            m.id
        );
        let full = stdout(&["targets", m.id]);
        for line in full.lines() {
            assert!(line.chars().count() <= 100, "{}: {line}", m.id);
        }
        assert!(
            full.contains("minimum version") && full.contains("shapes"),
            "{full}"
        );
        assert!(full.contains(m.capabilities.min_version), "{full}");
        // Every shape with the files it writes.
        for s in m.capabilities.shapes {
            assert!(full.contains(s.as_str()), "{full}");
        }
    }
}

#[test]
fn targets_name_shows_refusals_and_outputs_and_aliases_work() {
    let full = stdout(&["targets", "nginx"]);
    assert!(
        full.contains("corsc-http.conf") && full.contains("corsc-server.conf"),
        "{full}"
    );
    assert!(full.contains("refuses (P301)") && full.contains("expose * with credentials"));
    let axum = stdout(&["targets", "axum"]);
    assert!(axum.starts_with("tower-http "), "{axum}");
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&["targets", "go", "--format", "json"])).unwrap();
    assert_eq!(json["schema"], "corsc-targets/1");
    assert_eq!(json["targets"].as_array().unwrap().len(), 1);
    assert_eq!(json["targets"][0]["id"], "go");
}

#[test]
fn an_unknown_target_name_exits_2_with_a_suggestion() {
    let out = corsc().args(["targets", "ngnix"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown target") && err.contains("did you mean `nginx`"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

/// An engine the test needs: present, or skipped with a message (required under
/// `CORSC_REQUIRE_ENGINES=1` for bash, which every CI machine has).
fn have(program: &str) -> bool {
    let found = std::process::Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            !(program == "bash" && std::env::var("CORSC_REQUIRE_ENGINES").as_deref() == Ok("1")),
            "bash is required"
        );
        eprintln!("skipped: {program} is not installed");
    }
    found
}

fn write_temp(text: &str, name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

#[test]
fn bash_completion_parses_and_completes_subcommands() {
    if !have("bash") {
        return;
    }
    let script = stdout(&["completions", "bash"]);
    let (_dir, path) = write_temp(&script, "corsc.bash");
    let syntax = std::process::Command::new("bash")
        .arg("-n")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        syntax.status.success(),
        "{}",
        String::from_utf8_lossy(&syntax.stderr)
    );
    // Source it, find the function `complete -p corsc` names, and call it as bash would for
    // `corsc li<TAB>` and `corsc compile --ta<TAB>`.
    let driver = r#"
source "$1"
fn=$(complete -p corsc | sed -n 's/.*-F \([^ ]*\).*/\1/p')
[ -n "$fn" ] || { echo "no completion function" >&2; exit 3; }
run() {
    COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
    COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    "$fn" corsc "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf '%s\n' "${COMPREPLY[@]}"
}
echo "--- li"; run corsc li
echo "--- compile"; run corsc compile --ta
echo "--- completions"; run corsc completions ''
"#;
    let out = std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-c", driver, "driver"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let section = |name: &str| -> Vec<String> {
        text.split(&format!("--- {name}\n"))
            .nth(1)
            .unwrap_or("")
            .split("---")
            .next()
            .unwrap_or("")
            .split_whitespace()
            .map(str::to_string)
            .collect()
    };
    assert!(section("li").contains(&"lint".to_string()), "{text}");
    assert!(
        section("compile").contains(&"--target".to_string()),
        "{text}"
    );
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        assert!(
            section("completions").contains(&shell.to_string()),
            "{text}"
        );
    }
}

#[test]
fn zsh_and_fish_completions_parse_where_installed() {
    for (shell, file, check) in [
        ("zsh", "_corsc", vec!["-n"]),
        ("fish", "corsc.fish", vec!["--no-execute"]),
    ] {
        if !have(shell) {
            continue;
        }
        let script = stdout(&["completions", shell]);
        let (_dir, path) = write_temp(&script, file);
        let out = std::process::Command::new(shell)
            .args(&check)
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for shell in ["powershell", "elvish"] {
        assert!(stdout(&["completions", shell]).contains("corsc"), "{shell}");
    }
}

#[test]
fn the_man_page_renders_and_names_every_subcommand() {
    let page = stdout(&["man"]);
    assert!(
        page.starts_with(".ie") || page.contains(".TH corsc"),
        "{}",
        &page[..200.min(page.len())]
    );
    let names: Vec<String> = Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    for n in &names {
        assert!(page.contains(n.as_str()), "{n} missing from the man page");
    }
    if !have("groff") {
        return;
    }
    let mut child = std::process::Command::new("groff")
        .args(["-man", "-Tutf8", "-Wall"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), page.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("corsc"), "{text}");
    for n in &names {
        assert!(
            text.contains(n.as_str()),
            "{n} missing from the rendered page"
        );
    }
}

#[test]
fn man_dash_o_writes_one_page_per_command_into_an_existing_directory_only() {
    let dir = tempfile::tempdir().unwrap();
    let out = corsc()
        .args(["man", "-o"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let count = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(count, 1 + Cli::command().get_subcommands().count());
    assert!(dir.path().join("corsc-compile.1").is_file());
    let missing = dir.path().join("no/such");
    let out = corsc().args(["man", "-o"]).arg(&missing).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!missing.exists());
}

#[test]
fn the_top_level_help_has_examples_and_exit_status() {
    let out = corsc().arg("--help").output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(
        help.contains("Examples:") && help.contains("Exit status:"),
        "{help}"
    );
    let page = stdout(&["man"]);
    assert!(page.contains("Exit status:") && page.contains("corsc lint policies/"));
}
