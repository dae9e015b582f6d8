//! Class 3: `corsc.yaml` entries validated exactly like `corsc compile`'s flags. A hostile
//! value in any key of a build entry is refused with the manifest's name, the line, the entry
//! and a help line, exit status 2, and nothing written.

use std::path::Path;
use std::process::Output;

const POLICY: &str = "policy api {\n  paths \"/api/*\"\n  origins \"https://app.example\"\n  credentials true\n  profile dev {\n    origins += \"http://localhost:3000\"\n  }\n}\n";

/// A project with one policy and a manifest whose only entry is `entry` (YAML lines, indented
/// as in a `build:` list item after `- `).
fn project(entry: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(d.path().join("policies")).expect("mkdir");
    std::fs::write(d.path().join("policies/api.cors"), POLICY).expect("write policy");
    std::fs::write(
        d.path().join("corsc.yaml"),
        format!("# the build\nbuild:\n  - {entry}\n"),
    )
    .expect("write manifest");
    d
}

fn build(dir: &Path) -> Output {
    crate::support::cli::command()
        .arg("build")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("corsc runs")
}

/// The files under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, d: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(d).expect("read_dir").flatten() {
            let p = e.path();
            if p.is_dir() && !p.is_symlink() {
                walk(root, &p, out);
            } else {
                out.push(
                    p.strip_prefix(root)
                        .unwrap_or(&p)
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Builds `entry`; asserts exit 2, a message naming the manifest, the line of `key`, the entry
/// and the key, a help line, and no file written anywhere.
fn refused(entry: &str, key: &str, line: usize, why: &str) {
    let d = project(entry);
    let before = files(d.path());
    let o = build(d.path());
    let err = String::from_utf8_lossy(&o.stderr).replace('\n', " ");
    let err: String = err.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(o.status.code(), Some(2), "{entry}: {err}");
    for want in [
        format!("corsc.yaml:{line}"),
        "build entry 1".to_string(),
        format!("`{key}`"),
        why.to_string(),
        "help:".to_string(),
        "nothing was written".to_string(),
    ] {
        assert!(err.contains(&want), "{entry}: `{want}` missing from: {err}");
    }
    assert_eq!(files(d.path()), before, "{entry}: a file was written");
}

/// `listen` cannot inject nginx directives: a location that reflects any origin with
/// credentials is refused, as `--listen` refuses it.
#[test]
fn listen_cannot_add_an_nginx_location() {
    refused(
        "policy: policies/api.cors\n    target: nginx\n    shape: server\n    output: out/nginx.conf\n    listen: \"127.0.0.1:18081; location /x { add_header Access-Control-Allow-Origin $http_origin always; add_header Access-Control-Allow-Credentials true always; return 200; } #\"",
        "listen",
        7,
        "is not an address to listen on",
    );
    refused(
        "policy: policies/api.cors\n    target: nginx\n    shape: server\n    output: out/nginx.conf\n    listen: \"127.0.0.1:8080\\ninclude /etc/passwd;\"",
        "listen",
        7,
        "is not an address to listen on",
    );
}

/// The flag and the manifest refuse the same `listen` with the same message.
#[test]
fn listen_flag_and_manifest_share_one_validation() {
    let d = project("policy: policies/api.cors\n    target: nginx\n    output: out.conf");
    let o = crate::support::cli::command()
        .args([
            "compile",
            "policies/api.cors",
            "-t",
            "nginx",
            "--shape",
            "server",
            "--listen",
            "127.0.0.1:1; #",
        ])
        .current_dir(d.path())
        .env("NO_COLOR", "1")
        .output()
        .expect("corsc runs");
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("is not an address to listen on"), "{err}");
    assert!(o.stdout.is_empty());
}

/// `target` is one of corsc's targets, named as `--target` names them.
#[test]
fn target_must_be_a_known_target() {
    refused(
        "policy: policies/api.cors\n    target: \"nginx; rm -rf /\"\n    output: out.conf",
        "target",
        4,
        "unknown target",
    );
}

/// `shape` is one of `--shape`'s values, nothing appended.
#[test]
fn shape_must_be_a_known_shape() {
    refused(
        "policy: policies/api.cors\n    target: nginx\n    shape: \"server\\nlisten 0.0.0.0:80;\"\n    output: out.conf",
        "shape",
        5,
        "unknown shape",
    );
}

/// `profile` must be one the policy defines; a hostile one never reaches the header.
#[test]
fn profile_must_be_defined_by_the_policy() {
    refused(
        "policy: policies/api.cors\n    target: express\n    profile: \"dev\\u2028process.exit(97)//\"\n    output: out.cjs",
        "profile",
        5,
        "no policy defines the profile",
    );
}

/// `policy` cannot read a file outside the manifest's directory (its lines would be quoted
/// in diagnostics on a CI log).
#[test]
fn policy_cannot_leave_the_manifest_directory() {
    for (path, why) in [
        ("/etc/passwd", "is absolute"),
        ("../../etc/passwd", "leaves the manifest's directory"),
        ("policies/../../x.cors", "leaves the manifest's directory"),
    ] {
        refused(
            &format!("policy: \"{path}\"\n    target: nginx\n    output: out.conf"),
            "policy",
            3,
            why,
        );
    }
}

/// `output` cannot write outside the manifest's directory, directly or through a symbolic
/// link in the tree.
#[test]
fn output_cannot_leave_the_manifest_directory() {
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let target = elsewhere.path().join("pwned.conf");
    for (path, why) in [
        (target.to_string_lossy().into_owned(), "is absolute"),
        (
            "../pwned.conf".to_string(),
            "leaves the manifest's directory",
        ),
    ] {
        refused(
            &format!("policy: policies/api.cors\n    target: nginx\n    output: \"{path}\""),
            "output",
            5,
            why,
        );
    }
    assert!(!target.exists());
    #[cfg(unix)]
    {
        let d = project("policy: policies/api.cors\n    target: nginx\n    output: link/x.conf");
        std::os::unix::fs::symlink(elsewhere.path(), d.path().join("link")).expect("symlink");
        let o = build(d.path());
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains("leads out of the manifest"), "{err}");
        assert!(std::fs::read_dir(elsewhere.path())
            .expect("read_dir")
            .next()
            .is_none());
    }
}

/// Keys the manifest does not know are errors, at the top level and in an entry, so a
/// misspelt setting is never silently ignored.
#[test]
fn unknown_manifest_keys_are_refused() {
    for (text, key) in [
        (
            "build:\n  - policy: policies/api.cors\n    target: nginx\n    output: out.conf\nbiuld_extra: 1\n",
            "biuld_extra",
        ),
        (
            "build:\n  - policy: policies/api.cors\n    target: nginx\n    output: out.conf\n    listn: \"0.0.0.0:80\"\n",
            "listn",
        ),
    ] {
        let d = project("policy: policies/api.cors\n    target: nginx\n    output: out.conf");
        std::fs::write(d.path().join("corsc.yaml"), text).expect("write manifest");
        let o = build(d.path());
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(&format!("unknown field `{key}`")), "{err}");
        assert!(err.contains("corsc.yaml:5"), "{err}");
        assert!(!d.path().join("out.conf").exists());
    }
}

/// A valid entry still builds: the checks refuse values, not manifests.
#[test]
fn a_valid_manifest_still_builds() {
    let d = project(
        "policy: ./policies/api.cors\n    target: nginx\n    shape: server\n    listen: \"[::1]:8081\"\n    output: out/nginx.conf",
    );
    let o = build(d.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(d.path().join("out/nginx.conf")).expect("written");
    assert!(text.contains("listen [::1]:8081;"), "{text}");
}

/// `output` cannot overwrite the manifest, a policy, or another entry's output.
#[test]
fn output_cannot_overwrite_the_manifest_a_policy_or_another_output() {
    for (entry, why) in [
        (
            "policy: policies/api.cors\n    target: nginx\n    output: corsc.yaml",
            "is the manifest itself",
        ),
        (
            "policy: policies/api.cors\n    target: nginx\n    output: ./policies/api.cors",
            "is a policy file of this manifest",
        ),
        (
            "policy: policies/api.cors\n    target: nginx\n    output: out.conf\n  - policy: policies/api.cors\n    target: apache\n    output: out.conf",
            "is already the output of another entry",
        ),
    ] {
        let d = project(entry);
        let before: Vec<(String, Vec<u8>)> = files(d.path())
            .into_iter()
            .map(|f| {
                let bytes = std::fs::read(d.path().join(&f)).unwrap_or_default();
                (f, bytes)
            })
            .collect();
        let o = build(d.path());
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(why) && err.contains("`output`"), "{err}");
        for (f, bytes) in before {
            assert_eq!(std::fs::read(d.path().join(&f)).unwrap_or_default(), bytes, "{f}");
        }
        assert!(!d.path().join("out.conf").exists());
    }
}

/// The `lint:` section of the manifest is validated by `build` as `lint` validates it: an
/// unknown rule or key is refused, not ignored.
#[test]
fn the_lint_section_is_validated_too() {
    for (lint, want) in [
        ("lint:\n  deny: [no-such-rule]\n", "corsc.yaml:2"),
        ("lint:\n  dney: [security]\n", "unknown field `dney`"),
    ] {
        let d = project("policy: policies/api.cors\n    target: nginx\n    output: out.conf");
        std::fs::write(
            d.path().join("corsc.yaml"),
            format!("{lint}build:\n  - policy: policies/api.cors\n    target: nginx\n    output: out.conf\n"),
        )
        .expect("write manifest");
        let o = build(d.path());
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(want), "{err}");
        assert!(!d.path().join("out.conf").exists());
    }
}
