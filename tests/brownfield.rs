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
use support::engines::{free_port, launch, require, Engine, Workdir};
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
    let check = std::process::Command::new(&bin)
        .arg("-p")
        .arg(work.path())
        .arg("-e")
        .arg(work.path().join("error.log"))
        .arg("-c")
        .arg(&conf)
        .arg("-t")
        .output()
        .expect("nginx -t runs");
    let report = String::from_utf8_lossy(&check.stderr);
    assert!(check.status.success(), "nginx -t failed:\n{report}");
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

/// The LoadModule lines the virtual host needs.
const APACHE_MODULES: &[(&str, &str)] = &[
    ("mpm_event_module", "mod_mpm_event.so"),
    ("authz_core_module", "mod_authz_core.so"),
    ("headers_module", "mod_headers.so"),
    ("setenvif_module", "mod_setenvif.so"),
    ("rewrite_module", "mod_rewrite.so"),
];

fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
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
    let modules = std::env::var("CORSC_APACHE_MODULES")
        .unwrap_or_else(|_| "/usr/lib/apache2/modules".to_string());
    let mut conf = format!(
        "ServerRoot \"{d}\"\nDefaultRuntimeDir \"{d}\"\nPidFile \"{d}/httpd.pid\"\nMutex file:{d} default\nListen 127.0.0.1:{port}\nServerName 127.0.0.1\nErrorLog \"{d}/error.log\"\nLogLevel warn\n"
    );
    for (name, file) in APACHE_MODULES {
        conf.push_str(&format!("LoadModule {name} {modules}/{file}\n"));
    }
    if is_root() {
        conf.push_str("User nobody\nGroup nogroup\n");
    }
    conf.push_str("StartServers 1\nServerLimit 1\nThreadsPerChild 8\nMaxRequestWorkers 8\nMinSpareThreads 1\nMaxSpareThreads 8\n");
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
