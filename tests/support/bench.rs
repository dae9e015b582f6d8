//! What the benchmarks under `tests/benches/` share: finding a tool, and one nginx started in
//! the foreground with a site configuration, one worker and no access log.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The path of a program on `PATH`, if there is one.
pub fn which(name: &str) -> Option<String> {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {name}"))
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Starts nginx in `dir` with `site` included inside `http { }` after `http_extra` (directives
/// such as hash sizes), one worker, no access log; waits until `port` accepts. Returns the
/// child to kill.
pub fn start_nginx(nginx: &str, dir: &Path, http_extra: &str, site: &str, port: u16) -> Child {
    let d = dir.display();
    std::fs::write(dir.join("site.conf"), site).unwrap();
    let conf = format!(
        "daemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\nevents {{ worker_connections 1024; }}\nhttp {{\n    access_log off;\n{http_extra}    client_body_temp_path {d}/cb;\n    proxy_temp_path {d}/px;\n    fastcgi_temp_path {d}/fc;\n    uwsgi_temp_path {d}/uw;\n    scgi_temp_path {d}/sc;\n    include {d}/site.conf;\n}}\n"
    );
    std::fs::write(dir.join("nginx.conf"), conf).unwrap();
    let mut child = Command::new(nginx)
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nginx starts");
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return child;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!(
        "nginx did not start: {}",
        std::fs::read_to_string(dir.join("error.log")).unwrap_or_default()
    );
}
