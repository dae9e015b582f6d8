#!/usr/bin/env python3
"""Instructions Apache runs per request for corsc's output, at 100, 1,000 and 10,000 exact
origins, beside the fixed-header ceiling of `cargo bench --bench targets -- apache` (the same
`Header always set` lines, nothing looked up, the same mod_rewrite 204):

    python3 tests/benches/apache_instructions.py ./target/release/corsc

Requests per second move with whatever else the machine runs; the instructions Apache's own
process executes for a request do not. Each variant runs under `valgrind --tool=callgrind`
(`apache2 -X`: one process), answers N1 and then, in a second run, N2 requests on one
keep-alive connection (a preflight, `OPTIONS /api/x` with `Access-Control-Request-Method:
PUT`, or a `GET`, from the LAST origin of the list), and the figure is the difference of the
two totals over N2 − N1: start-up and configuration parsing cancel out. Each answer is
checked (`Access-Control-Allow-Origin` equal to the origin). Needs apache2 (with the headers,
setenvif and rewrite modules) and valgrind; about four minutes.
"""
import glob
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

corsc = sys.argv[1] if len(sys.argv) > 1 else "./target/release/corsc"
here = os.path.dirname(os.path.abspath(__file__))
modules = os.environ.get("CORSC_APACHE_MODULES", "/usr/lib/apache2/modules")
N1, N2 = 200, 1200
ORIGIN = "https://tenant-{}.customers.example.com"

for tool in ("apache2", "valgrind"):
    if not shutil.which(tool) and not os.path.exists(f"/usr/sbin/{tool}"):
        sys.exit(f"skipped: `{tool}` is not installed")
apache = shutil.which("apache2") or "/usr/sbin/apache2"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fixed(origin):
    """The ceiling: the benchmark's fixed-header configuration."""
    return (
        '<Location "/api/">\n'
        f'    Header always set Access-Control-Allow-Origin "{origin}"\n'
        '    Header always set Access-Control-Allow-Credentials "true"\n'
        '    Header always set Access-Control-Allow-Methods "DELETE, PUT"\n'
        '    Header always merge Vary "Origin"\n'
        "    RewriteEngine On\n"
        "    RewriteCond %{REQUEST_METHOD} =OPTIONS\n"
        "    RewriteRule ^ - [R=204,L]\n"
        "</Location>\n"
    )


def instructions(include, origin, n, preflight):
    """Total instructions of one callgrind run of Apache answering `n` requests."""
    with tempfile.TemporaryDirectory() as d:
        os.chmod(d, 0o777)
        os.makedirs(f"{d}/htdocs/api")
        with open(f"{d}/htdocs/api/x", "w") as f:
            f.write('{"ok":true}\n')
        with open(f"{d}/inc.conf", "w") as f:
            f.write(include)
        port = free_port()
        conf = (
            f'ServerRoot "{d}"\nDefaultRuntimeDir "{d}"\nPidFile "{d}/httpd.pid"\n'
            f"Mutex file:{d} default\nListen 127.0.0.1:{port}\nServerName 127.0.0.1\n"
            f'ErrorLog "{d}/error.log"\nLogLevel warn\n'
        )
        for name in ("mpm_event", "authz_core", "headers", "setenvif", "rewrite"):
            conf += f"LoadModule {name}_module {modules}/mod_{name}.so\n"
        if os.geteuid() == 0:
            conf += "User nobody\nGroup nogroup\n"
        conf += (
            f'DocumentRoot "{d}/htdocs"\n<Directory "{d}/htdocs">\n    Require all granted\n'
            f'</Directory>\nInclude "{d}/inc.conf"\n'
        )
        with open(f"{d}/httpd.conf", "w") as f:
            f.write(conf)
        out = f"{d}/callgrind.out"
        p = subprocess.Popen(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
             apache, "-f", f"{d}/httpd.conf", "-X"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        try:
            for _ in range(1200):
                try:
                    socket.create_connection(("127.0.0.1", port)).close()
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                sys.exit(f"apache did not start: {open(d + '/error.log').read()}")
            # The worker drops to `nobody`, and callgrind writes its file as that user.
            for f in glob.glob(out + "*"):
                os.chmod(f, 0o666)
            c = http.client.HTTPConnection("127.0.0.1", port)
            headers = {"Origin": origin}
            if preflight:
                headers["Access-Control-Request-Method"] = "PUT"
            for _ in range(n):
                c.request("OPTIONS" if preflight else "GET", "/api/x", headers=headers)
                r = c.getresponse()
                r.read()
                if r.getheader("Access-Control-Allow-Origin") != origin:
                    sys.exit(f"{r.status}: Access-Control-Allow-Origin is "
                             f"{r.getheader('Access-Control-Allow-Origin')!r}, not {origin}")
            c.close()
        finally:
            os.killpg(p.pid, 15)
            p.wait()
        total = 0
        for f in glob.glob(out + "*"):
            for line in open(f):
                if line.startswith(("summary:", "totals:")):
                    total = max(total, int(line.split()[1]))
        if total == 0:
            sys.exit("callgrind wrote no totals")
        return total


def per_request(include, origin, preflight):
    a = instructions(include, origin, N1, preflight)
    b = instructions(include, origin, N2, preflight)
    return (b - a) / (N2 - N1)


variants = []
for n in (100, 1_000, 10_000):
    with tempfile.TemporaryDirectory() as d:
        policy = os.path.join(d, "p.cors")
        with open(policy, "w") as f:
            subprocess.run([sys.executable, os.path.join(here, "many_origins.py"), str(n)],
                           stdout=f, check=True)
        out = os.path.join(d, "corsc-apache.conf")
        subprocess.run([corsc, "compile", "--target", "apache", policy, "-o", out], check=True,
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        variants.append((f"corsc, {n:,} origins", open(out).read(), ORIGIN.format(n - 1)))
variants.append(("fixed headers (ceiling)", fixed(ORIGIN.format(9_999)), ORIGIN.format(9_999)))

print("| configuration | preflight: instructions | GET: instructions |")
print("|---|---|---|")
for name, include, origin in variants:
    pre = per_request(include, origin, True)
    get = per_request(include, origin, False)
    print(f"| {name} | {pre:,.0f} | {get:,.0f} |", flush=True)
