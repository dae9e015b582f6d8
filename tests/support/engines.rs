//! Real nginx and Apache httpd, driven by tests: find the binary (or skip, or fail under
//! `CORSC_REQUIRE_ENGINES=1`), check a generated configuration with the engine's own `-t`, and
//! start it in the foreground on 127.0.0.1 with a wrapper configuration that keeps every path
//! (pid, logs, temp files, mutexes) in a temporary directory. A [`Running`] server leads its
//! own process group and is stopped with its graceful signal when dropped ([`super::procs`]),
//! and every wait is bounded.
//!
//! Reusable by any test that needs a live engine (e.g. `corsc verify` against it).

#![allow(
    dead_code,
    reason = "each test binary uses a different part of the support code"
)]

use corsc::emit::{self, Options, Output, Provenance, Shape};
use corsc::pipeline::{self, LintErrors, Refusal};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The engines the tests drive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// nginx.
    Nginx,
    /// Apache httpd 2.4.
    Apache,
}

impl Engine {
    /// The binary's name.
    pub fn binary(self) -> &'static str {
        match self {
            Engine::Nginx => "nginx",
            Engine::Apache => "apache2",
        }
    }
}

/// Where the engine's binary is, if installed (`PATH`, then the `sbin` directories).
pub fn find(engine: Engine) -> Option<PathBuf> {
    let name = engine.binary();
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    dirs.extend(["/usr/sbin", "/usr/local/sbin", "/sbin"].map(PathBuf::from));
    dirs.into_iter().map(|d| d.join(name)).find(|p| p.is_file())
}

/// The engine's binary, or `None` after printing why the test skips. With
/// `CORSC_REQUIRE_ENGINES=1` a missing engine fails the test instead.
pub fn require(engine: Engine, test: &str) -> Option<PathBuf> {
    if let Some(p) = find(engine) {
        return Some(p);
    }
    let required = std::env::var("CORSC_REQUIRE_ENGINES").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "{test}: `{}` is not installed and CORSC_REQUIRE_ENGINES=1",
        engine.binary()
    );
    eprintln!(
        "skipping {test}: `{}` is not installed (set CORSC_REQUIRE_ENGINES=1 to fail instead)",
        engine.binary()
    );
    None
}

/// Compiles a policy file with the library, as `corsc compile` does, with a stable
/// provenance (the path as given, the file's hash).
pub fn compile(
    path: &Path,
    profile: Option<&str>,
    target: &str,
    shape: Shape,
    listen: &str,
) -> Result<Output, Vec<corsc::diagnostics::Diagnostic>> {
    let bytes = std::fs::read(path).expect("policy file");
    let text = String::from_utf8(bytes.clone()).expect("utf-8");
    compile_text(
        &path.display().to_string(),
        &text,
        &bytes,
        profile,
        target,
        shape,
        listen,
    )
}

/// Compiles policy text through the library's pipeline, lint errors allowed; check errors and
/// plan refusals come back as diagnostics.
pub fn compile_text(
    name: &str,
    text: &str,
    bytes: &[u8],
    profile: Option<&str>,
    target: &str,
    shape: Shape,
    listen: &str,
) -> Result<Output, Vec<corsc::diagnostics::Diagnostic>> {
    let src = corsc::source::Source::new(name, text.to_string());
    let file = pipeline::parse(&src)?;
    let target = emit::find(target).expect("registered target");
    let prov = Provenance::new(name, bytes, profile.map(str::to_string));
    let options = Options {
        shape,
        listen: listen
            .parse()
            .expect("a test listens on an IP address and port"),
        ..Options::default()
    };
    match pipeline::compile(&file, profile, target, &options, &prov, LintErrors::Allow) {
        Ok(c) => Ok(c.output),
        Err(Refusal::Invalid(d) | Refusal::Lint(d) | Refusal::Target { plan: d, .. }) => Err(d),
    }
}

/// A free port on 127.0.0.1 (the kernel picks it; a race with another process is possible but
/// [`start`] retries).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Whether this process runs as root (Apache then needs a `User` to drop to).
fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// A working directory for one engine instance, with the generated files written into it.
pub struct Workdir {
    dir: tempfile::TempDir,
}

impl Workdir {
    /// A fresh directory that the engine (possibly running as `nobody`) can read.
    pub fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("corsc-engine-")
            .tempdir()
            .expect("temp dir");
        set_mode(dir.path(), 0o755);
        Self { dir }
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file under it (creating parents), readable by everyone.
    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.path().join(rel.trim_start_matches('/'));
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
            let mut d = parent;
            while d.starts_with(self.path()) && d != self.path() {
                set_mode(d, 0o755);
                d = d.parent().expect("parent");
            }
        }
        std::fs::write(&p, text).expect("write");
        set_mode(&p, 0o644);
        p
    }

    /// The engine's error log, for failure messages.
    pub fn error_log(&self) -> String {
        std::fs::read_to_string(self.path().join("error.log")).unwrap_or_default()
    }
}

fn set_mode(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode));
}

/// Writes the generated parts and nginx's wrapper; returns the wrapper's path. `server` says
/// whether the output is a complete server (`--shape server`), else the include shape is wrapped
/// in a server listening on `port`.
pub fn nginx_setup(w: &Workdir, out: &Output, port: u16, foreground: bool) -> PathBuf {
    let d = w.path().display().to_string();
    let mut http = String::new();
    for part in &out.parts {
        w.write(part.file_name, &part.text);
    }
    let names: Vec<&str> = out.parts.iter().map(|p| p.file_name).collect();
    // Every name carries the output's namespace: nginx's one variables hash, at its default
    // size (1024), may then fail to find a table and warn, as the http part's comment says.
    http.push_str("    variables_hash_max_size 2048;\n");
    // Hash sizes, when the output needs them, go first: before any map.
    if names.contains(&"corsc-map-hash.conf") {
        http.push_str(&format!("    include {d}/corsc-map-hash.conf;\n"));
    }
    if names == ["corsc-server.conf"] {
        http.push_str(&format!("    include {d}/corsc-server.conf;\n"));
    } else if names.contains(&"corsc-snippet.conf") {
        // The snippet inside the user's own location, which serves every path itself.
        http.push_str(&format!("    include {d}/corsc-http.conf;\n"));
        http.push_str(&format!(
            "    server {{\n        listen 127.0.0.1:{port};\n        default_type application/json;\n        location / {{\n            include {d}/corsc-snippet.conf;\n            return 200 \"{{\\\"ok\\\":true}}\\n\";\n        }}\n        location = /__corsc_ready {{ return 200 \"ready\\n\"; }}\n    }}\n"
        ));
    } else {
        http.push_str(&format!("    include {d}/corsc-http.conf;\n"));
        http.push_str(&format!(
            "    server {{\n        listen 127.0.0.1:{port};\n        default_type application/json;\n        include {d}/corsc-server.conf;\n        location = /__corsc_ready {{ return 200 \"ready\\n\"; }}\n    }}\n"
        ));
    }
    let run = if foreground {
        "daemon off;\nmaster_process off;\n"
    } else {
        ""
    };
    let conf = format!(
        "{run}pid {d}/nginx.pid;\nerror_log {d}/error.log notice;\nevents {{ worker_connections 64; }}\nhttp {{\n    access_log off;\n    client_body_temp_path {d}/client_body;\n    proxy_temp_path {d}/proxy;\n    fastcgi_temp_path {d}/fastcgi;\n    uwsgi_temp_path {d}/uwsgi;\n    scgi_temp_path {d}/scgi;\n{http}}}\n"
    );
    w.write("nginx.conf", &conf)
}

/// Runs `nginx -t` on generated output; `Ok` holds nginx's report (warnings included).
pub fn nginx_test(bin: &Path, out: &Output) -> Result<String, String> {
    let w = Workdir::new();
    let conf = nginx_setup(&w, out, free_port(), false);
    nginx_check(bin, w.path(), &conf)
}

/// Runs `nginx -t` on the configuration `conf` with prefix `dir`; `Ok` holds nginx's report
/// (warnings included), `Err` the report of a configuration nginx refuses.
pub fn nginx_check(bin: &Path, dir: &Path, conf: &Path) -> Result<String, String> {
    let o = Command::new(bin)
        .arg("-p")
        .arg(dir)
        .arg("-e")
        .arg(dir.join("error.log"))
        .arg("-c")
        .arg(conf)
        .arg("-t")
        .output()
        .expect("nginx runs");
    let text = String::from_utf8_lossy(&o.stderr).into_owned();
    if o.status.success() {
        Ok(text)
    } else {
        Err(text)
    }
}

/// The LoadModule lines the wrapper needs.
const APACHE_MODULES: &[(&str, &str)] = &[
    ("mpm_event_module", "mod_mpm_event.so"),
    ("authz_core_module", "mod_authz_core.so"),
    ("headers_module", "mod_headers.so"),
    ("setenvif_module", "mod_setenvif.so"),
    ("rewrite_module", "mod_rewrite.so"),
];

/// The top of an Apache configuration rooted in `d` listening on `port`: paths, modules, the
/// user when run as root, and one small worker process.
pub fn apache_base_conf(d: &str, port: u16) -> String {
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
    conf
}

/// Writes the generated parts, the document root (a file for each of `paths`) and Apache's
/// wrapper; returns the wrapper's path.
pub fn apache_setup(w: &Workdir, out: &Output, port: u16, paths: &[String]) -> PathBuf {
    let d = w.path().display().to_string();
    let mut conf = apache_base_conf(&d, port);
    w.write("htdocs/index.html", "ok\n");
    w.write("htdocs/__corsc_ready", "ready\n");
    for p in paths {
        let rel = if p.ends_with('/') {
            format!("htdocs{p}index.html")
        } else {
            format!("htdocs{p}")
        };
        w.write(&rel, "{\"ok\":true}\n");
    }
    conf.push_str(&format!(
        "DocumentRoot \"{d}/htdocs\"\n<Directory \"{d}/htdocs\">\n    Require all granted\n    AllowOverride FileInfo\n    Options FollowSymLinks\n</Directory>\n"
    ));
    for part in &out.parts {
        if part.file_name == ".htaccess" {
            w.write("htdocs/.htaccess", &part.text);
        } else {
            w.write(part.file_name, &part.text);
            conf.push_str(&format!("Include \"{d}/{}\"\n", part.file_name));
        }
    }
    w.write("httpd.conf", &conf)
}

/// Runs `apache2 -t` on generated output; `Ok` holds Apache's report. An `.htaccess` file is
/// read per request, not by `-t`, so [`start`] is the check for that shape.
pub fn apache_test(bin: &Path, out: &Output) -> Result<String, String> {
    let w = Workdir::new();
    let conf = apache_setup(&w, out, free_port(), &[]);
    let o = Command::new(bin)
        .arg("-t")
        .arg("-f")
        .arg(&conf)
        .output()
        .expect("apache2 runs");
    let text =
        String::from_utf8_lossy(&o.stderr).into_owned() + &String::from_utf8_lossy(&o.stdout);
    if o.status.success() {
        Ok(text)
    } else {
        Err(text)
    }
}

/// A running engine; killed and reaped when dropped.
pub struct Running {
    child: Child,
    engine: Engine,
    /// The work directory (kept alive as long as the server).
    pub work: Workdir,
    /// `127.0.0.1:PORT`.
    pub addr: String,
}

impl Running {
    /// The engine's pid, which is also its process group.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Running {
    /// nginx stops gracefully on SIGQUIT, Apache on SIGTERM (its parent then stops its
    /// workers); the whole group goes, and a worker left behind fails the test.
    fn drop(&mut self) {
        let graceful = match self.engine {
            Engine::Nginx => "QUIT",
            Engine::Apache => "TERM",
        };
        super::procs::stop_on_drop(&mut self.child, graceful, self.engine.binary());
    }
}

/// Starts an engine in the foreground with generated output; `paths` get files in Apache's
/// document root (nginx's complete server answers every path itself). Waits at most 10 s for
/// the port to answer; retries on a port taken in between.
pub fn start(
    engine: Engine,
    bin: &Path,
    out: &Output,
    port: u16,
    paths: &[String],
) -> Result<Running, String> {
    let mut last = String::new();
    for attempt in 0..3 {
        let port = if attempt == 0 { port } else { free_port() };
        let work = Workdir::new();
        let conf = match engine {
            Engine::Nginx => nginx_setup(&work, out, port, true),
            Engine::Apache => apache_setup(&work, out, port, paths),
        };
        match launch(engine, bin, work, &conf, port) {
            Ok(running) => return Ok(running),
            Err(e) => last = e,
        }
        if !last.contains("Address already in use") && !last.contains("could not bind") {
            return Err(last);
        }
    }
    Err(last)
}

/// Starts an engine in the foreground with the configuration `conf` written in `work`, and
/// waits at most 10 s for `port` to answer.
pub fn launch(
    engine: Engine,
    bin: &Path,
    work: Workdir,
    conf: &Path,
    port: u16,
) -> Result<Running, String> {
    let mut cmd = Command::new(bin);
    match engine {
        Engine::Nginx => {
            cmd.arg("-p")
                .arg(work.path())
                .arg("-e")
                .arg(work.path().join("error.log"))
                .arg("-c")
                .arg(conf);
        }
        Engine::Apache => {
            cmd.arg("-f").arg(conf).arg("-DFOREGROUND");
        }
    }
    let child = super::procs::own_group(&mut cmd)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", engine.binary()))?;
    let mut running = Running {
        child,
        engine,
        work,
        addr: format!("127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(Some(status)) = running.child.try_wait() {
            return Err(format!(
                "{} exited with {status}: {}",
                engine.binary(),
                running.work.error_log()
            ));
        }
        if std::net::TcpStream::connect(&running.addr).is_ok() {
            return Ok(running);
        }
        if Instant::now() > deadline {
            return Err(format!(
                "{} did not answer on {} within 10 s: {}",
                engine.binary(),
                running.addr,
                running.work.error_log()
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Every `policies/*.cors` file, sorted.
pub fn policy_files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir("policies")
        .expect("policies/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "cors"))
        .collect();
    v.sort();
    v
}

/// The profiles a policy file defines.
pub fn profiles(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("policy file");
    let src = corsc::source::Source::new(path.display().to_string(), text);
    let file = corsc::syntax::parse(&src).expect("parses");
    corsc::check::profile_names(&file)
}
