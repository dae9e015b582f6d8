//! Generated nginx and Apache configuration dropped into an existing one, as users deploy it:
//! a realistic `nginx.conf` (an upstream application, the usual websocket `map`, server-level
//! HSTS and `X-Frame-Options`) and an Apache virtual host (`Header always set` at server
//! level), each with two policy files that both name their policy `api`, compiled separately
//! with the `corsc` binary and included side by side.
//!
//! Each is checked with `corsc verify` (0 mismatches for each policy file against the one
//! server) and with direct requests: each scope answers with its own origins only, the
//! server-level security headers are still sent on CORS responses (preflights included), and
//! the application's own CORS headers never reach the browser.
//!
//! The defects these tests were written against: the second file's maps silently replaced the
//! first's (`nginx -t` passed, `/api/` answered with `/admin-api/`'s origins), the generated
//! `map_hash_bucket_size` was "duplicate" after the websocket `map`, and the CORS locations
//! lost the server's HSTS and `X-Frame-Options`.

mod support;
use support::engines::{self, free_port, launch, require, Engine, Workdir};
use support::http::{request, Response};

use std::path::Path;

const HSTS: &str = "max-age=63072000; includeSubDomains";
const XFO: &str = "DENY";

/// The two policy files: one name, two scopes, two origin lists.
const POLICY_A: &str = r#"policy api {
    paths "/api/*"
    origins ["https://app.example.com"]
    methods GET, POST, PUT
    request-headers Content-Type
    credentials true
    max-age 600
}
"#;

const POLICY_B: &str = r#"policy api {
    paths "/admin-api/*"
    origins ["https://admin.example.com", "https://*.ops.example.com"]
    methods GET, DELETE
    request-headers Content-Type, X-Requested-With
}
"#;

/// Runs the binary; panics with its output unless it exits 0.
fn corsc(args: &[&str]) -> String {
    let o = support::cli::command()
        .args(args)
        .output()
        .expect("corsc runs");
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "corsc {args:?} exited {}:\n{out}{}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

/// Writes both policies into `dir` and compiles each into `dir/<name>/` with the shape and
/// the extra flags; returns the policy paths.
fn compile_both(dir: &Path, target: &str, shape: &str, extra: &[&str]) -> [String; 2] {
    let mut paths = [String::new(), String::new()];
    for (i, (name, text)) in [("a", POLICY_A), ("b", POLICY_B)].iter().enumerate() {
        let policy = dir.join(format!("{name}.cors"));
        std::fs::write(&policy, text).expect("policy written");
        // Apache's one part is a file; nginx's parts go into a directory.
        let out = if target == "apache" {
            dir.join(format!("{name}.conf"))
        } else {
            dir.join(name)
        };
        let (p, o) = (policy.display().to_string(), out.display().to_string());
        let mut args = vec!["compile", &p, "-t", target, "--shape", shape, "-o", &o];
        args.extend_from_slice(extra);
        corsc(&args);
        paths[i] = p;
    }
    paths
}

/// Makes every file and directory under `dir` readable by the engine's workers.
fn readable(dir: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    for entry in walk(dir) {
        let mode = if entry.is_dir() { 0o755 } else { 0o644 };
        let _ = std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(mode));
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// `corsc verify` of one policy file against the running server: exit 0, 0 mismatches.
fn verify(policy: &str, url: &str, target: &str) {
    let out = corsc(&["verify", policy, "--url", url, "--target", target]);
    assert!(
        out.contains("0 mismatches") || !out.contains("mismatch"),
        "{out}"
    );
}

fn get(addr: &str, method: &str, path: &str, headers: &[(&str, &str)]) -> Response {
    request(addr, method, path, headers).unwrap_or_else(|e| panic!("{method} {path}: {e}"))
}

/// The direct checks both engines must pass: each scope with its own origins, the security
/// headers on CORS responses, the application's CORS headers hidden.
fn header_checks(addr: &str) {
    let app = [("Origin", "https://app.example.com")];
    let admin = [("Origin", "https://admin.example.com")];
    let pre = |origin: &'static str| [("Origin", origin), ("Access-Control-Request-Method", "GET")];
    // `/api/` answers with file A's origins, not B's.
    let r = get(addr, "GET", "/api/items", &app);
    assert_eq!(
        r.one("access-control-allow-origin"),
        Some("https://app.example.com"),
        "{r:#?}"
    );
    assert_eq!(
        r.one("access-control-allow-credentials"),
        Some("true"),
        "{r:#?}"
    );
    assert_eq!(r.one("strict-transport-security"), Some(HSTS), "{r:#?}");
    assert_eq!(r.one("x-frame-options"), Some(XFO), "{r:#?}");
    let r = get(addr, "GET", "/api/items", &admin);
    assert_eq!(
        r.one("access-control-allow-origin"),
        None,
        "B's origin on A's scope: {r:#?}"
    );
    assert_eq!(r.one("strict-transport-security"), Some(HSTS), "{r:#?}");
    // `/admin-api/` answers with file B's origins, not A's.
    let r = get(addr, "GET", "/admin-api/users", &admin);
    assert_eq!(
        r.one("access-control-allow-origin"),
        Some("https://admin.example.com"),
        "{r:#?}"
    );
    assert_eq!(r.one("access-control-allow-credentials"), None, "{r:#?}");
    assert_eq!(r.one("x-frame-options"), Some(XFO), "{r:#?}");
    let r = get(addr, "GET", "/admin-api/users", &app);
    assert_eq!(
        r.one("access-control-allow-origin"),
        None,
        "A's origin on B's scope: {r:#?}"
    );
    // Preflights: answered by the server with 204, security headers included.
    let r = get(
        addr,
        "OPTIONS",
        "/api/items",
        &pre("https://app.example.com"),
    );
    assert_eq!(r.status, 204, "{r:#?}");
    assert_eq!(
        r.one("access-control-allow-methods"),
        Some("GET, POST, PUT"),
        "{r:#?}"
    );
    assert_eq!(r.one("strict-transport-security"), Some(HSTS), "{r:#?}");
    assert_eq!(r.one("x-frame-options"), Some(XFO), "{r:#?}");
    let r = get(
        addr,
        "OPTIONS",
        "/admin-api/users",
        &pre("https://x.ops.example.com"),
    );
    assert_eq!(r.status, 204, "{r:#?}");
    assert_eq!(
        r.one("access-control-allow-origin"),
        Some("https://x.ops.example.com"),
        "{r:#?}"
    );
    assert_eq!(
        r.one("access-control-allow-methods"),
        Some("DELETE, GET"),
        "{r:#?}"
    );
    assert_eq!(r.one("strict-transport-security"), Some(HSTS), "{r:#?}");
    let r = get(
        addr,
        "OPTIONS",
        "/admin-api/users",
        &pre("https://app.example.com"),
    );
    assert_eq!(r.status, 204, "{r:#?}");
    assert_eq!(r.one("access-control-allow-origin"), None, "{r:#?}");
    assert_eq!(r.one("access-control-allow-methods"), None, "{r:#?}");
    // Outside both scopes: the server's own headers, no CORS.
    let r = get(addr, "GET", "/", &app);
    assert_eq!(r.one("access-control-allow-origin"), None, "{r:#?}");
    assert_eq!(r.one("strict-transport-security"), Some(HSTS), "{r:#?}");
}

/// The application behind nginx: another server of the same nginx, which sends CORS headers
/// of its own (a wildcard) on its API paths, which must never reach the browser.
fn nginx_conf(d: &str, port: u16, app: u16, shape: &str) -> String {
    let (http_a, http_b) = (
        format!("{d}/a/corsc-http.conf"),
        format!("{d}/b/corsc-http.conf"),
    );
    let locations = if shape == "snippet" {
        format!(
            r#"        location /api/ {{
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            include {d}/a/corsc-snippet.conf;
        }}
        location /admin-api/ {{
            proxy_pass http://app;
            include {d}/b/corsc-snippet.conf;
        }}
"#
        )
    } else {
        format!(
            "        include {d}/a/corsc-server.conf;\n        include {d}/b/corsc-server.conf;\n"
        )
    };
    format!(
        r#"daemon off;
master_process off;
pid {d}/nginx.pid;
error_log {d}/error.log notice;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {d}/client_body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    # Every generated output adds its variables to nginx's one variables hash: with several,
    # nginx warns "could not build optimal variables_hash" unless it may grow.
    variables_hash_max_size 2048;

    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ''      close;
    }}
    upstream app {{
        server 127.0.0.1:{app};
    }}
    include {http_a};
    include {http_b};

    server {{
        listen 127.0.0.1:{app};
        default_type text/plain;
        location / {{
            return 200 "app\n";
        }}
        location /api/ {{
            add_header Access-Control-Allow-Origin "*" always;
            add_header Access-Control-Allow-Credentials "true" always;
            return 200 "app\n";
        }}
        location /admin-api/ {{
            add_header Access-Control-Allow-Origin "*" always;
            add_header Access-Control-Allow-Methods "PATCH" always;
            return 200 "app\n";
        }}
    }}

    server {{
        listen 127.0.0.1:{port};
        server_name api.example.com;
        add_header Strict-Transport-Security "{HSTS}" always;
        add_header X-Frame-Options {XFO} always;

        location / {{
            return 200 "site\n";
        }}
{locations}    }}
}}
"#
    )
}

fn nginx_brownfield(shape: &str, test: &str) {
    let Some(bin) = require(Engine::Nginx, test) else {
        return;
    };
    let work = Workdir::new();
    let d = work.path().display().to_string();
    let keep = [
        "--keep-header",
        &format!("Strict-Transport-Security: {HSTS}"),
        "--keep-header",
        &format!("X-Frame-Options: {XFO}"),
    ]
    .map(|s| s.to_string());
    let keep: Vec<&str> = keep.iter().map(String::as_str).collect();
    let [a, b] = compile_both(work.path(), "nginx", shape, &keep);
    if shape == "include" {
        // The include shape's locations proxy to what `corsc-upstream*.conf` names, relative
        // to nginx's prefix.
        work.write("corsc-upstream.conf", "proxy_pass http://app;\n");
    }
    readable(work.path());
    let (port, app) = (free_port(), free_port());
    let conf = work.write("nginx.conf", &nginx_conf(&d, port, app, shape));
    let report = engines::nginx_check(&bin, work.path(), &conf)
        .unwrap_or_else(|report| panic!("nginx -t failed:\n{report}"));
    assert!(!report.contains("[warn]"), "{report}");
    let srv = launch(Engine::Nginx, &bin, work, &conf, port).expect("nginx starts");
    verify(&a, &srv.base_url(), "nginx");
    verify(&b, &srv.base_url(), "nginx");
    header_checks(&srv.addr);
    // The websocket upgrade map still works next to the generated maps.
    let r = get(
        &srv.addr,
        "GET",
        "/api/ws",
        &[("Origin", "https://app.example.com")],
    );
    assert_eq!(r.status, 200, "{r:#?}");
    assert_eq!(r.all("access-control-allow-origin").len(), 1, "{r:#?}");
}

#[test]
fn nginx_snippets_in_users_own_locations_keep_their_policies_and_headers() {
    nginx_brownfield("snippet", "nginx brownfield (snippet)");
}

#[test]
fn nginx_includes_of_two_files_keep_their_policies_and_headers() {
    nginx_brownfield("include", "nginx brownfield (include)");
}

#[test]
fn apache_two_files_in_one_virtual_host_keep_their_policies_and_headers() {
    let Some(bin) = require(Engine::Apache, "apache brownfield") else {
        return;
    };
    let work = Workdir::new();
    let d = work.path().display().to_string();
    let [a, b] = compile_both(work.path(), "apache", "include", &[]);
    // Files for every path the probes ask for.
    for text in [POLICY_A, POLICY_B] {
        let src = corsc::source::Source::new("p.cors", text.to_string());
        let file = corsc::syntax::parse(&src).expect("parses");
        let set = corsc::check::check(&file, None).policies.expect("checks");
        for p in corsc::eval::probe::probes(&set, corsc::eval::probe::ProbeOptions::default()) {
            if p.intent == corsc::eval::probe::Intent::PathVariant {
                continue;
            }
            let path = p.request.path;
            let rel = if path.ends_with('/') {
                format!("htdocs{path}index.html")
            } else {
                format!("htdocs{path}")
            };
            work.write(&rel, "{\"ok\":true}\n");
        }
    }
    work.write("htdocs/index.html", "site\n");
    work.write("htdocs/api/items", "{}\n");
    work.write("htdocs/admin-api/users", "{}\n");
    let port = free_port();
    let mut conf = engines::apache_base_conf(&d, port);
    conf.push_str(&format!(
        r#"<VirtualHost 127.0.0.1:{port}>
    ServerName api.example.com
    DocumentRoot "{d}/htdocs"
    <Directory "{d}/htdocs">
        Require all granted
        Options FollowSymLinks
    </Directory>
    Header always set Strict-Transport-Security "{HSTS}"
    Header always set X-Frame-Options "{XFO}"
    # The application's own CORS headers on its API, which the generated sections remove.
    <Location /api/>
        Header always set Access-Control-Allow-Origin "*"
        Header always set Access-Control-Allow-Credentials "true"
    </Location>
    <Location /admin-api/>
        Header always set Access-Control-Allow-Origin "*"
    </Location>
    Include "{d}/a.conf"
    Include "{d}/b.conf"
</VirtualHost>
"#
    ));
    readable(work.path());
    let conf = work.write("httpd.conf", &conf);
    let check = std::process::Command::new(&bin)
        .arg("-t")
        .arg("-f")
        .arg(&conf)
        .output()
        .expect("apache2 -t runs");
    assert!(
        check.status.success(),
        "apache2 -t failed:\n{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let srv = launch(Engine::Apache, &bin, work, &conf, port).expect("apache starts");
    verify(&a, &srv.base_url(), "apache");
    verify(&b, &srv.base_url(), "apache");
    header_checks(&srv.addr);
}

/// Runs the binary in `dir`; returns the exit code and standard error.
fn corsc_in(dir: &Path, args: &[&str]) -> (i32, String) {
    let o = support::cli::command()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("corsc runs");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The variables an nginx output defines (`map … $name {`).
fn defined(text: &str) -> std::collections::BTreeSet<String> {
    text.lines()
        .filter_map(|l| l.trim_start().strip_prefix("map "))
        .filter_map(|l| l.trim_end().strip_suffix(" {"))
        .filter_map(|l| l.rsplit(' ').next())
        .map(str::to_string)
        .collect()
}

#[test]
fn two_outputs_never_define_one_variable_whatever_their_names() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("a.cors"), POLICY_A).unwrap();
    std::fs::write(dir.path().join("b.cors"), POLICY_B).unwrap();
    // Outputs whose names sanitize alike, explicit namespaces that are prefixes of each other,
    // and standard output (derived from the source and its hash).
    let runs: &[&[&str]] = &[
        &["-o", "out/api.conf/"],
        &["-o", "out/api-conf/"],
        &["-o", "out/API_conf/"],
        &["--namespace", "a", "-o", "out/n1/"],
        &["--namespace", "ab", "-o", "out/n2/"],
        &["--namespace", "a1", "-o", "out/n3/"],
    ];
    for d in [
        "out/api.conf",
        "out/api-conf",
        "out/API_conf",
        "out/n1",
        "out/n2",
        "out/n3",
    ] {
        std::fs::create_dir_all(dir.path().join(d)).unwrap();
    }
    let mut seen: Vec<(String, std::collections::BTreeSet<String>)> = Vec::new();
    for (i, extra) in runs.iter().enumerate() {
        let policy = if i % 2 == 0 { "a.cors" } else { "b.cors" };
        for shape in ["include", "snippet"] {
            let mut args = vec!["compile", policy, "-t", "nginx", "--shape", shape];
            args.extend_from_slice(extra);
            let (code, err) = corsc_in(dir.path(), &args);
            assert_eq!(code, 0, "{args:?}: {err}");
            let out = extra[extra.len() - 1];
            let http = std::fs::read_to_string(dir.path().join(out).join("corsc-http.conf"))
                .expect("http part");
            let vars = defined(&http);
            assert!(vars.len() > 10, "{vars:?}");
            for (other, theirs) in &seen {
                if other.starts_with(out) {
                    continue;
                }
                let common: Vec<&String> = vars.intersection(theirs).collect();
                assert!(
                    common.is_empty(),
                    "{out} and {other} both define {common:?}"
                );
            }
            seen.push((format!("{out} {shape}"), vars));
        }
    }
    // Two sources on standard output: derived from each source's name and hash.
    let a = support::cli::command()
        .current_dir(dir.path())
        .args(["compile", "-", "-t", "nginx"])
        .stdin(std::fs::File::open(dir.path().join("a.cors")).unwrap())
        .output()
        .unwrap();
    let b = support::cli::command()
        .current_dir(dir.path())
        .args(["compile", "-", "-t", "nginx"])
        .stdin(std::fs::File::open(dir.path().join("b.cors")).unwrap())
        .output()
        .unwrap();
    let (va, vb) = (
        defined(&String::from_utf8_lossy(&a.stdout)),
        defined(&String::from_utf8_lossy(&b.stdout)),
    );
    assert!(!va.is_empty() && va.is_disjoint(&vb), "{va:?} {vb:?}");
    // Apache: the environment variables of two files never meet either.
    let mut envs = Vec::new();
    for (policy, out) in [("a.cors", "api.conf"), ("b.cors", "api-conf")] {
        let (code, err) = corsc_in(dir.path(), &["compile", policy, "-t", "apache", "-o", out]);
        assert_eq!(code, 0, "{err}");
        let text = std::fs::read_to_string(dir.path().join(out)).unwrap();
        let names: std::collections::BTreeSet<String> = text
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .flat_map(|l| {
                l.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .filter(|w| w.starts_with("CORSC_"))
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect();
        assert!(names.len() > 5, "{names:?}");
        envs.push(names);
    }
    assert!(envs[0].is_disjoint(&envs[1]), "{envs:?}");
}

#[test]
fn drop_in_options_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("a.cors"), POLICY_A).unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["-t", "nginx", "--keep-header", "Strict-Transport-Security"],
            "Name: value",
        ),
        (
            &[
                "-t",
                "nginx",
                "--keep-header",
                "Access-Control-Allow-Origin: *",
            ],
            "written by the CORS output",
        ),
        (&["-t", "nginx", "--keep-header", "X-A: $host"], "variable"),
        (
            &[
                "-t",
                "nginx",
                "--keep-header",
                "X-A: 1",
                "--keep-header",
                "x-a: 2",
            ],
            "kept twice",
        ),
        (
            &["-t", "apache", "--keep-header", "X-Frame-Options: DENY"],
            "does not need kept headers",
        ),
        (&["-t", "nginx", "--namespace", "a_b"], "not a namespace"),
        (&["-t", "nginx", "--namespace", "Api"], "not a namespace"),
        (
            &["-t", "nginx", "--namespace", "abcdefghijklm"],
            "not a namespace",
        ),
    ];
    for (flags, why) in cases {
        let mut args = vec!["compile", "a.cors", "-o", "out/"];
        args.extend_from_slice(flags);
        let (code, err) = corsc_in(dir.path(), &args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(why), "{args:?}: {err}");
        assert!(!dir.path().join("out").exists(), "{args:?} wrote output");
    }
    // A manifest: one namespace for two nginx entries; a kept header without a value.
    std::fs::write(
        dir.path().join("corsc.yaml"),
        "build:\n  - policy: a.cors\n    target: nginx\n    output: one/\n    namespace: api\n  - policy: a.cors\n    target: nginx\n    output: two/\n    namespace: api\n",
    )
    .unwrap();
    let (code, err) = corsc_in(dir.path(), &["build"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("namespace `api` is already the namespace of entry 1"),
        "{err}"
    );
    std::fs::write(
        dir.path().join("corsc.yaml"),
        "build:\n  - policy: a.cors\n    target: nginx\n    output: one/\n    keep-headers: [\"X-Frame-Options\"]\n",
    )
    .unwrap();
    let (code, err) = corsc_in(dir.path(), &["build"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("`keep-headers`") && err.contains("Name: value"),
        "{err}"
    );
    assert!(!dir.path().join("one").exists());
    std::fs::create_dir_all(dir.path().join("one")).unwrap();
    std::fs::create_dir_all(dir.path().join("two")).unwrap();
    // The same manifest with its own namespaces and a kept header with its value builds, and
    // the kept header is repeated in the location.
    std::fs::write(
        dir.path().join("corsc.yaml"),
        "build:\n  - policy: a.cors\n    target: nginx\n    output: one/\n  - policy: a.cors\n    target: nginx\n    output: two/\n    namespace: api\n    keep-headers: [\"X-Frame-Options: DENY\"]\n",
    )
    .unwrap();
    let (code, err) = corsc_in(dir.path(), &["build"]);
    assert_eq!(code, 0, "{err}");
    let server = std::fs::read_to_string(dir.path().join("two/corsc-server.conf")).unwrap();
    assert!(server.contains("add_header X-Frame-Options"), "{server}");
    assert!(server.contains("$corsc_api_api_origin"), "{server}");
}

/// nginx refuses a map hash setting after the first `map` and a second one: none is written
/// unless the defaults cannot hold the origins, and then in a part of its own.
#[test]
fn hash_sizes_are_written_only_when_needed_and_apart() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("a.cors"), POLICY_A).unwrap();
    let long = format!(
        "policy api {{\n    paths \"/api/*\"\n    origins [\"https://{}.example.com\"]\n}}\n",
        "a".repeat(60)
    );
    std::fs::write(dir.path().join("long.cors"), long).unwrap();
    std::fs::create_dir_all(dir.path().join("a")).unwrap();
    std::fs::create_dir_all(dir.path().join("l")).unwrap();
    let (code, err) = corsc_in(
        dir.path(),
        &["compile", "a.cors", "-t", "nginx", "-o", "a/"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(!dir.path().join("a/corsc-map-hash.conf").exists());
    let http = std::fs::read_to_string(dir.path().join("a/corsc-http.conf")).unwrap();
    assert!(!http.contains("map_hash_"), "{http}");
    let (code, err) = corsc_in(
        dir.path(),
        &["compile", "long.cors", "-t", "nginx", "-o", "l/"],
    );
    assert_eq!(code, 0, "{err}");
    let hash = std::fs::read_to_string(dir.path().join("l/corsc-map-hash.conf")).unwrap();
    assert!(hash.contains("\nmap_hash_bucket_size "), "{hash}");
    let http = std::fs::read_to_string(dir.path().join("l/corsc-http.conf")).unwrap();
    assert!(!http.contains("map_hash_bucket_size"), "{http}");
    // And nginx loads it, with the hash part first and a websocket map after it.
    let Some(bin) = require(Engine::Nginx, "nginx hash part") else {
        return;
    };
    let work = Workdir::new();
    let d = work.path().display().to_string();
    for name in [
        "corsc-map-hash.conf",
        "corsc-http.conf",
        "corsc-server.conf",
    ] {
        work.write(
            name,
            &std::fs::read_to_string(dir.path().join("l").join(name)).unwrap(),
        );
    }
    let conf = work.write(
        "nginx.conf",
        &format!("pid {d}/nginx.pid;\nerror_log {d}/error.log notice;\nevents {{ }}\nhttp {{\n    include {d}/corsc-map-hash.conf;\n    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}\n    include {d}/corsc-http.conf;\n    server {{ listen 127.0.0.1:{}; include {d}/corsc-server.conf; }}\n}}\n", free_port()),
    );
    if let Err(report) = engines::nginx_check(&bin, work.path(), &conf) {
        panic!("{report}");
    }
}
